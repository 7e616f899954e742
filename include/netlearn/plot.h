#ifndef NETLEARN_PLOT_H
#define NETLEARN_PLOT_H
/*
 * Figures for papers: time series with 95% bands, parameter sweeps (lines and heatmaps), firm
 * networks and PLS path diagrams, written as PNG (cairo) or SVG (text kept as <text>).
 *
 * One handle, nl_figure: a page of width x height points (1 pt = 1/72 inch) holding either one
 * panel with axes (lines, bands, error bars, a heatmap) or a free drawing (network, PLS
 * diagram). Layers are recorded in data units; layout (nice 1-2-5 ticks, margins fitted to the
 * labels, a legend placed where it covers no data) happens when the figure is rendered, so the
 * order of calls does not matter. Colours: Okabe-Ito for categories (colour-blind safe, with a
 * distinct marker shape per category so figures survive grey-scale printing), viridis for
 * continuous scales.
 *
 *   nl_figure *f = nl_figure_new(NULL);                 // 480 x 336 pt, 10 pt DejaVu Sans
 *   nl_figure_labels(f, "Period", "Code knowledge", NULL);
 *   nl_figure_band(f, n, t, lo, hi, 0);
 *   nl_figure_line(f, n, t, mean, 0, "p1 = 0.1", 0);
 *   if (nl_figure_save(f, "fig.png")) fprintf(stderr, "%s\n", nl_figure_errmsg(f));
 *   nl_figure_free(f);
 *
 * The figure kinds (nl_plot_*) take data in memory; nl_plot_source reads a results directory
 * or database of `netlearn run` and draws the same kinds from it. Nothing here prints or exits;
 * errors are an nl_status with the message on the handle.
 */
#include <stddef.h>

#include "netlearn/memory.h"
#include "netlearn/network.h"
#include "netlearn/pls.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- figures ----------------------------------------------------------------------------- */

typedef struct nl_figure nl_figure;

typedef struct nl_figure_options {
  double width, height; /* points; default 480 x 336 (6.67 x 4.67 in) */
  double dpi;           /* PNG resolution; default 150 (use 300 for print). SVG is resolution-free */
  double font_size;     /* base size in points (tick labels 0.9x, titles 1.1x); default 10 */
  const char *font;     /* font family (borrowed, copied); default "DejaVu Sans" */
} nl_figure_options;

NL_API void nl_figure_options_default(nl_figure_options *o);

/* New empty figure; o NULL = defaults. NULL only when out of memory. An option out of range (sizes
 * 36..14400 pt, dpi 36..1200, font 4..72 pt) still gives a figure, with the defaults and the reason
 * in nl_figure_errmsg: nl_figure_save, nl_figure_render and nl_figure_transform then fail with
 * NL_ERANGE. Caller frees. */
NL_API nl_figure *nl_figure_new(const nl_figure_options *o);
NL_API void nl_figure_free(nl_figure *f); /* NULL is harmless */
NL_API const char *nl_figure_errmsg(const nl_figure *f);

/* Axis titles and an optional title above the panel (each borrowed, copied; NULL keeps the
 * current one, "" removes it). Network and PLS drawings lay out their page when drawn: set their
 * title before nl_plot_network / nl_plot_pls_draw. Errors: NL_ENOMEM. */
NL_API nl_status nl_figure_labels(nl_figure *f, const char *xlabel, const char *ylabel, const char *title);
/* Title of the legend (e.g. the parameter that distinguishes the lines); "" = none. */
NL_API nl_status nl_figure_legend_title(nl_figure *f, const char *title);
/* Fix an axis range instead of fitting it to the data (lo < hi, finite). Errors: NL_ERANGE. */
NL_API nl_status nl_figure_xlim(nl_figure *f, double lo, double hi);
NL_API nl_status nl_figure_ylim(nl_figure *f, double lo, double hi);

/* Automatic colour: the next unused category. */
#define NL_PLOT_AUTO ((size_t)-1)

enum {
  NL_PLOT_MARKERS = 1, /* nl_figure_line: draw a marker (shape by colour index) at every point */
  NL_PLOT_DASHED = 2   /* nl_figure_line: dashed line */
};

/*
 * A line through (x[i], y[i]) (copied) in category colour `color` (NL_PLOT_AUTO = next), with
 * legend entry `label` (NULL or "" = none). Non-finite points break the line. Errors: NL_EINVAL
 * (n = 0 or no finite point), NL_ENOMEM. O(n).
 */
NL_API nl_status nl_figure_line(nl_figure *f, size_t n, const double *x, const double *y, size_t color, const char *label,
                                unsigned flags);
/* A translucent band between lo[i] and hi[i] (a confidence band), drawn under the lines. Its
 * legend key is shown with the line of the same colour. Errors as nl_figure_line. */
NL_API nl_status nl_figure_band(nl_figure *f, size_t n, const double *x, const double *lo, const double *hi, size_t color);
/* Vertical error bars from lo[i] to hi[i] at x[i], with caps. Errors as nl_figure_line. */
NL_API nl_status nl_figure_errorbars(nl_figure *f, size_t n, const double *x, const double *lo, const double *hi,
                                     size_t color);

/*
 * A heatmap: z[j * nx + i] is the cell at column i (x value x[i]) and row j (y value y[j]);
 * NaN cells are drawn grey and marked "NA". The axes become categorical (one tick per value,
 * labelled with the value). Colours: viridis from zlo to zhi (both NaN = the data range), with
 * a colour bar titled zlabel. annotate: print each cell's value in it when the cells are large
 * enough. Replaces any earlier layers. Errors: NL_EINVAL (nx or ny 0), NL_ENOMEM.
 */
NL_API nl_status nl_figure_heatmap(nl_figure *f, size_t nx, const double *x, size_t ny, const double *y, const double *z,
                                   double zlo, double zhi, const char *zlabel, int annotate);

/* Lay the figure out (the panel, ticks and legend) and map data (x, y) to page coordinates in
 * points from the top-left corner (for a heatmap, x and y are cell indices: column i's centre is
 * x = i). Useful for annotations and tests. Errors: NL_EINVAL (no panel: empty or free drawing),
 * NL_ENOMEM. Cost: O(layers). */
NL_API nl_status nl_figure_transform(nl_figure *f, double x, double y, double *px, double *py);
/* The panel rectangle in points (after layout). Errors as nl_figure_transform. */
NL_API nl_status nl_figure_panel(nl_figure *f, double *x0, double *y0, double *x1, double *y1);

/* Release the font caches cairo keeps for the whole process (font faces and their fontconfig
 * patterns). Optional; call once at exit after every figure is freed and no other cairo object
 * is alive, so that leak checkers stay quiet. Not thread-safe. */
NL_API void nl_plot_release_caches(void);

typedef enum nl_figure_format { NL_FIGURE_PNG = 0, NL_FIGURE_SVG = 1 } nl_figure_format;

/* Write the figure to `path`: PNG or SVG by its extension (.png, .svg, any case), written
 * to a temporary name and renamed into place. Errors: NL_EINVAL (other extension, empty figure),
 * NL_EIO (cannot write), NL_ENOMEM, NL_EUNSUPPORTED (built without figures: nl_built_with("plot")).
 * Cost: O(layers + pixels). */
NL_API nl_status nl_figure_save(nl_figure *f, const char *path);
/* Render into a new memory buffer (*buf, *len; caller frees with nl_free), for embedding in
 * reports. Errors: NL_EINVAL (empty figure), NL_ENOMEM, NL_EUNSUPPORTED (built without figures). */
NL_API nl_status nl_figure_render(nl_figure *f, nl_figure_format fmt, unsigned char **buf, size_t *len);

/* ---- figure kinds from data in memory ---------------------------------------------------- */

/* One curve: y-values with an optional 95% interval at x positions. All arrays borrowed. */
typedef struct nl_plot_curve {
  const char *label; /* legend entry (NULL: none) */
  size_t n;
  const double *x, *mean;
  const double *lo, *hi; /* NULL: no band / error bars */
} nl_plot_curve;

/* Time series: each curve as a line with its band (one colour each, legend when > 1 curve or
 * labelled). Errors: NL_EINVAL (no curves, > 8 curves: categories would repeat), NL_ENOMEM. */
NL_API nl_status nl_plot_series(nl_figure *f, const nl_plot_curve *curves, size_t ncurves);
/* A sweep over one parameter: markers joined by lines with error bars (March 1991, Figure 1).
 * Errors as nl_plot_series. */
NL_API nl_status nl_plot_sweep_line(nl_figure *f, const nl_plot_curve *curves, size_t ncurves);

/* Network drawing options. Arrays (n = nl_network_nodes) are borrowed; NULL = unused. */
typedef struct nl_plot_network_options {
  const double *size;         /* node size variable: area proportional to it (NaN: smallest) */
  const char *size_label;     /* legend title for sizes */
  const double *color;        /* continuous colour variable (viridis, colour bar) */
  const char *const *category;/* or a categorical one (Okabe-Ito, legend); NULL entries = "NA" */
  const char *color_label;    /* colour bar / legend title */
  int labels;                 /* 1: write node labels beside the nodes; 0: never; -1: when n <= 40 */
  unsigned long long seed;    /* layout seed (the layout is deterministic in it); default 1 */
} nl_plot_network_options;

NL_API void nl_plot_network_options_default(nl_plot_network_options *o);

/*
 * Draw a network: igraph's Fruchterman-Reingold layout (seeded, so the same graph and seed give
 * the same picture), node area by `size`, colour by `color` or `category`, edge width by weight
 * (0.4 to 3 pt over the weight range). g is borrowed (its CSR may be built). The page height is
 * a maximum (a wide layout gets a shorter page). Replaces earlier layers. Errors: NL_EINVAL (no nodes, both colour kinds set), NL_ENOMEM, NL_EINTERNAL (igraph).
 * Cost: O(iterations x n^2) for n <= 1000 (igraph's FR), O(edges) drawing.
 */
NL_API nl_status nl_plot_network(nl_figure *f, nl_network *g, const nl_plot_network_options *o);

/* A network from files: the graph (edge list CSV, or GraphML by the extension .graphml / .xml)
 * and an optional node table (CSV with an id column and one row per node, e.g. coopnet's
 * firms.csv). All pointers borrowed. */
typedef struct nl_plot_network_files {
  const char *graph;
  const char *nodes;         /* node table, NULL = none */
  const char *id;            /* id column; NULL: "id", else "firm", else the first column */
  const char *size;          /* column for node sizes (numbers), NULL = equal sizes */
  const char *color;         /* column for colours: numbers -> viridis scale, text -> categories */
  const char *const *filter; /* "column=value" conditions selecting rows (e.g. "replication=0",
                                "period=200" for a table with one row per firm and period) */
  size_t nfilter;
  int labels;                /* as nl_plot_network_options */
  unsigned long long seed;
  /* Edge lists in long form (e.g. one row per tie and period): the end-point and weight columns
   * (NULL: the first two columns and "weight", as nl_network_read_edgelist) and conditions
   * selecting rows ("period=200"). Not for GraphML. */
  const char *source, *target, *weight;
  const char *const *edge_filter;
  size_t nedge_filter;
} nl_plot_network_files;

/*
 * Draw a network from files on figure f: read the graph and node table and draw them with
 * nl_plot_network (a drawing, like every nl_plot_* call on a figure: the message is on f). Node ids match the graph's
 * labels (compared as numbers when both are numbers); when every id and label is a non-negative
 * integer, nodes are 0..max id, so firms without ties (absent from the edge list) are drawn as
 * isolated nodes. Errors on the figure ("file:line: ..."): NL_EIO, NL_EPARSE (from the readers),
 * NL_EINVAL (missing column with the closest name suggested, a node with several rows after the
 * filters, a size column that is not numeric, no edge row left after the edge filters),
 * NL_ENOMEM. Cost: reading + nl_plot_network.
 */
NL_API nl_status nl_plot_network_draw_files(nl_figure *f, const nl_plot_network_files *spec);

/* A PLS model's results for a path diagram. Build with nl_plot_pls_new + adders, or from an
 * estimation (nl_plot_pls_new + nl_plot_pls_from_estimate), or read `netlearn pls -o DIR` output
 * (nl_plot_pls_read, which returns a new handle). */
typedef struct nl_plot_pls nl_plot_pls;

NL_API nl_plot_pls *nl_plot_pls_new(void); /* NULL when out of memory */
NL_API void nl_plot_pls_free(nl_plot_pls *m);
NL_API const char *nl_plot_pls_errmsg(const nl_plot_pls *m);
/* Add a construct (mode 'A' reflective, 'B' composite; r2 NaN for exogenous), an indicator of an
 * existing construct (value: loading for mode A, weight for mode B), a path with its p-value
 * (NaN: no bootstrap; stars * < .05, ** < .01, *** < .001). Errors: NL_EINVAL (unknown or
 * duplicate name), NL_ENOMEM. */
NL_API nl_status nl_plot_pls_construct(nl_plot_pls *m, const char *name, char mode, double r2);
NL_API nl_status nl_plot_pls_indicator(nl_plot_pls *m, const char *construct, const char *name, double value);
NL_API nl_status nl_plot_pls_path(nl_plot_pls *m, const char *from, const char *to, double estimate, double p);
/* From an estimated nl_pls (bootstrap p-values when it was bootstrapped). Errors: NL_EINVAL
 * (not estimated), NL_ENOMEM. */
NL_API nl_status nl_plot_pls_from_estimate(nl_plot_pls *m, nl_pls *p);
/* Read the CSV files of `netlearn pls -o DIR` (dir borrowed) into a new handle, *out: weights.csv,
 * loadings.csv, paths.csv, rsquared.csv and, when present, bootstrap.csv. *out is set also on
 * failure, holding the message (NULL only when out of memory); the caller frees it either way
 * (nl_plot_pls_free). Errors: NL_EIO (a file missing), NL_EPARSE (a file malformed, a column
 * missing), NL_EINVAL, NL_ENOMEM. Cost: O(size of the files x constructs). */
NL_API nl_status nl_plot_pls_read(const char *dir, nl_plot_pls **out);

/*
 * Draw the path diagram: constructs as ellipses in columns by causal order (exogenous left),
 * R^2 inside endogenous ones, indicators as rectangles outside (arrows construct -> indicator
 * for mode A, indicator -> construct for mode B, labelled with loadings / weights), paths
 * labelled with coefficients and significance stars; a path that would cross a construct or an
 * indicator (the direct path of a mediation) bows around it. The page height is a maximum: a
 * diagram that needs less gets a shorter page. Replaces earlier layers. Errors:
 * NL_EINVAL (no constructs), NL_ENOMEM. Cost: O(constructs^2 + indicators).
 */
NL_API nl_status nl_plot_pls_draw(nl_figure *f, const nl_plot_pls *m);

/* Simple-slope plot of interaction term `interaction` (A:B) of an estimated nl_pls on `outcome`:
 * the outcome (in SD) against A from -1 to +1 SD, one line each for B at -1 SD, the mean and
 * +1 SD (seminr's slope_analysis()). Errors: NL_EINVAL (not an interaction term, no path to the
 * outcome, not estimated), NL_ENOMEM. O(1). */
NL_API nl_status nl_plot_pls_slopes(nl_figure *f, const nl_pls *p, size_t interaction, size_t outcome);

/* ---- sensitivity analyses ------------------------------------------------------------------ */

/*
 * Sobol' indices: one row per factor (names label the rows) with a bar for S1 and one for ST,
 * each with its interval as a whisker (lo/hi arrays may be NULL); a factor named "dummy" is
 * greyed and the upper end of its ST interval drawn as a dashed line, the noise floor. All arrays
 * of n (borrowed). A free drawing: the page height is a maximum (give about 30 pt per factor).
 * Errors: NL_EINVAL (n = 0), NL_ENOMEM (on save). O(n).
 */
NL_API nl_status nl_plot_sobol_indices(nl_figure *f, size_t n, const char *const *names, const double *s1, const double *s1lo,
                                       const double *s1hi, const double *st, const double *stlo, const double *sthi);
/*
 * Morris' mu*-sigma plane: a labelled marker per factor with its mu* interval (lo/hi may be
 * NULL) and the lines sigma/mu* = 0.1, 0.5 and 1 (Garcia Sanchez et al. 2014: almost linear,
 * monotonic, non-linear or interacting). Errors and cost as nl_plot_sobol_indices.
 */
NL_API nl_status nl_plot_morris(nl_figure *f, size_t n, const char *const *names, const double *mustar, const double *lo,
                                const double *hi, const double *sigma);

/* Importance-performance map of an nl_pls after nl_pls_ipma: one marker per construct with an
 * effect on the target (x importance, y performance), named in the legend. Errors: NL_EINVAL (no
 * IPMA), NL_ENOMEM. O(constructs). */
NL_API nl_status nl_plot_pls_ipma(nl_figure *f, const nl_pls *p);

/* ---- figures from results of `netlearn run` ----------------------------------------------- */

/*
 * A results source: a directory written by `netlearn run -o DIR` (summary.csv, final.csv) or a
 * results database (results.db; its tidy tables are exported to a temporary directory that is
 * removed again). Design points are identified by the `point` column and their swept parameter
 * columns.
 */
typedef struct nl_plot_source nl_plot_source;

/* Open the results at path (borrowed) into a new source, *out, set also on failure holding the
 * message (NULL only when out of memory); the caller frees it either way. (No _new: a source is
 * only ever an opened one.) Errors: NL_EIO (no such directory / file, no summary.csv), NL_EPARSE
 * (malformed tables, not a results database), NL_EINVAL (no results yet), NL_ENOMEM.
 * Cost: O(size of summary.csv + final.csv). */
NL_API nl_status nl_plot_source_open(const char *path, nl_plot_source **out);
NL_API void nl_plot_source_free(nl_plot_source *s);
NL_API const char *nl_plot_source_errmsg(const nl_plot_source *s);
/* Measures and swept parameters found (borrowed names). Checked (issue 19): 0 and NULL for a NULL
 * source, one whose open failed, or i out of range. */
NL_API size_t nl_plot_source_nmeasures(const nl_plot_source *s);
NL_API const char *nl_plot_source_measure(const nl_plot_source *s, size_t i);
NL_API size_t nl_plot_source_nparams(const nl_plot_source *s);
NL_API const char *nl_plot_source_param(const nl_plot_source *s, size_t i);
NL_API size_t nl_plot_source_npoints(const nl_plot_source *s);

/* Restrict later plots to design points where parameter `param` equals `value` (text compared
 * as numbers when both are numbers). Errors: NL_EINVAL (unknown parameter, no point matches). */
NL_API nl_status nl_plot_source_where(nl_plot_source *s, const char *param, const char *value);

/* Which period a sweep plot shows: the final state of every run, or a period of the series. */
#define NL_PLOT_FINAL (-1L)

/*
 * Time series of `measure` (mean and 95% CI over replications, from summary.csv) for the design
 * points `points` (1-based ids; npoints 0 = every selected point, at most 8). Errors:
 * NL_EINVAL (unknown measure or point: the message names the closest; more than 8 points;
 * no series in the results), NL_ENOMEM.
 */
NL_API nl_status nl_plot_source_series(nl_plot_source *s, nl_figure *f, const char *measure, const long *points,
                                       size_t npoints);
/*
 * `measure` against parameter `x`, one line per value of parameter `by` (NULL: one line), mean
 * and 95% t interval over replications at `period` (NL_PLOT_FINAL: the runs' final values).
 * Every other parameter that varies among the selected points must be fixed with
 * nl_plot_source_where. Errors: NL_EINVAL (unknown measure / parameter, x not numeric, another
 * parameter varies, more than 8 `by` values), NL_ENOMEM.
 */
NL_API nl_status nl_plot_source_line(nl_plot_source *s, nl_figure *f, const char *measure, const char *x, const char *by,
                                     long period);
/* Heatmap of the mean of `measure` over parameters x (columns) and y (rows). Errors as
 * nl_plot_source_line. zlo/zhi as nl_figure_heatmap. */
NL_API nl_status nl_plot_source_heatmap(nl_plot_source *s, nl_figure *f, const char *measure, const char *x, const char *y,
                                        long period, double zlo, double zhi);

#ifdef __cplusplus
}
#endif
#endif
