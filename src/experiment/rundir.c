/*
 * A design run into a results directory: what `netlearn run` does (the CLI is a client of this
 * file, as are the Python and R packages). Inputs checked before anything is touched, the
 * directory and its results.db (resume, locking, a different scenario refused), the outputs of an
 * earlier run removed, the runs, then the CSV files and the manifest, written last.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "netlearn/experiment.h"
#include "netlearn/files.h"
#include "store/store_impl.h"

#define RUNDIR_LOCK_WAIT_MS 2000
/* A sweep of thousands of points over one file is checked on its first points; the runs catch
 * the rest. */
#define FILE_CHECK_POINTS 64

/* The files a run writes besides results.db, the manifest first: it is removed first, so the
 * directory stops counting as complete before anything else changes. */
static const char *const run_files[] = {"manifest.json", "series.csv", "summary.csv", "final.csv", "points.csv"};
#define NRUN_FILES (sizeof run_files / sizeof run_files[0])

static int join_path(char *buf, size_t cap, const char *dir, const char *name) {
  return snprintf(buf, cap, "%s/%s", dir, name) < (int)cap ? 0 : -1;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Files a design names (networks, firm tables) are read when a simulation is created: create one
 * per design point that names a file, so that a bad file is bad input found before the database
 * exists, not a failed run after it was made. */
static nl_status check_files(const nl_design *d, nl_errbuf *err) {
  const nl_model *m = nl_scenario_model(nl_design_scenario(d));
  size_t checked = 0;
  for (size_t i = 0; i < nl_design_npoints(d) && checked < FILE_CHECK_POINTS; i++) {
    const nl_params *p = nl_design_params(d, i);
    int files = 0;
    for (size_t k = 0; k < nl_model_nparams(m); k++)
      if (nl_model_param(m, k)->type == NL_PARAM_STRING && nl_params_get_string(p, k) && nl_params_get_string(p, k)[0])
        files = 1;
    if (!files) continue;
    checked++;
    nl_sim *sim = nl_sim_new(p);
    if (!sim) return nl_err(err, NL_ENOMEM, "out of memory");
    nl_status st = nl_sim_status(sim);
    if (st) nl_err(err, st, "%s", nl_sim_errmsg(sim));
    nl_sim_free(sim);
    if (st) return st;
  }
  return NL_OK;
}

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

/* Threads x (model state + a run's recorded rows) must fit: the state is measured on the first and
 * last design points (created and reset, so their pages are touched), and the runs are refused
 * before anything is written when they need more than the machine has. */
static nl_status check_memory(const nl_design *d, const nl_run_config *cfg, nl_errbuf *err) {
  long runs = (long)nl_design_npoints(d) * nl_design_replications(d);
  long t = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
  if (t < 1) t = 1;
  if (runs > 0 && t > runs) t = runs; /* more threads would hold idle states */
  const nl_scenario *sc = nl_design_scenario(d);
  double state = 0;
  size_t last = nl_design_npoints(d) ? nl_design_npoints(d) - 1 : 0;
  for (size_t i = 0; i <= last; i += last > 0 ? last : 1) {
    double before = resident_bytes();
    nl_sim *sim = nl_sim_new(nl_design_params(d, i));
    if (sim && nl_sim_status(sim) == NL_OK) nl_sim_reset(sim, nl_scenario_seed(sc), 0);
    double grew = resident_bytes() - before;
    /* A state this machine cannot allocate even once: bad input, before the database exists. */
    if (!sim || nl_sim_status(sim) == NL_ENOMEM) {
      nl_status st = nl_err(err, NL_ERANGE, "%s: one simulation state does not fit in this machine's memory (%.1f GB "
                            "available)", sim ? nl_sim_errmsg(sim) : "out of memory", available_bytes() / 1e9);
      nl_sim_free(sim);
      return st;
    }
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
  if (have > 0 && need > have)
    return nl_err(err, NL_ERANGE,
                  "needs about %.1f GB for %ld thread%s (%.2f GB per simulation state, %.2f GB of recorded rows per "
                  "run), the machine has %.1f GB available: use fewer threads, a larger outputs.every, or "
                  "outputs.series: false",
                  need / 1e9, t, t > 1 ? "s" : "", state / 1e9, series / 1e9, have / 1e9);
  return NL_OK;
}

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

/* The stored series of the design's runs must fit on the disk of dir. */
static nl_status check_disk(const nl_design *d, const char *dir, nl_errbuf *err) {
  const nl_scenario *sc = nl_design_scenario(d);
  if (!nl_scenario_series(sc)) return NL_OK;
  long runs = (long)nl_design_npoints(d) * nl_design_replications(d);
  long every = nl_scenario_every(sc) > 0 ? nl_scenario_every(sc) : 1;
  double rows = (double)nl_scenario_periods(sc) / (double)every + 2;
  double need = (double)runs * rows * (double)nl_scenario_nmeasures(sc) * SERIES_ROW_BYTES;
  double have = free_bytes(dir);
  if (have > 0 && need > have)
    return nl_err(err, NL_ERANGE,
                  "the series of %ld run%s need about %.1f GB on disk (results.db and series.csv), %s has %.1f GB "
                  "free: use a larger outputs.every, fewer periods or measures, or outputs.series: false",
                  runs, runs > 1 ? "s" : "", need / 1e9, dir, have / 1e9);
  return NL_OK;
}

/* "<output>.tmp.<pid>" files (io/atomic.c) left by a process killed while writing its CSV files. */
static void remove_stale_temporaries(const char *dir) {
  DIR *dd = opendir(dir);
  if (!dd) return;
  struct dirent *e;
  while ((e = readdir(dd))) {
    for (size_t i = 0; i < NRUN_FILES; i++) {
      size_t len = strlen(run_files[i]);
      const char *rest = e->d_name + len;
      if (strncmp(e->d_name, run_files[i], len) || strncmp(rest, ".tmp.", 5) || !rest[5] ||
          strspn(rest + 5, "0123456789") != strlen(rest + 5))
        continue;
      char path[PATH_MAX];
      if (!join_path(path, sizeof path, dir, e->d_name)) remove(path);
    }
  }
  closedir(dd);
}

void nl_run_dir_options_default(nl_run_dir_options *o) {
  memset(o, 0, sizeof *o);
  o->ranks = 1;
  o->check_inputs = 1;
}

nl_status nl_experiment_run_dir(nl_store *st, const nl_design *d, const char *dir, const nl_run_config *cfg,
                                const nl_run_dir_options *opt, nl_run_dir_info *info) {
  nl_run_dir_options defopt;
  nl_run_dir_info localinfo;
  if (!opt) {
    nl_run_dir_options_default(&defopt);
    opt = &defopt;
  }
  if (!info) info = &localinfo;
  memset(info, 0, sizeof *info);
  nl_errbuf *err = nl_store_errbuf(st);
  nl_err_clear(err);
  char path[PATH_MAX];
  long *pairs = NULL;
  nl_status status = NL_OK;

  info->stage = NL_RUN_DIR_INPUT;
  if (opt->check_inputs) {
    status = check_files(d, err);
    if (!status) status = check_memory(d, cfg, err);
    if (!status && dir && *dir) status = check_disk(d, dir, err);
    if (status) goto cleanup;
  }

  info->stage = NL_RUN_DIR_DIRECTORY;
  if (!dir || !*dir || join_path(path, sizeof path, dir, "results.db")) {
    status = nl_err(err, NL_EINVAL, "results directory: empty or too long a path");
    goto cleanup;
  }
  status = nl_mkdirs(dir, err->msg, sizeof err->msg);
  if (status) goto cleanup;

  /* The store is opened, and so locked, before anything is removed: NL_STORE_RESET empties the
   * database under its lock, never a database another run is writing or a foreign file. */
  info->stage = NL_RUN_DIR_STORE;
  status = nl_store_open_handle(st, path, NL_STORE_CREATE | (opt->flags & NL_STORE_RESET), RUNDIR_LOCK_WAIT_MS);
  if (!status) status = nl_store_bind(st, d, opt->argc, opt->argv, cfg->threads, opt->ranks > 0 ? opt->ranks : 1);
  if (!status) status = nl_store_pending(st, &pairs, &info->pending, &info->total);
  long points = 0, done = 0;
  if (!status) status = nl_store_counts(st, &points, &done, &info->stored);
  if (status) goto cleanup;
  /* Every file this run writes goes before anything is run: a different scenario's series.csv or
   * points.csv must not stay beside the new ones. The database holds everything; the CSV files
   * are written from it. */
  for (size_t i = 0; i < NRUN_FILES; i++)
    if (!join_path(path, sizeof path, dir, run_files[i])) remove(path);
  remove_stale_temporaries(dir);

  info->stage = NL_RUN_DIR_RUNS;
  if (opt->on_start) opt->on_start(opt->user, info);
  double t0 = now();
  status = opt->runner ? opt->runner(opt->user, st, d, cfg, pairs, info->pending)
                       : nl_experiment_run(st, d, cfg, pairs, info->pending);
  info->seconds = now() - t0;
  if (status) {
    nl_store_finish(st); /* the finished runs stay committed; the error message is kept */
    goto cleanup;
  }

  info->stage = NL_RUN_DIR_OUTPUTS;
  const char *outputs[NL_RUN_DIR_MAX_OUTPUTS + 1];
  size_t nnames = 0;
  outputs[0] = "results.db";
  status = nl_store_finish(st);
  if (!status && opt->outputs) status = opt->outputs(opt->user, st, dir, outputs + 1, &nnames);
  else if (!status) status = nl_store_export(st, dir, outputs + 1, &nnames);
  if (status) goto cleanup;
  if (nnames > NL_RUN_DIR_MAX_OUTPUTS) nnames = NL_RUN_DIR_MAX_OUTPUTS;
  if (join_path(path, sizeof path, dir, "manifest.json")) {
    status = nl_err(err, NL_EINVAL, "%s: path too long", dir);
    goto cleanup;
  }
  status = nl_store_write_manifest(st, path, d, opt->argc, opt->argv, outputs, nnames + 1);
  if (!status) info->stage = NL_RUN_DIR_DONE;
cleanup:
  nl_free(pairs);
  return status;
}
