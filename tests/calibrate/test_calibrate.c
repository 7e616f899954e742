/*
 * netlearn calibrate: simulated minimum distance on march1991.
 *  - the simulated statistics equal those of `netlearn run` with the same seed (common random
 *    numbers) and do not depend on the thread count;
 *  - recovery: targets from a simulation at known (p1, p2) with another seed, calibrated from
 *    another start: the truth lies within 2 SE of the estimates and inside the 95% intervals;
 *  - a stopped calibration resumes from results.db without simulating again, with the same results;
 *  - a parameter the targets do not depend on is reported as not identified;
 *  - bad files exit with code 2 and "file:line:column:" messages;
 *  - the chi-square CDF behind the J test's p-value.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cli_harness.h"
#include "core/stats.h"
#include "netlearn/netlearn.h"
#include "common/test_scale.h"

/* The simulation every test calibrates: March's basic organization (m = 30, n = 50) to equilibrium. */
#define SIM "simulation: {model: march1991, parameters: {m: 30, n: 50, p1: 0.1, p2: 0.5}, stop: {until: equilibrium, periods: 5000}, seed: 1}\n"

/* The targets: code knowledge at the end, at period 2 and 5; periods to equilibrium; diversity at
 * period 5. Observed values: means over R replications at (p1, p2) with `seed`, se = sd / sqrt(R). */
static void targets_at(double p1, double p2, unsigned long long seed, long R, char *out, size_t cap) {
  nl_scenario *sc = nl_scenario_new();
  assert_int_equal(nl_scenario_load_string(sc, "model: march1991\nparameters: {m: 30, n: 50}\nstop: {until: equilibrium, periods: 5000}\n", "t.yaml"), NL_OK);
  char b[64];
  snprintf(b, sizeof b, "%.17g", p1);
  assert_int_equal(nl_scenario_set(sc, "p1", b), NL_OK);
  snprintf(b, sizeof b, "%.17g", p2);
  assert_int_equal(nl_scenario_set(sc, "p2", b), NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.seed = seed;
  cfg.replications = R;
  nl_results *r = nl_results_new();
  assert_int_equal(nl_results_run(r, nl_scenario_params(sc), &cfg), NL_OK);
  static const struct {
    const char *measure;
    int index; /* -1: periods */
    long period; /* -1: final */
  } t[] = {{"code_knowledge", 0, -1}, {"periods", -1, -1}, {"diversity", 2, 5}, {"code_knowledge", 0, 5}, {"code_knowledge", 0, 2}};
  size_t len = (size_t)snprintf(out, cap, "targets:\n");
  for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
    double s = 0, ss = 0;
    for (long i = 0; i < R; i++) {
      double v;
      if (t[k].index < 0) v = (double)nl_results_periods(r, i);
      else if (t[k].period < 0) v = nl_results_final(r, i)[t[k].index];
      else {
        long row = 0;
        while (row + 1 < nl_results_rows(r, i) && nl_results_row_period(r, i, row + 1) <= t[k].period) row++;
        v = nl_results_row(r, i, row)[t[k].index];
      }
      s += v;
      ss += v * v;
    }
    double m = s / (double)R, sd = sqrt((ss - (double)R * m * m) / (double)(R - 1));
    len += (size_t)snprintf(out + len, cap - len, "  - {measure: %s, stat: mean, value: %.17g, se: %.17g", t[k].measure, m,
                            sd / sqrt((double)R));
    if (t[k].period >= 0) len += (size_t)snprintf(out + len, cap - len, ", period: %ld", t[k].period);
    len += (size_t)snprintf(out + len, cap - len, "}\n");
  }
  nl_results_free(r);
  nl_scenario_free(sc);
}

/* ---- the chi-square CDF ------------------------------------------------------------------------ */

static void test_chisq(void **state) {
  (void)state;
  /* 95% points of chi^2 with 1, 2, 10 df (tables) and the exponential closed form for df = 2 */
  assert_true(fabs(nl_chisq_cdf(3.841458820694124, 1) - 0.95) < 1e-10);
  assert_true(fabs(nl_chisq_cdf(5.991464547107979, 2) - 0.95) < 1e-10);
  assert_true(fabs(nl_chisq_cdf(18.30703805327515, 10) - 0.95) < 1e-10);
  for (double x = 0.1; x < 40; x *= 1.7) assert_true(fabs(nl_chisq_cdf(x, 2) - (1 - exp(-x / 2))) < 1e-12);
  assert_true(nl_chisq_cdf(0, 3) == 0);
}

/* ---- common random numbers ----------------------------------------------------------------------- */

static void test_moments_crn(void **state) {
  (void)state;
  char text[4096];
  snprintf(text, sizeof text, SIM "parameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]}\nreplications: 40\nseed: 17\n"
                                  "targets:\n  - {measure: code_knowledge, stat: mean, value: 0.8, se: 0.01}\n"
                                  "  - {measure: periods, stat: mean, value: 30, se: 1}\n"
                                  "  - {measure: code_knowledge, stat: sd, value: 0.1, se: 0.01}\n"
                                  "  - {measure: diversity, stat: quantile, q: 0.5, period: 3, value: 0.5, se: 0.01}\n");
  nl_calib *c = nl_calib_new();
  assert_int_equal(nl_calib_load_string(c, text, "crn.yaml"), NL_OK);
  double th[2] = {0.35, 0.7}, m1[4], m2[4];
  assert_int_equal(nl_calib_moments(c, th, m1, 1), NL_OK);
  assert_int_equal(nl_calib_moments(c, th, m2, 2), NL_OK);
  assert_memory_equal(m1, m2, sizeof m1); /* the thread count changes nothing */
  /* the same runs as `netlearn run` with seed 17: replication r draws from the streams (17, r) */
  nl_scenario *sc = nl_scenario_new();
  assert_int_equal(nl_scenario_load_string(sc, "model: march1991\nparameters: {m: 30, n: 50, p1: 0.35, p2: 0.7}\nstop: {until: equilibrium, periods: 5000}\n", "r.yaml"), NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.seed = 17;
  cfg.replications = 40;
  nl_results *r = nl_results_new();
  assert_int_equal(nl_results_run(r, nl_scenario_params(sc), &cfg), NL_OK);
  double s = 0, ss = 0, per = 0;
  for (long i = 0; i < 40; i++) {
    double v = nl_results_final(r, i)[0];
    s += v;
    ss += v * v;
    per += (double)nl_results_periods(r, i);
  }
  double mean = s / 40, sd = sqrt((ss - 40 * mean * mean) / 39);
  assert_true(fabs(m1[0] - mean) < 1e-12);
  assert_true(fabs(m1[1] - per / 40) < 1e-12);
  assert_true(fabs(m1[2] - sd) < 1e-9);
  assert_true(m1[3] > 0 && m1[3] < 1);
  /* outside the bounds: refused */
  th[0] = 0.99;
  assert_int_equal(nl_calib_moments(c, th, m1, 1), NL_ERANGE);
  nl_results_free(r);
  nl_scenario_free(sc);
  nl_calib_free(c);
}

/* ---- recovery ---------------------------------------------------------------------------------------- */

static void test_march_recovery(void **state) {
  (void)state;
  double scale = nl_test_scale();
  const double truth[2] = {0.3, 0.6};
  long Robs = 200, R = scale < 1 ? 40 : 100;
  char tg[4096], text[8192];
  targets_at(truth[0], truth[1], 1001, Robs, tg, sizeof tg);
  /* start at March's (0.1, 0.5), far from the truth */
  snprintf(text, sizeof text,
           SIM "parameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]}\nreplications: %ld\nseed: 78\n"
               "optimizer: {method: neldermead, max_evals: %d, starts: 1}\ninference: {profile_points: 5}\n%s",
           R, scale < 1 ? 40 : 70, tg);
  nl_calib *c = nl_calib_new();
  assert_int_equal(nl_calib_load_string(c, text, "recover.yaml"), NL_OK);
  nl_calib_config cfg;
  nl_calib_config_default(&cfg);
  char dir[512];
  path_of(dir, sizeof dir, "recover");
  nl_status st = nl_calib_run(c, dir, &cfg);
  if (st) fprintf(stderr, "%s\n", nl_calib_errmsg(c));
  assert_int_equal(st, NL_OK);
  nl_calib_fit fit;
  assert_int_equal(nl_calib_fit_get(c, &fit), NL_OK);
  printf("  march1991 recovery (R = %ld, observed R = %ld): Q = %.3f, J = %.3f on %ld df (p = %.3f), %ld evaluations, "
         "%.1f s\n",
         R, Robs, fit.objective, fit.J, fit.df, fit.p_value, fit.evaluations, fit.seconds);
  for (size_t j = 0; j < 2; j++) {
    nl_calib_estimate e;
    assert_int_equal(nl_calib_estimate_get(c, j, &e), NL_OK);
    printf("  %s: truth %.3f, estimate %.4f, SE %.4f, 95%% CI [%.4f, %.4f]\n", e.name, truth[j], e.estimate, e.se,
           e.ci_low, e.ci_high);
    assert_true(isfinite(e.se) && e.se > 0);
    if (scale == 1) { /* the sanitizer lane's 40 replications exercise the code, not the statistics */
      assert_true(fabs(e.estimate - truth[j]) < 2 * e.se);
      assert_true(e.ci_low < truth[j] && truth[j] < e.ci_high);
      assert_true(e.se < 0.1); /* informative: the targets do identify p1 and p2 */
    }
    assert_false(e.at_bound);
  }
  assert_int_equal(fit.df, 3);
  assert_int_equal(fit.rank, 2);
  if (scale == 1) assert_true(fit.p_value > 0.01); /* the model is right: no misfit */
  printf("  identification: %s", nl_calib_identification(c));
  assert_non_null(strstr(nl_calib_identification(c), "Every parameter is identified"));
  for (size_t k = 0; k < 5; k++) {
    nl_calib_target_fit t;
    assert_int_equal(nl_calib_target_get(c, k, &t), NL_OK);
    assert_true(t.sim_se > 0);
    if (scale == 1) assert_true(fabs(t.z) < 3);
  }
  /* the outputs */
  static const char *const files[] = {"estimates.csv", "fit.csv", "trace.csv", "profiles.svg", "report.html",
                                      "manifest.json", "results.db"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    assert_int_equal(access(path, R_OK), 0);
  }
  file_has("recover/estimates.csv", "parameter,estimate,se,ci_low,ci_high", "\np1,", NULL);
  nl_calib_free(c);
}

/* CMA-ES (the in-tree optimizer): the same recovery with fewer replications, and a rerun in the
 * same directory replays it from results.db (deterministic candidates) without simulating. */
static void test_march_cmaes(void **state) {
  (void)state;
  double scale = nl_test_scale();
  const double truth[2] = {0.3, 0.6};
  long R = scale < 1 ? 20 : 60;
  char tg[4096], text[8192];
  targets_at(truth[0], truth[1], 1001, 200, tg, sizeof tg);
  snprintf(text, sizeof text,
           SIM "parameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]}\nreplications: %ld\nseed: 78\n"
               "optimizer: {method: cmaes, max_evals: %d, starts: 1, step: 0.2}\ninference: {profile_points: 0}\n%s",
           R, scale < 1 ? 24 : 72, tg);
  char dir[512];
  path_of(dir, sizeof dir, "cmaes");
  double est[2][2];
  for (int pass = 0; pass < 2; pass++) {
    nl_calib *c = nl_calib_new();
    assert_int_equal(nl_calib_load_string(c, text, "cmaes.yaml"), NL_OK);
    nl_calib_config cfg;
    nl_calib_config_default(&cfg);
    cfg.report = 0;
    nl_status st = nl_calib_run(c, dir, &cfg);
    if (st) fprintf(stderr, "%s\n", nl_calib_errmsg(c));
    assert_int_equal(st, NL_OK);
    nl_calib_fit fit;
    assert_int_equal(nl_calib_fit_get(c, &fit), NL_OK);
    printf("  cmaes pass %d (R = %ld): Q = %.3f, J p = %.3f, %ld evaluations, %ld simulated\n", pass + 1, R, fit.objective,
           fit.p_value, fit.evaluations, fit.computed);
    if (pass == 1) assert_int_equal(fit.computed, 0); /* all read back */
    for (size_t j = 0; j < 2; j++) {
      nl_calib_estimate e;
      assert_int_equal(nl_calib_estimate_get(c, j, &e), NL_OK);
      if (pass == 0)
        printf("  %s: truth %.3f, estimate %.4f, SE %.4f, 95%% CI [%.4f, %.4f]\n", e.name, truth[j], e.estimate, e.se,
               e.ci_low, e.ci_high);
      est[pass][j] = e.estimate;
      if (scale == 1) assert_true(e.ci_low < truth[j] && truth[j] < e.ci_high);
    }
    nl_calib_free(c);
  }
  assert_memory_equal(est[0], est[1], sizeof est[0]);
}

/* ---- standard errors when the observed table averages N runs ------------------------------------------ */

/* Calibrates `text` (start at the truth, one optimizer evaluation: the estimate is the start, so the
 * Jacobian and the replications at the estimate are the same whatever the observed values) in dir;
 * the SEs of p1, p2 into se and the targets' simulation SEs into sim_se (may be NULL). */
static void se_at_truth(const char *text, const char *dir, double *se, double *sim_se) {
  nl_calib *c = nl_calib_new();
  nl_status st = nl_calib_load_string(c, text, "nr.yaml");
  if (!st) {
    nl_calib_config cfg;
    nl_calib_config_default(&cfg);
    cfg.report = 0;
    st = nl_calib_run(c, dir, &cfg);
  }
  if (st) fail_msg("%s", nl_calib_errmsg(c));
  for (size_t j = 0; j < 2; j++) {
    nl_calib_estimate e;
    assert_int_equal(nl_calib_estimate_get(c, j, &e), NL_OK);
    se[j] = e.se;
  }
  for (size_t k = 0; sim_se && k < 5; k++) {
    nl_calib_target_fit t;
    assert_int_equal(nl_calib_target_get(c, k, &t), NL_OK);
    sim_se[k] = t.sim_se;
  }
  nl_calib_free(c);
}

/* The observed table is the mean of N runs (se = sd / sqrt(N)), the simulation R runs per
 * evaluation: the SEs of p1 and p2 are proportional to sqrt(1/N + 1/R), where the textbook
 * (1 + 1/R)(G'WG)^-1 gives sqrt((1 + 1/R)/N) and understates them by sqrt(1 + N/R) for large N. */
static void test_se_table_of_n_runs(void **state) {
  (void)state;
  double scale = nl_test_scale();
  const long R = scale < 1 ? 40 : 100;
  const char *head = SIM "parameters: {p1: {bounds: [0.05, 0.95], start: 0.3}, p2: {bounds: [0.05, 0.95], start: 0.6}}\n"
                         "optimizer: {max_evals: 1, starts: 1}\nseed: 78\n";
  char dir[512], tg[4096], text[8192];
  path_of(dir, sizeof dir, "nr"); /* one directory: the runs differ only in the observed values */
  /* (1) se set from the simulation's own SEs at the truth, se_k = sim_se_k sqrt(R / N): then
   * Omega_obs = (R/N) Omega_sim exactly and SE(N) / SE(M) = sqrt((1/N + 1/R) / (1/M + 1/R)) to
   * rounding, with either weighting */
  double se0[2], sim_se[5], se[3][2], se_obs[3][2];
  targets_at(0.3, 0.6, 1001, 100, tg, sizeof tg);
  snprintf(text, sizeof text, "%sreplications: %ld\ninference: {profile_points: 0}\n%s", head, R, tg);
  se_at_truth(text, dir, se0, sim_se); /* se0: unused, the first run is for sim_se */
  const long Ns[3] = {R / 4, R, 4 * R};
  static const char *const names[] = {"code_knowledge", "periods", "diversity", "code_knowledge", "code_knowledge"};
  static const long periods[] = {-1, -1, 5, 5, 2};
  for (int weighting = 0; weighting < 2; weighting++)
    for (int i = 0; i < 3; i++) {
      size_t len = (size_t)snprintf(text, sizeof text, "%sreplications: %ld\ninference: {profile_points: 0, weighting: %s}\ntargets:\n",
                                    head, R, weighting ? "total" : "observed");
      for (int k = 0; k < 5; k++) {
        len += (size_t)snprintf(text + len, sizeof text - len, "  - {measure: %s, stat: mean, value: 0.5, se: %.17g", names[k],
                                sim_se[k] * sqrt((double)R / (double)Ns[i]));
        len += periods[k] > 0 ? (size_t)snprintf(text + len, sizeof text - len, ", period: %ld}\n", periods[k])
                              : (size_t)snprintf(text + len, sizeof text - len, "}\n");
      }
      se_at_truth(text, dir, se[i], NULL);
      for (int j = 0; j < 2; j++) {
        double want = sqrt((1.0 / (double)Ns[i] + 1.0 / (double)R) / (1.0 / (double)Ns[0] + 1.0 / (double)R));
        if (i) assert_true(fabs(se[i][j] / se[0][j] - want) < 1e-6 * want);
        /* total weights are the observed ones times a constant here: the same SEs */
        if (weighting) assert_true(fabs(se[i][j] - se_obs[i][j]) < 1e-9 * se[i][j]);
        else se_obs[i][j] = se[i][j];
      }
      if (weighting == 0 && i == 2) {
        double old = sqrt((double)Ns[0] / (double)Ns[2]); /* what (1 + 1/R)(G'WG)^-1 gives */
        printf("  se from the simulation's: SE(p1) N = %ld: %.5f, N = %ld: %.5f, N = %ld: %.5f; SE(N = %ld) / SE(N = %ld) "
               "= %.4f (sqrt(1/N + 1/R): %.4f, old formula %.4f)\n",
               Ns[0], se[0][0], Ns[1], se[1][0], Ns[2], se[2][0], Ns[2], Ns[0], se[2][0] / se[0][0],
               sqrt((1.0 / (double)Ns[2] + 1.0 / (double)R) / (1.0 / (double)Ns[0] + 1.0 / (double)R)), old);
      }
    }
  /* (2) a table from N runs of the model (seed 1001), se = their sd / sqrt(N): the same law up to
   * the sampling error of the observed sd's (about 1/sqrt(2(N - 1)) = 14% each for N = R/4 = 25;
   * SE(p) mixes five of them), so the ratio SE(R/4) / SE(4R) must be within 20% of
   * sqrt((4/R + 1/R) / (1/(4R) + 1/R)) = 2; the textbook formula gives 4 */
  for (int i = 0; i < 3; i += 2) {
    targets_at(0.3, 0.6, 1001, Ns[i], tg, sizeof tg);
    snprintf(text, sizeof text, "%sreplications: %ld\ninference: {profile_points: 0}\n%s", head, R, tg);
    se_at_truth(text, dir, se[i], NULL);
  }
  for (int j = 0; j < 2; j++) {
    double ratio = se[0][j] / se[2][j];
    printf("  table of N runs: SE(p%d) N = %ld: %.5f, N = %ld: %.5f, ratio %.3f (sqrt(1/N + 1/R): 2, old formula 4)\n",
           j + 1, Ns[0], se[0][j], Ns[2], se[2][j], ratio);
    if (scale == 1) assert_true(fabs(ratio - 2) < 0.4);
  }
}

/* Coverage where the textbook formula fails: tables of N = 50 runs (observed seeds 1000-1019)
 * calibrated with R = 10 replications (seeds 1077-1096) from (0.1, 0.5), bench_calib_coverage's 20
 * tables. The textbook SE of p1 is 2.3 times too small here and its intervals covered the truth 8
 * times of 20; the reported SE's must cover it at least 17 times of 20 (they did 19; a correct 95%
 * interval covers 17 or more of 20 with probability 98.4%). p2 is not asserted: its Jacobian
 * column is noisy at this size and its intervals cover 12 of 20 (docs/calibrate.md). */
static void test_march_coverage(void **state) {
  (void)state;
  double scale = nl_test_scale();
  const int sets = scale < 1 ? 2 : 20;
  int covered = 0;
  for (int s = 0; s < sets; s++) {
    char tg[4096], text[8192], dir[512];
    targets_at(0.3, 0.6, 1000 + (unsigned long long)s, 50, tg, sizeof tg);
    snprintf(text, sizeof text,
             SIM "parameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]}\nreplications: 10\nseed: %d\n"
                 "optimizer: {method: neldermead, max_evals: 150, starts: 2}\ninference: {profile_points: 0}\n%s",
             1077 + s, tg);
    snprintf(dir, sizeof dir, "%s/coverage%d", tmpdir, s);
    nl_calib *c = nl_calib_new();
    nl_calib_config cfg;
    nl_calib_config_default(&cfg);
    cfg.report = 0;
    cfg.threads = 1; /* 10 short runs per evaluation: threads would only wait for each other */
    if (nl_calib_load_string(c, text, "coverage.yaml") || nl_calib_run(c, dir, &cfg)) fail_msg("%s", nl_calib_errmsg(c));
    nl_calib_estimate e;
    assert_int_equal(nl_calib_estimate_get(c, 0, &e), NL_OK);
    covered += e.ci_low < 0.3 && 0.3 < e.ci_high;
    printf("  table %d of 50 runs, R = 10: p1 %.4f (SE %.4f)%s\n", s, e.estimate, e.se,
           e.ci_low < 0.3 && 0.3 < e.ci_high ? "" : ", interval misses 0.3");
    nl_calib_free(c);
  }
  printf("  p1's intervals covered the truth %d times of %d\n", covered, sets);
  if (scale == 1) assert_true(covered >= 17);
}

/* ---- resumption --------------------------------------------------------------------------------------- */

static int stop_after(void *user, long done, long total, double best) {
  (void)total;
  (void)best;
  return done >= *(long *)user;
}

static int stop_now(void *user) {
  (void)user;
  return 1;
}

#define SMALL_INF(inference)                                                                                           \
  SIM "parameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]}\nreplications: 30\nseed: 9\n"                                  \
      "optimizer: {method: neldermead, max_evals: 20, starts: 2}\ninference: " inference "\n"                          \
      "targets:\n  - {measure: code_knowledge, stat: mean, value: 0.85, se: 0.01}\n"                                   \
      "  - {measure: periods, stat: mean, value: 40, se: 1}\n"                                                         \
      "  - {measure: code_knowledge, stat: mean, period: 5, value: 0.6, se: 0.01}\n"
#define SMALL SMALL_INF("{profile_points: 3}")

static void test_resume(void **state) {
  (void)state;
  char a[512], b[512];
  path_of(a, sizeof a, "resumed");
  path_of(b, sizeof b, "fresh");
  nl_calib *c = nl_calib_new();
  assert_int_equal(nl_calib_load_string(c, SMALL, "small.yaml"), NL_OK);
  nl_calib_config cfg;
  nl_calib_config_default(&cfg);
  cfg.threads = 2;
  /* an interrupt inside the first evaluation's runs: nothing is stored */
  cfg.interrupt = stop_now;
  assert_int_equal(nl_calib_run(c, a, &cfg), NL_ECANCELED);
  assert_non_null(strstr(nl_calib_errmsg(c), "interrupted"));
  cfg.interrupt = NULL;
  long stop = 7;
  cfg.progress = stop_after;
  cfg.progress_user = &stop;
  assert_int_equal(nl_calib_run(c, a, &cfg), NL_ECANCELED); /* "killed" after 7 evaluations */
  char path[700];
  snprintf(path, sizeof path, "%s/manifest.json", a);
  assert_int_not_equal(access(path, F_OK), 0); /* incomplete: no manifest */
  cfg.progress = NULL;
  assert_int_equal(nl_calib_run(c, a, &cfg), NL_OK);
  nl_calib_fit fa;
  assert_int_equal(nl_calib_fit_get(c, &fa), NL_OK);
  /* the 7 stored evaluations were read back, not simulated */
  assert_true(fa.evaluations > 7);
  assert_true(fa.evaluations - fa.computed >= 7);
  long first = fa.computed;
  /* run again: nothing left to simulate */
  assert_int_equal(nl_calib_run(c, a, &cfg), NL_OK);
  assert_int_equal(nl_calib_fit_get(c, &fa), NL_OK);
  assert_int_equal(fa.computed, 0);
  assert_true(first > 0);
  /* a fresh calibration on one thread: the same numbers */
  cfg.threads = 1;
  assert_int_equal(nl_calib_run(c, b, &cfg), NL_OK);
  static const char *const same[] = {"estimates.csv", "fit.csv"};
  for (size_t i = 0; i < 2; i++) same_in("resumed", "fresh", same[i]);
  nl_calib_free(c);
  /* the same calibration from a renamed file with another Jacobian step: the optimizer's evaluations
   * are read back; only the points that depend on the step are simulated: at most the Jacobian's six
   * points per parameter off the estimate (the profiles read the same points back) */
  c = nl_calib_new();
  assert_int_equal(nl_calib_load_string(c, SMALL_INF("{profile_points: 3, jacobian_step: 0.05}"), "renamed.yaml"),
                   NL_OK);
  assert_int_equal(nl_calib_run(c, a, &cfg), NL_OK);
  assert_int_equal(nl_calib_fit_get(c, &fa), NL_OK);
  printf("  renamed, other jacobian_step: %ld evaluations, %ld simulated\n", fa.evaluations, fa.computed);
  assert_true(fa.computed > 0 && fa.computed <= 12 && fa.evaluations - fa.computed >= 20);
  nl_calib_free(c);
  /* a different calibration into the same directory is refused */
  c = nl_calib_new();
  assert_int_equal(nl_calib_load_string(c, SMALL, "small.yaml"), NL_OK);
  assert_int_equal(nl_calib_set(c, "seed", "10"), NL_OK);
  assert_int_equal(nl_calib_run(c, a, &cfg), NL_EEXIST);
  assert_non_null(strstr(nl_calib_errmsg(c), "different calibration"));
  nl_calib_free(c);
}

/* ---- identification -------------------------------------------------------------------------------------- */

static void test_not_identified(void **state) {
  (void)state;
  /* p1_fast is the socialization rate of the fast learners; without fast learners (fast_share = 0)
   * nothing depends on it */
  char dir[512];
  path_of(dir, sizeof dir, "ident");
  nl_calib *c = nl_calib_new();
  assert_int_equal(nl_calib_load_string(c,
                                        SIM "parameters: {p1: [0.05, 0.95], p1_fast: [0.1, 0.9]}\nreplications: 30\n"
                                            "optimizer: {max_evals: 16, starts: 1}\ninference: {profile_points: 4}\n"
                                            "targets:\n  - {measure: code_knowledge, stat: mean, value: 0.85, se: 0.01}\n"
                                            "  - {measure: periods, stat: mean, value: 40, se: 1}\n",
                                        "ident.yaml"),
                   NL_OK);
  nl_calib_config cfg;
  nl_calib_config_default(&cfg);
  cfg.report = 0;
  assert_int_equal(nl_calib_run(c, dir, &cfg), NL_OK);
  nl_calib_fit fit;
  assert_int_equal(nl_calib_fit_get(c, &fit), NL_OK);
  assert_int_equal(fit.rank, 1);
  const char *id = nl_calib_identification(c);
  printf("  %s", id);
  assert_non_null(strstr(id, "do not pin down p1_fast"));
  assert_non_null(strstr(id, "The targets do not change with p1_fast: the Jacobian of the targets has rank 1 for 2"));
  nl_calib_estimate e;
  assert_int_equal(nl_calib_estimate_get(c, 1, &e), NL_OK);
  assert_true(isnan(e.se)); /* no standard error for what the targets do not determine */
  assert_int_equal(nl_calib_estimate_get(c, 0, &e), NL_OK);
  assert_true(isfinite(e.se) && e.se > 0); /* p1's is unaffected */
  nl_calib_free(c);
}

/* ---- bad files ----------------------------------------------------------------------------------------- */

/* Calibrating a bad file `text` exits with code 2 and a message containing `expect`. */
static void expect_bad_file(const char *text, const char *expect) {
  write_file("bad.yaml", text);
  assert_int_equal(nl("calibrate bad.yaml -o out_bad"), 2);
  if (!strstr(errbuf, expect)) fprintf(stderr, "expected '%s', got '%s'\n", expect, errbuf);
  assert_non_null(strstr(errbuf, expect));
}

static void test_bad_files(void **state) {
  (void)state;
  static const struct {
    const char *body; /* after the simulation line */
    const char *expect;
  } bad[] = {
      {"parameters: {p9: [0, 1]}\ntargets: [{measure: periods, stat: mean, value: 1, se: 1}]\n",
       "bad.yaml:2:14: unknown parameter 'p9' of model march1991 (did you mean 'p1'?)"},
      {"parameters: {p1: [0.05, 1.5]}\ntargets: [{measure: periods, stat: mean, value: 1, se: 1}]\n",
       "bad.yaml:2:25: parameter 'p1': bound 1.5 is outside the parameter's range [0, 1]"},
      {"parameters: {p1: [0.5, 0.2]}\ntargets: [{measure: periods, stat: mean, value: 1, se: 1}]\n",
       "bad.yaml:2:19: parameter 'p1': bounds [0.5, 0.2]: the lower bound must be below the upper"},
      {"parameters: {variant: [0, 1]}\ntargets: [{measure: periods, stat: mean, value: 1, se: 1}]\n",
       "bad.yaml:2:14: parameter 'variant' is not a number"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets:\n  - {measure: code_knowlege, stat: mean, value: 1, se: 1}\n",
       "bad.yaml:4:15: unknown measure 'code_knowlege' of model march1991 (did you mean 'code_knowledge'?)"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets:\n  - {measure: periods, stat: mode, value: 1, se: 1}\n",
       "bad.yaml:4:30: unknown stat 'mode': expected mean, sd, median or quantile (with q:)"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets:\n  - {measure: periods, stat: quantile, value: 1, se: 1}\n",
       "bad.yaml:4:30: target: stat quantile needs 'q'"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets:\n  - {measure: periods, stat: mean, value: 1, se: 0}\n",
       "bad.yaml:4:50: key 'se': 0 is out of range"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets:\n  - {measure: periods, stat: mean, value: 1}\n",
       "bad.yaml:4:6: target: missing 'se'"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets:\n  - {measure: diversity, stat: mean, value: 1, se: 1, period: 9000}\n",
       "bad.yaml:4:63: target period 9000 is outside the run: expected 'final' or 0 to 5000"},
      {"parameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]}\ntargets:\n  - {measure: periods, stat: mean, value: 1, se: 1}\n",
       "bad.yaml:3:1: 1 targets for 2 free parameters"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets: [{measure: periods, stat: mean, value: 1, se: 1}]\noptimizer: {method: bobyqua}\n",
       "bad.yaml:4:21: unknown optimizer method 'bobyqua' (did you mean 'bobyqa'?)"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets: [{measure: periods, stat: mean, value: 1, se: 1}]\noptimizer: {method: cma-es}\n",
       "bad.yaml:4:21: unknown optimizer method 'cma-es' (did you mean 'cmaes'?)"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets: [{measure: periods, stat: mean, value: 1, se: 1}]\ninference: {weighting: totl}\n",
       "bad.yaml:4:24: unknown weighting 'totl' (did you mean 'total'?)"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets: [{measure: periods, stat: mean, value: 1, se: 1}]\noptimiser: {method: sbplx}\n",
       "bad.yaml:4:1: unknown key 'optimiser' in the calibration (did you mean 'optimizer'?)"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets: [{measure: periods, stat: mean, value: 1, se: 1}]\nreplications: 1\n",
       "bad.yaml:4:15: key 'replications'"},
      {"parameters: {p1: [0.05, 0.95]}\n", "bad.yaml:1:1: missing key 'targets'"},
      {"parameters: {p1: [0.05, 0.95]}\ntargets: [{measure: periods, stat: mean, value: 1, se: 1}]\nmodel: march1991\n",
       "bad.yaml:4:1: 'model' belongs to the scenario: put it under 'simulation:'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char text[2048];
    snprintf(text, sizeof text, "simulation: {model: march1991, stop: {until: equilibrium, periods: 5000}}\n%s",
             bad[i].body);
    expect_bad_file(text, bad[i].expect);
  }
  /* a scenario file that does not exist, an inline scenario with a bad parameter */
  write_file("bad.yaml", "simulation: nowhere.yaml\nparameters: {p1: [0.05, 0.95]}\n"
                         "targets: [{measure: periods, stat: mean, value: 1, se: 1}]\n");
  assert_int_equal(nl("calibrate bad.yaml -o out_bad"), 2);
  write_file("bad.yaml", "simulation:\n  model: march1991\n  parameters: {p2: 2}\nparameters: {p1: [0.05, 0.95]}\n"
                         "targets: [{measure: periods, stat: mean, value: 1, se: 1}]\n");
  assert_int_equal(nl("calibrate bad.yaml -o out_bad"), 2);
  assert_non_null(strstr(errbuf, "bad.yaml:3:"));
  /* usage and --set */
  assert_int_equal(nl("calibrate"), 2);
  write_file("ok.yaml", "simulation: {model: march1991}\nparameters: {p1: [0.05, 0.95]}\n"
                        "targets: [{measure: periods, stat: mean, value: 1, se: 1}]\n");
  assert_int_equal(nl("calibrate ok.yaml -o out_bad --set optimizer.method=simplex"), 2);
  assert_int_equal(nl("calibrate ok.yaml -o out_bad --set colour=red"), 2);
  assert_int_equal(nl("calibrate ok.yaml -o out_bad --set inference.weighting=optimal"), 2);
  assert_int_equal(nl("calibrate ok.yaml -o out_bad --bogus"), 2);
  /* nothing ran: no output directory */
  assert_false(exists("out_bad"));
}


/* ---- PLS targets (coopnet) -------------------------------------------------------------------------- */

/* A small study: 40 firms, 60 periods, all of them surveyed at the end. */
static const char small_study[] =
    "simulation:\n  model: coopnet\n  parameters: {firms: 40}\n  replications: 4\n  seed: 31\n"
    "  stop: {until: periods, periods: 60}\n"
    "survey: {period: 60, window: 30, sample: 40}\n"
    "model: |\n"
    "  EXPLORE   =~ explore1 + explore2 + explore3 + explore4\n"
    "  EXPLOIT   =~ exploit1 + exploit2 + exploit3\n"
    "  PRODINNO  =~ prodinno1 + prodinno2 + prodinno3\n"
    "  PROCINNO  =~ procinno1 + procinno2 + procinno3\n"
    "  NETCOLLAB =~ netcollab1 + netcollab2 + netcollab3 + netcollab4\n"
    "  PRODINNO  ~ EXPLORE + EXPLOIT\n"
    "  PROCINNO  ~ EXPLORE + EXPLOIT\n"
    "  NETCOLLAB ~ PRODINNO + PROCINNO + EXPLORE + EXPLOIT\n"
    "hypotheses:\n"
    "  - {id: H1, effect: EXPLORE -> PRODINNO, sign: positive}\n"
    "  - {id: H2, effect: EXPLOIT -> PROCINNO, sign: positive}\n"
    "analysis: {boot: 20, contrasts: false}\n";

/* The statistics of PLS targets are the study's: the mean path estimates over the same replications
 * (same simulation, survey and estimation for replication r with the study's seed). */
static void test_pls_matches_study(void **state) {
  (void)state;
  write_file("small-study.yaml", small_study);
  char path[600], dir[600];
  path_of(path, sizeof path, "small-study.yaml");
  path_of(dir, sizeof dir, "study");
  nl_study *s = nl_study_new();
  nl_status st = nl_study_load_file(s, path);
  if (st) fprintf(stderr, "%s\n", nl_study_errmsg(s));
  assert_int_equal(st, NL_OK);
  nl_study_config scfg;
  nl_study_config_default(&scfg);
  scfg.report = 0;
  assert_int_equal(nl_study_run(s, dir, &scfg), NL_OK);
  nl_study_verdict v1, v2;
  assert_int_equal(nl_study_verdict_get(s, 0, 0, &v1), NL_OK);
  assert_int_equal(nl_study_verdict_get(s, 0, 1, &v2), NL_OK);
  char text[2048];
  snprintf(text, sizeof text,
           "parameters: {x_mean: [0.1, 0.9]}\nreplications: 4\ntargets:\n  pls:\n    study: %s\n    paths:\n"
           "      - {effect: EXPLORE -> PRODINNO, value: 0.3, se: 0.1}\n"
           "      - {effect: EXPLOIT -> PROCINNO, value: 0.3, se: 0.1}\n",
           path);
  nl_calib *c = nl_calib_new();
  st = nl_calib_load_string(c, text, "pls.yaml");
  if (st) fprintf(stderr, "%s\n", nl_calib_errmsg(c));
  assert_int_equal(st, NL_OK);
  assert_string_equal(nl_calib_target_label(c, 0), "EXPLORE -> PRODINNO (PLS path)");
  double th = 0.5, m[2]; /* coopnet's default x_mean */
  assert_int_equal(nl_calib_moments(c, &th, m, 2), NL_OK);
  printf("  PLS paths, mean of 4 replications: calibration %.6f %.6f, study %.6f %.6f\n", m[0], m[1], v1.mean, v2.mean);
  assert_true(fabs(m[0] - v1.mean) < 1e-12);
  assert_true(fabs(m[1] - v2.mean) < 1e-12);
  nl_calib_free(c);
  /* the same with the survey and the model inline (the form): the same statistics */
  c = nl_calib_new();
  st = nl_calib_load_string(c,
                            "simulation:\n  model: coopnet\n  parameters: {firms: 40}\n  seed: 31\n"
                            "  stop: {until: periods, periods: 60}\n"
                            "parameters: {x_mean: [0.1, 0.9]}\nreplications: 4\ntargets:\n  pls:\n"
                            "    survey: {period: 60, window: 30, sample: 40}\n"
                            "    model: |\n"
                            "      EXPLORE   =~ explore1 + explore2 + explore3 + explore4\n"
                            "      EXPLOIT   =~ exploit1 + exploit2 + exploit3\n"
                            "      PRODINNO  =~ prodinno1 + prodinno2 + prodinno3\n"
                            "      PROCINNO  =~ procinno1 + procinno2 + procinno3\n"
                            "      NETCOLLAB =~ netcollab1 + netcollab2 + netcollab3 + netcollab4\n"
                            "      PRODINNO  ~ EXPLORE + EXPLOIT\n"
                            "      PROCINNO  ~ EXPLORE + EXPLOIT\n"
                            "      NETCOLLAB ~ PRODINNO + PROCINNO + EXPLORE + EXPLOIT\n"
                            "    paths:\n"
                            "      - {effect: EXPLORE -> PRODINNO, value: 0.3, se: 0.1}\n"
                            "      - {effect: EXPLOIT -> PROCINNO, value: 0.3, se: 0.1}\n",
                            "inline.yaml");
  if (st) fprintf(stderr, "%s\n", nl_calib_errmsg(c));
  assert_int_equal(st, NL_OK);
  double mi[2];
  assert_int_equal(nl_calib_moments(c, &th, mi, 1), NL_OK);
  assert_memory_equal(m, mi, sizeof m);
  nl_calib_free(c);
  /* an error inside the inline survey names its line */
  c = nl_calib_new();
  st = nl_calib_load_string(c,
                            "simulation: {model: coopnet, parameters: {firms: 40}, stop: {until: periods, periods: 60}}\n"
                            "parameters: {x_mean: [0.1, 0.9]}\ntargets:\n  pls:\n"
                            "    survey:\n      period: 60\n      sample: 400\n"
                            "    model: |\n      EXPLORE =~ explore1 + explore2 + explore3 + explore4\n"
                            "      PRODINNO =~ prodinno1 + prodinno2 + prodinno3\n      PRODINNO ~ EXPLORE\n"
                            "    paths: [{effect: EXPLORE -> PRODINNO, value: 0.3, se: 0.1}]\n",
                            "inline.yaml");
  assert_int_not_equal(st, NL_OK);
  printf("  %s\n", nl_calib_errmsg(c));
  assert_non_null(strstr(nl_calib_errmsg(c), "inline.yaml:7:"));
  assert_non_null(strstr(nl_calib_errmsg(c), "400"));
  nl_calib_free(c);
  nl_study_free(s);
}

/* results.db of a PLS calibration is keyed by the survey's constructs too: a construct that reads
 * another unit field gives other path estimates, so a calibration whose construct changed only its
 * field is refused in the old directory (as any other change of what the runs compute), and the
 * unchanged one resumes. */
static void test_pls_resume_fields(void **state) {
  (void)state;
  static const char fmt[] =
      "simulation:\n  model: coopnet\n  parameters: {firms: 20}\n  seed: 5\n  stop: {until: periods, periods: 20}\n"
      "parameters: {x_mean: [0.1, 0.9]}\nreplications: 2\noptimizer: {max_evals: 2, starts: 1}\n"
      "inference: {profile_points: 0}\ntargets:\n  pls:\n"
      "    survey:\n      period: 20\n      window: 10\n      sample: 20\n      constructs:\n"
      "        EXPLORE: {loadings: [0.85, 0.8, 0.75]}\n"
      "        PRODINNO: {loadings: [0.85, 0.8, 0.75], field: %s}\n"
      "    model: |\n      EXPLORE =~ explore1 + explore2 + explore3\n"
      "      PRODINNO =~ prodinno1 + prodinno2 + prodinno3\n      PRODINNO ~ EXPLORE\n"
      "    paths: [{effect: EXPLORE -> PRODINNO, value: 0.2, se: 0.1}]\n";
  char text[4096], dir[512];
  path_of(dir, sizeof dir, "pls-fields");
  nl_calib_config cfg;
  nl_calib_config_default(&cfg);
  cfg.report = 0;
  static const char *const field[] = {"degree", "degree", "strength"};
  static const nl_status want[] = {NL_OK, NL_OK, NL_EEXIST};
  for (int i = 0; i < 3; i++) {
    snprintf(text, sizeof text, fmt, field[i]);
    nl_calib *c = nl_calib_new();
    nl_status st = nl_calib_load_string(c, text, "fields.yaml");
    if (st) fail_msg("%s", nl_calib_errmsg(c));
    st = nl_calib_run(c, dir, &cfg);
    if (st != want[i]) fail_msg("run %d (field %s): status %d: %s", i + 1, field[i], st, nl_calib_errmsg(c));
    nl_calib_fit fit;
    if (i == 1) { /* the same calibration: everything read back */
      assert_int_equal(nl_calib_fit_get(c, &fit), NL_OK);
      assert_int_equal(fit.computed, 0);
    }
    if (i == 2) {
      printf("  %s\n", nl_calib_errmsg(c));
      assert_non_null(strstr(nl_calib_errmsg(c), "different calibration"));
      assert_non_null(strstr(nl_calib_errmsg(c), "survey's constructs"));
    }
    nl_calib_free(c);
  }
}

static void test_pls_bad_files(void **state) {
  (void)state;
  write_file("small-study.yaml", small_study);
  static const struct {
    const char *paths;
    const char *expect;
  } bad[] = {
      {"      - {effect: EXPLORE -> NETWORK, value: 0.3, se: 0.1}\n",
       "bad.yaml:7:18: effect 'EXPLORE -> NETWORK': no construct 'NETWORK' in the study's model"},
      {"      - {effect: PRODINNO -> EXPLORE, value: 0.3, se: 0.1}\n",
       "bad.yaml:7:18: effect 'PRODINNO -> EXPLORE': the study's model has no path PRODINNO -> EXPLORE"},
      {"      - {effect: EXPLORE, value: 0.3, se: 0.1}\n", "bad.yaml:7:18: effect 'EXPLORE': expected a direct path"},
      {"      - {effect: EXPLORE -> PRODINNO, value: 0.3}\n", "bad.yaml:7:10: pls path: missing se"},
      {"      - {effect: EXPLORE -> PRODINNO, value: 0.3, se: 0.1, sign: positive}\n",
       "bad.yaml:7:60: unknown key 'sign' in a pls path"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char text[1024];
    snprintf(text, sizeof text, "parameters: {x_mean: [0.1, 0.9]}\nreplications: 4\ntargets:\n  pls:\n"
                                "    study: small-study.yaml\n    paths:\n%s",
             bad[i].paths);
    expect_bad_file(text, bad[i].expect);
  }
  /* a parameter coopnet does not have; a simulation beside the study */
  write_file("bad.yaml", "parameters: {x_meen: [0.1, 0.9]}\ntargets:\n  pls:\n    study: small-study.yaml\n    paths:\n"
                         "      - {effect: EXPLORE -> PRODINNO, value: 0.3, se: 0.1}\n");
  assert_int_equal(nl("calibrate bad.yaml -o out_bad"), 2);
  write_file("bad.yaml", "simulation: {model: coopnet}\nparameters: {x_mean: [0.1, 0.9]}\ntargets:\n  pls:\n"
                         "    study: small-study.yaml\n    paths:\n      - {effect: EXPLORE -> PRODINNO, value: 0.3, se: 0.1}\n");
  assert_int_equal(nl("calibrate bad.yaml -o out_bad"), 2);
}

/* The shipped examples load (their scenario and study paths is relative to the repository's root). */
static void test_example_loads(void **state) {
  (void)state;
  char cwd[1024];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(NL_SOURCE_DIR), 0);
  nl_calib *c = nl_calib_new();
  nl_status st = nl_calib_load_file(c, "examples/calibrate/march1991.yaml");
  if (st) fprintf(stderr, "%s\n", nl_calib_errmsg(c));
  assert_int_equal(st, NL_OK);
  assert_int_equal(nl_calib_nparams(c), 2);
  assert_int_equal(nl_calib_ntargets(c), 5);
  assert_int_equal(nl_calib_replications(c), 200);
  st = nl_calib_load_file(c, "examples/calibrate/coopnet-pls.yaml");
  if (st) fprintf(stderr, "%s\n", nl_calib_errmsg(c));
  assert_int_equal(st, NL_OK);
  assert_int_equal(nl_calib_ntargets(c), 4);
  st = nl_calib_load_file(c, "examples/calibrate/coopnet-pls-recovery.yaml");
  if (st) fprintf(stderr, "%s\n", nl_calib_errmsg(c));
  assert_int_equal(st, NL_OK);
  assert_int_equal(nl_calib_nparams(c), 2);
  assert_int_equal(nl_calib_ntargets(c), 8);
  assert_int_equal(nl_calib_replications(c), 200);
  nl_calib_free(c);
  assert_int_equal(chdir(cwd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_chisq),          cmocka_unit_test(test_moments_crn), cmocka_unit_test(test_march_recovery),
      cmocka_unit_test(test_march_cmaes),    cmocka_unit_test(test_se_table_of_n_runs),
      cmocka_unit_test(test_march_coverage),
      cmocka_unit_test(test_resume),         cmocka_unit_test(test_not_identified),
      cmocka_unit_test(test_bad_files),      cmocka_unit_test(test_pls_matches_study),
      cmocka_unit_test(test_pls_resume_fields),
      cmocka_unit_test(test_pls_bad_files),   cmocka_unit_test(test_example_loads),
  };
  int failed = cmocka_run_group_tests(tests, cli_setup, cli_teardown);
  nl_plot_release_caches(); /* cairo's font caches (the reports' figures), for the leak checker */
  return failed;
}
