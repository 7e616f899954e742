/* Tidy CSV files and a terminal summary from a results database. */
#define _POSIX_C_SOURCE 200809L
#if NL_HAVE_STORE /* otherwise store/none.c */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/format.h"
#include "core/stats.h"
#include "io/atomic.h"
#include "io/json.h"
#include "io/scenario_impl.h"
#include "netlearn/experiment.h"
#include "store/store_impl.h"

/* What a reader needs to know about a study, all from the database itself. */
typedef struct study {
  size_t nmeas;
  char **meas;      /* names, by output position */
  long *meas_id;    /* model measure index, by position */
  size_t nswept;
  char **swept;     /* swept parameter names */
  long *swept_id;
  int series;
  long maxpoint;
  char **prefix;    /* by point id: "point,<values>," (or "" without a sweep) */
  char **label;     /* by point id: "p1=0.1 p2=0.5" */
} study;

static void study_free(study *s) {
  for (size_t i = 0; i < s->nmeas; i++) nl_free(s->meas[i]);
  for (size_t i = 0; i < s->nswept; i++) nl_free(s->swept[i]);
  if (s->prefix)
    for (long i = 0; i <= s->maxpoint; i++) {
      nl_free(s->prefix[i]);
      nl_free(s->label[i]);
    }
  nl_free(s->meas);
  nl_free(s->meas_id);
  nl_free(s->swept);
  nl_free(s->swept_id);
  nl_free(s->prefix);
  nl_free(s->label);
  memset(s, 0, sizeof *s);
}

/* Append text to a growing string; -1 when out of memory. */
static int append(char **buf, size_t *len, size_t *cap, const char *text) {
  size_t n = strlen(text);
  if (nl_grow(buf, cap, *len + n + 1, 1, 64)) return -1;
  memcpy(*buf + *len, text, n + 1);
  *len += n;
  return 0;
}

/* A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
static void csv_field(char *out, size_t cap, const char *v) {
  if (!strpbrk(v, ",\"\r\n")) {
    snprintf(out, cap, "%s", v);
    return;
  }
  size_t k = 0;
  if (k + 1 < cap) out[k++] = '"';
  for (const char *p = v; *p && k + 3 < cap; p++) {
    if (*p == '"') out[k++] = '"';
    out[k++] = *p;
  }
  if (k + 1 < cap) out[k++] = '"';
  out[k] = '\0';
}

static nl_status study_load(nl_store *st, study *s) {
  memset(s, 0, sizeof *s);
  sqlite3 *db = nl_store_db(st);
  sqlite3_stmt *q = NULL;
  nl_status rs = NL_OK;
  int rc;
  char buf[64];
  rs = nl_store_query_text(st, "SELECT value FROM scenario WHERE key = 'outputs.series'", buf, sizeof buf);
  if (rs) return rs;
  s->series = strcmp(buf, "true") == 0;
  /* measures */
  rc = sqlite3_prepare_v2(db, "SELECT measure, name FROM measures ORDER BY position", -1, &q, NULL);
  size_t cap = 0;
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    size_t c2 = cap; /* two arrays, one capacity */
    if (nl_grow(&s->meas, &cap, s->nmeas + 1, sizeof *s->meas, 8) ||
        nl_grow(&s->meas_id, &c2, s->nmeas + 1, sizeof *s->meas_id, 8))
      goto nomem;
    s->meas_id[s->nmeas] = (long)sqlite3_column_int64(q, 0);
    s->meas[s->nmeas] = nl_strdup((const char *)sqlite3_column_text(q, 1));
    if (!s->meas[s->nmeas]) goto nomem;
    s->nmeas++;
  }
  if (rc != SQLITE_DONE) goto dberr;
  sqlite3_finalize(q);
  q = NULL;
  /* swept parameters */
  cap = 0;
  rc = sqlite3_prepare_v2(db, "SELECT param, name FROM parameters WHERE swept = 1 ORDER BY param", -1, &q, NULL);
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    size_t c2 = cap; /* two arrays, one capacity */
    if (nl_grow(&s->swept, &cap, s->nswept + 1, sizeof *s->swept, 8) ||
        nl_grow(&s->swept_id, &c2, s->nswept + 1, sizeof *s->swept_id, 8))
      goto nomem;
    s->swept_id[s->nswept] = (long)sqlite3_column_int64(q, 0);
    s->swept[s->nswept] = nl_strdup((const char *)sqlite3_column_text(q, 1));
    if (!s->swept[s->nswept]) goto nomem;
    s->nswept++;
  }
  if (rc != SQLITE_DONE) goto dberr;
  sqlite3_finalize(q);
  q = NULL;
  /* point prefixes */
  rc = sqlite3_prepare_v2(db, "SELECT coalesce(max(point), 0) FROM points", -1, &q, NULL);
  if ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(q)) == SQLITE_ROW) s->maxpoint = (long)sqlite3_column_int64(q, 0);
  else goto dberr;
  sqlite3_finalize(q);
  q = NULL;
  s->prefix = nl_calloc((size_t)s->maxpoint + 1, sizeof *s->prefix);
  s->label = nl_calloc((size_t)s->maxpoint + 1, sizeof *s->label);
  if (!s->prefix || !s->label) goto nomem;
  rc = sqlite3_prepare_v2(db,
                          "SELECT pp.point, pp.value FROM point_params pp JOIN parameters p USING(param) "
                          "WHERE p.swept = 1 ORDER BY pp.point, pp.param",
                          -1, &q, NULL);
  long cur = -1;
  size_t len = 0, lcap = 0, llen = 0, llcap = 0;
  size_t k = 0;
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    long pt = (long)sqlite3_column_int64(q, 0);
    const char *v = (const char *)sqlite3_column_text(q, 1);
    if (pt < 0 || pt > s->maxpoint) continue;
    char field[4200], num[32];
    if (pt != cur) {
      cur = pt;
      len = lcap = llen = llcap = 0;
      k = 0;
      snprintf(num, sizeof num, "%ld,", pt);
      if (append(&s->prefix[pt], &len, &lcap, num)) goto nomem;
    }
    csv_field(field, sizeof field, v ? v : "");
    if (append(&s->prefix[pt], &len, &lcap, field) || append(&s->prefix[pt], &len, &lcap, ",")) goto nomem;
    if (k < s->nswept) {
      if ((llen && append(&s->label[pt], &llen, &llcap, " ")) || append(&s->label[pt], &llen, &llcap, s->swept[k]) ||
          append(&s->label[pt], &llen, &llcap, "=") || append(&s->label[pt], &llen, &llcap, v ? v : ""))
        goto nomem;
    }
    k++;
  }
  if (rc != SQLITE_DONE) goto dberr;
  sqlite3_finalize(q);
  /* points without swept values (no sweep): "" prefix */
  for (long i = 0; i <= s->maxpoint; i++) {
    if (!s->prefix[i]) s->prefix[i] = nl_strdup("");
    if (!s->label[i]) s->label[i] = nl_strdup("");
    if (!s->prefix[i] || !s->label[i]) goto nomem;
    if (s->nswept == 0) s->prefix[i][0] = '\0'; /* a single scenario: the columns of `netlearn run` */
  }
  return NL_OK;
nomem:
  sqlite3_finalize(q);
  study_free(s);
  return nl_err(nl_store_errbuf(st), NL_ENOMEM, "out of memory");
dberr:
  rs = nl_store_dberr(st, rc, "reading the study");
  sqlite3_finalize(q);
  study_free(s);
  return rs;
}

static void header_prefix(FILE *f, const study *s) {
  if (!s->nswept) return;
  fputs("point,", f);
  for (size_t j = 0; j < s->nswept; j++) fprintf(f, "%s,", s->swept[j]);
}

static nl_status write_series(nl_store *st, const study *s, const char *path) {
  nl_atomic_file a;
  nl_errbuf *err = nl_store_errbuf(st);
  nl_status rs = nl_atomic_open(&a, path, err);
  if (rs) return rs;
  header_prefix(a.f, s);
  fputs("replication,period,measure,value\n", a.f);
  sqlite3_stmt *q = NULL;
  /* A run killed mid-way may have left chunks of its series (nl_store_write_chunk): then only
   * finished runs' rows are read (the join costs a lookup per row, so only then). */
  char mark[8] = "";
  if (nl_store_query_text(st, "SELECT value FROM meta WHERE key = 'partial_series'", mark, sizeof mark))
    mark[0] = '\0';
  int rc = sqlite3_prepare_v2(nl_store_db(st),
                              mark[0] ? "SELECT s.point, s.replication, s.period, m.position, s.value FROM series s "
                                        "JOIN measures m USING(measure) JOIN runs r ON r.point = s.point AND "
                                        "r.replication = s.replication AND r.status = 'done' "
                                        "ORDER BY s.point, s.replication, s.period, m.position"
                                      : "SELECT s.point, s.replication, s.period, m.position, s.value FROM series s "
                                        "JOIN measures m USING(measure) ORDER BY s.point, s.replication, s.period, "
                                        "m.position",
                              -1, &q, NULL);
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    long pt = (long)sqlite3_column_int64(q, 0);
    long pos = (long)sqlite3_column_int64(q, 3);
    if (pt < 0 || pt > s->maxpoint || pos < 0 || (size_t)pos >= s->nmeas) continue;
    fprintf(a.f, "%s%lld,%lld,%s,", s->prefix[pt], (long long)sqlite3_column_int64(q, 1),
            (long long)sqlite3_column_int64(q, 2), s->meas[pos]);
    nl_format_fput(a.f, sqlite3_column_type(q, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 4));
    fputc('\n', a.f);
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) {
    nl_atomic_abort(&a);
    return nl_store_dberr(st, rc, "reading the series");
  }
  return nl_atomic_commit(&a, err);
}

static nl_status write_final(nl_store *st, const study *s, const char *path) {
  nl_atomic_file a;
  nl_errbuf *err = nl_store_errbuf(st);
  nl_status rs = nl_atomic_open(&a, path, err);
  if (rs) return rs;
  header_prefix(a.f, s);
  fputs("replication,periods,equilibrium", a.f);
  for (size_t j = 0; j < s->nmeas; j++) fprintf(a.f, ",%s", s->meas[j]);
  fputc('\n', a.f);
  double *row = nl_malloc((s->nmeas ? s->nmeas : 1) * sizeof *row);
  if (!row) {
    nl_atomic_abort(&a);
    return nl_err(err, NL_ENOMEM, "out of memory");
  }
  sqlite3_stmt *q = NULL;
  int rc = sqlite3_prepare_v2(nl_store_db(st),
                              "SELECT r.point, r.replication, r.periods, r.equilibrium, m.position, f.value FROM runs r "
                              "JOIN final f USING(point, replication) JOIN measures m USING(measure) "
                              "WHERE r.status = 'done' ORDER BY r.point, r.replication, m.position",
                              -1, &q, NULL);
  long cur_pt = -1, cur_rep = -1, periods = 0;
  int eq = 0;
  for (;;) {
    int more = (rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(q)) == SQLITE_ROW;
    long pt = more ? (long)sqlite3_column_int64(q, 0) : -2, rep = more ? (long)sqlite3_column_int64(q, 1) : -2;
    if ((pt != cur_pt || rep != cur_rep) && cur_pt >= 0) {
      fprintf(a.f, "%s%ld,%ld,%d", s->prefix[cur_pt], cur_rep, periods, eq);
      for (size_t j = 0; j < s->nmeas; j++) {
        fputc(',', a.f);
        nl_format_fput(a.f, row[j]);
      }
      fputc('\n', a.f);
    }
    if (!more) break;
    if (pt < 0 || pt > s->maxpoint) continue;
    if (pt != cur_pt || rep != cur_rep) {
      for (size_t j = 0; j < s->nmeas; j++) row[j] = NAN;
      cur_pt = pt;
      cur_rep = rep;
      periods = (long)sqlite3_column_int64(q, 2);
      eq = sqlite3_column_int(q, 3);
    }
    long pos = (long)sqlite3_column_int64(q, 4);
    if (pos >= 0 && (size_t)pos < s->nmeas) row[pos] = sqlite3_column_double(q, 5);
  }
  sqlite3_finalize(q);
  nl_free(row);
  if (rc != SQLITE_DONE) {
    nl_atomic_abort(&a);
    return nl_store_dberr(st, rc, "reading the final measures");
  }
  return nl_atomic_commit(&a, err);
}

/* One design point's replications: rows of (period, nmeas values), grouped by replication. */
typedef struct point_rows {
  long nrep;
  size_t repcap;
  long *start; /* nrep + 1 offsets into rows */
  long rows;
  size_t rowcap, valcap; /* rows the period and the value buffers hold */
  long *period;
  double *value;
} point_rows;

static int pr_row(point_rows *p, size_t nm, long rep_changed) {
  if (rep_changed) {
    if (nl_grow(&p->start, &p->repcap, (size_t)p->nrep + 2, sizeof *p->start, 64)) return -1;
    p->start[p->nrep++] = p->rows;
  }
  size_t need = (size_t)p->rows + 1, row_bytes;
  if (nl_mul_size(nm ? nm : 1, sizeof *p->value, &row_bytes) ||
      nl_grow(&p->period, &p->rowcap, need, sizeof *p->period, 256) ||
      nl_grow(&p->value, &p->valcap, need, row_bytes, 256))
    return -1;
  p->rows++;
  return 0;
}

/* The t quantile for the last n seen: computing it is costly, and n rarely changes. */
typedef struct tcache {
  long n;
  double tq;
} tcache;

static double t975(tcache *c, long n) {
  if (n != c->n) {
    c->n = n;
    c->tq = n > 1 ? nl_t_quantile(0.975, (double)(n - 1)) : NAN;
  }
  return c->tq;
}

static void summary_line(FILE *f, tcache *tc, const char *prefix, const char *period, const char *measure,
                         const double *x, long n) {
  double mean, sd;
  nl_mean_sd(x, n, 1, &mean, &sd);
  double tq = t975(tc, n);
  double half = n > 1 ? tq * sd / sqrt((double)n) : NAN;
  fprintf(f, "%s%s,%s,%ld,", prefix, period, measure, n);
  nl_format_fput(f, mean);
  fputc(',', f);
  nl_format_fput(f, n > 1 ? sd : NAN);
  fputc(',', f);
  nl_format_fput(f, mean - half);
  fputc(',', f);
  nl_format_fput(f, mean + half);
  fputc('\n', f);
}

/* Summary over one point's replications, period by period; a replication that stopped earlier
 * contributes its last row (its final, absorbing state) to later periods. */
static int summarize_point(FILE *f, tcache *tc, const char *prefix, const study *s, const point_rows *p) {
  long n = p->nrep;
  size_t nm = s->nmeas;
  if (n == 0) return 0;
  double *x = nl_malloc((size_t)n * sizeof *x);
  long *cursor = nl_calloc((size_t)n, sizeof *cursor);
  if (!x || !cursor) {
    nl_free(x);
    nl_free(cursor);
    return -1;
  }
  for (long r = 0; r < n; r++) cursor[r] = p->start[r];
  long t = 0;
  for (;;) {
    for (long r = 0; r < n; r++)
      while (cursor[r] + 1 < p->start[r + 1] && p->period[cursor[r] + 1] <= t) cursor[r]++;
    char per[32];
    snprintf(per, sizeof per, "%ld", t);
    for (size_t j = 0; j < nm; j++) {
      for (long r = 0; r < n; r++) x[r] = p->value[(size_t)cursor[r] * nm + j];
      summary_line(f, tc, prefix, per, s->meas[j], x, n);
    }
    long next = -1;
    for (long r = 0; r < n; r++)
      if (cursor[r] + 1 < p->start[r + 1]) {
        long q = p->period[cursor[r] + 1];
        if (next < 0 || q < next) next = q;
      }
    if (next < 0) break;
    t = next;
  }
  nl_free(x);
  nl_free(cursor);
  return 0;
}

static nl_status write_summary(nl_store *st, const study *s, const char *path) {
  nl_atomic_file a;
  nl_errbuf *err = nl_store_errbuf(st);
  nl_status rs = nl_atomic_open(&a, path, err);
  if (rs) return rs;
  header_prefix(a.f, s);
  fputs("period,measure,n,mean,sd,ci_low,ci_high\n", a.f);
  point_rows p;
  memset(&p, 0, sizeof p);
  tcache tc = {-1, NAN};
  size_t nm = s->nmeas;
  sqlite3_stmt *q = NULL;
  /* Series when stored; otherwise the final state of each run, as period NA. */
  const char *sql = s->series ? "SELECT s.point, s.replication, s.period, m.position, s.value FROM series s "
                                "JOIN measures m USING(measure) ORDER BY s.point, s.replication, s.period, m.position"
                              : "SELECT f.point, f.replication, r.periods, m.position, f.value FROM final f "
                                "JOIN runs r USING(point, replication) JOIN measures m USING(measure) "
                                "WHERE r.status = 'done' ORDER BY f.point, f.replication, m.position";
  int rc = sqlite3_prepare_v2(nl_store_db(st), sql, -1, &q, NULL);
  long cur_pt = -1, cur_rep = -1, cur_per = -1;
  int oom = 0;
  for (;;) {
    int more = (rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(q)) == SQLITE_ROW;
    long pt = more ? (long)sqlite3_column_int64(q, 0) : -2;
    if (pt != cur_pt && cur_pt >= 0) {
      if (p.nrep) p.start[p.nrep] = p.rows;
      if (s->series) {
        if (summarize_point(a.f, &tc, s->prefix[cur_pt], s, &p)) oom = 1;
      } else if (p.nrep) {
        double *x = nl_malloc((size_t)p.nrep * sizeof *x);
        if (!x) oom = 1;
        for (size_t j = 0; x && j < nm; j++) {
          for (long r = 0; r < p.nrep; r++) x[r] = p.value[(size_t)p.start[r] * nm + j];
          summary_line(a.f, &tc, s->prefix[cur_pt], "NA", s->meas[j], x, p.nrep);
        }
        nl_free(x);
      }
      p.nrep = p.rows = 0;
    }
    if (!more || oom) break;
    long rep = (long)sqlite3_column_int64(q, 1), per = (long)sqlite3_column_int64(q, 2);
    long pos = (long)sqlite3_column_int64(q, 3);
    if (pt < 0 || pt > s->maxpoint || pos < 0 || (size_t)pos >= nm) continue;
    int newrep = pt != cur_pt || rep != cur_rep;
    if (newrep || per != cur_per) {
      if (pr_row(&p, nm, newrep)) {
        oom = 1;
        break;
      }
      p.period[p.rows - 1] = per;
      for (size_t j = 0; j < nm; j++) p.value[(size_t)(p.rows - 1) * nm + j] = NAN;
    }
    p.value[(size_t)(p.rows - 1) * nm + (size_t)pos] = sqlite3_column_double(q, 4);
    cur_pt = pt;
    cur_rep = rep;
    cur_per = per;
  }
  sqlite3_finalize(q);
  nl_free(p.start);
  nl_free(p.period);
  nl_free(p.value);
  if (oom) {
    nl_atomic_abort(&a);
    return nl_err(err, NL_ENOMEM, "out of memory");
  }
  if (rc != SQLITE_DONE) {
    nl_atomic_abort(&a);
    return nl_store_dberr(st, rc, "reading the results");
  }
  return nl_atomic_commit(&a, err);
}

static nl_status write_points(nl_store *st, const study *s, const char *path) {
  nl_atomic_file a;
  nl_errbuf *err = nl_store_errbuf(st);
  nl_status rs = nl_atomic_open(&a, path, err);
  if (rs) return rs;
  header_prefix(a.f, s);
  fputs("hash,runs,done\n", a.f);
  sqlite3_stmt *q = NULL;
  int rc = sqlite3_prepare_v2(nl_store_db(st),
                              "SELECT p.point, p.hash, count(r.replication), coalesce(sum(r.status = 'done'), 0) "
                              "FROM points p LEFT JOIN runs r USING(point) GROUP BY p.point ORDER BY p.point",
                              -1, &q, NULL);
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    long pt = (long)sqlite3_column_int64(q, 0);
    if (pt < 0 || pt > s->maxpoint) continue;
    fprintf(a.f, "%s%s,%lld,%lld\n", s->prefix[pt], (const char *)sqlite3_column_text(q, 1),
            (long long)sqlite3_column_int64(q, 2), (long long)sqlite3_column_int64(q, 3));
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) {
    nl_atomic_abort(&a);
    return nl_store_dberr(st, rc, "reading the design points");
  }
  return nl_atomic_commit(&a, err);
}

nl_status nl_store_export(nl_store *st, const char *dir, const char **names, size_t *nnames) {
  study s;
  *nnames = 0;
  nl_status rs = study_load(st, &s);
  if (rs) return rs;
  char path[4096];
  static const char *const files[] = {"series.csv", "summary.csv", "final.csv", "points.csv"};
  for (size_t i = 0; i < 4 && !rs; i++) {
    if (i == 0 && !s.series) continue;
    if (i == 3 && !s.nswept) continue;
    if (snprintf(path, sizeof path, "%s/%s", dir, files[i]) >= (int)sizeof path) {
      rs = nl_err(nl_store_errbuf(st), NL_EINVAL, "%s: path too long", dir);
      break;
    }
    switch (i) {
    case 0: rs = write_series(st, &s, path); break;
    case 1: rs = write_summary(st, &s, path); break;
    case 2: rs = write_final(st, &s, path); break;
    default: rs = write_points(st, &s, path); break;
    }
    if (!rs) names[(*nnames)++] = files[i];
  }
  study_free(&s);
  return rs;
}

/* ---- terminal summary ---------------------------------------------------------------------- */

nl_status nl_store_summary(nl_store *st, FILE *f, int maxmeasures) {
  study s;
  nl_status rs = study_load(st, &s);
  if (rs) return rs;
  long points = 0, done = 0, total = 0;
  rs = nl_store_counts(st, &points, &done, &total);
  char model[128] = "", seed[64] = "", until[32] = "";
  if (!rs) rs = nl_store_query_text(st, "SELECT value FROM scenario WHERE key = 'model'", model, sizeof model);
  if (!rs) rs = nl_store_query_text(st, "SELECT value FROM scenario WHERE key = 'seed'", seed, sizeof seed);
  if (!rs) rs = nl_store_query_text(st, "SELECT value FROM scenario WHERE key = 'stop.until'", until, sizeof until);
  if (rs) {
    study_free(&s);
    return rs;
  }
  size_t nm = s.nmeas < (size_t)(maxmeasures > 0 ? maxmeasures : 1) ? s.nmeas : (size_t)(maxmeasures > 0 ? maxmeasures : 1);
  fprintf(f, "%s, seed %s: %ld design points, %ld of %ld runs done%s\n", model, seed, points, done, total,
          done == total ? "" : " (re-run the same command to finish)");
  /* header */
  fprintf(f, "%5s", "point");
  for (size_t j = 0; j < s.nswept; j++) fprintf(f, " %10.10s", s.swept[j]);
  fprintf(f, " %7s %9s", "runs", until[0] == 'e' ? "equil." : "periods");
  for (size_t j = 0; j < nm; j++) fprintf(f, "  %-26.26s", s.meas[j]);
  fputc('\n', f);
  fprintf(f, "%5s", "");
  for (size_t j = 0; j < s.nswept; j++) fprintf(f, " %10s", "");
  fprintf(f, " %7s %9s", "", until[0] == 'e' ? "reached" : "mean");
  for (size_t j = 0; j < nm; j++) fprintf(f, "  %-26s", "mean [95% CI]");
  fputc('\n', f);

  sqlite3 *db = nl_store_db(st);
  sqlite3_stmt *pq = NULL, *vq = NULL, *fq = NULL;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT p.point, count(r.replication), coalesce(sum(r.status = 'done'), 0), "
                              "coalesce(sum(r.equilibrium), 0), avg(r.periods) "
                              "FROM points p LEFT JOIN runs r USING(point) GROUP BY p.point ORDER BY p.point",
                              -1, &pq, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db,
                            "SELECT pp.value FROM point_params pp JOIN parameters p USING(param) "
                            "WHERE pp.point = ? AND p.swept = 1 ORDER BY pp.param",
                            -1, &vq, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db,
                            "SELECT f.value FROM final f JOIN runs r USING(point, replication) "
                            "WHERE f.point = ? AND f.measure = ? AND r.status = 'done' ORDER BY f.replication",
                            -1, &fq, NULL);
  double *x = NULL;
  size_t xcap = 0;
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(pq)) == SQLITE_ROW) {
    long pt = (long)sqlite3_column_int64(pq, 0);
    long nruns = (long)sqlite3_column_int64(pq, 1), ndone = (long)sqlite3_column_int64(pq, 2);
    long neq = (long)sqlite3_column_int64(pq, 3);
    double mper = sqlite3_column_double(pq, 4);
    fprintf(f, "%5ld", pt);
    sqlite3_bind_int64(vq, 1, pt);
    for (size_t j = 0; j < s.nswept; j++) {
      if (sqlite3_step(vq) == SQLITE_ROW) fprintf(f, " %10.10s", (const char *)sqlite3_column_text(vq, 0));
      else fprintf(f, " %10s", "-");
    }
    sqlite3_reset(vq);
    char runs[32], per[32];
    snprintf(runs, sizeof runs, "%ld/%ld", ndone, nruns);
    if (until[0] == 'e') snprintf(per, sizeof per, "%ld", neq);
    else snprintf(per, sizeof per, "%.1f", mper);
    fprintf(f, " %7s %9s", runs, ndone ? per : "-");
    for (size_t j = 0; j < nm; j++) {
      long n = 0;
      sqlite3_bind_int64(fq, 1, pt);
      sqlite3_bind_int64(fq, 2, s.meas_id[j]);
      while ((rc = sqlite3_step(fq)) == SQLITE_ROW) {
        if (nl_grow(&x, &xcap, (size_t)n + 1, sizeof *x, 64)) {
          rc = SQLITE_NOMEM;
          break;
        }
        x[n++] = sqlite3_column_double(fq, 0);
      }
      sqlite3_reset(fq);
      if (rc != SQLITE_DONE) break;
      rc = SQLITE_OK;
      char cell[64];
      if (n == 0) snprintf(cell, sizeof cell, "-");
      else {
        double mean, sd;
        nl_mean_sd(x, n, 1, &mean, &sd);
        if (n > 1) {
          double half = nl_t_quantile(0.975, (double)(n - 1)) * sd / sqrt((double)n);
          snprintf(cell, sizeof cell, "%.4f [%.4f, %.4f]", mean, mean - half, mean + half);
        } else {
          snprintf(cell, sizeof cell, "%.4f", mean);
        }
      }
      fprintf(f, "  %-26s", cell);
    }
    if (rc != SQLITE_OK) break;
    fputc('\n', f);
  }
  if (rc != SQLITE_DONE) rs = nl_store_dberr(st, rc, "reading the study");
  nl_free(x);
  sqlite3_finalize(pq);
  sqlite3_finalize(vq);
  sqlite3_finalize(fq);
  study_free(&s);
  return rs;
}

/* ---- manifest and headline numbers ------------------------------------------------------------ */

nl_status nl_store_final_means(nl_store *st, size_t max, char (*names)[64], double *means, size_t *n, long *runs,
                               long *equilibrium) {
  *n = 0;
  *runs = *equilibrium = 0;
  sqlite3_stmt *q = NULL;
  int rc = sqlite3_prepare_v2(nl_store_db(st),
                              "SELECT m.name, avg(f.value) FROM measures m LEFT JOIN final f USING(measure) "
                              "GROUP BY m.measure ORDER BY m.position",
                              -1, &q, NULL);
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    if (*n < max) {
      snprintf(names[*n], 64, "%s", (const char *)sqlite3_column_text(q, 0));
      means[*n] = sqlite3_column_type(q, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(q, 1);
      (*n)++;
    }
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return nl_store_dberr(st, rc, "reading the final measures");
  q = NULL;
  rc = sqlite3_prepare_v2(nl_store_db(st),
                          "SELECT count(*), coalesce(sum(equilibrium), 0) FROM runs WHERE status = 'done'", -1, &q, NULL);
  if ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    *runs = (long)sqlite3_column_int64(q, 0);
    *equilibrium = (long)sqlite3_column_int64(q, 1);
    rc = SQLITE_DONE;
  }
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? NL_OK : nl_store_dberr(st, rc, "counting runs");
}

nl_status nl_store_write_manifest(nl_store *st, const char *path, const nl_design *d, int argc, char *const *argv,
                                  const char *const *outputs, size_t noutputs) {
  nl_errbuf *err = nl_store_errbuf(st);
  long points = 0, done = 0, total = 0;
  nl_status rs = nl_store_counts(st, &points, &done, &total);
  if (rs) return rs;
  long eq = 0;
  char buf[64];
  rs = nl_store_query_text(st, "SELECT coalesce(sum(equilibrium), 0) FROM runs WHERE status = 'done'", buf, sizeof buf);
  if (rs) return rs;
  eq = atol(buf);
  /* The CSV files hold every finished run in the database, which may be more than this design
   * asks for (replications narrowed, points dropped): the manifest says what the files hold. */
  rs = nl_store_query_text(st,
                           "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM runs WHERE status = 'done' "
                           "GROUP BY point)",
                           buf, sizeof buf);
  if (rs) return rs;
  long maxreps = atol(buf);
  const nl_scenario *sc = nl_design_scenario(d);
  nl_atomic_file a;
  rs = nl_atomic_open(&a, path, err);
  if (rs) return rs;
  nl_json j;
  nl_json_init(&j, a.f);
  nl_json_obj_begin(&j);
  nl_json_key(&j, "netlearn_version");
  nl_json_str(&j, nl_version());
  nl_json_key(&j, "status");
  nl_json_str(&j, done == total ? "complete" : "incomplete");
  nl_json_key_strs(&j, "command_line", (const char *const *)argv, argc > 0 ? (size_t)argc : 0);
  nl_json_key(&j, "scenario");
  nl_scenario_json(sc, &j);
  nl_json_key(&j, "design");
  nl_json_obj_begin(&j);
  nl_json_key(&j, "kind");
  nl_json_str(&j, nl_design_kind_name(nl_scenario_design(sc)));
  nl_json_key(&j, "points");
  nl_json_int(&j, (long long)nl_design_npoints(d));
  nl_json_key(&j, "replications_per_point");
  nl_json_int(&j, nl_design_replications(d));
  nl_json_key(&j, "swept");
  nl_json_arr_begin(&j);
  for (size_t k = 0; k < nl_design_nswept(d); k++)
    nl_json_str(&j, nl_model_param(nl_scenario_model(sc), nl_design_swept(d, k))->name);
  nl_json_arr_end(&j);
  nl_json_obj_end(&j);
  nl_json_key(&j, "database");
  nl_json_str(&j, "results.db");
  nl_json_key(&j, "database_points");
  nl_json_int(&j, points);
  nl_json_key(&j, "replications_run");
  nl_json_int(&j, done);
  nl_json_key(&j, "replications_at_equilibrium");
  nl_json_int(&j, eq);
  nl_json_key(&j, "outputs_max_replications_per_point");
  nl_json_int(&j, maxreps);
  nl_json_key_strs(&j, "outputs", outputs, noutputs);
  nl_json_obj_end(&j);
  fputc('\n', a.f);
  return nl_atomic_commit(&a, err);
}
#endif /* NL_HAVE_STORE */
