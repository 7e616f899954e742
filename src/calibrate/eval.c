/*
 * Evaluations: the targets' per-replication values at a parameter vector (simulated, or read back
 * from results.db), their statistics and the objective.
 *
 * Common random numbers: replication r of every parameter vector draws from the streams keyed
 * (seed, r), exactly as replication r of `netlearn run`; only theta differs between evaluations.
 * The cache is the table calib_eval of results.db (the results store's database, docs/database.md),
 * keyed by theta's exact decimal text; one row per evaluation, committed as soon as it is computed.
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calibrate/calib_impl.h"
#include "core/alloc.h"
#include "core/model_impl.h"
#include "design/design_impl.h"
#include "experiment/experiment_impl.h"
#include "io/json.h" /* nl_format_double: theta's exact text, the cache key */
#include "store/store_impl.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- cache ----------------------------------------------------------------------------------- */

#if NL_HAVE_STORE /* the cache lives in results.db */
/* What decides the per-replication values besides theta: the model, every parameter's resolved
 * value, how long a run lasts, the replications, the seed, the free parameters and what each target
 * reads. Not the scenario's file, name or description: a renamed or moved calibration file (or one
 * with other inference settings) resumes from its results.db. Caller frees. */
static char *identity(nl_calib *c) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  char *key = nl_design_make_key(nl_scenario_params(c->scen)); /* every parameter, as sweeps key points */
  if (!key) {
    fclose(f);
    free(buf); /* open_memstream's buffer belongs to the C library's malloc */
    return NULL;
  }
  fprintf(f, "model=%s\n%s\n", c->model->name, key);
  nl_free(key);
  fprintf(f, "until=%d\nperiods=%ld", (int)nl_scenario_until(c->scen), nl_scenario_periods(c->scen));
  fprintf(f, "\nreplications=%ld\nseed=%llu\nparameters=", c->R, (unsigned long long)c->seed);
  for (size_t j = 0; j < c->P; j++) fprintf(f, "%s%s", j ? "," : "", c->model->params[c->pidx[j]].name);
  fputs("\ntargets=", f);
  for (size_t k = 0; k < c->K; k++) fprintf(f, "%s%s", k ? "," : "", c->tg[k].label);
  fputc('\n', f);
  if (c->study) nl_study_write_fingerprint(c->study, f); /* PLS targets: the survey and the PLS model decide the values too */
  if (fclose(f)) {
    free(buf); /* open_memstream's buffer belongs to the C library's malloc: free(), not nl_free */
    return NULL;
  }
  char *out = nl_strdup(buf); /* handed on: a copy on the netlearn allocator */
  free(buf);
  return out;
}

nl_status nl_calib_cache_open(nl_calib *c, const char *path) {
  nl_calib_cache_close(c);
  nl_status st = NL_OK;
  char *id = NULL;
  sqlite3_stmt *s = NULL;
  st = nl_store_open(path, NL_STORE_CREATE, 0, &c->store);
  if (!c->store) return nl_err(&c->err, NL_ENOMEM, "out of memory");
  if (st) {
    nl_err(&c->err, st, "%s", nl_store_errmsg(c->store));
    goto cleanup;
  }
  sqlite3 *db = nl_store_db(c->store);
  int rc = sqlite3_exec(db,
                        "CREATE TABLE IF NOT EXISTS calib_meta(key TEXT PRIMARY KEY, value TEXT);"
                        "CREATE TABLE IF NOT EXISTS calib_eval(theta TEXT PRIMARY KEY, q REAL, seconds REAL, "
                        "replications INTEGER, targets INTEGER, vals BLOB)",
                        NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    st = nl_err(&c->err, NL_EIO, "%s: creating the calibration tables: %s", path, sqlite3_errmsg(db));
    goto cleanup;
  }
  id = identity(c);
  if (!id) {
    st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  rc = sqlite3_prepare_v2(db, "SELECT value FROM calib_meta WHERE key='identity'", -1, &s, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    const char *old = (const char *)sqlite3_column_text(s, 0);
    if (!old || strcmp(old, id)) {
      st = nl_err(&c->err, NL_EEXIST,
                  "%s holds the evaluations of a different calibration (simulation, replications, seed, free "
                  "parameters, target statistics, or the survey's constructs and PLS model differ): use a new "
                  "output directory or remove it",
                  path);
      goto cleanup;
    }
  } else if (rc == SQLITE_DONE) {
    sqlite3_finalize(s);
    s = NULL;
    rc = sqlite3_prepare_v2(db, "INSERT INTO calib_meta VALUES('identity', ?)", -1, &s, NULL);
    if (rc == SQLITE_OK) sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC), rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
      st = nl_err(&c->err, NL_EIO, "%s: %s", path, sqlite3_errmsg(db));
      goto cleanup;
    }
  } else {
    st = nl_err(&c->err, NL_EIO, "%s: reading the calibration tables: %s", path, sqlite3_errmsg(db));
    goto cleanup;
  }
  if (sqlite3_prepare_v2(db, "SELECT q, seconds, vals FROM calib_eval WHERE theta = ?", -1, &c->get, NULL) ||
      sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO calib_eval VALUES(?, ?, ?, ?, ?, ?)", -1, &c->put, NULL))
    st = nl_err(&c->err, NL_EIO, "%s: %s", path, sqlite3_errmsg(db));
cleanup:
  sqlite3_finalize(s);
  nl_free(id);
  if (st) nl_calib_cache_close(c);
  return st;
}

void nl_calib_cache_close(nl_calib *c) {
  sqlite3_finalize(c->get);
  sqlite3_finalize(c->put);
  c->get = c->put = NULL;
  nl_store_free(c->store);
  c->store = NULL;
}
#else
nl_status nl_calib_cache_open(nl_calib *c, const char *path) {
  (void)path;
  return nl_err_without(&c->err, "store");
}

void nl_calib_cache_close(nl_calib *c) {
  nl_store_free(c->store);
  c->store = NULL;
}
#endif

#if NL_HAVE_STORE
static void theta_key(const nl_calib *c, const double *theta, char *buf, size_t cap) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t j = 0; j < c->P && len + 40 < cap; j++) {
    char num[40];
    nl_format_double(num, sizeof num, theta[j]);
    len += (size_t)snprintf(buf + len, cap - len, "%s%s", j ? ";" : "", num);
  }
}
#endif

/* ---- simulation ------------------------------------------------------------------------------ */

/* The value target k reads from a finished run. */
static double read_target(const nl_calib_target *t, const nl_run_record *rec) {
  if (t->measure == NL_CALIB_PERIODS) return (double)rec->periods_run;
  long row = rec->rows - 1;
  if (t->period != NL_CALIB_FINAL)
    while (row > 0 && rec->period[row] > t->period) row--;
  return rec->value[(size_t)row * rec->nmeasures + (size_t)t->measure];
}

/* Parameters of the scenario with theta's free parameters; caller frees. */
static nl_status params_at(nl_calib *c, const double *theta, nl_params **out) {
  *out = NULL;
  nl_params *p = nl_params_clone(nl_scenario_params(c->scen));
  if (!p) return nl_err(&c->err, NL_ENOMEM, "out of memory");
  nl_status st = NL_OK;
  for (size_t j = 0; j < c->P && !st; j++) {
    const nl_param_desc *pd = &c->model->params[c->pidx[j]];
    double v = theta[j];
    if (!(v >= c->lo[j] && v <= c->hi[j]))
      st = nl_err(&c->err, NL_ERANGE, "parameter '%s' = %g is outside its bounds [%g, %g]", pd->name, v, c->lo[j],
                  c->hi[j]);
    else {
      if (pd->type == NL_PARAM_INT) v = floor(v + 0.5);
      st = nl_params_set_number(p, pd->name, v);
      if (st) nl_err(&c->err, st, "%s", nl_params_errmsg(p));
    }
  }
  if (!st) {
    st = nl_params_validate(p);
    if (st) nl_err(&c->err, st, "at %s: %s", c->file, nl_params_errmsg(p));
  }
  if (st) nl_params_free(p);
  else *out = p;
  return st;
}

static nl_status simulate(nl_calib *c, const nl_params *p, double *x, int threads) {
  if (c->study) return nl_calib_pls_simulate(c, p, x, threads);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, c->scen);
  cfg.seed = c->seed;
  cfg.every = c->gcd_period;
  cfg.interrupt = c->cfg.interrupt;
  cfg.interrupt_user = c->cfg.interrupt_user;
  nl_status status = NL_OK;
  int nt = threads > 0 ? threads : omp_get_max_threads();
  if (nt > c->R) nt = (int)c->R;
  size_t K = c->K;
#pragma omp parallel num_threads(nt)
  {
    nl_errbuf terr;
    nl_status tst = NL_OK;
    nl_run_record rec;
    nl_run_record_init(&rec);
    nl_sim *sim = nl_sim_new(p); /* one state per thread, reused by its replications */
    if (!sim) tst = nl_err(&terr, NL_ENOMEM, "out of memory creating a %s simulation", c->model->name);
    else if (nl_sim_status(sim)) tst = nl_err(&terr, nl_sim_status(sim), "%s", nl_sim_errmsg(sim));
#pragma omp for schedule(dynamic, 1)
    for (long r = 0; r < c->R; r++) {
      if (tst) continue;
      tst = nl_run_simulate(sim, c->model->nmeasures, &rec, &cfg, r, &terr);
      if (tst) continue;
      for (size_t k = 0; k < K; k++) x[(size_t)r * K + k] = read_target(&c->tg[k], &rec);
    }
    if (tst) {
#pragma omp critical(nl_calib_error)
      if (!status) {
        status = tst;
        memcpy(c->err.msg, terr.msg, sizeof terr.msg);
      }
    }
    nl_run_record_clear(&rec);
    nl_sim_free(sim);
  }
  return status;
}

nl_status nl_calib_values(nl_calib *c, const double *theta, double *x, int *cached, double *seconds) {
  *cached = 0;
#if NL_HAVE_STORE
  char key[2048];
  theta_key(c, theta, key, sizeof key);
  size_t nval = (size_t)c->R * c->K;
  if (c->get) {
    sqlite3_reset(c->get);
    sqlite3_bind_text(c->get, 1, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(c->get);
    if (rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(c->get, 2) == nval * sizeof(double)) {
      memcpy(x, sqlite3_column_blob(c->get, 2), nval * sizeof(double));
      *seconds = sqlite3_column_double(c->get, 1);
      *cached = 1;
      sqlite3_reset(c->get);
      return NL_OK;
    }
    sqlite3_reset(c->get);
  }
#endif
  nl_params *p = NULL;
  nl_status st = params_at(c, theta, &p);
  if (st) return st;
  double t0 = now();
  st = simulate(c, p, x, c->threads);
  nl_params_free(p);
  *seconds = now() - t0;
#if !NL_HAVE_STORE
  return st;
#else
  if (st || !c->put) return st;
  double m[64], q = NAN;
  if (c->K <= 64) {
    double *work = nl_malloc((size_t)c->R * sizeof *work);
    if (!work) return nl_err(&c->err, NL_ENOMEM, "out of memory");
    nl_calib_stats(c, x, NULL, m, work);
    nl_free(work);
    q = nl_calib_objective(c, m);
  }
  sqlite3_reset(c->put);
  sqlite3_bind_text(c->put, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double(c->put, 2, q);
  sqlite3_bind_double(c->put, 3, *seconds);
  sqlite3_bind_int64(c->put, 4, c->R);
  sqlite3_bind_int64(c->put, 5, (sqlite3_int64)c->K);
  sqlite3_bind_blob(c->put, 6, x, (int)(nval * sizeof(double)), SQLITE_STATIC);
  int rc = sqlite3_step(c->put);
  sqlite3_reset(c->put);
  if (rc != SQLITE_DONE)
    return nl_err(&c->err, NL_EIO, "results.db: storing an evaluation: %s", sqlite3_errmsg(nl_store_db(c->store)));
  return NL_OK;
#endif
}

/* ---- statistics and the objective -------------------------------------------------------------- */

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

void nl_calib_stats(const nl_calib *c, const double *x, const long *rows, double *m, double *work) {
  long R = c->R;
  size_t K = c->K;
  for (size_t k = 0; k < K; k++) {
    const nl_calib_target *t = &c->tg[k];
    for (long i = 0; i < R; i++) work[i] = x[(size_t)(rows ? rows[i] : i) * K + k];
    if (t->stat == NL_CALIB_QUANTILE) {
      /* R's default (type 7): linear between order statistics */
      qsort(work, (size_t)R, sizeof *work, cmp_dbl);
      double h = (double)(R - 1) * t->q;
      long lo = (long)floor(h);
      long hi = lo + 1 < R ? lo + 1 : lo;
      m[k] = work[lo] + (h - (double)lo) * (work[hi] - work[lo]);
    } else {
      double mean = 0, ss = 0;
      for (long i = 0; i < R; i++) mean += work[i];
      mean /= (double)R;
      for (long i = 0; i < R; i++) ss += (work[i] - mean) * (work[i] - mean);
      m[k] = t->stat == NL_CALIB_MEAN ? mean : sqrt(ss / (double)(R - 1));
    }
  }
}

double nl_calib_objective(const nl_calib *c, const double *m) {
  double q = 0;
  for (size_t k = 0; k < c->K; k++) {
    double e = m[k] - c->tg[k].value;
    q += e * e * (c->w ? c->w[k] : 1 / (c->tg[k].se * c->tg[k].se));
  }
  return q;
}

nl_status nl_calib_moments(nl_calib *c, const double *theta, double *m, int threads) {
  if (!c->scen) return nl_err(&c->err, NL_EINVAL, "no calibration loaded");
  nl_params *p = NULL;
  nl_status st = params_at(c, theta, &p);
  if (st) return st;
  double *x = nl_malloc((size_t)c->R * c->K * sizeof *x), *work = nl_malloc((size_t)c->R * sizeof *work);
  if (!x || !work) st = nl_err(&c->err, NL_ENOMEM, "out of memory");
  else st = simulate(c, p, x, threads);
  if (!st) nl_calib_stats(c, x, NULL, m, work);
  nl_free(x);
  nl_free(work);
  nl_params_free(p);
  return st;
}

nl_status nl_calib_evaluate(nl_calib *c, const double *theta, int phase, int start, double *m, double *x, double *q) {
  if (c->canceled) return nl_err(&c->err, NL_ECANCELED, "canceled after %zu evaluations", c->nev);
  int cached = 0;
  double secs = 0;
  nl_status st = nl_calib_values(c, theta, x, &cached, &secs);
  if (st) return st;
  double *work = nl_malloc((size_t)c->R * sizeof *work);
  if (!work) return nl_err(&c->err, NL_ENOMEM, "out of memory");
  nl_calib_stats(c, x, NULL, m, work);
  nl_free(work);
  *q = nl_calib_objective(c, m);
  if (nl_grow(&c->ev, &c->cev, c->nev + 1, sizeof *c->ev, 64)) return nl_err(&c->err, NL_ENOMEM, "out of memory");
  nl_calib_eval *e = &c->ev[c->nev];
  e->theta = nl_malloc(c->P * sizeof *e->theta);
  if (!e->theta) return nl_err(&c->err, NL_ENOMEM, "out of memory");
  memcpy(e->theta, theta, c->P * sizeof *theta);
  e->phase = phase;
  e->start = start;
  e->q = *q;
  e->seconds = secs;
  e->cached = cached;
  c->nev++;
  if (!cached) c->computed++;
  if (phase == 0 && isfinite(*q) && *q < c->best_q) { /* the estimate is the optimizer's best */
    c->best_q = *q;
    memcpy(c->best_theta, theta, c->P * sizeof *theta);
  }
  if (c->cfg.progress && c->cfg.progress(c->cfg.progress_user, (long)c->nev, c->planned, c->best_q)) c->canceled = 1;
  return NL_OK;
}
