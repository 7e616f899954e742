/*
 * The results store: one SQLite database per study (schema in docs/database.md).
 *
 * One writer: the connection runs in WAL mode with an exclusive lock held until it closes, and
 * every finished run is one transaction, so a crash or kill -9 loses at most the runs that were
 * being computed. Tables whose rows depend only on the scenario (scenario, parameters, measures,
 * points, point_params, runs, final, series) are keyed by (point, replication, ...) and are
 * WITHOUT ROWID, so their content and order do not depend on the order runs finished in; the
 * sessions table and the columns seconds, worker, session, finished of runs hold what does (wall
 * times, threads, command lines). Timings live in runs so that a run's commit touches few pages.
 */
#define _POSIX_C_SOURCE 200809L
#if NL_HAVE_STORE /* otherwise store/none.c */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/model_impl.h"
#include "core/stats.h"
#include "io/atomic.h"
#include "io/json.h"
#include "netlearn/experiment.h"
#include "store/store_impl.h"

#define SCHEMA_VERSION "1"

struct nl_store {
  sqlite3 *db;
  char *path;
  int readonly;
  const nl_design *d; /* bound design (borrowed) */
  long *point_id;     /* database id of each design point */
  size_t nsel;
  size_t sel[256]; /* stored measures (model indices), in output order */
  int series;
  int partial; /* chunks of unfinished runs may be in the series table (meta key partial_series) */
  long session;
  sqlite3_stmt *upd_run, *ins_final, *ins_series, *begin, *commit;
  nl_errbuf err;
};

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS scenario(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS parameters(param INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,\n"
    "  type TEXT NOT NULL, swept INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE IF NOT EXISTS measures(measure INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,\n"
    "  position INTEGER NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS points(point INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, hash TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS point_params(point INTEGER NOT NULL, param INTEGER NOT NULL, value TEXT NOT NULL,\n"
    "  num REAL, PRIMARY KEY(point, param)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS runs(point INTEGER NOT NULL, replication INTEGER NOT NULL, run_id TEXT NOT NULL,\n"
    "  seed TEXT NOT NULL, status TEXT NOT NULL, periods INTEGER, equilibrium INTEGER,\n"
    "  seconds REAL, worker INTEGER, session INTEGER, finished REAL,\n"
    "  PRIMARY KEY(point, replication)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS final(point INTEGER NOT NULL, replication INTEGER NOT NULL,\n"
    "  measure INTEGER NOT NULL, value REAL, PRIMARY KEY(point, replication, measure)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS series(point INTEGER NOT NULL, replication INTEGER NOT NULL,\n"
    "  period INTEGER NOT NULL, measure INTEGER NOT NULL, value REAL,\n"
    "  PRIMARY KEY(point, replication, period, measure)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS sessions(session INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT,\n"
    "  status TEXT NOT NULL, netlearn_version TEXT NOT NULL, command_line TEXT NOT NULL, threads INTEGER,\n"
    "  ranks INTEGER, scenario_json TEXT);\n"
    "CREATE VIEW IF NOT EXISTS series_named AS SELECT s.point, s.replication, s.period, m.name AS measure, s.value\n"
    "  FROM series s JOIN measures m USING(measure);\n"
    "CREATE VIEW IF NOT EXISTS final_named AS SELECT f.point, f.replication, m.name AS measure, f.value\n"
    "  FROM final f JOIN measures m USING(measure);\n"
    "CREATE VIEW IF NOT EXISTS point_values AS SELECT pp.point, p.name AS parameter, pp.value, pp.num\n"
    "  FROM point_params pp JOIN parameters p USING(param);\n";

nl_store *nl_store_new(void) { return nl_calloc(1, sizeof(nl_store)); }

static void finalize_all(nl_store *st) {
  sqlite3_finalize(st->upd_run);
  sqlite3_finalize(st->ins_final);
  sqlite3_finalize(st->ins_series);
  sqlite3_finalize(st->begin);
  sqlite3_finalize(st->commit);
  st->upd_run = st->ins_final = st->ins_series = st->begin = st->commit = NULL;
}

void nl_store_free(nl_store *st) {
  if (!st) return;
  finalize_all(st);
  sqlite3_close(st->db);
  nl_free(st->path);
  nl_free(st->point_id);
  nl_free(st);
}

const char *nl_store_errmsg(const nl_store *st) { return NL_ERRMSG_OF(st); }

/* A message for an SQLite failure that says what to do about the common ones. */
static nl_status db_err(nl_store *st, int rc, const char *what) {
  const char *path = st->path ? st->path : "database";
  const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
  case SQLITE_FULL:
    return nl_err(&st->err, NL_EIO, "%s: %s: disk full (or file size limit reached): %s; finished runs are kept",
                  path, what, msg);
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return nl_err(&st->err, NL_EBUSY,
                  "%s: another netlearn run is writing this database (it is locked); wait for it to finish", path);
  case SQLITE_READONLY:
    return nl_err(&st->err, NL_EIO, "%s: %s: the database is read-only: %s", path, what, msg);
  case SQLITE_CANTOPEN:
    return nl_err(&st->err, NL_EIO, "%s: cannot open the database: %s", path, msg);
  case SQLITE_NOTADB:
  case SQLITE_CORRUPT:
    return nl_err(&st->err, NL_EPARSE, "%s: not a netlearn results database (%s)", path, msg);
  case SQLITE_NOMEM: return nl_err(&st->err, NL_ENOMEM, "out of memory");
  case SQLITE_IOERR: {
    int e = st->db ? sqlite3_system_errno(st->db) : 0;
    int ext = st->db ? sqlite3_extended_errcode(st->db) : rc;
    /* A failed write is almost always a full disk, a quota or a file size limit (EFBIG); SQLite
     * does not always keep the errno. */
    if (e == ENOSPC || e == EFBIG || e == EDQUOT || (ext == SQLITE_IOERR_WRITE && e == 0))
      return nl_err(&st->err, NL_EIO, "%s: %s: disk full (or file size limit reached): %s; finished runs are kept",
                    path, what, e ? strerror(e) : msg);
    return nl_err(&st->err, NL_EIO, "%s: %s: %s%s%s", path, what, msg, e ? ": " : "", e ? strerror(e) : "");
  }
  default: return nl_err(&st->err, NL_EIO, "%s: %s: %s", path, what, msg);
  }
}

static nl_status exec(nl_store *st, const char *sql, const char *what) {
  int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? NL_OK : db_err(st, rc, what);
}

static nl_status prepare(nl_store *st, const char *sql, sqlite3_stmt **stmt) {
  int rc = sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL);
  return rc == SQLITE_OK ? NL_OK : db_err(st, rc, "preparing a query");
}

static void rollback(nl_store *st) {
  if (!sqlite3_get_autocommit(st->db)) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Text of column c of a one-row query, copied into buf; "" when there is no row. */
static nl_status query_text(nl_store *st, const char *sql, const char *arg, char *buf, size_t cap) {
  sqlite3_stmt *s = NULL;
  nl_status rs = prepare(st, sql, &s);
  if (rs) return rs;
  if (arg) sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
  buf[0] = '\0';
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    const unsigned char *t = sqlite3_column_text(s, 0);
    snprintf(buf, cap, "%s", t ? (const char *)t : "");
  } else if (rc != SQLITE_DONE) {
    rs = db_err(st, rc, "reading the database");
  }
  sqlite3_finalize(s);
  return rs;
}

/* What the file at st->path holds, read under the lock this connection takes: 1 a netlearn
 * database, 0 an empty file (no tables), -1 something else (message set). */
static nl_status classify(nl_store *st, int *kind) {
  char n[32], app[64] = "";
  nl_status s = query_text(st, "SELECT count(*) FROM sqlite_master", NULL, n, sizeof n);
  if (s) return s;
  if (atol(n) == 0) {
    *kind = 0;
    return NL_OK;
  }
  s = query_text(st, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'", NULL, n, sizeof n);
  if (!s && atol(n) > 0) s = query_text(st, "SELECT value FROM meta WHERE key='application'", NULL, app, sizeof app);
  if (s) return s;
  *kind = strcmp(app, "netlearn") == 0 ? 1 : -1;
  if (*kind < 0) return nl_err(&st->err, NL_EPARSE, "%s: not a netlearn results database (it holds other tables)", st->path);
  return NL_OK;
}

/* Read-only access to a WAL database needs its -shm file; in a directory we cannot write (an
 * archive, a colleague's results) open it as immutable instead: nobody can be writing there. */
static int open_immutable(nl_store *st) {
  char *uri = NULL;
  size_t len = strlen(st->path) * 3 + 32;
  uri = nl_malloc(len);
  if (!uri) return SQLITE_NOMEM;
  size_t k = (size_t)snprintf(uri, len, "file:");
  for (const char *c = st->path; *c; c++) {
    if (*c == '?' || *c == '#' || *c == '%') k += (size_t)snprintf(uri + k, len - k, "%%%02X", (unsigned char)*c);
    else uri[k++] = *c;
  }
  snprintf(uri + k, len - k, "?immutable=1");
  sqlite3_close(st->db);
  st->db = NULL;
  int rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
  nl_free(uri);
  return rc;
}

nl_status nl_store_open_handle(nl_store *st, const char *path, int flags, int busy_ms) {
  nl_err_clear(&st->err);
  if (st->db) return nl_err(&st->err, NL_EINVAL, "store already open");
  st->path = nl_strdup(path);
  if (!st->path) return nl_err(&st->err, NL_ENOMEM, "out of memory");
  st->readonly = (flags & NL_STORE_READONLY) != 0;
  /* No SQLite mutexes: callers serialize every use of a store (one writer). */
  int oflags = SQLITE_OPEN_NOMUTEX |
               (st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | ((flags & NL_STORE_CREATE) ? SQLITE_OPEN_CREATE : 0));
  int rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
  if (rc != SQLITE_OK) {
    if (rc == SQLITE_CANTOPEN && st->readonly)
      return nl_err(&st->err, NL_EIO, "%s: cannot open the database: no such file or not readable", path);
    return db_err(st, rc, "opening the database");
  }
  sqlite3_busy_timeout(st->db, busy_ms > 0 ? busy_ms : 0);
  sqlite3_extended_result_codes(st->db, 0);
  nl_status s;
  int kind = 0;
  if (!st->readonly) {
    if (sqlite3_db_readonly(st->db, "main") == 1)
      return nl_err(&st->err, NL_EIO, "%s: the database is read-only: cannot record runs (check its permissions)",
                    path);
    /* Exclusive: the single writer keeps the lock until it closes; WAL without shared memory then,
     * which also works on network file systems. The lock is taken first and the file checked under
     * it, so nothing another run is writing, and nothing that is not netlearn's, is changed or
     * emptied (NL_STORE_RESET). */
    s = exec(st, "PRAGMA locking_mode=EXCLUSIVE", "setting the locking mode");
    if (!s) s = exec(st, "BEGIN EXCLUSIVE", "locking the database");
    if (!s) s = classify(st, &kind);
    if (!s) s = exec(st, "COMMIT", "locking the database");
    if (s) {
      rollback(st);
      return s;
    }
    if ((flags & NL_STORE_RESET) && kind == 1) {
      /* Emptied in place, under the lock still held (SQLite's documented reset). */
      sqlite3_db_config(st->db, SQLITE_DBCONFIG_RESET_DATABASE, 1, 0);
      s = exec(st, "VACUUM", "emptying the database");
      sqlite3_db_config(st->db, SQLITE_DBCONFIG_RESET_DATABASE, 0, 0);
      if (s) return s;
    }
    char mode[32];
    s = query_text(st, "PRAGMA journal_mode=WAL", NULL, mode, sizeof mode);
    if (s) return s;
    /* NORMAL sync: a committed run survives a crash of the process; a power cut may lose the last
     * runs, never the database's consistency. Checkpoints copy each page's last version once:
     * fewer of them for pages every run updates. */
    s = exec(st, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768; PRAGMA wal_autocheckpoint=10000",
             "setting synchronous mode");
    if (!s) s = exec(st, "BEGIN EXCLUSIVE", "locking the database");
    if (!s) s = exec(st, schema_sql, "creating the tables");
    if (!s) s = exec(st, "INSERT OR IGNORE INTO meta VALUES('application','netlearn');"
                         "INSERT OR IGNORE INTO meta VALUES('schema_version','" SCHEMA_VERSION "');",
                     "creating the tables");
    if (!s) s = exec(st, "COMMIT", "creating the tables");
    if (s) {
      rollback(st);
      return s;
    }
  } else {
    s = classify(st, &kind);
    if (s && (sqlite3_errcode(st->db) == SQLITE_CANTOPEN || sqlite3_errcode(st->db) == SQLITE_READONLY)) {
      rc = open_immutable(st);
      if (rc != SQLITE_OK) return db_err(st, rc, "opening the database");
      nl_err_clear(&st->err);
      s = classify(st, &kind);
    }
    if (s) return s;
    if (kind == 0) return nl_err(&st->err, NL_EPARSE, "%s: not a netlearn results database (it is empty)", path);
  }
  char ver[64];
  s = query_text(st, "SELECT value FROM meta WHERE key='schema_version'", NULL, ver, sizeof ver);
  if (s) return s;
  if (strcmp(ver, SCHEMA_VERSION) != 0)
    return nl_err(&st->err, NL_EPARSE, "%s: database schema version %s, this netlearn reads version %s", path, ver,
                  SCHEMA_VERSION);
  return NL_OK;
}

nl_status nl_store_set_max_pages(nl_store *st, long pages) {
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA max_page_count=%ld", pages > 0 ? pages : 1073741823L);
  char out[32];
  return query_text(st, sql, NULL, out, sizeof out);
}

/* ---- binding a design ------------------------------------------------------------------------- */

/* The settings that decide a run's results, apart from its point's parameters. */
typedef struct kv {
  char key[160];
  char value[4096];
} kv;

static size_t scenario_settings(const nl_design *d, kv *out, size_t cap) {
  const nl_scenario *sc = nl_design_scenario(d);
  const nl_model *m = nl_scenario_model(sc);
  size_t n = 0;
#define KV(k, ...)                                                                                                     \
  do {                                                                                                                 \
    if (n < cap) {                                                                                                     \
      snprintf(out[n].key, sizeof out[n].key, "%s", k);                                                                \
      snprintf(out[n].value, sizeof out[n].value, __VA_ARGS__);                                                        \
      n++;                                                                                                             \
    }                                                                                                                  \
  } while (0)
  KV("model", "%s", m->name);
  KV("seed", "%" PRIu64, nl_scenario_seed(sc));
  KV("stop.until", "%s", nl_scenario_until(sc) == NL_UNTIL_EQUILIBRIUM ? "equilibrium" : "periods");
  KV("stop.periods", "%ld", nl_scenario_periods(sc));
  KV("outputs.series", "%s", nl_scenario_series(sc) ? "true" : "false");
  KV("outputs.every", "%ld", nl_scenario_every(sc));
  char list[4096] = "";
  for (size_t i = 0; i < nl_scenario_nmeasures(sc); i++) {
    size_t len = strlen(list);
    snprintf(list + len, sizeof list - len, "%s%s", i ? "," : "", m->measures[nl_scenario_measure(sc, i)].name);
  }
  KV("outputs.measures", "%s", list);
  for (size_t i = 0; i < m->nparams; i++) {
    char key[160], val[4096];
    snprintf(key, sizeof key, "parameters.%s", m->params[i].name);
    nl_params_format(nl_scenario_params(sc), i, val, sizeof val);
    KV(key, "%s", val);
  }
#undef KV
  return n;
}

/* Compare with the stored scenario, or record it in a new database. */
static nl_status bind_scenario(nl_store *st, const nl_design *d) {
  enum { CAP = 512 };
  kv *set = nl_malloc(CAP * sizeof *set);
  if (!set) return nl_err(&st->err, NL_ENOMEM, "out of memory");
  size_t n = scenario_settings(d, set, CAP);
  sqlite3_stmt *q = NULL;
  nl_status s = prepare(st, "SELECT key, value FROM scenario ORDER BY key", &q);
  long stored = 0;
  int rc;
  while (!s && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    stored++;
    const char *k = (const char *)sqlite3_column_text(q, 0), *v = (const char *)sqlite3_column_text(q, 1);
    size_t i = 0;
    while (i < n && strcmp(set[i].key, k)) i++;
    if (i == n)
      s = nl_err(&st->err, NL_EEXIST, "%s holds results of a different scenario: it has '%s' = %s, which this one lacks",
                 st->path, k, v);
    else if (strcmp(set[i].value, v))
      s = nl_err(&st->err, NL_EEXIST, "%s holds results of a different scenario: '%s' is %s there, %s here", st->path,
                 k, v, set[i].value);
  }
  if (!s && rc != SQLITE_DONE) s = db_err(st, rc, "reading the scenario");
  sqlite3_finalize(q);
  q = NULL;
  if (!s && stored > 0 && (size_t)stored != n)
    s = nl_err(&st->err, NL_EEXIST, "%s holds results of a different scenario (%ld settings there, %zu here)",
               st->path, stored, n);
  if (!s && stored == 0) {
    s = prepare(st, "INSERT INTO scenario(key, value) VALUES(?, ?)", &q);
    for (size_t i = 0; !s && i < n; i++) {
      sqlite3_bind_text(q, 1, set[i].key, -1, SQLITE_STATIC);
      sqlite3_bind_text(q, 2, set[i].value, -1, SQLITE_STATIC);
      rc = sqlite3_step(q);
      if (rc != SQLITE_DONE) s = db_err(st, rc, "recording the scenario");
      sqlite3_reset(q);
    }
    sqlite3_finalize(q);
  }
  nl_free(set);
  return s;
}

static const char *type_text(nl_param_type t) {
  switch (t) {
  case NL_PARAM_INT: return "int";
  case NL_PARAM_REAL: return "real";
  case NL_PARAM_BOOL: return "bool";
  case NL_PARAM_CHOICE: return "choice";
  case NL_PARAM_STRING: return "string";
  }
  return "?";
}

static nl_status bind_tables(nl_store *st, const nl_design *d) {
  const nl_scenario *sc = nl_design_scenario(d);
  const nl_model *m = nl_scenario_model(sc);
  sqlite3_stmt *q = NULL;
  nl_status s = prepare(st, "INSERT OR IGNORE INTO parameters(param, name, type, swept) VALUES(?, ?, ?, 0)", &q);
  for (size_t i = 0; !s && i < m->nparams; i++) {
    sqlite3_bind_int64(q, 1, (sqlite3_int64)i);
    sqlite3_bind_text(q, 2, m->params[i].name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, type_text(m->params[i].type), -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_DONE) s = db_err(st, rc, "recording the parameters");
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  q = NULL;
  if (!s) s = prepare(st, "UPDATE parameters SET swept = 1 WHERE param = ?", &q);
  for (size_t j = 0; !s && j < nl_design_nswept(d); j++) {
    sqlite3_bind_int64(q, 1, (sqlite3_int64)nl_design_swept(d, j));
    int rc = sqlite3_step(q);
    if (rc != SQLITE_DONE) s = db_err(st, rc, "recording the parameters");
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  q = NULL;
  if (!s) s = prepare(st, "INSERT OR IGNORE INTO measures(measure, name, position) VALUES(?, ?, ?)", &q);
  for (size_t j = 0; !s && j < st->nsel; j++) {
    sqlite3_bind_int64(q, 1, (sqlite3_int64)st->sel[j]);
    sqlite3_bind_text(q, 2, m->measures[st->sel[j]].name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)j);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_DONE) s = db_err(st, rc, "recording the measures");
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  return s;
}

/* Points by key: existing ones keep their id, new ones get the next ids in design order. */
static nl_status bind_points(nl_store *st, const nl_design *d) {
  const nl_model *m = nl_scenario_model(nl_design_scenario(d));
  sqlite3_stmt *find = NULL, *ins = NULL, *insp = NULL, *insr = NULL, *maxq = NULL;
  nl_status s = prepare(st, "SELECT point FROM points WHERE key = ?", &find);
  if (!s) s = prepare(st, "INSERT INTO points(point, key, hash) VALUES(?, ?, ?)", &ins);
  if (!s) s = prepare(st, "INSERT INTO point_params(point, param, value, num) VALUES(?, ?, ?, ?)", &insp);
  if (!s)
    s = prepare(st, "INSERT OR IGNORE INTO runs(point, replication, run_id, seed, status) VALUES(?, ?, ?, ?, 'pending')",
                &insr);
  if (!s) s = prepare(st, "SELECT coalesce(max(point), 0) FROM points", &maxq);
  long next = 1;
  if (!s) {
    if (sqlite3_step(maxq) == SQLITE_ROW) next = (long)sqlite3_column_int64(maxq, 0) + 1;
    else s = db_err(st, sqlite3_errcode(st->db), "reading the design points");
  }
  char seed[32];
  snprintf(seed, sizeof seed, "%" PRIu64, nl_scenario_seed(nl_design_scenario(d)));
  for (size_t i = 0; !s && i < nl_design_npoints(d); i++) {
    const char *key = nl_design_key(d, i);
    long reps = nl_design_point_replications(d, i);
    sqlite3_bind_text(find, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(find);
    long id = -1;
    if (rc == SQLITE_ROW) id = (long)sqlite3_column_int64(find, 0);
    else if (rc != SQLITE_DONE) s = db_err(st, rc, "reading the design points");
    sqlite3_reset(find);
    if (s) break;
    char hash[24];
    snprintf(hash, sizeof hash, "%016" PRIx64, nl_point_hash(key));
    if (id < 0) {
      id = next++;
      sqlite3_bind_int64(ins, 1, id);
      sqlite3_bind_text(ins, 2, key, -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 3, hash, -1, SQLITE_STATIC);
      rc = sqlite3_step(ins);
      sqlite3_reset(ins);
      if (rc != SQLITE_DONE) {
        s = db_err(st, rc, "recording the design points");
        break;
      }
      const nl_params *p = nl_design_params(d, i);
      for (size_t k = 0; k < m->nparams && !s; k++) {
        char val[4096];
        nl_params_format(p, k, val, sizeof val);
        sqlite3_bind_int64(insp, 1, id);
        sqlite3_bind_int64(insp, 2, (sqlite3_int64)k);
        sqlite3_bind_text(insp, 3, val, -1, SQLITE_TRANSIENT);
        if (m->params[k].type == NL_PARAM_STRING) sqlite3_bind_null(insp, 4);
        else sqlite3_bind_double(insp, 4, nl_params_get(p, k));
        rc = sqlite3_step(insp);
        sqlite3_reset(insp);
        if (rc != SQLITE_DONE) s = db_err(st, rc, "recording the design points");
      }
    }
    st->point_id[i] = id;
    for (long r = 0; r < reps && !s; r++) {
      char run_id[48];
      snprintf(run_id, sizeof run_id, "%s-%ld", hash, r);
      sqlite3_bind_int64(insr, 1, id);
      sqlite3_bind_int64(insr, 2, r);
      sqlite3_bind_text(insr, 3, run_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insr, 4, seed, -1, SQLITE_STATIC);
      rc = sqlite3_step(insr);
      sqlite3_reset(insr);
      if (rc != SQLITE_DONE) s = db_err(st, rc, "recording the runs");
    }
  }
  sqlite3_finalize(find);
  sqlite3_finalize(ins);
  sqlite3_finalize(insp);
  sqlite3_finalize(insr);
  sqlite3_finalize(maxq);
  return s;
}

static char *scenario_json_text(const nl_scenario *sc) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  nl_scenario_write_json(sc, f);
  fclose(f);
  return buf; /* malloc'd by the C library: free() */
}

nl_status nl_store_bind(nl_store *st, const nl_design *d, int argc, char *const *argv, int threads, int ranks) {
  nl_err_clear(&st->err);
  if (!st->db || st->readonly) return nl_err(&st->err, NL_EINVAL, "store not open for writing");
  const nl_scenario *sc = nl_design_scenario(d);
  finalize_all(st);
  nl_free(st->point_id);
  st->point_id = nl_calloc(nl_design_npoints(d) ? nl_design_npoints(d) : 1, sizeof *st->point_id);
  if (!st->point_id) return nl_err(&st->err, NL_ENOMEM, "out of memory");
  st->d = d;
  st->nsel = nl_scenario_nmeasures(sc);
  if (st->nsel > 256) st->nsel = 256;
  for (size_t j = 0; j < st->nsel; j++) st->sel[j] = nl_scenario_measure(sc, j);
  st->series = nl_scenario_series(sc);

  nl_status s = exec(st, "BEGIN", "starting a transaction");
  if (!s) s = bind_scenario(st, d);
  if (!s) s = bind_tables(st, d);
  if (!s) s = bind_points(st, d);
  if (!s) {
    char cmd[8192] = "";
    for (int i = 0; i < argc; i++) {
      size_t len = strlen(cmd);
      snprintf(cmd + len, sizeof cmd - len, "%s%s", i ? " " : "", argv[i]);
    }
    char *json = scenario_json_text(sc);
    sqlite3_stmt *q = NULL;
    s = prepare(st,
                "INSERT INTO sessions(started, status, netlearn_version, command_line, threads, ranks, scenario_json) "
                "VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'), 'running', ?, ?, ?, ?, ?)",
                &q);
    if (!s) {
      sqlite3_bind_text(q, 1, nl_version(), -1, SQLITE_STATIC);
      sqlite3_bind_text(q, 2, cmd, -1, SQLITE_STATIC);
      sqlite3_bind_int(q, 3, threads);
      sqlite3_bind_int(q, 4, ranks);
      if (json) sqlite3_bind_text(q, 5, json, -1, SQLITE_STATIC);
      int rc = sqlite3_step(q);
      if (rc != SQLITE_DONE) s = db_err(st, rc, "recording the session");
      st->session = (long)sqlite3_last_insert_rowid(st->db);
    }
    sqlite3_finalize(q);
    free(json); /* open_memstream's buffer, the C library's: plain free */
  }
  if (!s) s = exec(st, "COMMIT", "recording the design");
  if (!s) s = nl_store_drop_partial(st); /* chunks of runs a kill interrupted */
  if (s) {
    rollback(st);
    return s;
  }
  s = prepare(st,
              "UPDATE runs SET status = 'done', periods = ?, equilibrium = ?, seconds = ?, worker = ?, session = ?, "
              "finished = ? WHERE point = ? AND replication = ? AND status = 'pending'",
              &st->upd_run);
  if (!s) s = prepare(st, "INSERT INTO final(point, replication, measure, value) VALUES(?, ?, ?, ?)", &st->ins_final);
  if (!s)
    s = prepare(st, "INSERT INTO series(point, replication, period, measure, value) VALUES(?, ?, ?, ?, ?)",
                &st->ins_series);
  if (!s) s = prepare(st, "BEGIN", &st->begin);
  if (!s) s = prepare(st, "COMMIT", &st->commit);
  return s;
}

nl_status nl_store_pending(nl_store *st, long **pairs, long *n, long *total) {
  *pairs = NULL;
  *n = 0;
  *total = 0;
  if (!st->d) return nl_err(&st->err, NL_EINVAL, "no design bound to the store");
  const nl_design *d = st->d;
  long reps = nl_design_replications(d), sum = 0;
  size_t np = nl_design_npoints(d);
  for (size_t i = 0; i < np; i++) {
    long ri = nl_design_point_replications(d, i);
    if (ri > reps) reps = ri;
    sum += ri;
  }
  size_t cap;
  if (nl_mul_size(np, (size_t)reps * 2, &cap)) return nl_err(&st->err, NL_ERANGE, "too many runs");
  long *out = nl_malloc((cap ? cap : 1) * sizeof *out); /* the caller frees it with nl_free */
  unsigned char *done = nl_calloc((size_t)reps, 1);
  sqlite3_stmt *q = NULL;
  nl_status s = (!out || !done) ? nl_err(&st->err, NL_ENOMEM, "out of memory") : NL_OK;
  if (!s) s = prepare(st, "SELECT replication FROM runs WHERE point = ? AND status = 'done'", &q);
  long k = 0;
  for (size_t i = 0; !s && i < np; i++) {
    memset(done, 0, (size_t)reps);
    sqlite3_bind_int64(q, 1, st->point_id[i]);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
      long r = (long)sqlite3_column_int64(q, 0);
      if (r >= 0 && r < reps) done[r] = 1;
    }
    if (rc != SQLITE_DONE) s = db_err(st, rc, "reading the runs");
    sqlite3_reset(q);
    for (long r = 0; r < nl_design_point_replications(d, i); r++)
      if (!done[r]) {
        out[2 * k] = (long)i;
        out[2 * k + 1] = r;
        k++;
      }
  }
  sqlite3_finalize(q);
  nl_free(done);
  if (s) {
    nl_free(out);
    return s;
  }
  *pairs = out;
  *n = k;
  *total = sum;
  return NL_OK;
}

/* rec's rows into the series table (inside the caller's transaction). */
static nl_status insert_series(nl_store *st, sqlite3_int64 pid, const nl_run_record *rec) {
  for (long k = 0; k < rec->rows; k++)
    for (size_t j = 0; j < st->nsel; j++) {
      sqlite3_bind_int64(st->ins_series, 1, pid);
      sqlite3_bind_int64(st->ins_series, 2, rec->replication);
      sqlite3_bind_int64(st->ins_series, 3, rec->period[k]);
      sqlite3_bind_int64(st->ins_series, 4, (sqlite3_int64)st->sel[j]);
      sqlite3_bind_double(st->ins_series, 5, rec->value[(size_t)k * rec->nmeasures + st->sel[j]]);
      int rc = sqlite3_step(st->ins_series);
      sqlite3_reset(st->ins_series);
      if (rc != SQLITE_DONE) return db_err(st, rc, "writing a run's series");
    }
  return NL_OK;
}

nl_status nl_store_write_chunk(nl_store *st, const nl_run_record *rec) {
  if (!st->d || !st->upd_run) return nl_err(&st->err, NL_EINVAL, "no design bound to the store");
  if (rec->point >= nl_design_npoints(st->d) || rec->rows < 0) return nl_err(&st->err, NL_EINVAL, "invalid run record");
  if (!st->series || rec->rows == 0) return NL_OK;
  int rc = sqlite3_step(st->begin);
  sqlite3_reset(st->begin);
  if (rc != SQLITE_DONE) return db_err(st, rc, "starting a transaction");
  /* The mark goes in with the first chunk: a kill before the run's end leaves both, and the next
   * bind removes the chunks of runs still pending. */
  nl_status s = st->partial ? NL_OK
                            : exec(st, "INSERT OR REPLACE INTO meta VALUES('partial_series', '1')", "writing a run's series");
  if (!s) s = insert_series(st, st->point_id[rec->point], rec);
  if (!s) {
    rc = sqlite3_step(st->commit);
    sqlite3_reset(st->commit);
    if (rc != SQLITE_DONE) s = db_err(st, rc, "committing a run's series");
  }
  if (s) {
    rollback(st);
    return s;
  }
  st->partial = 1;
  return NL_OK;
}

nl_status nl_store_drop_partial(nl_store *st) {
  if (!st->db || st->readonly) return NL_OK;
  if (!st->partial) {
    char mark[8];
    nl_status s = query_text(st, "SELECT value FROM meta WHERE key = 'partial_series'", NULL, mark, sizeof mark);
    if (s || !mark[0]) return s;
  }
  nl_status s = exec(st,
                     "BEGIN; DELETE FROM series WHERE (point, replication) IN "
                     "(SELECT point, replication FROM runs WHERE status = 'pending'); "
                     "DELETE FROM meta WHERE key = 'partial_series'; COMMIT",
                     "removing the series of unfinished runs");
  if (s) {
    rollback(st);
    return s;
  }
  st->partial = 0;
  return NL_OK;
}

void nl_store_drop_partial_quietly(nl_store *st) {
  if (!st->partial) return;
  nl_errbuf keep = st->err;
  if (nl_store_drop_partial(st)) st->err = keep;
}

nl_status nl_store_write_run(nl_store *st, const nl_run_record *rec) {
  if (!st->d || !st->upd_run) return nl_err(&st->err, NL_EINVAL, "no design bound to the store");
  if (rec->point >= nl_design_npoints(st->d) || rec->rows < 1)
    return nl_err(&st->err, NL_EINVAL, "invalid run record");
  sqlite3_int64 pid = st->point_id[rec->point];
  nl_status s = NL_OK;
  int rc = sqlite3_step(st->begin);
  sqlite3_reset(st->begin);
  if (rc != SQLITE_DONE) return db_err(st, rc, "starting a transaction");
  sqlite3_bind_int64(st->upd_run, 1, rec->periods_run);
  sqlite3_bind_int(st->upd_run, 2, rec->equilibrium);
  sqlite3_bind_double(st->upd_run, 3, rec->seconds);
  sqlite3_bind_int(st->upd_run, 4, rec->worker);
  sqlite3_bind_int64(st->upd_run, 5, st->session);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  sqlite3_bind_double(st->upd_run, 6, (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec);
  sqlite3_bind_int64(st->upd_run, 7, pid);
  sqlite3_bind_int64(st->upd_run, 8, rec->replication);
  rc = sqlite3_step(st->upd_run);
  sqlite3_reset(st->upd_run);
  if (rc != SQLITE_DONE) {
    s = db_err(st, rc, "writing a run");
    goto fail;
  }
  if (sqlite3_changes(st->db) != 1) {
    s = nl_err(&st->err, NL_EINTERNAL, "run %ld of point %lld is not pending (written twice?)", rec->replication,
               (long long)pid);
    goto fail;
  }
  const double *fin = rec->value + (size_t)(rec->rows - 1) * rec->nmeasures;
  for (size_t j = 0; j < st->nsel; j++) {
    sqlite3_bind_int64(st->ins_final, 1, pid);
    sqlite3_bind_int64(st->ins_final, 2, rec->replication);
    sqlite3_bind_int64(st->ins_final, 3, (sqlite3_int64)st->sel[j]);
    sqlite3_bind_double(st->ins_final, 4, fin[st->sel[j]]);
    rc = sqlite3_step(st->ins_final);
    sqlite3_reset(st->ins_final);
    if (rc != SQLITE_DONE) {
      s = db_err(st, rc, "writing a run");
      goto fail;
    }
  }
  if (st->series && (s = insert_series(st, pid, rec))) goto fail;
  rc = sqlite3_step(st->commit);
  sqlite3_reset(st->commit);
  if (rc != SQLITE_DONE) {
    s = db_err(st, rc, "committing a run");
    goto fail;
  }
  return NL_OK;
fail:
  rollback(st);
  return s;
}

nl_status nl_store_finish(nl_store *st) {
  if (!st->db || st->readonly || !st->session) return NL_OK;
  nl_store_drop_partial_quietly(st);
  sqlite3_stmt *q = NULL;
  nl_status s = prepare(st,
                        "UPDATE sessions SET finished = strftime('%Y-%m-%dT%H:%M:%SZ','now'), status = "
                        "CASE WHEN EXISTS(SELECT 1 FROM runs WHERE status = 'pending') THEN 'incomplete' "
                        "ELSE 'complete' END WHERE session = ?",
                        &q);
  if (!s) {
    sqlite3_bind_int64(q, 1, st->session);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_DONE) s = db_err(st, rc, "closing the session");
  }
  sqlite3_finalize(q);
  return s;
}

nl_status nl_store_counts(nl_store *st, long *points, long *done, long *total) {
  sqlite3_stmt *q = NULL;
  nl_status s = prepare(st,
                        "SELECT (SELECT count(*) FROM points), (SELECT count(*) FROM runs WHERE status = 'done'), "
                        "(SELECT count(*) FROM runs)",
                        &q);
  if (s) return s;
  int rc = sqlite3_step(q);
  if (rc == SQLITE_ROW) {
    *points = (long)sqlite3_column_int64(q, 0);
    *done = (long)sqlite3_column_int64(q, 1);
    *total = (long)sqlite3_column_int64(q, 2);
  } else {
    s = db_err(st, rc, "counting runs");
  }
  sqlite3_finalize(q);
  return s;
}

sqlite3 *nl_store_db(nl_store *st) { return st->db; }
long nl_store_point_id(const nl_store *st, size_t i) {
  return st->d && i < nl_design_npoints(st->d) ? st->point_id[i] : -1;
}
nl_errbuf *nl_store_errbuf(nl_store *st) { return &st->err; }
nl_status nl_store_dberr(nl_store *st, int rc, const char *what) { return db_err(st, rc, what); }
nl_status nl_store_query_text(nl_store *st, const char *sql, char *buf, size_t cap) {
  return query_text(st, sql, NULL, buf, cap);
}
#endif /* NL_HAVE_STORE */
