/* The virtual survey: constructs from coopnet's per-firm rows, Likert items (docs/survey.md). */
#include "survey/survey.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rng.h"
#include "models/coopnet/coopnet.h"

static const char *const names[NL_SV_NCON] = {"EXPLORE", "EXPLOIT", "PRODINNO", "PROCINNO", "NETCOLLAB"};

void nl_survey_spec_default(nl_survey_spec *sp) {
  memset(sp, 0, sizeof *sp);
  sp->sample = 90;
  sp->noise = 1.0;
  static const double thr[NL_SV_LIKERT - 1] = {-1.5, -1.0, -0.5, 0.5, 1.0, 1.5};
  memcpy(sp->thr, thr, sizeof thr);
  for (int c = 0; c < NL_SV_NCON; c++) {
    sp->use[c] = 1;
    sp->cnoise[c] = 1.0;
    sp->nitem[c] = 3;
    sp->load[c][0] = 0.85;
    sp->load[c][1] = 0.80;
    sp->load[c][2] = 0.75;
  }
  sp->nitem[NL_SV_EXPLORE] = sp->nitem[NL_SV_NETCOLLAB] = 4;
  sp->load[NL_SV_EXPLORE][3] = sp->load[NL_SV_NETCOLLAB][3] = 0.70;
  sp->process = NL_SV_PROC_TOTAL;
}

const char *nl_survey_construct_name(int c) { return c >= 0 && c < NL_SV_NCON ? names[c] : NULL; }

int nl_survey_construct_find(const char *name) {
  for (int c = 0; c < NL_SV_NCON; c++)
    if (!strcmp(name, names[c])) return c;
  return -1;
}

const char *nl_survey_construct_doc(const nl_survey_spec *sp, int c) {
  switch (c) {
  case NL_SV_EXPLORE: return "exploration orientation x_f (a trait of the firm)";
  case NL_SV_EXPLOIT: return "exploitation orientation e_f (a trait of the firm)";
  case NL_SV_PRODINNO: return "product co-innovation: product improvements of the firm's code from outside, over the window";
  case NL_SV_PROCINNO:
    if (sp->process == NL_SV_PROC_CO) return "process co-innovation: process improvements of the code from outside, over the window";
    if (sp->process == NL_SV_PROC_INTERNAL) return "internal process innovation: process improvements of the code from inside, over the window";
    return "process innovation: every process improvement of the firm's code (from inside or outside), over the window";
  case NL_SV_NETCOLLAB: return "network collaboration: the firm's tie strength (sum of its informal ties' trust) at the survey period";
  default: return "";
  }
}

void nl_survey_item_name(int c, size_t k, char *buf, size_t cap) {
  char low[16];
  size_t i = 0;
  for (const char *p = names[c]; *p && i + 1 < sizeof low; p++) low[i++] = (char)tolower((unsigned char)*p);
  low[i] = '\0';
  snprintf(buf, cap, "%s%zu", low, k + 1);
}

size_t nl_survey_nitems(const nl_survey_spec *sp) {
  size_t n = 0;
  for (int c = 0; c < NL_SV_NCON; c++)
    if (sp->use[c]) n += sp->nitem[c];
  return n;
}

double nl_survey_value(const nl_survey_spec *sp, int c, const double *ra, const double *rb) {
#define WIN(col) (rb[col] - ra[col])
  switch (c) {
  case NL_SV_EXPLORE: return rb[NL_CN_FIRM_EXPLORE];
  case NL_SV_EXPLOIT: return rb[NL_CN_FIRM_EXPLOIT];
  case NL_SV_PRODINNO: return WIN(NL_CN_FIRM_PROD_COINNO);
  case NL_SV_PROCINNO:
    if (sp->process == NL_SV_PROC_CO) return WIN(NL_CN_FIRM_PROC_COINNO);
    if (sp->process == NL_SV_PROC_INTERNAL) return WIN(NL_CN_FIRM_PROC_INNO);
    return WIN(NL_CN_FIRM_PROC_COINNO) + WIN(NL_CN_FIRM_PROC_INNO);
  case NL_SV_NETCOLLAB: return rb[NL_CN_FIRM_STRENGTH];
  default: return NAN;
  }
#undef WIN
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

void nl_survey_draw(const nl_survey_spec *sp, size_t F, const double *a, const double *b, uint64_t seed,
                    uint64_t stream, size_t *perm, size_t *ids, double *items, double *latent, int *flat) {
  size_t N = (size_t)sp->sample;
  nl_rng rs, re;
  nl_rng_init(&rs, seed, stream, NL_RNG_SURVEY, 0);
  nl_rng_init(&re, seed, stream, NL_RNG_SURVEY, 1);
  /* partial Fisher-Yates: the first N entries are a uniform sample without replacement */
  for (size_t i = 0; i < F; i++) perm[i] = i;
  for (size_t i = 0; i < N; i++) {
    size_t j = i + (size_t)nl_rng_below(&rs, (uint64_t)(F - i));
    size_t t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  memcpy(ids, perm, N * sizeof *ids);
  qsort(ids, N, sizeof *ids, cmp_size);
  *flat = 0;
  size_t col = 0;
  for (int c = 0; c < NL_SV_NCON; c++) {
    double *z = latent + (size_t)c * N;
    /* raw values, then standardized across the sample (sd with n - 1) */
    double m = 0, ss = 0;
    for (size_t i = 0; i < N; i++) {
      z[i] = nl_survey_value(sp, c, a + ids[i] * NL_CN_FIRM_NFIELDS, b + ids[i] * NL_CN_FIRM_NFIELDS);
      m += z[i];
    }
    m /= (double)N;
    for (size_t i = 0; i < N; i++) ss += (z[i] - m) * (z[i] - m);
    double sd = N > 1 ? sqrt(ss / (double)(N - 1)) : 0;
    if (!(sd > 1e-12)) {
      for (size_t i = 0; i < N; i++) z[i] = 0;
      if (sp->use[c]) (*flat)++;
    } else {
      for (size_t i = 0; i < N; i++) z[i] = (z[i] - m) / sd;
    }
    if (!sp->use[c]) continue;
    for (size_t k = 0; k < sp->nitem[c]; k++, col++) {
      double l = sp->load[c][k];
      double es = sp->noise * sp->cnoise[c] * sqrt(1 - l * l);
      for (size_t i = 0; i < N; i++) {
        double y = l * z[i] + es * nl_rng_normal(&re);
        int v = 1;
        for (int t = 0; t < NL_SV_LIKERT - 1; t++) v += y > sp->thr[t];
        items[col * N + i] = v;
      }
    }
  }
}
