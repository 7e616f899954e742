/*
 * PLS-SEM engine tests:
 *  - agreement with seminr 2.3.1 on the two reference datasets/models (seminr_reference.csv,
 *    produced by seminr itself; see the provenance comment at its top), tolerance 1e-6;
 *  - recovery of known paths from data simulated from a population model;
 *  - bootstrap: determinism across thread counts, sanity of SE/CI, BCa;
 *  - CSV reader dialect.
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
#include "io/csvread.h"
#include "netlearn/pls.h"
#include "core/stats.h"
#include "pls/pls_internal.h"

#include "pls/seminr_ref.h"

static int load_reference(void **state) {
  (void)state;
  return load_reference_file(NL_SOURCE_DIR "/tests/pls/seminr_reference.csv");
}

static void test_mobi_reference(void **state) {
  (void)state;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi.model", NL_DATA_DIR "/mobi.csv", NULL);
  compare("mobi", p);
  nl_pls_free(p);
}

static void test_mobi_factorial_reference(void **state) {
  (void)state;
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.scheme = NL_PLS_SCHEME_FACTORIAL;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi.model", NL_DATA_DIR "/mobi.csv", &o);
  compare("mobi_factorial", p);
  nl_pls_free(p);
}

static void test_mobi_plsc_reference(void **state) {
  (void)state;
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.consistent = 1;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi.model", NL_DATA_DIR "/mobi.csv", &o);
  compare("mobi_plsc", p);
  nl_pls_free(p);
}

static void test_mobi_centroid_reference(void **state) {
  (void)state;
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.scheme = NL_PLS_SCHEME_CENTROID;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi.model", NL_DATA_DIR "/mobi.csv", &o);
  compare("mobi_centroid", p);
  nl_pls_free(p);
}

static void test_corp_rep_reference(void **state) {
  (void)state;
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.has_na_code = 1;
  o.na_code = -99;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/corp_rep.model", NL_DATA_DIR "/corp_rep_data.csv", &o);
  compare("corp_rep", p);
  nl_pls_free(p);
  o.missing = NL_PLS_MISSING_CASEWISE;
  p = fit(NL_SOURCE_DIR "/tests/pls/corp_rep.model", NL_DATA_DIR "/corp_rep_data.csv", &o);
  compare("corp_rep_casewise", p);
  nl_pls_free(p);
  o.missing = NL_PLS_MISSING_MEAN;
  o.consistent = 1;
  p = fit(NL_SOURCE_DIR "/tests/pls/corp_rep.model", NL_DATA_DIR "/corp_rep_data.csv", &o);
  compare("corp_rep_plsc", p);
  nl_pls_free(p);
}

/*
 * Population model: X -> M -> Y and X -> Y with standardized latent variables, each measured by
 * three reflective indicators with loading 0.9 (Mode A), and a formative construct F (three
 * uncorrelated indicators, true weights 0.6, 0.5, 0.62 normalised) -> Y. With n = 2000 the
 * sampling SD of a path is about 0.02; the criterion is |estimate - true| < 0.06 (3 SD) for every
 * path, with PLS (whose Mode A composites attenuate paths by their reliability, about 0.96 here)
 * and with PLSc, and PLSc (which removes the attenuation) must be closer in total than PLS.
 */
static void test_population_recovery(void **state) {
  (void)state;
  const size_t n = 2000, ncol = 12;
  const double a = 0.5, bmy = 0.3, bxy = 0.2, bfy = 0.25, lam = 0.9;
  double *x = malloc(n * ncol * sizeof *x);
  const char *names[] = {"x1", "x2", "x3", "m1", "m2", "m3", "y1", "y2", "y3", "f1", "f2", "f3"};
  nl_rng r;
  nl_rng_init(&r, 2024, 0, NL_RNG_PURPOSE_USER, 0);
  double fw[3] = {0.6, 0.5, 0.62}, fn = sqrt(0.36 + 0.25 + 0.3844);
  for (size_t i = 0; i < n; i++) {
    double f1 = nl_rng_normal(&r), f2 = nl_rng_normal(&r), f3 = nl_rng_normal(&r);
    double F = (fw[0] * f1 + fw[1] * f2 + fw[2] * f3) / fn;
    double X = nl_rng_normal(&r);
    double M = a * X + sqrt(1 - a * a) * nl_rng_normal(&r);
    /* Y = bxy X + bmy M + bfy F + e, with var(Y) = 1 (F independent of X, M) */
    double vy = bxy * bxy + bmy * bmy + 2 * bxy * bmy * a + bfy * bfy;
    double Y = bxy * X + bmy * M + bfy * F + sqrt(1 - vy) * nl_rng_normal(&r);
    double lat[3] = {X, M, Y};
    for (int c = 0; c < 3; c++)
      for (int k = 0; k < 3; k++) x[(size_t)(3 * c + k) * n + i] = lam * lat[c] + sqrt(1 - lam * lam) * nl_rng_normal(&r);
    x[9 * n + i] = f1;
    x[10 * n + i] = f2;
    x[11 * n + i] = f3;
  }
  const char *model = "X =~ x1 + x2 + x3\nM =~ m1 + m2 + m3\nY =~ y1 + y2 + y3\nF <~ f1 + f2 + f3\n"
                      "M ~ X\nY ~ X + M + F\n";
  nl_pls_model *m = NULL;
  nl_pls_data *d = NULL;
  assert_int_equal(nl_pls_model_parse(model, "sim", &m), NL_OK);
  assert_int_equal(nl_pls_data_from_matrix(x, n, ncol, names, &d), NL_OK);
  double dev_pls = 0, dev_plsc = 0;
  for (int consistent = 0; consistent <= 1; consistent++) {
    nl_pls_options o;
    nl_pls_options_default(&o);
    o.consistent = consistent;
    nl_pls *p = NULL;
    assert_int_equal(nl_pls_prepare(m, d, &o, &p), NL_OK);
    assert_int_equal(nl_pls_estimate(p), NL_OK);
    double truth[4] = {a, bxy, bmy, bfy};
    double est[4] = {nl_pls_path(p, 0, 1), nl_pls_path(p, 0, 2), nl_pls_path(p, 1, 2), nl_pls_path(p, 3, 2)};
    for (int k = 0; k < 4; k++) {
      double dev = fabs(est[k] - truth[k]);
      assert_true(dev < 0.06);
      if (consistent) dev_plsc += dev;
      else dev_pls += dev;
    }
    /* formative weights recover the true weights (standardized composite) */
    for (int k = 0; k < 3; k++) assert_true(fabs(nl_pls_weight(p, 9 + (size_t)k) - fw[k] / fn) < 0.08);
    /* indirect effect X -> M -> Y */
    assert_true(fabs(nl_pls_indirect_effect(p, 0, 2) - a * bmy) < 0.05);
    nl_pls_free(p);
  }
  assert_true(dev_plsc < dev_pls);
  nl_pls_model_free(m);
  nl_pls_data_free(d);
  free(x);
}

static void test_bootstrap_threads_identical(void **state) {
  (void)state;
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.has_na_code = 1;
  o.na_code = -99;
  nl_pls *p1 = fit(NL_SOURCE_DIR "/tests/pls/corp_rep.model", NL_DATA_DIR "/corp_rep_data.csv", &o);
  nl_pls *p2 = fit(NL_SOURCE_DIR "/tests/pls/corp_rep.model", NL_DATA_DIR "/corp_rep_data.csv", &o);
  nl_pls_boot_options b;
  nl_pls_boot_options_default(&b);
  b.nboot = 200;
  b.seed = 42;
  b.threads = 1;
  assert_int_equal(nl_pls_bootstrap(p1, &b), NL_OK);
  b.threads = 3;
  assert_int_equal(nl_pls_bootstrap(p2, &b), NL_OK);
  assert_int_equal(nl_pls_boot_n(p1), nl_pls_boot_n(p2));
  for (size_t r = 0; r < nl_pls_boot_n(p1); r++)
    for (size_t k = 0; k < nl_pls_n_paths(p1); k++) {
      size_t f, t;
      nl_pls_path_ends(p1, k, &f, &t);
      double v1 = nl_pls_boot_value(p1, NL_PLS_Q_PATH, f, t, r), v2 = nl_pls_boot_value(p2, NL_PLS_Q_PATH, f, t, r);
      assert_true(v1 == v2);
    }
  for (size_t i = 0; i < nl_pls_n_indicators(p1); i++) {
    nl_pls_boot_stat s1, s2;
    assert_int_equal(nl_pls_boot_get(p1, NL_PLS_Q_WEIGHT, i, 0, &s1), NL_OK);
    assert_int_equal(nl_pls_boot_get(p2, NL_PLS_Q_WEIGHT, i, 0, &s2), NL_OK);
    assert_memory_equal(&s1, &s2, sizeof s1);
  }
  /* a different seed gives different resamples */
  b.seed = 43;
  assert_int_equal(nl_pls_bootstrap(p2, &b), NL_OK);
  assert_true(nl_pls_boot_value(p1, NL_PLS_Q_PATH, 4, 7, 0) != nl_pls_boot_value(p2, NL_PLS_Q_PATH, 4, 7, 0));
  nl_pls_free(p1);
  nl_pls_free(p2);
}

static int count_progress(void *user, long done, long total) {
  long *c = user;
  c[0]++;
  c[1] = done;
  assert_true(done <= total);
  return 0;
}

static int cancel_progress(void *user, long done, long total) {
  (void)user;
  (void)total;
  return done >= 20;
}

static void test_bootstrap_statistics(void **state) {
  (void)state;
  nl_pls *p = fit(NL_SOURCE_DIR "/tests/pls/mobi.model", NL_DATA_DIR "/mobi.csv", NULL);
  nl_pls_boot_options b;
  nl_pls_boot_options_default(&b);
  b.nboot = 300;
  b.seed = 7;
  b.threads = 2;
  assert_int_equal(nl_pls_bootstrap(p, &b), NL_OK);
  assert_int_equal(nl_pls_boot_n(p) + nl_pls_boot_failed(p), 300);
  long sat = cidx(p, "Satisfaction"), loy = cidx(p, "Loyalty"), img = cidx(p, "Image");
  nl_pls_boot_stat s;
  assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_PATH, (size_t)sat, (size_t)loy, &s), NL_OK);
  /* recompute the summary from the stored resamples */
  double sum = 0, ss = 0;
  size_t nb = nl_pls_boot_n(p);
  for (size_t r = 0; r < nb; r++) sum += nl_pls_boot_value(p, NL_PLS_Q_PATH, (size_t)sat, (size_t)loy, r);
  double mean = sum / (double)nb;
  for (size_t r = 0; r < nb; r++) {
    double v = nl_pls_boot_value(p, NL_PLS_Q_PATH, (size_t)sat, (size_t)loy, r) - mean;
    ss += v * v;
  }
  assert_true(fabs(s.mean - mean) < 1e-12);
  assert_true(fabs(s.sd - sqrt(ss / (double)(nb - 1))) < 1e-12);
  assert_true(fabs(s.original - nl_pls_path(p, (size_t)sat, (size_t)loy)) < 1e-15);
  assert_true(fabs(s.t - s.original / s.sd) < 1e-12);
  /* Satisfaction -> Loyalty is strong (about 0.5): SE small, significant, CI contains estimate */
  assert_true(s.sd > 0.02 && s.sd < 0.12);
  assert_true(s.p < 1e-6);
  assert_true(s.lo < s.original && s.original < s.hi);
  /* percentile CI: about 95% of resamples inside */
  size_t inside = 0;
  for (size_t r = 0; r < nb; r++) {
    double v = nl_pls_boot_value(p, NL_PLS_Q_PATH, (size_t)sat, (size_t)loy, r);
    inside += v >= s.lo && v <= s.hi;
  }
  assert_true(inside >= (size_t)(0.94 * (double)nb) && inside <= (size_t)(0.96 * (double)nb) + 1);
  /* specific indirect effect Image -> Satisfaction -> Loyalty exists and is bootstrapped */
  int found = 0;
  for (size_t k = 0; k < nl_pls_n_specific(p); k++) {
    size_t len;
    const size_t *c = nl_pls_specific_chain(p, k, &len);
    if (len == 3 && c[0] == (size_t)img && c[1] == (size_t)sat && c[2] == (size_t)loy) {
      assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_SPECIFIC, k, 0, &s), NL_OK);
      assert_true(fabs(s.original - nl_pls_path(p, (size_t)img, (size_t)sat) * nl_pls_path(p, (size_t)sat, (size_t)loy)) <
                  1e-14);
      found = 1;
    }
  }
  assert_true(found);
  /* HTMT and total effects are available; HTMT is symmetric in its arguments */
  nl_pls_boot_stat h1, h2;
  assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_HTMT, 0, 1, &h1), NL_OK);
  assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_HTMT, 1, 0, &h2), NL_OK);
  assert_memory_equal(&h1, &h2, sizeof h1);
  assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_TOTAL, (size_t)img, (size_t)loy, &s), NL_OK);
  assert_true(fabs(s.original - nl_pls_total_effect(p, (size_t)img, (size_t)loy)) < 1e-12);
  assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_PATH, (size_t)loy, (size_t)img, &s), NL_EINVAL);

  /* progress reaches the total; a non-zero return cancels */
  long calls[2] = {0, 0};
  b.progress = count_progress;
  b.progress_user = calls;
  assert_int_equal(nl_pls_bootstrap(p, &b), NL_OK);
  assert_true(calls[0] >= 1 && calls[1] == 300);
  b.progress = cancel_progress;
  assert_int_equal(nl_pls_bootstrap(p, &b), NL_ECANCELED);
  assert_non_null(strstr(nl_pls_errmsg(p), "bootstrap canceled"));
  assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_PATH, (size_t)sat, (size_t)loy, &s), NL_EINVAL);
  b.progress = NULL;
  assert_int_equal(nl_pls_bootstrap(p, &b), NL_OK);

  /* BCa: same resamples, different interval, still around the estimate */
  b.ci = NL_PLS_CI_BCA;
  nl_pls_boot_stat pc;
  assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_PATH, (size_t)sat, (size_t)loy, &pc), NL_OK);
  assert_int_equal(nl_pls_bootstrap(p, &b), NL_OK);
  assert_int_equal(nl_pls_boot_get(p, NL_PLS_Q_PATH, (size_t)sat, (size_t)loy, &s), NL_OK);
  assert_true(s.sd == pc.sd);
  assert_true(s.lo < s.original && s.original < s.hi);
  assert_true(fabs(s.lo - pc.lo) < 0.05 && fabs(s.hi - pc.hi) < 0.05);
  nl_pls_free(p);
}

static void test_csv_dialect(void **state) {
  (void)state;
  nl_errbuf e;
  nl_csv_table *t = NULL;
  const char *txt = "\xEF\xBB\xBF\"a\";b;\"c \"\"q\"\"\"\r\n1,5;NA;3\r\n\r\n\"2\";;-99\n";
  nl_csv_options o = {1, -99};
  assert_int_equal(nl_csv_parse(txt, strlen(txt), "t.csv", &o, &t, &e), NL_OK);
  assert_int_equal(t->ncol, 3);
  assert_int_equal(t->nrow, 2);
  assert_string_equal(t->names[2], "c \"q\"");
  assert_true(t->x[0] == 1.5 && t->x[1] == 2.0);
  assert_true(isnan(t->x[2]) && isnan(t->x[3]));
  assert_true(t->x[4] == 3.0 && isnan(t->x[5]));
  nl_csv_table_free(t);
  const char *bad = "a,b\n1,x1\n2,3\n";
  assert_int_equal(nl_csv_parse(bad, strlen(bad), "t.csv", NULL, &t, &e), NL_OK);
  assert_int_equal(t->bad_line[1], 2);
  assert_int_equal(t->bad_col[1], 3);
  nl_csv_table_free(t);
  const char *ragged = "a,b\n1,2\n3\n";
  assert_int_equal(nl_csv_parse(ragged, strlen(ragged), "t.csv", NULL, &t, &e), NL_EPARSE);
  assert_non_null(strstr(e.msg, "t.csv:3:1:"));
  const char *quote = "a,b\n1,\"2\n";
  assert_int_equal(nl_csv_parse(quote, strlen(quote), "t.csv", NULL, &t, &e), NL_EPARSE);
  assert_non_null(strstr(e.msg, "t.csv:2:3: unterminated"));
}

/*
 * Bootstrap summaries equal seminr's on identical resamples (seminr_bootstrap_reference.csv: seminr's
 * per-resample estimation, including mean replacement inside each resample, run on the resamples
 * netlearn draws with seed 42). Tolerance 1e-6 on original, mean, SD, t, p and the percentile CI.
 */
static void check_bootstrap_reference(const char *model, const char *data, const nl_pls_options *o,
                                      const char *ref, size_t want_rows) {
  nl_pls *p = fit(model, data, o);
  nl_pls_boot_options b;
  nl_pls_boot_options_default(&b);
  b.nboot = 100;
  b.seed = 42;
  b.threads = 2;
  assert_int_equal(nl_pls_bootstrap(p, &b), NL_OK);
  assert_int_equal(nl_pls_boot_n(p), 100);
  FILE *f = fopen(ref, "r");
  assert_non_null(f);
  char line[1024];
  size_t rows = 0;
  double maxdev[7] = {0};
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || strncmp(line, "quantity,", 9) == 0) continue;
    char *fld[10], *s2 = line;
    for (int k = 0; k < 10; k++) {
      fld[k] = s2;
      s2 = strpbrk(s2, ",\n");
      if (s2) *s2++ = '\0';
    }
    nl_pls_boot_stat st;
    nl_status rc;
    if (!strcmp(fld[0], "weight") || !strcmp(fld[0], "loading")) {
      long i = iidx(p, fld[1]);
      assert_int_equal(nl_pls_indicator_construct(p, (size_t)i), cidx(p, fld[2]));
      rc = nl_pls_boot_get(p, !strcmp(fld[0], "weight") ? NL_PLS_Q_WEIGHT : NL_PLS_Q_LOADING, (size_t)i, 0, &st);
    } else {
      nl_pls_quantity q = !strcmp(fld[0], "path") ? NL_PLS_Q_PATH : !strcmp(fld[0], "htmt") ? NL_PLS_Q_HTMT : NL_PLS_Q_TOTAL;
      rc = nl_pls_boot_get(p, q, (size_t)cidx(p, fld[1]), (size_t)cidx(p, fld[2]), &st);
    }
    assert_int_equal(rc, NL_OK);
    double ours_v[7] = {st.original, st.mean, st.sd, st.t, st.p, st.lo, st.hi};
    for (int k = 0; k < 7; k++) {
      double want = strcmp(fld[3 + k], "NA") ? strtod(fld[3 + k], NULL) : NAN;
      if (isnan(want)) {
        if (!isnan(ours_v[k])) fail_msg("%s %s %s stat %d: want NA, got %g", fld[0], fld[1], fld[2], k, ours_v[k]);
        continue;
      }
      double dev = fabs(ours_v[k] - want);
      if (!(dev <= TOL)) fail_msg("%s %s %s stat %d: netlearn %.12g, seminr %.12g", fld[0], fld[1], fld[2], k, ours_v[k], want);
      if (dev > maxdev[k]) maxdev[k] = dev;
    }
    rows++;
  }
  fclose(f);
  assert_int_equal(rows, want_rows);
  printf("  bootstrap %s (100 resamples): max |netlearn - seminr|: original %.1e mean %.1e sd %.1e t %.1e p %.1e "
         "ci_lower %.1e ci_upper %.1e\n", strrchr(ref, '/') + 1, maxdev[0], maxdev[1], maxdev[2], maxdev[3], maxdev[4],
         maxdev[5], maxdev[6]);
  nl_pls_free(p);
}

/*
 * Bootstrap summaries equal seminr's on identical resamples (seminr's per-resample estimation run on
 * the resamples netlearn draws with seed 42): corp_rep with mean replacement redone inside each
 * resample, and mobi with PLSc (some resamples have an indefinite disattenuated correlation matrix,
 * which seminr still solves). Tolerance 1e-6 on original, mean, SD, t, p and the percentile CI.
 */
static void test_bootstrap_reference(void **state) {
  (void)state;
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.has_na_code = 1;
  o.na_code = -99;
  check_bootstrap_reference(NL_SOURCE_DIR "/tests/pls/corp_rep.model", NL_DATA_DIR "/corp_rep_data.csv", &o,
                            NL_SOURCE_DIR "/tests/pls/seminr_bootstrap_reference.csv", 124);
  nl_pls_options_default(&o);
  o.consistent = 1;
  check_bootstrap_reference(NL_SOURCE_DIR "/tests/pls/mobi.model", NL_DATA_DIR "/mobi.csv", &o,
                            NL_SOURCE_DIR "/tests/pls/seminr_bootstrap_reference_plsc.csv", 102);
}

/* Distribution helpers against values printed by R 4.2.2 (pt, qnorm, quantile type 7). */
static void test_distributions(void **state) {
  (void)state;
  assert_true(fabs(pls_t_sf2(2.0, 10) - 0.073388034770740393) < 1e-13);
  assert_true(fabs(pls_t_sf2(-0.5, 499) - 0.61729549078446078) < 1e-13);
  assert_true(fabs(pls_t_sf2(4.2, 4999) / 2.715598144917178e-05 - 1) < 1e-10);
  assert_true(fabs(nl_normal_quantile(0.975) - 1.9599639845400536) < 1e-14);
  assert_true(fabs(nl_normal_quantile(1e-10) + 6.3613409024040557) < 1e-12);
  assert_true(fabs(nl_normal_quantile(0.3) + 0.52440051270804067) < 1e-14);
  assert_true(fabs(nl_normal_cdf(1.9599639845400536) - 0.975) < 1e-14);
  const double x[7] = {5, 1, 4, 2, 3, 9, 7};
  const double probs[4] = {0.025, 0.5, 0.975, 0.333}, want[4] = {1.15, 4.0, 8.7, 2.998};
  for (int k = 0; k < 4; k++) {
    double y[7];
    memcpy(y, x, sizeof y);
    assert_true(fabs(pls_quantile7_select(y, 7, probs[k]) - want[k]) < 1e-12);
  }
  /* selection agrees with sorting on random data with ties */
  nl_rng r;
  nl_rng_init(&r, 3, 0, NL_RNG_PURPOSE_USER, 2);
  for (int rep = 0; rep < 200; rep++) {
    size_t n = 1 + (size_t)nl_rng_below(&r, 300);
    double a[300], b[300];
    for (size_t i = 0; i < n; i++) a[i] = b[i] = (double)nl_rng_below(&r, 20);
    for (size_t i = 1; i < n; i++)
      for (size_t j = i; j > 0 && b[j - 1] > b[j]; j--) {
        double t = b[j];
        b[j] = b[j - 1];
        b[j - 1] = t;
      }
    double pr = nl_rng_uniform(&r);
    assert_true(pls_quantile7_select(a, n, pr) == pls_quantile7(b, n, pr));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mobi_reference),
      cmocka_unit_test(test_mobi_factorial_reference),
      cmocka_unit_test(test_mobi_plsc_reference),
      cmocka_unit_test(test_mobi_centroid_reference),
      cmocka_unit_test(test_corp_rep_reference),
      cmocka_unit_test(test_population_recovery),
      cmocka_unit_test(test_bootstrap_threads_identical),
      cmocka_unit_test(test_bootstrap_reference),
      cmocka_unit_test(test_bootstrap_statistics),
      cmocka_unit_test(test_csv_dialect),
      cmocka_unit_test(test_distributions),
  };
  return cmocka_run_group_tests(tests, load_reference, free_reference);
}
