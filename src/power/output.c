/* Results of a power analysis: tidy CSV files and the power curves (docs/power.md). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "io/atomic.h"
#include "netlearn/files.h"
#include "netlearn/plot.h"
#include "power/power_internal.h"

static void num(FILE *f, double v) {
  if (isnan(v)) fputs("NA", f);
  else fprintf(f, "%.10g", v);
}

static nl_status write_power(nl_power *pw, const char *path) {
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &pw->err);
  if (st != NL_OK) return st;
  fputs("n,from,to,population,power,mc_se,mean_estimate,bias,rmse,coverage,replications\n", a.f);
  for (size_t s = 0; s < pw->nn; s++)
    for (size_t k = 0; k < pw->np; k++) {
      const nl_power_stat *x = &pw->stat[s * pw->np + k];
      fprintf(a.f, "%zu,%s,%s,", x->n, nl_power_path_from(pw, k), nl_power_path_to(pw, k));
      const double v[] = {pw->pval[k], x->power, x->mc_se, x->mean_estimate, x->bias, x->rmse, x->coverage};
      for (size_t q = 0; q < sizeof v / sizeof v[0]; q++) {
        num(a.f, v[q]);
        fputc(',', a.f);
      }
      fprintf(a.f, "%zu\n", x->reps);
    }
  return nl_atomic_commit(&a, &pw->err);
}

/* One row per estimated replication and path, sizes in the order given. */
static nl_status write_replications(nl_power *pw, const char *path) {
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &pw->err);
  if (st != NL_OK) return st;
  size_t reps = pw->opt.reps, np = pw->np;
  fputs("n,replication,from,to,estimate,significant,covered\n", a.f);
  for (size_t s = 0; s < pw->nn; s++)
    for (size_t r = 0; r < reps; r++) {
      size_t slot = s * reps + r;
      if (!pw->okrep[slot]) continue;
      for (size_t k = 0; k < np; k++) {
        fprintf(a.f, "%zu,%zu,%s,%s,", pw->n[s], r + 1, nl_power_path_from(pw, k), nl_power_path_to(pw, k));
        num(a.f, pw->est[slot * np + k]);
        fprintf(a.f, ",%d,%d\n", pw->sig[slot * np + k], pw->cov[slot * np + k]);
      }
    }
  return nl_atomic_commit(&a, &pw->err);
}

static nl_status write_min_n(nl_power *pw, const char *path) {
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &pw->err);
  if (st != NL_OK) return st;
  fputs("from,to,population,pls_population,n_power80,n_power90,extrapolated,n_isr,n_10times,type1_rate\n", a.f);
  for (size_t k = 0; k < pw->np && st == NL_OK; k++) {
    nl_power_min_n m;
    if ((st = nl_power_get_min_n(pw, k, &m)) != NL_OK) break;
    fprintf(a.f, "%s,%s,", nl_power_path_from(pw, k), nl_power_path_to(pw, k));
    const double v[] = {pw->pval[k], pw->plsval[k], m.n80, m.n90};
    for (size_t q = 0; q < 4; q++) {
      num(a.f, v[q]);
      fputc(',', a.f);
    }
    fprintf(a.f, "%d,", m.extrapolated);
    num(a.f, m.isr);
    fputc(',', a.f);
    num(a.f, m.ten_times);
    fputc(',', a.f);
    num(a.f, m.type1);
    fputc('\n', a.f);
  }
  if (st != NL_OK) {
    nl_atomic_abort(&a);
    return st;
  }
  return nl_atomic_commit(&a, &pw->err);
}

static nl_status write_population(nl_power *pw, const char *path) {
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &pw->err);
  if (st != NL_OK) return st;
  fputs("indicator", a.f);
  for (size_t i = 0; i < pw->ni; i++) fprintf(a.f, ",%s", nl_power_indicator_name(pw, i));
  fputc('\n', a.f);
  for (size_t i = 0; i < pw->ni; i++) {
    fputs(nl_power_indicator_name(pw, i), a.f);
    for (size_t k = 0; k < pw->ni; k++) {
      fputc(',', a.f);
      num(a.f, pw->sigma[i + k * pw->ni]);
    }
    fputc('\n', a.f);
  }
  return nl_atomic_commit(&a, &pw->err);
}

static nl_status write_settings(nl_power *pw, const char *path) {
  const nl_power_options *o = &pw->opt;
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &pw->err);
  if (st != NL_OK) return st;
  char pop[64];
  if (pw->nrow) snprintf(pop, sizeof pop, "data (%zu rows; samples without replacement)", pw->nrow);
  else snprintf(pop, sizeof pop, "%s", o->population == NL_POWER_FACTOR ? "factor" : "composite");
  fprintf(a.f, "key,value\nmodel,%s\npopulation,%s\nlikert,%d\nestimator,%s\n", pw->source, pop, o->likert,
          o->consistent ? "PLSc" : "PLS");
  fprintf(a.f, "test,%s\nalpha,%g\ntails,%d\nresamples,%zu\nreplications,%zu\nseed,%llu\n",
          o->test == NL_POWER_TEST_T ? "bootstrap t (estimate / bootstrap SD, t with B-1 df)"
                                     : "bootstrap percentile interval",
          o->alpha, o->tails, o->nboot, o->reps, o->seed);
  fprintf(a.f, "failed_replications,%zu\nnonconverged_replications,%zu\n", pw->nfail, pw->nnonconv);
  return nl_atomic_commit(&a, &pw->err);
}

nl_status nl_power_plot_curves(nl_figure *f, size_t ncurves, const char *const *labels, size_t nn, const double *n,
                               const double *power, const size_t *reps) {
  if (!f) return NL_EINVAL;
  if (ncurves == 0 || nn == 0 || !n || !power || !reps) return NL_EINVAL;
  double *lo = nl_malloc(nn * sizeof *lo), *hi = nl_malloc(nn * sizeof *hi);
  nl_status st = lo && hi ? NL_OK : NL_ENOMEM;
  if (!st) st = nl_figure_ylim(f, 0, 1);
  for (size_t c = 0; c < ncurves && !st; c++) {
    const double *y = power + c * nn;
    for (size_t q = 0; q < nn; q++) {
      /* Wilson interval: stays inside [0, 1] at power 0 or 1 */
      double m = (double)reps[c * nn + q], p = y[q], z = 1.959963984540054;
      double mid = (p + z * z / (2 * m)) / (1 + z * z / m);
      double h = z / (1 + z * z / m) * sqrt(p * (1 - p) / m + z * z / (4 * m * m));
      lo[q] = m > 0 ? mid - h : NAN;
      hi[q] = m > 0 ? mid + h : NAN;
    }
    size_t color = c < 6 ? c : c + 1; /* category 6 (black) is the .80 line's */
    st = nl_figure_band(f, nn, n, lo, hi, color);
    if (!st) st = nl_figure_line(f, nn, n, y, color, labels ? labels[c] : NULL, NL_PLOT_MARKERS);
  }
  if (!st) {
    double lx[2] = {n[0], n[nn - 1]}, ly[2] = {0.8, 0.8};
    st = nl_figure_line(f, 2, lx, ly, 6, "power .80", NL_PLOT_DASHED);
  }
  nl_free(lo);
  nl_free(hi);
  return st;
}

/* power.svg: a curve per path (power.csv has every number). */
static nl_status write_figure(nl_power *pw, const char *path) {
  nl_status st = NL_OK;
  size_t nn = pw->nn, np = pw->np;
  nl_figure *f = nl_figure_new(NULL);
  double *x = nl_malloc(nn * sizeof *x), *y = nl_malloc(nn * np * sizeof *y);
  size_t *reps = nl_malloc(nn * np * sizeof *reps), *ord = nl_malloc(nn * sizeof *ord);
  char **labels = nl_calloc(np, sizeof *labels);
  if (!f || !x || !y || !reps || !ord || !labels) {
    st = nl_err(&pw->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t q = 0; q < nn; q++) { /* increasing n */
    size_t rank = 0;
    for (size_t t = 0; t < nn; t++) rank += pw->n[t] < pw->n[q];
    ord[rank] = q;
  }
  size_t drawn = 0; /* paths with a power at some n: one whose replications all failed has none */
  for (size_t k = 0; k < np; k++) {
    size_t finite = 0;
    for (size_t q = 0; q < nn; q++) {
      const nl_power_stat *s = &pw->stat[ord[q] * np + k];
      x[q] = (double)s->n;
      y[drawn * nn + q] = s->power;
      reps[drawn * nn + q] = s->reps;
      finite += isfinite(s->power) != 0;
    }
    if (!finite) continue;
    char label[256];
    snprintf(label, sizeof label, "%s -> %s (%g)%s", nl_power_path_from(pw, k), nl_power_path_to(pw, k), pw->pval[k],
             pw->pval[k] == 0 ? " Type I" : "");
    if (!(labels[drawn++] = nl_strdup(label))) {
      st = nl_err(&pw->err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
  }
  if (!drawn) goto cleanup; /* no replication could be estimated: power.csv says NA, no figure */
  const char *title = pw->opt.test == NL_POWER_TEST_T ? "Power (bootstrap t test)" : "Power (bootstrap percentile test)";
  st = nl_figure_labels(f, "Sample size n", "Power (share of significant replications)", title);
  if (!st) st = nl_power_plot_curves(f, drawn, (const char *const *)labels, nn, x, y, reps);
  if (!st) st = nl_figure_save(f, path);
  if (st) nl_err(&pw->err, st, "%s: %s", path, nl_figure_errmsg(f));
cleanup:
  for (size_t k = 0; labels && k < np; k++) nl_free(labels[k]);
  nl_free(labels);
  nl_figure_free(f);
  nl_free(x);
  nl_free(y);
  nl_free(reps);
  nl_free(ord);
  return st;
}

nl_status nl_power_write(nl_power *pw, const char *dir) {
  if (!pw) return NL_EINVAL;
  if (!pw->ran) return nl_err(&pw->err, NL_EINVAL, "nothing to write: call nl_power_run first");
  nl_status made = nl_mkdirs(dir, pw->err.msg, sizeof pw->err.msg); /* mkdir -p, writable */
  if (made) return made;
  char path[4096];
  nl_status st;
  /* Every file an analysis may write goes first: an earlier run's replications.csv or power.svg
   * must not stay beside these results. */
  static const char *const outputs[] = {"power.csv", "min_n.csv", "population_cor.csv", "settings.csv",
                                        "replications.csv", "power.svg"};
  for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, outputs[i]);
    remove(path);
  }
  snprintf(path, sizeof path, "%s/power.csv", dir);
  if ((st = write_power(pw, path)) != NL_OK) return st;
  snprintf(path, sizeof path, "%s/min_n.csv", dir);
  if ((st = write_min_n(pw, path)) != NL_OK) return st;
  snprintf(path, sizeof path, "%s/population_cor.csv", dir);
  if ((st = write_population(pw, path)) != NL_OK) return st;
  snprintf(path, sizeof path, "%s/settings.csv", dir);
  if ((st = write_settings(pw, path)) != NL_OK) return st;
  snprintf(path, sizeof path, "%s/replications.csv", dir);
  if (pw->opt.write_replications && (st = write_replications(pw, path)) != NL_OK) return st;
  snprintf(path, sizeof path, "%s/power.svg", dir);
  return write_figure(pw, path);
}
