/*
 * bench_pls_response: how the eight paths of the seed-000 model respond to coopnet's parameters,
 * over whole ranges: which parameters a PLS table can identify (docs/calibrate.md, "Worked
 * example: rho and lambda recovered"). The small coopnet of the calibration tests (firms of 6
 * members, 8 + 8 dimensions, 60 periods, every firm surveyed over the last 30; the tables of
 * tests/calibrate/pls_table.h). For each value it prints the mean of each path over R surveys
 * (seed 1001), and the mean survey-to-survey sd of the paths (the se of a mean is sd / sqrt(R)),
 * and the CPU ms per survey (simulation, survey, PLS).
 * Usage: bench_pls_response [R (default 100) [firms (default 160)]] [name=value ...] [name:v1,v2,... ...]
 *   name=value moves the base point off coopnet's defaults; name:v1,v2 lists the values of one
 *   parameter to visit (the others at the base point). Default: rho:0,0.025,0.05,0.1,0.2
 *   lambda:0,0.1,0.2,0.3,0.45,0.6. The docs' tables: `bench_pls_response 100 160`.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"
#include "netlearn/netlearn.h"
#include "bench_coopnet_study.h"

/* The paths' means over R surveys at p; their mean sd into *sd. */
static int visit(const nl_study *st, const nl_params *p, const size_t *idx, long R, double *mean, double *sd) {
  double s[BENCH_NPATH] = {0}, s2[BENCH_NPATH] = {0}, v[BENCH_NPATH];
  char msg[256];
  for (long r = 0; r < R; r++) {
    if (nl_study_replicate_paths(st, p, 1001, r, idx, BENCH_NPATH, v, NULL, NULL, msg, sizeof msg)) {
      fprintf(stderr, "bench_pls_response: %s\n", msg);
      return 1;
    }
    for (int k = 0; k < BENCH_NPATH; k++) s[k] += v[k], s2[k] += v[k] * v[k];
  }
  *sd = 0;
  for (int k = 0; k < BENCH_NPATH; k++) {
    mean[k] = s[k] / (double)R;
    double var = (s2[k] - (double)R * mean[k] * mean[k]) / (double)(R - 1);
    *sd += sqrt(var > 0 ? var : 0) / BENCH_NPATH;
  }
  return 0;
}

int main(int argc, char **argv) {
  long num[2] = {100, 160}; /* R, firms: the leading all-digit arguments */
  int a = 1;
  for (; a < argc && a <= 2 && argv[a][0] && strspn(argv[a], "0123456789") == strlen(argv[a]); a++)
    num[a - 1] = atol(argv[a]);
  long R = num[0], firms = num[1];
  if (R < 3) R = 3;
  if (firms < 10) firms = 10;
  nl_study *st;
  size_t idx[BENCH_NPATH];
  if (bench_coopnet_study("bench_pls_response", firms, &st, idx)) return 1;
  nl_params *base = nl_params_clone(nl_scenario_params(nl_study_scenario(st)));
  if (!base) return 1;
  static const char *const defaults[] = {"rho:0,0.025,0.05,0.1,0.2", "lambda:0,0.1,0.2,0.3,0.45,0.6"};
  const char *visits[64];
  int nvisit = 0;
  for (; a < argc; a++) {
    const char *eq = strchr(argv[a], '='), *colon = strchr(argv[a], ':');
    if (colon && (!eq || colon < eq)) {
      if (nvisit < 64) visits[nvisit++] = argv[a];
      continue;
    }
    if (!eq) {
      fprintf(stderr, "bench_pls_response: expected name=value or name:v1,v2,..., got '%s'\n", argv[a]);
      return 2;
    }
    if (bench_set_param("bench_pls_response", base, argv[a])) return 2;
  }
  if (!nvisit)
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) visits[nvisit++] = defaults[i];
  printf("%ld surveys of %ld firms per value; paths:", R, firms);
  for (int k = 0; k < BENCH_NPATH; k++) printf(" %s->%s", bench_paths[k][0], bench_paths[k][1]);
  printf("\n");
  double cpu = 0;
  long surveys = 0;
  for (int i = 0; i < nvisit; i++) {
    char spec[512];
    snprintf(spec, sizeof spec, "%s", visits[i]);
    char *colon = strchr(spec, ':');
    *colon = '\0';
    for (char *tok = strtok(colon + 1, ","); tok; tok = strtok(NULL, ",")) {
      nl_params *p = nl_params_clone(base);
      if (!p || nl_params_set_text(p, spec, tok) || nl_params_validate(p)) {
        fprintf(stderr, "bench_pls_response: %s\n", p ? nl_params_errmsg(p) : "out of memory");
        return 2;
      }
      double mean[BENCH_NPATH], sd, t0 = bench_cpu();
      if (visit(st, p, idx, R, mean, &sd)) return 1;
      cpu += bench_cpu() - t0;
      surveys += R;
      printf("%-10s %8s", spec, tok);
      for (int k = 0; k < BENCH_NPATH; k++) printf(" %7.3f", mean[k]);
      printf("   sd %.3f\n", sd);
      fflush(stdout);
      nl_params_free(p);
    }
  }
  printf("CPU ms per survey (simulation, survey, PLS): %.2f\n", surveys ? 1000 * cpu / (double)surveys : 0.0);
  nl_params_free(base);
  nl_study_free(st);
  return 0;
}
