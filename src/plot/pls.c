/* PLS path diagrams: constructs in columns by causal order, indicators outside, coefficients
 * with significance stars, R^2 inside the endogenous constructs. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "plot/plot_impl.h"
#include "plot/table.h"

typedef struct pcon {
  char *name;
  char mode;
  double r2;
} pcon;

typedef struct pind {
  char *name;
  size_t con;
  double value;
} pind;

typedef struct ppath {
  size_t from, to;
  double est, p;
} ppath;

struct nl_plot_pls {
  pcon *c;
  size_t nc, ccap;
  pind *ind;
  size_t ni, icap;
  ppath *path;
  size_t np, pcap;
  nl_errbuf err;
};

nl_plot_pls *nl_plot_pls_new(void) { return nl_calloc(1, sizeof(nl_plot_pls)); }

static void pls_clear(nl_plot_pls *m) {
  for (size_t i = 0; i < m->nc; i++) nl_free(m->c[i].name);
  for (size_t i = 0; i < m->ni; i++) nl_free(m->ind[i].name);
  m->nc = m->ni = m->np = 0;
}

void nl_plot_pls_free(nl_plot_pls *m) {
  if (!m) return;
  pls_clear(m);
  nl_free(m->c);
  nl_free(m->ind);
  nl_free(m->path);
  nl_free(m);
}

const char *nl_plot_pls_errmsg(const nl_plot_pls *m) { return NL_ERRMSG_OF(m); }

static long find_con(const nl_plot_pls *m, const char *name) {
  for (size_t i = 0; i < m->nc; i++)
    if (!strcmp(m->c[i].name, name)) return (long)i;
  return -1;
}

nl_status nl_plot_pls_construct(nl_plot_pls *m, const char *name, char mode, double r2) {
  if (!name || !*name) return nl_err(&m->err, NL_EINVAL, "a construct needs a name");
  if (find_con(m, name) >= 0) return nl_err(&m->err, NL_EINVAL, "construct '%s' given twice", name);
  if (mode != 'A' && mode != 'B') return nl_err(&m->err, NL_EINVAL, "construct '%s': mode must be A or B", name);
  if (nl_grow(&m->c, &m->ccap, m->nc + 1, sizeof *m->c, 8)) return nl_err(&m->err, NL_ENOMEM, "out of memory");
  char *d = nl_strdup(name);
  if (!d) return nl_err(&m->err, NL_ENOMEM, "out of memory");
  m->c[m->nc++] = (pcon){d, mode, r2};
  return NL_OK;
}

nl_status nl_plot_pls_indicator(nl_plot_pls *m, const char *construct, const char *name, double value) {
  long c = find_con(m, construct);
  if (c < 0) return nl_err(&m->err, NL_EINVAL, "indicator '%s': unknown construct '%s'", name, construct);
  for (size_t i = 0; i < m->ni; i++)
    if (!strcmp(m->ind[i].name, name)) return nl_err(&m->err, NL_EINVAL, "indicator '%s' given twice", name);
  if (nl_grow(&m->ind, &m->icap, m->ni + 1, sizeof *m->ind, 8)) return nl_err(&m->err, NL_ENOMEM, "out of memory");
  char *d = nl_strdup(name);
  if (!d) return nl_err(&m->err, NL_ENOMEM, "out of memory");
  m->ind[m->ni++] = (pind){d, (size_t)c, value};
  return NL_OK;
}

nl_status nl_plot_pls_path(nl_plot_pls *m, const char *from, const char *to, double estimate, double p) {
  long a = find_con(m, from), b = find_con(m, to);
  if (a < 0 || b < 0) return nl_err(&m->err, NL_EINVAL, "path %s -> %s: unknown construct '%s'", from, to, a < 0 ? from : to);
  if (a == b) return nl_err(&m->err, NL_EINVAL, "path %s -> %s: a construct cannot cause itself", from, to);
  for (size_t k = 0; k < m->np; k++)
    if (m->path[k].from == (size_t)a && m->path[k].to == (size_t)b)
      return nl_err(&m->err, NL_EINVAL, "path %s -> %s given twice", from, to);
  if (nl_grow(&m->path, &m->pcap, m->np + 1, sizeof *m->path, 8)) return nl_err(&m->err, NL_ENOMEM, "out of memory");
  m->path[m->np++] = (ppath){(size_t)a, (size_t)b, estimate, p};
  return NL_OK;
}

nl_status nl_plot_pls_from_estimate(nl_plot_pls *m, nl_pls *p) {
  pls_clear(m);
  size_t nc = nl_pls_n_constructs(p), ni = nl_pls_n_indicators(p), np = nl_pls_n_paths(p);
  if (nc == 0 || isnan(nl_pls_weight(p, 0)))
    return nl_err(&m->err, NL_EINVAL, "the PLS model has not been estimated");
  nl_status rs = NL_OK;
  for (size_t j = 0; !rs && j < nc; j++)
    rs = nl_plot_pls_construct(m, nl_pls_construct_name(p, j), nl_pls_construct_mode(p, j) == NL_PLS_MODE_B ? 'B' : 'A',
                               nl_pls_construct_is_endogenous(p, j) ? nl_pls_rsq(p, j) : NAN);
  for (size_t i = 0; !rs && i < ni; i++) {
    size_t j = nl_pls_indicator_construct(p, i);
    double v = nl_pls_construct_mode(p, j) == NL_PLS_MODE_B ? nl_pls_weight(p, i) : nl_pls_loading(p, i);
    rs = nl_plot_pls_indicator(m, nl_pls_construct_name(p, j), nl_pls_indicator_name(p, i), v);
  }
  for (size_t k = 0; !rs && k < np; k++) {
    size_t a, b;
    nl_pls_path_ends(p, k, &a, &b);
    double pv = NAN;
    nl_pls_boot_stat st;
    if (nl_pls_boot_n(p) > 0 && nl_pls_boot_get(p, NL_PLS_Q_PATH, a, b, &st) == NL_OK) pv = st.p;
    rs = nl_plot_pls_path(m, nl_pls_construct_name(p, a), nl_pls_construct_name(p, b), nl_pls_path(p, a, b), pv);
  }
  return rs;
}

/* ---- reading `netlearn pls -o DIR` ---- */

static nl_status open_table(nl_plot_pls *m, const char *dir, const char *file, const char *const *cols, long *idx,
                            size_t ncols, int optional, nl_strtab **out) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  *out = NULL;
  if (optional) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NL_OK;
    fclose(fp);
  }
  nl_status rs = nl_strtab_read(path, out, &m->err);
  if (rs) {
    if (rs == NL_EIO)
      nl_err(&m->err, NL_EIO, "%s: cannot open: is %s an output directory of `netlearn pls -o DIR`?", path, dir);
    return rs;
  }
  for (size_t k = 0; k < ncols; k++) {
    idx[k] = nl_strtab_col(*out, cols[k]);
    if (idx[k] < 0) {
      nl_strtab_free(*out);
      *out = NULL;
      return nl_err(&m->err, NL_EPARSE, "%s: column '%s' missing", path, cols[k]);
    }
  }
  return NL_OK;
}

/* nl_plot_pls_read into a new handle m. */
static nl_status read_dir(nl_plot_pls *m, const char *dir) {
  nl_strtab *w = NULL, *l = NULL, *pa = NULL, *r2 = NULL, *bo = NULL;
  long wc[4], lc[3], pc[3], rc[2], bc[5];
  static const char *const wcols[] = {"construct", "indicator", "mode", "estimate"};
  static const char *const lcols[] = {"construct", "indicator", "estimate"};
  static const char *const pcols[] = {"from", "to", "estimate"};
  static const char *const rcols[] = {"construct", "r2"};
  static const char *const bcols[] = {"quantity", "from", "to", "p", "original"};
  nl_status rs = open_table(m, dir, "weights.csv", wcols, wc, 4, 0, &w);
  if (!rs) rs = open_table(m, dir, "loadings.csv", lcols, lc, 3, 0, &l);
  if (!rs) rs = open_table(m, dir, "paths.csv", pcols, pc, 3, 0, &pa);
  if (!rs) rs = open_table(m, dir, "rsquared.csv", rcols, rc, 2, 0, &r2);
  if (!rs) rs = open_table(m, dir, "bootstrap.csv", bcols, bc, 5, 1, &bo);
  if (rs) goto cleanup;
  /* constructs in order of first appearance in weights.csv */
  for (size_t r = 0; !rs && r < w->nrow; r++) {
    const char *c = nl_strtab_cell(w, r, (size_t)wc[0]);
    if (find_con(m, c) >= 0) continue;
    const char *mode = nl_strtab_cell(w, r, (size_t)wc[2]);
    double rsq = NAN;
    for (size_t q = 0; q < r2->nrow; q++)
      if (!strcmp(nl_strtab_cell(r2, q, (size_t)rc[0]), c)) rsq = nl_strtab_num(r2, q, (size_t)rc[1]);
    rs = nl_plot_pls_construct(m, c, mode[0] == 'B' ? 'B' : 'A', rsq);
  }
  for (size_t r = 0; !rs && r < w->nrow; r++) {
    const char *c = nl_strtab_cell(w, r, (size_t)wc[0]), *ind = nl_strtab_cell(w, r, (size_t)wc[1]);
    double v = nl_strtab_num(w, r, (size_t)wc[3]);
    if (m->c[find_con(m, c)].mode == 'A')
      for (size_t q = 0; q < l->nrow; q++)
        if (!strcmp(nl_strtab_cell(l, q, (size_t)lc[1]), ind) && !strcmp(nl_strtab_cell(l, q, (size_t)lc[0]), c))
          v = nl_strtab_num(l, q, (size_t)lc[2]);
    rs = nl_plot_pls_indicator(m, c, ind, v);
  }
  for (size_t r = 0; !rs && r < pa->nrow; r++) {
    const char *a = nl_strtab_cell(pa, r, (size_t)pc[0]), *b = nl_strtab_cell(pa, r, (size_t)pc[1]);
    double p = NAN, est = nl_strtab_num(pa, r, (size_t)pc[2]), orig = NAN;
    int found = 0;
    for (size_t q = 0; bo && q < bo->nrow && !found; q++)
      if (!strcmp(nl_strtab_cell(bo, q, (size_t)bc[0]), "path") && !strcmp(nl_strtab_cell(bo, q, (size_t)bc[1]), a) &&
          !strcmp(nl_strtab_cell(bo, q, (size_t)bc[2]), b)) {
        p = nl_strtab_num(bo, q, (size_t)bc[3]);
        orig = nl_strtab_num(bo, q, (size_t)bc[4]);
        found = 1;
      }
    rs = nl_plot_pls_path(m, a, b, est, p);
    if (rs) {
      nl_err_prefix(&m->err, pa->source);
      break;
    }
    /* Stars only from a bootstrap of this very estimation: its `original` is paths.csv's
     * estimate (both written with the same %.15g format). */
    if (bo && !found)
      rs = nl_err(&m->err, NL_EPARSE, "%s/bootstrap.csv does not belong to %s/paths.csv: it has no row for path %s -> %s",
                  dir, dir, a, b);
    else if (bo && !(fabs(orig - est) <= 1e-12 * fmax(1.0, fabs(est))))
      rs = nl_err(&m->err, NL_EPARSE,
                  "%s/bootstrap.csv does not belong to %s/paths.csv: path %s -> %s is %.6g there, %.6g in paths.csv "
                  "(a bootstrap of another estimation?); re-run netlearn pls with --boot, or remove bootstrap.csv",
                  dir, dir, a, b, orig, est);
  }
  if (!rs && m->nc == 0) rs = nl_err(&m->err, NL_EPARSE, "%s/weights.csv: no constructs", dir);
cleanup:
  nl_strtab_free(w);
  nl_strtab_free(l);
  nl_strtab_free(pa);
  nl_strtab_free(r2);
  nl_strtab_free(bo);
  return rs;
}

nl_status nl_plot_pls_read(const char *dir, nl_plot_pls **out) {
  if (!out) return NL_EINVAL;
  if (!(*out = nl_plot_pls_new())) return NL_ENOMEM;
  if (!dir) return nl_err(&(*out)->err, NL_EINVAL, "PLS results: no directory");
  return read_dir(*out, dir);
}

/* ---- drawing ---- */

static const char *stars(double p) {
  if (!(p >= 0)) return "";
  return p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : "";
}

/* Distance from the centre of an ellipse (rx, ry) to its boundary along (dx, dy), as a fraction. */
static double ellipse_t(double dx, double dy, double rx, double ry) {
  double d = sqrt((dx / rx) * (dx / rx) + (dy / ry) * (dy / ry));
  return d > 0 ? 1 / d : 0;
}

static double box_t(double dx, double dy, double hw, double hh) {
  double a = fabs(dx) > 1e-12 ? hw / fabs(dx) : INFINITY, b = fabs(dy) > 1e-12 ? hh / fabs(dy) : INFINITY;
  return fmin(a, b);
}

/* Labels are drawn after the shapes, so that no ellipse or arrow covers a number. */
typedef struct ptag {
  double x, y, size;
  nl_rgba ink;
  char text[48];
} ptag;

typedef struct tags {
  ptag *t;
  size_t n, cap;
  int oom;
} tags;

static void tag_add(tags *tg, double x, double y, const char *s, double size, nl_rgba ink) {
  if (nl_grow(&tg->t, &tg->cap, tg->n + 1, sizeof *tg->t, 8)) {
    tg->oom = 1;
    return;
  }
  ptag *p = &tg->t[tg->n++];
  p->x = x;
  p->y = y;
  p->size = size;
  p->ink = ink;
  snprintf(p->text, sizeof p->text, "%s", s);
}

/* A number label with a white background so that lines under it do not cut through it. */
static void tag(nl_figure *f, double x, double y, const char *s, double size, nl_rgba ink) {
  double w = nl_fig_text_width(f, s, size, 0);
  nl_fig_rect(f, x - w / 2 - 2, y - size * 0.62, w + 4, size * 1.24, (nl_rgba){1, 1, 1, 0.92}, (nl_rgba){0, 0, 0, 0}, 0);
  nl_fig_text(f, x, y, s, size, 0.5, NL_VA_MIDDLE, 0, ink, 0);
}

/* A path drawn as a quadratic Bezier from (x0, y0) to (x1, y1) with control point (cx, cy)
 * (the midpoint for a straight arrow). */
typedef struct curve {
  double x0, y0, cx, cy, x1, y1;
} curve;

static void curve_at(const curve *c, double t, double *x, double *y) {
  double u = 1 - t;
  *x = u * u * c->x0 + 2 * u * t * c->cx + t * t * c->x1;
  *y = u * u * c->y0 + 2 * u * t * c->cy + t * t * c->y1;
}

/* How many sampled points of a path between constructs a and b fall on another construct (with
 * 6 pt to spare) or an indicator box. */
static size_t curve_hits(const curve *c, const nl_plot_pls *m, size_t a, size_t b, const double *cx, const double *cy,
                         const double *rx, const double *ry, const double *bx, const double *by, const double *bw,
                         double boxh) {
  size_t hits = 0;
  for (int q = 1; q < 40; q++) {
    double x, y;
    curve_at(c, q / 40.0, &x, &y);
    /* near its own end points a path may touch anything that also meets them there */
    double ua = (x - cx[a]) / (rx[a] + 8), va = (y - cy[a]) / (ry[a] + 8);
    double ub = (x - cx[b]) / (rx[b] + 8), vb = (y - cy[b]) / (ry[b] + 8);
    if (ua * ua + va * va < 1 || ub * ub + vb * vb < 1) continue;
    for (size_t j = 0; j < m->nc; j++) {
      if (j == a || j == b) continue;
      double u = (x - cx[j]) / (rx[j] + 6), v = (y - cy[j]) / (ry[j] + 6);
      hits += u * u + v * v < 1;
    }
    for (size_t i = 0; i < m->ni; i++) {
      hits += fabs(x - bx[i]) < bw[i] / 2 + 3 && fabs(y - by[i]) < boxh / 2 + 3;
      /* the indicator's arrow and its value label: near the segment box -> construct */
      size_t j = m->ind[i].con;
      double te = ellipse_t(bx[i] - cx[j], by[i] - cy[j], rx[j], ry[j]);
      double ex = cx[j] + (bx[i] - cx[j]) * te, ey = cy[j] + (by[i] - cy[j]) * te; /* arrow's end on the ellipse */
      double sx = ex - bx[i], sy = ey - by[i], l2 = sx * sx + sy * sy;
      double t = l2 > 0 ? ((x - bx[i]) * sx + (y - by[i]) * sy) / l2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      hits += hypot(x - (bx[i] + t * sx), y - (by[i] + t * sy)) < 8;
    }
  }
  return hits;
}

enum { SIDE_LEFT, SIDE_RIGHT, SIDE_ABOVE, SIDE_BELOW };

/* Columns: each construct's layer (*Lp of them) is its longest path from a source (paths form a
 * DAG; nc passes suffice); within a column constructs are ordered (pos) by the mean position of
 * their predecessors, for fewer crossings. *countp (new, caller frees): constructs per layer.
 * Returns NL_ENOMEM (no message) when out of memory. */
static nl_status arrange(const nl_plot_pls *m, size_t *layer, size_t *pos, size_t **countp, size_t *Lp) {
  size_t nc = m->nc;
  for (size_t it = 0; it < nc; it++)
    for (size_t k = 0; k < m->np; k++)
      if (layer[m->path[k].to] < layer[m->path[k].from] + 1) layer[m->path[k].to] = layer[m->path[k].from] + 1;
  size_t L = 0;
  for (size_t j = 0; j < nc; j++) L = layer[j] + 1 > L ? layer[j] + 1 : L;
  size_t *count = *countp = nl_calloc(L, sizeof *count);
  if (!count) return NL_ENOMEM;
  double *key = nl_calloc(nc, sizeof *key);
  if (!key) return NL_ENOMEM;
  for (size_t l = 0; l < L; l++) {
    size_t idx[256], n = 0;
    for (size_t j = 0; j < nc && n < 256; j++)
      if (layer[j] == l) {
        double s = 0;
        size_t c = 0;
        for (size_t k = 0; k < m->np; k++)
          if (m->path[k].to == j && layer[m->path[k].from] < l) {
            s += key[m->path[k].from];
            c++;
          }
        key[j] = c ? s / (double)c : (double)n;
        idx[n++] = j;
      }
    for (size_t a = 1; a < n; a++)
      for (size_t b = a; b > 0 && key[idx[b - 1]] > key[idx[b]]; b--) {
        size_t t = idx[b];
        idx[b] = idx[b - 1];
        idx[b - 1] = t;
      }
    for (size_t a = 0; a < n; a++) {
      pos[idx[a]] = a;
      key[idx[a]] = (double)a;
    }
    count[l] = n;
  }
  nl_free(key);
  *Lp = L;
  return NL_OK;
}

/* Where a diagram's constructs and indicator boxes are (for arrows that avoid them). */
typedef struct pls_geom {
  const double *cx, *cy, *rx, *ry; /* construct ellipses */
  const double *bx, *by, *bwid;    /* indicator boxes: centres and widths */
  double boxh, ts;                 /* box height, label size */
} pls_geom;

/* Structural path k: straight when the line between the centres clears every other construct
 * and indicator; else a quadratic arc bowed (upwards first) just enough to clear them, e.g. the
 * direct path of a mediation model around its mediator. Its label goes to tg. */
static void draw_path(nl_figure *f, const nl_plot_pls *m, size_t k, const pls_geom *gm, tags *tg) {
  const double *cx = gm->cx, *cy = gm->cy, *rx = gm->rx, *ry = gm->ry, *bx = gm->bx, *by = gm->by, *bwid = gm->bwid;
  double boxh = gm->boxh, ts = gm->ts;
  size_t nc = m->nc;
  nl_rgba ink = {0.13, 0.13, 0.13, 1};
  char buf[64];
  size_t a = m->path[k].from, b = m->path[k].to;
  double ax = cx[a], ay = cy[a], bxx = cx[b], byy = cy[b], d = hypot(bxx - ax, byy - ay);
  double nx = d > 0 ? -(byy - ay) / d : 0, ny = d > 0 ? (bxx - ax) / d : 1;
  curve best = {ax, ay, (ax + bxx) / 2, (ay + byy) / 2, bxx, byy};
  size_t besthits = curve_hits(&best, m, a, b, cx, cy, rx, ry, bx, by, bwid, boxh);
  for (int step = 1; besthits > 0 && step <= 8; step++) {
    double h = 0.1 * d * step;
    for (int sg = -1; sg <= 1; sg += 2) {
      curve c = {ax, ay, (ax + bxx) / 2 + sg * nx * 2 * h, (ay + byy) / 2 + sg * ny * 2 * h, bxx, byy};
      size_t hits = curve_hits(&c, m, a, b, cx, cy, rx, ry, bx, by, bwid, boxh);
      if (hits < besthits) {
        best = c;
        besthits = hits;
      }
      if (!hits) break;
    }
  }
  /* end points on the ellipses, towards the control point */
  double ta = ellipse_t(best.cx - ax, best.cy - ay, rx[a], ry[a]), tb = ellipse_t(best.cx - bxx, best.cy - byy, rx[b], ry[b]);
  int straight = fabs(best.cx - (ax + bxx) / 2) < 1e-9 && fabs(best.cy - (ay + byy) / 2) < 1e-9;
  if (straight) {
    ta = ellipse_t(bxx - ax, byy - ay, rx[a], ry[a]);
    tb = ellipse_t(ax - bxx, ay - byy, rx[b], ry[b]);
    best.x0 = ax + (bxx - ax) * ta;
    best.y0 = ay + (byy - ay) * ta;
    best.x1 = bxx + (ax - bxx) * tb;
    best.y1 = byy + (ay - byy) * tb;
    best.cx = (best.x0 + best.x1) / 2;
    best.cy = (best.y0 + best.y1) / 2;
    nl_fig_arrow(f, best.x0, best.y0, best.x1, best.y1, ink, 1.1, 7);
  } else {
    best.x0 = ax + (best.cx - ax) * ta;
    best.y0 = ay + (best.cy - ay) * ta;
    best.x1 = bxx + (best.cx - bxx) * tb;
    best.y1 = byy + (best.cy - byy) * tb;
    double pts[2 * 33];
    int np = 0;
    for (int q = 0; q <= 30; q++) {
      curve_at(&best, 0.95 * q / 30.0, &pts[2 * np], &pts[2 * np + 1]);
      np++;
    }
    nl_fig_path(f, pts, (size_t)np, 0, (nl_rgba){0, 0, 0, 0}, ink, 1.1, NL_DASH_SOLID);
    double hx, hy;
    curve_at(&best, 0.95, &hx, &hy);
    nl_fig_arrow(f, hx, hy, best.x1, best.y1, ink, 1.1, 7);
  }
  char t[64];
  snprintf(t, sizeof t, "%.3f", m->path[k].est);
  if (t[0] == '-')
    snprintf(buf, sizeof buf, "\xe2\x88\x92%s%s", t + 1, stars(m->path[k].p));
  else
    snprintf(buf, sizeof buf, "%s%s", t, stars(m->path[k].p));
  /* the first spot along the arrow (a third of the way first: arrows into one construct
   * converge, so labels are apart near their sources; an arc's apex first) where the label
   * overlaps no other label and no construct; on an arrow too short for its label, above it */
  double len = hypot(best.x1 - best.x0, best.y1 - best.y0), lw = nl_fig_text_width(f, buf, ts, 0);
  static const double spots[] = {0.35, 0.5, 0.25, 0.65, 0.2, 0.75, 0.42, 0.58};
  double lx, ly;
  curve_at(&best, 0.5, &lx, &ly);
  if (straight && len < lw + 12) ly -= ts;
  for (size_t q = 0; (!straight || len >= lw + 12) && q < sizeof spots / sizeof spots[0]; q++) {
    double px, py;
    curve_at(&best, straight ? spots[q] : (q ? spots[q] : 0.5), &px, &py);
    int clash = 0;
    for (size_t g = 0; g < tg->n && !clash; g++) {
      double ow = nl_fig_text_width(f, tg->t[g].text, tg->t[g].size, 0);
      clash = fabs(px - tg->t[g].x) < (lw + ow) / 2 + 3 && fabs(py - tg->t[g].y) < (ts + tg->t[g].size) * 0.62 + 1;
    }
    for (size_t j = 0; j < nc && !clash; j++)
      clash = fabs(px - cx[j]) < rx[j] + lw / 2 && fabs(py - cy[j]) < ry[j] + ts * 0.6;
    if (!clash) {
      lx = px;
      ly = py;
      break;
    }
    if (q == 0) {
      lx = px;
      ly = py;
    }
  }
  tag_add(tg, lx, ly, buf, ts, ink);
}

/* The constructs, on top of the paths: ellipse, name and R^2. */
static void draw_constructs(nl_figure *f, const nl_plot_pls *m, const double *cx, const double *cy, const double *rx,
                            const double *ry, double fs, double ts) {
  nl_rgba ink = {0.13, 0.13, 0.13, 1}, cfill = {0.87, 0.93, 0.97, 1}, cline = {0.0, 0.45, 0.70, 1};
  for (size_t j = 0; j < m->nc; j++) {
    nl_fig_ellipse(f, cx[j], cy[j], rx[j], ry[j], cfill, cline, 1.1);
    if (isfinite(m->c[j].r2)) {
      nl_fig_text(f, cx[j], cy[j] - fs * 0.15, m->c[j].name, fs, 0.5, NL_VA_BOTTOM, 0, ink, 1);
      char t[64];
      snprintf(t, sizeof t, "R\xc2\xb2 = %.3f", m->c[j].r2);
      nl_fig_text(f, cx[j], cy[j] + fs * 0.25, t, ts, 0.5, NL_VA_TOP, 0, ink, 0);
    } else
      nl_fig_text(f, cx[j], cy[j], m->c[j].name, fs, 0.5, NL_VA_MIDDLE, 0, ink, 1);
  }
}

nl_status nl_plot_pls_draw(nl_figure *f, const nl_plot_pls *m) {
  size_t nc = m->nc;
  if (nc == 0) return nl_err(nl_fig_err(f), NL_EINVAL, "the PLS model has no constructs");
  size_t *layer = nl_calloc(nc, sizeof *layer), *pos = nl_calloc(nc, sizeof *pos), *count = NULL;
  double *cx = nl_calloc(4 * nc, sizeof *cx), *cy = cx ? cx + nc : NULL, *rx = cx ? cx + 2 * nc : NULL,
         *ry = cx ? cx + 3 * nc : NULL;
  int *side = nl_calloc(nc, sizeof *side);
  tags tg = {NULL, 0, 0, 0};
  double *bx = NULL, *by = NULL, *bwid = NULL; /* indicator boxes: centres and widths */
  nl_status rs = NL_OK;
  if (!layer || !pos || !cx || !side) goto nomem;
  size_t L = 0;
  if (arrange(m, layer, pos, &count, &L)) goto nomem;
  double fs = nl_fig_font_size(f), ts = fs * 0.85, vs = fs * 0.75;
  const char *title = nl_fig_title(f);
  nl_fig_begin_free(f); /* keeps the title */
  double W = nl_fig_width(f), H = nl_fig_height(f);
  /* sides for indicators */
  /* Deep models (chains such as ECSI's) would put every construct on one line: middle columns
   * with a single construct alternate between an upper and a lower row, their indicators above
   * and below respectively, so that neighbouring columns never compete for the same row. */
  int stagger = L >= 4;
  double *rowoff = nl_calloc(nc, sizeof *rowoff); /* -1 upper, +1 lower, 0 centred */
  if (!rowoff) goto nomem;
  for (size_t j = 0; j < nc; j++) {
    if (layer[j] == 0)
      side[j] = SIDE_LEFT;
    else if (layer[j] == L - 1)
      side[j] = SIDE_RIGHT;
    else if (stagger && count[layer[j]] == 1) {
      rowoff[j] = layer[j] % 2 ? -1 : 1;
      side[j] = rowoff[j] < 0 ? SIDE_ABOVE : SIDE_BELOW;
    } else
      side[j] = pos[j] == 0 ? SIDE_ABOVE : SIDE_BELOW;
  }
  double boxh = ts * 1.7, gap = 34;
  double leftzone = 0, rightzone = 0, abovezone = 0, belowzone = 0;
  for (size_t i = 0; i < m->ni; i++) {
    double bw = nl_fig_text_width(f, m->ind[i].name, ts, 0) + 10;
    int s = side[m->ind[i].con];
    if (s == SIDE_LEFT) leftzone = fmax(leftzone, bw + gap);
    if (s == SIDE_RIGHT) rightzone = fmax(rightzone, bw + gap);
    if (s == SIDE_ABOVE) abovezone = boxh + gap;
    if (s == SIDE_BELOW) belowzone = boxh + gap;
  }
  double rxmax = 0;
  for (size_t j = 0; j < nc; j++) {
    rx[j] = fmax(36, nl_fig_text_width(f, m->c[j].name, fs, 1) / 2 + 14);
    ry[j] = isfinite(m->c[j].r2) ? fs * 1.9 : fs * 1.5;
    rxmax = fmax(rxmax, rx[j]);
  }
  int anyp = 0;
  for (size_t k = 0; k < m->np; k++) anyp |= m->path[k].p >= 0;
  double top = 8 + (title ? fs * 1.1 * 1.6 : 0) + abovezone, bottom = H - 8 - belowzone - (anyp ? ts * 1.8 : 0);
  /* Column positions: as far apart as each pair of columns needs (the ellipses and a path label
   * between them; rows of indicators on the same side of nearby columns must not overlap), spread
   * evenly when the page is wider, and the page widened when it is narrower. */
  double *colx = nl_calloc(2 * L, sizeof *colx), *colr = colx ? colx + L : NULL;
  double rowabove[256] = {0}, rowbelow[256] = {0};
  if (!colx || L > 256) {
    nl_free(colx);
    nl_free(rowoff);
    if (L > 256) {
      rs = nl_err(nl_fig_err(f), NL_EINVAL, "the PLS model is too deep to draw (%zu layers)", L);
      goto cleanup;
    }
    goto nomem;
  }
  {
    double slotw = nl_fig_text_width(f, "\xe2\x88\x92" "0.000", vs, 0) + 4;
    for (size_t j = 0; j < nc; j++) {
      colr[layer[j]] = fmax(colr[layer[j]], rx[j]);
      if (side[j] != SIDE_ABOVE && side[j] != SIDE_BELOW) continue;
      double w = 0;
      for (size_t i = 0; i < m->ni; i++)
        if (m->ind[i].con == j) w += fmax(nl_fig_text_width(f, m->ind[i].name, ts, 0) + 10, slotw) + 8;
      double *row = side[j] == SIDE_ABOVE ? rowabove : rowbelow;
      row[layer[j]] = fmax(row[layer[j]], w);
    }
    double labelw = nl_fig_text_width(f, "0.000***", vs, 0) + 24;
    colx[0] = 0;
    for (size_t l = 1; l < L; l++) {
      double need = colx[l - 1] + colr[l - 1] + colr[l] + labelw;
      for (size_t q = 0; q < l; q++) {
        if (rowabove[q] > 0 && rowabove[l] > 0) need = fmax(need, colx[q] + (rowabove[q] + rowabove[l]) / 2 + 12);
        if (rowbelow[q] > 0 && rowbelow[l] > 0) need = fmax(need, colx[q] + (rowbelow[q] + rowbelow[l]) / 2 + 12);
      }
      colx[l] = need;
    }
    /* rows of the first and last middle columns must not run past the page either */
    double reachl = 0, reachr = 0;
    for (size_t l = 1; l + 1 < L; l++) {
      double half = fmax(rowabove[l], rowbelow[l]) / 2;
      reachl = fmax(reachl, half - colx[l]);
      reachr = fmax(reachr, colx[l] + half - colx[L - 1]);
    }
    double lpad = fmax(8 + leftzone + colr[0], 8 + reachl), rpad = fmax(8 + rightzone + colr[L - 1], 8 + reachr);
    nl_fig_widen(f, lpad + colx[L - 1] + rpad);
    W = nl_fig_width(f);
    double avail = W - lpad - rpad, spread = L > 1 && colx[L - 1] > 0 ? avail / colx[L - 1] : 1;
    for (size_t l = 0; l < L; l++) colx[l] = L > 1 ? lpad + colx[l] * spread : W / 2;
  }
  double band = (bottom - top) / 4; /* vertical offset of the upper and lower rows */
  for (size_t j = 0; j < nc; j++) {
    cx[j] = colx[layer[j]];
    double n = (double)count[layer[j]];
    cy[j] = rowoff[j] != 0 ? (top + bottom) / 2 + rowoff[j] * band : top + (bottom - top) * ((double)pos[j] + 0.5) / n;
  }
  nl_free(colx);
  nl_free(rowoff);
  nl_rgba ink = {0.13, 0.13, 0.13, 1}, grey = {0.35, 0.35, 0.35, 1}, white = {1, 1, 1, 1};
  nl_rgba boxfill = {0.97, 0.97, 0.97, 1};
  char buf[64];
  /* indicator boxes: left and right sides are packed as blocks near their constructs without
   * overlap (shrunk together when they do not fit the page); above and below in a row */
  bx = nl_malloc(3 * (m->ni ? m->ni : 1) * sizeof *bx);
  by = bx ? bx + m->ni : NULL;
  bwid = bx ? bx + 2 * m->ni : NULL;
  if (!bx) goto nomem;
  double sp = 4, blockgap = 8, ylim0 = 8 + (title ? fs * 1.1 * 1.6 : 0), ylim1 = H - 8 - (anyp ? ts * 1.8 : 0);
  double shrink = 1;
  for (int sd = SIDE_LEFT; sd <= SIDE_RIGHT; sd++) {
    double need = 0;
    for (size_t j = 0; j < nc; j++) {
      if (side[j] != sd) continue;
      size_t n = 0;
      for (size_t i = 0; i < m->ni; i++) n += m->ind[i].con == j;
      if (n) need += (double)n * (boxh + sp) - sp + blockgap;
    }
    if (need > ylim1 - ylim0) shrink = fmin(shrink, (ylim1 - ylim0) / need);
  }
  if (shrink < 1) {
    boxh *= shrink;
    sp *= shrink;
    blockgap *= shrink;
    ts = fmax(5, ts * shrink);
    vs = fmax(5, vs * shrink);
  }
  for (int sd = SIDE_LEFT; sd <= SIDE_RIGHT; sd++) {
    /* constructs of this side from top to bottom */
    size_t ord[256], no = 0;
    for (size_t j = 0; j < nc && no < 256; j++)
      if (side[j] == sd) ord[no++] = j;
    for (size_t a1 = 1; a1 < no; a1++)
      for (size_t b1 = a1; b1 > 0 && cy[ord[b1 - 1]] > cy[ord[b1]]; b1--) {
        size_t t = ord[b1];
        ord[b1] = ord[b1 - 1];
        ord[b1 - 1] = t;
      }
    double start[256], height[256], end = ylim0 - blockgap;
    for (size_t q = 0; q < no; q++) {
      size_t n = 0;
      for (size_t i = 0; i < m->ni; i++) n += m->ind[i].con == ord[q];
      height[q] = n ? (double)n * (boxh + sp) - sp : 0;
      start[q] = fmax(cy[ord[q]] - height[q] / 2, end + blockgap);
      end = start[q] + height[q];
    }
    /* pushed past the bottom: shift up, no block above the top */
    double over = end - ylim1;
    for (size_t q = no; over > 0 && q-- > 0;) {
      start[q] -= over;
      if (q > 0) over = start[q - 1] + height[q - 1] + blockgap - start[q];
    }
    for (size_t q = 0; q < no; q++) {
      size_t k = 0, j = ord[q];
      for (size_t i = 0; i < m->ni; i++) {
        if (m->ind[i].con != j) continue;
        bwid[i] = nl_fig_text_width(f, m->ind[i].name, ts, 0) + 10;
        bx[i] = sd == SIDE_LEFT ? cx[j] - rx[j] - gap - bwid[i] / 2 : cx[j] + rx[j] + gap + bwid[i] / 2;
        by[i] = start[q] + (double)k * (boxh + sp) + boxh / 2;
        k++;
      }
    }
  }
  for (size_t j = 0; j < nc; j++) {
    if (side[j] != SIDE_ABOVE && side[j] != SIDE_BELOW) continue;
    /* each box gets a slot as wide as its value label too, so neighbouring labels stay apart */
    double slotw = nl_fig_text_width(f, "\xe2\x88\x92" "0.000", vs, 0) + 4, totalw = 0;
    for (size_t i = 0; i < m->ni; i++)
      if (m->ind[i].con == j) totalw += fmax(nl_fig_text_width(f, m->ind[i].name, ts, 0) + 10, slotw) + 8;
    double run = cx[j] - (totalw - 8) / 2;
    for (size_t i = 0; i < m->ni; i++) {
      if (m->ind[i].con != j) continue;
      bwid[i] = nl_fig_text_width(f, m->ind[i].name, ts, 0) + 10;
      double slot = fmax(bwid[i], slotw);
      bx[i] = run + slot / 2;
      by[i] = side[j] == SIDE_ABOVE ? cy[j] - ry[j] - gap - boxh / 2 : cy[j] + ry[j] + gap + boxh / 2;
      run += slot + 8;
    }
  }
  for (size_t i = 0; i < m->ni; i++) {
    size_t j = m->ind[i].con;
    double w = bwid[i];
    nl_fig_rect(f, bx[i] - w / 2, by[i] - boxh / 2, w, boxh, boxfill, grey, 0.6);
    nl_fig_text(f, bx[i], by[i], m->ind[i].name, ts, 0.5, NL_VA_MIDDLE, 0, ink, 0);
    double dx = bx[i] - cx[j], dy = by[i] - cy[j];
    double te = ellipse_t(dx, dy, rx[j], ry[j]), tb = box_t(-dx, -dy, w / 2, boxh / 2);
    double ex = cx[j] + dx * te, ey = cy[j] + dy * te, qx = bx[i] - dx * tb, qy = by[i] - dy * tb;
    if (m->c[j].mode == 'B')
      nl_fig_arrow(f, qx, qy, ex, ey, grey, 0.7, 5);
    else
      nl_fig_arrow(f, ex, ey, qx, qy, grey, 0.7, 5);
    char t[64];
    snprintf(t, sizeof t, "%.3f", m->ind[i].value);
    if (!isfinite(m->ind[i].value))
      snprintf(buf, sizeof buf, "NA");
    else if (t[0] == '-')
      snprintf(buf, sizeof buf, "\xe2\x88\x92%s", t + 1);
    else
      snprintf(buf, sizeof buf, "%s", t);
    /* near the box, where neighbouring arrows are still apart */
    double at = side[j] == SIDE_LEFT || side[j] == SIDE_RIGHT ? 0.3 : 0.4;
    tag_add(&tg, qx + (ex - qx) * at, qy + (ey - qy) * at, buf, vs, grey);
  }
  /* structural paths */
  pls_geom gm = {cx, cy, rx, ry, bx, by, bwid, boxh, ts};
  for (size_t k = 0; k < m->np; k++) draw_path(f, m, k, &gm, &tg);
  nl_free(bx);
  bx = NULL;
  draw_constructs(f, m, cx, cy, rx, ry, fs, ts);
  for (size_t k = 0; k < tg.n; k++) tag(f, tg.t[k].x, tg.t[k].y, tg.t[k].text, tg.t[k].size, tg.t[k].ink);
  if (tg.oom) goto nomem;
  if (title) nl_fig_text(f, 8, 8 + fs * 1.1, title, fs * 1.1, 0, NL_VA_BASELINE, 0, ink, 1);
  /* the page's height is a maximum: a small model gets a page as tall as its diagram */
  nl_fig_crop_height(f, 8, 8 + (anyp ? ts * 1.8 : 0));
  H = nl_fig_height(f);
  if (anyp)
    nl_fig_text(f, 8, H - 8, "* p < .05, ** p < .01, *** p < .001 (bootstrap, two-sided)", ts * 0.95, 0, NL_VA_BOTTOM, 0,
                grey, 0);
  (void)white;
  goto cleanup;
nomem:
  rs = nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
cleanup:
  nl_free(bx);
  nl_free(tg.t);
  nl_free(layer);
  nl_free(pos);
  nl_free(count);
  nl_free(cx);
  nl_free(side);
  return rs;
}

/* ---- simple slopes of an interaction term ---- */

nl_status nl_plot_pls_slopes(nl_figure *f, const nl_pls *p, size_t interaction, size_t outcome) {
  size_t a, b;
  if (!nl_pls_interaction_ends(p, interaction, &a, &b))
    return nl_err(nl_fig_err(f), NL_EINVAL, "construct %zu is not an interaction term", interaction);
  static const double lv[3] = {-1.0, 0.0, 1.0};
  static const char *const what[3] = {"-1 SD", "mean", "+1 SD"};
  double x[2] = {-1.0, 1.0}, y[2];
  char label[512], xl[256], yl[256];
  nl_status rs = NL_OK;
  for (int l = 0; l < 3 && !rs; l++) {
    double sl, ic;
    if (nl_pls_simple_slope(p, interaction, outcome, lv[l], &sl, &ic) != NL_OK)
      return nl_err(nl_fig_err(f), NL_EINVAL, "'%s' has no path to construct %zu (or the model is not estimated)",
                    nl_pls_construct_name(p, interaction), outcome);
    y[0] = ic - sl;
    y[1] = ic + sl;
    snprintf(label, sizeof label, "%s at %s", nl_pls_construct_name(p, b), what[l]);
    rs = nl_figure_line(f, 2, x, y, (size_t)l, label, 0);
  }
  snprintf(xl, sizeof xl, "%s (SD)", nl_pls_construct_name(p, a));
  snprintf(yl, sizeof yl, "%s (SD)", nl_pls_construct_name(p, outcome));
  if (!rs) rs = nl_figure_labels(f, xl, yl, NULL);
  if (!rs) rs = nl_figure_xlim(f, -1.0, 1.0);
  return rs;
}

/* ---- importance-performance map ---- */

nl_status nl_plot_pls_ipma(nl_figure *f, const nl_pls *p) {
  size_t t = nl_pls_ipma_target(p), nc = nl_pls_n_constructs(p), color = 0;
  if (t == (size_t)-1) return nl_err(nl_fig_err(f), NL_EINVAL, "no importance-performance map: run nl_pls_ipma first");
  nl_status rs = NL_OK;
  for (size_t j = 0; j < nc && !rs; j++) {
    double x = nl_pls_ipma_importance(p, j), y = nl_pls_ipma_performance(p, j);
    if (isnan(x)) continue;
    rs = nl_figure_line(f, 1, &x, &y, color++, nl_pls_construct_name(p, j), NL_PLOT_MARKERS);
  }
  char title[512];
  snprintf(title, sizeof title, "Importance-performance map: %s", nl_pls_construct_name(p, t));
  if (!rs) rs = nl_figure_labels(f, "Importance (unstandardized total effect)", "Performance (0-100)", title);
  return rs;
}
