/*
 * nl_calib_run: optimize, infer, write the outputs; and the accessors of the results.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "calibrate/calib_impl.h"
#include "core/alloc.h"
#include "netlearn/files.h"

void nl_calib_config_default(nl_calib_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->report = 1;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void nl_calib_clear_run(nl_calib *c) {
  for (size_t i = 0; i < c->nev; i++) nl_free(c->ev[i].theta);
  c->nev = 0;
  double **arr[] = {&c->best_theta, &c->theta_hat, &c->se, &c->m_hat,  &c->sim_se, &c->z,
                    &c->G,          &c->sv,        &c->prof_x, &c->prof_q, &c->w,      &c->w_sim};
  for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++) {
    nl_free(*arr[i]);
    *arr[i] = NULL;
  }
  nl_free(c->ident);
  c->ident = NULL;
  c->done = 0;
  c->computed = 0;
  c->canceled = 0;
}

nl_status nl_calib_run(nl_calib *c, const char *dir, const nl_calib_config *cfg) {
  if (!c->scen) return nl_err(&c->err, NL_EINVAL, "no calibration loaded");
  double t0 = now();
  nl_err_clear(&c->err);
  nl_calib_clear_run(c);
  nl_calib_config def;
  nl_calib_config_default(&def);
  c->cfg = cfg ? *cfg : def;
  c->threads = c->cfg.threads;
  nl_status made = nl_mkdirs(dir, c->err.msg, sizeof c->err.msg); /* mkdir -p, writable */
  if (made) return made;
  char path[4200];
  snprintf(path, sizeof path, "%s/manifest.json", dir);
  remove(path); /* a directory without a manifest holds no complete results */
  snprintf(path, sizeof path, "%s/results.db", dir);
  nl_status st = nl_calib_cache_open(c, path);
  if (st) return st;
  c->best_theta = nl_malloc(c->P * sizeof(double));
  if (!c->best_theta) {
    st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  memcpy(c->best_theta, c->start, c->P * sizeof(double));
  c->best_q = HUGE_VAL;
  c->planned = c->max_evals + 2 * (long)c->P + (long)c->P * (c->profile_points > 1 ? c->profile_points + 7 : 0);
  st = nl_calib_weights(c);
  if (!st) st = nl_calib_optimize(c);
  if (!st && !isfinite(c->best_q)) st = nl_err(&c->err, NL_ENUMERIC, "the objective was not finite at any evaluation");
  if (!st) st = nl_calib_infer(c);
  c->seconds = now() - t0;
  if (!st) st = nl_calib_write_outputs(c, dir);
cleanup:
  nl_calib_cache_close(c);
  return st;
}

nl_status nl_calib_estimate_get(const nl_calib *c, size_t i, nl_calib_estimate *out) {
  if (!c->done || i >= c->P) return NL_EINVAL;
  out->name = c->model->params[c->pidx[i]].name;
  out->estimate = c->theta_hat[i];
  out->se = c->se[i];
  out->ci_low = c->theta_hat[i] - 1.959963984540054 * c->se[i];
  out->ci_high = c->theta_hat[i] + 1.959963984540054 * c->se[i];
  out->lower = c->lo[i];
  out->upper = c->hi[i];
  out->start = c->start[i];
  double w = c->hi[i] - c->lo[i];
  out->at_bound = fabs(c->theta_hat[i] - c->lo[i]) < 1e-6 * w || fabs(c->theta_hat[i] - c->hi[i]) < 1e-6 * w;
  return NL_OK;
}

nl_status nl_calib_fit_get(const nl_calib *c, nl_calib_fit *out) {
  if (!c->done) return NL_EINVAL;
  out->objective = c->q_hat;
  out->J = c->J;
  out->df = (long)c->K - (long)c->P;
  out->p_value = c->pval;
  out->rank = c->rank;
  out->condition = c->cond;
  out->evaluations = (long)c->nev;
  out->computed = c->computed;
  out->seconds = c->seconds;
  return NL_OK;
}

nl_status nl_calib_target_get(const nl_calib *c, size_t k, nl_calib_target_fit *out) {
  if (!c->done || k >= c->K) return NL_EINVAL;
  out->label = c->tg[k].label;
  out->observed = c->tg[k].value;
  out->se = c->tg[k].se;
  out->simulated = c->m_hat[k];
  out->sim_se = c->sim_se[k];
  out->z = c->z[k];
  return NL_OK;
}

const char *nl_calib_identification(const nl_calib *c) { return c && c->ident ? c->ident : ""; }
