/* The hostile pass over the commands of the second wave (calibrate, power,
 * sensitivity, study; docs/robustness.md): each case here failed before its fix
 * (a crash-free but wrong exit code, a stale file beside new results, a raw
 * byte in a message, an endless run, a misleading message). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cli_harness.h"

/* nl() with printf-style arguments. */
static int nlf(const char *fmt, ...) {
  char args[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(args, sizeof args, fmt, ap);
  va_end(ap);
  return nl(args);
}

/* Exit 2 with both fragments in the message. */
static void refused(int rc, const char *f1, const char *f2) {
  if (rc != 2) fail_msg("exit %d (want 2); stderr: %s", rc, errbuf);
  if (f1 && !strstr(errbuf, f1)) fail_msg("stderr lacks '%s': %s", f1, errbuf);
  if (f2 && !strstr(errbuf, f2)) fail_msg("stderr lacks '%s': %s", f2, errbuf);
}

static const char *plain_model = "A =~ a1 + a2\nB =~ b1 + b2\nB ~ A\n";
static const char *pilot = "a1,a2,b1,b2\n1,2,3,4\n2,1,4,3\n3,3,1,2\n4,5,2,2\n5,"
                           "5,5,5\n6,1,2,3\n7,7,7,1\n";

static void test_power(void **state) {
  (void)state;
  write_file("m.txt", plain_model);
  write_file("d.csv", pilot);
  /* An output directory that cannot be made: exit 2 before the replications
   * (was 1, after them). */
  write_file("afile", "x");
  refused(nl("power m.txt --data d.csv --n 6 -o afile/sub --reps 2 --boot 10 -q"), "afile/sub",
          "cannot create output directory");
  /* A stale replications.csv of an earlier analysis is removed (was left beside
   * the new results). */
  assert_int_equal(nl("power m.txt --data d.csv --n 6,7 -o out --reps 2 --boot "
                      "10 --replications -q"),
                   0);
  assert_true(exists("out/replications.csv"));
  assert_int_equal(nl("power m.txt --data d.csv --n 6 -o out --reps 2 --boot 10 -q"), 0);
  assert_false(exists("out/replications.csv"));
  assert_true(exists("out/power.csv"));
  /* A byte that is not text is shown as \xFF (it was printed raw). */
  write_file("bad.txt", "\xff\xfe =~ 0.8*a1\n");
  refused(nl("power bad.txt --n 50 -o out"), "bad.txt:1:1: unexpected byte \\xFF", NULL);
  write_file("ctl.txt", "A =~ a1 + a\x01\n");
  refused(nl("power ctl.txt --n 50 -o out"), "ctl.txt:1:12:", "found '\\x01'");
  /* 2,000 indicators: refused at once (one replication took minutes before any
   * result). */
  char *big = malloc(40000), *p = big;
  p += sprintf(p, "A =~ ");
  for (int i = 0; i < 2000; i++)
    p += sprintf(p, "%s0.1*a%d", i ? " + " : "", i);
  sprintf(p, "\nB =~ 0.8*b1 + 0.7*b2\nB ~ 0.3*A\n");
  write_file("big.txt", big);
  free(big);
  refused(nl("power big.txt --n 50 -o out --reps 1 --boot 10"), "big.txt: 2002 indicators", "at most 1000");
  /* Every replication failing (n too small for the model): the CSVs with NA and
   * a warning, exit 0 (was exit 1: "power.svg: a layer has no finite point").
   */
  assert_int_equal(nlf("power %s/examples/power/seed-model.txt --n 6 -o few "
                      "--reps 2 --boot 10 -q",
                      NL_SOURCE_DIR),
                   0);
  assert_non_null(strstr(errbuf, "none could: no power.svg"));
  assert_true(exists("few/power.csv"));
  assert_false(exists("few/power.svg"));
}

static const char *calib_base = "simulation:\n  model: march1991\n  stop: {until: periods, periods: 10}\n"
                                "parameters: {p1: [0.05, 0.95]}\nreplications: 3\nseed: 5\n"
                                "optimizer: {method: neldermead, max_evals: 4, starts: 1}\n";

static void test_calibrate(void **state) {
  (void)state;
  char text[1024];
  /* An se so small that the squared misfit overflows: bad input (was exit 1
   * after simulating: "the objective was not finite at any evaluation"). */
  snprintf(text, sizeof text,
           "%stargets:\n  - {measure: code_knowledge, stat: mean, value: "
           "1e308, se: 1e-308}\n",
           calib_base);
  write_file("c.yaml", text);
  refused(nl("calibrate c.yaml -o cal -q --no-report"), "c.yaml:9:", "se = 1e-308 is too small for value = 1e+308");
  /* Another calibration in the same directory: exit 2 as run's other scenario
   * (was 1). */
  snprintf(text, sizeof text,
           "%stargets:\n  - {measure: code_knowledge, stat: mean, value: 0.5, "
           "se: 0.1}\n",
           calib_base);
  write_file("c.yaml", text);
  assert_int_equal(nl("calibrate c.yaml -o cal -q --no-report"), 0);
  refused(nl("calibrate c.yaml -o cal -q --no-report --set seed=6"), "different calibration", NULL);
  /* A study file names the right command (was "unknown key 'survey'"). */
  refused(nlf("calibrate %s/examples/seed-study.yaml -o cal2", NL_SOURCE_DIR),
          "seed-study.yaml is a study file, not a calibration", "netlearn study");
}

static const char *sens_base = "scenario:\n  model: march1991\n  replications: 2\n  seed: 1\n"
                               "  stop: {until: periods, periods: 20}\n"
                               "  outputs: {series: true, every: 10, measures: [code_knowledge]}\n"
                               "n: 8\nparameters:\n  p1: {from: 0.05, to: 0.9}\noutputs: "
                               "[code_knowledge]\n";

static void test_sensitivity(void **state) {
  (void)state;
  char text[1024];
  /* Morris after Sobol' in one directory: Sobol's indices.csv and figures go
   * (they stayed). */
  snprintf(text, sizeof text, "%smethod: sobol\n", sens_base);
  write_file("sobol.yaml", text);
  assert_int_equal(nl("sensitivity sobol.yaml -o sa -q"), 0);
  assert_true(exists("sa/indices.csv"));
  assert_true(exists("sa/sobol_code_knowledge.svg"));
  snprintf(text, sizeof text, "%smethod: morris\n", sens_base);
  write_file("morris.yaml", text);
  assert_int_equal(nl("sensitivity morris.yaml -o sa -q --force-new"), 0);
  assert_true(exists("sa/morris.csv"));
  assert_false(exists("sa/indices.csv"));
  assert_false(exists("sa/sobol_code_knowledge.svg"));
  /* Series that cannot fit on the disk: refused before the database, as run
   * does (it ran until the disk was full). */
  write_file("huge.yaml", "scenario: {model: march1991, stop: {until: periods, periods: "
                          "1000000000}, outputs: {series: "
                          "true}}\nmethod: sobol\nn: 64\nparameters:\n  p1: {from: 0.05, to: 0.9}\n"
                          "outputs: [code_knowledge]\n");
  refused(nl("sensitivity huge.yaml -o big -q"), "huge.yaml: the series of", "GB on disk");
  assert_false(exists("big/results.db"));
  /* A study file names the right command (was "unknown key 'simulation'"). */
  refused(nlf("sensitivity %s/examples/seed-study.yaml -o sx", NL_SOURCE_DIR),
          "seed-study.yaml is a study file, not a sensitivity analysis", NULL);
}

static void test_study(void **state) {
  (void)state;
  /* A scenario given to the study parser (the Python and R packages call it
   * directly): it names the right command (was "cannot open model file
   * 'march1991'"). */
  write_file("scen.yaml", "model: march1991\nsimulation: {model: coopnet}\n");
  refused(nl("study scen.yaml -o st"), "'march1991' is a simulation model", "netlearn run");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_power),
      cmocka_unit_test(test_calibrate),
      cmocka_unit_test(test_sensitivity),
      cmocka_unit_test(test_study),
  };
  return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}
