/*
 * netlearn sensitivity: a global sensitivity analysis of any model (Sobol' indices or Morris
 * screening). Every design point x replication is a run in DIR/results.db, exactly as for
 * `netlearn run`, so re-running the same command resumes a killed analysis; then the indices,
 * their convergence and the figures are written from the database.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run_mpi.h"
#include "netlearn/netlearn.h"
#include "opts.h"
#include "progress.h"

static const cli_command sens_cmd = {
    "sensitivity", "ANALYSIS.yaml -o DIR [options]",
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
    "  # optional: second_order, dummy (true), levels (4), seed, resamples (100), confidence (0.95)\n",
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
    "  netlearn sensitivity examples/sensitivity/march-sobol.yaml -o out/march-sobol\n"};

typedef struct sens_opts {
  const char *path, *outdir;
  long threads;
  int quiet, force_new;
} sens_opts;

static int parse_args(sens_opts *o, int argc, char **argv, int *rc) {
  const cli_option opts[] = {
      CLI_POS(&o->path, "ANALYSIS.yaml", .flags = CLI_REQUIRED),
      CLI_OPT("output", 'o', CLI_STRING, &o->outdir, "DIR", "results directory (created if needed)", .flags = CLI_REQUIRED),
      CLI_OPT("threads", 't', CLI_LONG, &o->threads, "N", "worker threads (default: all cores); results do not depend on N",
              .min = 1, .max = 4096),
      CLI_OPT("force-new", 0, CLI_FLAG, &o->force_new, NULL, "discard an existing DIR/results.db holding a different analysis"),
      CLI_OPT("quiet", 'q', CLI_FLAG, &o->quiet, NULL, "no progress bar, no table"),
  };
  return cli_parse(&sens_cmd, opts, CLI_NOPTS(opts), argc, argv, rc);
}

/* The indices on the terminal: per output, the factors by decreasing ST (or mu*). */
static void print_table(nl_sensitivity_spec *p) {
  const nl_sensitivity *s = nl_sensitivity_spec_analysis(p);
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

/* The analysis runs through the library's pipeline (nl_sensitivity_run_dir): the design's runs
 * in DIR/results.db, the indices and files, the manifest; these callbacks only talk. */
typedef struct sens_ctx {
  const sens_opts *o;
  nl_sensitivity_spec *p;
  const nl_design *d;
  cli_mpi *mpi;
  cli_progress bar;
  int started;
} sens_ctx;

static void on_start(void *user, const nl_run_dir_info *info) {
  sens_ctx *c = user;
  const nl_sensitivity_options *so = nl_sensitivity_spec_options(c->p);
  const nl_sensitivity *sa = nl_sensitivity_spec_analysis(c->p);
  if (!c->o->quiet) {
    cli_resume_note(c->o->outdir, info);
    fprintf(stderr, "netlearn: %s: %s analysis of %s, %zu parameters%s: %zu design rows, %zu points x %ld "
            "replications, %ld runs\n",
            c->o->path, so->method == NL_SENS_SOBOL ? "Sobol'" : "Morris",
            nl_model_name(nl_scenario_model(nl_sensitivity_spec_scenario(c->p))),
            nl_sensitivity_nfactors(sa) - (so->dummy != 0), so->dummy ? " and a dummy" : "", nl_sensitivity_nrows(sa),
            nl_design_npoints(c->d), nl_sensitivity_spec_replications(c->p), info->total);
  }
  cli_progress_init(&c->bar, "runs", c->o->quiet);
  cli_catch_interrupts();
  c->started = 1;
}

static int progress_cb(void *user, long done, long total) {
  return cli_progress_or_stop(&((sens_ctx *)user)->bar, done, total);
}

static nl_status mpi_runner(void *user, nl_store *st, const nl_design *d, const nl_run_config *cfg, const long *pairs,
                            long n) {
  (void)d;
  return cli_mpi_master(((sens_ctx *)user)->mpi, st, cfg, pairs, n);
}

/* Every rank loads the analysis (the design is deterministic); rank 0 alone runs the pipeline
 * (under mpirun handing the runs to the other ranks, cli/run_mpi.h) and writes the files. */
static int run_analysis(const sens_opts *o, int argc, char **argv, cli_mpi *mpi) {
  int rank = mpi->rank, nranks = mpi->nranks;
  int rc = NL_EXIT_USAGE;
  nl_sensitivity_spec *p = nl_sensitivity_spec_new();
  nl_design *d = nl_design_new();
  nl_store *store = nl_store_new();
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
  if (rank != 0) { /* waits for rank 0's word, then runs what it hands out */
    rc = cli_mpi_worker(mpi, bad ? NULL : d);
    goto cleanup;
  }
  if (bad) goto cleanup;
  sens_ctx ctx = {o, p, d, nranks > 1 ? mpi : NULL, {0}, 0};
  nl_sensitivity_run_options so;
  nl_sensitivity_run_options_default(&so);
  so.threads = (int)o->threads;
  so.progress = progress_cb; /* the bar; non-zero after Ctrl-C or SIGTERM */
  so.progress_user = &ctx;
  so.interrupt = cli_interrupt_poll;
  so.run.flags = o->force_new ? NL_STORE_RESET : 0;
  so.run.argc = argc + 1; /* the command line from "netlearn" */
  so.run.argv = argv - 1;
  so.run.ranks = nranks;
  so.run.on_start = on_start;
  so.run.runner = ctx.mpi ? mpi_runner : NULL;
  so.run.user = &ctx;
  mpi->scenario_path = o->path;
  nl_run_dir_info info;
  nl_status st = nl_sensitivity_run_dir(p, store, d, o->outdir, &so, &info);
  if (ctx.started) {
    cli_progress_finish(&ctx.bar);
    cli_release_interrupts();
  }
  if (st && mpi->reported) rc = st == NL_ECANCELED ? NL_EXIT_INTERRUPTED : NL_EXIT_FAILURE;
  else if (st) rc = cli_run_dir_failed(store, st, info.stage, o->path, o->outdir);
  else rc = NL_EXIT_OK;
  if (rc || o->quiet) goto cleanup;
  printf("%s: %ld runs in %.2f s (%.0f runs/s)\n", nl_sensitivity_spec_name(p), info.pending, info.seconds,
         info.seconds > 0 ? (double)info.pending / info.seconds : 0.0);
  print_table(p);
  printf("results in %s/\n", o->outdir);
cleanup:
  if (rank == 0 && nranks > 1 && !mpi->released) cli_mpi_release(mpi, rc ? rc : NL_EXIT_FAILURE); /* others wait */
  nl_store_free(store);
  nl_design_free(d);
  nl_sensitivity_spec_free(p);
  nl_plot_release_caches(); /* the figures' font caches: leak checkers stay quiet */
  return rc;
}

int nl_cmd_sensitivity(int argc, char **argv) {
  sens_opts o;
  memset(&o, 0, sizeof o);
  int rc;
  cli_mpi mpi;
  int under = cli_mpi_init(&mpi); /* under mpirun: the runs go to ranks 1..N-1 */
  if (!parse_args(&o, argc, argv, &rc)) {
    if (mpi.rank != 0) o.quiet = 1;
    rc = run_analysis(&o, argc, argv, &mpi);
  }
  if (under) cli_mpi_finalize(&mpi);
  return rc;
}
