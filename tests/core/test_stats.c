/* Distribution functions against R values (qt, qnorm, pnorm), closed forms and Simpson integration. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/stats.h"

static void close_to(double got, double want, double tol) {
  if (fabs(got - want) > tol) fail_msg("got %.15g, want %.15g (tol %g)", got, want, tol);
}

static void test_normal(void **state) {
  (void)state;
  close_to(nl_normal_quantile(0.975), 1.959963984540054, 1e-12); /* qnorm(0.975) */
  close_to(nl_normal_quantile(0.5), 0.0, 1e-15);
  close_to(nl_normal_quantile(1e-10), -6.361340902404056, 1e-9); /* qnorm(1e-10) */
  close_to(nl_normal_cdf(1.0), 0.8413447460685429, 1e-14);       /* pnorm(1) */
  for (double p = 0.001; p < 1; p += 0.0137) close_to(nl_normal_cdf(nl_normal_quantile(p)), p, 1e-13);
}

static void test_student_t(void **state) {
  (void)state;
  close_to(nl_t_quantile(0.975, 1), 12.70620473617471, 1e-10);   /* qt(0.975, 1) */
  close_to(nl_t_quantile(0.975, 2), 4.302652729749464, 1e-10);   /* qt(0.975, 2), closed form */
  close_to(nl_t_quantile(0.975, 10), 2.228138851986274, 1e-10);  /* qt(0.975, 10) */
  close_to(nl_t_quantile(0.975, 79), 1.99045021023024, 1e-9);    /* pt of this = 0.975 by Simpson integration */
  close_to(nl_t_quantile(0.025, 30), -2.042272456301238, 1e-10); /* qt(0.025, 30) */
  close_to(nl_t_cdf(2.0, 5), 0.94903026056, 1e-9);              /* pt(2, 5), Simpson integration */
  close_to(nl_t_cdf(-1.5, 12), 0.0797287517566, 1e-9);           /* pt(-1.5, 12), Simpson integration */
  /* Closed forms: df = 1 (Cauchy) and df = 2. */
  for (double t = -6; t <= 6; t += 0.37) {
    close_to(nl_t_cdf(t, 1), 0.5 + atan(t) / 3.14159265358979323846, 1e-12);
    close_to(nl_t_cdf(t, 2), 0.5 + t / (2 * sqrt(2 + t * t)), 1e-12);
  }
  close_to(nl_beta_inc(2, 3, 0.4), 0.5248, 1e-12);               /* pbeta(0.4, 2, 3) */
}

static void test_mean_sd(void **state) {
  (void)state;
  double x[] = {1, 2, 3, 4, 10};
  double m, s;
  nl_mean_sd(x, 5, 1, &m, &s);
  close_to(m, 4, 1e-15);
  close_to(s, sqrt(12.5), 1e-14);
  nl_mean_sd(x, 1, 1, &m, &s);
  close_to(s, 0, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_normal), cmocka_unit_test(test_student_t),
                                     cmocka_unit_test(test_mean_sd)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
