/*
 * Calibrating coopnet's x_mean and theta (issue 15).
 *
 * 1. Against coopnet measures that respond to them (attention, mean degree, mean tie strength,
 *    kappa, explorative changes; means of 100 runs at x_mean = theta = 0.5 with seed 1001, small
 *    coopnet of 30 firms over 40 periods), calibrated with 40 replications and seed 78 from
 *    (0.3, 0.7): both recovered within 3 SE of the truth. A 95% interval misses the truth in one
 *    data set of 20 by design, so one seed cannot assert it: over 20 data sets (observed seeds
 *    1001-1020, calibration seeds 78-97; docs/calibrate.md) the intervals covered the truth 19
 *    times of 20 for each parameter, and this seed's x_mean interval is one that misses (2.3 SE,
 *    with coopnet's keyed streams, docs/coopnet.md 3.7; it covered with the sequential streams
 *    before). 3 SE fails with probability 0.3% when the standard errors are right.
 *
 * 2. Against the PLS paths of a simulated survey table:
 *
 * The "published" table: the mean of the eight path coefficients of the seed-000 model over 16
 * virtual surveys of a small coopnet (40 firms of 6 members, 60 periods) simulated at the truth
 * x_mean = 0.5, theta = 0.5 with seed 1001 (nl_study_replicate_paths), se = sd / sqrt(16). The
 * calibration starts at (0.3, 0.7) with other random numbers (seed 78).
 *
 * What a suite-sized calibration can and cannot do here was measured (docs/calibrate.md, "What a
 * PLS table tells about coopnet"): standardized path coefficients move by less than 0.05 when
 * x_mean or theta move by 0.1, against a survey-to-survey sd of 0.15-0.2; common random numbers
 * now hold coopnet's runs together (its streams are keyed per decision, docs/coopnet.md 3.7: a
 * replication's paths at two nearby parameter vectors correlate 0.7-0.9, 0.2 before), but that
 * only measures the weak slopes better: at this size the paths do not pin the two parameters down
 * and the Wald intervals are not to be trusted. The test therefore asserts what the tool must then
 * say, not a recovery it cannot make:
 *  - the estimate is in the bounds and its Q no worse than Q at the truth plus 5.99 (the 95%
 *    chi-square(2) cut-off): the optimizer did its job on a rough objective;
 *  - the identification check does not call the parameters identified and names x_mean or theta
 *    as a parameter whose slope it cannot tell from the simulation noise (which of the two depends
 *    on the random numbers and the Jacobian: x_mean with the sequential streams, theta with the
 *    keyed ones and central differences, x_mean with the least-squares Jacobian);
 *  - the public replication function of the study (nl_study_replicate_paths) that builds the
 *    table refuses a path index out of range.
 * The numbers are printed for docs/calibrate.md. Two parameters the paths do respond to, rho and
 * lambda, are recovered from a PLS table in test_calibrate_pls_recovery.c (its own lane: minutes).
 * The table is built by pls_table.h.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "netlearn/netlearn.h"
#include "common/test_scale.h"
#include "calibrate/pls_table.h"


static void test_coopnet_pls_x_mean_theta(void **state) {
  (void)state;
  double scale = nl_test_scale();
  long nobs = 16, R = scale < 1 ? 4 : 8;
  double mean[PLS_TABLE_NPATH], se[PLS_TABLE_NPATH];
  pls_table_observe(40, nobs, 1001, NULL, 0, mean, se); /* coopnet's defaults x_mean = theta = 0.5 */
  char text[8192];
  size_t len = (size_t)snprintf(text, sizeof text,
                                PLS_TABLE_SIM "parameters:\n  x_mean: {bounds: [0.1, 0.9], start: 0.3}\n"
                                              "  theta: {bounds: [0.1, 0.9], start: 0.7}\n"
                                              "replications: %ld\nseed: 78\n"
                                              "optimizer: {method: neldermead, max_evals: %d, starts: 1, step: 0.15}\n"
                                              "inference: {profile_points: 5, jacobian_step: 0.1}\n",
                                40L, R, scale < 1 ? 10 : 30);
  pls_table_targets(text, sizeof text, len, 40, mean, se);
  nl_calib_fit fit;
  nl_calib *c = pls_table_calibrate(text, "coopnet-fit.yaml", "fit", &fit);
  const double truth[2] = {0.5, 0.5};
  double qt;
  { /* Q at the truth, with the calibration's own random numbers */
    double m[PLS_TABLE_NPATH];
    assert_int_equal(nl_calib_moments(c, truth, m, 0), NL_OK);
    qt = 0;
    for (size_t k = 0; k < PLS_TABLE_NPATH; k++) qt += pow((m[k] - mean[k]) / se[k], 2);
  }
  printf("  coopnet PLS (R = %ld, table of %ld surveys): Q = %.2f at the estimate, %.2f at the truth; rank %d, "
         "condition %.3g; %ld evaluations, %.1f s\n",
         R, nobs, fit.objective, qt, fit.rank, fit.condition, fit.evaluations, fit.seconds);
  const char *id = nl_calib_identification(c);
  printf("  identification: %s\n", id);
  for (size_t j = 0; j < 2; j++) {
    nl_calib_estimate e;
    assert_int_equal(nl_calib_estimate_get(c, j, &e), NL_OK);
    printf("  %s: truth %.2f, estimate %.3f, SE %.3f, 95%% CI [%.3f, %.3f]\n", e.name, truth[j], e.estimate, e.se,
           e.ci_low, e.ci_high);
    assert_true(e.estimate >= 0.1 && e.estimate <= 0.9);
  }
  if (scale == 1) {
    assert_true(fit.objective <= qt + 5.99);
    assert_null(strstr(id, "Every parameter is identified"));
    assert_true(strstr(id, "slope in x_mean is measured with noise") || strstr(id, "response to x_mean is lost") ||
                strstr(id, "slope in theta is measured with noise") || strstr(id, "response to theta is lost"));
  }
  nl_calib_free(c);
}

/* The same two parameters against coopnet measures that respond to them: recovery. */
#define CN_MSIM                                                                                                        \
  "simulation:\n  model: coopnet\n  parameters: {firms: 30, size_dist: fixed, n: 6, mP: 8, mQ: 8}\n  seed: 31\n"      \
  "  stop: {until: periods, periods: 40}\n"

static void test_coopnet_measures_x_mean_theta(void **state) {
  (void)state;
  double scale = nl_test_scale();
  static const char *const meas[] = {"attention", "mean_degree", "mean_strength", "kappa", "explorative_changes"};
  enum { NM = 5 };
  long nobs = 100, R = scale < 1 ? 8 : 40;
  nl_scenario *sc = nl_scenario_new();
  assert_int_equal(nl_scenario_load_string(sc, CN_MSIM + strlen("simulation:\n"), "truth.yaml"), NL_OK);
  nl_run_config rc;
  nl_run_config_from_scenario(&rc, sc);
  rc.seed = 1001;
  rc.replications = nobs;
  nl_results *res = nl_results_new();
  assert_int_equal(nl_results_run(res, nl_scenario_params(sc), &rc), NL_OK);
  const nl_model *m = nl_scenario_model(sc);
  char text[8192];
  size_t len = (size_t)snprintf(text, sizeof text,
                                CN_MSIM "parameters:\n  x_mean: {bounds: [0.1, 0.9], start: 0.3}\n"
                                        "  theta: {bounds: [0.1, 0.9], start: 0.7}\n"
                                        "replications: %ld\nseed: 78\n"
                                        "optimizer: {method: neldermead, max_evals: %d, starts: 1, step: 0.15}\n"
                                        "inference: {profile_points: 5, jacobian_step: 0.1}\ntargets:\n",
                                R, scale < 1 ? 10 : 40);
  for (size_t k = 0; k < NM; k++) {
    long idx = nl_model_measure_index(m, meas[k]);
    assert_true(idx >= 0);
    double s = 0, ss = 0;
    for (long i = 0; i < nobs; i++) {
      double v = nl_results_final(res, i)[idx];
      s += v;
      ss += v * v;
    }
    double mean = s / (double)nobs, sd = sqrt((ss - (double)nobs * mean * mean) / (double)(nobs - 1));
    len += (size_t)snprintf(text + len, sizeof text - len, "  - {measure: %s, stat: mean, value: %.17g, se: %.17g}\n",
                            meas[k], mean, sd / sqrt((double)nobs));
  }
  nl_results_free(res);
  nl_scenario_free(sc);
  nl_calib_fit fit;
  nl_calib *c = pls_table_calibrate(text, "coopnet-measures.yaml", "measures", &fit);
  printf("  coopnet measures (R = %ld, observed %ld runs): Q = %.2f, J = %.2f on %ld df (p = %.2f); %ld evaluations, "
         "%.1f s\n",
         R, nobs, fit.objective, fit.J, fit.df, fit.p_value, fit.evaluations, fit.seconds);
  printf("  identification: %s", nl_calib_identification(c));
  const double truth[2] = {0.5, 0.5};
  for (size_t j = 0; j < 2; j++) {
    nl_calib_estimate e;
    assert_int_equal(nl_calib_estimate_get(c, j, &e), NL_OK);
    printf("  %s: truth %.2f, estimate %.4f, SE %.4f, 95%% CI [%.4f, %.4f]\n", e.name, truth[j], e.estimate, e.se,
           e.ci_low, e.ci_high);
    if (scale == 1) assert_true(fabs(e.estimate - truth[j]) < 3 * e.se); /* see the top of the file */
  }
  nl_calib_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_coopnet_measures_x_mean_theta),
                                     cmocka_unit_test(test_coopnet_pls_x_mean_theta)};
  return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}
