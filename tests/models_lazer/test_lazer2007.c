/*
 * lazer2007: NK landscape exactness, and Lazer & Friedman's (2007) headline reproduced.
 *
 * Source of the claims tested (Lazer & Friedman 2007, ASQ 52(4); their figures comparing the
 * linear and the totally connected network, random networks, small worlds at t = 10 and t = 55,
 * velocity and error): with 100 agents on an NK landscape (N = 20, K = 5), the efficient (totally
 * connected) network reaches higher average performance in the first rounds and the inefficient
 * (linear) one in the long run; a connected random network lies in between; rewiring a lattice
 * into a small world (same density, shorter paths) helps at t = 10 and hurts at t = 55; slowing
 * the flow of information (velocity 0.1) raises the long-run performance of the totally connected
 * network. The paper's own numbers (Table B.1, values read off its figures, imitation error) are
 * checked in test_lazer2007_paper.c; this file checks the orderings and the machinery.
 *
 * Criterion: the same seed gives every network the same landscapes and initial solutions (the
 * streams are keyed by seed and replication only), so differences are paired; an ordering passes
 * when the mean paired difference exceeds 3 standard errors (sd of the differences / sqrt(R)).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rng.h"
#include "models/lazer2007/nk.h"
#include "netlearn/netlearn.h"
#include "common/params_kv.h"
#include "common/test_scale.h"

/* Replications: 150, times NL_TEST_SCALE (the project's convention: the sanitizer build sets 0.2),
 * at least 30. Below the full count only the two headline orderings are checked (at R = 150: 12.7
 * and 12.6 SE; at R = 30, the first 30 of the same replications: 6.3 and 3.6 SE). */
enum { RMAX = 150, T = 55 };
static long R = RMAX;
static int reduced = 0;

static void scale_replications(void) {
  R = nl_test_scaled(RMAX, 30);
  reduced = R < RMAX;
}

/* average_score of each replication at `period` into out, and at `period2` into out2 (if non-NULL),
 * for settings kv (NULL-terminated). */
static void run2(const char *const *kv, int threads, long period, double *out, long period2, double *out2) {
  const nl_model *m = nl_model_find("lazer2007");
  assert_non_null(m);
  nl_params *p = nl_params_new(m);
  nl_test_params_set(p, kv);
  if (nl_params_validate(p)) fail_msg("%s", nl_params_errmsg(p));
  nl_results *res = nl_results_new();
  nl_run_config cfg = {.seed = 2007, .replications = R, .until = NL_UNTIL_PERIODS, .periods = T, .every = 1,
                       .threads = threads};
  if (nl_results_run(res, p, &cfg)) fail_msg("%s", nl_results_errmsg(res));
  long mi = nl_model_measure_index(m, "average_score");
  for (long r = 0; r < R; r++) {
    long k = 0;
    while (k + 1 < nl_results_rows(res, r) && nl_results_row_period(res, r, k + 1) <= period) k++;
    out[r] = nl_results_row(res, r, k)[mi];
    if (!out2) continue;
    k = 0;
    while (k + 1 < nl_results_rows(res, r) && nl_results_row_period(res, r, k + 1) <= period2) k++;
    out2[r] = nl_results_row(res, r, k)[mi];
  }
  nl_results_free(res);
  nl_params_free(p);
}

/* Mean paired difference a - b and its standard error. */
static void paired(const double *a, const double *b, double *mean, double *se) {
  double s = 0, ss = 0;
  for (int r = 0; r < R; r++) s += a[r] - b[r];
  *mean = s / (double)R;
  for (int r = 0; r < R; r++) ss += (a[r] - b[r] - *mean) * (a[r] - b[r] - *mean);
  *se = sqrt(ss / (double)(R - 1)) / sqrt((double)R);
}

static void expect_greater(const char *what, const double *a, const double *b) {
  double d, se;
  paired(a, b, &d, &se);
  printf("  %-48s diff %+.4f  SE %.4f  (%.1f SE)\n", what, d, se, d / se);
  if (!(d > 3 * se)) fail_msg("%s: difference %.4f is not above 3 SE = %.4f", what, d, 3 * se);
}

static double mean(const double *a) {
  double s = 0;
  for (int r = 0; r < R; r++) s += a[r];
  return s / (double)R;
}

/* The table (Gray-code walk) equals direct evaluation everywhere, and its maximum is exact. */
static void test_nk_exact(void **unused) {
  (void)unused;
  for (int interactions = NL_NK_RANDOM; interactions <= NL_NK_INDEPENDENT; interactions++) {
    nl_nk a, b;
    assert_int_equal(nl_nk_alloc(&a, 14, 3, interactions, 24), NL_OK);
    assert_int_equal(nl_nk_alloc(&b, 14, 3, interactions, 0), NL_OK);
    assert_non_null(a.table);
    assert_null(b.table);
    nl_rng r1, r2;
    nl_rng_init(&r1, 5, 1, 99, 0);
    nl_rng_init(&r2, 5, 1, 99, 0);
    nl_nk_draw(&a, &r1);
    nl_nk_draw(&b, &r2);
    uint32_t best = 0;
    for (uint64_t x = 0; x < (1u << 14); x++) {
      uint32_t f = nl_nk_fitness(&b, x);
      assert_int_equal(a.table[x], f);
      if (f > best) best = f;
    }
    assert_int_equal(a.max_fitness, best);
    assert_int_equal(a.table[a.argmax], best);
    nl_nk_free(&a);
    nl_nk_free(&b);
  }
}

/* K = 0: every local optimum is the global one, so search alone finds it (all agents, ring). */
static void test_k0_finds_optimum(void **unused) {
  (void)unused;
  const nl_model *m = nl_model_find("lazer2007");
  nl_params *p = nl_params_new(m);
  assert_int_equal(nl_params_set_text(p, "K", "0"), NL_OK);
  assert_int_equal(nl_params_set_text(p, "N", "14"), NL_OK);
  assert_int_equal(nl_params_set_text(p, "n", "20"), NL_OK);
  nl_results *res = nl_results_new();
  nl_run_config cfg = {.seed = 3, .replications = 4, .until = NL_UNTIL_EQUILIBRIUM, .periods = 5000, .every = 100};
  if (nl_results_run(res, p, &cfg)) fail_msg("%s", nl_results_errmsg(res));
  long opt = nl_model_measure_index(m, "found_optimum"), avg = nl_model_measure_index(m, "average_score");
  for (long r = 0; r < 4; r++) {
    assert_true(nl_results_equilibrium(res, r));
    assert_true(nl_results_final(res, r)[opt] == 1.0);
    assert_true(fabs(nl_results_final(res, r)[avg] - 1.0) < 1e-12);
  }
  nl_results_free(res);
  nl_params_free(p);
}

/* Above table_max_n fitness is computed on the fly: scores rise and found_optimum is NA. */
static void test_on_the_fly(void **unused) {
  (void)unused;
  const nl_model *m = nl_model_find("lazer2007");
  nl_params *p = nl_params_new(m);
  assert_int_equal(nl_params_set_text(p, "N", "40"), NL_OK);
  assert_int_equal(nl_params_set_text(p, "n", "30"), NL_OK);
  nl_results *res = nl_results_new();
  nl_run_config cfg = {.seed = 9, .replications = 3, .until = NL_UNTIL_PERIODS, .periods = 30, .every = 1};
  if (nl_results_run(res, p, &cfg)) fail_msg("%s", nl_results_errmsg(res));
  long avg = nl_model_measure_index(m, "average_score"), opt = nl_model_measure_index(m, "found_optimum");
  for (long r = 0; r < 3; r++) {
    assert_true(isnan(nl_results_final(res, r)[opt]));
    assert_true(nl_results_final(res, r)[avg] > nl_results_row(res, r, 0)[avg]);
  }
  nl_results_free(res);
  nl_params_free(p);
}

static void test_headline(void **unused) {
  (void)unused;
  static double line10[RMAX], comp10[RMAX], line55[RMAX], comp55[RMAX];
  static double er10[RMAX], er55[RMAX], lat10[RMAX], lat55[RMAX], sw10[RMAX], sw55[RMAX], slow55[RMAX];
  const char *line[] = {"network=line", NULL}, *comp[] = {"network=complete", NULL};
  run2(line, 0, 10, line10, T, line55);
  run2(comp, 0, 10, comp10, T, comp55);
  printf("  average score at t=10: linear %.3f  totally connected %.3f\n", mean(line10), mean(comp10));
  printf("  average score at t=55: linear %.3f  totally connected %.3f\n", mean(line55), mean(comp55));
  expect_greater("t=10: totally connected > linear", comp10, line10);
  expect_greater("t=55: linear > totally connected", line55, comp55);
  if (reduced) return;

  const char *er[] = {"network=erdos_renyi", "p=0.05", NULL};
  const char *lat[] = {"network=watts_strogatz", "k=2", "p=0", NULL};
  const char *sw[] = {"network=watts_strogatz", "k=2", "p=0.1", NULL};
  const char *slow[] = {"network=complete", "velocity=0.1", NULL};
  run2(er, 0, 10, er10, T, er55);
  run2(lat, 0, 10, lat10, T, lat55);
  run2(sw, 0, 10, sw10, T, sw55);
  run2(slow, 0, T, slow55, 0, NULL);
  printf("  t=10 / t=55: random (p = 0.05) %.3f / %.3f; lattice (k = 2) %.3f / %.3f; small world (rewired 0.1) "
         "%.3f / %.3f\n",
         mean(er10), mean(er55), mean(lat10), mean(lat55), mean(sw10), mean(sw55));
  printf("  t=55, totally connected: velocity 0.1 %.3f\n", mean(slow55));
  expect_greater("t=10: random > linear", er10, line10);
  expect_greater("t=55: linear > random", line55, er55);
  expect_greater("t=55: random > totally connected", er55, comp55);
  expect_greater("t=10: small world > lattice", sw10, lat10);
  expect_greater("t=55: lattice > small world", lat55, sw55);
  expect_greater("t=55: velocity 0.1 > velocity 1", slow55, comp55);
}

/* Results do not depend on the thread count; a network file equals the generated ring. */
static void test_threads_and_file(void **unused) {
  (void)unused;
  static double a[RMAX], b[RMAX], c[RMAX];
  long keep = R;
  R = 12; /* equality needs no statistics */
  /* N = 12: equality needs no large landscape */
  const char *ring[] = {"network=ring", "n=100", "N=12", "K=3", NULL}; /* ring100.csv is this ring */
  const char *file[] = {"network=file", "network_file=" NL_SOURCE_DIR "/examples/networks/ring100.csv", "N=12", "K=3",
                        NULL};
  run2(ring, 1, 20, a, 0, NULL);
  run2(ring, 2, 20, b, 0, NULL);
  run2(file, 2, 20, c, 0, NULL);
  for (int r = 0; r < R; r++) {
    assert_true(a[r] == b[r]);
    assert_true(a[r] == c[r]);
  }
  R = keep;
}

static void test_bad_network(void **unused) {
  (void)unused;
  const nl_model *m = nl_model_find("lazer2007");
  nl_params *p = nl_params_new(m);
  assert_int_equal(nl_params_set_text(p, "network", "file"), NL_OK);
  assert_int_equal(nl_params_validate(p), NL_OK); /* the file may be named later (--set order) */
  nl_sim *s0 = nl_sim_new(p);
  assert_non_null(s0);
  assert_int_equal(nl_sim_status(s0), NL_EINVAL);
  if (!strstr(nl_sim_errmsg(s0), "network_file")) fail_msg("message: %s", nl_sim_errmsg(s0));
  nl_sim_free(s0);
  assert_int_equal(nl_params_set_text(p, "network_file", NL_SOURCE_DIR "/tests/network/data/ragged.csv"), NL_OK);
  assert_int_equal(nl_params_validate(p), NL_OK);
  nl_sim *s = nl_sim_new(p);
  assert_non_null(s);
  assert_int_not_equal(nl_sim_status(s), NL_OK);
  if (!strstr(nl_sim_errmsg(s), "ragged.csv:2: node id 'a' is not an integer in [0, 100)")) fail_msg("message: %s", nl_sim_errmsg(s));
  nl_sim_free(s);
  assert_int_equal(nl_params_set_text(p, "network", "ring"), NL_OK);
  assert_int_equal(nl_params_set_text(p, "k", "60"), NL_OK); /* 2k >= n */
  assert_int_equal(nl_params_validate(p), NL_EINVAL);
  assert_int_equal(nl_params_set_text(p, "k", "1"), NL_OK);
  assert_int_equal(nl_params_set_text(p, "K", "20"), NL_OK);
  assert_int_equal(nl_params_validate(p), NL_EINVAL);
  nl_params_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nk_exact),          cmocka_unit_test(test_k0_finds_optimum),
      cmocka_unit_test(test_on_the_fly),
      cmocka_unit_test(test_headline),          cmocka_unit_test(test_threads_and_file),
      cmocka_unit_test(test_bad_network),
  };
  scale_replications();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
