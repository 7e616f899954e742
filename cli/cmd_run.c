/* netlearn run: replications of a scenario, written as tidy CSV with a manifest. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "netlearn/netlearn.h"
#include "progress.h"

static void run_help(FILE *f) {
  fputs("usage: netlearn run SCENARIO.yaml -o DIR [options]\n"
        "\n"
        "Runs the replications a scenario file describes, in parallel, and writes tidy CSV files\n"
        "that R (readr::read_csv) and pandas (pandas.read_csv) read directly.\n"
        "\n"
        "options:\n"
        "  -o, --output DIR     results directory (created if needed)\n"
        "  -t, --threads N      worker threads (default: all cores); results do not depend on N\n"
        "  -s, --seed S         scenario seed (overrides `seed:`)\n"
        "      --set KEY=VALUE  override a model parameter (p1=0.3), or replications, periods,\n"
        "                       seed, until (equilibrium|periods); repeatable\n"
        "  -q, --quiet          no progress bar\n"
        "  -h, --help           this help\n"
        "\n"
        "outputs in DIR:\n"
        "  series.csv     replication,period,measure,value (one row per recorded period and measure)\n"
        "  summary.csv    period,measure,n,mean,sd,ci_low,ci_high (95% t interval over replications)\n"
        "  final.csv      replication,periods,equilibrium,<measures> (one row per replication)\n"
        "  manifest.json  the resolved scenario, version and command line; written last, so a\n"
        "                 directory without it holds no complete results\n"
        "\n"
        "example:\n"
        "  netlearn run examples/march1991/basic.yaml -o out/basic --set p1=0.5\n"
        "  Rscript -e 'd <- read.csv(\"out/basic/final.csv\"); mean(d$code_knowledge)'\n",
        f);
}

/* mkdir -p DIR, then prove it is writable by creating and removing a probe file. */
static int prepare_dir(const char *dir) {
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
    cli_error("%s: path too long", dir);
    return -1;
  }
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
      cli_error("%s: cannot create output directory: %s", path, strerror(errno));
      return -1;
    }
    *p = '/';
  }
  if (mkdir(path, 0777) != 0 && errno != EEXIST) {
    cli_error("%s: cannot create output directory: %s", dir, strerror(errno));
    return -1;
  }
  struct stat stt;
  if (stat(dir, &stt) != 0 || !S_ISDIR(stt.st_mode)) {
    cli_error("%s: not a directory", dir);
    return -1;
  }
  char probe[PATH_MAX + 32];
  snprintf(probe, sizeof probe, "%s/.netlearn-probe.%ld", dir, (long)getpid());
  FILE *f = fopen(probe, "wb");
  if (!f) {
    cli_error("%s: output directory is not writable: %s", dir, strerror(errno));
    return -1;
  }
  fclose(f);
  remove(probe);
  return 0;
}

static int join(char *buf, size_t cap, const char *dir, const char *name) {
  return snprintf(buf, cap, "%s/%s", dir, name) < (int)cap ? 0 : -1;
}

int nl_cmd_run(int argc, char **argv) {
  const char *scenario_path = NULL, *outdir = NULL, *seed_text = NULL;
  long threads = 0;
  int quiet = 0;
  int rc = NL_EXIT_USAGE;
  const char **sets = calloc((size_t)argc, sizeof *sets);
  size_t nsets = 0;
  nl_scenario *sc = NULL;
  nl_results *res = NULL;
  if (!sets) {
    cli_error("out of memory");
    return NL_EXIT_FAILURE;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      run_help(stdout);
      rc = NL_EXIT_OK;
      goto cleanup;
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "-t") || !strcmp(a, "--threads") ||
               !strcmp(a, "-s") || !strcmp(a, "--seed") || !strcmp(a, "--set")) {
      if (i + 1 >= argc) {
        cli_error("option %s needs a value (see `netlearn run --help`)", a);
        goto cleanup;
      }
      const char *v = argv[++i];
      if (a[1] == 'o' || !strcmp(a, "--output")) outdir = v;
      else if (a[1] == 't' || !strcmp(a, "--threads")) {
        if (cli_parse_long(a, v, 1, 4096, &threads)) goto cleanup;
      } else if (!strcmp(a, "--set")) sets[nsets++] = v;
      else seed_text = v;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
      cli_error("unknown option '%s' (see `netlearn run --help`)", a);
      goto cleanup;
    } else if (!scenario_path) {
      scenario_path = a;
    } else {
      cli_error("unexpected argument '%s': one scenario file per run", a);
      goto cleanup;
    }
  }
  if (!scenario_path) {
    cli_error("missing scenario file (usage: netlearn run SCENARIO.yaml -o DIR)");
    goto cleanup;
  }
  if (!outdir) {
    cli_error("missing output directory: add -o DIR");
    goto cleanup;
  }

  sc = nl_scenario_new();
  res = nl_results_new();
  if (!sc || !res) {
    cli_error("out of memory");
    rc = NL_EXIT_FAILURE;
    goto cleanup;
  }
  if (nl_scenario_load_file(sc, scenario_path)) {
    cli_error("%s", nl_scenario_errmsg(sc));
    goto cleanup;
  }
  if (seed_text && nl_scenario_set(sc, "seed", seed_text)) {
    cli_error("--seed %s: %s", seed_text, nl_scenario_errmsg(sc));
    goto cleanup;
  }
  for (size_t i = 0; i < nsets; i++) {
    char key[256];
    const char *eq = strchr(sets[i], '=');
    if (!eq || eq == sets[i] || (size_t)(eq - sets[i]) >= sizeof key) {
      cli_error("--set %s: expected KEY=VALUE", sets[i]);
      goto cleanup;
    }
    memcpy(key, sets[i], (size_t)(eq - sets[i]));
    key[eq - sets[i]] = '\0';
    if (nl_scenario_set(sc, key, eq + 1)) {
      cli_error("%s", nl_scenario_errmsg(sc));
      goto cleanup;
    }
  }
  if (prepare_dir(outdir)) goto cleanup;

  char path[PATH_MAX];
  /* Old results stop counting as complete before anything is overwritten. */
  if (join(path, sizeof path, outdir, "manifest.json") == 0) remove(path);

  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = (int)threads;
  cli_progress prog;
  cli_progress_init(&prog, "replications", quiet);
  cfg.progress = cli_progress_update;
  cfg.progress_user = &prog;
  double t0 = cli_now();
  nl_status st = nl_results_run(res, nl_scenario_params(sc), &cfg);
  cli_progress_finish(&prog);
  if (st) {
    cli_error("%s: %s", scenario_path, nl_results_errmsg(res));
    rc = NL_EXIT_FAILURE;
    goto cleanup;
  }
  double elapsed = cli_now() - t0;

  size_t nsel = nl_scenario_nmeasures(sc);
  size_t sel[256];
  for (size_t i = 0; i < nsel && i < 256; i++) sel[i] = nl_scenario_measure(sc, i);
  const char *outputs[4];
  size_t nout = 0;
  rc = NL_EXIT_FAILURE;
  if (nl_scenario_series(sc)) {
    if (join(path, sizeof path, outdir, "series.csv") || nl_results_write_series(res, path, sel, nsel)) goto write_error;
    outputs[nout++] = "series.csv";
  }
  if (join(path, sizeof path, outdir, "summary.csv") || nl_results_write_summary(res, path, sel, nsel)) goto write_error;
  outputs[nout++] = "summary.csv";
  if (join(path, sizeof path, outdir, "final.csv") || nl_results_write_final(res, path, sel, nsel)) goto write_error;
  outputs[nout++] = "final.csv";
  if (join(path, sizeof path, outdir, "manifest.json") ||
      nl_results_write_manifest(res, path, sc, argc + 1, argv - 1, outputs, nout))
    goto write_error;

  if (!quiet) {
    const nl_model *m = nl_scenario_model(sc);
    long reps = nl_results_replications(res), eq = 0;
    for (long r = 0; r < reps; r++) eq += nl_results_equilibrium(res, r);
    printf("%s: %ld replications of %s in %.2f s", nl_scenario_name(sc)[0] ? nl_scenario_name(sc) : scenario_path,
           reps, nl_model_name(m), elapsed);
    if (nl_scenario_until(sc) == NL_UNTIL_EQUILIBRIUM) printf(", %ld at equilibrium", eq);
    printf("\n");
    for (size_t j = 0; j < nsel && j < 4; j++) {
      double s = 0;
      for (long r = 0; r < reps; r++) s += nl_results_final(res, r)[sel[j]];
      printf("  final %-22s mean %.4f\n", nl_model_measure(m, sel[j])->name, s / (double)reps);
    }
    printf("results in %s/\n", outdir);
  }
  rc = NL_EXIT_OK;
  goto cleanup;
write_error:
  cli_error("%s", nl_results_errmsg(res));
cleanup:
  nl_results_free(res);
  nl_scenario_free(sc);
  free(sets);
  return rc;
}
