/*
 * A simulated "published" PLS table for the coopnet calibration tests (test_calibrate_coopnet.c,
 * test_calibrate_pls_recovery.c): the eight paths of the seed-000 model over a small coopnet
 * (firms of 6 members, 8 + 8 dimensions, 60 periods, every firm surveyed over the last 30), the
 * mean of each path over nobs virtual surveys at given parameters and its se = sd / sqrt(nobs),
 * built with the study's public nl_study_replicate_paths; and running a calibration into a
 * subdirectory of the group's temporary directory (common/cli_harness.h: register cli_setup and
 * cli_teardown). Static functions: include from one test file each. The caller's file includes
 * cmocka.h and netlearn/netlearn.h first.
 */
#ifndef NL_TEST_PLS_TABLE_H
#define NL_TEST_PLS_TABLE_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/cli_harness.h"

/* The coopnet simulation of a calibration file (firms and sample are filled in). */
#define PLS_TABLE_SIM                                                                                                  \
  "simulation:\n  model: coopnet\n  parameters: {firms: %ld, size_dist: fixed, n: 6, mP: 8, mQ: 8}\n  seed: 31\n"    \
  "  stop: {until: periods, periods: 60}\n"
#define PLS_TABLE_SURVEY "{period: 60, window: 30, sample: %ld}"
#define PLS_TABLE_MODEL                                                                                                \
  "EXPLORE   =~ explore1 + explore2 + explore3 + explore4\n"                                                           \
  "EXPLOIT   =~ exploit1 + exploit2 + exploit3\n"                                                                      \
  "PRODINNO  =~ prodinno1 + prodinno2 + prodinno3\n"                                                                   \
  "PROCINNO  =~ procinno1 + procinno2 + procinno3\n"                                                                   \
  "NETCOLLAB =~ netcollab1 + netcollab2 + netcollab3 + netcollab4\n"                                                   \
  "PRODINNO  ~ EXPLORE + EXPLOIT\n"                                                                                    \
  "PROCINNO  ~ EXPLORE + EXPLOIT\n"                                                                                    \
  "NETCOLLAB ~ PRODINNO + PROCINNO + EXPLORE + EXPLOIT\n"

static const char *const pls_table_paths[][2] = {
    {"EXPLORE", "PRODINNO"},  {"EXPLOIT", "PRODINNO"},  {"EXPLORE", "PROCINNO"},  {"EXPLOIT", "PROCINNO"},
    {"PRODINNO", "NETCOLLAB"}, {"PROCINNO", "NETCOLLAB"}, {"EXPLORE", "NETCOLLAB"}, {"EXPLOIT", "NETCOLLAB"}};
enum { PLS_TABLE_NPATH = 8 };

/* Append the model to buf at len, each line indented by `indent` spaces; returns the new length. */
static size_t pls_table_model_block(char *buf, size_t cap, size_t len, int indent) {
  static const char model[] = PLS_TABLE_MODEL;
  for (const char *p = model; *p && len + 16 < cap; p++) {
    if (p == model || p[-1] == '\n') len += (size_t)snprintf(buf + len, cap - len, "%*s", indent, "");
    buf[len++] = *p;
  }
  buf[len] = '\0';
  return len;
}

static size_t pls_table_construct(const nl_study *s, const char *name) {
  for (size_t j = 0; j < nl_study_nconstructs(s); j++)
    if (!strcmp(nl_study_construct_name(s, j), name)) return j;
  fail_msg("no construct %s", name);
  return 0;
}

/*
 * The table: mean and se of each path over nobs surveys of `firms` firms with seed `seed`, at the
 * coopnet defaults changed by the nset name=value pairs of set (e.g. {"rho", "0.025"}).
 */
static void pls_table_observe(long firms, long nobs, uint64_t seed, const char *const (*set)[2], size_t nset,
                              double *mean, double *se) {
  char text[4096];
  size_t len = (size_t)snprintf(text, sizeof text, PLS_TABLE_SIM "survey: " PLS_TABLE_SURVEY "\nmodel: |\n", firms,
                                firms);
  pls_table_model_block(text, sizeof text, len, 2);
  nl_study *s = nl_study_new();
  nl_status st = nl_study_load_string(s, text, "table.yaml");
  if (st) fprintf(stderr, "%s\n", nl_study_errmsg(s));
  assert_int_equal(st, NL_OK);
  size_t idx[PLS_TABLE_NPATH];
  for (size_t k = 0; k < PLS_TABLE_NPATH; k++) {
    long q = nl_study_path_index(s, pls_table_construct(s, pls_table_paths[k][0]),
                                 pls_table_construct(s, pls_table_paths[k][1]));
    assert_true(q >= 0);
    idx[k] = (size_t)q;
  }
  nl_params *truth = nl_params_clone(nl_scenario_params(nl_study_scenario(s)));
  assert_non_null(truth);
  for (size_t i = 0; i < nset; i++) assert_int_equal(nl_params_set_text(truth, set[i][0], set[i][1]), NL_OK);
  assert_int_equal(nl_params_validate(truth), NL_OK);
  double sum[PLS_TABLE_NPATH] = {0}, sum2[PLS_TABLE_NPATH] = {0}, v[PLS_TABLE_NPATH];
  char msg[512];
  for (long r = 0; r < nobs; r++) {
    st = nl_study_replicate_paths(s, truth, seed, r, idx, PLS_TABLE_NPATH, v, NULL, NULL, msg, sizeof msg);
    if (st) fprintf(stderr, "%s\n", msg);
    assert_int_equal(st, NL_OK);
    for (size_t k = 0; k < PLS_TABLE_NPATH; k++) sum[k] += v[k], sum2[k] += v[k] * v[k];
  }
  for (size_t k = 0; k < PLS_TABLE_NPATH; k++) {
    mean[k] = sum[k] / (double)nobs;
    double var = (sum2[k] - (double)nobs * mean[k] * mean[k]) / (double)(nobs - 1);
    se[k] = sqrt(var / (double)nobs);
  }
  assert_true(nl_study_path_index(s, pls_table_construct(s, "NETCOLLAB"), pls_table_construct(s, "EXPLORE")) < 0);
  size_t bad = 99; /* an index out of range is refused with a message */
  assert_int_equal(nl_study_replicate_paths(s, truth, 1, 0, &bad, 1, v, NULL, NULL, msg, sizeof msg), NL_EINVAL);
  assert_non_null(strstr(msg, "out of range"));
  nl_params_free(truth);
  nl_study_free(s);
}

/* Append the PLS targets section (survey, model, the table's paths) to buf at len. */
static size_t pls_table_targets(char *buf, size_t cap, size_t len, long firms, const double *mean, const double *se) {
  len += (size_t)snprintf(buf + len, cap - len, "targets:\n  pls:\n    survey: " PLS_TABLE_SURVEY "\n    model: |\n",
                          firms);
  len = pls_table_model_block(buf, cap, len, 6);
  len += (size_t)snprintf(buf + len, cap - len, "    paths:\n");
  for (size_t k = 0; k < PLS_TABLE_NPATH; k++)
    len += (size_t)snprintf(buf + len, cap - len, "      - {effect: %s -> %s, value: %.17g, se: %.17g}\n",
                            pls_table_paths[k][0], pls_table_paths[k][1], mean[k], se[k]);
  return len;
}

/* Load and run a calibration into tmpdir/sub (no report); the caller frees. */
static nl_calib *pls_table_calibrate(const char *text, const char *name, const char *sub, nl_calib_fit *fit) {
  nl_calib *c = nl_calib_new();
  nl_status st = nl_calib_load_string(c, text, name);
  if (st) fprintf(stderr, "%s\n", nl_calib_errmsg(c));
  assert_int_equal(st, NL_OK);
  nl_calib_config cfg;
  nl_calib_config_default(&cfg);
  cfg.report = 0;
  char dir[512];
  path_of(dir, sizeof dir, sub);
  st = nl_calib_run(c, dir, &cfg);
  if (st) fprintf(stderr, "%s\n", nl_calib_errmsg(c));
  assert_int_equal(st, NL_OK);
  assert_int_equal(nl_calib_fit_get(c, fit), NL_OK);
  return c;
}

#endif
