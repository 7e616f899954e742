/* Explicit designs (nl_design_build_points: duplicates merged, per-point replications, rounding
 * and clamping) and reading single run values back from the store (nl_store_run_values), checked
 * against the same runs made directly with nl_results_run. */
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

#include "netlearn/experiment.h"
#include "netlearn/netlearn.h"

static const char *scenario_text = "model: march1991\n"
                                   "parameters: {m: 12, n: 10, p1: 0.1, p2: 0.5}\n"
                                   "replications: 2\n"
                                   "seed: 5\n"
                                   "stop: {until: periods, periods: 20}\n"
                                   "outputs: {series: true, every: 5}\n";

static void test_points_and_values(void **state) {
  (void)state;
  nl_scenario *sc = nl_scenario_new();
  nl_design *d = nl_design_new();
  nl_store *st = NULL;
  assert_int_equal(nl_scenario_load_string(sc, scenario_text, "s.yaml"), NL_OK);
  const nl_model *m = nl_scenario_model(sc);
  size_t param[2] = {(size_t)nl_model_param_index(m, "p1"), (size_t)nl_model_param_index(m, "n")};
  /* rows: a point, its duplicate asking 4 replications, n 7.6 -> 8, p1 2 -> clamped to 1 */
  double values[4 * 2] = {0.1, 10, 0.1, 10, 0.3, 7.6, 2.0, 10};
  long reps[4] = {2, 4, 2, 3};
  size_t index[4];
  assert_int_equal(nl_design_build_points(d, sc, 2, param, 4, values, reps, index), NL_OK);
  assert_int_equal(nl_design_npoints(d), 3);
  assert_int_equal(index[0], 0);
  assert_int_equal(index[1], 0);
  assert_int_equal(index[2], 1);
  assert_int_equal(index[3], 2);
  assert_int_equal(nl_design_point_replications(d, 0), 4);
  assert_int_equal(nl_design_point_replications(d, 1), 2);
  assert_int_equal(nl_design_point_replications(d, 2), 3);
  assert_true(nl_params_get(nl_design_params(d, 1), param[1]) == 8);
  assert_true(nl_params_get(nl_design_params(d, 2), param[0]) == 1);

  char dir[] = "/tmp/nl_sens_storeXXXXXX", path[256];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/results.db", dir);
  assert_int_equal(nl_store_open(path, NL_STORE_CREATE, 100, &st), NL_OK);
  char *argv[] = {"test", NULL};
  assert_int_equal(nl_store_bind(st, d, 1, argv, 1, 1), NL_OK);
  long *pairs = NULL, n = 0, total = 0;
  assert_int_equal(nl_store_pending(st, &pairs, &n, &total), NL_OK);
  assert_int_equal(total, 9);
  assert_int_equal(n, 9);
  double v[6];
  assert_int_equal(nl_store_run_values(st, 0, 0, -1, 0, 2, v), NL_OK);
  assert_true(isnan(v[0]) && isnan(v[1])); /* not run yet */
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = 2;
  assert_int_equal(nl_experiment_run(st, d, &cfg, pairs, n), NL_OK);
  nl_free(pairs);

  /* the same runs made directly: replication r of point 0 */
  nl_results *res = nl_results_new();
  cfg.replications = 4;
  assert_int_equal(nl_results_run(res, nl_design_params(d, 0), &cfg), NL_OK);
  size_t code = (size_t)nl_model_measure_index(m, "code_knowledge");
  assert_int_equal(nl_store_run_values(st, 0, code, -1, 0, 6, v), NL_OK);
  for (long r = 0; r < 4; r++) assert_true(v[r] == nl_results_final(res, r)[code]);
  assert_true(isnan(v[4]) && isnan(v[5])); /* no such replications */
  assert_int_equal(nl_store_run_values(st, 0, code, 10, 0, 4, v), NL_OK);
  for (long r = 0; r < 4; r++) {
    long k = 0;
    while (nl_results_row_period(res, r, k) != 10) k++;
    assert_true(v[r] == nl_results_row(res, r, k)[code]);
  }
  /* a period between records: the last recorded one before it (period 10 again) */
  double w[4];
  assert_int_equal(nl_store_run_values(st, 0, code, 12, 0, 4, w), NL_OK);
  assert_memory_equal(v, w, sizeof w);
  assert_int_equal(nl_store_run_values(st, 3, code, -1, 0, 1, v), NL_EINVAL);
  nl_results_free(res);
  nl_store_free(st);
  /* an invalid point: validation names the row */
  double bad[2] = {0.1, 0};
  assert_int_equal(nl_design_build_points(d, sc, 2, param, 1, bad, NULL, NULL), NL_OK); /* n clamped to 1 */
  assert_true(nl_params_get(nl_design_params(d, 0), param[1]) == 1);
  nl_design_free(d);
  nl_scenario_free(sc);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_points_and_values)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
