/*
 * PLS-SEM second wave: interaction terms (two-stage, product indicator, orthogonal) and
 * higher-order constructs (two-stage) against seminr 2.3.1's own numbers
 * (seminr_reference_wave2.csv, provenance at its top), tolerance 1e-6; simple slopes; the
 * bootstrap of such models is reproducible across thread counts.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/cli_harness.h"
#include "netlearn/plot.h"
#include "netlearn/pls.h"
#include "pls/pls_internal.h"
#include "pls/seminr_ref.h"

#define MOBI NL_SOURCE_DIR "/tests/data/mobi.csv"

static int setup(void **state) {
  if (cli_setup(state)) return -1;
  return load_reference_file(NL_SOURCE_DIR "/tests/pls/seminr_reference_wave2.csv");
}

static int teardown(void **state) {
  free_reference(state);
  return cli_teardown(state);
}

static void check_interaction(nl_pls_interaction how, const char *ref) {
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.interaction = how;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi_moderation.model", MOBI, &o);
  compare(ref, p);
  long j = cidx(p, "Image:Expectation"), y = cidx(p, "Satisfaction");
  assert_true(j >= 0 && y >= 0);
  assert_int_equal(nl_pls_construct_kind(p, (size_t)j), NL_PLS_KIND_INTERACTION);
  size_t a, b;
  assert_int_equal(nl_pls_interaction_ends(p, (size_t)j, &a, &b), 1);
  assert_int_equal(a, cidx(p, "Image"));
  assert_int_equal(b, cidx(p, "Expectation"));
  /* simple slopes = seminr's slope_analysis(): b_X + b_XM * level, intercept b_M * level */
  double bx = nl_pls_path(p, a, (size_t)y), bm = nl_pls_path(p, b, (size_t)y), bxm = nl_pls_path(p, (size_t)j, (size_t)y);
  for (int l = -1; l <= 1; l++) {
    double sl, ic;
    assert_int_equal(nl_pls_simple_slope(p, (size_t)j, (size_t)y, l, &sl, &ic), NL_OK);
    assert_true(fabs(sl - (bx + bxm * l)) < 1e-15 && fabs(ic - bm * l) < 1e-15);
  }
  /* the moderation is negative: the slope of Image falls as Expectation rises */
  double lo, hi;
  nl_pls_simple_slope(p, (size_t)j, (size_t)y, -1, &lo, NULL);
  nl_pls_simple_slope(p, (size_t)j, (size_t)y, 1, &hi, NULL);
  assert_true(hi < lo);
  assert_int_equal(nl_pls_simple_slope(p, (size_t)j, (size_t)cidx(p, "Loyalty"), 1, &lo, NULL), NL_EINVAL);
  nl_pls_free(p);
}

static void test_two_stage(void **state) {
  (void)state;
  check_interaction(NL_PLS_INTERACTION_TWO_STAGE, "mod_two_stage");
}

static void test_product_indicator(void **state) {
  (void)state;
  check_interaction(NL_PLS_INTERACTION_PRODUCT_INDICATOR, "mod_product_indicator");
}

static void test_orthogonal(void **state) {
  (void)state;
  check_interaction(NL_PLS_INTERACTION_ORTHOGONAL, "mod_orthogonal");
}

static void test_hoc(void **state) {
  (void)state;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi_hoc_a.model", MOBI, NULL);
  compare("hoc_a", p);
  assert_int_equal(nl_pls_construct_kind(p, (size_t)cidx(p, "Satisfaction")), NL_PLS_KIND_HOC);
  assert_true(cidx(p, "Image") < 0); /* dimensions live in the first stage */
  assert_true(cidx(nl_pls_first_stage(p), "Image") >= 0);
  nl_pls_free(p);
  p = fit(NL_SOURCE_DIR "/tests/pls/mobi_hoc_b.model", MOBI, NULL);
  compare("hoc_b", p);
  assert_int_equal(nl_pls_construct_mode(p, (size_t)cidx(p, "Perception")), NL_PLS_MODE_B);
  nl_pls_free(p);
}

/* The bootstrap of a moderated model: same numbers for 1 and 2 threads, the interaction path's
 * resamples scaled as the full-sample estimate (its bootstrap mean is near the estimate). */
static void test_bootstrap(void **state) {
  (void)state;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi_moderation.model", MOBI, NULL);
  nl_pls_boot_options bo;
  nl_pls_boot_options_default(&bo);
  bo.nboot = 200;
  bo.seed = 5;
  assert_int_equal(nl_pls_bootstrap(p, &bo), NL_OK);
  size_t j = (size_t)cidx(p, "Image:Expectation"), y = (size_t)cidx(p, "Satisfaction");
  nl_pls_boot_stat s1, s2;
  assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_PATH, j, y, &s1), NL_OK);
  bo.threads = 2;
  assert_int_equal(nl_pls_bootstrap(p, &bo), NL_OK);
  assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_PATH, j, y, &s2), NL_OK);
  assert_true(memcmp(&s1, &s2, sizeof s1) == 0);
  assert_true(fabs(s1.mean - s1.original) < 2 * s1.sd);
  assert_true(s1.sd > 0.01 && s1.sd < 0.2);
  nl_pls_free(p);
}

/* PLSpredict LOOCV against seminr's predict_pls(noFolds = NULL): metrics and predictions. */
static void check_predict(nl_pls_predict_technique tech, const char *ref) {
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi.model", MOBI, NULL);
  nl_pls_predict_options o;
  nl_pls_predict_options_default(&o);
  o.folds = 0;
  o.technique = tech;
  assert_int_equal(nl_pls_predict(p, &o), NL_OK);
  assert_int_equal(nl_pls_predict_folds(p), 250);
  size_t nrows = 0;
  double maxdev = 0;
  for (size_t k = 0; k < g_nref; k++) {
    const ref_row *r = &g_ref[k];
    if (strcmp(r->model, ref) != 0) continue;
    double v;
    if (!strcmp(r->quantity, "pls_prediction") || !strcmp(r->quantity, "lm_prediction")) {
      v = nl_pls_predict_value(p, (size_t)atol(r->row) - 1, (size_t)iidx(p, r->col), r->quantity[0] == 'l');
    } else {
      nl_pls_predict_metrics m;
      assert_int_equal(nl_pls_predict_indicator(p, (size_t)iidx(p, r->row), &m), NL_OK);
      v = !strcmp(r->quantity, "pls_rmse") ? m.pls_rmse
          : !strcmp(r->quantity, "pls_mae") ? m.pls_mae
          : !strcmp(r->quantity, "lm_rmse") ? m.lm_rmse
                                            : m.lm_mae;
    }
    double dev = fabs(v - r->value);
    if (!(dev <= TOL)) fail_msg("%s %s[%s,%s]: netlearn %.12g, seminr %.12g", ref, r->quantity, r->row, r->col, v, r->value);
    if (dev > maxdev) maxdev = dev;
    nrows++;
  }
  assert_true(nrows > 60);
  printf("  %s: %zu reference values; max |netlearn - seminr| %.1e\n", ref, nrows, maxdev);
  /* Q2predict = 1 - SSE(PLS) / SSE(training mean); in LOOCV the training mean of row q is
   * (n mean - x_q) / (n - 1), so SSE(naive) = (n / (n - 1))^2 SSE(full mean) */
  size_t i = (size_t)iidx(p, "CUSL1"), n = nl_pls_nobs(p);
  nl_pls_predict_metrics m;
  assert_int_equal(nl_pls_predict_indicator(p, i, &m), NL_OK);
  const double *y = p->X + i * n;
  double ssep = m.pls_rmse * m.pls_rmse * (double)n, mean = 0, ss = 0;
  for (size_t q = 0; q < n; q++) mean += y[q];
  mean /= (double)n;
  for (size_t q = 0; q < n; q++) ss += (y[q] - mean) * (y[q] - mean);
  double q2 = 1.0 - ssep / (ss * (double)n * (double)n / ((double)(n - 1) * (double)(n - 1)));
  assert_true(fabs(m.q2_predict - q2) < 1e-12);
  assert_true(m.q2_predict > 0.0 && m.q2_predict < 0.6); /* PLS beats the training mean */
  /* CVPAT vs LM over all endogenous indicators, from its definition */
  size_t ni = nl_pls_n_indicators(p);
  double sd = 0, sd2 = 0;
  for (size_t q = 0; q < n; q++) {
    double a = 0, b = 0, cnt = 0;
    for (size_t k = 0; k < ni; k++) {
      if (isnan(nl_pls_predict_value(p, q, k, 0))) continue;
      double yy = p->X[k * n + q], e1 = yy - nl_pls_predict_value(p, q, k, 0), e2 = yy - nl_pls_predict_value(p, q, k, 1);
      a += e1 * e1, b += e2 * e2, cnt++;
    }
    double d = (b - a) / cnt;
    sd += d, sd2 += d * d;
  }
  double dm = sd / (double)n, tt = dm / sqrt((sd2 - sd * sd / (double)n) / (double)(n - 1) / (double)n);
  nl_pls_cvpat cv;
  assert_int_equal(nl_pls_predict_cvpat(p, nl_pls_n_constructs(p), 0, &cv), NL_OK);
  assert_true(fabs(cv.d_mean - dm) < 1e-12 && fabs(cv.t - tt) < 1e-9 && cv.df == (double)(n - 1));
  assert_true(fabs(cv.p_one_sided + cv.p_two_sided / 2 - 1) < 1e-12 || fabs(cv.p_one_sided - cv.p_two_sided / 2) < 1e-12);
  /* against the indicator average PLS predicts clearly better */
  assert_int_equal(nl_pls_predict_cvpat(p, nl_pls_n_constructs(p), 1, &cv), NL_OK);
  assert_true(cv.t > 3 && cv.p_one_sided < 0.01);
  assert_int_equal(nl_pls_predict_cvpat(p, (size_t)cidx(p, "Image"), 0, &cv), NL_EINVAL);
  nl_pls_free(p);
}

static void test_predict_loocv(void **state) {
  (void)state;
  check_predict(NL_PLS_PREDICT_DA, "predict_loocv_da");
  check_predict(NL_PLS_PREDICT_EA, "predict_loocv_ea");
}

/* k-fold: identical for 1 and 3 threads, depends on the seed, close to LOOCV with 10x10. */
static void test_predict_kfold(void **state) {
  (void)state;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi.model", MOBI, NULL);
  nl_pls_predict_options o;
  nl_pls_predict_options_default(&o);
  size_t ni = nl_pls_n_indicators(p);
  nl_pls_predict_metrics a[32], b[32], c[32], l[32];
  assert_true(ni <= 32);
  memset(a, 0, sizeof a), memset(b, 0, sizeof b), memset(c, 0, sizeof c), memset(l, 0, sizeof l);
  assert_int_equal(nl_pls_predict(p, &o), NL_OK);
  assert_int_equal(nl_pls_predict_reps(p), 10);
  for (size_t i = 0; i < ni; i++) nl_pls_predict_indicator(p, i, &a[i]);
  o.threads = 3;
  assert_int_equal(nl_pls_predict(p, &o), NL_OK);
  for (size_t i = 0; i < ni; i++) nl_pls_predict_indicator(p, i, &b[i]);
  assert_true(memcmp(a, b, ni * sizeof a[0]) == 0);
  o.seed = 2;
  assert_int_equal(nl_pls_predict(p, &o), NL_OK);
  for (size_t i = 0; i < ni; i++) nl_pls_predict_indicator(p, i, &c[i]);
  o.folds = 0;
  assert_int_equal(nl_pls_predict(p, &o), NL_OK);
  int differ = 0, endo = 0;
  for (size_t i = 0; i < ni; i++) {
    if (nl_pls_predict_indicator(p, i, &l[i]) != NL_OK) continue;
    endo++;
    differ |= a[i].pls_rmse != c[i].pls_rmse;
    /* 10-fold trains on 90% of the rows: errors a little above LOOCV's, within 3% */
    assert_true(fabs(a[i].pls_rmse / l[i].pls_rmse - 1) < 0.03);
    assert_true(fabs(a[i].lm_rmse / l[i].lm_rmse - 1) < 0.03);
  }
  assert_int_equal(endo, 19); /* every indicator but Image's five */
  assert_true(differ);
  /* bad requests */
  o.folds = 251;
  assert_int_equal(nl_pls_predict(p, &o), NL_EINVAL);
  assert_non_null(strstr(nl_pls_errmsg(p), "251 folds but only 250 observations"));
  o.folds = 1;
  assert_int_equal(nl_pls_predict(p, &o), NL_EINVAL);
  assert_int_equal(nl_pls_predict_folds(p), 0);
  nl_pls_free(p);
  p = fit(NL_SOURCE_DIR "/tests/pls/mobi_moderation.model", MOBI, NULL);
  nl_pls_predict_options_default(&o);
  assert_int_equal(nl_pls_predict(p, &o), NL_EINVAL);
  assert_non_null(strstr(nl_pls_errmsg(p), "interaction terms or higher-order constructs"));
  nl_pls_free(p);
}

/* HTMT inference: the one-sided upper bound at 1 - alpha is the type-7 quantile of the resamples
 * at 1 - alpha, i.e. the upper limit of the two-sided interval at level 1 - 2 alpha (cSEM). */
static void test_htmt_inference(void **state) {
  (void)state;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi.model", MOBI, NULL);
  assert_true(isnan(nl_pls_htmt_upper(p, 0, 1)));
  nl_pls_boot_options bo;
  nl_pls_boot_options_default(&bo);
  bo.nboot = 300;
  bo.seed = 11;
  assert_int_equal(nl_pls_bootstrap(p, &bo), NL_OK);
  size_t nc = nl_pls_n_constructs(p), nb = nl_pls_boot_n(p);
  double up[64], v[300];
  for (size_t j = 0; j < nc; j++)
    for (size_t k = j + 1; k < nc; k++) {
      for (size_t r = 0; r < nb; r++) v[r] = nl_pls_boot_value(p, NL_PLS_Q_HTMT, j, k, r);
      for (size_t a = 1; a < nb; a++) /* insertion sort */
        for (size_t b = a; b > 0 && v[b - 1] > v[b]; b--) {
          double t = v[b];
          v[b] = v[b - 1];
          v[b - 1] = t;
        }
      double h = (double)(nb - 1) * 0.95, q = v[(size_t)h] + (h - floor(h)) * (v[(size_t)h + 1] - v[(size_t)h]);
      up[j * nc + k] = nl_pls_htmt_upper(p, j, k);
      assert_true(fabs(up[j * nc + k] - q) < 1e-12);
      assert_true(nl_pls_htmt_upper(p, k, j) == up[j * nc + k]);
      assert_true(up[j * nc + k] > nl_pls_htmt(p, j, k) - 0.05);
    }
  bo.alpha = 0.10;
  assert_int_equal(nl_pls_bootstrap(p, &bo), NL_OK);
  for (size_t j = 0; j < nc; j++)
    for (size_t k = j + 1; k < nc; k++) {
      nl_pls_boot_stat s;
      assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_HTMT, j, k, &s), NL_OK);
      assert_true(fabs(s.hi - up[j * nc + k]) < 1e-15);
    }
  /* mobi: Image <-> Value is clearly below .85 (HTMT .65), Loyalty <-> Satisfaction is not (.96) */
  bo.alpha = 0.05;
  bo.ci = NL_PLS_CI_BCA;
  assert_int_equal(nl_pls_bootstrap(p, &bo), NL_OK);
  assert_true(nl_pls_htmt_upper(p, (size_t)cidx(p, "Image"), (size_t)cidx(p, "Value")) < 0.85);
  assert_true(nl_pls_htmt_upper(p, (size_t)cidx(p, "Loyalty"), (size_t)cidx(p, "Satisfaction")) > 0.90);
  nl_pls_free(p);
}

/* IPMA on a common scale 1..10: a rescaled construct score is then an affine function of the
 * standardized one with slope (100/9) / sum_k (w_k / s_k), so the unstandardized total effect is
 * the standardized total effect times sum_{k in j} w_k/s_k / sum_{k in target} w_k/s_k; a
 * construct's performance is the normalized-weight mean of its indicators' performances. */
static void test_ipma(void **state) {
  (void)state;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi.model", MOBI, NULL);
  size_t t = (size_t)cidx(p, "Loyalty"), nc = nl_pls_n_constructs(p), ni = nl_pls_n_indicators(p), n = nl_pls_nobs(p);
  assert_int_equal(nl_pls_ipma(p, t, 1, 10), NL_OK);
  double ws[16] = {0};
  for (size_t i = 0; i < ni; i++) {
    const double *x = p->X + i * n;
    double m = 0, ss = 0;
    for (size_t q = 0; q < n; q++) m += x[q];
    m /= (double)n;
    for (size_t q = 0; q < n; q++) ss += (x[q] - m) * (x[q] - m);
    ws[nl_pls_indicator_construct(p, i)] += nl_pls_weight(p, i) / sqrt(ss / (double)(n - 1));
  }
  for (size_t j = 0; j < nc; j++) {
    double imp = nl_pls_ipma_importance(p, j);
    if (j == t) {
      assert_true(isnan(imp));
      continue;
    }
    double want = nl_pls_total_effect(p, j, t) * ws[j] / ws[t];
    if (fabs(imp - want) > 1e-10) fail_msg("importance of %s: %.12g, expected %.12g", nl_pls_construct_name(p, j), imp, want);
    double perf = 0;
    for (size_t i = 0; i < ni; i++)
      if (nl_pls_indicator_construct(p, i) == j) {
        double w = nl_pls_ipma_indicator_importance(p, i) / imp; /* the normalized weight */
        perf += w * nl_pls_ipma_indicator_performance(p, i);
        assert_true(nl_pls_ipma_indicator_performance(p, i) > 0 && nl_pls_ipma_indicator_performance(p, i) < 100);
      }
    assert_true(fabs(perf - nl_pls_ipma_performance(p, j)) < 1e-10);
  }
  /* errors */
  assert_int_equal(nl_pls_ipma(p, (size_t)cidx(p, "Image"), NAN, NAN), NL_EINVAL);
  assert_non_null(strstr(nl_pls_errmsg(p), "target 'Image' has no antecedents"));
  assert_int_equal(nl_pls_ipma_target(p), (size_t)-1);
  assert_int_equal(nl_pls_ipma(p, t, 2, 10), NL_EINVAL);
  assert_non_null(strstr(nl_pls_errmsg(p), "outside the scale 2 to 10"));
  assert_int_equal(nl_pls_ipma(p, t, 5, 5), NL_EINVAL);
  /* the data range by default: every indicator's performance spans its own observed range */
  assert_int_equal(nl_pls_ipma(p, t, NAN, NAN), NL_OK);
  assert_true(nl_pls_ipma_performance(p, t) > 50 && nl_pls_ipma_performance(p, t) < 90);
  nl_pls_free(p);
}

/* Stop rules: each stops when its own measure of the weight change is below tol. */
static void test_stop_rules(void **state) {
  (void)state;
  int iters[3];
  double w0 = 0;
  for (int r = 0; r < 3; r++) {
    nl_pls_options o;
    nl_pls_options_default(&o);
    o.stop_rule = (nl_pls_stop_rule)r;
    o.tol = r == 0 ? 1e-7 : r == 1 ? 1e-5 : 1e-6;
    nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi.model", MOBI, &o);
    assert_true(nl_pls_converged(p) && nl_pls_weight_change(p) < o.tol);
    iters[r] = nl_pls_iterations(p);
    if (r == 0) w0 = nl_pls_weight(p, 0);
    else assert_true(fabs(nl_pls_weight(p, 0) - w0) < 1e-4); /* the same fixed point, looser */
    nl_pls_free(p);
  }
  assert_true(iters[0] >= iters[1] && iters[0] >= iters[2]);
}

/* Presets: defaults from the package, explicit options win, methods.md says what was done. */
static void test_presets(void **state) {
  (void)state;
  nl_pls_preset pr;
  assert_int_equal(nl_pls_preset_from_name("SmartPLS", &pr), NL_OK);
  assert_int_equal(pr, NL_PLS_PRESET_SMARTPLS);
  assert_int_equal(nl_pls_preset_from_name("csem", &pr), NL_OK);
  assert_int_equal(pr, NL_PLS_PRESET_CSEM);
  assert_int_equal(nl_pls_preset_from_name("lavaan", &pr), NL_EINVAL);
  nl_pls_options o;
  nl_pls_boot_options b;
  nl_pls_predict_options q;
  nl_pls_preset_apply(NL_PLS_PRESET_PLSPM, &o, &b, &q);
  assert_int_equal(o.scheme, NL_PLS_SCHEME_CENTROID);
  assert_int_equal(o.stop_rule, NL_PLS_STOP_SUM_SQ);
  assert_int_equal(b.nboot, 100);
  nl_pls_preset_apply(NL_PLS_PRESET_SEMINR, &o, &b, &q);
  assert_int_equal(o.interaction, NL_PLS_INTERACTION_PRODUCT_INDICATOR);
  assert_int_equal(q.folds, 0);
  /* seminr preset = seminr's numbers: the moderation reference (product indicator) and LOOCV */
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi_moderation.model", MOBI, &o);
  compare("mod_product_indicator", p);
  nl_pls_free(p);
  /* cSEM: PLSc, 499 resamples for a bare --boot; --scheme factorial overrides the preset's path */
  assert_int_equal(nl("pls '" NL_SOURCE_DIR "/tests/pls/mobi.model' '" MOBI "' -q -o c --scheme factorial --preset cSEM "
                      "--boot --predict"),
                   0);
  char *text = read_tmp("c/methods.md");
  assert_non_null(text);
  const char *want[] = {"factorial weighting scheme", "largest absolute change of an outer weight fell below 1e-05",
                        "at most 100 iterations", "consistent PLS (PLSc", "B = 499 resamples",
                        "10-fold cross-validation repeated 1 times", "earliest antecedents", "`cSEM` preset",
                        "Dijkstra, T. K., & Henseler, J. (2015)", "Rademaker"};
  for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
    if (!strstr(text, want[k])) fail_msg("methods.md lacks '%s':\n%s", want[k], text);
  free(text);
  file_has("c/convergence.csv", ",factorial,casewise,true", NULL);
}

/* Multigroup analysis: group paths equal to seminr's estimate_pls_mga(); Henseler's p from the
 * stored resamples by its definition (all J^2 pairs); identical for 1 and 2 threads; MICOM on two
 * identical groups (every row twice) finds full invariance. */
static nl_pls_mga *mga_fit(const char *data, const char *column, nl_status want) {
  nl_pls_model *m = NULL;
  nl_pls_data *d = NULL;
  nl_pls_mga *g = NULL;
  assert_int_equal(nl_pls_model_read(NL_SOURCE_DIR "/tests/pls/mobi.model", &m), NL_OK);
  assert_int_equal(nl_pls_data_read(data, &d), NL_OK);
  nl_status st = nl_pls_mga_prepare(m, d, NULL, column, &g);
  if (st != want) fail_msg("nl_pls_mga_prepare: %d (%s)", (int)st, nl_pls_mga_errmsg(g));
  nl_pls_model_free(m);
  nl_pls_data_free(d);
  return g;
}

static void test_mga(void **state) {
  (void)state;
  nl_pls_mga *g = mga_fit(NL_SOURCE_DIR "/tests/data/mobi_groups.csv", "group", NL_OK);
  assert_int_equal(nl_pls_mga_n_groups(g), 2);
  size_t rows = 0;
  double maxdev = 0;
  for (size_t k = 0; k < g_nref; k++) {
    const ref_row *r = &g_ref[k];
    if (strcmp(r->model, "mga_group") != 0) continue;
    const nl_pls *p = nl_pls_mga_group(g, r->quantity[5] == '1' ? 0 : 1);
    double v = nl_pls_path(p, (size_t)cidx(p, r->row), (size_t)cidx(p, r->col)), dev = fabs(v - r->value);
    if (!(dev <= TOL)) fail_msg("mga %s %s -> %s: %.12g vs seminr %.12g", r->quantity, r->row, r->col, v, r->value);
    if (dev > maxdev) maxdev = dev;
    rows++;
  }
  assert_int_equal(rows, 24);
  printf("  mga_group: %zu reference values; max |netlearn - seminr| %.1e\n", rows, maxdev);
  nl_pls_mga_options o;
  nl_pls_mga_options_default(&o);
  o.nboot = 150;
  o.nperm = 200;
  assert_int_equal(nl_pls_mga_run(g, &o), NL_OK);
  const nl_pls *A = nl_pls_mga_group(g, 0), *B = nl_pls_mga_group(g, 1), *P = nl_pls_mga_pooled(g);
  size_t np = nl_pls_n_paths(P), J = nl_pls_boot_n(A) < nl_pls_boot_n(B) ? nl_pls_boot_n(A) : nl_pls_boot_n(B);
  nl_pls_mga_test t1[16], t2[16];
  nl_pls_micom c1[16], c2[16];
  memset(t1, 0, sizeof t1), memset(t2, 0, sizeof t2), memset(c1, 0, sizeof c1), memset(c2, 0, sizeof c2);
  for (size_t k = 0; k < np; k++) {
    size_t f, t;
    nl_pls_path_ends(P, k, &f, &t);
    assert_int_equal(nl_pls_mga_path_test(g, 0, 1, k, &t1[k]), NL_OK);
    assert_true(fabs(t1[k].difference - (nl_pls_path(A, f, t) - nl_pls_path(B, f, t))) < 1e-15);
    double m1 = 0, m2 = 0, cnt = 0;
    for (size_t r = 0; r < J; r++) m1 += nl_pls_boot_value(A, NL_PLS_Q_PATH, f, t, r), m2 += nl_pls_boot_value(B, NL_PLS_Q_PATH, f, t, r);
    m1 /= (double)J, m2 /= (double)J;
    for (size_t i = 0; i < J; i++)
      for (size_t j = 0; j < J; j++)
        cnt += 2 * m1 - nl_pls_boot_value(A, NL_PLS_Q_PATH, f, t, i) - 2 * m2 + nl_pls_boot_value(B, NL_PLS_Q_PATH, f, t, j) > 0;
    assert_true(fabs(t1[k].p_henseler - (1 - cnt / ((double)J * (double)J))) < 1e-12);
    assert_true(t1[k].p_permutation >= 0 && t1[k].p_permutation <= 1);
  }
  for (size_t j = 0; j < nl_pls_n_constructs(P); j++) nl_pls_mga_micom(g, 0, 1, j, &c1[j]);
  nl_pls_micom cc;
  nl_pls_mga_micom(g, 0, 1, (size_t)cidx(P, "Complaints"), &cc); /* one indicator: c = 1 */
  assert_true(fabs(cc.c - 1) < 1e-12 && cc.compositional);
  o.threads = 2;
  assert_int_equal(nl_pls_mga_run(g, &o), NL_OK);
  for (size_t k = 0; k < np; k++) nl_pls_mga_path_test(g, 0, 1, k, &t2[k]);
  for (size_t j = 0; j < nl_pls_n_constructs(P); j++) nl_pls_mga_micom(g, 0, 1, j, &c2[j]);
  assert_true(memcmp(t1, t2, sizeof t1) == 0 && memcmp(c1, c2, sizeof c1) == 0);
  assert_int_equal(nl_pls_mga_path_test(g, 1, 0, 0, &t2[0]), NL_EINVAL);
  nl_pls_mga_free(g);
  /* two identical groups: composites, means and variances equal, so full invariance */
  char path[] = "/tmp/nl_pls_mgaXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *out = fdopen(fd, "w"), *in = fopen(MOBI, "r");
  char line[4096];
  assert_non_null(fgets(line, sizeof line, in));
  line[strcspn(line, "\r\n")] = '\0';
  fprintf(out, "%s,grp\n", line);
  while (fgets(line, sizeof line, in)) {
    line[strcspn(line, "\r\n")] = '\0';
    fprintf(out, "%s,1\n%s,2\n", line, line);
  }
  fclose(in);
  fclose(out);
  g = mga_fit(path, "grp", NL_OK);
  o.nperm = 100;
  o.nboot = 20;
  assert_int_equal(nl_pls_mga_run(g, &o), NL_OK);
  for (size_t j = 0; j < nl_pls_n_constructs(nl_pls_mga_pooled(g)); j++) {
    nl_pls_mga_micom(g, 0, 1, j, &cc);
    assert_true(fabs(cc.c - 1) < 1e-12 && fabs(cc.mean_diff) < 1e-12 && fabs(cc.logvar_diff) < 1e-12);
  }
  assert_int_equal(nl_pls_mga_invariance(g, 0, 1), 2);
  nl_pls_mga_free(g);
  remove(path);
  /* text labels give the same groups as numeric codes ("north" = 1, "south" = 2) */
  snprintf(path, sizeof path, "/tmp/nl_pls_mgaXXXXXX");
  fd = mkstemp(path);
  assert_true(fd >= 0);
  out = fdopen(fd, "w");
  in = fopen(NL_SOURCE_DIR "/tests/data/mobi_groups.csv", "r");
  while (fgets(line, sizeof line, in)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *last = strrchr(line, ',');
    *last = '\0';
    fprintf(out, "%s,%s\n", line, !strcmp(last + 1, "group") ? "region" : !strcmp(last + 1, "1") ? "\"north\"" : "south");
  }
  fclose(in);
  fclose(out);
  g = mga_fit(path, "region", NL_OK);
  nl_pls_mga *gn = mga_fit(NL_SOURCE_DIR "/tests/data/mobi_groups.csv", "group", NL_OK);
  assert_string_equal(nl_pls_mga_group_label(g, 0), "north");
  assert_string_equal(nl_pls_mga_group_label(gn, 1), "2");
  for (int k = 0; k < 2; k++)
    assert_true(nl_pls_path(nl_pls_mga_group(g, (size_t)k), 0, 1) == nl_pls_path(nl_pls_mga_group(gn, (size_t)k), 0, 1));
  nl_pls_mga_free(g);
  nl_pls_mga_free(gn);
  remove(path);
  /* bad input */
  g = mga_fit(MOBI, "CUSCO2", NL_EINVAL);
  assert_non_null(strstr(nl_pls_mga_errmsg(g), "no group column 'CUSCO2' (did you mean 'CUSCO'?)"));
  nl_pls_mga_free(g);
}

/* netlearn pls -o: simple_slopes.csv (the library's numbers) and the plot; a HOC's first-stage
 * weights in weights.csv; the slope figure refuses a construct that is not an interaction. */
static void test_cli_files(void **state) {
  (void)state;
  char path[512], line[512];
  assert_int_equal(nl("pls '" NL_SOURCE_DIR "/tests/pls/mobi_moderation.model' '" MOBI "' -q -o m --interaction orthogonal"), 0);
  path_of(path, sizeof path, "m/simple_slopes.csv");
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  int rows = 0;
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.interaction = NL_PLS_INTERACTION_ORTHOGONAL;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi_moderation.model", MOBI, &o);
  size_t j = (size_t)cidx(p, "Image:Expectation"), y = (size_t)cidx(p, "Satisfaction");
  while (fgets(line, sizeof line, f)) {
    double lev, sl, ic, s2, i2;
    if (sscanf(line, "Image:Expectation,Image,Expectation,Satisfaction,%lf,%lf,%lf", &lev, &sl, &ic) != 3) continue;
    assert_int_equal(nl_pls_simple_slope(p, j, y, lev, &s2, &i2), NL_OK);
    assert_true(fabs(sl - s2) < 1e-13 && fabs(ic - i2) < 1e-13);
    rows++;
  }
  fclose(f);
  assert_int_equal(rows, 3);
  assert_true(exists("m/simple_slopes_Image_Expectation_Satisfaction.png"));
  nl_figure *fig = nl_figure_new(NULL);
  assert_int_equal(nl_plot_pls_slopes(fig, p, y, y), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(fig), "not an interaction term"));
  nl_figure_free(fig);
  nl_plot_release_caches();
  nl_pls_free(p);
  assert_int_equal(nl("pls '" NL_SOURCE_DIR "/tests/pls/mobi_hoc_a.model' '" MOBI "' -q -o h"), 0);
  path_of(path, sizeof path, "h/weights.csv");
  f = fopen(path, "r");
  assert_non_null(f);
  int dims = 0, hoc = 0;
  while (fgets(line, sizeof line, f)) {
    dims += strncmp(line, "Image,IMAG", 10) == 0 || strncmp(line, "Value,PERV", 10) == 0;
    hoc += strncmp(line, "Satisfaction,Image,A,", 21) == 0 || strncmp(line, "Satisfaction,Value,A,", 21) == 0;
  }
  fclose(f);
  assert_int_equal(dims, 7);
  assert_int_equal(hoc, 2);
  /* MGA from the CLI: the three files and the methods paragraph */
  assert_int_equal(nl("pls '" NL_SOURCE_DIR "/tests/pls/mobi.model' '" NL_SOURCE_DIR "/tests/data/mobi_groups.csv' -q "
                      "-o g --groups group --boot 50 --perm 50"),
                   0);
  file_has("g/methods.md", "## Multigroup analysis", "1: n = 125; 2: n = 125", "50 permutations of the group labels",
           NULL);
  const char *mfiles[] = {"g/mga_paths.csv", "g/mga_tests.csv", "g/micom.csv"};
  for (int k = 0; k < 3; k++) assert_true(exists(mfiles[k]));
  /* IPMA: table and map */
  assert_int_equal(nl("pls '" NL_SOURCE_DIR "/tests/pls/mobi.model' '" MOBI "' -q -o i --ipma Loyalty --ipma-scale 1:10"), 0);
  assert_true(exists("i/ipma.png"));
  path_of(path, sizeof path, "i/ipma.csv");
  f = fopen(path, "r");
  assert_non_null(f);
  int ipma_rows = 0;
  while (fgets(line, sizeof line, f)) ipma_rows += strncmp(line, "Loyalty,", 8) == 0;
  fclose(f);
  assert_int_equal(ipma_rows, 7);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_stage), cmocka_unit_test(test_product_indicator), cmocka_unit_test(test_orthogonal),
      cmocka_unit_test(test_hoc),       cmocka_unit_test(test_bootstrap),         cmocka_unit_test(test_cli_files),
      cmocka_unit_test(test_predict_loocv), cmocka_unit_test(test_predict_kfold),
      cmocka_unit_test(test_htmt_inference), cmocka_unit_test(test_ipma),
      cmocka_unit_test(test_stop_rules),     cmocka_unit_test(test_presets),
      cmocka_unit_test(test_mga),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
