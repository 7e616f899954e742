/*
 * Global sensitivity analysis: Saltelli's Sobol' design and estimators, Morris screening, with
 * bootstrap intervals (docs/sensitivity.md). The estimators follow SALib (sobol.analyze,
 * morris.analyze) so that results can be compared with it term by term.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/stats.h"
#include "netlearn/sensitivity.h"
#include "sensitivity/sens_impl.h"

#define MAX_FACTORS 100000

struct nl_sensitivity {
  /* factors (k real ones; the dummy, when present, is factor k of the analysis) */
  size_t k, cap;
  char **names;
  double *lo, *hi;
  int *logsc;
  /* design */
  nl_sensitivity_options opt;
  int built;
  size_t K;          /* factors in the analysis: k + dummy */
  size_t nout;
  size_t nrows;
  double *x;         /* nrows x k, factor values in their ranges */
  unsigned char *fresh;
  long *base;        /* Sobol: base row j; Morris: trajectory */
  int *moved;        /* Morris: factor moved to reach row i (-1 for a trajectory's first row) */
  double *step;      /* Morris: signed step (unit scale) that reached row i */
  double *y;         /* nrows x nout, NaN until set */
  /* results, nout x K (S2: nout x K x K) */
  int analyzed;
  double *s1, *s1h, *st, *sth, *s2, *s2h, *var;
  double *mu, *mustar, *mustarh, *sigma;
  nl_errbuf err;
};

void nl_sensitivity_options_default(nl_sensitivity_options *o) {
  memset(o, 0, sizeof *o);
  o->method = NL_SENS_SOBOL;
  o->n = 1024;
  o->second_order = 0;
  o->levels = 4;
  o->dummy = 1;
  o->resamples = 100;
  o->confidence = 0.95;
  o->seed = 1;
}

nl_sensitivity *nl_sensitivity_new(void) { return nl_calloc(1, sizeof(nl_sensitivity)); }

static void clear_results(nl_sensitivity *s) {
  double **r[] = {&s->s1, &s->s1h, &s->st, &s->sth, &s->s2, &s->s2h, &s->var, &s->mu, &s->mustar, &s->mustarh, &s->sigma};
  for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
    nl_free(*r[i]);
    *r[i] = NULL;
  }
  s->analyzed = 0;
}

static void clear_design(nl_sensitivity *s) {
  clear_results(s);
  nl_free(s->x);
  nl_free(s->fresh);
  nl_free(s->base);
  nl_free(s->moved);
  nl_free(s->step);
  nl_free(s->y);
  s->x = s->step = s->y = NULL;
  s->fresh = NULL;
  s->base = NULL;
  s->moved = NULL;
  s->nrows = 0;
  s->built = 0;
}

void nl_sensitivity_free(nl_sensitivity *s) {
  if (!s) return;
  clear_design(s);
  for (size_t i = 0; i < s->k; i++) nl_free(s->names[i]);
  nl_free(s->names);
  nl_free(s->lo);
  nl_free(s->hi);
  nl_free(s->logsc);
  nl_free(s);
}

const char *nl_sensitivity_errmsg(const nl_sensitivity *s) { return NL_ERRMSG_OF(s); }

nl_status nl_sensitivity_factor(nl_sensitivity *s, const char *name, double lo, double hi, int log_scale) {
  nl_err_clear(&s->err);
  if (!name || !name[0]) return nl_err(&s->err, NL_EINVAL, "a factor needs a name");
  if (!strcmp(name, "dummy")) return nl_err(&s->err, NL_EINVAL, "factor name 'dummy' is reserved for the dummy factor");
  for (size_t i = 0; i < s->k; i++)
    if (!strcmp(s->names[i], name)) return nl_err(&s->err, NL_EINVAL, "factor '%s' given twice", name);
  if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
    return nl_err(&s->err, NL_ERANGE, "factor '%s': range [%g, %g]: expected finite lo < hi", name, lo, hi);
  if (log_scale && !(lo > 0))
    return nl_err(&s->err, NL_ERANGE, "factor '%s': a log-uniform range needs lo > 0, got %g", name, lo);
  if (s->k >= MAX_FACTORS) return nl_err(&s->err, NL_ERANGE, "more than %d factors", MAX_FACTORS);
  clear_design(s);
  size_t c[4] = {s->cap, s->cap, s->cap, s->cap}; /* four arrays, one capacity */
  if (nl_grow(&s->names, &c[0], s->k + 1, sizeof *s->names, 8) || nl_grow(&s->lo, &c[1], s->k + 1, sizeof *s->lo, 8) ||
      nl_grow(&s->hi, &c[2], s->k + 1, sizeof *s->hi, 8) || nl_grow(&s->logsc, &c[3], s->k + 1, sizeof *s->logsc, 8))
    return nl_err(&s->err, NL_ENOMEM, "out of memory");
  s->cap = c[0];
  char *copy = nl_strdup(name);
  if (!copy) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  s->names[s->k] = copy;
  s->lo[s->k] = lo;
  s->hi[s->k] = hi;
  s->logsc[s->k] = log_scale != 0;
  s->k++;
  return NL_OK;
}

size_t nl_sensitivity_nfactors(const nl_sensitivity *s) { return s ? (s->built ? s->K : s->k) : 0; }
const char *nl_sensitivity_factor_name(const nl_sensitivity *s, size_t i) {
  if (!s) return NULL;
  if (i < s->k) return s->names[i];
  return i < nl_sensitivity_nfactors(s) ? "dummy" : NULL;
}

/* Unit value u in [0, 1] to factor f's range. */
static double scale(const nl_sensitivity *s, size_t f, double u) {
  if (s->logsc[f]) {
    double a = log(s->lo[f]), b = log(s->hi[f]);
    double v = exp(a + u * (b - a));
    return v < s->lo[f] ? s->lo[f] : v > s->hi[f] ? s->hi[f] : v;
  }
  return s->lo[f] + u * (s->hi[f] - s->lo[f]);
}

/* Saltelli: blocks A, B, AB_1..AB_K, [BA_1..BA_K], N rows each; row b * N + j uses base row j. */
static nl_status design_sobol(nl_sensitivity *s) {
  size_t K = s->K, N = (size_t)s->opt.n, k = s->k;
  if (2 * K > NL_SOBOL_MAXDIM)
    return nl_err(&s->err, NL_ERANGE, "%zu factors: a Sobol' analysis supports at most %d (the sequence has %d dimensions)",
                  K, NL_SOBOL_MAXDIM / 2, NL_SOBOL_MAXDIM);
  nl_sobol g;
  nl_status st = nl_sobol_init(&g, 2 * K, s->opt.seed);
  if (st) return nl_err(&s->err, st, st == NL_ENOMEM ? "out of memory" : "Sobol' sequence: bad dimension");
  double *u = nl_malloc(2 * K * sizeof *u);
  if (!u) {
    nl_sobol_clear(&g);
    return nl_err(&s->err, NL_ENOMEM, "out of memory");
  }
  size_t nblocks = s->nrows / N;
  for (size_t j = 0; j < N; j++) {
    nl_sobol_point(&g, j, u);
    for (size_t b = 0; b < nblocks; b++) {
      size_t row = b * N + j;
      double *x = s->x + row * k;
      /* which columns come from B: block 1 all, AB_i column i, BA_i all but column i */
      for (size_t f = 0; f < k; f++) {
        int fromB = b == 1 || (b >= 2 && b < 2 + K && f == b - 2) || (b >= 2 + K && f != b - 2 - K);
        x[f] = scale(s, f, u[fromB ? K + f : f]);
      }
      s->base[row] = (long)j;
      s->fresh[row] = s->opt.dummy && (b == 2 + k || b == 2 + K + k);
    }
  }
  nl_free(u);
  nl_sobol_clear(&g);
  return NL_OK;
}

/* Morris: trajectory t has rows t (K + 1) .. t (K + 1) + K; each step moves one factor by
 * +-delta on the p-level grid, in a random order (Morris 1991; Campolongo et al. 2007). */
static nl_status design_morris(nl_sensitivity *s) {
  size_t K = s->K, k = s->k;
  int p = s->opt.levels;
  double delta = (double)p / (2.0 * (p - 1));
  uint64_t nlow = (uint64_t)p / 2; /* grid values l with l + delta <= 1 */
  double *unit = nl_malloc(K * sizeof *unit);
  size_t *perm = nl_malloc(K * sizeof *perm);
  if (!unit || !perm) {
    nl_free(unit);
    nl_free(perm);
    return nl_err(&s->err, NL_ENOMEM, "out of memory");
  }
  for (long t = 0; t < s->opt.n; t++) {
    nl_rng rng;
    nl_rng_init(&rng, s->opt.seed, (uint64_t)t, NL_RNG_DESIGN, 2);
    for (size_t f = 0; f < K; f++) {
      double l = (double)nl_rng_below(&rng, nlow) / (double)(p - 1);
      /* the sign is kept in perm's order below: moving up from l or down from l + delta */
      unit[f] = nl_rng_below(&rng, 2) ? l : l + delta;
      perm[f] = f;
    }
    /* the real factors in a random order; the dummy, which changes nothing, always last, so that
     * only a trajectory's final row needs fresh random streams */
    for (size_t f = k; f > 1; f--) {
      size_t j = (size_t)nl_rng_below(&rng, f), tmp = perm[f - 1];
      perm[f - 1] = perm[j];
      perm[j] = tmp;
    }
    size_t r0 = (size_t)t * (K + 1);
    int fresh = 0;
    for (size_t m = 0; m <= K; m++) {
      size_t row = r0 + m;
      s->moved[row] = -1;
      s->step[row] = 0;
      if (m > 0) {
        size_t f = perm[m - 1];
        double d = unit[f] + delta <= 1.0 + 1e-12 ? delta : -delta;
        unit[f] += d;
        s->moved[row] = (int)f;
        s->step[row] = d;
        if (f == k && s->opt.dummy) fresh = 1;
      }
      for (size_t f = 0; f < k; f++) s->x[row * k + f] = scale(s, f, unit[f]);
      s->fresh[row] = (unsigned char)fresh;
      s->base[row] = t;
    }
  }
  nl_free(unit);
  nl_free(perm);
  return NL_OK;
}

nl_status nl_sensitivity_design(nl_sensitivity *s, const nl_sensitivity_options *o, size_t noutputs) {
  nl_err_clear(&s->err);
  clear_design(s);
  nl_sensitivity_options def;
  if (!o) {
    nl_sensitivity_options_default(&def);
    o = &def;
  }
  if (s->k == 0) return nl_err(&s->err, NL_EINVAL, "no factors: add some with nl_sensitivity_factor");
  if (noutputs == 0 || noutputs > 100000) return nl_err(&s->err, NL_EINVAL, "%zu outputs: expected 1 to 100000", noutputs);
  if (o->method != NL_SENS_SOBOL && o->method != NL_SENS_MORRIS)
    return nl_err(&s->err, NL_EINVAL, "unknown method %d", (int)o->method);
  if (o->n < 2 || o->n > 100000000L)
    return nl_err(&s->err, NL_EINVAL, "%s %ld: expected 2 to 100000000",
                  o->method == NL_SENS_SOBOL ? "base sample N" : "trajectories r", o->n);
  if (o->method == NL_SENS_MORRIS && (o->levels < 2 || o->levels % 2 || o->levels > 1000))
    return nl_err(&s->err, NL_EINVAL, "Morris levels %d: expected an even number from 2 to 1000", o->levels);
  if (o->resamples < 10 || o->resamples > 1000000)
    return nl_err(&s->err, NL_EINVAL, "bootstrap resamples %ld: expected 10 to 1000000", o->resamples);
  if (!(o->confidence > 0 && o->confidence < 1))
    return nl_err(&s->err, NL_EINVAL, "confidence %g: expected a level in (0, 1)", o->confidence);
  s->opt = *o;
  s->opt.dummy = o->dummy != 0;
  s->K = s->k + (size_t)s->opt.dummy;
  s->nout = noutputs;
  size_t N = (size_t)o->n, K = s->K, blocks = o->method == NL_SENS_SOBOL ? (o->second_order ? 2 * K + 2 : K + 2) : 0;
  size_t rows = 0, xs = 0, ys = 0;
  if (o->method == NL_SENS_SOBOL) {
    if (nl_mul_size(N, blocks, &rows)) return nl_err(&s->err, NL_ERANGE, "the design is too large");
  } else if (nl_mul_size(N, K + 1, &rows)) {
    return nl_err(&s->err, NL_ERANGE, "the design is too large");
  }
  if (nl_mul_size(rows, s->k, &xs) || nl_mul_size(rows, noutputs, &ys))
    return nl_err(&s->err, NL_ERANGE, "the design is too large");
  s->nrows = rows;
  s->x = nl_malloc(xs * sizeof *s->x);
  s->y = nl_malloc(ys * sizeof *s->y);
  s->fresh = nl_calloc(rows, 1);
  s->base = nl_malloc(rows * sizeof *s->base);
  if (o->method == NL_SENS_MORRIS) {
    s->moved = nl_malloc(rows * sizeof *s->moved);
    s->step = nl_malloc(rows * sizeof *s->step);
  }
  nl_status st = NL_OK;
  if (!s->x || !s->y || !s->fresh || !s->base || (o->method == NL_SENS_MORRIS && (!s->moved || !s->step))) {
    st = nl_err(&s->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < ys; i++) s->y[i] = NAN;
  st = o->method == NL_SENS_SOBOL ? design_sobol(s) : design_morris(s);
cleanup:
  if (st) clear_design(s);
  else s->built = 1;
  return st;
}

size_t nl_sensitivity_nrows(const nl_sensitivity *s) { return s ? s->nrows : 0; }
const double *nl_sensitivity_row(const nl_sensitivity *s, size_t i) { return s && i < s->nrows ? s->x + i * s->k : NULL; }
int nl_sensitivity_row_fresh(const nl_sensitivity *s, size_t i) { return s && i < s->nrows ? s->fresh[i] : 0; }
long nl_sensitivity_row_base(const nl_sensitivity *s, size_t i) { return s && i < s->nrows ? s->base[i] : -1; }

nl_status nl_sensitivity_set_output(nl_sensitivity *s, size_t i, const double *y) {
  if (!s->built) return nl_err(&s->err, NL_EINVAL, "no design: call nl_sensitivity_design first");
  if (i >= s->nrows) return nl_err(&s->err, NL_EINVAL, "row %zu: the design has %zu rows", i, s->nrows);
  memcpy(s->y + i * s->nout, y, s->nout * sizeof *y);
  s->analyzed = 0;
  return NL_OK;
}

const double *nl_sensitivity_row_output(const nl_sensitivity *s, size_t i) {
  return s && s->built && i < s->nrows ? s->y + i * s->nout : NULL;
}

nl_status nl_sensitivity_evaluate(nl_sensitivity *s, nl_sensitivity_fn f, void *ctx) {
  if (!s->built) return nl_err(&s->err, NL_EINVAL, "no design: call nl_sensitivity_design first");
  for (size_t i = 0; i < s->nrows; i++) f(s->x + i * s->k, s->y + i * s->nout, ctx);
  s->analyzed = 0;
  return NL_OK;
}

/* ---- analysis ------------------------------------------------------------------------------- */

/* Running mean and sum of squared deviations (Welford), for bootstrap standard deviations. */
typedef struct welford {
  double n, mean, m2;
} welford;

static void welford_add(welford *w, double x) {
  w->n += 1;
  double d = x - w->mean;
  w->mean += d / w->n;
  w->m2 += d * (x - w->mean);
}

static double welford_sd(const welford *w) { return w->n > 1 ? sqrt(w->m2 / (w->n - 1)) : NAN; }

/* Sobol indices of output j over base rows idx[0..n) (a bootstrap resample, or 0..n-1), the
 * outputs centred by `shift` first: Saltelli's S1 and S2 estimators are products of outputs,
 * whose variance grows with the outputs' mean (SALib centres them too). */
static void sobol_estimate(const nl_sensitivity *s, size_t j, const size_t *idx, size_t n, double shift, double *s1,
                           double *st, double *s2, double *var_out) {
  size_t N = (size_t)s->opt.n, K = s->K, no = s->nout;
  const double *y = s->y;
#define YV(block, row) (y[((block) * N + (row)) * no + j] - shift)
  double mean = 0, m2 = 0, cnt = 0;
  for (size_t r = 0; r < n; r++)
    for (size_t b = 0; b < 2; b++) {
      double v = YV(b, idx[r]);
      cnt += 1;
      double d = v - mean;
      mean += d / cnt;
      m2 += d * (v - mean);
    }
  double var = m2 / cnt; /* population variance over A and B, as SALib */
  if (var_out) *var_out = var;
  for (size_t f = 0; f < K; f++) {
    double a1 = 0, a2 = 0;
    for (size_t r = 0; r < n; r++) {
      double fa = YV(0, idx[r]), fb = YV(1, idx[r]), fab = YV(2 + f, idx[r]);
      a1 += fb * (fab - fa);
      a2 += (fa - fab) * (fa - fab);
    }
    s1[f] = var > 0 ? a1 / (double)n / var : NAN;
    st[f] = var > 0 ? 0.5 * a2 / (double)n / var : NAN;
  }
  if (!s2) return;
  for (size_t a = 0; a < K; a++)
    for (size_t b = a + 1; b < K; b++) {
      double acc = 0;
      for (size_t r = 0; r < n; r++) acc += YV(2 + K + a, idx[r]) * YV(2 + b, idx[r]) - YV(0, idx[r]) * YV(1, idx[r]);
      double vjk = var > 0 ? acc / (double)n / var : NAN;
      s2[a * K + b] = vjk - s1[a] - s1[b];
    }
#undef YV
}

/* Elementary effect of the step into row `row` for output j (unit-scale step). */
static double ee_of(const nl_sensitivity *s, size_t j, size_t row) {
  return (s->y[row * s->nout + j] - s->y[(row - 1) * s->nout + j]) / s->step[row];
}

static nl_status check_outputs(nl_sensitivity *s, long n_used) {
  for (size_t i = 0; i < s->nrows; i++) {
    if (s->base[i] >= n_used) continue;
    for (size_t j = 0; j < s->nout; j++)
      if (!isfinite(s->y[i * s->nout + j]))
        return nl_err(&s->err, NL_EINVAL, "row %zu, output %zu: %s", i, j,
                      isnan(s->y[i * s->nout + j]) ? "no value (not evaluated, or NaN)" : "not finite");
  }
  return NL_OK;
}

nl_status nl_sensitivity_analyze(nl_sensitivity *s, long n_used) {
  nl_err_clear(&s->err);
  if (!s->built) return nl_err(&s->err, NL_EINVAL, "no design: call nl_sensitivity_design first");
  clear_results(s);
  if (n_used <= 0 || n_used > s->opt.n) n_used = s->opt.n;
  if (n_used < 2) return nl_err(&s->err, NL_EINVAL, "an analysis needs at least 2 %s", s->opt.method == NL_SENS_SOBOL ? "base rows" : "trajectories");
  nl_status st = check_outputs(s, n_used);
  if (st) return st;
  size_t K = s->K, no = s->nout, n = (size_t)n_used, R = (size_t)s->opt.resamples;
  int sobol = s->opt.method == NL_SENS_SOBOL, so = sobol && s->opt.second_order;
  double z = nl_normal_quantile(0.5 + s->opt.confidence / 2);
  size_t *idx = nl_malloc(n * sizeof *idx);
  double *b1 = nl_malloc(K * sizeof *b1), *bt = nl_malloc(K * sizeof *bt), *b2 = so ? nl_malloc(K * K * sizeof *b2) : NULL;
  welford *w = nl_malloc((2 * K + (so ? K * K : 0)) * sizeof *w);
  s->var = nl_malloc(no * sizeof *s->var);
  if (sobol) {
    s->s1 = nl_malloc(no * K * sizeof *s->s1);
    s->s1h = nl_malloc(no * K * sizeof *s->s1h);
    s->st = nl_malloc(no * K * sizeof *s->st);
    s->sth = nl_malloc(no * K * sizeof *s->sth);
    if (so) {
      s->s2 = nl_malloc(no * K * K * sizeof *s->s2);
      s->s2h = nl_malloc(no * K * K * sizeof *s->s2h);
    }
  } else {
    s->mu = nl_malloc(no * K * sizeof *s->mu);
    s->mustar = nl_malloc(no * K * sizeof *s->mustar);
    s->mustarh = nl_malloc(no * K * sizeof *s->mustarh);
    s->sigma = nl_malloc(no * K * sizeof *s->sigma);
  }
  if (!idx || !b1 || !bt || (so && !b2) || !w || !s->var ||
      (sobol ? (!s->s1 || !s->s1h || !s->st || !s->sth || (so && (!s->s2 || !s->s2h)))
             : (!s->mu || !s->mustar || !s->mustarh || !s->sigma))) {
    st = nl_err(&s->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t j = 0; j < no; j++) {
    if (sobol) {
      for (size_t r = 0; r < n; r++) idx[r] = r;
      double *S2 = so ? s->s2 + j * K * K : NULL;
      if (S2)
        for (size_t q = 0; q < K * K; q++) S2[q] = NAN;
      double shift = 0, cnt = 0;
      for (size_t i = 0; i < s->nrows; i++)
        if (s->base[i] < n_used) {
          cnt += 1;
          shift += (s->y[i * no + j] - shift) / cnt;
        }
      sobol_estimate(s, j, idx, n, shift, s->s1 + j * K, s->st + j * K, S2, &s->var[j]);
      memset(w, 0, (2 * K + (so ? K * K : 0)) * sizeof *w);
      nl_rng rng;
      nl_rng_init(&rng, s->opt.seed, j, NL_RNG_BOOTSTRAP, 1);
      for (size_t b = 0; b < R; b++) {
        for (size_t r = 0; r < n; r++) idx[r] = (size_t)nl_rng_below(&rng, n);
        sobol_estimate(s, j, idx, n, shift, b1, bt, b2, NULL);
        for (size_t f = 0; f < K; f++) {
          if (isfinite(b1[f])) welford_add(&w[f], b1[f]);
          if (isfinite(bt[f])) welford_add(&w[K + f], bt[f]);
        }
        if (so)
          for (size_t a = 0; a < K; a++)
            for (size_t c = a + 1; c < K; c++)
              if (isfinite(b2[a * K + c])) welford_add(&w[2 * K + a * K + c], b2[a * K + c]);
      }
      for (size_t f = 0; f < K; f++) {
        s->s1h[j * K + f] = z * welford_sd(&w[f]);
        s->sth[j * K + f] = z * welford_sd(&w[K + f]);
      }
      if (so)
        for (size_t q = 0; q < K * K; q++) s->s2h[j * K * K + q] = z * welford_sd(&w[2 * K + q]);
    } else {
      /* every trajectory gives one elementary effect per factor */
      welford all = {0, 0, 0};
      for (size_t i = 0; i < s->nrows; i++)
        if (s->base[i] < n_used) welford_add(&all, s->y[i * no + j]);
      s->var[j] = all.n > 1 ? all.m2 / (all.n - 1) : NAN;
      for (size_t f = 0; f < K; f++) {
        welford e = {0, 0, 0};
        double abs_sum = 0;
        for (size_t t = 0; t < n; t++) {
          size_t r0 = t * (K + 1);
          for (size_t m = 1; m <= K; m++)
            if (s->moved[r0 + m] == (int)f) {
              double v = ee_of(s, j, r0 + m);
              welford_add(&e, v);
              abs_sum += fabs(v);
            }
        }
        s->mu[j * K + f] = e.mean;
        s->mustar[j * K + f] = abs_sum / (double)n;
        s->sigma[j * K + f] = welford_sd(&e);
      }
      /* bootstrap of mu* over trajectories */
      nl_rng rng;
      nl_rng_init(&rng, s->opt.seed, j, NL_RNG_BOOTSTRAP, 2);
      memset(w, 0, K * sizeof *w);
      for (size_t b = 0; b < R; b++) {
        for (size_t f = 0; f < K; f++) b1[f] = 0;
        for (size_t r = 0; r < n; r++) {
          size_t t = (size_t)nl_rng_below(&rng, n), r0 = t * (K + 1);
          for (size_t m = 1; m <= K; m++) b1[s->moved[r0 + m]] += fabs(ee_of(s, j, r0 + m));
        }
        for (size_t f = 0; f < K; f++) welford_add(&w[f], b1[f] / (double)n);
      }
      for (size_t f = 0; f < K; f++) s->mustarh[j * K + f] = z * welford_sd(&w[f]);
    }
  }
  s->analyzed = 1;
cleanup:
  nl_free(idx);
  nl_free(b1);
  nl_free(bt);
  nl_free(b2);
  nl_free(w);
  if (st) clear_results(s);
  return st;
}

/* ---- results -------------------------------------------------------------------------------- */

/* Entry q of output j in v (stride values per output), with its interval from half-widths h. */
static double pick(const nl_sensitivity *s, const double *v, const double *h, size_t stride, size_t j, size_t q,
                   double *lo, double *hi) {
  int ok = s->analyzed && v && j < s->nout;
  double e = ok ? v[j * stride + q] : NAN;
  double half = ok && h ? h[j * stride + q] : NAN;
  if (lo) *lo = e - half;
  if (hi) *hi = e + half;
  return e;
}
/* NaN, and NaN interval ends, for a NULL handle or an index out of range (checked getters, issue 19). */
static double no_value(double *lo, double *hi) {
  if (lo) *lo = NAN;
  if (hi) *hi = NAN;
  return NAN;
}

double nl_sensitivity_s1(const nl_sensitivity *s, size_t j, size_t i, double *lo, double *hi) {
  return s && i < s->K ? pick(s, s->s1, s->s1h, s->K, j, i, lo, hi) : no_value(lo, hi);
}
double nl_sensitivity_st(const nl_sensitivity *s, size_t j, size_t i, double *lo, double *hi) {
  return s && i < s->K ? pick(s, s->st, s->sth, s->K, j, i, lo, hi) : no_value(lo, hi);
}
double nl_sensitivity_s2(const nl_sensitivity *s, size_t j, size_t a, size_t b, double *lo, double *hi) {
  if (a > b) {
    size_t t = a;
    a = b;
    b = t;
  }
  if (!s || a == b || b >= s->K || !s->s2) return no_value(lo, hi);
  return pick(s, s->s2, s->s2h, s->K * s->K, j, a * s->K + b, lo, hi);
}
double nl_sensitivity_variance(const nl_sensitivity *s, size_t j) {
  return s && s->analyzed && j < s->nout ? s->var[j] : NAN;
}
double nl_sensitivity_mu(const nl_sensitivity *s, size_t j, size_t i) {
  return s && i < s->K ? pick(s, s->mu, NULL, s->K, j, i, NULL, NULL) : NAN;
}
double nl_sensitivity_mu_star(const nl_sensitivity *s, size_t j, size_t i, double *lo, double *hi) {
  return s && i < s->K ? pick(s, s->mustar, s->mustarh, s->K, j, i, lo, hi) : no_value(lo, hi);
}
double nl_sensitivity_sigma(const nl_sensitivity *s, size_t j, size_t i) {
  return s && i < s->K ? pick(s, s->sigma, NULL, s->K, j, i, NULL, NULL) : NAN;
}
