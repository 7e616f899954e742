/*
 * Importance-performance map analysis (IPMA; Ringle & Sarstedt 2016, as SmartPLS and cSEM's
 * doIPMA()): for a target construct, the importance of every construct (indicator) that affects
 * it is its unstandardized total effect on the target, and its performance the mean of its
 * scores rescaled to 0-100.
 *
 * Steps: every indicator is rescaled to 0-100 over its scale (the data's minimum and maximum, or a
 * common scale given by the caller); the standardized outer weights are unstandardized (w / sd of
 * the indicator) and normalized to sum to 1 per construct, so a rescaled construct score is a
 * weighted mean of rescaled indicators and lies in 0-100 too; the paths are re-estimated by OLS
 * (with intercept) on the rescaled scores and their total effects on the target are the
 * importances. An indicator's importance is its normalized weight times its construct's.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "pls/pls_internal.h"

struct pls_ipma {
  size_t target;
  double *imp, *perf;   /* nc */
  double *iimp, *iperf; /* ni */
  double *rw;           /* ni normalized unstandardized weights */
};

void pls_ipma_free(pls_ipma *m) {
  if (!m) return;
  nl_free(m->imp);
  nl_free(m->perf);
  nl_free(m->iimp);
  nl_free(m->iperf);
  nl_free(m->rw);
  nl_free(m);
}

nl_status nl_pls_ipma(nl_pls *p, size_t target, double scale_min, double scale_max) {
  nl_status st = NL_OK;
  double *L = NULL, *B = NULL, *T = NULL, *cur = NULL, *nxt = NULL, *A = NULL, *lo = NULL, *hi = NULL;
  if (!p) return NL_EINVAL;
  pls_ipma_free(p->ipma);
  p->ipma = NULL;
  if (!p->estimated) return nl_err(&p->err, NL_EINVAL, "nl_pls_ipma: estimate the model first");
  if (p->ckind)
    return nl_err(&p->err, NL_EINVAL, "IPMA is not supported for models with interaction terms or higher-order "
                                      "constructs");
  size_t nc = p->nc, ni = p->ni, n = p->n;
  if (target >= nc) return nl_err(&p->err, NL_EINVAL, "IPMA: no construct %zu", target);
  if (!p->s.npred[target])
    return nl_err(&p->err, NL_EINVAL, "IPMA: target '%s' has no antecedents (choose an endogenous construct)",
                  p->cname[target]);
  int given = !isnan(scale_min) || !isnan(scale_max);
  if (given && !(scale_min < scale_max))
    return nl_err(&p->err, NL_EINVAL, "IPMA: the scale minimum must be below its maximum (got %g and %g)", scale_min,
                  scale_max);
  pls_ipma *m = p->ipma = nl_calloc(1, sizeof *m);
  if (!m) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  m->target = target;
  m->imp = nl_malloc(nc * sizeof *m->imp);
  m->perf = nl_malloc(nc * sizeof *m->perf);
  m->iimp = nl_malloc(ni * sizeof *m->iimp);
  m->iperf = nl_malloc(ni * sizeof *m->iperf);
  m->rw = nl_malloc(ni * sizeof *m->rw);
  L = nl_malloc(n * nc * sizeof *L);
  B = nl_calloc(nc * nc, sizeof *B);
  T = nl_malloc(nc * nc * sizeof *T);
  cur = nl_malloc(nc * nc * sizeof *cur);
  nxt = nl_malloc(nc * nc * sizeof *nxt);
  A = nl_malloc((nc * nc + nc) * sizeof *A);
  lo = nl_malloc(ni * sizeof *lo);
  hi = nl_malloc(ni * sizeof *hi);
  if (!m->imp || !m->perf || !m->iimp || !m->iperf || !m->rw || !L || !B || !T || !cur || !nxt || !A || !lo || !hi) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  /* scales, unstandardized normalized weights */
  for (size_t i = 0; i < ni; i++) {
    const double *x = p->X + i * n;
    double mn = x[0], mx = x[0], mean = 0, ss = 0;
    for (size_t q = 0; q < n; q++) {
      mn = x[q] < mn ? x[q] : mn, mx = x[q] > mx ? x[q] : mx;
      mean += x[q];
    }
    mean /= (double)n;
    for (size_t q = 0; q < n; q++) ss += (x[q] - mean) * (x[q] - mean);
    if (given && (mn < scale_min || mx > scale_max)) {
      st = nl_err(&p->err, NL_EINVAL, "IPMA: indicator '%s' has values from %g to %g, outside the scale %g to %g",
                  p->iname[i], mn, mx, scale_min, scale_max);
      goto cleanup;
    }
    lo[i] = given ? scale_min : mn;
    hi[i] = given ? scale_max : mx;
    m->rw[i] = p->ws.w[i] / sqrt(ss / (double)(n - 1));
    m->iperf[i] = 100.0 * (mean - lo[i]) / (hi[i] - lo[i]);
  }
  for (size_t j = 0; j < nc; j++) {
    size_t a = p->istart[j], k = p->icount[j];
    double sw = 0;
    for (size_t r = 0; r < k; r++) sw += m->rw[a + r];
    if (!(fabs(sw) > 0)) {
      st = nl_err(&p->err, NL_ENUMERIC, "IPMA: the weights of '%s' sum to zero", p->cname[j]);
      goto cleanup;
    }
    for (size_t r = 0; r < k; r++) m->rw[a + r] /= sw;
    double *lj = L + j * n, perf = 0;
    for (size_t q = 0; q < n; q++) {
      double v = 0;
      for (size_t r = 0; r < k; r++) v += m->rw[a + r] * 100.0 * (p->X[(a + r) * n + q] - lo[a + r]) / (hi[a + r] - lo[a + r]);
      lj[q] = v;
      perf += v;
    }
    m->perf[j] = perf / (double)n;
  }
  /* unstandardized paths: OLS with intercept = regression on centred scores */
  for (size_t j = 0; j < nc; j++) {
    size_t kp = p->s.npred[j];
    if (!kp) continue;
    const size_t *pr = p->s.pred + j * nc;
    double *rhs = A + nc * nc;
    for (size_t a = 0; a < kp; a++) {
      for (size_t b = 0; b < kp; b++) {
        double v = 0;
        const double *xa = L + pr[a] * n, *xb = L + pr[b] * n;
        for (size_t q = 0; q < n; q++) v += (xa[q] - m->perf[pr[a]]) * (xb[q] - m->perf[pr[b]]);
        A[a + b * kp] = v;
      }
      double v = 0;
      const double *xa = L + pr[a] * n, *y = L + j * n;
      for (size_t q = 0; q < n; q++) v += (xa[q] - m->perf[pr[a]]) * (y[q] - m->perf[j]);
      rhs[a] = v;
    }
    /* scale to correlations for the pivot test of pls_chol, then back */
    double d[64];
    if (kp > 64) {
      st = nl_err(&p->err, NL_EINVAL, "IPMA: more than 64 antecedents of '%s'", p->cname[j]);
      goto cleanup;
    }
    for (size_t a = 0; a < kp; a++) d[a] = sqrt(A[a + a * kp]);
    for (size_t a = 0; a < kp; a++) {
      rhs[a] /= d[a];
      for (size_t b = 0; b < kp; b++) A[a + b * kp] /= d[a] * d[b];
    }
    if (pls_chol(A, kp, kp) != 0) {
      st = nl_err(&p->err, NL_ENUMERIC, "IPMA: the antecedents of '%s' are collinear", p->cname[j]);
      goto cleanup;
    }
    pls_chol_solve(A, kp, kp, rhs);
    for (size_t a = 0; a < kp; a++) B[pr[a] + j * nc] = rhs[a] / d[a];
  }
  /* total effects T = B + B^2 + ... (nilpotent) */
  memcpy(T, B, nc * nc * sizeof *T);
  memcpy(cur, B, nc * nc * sizeof *cur);
  for (size_t step = 1; step < nc; step++) {
    for (size_t a = 0; a < nc; a++)
      for (size_t c = 0; c < nc; c++) {
        double v = 0;
        for (size_t b = 0; b < nc; b++) v += cur[a + b * nc] * B[b + c * nc];
        nxt[a + c * nc] = v;
      }
    double *sw = cur;
    cur = nxt;
    nxt = sw;
    for (size_t q = 0; q < nc * nc; q++) T[q] += cur[q];
  }
  /* constructs with no directed path to the target have no importance (tot_idx: reachability) */
  if (pls_stats_layout(p) != 0) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t j = 0; j < nc; j++) m->imp[j] = p->tot_idx[j + target * nc] >= 0 ? T[j + target * nc] : NAN;
  for (size_t i = 0; i < ni; i++) m->iimp[i] = isnan(m->imp[p->icon[i]]) ? NAN : m->rw[i] * m->imp[p->icon[i]];

cleanup:
  nl_free(L);
  nl_free(B);
  nl_free(T);
  nl_free(cur);
  nl_free(nxt);
  nl_free(A);
  nl_free(lo);
  nl_free(hi);
  if (st != NL_OK) {
    pls_ipma_free(p->ipma);
    p->ipma = NULL;
  }
  return st;
}

size_t nl_pls_ipma_target(const nl_pls *p) { return p && p->ipma ? p->ipma->target : (size_t)-1; }

double nl_pls_ipma_importance(const nl_pls *p, size_t j) {
  return p && p->ipma && j < p->nc ? p->ipma->imp[j] : NAN;
}

double nl_pls_ipma_performance(const nl_pls *p, size_t j) {
  return p && p->ipma && j < p->nc ? p->ipma->perf[j] : NAN;
}

double nl_pls_ipma_indicator_importance(const nl_pls *p, size_t i) {
  return p && p->ipma && i < p->ni ? p->ipma->iimp[i] : NAN;
}

double nl_pls_ipma_indicator_performance(const nl_pls *p, size_t i) {
  return p && p->ipma && i < p->ni ? p->ipma->iperf[i] : NAN;
}
