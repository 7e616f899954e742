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
#include "progress.h"

static void pls_usage(FILE *f) {
  fputs(
      "usage: netlearn pls MODEL DATA.csv [options]\n"
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
      "separated; empty cells, NA, N/A, NaN and '.' are missing.\n"
      "\n"
      "options:\n"
      "  -o, --output DIR     write every result as a tidy CSV file into DIR (created if needed)\n"
      "  --boot [N]           bootstrap with N resamples (bare --boot: 500, seminr's default, or the\n"
      "                       preset's); none\n"
      "                       without this option\n"
      "  --seed S             random seed of the bootstrap and of the PLSpredict folds (default 1);\n"
      "                       results do not depend on --threads\n"
      "  --threads N          threads for the bootstrap (default 1)\n"
      "  --ci percentile|bca  bootstrap confidence intervals (default percentile, as seminr)\n"
      "  --alpha A            two-sided level of the intervals (default 0.05)\n"
      "  --na CODE            treat this number as missing too (e.g. --na -99)\n"
      "  --missing mean|casewise   mean replacement (default, as seminr) or casewise deletion\n"
      "  --scheme path|factorial|centroid   inner weighting scheme (default path, as seminr)\n"
      "  --plsc               consistent PLS (Dijkstra-Henseler) for the =~ constructs\n"
      "  --interaction two-stage|product-indicator|orthogonal   how interaction terms X:M are\n"
      "                       estimated (default two-stage; seminr 2.3.1's code defaults to\n"
      "                       product-indicator)\n"
      "  --predict [loocv|K|KxR]   PLSpredict: leave-one-out or K folds repeated R times (bare K: R = 10;\n"
      "                       bare --predict: 10x10, SmartPLS's default); -o writes predict.csv\n"
      "  --predict-technique da|ea   direct (default) or earliest antecedents\n"
      "  --preset seminr|cSEM|smartpls|plspm   that package's defaults for everything not given\n"
      "                       explicitly (scheme, stop rule, iterations, missing data, PLSc, bootstrap\n"
      "                       resamples and intervals, PLSpredict folds, interaction method)\n"
      "  --groups COLUMN      multigroup analysis by the group labels in COLUMN: group estimates,\n"
      "                       Henseler's bootstrap and the permutation test of path differences, MICOM\n"
      "                       (mga_paths.csv, mga_tests.csv, micom.csv); resamples per group from --boot\n"
      "                       (default 1000), --perm N permutations per pair of groups (default 1000)\n"
      "  --ipma TARGET        importance-performance map for construct TARGET (ipma.csv, ipma.png)\n"
      "  --ipma-scale MIN:MAX  the indicators' scale for IPMA (default: each indicator's data range)\n"
      "  --max-iter N         iteration cap (default 300), --tol T  stop criterion (default 1e-7)\n"
      "  -q, --quiet          no report on standard output\n"
      "  -h, --help           this help\n"
      "\n"
      "Output files (with -o): weights, loadings, cross_loadings, paths, total_effects,\n"
      "indirect_effects, specific_indirect_effects, rsquared, fsquared, vif_inner, vif_outer,\n"
      "reliability, htmt, fornell_larcker, scores, convergence (.csv), methods.md (a methods paragraph\n"
      "with citations for the paper); with interaction terms\n"
      "simple_slopes.csv and a plot simple_slopes_<X>_<M>_<Y>.png; with --boot also bootstrap.csv\n"
      "(estimate, bootstrap mean, SD, t, p, CI) and bootstrap_info.csv. See docs/pls.md.\n"
      "\n"
      "Exit codes: 0 ok; 1 estimation did not converge (results still written) or results could not\n"
      "be written; 2 bad usage, model or data (message names file:line:column where it can);\n"
      "3 interrupted (Ctrl-C during the bootstrap).\n",
      f);
}

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

/* --predict loocv | K | KxR */
static int parse_folds(const char *v, nl_pls_predict_options *o) {
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
    cli_error("--predict: expected 'loocv', K or KxR with K >= 2 folds and R >= 1 repetitions (e.g. 10x10), got '%s'",
              v);
    return -1;
  }
  o->folds = (size_t)k;
  o->reps = (size_t)r;
  return 0;
}

static int exit_for(nl_status st) {
  return st == NL_ENOMEM || st == NL_EINTERNAL ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
}

int nl_cmd_pls(int argc, char **argv) {
  const char *model_path = NULL, *data_path = NULL, *outdir = NULL;
  nl_pls_options opt;
  nl_pls_boot_options bopt;
  nl_pls_predict_options popt;
  int predict = 0;
  const char *ipma_target = NULL, *groups = NULL;
  long nperm = 1000;
  nl_pls_mga *mga = NULL;
  double ipma_lo = NAN, ipma_hi = NAN;
  nl_pls_options_default(&opt);
  nl_pls_boot_options_default(&bopt);
  nl_pls_predict_options_default(&popt);
  /* a preset sets the defaults first; every other option overrides it wherever it is written */
  for (int i = 1; i < argc; i++) {
    int missing = 0;
    const char *v = cli_opt_value(argc, argv, &i, "--preset", &missing);
    if (missing) {
      cli_error("--preset needs a value (seminr, cSEM, smartpls or plspm)");
      return NL_EXIT_USAGE;
    }
    if (!v) continue;
    nl_pls_preset pr;
    if (nl_pls_preset_parse(v, &pr) != NL_OK) {
      cli_error("--preset: expected 'seminr', 'cSEM', 'smartpls', 'plspm' or 'netlearn', got '%s'", v);
      return NL_EXIT_USAGE;
    }
    nl_pls_preset_apply(pr, &opt, &bopt, &popt);
  }
  long nboot = 0;
  int quiet = 0, rc = NL_EXIT_OK;
  nl_pls_model *m = NULL;
  nl_pls_data *d = NULL;
  nl_pls *p = NULL;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    int missing = 0;
    long lv;
    unsigned long long uv;
    double dv;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      pls_usage(stdout);
      return NL_EXIT_OK;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(a, "--plsc")) {
      opt.consistent = 1;
    } else if ((v = cli_opt_value(argc, argv, &i, "--output", &missing)) ||
               (!missing && (v = cli_opt_value(argc, argv, &i, "-o", &missing)))) {
      outdir = v;
    } else if (!strcmp(a, "--boot") && (i + 1 >= argc || argv[i + 1][0] == '-')) {
      nboot = bopt.nboot ? (long)bopt.nboot : 500; /* bare --boot: the preset's resamples, else seminr's 500 */
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--boot", &missing))) {
      if (cli_parse_long("--boot", v, 2, 100000000, &lv) != 0) return NL_EXIT_USAGE;
      nboot = lv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--seed", &missing))) {
      if (cli_parse_u64("--seed", v, &uv) != 0) return NL_EXIT_USAGE;
      bopt.seed = uv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--threads", &missing))) {
      if (cli_parse_long("--threads", v, 1, 1024, &lv) != 0) return NL_EXIT_USAGE;
      bopt.threads = (int)lv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--ci", &missing))) {
      if (!strcmp(v, "percentile")) bopt.ci = NL_PLS_CI_PERCENTILE;
      else if (!strcmp(v, "bca")) bopt.ci = NL_PLS_CI_BCA;
      else {
        cli_error("--ci: expected 'percentile' or 'bca', got '%s'", v);
        return NL_EXIT_USAGE;
      }
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--alpha", &missing))) {
      if (cli_parse_double("--alpha", v, &dv) != 0) return NL_EXIT_USAGE;
      if (!(dv > 0 && dv < 1)) {
        cli_error("--alpha: expected a level between 0 and 1, got '%s'", v);
        return NL_EXIT_USAGE;
      }
      bopt.alpha = dv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--na", &missing))) {
      if (cli_parse_double("--na", v, &dv) != 0) return NL_EXIT_USAGE;
      opt.has_na_code = 1;
      opt.na_code = dv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--missing", &missing))) {
      if (!strcmp(v, "mean")) opt.missing = NL_PLS_MISSING_MEAN;
      else if (!strcmp(v, "casewise")) opt.missing = NL_PLS_MISSING_CASEWISE;
      else {
        cli_error("--missing: expected 'mean' or 'casewise', got '%s'", v);
        return NL_EXIT_USAGE;
      }
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--scheme", &missing))) {
      if (!strcmp(v, "path")) opt.scheme = NL_PLS_SCHEME_PATH;
      else if (!strcmp(v, "factorial")) opt.scheme = NL_PLS_SCHEME_FACTORIAL;
      else if (!strcmp(v, "centroid")) opt.scheme = NL_PLS_SCHEME_CENTROID;
      else {
        cli_error("--scheme: expected 'path', 'factorial' or 'centroid', got '%s'", v);
        return NL_EXIT_USAGE;
      }
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--interaction", &missing))) {
      if (!strcmp(v, "two-stage")) opt.interaction = NL_PLS_INTERACTION_TWO_STAGE;
      else if (!strcmp(v, "product-indicator")) opt.interaction = NL_PLS_INTERACTION_PRODUCT_INDICATOR;
      else if (!strcmp(v, "orthogonal")) opt.interaction = NL_PLS_INTERACTION_ORTHOGONAL;
      else {
        cli_error("--interaction: expected 'two-stage', 'product-indicator' or 'orthogonal', got '%s'", v);
        return NL_EXIT_USAGE;
      }
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--predict-technique", &missing))) {
      if (!strcmp(v, "da")) popt.technique = NL_PLS_PREDICT_DA;
      else if (!strcmp(v, "ea")) popt.technique = NL_PLS_PREDICT_EA;
      else {
        cli_error("--predict-technique: expected 'da' (direct antecedents) or 'ea' (earliest antecedents), got '%s'", v);
        return NL_EXIT_USAGE;
      }
    } else if (!strcmp(a, "--predict") && (i + 1 >= argc || argv[i + 1][0] == '-')) {
      predict = 1; /* bare --predict: 10 folds x 10 repetitions, SmartPLS's default */
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--predict", &missing))) {
      if (parse_folds(v, &popt) != 0) return NL_EXIT_USAGE;
      predict = 1;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--preset", &missing))) {
      /* applied before the other options (above) */
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--groups", &missing))) {
      groups = v;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--perm", &missing))) {
      if (cli_parse_long("--perm", v, 2, 100000000, &lv) != 0) return NL_EXIT_USAGE;
      nperm = lv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--ipma-scale", &missing))) {
      char *end = NULL;
      ipma_lo = strtod(v, &end);
      if (end == v || *end != ':' || (ipma_hi = strtod(end + 1, &end), *end != '\0') || !(ipma_lo < ipma_hi)) {
        cli_error("--ipma-scale: expected MIN:MAX with MIN < MAX (e.g. 1:7), got '%s'", v);
        return NL_EXIT_USAGE;
      }
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--ipma", &missing))) {
      ipma_target = v;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--max-iter", &missing))) {
      if (cli_parse_long("--max-iter", v, 1, 1000000, &lv) != 0) return NL_EXIT_USAGE;
      opt.max_iter = (int)lv;
    } else if (!missing && (v = cli_opt_value(argc, argv, &i, "--tol", &missing))) {
      if (cli_parse_double("--tol", v, &dv) != 0) return NL_EXIT_USAGE;
      if (!(dv > 0)) {
        cli_error("--tol: expected a positive number, got '%s'", v);
        return NL_EXIT_USAGE;
      }
      opt.tol = dv;
    } else if (missing) {
      cli_error("%s needs a value (see `netlearn pls --help`)", a);
      return NL_EXIT_USAGE;
    } else if (a[0] == '-' && a[1] != '\0') {
      cli_error("unknown option '%s' (see `netlearn pls --help`)", a);
      return NL_EXIT_USAGE;
    } else if (!model_path) {
      model_path = a;
    } else if (!data_path) {
      data_path = a;
    } else {
      cli_error("unexpected argument '%s': expected MODEL DATA.csv (see `netlearn pls --help`)", a);
      return NL_EXIT_USAGE;
    }
    if (missing) {
      cli_error("%s needs a value (see `netlearn pls --help`)", a);
      return NL_EXIT_USAGE;
    }
  }
  if (!model_path || !data_path) {
    cli_error("expected a MODEL file and a DATA.csv file (see `netlearn pls --help`)");
    return NL_EXIT_USAGE;
  }
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
  st = nl_pls_new(m, d, &opt, &p);
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
  if (predict) {
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
    st = nl_pls_mga_new(m, d, &opt, groups, &mga);
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
