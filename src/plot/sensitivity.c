/*
 * Figures of sensitivity analyses (free drawings, so that factor names label the rows): Sobol'
 * indices as bars with bootstrap whiskers, and Morris' mu*-sigma plane.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "plot/plot_impl.h"

static const nl_rgba INK = {0.13, 0.13, 0.13, 1}, GREY = {0.45, 0.45, 0.45, 1}, GRID = {0.88, 0.88, 0.88, 1},
                     NONE = {0, 0, 0, 0};

/* Nice ticks over [lo, hi] along a horizontal axis at page y, from page x0 to x1, with labels
 * below and light grid lines up to gy (when gy < y). */
static void x_axis(nl_figure *f, double lo, double hi, double x0, double x1, double y, double gy, const char *label) {
  double ticks[32], step = 1, fs = nl_fig_font_size(f);
  size_t nt = nl_plot_ticks(lo, hi, 6, ticks, 32, &step);
  for (size_t i = 0; i < nt; i++) {
    double x = x0 + (ticks[i] - lo) / (hi - lo) * (x1 - x0);
    double xy[4] = {x, gy, x, y};
    if (gy < y) nl_fig_path(f, xy, 2, 0, NONE, GRID, 0.6, NL_DASH_SOLID);
    xy[1] = y;
    xy[3] = y + 3;
    nl_fig_path(f, xy, 2, 0, NONE, INK, 0.8, NL_DASH_SOLID);
    char t[32];
    nl_plot_format_tick(ticks[i], step, t, sizeof t);
    nl_fig_text(f, x, y + 5, t, fs * 0.9, 0.5, NL_VA_TOP, 0, INK, 0);
  }
  double xy[4] = {x0, y, x1, y};
  nl_fig_path(f, xy, 2, 0, NONE, INK, 0.8, NL_DASH_SOLID);
  if (label) nl_fig_text(f, (x0 + x1) / 2, y + 8 + fs * 1.9, label, fs, 0.5, NL_VA_BASELINE, 0, INK, 0);
}

/* The same for a vertical axis at page x, from page y0 (bottom) to y1 (top). */
static void y_axis(nl_figure *f, double lo, double hi, double y0, double y1, double x, double gx, const char *label) {
  double ticks[32], step = 1, fs = nl_fig_font_size(f), wmax = 0;
  size_t nt = nl_plot_ticks(lo, hi, 6, ticks, 32, &step);
  for (size_t i = 0; i < nt; i++) {
    double y = y0 + (ticks[i] - lo) / (hi - lo) * (y1 - y0);
    double xy[4] = {x, y, gx, y};
    if (gx > x) nl_fig_path(f, xy, 2, 0, NONE, GRID, 0.6, NL_DASH_SOLID);
    xy[0] = x - 3;
    xy[2] = x;
    nl_fig_path(f, xy, 2, 0, NONE, INK, 0.8, NL_DASH_SOLID);
    char t[32];
    nl_plot_format_tick(ticks[i], step, t, sizeof t);
    double w = nl_fig_text_width(f, t, fs * 0.9, 0);
    wmax = w > wmax ? w : wmax;
    nl_fig_text(f, x - 5, y, t, fs * 0.9, 1, NL_VA_MIDDLE, 0, INK, 0);
  }
  double xy[4] = {x, y0, x, y1};
  nl_fig_path(f, xy, 2, 0, NONE, INK, 0.8, NL_DASH_SOLID);
  if (label) nl_fig_text(f, x - 9 - wmax, (y0 + y1) / 2, label, fs, 0.5, NL_VA_BOTTOM, 90, INK, 0);
}

/* Range of finite values of up to three arrays, widened to include [base_lo, base_hi]. */
static void span(size_t n, const double *a, const double *b, const double *c, double *lo, double *hi) {
  const double *arr[3] = {a, b, c};
  for (int k = 0; k < 3; k++)
    for (size_t i = 0; arr[k] && i < n; i++)
      if (isfinite(arr[k][i])) {
        if (arr[k][i] < *lo) *lo = arr[k][i];
        if (arr[k][i] > *hi) *hi = arr[k][i];
      }
}

nl_status nl_plot_sobol_indices(nl_figure *f, size_t n, const char *const *names, const double *s1, const double *s1lo,
                                const double *s1hi, const double *st, const double *stlo, const double *sthi) {
  if (n == 0 || !names || !s1 || !st) return nl_err(nl_fig_err(f), NL_EINVAL, "no factors to plot");
  double fs = nl_fig_font_size(f);
  const char *title = nl_fig_title(f);
  nl_fig_begin_free(f);
  double W = nl_fig_width(f);
  double lo = 0, hi = 1;
  span(n, s1, s1lo, s1hi, &lo, &hi);
  span(n, st, stlo, sthi, &lo, &hi);
  if (lo < -0.5) lo = -0.5; /* a wild interval should not squash the bars */
  double labw = 0;
  for (size_t i = 0; i < n; i++) {
    double w = nl_fig_text_width(f, names[i], fs, 0);
    labw = w > labw ? w : labw;
  }
  double top = 8 + (title ? fs * 2.2 : 0) + fs * 2.0, row = fs * 2.4;
  double x0 = 12 + labw + 8, x1 = W - 16, y1 = top + row * (double)n;
  nl_rgba c1 = nl_plot_category(0), c2 = nl_plot_category(1);
  x_axis(f, lo, hi, x0, x1, y1 + 4, top - 4, "Sobol' index (bars; whiskers: 95% bootstrap interval)");
#define PX(v) (x0 + ((v) < lo ? 0 : (v) - lo) / (hi - lo) * (x1 - x0))
  double zero = PX(0.0);
  for (size_t i = 0; i < n; i++) {
    double yc = top + row * ((double)i + 0.5), bh = row * 0.3;
    int dummy = !strcmp(names[i], "dummy");
    nl_fig_text(f, x0 - 8, yc, names[i], fs, 1, NL_VA_MIDDLE, 0, dummy ? GREY : INK, 0);
    const double *v[2] = {s1, st}, *l[2] = {s1lo, stlo}, *h[2] = {s1hi, sthi};
    for (int k = 0; k < 2; k++) {
      double y = k == 0 ? yc - bh : yc;
      nl_rgba c = k == 0 ? c1 : c2;
      if (isfinite(v[k][i])) {
        double xv = PX(v[k][i]);
        nl_fig_rect(f, xv < zero ? xv : zero, y + 1, fabs(xv - zero), bh - 2, c, NONE, 0);
      }
      if (l[k] && h[k] && isfinite(l[k][i]) && isfinite(h[k][i])) {
        double xy[4] = {PX(l[k][i]), y + bh / 2, PX(h[k][i]), y + bh / 2};
        nl_fig_path(f, xy, 2, 0, NONE, INK, 0.9, NL_DASH_SOLID);
        for (int e = 0; e < 2; e++) {
          double cx = e ? xy[2] : xy[0], cap[4] = {cx, y + 1.5, cx, y + bh - 1.5};
          nl_fig_path(f, cap, 2, 0, NONE, INK, 0.9, NL_DASH_SOLID);
        }
      }
    }
    /* the dummy's upper ST bound: factors below it are indistinguishable from noise */
    if (dummy && sthi && isfinite(sthi[i]) && sthi[i] > 0) {
      double xy[4] = {PX(sthi[i]), top - 4, PX(sthi[i]), y1 + 4};
      nl_fig_path(f, xy, 2, 0, NONE, GREY, 0.9, NL_DASH_DASHED);
    }
  }
  double zx[4] = {zero, top - 4, zero, y1 + 4};
  nl_fig_path(f, zx, 2, 0, NONE, INK, 0.8, NL_DASH_SOLID);
#undef PX
  /* legend above the panel */
  double ly = top - fs * 1.6, lx = x0;
  nl_fig_rect(f, lx, ly - fs * 0.4, fs, fs * 0.8, c1, NONE, 0);
  nl_fig_text(f, lx + fs * 1.4, ly, "first order S1", fs * 0.9, 0, NL_VA_MIDDLE, 0, INK, 0);
  lx += fs * 1.4 + nl_fig_text_width(f, "first order S1", fs * 0.9, 0) + fs * 1.5;
  nl_fig_rect(f, lx, ly - fs * 0.4, fs, fs * 0.8, c2, NONE, 0);
  nl_fig_text(f, lx + fs * 1.4, ly, "total ST", fs * 0.9, 0, NL_VA_MIDDLE, 0, INK, 0);
  if (title) nl_fig_text(f, 8, 8 + fs * 1.1, title, fs * 1.1, 0, NL_VA_BASELINE, 0, INK, 1);
  nl_fig_crop_height(f, 8, 8 + fs * 3.5);
  return NL_OK;
}

nl_status nl_plot_morris(nl_figure *f, size_t n, const char *const *names, const double *mustar, const double *lo,
                         const double *hi, const double *sigma) {
  if (n == 0 || !names || !mustar || !sigma) return nl_err(nl_fig_err(f), NL_EINVAL, "no factors to plot");
  double fs = nl_fig_font_size(f);
  const char *title = nl_fig_title(f);
  nl_fig_begin_free(f);
  double W = nl_fig_width(f), H = nl_fig_height(f);
  double xlo = 0, xhi = 0, ylo = 0, yhi = 0;
  span(n, mustar, NULL, hi, &xlo, &xhi); /* mu* >= 0: the axis starts at 0 even when an interval does not */
  span(n, sigma, NULL, NULL, &ylo, &yhi);
  if (!(xhi > 0)) xhi = 1;
  if (!(yhi > 0)) yhi = 1;
  xhi *= 1.08;
  yhi *= 1.08;
  double px0 = 8 + fs * 5.5, px1 = W - 16, py0 = H - 8 - fs * 3.6, py1 = 8 + (title ? fs * 2.2 : 0) + 4;
  x_axis(f, xlo, xhi, px0, px1, py0, py1, "\xce\xbc* (mean absolute elementary effect)");
  y_axis(f, ylo, yhi, py0, py1, px0, px1, "\xcf\x83 (standard deviation of the elementary effects)");
#define PX(v) (px0 + ((v) - xlo) / (xhi - xlo) * (px1 - px0))
#define PY(v) (py0 + ((v) - ylo) / (yhi - ylo) * (py1 - py0))
  /* sigma / mu* = 0.1 (almost linear), 0.5 (monotonic), 1 (non-linear or interacting):
   * Garcia Sanchez et al. (2014) */
  static const double ratios[3] = {0.1, 0.5, 1.0};
  static const char *const rlab[3] = {"\xcf\x83/\xce\xbc* = 0.1", "0.5", "1"};
  for (int r = 0; r < 3; r++) {
    double xe = xhi, ye = ratios[r] * xhi;
    if (ye > yhi) {
      ye = yhi;
      xe = yhi / ratios[r];
    }
    double xy[4] = {PX(0), PY(0), PX(xe), PY(ye)};
    nl_fig_path(f, xy, 2, 0, NONE, GREY, 0.7, NL_DASH_DOTTED);
    nl_fig_text(f, PX(xe) - 2, PY(ye) - 2, rlab[r], fs * 0.75, 1, NL_VA_BOTTOM, 0, GREY, 0);
  }
  size_t *ord = nl_malloc(n * sizeof *ord);
  double *box = nl_malloc(4 * n * sizeof *box);
  if (!ord || !box) {
    nl_free(ord);
    nl_free(box);
    return nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
  }
  size_t nord = 0;
  for (size_t pass = 0; pass < 2 * n; pass++) {
    size_t i = pass % n; /* the dummy in a second pass, on top of the others */
    int dummy = !strcmp(names[i], "dummy");
    if (dummy != (pass >= n) || !isfinite(mustar[i]) || !isfinite(sigma[i])) continue;
    nl_rgba c = dummy ? GREY : nl_plot_category(0);
    double x = PX(mustar[i]), y = PY(sigma[i]);
    if (lo && hi && isfinite(lo[i]) && isfinite(hi[i])) {
      double xy[4] = {PX(lo[i] < xlo ? xlo : lo[i]), y, PX(hi[i]), y};
      nl_fig_path(f, xy, 2, 0, NONE, c, 0.8, NL_DASH_SOLID);
    }
    nl_fig_marker(f, dummy ? NL_MARK_SQUARE : NL_MARK_CIRCLE, x, y, fs * 0.55, c, NONE, 0);
    /* insertion by decreasing mu* (the dummy first: it is the reference) */
    size_t k = nord++;
    while (k > 0 && (dummy || mustar[ord[k - 1]] < mustar[i]) && strcmp(names[ord[k - 1]], "dummy")) {
      ord[k] = ord[k - 1];
      k--;
    }
    ord[k] = i;
  }
  /* labels, most influential first; one that would cover an earlier label is left out (the CSV
   * has every factor), so a crowd of negligible factors near the origin stays legible */
  size_t nbox = 0;
  for (size_t k = 0; k < nord; k++) {
    size_t i = ord[k];
    double ls = fs * 0.8, w = nl_fig_text_width(f, names[i], ls, 0), h = ls * 1.1;
    double bx = PX(mustar[i]) + fs * 0.5, by = PY(sigma[i]) - fs * 0.3 - h;
    int clash = 0;
    for (size_t b = 0; b < nbox && !clash; b++)
      clash = bx < box[4 * b + 2] && box[4 * b] < bx + w && by < box[4 * b + 3] && box[4 * b + 1] < by + h;
    if (clash) continue;
    box[4 * nbox] = bx;
    box[4 * nbox + 1] = by;
    box[4 * nbox + 2] = bx + w;
    box[4 * nbox + 3] = by + h;
    nbox++;
    int dummy = !strcmp(names[i], "dummy");
    nl_fig_text(f, bx, by + h, names[i], ls, 0, NL_VA_BOTTOM, 0, dummy ? GREY : INK, 0);
  }
  nl_free(ord);
  nl_free(box);
#undef PX
#undef PY
  if (title) nl_fig_text(f, 8, 8 + fs * 1.1, title, fs * 1.1, 0, NL_VA_BASELINE, 0, INK, 1);
  return NL_OK;
}
