/* netlearn pls: estimate a PLS-SEM model on survey data (a thin client of netlearn/pls.h). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "netlearn/plot.h"
#include "netlearn/pls.h"
#include "opts.h"
#include "progress.h"

static const cli_command pls_cmd = {
    "pls", "MODEL DATA.csv [options]",
    "\n"
    "Estimate a structural equation model by partial least squares (PLS-SEM), with the same\n"
    "definitions and defaults as the R package seminr, and optionally bootstrap it.\n"
    "\n"
    "MODEL is a text file (or - for standard input) in lavaan-style syntax, one statement per line:\n"
    "  NAME =~ item1 + item2 + ...    reflective construct, Mode A (correlation) weights\n"
    "  NAME <~ item1 + item2 + ...    composite construct, Mode B (regression) weights\n"
    "  Y ~ X1 + X2                    structural paths X1 -> Y and X2 -> Y\n"
    "  Y ~ X + M + X:M                moderation: the interaction term X:M (see --interaction)\n"
    "  H =~ A + B                     higher-order construct of constructs A and B (two-stage)\n"
    "  # ...                          comment; a line ending in '+' continues on the next line\n"
    "Every construct needs indicators and must be part of a path; the paths must not form a cycle.\n"
    "\n"
    "Example (model.txt):\n"
    "  # exploration and product innovation drive collaboration in the network\n"
    "  EXPLORE   =~ x1 + x2 + x3\n"
    "  PRODINNO  <~ y1 + y2\n"
    "  NETCOLLAB =~ z1 + z2 +\n"
    "               z3\n"
    "  PRODINNO  ~ EXPLORE\n"
    "  NETCOLLAB ~ PRODINNO + EXPLORE\n"
    "then:  netlearn pls model.txt survey.csv -o results --boot 5000 --seed 7 --threads 2\n"
    "\n"
    "DATA.csv has a header row naming the indicators (extra columns are ignored); ',' or ';'\n"
    "separated; empty cells, NA, N/A, NaN and '.' are missing.\n",
    "Output files (with -o): weights, loadings, cross_loadings, paths, total_effects,\n"
    "indirect_effects, specific_indirect_effects, rsquared, fsquared, vif_inner, vif_outer,\n"
    "reliability, htmt, fornell_larcker, scores, convergence (.csv), methods.md (a methods paragraph\n"
    "with citations for the paper); with interaction terms\n"
    "simple_slopes.csv and a plot simple_slopes_<X>_<M>_<Y>.png; with --boot also bootstrap.csv\n"
    "(estimate, bootstrap mean, SD, t, p, CI) and bootstrap_info.csv. See docs/pls.md.\n"
    "\n"
    "Exit codes: 0 ok; 1 estimation did not converge (results still written) or results could not\n"
    "be written; 2 bad usage, model or data (message names file:line:column where it can);\n"
    "3 interrupted (Ctrl-C during the bootstrap).\n"};

/* simple_slopes_*.png and ipma.png of an earlier estimation in dir (the CSV files go in
 * nl_pls_write_csv). */
static void remove_old_slope_plots(const char *dir) {
  DIR *dd = opendir(dir);
  if (!dd) return;
  struct dirent *e;
  while ((e = readdir(dd))) {
    size_t len = strlen(e->d_name);
    if (strncmp(e->d_name, "simple_slopes_", 14) || len < 18 || strcmp(e->d_name + len - 4, ".png")) continue;
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path) remove(path);
  }
  closedir(dd);
  char path[4096];
  if (snprintf(path, sizeof path, "%s/ipma.png", dir) < (int)sizeof path) remove(path);
}

/* simple_slopes_<A>_<B>_<Y>.png for every interaction term A:B and outcome Y; 0 or -1 (reported). */

static int write_slope_plots(const nl_pls *p, const char *dir) {
  size_t nc = nl_pls_n_constructs(p);
  for (size_t j = 0; j < nc; j++) {
    size_t a, b;
    if (!nl_pls_interaction_ends(p, j, &a, &b)) continue;
    for (size_t y = 0; y < nc; y++) {
      if (nl_pls_simple_slope(p, j, y, 0, NULL, NULL) != NL_OK) continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/simple_slopes_%s_%s_%s.png", dir, nl_pls_construct_name(p, a),
               nl_pls_construct_name(p, b), nl_pls_construct_name(p, y));
      nl_figure *f = nl_figure_new(NULL);
      nl_status st = f ? nl_plot_pls_slopes(f, p, j, y) : NL_ENOMEM;
      if (st == NL_OK) st = nl_figure_save(f, path);
      if (st != NL_OK) cli_error("%s: %s", path, f ? nl_figure_errmsg(f) : "out of memory");
      nl_figure_free(f);
      if (st != NL_OK) return -1;
    }
  }
  return 0;
}

/* --predict [loocv|K|KxR] (bare: SmartPLS's 10x10) into a pls_predict. */
typedef struct pls_predict {
  int on, explicit;
  size_t folds, reps;
} pls_predict;

static int parse_folds(const char *v, void *dest, char *expected, size_t cap) {
  pls_predict *o = dest;
  o->on = 1;
  if (!v) return 0;
  o->explicit = 1;
  if (!strcmp(v, "loocv")) {
    o->folds = 0;
    o->reps = 1;
    return 0;
  }
  char *end = NULL;
  long k = strtol(v, &end, 10), r = 10;
  if (end != v && (*end == 'x' || *end == 'X')) {
    const char *rs = end + 1;
    r = strtol(rs, &end, 10);
    if (end == rs) r = -1;
  }
  if (end == v || *end != '\0' || k < 2 || k > 1000000 || r < 1 || r > 100000) {
    snprintf(expected, cap, "'loocv', K or KxR with K >= 2 folds and R >= 1 repetitions (e.g. 10x10)");
    return -1;
  }
  o->folds = (size_t)k;
  o->reps = (size_t)r;
  return 0;
}

/* --boot [N]: bare, -1 (the preset's resamples, else seminr's 500). */
static int parse_boot(const char *v, void *dest, char *expected, size_t cap) {
  long *n = dest;
  char *end = NULL;
  if (!v) {
    *n = -1;
    return 0;
  }
  *n = strtol(v, &end, 10);
  if (end != v && !*end && *n >= 2 && *n <= 100000000) return 0;
  snprintf(expected, cap, "a number of resamples in [2, 100000000]");
  return -1;
}

static int parse_preset(const char *v, void *dest, char *expected, size_t cap) {
  nl_pls_preset pr;
  if (nl_pls_preset_from_name(v, &pr) == NL_OK) {
    *(int *)dest = (int)pr;
    return 0;
  }
  snprintf(expected, cap, "'seminr', 'cSEM', 'smartpls', 'plspm' or 'netlearn'");
  return -1;
}

static int exit_for(nl_status st) {
  return st == NL_ENOMEM || st == NL_EINTERNAL ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
}

int nl_cmd_pls(int argc, char **argv) {
  const char *model_path = NULL, *data_path = NULL, *outdir = NULL;
  nl_pls_options opt;
  nl_pls_boot_options bopt;
  nl_pls_predict_options popt;
  const char *ipma_target = NULL, *groups = NULL;
  long nperm = 1000, nboot = 0, threads = 0, max_iter = 0;
  unsigned long long seed = 0;
  nl_pls_mga *mga = NULL;
  double ipma[2] = {NAN, NAN}, alpha = NAN, na = NAN, tol = NAN;
  int quiet = 0, plsc = 0, preset = -1, ci = -1, missing = -1, scheme = -1, interaction = -1, technique = -1;
  int seed_given = 0, na_given = 0, rc = NL_EXIT_OK;
  pls_predict predict = {0, 0, 0, 0};
  static const char *const ci_names[] = {"percentile", "bca", NULL};
  static const int ci_values[] = {NL_PLS_CI_PERCENTILE, NL_PLS_CI_BCA};
  static const char *const missing_names[] = {"mean", "casewise", NULL};
  static const int missing_values[] = {NL_PLS_MISSING_MEAN, NL_PLS_MISSING_CASEWISE};
  static const char *const scheme_names[] = {"path", "factorial", "centroid", NULL};
  static const int scheme_values[] = {NL_PLS_SCHEME_PATH, NL_PLS_SCHEME_FACTORIAL, NL_PLS_SCHEME_CENTROID};
  static const char *const interaction_names[] = {"two-stage", "product-indicator", "orthogonal", NULL};
  static const int interaction_values[] = {NL_PLS_INTERACTION_TWO_STAGE, NL_PLS_INTERACTION_PRODUCT_INDICATOR,
                                           NL_PLS_INTERACTION_ORTHOGONAL};
  static const char *const technique_names[] = {"da", "ea", NULL};
  static const int technique_values[] = {NL_PLS_PREDICT_DA, NL_PLS_PREDICT_EA};
  const cli_option opts[] = {
      CLI_POS(&model_path, "MODEL", .flags = CLI_REQUIRED),
      CLI_POS(&data_path, "DATA.csv", .flags = CLI_REQUIRED),
      CLI_OPT("output", 'o', CLI_STRING, &outdir, "DIR", "write every result as a tidy CSV file into DIR (created if needed)"),
      CLI_OPT("boot", 0, CLI_CUSTOM, &nboot, "N",
              "bootstrap with N resamples (bare --boot: 500, seminr's default, or the\npreset's); none without this option",
              .flags = CLI_OPTIONAL_VALUE, .parse = parse_boot),
      CLI_OPT("seed", 0, CLI_U64, &seed, "S",
              "random seed of the bootstrap and of the PLSpredict folds (default 1);\nresults do not depend on --threads",
              .given = &seed_given),
      CLI_OPT("threads", 0, CLI_LONG, &threads, "N", "threads for the bootstrap (default 1)", .min = 1, .max = 1024),
      CLI_OPT("ci", 0, CLI_CHOICE, &ci, "percentile|bca", "bootstrap confidence intervals (default percentile, as seminr)",
              .choices = ci_names, .values = ci_values),
      CLI_OPT("alpha", 0, CLI_DOUBLE, &alpha, "A", "two-sided level of the intervals (default 0.05)", .min = 0, .max = 1,
              .flags = CLI_OPEN_LO | CLI_OPEN_HI),
      CLI_OPT("na", 0, CLI_DOUBLE, &na, "CODE", "treat this number as missing too (e.g. --na -99)", .given = &na_given),
      CLI_OPT("missing", 0, CLI_CHOICE, &missing, "mean|casewise",
              "mean replacement (default, as seminr) or casewise deletion", .choices = missing_names,
              .values = missing_values),
      CLI_OPT("scheme", 0, CLI_CHOICE, &scheme, "path|factorial|centroid",
              "inner weighting scheme (default path, as seminr)", .choices = scheme_names, .values = scheme_values),
      CLI_OPT("plsc", 0, CLI_FLAG, &plsc, NULL, "consistent PLS (Dijkstra-Henseler) for the =~ constructs"),
      CLI_OPT("interaction", 0, CLI_CHOICE, &interaction, "two-stage|product-indicator|orthogonal",
              "how interaction terms X:M are estimated (default two-stage; seminr 2.3.1's\ncode defaults to "
              "product-indicator)",
              .choices = interaction_names, .values = interaction_values),
      CLI_OPT("predict", 0, CLI_CUSTOM, &predict, "loocv|K|KxR",
              "PLSpredict: leave-one-out or K folds repeated R times (bare K: R = 10;\nbare --predict: 10x10, "
              "SmartPLS's default); -o writes predict.csv",
              .flags = CLI_OPTIONAL_VALUE, .parse = parse_folds),
      CLI_OPT("predict-technique", 0, CLI_CHOICE, &technique, "da|ea", "direct (default) or earliest antecedents",
              .choices = technique_names, .values = technique_values),
      CLI_OPT("preset", 0, CLI_CUSTOM, &preset, "seminr|cSEM|smartpls|plspm",
              "that package's defaults for everything not given explicitly (scheme,\nstop rule, iterations, missing "
              "data, PLSc, bootstrap resamples and\nintervals, PLSpredict folds, interaction method)",
              .parse = parse_preset),
      CLI_OPT("groups", 0, CLI_STRING, &groups, "COLUMN",
              "multigroup analysis by the group labels in COLUMN: group estimates,\nHenseler's bootstrap and the "
              "permutation test of path differences, MICOM\n(mga_paths.csv, mga_tests.csv, micom.csv); resamples per "
              "group from --boot\n(default 1000)"),
      CLI_OPT("perm", 0, CLI_LONG, &nperm, "N", "--groups: permutations per pair of groups (default 1000)", .min = 2,
              .max = 100000000),
      CLI_OPT("ipma", 0, CLI_STRING, &ipma_target, "TARGET", "importance-performance map for construct TARGET (ipma.csv, ipma.png)"),
      CLI_OPT("ipma-scale", 0, CLI_PAIR, ipma, "MIN:MAX", "the indicators' scale for IPMA (default: each indicator's data range)",
              .sep = ':', .expect = "MIN:MAX with MIN < MAX (e.g. 1:7)"),
      CLI_OPT("max-iter", 0, CLI_LONG, &max_iter, "N", "iteration cap (default 300)", .min = 1, .max = 1000000),
      CLI_OPT("tol", 0, CLI_DOUBLE, &tol, "T", "stop criterion (default 1e-7)", .min = 0, .max = HUGE_VAL,
              .flags = CLI_OPEN_LO),
      CLI_OPT("quiet", 'q', CLI_FLAG, &quiet, NULL, "no report on standard output"),
  };
  if (cli_parse(&pls_cmd, opts, CLI_NOPTS(opts), argc, argv, &rc)) return rc;
  /* a preset sets the defaults first; every option given overrides it */
  nl_pls_options_default(&opt);
  nl_pls_boot_options_default(&bopt);
  nl_pls_predict_options_default(&popt);
  if (preset >= 0) nl_pls_preset_apply((nl_pls_preset)preset, &opt, &bopt, &popt);
  if (nboot < 0) nboot = bopt.nboot ? (long)bopt.nboot : 500;
  if (seed_given) bopt.seed = seed;
  if (threads) bopt.threads = (int)threads;
  if (ci >= 0) bopt.ci = (nl_pls_ci)ci;
  if (!isnan(alpha)) bopt.alpha = alpha;
  if (na_given) opt.has_na_code = 1, opt.na_code = na;
  if (missing >= 0) opt.missing = (nl_pls_missing)missing;
  if (scheme >= 0) opt.scheme = (nl_pls_scheme)scheme;
  if (interaction >= 0) opt.interaction = (nl_pls_interaction)interaction;
  if (technique >= 0) popt.technique = (nl_pls_predict_technique)technique;
  if (plsc) opt.consistent = 1;
  if (max_iter) opt.max_iter = (int)max_iter;
  if (!isnan(tol)) opt.tol = tol;
  if (predict.explicit) popt.folds = predict.folds, popt.reps = predict.reps;
  double ipma_lo = ipma[0], ipma_hi = ipma[1];
  nl_pls_model *m = NULL;
  nl_pls_data *d = NULL;
  nl_pls *p = NULL;
  if (outdir && cli_prepare_dir(outdir)) return NL_EXIT_USAGE; /* before anything is estimated */

  nl_status st = nl_pls_model_read(model_path, &m);
  if (st != NL_OK) {
    cli_error("%s", nl_pls_model_errmsg(m));
    rc = exit_for(st);
    goto cleanup;
  }
  st = nl_pls_data_read(data_path, &d);
  if (st != NL_OK) {
    cli_error("%s", nl_pls_data_errmsg(d));
    rc = exit_for(st);
    goto cleanup;
  }
  st = nl_pls_prepare(m, d, &opt, &p);
  if (st != NL_OK) {
    cli_error("%s", nl_pls_errmsg(p));
    rc = exit_for(st);
    goto cleanup;
  }
  st = nl_pls_estimate(p);
  if (st == NL_ECONVERGE) {
    cli_warn("%s", nl_pls_errmsg(p));
    rc = NL_EXIT_FAILURE;
  } else if (st != NL_OK) {
    cli_error("%s", nl_pls_errmsg(p));
    rc = exit_for(st);
    goto cleanup;
  }
  if (nboot > 0) {
    bopt.nboot = (size_t)nboot;
    cli_progress bar;
    cli_progress_init(&bar, "resamples", quiet);
    bopt.progress = cli_progress_or_stop; /* Ctrl-C stops the bootstrap (exit 3); nothing is written */
    bopt.progress_user = &bar;
    cli_catch_interrupts();
    st = nl_pls_bootstrap(p, &bopt);
    cli_progress_finish(&bar);
    cli_release_interrupts();
    if (st == NL_ECANCELED) {
      cli_error("interrupted: %s; no results written", nl_pls_errmsg(p));
      rc = NL_EXIT_INTERRUPTED;
      goto cleanup;
    }
    if (st != NL_OK) {
      cli_error("bootstrap: %s", nl_pls_errmsg(p));
      rc = st == NL_ENOMEM ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
      goto cleanup;
    }
    if (nl_pls_boot_failed(p) > 0)
      cli_warn("bootstrap: %zu of %ld resamples could not be estimated and were dropped", nl_pls_boot_failed(p),
               nboot);
  }
  if (predict.on) {
    popt.seed = bopt.seed;
    popt.threads = bopt.threads;
    st = nl_pls_predict(p, &popt);
    if (st != NL_OK) {
      cli_error("%s: %s", data_path, nl_pls_errmsg(p));
      rc = exit_for(st);
      goto cleanup;
    }
  }
  if (groups) {
    nl_pls_mga_options mo;
    nl_pls_mga_options_default(&mo);
    mo.nboot = nboot > 0 ? (size_t)nboot : 1000;
    mo.nperm = (size_t)nperm;
    mo.seed = bopt.seed;
    mo.threads = bopt.threads;
    st = nl_pls_mga_prepare(m, d, &opt, groups, &mga);
    if (st == NL_OK) st = nl_pls_mga_run(mga, &mo);
    if (st != NL_OK) {
      cli_error("%s", nl_pls_mga_errmsg(mga));
      rc = exit_for(st);
      goto cleanup;
    }
  }
  if (ipma_target) {
    size_t t = 0, nc = nl_pls_n_constructs(p);
    while (t < nc && strcmp(nl_pls_construct_name(p, t), ipma_target) != 0) t++;
    if (t == nc) {
      cli_error("%s: --ipma: '%s' is not a construct of the model", model_path, ipma_target);
      rc = NL_EXIT_USAGE;
      goto cleanup;
    }
    st = nl_pls_ipma(p, t, ipma_lo, ipma_hi);
    if (st != NL_OK) {
      cli_error("%s: %s", st == NL_EINVAL && !isnan(ipma_lo) ? data_path : model_path, nl_pls_errmsg(p));
      rc = exit_for(st);
      goto cleanup;
    }
  }
  if (!quiet) {
    char title[1024];
    snprintf(title, sizeof title, "%s on %s", model_path, data_path);
    if (nl_pls_write_report(p, title, stdout) != NL_OK) {
      cli_error("%s", nl_pls_errmsg(p));
      rc = NL_EXIT_FAILURE;
      goto cleanup;
    }
    if (mga && nl_pls_mga_write_report(mga, stdout) != NL_OK) {
      cli_error("%s", nl_pls_mga_errmsg(mga));
      rc = NL_EXIT_FAILURE;
      goto cleanup;
    }
    fflush(stdout);
  }
  if (outdir) {
    remove_old_slope_plots(outdir);
    st = nl_pls_write_csv(p, outdir);
    if (st != NL_OK) {
      cli_error("%s", nl_pls_errmsg(p));
      rc = NL_EXIT_FAILURE;
      goto cleanup;
    }
    if (mga && (st = nl_pls_mga_write_csv(mga, outdir)) != NL_OK) {
      cli_error("%s", nl_pls_mga_errmsg(mga));
      rc = NL_EXIT_FAILURE;
      goto cleanup;
    }
    if (mga) { /* the multigroup paragraph goes after the estimation's in methods.md */
      char path[4096];
      snprintf(path, sizeof path, "%s/methods.md", outdir);
      FILE *mf = fopen(path, "a");
      st = mf ? nl_pls_mga_write_methods(mga, mf) : NL_EIO;
      if (mf && fclose(mf) != 0 && st == NL_OK) st = NL_EIO;
      if (st != NL_OK) {
        cli_error("%s: cannot append the multigroup methods", path);
        rc = NL_EXIT_FAILURE;
        goto cleanup;
      }
    }
    if (nl_pls_ipma_target(p) != (size_t)-1) {
      char path[4096];
      snprintf(path, sizeof path, "%s/ipma.png", outdir);
      nl_figure *f = nl_figure_new(NULL);
      st = f ? nl_plot_pls_ipma(f, p) : NL_ENOMEM;
      if (st == NL_OK) st = nl_figure_save(f, path);
      if (st != NL_OK) cli_error("%s: %s", path, f ? nl_figure_errmsg(f) : "out of memory");
      nl_figure_free(f);
      if (st != NL_OK) {
        rc = NL_EXIT_FAILURE;
        goto cleanup;
      }
    }
    if (write_slope_plots(p, outdir) != 0) {
      rc = NL_EXIT_FAILURE;
      goto cleanup;
    }
    if (!quiet) printf("Results written to %s/\n", outdir);
  }

cleanup:
  nl_pls_mga_free(mga);
  nl_pls_free(p);
  nl_pls_data_free(d);
  nl_pls_model_free(m);
  nl_plot_release_caches(); /* after the slope plots: cairo's and fontconfig's font caches (leak checkers) */
  return rc;
}
