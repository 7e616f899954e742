/* netlearn power: Monte Carlo power and sample size for PLS-SEM (a thin client of netlearn/power.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "netlearn/plot.h"
#include "netlearn/power.h"
#include "opts.h"
#include "progress.h"


static const cli_command power_cmd = {
    "power", "MODEL --n 50,90,150,300 -o DIR [options]",
    "\n"
    "Monte Carlo power and sample size for PLS-SEM: for every sample size and replication, draw a\n"
    "sample from the population MODEL, estimate the PLS model (as `netlearn pls`, equal to seminr)\n"
    "and test every path with a bootstrap; power is the share of significant replications.\n"
    "\n"
    "MODEL is lavaan syntax with population values (as lavaan's simulateData and cSEM.DGP):\n"
    "  EXPLORE  =~ 0.8*explore1 + 0.7*explore2 + 0.7*explore3   loadings (|value| <= 1)\n"
    "  PRODINNO <~ 0.6*prod1 + 0.5*prod2                       weights of a composite\n"
    "  PRODINNO ~ 0.3*EXPLORE                                  standardized path (0*X: a null path)\n"
    "  EXPLORE ~~ 0.2*EXPLOIT                                  correlation of exogenous constructs\n"
    "  prod1 ~~ 0.3*prod2                                      indicator correlation inside a <~ block\n"
    "Indicators and constructs are standardized. See docs/power.md for the data-generating processes.\n"
    "\n"
    "With --data DATA.csv the data are the population instead (a pilot study, or every simulated\n"
    "firm): MODEL is a plain PLS model without values, each replication draws n rows without\n"
    "replacement, and a path's population value is its estimate on all the data.\n",
    "Exit codes: 0 ok; 1 results could not be written; 2 bad usage or model (the message names\n"
    "file:line:column or the construct); 3 interrupted (Ctrl-C).\n"};

/* "123", "123*" outside the simulated sizes [lo, hi], or "NA" (no fit: e.g. a single size) */
static void size_label(char *buf, size_t cap, double v, double lo, double hi) {
  if (isnan(v)) snprintf(buf, cap, "NA ");
  else snprintf(buf, cap, "%.0f%s", v, v < lo || v > hi ? "*" : " ");
}

static void print_table(nl_power *pw, size_t nn) {
  size_t np = nl_power_n_paths(pw);
  int w = 32; /* the path column fits the longest label */
  for (size_t k = 0; k < np; k++) {
    char name[128];
    int len = snprintf(name, sizeof name, "%s -> %s (%g)", nl_power_path_from(pw, k), nl_power_path_to(pw, k),
                       nl_power_path_value(pw, k));
    if (len > w) w = len < 100 ? len : 100;
  }
  printf("%-*s %9s", w, "path (population value)", "n");
  printf(" %7s %7s %9s %8s\n", "power", "mc_se", "mean_est", "coverage");
  for (size_t k = 0; k < np; k++) {
    char name[128];
    snprintf(name, sizeof name, "%s -> %s (%g)", nl_power_path_from(pw, k), nl_power_path_to(pw, k),
             nl_power_path_value(pw, k));
    for (size_t s = 0; s < nn; s++) {
      nl_power_stat x;
      if (nl_power_get(pw, s, k, &x) != NL_OK) continue;
      printf("%-*s %9zu %7.3f %7.3f %9.3f %8.3f\n", w, s == 0 ? name : "", x.n, x.power, x.mc_se, x.mean_estimate,
             x.coverage);
    }
  }
  double lo = INFINITY, hi = 0;
  for (size_t s = 0; s < nn; s++) {
    nl_power_stat x;
    if (nl_power_get(pw, s, 0, &x) != NL_OK) continue;
    if ((double)x.n < lo) lo = (double)x.n;
    if ((double)x.n > hi) hi = (double)x.n;
  }
  printf("\n%-*s %9s %9s %7s %9s\n", w, "path", "n(.80)", "n(.90)", "ISR n", "10-times");
  for (size_t k = 0; k < np; k++) {
    nl_power_min_n m;
    if (nl_power_get_min_n(pw, k, &m) != NL_OK) continue;
    char name[128];
    snprintf(name, sizeof name, "%s -> %s", nl_power_path_from(pw, k), nl_power_path_to(pw, k));
    if (nl_power_path_value(pw, k) == 0) {
      printf("%-*s null path: Type I error rate %.3f\n", w, name, m.type1);
      continue;
    }
    char n80[32], n90[32];
    size_label(n80, sizeof n80, m.n80, lo, hi);
    size_label(n90, sizeof n90, m.n90, lo, hi);
    printf("%-*s %9s %9s %7.0f %9.0f\n", w, name, n80, n90, m.isr, m.ten_times);
  }
  printf("(n(.80), n(.90): logistic fit of significance on sqrt(n) over the sizes; * = outside them, NA = no fit)\n");
}

int nl_cmd_power(int argc, char **argv) {
  const char *model_path = NULL, *outdir = NULL, *data_path = NULL;
  nl_pls_data *data = NULL;
  cli_longs given_sizes = {{0}, 0};
  size_t sizes[CLI_LIST_MAX];
  int quiet = 0, rc = NL_EXIT_OK;
  nl_power_options o;
  nl_power_options_default(&o);
  nl_power *pw = NULL;
  /* every option starts at its default and is copied back */
  long reps = (long)o.reps, nboot = (long)o.nboot, tails = o.tails, likert = o.likert, threads = o.threads;
  int test = (int)o.test, population = (int)o.population, plsc = o.consistent, write_reps = o.write_replications;
  unsigned long long seed = o.seed;
  double alpha = o.alpha;
  static const char *const test_names[] = {"percentile", "t", NULL};
  static const int test_values[] = {NL_POWER_TEST_PERCENTILE, NL_POWER_TEST_T};
  static const char *const population_names[] = {"composite", "factor", NULL};
  static const int population_values[] = {NL_POWER_COMPOSITE, NL_POWER_FACTOR};
  const cli_option opts[] = {
      CLI_POS(&model_path, "MODEL", .flags = CLI_REQUIRED),
      CLI_OPT("n", 0, CLI_LONGS, &given_sizes, "N1,N2,...", "sample sizes (required)", .flags = CLI_REQUIRED,
              .min = 0, .max = 1e15, .expect = "comma-separated sample sizes such as 50,90,150,300"),
      CLI_OPT("data", 0, CLI_STRING, &data_path, "DATA.csv", "an empirical population (see above)"),
      CLI_OPT("output", 'o', CLI_STRING, &outdir, "DIR",
              "write power.csv, min_n.csv, population_cor.csv, settings.csv, power.svg", .flags = CLI_REQUIRED),
      CLI_OPT("reps", 0, CLI_LONG, &reps, "R", "replications per sample size (default 1000)", .min = 1, .max = 100000000),
      CLI_OPT("boot", 0, CLI_LONG, &nboot, "B", "bootstrap resamples per replication (default 500)", .min = 10,
              .max = 1000000),
      CLI_OPT("test", 0, CLI_CHOICE, &test, "percentile|t",
              "percentile interval (default) or estimate / bootstrap SD against t(B-1)", .choices = test_names,
              .values = test_values),
      CLI_OPT("alpha", 0, CLI_DOUBLE, &alpha, "A", "significance level (default 0.05)", .min = 0, .max = 0.5,
              .flags = CLI_OPEN_LO | CLI_OPEN_HI),
      CLI_OPT("tails", 0, CLI_LONG, &tails, "1|2",
              "two-tailed (default) or one-tailed in the direction of the population value", .min = 1, .max = 2),
      CLI_OPT("population", 0, CLI_CHOICE, &population, "composite|factor",
              "data-generating process of =~ constructs (default composite)", .choices = population_names,
              .values = population_values),
      CLI_OPT("likert", 0, CLI_LONG, &likert, "K", "cut every indicator into K ordered categories (K >= 2), as surveys do",
              .min = 2, .max = 100),
      CLI_OPT("plsc", 0, CLI_FLAG, &plsc, NULL, "consistent PLS (PLSc) for the =~ constructs"),
      CLI_OPT("replications", 0, CLI_FLAG, &write_reps, NULL,
              "also write replications.csv: every replication's estimates and tests"),
      CLI_OPT("seed", 0, CLI_U64, &seed, "S", "random seed (default 1); results do not depend on --threads"),
      CLI_OPT("threads", 0, CLI_LONG, &threads, "N", "threads (default 1)", .min = 1, .max = 1024),
      CLI_OPT("quiet", 'q', CLI_FLAG, &quiet, NULL, "no progress bar and no table on standard output"),
  };
  if (cli_parse(&power_cmd, opts, CLI_NOPTS(opts), argc, argv, &rc)) return rc;
  o.reps = (size_t)reps;
  o.nboot = (size_t)nboot;
  o.tails = (int)tails;
  o.likert = (int)likert;
  o.threads = (int)threads;
  o.test = (nl_power_test)test;
  o.population = (nl_power_population)population;
  o.consistent = plsc;
  o.write_replications = write_reps;
  o.seed = seed;
  o.alpha = alpha;
  size_t nn = given_sizes.n;
  for (size_t i = 0; i < nn; i++) sizes[i] = (size_t)given_sizes.v[i];

  cli_progress bar;
  cli_progress_init(&bar, "replications", quiet);
  o.progress = cli_progress_or_stop;
  o.progress_user = &bar;
  if (data_path && (o.likert || o.population != NL_POWER_COMPOSITE)) {
    cli_error("--data: the data are the population as they are; --likert and --population do not apply");
    goto usage;
  }
  nl_status st;
  if (data_path) {
    if ((st = nl_pls_data_read(data_path, &data)) != NL_OK) {
      cli_error("%s", nl_pls_data_errmsg(data));
      rc = st == NL_ENOMEM ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
      goto cleanup;
    }
    st = nl_power_read_data(model_path, data, &o, &pw);
  } else {
    st = nl_power_read(model_path, &o, &pw);
  }
  if (st != NL_OK) {
    cli_error("%s", nl_power_errmsg(pw));
    rc = st == NL_ENOMEM ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
    goto cleanup;
  }
  /* The output directory before the long part: one that cannot be made is bad input (exit 2). */
  if (cli_prepare_dir(outdir)) goto usage;
  cli_catch_interrupts();
  st = nl_power_run(pw, sizes, nn);
  cli_progress_finish(&bar);
  cli_release_interrupts();
  if (st == NL_ECANCELED) {
    cli_error("interrupted: %s; no results written", nl_power_errmsg(pw));
    rc = NL_EXIT_INTERRUPTED;
    goto cleanup;
  }
  if (st != NL_OK) {
    cli_error("%s", nl_power_errmsg(pw));
    rc = st == NL_ENOMEM ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
    goto cleanup;
  }
  if (nl_power_failed(pw) > 0)
    cli_warn("%zu replications could not be estimated and were dropped (see the replications column)%s",
             nl_power_failed(pw), nl_power_failed(pw) >= o.reps * nn ? "; none could: no power.svg" : "");
  if ((st = nl_power_write(pw, outdir)) != NL_OK) {
    cli_error("%s", nl_power_errmsg(pw));
    rc = NL_EXIT_FAILURE;
    goto cleanup;
  }
  if (!quiet) {
    printf("%s: %s population%s, %s, %s test (%d-tailed, alpha %g), %zu replications x %zu resamples\n\n",
           model_path, data_path ? "data" : o.population == NL_POWER_FACTOR ? "factor" : "composite",
           o.likert ? " (Likert)" : "",
           o.consistent ? "PLSc" : "PLS", o.test == NL_POWER_TEST_T ? "bootstrap t" : "bootstrap percentile", o.tails,
           o.alpha, o.reps, o.nboot);
    print_table(pw, nn);
    printf("Results written to %s/\n", outdir);
  }
  goto cleanup;
usage:
  rc = NL_EXIT_USAGE;
cleanup:
  nl_power_free(pw);
  nl_pls_data_free(data);
  nl_plot_release_caches(); /* after power.svg: cairo's and fontconfig's font caches (leak checkers) */
  return rc;
}
