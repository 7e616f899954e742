/* The network parameter group: values of a model's parameters as a generator spec (params.h). */
#include <string.h>

#include "network/network_impl.h"
#include "network/params.h"

static double value(const nl_params *p, const char *name) {
  long i = nl_model_param_index(nl_params_model(p), name);
  return i >= 0 ? nl_params_get(p, (size_t)i) : 0;
}

nl_status nl_netpar_check(const nl_params *p, size_t n, const nl_network_kind *kind_of, nl_errbuf *err) {
  nl_network_spec spec;
  nl_netpar_spec(p, n, kind_of, &spec);
  nl_network *g = nl_network_new();
  if (!g) return nl_err(err, NL_ENOMEM, "out of memory");
  nl_status st = NL_OK;
  long kind = nl_model_param_index(nl_params_model(p), "network");
  if (nl_network_spec_check(g, &spec))
    st = nl_err(err, NL_EINVAL, "network '%s': %s", kind >= 0 ? nl_params_get_string(p, (size_t)kind) : "?",
                nl_network_errmsg(g));
  nl_network_free(g);
  return st;
}

void nl_netpar_spec(const nl_params *p, size_t n, const nl_network_kind *kind_of, nl_network_spec *out) {
  memset(out, 0, sizeof *out);
  out->kind = kind_of[(size_t)value(p, "network")];
  out->n = n;
  out->k = (size_t)value(p, "net_k");
  out->p = value(p, "net_p");
  out->blocks = (size_t)value(p, "net_blocks");
  out->p_in = value(p, "net_p_in");
  out->p_out = value(p, "net_p_out");
}
