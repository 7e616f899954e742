/*
 * Recovering two coopnet parameters from the PLS paths of a simulated survey table (issue 15).
 *
 * The truth: routine refinement rho = 0.025 (coopnet 2's R mechanism) and partner search lambda =
 * 0.075, the other parameters at coopnet's defaults. The "published" table: the eight paths of
 * the seed-000 model, means over NOBS = 32 virtual surveys of 160 firms (6 members, 8 + 8
 * dimensions, 60 periods, every firm surveyed over the last 30) with seed 5001, se = sd /
 * sqrt(32) (pls_table.h). Calibrated with 200 replications per evaluation and other random
 * numbers (seed 78) from (0.075, 0.2) in the bounds [0, 0.1] x [0, 0.3], Nelder-Mead from two
 * starts.
 *
 * Why these two and these values (measured, docs/calibrate.md "What a PLS table tells about
 * coopnet"): of coopnet's parameters, they are the ones whose paths respond steeply and on paths
 * of their own. rho drives EXPLOIT -> PROCINNO (0.012, 0.048, 0.084, 0.101 at rho = 0, 0.025,
 * 0.05, 0.1; 100 surveys of 160 firms each) and lowers EXPLORE -> PROCINNO; lambda drives
 * EXPLORE -> NETCOLLAB (0.026, 0.116, 0.148, 0.174 at lambda = 0, 0.1, 0.2, 0.3) and lowers
 * EXPLOIT -> NETCOLLAB. Both responses flatten above those ranges (rho above 0.1), and the paths
 * barely respond to x_mean and theta (test_calibrate_coopnet.c), so the truth lies where the
 * paths can tell the parameters.
 *
 * Asserted (this is the first of the 15 data sets of docs/calibrate.md's coverage study, not a
 * chosen one: rho 0.0385, SE 0.0165; lambda 0.0899, SE 0.0358): both parameters within 2 SE of the
 * truth, with 95% intervals covering it; the Jacobian of full rank; J's p-value above 0.01 (the
 * table comes from the model); the estimate's Q no worse than Q at the truth. Over the 15 data sets
 * (table seeds 5001-5015, calibration seeds 78-92) the intervals covered the truth 14 times for rho
 * and 11 for lambda: the responses flatten above the truth, so the estimates lean upwards and
 * lambda's SE understates its spread by about 1.4 (docs/calibrate.md says so to the user).
 *
 * Cost: about 118 evaluations (100 simulated) of 200 replications of a 160-firm coopnet, 200 s of CPU, so the test
 * has its own lane (ctest label `recovery`, `make check-recovery`, run by CI; not part of `make
 * test`). NL_TEST_SCALE < 1 runs a smaller version that asserts only that it runs.
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

#include "netlearn/netlearn.h"
#include "calibrate/pls_table.h"
#include "common/test_scale.h"

static void test_rho_lambda(void **state) {
  (void)state;
  double scale = nl_test_scale();
  const long firms = scale < 1 ? 40 : 160, nobs = scale < 1 ? 8 : 32, R = scale < 1 ? 10 : 200;
  static const char *const truth_set[][2] = {{"rho", "0.025"}, {"lambda", "0.075"}};
  const double truth[2] = {0.025, 0.075};
  double mean[PLS_TABLE_NPATH], se[PLS_TABLE_NPATH];
  pls_table_observe(firms, nobs, 5001, truth_set, 2, mean, se);
  char text[8192];
  size_t len = (size_t)snprintf(text, sizeof text,
                                PLS_TABLE_SIM "parameters:\n  rho: {bounds: [0, 0.1], start: 0.075}\n"
                                              "  lambda: {bounds: [0, 0.3], start: 0.2}\n"
                                              "replications: %ld\nseed: 78\n"
                                              "optimizer: {method: neldermead, max_evals: %d, starts: 2}\n"
                                              "inference: {profile_points: 5, jacobian_step: 0.05}\n",
                                firms, R, scale < 1 ? 12 : 80);
  pls_table_targets(text, sizeof text, len, firms, mean, se);

  nl_calib_fit fit;
  nl_calib *c = pls_table_calibrate(text, "coopnet-rho-lambda.yaml", "fit", &fit);
  double qt = 0, m[PLS_TABLE_NPATH];
  assert_int_equal(nl_calib_moments(c, truth, m, 0), NL_OK); /* Q at the truth, same random numbers */
  for (size_t k = 0; k < PLS_TABLE_NPATH; k++) qt += pow((m[k] - mean[k]) / se[k], 2);
  printf("  table of %ld surveys of %ld firms, R = %ld: Q = %.2f at the estimate, %.2f at the truth; J = %.2f on "
         "%ld df (p = %.3f); rank %d, condition %.3g; %ld evaluations, %.1f s\n",
         nobs, firms, R, fit.objective, qt, fit.J, fit.df, fit.p_value, fit.rank, fit.condition, fit.evaluations,
         fit.seconds);
  printf("  identification: %s\n", nl_calib_identification(c));
  for (size_t j = 0; j < 2; j++) {
    nl_calib_estimate e;
    assert_int_equal(nl_calib_estimate_get(c, j, &e), NL_OK);
    printf("  %s: truth %.3f, estimate %.4f, SE %.4f, 95%% CI [%.4f, %.4f] (%.2f SE off)\n", e.name, truth[j],
           e.estimate, e.se, e.ci_low, e.ci_high, (e.estimate - truth[j]) / e.se);
    assert_true(e.estimate >= e.lower && e.estimate <= e.upper);
    if (scale == 1) {
      assert_true(isfinite(e.se) && e.se > 0);
      assert_true(fabs(e.estimate - truth[j]) < 2 * e.se);
      assert_true(e.ci_low < truth[j] && truth[j] < e.ci_high);
      assert_false(e.at_bound);
    }
  }
  if (scale == 1) {
    assert_int_equal(fit.rank, 2);
    assert_true(fit.p_value > 0.01);
    assert_true(fit.objective <= qt + 1e-9);
  }
  nl_calib_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_rho_lambda)};
  return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}
