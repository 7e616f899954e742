/*
 * netlearn power: Monte Carlo power against the analytic power of a correlation test, the
 * implied population correlation matrices against hand-computed values, the sample-size
 * columns against Kock & Hadaya's table, thread-count independence, and every bad input
 * (library status and message; CLI exit code 2 and message).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cli_harness.h"
#include "common/fault_alloc.h"
#include "core/stats.h"
#include "netlearn/plot.h"
#include "netlearn/power.h"
#include "common/test_scale.h"

static void near_at(double got, double want, double tol, const char *expr, int line) {
  if (!(fabs(got - want) <= tol)) fail_msg("line %d: %s = %.15g, want %.15g (tolerance %g)", line, expr, got, want, tol);
}
#define NEAR(got, want, tol) near_at((got), (want), (tol), #got, __LINE__)

/* Power of the two-tailed Fisher z test of H0: rho = 0 at level alpha. */
static double fisher_power(double rho, double n, double alpha) {
  double d = atanh(rho) * sqrt(n - 3), z = nl_normal_quantile(1 - alpha / 2);
  return nl_normal_cdf(d - z) + nl_normal_cdf(-d - z);
}

/*
 * Two single-indicator constructs: the PLS path is the sample correlation, so the power of its
 * bootstrap test must be the power of a correlation test. The sizes are chosen per beta so that
 * the power lies between .05 and .9. The percentile bootstrap is slightly liberal in small samples
 * (docs/power.md: +0.03 at n = 100 and +0.014 at n = 200 for beta = .2, Type I rate .0585 at
 * n = 400, each measured with 4,000-20,000 replications), hence an allowance of 0.03 on top of
 * 3.29 Monte Carlo standard errors.
 */
static void test_fisher_z(void **state) {
  (void)state;
  const double betas[] = {0.0, 0.1, 0.2, 0.3};
  const size_t sizes[4][2] = {{100, 200}, {200, 400}, {100, 200}, {50, 100}};
  double worst = 0;
  for (size_t b = 0; b < 4; b++) {
    char text[128];
    snprintf(text, sizeof text, "X =~ 1*x\nY =~ 1*y\nY ~ %g*X\n", betas[b]);
    nl_power_options o;
    nl_power_options_default(&o);
    o.reps = (size_t)(400 * nl_test_scale());
    o.nboot = 200;
    o.seed = 11;
    o.threads = 2;
    nl_power *pw = NULL;
    assert_int_equal(nl_power_parse(text, "fz", &o, &pw), NL_OK);
    if (betas[b] != 0) NEAR(nl_power_path_pls_value(pw, 0), betas[b], 1e-12);
    assert_int_equal(nl_power_run(pw, sizes[b], 2), NL_OK);
    for (size_t s = 0; s < 2; s++) {
      nl_power_stat x;
      size_t n = sizes[b][s];
      assert_int_equal(nl_power_get(pw, s, 0, &x), NL_OK);
      double want = fisher_power(betas[b], (double)n, 0.05);
      double se = sqrt(want * (1 - want) / (double)x.reps);
      double dev = x.power - want;
      printf("beta %.1f n %3zu: power %.3f, Fisher z %.3f, difference %+.3f (%.1f MC SE)\n", betas[b], n, x.power,
             want, dev, dev / se);
      assert_int_equal(x.reps, o.reps);
      assert_true(fabs(dev) <= 3.29 * se + 0.03);
      if (fabs(dev) > worst) worst = fabs(dev);
      /* the estimates: r has mean about rho and SD about (1 - rho^2) / sqrt(n) */
      double sd = (1 - betas[b] * betas[b]) / sqrt((double)n);
      assert_true(fabs(x.mean_estimate - betas[b]) < 4 * sd / sqrt((double)x.reps) + 0.005);
      assert_true(fabs(x.rmse / sd - 1) < 3.5 / sqrt(2.0 * (double)x.reps) + 0.03);
    }
    nl_power_free(pw);
  }
  printf("largest |power - Fisher z power|: %.3f\n", worst);
}

/* Kock & Hadaya (2018), inverse square root method: beta .1/.2/.3 -> 619/155/69 (alpha .05
 * one-tailed, power .8); the 10-times rule is 10 x 3 paths into Y; null paths give a Type I rate. */
static void test_isr_and_rules(void **state) {
  (void)state;
  const char *text = "X1 =~ 1*x1\nX2 =~ 1*x2\nX3 =~ 1*x3\nX4 =~ 1*x4\nY =~ 1*y\n"
                     "Y ~ 0.1*X1 + 0.2*X2 + 0.3*X3 + 0*X4\n";
  nl_power_options o;
  nl_power_options_default(&o);
  o.tails = 1;
  o.reps = 40;
  o.nboot = 50;
  nl_power *pw = NULL;
  assert_int_equal(nl_power_parse(text, "isr", &o, &pw), NL_OK);
  const size_t n[] = {60, 120};
  assert_int_equal(nl_power_run(pw, n, 2), NL_OK);
  const double want[] = {619, 155, 69};
  for (size_t k = 0; k < 4; k++) {
    nl_power_min_n m;
    assert_int_equal(nl_power_get_min_n(pw, k, &m), NL_OK);
    NEAR(m.ten_times, 40, 0);
    if (k < 3) {
      NEAR(m.isr, want[k], 0);
      assert_true(isnan(m.type1));
    } else {
      assert_true(isnan(m.isr) && isnan(m.n80));
      assert_true(m.type1 >= 0 && m.type1 < 0.25);
    }
  }
  nl_power_free(pw);
}

/* Implied correlations, computed by hand from the definitions in docs/power.md. */
static void test_population(void **state) {
  (void)state;
  const char *text = "X =~ 0.8*x1 + 0.7*x2 + 0.6*x3\nY =~ 0.9*y1 + 0.5*y2\nY ~ 0.4*X\n";
  nl_power_options o;
  nl_power_options_default(&o);
  o.population = NL_POWER_FACTOR;
  nl_power *pw = NULL;
  assert_int_equal(nl_power_parse(text, "pop", &o, &pw), NL_OK);
  assert_int_equal(nl_power_n_indicators(pw), 5);
  assert_string_equal(nl_power_indicator_name(pw, 3), "y1");
  NEAR(nl_power_population_cor(pw, 0, 1), 0.56, 1e-15);
  NEAR(nl_power_population_cor(pw, 0, 3), 0.8 * 0.4 * 0.9, 1e-15);
  NEAR(nl_power_population_cor(pw, 4, 2), 0.5 * 0.4 * 0.6, 1e-15);
  double plain = nl_power_path_pls_value(pw, 0);
  assert_true(plain < 0.4 - 0.03); /* PLS is attenuated in a factor population ... */
  nl_power_free(pw);
  o.consistent = 1;
  assert_int_equal(nl_power_parse(text, "pop", &o, &pw), NL_OK);
  NEAR(nl_power_path_pls_value(pw, 0), 0.4, 1e-9); /* ... PLSc is consistent */
  nl_power_free(pw);

  /* composite: l = lambda / sqrt(lambda' S^-1 lambda) with S the one-factor block matrix */
  o.population = NL_POWER_COMPOSITE;
  o.consistent = 0;
  assert_int_equal(nl_power_parse(text, "pop", &o, &pw), NL_OK);
  double lx[3] = {0.8, 0.7, 0.6}, ly[2] = {0.9, 0.5};
  /* lambda' S^-1 lambda = a / (1 + a), a = sum lambda^2 / (1 - lambda^2) (Sherman-Morrison) */
  double ax = 0, ay = 0;
  for (int i = 0; i < 3; i++) ax += lx[i] * lx[i] / (1 - lx[i] * lx[i]);
  for (int i = 0; i < 2; i++) ay += ly[i] * ly[i] / (1 - ly[i] * ly[i]);
  double qx = ax / (1 + ax), qy = ay / (1 + ay);
  NEAR(nl_power_population_cor(pw, 0, 1), 0.56, 1e-15);
  NEAR(nl_power_population_cor(pw, 0, 3), 0.8 / sqrt(qx) * 0.4 * 0.9 / sqrt(qy), 1e-12);
  nl_power_free(pw);

  /* formative block: weights rescaled to a unit-variance composite; Mode B is consistent */
  const char *ftext = "X <~ 0.6*x1 + 0.5*x2\nx1 ~~ 0.3*x2\nY =~ 1*y\nY ~ 0.35*X\n";
  assert_int_equal(nl_power_parse(ftext, "form", &o, &pw), NL_OK);
  double q = 0.36 + 0.25 + 2 * 0.3 * 0.3; /* w' S w */
  NEAR(nl_power_population_cor(pw, 0, 1), 0.3, 1e-15);
  NEAR(nl_power_population_cor(pw, 0, 2), (0.6 + 0.3 * 0.5) / sqrt(q) * 0.35, 1e-12);
  NEAR(nl_power_path_pls_value(pw, 0), 0.35, 1e-9);
  nl_power_free(pw);

  /* exogenous correlation and a two-predictor model: R^2 = b1^2 + b2^2 + 2 b1 b2 r */
  const char *ctext = "A =~ 1*a\nB =~ 1*b\nY =~ 1*y\nA ~~ 0.5*B\nY ~ 0.3*A + 0.2*B\n";
  assert_int_equal(nl_power_parse(ctext, "cor", &o, &pw), NL_OK);
  NEAR(nl_power_population_cor(pw, 0, 1), 0.5, 1e-15);
  NEAR(nl_power_population_cor(pw, 0, 2), 0.3 + 0.2 * 0.5, 1e-15);
  NEAR(nl_power_path_pls_value(pw, 1), 0.2, 1e-12);
  nl_power_free(pw);
}

/* Mean of the path estimates over `reps` replications at one size (bootstrap kept minimal). */
static double mean_estimate(const char *text, nl_power_population pop, int plsc, int likert, size_t n, size_t reps) {
  nl_power_options o;
  nl_power_options_default(&o);
  o.population = pop;
  o.consistent = plsc;
  o.likert = likert;
  o.reps = reps;
  o.nboot = 10;
  o.threads = 2;
  nl_power *pw = NULL;
  assert_int_equal(nl_power_parse(text, "rec", &o, &pw), NL_OK);
  assert_int_equal(nl_power_run(pw, &n, 1), NL_OK);
  nl_power_stat x;
  assert_int_equal(nl_power_get(pw, 0, 0, &x), NL_OK);
  assert_int_equal(x.reps, reps);
  nl_power_free(pw);
  return x.mean_estimate;
}

/* The samples follow the population: PLSc recovers the path of a factor population, Mode B the
 * path of a composite population, and two-category Likert items of a correlation rho have the
 * phi coefficient (2 / pi) asin(rho) (Sheppard's formula for dichotomized normals). */
static void test_recovery(void **state) {
  (void)state;
  size_t reps = (size_t)(200 * nl_test_scale());
  double tol = 0.02 / sqrt(nl_test_scale());
  double f = mean_estimate("X =~ 0.8*x1 + 0.7*x2 + 0.6*x3\nY =~ 0.9*y1 + 0.7*y2\nY ~ 0.4*X\n", NL_POWER_FACTOR, 1, 0,
                           500, reps);
  NEAR(f, 0.4, tol);
  double c = mean_estimate("X <~ 0.6*x1 + 0.5*x2\nx1 ~~ 0.3*x2\nY <~ 0.7*y1 + 0.4*y2\nY ~ 0.4*X\n",
                           NL_POWER_COMPOSITE, 0, 0, 500, reps);
  NEAR(c, 0.4, tol);
  double phi = mean_estimate("X =~ 1*x\nY =~ 1*y\nY ~ 0.5*X\n", NL_POWER_COMPOSITE, 0, 2, 500, reps);
  NEAR(phi, asin(0.5) / acos(0.0), tol);
  printf("PLSc (factor) %.4f, Mode B (composite) %.4f (population 0.4); Likert-2 phi %.4f (2/pi asin .5 = %.4f)\n", f,
         c, phi, asin(0.5) / acos(0.0));
}

/* An empirical population (tests/data/mobi.csv, 250 rows): samples of all 250 rows are the
 * population itself (every estimate equals the population value), smaller ones scatter around it;
 * sizes above the rows and Likert are refused. */
static void test_empirical(void **state) {
  (void)state;
  nl_pls_data *d = NULL;
  assert_int_equal(nl_pls_data_read(NL_SOURCE_DIR "/tests/data/mobi.csv", &d), NL_OK);
  nl_power_options o;
  nl_power_options_default(&o);
  o.reps = 40;
  o.nboot = 50;
  nl_power *pw[2] = {NULL, NULL};
  for (int t = 0; t < 2; t++) {
    o.threads = t + 1;
    assert_int_equal(nl_power_read_data(NL_SOURCE_DIR "/tests/pls/mobi.model", d, &o, &pw[t]), NL_OK);
    const size_t n[] = {250, 100};
    assert_int_equal(nl_power_run(pw[t], n, 2), NL_OK);
  }
  assert_int_equal(nl_power_n_paths(pw[0]), 12);
  NEAR(nl_power_population_cor(pw[0], 0, 0), 1, 1e-15);
  for (size_t k = 0; k < 12; k++) {
    nl_power_stat all, part, part2;
    assert_int_equal(nl_power_get(pw[0], 0, k, &all), NL_OK);
    assert_int_equal(nl_power_get(pw[0], 1, k, &part), NL_OK);
    assert_int_equal(nl_power_get(pw[1], 1, k, &part2), NL_OK);
    double beta = nl_power_path_value(pw[0], k);
    NEAR(beta, nl_power_path_pls_value(pw[0], k), 0);
    NEAR(all.mean_estimate, beta, 1e-12);
    NEAR(all.rmse, 0, 1e-12);
    assert_int_equal(all.reps, 40); /* (its power need not be 0 or 1: the resamples differ) */
    assert_true(fabs(part.mean_estimate - beta) < 0.05);
    assert_true(part.rmse > 0.01 && part.rmse < 0.15);
    assert_memory_equal(&part, &part2, sizeof part); /* 1 and 2 threads */
  }
  const size_t big[] = {251};
  assert_int_equal(nl_power_run(pw[0], big, 1), NL_EINVAL);
  assert_non_null(strstr(nl_power_errmsg(pw[0]), "sample size 251 is larger than the population's 250 rows"));
  nl_power_free(pw[0]);
  nl_power_free(pw[1]);
  o.likert = 5;
  nl_power *bad = NULL;
  assert_int_equal(nl_power_parse_data("A =~ CUEX1 + CUEX2\nB =~ CUSA1\nB ~ A\n", "m", d, &o, &bad), NL_EINVAL);
  assert_non_null(strstr(nl_power_errmsg(bad), "no Likert cut"));
  nl_power_free(bad);
  o.likert = 0;
  assert_int_equal(nl_power_parse_data("A =~ CUEX1 + nope\nB =~ CUSA1\nB ~ A\n", "m", d, &o, &bad), NL_EINVAL);
  assert_non_null(strstr(nl_power_errmsg(bad), "m:1:14: indicator 'nope' of construct 'A' is not a column"));
  nl_power_free(bad);
  nl_pls_data_free(d);
}

static void expect_error(const char *text, nl_power_population pop, nl_status want, const char *needle) {
  nl_power_options o;
  nl_power_options_default(&o);
  o.population = pop;
  nl_power *pw = NULL;
  nl_status st = nl_power_parse(text, "m.txt", &o, &pw);
  if (st != want || !strstr(nl_power_errmsg(pw), needle))
    fail_msg("model:\n%s\nstatus %d (want %d), message '%s' (want '%s')", text, st, want, nl_power_errmsg(pw), needle);
  nl_power_free(pw);
}

static void test_bad_models(void **state) {
  (void)state;
  expect_error("X =~ 0.8*x1 + x2\nY =~ 1*y\nY ~ 0.3*X\n", NL_POWER_COMPOSITE, NL_EPARSE,
               "m.txt:1:15: give the population loading of 'x2'");
  expect_error("X <~ 0.8*x1 + x2\nY =~ 1*y\nY ~ 0.3*X\n", NL_POWER_COMPOSITE, NL_EPARSE,
               "population weight of 'x2'");
  expect_error("X =~ 1*x\nY =~ 1*y\nY ~ X\n", NL_POWER_COMPOSITE, NL_EPARSE, "path X -> Y, e.g. 'Y ~ 0.3*X'");
  expect_error("X =~ 1.2*x1 + 0.5*x2\nY =~ 1*y\nY ~ 0.3*X\n", NL_POWER_FACTOR, NL_EINVAL,
               "m.txt:1:6: construct 'X': loading 1.2 of 'x1' is above 1");
  expect_error("A =~ 1*a\nB =~ 1*b\nY =~ 1*y\nA ~~ 0.5*B\nY ~ 0.8*A + 0.8*B\n", NL_POWER_COMPOSITE, NL_EINVAL,
               "construct 'Y': its population paths explain R^2 = 1.92 > 1");
  expect_error("A =~ 1*a\nB =~ 1*b\nC =~ 1*c\nY =~ 1*y\nA ~~ 0.9*B\nA ~~ 0.9*C\nB ~~ -0.9*C\nY ~ 0.1*A + 0.1*B + 0.1*C\n",
               NL_POWER_COMPOSITE, NL_EINVAL, "construct 'C': its correlations with the exogenous constructs");
  expect_error("X <~ 0.5*x1 + 0.5*x2 + 0.5*x3\nx1 ~~ 0.9*x2\nx1 ~~ 0.9*x3\nx2 ~~ -0.9*x3\nY =~ 1*y\nY ~ 0.3*X\n",
               NL_POWER_COMPOSITE, NL_EINVAL, "construct 'X': the correlations of its indicators");
  expect_error("X =~ 1*x1 + 1*x2\nY =~ 1*y\nY ~ 0.3*X\n", NL_POWER_COMPOSITE, NL_EINVAL,
               "construct 'X': loadings of 1 make its indicators perfectly collinear");
  expect_error("X =~ 0*x1 + 0*x2\nY =~ 1*y\nY ~ 0.3*X\n", NL_POWER_COMPOSITE, NL_EINVAL,
               "construct 'X': its loadings are all zero");
  expect_error("X =~ 1*x\nY =~ 1*y\nY ~ 0.3*X\nY ~~ 0.2*X\n", NL_POWER_COMPOSITE, NL_EINVAL,
               "m.txt:4:6: '~~' correlates exogenous constructs only; 'Y' has paths into it");
  expect_error("X =~ 1*x\nY =~ 1*y\nY ~ 0.3*X\nX ~~ 0.2*X\n", NL_POWER_COMPOSITE, NL_EINVAL,
               "variances are fixed at 1");
  expect_error("X =~ 1*x\nY =~ 1*y\nY ~ 0.3*X\nX ~~ 0.2*Z\n", NL_POWER_COMPOSITE, NL_EINVAL,
               "'Z' is neither a construct nor an indicator");
  expect_error("X =~ 0.7*x1 + 0.7*x2\nY =~ 1*y\nY ~ 0.3*X\nx1 ~~ 0.2*x2\n", NL_POWER_COMPOSITE, NL_EINVAL,
               "two indicators of one composite (<~) block");
  expect_error("X =~ 1*x\nY =~ 1*y\nY ~ 0.3*X\nX ~~ Y\n", NL_POWER_COMPOSITE, NL_EPARSE,
               "m.txt:4:6: give the population correlation");
  expect_error("X =~ 1*x\nY =~ 1*y\nY ~ 0.3*\n", NL_POWER_COMPOSITE, NL_EPARSE, "m.txt:3:9: expected a name after");
  expect_error("X =~ 1*x\nY =~ 1*y\n0.3*Y ~ X\n", NL_POWER_COMPOSITE, NL_EPARSE, "m.txt:3:1: a value belongs");
  expect_error("X =~ 1*x\nY =~ 1*y\nY ~ 0.3*X + \n", NL_POWER_COMPOSITE, NL_EPARSE, "m.txt:4:1:");
  expect_error("X =~ 1*x\nY =~ 1*y\nY ~ a*X\n", NL_POWER_COMPOSITE, NL_EPARSE, "m.txt:3:5: a population value is a number, as in '0.3*X'; labels such as 'a*'");
  expect_error("X =~ 1*x\nY =~ 1*y\nY ~ 1e999*X\n", NL_POWER_COMPOSITE, NL_EPARSE, "not a finite number");
  expect_error("X =~ 1*x\nM =~ 1*m\nY =~ 1*y\nY ~ 0.3*X + 0.2*M + 0.1*X:M\n", NL_POWER_COMPOSITE, NL_EINVAL,
               "interaction terms and higher-order constructs");
  expect_error("X =~ 1*x\nY =~ 1*x2\nY ~ 0.3*X\nX ~ 0.1*Y\n", NL_POWER_COMPOSITE, NL_EINVAL, "not recursive");

  /* options and sizes */
  nl_power_options o;
  nl_power_options_default(&o);
  o.tails = 3;
  nl_power *pw = NULL;
  assert_int_equal(nl_power_parse("X =~ 1*x\nY =~ 1*y\nY ~ 0.3*X\n", NULL, &o, &pw), NL_EINVAL);
  assert_non_null(strstr(nl_power_errmsg(pw), "tails"));
  nl_power_free(pw);
  nl_power_options_default(&o);
  o.reps = 5;
  o.nboot = 20;
  assert_int_equal(nl_power_parse("X =~ 1*x\nY =~ 1*y\nY ~ 0.3*X\n", NULL, &o, &pw), NL_OK);
  nl_power_stat x;
  assert_int_equal(nl_power_get(pw, 0, 0, &x), NL_EINVAL);
  assert_int_equal(nl_power_write(pw, tmpdir), NL_EINVAL);
  const size_t small[] = {3}, dup[] = {50, 50};
  assert_int_equal(nl_power_run(pw, small, 1), NL_EINVAL);
  assert_non_null(strstr(nl_power_errmsg(pw), "sample size 3 is out of range: the model needs 4"));
  assert_int_equal(nl_power_run(pw, dup, 2), NL_EINVAL);
  assert_non_null(strstr(nl_power_errmsg(pw), "given twice"));
  assert_int_equal(nl_power_run(pw, NULL, 0), NL_EINVAL);
  nl_power_free(pw);
  nl_power_free(NULL);
}

static int cancel_at_5(void *user, long done, long total) {
  (void)total;
  *(long *)user = done;
  return done >= 5;
}

/* Every allocation failure returns NL_ENOMEM without leaks (the sanitizer build checks leaks);
 * a progress callback can cancel. */
static void test_alloc_failures_and_cancel(void **state) {
  (void)state;
  const char *text = "X =~ 0.8*x1 + 0.7*x2\nZ <~ 0.6*z1 + 0.5*z2\nz1 ~~ 0.2*z2\nX ~~ 0.1*Z\n"
                     "Y =~ 0.9*y1 + 0.8*y2\nY ~ 0.3*X + 0.2*Z\n";
  char dir[600];
  path_of(dir, sizeof dir, "alloc");
  const size_t n[] = {30, 20};
  for (long k = 1; k < 100000; k++) {
    nl_alloc_fail_after(k);
    nl_power_options o;
    nl_power_options_default(&o);
    o.reps = 3;
    o.nboot = 10;
    o.threads = 2;
    o.likert = 4;
    nl_power *pw = NULL;
    nl_status st = nl_power_parse(text, "m", &o, &pw);
    if (st == NL_OK) st = nl_power_run(pw, n, 2);
    if (st == NL_OK) st = nl_power_write(pw, dir);
    long used = nl_alloc_fail_after(0);
    nl_power_free(pw);
    if (st == NL_OK) {
      assert_true(used < k);
      break;
    }
    if (st != NL_ENOMEM) fail_msg("allocation %ld: status %d", k, st);
  }
  nl_pls_data *d = NULL;
  assert_int_equal(nl_pls_data_read(NL_SOURCE_DIR "/tests/data/mobi.csv", &d), NL_OK);
  for (long k = 1; k < 100000; k++) { /* the empirical population */
    nl_alloc_fail_after(k);
    nl_power_options o;
    nl_power_options_default(&o);
    o.reps = 2;
    o.nboot = 10;
    o.threads = 2;
    nl_power *pw = NULL;
    nl_status st = nl_power_parse_data("A =~ CUEX1 + CUEX2\nB <~ CUSA1 + CUSA2\nB ~ A\n", "m", d, &o, &pw);
    if (st == NL_OK) st = nl_power_run(pw, n, 2);
    long used = nl_alloc_fail_after(0);
    nl_power_free(pw);
    if (st == NL_OK) {
      assert_true(used < k);
      break;
    }
    if (st != NL_ENOMEM) fail_msg("allocation %ld: status %d", k, st);
  }
  nl_pls_data_free(d);
  long done = 0;
  nl_power_options o;
  nl_power_options_default(&o);
  o.reps = 50;
  o.nboot = 10;
  o.progress = cancel_at_5;
  o.progress_user = &done;
  nl_power *pw = NULL;
  assert_int_equal(nl_power_parse(text, "m", &o, &pw), NL_OK);
  assert_int_equal(nl_power_run(pw, n, 2), NL_ECANCELED);
  assert_non_null(strstr(nl_power_errmsg(pw), "canceled after 5 of 100 replications"));
  assert_int_equal(done, 5);
  nl_power_stat x;
  assert_int_equal(nl_power_get(pw, 0, 0, &x), NL_EINVAL);
  nl_power_free(pw);
}

/* `netlearn power args` exits with code and says needle on stderr. */
static void expect_cli(const char *args, int code, const char *needle) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "power %s", args);
  int rc = nl(cmd);
  if (rc != code || !strstr(errbuf, needle))
    fail_msg("netlearn power %s: exit %d (want %d), stderr '%s' (want '%s')", args, rc, code, errbuf, needle);
}

static const char *MODEL = "# a 3-construct model\nEXPLORE =~ 0.8*e1 + 0.7*e2 + 0.7*e3\n"
                           "EXPLOIT <~ 0.6*f1 + 0.5*f2\nf1 ~~ 0.3*f2\nPRODINNO =~ 0.8*p1 + 0.8*p2\n"
                           "EXPLORE ~~ 0.2*EXPLOIT\nPRODINNO ~ 0.3*EXPLORE + 0*EXPLOIT\n";

static void test_cli(void **state) {
  (void)state;
  write_file("model.txt", MODEL);
  write_file("bad.txt", "X =~ 0.8*x1 + 1.5*x2\nY =~ 1*y\nY ~ 0.3*X\n");
  expect_cli("model.txt -o out", 2, "--n N1,N2,... is required");
  expect_cli("model.txt --n 50,abc -o out", 2, "--n: expected comma-separated sample sizes");
  expect_cli("model.txt --n 50,-3 -o out", 2, "--n: expected comma-separated sample sizes");
  expect_cli("model.txt --n 2 -o out --reps 5 --boot 10", 2, "sample size 2 is out of range");
  expect_cli("model.txt --n 50", 2, "-o DIR is required");
  expect_cli("--n 50 -o out", 2, "MODEL is required");
  expect_cli("model.txt other.txt --n 50 -o out", 2, "unexpected argument 'other.txt'");
  expect_cli("model.txt --n 50 -o out --test z", 2, "--test: expected 'percentile' or 't', got 'z'");
  expect_cli("model.txt --n 50 -o out --tails 3", 2, "--tails: 3 is out of range");
  expect_cli("model.txt --n 50 -o out --alpha 0.7", 2, "--alpha: 0.7 is out of range: expected a number in (0, 0.5)");
  expect_cli("model.txt --n 50 -o out --likert 1", 2, "--likert: 1 is out of range");
  expect_cli("model.txt --n 50 -o out --population latent", 2, "--population: expected 'composite' or 'factor'");
  expect_cli("model.txt --n 50 -o out --boot 5", 2, "--boot: 5 is out of range");
  expect_cli("model.txt --n 50 -o out --reps", 2, "--reps: missing value");
  expect_cli("model.txt --n 50 -o out --bogus", 2, "unknown option '--bogus'");
  expect_cli("nope.txt --n 50 -o out", 2, "nope.txt");
  expect_cli("bad.txt --n 50 -o out --population factor", 2, "bad.txt:1:15: construct 'X': loading 1.5 of 'x2'");
  expect_cli("--help", 0, "");
  expect_cli("model.txt --n 50 -o out --data nope.csv", 2, "nope.csv");
  expect_cli("model.txt --n 50 -o out --data x.csv --likert 5", 2, "--data: the data are the population as they are");

  /* identical results on 1 and 2 threads; the files are complete */
  expect_cli("model.txt --n 40,80 --reps 60 --boot 50 --seed 5 --likert 5 -q -o t1 --threads 1", 0, "");
  expect_cli("model.txt --n 40,80 --reps 60 --boot 50 --seed 5 --likert 5 -q -o t2 --threads 2", 0, "");
  const char *files[] = {"power.csv", "min_n.csv", "population_cor.csv", "settings.csv"};
  for (int i = 0; i < 4; i++) same_in("t1", "t2", files[i]);
  file_has("t1/power.csv", "n,from,to,population,power,mc_se,mean_estimate,bias,rmse,coverage",
           "\n80,EXPLORE,PRODINNO,0.3,", "\n40,EXPLOIT,PRODINNO,0,", NULL);
  file_has("t1/min_n.csv", "EXPLORE,PRODINNO,0.3,", NULL);
  file_has("t1/settings.csv", "test,bootstrap percentile interval", NULL);
  file_has("t1/power.svg", "<svg", NULL);
  /* Ctrl-C stops the run: exit 3, nothing written (--foreground: the one SIGINT to netlearn only) */
  assert_int_equal(sh("timeout --foreground --preserve-status -s INT 2",
                      "power model.txt --n 200 --reps 1000000 -o intr"), 3);
  assert_non_null(strstr(errbuf, "interrupted: power analysis canceled after"));
  assert_false(exists("intr/power.csv"));
  /* replications.csv: one row per replication and path, consistent with power.csv */
  expect_cli("model.txt --n 40 --reps 30 --boot 20 --seed 5 -q -o t4 --replications", 0, "");
  char *rep = read_tmp("t4/replications.csv");
  assert_non_null(rep);
  assert_non_null(strstr(rep, "n,replication,from,to,estimate,significant,covered\n40,1,EXPLORE,PRODINNO,"));
  long rows = 0, sig = 0;
  for (char *line = strchr(rep, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
    unsigned long nn, r;
    char from[64], to[64];
    double est;
    int sg, cv;
    assert_int_equal(sscanf(line + 1, "%lu,%lu,%63[^,],%63[^,],%lf,%d,%d", &nn, &r, from, to, &est, &sg, &cv), 7);
    rows++;
    if (!strcmp(from, "EXPLORE") && !strcmp(to, "PRODINNO")) sig += sg;
  }
  assert_int_equal(rows, 30 * 2);
  char want[64];
  snprintf(want, sizeof want, "\n40,EXPLORE,PRODINNO,0.3,%.10g,", (double)sig / 30);
  free(rep);
  file_has("t4/power.csv", want, NULL);
  assert_false(exists("t1/replications.csv")); /* only on request */
  /* the table on stdout says which test was used */
  expect_cli("model.txt --n 40 --reps 20 --boot 20 --test t --tails 1 -o t3", 0, "");
  assert_non_null(strstr(outbuf, "bootstrap t test (1-tailed, alpha 0.05)"));
  file_has("t3/settings.csv", "test,bootstrap t", NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_population), cmocka_unit_test(test_isr_and_rules), cmocka_unit_test(test_bad_models),
      cmocka_unit_test(test_cli),        cmocka_unit_test(test_alloc_failures_and_cancel),
      cmocka_unit_test(test_recovery),   cmocka_unit_test(test_empirical), cmocka_unit_test(test_fisher_z),
  };
  int failed = cmocka_run_group_tests(tests, cli_setup, cli_teardown);
  nl_plot_release_caches(); /* power.svg was drawn in test_alloc_failures_and_cancel */
  return failed;
}
