/*
 * The Monte Carlo loop: for every sample size and replication draw a sample from the population,
 * estimate the PLS model, bootstrap it and test every path; then summarize.
 *
 * Parallel over (size, replication) pairs with OpenMP; the bootstrap inside a replication runs on
 * that thread. Replication r at size n draws its data from the stream (seed, n, NL_RNG_SURVEY, r)
 * and its resample b from (seed, n, NL_RNG_BOOTSTRAP, r * 2^32 + b), and writes its results to
 * its own slots, so the output does not depend on the number of threads. Every buffer is
 * allocated per thread before the loop; nothing is allocated per replication or resample.
 */
#include <math.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/alloc.h"
#include "core/lapack.h"
#include "core/rng.h"
#include "core/stats.h"
#include "pls/pls_internal.h"
#include "power/power_internal.h"

typedef struct rep_ws {
  pls_ws ws;
  double *X;      /* nmax*ni sample */
  double *Xs;     /* nmax*ni scratch for the correlation matrices */
  double *S;      /* ni*ni */
  double *z;      /* ni */
  size_t *sel;    /* nmax */
  unsigned *cnt;  /* nmax */
  double *sw;     /* 2 max(nmax, ni) */
  double *boot;   /* nboot*np, resample-major */
  double *col;    /* nboot */
  size_t *perm;   /* empirical population: N row indices */
} rep_ws;

static void rep_ws_free(rep_ws *w) {
  pls_ws_free(&w->ws);
  nl_free(w->X);
  nl_free(w->Xs);
  nl_free(w->S);
  nl_free(w->z);
  nl_free(w->sel);
  nl_free(w->cnt);
  nl_free(w->sw);
  nl_free(w->boot);
  nl_free(w->col);
  nl_free(w->perm);
  memset(w, 0, sizeof *w); /* freeing twice is harmless */
}

static int rep_ws_init(rep_ws *w, const nl_pls *p, size_t nmax, size_t nboot, size_t nrow) {
  size_t ni = p->ni, np = p->np;
  memset(w, 0, sizeof *w);
  w->X = nl_malloc(nmax * ni * sizeof *w->X);
  w->Xs = nl_malloc(nmax * ni * sizeof *w->Xs);
  w->S = nl_malloc(ni * ni * sizeof *w->S);
  w->z = nl_malloc(ni * sizeof *w->z);
  w->sel = nl_malloc(nmax * sizeof *w->sel);
  w->cnt = nl_malloc(nmax * sizeof *w->cnt);
  w->sw = nl_malloc(2 * (nmax > ni ? nmax : ni) * sizeof *w->sw);
  w->boot = nl_malloc(nboot * np * sizeof *w->boot);
  w->col = nl_malloc(nboot * sizeof *w->col);
  w->perm = nl_malloc((nrow ? nrow : 1) * sizeof *w->perm);
  if (!w->perm || !w->X || !w->Xs || !w->S || !w->z || !w->sel || !w->cnt || !w->sw || !w->boot || !w->col ||
      pls_ws_init(&w->ws, &p->s) != 0) {
    rep_ws_free(w);
    return -1;
  }
  return 0;
}

/* Draw n rows x = F z into X (column-major), cut into K categories when K >= 2:
 * category c = 1 + #{thresholds below x}, thresholds -2.5 + 5k/K (k = 1..K-1). From an empirical
 * population: n of its N rows without replacement (a partial Fisher-Yates shuffle of 0..N-1,
 * restarted from the identity in every replication so that it depends on nothing else). */
static void draw_sample(const nl_power *pw, nl_rng *r, size_t n, rep_ws *w) {
  size_t ni = pw->ni;
  if (pw->nrow) {
    size_t N = pw->nrow;
    const double *src = pw->pls->X;
    for (size_t q = 0; q < N; q++) w->perm[q] = q;
    for (size_t row = 0; row < n; row++) {
      size_t j = row + (size_t)nl_rng_below(r, N - row), t = w->perm[row];
      w->perm[row] = w->perm[j];
      w->perm[j] = t;
      for (size_t i = 0; i < ni; i++) w->X[i * n + row] = src[i * N + w->perm[row]];
    }
    return;
  }
  int K = pw->opt.likert;
  for (size_t row = 0; row < n; row++) {
    for (size_t k = 0; k < ni; k++) w->z[k] = nl_rng_normal(r);
    for (size_t i = 0; i < ni; i++) {
      double v = 0;
      for (size_t k = 0; k < ni; k++) v += pw->F[i + k * ni] * w->z[k];
      if (K >= 2) {
        double c = floor((v + 2.5) * (double)K / 5.0); /* bins of width 5/K from -2.5 */
        v = 1 + (c < 0 ? 0 : c > K - 1 ? K - 1 : c);
      }
      w->X[i * n + row] = v;
    }
  }
}

/* PLS estimation on a correlation matrix; path k's estimate into out[k]. 0 ok, -1 failed. */
static int estimate_paths(const nl_pls *p, rep_ws *w, double *out, int *converged) {
  int what;
  size_t which;
  if (pls_core(&p->s, w->S, NULL, &w->ws, &what, &which) != 0) return -1;
  size_t nc = p->nc;
  for (size_t k = 0; k < p->np; k++) {
    out[k] = w->ws.B[p->pfrom[k] + p->pto[k] * nc];
    if (!isfinite(out[k])) return -1;
  }
  if (converged) *converged = w->ws.converged;
  return 0;
}

/*
 * One replication: returns 1 if estimated (est, sig, cov filled for every path), 0 if dropped.
 * *nonconv set when the full-sample estimation hit the iteration cap.
 */
static int replicate(const nl_power *pw, size_t n, size_t rep, rep_ws *w, double *est, unsigned char *sig,
                     unsigned char *cov, int *nonconv) {
  const nl_pls *p = pw->pls;
  const nl_power_options *o = &pw->opt;
  size_t np = pw->np, ni = pw->ni, B = o->nboot;
  nl_rng r;
  nl_rng_init(&r, o->seed, n, NL_RNG_SURVEY, rep);
  draw_sample(pw, &r, n, w);
  for (size_t q = 0; q < n; q++) w->cnt[q] = 1;
  int conv = 1;
  if (pls_resample_corr(w->X, NULL, w->cnt, n, ni, w->sel, w->sw, w->Xs, w->S) != 0 ||
      estimate_paths(p, w, est, &conv) != 0)
    return 0;
  *nonconv = !conv;
  size_t ok = 0;
  for (size_t b = 0; b < B; b++) {
    nl_rng_init(&r, o->seed, n, NL_RNG_BOOTSTRAP, ((uint64_t)rep << 32) | (uint64_t)b);
    memset(w->cnt, 0, n * sizeof *w->cnt);
    for (size_t q = 0; q < n; q++) w->cnt[nl_rng_below(&r, n)]++;
    if (pls_resample_corr(w->X, NULL, w->cnt, n, ni, w->sel, w->sw, w->Xs, w->S) != 0 ||
        estimate_paths(p, w, w->boot + ok * np, NULL) != 0)
      continue; /* dropped, as nl_pls_bootstrap drops failed resamples */
    ok++;
  }
  if (ok < 10) return 0;
  double a = o->alpha;
  double tq = o->test == NL_POWER_TEST_T ? nl_t_quantile(1 - (o->tails == 2 ? a / 2 : a), (double)(ok - 1)) : 0;
  for (size_t k = 0; k < np; k++) {
    double beta = pw->pval[k], e = est[k];
    int dir = beta < 0 ? -1 : 1; /* a one-tailed test looks in the direction of the population value */
    double lo, hi;
    if (o->test == NL_POWER_TEST_PERCENTILE) {
      for (size_t b = 0; b < ok; b++) w->col[b] = w->boot[b * np + k];
      double pl = o->tails == 2 ? a / 2 : a, pu = o->tails == 2 ? 1 - a / 2 : 1 - a;
      lo = pls_quantile7_select(w->col, ok, pl);
      hi = pls_quantile7_select(w->col, ok, pu);
    } else {
      double m = 0, ss = 0;
      for (size_t b = 0; b < ok; b++) m += w->boot[b * np + k];
      m /= (double)ok;
      for (size_t b = 0; b < ok; b++) ss += (w->boot[b * np + k] - m) * (w->boot[b * np + k] - m);
      double sd = sqrt(ss / (double)(ok - 1));
      lo = e - tq * sd;
      hi = e + tq * sd;
    }
    if (o->tails == 1) {
      if (dir > 0) hi = INFINITY;
      else lo = -INFINITY;
    }
    sig[k] = (unsigned char)(lo > 0 || hi < 0);
    cov[k] = (unsigned char)(lo <= beta && beta <= hi);
  }
  return 1;
}

void pw_results_free(nl_power *pw) {
  nl_free(pw->n);
  nl_free(pw->est);
  nl_free(pw->sig);
  nl_free(pw->cov);
  nl_free(pw->okrep);
  nl_free(pw->stat);
  pw->n = NULL;
  pw->est = NULL;
  pw->stat = NULL;
  pw->sig = pw->cov = pw->okrep = NULL;
}

nl_status nl_power_run(nl_power *pw, const size_t *n, size_t nn) {
  nl_status st = NL_OK;
  rep_ws *tws = NULL;
  int nthreads = 1;
  if (!pw || !pw->pls) return pw ? nl_err(&pw->err, NL_EINVAL, "no valid population model") : NL_EINVAL;
  if (!n || nn == 0) return nl_err(&pw->err, NL_EINVAL, "no sample sizes given");
  if (nn > 1000) return nl_err(&pw->err, NL_EINVAL, "%zu sample sizes are too many (at most 1000)", nn);
  size_t nmax = 0;
  for (size_t s = 0; s < nn; s++) {
    if (n[s] < pw->nmin || n[s] > 10000000)
      return nl_err(&pw->err, NL_EINVAL, "sample size %zu is out of range: the model needs %zu to 10^7 rows", n[s],
                    pw->nmin);
    if (pw->nrow && n[s] > pw->nrow)
      return nl_err(&pw->err, NL_EINVAL, "sample size %zu is larger than the population's %zu rows (samples are "
                    "drawn without replacement)", n[s], pw->nrow);
    for (size_t t = 0; t < s; t++)
      if (n[t] == n[s]) return nl_err(&pw->err, NL_EINVAL, "sample size %zu is given twice", n[s]);
    if (n[s] > nmax) nmax = n[s];
  }
  const nl_power_options *o = &pw->opt;
  size_t reps = o->reps, np = pw->np, cells;
  if (nl_mul_size(nn * reps, np ? np : 1, &cells) != 0) return nl_err(&pw->err, NL_ERANGE, "too many replications");
  pw->ran = 0;
  pw_results_free(pw);
  pw->n = nl_malloc(nn * sizeof *pw->n);
  pw->est = nl_malloc(cells * sizeof *pw->est);
  pw->sig = nl_malloc(cells);
  pw->cov = nl_malloc(cells);
  pw->okrep = nl_malloc(nn * reps);
  pw->stat = nl_calloc(nn * np, sizeof *pw->stat);
  unsigned char *nonconv = nl_calloc(nn * reps, 1);
  size_t *ord = nl_malloc(nn * sizeof *ord);
  nthreads = o->threads > 0 ? o->threads : 1;
  if ((size_t)nthreads > nn * reps) nthreads = (int)(nn * reps);
  tws = nl_calloc((size_t)nthreads, sizeof *tws);
  if (!pw->n || !pw->est || !pw->sig || !pw->cov || !pw->okrep || !pw->stat || !nonconv || !ord || !tws) {
    st = nl_err(&pw->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (int t = 0; t < nthreads; t++)
    if (rep_ws_init(&tws[t], pw->pls, nmax, o->nboot, pw->nrow) != 0) {
      st = nl_err(&pw->err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
  memcpy(pw->n, n, nn * sizeof *n);
  pw->nn = nn;
  /* largest sizes first: the most expensive tasks start early, so the threads finish together */
  for (size_t q = 0; q < nn; q++) {
    size_t rank = 0;
    for (size_t t = 0; t < nn; t++) rank += n[t] > n[q];
    ord[rank] = q;
  }

  int saved_blas = nl_blas_threads();
  nl_blas_set_threads(1);
  long total = (long)(nn * reps), done = 0;
  int cancel = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nthreads)
  for (long task = 0; task < total; task++) {
    int tid = 0, stop;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
#pragma omp atomic read
    stop = cancel;
    if (stop) continue;
    size_t s = ord[(size_t)task / reps], rep = (size_t)task % reps;
    size_t slot = s * reps + rep;
    int nc = 0;
    pw->okrep[slot] = (unsigned char)replicate(pw, n[s], rep, &tws[tid], pw->est + slot * np, pw->sig + slot * np,
                                               pw->cov + slot * np, &nc);
    nonconv[slot] = (unsigned char)(pw->okrep[slot] && nc);
    long now;
#pragma omp atomic capture
    now = ++done;
    if (o->progress && tid == 0 && o->progress(o->progress_user, now, total) != 0) {
#pragma omp atomic write
      cancel = 1;
    }
  }
  nl_blas_set_threads(saved_blas);
  if (cancel) {
    st = nl_err(&pw->err, NL_ECANCELED, "power analysis canceled after %ld of %ld replications", done, total);
    goto cleanup;
  }
  if (o->progress) o->progress(o->progress_user, total, total);

  /* summaries, in a fixed order */
  pw->nfail = pw->nnonconv = 0;
  for (size_t q = 0; q < nn * reps; q++) {
    pw->nfail += !pw->okrep[q];
    pw->nnonconv += nonconv[q];
  }
  for (size_t s = 0; s < nn; s++)
    for (size_t k = 0; k < np; k++) {
      nl_power_stat *x = &pw->stat[s * np + k];
      double beta = pw->pval[k], sum = 0, sse = 0;
      size_t m = 0, nsig = 0, ncov = 0;
      for (size_t r = 0; r < reps; r++) {
        size_t slot = s * reps + r;
        if (!pw->okrep[slot]) continue;
        double e = pw->est[slot * np + k];
        m++;
        sum += e;
        sse += (e - beta) * (e - beta);
        nsig += pw->sig[slot * np + k];
        ncov += pw->cov[slot * np + k];
      }
      x->n = n[s];
      x->reps = m;
      if (m == 0) {
        x->power = x->mc_se = x->mean_estimate = x->bias = x->rmse = x->coverage = NAN;
        continue;
      }
      x->power = (double)nsig / (double)m;
      x->mc_se = sqrt(x->power * (1 - x->power) / (double)m);
      x->mean_estimate = sum / (double)m;
      x->bias = x->mean_estimate - beta;
      x->rmse = sqrt(sse / (double)m);
      x->coverage = (double)ncov / (double)m;
    }
  pw->ran = 1;

cleanup:
  if (tws)
    for (int t = 0; t < nthreads; t++) rep_ws_free(&tws[t]);
  nl_free(tws);
  nl_free(nonconv);
  nl_free(ord);
  return st;
}

nl_status nl_power_get(nl_power *pw, size_t s, size_t k, nl_power_stat *out) {
  if (!pw) return NL_EINVAL;
  if (!pw->ran) return nl_err(&pw->err, NL_EINVAL, "no results: call nl_power_run first");
  if (s >= pw->nn || k >= pw->np)
    return nl_err(&pw->err, NL_EINVAL, "no result for size index %zu and path %zu", s, k);
  *out = pw->stat[s * pw->np + k];
  return NL_OK;
}

/*
 * Logistic regression of significance (0/1 per replication) on sqrt(n), by Newton's method on the
 * grouped data. sqrt(n) because the power of a z test, Phi(delta sqrt(n) - z), is close to
 * linear in sqrt(n) on the logit scale. Returns 0 with (a, b), or -1 when the fit is undefined
 * (all or no replications significant everywhere, or no convergence).
 */
static int logistic_fit(const nl_power *pw, size_t k, double *a, double *b) {
  size_t nn = pw->nn, reps = pw->opt.reps, np = pw->np;
  double ca = 0, cb = 0;
  size_t tot = 0, succ = 0;
  for (size_t s = 0; s < nn; s++) {
    tot += pw->stat[s * np + k].reps;
    for (size_t r = 0; r < reps; r++)
      if (pw->okrep[s * reps + r]) succ += pw->sig[(s * reps + r) * np + k];
  }
  if (succ == 0 || succ == tot) return -1;
  for (int it = 0; it < 100; it++) {
    double g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    for (size_t s = 0; s < nn; s++) {
      const nl_power_stat *x = &pw->stat[s * np + k];
      if (x->reps == 0) continue;
      double xs = sqrt((double)x->n), m = (double)x->reps, y = x->power * m;
      double eta = ca + cb * xs, pr = 1 / (1 + exp(-eta)), wgt = m * pr * (1 - pr);
      g0 += y - m * pr;
      g1 += (y - m * pr) * xs;
      h00 += wgt;
      h01 += wgt * xs;
      h11 += wgt * xs * xs;
    }
    double det = h00 * h11 - h01 * h01;
    if (!(fabs(det) > 1e-300)) return -1;
    double da = (h11 * g0 - h01 * g1) / det, db = (h00 * g1 - h01 * g0) / det;
    ca += da;
    cb += db;
    if (!isfinite(ca) || !isfinite(cb) || fabs(cb) > 1e6) return -1;
    if (fabs(da) < 1e-10 && fabs(db) < 1e-10) {
      *a = ca;
      *b = cb;
      return 0;
    }
  }
  return -1;
}

nl_status nl_power_get_min_n(nl_power *pw, size_t k, nl_power_min_n *out) {
  if (!pw) return NL_EINVAL;
  if (!pw->ran) return nl_err(&pw->err, NL_EINVAL, "no results: call nl_power_run first");
  if (k >= pw->np) return nl_err(&pw->err, NL_EINVAL, "no path %zu", k);
  const nl_power_options *o = &pw->opt;
  double beta = pw->pval[k];
  out->n80 = out->n90 = NAN;
  out->extrapolated = 0;
  out->type1 = NAN;
  out->ten_times = pw->ten_times;
  double za = nl_normal_quantile(1 - (o->tails == 2 ? o->alpha / 2 : o->alpha)), zp = nl_normal_quantile(0.8);
  out->isr = beta != 0 ? ceil((za + zp) * (za + zp) / (beta * beta)) : NAN;
  if (beta == 0) {
    size_t m = 0, sig = 0;
    for (size_t s = 0; s < pw->nn; s++) {
      m += pw->stat[s * pw->np + k].reps;
      for (size_t r = 0; r < o->reps; r++)
        if (pw->okrep[s * o->reps + r]) sig += pw->sig[(s * o->reps + r) * pw->np + k];
    }
    out->type1 = m ? (double)sig / (double)m : NAN;
    return NL_OK;
  }
  double a, b;
  if (logistic_fit(pw, k, &a, &b) != 0 || !(b > 0)) return NL_OK;
  size_t lo = pw->n[0], hi = pw->n[0];
  for (size_t s = 1; s < pw->nn; s++) {
    if (pw->n[s] < lo) lo = pw->n[s];
    if (pw->n[s] > hi) hi = pw->n[s];
  }
  const double target[2] = {0.8, 0.9};
  double *res[2] = {&out->n80, &out->n90};
  for (int q = 0; q < 2; q++) {
    double root = (log(target[q] / (1 - target[q])) - a) / b;
    double nreq = root > 0 ? ceil(root * root) : (double)pw->nmin;
    if (nreq < (double)pw->nmin) nreq = (double)pw->nmin;
    if (nreq > 1e7) continue;
    *res[q] = nreq;
    if (nreq < (double)lo || nreq > (double)hi) out->extrapolated = 1;
  }
  return NL_OK;
}
