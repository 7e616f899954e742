#ifndef NL_TEST_PLS_SEMINR_REF_H
#define NL_TEST_PLS_SEMINR_REF_H
/*
 * Comparison with reference values computed by seminr (tests/pls/seminr_reference*.csv: rows
 * model,quantity,row,col,value; '#' lines are provenance comments). Shared by test_pls.c and
 * test_pls_wave2.c; include after cmocka.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlearn/pls.h"

#define TOL 1e-6

typedef struct ref_row {
  char model[32], quantity[32], row[32], col[32];
  double value;
} ref_row;

static ref_row *g_ref;
static size_t g_nref;

/* Load a reference file into g_ref / g_nref; 0 or -1. */
static int load_reference_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[512];
  size_t cap = 4096;
  g_ref = malloc(cap * sizeof *g_ref);
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || strncmp(line, "model,", 6) == 0) continue;
    if (g_nref == cap) g_ref = realloc(g_ref, (cap *= 2) * sizeof *g_ref);
    ref_row *r = &g_ref[g_nref];
    char *fld[5];
    char *s = line;
    for (int k = 0; k < 5; k++) {
      fld[k] = s;
      s = strpbrk(s, ",\n");
      if (s) *s++ = '\0';
    }
    snprintf(r->model, sizeof r->model, "%s", fld[0]);
    snprintf(r->quantity, sizeof r->quantity, "%s", fld[1]);
    snprintf(r->row, sizeof r->row, "%s", fld[2]);
    snprintf(r->col, sizeof r->col, "%s", fld[3]);
    r->value = strtod(fld[4], NULL);
    g_nref++;
  }
  fclose(f);
  return g_nref > 0 ? 0 : -1;
}

static int free_reference(void **state) {
  (void)state;
  free(g_ref);
  return 0;
}

static long cidx(const nl_pls *p, const char *name) {
  for (size_t j = 0; j < nl_pls_n_constructs(p); j++)
    if (strcmp(nl_pls_construct_name(p, j), name) == 0) return (long)j;
  return -1;
}

static long iidx(const nl_pls *p, const char *name) {
  for (size_t i = 0; i < nl_pls_n_indicators(p); i++)
    if (strcmp(nl_pls_indicator_name(p, i), name) == 0) return (long)i;
  return -1;
}

static nl_pls *fit(const char *model_file, const char *data_file, const nl_pls_options *opt) {
  nl_pls_model *m = NULL;
  nl_pls_data *d = NULL;
  nl_pls *p = NULL;
  assert_int_equal(nl_pls_model_read(model_file, &m), NL_OK);
  assert_int_equal(nl_pls_data_read(data_file, &d), NL_OK);
  nl_status st = nl_pls_prepare(m, d, opt, &p);
  if (st != NL_OK) fprintf(stderr, "%s\n", nl_pls_errmsg(p));
  assert_int_equal(st, NL_OK);
  st = nl_pls_estimate(p);
  if (st != NL_OK) fprintf(stderr, "%s\n", nl_pls_errmsg(p));
  assert_int_equal(st, NL_OK);
  nl_pls_model_free(m);
  nl_pls_data_free(d);
  return p;
}

/* Value of one reference quantity from our estimate. */
static double ours(const nl_pls *p, const ref_row *r) {
  const char *q = r->quantity;
  long a, b;
  if (!strcmp(q, "weight") || !strcmp(q, "loading") || !strcmp(q, "vif_outer")) {
    /* the dimensions of a higher-order construct are estimated in the first stage */
    if (iidx(p, r->col) < 0 && nl_pls_first_stage(p)) p = nl_pls_first_stage(p);
    a = iidx(p, r->col);
    assert_true(a >= 0);
    assert_int_equal(nl_pls_indicator_construct(p, (size_t)a), cidx(p, r->row));
    return !strcmp(q, "weight") ? nl_pls_weight(p, (size_t)a)
           : !strcmp(q, "loading") ? nl_pls_loading(p, (size_t)a)
                                   : nl_pls_vif_outer(p, (size_t)a);
  }
  if (!strcmp(q, "cross_loading")) return nl_pls_cross_loading(p, (size_t)iidx(p, r->row), (size_t)cidx(p, r->col));
  if (!strcmp(q, "iterations")) return nl_pls_iterations(p);
  if (!strcmp(q, "first_stage_iterations")) return nl_pls_iterations(nl_pls_first_stage(p));
  if (!strcmp(q, "nobs")) return (double)nl_pls_nobs(p);
  if (!strcmp(q, "score")) return nl_pls_score(p, (size_t)atol(r->row) - 1, (size_t)cidx(p, r->col));
  a = cidx(p, r->row);
  assert_true(a >= 0);
  if (!strcmp(q, "rsq")) return nl_pls_rsq(p, (size_t)a);
  if (!strcmp(q, "adj_rsq")) return nl_pls_adj_rsq(p, (size_t)a);
  if (!strcmp(q, "alpha")) return nl_pls_alpha(p, (size_t)a);
  if (!strcmp(q, "rho_c")) return nl_pls_rho_c(p, (size_t)a);
  if (!strcmp(q, "ave")) return nl_pls_ave(p, (size_t)a);
  if (!strcmp(q, "rho_a")) return nl_pls_rho_a(p, (size_t)a);
  b = cidx(p, r->col);
  assert_true(b >= 0);
  if (!strcmp(q, "path")) return nl_pls_path(p, (size_t)a, (size_t)b);
  if (!strcmp(q, "total_effect")) return nl_pls_total_effect(p, (size_t)a, (size_t)b);
  if (!strcmp(q, "indirect_effect")) return nl_pls_indirect_effect(p, (size_t)a, (size_t)b);
  if (!strcmp(q, "htmt")) return nl_pls_htmt(p, (size_t)a, (size_t)b);
  if (!strcmp(q, "f2")) return nl_pls_f2(p, (size_t)a, (size_t)b);
  if (!strcmp(q, "vif_inner")) return nl_pls_vif_inner(p, (size_t)a, (size_t)b);
  if (!strcmp(q, "fornell_larcker"))
    return a == b ? sqrt(nl_pls_ave(p, (size_t)a)) : nl_pls_construct_cor(p, (size_t)a, (size_t)b);
  fail_msg("unknown reference quantity %s", q);
  return NAN;
}

static void compare(const char *model, const nl_pls *p) {
  char qs[32][32];
  double maxdev[32];
  size_t nq = 0, nrows = 0;
  for (size_t k = 0; k < g_nref; k++) {
    const ref_row *r = &g_ref[k];
    if (strcmp(r->model, model) != 0) continue;
    double v = ours(p, r), dev = fabs(v - r->value);
    double tol = TOL;
    if (!strcmp(r->quantity, "iterations") || !strcmp(r->quantity, "first_stage_iterations")) tol = 0;
    if (!(dev <= tol))
      fail_msg("%s %s[%s,%s]: netlearn %.12g, seminr %.12g (|diff| %.3g)", model, r->quantity, r->row, r->col, v,
               r->value, dev);
    size_t q = 0;
    while (q < nq && strcmp(qs[q], r->quantity) != 0) q++;
    if (q == nq) {
      snprintf(qs[nq], sizeof qs[nq], "%s", r->quantity);
      maxdev[nq++] = 0;
    }
    if (dev > maxdev[q]) maxdev[q] = dev;
    nrows++;
  }
  assert_true(nrows > 50);
  printf("  %s: %zu reference values; max |netlearn - seminr|:", model, nrows);
  for (size_t q = 0; q < nq; q++) printf(" %s %.1e", qs[q], maxdev[q]);
  printf("\n");
}

#endif
