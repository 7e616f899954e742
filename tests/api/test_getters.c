/*
 * Checked getters (issue 19; docs/api.md, "Getters are checked"). Every public getter of the
 * headers in include/netlearn (scripts/check-getters --list) is called here with a NULL handle and, on a
 * small valid handle of its kind, with every index out of range (one past the end and (size_t)-1;
 * -1 and LONG_MAX for long indices) and with NULL or unknown names, and must give the neutral value
 * its header states (NULL, "", 0, -1, (size_t)-1 or NaN) without reading out of bounds: the
 * sanitizer lane runs this test, where an out-of-bounds read fails it. A few in-range values are
 * checked as well, so that a getter returning its neutral value unconditionally fails too, and
 * every index in range of a handle's counts is read (sweep_*), so a count larger than the array
 * behind it shows; also on handles whose construction failed (test_failed_handles) and on reused
 * handles. test_getters_complete (scripts/check-getters) fails on a getter this file never calls.
 * Handles are built from inline strings, tests/data/mobi_groups.csv, generated networks and small
 * files written to a temporary directory.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <limits.h>
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

#define OUT ((size_t)-1) /* an index out of any range */
#define assert_nan(x) assert_true(isnan(x))
#define assert_number(x) assert_true(isfinite(x))

/* A temporary directory for the few handles read from files (removed by remove_tmp). */
static char tmp[] = "/tmp/nl_getters_XXXXXX";
static const char *tmp_files[8];
static size_t ntmp_files;

/* Write text to tmp/name; returns the path (static buffer, one per file). */
static const char *tmp_file(const char *name, const char *text) {
  static char paths[8][128];
  if (ntmp_files == 0 && !mkdtemp(tmp)) fail_msg("mkdtemp failed");
  assert_true(ntmp_files < 8);
  char *path = paths[ntmp_files];
  snprintf(path, 128, "%s/%s", tmp, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  tmp_files[ntmp_files++] = path;
  return path;
}

static int remove_tmp(void **state) {
  (void)state;
  for (size_t i = 0; i < ntmp_files; i++) unlink(tmp_files[i]);
  if (ntmp_files) rmdir(tmp);
  return 0;
}

/* ---- status.h ------------------------------------------------------------------------------ */

static void test_status(void **state) {
  (void)state;
  assert_string_equal(nl_status_str(NL_OK), "success");
  assert_string_equal(nl_status_str(NL_EINVAL), "invalid input");
  assert_string_equal(nl_status_str((nl_status)12345), "unknown status");
  assert_string_equal(nl_status_str((nl_status)-1), "unknown status");
  assert_string_equal(nl_version(), NL_VERSION);
  assert_int_equal(nl_abi_version(), NL_ABI_VERSION);
  assert_int_equal(nl_built_with(NULL), 0);
  assert_int_equal(nl_built_with("no such component"), 0);
  assert_true(nl_built_with("yaml") == 0 || nl_built_with("yaml") == 1);
  char buf[512] = "untouched";
  assert_null(nl_library_versions(NULL, 16));
  assert_ptr_equal(nl_library_versions(buf, 0), buf); /* cap 0: nothing written */
  assert_string_equal(buf, "untouched");
  assert_ptr_equal(nl_library_versions(buf, 8), buf); /* truncated, terminated */
  assert_int_equal(strlen(buf), 7);
  assert_non_null(strstr(nl_library_versions(buf, sizeof buf), "igraph "));
}

/* ---- model.h ------------------------------------------------------------------------------- */

static void test_model_registry(void **state) {
  (void)state;
  size_t n = nl_model_count();
  assert_true(n >= 4);
  assert_non_null(nl_model_at(0));
  assert_null(nl_model_at(n));
  assert_null(nl_model_at(OUT));
  assert_null(nl_model_find(NULL));
  assert_null(nl_model_find("no_such_model"));
  assert_string_equal(nl_model_name(nl_model_find("march1991")), "march1991");
  assert_null(nl_model_suggest(NULL));
  assert_null(nl_model_suggest("zzzzzzzzzzzzzzzz"));
  assert_string_equal(nl_model_suggest("march1992"), "march1991");
}

static void test_model_descriptors(void **state) {
  (void)state;
  /* NULL model */
  assert_null(nl_model_name(NULL));
  assert_null(nl_model_title(NULL));
  assert_null(nl_model_doc(NULL));
  assert_int_equal(nl_model_nparams(NULL), 0);
  assert_null(nl_model_param(NULL, 0));
  assert_int_equal(nl_model_param_index(NULL, "p1"), -1);
  assert_null(nl_model_param_suggest(NULL, "p1"));
  assert_int_equal(nl_model_nmeasures(NULL), 0);
  assert_null(nl_model_measure(NULL, 0));
  assert_int_equal(nl_model_measure_index(NULL, "code_knowledge"), -1);
  assert_null(nl_model_unit_name(NULL));
  assert_int_equal(nl_model_nunit_fields(NULL), 0);
  assert_null(nl_model_unit_field(NULL, 0));
  assert_int_equal(nl_model_unit_field_index(NULL, "x"), -1);
  assert_null(nl_model_unit_field_suggest(NULL, "x"));
  /* march1991: no units */
  const nl_model *m = nl_model_find("march1991");
  assert_non_null(m);
  assert_non_null(nl_model_title(m));
  assert_non_null(nl_model_doc(m));
  size_t np = nl_model_nparams(m), nm = nl_model_nmeasures(m);
  assert_true(np > 0 && nm > 0);
  assert_null(nl_model_param(m, np));
  assert_null(nl_model_param(m, OUT));
  assert_int_equal(nl_model_param_index(m, NULL), -1);
  assert_int_equal(nl_model_param_index(m, "no_such_parameter"), -1);
  long ip1 = nl_model_param_index(m, "p1");
  assert_true(ip1 >= 0);
  assert_string_equal(nl_model_param(m, (size_t)ip1)->name, "p1");
  assert_null(nl_model_param_suggest(m, NULL));
  assert_null(nl_model_param_suggest(m, "zzzzzzzzzzzzzzzz"));
  assert_null(nl_model_measure(m, nm));
  assert_null(nl_model_measure(m, OUT));
  assert_int_equal(nl_model_measure_index(m, NULL), -1);
  assert_int_equal(nl_model_measure_index(m, "no_such_measure"), -1);
  long ick = nl_model_measure_index(m, "code_knowledge");
  assert_true(ick >= 0);
  assert_string_equal(nl_model_measure(m, (size_t)ick)->name, "code_knowledge");
  assert_null(nl_model_unit_name(m));
  assert_int_equal(nl_model_nunit_fields(m), 0);
  assert_null(nl_model_unit_field(m, 0));
  assert_int_equal(nl_model_unit_field_index(m, "x"), -1);
  assert_null(nl_model_unit_field_suggest(m, "x"));
  /* lazer2007: agents */
  const nl_model *lz = nl_model_find("lazer2007");
  assert_non_null(nl_model_unit_name(lz));
  size_t nf = nl_model_nunit_fields(lz);
  assert_true(nf > 0);
  assert_null(nl_model_unit_field(lz, nf));
  assert_null(nl_model_unit_field(lz, OUT));
  assert_int_equal(nl_model_unit_field_index(lz, NULL), -1);
  assert_int_equal(nl_model_unit_field_index(lz, "no_such_field"), -1);
  assert_int_equal(nl_model_unit_field_index(lz, nl_model_unit_field(lz, nf - 1)), (long)(nf - 1));
  assert_null(nl_model_unit_field_suggest(lz, NULL));
}

static void test_params(void **state) {
  (void)state;
  char buf[64];
  assert_null(nl_params_clone(NULL));
  assert_null(nl_params_model(NULL));
  assert_nan(nl_params_get(NULL, 0));
  assert_null(nl_params_get_string(NULL, 0));
  assert_int_equal(nl_params_is_set(NULL, 0), 0);
  strcpy(buf, "x");
  nl_params_format(NULL, 0, buf, sizeof buf);
  assert_string_equal(buf, "");
  nl_params_format(NULL, 0, NULL, 0);

  const nl_model *m = nl_model_find("march1991");
  nl_params *p = nl_params_new(m);
  assert_non_null(p);
  size_t np = nl_model_nparams(m);
  size_t ip1 = (size_t)nl_model_param_index(m, "p1"), iv = (size_t)nl_model_param_index(m, "variant");
  assert_int_equal(nl_params_set_text(p, "p1", "0.25"), NL_OK);
  assert_int_equal(nl_params_set_text(p, "variant", "original"), NL_OK);
  const size_t bad[] = {np, OUT};
  for (size_t b = 0; b < 2; b++) {
    size_t i = bad[b];
    assert_nan(nl_params_get(p, i));
    assert_null(nl_params_get_string(p, i));
    assert_int_equal(nl_params_is_set(p, i), 0);
    strcpy(buf, "x");
    nl_params_format(p, i, buf, sizeof buf);
    assert_string_equal(buf, "");
  }
  assert_true(nl_params_get(p, ip1) == 0.25);
  assert_int_equal(nl_params_is_set(p, ip1), 1);
  assert_null(nl_params_get_string(p, ip1)); /* a number */
  assert_string_equal(nl_params_get_string(p, iv), "original");
  nl_params_format(p, ip1, buf, sizeof buf);
  assert_string_equal(buf, "0.25");
  nl_params *c = nl_params_clone(p);
  assert_ptr_equal(nl_params_model(c), m);
  assert_true(nl_params_get(c, ip1) == 0.25);
  nl_params_free(c);
  nl_params_free(p);
}

static void test_sim(void **state) {
  (void)state;
  double row[64];
  assert_int_equal(nl_sim_period(NULL), -1);
  assert_int_equal(nl_sim_at_equilibrium(NULL), 0);
  assert_int_equal(nl_sim_units(NULL), 0);
  row[0] = 7;
  nl_sim_unit_row(NULL, 0, row);
  assert_true(row[0] == 7); /* nothing to write for a NULL sim */
  nl_sim_unit_row(NULL, 0, NULL);
  assert_int_equal(nl_sim_unit_ties(NULL, NULL, NULL, NULL, 0), 0);

  const nl_model *lz = nl_model_find("fang2010"); /* individuals in groups: units and ties */
  nl_params *p = nl_params_new(lz);
  assert_int_equal(nl_params_set_text(p, "n", "21"), NL_OK);
  assert_int_equal(nl_params_set_text(p, "group_size", "7"), NL_OK);
  assert_int_equal(nl_params_set_text(p, "m", "20"), NL_OK);
  nl_sim *s = nl_sim_new(p);
  assert_int_equal(nl_sim_status(s), NL_OK);
  assert_int_equal(nl_sim_reset(s, 1, 0), NL_OK);
  assert_int_equal(nl_sim_period(s), 0);
  assert_int_equal(nl_sim_step(s), NL_OK);
  assert_int_equal(nl_sim_period(s), 1);
  int eq = nl_sim_at_equilibrium(s);
  assert_true(eq == 0 || eq == 1);
  size_t n = nl_sim_units(s), nf = nl_model_nunit_fields(lz);
  assert_int_equal(n, 21);
  assert_true(nf <= sizeof row / sizeof row[0]);
  nl_sim_unit_row(s, n, row);
  for (size_t k = 0; k < nf; k++) assert_nan(row[k]);
  nl_sim_unit_row(s, OUT, row);
  for (size_t k = 0; k < nf; k++) assert_nan(row[k]);
  nl_sim_unit_row(s, n, NULL);
  nl_sim_unit_row(s, 0, row);
  assert_number(row[0]);
  size_t ties = nl_sim_unit_ties(s, NULL, NULL, NULL, 0); /* cap 0 sizes the arrays */
  assert_true(ties > 0);
  nl_sim_free(s);
  nl_params_free(p);
}

/* ---- scenario.h, experiment.h (designs), run.h ----------------------------------------------- */

static const char *GRID = "name: g\nmodel: march1991\nparameters: {m: 10, n: 10}\nreplications: 2\nseed: 5\n"
                          "stop: {until: periods, periods: 4}\n"
                          "outputs: {series: true, every: 1, measures: [code_knowledge]}\n"
                          "sweep:\n  design: grid\n  parameters:\n    p1: [0.1, 0.5]\n    p2: [0.2, 0.4, 0.6]\n";

/* Every row of every replication, then past the ends: consistent with the counts. */
static void sweep_results(const nl_results *r) {
  long reps = nl_results_replications(r);
  size_t nm = nl_model_nmeasures(nl_results_model(r));
  double sum = 0;
  for (long rep = 0; rep < reps; rep++) {
    long rows = nl_results_rows(r, rep), last = -1;
    for (long k = 0; k < rows; k++) {
      long per = nl_results_row_period(r, rep, k);
      assert_true(per > last);
      last = per;
      const double *row = nl_results_row(r, rep, k);
      assert_non_null(row);
      for (size_t j = 0; j < nm; j++) sum += row[j];
    }
    assert_int_equal(nl_results_row_period(r, rep, rows), -1);
    assert_null(nl_results_row(r, rep, rows));
    assert_ptr_equal(nl_results_final(r, rep), rows ? nl_results_row(r, rep, rows - 1) : NULL);
  }
  assert_int_equal(nl_results_rows(r, reps), 0);
  assert_null(nl_results_final(r, reps));
  (void)sum;
}

static void sweep_scenario(const nl_scenario *sc) {
  size_t nm = nl_scenario_nmeasures(sc), nf = nl_scenario_nfactors(sc);
  for (size_t i = 0; i < nm; i++) assert_true(nl_scenario_measure(sc, i) < nl_model_nmeasures(nl_scenario_model(sc)));
  assert_int_equal(nl_scenario_measure(sc, nm), OUT);
  for (size_t i = 0; i < nf; i++) {
    assert_true(nl_scenario_factor_param(sc, i) < nl_model_nparams(nl_scenario_model(sc)));
    size_t nv = nl_scenario_factor_nvalues(sc, i);
    for (size_t j = 0; j < nv; j++) assert_non_null(nl_scenario_factor_value(sc, i, j));
    assert_null(nl_scenario_factor_value(sc, i, nv));
  }
  assert_int_equal(nl_scenario_factor_param(sc, nf), OUT);
  assert_null(nl_scenario_factor_value(sc, nf, 0));
}

static void sweep_design(const nl_design *d) {
  size_t n = nl_design_npoints(d), ns = nl_design_nswept(d);
  for (size_t i = 0; i < n; i++) {
    assert_non_null(nl_design_params(d, i));
    assert_non_null(nl_design_key(d, i));
    assert_true(nl_design_point_replications(d, i) >= 1);
  }
  for (size_t j = 0; j < ns; j++) assert_true(nl_design_swept(d, j) != OUT);
  assert_null(nl_design_params(d, n));
  assert_null(nl_design_key(d, n));
  assert_int_equal(nl_design_point_replications(d, n), 0);
  assert_int_equal(nl_design_swept(d, ns), OUT);
}

static void assert_scenario_neutral(const nl_scenario *sc) {
  double lo = 0, hi = 0;
  assert_string_equal(nl_scenario_file(sc), "<none>");
  assert_string_equal(nl_scenario_name(sc), "");
  assert_string_equal(nl_scenario_description(sc), "");
  assert_null(nl_scenario_model(sc));
  assert_null(nl_scenario_params(sc));
  assert_int_equal(nl_scenario_replications(sc) <= 1, 1); /* 0 for NULL; a new scenario's default */
  assert_int_equal(nl_scenario_nmeasures(sc), 0);
  assert_int_equal(nl_scenario_measure(sc, 0), OUT);
  assert_int_equal(nl_scenario_design(sc), NL_DESIGN_NONE);
  assert_int_equal(nl_scenario_nfactors(sc), 0);
  assert_int_equal(nl_scenario_factor_param(sc, 0), OUT);
  assert_int_equal(nl_scenario_factor_nvalues(sc, 0), 0);
  assert_null(nl_scenario_factor_value(sc, 0, 0));
  nl_scenario_factor_range(sc, 0, &lo, &hi);
  assert_nan(lo);
  assert_nan(hi);
  nl_scenario_factor_range(sc, 0, NULL, NULL);
  assert_int_equal(nl_scenario_lhs_points(sc), 0);
}

static void test_scenario(void **state) {
  (void)state;
  assert_scenario_neutral(NULL);
  assert_null(nl_scenario_params_mut(NULL));
  assert_int_equal(nl_scenario_replications(NULL), 0);
  assert_true(nl_scenario_seed(NULL) == 0);
  assert_int_equal(nl_scenario_until(NULL), NL_UNTIL_PERIODS);
  assert_int_equal(nl_scenario_periods(NULL), 0);
  assert_int_equal(nl_scenario_series(NULL), 0);
  assert_int_equal(nl_scenario_every(NULL), 0);
  assert_true(nl_scenario_design_size(NULL) == 0);
  assert_string_equal(nl_design_kind_name(NL_DESIGN_GRID), "grid");
  assert_string_equal(nl_design_kind_name((nl_design_kind)99), "?");

  nl_scenario *sc = nl_scenario_new();
  assert_scenario_neutral(sc); /* not loaded yet */
  assert_int_equal(nl_scenario_load_string(sc, GRID, "g.yaml"), NL_OK);
  assert_string_equal(nl_scenario_file(sc), "g.yaml");
  assert_string_equal(nl_scenario_name(sc), "g");
  assert_ptr_equal(nl_scenario_model(sc), nl_model_find("march1991"));
  assert_ptr_equal(nl_scenario_params(sc), nl_scenario_params_mut(sc));
  assert_int_equal(nl_scenario_replications(sc), 2);
  assert_true(nl_scenario_seed(sc) == 5);
  assert_int_equal(nl_scenario_periods(sc), 4);
  assert_int_equal(nl_scenario_series(sc), 1);
  assert_int_equal(nl_scenario_every(sc), 1);
  assert_int_equal(nl_scenario_nmeasures(sc), 1);
  assert_int_equal(nl_scenario_measure(sc, 0), (size_t)nl_model_measure_index(nl_scenario_model(sc), "code_knowledge"));
  assert_int_equal(nl_scenario_measure(sc, 1), OUT);
  assert_int_equal(nl_scenario_measure(sc, OUT), OUT);
  assert_int_equal(nl_scenario_design(sc), NL_DESIGN_GRID);
  assert_int_equal(nl_scenario_nfactors(sc), 2);
  assert_int_equal(nl_scenario_factor_param(sc, 0), (size_t)nl_model_param_index(nl_scenario_model(sc), "p1"));
  assert_int_equal(nl_scenario_factor_param(sc, 2), OUT);
  assert_int_equal(nl_scenario_factor_param(sc, OUT), OUT);
  assert_int_equal(nl_scenario_factor_nvalues(sc, 1), 3);
  assert_int_equal(nl_scenario_factor_nvalues(sc, 2), 0);
  assert_int_equal(nl_scenario_factor_nvalues(sc, OUT), 0);
  assert_string_equal(nl_scenario_factor_value(sc, 0, 1), "0.5");
  assert_null(nl_scenario_factor_value(sc, 0, 2));
  assert_null(nl_scenario_factor_value(sc, 0, OUT));
  assert_null(nl_scenario_factor_value(sc, 2, 0));
  assert_null(nl_scenario_factor_value(sc, OUT, 0));
  double lo = 0, hi = 0;
  nl_scenario_factor_range(sc, 2, &lo, &hi);
  assert_nan(lo);
  assert_nan(hi);
  nl_scenario_factor_range(sc, OUT, NULL, &hi);
  assert_nan(hi);
  assert_int_equal(nl_scenario_lhs_points(sc), 0);
  assert_true(nl_scenario_design_size(sc) == 6);
  sweep_scenario(sc);
  nl_scenario_free(sc);
}

static void test_design(void **state) {
  (void)state;
  for (int pass = 0; pass < 2; pass++) { /* NULL, then a design not built yet */
    nl_design *d = pass ? nl_design_new() : NULL;
    assert_null(nl_design_scenario(d));
    assert_int_equal(nl_design_npoints(d), 0);
    assert_int_equal(nl_design_replications(d), 0);
    assert_int_equal(nl_design_point_replications(d, 0), 0);
    assert_null(nl_design_params(d, 0));
    assert_null(nl_design_key(d, 0));
    assert_int_equal(nl_design_nswept(d), 0);
    assert_int_equal(nl_design_swept(d, 0), OUT);
    nl_design_free(d);
  }
  nl_scenario *sc = nl_scenario_new();
  assert_int_equal(nl_scenario_load_string(sc, GRID, "g.yaml"), NL_OK);
  nl_design *d = nl_design_new();
  assert_int_equal(nl_design_build(d, sc, 100), NL_OK);
  assert_ptr_equal(nl_design_scenario(d), sc);
  assert_int_equal(nl_design_npoints(d), 6);
  assert_int_equal(nl_design_replications(d), 2);
  assert_int_equal(nl_design_point_replications(d, 5), 2);
  assert_int_equal(nl_design_point_replications(d, 6), 0);
  assert_int_equal(nl_design_point_replications(d, OUT), 0);
  assert_non_null(nl_design_params(d, 5));
  assert_null(nl_design_params(d, 6));
  assert_null(nl_design_params(d, OUT));
  assert_non_null(strstr(nl_design_key(d, 0), "p1="));
  assert_null(nl_design_key(d, 6));
  assert_null(nl_design_key(d, OUT));
  assert_int_equal(nl_design_nswept(d), 2);
  assert_int_equal(nl_design_swept(d, 0), nl_scenario_factor_param(sc, 0));
  assert_int_equal(nl_design_swept(d, 2), OUT);
  assert_int_equal(nl_design_swept(d, OUT), OUT);
  sweep_design(d);
  /* the same handles reused: a scenario without a sweep, a design of one point */
  assert_int_equal(nl_scenario_load_string(sc, "model: march1991\nparameters: {m: 10, n: 10}\n", "one.yaml"), NL_OK);
  assert_int_equal(nl_scenario_nfactors(sc), 0);
  assert_null(nl_scenario_factor_value(sc, 0, 0));
  sweep_scenario(sc);
  assert_int_equal(nl_design_build(d, sc, 100), NL_OK);
  assert_int_equal(nl_design_npoints(d), 1);
  assert_int_equal(nl_design_nswept(d), 0);
  assert_null(nl_design_key(d, 1));
  sweep_design(d);
  nl_design_free(d);
  nl_scenario_free(sc);
  /* functions of a value */
  assert_true(nl_point_hash(NULL) == 0);
  assert_true(nl_point_hash("") == 0xcbf29ce484222325ULL); /* FNV-1a offset basis */
  assert_true(nl_point_hash("a") == 0xaf63dc4c8601ec8cULL);
  assert_int_equal(nl_run_chunk_rows(0), NL_RUN_CHUNK_BYTES / 8);
  assert_int_equal(nl_run_chunk_rows(1), NL_RUN_CHUNK_BYTES / 16);
  assert_int_equal(nl_run_chunk_rows((size_t)1 << 40), 64);
  assert_int_equal(nl_run_chunk_rows(OUT), 64); /* (OUT + 1) * 8 would wrap to 0 */
}

static void test_results(void **state) {
  (void)state;
  for (int pass = 0; pass < 2; pass++) { /* NULL, then results not run yet */
    nl_results *r = pass ? nl_results_new() : NULL;
    assert_null(nl_results_model(r));
    assert_int_equal(nl_results_replications(r), 0);
    assert_int_equal(nl_results_rows(r, 0), 0);
    assert_int_equal(nl_results_row_period(r, 0, 0), -1);
    assert_null(nl_results_row(r, 0, 0));
    assert_int_equal(nl_results_periods(r, 0), -1);
    assert_int_equal(nl_results_equilibrium(r, 0), 0);
    assert_null(nl_results_final(r, 0));
    nl_results_free(r);
  }
  nl_scenario *sc = nl_scenario_new();
  assert_int_equal(nl_scenario_load_string(sc, "model: march1991\nparameters: {m: 10, n: 10}\nreplications: 2\n"
                                               "stop: {until: periods, periods: 4}\noutputs: {series: true, every: 1}\n",
                                           "r.yaml"),
                   NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = 1;
  nl_results *r = nl_results_new();
  assert_int_equal(nl_results_run(r, nl_scenario_params(sc), &cfg), NL_OK);
  assert_ptr_equal(nl_results_model(r), nl_scenario_model(sc));
  assert_int_equal(nl_results_replications(r), 2);
  const long bad_rep[] = {-1, 2, LONG_MAX, LONG_MIN};
  for (size_t i = 0; i < 4; i++) {
    long rep = bad_rep[i];
    assert_int_equal(nl_results_rows(r, rep), 0);
    assert_int_equal(nl_results_row_period(r, rep, 0), -1);
    assert_null(nl_results_row(r, rep, 0));
    assert_int_equal(nl_results_periods(r, rep), -1);
    assert_int_equal(nl_results_equilibrium(r, rep), 0);
    assert_null(nl_results_final(r, rep));
  }
  long rows = nl_results_rows(r, 1);
  assert_int_equal(rows, 5); /* periods 0..4 */
  assert_int_equal(nl_results_row_period(r, 1, rows), -1);
  assert_int_equal(nl_results_row_period(r, 1, -1), -1);
  assert_int_equal(nl_results_row_period(r, 1, LONG_MAX), -1);
  assert_null(nl_results_row(r, 1, rows));
  assert_null(nl_results_row(r, 1, -1));
  assert_int_equal(nl_results_row_period(r, 1, rows - 1), 4);
  assert_ptr_equal(nl_results_final(r, 1), nl_results_row(r, 1, rows - 1));
  assert_int_equal(nl_results_periods(r, 1), 4);
  assert_int_equal(nl_results_equilibrium(r, 1), 0);
  sweep_results(r);
  cfg.replications = 1; /* run again, smaller: nothing of the first run shows through */
  cfg.periods = 2;
  assert_int_equal(nl_results_run(r, nl_scenario_params(sc), &cfg), NL_OK);
  assert_int_equal(nl_results_replications(r), 1);
  assert_int_equal(nl_results_rows(r, 0), 3);
  assert_int_equal(nl_results_rows(r, 1), 0);
  assert_null(nl_results_final(r, 1));
  sweep_results(r);
  nl_results_free(r);
  nl_scenario_free(sc);
}

/* ---- network.h ------------------------------------------------------------------------------ */

static void assert_network_neutral(const nl_network *g, size_t n) {
  assert_string_equal(nl_network_label(g, n), "");
  assert_string_equal(nl_network_label(g, OUT), "");
  assert_int_equal(nl_network_block(g, n), 0);
  assert_int_equal(nl_network_block(g, OUT), 0);
  assert_int_equal(nl_network_nattrs(g), 0);
  assert_null(nl_network_attr_name(g, 0));
  assert_null(nl_network_attr_name(g, OUT));
  assert_int_equal(nl_network_attr_index(g, NULL), -1);
  assert_int_equal(nl_network_attr_index(g, "x"), -1);
  assert_nan(nl_network_attr(g, 0, 0));
  assert_nan(nl_network_attr(g, OUT, OUT));
}

static void test_network(void **state) {
  (void)state;
  assert_int_equal(nl_network_nodes(NULL), 0);
  assert_int_equal(nl_network_edges(NULL), 0);
  assert_int_equal(nl_network_weighted(NULL), 0);
  assert_network_neutral(NULL, 0);
  assert_int_equal(nl_network_spec_max_edges(NULL), 0);
  assert_int_equal(nl_network_path_is_graphml(NULL), 0);
  assert_int_equal(nl_network_path_is_graphml("net.GraphML"), 1);
  assert_int_equal(nl_network_path_is_graphml("net.csv"), 0);

  nl_network *g = nl_network_new();
  assert_int_equal(nl_network_nodes(g), 0);
  assert_network_neutral(g, 0);
  nl_network_spec ring = {.kind = NL_NET_RING, .n = 10, .k = 2};
  assert_int_equal(nl_network_spec_max_edges(&ring), 20);
  assert_int_equal(nl_network_generate(g, &ring, 1, 0, 0), NL_OK);
  assert_int_equal(nl_network_nodes(g), 10);
  assert_int_equal(nl_network_edges(g), 20);
  assert_int_equal(nl_network_weighted(g), 0);
  assert_string_equal(nl_network_label(g, 0), ""); /* generated: no labels */
  assert_network_neutral(g, 10);
  nl_network_spec sbm = {.kind = NL_NET_SBM, .n = 10, .blocks = 2, .p_in = 0.5, .p_out = 0.1};
  assert_int_equal(nl_network_generate(g, &sbm, 1, 0, 0), NL_OK);
  assert_int_equal(nl_network_block(g, 9), 1);
  for (size_t i = 0; i < 10; i++) assert_true(nl_network_block(g, i) < 2 && !strcmp(nl_network_label(g, i), ""));
  assert_network_neutral(g, 10);
  nl_network_free(g);

  /* from files: labels x, y, z in order of appearance; attributes size (z missing) and age */
  g = NULL;
  assert_int_equal(nl_network_read_edgelist(tmp_file("edges.csv", "a,b\nx,y\ny,z\n"), 0, 0, &g), NL_OK);
  assert_int_equal(nl_network_nodes(g), 3);
  assert_int_equal(nl_network_load_attributes(g, tmp_file("attrs.csv", "id,size,age\nx,1,2\ny,3,NA\n")), NL_OK);
  assert_string_equal(nl_network_label(g, 2), "z");
  assert_string_equal(nl_network_label(g, 3), "");
  assert_string_equal(nl_network_label(g, OUT), "");
  assert_int_equal(nl_network_nattrs(g), 2);
  assert_string_equal(nl_network_attr_name(g, 1), "age");
  assert_null(nl_network_attr_name(g, 2));
  assert_null(nl_network_attr_name(g, OUT));
  assert_int_equal(nl_network_attr_index(g, "age"), 1);
  assert_int_equal(nl_network_attr_index(g, "weight"), -1);
  assert_int_equal(nl_network_attr_index(g, NULL), -1);
  assert_true(nl_network_attr(g, 0, 1) == 3);
  assert_nan(nl_network_attr(g, 1, 1)); /* NA */
  assert_nan(nl_network_attr(g, 0, 2)); /* no row for z */
  assert_nan(nl_network_attr(g, 2, 0));
  assert_nan(nl_network_attr(g, 0, 3));
  assert_nan(nl_network_attr(g, OUT, OUT));
  assert_int_equal(nl_network_block(g, 3), 0);
  nl_network_free(g);
  /* a read that failed: an empty network holding the message */
  g = NULL;
  assert_int_equal(nl_network_read_edgelist("/nonexistent/edges.csv", 0, 0, &g), NL_EIO);
  assert_int_equal(nl_network_nodes(g), 0);
  assert_network_neutral(g, 0);
  nl_network_free(g);
}

/* ---- plot.h --------------------------------------------------------------------------------- */

static void test_plot_source(void **state) {
  (void)state;
  for (int pass = 0; pass < 2; pass++) { /* NULL, then a source whose open failed */
    nl_plot_source *s = NULL;
    if (pass) assert_int_equal(nl_plot_source_open("/nonexistent/netlearn-results", &s), NL_EIO);
    assert_int_equal(nl_plot_source_nmeasures(s), 0);
    assert_null(nl_plot_source_measure(s, 0));
    assert_null(nl_plot_source_measure(s, OUT));
    assert_int_equal(nl_plot_source_nparams(s), 0);
    assert_null(nl_plot_source_param(s, 0));
    assert_null(nl_plot_source_param(s, OUT));
    assert_int_equal(nl_plot_source_npoints(s), 0);
    nl_plot_source_free(s);
  }
  /* two design points of p1, two measures; then a table whose points are not numbers */
  const char *head = "point,p1,period,measure,n,mean,sd,ci_low,ci_high\n";
  char text[512];
  snprintf(text, sizeof text, "%s1,0.1,0,ck,2,0.5,0.1,0.4,0.6\n1,0.1,0,div,2,0.2,0.1,0.1,0.3\n"
                              "2,0.5,0,ck,2,0.6,0.1,0.5,0.7\n2,0.5,0,div,2,0.3,0.1,0.2,0.4\n", head);
  nl_plot_source *s = NULL;
  if (nl_plot_source_open(tmp_file("summary.csv", text), &s)) fail_msg("%s", nl_plot_source_errmsg(s));
  assert_int_equal(nl_plot_source_nmeasures(s), 2);
  assert_string_equal(nl_plot_source_measure(s, 1), "div");
  assert_null(nl_plot_source_measure(s, 2));
  assert_null(nl_plot_source_measure(s, OUT));
  assert_int_equal(nl_plot_source_nparams(s), 1);
  assert_string_equal(nl_plot_source_param(s, 0), "p1");
  assert_null(nl_plot_source_param(s, 1));
  assert_null(nl_plot_source_param(s, OUT));
  assert_int_equal(nl_plot_source_npoints(s), 2);
  nl_plot_source_free(s);
  snprintf(text, sizeof text, "%s1,0.1,0,ck,2,0.5,0.1,0.4,0.6\nx,0.5,0,div,2,0.3,0.1,0.2,0.4\n", head);
  s = NULL;
  assert_int_equal(nl_plot_source_open(tmp_file("bad.csv", text), &s), NL_EPARSE);
  assert_int_equal(nl_plot_source_nmeasures(s), 0);
  assert_null(nl_plot_source_measure(s, 0));
  assert_int_equal(nl_plot_source_nparams(s), 0);
  assert_null(nl_plot_source_param(s, 0));
  assert_int_equal(nl_plot_source_npoints(s), 0);
  nl_plot_source_free(s);
}

/* ---- pls.h ---------------------------------------------------------------------------------- */

static const char *ECSI = "Image =~ IMAG1 + IMAG2 + IMAG3\nExpectation =~ CUEX1 + CUEX2 + CUEX3\n"
                          "Satisfaction =~ CUSA1 + CUSA2 + CUSA3\nLoyalty =~ CUSL1 + CUSL2 + CUSL3\n"
                          "Expectation ~ Image\nSatisfaction ~ Image + Expectation\nLoyalty ~ Satisfaction\n";

static nl_pls_data *mobi(void) {
  nl_pls_data *d = NULL;
  if (nl_pls_data_read(NL_DATA_DIR "/mobi_groups.csv", &d)) fail_msg("%s", nl_pls_data_errmsg(d));
  return d;
}

static nl_pls *prepare(const char *text, const nl_pls_data *d, nl_pls_model **m) {
  nl_pls *p = NULL;
  if (nl_pls_model_parse(text, "m.txt", m)) fail_msg("%s", nl_pls_model_errmsg(*m));
  if (nl_pls_prepare(*m, d, NULL, &p)) fail_msg("%s", nl_pls_errmsg(p));
  return p;
}

/* Every nl_pls getter of an index with one index out of range: construct c, indicator i, path k,
 * chain h, row r (the other arguments in range): the neutral values. */
static void assert_pls_out_of_range(const nl_pls *p, size_t c, size_t i, size_t k, size_t h, size_t r) {
  size_t a = 11, b = 11, len = 5;
  assert_int_equal(nl_pls_row_id(p, r), 0);
  assert_null(nl_pls_construct_name(p, c));
  assert_int_equal(nl_pls_construct_mode(p, c), NL_PLS_MODE_A);
  assert_int_equal(nl_pls_construct_is_endogenous(p, c), 0);
  assert_null(nl_pls_indicator_name(p, i));
  assert_int_equal(nl_pls_indicator_construct(p, i), 0);
  nl_pls_path_ends(p, k, &a, &b);
  assert_int_equal(a, 0);
  assert_int_equal(b, 0);
  nl_pls_path_ends(p, k, NULL, NULL);
  assert_null(nl_pls_specific_chain(p, h, &len));
  assert_int_equal(len, 0);
  assert_null(nl_pls_specific_chain(p, h, NULL));
  assert_int_equal(nl_pls_construct_kind(p, c), NL_PLS_KIND_ITEMS);
  a = b = 11;
  assert_int_equal(nl_pls_interaction_ends(p, c, &a, &b), 0);
  assert_int_equal(a, 11); /* left alone */
  assert_nan(nl_pls_weight(p, i));
  assert_nan(nl_pls_loading(p, i));
  assert_nan(nl_pls_cross_loading(p, i, 0));
  assert_nan(nl_pls_cross_loading(p, 0, c));
  assert_nan(nl_pls_path(p, c, 1));
  assert_nan(nl_pls_path(p, 0, c));
  assert_nan(nl_pls_total_effect(p, c, 1));
  assert_nan(nl_pls_total_effect(p, 0, c));
  assert_nan(nl_pls_indirect_effect(p, c, 2));
  assert_nan(nl_pls_indirect_effect(p, 0, c));
  assert_nan(nl_pls_specific_effect(p, h));
  assert_nan(nl_pls_rsq(p, c));
  assert_nan(nl_pls_adj_rsq(p, c));
  assert_nan(nl_pls_f2(p, c, 1));
  assert_nan(nl_pls_f2(p, 0, c));
  assert_nan(nl_pls_vif_inner(p, c, 2));
  assert_nan(nl_pls_vif_inner(p, 0, c));
  assert_nan(nl_pls_vif_outer(p, i));
  assert_nan(nl_pls_alpha(p, c));
  assert_nan(nl_pls_rho_a(p, c));
  assert_nan(nl_pls_rho_c(p, c));
  assert_nan(nl_pls_ave(p, c));
  assert_nan(nl_pls_htmt(p, c, 0));
  assert_nan(nl_pls_htmt(p, 0, c));
  assert_nan(nl_pls_construct_cor(p, c, 0));
  assert_nan(nl_pls_construct_cor(p, 0, c));
  assert_nan(nl_pls_score(p, r, 0));
  assert_nan(nl_pls_score(p, 0, c));
  assert_nan(nl_pls_htmt_upper(p, c, 0));
  assert_nan(nl_pls_htmt_upper(p, 0, c));
  assert_nan(nl_pls_boot_value(p, NL_PLS_Q_WEIGHT, i, 0, 0));
  assert_nan(nl_pls_boot_value(p, NL_PLS_Q_LOADING, i, 0, 0));
  assert_nan(nl_pls_boot_value(p, NL_PLS_Q_SPECIFIC, h, 0, 0));
  assert_nan(nl_pls_boot_value(p, NL_PLS_Q_RSQ, c, 0, 0));
  for (int q = NL_PLS_Q_PATH; q <= NL_PLS_Q_HTMT; q++) { /* pairs of constructs */
    if (q == NL_PLS_Q_SPECIFIC || q == NL_PLS_Q_RSQ) continue;
    assert_nan(nl_pls_boot_value(p, (nl_pls_quantity)q, c, 2, 0));
    assert_nan(nl_pls_boot_value(p, (nl_pls_quantity)q, 0, c, 0));
  }
  assert_nan(nl_pls_boot_value(p, NL_PLS_Q_PATH, 0, 1, r)); /* resample r >= nl_pls_boot_n */
  assert_nan(nl_pls_predict_value(p, r, 3, 0));
  assert_nan(nl_pls_predict_value(p, 0, i, 1));
  assert_nan(nl_pls_ipma_importance(p, c));
  assert_nan(nl_pls_ipma_performance(p, c));
  assert_nan(nl_pls_ipma_indicator_importance(p, i));
  assert_nan(nl_pls_ipma_indicator_performance(p, i));
}

/* Every getter at every index in range of p's counts (so ASan sees counts larger than the arrays
 * behind them), then one past each count and (size_t)-1. Values in range are only checked for
 * consistency (names non-NULL, indices within their counts): a NaN is a legal estimate. */
static void sweep_pls(const nl_pls *p) {
  size_t nc = nl_pls_n_constructs(p), ni = nl_pls_n_indicators(p), np = nl_pls_n_paths(p);
  size_t nspec = nl_pls_n_specific(p), n = nl_pls_nobs(p), nb = nl_pls_boot_n(p);
  double sum = 0; /* every value read, so the reads are not optimized away */
  for (size_t j = 0; j < nc; j++) {
    assert_non_null(nl_pls_construct_name(p, j));
    size_t a = 0, b = 0;
    if (nl_pls_interaction_ends(p, j, &a, &b)) assert_true(a < nc && b < nc);
    sum += (double)nl_pls_construct_mode(p, j) + (double)nl_pls_construct_kind(p, j) +
           nl_pls_construct_is_endogenous(p, j) + nl_pls_rsq(p, j) + nl_pls_adj_rsq(p, j) + nl_pls_alpha(p, j) +
           nl_pls_rho_a(p, j) + nl_pls_rho_c(p, j) + nl_pls_ave(p, j) + nl_pls_ipma_importance(p, j) +
           nl_pls_ipma_performance(p, j) + nl_pls_boot_value(p, NL_PLS_Q_RSQ, j, 0, 0);
    for (size_t k = 0; k < nc; k++)
      sum += nl_pls_path(p, j, k) + nl_pls_total_effect(p, j, k) + nl_pls_indirect_effect(p, j, k) + nl_pls_f2(p, j, k) +
             nl_pls_vif_inner(p, j, k) + nl_pls_htmt(p, j, k) + nl_pls_construct_cor(p, j, k) + nl_pls_htmt_upper(p, j, k) +
             nl_pls_boot_value(p, NL_PLS_Q_TOTAL, j, k, nb ? nb - 1 : 0) + nl_pls_boot_value(p, NL_PLS_Q_HTMT, j, k, 0);
  }
  for (size_t i = 0; i < ni; i++) {
    assert_non_null(nl_pls_indicator_name(p, i));
    assert_true(nl_pls_indicator_construct(p, i) < nc);
    sum += nl_pls_weight(p, i) + nl_pls_loading(p, i) + nl_pls_vif_outer(p, i) + nl_pls_ipma_indicator_importance(p, i) +
           nl_pls_ipma_indicator_performance(p, i) + nl_pls_boot_value(p, NL_PLS_Q_LOADING, i, 0, 0);
    for (size_t j = 0; j < nc; j++) sum += nl_pls_cross_loading(p, i, j);
  }
  for (size_t k = 0; k < np; k++) {
    size_t a = OUT, b = OUT;
    nl_pls_path_ends(p, k, &a, &b);
    assert_true(a < nc && b < nc);
  }
  for (size_t h = 0; h < nspec; h++) {
    size_t len = 0;
    const size_t *chain = nl_pls_specific_chain(p, h, &len);
    assert_true(chain && len >= 3 && len <= nc);
    for (size_t q = 0; q < len; q++) assert_true(chain[q] < nc);
    sum += nl_pls_specific_effect(p, h) + nl_pls_boot_value(p, NL_PLS_Q_SPECIFIC, h, 0, 0);
  }
  for (size_t r = 0; r < n; r++) {
    size_t id = nl_pls_row_id(p, r);
    assert_true(id >= 1 && id <= nl_pls_nrows_data(p));
    for (size_t j = 0; j < nc; j++) sum += nl_pls_score(p, r, j);
    for (size_t i = 0; i < ni; i++) sum += nl_pls_predict_value(p, r, i, 0) + nl_pls_predict_value(p, r, i, 1);
  }
  for (size_t r = 0; r < nb; r++) sum += nl_pls_boot_value(p, NL_PLS_Q_WEIGHT, 0, 0, r);
  size_t t = nl_pls_ipma_target(p);
  assert_true(t == OUT || t < nc);
  (void)sum;
  assert_pls_out_of_range(p, nc, ni, np, nspec, n);
  assert_pls_out_of_range(p, OUT, OUT, OUT, OUT, OUT);
}

/* The counts and summaries of a handle with no estimate, bootstrap, prediction or IPMA. */
static void assert_pls_nothing_run(const nl_pls *p) {
  assert_int_equal(nl_pls_iterations(p), 0);
  assert_int_equal(nl_pls_converged(p), 0);
  assert_nan(nl_pls_weight_change(p));
  assert_nan(nl_pls_weight(p, 0));
  assert_nan(nl_pls_path(p, 0, 1));
  assert_nan(nl_pls_score(p, 0, 0));
  assert_int_equal(nl_pls_boot_n(p), 0);
  assert_int_equal(nl_pls_boot_failed(p), 0);
  assert_int_equal(nl_pls_boot_nonconverged(p), 0);
  assert_nan(nl_pls_boot_value(p, NL_PLS_Q_PATH, 0, 1, 0));
  assert_nan(nl_pls_htmt_upper(p, 0, 1));
  assert_int_equal(nl_pls_predict_folds(p), 0);
  assert_int_equal(nl_pls_predict_reps(p), 0);
  assert_int_equal(nl_pls_predict_nonconverged(p), 0);
  assert_nan(nl_pls_predict_value(p, 0, 3, 0));
  assert_int_equal(nl_pls_ipma_target(p), OUT);
  assert_nan(nl_pls_ipma_importance(p, 0));
  assert_nan(nl_pls_ipma_indicator_performance(p, 0));
}

static void test_pls_null(void **state) {
  (void)state;
  assert_int_equal(nl_pls_data_nrow(NULL), 0);
  assert_int_equal(nl_pls_data_ncol(NULL), 0);
  assert_int_equal(nl_pls_nobs(NULL), 0);
  assert_int_equal(nl_pls_nrows_data(NULL), 0);
  assert_int_equal(nl_pls_n_constructs(NULL), 0);
  assert_int_equal(nl_pls_n_indicators(NULL), 0);
  assert_int_equal(nl_pls_n_paths(NULL), 0);
  assert_int_equal(nl_pls_n_specific(NULL), 0);
  assert_null(nl_pls_first_stage(NULL));
  assert_pls_nothing_run(NULL);
  assert_pls_out_of_range(NULL, 0, 0, 0, 0, 0);
  assert_int_equal(nl_pls_mga_n_groups(NULL), 0);
  assert_null(nl_pls_mga_group_label(NULL, 0));
  assert_null(nl_pls_mga_group(NULL, 0));
  assert_null(nl_pls_mga_pooled(NULL));
  assert_int_equal(nl_pls_mga_invariance(NULL, 0, 1), -1);
  assert_string_equal(nl_pls_preset_name(NL_PLS_PRESET_SEMINR), "seminr");
  assert_string_equal(nl_pls_preset_name(NL_PLS_PRESET_NONE), "netlearn");
  assert_string_equal(nl_pls_preset_name((nl_pls_preset)99), "netlearn");
  assert_string_equal(nl_pls_preset_name((nl_pls_preset)-1), "netlearn");
}

static void test_pls(void **state) {
  (void)state;
  nl_pls_data *d = mobi();
  assert_int_equal(nl_pls_data_nrow(d), 250);
  assert_int_equal(nl_pls_data_ncol(d), 25);
  nl_pls_model *m = NULL;
  nl_pls *p = prepare(ECSI, d, &m);
  size_t nc = nl_pls_n_constructs(p), ni = nl_pls_n_indicators(p), np = nl_pls_n_paths(p), n = nl_pls_nobs(p);
  assert_int_equal(nc, 4);
  assert_int_equal(ni, 12);
  assert_int_equal(np, 4);
  assert_int_equal(n, 250);
  assert_int_equal(nl_pls_nrows_data(p), 250);
  size_t nspec = nl_pls_n_specific(p);
  assert_int_equal(nspec, 4); /* I-E-S, I-S-L, E-S-L, I-E-S-L */
  /* prepared, not estimated: structure, but no estimates */
  assert_pls_nothing_run(p);
  sweep_pls(p);

  assert_int_equal(nl_pls_estimate(p), NL_OK);
  assert_true(nl_pls_iterations(p) > 0);
  assert_int_equal(nl_pls_converged(p), 1);
  assert_true(nl_pls_weight_change(p) < 1e-7);
  sweep_pls(p);
  size_t a = 9, b = 9, len = 0;
  /* in range */
  assert_int_equal(nl_pls_row_id(p, 0), 1);
  assert_string_equal(nl_pls_construct_name(p, 3), "Loyalty");
  assert_string_equal(nl_pls_indicator_name(p, 11), "CUSL3");
  assert_int_equal(nl_pls_indicator_construct(p, 11), 3);
  assert_int_equal(nl_pls_construct_is_endogenous(p, 3), 1);
  assert_int_equal(nl_pls_construct_is_endogenous(p, 0), 0);
  nl_pls_path_ends(p, 0, &a, &b);
  assert_true(a == 0 && b == 1); /* Image -> Expectation */
  assert_non_null(nl_pls_specific_chain(p, 0, &len));
  assert_true(len >= 3);
  assert_true(nl_pls_path(p, 0, 1) > 0.3);
  assert_true(nl_pls_path(p, 1, 0) == 0); /* no such path */
  assert_nan(nl_pls_rsq(p, 0));           /* exogenous */
  assert_true(fabs(nl_pls_construct_cor(p, 2, 2) - 1) < 1e-12);
  assert_null(nl_pls_first_stage(p));
  assert_int_equal(nl_pls_construct_kind(p, 0), NL_PLS_KIND_ITEMS);
  assert_int_equal(nl_pls_interaction_ends(p, 0, &a, &b), 0);

  /* bootstrap, PLSpredict, IPMA */
  nl_pls_boot_options bo;
  nl_pls_boot_options_default(&bo);
  bo.nboot = 20;
  bo.seed = 3;
  assert_int_equal(nl_pls_bootstrap(p, &bo), NL_OK);
  size_t nb = nl_pls_boot_n(p);
  assert_int_equal(nb + nl_pls_boot_failed(p), 20);
  assert_true(nl_pls_boot_nonconverged(p) <= nb);
  assert_nan(nl_pls_boot_value(p, NL_PLS_Q_PATH, 0, 1, nb));
  assert_nan(nl_pls_boot_value(p, NL_PLS_Q_PATH, 0, 3, 0)); /* not a path */
  assert_nan(nl_pls_boot_value(p, NL_PLS_Q_RSQ, 0, 0, 0));  /* exogenous */
  assert_nan(nl_pls_boot_value(p, NL_PLS_Q_HTMT, 1, 1, 0)); /* diagonal */
  assert_nan(nl_pls_boot_value(p, (nl_pls_quantity)99, 0, 0, 0));
  assert_nan(nl_pls_boot_value(p, (nl_pls_quantity)-1, 0, 0, 0));
  assert_number(nl_pls_boot_value(p, NL_PLS_Q_PATH, 0, 1, nb - 1));
  assert_nan(nl_pls_htmt_upper(p, 1, 1));
  assert_number(nl_pls_htmt_upper(p, 0, 1));
  nl_pls_predict_options po;
  nl_pls_predict_options_default(&po);
  po.folds = 2;
  po.reps = 1;
  assert_int_equal(nl_pls_predict(p, &po), NL_OK);
  assert_int_equal(nl_pls_predict_folds(p), 2);
  assert_int_equal(nl_pls_predict_reps(p), 1);
  assert_true(nl_pls_predict_nonconverged(p) <= 2);
  assert_nan(nl_pls_predict_value(p, 0, 0, 0)); /* an indicator of an exogenous construct */
  assert_number(nl_pls_predict_value(p, 0, 3, 0));
  assert_number(nl_pls_predict_value(p, 0, 3, 1));
  assert_int_equal(nl_pls_ipma(p, 3, NAN, NAN), NL_OK);
  assert_int_equal(nl_pls_ipma_target(p), 3);
  assert_nan(nl_pls_ipma_importance(p, 3)); /* the target itself */
  double perf = nl_pls_ipma_performance(p, 0);
  assert_true(perf > 0 && perf < 100);
  assert_number(nl_pls_ipma_indicator_importance(p, 0));
  sweep_pls(p);
  nl_pls_free(p);
  nl_pls_model_free(m);

  /* an interaction term: construct 3 is Image:Expectation, from a first stage */
  p = prepare("Image =~ IMAG1 + IMAG2 + IMAG3\nExpectation =~ CUEX1 + CUEX2 + CUEX3\n"
              "Satisfaction =~ CUSA1 + CUSA2 + CUSA3\nSatisfaction ~ Image + Expectation + Image:Expectation\n",
              d, &m);
  assert_int_equal(nl_pls_n_constructs(p), 4);
  assert_int_equal(nl_pls_construct_kind(p, 3), NL_PLS_KIND_INTERACTION);
  assert_int_equal(nl_pls_construct_kind(p, 4), NL_PLS_KIND_ITEMS);
  a = b = 9;
  assert_int_equal(nl_pls_interaction_ends(p, 3, &a, &b), 1);
  assert_true(a == 0 && b == 1);
  assert_int_equal(nl_pls_interaction_ends(p, 3, NULL, NULL), 1);
  assert_int_equal(nl_pls_interaction_ends(p, 4, &a, &b), 0);
  assert_int_equal(nl_pls_interaction_ends(p, OUT, &a, &b), 0);
  const nl_pls *first = nl_pls_first_stage(p);
  assert_non_null(first);
  assert_int_equal(nl_pls_n_constructs(first), 3);
  assert_null(nl_pls_first_stage(first));
  sweep_pls(first);
  sweep_pls(p);
  assert_int_equal(nl_pls_estimate(p), NL_OK);
  sweep_pls(p);
  nl_pls_free(p);
  nl_pls_model_free(m);
  nl_pls_data_free(d);
}

static void test_pls_mga(void **state) {
  (void)state;
  nl_pls_data *d = mobi();
  nl_pls_model *m = NULL;
  assert_int_equal(nl_pls_model_parse(ECSI, "m.txt", &m), NL_OK);
  nl_pls_mga *g = NULL;
  if (nl_pls_mga_prepare(m, d, NULL, "group", &g)) fail_msg("%s", nl_pls_mga_errmsg(g));
  assert_int_equal(nl_pls_mga_n_groups(g), 2);
  assert_string_equal(nl_pls_mga_group_label(g, 1), "2");
  assert_null(nl_pls_mga_group_label(g, 2));
  assert_null(nl_pls_mga_group_label(g, OUT));
  assert_int_equal(nl_pls_nobs(nl_pls_mga_group(g, 0)), 125);
  assert_null(nl_pls_mga_group(g, 2));
  assert_null(nl_pls_mga_group(g, OUT));
  assert_int_equal(nl_pls_nobs(nl_pls_mga_pooled(g)), 250);
  assert_int_equal(nl_pls_mga_invariance(g, 0, 1), -1); /* not run */
  nl_pls_mga_options o;
  nl_pls_mga_options_default(&o);
  o.nboot = 10;
  o.nperm = 10;
  assert_int_equal(nl_pls_mga_run(g, &o), NL_OK);
  for (size_t k = 0; k < 2; k++) sweep_pls(nl_pls_mga_group(g, k));
  sweep_pls(nl_pls_mga_pooled(g));
  int inv = nl_pls_mga_invariance(g, 0, 1);
  assert_true(inv >= 0 && inv <= 2);
  assert_int_equal(nl_pls_mga_invariance(g, 1, 0), -1);
  assert_int_equal(nl_pls_mga_invariance(g, 0, 0), -1);
  assert_int_equal(nl_pls_mga_invariance(g, 0, 2), -1);
  assert_int_equal(nl_pls_mga_invariance(g, OUT, OUT), -1);
  nl_pls_mga_free(g);
  nl_pls_model_free(m);
  nl_pls_data_free(d);
}

/* ---- power.h -------------------------------------------------------------------------------- */

static void test_power(void **state) {
  (void)state;
  for (int pass = 0; pass < 2; pass++) {
    nl_power *pw = NULL;
    if (pass) {
      nl_power_options o;
      nl_power_options_default(&o);
      if (nl_power_parse("X =~ 0.8*x1 + 0.8*x2 + 0.8*x3\nY =~ 0.8*y1 + 0.8*y2 + 0.8*y3\nY ~ 0.4*X\n", "pw", &o, &pw))
        fail_msg("%s", nl_power_errmsg(pw));
    }
    size_t ni = pass ? 6 : 0, np = pass ? 1 : 0;
    assert_int_equal(nl_power_n_indicators(pw), ni);
    assert_int_equal(nl_power_n_paths(pw), np);
    const size_t bad[] = {ni, np, OUT};
    for (size_t b = 0; b < 3; b++) {
      size_t i = bad[b];
      if (i >= ni) {
        assert_null(nl_power_indicator_name(pw, i));
        assert_nan(nl_power_population_cor(pw, i, 0));
        assert_nan(nl_power_population_cor(pw, 0, i));
      }
      if (i >= np) {
        assert_null(nl_power_path_from(pw, i));
        assert_null(nl_power_path_to(pw, i));
        assert_nan(nl_power_path_value(pw, i));
        assert_nan(nl_power_path_pls_value(pw, i));
      }
    }
    assert_int_equal(nl_power_failed(pw), 0); /* no run */
    assert_int_equal(nl_power_nonconverged(pw), 0);
    if (pass) {
      assert_string_equal(nl_power_indicator_name(pw, 5), "y3");
      assert_true(fabs(nl_power_population_cor(pw, 0, 0) - 1) < 1e-12);
      assert_true(fabs(nl_power_population_cor(pw, 0, 1) - 0.64) < 1e-12);
      assert_string_equal(nl_power_path_from(pw, 0), "X");
      assert_string_equal(nl_power_path_to(pw, 0), "Y");
      assert_true(nl_power_path_value(pw, 0) == 0.4);
      assert_number(nl_power_path_pls_value(pw, 0));
      for (size_t i = 0; i < ni; i++) {
        assert_non_null(nl_power_indicator_name(pw, i));
        for (size_t k = 0; k < ni; k++) assert_true(fabs(nl_power_population_cor(pw, i, k)) <= 1);
      }
    }
    nl_power_free(pw);
  }
}

/* ---- calibrate.h ---------------------------------------------------------------------------- */

static void test_calibrate(void **state) {
  (void)state;
  for (int pass = 0; pass < 3; pass++) { /* NULL, not loaded, loaded */
    nl_calib *c = pass ? nl_calib_new() : NULL;
    if (pass == 2 &&
        nl_calib_load_string(c,
                             "simulation: {model: march1991, parameters: {m: 10, n: 10}, stop: {until: periods, periods: 5}}\n"
                             "parameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]}\nreplications: 4\nseed: 3\n"
                             "targets:\n  - {measure: code_knowledge, stat: mean, value: 0.8, se: 0.01}\n"
                             "  - {measure: code_knowledge, stat: sd, value: 0.1, se: 0.01}\n",
                             "c.yaml"))
      fail_msg("%s", nl_calib_errmsg(c));
    size_t np = pass == 2 ? 2 : 0, nt = pass == 2 ? 2 : 0;
    assert_int_equal(nl_calib_nparams(c), np);
    assert_int_equal(nl_calib_ntargets(c), nt);
    assert_null(nl_calib_param_name(c, np));
    assert_null(nl_calib_param_name(c, OUT));
    assert_null(nl_calib_target_label(c, nt));
    assert_null(nl_calib_target_label(c, OUT));
    assert_string_equal(nl_calib_identification(c), ""); /* no run */
    if (pass < 2) {
      assert_int_equal(nl_calib_replications(c) <= 1, 1);
      if (!pass) assert_null(nl_calib_scenario(c));
    } else {
      assert_non_null(nl_calib_scenario(c));
      assert_int_equal(nl_calib_replications(c), 4);
      assert_string_equal(nl_calib_param_name(c, 1), "p2");
      assert_non_null(strstr(nl_calib_target_label(c, 1), "code_knowledge"));
    }
    nl_calib_free(c);
  }
}

/* ---- sensitivity.h -------------------------------------------------------------------------- */

static void linear(const double *x, double *y, void *ctx) {
  (void)ctx;
  y[0] = x[0] + 2 * x[1];
}

/* The results of output j, factor i, all NaN (interval ends too). */
static void assert_no_index(const nl_sensitivity *s, size_t j, size_t i) {
  double lo = 0, hi = 0;
  assert_nan(nl_sensitivity_s1(s, j, i, &lo, &hi));
  assert_true(isnan(lo) && isnan(hi));
  lo = hi = 0;
  assert_nan(nl_sensitivity_st(s, j, i, &lo, &hi));
  assert_true(isnan(lo) && isnan(hi));
  lo = hi = 0;
  assert_nan(nl_sensitivity_s2(s, j, 0, i, &lo, &hi));
  assert_true(isnan(lo) && isnan(hi));
  assert_nan(nl_sensitivity_s2(s, j, i, i, NULL, NULL));
  assert_nan(nl_sensitivity_mu(s, j, i));
  lo = hi = 0;
  assert_nan(nl_sensitivity_mu_star(s, j, i, &lo, &hi));
  assert_true(isnan(lo) && isnan(hi));
  assert_nan(nl_sensitivity_sigma(s, j, i));
  assert_nan(nl_sensitivity_s1(s, j, i, NULL, NULL));
}

static void assert_no_row(const nl_sensitivity *s, size_t i) {
  assert_null(nl_sensitivity_row(s, i));
  assert_int_equal(nl_sensitivity_row_fresh(s, i), 0);
  assert_int_equal(nl_sensitivity_row_base(s, i), -1);
  assert_null(nl_sensitivity_row_output(s, i));
}

static void test_sensitivity(void **state) {
  (void)state;
  assert_int_equal(nl_sensitivity_nfactors(NULL), 0);
  assert_null(nl_sensitivity_factor_name(NULL, 0));
  assert_int_equal(nl_sensitivity_nrows(NULL), 0);
  assert_no_row(NULL, 0);
  assert_nan(nl_sensitivity_variance(NULL, 0));
  assert_no_index(NULL, 0, 0);

  nl_sensitivity *s = nl_sensitivity_new();
  assert_int_equal(nl_sensitivity_factor(s, "a", 0, 1, 0), NL_OK);
  assert_int_equal(nl_sensitivity_factor(s, "b", 0, 1, 0), NL_OK);
  assert_int_equal(nl_sensitivity_nfactors(s), 2); /* no design: no dummy yet */
  assert_null(nl_sensitivity_factor_name(s, 2));
  assert_int_equal(nl_sensitivity_nrows(s), 0);
  assert_no_row(s, 0);
  assert_nan(nl_sensitivity_variance(s, 0));
  assert_no_index(s, 0, 0); /* not analysed */
  nl_sensitivity_options o;
  nl_sensitivity_options_default(&o);
  o.n = 16;
  o.resamples = 10;
  assert_int_equal(nl_sensitivity_design(s, &o, 1), NL_OK);
  assert_int_equal(nl_sensitivity_evaluate(s, linear, NULL), NL_OK);
  assert_int_equal(nl_sensitivity_analyze(s, 0), NL_OK);
  size_t k = nl_sensitivity_nfactors(s), rows = nl_sensitivity_nrows(s);
  assert_int_equal(k, 3);
  assert_string_equal(nl_sensitivity_factor_name(s, 1), "b");
  assert_string_equal(nl_sensitivity_factor_name(s, 2), "dummy");
  assert_null(nl_sensitivity_factor_name(s, 3));
  assert_null(nl_sensitivity_factor_name(s, OUT));
  assert_true(rows >= 16);
  assert_no_row(s, rows);
  assert_no_row(s, OUT);
  const double *x = nl_sensitivity_row(s, rows - 1);
  assert_true(nl_sensitivity_row_output(s, rows - 1)[0] == x[0] + 2 * x[1]);
  assert_int_equal(nl_sensitivity_row_fresh(s, rows - 1) >> 1, 0);
  assert_true(nl_sensitivity_row_base(s, rows - 1) >= 0);
  assert_nan(nl_sensitivity_variance(s, 1));
  assert_nan(nl_sensitivity_variance(s, OUT));
  assert_true(nl_sensitivity_variance(s, 0) > 0);
  assert_no_index(s, 0, k);
  assert_no_index(s, 0, OUT);
  assert_no_index(s, 1, 0);
  assert_no_index(s, OUT, 0);
  assert_true(nl_sensitivity_st(s, 0, 1, NULL, NULL) > nl_sensitivity_st(s, 0, 0, NULL, NULL));
  double sum = 0; /* every row and index in range */
  for (size_t i = 0; i < rows; i++) {
    const double *xi = nl_sensitivity_row(s, i), *yi = nl_sensitivity_row_output(s, i);
    assert_true(xi && yi);
    sum += xi[0] + xi[1] + yi[0] + nl_sensitivity_row_fresh(s, i) + (double)nl_sensitivity_row_base(s, i);
  }
  for (size_t i = 0; i < k; i++) {
    assert_non_null(nl_sensitivity_factor_name(s, i));
    sum += nl_sensitivity_s1(s, 0, i, NULL, NULL) + nl_sensitivity_mu(s, 0, i) + nl_sensitivity_sigma(s, 0, i) +
           nl_sensitivity_mu_star(s, 0, i, NULL, NULL);
    for (size_t i2 = 0; i2 < k; i2++) sum += nl_sensitivity_s2(s, 0, i, i2, NULL, NULL);
  }
  (void)sum;
  /* a factor added after the analysis clears the design and the results */
  assert_int_equal(nl_sensitivity_factor(s, "c", 0, 1, 0), NL_OK);
  assert_int_equal(nl_sensitivity_nfactors(s), 3);
  assert_string_equal(nl_sensitivity_factor_name(s, 2), "c");
  assert_int_equal(nl_sensitivity_nrows(s), 0);
  assert_no_row(s, 0);
  assert_nan(nl_sensitivity_variance(s, 0));
  assert_no_index(s, 0, 0);
  nl_sensitivity_free(s);
}

static void test_sensitivity_spec(void **state) {
  (void)state;
  for (int pass = 0; pass < 2; pass++) {
    nl_sensitivity_spec *p = pass ? nl_sensitivity_spec_new() : NULL;
    assert_string_equal(nl_sensitivity_spec_name(p), "");
    assert_null(nl_sensitivity_spec_scenario(p));
    assert_int_equal(nl_sensitivity_spec_noutputs(p), 0);
    assert_null(nl_sensitivity_spec_output(p, 0));
    assert_null(nl_sensitivity_spec_output(p, OUT));
    if (!pass) {
      assert_null(nl_sensitivity_spec_analysis(p));
      assert_null(nl_sensitivity_spec_options(p));
      assert_int_equal(nl_sensitivity_spec_replications(p), 0);
    }
    nl_sensitivity_spec_free(p);
  }
  nl_sensitivity_spec *p = nl_sensitivity_spec_new();
  if (nl_sensitivity_spec_load_string(p,
                                      "name: sp\nscenario:\n  model: march1991\n  parameters: {m: 10, n: 10}\n"
                                      "  replications: 2\n  seed: 1\n  stop: {until: periods, periods: 5}\n"
                                      "method: morris\nn: 4\nparameters:\n  p1: {from: 0.1, to: 0.9}\n"
                                      "  p2: {from: 0.1, to: 0.9}\noutputs:\n  - code_knowledge\n",
                                      "sp.yaml"))
    fail_msg("%s", nl_sensitivity_spec_errmsg(p));
  assert_string_equal(nl_sensitivity_spec_name(p), "sp");
  assert_non_null(nl_sensitivity_spec_scenario(p));
  assert_int_equal(nl_sensitivity_nfactors(nl_sensitivity_spec_analysis(p)), 3); /* p1, p2, dummy */
  assert_int_equal(nl_sensitivity_spec_options(p)->method, NL_SENS_MORRIS);
  assert_int_equal(nl_sensitivity_spec_replications(p), 2);
  assert_int_equal(nl_sensitivity_spec_noutputs(p), 1);
  assert_string_equal(nl_sensitivity_spec_output(p, 0), "code_knowledge");
  assert_null(nl_sensitivity_spec_output(p, 1));
  assert_null(nl_sensitivity_spec_output(p, OUT));
  nl_sensitivity_spec_free(p);
}

/* ---- study.h, survey.h ---------------------------------------------------------------------- */

static const char *TINY = "name: tiny\nsimulation:\n  model: coopnet\n  parameters: {firms: 40, n: 10, n_max: 40}\n"
                          "  replications: 2\n  seed: 7\n  stop: {until: periods, periods: 20}\n"
                          "survey: {period: 20, window: 10, sample: 30}\n"
                          "analysis: {boot: 20, contrasts: false, power: [20, 40]}\n";

static void test_study(void **state) {
  (void)state;
  char buf[64];
  assert_non_null(strstr(nl_study_default_text(), "simulation:"));
  for (int pass = 0; pass < 3; pass++) { /* NULL, not loaded, loaded */
    nl_study *s = pass ? nl_study_new() : NULL;
    if (pass == 2 && nl_study_load_string(s, TINY, "t.yaml")) fail_msg("%s", nl_study_errmsg(s));
    size_t nc = nl_study_nconstructs(s), nsz = nl_study_power_nsizes(s);
    if (pass < 2) {
      assert_string_equal(nl_study_name(s), "");
      assert_int_equal(nl_study_npoints(s), 0);
      assert_int_equal(nl_study_nhypotheses(s), 0);
      assert_int_equal(nc, 0);
      assert_int_equal(nsz, 0);
      if (!pass) {
        assert_null(nl_study_scenario(s));
        assert_int_equal(nl_study_replications(s), 0);
      }
    } else {
      assert_string_equal(nl_study_name(s), "tiny");
      assert_non_null(nl_study_scenario(s));
      assert_int_equal(nl_study_replications(s), 2);
      assert_int_equal(nl_study_npoints(s), 1);
      assert_true(nl_study_nhypotheses(s) > 0);
      assert_true(nc > 0);
      assert_int_equal(nsz, 2);
      assert_int_equal(nl_study_power_size(s, 1), 40);
      assert_non_null(nl_study_construct_name(s, nc - 1));
    }
    assert_int_equal(nl_study_power_size(s, nsz), 0);
    assert_int_equal(nl_study_power_size(s, OUT), 0);
    assert_null(nl_study_construct_name(s, nc));
    assert_null(nl_study_construct_name(s, OUT));
    assert_int_equal(nl_study_path_index(s, nc, 0), -1);
    assert_int_equal(nl_study_path_index(s, OUT, OUT), -1);
    strcpy(buf, "x");
    assert_int_equal(nl_study_flat_constructs(s, 0, 0, buf, sizeof buf), 0); /* not run */
    assert_string_equal(buf, "");
    assert_int_equal(nl_study_flat_constructs(s, OUT, -1, NULL, 8), 0);
    assert_int_equal(nl_study_flat_constructs(s, 0, LONG_MAX, buf, 0), 0);
    nl_study_free(s);
  }
}

static void test_survey(void **state) {
  (void)state;
  for (int pass = 0; pass < 3; pass++) { /* NULL, not run, run */
    nl_survey *sv = pass ? nl_survey_new() : NULL;
    nl_scenario *sc = NULL;
    if (pass == 2) {
      sc = nl_scenario_new();
      assert_int_equal(nl_scenario_load_string(sc, "model: coopnet\nparameters: {firms: 40, n: 10, n_max: 40}\n"
                                                   "stop: {until: periods, periods: 20}\nseed: 7\n",
                                               "c.yaml"),
                       NL_OK);
      assert_int_equal(nl_survey_set(sv, "period", 20), NL_OK);
      assert_int_equal(nl_survey_set(sv, "sample", 30), NL_OK);
      if (nl_survey_run(sv, nl_scenario_params(sc), 7, 0)) fail_msg("%s", nl_survey_errmsg(sv));
    }
    size_t rows = nl_survey_nrows(sv), cols = nl_survey_ncols(sv);
    assert_int_equal(rows, pass == 2 ? 30 : 0);
    if (pass < 2) assert_int_equal(cols, 0);
    assert_null(nl_survey_column(sv, cols));
    assert_null(nl_survey_column(sv, OUT));
    assert_nan(nl_survey_get(sv, rows, 0));
    assert_nan(nl_survey_get(sv, 0, cols));
    assert_nan(nl_survey_get(sv, OUT, OUT));
    if (pass == 2) {
      assert_string_equal(nl_survey_column(sv, 0), "firm");
      double u = nl_survey_get(sv, rows - 1, 0);
      assert_true(u >= 0 && u < 40);
      for (size_t j = 0; j < cols; j++) {
        assert_non_null(nl_survey_column(sv, j));
        for (size_t i = 0; i < rows; i++) assert_number(nl_survey_get(sv, i, j));
      }
    }
    nl_survey_free(sv);
    nl_scenario_free(sc);
  }
}

/* ---- handles whose construction failed ------------------------------------------------------ */

static int stop_now(void *user) {
  (void)user;
  return 1;
}

/* A constructor that fails still leaves a handle (the sqlite3_open convention) or a half-filled
 * one (a load, run or build that stopped): its getters stay consistent with its counts. */
static void test_failed_handles(void **state) {
  (void)state;
  /* PLS: an indicator not in the data; a constant indicator; a grouping column that is not there */
  nl_pls_data *d = mobi();
  const char *bad[] = {"A =~ IMAG1 + NOPE\nB =~ CUEX1 + CUEX2\nB ~ A\n",
                       "A =~ IMAG1 + IMAG2\nB =~ CUEX1 + CUEX2\nC =~ CUSA1\nB ~ A\nC ~ B\n"};
  for (size_t k = 0; k < 2; k++) {
    nl_pls_model *m = NULL;
    nl_pls *p = NULL;
    assert_int_equal(nl_pls_model_parse(bad[k], "m.txt", &m), NL_OK);
    if (k == 1) { /* CUSA1 constant: a copy of the data with that column set to 5 */
      size_t nr = nl_pls_data_nrow(d);
      double *x = calloc(nr * 5, sizeof *x);
      const char *names[] = {"IMAG1", "IMAG2", "CUEX1", "CUEX2", "CUSA1"};
      for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < 5; c++) x[c * nr + r] = c == 4 ? 5 : (double)((r * (c + 3)) % 7);
      nl_pls_data *d2 = NULL;
      assert_int_equal(nl_pls_data_from_matrix(x, nr, 5, names, &d2), NL_OK);
      free(x);
      assert_int_equal(nl_pls_prepare(m, d2, NULL, &p), NL_ENUMERIC);
      nl_pls_data_free(d2);
    } else {
      assert_int_equal(nl_pls_prepare(m, d, NULL, &p), NL_EINVAL);
    }
    assert_non_null(p);
    sweep_pls(p);
    assert_pls_nothing_run(p);
    assert_int_equal(nl_pls_estimate(p) == NL_OK, 0);
    sweep_pls(p);
    nl_pls_free(p);
    nl_pls_mga *g = NULL;
    assert_true(nl_pls_mga_prepare(m, d, NULL, k ? "no_such_column" : "group", &g) != NL_OK);
    assert_non_null(g);
    size_t ng = nl_pls_mga_n_groups(g);
    for (size_t j = 0; j < ng; j++) sweep_pls(nl_pls_mga_group(g, j));
    assert_null(nl_pls_mga_group(g, ng));
    assert_null(nl_pls_mga_group_label(g, ng));
    sweep_pls(nl_pls_mga_pooled(g));
    assert_int_equal(nl_pls_mga_invariance(g, 0, 1), -1);
    nl_pls_mga_free(g);
    nl_pls_model_free(m);
  }
  nl_pls_data_free(d);
  d = NULL;
  assert_int_equal(nl_pls_data_read(NL_DATA_DIR "/no_such_file.csv", &d), NL_EIO);
  assert_int_equal(nl_pls_data_nrow(d), 0);
  assert_int_equal(nl_pls_data_ncol(d), 0);
  nl_pls_data_free(d);

  /* power: a syntax error */
  nl_power *pw = NULL;
  assert_true(nl_power_parse("X =~ 0.8*x1 +\nY ~ ~\n", "pw", NULL, &pw) != NL_OK);
  assert_int_equal(nl_power_n_indicators(pw), 0);
  assert_null(nl_power_indicator_name(pw, 0));
  assert_nan(nl_power_population_cor(pw, 0, 0));
  assert_int_equal(nl_power_n_paths(pw), 0);
  assert_null(nl_power_path_from(pw, 0));
  assert_nan(nl_power_path_pls_value(pw, 0));
  nl_power_free(pw);

  /* a scenario whose load failed half-way; a design too large to build */
  nl_scenario *sc = nl_scenario_new();
  assert_true(nl_scenario_load_string(sc, "model: march1991\nparameters: {m: 10, n: 10}\n"
                                          "sweep:\n  design: grid\n  parameters:\n    p1: [0.1, 7]\n",
                                      "bad.yaml") != NL_OK);
  sweep_scenario(sc);
  nl_scenario_free(sc);
  sc = nl_scenario_new();
  assert_int_equal(nl_scenario_load_string(sc, GRID, "g.yaml"), NL_OK);
  nl_design *des = nl_design_new();
  assert_int_equal(nl_design_build(des, sc, 2), NL_ERANGE);
  assert_int_equal(nl_design_npoints(des), 0);
  sweep_design(des);
  nl_design_free(des);

  /* results of a run interrupted at once */
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = 1;
  cfg.interrupt = stop_now;
  nl_results *r = nl_results_new();
  assert_int_equal(nl_results_run(r, nl_scenario_params(sc), &cfg), NL_ECANCELED);
  sweep_results(r);
  nl_results_free(r);
  nl_scenario_free(sc);

  /* a sim whose parameters fail validation (n not a multiple of group_size) */
  nl_params *pp = nl_params_new(nl_model_find("fang2010"));
  assert_int_equal(nl_params_set_text(pp, "n", "20"), NL_OK);
  assert_int_equal(nl_params_set_text(pp, "group_size", "7"), NL_OK);
  nl_sim *s = nl_sim_new(pp);
  assert_int_equal(nl_sim_status(s), NL_EINVAL);
  assert_int_equal(nl_sim_at_equilibrium(s), 0);
  assert_int_equal(nl_sim_units(s), 0);
  assert_int_equal(nl_sim_unit_ties(s, NULL, NULL, NULL, 0), 0);
  double row[64];
  nl_sim_unit_row(s, 0, row);
  assert_nan(row[0]);
  nl_sim_free(s);
  nl_params_free(pp);

  /* a survey larger than the firms */
  nl_survey *sv = nl_survey_new();
  nl_params *cp = nl_params_new(nl_model_find("coopnet"));
  assert_int_equal(nl_params_set_text(cp, "firms", "20"), NL_OK);
  assert_int_equal(nl_survey_set(sv, "period", 5), NL_OK);
  assert_int_equal(nl_survey_set(sv, "sample", 30), NL_OK);
  assert_true(nl_survey_run(sv, cp, 1, 0) != NL_OK);
  assert_int_equal(nl_survey_nrows(sv), 0);
  assert_null(nl_survey_column(sv, nl_survey_ncols(sv)));
  assert_nan(nl_survey_get(sv, 0, 0));
  nl_survey_free(sv);
  nl_params_free(cp);

  /* study, calibration and sensitivity files that fail to load */
  nl_study *st = nl_study_new();
  assert_true(nl_study_load_string(st, "simulation: {model: coopnet}\nsurvey: {sample: 0}\n", "s.yaml") != NL_OK);
  size_t nc = nl_study_nconstructs(st);
  for (size_t j = 0; j < nc; j++) assert_non_null(nl_study_construct_name(st, j));
  assert_null(nl_study_construct_name(st, nc));
  assert_int_equal(nl_study_power_size(st, nl_study_power_nsizes(st)), 0);
  assert_int_equal(nl_study_path_index(st, nc, nc), -1);
  nl_study_free(st);
  nl_calib *c = nl_calib_new();
  assert_true(nl_calib_load_string(c, "simulation: {model: march1991}\nparameters: {p1: [0.05, 0.95], nope: [0, 1]}\n",
                                   "c.yaml") != NL_OK);
  for (size_t i = 0; i < nl_calib_nparams(c); i++) assert_non_null(nl_calib_param_name(c, i));
  assert_null(nl_calib_param_name(c, nl_calib_nparams(c)));
  for (size_t k = 0; k < nl_calib_ntargets(c); k++) assert_non_null(nl_calib_target_label(c, k));
  assert_null(nl_calib_target_label(c, nl_calib_ntargets(c)));
  nl_calib_free(c);
  nl_sensitivity_spec *sp = nl_sensitivity_spec_new();
  assert_true(nl_sensitivity_spec_load_string(sp, "scenario: {model: march1991}\nmethod: morris\nn: 4\n"
                                                  "parameters: {p1: {from: 0.1, to: 0.9}}\noutputs: [nope]\n",
                                              "sp.yaml") != NL_OK);
  size_t no = nl_sensitivity_spec_noutputs(sp);
  for (size_t j = 0; j < no; j++) assert_non_null(nl_sensitivity_spec_output(sp, j));
  assert_null(nl_sensitivity_spec_output(sp, no));
  const nl_sensitivity *sa = nl_sensitivity_spec_analysis(sp);
  assert_null(nl_sensitivity_row(sa, nl_sensitivity_nrows(sa)));
  assert_null(nl_sensitivity_factor_name(sa, nl_sensitivity_nfactors(sa)));
  nl_sensitivity_spec_free(sp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status),
      cmocka_unit_test(test_model_registry),
      cmocka_unit_test(test_model_descriptors),
      cmocka_unit_test(test_params),
      cmocka_unit_test(test_sim),
      cmocka_unit_test(test_scenario),
      cmocka_unit_test(test_design),
      cmocka_unit_test(test_results),
      cmocka_unit_test(test_network),
      cmocka_unit_test(test_plot_source),
      cmocka_unit_test(test_pls_null),
      cmocka_unit_test(test_pls),
      cmocka_unit_test(test_pls_mga),
      cmocka_unit_test(test_power),
      cmocka_unit_test(test_calibrate),
      cmocka_unit_test(test_sensitivity),
      cmocka_unit_test(test_sensitivity_spec),
      cmocka_unit_test(test_study),
      cmocka_unit_test(test_survey),
      cmocka_unit_test(test_failed_handles),
  };
  return cmocka_run_group_tests(tests, NULL, remove_tmp);
}
