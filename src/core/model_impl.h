#ifndef NL_CORE_MODEL_IMPL_H
#define NL_CORE_MODEL_IMPL_H
/*
 * The model interface seen from inside the library. `struct nl_model` is public
 * (netlearn/model_api.h); a built-in model module defines one `const nl_model nl_model_<name>`
 * and is listed once in src/models/registry.c.
 */
#include <stdint.h>

#include "core/error.h"
#include "netlearn/model.h"
#include "netlearn/model_api.h"

/* Parameter values seen from inside: numbers by index, strings by index. */
struct nl_params {
  const nl_model *model;
  double *num;     /* nparams values */
  char **str;      /* nparams entries; non-NULL for STRING params */
  unsigned char *set;
  nl_errbuf err;
};

#endif
