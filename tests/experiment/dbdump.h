#ifndef NL_TEST_DBDUMP_H
#define NL_TEST_DBDUMP_H
/*
 * Canonical text of a results database for comparisons: every row of every table whose content
 * depends only on the scenario (scenario, parameters, measures, points, point_params, runs, final,
 * series), in key order, reals to 17 significant digits. Left out on purpose: the sessions table
 * and the timing columns of runs (seconds, worker, session, finished: wall times, command lines,
 * threads, ranks), and SQLite's page layout. This is what
 * "identical databases" means in the tests and docs/database.md.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dbdump_queries[] = {
    "SELECT * FROM scenario ORDER BY key",
    "SELECT * FROM parameters ORDER BY param",
    "SELECT * FROM measures ORDER BY measure",
    "SELECT * FROM points ORDER BY point",
    "SELECT * FROM point_params ORDER BY point, param",
    "SELECT point, replication, run_id, seed, status, periods, equilibrium FROM runs ORDER BY point, replication",
    "SELECT * FROM final ORDER BY point, replication, measure",
    "SELECT * FROM series ORDER BY point, replication, period, measure",
};

/* The dump as a malloc'd string (caller frees), or NULL when the database cannot be read. */
static char *dbdump(const char *path) {
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return NULL;
  }
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  int ok = 1;
  for (size_t q = 0; ok && q < sizeof dbdump_queries / sizeof dbdump_queries[0]; q++) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, dbdump_queries[q], -1, &s, NULL) != SQLITE_OK) {
      ok = 0;
      break;
    }
    fprintf(f, "## %s\n", dbdump_queries[q]);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(s); c++) {
        if (c) fputc('|', f);
        switch (sqlite3_column_type(s, c)) {
        case SQLITE_NULL: fputs("NULL", f); break;
        case SQLITE_INTEGER: fprintf(f, "%lld", (long long)sqlite3_column_int64(s, c)); break;
        case SQLITE_FLOAT: fprintf(f, "%.17g", sqlite3_column_double(s, c)); break;
        default: fprintf(f, "'%s'", (const char *)sqlite3_column_text(s, c)); break;
        }
      }
      fputc('\n', f);
    }
    if (rc != SQLITE_DONE) ok = 0;
    sqlite3_finalize(s);
  }
  fclose(f);
  sqlite3_close(db);
  if (!ok) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* Count of rows of a query's first column (e.g. "SELECT count(*) FROM runs WHERE status='done'"). */
static long dbcount(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  long n = -1;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

#endif
