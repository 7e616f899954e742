/*
 * bench_calibrate: what an evaluation of a calibration costs, one thread.
 *   1. march1991 (m = 30, n = 50, until equilibrium), five targets: evaluations per CPU second
 *      at 200 replications, and the overhead of the statistics and the objective (an evaluation
 *      read back from results.db against one simulated).
 *   2. coopnet PLS targets (the seed study shrunk to 40 firms, 100 periods, all surveyed): CPU
 *      seconds per evaluation of 8 replications (simulation, survey, PLS estimation).
 * Usage: bench_calibrate
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_clock.h"
#include "netlearn/netlearn.h"

static const char march_yaml[] =
    "simulation: {model: march1991, parameters: {m: 30, n: 50}, stop: {until: equilibrium, periods: 5000}}\n"
    "parameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]}\nreplications: 200\nseed: 3\n"
    "targets:\n  - {measure: code_knowledge, stat: mean, value: 0.88, se: 0.006}\n"
    "  - {measure: periods, stat: mean, value: 35, se: 0.3}\n"
    "  - {measure: diversity, stat: mean, period: 5, value: 0.48, se: 0.0015}\n"
    "  - {measure: code_knowledge, stat: mean, period: 5, value: 0.63, se: 0.006}\n"
    "  - {measure: code_knowledge, stat: quantile, q: 0.9, period: 2, value: 0.6, se: 0.01}\n";

static const char study_yaml[] =
    "simulation:\n  model: coopnet\n  parameters: {firms: 40}\n  replications: 8\n  seed: 31\n"
    "  stop: {until: periods, periods: 100}\n"
    "survey: {period: 100, window: 50, sample: 40}\n"; /* the study's default model: seed 000's */

int main(void) {
  nl_calib *c = nl_calib_new();
  if (!c || nl_calib_load_string(c, march_yaml, "bench.yaml")) {
    fprintf(stderr, "bench_calibrate: %s\n", c ? nl_calib_errmsg(c) : "out of memory");
    return 1;
  }
  double m[5], th[2] = {0.3, 0.6};
  int n = 10;
  double t0 = bench_cpu();
  for (int i = 0; i < n; i++) {
    th[0] = 0.25 + 0.01 * i;
    if (nl_calib_moments(c, th, m, 1)) {
      fprintf(stderr, "bench_calibrate: %s\n", nl_calib_errmsg(c));
      return 1;
    }
  }
  double per = (bench_cpu() - t0) / n;
  printf("march1991, 5 targets, 200 replications: %.3f CPU s per evaluation (%.1f evaluations/s, %.2f ms per "
         "replication)\n",
         per, 1 / per, 1000 * per / 200);
  nl_calib_free(c);

  char dir[] = "/tmp/nl_bench_calibXXXXXX";
  if (!mkdtemp(dir)) return 1;
  char path[256], text[1024];
  snprintf(path, sizeof path, "%s/study.yaml", dir);
  FILE *f = fopen(path, "w");
  if (!f) return 1;
  fputs(study_yaml, f);
  fclose(f);
  snprintf(text, sizeof text,
           "parameters: {x_mean: [0.1, 0.9]}\ntargets:\n  pls:\n    study: %s\n    paths:\n"
           "      - {effect: EXPLORE -> PRODINNO, value: 0.2, se: 0.1}\n"
           "      - {effect: PRODINNO -> NETCOLLAB, value: 0.1, se: 0.1}\n",
           path);
  c = nl_calib_new();
  if (!c || nl_calib_load_string(c, text, "bench-pls.yaml")) {
    fprintf(stderr, "bench_calibrate: %s\n", c ? nl_calib_errmsg(c) : "out of memory");
    return 1;
  }
  double x = 0.5;
  t0 = bench_cpu();
  n = 3;
  for (int i = 0; i < n; i++) {
    x = 0.45 + 0.05 * i;
    if (nl_calib_moments(c, &x, m, 1)) {
      fprintf(stderr, "bench_calibrate: %s\n", nl_calib_errmsg(c));
      return 1;
    }
  }
  per = (bench_cpu() - t0) / n;
  printf("coopnet PLS targets (40 firms, 100 periods, 40 surveyed), 8 replications: %.3f CPU s per evaluation "
         "(%.0f ms per replication: simulation, survey, PLS)\n",
         per, 1000 * per / 8);
  nl_calib_free(c);
  remove(path);
  rmdir(dir);
  nl_plot_release_caches();
  return 0;
}
