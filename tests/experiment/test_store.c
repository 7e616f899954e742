/* The results store: resume equals an uninterrupted run, extension keeps old runs, a changed
 * scenario is refused, disk full and locks fail cleanly with finished runs intact. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "experiment/dbdump.h"
#include "netlearn/experiment.h"
#include "netlearn/netlearn.h"

static char tmpdir[] = "/tmp/nl_storeXXXXXX";

static const char *base = "model: march1991\nstop: {until: periods, periods: 25}\n"
                          "outputs: {every: 5, measures: [code_knowledge, diversity]}\n";

typedef struct study {
  nl_scenario *sc;
  nl_design *d;
  nl_store *st;
} study;

static void path_of(char *buf, size_t cap, const char *name) { snprintf(buf, cap, "%s/%s", tmpdir, name); }

/* Open study `db` for base + body (seed 11, p2 = 0.5 unless set) with reps replications; returns
 * what opening and binding the store returned. */
static nl_status open_study_with(study *s, const char *db, const char *body, int reps, const char *seed,
                                 const char *p2) {
  char text[2048], path[256];
  snprintf(text, sizeof text, "%sreplications: %d\n%s", base, reps, body);
  s->sc = nl_scenario_new();
  s->d = nl_design_new();
  s->st = NULL;
  if (nl_scenario_load_string(s->sc, text, "t.yaml")) fail_msg("%s", nl_scenario_errmsg(s->sc));
  if (nl_scenario_set(s->sc, "seed", seed) || nl_scenario_set(s->sc, "p2", p2)) fail_msg("%s", nl_scenario_errmsg(s->sc));
  if (nl_design_build(s->d, s->sc, 0)) fail_msg("%s", nl_design_errmsg(s->d));
  path_of(path, sizeof path, db);
  nl_status st = nl_store_open(path, NL_STORE_CREATE, 100, &s->st);
  if (st) return st;
  char *argv[] = {"test", NULL};
  return nl_store_bind(s->st, s->d, 1, argv, 1, 1);
}

static nl_status open_study(study *s, const char *db, const char *body, int reps) {
  return open_study_with(s, db, body, reps, "11", "0.5");
}

static void close_study(study *s) {
  nl_store_free(s->st);
  nl_design_free(s->d);
  nl_scenario_free(s->sc);
  memset(s, 0, sizeof *s);
}

static void run_all(study *s, int threads) {
  long *pairs = NULL, n = 0, total = 0;
  assert_int_equal(nl_store_pending(s->st, &pairs, &n, &total), NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, s->sc);
  cfg.threads = threads;
  nl_status st = nl_experiment_run(s->st, s->d, &cfg, pairs, n);
  if (st) fail_msg("%s", nl_store_errmsg(s->st));
  nl_free(pairs);
}

/* Run the first k pending runs one by one; returns how many were written before a failure. */
static long run_some(study *s, long k, nl_status *fail) {
  long *pairs = NULL, n = 0, total = 0, done = 0;
  assert_int_equal(nl_store_pending(s->st, &pairs, &n, &total), NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, s->sc);
  nl_worker *w = nl_worker_new(s->d, &cfg);
  nl_run_record rec;
  nl_run_record_init(&rec);
  *fail = NL_OK;
  for (long i = 0; i < n && i < k; i++) {
    assert_int_equal(nl_worker_run(w, (size_t)pairs[2 * i], pairs[2 * i + 1], &rec), NL_OK);
    *fail = nl_store_write_run(s->st, &rec);
    if (*fail) break;
    done++;
  }
  nl_run_record_clear(&rec);
  nl_worker_free(w);
  nl_free(pairs);
  return done;
}

static char *dump(const char *db) {
  char path[256];
  path_of(path, sizeof path, db);
  char *d = dbdump(path);
  assert_non_null(d);
  return d;
}

static const char *grid = "sweep:\n  parameters:\n    p1: [0.1, 0.5, 0.9]\n";

static void test_resume_equals_uninterrupted(void **state) {
  (void)state;
  study a, b;
  assert_int_equal(open_study(&a, "full.db", grid, 5), NL_OK);
  run_all(&a, 2);
  close_study(&a);
  /* Stop after 6 runs (as a kill would: the store is simply gone), then resume. */
  assert_int_equal(open_study(&b, "resumed.db", grid, 5), NL_OK);
  nl_status fail;
  assert_int_equal(run_some(&b, 6, &fail), 6);
  close_study(&b);
  assert_int_equal(open_study(&b, "resumed.db", grid, 5), NL_OK);
  long *pairs = NULL, n = 0, total = 0;
  assert_int_equal(nl_store_pending(b.st, &pairs, &n, &total), NL_OK);
  assert_int_equal(n, 9);
  assert_int_equal(total, 15);
  nl_free(pairs);
  run_all(&b, 1);
  long points, done, all;
  assert_int_equal(nl_store_counts(b.st, &points, &done, &all), NL_OK);
  assert_int_equal(points, 3);
  assert_int_equal(done, 15);
  close_study(&b);
  char *x = dump("full.db"), *y = dump("resumed.db");
  assert_string_equal(x, y);
  free(x);
  free(y);
}

/* A run's results depend only on its parameters, the seed and the replication: the same numbers
 * as nl_results_run for that design point. */
static void test_same_as_replications(void **state) {
  (void)state;
  study a;
  assert_int_equal(open_study(&a, "same.db", grid, 4), NL_OK);
  run_all(&a, 2);
  nl_results *r = nl_results_new();
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, a.sc);
  cfg.threads = 1;
  assert_int_equal(nl_results_run(r, nl_design_params(a.d, 2), &cfg), NL_OK);
  char path[256];
  path_of(path, sizeof path, "same.db");
  close_study(&a);
  for (long rep = 0; rep < 4; rep++) {
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT CAST(round(value * 1e12) AS INTEGER) FROM final WHERE point = 3 AND replication = %ld AND measure = 0",
             rep);
    long v = dbcount(path, sql);
    assert_int_equal(v, (long)llround(nl_results_final(r, rep)[0] * 1e12));
  }
  nl_results_free(r);
}

static void test_extension_keeps_runs(void **state) {
  (void)state;
  study a;
  assert_int_equal(open_study(&a, "ext.db", "sweep:\n  parameters:\n    p1: [0.1, 0.5]\n", 3), NL_OK);
  run_all(&a, 2);
  close_study(&a);
  char *before = dump("ext.db");
  /* More values and more replications: only the new runs are pending. */
  assert_int_equal(open_study(&a, "ext.db", "sweep:\n  parameters:\n    p1: [0.1, 0.5, 0.9]\n", 4), NL_OK);
  long *pairs = NULL, n = 0, total = 0;
  assert_int_equal(nl_store_pending(a.st, &pairs, &n, &total), NL_OK);
  assert_int_equal(n, 12 - 6);
  assert_int_equal(total, 12);
  nl_free(pairs);
  run_all(&a, 2);
  close_study(&a);
  /* The extended study equals a fresh run of the larger design... */
  assert_int_equal(open_study(&a, "fresh.db", "sweep:\n  parameters:\n    p1: [0.1, 0.5, 0.9]\n", 4), NL_OK);
  run_all(&a, 1);
  close_study(&a);
  char *after = dump("ext.db"), *fresh = dump("fresh.db");
  assert_string_equal(after, fresh);
  /* ...and every final row of the first study is still there, unchanged. */
  char *p = strstr(before, "## SELECT * FROM final");
  char *q = strstr(before, "## SELECT * FROM series");
  assert_non_null(p);
  assert_non_null(q);
  for (char *line = strchr(p, '\n') + 1; line < q;) {
    char *end = strchr(line, '\n');
    char row[256];
    snprintf(row, sizeof row, "\n%.*s\n", (int)(end - line), line);
    if (!strstr(after, row)) fail_msg("final row %s changed after extending the study", row);
    line = end + 1;
  }
  free(before);
  free(after);
  free(fresh);
}

static void test_changed_scenario_refused(void **state) {
  (void)state;
  study a;
  assert_int_equal(open_study(&a, "chg.db", grid, 2), NL_OK);
  close_study(&a);
  /* Another seed: refused, naming the difference. */
  assert_int_equal(open_study_with(&a, "chg.db", "sweep:\n  parameters:\n    p1: [0.1]\n", 2, "12", "0.5"), NL_EEXIST);
  assert_non_null(strstr(nl_store_errmsg(a.st), "holds results of a different scenario: 'seed' is 11 there, 12 here"));
  close_study(&a);
  /* Another base parameter: refused. */
  assert_int_equal(open_study_with(&a, "chg.db", "sweep:\n  parameters:\n    p1: [0.1]\n", 2, "11", "0.9"), NL_EEXIST);
  assert_non_null(strstr(nl_store_errmsg(a.st), "'parameters.p2' is 0.5 there, 0.9 here"));
  close_study(&a);
}

static void test_disk_full(void **state) {
  (void)state;
  study a;
  assert_int_equal(open_study(&a, "full2.db", grid, 40), NL_OK);
  char path[256];
  path_of(path, sizeof path, "full2.db");
  /* The database may grow by only a few pages: writes then fail as on a full disk. */
  assert_int_equal(nl_store_set_max_pages(a.st, 12), NL_OK);
  nl_status fail;
  long written = run_some(&a, 1000, &fail);
  assert_int_equal(fail, NL_EIO);
  assert_non_null(strstr(nl_store_errmsg(a.st), "disk full"));
  assert_true(written > 0);
  assert_true(written < 120);
  close_study(&a);
  /* Exactly the runs reported written are there, complete; the rest finish later. */
  assert_int_equal(dbcount(path, "SELECT count(*) FROM runs WHERE status = 'done'"), written);
  assert_int_equal(dbcount(path, "SELECT count(*) FROM final"), written * 2);
  assert_int_equal(open_study(&a, "full2.db", grid, 40), NL_OK);
  run_all(&a, 2);
  close_study(&a);
  assert_int_equal(open_study(&a, "full3.db", grid, 40), NL_OK);
  run_all(&a, 1);
  close_study(&a);
  char *x = dump("full2.db"), *y = dump("full3.db");
  assert_string_equal(x, y);
  free(x);
  free(y);
}

static void test_locked_and_foreign(void **state) {
  (void)state;
  study a, b;
  assert_int_equal(open_study(&a, "lock.db", grid, 2), NL_OK);
  /* A second writer waits 100 ms for the lock, then gives up with a clear message. */
  nl_status st = open_study(&b, "lock.db", grid, 2);
  assert_int_equal(st, NL_EBUSY);
  assert_non_null(strstr(nl_store_errmsg(b.st), "another netlearn run is writing this database"));
  close_study(&b);
  close_study(&a);
  /* Not a netlearn database. */
  char path[256];
  path_of(path, sizeof path, "text.db");
  FILE *f = fopen(path, "w");
  fputs("this is not a database, just a text file that happens to be long enough to matter\n", f);
  fclose(f);
  nl_store *s = NULL;
  assert_int_not_equal(nl_store_open(path, NL_STORE_READONLY, 0, &s), NL_OK);
  assert_non_null(strstr(nl_store_errmsg(s), "not a netlearn results database"));
  nl_store_free(s);
  path_of(path, sizeof path, "other.db");
  sqlite3 *db = NULL;
  sqlite3_open(path, &db);
  sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
  sqlite3_close(db);
  s = NULL;
  assert_int_equal(nl_store_open(path, NL_STORE_READONLY, 0, &s), NL_EPARSE);
  assert_non_null(strstr(nl_store_errmsg(s), "not a netlearn results database"));
  nl_store_free(s);
  s = NULL;
  assert_int_equal(nl_store_open("/nonexistent/dir/x.db", NL_STORE_READONLY, 0, &s), NL_EIO);
  assert_non_null(s); /* the handle is returned on failure, holding the message */
  assert_non_null(strstr(nl_store_errmsg(s), "/nonexistent/dir/x.db"));
  nl_store_free(s);
}

/* Interruption: the poll is called inside the runs, from both threads; a stop asked at the first
 * commit lets the other thread's run finish, and that run is committed (it used to be simulated
 * to the end, then thrown away). */
typedef struct poll_state {
  pthread_mutex_t mu;
  pthread_t first;
  int nseen; /* distinct threads seen polling: 0, 1 or 2 */
  long polls;
} poll_state;

static int poll_cb(void *user) {
  poll_state *p = user;
  pthread_mutex_lock(&p->mu);
  p->polls++;
  if (p->nseen == 0) {
    p->first = pthread_self();
    p->nseen = 1;
  } else if (p->nseen == 1 && !pthread_equal(p->first, pthread_self())) {
    p->nseen = 2;
  }
  pthread_mutex_unlock(&p->mu);
  return 0;
}

static int stop_when_both_running(void *user, long done, long total) {
  (void)total;
  poll_state *p = user;
  if (done != 1) return 1;
  struct timespec ts = {0, 1000 * 1000};
  for (int i = 0; i < 5000; i++) {
    pthread_mutex_lock(&p->mu);
    int both = p->nseen == 2;
    pthread_mutex_unlock(&p->mu);
    if (both) break;
    nanosleep(&ts, NULL);
  }
  return 1;
}

static void test_interrupt_commits_finished_runs(void **state) {
  (void)state;
  study a;
  assert_int_equal(open_study(&a, "intr.db", "", 6), NL_OK);
  long *pairs = NULL, n = 0, total = 0;
  assert_int_equal(nl_store_pending(a.st, &pairs, &n, &total), NL_OK);
  assert_int_equal(n, 6);
  poll_state ps;
  memset(&ps, 0, sizeof ps);
  pthread_mutex_init(&ps.mu, NULL);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, a.sc);
  cfg.threads = 2;
  cfg.interrupt = poll_cb;
  cfg.interrupt_user = &ps;
  cfg.progress = stop_when_both_running;
  cfg.progress_user = &ps;
  assert_int_equal(nl_experiment_run(a.st, a.d, &cfg, pairs, n), NL_ECANCELED);
  assert_int_equal(ps.nseen, 2);
  /* 25 periods, polled every NL_INTERRUPT_EVERY inside each run (and once before each run). */
  assert_true(ps.polls >= 2 * (1 + 25 / NL_INTERRUPT_EVERY));
  assert_non_null(strstr(nl_store_errmsg(a.st), "interrupted after 2 of 6 runs; the finished runs are kept"));
  long pts, done, tot;
  assert_int_equal(nl_store_counts(a.st, &pts, &done, &tot), NL_OK);
  assert_int_equal(done, 2);
  nl_free(pairs);
  pthread_mutex_destroy(&ps.mu);
  close_study(&a);
}

/* An interrupt poll that says stop ends a run within NL_INTERRUPT_EVERY periods: nothing recorded. */
static int stop_at_once(void *user) {
  long *calls = user;
  return ++*calls >= 2; /* the check before the run passes, the first one inside the run stops it */
}

static void test_interrupt_inside_a_run(void **state) {
  (void)state;
  study a;
  assert_int_equal(open_study(&a, "intr2.db", "", 3), NL_OK);
  long *pairs = NULL, n = 0, total = 0, calls = 0;
  assert_int_equal(nl_store_pending(a.st, &pairs, &n, &total), NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, a.sc);
  cfg.threads = 1;
  cfg.interrupt = stop_at_once;
  cfg.interrupt_user = &calls;
  assert_int_equal(nl_experiment_run(a.st, a.d, &cfg, pairs, n), NL_ECANCELED);
  assert_int_equal(calls, 2);
  long pts, done, tot;
  assert_int_equal(nl_store_counts(a.st, &pts, &done, &tot), NL_OK);
  assert_int_equal(done, 0);
  nl_free(pairs);
  close_study(&a);
}

/* ---- series streamed in chunks ----------------------------------------------------------------- */

typedef struct chunk_log {
  nl_store *st; /* NULL: only count */
  long chunks, most;
} chunk_log;

static nl_status log_chunk(void *user, const nl_run_record *rec) {
  chunk_log *c = user;
  c->chunks++;
  if (rec->rows > c->most) c->most = rec->rows;
  return c->st ? nl_store_write_chunk(c->st, rec) : NL_OK;
}

static long count_rows(const char *db, const char *sql) {
  char path[256];
  path_of(path, sizeof path, db);
  sqlite3 *h = NULL;
  long n = -1;
  sqlite3_stmt *q = NULL;
  if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(h, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
    n = (long)sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  sqlite3_close(h);
  return n;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = calloc(1 << 20, 1);
  size_t n = fread(buf, 1, (1 << 20) - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* A run's series goes to the store in chunks of at most chunk_rows rows (a run holds no more in
 * memory), and the database is the same as with one write per run, on 1 or 2 threads. A run
 * killed after some of its chunks: readers skip them, the next bind removes them, and the resumed
 * database is again the same. */
static void test_series_in_chunks(void **state) {
  (void)state;
  study a, b;
  assert_int_equal(open_study(&a, "whole.db", grid, 4), NL_OK);
  run_all(&a, 1);
  close_study(&a);
  for (int threads = 1; threads <= 2; threads++) {
    char name[32];
    snprintf(name, sizeof name, "chunks%d.db", threads);
    assert_int_equal(open_study(&b, name, grid, 4), NL_OK);
    long *pairs = NULL, n = 0, total = 0;
    assert_int_equal(nl_store_pending(b.st, &pairs, &n, &total), NL_OK);
    nl_run_config cfg;
    nl_run_config_from_scenario(&cfg, b.sc);
    cfg.threads = threads;
    cfg.chunk_rows = 2; /* 6 rows a run: two chunks of 2, the last 2 with the run */
    assert_int_equal(nl_experiment_run(b.st, b.d, &cfg, pairs, n), NL_OK);
    nl_free(pairs);
    close_study(&b);
    char *x = dump("whole.db"), *y = dump(name);
    assert_string_equal(x, y);
    free(x);
    free(y);
    assert_int_equal(count_rows(name, "SELECT count(*) FROM meta WHERE key = 'partial_series'"), 0);
  }

  /* The worker hands over chunks of exactly chunk_rows rows and keeps at most that many. */
  assert_int_equal(open_study(&b, "killed.db", grid, 4), NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, b.sc);
  nl_worker *w = nl_worker_new(b.d, &cfg);
  chunk_log log = {b.st, 0, 0};
  nl_worker_set_chunks(w, 2, log_chunk, &log);
  nl_run_record rec;
  nl_run_record_init(&rec);
  assert_int_equal(nl_worker_run(w, 0, 0, &rec), NL_OK);
  assert_int_equal(log.chunks, 2);
  assert_int_equal(log.most, 2);
  assert_int_equal(rec.rows, 2);
  assert_int_equal(rec.period[1], 25); /* the last row stays: the final measures */
  assert_int_equal(nl_store_write_run(b.st, &rec), NL_OK);
  /* Point 1, replication 0: two chunks written, then the process is "killed" (store closed). */
  assert_int_equal(nl_worker_run(w, 1, 0, &rec), NL_OK);
  assert_int_equal(log.chunks, 4);
  nl_run_record_clear(&rec);
  nl_worker_free(w);
  close_study(&b);
  assert_int_equal(count_rows("killed.db", "SELECT count(*) FROM series WHERE point = 2"), 4 * 2);
  assert_int_equal(count_rows("killed.db", "SELECT count(*) FROM meta WHERE key = 'partial_series'"), 1);
  /* A reader's series.csv holds the finished run only (6 periods x 2 measures + header). */
  char path[256], dir[256];
  path_of(path, sizeof path, "killed.db");
  path_of(dir, sizeof dir, "");
  nl_store *r = NULL;
  assert_int_equal(nl_store_open(path, NL_STORE_READONLY, 100, &r), NL_OK);
  const char *names[8];
  size_t nnames = 0;
  assert_int_equal(nl_store_export(r, dir, names, &nnames), NL_OK);
  nl_store_free(r);
  path_of(path, sizeof path, "series.csv");
  char *csv = slurp(path);
  assert_non_null(csv);
  long lines = 0;
  for (char *c = csv; *c; c++) lines += *c == '\n';
  assert_int_equal(lines, 1 + 6 * 2);
  free(csv);
  /* Resume: the chunks of the unfinished run are gone at bind; the result equals the whole run. */
  assert_int_equal(open_study(&b, "killed.db", grid, 4), NL_OK);
  close_study(&b);
  assert_int_equal(count_rows("killed.db", "SELECT count(*) FROM series WHERE point = 2"), 0);
  assert_int_equal(count_rows("killed.db", "SELECT count(*) FROM meta WHERE key = 'partial_series'"), 0);
  assert_int_equal(open_study(&b, "killed.db", grid, 4), NL_OK);
  run_all(&b, 2);
  close_study(&b);
  char *x = dump("whole.db"), *y = dump("killed.db");
  assert_string_equal(x, y);
  free(x);
  free(y);
}

static void test_record_pack(void **state) {
  (void)state;
  study a;
  assert_int_equal(open_study(&a, "pack.db", grid, 1), NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, a.sc);
  nl_worker *w = nl_worker_new(a.d, &cfg);
  nl_run_record rec, back;
  nl_run_record_init(&rec);
  nl_run_record_init(&back);
  assert_int_equal(nl_worker_run(w, 1, 0, &rec), NL_OK);
  assert_int_equal(rec.rows, 6); /* periods 0, 5, ..., 25 */
  size_t size = 0;
  nl_run_record_pack(&rec, NULL, &size);
  unsigned char *buf = malloc(size);
  nl_run_record_pack(&rec, buf, &size);
  assert_int_equal(nl_run_record_unpack(&back, buf, size), NL_OK);
  assert_int_equal(back.point, 1);
  assert_int_equal(back.rows, rec.rows);
  assert_int_equal(back.periods_run, 25);
  assert_memory_equal(back.value, rec.value, (size_t)rec.rows * rec.nmeasures * sizeof(double));
  assert_int_equal(nl_run_record_unpack(&back, buf, size - 1), NL_EPARSE);
  assert_int_equal(nl_run_record_unpack(&back, buf, 10), NL_EPARSE);
  free(buf);
  nl_run_record_clear(&rec);
  nl_run_record_clear(&back);
  nl_worker_free(w);
  close_study(&a);
}

static int setup(void **state) {
  (void)state;
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_resume_equals_uninterrupted),
      cmocka_unit_test(test_series_in_chunks),
      cmocka_unit_test(test_same_as_replications),
      cmocka_unit_test(test_extension_keeps_runs),
      cmocka_unit_test(test_changed_scenario_refused),
      cmocka_unit_test(test_disk_full),
      cmocka_unit_test(test_locked_and_foreign),
      cmocka_unit_test(test_record_pack),
      cmocka_unit_test(test_interrupt_commits_finished_runs),
      cmocka_unit_test(test_interrupt_inside_a_run),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
