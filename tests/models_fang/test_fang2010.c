/*
 * fang2010: the headline of Fang, Lee & Schilling (2010, Organization Science 21(3), abstract and
 * their figure of equilibrium knowledge against the cross-group linking rate): "moderate levels
 * of cross-group linking lead to the highest equilibrium performance". The paper's own figure
 * values could not be checked against the text (see docs/fang2010.md), so the claim is tested as
 * an ordering with a stated criterion: equilibrium knowledge at a moderate rate (r = 0.3) exceeds
 * both isolated subgroups (r = 0) and a fully rewired network (r = 1) by more than 3 standard
 * errors of the paired difference (the same seed gives every rate the same reality and initial
 * beliefs). R = 100 replications per rate (NL_TEST_SCALE: fewer, at least 50), each run to
 * equilibrium. Subgroups of 7 (r = 0, 0.01, 0.3, 1) and of 28 (r = 0, 0.01, 1).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netlearn/netlearn.h"
#include "common/params_kv.h"
#include "common/test_scale.h"

/* Replications per rate: 100, or NL_TEST_SCALE of them (the sanitizer build), at least 50. The
 * weakest criterion, r = 0.3 above r = 1, stands at 6.9 SE with 100 (4.9 expected with 50); the seed
 * is fixed, so the scaled run passes or fails reproducibly. */
enum { RMAX = 100 };
static int R = RMAX;

static void run(const char *const *kv, const char *measure, double *out, double *periods) {
  const nl_model *m = nl_model_find("fang2010");
  assert_non_null(m);
  nl_params *p = nl_params_new(m);
  nl_test_params_set(p, kv);
  if (nl_params_validate(p)) fail_msg("%s", nl_params_errmsg(p));
  nl_results *res = nl_results_new();
  nl_run_config cfg = {.seed = 2010, .replications = R, .until = NL_UNTIL_EQUILIBRIUM, .periods = 5000, .every = 1000};
  if (nl_results_run(res, p, &cfg)) fail_msg("%s", nl_results_errmsg(res));
  long mi = nl_model_measure_index(m, measure);
  assert_true(mi >= 0);
  double per = 0;
  for (long r = 0; r < R; r++) {
    if (!nl_results_equilibrium(res, r)) fail_msg("replication %ld did not reach equilibrium", r);
    out[r] = nl_results_final(res, r)[mi];
    per += (double)nl_results_periods(res, r);
  }
  if (periods) *periods = per / R;
  nl_results_free(res);
  nl_params_free(p);
}

static double mean(const double *a) {
  double s = 0;
  for (int r = 0; r < R; r++) s += a[r];
  return s / R;
}

static void expect_greater(const char *what, const double *a, const double *b) {
  double d = 0, ss = 0;
  for (int r = 0; r < R; r++) d += a[r] - b[r];
  d /= R;
  for (int r = 0; r < R; r++) ss += (a[r] - b[r] - d) * (a[r] - b[r] - d);
  double se = sqrt(ss / (R - 1)) / sqrt((double)R);
  printf("  %-40s diff %+.4f  SE %.4f  (%.1f SE)\n", what, d, se, d / se);
  if (!(d > 3 * se)) fail_msg("%s: difference %.4f is not above 3 SE = %.4f", what, d, 3 * se);
}

static void test_headline(void **unused) {
  (void)unused;
  static double k0[RMAX], k001[RMAX], k03[RMAX], k1[RMAX];
  double p0, p001, p03, p1;
  run((const char *[]){"r=0", NULL}, "knowledge", k0, &p0);
  run((const char *[]){"r=0.01", NULL}, "knowledge", k001, &p001);
  run((const char *[]){"r=0.3", NULL}, "knowledge", k03, &p03);
  run((const char *[]){"r=1", NULL}, "knowledge", k1, &p1);
  printf("  equilibrium knowledge (periods): r=0 %.4f (%.0f)  r=0.01 %.4f (%.0f)  r=0.3 %.4f (%.0f)  r=1 %.4f (%.0f)\n",
         mean(k0), p0, mean(k001), p001, mean(k03), p03, mean(k1), p1);
  expect_greater("r=0.3 > r=0 (isolated subgroups)", k03, k0);
  expect_greater("r=0.3 > r=0.01", k03, k001);
  expect_greater("r=0.3 > r=1 (fully rewired)", k03, k1);
}

/* The same inverted U with subgroups of 28 (10 subgroups), where the peak sits at a lower rate and
 * the fall toward a random network is larger (docs/fang2010.md: 0.413, 0.994, 0.917). */
static void test_headline_large_groups(void **unused) {
  (void)unused;
  static double k0[RMAX], k001[RMAX], k1[RMAX];
  run((const char *[]){"group_size=28", "r=0", NULL}, "knowledge", k0, NULL);
  run((const char *[]){"group_size=28", "r=0.01", NULL}, "knowledge", k001, NULL);
  run((const char *[]){"group_size=28", "r=1", NULL}, "knowledge", k1, NULL);
  printf("  subgroups of 28: r=0 %.4f  r=0.01 %.4f  r=1 %.4f\n", mean(k0), mean(k001), mean(k1));
  expect_greater("28: r=0.01 > r=0 (isolated subgroups)", k001, k0);
  expect_greater("28: r=0.01 > r=1 (fully rewired)", k001, k1);
}

/* The paper's robustness claim for personnel turnover: with turnover (p3 = 0.01; subgroups of 14)
 * runs never settle, so knowledge is compared at period 300 (stationary by then: docs/fang2010.md);
 * moderate linking (r = 0.1) still beats isolated subgroups and a random network. */
static void test_headline_turnover(void **unused) {
  (void)unused;
  static double k0[RMAX], k01[RMAX], k1[RMAX];
  const nl_model *m = nl_model_find("fang2010");
  const char *rates[] = {"0", "0.1", "1"};
  double *outs[] = {k0, k01, k1};
  for (int c = 0; c < 3; c++) {
    nl_params *p = nl_params_new(m);
    assert_int_equal(nl_params_set_text(p, "group_size", "14"), NL_OK);
    assert_int_equal(nl_params_set_text(p, "p3", "0.01"), NL_OK);
    assert_int_equal(nl_params_set_text(p, "r", rates[c]), NL_OK);
    nl_results *res = nl_results_new();
    nl_run_config cfg = {.seed = 2010, .replications = R, .until = NL_UNTIL_PERIODS, .periods = 300, .every = 100};
    if (nl_results_run(res, p, &cfg)) fail_msg("%s", nl_results_errmsg(res));
    long mi = nl_model_measure_index(m, "knowledge");
    for (long r = 0; r < R; r++) outs[c][r] = nl_results_final(res, r)[mi];
    nl_results_free(res);
    nl_params_free(p);
  }
  printf("  turnover 0.01, subgroups of 14, t=300: r=0 %.4f  r=0.1 %.4f  r=1 %.4f\n", mean(k0), mean(k01), mean(k1));
  expect_greater("turnover: r=0.1 > r=0", k01, k0);
  expect_greater("turnover: r=0.1 > r=1", k01, k1);
}

/* The structure: the share of cross-group ties follows r; r = 0 keeps the subgroups isolated. */
static void test_structure(void **unused) {
  (void)unused;
  static double c0[RMAX], c3[RMAX];
  run((const char *[]){"r=0", "m=30", NULL}, "cross_links", c0, NULL);
  run((const char *[]){"r=0.3", "m=30", NULL}, "cross_links", c3, NULL);
  assert_true(mean(c0) == 0);
  /* 280 * 6 / 2 = 840 ties per run: the mean share over R runs has SE sqrt(.3 * .7 / 840 / R) */
  double se = sqrt(0.3 * 0.7 / 840.0 / R);
  printf("  cross-group share at r = 0.3: %.4f (SE %.4f)\n", mean(c3), se);
  assert_true(fabs(mean(c3) - 0.3) < 4 * se);
}

static void test_params_and_file(void **unused) {
  (void)unused;
  const nl_model *m = nl_model_find("fang2010");
  nl_params *p = nl_params_new(m);
  assert_int_equal(nl_params_set_text(p, "group_size", "9"), NL_OK);
  assert_int_equal(nl_params_validate(p), NL_EINVAL); /* 280 is not a multiple of 9 */
  assert_int_equal(nl_params_set_text(p, "group_size", "7"), NL_OK);
  assert_int_equal(nl_params_set_text(p, "n", "100"), NL_OK);
  assert_int_equal(nl_params_set_text(p, "group_size", "100"), NL_OK);
  assert_int_equal(nl_params_validate(p), NL_EINVAL); /* one subgroup cannot link across */
  assert_int_equal(nl_params_set_text(p, "network_file", NL_SOURCE_DIR "/examples/networks/ring100.csv"), NL_OK);
  assert_int_equal(nl_params_validate(p), NL_OK);
  nl_sim *s = nl_sim_new(p);
  assert_non_null(s);
  if (nl_sim_status(s)) fail_msg("%s", nl_sim_errmsg(s));
  assert_int_equal(nl_sim_reset(s, 1, 0), NL_OK);
  for (int t = 0; t < 50; t++) assert_int_equal(nl_sim_step(s), NL_OK);
  nl_sim_free(s);
  assert_int_equal(nl_params_set_text(p, "network_file", NL_SOURCE_DIR "/tests/network/data/missing.csv"), NL_OK);
  s = nl_sim_new(p);
  assert_non_null(s);
  assert_int_equal(nl_sim_status(s), NL_EIO);
  if (!strstr(nl_sim_errmsg(s), "missing.csv: cannot open")) fail_msg("message: %s", nl_sim_errmsg(s));
  nl_sim_free(s);
  nl_params_free(p);
}

int main(void) {
  R = (int)nl_test_scaled(RMAX, 50);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_headline),
      cmocka_unit_test(test_headline_large_groups),
      cmocka_unit_test(test_headline_turnover),
      cmocka_unit_test(test_structure),
      cmocka_unit_test(test_params_and_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
