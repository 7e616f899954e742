/* nl_sensitivity_run_dir: the flow of `netlearn sensitivity` (and of the packages' sensitivity())
 * in one library call: the design, the runs in results.db, the indices and files, the manifest
 * once. Checked: the files and the manifest's list, the caller's callbacks with their own user
 * pointer, a resume that runs nothing and rewrites the same bytes, an interruption that leaves no
 * manifest and resumes to the same bytes on another thread count, a design the caller built, and
 * where each message lands. */
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

#include "common/cli_harness.h" /* tmpdir, path_of, exists, same_files, read_tmp, cli_setup/teardown */
#include "netlearn/netlearn.h"

static const char *spec_text = "name: tiny\n"
                               "scenario:\n"
                               "  model: march1991\n"
                               "  parameters: {m: 12, n: 10, p1: 0.1, p2: 0.5}\n"
                               "  replications: 2\n"
                               "  seed: 7\n"
                               "  stop: {until: periods, periods: 30}\n"
                               "method: sobol\n"
                               "n: 8\n"
                               "parameters:\n"
                               "  p1: {from: 0.05, to: 0.9}\n"
                               "  p2: {from: 0.05, to: 0.9}\n"
                               "outputs: [code_knowledge]\n";

/* tmpdir/rel, in one of four rotating buffers (several in one call). */
static const char *in_tmp(const char *rel) {
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  path_of(buf[k], sizeof buf[k], rel);
  return buf[k];
}

/* "sub/name" relative to tmpdir, in one of four rotating buffers. */
static const char *in_sub(const char *sub, const char *name) {
  static char buf[4][256];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", sub, name);
  return buf[k];
}

typedef struct calls {
  long started, total, pending, progress;
} calls;

static void on_start(void *user, const nl_run_dir_info *info) {
  calls *c = user;
  c->started++;
  c->total = info->total;
  c->pending = info->pending;
}

static int count_progress(void *user, long done, long total) {
  (void)done;
  (void)total;
  ((calls *)user)->progress++;
  return 0;
}

static int stop_now(void *user) {
  (void)user;
  return 1;
}

/* Load the spec and run it into dir with threads; the status, message in msg (cap 1024). */
static nl_status run_into(const char *dir, int threads, nl_interrupt_fn interrupt, nl_design *d, calls *c,
                          nl_run_dir_info *info, char *msg) {
  nl_sensitivity_spec *p = nl_sensitivity_spec_new();
  nl_store *st = nl_store_new();
  assert_int_equal(nl_sensitivity_spec_load_string(p, spec_text, "tiny.yaml"), NL_OK);
  if (d) assert_int_equal(nl_sensitivity_spec_design(p, d), NL_OK);
  nl_sensitivity_run_options o;
  nl_sensitivity_run_options_default(&o);
  o.threads = threads;
  o.progress = count_progress;
  o.progress_user = c;
  o.interrupt = interrupt;
  o.run.on_start = on_start;
  o.run.user = c;
  char *argv[] = {"test", NULL};
  o.run.argc = 1;
  o.run.argv = argv;
  nl_status s = nl_sensitivity_run_dir(p, st, d, dir, &o, info);
  snprintf(msg, 1024, "%s", nl_store_errmsg(st));
  if (!s) { /* p holds the indices of the full design afterwards */
    const nl_sensitivity *sa = nl_sensitivity_spec_analysis(p);
    assert_int_equal(nl_sensitivity_nfactors(sa), 3); /* p1, p2, dummy */
    assert_true(isfinite(nl_sensitivity_st(sa, 0, 0, NULL, NULL)));
  }
  nl_store_free(st);
  nl_sensitivity_spec_free(p);
  return s;
}

static void test_files_callbacks_resume(void **state) {
  (void)state;
  char msg[1024];
  calls c = {0, 0, 0, 0};
  nl_run_dir_info info;
  if (run_into(in_tmp("a"), 2, NULL, NULL, &c, &info, msg)) fail_msg("%s", msg);
  assert_int_equal(info.stage, NL_RUN_DIR_DONE);
  assert_int_equal(c.started, 1);
  assert_true(c.total > 0);
  assert_int_equal(c.pending, c.total);
  assert_int_equal(info.pending, c.total);
  assert_true(c.progress > 0);
  const char *files[] = {"results.db", "manifest.json", "design.csv", "indices.csv", "convergence.csv",
                         "sobol_code_knowledge.svg"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    if (!exists(in_sub("a", files[i]))) fail_msg("missing %s", files[i]);
  assert_false(exists("a/series.csv")); /* the analysis' files replace the run's */
  assert_false(exists("a/final.csv"));
  char *m = read_tmp("a/manifest.json");
  assert_non_null(m);
  assert_non_null(strstr(m, "\"outputs\": [\"results.db\", \"design.csv\", \"convergence.csv\", \"indices.csv\", "
                            "\"sobol_code_knowledge.svg\"]"));
  assert_non_null(strstr(m, "\"status\": \"complete\""));
  free(m);
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "cp %s %s", in_tmp("a/indices.csv"), in_tmp("indices-a.csv"));
  assert_int_equal(system(cmd), 0);
  /* Again: nothing pending, the same bytes. */
  c.started = 0;
  if (run_into(in_tmp("a"), 1, NULL, NULL, &c, &info, msg)) fail_msg("%s", msg);
  assert_int_equal(c.started, 1);
  assert_int_equal(info.pending, 0);
  assert_int_equal(info.total, c.total);
  assert_true(same_files("a/indices.csv", "indices-a.csv"));
}

static void test_interrupt_resume_and_own_design(void **state) {
  (void)state;
  char msg[1024];
  calls c = {0, 0, 0, 0};
  nl_run_dir_info info;
  /* Stopped: the database stays, no manifest. */
  assert_int_equal(run_into(in_tmp("b"), 2, stop_now, NULL, &c, &info, msg), NL_ECANCELED);
  assert_int_equal(info.stage, NL_RUN_DIR_RUNS);
  assert_true(exists("b/results.db"));
  assert_false(exists("b/manifest.json"));
  /* Resumed on one thread with a design the caller built: the same bytes as test 1's two threads. */
  nl_design *d = nl_design_new();
  assert_non_null(d);
  if (run_into(in_tmp("b"), 1, NULL, d, &c, &info, msg)) fail_msg("%s", msg);
  assert_int_equal(info.stage, NL_RUN_DIR_DONE);
  assert_int_equal(info.total, c.total);
  assert_true(nl_design_npoints(d) > 0);
  nl_design_free(d);
  const char *same[] = {"indices.csv", "design.csv", "convergence.csv", "sobol_code_knowledge.svg"};
  for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
    if (!same_files(in_sub("a", same[i]), in_sub("b", same[i]))) fail_msg("%s differs", same[i]);
  /* A directory that cannot be made: named on the store, nothing run. */
  c.started = 0;
  assert_int_equal(run_into(in_tmp("b/manifest.json/x"), 1, NULL, NULL, &c, &info, msg), NL_EIO);
  assert_int_equal(info.stage, NL_RUN_DIR_DIRECTORY);
  assert_int_equal(c.started, 0);
  assert_non_null(strstr(msg, "manifest.json/x"));
}

/* No analysis loaded (or none given, or no store): the input stage fails, the message on the store. */
static void test_no_analysis(void **state) {
  (void)state;
  nl_sensitivity_spec *p = nl_sensitivity_spec_new();
  nl_store *st = nl_store_new();
  nl_run_dir_info info;
  assert_int_equal(nl_sensitivity_run_dir(p, st, NULL, in_tmp("c"), NULL, &info), NL_EINVAL);
  assert_int_equal(info.stage, NL_RUN_DIR_INPUT);
  assert_string_equal(nl_store_errmsg(st), "no analysis loaded");
  assert_false(exists("c"));
  assert_int_equal(nl_sensitivity_run_dir(NULL, st, NULL, in_tmp("c"), NULL, &info), NL_EINVAL);
  assert_non_null(strstr(nl_store_errmsg(st), "no analysis"));
  assert_int_equal(nl_sensitivity_run_dir(p, NULL, NULL, in_tmp("c"), NULL, &info), NL_EINVAL);
  assert_false(exists("c"));
  nl_store_free(st);
  nl_sensitivity_spec_free(p);
}

static int teardown(void **state) {
  nl_plot_release_caches(); /* the figures' font caches: leak checkers stay quiet */
  return cli_teardown(state);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_files_callbacks_resume),
      cmocka_unit_test(test_interrupt_resume_and_own_design),
      cmocka_unit_test(test_no_analysis),
  };
  return cmocka_run_group_tests(tests, cli_setup, teardown);
}
