/* Figure kinds on a panel: time series with bands, sweep lines with error bars. */
#include <math.h>
#include <stdio.h>

#include "core/alloc.h"
#include "core/error.h"
#include "plot/plot_impl.h"

static nl_status check_curves(nl_figure *f, const nl_plot_curve *c, size_t n) {
  if (n == 0 || !c) return nl_err(nl_fig_err(f), NL_EINVAL, "nothing to plot: no curves");
  if (n > NL_PLOT_NCATEGORIES)
    return nl_err(nl_fig_err(f), NL_EINVAL,
                  "%zu curves are too many for one figure (at most %d: colours would repeat); choose fewer", n,
                  NL_PLOT_NCATEGORIES);
  for (size_t i = 0; i < n; i++)
    if (c[i].n == 0 || !c[i].x || !c[i].mean)
      return nl_err(nl_fig_err(f), NL_EINVAL, "curve %zu%s%s%s is empty", i + 1, c[i].label ? " (" : "",
                    c[i].label ? c[i].label : "", c[i].label ? ")" : "");
  return NL_OK;
}

nl_status nl_plot_series(nl_figure *f, const nl_plot_curve *c, size_t n) {
  nl_status rs = check_curves(f, c, n);
  for (size_t i = 0; !rs && i < n; i++)
    if (c[i].lo && c[i].hi) rs = nl_figure_band(f, c[i].n, c[i].x, c[i].lo, c[i].hi, i);
  for (size_t i = 0; !rs && i < n; i++)
    rs = nl_figure_line(f, c[i].n, c[i].x, c[i].mean, i, n > 1 ? c[i].label : NULL, 0);
  return rs;
}

nl_status nl_plot_sweep_line(nl_figure *f, const nl_plot_curve *c, size_t n) {
  nl_status rs = check_curves(f, c, n);
  if (rs) return rs;
  /* Dodge: curves sharing x values are shifted sideways by up to 15% of the closest spacing of
   * x values, so that error bars at the same x do not hide each other (ggplot's position_dodge). */
  double gap = INFINITY;
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    total += c[i].n;
    for (size_t a = 0; a < c[i].n; a++)
      for (size_t b = a + 1; b < c[i].n; b++) {
        double d = fabs(c[i].x[a] - c[i].x[b]);
        if (d > 0 && d < gap) gap = d;
      }
  }
  double width = n > 1 && isfinite(gap) ? 0.3 * gap : 0;
  double *xs = nl_malloc((total ? total : 1) * sizeof *xs);
  if (!xs) return nl_err(nl_fig_err(f), NL_ENOMEM, "out of memory");
  size_t off = 0;
  for (size_t i = 0; i < n; i++) {
    double shift = n > 1 ? ((double)i / (double)(n - 1) - 0.5) * width : 0;
    for (size_t k = 0; k < c[i].n; k++) xs[off + k] = c[i].x[k] + shift;
    off += c[i].n;
  }
  off = 0;
  for (size_t i = 0; !rs && i < n; i++) {
    if (c[i].lo && c[i].hi) rs = nl_figure_errorbars(f, c[i].n, xs + off, c[i].lo, c[i].hi, i);
    off += c[i].n;
  }
  off = 0;
  for (size_t i = 0; !rs && i < n; i++) {
    rs = nl_figure_line(f, c[i].n, xs + off, c[i].mean, i, n > 1 ? c[i].label : NULL, NL_PLOT_MARKERS);
    off += c[i].n;
  }
  nl_free(xs);
  return rs;
}
