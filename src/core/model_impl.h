#ifndef NL_CORE_MODEL_IMPL_H
#define NL_CORE_MODEL_IMPL_H
/*
 * The model interface seen from inside the library. A model module defines one
 * `const nl_model nl_model_<name>` and is listed once in src/core/registry.c.
 */
#include <stdint.h>

#include "core/error.h"
#include "netlearn/model.h"

struct nl_model {
  const char *name;
  const char *title;
  const char *doc;
  const nl_param_desc *params;
  size_t nparams;
  const nl_measure_desc *measures;
  size_t nmeasures;
  /* Cross-parameter checks (optional). */
  nl_status (*validate)(const nl_params *p, nl_errbuf *err);
  /* Allocate a state for these parameters; everything later periods need is allocated here. */
  nl_status (*create)(void **state, const nl_params *p, nl_errbuf *err);
  /* Initial state of a replication, from (seed, replication) only. No allocation. */
  nl_status (*reset)(void *state, uint64_t seed, uint64_t replication, nl_errbuf *err);
  /* One period. No allocation. */
  nl_status (*step)(void *state, nl_errbuf *err);
  /* Current measures into out[nmeasures]. May use the state's scratch space (hence not const):
   * measures are computed only when observed, so periods that are not recorded cost nothing. */
  void (*observe)(void *state, double *out);
  /* Absorbing state reached (optional; NULL = never). */
  int (*at_equilibrium)(const void *state);
  void (*destroy)(void *state);
};

/* Parameter values seen from inside: numbers by index, strings by index. */
struct nl_params {
  const nl_model *model;
  double *num;     /* nparams values */
  char **str;      /* nparams entries; non-NULL for STRING params */
  unsigned char *set;
  nl_errbuf err;
};

#endif
