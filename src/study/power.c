/*
 * The study's power analysis (docs/study.md "Survey size and power", issue 14): in every
 * replication, virtual surveys of each size n are drawn from the same simulated firms, the model
 * is estimated and bootstrapped as for the study's own survey, and each hypothesis is judged by the
 * study's rule. The share of replications supporting a hypothesis at size n is its power at n in
 * the simulated population (or its Type I rate where the effect is absent).
 *
 * Streams (all keyed by the study's seed, so results are identical for any thread count):
 *   size k's survey and bootstrap: stream r + (k + 1) * 2^40 (the study's own survey is stream r);
 *   economy e >= 1 pooled when n exceeds the F firms: simulation stream r + e * 2^32.
 * A size n uses economies 0 .. ceil(n / F) - 1, economy 0 being the replication itself.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "study/study_impl.h"

size_t nl_study_power_economies(long n, size_t F) { return F ? ((size_t)n + F - 1) / F : 0; }

static void power_fail(study_rep *rp, nl_status st, const char *what, long n, const char *msg) {
  rp->pst = st;
  if (n > 0) snprintf(rp->pmsg, sizeof rp->pmsg, "power survey of %ld firms: %s%s", n, what, msg);
  else snprintf(rp->pmsg, sizeof rp->pmsg, "power analysis: %s%s", what, msg);
}

void nl_study_run_power(nl_study *s, size_t pi, long r) {
  study_point *pt = &s->pt[pi];
  study_rep *rp = &pt->rep[r];
  size_t F = pt->F, NF = s->sv.stride, H = s->H, K = s->npower, ni = nl_survey_nitems(&s->sv);
  size_t E = nl_study_power_economies(s->power[K - 1], F), Nmax = (size_t)s->power[K - 1];
  nl_params *pc = NULL;
  nl_pls *p = NULL;
  nl_errbuf err;
  double *a = nl_malloc(E * F * NF * sizeof *a), *b = nl_malloc(E * F * NF * sizeof *b),
         *items = nl_malloc(Nmax * ni * sizeof *items), *latent = nl_malloc(Nmax * NL_SV_NCON * sizeof *latent);
  size_t *perm = nl_malloc(E * F * sizeof *perm), *ids = nl_malloc(Nmax * sizeof *ids);
  rp->pst = NL_OK;
  rp->pw = nl_malloc(K * (H ? H : 1) * 4 * sizeof *rp->pw);
  if (!a || !b || !items || !latent || !perm || !ids || !rp->pw || !rp->wstart) {
    power_fail(rp, NL_ENOMEM, "", 0, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < K * H * 4; i++) rp->pw[i] = NAN;
  /* economy 0: the replication's own firms; the others simulated once, for the largest size */
  memcpy(a, rp->wstart, F * NF * sizeof *a);
  memcpy(b, rp->firms, F * NF * sizeof *b);
  if (E > 1 && !(pc = nl_params_clone(nl_design_params(s->design, pi)))) {
    power_fail(rp, NL_ENOMEM, "", 0, "out of memory");
    goto cleanup;
  }
  for (size_t e = 1; e < E; e++) {
    long stream = r + (long)((uint64_t)e << 32);
    nl_status st = nl_study_simulate_rows(s, pc, stream, a + e * F * NF, b + e * F * NF, F, &err);
    if (st) {
      power_fail(rp, st, "simulating a further economy: ", 0, err.msg);
      goto cleanup;
    }
  }
  uint64_t seed = nl_scenario_seed(s->sc);
  for (size_t k = 0; k < K; k++) {
    if (nl_study_stop_requested(s)) {
      power_fail(rp, NL_ECANCELED, "", 0, "interrupted");
      goto cleanup;
    }
    nl_survey_spec sv = s->sv;
    sv.sample = s->power[k];
    size_t N = (size_t)sv.sample, pool = nl_study_power_economies(sv.sample, F) * F;
    uint64_t stream = (uint64_t)r + ((uint64_t)(k + 1) << 40);
    int flat = 0, conv = 0;
    nl_survey_draw(&sv, pool, a, b, seed, stream, perm, ids, items, latent, &flat);
    nl_status st = nl_study_estimate_n(s, items, N, stream, 1, &p, &conv, &err);
    if (st) {
      power_fail(rp, st, "", sv.sample, err.msg);
      goto cleanup;
    }
    for (size_t h = 0; h < H; h++) nl_study_hyp_boot(s, p, h, rp->pw + (k * H + h) * 4);
    nl_pls_free(p);
    p = NULL;
  }
cleanup:
  nl_pls_free(p);
  nl_params_free(pc);
  nl_free(a);
  nl_free(b);
  nl_free(items);
  nl_free(latent);
  nl_free(perm);
  nl_free(ids);
}

nl_status nl_study_power_aggregate(nl_study *s) {
  size_t K = s->npower, H = s->H;
  for (size_t pi = 0; K && pi < s->npoints; pi++) {
    study_point *pt = &s->pt[pi];
    pt->pw_sup = nl_calloc(K * (H ? H : 1), sizeof *pt->pw_sup);
    pt->pw_est = nl_calloc(K * (H ? H : 1), sizeof *pt->pw_est);
    pt->pw_mean = nl_calloc(K * (H ? H : 1), sizeof *pt->pw_mean);
    if (!pt->pw_sup || !pt->pw_est || !pt->pw_mean) return nl_err(&s->err, NL_ENOMEM, "out of memory");
    for (size_t q = 0; q < K * H; q++) {
      int sign = s->hyp[q % H].sign;
      double sum = 0;
      for (long r = 0; r < s->R; r++) {
        const double *o = pt->rep[r].pw + q * 4;
        if (!isfinite(o[0])) continue;
        pt->pw_est[q]++;
        pt->pw_sup[q] += nl_study_supports(sign, o);
        sum += o[0];
      }
      pt->pw_mean[q] = pt->pw_est[q] ? sum / (double)pt->pw_est[q] : NAN;
    }
  }
  return NL_OK;
}

size_t nl_study_power_nsizes(const nl_study *s) { return s ? s->npower : 0; }

long nl_study_power_size(const nl_study *s, size_t k) { return s && k < s->npower ? s->power[k] : 0; }

nl_status nl_study_power_get(const nl_study *s, size_t point, size_t k, size_t h, nl_study_power_stat *out) {
  if (!s->ran || !s->npower || point >= s->npoints || k >= s->npower || h >= s->H) return NL_EINVAL;
  const study_point *pt = &s->pt[point];
  size_t q = k * s->H + h;
  long n = pt->pw_est[q];
  out->n = s->power[k];
  out->economies = (long)nl_study_power_economies(s->power[k], pt->F);
  out->replications = n;
  out->supported = pt->pw_sup[q];
  out->share = n ? (double)pt->pw_sup[q] / (double)n : NAN;
  out->mc_se = n ? sqrt(out->share * (1 - out->share) / (double)n) : NAN;
  out->mean = pt->pw_mean[q];
  return NL_OK;
}
