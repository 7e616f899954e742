/*
 * netlearn run: the runs of a scenario (one design point or a sweep), recorded in an SQLite
 * database in the output directory, then written as tidy CSV with a manifest. Re-running the same
 * command resumes: finished runs are skipped. Under mpirun, rank 0 hands out runs and alone
 * writes the database; the other ranks simulate.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#ifdef NL_HAVE_MPI
#include <mpi.h>
#endif

#include "cli.h"
#include "netlearn/experiment.h"
#include "netlearn/netlearn.h"
#include "progress.h"

#define RUNS_NEED_YES 100000L       /* more runs than this need --yes */
#define MAX_DESIGN_POINTS 10000000L /* hard limit on design points */

static void run_help(FILE *f) {
  fputs("usage: netlearn run SCENARIO.yaml -o DIR [options]\n"
        "       mpirun -np N netlearn run SCENARIO.yaml -o DIR [options]\n"
        "\n"
        "Runs the replications a scenario file describes, or every design point of its `sweep:`\n"
        "section times its replications, in parallel. Each finished run is committed to the SQLite\n"
        "database DIR/results.db, so re-running the same command after a crash or a kill resumes\n"
        "where it stopped. Then writes tidy CSV files that R (readr::read_csv) and pandas\n"
        "(pandas.read_csv) read directly.\n"
        "\n"
        "options:\n"
        "  -o, --output DIR     results directory (created if needed)\n"
        "  -t, --threads N      worker threads (default: all cores); results do not depend on N\n"
        "  -s, --seed S         scenario seed (overrides `seed:`)\n"
        "      --set KEY=VALUE  override a model parameter (p1=0.3), or replications, periods,\n"
        "                       seed, until (equilibrium|periods); repeatable\n"
        "      --force-new      discard an existing DIR/results.db holding a different scenario\n"
        "      --yes            run sweeps of more than 100000 runs without asking\n"
        "  -q, --quiet          no progress bar\n"
        "  -h, --help           this help\n"
        "\n"
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
        "  mpirun -np 8 netlearn run examples/march1991/figure1.yaml -o out/figure1\n",
        f);
}

static int join(char *buf, size_t cap, const char *dir, const char *name) {
  return snprintf(buf, cap, "%s/%s", dir, name) < (int)cap ? 0 : -1;
}

/* ---- interruption: Ctrl-C stops the runs in progress within a few periods; finished runs are
 * committed, the rest wait for a re-run; a second Ctrl-C exits at once (cli/util.c) */

typedef struct progress_ctx {
  cli_progress bar;
} progress_ctx;

static int progress_cb(void *user, long done, long total) {
  progress_ctx *p = user;
  cli_progress_update(&p->bar, done, total);
  return cli_interrupted();
}

/* ---- options and setup --------------------------------------------------------------------- */

typedef struct run_opts {
  const char *scenario_path, *outdir, *seed_text;
  long threads;
  int quiet, force_new, yes;
  const char **sets;
  size_t nsets;
} run_opts;

static int parse_args(run_opts *o, int argc, char **argv, int *help) {
  *help = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      *help = 1;
      return 0;
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "-t") || !strcmp(a, "--threads") ||
               !strcmp(a, "-s") || !strcmp(a, "--seed") || !strcmp(a, "--set")) {
      if (i + 1 >= argc) {
        cli_error("option %s needs a value (see `netlearn run --help`)", a);
        return -1;
      }
      const char *v = argv[++i];
      if (a[1] == 'o' || !strcmp(a, "--output")) o->outdir = v;
      else if (a[1] == 't' || !strcmp(a, "--threads")) {
        if (cli_parse_long(a, v, 1, 4096, &o->threads)) return -1;
      } else if (!strcmp(a, "--set")) o->sets[o->nsets++] = v;
      else o->seed_text = v;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      o->quiet = 1;
    } else if (!strcmp(a, "--force-new")) {
      o->force_new = 1;
    } else if (!strcmp(a, "--yes") || !strcmp(a, "-y")) {
      o->yes = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
      cli_error("unknown option '%s' (see `netlearn run --help`)", a);
      return -1;
    } else if (!o->scenario_path) {
      o->scenario_path = a;
    } else {
      cli_error("unexpected argument '%s': one scenario file per run", a);
      return -1;
    }
  }
  if (!o->scenario_path) {
    cli_error("missing scenario file (usage: netlearn run SCENARIO.yaml -o DIR)");
    return -1;
  }
  if (!o->outdir) {
    cli_error("missing output directory: add -o DIR");
    return -1;
  }
  return 0;
}

/* Files a scenario names (networks, firm tables) are read when a simulation is created: create one
 * per design point that names a file, before the database exists, so that a bad file is bad input
 * (exit 2) found at once, not a failed run (exit 1) after the database was made. At most
 * FILE_CHECK_POINTS points (a sweep of thousands of points over one file is checked on its first
 * points; the runs catch the rest). */
#define FILE_CHECK_POINTS 64
static int check_files(const run_opts *o, const nl_design *d) {
  const nl_model *m = nl_scenario_model(nl_design_scenario(d));
  size_t checked = 0;
  for (size_t i = 0; i < nl_design_npoints(d) && checked < FILE_CHECK_POINTS; i++) {
    const nl_params *p = nl_design_params(d, i);
    int files = 0;
    for (size_t k = 0; k < nl_model_nparams(m); k++)
      if (nl_model_param(m, k)->type == NL_PARAM_STRING && nl_params_get_string(p, k) &&
          nl_params_get_string(p, k)[0])
        files = 1;
    if (!files) continue;
    checked++;
    nl_sim *sim = nl_sim_new(p);
    if (!sim) {
      cli_error("out of memory");
      return -1;
    }
    int bad = nl_sim_status(sim) != NL_OK;
    if (bad) cli_error("%s: %s", o->scenario_path, nl_sim_errmsg(sim));
    nl_sim_free(sim);
    if (bad) return -1;
  }
  return 0;
}

/* ---- memory: threads x (model state + a run's recorded rows) must fit --------------------------- */

/* Resident bytes of this process (Linux /proc/self/statm); 0 when unknown. */
static double resident_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, res = 0;
  if (!f) return 0;
  int ok = fscanf(f, "%ld %ld", &size, &res) == 2;
  fclose(f);
  return ok ? (double)res * (double)sysconf(_SC_PAGESIZE) : 0;
}

/* Memory the machine can still give (MemAvailable), in bytes; 0 when unknown. */
static double available_bytes(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[256];
  double kb = 0;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1) break;
  if (f) fclose(f);
  return kb * 1024.0;
}

/* Threads to use: at most the pending runs (more would only hold idle model states). Then the
 * memory the runs need, measured on the first and last design points' states (created and reset,
 * so their pages are touched) plus the rows a run records, refused before anything is written
 * when it exceeds what the machine has ("needs 25 GB for 2 threads, the machine has 24"). */
static int check_memory(const run_opts *o, const nl_design *d, long npending, int *threads) {
  long t = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
  if (t < 1) t = 1;
  if (npending > 0 && t > npending) t = npending;
  *threads = (int)t;
  const nl_scenario *sc = nl_design_scenario(d);
  double state = 0;
  size_t last = nl_design_npoints(d) ? nl_design_npoints(d) - 1 : 0;
  for (size_t i = 0; i <= last; i += last > 0 ? last : 1) {
    double before = resident_bytes();
    nl_sim *sim = nl_sim_new(nl_design_params(d, i));
    if (sim && nl_sim_status(sim) == NL_OK) nl_sim_reset(sim, nl_scenario_seed(sc), 0);
    double grew = resident_bytes() - before;
    nl_sim_free(sim);
    if (grew > state) state = grew;
  }
  /* A run holds its recorded rows (period, measures) until they go to the store: at most one
   * chunk (nl_run_chunk_rows), however long the run. */
  long every = nl_scenario_series(sc) ? (nl_scenario_every(sc) > 0 ? nl_scenario_every(sc) : 1) : LONG_MAX;
  double rows = (double)nl_scenario_periods(sc) / (double)every + 3;
  size_t nmeasures = nl_model_nmeasures(nl_scenario_model(sc));
  double held = rows < (double)nl_run_chunk_rows(nmeasures) ? rows : (double)nl_run_chunk_rows(nmeasures);
  double series = held * ((double)nmeasures + 1) * 8.0;
  double need = (double)t * (state + series), have = available_bytes();
  if (have > 0 && need > have) {
    cli_error("%s: needs about %.1f GB for %ld thread%s (%.2f GB per simulation state, %.2f GB of recorded rows per "
              "run), the machine has %.1f GB available: use fewer threads (-t), a larger outputs.every, or "
              "outputs.series: false",
              o->scenario_path, need / 1e9, t, t > 1 ? "s" : "", state / 1e9, series / 1e9, have / 1e9);
    return -1;
  }
  return 0;
}

/* ---- disk: the stored series of the pending runs must fit -------------------------------------- */

/* Bytes of a stored series row (period x measure) at least: about 16 in results.db and 28 in
 * series.csv (measured on march1991: 10.6 MB and 18.2 MB for 640,320 rows). A lower bound, so
 * only what cannot fit is refused; a run that fills the disk anyway stops with "disk full" and
 * keeps its finished runs. */
#define SERIES_ROW_BYTES 40.0

/* Free bytes for an unprivileged writer on the file system of dir, or of its nearest existing
 * parent; 0 when unknown. */
static double free_bytes(const char *dir) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", dir);
  struct statvfs fs;
  while (statvfs(path, &fs) != 0) {
    char *slash = strrchr(path, '/');
    if (!slash) return statvfs(".", &fs) == 0 ? (double)fs.f_bavail * (double)fs.f_frsize : 0;
    if (slash == path) slash[1] = '\0';
    else *slash = '\0';
  }
  return (double)fs.f_bavail * (double)fs.f_frsize;
}

static int check_disk(const run_opts *o, const nl_design *d, long npending) {
  const nl_scenario *sc = nl_design_scenario(d);
  if (!nl_scenario_series(sc)) return 0;
  long every = nl_scenario_every(sc) > 0 ? nl_scenario_every(sc) : 1;
  double rows = (double)nl_scenario_periods(sc) / (double)every + 2;
  double need = (double)npending * rows * (double)nl_scenario_nmeasures(sc) * SERIES_ROW_BYTES;
  double have = free_bytes(o->outdir);
  if (have > 0 && need > have) {
    cli_error("%s: the series of %ld run%s need about %.1f GB on disk (results.db and series.csv), %s has %.1f GB "
              "free: use a larger outputs.every, fewer periods or measures, or outputs.series: false",
              o->scenario_path, npending, npending > 1 ? "s" : "", need / 1e9, o->outdir, have / 1e9);
    return -1;
  }
  return 0;
}

/* Scenario (from text when given: MPI ranks get rank 0's copy), overrides and design. */
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
  for (size_t i = 0; i < o->nsets; i++) {
    char key[256];
    const char *eq = strchr(o->sets[i], '=');
    if (!eq || eq == o->sets[i] || (size_t)(eq - o->sets[i]) >= sizeof key) {
      if (verbose) cli_error("--set %s: expected KEY=VALUE", o->sets[i]);
      return -1;
    }
    memcpy(key, o->sets[i], (size_t)(eq - o->sets[i]));
    key[eq - o->sets[i]] = '\0';
    if (nl_scenario_set(sc, key, eq + 1)) {
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
    for (size_t i = 0; i < o->nsets; i++)
      for (size_t f = 0; f < nl_scenario_nfactors(sc); f++) {
        const char *pname = nl_model_param(nl_scenario_model(sc), nl_scenario_factor_param(sc, f))->name;
        const char *set = strncmp(o->sets[i], "parameters.", 11) == 0 ? o->sets[i] + 11 : o->sets[i];
        size_t len = strlen(pname);
        if (!strncmp(set, pname, len) && set[len] == '=' && nl_scenario_design(sc) != NL_DESIGN_OFAT)
          cli_warn("--set %s: '%s' is swept: the design points take the sweep's values", o->sets[i], pname);
      }
  if (nl_design_build(d, sc, MAX_DESIGN_POINTS)) {
    if (verbose) cli_error("%s", nl_design_errmsg(d));
    return -1;
  }
  if (verbose && check_files(o, d)) return -1;
  return 0;
}

/* The files `run` writes besides results.db (the manifest first: it is removed first). */
static const char *const run_files[] = {"manifest.json", "series.csv", "summary.csv", "final.csv", "points.csv"};
#define NOUTPUTS (sizeof run_files / sizeof run_files[0])

/* "<output>.tmp.<pid>" files (io/atomic.c) left by a process killed while writing its CSV files. */
static void remove_stale_temporaries(const char *outdir) {
  DIR *dir = opendir(outdir);
  if (!dir) return;
  struct dirent *e;
  while ((e = readdir(dir))) {
    for (size_t i = 0; i < NOUTPUTS; i++) {
      size_t len = strlen(run_files[i]);
      const char *rest = e->d_name + len;
      if (strncmp(e->d_name, run_files[i], len) || strncmp(rest, ".tmp.", 5) || !rest[5] ||
          strspn(rest + 5, "0123456789") != strlen(rest + 5))
        continue;
      char path[PATH_MAX];
      if (!join(path, sizeof path, outdir, e->d_name)) remove(path);
    }
  }
  closedir(dir);
}

/* Rank 0 / single process: output directory, store, pending runs. Returns an exit code. */
static int setup_store(const run_opts *o, const nl_design *d, nl_store *store, int argc, char **argv, int threads,
                       int ranks, long **pairs, long *npending, long *total) {
  if (cli_prepare_dir(o->outdir)) return NL_EXIT_USAGE;
  char path[PATH_MAX];
  if (join(path, sizeof path, o->outdir, "results.db")) {
    cli_error("%s: path too long", o->outdir);
    return NL_EXIT_USAGE;
  }
  /* The store is opened, and so locked, before anything is removed: --force-new empties the
   * database under its lock, never a database another run is writing or a foreign file. */
  int orc = cli_store_open(store, path, o->outdir, o->force_new);
  if (orc) return orc;
  nl_status st = nl_store_bind(store, d, argc, argv, threads, ranks);
  if (st == NL_EEXIST) {
    cli_error("%s; add --force-new to discard it and start over, or choose another -o directory",
              nl_store_errmsg(store));
    return NL_EXIT_USAGE;
  }
  if (st) {
    cli_error("%s", nl_store_errmsg(store));
    return NL_EXIT_FAILURE;
  }
  if (nl_store_pending(store, pairs, npending, total)) {
    cli_error("%s", nl_store_errmsg(store));
    return NL_EXIT_FAILURE;
  }
  /* Every file this command writes goes before anything is run: the manifest first (old results
   * stop counting as complete), then the CSV files of an earlier run (a different scenario's
   * series.csv or points.csv must not stay beside the new ones), and temporary files of an
   * export that was killed. The database holds everything; the CSV files are written from it. */
  for (size_t i = 0; i < NOUTPUTS; i++)
    if (!join(path, sizeof path, o->outdir, run_files[i])) remove(path);
  remove_stale_temporaries(o->outdir);
  if (!o->quiet && *npending < *total && !join(path, sizeof path, o->outdir, "results.db"))
    fprintf(stderr, "netlearn: resuming %s: %ld of %ld runs already done\n", path, *total - *npending, *total);
  long points = 0, done = 0, all = 0;
  if (nl_store_counts(store, &points, &done, &all)) {
    cli_error("%s", nl_store_errmsg(store));
    return NL_EXIT_FAILURE;
  }
  /* Narrowed (fewer replications or points than an earlier run): the database keeps them all. */
  if (all > *total)
    cli_warn("%s/results.db holds %ld runs, more than the %ld this scenario asks for (fewer replications or points "
             "than before): the CSV files hold every finished run; manifest.json says so",
             o->outdir, all, *total);
  return NL_EXIT_OK;
}

/* After the runs: CSV files, manifest, a few lines on the terminal. Returns an exit code. */
static int write_outputs(const run_opts *o, const nl_design *d, nl_store *store, int argc, char **argv,
                         double elapsed, long ran) {
  char path[PATH_MAX];
  const char *names[8];
  size_t nnames = 0;
  if (nl_store_finish(store) || nl_store_export(store, o->outdir, names, &nnames)) {
    cli_error("%s", nl_store_errmsg(store));
    return NL_EXIT_FAILURE;
  }
  const char *outputs[10];
  outputs[0] = "results.db";
  for (size_t i = 0; i < nnames; i++) outputs[i + 1] = names[i];
  if (join(path, sizeof path, o->outdir, "manifest.json") ||
      nl_store_write_manifest(store, path, d, argc + 1, argv - 1, outputs, nnames + 1)) {
    cli_error("%s", nl_store_errmsg(store));
    return NL_EXIT_FAILURE;
  }
  if (o->quiet) return NL_EXIT_OK;
  const nl_scenario *sc = nl_design_scenario(d);
  const char *name = nl_scenario_name(sc)[0] ? nl_scenario_name(sc) : o->scenario_path;
  char mnames[4][64];
  double means[4];
  size_t nm = 0;
  long runs = 0, eq = 0;
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

/* ---- one process, OpenMP threads ----------------------------------------------------------- */

static int run_local(const run_opts *o, int argc, char **argv) {
  int rc = NL_EXIT_USAGE;
  nl_scenario *sc = nl_scenario_new();
  nl_design *d = nl_design_new();
  nl_store *store = nl_store_new();
  long *pairs = NULL, npending = 0, total = 0;
  if (!sc || !d || !store) {
    cli_error("out of memory");
    rc = NL_EXIT_FAILURE;
    goto cleanup;
  }
  if (load_design(o, NULL, sc, d, 1)) goto cleanup;
  int threads = 1;
  if (check_memory(o, d, (long)nl_design_npoints(d) * nl_design_replications(d), &threads) ||
      check_disk(o, d, (long)nl_design_npoints(d) * nl_design_replications(d)))
    goto cleanup;
  rc = setup_store(o, d, store, argc + 1, argv - 1, (int)o->threads, 1, &pairs, &npending, &total);
  if (rc) goto cleanup;

  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = threads;
  progress_ctx prog;
  cli_progress_init(&prog.bar, "runs", o->quiet);
  cfg.progress = progress_cb;
  cfg.progress_user = &prog;
  cfg.interrupt = cli_interrupt_poll;
  cli_catch_interrupts();
  double t0 = cli_now();
  nl_status st = nl_experiment_run(store, d, &cfg, pairs, npending);
  double elapsed = cli_now() - t0;
  cli_progress_finish(&prog.bar);
  cli_release_interrupts();
  if (st) {
    nl_store_finish(store);
    cli_error("%s: %s", o->scenario_path, nl_store_errmsg(store));
    if (st == NL_ECANCELED) {
      cli_error("re-run the same command to finish the remaining runs");
      rc = NL_EXIT_INTERRUPTED;
    } else {
      rc = NL_EXIT_FAILURE;
    }
    goto cleanup;
  }
  rc = write_outputs(o, d, store, argc, argv, elapsed, npending);
cleanup:
  free(pairs);
  nl_store_free(store);
  nl_design_free(d);
  nl_scenario_free(sc);
  return rc;
}

/* ---- MPI: rank 0 hands out runs and writes; other ranks simulate ------------------------------ */

#ifdef NL_HAVE_MPI
enum { TAG_READY = 1, TAG_RESULT = 2, TAG_FAIL = 3, TAG_WORK = 4, TAG_STOP = 5, TAG_CHUNK = 6 };

/* Launched by mpirun (or another PMI launcher)? Then MPI is worth initializing. */
static int under_mpi_launcher(void) {
  return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 8192, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + len, 1, cap - len - 1, f);
    len += got;
    if (got == 0) break;
    if (len + 1 >= cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) buf[len] = '\0';
  return buf;
}

static int mpi_master(const run_opts *o, const nl_design *d, nl_store *store, int nranks, long *pairs, long n,
                      double *elapsed) {
  progress_ctx prog;
  cli_progress_init(&prog.bar, "runs", o->quiet);
  nl_run_record rec;
  nl_run_record_init(&rec);
  unsigned char *buf = NULL;
  size_t bufcap = 0;
  long next = 0, done = 0;
  int active = nranks - 1, rc = NL_EXIT_OK, stop = 0;
  double t0 = cli_now();
  while (active > 0) {
    MPI_Status ms;
    MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
    int count = 0;
    MPI_Get_count(&ms, MPI_BYTE, &count);
    if ((size_t)count + 1 > bufcap) {
      unsigned char *nb = realloc(buf, (size_t)count + 1);
      if (!nb) {
        cli_error("out of memory");
        MPI_Abort(MPI_COMM_WORLD, NL_EXIT_FAILURE);
      }
      buf = nb;
      bufcap = (size_t)count + 1;
    }
    MPI_Recv(buf, count, MPI_BYTE, ms.MPI_SOURCE, ms.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (ms.MPI_TAG == TAG_CHUNK) { /* part of a long run's series; the rank keeps running it */
      if (rc == NL_EXIT_FAILURE) continue;
      if (nl_run_record_unpack(&rec, buf, (size_t)count) || nl_store_write_chunk(store, &rec)) {
        cli_error("%s: %s", o->scenario_path, nl_store_errmsg(store));
        rc = NL_EXIT_FAILURE;
        stop = 1;
      }
      continue;
    }
    if (ms.MPI_TAG == TAG_RESULT) {
      if (nl_run_record_unpack(&rec, buf, (size_t)count)) {
        if (!stop) cli_error("rank %d sent a malformed result", ms.MPI_SOURCE);
        rc = NL_EXIT_FAILURE;
        stop = 1;
      } else if (rc != NL_EXIT_FAILURE) { /* finished runs are committed, also after Ctrl-C */
        rec.worker = ms.MPI_SOURCE;
        if (nl_store_write_run(store, &rec)) {
          cli_error("%s: %s", o->scenario_path, nl_store_errmsg(store));
          rc = NL_EXIT_FAILURE;
          stop = 1;
        } else {
          done++;
          if (progress_cb(&prog, done, n) && !stop) {
            stop = 1;
            rc = NL_EXIT_INTERRUPTED;
          }
        }
      }
    } else if (ms.MPI_TAG == TAG_FAIL) {
      buf[count] = '\0';
      if (!stop) cli_error("%s: rank %d: %s", o->scenario_path, ms.MPI_SOURCE, (const char *)buf);
      rc = NL_EXIT_FAILURE;
      stop = 1;
    }
    if (!stop && next < n) {
      long work[2] = {pairs[2 * next], pairs[2 * next + 1]};
      next++;
      MPI_Send(work, 2, MPI_LONG, ms.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
    } else {
      MPI_Send(NULL, 0, MPI_LONG, ms.MPI_SOURCE, TAG_STOP, MPI_COMM_WORLD);
      active--;
    }
  }
  *elapsed = cli_now() - t0;
  cli_progress_finish(&prog.bar);
  if (rc == NL_EXIT_INTERRUPTED)
    cli_error("interrupted after %ld of %ld runs; re-run the same command to finish the remaining runs", done, n);
  (void)d;
  free(buf);
  nl_run_record_clear(&rec);
  return rc;
}

/* A packed record sent to rank 0 (a run's result or a chunk of its series). */
typedef struct mpi_out {
  unsigned char *buf;
  size_t cap;
  int rank;
} mpi_out;

static void mpi_send_record(mpi_out *out, nl_run_record *rec, int tag) {
  rec->worker = out->rank;
  size_t size = 0;
  nl_run_record_pack(rec, NULL, &size);
  if (size > out->cap) {
    unsigned char *nb = realloc(out->buf, size);
    if (!nb) MPI_Abort(MPI_COMM_WORLD, NL_EXIT_FAILURE);
    out->buf = nb;
    out->cap = size;
  }
  nl_run_record_pack(rec, out->buf, &size);
  MPI_Send(out->buf, (int)size, MPI_BYTE, 0, tag, MPI_COMM_WORLD);
}

static nl_status mpi_chunk(void *user, const nl_run_record *rec) {
  mpi_send_record(user, (nl_run_record *)rec, TAG_CHUNK);
  return NL_OK;
}

static void mpi_worker(const nl_design *d, const nl_scenario *sc, int rank) {
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  nl_worker *w = nl_worker_new(d, &cfg);
  nl_run_record rec;
  nl_run_record_init(&rec);
  mpi_out out = {NULL, 0, rank};
  if (w) nl_worker_set_chunks(w, 0, mpi_chunk, &out);
  if (!w) {
    const char msg[] = "out of memory";
    MPI_Send(msg, (int)sizeof msg, MPI_BYTE, 0, TAG_FAIL, MPI_COMM_WORLD);
  } else {
    MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_READY, MPI_COMM_WORLD);
  }
  for (;;) {
    long work[2];
    MPI_Status ms;
    MPI_Recv(work, 2, MPI_LONG, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
    if (ms.MPI_TAG != TAG_WORK) break;
    if (!w || nl_worker_run(w, (size_t)work[0], work[1], &rec)) {
      const char *msg = w ? nl_worker_errmsg(w) : "out of memory";
      MPI_Send(msg, (int)strlen(msg) + 1, MPI_BYTE, 0, TAG_FAIL, MPI_COMM_WORLD);
      continue;
    }
    mpi_send_record(&out, &rec, TAG_RESULT);
  }
  free(out.buf);
  nl_run_record_clear(&rec);
  nl_worker_free(w);
}

static int run_mpi(const run_opts *o, int argc, char **argv, int rank, int nranks) {
  int rc = NL_EXIT_OK;
  nl_scenario *sc = nl_scenario_new();
  nl_design *d = nl_design_new();
  nl_store *store = NULL;
  long *pairs = NULL, npending = 0, total = 0;
  char *text = NULL;
  long len = 0;
  if (rank == 0) {
    text = read_text(o->scenario_path);
    len = text ? (long)strlen(text) : -1;
  }
  MPI_Bcast(&len, 1, MPI_LONG, 0, MPI_COMM_WORLD);
  if (len < 0) {
    /* Let the library report why the file cannot be read, with its usual message. */
    if (rank == 0) rc = run_local(o, argc, argv);
    else rc = NL_EXIT_USAGE;
    goto cleanup;
  }
  if (rank != 0) {
    text = malloc((size_t)len + 1);
    if (!text) MPI_Abort(MPI_COMM_WORLD, NL_EXIT_FAILURE);
  }
  MPI_Bcast(text, (int)len + 1, MPI_CHAR, 0, MPI_COMM_WORLD);
  if (!sc || !d) {
    cli_error("out of memory");
    MPI_Abort(MPI_COMM_WORLD, NL_EXIT_FAILURE);
  }
  int bad = load_design(o, text, sc, d, rank == 0);
  if (rank == 0 && !bad) {
    store = nl_store_new();
    if (!store) rc = NL_EXIT_FAILURE;
    else rc = setup_store(o, d, store, argc + 1, argv - 1, 1, nranks, &pairs, &npending, &total);
  } else if (bad) {
    rc = NL_EXIT_USAGE;
  }
  int rc0 = rc;
  MPI_Bcast(&rc0, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (rc0 != NL_EXIT_OK) {
    rc = rank == 0 ? rc0 : NL_EXIT_USAGE;
    goto cleanup;
  }
  if (rank == 0) {
    cli_catch_interrupts();
    double elapsed = 0;
    rc = mpi_master(o, d, store, nranks, pairs, npending, &elapsed);
    if (rc == NL_EXIT_OK) rc = write_outputs(o, d, store, argc, argv, elapsed, npending);
    else nl_store_finish(store);
  } else {
    mpi_worker(d, sc, rank);
  }
cleanup:
  free(text);
  free(pairs);
  nl_store_free(store);
  nl_design_free(d);
  nl_scenario_free(sc);
  return rc;
}
#endif

int nl_cmd_run(int argc, char **argv) {
  run_opts o;
  memset(&o, 0, sizeof o);
  o.sets = calloc((size_t)argc + 1, sizeof *o.sets);
  if (!o.sets) {
    cli_error("out of memory");
    return NL_EXIT_FAILURE;
  }
  int help = 0, rc;
#ifdef NL_HAVE_MPI
  if (under_mpi_launcher()) {
    int provided = 0, rank = 0, nranks = 1;
    MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    /* One voice: only rank 0 talks; the others report failures to it through messages. */
    if (rank != 0 && !freopen("/dev/null", "w", stderr)) rc = NL_EXIT_FAILURE;
    if (parse_args(&o, argc, argv, &help) != 0) rc = NL_EXIT_USAGE;
    else if (help) {
      if (rank == 0) run_help(stdout);
      rc = NL_EXIT_OK;
    } else if (nranks < 2) rc = run_local(&o, argc, argv);
    else {
      if (rank != 0) o.quiet = 1;
      rc = run_mpi(&o, argc, argv, rank, nranks);
    }
    MPI_Finalize();
    free(o.sets);
    return rc;
  }
#endif
  if (parse_args(&o, argc, argv, &help) != 0) rc = NL_EXIT_USAGE;
  else if (help) {
    run_help(stdout);
    rc = NL_EXIT_OK;
  } else {
    rc = run_local(&o, argc, argv);
  }
  free(o.sets);
  return rc;
}
