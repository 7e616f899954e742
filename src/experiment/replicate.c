/* Replications of one design point in parallel, and their tidy CSV outputs. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/format.h"
#include "core/model_impl.h"
#include "core/stats.h"
#include "io/atomic.h"
#include "io/json.h"
#include "io/scenario_impl.h"
#include "experiment/experiment_impl.h"
#include "netlearn/run.h"

typedef nl_run_record rep_data;

struct nl_results {
  const nl_model *model;
  size_t nm;
  long nreps;
  rep_data *reps;
  nl_errbuf err;
};

void nl_run_config_from_scenario(nl_run_config *cfg, const nl_scenario *sc) {
  memset(cfg, 0, sizeof *cfg);
  cfg->seed = nl_scenario_seed(sc);
  cfg->replications = nl_scenario_replications(sc);
  cfg->until = nl_scenario_until(sc);
  cfg->periods = nl_scenario_periods(sc);
  cfg->every = nl_scenario_every(sc);
}

nl_results *nl_results_new(void) { return nl_calloc(1, sizeof(nl_results)); }

static void clear(nl_results *r) {
  for (long i = 0; i < r->nreps; i++) nl_run_record_clear(&r->reps[i]);
  nl_free(r->reps);
  r->reps = NULL;
  r->nreps = 0;
}

void nl_results_free(nl_results *r) {
  if (!r) return;
  clear(r);
  nl_free(r);
}

const char *nl_results_errmsg(const nl_results *r) { return NL_ERRMSG_OF(r); }
/* Checked getters (issue 19): a NULL handle, a replication or a row out of range give 0, -1 or
 * NULL as run.h documents. */
#define REP_OK(r, rep) ((r) && (rep) >= 0 && (rep) < (r)->nreps)
#define ROW_OK(r, rep, k) (REP_OK(r, rep) && (k) >= 0 && (k) < (r)->reps[rep].rows)
const nl_model *nl_results_model(const nl_results *r) { return r ? r->model : NULL; }
long nl_results_replications(const nl_results *r) { return r ? r->nreps : 0; }
long nl_results_rows(const nl_results *r, long rep) { return REP_OK(r, rep) ? r->reps[rep].rows : 0; }
long nl_results_row_period(const nl_results *r, long rep, long k) { return ROW_OK(r, rep, k) ? r->reps[rep].period[k] : -1; }
const double *nl_results_row(const nl_results *r, long rep, long k) {
  return ROW_OK(r, rep, k) ? r->reps[rep].value + (size_t)k * r->nm : NULL;
}
long nl_results_periods(const nl_results *r, long rep) { return REP_OK(r, rep) ? r->reps[rep].periods_run : -1; }
int nl_results_equilibrium(const nl_results *r, long rep) { return REP_OK(r, rep) ? r->reps[rep].equilibrium : 0; }
const double *nl_results_final(const nl_results *r, long rep) {
  return REP_OK(r, rep) ? nl_results_row(r, rep, r->reps[rep].rows - 1) : NULL;
}

nl_status nl_results_run(nl_results *r, const nl_params *params, const nl_run_config *cfg) {
  clear(r);
  nl_err_clear(&r->err);
  r->model = nl_params_model(params);
  r->nm = r->model->nmeasures;
  if (cfg->replications < 1) return nl_err(&r->err, NL_ERANGE, "replications must be at least 1");
  if (cfg->periods < 0) return nl_err(&r->err, NL_ERANGE, "periods must not be negative");
  r->reps = nl_calloc((size_t)cfg->replications, sizeof *r->reps);
  if (!r->reps) return nl_err(&r->err, NL_ENOMEM, "out of memory");
  r->nreps = cfg->replications;

  nl_status status = NL_OK;
  long done = 0;
  volatile int stop = 0;
  int threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
  if (threads > cfg->replications) threads = (int)cfg->replications;

#pragma omp parallel num_threads(threads)
  {
    nl_errbuf terr;
    nl_status tst = NL_OK;
    nl_sim *sim = nl_sim_new(params); /* one state per thread, reused by its replications */
    if (!sim) tst = nl_err(&terr, NL_ENOMEM, "out of memory creating a %s simulation", r->model->name);
    else if (nl_sim_status(sim)) tst = nl_err(&terr, nl_sim_status(sim), "%s", nl_sim_errmsg(sim));
#pragma omp for schedule(dynamic, 1)
    for (long i = 0; i < cfg->replications; i++) {
      if (tst || stop) continue;
      tst = nl_run_simulate(sim, r->nm, &r->reps[i], cfg, cfg->first_replication + i, &terr);
      if (tst == NL_ECANCELED) {
        tst = NL_OK;
        stop = 1;
        continue;
      }
      if (tst) continue;
#pragma omp critical(nl_progress)
      {
        done++;
        if (cfg->progress && cfg->progress(cfg->progress_user, done, cfg->replications)) stop = 1;
      }
    }
    if (tst) {
#pragma omp critical(nl_error)
      if (!status) {
        status = tst;
        memcpy(r->err.msg, terr.msg, sizeof terr.msg);
      }
      stop = 1;
    }
    nl_sim_free(sim);
  }
  if (!status && stop) status = nl_err(&r->err, NL_ECANCELED, "canceled after %ld of %ld replications", done,
                                       cfg->replications);
  if (status) clear(r);
  return status;
}

/* ---- CSV outputs ------------------------------------------------------------------------------- */

static size_t sel_at(const size_t *sel, size_t i) { return sel ? sel[i] : i; }

nl_status nl_results_write_series(nl_results *r, const char *path, const size_t *sel, size_t nsel) {
  if (!sel) nsel = r->nm;
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &r->err);
  if (st) return st;
  fputs("replication,period,measure,value\n", a.f);
  for (long rep = 0; rep < r->nreps; rep++) {
    const rep_data *d = &r->reps[rep];
    for (long k = 0; k < d->rows; k++)
      for (size_t j = 0; j < nsel; j++) {
        size_t mi = sel_at(sel, j);
        fprintf(a.f, "%ld,%ld,%s,", rep, d->period[k], r->model->measures[mi].name);
        nl_format_fput(a.f, d->value[(size_t)k * r->nm + mi]);
        fputc('\n', a.f);
      }
  }
  return nl_atomic_commit(&a, &r->err);
}

nl_status nl_results_write_final(nl_results *r, const char *path, const size_t *sel, size_t nsel) {
  if (!sel) nsel = r->nm;
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &r->err);
  if (st) return st;
  fputs("replication,periods,equilibrium", a.f);
  for (size_t j = 0; j < nsel; j++) fprintf(a.f, ",%s", r->model->measures[sel_at(sel, j)].name);
  fputc('\n', a.f);
  for (long rep = 0; rep < r->nreps; rep++) {
    const double *v = nl_results_final(r, rep);
    fprintf(a.f, "%ld,%ld,%d", rep, r->reps[rep].periods_run, r->reps[rep].equilibrium);
    for (size_t j = 0; j < nsel; j++) {
      fputc(',', a.f);
      nl_format_fput(a.f, v[sel_at(sel, j)]);
    }
    fputc('\n', a.f);
  }
  return nl_atomic_commit(&a, &r->err);
}

nl_status nl_results_write_summary(nl_results *r, const char *path, const size_t *sel, size_t nsel) {
  if (!sel) nsel = r->nm;
  nl_status st = NL_OK;
  nl_atomic_file a;
  long n = r->nreps;
  double *x = nl_malloc((size_t)n * sizeof *x);
  long *cursor = nl_calloc((size_t)n, sizeof *cursor);
  if (!x || !cursor) {
    st = nl_err(&r->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  st = nl_atomic_open(&a, path, &r->err);
  if (st) goto cleanup;
  fputs("period,measure,n,mean,sd,ci_low,ci_high\n", a.f);
  double tq = n > 1 ? nl_t_quantile(0.975, (double)(n - 1)) : NAN;
  /* Walk the union of recorded periods in order; each replication contributes its latest row at or
   * before the period (rows after a stop at equilibrium repeat the final state, which is absorbing). */
  long t = 0;
  for (;;) {
    for (long rep = 0; rep < n; rep++) {
      const rep_data *d = &r->reps[rep];
      while (cursor[rep] + 1 < d->rows && d->period[cursor[rep] + 1] <= t) cursor[rep]++;
    }
    for (size_t j = 0; j < nsel; j++) {
      size_t mi = sel_at(sel, j);
      for (long rep = 0; rep < n; rep++) x[rep] = r->reps[rep].value[(size_t)cursor[rep] * r->nm + mi];
      double mean, sd;
      nl_mean_sd(x, n, 1, &mean, &sd);
      double half = n > 1 ? tq * sd / sqrt((double)n) : NAN;
      fprintf(a.f, "%ld,%s,%ld,", t, r->model->measures[mi].name, n);
      nl_format_fput(a.f, mean);
      fputc(',', a.f);
      nl_format_fput(a.f, n > 1 ? sd : NAN);
      fputc(',', a.f);
      nl_format_fput(a.f, mean - half);
      fputc(',', a.f);
      nl_format_fput(a.f, mean + half);
      fputc('\n', a.f);
    }
    long next = -1;
    for (long rep = 0; rep < n; rep++) {
      const rep_data *d = &r->reps[rep];
      if (cursor[rep] + 1 < d->rows) {
        long p = d->period[cursor[rep] + 1];
        if (next < 0 || p < next) next = p;
      }
    }
    if (next < 0) break;
    t = next;
  }
  st = nl_atomic_commit(&a, &r->err);
cleanup:
  nl_free(x);
  nl_free(cursor);
  return st;
}

nl_status nl_results_write_manifest(nl_results *r, const char *path, const nl_scenario *sc, int argc,
                                    char *const *argv, const char *const *outputs, size_t noutputs) {
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &r->err);
  if (st) return st;
  nl_json j;
  nl_json_init(&j, a.f);
  nl_json_obj_begin(&j);
  nl_json_key(&j, "netlearn_version");
  nl_json_str(&j, nl_version());
  nl_json_key(&j, "status");
  nl_json_str(&j, "complete");
  nl_json_key_strs(&j, "command_line", (const char *const *)argv, argc > 0 ? (size_t)argc : 0);
  nl_json_key(&j, "scenario");
  nl_scenario_json(sc, &j);
  nl_json_key(&j, "replications_run");
  nl_json_int(&j, r->nreps);
  long eq = 0;
  for (long i = 0; i < r->nreps; i++) eq += r->reps[i].equilibrium;
  nl_json_key(&j, "replications_at_equilibrium");
  nl_json_int(&j, eq);
  nl_json_key_strs(&j, "outputs", outputs, noutputs);
  nl_json_obj_end(&j);
  fputc('\n', a.f);
  return nl_atomic_commit(&a, &r->err);
}
