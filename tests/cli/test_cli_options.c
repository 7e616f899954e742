/* The option parser of every command (cli/opts.c): the one message for an unknown option, a
 * missing value, a bad or out-of-range value, a value given to a flag, a missing argument; exit
 * code 2 and nothing run; --help made from the table (exit 0, every option listed); --name=VALUE
 * and `--` accepted. Each case fails before any work, so the whole test takes well under a second. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cli_harness.h"


/* args must exit 2 with exactly `message` (one line) on stderr, nothing on stdout. */
static void refused(const char *args, const char *message) {
  int rc = nl(args);
  char want[1024];
  snprintf(want, sizeof want, "netlearn: %s\n", message);
  if (rc != 2 || strcmp(errbuf, want) != 0 || outbuf[0])
    fail_msg("netlearn %s: exit %d, stderr '%s' (want exit 2 and '%s')", args, rc, errbuf, want);
}

static int setup(void **state) {
  if (cli_setup(state)) return -1;
  write_file("s.yaml", "model: march1991\nreplications: 2\nstop: {until: periods, periods: 5}\n");
  return 0;
}

static void test_unknown_options(void **state) {
  (void)state;
  static const char *const cmds[] = {"run s.yaml -o o", "export x -o o", "summary x",  "models",
                                     "pls m d",         "power m",       "plot line x", "study",
                                     "sensitivity a",   "calibrate c"};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    char args[256], name[32], msg[256];
    sscanf(cmds[i], "%31s", name);
    snprintf(args, sizeof args, "%s --bogus", cmds[i]);
    snprintf(msg, sizeof msg, "%s: unknown option '--bogus' (see `netlearn %s --help`)", name, name);
    refused(args, msg);
    /* a short option no command has, and a long one with a value attached */
    snprintf(args, sizeof args, "%s -Z", cmds[i]);
    snprintf(msg, sizeof msg, "%s: unknown option '-Z' (see `netlearn %s --help`)", name, name);
    refused(args, msg);
    snprintf(args, sizeof args, "%s --bogus=3", cmds[i]);
    snprintf(msg, sizeof msg, "%s: unknown option '--bogus' (see `netlearn %s --help`)", name, name);
    refused(args, msg);
  }
}

static void test_missing_values(void **state) {
  (void)state;
  refused("run s.yaml -o", "run: -o: missing value: expected DIR");
  refused("run s.yaml -o o --threads", "run: --threads: missing value: expected an integer in [1, 4096]");
  refused("summary x -m", "summary: -m: missing value: expected an integer in [1, 64]");
  refused("pls m d --ci", "pls: --ci: missing value: expected 'percentile' or 'bca'");
  refused("pls m d --alpha", "pls: --alpha: missing value: expected a number in (0, 1)");
  refused("pls m d --seed", "pls: --seed: missing value: expected a non-negative integer");
  refused("power m --n", "power: --n: missing value: expected comma-separated sample sizes such as 50,90,150,300");
  refused("plot line x --where", "plot: --where: missing value: expected PARAM=VALUE");
}

static void test_bad_values(void **state) {
  (void)state;
  refused("run s.yaml -o o -t two", "run: -t: expected an integer in [1, 4096], got 'two'");
  refused("run s.yaml -o o --threads 0", "run: --threads: 0 is out of range: expected an integer in [1, 4096]");
  refused("run s.yaml -o o --threads=5000", "run: --threads: 5000 is out of range: expected an integer in [1, 4096]");
  refused("run s.yaml -o o --threads 2x", "run: --threads: expected an integer in [1, 4096], got '2x'");
  refused("run s.yaml -o o --set p1", "run: --set: expected KEY=VALUE, got 'p1'");
  refused("run s.yaml -o o --set =1", "run: --set: expected KEY=VALUE, got '=1'");
  refused("summary x --measures 65", "summary: --measures: 65 is out of range: expected an integer in [1, 64]");
  refused("pls m d --seed -1", "pls: --seed: expected a non-negative integer, got '-1'");
  refused("pls m d --alpha 0", "pls: --alpha: 0 is out of range: expected a number in (0, 1)");
  refused("pls m d --tol abc", "pls: --tol: expected a number > 0, got 'abc'");
  refused("pls m d --scheme circular", "pls: --scheme: expected 'path', 'factorial' or 'centroid', got 'circular'");
  refused("pls m d --boot 1", "pls: --boot: expected a number of resamples in [2, 100000000], got '1'");
  refused("power m --n 50 -o o --tails 3", "power: --tails: 3 is out of range: expected an integer in [1, 2]");
  refused("power m --n 50,x -o o", "power: --n: expected comma-separated sample sizes such as 50,90,150,300, got '50,x'");
  refused("plot series x -o a.png --points 1,0",
          "plot: --points: expected design point numbers (from 1) separated by commas, e.g. 1,5,9, got '1,0'");
  refused("pls m d --ipma-scale 7:1", "pls: --ipma-scale: expected MIN:MAX with MIN < MAX (e.g. 1:7), got '7:1'");
  refused("plot line x -o a.png --dpi 10", "plot: --dpi: 10 is out of range: expected an integer in [36, 1200]");
  refused("plot line x -o a.png --font-size 3", "plot: --font-size: 3 is out of range: expected a number in [4, 72]");
  refused("plot line x -o a.png --ylim 2,1",
          "plot: --ylim: expected LO,HI (two numbers separated by a comma, LO < HI), got '2,1'");
  /* a flag given a value */
  refused("run s.yaml -o o --quiet=1", "run: --quiet takes no value, got '--quiet=1'");
  refused("models --markdown=yes", "models: --markdown takes no value, got '--markdown=yes'");
}

static void test_missing_arguments(void **state) {
  (void)state;
  refused("run", "run: SCENARIO.yaml is required (usage: netlearn run SCENARIO.yaml -o DIR [options])");
  refused("run s.yaml", "run: -o DIR is required (usage: netlearn run SCENARIO.yaml -o DIR [options])");
  refused("run s.yaml t.yaml -o o",
          "run: unexpected argument 't.yaml' (usage: netlearn run SCENARIO.yaml -o DIR [options])");
  refused("export", "export: DB is required (usage: netlearn export DB -o DIR)");
  refused("pls m", "pls: DATA.csv is required (usage: netlearn pls MODEL DATA.csv [options])");
  refused("power m -o o", "power: --n N1,N2,... is required (usage: netlearn power MODEL --n 50,90,150,300 -o DIR "
                          "[options])");
  refused("plot line", "plot: INPUT is required (usage: netlearn plot KIND INPUT [options] -o FIGURE.png|FIGURE.svg)");
  refused("study", "study: -o DIR is required (usage: netlearn study [STUDY.yaml] -o DIR [options])");
  refused("study a b -o o", "study: unexpected argument 'b' (usage: netlearn study [STUDY.yaml] -o DIR [options])");
  refused("study -o o --set x", "study: --set: expected KEY=VALUE, got 'x'");
  refused("calibrate c", "calibrate: -o DIR is required (usage: netlearn calibrate FILE.yaml -o DIR [options])");
  refused("calibrate -o o", "calibrate: FILE.yaml is required (usage: netlearn calibrate FILE.yaml -o DIR [options])");
  refused("models a b", "models: unexpected argument 'b' (usage: netlearn models [NAME] [--markdown])");
}

static void test_forms(void **state) {
  (void)state;
  /* --name=VALUE, short options, and `--` before an argument that starts with a dash */
  assert_int_equal(nl("run s.yaml --output=o1 --threads=1 -q"), 0);
  assert_int_equal(nl("summary o1 --measures=1"), 0);
  assert_non_null(strstr(outbuf, "2 of 2 runs"));
  assert_int_equal(nl("run -q -o o2 -- s.yaml"), 0);
  refused("run -q -o o3 -- --s.yaml", "--s.yaml: cannot open scenario file: No such file or directory");
}

/* --help from the table: usage line, the teaching text, every option, exit 0 on stdout. */
static void test_help(void **state) {
  (void)state;
  static const struct {
    const char *cmd, *usage, *teaching, *option;
  } cases[] = {
      {"run", "usage: netlearn run SCENARIO.yaml -o DIR [options]\n", "resumes", "  -t, --threads N      worker threads"},
      {"export", "usage: netlearn export DB -o DIR\n", "tidy CSV", "  -o, --output DIR     directory for the CSV"},
      {"summary", "usage: netlearn summary DB [options]\n", "design point", "  -m, --measures N     how many"},
      {"models", "usage: netlearn models [NAME] [--markdown]\n", "docs/models.md", "  --markdown           Markdown"},
      {"pls", "usage: netlearn pls MODEL DATA.csv [options]\n", "NAME =~ item1", "      --boot [N]       bootstrap"},
      {"power", "usage: netlearn power MODEL", "lavaan syntax", "      --n N1,N2,...    sample sizes"},
      {"plot", "usage: netlearn plot KIND INPUT", "kinds:", "common options:\n  -o, --output FILE    the figure"},
      {"study", "usage: netlearn study [STUDY.yaml] -o DIR [options]\n", "virtual survey", "      --set KEY=VALUE"},
      {"sensitivity", "usage: netlearn sensitivity ANALYSIS.yaml -o DIR [options]\n", "Sobol'", "      --force-new"},
      {"calibrate", "usage: netlearn calibrate FILE.yaml -o DIR [options]\n", "simulated minimum distance",
       "      --no-report"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char args[64];
    snprintf(args, sizeof args, "%s --help", cases[i].cmd);
    int rc = nl(args);
    if (rc != 0 || errbuf[0]) fail_msg("%s: exit %d, stderr '%s'", args, rc, errbuf);
    if (strncmp(outbuf, cases[i].usage, strlen(cases[i].usage)))
      fail_msg("%s: does not start with '%s':\n%s", args, cases[i].usage, outbuf);
    if (!strstr(outbuf, cases[i].teaching)) fail_msg("%s: lacks '%s'", args, cases[i].teaching);
    if (!strstr(outbuf, cases[i].option)) fail_msg("%s: lacks '%s':\n%s", args, cases[i].option, outbuf);
    if (!strstr(outbuf, "  -h, --help           this help\n")) fail_msg("%s: lacks -h, --help", args);
    /* -h is the same help, also after other options */
    char again[64];
    snprintf(again, sizeof again, "%s -h", cases[i].cmd);
    static char first[1 << 16];
    snprintf(first, sizeof first, "%s", outbuf);
    rc = nl(again);
    if (rc != 0 || strcmp(first, outbuf) != 0) fail_msg("%s: exit %d or a different help", again, rc);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unknown_options), cmocka_unit_test(test_missing_values),
      cmocka_unit_test(test_bad_values),      cmocka_unit_test(test_missing_arguments),
      cmocka_unit_test(test_forms),           cmocka_unit_test(test_help),
  };
  return cmocka_run_group_tests(tests, setup, cli_teardown);
}
