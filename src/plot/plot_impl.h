#ifndef NL_PLOT_IMPL_H
#define NL_PLOT_IMPL_H
/* Plotting internals shared by the plot module and its tests: scales, colours, the display list. */
#include <stddef.h>

#include "core/error.h"
#include "netlearn/plot.h"

typedef struct nl_rgba {
  double r, g, b, a;
} nl_rgba;

/* ---- scales ---- */

/*
 * Nice tick values covering [lo, hi]: a step of 1, 2 or 5 times a power of ten chosen so that
 * the count of ticks inside [lo, hi] is closest to `target` (ties: the larger step; fewer than 3
 * ticks only as a last resort). Ticks are
 * multiples of the step (values within 1e-9 step of 0 are exactly 0). Writes up to cap ticks,
 * returns their count and the step. lo < hi required (returns 0 otherwise). O(ticks).
 */
size_t nl_plot_ticks(double lo, double hi, size_t target, double *ticks, size_t cap, double *step);
/* Decimals that show every multiple of `step` exactly (0.2 -> 1, 0.05 -> 2, 20 -> 0). */
int nl_plot_tick_decimals(double step);
/* A tick label: fixed with the step's decimals, "%g" for very large or small values, and a
 * typographic minus (U+2212) for negative numbers. */
void nl_plot_format_tick(double v, double step, char *buf, size_t cap);
/* Format a number compactly for labels (up to 3 significant decimals, no trailing zeros). */
void nl_plot_format_num(double v, char *buf, size_t cap);

/* Colours. */
nl_rgba nl_plot_viridis(double t); /* t in [0, 1] (clamped); NaN gives grey */
nl_rgba nl_plot_category(size_t i); /* Okabe-Ito, reordered for lines on white; cycles after 8 */
#define NL_PLOT_NCATEGORIES 8
/* Relative luminance (for choosing black or white text on a fill). */
double nl_plot_luminance(nl_rgba c);
/* Pretty name: underscores to spaces, first letter upper case ("code_knowledge" -> "Code knowledge").
 * Names that look like symbols (p1, m) are kept. */
void nl_plot_pretty_name(const char *name, char *buf, size_t cap);

/* ---- display list (page coordinates in points, origin top-left) ---- */

enum { NL_VA_BASELINE = 0, NL_VA_MIDDLE = 1, NL_VA_TOP = 2, NL_VA_BOTTOM = 3 };
enum { NL_DASH_SOLID = 0, NL_DASH_DASHED = 1, NL_DASH_DOTTED = 2 };
enum { NL_MARK_CIRCLE = 0, NL_MARK_SQUARE, NL_MARK_TRIANGLE, NL_MARK_DIAMOND, NL_MARK_TRIANGLE_DOWN, NL_MARK_NSHAPES };

/* Free drawing: drop the panel, the layers and the display list (network, PLS diagrams). */
void nl_fig_begin_free(nl_figure *f);
/* Primitives; failures (out of memory) are sticky and reported by save/render. A colour with
 * a = 0 is not drawn (no fill / no stroke). */
void nl_fig_path(nl_figure *f, const double *xy, size_t n, int closed, nl_rgba fill, nl_rgba stroke, double lw,
                 int dash);
void nl_fig_circle(nl_figure *f, double x, double y, double r, nl_rgba fill, nl_rgba stroke, double lw);
void nl_fig_ellipse(nl_figure *f, double x, double y, double rx, double ry, nl_rgba fill, nl_rgba stroke, double lw);
void nl_fig_rect(nl_figure *f, double x, double y, double w, double h, nl_rgba fill, nl_rgba stroke, double lw);
void nl_fig_marker(nl_figure *f, int shape, double x, double y, double size, nl_rgba fill, nl_rgba stroke, double lw);
/* Text at (x, y): hanchor 0 left, 0.5 centre, 1 right; vanchor NL_VA_*; angle in degrees
 * counter-clockwise (0 or 90). */
void nl_fig_text(nl_figure *f, double x, double y, const char *s, double size, double hanchor, int vanchor,
                 double angle, nl_rgba color, int bold);
/* An arrow from (x0, y0) to (x1, y1) with a filled head at the end. */
void nl_fig_arrow(nl_figure *f, double x0, double y0, double x1, double y1, nl_rgba color, double lw, double head);
/* Width of a text in points at `size`; font ascent (cap height) in points. */
double nl_fig_text_width(nl_figure *f, const char *s, double size, int bold);
double nl_fig_cap_height(double size);
/* Free drawings: shrink the page height to the drawing plus `top` and `bottom` points (never
 * grows it), moving everything up. Rotated texts are treated as horizontal (not used there). */
void nl_fig_crop_height(nl_figure *f, double top, double bottom);
/* Free drawings: widen the page to `width` points when it is narrower (before drawing anything). */
void nl_fig_widen(nl_figure *f, double width);
/* Page size and base font size. */
double nl_fig_width(const nl_figure *f);
double nl_fig_height(const nl_figure *f);
double nl_fig_font_size(const nl_figure *f);
/* Title set with nl_figure_labels (NULL if none); free drawings place it themselves. */
const char *nl_fig_title(const nl_figure *f);
/* Figure's message buffer (for the figure kinds). */
nl_errbuf *nl_fig_err(nl_figure *f);
/* A colour bar at (x, y) of w x h (vertical), scale lo..hi, with ticks and a title above. */
void nl_fig_colorbar(nl_figure *f, double x, double y, double w, double h, double lo, double hi, const char *title);
/* Width a colour bar with its tick labels needs. */
double nl_fig_colorbar_width(nl_figure *f, double lo, double hi, const char *title);

#endif
