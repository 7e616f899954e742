/*
 * netlearn study --power (analysis: power:): the share of replications supporting each hypothesis
 * per survey size. Checked: it rises with n for an effect that exists in the simulated population
 * and stays near the one-signed alpha for one that is absent by construction (x_f and e_f are
 * independent draws); power.csv is byte-identical on 1 and 2 threads, including sizes that pool
 * further economies; every bad size is reported with file, line and key (exit 2 from the CLI).
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

#include "common/cli_harness.h"
#include "common/read_all.h"

#include "netlearn/plot.h"
#include "netlearn/study.h"
#include "common/test_scale.h"

static int teardown(void **state) {
  nl_plot_release_caches(); /* the report's figures: fontconfig's caches */
  return cli_teardown(state);
}

static const char *TINY = "name: tiny\n"
                          "simulation:\n"
                          "  model: coopnet\n"
                          "  parameters: {firms: 40, n: 10, n_max: 40}\n"
                          "  replications: 4\n"
                          "  seed: 7\n"
                          "  stop: {until: periods, periods: 60}\n"
                          "survey: {period: 60, window: 30, sample: 30}\n"
                          "analysis: {boot: 30, contrasts: false, power: [20, 40, 90]}\n";

/* TINY with its analysis line replaced. */
static const char *with_analysis(const char *line) {
  static char buf[2048];
  const char *an = strstr(TINY, "analysis:");
  snprintf(buf, sizeof buf, "%.*s%s\n", (int)(an - TINY), TINY, line);
  return buf;
}

static void expect_error(const char *text, const char *key, const char *value, nl_status st, const char *frag) {
  nl_study *s = nl_study_new();
  assert_non_null(s);
  nl_status got = nl_study_load_string(s, text, "s.yaml");
  if (!got && key) got = nl_study_set(s, key, value);
  if (got != st) fail_msg("status %d (expected %d): %s", got, st, nl_study_errmsg(s));
  if (!strstr(nl_study_errmsg(s), frag)) fail_msg("message '%s' lacks '%s'", nl_study_errmsg(s), frag);
  nl_study_free(s);
}

static void test_bad_sizes(void **state) {
  (void)state;
  expect_error(with_analysis("analysis: {boot: 30, power: [5, 40]}"), NULL, NULL, NL_ERANGE,
               "s.yaml:9:30: key 'power': survey size 5 is below the minimum of 10 firms");
  expect_error(with_analysis("analysis: {boot: 30, power: [40, 40]}"), NULL, NULL, NL_EINVAL,
               "s.yaml:9:34: key 'power': survey size 40 is given twice");
  expect_error(with_analysis("analysis: {boot: 30, power: 90}"), NULL, NULL, NL_EINVAL,
               "s.yaml:9:29: key 'power': expected a list of survey sizes");
  expect_error(with_analysis("analysis: {boot: 30, power: []}"), NULL, NULL, NL_EINVAL,
               "s.yaml:9:22: key 'power': expected a list of survey sizes");
  expect_error(with_analysis("analysis: {boot: 30, power: }"), NULL, NULL, NL_EINVAL,
               "s.yaml:9:22: key 'power': expected a list of survey sizes");
  expect_error(with_analysis("analysis: {boot: 30, power: [40, x]}"), NULL, NULL, NL_EINVAL,
               "s.yaml:9:34: key 'power': expected an integer, got 'x'");
  expect_error(with_analysis("analysis: {boot: 30, power: [20, 2000000]}"), NULL, NULL, NL_ERANGE,
               "survey size 2000000 is above the maximum of 1000000 firms");
  /* 4000 firms from economies of 40: more than 64 would have to be simulated */
  expect_error(with_analysis("analysis: {boot: 30, power: [20, 4000]}"), NULL, NULL, NL_ERANGE,
               "key 'power': survey size 4000 needs 100 economies of 40 firms; at most 64 are pooled");
  expect_error(with_analysis("analysis: {power: [10,20,30,40,50,60,70,80,90,100,110,120,130,140,150,160,170]}"),
               NULL, NULL, NL_ERANGE, "key 'power': 17 survey sizes, expected at most 16");
  expect_error(with_analysis("analysis: {pover: [20]}"), NULL, NULL, NL_EINVAL,
               "unknown key 'pover' in analysis (did you mean 'power'?)");
  /* the same checks from --power / --set analysis.power */
  expect_error(TINY, "analysis.power", "60,5", NL_ERANGE, "--power 60,5: key 'power': survey size 5 is below the minimum");
  expect_error(TINY, "analysis.power", "60,abc", NL_EINVAL, "--power 60,abc: expected survey sizes separated by commas");
  expect_error(TINY, "analysis.power", "", NL_EINVAL, "expected survey sizes separated by commas");
  /* a sample the study itself accepts stays accepted, and sizes are sorted */
  nl_study *s = nl_study_new();
  assert_int_equal(nl_study_load_string(s, TINY, "s.yaml"), NL_OK);
  assert_int_equal(nl_study_set(s, "analysis.power", "90,20"), NL_OK);
  assert_int_equal(nl_study_power_nsizes(s), 2);
  assert_int_equal(nl_study_power_size(s, 0), 20);
  assert_int_equal(nl_study_power_size(s, 1), 90);
  assert_int_equal(nl_study_power_size(s, 2), 0);
  nl_study_power_stat ps;
  assert_int_equal(nl_study_power_get(s, 0, 0, 0, &ps), NL_EINVAL); /* not run */
  nl_study_free(s);
}

static void test_cli(void **state) {
  (void)state;
  char path[512];
  write_file("t.yaml", with_analysis("analysis: {boot: 20, contrasts: false, power: [9]}"));
  assert_int_equal(nl("study t.yaml -o o -q"), 2);
  assert_non_null(strstr(errbuf, "t.yaml:9:48: key 'power': survey size 9 is below the minimum of 10 firms"));
  write_file("t.yaml", with_analysis("analysis: {boot: 20, contrasts: false}"));
  assert_int_equal(nl("study t.yaml -o o -q --power 20,x"), 2);
  assert_non_null(strstr(errbuf, "--power 20,x: expected survey sizes separated by commas"));
  assert_int_equal(nl("study t.yaml -o o -q --power"), 2);
  /* --power gives the sizes; the run writes power.csv, its manifest line and the section */
  assert_int_equal(nl("study t.yaml -o o --power 20,60"), 0);
  assert_non_null(strstr(outbuf, "power: share of replications supporting, by survey size\nn            H1     H2"));
  assert_non_null(strstr(outbuf, "\n60      "));
  snprintf(path, sizeof path, "%s/o/power.csv", tmpdir);
  char *csv = nl_test_read_all(path);
  assert_non_null(csv);
  assert_non_null(strstr(csv, "n,id,effect,sign,economies,replications,supported,share,mc_se,mean\n"));
  assert_non_null(strstr(csv, "\n60,H1,EXPLORE -> PRODINNO,positive,2,4,"));
  free(csv);
  snprintf(path, sizeof path, "%s/o/manifest.json", tmpdir);
  char *man = nl_test_read_all(path);
  assert_non_null(strstr(man, "\"power\": [20, 60]"));
  assert_non_null(strstr(man, "\"power.csv\""));
  free(man);
  snprintf(path, sizeof path, "%s/o/report.html", tmpdir);
  char *rep = nl_test_read_all(path);
  assert_non_null(strstr(rep, "<h2 id=\"power\">7. Survey size and power</h2>"));
  assert_non_null(strstr(rep, "8. Reproducibility"));
  assert_null(strstr(rep, "could not be drawn"));
  free(rep);
}

/* Runs `text` with `threads`, returns power.csv (caller frees) and, when s_out, the study. */
static char *run_study(const char *text, int threads, const char *sub, nl_study **s_out) {
  nl_study *s = nl_study_new();
  if (nl_study_load_string(s, text, "s.yaml")) fail_msg("%s", nl_study_errmsg(s));
  nl_study_config cfg;
  nl_study_config_default(&cfg);
  cfg.report = 0;
  cfg.threads = threads;
  char dir[512], path[600];
  snprintf(dir, sizeof dir, "%s/%s", tmpdir, sub);
  if (nl_study_run(s, dir, &cfg)) fail_msg("%s", nl_study_errmsg(s));
  snprintf(path, sizeof path, "%s/power.csv", dir);
  char *csv = nl_test_read_all(path);
  assert_non_null(csv);
  if (s_out) *s_out = s;
  else nl_study_free(s);
  return csv;
}

/* 1 and 2 threads give the same bytes; 90 firms from economies of 40 pools three of them. */
static void test_threads(void **state) {
  (void)state;
  char *a = run_study(TINY, 1, "t1", NULL), *b = run_study(TINY, 2, "t2", NULL);
  assert_string_equal(a, b);
  assert_non_null(strstr(a, "\n90,H1,EXPLORE -> PRODINNO,positive,3,4,"));
  free(a);
  free(b);
}

/* Power rises with n where the effect exists and stays near alpha where it is absent. EXPLORE ->
 * PRODINNO exists in coopnet's population (fact 1a; x_conc 1 spreads x_f, survey noise 0.5 makes
 * the items reliable); EXPLORE -> EXPLOIT is absent by construction (independent Beta draws).
 * 20 replications at 20, 60 and 200 firms (200: two economies of 100); under NL_TEST_SCALE < 1,
 * 4 replications of 40 periods and only the structure is checked. */
static void test_power_curve(void **state) {
  (void)state;
  int judge = nl_test_scale() == 1;
  char text[2048];
  snprintf(text, sizeof text,
           "name: power-check\n"
           "simulation:\n"
           "  model: coopnet\n"
           "  parameters: {firms: 100, x_conc: 1}\n"
           "  replications: %d\n"
           "  seed: 11\n"
           "  stop: {until: periods, periods: %d}\n"
           "survey: {sample: 90, noise: 0.5}\n"
           "model: |\n"
           "  EXPLORE =~ explore1 + explore2 + explore3 + explore4\n"
           "  EXPLOIT =~ exploit1 + exploit2 + exploit3\n"
           "  PRODINNO =~ prodinno1 + prodinno2 + prodinno3\n"
           "  PRODINNO ~ EXPLORE\n"
           "  EXPLOIT ~ EXPLORE\n"
           "hypotheses:\n"
           "  - {id: HR, effect: EXPLORE -> PRODINNO, sign: positive}\n"
           "  - {id: H0, effect: EXPLORE -> EXPLOIT, sign: positive}\n"
           "analysis: {boot: 50, contrasts: false, power: [20, 60, 200]}\n",
           judge ? 20 : 4, judge ? 200 : 40);
  nl_study *s = NULL;
  char *csv = run_study(text, 2, "curve", &s);
  double share[3][2];
  long rej0 = 0, n0 = 0;
  for (size_t k = 0; k < 3; k++)
    for (size_t h = 0; h < 2; h++) {
      nl_study_power_stat ps;
      assert_int_equal(nl_study_power_get(s, 0, k, h, &ps), NL_OK);
      assert_int_equal(ps.replications, nl_study_replications(s));
      assert_int_equal(ps.economies, k == 2 ? 2 : 1);
      share[k][h] = ps.share;
      if (h == 1) rej0 += ps.supported, n0 += ps.replications;
    }
  nl_study_power_stat ps;
  assert_int_equal(nl_study_power_get(s, 0, 3, 0, &ps), NL_EINVAL);
  assert_int_equal(nl_study_power_get(s, 0, 0, 2, &ps), NL_EINVAL);
  printf("  HR share at n = 20, 60, 200: %.2f %.2f %.2f; H0 (absent): %.2f %.2f %.2f\n", share[0][0], share[1][0],
         share[2][0], share[0][1], share[1][1], share[2][1]);
  if (judge) {
    /* non-decreasing within 1.5 MC SE at 20 replications (0.11 at share .5), and clearly rising */
    for (int k = 0; k + 1 < 3; k++) assert_true(share[k + 1][0] >= share[k][0] - 0.17);
    assert_true(share[2][0] >= 0.8);
    assert_true(share[2][0] - share[0][0] >= 0.3);
    /* absent: one-signed claim at alpha .05 supports in about 2.5%; pooled over 60 surveys, P(>= 7) < 0.002 */
    assert_true((double)rej0 / (double)n0 <= 0.11);
  }
  nl_study_free(s);
  free(csv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_sizes),
      cmocka_unit_test(test_cli),
      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_power_curve),
  };
  return cmocka_run_group_tests(tests, cli_setup, teardown);
}
