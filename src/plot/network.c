/* Network figures: igraph's Fruchterman-Reingold layout, node area by size, colour by a
 * continuous or categorical attribute, edge width by weight. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>
#include <igraph.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "network/network_impl.h"
#include "plot/plot_impl.h"

#define PLOT_MAX_NODES 100000 /* more nodes than a figure can show */
#include "plot/table.h"

void nl_plot_network_options_default(nl_plot_network_options *o) {
  memset(o, 0, sizeof *o);
  o->labels = -1;
  o->seed = 1;
}

/* Fruchterman-Reingold positions (2n doubles), deterministic in the seed: igraph's global RNG
 * is seeded inside netlearn's igraph lock. Weights are shown by edge widths, not used by the
 * layout: as attraction they pull strongly tied firms on top of each other. */
static nl_status layout_fr(nl_figure *f, nl_network *g, unsigned long long seed, double *xy) {
  size_t n = nl_network_nodes(g), ne = nl_network_edges(g);
  igraph_t ig;
  igraph_vector_int_t ev;
  igraph_matrix_t res;
  int have_g = 0, have_ev = 0, have_res = 0;
  nl_status rs = NL_OK;
  nl_igraph_enter();
  if (igraph_vector_int_init(&ev, (igraph_integer_t)(2 * ne)) != IGRAPH_SUCCESS) goto fail;
  have_ev = 1;
  for (size_t e = 0; e < ne; e++) {
    size_t u, v;
    double wt;
    nl_network_edge(g, e, &u, &v, &wt);
    VECTOR(ev)[2 * e] = (igraph_integer_t)u;
    VECTOR(ev)[2 * e + 1] = (igraph_integer_t)v;
  }
  if (igraph_create(&ig, &ev, (igraph_integer_t)n, IGRAPH_UNDIRECTED) != IGRAPH_SUCCESS) goto fail;
  have_g = 1;
  if (igraph_matrix_init(&res, (igraph_integer_t)n, 2) != IGRAPH_SUCCESS) goto fail;
  have_res = 1;
  igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed);
  /* start from a circle in node order (rings and lattices unfold into circles, not knots),
   * turned by the seed so different seeds give different pictures */
  for (size_t i = 0; i < n; i++) {
    double a = 2 * 3.14159265358979323846 * (double)i / (double)n + (double)(seed % 1000) * 0.618;
    MATRIX(res, (igraph_integer_t)i, 0) = sqrt((double)n) * cos(a);
    MATRIX(res, (igraph_integer_t)i, 1) = sqrt((double)n) * sin(a);
  }
  if (igraph_layout_fruchterman_reingold(&ig, &res, 1, 500, sqrt((double)n), IGRAPH_LAYOUT_AUTOGRID,
                                         NULL, NULL, NULL, NULL, NULL) != IGRAPH_SUCCESS)
    goto fail;
  for (size_t i = 0; i < n; i++) {
    xy[2 * i] = MATRIX(res, (igraph_integer_t)i, 0);
    xy[2 * i + 1] = MATRIX(res, (igraph_integer_t)i, 1);
  }
  goto cleanup;
fail:
  rs = nl_err(nl_fig_err(f), NL_EINTERNAL, "network layout failed in igraph: %s", nl_igraph_reason());
cleanup:
  if (have_res) igraph_matrix_destroy(&res);
  if (have_g) igraph_destroy(&ig);
  if (have_ev) igraph_vector_int_destroy(&ev);
  nl_igraph_leave();
  return rs;
}

/* Node radius for a size value: area proportional to the value (values >= 0), or to its
 * position in the range when there are negative values. */
typedef struct size_scale {
  double lo, hi, rmin, rmax;
  int used;
} size_scale;

static double radius(const size_scale *s, double v) {
  if (!s->used || !isfinite(v)) return s->used ? s->rmin : s->rmax * 0.55;
  double t = s->lo >= 0 ? (s->hi > 0 ? v / s->hi : 0) : (s->hi > s->lo ? (v - s->lo) / (s->hi - s->lo) : 1);
  if (t < 0) t = 0;
  return fmax(s->rmin, s->rmax * sqrt(t));
}

#define MAXCAT NL_PLOT_NCATEGORIES

/* Categories in order of first appearance ("NA" for missing) into cats[0..*ncat), and each node's
 * into a new *catofp (caller frees). Errors: NL_EINVAL (more than MAXCAT), NL_ENOMEM. */
static nl_status categories(nl_figure *f, const char *const *category, size_t n, const char **cats, size_t *ncat,
                            size_t **catofp) {
  size_t *catof = *catofp = nl_malloc(n * sizeof *catof);
  if (!catof) return nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    const char *c = category[i] && *category[i] ? category[i] : "NA";
    size_t k = 0;
    while (k < *ncat && strcmp(cats[k], c)) k++;
    if (k == *ncat) {
      if (*ncat == MAXCAT)
        return nl_err(nl_fig_err(f), NL_EINVAL,
                      "more than %d categories to colour by: colours would repeat (use a numeric variable)", MAXCAT);
      cats[(*ncat)++] = c;
    }
    catof[i] = k;
  }
  return NL_OK;
}

/* Node sizes from the spacing of the layout: the median distance to the nearest node caps the
 * radii in ss. n > 1. Errors: NL_ENOMEM. O(n min(n, 2000)). */
static nl_status spacing_radii(nl_figure *f, const double *xy, size_t n, double rmax, size_scale *ss) {
  double *nn = nl_malloc(n * sizeof *nn);
  if (!nn) return nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
  size_t m = n > 2000 ? 2000 : n; /* a sample suffices for the median */
  for (size_t i = 0; i < m; i++) {
    double best = INFINITY;
    for (size_t j = 0; j < n; j++)
      if (j != i) best = fmin(best, hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]));
    nn[i] = best;
  }
  for (size_t a = 1; a < m; a++)
    for (size_t b = a; b > 0 && nn[b - 1] > nn[b]; b--) {
      double t = nn[b];
      nn[b] = nn[b - 1];
      nn[b - 1] = t;
    }
  double med = nn[m / 2];
  nl_free(nn);
  if (med > 0 && isfinite(med)) {
    ss->rmax = fmin(rmax, fmax(2, (ss->used ? 0.75 : 0.62) * med));
    ss->rmin = fmax(1.2, ss->rmax * 0.28);
  }
  return NL_OK;
}

/* Nodes must not cover each other: push overlapping pairs apart (a few relaxation rounds, inside
 * [lx0, lx1] x [ly0, ly1]). O(rounds n^2). */
static void separate_nodes(double *xy, size_t n, const size_scale *ss, const double *size, double lx0, double lx1,
                           double ly0, double ly1) {
  for (int round = 0; round < 60; round++) {
    int moved = 0;
    for (size_t i = 0; i < n; i++)
      for (size_t j = i + 1; j < n; j++) {
        double ri = radius(ss, ss->used ? size[i] : NAN), rj = radius(ss, ss->used ? size[j] : NAN);
        double dx = xy[2 * j] - xy[2 * i], dy = xy[2 * j + 1] - xy[2 * i + 1], d = hypot(dx, dy), need = ri + rj + 1.5;
        if (d >= need) continue;
        if (d < 1e-9) {
          dx = 1;
          dy = 0;
          d = 1;
        }
        double push = (need - d) / 2;
        xy[2 * i] -= dx / d * push;
        xy[2 * i + 1] -= dy / d * push;
        xy[2 * j] += dx / d * push;
        xy[2 * j + 1] += dy / d * push;
        moved = 1;
      }
    for (size_t i = 0; i < n; i++) {
      xy[2 * i] = fmin(fmax(xy[2 * i], lx0), fmax(lx0, lx1));
      xy[2 * i + 1] = fmin(fmax(xy[2 * i + 1], ly0), fmax(ly0, ly1));
    }
    if (!moved) break;
  }
}

/* Edges, their width by weight (unweighted: thinner as edges multiply). */
static void draw_edges(nl_figure *f, nl_network *g, const double *xy) {
  size_t ne = nl_network_edges(g);
  double wlo = INFINITY, whi = -INFINITY;
  for (size_t e = 0; e < ne; e++) {
    size_t u, v;
    double w;
    nl_network_edge(g, e, &u, &v, &w);
    wlo = fmin(wlo, w);
    whi = fmax(whi, w);
  }
  nl_rgba ec = {0.35, 0.35, 0.35, 0.55};
  for (size_t e = 0; e < ne; e++) {
    size_t u, v;
    double w;
    nl_network_edge(g, e, &u, &v, &w);
    /* unweighted: thinner as edges multiply, so that dense graphs do not turn grey */
    double lw = nl_network_weighted(g) && whi > wlo ? 0.4 + 2.6 * (w - wlo) / (whi - wlo)
                                                    : fmax(0.3, fmin(0.8, 0.8 * sqrt(200.0 / (double)ne)));
    double p[4] = {xy[2 * u], xy[2 * u + 1], xy[2 * v], xy[2 * v + 1]};
    nl_fig_path(f, p, 2, 0, (nl_rgba){0, 0, 0, 0}, ec, lw, NL_DASH_SOLID);
  }
}

/* Nodes, largest first so that small ones stay visible, coloured by number or category. */
static nl_status draw_nodes(nl_figure *f, const double *xy, size_t n, const nl_plot_network_options *op,
                            const size_scale *ss, const char *const *cats, const size_t *catof, double clo, double chi) {
  size_t *order = nl_malloc(n * sizeof *order);
  if (!order) return nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) order[i] = i;
  if (ss->used)
    for (size_t a = 1; a < n; a++)
      for (size_t b = a; b > 0 && radius(ss, op->size[order[b - 1]]) < radius(ss, op->size[order[b]]); b--) {
        size_t t = order[b];
        order[b] = order[b - 1];
        order[b - 1] = t;
      }
  nl_rgba white = {1, 1, 1, 1};
  for (size_t k = 0; k < n; k++) {
    size_t i = order[k];
    nl_rgba c = nl_plot_category(0);
    if (op->color) c = nl_plot_viridis(isfinite(op->color[i]) ? (op->color[i] - clo) / (chi - clo) : NAN);
    if (op->category) c = strcmp(cats[catof[i]], "NA") ? nl_plot_category(catof[i]) : (nl_rgba){0.7, 0.7, 0.7, 1};
    nl_fig_circle(f, xy[2 * i], xy[2 * i + 1], radius(ss, ss->used ? op->size[i] : NAN), c, white, 0.6);
  }
  nl_free(order);
  return NL_OK;
}

/* Node i's label, or its index (in buf) when the network has none. */
static const char *node_label(const nl_network *g, size_t i, char *buf, size_t cap) {
  const char *l = nl_network_label(g, i);
  if (*l) return l;
  snprintf(buf, cap, "%zu", i);
  return buf;
}

/* Legends in the column at lx from ly down: colour bar or categories, then node sizes. */
static void draw_legends(nl_figure *f, const nl_plot_network_options *op, const size_scale *ss, const char *const *cats,
                         size_t ncat, double lx, double ly, double legw, double clo, double chi, double plot_h) {
  double ts = nl_fig_font_size(f) * 0.9;
  nl_rgba white = {1, 1, 1, 1}, ink = {0.13, 0.13, 0.13, 1};
  char buf[64];
  if (op->color) {
    double bh = fmin(140, plot_h * 0.5);
    nl_fig_colorbar(f, lx, ly, legw, bh, clo, chi, op->color_label);
    ly += bh + 14;
  }
  if (op->category) {
    if (op->color_label) {
      nl_fig_text(f, lx, ly, op->color_label, ts, 0, NL_VA_TOP, 0, ink, 0);
      ly += ts * 1.6;
    }
    for (size_t k = 0; k < ncat; k++) {
      nl_rgba c = strcmp(cats[k], "NA") ? nl_plot_category(k) : (nl_rgba){0.7, 0.7, 0.7, 1};
      nl_fig_circle(f, lx + 5, ly + ts * 0.7, 4.5, c, white, 0.5);
      nl_fig_text(f, lx + 14, ly + ts * 0.7, cats[k], ts, 0, NL_VA_MIDDLE, 0, ink, 0);
      ly += ts * 1.6;
    }
    ly += 10;
  }
  if (ss->used) {
    if (op->size_label) {
      nl_fig_text(f, lx, ly, op->size_label, ts, 0, NL_VA_TOP, 0, ink, 0);
      ly += ts * 1.6;
    }
    double tk[64], step;
    size_t nt = ss->hi > ss->lo ? nl_plot_ticks(ss->lo, ss->hi, 4, tk, 64, &step) : 0;
    if (nt > 64) nt = 64;
    if (nt > 3) {
      /* smallest, middle and largest nice value */
      tk[1] = tk[nt / 2];
      tk[2] = tk[nt - 1];
      nt = 3;
    }
    if (nt == 0) {
      tk[0] = ss->hi;
      nt = 1;
      step = fabs(ss->hi) > 0 ? fabs(ss->hi) : 1;
    }
    for (size_t k = 0; k < nt; k++) {
      double r = radius(ss, tk[k]);
      nl_rgba gc = {0.6, 0.6, 0.6, 1};
      nl_fig_circle(f, lx + ss->rmax, ly + ss->rmax, r, (nl_rgba){0, 0, 0, 0}, gc, 0.8);
      nl_plot_format_tick(tk[k], step, buf, sizeof buf);
      nl_fig_text(f, lx + 2 * ss->rmax + 5, ly + ss->rmax, buf, ts, 0, NL_VA_MIDDLE, 0, ink, 0);
      ly += fmax(2 * ss->rmax + 3, ts * 1.6);
    }
  }
}

nl_status nl_plot_network(nl_figure *f, nl_network *g, const nl_plot_network_options *opt) {
  nl_plot_network_options o;
  if (opt)
    o = *opt;
  else
    nl_plot_network_options_default(&o);
  size_t n = nl_network_nodes(g);
  if (n == 0) return nl_err(nl_fig_err(f), NL_EINVAL, "the network has no nodes");
  if (o.color && o.category) return nl_err(nl_fig_err(f), NL_EINVAL, "colour by a number or by a category, not both");
  /* categories (order of first appearance, "NA" for missing) */
  const char *cats[MAXCAT + 1];
  size_t ncat = 0;
  size_t *catof = NULL;
  double *xy = nl_malloc(2 * n * sizeof *xy);
  if (!xy) return nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
  nl_status rs = NL_OK;
  if (o.category && (rs = categories(f, o.category, n, cats, &ncat, &catof))) goto cleanup;
  rs = layout_fr(f, g, o.seed ? o.seed : 1, xy);
  if (rs) goto cleanup;
  double fs = nl_fig_font_size(f), ts = fs * 0.9;
  const char *title = nl_fig_title(f);
  nl_fig_begin_free(f); /* keeps the title */
  double W = nl_fig_width(f), H = nl_fig_height(f);
  /* legend column on the right */
  size_scale ss = {0, 0, 0, 0, o.size != NULL};
  double clo = INFINITY, chi = -INFINITY;
  if (o.size) {
    ss.lo = INFINITY;
    ss.hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
      if (isfinite(o.size[i])) {
        ss.lo = fmin(ss.lo, o.size[i]);
        ss.hi = fmax(ss.hi, o.size[i]);
      }
    if (!(ss.lo <= ss.hi)) ss.used = 0;
  }
  if (o.color) {
    for (size_t i = 0; i < n; i++)
      if (isfinite(o.color[i])) {
        clo = fmin(clo, o.color[i]);
        chi = fmax(chi, o.color[i]);
      }
    if (!(clo <= chi)) clo = 0, chi = 1;
    if (clo == chi) {
      clo -= 0.5;
      chi += 0.5;
    }
  }
  double legw = 0;
  if (o.color) legw = fmax(legw, nl_fig_colorbar_width(f, clo, chi, o.color_label));
  if (o.category) {
    for (size_t k = 0; k < ncat; k++) legw = fmax(legw, 16 + nl_fig_text_width(f, cats[k], ts, 0));
    if (o.color_label) legw = fmax(legw, nl_fig_text_width(f, o.color_label, ts, 0));
  }
  double top = 8 + (title ? fs * 1.1 * 1.6 : 0);
  double x0 = 8, y0 = top, x1 = W - 8 - (legw > 0 || ss.used ? 0 : 0), y1 = H - 8;
  double area = (W - 16) * (y1 - y0);
  double rmax = fmin(14, fmax(3, 0.42 * sqrt(area / (double)n)));
  ss.rmax = rmax;
  ss.rmin = fmax(1.2, rmax * 0.28);
  char buf[64];
  if (ss.used) {
    legw = fmax(legw, 2 * rmax + 6 + nl_fig_text_width(f, "000000", ts, 0));
    if (o.size_label) legw = fmax(legw, nl_fig_text_width(f, o.size_label, ts, 0));
  }
  if (legw > 0) x1 = W - 12 - legw - 8;
  /* labels */
  int show_labels = o.labels < 0 ? n <= 40 : o.labels;
  double ls = fs * 0.7, labw = 0;
  if (show_labels)
    for (size_t i = 0; i < n; i++) {
      labw = fmax(labw, nl_fig_text_width(f, node_label(g, i, buf, sizeof buf), ls, 0));
    }
  /* fit the layout into [x0, x1] x [y0, y1] with equal scales, leaving room for radii */
  double mx0 = INFINITY, mx1 = -INFINITY, my0 = INFINITY, my1 = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    mx0 = fmin(mx0, xy[2 * i]);
    mx1 = fmax(mx1, xy[2 * i]);
    my0 = fmin(my0, xy[2 * i + 1]);
    my1 = fmax(my1, xy[2 * i + 1]);
  }
  double pad = rmax + 2;
  double aw = (x1 - x0) - 2 * pad - (show_labels ? labw + 3 : 0), ah = (y1 - y0) - 2 * pad;
  double sx = mx1 > mx0 ? aw / (mx1 - mx0) : 0, sy = my1 > my0 ? ah / (my1 - my0) : 0;
  double sc = (sx > 0 && sy > 0) ? fmin(sx, sy) : fmax(sx, sy);
  double cx = (x0 + x1 - (show_labels ? labw + 3 : 0)) / 2, cy = (y0 + y1) / 2;
  for (size_t i = 0; i < n; i++) {
    xy[2 * i] = cx + (xy[2 * i] - (mx0 + mx1) / 2) * sc;
    xy[2 * i + 1] = cy + (xy[2 * i + 1] - (my0 + my1) / 2) * sc;
  }
  /* node sizes from the spacing of the layout */
  if (n > 1 && (rs = spacing_radii(f, xy, n, rmax, &ss))) goto cleanup;
  /* nodes must not cover each other; skipped for very large graphs */
  if (n <= 2000)
    separate_nodes(xy, n, &ss, o.size, x0 + pad, x1 - pad - (show_labels ? labw + 3 : 0), y0 + pad, y1 - pad);
  draw_edges(f, g, xy);
  if ((rs = draw_nodes(f, xy, n, &o, &ss, cats, catof, clo, chi))) goto cleanup;
  nl_rgba ink = {0.13, 0.13, 0.13, 1};
  if (show_labels)
    for (size_t i = 0; i < n; i++) {
      const char *l = node_label(g, i, buf, sizeof buf);
      double r = radius(&ss, ss.used ? o.size[i] : NAN);
      nl_fig_text(f, xy[2 * i] + r + 1.5, xy[2 * i + 1], l, ls, 0, NL_VA_MIDDLE, 0, ink, 0);
    }
  if (title) nl_fig_text(f, 8, 8 + fs * 1.1, title, fs * 1.1, 0, NL_VA_BASELINE, 0, ink, 1);
  draw_legends(f, &o, &ss, cats, ncat, W - 8 - legw, top, legw, clo, chi, y1 - y0);
  /* a wide network on a tall page: no empty bands above and below */
  nl_fig_crop_height(f, 8, 8);
cleanup:
  nl_free(xy);
  nl_free(catof);
  return rs;
}

/* ---- from files ---- */

static int same_value(const char *a, const char *b) {
  double x, y;
  if (nl_strtab_parse_num(a, &x) && nl_strtab_parse_num(b, &y) && !isnan(x) && !isnan(y)) return x == y;
  return !strcmp(a, b);
}

static int nonneg_int(const char *s, double *v) {
  return nl_strtab_parse_num(s, v) && isfinite(*v) && *v >= 0 && *v == floor(*v) && *v < 1e9;
}

static nl_status column(nl_figure *f, const nl_strtab *t, const char *name, long *col) {
  *col = nl_strtab_col(t, name);
  if (*col >= 0) return NL_OK;
  long k = nl_closest_name(name, (const char *const *)t->cell, t->ncol);
  char cols[512] = "";
  size_t len = 0;
  for (size_t j = 0; j < t->ncol && len < sizeof cols; j++)
    len += (size_t)snprintf(cols + len, sizeof cols - len, "%s%s", j ? ", " : "", t->cell[j]);
  if (k >= 0)
    return nl_err(nl_fig_err(f), NL_EINVAL, "%s: no column '%s'; did you mean '%s'? (columns: %s)", t->source, name,
                  t->cell[k], cols);
  return nl_err(nl_fig_err(f), NL_EINVAL, "%s: no column '%s' (columns: %s)", t->source, name, cols);
}

/* A filter "COLUMN=VALUE" (what: "filter" or "edge filter", for messages): the column's name into
 * name, its index in t and the value. Errors: NL_EINVAL (no '=', unknown column). */
static nl_status filter_column(nl_figure *f, const nl_strtab *t, const char *what, const char *text, char *name,
                               size_t cap, long *col, const char **value) {
  const char *eq = strchr(text, '=');
  if (!eq) return nl_err(nl_fig_err(f), NL_EINVAL, "%s '%s': expected COLUMN=VALUE", what, text);
  snprintf(name, cap, "%.*s", (int)(eq - text), text);
  *value = eq + 1;
  return column(f, t, name, col);
}

/* A long-form edge list reduced to "source,target[,weight]" rows in a temporary file (the
 * network module's reader then checks ids, weights, loops and duplicates as usual). linemap[k]
 * is the original line of the temporary file's line k + 2. */
static nl_status select_edges(nl_figure *f, const nl_plot_network_files *sp, char *tmp, size_t cap, long **linemap) {
  nl_strtab *t = NULL;
  FILE *fp = NULL;
  nl_status rs = nl_strtab_read(sp->graph, &t, nl_fig_err(f));
  long cs = 0, ct = 1, cw = -1;
  *linemap = NULL;
  tmp[0] = '\0';
  if (rs) return rs;
  if (t->ncol < 2) {
    rs = nl_err(nl_fig_err(f), NL_EPARSE, "%s: an edge list needs two columns", sp->graph);
    goto cleanup;
  }
  if (sp->source && (rs = column(f, t, sp->source, &cs))) goto cleanup;
  if (sp->target && (rs = column(f, t, sp->target, &ct))) goto cleanup;
  if (sp->weight) {
    if ((rs = column(f, t, sp->weight, &cw))) goto cleanup;
  } else
    for (size_t j = 0; j < t->ncol; j++)
      if (!strcasecmp(t->cell[j], "weight")) cw = (long)j;
  long cf[64];
  const char *val[64];
  if (sp->nedge_filter > 64) {
    rs = nl_err(nl_fig_err(f), NL_EINVAL, "at most 64 edge filters");
    goto cleanup;
  }
  for (size_t k = 0; k < sp->nedge_filter; k++) {
    char name[256];
    if ((rs = filter_column(f, t, "edge filter", sp->edge_filter[k], name, sizeof name, &cf[k], &val[k])))
      goto cleanup;
  }
  *linemap = nl_malloc((t->nrow + 1) * sizeof **linemap);
  if (!*linemap) {
    rs = nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  const char *base = getenv("TMPDIR");
  snprintf(tmp, cap, "%s/netlearn-edges-XXXXXX", base && *base ? base : "/tmp");
  int fd = mkstemp(tmp);
  if (fd < 0 || !(fp = fdopen(fd, "w"))) {
    rs = nl_err(nl_fig_err(f), NL_EIO, "%s: cannot create a temporary file", tmp);
    tmp[0] = '\0';
    goto cleanup;
  }
  fprintf(fp, cw >= 0 ? "source,target,weight\n" : "source,target\n");
  size_t kept = 0;
  for (size_t r = 0; r < t->nrow; r++) {
    int ok = 1;
    for (size_t k = 0; k < sp->nedge_filter && ok; k++) ok = same_value(nl_strtab_cell(t, r, (size_t)cf[k]), val[k]);
    if (!ok) continue;
    const char *v[3] = {nl_strtab_cell(t, r, (size_t)cs), nl_strtab_cell(t, r, (size_t)ct),
                        cw >= 0 ? nl_strtab_cell(t, r, (size_t)cw) : NULL};
    for (int i = 0; i < 3 && v[i]; i++) {
      if (i) fputc(',', fp);
      fputc('"', fp);
      for (const char *c = v[i]; *c; c++) {
        if (*c == '"') fputc('"', fp);
        fputc(*c, fp);
      }
      fputc('"', fp);
    }
    fputc('\n', fp);
    (*linemap)[kept++] = (long)r + 2; /* header is line 1 (blank lines aside) */
  }
  if (fclose(fp) != 0) {
    fp = NULL;
    rs = nl_err(nl_fig_err(f), NL_EIO, "%s: write failed", tmp);
    goto cleanup;
  }
  fp = NULL;
  if (!kept) rs = nl_err(nl_fig_err(f), NL_EINVAL, "%s: no edge left after the edge filters", sp->graph);
cleanup:
  if (fp) fclose(fp);
  nl_strtab_free(t);
  return rs;
}

/* The network reader's message about the temporary edge file, told in terms of the user's file. */
static nl_status edge_error(nl_figure *f, nl_status rs, const char *msg, const char *tmp, const char *orig,
                            const long *linemap) {
  size_t n = strlen(tmp);
  if (tmp[0] && !strncmp(msg, tmp, n) && msg[n] == ':') {
    char *end;
    long line = strtol(msg + n + 1, &end, 10);
    if (end != msg + n + 1 && *end == ':' && line >= 2)
      return nl_err(nl_fig_err(f), rs, "%s:%ld:%s", orig, linemap[line - 2], end + 1);
    return nl_err(nl_fig_err(f), rs, "%s%s", orig, msg + n);
  }
  return nl_err(nl_fig_err(f), rs, "%s", msg);
}

/* --filter COLUMN=VALUE: keep[r] = 0 for the node rows that fail one. Errors: NL_EINVAL (bad
 * filter, unknown column, no row left). */
static nl_status filter_rows(nl_figure *f, const nl_plot_network_files *sp, const nl_strtab *t, char *keep) {
  nl_status rs = NL_OK;
  for (size_t k = 0; k < sp->nfilter; k++) {
    char name[256];
    const char *value = "";
    long c = 0;
    if ((rs = filter_column(f, t, "filter", sp->filter[k], name, sizeof name, &c, &value))) return rs;
    size_t left = 0;
    for (size_t r = 0; r < t->nrow; r++) {
      if (keep[r] && !same_value(nl_strtab_cell(t, r, (size_t)c), value)) keep[r] = 0;
      left += (size_t)keep[r];
    }
    if (!left) return nl_err(nl_fig_err(f), NL_EINVAL, "%s: no row has %s = %s", t->source, name, value);
  }
  return NL_OK;
}

/* Integer ids everywhere (edge list and node rows): nodes 0..max, so that firms without ties are
 * kept; the edge list is read again with that many nodes. Errors: NL_ERANGE (too many nodes), the
 * reader's. */
static nl_status integer_ids(nl_figure *f, const nl_plot_network_files *sp, nl_network *g, const nl_strtab *t,
                             const char *keep, long cid, const char *gpath, const char *tmp, const long *linemap) {
  nl_status rs = NL_OK;
  int allint = 1;
  double v, mx = -1;
  for (size_t i = 0; i < nl_network_nodes(g) && allint; i++) {
    allint = nonneg_int(nl_network_label(g, i), &v);
    mx = fmax(mx, v);
  }
  for (size_t r = 0; r < t->nrow && allint; r++)
    if (keep[r]) {
      allint = nonneg_int(nl_strtab_cell(t, r, (size_t)cid), &v);
      mx = fmax(mx, v);
    }
  /* Ids 0..max become nodes: one stray id (99999999) must not build 1e8 of them. */
  if (allint && mx + 1 > (double)PLOT_MAX_NODES) {
    rs = nl_err(nl_fig_err(f), NL_ERANGE,
                "%s: node id %.0f: integer ids are drawn as nodes 0..max, and a network plot has at most %d "
                "nodes",
                t->source, mx, PLOT_MAX_NODES);
    return rs;
  }
  if (allint && mx >= 0 && mx + 1 > (double)nl_network_nodes(g)) {
    rs = nl_network_read_edgelist_into(g, gpath, (size_t)mx + 1, 0);
    if (rs) {
      rs = edge_error(f, rs, nl_network_errmsg(g), tmp, sp->graph, linemap);
      return rs;
    }
  }
  return NL_OK;
}

/* rowof[i]: the node row of node i (-1 when none). Errors: NL_EINVAL (a node with two rows). */
static nl_status match_rows(nl_figure *f, nl_network *g, const nl_strtab *t, const char *keep, long cid, long *rowof) {
  nl_status rs = NL_OK;
  size_t n = nl_network_nodes(g);
  char key[32];
  for (size_t r = 0; r < t->nrow; r++) {
    if (!keep[r]) continue;
    const char *id = nl_strtab_cell(t, r, (size_t)cid);
    for (size_t i = 0; i < n; i++) {
      const char *l = nl_network_label(g, i);
      if (!*l) {
        snprintf(key, sizeof key, "%zu", i);
        l = key;
      }
      if (!same_value(l, id)) continue;
      if (rowof[i] >= 0) {
        rs = nl_err(nl_fig_err(f), NL_EINVAL,
                    "%s:%zu: node '%s' has more than one row (also line %ld): select one with filters, e.g. "
                    "--filter replication=0 --filter period=100",
                    t->source, r + 2, id, rowof[i] + 2);
        return rs;
      }
      rowof[i] = (long)r;
      break;
    }
  }
  return NL_OK;
}

/* Node sizes from the size column (NaN for nodes without a row) into a new *sizep (caller frees;
 * set before anything can fail). Errors: NL_EINVAL (not a number), NL_ENOMEM. */
static nl_status size_column(nl_figure *f, const nl_plot_network_files *sp, const nl_strtab *t, long csize,
                             const long *rowof, size_t n, double **sizep) {
  nl_status rs = NL_OK;
  double *size = *sizep = nl_malloc(n * sizeof *size);
  if (!size) return nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    size[i] = NAN;
    if (rowof[i] < 0) continue;
    const char *c = nl_strtab_cell(t, (size_t)rowof[i], (size_t)csize);
    if (!nl_strtab_parse_num(c, &size[i])) {
      rs = nl_err(nl_fig_err(f), NL_EINVAL, "%s:%ld: size column '%s' is not a number: '%s'", t->source,
                  rowof[i] + 2, sp->size, c);
      return rs;
    }
  }
  return NL_OK;
}

/* Node colours: numbers give a continuous scale (*colorp), text or a few integer codes (group
 * ids) categories (*catp); both new arrays the caller frees. Errors: NL_ENOMEM. */
static nl_status color_column(nl_figure *f, const nl_strtab *t, long ccolor, const long *rowof, size_t n,
                              double **colorp, const char ***catp) {
  /* numbers -> continuous scale, except a few integer codes (group ids) -> categories */
  int numeric = 1, integers = 1;
  double distinct[MAXCAT + 1];
  size_t nd = 0;
  for (size_t i = 0; i < n; i++) {
    if (rowof[i] < 0) continue;
    double v;
    const char *c = nl_strtab_cell(t, (size_t)rowof[i], (size_t)ccolor);
    if (!nl_strtab_parse_num(c, &v)) {
      numeric = 0;
      break;
    }
    if (isnan(v)) continue;
    if (v != floor(v)) integers = 0;
    size_t k = 0;
    while (k < nd && distinct[k] != v) k++;
    if (k == nd && nd <= MAXCAT) distinct[nd++] = v;
  }
  if (numeric && !(integers && nd <= MAXCAT && nd > 0)) {
    double *color = *colorp = nl_malloc(n * sizeof *color);
    if (!color) return nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) color[i] = rowof[i] < 0 ? NAN : nl_strtab_num(t, (size_t)rowof[i], (size_t)ccolor);
  } else {
    const char **cat = *catp = nl_malloc(n * sizeof *cat);
    if (!cat) return nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
      cat[i] = rowof[i] < 0 ? NULL : nl_strtab_cell(t, (size_t)rowof[i], (size_t)ccolor);
      if (cat[i] && nl_strtab_missing(cat[i])) cat[i] = NULL;
    }
  }
  return NL_OK;
}

nl_status nl_plot_network_draw_files(nl_figure *f, const nl_plot_network_files *sp) {
  nl_network *g = nl_network_new();
  nl_strtab *t = NULL;
  long *rowof = NULL;
  double *size = NULL, *color = NULL;
  const char **cat = NULL;
  char *keep = NULL;
  nl_status rs = NL_OK;
  char tmp[512] = "";
  long *linemap = NULL;
  const char *gpath = sp->graph;
  if (!g) return nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
  int graphml = nl_network_path_is_graphml(sp->graph);
  if (graphml && (sp->source || sp->target || sp->weight || sp->nedge_filter)) {
    rs = nl_err(nl_fig_err(f), NL_EINVAL, "%s: edge columns and edge filters are for CSV edge lists, not GraphML",
                sp->graph);
    goto cleanup;
  }
  if (!graphml && (sp->source || sp->target || sp->weight || sp->nedge_filter)) {
    rs = select_edges(f, sp, tmp, sizeof tmp, &linemap);
    if (rs) goto cleanup;
    gpath = tmp;
  }
  rs = graphml ? nl_network_read_graphml_into(g, gpath, 0) : nl_network_read_edgelist_into(g, gpath, 0, 0);
  if (rs) {
    rs = edge_error(f, rs, nl_network_errmsg(g), tmp, sp->graph, linemap);
    goto cleanup;
  }
  long cid = -1, csize = -1, ccolor = -1;
  if (sp->nodes) {
    rs = nl_strtab_read(sp->nodes, &t, nl_fig_err(f));
    if (rs) goto cleanup;
    if (sp->id) {
      if ((rs = column(f, t, sp->id, &cid))) goto cleanup;
    } else {
      cid = nl_strtab_col(t, "id");
      if (cid < 0) cid = nl_strtab_col(t, "firm");
      if (cid < 0) cid = 0;
    }
    if (sp->size && (rs = column(f, t, sp->size, &csize))) goto cleanup;
    if (sp->color && (rs = column(f, t, sp->color, &ccolor))) goto cleanup;
    keep = nl_malloc(t->nrow + 1);
    if (!keep) goto nomem;
    memset(keep, 1, t->nrow + 1);
    if ((rs = filter_rows(f, sp, t, keep))) goto cleanup;
    if (!graphml && (rs = integer_ids(f, sp, g, t, keep, cid, gpath, tmp, linemap))) goto cleanup;
  }
  size_t n = nl_network_nodes(g);
  nl_plot_network_options o;
  nl_plot_network_options_default(&o);
  o.labels = sp->labels;
  o.seed = sp->seed;
  if (t) {
    rowof = nl_malloc((n ? n : 1) * sizeof *rowof);
    if (!rowof) goto nomem;
    for (size_t i = 0; i < n; i++) rowof[i] = -1;
    if ((rs = match_rows(f, g, t, keep, cid, rowof))) goto cleanup;
    if (csize >= 0) {
      if ((rs = size_column(f, sp, t, csize, rowof, n, &size))) goto cleanup;
      o.size = size;
      o.size_label = sp->size;
    }
    if (ccolor >= 0) {
      if ((rs = color_column(f, t, ccolor, rowof, n, &color, &cat))) goto cleanup;
      o.color = color;
      o.category = cat;
      o.color_label = sp->color;
    }
  }
  rs = nl_plot_network(f, g, &o);
  goto cleanup;
nomem:
  rs = nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
cleanup:
  if (tmp[0]) remove(tmp);
  nl_free(linemap);
  nl_network_free(g);
  nl_strtab_free(t);
  nl_free(rowof);
  nl_free(size);
  nl_free(color);
  nl_free(cat);
  nl_free(keep);
  return rs;
}
