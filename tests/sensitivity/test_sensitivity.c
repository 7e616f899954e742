/* Sensitivity analysis: the Sobol' sequence against Joe-Kuo's published sequence (values from
 * SciPy's independent implementation), Sobol' indices of the Ishigami and Sobol' G functions
 * against their analytic values, a stochastic function's noise floor, Morris on functions with
 * known elementary effects and ranking, and every error path. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rng.h"
#include "netlearn/sensitivity.h"
#include "sensitivity/sens_impl.h"

static const double PI = 3.14159265358979323846;

/* Unscrambled points 1000 and 123457 in dimensions 1, 2, 3, 10, 64, 512, 1024, times 2^32, from
 * scipy.stats.qmc.Sobol(d=1024, scramble=False, bits=32) (SciPy 1.10, Joe-Kuo new-joe-kuo-6.21201). */
static void test_sequence_joe_kuo(void **state) {
  (void)state;
  static const size_t dims[7] = {0, 1, 2, 9, 63, 511, 1023};
  static const double p1000[7] = {943718400., 415236096., 2227175424., 297795584., 1916796928., 1698693120., 3066036224.};
  static const double p123457[7] = {2261286912., 2932375552., 3467149312., 3217195008., 1941929984., 2136506368.,
                                    4067196928.};
  nl_sobol g;
  assert_int_equal(nl_sobol_init(&g, 1024, 0), NL_OK);
  double *x = malloc(1024 * sizeof *x);
  assert_non_null(x);
  nl_sobol_point(&g, 1000, x);
  for (int i = 0; i < 7; i++) assert_true(fabs(x[dims[i]] * 4294967296.0 - 0.5 - p1000[i]) < 1e-6);
  nl_sobol_point(&g, 123457, x);
  for (int i = 0; i < 7; i++) assert_true(fabs(x[dims[i]] * 4294967296.0 - 0.5 - p123457[i]) < 1e-6);
  nl_sobol_clear(&g);
  assert_int_equal(nl_sobol_init(&g, 1025, 0), NL_ERANGE);
  assert_int_equal(nl_sobol_init(&g, 0, 0), NL_ERANGE);
  free(x);
}

/* Scrambling keeps the net property: the first 2^m points put exactly one point in each of the
 * 2^m intervals of every coordinate, and every pair of coordinates is balanced in 2^(m/2) x
 * 2^(m/2) boxes for these low dimensions (t = 0 for the first two). Seeds give different points. */
static void test_sequence_scrambled(void **state) {
  (void)state;
  enum { M = 10, N = 1 << M, D = 70 };
  nl_sobol g, h;
  assert_int_equal(nl_sobol_init(&g, D, 7), NL_OK);
  assert_int_equal(nl_sobol_init(&h, D, 8), NL_OK);
  static double x[N][D];
  double y[D];
  for (size_t i = 0; i < N; i++) nl_sobol_point(&g, i, x[i]);
  for (size_t d = 0; d < D; d++) {
    int seen[N] = {0};
    for (size_t i = 0; i < N; i++) {
      assert_true(x[i][d] > 0 && x[i][d] < 1);
      seen[(int)(x[i][d] * N)]++;
    }
    for (size_t c = 0; c < N; c++) assert_int_equal(seen[c], 1);
  }
  int box[32][32] = {{0}};
  for (size_t i = 0; i < N; i++) box[(int)(x[i][0] * 32)][(int)(x[i][1] * 32)]++;
  for (int a = 0; a < 32; a++)
    for (int b = 0; b < 32; b++) assert_int_equal(box[a][b], 1);
  nl_sobol_point(&h, 5, y);
  int differ = 0;
  for (size_t d = 0; d < D; d++) differ += y[d] != x[5][d];
  assert_true(differ == D);
  nl_sobol_clear(&g);
  nl_sobol_clear(&h);
}

static void ishigami(const double *x, double *y, void *ctx) {
  (void)ctx;
  double s = sin(x[1]);
  y[0] = sin(x[0]) + 7 * s * s + 0.1 * pow(x[2], 4) * sin(x[0]);
  y[1] = 3 * x[0] + 1; /* a second output: linear in x1 alone, S1 = ST = 1 for x1 */
}

/* An estimate within `tol` of the analytic value, and the analytic value within twice the
 * bootstrap half-width (about 4 standard errors). */
static void near(const char *what, double est, double lo, double hi, double truth, double tol) {
  double half = (hi - lo) / 2;
  if (!(fabs(est - truth) <= tol) || !(fabs(est - truth) <= 2 * half + 1e-9))
    fail_msg("%s: %.4f [%.4f, %.4f], analytic %.4f (tolerance %.3f)", what, est, lo, hi, truth, tol);
}

/* Ishigami (a = 7, b = 0.1): S1 = .3139, .4424, 0; ST = .5576, .4424, .2437 (Saltelli et al.
 * 2008, p. 179). N = 4096: the bootstrap half-widths are about .05; tolerance .04 on every index. */
static void test_ishigami(void **state) {
  (void)state;
  static const double S1[3] = {0.3139, 0.4424, 0.0}, ST[3] = {0.5576, 0.4424, 0.2437};
  nl_sensitivity *s = nl_sensitivity_new();
  assert_non_null(s);
  for (int i = 0; i < 3; i++) {
    char name[8];
    snprintf(name, sizeof name, "x%d", i + 1);
    assert_int_equal(nl_sensitivity_factor(s, name, -PI, PI, 0), NL_OK);
  }
  nl_sensitivity_options o;
  nl_sensitivity_options_default(&o);
  o.n = 4096;
  o.seed = 11;
  assert_int_equal(nl_sensitivity_design(s, &o, 2), NL_OK);
  assert_int_equal(nl_sensitivity_nfactors(s), 4);
  assert_string_equal(nl_sensitivity_factor_name(s, 3), "dummy");
  assert_int_equal(nl_sensitivity_nrows(s), 4096 * 6);
  assert_int_equal(nl_sensitivity_evaluate(s, ishigami, NULL), NL_OK);
  assert_int_equal(nl_sensitivity_analyze(s, 0), NL_OK);
  for (size_t i = 0; i < 3; i++) {
    double lo, hi, e;
    char what[32];
    e = nl_sensitivity_s1(s, 0, i, &lo, &hi);
    snprintf(what, sizeof what, "S1 x%zu", i + 1);
    near(what, e, lo, hi, S1[i], 0.04);
    e = nl_sensitivity_st(s, 0, i, &lo, &hi);
    snprintf(what, sizeof what, "ST x%zu", i + 1);
    near(what, e, lo, hi, ST[i], 0.04);
  }
  /* analytic variance a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.8446 */
  assert_true(fabs(nl_sensitivity_variance(s, 0) - 13.8446) < 0.3);
  /* a deterministic function: the dummy's indices are exactly 0 */
  assert_true(nl_sensitivity_s1(s, 0, 3, NULL, NULL) == 0 && nl_sensitivity_st(s, 0, 3, NULL, NULL) == 0);
  /* second output, linear in x1 alone */
  assert_true(fabs(nl_sensitivity_s1(s, 1, 0, NULL, NULL) - 1) < 0.02);
  assert_true(fabs(nl_sensitivity_st(s, 1, 0, NULL, NULL) - 1) < 1e-12);
  assert_true(fabs(nl_sensitivity_st(s, 1, 1, NULL, NULL)) < 1e-12);
  /* Convergence: an analysis on the first N/4 rows reads nothing beyond them. */
  double nan2[2] = {NAN, NAN};
  for (size_t r = 0; r < nl_sensitivity_nrows(s); r++)
    if (nl_sensitivity_row_base(s, r) >= 1024) nl_sensitivity_set_output(s, r, nan2);
  assert_int_equal(nl_sensitivity_analyze(s, 1024), NL_OK);
  for (size_t i = 0; i < 3; i++) {
    double lo, hi;
    double e = nl_sensitivity_st(s, 0, i, &lo, &hi);
    near("ST at N/4", e, lo, hi, ST[i], 0.08);
  }
  assert_int_equal(nl_sensitivity_analyze(s, 0), NL_EINVAL);
  assert_non_null(strstr(nl_sensitivity_errmsg(s), "no value"));
  assert_true(isnan(nl_sensitivity_s1(s, 0, 0, NULL, NULL)));
  nl_sensitivity_free(s);
}

/* Sobol' G function, a = (0, 1, 4.5, 9, 99, 99), x uniform on [0, 1]^6: V_i = 1 / (3 (1 + a_i)^2),
 * S1_i = V_i / V, ST_i = V_i prod_{j != i} (1 + V_j) / V, S2_ij = V_i V_j / V (Saltelli et al.
 * 2010, section 4). With second order. */
static const double GA[6] = {0, 1, 4.5, 9, 99, 99};
static void gfun(const double *x, double *y, void *ctx) {
  (void)ctx;
  double p = 1;
  for (int i = 0; i < 6; i++) p *= (fabs(4 * x[i] - 2) + GA[i]) / (1 + GA[i]);
  y[0] = p;
}

static void test_g_function(void **state) {
  (void)state;
  double Vi[6], prod = 1;
  for (int i = 0; i < 6; i++) {
    Vi[i] = 1.0 / (3 * (1 + GA[i]) * (1 + GA[i]));
    prod *= 1 + Vi[i];
  }
  double V = prod - 1;
  nl_sensitivity *s = nl_sensitivity_new();
  for (int i = 0; i < 6; i++) {
    char name[8];
    snprintf(name, sizeof name, "x%d", i + 1);
    assert_int_equal(nl_sensitivity_factor(s, name, 0, 1, 0), NL_OK);
  }
  nl_sensitivity_options o;
  nl_sensitivity_options_default(&o);
  o.n = 4096;
  o.second_order = 1;
  o.dummy = 0;
  o.seed = 5;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_OK);
  assert_int_equal(nl_sensitivity_nrows(s), 4096 * 14);
  assert_int_equal(nl_sensitivity_evaluate(s, gfun, NULL), NL_OK);
  assert_int_equal(nl_sensitivity_analyze(s, 0), NL_OK);
  for (size_t i = 0; i < 6; i++) {
    double lo, hi;
    double S1 = Vi[i] / V, ST = Vi[i] * prod / (1 + Vi[i]) / V;
    {
    double e_ = nl_sensitivity_s1(s, 0, i, &lo, &hi);
    near("G S1", e_, lo, hi, S1, 0.03);
  }
    {
    double e_ = nl_sensitivity_st(s, 0, i, &lo, &hi);
    near("G ST", e_, lo, hi, ST, 0.03);
  }
  }
  double lo, hi;
  {
    double e_ = nl_sensitivity_s2(s, 0, 0, 1, &lo, &hi);
    near("G S2 x1,x2", e_, lo, hi, Vi[0] * Vi[1] / V, 0.05);
  }
  {
    double e_ = nl_sensitivity_s2(s, 0, 2, 0, &lo, &hi);
    near("G S2 x1,x3", e_, lo, hi, Vi[0] * Vi[2] / V, 0.05);
  }
  assert_true(isnan(nl_sensitivity_s2(s, 0, 1, 1, NULL, NULL)));
  nl_sensitivity_free(s);
}

/* A stochastic function: y = x1 + e, e ~ N(0, 0.1^2) drawn anew at every call, x1 ~ U[0, 1].
 * Rows that differ only in the dummy get independent noise, so the dummy's ST estimates the noise
 * share of the variance, 0.01 / (1/12 + 0.01) = 0.107 (the floor), the unused x2's ST the same,
 * and x1's S1 the rest, 0.893. */
static void noisy(const double *x, double *y, void *ctx) {
  nl_rng *r = ctx;
  y[0] = x[0] + 0.1 * nl_rng_normal(r);
}

static void test_noise_floor(void **state) {
  (void)state;
  nl_sensitivity *s = nl_sensitivity_new();
  assert_int_equal(nl_sensitivity_factor(s, "x1", 0, 1, 0), NL_OK);
  assert_int_equal(nl_sensitivity_factor(s, "x2", 0, 1, 0), NL_OK); /* unused: indistinguishable from the dummy */
  nl_sensitivity_options o;
  nl_sensitivity_options_default(&o);
  o.n = 8192;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_OK);
  nl_rng rng;
  nl_rng_init(&rng, 3, 0, NL_RNG_PURPOSE_USER, 0);
  assert_int_equal(nl_sensitivity_evaluate(s, noisy, &rng), NL_OK);
  assert_int_equal(nl_sensitivity_analyze(s, 0), NL_OK);
  double share = 0.01 / (1.0 / 12 + 0.01), lo, hi;
  {
    double e_ = nl_sensitivity_st(s, 0, 2, &lo, &hi);
    near("dummy ST", e_, lo, hi, share, 0.02);
  }
  {
    double e_ = nl_sensitivity_s1(s, 0, 0, &lo, &hi);
    near("x1 S1", e_, lo, hi, 1 - share, 0.03);
  }
  double x2 = nl_sensitivity_st(s, 0, 1, &lo, &hi);
  near("x2 ST (noise)", x2, lo, hi, share, 0.02);
  nl_sensitivity_free(s);
}

/* Morris on a linear function y = 10 x1 + 5 x2 - 1 x3 + 0 x4 over ranges of width 2, 1, 1, 1:
 * every elementary effect (per unit of the factor's range) is exactly c_i w_i, so mu = 20, 5,
 * -1, 0, mu* = |mu|, sigma = 0. */
static void linear(const double *x, double *y, void *ctx) {
  (void)ctx;
  y[0] = 10 * x[0] + 5 * x[1] - x[2] + 0 * x[3];
}

static void test_morris_linear(void **state) {
  (void)state;
  nl_sensitivity *s = nl_sensitivity_new();
  assert_int_equal(nl_sensitivity_factor(s, "a", -1, 1, 0), NL_OK);
  assert_int_equal(nl_sensitivity_factor(s, "b", 0, 1, 0), NL_OK);
  assert_int_equal(nl_sensitivity_factor(s, "c", 2, 3, 0), NL_OK);
  assert_int_equal(nl_sensitivity_factor(s, "d", 0.1, 10, 1), NL_OK);
  nl_sensitivity_options o;
  nl_sensitivity_options_default(&o);
  o.method = NL_SENS_MORRIS;
  o.n = 10;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_OK);
  assert_int_equal(nl_sensitivity_nrows(s), 10 * 6);
  /* every row on the 4-level grid, each step one factor */
  for (size_t r = 0; r < nl_sensitivity_nrows(s); r++) {
    const double *x = nl_sensitivity_row(s, r);
    double u = (x[1] - 0) * 3;
    assert_true(fabs(u - floor(u + 0.5)) < 1e-9);
    double ul = log(x[3] / 0.1) / log(100) * 3;
    assert_true(fabs(ul - floor(ul + 0.5)) < 1e-9);
  }
  assert_int_equal(nl_sensitivity_evaluate(s, linear, NULL), NL_OK);
  assert_int_equal(nl_sensitivity_analyze(s, 0), NL_OK);
  static const double mu[5] = {20, 5, -1, 0, 0};
  for (size_t i = 0; i < 5; i++) {
    double lo, hi;
    assert_true(fabs(nl_sensitivity_mu(s, 0, i) - mu[i]) < 1e-9);
    assert_true(fabs(nl_sensitivity_mu_star(s, 0, i, &lo, &hi) - fabs(mu[i])) < 1e-9);
    assert_true(fabs(nl_sensitivity_sigma(s, 0, i)) < 1e-9);
    assert_true(hi - lo < 1e-9);
  }
  assert_true(isnan(nl_sensitivity_s1(s, 0, 0, NULL, NULL)));
  nl_sensitivity_free(s);
}

/* Morris ranks the G function's factors by a: mu* falls as a rises (a = 0, 1, 4.5, 9, 99, 99),
 * and the two a = 99 factors and the dummy are far below the others. r = 50 trajectories. */
static void test_morris_ranking(void **state) {
  (void)state;
  nl_sensitivity *s = nl_sensitivity_new();
  for (int i = 0; i < 6; i++) {
    char name[8];
    snprintf(name, sizeof name, "x%d", i + 1);
    assert_int_equal(nl_sensitivity_factor(s, name, 0, 1, 0), NL_OK);
  }
  nl_sensitivity_options o;
  nl_sensitivity_options_default(&o);
  o.method = NL_SENS_MORRIS;
  o.n = 50;
  o.seed = 9;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_OK);
  assert_int_equal(nl_sensitivity_evaluate(s, gfun, NULL), NL_OK);
  assert_int_equal(nl_sensitivity_analyze(s, 0), NL_OK);
  double m[7];
  for (size_t i = 0; i < 7; i++) m[i] = nl_sensitivity_mu_star(s, 0, i, NULL, NULL);
  for (size_t i = 0; i + 1 < 4; i++) assert_true(m[i] > m[i + 1]);
  assert_true(m[3] > 3 * m[4] && m[3] > 3 * m[5]);
  assert_true(m[6] == 0);
  /* G is a product: x1 interacts with everything, so its sigma is large relative to mu* */
  assert_true(nl_sensitivity_sigma(s, 0, 0) > 0.5 * m[0]);
  nl_sensitivity_free(s);
}

static void test_errors(void **state) {
  (void)state;
  nl_sensitivity *s = nl_sensitivity_new();
  nl_sensitivity_options o;
  nl_sensitivity_options_default(&o);
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_EINVAL);
  assert_non_null(strstr(nl_sensitivity_errmsg(s), "no factors"));
  assert_int_equal(nl_sensitivity_factor(s, "", 0, 1, 0), NL_EINVAL);
  assert_int_equal(nl_sensitivity_factor(s, "dummy", 0, 1, 0), NL_EINVAL);
  assert_int_equal(nl_sensitivity_factor(s, "a", 1, 1, 0), NL_ERANGE);
  assert_int_equal(nl_sensitivity_factor(s, "a", 0, NAN, 0), NL_ERANGE);
  assert_int_equal(nl_sensitivity_factor(s, "a", 0, 1, 1), NL_ERANGE);
  assert_non_null(strstr(nl_sensitivity_errmsg(s), "log-uniform"));
  assert_int_equal(nl_sensitivity_factor(s, "a", 0, 1, 0), NL_OK);
  assert_int_equal(nl_sensitivity_factor(s, "a", 0, 1, 0), NL_EINVAL);
  assert_non_null(strstr(nl_sensitivity_errmsg(s), "twice"));
  double y = 1;
  assert_int_equal(nl_sensitivity_set_output(s, 0, &y), NL_EINVAL);
  assert_int_equal(nl_sensitivity_analyze(s, 0), NL_EINVAL);
  assert_int_equal(nl_sensitivity_design(s, &o, 0), NL_EINVAL);
  o.n = 1;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_EINVAL);
  o.n = 8;
  o.resamples = 5;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_EINVAL);
  o.resamples = 100;
  o.confidence = 1;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_EINVAL);
  o.confidence = 0.95;
  o.method = NL_SENS_MORRIS;
  o.levels = 3;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_EINVAL);
  assert_non_null(strstr(nl_sensitivity_errmsg(s), "even"));
  o.levels = 4;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_OK);
  assert_int_equal(nl_sensitivity_set_output(s, nl_sensitivity_nrows(s), &y), NL_EINVAL);
  assert_null(nl_sensitivity_row(s, nl_sensitivity_nrows(s)));
  assert_int_equal(nl_sensitivity_analyze(s, 0), NL_EINVAL); /* outputs missing */
  assert_non_null(strstr(nl_sensitivity_errmsg(s), "row 0"));
  nl_sensitivity_free(s);
  /* 512 factors + dummy need 1026 dimensions */
  s = nl_sensitivity_new();
  for (int i = 0; i < 512; i++) {
    char name[16];
    snprintf(name, sizeof name, "f%d", i);
    assert_int_equal(nl_sensitivity_factor(s, name, 0, 1, 0), NL_OK);
  }
  o.method = NL_SENS_SOBOL;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_ERANGE);
  o.dummy = 0;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_OK);
  nl_sensitivity_free(s);
  nl_sensitivity_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sequence_joe_kuo), cmocka_unit_test(test_sequence_scrambled),
      cmocka_unit_test(test_ishigami),         cmocka_unit_test(test_g_function),
      cmocka_unit_test(test_noise_floor),      cmocka_unit_test(test_morris_linear),
      cmocka_unit_test(test_morris_ranking),   cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
