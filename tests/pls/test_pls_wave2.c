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

#include "netlearn/plot.h"
#include "netlearn/pls.h"
#include "pls/seminr_ref.h"

#define MOBI NL_SOURCE_DIR "/tests/data/mobi.csv"

static int load_reference(void **state) {
  (void)state;
  return load_reference_file(NL_SOURCE_DIR "/tests/pls/seminr_reference_wave2.csv");
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

/* netlearn pls -o: simple_slopes.csv (the library's numbers) and the plot; a HOC's first-stage
 * weights in weights.csv; the slope figure refuses a construct that is not an interaction. */
static void test_cli_files(void **state) {
  (void)state;
  char dir[] = "/tmp/nl_pls_w2XXXXXX", cmd[1024], path[512], line[512];
  assert_non_null(mkdtemp(dir));
  snprintf(cmd, sizeof cmd, "'%s' pls '%s' '%s' -q -o '%s/m' --interaction orthogonal", NL_CLI,
           NL_SOURCE_DIR "/tests/pls/mobi_moderation.model", MOBI, dir);
  assert_int_equal(system(cmd), 0);
  snprintf(path, sizeof path, "%s/m/simple_slopes.csv", dir);
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
  snprintf(path, sizeof path, "%s/m/simple_slopes_Image_Expectation_Satisfaction.png", dir);
  f = fopen(path, "rb");
  assert_non_null(f);
  fclose(f);
  nl_figure *fig = nl_figure_new(NULL);
  assert_int_equal(nl_plot_pls_slopes(fig, p, y, y), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(fig), "not an interaction term"));
  nl_figure_free(fig);
  nl_plot_release_caches();
  nl_pls_free(p);
  snprintf(cmd, sizeof cmd, "'%s' pls '%s' '%s' -q -o '%s/h'", NL_CLI, NL_SOURCE_DIR "/tests/pls/mobi_hoc_a.model",
           MOBI, dir);
  assert_int_equal(system(cmd), 0);
  snprintf(path, sizeof path, "%s/h/weights.csv", dir);
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
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_stage), cmocka_unit_test(test_product_indicator), cmocka_unit_test(test_orthogonal),
      cmocka_unit_test(test_hoc),       cmocka_unit_test(test_bootstrap),         cmocka_unit_test(test_cli_files),
  };
  return cmocka_run_group_tests(tests, load_reference, free_reference);
}
