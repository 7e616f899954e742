#include "core/stats.h"

#include <math.h>

double nl_normal_cdf(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }

/* Wichura, M.J. (1988) Algorithm AS 241: the percentage points of the normal distribution. */
double nl_normal_quantile(double p) {
  if (!(p >= 0 && p <= 1)) return NAN;
  if (p == 0) return -INFINITY;
  if (p == 1) return INFINITY;
  double q = p - 0.5, r, val;
  if (fabs(q) <= 0.425) {
    r = 0.180625 - q * q;
    val = q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
                   45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                133.14166789178437745) * r + 3.387132872796366608) /
          (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
               21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
            42.313330701600911252) * r + 1.0);
    return val;
  }
  r = q < 0 ? p : 1 - p;
  r = sqrt(-log(r));
  if (r <= 5) {
    r -= 1.6;
    val = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
               1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
            4.6303378461565452959) * r + 1.42343711074968357734) /
          (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
               0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
            2.05319162663775882187) * r + 1.0);
  } else {
    r -= 5;
    val = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
               0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
            5.4637849111641143699) * r + 6.6579046435011037772) /
          (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
               7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
            0.59983220655588793769) * r + 1.0);
  }
  return q < 0 ? -val : val;
}

/* Continued fraction for the incomplete beta function (modified Lentz's method). */
static double beta_cf(double a, double b, double x) {
  const double tiny = 1e-300, eps = 1e-15;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; m++) {
    int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) < eps) break;
  }
  return h;
}

double nl_beta_inc(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
  double bt = exp(lbt);
  if (x < (a + 1) / (a + b + 2)) return bt * beta_cf(a, b, x) / a;
  return 1 - bt * beta_cf(b, a, 1 - x) / b;
}

double nl_t_cdf(double t, double df) {
  if (isinf(df)) return nl_normal_cdf(t);
  double x = df / (df + t * t);
  double tail = 0.5 * nl_beta_inc(df / 2, 0.5, x);
  return t > 0 ? 1 - tail : tail;
}

double nl_t_quantile(double p, double df) {
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  if (df == 1) return tan(3.14159265358979323846 * (p - 0.5));
  if (df == 2) return (2 * p - 1) / sqrt(2 * p * (1 - p));
  /* Bracket around the normal quantile, then bisection + secant to 1e-12. */
  double z = nl_normal_quantile(p);
  double lo = z < 0 ? z * 4 - 1 : -1, hi = z > 0 ? z * 4 + 1 : 1;
  while (nl_t_cdf(lo, df) > p) lo *= 2;
  while (nl_t_cdf(hi, df) < p) hi *= 2;
  for (int it = 0; it < 200 && hi - lo > 1e-13 * (1 + fabs(lo)); it++) {
    double mid = 0.5 * (lo + hi);
    if (nl_t_cdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

void nl_mean_sd(const double *x, long n, long stride, double *mean, double *sd) {
  double s = 0;
  for (long i = 0; i < n; i++) s += x[i * stride];
  double mu = n > 0 ? s / (double)n : NAN;
  double ss = 0;
  for (long i = 0; i < n; i++) {
    double d = x[i * stride] - mu;
    ss += d * d;
  }
  *mean = mu;
  *sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
}

/* P(a, x): the series for x < a + 1, else 1 - the continued fraction for Q (Lentz's method). */
double nl_gamma_inc(double a, double x) {
  if (!(a > 0) || isnan(x)) return NAN;
  if (x <= 0) return 0;
  if (isinf(x)) return 1;
  double lpre = a * log(x) - x - lgamma(a);
  if (x < a + 1) {
    double term = 1 / a, sum = term;
    for (int n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (fabs(term) < fabs(sum) * 1e-16) break;
    }
    return sum * exp(lpre);
  }
  const double tiny = 1e-300;
  double b = x + 1 - a, cf = 1 / tiny, d = 1 / b, h = d;
  for (int n = 1; n < 10000; n++) {
    double an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (fabs(d) < tiny) d = tiny;
    cf = b + an / cf;
    if (fabs(cf) < tiny) cf = tiny;
    d = 1 / d;
    double del = d * cf;
    h *= del;
    if (fabs(del - 1) < 1e-16) break;
  }
  return 1 - exp(lpre) * h;
}

double nl_chisq_cdf(double x, double df) { return x <= 0 ? 0 : nl_gamma_inc(0.5 * df, 0.5 * x); }
