/*
 * The variance formulas of netlearn calibrate (src/calibrate/variance.c) against closed forms:
 *  - the sandwich A^-1 G'W (Omega_obs + Omega_sim) W G A^-1 reduces to the textbook
 *    (1 + 1/R)(G'WG)^-1 when se^2 = Sigma1 (one observed run) and Omega_sim = Sigma1 / R, and to
 *    (1/N + 1/R)(G' Sigma1^-1 G)^-1 when se^2 = Sigma1 / N, with either weighting;
 *  - J = e'(M Omega M')^+ e equals e' Omega^-1 e at W = Omega^-1, and is chi^2(K - P) (mean K - P)
 *    for weights that ignore the targets' correlations, where e' W e is not;
 *  - the simulation covariance of the statistics: exactly the sample covariance / R for means; for
 *    normal replications the sd's variance sigma^2 / (2R), the median's pi sigma^2 / (2R), the
 *    mean-median correlation sqrt(2 / pi), the mean-sd covariance 0.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calibrate/calib_impl.h"
#include "core/rng.h"
#include "netlearn/netlearn.h"

enum { P = 2, K = 5 };

/* A fixed Jacobian (K x P) with rows of different sizes and signs. */
static const double G[K * P] = {0.8, 0.1, -3.0, 1.2, 0.4, 0.5, 0.05, -0.9, 1.5, 0.3};
static const double sigma1[K] = {0.004, 2.5, 0.0009, 0.01, 0.02}; /* one run's variance per target */
static const double width[P] = {0.9, 0.9};

/* (G' diag(d) G)^-1 for P = 2 in closed form. */
static void inv_gdg(const double *d, double *out) {
  double a = 0, b = 0, c = 0;
  for (int k = 0; k < K; k++) {
    a += G[k * P] * d[k] * G[k * P];
    b += G[k * P] * d[k] * G[k * P + 1];
    c += G[k * P + 1] * d[k] * G[k * P + 1];
  }
  double det = a * c - b * b;
  out[0] = c / det;
  out[1] = out[2] = -b / det;
  out[3] = a / det;
}

static void assert_rel(double got, double want, double tol) {
  if (!(fabs(got - want) <= tol * fabs(want))) fail_msg("got %.15g, want %.15g (relative tolerance %g)", got, want, tol);
}

static void test_sandwich_reduces(void **state) {
  (void)state;
  const double R = 50;
  double w[K], omega[K * K], V[P * P], se[P], ref[P * P], d[K];
  /* one observed run: se^2 = Sigma1, W = 1/se^2, Omega = Sigma1 + Sigma1 / R */
  memset(omega, 0, sizeof omega);
  for (int k = 0; k < K; k++) {
    w[k] = 1 / sigma1[k];
    omega[k * K + k] = sigma1[k] * (1 + 1 / R);
  }
  assert_int_equal(nl_calib_sandwich(P, K, G, w, omega, width, V, se), 0);
  inv_gdg(w, ref);
  for (int i = 0; i < P * P; i++) assert_rel(V[i], (1 + 1 / R) * ref[i], 1e-10);
  for (int j = 0; j < P; j++) assert_rel(se[j], sqrt((1 + 1 / R) * ref[j * P + j]), 1e-10);
  /* a table averaging N runs: se^2 = Sigma1 / N; observed (1/se^2) and total (1/(se^2 + Sigma1/R))
   * weights are proportional here, so both give (1/N + 1/R)(G' Sigma1^-1 G)^-1; the old
   * (1 + 1/R)(G'WG)^-1 = (1 + 1/R)/N (G' Sigma1^-1 G)^-1 would understate it N/R-fold as N grows */
  for (int k = 0; k < K; k++) d[k] = 1 / sigma1[k];
  inv_gdg(d, ref);
  const double Ns[] = {1, 10, 50, 400};
  for (size_t i = 0; i < sizeof Ns / sizeof Ns[0]; i++)
    for (int total = 0; total < 2; total++) {
      double N = Ns[i];
      for (int k = 0; k < K; k++) {
        w[k] = total ? 1 / (sigma1[k] / N + sigma1[k] / R) : N / sigma1[k];
        omega[k * K + k] = sigma1[k] / N + sigma1[k] / R;
      }
      assert_int_equal(nl_calib_sandwich(P, K, G, w, omega, width, V, se), 0);
      for (int q = 0; q < P * P; q++) assert_rel(V[q], (1 / N + 1 / R) * ref[q], 1e-10);
    }
  /* a parameter nothing depends on: no SE for it, the other's unchanged */
  double G0[K * P];
  for (int k = 0; k < K; k++) G0[k * P] = G[k * P], G0[k * P + 1] = 0, w[k] = 1 / sigma1[k], omega[k * K + k] = sigma1[k];
  assert_int_equal(nl_calib_sandwich(P, K, G0, w, omega, width, V, se), 0);
  assert_true(isnan(se[1]));
  double a = 0;
  for (int k = 0; k < K; k++) a += G[k * P] * G[k * P] / sigma1[k];
  assert_rel(se[0], sqrt(1 / a), 1e-10);
}

/* Omega = L L' with correlations between targets (read from the same runs). */
static void correlated_omega(double *omega, double *L) {
  memset(L, 0, K * K * sizeof *L);
  for (int k = 0; k < K; k++) {
    L[k * K + k] = sqrt(sigma1[k]);
    if (k) L[k * K + k - 1] = 0.8 * sqrt(sigma1[k]); /* neighbours correlate about 0.6 */
  }
  for (int k = 0; k < K; k++)
    for (int l = 0; l < K; l++) {
      double s = 0;
      for (int a = 0; a < K; a++) s += L[k * K + a] * L[l * K + a];
      omega[k * K + l] = s;
    }
}

/* e = M u, M = I - G (G'WG)^-1 G'W: the misfit at the minimum of Q for observed-minus-simulated u. */
static void misfit(const double *w, const double *u, double *e) {
  double A[P * P], g[P] = {0, 0};
  inv_gdg(w, A);
  for (int j = 0; j < P; j++)
    for (int k = 0; k < K; k++) g[j] += G[k * P + j] * w[k] * u[k];
  for (int k = 0; k < K; k++) {
    e[k] = u[k];
    for (int i = 0; i < P; i++)
      for (int j = 0; j < P; j++) e[k] -= G[k * P + i] * A[i * P + j] * g[j];
  }
}

static void test_jstat(void **state) {
  (void)state;
  double w[K], omega[K * K], L[K * K], u[K], e[K];
  nl_rng rng;
  nl_rng_init(&rng, 7, 0, NL_RNG_BOOTSTRAP, 0);
  /* W = Omega^-1 (diagonal): J = e' W e */
  memset(omega, 0, sizeof omega);
  for (int k = 0; k < K; k++) w[k] = 1 / sigma1[k], omega[k * K + k] = sigma1[k];
  for (int k = 0; k < K; k++) u[k] = sqrt(sigma1[k]) * nl_rng_normal(&rng);
  misfit(w, u, e);
  double q = 0;
  for (int k = 0; k < K; k++) q += w[k] * e[k] * e[k];
  assert_rel(nl_calib_jstat(P, K, G, w, omega, width, e), q, 1e-9);
  assert_true(isnan(nl_calib_jstat(P, P, G, w, omega, width, e))); /* exactly identified: no test */
  /* correlated targets, diagonal weights: J is chi^2(3) (mean 3, sd sqrt(6)); e' Omega_diag^-1 e
   * is not. 4000 draws: the mean's standard error is sqrt(6 / 4000) = 0.039 */
  correlated_omega(omega, L);
  const int n = 4000;
  double sj = 0, sq = 0;
  for (int i = 0; i < n; i++) {
    double z[K];
    for (int k = 0; k < K; k++) z[k] = nl_rng_normal(&rng);
    for (int k = 0; k < K; k++) {
      u[k] = 0;
      for (int a = 0; a < K; a++) u[k] += L[k * K + a] * z[a];
    }
    misfit(w, u, e);
    sj += nl_calib_jstat(P, K, G, w, omega, width, e);
    for (int k = 0; k < K; k++) sq += w[k] * e[k] * e[k];
  }
  printf("  correlated targets, diagonal W: mean J %.3f (chi^2(3): 3), mean e'We %.3f\n", sj / n, sq / n);
  assert_true(fabs(sj / n - 3) < 0.16); /* 4 standard errors */
  assert_true(fabs(sq / n - 3) > 0.5);  /* what the generalized J corrects */
}

static void test_sim_cov(void **state) {
  (void)state;
  /* four statistics of two columns: mean(a), mean(b), sd(a), median(a) */
  nl_calib *c = nl_calib_new();
  assert_int_equal(nl_calib_load_string(c,
                                        "simulation: {model: march1991}\nparameters: {p1: [0.05, 0.95]}\n"
                                        "replications: 4000\ninference: {bootstrap: 400}\ntargets:\n"
                                        "  - {measure: code_knowledge, stat: mean, value: 0, se: 1}\n"
                                        "  - {measure: periods, stat: mean, value: 0, se: 1}\n"
                                        "  - {measure: code_knowledge, stat: sd, value: 0, se: 1}\n"
                                        "  - {measure: code_knowledge, stat: median, value: 0, se: 1}\n",
                                        "cov.yaml"),
                   NL_OK);
  const long R = 4000;
  const size_t KK = 4;
  const double sa = 2.0;
  double *x = malloc((size_t)R * KK * sizeof *x), omega[16];
  nl_rng rng;
  nl_rng_init(&rng, 11, 0, NL_RNG_BOOTSTRAP, 1);
  for (long i = 0; i < R; i++) {
    double a = 1 + sa * nl_rng_normal(&rng), b = 0.5 * a + nl_rng_normal(&rng);
    x[i * 4] = x[i * 4 + 2] = x[i * 4 + 3] = a;
    x[i * 4 + 1] = b;
  }
  assert_int_equal(nl_calib_sim_cov(c, x, omega), NL_OK);
  /* means: the sample covariance / R, to rounding */
  double ma = 0, mb = 0, saa = 0, sab = 0, sbb = 0;
  for (long i = 0; i < R; i++) ma += x[i * 4], mb += x[i * 4 + 1];
  ma /= (double)R;
  mb /= (double)R;
  for (long i = 0; i < R; i++) {
    saa += (x[i * 4] - ma) * (x[i * 4] - ma);
    sab += (x[i * 4] - ma) * (x[i * 4 + 1] - mb);
    sbb += (x[i * 4 + 1] - mb) * (x[i * 4 + 1] - mb);
  }
  double rr = (double)R * (double)(R - 1);
  assert_rel(omega[0], saa / rr, 1e-12);
  assert_rel(omega[1], sab / rr, 1e-12);
  assert_rel(omega[5], sbb / rr, 1e-12);
  /* sd and median of normal replications: sigma^2 / (2R) and pi sigma^2 / (2R) (asymptotic). The
   * sd's variance is estimated from the sample's fourth moment: relative noise about
   * sqrt(96 / R) / 2 = 8%; the median's from the bootstrap, whose relative error for a median is of
   * order R^-1/4 = 13% (Hall & Martin 1988) plus 400 resamples' 7%: 30% allowed. corr(mean, sd) is
   * the sample skewness / sqrt(2): 0 +- sqrt(6 / R) / sqrt(2) = 0.027, 4 of those allowed. */
  double s2 = sa * sa;
  printf("  sim cov: var(sd) %.4g (theory %.4g), var(median) %.4g (theory %.4g), corr(mean, median) %.3f (%.3f), "
         "corr(mean, sd) %.3f\n",
         omega[10], s2 / (2.0 * (double)R), omega[15], 3.141592653589793 * s2 / (2.0 * (double)R),
         omega[3] / sqrt(omega[0] * omega[15]), sqrt(2 / 3.141592653589793), omega[2] / sqrt(omega[0] * omega[10]));
  assert_rel(omega[10], s2 / (2.0 * (double)R), 0.25);
  assert_rel(omega[15], 3.141592653589793 * s2 / (2.0 * (double)R), 0.3);
  assert_true(fabs(omega[3] / sqrt(omega[0] * omega[15]) - sqrt(2 / 3.141592653589793)) < 0.05);
  assert_true(fabs(omega[2] / sqrt(omega[0] * omega[10])) < 0.11);
  /* the delta method's correlation of mean and sd is m3 / sqrt(m2 (m4 - m2^2)) in the sample's
   * central moments */
  double m2 = 0, m3 = 0, m4 = 0;
  for (long i = 0; i < R; i++) {
    double d = x[i * 4] - ma;
    m2 += d * d / (double)R, m3 += d * d * d / (double)R, m4 += d * d * d * d / (double)R;
  }
  assert_rel(omega[2] / sqrt(omega[0] * omega[10]), m3 / sqrt(m2 * (m4 - m2 * m2)), 1e-9);
  free(x);
  nl_calib_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sandwich_reduces),
      cmocka_unit_test(test_jstat),
      cmocka_unit_test(test_sim_cov),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
