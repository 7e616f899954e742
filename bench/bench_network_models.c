/*
 * Runs per second of the network models, one thread, at the papers' sizes and at 10x and 100x
 * the population. A run is one replication: reset, then steps until equilibrium or a cap.
 *   lazer2007: 100 agents (paper), 100 rounds, linear and totally connected networks.
 *   fang2010:  280 individuals in subgroups of 7, r = 0.01 and 0.3, to equilibrium (cap 2000).
 * Prints numbers; not a timed test. Usage: bench_network_models [seconds per case, default 2]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "netlearn/netlearn.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void bench(const char *model, const char *const *kv, long cap, int until_eq, double budget) {
  const nl_model *m = nl_model_find(model);
  nl_params *p = nl_params_new(m);
  char label[256] = "";
  size_t len = 0;
  for (size_t i = 0; kv[i]; i++) {
    const char *eq = kv[i];
    char key[64];
    size_t k = 0;
    while (*eq && *eq != '=' && k < sizeof key - 1) key[k++] = *eq++;
    key[k] = '\0';
    if (nl_params_set_text(p, key, eq + 1)) {
      fprintf(stderr, "%s\n", nl_params_errmsg(p));
      exit(1);
    }
    len += (size_t)snprintf(label + len, sizeof label - len, "%s%s", i ? " " : "", kv[i]);
  }
  if (nl_params_validate(p)) {
    fprintf(stderr, "%s\n", nl_params_errmsg(p));
    exit(1);
  }
  double t0 = now();
  nl_sim *s = nl_sim_new(p);
  if (!s || nl_sim_status(s)) {
    fprintf(stderr, "%s\n", s ? nl_sim_errmsg(s) : "out of memory");
    exit(1);
  }
  double t_create = now() - t0;
  long runs = 0, periods = 0;
  t0 = now();
  do {
    nl_sim_reset(s, 1, (uint64_t)runs);
    for (long t = 0; t < cap; t++) {
      if (until_eq && nl_sim_at_equilibrium(s)) break;
      nl_sim_step(s);
      periods++;
    }
    runs++;
  } while (now() - t0 < budget);
  double el = now() - t0;
  printf("%-10s %-44s %9.2f runs/s  %10.0f periods/s  (%ld runs, %.1f periods/run; create %.3f s)\n", model, label,
         (double)runs / el, (double)periods / el, runs, (double)periods / (double)runs, t_create);
  nl_sim_free(s);
  nl_params_free(p);
}

int main(int argc, char **argv) {
  double budget = argc > 1 ? atof(argv[1]) : 2.0;
  const char *sizes_l[] = {"n=100", "n=1000", "n=10000"};
  const char *sizes_f[] = {"n=280", "n=2800", "n=28000"};
  for (int k = 0; k < 3; k++) {
    bench("lazer2007", (const char *[]){sizes_l[k], "network=line", NULL}, 100, 0, budget);
    bench("lazer2007", (const char *[]){sizes_l[k], "network=complete", NULL}, 100, 0, budget);
  }
  for (int k = 0; k < 3; k++) {
    bench("fang2010", (const char *[]){sizes_f[k], "r=0.01", NULL}, 2000, 1, budget);
    bench("fang2010", (const char *[]){sizes_f[k], "r=0.3", NULL}, 2000, 1, budget);
  }
  return 0;
}
