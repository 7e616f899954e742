/*
 * netlearn run: the runs of a scenario (one design point or a sweep) into a results directory, by
 * the library's run pipeline (nl_experiment_run_dir: results.db, resume, outputs, manifest).
 * This file reads the options and the scenario, and prints; under mpirun the runs are handed out
 * by rank 0 (cli/run_mpi.c).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "netlearn/netlearn.h"
#include "opts.h"
#include "progress.h"
#include "run_mpi.h"

#define RUNS_NEED_YES 100000L       /* more runs than this need --yes */
#define MAX_DESIGN_POINTS 10000000L /* hard limit on design points */

static const cli_command run_cmd = {
    "run", "SCENARIO.yaml -o DIR [options]",
    "       mpirun -np N netlearn run SCENARIO.yaml -o DIR [options]\n"
    "\n"
    "Runs the replications a scenario file describes, or every design point of its `sweep:`\n"
    "section times its replications, in parallel. Each finished run is committed to the SQLite\n"
    "database DIR/results.db, so re-running the same command after a crash or a kill resumes\n"
    "where it stopped. Then writes tidy CSV files that R (readr::read_csv) and pandas\n"
    "(pandas.read_csv) read directly.\n",
    "outputs in DIR (sweeps add a `point` column and one column per swept parameter):\n"
    "  results.db     every run: design points, parameters, status, series, final measures\n"
    "                 (docs/database.md); `netlearn summary DIR/results.db` shows it\n"
    "  series.csv     replication,period,measure,value (one row per recorded period and measure)\n"
    "  summary.csv    period,measure,n,mean,sd,ci_low,ci_high (95% t interval over replications)\n"
    "  final.csv      replication,periods,equilibrium,<measures> (one row per replication)\n"
    "  points.csv     sweeps: the design points and their runs\n"
    "  manifest.json  the resolved scenario, version and command line; written last, so a\n"
    "                 directory without it holds no complete results\n"
    "\n"
    "Under mpirun, rank 0 distributes the runs one at a time and writes the database; each other\n"
    "rank runs one simulation at a time. Results are identical whatever the threads or ranks.\n"
    "\n"
    "examples:\n"
    "  netlearn run examples/march1991/basic.yaml -o out/basic --set p1=0.5\n"
    "  netlearn run examples/march1991/figure1.yaml -o out/figure1 && netlearn summary out/figure1/results.db\n"
    "  mpirun -np 8 netlearn run examples/march1991/figure1.yaml -o out/figure1\n"};

typedef struct run_opts {
  const char *scenario_path, *outdir, *seed_text;
  long threads;
  int quiet, force_new, yes;
  cli_list sets;
} run_opts;

static int parse_args(run_opts *o, int argc, char **argv, int *rc) {
  const cli_option opts[] = {
      CLI_POS(&o->scenario_path, "SCENARIO.yaml", .flags = CLI_REQUIRED),
      CLI_OPT("output", 'o', CLI_STRING, &o->outdir, "DIR", "results directory (created if needed)", .flags = CLI_REQUIRED),
      CLI_OPT("threads", 't', CLI_LONG, &o->threads, "N", "worker threads (default: all cores); results do not depend on N",
       .min = 1, .max = 4096),
      CLI_OPT("seed", 's', CLI_STRING, &o->seed_text, "S", "scenario seed (overrides `seed:`)"),
      CLI_OPT("set", 0, CLI_LIST, &o->sets, "KEY=VALUE",
       "override a model parameter (p1=0.3), or replications, periods,\nseed, until (equilibrium|periods); repeatable",
       .flags = CLI_KEYVALUE),
      CLI_OPT("force-new", 0, CLI_FLAG, &o->force_new, NULL, "discard an existing DIR/results.db holding a different scenario"),
      CLI_OPT("yes", 'y', CLI_FLAG, &o->yes, NULL, "run sweeps of more than 100000 runs without asking"),
      CLI_OPT("quiet", 'q', CLI_FLAG, &o->quiet, NULL, "no progress bar"),
  };
  return cli_parse(&run_cmd, opts, CLI_NOPTS(opts), argc, argv, rc);
}

/* Scenario (from text when given: MPI ranks get rank 0's copy), overrides and design; -1 after a
 * message (when verbose) on bad input. */
static int load_design(const run_opts *o, const char *text, nl_scenario *sc, nl_design *d, int verbose) {
  nl_status st = text ? nl_scenario_load_string(sc, text, o->scenario_path) : nl_scenario_load_file(sc, o->scenario_path);
  if (st) {
    if (verbose && !text && cli_is_study_file(o->scenario_path))
      cli_error("%s is a study file, not a scenario: run it with `netlearn study %s -o DIR`", o->scenario_path,
                o->scenario_path);
    else if (verbose) cli_error("%s", nl_scenario_errmsg(sc));
    return -1;
  }
  if (o->seed_text && nl_scenario_set(sc, "seed", o->seed_text)) {
    if (verbose) cli_error("--seed %s: %s", o->seed_text, nl_scenario_errmsg(sc));
    return -1;
  }
  for (size_t i = 0; i < o->sets.n; i++) {
    char key[256];
    const char *value = cli_kv_split(o->sets.item[i], key, sizeof key);
    if (nl_scenario_set(sc, key, value)) {
      if (verbose) cli_error("%s", nl_scenario_errmsg(sc));
      return -1;
    }
  }
  if (nl_scenario_validate(sc)) {
    if (verbose) cli_error("%s", nl_scenario_errmsg(sc));
    return -1;
  }
  /* Before expanding anything: a huge grid is refused without building it. */
  double runs = nl_scenario_design_size(sc) * (double)nl_scenario_replications(sc);
  if (runs > (double)RUNS_NEED_YES && !o->yes) {
    if (verbose)
      cli_error("%s: this study has %.0f runs (%.0f design points x %ld replications), more than %ld: "
                "add --yes to run it",
                o->scenario_path, runs, nl_scenario_design_size(sc), nl_scenario_replications(sc), RUNS_NEED_YES);
    return -1;
  }
  if (verbose)
    for (size_t i = 0; i < o->sets.n; i++)
      for (size_t f = 0; f < nl_scenario_nfactors(sc); f++) {
        const char *pname = nl_model_param(nl_scenario_model(sc), nl_scenario_factor_param(sc, f))->name;
        const char *set = strncmp(o->sets.item[i], "parameters.", 11) == 0 ? o->sets.item[i] + 11 : o->sets.item[i];
        size_t len = strlen(pname);
        if (!strncmp(set, pname, len) && set[len] == '=' && nl_scenario_design(sc) != NL_DESIGN_OFAT)
          cli_warn("--set %s: '%s' is swept: the design points take the sweep's values", o->sets.item[i], pname);
      }
  if (nl_design_build(d, sc, MAX_DESIGN_POINTS)) {
    if (verbose) cli_error("%s", nl_design_errmsg(d));
    return -1;
  }
  return 0;
}

/* Just before the runs: resume message, progress bar, Ctrl-C (the first stops the runs in progress
 * within a few periods; finished runs stay committed; a second exits at once, cli/util.c). */
typedef struct run_ctx {
  const run_opts *o;
  cli_progress bar;
  int started;
  cli_mpi *mpi; /* under mpirun: rank 0 hands the runs out */
} run_ctx;

static void on_start(void *user, const nl_run_dir_info *info) {
  run_ctx *c = user;
  if (!c->o->quiet) cli_resume_note(c->o->outdir, info);
  /* Narrowed (fewer replications or points than an earlier run): the database keeps them all. */
  if (info->stored > info->total)
    cli_warn("%s/results.db holds %ld runs, more than the %ld this scenario asks for (fewer replications or points "
             "than before): the CSV files hold every finished run; manifest.json says so",
             c->o->outdir, info->stored, info->total);
  cli_progress_init(&c->bar, "runs", c->o->quiet);
  cli_catch_interrupts();
  c->started = 1;
}

static int progress_cb(void *user, long done, long total) {
  run_ctx *c = user;
  return cli_progress_or_stop(&c->bar, done, total);
}

static nl_status mpi_runner(void *user, nl_store *st, const nl_design *d, const nl_run_config *cfg, const long *pairs,
                            long n) {
  (void)d;
  return cli_mpi_master(((run_ctx *)user)->mpi, st, cfg, pairs, n);
}

/* After the runs: a few lines on the terminal. */
static int print_results(const run_opts *o, const nl_design *d, nl_store *store, const nl_run_dir_info *info) {
  const nl_scenario *sc = nl_design_scenario(d);
  const char *name = nl_scenario_name(sc)[0] ? nl_scenario_name(sc) : o->scenario_path;
  char mnames[4][64];
  double means[4], elapsed = info->seconds;
  size_t nm = 0;
  long runs = 0, eq = 0, ran = info->pending;
  if (nl_store_final_means(store, 4, mnames, means, &nm, &runs, &eq)) {
    cli_error("%s", nl_store_errmsg(store));
    return NL_EXIT_FAILURE;
  }
  if (nl_scenario_design(sc) == NL_DESIGN_NONE) {
    printf("%s: %ld replications of %s in %.2f s", name, runs, nl_model_name(nl_scenario_model(sc)), elapsed);
    if (nl_scenario_until(sc) == NL_UNTIL_EQUILIBRIUM) printf(", %ld at equilibrium", eq);
    printf("\n");
    for (size_t j = 0; j < nm; j++) printf("  final %-22s mean %.4f\n", mnames[j], means[j]);
  } else {
    printf("%s: %zu design points x %ld replications of %s: %ld runs in %.2f s (%.0f runs/s)", name,
           nl_design_npoints(d), nl_design_replications(d), nl_model_name(nl_scenario_model(sc)), ran, elapsed,
           elapsed > 0 ? (double)ran / elapsed : 0.0);
    if (nl_scenario_until(sc) == NL_UNTIL_EQUILIBRIUM) printf(", %ld of %ld at equilibrium", eq, runs);
    printf("\n");
    if (nl_design_npoints(d) <= 40) nl_store_summary(store, stdout, 1);
    else printf("`netlearn summary %s/results.db` shows every design point\n", o->outdir);
  }
  printf("results in %s/\n", o->outdir);
  return NL_EXIT_OK;
}

/* One process (OpenMP threads), or rank 0 under mpirun (mpi: the runner handing out the runs). */
static int run(const run_opts *o, int argc, char **argv, const char *text, cli_mpi *mpi) {
  int rc = NL_EXIT_USAGE;
  nl_scenario *sc = nl_scenario_new();
  nl_design *d = nl_design_new();
  nl_store *store = nl_store_new();
  if (!sc || !d || !store) {
    cli_error("out of memory");
    rc = NL_EXIT_FAILURE;
    goto cleanup;
  }
  if (load_design(o, text, sc, d, 1)) goto cleanup;
  run_ctx ctx = {o, {0}, 0, mpi};
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = mpi ? 1 : (int)o->threads;
  cfg.progress = progress_cb;
  cfg.progress_user = &ctx;
  cfg.interrupt = cli_interrupt_poll;
  nl_run_dir_options ro;
  nl_run_dir_options_default(&ro);
  ro.flags = o->force_new ? NL_STORE_RESET : 0;
  ro.argc = argc + 1; /* the command line from "netlearn" */
  ro.argv = argv - 1;
  ro.on_start = on_start;
  ro.user = &ctx;
  if (mpi) {
    ro.ranks = mpi->nranks;
    ro.runner = mpi_runner;
    mpi->scenario_path = o->scenario_path;
  }
  nl_run_dir_info info;
  nl_status st = nl_experiment_run_dir(store, d, o->outdir, &cfg, &ro, &info);
  if (ctx.started) {
    cli_progress_finish(&ctx.bar);
    cli_release_interrupts();
  }
  if (mpi && mpi->reported) rc = st == NL_ECANCELED ? NL_EXIT_INTERRUPTED : NL_EXIT_FAILURE;
  else if (st) rc = cli_run_dir_failed(store, st, info.stage, o->scenario_path, o->outdir);
  else rc = o->quiet ? NL_EXIT_OK : print_results(o, d, store, &info);
cleanup:
  if (mpi && !mpi->released) cli_mpi_release(mpi, rc ? rc : NL_EXIT_FAILURE); /* the other ranks wait for it */
  nl_store_free(store);
  nl_design_free(d);
  nl_scenario_free(sc);
  return rc;
}

int nl_cmd_run(int argc, char **argv) {
  run_opts o;
  memset(&o, 0, sizeof o);
  int rc;
  cli_mpi mpi;
  if (cli_mpi_init(&mpi)) { /* under mpirun: only rank 0 talks; failures of others reach it */
    if (parse_args(&o, argc, argv, &rc)) rc = mpi.rank == 0 ? rc : NL_EXIT_USAGE;
    else if (mpi.nranks < 2) rc = run(&o, argc, argv, NULL, NULL);
    else if (mpi.rank == 0) {
      char *text = cli_mpi_share_text(&mpi, o.scenario_path);
      rc = run(&o, argc, argv, text, text ? &mpi : NULL);
      free(text);
    } else {
      char *text = cli_mpi_share_text(&mpi, NULL);
      nl_scenario *sc = nl_scenario_new();
      nl_design *d = nl_design_new();
      rc = NL_EXIT_USAGE;
      if (text) rc = cli_mpi_worker(&mpi, sc && d && !load_design(&o, text, sc, d, 0) ? d : NULL);
      nl_design_free(d);
      nl_scenario_free(sc);
      free(text);
    }
    cli_mpi_finalize(&mpi);
    return rc;
  }
  if (parse_args(&o, argc, argv, &rc)) return rc;
  return run(&o, argc, argv, NULL, NULL);
}
