/*
 * bench_sensitivity: the cost of the sensitivity machinery itself (the model runs are benchmarked
 * elsewhere): the scrambled Sobol' sequence, Saltelli's design, the Sobol' analysis with its
 * bootstrap, and Morris, on functions whose evaluation is negligible. CPU times, best of 3.
 *
 *   build/bench/bench_sensitivity
 *
 *   sobol points   2^20 points of 64 dimensions (scrambled)
 *   design         Saltelli design, k = 61 parameters + dummy, N = 1024 (64,512 rows), second order off
 *   analyze        Ishigami + 5 inert parameters + dummy, N = 16384 (163,840 rows), 100 resamples
 *   analyze S2     the same with second order (294,912 rows)
 *   morris         k = 61 + dummy, r = 1000 trajectories (63,000 rows), 100 resamples
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "netlearn/sensitivity.h"
#include "sensitivity/sens_impl.h"

static double cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void ishigami8(const double *x, double *y, void *ctx) {
  (void)ctx;
  double s = sin(x[1]);
  y[0] = sin(x[0]) + 7 * s * s + 0.1 * pow(x[2], 4) * sin(x[0]);
}

static void linear(const double *x, double *y, void *ctx) {
  size_t k = *(const size_t *)ctx;
  double acc = 0;
  for (size_t i = 0; i < k; i++) acc += (double)(i % 7) * x[i] * (i % 3 ? 1 : x[0]);
  y[0] = acc;
}

static nl_sensitivity *setup(size_t k, double lo, double hi) {
  nl_sensitivity *s = nl_sensitivity_new();
  for (size_t i = 0; i < k; i++) {
    char name[16];
    snprintf(name, sizeof name, "x%zu", i + 1);
    if (!s || nl_sensitivity_factor(s, name, lo, hi, 0)) exit(1);
  }
  return s;
}

int main(void) {
  double best[5] = {1e9, 1e9, 1e9, 1e9, 1e9};
  for (int rep = 0; rep < 3; rep++) {
    /* Sobol' points */
    nl_sobol g;
    if (nl_sobol_init(&g, 64, 7)) return 1;
    double x[64], sum = 0, t = cpu();
    for (uint64_t i = 0; i < (1u << 20); i++) {
      nl_sobol_point(&g, i, x);
      sum += x[63];
    }
    t = cpu() - t;
    if (t < best[0]) best[0] = t;
    nl_sobol_clear(&g);
    if (!(sum > 0)) return 1;
    /* Saltelli design */
    nl_sensitivity_options o;
    nl_sensitivity_options_default(&o);
    nl_sensitivity *s = setup(61, 0, 1);
    o.n = 1024;
    t = cpu();
    if (nl_sensitivity_design(s, &o, 1)) return 1;
    t = cpu() - t;
    if (t < best[1]) best[1] = t;
    nl_sensitivity_free(s);
    /* Sobol' analysis, first and total order, then with second order */
    for (int so = 0; so < 2; so++) {
      s = setup(8, -3.14159265358979, 3.14159265358979);
      o.n = 16384;
      o.second_order = so;
      if (nl_sensitivity_design(s, &o, 1) || nl_sensitivity_evaluate(s, ishigami8, NULL)) return 1;
      t = cpu();
      if (nl_sensitivity_analyze(s, 0)) return 1;
      t = cpu() - t;
      if (t < best[2 + so]) best[2 + so] = t;
      nl_sensitivity_free(s);
    }
    /* Morris */
    size_t k = 61;
    s = setup(k, 0, 1);
    o.method = NL_SENS_MORRIS;
    o.n = 1000;
    o.second_order = 0;
    if (nl_sensitivity_design(s, &o, 1) || nl_sensitivity_evaluate(s, linear, &k)) return 1;
    t = cpu();
    if (nl_sensitivity_analyze(s, 0)) return 1;
    t = cpu() - t;
    if (t < best[4]) best[4] = t;
    nl_sensitivity_free(s);
  }
  printf("sobol points  2^20 x 64 dims:              %7.3f s  (%.0f M coordinates/s)\n", best[0],
         (double)(1u << 20) * 64 / best[0] / 1e6);
  printf("design        Saltelli k = 62, N = 1024:     %7.3f s\n", best[1]);
  printf("analyze       k = 9, N = 16384, 100 boot:    %7.3f s\n", best[2]);
  printf("analyze S2    k = 9, N = 16384, 100 boot:    %7.3f s\n", best[3]);
  printf("morris        k = 62, r = 1000, 100 boot:    %7.3f s\n", best[4]);
  return 0;
}
