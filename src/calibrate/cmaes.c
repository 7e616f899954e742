/*
 * (mu/mu_w, lambda)-CMA-ES after Hansen's tutorial (2016); see cmaes.h. Notation as there: m the
 * mean, sigma the step size, C = B D^2 B' the covariance, p_sigma and p_c the evolution paths,
 * y = (x - m) / sigma a step, w the recombination weights. All in unit-box coordinates.
 */
#include "calibrate/cmaes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/lapack.h"
#include "core/rng.h"

typedef struct cand {
  double f;
  size_t k; /* index of the candidate in the generation (ties keep the drawing order) */
} cand;

static int cmp_cand(const void *a, const void *b) {
  const cand *x = a, *y = b;
  if (x->f < y->f) return -1;
  if (x->f > y->f) return 1;
  return (x->k > y->k) - (x->k < y->k);
}

/* Mirror u into [0, 1] (period 2: a far step lands at its reflection, not on the bound). */
static double mirror(double u) {
  double t = fmod(u, 2.0);
  if (t < 0) t += 2.0;
  return t <= 1.0 ? t : 2.0 - t;
}

nl_status nl_cmaes_minimize(const nl_cmaes_opts *o, nl_cmaes_fn f, void *user, double *xbest, nl_cmaes_result *res) {
  size_t n = o->n;
  memset(res, 0, sizeof *res);
  res->fbest = HUGE_VAL;
  if (n < 1 || n > 64 || !(o->sigma0 > 0) || o->max_evals < 1 || !o->lo || !o->hi || !o->x0) return NL_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (!(o->lo[i] < o->hi[i]) || !isfinite(o->lo[i]) || !isfinite(o->hi[i]) || !(o->x0[i] >= o->lo[i]) ||
        !(o->x0[i] <= o->hi[i]))
      return NL_EINVAL;
  double dn = (double)n;
  size_t lambda = o->lambda > 0 ? (size_t)o->lambda : 4 + (size_t)floor(3.0 * log(dn));
  if (lambda < 2) lambda = 2;
  size_t mu = lambda / 2;
  /* history of generation bests for the ftol test */
  size_t hlen = 10 + (size_t)ceil(30.0 * dn / (double)lambda);
  nl_status st = NL_OK;
  double *w = nl_malloc(mu * sizeof *w), *m = nl_malloc(n * sizeof *m);
  double *C = nl_malloc(n * n * sizeof *C), *B = nl_malloc(n * n * sizeof *B), *D = nl_malloc(n * sizeof *D);
  double *ps = nl_calloc(n, sizeof *ps), *pc = nl_calloc(n, sizeof *pc), *yw = nl_malloc(n * sizeof *yw);
  double *z = nl_malloc(n * sizeof *z), *tmp = nl_malloc(n * sizeof *tmp), *xe = nl_malloc(n * sizeof *xe);
  double *Y = nl_malloc(lambda * n * sizeof *Y), *U = nl_malloc(lambda * n * sizeof *U);
  double *hist = nl_malloc(hlen * sizeof *hist), *ubest = nl_malloc(n * sizeof *ubest);
  cand *cd = nl_malloc(lambda * sizeof *cd);
  if (!w || !m || !C || !B || !D || !ps || !pc || !yw || !z || !tmp || !xe || !Y || !U || !hist || !ubest ||
      !cd) {
    st = NL_ENOMEM;
    goto cleanup;
  }
  /* weights w_i ~ ln((lambda + 1) / 2) - ln i, i = 1..mu, summing to 1 */
  double wsum = 0, w2 = 0;
  for (size_t i = 0; i < mu; i++) wsum += (w[i] = log(((double)lambda + 1.0) / 2.0) - log((double)i + 1.0));
  for (size_t i = 0; i < mu; i++) {
    w[i] /= wsum;
    w2 += w[i] * w[i];
  }
  double mueff = 1.0 / w2;
  /* the tutorial's default constants (its Table 1 with alpha_mu = 2, positive weights) */
  double cs = (mueff + 2.0) / (dn + mueff + 5.0);
  double ds = 1.0 + 2.0 * fmax(0.0, sqrt((mueff - 1.0) / (dn + 1.0)) - 1.0) + cs;
  double cc = (4.0 + mueff / dn) / (dn + 4.0 + 2.0 * mueff / dn);
  double c1 = 2.0 / ((dn + 1.3) * (dn + 1.3) + mueff);
  double cmu = fmin(1.0 - c1, 2.0 * (mueff - 2.0 + 1.0 / mueff) / ((dn + 2.0) * (dn + 2.0) + mueff));
  double chin = sqrt(dn) * (1.0 - 1.0 / (4.0 * dn) + 1.0 / (21.0 * dn * dn)); /* E||N(0, I)|| */
  double ycap = sqrt(dn) + 2.0 * dn / (dn + 2.0); /* longest repaired step (Mahalanobis) */
  double sigma = o->sigma0;
  for (size_t i = 0; i < n; i++) {
    m[i] = (o->x0[i] - o->lo[i]) / (o->hi[i] - o->lo[i]);
    ubest[i] = m[i];
    for (size_t j = 0; j < n; j++) C[i * n + j] = i == j;
  }
  size_t nhist = 0;
  int stop = 0;
  for (long g = 0; !res->reason; g++) {
    /* C = B diag(D^2) B': eigenvectors in B's columns (column-major), D the square roots */
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j <= i; j++) B[j * n + i] = B[i * n + j] = 0.5 * (C[i * n + j] + C[j * n + i]);
    int info = nl_dsyev('V', 'U', (int)n, B, (int)n, D);
    if (info != 0) {
      st = nl_lapack_status(info); /* NL_ENOMEM when the workspace could not be allocated */
      goto cleanup;
    }
    double dmax = 0;
    for (size_t i = 0; i < n; i++) dmax = fmax(dmax, D[i]);
    if (!(dmax > 0) || dmax > 1e14 * fmax(D[0], 0.0)) { /* C degenerate: nothing more to learn */
      res->reason = NL_CMAES_CONDITION;
      break;
    }
    for (size_t i = 0; i < n; i++) D[i] = sqrt(D[i]);
    /* sample, repair, evaluate */
    nl_rng rng;
    nl_rng_init(&rng, o->seed, o->stream, NL_RNG_CMAES, (uint64_t)g);
    size_t done = 0;
    for (size_t k = 0; k < lambda && res->evals < o->max_evals; k++) {
      double *y = Y + k * n, *u = U + k * n;
      for (size_t i = 0; i < n; i++) z[i] = D[i] * nl_rng_normal(&rng);
      int out = 0;
      for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < n; j++) s += B[j * n + i] * z[j]; /* y = B D z */
        y[i] = s;
        u[i] = m[i] + sigma * s;
        if (u[i] < 0 || u[i] > 1) out = 1;
      }
      if (out) { /* mirrored into the box; the step is the repaired one, its length capped */
        for (size_t i = 0; i < n; i++) {
          u[i] = mirror(u[i]);
          y[i] = (u[i] - m[i]) / sigma;
        }
        double len = 0; /* ||C^-1/2 y|| = ||D^-1 B' y|| */
        for (size_t j = 0; j < n; j++) {
          double s = 0;
          for (size_t i = 0; i < n; i++) s += B[j * n + i] * y[i];
          len += (s / D[j]) * (s / D[j]);
        }
        len = sqrt(len);
        if (len > ycap)
          for (size_t i = 0; i < n; i++) y[i] *= ycap / len; /* u stays the evaluated point */
      }
      for (size_t i = 0; i < n; i++) xe[i] = fmin(fmax(o->lo[i] + u[i] * (o->hi[i] - o->lo[i]), o->lo[i]), o->hi[i]);
      double fv = f(user, xe, &stop);
      res->evals++;
      if (stop) {
        res->reason = NL_CMAES_STOPPED;
        break;
      }
      if (!isfinite(fv)) fv = HUGE_VAL;
      cd[k].f = fv;
      cd[k].k = k;
      done++;
      if (fv < res->fbest) {
        res->fbest = fv;
        memcpy(ubest, u, n * sizeof *u);
      }
    }
    if (res->reason) break;
    if (done < lambda) { /* the budget ended inside a generation */
      res->reason = NL_CMAES_MAXEVALS;
      break;
    }
    res->generations = g + 1;
    qsort(cd, lambda, sizeof *cd, cmp_cand);
    /* recombination: y_w = sum w_i y_(i:lambda), m += sigma y_w */
    for (size_t i = 0; i < n; i++) {
      double s = 0;
      for (size_t r = 0; r < mu; r++) s += w[r] * Y[cd[r].k * n + i];
      yw[i] = s;
      m[i] += sigma * s;
    }
    /* p_sigma = (1 - cs) p_sigma + sqrt(cs (2 - cs) mueff) C^-1/2 y_w, C^-1/2 = B D^-1 B' */
    for (size_t j = 0; j < n; j++) {
      double s = 0;
      for (size_t i = 0; i < n; i++) s += B[j * n + i] * yw[i];
      tmp[j] = s / D[j];
    }
    double psn = 0, csq = sqrt(cs * (2.0 - cs) * mueff);
    for (size_t i = 0; i < n; i++) {
      double s = 0;
      for (size_t j = 0; j < n; j++) s += B[j * n + i] * tmp[j];
      ps[i] = (1.0 - cs) * ps[i] + csq * s;
      psn += ps[i] * ps[i];
    }
    psn = sqrt(psn);
    /* h_sigma stalls p_c's update while p_sigma is long (a fast step-size increase under way) */
    double hs = psn / sqrt(1.0 - pow(1.0 - cs, 2.0 * (double)(g + 1))) < (1.4 + 2.0 / (dn + 1.0)) * chin;
    double ccq = sqrt(cc * (2.0 - cc) * mueff);
    for (size_t i = 0; i < n; i++) pc[i] = (1.0 - cc) * pc[i] + hs * ccq * yw[i];
    /* C = (1 - c1 - cmu + (1 - hs) c1 cc (2 - cc)) C + c1 p_c p_c' + cmu sum w_i y_i y_i' */
    double keep = 1.0 - c1 - cmu + (1.0 - hs) * c1 * cc * (2.0 - cc);
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j <= i; j++) {
        double s = 0;
        for (size_t r = 0; r < mu; r++) s += w[r] * Y[cd[r].k * n + i] * Y[cd[r].k * n + j];
        C[i * n + j] = C[j * n + i] = keep * C[i * n + j] + c1 * pc[i] * pc[j] + cmu * s;
      }
    sigma *= exp((cs / ds) * (psn / chin - 1.0));
    /* stopping */
    if (res->evals >= o->max_evals) {
      res->reason = NL_CMAES_MAXEVALS;
      break;
    }
    double sdmax = 0;
    for (size_t i = 0; i < n; i++) sdmax = fmax(sdmax, sigma * sqrt(C[i * n + i]));
    if (sdmax < o->xtol) {
      res->reason = NL_CMAES_XTOL;
      break;
    }
    if (o->ftol > 0) {
      if (nhist == hlen) memmove(hist, hist + 1, (hlen - 1) * sizeof *hist), nhist--;
      hist[nhist++] = cd[0].f;
      if (nhist == hlen) {
        double lo = cd[0].f, hi = cd[lambda - 1].f;
        for (size_t i = 0; i < nhist; i++) lo = fmin(lo, hist[i]), hi = fmax(hi, hist[i]);
        if (hi - lo < o->ftol) res->reason = NL_CMAES_FTOL;
      }
    }
  }
  for (size_t i = 0; i < n; i++) xbest[i] = fmin(fmax(o->lo[i] + ubest[i] * (o->hi[i] - o->lo[i]), o->lo[i]), o->hi[i]);
cleanup:
  nl_free(w);
  nl_free(m);
  nl_free(C);
  nl_free(B);
  nl_free(D);
  nl_free(ps);
  nl_free(pc);
  nl_free(yw);
  nl_free(z);
  nl_free(tmp);
  nl_free(xe);
  nl_free(Y);
  nl_free(U);
  nl_free(hist);
  nl_free(ubest);
  nl_free(cd);
  return st;
}
