/*
 * A study's statistics and stylized facts (docs/study.md "Stylized facts"): the facts of one
 * replication from the firm rows, their descriptions, their summary across replications, and the
 * small statistics (quantile, Pearson r) that the runs, the tables and the report share. Calls no
 * other file of the study.
 */
#include <math.h>
#include <stddef.h>

#include "core/stats.h"
#include "study/study_impl.h"

double nl_study_quantile(const double *sorted, size_t n, double q) {
  if (n == 0) return NAN;
  double h = (double)(n - 1) * q;
  size_t lo = (size_t)floor(h);
  if (lo + 1 >= n) return sorted[n - 1];
  return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

double nl_study_pearson(const double *x, const double *y, size_t n) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; i++) mx += x[i], my += y[i];
  mx /= (double)n;
  my /= (double)n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

static const char *const field_names[SF_N] = {
    [SF_EXPLORE] = "explore", [SF_EXPLOIT] = "exploit", [SF_PROD_COINNO] = "product_coinnovation",
    [SF_PROC_COINNO] = "process_coinnovation", [SF_PROC_INNO] = "internal_innovation_process",
    [SF_STRENGTH] = "strength", [SF_KAPPA] = "kappa", [SF_EXPLORATIVE] = "explorative_changes",
    [SF_EXPLOITATIVE] = "exploitative_changes", [SF_EXPLOR_SW] = "explorative_after_switch",
    [SF_EXPLOIT_SW] = "exploitative_after_switch", [SF_SIZE] = "size", [SF_FORMAL] = "formal"};

void nl_study_bind_fields(nl_study *s, const nl_model *m) {
  s->facts_ok = 1;
  for (int k = 0; k < SF_N; k++) {
    s->fcol[k] = nl_model_unit_field_index(m, field_names[k]);
    if (s->fcol[k] < 0) s->facts_ok = 0;
  }
}

/* Facts of one replication from the unit rows (all units, not only the sample). */
void nl_study_facts(const nl_study *s, double *out, size_t F, const double *a, const double *b, double *x, double *y) {
  if (!s->facts_ok) {
    for (int k = 0; k < NL_FACT_N; k++) out[k] = NAN;
    return;
  }
  size_t NF = s->sv.stride;
  const long *c = s->fcol;
#define B(f, col) b[(f) * NF + (size_t)(col)]
#define W(f, col) (B(f, col) - a[(f) * NF + (size_t)(col)])
  struct {
    int k;
    long xc, yc;
    int xw, yw;
  } pairs[] = {
      {NL_FACT_X_PROD, c[SF_EXPLORE], c[SF_PROD_COINNO], 0, 1},
      {NL_FACT_PROD_STR, c[SF_PROD_COINNO], c[SF_STRENGTH], 1, 0},
      {NL_FACT_X_STR, c[SF_EXPLORE], c[SF_STRENGTH], 0, 0},
      {NL_FACT_E_PROC, c[SF_EXPLOIT], -1, 0, 1},
      {NL_FACT_E_STR, c[SF_EXPLOIT], c[SF_STRENGTH], 0, 0},
      {NL_FACT_KAPPA_PROD, c[SF_KAPPA], c[SF_PROD_COINNO], 0, 1},
  };
  for (size_t q = 0; q < sizeof pairs / sizeof pairs[0]; q++) {
    for (size_t f = 0; f < F; f++) {
      x[f] = pairs[q].xw ? W(f, pairs[q].xc) : B(f, pairs[q].xc);
      if (pairs[q].yc < 0) y[f] = W(f, c[SF_PROC_COINNO]) + W(f, c[SF_PROC_INNO]);
      else y[f] = pairs[q].yw ? W(f, pairs[q].yc) : B(f, pairs[q].yc);
    }
    out[pairs[q].k] = nl_study_pearson(x, y, F);
  }
  double esw = 0, xsw = 0, ex = 0, xt = 0;
  for (size_t f = 0; f < F; f++) {
    esw += B(f, c[SF_EXPLOR_SW]);
    xsw += B(f, c[SF_EXPLOIT_SW]);
    ex += B(f, c[SF_EXPLORATIVE]);
    xt += B(f, c[SF_EXPLOITATIVE]);
  }
  double within = (ex - esw) + (xt - xsw);
  out[NL_FACT_SWITCH] = esw + xsw > 0 && within > 0 ? esw / (esw + xsw) - (ex - esw) / within : NAN;
#undef B
#undef W
}

static const char *const fact_names[NL_FACT_N] = {
    "1a", "1b", "1c", "2a", "2b", "3", "5", "4", "6",
};

const char *nl_study_fact_name(int k) { return k >= 0 && k < NL_FACT_N ? fact_names[k] : ""; }

static const study_fact_info fact_info[NL_FACT_N] = {
    {"1a", "000", "exploration drives product co-innovation", "r(x_f, product co-innovation in the window)", 1},
    {"1b", "000", "product co-innovation goes with network collaboration",
     "r(product co-innovation in the window, tie strength)", 1},
    {"1c", "000", "exploration goes with network collaboration", "r(x_f, tie strength)", 1},
    {"2a", "000", "exploitation drives process innovation", "r(e_f, process improvements in the window)", 1},
    {"2b", "000", "exploitation lowers networking", "r(e_f, tie strength)", -1},
    {"3", "004", "switching between levels goes with exploration, learning within a level with exploitation",
     "explorative share of code changes after a switch between levels minus within a level", 1},
    {"5", "002", "effective (collaborative) learning goes with exploring market opportunities",
     "r(kappa_f, product co-innovation in the window)", 1},
    {"4", "001", "capability is built only where individuals translate and firms amplify",
     "capability growth (kappa - kappa0, mean over firms) with translation and amplification minus the larger of "
     "the growths without translation (tau = 0) and without amplification (alpha = 0)",
     1},
    {"6", "003", "formal and informal processes both matter",
     "co-innovation per firm (whole run) with both processes minus the larger with informal only "
     "(formal_networks = 0) or formal only (p_inf = 0)",
     1},
};

const study_fact_info *nl_study_fact(int k) { return k >= 0 && k < NL_FACT_N ? &fact_info[k] : NULL; }

void nl_study_fact_summary(const nl_study *s, size_t pi, int k, study_fact_sum *o) {
  const study_point *pt = &s->pt[pi];
  double m = 0, ss = 0;
  long n = 0, right = 0;
  for (long r = 0; r < s->R; r++) {
    double v = pt->rep[r].facts[k];
    if (!isfinite(v)) continue;
    m += v;
    n++;
    right += v * fact_info[k].sign > 0;
  }
  m = n ? m / (double)n : NAN;
  for (long r = 0; r < s->R; r++) {
    double v = pt->rep[r].facts[k];
    if (isfinite(v)) ss += (v - m) * (v - m);
  }
  o->n = n;
  o->right = right;
  o->mean = m;
  o->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
  double half = n > 1 ? nl_t_quantile(0.975, (double)(n - 1)) * o->sd / sqrt((double)n) : NAN;
  o->lo = m - half;
  o->hi = m + half;
  int sign = fact_info[k].sign;
  if (!(n > 1)) o->verdict = "absent";
  else if (sign > 0 ? o->lo > 0 : o->hi < 0)
    o->verdict = fabs(m) < 0.1 && k != NL_FACT_SWITCH && k != NL_FACT_CAPABILITY && k != NL_FACT_FORMAL ? "weak" : "holds";
  else if (sign > 0 ? o->hi < 0 : o->lo > 0) o->verdict = "opposite";
  else o->verdict = "absent";
}

