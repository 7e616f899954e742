#ifndef NL_CORE_STATS_H
#define NL_CORE_STATS_H
/*
 * Distribution functions used for confidence intervals and p-values.
 * Accuracy: about 1e-12 relative for the CDFs (continued fractions), quantiles solved to 1e-12.
 */

/* Standard normal CDF and quantile (Wichura's AS 241, ~1e-16). */
double nl_normal_cdf(double x);
double nl_normal_quantile(double p);
/* Regularized incomplete beta function I_x(a, b). */
double nl_beta_inc(double a, double b, double x);
/* Student t with df > 0 degrees of freedom: CDF and quantile. */
double nl_t_cdf(double t, double df);
double nl_t_quantile(double p, double df);

/* Regularized lower incomplete gamma function P(a, x), a > 0; and the chi-square CDF with df > 0
 * degrees of freedom (P(df/2, x/2)). */
double nl_gamma_inc(double a, double x);
double nl_chisq_cdf(double x, double df);

/* Mean and sample standard deviation (n-1) of x[0..n-1] with stride; sd = 0 when n < 2. */
void nl_mean_sd(const double *x, long n, long stride, double *mean, double *sd);

#endif
