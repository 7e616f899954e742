/*
 * bench_march: speed of march1991.
 *   runs/second and belief updates/second for m = 30, n = 50 (p1 = 0.1, p2 = 0.5, to equilibrium),
 *   and periods/second for a large organization (n = 10,000, m = 256), plus peak memory.
 * A "belief update" is one individual-dimension visited by a period's phases (acting, socialization,
 * counting for the code): n * m per period.
 * Usage: bench_march [threads]   (default 1; the single-thread numbers are the headline)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "netlearn/netlearn.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static nl_params *params(long m, long n, double p1, double p2) {
  nl_params *p = nl_params_new(nl_model_find("march1991"));
  char buf[32];
  snprintf(buf, sizeof buf, "%ld", m);
  nl_params_set_text(p, "m", buf);
  snprintf(buf, sizeof buf, "%ld", n);
  nl_params_set_text(p, "n", buf);
  nl_params_set_number(p, "p1", p1);
  nl_params_set_number(p, "p2", p2);
  return p;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  /* 1. Small organization, whole runs to equilibrium. */
  nl_params *p = params(30, 50, 0.1, 0.5);
  nl_results *res = nl_results_new();
  nl_run_config cfg = {.seed = 1, .replications = 20000, .until = NL_UNTIL_EQUILIBRIUM, .periods = 100000,
                       .every = 1000000, .threads = threads};
  double t0 = now();
  if (nl_results_run(res, p, &cfg)) {
    fprintf(stderr, "bench_march: %s\n", nl_results_errmsg(res));
    return 1;
  }
  double dt = now() - t0;
  double periods = 0;
  for (long r = 0; r < cfg.replications; r++) periods += (double)nl_results_periods(res, r);
  printf("march1991 m=30 n=50 p1=0.1 p2=0.5, %d thread(s):\n", threads);
  printf("  %ld runs to equilibrium in %.3f s: %.0f runs/s, %.1f periods/run, %.3g periods/s\n", cfg.replications,
         dt, (double)cfg.replications / dt, periods / (double)cfg.replications, periods / dt);
  printf("  belief updates: %.3g /s = %.3g per ms\n", periods * 30 * 50 / dt, periods * 30 * 50 / dt / 1000);
  nl_results_free(res);
  nl_params_free(p);

  /* 2. Large organization: a single simulation stepped directly (early, dense periods included). */
  p = params(256, 10000, 0.1, 0.5);
  nl_sim *s = nl_sim_new(p);
  if (!s || nl_sim_status(s)) {
    fprintf(stderr, "bench_march: %s\n", s ? nl_sim_errmsg(s) : "out of memory");
    return 1;
  }
  nl_sim_reset(s, 1, 0);
  long steps = 200;
  t0 = now();
  for (long t = 0; t < steps; t++) nl_sim_step(s);
  dt = now() - t0;
  printf("march1991 m=256 n=10000 p1=0.1 p2=0.5, one run, 1 thread:\n");
  printf("  %ld periods in %.3f s: %.1f periods/s, %.3g belief updates per ms\n", steps, dt, (double)steps / dt,
         (double)steps * 256 * 10000 / dt / 1000);
  dt = 0;
  for (long t = 0; t < 20; t++) {
    nl_sim_reset(s, 1, (uint64_t)t + 1);
    t0 = now();
    for (int k = 0; k < 10; k++) nl_sim_step(s);
    dt += now() - t0;
  }
  printf("  first 10 periods only (dense, nothing converged yet): %.3g belief updates per ms\n",
         20.0 * 10 * 256 * 10000 / dt / 1000);
  nl_sim_free(s);
  nl_params_free(p);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak memory (max RSS): %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
  return 0;
}
