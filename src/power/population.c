/*
 * The population indicator correlation matrix implied by a model with population values.
 *
 * Every construct j has a block correlation matrix S_j of its indicators and a vector l_j of the
 * indicators' correlations with the construct. Indicators of different blocks correlate only
 * through their constructs: cor(x_a, x_b) = l_a * Phi_jk * l_b for a in block j, b in block k,
 * where Phi is the construct correlation matrix implied by the standardized structural model.
 * The DGPs differ in S_j and l_j (docs/power.md):
 *   factor    (=~): S_j = lambda lambda' off the diagonal, 1 on it; l_j = lambda.
 *   composite (=~): the same S_j; the construct is the composite w'x with w proportional to
 *                   S_j^-1 lambda and unit variance, so l_j = S_j w = lambda / sqrt(lambda' S_j^-1 lambda).
 *   composite (<~): S_j = I plus the `~~` correlations; w the given weights scaled to
 *                   w' S_j w = 1; l_j = S_j w (both DGPs: a formative block is a composite).
 * Sigma = L Phi L' + blockdiag(S_j - l_j l_j') is a valid correlation matrix whenever Phi and
 * every S_j are, and each S_j - l_j l_j' is positive semidefinite by construction, so every
 * failure can be traced to one construct and reported with its name.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/lapack.h"
#include "pls/pls_internal.h"
#include "power/power_internal.h"

static long find_construct(const nl_pls_model *m, const char *name) {
  for (size_t j = 0; j < m->nc; j++)
    if (strcmp(m->cname[j], name) == 0) return (long)j;
  return -1;
}

static long find_indicator(const nl_pls_model *m, const char *name) {
  for (size_t i = 0; i < m->ni; i++)
    if (strcmp(m->iname[i], name) == 0) return (long)i;
  return -1;
}

static size_t construct_of(const nl_pls_model *m, size_t i) {
  size_t j = 0;
  while (j + 1 < m->nc && i >= m->istart[j + 1]) j++;
  return j;
}

/* Values of indicators and paths from the terms. */
static nl_status match_values(nl_power *pw, const pw_syntax *sx) {
  const nl_pls_model *m = pw->model;
  const char *src = m->source;
  for (size_t i = 0; i < m->ni; i++) {
    size_t j = construct_of(m, i);
    const pw_term *t = NULL;
    for (size_t q = 0; q < sx->nt && !t; q++)
      if ((sx->t[q].op == PW_OP_MEAS_A || sx->t[q].op == PW_OP_MEAS_B) && !strcmp(sx->t[q].rhs, m->iname[i]))
        t = &sx->t[q];
    const char *what = m->cmode[j] == NL_PLS_MODE_A ? "loading" : "weight";
    if (!t || !t->has_value)
      return nl_err(&pw->err, NL_EPARSE, "%s:%ld:%ld: give the population %s of '%s' (construct '%s'), e.g. '0.7*%s'",
                    src, m->iline[i], m->icol[i], what, m->iname[i], m->cname[j], m->iname[i]);
    if (m->cmode[j] == NL_PLS_MODE_A && fabs(t->value) > 1)
      return nl_err(&pw->err, NL_EINVAL,
                    "%s:%ld:%ld: construct '%s': loading %g of '%s' is above 1 in absolute value (indicators are "
                    "standardized, so a loading is a correlation)", src, t->line, t->col, m->cname[j], t->value,
                    m->iname[i]);
    pw->ival[i] = t->value;
  }
  for (size_t k = 0; k < m->np; k++) {
    const char *from = m->cname[m->pfrom[k]], *to = m->cname[m->pto[k]];
    const pw_term *t = NULL;
    for (size_t q = 0; q < sx->nt && !t; q++)
      if (sx->t[q].op == PW_OP_REG && !strcmp(sx->t[q].lhs, to) && !strcmp(sx->t[q].rhs, from)) t = &sx->t[q];
    if (!t || !t->has_value)
      return nl_err(&pw->err, NL_EPARSE,
                    "%s:%ld:%ld: give the population value of the path %s -> %s, e.g. '%s ~ 0.3*%s' (0*%s for a null "
                    "path)", src, t ? t->line : 0, t ? t->col : 0, from, to, to, from, from);
    pw->pval[k] = t->value;
  }
  return NL_OK;
}

/* `~~` terms: exogenous construct correlations into phi, indicator correlations of <~ blocks into
 * sigma (the block diagonal, used as S_j). */
static nl_status apply_covariances(nl_power *pw, const pw_syntax *sx, const size_t *npred, double *phi) {
  const nl_pls_model *m = pw->model;
  const char *src = m->source;
  size_t nc = m->nc, ni = m->ni;
  for (size_t q = 0; q < sx->nt; q++) {
    const pw_term *t = &sx->t[q];
    if (t->op != PW_OP_COV) continue;
    long a = find_construct(m, t->lhs), b = find_construct(m, t->rhs);
    if (!strcmp(t->lhs, t->rhs))
      return nl_err(&pw->err, NL_EINVAL,
                    "%s:%ld:%ld: '%s ~~ %s': variances are fixed at 1 (indicators and constructs are standardized)",
                    src, t->line, t->col, t->lhs, t->rhs);
    if (!(fabs(t->value) <= 1))
      return nl_err(&pw->err, NL_EINVAL, "%s:%ld:%ld: the correlation %g of %s and %s is not in [-1, 1]", src, t->line,
                    t->col, t->value, t->lhs, t->rhs);
    if (a >= 0 && b >= 0) {
      long endo = npred[a] ? a : npred[b] ? b : -1;
      if (endo >= 0)
        return nl_err(&pw->err, NL_EINVAL,
                      "%s:%ld:%ld: '~~' correlates exogenous constructs only; '%s' has paths into it (its correlations "
                      "follow from the paths)", src, t->line, t->col, m->cname[endo]);
      double *c = &phi[(size_t)a + (size_t)b * nc];
      if (!isnan(*c))
        return nl_err(&pw->err, NL_EINVAL, "%s:%ld:%ld: the correlation of %s and %s is given twice", src, t->line,
                      t->col, t->lhs, t->rhs);
      *c = phi[(size_t)b + (size_t)a * nc] = t->value;
      continue;
    }
    long i = find_indicator(m, t->lhs), k = find_indicator(m, t->rhs);
    if ((a < 0 && i < 0) || (b < 0 && k < 0))
      return nl_err(&pw->err, NL_EINVAL, "%s:%ld:%ld: '%s' is neither a construct nor an indicator of the model", src,
                    t->line, t->col, (a < 0 && i < 0) ? t->lhs : t->rhs);
    if (i < 0 || k < 0 || construct_of(m, (size_t)i) != construct_of(m, (size_t)k) ||
        m->cmode[construct_of(m, (size_t)i)] != NL_PLS_MODE_B)
      return nl_err(&pw->err, NL_EINVAL,
                    "%s:%ld:%ld: '%s ~~ %s': '~~' correlates two exogenous constructs or two indicators of one "
                    "composite (<~) block", src, t->line, t->col, t->lhs, t->rhs);
    double *c = &pw->sigma[(size_t)i + (size_t)k * ni];
    if (!isnan(*c))
      return nl_err(&pw->err, NL_EINVAL, "%s:%ld:%ld: the correlation of %s and %s is given twice", src, t->line,
                    t->col, t->lhs, t->rhs);
    *c = pw->sigma[(size_t)k + (size_t)i * ni] = t->value;
  }
  return NL_OK;
}

/* Construct correlations from the standardized structural model, in topological order. */
static nl_status construct_cor(nl_power *pw, const size_t *npred, double *phi, double *work) {
  const nl_pls_model *m = pw->model;
  size_t nc = m->nc;
  unsigned char *done = (unsigned char *)(work + nc * nc);
  memset(done, 0, nc);
  /* exogenous block: identity plus the given correlations; must be positive definite */
  size_t ne = 0;
  size_t *ex = (size_t *)(work + nc * nc + nc);
  for (size_t j = 0; j < nc; j++) {
    if (npred[j]) continue;
    phi[j + j * nc] = 1;
    for (size_t k = 0; k < nc; k++)
      if (k != j && !npred[k] && isnan(phi[j + k * nc])) phi[j + k * nc] = 0;
    ex[ne++] = j;
    done[j] = 1;
  }
  for (size_t a = 0; a < ne; a++)
    for (size_t b = 0; b < ne; b++) work[a + b * ne] = phi[ex[a] + ex[b] * nc];
  int bad = pls_chol(work, ne, ne);
  if (bad)
    return nl_err(&pw->err, NL_EINVAL,
                  "construct '%s': its correlations with the exogenous constructs before it (set with '~~') give no "
                  "valid correlation matrix (not positive definite)", m->cname[ex[bad - 1]]);
  for (size_t pass = 0; pass < nc; pass++)
    for (size_t j = 0; j < nc; j++) {
      if (done[j]) continue;
      int ready = 1;
      for (size_t k = 0; k < m->np; k++)
        if (m->pto[k] == j && !done[m->pfrom[k]]) ready = 0;
      if (!ready) continue;
      /* eta_j = sum_k beta_k eta_k + zeta_j: cor(eta_j, eta_m) = sum_k beta_k Phi_km */
      for (size_t mm = 0; mm < nc; mm++) {
        if (!done[mm]) continue;
        double v = 0;
        for (size_t k = 0; k < m->np; k++)
          if (m->pto[k] == j) v += pw->pval[k] * phi[m->pfrom[k] + mm * nc];
        phi[j + mm * nc] = phi[mm + j * nc] = v;
      }
      double r2 = 0;
      for (size_t k = 0; k < m->np; k++)
        if (m->pto[k] == j) r2 += pw->pval[k] * phi[j + m->pfrom[k] * nc];
      if (r2 > 1 + 1e-12)
        return nl_err(&pw->err, NL_EINVAL,
                      "construct '%s': its population paths explain R^2 = %.4g > 1 of its variance (its error variance "
                      "would be negative): no valid correlation matrix; make the paths into '%s' smaller", m->cname[j],
                      r2, m->cname[j]);
      phi[j + j * nc] = 1;
      done[j] = 1;
    }
  return NL_OK;
}

/* Block j: S_j into sigma's diagonal block and l_j into ell. `work` holds (k+1) k doubles. */
static nl_status block(nl_power *pw, size_t j, double *ell, double *work) {
  const nl_pls_model *m = pw->model;
  size_t ni = m->ni, a = m->istart[j], k = m->icount[j];
  double *S = pw->sigma, *lam = pw->ival + a, *v = work + k * k;
  int composite = m->cmode[j] == NL_PLS_MODE_B || pw->opt.population == NL_POWER_COMPOSITE;
  for (size_t r = 0; r < k; r++)
    for (size_t c = 0; c < k; c++) {
      double *s = &S[(a + r) + (a + c) * ni];
      if (r == c) *s = 1;
      else if (m->cmode[j] == NL_PLS_MODE_A) *s = lam[r] * lam[c];
      else if (isnan(*s)) *s = 0;
    }
  if (!composite) {
    for (size_t r = 0; r < k; r++) ell[a + r] = lam[r];
    return NL_OK;
  }
  for (size_t r = 0; r < k; r++)
    for (size_t c = 0; c < k; c++) work[r + c * k] = S[(a + r) + (a + c) * ni];
  int bad = pls_chol(work, k, k);
  if (bad) {
    if (m->cmode[j] == NL_PLS_MODE_B)
      return nl_err(&pw->err, NL_EINVAL,
                    "construct '%s': the correlations of its indicators (set with '~~') give no valid correlation "
                    "matrix (not positive definite at '%s')", m->cname[j], m->iname[a + (size_t)bad - 1]);
    return nl_err(&pw->err, NL_EINVAL,
                  "construct '%s': loadings of 1 make its indicators perfectly collinear, which a composite "
                  "population cannot have (use loadings below 1 or --population factor)", m->cname[j]);
  }
  /* Mode A: w = S^-1 lambda (then l = S w = lambda); Mode B: w as given (l = S w) */
  for (size_t r = 0; r < k; r++) v[r] = lam[r];
  if (m->cmode[j] == NL_PLS_MODE_A) pls_chol_solve(work, k, k, v);
  double q = 0;
  for (size_t r = 0; r < k; r++) {
    double sw = 0;
    for (size_t c = 0; c < k; c++) sw += S[(a + r) + (a + c) * ni] * v[c];
    ell[a + r] = sw;
    q += v[r] * sw;
  }
  if (!(q > 1e-12))
    return nl_err(&pw->err, NL_EINVAL, "construct '%s': its %s are all zero, so it is not defined", m->cname[j],
                  m->cmode[j] == NL_PLS_MODE_A ? "loadings" : "weights");
  for (size_t r = 0; r < k; r++) ell[a + r] /= sqrt(q);
  return NL_OK;
}

nl_status pw_population(nl_power *pw, const pw_syntax *sx) {
  nl_status st = NL_OK;
  const nl_pls_model *m = pw->model;
  size_t nc = m->nc, ni = m->ni, np = m->np;
  size_t *npred = nl_calloc(nc, sizeof *npred);
  double *phi = nl_malloc(nc * nc * sizeof *phi);
  double *work = nl_malloc((nc * nc + 2 * nc + ni * ni + ni + 8) * sizeof *work);
  double *ell = nl_malloc(ni * sizeof *ell);
  double *ev = nl_malloc(ni * sizeof *ev);
  pw->ival = nl_calloc(ni, sizeof *pw->ival);
  pw->pval = nl_calloc(np, sizeof *pw->pval);
  pw->sigma = nl_malloc(ni * ni * sizeof *pw->sigma);
  pw->F = nl_malloc(ni * ni * sizeof *pw->F);
  if (!npred || !phi || !work || !ell || !ev || !pw->ival || !pw->pval || !pw->sigma || !pw->F) {
    st = nl_err(&pw->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t k = 0; k < np; k++) npred[m->pto[k]]++;
  for (size_t q = 0; q < nc * nc; q++) phi[q] = NAN;
  for (size_t q = 0; q < ni * ni; q++) pw->sigma[q] = NAN;
  if ((st = match_values(pw, sx)) != NL_OK) goto cleanup;
  if ((st = apply_covariances(pw, sx, npred, phi)) != NL_OK) goto cleanup;
  if ((st = construct_cor(pw, npred, phi, work)) != NL_OK) goto cleanup;
  for (size_t j = 0; j < nc; j++)
    if ((st = block(pw, j, ell, work)) != NL_OK) goto cleanup;
  for (size_t i = 0; i < ni; i++)
    for (size_t k = 0; k < ni; k++) {
      size_t ci = construct_of(m, i), ck = construct_of(m, k);
      if (ci != ck) pw->sigma[i + k * ni] = ell[i] * phi[ci + ck * nc] * ell[k];
    }
  /* sigma = V diag(e) V'; F = V diag(sqrt(e)) */
  memcpy(pw->F, pw->sigma, ni * ni * sizeof *pw->F);
  if ((st = nl_lapack_status(nl_dsyev('V', 'L', (int)ni, pw->F, (int)ni, ev))) != NL_OK) {
    st = st == NL_ENOMEM ? nl_err(&pw->err, st, "out of memory")
                         : nl_err(&pw->err, st, "the eigen-decomposition of the population correlation matrix failed");
    goto cleanup;
  }
  if (ev[0] < -1e-8) { /* cannot happen when every block passed (see above); kept as a guard */
    st = nl_err(&pw->err, NL_EINVAL, "the population values give no valid correlation matrix (eigenvalue %g)", ev[0]);
    goto cleanup;
  }
  for (size_t c = 0; c < ni; c++) {
    double s = ev[c] > 0 ? sqrt(ev[c]) : 0;
    for (size_t r = 0; r < ni; r++) pw->F[r + c * ni] *= s;
  }
cleanup:
  nl_free(npred);
  nl_free(phi);
  nl_free(work);
  nl_free(ell);
  nl_free(ev);
  return st;
}
