#ifndef NETLEARN_RUN_H
#define NETLEARN_RUN_H
/*
 * Replications of one design point, in parallel (OpenMP), and their results.
 *
 * Replication r of a run with seed s draws only from the random streams keyed (s, r, ...), and
 * its results go to slot r, so the results are identical whatever the number of threads and the
 * order in which replications finish.
 */
#include <stdint.h>

#include "netlearn/model.h"
#include "netlearn/scenario.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Progress callback: runs done out of total. Return non-zero to cancel the remaining runs.
 * Called from one thread at a time. */
typedef int (*nl_progress_fn)(void *user, long done, long total);

/* Interruption poll: return non-zero to stop. Called inside each run's period loop (every
 * NL_INTERRUPT_EVERY periods), from every thread at once: it must be thread-safe and cheap
 * (reading a flag a signal handler sets). A run stopped this way is not recorded; runs that
 * finish are. */
typedef int (*nl_interrupt_fn)(void *user);
#define NL_INTERRUPT_EVERY 4

typedef struct nl_run_config {
  uint64_t seed;
  long replications;     /* >= 1 */
  long first_replication; /* index of the first replication (streams are keyed by the index) */
  nl_until until;        /* NL_UNTIL_PERIODS: run `periods`; NL_UNTIL_EQUILIBRIUM: until equilibrium, cap `periods` */
  long periods;
  long every;            /* record every k-th period (the first and the last are always recorded) */
  int threads;           /* <= 0: OpenMP's default */
  nl_progress_fn progress;
  void *progress_user;
  nl_interrupt_fn interrupt; /* may be NULL */
  void *interrupt_user;
  long chunk_rows;       /* nl_experiment_run: a run's series rows held before they go to the store
                            (<= 0: NL_RUN_CHUNK_BYTES' worth, netlearn/experiment.h) */
} nl_run_config;

/* A config from a scenario (seed, replications, stop rule, every). */
NL_API void nl_run_config_from_scenario(nl_run_config *cfg, const nl_scenario *sc);

typedef struct nl_results nl_results;

NL_API nl_results *nl_results_new(void); /* NULL when out of memory */
NL_API void nl_results_free(nl_results *r);
NL_API const char *nl_results_errmsg(const nl_results *r);

/*
 * Run cfg->replications replications of params' model (params borrowed). Replaces any earlier
 * results held by r. Errors: NL_ENOMEM, model errors, NL_ECANCELED when the progress callback
 * or the interrupt poll asked to stop. Cost: replications x periods x one model step, spread over the threads; memory
 * one model state per thread plus the recorded measures.
 */
NL_API nl_status nl_results_run(nl_results *r, const nl_params *params, const nl_run_config *cfg);

/* NULL and 0 for a NULL handle (and for results not run yet). */
NL_API const nl_model *nl_results_model(const nl_results *r);
NL_API long nl_results_replications(const nl_results *r);
/* Getters below are checked: a NULL handle, rep outside [0, replications) or k outside [0, rows)
 * give 0 rows, period -1, NULL rows, -1 periods and equilibrium 0. O(1).
 * Recorded rows of replication rep (period 0 = initial state is the first row). */
NL_API long nl_results_rows(const nl_results *r, long rep);
/* Period of row k of replication rep, and its measures (nl_model_nmeasures values, borrowed). */
NL_API long nl_results_row_period(const nl_results *r, long rep, long k);
NL_API const double *nl_results_row(const nl_results *r, long rep, long k);
/* Periods run by replication rep, and whether it stopped at equilibrium. */
NL_API long nl_results_periods(const nl_results *r, long rep);
NL_API int nl_results_equilibrium(const nl_results *r, long rep);
/* Measures at the end of replication rep (borrowed). */
NL_API const double *nl_results_final(const nl_results *r, long rep);

/*
 * Tidy CSV outputs (RFC 4180, '.' decimal point, NA for missing), each written to a temporary
 * file and renamed into place, so a reader never sees a half-written file. `sel`/`nsel` choose
 * the measures (indices; NULL = all).
 *   series:  replication,period,measure,value
 *   summary: period,measure,n,mean,sd,ci_low,ci_high  (95% t interval over replications; a
 *            replication that stopped at equilibrium keeps its final value in later periods)
 *   final:   replication,periods,equilibrium,<one column per measure>
 * Errors: NL_EIO naming the file. Cost: linear in the recorded rows.
 */
NL_API nl_status nl_results_write_series(nl_results *r, const char *path, const size_t *sel, size_t nsel);
NL_API nl_status nl_results_write_summary(nl_results *r, const char *path, const size_t *sel, size_t nsel);
NL_API nl_status nl_results_write_final(nl_results *r, const char *path, const size_t *sel, size_t nsel);

/*
 * manifest.json: the fully resolved scenario (every parameter, defaults included), netlearn's
 * version, the command line and the outputs, so that any run can be re-created. Written last
 * (atomically): a results directory without a manifest is incomplete. argv borrowed.
 */
NL_API nl_status nl_results_write_manifest(nl_results *r, const char *path, const nl_scenario *sc, int argc,
                                           char *const *argv, const char *const *outputs, size_t noutputs);

#ifdef __cplusplus
}
#endif
#endif
