#ifndef NL_DESIGN_IMPL_H
#define NL_DESIGN_IMPL_H
/* Design internals (src/design/): the points of an experiment. Below both the experiment runner
 * and the results store, which each read a design and never call each other through it. */
#include <stdint.h>

#include "core/error.h"
#include "netlearn/experiment.h"

struct nl_design {
  const nl_scenario *sc; /* borrowed */
  size_t npoints, cap;
  nl_params **params;    /* npoints, owned */
  char **keys;           /* npoints, owned */
  size_t *table;         /* key set: 1 + point index, 0 = empty */
  size_t tcap;
  size_t nswept;
  size_t *swept;
  long *reps;            /* npoints replications each (explicit designs); NULL: the scenario's */
  nl_errbuf err;
};

/* A Latin hypercube of n points in [0, n)^k into u (n x k, row-major; divide by n for the unit cube):
 * in every dimension f each of the n unit strata holds one point; dimension f draws from the stream (seed, stream, NL_RNG_DESIGN, f).
 * perm: n scratch values. O(n k). */
void nl_lhs_unit(uint64_t seed, uint64_t stream, size_t k, size_t n, size_t *perm, double *u);

/* Canonical key of a parameter set (caller frees with nl_free); NULL when out of memory. */
char *nl_design_make_key(const nl_params *p);

#endif
