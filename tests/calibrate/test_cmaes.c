/*
 * The in-tree CMA-ES (src/calibrate/cmaes.c) on analytic functions with known minima:
 *  - sphere in 2 and 5 dimensions, minimum away from the start: found to 1e-6;
 *  - Rosenbrock in 2, 3, 4 and 5 dimensions, minimum (1, ..., 1): found to 1e-4 within the
 *    budget known for CMA-ES (about 1e3 n evaluations);
 *  - an ellipsoid with condition number 1e6 (the covariance must adapt): found to 1e-6;
 *  - a minimum on the bounds: found there, and every evaluated point lies inside the box;
 *  - deterministic: the same seed gives the same evaluations, another seed another path;
 *  - the budget is never exceeded; a stop from the objective ends the search at once;
 *  - bad options are refused.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "calibrate/cmaes.h"

typedef struct fctx {
  int kind; /* 0 sphere, 1 Rosenbrock, 2 ellipsoid, 3 squared distance to 2 (outside [0, 1]) */
  size_t n;
  long evals, stop_after;
  int outside;   /* a point outside the bounds was evaluated */
  const double *lo, *hi;
  double trace;  /* sum of all evaluated coordinates (a fingerprint of the path) */
} fctx;

static double objective(void *user, const double *x, int *stop) {
  fctx *c = user;
  c->evals++;
  if (c->stop_after && c->evals >= c->stop_after) *stop = 1;
  double f = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (x[i] < c->lo[i] || x[i] > c->hi[i]) c->outside = 1;
    c->trace += x[i];
    switch (c->kind) {
    case 0: f += (x[i] - 0.3 - 0.1 * (double)i) * (x[i] - 0.3 - 0.1 * (double)i); break;
    case 1:
      if (i + 1 < c->n) f += 100 * pow(x[i + 1] - x[i] * x[i], 2) + pow(1 - x[i], 2);
      break;
    case 2: f += pow(1e6, (double)i / (double)(c->n - 1)) * (x[i] - 0.5) * (x[i] - 0.5); break;
    default: f += (x[i] - 2) * (x[i] - 2); break;
    }
  }
  return f;
}

static nl_cmaes_result run(int kind, size_t n, double lo, double hi, double x0v, double sigma0, long max_evals,
                           uint64_t seed, double *x, fctx *c) {
  double l[8], h[8], x0[8];
  for (size_t i = 0; i < n; i++) l[i] = lo, h[i] = hi, x0[i] = x0v;
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->n = n;
  c->lo = l;
  c->hi = h;
  nl_cmaes_opts o = {n, l, h, x0, sigma0, 0, max_evals, 1e-9, 1e-14, seed, 0};
  nl_cmaes_result r;
  assert_int_equal(nl_cmaes_minimize(&o, objective, c, x, &r), NL_OK);
  assert_int_equal(r.evals, c->evals);
  assert_true(r.evals <= max_evals);
  assert_false(c->outside);
  c->lo = c->hi = NULL;
  return r;
}

static void test_sphere(void **state) {
  (void)state;
  for (size_t n = 2; n <= 5; n += 3) {
    double x[8];
    fctx c;
    nl_cmaes_result r = run(0, n, -1, 1, -0.5, 0.3, 5000, 1, x, &c);
    printf("  sphere n=%zu: f = %.3g after %ld evaluations (%ld generations, stop %d)\n", n, r.fbest, r.evals,
           r.generations, r.reason);
    for (size_t i = 0; i < n; i++) assert_true(fabs(x[i] - (0.3 + 0.1 * (double)i)) < 1e-6);
    assert_true(r.reason == NL_CMAES_XTOL || r.reason == NL_CMAES_FTOL);
  }
}

static void test_rosenbrock(void **state) {
  (void)state;
  for (size_t n = 2; n <= 5; n++) {
    double x[8];
    fctx c;
    nl_cmaes_result r = run(1, n, -2, 2, 0, 0.25, 2000 * (long)n, 7, x, &c);
    printf("  Rosenbrock n=%zu: f = %.3g at", n, r.fbest);
    for (size_t i = 0; i < n; i++) printf(" %.6f", x[i]);
    printf(" after %ld evaluations (stop %d)\n", r.evals, r.reason);
    for (size_t i = 0; i < n; i++) assert_true(fabs(x[i] - 1) < 1e-4);
    assert_true(r.fbest < 1e-8);
  }
}

static void test_ellipsoid(void **state) {
  (void)state;
  double x[8];
  fctx c;
  nl_cmaes_result r = run(2, 5, 0, 1, 0.1, 0.3, 20000, 3, x, &c);
  printf("  ellipsoid (condition 1e6) n=5: f = %.3g after %ld evaluations\n", r.fbest, r.evals);
  for (size_t i = 0; i < 5; i++) assert_true(fabs(x[i] - 0.5) < 1e-6);
}

static void test_bounds(void **state) {
  (void)state;
  double x[8];
  fctx c;
  nl_cmaes_result r = run(3, 3, 0, 1, 0.2, 0.5, 3000, 5, x, &c); /* run() asserts every point in [0, 1] */
  printf("  minimum on the upper bounds: x = %.9f %.9f %.9f after %ld evaluations\n", x[0], x[1], x[2], r.evals);
  for (size_t i = 0; i < 3; i++) assert_true(x[i] > 1 - 1e-6 && x[i] <= 1);
}

static void test_deterministic(void **state) {
  (void)state;
  double x1[8], x2[8], x3[8];
  fctx c1, c2, c3;
  nl_cmaes_result r1 = run(1, 3, -2, 2, 0, 0.25, 600, 11, x1, &c1);
  nl_cmaes_result r2 = run(1, 3, -2, 2, 0, 0.25, 600, 11, x2, &c2);
  nl_cmaes_result r3 = run(1, 3, -2, 2, 0, 0.25, 600, 12, x3, &c3);
  assert_memory_equal(x1, x2, 3 * sizeof(double));
  assert_true(r1.fbest == r2.fbest && r1.evals == r2.evals && c1.trace == c2.trace);
  assert_true(c1.trace != c3.trace); /* another seed, other candidates */
  (void)r3;
}

static void test_budget_and_stop(void **state) {
  (void)state;
  double x[8];
  fctx c;
  nl_cmaes_result r = run(1, 4, -2, 2, 0, 0.25, 37, 1, x, &c); /* the budget ends inside a generation */
  assert_int_equal(r.evals, 37);
  assert_int_equal(r.reason, NL_CMAES_MAXEVALS);
  double l[2] = {0, 0}, h[2] = {1, 1}, x0[2] = {0.5, 0.5};
  memset(&c, 0, sizeof c);
  c.n = 2;
  c.lo = l;
  c.hi = h;
  c.stop_after = 9;
  nl_cmaes_opts o = {2, l, h, x0, 0.3, 0, 1000, 1e-9, 0, 1, 0};
  assert_int_equal(nl_cmaes_minimize(&o, objective, &c, x, &r), NL_OK);
  assert_int_equal(r.evals, 9);
  assert_int_equal(r.reason, NL_CMAES_STOPPED);
  /* bad options */
  o.sigma0 = 0;
  assert_int_equal(nl_cmaes_minimize(&o, objective, &c, x, &r), NL_EINVAL);
  o.sigma0 = 0.3;
  x0[0] = 2; /* start outside the bounds */
  assert_int_equal(nl_cmaes_minimize(&o, objective, &c, x, &r), NL_EINVAL);
  x0[0] = 0.5;
  h[1] = 0; /* empty box */
  assert_int_equal(nl_cmaes_minimize(&o, objective, &c, x, &r), NL_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sphere),        cmocka_unit_test(test_rosenbrock), cmocka_unit_test(test_ellipsoid),
      cmocka_unit_test(test_bounds),        cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_budget_and_stop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
