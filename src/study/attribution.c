/*
 * Mechanism attribution (coopnet 2, docs/study.md "Which mechanism drives what"): every replication
 * of a design point is run again with one exploitation mechanism switched off -- routine
 * refinement (R: rho = 0), the attention budget (A: theta = 0), the myopic tie review (M: c_e =
 * m_e = 0), not invented here (N: phi = 0) -- with the same random streams, surveyed with the same
 * survey stream and estimated (without a bootstrap: only the path means are compared). The change
 * of facts 2a and 2b and of every hypothesis estimate when a mechanism is removed is paired by
 * replication, so common random numbers take most of the noise out of the difference.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/model_impl.h"
#include "core/stats.h"
#include "study/study_impl.h"

static const study_mech_info mech_info[NL_MECH_COUNT] = {
    {"R", "routine refinement", "rho = 0", {"rho", NULL}},
    {"A", "attention budget", "theta = 0", {"theta", NULL}},
    {"M", "myopic tie review", "c_e = m_e = 0", {"c_e", "m_e"}},
    {"N", "not invented here", "phi = 0", {"phi", NULL}},
};

const study_mech_info *nl_study_mech(int k) { return k >= 0 && k < NL_MECH_COUNT ? &mech_info[k] : NULL; }

int nl_study_has_mechanisms(const nl_study *s) {
  const nl_model *m = nl_scenario_model(s->sc);
  for (int k = 0; k < NL_MECH_COUNT; k++)
    for (int j = 0; j < 2 && mech_info[k].params[j]; j++)
      if (nl_model_param_index(m, mech_info[k].params[j]) < 0) return 0;
  return 1;
}

static void mech_fail(study_rep *rp, int k, nl_status st, const char *msg) {
  rp->mst[k] = st;
  snprintf(rp->mmsg[k], sizeof rp->mmsg[k], "without %s (%s): %s", mech_info[k].name, mech_info[k].off, msg);
}

void nl_study_run_mechanism(nl_study *s, size_t pi, long r, int k) {
  study_rep *rp = &s->pt[pi].rep[r];
  nl_params *pc = nl_params_clone(nl_design_params(s->design, pi));
  size_t F = s->pt[pi].F, NF = s->sv.stride, N = (size_t)s->sv.sample, ni = nl_survey_nitems(&s->sv);
  double *a = nl_malloc(F * NF * sizeof *a), *b = nl_malloc(F * NF * sizeof *b), *x = nl_malloc(F * sizeof *x),
         *y = nl_malloc(F * sizeof *y), *items = nl_malloc(N * ni * sizeof *items),
         *latent = nl_malloc(N * NL_SV_NCON * sizeof *latent);
  size_t *perm = nl_malloc(F * sizeof *perm), *ids = nl_malloc(N * sizeof *ids);
  nl_pls *p = NULL;
  nl_errbuf err;
  int flat = 0, conv = 0;
  rp->mst[k] = NL_OK;
  for (int q = 0; q < NL_FACT_N; q++) rp->mfacts[k][q] = NAN;
  for (size_t h = 0; h < s->H; h++) rp->mhyp[(size_t)k * s->H + h] = NAN;
  if (!pc || !a || !b || !x || !y || !items || !latent || !perm || !ids) {
    mech_fail(rp, k, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (int j = 0; j < 2 && mech_info[k].params[j]; j++)
    if (nl_params_set_text(pc, mech_info[k].params[j], "0")) {
      mech_fail(rp, k, NL_EINVAL, nl_params_errmsg(pc));
      goto cleanup;
    }
  if (nl_params_validate(pc)) {
    mech_fail(rp, k, NL_EINVAL, nl_params_errmsg(pc));
    goto cleanup;
  }
  nl_status st = nl_study_simulate_rows(s, pc, r, a, b, F, &err);
  if (st) {
    mech_fail(rp, k, st, err.msg);
    goto cleanup;
  }
  nl_study_facts(s, rp->mfacts[k], F, a, b, x, y);
  nl_survey_draw(&s->sv, F, a, b, nl_scenario_seed(s->sc), (uint64_t)r, perm, ids, items, latent, &flat);
  st = nl_study_estimate(s, items, r, 0, &p, &conv, &err);
  if (st) {
    mech_fail(rp, k, st, err.msg);
    goto cleanup;
  }
  for (size_t h = 0; h < s->H; h++) rp->mhyp[(size_t)k * s->H + h] = nl_study_hyp_estimate(s, p, h);
cleanup:
  nl_pls_free(p);
  nl_params_free(pc);
  nl_free(a);
  nl_free(b);
  nl_free(x);
  nl_free(y);
  nl_free(items);
  nl_free(latent);
  nl_free(perm);
  nl_free(ids);
}

size_t nl_study_attr_nquantities(const nl_study *s) { return 2 + s->H; }

const char *nl_study_attr_quantity(const nl_study *s, size_t q, char *buf, size_t cap) {
  if (q == 0) snprintf(buf, cap, "fact 2a");
  else if (q == 1) snprintf(buf, cap, "fact 2b");
  else snprintf(buf, cap, "%s", s->hyp[q - 2].id);
  return buf;
}

/* Value of quantity q in replication r: with everything (k < 0) or without mechanism k. */
static double value(const nl_study *s, const study_rep *rp, int k, size_t q) {
  int fact = q == 0 ? NL_FACT_E_PROC : NL_FACT_E_STR;
  if (q < 2) return k < 0 ? rp->facts[fact] : rp->mfacts[k][fact];
  return k < 0 ? rp->hyp[(q - 2) * 4] : rp->mhyp[(size_t)k * s->H + (q - 2)];
}

void nl_study_attr_summary(const nl_study *s, size_t pi, int k, size_t q, study_attr_sum *o) {
  const study_point *pt = &s->pt[pi];
  double sf = 0, sr = 0, sd = 0, ss = 0;
  long n = 0;
  for (long r = 0; r < s->R; r++) {
    double f = value(s, &pt->rep[r], -1, q), w = value(s, &pt->rep[r], k, q);
    if (!isfinite(f) || !isfinite(w)) continue;
    sf += f, sr += w, sd += w - f;
    n++;
  }
  o->n = n;
  o->full = n ? sf / (double)n : NAN;
  o->removed = n ? sr / (double)n : NAN;
  o->change = n ? sd / (double)n : NAN;
  for (long r = 0; r < s->R; r++) {
    double f = value(s, &pt->rep[r], -1, q), w = value(s, &pt->rep[r], k, q);
    if (isfinite(f) && isfinite(w)) ss += (w - f - o->change) * (w - f - o->change);
  }
  double half = n > 1 ? nl_t_quantile(0.975, (double)(n - 1)) * sqrt(ss / (double)(n - 1) / (double)n) : NAN;
  o->lo = o->change - half;
  o->hi = o->change + half;
}
