/*
 * netlearn study: simulation, virtual survey, PLS-SEM on every replication, hypotheses judged
 * across replications, and a self-contained HTML report (docs/study.md). A thin client of
 * netlearn/study.h.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "netlearn/netlearn.h"
#include "netlearn/plot.h"
#include "netlearn/study.h"
#include "opts.h"
#include "progress.h"

static const cli_command study_cmd = {
    "study", "[STUDY.yaml] -o DIR [options]",
    "\n"
    "Without STUDY.yaml, runs the built-in default study, examples/seed-study.yaml\n"
    "(`netlearn study --print-default` shows it).\n"
    "\n"
    "Runs a study: the simulation a study file describes (coopnet, with its sweep if any), a\n"
    "virtual survey of the simulated firms in every replication, the study's PLS-SEM model\n"
    "estimated and bootstrapped on every survey, and the hypotheses judged across replications.\n"
    "Writes DIR/report.html (one self-contained file: open it in any browser, no network needed)\n"
    "and tidy CSV files that R and pandas read directly. Every check that does not need the\n"
    "simulation (constructs, survey period and sample, model, hypotheses) is made first.\n",
    "outputs in DIR:\n"
    "  report.html            study, parameters, figures, PLS-SEM tables, verdicts, stylized facts\n"
    "  hypotheses.csv         per hypothesis: share of replications supporting it, estimates, verdict\n"
    "  facts.csv              stylized facts: mean correlation across firms with 95% CI, verdict\n"
    "  pls_replications.csv   every replication's paths, indirect effects, R2, loadings, reliability\n"
    "  surveys/survey_repK.csv  the virtual survey of replication K (netlearn pls, read.csv)\n"
    "  pls_representative/    every PLS table of the representative replication\n"
    "  series.csv, summary.csv  simulation measures (as netlearn run)\n"
    "  power.csv              with --power: per survey size and hypothesis, the share supporting it\n"
    "  manifest.json          the resolved study; written last\n"
    "\n"
    "examples:\n"
    "  netlearn study examples/seed-study.yaml -o out/demo\n"
    "  netlearn study examples/seed-study.yaml -o out/quick --set replications=8 --set analysis.boot=100\n"
    "\n"
    "Exit codes: 0 success, 1 the study failed while running, 2 bad study file or usage, 3 interrupted.\n"};

/* Remove every file a study may write in dir, the manifest first, before anything is run: a
 * smaller study must not leave an earlier, larger one's surveys (or design points) beside its own.
 * Only netlearn's names are touched: survey_*.csv in surveys/, *.csv in pls_representative*. */
static void remove_old_outputs(const char *dir) {
  static const char *const top[] = {"manifest.json", "report.html", "hypotheses.csv", "facts.csv",
                                    "pls_replications.csv", "series.csv", "summary.csv", "attribution.csv",
                                    "power.csv"};
  char path[4096];
  for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
    if (snprintf(path, sizeof path, "%s/%s", dir, top[i]) < (int)sizeof path) remove(path);
  DIR *dd = opendir(dir);
  if (!dd) return;
  struct dirent *e;
  while ((e = readdir(dd))) {
    int surveys = !strcmp(e->d_name, "surveys"), rep = !strncmp(e->d_name, "pls_representative", 18);
    if (!surveys && !rep) continue;
    char sub[4096];
    if (snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= (int)sizeof sub) continue;
    DIR *sd = opendir(sub);
    if (!sd) continue;
    struct dirent *f;
    while ((f = readdir(sd))) {
      size_t len = strlen(f->d_name);
      if (len < 5 || strcmp(f->d_name + len - 4, ".csv") || (surveys && strncmp(f->d_name, "survey_", 7))) continue;
      if (snprintf(path, sizeof path, "%s/%s", sub, f->d_name) < (int)sizeof path) remove(path);
    }
    closedir(sd);
    if (rep) rmdir(sub); /* a design point the new study lacks: gone when empty */
  }
  closedir(dd);
}

int nl_cmd_study(int argc, char **argv) {
  const char *path = NULL, *outdir = NULL, *power = NULL;
  long threads = 0;
  int quiet = 0, no_report = 0, print_default = 0, rc;
  cli_list sets = {{0}, 0};
  nl_study *s = NULL;
  const cli_option opts[] = {
      CLI_POS(&path, "STUDY.yaml"),
      CLI_OPT("output", 'o', CLI_STRING, &outdir, "DIR", "output directory (created if needed)"),
      CLI_OPT("threads", 't', CLI_LONG, &threads, "N",
              "threads over replications (default: all cores); results do not depend on N", .min = 1, .max = 4096),
      CLI_OPT("set", 0, CLI_LIST, &sets, "KEY=VALUE",
              "override a simulation key (a coopnet parameter, replications, periods,\nseed) or survey.period, "
              "survey.window, survey.sample, survey.noise,\nanalysis.boot, analysis.threshold, analysis.alpha, "
              "analysis.contrasts,\nanalysis.power; repeatable",
              .flags = CLI_KEYVALUE),
      CLI_OPT("power", 0, CLI_STRING, &power, "N1,N2,..",
              "power analysis: surveys of these sizes in every replication, the share\nsupporting each hypothesis per "
              "size (power.csv, report; = analysis: power:)"),
      CLI_OPT("no-report", 0, CLI_FLAG, &no_report, NULL, "skip report.html (CSV files and manifest only)"),
      CLI_OPT("print-default", 0, CLI_FLAG, &print_default, NULL, "print the built-in default study file and exit"),
      CLI_OPT("quiet", 'q', CLI_FLAG, &quiet, NULL, "no progress bar and no summary"),
  };
  if (cli_parse(&study_cmd, opts, CLI_NOPTS(opts), argc, argv, &rc)) return rc;
  if (print_default) {
    fputs(nl_study_default_text(), stdout);
    return NL_EXIT_OK;
  }
  if (!outdir) {
    cli_usage_error(&study_cmd, "-o DIR is required (usage: netlearn study %s)", study_cmd.usage);
    return NL_EXIT_USAGE;
  }
  int report = !no_report;
  rc = NL_EXIT_USAGE;
  s = nl_study_new();
  if (!s) {
    cli_error("out of memory");
    rc = NL_EXIT_FAILURE;
    goto done;
  }
  if (path ? nl_study_load_file(s, path) : nl_study_load_default(s)) {
    if (path && cli_is_scenario_file(path))
      cli_error("%s is a scenario file, not a study: run it with `netlearn run %s -o DIR`", path, path);
    else cli_error("%s", nl_study_errmsg(s));
    goto done;
  }
  for (size_t i = 0; i < sets.n; i++) {
    char key[256];
    const char *value = cli_kv_split(sets.item[i], key, sizeof key);
    if (nl_study_set(s, key, value)) {
      cli_error("%s", nl_study_errmsg(s));
      goto done;
    }
  }
  if (power && nl_study_set(s, "analysis.power", power)) {
    cli_error("%s", nl_study_errmsg(s));
    goto done;
  }
  if (cli_prepare_dir(outdir)) goto done;
  remove_old_outputs(outdir);
  cli_catch_interrupts();
  cli_progress bar;
  cli_progress_init(&bar, "runs", quiet);
  nl_study_config cfg;
  nl_study_config_default(&cfg);
  cfg.threads = (int)threads;
  cfg.progress = cli_progress_or_stop; /* the bar; non-zero after Ctrl-C or SIGTERM */
  cfg.progress_user = &bar;
  cfg.interrupt = cli_interrupt_poll; /* the first Ctrl-C stops inside the running simulations */
  cfg.argc = argc + 1;
  cfg.argv = argv - 1;
  cfg.report = report;
  double t0 = cli_now();
  nl_status st = nl_study_run(s, outdir, &cfg);
  cli_progress_finish(&bar);
  if (st) {
    cli_error("%s", nl_study_errmsg(s));
    rc = st == NL_ECANCELED ? NL_EXIT_INTERRUPTED : NL_EXIT_FAILURE;
    goto done;
  }
  if (!quiet) {
    printf("netlearn study: %s, %ld replications x %zu design point%s in %.1f s\n", nl_study_name(s),
           nl_study_replications(s), nl_study_npoints(s), nl_study_npoints(s) > 1 ? "s" : "", cli_now() - t0);
    printf("%-4s %-36s %-9s %-10s %8s  %s\n", "id", "effect", "expected", "supported", "mean", "verdict");
    for (size_t h = 0; h < nl_study_nhypotheses(s); h++) {
      nl_study_verdict v;
      if (nl_study_verdict_get(s, 0, h, &v)) continue;
      char sup[32];
      snprintf(sup, sizeof sup, "%ld/%ld", v.supported, v.replications);
      printf("%-4s %-36s %-9s %-10s %8.3f  %s\n", v.id, v.effect, v.sign > 0 ? "positive" : "negative", sup, v.mean,
             v.verdict);
    }
    if (nl_study_npoints(s) > 1) printf("(design point 1; every point in %s/hypotheses.csv)\n", outdir);
    if (nl_study_power_nsizes(s)) { /* share supporting per survey size (power.csv has every point) */
      printf("power: share of replications supporting, by survey size\n%-8s", "n");
      for (size_t h = 0; h < nl_study_nhypotheses(s); h++) {
        nl_study_verdict v;
        if (!nl_study_verdict_get(s, 0, h, &v)) printf(" %6.6s", v.id);
      }
      for (size_t k = 0; k < nl_study_power_nsizes(s); k++) {
        printf("\n%-8ld", nl_study_power_size(s, k));
        for (size_t h = 0; h < nl_study_nhypotheses(s); h++) {
          nl_study_power_stat ps;
          if (!nl_study_power_get(s, 0, k, h, &ps)) printf(" %6.2f", ps.share);
        }
      }
      printf("\n");
    }
    /* Constructs without variance in a replication's sample: their items were pure noise. */
    long shown = 0, more = 0;
    for (long r = 0; r < nl_study_replications(s); r++) {
      char names[256];
      if (!nl_study_flat_constructs(s, 0, r, names, sizeof names)) continue;
      if (shown++ < 10)
        printf("note: replication %ld: %s had no variance in the survey sample: the estimates on it come from "
               "pure-noise items (column `flat` of hypotheses.csv)\n",
               r, names);
      else more++;
    }
    if (more) printf("note: ... and %ld more replications with a construct without variance\n", more);
    if (report) printf("report: %s/report.html\n", outdir);
  }
  rc = NL_EXIT_OK;
done:
  nl_study_free(s);
  nl_plot_release_caches(); /* cairo's and fontconfig's process-wide font caches (leak checkers) */
  return rc;
}
