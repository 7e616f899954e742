#ifndef NETLEARN_EXPERIMENT_H
#define NETLEARN_EXPERIMENT_H
/*
 * Experiments: a design (the scenario's `sweep:` expanded into design points), runs of every
 * design point (replications), and an SQLite results store that makes a study resumable.
 *
 * Identity. A design point is identified by its parameter values (its key, the canonical text of
 * every parameter), never by its position in the design, so extending a grid later keeps the old
 * points and their runs. A run is (design point, replication r); it draws only from the random
 * streams keyed (seed, r), like replication r of a single scenario, so its results depend only on
 * the point's parameter values, the seed and r: not on threads, ranks, order or design.
 *
 * See docs/experiments.md (designs) and docs/database.md (schema).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netlearn/memory.h"
#include "netlearn/model.h"
#include "netlearn/run.h"
#include "netlearn/scenario.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- designs ------------------------------------------------------------------------------- */

typedef struct nl_design nl_design;

NL_API nl_design *nl_design_new(void); /* NULL when out of memory */
NL_API void nl_design_free(nl_design *d);
NL_API const char *nl_design_errmsg(const nl_design *d);

/*
 * Expand sc's sweep into design points (one point, the scenario's parameters, without a sweep).
 * sc is borrowed and must outlive d. Grid: every combination, the first factor varying slowest.
 * Latin hypercube: `points` points, one per stratum of every factor, drawn from the stream
 * (seed, 0, NL_RNG_DESIGN, factor) so the design depends only on the scenario. OFAT: the base
 * point, then each factor's values with the others at the base. Points with the same parameter
 * values are merged (first occurrence kept). Every point passes the model's cross-parameter
 * validation. Errors: NL_ERANGE (more than max_points points; nothing is expanded), NL_EINVAL
 * (a point fails validation), NL_ENOMEM. Cost: O(points x parameters) time and memory.
 */
NL_API nl_status nl_design_build(nl_design *d, const nl_scenario *sc, long max_points);

/*
 * A design of explicit points (sensitivity analyses): row i sets the parameters param[0..nf)
 * (indices into the model's table) to values[i * nf + f] (integer parameters rounded; every value
 * clamped to the parameter's range), the others as in sc (borrowed, must outlive d). Row i needs
 * reps[i] replications (reps NULL: the scenario's). Rows with equal parameter values are one
 * point, which gets the largest count asked; index[i] (may be NULL) receives row i's point.
 * Errors: NL_EINVAL (a point fails the model's validation: the message names the row's values),
 * NL_ENOMEM. Cost: O(rows x parameters).
 */
NL_API nl_status nl_design_build_points(nl_design *d, const nl_scenario *sc, size_t nf, const size_t *param, size_t nrows,
                                        const double *values, const long *reps, size_t *index);

/* Getters are checked (issue 19): a NULL d gives NULL or 0, as does a design not built yet; an index
 * out of range gives the neutral value stated beside each. O(1). */
NL_API const nl_scenario *nl_design_scenario(const nl_design *d);
NL_API size_t nl_design_npoints(const nl_design *d);
NL_API long nl_design_replications(const nl_design *d);
/* Replications of point i: the scenario's, or what nl_design_build_points asked for; 0 out of range. */
NL_API long nl_design_point_replications(const nl_design *d, size_t i);
/* Parameters of point i (borrowed); NULL if d is NULL or i >= nl_design_npoints. */
NL_API const nl_params *nl_design_params(const nl_design *d, size_t i);
/* Key of point i: "name=value;..." over every parameter, canonical text (borrowed); NULL out of range. */
NL_API const char *nl_design_key(const nl_design *d, size_t i);
/* Swept parameters (indices into the model's table), in the order of the sweep; (size_t)-1 for j
 * out of range. */
NL_API size_t nl_design_nswept(const nl_design *d);
NL_API size_t nl_design_swept(const nl_design *d, size_t j);

/* 64-bit FNV-1a hash of a point key, printed as 16 hex digits in run ids; 0 for NULL. */
NL_API uint64_t nl_point_hash(const char *key);

/* ---- one run ----------------------------------------------------------------------------------- */

/* The recorded result of one run: rows of (period, measures), all the model's measures. */
typedef struct nl_run_record {
  size_t point;     /* index into the design */
  long replication;
  long rows;
  long cap;
  long *period;     /* rows */
  double *value;    /* rows x nmeasures */
  size_t nmeasures;
  long periods_run;
  int equilibrium;
  double seconds;   /* wall time of the simulation */
  int worker;       /* thread or rank that ran it (informative) */
} nl_run_record;

NL_API void nl_run_record_init(nl_run_record *rec);
NL_API void nl_run_record_clear(nl_run_record *rec); /* frees the buffers */

/*
 * Serialize a record into a flat byte buffer (for MPI). pack: *size receives the byte count;
 * buf NULL asks for the size only. unpack: reads buf (borrowed) into rec, reusing its buffers.
 * Errors (unpack): NL_EPARSE when the buffer is inconsistent, NL_ENOMEM.
 */
NL_API void nl_run_record_pack(const nl_run_record *rec, unsigned char *buf, size_t *size);
NL_API nl_status nl_run_record_unpack(nl_run_record *rec, const unsigned char *buf, size_t size);

/*
 * A worker runs design points' replications, one at a time, reusing one simulation state while
 * consecutive runs share a design point. The design is borrowed. cfg gives seed, stop rule and
 * stride (replications, threads and progress are ignored); when the scenario stores no series,
 * only period 0, the last period and the equilibrium period are recorded.
 */
typedef struct nl_worker nl_worker;
NL_API nl_worker *nl_worker_new(const nl_design *d, const nl_run_config *cfg); /* NULL when out of memory */
NL_API void nl_worker_free(nl_worker *w);
NL_API const char *nl_worker_errmsg(const nl_worker *w);
/* Run replication `rep` of point `point` into rec (rec's buffers reused). Errors: model errors,
 * NL_ENOMEM, a chunk sink's error. Cost: the run's periods x one model step. */
NL_API nl_status nl_worker_run(nl_worker *w, size_t point, long rep, nl_run_record *rec);

/*
 * A run's rows in bounded memory: fn receives a record holding the run's next rows (rec->point and
 * rec->replication set; rec->rows of them, periods in rec->period) whenever `rows` rows are held
 * and another is to be recorded; they are then dropped, so the record never holds more than
 * `rows` rows and ends with the rows since the last chunk (at least the last: the final measures).
 * rows <= 0: NL_RUN_CHUNK_BYTES of rows. fn NULL (the default): a run keeps all its rows. fn's
 * error ends the run with that status. user is borrowed.
 */
typedef nl_status (*nl_chunk_fn)(void *user, const nl_run_record *rec);
#define NL_RUN_CHUNK_BYTES (4L << 20)
NL_API void nl_worker_set_chunks(nl_worker *w, long rows, nl_chunk_fn fn, void *user);
/* Rows of a chunk of nmeasures measures for NL_RUN_CHUNK_BYTES (at least 64, also when a row alone
 * exceeds it). */
NL_API long nl_run_chunk_rows(size_t nmeasures);

/* ---- results store -------------------------------------------------------------------------- */

typedef struct nl_store nl_store;

enum {
  NL_STORE_READONLY = 1, /* open an existing database for reading (export, summary) */
  NL_STORE_CREATE = 2,   /* create the database if missing */
  NL_STORE_RESET = 4     /* writers: empty an existing netlearn database, once its lock is held */
};

/* A store that is not yet open, for nl_experiment_run_dir (which opens it; the caller then
 * reads it and frees it). To open a database yourself use nl_store_open. NULL when out of memory. */
NL_API nl_store *nl_store_new(void);
/* Close (when open) and free; NULL is harmless. */
NL_API void nl_store_free(nl_store *st);
NL_API const char *nl_store_errmsg(const nl_store *st);

/*
 * Open the SQLite database at path (borrowed) into a new store, *out (caller frees with
 * nl_store_free, also on failure: *out then holds the message; NULL only when out of memory). Writers take the database's exclusive lock first
 * and hold it until nl_store_free, so two runs cannot write the same database; only then is the
 * file checked, and with NL_STORE_RESET emptied: a file that is not a netlearn database is never
 * changed. Readers of a database in a directory they cannot write open it immutable. busy_ms: how
 * long to wait for a lock held by another process. Errors: NL_EBUSY (another run is writing it),
 * NL_EIO (cannot open; read-only), NL_EPARSE (not a netlearn database, or a newer schema),
 * NL_EUNSUPPORTED (built without the results database: nl_built_with("store"); then every
 * nl_store_* call but new/free/errmsg returns it).
 */
NL_API nl_status nl_store_open(const char *path, int flags, int busy_ms, nl_store **out);

/*
 * Bind a design to the store. A new database records the scenario; an existing one must hold
 * the same scenario (model, seed, stop rule, outputs, base parameters) or this fails with
 * NL_EEXIST and a message naming the first difference. New design points and runs (the design
 * grew, or more replications) are added as pending; existing ones are kept. Records one session
 * row (command line, threads, ranks: informative). argv borrowed. Cost: O(points x reps) rows
 * in one transaction.
 */
NL_API nl_status nl_store_bind(nl_store *st, const nl_design *d, int argc, char *const *argv, int threads, int ranks);

/* Runs of the bound design still to do: pairs (point index, replication) into a new array
 * (caller frees with nl_free); *n their count; *total the design's runs. */
NL_API nl_status nl_store_pending(nl_store *st, long **pairs, long *n, long *total);

/* Write one finished run in one transaction (status done, final measures, the series rows rec
 * holds). A failed write leaves the database as it was. Errors: NL_EIO (disk full, I/O error,
 * locked). */
NL_API nl_status nl_store_write_run(nl_store *st, const nl_run_record *rec);

/*
 * Write the series rows rec holds of a run still in progress (a chunk: nl_worker_set_chunks) in
 * one transaction; the run stays pending until nl_store_write_run commits its last rows. Rows of
 * runs that never finish are removed by nl_experiment_run, nl_store_finish and the next
 * nl_store_bind (after a kill), and readers see only finished runs' series. Does nothing when the
 * scenario stores no series. Errors: as nl_store_write_run. Cost: rec->rows x measures inserts.
 */
NL_API nl_status nl_store_write_chunk(nl_store *st, const nl_run_record *rec);

/*
 * Values of the model's measure `measure` (index into its measure table) in replications
 * r0 .. r0 + n - 1 of point i of the bound design, into out[0..n): the final value (period < 0),
 * or the value at `period` from the stored series (the last recorded period up to it, so a run
 * stopped at equilibrium keeps its state); NaN for a run not done or a value not stored.
 * Errors: NL_EINVAL (no design bound, i out of range), NL_EIO. Cost: n indexed lookups.
 */
NL_API nl_status nl_store_run_values(nl_store *st, size_t i, size_t measure, long period, long r0, long n, double *out);

/* Mark the session finished (status "complete" when no run is pending). */
NL_API nl_status nl_store_finish(nl_store *st);

/*
 * Tidy CSV files from the database into dir (which must exist): series.csv (when series are
 * stored), summary.csv, final.csv, points.csv; each written atomically. Sweeps get a `point`
 * column and one column per swept parameter; a study without a sweep gets the columns of a
 * single scenario run. names receives up to 8 file names written (static strings).
 * Errors: NL_EIO. Cost: linear in the stored rows; memory one design point's series at a time.
 */
NL_API nl_status nl_store_export(nl_store *st, const char *dir, const char **names, size_t *nnames);

/* Mean final value of each stored measure (up to max, names copied) over all finished runs, the
 * count of finished runs and of those at equilibrium. */
NL_API nl_status nl_store_final_means(nl_store *st, size_t max, char (*names)[64], double *means, size_t *n, long *runs,
                                      long *equilibrium);

/* manifest.json for a results directory: the resolved scenario, the design, the command line,
 * counts and the files written; atomically. status "complete" when no run is pending. */
NL_API nl_status nl_store_write_manifest(nl_store *st, const char *path, const nl_design *d, int argc, char *const *argv,
                                         const char *const *outputs, size_t noutputs);

/* A compact table of the study on f: one line per design point with the swept parameters, runs
 * done, and the mean and 95% CI of the final value of up to `maxmeasures` measures. */
NL_API nl_status nl_store_summary(nl_store *st, FILE *f, int maxmeasures);

/* Counts for a study: design points, runs done, runs in total. */
NL_API nl_status nl_store_counts(nl_store *st, long *points, long *done, long *total);

/*
 * Run every pending run of the design bound to st with OpenMP threads (cfg->threads), writing
 * each finished run from one thread at a time in its own transaction. cfg->progress is called
 * with (runs done in this call, runs pending at the start). cfg->interrupt is polled inside
 * every run's period loop: when it (or the progress callback) asks to stop, no run starts, runs
 * in progress stop at their next poll, and every run that finished is committed. Errors: the
 * first run or store error (finished runs stay committed), NL_ECANCELED when asked to stop.
 */
NL_API nl_status nl_experiment_run(nl_store *st, const nl_design *d, const nl_run_config *cfg, const long *pairs, long n);

/* Where nl_experiment_run_dir stopped (below). */
typedef enum nl_run_dir_stage {
  NL_RUN_DIR_INPUT,     /* checking the design's files, memory and disk: nothing touched */
  NL_RUN_DIR_DIRECTORY, /* creating dir: nothing else touched */
  NL_RUN_DIR_STORE,     /* opening and binding dir/results.db */
  NL_RUN_DIR_RUNS,      /* running the pending runs */
  NL_RUN_DIR_OUTPUTS,   /* writing the CSV files and the manifest */
  NL_RUN_DIR_DONE
} nl_run_dir_stage;

/* What nl_experiment_run_dir found and did, for the caller's messages. */
typedef struct nl_run_dir_info {
  nl_run_dir_stage stage; /* the stage reached: where a failure happened */
  long total;             /* runs of the design */
  long pending;           /* runs to do at the start; total - pending were done earlier (resume) */
  long stored;            /* runs the database holds: more than total when the design narrowed */
  double seconds;         /* wall time of the runs */
} nl_run_dir_info;

/* Runs the pending runs in place of nl_experiment_run (e.g. by handing them to other processes):
 * pairs (borrowed) are n (design point, replication) pairs. Writes each finished run with
 * nl_store_write_run. Returns a status; a failure other than the store's is the runner's to
 * report (st's message is then empty). */
typedef nl_status (*nl_run_dir_runner)(void *user, nl_store *st, const nl_design *d, const nl_run_config *cfg,
                                       const long *pairs, long n);

#define NL_RUN_DIR_MAX_OUTPUTS 40

/* Options of nl_experiment_run_dir: nl_run_dir_options_default first, then set fields. */
typedef struct nl_run_dir_options {
  int flags;          /* NL_STORE_RESET: discard a database holding a different scenario */
  int argc;           /* command line recorded in the session row and the manifest */
  char *const *argv;  /* borrowed */
  int ranks;          /* processes running the runs, recorded in the session row (default 1) */
  int check_inputs;   /* check the design's files, memory and disk first (default 1) */
  /* Called once the design is bound and old outputs removed, just before the runs (may be NULL):
   * info->total and info->pending are known (a resume message; signal handlers). */
  void (*on_start)(void *user, const nl_run_dir_info *info);
  nl_run_dir_runner runner; /* NULL: nl_experiment_run with cfg */
  /* Writes the caller's own files from the finished store in place of series.csv, summary.csv,
   * final.csv and points.csv (NULL: those): up to NL_RUN_DIR_MAX_OUTPUTS names (borrowed until
   * the manifest is written) into names, their count into *n; they are listed in the manifest.
   * A failure is the caller's to report (st's message is then empty). */
  nl_status (*outputs)(void *user, nl_store *st, const char *dir, const char **names, size_t *n);
  void *user;               /* passed to on_start, runner and outputs */
} nl_run_dir_options;

/* Defaults: no flags, no command line, one rank, inputs checked, no callbacks. */
NL_API void nl_run_dir_options_default(nl_run_dir_options *o);

/*
 * Run design d (borrowed) into results directory `dir`, as `netlearn run` does: the one run-pipeline
 * entry point of the CLI, the Python and R packages and nl_sensitivity_run_dir. Check the files
 * the design names and the memory and disk its runs need (nothing is touched when they fail),
 * create dir and its missing parents, open or create
 * dir/results.db on the store handle st (new, not yet opened; the caller frees it), bind the
 * design, remove the outputs of an earlier run (and temporaries of a killed one), run every
 * pending run (cfg: threads, progress, interrupt; seed and stop rule as from
 * nl_run_config_from_scenario), then write series.csv, summary.csv, final.csv, points.csv (or the
 * caller's files: opt->outputs) and manifest.json last. Re-running resumes: finished runs are
 * skipped. The message is on st.
 * Errors: NL_EINVAL/NL_EIO/NL_ERANGE at the input stage (a named file fails to load; the runs
 * need more memory or disk than the machine has), NL_EIO/NL_EINVAL (dir cannot be created or written),
 * those of nl_store_open (NL_EBUSY, NL_EIO, NL_EPARSE), nl_store_bind (NL_EEXIST),
 * nl_experiment_run (model errors; NL_ECANCELED: the finished runs stay committed and no
 * manifest is written), NL_EIO writing the outputs. info->stage says where it stopped.
 * opt NULL: the defaults; info (may be NULL) receives the counts and the stage reached.
 * Cost: that of nl_experiment_run plus the export, linear in the stored rows.
 */
NL_API nl_status nl_experiment_run_dir(nl_store *st, const nl_design *d, const char *dir, const nl_run_config *cfg,
                                       const nl_run_dir_options *opt, nl_run_dir_info *info);

/* Test hook: make writes fail with SQLITE_FULL once the database has `pages` pages (0 = off),
 * through SQLite's max_page_count. */
NL_API nl_status nl_store_set_max_pages(nl_store *st, long pages);

#ifdef __cplusplus
}
#endif
#endif
