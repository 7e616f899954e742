/*
 * Figures from the results of `netlearn run`: everything comes from summary.csv (mean, sd and
 * 95% t interval over replications per design point, period and measure; a replication that
 * stopped early contributes its final state to later periods, so a point's last row is the
 * mean over the runs' final states). A results database is exported to a temporary directory
 * with the store's own exporter, so both inputs give identical figures.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/stats.h"
#include "netlearn/experiment.h"
#include "plot/plot_impl.h"
#include "plot/table.h"

struct nl_plot_source {
  nl_strtab *sum;
  char label[512];   /* the path as the user gave it, for messages */
  long c_point, c_period, c_measure, c_n, c_mean, c_ci_low, c_ci_high;
  size_t nparams;
  long *c_param;     /* columns of the swept parameters */
  const char **param;
  size_t nmeas;
  const char **meas;
  size_t npoints;
  long *point_id;
  size_t *point_row; /* first row of each point */
  int *selected;
  nl_errbuf err;
};


static void source_clear(nl_plot_source *s) {
  nl_strtab_free(s->sum);
  nl_free(s->c_param);
  nl_free(s->param);
  nl_free(s->meas);
  nl_free(s->point_id);
  nl_free(s->point_row);
  nl_free(s->selected);
  s->sum = NULL;
  s->c_param = NULL;
  s->param = s->meas = NULL;
  s->point_id = NULL;
  s->point_row = NULL;
  s->selected = NULL;
  s->nparams = s->nmeas = s->npoints = 0;
}

void nl_plot_source_free(nl_plot_source *s) {
  if (!s) return;
  source_clear(s);
  nl_free(s);
}

const char *nl_plot_source_errmsg(const nl_plot_source *s) { return NL_ERRMSG_OF(s); }
size_t nl_plot_source_nmeasures(const nl_plot_source *s) { return s ? s->nmeas : 0; }
const char *nl_plot_source_measure(const nl_plot_source *s, size_t i) { return s && i < s->nmeas ? s->meas[i] : NULL; }
size_t nl_plot_source_nparams(const nl_plot_source *s) { return s ? s->nparams : 0; }
const char *nl_plot_source_param(const nl_plot_source *s, size_t i) { return s && i < s->nparams ? s->param[i] : NULL; }
size_t nl_plot_source_npoints(const nl_plot_source *s) { return s ? s->npoints : 0; }

/* "did you mean 'x'? (one of: a, b, c)" into buf. */
static void suggest(char *buf, size_t cap, const char *name, const char *const *names, size_t n) {
  long k = nl_closest_name(name, names, n);
  size_t len = 0;
  buf[0] = '\0';
  if (k >= 0) len += (size_t)snprintf(buf, cap, "; did you mean '%s'?", names[k]);
  if (len >= cap) return;
  len += (size_t)snprintf(buf + len, cap - len, " (%s: ", n ? "one of" : "there are none");
  for (size_t i = 0; i < n && len < cap; i++) len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", names[i]);
  if (len < cap) snprintf(buf + len, cap - len, ")");
}

static int is_db_file(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return 0;
  char head[16] = {0};
  size_t n = fread(head, 1, sizeof head, fp);
  fclose(fp);
  return n == 16 && !memcmp(head, "SQLite format 3", 16);
}

/* Export the database's tidy tables to a fresh temporary directory and read summary.csv. */
static nl_status read_db(nl_plot_source *s, const char *path) {
  nl_store *st = NULL;
  nl_status rs = nl_store_open(path, NL_STORE_READONLY, 2000, &st);
  if (!st) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  char dir[4096] = "";
  const char *names[8];
  size_t nn = 0;
  if (rs) {
    rs = nl_err(&s->err, rs, "%s", nl_store_errmsg(st));
    goto cleanup;
  }
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/netlearn-plot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) {
    rs = nl_err(&s->err, NL_EIO, "%s: cannot create a temporary directory: %s", dir, strerror(errno));
    dir[0] = '\0';
    goto cleanup;
  }
  rs = nl_store_export(st, dir, names, &nn);
  if (rs) {
    rs = nl_err(&s->err, rs, "%s: %s", path, nl_store_errmsg(st));
    goto cleanup;
  }
  char f[4200];
  snprintf(f, sizeof f, "%s/summary.csv", dir);
  rs = nl_strtab_read(f, &s->sum, &s->err);
cleanup:
  if (dir[0]) {
    char g[4200];
    for (size_t i = 0; i < nn; i++) {
      snprintf(g, sizeof g, "%s/%s", dir, names[i]);
      remove(g);
    }
    rmdir(dir);
  }
  nl_store_free(st);
  return rs;
}

static long need_col(nl_plot_source *s, const char *name, nl_status *rs) {
  long c = nl_strtab_col(s->sum, name);
  if (c < 0 && !*rs)
    *rs = nl_err(&s->err, NL_EPARSE, "%s: column '%s' missing: not a summary.csv written by `netlearn run`", s->label,
                 name);
  return c;
}

/* nl_plot_source_open into a new handle s. */
static nl_status open_source(nl_plot_source *s, const char *path) {
  struct stat sb;
  nl_status rs = NL_OK;
  char file[4200];
  if (stat(path, &sb) != 0) return nl_err(&s->err, NL_EIO, "%s: no such file or directory", path);
  if (S_ISDIR(sb.st_mode)) {
    snprintf(file, sizeof file, "%s/summary.csv", path);
    if (access(file, R_OK) == 0) {
      snprintf(s->label, sizeof s->label, "%s", file);
      rs = nl_strtab_read(file, &s->sum, &s->err);
    } else {
      snprintf(file, sizeof file, "%s/results.db", path);
      if (access(file, R_OK) != 0)
        return nl_err(&s->err, NL_EIO, "%s: neither summary.csv nor results.db found: not a results directory of `netlearn run`", path);
      snprintf(s->label, sizeof s->label, "%s", file);
      rs = read_db(s, file);
    }
  } else if (is_db_file(path)) {
    snprintf(s->label, sizeof s->label, "%s", path);
    rs = read_db(s, path);
  } else {
    snprintf(s->label, sizeof s->label, "%s", path);
    rs = nl_strtab_read(path, &s->sum, &s->err);
  }
  if (rs) return rs;
  nl_strtab *t = s->sum;
  s->c_point = nl_strtab_col(t, "point");
  s->c_period = need_col(s, "period", &rs);
  s->c_measure = need_col(s, "measure", &rs);
  s->c_n = need_col(s, "n", &rs);
  s->c_mean = need_col(s, "mean", &rs);
  s->c_ci_low = need_col(s, "ci_low", &rs);
  s->c_ci_high = need_col(s, "ci_high", &rs);
  if (rs) goto fail;
  if (t->nrow == 0) {
    rs = nl_err(&s->err, NL_EINVAL, "%s: no results yet (the table is empty)", s->label);
    goto fail;
  }
  /* swept parameters: the columns between point and period */
  if (s->c_point >= 0 && s->c_period > s->c_point + 1) {
    s->nparams = (size_t)(s->c_period - s->c_point - 1);
    s->c_param = nl_malloc(s->nparams * sizeof *s->c_param);
    s->param = nl_malloc(s->nparams * sizeof *s->param);
    if (!s->c_param || !s->param) goto nomem;
    for (size_t j = 0; j < s->nparams; j++) {
      s->c_param[j] = s->c_point + 1 + (long)j;
      s->param[j] = t->cell[s->c_param[j]];
    }
  }
  /* measures (order of first appearance) and points (rows are grouped by point) */
  s->meas = nl_malloc(t->nrow * sizeof *s->meas);
  s->point_id = nl_malloc(t->nrow * sizeof *s->point_id);
  s->point_row = nl_malloc(t->nrow * sizeof *s->point_row);
  if (!s->meas || !s->point_id || !s->point_row) goto nomem;
  for (size_t r = 0; r < t->nrow; r++) {
    const char *m = nl_strtab_cell(t, r, (size_t)s->c_measure);
    size_t k = 0;
    while (k < s->nmeas && strcmp(s->meas[k], m)) k++;
    if (k == s->nmeas) s->meas[s->nmeas++] = m;
    long id = 1;
    if (s->c_point >= 0) {
      double v = nl_strtab_num(t, r, (size_t)s->c_point);
      if (!(v >= 1 && v == floor(v))) {
        rs = nl_err(&s->err, NL_EPARSE, "%s:%zu: point '%s' is not a positive integer", s->label, r + 2,
                    nl_strtab_cell(t, r, (size_t)s->c_point));
        goto fail;
      }
      id = (long)v;
    }
    if (s->npoints == 0 || s->point_id[s->npoints - 1] != id) {
      for (size_t q = 0; q < s->npoints; q++)
        if (s->point_id[q] == id) {
          rs = nl_err(&s->err, NL_EPARSE, "%s:%zu: rows of point %ld are not together", s->label, r + 2, id);
          goto fail;
        }
      s->point_id[s->npoints] = id;
      s->point_row[s->npoints] = r;
      s->npoints++;
    }
  }
  s->selected = nl_malloc(s->npoints * sizeof *s->selected);
  if (!s->selected) goto nomem;
  for (size_t q = 0; q < s->npoints; q++) s->selected[q] = 1;
  return NL_OK;
nomem:
  rs = nl_err(&s->err, NL_ENOMEM, "out of memory");
fail:
  source_clear(s);
  return rs;
}

nl_status nl_plot_source_open(const char *path, nl_plot_source **out) {
  if (!out) return NL_EINVAL;
  if (!(*out = nl_calloc(1, sizeof(nl_plot_source)))) return NL_ENOMEM;
  if (!path) return nl_err(&(*out)->err, NL_EINVAL, "results: no path");
  return open_source(*out, path);
}

static long find_param(const nl_plot_source *s, const char *name) {
  for (size_t j = 0; j < s->nparams; j++)
    if (!strcmp(s->param[j], name)) return (long)j;
  return -1;
}

static nl_status unknown_param(nl_plot_source *s, const char *name) {
  char sug[1024];
  suggest(sug, sizeof sug, name, s->param, s->nparams);
  return nl_err(&s->err, NL_EINVAL, "%s: '%s' is not a swept parameter of these results%s", s->label, name, sug);
}

static nl_status check_measure(nl_plot_source *s, const char *measure) {
  if (!s->sum) return nl_err(&s->err, NL_EINVAL, "no results open");
  for (size_t k = 0; k < s->nmeas; k++)
    if (!strcmp(s->meas[k], measure)) return NL_OK;
  char sug[1024];
  suggest(sug, sizeof sug, measure, s->meas, s->nmeas);
  return nl_err(&s->err, NL_EINVAL, "%s: no measure '%s'%s", s->label, measure, sug);
}

static const char *pval(const nl_plot_source *s, size_t q, size_t j) {
  return nl_strtab_cell(s->sum, s->point_row[q], (size_t)s->c_param[j]);
}

static int same_value(const char *a, const char *b) {
  double x, y;
  if (nl_strtab_parse_num(a, &x) && nl_strtab_parse_num(b, &y) && !isnan(x) && !isnan(y)) return x == y;
  return !strcmp(a, b);
}

nl_status nl_plot_source_where(nl_plot_source *s, const char *param, const char *value) {
  if (!s->sum) return nl_err(&s->err, NL_EINVAL, "no results open");
  long j = find_param(s, param);
  if (j < 0) return unknown_param(s, param);
  size_t n = 0;
  for (size_t q = 0; q < s->npoints; q++) {
    if (!same_value(pval(s, q, (size_t)j), value)) s->selected[q] = 0;
    n += (size_t)s->selected[q];
  }
  if (n == 0) {
    char vals[512] = "";
    size_t len = 0;
    for (size_t q = 0; q < s->npoints && len < sizeof vals; q++) {
      int dup = 0;
      for (size_t r = 0; r < q; r++) dup |= !strcmp(pval(s, r, (size_t)j), pval(s, q, (size_t)j));
      if (!dup) len += (size_t)snprintf(vals + len, sizeof vals - len, "%s%s", len ? ", " : "", pval(s, q, (size_t)j));
    }
    return nl_err(&s->err, NL_EINVAL, "%s: no design point left with %s = %s (values of %s: %s)", s->label, param, value,
                  param, vals);
  }
  return NL_OK;
}

/* Label of a point: "p1 = 0.1, p2 = 0.5" (or "point 3" without parameters). */
static void point_label(const nl_plot_source *s, size_t q, char *buf, size_t cap) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t j = 0; j < s->nparams && len < cap; j++)
    len += (size_t)snprintf(buf + len, cap - len, "%s%s = %s", j ? ", " : "", s->param[j], pval(s, q, j));
  if (!s->nparams) snprintf(buf, cap, "point %ld", s->point_id[q]);
}

/* Rows [a, b) of point q. */
static void point_rows(const nl_plot_source *s, size_t q, size_t *a, size_t *b) {
  *a = s->point_row[q];
  *b = q + 1 < s->npoints ? s->point_row[q + 1] : s->sum->nrow;
}

nl_status nl_plot_source_series(nl_plot_source *s, nl_figure *f, const char *measure, const long *points,
                                size_t npoints) {
  nl_status rs = check_measure(s, measure);
  if (rs) return rs;
  size_t sel[NL_PLOT_NCATEGORIES], ns = 0;
  if (npoints) {
    for (size_t i = 0; i < npoints; i++) {
      size_t q = 0;
      while (q < s->npoints && s->point_id[q] != points[i]) q++;
      if (q == s->npoints)
        return nl_err(&s->err, NL_EINVAL, "%s: no design point %ld (points are 1 to %ld; see points.csv)", s->label,
                      points[i], s->point_id[s->npoints - 1]);
      if (ns == NL_PLOT_NCATEGORIES)
        return nl_err(&s->err, NL_EINVAL, "at most %d design points in one figure", NL_PLOT_NCATEGORIES);
      sel[ns++] = q;
    }
  } else {
    size_t nsel = 0;
    for (size_t q = 0; q < s->npoints; q++) nsel += (size_t)s->selected[q];
    if (nsel > NL_PLOT_NCATEGORIES)
      return nl_err(&s->err, NL_EINVAL,
                    "%s: %zu design points are too many lines for one figure (at most %d): choose some with "
                    "--points (e.g. --points 1,%ld) or fix parameters with --where",
                    s->label, nsel, NL_PLOT_NCATEGORIES, s->point_id[s->npoints - 1]);
    for (size_t q = 0; q < s->npoints; q++)
      if (s->selected[q]) sel[ns++] = q;
  }
  nl_plot_curve cv[NL_PLOT_NCATEGORIES];
  char labels[NL_PLOT_NCATEGORIES][256];
  double *buf = NULL;
  size_t total = 0;
  for (size_t i = 0; i < ns; i++) {
    size_t a, b;
    point_rows(s, sel[i], &a, &b);
    total += b - a;
  }
  buf = nl_malloc(4 * (total ? total : 1) * sizeof *buf);
  if (!buf) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  size_t off = 0;
  for (size_t i = 0; i < ns; i++) {
    size_t a, b, n = 0;
    point_rows(s, sel[i], &a, &b);
    double *x = buf + off, *m = buf + total + off, *lo = buf + 2 * total + off, *hi = buf + 3 * total + off;
    for (size_t r = a; r < b; r++) {
      if (strcmp(nl_strtab_cell(s->sum, r, (size_t)s->c_measure), measure)) continue;
      double per = nl_strtab_num(s->sum, r, (size_t)s->c_period);
      if (isnan(per)) continue;
      x[n] = per;
      m[n] = nl_strtab_num(s->sum, r, (size_t)s->c_mean);
      lo[n] = nl_strtab_num(s->sum, r, (size_t)s->c_ci_low);
      hi[n] = nl_strtab_num(s->sum, r, (size_t)s->c_ci_high);
      n++;
    }
    if (n == 0) {
      nl_free(buf);
      return nl_err(&s->err, NL_EINVAL,
                    "%s: no time series of '%s' (the scenario recorded final values only; set outputs: {series: true})",
                    s->label, measure);
    }
    point_label(s, sel[i], labels[i], sizeof labels[i]);
    if (s->nparams == 0 && ns == 1) snprintf(labels[i], sizeof labels[i], "%s", measure);
    int anyband = 0;
    for (size_t k = 0; k < n; k++) anyband |= isfinite(lo[k]) && isfinite(hi[k]);
    cv[i] = (nl_plot_curve){labels[i], n, x, m, anyband ? lo : NULL, anyband ? hi : NULL};
    off += b - a;
  }
  char yl[256], pn[128];
  nl_plot_pretty_name(measure, pn, sizeof pn);
  snprintf(yl, sizeof yl, "%s (mean, 95%% CI)", pn);
  rs = nl_figure_labels(f, "Period", yl, NULL);
  if (!rs) rs = nl_plot_series(f, cv, ns);
  if (rs) rs = nl_err(&s->err, rs, "%s", nl_figure_errmsg(f));
  nl_free(buf);
  return rs;
}

/* ---- sweeps ---- */

/* The summary row of point q for `measure` at `period` (the last recorded period at or before
 * it; NL_PLOT_FINAL: the last row). -1 when none. */
static long row_at(const nl_plot_source *s, size_t q, const char *measure, long period) {
  size_t a, b;
  point_rows(s, q, &a, &b);
  long best = -1;
  for (size_t r = a; r < b; r++) {
    if (strcmp(nl_strtab_cell(s->sum, r, (size_t)s->c_measure), measure)) continue;
    double per = nl_strtab_num(s->sum, r, (size_t)s->c_period);
    if (period != NL_PLOT_FINAL && !(per <= (double)period)) continue;
    best = (long)r;
  }
  return best;
}

/* Every parameter other than x and y must be constant over the selected points. */
static nl_status check_fixed(nl_plot_source *s, long jx, long jy) {
  for (size_t j = 0; j < s->nparams; j++) {
    if ((long)j == jx || (long)j == jy) continue;
    const char *first = NULL, *other = NULL;
    for (size_t q = 0; q < s->npoints && !other; q++) {
      if (!s->selected[q]) continue;
      if (!first)
        first = pval(s, q, j);
      else if (!same_value(first, pval(s, q, j)))
        other = pval(s, q, j);
    }
    if (other)
      return nl_err(&s->err, NL_EINVAL,
                    "parameter '%s' also varies among the design points (%s, %s, ...): fix it with --where %s=%s, "
                    "or plot it with --by",
                    s->param[j], first, other, s->param[j], first);
  }
  return NL_OK;
}

/* Distinct values of parameter j over the selected points, sorted (numerically when all are
 * numbers). Indices of a representative point in *rep; returns the count. */
static size_t distinct_values(const nl_plot_source *s, size_t j, size_t *rep, int *numeric) {
  size_t n = 0;
  *numeric = 1;
  for (size_t q = 0; q < s->npoints; q++) {
    if (!s->selected[q]) continue;
    double v;
    if (!nl_strtab_parse_num(pval(s, q, j), &v) || isnan(v)) *numeric = 0;
    size_t k = 0;
    while (k < n && !same_value(pval(s, rep[k], j), pval(s, q, j))) k++;
    if (k == n) rep[n++] = q;
  }
  if (*numeric)
    for (size_t a = 1; a < n; a++)
      for (size_t b = a; b > 0; b--) {
        double u, w;
        nl_strtab_parse_num(pval(s, rep[b - 1], j), &u);
        nl_strtab_parse_num(pval(s, rep[b], j), &w);
        if (u <= w) break;
        size_t t = rep[b];
        rep[b] = rep[b - 1];
        rep[b - 1] = t;
      }
  return n;
}

static nl_status sweep_prepare(nl_plot_source *s, const char *measure, const char *x, const char *y, long *jx,
                               long *jy) {
  nl_status rs = check_measure(s, measure);
  if (rs) return rs;
  if (s->nparams == 0)
    return nl_err(&s->err, NL_EINVAL, "%s: these results have no sweep (no swept parameters): plot a series instead",
                  s->label);
  *jx = find_param(s, x);
  if (*jx < 0) return unknown_param(s, x);
  *jy = -1;
  if (y) {
    *jy = find_param(s, y);
    if (*jy < 0) return unknown_param(s, y);
    if (*jy == *jx) return nl_err(&s->err, NL_EINVAL, "the same parameter '%s' on both axes", x);
  }
  return check_fixed(s, *jx, *jy);
}

static void value_label(const char *measure, long period, char *buf, size_t cap) {
  char pn[128];
  nl_plot_pretty_name(measure, pn, sizeof pn);
  if (period == NL_PLOT_FINAL)
    snprintf(buf, cap, "%s, final", pn);
  else
    snprintf(buf, cap, "%s, period %ld", pn, period);
}

nl_status nl_plot_source_line(nl_plot_source *s, nl_figure *f, const char *measure, const char *x, const char *by,
                              long period) {
  long jx, jb;
  nl_status rs = sweep_prepare(s, measure, x, by, &jx, &jb);
  if (rs) return rs;
  size_t *xrep = nl_malloc(2 * s->npoints * sizeof *xrep), *brep = xrep ? xrep + s->npoints : NULL;
  double *buf = nl_malloc(4 * s->npoints * NL_PLOT_NCATEGORIES * sizeof *buf + 1);
  if (!xrep || !buf) {
    nl_free(xrep);
    nl_free(buf);
    return nl_err(&s->err, NL_ENOMEM, "out of memory");
  }
  int xnum, bnum;
  size_t nx = distinct_values(s, (size_t)jx, xrep, &xnum);
  size_t nb = jb >= 0 ? distinct_values(s, (size_t)jb, brep, &bnum) : 1;
  nl_plot_curve cv[NL_PLOT_NCATEGORIES];
  char labels[NL_PLOT_NCATEGORIES][128];
  if (!xnum) {
    rs = nl_err(&s->err, NL_EINVAL, "parameter '%s' is not numeric: it cannot be an x axis (use it with --by)", x);
    goto cleanup;
  }
  if (nb > NL_PLOT_NCATEGORIES) {
    rs = nl_err(&s->err, NL_EINVAL, "'%s' has %zu values: too many lines for one figure (at most %d); select some with --where",
                by, nb, NL_PLOT_NCATEGORIES);
    goto cleanup;
  }
  for (size_t g = 0; g < nb; g++) {
    double *xs = buf + 4 * s->npoints * g, *m = xs + s->npoints, *lo = m + s->npoints, *hi = lo + s->npoints;
    size_t n = 0;
    for (size_t k = 0; k < nx; k++) {
      /* the point with this x value (and this by value) */
      for (size_t q = 0; q < s->npoints; q++) {
        if (!s->selected[q] || !same_value(pval(s, q, (size_t)jx), pval(s, xrep[k], (size_t)jx))) continue;
        if (jb >= 0 && !same_value(pval(s, q, (size_t)jb), pval(s, brep[g], (size_t)jb))) continue;
        long r = row_at(s, q, measure, period);
        if (r < 0) continue;
        xs[n] = nl_strtab_num(s->sum, s->point_row[q], (size_t)s->c_param[jx]);
        m[n] = nl_strtab_num(s->sum, (size_t)r, (size_t)s->c_mean);
        lo[n] = nl_strtab_num(s->sum, (size_t)r, (size_t)s->c_ci_low);
        hi[n] = nl_strtab_num(s->sum, (size_t)r, (size_t)s->c_ci_high);
        n++;
        break;
      }
    }
    if (n == 0) {
      rs = nl_err(&s->err, NL_EINVAL, "%s: no values of '%s'%s%s", s->label, measure,
                  period == NL_PLOT_FINAL ? "" : " at or before that period", "");
      goto cleanup;
    }
    snprintf(labels[g], sizeof labels[g], "%s", jb >= 0 ? pval(s, brep[g], (size_t)jb) : measure);
    cv[g] = (nl_plot_curve){labels[g], n, xs, m, lo, hi};
  }
  char yl[256];
  char yv[200];
  value_label(measure, period, yv, sizeof yv);
  snprintf(yl, sizeof yl, "%s (mean, 95%% CI)", yv);
  rs = nl_figure_labels(f, x, yl, NULL);
  if (!rs && jb >= 0) rs = nl_figure_legend_title(f, by);
  if (!rs) rs = nl_plot_sweep_line(f, cv, nb);
  if (rs) rs = nl_err(&s->err, rs, "%s", nl_figure_errmsg(f));
cleanup:
  nl_free(xrep);
  nl_free(buf);
  return rs;
}

nl_status nl_plot_source_heatmap(nl_plot_source *s, nl_figure *f, const char *measure, const char *x, const char *y,
                                 long period, double zlo, double zhi) {
  long jx, jy;
  if (!y) return nl_err(&s->err, NL_EINVAL, "a heatmap needs a y parameter");
  nl_status rs = sweep_prepare(s, measure, x, y, &jx, &jy);
  if (rs) return rs;
  size_t *xrep = nl_malloc(2 * s->npoints * sizeof *xrep), *yrep = xrep ? xrep + s->npoints : NULL;
  double *xv = nl_malloc(2 * s->npoints * sizeof *xv), *yv = xv ? xv + s->npoints : NULL;
  double *z = NULL;
  if (!xrep || !xv) goto nomem;
  int xnum, ynum;
  size_t nx = distinct_values(s, (size_t)jx, xrep, &xnum), ny = distinct_values(s, (size_t)jy, yrep, &ynum);
  if (!xnum || !ynum) {
    rs = nl_err(&s->err, NL_EINVAL, "parameter '%s' is not numeric: heatmap axes need numbers", !xnum ? x : y);
    goto cleanup;
  }
  z = nl_malloc(nx * ny * sizeof *z);
  if (!z) goto nomem;
  for (size_t i = 0; i < nx * ny; i++) z[i] = NAN;
  for (size_t i = 0; i < nx; i++) xv[i] = nl_strtab_num(s->sum, s->point_row[xrep[i]], (size_t)s->c_param[jx]);
  for (size_t j = 0; j < ny; j++) yv[j] = nl_strtab_num(s->sum, s->point_row[yrep[j]], (size_t)s->c_param[jy]);
  size_t filled = 0;
  for (size_t q = 0; q < s->npoints; q++) {
    if (!s->selected[q]) continue;
    size_t i = 0, j = 0;
    while (i < nx && !same_value(pval(s, q, (size_t)jx), pval(s, xrep[i], (size_t)jx))) i++;
    while (j < ny && !same_value(pval(s, q, (size_t)jy), pval(s, yrep[j], (size_t)jy))) j++;
    long r = row_at(s, q, measure, period);
    if (r < 0 || i == nx || j == ny) continue;
    z[j * nx + i] = nl_strtab_num(s->sum, (size_t)r, (size_t)s->c_mean);
    filled++;
  }
  if (!filled) {
    rs = nl_err(&s->err, NL_EINVAL, "%s: no values of '%s' at or before period %ld", s->label, measure, period);
    goto cleanup;
  }
  /* "Code knowledge (final)": the colour bar wraps it after the measure */
  char zl[256], pn[128];
  nl_plot_pretty_name(measure, pn, sizeof pn);
  if (period == NL_PLOT_FINAL)
    snprintf(zl, sizeof zl, "%s (final)", pn);
  else
    snprintf(zl, sizeof zl, "%s (period %ld)", pn, period);
  rs = nl_figure_labels(f, x, y, NULL);
  if (!rs) rs = nl_figure_heatmap(f, nx, xv, ny, yv, z, zlo, zhi, zl, 1);
  if (rs) rs = nl_err(&s->err, rs, "%s", nl_figure_errmsg(f));
  goto cleanup;
nomem:
  rs = nl_err(&s->err, NL_ENOMEM, "out of memory");
cleanup:
  nl_free(xrep);
  nl_free(xv);
  nl_free(z);
  return rs;
}
