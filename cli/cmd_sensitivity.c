/*
 * netlearn sensitivity: a global sensitivity analysis of any model (Sobol' indices or Morris
 * screening). Every design point x replication is a run in DIR/results.db, exactly as for
 * `netlearn run`, so re-running the same command resumes a killed analysis; then the indices,
 * their convergence and the figures are written from the database.
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run_mpi.h"
#include "netlearn/netlearn.h"
#include "progress.h"

static void sens_help(FILE *f) {
  fputs("usage: netlearn sensitivity ANALYSIS.yaml -o DIR [options]\n"
        "       mpirun -np N netlearn sensitivity ANALYSIS.yaml -o DIR [options]\n"
        "\n"
        "Global sensitivity analysis of a model: Sobol' first-order and total indices (Saltelli's\n"
        "design on a scrambled Sobol' sequence, bootstrap 95% intervals) or Morris elementary\n"
        "effects (mu, mu*, sigma). Each design point is run `replications` times and the outputs\n"
        "averaged; a dummy parameter gives the noise floor. Every run is committed to\n"
        "DIR/results.db, so re-running the same command after a kill resumes (docs/sensitivity.md).\n"
        "Under mpirun, rank 0 hands the runs to the other ranks and writes the database; the files\n"
        "are identical for any number of ranks or threads.\n"
        "\n"
        "ANALYSIS.yaml:\n"
        "  scenario: examples/march1991/basic.yaml   # a scenario file, or a scenario inline\n"
        "  method: sobol                             # sobol (default) | morris\n"
        "  n: 256                                    # Sobol base sample N / Morris trajectories r\n"
        "  replications: 10                          # runs per design point (default: the scenario's)\n"
        "  parameters:                               # int or real model parameters and their ranges\n"
        "    p1: {from: 0.05, to: 0.95}\n"
        "    n: {from: 10, to: 500, scale: log}      # uniform (default) or log-uniform\n"
        "  outputs: [code_knowledge, {measure: code_knowledge, period: 50}]\n"
        "  # optional: second_order, dummy (true), levels (4), seed, resamples (100), confidence (0.95)\n"
        "\n"
        "options:\n"
        "  -o, --output DIR     results directory (created if needed)\n"
        "  -t, --threads N      worker threads (default: all cores); results do not depend on N\n"
        "      --force-new      discard an existing DIR/results.db holding a different analysis\n"
        "  -q, --quiet          no progress bar, no table\n"
        "  -h, --help           this help\n"
        "\n"
        "outputs in DIR:\n"
        "  results.db       every run (docs/database.md)\n"
        "  indices.csv      Sobol: output,parameter,S1,S1_low,S1_high,ST,ST_low,ST_high\n"
        "  indices2.csv     second-order indices (with second_order: true)\n"
        "  morris.csv       Morris: output,parameter,mu,mu_star,mu_star_low,mu_star_high,sigma\n"
        "  convergence.csv  the same indices from N/4, N/2 and N base rows (trajectories)\n"
        "  design.csv       every design row: parameter values, point, replication block, outputs\n"
        "  sobol_<output>.svg / morris_<output>.svg   bar chart of S1 and ST / the mu*-sigma plane\n"
        "  manifest.json    the resolved scenario and the files; written last\n"
        "\n"
        "example:\n"
        "  netlearn sensitivity examples/sensitivity/march-sobol.yaml -o out/march-sobol\n",
        f);
}

typedef struct sens_opts {
  const char *path, *outdir;
  long threads;
  int quiet, force_new;
} sens_opts;

static int parse_args(sens_opts *o, int argc, char **argv, int *help) {
  *help = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      *help = 1;
      return 0;
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "-t") || !strcmp(a, "--threads")) {
      if (i + 1 >= argc) {
        cli_error("option %s needs a value (see `netlearn sensitivity --help`)", a);
        return -1;
      }
      const char *v = argv[++i];
      if (a[1] == 'o' || !strcmp(a, "--output")) o->outdir = v;
      else if (cli_parse_long(a, v, 1, 4096, &o->threads)) return -1;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      o->quiet = 1;
    } else if (!strcmp(a, "--force-new")) {
      o->force_new = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
      cli_error("unknown option '%s' (see `netlearn sensitivity --help`)", a);
      return -1;
    } else if (!o->path) {
      o->path = a;
    } else {
      cli_error("unexpected argument '%s': one analysis file at a time", a);
      return -1;
    }
  }
  if (!o->path) {
    cli_error("missing analysis file (usage: netlearn sensitivity ANALYSIS.yaml -o DIR)");
    return -1;
  }
  if (!o->outdir) {
    cli_error("missing output directory: add -o DIR");
    return -1;
  }
  return 0;
}

/* Open and bind the store; returns an exit code. */
static int open_store(const sens_opts *o, const nl_design *d, nl_store *store, int argc, char **argv, int nranks,
                      long **pairs, long *npending, long *total) {
  /* Memory and disk as `run` checks them: what cannot fit is refused before the database exists. */
  nl_run_config fit;
  nl_run_config_from_scenario(&fit, nl_design_scenario(d));
  fit.threads = (int)o->threads;
  char msg[1024];
  if (nl_experiment_check_fit(d, &fit, o->outdir, msg, sizeof msg)) {
    cli_error("%s: %s", o->path, msg);
    return NL_EXIT_USAGE;
  }
  if (cli_prepare_dir(o->outdir)) return NL_EXIT_USAGE;
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/results.db", o->outdir) >= (int)sizeof path) {
    cli_error("%s: path too long", o->outdir);
    return NL_EXIT_USAGE;
  }
  int orc = cli_store_open(store, path, o->outdir, o->force_new);
  if (orc) return orc;
  nl_status st = nl_store_bind(store, d, argc, argv, (int)o->threads, nranks);
  if (st == NL_EEXIST) {
    cli_error("%s; add --force-new to discard it and start over, or choose another -o directory", nl_store_errmsg(store));
    return NL_EXIT_USAGE;
  }
  if (st || nl_store_pending(store, pairs, npending, total)) {
    cli_error("%s", nl_store_errmsg(store));
    return NL_EXIT_FAILURE;
  }
  if (snprintf(path, sizeof path, "%s/manifest.json", o->outdir) < (int)sizeof path) remove(path);
  if (!o->quiet && *npending < *total)
    fprintf(stderr, "netlearn: resuming %s/results.db: %ld of %ld runs already done\n", o->outdir, *total - *npending,
            *total);
  return NL_EXIT_OK;
}

/* The indices on the terminal: per output, the factors by decreasing ST (or mu*). */
static void print_table(nl_sensitivity_spec *p) {
  nl_sensitivity *s = nl_sensitivity_spec_analysis(p);
  size_t K = nl_sensitivity_nfactors(s);
  int morris = nl_sensitivity_spec_options(p)->method == NL_SENS_MORRIS;
  size_t *ord = malloc(K * sizeof *ord);
  if (!ord) return;
  for (size_t j = 0; j < nl_sensitivity_spec_noutputs(p); j++) {
    printf("%s:\n", nl_sensitivity_spec_output(p, j));
    if (morris) printf("  %-24s %9s %9s %9s %19s\n", "parameter", "mu", "mu*", "sigma", "mu* 95% CI");
    else printf("  %-24s %7s %17s %7s %17s\n", "parameter", "S1", "95% CI", "ST", "95% CI");
    for (size_t i = 0; i < K; i++) ord[i] = i;
    for (size_t a = 1; a < K; a++)
      for (size_t b = a; b > 0; b--) {
        double x = morris ? nl_sensitivity_mu_star(s, j, ord[b], NULL, NULL) : nl_sensitivity_st(s, j, ord[b], NULL, NULL);
        double y = morris ? nl_sensitivity_mu_star(s, j, ord[b - 1], NULL, NULL)
                          : nl_sensitivity_st(s, j, ord[b - 1], NULL, NULL);
        if (!(x > y)) break;
        size_t t = ord[b];
        ord[b] = ord[b - 1];
        ord[b - 1] = t;
      }
    for (size_t k = 0; k < K; k++) {
      size_t i = ord[k];
      double lo, hi, lo2, hi2;
      if (morris) {
        double ms = nl_sensitivity_mu_star(s, j, i, &lo, &hi);
        printf("  %-24s %9.4g %9.4g %9.4g  [%8.4g, %8.4g]\n", nl_sensitivity_factor_name(s, i), nl_sensitivity_mu(s, j, i), ms,
               nl_sensitivity_sigma(s, j, i), lo, hi);
      } else {
        double s1 = nl_sensitivity_s1(s, j, i, &lo, &hi), st = nl_sensitivity_st(s, j, i, &lo2, &hi2);
        printf("  %-24s %7.3f  [%6.3f, %6.3f] %7.3f  [%6.3f, %6.3f]\n", nl_sensitivity_factor_name(s, i), s1, lo, hi, st, lo2,
               hi2);
      }
    }
  }
  free(ord);
}

/* Every rank loads the analysis (the design is deterministic); rank 0 alone opens the store, runs
 * the design (under mpirun: hands the runs to the other ranks, cli/mpi.h) and writes the files. */
static int run_analysis(const sens_opts *o, int argc, char **argv, cli_mpi *mpi) {
  int rank = mpi->rank, nranks = mpi->nranks;
  int rc = NL_EXIT_USAGE;
  nl_sensitivity_spec *p = nl_sensitivity_spec_new();
  nl_design *d = nl_design_new();
  nl_store *store = nl_store_new();
  long *pairs = NULL, npending = 0, total = 0;
  if (!p || !d || !store) {
    cli_error("out of memory");
    rc = rank == 0 ? NL_EXIT_FAILURE : cli_mpi_worker(mpi, NULL); /* a worker still answers rank 0 */
    goto cleanup;
  }
  int bad = nl_sensitivity_spec_load_file(p, o->path) || nl_sensitivity_spec_design(p, d);
  if (bad && cli_is_study_file(o->path)) /* as run and study: name the right command */
    cli_error("%s is a study file, not a sensitivity analysis: run it with `netlearn study %s -o DIR`", o->path,
              o->path);
  else if (bad) cli_error("%s", nl_sensitivity_spec_errmsg(p));
  rc = bad ? NL_EXIT_USAGE : rank == 0 ? open_store(o, d, store, argc + 1, argv - 1, nranks, &pairs, &npending, &total) : 0;
  if (rank != 0) { /* waits for rank 0's word, then runs what it hands out */
    rc = cli_mpi_worker(mpi, bad ? NULL : d);
    goto cleanup;
  }
  if (rc) goto cleanup;
  const nl_scenario *sc = nl_sensitivity_spec_scenario(p);
  nl_sensitivity *sa = nl_sensitivity_spec_analysis(p);
  if (!o->quiet)
    fprintf(stderr, "netlearn: %s: %s analysis of %s, %zu parameters%s: %zu design rows, %zu points x %ld "
            "replications, %ld runs\n",
            o->path, nl_sensitivity_spec_options(p)->method == NL_SENS_SOBOL ? "Sobol'" : "Morris",
            nl_model_name(nl_scenario_model(sc)), nl_sensitivity_nfactors(sa) - (nl_sensitivity_spec_options(p)->dummy != 0),
            nl_sensitivity_spec_options(p)->dummy ? " and a dummy" : "",
            nl_sensitivity_nrows(sa), nl_design_npoints(d), nl_sensitivity_spec_replications(p), total);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = (int)o->threads;
  cli_progress bar;
  cli_progress_init(&bar, "runs", o->quiet);
  cfg.progress = cli_progress_or_stop; /* the bar; non-zero after Ctrl-C or SIGTERM */
  cfg.progress_user = &bar;
  cfg.interrupt = cli_interrupt_poll;
  cli_catch_interrupts();
  double t0 = cli_now();
  mpi->scenario_path = o->path;
  /* under mpirun rank 0 hands the runs to the other ranks (cli/run_mpi.h) and writes them */
  nl_status st = nranks > 1 ? cli_mpi_master(mpi, store, &cfg, pairs, npending)
                            : nl_experiment_run(store, d, &cfg, pairs, npending);
  double elapsed = cli_now() - t0;
  cli_progress_finish(&bar);
  cli_release_interrupts();
  nl_store_finish(store);
  if (st && mpi->reported) { /* the master printed why */
    rc = st == NL_ECANCELED ? NL_EXIT_INTERRUPTED : NL_EXIT_FAILURE;
    goto cleanup;
  }
  if (st) {
    cli_error("%s: %s", o->path, nl_store_errmsg(store));
    if (st == NL_ECANCELED) cli_error("re-run the same command to finish the remaining runs");
    rc = st == NL_ECANCELED ? NL_EXIT_INTERRUPTED : NL_EXIT_FAILURE;
    goto cleanup;
  }
  const char *names[40];
  size_t nnames = 0;
  if (nl_sensitivity_spec_collect(p, store) || nl_sensitivity_spec_write(p, o->outdir, names + 1, &nnames)) {
    cli_error("%s", nl_sensitivity_spec_errmsg(p));
    rc = NL_EXIT_FAILURE;
    goto cleanup;
  }
  names[0] = "results.db";
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/manifest.json", o->outdir);
  if (nl_store_write_manifest(store, path, d, argc + 1, argv - 1, names, nnames + 1)) {
    cli_error("%s", nl_store_errmsg(store));
    rc = NL_EXIT_FAILURE;
    goto cleanup;
  }
  rc = NL_EXIT_OK;
  if (o->quiet) goto cleanup;
  printf("%s: %ld runs in %.2f s (%.0f runs/s)\n", nl_sensitivity_spec_name(p), npending, elapsed,
         elapsed > 0 ? (double)npending / elapsed : 0.0);
  print_table(p);
  printf("results in %s/\n", o->outdir);
cleanup:
  if (rank == 0 && nranks > 1 && !mpi->released) cli_mpi_release(mpi, rc ? rc : NL_EXIT_FAILURE); /* others wait */
  nl_free(pairs);
  nl_store_free(store);
  nl_design_free(d);
  nl_sensitivity_spec_free(p);
  nl_plot_release_caches(); /* the figures' font caches: leak checkers stay quiet */
  return rc;
}

int nl_cmd_sensitivity(int argc, char **argv) {
  sens_opts o;
  memset(&o, 0, sizeof o);
  int help = 0, rc;
  cli_mpi mpi;
  int under = cli_mpi_init(&mpi); /* under mpirun: the runs go to ranks 1..N-1 */
  if (parse_args(&o, argc, argv, &help)) rc = NL_EXIT_USAGE;
  else if (help) {
    if (mpi.rank == 0) sens_help(stdout);
    rc = NL_EXIT_OK;
  } else {
    if (mpi.rank != 0) o.quiet = 1;
    rc = run_analysis(&o, argc, argv, &mpi);
  }
  if (under) cli_mpi_finalize(&mpi);
  return rc;
}
