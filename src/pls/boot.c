/*
 * Bootstrap of a PLS-SEM estimation, parallel over resamples with OpenMP.
 *
 * Determinism: resample b draws its rows from its own counter-based stream (seed, stream,
 * NL_RNG_BOOTSTRAP, b) and writes its statistics to row b of the result matrix, so the result is
 * identical for any number of threads and any schedule. Each thread owns a workspace allocated
 * before the parallel region; nothing is allocated per resample. OpenBLAS (pthreads build) is
 * switched to one thread for the duration, and restored afterwards.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/alloc.h"
#include "core/lapack.h"
#include "core/rng.h"
#include "core/stats.h"
#include "pls/pls_internal.h"

void nl_pls_boot_options_default(nl_pls_boot_options *o) {
  memset(o, 0, sizeof *o);
  o->nboot = 500;
  o->seed = 1;
  o->stream = 0;
  o->threads = 1;
  o->ci = NL_PLS_CI_PERCENTILE;
  o->alpha = 0.05;
}

int pls_stats_layout(nl_pls *p) {
  size_t nc = p->nc, ni = p->ni;
  if (p->tot_idx) return 0;
  p->tot_idx = nl_malloc(nc * nc * sizeof *p->tot_idx);
  p->ind_idx = nl_malloc(nc * nc * sizeof *p->ind_idx);
  p->rsq_idx = nl_malloc(nc * sizeof *p->rsq_idx);
  unsigned char *reach = nl_calloc(nc * nc, 1);
  if (!p->tot_idx || !p->ind_idx || !p->rsq_idx || !reach) {
    nl_free(reach);
    nl_free(p->tot_idx), p->tot_idx = NULL;
    return -1;
  }
  memcpy(reach, p->s.adj, nc * nc);
  for (size_t k = 0; k < nc; k++)
    for (size_t i = 0; i < nc; i++)
      if (reach[i * nc + k])
        for (size_t j = 0; j < nc; j++)
          if (reach[k * nc + j]) reach[i * nc + j] = 1;
  long nt = 0, nin = 0, nr = 0;
  for (size_t i = 0; i < nc; i++)
    for (size_t j = 0; j < nc; j++) {
      p->tot_idx[i + j * nc] = reach[i * nc + j] ? nt++ : -1;
      int two = 0;
      for (size_t k = 0; k < nc && !two; k++) two = p->s.adj[i * nc + k] && reach[k * nc + j];
      p->ind_idx[i + j * nc] = two ? nin++ : -1;
    }
  for (size_t j = 0; j < nc; j++) p->rsq_idx[j] = p->s.npred[j] ? nr++ : -1;
  nl_free(reach);
  p->off_w = 0;
  p->off_l = ni;
  p->off_p = 2 * ni;
  p->off_t = p->off_p + p->np;
  p->off_i = p->off_t + (size_t)nt;
  p->off_s = p->off_i + (size_t)nin;
  p->off_r = p->off_s + p->nspec;
  p->off_h = p->off_r + (size_t)nr;
  p->nstat = p->off_h + nc * (nc - 1) / 2;
  return 0;
}

/* Position of pair (j, l), j < l, among the nc(nc-1)/2 HTMT pairs. */
static size_t pair_index(size_t nc, size_t j, size_t l) {
  return j * nc - j * (j + 1) / 2 + (l - j - 1);
}

void pls_fill_stats(const nl_pls *p, const pls_ws *ws, const double *S, double *out) {
  size_t nc = p->nc, ni = p->ni;
  const double *B = ws->B;
  memcpy(out + p->off_w, ws->w, ni * sizeof *out);
  memcpy(out + p->off_l, ws->load, ni * sizeof *out);
  for (size_t k = 0; k < p->np; k++) out[p->off_p + k] = B[p->pfrom[k] + p->pto[k] * nc];
  /* total effects: sum over chains = sum of products along paths; computed per pair by the
   * recursion T[i][j] = B[i][j] + sum_k T[i][k] B[k][j] over the structural order. */
  double *Tt = out + p->off_t; /* indexed through tot_idx */
  for (size_t t = p->off_t; t < p->off_i; t++) out[t] = 0.0;
  for (size_t pass = 0; pass < nc; pass++) {
    int changed = 0;
    for (size_t i = 0; i < nc; i++)
      for (size_t j = 0; j < nc; j++) {
        long t = p->tot_idx[i + j * nc];
        if (t < 0) continue;
        double v = B[i + j * nc];
        for (size_t k = 0; k < nc; k++) {
          long tk = p->tot_idx[i + k * nc];
          if (tk >= 0 && B[k + j * nc] != 0) v += Tt[tk] * B[k + j * nc];
        }
        if (pass == 0 || Tt[t] != v) changed = 1;
        Tt[t] = v;
      }
    if (!changed) break;
  }
  for (size_t i = 0; i < nc; i++)
    for (size_t j = 0; j < nc; j++) {
      long t = p->ind_idx[i + j * nc];
      if (t >= 0) out[p->off_i + (size_t)t] = Tt[p->tot_idx[i + j * nc]] - B[i + j * nc];
    }
  for (size_t k = 0; k < p->nspec; k++) {
    const size_t *c = p->chain_nodes + p->chain_start[k];
    double v = 1;
    for (size_t q = 0; q + 1 < p->chain_len[k]; q++) v *= B[c[q] + c[q + 1] * nc];
    out[p->off_s + k] = v;
  }
  for (size_t j = 0; j < nc; j++)
    if (p->rsq_idx[j] >= 0) out[p->off_r + (size_t)p->rsq_idx[j]] = ws->rsq[j];
  for (size_t j = 0; j < nc; j++)
    for (size_t l = j + 1; l < nc; l++) {
      size_t a = p->istart[j], ka = p->icount[j], b = p->istart[l], kb = p->icount[l];
      double ht = 0, mta = 1, mtb = 1;
      for (size_t r = 0; r < ka; r++)
        for (size_t c = 0; c < kb; c++) ht += fabs(S[(a + r) + (b + c) * ni]);
      ht /= (double)(ka * kb);
      if (ka > 1) {
        mta = 0;
        for (size_t r = 0; r < ka; r++)
          for (size_t c = r + 1; c < ka; c++) mta += fabs(S[(a + r) + (a + c) * ni]);
        mta /= (double)(ka * (ka - 1) / 2);
      }
      if (kb > 1) {
        mtb = 0;
        for (size_t r = 0; r < kb; r++)
          for (size_t c = r + 1; c < kb; c++) mtb += fabs(S[(b + r) + (b + c) * ni]);
        mtb /= (double)(kb * (kb - 1) / 2);
      }
      out[p->off_h + pair_index(nc, j, l)] = ht / sqrt(mta * mtb);
    }
}

typedef struct thread_ws {
  pls_ws ws;
  double *X;  /* n*ni resampled data */
  double *S;  /* ni*ni */
  size_t *sel;    /* n: distinct rows of the resample */
  unsigned *cnt;  /* n: how often each row was drawn */
  double *sw;     /* 2 * max(n, ni) */
} thread_ws;

/*
 * Correlation matrix S of a resample given as counts: row r of the n x ni data `src` appears
 * cnt[r] times. Only the m distinct rows drawn (about 63% of n) are touched: each is centred by
 * the resample's mean and scaled by sqrt(cnt[r]) into X (m x ni), so that X'X is the resample's
 * centred cross-product matrix. Missing values (only in columns flagged in `colna`) are replaced
 * by the resample's mean of the observed values, i.e. contribute 0 after centring, as seminr's
 * mean replacement inside each resample. `sel` (n) and `sw` (2n) are scratch. Returns -1 if a
 * column has zero variance or no observed value.
 */
int pls_resample_corr(const double *src, const unsigned char *colna, const unsigned *cnt, size_t n, size_t ni,
                         size_t *sel, double *sw, double *X, double *S) {
  size_t m = 0;
  double *cw = sw + n; /* counts as doubles */
  for (size_t r = 0; r < n; r++)
    if (cnt[r]) {
      sel[m] = r;
      cw[m] = (double)cnt[r];
      sw[m] = sqrt(cw[m]);
      m++;
    }
  for (size_t i = 0; i < ni; i++) {
    const double *s = src + i * n;
    double *x = X + i * m;
    double sum = 0, mean;
    if (!colna || !colna[i]) {
      /* four partial sums: the loop is bound by the latency of the additions */
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      size_t q = 0;
      for (; q + 4 <= m; q += 4) {
        s0 += cw[q] * s[sel[q]];
        s1 += cw[q + 1] * s[sel[q + 1]];
        s2 += cw[q + 2] * s[sel[q + 2]];
        s3 += cw[q + 3] * s[sel[q + 3]];
      }
      for (; q < m; q++) s0 += cw[q] * s[sel[q]];
      sum = (s0 + s1) + (s2 + s3);
      mean = sum / (double)n;
      for (size_t k = 0; k < m; k++) x[k] = (s[sel[k]] - mean) * sw[k];
    } else {
      double w = 0;
      for (size_t k = 0; k < m; k++) {
        double v = s[sel[k]];
        if (!isnan(v)) sum += cw[k] * v, w += cw[k];
      }
      if (w == 0) return -1;
      mean = sum / w;
      for (size_t k = 0; k < m; k++) {
        double v = s[sel[k]];
        x[k] = isnan(v) ? 0.0 : (v - mean) * sw[k];
      }
    }
  }
  nl_dsyrk('L', 'T', (int)ni, (int)m, 1.0, X, (int)m, 0.0, S, (int)ni);
  /* scale to correlations; sw is reused as scratch for 1/sd */
  double *isd = sw;
  for (size_t i = 0; i < ni; i++) {
    double v = S[i + i * ni];
    if (!(v > 1e-24 * (double)n)) return -1;
    isd[i] = 1.0 / sqrt(v);
  }
  for (size_t k = 0; k < ni; k++) {
    S[k + k * ni] = 1.0;
    for (size_t i = k + 1; i < ni; i++) S[k + i * ni] = S[i + k * ni] = S[i + k * ni] * isd[i] * isd[k];
  }
  return 0;
}

/* The resamples, in parallel: resample b's statistics into row b of p->boot and its verdict into
 * flag[b] (0 ok, 1 failed, 2 not converged). OpenBLAS runs one thread meanwhile. Returns the
 * number done; *canceled when the progress callback asked to stop. */
static long resample_all(nl_pls *p, const nl_pls_boot_options *o, thread_ws *tws, int nthreads, unsigned char *flag,
                         int *canceled) {
  size_t nb = o->nboot, n = p->n, ni = p->ni, ns = p->nstat;
  int saved_blas = nl_blas_threads();
  nl_blas_set_threads(1);
  const double *src = p->Xna ? p->Xna : p->X;
  unsigned char *colna = NULL;
  if (p->Xna) {
    colna = flag + nb; /* allocated with flag */
    for (size_t i = 0; i < ni; i++) {
      colna[i] = 0;
      for (size_t q = 0; q < n && !colna[i]; q++) colna[i] = (unsigned char)(isnan(p->Xna[i * n + q]) != 0);
    }
  }
  long nbl = (long)nb, done = 0;
  int cancel = 0;
#pragma omp parallel for schedule(dynamic, 8) num_threads(nthreads)
  for (long b = 0; b < nbl; b++) {
    int tid = 0, stop;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
#pragma omp atomic read
    stop = cancel;
    if (stop) continue;
    thread_ws *tw = &tws[tid];
    nl_rng r;
    nl_rng_init(&r, o->seed, o->stream, NL_RNG_BOOTSTRAP, (uint64_t)b);
    memset(tw->cnt, 0, n * sizeof *tw->cnt);
    for (size_t q = 0; q < n; q++) tw->cnt[nl_rng_below(&r, n)]++;
    int what;
    size_t which;
    unsigned char f = 0;
    if (pls_resample_corr(src, colna, tw->cnt, n, ni, tw->sel, tw->sw, tw->X, tw->S) != 0 || pls_core(&p->s, tw->S, NULL, &tw->ws, &what, &which) != 0) {
      f = 1;
    } else {
      if (p->s.ckind) { /* resample sds from the 1/sqrt((n-1) var) resample_corr left in sw */
        double *sd = tw->sw + (n > ni ? n : ni);
        for (size_t i = 0; i < ni; i++) sd[i] = 1.0 / (tw->sw[i] * sqrt((double)(n - 1)));
        pls_interaction_adjust(&p->s, sd, &tw->ws);
      }
      pls_fill_stats(p, &tw->ws, tw->S, p->boot + (size_t)b * ns);
      if (!tw->ws.converged) f = 2;
      for (size_t k = 0; k < ns && f != 1; k++)
        if (!isfinite(p->boot[(size_t)b * ns + k])) f = 1;
    }
    flag[b] = f;
    long now_done;
#pragma omp atomic capture
    now_done = ++done;
    /* progress from one thread only (callbacks need not be thread-safe) */
    if (o->progress && tid == 0 && o->progress(o->progress_user, now_done, nbl) != 0) {
#pragma omp atomic write
      cancel = 1;
    }
  }
  nl_blas_set_threads(saved_blas);
  *canceled = cancel;
  return done;
}

/* Keep the successful resamples' rows, in order; count the failed and the non-converged ones.
 * Returns how many were kept. */
static size_t keep_successful(nl_pls *p, const unsigned char *flag, size_t nb) {
  size_t ok = 0, ns = p->nstat;
  p->nfail = p->nnonconv = 0;
  for (size_t b = 0; b < nb; b++) {
    if (flag[b] == 1) {
      p->nfail++;
      continue;
    }
    if (flag[b] == 2) p->nnonconv++;
    if (ok != b) memmove(p->boot + ok * ns, p->boot + b * ns, ns * sizeof *p->boot);
    ok++;
  }
  return ok;
}

/* Jackknife for the BCa acceleration: the statistics of every leave-one-out sample (row q of
 * *jack, NaN where it cannot be estimated), from the full cross-product matrix downdated by one row
 * at a time. tws[0].X is scratch. Caller frees *jack. */
static nl_status jackknife(nl_pls *p, thread_ws *tws, int nthreads, double **jackp) {
  nl_status st = NL_OK;
  size_t n = p->n, ni = p->ni, ns = p->nstat;
  double *jack = NULL, *M = NULL, *mu = NULL;
  jack = nl_malloc(n * ns * sizeof *jack);
  M = nl_malloc(ni * ni * sizeof *M);
  mu = nl_malloc(ni * sizeof *mu);
  if (!jack || !M || !mu) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  double *Xc = tws[0].X;
  for (size_t i = 0; i < ni; i++) {
    double m = 0;
    for (size_t q = 0; q < n; q++) m += p->X[i * n + q];
    mu[i] = m / (double)n;
    for (size_t q = 0; q < n; q++) Xc[i * n + q] = p->X[i * n + q] - mu[i];
  }
  nl_dsyrk('L', 'T', (int)ni, (int)n, 1.0, Xc, (int)n, 0.0, M, (int)ni);
  for (size_t i = 0; i < ni; i++)
    for (size_t k = i + 1; k < ni; k++) M[i + k * ni] = M[k + i * ni];
  int saved_blas = nl_blas_threads();
  nl_blas_set_threads(1);
  long nl = (long)n;
  double fct = (double)n / (double)(n - 1);
#pragma omp parallel for schedule(dynamic, 8) num_threads(nthreads)
  for (long q = 0; q < nl; q++) {
    int tid = 0;
#ifdef _OPENMP
    tid = omp_get_thread_num();
#endif
    thread_ws *tw = &tws[tid];
    double *u = tw->X; /* reuse as scratch: ni values */
    double *S = tw->S;
    for (size_t i = 0; i < ni; i++) u[i] = p->X[i * n + (size_t)q] - mu[i];
    for (size_t i = 0; i < ni; i++)
      for (size_t k = 0; k <= i; k++) S[i + k * ni] = M[i + k * ni] - fct * u[i] * u[k];
    int bad = 0;
    for (size_t i = 0; i < ni; i++) bad |= !(S[i + i * ni] > 0);
    int what;
    size_t which;
    double *row = jack + (size_t)q * ns;
    if (!bad) {
      for (size_t i = 0; i < ni; i++) u[ni + i] = 1.0 / sqrt(S[i + i * ni]);
      for (size_t i = 0; i < ni; i++) {
        for (size_t k = 0; k < i; k++) S[i + k * ni] = S[k + i * ni] = S[i + k * ni] * u[ni + i] * u[ni + k];
        S[i + i * ni] = 1.0;
      }
    }
    if (bad || pls_core(&p->s, S, NULL, &tw->ws, &what, &which) != 0) {
      for (size_t k = 0; k < ns; k++) row[k] = NAN;
    } else {
      if (p->s.ckind) { /* leave-one-out sds: u[ni + i] = 1/sqrt((n-2) var) */
        double *sd = u + 2 * ni;
        for (size_t i = 0; i < ni; i++) sd[i] = 1.0 / (u[ni + i] * sqrt((double)(n - 2)));
        pls_interaction_adjust(&p->s, sd, &tw->ws);
      }
      pls_fill_stats(p, &tw->ws, S, row);
    }
  }
  nl_blas_set_threads(saved_blas);
  *jackp = jack;
  jack = NULL;
cleanup:
  nl_free(jack);
  nl_free(M);
  nl_free(mu);
  return st;
}

/* Per statistic: mean, sd, t, p and the percentile or BCa interval of the ok resamples; the
 * one-sided HTMT upper bounds. col: ok doubles of scratch. */
static nl_status summarize(nl_pls *p, const nl_pls_boot_options *o, size_t ok, const double *jack, double *col) {
  size_t n = p->n, ns = p->nstat;
  double za = nl_normal_quantile(o->alpha / 2), zb = nl_normal_quantile(1 - o->alpha / 2);
  double z1 = nl_normal_quantile(1 - o->alpha);
  size_t npair = p->nc * (p->nc - 1) / 2;
  nl_free(p->htmt_ub);
  p->htmt_ub = nl_malloc((npair ? npair : 1) * sizeof *p->htmt_ub);
  if (!p->htmt_ub) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  for (size_t k = 0; k < ns; k++) {
    nl_pls_boot_stat *bs = &p->bstat[k];
    double sum = 0, ss = 0;
    for (size_t b = 0; b < ok; b++) col[b] = p->boot[b * ns + k], sum += col[b];
    double mean = sum / (double)ok;
    for (size_t b = 0; b < ok; b++) ss += (col[b] - mean) * (col[b] - mean);
    bs->original = p->orig[k];
    bs->mean = mean;
    bs->sd = sqrt(ss / (double)(ok - 1));
    /* a constant (e.g. the weight of a single indicator) has no sampling distribution: seminr
     * reports its t as NA too */
    int constant = !(bs->sd > 1e-12 * (fabs(mean) + 1.0));
    bs->t = constant ? NAN : bs->original / bs->sd;
    bs->p = constant ? NAN : pls_t_sf2(bs->t, (double)(ok - 1));
    double pl = o->alpha / 2, pu = 1 - o->alpha / 2, z0h = NAN, acch = 0;
    if (o->ci == NL_PLS_CI_BCA) {
      size_t below = 0, equal = 0;
      for (size_t b = 0; b < ok; b++) below += col[b] < bs->original, equal += col[b] == bs->original;
      double z0 = nl_normal_quantile(((double)below + 0.5 * (double)equal) / (double)ok);
      double jm = 0, num = 0, den = 0;
      size_t nj = 0;
      for (size_t q = 0; q < n; q++)
        if (!isnan(jack[q * ns + k])) jm += jack[q * ns + k], nj++;
      jm /= (double)(nj ? nj : 1);
      for (size_t q = 0; q < n; q++) {
        double v = jack[q * ns + k];
        if (isnan(v)) continue;
        double d = jm - v;
        num += d * d * d;
        den += d * d;
      }
      double acc = den > 0 ? num / (6.0 * pow(den, 1.5)) : 0.0;
      z0h = z0, acch = acc;
      pl = nl_normal_cdf(z0 + (z0 + za) / (1 - acc * (z0 + za)));
      pu = nl_normal_cdf(z0 + (z0 + zb) / (1 - acc * (z0 + zb)));
      if (!isfinite(z0)) pl = pu = NAN;
    }
    bs->lo = pls_quantile7_select(col, ok, pl);
    bs->hi = pls_quantile7_select(col, ok, pu);
    if (k >= p->off_h && k < p->off_h + npair) {
      /* one-sided upper bound of HTMT at level 1 - alpha: the upper limit of the two-sided
       * interval at level 1 - 2 alpha (cSEM's testHTMT()), percentile or BCa */
      double p1 = 1 - o->alpha;
      if (o->ci == NL_PLS_CI_BCA) p1 = isfinite(z0h) ? nl_normal_cdf(z0h + (z0h + z1) / (1 - acch * (z0h + z1))) : NAN;
      p->htmt_ub[k - p->off_h] = pls_quantile7_select(col, ok, p1);
    }
  }
  return NL_OK;
}

nl_status nl_pls_bootstrap(nl_pls *p, const nl_pls_boot_options *opt) {
  nl_status st = NL_OK;
  nl_pls_boot_options o;
  thread_ws *tws = NULL;
  unsigned char *flag = NULL;
  double *col = NULL, *jack = NULL;
  int nthreads = 1;
  if (!p) return NL_EINVAL;
  if (!p->estimated) return nl_err(&p->err, NL_EINVAL, "nl_pls_bootstrap: estimate the model first");
  if (opt) o = *opt;
  else nl_pls_boot_options_default(&o);
  if (o.nboot == 0) o.nboot = 500;
  if (!(o.alpha > 0 && o.alpha < 1)) o.alpha = 0.05;
  nthreads = o.threads > 0 ? o.threads : 1;
  size_t nb = o.nboot, n = p->n, ni = p->ni;
  if ((size_t)nthreads > nb) nthreads = (int)nb; /* no idle workspaces */
  p->booted = 0;
  if (pls_stats_layout(p) != 0) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  size_t ns = p->nstat, cells;
  if (nl_mul_size(nb, ns, &cells) != 0) return nl_err(&p->err, NL_ERANGE, "too many resamples");
  nl_free(p->boot);
  p->boot = nl_malloc(cells * sizeof *p->boot);
  if (!p->orig) p->orig = nl_malloc(ns * sizeof *p->orig);
  if (!p->bstat) p->bstat = nl_malloc(ns * sizeof *p->bstat);
  flag = nl_calloc(nb + ni, 1);
  col = nl_malloc(nb * sizeof *col);
  tws = nl_calloc((size_t)nthreads, sizeof *tws);
  if (!p->boot || !p->orig || !p->bstat || !flag || !col || !tws) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (int t = 0; t < nthreads; t++) {
    tws[t].X = nl_malloc(n * ni * sizeof *tws[t].X);
    tws[t].S = nl_malloc(ni * ni * sizeof *tws[t].S);
    tws[t].sel = nl_malloc(n * sizeof *tws[t].sel);
    tws[t].cnt = nl_malloc(n * sizeof *tws[t].cnt);
    tws[t].sw = nl_malloc(2 * (n > ni ? n : ni) * sizeof *tws[t].sw);
    if (!tws[t].X || !tws[t].S || !tws[t].sel || !tws[t].cnt || !tws[t].sw || pls_ws_init(&tws[t].ws, &p->s) != 0) {
      st = nl_err(&p->err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
  }
  pls_fill_stats(p, &p->ws, p->S, p->orig);

  int cancel = 0;
  long done = resample_all(p, &o, tws, nthreads, flag, &cancel), nbl = (long)nb;
  if (cancel) {
    st = nl_err(&p->err, NL_ECANCELED, "bootstrap canceled after %ld of %zu resamples", done, nb);
    goto cleanup;
  }
  if (o.progress) o.progress(o.progress_user, nbl, nbl);

  size_t ok = keep_successful(p, flag, nb);
  p->nboot_ok = ok;
  if (ok < 2) {
    st = nl_err(&p->err, NL_ENUMERIC, "bootstrap: only %zu of %zu resamples could be estimated", ok, nb);
    goto cleanup;
  }

  if (o.ci == NL_PLS_CI_BCA && (st = jackknife(p, tws, nthreads, &jack)) != NL_OK) goto cleanup;
  if ((st = summarize(p, &o, ok, jack, col)) != NL_OK) goto cleanup;
  p->bopt = o;
  p->booted = 1;

cleanup:
  if (tws)
    for (int t = 0; t < nthreads; t++) {
      nl_free(tws[t].X);
      nl_free(tws[t].S);
      nl_free(tws[t].sel);
      nl_free(tws[t].cnt);
      nl_free(tws[t].sw);
      pls_ws_free(&tws[t].ws);
    }
  nl_free(tws);
  nl_free(flag);
  nl_free(col);
  nl_free(jack);
  return st;
}

/* Index of a quantity in the statistics vector, or -1. */
static long stat_index(const nl_pls *p, nl_pls_quantity q, size_t a, size_t b) {
  size_t nc = p->nc;
  switch (q) {
  case NL_PLS_Q_WEIGHT:
    return a < p->ni ? (long)(p->off_w + a) : -1;
  case NL_PLS_Q_LOADING:
    return a < p->ni ? (long)(p->off_l + a) : -1;
  case NL_PLS_Q_PATH:
    for (size_t k = 0; k < p->np; k++)
      if (p->pfrom[k] == a && p->pto[k] == b) return (long)(p->off_p + k);
    return -1;
  case NL_PLS_Q_TOTAL:
    return a < nc && b < nc && p->tot_idx[a + b * nc] >= 0 ? (long)p->off_t + p->tot_idx[a + b * nc] : -1;
  case NL_PLS_Q_INDIRECT:
    return a < nc && b < nc && p->ind_idx[a + b * nc] >= 0 ? (long)p->off_i + p->ind_idx[a + b * nc] : -1;
  case NL_PLS_Q_SPECIFIC:
    return a < p->nspec ? (long)(p->off_s + a) : -1;
  case NL_PLS_Q_RSQ:
    return a < nc && p->rsq_idx[a] >= 0 ? (long)p->off_r + p->rsq_idx[a] : -1;
  case NL_PLS_Q_HTMT:
    if (a >= nc || b >= nc || a == b) return -1;
    if (a > b) {
      size_t t = a;
      a = b;
      b = t;
    }
    return (long)(p->off_h + pair_index(nc, a, b));
  }
  return -1;
}

nl_status nl_pls_boot_get(nl_pls *p, nl_pls_quantity q, size_t a, size_t b, nl_pls_boot_stat *out) {
  if (!p->booted) return nl_err(&p->err, NL_EINVAL, "no bootstrap results (call nl_pls_bootstrap first)");
  long k = stat_index(p, q, a, b);
  if (k < 0) return nl_err(&p->err, NL_EINVAL, "no such bootstrapped quantity (%d, %zu, %zu)", (int)q, a, b);
  *out = p->bstat[k];
  return NL_OK;
}

double nl_pls_htmt_upper(const nl_pls *p, size_t j, size_t k) {
  if (!p || !p->booted || j >= p->nc || k >= p->nc || j == k) return NAN;
  return p->htmt_ub[(size_t)stat_index(p, NL_PLS_Q_HTMT, j, k) - p->off_h];
}

size_t nl_pls_boot_n(const nl_pls *p) { return p && p->booted ? p->nboot_ok : 0; }
size_t nl_pls_boot_failed(const nl_pls *p) { return p && p->booted ? p->nfail : 0; }
size_t nl_pls_boot_nonconverged(const nl_pls *p) { return p && p->booted ? p->nnonconv : 0; }

double nl_pls_boot_value(const nl_pls *p, nl_pls_quantity q, size_t a, size_t b, size_t r) {
  if (!p || !p->booted || r >= p->nboot_ok) return NAN;
  long k = stat_index(p, q, a, b);
  return k < 0 ? NAN : p->boot[r * p->nstat + (size_t)k];
}
