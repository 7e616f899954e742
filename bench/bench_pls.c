/*
 * Benchmark of the PLS-SEM engine on the largest reference dataset (corporate reputation,
 * extended model: 344 rows, 31 indicators, 8 constructs, mean replacement of -99):
 * one estimation (including f^2, which re-estimates the model once per path), and a 5,000-resample
 * percentile bootstrap with 1 and 2 threads. Usage:
 *   bench_pls [MODEL DATA.csv] [--boot N]
 * Defaults to tests/pls/corp_rep.model and the shared corp_rep_data.csv.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netlearn/pls.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the whole process (all threads): on a busy machine wall time overstates the work. */
static double cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
  /* default inputs relative to the source tree, found from this file's path */
  char root[2048], defmodel[2200], defdata[2200];
  snprintf(root, sizeof root, "%s", __FILE__);
  char *cut = strstr(root, "/bench/bench_pls.c");
  if (cut) *cut = '\0';
  else snprintf(root, sizeof root, ".");
  snprintf(defmodel, sizeof defmodel, "%s/tests/pls/corp_rep.model", root);
  snprintf(defdata, sizeof defdata, "%s/tests/data/corp_rep_data.csv", root);
  const char *model_path = defmodel;
  const char *data_path = defdata;
  size_t nboot = 5000;
  int pos = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--boot") == 0 && i + 1 < argc) nboot = (size_t)strtoul(argv[++i], NULL, 10);
    else if (pos == 0) model_path = argv[i], pos++;
    else data_path = argv[i];
  }
  nl_pls_model *m = NULL;
  nl_pls_data *d = NULL;
  nl_pls *p = NULL;
  int rc = 1;
  if (nl_pls_model_read(model_path, &m) != NL_OK) {
    fprintf(stderr, "bench_pls: %s\n", nl_pls_model_errmsg(m));
    goto cleanup;
  }
  if (nl_pls_data_read(data_path, &d) != NL_OK) {
    fprintf(stderr, "bench_pls: %s\n", nl_pls_data_errmsg(d));
    goto cleanup;
  }
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.has_na_code = 1;
  o.na_code = -99;
  if (nl_pls_prepare(m, d, &o, &p) != NL_OK) {
    fprintf(stderr, "bench_pls: %s\n", nl_pls_errmsg(p));
    goto cleanup;
  }
  printf("model %s: %zu rows, %zu indicators, %zu constructs, %zu paths\n", model_path, nl_pls_nobs(p),
         nl_pls_n_indicators(p), nl_pls_n_constructs(p), nl_pls_n_paths(p));
  int reps = 200;
  double t0 = now();
  for (int r = 0; r < reps; r++)
    if (nl_pls_estimate(p) != NL_OK) {
      fprintf(stderr, "bench_pls: %s\n", nl_pls_errmsg(p));
      goto cleanup;
    }
  double est = (now() - t0) / reps;
  printf("estimate (incl. f^2, %d iterations): %.3f ms\n", nl_pls_iterations(p), 1e3 * est);
  for (int pass = 0; pass < 3; pass++) {
    int threads = pass == 1 ? 2 : 1;
    nl_pls_boot_options b;
    nl_pls_boot_options_default(&b);
    b.nboot = nboot;
    b.seed = 12345;
    b.threads = threads;
    t0 = now();
    double c0 = cpu();
    if (nl_pls_bootstrap(p, &b) != NL_OK) {
      fprintf(stderr, "bench_pls: %s\n", nl_pls_errmsg(p));
      goto cleanup;
    }
    double bt = now() - t0, bc = cpu() - c0;
    printf("bootstrap %zu resamples, %d thread%s: %.3f s wall, %.3f s CPU (%.1f us/resample wall, %zu failed)\n",
           nboot, threads, threads > 1 ? "s" : "", bt, bc, 1e6 * bt / (double)nboot, nl_pls_boot_failed(p));
  }
  {
    nl_pls_boot_options b;
    nl_pls_boot_options_default(&b);
    b.nboot = nboot;
    b.seed = 12345;
    b.threads = 2;
    b.ci = NL_PLS_CI_BCA;
    t0 = now();
    if (nl_pls_bootstrap(p, &b) != NL_OK) {
      fprintf(stderr, "bench_pls: %s\n", nl_pls_errmsg(p));
      goto cleanup;
    }
    printf("bootstrap %zu resamples, BCa (with jackknife), 2 threads: %.3f s\n", nboot, now() - t0);
  }
  rc = 0;
cleanup:
  nl_pls_free(p);
  nl_pls_data_free(d);
  nl_pls_model_free(m);
  return rc;
}
