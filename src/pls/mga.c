/*
 * Multigroup analysis: group-specific estimations (as seminr's estimate_pls_mga(): the model
 * re-estimated on each group's raw rows, missing-data rule applied within the group), Henseler's
 * bootstrap PLS-MGA p-value (Henseler, Ringle & Sinkovics 2009, seminr's formula), the
 * permutation test of path differences (Chin & Dibbern 2010) and MICOM (Henseler, Ringle &
 * Sarstedt 2016): compositional invariance (step 2) and equality of composite means and
 * variances (step 3), both by permutation.
 *
 * Permutations: for a pair of groups the rows of both (after the missing-data rule applied to the
 * whole sample) are relabelled at random keeping the group sizes; permutation r of pair k draws
 * from the stream (seed, stream, NL_RNG_PERMUTATION, k * nperm + r) and writes its own row of the
 * result arrays, so results do not depend on the number of threads. Each permutation costs two
 * correlation matrices and two PLS runs; step 3 uses the pair's pooled weights, fixed.
 */
#include <math.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/alloc.h"
#include "core/lapack.h"
#include "core/rng.h"
#include "pls/pls_internal.h"

struct nl_pls_mga {
  nl_errbuf err;
  size_t ng, nc, ni, np, npair;
  char **label;      /* ng group labels (owned): numbers ascending first, then text in byte order */
  size_t *gn;        /* ng rows per group (after the group's missing-data rule) */
  nl_pls **gp;       /* ng group estimations (owned) */
  nl_pls *pooled;    /* the whole sample (owned): processed data for the permutations */
  size_t *grow;      /* pooled->n: group of each pooled row */
  nl_pls_mga_options opt;
  int ran;
  /* per pair (npair), per path (np) or construct (nc) */
  double *diff, *p_hens, *p_perm;
  double *c, *c_q, *md, *md_lo, *md_hi, *lv, *lv_lo, *lv_hi;
};

void nl_pls_mga_options_default(nl_pls_mga_options *o) {
  memset(o, 0, sizeof *o);
  o->nboot = 1000;
  o->nperm = 1000; /* SmartPLS's default number of permutations */
  o->alpha = 0.05;
  o->seed = 1;
  o->threads = 1;
}

const char *nl_pls_mga_errmsg(const nl_pls_mga *g) { return NL_ERRMSG_OF(g); }

void nl_pls_mga_free(nl_pls_mga *g) {
  if (!g) return;
  for (size_t k = 0; g->gp && k < g->ng; k++) nl_pls_free(g->gp[k]);
  nl_free(g->gp);
  nl_pls_free(g->pooled);
  for (size_t k = 0; g->label && k < g->ng; k++) nl_free(g->label[k]);
  nl_free(g->label);
  nl_free(g->gn);
  nl_free(g->grow);
  nl_free(g->diff);
  nl_free(g->p_hens);
  nl_free(g->p_perm);
  nl_free(g->c);
  nl_free(g->c_q);
  nl_free(g->md);
  nl_free(g->md_lo);
  nl_free(g->md_hi);
  nl_free(g->lv);
  nl_free(g->lv_lo);
  nl_free(g->lv_hi);
  nl_free(g);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* A group key: the number, or the text of a non-numeric cell (then num is NAN). */
typedef struct gkey {
  double num;
  const char *text;
} gkey;

static int cmp_key(const void *a, const void *b) {
  const gkey *x = a, *y = b;
  if (!x->text && !y->text) return x->num < y->num ? -1 : x->num > y->num;
  if (!x->text || !y->text) return x->text ? 1 : -1;
  return strcmp(x->text, y->text);
}

nl_status nl_pls_mga_prepare(const nl_pls_model *model, const nl_pls_data *data, const nl_pls_options *opt,
                             const char *column, nl_pls_mga **out) {
  nl_status st = NL_OK;
  double *x = NULL;
  gkey *keys = NULL, *uniq = NULL;
  nl_pls_data *d = NULL;
  *out = NULL;
  nl_pls_mga *g = nl_calloc(1, sizeof *g);
  if (!g) return NL_ENOMEM;
  *out = g;
  if (!model || !data || !data->t || !column) return nl_err(&g->err, NL_EINVAL, "no model, data or group column");
  if (model->nint || model->nhoc)
    return nl_err(&g->err, NL_EINVAL,
                  "multigroup analysis of models with interaction terms or higher-order constructs is not supported");
  const nl_csv_table *t = data->t;
  long col = nl_csv_table_find(t, column);
  if (col < 0) {
    long close = nl_closest_name(column, (const char *const *)t->names, t->ncol);
    return nl_err(&g->err, NL_EINVAL, "%s: no group column '%s'%s%s%s", t->source, column,
                  close >= 0 ? " (did you mean '" : "", close >= 0 ? t->names[close] : "", close >= 0 ? "'?)" : "");
  }
  size_t n = t->nrow, ni = model->ni;
  const double *gc = t->x + (size_t)col * n;
  keys = nl_malloc((n ? n : 1) * sizeof *keys);
  uniq = nl_malloc((n ? n : 1) * sizeof *uniq);
  if (!keys || !uniq) {
    st = nl_err(&g->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t r = 0; r < n; r++) {
    keys[r].num = gc[r];
    keys[r].text = isnan(gc[r]) ? nl_csv_table_text(t, r, (size_t)col) : NULL;
    if (isnan(gc[r]) && !keys[r].text) {
      st = nl_err(&g->err, NL_EINVAL, "%s: group column '%s' is missing in data row %zu", t->source, column, r + 1);
      goto cleanup;
    }
    uniq[r] = keys[r];
  }
  qsort(uniq, n, sizeof *uniq, cmp_key);
  size_t ng = 0;
  for (size_t r = 0; r < n; r++)
    if (r == 0 || cmp_key(&uniq[r], &uniq[r - 1]) != 0) uniq[ng++] = uniq[r];
  if (ng < 2) {
    char one[64];
    if (ng && uniq[0].text) snprintf(one, sizeof one, "%s", uniq[0].text);
    else snprintf(one, sizeof one, "%g", ng ? uniq[0].num : NAN);
    st = nl_err(&g->err, NL_EINVAL, "%s: group column '%s' has one group (%s); multigroup analysis needs two or more",
                t->source, column, one);
    goto cleanup;
  }
  g->ng = ng;
  g->nc = model->nc;
  g->ni = ni;
  g->np = model->np;
  g->npair = ng * (ng - 1) / 2;
  g->label = nl_calloc(ng, sizeof *g->label);
  g->gn = nl_calloc(ng, sizeof *g->gn);
  g->gp = nl_calloc(ng, sizeof *g->gp);
  x = nl_malloc((n * ni > 0 ? n * ni : 1) * sizeof *x);
  if (!g->label || !g->gn || !g->gp || !x) {
    st = nl_err(&g->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t k = 0; k < ng; k++) {
    char num[64];
    if (!uniq[k].text) snprintf(num, sizeof num, "%.15g", uniq[k].num);
    if (!(g->label[k] = nl_strdup(uniq[k].text ? uniq[k].text : num))) {
      st = nl_err(&g->err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
  }
  /* the whole sample (validates columns with model locations; processed data for permutations) */
  if ((st = nl_pls_prepare(model, data, opt, &g->pooled)) != NL_OK) {
    nl_err(&g->err, st, "%s", nl_pls_errmsg(g->pooled));
    goto cleanup;
  }
  /* each group from its raw rows, as seminr's rerun(data = group_data) */
  for (size_t k = 0; k < ng; k++) {
    size_t m = 0;
    for (size_t r = 0; r < n; r++) m += cmp_key(&keys[r], &uniq[k]) == 0;
    if (m < ni) {
      st = nl_err(&g->err, NL_EINVAL, "%s: group %s of column '%s' has %zu rows, fewer than the model's %zu indicators",
                  t->source, g->label[k], column, m, ni);
      goto cleanup;
    }
    for (size_t i = 0; i < ni; i++) {
      const double *src = t->x + (size_t)nl_csv_table_find(t, model->iname[i]) * n;
      for (size_t r = 0, at = 0; r < n; r++)
        if (cmp_key(&keys[r], &uniq[k]) == 0) x[i * m + at++] = src[r];
    }
    nl_pls_data_free(d);
    d = NULL;
    if ((st = nl_pls_data_from_matrix(x, m, ni, (const char *const *)model->iname, &d)) != NL_OK) {
      nl_err(&g->err, st, "%s", nl_pls_data_errmsg(d));
      goto cleanup;
    }
    st = nl_pls_prepare(model, d, opt, &g->gp[k]);
    if (st == NL_OK) st = nl_pls_estimate(g->gp[k]);
    if (st != NL_OK) {
      nl_err(&g->err, st, "group %s: %s", g->label[k], nl_pls_errmsg(g->gp[k]));
      goto cleanup;
    }
    g->gn[k] = nl_pls_nobs(g->gp[k]);
  }
  g->grow = nl_malloc(g->pooled->n * sizeof *g->grow);
  if (!g->grow) {
    st = nl_err(&g->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t q = 0; q < g->pooled->n; q++) {
    const gkey *v = &keys[g->pooled->rowid[q] - 1];
    size_t k = 0;
    while (cmp_key(v, &uniq[k]) != 0) k++;
    g->grow[q] = k;
  }
  if ((st = nl_pls_estimate(g->pooled)) != NL_OK && st != NL_ECONVERGE) nl_err(&g->err, st, "%s", nl_pls_errmsg(g->pooled));
  else st = NL_OK;
cleanup:
  nl_free(keys);
  nl_free(uniq);
  nl_free(x);
  nl_pls_data_free(d);
  return st;
}

/* Per-thread scratch of the permutations. */
typedef struct perm_ws {
  pls_ws wa, wb;
  double *Z, *S, *mu, *sd; /* m * ni, ni * ni, ni, ni */
  size_t *pos;             /* m: positions in the pair's rows, shuffled */
  size_t *rows;            /* m: the pair's pooled rows in that order */
  int fail;
} perm_ws;

/* Correlation matrix of rows[0..m) of X into w->S (standardized rows in w->Z); -1 if a column is constant. */
static int rows_corr(const double *X, size_t n, size_t ni, const size_t *rows, size_t m, perm_ws *w) {
  return pls_rows_corr(X, n, ni, rows, m, w->Z, w->mu, w->sd, w->S);
}

/* cor(Z wa, Z wb) for construct j given the correlation matrix S of the data Z. */
static double comp_cor(const nl_pls *p, const double *S, const double *wa, const double *wb, size_t j) {
  size_t a = p->istart[j], k = p->icount[j], ni = p->ni;
  double ab = 0, aa = 0, bb = 0;
  for (size_t r = 0; r < k; r++)
    for (size_t c = 0; c < k; c++) {
      double s = S[(a + r) + (a + c) * ni];
      ab += wa[a + r] * s * wb[a + c];
      aa += wa[a + r] * s * wa[a + c];
      bb += wb[a + r] * s * wb[a + c];
    }
  return ab / sqrt(aa * bb);
}

nl_status nl_pls_mga_run(nl_pls_mga *g, const nl_pls_mga_options *opt) {
  nl_status st = NL_OK;
  perm_ws *tws = NULL;
  double *res = NULL, *Sp = NULL, *score = NULL, *col = NULL, *a = NULL, *b = NULL;
  size_t *pair_rows = NULL;
  int nthreads = 1, saved_blas = 1, blas_set = 0;
  pls_ws wpool;
  memset(&wpool, 0, sizeof wpool);
  if (!g || !g->pooled) return NL_EINVAL;
  nl_pls_mga_options o;
  if (opt) o = *opt;
  else nl_pls_mga_options_default(&o);
  if (!(o.alpha > 0 && o.alpha < 0.5)) o.alpha = 0.05;
  if (o.nboot < 2 || o.nperm < 2) return nl_err(&g->err, NL_EINVAL, "MGA needs at least 2 resamples and 2 permutations");
  nthreads = o.threads > 0 ? o.threads : 1;
  g->opt = o;
  g->ran = 0;
  const nl_pls *P = g->pooled;
  size_t nc = g->nc, ni = g->ni, np = g->np, npair = g->npair, nperm = o.nperm, n = P->n;
  size_t stride = np + 3 * nc; /* per permutation: path differences, c, mean and log-variance differences */
#define ALLOC(ptr, cnt)                                                                                                \
  do {                                                                                                                 \
    nl_free(ptr);                                                                                                      \
    (ptr) = nl_malloc(((cnt) > 0 ? (cnt) : 1) * sizeof *(ptr));                                                          \
    if (!(ptr)) {                                                                                                      \
      st = nl_err(&g->err, NL_ENOMEM, "out of memory");                                                                \
      goto cleanup;                                                                                                    \
    }                                                                                                                  \
  } while (0)
  ALLOC(g->diff, npair * np);
  ALLOC(g->p_hens, npair * np);
  ALLOC(g->p_perm, npair * np);
  ALLOC(g->c, npair * nc);
  ALLOC(g->c_q, npair * nc);
  ALLOC(g->md, npair * nc);
  ALLOC(g->md_lo, npair * nc);
  ALLOC(g->md_hi, npair * nc);
  ALLOC(g->lv, npair * nc);
  ALLOC(g->lv_lo, npair * nc);
  ALLOC(g->lv_hi, npair * nc);
  ALLOC(res, nperm * stride);
  ALLOC(Sp, ni * ni);
  ALLOC(score, n * nc);
  ALLOC(col, nperm > o.nboot ? nperm : o.nboot);
  ALLOC(a, o.nboot);
  ALLOC(b, o.nboot);
  ALLOC(pair_rows, n);
#undef ALLOC
  /* per-group bootstraps (group k: stream k + 1) for Henseler's p-value */
  for (size_t k = 0; k < g->ng; k++) {
    nl_pls_boot_options bo;
    nl_pls_boot_options_default(&bo);
    bo.nboot = o.nboot;
    bo.seed = o.seed;
    bo.stream = o.stream * 1000 + k + 1;
    bo.threads = nthreads;
    if ((st = nl_pls_bootstrap(g->gp[k], &bo)) != NL_OK) {
      nl_err(&g->err, st, "group %s bootstrap: %s", g->label[k], nl_pls_errmsg(g->gp[k]));
      goto cleanup;
    }
  }
  tws = nl_calloc((size_t)nthreads, sizeof *tws);
  if (!tws || pls_ws_init(&wpool, &P->s) != 0) {
    st = nl_err(&g->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (int t = 0; t < nthreads; t++) {
    perm_ws *w = &tws[t];
    w->Z = nl_malloc(n * ni * sizeof *w->Z);
    w->S = nl_malloc(ni * ni * sizeof *w->S);
    w->mu = nl_malloc(ni * sizeof *w->mu);
    w->sd = nl_malloc(ni * sizeof *w->sd);
    w->rows = nl_malloc(n * sizeof *w->rows);
    w->pos = nl_malloc(n * sizeof *w->pos);
    if (!w->Z || !w->S || !w->mu || !w->sd || !w->rows || !w->pos || pls_ws_init(&w->wa, &P->s) != 0 ||
        pls_ws_init(&w->wb, &P->s) != 0) {
      st = nl_err(&g->err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
  }
  saved_blas = nl_blas_threads();
  nl_blas_set_threads(1);
  blas_set = 1;
  size_t pair = 0;
  for (size_t g1 = 0; g1 < g->ng; g1++)
    for (size_t g2 = g1 + 1; g2 < g->ng; g2++, pair++) {
      const nl_pls *A = g->gp[g1], *B = g->gp[g2];
      size_t m = 0, n1 = 0;
      for (size_t q = 0; q < n; q++)
        if (g->grow[q] == g1) pair_rows[m++] = q, n1++;
      for (size_t q = 0; q < n; q++)
        if (g->grow[q] == g2) pair_rows[m++] = q;
      /* the pair's pooled correlations and weights (MICOM step 3), and its standardized scores */
      perm_ws *w0 = &tws[0];
      int what;
      size_t which;
      if (rows_corr(P->X, n, ni, pair_rows, m, w0) != 0 || pls_core(&P->s, w0->S, NULL, &wpool, &what, &which) != 0) {
        st = nl_err(&g->err, NL_ENUMERIC, "groups %s and %s: the pooled model cannot be estimated", g->label[g1],
                    g->label[g2]);
        goto cleanup;
      }
      memcpy(Sp, w0->S, ni * ni * sizeof *Sp);
      for (size_t j = 0; j < nc; j++)
        for (size_t q = 0; q < m; q++) {
          double v = 0;
          for (size_t r = 0; r < P->icount[j]; r++) v += w0->Z[(P->istart[j] + r) * m + q] * wpool.w[P->istart[j] + r];
          score[j * m + q] = v;
        }
      /* original statistics */
      for (size_t k = 0; k < np; k++) {
        size_t f = P->pfrom[k], t = P->pto[k];
        g->diff[pair * np + k] = nl_pls_path(A, f, t) - nl_pls_path(B, f, t);
      }
      for (size_t j = 0; j < nc; j++) {
        g->c[pair * nc + j] = comp_cor(P, Sp, A->ws.w, B->ws.w, j);
        double s1 = 0, s2 = 0, q1 = 0, q2 = 0;
        const double *sc = score + j * m;
        for (size_t q = 0; q < m; q++) *(q < n1 ? &s1 : &s2) += sc[q];
        s1 /= (double)n1, s2 /= (double)(m - n1);
        for (size_t q = 0; q < m; q++) {
          double dv = sc[q] - (q < n1 ? s1 : s2);
          *(q < n1 ? &q1 : &q2) += dv * dv;
        }
        g->md[pair * nc + j] = s1 - s2;
        g->lv[pair * nc + j] = log((q1 / (double)(n1 - 1)) / (q2 / (double)(m - n1 - 1)));
      }
      /* Henseler's PLS-MGA p (seminr): 1 - #{2 mean1 - b1_i > 2 mean2 - b2_j} / J^2, first J of each */
      size_t J = nl_pls_boot_n(A) < nl_pls_boot_n(B) ? nl_pls_boot_n(A) : nl_pls_boot_n(B);
      for (size_t k = 0; k < np; k++) {
        size_t f = P->pfrom[k], t = P->pto[k];
        double m1 = 0, m2 = 0;
        for (size_t r = 0; r < J; r++) {
          a[r] = nl_pls_boot_value(A, NL_PLS_Q_PATH, f, t, r);
          b[r] = nl_pls_boot_value(B, NL_PLS_Q_PATH, f, t, r);
          m1 += a[r], m2 += b[r];
        }
        m1 /= (double)J, m2 /= (double)J;
        for (size_t r = 0; r < J; r++) a[r] = 2 * m1 - a[r], b[r] = 2 * m2 - b[r];
        qsort(b, J, sizeof *b, cmp_double);
        double cnt = 0;
        for (size_t r = 0; r < J; r++) { /* b[j] < a[r]: binary search */
          size_t lo = 0, hi = J;
          while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (b[mid] < a[r]) lo = mid + 1;
            else hi = mid;
          }
          cnt += (double)lo;
        }
        g->p_hens[pair * np + k] = 1.0 - cnt / ((double)J * (double)J);
      }
      /* permutations */
      long nl = (long)nperm;
      int fail = 0;
#pragma omp parallel for schedule(dynamic, 4) num_threads(nthreads)
      for (long r = 0; r < nl; r++) {
        int tid = 0;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
        perm_ws *w = &tws[tid];
        double *out = res + (size_t)r * stride;
        nl_rng rg;
        nl_rng_init(&rg, o.seed, o.stream, NL_RNG_PERMUTATION, (uint64_t)(pair * nperm + (size_t)r));
        /* shuffle the positions; the first n1 form the first group */
        size_t *idx = w->pos;
        for (size_t q = 0; q < m; q++) idx[q] = q;
        for (size_t q = m; q-- > 1;) {
          size_t k = (size_t)nl_rng_below(&rg, q + 1), tmp = idx[q];
          idx[q] = idx[k];
          idx[k] = tmp;
        }
        for (size_t q = 0; q < m; q++) w->rows[q] = pair_rows[idx[q]];
        int wh;
        size_t whc;
        if (rows_corr(P->X, n, ni, w->rows, n1, w) != 0 || pls_core(&P->s, w->S, NULL, &w->wa, &wh, &whc) != 0 ||
            rows_corr(P->X, n, ni, w->rows + n1, m - n1, w) != 0 ||
            pls_core(&P->s, w->S, NULL, &w->wb, &wh, &whc) != 0) {
          for (size_t k = 0; k < stride; k++) out[k] = NAN;
#pragma omp atomic write
          fail = 1;
          continue;
        }
        for (size_t k = 0; k < np; k++) {
          size_t f = P->pfrom[k], t = P->pto[k];
          out[k] = w->wa.B[f + t * nc] - w->wb.B[f + t * nc];
        }
        for (size_t j = 0; j < nc; j++) out[np + j] = comp_cor(P, Sp, w->wa.w, w->wb.w, j);
        /* step 3: the positions of the shuffled rows in the pair's score arrays */
        for (size_t j = 0; j < nc; j++) {
          double s1 = 0, s2 = 0, q1 = 0, q2 = 0;
          const double *sc = score + j * m;
          for (size_t q = 0; q < m; q++) {
            double v = sc[idx[q]];
            if (q < n1) s1 += v, q1 += v * v;
            else s2 += v, q2 += v * v;
          }
          double nA = (double)n1, nB = (double)(m - n1);
          double va = (q1 - s1 * s1 / nA) / (nA - 1), vb = (q2 - s2 * s2 / nB) / (nB - 1);
          out[np + nc + j] = s1 / nA - s2 / nB;
          out[np + 2 * nc + j] = log(va / vb);
        }
      }
      (void)fail;
      /* summaries over the permutations that succeeded */
      for (size_t k = 0; k < stride; k++) {
        size_t cntp = 0, ge = 0;
        for (size_t r = 0; r < nperm; r++) {
          double v = res[r * stride + k];
          if (isnan(v)) continue;
          col[cntp++] = v;
        }
        if (k < np) {
          double d0 = fabs(g->diff[pair * np + k]);
          for (size_t r = 0; r < cntp; r++) ge += fabs(col[r]) >= d0;
          g->p_perm[pair * np + k] = cntp ? (double)ge / (double)cntp : NAN;
        } else if (k < np + nc) {
          g->c_q[pair * nc + (k - np)] = cntp ? pls_quantile7_select(col, cntp, o.alpha) : NAN;
        } else if (k < np + 2 * nc) {
          size_t j = k - np - nc;
          g->md_lo[pair * nc + j] = pls_quantile7_select(col, cntp, o.alpha / 2);
          g->md_hi[pair * nc + j] = pls_quantile7_select(col, cntp, 1 - o.alpha / 2);
        } else {
          size_t j = k - np - 2 * nc;
          g->lv_lo[pair * nc + j] = pls_quantile7_select(col, cntp, o.alpha / 2);
          g->lv_hi[pair * nc + j] = pls_quantile7_select(col, cntp, 1 - o.alpha / 2);
        }
      }
    }
  g->ran = 1;
cleanup:
  if (blas_set) nl_blas_set_threads(saved_blas);
  for (int t = 0; tws && t < nthreads; t++) {
    pls_ws_free(&tws[t].wa);
    pls_ws_free(&tws[t].wb);
    nl_free(tws[t].Z);
    nl_free(tws[t].S);
    nl_free(tws[t].mu);
    nl_free(tws[t].sd);
    nl_free(tws[t].rows);
    nl_free(tws[t].pos);
  }
  nl_free(tws);
  pls_ws_free(&wpool);
  nl_free(res);
  nl_free(Sp);
  nl_free(score);
  nl_free(col);
  nl_free(a);
  nl_free(b);
  nl_free(pair_rows);
  return st;
}

/* ---- results ---------------------------------------------------------------------------- */

size_t nl_pls_mga_n_groups(const nl_pls_mga *g) { return g ? g->ng : 0; }
const char *nl_pls_mga_group_label(const nl_pls_mga *g, size_t k) { return g && k < g->ng ? g->label[k] : NULL; }
const nl_pls *nl_pls_mga_group(const nl_pls_mga *g, size_t k) { return g && k < g->ng ? g->gp[k] : NULL; }
const nl_pls *nl_pls_mga_pooled(const nl_pls_mga *g) { return g ? g->pooled : NULL; }

/* Index of the pair g1 < g2 in the order of nl_pls_mga_run's loops, or -1. */
static long pair_of(const nl_pls_mga *g, size_t g1, size_t g2) {
  if (!g || !g->ran || g1 >= g2 || g2 >= g->ng) return -1;
  size_t k = 0;
  for (size_t a = 0; a < g1; a++) k += g->ng - a - 1;
  return (long)(k + (g2 - g1 - 1));
}

nl_status nl_pls_mga_path_test(const nl_pls_mga *g, size_t g1, size_t g2, size_t k, nl_pls_mga_test *out) {
  long pr = pair_of(g, g1, g2);
  if (pr < 0 || k >= g->np) return NL_EINVAL;
  size_t q = (size_t)pr * g->np + k;
  out->difference = g->diff[q];
  out->p_henseler = g->p_hens[q];
  out->p_henseler2 = 2 * fmin(g->p_hens[q], 1 - g->p_hens[q]);
  out->p_permutation = g->p_perm[q];
  return NL_OK;
}

nl_status nl_pls_mga_micom(const nl_pls_mga *g, size_t g1, size_t g2, size_t j, nl_pls_micom *out) {
  long pr = pair_of(g, g1, g2);
  if (pr < 0 || j >= g->nc) return NL_EINVAL;
  size_t q = (size_t)pr * g->nc + j;
  out->c = g->c[q];
  out->c_quantile = g->c_q[q];
  /* a single indicator's composite is the indicator itself: c = 1, invariant by construction */
  out->compositional = out->c >= out->c_quantile || g->pooled->icount[j] == 1;
  out->mean_diff = g->md[q], out->mean_lo = g->md_lo[q], out->mean_hi = g->md_hi[q];
  out->equal_means = out->mean_diff >= out->mean_lo && out->mean_diff <= out->mean_hi;
  out->logvar_diff = g->lv[q], out->var_lo = g->lv_lo[q], out->var_hi = g->lv_hi[q];
  out->equal_variances = out->logvar_diff >= out->var_lo && out->logvar_diff <= out->var_hi;
  return NL_OK;
}

int nl_pls_mga_invariance(const nl_pls_mga *g, size_t g1, size_t g2) {
  if (pair_of(g, g1, g2) < 0) return -1;
  int comp = 1, eq = 1;
  for (size_t j = 0; j < g->nc; j++) {
    nl_pls_micom m;
    nl_pls_mga_micom(g, g1, g2, j, &m);
    comp &= m.compositional;
    eq &= m.equal_means && m.equal_variances;
  }
  return !comp ? 0 : eq ? 2 : 1;
}

static const char *const verdict_words[] = {
    "no measurement invariance (compositional invariance fails): group comparisons are not meaningful",
    "partial measurement invariance (compositional invariance holds, composite means or variances differ): the "
    "groups' path coefficients may be compared (MGA)",
    "full measurement invariance (equal composites, means and variances): the data may also be pooled"};

nl_status nl_pls_mga_write_csv(nl_pls_mga *g, const char *dir) {
  if (!g || !g->ran) return g ? nl_err(&g->err, NL_EINVAL, "nothing to write: run the multigroup analysis first")
                              : NL_EINVAL;
  const nl_pls *P = g->pooled;
  char path[4096];
  const char *names[3] = {"mga_paths.csv", "mga_tests.csv", "micom.csv"};
  for (int file = 0; file < 3; file++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[file]);
    FILE *f = fopen(path, "w");
    if (!f) return nl_err(&g->err, NL_EIO, "%s: cannot write", path);
    if (file == 0) {
      fputs("from,to,group,n,estimate\n", f);
      for (size_t k = 0; k < g->np; k++)
        for (size_t q = 0; q < g->ng; q++) {
          fprintf(f, "%s,%s,%s,%zu,", P->cname[P->pfrom[k]], P->cname[P->pto[k]], g->label[q], g->gn[q]);
          pls_csv_num(f, nl_pls_path(g->gp[q], P->pfrom[k], P->pto[k]));
          fputc('\n', f);
        }
    } else if (file == 1) {
      fputs("from,to,group1,group2,difference,p_henseler,p_henseler_two_sided,p_permutation\n", f);
      for (size_t a = 0; a < g->ng; a++)
        for (size_t b = a + 1; b < g->ng; b++)
          for (size_t k = 0; k < g->np; k++) {
            nl_pls_mga_test t;
            nl_pls_mga_path_test(g, a, b, k, &t);
            fprintf(f, "%s,%s,%s,%s,", P->cname[P->pfrom[k]], P->cname[P->pto[k]], g->label[a], g->label[b]);
            pls_csv_nums(f, (const double[]){t.difference, t.p_henseler, t.p_henseler2, t.p_permutation}, 4, "\n");
          }
    } else {
      fputs("group1,group2,construct,c,c_quantile,compositional_invariance,mean_diff,mean_lower,mean_upper,"
            "equal_mean,logvar_diff,logvar_lower,logvar_upper,equal_variance,verdict\n",
            f);
      for (size_t a = 0; a < g->ng; a++)
        for (size_t b = a + 1; b < g->ng; b++) {
          int v = nl_pls_mga_invariance(g, a, b);
          for (size_t j = 0; j < g->nc; j++) {
            nl_pls_micom m;
            nl_pls_mga_micom(g, a, b, j, &m);
            fprintf(f, "%s,%s,%s,", g->label[a], g->label[b], P->cname[j]);
            pls_csv_nums(f, (const double[]){m.c, m.c_quantile}, 2, ",");
            fprintf(f, "%s,", m.compositional ? "true" : "false");
            pls_csv_nums(f, (const double[]){m.mean_diff, m.mean_lo, m.mean_hi}, 3, ",");
            fprintf(f, "%s,", m.equal_means ? "true" : "false");
            pls_csv_nums(f, (const double[]){m.logvar_diff, m.var_lo, m.var_hi}, 3, ",");
            fprintf(f, "%s,%s\n", m.equal_variances ? "true" : "false", v == 0 ? "none" : v == 1 ? "partial" : "full");
          }
        }
    }
    if (fclose(f) != 0) return nl_err(&g->err, NL_EIO, "%s: write error", path);
  }
  return NL_OK;
}

nl_status nl_pls_mga_write_report(nl_pls_mga *g, FILE *f) {
  if (!g || !g->ran) return g ? nl_err(&g->err, NL_EINVAL, "nothing to report") : NL_EINVAL;
  const nl_pls *P = g->pooled;
  fprintf(f, "\nMultigroup analysis (%zu groups; %zu bootstrap resamples per group, %zu permutations per pair):\n",
          g->ng, g->opt.nboot, g->opt.nperm);
  fprintf(f, "  groups:");
  for (size_t q = 0; q < g->ng; q++) fprintf(f, " %s (n = %zu)", g->label[q], g->gn[q]);
  fputc('\n', f);
  for (size_t a = 0; a < g->ng; a++)
    for (size_t b = a + 1; b < g->ng; b++) {
      fprintf(f, "\n  Paths, group %s vs %s:        %8s %8s %8s %9s %9s\n", g->label[a], g->label[b], "g1", "g2", "diff",
              "p(MGA)", "p(perm)");
      for (size_t k = 0; k < g->np; k++) {
        nl_pls_mga_test t;
        nl_pls_mga_path_test(g, a, b, k, &t);
        char label[256];
        snprintf(label, sizeof label, "%s -> %s", P->cname[P->pfrom[k]], P->cname[P->pto[k]]);
        fprintf(f, "  %-30s %8.3f %8.3f %8.3f %9.3f %9.3f\n", label, nl_pls_path(g->gp[a], P->pfrom[k], P->pto[k]),
                nl_pls_path(g->gp[b], P->pfrom[k], P->pto[k]), t.difference, t.p_henseler2, t.p_permutation);
      }
      fprintf(f, "  (p(MGA): Henseler's bootstrap test, two-sided; p(perm): permutation test)\n");
      fprintf(f, "\n  MICOM, group %s vs %s:  %8s %8s %4s %9s %19s %4s %9s %19s %4s\n", g->label[a], g->label[b], "c",
              "5% q", "ok", "mean diff", "interval", "ok", "logvar", "interval", "ok");
      for (size_t j = 0; j < g->nc; j++) {
        nl_pls_micom m;
        nl_pls_mga_micom(g, a, b, j, &m);
        fprintf(f, "  %-22s %8.4f %8.4f %4s %9.3f [%7.3f, %7.3f] %4s %9.3f [%7.3f, %7.3f] %4s\n", P->cname[j], m.c,
                m.c_quantile, m.compositional ? "yes" : "NO", m.mean_diff, m.mean_lo, m.mean_hi,
                m.equal_means ? "yes" : "NO", m.logvar_diff, m.var_lo, m.var_hi, m.equal_variances ? "yes" : "NO");
      }
      fprintf(f, "  Step 1 (configural invariance) holds by construction: same model, indicators, data treatment "
                 "and algorithm settings in every group.\n  Verdict: %s.\n",
              verdict_words[nl_pls_mga_invariance(g, a, b)]);
    }
  if (ferror(f)) return nl_err(&g->err, NL_EIO, "error writing the report");
  return NL_OK;
}

nl_status nl_pls_mga_write_methods(nl_pls_mga *g, FILE *f) {
  if (!g || !g->ran) return g ? nl_err(&g->err, NL_EINVAL, "nothing to describe: run the multigroup analysis first")
                              : NL_EINVAL;
  fprintf(f, "\n## Multigroup analysis\n\nThe model was re-estimated in each of %zu groups (", g->ng);
  for (size_t q = 0; q < g->ng; q++) fprintf(f, "%s%s: n = %zu", q ? "; " : "", g->label[q], g->gn[q]);
  fprintf(f, "), with the missing-data rule applied within each group. Path coefficients were compared between "
             "groups with the bootstrap-based PLS-MGA test (Henseler, Ringle & Sinkovics, 2009; %zu resamples per "
             "group, p = 2 min(p1, 1 - p1) from the one-sided p1) and with a permutation test (Chin & Dibbern, 2010; "
             "%zu permutations of the group labels). Measurement invariance was assessed with MICOM (Henseler, Ringle "
             "& Sarstedt, 2016): configural invariance holds by construction (same model, indicators, data treatment "
             "and settings), compositional invariance when the correlation of each composite computed with both "
             "groups' weights is not below the %.0f%% quantile of its permutation distribution, and equality of "
             "composite means and variances when their differences lie within the central %.0f%% of their "
             "permutation distributions (the same %zu permutations; no adjustment for multiple testing).\n\n",
          g->opt.nboot, g->opt.nperm, 100 * g->opt.alpha, 100 * (1 - g->opt.alpha), g->opt.nperm);
  fprintf(f, "- Henseler, J., Ringle, C. M., & Sinkovics, R. R. (2009). The use of partial least squares path modeling "
             "in international marketing. Advances in International Marketing, 20, 277-319.\n"
             "- Chin, W. W., & Dibbern, J. (2010). An introduction to a permutation based procedure for multi-group PLS "
             "analysis. In V. Esposito Vinzi et al. (Eds.), Handbook of partial least squares (pp. 171-193). "
             "Springer.\n"
             "- Henseler, J., Ringle, C. M., & Sarstedt, M. (2016). Testing measurement invariance of composites using "
             "partial least squares. International Marketing Review, 33(3), 405-431.\n");
  if (ferror(f)) return nl_err(&g->err, NL_EIO, "error writing the methods paragraph");
  return NL_OK;
}
