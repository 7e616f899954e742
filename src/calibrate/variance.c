/*
 * The variance side of simulated minimum distance (docs/calibrate.md, "Standard errors"): the
 * simulated statistics' covariance over the replications, the weights of the objective, the
 * sandwich variance of the estimate and the J statistic. Pure functions of their arguments
 * (besides nl_calib_sim_cov's resampling of quantiles), so tests check them against closed forms.
 *
 * Why the simulation's own covariance: the observed value's se says nothing about the simulated
 * statistic's noise. With se^2 = Sigma1 / N (a table averaging N surveys or runs) and R
 * replications the simulation adds Sigma1 / R, so Var(theta) carries (1/N + 1/R), not (1 + 1/R)/N:
 * the textbook (1 + 1/R) factor holds only when the observed value is one run (N = 1).
 */
#include <math.h>
#include <string.h>

#include "calibrate/calib_impl.h"
#include "core/alloc.h"
#include "core/lapack.h"
#include "core/rng.h"

/* Bootstrap variance of every target's statistic (B resamples of the replications), into var. */
static nl_status boot_var(nl_calib *c, const double *x, double *var) {
  size_t K = c->K;
  long R = c->R, B = c->boot;
  double *mb = nl_malloc((size_t)B * K * sizeof *mb), *work = nl_malloc((size_t)R * sizeof *work);
  long *rows = nl_malloc((size_t)R * sizeof *rows);
  nl_status st = NL_OK;
  if (!mb || !work || !rows) {
    st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (long b = 0; b < B; b++) {
    nl_rng rng;
    nl_rng_init(&rng, c->seed, 0, NL_RNG_BOOTSTRAP, (uint64_t)b);
    for (long i = 0; i < R; i++) rows[i] = (long)nl_rng_below(&rng, (uint64_t)R);
    nl_calib_stats(c, x, rows, mb + (size_t)b * K, work);
  }
  for (size_t k = 0; k < K; k++) {
    double m = 0, s = 0;
    for (long b = 0; b < B; b++) m += mb[(size_t)b * K + k];
    m /= (double)B;
    for (long b = 0; b < B; b++) s += (mb[(size_t)b * K + k] - m) * (mb[(size_t)b * K + k] - m);
    var[k] = s / (double)(B - 1);
  }
cleanup:
  nl_free(mb);
  nl_free(work);
  nl_free(rows);
  return st;
}

nl_status nl_calib_sim_cov(nl_calib *c, const double *x, double *omega) {
  size_t K = c->K;
  long R = c->R;
  double *u = nl_malloc((size_t)R * K * sizeof *u), *m = nl_malloc(K * sizeof *m);
  double *work = nl_malloc((size_t)R * sizeof *work), *bvar = NULL, *extra = nl_calloc(K, sizeof *extra);
  nl_status st = NL_OK;
  if (!u || !m || !work || !extra) {
    st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  nl_calib_stats(c, x, NULL, m, work);
  int quantiles = 0;
  for (size_t k = 0; k < K; k++) quantiles |= c->tg[k].stat == NL_CALIB_QUANTILE;
  if (quantiles) { /* a quantile's influence needs the density at it: taken from the bootstrap */
    bvar = nl_malloc(K * sizeof *bvar);
    if (!bvar) {
      st = nl_err(&c->err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
    if ((st = boot_var(c, x, bvar))) goto cleanup;
  }
  /* influence values u[i][k]: replication i's first-order contribution to statistic k, so that
   * the statistics' covariance is sum_i u_ik u_il / (R (R - 1)); exact for means (the sample
   * covariance / R), the delta method for the sd, Bahadur's representation for a quantile */
  for (size_t k = 0; k < K; k++) {
    const nl_calib_target *t = &c->tg[k];
    double mean = 0, ss = 0;
    for (long i = 0; i < R; i++) mean += x[(size_t)i * K + k];
    mean /= (double)R;
    for (long i = 0; i < R; i++) ss += pow(x[(size_t)i * K + k] - mean, 2);
    double sd = sqrt(ss / (double)(R - 1));
    for (long i = 0; i < R; i++) {
      double v = x[(size_t)i * K + k], *ui = &u[(size_t)i * K + k];
      if (t->stat == NL_CALIB_MEAN) *ui = v - mean;
      else if (t->stat == NL_CALIB_SD) *ui = sd > 0 ? ((v - mean) * (v - mean) - sd * sd) / (2 * sd) : 0;
      else *ui = t->q - (v <= m[k] ? 1.0 : 0.0); /* (q - 1{x <= xi}) / f(xi) */
    }
    double um = 0, uu = 0;
    for (long i = 0; i < R; i++) um += u[(size_t)i * K + k];
    um /= (double)R;
    for (long i = 0; i < R; i++) u[(size_t)i * K + k] -= um, uu += pow(u[(size_t)i * K + k], 2);
    if (t->stat == NL_CALIB_QUANTILE) {
      /* scale the indicators so that their variance is the bootstrap's; no indicator variance
       * (every value on one side): the bootstrap variance alone, uncorrelated */
      double v1 = uu / ((double)R * (double)(R - 1)), scale = v1 > 0 && bvar[k] > 0 ? sqrt(bvar[k] / v1) : 0;
      for (long i = 0; i < R; i++) u[(size_t)i * K + k] *= scale;
      if (!(scale > 0) && bvar[k] > 0) extra[k] = bvar[k];
    }
  }
  for (size_t k = 0; k < K; k++)
    for (size_t l = 0; l <= k; l++) {
      double s = 0;
      for (long i = 0; i < R; i++) s += u[(size_t)i * K + k] * u[(size_t)i * K + l];
      omega[k * K + l] = omega[l * K + k] = s / ((double)R * (double)(R - 1));
    }
  for (size_t k = 0; k < K; k++) omega[k * K + k] += extra[k];
cleanup:
  nl_free(u);
  nl_free(m);
  nl_free(work);
  nl_free(bvar);
  nl_free(extra);
  return st;
}

/* Row-major C (n x m) = A (n x k) B (k x m), or A B' when bt (B is then m x k). */
static void mul(size_t n, size_t k, size_t m, const double *A, const double *B, int bt, double *C) {
  nl_dgemm(bt ? 'T' : 'N', 'N', (int)m, (int)n, (int)k, 1, B, bt ? (int)k : (int)m, A, (int)k, 0, C, (int)m);
}

/* A^+ for A = G'WG (P x P) as a pseudo-inverse on the scale of `width` (D A D, D = diag(width)), so
 * that a parameter nothing depends on leaves the others intact; nullw[j] set for a parameter with
 * weight in the null space; *rank its rank. Returns LAPACK's info. */
static int pinv_gwg(size_t P, size_t K, const double *G, const double *w, const double *width, double *Ai, int *nullw,
                    int *rank) {
  double Z[64 * 64], ev[64];
  for (size_t i = 0; i < P; i++)
    for (size_t j = 0; j < P; j++) {
      double a = 0;
      for (size_t k = 0; k < K; k++) a += G[k * P + i] * w[k] * G[k * P + j];
      Z[i * P + j] = a * width[i] * width[j];
    }
  int info = nl_dsyev_rows('V', 'U', (int)P, Z, (int)P, ev);
  *rank = 0;
  if (info) return info;
  double emax = ev[P - 1] > 0 ? ev[P - 1] : 0;
  for (size_t j = 0; j < P; j++) nullw[j] = 0;
  for (size_t k = 0; k < P; k++) {
    int keep = ev[k] > 1e-12 * emax;
    *rank += keep;
    if (!keep)
      for (size_t j = 0; j < P; j++)
        if (Z[j * P + k] * Z[j * P + k] > 0.01) nullw[j] = 1;
  }
  for (size_t i = 0; i < P; i++)
    for (size_t j = 0; j < P; j++) {
      double t = 0;
      for (size_t k = 0; k < P; k++)
        if (ev[k] > 1e-12 * emax) t += Z[i * P + k] * Z[j * P + k] / ev[k];
      Ai[i * P + j] = t * width[i] * width[j];
    }
  return 0;
}

int nl_calib_sandwich(size_t P, size_t K, const double *G, const double *w, const double *omega, const double *width,
                      double *V, double *se) {
  double Ai[64 * 64], Bm[64 * 64], T[64 * 64];
  int nullw[64], rank;
  int info = pinv_gwg(P, K, G, w, width, Ai, nullw, &rank);
  if (info) {
    for (size_t j = 0; j < P; j++) se[j] = NAN;
    return info;
  }
  /* B = G'W Omega W G */
  for (size_t i = 0; i < P; i++)
    for (size_t j = 0; j < P; j++) {
      double b = 0;
      for (size_t k = 0; k < K; k++)
        for (size_t l = 0; l < K; l++) b += G[k * P + i] * w[k] * omega[k * K + l] * w[l] * G[l * P + j];
      Bm[i * P + j] = b;
    }
  mul(P, P, P, Ai, Bm, 0, T);
  mul(P, P, P, T, Ai, 0, V);
  for (size_t j = 0; j < P; j++) se[j] = !nullw[j] && V[j * P + j] > 0 ? sqrt(V[j * P + j]) : NAN;
  return 0;
}

double nl_calib_jstat(size_t P, size_t K, const double *G, const double *w, const double *omega, const double *width,
                      const double *e) {
  if (K <= P) return NAN;
  /* the misfit at the minimum is e = M u, M = I - G A^+ G'W, u the noise of observed minus
   * simulated (variance Omega): Var(e) = M Omega M' of rank K - P, and J = e' (M Omega M')^+ e is
   * chi^2(K - P) for any weights. With W = Omega^-1 it is the familiar e' Omega^-1 e. */
  double Ai[64 * 64], M[64 * 64], MO[64 * 64], Ve[64 * 64], ev[64], d[64], f[64];
  int nullw[64], rank;
  if (pinv_gwg(P, K, G, w, width, Ai, nullw, &rank)) return NAN;
  for (size_t k = 0; k < K; k++)
    for (size_t l = 0; l < K; l++) {
      double s = 0;
      for (size_t i = 0; i < P; i++)
        for (size_t j = 0; j < P; j++) s += G[k * P + i] * Ai[i * P + j] * G[l * P + j];
      M[k * K + l] = (k == l) - s * w[l];
    }
  mul(K, K, K, M, omega, 0, MO);
  mul(K, K, K, MO, M, 1, Ve);
  /* standardized: D^-1 M Omega M' D^-1 (the pseudo-inverse is then free of the targets' units) */
  for (size_t k = 0; k < K; k++) d[k] = omega[k * K + k] > 0 ? sqrt(omega[k * K + k]) : 1;
  for (size_t k = 0; k < K; k++)
    for (size_t l = 0; l < K; l++) Ve[k * K + l] /= d[k] * d[l];
  if (nl_dsyev_rows('V', 'U', (int)K, Ve, (int)K, ev)) return NAN;
  for (size_t k = 0; k < K; k++) f[k] = e[k] / d[k];
  /* the K - rank(G) largest eigenvalues (ascending order: the last ones) */
  size_t keep = K - (size_t)rank;
  double J = 0, emax = ev[K - 1];
  for (size_t q = K - keep; q < K; q++) {
    if (!(ev[q] > 1e-10 * emax)) continue;
    double p = 0;
    for (size_t k = 0; k < K; k++) p += Ve[k * K + q] * f[k];
    J += p * p / ev[q];
  }
  return J;
}

nl_status nl_calib_weights(nl_calib *c) {
  size_t K = c->K;
  nl_free(c->w);
  nl_free(c->w_sim);
  c->w = NULL; /* until set, Q (e.g. the start's, stored in results.db below) weighs by 1/se^2 */
  c->w_sim = nl_calloc(K, sizeof *c->w_sim);
  double *x = NULL, *omega = NULL;
  nl_status st = NL_OK;
  if (!c->w_sim) {
    st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  if (c->weighting == NL_CALIB_W_TOTAL) {
    /* the simulation variance at the start, not at each theta: weights that follow theta would
     * reward parameters whose statistics are noisier (a larger variance lowers Q) */
    x = nl_malloc((size_t)c->R * K * sizeof *x);
    omega = nl_malloc(K * K * sizeof *omega);
    int cached;
    double secs;
    if (!x || !omega) st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    if (!st) st = nl_calib_values(c, c->start, x, &cached, &secs);
    if (!st) st = nl_calib_sim_cov(c, x, omega);
    if (st) goto cleanup;
    if (!cached) c->computed++;
    for (size_t k = 0; k < K; k++) c->w_sim[k] = isfinite(omega[k * K + k]) ? omega[k * K + k] : 0;
  }
  c->w = nl_malloc(K * sizeof *c->w);
  if (!c->w) {
    st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t k = 0; k < K; k++) c->w[k] = 1 / (c->tg[k].se * c->tg[k].se + c->w_sim[k]);
cleanup:
  nl_free(x);
  nl_free(omega);
  if (st) {
    nl_free(c->w);
    c->w = NULL;
  }
  return st;
}
