/*
 * netlearn study: the virtual survey (determinism, scale, independence of the constructs), every
 * bad study file on purpose (message with file:line:column and the closest name, exit code 2,
 * nothing simulated), a small study end to end (outputs, surveys readable by `netlearn pls`,
 * identical results for 1 and 2 threads), and the report: every section present and rendered by
 * headless Chromium.
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
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cli_harness.h"
#include "common/fault_alloc.h"
#include "core/rng.h"
#include "models/coopnet/coopnet.h"
#include "netlearn/pls.h"
#include "netlearn/plot.h"
#include "netlearn/study.h"
#include "survey/survey.h"
#include "common/test_scale.h"

static int teardown(void **state) {
  nl_plot_release_caches(); /* reports drew figures in this process: fontconfig's caches */
  return cli_teardown(state);
}

/* ---- survey ----------------------------------------------------------------------------------- */

enum { NF = NL_CN_FIRM_NFIELDS };

/* Synthetic firm rows: independent random traits and counts. */
static void fake_rows(double *a, double *b, size_t F, uint64_t seed) {
  nl_rng r;
  nl_rng_init(&r, seed, 0, NL_RNG_PURPOSE_USER, 7);
  memset(a, 0, F * NF * sizeof *a);
  memset(b, 0, F * NF * sizeof *b);
  for (size_t f = 0; f < F; f++) {
    double *rb = b + f * NF, *ra = a + f * NF;
    rb[NL_CN_FIRM_EXPLORE] = nl_rng_uniform(&r);
    rb[NL_CN_FIRM_EXPLOIT] = nl_rng_uniform(&r);
    ra[NL_CN_FIRM_PROD_COINNO] = (double)nl_rng_below(&r, 20);
    rb[NL_CN_FIRM_PROD_COINNO] = ra[NL_CN_FIRM_PROD_COINNO] + (double)nl_rng_below(&r, 30);
    rb[NL_CN_FIRM_PROC_COINNO] = (double)nl_rng_below(&r, 10);
    rb[NL_CN_FIRM_PROC_INNO] = (double)nl_rng_below(&r, 10);
    rb[NL_CN_FIRM_STRENGTH] = 3 * nl_rng_uniform(&r);
  }
}

static void test_survey_draw(void **state) {
  (void)state;
  enum { F = 400 };
  nl_survey_spec sp;
  nl_survey_spec_default(&sp);
  nl_errbuf err;
  assert_int_equal(nl_survey_spec_bind(&sp, nl_model_find("coopnet"), NULL, &err), NL_OK); /* coopnet's firm fields */
  assert_int_equal(sp.stride, NF);
  sp.sample = 300;
  size_t N = 300, ni = nl_survey_nitems(&sp);
  assert_int_equal(ni, 17);
  double *a = malloc(F * NF * sizeof *a), *b = malloc(F * NF * sizeof *b);
  double *it1 = malloc(N * ni * sizeof(double)), *it2 = malloc(N * ni * sizeof(double));
  double *lat = malloc(N * NL_SV_NCON * sizeof(double)), *lat2 = malloc(N * NL_SV_NCON * sizeof(double));
  size_t perm[F], id1[300], id2[300];
  int flat;
  fake_rows(a, b, F, 1);
  nl_survey_draw(&sp, F, a, b, 42, 3, perm, id1, it1, lat, &flat);
  assert_int_equal(flat, 0);
  /* ids increasing and distinct, items on 1..7 */
  for (size_t i = 1; i < N; i++) assert_true(id1[i] > id1[i - 1]);
  for (size_t i = 0; i < N * ni; i++) assert_true(it1[i] >= 1 && it1[i] <= 7 && it1[i] == floor(it1[i]));
  /* the same stream gives the same survey; another stream another one */
  nl_survey_draw(&sp, F, a, b, 42, 3, perm, id2, it2, lat2, &flat);
  assert_memory_equal(id1, id2, sizeof id1);
  assert_memory_equal(it1, it2, N * ni * sizeof(double));
  nl_survey_draw(&sp, F, a, b, 42, 4, perm, id2, it2, lat2, &flat);
  assert_true(memcmp(it1, it2, N * ni * sizeof(double)) != 0);
  /* latent scores are standardized */
  for (int c = 0; c < NL_SV_NDEFAULT; c++) {
    double m = 0, ss = 0;
    for (size_t i = 0; i < N; i++) m += lat[(size_t)c * N + i];
    m /= (double)N;
    for (size_t i = 0; i < N; i++) ss += pow(lat[(size_t)c * N + i] - m, 2);
    assert_true(fabs(m) < 1e-9);
    assert_true(fabs(ss / (double)(N - 1) - 1) < 1e-9);
  }
  /* each item follows its construct: correlation with the latent score near its loading (the
   * Likert cut lowers it a little); 300 firms give an SE of about 0.03 */
  size_t col = 0;
  for (int c = 0; c < NL_SV_NDEFAULT; c++)
    for (size_t k = 0; k < sp.nitem[c]; k++, col++) {
      double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
      for (size_t i = 0; i < N; i++) mx += it1[col * N + i], my += lat[(size_t)c * N + i];
      mx /= (double)N;
      my /= (double)N;
      for (size_t i = 0; i < N; i++) {
        double dx = it1[col * N + i] - mx, dy = lat[(size_t)c * N + i] - my;
        sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
      }
      double r = sxy / sqrt(sxx * syy);
      assert_true(r > sp.load[c][k] - 0.15 && r < sp.load[c][k] + 0.05);
    }
  /* no construct depends on another's value: changing product co-innovation changes only the
   * PRODINNO items */
  memcpy(it2, it1, N * ni * sizeof(double));
  for (size_t f = 0; f < F; f++) b[f * NF + NL_CN_FIRM_PROD_COINNO] += (double)(f % 7) * 3;
  double *it3 = malloc(N * ni * sizeof(double));
  nl_survey_draw(&sp, F, a, b, 42, 3, perm, id2, it3, lat2, &flat);
  size_t p0 = sp.nitem[0] + sp.nitem[1], p1 = p0 + sp.nitem[2];
  assert_memory_equal(it1, it3, p0 * N * sizeof(double));
  assert_memory_equal(it1 + p1 * N, it3 + p1 * N, (ni - p1) * N * sizeof(double));
  assert_true(memcmp(it1 + p0 * N, it3 + p0 * N, (p1 - p0) * N * sizeof(double)) != 0);
  /* a construct without variance in the sample is reported and gives pure noise items */
  for (size_t f = 0; f < F; f++) b[f * NF + NL_CN_FIRM_STRENGTH] = 1;
  nl_survey_draw(&sp, F, a, b, 42, 3, perm, id2, it3, lat2, &flat);
  assert_int_equal(flat, 1);
  free(a);
  free(b);
  free(it1);
  free(it2);
  free(it3);
  free(lat);
  free(lat2);
}

/* ---- bad study files -------------------------------------------------------------------------- */

static const char *GOOD =
    "name: tiny\n"
    "simulation:\n"
    "  model: coopnet\n"
    "  parameters: {firms: 40, n: 10, n_max: 40}\n"
    "  replications: 4\n"
    "  seed: 7\n"
    "  stop: {until: periods, periods: 60}\n"
    "  outputs: {series: true, every: 10}\n"
    "survey:\n"
    "  period: 60\n"
    "  window: 30\n"
    "  sample: 30\n"
    "analysis: {boot: 30}\n";

/* Load `text` (as file name "s.yaml"), expect status st and a message containing every fragment. */
static void expect_error(const char *text, nl_status st, ...) {
  nl_study *s = nl_study_new();
  assert_non_null(s);
  nl_status got = nl_study_load_string(s, text, "s.yaml");
  const char *msg = nl_study_errmsg(s);
  if (got != st) fail_msg("status %d (expected %d): %s", got, st, msg);
  va_list ap;
  va_start(ap, st);
  const char *frag;
  while ((frag = va_arg(ap, const char *)))
    if (!strstr(msg, frag)) fail_msg("message '%s' lacks '%s'", msg, frag);
  va_end(ap);
  nl_study_free(s);
}

/* GOOD with one line replaced (1-based) or, with line 0, text appended. */
static char *variant(int line, const char *repl) {
  static char buf[8192];
  const char *p = GOOD;
  size_t n = 0;
  for (int l = 1; *p; l++) {
    const char *e = strchr(p, '\n');
    size_t len = (size_t)(e - p) + 1;
    if (l == line) n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\n", repl);
    else {
      memcpy(buf + n, p, len);
      n += len;
    }
    p = e + 1;
  }
  buf[n] = '\0';
  if (line == 0) snprintf(buf + n, sizeof buf - n, "%s", repl);
  return buf;
}

static void test_good_file_loads(void **state) {
  (void)state;
  nl_study *s = nl_study_new();
  if (nl_study_load_string(s, GOOD, "s.yaml")) fail_msg("%s", nl_study_errmsg(s));
  assert_int_equal(nl_study_nhypotheses(s), 5); /* the default seed-000 hypotheses */
  assert_int_equal(nl_study_npoints(s), 1);
  assert_int_equal(nl_study_replications(s), 4);
  /* overrides are checked too */
  assert_int_equal(nl_study_set(s, "survey.sample", "41"), NL_ERANGE);
  assert_non_null(strstr(nl_study_errmsg(s), "--set survey.sample=41: survey sample 41 is larger than the 40 firms"));
  assert_int_equal(nl_study_set(s, "survey.sample", "30"), NL_OK);
  assert_int_equal(nl_study_set(s, "periods", "50"), NL_ERANGE); /* survey at 60 is beyond a 50-period run */
  assert_non_null(strstr(nl_study_errmsg(s), "s.yaml:10:11: survey period 60 is beyond the run"));
  assert_int_equal(nl_study_set(s, "survey.colour", "1"), NL_EINVAL);
  nl_study_free(s);
}

static void test_bad_files(void **state) {
  (void)state;
  /* constructs the survey does not produce */
  expect_error(variant(12, "  sample: 30\n  constructs: {EXPLORATION: [0.8, 0.8, 0.8]}"), NL_EINVAL, "s.yaml:13:16:",
               "does not produce a construct 'EXPLORATION'", "it produces EXPLORE, EXPLOIT, PRODINNO", NULL);
  expect_error(variant(12, "  sample: 30\n  constructs:\n    EXPLORE: [0.8, 0.8, 0.8]\n    NETCOLAB: [0.8, 0.8]"),
               NL_EINVAL, "s.yaml:15:5:", "does not produce a construct 'NETCOLAB' (did you mean 'NETCOLLAB'?)", NULL);
  expect_error(variant(12, "  sample: 30\n  constructs: {EXPLORE: [0.8, 1.2, 0.8]}"), NL_ERANGE, "s.yaml:13:31:",
               "loading", NULL);
  expect_error(variant(0, "model: |\n  EXPLORE =~ explore1 + explore2\n  INNOVATION =~ prodinno1 + prodinno2\n"
                          "  INNOVATION ~ EXPLORE\n"),
               NL_EINVAL, "s.yaml:16:3:", "does not produce a construct 'INNOVATION'", NULL);
  expect_error(variant(0, "model: |\n  EXPLORE =~ explore1 + explore7\n  PRODINNO =~ prodinno1 + prodinno2\n"
                          "  PRODINNO ~ EXPLORE\n"),
               NL_EINVAL, "s.yaml:15:25:", "indicator 'explore7'", "not an item the survey produces",
               "did you mean 'explore1'?", NULL);
  /* survey period beyond the run, window longer than the survey period, sample too large */
  expect_error(variant(10, "  period: 61"), NL_ERANGE, "s.yaml:10:11: survey period 61 is beyond the run",
               "60 periods", NULL);
  expect_error(variant(11, "  window: 70"), NL_ERANGE, "s.yaml:11:11: survey window 70", NULL);
  expect_error(variant(12, "  sample: 90"), NL_ERANGE, "s.yaml:12:11: survey sample 90 is larger than the 40 firms",
               NULL);
  /* with a firm table, the table decides the number of firms (8 in the example) */
  expect_error(variant(4, "  parameters: {firm_table: " NL_SOURCE_DIR "/examples/coopnet/firms.csv}"), NL_ERANGE,
               "s.yaml:12:11: survey sample 30 is larger than the 8 firms", NULL);
  /* malformed YAML, unknown keys, wrong types */
  expect_error(variant(10, "  period: [60"), NL_EPARSE, "s.yaml:", "malformed YAML", NULL);
  expect_error(variant(0, "hypotheses: [{id: H1, effect: EXPLORE -> PRODINNO, sing: positive}]\n"), NL_EINVAL,
               "s.yaml:14:52: unknown key 'sing' in a hypothesis (did you mean 'sign'?)", NULL);
  expect_error(variant(0, "surveys: {}\n"), NL_EINVAL, "s.yaml:14:1: unknown key 'surveys' in the study (did you mean 'survey'?)",
               NULL);
  expect_error(variant(12, "  sampel: 30"), NL_EINVAL, "s.yaml:12:3: unknown key 'sampel' in survey (did you mean 'sample'?)",
               NULL);
  expect_error(variant(12, "  sample: many"), NL_EINVAL, "s.yaml:12:11: key 'sample': expected an integer", NULL);
  expect_error(variant(0, "replications: 4\n"), NL_EINVAL, "s.yaml:14:1:", "put it under 'simulation:'", NULL);
  /* the inline scenario's errors keep the study file's lines and columns */
  expect_error(variant(4, "  parameters: {firms: 40, n: 10, n_mux: 40}"), NL_EINVAL,
               "s.yaml:4:34: unknown parameter 'n_mux' for model coopnet (did you mean 'n_max'?)", NULL);
  expect_error("simulation:\n  model: march1991\n  replications: 2\n", NL_EINVAL, "s.yaml:1:1: simulation:",
               "model 'march1991' has no units to survey", NULL);
  /* hypotheses on effects the model does not have */
  expect_error(variant(0, "hypotheses:\n  - {effect: PROCINNO -> EXPLORE, sign: positive}\n"), NL_EINVAL,
               "s.yaml:15:14: hypothesis H1:", "not a path of the model", NULL);
  expect_error(variant(0, "hypotheses:\n  - {effect: EXPLORE -> NETCOLAB, sign: positive}\n"), NL_EINVAL,
               "'NETCOLAB' is not a construct of the model (did you mean 'NETCOLLAB'?)", NULL);
  expect_error(variant(0, "hypotheses:\n  - {effect: EXPLORE -> PROCINNO, sign: up}\n"), NL_EINVAL,
               "expected positive or negative", NULL);
  expect_error(variant(12, "  sample: 30\n  thresholds: [1, 0, 2, 3, 4, 5]"), NL_EINVAL, "s.yaml:13:19:", "does not exceed the previous", NULL);
  expect_error("simulation: no_such_file.yaml\n", NL_EIO, "s.yaml:1:13: simulation:", "no_such_file.yaml", NULL);
  expect_error("name: x\n", NL_EINVAL, "missing key 'simulation'", NULL);
}

/* Every shipped study file loads and passes every check (paths relative to the source tree). */
static void test_examples_load(void **state) {
  (void)state;
  char cwd[1024];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(NL_SOURCE_DIR), 0);
  int loaded = 0;
  nl_study *s = nl_study_new();
  if (nl_study_load_file(s, "examples/seed-study.yaml")) fail_msg("%s", nl_study_errmsg(s));
  assert_int_equal(nl_study_nhypotheses(s), 5);
  assert_int_equal(nl_study_replications(s), 30);
  loaded++;
  DIR *d = opendir("examples/study");
  struct dirent *e;
  while (d && (e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0) continue;
    char path[1024];
    snprintf(path, sizeof path, "examples/study/%s", e->d_name);
    if (nl_study_load_file(s, path)) fail_msg("%s", nl_study_errmsg(s));
    loaded++;
  }
  if (d) closedir(d);
  /* the built-in default study is examples/seed-study.yaml, byte for byte */
  char *file = nl_test_read_all("examples/seed-study.yaml");
  assert_non_null(file);
  if (strcmp(file, nl_study_default_text()))
    fail_msg("src/study/default_study.c differs from examples/seed-study.yaml: regenerate it");
  free(file);
  assert_int_equal(nl_study_load_default(s), NL_OK);
  assert_int_equal(nl_study_replications(s), 30);
  nl_study_free(s);
  assert_int_equal(chdir(cwd), 0);
  assert_true(loaded >= 2);
}

/* The default study end to end, as a check of validity: the survey and PLS recover the population
 * effect that coopnet produces (fact 1a: exploration -> product co-innovation). Criterion: the mean
 * H1 estimate over replications exceeds 3 standard errors. 16 replications (4 under NL_TEST_SCALE
 * < 1, where it is not judged), 50 resamples, no contrasts. */
static void test_seed_study_recovers_exploration(void **state) {
  (void)state;
  int judge = nl_test_scale() == 1;
  char cwd[1024];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(NL_SOURCE_DIR), 0);
  nl_study *s = nl_study_new();
  if (nl_study_load_file(s, "examples/seed-study.yaml")) fail_msg("%s", nl_study_errmsg(s));
  assert_int_equal(chdir(cwd), 0);
  assert_int_equal(nl_study_set(s, "replications", judge ? "16" : "4"), NL_OK);
  assert_int_equal(nl_study_set(s, "analysis.boot", "50"), NL_OK);
  assert_int_equal(nl_study_set(s, "analysis.contrasts", "false"), NL_OK);
  assert_int_equal(nl_study_set(s, "analysis.contrasts", "maybe"), NL_EINVAL);
  nl_study_config cfg;
  nl_study_config_default(&cfg);
  cfg.report = 0;
  cfg.threads = 2;
  char dir[512];
  path_of(dir, sizeof dir, "seed");
  if (nl_study_run(s, dir, &cfg)) fail_msg("%s", nl_study_errmsg(s));
  nl_study_verdict v;
  assert_int_equal(nl_study_verdict_get(s, 0, 0, &v), NL_OK);
  assert_string_equal(v.effect, "EXPLORE -> PRODINNO");
  double se = v.sd / sqrt((double)v.replications);
  printf("  H1 EXPLORE -> PRODINNO: mean %.3f (SE %.3f), supported in %ld of %ld\n", v.mean, se, v.supported,
         v.replications);
  if (judge) {
    assert_true(v.mean > 3 * se);
    assert_true(v.opposite == 0);
  }
  nl_study_free(s);
}

static void test_cli_bad_input(void **state) {
  (void)state;
  write_file("bad.yaml", variant(12, "  sample: 41"));
  assert_int_equal(nl("study bad.yaml -o bad_out"), 2);
  assert_non_null(strstr(errbuf, "netlearn: "));
  assert_non_null(strstr(errbuf, "bad.yaml:12:11: survey sample 41 is larger than the 40 firms"));
  /* nothing ran: no output directory */
  assert_false(exists("bad_out"));
  assert_int_equal(nl("study bad.yaml"), 2);
  assert_int_equal(nl("study --no-such-option"), 2);
  assert_int_equal(nl("study --help"), 0);
  assert_int_equal(nl("study --print-default"), 0);
  assert_non_null(strstr(outbuf, "name: seed-study"));
}

/* ---- a small study end to end ------------------------------------------------------------------ */

static void run_small(const char *out, int threads) {
  nl_study *s = nl_study_new();
  if (nl_study_load_string(s, GOOD, "tiny.yaml")) fail_msg("%s", nl_study_errmsg(s));
  nl_study_config cfg;
  nl_study_config_default(&cfg);
  cfg.threads = threads;
  cfg.report = 0;
  char dir[512];
  path_of(dir, sizeof dir, out);
  if (nl_study_run(s, dir, &cfg)) fail_msg("%s", nl_study_errmsg(s));
  nl_study_verdict v;
  assert_int_equal(nl_study_verdict_get(s, 0, 0, &v), NL_OK);
  assert_string_equal(v.id, "H1");
  assert_int_equal(v.replications, 4);
  assert_true(v.supported >= 0 && v.supported <= 4);
  assert_true(v.q05 <= v.median && v.median <= v.q95);
  assert_int_equal(nl_study_verdict_get(s, 0, 99, &v), NL_EINVAL);
  nl_study_free(s);
}

static void test_small_study(void **state) {
  (void)state;
  run_small("t1", 1);
  run_small("t2", 2);
  static const char *const files[] = {"hypotheses.csv", "facts.csv", "pls_replications.csv", "summary.csv",
                                      "surveys/survey_rep0.csv", "surveys/survey_rep3.csv",
                                      "pls_representative/paths.csv", "attribution.csv"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) same_in("t1", "t2", files[i]);
  char path[512];
  file_has("t1/manifest.json", "\"kind\": \"netlearn study\"", NULL);
  /* the survey is a data set for netlearn pls: 30 rows, 17 items, the firm id and the group column formal */
  path_of(path, sizeof path, "t1/surveys/survey_rep2.csv");
  nl_pls_data *d = NULL;
  assert_int_equal(nl_pls_data_read(path, &d), NL_OK);
  assert_int_equal(nl_pls_data_nrow(d), 30);
  assert_int_equal(nl_pls_data_ncol(d), 19); /* firm, 17 items, formal */
  nl_pls_data_free(d);
  write_file("seed.model", "EXPLORE =~ explore1 + explore2 + explore3 + explore4\n"
                           "PRODINNO =~ prodinno1 + prodinno2 + prodinno3\n"
                           "NETCOLLAB =~ netcollab1 + netcollab2 + netcollab3 + netcollab4\n"
                           "PRODINNO ~ EXPLORE\nNETCOLLAB ~ PRODINNO + EXPLORE\n");
  assert_int_equal(nl("pls seed.model t1/surveys/survey_rep2.csv -q"), 0);
  /* hypotheses.csv: one row per hypothesis with a verdict */
  char *h = read_tmp("t1/hypotheses.csv");
  assert_non_null(strstr(h, "H5,EXPLORE -> PRODINNO -> NETCOLLAB,indirect,positive"));
  int rows = 0;
  for (char *p = h; *p; p++) rows += *p == '\n';
  assert_int_equal(rows, 6);
  free(h);
}

/* ---- mechanism attribution (coopnet 2) ------------------------------------------------------------ */

/* Value of column `col` (0-based) of the attribution.csv row for mechanism `mech` and quantity `q`. */
static double attr_value(const char *csv, const char *mech, const char *q, int col) {
  char key[128];
  snprintf(key, sizeof key, "\n%s,", mech);
  for (const char *p = strstr(csv, key); p; p = strstr(p + 1, key)) {
    char line[512];
    const char *e = strchr(p + 1, '\n');
    size_t n = e ? (size_t)(e - p - 1) : strlen(p + 1);
    if (n >= sizeof line) n = sizeof line - 1;
    memcpy(line, p + 1, n);
    line[n] = 0;
    char *fld[16], *save = NULL;
    int k = 0;
    for (char *t = strtok_r(line, ",", &save); t && k < 16; t = strtok_r(NULL, ",", &save)) fld[k++] = t;
    if (k == 10 && !strcmp(fld[3], q)) return strcmp(fld[col], "NA") ? atof(fld[col]) : NAN;
  }
  fail_msg("no attribution row %s / %s", mech, q);
  return NAN;
}

/* The matrix has a row per mechanism and quantity; a mechanism already off at the design point
 * changes nothing, to the last digit (the runs without it use the same random numbers), while a
 * mechanism that is on changes the facts. */
static void test_attribution(void **state) {
  (void)state;
  nl_study *s = nl_study_new();
  if (nl_study_load_string(s, GOOD, "tiny.yaml")) fail_msg("%s", nl_study_errmsg(s));
  assert_int_equal(nl_study_set(s, "rho", "0"), NL_OK);
  assert_int_equal(nl_study_set(s, "analysis.boot", "20"), NL_OK);
  nl_study_config cfg;
  nl_study_config_default(&cfg);
  cfg.threads = 2;
  char dir[512];
  path_of(dir, sizeof dir, "attr");
  if (nl_study_run(s, dir, &cfg)) fail_msg("%s", nl_study_errmsg(s));
  char *csv = read_tmp("attr/attribution.csv");
  assert_non_null(csv);
  assert_non_null(strstr(csv, "mechanism,name,switched_off,quantity,replications,with,without,change,ci_low,ci_high\n"));
  int rows = 0;
  for (char *p = csv; *p; p++) rows += *p == '\n';
  assert_int_equal(rows, 1 + 4 * (2 + 5)); /* R, A, M, N x (facts 2a, 2b, H1-H5) */
  static const char *const q[] = {"fact 2a", "fact 2b", "H1", "H2", "H3", "H4", "H5"};
  for (size_t i = 0; i < 7; i++) {
    assert_true(attr_value(csv, "R", q[i], 7) == 0);          /* rho = 0 already: no change at all */
    assert_true(attr_value(csv, "R", q[i], 5) == attr_value(csv, "R", q[i], 6));
    assert_true(attr_value(csv, "A", q[i], 5) == attr_value(csv, "R", q[i], 5)); /* the same "with" */
  }
  double a = attr_value(csv, "A", "fact 2b", 7), m = attr_value(csv, "M", "fact 2b", 7);
  assert_true(isfinite(a) && isfinite(m) && (a != 0 || m != 0));
  free(csv);
  /* the report has the matrix and a sentence per mechanism */
  file_has("attr/report.html", "Which mechanism drives what",
           "<li><b>R (routine refinement)</b>: no change in facts 2a, 2b or any hypothesis path",
           /* PLS second wave in the study: HTMT inference and PLSpredict on the representative replication */
           "HTMT inference", "<h3>Out-of-sample prediction (PLSpredict)</h3>", "<tr><td>prodinno1</td>", NULL);
  /* without contrasts there is no matrix, and a stale attribution.csv is removed */
  assert_int_equal(nl_study_set(s, "analysis.contrasts", "false"), NL_OK);
  if (nl_study_run(s, dir, &cfg)) fail_msg("%s", nl_study_errmsg(s));
  assert_false(exists("attr/attribution.csv"));
  nl_study_free(s);
}

/* A study into a directory of an earlier, larger study: the earlier surveys and design points go
 * (they used to stay beside the new ones); files that are not netlearn's stay. */
static void test_cli_stale_outputs(void **state) {
  (void)state;
  write_file("tiny.yaml", GOOD);
  static const char *const old[] = {"stale/surveys/survey_rep9.csv", "stale/pls_representative_p3/paths.csv",
                                    "stale/report.html"};
  char path[512];
  path_of(path, sizeof path, "stale");
  mkdir(path, 0777);
  path_of(path, sizeof path, "stale/surveys");
  mkdir(path, 0777);
  path_of(path, sizeof path, "stale/pls_representative_p3");
  mkdir(path, 0777);
  for (size_t i = 0; i < 3; i++) write_file(old[i], "old\n");
  write_file("stale/surveys/my_notes.txt", "mine\n");
  assert_int_equal(nl("study tiny.yaml -o stale --no-report -q -t 2"), 0);
  for (size_t i = 0; i < 3; i++)
    if (exists(old[i])) fail_msg("%s of an earlier study is still there", old[i]);
  assert_true(exists("stale/surveys/survey_rep3.csv"));
  assert_true(exists("stale/surveys/my_notes.txt"));
}

/* Interruption: the poll is read inside every simulation (every NL_INTERRUPT_EVERY periods), so a
 * study stops within a few periods of the request, not when a replication ends; nothing of a
 * complete study (manifest.json) is written. */
static int stop_after(void *user) {
  long *n = user;
  long v;
#pragma omp atomic capture
  v = ++*n;
  return v > 40;
}

static void test_interrupt(void **state) {
  (void)state;
  nl_study *s = nl_study_new();
  if (nl_study_load_string(s, GOOD, "tiny.yaml")) fail_msg("%s", nl_study_errmsg(s));
  assert_int_equal(nl_study_set(s, "periods", "4000"), NL_OK);
  assert_int_equal(nl_study_set(s, "survey.period", "4000"), NL_OK);
  nl_study_config cfg;
  nl_study_config_default(&cfg);
  cfg.threads = 2;
  cfg.report = 0;
  long polls = 0;
  cfg.interrupt = stop_after;
  cfg.interrupt_user = &polls;
  char dir[512];
  path_of(dir, sizeof dir, "interrupted");
  assert_int_equal(nl_study_run(s, dir, &cfg), NL_ECANCELED);
  assert_non_null(strstr(nl_study_errmsg(s), "interrupted"));
  /* 4 replications x 4000 periods would poll 4000 times; it stopped at the request */
  assert_true(polls > 40 && polls < 200);
  assert_false(exists("interrupted/manifest.json"));
  nl_study_free(s);
}

/* ---- the report -------------------------------------------------------------------------------- */

static void test_report(void **state) {
  (void)state;
  write_file("tiny.yaml", GOOD);
  assert_int_equal(nl("study tiny.yaml -o rep --threads 2"), 0);
  assert_non_null(strstr(outbuf, "report: "));
  char *html = read_tmp("rep/report.html");
  assert_non_null(html);
  static const char *const sections[] = {"id=\"study\"", "id=\"parameters\"", "id=\"simulation\"", "id=\"pls\"",
                                         "id=\"hypotheses\"", "id=\"facts\"", "id=\"reproducibility\"",
                                         "Measurement model", "Structural model", "HTMT", "AVE", "R&sup2;",
                                         "Key results"};
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
    if (!strstr(html, sections[i])) fail_msg("report lacks %s", sections[i]);
  /* self-contained: figures embedded, nothing fetched */
  int figs = 0;
  for (const char *p = html; (p = strstr(p, "src=\"data:image/svg+xml;base64,")); p++) figs++;
  assert_int_equal(figs, 7);
  assert_null(strstr(html, "http://"));
  assert_null(strstr(html, "https://"));
  assert_null(strstr(html, "could not be drawn"));
  free(html);
  /* rendered by headless Chromium */
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "command -v chromium >/dev/null 2>&1 && cd %s && timeout 120 chromium --headless --no-sandbox --disable-gpu "
           "--disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync "
           "--user-data-dir=%s/chrome --dump-dom file://%s/rep/report.html > %s/dom.html 2> %s/chrome.txt",
           tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
  int rc = system(cmd);
  char *dom = read_tmp("dom.html");
  if (rc != 0 || !dom || !*dom) {
    free(dom);
    printf("chromium is not installed or cannot start here (scripts/install-deps installs it); render not checked\n");
    skip();
  }
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
    if (!strstr(dom, sections[i]) && strcmp(sections[i], "R&sup2;")) fail_msg("rendered report lacks %s", sections[i]);
  assert_non_null(strstr(dom, "</html>"));
  free(dom);
  /* a screenshot: the figures decode (a PNG of the page is written) */
  snprintf(cmd, sizeof cmd,
           "cd %s && timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
           "--disable-background-networking --disable-component-update --disable-sync --user-data-dir=%s/chrome2 "
           "--window-size=1280,3000 --screenshot=%s/shot.png file://%s/rep/report.html > /dev/null 2>&1",
           tmpdir, tmpdir, tmpdir, tmpdir);
  assert_int_equal(system(cmd), 0);
  struct stat sb;
  char path[512];
  path_of(path, sizeof path, "shot.png");
  assert_int_equal(stat(path, &sb), 0);
  assert_true(sb.st_size > 20000);
}

/* A sweep: a point column, one row per point and hypothesis, a sweep section with its figure. */
static void test_sweep(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text, "%s", GOOD);
  char *rep = strstr(text, "  replications: 4\n");
  assert_non_null(rep);
  memcpy(rep, "  replications: 3\n", 18);
  /* analysis is a flow mapping in GOOD: rewrite it as a block */
  char *an = strstr(text, "analysis: {boot: 30}\n");
  assert_non_null(an);
  snprintf(an, sizeof text - (size_t)(an - text), "analysis:\n  boot: 30\n  contrasts: false\n");
  char *sim_end = strstr(text, "survey:\n");
  char tail[1024];
  snprintf(tail, sizeof tail, "%s", sim_end);
  snprintf(sim_end, sizeof text - (size_t)(sim_end - text),
           "  sweep:\n    design: grid\n    parameters:\n      p_inf: [0.3, 0.9]\n%s", tail);
  write_file("sweep.yaml", text);
  if (nl("study sweep.yaml -o sw -q") != 0) fail_msg("netlearn study failed: %s", errbuf);
  char *h = read_tmp("sw/hypotheses.csv");
  assert_non_null(h);
  assert_true(!strncmp(h, "point,id,effect", 15));
  assert_non_null(strstr(h, "\n2,H5,"));
  int rows = 0;
  for (char *p = h; *p; p++) rows += *p == '\n';
  assert_int_equal(rows, 11);
  free(h);
  assert_true(exists("sw/surveys/survey_p2_rep2.csv"));
  char *html = read_tmp("sw/report.html");
  assert_non_null(strstr(html, "id=\"sweep\""));
  assert_non_null(strstr(html, "<code>p_inf</code>"));
  int figs = 0;
  for (const char *p = html; (p = strstr(p, "src=\"data:image/svg+xml;base64,")); p++) figs++;
  assert_int_equal(figs, 8);
  assert_null(strstr(html, "could not be drawn"));
  free(html);
  /* two swept parameters: one heatmap per hypothesis */
  write_file("sweep2.yaml", "simulation:\n  model: coopnet\n  parameters: {firms: 40, n: 10, n_max: 40}\n"
                            "  replications: 2\n  seed: 3\n  stop: {until: periods, periods: 40}\n"
                            "  sweep:\n    design: grid\n    parameters:\n      p_inf: [0.3, 0.9]\n"
                            "      x_mean: [0.3, 0.7]\nsurvey: {sample: 30}\nanalysis: {boot: 20, contrasts: false}\n");
  assert_int_equal(nl("study sweep2.yaml -o sw2 -q"), 0);
  html = read_tmp("sw2/report.html");
  figs = 0;
  for (const char *p = html; (p = strstr(p, "src=\"data:image/svg+xml;base64,")); p++) figs++;
  assert_int_equal(figs, 7 + 5);
  assert_non_null(strstr(html, "over <code>p_inf</code> and <code>x_mean</code>"));
  assert_null(strstr(html, "could not be drawn"));
  free(html);
}

/* Allocation failures anywhere in loading and running: a clean NL_ENOMEM ("out of memory"), never a
 * crash (and, under ASan/LSan, no leak). Every k-th allocation of the path is failed in turn. */
static nl_status load_and_run(const char *text, const char *dir) {
  nl_study *s = nl_study_new();
  if (!s) return NL_ENOMEM;
  nl_status st = nl_study_load_string(s, text, "f.yaml");
  if (!st) {
    nl_study_config cfg;
    nl_study_config_default(&cfg);
    cfg.threads = 1;
    cfg.report = 0;
    st = nl_study_run(s, dir, &cfg);
  }
  if (st && st != NL_ENOMEM && !strstr(nl_study_errmsg(s), "out of memory"))
    fail_msg("status %d without an out-of-memory message: %s", st, nl_study_errmsg(s));
  nl_study_free(s);
  return st;
}

static void test_alloc_faults(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text, "%s", GOOD);
  char *an = strstr(text, "analysis: {boot: 30}\n");
  snprintf(an, sizeof text - (size_t)(an - text), "analysis: {boot: 20, contrasts: false}\n");
  char *rep = strstr(text, "  replications: 4\n");
  memcpy(rep, "  replications: 1\n", 18);
  char dir[512];
  path_of(dir, sizeof dir, "faults");
  nl_alloc_fail_after(0);
  assert_int_equal(load_and_run(text, dir), NL_OK);
  long total = nl_alloc_fail_after(0);
  long trials = nl_test_scale() < 1 ? 100 : 1000;
  long stride = total / trials > 1 ? total / trials : 1, failed = 0;
  for (long k = 1; k <= total; k += stride) {
    nl_alloc_fail_after(k);
    nl_status st = load_and_run(text, dir);
    nl_alloc_fail_after(0);
    failed += st != NL_OK;
  }
  printf("  %ld allocations on the path; failed every %ld-th in turn: %ld clean errors\n", total, stride, failed);
  assert_true(failed > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_survey_draw),     cmocka_unit_test(test_good_file_loads),
      cmocka_unit_test(test_examples_load),   cmocka_unit_test(test_seed_study_recovers_exploration),
      cmocka_unit_test(test_bad_files),       cmocka_unit_test(test_cli_bad_input),
      cmocka_unit_test(test_small_study),
      cmocka_unit_test(test_attribution),
      cmocka_unit_test(test_interrupt),
      cmocka_unit_test(test_report),
      cmocka_unit_test(test_cli_stale_outputs),
      cmocka_unit_test(test_sweep),           cmocka_unit_test(test_alloc_faults),
  };
  return cmocka_run_group_tests(tests, cli_setup, teardown);
}
