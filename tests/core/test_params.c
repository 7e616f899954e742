/* Parameter tables: defaults, typed parsing, ranges, suggestions, cross-parameter validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "netlearn/model.h"

static const nl_model *march(void) {
  const nl_model *m = nl_model_find("march1991");
  assert_non_null(m);
  return m;
}

static double get(const nl_params *p, const char *name) {
  long i = nl_model_param_index(nl_params_model(p), name);
  assert_true(i >= 0);
  return nl_params_get(p, (size_t)i);
}

static void test_registry(void **state) {
  (void)state;
  assert_true(nl_model_count() >= 1);
  assert_null(nl_model_find("no-such-model"));
  assert_null(nl_model_at(nl_model_count()));
  assert_string_equal(nl_model_suggest("march1990"), "march1991");
  assert_null(nl_model_suggest("completely-different"));
  /* Every parameter's default lies in its own range, every name is unique. */
  for (size_t k = 0; k < nl_model_count(); k++) {
    const nl_model *m = nl_model_at(k);
    for (size_t i = 0; i < nl_model_nparams(m); i++) {
      const nl_param_desc *d = nl_model_param(m, i);
      assert_non_null(d->doc);
      if (d->type == NL_PARAM_INT || d->type == NL_PARAM_REAL) assert_true(d->def >= d->min && d->def <= d->max);
      assert_int_equal(nl_model_param_index(m, d->name), (long)i);
    }
  }
}

static void test_defaults_are_the_papers(void **state) {
  (void)state;
  nl_params *p = nl_params_new(march());
  assert_non_null(p);
  assert_true(get(p, "m") == 30);
  assert_true(get(p, "n") == 50);
  assert_true(get(p, "p3") == 0);
  assert_true(get(p, "p4") == 0);
  assert_string_equal(nl_params_get_string(p, (size_t)nl_model_param_index(march(), "variant")), "original");
  assert_false(nl_params_is_set(p, 0));
  nl_params_free(p);
  nl_params_free(NULL);
}

static void test_set_and_errors(void **state) {
  (void)state;
  nl_params *p = nl_params_new(march());
  assert_int_equal(nl_params_set_text(p, "p1", "0.25"), NL_OK);
  assert_true(get(p, "p1") == 0.25);
  assert_int_equal(nl_params_set_text(p, "p1", "1.5"), NL_ERANGE);
  assert_non_null(strstr(nl_params_errmsg(p), "out of range"));
  assert_non_null(strstr(nl_params_errmsg(p), "[0, 1]"));
  assert_true(get(p, "p1") == 0.25); /* unchanged on error */
  assert_int_equal(nl_params_set_text(p, "p1", "abc"), NL_EINVAL);
  assert_non_null(strstr(nl_params_errmsg(p), "expects a number"));
  assert_int_equal(nl_params_set_text(p, "n", "12.5"), NL_EINVAL);
  assert_non_null(strstr(nl_params_errmsg(p), "integer"));
  assert_int_equal(nl_params_set_text(p, "n", "0"), NL_ERANGE);
  assert_int_equal(nl_params_set_text(p, "pp1", "0.3"), NL_EINVAL);
  assert_non_null(strstr(nl_params_errmsg(p), "did you mean 'p1'"));
  assert_int_equal(nl_params_set_text(p, "variant", "orignal"), NL_EINVAL);
  assert_non_null(strstr(nl_params_errmsg(p), "did you mean 'original'"));
  assert_int_equal(nl_params_set_text(p, "variant", "paper"), NL_OK);
  assert_true(get(p, "variant") == 1);
  assert_int_equal(nl_params_set_text(p, "p2", "nan"), NL_ERANGE);
  char buf[64];
  nl_params_format(p, (size_t)nl_model_param_index(march(), "p1"), buf, sizeof buf);
  assert_string_equal(buf, "0.25");
  nl_params_format(p, (size_t)nl_model_param_index(march(), "variant"), buf, sizeof buf);
  assert_string_equal(buf, "paper");
  nl_params_free(p);
}

static void test_clone_is_deep(void **state) {
  (void)state;
  nl_params *p = nl_params_new(march());
  assert_int_equal(nl_params_set_text(p, "p2", "0.9"), NL_OK);
  nl_params *q = nl_params_clone(p);
  assert_int_equal(nl_params_set_text(p, "p2", "0.1"), NL_OK);
  assert_true(get(q, "p2") == 0.9);
  assert_true(nl_params_is_set(q, (size_t)nl_model_param_index(march(), "p2")));
  nl_params_free(p);
  nl_params_free(q);
}

static void test_validate_fast_share(void **state) {
  (void)state;
  nl_params *p = nl_params_new(march());
  assert_int_equal(nl_params_set_text(p, "fast_share", "0.3"), NL_OK);
  assert_int_equal(nl_params_validate(p), NL_OK); /* 15 of 50 */
  assert_int_equal(nl_params_set_text(p, "fast_share", "0.33"), NL_OK);
  assert_int_equal(nl_params_validate(p), NL_EINVAL); /* 16.5 individuals */
  assert_non_null(strstr(nl_params_errmsg(p), "whole number"));
  nl_params_free(p);
}

static void test_sim_lifecycle(void **state) {
  (void)state;
  nl_params *p = nl_params_new(march());
  nl_sim *s = nl_sim_new(p);
  assert_non_null(s);
  assert_int_equal(nl_sim_status(s), NL_OK);
  double a[8], b[8];
  assert_int_equal(nl_sim_reset(s, 5, 3), NL_OK);
  for (int t = 0; t < 20; t++) assert_int_equal(nl_sim_step(s), NL_OK);
  assert_int_equal(nl_sim_period(s), 20);
  nl_sim_observe(s, a);
  /* Same seed and replication: same trajectory after a reset. */
  assert_int_equal(nl_sim_reset(s, 5, 3), NL_OK);
  assert_int_equal(nl_sim_period(s), 0);
  for (int t = 0; t < 20; t++) nl_sim_step(s);
  nl_sim_observe(s, b);
  assert_memory_equal(a, b, 4 * sizeof(double));
  nl_sim_free(s);
  nl_sim_free(NULL);
  /* An invalid parameter set yields a sim in error state, not a crash. */
  nl_params_set_text(p, "fast_share", "0.33");
  s = nl_sim_new(p);
  assert_non_null(s);
  assert_int_equal(nl_sim_status(s), NL_EINVAL);
  assert_int_equal(nl_sim_reset(s, 1, 0), NL_EINVAL);
  nl_sim_free(s);
  nl_params_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registry),         cmocka_unit_test(test_defaults_are_the_papers),
      cmocka_unit_test(test_set_and_errors),   cmocka_unit_test(test_clone_is_deep),
      cmocka_unit_test(test_validate_fast_share), cmocka_unit_test(test_sim_lifecycle),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
