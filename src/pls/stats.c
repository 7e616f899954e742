/*
 * Summaries the bootstrap needs on top of the library's distribution functions (core/stats.h):
 * the two-sided Student t tail and R's default (type 7) sample quantile.
 */
#include <math.h>

#include "core/stats.h"
#include "pls/pls_internal.h"

double pls_t_sf2(double t, double df) {
  if (isnan(t) || !(df > 0)) return NAN;
  if (isinf(t)) return 0.0;
  return nl_beta_inc(0.5 * df, 0.5, df / (df + t * t));
}

double pls_quantile7(const double *x, size_t n, double p) {
  if (n == 0 || isnan(p)) return NAN;
  if (n == 1) return x[0];
  double h = (double)(n - 1) * p;
  if (h <= 0) return x[0];
  if (h >= (double)(n - 1)) return x[n - 1];
  size_t lo = (size_t)floor(h);
  return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/* k-th smallest of x[0..n-1] (0-based), rearranging x so that x[k] holds it, everything before
 * is <= and everything after is >= (Hoare's selection with median-of-three pivots). */
static double select_kth(double *x, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (hi > lo) {
    size_t mid = lo + (hi - lo) / 2;
    double a = x[lo], b = x[mid], c = x[hi];
    double piv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
    size_t i = lo, j = hi;
    while (i <= j) {
      while (x[i] < piv) i++;
      while (x[j] > piv) j--;
      if (i <= j) {
        double t = x[i];
        x[i] = x[j];
        x[j] = t;
        i++;
        if (j == 0) break;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return x[k];
}

double pls_quantile7_select(double *x, size_t n, double p) {
  if (n == 0 || isnan(p)) return NAN;
  double h = (double)(n - 1) * p;
  if (h <= 0) h = 0;
  if (h >= (double)(n - 1)) h = (double)(n - 1);
  size_t lo = (size_t)floor(h);
  double vlo = select_kth(x, n, lo);
  double frac = h - (double)lo;
  if (frac == 0 || lo + 1 >= n) return vlo;
  double vhi = x[lo + 1];
  for (size_t i = lo + 2; i < n; i++)
    if (x[i] < vhi) vhi = x[i];
  return vlo + frac * (vhi - vlo);
}
