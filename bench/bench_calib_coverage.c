/*
 * bench_calib_coverage: standard errors and interval coverage of netlearn calibrate when the
 * observed table averages N runs and the simulation uses R per evaluation (docs/calibrate.md,
 * "Standard errors"). March (m = 30, n = 50, to equilibrium), truth p1 = 0.3, p2 = 0.6, the five
 * targets of examples/calibrate/march1991.yaml: for each of S data sets (observed seed 1000 + s, N
 * runs, se = sd / sqrt(N)) it calibrates from (0.1, 0.5) (seed 1077 + s, Nelder-Mead, 2 starts,
 * 150 evaluations) and compares three standard errors at the same estimate and Jacobian:
 *   sandwich   A^-1 G'W (Omega_obs + Omega_sim) W G A^-1, Omega_sim the replications' covariance / R
 *              (what calibrate reports);
 *   bootstrap  the same with Omega_sim from 200 bootstrap resamples of the replications (calibrate
 *              before the exact covariance);
 *   textbook   (1 + 1/R)(G'WG)^-1, right only for a table of one run (N = 1).
 * It prints the mean SEs and how many 95% intervals cover the truth, and the CPU time.
 * Usage: bench_calib_coverage [N [R [S [observed|total [jacobian_step]]]]]   (default 50 10 20 observed 0.02)
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_clock.h"
#include "calibrate/calib_impl.h"
#include "core/rng.h"
#include "netlearn/netlearn.h"

static const char *const names[] = {"code_knowledge", "periods", "diversity", "code_knowledge", "code_knowledge"};
static const int index_of[] = {0, -1, 2, 0, 0}; /* measure column; -1: periods */
static const long period_of[] = {-1, -1, 5, 5, 2};

/* The targets' YAML: means of N runs at (0.3, 0.6) with `seed`, se = sd / sqrt(N). */
static int targets(long N, unsigned long long seed, char *out, size_t cap) {
  nl_scenario *sc = nl_scenario_new();
  if (nl_scenario_load_string(sc, "model: march1991\nparameters: {m: 30, n: 50, p1: 0.3, p2: 0.6}\n"
                                  "stop: {until: equilibrium, periods: 5000}\n", "t.yaml"))
    return -1;
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.seed = seed;
  cfg.replications = N;
  nl_results *r = nl_results_new();
  if (nl_results_run(r, nl_scenario_params(sc), &cfg)) return -1;
  size_t len = (size_t)snprintf(out, cap, "targets:\n");
  for (int k = 0; k < 5; k++) {
    double s = 0, ss = 0;
    for (long i = 0; i < N; i++) {
      double v;
      if (index_of[k] < 0) v = (double)nl_results_periods(r, i);
      else if (period_of[k] < 0) v = nl_results_final(r, i)[index_of[k]];
      else {
        long row = 0;
        while (row + 1 < nl_results_rows(r, i) && nl_results_row_period(r, i, row + 1) <= period_of[k]) row++;
        v = nl_results_row(r, i, row)[index_of[k]];
      }
      s += v;
      ss += v * v;
    }
    double m = s / (double)N, sd = sqrt((ss - (double)N * m * m) / (double)(N - 1));
    len += (size_t)snprintf(out + len, cap - len, "  - {measure: %s, stat: mean, value: %.17g, se: %.17g%s", names[k], m,
                            sd / sqrt((double)N), period_of[k] > 0 ? "" : "}\n");
    if (period_of[k] > 0) len += (size_t)snprintf(out + len, cap - len, ", period: %ld}\n", period_of[k]);
  }
  nl_results_free(r);
  nl_scenario_free(sc);
  return 0;
}

/* Omega_obs + Omega_sim as calibrate builds it (se^2 with the simulated correlations). */
static void total(const nl_calib *c, const double *omega, double *tot) {
  size_t K = c->K;
  for (size_t k = 0; k < K; k++)
    for (size_t l = 0; l < K; l++) {
      double r = k == l ? 1 : omega[k * K + l] / sqrt(omega[k * K + k] * omega[l * K + l]);
      tot[k * K + l] = omega[k * K + l] + (isfinite(r) ? r : 0) * c->tg[k].se * c->tg[l].se;
    }
}

/* The covariance of the statistics over B bootstrap resamples of the replications x. */
static void boot_cov(const nl_calib *c, const double *x, double *omega) {
  size_t K = c->K;
  long R = c->R, B = 200;
  double *mb = malloc((size_t)B * K * sizeof *mb), *work = malloc((size_t)R * sizeof *work);
  long *rows = malloc((size_t)R * sizeof *rows);
  for (long b = 0; b < B; b++) {
    nl_rng rng;
    nl_rng_init(&rng, c->seed, 0, NL_RNG_BOOTSTRAP, (uint64_t)b);
    for (long i = 0; i < R; i++) rows[i] = (long)nl_rng_below(&rng, (uint64_t)R);
    nl_calib_stats(c, x, rows, mb + (size_t)b * K, work);
  }
  for (size_t k = 0; k < K; k++)
    for (size_t l = 0; l < K; l++) {
      double mk = 0, ml = 0, s = 0;
      for (long b = 0; b < B; b++) mk += mb[(size_t)b * K + k] / (double)B, ml += mb[(size_t)b * K + l] / (double)B;
      for (long b = 0; b < B; b++) s += (mb[(size_t)b * K + k] - mk) * (mb[(size_t)b * K + l] - ml);
      omega[k * K + l] = s / (double)(B - 1);
    }
  free(mb);
  free(work);
  free(rows);
}

int main(int argc, char **argv) {
  long N = argc > 1 ? atol(argv[1]) : 50, R = argc > 2 ? atol(argv[2]) : 10, S = argc > 3 ? atol(argv[3]) : 20;
  const char *weighting = argc > 4 ? argv[4] : "observed";
  double step = argc > 5 ? atof(argv[5]) : 0.02;
  const double truth[2] = {0.3, 0.6};
  char dir[] = "/tmp/nl_bench_coverageXXXXXX";
  if (N < 2 || R < 2 || S < 1 || !mkdtemp(dir)) return 2;
  double sum[3][2] = {{0}}, t0 = bench_cpu();
  int cover[3][2] = {{0}};
  printf("March, table of N = %ld runs, R = %ld replications per evaluation, %ld data sets, weighting %s, "
         "jacobian_step %g\n", N, R, S, weighting, step);
  printf("%4s %9s %9s | %9s %9s %9s | %9s %9s %9s\n", "set", "p1", "p2", "se_sand", "se_boot", "se_text", "se2_sand",
         "se2_boot", "se2_text");
  for (long s = 0; s < S; s++) {
    char tg[4096], text[8192], sub[600], path[700];
    if (targets(N, 1000 + (unsigned long long)s, tg, sizeof tg)) return 1;
    snprintf(text, sizeof text,
             "simulation: {model: march1991, parameters: {m: 30, n: 50, p1: 0.1, p2: 0.5}, stop: {until: equilibrium, "
             "periods: 5000}}\nparameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]}\nreplications: %ld\nseed: %ld\n"
             "optimizer: {method: neldermead, max_evals: 150, starts: 2}\n"
             "inference: {profile_points: 0, weighting: %s, jacobian_step: %g}\n%s",
             R, 1077 + s, weighting, step, tg);
    snprintf(sub, sizeof sub, "%s/%ld", dir, s);
    nl_calib *c = nl_calib_new();
    nl_calib_config cfg;
    nl_calib_config_default(&cfg);
    cfg.report = 0;
    cfg.threads = 1;
    if (nl_calib_load_string(c, text, "coverage.yaml") || nl_calib_run(c, sub, &cfg)) {
      fprintf(stderr, "%s\n", nl_calib_errmsg(c));
      return 1;
    }
    /* the replications at the estimate, read back from results.db */
    size_t K = c->K, P = c->P;
    double *x = malloc((size_t)R * K * sizeof *x), omega[25], tot[25], V[4], se[3][2], width[2] = {0.9, 0.9};
    int cached;
    double secs;
    snprintf(path, sizeof path, "%s/results.db", sub);
    if (nl_calib_cache_open(c, path) || nl_calib_values(c, c->theta_hat, x, &cached, &secs)) return 1;
    nl_calib_cache_close(c);
    memcpy(se[0], c->se, sizeof se[0]);
    boot_cov(c, x, omega);
    total(c, omega, tot);
    nl_calib_sandwich(P, K, c->G, c->w, tot, width, V, se[1]);
    double wt[5];
    memset(tot, 0, sizeof tot);
    for (size_t k = 0; k < K; k++) wt[k] = 1 / (c->tg[k].se * c->tg[k].se), tot[k * K + k] = (1 + 1.0 / (double)R) / wt[k];
    nl_calib_sandwich(P, K, c->G, wt, tot, width, V, se[2]);
    for (int f = 0; f < 3; f++)
      for (int j = 0; j < 2; j++) {
        sum[f][j] += se[f][j];
        cover[f][j] += fabs(c->theta_hat[j] - truth[j]) < 1.959963984540054 * se[f][j];
      }
    printf("%4ld %9.4f %9.4f | %9.5f %9.5f %9.5f | %9.5f %9.5f %9.5f\n", s, c->theta_hat[0], c->theta_hat[1], se[0][0],
           se[1][0], se[2][0], se[0][1], se[1][1], se[2][1]);
    free(x);
    nl_calib_free(c);
  }
  static const char *const label[] = {"sandwich (calibrate)", "bootstrap Omega_sim", "textbook (1 + 1/R)"};
  for (int f = 0; f < 3; f++)
    printf("%-22s mean SE p1 %.5f, p2 %.5f; 95%% intervals cover the truth: p1 %d of %ld, p2 %d of %ld\n", label[f],
           sum[f][0] / (double)S, sum[f][1] / (double)S, cover[f][0], S, cover[f][1], S);
  printf("sqrt((1/N + 1/R) / ((1 + 1/R) / N)) = %.3f; CPU %.1f s\n",
         sqrt((1.0 / (double)N + 1.0 / (double)R) / ((1 + 1.0 / (double)R) / (double)N)), bench_cpu() - t0);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : 1;
}
