/*
 * Models that need a first stage before the PLS algorithm can run: interaction terms (A:B) and
 * higher-order constructs (a construct measured by constructs). Both are reduced to an ordinary
 * model on an augmented data table, exactly as seminr 2.3.1 does it:
 *
 *   - two-stage interaction (seminr two_stage): estimate the model without the interaction terms,
 *     the term's single indicator is the product of the two constructs' scores;
 *   - product indicator (seminr product_indicator): every product of the two constructs'
 *     standardized indicators is an indicator of the term (Mode A);
 *   - orthogonal (seminr orthogonal): those products, each replaced by its residual from the
 *     regression on all indicators of both constructs (Henseler & Chin 2010);
 *   - higher-order construct, two-stage (seminr higher_composite(method = two_stage)): estimate the
 *     model with the higher-order construct replaced by its dimensions (antecedents of the HOC point
 *     to every dimension, every dimension points to the HOC's outcomes); the dimensions' scores are
 *     the HOC's indicators in the second stage.
 *
 * The first stage is kept on the handle (nl_pls_first_stage) for its weights and loadings. The
 * generated columns are computed once from the full sample; the bootstrap resamples the second
 * stage's data (docs/pls.md says how this differs from seminr).
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/lapack.h"
#include "pls/pls_internal.h"

/* A model with nc constructs, ni indicators and np paths, everything zeroed; NULL if out of memory. */
static nl_pls_model *model_alloc(const char *source, size_t nc, size_t ni, size_t np) {
  nl_pls_model *m = nl_calloc(1, sizeof *m);
  if (!m) return NULL;
  m->nc = nc;
  m->ni = ni;
  m->np = np;
  m->source = nl_strdup(source);
  m->cname = nl_calloc(nc ? nc : 1, sizeof *m->cname);
  m->cmode = nl_calloc(nc ? nc : 1, sizeof *m->cmode);
  m->istart = nl_calloc(nc ? nc : 1, sizeof *m->istart);
  m->icount = nl_calloc(nc ? nc : 1, sizeof *m->icount);
  m->iname = nl_calloc(ni ? ni : 1, sizeof *m->iname);
  m->iline = nl_calloc(ni ? ni : 1, sizeof *m->iline);
  m->icol = nl_calloc(ni ? ni : 1, sizeof *m->icol);
  m->pfrom = nl_calloc(np ? np : 1, sizeof *m->pfrom);
  m->pto = nl_calloc(np ? np : 1, sizeof *m->pto);
  if (!m->source || !m->cname || !m->cmode || !m->istart || !m->icount || !m->iname || !m->iline || !m->icol ||
      !m->pfrom || !m->pto) {
    nl_pls_model_free(m);
    return NULL;
  }
  return m;
}

static long find_construct(const nl_pls_model *m, const char *name) {
  for (size_t j = 0; j < m->nc; j++)
    if (strcmp(m->cname[j], name) == 0) return (long)j;
  return -1;
}

static long find_indicator(const nl_pls *p, const char *name) {
  for (size_t i = 0; i < p->ni; i++)
    if (strcmp(p->iname[i], name) == 0) return (long)i;
  return -1;
}

/* 1 if construct j of m is a dimension of a higher-order construct. */
static int is_dimension(const nl_pls_model *m, size_t j) {
  for (size_t h = 0; h < m->nc; h++)
    if (m->ckind[h] == PLS_KIND_HOC)
      for (size_t r = 0; r < m->icount[h]; r++)
        if (strcmp(m->iname[m->istart[h] + r], m->cname[j]) == 0) return 1;
  return 0;
}

/* Add path from -> to unless present; paths has room. */
static void add_path(nl_pls_model *s, size_t from, size_t to) {
  for (size_t k = 0; k < s->np; k++)
    if (s->pfrom[k] == from && s->pto[k] == to) return;
  s->pfrom[s->np] = from;
  s->pto[s->np++] = to;
}

/*
 * The first-stage model: every construct measured by data columns, in the order of definition;
 * interaction terms removed; every higher-order construct replaced by its dimensions.
 */
static nl_pls_model *first_stage_model(const nl_pls_model *m) {
  size_t nc = 0, ni = 0, np = 0;
  size_t *map = nl_malloc(m->nc * sizeof *map);
  if (!map) return NULL;
  for (size_t j = 0; j < m->nc; j++)
    if (m->ckind[j] == PLS_KIND_ITEMS) map[j] = nc++, ni += m->icount[j];
  /* a path expands to (dimensions of from) x (dimensions of to) */
  for (size_t k = 0; k < m->np; k++) {
    size_t f = m->pfrom[k], t = m->pto[k];
    if (m->ckind[f] == PLS_KIND_INTERACTION) continue;
    np += (m->ckind[f] == PLS_KIND_HOC ? m->icount[f] : 1) * (m->ckind[t] == PLS_KIND_HOC ? m->icount[t] : 1);
  }
  nl_pls_model *s = model_alloc(m->source, nc, ni, np);
  if (!s) goto fail;
  size_t at = 0;
  for (size_t j = 0; j < m->nc; j++) {
    if (m->ckind[j] != PLS_KIND_ITEMS) continue;
    size_t q = map[j];
    if (!(s->cname[q] = nl_strdup(m->cname[j]))) goto fail;
    s->cmode[q] = m->cmode[j];
    s->istart[q] = at;
    s->icount[q] = m->icount[j];
    for (size_t r = 0; r < m->icount[j]; r++, at++) {
      if (!(s->iname[at] = nl_strdup(m->iname[m->istart[j] + r]))) goto fail;
      s->iline[at] = m->iline[m->istart[j] + r];
      s->icol[at] = m->icol[m->istart[j] + r];
    }
  }
  s->np = 0;
  for (size_t k = 0; k < m->np; k++) {
    size_t f = m->pfrom[k], t = m->pto[k];
    if (m->ckind[f] == PLS_KIND_INTERACTION) continue;
    size_t nf = m->ckind[f] == PLS_KIND_HOC ? m->icount[f] : 1, nt = m->ckind[t] == PLS_KIND_HOC ? m->icount[t] : 1;
    for (size_t a = 0; a < nf; a++)
      for (size_t b = 0; b < nt; b++) {
        size_t ff = m->ckind[f] == PLS_KIND_HOC ? (size_t)find_construct(m, m->iname[m->istart[f] + a]) : f;
        size_t tt = m->ckind[t] == PLS_KIND_HOC ? (size_t)find_construct(m, m->iname[m->istart[t] + b]) : t;
        add_path(s, map[ff], map[tt]);
      }
  }
  nl_free(map);
  return s;
fail:
  nl_free(map);
  nl_pls_model_free(s);
  return NULL;
}

/* Number of generated indicators of interaction construct j. */
static size_t n_generated(const nl_pls_model *m, size_t j, nl_pls_interaction how) {
  return how == NL_PLS_INTERACTION_TWO_STAGE ? 1 : m->icount[m->civ[j]] * m->icount[m->cmod[j]];
}

/*
 * The second-stage model: the dimensions of higher-order constructs removed (the HOC keeps the
 * dimension names as indicators), interaction terms measured by generated indicators named
 * "A:B" (two-stage) or "a:b" for indicators a of A and b of B.
 */
static nl_pls_model *second_stage_model(const nl_pls_model *m, nl_pls_interaction how) {
  size_t nc = 0, ni = 0;
  size_t *map = nl_malloc(m->nc * sizeof *map);
  if (!map) return NULL;
  for (size_t j = 0; j < m->nc; j++) {
    if (m->ckind[j] == PLS_KIND_ITEMS && is_dimension(m, j)) continue;
    map[j] = nc++;
    ni += m->ckind[j] == PLS_KIND_INTERACTION ? n_generated(m, j, how) : m->icount[j];
  }
  nl_pls_model *s = model_alloc(m->source, nc, ni, m->np);
  if (!s) goto fail;
  size_t at = 0;
  for (size_t j = 0; j < m->nc; j++) {
    if (m->ckind[j] == PLS_KIND_ITEMS && is_dimension(m, j)) continue;
    size_t q = map[j];
    if (!(s->cname[q] = nl_strdup(m->cname[j]))) goto fail;
    s->cmode[q] = m->cmode[j];
    s->istart[q] = at;
    if (m->ckind[j] != PLS_KIND_INTERACTION) {
      s->icount[q] = m->icount[j];
      for (size_t r = 0; r < m->icount[j]; r++, at++) {
        if (!(s->iname[at] = nl_strdup(m->iname[m->istart[j] + r]))) goto fail;
        s->iline[at] = m->iline[m->istart[j] + r];
        s->icol[at] = m->icol[m->istart[j] + r];
      }
      continue;
    }
    s->icount[q] = n_generated(m, j, how);
    if (how == NL_PLS_INTERACTION_TWO_STAGE) {
      if (!(s->iname[at] = nl_strdup(m->cname[j]))) goto fail;
      s->iline[at] = m->cline[j];
      s->icol[at++] = m->ccol[j];
      continue;
    }
    const size_t a = m->civ[j], b = m->cmod[j];
    for (size_t r = 0; r < m->icount[a]; r++)
      for (size_t c = 0; c < m->icount[b]; c++, at++) {
        const char *x = m->iname[m->istart[a] + r], *y = m->iname[m->istart[b] + c];
        size_t lx = strlen(x), ly = strlen(y);
        if (!(s->iname[at] = nl_malloc(lx + ly + 2))) goto fail;
        memcpy(s->iname[at], x, lx);
        s->iname[at][lx] = ':';
        memcpy(s->iname[at] + lx + 1, y, ly + 1);
        s->iline[at] = m->cline[j];
        s->icol[at] = m->ccol[j];
      }
  }
  for (size_t k = 0; k < m->np; k++) {
    s->pfrom[k] = map[m->pfrom[k]];
    s->pto[k] = map[m->pto[k]];
  }
  nl_free(map);
  return s;
fail:
  nl_free(map);
  nl_pls_model_free(s);
  return NULL;
}

/* Residuals of the ny columns of y (n rows) regressed on an intercept and the k columns of x.
 * Returns NL_OK, NL_ENOMEM, or NL_ENUMERIC (the least-squares fit failed). */
static nl_status residualize(double *y, size_t n, size_t ny, const double *x, size_t k) {
  size_t kk = k + 1;
  double *a = nl_malloc(n * kk * sizeof *a), *a2 = nl_malloc(n * kk * sizeof *a2);
  double *b = nl_malloc(n * ny * sizeof *b);
  nl_status rc = NL_ENOMEM;
  if (!a || !a2 || !b) goto cleanup;
  for (size_t r = 0; r < n; r++) a[r] = 1.0;
  memcpy(a + n, x, n * k * sizeof *x);
  memcpy(a2, a, n * kk * sizeof *a);
  memcpy(b, y, n * ny * sizeof *b);
  if ((rc = nl_lapack_status(nl_dgels('N', (int)n, (int)kk, (int)ny, a, (int)n, b, (int)n))) != NL_OK)
    goto cleanup;
  /* y - X beta, beta in the first kk rows of each column of b */
  nl_dgemm('N', 'N', (int)n, (int)ny, (int)kk, -1.0, a2, (int)n, b, (int)n, 1.0, y, (int)n);
cleanup:
  nl_free(a);
  nl_free(a2);
  nl_free(b);
  return rc;
}

/* A handle that only carries a message (a failure before the second stage could be bound). */
static nl_status fail_handle(nl_pls **out, nl_status st, const char *prefix, const char *msg) {
  nl_pls *p = nl_calloc(1, sizeof *p);
  *out = p;
  if (!p) return NL_ENOMEM;
  return nl_err(&p->err, st, "%s%s", prefix, msg);
}

/* Fill the second stage's data (n x s->ni, column-major) from the first stage p1. */
static nl_status make_columns(const nl_pls_model *m, const nl_pls_model *s, const nl_pls *p1, nl_pls_interaction how,
                              double *x, nl_errbuf *err) {
  size_t n = p1->n, at = 0;
  for (size_t j = 0; j < m->nc; j++) {
    if (m->ckind[j] == PLS_KIND_ITEMS && is_dimension(m, j)) continue;
    if (m->ckind[j] == PLS_KIND_ITEMS) {
      for (size_t r = 0; r < m->icount[j]; r++, at++) {
        long i = find_indicator(p1, m->iname[m->istart[j] + r]);
        memcpy(x + at * n, p1->X + (size_t)i * n, n * sizeof *x);
      }
    } else if (m->ckind[j] == PLS_KIND_HOC) {
      for (size_t r = 0; r < m->icount[j]; r++, at++) {
        long c = find_construct(m, m->iname[m->istart[j] + r]); /* dimension in m ... */
        size_t c1 = 0;
        for (size_t q = 0; q < p1->nc; q++)
          if (strcmp(p1->cname[q], m->cname[c]) == 0) c1 = q; /* ... and in the first stage */
        memcpy(x + at * n, p1->scores + c1 * n, n * sizeof *x);
      }
    } else {
      size_t a = 0, b = 0;
      for (size_t q = 0; q < p1->nc; q++) {
        if (strcmp(p1->cname[q], m->cname[m->civ[j]]) == 0) a = q;
        if (strcmp(p1->cname[q], m->cname[m->cmod[j]]) == 0) b = q;
      }
      if (how == NL_PLS_INTERACTION_TWO_STAGE) {
        for (size_t r = 0; r < n; r++) x[at * n + r] = p1->scores[a * n + r] * p1->scores[b * n + r];
        at++;
        continue;
      }
      size_t first = at;
      for (size_t r = 0; r < p1->icount[a]; r++)
        for (size_t c = 0; c < p1->icount[b]; c++, at++) {
          const double *za = p1->Z + (p1->istart[a] + r) * n, *zb = p1->Z + (p1->istart[b] + c) * n;
          for (size_t q = 0; q < n; q++) x[at * n + q] = za[q] * zb[q];
        }
      if (how == NL_PLS_INTERACTION_ORTHOGONAL) {
        size_t ka = p1->icount[a], kb = p1->icount[b];
        double *reg = nl_malloc(n * (ka + kb) * sizeof *reg);
        if (!reg) return nl_err(err, NL_ENOMEM, "out of memory");
        memcpy(reg, p1->Z + p1->istart[a] * n, n * ka * sizeof *reg);
        memcpy(reg + ka * n, p1->Z + p1->istart[b] * n, n * kb * sizeof *reg);
        nl_status rc = residualize(x + first * n, n, at - first, reg, ka + kb);
        nl_free(reg);
        if (rc == NL_ENOMEM) return nl_err(err, NL_ENOMEM, "out of memory");
        if (rc != NL_OK)
          return nl_err(err, NL_ENUMERIC, "%s:%ld:%ld: orthogonalizing the products of '%s' failed", s->source,
                        m->cline[j], m->ccol[j], m->cname[j]);
      }
    }
  }
  return NL_OK;
}

/* Two-stage estimation scores the first-stage model: both ends of every interaction term must lie
 * on one of its paths. Errors: NL_EINVAL naming the term (on a new *out). */
static nl_status check_two_stage(const nl_pls_model *model, const nl_pls_model *m1, nl_pls **out) {
  if (model->nint == 0) return NL_OK;
  for (size_t j = 0; j < model->nc; j++) {
    if (model->ckind[j] != PLS_KIND_INTERACTION) continue;
    for (int h = 0; h < 2; h++) {
      size_t c = h ? model->cmod[j] : model->civ[j];
      int inpath = 0;
      for (size_t k = 0; k < m1->np; k++)
        inpath |= strcmp(m1->cname[m1->pfrom[k]], model->cname[c]) == 0 ||
                  strcmp(m1->cname[m1->pto[k]], model->cname[c]) == 0;
      if (!inpath) {
        nl_status st = fail_handle(out, NL_EINVAL, "", "");
        nl_err(&(*out)->err, NL_EINVAL,
               "%s:%ld:%ld: two-stage estimation of '%s' needs '%s' in a path of the model without interaction "
               "terms (add its main effect, or use --interaction product-indicator)",
               model->source, model->cline[j], model->ccol[j], model->cname[j], model->cname[c]);
        return st;
      }
    }
  }
  return NL_OK;
}

/* The second-stage handle p keeps each of its constructs' kind in the caller's model and, for an
 * interaction term, its two ends in the second-stage model m2. Errors: NL_ENOMEM. */
static nl_status record_kinds(nl_pls *p, const nl_pls_model *model, const nl_pls_model *m2) {
  p->ckind = nl_malloc(p->nc * sizeof *p->ckind);
  p->civ = nl_malloc(p->nc * sizeof *p->civ);
  p->cmod = nl_malloc(p->nc * sizeof *p->cmod);
  if (!p->ckind || !p->civ || !p->cmod) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  for (size_t q = 0, j = 0; j < model->nc; j++) {
    if (model->ckind[j] == PLS_KIND_ITEMS && is_dimension(model, j)) continue;
    p->ckind[q] = model->ckind[j];
    p->civ[q] = p->cmod[q] = 0;
    if (model->ckind[j] == PLS_KIND_INTERACTION) {
      p->civ[q] = (size_t)find_construct(m2, model->cname[model->civ[j]]);
      p->cmod[q] = (size_t)find_construct(m2, model->cname[model->cmod[j]]);
    }
    q++;
  }
  if (model->nint > 0) p->s.ckind = p->ckind; /* seminr's interaction scale (pls_interaction_adjust) */
  return NL_OK;
}

nl_status nl_pls_prepare(const nl_pls_model *model, const nl_pls_data *data, const nl_pls_options *opt,
                         nl_pls **out) {
  nl_status st = NL_OK;
  nl_pls_model *m1 = NULL, *m2 = NULL;
  nl_pls *p1 = NULL, *p = NULL;
  nl_pls_data *d2 = NULL;
  double *x = NULL;
  nl_pls_options o;
  *out = NULL;
  if (!model || !model->ckind || (model->nint == 0 && model->nhoc == 0)) return pls_bind(model, data, opt, out);
  if (opt) o = *opt;
  else nl_pls_options_default(&o);
  if ((unsigned)o.interaction > NL_PLS_INTERACTION_ORTHOGONAL)
    return fail_handle(out, NL_EINVAL, "", "unknown interaction method");
  if (o.consistent)
    return fail_handle(out, NL_EINVAL, "",
                       "consistent PLS (PLSc) with interaction terms or higher-order constructs is not supported");
  m1 = first_stage_model(model);
  m2 = m1 ? second_stage_model(model, o.interaction) : NULL;
  if (!m1 || !m2) {
    st = fail_handle(out, NL_ENOMEM, "", "out of memory");
    goto cleanup;
  }
  /* the first stage binds the data (columns, missing-data rule, checks with model locations) */
  if ((st = pls_bind(m1, data, &o, &p1)) != NL_OK) {
    *out = p1;
    p1 = NULL;
    goto cleanup;
  }
  int need_scores = model->nhoc > 0 || o.interaction == NL_PLS_INTERACTION_TWO_STAGE;
  if (need_scores && (st = check_two_stage(model, m1, out)) != NL_OK) goto cleanup;
  if (need_scores) {
    st = nl_pls_estimate(p1);
    if (st != NL_OK) {
      st = fail_handle(out, st, "first stage: ", nl_pls_errmsg(p1));
      goto cleanup;
    }
  }
  size_t n = p1->n;
  x = nl_malloc((n * m2->ni > 0 ? n * m2->ni : 1) * sizeof *x);
  if (!x) {
    st = fail_handle(out, NL_ENOMEM, "", "out of memory");
    goto cleanup;
  }
  {
    nl_errbuf eb = {0};
    if ((st = make_columns(model, m2, p1, o.interaction, x, &eb)) != NL_OK) {
      st = fail_handle(out, st, "", eb.msg);
      goto cleanup;
    }
  }
  if ((st = nl_pls_data_from_matrix(x, n, m2->ni, (const char *const *)m2->iname, &d2)) != NL_OK) {
    st = fail_handle(out, st, "", nl_pls_data_errmsg(d2));
    goto cleanup;
  }
  {
    nl_pls_options o2 = o;
    o2.has_na_code = 0;
    o2.missing = NL_PLS_MISSING_MEAN; /* nothing is missing any more */
    st = pls_bind(m2, d2, &o2, &p);
    *out = p;
    if (st != NL_OK) goto cleanup;
  }
  /* report the caller's settings and the data's rows */
  p->opt = o;
  p->nall = p1->nall;
  memcpy(p->rowid, p1->rowid, n * sizeof *p->rowid);
  if ((st = record_kinds(p, model, m2)) != NL_OK) goto cleanup;
  p->stage1 = p1;
  p1 = NULL;
cleanup:
  nl_pls_free(p1);
  nl_pls_data_free(d2);
  nl_pls_model_free(m1);
  nl_pls_model_free(m2);
  nl_free(x);
  return st;
}

/* ---- getters ---------------------------------------------------------------------------- */

const nl_pls *nl_pls_first_stage(const nl_pls *p) { return p ? p->stage1 : NULL; }

nl_pls_kind nl_pls_construct_kind(const nl_pls *p, size_t j) {
  return p && p->ckind && j < p->nc ? (nl_pls_kind)p->ckind[j] : NL_PLS_KIND_ITEMS;
}

int nl_pls_interaction_ends(const nl_pls *p, size_t j, size_t *predictor, size_t *moderator) {
  if (!p || !p->ckind || j >= p->nc || p->ckind[j] != PLS_KIND_INTERACTION) return 0;
  if (predictor) *predictor = p->civ[j];
  if (moderator) *moderator = p->cmod[j];
  return 1;
}

nl_status nl_pls_simple_slope(const nl_pls *p, size_t j, size_t outcome, double level, double *slope,
                              double *intercept) {
  size_t a, b;
  if (!nl_pls_interaction_ends(p, j, &a, &b) || outcome >= p->nc || !p->estimated) return NL_EINVAL;
  if (!p->s.adj[j * p->nc + outcome]) return NL_EINVAL;
  double bx = nl_pls_path(p, a, outcome), bm = nl_pls_path(p, b, outcome), bxm = nl_pls_path(p, j, outcome);
  if (slope) *slope = bx + bxm * level;
  if (intercept) *intercept = bm * level;
  return NL_OK;
}
