/*
 * Distribution functions needed by the bootstrap summaries: the normal CDF and quantile, the
 * two-sided Student t tail, and R's default (type 7) sample quantile.
 */
#include <math.h>

#include "pls/pls_internal.h"

double pls_norm_cdf(double x) {
  return 0.5 * erfc(-x / sqrt(2.0));
}

/* Wichura's AS 241 (PPND16), accurate to about 1e-16. */
double pls_norm_quantile(double p) {
  if (!(p > 0.0)) return p == 0.0 ? -INFINITY : NAN;
  if (!(p < 1.0)) return p == 1.0 ? INFINITY : NAN;
  double q = p - 0.5, r, x;
  if (fabs(q) <= 0.425) {
    r = 0.180625 - q * q;
    return q *
           (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
             133.14166789178437745) * r + 3.387132872796366608) /
           (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
             42.313330701600911252) * r + 1.0);
  }
  r = q < 0 ? p : 1.0 - p;
  r = sqrt(-log(r));
  if (r <= 5.0) {
    r -= 1.6;
    x = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
             1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
          4.6303378461565452959) * r + 1.42343711074968357734) /
        (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
             0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
          2.05319162663775882187) * r + 1.0);
  } else {
    r -= 5.0;
    x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
             0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
          5.4637849111641143699) * r + 6.6579046435011037772) /
        (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
             7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
          0.59983220655588793769) * r + 1.0);
  }
  return q < 0 ? -x : x;
}

/* Continued fraction for the regularized incomplete beta (modified Lentz). */
static double beta_cf(double a, double b, double x) {
  const double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 1000; m++) {
    double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < 1e-15) break;
  }
  return h;
}

static double inc_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
  if (x < (a + 1.0) / (a + b + 2.0)) return exp(lbt) * beta_cf(a, b, x) / a;
  return 1.0 - exp(lbt) * beta_cf(b, a, 1.0 - x) / b;
}

double pls_t_sf2(double t, double df) {
  if (isnan(t) || !(df > 0)) return NAN;
  if (isinf(t)) return 0.0;
  return inc_beta(0.5 * df, 0.5, df / (df + t * t));
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
