/* End-to-end tests of the netlearn binary: outputs, determinism across threads, and every bad input
 * (message naming file:line:column and key, exit code 2, no results left looking complete). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cli_harness.h"

static const char *small = "model: march1991\nparameters: {p1: 0.3, p2: 0.5}\nreplications: 12\nseed: 7\n"
                           "stop: {until: equilibrium, periods: 2000}\n";

static void test_help_and_models(void **state) {
  (void)state;
  assert_int_equal(nl("--help"), 0);
  assert_non_null(strstr(outbuf, "run"));
  assert_int_equal(nl("run --help"), 0);
  assert_non_null(strstr(outbuf, "series.csv"));
  assert_int_equal(nl("models"), 0);
  assert_non_null(strstr(outbuf, "march1991"));
  assert_int_equal(nl("models march1991"), 0);
  assert_non_null(strstr(outbuf, "p1"));
  assert_non_null(strstr(outbuf, "p4"));
  assert_non_null(strstr(outbuf, "code_knowledge"));
  assert_int_equal(nl("models march1919"), 2);
  assert_non_null(strstr(errbuf, "did you mean 'march1991'"));
  assert_int_equal(nl("frobnicate"), 2);
  assert_non_null(strstr(errbuf, "unknown command 'frobnicate'"));
  assert_int_equal(nl(""), 2);
}

static void test_outputs_and_determinism(void **state) {
  (void)state;
  write_file("s.yaml", small);
  assert_int_equal(nl("run s.yaml -o t1 --threads 1 --quiet"), 0);
  assert_int_equal(nl("run s.yaml -o t2 --threads 2 --quiet"), 0);
  const char *files[] = {"series.csv", "summary.csv", "final.csv"};
  for (int i = 0; i < 3; i++) same_in("t1", "t2", files[i]);
  assert_true(exists("t1/manifest.json"));
  char p[256];
  snprintf(p, sizeof p, "%s/t1/final.csv", tmpdir);
  slurp(p, outbuf, sizeof outbuf);
  assert_non_null(strstr(outbuf, "replication,periods,equilibrium,code_knowledge,individual_knowledge,diversity"));
  int rows = 0;
  for (char *c = outbuf; *c; c++) rows += *c == '\n';
  assert_int_equal(rows, 13); /* header + 12 replications */
  snprintf(p, sizeof p, "%s/t1/summary.csv", tmpdir);
  slurp(p, outbuf, sizeof outbuf);
  assert_non_null(strstr(outbuf, "period,measure,n,mean,sd,ci_low,ci_high\n0,code_knowledge,12,0,0,0,0\n"));
  snprintf(p, sizeof p, "%s/t1/manifest.json", tmpdir);
  slurp(p, outbuf, sizeof outbuf);
  assert_non_null(strstr(outbuf, "\"p1\": 0.3"));
  assert_non_null(strstr(outbuf, "\"status\": \"complete\""));
  assert_non_null(strstr(outbuf, "\"--threads\", \"1\""));
  /* --seed and --set change the run; the same seed reproduces it. */
  assert_int_equal(nl("run s.yaml -o t3 -q --seed 8"), 0);
  assert_false(same_files("t1/final.csv", "t3/final.csv"));
  assert_int_equal(nl("run s.yaml -o t4 -q --seed 7 --set p1=0.3"), 0);
  assert_true(same_files("t1/final.csv", "t4/final.csv"));
  assert_int_equal(nl("run s.yaml -o t5 -q --set replications=3 --set until=periods --set periods=5"), 0);
  snprintf(p, sizeof p, "%s/t5/final.csv", tmpdir);
  slurp(p, outbuf, sizeof outbuf);
  assert_non_null(strstr(outbuf, "\n2,5,0,"));
}

/* A bad input: exit 2, message contains each fragment, and no manifest in the output directory. */
static void bad(const char *yaml, const char *extra, const char *f1, const char *f2) {
  if (yaml) write_file("bad.yaml", yaml);
  char args[512];
  snprintf(args, sizeof args, "run bad.yaml -o badout -q %s", extra ? extra : "");
  int rc = nl(args);
  if (rc != 2) fail_msg("exit %d (want 2) for %s; stderr: %s", rc, yaml ? yaml : extra, errbuf);
  if (strncmp(errbuf, "netlearn: ", 10) != 0) fail_msg("message not prefixed: %s", errbuf);
  if (f1 && !strstr(errbuf, f1)) fail_msg("stderr lacks '%s': %s", f1, errbuf);
  if (f2 && !strstr(errbuf, f2)) fail_msg("stderr lacks '%s': %s", f2, errbuf);
  assert_false(exists("badout/manifest.json"));
}

static void test_bad_inputs(void **state) {
  (void)state;
  bad("model: march1991\nparameters: {p1: 0.1\n", NULL, "bad.yaml:", "malformed YAML");
  bad("model: marh1991\n", NULL, "bad.yaml:1:8: unknown model 'marh1991'", "did you mean 'march1991'");
  bad("model: march1991\nreplicatons: 3\n", NULL, "bad.yaml:2:1: unknown key 'replicatons'", "'replications'");
  bad("model: march1991\nparameters:\n  p1: fast\n", NULL, "bad.yaml:3:7:", "expects a number, got 'fast'");
  bad("model: march1991\nparameters:\n  p2: 1.01\n", NULL, "bad.yaml:3:7: parameter 'p2'", "out of range");
  bad("model: march1991\nparameters:\n  n: -5\n", NULL, "bad.yaml:3:6:", "out of range");
  bad(small, "--set p9=1", "unknown parameter 'p9'", NULL);
  bad(small, "--set p1=2", "--set p1=2", "out of range");
  bad(small, "--set p1", "expected KEY=VALUE", NULL);
  bad(small, "--threads 0", "--threads", "out of range");
  bad(small, "--bogus", "unknown option '--bogus'", NULL);
  /* A study file given to run, and a scenario given to study, name the right command. */
  char args[512];
  snprintf(args, sizeof args, "run %s/examples/seed-study.yaml -o badout -q", NL_SOURCE_DIR);
  assert_int_equal(nl(args), 2);
  assert_non_null(strstr(errbuf, "seed-study.yaml is a study file, not a scenario: run it with `netlearn study "));
  write_file("s.yaml", small);
  assert_int_equal(nl("study s.yaml -o badout -q"), 2);
  assert_non_null(strstr(errbuf, "s.yaml is a scenario file, not a study: run it with `netlearn run s.yaml -o DIR`"));
  /* Two hypotheses with one id: refused (they were accepted, and hypotheses.csv had two rows H1). */
  snprintf(args, sizeof args, "cd %s && sed 's/{id: H2,/{id: H1,/' %s/examples/seed-study.yaml > dup.yaml",
           tmpdir, NL_SOURCE_DIR);
  assert_int_equal(system(args), 0);
  assert_int_equal(nl("study dup.yaml -o badout -q"), 2);
  assert_non_null(strstr(errbuf, "dup.yaml:"));
  assert_non_null(strstr(errbuf, "hypothesis id 'H1' is used twice (first at dup.yaml:"));
  /* summary and export: a results directory stands for its results.db; a directory without one
   * is named (it was "disk I/O error", exit 1). */
  assert_int_equal(nl("summary ."), 2);
  assert_non_null(strstr(errbuf, ".: a directory without results.db"));
  assert_int_equal(nl("export . -o exp"), 2);
  assert_non_null(strstr(errbuf, ".: a directory without results.db"));
  /* A measure listed twice: refused at parse time (it failed at the first commit with a raw SQLite
   * error, exit 1, and a half-started database). */
  bad("model: march1991\noutputs:\n  measures: [diversity, code_knowledge, diversity]\n", NULL,
      "bad.yaml:3:41: key 'measures': 'diversity' is listed twice", NULL);
  assert_false(exists("badout/results.db"));
  /* Files a scenario names are read before the database is created: exit 2, no database; integer
   * node ids are named (they were '?'). */
  write_file("net.csv", "source,target\n0,1\n1,99\n");
  bad("model: lazer2007\nparameters: {n: 20, network: file, network_file: net.csv}\n", NULL,
      "bad.yaml: net.csv:3: node id '99' is not an integer in [0, 20)", NULL);
  assert_false(exists("badout/results.db"));
  write_file("net.csv", "source,target\n0,1\n2,3\n3,3\n");
  bad("model: lazer2007\nparameters: {n: 20, network: file, network_file: net.csv}\n", NULL,
      "net.csv:4: self-loop on node '3'", NULL);
  write_file("net.csv", "source,target\n0,1\n2,3\n1,0\n");
  bad("model: lazer2007\nparameters: {n: 20, network: file, network_file: net.csv}\n", NULL,
      "net.csv:4: duplicate edge '1'-'0' (first on line 2", NULL);
  write_file("firms.csv", "firm,size\n0,10\n1,abc\n");
  bad("model: coopnet\nparameters: {firm_table: firms.csv}\n", NULL, "firms.csv:3: size 'abc' is not a number", NULL);
  assert_false(exists("badout/results.db"));
  /* Memory: 4096 threads of a 10^6-agent lazer2007 state (libgomp used to abort without a
   * netlearn message), and 1e9 recorded periods of 100 runs (series streamed to the store in
   * chunks: memory bounded; 16 TB on disk), are refused before anything runs. */
  bad("model: lazer2007\nparameters: {n: 1000000}\nreplications: 5000\n", "-t 4096",
      "needs about", "GB for 4096 threads");
  assert_false(exists("badout/results.db"));
  /* Sizes that can never run (one state over 1 TiB) are refused by the model's own check, with the
   * parameters named; ranges that imply such sizes are tightened (lazer2007 k <= 1e5: a ring needs
   * n > 2k, so over 2k^2 ties). They used to fail at allocation, exit 1, after the database. */
  bad("model: march1991\nparameters: {m: 1000000, n: 10000000}\n", NULL,
      "m = 1000000 dimensions x n = 10000000 individuals would need at least 2.3 TiB", "a size that can never run");
  assert_false(exists("badout/results.db"));
  bad("model: coopnet\nparameters: {firms: 1000000, network: complete}\n", NULL,
      "network 'complete': a complete network of 1000000 nodes", "can never run");
  bad("model: fang2010\nparameters: {n: 10000000, group_size: 100000, r: 0}\n", NULL,
      "n = 10000000 individuals in subgroups of 100000 would need", "can never run");
  bad("model: lazer2007\nparameters: {k: 1000000}\n", NULL, "bad.yaml:2:", "expected an integer in [0, 100000]");
#if !defined(__SANITIZE_ADDRESS__)
  /* A state under 1 TiB that this machine cannot allocate (here: address space limited to 2 GB;
   * 160 GB of subgroup ties): exit 2 before the database, not a failed run. */
  if (!getenv("NL_VALGRIND")) {
    struct rlimit old, lim;
    getrlimit(RLIMIT_AS, &old);
    lim = old;
    lim.rlim_cur = 2000UL << 20;
    setrlimit(RLIMIT_AS, &lim);
    bad("model: fang2010\nparameters: {n: 200000, group_size: 100000, r: 0}\n", NULL, "out of memory for",
        "one simulation state does not fit in this machine's memory");
    setrlimit(RLIMIT_AS, &old);
    assert_false(exists("badout/results.db"));
  }
#endif
  bad("model: march1991\nreplications: 100\nstop: {until: periods, periods: 1000000000}\n", NULL,
      "the series of 100 runs need about", "GB on disk (results.db and series.csv)");
  assert_false(exists("badout/results.db"));
}

/* Contents of a file in the test directory (static buffer per call site: copy before the next). */
static char *file_text(const char *rel) {
  static char bufs[4][65536];
  static int next;
  char p[256];
  snprintf(p, sizeof p, "%s/%s", tmpdir, rel);
  char *b = bufs[next++ % 4];
  slurp(p, b, sizeof bufs[0]);
  return b;
}

/* The manifest's "parameters" object (what the run resolved), without the command line. */
static const char *manifest_params(const char *rel, char *out, size_t cap) {
  const char *t = file_text(rel), *a = strstr(t, "\"parameters\""), *b = a ? strstr(a, "}") : NULL;
  assert_non_null(b);
  snprintf(out, cap, "%.*s", (int)(b - a), a);
  return out;
}

/* The shared network group (issue 18): lazer2007's names before it (k, p, blocks, p_in, p_out)
 * still run, with byte-identical outputs to the group's names (net_k ...); both names at once are
 * refused; fang2010's old form (network_file alone) still reads the file, and its new kinds run. */
static void test_network_group_names(void **state) {
  (void)state;
  write_file("old.yaml", "model: lazer2007\nparameters: {n: 30, network: sbm, blocks: 3, p_in: 0.4, p_out: 0.05}\n"
                         "replications: 3\nseed: 5\nstop: {until: periods, periods: 12}\noutputs: {series: true}\n");
  write_file("new.yaml", "model: lazer2007\nparameters: {n: 30, network: sbm, net_blocks: 3, net_p_in: 0.4, "
                         "net_p_out: 0.05}\nreplications: 3\nseed: 5\nstop: {until: periods, periods: 12}\n"
                         "outputs: {series: true}\n");
  assert_int_equal(nl("run old.yaml -o gold -q --set k=2 --set p=0.1"), 0);
  assert_int_equal(nl("run new.yaml -o gnew -q --set net_k=2 --set net_p=0.1"), 0);
  const char *files[] = {"series.csv", "summary.csv", "final.csv"};
  for (size_t i = 0; i < 3; i++) {
    char a[256], b[256];
    snprintf(a, sizeof a, "gold/%s", files[i]);
    snprintf(b, sizeof b, "gnew/%s", files[i]);
    char *x = strdup(file_text(a));
    assert_true(strlen(x) > 100);
    assert_string_equal(x, file_text(b));
    free(x);
  }
  char pa[4096], pb[4096];
  assert_string_equal(manifest_params("gold/manifest.json", pa, sizeof pa),
                      manifest_params("gnew/manifest.json", pb, sizeof pb));
  assert_non_null(strstr(pa, "\"net_blocks\": 3")); /* outputs use the group's names */
  assert_null(strstr(pa, "\"blocks\""));
  /* One parameter under two names. */
  bad("model: lazer2007\nparameters: {net_k: 2, k: 3}\n", NULL, "bad.yaml:2:", "parameter 'net_k' is set twice");
  /* fang2010: a file alone still means the file (it was the only way before the group). */
  write_file("ring.csv", "source,target\n0,1\n1,2\n2,3\n3,4\n4,5\n5,0\n");
  write_file("fang.yaml", "model: fang2010\nparameters: {n: 6, group_size: 3, m: 10, network_file: ring.csv}\n"
                          "replications: 2\nstop: {until: periods, periods: 5}\n");
  assert_int_equal(nl("run fang.yaml -o ffile -q"), 0);
  assert_non_null(strstr(file_text("ffile/manifest.json"), "\"network_file\": \"ring.csv\""));
  assert_int_equal(nl("run fang.yaml -o fring -q --set network_file= --set network=ring --set net_k=1"), 0);
  /* same ring from the generator as from the file: identical results */
  char *from_file = strdup(file_text("ffile/final.csv"));
  assert_non_null(from_file);
  int same = strcmp(from_file, file_text("fring/final.csv")) == 0;
  free(from_file);
  assert_true(same);
  bad("model: fang2010\nparameters: {network: ring, network_file: ring.csv, n: 6, group_size: 3}\n", NULL,
      "network_file is given but network is 'ring'", NULL);
}

static void test_missing_and_unwritable(void **state) {
  (void)state;
  assert_int_equal(nl("run nowhere.yaml -o x -q"), 2);
  assert_non_null(strstr(errbuf, "nowhere.yaml: cannot open scenario file"));
  write_file("s.yaml", small);
  assert_int_equal(nl("run s.yaml -q"), 2);
  assert_non_null(strstr(errbuf, "run: -o DIR is required"));
  /* Output directory below a regular file: cannot be created (even as root). */
  write_file("afile", "x");
  assert_int_equal(nl("run s.yaml -o afile/sub -q"), 2);
  assert_non_null(strstr(errbuf, "afile/sub"));
  assert_non_null(strstr(errbuf, "cannot create output directory"));
  /* The same fault, the same exit code in every command (pls and export said 1, pls after
   * estimating). */
  write_file("m.model", "A =~ a1 + a2\nB =~ b1 + b2\nB ~ A\n");
  write_file("d.csv", "a1,a2,b1,b2\n1,2,3,4\n2,1,4,3\n3,3,1,2\n4,5,2,2\n");
  assert_int_equal(nl("pls m.model d.csv -o afile/sub -q"), 2);
  assert_non_null(strstr(errbuf, "afile/sub: cannot create output directory"));
  assert_int_equal(nl("export nowhere.db -o x"), 2);
  /* A failed rerun into a complete results directory leaves it not marked complete... */
  assert_int_equal(nl("run s.yaml -o done -q"), 0);
  assert_true(exists("done/manifest.json"));
  assert_int_equal(nl("summary done"), 0);
  assert_non_null(strstr(outbuf, "12 of 12 runs"));
  /* ...but bad input is refused before anything is touched. */
  write_file("bad.yaml", "model: march1991\nparameters: {p1: 7}\n");
  assert_int_equal(nl("run bad.yaml -o done -q"), 2);
  assert_true(exists("done/manifest.json"));
  assert_true(exists("done/final.csv"));
}

/* Stale files: `pls -o DIR` without --boot after one with it used to leave the old bootstrap.csv,
 * and `plot pls DIR` drew significance stars on a model that was never bootstrapped. */
static void test_pls_stale_files(void **state) {
  (void)state;
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "cd %s && cp %s/tests/pls/mobi.model m.model && cp %s/tests/data/mobi.csv all.csv && head -n 151 all.csv > "
           "half.csv",
           tmpdir, NL_SOURCE_DIR, NL_SOURCE_DIR);
  assert_int_equal(system(cmd), 0);
  assert_int_equal(nl("pls m.model all.csv -o stale --boot 30 --seed 3 -q"), 0);
  assert_true(exists("stale/bootstrap.csv") && exists("stale/bootstrap_info.csv"));
  assert_int_equal(nl("pls m.model all.csv -o stale -q"), 0);
  assert_false(exists("stale/bootstrap.csv"));
  assert_false(exists("stale/bootstrap_info.csv"));
  assert_true(exists("stale/paths.csv"));
  /* A bootstrap.csv of another estimation (half the data) next to paths.csv: refused. */
  assert_int_equal(nl("pls m.model half.csv -o other --boot 30 --seed 3 -q"), 0);
  snprintf(cmd, sizeof cmd, "cp %s/other/bootstrap.csv %s/stale/", tmpdir, tmpdir);
  assert_int_equal(system(cmd), 0);
  int rc = nl("plot pls stale -o d.png");
  if (rc != 2) fail_msg("plot pls: exit %d: %s", rc, errbuf);
  assert_non_null(strstr(errbuf, "stale/bootstrap.csv does not belong to stale/paths.csv: path "));
  /* Its own bootstrap is accepted. */
  assert_int_equal(nl("plot pls other -o d.png"), 0);
}

/* A header of 100,000 columns with a duplicate at the end: found at once (the check was quadratic: 17 s). */
static void test_wide_csv_header(void **state) {
  (void)state;
  char p[256];
  snprintf(p, sizeof p, "%s/wide.csv", tmpdir);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  for (int i = 0; i < 100000; i++) fprintf(f, "c%d,", i);
  fputs("c77\n", f);
  for (int r = 0; r < 2; r++) {
    for (int i = 0; i < 100000; i++) fputs("1,", f);
    fputs("1\n", f);
  }
  fclose(f);
  write_file("w.model", "A =~ c1 + c2\nB =~ c3 + c4\nB ~ A\n");
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_int_equal(nl("pls w.model wide.csv -q"), 2);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  assert_non_null(strstr(errbuf, "wide.csv:1:"));
  assert_non_null(strstr(errbuf, "duplicate column name 'c77'"));
  double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  if (!getenv("NL_VALGRIND") && secs > 3.0) fail_msg("%.1f s to read a 100,000-column header", secs);
}

/* One cell of 1e300: the indicator is standardized without overflow (it became a column of zeros
 * and a silent zero loading). */
static void test_pls_huge_cell(void **state) {
  (void)state;
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "cd %s && cp %s/tests/pls/mobi.model m.model && awk -F, 'BEGIN{OFS=\",\"} NR==2{$1=\"1e300\"} {print}' "
           "%s/tests/data/mobi.csv > huge.csv",
           tmpdir, NL_SOURCE_DIR, NL_SOURCE_DIR);
  assert_int_equal(system(cmd), 0);
  assert_int_equal(nl("pls m.model huge.csv -o huge -q"), 0);
  char p[256];
  snprintf(p, sizeof p, "%s/huge/loadings.csv", tmpdir);
  slurp(p, outbuf, sizeof outbuf);
  char *row = strstr(outbuf, "\nExpectation,CUEX1,");
  assert_non_null(row);
  double v = strtod(row + strlen("\nExpectation,CUEX1,"), NULL);
  if (!(fabs(v) > 0.01)) fail_msg("CUEX1 loading %g with a 1e300 cell", v);
}

/* A study where PRODINNO has no variance in some samples (no ties, so no co-innovation): reported
 * per replication on the terminal, per hypothesis in hypotheses.csv and in the report (the
 * estimates from pure-noise items came with no note). */
static void test_study_flat_constructs(void **state) {
  (void)state;
  write_file("flat.yaml", "name: flat\nsimulation:\n  model: coopnet\n"
                          "  parameters: {firms: 40, n: 10, n_max: 40, network: empty, formal_networks: 0,\n"
                          "               search_common: 0, search_reputation: 0}\n"
                          "  replications: 3\n  seed: 7\n  stop: {until: periods, periods: 30}\n"
                          "  outputs: {series: false}\n"
                          "survey: {period: 30, window: 15, sample: 30}\nanalysis: {boot: 20, contrasts: false}\n");
  assert_int_equal(nl("study flat.yaml -o flat -t 2"), 0);
  /* seed 7: replication 0 is flat, 1 and 2 are not (coopnet's keyed streams, docs/coopnet.md 3.7) */
  assert_non_null(strstr(outbuf, "note: replication 0: PRODINNO had no variance in the survey sample"));
  assert_null(strstr(outbuf, "note: replication 1:"));
  assert_null(strstr(outbuf, "note: replication 2:"));
  char p[256];
  snprintf(p, sizeof p, "%s/flat/hypotheses.csv", tmpdir);
  slurp(p, outbuf, sizeof outbuf);
  assert_non_null(strstr(outbuf, ",threshold,verdict,flat\n"));
  assert_non_null(strstr(outbuf, "\nH1,EXPLORE -> PRODINNO,"));
  assert_non_null(strstr(outbuf, ",not supported,1\nH2,EXPLOIT -> PROCINNO,")); /* H1: 1 flat replication */
  assert_non_null(strstr(outbuf, ",0\nH3,PRODINNO -> NETCOLLAB,"));              /* H2 involves no flat construct */
  snprintf(p, sizeof p, "%s/flat/report.html", tmpdir);
  static char report[1 << 22];
  slurp(p, report, sizeof report);
  assert_non_null(strstr(report, "H1: in 1 of 3 replications a construct of"));
}

/* plot network --nodes with one stray id: refused at once (it built 1e8 nodes). */
static void test_plot_node_id_cap(void **state) {
  (void)state;
  write_file("ties.csv", "source,target\n0,1\n1,2\n");
  write_file("nodes.csv", "id,size\n0,1\n1,2\n2,3\n99999999,4\n");
  assert_int_equal(nl("plot network ties.csv --nodes nodes.csv -o net.png"), 2);
  assert_non_null(strstr(errbuf, "nodes.csv: node id 99999999: integer ids are drawn as nodes 0..max"));
  assert_false(exists("net.png"));
  write_file("nodes.csv", "id,size\n0,1\n1,2\n2,3\n5,4\n");
  assert_int_equal(nl("plot network ties.csv --nodes nodes.csv -o net.png"), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help_and_models),
      cmocka_unit_test(test_outputs_and_determinism),
      cmocka_unit_test(test_pls_stale_files),
      cmocka_unit_test(test_plot_node_id_cap),
      cmocka_unit_test(test_wide_csv_header),
      cmocka_unit_test(test_pls_huge_cell),
      cmocka_unit_test(test_study_flat_constructs),
      cmocka_unit_test(test_bad_inputs),
      cmocka_unit_test(test_network_group_names),
      cmocka_unit_test(test_missing_and_unwritable),
  };
  return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}
