/*
 * March (1991) reproduced: Figure 1 numbers, the fast/slow mix, turnover and turbulence.
 *
 * Tolerances: every comparison of a mean from R replications uses its standard error
 * SE = sd / sqrt(R) (and the reference's own SE where the reference is itself a simulation
 * estimate); a reproduced value passes when it lies within 4 combined SEs (two-sided
 * p ~ 6e-5 per comparison), an ordering claim passes when the difference exceeds 3 SEs.
 * Seeds are fixed, so each run of this test is deterministic.
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

#include "netlearn/netlearn.h"
#include "common/params_kv.h"
#include "common/test_scale.h"

/* Replications scaled by NL_TEST_SCALE (the sanitizer build runs a fraction; tolerances follow). */
static long scaled(long R) { return nl_test_scaled(R, 40); }

typedef struct est {
  double mean, se, sd, periods;
  long at_eq;
} est;

/* Run R replications of march1991 with the given settings ("k=v" pairs, NULL-terminated) and
 * return the mean, SE of `measure` at the end, or at `at_period` when >= 0. */
static est run(long R, uint64_t seed, nl_until until, long periods, const char *measure, long at_period,
               const char *const *kv) {
  const nl_model *m = nl_model_find("march1991");
  nl_params *p = nl_params_new(m);
  assert_non_null(p);
  nl_test_params_set(p, kv);
  R = scaled(R);
  nl_results *res = nl_results_new();
  nl_run_config cfg = {.seed = seed, .replications = R, .until = until, .periods = periods, .every = 1};
  if (nl_results_run(res, p, &cfg)) fail_msg("%s", nl_results_errmsg(res));
  long mi = nl_model_measure_index(m, measure);
  assert_true(mi >= 0);
  double s = 0, ss = 0, per = 0;
  est e = {0, 0, 0, 0, 0};
  for (long r = 0; r < R; r++) {
    double v;
    if (at_period < 0) v = nl_results_final(res, r)[mi];
    else {
      long k = 0;
      while (k + 1 < nl_results_rows(res, r) && nl_results_row_period(res, r, k + 1) <= at_period) k++;
      v = nl_results_row(res, r, k)[mi];
    }
    s += v;
    ss += v * v;
    per += (double)nl_results_periods(res, r);
    e.at_eq += nl_results_equilibrium(res, r);
  }
  e.mean = s / (double)R;
  e.sd = sqrt((ss - (double)R * e.mean * e.mean) / (double)(R - 1));
  e.se = e.sd / sqrt((double)R);
  e.periods = per / (double)R;
  nl_results_free(res);
  nl_params_free(p);
  return e;
}

/*
 * March (1991), Figure 1: average equilibrium code knowledge against p1 for p2 = 0.1, 0.5, 0.9
 * (m = 30, n = 50, 80 iterations in the paper). The figure is a plot; the numbers are the same
 * curves computed with March's original program by Workiewicz (2019, "March_1991_Original",
 * Output/March_1991_p1_0.1-0.9_p2_0.1-0.9_p3_0_p4_0_t_limit_100_i_10000.csv), which follows
 * Rodan (2005) and Christensen (2015) and averages 10,000 replications per point.
 */
static const double fig1[3][9] = {
    /* p2 = 0.1 */ {0.86327, 0.81714, 0.80506, 0.80215, 0.79935, 0.80317, 0.80596, 0.80902, 0.81323},
    /* p2 = 0.5 */ {0.95425, 0.90881, 0.86907, 0.83707, 0.81063, 0.78674, 0.76789, 0.75402, 0.74207},
    /* p2 = 0.9 */ {0.97241, 0.94041, 0.90814, 0.87369, 0.84007, 0.80673, 0.77963, 0.75606, 0.72840},
};

static void test_figure1(void **state) {
  (void)state;
  const char *p2s[3] = {"p2=0.1", "p2=0.5", "p2=0.9"};
  const long R = 1000; /* scaled inside run() */
  for (int j = 0; j < 3; j++) {
    for (int i = 0; i < 9; i++) {
      char p1[32];
      snprintf(p1, sizeof p1, "p1=0.%d", i + 1);
      const char *kv[] = {p1, p2s[j], NULL};
      est e = run(R, 1991, NL_UNTIL_EQUILIBRIUM, 100000, "code_knowledge", -1, kv);
      double tol = 4 * sqrt(e.se * e.se + e.sd * e.sd / 10000.0);
      printf("# figure 1 %s %s: %.4f (SE %.4f, %.0f periods) reference %.4f\n", p1, p2s[j], e.mean, e.se, e.periods,
             fig1[j][i]);
      assert_int_equal(e.at_eq, scaled(R)); /* every replication reached equilibrium */
      if (fabs(e.mean - fig1[j][i]) > tol)
        fail_msg("%s %s: %.4f vs reference %.4f (tolerance %.4f)", p1, p2s[j], e.mean, fig1[j][i], tol);
    }
  }
}

/*
 * March (1991), Figure 2 and text p. 76: with p2 = 0.5 and socialization rates 0.1 (slow) and 0.9
 * (fast), equilibrium knowledge falls as the share of fast learners grows: slow learners keep the
 * diversity the code learns from, so any mix beats an all-fast organization.
 */
static void test_fast_slow_mix(void **state) {
  (void)state;
  const char *shares[] = {"fast_share=0", "fast_share=0.2", "fast_share=0.5", "fast_share=0.8", "fast_share=1"};
  est e[5];
  for (int i = 0; i < 5; i++) {
    const char *kv[] = {"p1=0.1", "p1_fast=0.9", "p2=0.5", shares[i], NULL};
    e[i] = run(400, 2, NL_UNTIL_EQUILIBRIUM, 100000, "code_knowledge", -1, kv);
    printf("# figure 2 %s: %.4f (SE %.4f)\n", shares[i], e[i].mean, e[i].se);
  }
  /* Knowledge never rises with the fast share (no step up by more than 2 SE), and falls clearly from
   * none to half to all fast learners (each step down by more than 3 SE). */
  for (int i = 0; i + 1 < 5; i++) {
    double d = e[i].mean - e[i + 1].mean, se = sqrt(e[i].se * e[i].se + e[i + 1].se * e[i + 1].se);
    if (d < -2 * se) fail_msg("knowledge rises from %s to %s: %.4f -> %.4f", shares[i], shares[i + 1], e[i].mean,
                              e[i + 1].mean);
  }
  const int strict[3] = {0, 2, 4};
  for (int k = 0; k + 1 < 3; k++) {
    const est *a = &e[strict[k]], *b = &e[strict[k + 1]];
    double d = a->mean - b->mean, se = sqrt(a->se * a->se + b->se * b->se);
    if (d < 3 * se) fail_msg("knowledge does not fall from %s to %s: %.4f -> %.4f", shares[strict[k]],
                             shares[strict[k + 1]], a->mean, b->mean);
  }
}

/*
 * March (1991), section "Mutual learning with turnover" (Figure 3): with p1 = p2 = 0.5, moderate
 * turnover raises code knowledge: newcomers bring the diversity that fast socialization destroyed.
 * Checked at period 50 for p3 = 0.1 against p3 = 0.
 */
static void test_turnover(void **state) {
  (void)state;
  const char *none[] = {"p1=0.5", "p2=0.5", "p3=0", NULL};
  const char *some[] = {"p1=0.5", "p2=0.5", "p3=0.1", NULL};
  est a = run(400, 3, NL_UNTIL_PERIODS, 50, "code_knowledge", 50, none);
  est b = run(400, 3, NL_UNTIL_PERIODS, 50, "code_knowledge", 50, some);
  printf("# turnover: p3=0 %.4f, p3=0.1 %.4f\n", a.mean, b.mean);
  assert_true(b.mean - a.mean > 3 * sqrt(a.se * a.se + b.se * b.se));
}

/*
 * March (1991), section "Mutual learning in a turbulent environment" (Figure 4): with turbulence
 * p4 = 0.02 and no turnover, code knowledge decays as reality drifts away from a converged
 * organization; with turnover (p3 = 0.1) knowledge is sustained.
 */
static void test_turbulence(void **state) {
  (void)state;
  const char *still[] = {"p1=0.5", "p2=0.5", "p4=0.02", "p3=0", NULL};
  const char *turn[] = {"p1=0.5", "p2=0.5", "p4=0.02", "p3=0.1", NULL};
  est early = run(400, 4, NL_UNTIL_PERIODS, 100, "code_knowledge", 10, still);
  est late = run(400, 4, NL_UNTIL_PERIODS, 100, "code_knowledge", 100, still);
  est late_turn = run(400, 4, NL_UNTIL_PERIODS, 100, "code_knowledge", 100, turn);
  printf("# turbulence: p3=0 t=10 %.4f, t=100 %.4f; p3=0.1 t=100 %.4f\n", early.mean, late.mean, late_turn.mean);
  assert_true(early.mean - late.mean > 3 * sqrt(early.se * early.se + late.se * late.se));
  assert_true(late_turn.mean - late.mean > 3 * sqrt(late.se * late.se + late_turn.se * late_turn.se));
}

/* The literal variant runs to equilibrium too; its immediate socialization and superior group by
 * knowledge make it converge faster and learn less than March's program at the same rates. */
static void test_paper_variant(void **state) {
  (void)state;
  const char *orig[] = {"p1=0.1", "p2=0.5", "variant=original", NULL};
  const char *paper[] = {"p1=0.1", "p2=0.5", "variant=paper", NULL};
  est a = run(200, 5, NL_UNTIL_EQUILIBRIUM, 100000, "code_knowledge", -1, orig);
  est b = run(200, 5, NL_UNTIL_EQUILIBRIUM, 100000, "code_knowledge", -1, paper);
  printf("# variants: original %.4f (%.0f periods), paper %.4f (%.0f periods)\n", a.mean, a.periods, b.mean,
         b.periods);
  assert_int_equal(b.at_eq, scaled(200));
  assert_true(b.mean > 0.5);
  assert_true(fabs(a.mean - b.mean) > 3 * sqrt(a.se * a.se + b.se * b.se));
}

/* Measures are consistent: at equilibrium every individual holds the code (diversity 0, individual
 * knowledge equal to code knowledge); at the start the code is empty and diversity ~ 2/3. */
static void test_measure_consistency(void **state) {
  (void)state;
  nl_params *p = nl_params_new(nl_model_find("march1991"));
  nl_sim *s = nl_sim_new(p);
  double v[4];
  assert_int_equal(nl_sim_reset(s, 9, 0), NL_OK);
  nl_sim_observe(s, v);
  assert_true(v[0] == 0);                       /* code_knowledge */
  assert_true(fabs(v[2] - 2.0 / 3.0) < 0.05);   /* diversity of uniform beliefs: 1 - 1/3 */
  long t = 0;
  while (!nl_sim_at_equilibrium(s) && t < 100000) {
    nl_sim_step(s);
    t++;
  }
  nl_sim_observe(s, v);
  assert_true(nl_sim_at_equilibrium(s));
  assert_true(v[2] == 0);
  assert_true(v[0] == v[1]);
  nl_sim_free(s);
  nl_params_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_measure_consistency), cmocka_unit_test(test_figure1),
      cmocka_unit_test(test_fast_slow_mix),       cmocka_unit_test(test_turnover),
      cmocka_unit_test(test_turbulence),          cmocka_unit_test(test_paper_variant),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
