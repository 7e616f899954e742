/*
 * Every bad input of `netlearn pls` on purpose: the library status and message (with
 * file:line:column where there is one), and the CLI's exit code 2 and message. Also the CLI's
 * happy path: files written atomically, stdin model, --help, thread-count independence.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cli_harness.h"

#include "core/rng.h"
#include "netlearn/pls.h"


/* A clean data set: a1..a3 (Mode A), b1..b3 (Mode B), y1..y2, plus special columns:
 * zero (constant), b4 = b1 + b2 (collinear), txt (non-numeric in row 4), a1dup = a1. */
static void write_data(const char *name, size_t n) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "a1,a2,a3,b1,b2,b3,y1,y2,zero,b4,txt,a1dup\n");
  nl_rng r;
  nl_rng_init(&r, 5, 0, NL_RNG_PURPOSE_USER, 1);
  for (size_t i = 0; i < n; i++) {
    double la = nl_rng_normal(&r), b[3], y;
    for (int k = 0; k < 3; k++) b[k] = nl_rng_normal(&r);
    y = 0.4 * la + 0.3 * (b[0] + b[1] + b[2]) + nl_rng_normal(&r);
    double a1 = la + 0.6 * nl_rng_normal(&r);
    fprintf(f, "%.6f,", a1);
    for (int k = 1; k < 3; k++) fprintf(f, "%.6f,", la + 0.6 * nl_rng_normal(&r));
    for (int k = 0; k < 3; k++) fprintf(f, "%.6f,", b[k]);
    fprintf(f, "%.6f,%.6f,3,%.6f,%s,%.6f\n", y + 0.5 * nl_rng_normal(&r), y + 0.5 * nl_rng_normal(&r), b[0] + b[1],
            i == 2 ? "abc" : "1", a1);
  }
  fclose(f);
}

static const char *GOOD_MODEL = "A =~ a1 + a2 + a3\nB <~ b1 + b2 + b3\nY =~ y1 + y2\nY ~ A + B\n";

static int setup(void **state) {
  if (cli_setup(state)) return -1;
  write_data("data.csv", 60);
  write_file("good.model", GOOD_MODEL);
  return 0;
}

/* `netlearn pls args` in the temporary directory (tests/common/cli_harness.h); the exit code,
 * stderr in err. */
static int run_cli(const char *args, char *err, size_t cap) {
  char a[2048];
  snprintf(a, sizeof a, "pls %s", args);
  int rc = nl(a);
  snprintf(err, cap, "%s", errbuf);
  return rc;
}

/* Library: parse `model` and bind it to data.csv; returns the first failing status, message in msg. */
static nl_status lib_try(const char *model, const char *data, const nl_pls_options *opt, char *msg, size_t cap) {
  nl_pls_model *m = NULL;
  nl_pls_data *d = NULL;
  nl_pls *p = NULL;
  char path[512];
  msg[0] = '\0';
  nl_status st = nl_pls_model_parse(model, "model.txt", &m);
  if (st != NL_OK) {
    snprintf(msg, cap, "%s", nl_pls_model_errmsg(m));
    goto done;
  }
  snprintf(path, sizeof path, "%s/%s", tmpdir, data);
  st = nl_pls_data_read(path, &d);
  if (st != NL_OK) {
    snprintf(msg, cap, "%s", nl_pls_data_errmsg(d));
    goto done;
  }
  st = nl_pls_prepare(m, d, opt, &p);
  if (st == NL_OK) st = nl_pls_estimate(p);
  if (st != NL_OK) snprintf(msg, cap, "%s", nl_pls_errmsg(p));
done:
  nl_pls_free(p);
  nl_pls_data_free(d);
  nl_pls_model_free(m);
  return st;
}

/* The bad model, the expected library status and a fragment of the message; then the same via CLI. */
typedef struct bad_model {
  const char *name, *text;
  nl_status st;
  const char *msg;
} bad_model;

static void test_bad_models(void **state) {
  (void)state;
  static const bad_model cases[] = {
      {"absent indicator", "A =~ a1 + a2 + a9\nY =~ y1 + y2\nY ~ A\n", NL_EINVAL,
       "model.txt:1:16: indicator 'a9' of construct 'A' is not a column of"},
      {"construct without indicators", "A =~ a1 + a2\nY =~ y1\nY ~ A + C\n", NL_EINVAL,
       "model.txt:3:9: construct 'C' has no indicators"},
      {"duplicated indicator", "A =~ a1 + a2\nY =~ y1 + a2\nY ~ A\n", NL_EINVAL,
       "model.txt:2:11: indicator 'a2' is used twice (first at line 1, column 11)"},
      {"cyclic model", "A =~ a1 + a2\nB =~ b1\nY =~ y1\nB ~ A\nY ~ B\nA ~ Y\n", NL_EINVAL,
       "not recursive (it has a cycle: A -> B -> Y -> A)"},
      {"self loop", "A =~ a1 + a2\nY =~ y1\nY ~ A\nY ~ Y\n", NL_EINVAL, "model.txt:4:5: the structural model is not recursive"},
      {"empty structural model", "A =~ a1 + a2\nY =~ y1 + y2\n", NL_EINVAL, "the structural model is empty"},
      {"empty model", "# nothing here\n\n", NL_EINVAL, "the model is empty"},
      {"dangling plus", "A =~ a1 + a2 +\n", NL_EPARSE, "model.txt:2:1: expected an indicator name, found end of input"},
      {"missing plus", "A =~ a1 a2\nY =~ y1\nY ~ A\n", NL_EPARSE,
       "model.txt:1:9: expected '+' or the end of the statement, found 'a2'"},
      {"bad operator", "A => a1\n", NL_EPARSE, "model.txt:1:3: expected '=~' (reflective), '<~' (composite) or '~'"},
      {"covariance", "A =~ a1\nY =~ y1\nY ~ A\nA ~~ Y\n", NL_EPARSE, "model.txt:4:3: '~~' (a covariance)"},
      {"modifier", "A =~ 0.5*a1 + a2\nY =~ y1\nY ~ A\n", NL_EPARSE, "model.txt:1:6: modifiers such as '0.5*'"},
      {"construct defined twice", "A =~ a1\nA <~ a2\nY =~ y1\nY ~ A\n", NL_EINVAL,
       "model.txt:2:1: construct 'A' is already defined at line 1"},
      {"unused construct", "A =~ a1\nB =~ b1\nY =~ y1\nY ~ A\n", NL_EINVAL,
       "model.txt:2:1: construct 'B' is not part of any structural path"},
      {"duplicated path", "A =~ a1\nY =~ y1\nY ~ A\nY ~ A\n", NL_EINVAL, "model.txt:4:5: duplicated path A -> Y"},
      {"zero variance", "A =~ a1 + zero\nY =~ y1\nY ~ A\n", NL_ENUMERIC,
       "indicator 'zero' (construct 'A') has zero variance"},
      {"collinear formative", "B <~ b1 + b2 + b4\nY =~ y1\nY ~ B\n", NL_ENUMERIC,
       "formative indicators of 'B' are perfectly collinear: 'b4' is a linear combination"},
      {"collinear antecedents", "A =~ a1\nD =~ a1dup\nY =~ y1 + y2\nY ~ A + D\n", NL_ENUMERIC,
       "the antecedents of 'Y' are perfectly collinear"},
      {"non-numeric cells", "A =~ a1 + txt\nY =~ y1\nY ~ A\n", NL_EINVAL,
       "data.csv:4:"},
      /* interaction terms */
      {"interaction with itself", "A =~ a1 + a2\nY =~ y1\nY ~ A + A:A\n", NL_EINVAL,
       "model.txt:3:9: 'A:A' is an interaction of 'A' with itself"},
      {"interaction with an undefined construct", "A =~ a1\nY =~ y1\nY ~ A + A:C\n", NL_EINVAL,
       "model.txt:3:9: 'C' in the interaction term 'A:C' is not a defined construct"},
      {"interaction as an outcome", "A =~ a1\nB =~ b1\nY =~ y1\nA:B ~ Y\n", NL_EPARSE,
       "model.txt:4:2: an interaction term 'A:B' can only be an antecedent"},
      {"interaction as an indicator", "A =~ a1:a2\nY =~ y1\nY ~ A\n", NL_EPARSE,
       "model.txt:1:8: an interaction term 'A:B' can only be an antecedent"},
      {"three-way interaction", "A =~ a1\nB =~ b1\nC =~ b2\nY =~ y1\nY ~ A + B + C + A:B:C\n", NL_EPARSE,
       "model.txt:5:20: only two-way interactions"},
      {"seminr-style interaction", "A =~ a1\nB =~ b1\nY =~ y1\nY ~ A + B + A*B\n", NL_EPARSE,
       "model.txt:4:13: write an interaction term as 'A:...'"},
      {"same interaction twice", "A =~ a1\nB =~ b1\nY =~ y1\nZ =~ y2\nY ~ A + B + A:B\nZ ~ B:A\n", NL_EINVAL,
       "model.txt:6:5: 'B:A' is the same interaction as 'A:B' (line 5)"},
      {"two-stage without the moderator's main effect", "A =~ a1 + a2\nB =~ b1 + b2\nY =~ y1\nY ~ A + A:B\n",
       NL_EINVAL, "model.txt:4:9: two-stage estimation of 'A:B' needs 'B' in a path"},
      /* higher-order constructs */
      {"higher-order construct with one dimension", "A =~ a1 + a2\nH =~ A\nY =~ y1\nY ~ H\n", NL_EINVAL,
       "model.txt:2:1: higher-order construct 'H' has one lower-order construct ('A')"},
      {"higher-order construct mixing items", "A =~ a1 + a2\nH =~ A + b1\nY =~ y1\nY ~ H\n", NL_EINVAL,
       "model.txt:2:1: 'H' mixes constructs and indicators ('A' is a construct, 'b1' is not)"},
      {"lower-order construct in a path", "A =~ a1 + a2\nB =~ b1 + b2\nH =~ A + B\nY =~ y1\nY ~ H + A\n",
       NL_EINVAL, "model.txt:5:9: 'A' is a lower-order construct of 'H'"},
      {"third-order construct", "A =~ a1\nB =~ b1\nH =~ A + B\nC =~ a2\nG =~ H + C\nY =~ y1\nY ~ G\n", NL_EINVAL,
       "model.txt:5:6: 'H' is itself a higher-order construct"},
      {"lower-order construct used twice", "A =~ a1\nB =~ b1\nC =~ b2\nH =~ A + B\nG =~ A + C\nY =~ y1\nY ~ H + G\n",
       NL_EINVAL, "model.txt:5:6: construct 'A' is used twice"},
      {"interaction and higher-order construct", "A =~ a1\nB =~ b1\nH =~ A + B\nM =~ a2\nY =~ y1\nY ~ H + M + H:M\n",
       NL_EINVAL, "model.txt:6:13: interaction terms with higher-order or lower-order constructs ('H')"},
  };
  char msg[1200], err[4096];
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const bad_model *c = &cases[k];
    nl_status st = lib_try(c->text, "data.csv", NULL, msg, sizeof msg);
    if (st != c->st || !strstr(msg, c->msg))
      fail_msg("%s: status %d (want %d), message '%s' (want '%s')", c->name, (int)st, (int)c->st, msg, c->msg);
    write_file("bad.model", c->text);
    int rc = run_cli("bad.model data.csv", err, sizeof err);
    if (rc != 2 || strncmp(err, "netlearn: ", 10) != 0 || !strstr(err, c->msg + (strncmp(c->msg, "model.txt", 9) ? 0 : 9)))
      fail_msg("%s (CLI): exit %d, stderr '%s'", c->name, rc, err);
  }
  /* a model embedded in another file reports positions in that file */
  nl_pls_model *m = NULL;
  assert_int_equal(nl_pls_model_parse_at("A =~ a1 +\n  a2 a3\n", "study.yaml", 12, 5, &m), NL_EPARSE);
  assert_non_null(strstr(nl_pls_model_errmsg(m), "study.yaml:13:10: expected '+' or the end of the statement"));
  nl_pls_model_free(m);
  /* the non-numeric message names the exact cell */
  lib_try("A =~ a1 + txt\nY =~ y1\nY ~ A\n", "data.csv", NULL, msg, sizeof msg);
  assert_non_null(strstr(msg, "data.csv:4:"));
  assert_non_null(strstr(msg, "non-numeric value 'abc' in column 'txt'"));
}

static void test_bad_data(void **state) {
  (void)state;
  char msg[1200], err[4096];
  /* file missing */
  assert_int_equal(lib_try(GOOD_MODEL, "nope.csv", NULL, msg, sizeof msg), NL_EIO);
  assert_non_null(strstr(msg, "nope.csv: cannot open"));
  assert_int_equal(run_cli("good.model nope.csv", err, sizeof err), 2);
  assert_non_null(strstr(err, "nope.csv: cannot open"));
  assert_int_equal(run_cli("nope.model data.csv", err, sizeof err), 2);
  assert_non_null(strstr(err, "nope.model: cannot open model file"));
  /* ragged rows */
  write_file("ragged.csv", "a1,a2,a3,b1,b2,b3,y1,y2\n1,2,3,4,5,6,7,8\n1,2,3,4,5,6,7\n");
  assert_int_equal(lib_try(GOOD_MODEL, "ragged.csv", NULL, msg, sizeof msg), NL_EPARSE);
  assert_non_null(strstr(msg, "ragged.csv:3:13: row has 7 fields, the header has 8 columns"));
  assert_int_equal(run_cli("good.model ragged.csv", err, sizeof err), 2);
  assert_non_null(strstr(err, "ragged.csv:3:13:"));
  write_file("long.csv", "a1,a2\n1,2,3\n");
  assert_int_equal(lib_try(GOOD_MODEL, "long.csv", NULL, msg, sizeof msg), NL_EPARSE);
  assert_non_null(strstr(msg, "long.csv:2:5: too many fields"));
  /* fewer rows than needed (Mode B block of 3 needs at least 4 rows) */
  write_data("tiny.csv", 3);
  assert_int_equal(lib_try(GOOD_MODEL, "tiny.csv", NULL, msg, sizeof msg), NL_EINVAL);
  assert_non_null(strstr(msg, "3 usable rows, but the model needs at least 4"));
  assert_int_equal(run_cli("good.model tiny.csv", err, sizeof err), 2);
  /* a header and no rows */
  write_file("empty.csv", "a1,a2,a3,b1,b2,b3,y1,y2\n");
  assert_int_equal(lib_try(GOOD_MODEL, "empty.csv", NULL, msg, sizeof msg), NL_EINVAL);
  assert_non_null(strstr(msg, "empty.csv: the data has a header but no rows"));
  write_file("nothing.csv", "\n\n");
  assert_int_equal(lib_try(GOOD_MODEL, "nothing.csv", NULL, msg, sizeof msg), NL_EPARSE);
  assert_non_null(strstr(msg, "nothing.csv:1:1: empty file"));
  /* casewise deletion leaving too few rows; the missing code applies */
  write_file("missing.csv", "a1,a2,y1\n1,2,3\n-9,1,2\n3,NA,1\n2,2,\n4,1,5\n");
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.missing = NL_PLS_MISSING_CASEWISE;
  o.has_na_code = 1;
  o.na_code = -9;
  assert_int_equal(lib_try("A =~ a1 + a2\nY =~ y1\nY ~ A\n", "missing.csv", &o, msg, sizeof msg), NL_EINVAL);
  assert_non_null(strstr(msg, "2 usable rows after casewise deletion, but the model needs at least 3"));
  /* duplicate column names, unterminated quote */
  write_file("dup.csv", "a1,a2,a1\n1,2,3\n");
  assert_int_equal(lib_try(GOOD_MODEL, "dup.csv", NULL, msg, sizeof msg), NL_EPARSE);
  assert_non_null(strstr(msg, "dup.csv:1:7: duplicate column name 'a1'"));
  write_file("quote.csv", "a1,a2\n1,\"2\n3,4\n");
  assert_int_equal(lib_try(GOOD_MODEL, "quote.csv", NULL, msg, sizeof msg), NL_EPARSE);
  assert_non_null(strstr(msg, "quote.csv:2:3: unterminated quoted field"));
  /* usage errors */
  assert_int_equal(run_cli("good.model", err, sizeof err), 2);
  assert_int_equal(run_cli("good.model data.csv --bogus", err, sizeof err), 2);
  assert_non_null(strstr(err, "unknown option '--bogus'"));
  assert_int_equal(run_cli("good.model data.csv --scheme circular", err, sizeof err), 2);
  assert_int_equal(run_cli("good.model data.csv --seed", err, sizeof err), 2);
  assert_non_null(strstr(err, "--seed: missing value: expected a non-negative integer"));
  assert_int_equal(run_cli("good.model data.csv --boot x", err, sizeof err), 2);
  assert_int_equal(run_cli("good.model data.csv --boot 1", err, sizeof err), 2);
  assert_int_equal(run_cli("good.model data.csv --interaction squared", err, sizeof err), 2);
  assert_non_null(strstr(err, "--interaction: expected 'two-stage', 'product-indicator' or 'orthogonal'"));
  /* PLSpredict: folds > n (60 rows), one fold, bad spellings, a moderated model */
  assert_int_equal(run_cli("good.model data.csv --predict 61", err, sizeof err), 2);
  assert_non_null(strstr(err, "data.csv: PLSpredict: 61 folds but only 60 observations"));
  assert_int_equal(run_cli("good.model data.csv --predict 1", err, sizeof err), 2);
  assert_non_null(strstr(err, "--predict: expected 'loocv', K or KxR"));
  assert_int_equal(run_cli("good.model data.csv --predict 10x0", err, sizeof err), 2);
  assert_int_equal(run_cli("good.model data.csv --predict tenfold", err, sizeof err), 2);
  assert_int_equal(run_cli("good.model data.csv --predict-technique xa", err, sizeof err), 2);
  assert_non_null(strstr(err, "--predict-technique: expected 'da'"));
  write_data("small.csv", 12);
  assert_int_equal(run_cli("good.model small.csv --predict 2", err, sizeof err), 2);
  assert_non_null(strstr(err, "small.csv: PLSpredict: with 2 folds a training set has 6 rows, but the model and the LM "
                              "benchmark need at least 10"));
  write_file("int.model", "A =~ a1 + a2\nB =~ b1 + b2\nY =~ y1\nY ~ A + B + A:B\n");
  assert_int_equal(run_cli("int.model data.csv --predict", err, sizeof err), 2);
  assert_non_null(strstr(err, "no published solution"));
  /* IPMA: unknown target, exogenous target, bad scale, data outside the scale */
  assert_int_equal(run_cli("good.model data.csv --ipma Z", err, sizeof err), 2);
  assert_non_null(strstr(err, "good.model: --ipma: 'Z' is not a construct of the model"));
  assert_int_equal(run_cli("good.model data.csv --ipma A", err, sizeof err), 2);
  assert_non_null(strstr(err, "good.model: IPMA: target 'A' has no antecedents"));
  assert_int_equal(run_cli("good.model data.csv --ipma Y --ipma-scale 7:1", err, sizeof err), 2);
  assert_non_null(strstr(err, "--ipma-scale: expected MIN:MAX"));
  assert_int_equal(run_cli("good.model data.csv --ipma Y --ipma-scale 0:1", err, sizeof err), 2);
  assert_non_null(strstr(err, "data.csv: IPMA: indicator 'a1' has values from"));
  assert_int_equal(run_cli("good.model data.csv --preset lavaan", err, sizeof err), 2);
  assert_non_null(strstr(err, "--preset: expected 'seminr', 'cSEM', 'smartpls', 'plspm'"));
  assert_int_equal(run_cli("good.model data.csv --preset", err, sizeof err), 2);
  /* multigroup analysis: one group, a group smaller than the indicators, a missing or text code */
  write_file("grp1.csv", "a1,a2,y1,g\n1,2,3,1\n2,1,2,1\n3,3,1,1\n4,1,5,1\n");
  write_file("grp.model", "A =~ a1 + a2\nY =~ y1\nY ~ A\n");
  assert_int_equal(run_cli("grp.model grp1.csv --groups g", err, sizeof err), 2);
  assert_non_null(strstr(err, "grp1.csv: group column 'g' has one group (1); multigroup analysis needs two or more"));
  write_file("grp2.csv", "a1,a2,y1,g\n1,2,3,1\n2,1,2,1\n3,3,1,1\n4,1,5,1\n2,2,2,2\n5,1,2,1\n");
  assert_int_equal(run_cli("grp.model grp2.csv --groups g", err, sizeof err), 2);
  assert_non_null(strstr(err, "grp2.csv: group 2 of column 'g' has 1 rows, fewer than the model's 3 indicators"));
  write_file("grp3.csv", "a1,a2,y1,g\n1,2,3,1\n2,1,2,\n3,3,1,2\n");
  assert_int_equal(run_cli("grp.model grp3.csv --groups g", err, sizeof err), 2);
  assert_non_null(strstr(err, "grp3.csv: group column 'g' is missing in data row 2"));
  write_file("grp4.csv", "a1,a2,y1,g\n1,2,3,DE\n2,1,2,FR\n3,3,1,DE\n");
  assert_int_equal(run_cli("grp.model grp4.csv --groups g", err, sizeof err), 2);
  assert_non_null(strstr(err, "grp4.csv: group DE of column 'g' has 2 rows, fewer than the model's 3 indicators"));
  assert_int_equal(run_cli("grp.model grp4.csv --groups g --perm 1", err, sizeof err), 2);
  /* PLSc with interaction terms or higher-order constructs */
  nl_pls_options_default(&o);
  o.consistent = 1;
  assert_int_equal(lib_try("A =~ a1 + a2\nB =~ b1 + b2\nY =~ y1\nY ~ A + B + A:B\n", "data.csv", &o, msg, sizeof msg),
                   NL_EINVAL);
  assert_non_null(strstr(msg, "consistent PLS (PLSc) with interaction terms or higher-order constructs"));
  write_file("int.model", "A =~ a1 + a2\nB =~ b1 + b2\nY =~ y1\nY ~ A + B + A:B\n");
  assert_int_equal(run_cli("int.model data.csv --plsc", err, sizeof err), 2);
}

static void test_nonconvergence(void **state) {
  (void)state;
  char msg[1200], err[4096];
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.max_iter = 1;
  assert_int_equal(lib_try(GOOD_MODEL, "data.csv", &o, msg, sizeof msg), NL_ECONVERGE);
  assert_non_null(strstr(msg, "did not converge in 1 iterations"));
  /* the CLI reports it, still writes the results, and exits 1 */
  assert_int_equal(run_cli("good.model data.csv --max-iter 1 -q -o nc", err, sizeof err), 1);
  assert_non_null(strstr(err, "netlearn: warning: the PLS weights did not converge"));
  char path[512], line[512];
  snprintf(path, sizeof path, "%s/nc/convergence.csv", tmpdir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  assert_non_null(fgets(line, sizeof line, f));
  assert_non_null(fgets(line, sizeof line, f));
  fclose(f);
  assert_int_equal(strncmp(line, "1,false,", 8), 0);
}

static size_t count_lines(const char *rel) {
  char path[512], line[4096];
  snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = 0;
  while (fgets(line, sizeof line, f)) n++;
  fclose(f);
  return n;
}

static void test_cli_outputs(void **state) {
  (void)state;
  char err[4096];
  assert_int_equal(run_cli("--help", err, sizeof err), 0);
  assert_non_null(strstr(outbuf, "NAME =~ item1 + item2"));
  assert_non_null(strstr(outbuf, "Example"));
  /* model on stdin, bootstrap with 1 and 2 threads: identical files */
  assert_int_equal(run_cli("- data.csv -o out1 --boot 200 --seed 9 --threads 1 --ci bca < good.model", err, sizeof err),
                   0);
  assert_int_equal(run_cli("good.model data.csv -o out2 --boot 200 --seed 9 --threads 2 --ci bca -q", err, sizeof err),
                   0);
  same_in("out1", "out2", "bootstrap.csv");
  file_has("out1/bootstrap.csv", "quantity,from,through,to,original,boot_mean,boot_sd,t,p,ci_lower,ci_upper\n",
           "\npath,A,,Y,", "\nhtmt,", NULL);
  assert_true(outbuf[0] == '\0'); /* -q: the last command's stdout is empty */
  /* bare --boot: seminr's default of 500 resamples */
  assert_int_equal(run_cli("good.model data.csv --boot -q -o out3", err, sizeof err), 0);
  file_has("out3/bootstrap_info.csv", "\n500,500,0,", NULL);
  file_has("out1/bootstrap_info.csv", "200,200,0,", ",9,0,bca,0.05,", NULL);
  /* every file, with its header and row count (3 constructs, 8 indicators, 2 paths, 60 rows) */
  static const struct {
    const char *file, *header;
    size_t rows;
  } files[] = {
      {"weights.csv", "construct,indicator,mode,estimate", 8},
      {"loadings.csv", "construct,indicator,estimate", 8},
      {"cross_loadings.csv", "indicator,construct,estimate", 24},
      {"paths.csv", "from,to,estimate", 2},
      {"total_effects.csv", "from,to,estimate", 2},
      {"indirect_effects.csv", "from,to,estimate", 0},
      {"specific_indirect_effects.csv", "from,through,to,estimate", 0},
      {"rsquared.csv", "construct,r2,adj_r2", 1},
      {"fsquared.csv", "from,to,estimate", 2},
      {"vif_inner.csv", "from,to,estimate", 2},
      {"vif_outer.csv", "construct,indicator,estimate", 8},
      {"reliability.csv", "construct,alpha,rho_c,ave,rho_a", 3},
      {"htmt.csv", "construct1,construct2,estimate", 3},
      {"fornell_larcker.csv", "construct1,construct2,estimate", 6},
      {"scores.csv", "row,A,B,Y", 60},
      {"convergence.csv", "iterations,converged,weight_change,max_iter,tolerance,nobs,nrows_data,scheme,missing,"
                          "consistent",
       1},
  };
  for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
    char rel[256];
    snprintf(rel, sizeof rel, "out1/%s", files[k].file);
    char *csv = read_tmp(rel);
    assert_non_null(csv);
    if (strncmp(csv, files[k].header, strlen(files[k].header)) != 0) fail_msg("%s: header '%.80s'", rel, csv);
    free(csv);
    if (count_lines(rel) != files[k].rows + 1) fail_msg("%s: %zu lines", rel, count_lines(rel));
  }
  /* no temporary files left behind */
  char cmd[600];
  snprintf(cmd, sizeof cmd, "ls '%s/out1' | grep -q tmp", tmpdir);
  assert_int_not_equal(system(cmd), 0);
  /* Ctrl-C during a long bootstrap: exit 3, nothing written */
  /* --foreground: one SIGINT to netlearn only (without it timeout signals its whole process group as
   * well, and a second signal makes the CLI exit at once with "interrupted again") */
  assert_int_equal(sh("timeout --foreground --preserve-status -s INT 0.5", "pls good.model data.csv --boot 1000000 -q -o intr"),
                   3);
  assert_non_null(strstr(errbuf, "netlearn: interrupted: bootstrap canceled after"));
  char cmd2[2048];
  /* nothing written: the directory is created before estimating (an uncreatable one is exit 2), but stays empty */
  snprintf(cmd2, sizeof cmd2, "test -n \"$(ls -A '%s/intr' 2>/dev/null)\"", tmpdir);
  assert_int_not_equal(system(cmd2), 0);
  /* the report names the paths and reliability table */
  assert_int_equal(run_cli("good.model data.csv --scheme factorial --plsc", err, sizeof err), 0);
  assert_non_null(strstr(outbuf, "Path Coefficients:"));
  assert_non_null(strstr(outbuf, "Reliability:"));
  assert_non_null(strstr(outbuf, "inner weighting: factorial"));
  assert_non_null(strstr(outbuf, "consistent PLS (PLSc): yes"));
}

/* End to end: the CLI's CSV files on corp_rep (with --na -99) carry seminr's numbers. */
static void test_cli_matches_seminr(void **state) {
  (void)state;
  char err[4096], args[1024];
  snprintf(args, sizeof args, "'%s/tests/pls/corp_rep.model' '%s/corp_rep_data.csv' --na -99 -q -o corp",
           NL_SOURCE_DIR, NL_DATA_DIR);
  assert_int_equal(run_cli(args, err, sizeof err), 0);
  FILE *ref = fopen(NL_SOURCE_DIR "/tests/pls/seminr_reference.csv", "r");
  assert_non_null(ref);
  char line[512];
  size_t checked = 0;
  while (fgets(line, sizeof line, ref)) {
    char model[32], q[32], row[32], col[32];
    double want;
    if (line[0] == '#' || strncmp(line, "corp_rep,", 9) != 0) continue;
    if (sscanf(line, "%31[^,],%31[^,],%31[^,],%31[^,],%lf", model, q, row, col, &want) != 5) continue;
    const char *file = NULL;
    char key[128];
    if (!strcmp(q, "path")) file = "paths.csv", snprintf(key, sizeof key, "%s,%s,", row, col);
    else if (!strcmp(q, "loading")) file = "loadings.csv", snprintf(key, sizeof key, "%s,%s,", row, col);
    else if (!strcmp(q, "weight")) file = "weights.csv", snprintf(key, sizeof key, "%s,%s,", row, col);
    else if (!strcmp(q, "f2")) file = "fsquared.csv", snprintf(key, sizeof key, "%s,%s,", row, col);
    if (!file) continue;
    char rel[64], path[512], buf[512];
    snprintf(rel, sizeof rel, "corp/%s", file);
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int found = 0;
    while (fgets(buf, sizeof buf, f)) {
      if (strncmp(buf, key, strlen(key)) != 0) continue;
      const char *v = strrchr(buf, ',') + 1;
      double got = strtod(v, NULL);
      if (!(fabs(got - want) < 1e-9)) fail_msg("%s %s: CLI %.15g, seminr %.15g", file, key, got, want);
      found = 1;
    }
    fclose(f);
    if (!found) fail_msg("%s: no row %s", file, key);
    checked++;
  }
  fclose(ref);
  assert_true(checked > 70);
}

/* Allocation failures anywhere in parse/new/estimate/bootstrap return NL_ENOMEM without leaks. */
#include "common/fault_alloc.h"
static void test_alloc_failures(void **state) {
  (void)state;
  char path[512];
  snprintf(path, sizeof path, "%s/data.csv", tmpdir);
  /* the plain model, an interaction term by each method, a higher-order construct */
  const char *models[] = {GOOD_MODEL, "A =~ a1 + a2 + a3\nB <~ b1 + b2\nY =~ y1 + y2\nY ~ A + B + A:B\n",
                                 "A =~ a1 + a2\nB =~ b1 + b2\nH <~ A + B\nY =~ y1 + y2\nY ~ H\n"};
  for (int v = 0; v < 5; v++)
  for (long k = 1; k < 100000; k++) {
    nl_alloc_fail_after(k);
    nl_pls_model *m = NULL;
    nl_pls_data *d = NULL;
    nl_pls *p = NULL;
    nl_pls_options o;
    nl_pls_options_default(&o);
    o.interaction = v == 2 ? NL_PLS_INTERACTION_PRODUCT_INDICATOR
                    : v == 3 ? NL_PLS_INTERACTION_ORTHOGONAL
                             : NL_PLS_INTERACTION_TWO_STAGE;
    nl_status st = nl_pls_model_parse(models[v == 0 ? 0 : v == 4 ? 2 : 1], "m", &m);
    if (st == NL_OK) st = nl_pls_data_read(path, &d);
    if (st == NL_OK) st = nl_pls_prepare(m, d, &o, &p);
    if (st == NL_OK) st = nl_pls_estimate(p);
    if (st == NL_OK) {
      nl_pls_boot_options b;
      nl_pls_boot_options_default(&b);
      b.nboot = 5;
      b.ci = NL_PLS_CI_BCA;
      st = nl_pls_bootstrap(p, &b);
    }
    long used = nl_alloc_fail_after(0);
    nl_pls_free(p);
    nl_pls_data_free(d);
    nl_pls_model_free(m);
    if (st == NL_OK) {
      assert_true(used < k);
      break;
    }
    assert_int_equal(st, NL_ENOMEM);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_models),   cmocka_unit_test(test_bad_data),       cmocka_unit_test(test_nonconvergence),
      cmocka_unit_test(test_cli_outputs),  cmocka_unit_test(test_cli_matches_seminr), cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, setup, cli_teardown);
}
