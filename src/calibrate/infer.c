/*
 * Inference at the estimate: the Jacobian G of the statistics (least squares over seven points), standard
 * errors, the J test, per-target misfit, profiles of Q and the identification check.
 *
 * Variance (variance.c). The estimate's error comes from the observed values (Omega_obs: their
 * se^2 with the simulated statistics' correlations) and from the simulated statistics (Omega_sim:
 * their covariance over the replications at the estimate, sample covariance / R for means). With
 * W = diag(w) the objective's weights and A = G'WG:
 *     Var(theta) = A^-1 G'W (Omega_obs + Omega_sim) W G A^-1.
 * When the observed values are statistics of one run and se is their SD, Omega_sim = Omega_obs/R
 * and, with W = Omega_obs^-1, this is the textbook (1 + 1/R)(G'WG)^-1; when they average N runs
 * (se^2 = Sigma1/N) it is (1/N + 1/R) Sigma1 in place of (1 + 1/R) Sigma1/N.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calibrate/calib_impl.h"
#include "core/alloc.h"
#include "core/lapack.h"
#include "core/rng.h"
#include "core/stats.h"

/* Append a line to c->ident. */
static void say(nl_calib *c, char *buf, size_t cap, const char *line) {
  size_t len = strlen(buf);
  snprintf(buf + len, cap - len, "%s\n", line);
  (void)c;
}

/* Correlation of x[i * stride] and y[i * stride], i < n (NaN when either does not vary). */
static double pearson_strided(const double *x, const double *y, size_t n, size_t stride) {
  double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; i++) mx += x[i * stride], my += y[i * stride];
  mx /= (double)n;
  my /= (double)n;
  for (size_t i = 0; i < n; i++) {
    double a = x[i * stride] - mx, b = y[i * stride] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

enum { JAC_NPT = 7 };

/* Parameter j at k Jacobian steps from the estimate, clamped to its bounds: the Jacobian's points
 * and the profiles' points near the estimate, computed once here so that the profiles find the
 * Jacobian's evaluations in the cache (its key is theta's exact text). */
static double step_point(const nl_calib *c, size_t j, int k) {
  double h = c->jac_step * (c->hi[j] - c->lo[j]);
  return fmin(fmax(c->theta_hat[j] + k * h, c->lo[j]), c->hi[j]);
}

/* Least-squares slope of y[i * stride] on t[i], i < n. */
static double ls_slope(const double *t, const double *y, size_t n, size_t stride) {
  double tb = 0, yb = 0, stt = 0, sty = 0;
  for (size_t i = 0; i < n; i++) tb += t[i], yb += y[i * stride];
  tb /= (double)n;
  yb /= (double)n;
  for (size_t i = 0; i < n; i++) stt += (t[i] - tb) * (t[i] - tb), sty += (t[i] - tb) * (y[i * stride] - yb);
  return stt > 0 ? sty / stt : NAN;
}

/* G by least squares over seven points theta_j + k h, k = -3..3 (h the Jacobian's step, clamped to
 * the bounds; the profiles read the same points back, so they cost no extra evaluation): the
 * slope through seven points has about a fourteenth of the variance of a central difference over
 * +-h, and noise in G does not only blur the standard errors, it biases them down (G'WG grows with
 * the noise of G). Whether each column stands out of the simulation noise: the replications at
 * the seven points are paired (common random numbers), so resampling replications gives the noise
 * of each slope. jac_p[j]: p-value of "the targets do not respond to parameter j" (T = g' S^-1 g
 * against chi^2(K), S the resamples' covariance of the column); NaN when no target varies. *crn:
 * the mean correlation over targets and parameters of a replication's values at theta + h and
 * theta - h (how well the common random numbers hold the objective smooth; NaN when no target
 * varies). */
static nl_status jacobian(nl_calib *c, double *jac_p, double *crn) {
  size_t P = c->P, K = c->K;
  long R = c->R, B = c->boot;
  double th[64], t[JAC_NPT];
  double *xs = nl_malloc(JAC_NPT * (size_t)R * K * sizeof *xs), *ms = nl_malloc(JAC_NPT * K * sizeof *ms);
  double *bs = nl_malloc(JAC_NPT * K * sizeof *bs), *work = nl_malloc((size_t)R * sizeof *work);
  double *gb = nl_malloc((size_t)B * K * sizeof *gb);
  long *rows = nl_malloc((size_t)R * sizeof *rows);
  nl_status st = NL_OK;
  if (!xs || !ms || !bs || !work || !gb || !rows) {
    st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  double rsum = 0;
  size_t rn = 0;
  for (size_t j = 0; j < P; j++) {
    double q;
    for (int i = 0; i < JAC_NPT; i++) {
      t[i] = step_point(c, j, i - JAC_NPT / 2);
      memcpy(th, c->theta_hat, P * sizeof *th);
      th[j] = t[i];
      st = nl_calib_evaluate(c, th, 1, -1, ms + (size_t)i * K, xs + (size_t)i * (size_t)R * K, &q);
      if (st) goto cleanup;
    }
    for (size_t k = 0; k < K; k++) c->G[k * P + j] = ls_slope(t, ms + k, JAC_NPT, K);
    for (long b = 0; b < B; b++) {
      nl_rng rng;
      nl_rng_init(&rng, c->seed, 1 + j, NL_RNG_BOOTSTRAP, (uint64_t)b);
      for (long i = 0; i < R; i++) rows[i] = (long)nl_rng_below(&rng, (uint64_t)R);
      for (int i = 0; i < JAC_NPT; i++)
        nl_calib_stats(c, xs + (size_t)i * (size_t)R * K, rows, bs + (size_t)i * K, work);
      for (size_t k = 0; k < K; k++) gb[(size_t)b * K + k] = ls_slope(t, bs + k, JAC_NPT, K);
    }
    /* T = g' Sigma^-1 g over the targets that vary (Sigma: the resamples' covariance of the
     * column; targets read from the same runs are correlated); diagonal when Sigma is singular */
    size_t df = 0, idx[64];
    double T = 0, S[64 * 64], g[64], mean[64];
    for (size_t k = 0; k < K; k++) {
      double mk = 0, var = 0;
      for (long b = 0; b < B; b++) mk += gb[(size_t)b * K + k];
      mk /= (double)B;
      for (long b = 0; b < B; b++) var += pow(gb[(size_t)b * K + k] - mk, 2);
      if (var > 0 && isfinite(var) && df < 64) mean[df] = mk, idx[df++] = k;
    }
    for (size_t a = 0; a < df; a++) {
      g[a] = c->G[idx[a] * P + j];
      for (size_t d = 0; d <= a; d++) {
        double v = 0;
        for (long b = 0; b < B; b++)
          v += (gb[(size_t)b * K + idx[a]] - mean[a]) * (gb[(size_t)b * K + idx[d]] - mean[d]);
        S[a * df + d] = S[d * df + a] = v / (double)(B > 1 ? B - 1 : 1);
      }
    }
    double sol[64], diag[64];
    for (size_t a = 0; a < df; a++) sol[a] = g[a], diag[a] = S[a * df + a];
    int info = df && (size_t)B > 2 * df ? nl_dposv_rows('U', (int)df, 1, S, (int)df, sol, 1) : 1;
    if (info == NL_LAPACK_NOMEM) {
      st = nl_err(&c->err, NL_ENOMEM, "out of memory (identification check)");
      goto cleanup;
    }
    if (info == 0) /* a singular covariance falls back to the diagonal test */
      for (size_t a = 0; a < df; a++) T += g[a] * sol[a];
    else
      for (size_t a = 0; a < df; a++) T += g[a] * g[a] / diag[a];
    jac_p[j] = df ? 1 - nl_chisq_cdf(T, (double)df) : NAN;
    const double *xu = xs + (size_t)(JAC_NPT / 2 + 1) * (size_t)R * K, *xd = xs + (size_t)(JAC_NPT / 2 - 1) * (size_t)R * K;
    for (size_t k = 0; k < K; k++) {
      double r = pearson_strided(xu + k, xd + k, (size_t)R, K);
      if (isfinite(r)) rsum += r, rn++;
    }
  }
  *crn = rn ? rsum / (double)rn : NAN;
cleanup:
  nl_free(xs);
  nl_free(ms);
  nl_free(bs);
  nl_free(work);
  nl_free(gb);
  nl_free(rows);
  return st;
}

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Q along each parameter, the others at the estimate: profile_points across the bounds (to see
 * whether the targets pin the parameter down at all) and 7 around the estimate at the Jacobian's
 * step (to see the minimum; these are the Jacobian's points, read back). */
static nl_status profiles(nl_calib *c, double *m, double *x) {
  size_t P = c->P, n = (size_t)c->profile_points, np = c->nprof;
  double th[64];
  for (size_t j = 0; j < P; j++) {
    double *px = c->prof_x + j * np;
    for (size_t g = 0; g < n; g++)
      px[g] = fmin(c->lo[j] + (c->hi[j] - c->lo[j]) * (double)g / (double)(n - 1), c->hi[j]);
    for (int k = -JAC_NPT / 2; k <= JAC_NPT / 2; k++) px[n + (size_t)(k + JAC_NPT / 2)] = step_point(c, j, k);
    qsort(px, np, sizeof *px, cmp_dbl);
    for (size_t g = 0; g < np; g++) {
      memcpy(th, c->theta_hat, P * sizeof *th);
      th[j] = px[g];
      nl_status st = nl_calib_evaluate(c, th, 2, -1, m, x, &c->prof_q[j * np + g]);
      if (st) return st;
    }
  }
  return NL_OK;
}

/* The identification check in plain words: rank and condition of the scaled Jacobian, the weakest
 * direction, flat profiles, estimates on a bound, a profile point better than the estimate. */
static nl_status identification(nl_calib *c, const double *Ws_G, const double *jac_p, double crn) {
  size_t P = c->P, K = c->K, n = c->nprof;
  char buf[8192] = "", line[600];
  /* SVD of W^1/2 G D, D = diag(bounds' widths): how much Q's square root moves when each
   * parameter moves across its bounds, free of the parameters' units */
  double a[64 * 64], s[64], vt[64 * 64], superb[64];
  size_t KK = K < 64 ? K : 64;
  for (size_t k = 0; k < KK; k++)
    for (size_t j = 0; j < P; j++) a[k * P + j] = Ws_G[k * P + j] * (c->hi[j] - c->lo[j]);
  int info = nl_dgesvd_rows('N', 'A', (int)KK, (int)P, a, (int)P, s, vt, (int)P, superb);
  if (info == NL_LAPACK_NOMEM) return nl_err(&c->err, NL_ENOMEM, "out of memory (identification check)");
  size_t ns = KK < P ? KK : P;
  c->rank = 0;
  c->cond = NAN;
  if (info == 0) {
    for (size_t i = 0; i < ns; i++) {
      c->sv[i] = s[i];
      if (s[i] > 1e-8 * s[0] && s[i] > 0) c->rank++;
    }
    c->cond = s[ns - 1] > 0 ? s[0] / s[ns - 1] : INFINITY;
  }
  if (info == 0 && (c->cond > 100 || (size_t)c->rank < P)) {
    /* the weakest direction: the last right singular vector, named by its largest components */
    const double *v = vt + (P - 1) * P;
    size_t j1 = 0, j2 = P > 1 ? 1 : 0;
    for (size_t j = 0; j < P; j++)
      if (fabs(v[j]) > fabs(v[j1])) j1 = j;
    if (j2 == j1) j2 = 0;
    for (size_t j = 0; j < P; j++)
      if (j != j1 && fabs(v[j]) > fabs(v[j2])) j2 = j;
    int pair = P > 1 && fabs(v[j2]) > 0.3 * fabs(v[j1]);
    const char *n1 = c->model->params[c->pidx[j1]].name, *n2 = c->model->params[c->pidx[j2]].name;
    const char *dir = v[j1] * v[j2] > 0 ? "up" : "down";
    if ((size_t)c->rank < P && pair)
      snprintf(line, sizeof line,
               "The targets do not change when %s moves up and %s %s together: the Jacobian of the targets has rank "
               "%d for %zu parameters, so the data cannot tell them apart.",
               n1, n2, dir, c->rank, P);
    else if ((size_t)c->rank < P)
      snprintf(line, sizeof line,
               "The targets do not change with %s: the Jacobian of the targets has rank %d for %zu parameters.", n1,
               c->rank, P);
    else if (pair)
      snprintf(line, sizeof line,
               "The targets hardly tell %s from %s: moving %s up and %s %s together (in proportion to their bounds) "
               "changes the targets %.0f times less than the best-identified direction (condition number %.3g).",
               n1, n2, n1, n2, dir, c->cond, c->cond);
    else
      snprintf(line, sizeof line,
               "The targets respond weakly to %s: moving it across its bounds changes them %.0f times less than the "
               "best-identified direction (condition number %.3g).",
               n1, c->cond, c->cond);
    say(c, buf, sizeof buf, line);
  }
  /* slopes the replications cannot tell from noise (T below its median without any response):
   * G, hence the standard errors, are noise */
  for (size_t j = 0; j < P; j++)
    if (jac_p[j] > 0.5) {
      const char *nm = c->model->params[c->pidx[j]].name;
      snprintf(line, sizeof line,
               "The targets' response to %s is lost in the simulation noise: their changes over %s +- %g (seven "
               "points, the Jacobian's step apart) are not distinguishable from the noise of %ld replications (p = %.2f; a "
               "replication's targets at two such points correlate %.2f, where common random numbers that hold the "
               "runs together give nearly 1), so the slopes behind the standard errors are noise: the intervals of "
               "%s and of the parameters estimated with it are not valid. Use more replications, a larger "
               "jacobian_step, or targets that respond to %s.",
               nm, nm, 3 * c->jac_step * (c->hi[j] - c->lo[j]), c->R, jac_p[j], crn, nm, nm);
      say(c, buf, sizeof buf, line);
    }
  for (size_t j = 0; j < P && n > 1; j++) {
    const char *nm = c->model->params[c->pidx[j]].name;
    double qmax = -HUGE_VAL, qmin = HUGE_VAL, xmin = NAN;
    for (size_t g = 0; g < n; g++) {
      double q = c->prof_q[j * n + g];
      if (q > qmax) qmax = q;
      if (q < qmin) qmin = q, xmin = c->prof_x[j * n + g];
    }
    if (qmax - c->q_hat < 3.84) {
      snprintf(line, sizeof line,
               "The targets do not pin down %s: across its whole range [%g, %g], with the other parameters at their "
               "estimates, Q rises by only %.2f above its minimum (less than 3.84, the 95%% chi-square(1) cut-off).",
               nm, c->lo[j], c->hi[j], qmax - c->q_hat);
      say(c, buf, sizeof buf, line);
    }
    if (qmin < c->q_hat - 1) {
      snprintf(line, sizeof line,
               "The profile of %s reaches Q = %.3g at %s = %g, below Q = %.3g at the estimate: the optimizer stopped "
               "before the minimum; use more starts or evaluations.",
               nm, qmin, nm, xmin, c->q_hat);
      say(c, buf, sizeof buf, line);
    }
    /* the profile's own 95% region (points within 3.84 of the minimum) against the Wald interval:
     * a rough objective (too few replications for the model's noise) makes the Jacobian's slopes,
     * hence the standard errors, unreliable */
    double rlo = HUGE_VAL, rhi = -HUGE_VAL;
    for (size_t g = 0; g < n; g++)
      if (c->prof_q[j * n + g] - c->q_hat < 3.84) {
        rlo = fmin(rlo, c->prof_x[j * n + g]);
        rhi = fmax(rhi, c->prof_x[j * n + g]);
      }
    double wald = 2 * 1.959963984540054 * c->se[j];
    if (isfinite(wald) && rhi > rlo && rhi - rlo > 2 * wald && qmax - c->q_hat >= 3.84) {
      snprintf(line, sizeof line,
               "The profile of %s stays within 3.84 of the minimum from %g to %g, %.1f times wider than its 95%% "
               "interval: Q is rough or flat there and the standard error understates the uncertainty; use more "
               "replications or a larger jacobian_step.",
               nm, rlo, rhi, (rhi - rlo) / wald);
      say(c, buf, sizeof buf, line);
    }
    double w = c->hi[j] - c->lo[j];
    if (fabs(c->theta_hat[j] - c->lo[j]) < 1e-6 * w || fabs(c->theta_hat[j] - c->hi[j]) < 1e-6 * w) {
      snprintf(line, sizeof line,
               "%s = %g is on a bound of [%g, %g]: the targets push it outside the bounds; its standard error "
               "assumes an interior minimum and is not valid.",
               nm, c->theta_hat[j], c->lo[j], c->hi[j]);
      say(c, buf, sizeof buf, line);
    }
  }
  char caution[2048] = "";
  for (size_t j = 0; j < P; j++)
    if (jac_p[j] > 0.05 && jac_p[j] <= 0.5) { /* a slope as large as its own noise: a rough SE */
      const char *nm = c->model->params[c->pidx[j]].name;
      snprintf(line, sizeof line,
               "The targets' slope in %s is measured with noise comparable to its size (p = %.2f that the changes "
               "over %s +- %g are noise alone, with %ld replications; a replication's targets at points a step "
               "apart correlate %.2f): its standard error, and those of the parameters estimated with it, are a rough "
               "guide only; more replications or a larger jacobian_step make them firmer.",
               nm, jac_p[j], nm, 3 * c->jac_step * (c->hi[j] - c->lo[j]), c->R, crn);
      say(c, caution, sizeof caution, line);
    }
  if (!buf[0]) {
    snprintf(line, sizeof line,
             "Every parameter is identified: the Jacobian has full rank (condition number %.3g)%s.", c->cond,
             n ? " and every profile rises at least 3.84 above the minimum within the bounds" : " (no profiles were asked for)");
    say(c, buf, sizeof buf, line);
  }
  size_t bl = strlen(buf);
  snprintf(buf + bl, sizeof buf - bl, "%s", caution);
  c->ident = nl_strdup(buf);
  return c->ident ? NL_OK : nl_err(&c->err, NL_ENOMEM, "out of memory");
}

nl_status nl_calib_infer(nl_calib *c) {
  size_t P = c->P, K = c->K, n = (size_t)c->profile_points;
  nl_status st = NL_OK;
  double *x = nl_malloc((size_t)c->R * K * sizeof *x), *mp = nl_malloc(K * sizeof *mp);
  double *omega = nl_malloc(K * K * sizeof *omega), *WG = nl_malloc(K * P * sizeof *WG);
  double *tot = nl_malloc(K * K * sizeof *tot), *e = nl_malloc(K * sizeof *e), *work = nl_malloc((size_t)c->R * sizeof *work);
  c->theta_hat = nl_malloc(P * sizeof(double));
  c->se = nl_malloc(P * sizeof(double));
  c->m_hat = nl_malloc(K * sizeof(double));
  c->sim_se = nl_malloc(K * sizeof(double));
  c->z = nl_malloc(K * sizeof(double));
  c->G = nl_calloc(K * P, sizeof(double));
  c->sv = nl_calloc(P, sizeof(double));
  c->nprof = n > 1 ? n + JAC_NPT : 0;
  c->prof_x = nl_calloc(P * (c->nprof ? c->nprof : 1), sizeof(double));
  c->prof_q = nl_calloc(P * (c->nprof ? c->nprof : 1), sizeof(double));
  if (!x || !mp || !omega || !WG || !tot || !e || !work || !c->theta_hat || !c->se || !c->m_hat || !c->sim_se ||
      !c->z || !c->G || !c->sv || !c->prof_x || !c->prof_q) {
    st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  memcpy(c->theta_hat, c->best_theta, P * sizeof(double));
  c->q_hat = c->best_q;
  double jac_p[64], crn = NAN;
  st = jacobian(c, jac_p, &crn);
  if (!st && c->nprof) st = profiles(c, mp, x);
  if (st) goto cleanup;
  /* the statistics at the estimate and their simulation covariance */
  int cached;
  double secs;
  st = nl_calib_values(c, c->theta_hat, x, &cached, &secs);
  if (!st) st = nl_calib_sim_cov(c, x, omega);
  if (st) goto cleanup;
  nl_calib_stats(c, x, NULL, c->m_hat, work);
  for (size_t k = 0; k < K; k++) {
    double se = c->tg[k].se;
    c->sim_se[k] = sqrt(omega[k * K + k]);
    e[k] = c->m_hat[k] - c->tg[k].value;
    c->z[k] = e[k] / sqrt(se * se + omega[k * K + k]);
    for (size_t j = 0; j < P; j++) WG[k * P + j] = c->G[k * P + j] * sqrt(c->w[k]); /* W^1/2 G */
  }
  /* Omega_obs: the observed values' SEs with the simulated statistics' correlations (targets read
   * from the same runs, e.g. one measure at several periods, are correlated; treating them as
   * independent would overstate what they tell) */
  for (size_t k = 0; k < K; k++)
    for (size_t l = 0; l < K; l++) {
      double r = k == l ? 1 : omega[k * K + l] / sqrt(omega[k * K + k] * omega[l * K + l]);
      if (!isfinite(r)) r = 0;
      tot[k * K + l] = omega[k * K + l] + r * c->tg[k].se * c->tg[l].se;
    }
  double V[64 * 64], width[64];
  for (size_t j = 0; j < P; j++) width[j] = c->hi[j] - c->lo[j];
  if (nl_lapack_status(nl_calib_sandwich(P, K, c->G, c->w, tot, width, V, c->se)) == NL_ENOMEM) {
    st = nl_err(&c->err, NL_ENOMEM, "out of memory (standard errors)");
    goto cleanup;
  }
  c->J = nl_calib_jstat(P, K, c->G, c->w, tot, width, e);
  c->pval = K > P && isfinite(c->J) ? 1 - nl_chisq_cdf(c->J, (double)(K - P)) : NAN;
  st = identification(c, WG, jac_p, crn);
  if (!st) c->done = 1;
cleanup:
  nl_free(x);
  nl_free(mp);
  nl_free(omega);
  nl_free(WG);
  nl_free(tot);
  nl_free(e);
  nl_free(work);
  return st;
}
