#ifndef NL_EXPERIMENT_IMPL_H
#define NL_EXPERIMENT_IMPL_H
/* Experiment internals shared by replicate.c, sweep.c, worker.c, rundir.c and calibrate/. */
#include <stdint.h>

#include "core/error.h"
#include "design/design_impl.h" /* struct nl_design: the runs read their design directly */
#include "netlearn/experiment.h"

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
