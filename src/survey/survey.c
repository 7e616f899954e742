/* The virtual survey: constructs from named fields of a model's unit rows, Likert items (docs/survey.md). */
#include "survey/survey.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/model_impl.h"
#include "core/rng.h"

static const char *const defaults[NL_SV_NDEFAULT] = {"EXPLORE", "EXPLOIT", "PRODINNO", "PROCINNO", "NETCOLLAB"};

void nl_survey_spec_empty(nl_survey_spec *sp) {
  memset(sp, 0, sizeof *sp);
  sp->sample = 90;
  sp->noise = 1.0;
  static const double thr[NL_SV_LIKERT - 1] = {-1.5, -1.0, -0.5, 0.5, 1.0, 1.5};
  memcpy(sp->thr, thr, sizeof thr);
  sp->process = NL_SV_PROC_TOTAL;
  /* the default constructs keep their slots, asked or not, so NL_SV_EXPLORE ... name them */
  sp->ncon = NL_SV_NDEFAULT;
  for (int c = 0; c < NL_SV_NDEFAULT; c++) snprintf(sp->name[c], sizeof sp->name[c], "%s", defaults[c]);
}

void nl_survey_spec_default(nl_survey_spec *sp) {
  nl_survey_spec_empty(sp);
  static const double l3[3] = {0.85, 0.80, 0.75}, l4[4] = {0.85, 0.80, 0.75, 0.70};
  for (int c = 0; c < NL_SV_NDEFAULT; c++)
    nl_survey_spec_add(sp, defaults[c], c == NL_SV_EXPLORE || c == NL_SV_NETCOLLAB ? l4 : l3,
                       c == NL_SV_EXPLORE || c == NL_SV_NETCOLLAB ? 4 : 3, NULL, 0, 0);
}

int nl_survey_default_find(const char *name) {
  for (int c = 0; c < NL_SV_NDEFAULT; c++)
    if (!strcmp(name, defaults[c])) return c;
  return -1;
}

int nl_survey_spec_add(nl_survey_spec *sp, const char *name, const double *load, size_t nitem,
                       const char *const *fields, size_t nfield, int window) {
  if (strlen(name) >= NL_SV_NAMELEN || nitem > NL_SV_MAXITEMS || nfield > NL_SV_MAXTERMS) return -1;
  int c = nl_survey_construct_find(sp, name);
  if (c >= 0 && sp->use[c]) return -1;
  if (c < 0) {
    if (sp->ncon == NL_SV_NCON) return -1;
    c = (int)sp->ncon++;
    snprintf(sp->name[c], sizeof sp->name[c], "%s", name);
  }
  sp->use[c] = 1;
  sp->cnoise[c] = 1.0;
  sp->nitem[c] = nitem;
  for (size_t k = 0; k < nitem; k++) sp->load[c][k] = load[k];
  sp->nfield[c] = nfield;
  for (size_t k = 0; k < nfield; k++) snprintf(sp->field[c][k], sizeof sp->field[c][k], "%s", fields[k]);
  sp->window_of[c] = window;
  return c;
}

const char *nl_survey_construct_name(const nl_survey_spec *sp, int c) {
  return c >= 0 && (size_t)c < sp->ncon && sp->name[c][0] ? sp->name[c] : NULL;
}

int nl_survey_construct_find(const nl_survey_spec *sp, const char *name) {
  for (size_t c = 0; c < sp->ncon; c++)
    if (sp->name[c][0] && !strcmp(name, sp->name[c])) return (int)c;
  return -1;
}

/* coopnet's fields behind its default constructs, with their one-line descriptions */
static size_t default_fields(const nl_survey_spec *sp, int c, const char **f, int *window, const char **doc) {
  *window = c == NL_SV_PRODINNO || c == NL_SV_PROCINNO;
  switch (c) {
  case NL_SV_EXPLORE: f[0] = "explore", *doc = "exploration orientation x_f (a trait of the firm)"; return 1;
  case NL_SV_EXPLOIT: f[0] = "exploit", *doc = "exploitation orientation e_f (a trait of the firm)"; return 1;
  case NL_SV_PRODINNO:
    f[0] = "product_coinnovation";
    *doc = "product co-innovation: product improvements of the firm's code from outside, over the window";
    return 1;
  case NL_SV_PROCINNO:
    if (sp->process == NL_SV_PROC_CO) {
      f[0] = "process_coinnovation";
      *doc = "process co-innovation: process improvements of the code from outside, over the window";
      return 1;
    }
    if (sp->process == NL_SV_PROC_INTERNAL) {
      f[0] = "internal_innovation_process";
      *doc = "internal process innovation: process improvements of the code from inside, over the window";
      return 1;
    }
    f[0] = "process_coinnovation", f[1] = "internal_innovation_process";
    *doc = "process innovation: every process improvement of the firm's code (from inside or outside), over the window";
    return 2;
  case NL_SV_NETCOLLAB:
    f[0] = "strength";
    *doc = "network collaboration: the firm's tie strength (sum of its informal ties' trust) at the survey period";
    return 1;
  default: return 0;
  }
}

nl_status nl_survey_spec_bind(nl_survey_spec *sp, const nl_model *m, int *bad, nl_errbuf *err) {
  const char *unit = nl_model_unit_name(m);
  if (bad) *bad = -1;
  if (!unit)
    return nl_err(err, NL_EINVAL, "model '%s' has no units (a virtual survey samples a model's units: firms, agents, ...)",
                  nl_model_name(m));
  sp->stride = nl_model_nunit_fields(m);
  for (size_t c = 0; c < sp->ncon; c++) {
    sp->ncol[c] = 0;
    if (!sp->use[c]) continue;
    const char *f[NL_SV_MAXTERMS], *doc = NULL;
    size_t n = sp->nfield[c];
    int window = sp->window_of[c];
    for (size_t k = 0; k < n; k++) f[k] = sp->field[c][k];
    if (bad) *bad = (int)c;
    if (n == 0) n = default_fields(sp, (int)c, f, &window, &doc);
    if (n == 0)
      return nl_err(err, NL_EINVAL, "survey construct '%s': no field behind it (name a field of model %s's %ss)",
                    sp->name[c], nl_model_name(m), unit);
    for (size_t k = 0; k < n; k++) {
      long i = nl_model_unit_field_index(m, f[k]);
      if (i < 0) {
        const char *close = nl_model_unit_field_suggest(m, f[k]);
        return nl_err(err, NL_EINVAL, "survey construct '%s': model %s's %ss have no field '%s'%s%s%s", sp->name[c],
                      nl_model_name(m), unit, f[k], close ? " (did you mean '" : "", close ? close : "",
                      close ? "'?)" : "");
      }
      sp->col[c][k] = i;
    }
    sp->ncol[c] = n;
    if (bad) *bad = -1;
    sp->bwindow[c] = window;
    if (doc && sp->nfield[c] == 0) {
      snprintf(sp->doc[c], sizeof sp->doc[c], "%s", doc);
    } else {
      size_t len = (size_t)snprintf(sp->doc[c], sizeof sp->doc[c], "%s", window ? "change over the window of " : "");
      for (size_t k = 0; k < n && len < sizeof sp->doc[c]; k++)
        len += (size_t)snprintf(sp->doc[c] + len, sizeof sp->doc[c] - len, "%s%s", k ? " + " : "", f[k]);
      if (len < sizeof sp->doc[c])
        snprintf(sp->doc[c] + len, sizeof sp->doc[c] - len, " (a field of the %s%s)", unit,
                 window ? "" : ", at the survey period");
    }
  }
  return NL_OK;
}

const char *nl_survey_construct_doc(const nl_survey_spec *sp, int c) {
  return c >= 0 && (size_t)c < sp->ncon ? sp->doc[c] : "";
}

void nl_survey_item_name(const nl_survey_spec *sp, int c, size_t k, char *buf, size_t cap) {
  char low[NL_SV_NAMELEN];
  size_t i = 0;
  for (const char *p = sp->name[c]; *p && i + 1 < sizeof low; p++) low[i++] = (char)tolower((unsigned char)*p);
  low[i] = '\0';
  snprintf(buf, cap, "%s%zu", low, k + 1);
}

size_t nl_survey_nitems(const nl_survey_spec *sp) {
  size_t n = 0;
  for (size_t c = 0; c < sp->ncon; c++)
    if (sp->use[c]) n += sp->nitem[c];
  return n;
}

double nl_survey_value(const nl_survey_spec *sp, int c, const double *ra, const double *rb) {
  double v = 0;
  for (size_t k = 0; k < sp->ncol[c]; k++) {
    long j = sp->col[c][k];
    double t = sp->bwindow[c] ? rb[j] - ra[j] : rb[j];
    v = k ? v + t : t; /* the first term as is: sums as the fields are listed */
  }
  return sp->ncol[c] ? v : NAN;
}

nl_status nl_survey_simulate(const nl_survey_spec *sp, const nl_model *m, void *state, uint64_t seed, long r,
                             nl_interrupt_fn stop, void *user, double *a, double *b, nl_errbuf *err) {
  size_t NF = sp->stride, F = m->unit_count(state);
  long t0 = sp->period - sp->window;
  nl_status st = m->reset(state, seed, (uint64_t)r, err);
  if (st) return st;
  for (long t = 0; t <= sp->period; t++) {
    if (t % NL_INTERRUPT_EVERY == 0 && stop && stop(user)) return nl_err(err, NL_ECANCELED, "interrupted at period %ld", t);
    if (t > 0 && (st = m->step(state, err))) return st;
    if (a && t == t0)
      for (size_t f = 0; f < F; f++) m->unit_row(state, f, a + f * NF);
    if (t == sp->period)
      for (size_t f = 0; f < F; f++) m->unit_row(state, f, b + f * NF);
  }
  return NL_OK;
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
    if ((size_t)c >= sp->ncon || !sp->use[c]) { /* not asked: no items, a zero score */
      for (size_t i = 0; i < N; i++) z[i] = 0;
      continue;
    }
    /* raw values, then standardized across the sample (sd with n - 1) */
    double m = 0, ss = 0;
    for (size_t i = 0; i < N; i++) {
      z[i] = nl_survey_value(sp, c, a + ids[i] * sp->stride, b + ids[i] * sp->stride);
      m += z[i];
    }
    m /= (double)N;
    for (size_t i = 0; i < N; i++) ss += (z[i] - m) * (z[i] - m);
    double sd = N > 1 ? sqrt(ss / (double)(N - 1)) : 0;
    if (!(sd > 1e-12)) {
      for (size_t i = 0; i < N; i++) z[i] = 0;
      (*flat)++;
    } else {
      for (size_t i = 0; i < N; i++) z[i] = (z[i] - m) / sd;
    }
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

nl_status nl_survey_bufs_alloc(nl_survey_bufs *w, const nl_survey_spec *sp, const nl_model *m, void *state,
                               nl_errbuf *err) {
  size_t F = m->unit_count(state), NF = sp->stride, N = (size_t)sp->sample, ni = nl_survey_nitems(sp);
  w->F = F;
  if (N > F)
    return nl_err(err, NL_ERANGE, "survey sample %zu is larger than the %zu %ss of the simulation", N, F, m->unit_name);
  w->a = nl_malloc(F * NF * sizeof *w->a);
  w->b = nl_malloc(F * NF * sizeof *w->b);
  w->perm = nl_malloc(F * sizeof *w->perm);
  w->ids = nl_malloc(N * sizeof *w->ids);
  w->items = nl_malloc(N * ni * sizeof *w->items);
  w->latent = nl_malloc(N * NL_SV_NCON * sizeof *w->latent);
  if (!w->a || !w->b || !w->perm || !w->ids || !w->items || !w->latent) return nl_err(err, NL_ENOMEM, "out of memory");
  return NL_OK;
}

void nl_survey_bufs_free(nl_survey_bufs *w) {
  nl_free(w->a);
  nl_free(w->b);
  nl_free(w->perm);
  nl_free(w->ids);
  nl_free(w->items);
  nl_free(w->latent);
  memset(w, 0, sizeof *w);
}
