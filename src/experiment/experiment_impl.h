#ifndef NL_EXPERIMENT_IMPL_H
#define NL_EXPERIMENT_IMPL_H
/* Experiment internals shared by replicate.c, design.c, worker.c and store/. */
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

/*
 * Run replication `rep` of sim's parameters (nmeasures: its model's measure count) into rec (buffers reused, rows reset): reset with
 * (cfg->seed, rep), record period 0, then every cfg->every-th period, the last one and the one
 * where equilibrium is reached. The same rows as nl_results_run records.
 */
nl_status nl_run_simulate(nl_sim *sim, size_t nmeasures, nl_run_record *rec, const nl_run_config *cfg, long rep,
                          nl_errbuf *err);

/* Where a long run's rows go while it runs (nl_worker_set_chunks): when rec holds `rows` rows and
 * another is to be recorded, fn gets them and they are dropped from rec. */
typedef struct nl_run_sink {
  long rows;
  nl_chunk_fn fn; /* NULL: every row stays in rec */
  void *user;
} nl_run_sink;

/* nl_run_simulate with rows streamed to sink (may be NULL) in chunks: rec ends holding the rows
 * recorded since the last chunk, at least the last one (the run's final measures). A sink error
 * ends the run with that status. */
nl_status nl_run_simulate_chunked(nl_sim *sim, size_t nmeasures, nl_run_record *rec, const nl_run_config *cfg,
                                  long rep, const nl_run_sink *sink, nl_errbuf *err);

#endif
