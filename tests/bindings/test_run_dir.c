/* nl_experiment_run_dir: the run pipeline of the CLI and the Python and R packages. A run into a directory
 * writes what `netlearn run` writes (the same bytes as the CLI: checked by the packages' suites),
 * resumes, refuses a different scenario unless reset, and leaves no manifest when interrupted. */
#define _POSIX_C_SOURCE 200809L
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

static char g_dir[256];

static const char *path_in(const char *sub, const char *name) {
  static char buf[3][512];
  static int k;
  k = (k + 1) % 3;
  snprintf(buf[k], sizeof buf[k], "%s/%s%s%s", g_dir, sub, name[0] ? "/" : "", name);
  return buf[k];
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

/* Load, build the design and run into dir; returns the status, message in msg. */
static nl_status run_into(const char *text, const char *dir, int flags, nl_interrupt_fn stop, long *runs_done,
                          char *msg, size_t cap) {
  nl_scenario *sc = nl_scenario_new();
  nl_design *d = nl_design_new();
  nl_store *st = nl_store_new();
  assert_int_equal(nl_scenario_load_string(sc, text, "t.yaml"), NL_OK);
  assert_int_equal(nl_design_build(d, sc, 1000), NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = 2;
  cfg.interrupt = stop;
  char *argv[] = {"test", NULL};
  nl_run_dir_options o;
  nl_run_dir_options_default(&o);
  o.flags = flags;
  o.argc = 1;
  o.argv = argv;
  nl_status s = nl_experiment_run_dir(st, d, dir, &cfg, &o, NULL);
  snprintf(msg, cap, "%s", nl_store_errmsg(st));
  if (runs_done) {
    long points = 0, total = 0;
    *runs_done = -1;
    if (s == NL_OK && nl_store_counts(st, &points, runs_done, &total) != NL_OK) *runs_done = -1;
  }
  nl_store_free(st);
  nl_design_free(d);
  nl_scenario_free(sc);
  return s;
}

#define SCENARIO "model: march1991\nparameters: {m: 20, n: 20}\nreplications: 4\nseed: 3\n" \
                 "stop: {until: equilibrium, periods: 400}\n"

static int always(void *user) {
  (void)user;
  return 1;
}

static void test_writes_resumes_refuses(void **state) {
  (void)state;
  char msg[1024];
  long done = 0;
  char dir[512];
  snprintf(dir, sizeof dir, "%s", path_in("a", ""));
  assert_int_equal(run_into(SCENARIO, dir, 0, NULL, &done, msg, sizeof msg), NL_OK);
  assert_int_equal(done, 4);
  const char *files[] = {"results.db", "manifest.json", "series.csv", "summary.csv", "final.csv"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    if (!exists(path_in("a", files[i]))) fail_msg("missing %s", files[i]);
  /* again: nothing pending, same outputs */
  if (run_into(SCENARIO, dir, 0, NULL, &done, msg, sizeof msg) != NL_OK) fail_msg("%s", msg);
  assert_int_equal(done, 4);
  /* a different seed: refused, named; accepted with NL_STORE_RESET */
  const char *other = "model: march1991\nparameters: {m: 20, n: 20}\nreplications: 4\nseed: 4\n"
                      "stop: {until: equilibrium, periods: 400}\n";
  assert_int_equal(run_into(other, dir, 0, NULL, NULL, msg, sizeof msg), NL_EEXIST);
  assert_non_null(strstr(msg, "seed"));
  assert_int_equal(run_into(other, dir, NL_STORE_RESET, NULL, &done, msg, sizeof msg), NL_OK);
  assert_int_equal(done, 4);
}

static void test_interrupted_and_bad_dir(void **state) {
  (void)state;
  char msg[1024];
  char dir[512];
  snprintf(dir, sizeof dir, "%s", path_in("b", ""));
  assert_int_equal(run_into(SCENARIO, dir, 0, always, NULL, msg, sizeof msg), NL_ECANCELED);
  assert_true(exists(path_in("b", "results.db")));
  assert_false(exists(path_in("b", "manifest.json"))); /* incomplete: no manifest */
  /* Missing parents are created (mkdir -p); a path below a regular file cannot be. */
  assert_int_equal(run_into(SCENARIO, path_in("no/such", "dir"), 0, NULL, NULL, msg, sizeof msg), NL_OK);
  assert_true(exists(path_in("no/such/dir", "manifest.json")));
  FILE *f = fopen(path_in("afile", ""), "w");
  assert_non_null(f);
  fclose(f);
  assert_int_equal(run_into(SCENARIO, path_in("afile", "dir"), 0, NULL, NULL, msg, sizeof msg), NL_EIO);
  assert_non_null(strstr(msg, "afile/dir: cannot create output directory"));
  assert_int_equal(run_into(SCENARIO, "", 0, NULL, NULL, msg, sizeof msg), NL_EINVAL);
}

/* nl_experiment_run_dir's options and info: the counts before the runs (a resume), the stage reached, a runner. */
typedef struct seen {
  long calls, total, pending, runner_n;
} seen;

static void on_start(void *user, const nl_run_dir_info *info) {
  seen *s = user;
  s->calls++;
  s->total = info->total;
  s->pending = info->pending;
}

/* A runner that runs only the first pending run itself, then reports an interruption. */
static nl_status one_run(void *user, nl_store *st, const nl_design *d, const nl_run_config *cfg, const long *pairs,
                         long n) {
  seen *s = user;
  s->runner_n = n;
  nl_run_record rec;
  nl_run_record_init(&rec);
  nl_worker *w = nl_worker_new(d, cfg);
  nl_status r = w ? nl_worker_run(w, (size_t)pairs[0], pairs[1], &rec) : NL_ENOMEM;
  if (!r) r = nl_store_write_run(st, &rec);
  nl_worker_free(w);
  nl_run_record_clear(&rec);
  return r ? r : NL_ECANCELED;
}

/* The caller's own outputs in place of the run's CSV files: one file, listed in the manifest. */
static nl_status own_outputs(void *user, nl_store *st, const char *dir, const char **names, size_t *n) {
  (void)user;
  (void)st;
  char path[600];
  snprintf(path, sizeof path, "%s/own.csv", dir);
  FILE *f = fopen(path, "w");
  if (!f) return NL_EIO;
  fputs("x\n1\n", f);
  fclose(f);
  names[0] = "own.csv";
  *n = 1;
  return NL_OK;
}

static nl_status run_options(const char *dir, nl_run_dir_runner runner, seen *s, nl_run_dir_info *info) {
  nl_scenario *sc = nl_scenario_new();
  nl_design *d = nl_design_new();
  nl_store *st = nl_store_new();
  assert_int_equal(nl_scenario_load_string(sc, SCENARIO, "t.yaml"), NL_OK);
  assert_int_equal(nl_design_build(d, sc, 1000), NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  nl_run_dir_options o;
  nl_run_dir_options_default(&o);
  o.on_start = on_start;
  o.runner = runner;
  o.user = s;
  if (strstr(dir, "own")) o.outputs = own_outputs;
  nl_status r = nl_experiment_run_dir(st, d, dir, &cfg, &o, info);
  nl_store_free(st);
  nl_design_free(d);
  nl_scenario_free(sc);
  return r;
}

static void test_options_counts_and_stages(void **state) {
  (void)state;
  seen s = {0, 0, 0, 0};
  nl_run_dir_info info;
  const char *dir = path_in("opt", "");
  char copy[512];
  snprintf(copy, sizeof copy, "%s", dir);
  assert_int_equal(run_options(copy, one_run, &s, &info), NL_ECANCELED);
  assert_int_equal(info.stage, NL_RUN_DIR_RUNS);
  assert_int_equal(s.calls, 1);
  assert_int_equal(s.total, 4);
  assert_int_equal(s.pending, 4);
  assert_int_equal(s.runner_n, 4);
  assert_false(exists(path_in("opt", "manifest.json")));
  /* The re-run resumes: 3 pending of 4, run by nl_experiment_run; every output written. */
  assert_int_equal(run_options(copy, NULL, &s, &info), NL_OK);
  assert_int_equal(info.stage, NL_RUN_DIR_DONE);
  assert_int_equal(s.calls, 2);
  assert_int_equal(info.total, 4);
  assert_int_equal(info.pending, 3);
  assert_int_equal(info.stored, 4);
  assert_true(exists(path_in("opt", "manifest.json")));
  /* A directory that cannot be made stops before the store: nothing was run. */
  assert_int_equal(run_options(path_in("opt/manifest.json", "x"), NULL, &s, &info), NL_EIO);
  assert_int_equal(info.stage, NL_RUN_DIR_DIRECTORY);
  assert_int_equal(s.calls, 2);
  /* The caller's outputs replace the CSV files and are listed in the manifest. */
  snprintf(copy, sizeof copy, "%s", path_in("own", ""));
  assert_int_equal(run_options(copy, NULL, &s, &info), NL_OK);
  assert_true(exists(path_in("own", "own.csv")));
  assert_false(exists(path_in("own", "final.csv")));
  FILE *f = fopen(path_in("own", "manifest.json"), "r");
  assert_non_null(f);
  char text[8192];
  size_t len = fread(text, 1, sizeof text - 1, f);
  text[len] = '\0';
  fclose(f);
  assert_non_null(strstr(text, "\"own.csv\""));
  assert_null(strstr(text, "\"final.csv\""));
}

static int setup(void **state) {
  (void)state;
  snprintf(g_dir, sizeof g_dir, "/tmp/nl_rundirXXXXXX");
  return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_writes_resumes_refuses),
      cmocka_unit_test(test_interrupted_and_bad_dir),
      cmocka_unit_test(test_options_counts_and_stages),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
