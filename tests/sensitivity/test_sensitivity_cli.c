/* `netlearn sensitivity` end to end: the files it writes, identical results on 1 and 2 threads,
 * a kill -9 and resume giving the uninterrupted results, the noise floor of a stochastic model,
 * Morris, and every bad analysis file with its located message (exit 2). */
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
#include <sys/wait.h>

#include <cmocka.h>

#include "common/cli_harness.h"

/* Lines 1-7: an inline march1991 scenario (short runs, series every 5 periods). */
static const char *head = "scenario:\n"
                          "  model: march1991\n"
                          "  parameters: {m: 10, n: 10}\n"
                          "  replications: 2\n"
                          "  seed: 3\n"
                          "  stop: {until: periods, periods: 30}\n"
                          "  outputs: {series: true, every: 5}\n";

/* A Sobol' analysis: its files; the same bytes on 1 and 2 threads; the dummy's ST above 0 (the
 * runs of rows that differ only in the dummy use new random streams: march1991 is stochastic). */
static void test_sobol_files_threads(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text,
           "%smethod: sobol\nn: 16\nparameters:\n  p1: {from: 0.05, to: 0.9}\n  p2: [0.05, 0.9]\n"
           "  n: {from: 5, to: 40, scale: log}\noutputs: [code_knowledge, {measure: individual_knowledge, period: 10}]\n",
           head);
  write_file("a.yaml", text);
  assert_int_equal(nl("sensitivity a.yaml -o one -t 1 -q"), 0);
  assert_int_equal(nl("sensitivity a.yaml -o two -t 2"), 0);
  assert_non_null(strstr(outbuf, "code_knowledge:"));
  static const char *const files[] = {"indices.csv", "convergence.csv", "design.csv", "sobol_code_knowledge.svg",
                                      "sobol_individual_knowledge_t10.svg", "manifest.json"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    if (strcmp(files[i], "manifest.json")) same_in("one", "two", files[i]);
  assert_true(exists("one/manifest.json")); /* (it records the thread count) */
  char *ind = read_tmp("one/indices.csv");
  assert_non_null(ind);
  assert_true(!strncmp(ind, "output,parameter,S1,S1_low,S1_high,ST,ST_low,ST_high\n", 53));
  /* 4 factors x 2 outputs + header */
  int lines = 0;
  for (const char *c = ind; *c; c++) lines += *c == '\n';
  assert_int_equal(lines, 9);
  const char *d = strstr(ind, "code_knowledge,dummy,");
  assert_non_null(d);
  double s1, s1l, s1h, st;
  assert_int_equal(sscanf(d, "code_knowledge,dummy,%lf,%lf,%lf,%lf", &s1, &s1l, &s1h, &st), 4);
  assert_true(st > 0);
  free(ind);
  /* convergence at N/4, N/2, N: 3 x 8 rows */
  char *conv = read_tmp("one/convergence.csv");
  assert_non_null(conv);
  lines = 0;
  for (const char *c = conv; *c; c++) lines += *c == '\n';
  assert_int_equal(lines, 25);
  assert_non_null(strstr(conv, "code_knowledge,p1,4,"));
  free(conv);
  /* design.csv: 16 x (3 + 3) rows; n is an int parameter: rounded values */
  char *des = read_tmp("one/design.csv");
  assert_non_null(des);
  lines = 0;
  for (const char *c = des; *c; c++) lines += *c == '\n';
  assert_int_equal(lines, 16 * 6 + 1);
  assert_true(!strncmp(des, "row,point,block,p1,p2,n,code_knowledge,individual_knowledge@10\n", 62));
  free(des);
  /* a second run finds everything done */
  assert_int_equal(nl("sensitivity a.yaml -o one -t 2"), 0);
  assert_non_null(strstr(errbuf, "already done"));
  same_in("one", "two", "indices.csv");
}

/* Under mpirun the runs go to the other ranks (rank 0 writes the database): with 1 master and 2
 * workers the files are byte-identical to one thread's, and only workers ran runs (which worker ran
 * how many is the scheduler's business: under load one worker can take them all).
 * Skipped when netlearn was built without MPI or mpirun is missing. */
static void test_mpi_ranks(void **state) {
  (void)state;
#ifdef NL_TEST_MPI
  if (system("command -v mpirun > /dev/null 2>&1") != 0) skip();
  char text[2048];
  snprintf(text, sizeof text,
           "%smethod: sobol\nn: 8\nparameters:\n  p1: {from: 0.05, to: 0.9}\n  p2: [0.05, 0.9]\n"
           "outputs: [code_knowledge, {measure: individual_knowledge, period: 10}]\n",
           head);
  write_file("m.yaml", text);
  write_file("mm.yaml", "scenario:\n  model: march1991\n  parameters: {m: 10, n: 10}\n  replications: 2\n  seed: 4\n"
                        "  stop: {until: periods, periods: 20}\nmethod: morris\nn: 6\nparameters:\n"
                        "  p1: {from: 0.05, to: 0.9}\n  p2: [0.05, 0.9]\noutputs: [code_knowledge]\n");
  static const char *const mpirun = "ASAN_OPTIONS=detect_leaks=0 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
                                     "OMPI_MCA_rmaps_base_oversubscribe=1 mpirun --oversubscribe -np 3 ";
  char cmd[1024];
  for (int k = 0; k < 2; k++) {
    const char *file = k ? "mm.yaml" : "m.yaml";
    snprintf(cmd, sizeof cmd, "sensitivity %s -o %s -t 1 -q", file, k ? "mt" : "st");
    assert_int_equal(nl(cmd), 0);
    snprintf(cmd, sizeof cmd, "sensitivity %s -o %s", file, k ? "mr" : "sr");
    int rc = sh(mpirun, cmd);
    if (rc != 0) fail_msg("mpirun exit %d: %s", rc, errbuf);
    assert_non_null(strstr(outbuf, "code_knowledge:")); /* rank 0's table, once */
    assert_null(strstr(strstr(outbuf, "code_knowledge:") + 1, "code_knowledge:\n"));
    static const char *const sobol[] = {"indices.csv", "convergence.csv", "design.csv", "sobol_code_knowledge.svg"};
    static const char *const morris[] = {"morris.csv", "convergence.csv", "design.csv", "morris_code_knowledge.svg"};
    for (int i = 0; i < 4; i++) same_in(k ? "mt" : "st", k ? "mr" : "sr", k ? morris[i] : sobol[i]); /* 1 thread, 3 ranks */
    /* only ranks 1 and 2 ran runs; the session records 3 ranks */
    char query[1200], p[300];
    snprintf(query, sizeof query,
             "cd %s && sqlite3 %s/results.db \"SELECT (min(worker) >= 1 AND max(worker) <= 2) || ',' || "
             "(SELECT ranks FROM sessions) FROM runs\" > out.txt",
             tmpdir, k ? "mr" : "sr");
    if (system(query) != 0) skip(); /* no sqlite3 shell */
    path_of(p, sizeof p, "out.txt");
    slurp(p, outbuf, sizeof outbuf);
    assert_string_equal(outbuf, "1,3\n");
  }
  /* a bad file under mpirun: rank 0's located message, exit 2 on every rank */
  write_file("bad.yaml", "scenario: nothere.yaml\nmethod: sobol\n");
  assert_int_equal(sh(mpirun, "sensitivity bad.yaml -o b"), 2);
  assert_non_null(strstr(errbuf, "bad.yaml:1:"));
#else
  skip();
#endif
}

/* kill -9 in the middle, then the same command: the same indices as without the kill. */
static void test_kill_resume(void **state) {
  (void)state;
  char text[2048];
  snprintf(text, sizeof text,
           "scenario:\n  model: march1991\n  parameters: {m: 30, n: 40}\n  replications: 3\n  seed: 8\n"
           "  stop: {until: periods, periods: 300}\nmethod: morris\nn: 16\nparameters:\n  p1: [0.05, 0.9]\n"
           "  p2: [0.05, 0.9]\n  n: [5, 60]\noutputs: [code_knowledge]\n");
  write_file("k.yaml", text);
  assert_int_equal(nl("sensitivity k.yaml -o full -t 2 -q"), 0);
  (void)sh("timeout -s KILL 0.3", "sensitivity k.yaml -o killed -t 2 -q");
  assert_int_equal(nl("sensitivity k.yaml -o killed -t 1"), 0);
  if (!strstr(errbuf, "resuming")) print_message("note: the killed run had not started or had finished\n");
  same_in("killed", "full", "morris.csv");
  char *m = read_tmp("full/morris.csv");
  assert_non_null(m);
  assert_true(!strncmp(m, "output,parameter,mu,mu_star,mu_star_low,mu_star_high,sigma\n", 59));
  free(m);
  file_has("full/manifest.json", "morris_code_knowledge.svg", NULL);
}

typedef struct bad_case {
  const char *tail; /* after the 7 scenario lines, or a whole file when it starts with '!' */
  const char *where; /* "a.yaml:LINE:" */
  const char *what;  /* a word of the message */
} bad_case;

static const char *good_tail = "method: sobol\nn: 8\nparameters:\n  p1: {from: 0.1, to: 0.9}\noutputs: [code_knowledge]\n";

static void test_bad_files(void **state) {
  (void)state;
  static const bad_case cases[] = {
      {"metod: sobol\nn: 8\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:8:", "did you mean 'method'"},
      {"method: sobel\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:8:", "sobol or morris"},
      {"n: 1\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:8:", "'n'"},
      {"n: lots\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:8:", "'n'"},
      {"replications: 0\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:8:", "replications"},
      {"levels: 3\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:8:", "even"},
      {"dummy: maybe\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:8:", "true or false"},
      {"confidence: 1.5\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:8:", "confidence"},
      {"parameters:\n  p9: [0.1, 0.9]\noutputs: [code_knowledge]\n", "b.yaml:9:", "did you mean 'p1'"},
      {"parameters:\n  variant: [0, 1]\noutputs: [code_knowledge]\n", "b.yaml:9:", "not a number parameter"},
      {"parameters:\n  p1: {from: 0.5, to: 0.1}\noutputs: [code_knowledge]\n", "b.yaml:9:", "from < to"},
      {"parameters:\n  p1: {from: -1, to: 0.5}\noutputs: [code_knowledge]\n", "b.yaml:9:", "outside the parameter's range"},
      {"parameters:\n  p1: {from: 0, to: 0.5, scale: log}\noutputs: [code_knowledge]\n", "b.yaml:9:", "log scale"},
      {"parameters:\n  p1: {from: 0.1, to: 0.5, scal: log}\noutputs: [code_knowledge]\n", "b.yaml:9:", "did you mean 'scale'"},
      {"parameters:\n  p1: {from: 0.1, to: 0.5, scale: cubic}\noutputs: [code_knowledge]\n", "b.yaml:9:", "uniform or log"},
      {"parameters:\n  p1: {from: 0.1}\noutputs: [code_knowledge]\n", "b.yaml:9:", "missing key 'to'"},
      {"parameters:\n  p1: [0.1]\noutputs: [code_knowledge]\n", "b.yaml:9:", "[from, to]"},
      {"parameters:\n  p1: 0.5\noutputs: [code_knowledge]\n", "b.yaml:9:", "expected a range"},
      {"parameters: []\noutputs: [code_knowledge]\n", "b.yaml:8:", "'parameters'"},
      {"parameters: {p1: [0.1, 0.9]}\noutputs: [code_knowlege]\n", "b.yaml:9:", "did you mean 'code_knowledge'"},
      {"parameters: {p1: [0.1, 0.9]}\noutputs:\n  - {measure: code_knowledge, period: 7}\n", "b.yaml:10:", "every 5"},
      {"parameters: {p1: [0.1, 0.9]}\noutputs:\n  - {measure: code_knowledge, period: 31}\n", "b.yaml:10:", "period"},
      {"parameters: {p1: [0.1, 0.9]}\noutputs:\n  - {measur: code_knowledge}\n", "b.yaml:10:", "did you mean 'measure'"},
      {"parameters: {p1: [0.1, 0.9]}\noutputs:\n  - {period: 5}\n", "b.yaml:10:", "missing key 'measure'"},
      {"parameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge, code_knowledge]\n", "b.yaml:9:", "twice"},
      {"parameters: {p1: [0.1, 0.9]}\noutputs: {}\n", "b.yaml:9:", "'outputs'"},
      {"parameters: {p1: [0.1, 0.9]}\n", "b.yaml:1:", "missing key 'outputs'"},
      {"outputs: [code_knowledge]\n", "b.yaml:1:", "missing key 'parameters'"},
      {"model: march1991\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:8:", "belongs to the scenario"},
      {"!parameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:1:", "missing key 'scenario'"},
      {"!scenario: nosuch.yaml\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n", "b.yaml:1:", "nosuch.yaml"},
      {"!scenario:\n  model: march1991\n  parameters: {pq: 0.1}\nparameters: {p1: [0.1, 0.9]}\noutputs: [code_knowledge]\n",
       "b.yaml:3:", "pq"},
      {"!scenario:\n  model: march1991\n  outputs: {measures: [diversity]}\nparameters: {p1: [0.1, 0.9]}\n"
       "outputs: [code_knowledge]\n",
       "b.yaml:5:", "not among the scenario's outputs"},
      {"!scenario:\n  model: march1991\n  sweep:\n    parameters:\n      p1: [0.1, 0.2]\nparameters: {p1: [0.1, 0.9]}\n"
       "outputs: [code_knowledge]\n",
       "b.yaml:1:", "remove the scenario's 'sweep:'"},
      {"!scenario:\n  model: march1991\n  outputs: {series: false}\nparameters: {p1: [0.1, 0.9]}\noutputs:\n"
       "  - {measure: code_knowledge, period: 5}\n",
       "b.yaml:6:", "stores no series"},
      {"!- just a list\n", "b.yaml:1:", "expected a mapping"},
      {"!scenario: [unclosed\n", "b.yaml:", "b.yaml"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[4096];
    if (cases[i].tail[0] == '!') snprintf(text, sizeof text, "%s", cases[i].tail + 1);
    else snprintf(text, sizeof text, "%s%s", head, cases[i].tail);
    write_file("b.yaml", text);
    int rc = nl("sensitivity b.yaml -o bad -q");
    if (rc != 2 || !strstr(errbuf, cases[i].where) || !strstr(errbuf, cases[i].what))
      fail_msg("case %zu: exit %d, message: %s(want %s ... %s)\n%s", i, rc, errbuf, cases[i].where, cases[i].what, text);
    struct stat sb;
    char p[300];
    snprintf(p, sizeof p, "%s/bad/results.db", tmpdir);
    if (stat(p, &sb) == 0) fail_msg("case %zu: a database was created for a bad file", i);
  }
  /* the command line */
  char text[2048];
  snprintf(text, sizeof text, "%s%s", head, good_tail);
  write_file("g.yaml", text);
  assert_int_equal(nl("sensitivity g.yaml"), 2);
  assert_non_null(strstr(errbuf, "-o DIR"));
  assert_int_equal(nl("sensitivity -o x"), 2);
  assert_non_null(strstr(errbuf, "sensitivity: ANALYSIS.yaml is required"));
  assert_int_equal(nl("sensitivity g.yaml -o x --frobnicate"), 2);
  assert_non_null(strstr(errbuf, "--frobnicate"));
  assert_int_equal(nl("sensitivity g.yaml -o x -t 0"), 2);
  assert_int_equal(nl("sensitivity nosuch.yaml -o x"), 2);
  assert_non_null(strstr(errbuf, "nosuch.yaml"));
  assert_int_equal(nl("sensitivity --help"), 0);
  assert_non_null(strstr(outbuf, "usage: netlearn sensitivity"));
  /* the same directory for a different analysis: refused without --force-new */
  assert_int_equal(nl("sensitivity g.yaml -o gdir -q"), 0);
  snprintf(text, sizeof text, "%s%s", head,
           "method: sobol\nn: 8\nparameters:\n  p2: {from: 0.1, to: 0.9}\noutputs: [code_knowledge]\n");
  text[strstr(text, "seed: 3") - text + 6] = '4';
  write_file("g2.yaml", text);
  assert_int_equal(nl("sensitivity g2.yaml -o gdir -q"), 2);
  assert_non_null(strstr(errbuf, "--force-new"));
  assert_int_equal(nl("sensitivity g2.yaml -o gdir -q --force-new"), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sobol_files_threads),
      cmocka_unit_test(test_mpi_ranks),
      cmocka_unit_test(test_kill_resume),
      cmocka_unit_test(test_bad_files),
  };
  return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}
