/*
 * The power-analysis handle: parse the population model, build the population, and bind the PLS
 * model to data whose correlation matrix is exactly the population's (which validates the model
 * as nl_pls_prepare does and gives what PLS converges to in this population).
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "io/text.h"
#include "pls/pls_internal.h"
#include "power/power_internal.h"

void nl_power_options_default(nl_power_options *o) {
  memset(o, 0, sizeof *o);
  o->population = NL_POWER_COMPOSITE;
  o->reps = 1000;
  o->nboot = 500;
  o->test = NL_POWER_TEST_PERCENTILE;
  o->alpha = 0.05;
  o->tails = 2;
  o->seed = 1;
  o->threads = 1;
}

#define NL_POWER_MAX_INDICATORS 1000

static nl_status check_options(nl_power *pw) {
  const nl_power_options *o = &pw->opt;
  if ((unsigned)o->population > NL_POWER_FACTOR) return nl_err(&pw->err, NL_EINVAL, "unknown population type");
  if ((unsigned)o->test > NL_POWER_TEST_T) return nl_err(&pw->err, NL_EINVAL, "unknown test");
  if (o->likert != 0 && (o->likert < 2 || o->likert > 100))
    return nl_err(&pw->err, NL_EINVAL, "likert: expected 0 (continuous) or 2..100 categories, got %d", o->likert);
  if (o->reps < 1 || o->reps > 100000000) return nl_err(&pw->err, NL_EINVAL, "reps: expected 1..10^8");
  if (o->nboot < 10 || o->nboot > 1000000)
    return nl_err(&pw->err, NL_EINVAL, "nboot: expected 10..10^6 bootstrap resamples, got %zu", o->nboot);
  if (!(o->alpha > 0 && o->alpha < 0.5)) return nl_err(&pw->err, NL_EINVAL, "alpha: expected a level in (0, 0.5)");
  if (o->tails != 1 && o->tails != 2) return nl_err(&pw->err, NL_EINVAL, "tails: expected 1 or 2, got %d", o->tails);
  return NL_OK;
}

/*
 * Data with exactly the correlation matrix sigma: X = U F' with U (p+1) x p of orthonormal,
 * centred columns (normalized Helmert contrasts), so X'X = F F' = sigma and every column has mean 0.
 */
static nl_status bind_population(nl_power *pw) {
  nl_status st = NL_OK;
  size_t ni = pw->ni, n0 = ni + 1;
  double *U = nl_calloc(n0 * ni, sizeof *U), *X = nl_calloc(n0 * ni, sizeof *X);
  nl_pls_data *d = NULL;
  if (!U || !X) {
    st = nl_err(&pw->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t c = 0; c < ni; c++) {
    double s = 1.0 / sqrt((double)(c + 1) * (double)(c + 2));
    for (size_t r = 0; r <= c; r++) U[r + c * n0] = s;
    U[c + 1 + c * n0] = -(double)(c + 1) * s;
  }
  for (size_t i = 0; i < ni; i++)
    for (size_t r = 0; r < n0; r++) {
      double v = 0;
      for (size_t k = 0; k < ni; k++) v += U[r + k * n0] * pw->F[i + k * ni];
      X[r + i * n0] = v;
    }
  st = nl_pls_data_from_matrix(X, n0, ni, (const char *const *)pw->model->iname, &d);
  if (st != NL_OK) {
    nl_err(&pw->err, st, "%s", nl_pls_data_errmsg(d));
    goto cleanup;
  }
  nl_pls_options po;
  nl_pls_options_default(&po);
  po.consistent = pw->opt.consistent;
  st = nl_pls_prepare(pw->model, d, &po, &pw->pls);
  /* Estimation on the population itself can fail where samples do not: a construct whose
   * population correlations with all its neighbours are exactly 0 has an inner proxy of zero
   * variance. Its population PLS values are then reported as NA. */
  nl_status est = st == NL_OK ? nl_pls_estimate(pw->pls) : st;
  int estimated = est == NL_OK || est == NL_ECONVERGE;
  if (st == NL_OK && est == NL_ENOMEM) st = NL_ENOMEM;
  if (st != NL_OK) {
    nl_err(&pw->err, st == NL_ENOMEM ? st : NL_EINVAL, "%s: the population: %s", pw->source,
           pw->pls ? nl_pls_errmsg(pw->pls) : "out of memory");
    st = st == NL_ENOMEM ? st : NL_EINVAL;
    goto cleanup;
  }
  pw->plsval = nl_malloc(pw->np * sizeof *pw->plsval);
  if (!pw->plsval) {
    st = nl_err(&pw->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t k = 0; k < pw->np; k++)
    pw->plsval[k] = estimated ? nl_pls_path(pw->pls, pw->model->pfrom[k], pw->model->pto[k]) : NAN;
cleanup:
  nl_free(U);
  nl_free(X);
  nl_pls_data_free(d);
  return st;
}

/* The smallest n nl_pls_prepare accepts, and the 10-times rule (Hair et al.): 10 x the largest number
 * of formative indicators of a construct or of paths into a construct. */
static void sample_rules(nl_power *pw) {
  size_t need = 3, most = 0;
  for (size_t j = 0; j < pw->nc; j++) {
    size_t kp = 0;
    for (size_t k = 0; k < pw->np; k++) kp += pw->model->pto[k] == j;
    if (pw->model->cmode[j] == NL_PLS_MODE_B && pw->model->icount[j] + 1 > need) need = pw->model->icount[j] + 1;
    if (kp + 2 > need) need = kp + 2;
    if (kp > most) most = kp;
    if (pw->model->cmode[j] == NL_PLS_MODE_B && pw->model->icount[j] > most) most = pw->model->icount[j];
  }
  pw->nmin = need < 4 ? 4 : need;
  pw->ten_times = 10.0 * (double)most;
}

nl_status nl_power_parse(const char *text, const char *source, const nl_power_options *opt, nl_power **out) {
  nl_status st = NL_OK;
  pw_syntax sx;
  memset(&sx, 0, sizeof sx);
  *out = NULL;
  nl_power *pw = nl_calloc(1, sizeof *pw);
  if (!pw) return NL_ENOMEM;
  *out = pw;
  if (opt) pw->opt = *opt;
  else nl_power_options_default(&pw->opt);
  if ((st = check_options(pw)) != NL_OK) return st;
  pw->source = nl_strdup(source ? source : "<string>");
  if (!pw->source) return nl_err(&pw->err, NL_ENOMEM, "out of memory");
  if (!text) return nl_err(&pw->err, NL_EINVAL, "no model text");
  if ((st = pw_syntax_scan(text, pw->source, &sx, &pw->err)) != NL_OK) goto cleanup;
  st = nl_pls_model_parse(sx.masked, pw->source, &pw->model);
  if (st != NL_OK) {
    nl_err(&pw->err, st, "%s", nl_pls_model_errmsg(pw->model));
    goto cleanup;
  }
  if (pw->model->nint || pw->model->nhoc) {
    st = nl_err(&pw->err, NL_EINVAL, "%s: interaction terms and higher-order constructs have no population "
                "values here: netlearn power takes first-order constructs only", pw->source);
    goto cleanup;
  }
  pw->nc = pw->model->nc;
  pw->ni = pw->model->ni;
  pw->np = pw->model->np;
  /* The population's correlation matrix is ni x ni and its set-up grows faster than ni^3 (500
   * indicators: 14 s before the first replication; 2,000: over 2 minutes): beyond this a power
   * analysis of 1000 replications cannot finish. */
  if (pw->ni > NL_POWER_MAX_INDICATORS) {
    st = nl_err(&pw->err, NL_ERANGE, "%s: %zu indicators; a power analysis takes at most %d (the population's "
                "correlation matrix grows with the square of their number, its set-up faster than the cube)",
                pw->source, pw->ni, NL_POWER_MAX_INDICATORS);
    goto cleanup;
  }
  if ((st = pw_population(pw, &sx)) != NL_OK) goto cleanup;
  if ((st = bind_population(pw)) != NL_OK) goto cleanup;
  sample_rules(pw);
cleanup:
  pw_syntax_free(&sx);
  return st;
}

nl_status nl_power_parse_data(const char *text, const char *source, const nl_pls_data *data,
                              const nl_power_options *opt, nl_power **out) {
  nl_status st;
  *out = NULL;
  nl_power *pw = nl_calloc(1, sizeof *pw);
  if (!pw) return NL_ENOMEM;
  *out = pw;
  if (opt) pw->opt = *opt;
  else nl_power_options_default(&pw->opt);
  if ((st = check_options(pw)) != NL_OK) return st;
  if (pw->opt.likert || pw->opt.population != NL_POWER_COMPOSITE)
    return nl_err(&pw->err, NL_EINVAL, "an empirical population is used as it is: no Likert cut, no factor model");
  pw->source = nl_strdup(source ? source : "<string>");
  if (!pw->source) return nl_err(&pw->err, NL_ENOMEM, "out of memory");
  if (!text || !data) return nl_err(&pw->err, NL_EINVAL, "no model text or data");
  if ((st = nl_pls_model_parse(text, pw->source, &pw->model)) != NL_OK)
    return nl_err(&pw->err, st, "%s", nl_pls_model_errmsg(pw->model));
  if (pw->model->nint || pw->model->nhoc)
    return nl_err(&pw->err, NL_EINVAL, "%s: interaction terms and higher-order constructs are not supported by the "
                  "power analysis", pw->source);
  nl_pls_options po;
  nl_pls_options_default(&po);
  po.consistent = pw->opt.consistent;
  st = nl_pls_prepare(pw->model, data, &po, &pw->pls);
  if (st == NL_OK) st = nl_pls_estimate(pw->pls);
  if (st != NL_OK)
    return nl_err(&pw->err, st, "%s", pw->pls ? nl_pls_errmsg(pw->pls) : "out of memory");
  pw->nc = pw->model->nc;
  pw->ni = pw->model->ni;
  pw->np = pw->model->np;
  pw->nrow = nl_pls_nobs(pw->pls);
  pw->pval = nl_malloc(pw->np * sizeof *pw->pval);
  pw->plsval = nl_malloc(pw->np * sizeof *pw->plsval);
  pw->sigma = nl_malloc(pw->ni * pw->ni * sizeof *pw->sigma);
  if (!pw->pval || !pw->plsval || !pw->sigma) return nl_err(&pw->err, NL_ENOMEM, "out of memory");
  for (size_t k = 0; k < pw->np; k++)
    pw->pval[k] = pw->plsval[k] = nl_pls_path(pw->pls, pw->model->pfrom[k], pw->model->pto[k]);
  memcpy(pw->sigma, pw->pls->S, pw->ni * pw->ni * sizeof *pw->sigma);
  sample_rules(pw);
  return NL_OK;
}

/* Read a model file; on failure *out holds a handle with the message. 0 ok. */
static nl_status read_model_text(const char *path, char **text, nl_power **out) {
  nl_errbuf e;
  size_t len = 0;
  *out = NULL;
  nl_status st = nl_text_read_file(path, "model file", (size_t)16 << 20, &e, text, &len);
  if (st == NL_OK) return NL_OK;
  nl_power *pw = nl_calloc(1, sizeof *pw);
  if (!pw) return NL_ENOMEM;
  *out = pw;
  memcpy(pw->err.msg, e.msg, sizeof e.msg);
  return st;
}

nl_status nl_power_read(const char *path, const nl_power_options *opt, nl_power **out) {
  char *text = NULL;
  nl_status st = read_model_text(path, &text, out);
  if (st == NL_OK) st = nl_power_parse(text, path, opt, out);
  nl_free(text);
  return st;
}

nl_status nl_power_read_data(const char *path, const nl_pls_data *data, const nl_power_options *opt,
                             nl_power **out) {
  char *text = NULL;
  nl_status st = read_model_text(path, &text, out);
  if (st == NL_OK) st = nl_power_parse_data(text, path, data, opt, out);
  nl_free(text);
  return st;
}

const char *nl_power_errmsg(const nl_power *pw) { return NL_ERRMSG_OF(pw); }

void nl_power_free(nl_power *pw) {
  if (!pw) return;
  nl_pls_free(pw->pls);
  nl_pls_model_free(pw->model);
  nl_free(pw->source);
  nl_free(pw->ival);
  nl_free(pw->pval);
  nl_free(pw->plsval);
  nl_free(pw->sigma);
  nl_free(pw->F);
  pw_results_free(pw);
  nl_free(pw);
}

size_t nl_power_n_indicators(const nl_power *pw) { return pw && pw->pls ? pw->ni : 0; }
const char *nl_power_indicator_name(const nl_power *pw, size_t i) {
  return pw && pw->pls && i < pw->ni ? pw->model->iname[i] : NULL;
}
double nl_power_population_cor(const nl_power *pw, size_t i, size_t k) {
  return pw && pw->pls && i < pw->ni && k < pw->ni ? pw->sigma[i + k * pw->ni] : NAN;
}
size_t nl_power_n_paths(const nl_power *pw) { return pw && pw->pls ? pw->np : 0; }
const char *nl_power_path_from(const nl_power *pw, size_t k) {
  return pw && pw->pls && k < pw->np ? pw->model->cname[pw->model->pfrom[k]] : NULL;
}
const char *nl_power_path_to(const nl_power *pw, size_t k) {
  return pw && pw->pls && k < pw->np ? pw->model->cname[pw->model->pto[k]] : NULL;
}
double nl_power_path_value(const nl_power *pw, size_t k) {
  return pw && pw->pls && k < pw->np ? pw->pval[k] : NAN;
}
double nl_power_path_pls_value(const nl_power *pw, size_t k) {
  return pw && pw->pls && k < pw->np ? pw->plsval[k] : NAN;
}
size_t nl_power_failed(const nl_power *pw) { return pw && pw->ran ? pw->nfail : 0; }
size_t nl_power_nonconverged(const nl_power *pw) { return pw && pw->ran ? pw->nnonconv : 0; }
