/* netlearn power: Monte Carlo power and sample size for PLS-SEM (a thin client of netlearn/power.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "netlearn/plot.h"
#include "netlearn/power.h"
#include "progress.h"


static void power_usage(FILE *f) {
  fputs(
      "usage: netlearn power MODEL --n 50,90,150,300 -o DIR [options]\n"
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
      "replacement, and a path's population value is its estimate on all the data.\n"
      "\n"
      "options:\n"
      "  --n N1,N2,...        sample sizes (required)\n"
      "  --data DATA.csv      an empirical population (see above)\n"
      "  -o, --output DIR     write power.csv, min_n.csv, population_cor.csv, settings.csv, power.svg\n"
      "  --reps R             replications per sample size (default 1000)\n"
      "  --boot B             bootstrap resamples per replication (default 500)\n"
      "  --test percentile|t  percentile interval (default) or estimate / bootstrap SD against t(B-1)\n"
      "  --alpha A            significance level (default 0.05)\n"
      "  --tails 1|2          two-tailed (default) or one-tailed in the direction of the population value\n"
      "  --population composite|factor   data-generating process of =~ constructs (default composite)\n"
      "  --likert K           cut every indicator into K ordered categories (K >= 2), as surveys do\n"
      "  --plsc               consistent PLS (PLSc) for the =~ constructs\n"
      "  --replications       also write replications.csv: every replication's estimates and tests\n"
      "  --seed S             random seed (default 1); results do not depend on --threads\n"
      "  --threads N          threads (default 1)\n"
      "  -q, --quiet          no progress bar and no table on standard output\n"
      "  -h, --help           this help\n"
      "\n"
      "Exit codes: 0 ok; 1 results could not be written; 2 bad usage or model (the message names\n"
      "file:line:column or the construct); 3 interrupted (Ctrl-C).\n",
      f);
}

/* "50,90,150" into a new array (caller frees). -1 after a message on bad input. */
static int parse_sizes(const char *s, size_t **out, size_t *nout) {
  size_t cap = 1;
  for (const char *c = s; *c; c++) cap += *c == ',';
  size_t *n = malloc(cap * sizeof *n), k = 0;
  if (!n) {
    cli_error("out of memory");
    return -1;
  }
  const char *c = s;
  for (;;) {
    char *end = NULL;
    errno = 0;
    long v = c[0] == '-' ? -1 : strtol(c, &end, 10);
    if (v < 0 || errno || end == c || (*end != ',' && *end != '\0')) {
      cli_error("--n: expected comma-separated sample sizes such as 50,90,150,300, got '%s'", s);
      free(n);
      return -1;
    }
    n[k++] = (size_t)v;
    if (*end == '\0') break;
    c = end + 1;
  }
  *out = n;
  *nout = k;
  return 0;
}

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
  size_t *sizes = NULL, nn = 0;
  int quiet = 0, rc = NL_EXIT_OK;
  nl_power_options o;
  nl_power_options_default(&o);
  nl_power *pw = NULL;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    int missing = 0;
    long lv;
    unsigned long long uv;
    double dv;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      power_usage(stdout);
      free(sizes);
      return NL_EXIT_OK;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(a, "--plsc")) {
      o.consistent = 1;
    } else if (!strcmp(a, "--replications")) {
      o.write_replications = 1;
    } else if ((v = cli_opt_value(argc, argv, &i, "--output", &missing)) ||
               (!missing && (v = cli_opt_value(argc, argv, &i, "-o", &missing)))) {
      outdir = v;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--n", &missing))) {
      free(sizes);
      sizes = NULL;
      if (parse_sizes(v, &sizes, &nn) != 0) goto usage;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--data", &missing))) {
      data_path = v;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--reps", &missing))) {
      if (cli_parse_long("--reps", v, 1, 100000000, &lv) != 0) goto usage;
      o.reps = (size_t)lv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--boot", &missing))) {
      if (cli_parse_long("--boot", v, 10, 1000000, &lv) != 0) goto usage;
      o.nboot = (size_t)lv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--test", &missing))) {
      if (!strcmp(v, "percentile")) o.test = NL_POWER_TEST_PERCENTILE;
      else if (!strcmp(v, "t")) o.test = NL_POWER_TEST_T;
      else {
        cli_error("--test: expected 'percentile' or 't', got '%s'", v);
        goto usage;
      }
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--alpha", &missing))) {
      if (cli_parse_double("--alpha", v, &dv) != 0) goto usage;
      if (!(dv > 0 && dv < 0.5)) {
        cli_error("--alpha: expected a level between 0 and 0.5, got '%s'", v);
        goto usage;
      }
      o.alpha = dv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--tails", &missing))) {
      if (cli_parse_long("--tails", v, 1, 2, &lv) != 0) goto usage;
      o.tails = (int)lv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--population", &missing))) {
      if (!strcmp(v, "composite")) o.population = NL_POWER_COMPOSITE;
      else if (!strcmp(v, "factor")) o.population = NL_POWER_FACTOR;
      else {
        cli_error("--population: expected 'composite' or 'factor', got '%s'", v);
        goto usage;
      }
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--likert", &missing))) {
      if (cli_parse_long("--likert", v, 2, 100, &lv) != 0) goto usage;
      o.likert = (int)lv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--seed", &missing))) {
      if (cli_parse_u64("--seed", v, &uv) != 0) goto usage;
      o.seed = uv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--threads", &missing))) {
      if (cli_parse_long("--threads", v, 1, 1024, &lv) != 0) goto usage;
      o.threads = (int)lv;
    } else if (missing) {
      cli_error("%s needs a value (see `netlearn power --help`)", a);
      goto usage;
    } else if (a[0] == '-' && a[1] != '\0') {
      cli_error("unknown option '%s' (see `netlearn power --help`)", a);
      goto usage;
    } else if (!model_path) {
      model_path = a;
    } else {
      cli_error("unexpected argument '%s': expected one MODEL file (see `netlearn power --help`)", a);
      goto usage;
    }
    if (missing) {
      cli_error("%s needs a value (see `netlearn power --help`)", a);
      goto usage;
    }
  }
  if (!model_path) {
    cli_error("expected a MODEL file (see `netlearn power --help`)");
    goto usage;
  }
  if (!sizes) {
    cli_error("--n: give the sample sizes to simulate, e.g. --n 50,90,150,300");
    goto usage;
  }
  if (!outdir) {
    cli_error("-o DIR: give the output directory");
    goto usage;
  }

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
    cli_warn("%zu replications could not be estimated and were dropped (see the replications column)",
             nl_power_failed(pw));
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
  free(sizes);
  nl_plot_release_caches(); /* after power.svg: cairo's and fontconfig's font caches (leak checkers) */
  return rc;
}
