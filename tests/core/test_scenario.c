#define _POSIX_C_SOURCE 200809L
/* Scenario parsing: every kind of bad input gets a located, specific message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netlearn/scenario.h"

static const char *good =
    "name: t\n"
    "model: march1991\n"
    "parameters:\n"
    "  m: 40\n"
    "  p1: 0.3\n"
    "  variant: paper\n"
    "replications: 12\n"
    "seed: 18446744073709551615\n"
    "stop: {until: equilibrium, periods: 500}\n"
    "outputs: {series: false, every: 5, measures: [code_knowledge, diversity]}\n";

static void test_good_scenario(void **state) {
  (void)state;
  nl_scenario *sc = nl_scenario_new();
  assert_int_equal(nl_scenario_load_string(sc, good, "good.yaml"), NL_OK);
  assert_string_equal(nl_model_name(nl_scenario_model(sc)), "march1991");
  assert_int_equal(nl_scenario_replications(sc), 12);
  assert_true(nl_scenario_seed(sc) == UINT64_MAX);
  assert_int_equal(nl_scenario_until(sc), NL_UNTIL_EQUILIBRIUM);
  assert_int_equal(nl_scenario_periods(sc), 500);
  assert_int_equal(nl_scenario_series(sc), 0);
  assert_int_equal(nl_scenario_every(sc), 5);
  assert_int_equal(nl_scenario_nmeasures(sc), 2);
  const nl_params *p = nl_scenario_params(sc);
  assert_true(nl_params_get(p, (size_t)nl_model_param_index(nl_scenario_model(sc), "m")) == 40);
  /* --set overrides parameters and run settings. */
  assert_int_equal(nl_scenario_set(sc, "p2", "0.9"), NL_OK);
  assert_int_equal(nl_scenario_set(sc, "parameters.p1", "0.7"), NL_OK);
  assert_int_equal(nl_scenario_set(sc, "replications", "3"), NL_OK);
  assert_int_equal(nl_scenario_set(sc, "periods", "77"), NL_OK);
  assert_int_equal(nl_scenario_set(sc, "until", "periods"), NL_OK);
  assert_int_equal(nl_scenario_set(sc, "seed", "5"), NL_OK);
  assert_true(nl_params_get(p, (size_t)nl_model_param_index(nl_scenario_model(sc), "p1")) == 0.7);
  assert_int_equal(nl_scenario_replications(sc), 3);
  assert_int_equal(nl_scenario_periods(sc), 77);
  assert_int_equal(nl_scenario_until(sc), NL_UNTIL_PERIODS);
  assert_true(nl_scenario_seed(sc) == 5);
  /* The manifest JSON holds every parameter, defaults included. */
  char buf[4096] = {0};
  FILE *f = fmemopen(buf, sizeof buf - 1, "w");
  assert_int_equal(nl_scenario_write_json(sc, f), NL_OK);
  fclose(f);
  assert_non_null(strstr(buf, "\"p1\": 0.7"));
  assert_non_null(strstr(buf, "\"p4\": 0"));
  assert_non_null(strstr(buf, "\"variant\": \"paper\""));
  assert_non_null(strstr(buf, "\"measures\": [\"code_knowledge\", \"diversity\"]"));
  nl_scenario_free(sc);
  nl_scenario_free(NULL);
}

/* Load `text` and check the status and that the message contains every fragment. */
static void expect_error(const char *text, nl_status want, const char *f1, const char *f2) {
  nl_scenario *sc = nl_scenario_new();
  nl_status st = nl_scenario_load_string(sc, text, "bad.yaml");
  const char *msg = nl_scenario_errmsg(sc);
  if (st != want) fail_msg("status %d, want %d; message: %s", st, want, msg);
  if (f1 && !strstr(msg, f1)) fail_msg("message lacks '%s': %s", f1, msg);
  if (f2 && !strstr(msg, f2)) fail_msg("message lacks '%s': %s", f2, msg);
  nl_scenario_free(sc);
}

static void test_bad_inputs(void **state) {
  (void)state;
  /* Malformed YAML: located by the parser. */
  expect_error("model: march1991\nparameters: [1, 2\n", NL_EPARSE, "bad.yaml:", "malformed YAML");
  expect_error("model: march1991\n  p1: : :\n", NL_EPARSE, "bad.yaml:2:", NULL);
  /* A second document was ignored: the run used the first one's settings only. */
  expect_error("model: march1991\n---\nmodel: lazer2007\nreplications: 3\n", NL_EPARSE,
               "bad.yaml:3:1: a second YAML document", NULL);
  expect_error("---\nmodel: march1991\n...\n---\nreplications: 3\n", NL_EPARSE, "bad.yaml:5:1: a second YAML document",
               NULL);
  /* Not a mapping at the top. */
  expect_error("- a\n- b\n", NL_EPARSE, "expected a mapping", NULL);
  /* Missing / unknown model, with suggestion. */
  expect_error("replications: 3\n", NL_EINVAL, "missing key 'model'", NULL);
  expect_error("model: march1919\n", NL_EINVAL, "bad.yaml:1:8: unknown model 'march1919'", "did you mean 'march1991'");
  /* Unknown / misspelt keys, with suggestions and locations. */
  expect_error("model: march1991\nreplicatons: 3\n", NL_EINVAL, "bad.yaml:2:1: unknown key 'replicatons'",
               "did you mean 'replications'");
  expect_error("model: march1991\nparameters:\n  p11: 0.2\n", NL_EINVAL, "bad.yaml:3:3: unknown parameter 'p11'",
               "did you mean 'p1'");
  expect_error("model: march1991\np1: 0.2\n", NL_EINVAL, "bad.yaml:2:1:", "put it under 'parameters:'");
  expect_error("model: march1991\nstop: {untl: equilibrium}\n", NL_EINVAL, "unknown key 'untl' in 'stop'",
               "did you mean 'until'");
  expect_error("model: march1991\noutputs: {measures: [code_knowledg]}\n", NL_EINVAL, "unknown measure 'code_knowledg'",
               "did you mean 'code_knowledge'");
  /* Wrong types. */
  expect_error("model: march1991\nparameters:\n  p1: high\n", NL_EINVAL, "bad.yaml:3:7:", "expects a number, got 'high'");
  expect_error("model: march1991\nparameters:\n  n: 10.5\n", NL_EINVAL, "bad.yaml:3:6:", "expects an integer");
  expect_error("model: march1991\nparameters:\n  p1: [0.1, 0.2]\n", NL_EINVAL, "key 'p1'", "expected a single value");
  expect_error("model: march1991\nparameters: 3\n", NL_EINVAL, "key 'parameters'", "expected a mapping");
  expect_error("model: march1991\nreplications: many\n", NL_EINVAL, "bad.yaml:2:15:", "expected an integer");
  expect_error("model: march1991\nseed: -4\n", NL_EINVAL, "key 'seed'", "non-negative");
  expect_error("model: march1991\nstop: {until: forever}\n", NL_EINVAL, "expected 'equilibrium' or 'periods'", NULL);
  expect_error("model: march1991\noutputs: {series: maybe}\n", NL_EINVAL, "expected true or false", NULL);
  /* Out of range. */
  expect_error("model: march1991\nparameters:\n  p1: 1.5\n", NL_ERANGE, "bad.yaml:3:7:", "out of range");
  expect_error("model: march1991\nparameters:\n  m: 0\n", NL_ERANGE, "bad.yaml:3:6:", "[1, 1000000]");
  expect_error("model: march1991\nreplications: 0\n", NL_ERANGE, "bad.yaml:2:15:", "out of range");
  expect_error("model: march1991\nstop: {periods: -1}\n", NL_ERANGE, "key 'periods'", NULL);
  /* Cross-parameter constraint. */
  expect_error("model: march1991\nparameters: {fast_share: 0.33}\n", NL_EINVAL, "bad.yaml", "whole number");
  /* Invalid UTF-8 is refused before the YAML parser sees it (libfyaml 0.7.12 hangs on it inside a
   * directive line: found by tests/fuzz/fuzz_scenario.c). */
  expect_error("model: march1991\n%  b:\x9f\n", NL_EPARSE, "bad.yaml:2:6:", "not valid UTF-8");
  expect_error("model: \xc3\x28\n", NL_EPARSE, "bad.yaml:1:8:", "not valid UTF-8");
  expect_error("name: \xed\xa0\x80\nmodel: march1991\n", NL_EPARSE, "bad.yaml:1:7:", "not valid UTF-8");
  /* Duplicate keys are refused by the YAML layer. */
  expect_error("model: march1991\nseed: 1\nseed: 2\n", NL_EPARSE, "bad.yaml:", "duplicate key");
}

static void test_set_errors(void **state) {
  (void)state;
  nl_scenario *sc = nl_scenario_new();
  assert_int_equal(nl_scenario_load_string(sc, "model: march1991\n", "s.yaml"), NL_OK);
  assert_int_equal(nl_scenario_set(sc, "p1", "2"), NL_ERANGE);
  assert_non_null(strstr(nl_scenario_errmsg(sc), "--set p1=2"));
  assert_int_equal(nl_scenario_set(sc, "q1", "0.5"), NL_EINVAL);
  assert_non_null(strstr(nl_scenario_errmsg(sc), "unknown parameter 'q1'"));
  assert_int_equal(nl_scenario_set(sc, "replications", "0"), NL_ERANGE);
  assert_int_equal(nl_scenario_set(sc, "replications", "x"), NL_EINVAL);
  assert_int_equal(nl_scenario_set(sc, "seed", "-1"), NL_EINVAL);
  assert_int_equal(nl_scenario_set(sc, "until", "soon"), NL_EINVAL);
  /* Overrides are checked together: their order never matters. 0.3 * 50 = 15 individuals is fine,
   * 0.3 * 45 = 13.5 is not, whichever --set comes first. */
  assert_int_equal(nl_scenario_set(sc, "fast_share", "0.3"), NL_OK);
  assert_int_equal(nl_scenario_set(sc, "n", "45"), NL_OK);
  assert_int_equal(nl_scenario_validate(sc), NL_EINVAL);
  assert_non_null(strstr(nl_scenario_errmsg(sc), "whole number"));
  assert_int_equal(nl_scenario_set(sc, "n", "40"), NL_OK);
  assert_int_equal(nl_scenario_validate(sc), NL_OK);
  nl_scenario_free(sc);
}

static void test_unreadable_file(void **state) {
  (void)state;
  nl_scenario *sc = nl_scenario_new();
  assert_int_equal(nl_scenario_load_file(sc, "/nonexistent/dir/scenario.yaml"), NL_EIO);
  assert_non_null(strstr(nl_scenario_errmsg(sc), "/nonexistent/dir/scenario.yaml: cannot open"));
  assert_int_equal(nl_scenario_load_file(sc, "/"), NL_EIO); /* a directory */
  nl_scenario_free(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_good_scenario), cmocka_unit_test(test_bad_inputs),
                                     cmocka_unit_test(test_set_errors), cmocka_unit_test(test_unreadable_file)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
