/*
 * Optional components: nl_built_with agrees with the build (NL_HAVE_*); a build without one
 * answers each of its features with NL_EUNSUPPORTED and a message naming what is missing (library)
 * and exit 2 before reading any input (CLI); what needs no component (a model run, a PLS
 * estimate) works in every build. `make check-minimal` runs this test in a build with all three
 * components off; `make test` in the full one.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/cli_harness.h"
#include "netlearn/netlearn.h"

static void test_built_with(void **state) {
  (void)state;
  assert_int_equal(nl_built_with("plot"), NL_HAVE_PLOT);
  assert_int_equal(nl_built_with("store"), NL_HAVE_STORE);
  assert_int_equal(nl_built_with("yaml"), NL_HAVE_YAML);
  assert_int_equal(nl_built_with("cairo"), 0); /* components, not libraries */
  assert_int_equal(nl_built_with(NULL), 0);
  assert_string_equal(nl_status_str(NL_EUNSUPPORTED), "not built in");
}

static void test_yaml(void **state) {
  (void)state;
  nl_scenario *sc = nl_scenario_new();
  assert_non_null(sc);
  nl_status st = nl_scenario_load_string(sc, "model: march1991\nreplications: 3\n", "s.yaml");
  if (NL_HAVE_YAML) {
    assert_int_equal(st, NL_OK);
    assert_int_equal(nl_scenario_replications(sc), 3);
  } else {
    assert_int_equal(st, NL_EUNSUPPORTED);
    assert_non_null(strstr(nl_scenario_errmsg(sc), "netlearn was built without YAML input files"));
    assert_non_null(strstr(nl_scenario_errmsg(sc), "-DNL_WITH_YAML=ON"));
  }
  nl_scenario_free(sc);
}

static void test_store(void **state) {
  (void)state;
  nl_store *db = NULL;
  char path[512];
  path_of(path, sizeof path, "results.db");
  nl_status st = nl_store_open(path, NL_STORE_CREATE, 0, &db);
  assert_non_null(db);
  if (NL_HAVE_STORE) {
    assert_int_equal(st, NL_OK);
  } else {
    assert_int_equal(st, NL_EUNSUPPORTED);
    assert_non_null(strstr(nl_store_errmsg(db), "netlearn was built without the results database"));
    assert_false(exists("results.db"));
  }
  nl_store_free(db);
}

static void test_plot(void **state) {
  (void)state;
  nl_figure *f = nl_figure_new(NULL);
  assert_non_null(f);
  double x[3] = {0, 1, 2}, y[3] = {0.5, 0.7, 0.8};
  assert_int_equal(nl_figure_line(f, 3, x, y, 0, "a", 0), NL_OK); /* input is checked either way */
  unsigned char *buf = NULL;
  size_t len = 0;
  nl_status st = nl_figure_render(f, NL_FIGURE_SVG, &buf, &len);
  if (NL_HAVE_PLOT) {
    assert_int_equal(st, NL_OK);
    assert_non_null(strstr((const char *)buf, "<svg"));
  } else {
    assert_int_equal(st, NL_EUNSUPPORTED);
    assert_null(buf);
    assert_non_null(strstr(nl_figure_errmsg(f), "netlearn was built without figures"));
  }
  nl_free(buf);
  nl_figure_free(f);
}

/* The CLI refuses a command whose component is missing before reading its input, with exit 2;
 * --help still works. */
static void test_cli(void **state) {
  (void)state;
  write_file("s.yaml", "model: march1991\nreplications: 2\nseed: 1\nstop: {until: periods, periods: 3}\n");
  int rc = nl("run s.yaml -o out -q");
  if (NL_HAVE_YAML && NL_HAVE_STORE) {
    assert_int_equal(rc, 0);
  } else {
    assert_int_equal(rc, 2);
    assert_non_null(strstr(errbuf, "netlearn run needs"));
    assert_non_null(strstr(errbuf, "netlearn was built without them: rebuild with -DNL_WITH_"));
    assert_false(exists("out"));
  }
  if (!NL_HAVE_PLOT) {
    assert_int_equal(nl("plot pls nothing.csv -o f.svg"), 2);
    assert_non_null(strstr(errbuf, "netlearn plot needs figures (cairo)"));
  }
  if (!NL_HAVE_STORE) {
    assert_int_equal(nl("export out"), 2);
    assert_non_null(strstr(errbuf, "needs the results database (SQLite)"));
  }
  assert_int_equal(nl("run --help"), 0);
}

/* No component is needed to run a model through the API or to estimate a PLS model: BLAS/LAPACK
 * through the Fortran interface, in every build. */
static void test_core_without_components(void **state) {
  (void)state;
  const nl_model *m = nl_model_find("march1991");
  nl_params *p = nl_params_new(m);
  nl_results *r = nl_results_new();
  assert_non_null(p);
  assert_non_null(r);
  nl_run_config cfg = {.seed = 5, .replications = 4, .until = NL_UNTIL_EQUILIBRIUM, .periods = 100000, .every = 1000};
  assert_int_equal(nl_results_run(r, p, &cfg), NL_OK);
  long k = nl_model_measure_index(m, "code_knowledge");
  for (long i = 0; i < nl_results_replications(r); i++) {
    double v = nl_results_final(r, i)[k];
    assert_true(v > 0 && v <= 1);
  }
  nl_results_free(r);
  nl_params_free(p);
}

static int teardown(void **state) {
  nl_plot_release_caches(); /* cairo measured text in this process: fontconfig's caches (leak checkers) */
  return cli_teardown(state);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_built_with), cmocka_unit_test(test_yaml), cmocka_unit_test(test_store),
      cmocka_unit_test(test_plot),       cmocka_unit_test(test_cli),  cmocka_unit_test(test_core_without_components),
  };
  return cmocka_run_group_tests(tests, cli_setup, teardown);
}
