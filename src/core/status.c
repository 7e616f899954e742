#include <string.h>

#include "core/error.h"
#include "netlearn/netlearn.h"
#include "netlearn/version.h"

const char *nl_status_str(nl_status s) {
  switch (s) {
  case NL_OK: return "success";
  case NL_ENOMEM: return "out of memory";
  case NL_EIO: return "input/output error";
  case NL_EPARSE: return "parse error";
  case NL_EINVAL: return "invalid input";
  case NL_ERANGE: return "value out of range";
  case NL_ENUMERIC: return "numerical failure";
  case NL_ECONVERGE: return "did not converge";
  case NL_ECANCELED: return "canceled";
  case NL_EEXIST: return "results already exist";
  case NL_EINTERNAL: return "internal error";
  case NL_EBUSY: return "in use by another process";
  case NL_EUNSUPPORTED: return "not built in";
  }
  return "unknown status";
}

const char *nl_version(void) { return NL_VERSION; }

int nl_abi_version(void) { return NL_ABI_VERSION; }

/* The optional components (CMake NL_WITH_*), as compiled. */
static const struct {
  const char *name, *what, *option;
  int built;
} components[] = {
    {"plot", "figures (cairo)", "NL_WITH_PLOT", NL_HAVE_PLOT},
    {"store", "the results database (SQLite)", "NL_WITH_STORE", NL_HAVE_STORE},
    {"yaml", "YAML input files (libfyaml)", "NL_WITH_YAML", NL_HAVE_YAML},
};

int nl_built_with(const char *component) {
  for (size_t i = 0; component && i < sizeof components / sizeof *components; i++)
    if (!strcmp(component, components[i].name)) return components[i].built;
  return 0;
}

nl_status nl_err_without(nl_errbuf *e, const char *component) {
  for (size_t i = 0; i < sizeof components / sizeof *components; i++)
    if (!strcmp(component, components[i].name))
      return nl_err(e, NL_EUNSUPPORTED, "netlearn was built without %s: rebuild with -D%s=ON", components[i].what,
                    components[i].option);
  return nl_err(e, NL_EUNSUPPORTED, "netlearn was built without %s", component);
}
