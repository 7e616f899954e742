/* The `sweep:` section and designs: grids, ranges, Latin hypercubes, one-factor-at-a-time, point
 * identity by parameter values, and every bad sweep with its located message. */
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

#include "common/fault_alloc.h"
#include "netlearn/experiment.h"
#include "netlearn/netlearn.h"

static const char *head = "model: march1991\nreplications: 4\nseed: 3\n";

/* Load head + body; returns the scenario (caller frees) or fails the test. */
static nl_scenario *load(const char *body) {
  char text[4096];
  snprintf(text, sizeof text, "%s%s", head, body);
  nl_scenario *sc = nl_scenario_new();
  assert_non_null(sc);
  nl_status st = nl_scenario_load_string(sc, text, "s.yaml");
  if (st) fail_msg("unexpected error: %s", nl_scenario_errmsg(sc));
  return sc;
}

static void expect_error(const char *body, nl_status want, const char *f1, const char *f2) {
  char text[4096];
  snprintf(text, sizeof text, "%s%s", head, body);
  nl_scenario *sc = nl_scenario_new();
  nl_status st = nl_scenario_load_string(sc, text, "s.yaml");
  if (st != want) fail_msg("status %d (want %d) for:\n%s\nmessage: %s", st, want, body, nl_scenario_errmsg(sc));
  if (f1 && !strstr(nl_scenario_errmsg(sc), f1)) fail_msg("message lacks '%s': %s", f1, nl_scenario_errmsg(sc));
  if (f2 && !strstr(nl_scenario_errmsg(sc), f2)) fail_msg("message lacks '%s': %s", f2, nl_scenario_errmsg(sc));
  nl_scenario_free(sc);
}

static double pval(const nl_design *d, size_t i, const char *name) {
  const nl_params *p = nl_design_params(d, i);
  return nl_params_get(p, (size_t)nl_model_param_index(nl_params_model(p), name));
}

static void test_no_sweep_is_one_point(void **state) {
  (void)state;
  nl_scenario *sc = load("parameters: {p1: 0.3}\n");
  assert_int_equal(nl_scenario_design(sc), NL_DESIGN_NONE);
  nl_design *d = nl_design_new();
  assert_int_equal(nl_design_build(d, sc, 0), NL_OK);
  assert_int_equal(nl_design_npoints(d), 1);
  assert_int_equal(nl_design_nswept(d), 0);
  assert_true(fabs(pval(d, 0, "p1") - 0.3) < 1e-15);
  assert_non_null(strstr(nl_design_key(d, 0), "p1=0.3;"));
  nl_design_free(d);
  nl_scenario_free(sc);
}

static void test_grid(void **state) {
  (void)state;
  nl_scenario *sc = load("sweep:\n  parameters:\n    p2: [0.1, 0.5, 0.9]\n    p1: {from: 0.1, to: 0.9, step: 0.1}\n");
  assert_int_equal(nl_scenario_design(sc), NL_DESIGN_GRID);
  assert_int_equal(nl_scenario_nfactors(sc), 2);
  assert_int_equal(nl_scenario_factor_nvalues(sc, 1), 9);
  /* Ranges give the short decimal values, not accumulated binary error. */
  assert_string_equal(nl_scenario_factor_value(sc, 1, 2), "0.3");
  assert_string_equal(nl_scenario_factor_value(sc, 1, 6), "0.7");
  assert_string_equal(nl_scenario_factor_value(sc, 1, 8), "0.9");
  assert_true(nl_scenario_design_size(sc) == 27);
  nl_design *d = nl_design_new();
  assert_int_equal(nl_design_build(d, sc, 0), NL_OK);
  assert_int_equal(nl_design_npoints(d), 27);
  assert_int_equal(nl_design_replications(d), 4);
  /* First factor slowest. */
  assert_true(pval(d, 0, "p2") == 0.1 && pval(d, 0, "p1") == 0.1);
  assert_true(pval(d, 1, "p2") == 0.1 && pval(d, 1, "p1") == 0.2);
  assert_true(pval(d, 9, "p2") == 0.5 && pval(d, 9, "p1") == 0.1);
  assert_true(pval(d, 26, "p2") == 0.9 && pval(d, 26, "p1") == 0.9);
  /* Keys are unique and name every parameter. */
  for (size_t i = 0; i < 27; i++)
    for (size_t j = i + 1; j < 27; j++) assert_string_not_equal(nl_design_key(d, i), nl_design_key(d, j));
  assert_non_null(strstr(nl_design_key(d, 26), "variant=original;m=30;n=50;p1=0.9;p2=0.9;"));
  /* Design size limit. */
  assert_int_equal(nl_design_build(d, sc, 20), NL_ERANGE);
  assert_non_null(strstr(nl_design_errmsg(d), "27 design points"));
  nl_design_free(d);
  nl_scenario_free(sc);
}

/* Extending a range or list keeps the existing points' keys: identity is by values. */
static void test_identity_by_values(void **state) {
  (void)state;
  nl_scenario *a = load("sweep:\n  parameters:\n    p1: {from: 0.1, to: 0.5, step: 0.1}\n    p2: [0.5]\n");
  nl_scenario *b = load("sweep:\n  parameters:\n    p1: {from: 0.1, to: 0.9, step: 0.1}\n    p2: [0.9, 0.5]\n");
  nl_design *da = nl_design_new(), *db = nl_design_new();
  assert_int_equal(nl_design_build(da, a, 0), NL_OK);
  assert_int_equal(nl_design_build(db, b, 0), NL_OK);
  assert_int_equal(nl_design_npoints(da), 5);
  assert_int_equal(nl_design_npoints(db), 18);
  for (size_t i = 0; i < 5; i++) {
    int found = 0;
    for (size_t j = 0; j < 18; j++) found += strcmp(nl_design_key(da, i), nl_design_key(db, j)) == 0;
    if (found != 1) fail_msg("point %s of the small grid is not in the extended grid", nl_design_key(da, i));
  }
  assert_true(nl_point_hash(nl_design_key(da, 0)) != nl_point_hash(nl_design_key(da, 1)));
  nl_design_free(da);
  nl_design_free(db);
  nl_scenario_free(a);
  nl_scenario_free(b);
}

static void test_choice_bool_int_and_duplicates(void **state) {
  (void)state;
  /* Every parameter type is sweepable; the same point twice is merged. */
  nl_scenario *sc = load("parameters: {p1: 0.5}\nsweep:\n  parameters:\n    variant: [original, paper]\n"
                         "    n: {from: 10, to: 30, step: 10}\n    p1: 0.5\n");
  nl_design *d = nl_design_new();
  assert_int_equal(nl_design_build(d, sc, 0), NL_OK);
  assert_int_equal(nl_design_npoints(d), 6);
  assert_true(pval(d, 5, "n") == 30 && pval(d, 5, "variant") == 1);
  nl_design_free(d);
  nl_scenario_free(sc);
  /* Descending range with a negative step. */
  sc = load("sweep:\n  parameters:\n    p1: {from: 0.9, to: 0.5, step: -0.2}\n");
  assert_int_equal(nl_scenario_factor_nvalues(sc, 0), 3);
  assert_string_equal(nl_scenario_factor_value(sc, 0, 2), "0.5");
  nl_scenario_free(sc);
}

static void test_ofat(void **state) {
  (void)state;
  nl_scenario *sc = load("parameters: {p1: 0.1, p2: 0.5}\nsweep:\n  design: ofat\n  parameters:\n"
                         "    p1: [0.1, 0.5, 0.9]\n    p2: [0.1, 0.5]\n");
  nl_design *d = nl_design_new();
  assert_int_equal(nl_design_build(d, sc, 0), NL_OK);
  /* base (0.1, 0.5); p1 0.5, 0.9 (0.1 is the base); p2 0.1 (0.5 is the base) */
  assert_int_equal(nl_design_npoints(d), 4);
  assert_true(pval(d, 0, "p1") == 0.1 && pval(d, 0, "p2") == 0.5);
  assert_true(pval(d, 1, "p1") == 0.5 && pval(d, 1, "p2") == 0.5);
  assert_true(pval(d, 2, "p1") == 0.9 && pval(d, 2, "p2") == 0.5);
  assert_true(pval(d, 3, "p1") == 0.1 && pval(d, 3, "p2") == 0.1);
  nl_design_free(d);
  nl_scenario_free(sc);
}

static void test_lhs(void **state) {
  (void)state;
  nl_scenario *sc = load("sweep:\n  design: lhs\n  points: 20\n  parameters:\n    p1: {from: 0.2, to: 0.6}\n"
                         "    p2: {from: 0, to: 1}\n    n: {from: 10, to: 60}\n");
  nl_design *d = nl_design_new(), *d2 = nl_design_new();
  assert_int_equal(nl_design_build(d, sc, 0), NL_OK);
  assert_int_equal(nl_design_npoints(d), 20);
  /* One point per stratum of every real factor. */
  int hit1[20] = {0}, hit2[20] = {0};
  for (size_t i = 0; i < 20; i++) {
    double p1 = pval(d, i, "p1"), p2 = pval(d, i, "p2"), n = pval(d, i, "n");
    assert_true(p1 >= 0.2 && p1 < 0.6);
    assert_true(n >= 10 && n <= 60 && n == floor(n));
    hit1[(int)floor((p1 - 0.2) / 0.4 * 20)]++;
    hit2[(int)floor(p2 * 20)]++;
  }
  for (int k = 0; k < 20; k++) {
    assert_int_equal(hit1[k], 1);
    assert_int_equal(hit2[k], 1);
  }
  /* Reproducible: depends only on the scenario (seed). */
  assert_int_equal(nl_design_build(d2, sc, 0), NL_OK);
  for (size_t i = 0; i < 20; i++) assert_string_equal(nl_design_key(d, i), nl_design_key(d2, i));
  nl_design_free(d);
  nl_design_free(d2);
  nl_scenario_free(sc);
}

static void test_json_has_sweep(void **state) {
  (void)state;
  nl_scenario *sc = load("sweep:\n  parameters:\n    p1: [0.1, 0.2]\n");
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_int_equal(nl_scenario_write_json(sc, f), NL_OK);
  fclose(f);
  assert_non_null(strstr(buf, "\"design\": \"grid\""));
  assert_non_null(strstr(buf, "\"p1\": [0.1, 0.2]"));
  free(buf);
  nl_scenario_free(sc);
}

static void test_bad_sweeps(void **state) {
  (void)state;
  expect_error("sweep: {}\n", NL_EINVAL, "s.yaml:4:1: key 'sweep' is empty", NULL);
  expect_error("sweep:\n", NL_EINVAL, "s.yaml:4:1: key 'sweep' is empty", NULL);
  expect_error("sweep:\n  parameters: {}\n", NL_EINVAL, "s.yaml:5:3:", "the list of swept parameters is empty");
  expect_error("sweep:\n  design: grid\n", NL_EINVAL, "missing 'parameters:'", NULL);
  expect_error("sweep:\n  parameters:\n    p11: [0.1]\n", NL_EINVAL, "s.yaml:6:5: unknown parameter 'p11' in sweep",
               "did you mean 'p1'?");
  expect_error("sweep:\n  parameters:\n    zzzzzzzz: [0.1]\n", NL_EINVAL, "unknown parameter 'zzzzzzzz'",
               "netlearn models march1991");
  expect_error("sweep:\n  parameters:\n    p1: {from: 0.1, to: 0.9, step: 0}\n", NL_ERANGE, "s.yaml:6:36:",
               "the step of 'p1' is 0");
  expect_error("sweep:\n  parameters:\n    p1: {from: 0.1, to: 0.9, step: -0.1}\n", NL_ERANGE, "s.yaml:6:36:",
               "needs a positive step");
  expect_error("sweep:\n  parameters:\n    p1: {from: 0.9, to: 0.1, step: 0.1}\n", NL_ERANGE, "goes away from 'to'",
               "negative step");
  expect_error("sweep:\n  parameters:\n    p1: {from: 0.1, to: 1.5, step: 0.1}\n", NL_ERANGE, "s.yaml:6:25:",
               "parameter 'p1' = 1.5 is out of range");
  expect_error("sweep:\n  parameters:\n    p1: {from: 0.1, to: 0.9}\n", NL_EINVAL, "the range of 'p1' needs",
               "missing 'step'");
  expect_error("sweep:\n  parameters:\n    p1: {from: 0.1, to: 0.9, stpe: 0.1}\n", NL_EINVAL, "unknown key 'stpe'",
               "did you mean 'step'?");
  expect_error("sweep:\n  parameters:\n    p1: []\n", NL_EINVAL, "s.yaml:6:5:", "the list of values of 'p1' is empty");
  expect_error("sweep:\n  parameters:\n    p1: [0.1, 0.2, 0.1]\n", NL_EINVAL, "s.yaml:6:20:", "listed twice");
  expect_error("sweep:\n  parameters:\n    p1: [0.1, fast]\n", NL_EINVAL, "s.yaml:6:15:", "expects a number");
  expect_error("sweep:\n  parameters:\n    variant: [original, papr]\n", NL_EINVAL, "did you mean 'paper'", NULL);
  expect_error("sweep:\n  parameters:\n    variant: {from: 0, to: 1, step: 1}\n", NL_EINVAL, "is not a number",
               NULL);
  expect_error("sweep:\n  parameters:\n    n: {from: 10, to: 20, step: 2.5}\n", NL_EINVAL, "integer parameter", NULL);
  expect_error("sweep:\n  desing: grid\n  parameters:\n    p1: [0.1]\n", NL_EINVAL, "unknown key 'desing' in 'sweep'",
               "did you mean 'design'?");
  expect_error("sweep:\n  design: gird\n  parameters:\n    p1: [0.1]\n", NL_EINVAL, "expected grid, lhs or ofat",
               "did you mean 'grid'?");
  expect_error("sweep:\n  design: lhs\n  parameters:\n    p1: {from: 0.1, to: 0.9}\n", NL_EINVAL,
               "needs 'points: N'", NULL);
  expect_error("sweep:\n  design: lhs\n  points: 5\n  parameters:\n    p1: [0.1, 0.2]\n", NL_EINVAL,
               "a Latin hypercube needs a range", NULL);
  expect_error("sweep:\n  design: lhs\n  points: 5\n  parameters:\n    p1: {from: 0.5, to: 0.5}\n", NL_ERANGE,
               "is empty", NULL);
  expect_error("sweep:\n  points: 5\n  parameters:\n    p1: [0.1]\n", NL_EINVAL, "for a Latin hypercube", NULL);
  expect_error("sweep:\n  p1: [0.1]\n", NL_EINVAL, "put it under 'sweep: parameters:'", NULL);
  expect_error("sweep:\n  parameters:\n    p1: {from: 0, to: 1, step: 1e-9}\n", NL_ERANGE, "more than 1000000", NULL);
}

/* A point failing the model's cross-parameter check is reported with its values. */
static void test_point_validation(void **state) {
  (void)state;
  nl_scenario *sc = load("parameters: {n: 50}\nsweep:\n  parameters:\n    fast_share: [0.1, 0.33]\n");
  nl_design *d = nl_design_new();
  assert_int_equal(nl_design_build(d, sc, 0), NL_EINVAL);
  assert_non_null(strstr(nl_design_errmsg(d), "design point fast_share = 0.33"));
  assert_int_equal(nl_design_npoints(d), 0);
  nl_design_free(d);
  nl_scenario_free(sc);
}

/* Every allocation in sweep parsing and design expansion may fail: NL_ENOMEM, nothing leaked
 * (ASan's leak checker sees the rest). */
static void test_allocation_failures(void **state) {
  (void)state;
  static const char *const bodies[] = {
      "sweep:\n  parameters:\n    p2: [0.1, 0.5]\n    p1: {from: 0.1, to: 0.9, step: 0.1}\n",
      "sweep:\n  design: lhs\n  points: 7\n  parameters:\n    p1: {from: 0.1, to: 0.9}\n    n: {from: 5, to: 9}\n",
      "sweep:\n  design: ofat\n  parameters:\n    p1: [0.1, 0.2]\n    variant: [original, paper]\n",
  };
  for (size_t b = 0; b < 3; b++) {
    char text[1024];
    snprintf(text, sizeof text, "%s%s", head, bodies[b]);
    int succeeded = 0;
    for (long k = 1; k < 5000 && !succeeded; k++) {
      nl_scenario *sc = nl_scenario_new();
      nl_design *d = nl_design_new();
      if (!sc || !d) {
        nl_scenario_free(sc);
        nl_design_free(d);
        continue;
      }
      nl_alloc_fail_after(k);
      nl_status st = nl_scenario_load_string(sc, text, "s.yaml");
      if (!st) st = nl_design_build(d, sc, 0);
      nl_alloc_fail_after(0);
      if (st != NL_OK && st != NL_ENOMEM) fail_msg("allocation %ld failing gave status %d: %s", k, st,
                                                   nl_design_errmsg(d));
      succeeded = st == NL_OK;
      nl_design_free(d);
      nl_scenario_free(sc);
    }
    assert_true(succeeded);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_sweep_is_one_point),
      cmocka_unit_test(test_grid),
      cmocka_unit_test(test_identity_by_values),
      cmocka_unit_test(test_choice_bool_int_and_duplicates),
      cmocka_unit_test(test_ofat),
      cmocka_unit_test(test_lhs),
      cmocka_unit_test(test_json_has_sweep),
      cmocka_unit_test(test_bad_sweeps),
      cmocka_unit_test(test_point_validation),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
