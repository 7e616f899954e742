/*
 * The public model interface: nl_model_register's errors (wrong version, duplicate name, bad
 * tables), the recipe of docs/architecture.md ("how to add a model") checked on every model,
 * built-in or registered, and the example model of examples/api/ registered at run time and run
 * through the experiment engine, a sweep and results.db with its outputs checked against Bass
 * diffusion's analytic (q = 0) and mean-field (complete graph) expectations.
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

#include "diffusion.h"
#include "common/cli_harness.h" /* tmpdir, cli_setup, cli_teardown */
#include "netlearn/netlearn.h"

/* ---- a valid model to break one field at a time ---- */
static nl_status t_create(void **s, const nl_params *p, nl_errbuf *e) {
  (void)p, (void)e;
  *s = malloc(1);
  return *s ? NL_OK : NL_ENOMEM;
}
static nl_status t_reset(void *s, uint64_t seed, uint64_t r, nl_errbuf *e) {
  (void)s, (void)seed, (void)r, (void)e;
  return NL_OK;
}
static nl_status t_step(void *s, nl_errbuf *e) {
  (void)s;
  return nl_model_error(e, NL_ENUMERIC, "toy: step %d failed", 7);
}
static void t_observe(void *s, double *out) {
  (void)s;
  out[0] = 1;
}
static void t_destroy(void *s) { free(s); }
static const char *const shapes[] = {"ring", "star", NULL};
static const nl_param_desc t_params[] = {
    {"a", NL_PARAM_REAL, 0.5, 0, 1, NULL, NULL, "a number", NULL},
    {"shape", NL_PARAM_CHOICE, 1, 0, 0, shapes, NULL, "a choice", NULL},
};
static const nl_measure_desc t_measures[] = {{"x", "always 1"}};
static const nl_model toy = {
    .version = NL_MODEL_API_VERSION, .name = "toy", .title = "toy", .doc = "a toy",
    .params = t_params, .nparams = 2, .measures = t_measures, .nmeasures = 1,
    .create = t_create, .reset = t_reset, .step = t_step, .observe = t_observe, .destroy = t_destroy,
};

static void expect_refused(const nl_model *m, nl_status want, const char *fragment) {
  nl_errbuf e = {{0}};
  nl_status st = nl_model_register(m, &e);
  if (st != want || !strstr(e.msg, fragment))
    fail_msg("status %d (want %d), message '%s' (want '%s')", (int)st, (int)want, e.msg, fragment);
}

static void test_register_errors(void **unused) {
  (void)unused;
  size_t n0 = nl_model_count();
  nl_model m = toy;
  m.version = NL_MODEL_API_VERSION + 1;
  expect_refused(&m, NL_EINVAL, "model 'toy' was written for model interface version 2");
  m.version = 0;
  expect_refused(&m, NL_EINVAL, "interface version 0");
  m = toy, m.name = "march1991";
  expect_refused(&m, NL_EEXIST, "a model named 'march1991' is already registered (built in)");
  m = toy, m.name = "Toy Model";
  expect_refused(&m, NL_EINVAL, "model name 'Toy Model' is not lower-case letters");
  m = toy, m.step = NULL;
  expect_refused(&m, NL_EINVAL, "create, reset, step, observe and destroy must all be set");
  nl_param_desc bad[2];
  memcpy(bad, t_params, sizeof bad);
  bad[1].name = "a";
  m = toy, m.params = bad;
  expect_refused(&m, NL_EINVAL, "parameter 'a' is listed twice");
  memcpy(bad, t_params, sizeof bad);
  bad[0].def = 2;
  expect_refused(&m, NL_EINVAL, "parameter 'a': default 2 is outside its range [0, 1]");
  memcpy(bad, t_params, sizeof bad);
  bad[1].def = 2;
  expect_refused(&m, NL_EINVAL, "parameter 'shape': default index 2 is not one of its 2 choices");
  memcpy(bad, t_params, sizeof bad);
  bad[1].choices = NULL;
  expect_refused(&m, NL_EINVAL, "a choice needs a NULL-terminated list");
  memcpy(bad, t_params, sizeof bad);
  bad[0].doc = NULL;
  expect_refused(&m, NL_EINVAL, "parameter 'a' has no doc line");
  memcpy(bad, t_params, sizeof bad);
  bad[1].alias = "a";
  expect_refused(&m, NL_EINVAL, "parameter 'shape': its old name 'a' is empty or names another");
  memcpy(bad, t_params, sizeof bad);
  bad[0].min = 3;
  expect_refused(&m, NL_EINVAL, "range [3, 1] is not a finite min <= max");
  nl_measure_desc twice[2] = {{"x", ""}, {"x", ""}};
  m = toy, m.measures = twice, m.nmeasures = 2;
  expect_refused(&m, NL_EINVAL, "measure 'x' is listed twice");
  m = toy, m.unit_name = "agent";
  expect_refused(&m, NL_EINVAL, "units are described by unit_name, unit_fields");
  expect_refused(NULL, NL_EINVAL, "no model");
  assert_int_equal(nl_model_count(), n0); /* nothing refused was registered */

  /* a good one registers once; its callbacks' errors reach the caller with their message */
  nl_errbuf e = {{0}};
  assert_int_equal(nl_model_register(&toy, &e), NL_OK);
  assert_int_equal(nl_model_count(), n0 + 1);
  assert_ptr_equal(nl_model_find("toy"), &toy);
  expect_refused(&toy, NL_EEXIST, "a model named 'toy' is already registered");
  nl_params *p = nl_params_new(&toy);
  nl_sim *s = nl_sim_new(p);
  assert_int_equal(nl_sim_reset(s, 1, 0), NL_OK);
  assert_int_equal(nl_sim_step(s), NL_ENUMERIC);
  assert_string_equal(nl_sim_errmsg(s), "toy: step 7 failed");
  nl_sim_free(s);
  nl_params_free(p);
}

/* ---- the recipe: what every model, built-in or registered, must pass ---- */
static void check_model(const nl_model *m) {
  nl_errbuf e = {{0}};
  if (nl_model_check(m, &e)) fail_msg("%s", e.msg);
  const char *name = nl_model_name(m);
  assert_ptr_equal(nl_model_find(name), m);
  /* a built-in model: its registration line and its docs page (the recipe's steps 2 and 4) */
  if (strcmp(name, "diffusion")) {
    char path[512], line[256], want[128];
    snprintf(path, sizeof path, "%s/docs/%s.md", NL_SOURCE_DIR, name);
    if (access(path, F_OK)) fail_msg("model %s has no docs page %s", name, path);
    snprintf(path, sizeof path, "%s/src/models/registry.c", NL_SOURCE_DIR);
    snprintf(want, sizeof want, "&nl_model_%s,", name);
    FILE *f = fopen(path, "r");
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f)) found = strstr(line, want) != NULL;
    if (f) fclose(f);
    if (!found) fail_msg("model %s: no line '%s' in src/models/registry.c", name, want);
  }
  /* defaults through a scenario: parse, validate, run 2 replications of 6 periods on 1 and 2
   * threads, identical results (the reproducibility contract) and finite measures */
  char yaml[256];
  snprintf(yaml, sizeof yaml, "model: %s\nreplications: 2\nseed: 5\nstop: {until: periods, periods: 6}\n", name);
  nl_scenario *sc = nl_scenario_new();
  if (nl_scenario_load_string(sc, yaml, "recipe.yaml")) fail_msg("%s: %s", name, nl_scenario_errmsg(sc));
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  nl_results *r1 = nl_results_new(), *r2 = nl_results_new();
  cfg.threads = 1;
  if (nl_results_run(r1, nl_scenario_params(sc), &cfg)) fail_msg("%s: %s", name, nl_results_errmsg(r1));
  cfg.threads = 2;
  if (nl_results_run(r2, nl_scenario_params(sc), &cfg)) fail_msg("%s: %s", name, nl_results_errmsg(r2));
  size_t nm = nl_model_nmeasures(m);
  for (long rep = 0; rep < 2; rep++) {
    assert_int_equal(nl_results_rows(r1, rep), nl_results_rows(r2, rep));
    assert_memory_equal(nl_results_final(r1, rep), nl_results_final(r2, rep), nm * sizeof(double));
    for (size_t k = 0; k < nm; k++)
      if (!isfinite(nl_results_final(r1, rep)[k]) && strcmp(name, "coopnet"))
        fail_msg("%s: measure %s is not finite", name, nl_model_measure(m, k)->name);
  }
  /* units, when the model has them: a count and rows that depend on (seed, replication) only */
  if (nl_model_unit_name(m)) {
    nl_sim *s = nl_sim_new(nl_scenario_params(sc));
    assert_int_equal(nl_sim_status(s), NL_OK);
    assert_int_equal(nl_sim_reset(s, 5, 1), NL_OK);
    assert_int_equal(nl_sim_step(s), NL_OK);
    size_t U = nl_sim_units(s), F = nl_model_nunit_fields(m);
    assert_true(U > 0);
    double *a = malloc(U * F * sizeof *a), *b = malloc(U * F * sizeof *b);
    for (size_t u = 0; u < U; u++) nl_sim_unit_row(s, u, a + u * F);
    assert_int_equal(nl_sim_reset(s, 5, 1), NL_OK);
    assert_int_equal(nl_sim_step(s), NL_OK);
    for (size_t u = 0; u < U; u++) nl_sim_unit_row(s, u, b + u * F);
    assert_memory_equal(a, b, U * F * sizeof *a);
    free(a);
    free(b);
    nl_sim_free(s);
  }
  nl_results_free(r1);
  nl_results_free(r2);
  nl_scenario_free(sc);
}

static void test_recipe_every_model(void **unused) {
  (void)unused;
  nl_errbuf e = {{0}};
  if (!nl_model_find("diffusion") && nl_model_register(&nl_example_diffusion, &e)) fail_msg("%s", e.msg);
  size_t n = nl_model_count(), seen = 0;
  assert_true(n >= 5);
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(nl_model_name(nl_model_at(i)), "toy")) continue; /* fails on purpose in step */
    check_model(nl_model_at(i));
    seen++;
  }
  assert_true(seen >= 5); /* the four built-in models and the example */
}

/* ---- the example through the engine, a sweep and results.db ---- */

/* Expected share adopted after t periods with q = 0: the mean over u ~ U(0,1) of 1 - (1 - 2pu)^t. */
static double analytic_q0(double p, long t) {
  return 1 - (1 - pow(1 - 2 * p, (double)(t + 1))) / (2 * p * (double)(t + 1));
}

/* Mean-field expectation on the complete graph: survival S(u) of 2000 innovativeness bins, each
 * period hazard 2pu + q F (F the share adopted at the period's start). */
static double meanfield(double p, double q, long T) {
  enum { B = 2000 };
  double S[B];
  for (int b = 0; b < B; b++) S[b] = 1;
  double F = 0;
  for (long t = 0; t < T; t++) {
    double next = 0;
    for (int b = 0; b < B; b++) {
      double u = (b + 0.5) / B, h = 2 * p * u + q * F;
      S[b] *= 1 - (h < 1 ? h : 1);
      next += 1 - S[b];
    }
    F = next / B;
  }
  return F;
}

static double mean_of(nl_store *st, size_t point, long period, long R) {
  double v[64], m = 0;
  assert_true(R <= 64);
  assert_int_equal(nl_store_run_values(st, point, 0, period, 0, R, v), NL_OK);
  for (long r = 0; r < R; r++) m += v[r];
  return m / (double)R;
}

/* The store borrows the design, which borrows the scenario: the caller frees them in that order. */
typedef struct engine {
  nl_scenario *sc;
  nl_design *d;
  nl_store *st;
} engine;

static void engine_free(engine *e) {
  nl_store_free(e->st);
  nl_design_free(e->d);
  nl_scenario_free(e->sc);
}

static nl_status run_dir(const char *yaml, const char *dir, engine *e, long *done) {
  nl_scenario *sc = nl_scenario_new();
  nl_design *d = nl_design_new();
  nl_store *st = nl_store_new();
  if (nl_scenario_load_string(sc, yaml, "diffusion.yaml")) fail_msg("%s", nl_scenario_errmsg(sc));
  if (nl_design_build(d, sc, 100)) fail_msg("%s", nl_design_errmsg(d));
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = 2;
  char *argv[] = {"test_model_api", NULL};
  nl_run_dir_options o;
  nl_run_dir_options_default(&o);
  o.argc = 1;
  o.argv = argv;
  nl_status s = nl_experiment_run_dir(st, d, dir, &cfg, &o, NULL);
  if (s) fail_msg("%s", nl_store_errmsg(st));
  long points = 0, total = 0;
  assert_int_equal(nl_store_counts(st, &points, done, &total), NL_OK);
  assert_int_equal(*done, total);
  e->sc = sc, e->d = d, e->st = st;
  return s;
}

static void test_example_sweep(void **unused) {
  (void)unused;
  nl_errbuf e = {{0}};
  if (!nl_model_find("diffusion") && nl_model_register(&nl_example_diffusion, &e)) fail_msg("%s", e.msg);
  const long R = 20, T = 12;
  char yaml[512], dir[300], path[400];
  snprintf(yaml, sizeof yaml,
           "model: diffusion\nparameters: {n: 401, p: 0.03}\nreplications: %ld\nseed: 11\n"
           "stop: {until: periods, periods: %ld}\noutputs: {series: true, every: 5}\n"
           "sweep:\n  design: grid\n  parameters:\n    k: [2, 200]\n    q: [0, 0.2]\n", R, T);
  snprintf(dir, sizeof dir, "%s/sweep", tmpdir);
  engine eng;
  long done = 0;
  run_dir(yaml, dir, &eng, &done);
  nl_store *st = eng.st;
  assert_int_equal(done, 4 * R);
  const char *files[] = {"results.db", "manifest.json", "series.csv", "final.csv", "summary.csv"};
  for (size_t i = 0; i < 5; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    if (access(path, F_OK)) fail_msg("missing %s", path);
  }
  /* grid order: k varies slowest (listed first) */
  double a[4];
  for (size_t i = 0; i < 4; i++) a[i] = mean_of(st, i, -1, R);
  /* q = 0: the analytic share, whatever the network; sd of a share over 401 x 20 agents < 0.0056 */
  double want = analytic_q0(0.03, T);
  assert_true(fabs(a[0] - want) < 0.025);
  assert_true(fabs(a[2] - want) < 0.025);
  /* at period 5 (from the stored series) as well */
  assert_true(fabs(mean_of(st, 0, 5, R) - analytic_q0(0.03, 5)) < 0.025);
  /* q = 0.2 on the complete graph (k = 200): the mean-field curve (0.627; 0.291 without imitation);
   * imitation reaches fewer agents on the ring, whose neighbourhoods overlap */
  double mf = meanfield(0.03, 0.2 * 401.0 / 400.0, T);
  /* tolerance: 20 replications of 401 agents (sd of their mean about 0.01 with imitation's
   * early fluctuations) and the mean field's small bias at finite n (measured 0.019) */
  if (fabs(a[3] - mf) > 0.04) fail_msg("complete graph %.4f, mean field %.4f", a[3], mf);
  assert_true(a[1] > a[0] + 0.05);
  assert_true(a[1] < a[3]);
  engine_free(&eng);
  /* resumed: nothing pending, same values */
  run_dir(yaml, dir, &eng, &done);
  assert_true(mean_of(eng.st, 3, -1, R) == a[3]);
  engine_free(&eng);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_register_errors),
      cmocka_unit_test(test_recipe_every_model),
      cmocka_unit_test(test_example_sweep),
  };
  return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}
