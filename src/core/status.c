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
  }
  return "unknown status";
}

const char *nl_version(void) { return NL_VERSION; }

int nl_abi_version(void) { return NL_ABI_VERSION; }
