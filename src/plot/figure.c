/*
 * nl_figure: layers in data units, a layout step (ticks, margins, legend) that turns them into a
 * display list in page points, and two back ends for the display list: cairo for PNG, and an SVG
 * writer of our own so that text stays <text> (cairo's SVG surface turns text into glyph
 * outlines, which journals' editors and screen readers cannot use).
 */
#define _POSIX_C_SOURCE 200809L
#if NL_HAVE_PLOT
#include <cairo.h>
#endif
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/atomic.h"
#include "plot/plot_impl.h"

#define NL_PI 3.14159265358979323846

enum { OP_PATH, OP_CIRCLE, OP_ELLIPSE, OP_TEXT, OP_CLIP, OP_UNCLIP };

typedef struct op {
  int kind;
  double *pts; /* OP_PATH: npts (x, y) pairs */
  size_t npts;
  int closed, dash;
  nl_rgba fill, stroke;
  double lw;
  double x, y, rx, ry;  /* circle / ellipse centre and radii; text anchor; clip rectangle x, y, w=rx, h=ry */
  char *text;
  double size, hanchor, angle;
  int vanchor, bold;
} op;

enum { L_LINE, L_BAND, L_ERR };

typedef struct layer {
  int kind;
  size_t n;
  double *x, *y, *lo, *hi;
  size_t color;
  char *label;
  unsigned flags;
} layer;

struct nl_figure {
  nl_figure_options o;
  double asked_height; /* o.height as created; free drawings may crop o.height */
  double asked_width;  /* o.width as created; free drawings may widen o.width */
  char font[64];
  char *xlabel, *ylabel, *title, *legend_title;
  int has_xlim, has_ylim;
  double xlim[2], ylim[2];
  layer *layers;
  size_t nlayers, lcap;
  size_t next_color;
  /* heatmap */
  int heat;
  size_t hnx, hny;
  double *hx, *hy, *hz;
  double zlo, zhi;
  char *zlabel;
  int annotate;
  int free_mode;
  /* layout */
  int laid_out;
  double px0, py0, px1, py1;
  double xlo, xhi, ylo, yhi;
  /* display list */
  op *ops;
  size_t nops, opcap;
  int oom;
#if NL_HAVE_PLOT
  cairo_surface_t *msurf; /* text metrics */
  cairo_t *mcr;
#endif
  nl_errbuf err;
  char bad[160]; /* options out of range given to nl_figure_new: why (saving and layout fail) */
};

static const nl_rgba BLACK = {0, 0, 0, 1};
static const nl_rgba NONE = {0, 0, 0, 0};
static const nl_rgba WHITE = {1, 1, 1, 1};
static const nl_rgba INK = {0.13, 0.13, 0.13, 1};      /* text and axes */
static const nl_rgba GRID = {0.88, 0.88, 0.88, 1};     /* major grid lines (theme_bw) */
static const nl_rgba TICKINK = {0.3, 0.3, 0.3, 1};

/* ---- handle ----------------------------------------------------------------------------- */

void nl_figure_options_default(nl_figure_options *o) {
  memset(o, 0, sizeof *o);
  o->width = 480;
  o->height = 336;
  o->dpi = 150;
  o->font_size = 10;
  o->font = "DejaVu Sans";
}

/* Why options are out of range ("" when they are not). */
static void options_check(const nl_figure_options *o, char *why, size_t cap) {
  why[0] = '\0';
  if (!(o->width >= 36 && o->width <= 14400 && o->height >= 36 && o->height <= 14400))
    snprintf(why, cap, "figure size %g x %g pt out of range (36 to 14400 pt each)", o->width, o->height);
  else if (!(o->dpi >= 36 && o->dpi <= 1200))
    snprintf(why, cap, "figure resolution %g dpi out of range (36 to 1200)", o->dpi);
  else if (!(o->font_size >= 4 && o->font_size <= 72))
    snprintf(why, cap, "figure font size %g pt out of range (4 to 72)", o->font_size);
}

nl_figure *nl_figure_new(const nl_figure_options *o) {
  nl_figure_options d;
  nl_figure_options_default(&d);
  nl_figure *f = nl_calloc(1, sizeof *f);
  if (!f) return NULL;
  if (o) {
    /* Out-of-range options still give a handle (NULL means out of memory only): it keeps the
     * defaults, so drawing calls stay sane, and the reason, which saving reports. */
    options_check(o, f->bad, sizeof f->bad);
    if (f->bad[0]) {
      nl_err(&f->err, NL_ERANGE, "%s", f->bad);
    } else {
      d = *o;
      if (!d.font || !*d.font) d.font = "DejaVu Sans";
    }
  }
  f->o = d;
  snprintf(f->font, sizeof f->font, "%s", d.font);
  f->o.font = f->font;
  f->asked_height = f->o.height;
  f->asked_width = f->o.width;
  f->zlo = f->zhi = NAN;
  return f;
}

static void ops_clear(nl_figure *f) {
  for (size_t i = 0; i < f->nops; i++) {
    nl_free(f->ops[i].pts);
    nl_free(f->ops[i].text);
  }
  f->nops = 0;
}

static void layers_clear(nl_figure *f) {
  for (size_t i = 0; i < f->nlayers; i++) {
    layer *l = &f->layers[i];
    nl_free(l->x);
    nl_free(l->y);
    nl_free(l->lo);
    nl_free(l->hi);
    nl_free(l->label);
  }
  f->nlayers = 0;
  f->next_color = 0;
  nl_free(f->hx);
  nl_free(f->hy);
  nl_free(f->hz);
  nl_free(f->zlabel);
  f->hx = f->hy = f->hz = NULL;
  f->zlabel = NULL;
  f->heat = 0;
  f->laid_out = 0;
  f->o.height = f->asked_height; /* a new drawing starts from the full page */
  f->o.width = f->asked_width;
}

void nl_figure_free(nl_figure *f) {
  if (!f) return;
  layers_clear(f);
  ops_clear(f);
  nl_free(f->ops);
  nl_free(f->layers);
  nl_free(f->xlabel);
  nl_free(f->ylabel);
  nl_free(f->title);
  nl_free(f->legend_title);
#if NL_HAVE_PLOT
  if (f->mcr) cairo_destroy(f->mcr);
  if (f->msurf) cairo_surface_destroy(f->msurf);
#endif
  nl_free(f);
}

const char *nl_figure_errmsg(const nl_figure *f) { return NL_ERRMSG_OF(f); }
nl_errbuf *nl_fig_err(nl_figure *f) { return &f->err; }
const char *nl_fig_title(const nl_figure *f) { return f->title; }
double nl_fig_width(const nl_figure *f) { return f->o.width; }
double nl_fig_height(const nl_figure *f) { return f->o.height; }
double nl_fig_font_size(const nl_figure *f) { return f->o.font_size; }

static nl_status set_str(nl_figure *f, char **dst, const char *s) {
  if (!s) return NL_OK;
  char *c = NULL;
  if (*s) {
    c = nl_strdup(s);
    if (!c) return nl_err(&f->err, NL_ENOMEM, "out of memory");
  }
  nl_free(*dst);
  *dst = c;
  f->laid_out = 0;
  return NL_OK;
}

nl_status nl_figure_labels(nl_figure *f, const char *xlabel, const char *ylabel, const char *title) {
  nl_status rs = set_str(f, &f->xlabel, xlabel);
  if (!rs) rs = set_str(f, &f->ylabel, ylabel);
  if (!rs) rs = set_str(f, &f->title, title);
  return rs;
}

nl_status nl_figure_legend_title(nl_figure *f, const char *title) { return set_str(f, &f->legend_title, title); }

nl_status nl_figure_xlim(nl_figure *f, double lo, double hi) {
  if (!(lo < hi) || !isfinite(lo) || !isfinite(hi))
    return nl_err(&f->err, NL_ERANGE, "x limits must be finite with lo < hi (got %g, %g)", lo, hi);
  f->has_xlim = 1;
  f->xlim[0] = lo;
  f->xlim[1] = hi;
  f->laid_out = 0;
  return NL_OK;
}

nl_status nl_figure_ylim(nl_figure *f, double lo, double hi) {
  if (!(lo < hi) || !isfinite(lo) || !isfinite(hi))
    return nl_err(&f->err, NL_ERANGE, "y limits must be finite with lo < hi (got %g, %g)", lo, hi);
  f->has_ylim = 1;
  f->ylim[0] = lo;
  f->ylim[1] = hi;
  f->laid_out = 0;
  return NL_OK;
}

/* ---- layers ----------------------------------------------------------------------------- */

static double *dup_arr(const double *a, size_t n) {
  if (!a) return NULL;
  double *d = nl_malloc(n * sizeof *d);
  if (d) memcpy(d, a, n * sizeof *d);
  return d;
}

static nl_status add_layer(nl_figure *f, int kind, size_t n, const double *x, const double *y, const double *lo,
                           const double *hi, size_t color, const char *label, unsigned flags) {
  if (f->free_mode || f->heat) {
    /* a new panel replaces a free drawing or a heatmap */
    layers_clear(f);
    ops_clear(f);
    f->free_mode = 0;
  }
  if (n == 0 || !x) return nl_err(&f->err, NL_EINVAL, "a layer needs at least one point");
  size_t finite = 0;
  for (size_t i = 0; i < n; i++) {
    int ok = isfinite(x[i]);
    if (y) ok = ok && isfinite(y[i]);
    if (lo) ok = ok && isfinite(lo[i]) && isfinite(hi[i]);
    finite += (size_t)ok;
  }
  if (!finite) return nl_err(&f->err, NL_EINVAL, "a layer has no finite point");
  if (n > SIZE_MAX / sizeof(double)) return nl_err(&f->err, NL_ENOMEM, "out of memory");
  if (nl_grow(&f->layers, &f->lcap, f->nlayers + 1, sizeof *f->layers, 8))
    return nl_err(&f->err, NL_ENOMEM, "out of memory");
  layer *l = &f->layers[f->nlayers];
  memset(l, 0, sizeof *l);
  l->kind = kind;
  l->n = n;
  l->flags = flags;
  l->x = dup_arr(x, n);
  l->y = dup_arr(y, n);
  l->lo = dup_arr(lo, n);
  l->hi = dup_arr(hi, n);
  l->label = label && *label ? nl_strdup(label) : NULL;
  if (!l->x || (y && !l->y) || (lo && !l->lo) || (hi && !l->hi) || (label && *label && !l->label)) {
    nl_free(l->x);
    nl_free(l->y);
    nl_free(l->lo);
    nl_free(l->hi);
    nl_free(l->label);
    return nl_err(&f->err, NL_ENOMEM, "out of memory");
  }
  if (color == NL_PLOT_AUTO) color = f->next_color;
  l->color = color;
  if (kind == L_LINE && color + 1 > f->next_color) f->next_color = color + 1;
  f->nlayers++;
  f->laid_out = 0;
  return NL_OK;
}

nl_status nl_figure_line(nl_figure *f, size_t n, const double *x, const double *y, size_t color, const char *label,
                         unsigned flags) {
  if (!y) return nl_err(&f->err, NL_EINVAL, "a line needs y values");
  return add_layer(f, L_LINE, n, x, y, NULL, NULL, color, label, flags);
}

nl_status nl_figure_band(nl_figure *f, size_t n, const double *x, const double *lo, const double *hi, size_t color) {
  if (!lo || !hi) return nl_err(&f->err, NL_EINVAL, "a band needs lower and upper values");
  if (color == NL_PLOT_AUTO) color = f->next_color;
  return add_layer(f, L_BAND, n, x, NULL, lo, hi, color, NULL, 0);
}

nl_status nl_figure_errorbars(nl_figure *f, size_t n, const double *x, const double *lo, const double *hi,
                              size_t color) {
  if (!lo || !hi) return nl_err(&f->err, NL_EINVAL, "error bars need lower and upper values");
  if (color == NL_PLOT_AUTO) color = f->next_color;
  return add_layer(f, L_ERR, n, x, NULL, lo, hi, color, NULL, 0);
}

nl_status nl_figure_heatmap(nl_figure *f, size_t nx, const double *x, size_t ny, const double *y, const double *z,
                            double zlo, double zhi, const char *zlabel, int annotate) {
  if (nx == 0 || ny == 0 || !x || !y || !z) return nl_err(&f->err, NL_EINVAL, "a heatmap needs at least one cell");
  if (nx > 100000 || ny > 100000) return nl_err(&f->err, NL_EINVAL, "a heatmap of %zu x %zu cells is too large", nx, ny);
  layers_clear(f);
  ops_clear(f);
  f->free_mode = 0;
  f->hx = dup_arr(x, nx);
  f->hy = dup_arr(y, ny);
  f->hz = dup_arr(z, nx * ny);
  f->zlabel = zlabel && *zlabel ? nl_strdup(zlabel) : NULL;
  if (!f->hx || !f->hy || !f->hz || (zlabel && *zlabel && !f->zlabel)) {
    layers_clear(f);
    return nl_err(&f->err, NL_ENOMEM, "out of memory");
  }
  f->hnx = nx;
  f->hny = ny;
  f->zlo = zlo;
  f->zhi = zhi;
  f->annotate = annotate;
  f->heat = 1;
  return NL_OK;
}

/* ---- display list ----------------------------------------------------------------------- */

static op *push_op(nl_figure *f, int kind) {
  if (f->oom) return NULL;
  if (nl_grow(&f->ops, &f->opcap, f->nops + 1, sizeof *f->ops, 256)) {
    f->oom = 1;
    return NULL;
  }
  op *o = &f->ops[f->nops++];
  memset(o, 0, sizeof *o);
  o->kind = kind;
  return o;
}

void nl_fig_begin_free(nl_figure *f) {
  layers_clear(f);
  ops_clear(f);
  f->free_mode = 1;
  f->oom = 0;
}

void nl_fig_path(nl_figure *f, const double *xy, size_t n, int closed, nl_rgba fill, nl_rgba stroke, double lw,
                 int dash) {
  if (n < 2) return;
  op *o = push_op(f, OP_PATH);
  if (!o) return;
  o->pts = nl_malloc(2 * n * sizeof *o->pts);
  if (!o->pts) {
    f->nops--;
    f->oom = 1;
    return;
  }
  memcpy(o->pts, xy, 2 * n * sizeof *o->pts);
  o->npts = n;
  o->closed = closed;
  o->fill = fill;
  o->stroke = stroke;
  o->lw = lw;
  o->dash = dash;
}

/* An ellipse or a circle (kept apart: SVG writes <circle> for the latter). */
static void push_round(nl_figure *f, int kind, double x, double y, double rx, double ry, nl_rgba fill, nl_rgba stroke,
                       double lw) {
  op *o = push_op(f, kind);
  if (!o) return;
  o->x = x;
  o->y = y;
  o->rx = rx;
  o->ry = ry;
  o->fill = fill;
  o->stroke = stroke;
  o->lw = lw;
}

void nl_fig_ellipse(nl_figure *f, double x, double y, double rx, double ry, nl_rgba fill, nl_rgba stroke, double lw) {
  push_round(f, OP_ELLIPSE, x, y, rx, ry, fill, stroke, lw);
}

void nl_fig_circle(nl_figure *f, double x, double y, double r, nl_rgba fill, nl_rgba stroke, double lw) {
  push_round(f, OP_CIRCLE, x, y, r, r, fill, stroke, lw);
}

void nl_fig_rect(nl_figure *f, double x, double y, double w, double h, nl_rgba fill, nl_rgba stroke, double lw) {
  double p[8] = {x, y, x + w, y, x + w, y + h, x, y + h};
  nl_fig_path(f, p, 4, 1, fill, stroke, lw, NL_DASH_SOLID);
}

void nl_fig_marker(nl_figure *f, int shape, double x, double y, double size, nl_rgba fill, nl_rgba stroke,
                   double lw) {
  double r = size / 2;
  switch (shape % NL_MARK_NSHAPES) {
  case NL_MARK_CIRCLE: nl_fig_circle(f, x, y, r, fill, stroke, lw); break;
  case NL_MARK_SQUARE: {
    double s = r * 0.89; /* equal area with the circle */
    nl_fig_rect(f, x - s, y - s, 2 * s, 2 * s, fill, stroke, lw);
    break;
  }
  case NL_MARK_TRIANGLE:
  case NL_MARK_TRIANGLE_DOWN: {
    double s = r * 1.3, d = (shape % NL_MARK_NSHAPES) == NL_MARK_TRIANGLE ? 1 : -1;
    double p[6] = {x, y - d * s, x + s * 0.866, y + d * s * 0.5, x - s * 0.866, y + d * s * 0.5};
    nl_fig_path(f, p, 3, 1, fill, stroke, lw, NL_DASH_SOLID);
    break;
  }
  default: {
    double s = r * 1.25;
    double p[8] = {x, y - s, x + s, y, x, y + s, x - s, y};
    nl_fig_path(f, p, 4, 1, fill, stroke, lw, NL_DASH_SOLID);
  }
  }
}

void nl_fig_text(nl_figure *f, double x, double y, const char *s, double size, double hanchor, int vanchor,
                 double angle, nl_rgba color, int bold) {
  if (!s || !*s) return;
  op *o = push_op(f, OP_TEXT);
  if (!o) return;
  o->text = nl_strdup(s);
  if (!o->text) {
    f->nops--;
    f->oom = 1;
    return;
  }
  o->x = x;
  o->y = y;
  o->size = size;
  o->hanchor = hanchor;
  o->vanchor = vanchor;
  o->angle = angle;
  o->fill = color;
  o->bold = bold;
}

void nl_fig_arrow(nl_figure *f, double x0, double y0, double x1, double y1, nl_rgba color, double lw, double head) {
  double dx = x1 - x0, dy = y1 - y0, len = hypot(dx, dy);
  if (len < 1e-9) return;
  double ux = dx / len, uy = dy / len;
  double bx = x1 - ux * head, by = y1 - uy * head;
  double line[4] = {x0, y0, bx + ux * 0.5, by + uy * 0.5};
  nl_fig_path(f, line, 2, 0, NONE, color, lw, NL_DASH_SOLID);
  double w = head * 0.42;
  double tri[6] = {x1, y1, bx - uy * w, by + ux * w, bx + uy * w, by - ux * w};
  nl_fig_path(f, tri, 3, 1, color, NONE, 0, NL_DASH_SOLID);
}

static double baseline_dy(int vanchor, double size);

void nl_fig_widen(nl_figure *f, double width) {
  if (width > f->o.width) f->o.width = width;
}

void nl_fig_crop_height(nl_figure *f, double top, double bottom) {
  double y0 = INFINITY, y1 = -INFINITY;
  for (size_t i = 0; i < f->nops; i++) {
    const op *o = &f->ops[i];
    switch (o->kind) {
    case OP_PATH:
      for (size_t k = 0; k < o->npts; k++) {
        y0 = fmin(y0, o->pts[2 * k + 1] - o->lw);
        y1 = fmax(y1, o->pts[2 * k + 1] + o->lw);
      }
      break;
    case OP_CIRCLE:
    case OP_ELLIPSE:
      y0 = fmin(y0, o->y - o->ry - o->lw);
      y1 = fmax(y1, o->y + o->ry + o->lw);
      break;
    case OP_TEXT: {
      double base = o->y + baseline_dy(o->vanchor, o->size);
      y0 = fmin(y0, base - nl_fig_cap_height(o->size) - 0.1 * o->size);
      y1 = fmax(y1, base + 0.24 * o->size);
      break;
    }
    default: break;
    }
  }
  if (!(y0 <= y1)) return;
  double h = (y1 - y0) + top + bottom;
  if (h >= f->o.height) return;
  double dy = top - y0;
  for (size_t i = 0; i < f->nops; i++) {
    op *o = &f->ops[i];
    for (size_t k = 0; k < o->npts; k++) o->pts[2 * k + 1] += dy;
    o->y += dy;
  }
  f->o.height = h;
}

static void clip_begin(nl_figure *f, double x, double y, double w, double h) {
  op *o = push_op(f, OP_CLIP);
  if (!o) return;
  o->x = x;
  o->y = y;
  o->rx = w;
  o->ry = h;
}

static void clip_end(nl_figure *f) { push_op(f, OP_UNCLIP); }

/* ---- text metrics ----------------------------------------------------------------------- */

#if NL_HAVE_PLOT
static cairo_font_options_t *font_options(void) {
  cairo_font_options_t *fo = cairo_font_options_create();
  /* unhinted metrics: the same widths at every resolution, so layout does not depend on dpi */
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  return fo;
}

static void select_font(cairo_t *cr, const char *family, double size, int bold) {
  cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_font_options_t *fo = font_options();
  cairo_set_font_options(cr, fo);
  cairo_font_options_destroy(fo);
}

double nl_fig_text_width(nl_figure *f, const char *s, double size, int bold) {
  if (!s || !*s) return 0;
  if (!f->mcr) {
    f->msurf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    f->mcr = cairo_create(f->msurf);
  }
  if (cairo_status(f->mcr) != CAIRO_STATUS_SUCCESS) return 0.6 * size * (double)strlen(s);
  select_font(f->mcr, f->font, size, bold);
  cairo_text_extents_t te;
  cairo_text_extents(f->mcr, s, &te);
  return te.x_advance;
}
#else
/* Built without cairo: figures are laid out (their kinds validate their input) but never rendered. */
double nl_fig_text_width(nl_figure *f, const char *s, double size, int bold) {
  (void)f;
  return s ? (bold ? 0.65 : 0.6) * size * (double)strlen(s) : 0;
}
#endif

/* DejaVu Sans: cap height 0.73 em, descender 0.24 em. */
double nl_fig_cap_height(double size) { return 0.73 * size; }

/* Baseline offset for a vertical anchor, in the text's own frame. */
static double baseline_dy(int vanchor, double size) {
  switch (vanchor) {
  case NL_VA_MIDDLE: return 0.5 * nl_fig_cap_height(size);
  case NL_VA_TOP: return nl_fig_cap_height(size);
  case NL_VA_BOTTOM: return -0.24 * size;
  default: return 0;
  }
}

/* ---- layout of a panel with axes --------------------------------------------------------- */

typedef struct legend_entry {
  const char *label;
  size_t color;
  int line, marker, band, dashed;
} legend_entry;

#define MAXTICKS 64

typedef struct axis_ticks {
  double v[MAXTICKS];
  size_t n;
  double step;
} axis_ticks;

static void data_range(const nl_figure *f, int yaxis, double *lo, double *hi) {
  double a = INFINITY, b = -INFINITY;
  for (size_t i = 0; i < f->nlayers; i++) {
    const layer *l = &f->layers[i];
    for (size_t k = 0; k < l->n; k++) {
      if (!yaxis) {
        if (isfinite(l->x[k])) {
          a = fmin(a, l->x[k]);
          b = fmax(b, l->x[k]);
        }
        continue;
      }
      const double *vals[3] = {l->y, l->lo, l->hi};
      for (int j = 0; j < 3; j++)
        if (vals[j] && isfinite(vals[j][k]) && isfinite(l->x[k])) {
          a = fmin(a, vals[j][k]);
          b = fmax(b, vals[j][k]);
        }
    }
  }
  if (!(a <= b)) a = 0, b = 1;
  if (a == b) {
    double d = a == 0 ? 1 : fabs(a) * 0.1;
    a -= d;
    b += d;
  }
  /* 4% padding, as ggplot's 5%: points at the extremes stay clear of the frame */
  double pad = 0.04 * (b - a);
  *lo = a - pad;
  *hi = b + pad;
}

static size_t tick_target(double len, double per) {
  double t = len / per;
  if (t < 3) t = 3;
  if (t > 8) t = 8;
  return (size_t)t;
}

static double tx(const nl_figure *f, double x) { return f->px0 + (x - f->xlo) / (f->xhi - f->xlo) * (f->px1 - f->px0); }
static double ty(const nl_figure *f, double y) { return f->py1 - (y - f->ylo) / (f->yhi - f->ylo) * (f->py1 - f->py0); }

static size_t legend_entries(const nl_figure *f, legend_entry *e, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < f->nlayers && n < cap; i++) {
    const layer *l = &f->layers[i];
    if (l->kind != L_LINE || !l->label) continue;
    e[n].label = l->label;
    e[n].color = l->color;
    e[n].line = 1;
    e[n].marker = (l->flags & NL_PLOT_MARKERS) != 0;
    e[n].dashed = (l->flags & NL_PLOT_DASHED) != 0;
    e[n].band = 0;
    for (size_t j = 0; j < f->nlayers; j++)
      if (f->layers[j].kind != L_LINE && f->layers[j].color == l->color) e[n].band = f->layers[j].kind == L_BAND ? 1 : 2;
    n++;
  }
  return n;
}

/* Legend box size. */
static void legend_size(nl_figure *f, const legend_entry *e, size_t n, double *w, double *h) {
  double fs = f->o.font_size * 0.9, row = fs * 1.45, key = 22;
  double tw = 0;
  for (size_t i = 0; i < n; i++) tw = fmax(tw, nl_fig_text_width(f, e[i].label, fs, 0));
  double title = f->legend_title ? row : 0;
  *w = 6 + key + 5 + tw + 6;
  if (f->legend_title) *w = fmax(*w, 12 + nl_fig_text_width(f, f->legend_title, fs, 1));
  *h = 4 + title + row * (double)n + 3;
}

/* How much data a legend box at (bx, by, bw, bh) would hide: sampled points inside it. */
static double legend_overlap(const nl_figure *f, double bx, double by, double bw, double bh) {
  double cost = 0;
  for (size_t i = 0; i < f->nlayers; i++) {
    const layer *l = &f->layers[i];
    const double *ys[3] = {l->y, l->lo, l->hi};
    for (int j = 0; j < 3; j++) {
      if (!ys[j]) continue;
      for (size_t k = 0; k < l->n; k++) {
        size_t k1 = k + 1 < l->n ? k + 1 : k;
        /* sample each segment (lines may cross a box between their points) */
        for (int s = 0; s < 8; s++) {
          double t = s / 8.0;
          double x = l->x[k] + t * (l->x[k1] - l->x[k]), y = ys[j][k] + t * (ys[j][k1] - ys[j][k]);
          if (!isfinite(x) || !isfinite(y)) continue;
          double px = tx(f, x), py = ty(f, y);
          if (px >= bx - 3 && px <= bx + bw + 3 && py >= by - 3 && py <= by + bh + 3) cost += 1;
        }
      }
    }
    /* a band's inside counts too */
    if (l->kind == L_BAND)
      for (size_t k = 0; k < l->n; k++) {
        if (!isfinite(l->lo[k]) || !isfinite(l->hi[k])) continue;
        double px = tx(f, l->x[k]), p0 = ty(f, l->hi[k]), p1 = ty(f, l->lo[k]);
        if (px >= bx && px <= bx + bw && p0 <= by + bh && p1 >= by) cost += 0.5;
      }
  }
  return cost;
}

static void ticks_of(double lo, double hi, size_t target, axis_ticks *t) {
  t->n = nl_plot_ticks(lo, hi, target, t->v, MAXTICKS, &t->step);
  if (t->n > MAXTICKS) t->n = MAXTICKS;
}

static double max_label_width(nl_figure *f, const axis_ticks *t, double fs) {
  double w = 0;
  char buf[64];
  for (size_t i = 0; i < t->n; i++) {
    nl_plot_format_tick(t->v[i], t->step, buf, sizeof buf);
    w = fmax(w, nl_fig_text_width(f, buf, fs, 0));
  }
  return w;
}

/* An axis title that fits `room` points: one line, else two lines broken at the space that
 * balances them, else shrunk (to 70% at most). */
typedef struct title_fit {
  char line[2][256];
  int n;
  double size;
} title_fit;

static void fit_title(nl_figure *f, const char *s, double size, double room, title_fit *t) {
  t->n = 0;
  t->size = size;
  if (!s) return;
  snprintf(t->line[0], sizeof t->line[0], "%s", s);
  t->n = 1;
  if (nl_fig_text_width(f, s, size, 0) <= room) return;
  size_t len = strlen(s), best = 0;
  double bw = INFINITY;
  for (size_t i = 1; i + 1 < len && i < 255; i++) {
    if (s[i] != ' ') continue;
    char a[256];
    snprintf(a, sizeof a, "%.*s", (int)i, s);
    double w = fmax(nl_fig_text_width(f, a, size, 0), nl_fig_text_width(f, s + i + 1, size, 0));
    if (w < bw) {
      bw = w;
      best = i;
    }
  }
  double w1 = nl_fig_text_width(f, s, size, 0);
  if (best && len - best - 1 < 255) {
    snprintf(t->line[0], sizeof t->line[0], "%.*s", (int)best, s);
    snprintf(t->line[1], sizeof t->line[1], "%s", s + best + 1);
    t->n = 2;
    w1 = bw;
  }
  if (w1 > room) t->size = fmax(size * 0.7, size * room / w1);
}

/* Draw a rotated y-axis title whose last line's bottom is at x. */
static void draw_ytitle(nl_figure *f, const title_fit *t, double x, double ymid) {
  for (int i = 0; i < t->n; i++)
    nl_fig_text(f, x - (double)(t->n - 1 - i) * t->size * 1.2, ymid, t->line[i], t->size, 0.5, NL_VA_BOTTOM, 90, INK, 0);
}

typedef struct panel_layout {
  axis_ticks xt, yt;
  legend_entry le[64];
  size_t nle;
  double lw, lh, lx, ly; /* legend box */
  int legend_outside;
  title_fit yt_fit;
} panel_layout;

static void layout_xy(nl_figure *f, panel_layout *pl) {
  double W = f->o.width, H = f->o.height, fs = f->o.font_size, ts = fs * 0.9;
  double xlo, xhi, ylo, yhi;
  data_range(f, 0, &xlo, &xhi);
  data_range(f, 1, &ylo, &yhi);
  if (f->has_xlim) xlo = f->xlim[0], xhi = f->xlim[1];
  if (f->has_ylim) ylo = f->ylim[0], yhi = f->ylim[1];
  f->xlo = xlo;
  f->xhi = xhi;
  f->ylo = ylo;
  f->yhi = yhi;
  pl->nle = legend_entries(f, pl->le, 64);
  if (pl->nle) legend_size(f, pl->le, pl->nle, &pl->lw, &pl->lh);
  pl->legend_outside = 0;
  for (int pass = 0; pass < 2; pass++) {
    double top = 8 + (f->title ? fs * 1.1 * 1.6 : 0);
    double bottom = 6 + (f->xlabel ? fs * 1.5 + 2 : 0) + ts * 1.25 + 6;
    /* y ticks from an estimate of the panel height, then the left margin from their labels */
    ticks_of(ylo, yhi, tick_target(H - top - bottom, 48), &pl->yt);
    fit_title(f, f->ylabel, fs, H - top - bottom, &pl->yt_fit);
    double left = 6 + (f->ylabel ? pl->yt_fit.size * (1.2 * pl->yt_fit.n + 0.3) + 2 : 0) +
                  max_label_width(f, &pl->yt, ts) + 4 + 3;
    double right = 10 + (pl->legend_outside ? pl->lw + 10 : 0);
    ticks_of(xlo, xhi, tick_target(W - left - right, 72), &pl->xt);
    if (pl->xt.n) {
      char buf[64];
      nl_plot_format_tick(pl->xt.v[pl->xt.n - 1], pl->xt.step, buf, sizeof buf);
      double last = left + (pl->xt.v[pl->xt.n - 1] - xlo) / (xhi - xlo) * (W - right - left);
      double over = last + nl_fig_text_width(f, buf, ts, 0) / 2 + 4 - (W - (pl->legend_outside ? pl->lw + 10 : 0));
      if (over > 0 && !pl->legend_outside) right = fmax(right, 10 + over);
    }
    f->px0 = left;
    f->px1 = W - right;
    f->py0 = top;
    f->py1 = H - bottom;
    if (f->px1 - f->px0 < 20) f->px1 = f->px0 + 20;
    if (f->py1 - f->py0 < 20) f->py1 = f->py0 + 20;
    if (!pl->nle || pl->legend_outside) break;
    /* inside corners first (top right, top left, bottom right, bottom left), else outside */
    double in = 6, best = INFINITY, bx = 0, by = 0;
    double cx[4] = {f->px1 - in - pl->lw, f->px0 + in, f->px1 - in - pl->lw, f->px0 + in};
    double cy[4] = {f->py0 + in, f->py0 + in, f->py1 - in - pl->lh, f->py1 - in - pl->lh};
    int fits = pl->lw + 2 * in < f->px1 - f->px0 && pl->lh + 2 * in < f->py1 - f->py0;
    for (int c = 0; c < 4 && fits; c++) {
      double cost = legend_overlap(f, cx[c], cy[c], pl->lw, pl->lh);
      if (cost < best) {
        best = cost;
        bx = cx[c];
        by = cy[c];
      }
    }
    if (fits && best == 0) {
      pl->lx = bx;
      pl->ly = by;
      break;
    }
    pl->legend_outside = 1;
  }
  if (pl->legend_outside) {
    pl->lx = f->px1 + 10;
    pl->ly = f->py0;
  }
  f->laid_out = 1;
}

static void draw_legend(nl_figure *f, const panel_layout *pl) {
  double fs = f->o.font_size * 0.9, row = fs * 1.45, key = 22;
  double x = pl->lx, y = pl->ly;
  nl_rgba boxfill = {1, 1, 1, pl->legend_outside ? 0 : 0.92};
  nl_rgba boxline = {0.75, 0.75, 0.75, pl->legend_outside ? 0 : 1};
  nl_fig_rect(f, x, y, pl->lw, pl->lh, boxfill, boxline, 0.5);
  double cy = y + 4;
  if (f->legend_title) {
    nl_fig_text(f, x + 6, cy + row / 2, f->legend_title, fs, 0, NL_VA_MIDDLE, 0, INK, 1);
    cy += row;
  }
  for (size_t i = 0; i < pl->nle; i++) {
    const legend_entry *e = &pl->le[i];
    nl_rgba c = nl_plot_category(e->color);
    double my = cy + row / 2, kx = x + 6;
    if (e->band == 1) {
      nl_rgba bc = c;
      bc.a = 0.2;
      nl_fig_rect(f, kx, my - row * 0.32, key, row * 0.64, bc, NONE, 0);
    }
    if (e->band == 2) {
      double p[4] = {kx + key / 2, my - row * 0.36, kx + key / 2, my + row * 0.36};
      nl_fig_path(f, p, 2, 0, NONE, c, 0.8, NL_DASH_SOLID);
    }
    double p[4] = {kx, my, kx + key, my};
    nl_fig_path(f, p, 2, 0, NONE, c, 1.3, e->dashed ? NL_DASH_DASHED : NL_DASH_SOLID);
    if (e->marker) nl_fig_marker(f, (int)(e->color % NL_MARK_NSHAPES), kx + key / 2, my, 5.5, c, WHITE, 0.6);
    nl_fig_text(f, kx + key + 5, my, e->label, fs, 0, NL_VA_MIDDLE, 0, INK, 0);
    cy += row;
  }
}

static void draw_xy(nl_figure *f) {
  panel_layout pl;
  memset(&pl, 0, sizeof pl);
  layout_xy(f, &pl);
  double fs = f->o.font_size, ts = fs * 0.9;
  double x0 = f->px0, x1 = f->px1, y0 = f->py0, y1 = f->py1;
  char buf[64];
  /* grid */
  for (size_t i = 0; i < pl.xt.n; i++) {
    double p[4] = {tx(f, pl.xt.v[i]), y0, tx(f, pl.xt.v[i]), y1};
    nl_fig_path(f, p, 2, 0, NONE, GRID, 0.5, NL_DASH_SOLID);
  }
  for (size_t i = 0; i < pl.yt.n; i++) {
    double p[4] = {x0, ty(f, pl.yt.v[i]), x1, ty(f, pl.yt.v[i])};
    nl_fig_path(f, p, 2, 0, NONE, GRID, 0.5, NL_DASH_SOLID);
  }
  clip_begin(f, x0, y0, x1 - x0, y1 - y0);
  /* bands first, then error bars, then lines and markers on top */
  for (int pass = 0; pass < 3; pass++)
    for (size_t i = 0; i < f->nlayers; i++) {
      layer *l = &f->layers[i];
      nl_rgba c = nl_plot_category(l->color);
      if (pass == 0 && l->kind == L_BAND) {
        /* one polygon per run of finite points */
        size_t k = 0;
        while (k < l->n) {
          while (k < l->n && !(isfinite(l->x[k]) && isfinite(l->lo[k]) && isfinite(l->hi[k]))) k++;
          size_t s = k;
          while (k < l->n && isfinite(l->x[k]) && isfinite(l->lo[k]) && isfinite(l->hi[k])) k++;
          size_t m = k - s;
          if (m == 0) continue;
          double *p = nl_malloc(4 * m * sizeof *p);
          if (!p) {
            f->oom = 1;
            break;
          }
          for (size_t j = 0; j < m; j++) {
            p[2 * j] = tx(f, l->x[s + j]);
            p[2 * j + 1] = ty(f, l->hi[s + j]);
            p[2 * (2 * m - 1 - j)] = tx(f, l->x[s + j]);
            p[2 * (2 * m - 1 - j) + 1] = ty(f, l->lo[s + j]);
          }
          nl_rgba bc = c;
          bc.a = 0.2;
          if (m == 1) {
            double q[4] = {p[0], p[1], p[2], p[3]};
            nl_fig_path(f, q, 2, 0, NONE, bc, 3, NL_DASH_SOLID);
          } else
            nl_fig_path(f, p, 2 * m, 1, bc, NONE, 0, NL_DASH_SOLID);
          nl_free(p);
        }
      }
      if (pass == 1 && l->kind == L_ERR)
        for (size_t k = 0; k < l->n; k++) {
          if (!isfinite(l->x[k]) || !isfinite(l->lo[k]) || !isfinite(l->hi[k])) continue;
          double px = tx(f, l->x[k]), a = ty(f, l->lo[k]), b = ty(f, l->hi[k]), cw = 2.5;
          double v[4] = {px, a, px, b}, c0[4] = {px - cw, a, px + cw, a}, c1[4] = {px - cw, b, px + cw, b};
          nl_fig_path(f, v, 2, 0, NONE, c, 0.8, NL_DASH_SOLID);
          nl_fig_path(f, c0, 2, 0, NONE, c, 0.8, NL_DASH_SOLID);
          nl_fig_path(f, c1, 2, 0, NONE, c, 0.8, NL_DASH_SOLID);
        }
      if (pass == 2 && l->kind == L_LINE) {
        size_t k = 0;
        double *p = nl_malloc(2 * l->n * sizeof *p);
        if (!p) {
          f->oom = 1;
          break;
        }
        while (k < l->n) {
          size_t m = 0;
          while (k < l->n && !(isfinite(l->x[k]) && isfinite(l->y[k]))) k++;
          while (k < l->n && isfinite(l->x[k]) && isfinite(l->y[k])) {
            p[2 * m] = tx(f, l->x[k]);
            p[2 * m + 1] = ty(f, l->y[k]);
            m++;
            k++;
          }
          if (m >= 2)
            nl_fig_path(f, p, m, 0, NONE, c, 1.3, (l->flags & NL_PLOT_DASHED) ? NL_DASH_DASHED : NL_DASH_SOLID);
        }
        nl_free(p);
        if (l->flags & NL_PLOT_MARKERS)
          for (k = 0; k < l->n; k++)
            if (isfinite(l->x[k]) && isfinite(l->y[k]))
              nl_fig_marker(f, (int)(l->color % NL_MARK_NSHAPES), tx(f, l->x[k]), ty(f, l->y[k]), 5.5, c, WHITE, 0.6);
      }
    }
  clip_end(f);
  /* frame, ticks, labels */
  nl_fig_rect(f, x0, y0, x1 - x0, y1 - y0, NONE, TICKINK, 0.8);
  for (size_t i = 0; i < pl.xt.n; i++) {
    double px = tx(f, pl.xt.v[i]);
    double p[4] = {px, y1, px, y1 + 3};
    nl_fig_path(f, p, 2, 0, NONE, TICKINK, 0.6, NL_DASH_SOLID);
    nl_plot_format_tick(pl.xt.v[i], pl.xt.step, buf, sizeof buf);
    nl_fig_text(f, px, y1 + 3 + 3, buf, ts, 0.5, NL_VA_TOP, 0, INK, 0);
  }
  double maxw = 0;
  for (size_t i = 0; i < pl.yt.n; i++) {
    double py = ty(f, pl.yt.v[i]);
    double p[4] = {x0 - 3, py, x0, py};
    nl_fig_path(f, p, 2, 0, NONE, TICKINK, 0.6, NL_DASH_SOLID);
    nl_plot_format_tick(pl.yt.v[i], pl.yt.step, buf, sizeof buf);
    maxw = fmax(maxw, nl_fig_text_width(f, buf, ts, 0));
    nl_fig_text(f, x0 - 3 - 3, py, buf, ts, 1, NL_VA_MIDDLE, 0, INK, 0);
  }
  if (f->xlabel)
    nl_fig_text(f, (x0 + x1) / 2, y1 + 6 + ts * 1.25 + 6, f->xlabel, fs, 0.5, NL_VA_TOP, 0, INK, 0);
  if (f->ylabel) draw_ytitle(f, &pl.yt_fit, x0 - 6 - maxw - 7, (y0 + y1) / 2);
  if (f->title) nl_fig_text(f, x0, 8 + fs * 1.1, f->title, fs * 1.1, 0, NL_VA_BASELINE, 0, INK, 1);
  if (pl.nle) draw_legend(f, &pl);
}

/* ---- heatmap ---------------------------------------------------------------------------- */

/* A colour bar's title: two lines when one would be wider than 90 pt. */
static void colorbar_title(nl_figure *f, const char *title, title_fit *t) {
  double ts = f->o.font_size * 0.9;
  fit_title(f, title, ts, 90, t);
  t->size = ts; /* wrap, never shrink */
}

double nl_fig_colorbar_width(nl_figure *f, double lo, double hi, const char *title) {
  double ts = f->o.font_size * 0.9;
  axis_ticks t;
  ticks_of(lo, hi, 5, &t);
  double w = 12 + 3 + 3 + max_label_width(f, &t, ts);
  title_fit tf;
  colorbar_title(f, title, &tf);
  for (int i = 0; i < tf.n; i++) w = fmax(w, nl_fig_text_width(f, tf.line[i], ts, 0));
  return w;
}

void nl_fig_colorbar(nl_figure *f, double x, double y, double w, double h, double lo, double hi, const char *title) {
  double ts = f->o.font_size * 0.9;
  (void)w;
  title_fit tf;
  colorbar_title(f, title, &tf);
  for (int i = 0; i < tf.n; i++) {
    nl_fig_text(f, x, y, tf.line[i], ts, 0, NL_VA_TOP, 0, INK, 0);
    y += ts * 1.25;
    h -= ts * 1.25;
  }
  if (tf.n) {
    y += ts * 0.4;
    h -= ts * 0.4;
  }
  double bw = 12;
  int steps = 64;
  for (int i = 0; i < steps; i++) {
    double t0 = (double)i / steps;
    nl_rgba c = nl_plot_viridis(t0 + 0.5 / steps);
    /* slight overlap hides seams between slices in anti-aliased renderers */
    nl_fig_rect(f, x, y + h - (t0 + 1.0 / steps) * h - 0.3, bw, h / steps + 0.6, c, NONE, 0);
  }
  nl_fig_rect(f, x, y, bw, h, NONE, TICKINK, 0.5);
  axis_ticks t;
  ticks_of(lo, hi, 5, &t);
  char buf[64];
  for (size_t i = 0; i < t.n; i++) {
    double py = y + h - (t.v[i] - lo) / (hi - lo) * h;
    double p[4] = {x + bw - 3, py, x + bw, py};
    nl_fig_path(f, p, 2, 0, NONE, WHITE, 0.6, NL_DASH_SOLID);
    nl_plot_format_tick(t.v[i], t.step, buf, sizeof buf);
    nl_fig_text(f, x + bw + 3, py, buf, ts, 0, NL_VA_MIDDLE, 0, INK, 0);
  }
}

static void heat_limits(const nl_figure *f, double *lo, double *hi) {
  double a = f->zlo, b = f->zhi;
  if (isnan(a) || isnan(b)) {
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < f->hnx * f->hny; i++)
      if (isfinite(f->hz[i])) {
        mn = fmin(mn, f->hz[i]);
        mx = fmax(mx, f->hz[i]);
      }
    if (!(mn <= mx)) mn = 0, mx = 1;
    if (isnan(a)) a = mn;
    if (isnan(b)) b = mx;
  }
  if (!(a < b)) {
    double d = a == 0 ? 1 : fabs(a) * 0.05;
    a -= d;
    b += d;
  }
  *lo = a;
  *hi = b;
}

/* Every k-th label from index *first so that labels do not collide; for evenly spaced values,
 * the smallest such k whose labels are round (multiples of 1, 2, 2.5 or 5 x 10^e: 0, 0.1, 0.2
 * rather than 0, 0.06, 0.12). */
static size_t label_stride(double cell, double need, const double *v, size_t n, size_t *first) {
  size_t kmin = 1;
  while (cell * (double)kmin < need && kmin < 1000) kmin++;
  *first = 0;
  if (n < 3 || kmin == 1) return kmin;
  double d = v[1] - v[0];
  for (size_t i = 2; i < n; i++)
    if (!(fabs(v[i] - v[i - 1] - d) <= 1e-9 * fmax(fabs(d), 1e-300))) return kmin;
  if (!(d != 0) || !isfinite(d)) return kmin;
  for (size_t k = kmin; k < n && k <= 4 * kmin; k++) {
    double step = fabs(d) * (double)k, e = pow(10, floor(log10(step) + 1e-9)), m = step / e;
    if (!(fabs(m - 1) < 1e-6 || fabs(m - 2) < 1e-6 || fabs(m - 2.5) < 1e-6 || fabs(m - 5) < 1e-6)) continue;
    for (size_t i0 = 0; i0 < k; i0++) {
      double q = v[i0] / step;
      if (fabs(q - round(q)) < 1e-6) {
        *first = i0;
        return k;
      }
    }
  }
  return kmin;
}

static void draw_heatmap(nl_figure *f) {
  double W = f->o.width, H = f->o.height, fs = f->o.font_size, ts = fs * 0.9;
  size_t nx = f->hnx, ny = f->hny;
  double zlo, zhi;
  heat_limits(f, &zlo, &zhi);
  char buf[64];
  double ylw = 0, xlw = 0;
  for (size_t j = 0; j < ny; j++) {
    nl_plot_format_num(f->hy[j], buf, sizeof buf);
    ylw = fmax(ylw, nl_fig_text_width(f, buf, ts, 0));
  }
  for (size_t i = 0; i < nx; i++) {
    nl_plot_format_num(f->hx[i], buf, sizeof buf);
    xlw = fmax(xlw, nl_fig_text_width(f, buf, ts, 0));
  }
  double cbw = nl_fig_colorbar_width(f, zlo, zhi, f->zlabel);
  double top = 8 + (f->title ? fs * 1.1 * 1.6 : 0);
  double bottom = 6 + (f->xlabel ? fs * 1.5 + 2 : 0) + ts * 1.25 + 6;
  title_fit ytf;
  fit_title(f, f->ylabel, fs, H - top - bottom, &ytf);
  double left = 6 + (f->ylabel ? ytf.size * (1.2 * ytf.n + 0.3) + 2 : 0) + ylw + 4 + 3;
  double right = 10 + cbw + 14;
  f->px0 = left;
  f->px1 = fmax(W - right, left + 20);
  f->py0 = top;
  f->py1 = fmax(H - bottom, top + 20);
  f->xlo = -0.5;
  f->xhi = (double)nx - 0.5;
  f->ylo = -0.5;
  f->yhi = (double)ny - 0.5;
  f->laid_out = 1;
  double cw = (f->px1 - f->px0) / (double)nx, ch = (f->py1 - f->py0) / (double)ny;
  nl_rgba na = {0.85, 0.85, 0.85, 1};
  for (size_t j = 0; j < ny; j++)
    for (size_t i = 0; i < nx; i++) {
      double z = f->hz[j * nx + i];
      nl_rgba c = isfinite(z) ? nl_plot_viridis((z - zlo) / (zhi - zlo)) : na;
      double x = f->px0 + (double)i * cw, y = f->py1 - (double)(j + 1) * ch;
      /* each cell reaches 0.75 pt under its right and lower neighbours, so anti-aliasing leaves
       * no light seams between cells */
      nl_fig_rect(f, x, y, cw + (i + 1 < nx ? 0.75 : 0), ch + (j > 0 ? 0.75 : 0), c, NONE, 0);
    }
  /* annotations when a cell holds "0.00" comfortably */
  double as = ts * 0.9;
  if (f->annotate && cw >= nl_fig_text_width(f, "0.000", as, 0) + 4 && ch >= as * 1.5)
    for (size_t j = 0; j < ny; j++)
      for (size_t i = 0; i < nx; i++) {
        double z = f->hz[j * nx + i];
        nl_rgba c = isfinite(z) ? nl_plot_viridis((z - zlo) / (zhi - zlo)) : na;
        nl_rgba tc = nl_plot_luminance(c) < 0.3 ? WHITE : BLACK;
        if (isfinite(z))
          snprintf(buf, sizeof buf, fabs(z) < 10 ? "%.2f" : "%.3g", z);
        else
          snprintf(buf, sizeof buf, "NA");
        if (buf[0] == '-') {
          char t[64];
          snprintf(t, sizeof t, "\xe2\x88\x92%s", buf + 1);
          snprintf(buf, sizeof buf, "%s", t);
        }
        nl_fig_text(f, f->px0 + ((double)i + 0.5) * cw, f->py1 - ((double)j + 0.5) * ch, buf, as, 0.5, NL_VA_MIDDLE, 0,
                    tc, 0);
      }
  nl_fig_rect(f, f->px0, f->py0, f->px1 - f->px0, f->py1 - f->py0, NONE, TICKINK, 0.8);
  size_t x0i, y0i;
  size_t kx = label_stride(cw, xlw + 6, f->hx, nx, &x0i), ky = label_stride(ch, ts * 1.3, f->hy, ny, &y0i);
  for (size_t i = x0i; i < nx; i += kx) {
    double px = f->px0 + ((double)i + 0.5) * cw;
    double p[4] = {px, f->py1, px, f->py1 + 3};
    nl_fig_path(f, p, 2, 0, NONE, TICKINK, 0.6, NL_DASH_SOLID);
    nl_plot_format_num(f->hx[i], buf, sizeof buf);
    nl_fig_text(f, px, f->py1 + 6, buf, ts, 0.5, NL_VA_TOP, 0, INK, 0);
  }
  for (size_t j = y0i; j < ny; j += ky) {
    double py = f->py1 - ((double)j + 0.5) * ch;
    double p[4] = {f->px0 - 3, py, f->px0, py};
    nl_fig_path(f, p, 2, 0, NONE, TICKINK, 0.6, NL_DASH_SOLID);
    nl_plot_format_num(f->hy[j], buf, sizeof buf);
    nl_fig_text(f, f->px0 - 6, py, buf, ts, 1, NL_VA_MIDDLE, 0, INK, 0);
  }
  if (f->xlabel)
    nl_fig_text(f, (f->px0 + f->px1) / 2, f->py1 + 6 + ts * 1.25 + 6, f->xlabel, fs, 0.5, NL_VA_TOP, 0, INK, 0);
  if (f->ylabel) draw_ytitle(f, &ytf, f->px0 - 6 - ylw - 7, (f->py0 + f->py1) / 2);
  if (f->title) nl_fig_text(f, f->px0, 8 + fs * 1.1, f->title, fs * 1.1, 0, NL_VA_BASELINE, 0, INK, 1);
  double bh = fmin(f->py1 - f->py0, 220);
  nl_fig_colorbar(f, f->px1 + 14, f->py0, cbw, bh, zlo, zhi, f->zlabel);
  int anyna = 0;
  for (size_t i = 0; i < nx * ny; i++) anyna |= !isfinite(f->hz[i]);
  if (anyna) {
    double y = f->py0 + bh + 10;
    nl_fig_rect(f, f->px1 + 14, y, 12, 10, na, TICKINK, 0.5);
    nl_fig_text(f, f->px1 + 14 + 15, y + 5, "no data", ts, 0, NL_VA_MIDDLE, 0, INK, 0);
  }
}

/* Build the display list of a panel figure. */
static nl_status build(nl_figure *f) {
  if (f->bad[0]) return nl_err(&f->err, NL_ERANGE, "%s", f->bad);
  if (f->free_mode) {
    if (f->oom) return nl_err(&f->err, NL_ENOMEM, "out of memory");
    if (!f->nops) return nl_err(&f->err, NL_EINVAL, "the figure is empty");
    return NL_OK;
  }
  if (!f->heat && !f->nlayers) return nl_err(&f->err, NL_EINVAL, "the figure is empty: nothing was drawn");
  ops_clear(f);
  f->oom = 0;
  if (f->heat)
    draw_heatmap(f);
  else
    draw_xy(f);
  if (f->oom) {
    ops_clear(f);
    f->laid_out = 0;
    return nl_err(&f->err, NL_ENOMEM, "out of memory");
  }
  return NL_OK;
}

nl_status nl_figure_transform(nl_figure *f, double x, double y, double *px, double *py) {
  if (f->bad[0]) return nl_err(&f->err, NL_ERANGE, "%s", f->bad);
  if (f->free_mode || (!f->heat && !f->nlayers)) return nl_err(&f->err, NL_EINVAL, "the figure has no panel");
  if (!f->laid_out) {
    nl_status rs = build(f);
    if (rs) return rs;
  }
  *px = tx(f, x);
  *py = ty(f, y);
  return NL_OK;
}

nl_status nl_figure_panel(nl_figure *f, double *x0, double *y0, double *x1, double *y1) {
  double a, b;
  nl_status rs = nl_figure_transform(f, 0, 0, &a, &b);
  if (rs) return rs;
  *x0 = f->px0;
  *y0 = f->py0;
  *x1 = f->px1;
  *y1 = f->py1;
  return NL_OK;
}

/* ---- cairo back end --------------------------------------------------------------------- */
#if NL_HAVE_PLOT

static void set_dash(cairo_t *cr, int dash, double lw) {
  if (dash == NL_DASH_DASHED) {
    double d[2] = {4 * lw + 2, 2.5 * lw + 1};
    cairo_set_dash(cr, d, 2, 0);
  } else if (dash == NL_DASH_DOTTED) {
    double d[2] = {lw, 2 * lw};
    cairo_set_dash(cr, d, 2, 0);
  } else
    cairo_set_dash(cr, NULL, 0, 0);
}

static void fill_stroke(cairo_t *cr, const op *o) {
  if (o->fill.a > 0) {
    cairo_set_source_rgba(cr, o->fill.r, o->fill.g, o->fill.b, o->fill.a);
    if (o->stroke.a > 0 && o->lw > 0)
      cairo_fill_preserve(cr);
    else
      cairo_fill(cr);
  }
  if (o->stroke.a > 0 && o->lw > 0) {
    cairo_set_source_rgba(cr, o->stroke.r, o->stroke.g, o->stroke.b, o->stroke.a);
    cairo_set_line_width(cr, o->lw);
    set_dash(cr, o->dash, o->lw);
    cairo_stroke(cr);
  }
  cairo_new_path(cr);
}

static void cairo_ops(nl_figure *f, cairo_t *cr) {
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  for (size_t i = 0; i < f->nops; i++) {
    const op *o = &f->ops[i];
    switch (o->kind) {
    case OP_PATH:
      cairo_move_to(cr, o->pts[0], o->pts[1]);
      for (size_t k = 1; k < o->npts; k++) cairo_line_to(cr, o->pts[2 * k], o->pts[2 * k + 1]);
      if (o->closed) cairo_close_path(cr);
      fill_stroke(cr, o);
      break;
    case OP_CIRCLE:
    case OP_ELLIPSE:
      cairo_save(cr);
      cairo_translate(cr, o->x, o->y);
      cairo_scale(cr, o->rx, o->ry);
      cairo_arc(cr, 0, 0, 1, 0, 2 * NL_PI);
      cairo_restore(cr);
      fill_stroke(cr, o);
      break;
    case OP_TEXT: {
      select_font(cr, f->font, o->size, o->bold);
      cairo_text_extents_t te;
      cairo_text_extents(cr, o->text, &te);
      cairo_save(cr);
      cairo_translate(cr, o->x, o->y);
      if (o->angle != 0) cairo_rotate(cr, -o->angle * NL_PI / 180);
      cairo_move_to(cr, -o->hanchor * te.x_advance, baseline_dy(o->vanchor, o->size));
      cairo_set_source_rgba(cr, o->fill.r, o->fill.g, o->fill.b, o->fill.a);
      cairo_show_text(cr, o->text);
      cairo_new_path(cr);
      cairo_restore(cr);
      break;
    }
    case OP_CLIP:
      cairo_save(cr);
      cairo_rectangle(cr, o->x, o->y, o->rx, o->ry);
      cairo_clip(cr);
      break;
    case OP_UNCLIP: cairo_restore(cr); break;
    default: break;
    }
  }
}
#endif

/* A growing byte buffer. */
typedef struct sbuf {
  unsigned char *p;
  size_t len, cap;
  int oom;
} sbuf;

static void sb_put(sbuf *b, const void *data, size_t n) {
  if (b->oom) return;
  /* the caller of nl_figure_render frees the buffer with nl_free */
  if (nl_grow(&b->p, &b->cap, b->len + n + 1, 1, 4096)) {
    b->oom = 1;
    return;
  }
  memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = 0;
}

static void sb_printf(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void sb_printf(sbuf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    sb_put(b, tmp, (size_t)n);
    return;
  }
  char *big = nl_malloc((size_t)n + 1);
  if (!big) {
    b->oom = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb_put(b, big, (size_t)n);
  nl_free(big);
}

#if NL_HAVE_PLOT
static cairo_status_t png_write_cb(void *closure, const unsigned char *data, unsigned int length) {
  sbuf *b = closure;
  sb_put(b, data, length);
  return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static void be32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* Insert a pHYs chunk (pixels per metre) after IHDR so that word processors and LaTeX place the
 * image at its intended physical size (cairo writes none). */
static void png_add_phys(sbuf *b, double dpi) {
  if (b->oom || b->len < 33) return;
  unsigned char chunk[21];
  uint32_t ppm = (uint32_t)(dpi / 0.0254 + 0.5);
  be32(chunk, 9);
  memcpy(chunk + 4, "pHYs", 4);
  be32(chunk + 8, ppm);
  be32(chunk + 12, ppm);
  chunk[16] = 1; /* unit: metre */
  be32(chunk + 17, crc32_update(0, chunk + 4, 13));
  size_t at = 8 + 25; /* signature + IHDR (length, type, 13 bytes, crc) */
  sb_put(b, chunk, sizeof chunk); /* grow */
  if (b->oom) return;
  memmove(b->p + at + sizeof chunk, b->p + at, b->len - sizeof chunk - at);
  memcpy(b->p + at, chunk, sizeof chunk);
}

static nl_status render_png(nl_figure *f, sbuf *out) {
  double s = f->o.dpi / 72.0;
  int w = (int)ceil(f->o.width * s - 1e-9), h = (int)ceil(f->o.height * s - 1e-9);
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create(sf);
  nl_status rs = NL_OK;
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    rs = nl_err(&f->err, NL_ENOMEM, "cannot create a %d x %d image: %s", w, h, cairo_status_to_string(cairo_status(cr)));
    goto cleanup;
  }
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, s, s);
  cairo_ops(f, cr);
  cairo_surface_flush(sf);
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    rs = nl_err(&f->err, NL_ENOMEM, "drawing failed: %s", cairo_status_to_string(cairo_status(cr)));
    goto cleanup;
  }
  cairo_status_t cs = cairo_surface_write_to_png_stream(sf, png_write_cb, out);
  if (cs != CAIRO_STATUS_SUCCESS || out->oom) {
    rs = nl_err(&f->err, NL_ENOMEM, "writing PNG failed: %s", cairo_status_to_string(cs));
    goto cleanup;
  }
  png_add_phys(out, f->o.dpi);
  if (out->oom) rs = nl_err(&f->err, NL_ENOMEM, "out of memory");
cleanup:
  cairo_destroy(cr);
  cairo_surface_destroy(sf);
  return rs;
}
#endif

/* ---- SVG back end ----------------------------------------------------------------------- */

static void svg_color(sbuf *b, const char *attr, nl_rgba c) {
  if (c.a <= 0) {
    sb_printf(b, " %s=\"none\"", attr);
    return;
  }
  sb_printf(b, " %s=\"#%02x%02x%02x\"", attr, (unsigned)lround(c.r * 255), (unsigned)lround(c.g * 255),
            (unsigned)lround(c.b * 255));
  if (c.a < 1) sb_printf(b, " %s-opacity=\"%.3g\"", attr, c.a);
}

static void svg_paint(sbuf *b, const op *o) {
  svg_color(b, "fill", o->fill);
  if (o->stroke.a > 0 && o->lw > 0) {
    svg_color(b, "stroke", o->stroke);
    sb_printf(b, " stroke-width=\"%.3g\"", o->lw);
    if (o->dash == NL_DASH_DASHED) sb_printf(b, " stroke-dasharray=\"%.3g %.3g\"", 4 * o->lw + 2, 2.5 * o->lw + 1);
    if (o->dash == NL_DASH_DOTTED) sb_printf(b, " stroke-dasharray=\"%.3g %.3g\"", o->lw, 2 * o->lw);
  }
}

static void svg_escape(sbuf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': sb_put(b, "&amp;", 5); break;
    case '<': sb_put(b, "&lt;", 4); break;
    case '>': sb_put(b, "&gt;", 4); break;
    case '"': sb_put(b, "&quot;", 6); break;
    default:
      if ((unsigned char)*s < 0x20) break; /* control characters are not allowed in XML 1.0 */
      sb_put(b, s, 1);
    }
  }
}

static nl_status render_svg(nl_figure *f, sbuf *b) {
  sb_printf(b,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.6gpt\" height=\"%.6gpt\" "
            "viewBox=\"0 0 %.6g %.6g\" font-family=\"",
            f->o.width, f->o.height, f->o.width, f->o.height);
  svg_escape(b, f->font);
  sb_printf(b, ", Helvetica, Arial, sans-serif\" stroke-linejoin=\"round\">\n");
  sb_printf(b, "<rect x=\"0\" y=\"0\" width=\"%.6g\" height=\"%.6g\" fill=\"#ffffff\"/>\n", f->o.width, f->o.height);
  int clipid = 0, depth = 0;
  for (size_t i = 0; i < f->nops; i++) {
    const op *o = &f->ops[i];
    switch (o->kind) {
    case OP_PATH:
      if (o->npts == 2 || (!o->closed)) {
        sb_printf(b, "<polyline points=\"");
      } else
        sb_printf(b, "<polygon points=\"");
      for (size_t k = 0; k < o->npts; k++) sb_printf(b, "%s%.2f,%.2f", k ? " " : "", o->pts[2 * k], o->pts[2 * k + 1]);
      sb_printf(b, "\"");
      if (!o->closed) {
        nl_rgba nf = o->fill;
        op tmp = *o;
        tmp.fill = nf.a > 0 ? nf : NONE;
        svg_paint(b, &tmp);
      } else
        svg_paint(b, o);
      sb_printf(b, "/>\n");
      break;
    case OP_CIRCLE:
      sb_printf(b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.3g\"", o->x, o->y, o->rx);
      svg_paint(b, o);
      sb_printf(b, "/>\n");
      break;
    case OP_ELLIPSE:
      sb_printf(b, "<ellipse cx=\"%.2f\" cy=\"%.2f\" rx=\"%.3g\" ry=\"%.3g\"", o->x, o->y, o->rx, o->ry);
      svg_paint(b, o);
      sb_printf(b, "/>\n");
      break;
    case OP_TEXT: {
      const char *anchor = o->hanchor < 0.25 ? "start" : o->hanchor > 0.75 ? "end" : "middle";
      sb_printf(b, "<text");
      if (o->angle != 0)
        sb_printf(b, " transform=\"translate(%.2f %.2f) rotate(%.3g)\" x=\"0\" y=\"%.2f\"", o->x, o->y, -o->angle,
                  baseline_dy(o->vanchor, o->size));
      else
        sb_printf(b, " x=\"%.2f\" y=\"%.2f\"", o->x, o->y + baseline_dy(o->vanchor, o->size));
      sb_printf(b, " font-size=\"%.3g\" text-anchor=\"%s\"", o->size, anchor);
      if (o->bold) sb_printf(b, " font-weight=\"bold\"");
      svg_color(b, "fill", o->fill);
      sb_printf(b, ">");
      svg_escape(b, o->text);
      sb_printf(b, "</text>\n");
      break;
    }
    case OP_CLIP:
      clipid++;
      sb_printf(b,
                "<clipPath id=\"clip%d\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/></clipPath>\n"
                "<g clip-path=\"url(#clip%d)\">\n",
                clipid, o->x, o->y, o->rx, o->ry, clipid);
      depth++;
      break;
    case OP_UNCLIP:
      if (depth > 0) {
        sb_printf(b, "</g>\n");
        depth--;
      }
      break;
    default: break;
    }
  }
  while (depth-- > 0) sb_printf(b, "</g>\n");
  sb_printf(b, "</svg>\n");
  return b->oom ? nl_err(&f->err, NL_ENOMEM, "out of memory") : NL_OK;
}

/* ---- output ----------------------------------------------------------------------------- */

nl_status nl_figure_render(nl_figure *f, nl_figure_format fmt, unsigned char **buf, size_t *len) {
  *buf = NULL;
  *len = 0;
  if (!NL_HAVE_PLOT) return nl_err_without(&f->err, "plot");
  nl_status rs = build(f);
  if (rs) return rs;
  sbuf b = {0};
#if NL_HAVE_PLOT
  rs = fmt == NL_FIGURE_SVG ? render_svg(f, &b) : render_png(f, &b);
#else
  rs = render_svg(f, &b);
  (void)fmt;
#endif
  if (rs || b.oom) {
    nl_free(b.p);
    return rs ? rs : nl_err(&f->err, NL_ENOMEM, "out of memory");
  }
  *buf = b.p;
  *len = b.len;
  return NL_OK;
}

static int ends_with(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  if (a < b) return 0;
  for (size_t i = 0; i < b; i++)
    if (tolower((unsigned char)s[a - b + i]) != suf[i]) return 0;
  return 1;
}

nl_status nl_figure_save(nl_figure *f, const char *path) {
  nl_figure_format fmt;
  if (ends_with(path, ".png"))
    fmt = NL_FIGURE_PNG;
  else if (ends_with(path, ".svg"))
    fmt = NL_FIGURE_SVG;
  else
    return nl_err(&f->err, NL_EINVAL, "%s: unknown figure format: the file name must end in .png or .svg", path);
  unsigned char *buf = NULL;
  size_t len = 0;
  nl_status rs = nl_figure_render(f, fmt, &buf, &len);
  if (rs) return rs;
  nl_atomic_file a;
  rs = nl_atomic_open(&a, path, &f->err);
  if (!rs) {
    if (fwrite(buf, 1, len, a.f) != len) {
      nl_atomic_abort(&a);
      rs = nl_err(&f->err, NL_EIO, "%s: write failed", path);
    } else
      rs = nl_atomic_commit(&a, &f->err);
  }
  nl_free(buf);
  return rs;
}
