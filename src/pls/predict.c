/*
 * PLSpredict (Shmueli et al. 2016, 2019) as seminr 2.3.1's predict_pls(): k-fold (or
 * leave-one-out) cross-validation of the indicator predictions of the endogenous constructs,
 * with seminr's linear-model benchmark and the naive training-mean benchmark of Q^2_predict.
 *
 * For every fold the model is re-estimated on the training rows (their own means and standard
 * deviations, as seminr's estimate_pls() on the training data), the test rows are standardized
 * with the training moments, their construct scores are Z w, the endogenous scores are predicted
 * from the antecedents' scores (direct antecedents, DA) or, in causal order, from the exogenous
 * ones (earliest antecedents, EA), and an indicator's prediction is its construct's predicted
 * score times its loading, unstandardized. The LM benchmark regresses each indicator of an
 * endogenous construct on every other model indicator except its own construct's (seminr's
 * generate_lm_predictions()). Repetitions of k-fold average the predictions (as seminr).
 *
 * Determinism: repetition r permutes the rows with the stream (seed, stream, NL_RNG_FOLDS, r);
 * folds are contiguous blocks of the permuted order; every (repetition, fold) writes its own
 * rows of a per-repetition array, so results do not depend on the number of threads.
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

struct pls_pred {
  nl_pls_predict_options opt;
  size_t folds, reps;         /* folds actually used (n for LOOCV) */
  double *pls, *lm, *naive;   /* reps * n * ni predictions (endogenous indicators only) */
  double *cs, *cp;            /* reps * n * nc: actual (training weights) and predicted construct scores */
  double *m_pls_rmse, *m_pls_mae, *m_lm_rmse, *m_lm_mae, *m_q2; /* ni */
  double *c_rmse, *c_mae, *c_q2; /* nc */
  nl_pls_cvpat *cv;           /* (nc + 1) * 2: per endogenous construct and overall (index nc), vs LM and IA */
  size_t nonconv;             /* fold estimations that hit max_iter */
};

void pls_pred_free(pls_pred *r) {
  if (!r) return;
  nl_free(r->pls);
  nl_free(r->lm);
  nl_free(r->naive);
  nl_free(r->cs);
  nl_free(r->cp);
  nl_free(r->m_pls_rmse);
  nl_free(r->m_pls_mae);
  nl_free(r->m_lm_rmse);
  nl_free(r->m_lm_mae);
  nl_free(r->m_q2);
  nl_free(r->c_rmse);
  nl_free(r->c_mae);
  nl_free(r->c_q2);
  nl_free(r->cv);
  nl_free(r);
}

void nl_pls_predict_options_default(nl_pls_predict_options *o) {
  memset(o, 0, sizeof *o);
  o->folds = 10; /* SmartPLS's default: 10 folds, 10 repetitions */
  o->reps = 10;
  o->technique = NL_PLS_PREDICT_DA;
  o->seed = 1;
  o->threads = 1;
}

/* Per-thread scratch for one fold. */
typedef struct fold_ws {
  pls_ws ws;
  double *Zt;      /* ntrain * ni standardized training rows */
  double *S;       /* ni * ni */
  double *mu, *sd; /* ni training moments */
  double *A, *B;   /* ni * ni, ni * ni: LM normal equations */
  size_t *idx;     /* ni */
  size_t *rows;    /* n: the training rows */
  double *sc, *sp; /* nc: scores of a test row, predicted scores */
  int fail;        /* 0, or 1 = PLS failed, 2 = LM singular */
  size_t fail_fold;
} fold_ws;

/* Order of constructs such that antecedents come first (the model is recursive). */
static void causal_order(const nl_pls *p, size_t *order) {
  size_t nc = p->nc, at = 0;
  /* O(nc^3) passes: nc is small */
  for (size_t pass = 0; pass < nc && at < nc; pass++)
    for (size_t j = 0; j < nc; j++) {
      int in = 0;
      for (size_t q = 0; q < at; q++) in |= order[q] == j;
      if (in) continue;
      int ready = 1;
      for (size_t k = 0; k < p->s.npred[j]; k++) {
        size_t a = p->s.pred[j * nc + k];
        int placed_a = 0;
        for (size_t q = 0; q < at; q++) placed_a |= order[q] == a;
        ready &= placed_a;
      }
      if (ready) order[at++] = j;
    }
}

/* One fold: train on rows with fold[r] != f, predict rows with fold[r] == f into repetition arrays. */
static void run_fold(const nl_pls *p, pls_pred *r, const size_t *fold, size_t f, size_t rep, const size_t *order,
                     int ea, fold_ws *w) {
  size_t n = p->n, ni = p->ni, nc = p->nc, nt = 0;
  const double *X = p->X;
  for (size_t q = 0; q < n; q++)
    if (fold[q] != f) w->rows[nt++] = q;
  /* training moments, standardized training rows, their correlations */
  if (pls_rows_corr(X, n, ni, w->rows, nt, w->Zt, w->mu, w->sd, w->S) != 0) {
    w->fail = 3;
    w->fail_fold = f;
    return;
  }
  int what;
  size_t which;
  if (pls_core(&p->s, w->S, NULL, &w->ws, &what, &which) != 0) {
    w->fail = 1;
    w->fail_fold = f;
    return;
  }
  if (!w->ws.converged) {
#pragma omp atomic
    r->nonconv++;
  }
  const double *wt = w->ws.w, *ld = w->ws.load, *B = w->ws.B;
  size_t base = rep * n;
  /* PLS predictions of the test rows */
  for (size_t q = 0; q < n; q++) {
    if (fold[q] != f) continue;
    for (size_t j = 0; j < nc; j++) {
      double v = 0;
      for (size_t k = 0; k < p->icount[j]; k++) {
        size_t i = p->istart[j] + k;
        v += (X[i * n + q] - w->mu[i]) / w->sd[i] * wt[i];
      }
      w->sc[j] = v;
    }
    for (size_t t = 0; t < nc; t++) {
      size_t j = order[t];
      if (!p->s.npred[j]) {
        w->sp[j] = w->sc[j];
        continue;
      }
      double v = 0;
      for (size_t k = 0; k < p->s.npred[j]; k++) {
        size_t a = p->s.pred[j * nc + k];
        /* DA: the antecedents' own scores; EA: their predictions (exogenous: scores) */
        v += B[a + j * nc] * (ea ? w->sp[a] : w->sc[a]);
      }
      w->sp[j] = v;
    }
    for (size_t j = 0; j < nc; j++) {
      r->cs[(base + q) * nc + j] = w->sc[j];
      r->cp[(base + q) * nc + j] = w->sp[j];
      if (!p->s.npred[j]) continue;
      for (size_t k = 0; k < p->icount[j]; k++) {
        size_t i = p->istart[j] + k;
        r->pls[(base + q) * ni + i] = w->sp[j] * ld[i] * w->sd[i] + w->mu[i];
        r->naive[(base + q) * ni + i] = w->mu[i];
      }
    }
  }
  /* LM benchmark: per endogenous construct, its indicators on all other indicators */
  for (size_t j = 0; j < nc; j++) {
    if (!p->s.npred[j]) continue;
    size_t a0 = p->istart[j], kj = p->icount[j], kp = 0;
    for (size_t i = 0; i < ni; i++)
      if (i < a0 || i >= a0 + kj) w->idx[kp++] = i;
    for (size_t c = 0; c < kp; c++)
      for (size_t b = 0; b < kp; b++) w->A[b + c * kp] = w->S[w->idx[b] + w->idx[c] * ni];
    for (size_t y = 0; y < kj; y++)
      for (size_t b = 0; b < kp; b++) w->B[b + y * kp] = w->S[w->idx[b] + (a0 + y) * ni];
    if (nl_dposv('L', (int)kp, (int)kj, w->A, (int)kp, w->B, (int)kp) != 0) {
      w->fail = 2;
      w->fail_fold = f;
      return;
    }
    for (size_t q = 0; q < n; q++) {
      if (fold[q] != f) continue;
      for (size_t y = 0; y < kj; y++) {
        double v = 0;
        for (size_t b = 0; b < kp; b++) {
          size_t i = w->idx[b];
          v += w->B[b + y * kp] * (X[i * n + q] - w->mu[i]) / w->sd[i];
        }
        r->lm[(base + q) * ni + a0 + y] = w->mu[a0 + y] + w->sd[a0 + y] * v;
      }
    }
  }
}

/*
 * CVPAT (Liengaard et al. 2021): per observation the loss L = mean squared prediction error over
 * the indicators of the endogenous constructs (all of them, or one construct's), D = L_benchmark -
 * L_PLS, t = mean(D) / (sd(D) / sqrt(n)) with n - 1 degrees of freedom; benchmarks: seminr's LM and
 * the indicator average (the training mean, IA). Uses the (repetition-averaged) predictions.
 */
static void cvpat(const nl_pls *p, pls_pred *r) {
  size_t n = p->n, ni = p->ni, nc = p->nc;
  for (size_t j = 0; j <= nc; j++)
    for (int bm = 0; bm < 2; bm++) {
      nl_pls_cvpat *c = &r->cv[j * 2 + (size_t)bm];
      c->loss_pls = c->loss_benchmark = c->d_mean = c->t = c->df = c->p_one_sided = c->p_two_sided = NAN;
      if (j < nc && !p->s.npred[j]) continue;
      double sd = 0, sd2 = 0, lp = 0, lb = 0;
      for (size_t q = 0; q < n; q++) {
        double a = 0, b = 0;
        size_t cnt = 0;
        for (size_t i = 0; i < ni; i++) {
          size_t c0 = p->icon[i];
          if (!p->s.npred[c0] || (j < nc && c0 != j)) continue;
          double y = p->X[i * n + q], e1 = y - r->pls[q * ni + i], e2 = y - (bm ? r->naive : r->lm)[q * ni + i];
          a += e1 * e1, b += e2 * e2, cnt++;
        }
        a /= (double)cnt, b /= (double)cnt;
        lp += a, lb += b;
        double d = b - a;
        sd += d, sd2 += d * d;
      }
      double mean = sd / (double)n, var = (sd2 - sd * sd / (double)n) / (double)(n - 1);
      c->loss_pls = lp / (double)n;
      c->loss_benchmark = lb / (double)n;
      c->d_mean = mean;
      c->df = (double)(n - 1);
      c->t = mean / sqrt(var / (double)n);
      c->p_two_sided = pls_t_sf2(c->t, c->df);
      c->p_one_sided = c->t > 0 ? c->p_two_sided / 2 : 1 - c->p_two_sided / 2;
    }
}

nl_status nl_pls_predict(nl_pls *p, const nl_pls_predict_options *opt) {
  nl_status st = NL_OK;
  nl_pls_predict_options o;
  fold_ws *tws = NULL;
  size_t *fold = NULL, *perm = NULL, *order = NULL;
  int nthreads = 1, saved_blas = 1, blas_set = 0;
  if (!p) return NL_EINVAL;
  pls_pred_free(p->pred); /* a failed run leaves no results of an earlier one */
  p->pred = NULL;
  if (!p->estimated) return nl_err(&p->err, NL_EINVAL, "nl_pls_predict: estimate the model first");
  if (p->ckind)
    return nl_err(&p->err, NL_EINVAL,
                  "PLSpredict is not defined for models with interaction terms or higher-order constructs (there is "
                  "no published solution; seminr refuses them too)");
  if (opt) o = *opt;
  else nl_pls_predict_options_default(&o);
  size_t n = p->n, ni = p->ni, nc = p->nc;
  if ((unsigned)o.technique > NL_PLS_PREDICT_EA) return nl_err(&p->err, NL_EINVAL, "unknown prediction technique");
  size_t folds = o.folds == 0 ? n : o.folds, reps = o.folds == 0 ? 1 : (o.reps ? o.reps : 1);
  if (folds < 2) return nl_err(&p->err, NL_EINVAL, "PLSpredict needs at least 2 folds (got %zu)", folds);
  if (folds > n)
    return nl_err(&p->err, NL_EINVAL, "PLSpredict: %zu folds but only %zu observations; use at most %zu folds or LOOCV",
                  folds, n, n);
  size_t ntrain_min = n - (n + folds - 1) / folds, need = 3;
  for (size_t j = 0; j < nc; j++) {
    if (p->cmode[j] == NL_PLS_MODE_B && p->icount[j] + 1 > need) need = p->icount[j] + 1;
    if (p->s.npred[j] + 2 > need) need = p->s.npred[j] + 2;
  }
  if (ni + 2 > need) need = ni + 2; /* the LM benchmark regresses on up to ni - 1 indicators */
  if (ntrain_min < need)
    return nl_err(&p->err, NL_EINVAL,
                  "PLSpredict: with %zu folds a training set has %zu rows, but the model and the LM benchmark need at "
                  "least %zu",
                  folds, ntrain_min, need);
  nthreads = o.threads > 0 ? o.threads : 1;
  p->pred = nl_calloc(1, sizeof *p->pred);
  pls_pred *r = p->pred;
  if (!r) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  r->opt = o;
  r->folds = folds;
  r->reps = reps;
  size_t cells = reps * n * ni, ccells = reps * n * nc;
  r->pls = nl_calloc(cells, sizeof *r->pls);
  r->lm = nl_calloc(cells, sizeof *r->lm);
  r->naive = nl_calloc(cells, sizeof *r->naive);
  r->cs = nl_calloc(ccells, sizeof *r->cs);
  r->cp = nl_calloc(ccells, sizeof *r->cp);
  r->m_pls_rmse = nl_malloc(ni * sizeof(double));
  r->m_pls_mae = nl_malloc(ni * sizeof(double));
  r->m_lm_rmse = nl_malloc(ni * sizeof(double));
  r->m_lm_mae = nl_malloc(ni * sizeof(double));
  r->m_q2 = nl_malloc(ni * sizeof(double));
  r->c_rmse = nl_malloc(nc * sizeof(double));
  r->c_mae = nl_malloc(nc * sizeof(double));
  r->c_q2 = nl_malloc(nc * sizeof(double));
  r->cv = nl_malloc((nc + 1) * 2 * sizeof *r->cv);
  fold = nl_malloc(reps * n * sizeof *fold);
  perm = nl_malloc(n * sizeof *perm);
  order = nl_malloc(nc * sizeof *order);
  tws = nl_calloc((size_t)nthreads, sizeof *tws);
  if (!r->pls || !r->lm || !r->naive || !r->cs || !r->cp || !r->m_pls_rmse || !r->m_pls_mae || !r->m_lm_rmse ||
      !r->m_lm_mae || !r->m_q2 || !r->c_rmse || !r->c_mae || !r->c_q2 || !r->cv || !fold || !perm || !order || !tws) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (int t = 0; t < nthreads; t++) {
    fold_ws *w = &tws[t];
    w->Zt = nl_malloc(n * ni * sizeof *w->Zt);
    w->S = nl_malloc(ni * ni * sizeof *w->S);
    w->mu = nl_malloc(ni * sizeof *w->mu);
    w->sd = nl_malloc(ni * sizeof *w->sd);
    w->A = nl_malloc(ni * ni * sizeof *w->A);
    w->B = nl_malloc(ni * ni * sizeof *w->B);
    w->idx = nl_malloc(ni * sizeof *w->idx);
    w->rows = nl_malloc(n * sizeof *w->rows);
    w->sc = nl_malloc(nc * sizeof *w->sc);
    w->sp = nl_malloc(nc * sizeof *w->sp);
    if (!w->Zt || !w->S || !w->mu || !w->sd || !w->A || !w->B || !w->idx || !w->rows || !w->sc || !w->sp ||
        pls_ws_init(&w->ws, &p->s) != 0) {
      st = nl_err(&p->err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
  }
  causal_order(p, order);
  /* fold of every row in every repetition: contiguous blocks of a random permutation (LOOCV: row q) */
  for (size_t rep = 0; rep < reps; rep++) {
    size_t *fr = fold + rep * n;
    if (o.folds == 0) {
      for (size_t q = 0; q < n; q++) fr[q] = q;
      continue;
    }
    /* Fisher-Yates permutation; position q of it goes to fold floor(q * folds / n) */
    for (size_t q = 0; q < n; q++) perm[q] = q;
    nl_rng g;
    nl_rng_init(&g, o.seed, o.stream, NL_RNG_FOLDS, rep);
    for (size_t q = n; q-- > 1;) {
      size_t k = (size_t)nl_rng_below(&g, q + 1), tmp = perm[q];
      perm[q] = perm[k];
      perm[k] = tmp;
    }
    for (size_t q = 0; q < n; q++) fr[perm[q]] = q * folds / n;
  }
  saved_blas = nl_blas_threads();
  nl_blas_set_threads(1);
  blas_set = 1;
  int ea = o.technique == NL_PLS_PREDICT_EA;
  long ntask = (long)(reps * folds);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nthreads)
  for (long task = 0; task < ntask; task++) {
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
    fold_ws *w = &tws[tid];
    if (w->fail) continue;
    size_t rep = (size_t)task / folds, f = (size_t)task % folds;
    run_fold(p, r, fold + rep * n, f, rep, order, ea, w);
  }
  for (int t = 0; t < nthreads; t++)
    if (tws[t].fail) {
      st = nl_err(&p->err, NL_ENUMERIC,
                  tws[t].fail == 1   ? "PLSpredict: the model cannot be estimated on the training rows of fold %zu "
                                       "(singular block or constant score)"
                  : tws[t].fail == 2 ? "PLSpredict: the LM benchmark is singular in fold %zu (collinear indicators)"
                                     : "PLSpredict: an indicator is constant in the training rows of fold %zu",
                  tws[t].fail_fold + 1);
      goto cleanup;
    }
  /* average over repetitions (in repetition order: deterministic), then the metrics */
  for (size_t i = 0; i < ni; i++) {
    size_t j = p->icon[i];
    r->m_pls_rmse[i] = r->m_pls_mae[i] = r->m_lm_rmse[i] = r->m_lm_mae[i] = r->m_q2[i] = NAN;
    if (!p->s.npred[j]) continue;
    double spe = 0, ape = 0, sle = 0, ale = 0, sne = 0;
    for (size_t q = 0; q < n; q++) {
      double yp = 0, yl = 0, yn = 0, y = p->X[i * n + q];
      for (size_t rep = 0; rep < reps; rep++) {
        yp += r->pls[(rep * n + q) * ni + i];
        yl += r->lm[(rep * n + q) * ni + i];
        yn += r->naive[(rep * n + q) * ni + i];
      }
      yp /= (double)reps, yl /= (double)reps, yn /= (double)reps;
      r->pls[q * ni + i] = yp; /* repetition 0 now holds the averages */
      r->lm[q * ni + i] = yl;
      r->naive[q * ni + i] = yn;
      spe += (y - yp) * (y - yp), ape += fabs(y - yp);
      sle += (y - yl) * (y - yl), ale += fabs(y - yl);
      sne += (y - yn) * (y - yn);
    }
    r->m_pls_rmse[i] = sqrt(spe / (double)n);
    r->m_pls_mae[i] = ape / (double)n;
    r->m_lm_rmse[i] = sqrt(sle / (double)n);
    r->m_lm_mae[i] = ale / (double)n;
    r->m_q2[i] = 1.0 - spe / sne;
  }
  for (size_t j = 0; j < nc; j++) {
    r->c_rmse[j] = r->c_mae[j] = r->c_q2[j] = NAN;
    if (!p->s.npred[j]) continue;
    double se = 0, ae = 0, s0 = 0;
    for (size_t q = 0; q < n; q++) {
      double a = 0, b = 0;
      for (size_t rep = 0; rep < reps; rep++) {
        a += r->cs[(rep * n + q) * nc + j];
        b += r->cp[(rep * n + q) * nc + j];
      }
      a /= (double)reps, b /= (double)reps;
      se += (a - b) * (a - b), ae += fabs(a - b), s0 += a * a; /* naive: the training mean, 0 */
    }
    r->c_rmse[j] = sqrt(se / (double)n);
    r->c_mae[j] = ae / (double)n;
    r->c_q2[j] = 1.0 - se / s0;
  }

  cvpat(p, r);

cleanup:
  if (blas_set) nl_blas_set_threads(saved_blas);
  for (int t = 0; tws && t < nthreads; t++) {
    fold_ws *w = &tws[t];
    pls_ws_free(&w->ws);
    nl_free(w->Zt);
    nl_free(w->S);
    nl_free(w->mu);
    nl_free(w->sd);
    nl_free(w->A);
    nl_free(w->B);
    nl_free(w->idx);
    nl_free(w->rows);
    nl_free(w->sc);
    nl_free(w->sp);
  }
  nl_free(tws);
  nl_free(fold);
  nl_free(perm);
  nl_free(order);
  if (st != NL_OK) {
    pls_pred_free(p->pred);
    p->pred = NULL;
  }
  return st;
}

/* ---- results ---------------------------------------------------------------------------- */

nl_status nl_pls_predict_indicator(const nl_pls *p, size_t i, nl_pls_predict_metrics *out) {
  if (!p || !p->pred || i >= p->ni || !p->s.npred[p->icon[i]]) return NL_EINVAL;
  const pls_pred *r = p->pred;
  out->pls_rmse = r->m_pls_rmse[i];
  out->pls_mae = r->m_pls_mae[i];
  out->lm_rmse = r->m_lm_rmse[i];
  out->lm_mae = r->m_lm_mae[i];
  out->q2_predict = r->m_q2[i];
  return NL_OK;
}

nl_status nl_pls_predict_construct(const nl_pls *p, size_t j, nl_pls_predict_metrics *out) {
  if (!p || !p->pred || j >= p->nc || !p->s.npred[j]) return NL_EINVAL;
  const pls_pred *r = p->pred;
  out->pls_rmse = r->c_rmse[j];
  out->pls_mae = r->c_mae[j];
  out->lm_rmse = out->lm_mae = NAN;
  out->q2_predict = r->c_q2[j];
  return NL_OK;
}

double nl_pls_predict_value(const nl_pls *p, size_t row, size_t i, int lm) {
  if (!p || !p->pred || row >= p->n || i >= p->ni || !p->s.npred[p->icon[i]]) return NAN;
  return (lm ? p->pred->lm : p->pred->pls)[row * p->ni + i];
}

nl_status nl_pls_predict_cvpat(const nl_pls *p, size_t j, int benchmark, nl_pls_cvpat *out) {
  if (!p || !p->pred || j > p->nc || (benchmark != 0 && benchmark != 1)) return NL_EINVAL;
  if (j == p->nc) j = p->nc; /* overall */
  else if (!p->s.npred[j]) return NL_EINVAL;
  *out = p->pred->cv[j * 2 + (size_t)benchmark];
  return NL_OK;
}

size_t nl_pls_predict_folds(const nl_pls *p) { return p && p->pred ? p->pred->folds : 0; }
size_t nl_pls_predict_reps(const nl_pls *p) { return p && p->pred ? p->pred->reps : 0; }
size_t nl_pls_predict_nonconverged(const nl_pls *p) { return p && p->pred ? p->pred->nonconv : 0; }

const char *pls_predict_technique_name(const nl_pls *p) {
  return p->pred && p->pred->opt.technique == NL_PLS_PREDICT_EA ? "earliest antecedents" : "direct antecedents";
}
