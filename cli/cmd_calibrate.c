/*
 * netlearn calibrate: estimate a model's parameters from observed statistics by simulated minimum
 * distance (docs/calibrate.md). A thin client of netlearn/calibrate.h.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "netlearn/calibrate.h"
#include "netlearn/plot.h"
#include "opts.h"
#include "progress.h"

static const cli_command calibrate_cmd = {
    "calibrate", "FILE.yaml -o DIR [options]",
    "\n"
    "Estimates a model's free parameters so that its simulated statistics match observed ones\n"
    "(simulated minimum distance, W = diag(1/se^2) or with the simulation's variance, common random\n"
    "numbers), with standard errors, the J test of fit, per-target misfit, profiles and an\n"
    "identification check.\n"
    "\n"
    "  simulation: examples/march1991/basic.yaml       # a scenario file or an inline scenario\n"
    "  parameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]}\n"
    "  targets:\n"
    "    - {measure: code_knowledge, stat: mean, value: 0.88, se: 0.002}\n"
    "    - {measure: periods, stat: mean, value: 35.4, se: 0.12}\n"
    "  replications: 200\n"
    "  seed: 5\n"
    "  optimizer: {method: neldermead, max_evals: 200, starts: 2}  # or bobyqa sbplx crs2 isres cmaes\n"
    "\n"
    "coopnet fitted to a published PLS-SEM table (the study file gives simulation, survey, model):\n"
    "  targets: {pls: {study: STUDY.yaml, paths: [{effect: EXPLORE -> PRODINNO, value: 0.31, se: 0.09}]}}\n",
    "outputs in DIR: estimates.csv (parameter,estimate,se,ci_low,ci_high,...), fit.csv (per target:\n"
    "observed, simulated, z), trace.csv (every evaluation), profiles.svg, report.html, results.db,\n"
    "manifest.json (written last).\n"
    "\n"
    "Exit codes: 0 success, 1 the calibration failed while running, 2 bad file or usage, 3 interrupted.\n"};

static int progress_cb(void *user, long done, long total, double best) {
  char note[64];
  snprintf(note, sizeof note, "  best Q %.4g", best);
  cli_progress_note(user, done, total, isfinite(best) ? note : "");
  return cli_interrupted();
}

static void summary(const nl_calib *c, const char *outdir, int report) {
  nl_calib_fit fit;
  if (nl_calib_fit_get(c, &fit)) return;
  printf("netlearn calibrate: %zu parameters, %zu targets, %ld replications; %ld evaluations (%ld simulated) in %.1f s\n",
         nl_calib_nparams(c), nl_calib_ntargets(c), nl_calib_replications(c), fit.evaluations, fit.computed,
         fit.seconds);
  printf("%-16s %12s %10s %24s\n", "parameter", "estimate", "se", "95% interval");
  for (size_t j = 0; j < nl_calib_nparams(c); j++) {
    nl_calib_estimate e;
    if (nl_calib_estimate_get(c, j, &e)) continue;
    printf("%-16s %12.5g %10.3g   [%10.5g, %10.5g]%s\n", e.name, e.estimate, e.se, e.ci_low, e.ci_high,
           e.at_bound ? "  (on a bound)" : "");
  }
  if (fit.df > 0) printf("Q = %.4g, J = %.3f on %ld df, p = %.3f\n", fit.objective, fit.J, fit.df, fit.p_value);
  else printf("Q = %.4g (exactly identified)\n", fit.objective);
  printf("%s", nl_calib_identification(c));
  if (report) printf("report: %s/report.html\n", outdir);
}

int nl_cmd_calibrate(int argc, char **argv) {
  const char *path = NULL, *outdir = NULL;
  long threads = 0;
  int quiet = 0, no_report = 0, rc;
  cli_list sets = {{0}, 0};
  nl_calib *c = NULL;
  const cli_option opts[] = {
      CLI_POS(&path, "FILE.yaml", .flags = CLI_REQUIRED),
      CLI_OPT("output", 'o', CLI_STRING, &outdir, "DIR",
              "output directory (created if needed); its results.db keeps every\nevaluation: run the same command "
              "again to resume without recomputing",
              .flags = CLI_REQUIRED),
      CLI_OPT("threads", 't', CLI_LONG, &threads, "N",
              "threads over replications (default: all cores); results do not depend on N", .min = 1, .max = 4096),
      CLI_OPT("set", 0, CLI_LIST, &sets, "KEY=VALUE",
              "replications, seed, optimizer.method, optimizer.max_evals, optimizer.starts, inference.weighting", .flags = CLI_KEYVALUE),
      CLI_OPT("no-report", 0, CLI_FLAG, &no_report, NULL, "skip report.html and profiles.svg"),
      CLI_OPT("quiet", 'q', CLI_FLAG, &quiet, NULL, "no progress bar and no summary"),
  };
  if (cli_parse(&calibrate_cmd, opts, CLI_NOPTS(opts), argc, argv, &rc)) return rc;
  int report = !no_report;
  rc = NL_EXIT_USAGE;
  c = nl_calib_new();
  if (!c) {
    cli_error("out of memory");
    rc = NL_EXIT_FAILURE;
    goto done;
  }
  if (nl_calib_load_file(c, path)) {
    if (cli_is_study_file(path)) /* as run and study: name the right command */
      cli_error("%s is a study file, not a calibration: run it with `netlearn study %s -o DIR` (a calibration "
                "names it under targets: {pls: {study: ...}})", path, path);
    else cli_error("%s", nl_calib_errmsg(c));
    goto done;
  }
  for (size_t i = 0; i < sets.n; i++) {
    char key[256];
    const char *value = cli_kv_split(sets.item[i], key, sizeof key);
    if (nl_calib_set(c, key, value)) {
      cli_error("%s", nl_calib_errmsg(c));
      goto done;
    }
  }
  if (cli_prepare_dir(outdir)) goto done;
  cli_catch_interrupts();
  cli_progress bar;
  cli_progress_init(&bar, "evaluations", quiet);
  nl_calib_config cfg;
  nl_calib_config_default(&cfg);
  cfg.threads = (int)threads;
  cfg.progress = progress_cb;
  cfg.progress_user = &bar;
  cfg.argc = argc + 1;
  cfg.argv = argv - 1;
  cfg.report = report;
  cfg.interrupt = cli_interrupt_poll;
  nl_status st = nl_calib_run(c, outdir, &cfg);
  cli_release_interrupts();
  cli_progress_finish(&bar);
  if (st) {
    cli_error("%s", nl_calib_errmsg(c));
    if (st == NL_ECANCELED)
      cli_error("interrupted; the evaluations done are kept in %s/results.db: run the same command to resume", outdir);
    /* A directory holding another calibration, or one another process writes, is the same fault as
     * run's other scenario or locked database: exit 2. */
    rc = st == NL_ECANCELED                   ? NL_EXIT_INTERRUPTED
         : st == NL_EEXIST || st == NL_EBUSY ? NL_EXIT_USAGE /* another calibration's, or a busy, directory */
                                             : NL_EXIT_FAILURE;
    goto done;
  }
  if (!quiet) summary(c, outdir, report);
  rc = NL_EXIT_OK;
done:
  nl_calib_free(c);
  nl_plot_release_caches(); /* cairo's and fontconfig's process-wide font caches (leak checkers) */
  return rc;
}
