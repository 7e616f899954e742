/*
 * The PLS path modeling algorithm and every quantity derived from one estimation.
 *
 * Everything seminr computes from the standardized data Z (n x p) is a function of the indicator
 * correlation matrix S = Z'Z/(n-1) only (construct scores Y = Z w have cov(Y) = W'SW, cov(Z, Y) =
 * SW, ...), so the iteration runs in p-space at O(p^2) per step whatever n is. Only the construct
 * scores themselves need Z. This is what makes the bootstrap cheap: a resample costs one
 * correlation matrix (a BLAS dsyrk) plus a few small iterations.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/lapack.h"
#include "pls/pls_internal.h"

/* ---- small dense linear algebra -------------------------------------------------------- */

/*
 * The systems solved inside the iteration are tiny (a construct's antecedents, a formative
 * block: typically 2-8 unknowns) and solved thousands of times per bootstrap. For them a plain
 * Cholesky (or LU, see lu_solve) is several times faster than a LAPACK call, whose fixed overhead (argument checks,
 * NaN scans and, in OpenBLAS, a mutex-protected buffer pool shared by all threads) dominates at
 * this size. LAPACK is used for the one-off factorizations (input validation, VIFs), BLAS for
 * the O(n p^2) correlation matrices and the scores.
 */
int pls_chol(double *a, size_t k, size_t lda) {
  for (size_t j = 0; j < k; j++) {
    double *cj = a + j * lda;
    double d = cj[j];
    for (size_t m = 0; m < j; m++) d -= a[j + m * lda] * a[j + m * lda];
    /* The matrices factored here are correlation matrices (unit diagonal): the pivot d is
     * 1 - R^2 of variable j on the ones before it, so a tiny pivot means (near) collinearity. */
    if (!(d > 1e-10)) return (int)j + 1;
    d = sqrt(d);
    cj[j] = d;
    for (size_t i = j + 1; i < k; i++) {
      double v = cj[i];
      for (size_t m = 0; m < j; m++) v -= a[i + m * lda] * a[j + m * lda];
      cj[i] = v / d;
    }
  }
  return 0;
}

void pls_chol_solve(const double *l, size_t k, size_t lda, double *b) {
  for (size_t i = 0; i < k; i++) {
    double v = b[i];
    for (size_t m = 0; m < i; m++) v -= l[i + m * lda] * b[m];
    b[i] = v / l[i + i * lda];
  }
  for (size_t i = k; i-- > 0;) {
    double v = b[i];
    for (size_t m = i + 1; m < k; m++) v -= l[m + i * lda] * b[m];
    b[i] = v / l[i + i * lda];
  }
}

/* LAPACK Cholesky for the one-off factorizations; same contract as pls_chol. */
static int chol_lapack(double *a, size_t k, size_t lda) {
  if (k == 0) return 0;
  int info = nl_dpotrf('L', (int)k, a, (int)lda);
  if (info > 0) return (int)info;
  if (info < 0) return 1;
  for (size_t i = 0; i < k; i++)
    if (!(a[i * lda + i] * a[i * lda + i] > 1e-10)) return (int)i + 1;
  return 0;
}

/* Inverse of a factored k x k matrix (from chol_lapack), full symmetric result in a. */
static int inv_lapack(double *a, size_t k) {
  if (nl_dpotri('L', (int)k, a, (int)k) != 0) return -1;
  return 0;
}

/* ---- workspace ------------------------------------------------------------------------- */

int pls_ws_init(pls_ws *ws, const pls_struct *s) {
  size_t nc = s->nc, ni = s->ni;
  memset(ws, 0, sizeof *ws);
  ws->SW = nl_malloc(ni * nc * sizeof *ws->SW);
  ws->C = nl_malloc(nc * nc * sizeof *ws->C);
  ws->E = nl_malloc(nc * nc * sizeof *ws->E);
  ws->d = nl_malloc(nc * sizeof *ws->d);
  ws->g = nl_malloc(ni * sizeof *ws->g);
  ws->wold = nl_malloc(ni * sizeof *ws->wold);
  ws->fac = nl_malloc(ni * ni * sizeof *ws->fac);
  ws->A = nl_malloc((nc * nc + 2 * nc) * sizeof *ws->A);
  ws->Cadj = nl_malloc(nc * nc * sizeof *ws->Cadj);
  ws->active = nl_malloc(nc + nc * nc + nc + nc * nc);
  ws->w = nl_malloc(ni * sizeof *ws->w);
  ws->load = nl_malloc(ni * sizeof *ws->load);
  ws->B = nl_malloc(nc * nc * sizeof *ws->B);
  ws->rsq = nl_malloc(nc * sizeof *ws->rsq);
  ws->rho = nl_malloc(nc * sizeof *ws->rho);
  ws->iscale = nl_malloc(nc * sizeof *ws->iscale);
  if (!ws->iscale ||!ws->SW || !ws->C || !ws->E || !ws->d || !ws->g || !ws->wold || !ws->fac || !ws->A || !ws->Cadj ||
      !ws->active || !ws->w || !ws->load || !ws->B || !ws->rsq || !ws->rho) {
    pls_ws_free(ws);
    return -1;
  }
  return 0;
}

void pls_ws_free(pls_ws *ws) {
  if (!ws) return;
  nl_free(ws->SW);
  nl_free(ws->C);
  nl_free(ws->E);
  nl_free(ws->d);
  nl_free(ws->g);
  nl_free(ws->wold);
  nl_free(ws->fac);
  nl_free(ws->A);
  nl_free(ws->Cadj);
  nl_free(ws->active);
  nl_free(ws->w);
  nl_free(ws->load);
  nl_free(ws->B);
  nl_free(ws->rsq);
  nl_free(ws->rho);
  nl_free(ws->iscale);
  memset(ws, 0, sizeof *ws);
}

/* ---- the algorithm --------------------------------------------------------------------- */

/* SW (ni x nc) = S W for block-diagonal W given by w; d, C = scores' sd and correlations. */
static int scores_moments(const pls_struct *s, const double *S, const double *w, pls_ws *ws) {
  size_t nc = s->nc, ni = s->ni;
  for (size_t j = 0; j < nc; j++) {
    double *col = ws->SW + j * ni;
    size_t a = s->istart[j], k = s->icount[j];
    if (k == 1) {
      const double *Sc = S + a * ni;
      for (size_t i = 0; i < ni; i++) col[i] = Sc[i] * w[a];
    } else {
      nl_dgemv('N', (int)ni, (int)k, 1.0, S + a * ni, (int)ni, w + a, 1, 0.0, col, 1);
    }
  }
  for (size_t j = 0; j < nc; j++) {
    size_t a = s->istart[j], k = s->icount[j];
    for (size_t l = 0; l < nc; l++) {
      const double *col = ws->SW + l * ni + a;
      double v = 0;
      for (size_t i = 0; i < k; i++) v += w[a + i] * col[i];
      ws->C[j + l * nc] = v;
    }
  }
  for (size_t j = 0; j < nc; j++) {
    double v = ws->C[j + j * nc];
    if (!(v > 0) || !isfinite(v)) return -1;
    ws->d[j] = sqrt(v);
  }
  for (size_t j = 0; j < nc; j++)
    for (size_t l = 0; l < nc; l++) ws->C[j + l * nc] /= ws->d[j] * ws->d[l];
  for (size_t j = 0; j < nc; j++) ws->C[j + j * nc] = 1.0;
  return 0;
}

/*
 * Solve A x = b (k x k, column-major, overwritten; x replaces b) by Gaussian elimination with
 * partial pivoting. Not Cholesky: with PLSc the disattenuated correlation matrix can be indefinite,
 * and seminr (R's solve(), LU) still returns the solution then. Returns -1 if A is singular.
 */
static int lu_solve(double *A, size_t k, double *b) {
  double scale = 0;
  for (size_t q = 0; q < k * k; q++)
    if (fabs(A[q]) > scale) scale = fabs(A[q]);
  if (!(scale > 0) || !isfinite(scale)) return -1;
  for (size_t c = 0; c < k; c++) {
    size_t piv = c;
    for (size_t r = c + 1; r < k; r++)
      if (fabs(A[r + c * k]) > fabs(A[piv + c * k])) piv = r;
    if (!(fabs(A[piv + c * k]) > 1e-12 * scale)) return -1;
    if (piv != c) {
      for (size_t q = 0; q < k; q++) {
        double t = A[c + q * k];
        A[c + q * k] = A[piv + q * k];
        A[piv + q * k] = t;
      }
      double t = b[c];
      b[c] = b[piv];
      b[piv] = t;
    }
    for (size_t r = c + 1; r < k; r++) {
      double f = A[r + c * k] / A[c + c * k];
      if (f == 0) continue;
      for (size_t q = c + 1; q < k; q++) A[r + q * k] -= f * A[c + q * k];
      b[r] -= f * b[c];
    }
  }
  for (size_t r = k; r-- > 0;) {
    double v = b[r];
    for (size_t q = r + 1; q < k; q++) v -= A[r + q * k] * b[q];
    b[r] = v / A[r + r * k];
  }
  return 0;
}

/* Regress construct j on its antecedents using correlation matrix R (nc x nc): coefficients go
 * to column j of B; returns R^2, or NAN if the antecedents' correlation matrix is singular. */
static double regress(const pls_struct *s, const unsigned char *adj, const double *R, size_t j, double *B,
                      double *A) {
  size_t nc = s->nc, k = 0;
  size_t *idx = (size_t *)(void *)(A + nc * nc + nc); /* nc indices stored in the tail */
  for (size_t i = 0; i < nc; i++)
    if (adj[i * nc + j]) idx[k++] = i;
  if (k == 0) return 0.0;
  double *b = A + nc * nc;
  for (size_t a = 0; a < k; a++) {
    for (size_t c = 0; c < k; c++) A[a + c * k] = R[idx[a] + idx[c] * nc];
    b[a] = R[idx[a] + j * nc];
  }
  if (lu_solve(A, k, b) != 0) return NAN;
  double r2 = 0;
  for (size_t a = 0; a < k; a++) {
    B[idx[a] + j * nc] = b[a];
    r2 += b[a] * R[idx[a] + j * nc];
  }
  return r2;
}

int pls_core(const pls_struct *s, const double *S, const unsigned char *pathmask, pls_ws *ws, int *what,
             size_t *which) {
  size_t nc = s->nc, ni = s->ni;
  unsigned char *active = ws->active, *adj = ws->active + nc;
  double *w = ws->w;
  *what = 0;
  *which = 0;

  /* paths in use */
  memset(adj, 0, nc * nc);
  memset(active, 0, nc);
  for (size_t k = 0; k < s->np; k++) {
    if (pathmask && !pathmask[k]) continue;
    adj[s->pfrom[k] * nc + s->pto[k]] = 1;
    active[s->pfrom[k]] = active[s->pto[k]] = 1;
  }
  /* Mode B blocks: factor the block correlation matrices once */
  for (size_t j = 0; j < nc; j++) {
    if (s->cmode[j] != NL_PLS_MODE_B || !active[j]) continue;
    size_t a = s->istart[j], k = s->icount[j];
    double *f = ws->fac + a * ni + a;
    for (size_t c = 0; c < k; c++)
      for (size_t r = 0; r < k; r++) f[r + c * ni] = S[(a + r) + (a + c) * ni];
    int bad = pls_chol(f, k, ni);
    if (bad) {
      *what = PLS_FAIL_MODEB;
      *which = a + (size_t)bad - 1;
      return -1;
    }
  }

  for (size_t i = 0; i < ni; i++) w[i] = 1.0;
  double diff = INFINITY;
  int it;
  for (it = 0; it <= s->max_iter; it++) {
    if (scores_moments(s, S, w, ws) != 0) {
      *what = PLS_FAIL_PROXY;
      return -1;
    }
    const double *C = ws->C;
    double *E = ws->E;
    memset(E, 0, nc * nc * sizeof *E);
    /* inner weights: E[i + nc*j] = weight of construct i in the inner proxy of j */
    for (size_t j = 0; j < nc; j++) {
      for (size_t i = 0; i < nc; i++) {
        int succ = adj[j * nc + i], pred = adj[i * nc + j];
        if (!succ && !pred) continue;
        double c = C[i + j * nc];
        switch (s->scheme) {
        case NL_PLS_SCHEME_PATH:
          if (succ) E[i + j * nc] = c;
          break;
        case NL_PLS_SCHEME_FACTORIAL:
          E[i + j * nc] = c;
          break;
        case NL_PLS_SCHEME_CENTROID:
          E[i + j * nc] = c > 0 ? 1.0 : c < 0 ? -1.0 : 0.0;
          break;
        }
      }
      if (s->scheme == NL_PLS_SCHEME_PATH && active[j]) {
        if (isnan(regress(s, adj, C, j, E, ws->A))) {
          *what = PLS_FAIL_INNER;
          *which = j;
          return -1;
        }
      }
    }
    memcpy(ws->wold, w, ni * sizeof *w);
    for (size_t j = 0; j < nc; j++) {
      if (!active[j]) continue;
      const double *e = E + j * nc;
      double q = 0;
      for (size_t i = 0; i < nc; i++) {
        if (e[i] == 0) continue;
        double t = 0;
        for (size_t l = 0; l < nc; l++) t += C[i + l * nc] * e[l];
        q += e[i] * t;
      }
      if (!(q > 0)) {
        *what = PLS_FAIL_PROXY;
        *which = j;
        return -1;
      }
      double sdp = sqrt(q);
      size_t a = s->istart[j], k = s->icount[j];
      double *g = ws->g + a;
      for (size_t r = 0; r < k; r++) {
        double v = 0;
        for (size_t i = 0; i < nc; i++)
          if (e[i] != 0) v += ws->SW[(a + r) + i * ni] / ws->d[i] * e[i];
        g[r] = v / sdp;
      }
      if (s->cmode[j] == NL_PLS_MODE_B) pls_chol_solve(ws->fac + a * ni + a, k, ni, g);
      /* scale so that the construct score has unit variance: g' S_bb g = 1 */
      double vv = 0;
      for (size_t r = 0; r < k; r++) {
        double t = 0;
        for (size_t c = 0; c < k; c++) t += S[(a + r) + (a + c) * ni] * g[c];
        vv += g[r] * t;
      }
      if (!(vv > 0)) {
        *what = PLS_FAIL_PROXY;
        *which = j;
        return -1;
      }
      double sc = 1.0 / sqrt(vv);
      for (size_t r = 0; r < k; r++) w[a + r] = g[r] * sc;
    }
    diff = 0;
    /* seminr: sum |dw|; cSEM diff_absolute: max |dw|; plspm: sum (|w_old| - |w_new|)^2 */
    if (s->stop_rule == NL_PLS_STOP_MAX_ABS) {
      for (size_t i = 0; i < ni; i++) diff = fmax(diff, fabs(w[i] - ws->wold[i]));
    } else if (s->stop_rule == NL_PLS_STOP_SUM_SQ) {
      for (size_t i = 0; i < ni; i++) {
        double dd = fabs(ws->wold[i]) - fabs(w[i]);
        diff += dd * dd;
      }
    } else {
      for (size_t i = 0; i < ni; i++) diff += fabs(w[i] - ws->wold[i]);
    }
    if (diff < s->tol) break;
  }
  ws->iterations = it > s->max_iter ? s->max_iter : it;
  ws->converged = diff < s->tol;
  ws->diff = diff;

  /* final moments, loadings, paths, R^2, rho_A */
  if (scores_moments(s, S, w, ws) != 0) {
    *what = PLS_FAIL_PROXY;
    return -1;
  }
  for (size_t j = 0; j < nc; j++)
    for (size_t r = 0; r < s->icount[j]; r++) {
      size_t i = s->istart[j] + r;
      ws->load[i] = ws->SW[i + j * ni];
    }
  for (size_t j = 0; j < nc; j++) {
    size_t a = s->istart[j], k = s->icount[j];
    if (s->cmode[j] == NL_PLS_MODE_B || k == 1) {
      ws->rho[j] = 1.0;
      continue;
    }
    double ww = 0, w4 = 0, wsw = 0;
    for (size_t r = 0; r < k; r++) {
      double wr = w[a + r];
      ww += wr * wr;
      w4 += wr * wr * wr * wr;
      for (size_t c = 0; c < k; c++)
        if (c != r) wsw += wr * S[(a + r) + (a + c) * ni] * w[a + c];
    }
    ws->rho[j] = ww * ww * wsw / (ww * ww - w4);
  }
  const double *R = ws->C;
  if (s->consistent) {
    for (size_t j = 0; j < nc; j++)
      if (active[j] && (!(ws->rho[j] > 0) || !isfinite(ws->rho[j]))) {
        *what = PLS_FAIL_RHOA;
        *which = j;
        return -1;
      }
    for (size_t j = 0; j < nc; j++)
      for (size_t l = 0; l < nc; l++)
        ws->Cadj[j + l * nc] = j == l ? 1.0 : ws->C[j + l * nc] / sqrt(ws->rho[j] * ws->rho[l]);
    R = ws->Cadj;
    for (size_t j = 0; j < nc; j++) {
      if (s->cmode[j] != NL_PLS_MODE_A) continue;
      size_t a = s->istart[j], k = s->icount[j];
      double ww = 0;
      for (size_t r = 0; r < k; r++) ww += w[a + r] * w[a + r];
      for (size_t r = 0; r < k; r++) ws->load[a + r] = w[a + r] * sqrt(ws->rho[j]) / ww;
    }
  }
  memset(ws->B, 0, nc * nc * sizeof *ws->B);
  for (size_t j = 0; j < nc; j++) {
    ws->rsq[j] = NAN;
    int endo = 0;
    for (size_t i = 0; i < nc; i++) endo |= adj[i * nc + j];
    if (!endo) continue;
    ws->rsq[j] = regress(s, adj, R, j, ws->B, ws->A);
    if (isnan(ws->rsq[j])) {
      *what = PLS_FAIL_INNER;
      *which = j;
      return -1;
    }
  }
  return 0;
}

void pls_interaction_adjust(const pls_struct *s, const double *sd, pls_ws *ws) {
  size_t nc = s->nc;
  for (size_t j = 0; j < nc; j++) {
    ws->iscale[j] = 1.0;
    if (!s->ckind || s->ckind[j] != PLS_KIND_INTERACTION) continue;
    double num = 0, den = 0;
    for (size_t r = 0; r < s->icount[j]; r++) {
      size_t i = s->istart[j] + r;
      num += sd[i] * fabs(ws->load[i]);
      den += fabs(ws->load[i]);
    }
    double a = num / den;
    ws->iscale[j] = a;
    for (size_t t = 0; t < nc; t++) ws->B[j + t * nc] /= a;
    for (size_t r = 0; r < s->icount[j]; r++) ws->load[s->istart[j] + r] *= a;
  }
}

int pls_rows_corr(const double *X, size_t n, size_t ni, const size_t *rows, size_t m, double *Z, double *mu,
                  double *sd, double *S) {
  for (size_t i = 0; i < ni; i++) {
    const double *x = X + i * n;
    double mean = 0, ss = 0;
    for (size_t q = 0; q < m; q++) mean += x[rows[q]];
    mean /= (double)m;
    for (size_t q = 0; q < m; q++) ss += (x[rows[q]] - mean) * (x[rows[q]] - mean);
    mu[i] = mean;
    sd[i] = sqrt(ss / (double)(m - 1));
    if (!(sd[i] > 0)) return -1;
    double *z = Z + i * m;
    for (size_t q = 0; q < m; q++) z[q] = (x[rows[q]] - mean) / sd[i];
  }
  nl_dsyrk('L', 'T', (int)ni, (int)m, 1.0 / (double)(m - 1), Z, (int)m, 0.0, S, (int)ni);
  for (size_t i = 0; i < ni; i++) {
    S[i + i * ni] = 1.0;
    for (size_t k = i + 1; k < ni; k++) S[i + k * ni] = S[k + i * ni];
  }
  return 0;
}

/* ---- handle ---------------------------------------------------------------------------- */

void nl_pls_options_default(nl_pls_options *o) {
  memset(o, 0, sizeof *o);
  o->scheme = NL_PLS_SCHEME_PATH;
  o->missing = NL_PLS_MISSING_MEAN;
  o->consistent = 0;
  o->max_iter = 300;
  o->tol = 1e-7;
}

const char *nl_pls_errmsg(const nl_pls *p) { return NL_ERRMSG_OF(p); }

void nl_pls_free(nl_pls *p) {
  if (!p) return;
  for (size_t j = 0; p->cname && j < p->nc; j++) nl_free(p->cname[j]);
  for (size_t i = 0; p->iname && i < p->ni; i++) nl_free(p->iname[i]);
  nl_free(p->cname);
  nl_free(p->iname);
  nl_free(p->cmode);
  nl_free(p->istart);
  nl_free(p->icount);
  nl_free(p->icon);
  nl_free(p->pfrom);
  nl_free(p->pto);
  nl_free(p->s.adj);
  nl_free(p->s.npred);
  nl_free(p->s.pred);
  nl_free(p->chain_start);
  nl_free(p->chain_len);
  nl_free(p->chain_nodes);
  nl_free(p->X);
  nl_free(p->rowid);
  nl_free(p->Xna);
  nl_free(p->Z);
  nl_free(p->S);
  pls_ws_free(&p->ws);
  pls_ws_free(&p->ws2);
  nl_free(p->C);
  nl_free(p->T);
  nl_free(p->cross);
  nl_free(p->scores);
  nl_free(p->spec);
  nl_free(p->adjrsq);
  nl_free(p->f2);
  nl_free(p->vif_in);
  nl_free(p->vif_out);
  nl_free(p->alpha);
  nl_free(p->rhoc);
  nl_free(p->ave);
  nl_free(p->htmt);
  nl_free(p->tot_idx);
  nl_free(p->ind_idx);
  nl_free(p->rsq_idx);
  nl_free(p->orig);
  nl_free(p->boot);
  nl_free(p->bstat);
  nl_free(p->htmt_ub);
  nl_free(p->ckind);
  nl_free(p->civ);
  nl_free(p->cmod);
  nl_pls_free(p->stage1);
  pls_pred_free(p->pred);
  pls_ipma_free(p->ipma);
  nl_free(p);
}

#define MAX_CHAINS 100000

/* Enumerate chains of >= 2 paths by depth-first search from every construct. */
static nl_status enumerate_chains(nl_pls *p) {
  size_t nc = p->nc, cap = 64, capl = 64, capn = 256, nn = 0; /* capacities of chain_start, _len, _nodes */
  size_t *stack = nl_malloc((nc + 1) * sizeof *stack), *next = nl_malloc((nc + 1) * sizeof *next);
  p->chain_start = nl_malloc(cap * sizeof *p->chain_start);
  p->chain_len = nl_malloc(cap * sizeof *p->chain_len);
  p->chain_nodes = nl_malloc(capn * sizeof *p->chain_nodes);
  nl_status st = NL_OK;
  if (!stack || !next || !p->chain_start || !p->chain_len || !p->chain_nodes) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t v = 0; v < nc; v++) {
    size_t depth = 0;
    stack[0] = v;
    next[0] = 0;
    while (1) {
      size_t u = stack[depth];
      size_t t = next[depth];
      while (t < nc && !p->s.adj[u * nc + t]) t++;
      if (t >= nc) {
        if (depth == 0) break;
        depth--;
        continue;
      }
      next[depth] = t + 1;
      depth++;
      stack[depth] = t;
      next[depth] = 0;
      if (depth >= 2) {
        if (p->nspec == MAX_CHAINS) {
          st = nl_err(&p->err, NL_ERANGE, "the structural model has more than %d indirect chains", MAX_CHAINS);
          goto cleanup;
        }
        if (nl_grow(&p->chain_start, &cap, p->nspec + 1, sizeof *p->chain_start, 64) ||
            nl_grow(&p->chain_len, &capl, p->nspec + 1, sizeof *p->chain_len, 64) ||
            nl_grow(&p->chain_nodes, &capn, nn + depth + 1, sizeof *p->chain_nodes, 256))
          goto oom;
        p->chain_start[p->nspec] = nn;
        p->chain_len[p->nspec] = depth + 1;
        for (size_t i = 0; i <= depth; i++) p->chain_nodes[nn++] = stack[i];
        p->nspec++;
      }
    }
  }
  goto cleanup;
oom:
  st = nl_err(&p->err, NL_ENOMEM, "out of memory");
cleanup:
  nl_free(stack);
  nl_free(next);
  return st;
}

/* Copy the model's structure into the handle. */
static nl_status copy_structure(nl_pls *p, const nl_pls_model *m) {
  size_t nc = m->nc, ni = m->ni, np = m->np;
  p->nc = nc;
  p->ni = ni;
  p->np = np;
  p->cname = nl_calloc(nc, sizeof *p->cname);
  p->iname = nl_calloc(ni, sizeof *p->iname);
  p->cmode = nl_malloc(nc * sizeof *p->cmode);
  p->istart = nl_malloc(nc * sizeof *p->istart);
  p->icount = nl_malloc(nc * sizeof *p->icount);
  p->icon = nl_malloc(ni * sizeof *p->icon);
  p->pfrom = nl_malloc(np * sizeof *p->pfrom);
  p->pto = nl_malloc(np * sizeof *p->pto);
  p->s.adj = nl_calloc(nc * nc, 1);
  p->s.npred = nl_calloc(nc, sizeof *p->s.npred);
  p->s.pred = nl_calloc(nc * nc, sizeof *p->s.pred);
  if (!p->cname || !p->iname || !p->cmode || !p->istart || !p->icount || !p->icon || !p->pfrom || !p->pto ||
      !p->s.adj || !p->s.npred || !p->s.pred)
    return nl_err(&p->err, NL_ENOMEM, "out of memory");
  for (size_t j = 0; j < nc; j++) {
    if (!(p->cname[j] = nl_strdup(m->cname[j]))) return nl_err(&p->err, NL_ENOMEM, "out of memory");
    p->cmode[j] = m->cmode[j];
    p->istart[j] = m->istart[j];
    p->icount[j] = m->icount[j];
    for (size_t r = 0; r < m->icount[j]; r++) p->icon[m->istart[j] + r] = j;
  }
  for (size_t i = 0; i < ni; i++)
    if (!(p->iname[i] = nl_strdup(m->iname[i]))) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  for (size_t k = 0; k < np; k++) {
    p->pfrom[k] = m->pfrom[k];
    p->pto[k] = m->pto[k];
    p->s.adj[m->pfrom[k] * nc + m->pto[k]] = 1;
    p->s.pred[m->pto[k] * nc + p->s.npred[m->pto[k]]++] = m->pfrom[k];
  }
  p->s.nc = nc;
  p->s.ni = ni;
  p->s.np = np;
  p->s.cmode = p->cmode;
  p->s.istart = p->istart;
  p->s.icount = p->icount;
  p->s.pfrom = p->pfrom;
  p->s.pto = p->pto;
  p->s.consistent = p->opt.consistent;
  p->s.scheme = p->opt.scheme;
  p->s.max_iter = p->opt.max_iter;
  p->s.tol = p->opt.tol;
  p->s.stop_rule = p->opt.stop_rule;
  return enumerate_chains(p);
}

nl_status pls_bind(const nl_pls_model *model, const nl_pls_data *data, const nl_pls_options *opt, nl_pls **out) {
  nl_status st = NL_OK;
  double *raw = NULL;
  unsigned char *keep = NULL;
  *out = NULL;
  nl_pls *p = nl_calloc(1, sizeof *p);
  if (!p) return NL_ENOMEM;
  *out = p;
  if (opt) p->opt = *opt;
  else nl_pls_options_default(&p->opt);
  if (!model || !data || !data->t || model->nc == 0)
    return nl_err(&p->err, NL_EINVAL, "no valid model or data given");
  if (p->opt.max_iter < 1 || !(p->opt.tol > 0))
    return nl_err(&p->err, NL_ERANGE, "max_iter must be >= 1 and tol > 0");
  if ((unsigned)p->opt.scheme > NL_PLS_SCHEME_CENTROID || (unsigned)p->opt.missing > NL_PLS_MISSING_CASEWISE ||
      (unsigned)p->opt.interaction > NL_PLS_INTERACTION_ORTHOGONAL || (unsigned)p->opt.stop_rule > NL_PLS_STOP_SUM_SQ)
    return nl_err(&p->err, NL_EINVAL, "unknown inner weighting scheme, missing-data rule or interaction method");
  if ((st = copy_structure(p, model)) != NL_OK) return st;

  const nl_csv_table *t = data->t;
  size_t ni = p->ni, nall = t->nrow, cells;
  if (nl_mul_size(nall ? nall : 1, ni, &cells) != 0) return nl_err(&p->err, NL_ERANGE, "data too large");
  raw = nl_malloc(cells * sizeof *raw);
  keep = nl_malloc(nall ? nall : 1);
  if (!raw || !keep) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  if (nall == 0) {
    st = nl_err(&p->err, NL_EINVAL, "%s: the data has a header but no rows", t->source);
    goto cleanup;
  }
  /* select the model's columns */
  for (size_t i = 0; i < ni; i++) {
    long c = nl_csv_table_find(t, p->iname[i]);
    if (c < 0) {
      long close = nl_closest_name(p->iname[i], (const char *const *)t->names, t->ncol);
      st = nl_err(&p->err, NL_EINVAL, "%s:%ld:%ld: indicator '%s' of construct '%s' is not a column of %s%s%s%s",
                  model->source, model->iline[i], model->icol[i], p->iname[i], p->cname[p->icon[i]], t->source,
                  close >= 0 ? " (did you mean '" : "", close >= 0 ? t->names[close] : "", close >= 0 ? "'?)" : "");
      goto cleanup;
    }
    if (t->bad_line[c]) {
      st = nl_err(&p->err, NL_EINVAL, "%s:%ld:%ld: non-numeric value '%s' in column '%s' (indicator of '%s')",
                  t->source, t->bad_line[c], t->bad_col[c], t->bad_text[c], p->iname[i], p->cname[p->icon[i]]);
      goto cleanup;
    }
    const double *src = t->x + (size_t)c * nall;
    double *dst = raw + i * nall;
    for (size_t r = 0; r < nall; r++) {
      double v = src[r];
      if (p->opt.has_na_code && v == p->opt.na_code) v = NAN;
      dst[r] = v;
    }
  }
  /* missing-data rule */
  int any_missing = 0;
  memset(keep, 1, nall);
  for (size_t i = 0; i < ni; i++)
    for (size_t r = 0; r < nall; r++)
      if (isnan(raw[i * nall + r])) {
        any_missing = 1;
        keep[r] = 0;
      }
  size_t n = nall;
  if (p->opt.missing == NL_PLS_MISSING_CASEWISE) {
    n = 0;
    for (size_t r = 0; r < nall; r++) n += keep[r];
  }
  /* fewer rows than needed: every regression needs more rows than predictors + 1 */
  size_t need = 3;
  for (size_t j = 0; j < p->nc; j++) {
    if (p->cmode[j] == NL_PLS_MODE_B && p->icount[j] + 1 > need) need = p->icount[j] + 1;
    if (p->s.npred[j] + 2 > need) need = p->s.npred[j] + 2;
  }
  if (n < need) {
    st = nl_err(&p->err, NL_EINVAL, "%s: %zu usable rows%s, but the model needs at least %zu", t->source, n,
                p->opt.missing == NL_PLS_MISSING_CASEWISE && n < nall ? " after casewise deletion" : "", need);
    goto cleanup;
  }
  p->n = n;
  p->nall = nall;
  p->rowid = nl_malloc(n * sizeof *p->rowid);
  if (!p->rowid) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t r = 0, at = 0; r < nall; r++)
    if (p->opt.missing != NL_PLS_MISSING_CASEWISE || keep[r]) p->rowid[at++] = r + 1;
  p->X = nl_malloc(n * ni * sizeof *p->X);
  p->Z = nl_malloc(n * ni * sizeof *p->Z);
  p->S = nl_malloc(ni * ni * sizeof *p->S);
  if (!p->X || !p->Z || !p->S) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  if (any_missing && p->opt.missing == NL_PLS_MISSING_MEAN) {
    p->Xna = nl_malloc(n * ni * sizeof *p->Xna);
    if (!p->Xna) {
      st = nl_err(&p->err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
    memcpy(p->Xna, raw, n * ni * sizeof *raw);
  }
  for (size_t i = 0; i < ni; i++) {
    const double *src = raw + i * nall;
    double *dst = p->X + i * n;
    if (p->opt.missing == NL_PLS_MISSING_CASEWISE) {
      size_t at = 0;
      for (size_t r = 0; r < nall; r++)
        if (keep[r]) dst[at++] = src[r];
    } else {
      double sum = 0;
      size_t cnt = 0;
      for (size_t r = 0; r < nall; r++)
        if (!isnan(src[r])) sum += src[r], cnt++;
      if (cnt == 0) {
        st = nl_err(&p->err, NL_EINVAL, "%s: indicator '%s' has no observed values", t->source, p->iname[i]);
        goto cleanup;
      }
      double mean = sum / (double)cnt;
      for (size_t r = 0; r < nall; r++) dst[r] = isnan(src[r]) ? mean : src[r];
    }
  }
  /* standardize (sd with n - 1, as R's scale()) */
  for (size_t i = 0; i < ni; i++) {
    const double *x = p->X + i * n;
    double *z = p->Z + i * n;
    double mean = 0, ss = 0, scale = 1;
    for (size_t r = 0; r < n; r++) mean += x[r];
    mean /= (double)n;
    for (size_t r = 0; r < n; r++) ss += (x[r] - mean) * (x[r] - mean);
    if (!isfinite(ss) || !isfinite(mean)) {
      /* Cells near 1e300 overflow the sum of squares (the sd became inf and every z 0: a silent
       * zero loading). Then work on x / max|x|, which is exact up to rounding. */
      scale = 0;
      for (size_t r = 0; r < n; r++) scale = fmax(scale, fabs(x[r]));
      mean = ss = 0;
      for (size_t r = 0; r < n; r++) mean += x[r] / scale;
      mean /= (double)n;
      for (size_t r = 0; r < n; r++) ss += (x[r] / scale - mean) * (x[r] / scale - mean);
    }
    double sd = sqrt(ss / (double)(n - 1));
    if (!(sd > 1e-12 * (fabs(mean) + 1.0))) {
      st = nl_err(&p->err, NL_ENUMERIC, "%s: indicator '%s' (construct '%s') has zero variance%s", t->source,
                  p->iname[i], p->cname[p->icon[i]],
                  p->opt.missing == NL_PLS_MISSING_CASEWISE && n < nall ? " after casewise deletion" : "");
      goto cleanup;
    }
    for (size_t r = 0; r < n; r++) z[r] = (x[r] / scale - mean) / sd;
  }
  nl_dsyrk('L', 'T', (int)ni, (int)n, 1.0 / (double)(n - 1), p->Z, (int)n, 0.0, p->S,
              (int)ni);
  for (size_t i = 0; i < ni; i++) {
    p->S[i + i * ni] = 1.0;
    for (size_t k = i + 1; k < ni; k++) p->S[i + k * ni] = p->S[k + i * ni];
  }
  /* formative blocks must not be collinear */
  if (pls_ws_init(&p->ws, &p->s) != 0 || pls_ws_init(&p->ws2, &p->s) != 0) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t j = 0; j < p->nc; j++) {
    if (p->cmode[j] != NL_PLS_MODE_B) continue;
    size_t a = p->istart[j], k = p->icount[j];
    double *f = p->ws.fac;
    for (size_t c = 0; c < k; c++)
      for (size_t r = 0; r < k; r++) f[r + c * k] = p->S[(a + r) + (a + c) * ni];
    int bad = chol_lapack(f, k, k);
    if (bad) {
      st = nl_err(&p->err, NL_ENUMERIC,
                  "formative indicators of '%s' are perfectly collinear: '%s' is a linear combination of the "
                  "indicators before it (Mode B needs an invertible indicator correlation matrix)",
                  p->cname[j], p->iname[a + (size_t)bad - 1]);
      goto cleanup;
    }
  }

cleanup:
  nl_free(raw);
  nl_free(keep);
  if (st != NL_OK) { /* half bound: nl_pls_estimate refuses a handle without S */
    nl_free(p->S);
    p->S = NULL;
  }
  return st;
}

/* ---- derived quantities ---------------------------------------------------------------- */

/* Diagonal of the inverse of the k x k correlation submatrix R[idx, idx] into out; -1 if singular. */
static int inv_diag(const double *R, size_t ldr, const size_t *idx, size_t k, double *A, double *b, double *out) {
  (void)b;
  for (size_t a = 0; a < k; a++)
    for (size_t c = 0; c < k; c++) A[a + c * k] = R[idx[a] + idx[c] * ldr];
  if (chol_lapack(A, k, k) != 0 || inv_lapack(A, k) != 0) return -1;
  for (size_t a = 0; a < k; a++) out[a] = A[a + a * k];
  return 0;
}

static nl_status fail_message(nl_pls *p, const pls_ws *ws, int what, size_t which, const char *ctx) {
  switch (what) {
  case PLS_FAIL_MODEB:
    return nl_err(&p->err, NL_ENUMERIC, "%sformative indicators of '%s' are perfectly collinear ('%s')", ctx,
                  p->cname[p->icon[which]], p->iname[which]);
  case PLS_FAIL_INNER:
    return nl_err(&p->err, NL_ENUMERIC, "%sthe antecedents of '%s' are perfectly collinear", ctx, p->cname[which]);
  case PLS_FAIL_RHOA:
    return nl_err(&p->err, NL_ENUMERIC,
                  "%sPLSc: rho_A of '%s' is %g; the consistency correction needs a positive reliability (are its "
                  "indicators positively correlated?)",
                  ctx, p->cname[which], ws->rho[which]);
  default:
    return nl_err(&p->err, NL_ENUMERIC, "%sa construct score or inner proxy has zero variance", ctx);
  }
}

/* Construct scores Z W (not re-standardized, as seminr; interaction scores scaled as seminr) and
 * cross-loadings. tmp: ni doubles. */
static void scores_cross(nl_pls *p, double *tmp) {
  size_t nc = p->nc, ni = p->ni, n = p->n;
  pls_ws *ws = &p->ws;
  if (p->s.ckind) {
    for (size_t i = 0; i < ni; i++) { /* sd of the unstandardized columns, for the interaction scale */
      const double *x = p->X + i * n;
      double mean = 0, ss = 0;
      for (size_t r = 0; r < n; r++) mean += x[r];
      mean /= (double)n;
      for (size_t r = 0; r < n; r++) ss += (x[r] - mean) * (x[r] - mean);
      tmp[i] = sqrt(ss / (double)(n - 1));
    }
    pls_interaction_adjust(&p->s, tmp, ws);
  }
  for (size_t j = 0; j < nc; j++) {
    size_t a = p->istart[j], k = p->icount[j];
    nl_dgemv('N', (int)n, (int)k, p->s.ckind ? ws->iscale[j] : 1.0, p->Z + a * n, (int)n,
                ws->w + a, 1, 0.0, p->scores + j * n, 1);
  }
  for (size_t j = 0; j < nc; j++)
    for (size_t i = 0; i < ni; i++) p->cross[i + j * ni] = ws->SW[i + j * ni] / ws->d[j];
}

/* Total effects T = B + B^2 + ... (B is nilpotent: the model is recursive), specific indirect
 * effects along each chain, adjusted R^2. tmp: 2 nc^2 doubles. */
static void effects(nl_pls *p, double *tmp) {
  size_t nc = p->nc, n = p->n;
  pls_ws *ws = &p->ws;
  {
    double *cur = tmp, *nxt = tmp + nc * nc; /* tmp has room for 2 nc^2 (nc <= ni) */
    memcpy(p->T, ws->B, nc * nc * sizeof *p->T);
    memcpy(cur, ws->B, nc * nc * sizeof *cur);
    for (size_t step = 1; step < nc; step++) {
      nl_dgemm('N', 'N', (int)nc, (int)nc, (int)nc, 1.0, cur, (int)nc, ws->B,
                  (int)nc, 0.0, nxt, (int)nc);
      int nz = 0;
      for (size_t q = 0; q < nc * nc; q++) {
        p->T[q] += nxt[q];
        nz |= nxt[q] != 0;
      }
      double *sw = cur;
      cur = nxt;
      nxt = sw;
      if (!nz) break;
    }
  }
  for (size_t k = 0; k < p->nspec; k++) {
    const size_t *c = p->chain_nodes + p->chain_start[k];
    double v = 1;
    for (size_t q = 0; q + 1 < p->chain_len[k]; q++) v *= ws->B[c[q] + c[q + 1] * nc];
    p->spec[k] = v;
  }
  for (size_t j = 0; j < nc; j++) {
    size_t kp = p->s.npred[j];
    p->adjrsq[j] = kp ? 1.0 - (1.0 - ws->rsq[j]) * (double)(n - 1) / (double)(n - kp - 1) : NAN;
  }
}

/* f^2: re-estimate without each path, as seminr's fSquared(). mask: np bytes. */
static nl_status f_squared(nl_pls *p, unsigned char *mask) {
  size_t nc = p->nc;
  pls_ws *ws = &p->ws;
  int what;
  size_t which;
  for (size_t q = 0; q < nc * nc; q++) p->f2[q] = NAN;
  for (size_t k = 0; k < p->np; k++) {
    size_t from = p->pfrom[k], to = p->pto[k];
    memset(mask, 1, p->np);
    mask[k] = 0;
    double r2 = ws->rsq[to], r2w = 0;
    if (p->s.npred[to] > 1) {
      if (pls_core(&p->s, p->S, mask, &p->ws2, &what, &which) != 0) {
        return fail_message(p, &p->ws2, what, which, "f^2: ");
      }
      r2w = p->ws2.rsq[to];
    }
    p->f2[from + to * nc] = (r2 - r2w) / (1.0 - r2);
  }
  return NL_OK;
}

/* Inner VIF from the (unadjusted) construct correlations. tmp: ni^2 + 2 (ni + nc) doubles. */
static nl_status inner_vif(nl_pls *p, double *tmp) {
  size_t nc = p->nc, ni = p->ni;
  for (size_t q = 0; q < nc * nc; q++) p->vif_in[q] = NAN;
  for (size_t j = 0; j < nc; j++) {
    size_t kp = p->s.npred[j];
    if (kp < 2) continue;
    if (inv_diag(p->C, nc, p->s.pred + j * nc, kp, tmp, tmp + ni * ni, tmp + ni * ni + ni + nc) != 0) {
      return fail_message(p, &p->ws, PLS_FAIL_INNER, j, "");
    }
    for (size_t a = 0; a < kp; a++) p->vif_in[p->s.pred[j * nc + a] + j * nc] = tmp[ni * ni + ni + nc + a];
  }
  return NL_OK;
}

/* Outer VIF, Cronbach's alpha, rho_C and AVE of every block. tmp: ni^2 + ni doubles; idx: ni. */
static void reliability(nl_pls *p, double *tmp, size_t *idx) {
  size_t nc = p->nc, ni = p->ni;
  pls_ws *ws = &p->ws;
  for (size_t j = 0; j < nc; j++) {
    size_t a = p->istart[j], k = p->icount[j];
    if (k == 1) {
      p->vif_out[a] = 1.0;
      p->alpha[j] = p->rhoc[j] = p->ave[j] = 1.0;
      continue;
    }
    for (size_t r = 0; r < k; r++) idx[r] = a + r;
    if (inv_diag(p->S, ni, idx, k, tmp, tmp + ni * ni, p->vif_out + a) != 0)
      for (size_t r = 0; r < k; r++) p->vif_out[a + r] = INFINITY;
    double tot = 0;
    for (size_t r = 0; r < k; r++)
      for (size_t c = 0; c < k; c++) tot += p->S[(a + r) + (a + c) * ni];
    p->alpha[j] = (double)k / (double)(k - 1) * (1.0 - (double)k / tot);
    double sl = 0, sl2 = 0;
    for (size_t r = 0; r < k; r++) {
      sl += ws->load[a + r];
      sl2 += ws->load[a + r] * ws->load[a + r];
    }
    p->rhoc[j] = sl * sl / (sl * sl + ((double)k - sl2));
    p->ave[j] = sl2 / (double)k;
  }
}

/* HTMT (absolute correlations, as seminr 2.3). */
static void htmt(nl_pls *p) {
  size_t nc = p->nc, ni = p->ni;
  for (size_t j = 0; j < nc; j++) {
    p->htmt[j + j * nc] = NAN;
    for (size_t l = j + 1; l < nc; l++) {
      size_t a = p->istart[j], ka = p->icount[j], b = p->istart[l], kb = p->icount[l];
      double ht = 0, mta = 0, mtb = 0;
      for (size_t r = 0; r < ka; r++)
        for (size_t c = 0; c < kb; c++) ht += fabs(p->S[(a + r) + (b + c) * ni]);
      ht /= (double)(ka * kb);
      if (ka > 1) {
        for (size_t r = 0; r < ka; r++)
          for (size_t c = r + 1; c < ka; c++) mta += fabs(p->S[(a + r) + (a + c) * ni]);
        mta /= (double)(ka * (ka - 1) / 2);
      } else {
        mta = 1;
      }
      if (kb > 1) {
        for (size_t r = 0; r < kb; r++)
          for (size_t c = r + 1; c < kb; c++) mtb += fabs(p->S[(b + r) + (b + c) * ni]);
        mtb /= (double)(kb * (kb - 1) / 2);
      } else {
        mtb = 1;
      }
      p->htmt[j + l * nc] = p->htmt[l + j * nc] = ht / sqrt(mta * mtb);
    }
  }
}

nl_status nl_pls_estimate(nl_pls *p) {
  nl_status st = NL_OK;
  unsigned char *mask = NULL;
  double *tmp = NULL;
  size_t *idx = NULL;
  if (!p || !p->S) return p ? nl_err(&p->err, NL_EINVAL, "nl_pls_estimate: handle not initialized") : NL_EINVAL;
  size_t nc = p->nc, ni = p->ni, n = p->n;
  int what;
  size_t which;
  p->estimated = 0;
  p->booted = 0;
#define ALLOC(ptr, cnt)                                                                                                \
  do {                                                                                                                 \
    if (!(ptr)) (ptr) = nl_malloc(((cnt) > 0 ? (cnt) : 1) * sizeof *(ptr));                                                \
    if (!(ptr)) {                                                                                                      \
      st = nl_err(&p->err, NL_ENOMEM, "out of memory");                                                                \
      goto cleanup;                                                                                                    \
    }                                                                                                                  \
  } while (0)
  ALLOC(p->C, nc * nc);
  ALLOC(p->T, nc * nc);
  ALLOC(p->cross, ni * nc);
  ALLOC(p->scores, n * nc);
  ALLOC(p->spec, p->nspec);
  ALLOC(p->adjrsq, nc);
  ALLOC(p->f2, nc * nc);
  ALLOC(p->vif_in, nc * nc);
  ALLOC(p->vif_out, ni);
  ALLOC(p->alpha, nc);
  ALLOC(p->rhoc, nc);
  ALLOC(p->ave, nc);
  ALLOC(p->htmt, nc * nc);
  ALLOC(mask, p->np);
  ALLOC(tmp, 2 * (ni + nc) + 2 * ni * ni);
  ALLOC(idx, ni + nc);
#undef ALLOC

  pls_ws *ws = &p->ws;
  if (pls_core(&p->s, p->S, NULL, ws, &what, &which) != 0) {
    st = fail_message(p, ws, what, which, "");
    goto cleanup;
  }
  memcpy(p->C, ws->C, nc * nc * sizeof *p->C);
  scores_cross(p, tmp);
  effects(p, tmp);
  if ((st = f_squared(p, mask)) != NL_OK) goto cleanup;
  if ((st = inner_vif(p, tmp)) != NL_OK) goto cleanup;
  reliability(p, tmp, idx);
  htmt(p);
  p->estimated = 1;
  if (!ws->converged)
    st = nl_err(&p->err, NL_ECONVERGE,
                "the PLS weights did not converge in %d iterations (last change %.3g, tolerance %.3g); results "
                "are from the last iteration",
                p->opt.max_iter, ws->diff, p->opt.tol);

cleanup:
  nl_free(mask);
  nl_free(tmp);
  nl_free(idx);
  return st;
}

/* ---- getters ---------------------------------------------------------------------------- */
/* Checked (issue 19): a NULL handle or an index out of range gives 0, NULL, NL_PLS_MODE_A or NaN. */

size_t nl_pls_nobs(const nl_pls *p) { return p ? p->n : 0; }
size_t nl_pls_row_id(const nl_pls *p, size_t row) { return p && row < p->n ? p->rowid[row] : 0; }
size_t nl_pls_nrows_data(const nl_pls *p) { return p ? p->nall : 0; }
size_t nl_pls_n_constructs(const nl_pls *p) { return p ? p->nc : 0; }
const char *nl_pls_construct_name(const nl_pls *p, size_t j) { return p && j < p->nc ? p->cname[j] : NULL; }
nl_pls_mode nl_pls_construct_mode(const nl_pls *p, size_t j) {
  return p && j < p->nc ? (nl_pls_mode)p->cmode[j] : NL_PLS_MODE_A;
}
int nl_pls_construct_is_endogenous(const nl_pls *p, size_t j) { return p && j < p->nc && p->s.npred[j] > 0; }
size_t nl_pls_n_indicators(const nl_pls *p) { return p ? p->ni : 0; }
const char *nl_pls_indicator_name(const nl_pls *p, size_t i) { return p && i < p->ni ? p->iname[i] : NULL; }
size_t nl_pls_indicator_construct(const nl_pls *p, size_t i) { return p && i < p->ni ? p->icon[i] : 0; }
size_t nl_pls_n_paths(const nl_pls *p) { return p ? p->np : 0; }
void nl_pls_path_ends(const nl_pls *p, size_t k, size_t *from, size_t *to) {
  if (from) *from = p && k < p->np ? p->pfrom[k] : 0;
  if (to) *to = p && k < p->np ? p->pto[k] : 0;
}
size_t nl_pls_n_specific(const nl_pls *p) { return p ? p->nspec : 0; }
const size_t *nl_pls_specific_chain(const nl_pls *p, size_t k, size_t *len) {
  if (!p || k >= p->nspec) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = p->chain_len[k];
  return p->chain_nodes + p->chain_start[k];
}

#define EST(cond) ((p && p->estimated && (cond)))
int nl_pls_iterations(const nl_pls *p) { return EST(1) ? p->ws.iterations : 0; }
int nl_pls_converged(const nl_pls *p) { return EST(p->ws.converged); }
double nl_pls_weight_change(const nl_pls *p) { return EST(1) ? p->ws.diff : NAN; }
double nl_pls_weight(const nl_pls *p, size_t i) { return EST(i < p->ni) ? p->ws.w[i] : NAN; }
double nl_pls_loading(const nl_pls *p, size_t i) { return EST(i < p->ni) ? p->ws.load[i] : NAN; }
double nl_pls_cross_loading(const nl_pls *p, size_t i, size_t j) {
  return EST(i < p->ni && j < p->nc) ? p->cross[i + j * p->ni] : NAN;
}
double nl_pls_path(const nl_pls *p, size_t from, size_t to) {
  return EST(from < p->nc && to < p->nc) ? p->ws.B[from + to * p->nc] : NAN;
}
double nl_pls_total_effect(const nl_pls *p, size_t from, size_t to) {
  return EST(from < p->nc && to < p->nc) ? p->T[from + to * p->nc] : NAN;
}
double nl_pls_indirect_effect(const nl_pls *p, size_t from, size_t to) {
  return EST(from < p->nc && to < p->nc) ? p->T[from + to * p->nc] - p->ws.B[from + to * p->nc] : NAN;
}
double nl_pls_specific_effect(const nl_pls *p, size_t k) { return EST(k < p->nspec) ? p->spec[k] : NAN; }
double nl_pls_rsq(const nl_pls *p, size_t j) { return EST(j < p->nc) ? p->ws.rsq[j] : NAN; }
double nl_pls_adj_rsq(const nl_pls *p, size_t j) { return EST(j < p->nc) ? p->adjrsq[j] : NAN; }
double nl_pls_f2(const nl_pls *p, size_t from, size_t to) {
  return EST(from < p->nc && to < p->nc) ? p->f2[from + to * p->nc] : NAN;
}
double nl_pls_vif_inner(const nl_pls *p, size_t from, size_t to) {
  return EST(from < p->nc && to < p->nc) ? p->vif_in[from + to * p->nc] : NAN;
}
double nl_pls_vif_outer(const nl_pls *p, size_t i) { return EST(i < p->ni) ? p->vif_out[i] : NAN; }
double nl_pls_alpha(const nl_pls *p, size_t j) { return EST(j < p->nc) ? p->alpha[j] : NAN; }
double nl_pls_rho_a(const nl_pls *p, size_t j) { return EST(j < p->nc) ? p->ws.rho[j] : NAN; }
double nl_pls_rho_c(const nl_pls *p, size_t j) { return EST(j < p->nc) ? p->rhoc[j] : NAN; }
double nl_pls_ave(const nl_pls *p, size_t j) { return EST(j < p->nc) ? p->ave[j] : NAN; }
double nl_pls_htmt(const nl_pls *p, size_t j, size_t k) {
  return EST(j < p->nc && k < p->nc) ? p->htmt[j + k * p->nc] : NAN;
}
double nl_pls_construct_cor(const nl_pls *p, size_t j, size_t k) {
  return EST(j < p->nc && k < p->nc) ? p->C[j + k * p->nc] : NAN;
}
double nl_pls_score(const nl_pls *p, size_t row, size_t j) {
  return EST(row < p->n && j < p->nc) ? p->scores[row + j * p->n] : NAN;
}
#undef EST
