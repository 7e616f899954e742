/*
 * Results of a PLS-SEM estimation as tidy CSV files and as a terminal report.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <string.h>

#include "io/atomic.h"
#include "netlearn/files.h"
#include "pls/pls_internal.h"

static const char *scheme_name(nl_pls_scheme s) {
  return s == NL_PLS_SCHEME_FACTORIAL ? "factorial" : s == NL_PLS_SCHEME_CENTROID ? "centroid" : "path";
}

/* A number for CSV: full precision, NA for undefined (also nl_pls_mga_write_csv's). */
void pls_csv_num(FILE *f, double v) {
  if (isnan(v)) fputs("NA", f);
  else if (isinf(v)) fputs(v > 0 ? "Inf" : "-Inf", f);
  else fprintf(f, "%.15g", v);
}

/* n numbers separated by commas, then `end` ("\n" ends the row, "" lets the caller go on). */
void pls_csv_nums(FILE *f, const double *v, size_t n, const char *end) {
  for (size_t k = 0; k < n; k++) {
    if (k) fputc(',', f);
    pls_csv_num(f, v[k]);
  }
  fputs(end, f);
}

/* One "a,b,value" row. */
static void row2(FILE *f, const char *a, const char *b, double v) {
  fprintf(f, "%s,%s,", a, b);
  pls_csv_num(f, v);
  fputc('\n', f);
}

typedef struct out_ctx {
  nl_pls *p;
  const char *dir;
  nl_atomic_file a;
  char path[4096];
} out_ctx;

/* Every file nl_pls_write_csv may write. All are removed before any is written, so a directory
 * never mixes two estimations (a bootstrap.csv of an earlier run beside new paths.csv); open_file
 * refuses a name missing here. */
static const char *const pls_files[] = {
    "weights.csv",  "loadings.csv",    "cross_loadings.csv", "paths.csv",     "total_effects.csv",
    "indirect_effects.csv", "specific_indirect_effects.csv", "rsquared.csv", "fsquared.csv",
    "vif_inner.csv", "vif_outer.csv", "reliability.csv", "htmt.csv", "fornell_larcker.csv", "scores.csv",
    "simple_slopes.csv", "predict.csv", "predict_constructs.csv", "predict_cvpat.csv", "ipma.csv", "ipma_indicators.csv",
    "convergence.csv", "bootstrap.csv", "bootstrap_info.csv", "methods.md",
    /* written by nl_pls_mga_write_csv after this; listed so that an earlier run's copies go first */
    "mga_paths.csv", "mga_tests.csv", "micom.csv"};
#define NPLS_FILES (sizeof pls_files / sizeof pls_files[0])

static nl_status open_file(out_ctx *o, const char *name, const char *header) {
  size_t k = 0;
  while (k < NPLS_FILES && strcmp(pls_files[k], name)) k++;
  if (k == NPLS_FILES) return nl_err(&o->p->err, NL_EINTERNAL, "%s: not in the list of PLS outputs", name);
  snprintf(o->path, sizeof o->path, "%s/%s", o->dir, name);
  nl_status st = nl_atomic_open(&o->a, o->path, &o->p->err);
  if (st != NL_OK) return st;
  fputs(header, o->a.f);
  fputc('\n', o->a.f);
  return NL_OK;
}

static nl_status commit(out_ctx *o) {
  return nl_atomic_commit(&o->a, &o->p->err);
}

static void write_boot_row(FILE *f, const char *q, const char *from, const char *through, const char *to,
                           const nl_pls_boot_stat *s) {
  fprintf(f, "%s,%s,%s,%s,", q, from, through, to);
  pls_csv_nums(f, (const double[]){s->original, s->mean, s->sd, s->t, s->p, s->lo, s->hi}, 7, "\n");
}

/* "A;B" for the inner constructs of chain k */
static void chain_through(const nl_pls *p, size_t k, char *buf, size_t cap) {
  size_t len, off = 0;
  const size_t *c = nl_pls_specific_chain(p, k, &len);
  buf[0] = '\0';
  for (size_t q = 1; q + 1 < len && off < cap; q++)
    off += (size_t)snprintf(buf + off, cap - off, "%s%s", q > 1 ? ";" : "", p->cname[c[q]]);
}

/* 1 if first-stage construct j is a dimension of a higher-order construct of p (its weights and
 * loadings come from the first stage, as seminr's combined outer weights). */
static int is_dimension(const nl_pls *p, size_t j) {
  if (!p->stage1 || !p->ckind) return 0;
  for (size_t i = 0; i < p->ni; i++)
    if (p->ckind[p->icon[i]] == NL_PLS_KIND_HOC && strcmp(p->iname[i], p->stage1->cname[j]) == 0) return 1;
  return 0;
}

/* Rows "construct,indicator,[mode,]estimate" of the dimensions' first-stage weights or loadings. */
static void dimension_rows(FILE *f, const nl_pls *p, int loadings) {
  const nl_pls *s = p->stage1;
  for (size_t i = 0; s && i < s->ni; i++) {
    if (!is_dimension(p, s->icon[i])) continue;
    fprintf(f, "%s,%s,", s->cname[s->icon[i]], s->iname[i]);
    if (!loadings) fprintf(f, "%s,", s->cmode[s->icon[i]] == NL_PLS_MODE_B ? "B" : "A");
    pls_csv_num(f, loadings ? nl_pls_loading(s, i) : nl_pls_weight(s, i));
    fputc('\n', f);
  }
}

/* Simple slopes at -1, 0, +1 SD of the moderator for every interaction term and outcome. */
static const double slope_levels[3] = {-1.0, 0.0, 1.0};

/* In the writers below: open the next result file (header line written) or return its failure;
 * commit it or return. nl_pls_write_csv aborts a file left open. */
#define OPEN(name, header)                                                                                             \
  do {                                                                                                                 \
    if ((st = open_file(o, name, header)) != NL_OK) return st;                                                         \
    f = o->a.f;                                                                                                        \
  } while (0)
#define COMMIT()                                                                                                       \
  do {                                                                                                                 \
    if ((st = commit(o)) != NL_OK) return st;                                                                          \
  } while (0)

/* The measurement model: weights, loadings (with the dimensions of higher-order constructs) and cross-loadings. */
static nl_status write_measurement(out_ctx *o) {
  nl_pls *p = o->p;
  size_t nc = p->nc, ni = p->ni;
  nl_status st;
  FILE *f;
  OPEN("weights.csv", "construct,indicator,mode,estimate");
  for (size_t i = 0; i < ni; i++) {
    fprintf(f, "%s,%s,%s,", p->cname[p->icon[i]], p->iname[i], p->cmode[p->icon[i]] == NL_PLS_MODE_B ? "B" : "A");
    pls_csv_num(f, nl_pls_weight(p, i));
    fputc('\n', f);
  }
  dimension_rows(f, p, 0);
  COMMIT();
  OPEN("loadings.csv", "construct,indicator,estimate");
  for (size_t i = 0; i < ni; i++) {
    row2(f, p->cname[p->icon[i]], p->iname[i], nl_pls_loading(p, i));
  }
  dimension_rows(f, p, 1);
  COMMIT();
  OPEN("cross_loadings.csv", "indicator,construct,estimate");
  for (size_t i = 0; i < ni; i++)
    for (size_t j = 0; j < nc; j++) {
      row2(f, p->iname[i], p->cname[j], nl_pls_cross_loading(p, i, j));
    }
  COMMIT();
  return NL_OK;
}

/* The structural model: paths, total, indirect and specific indirect effects, R^2, f^2, inner VIFs. */
static nl_status write_structural(out_ctx *o) {
  nl_pls *p = o->p;
  size_t nc = p->nc;
  nl_status st;
  FILE *f;
  OPEN("paths.csv", "from,to,estimate");
  for (size_t k = 0; k < p->np; k++) {
    row2(f, p->cname[p->pfrom[k]], p->cname[p->pto[k]], nl_pls_path(p, p->pfrom[k], p->pto[k]));
  }
  COMMIT();
  if (pls_stats_layout(p) != 0) {
    return nl_err(&p->err, NL_ENOMEM, "out of memory");
  }
  OPEN("total_effects.csv", "from,to,estimate");
  for (size_t a = 0; a < nc; a++)
    for (size_t b = 0; b < nc; b++)
      if (p->tot_idx[a + b * nc] >= 0) {
        row2(f, p->cname[a], p->cname[b], nl_pls_total_effect(p, a, b));
      }
  COMMIT();
  OPEN("indirect_effects.csv", "from,to,estimate");
  for (size_t a = 0; a < nc; a++)
    for (size_t b = 0; b < nc; b++)
      if (p->ind_idx[a + b * nc] >= 0) {
        row2(f, p->cname[a], p->cname[b], nl_pls_indirect_effect(p, a, b));
      }
  COMMIT();
  OPEN("specific_indirect_effects.csv", "from,through,to,estimate");
  for (size_t k = 0; k < p->nspec; k++) {
    char through[1024];
    size_t len;
    const size_t *c = nl_pls_specific_chain(p, k, &len);
    chain_through(p, k, through, sizeof through);
    fprintf(f, "%s,%s,%s,", p->cname[c[0]], through, p->cname[c[len - 1]]);
    pls_csv_num(f, nl_pls_specific_effect(p, k));
    fputc('\n', f);
  }
  COMMIT();
  OPEN("rsquared.csv", "construct,r2,adj_r2");
  for (size_t j = 0; j < nc; j++)
    if (p->s.npred[j]) {
      fprintf(f, "%s,", p->cname[j]);
      pls_csv_nums(f, (const double[]){nl_pls_rsq(p, j), nl_pls_adj_rsq(p, j)}, 2, "\n");
    }
  COMMIT();
  OPEN("fsquared.csv", "from,to,estimate");
  for (size_t k = 0; k < p->np; k++) {
    row2(f, p->cname[p->pfrom[k]], p->cname[p->pto[k]], nl_pls_f2(p, p->pfrom[k], p->pto[k]));
  }
  COMMIT();
  OPEN("vif_inner.csv", "from,to,estimate");
  for (size_t k = 0; k < p->np; k++) {
    row2(f, p->cname[p->pfrom[k]], p->cname[p->pto[k]], nl_pls_vif_inner(p, p->pfrom[k], p->pto[k]));
  }
  COMMIT();
  return NL_OK;
}

/* Quality criteria: outer VIFs, reliability, HTMT (with its bootstrap bound) and Fornell-Larcker. */
static nl_status write_quality(out_ctx *o) {
  nl_pls *p = o->p;
  size_t nc = p->nc, ni = p->ni;
  nl_status st;
  FILE *f;
  OPEN("vif_outer.csv", "construct,indicator,estimate");
  for (size_t i = 0; i < ni; i++) {
    row2(f, p->cname[p->icon[i]], p->iname[i], nl_pls_vif_outer(p, i));
  }
  COMMIT();
  OPEN("reliability.csv", "construct,alpha,rho_c,ave,rho_a");
  for (size_t j = 0; j < nc; j++) {
    fprintf(f, "%s,", p->cname[j]);
    pls_csv_nums(f, (const double[]){nl_pls_alpha(p, j), nl_pls_rho_c(p, j), nl_pls_ave(p, j), nl_pls_rho_a(p, j)}, 4, "\n");
  }
  COMMIT();
  OPEN("htmt.csv", "construct1,construct2,estimate,upper,below_085,below_090");
  for (size_t j = 0; j < nc; j++)
    for (size_t l = j + 1; l < nc; l++) {
      double ub = nl_pls_htmt_upper(p, l, j);
      fprintf(f, "%s,%s,", p->cname[l], p->cname[j]);
      pls_csv_nums(f, (const double[]){nl_pls_htmt(p, l, j), ub}, 2, "");
      fprintf(f, ",%s,%s\n", isnan(ub) ? "NA" : ub < 0.85 ? "true" : "false",
              isnan(ub) ? "NA" : ub < 0.90 ? "true" : "false");
    }
  COMMIT();
  OPEN("fornell_larcker.csv", "construct1,construct2,estimate");
  for (size_t j = 0; j < nc; j++)
    for (size_t l = j; l < nc; l++) {
      row2(f, p->cname[l], p->cname[j], l == j ? sqrt(nl_pls_ave(p, j)) : nl_pls_construct_cor(p, l, j));
    }
  COMMIT();
  return NL_OK;
}

/* Construct scores, and the simple slopes of every interaction term. */
static nl_status write_scores(out_ctx *o) {
  nl_pls *p = o->p;
  size_t nc = p->nc;
  nl_status st;
  FILE *f;
  char header[8192];
  size_t off = (size_t)snprintf(header, sizeof header, "row");
  for (size_t j = 0; j < nc && off < sizeof header; j++)
    off += (size_t)snprintf(header + off, sizeof header - off, ",%s", p->cname[j]);
  OPEN("scores.csv", header);
  for (size_t r = 0; r < p->n; r++) {
    fprintf(f, "%zu", p->rowid[r]);
    for (size_t j = 0; j < nc; j++) {
      fputc(',', f);
      pls_csv_num(f, nl_pls_score(p, r, j));
    }
    fputc('\n', f);
  }
  COMMIT();
  if (p->s.ckind) {
    OPEN("simple_slopes.csv", "interaction,predictor,moderator,outcome,moderator_level,slope,intercept");
    for (size_t j = 0; j < nc; j++) {
      size_t a, b;
      if (!nl_pls_interaction_ends(p, j, &a, &b)) continue;
      for (size_t y = 0; y < nc; y++)
        for (int l = 0; l < 3; l++) {
          double sl, ic;
          if (nl_pls_simple_slope(p, j, y, slope_levels[l], &sl, &ic) != NL_OK) continue;
          fprintf(f, "%s,%s,%s,%s,%g,", p->cname[j], p->cname[a], p->cname[b], p->cname[y], slope_levels[l]);
          pls_csv_nums(f, (const double[]){sl, ic}, 2, "\n");
        }
    }
    COMMIT();
  }
  return NL_OK;
}

/* PLSpredict: per indicator, CVPAT, per construct. */
static nl_status write_predict(out_ctx *o) {
  nl_pls *p = o->p;
  size_t nc = p->nc, ni = p->ni;
  nl_status st;
  FILE *f;
  nl_pls_predict_metrics m;
  OPEN("predict.csv", "indicator,construct,pls_rmse,pls_mae,lm_rmse,lm_mae,q2_predict");
  for (size_t i = 0; i < ni; i++)
    if (nl_pls_predict_indicator(p, i, &m) == NL_OK) {
      fprintf(f, "%s,%s,", p->iname[i], p->cname[p->icon[i]]);
      pls_csv_nums(f, (const double[]){m.pls_rmse, m.pls_mae, m.lm_rmse, m.lm_mae, m.q2_predict}, 5, "\n");
    }
  COMMIT();
  OPEN("predict_cvpat.csv", "construct,benchmark,loss_pls,loss_benchmark,d_mean,t,df,p_one_sided,p_two_sided");
  for (size_t j = 0; j <= nc; j++)
    for (int bm = 0; bm < 2; bm++) {
      nl_pls_cvpat c;
      if (nl_pls_predict_cvpat(p, j, bm, &c) != NL_OK) continue;
      fprintf(f, "%s,%s,", j == nc ? "(all)" : p->cname[j], bm ? "IA" : "LM");
      pls_csv_nums(f, (const double[]){c.loss_pls, c.loss_benchmark, c.d_mean, c.t, c.df, c.p_one_sided, c.p_two_sided}, 7,
           "\n");
    }
  COMMIT();
  OPEN("predict_constructs.csv", "construct,rmse,mae,q2_predict,folds,repetitions,technique");
  for (size_t j = 0; j < nc; j++)
    if (nl_pls_predict_construct(p, j, &m) == NL_OK) {
      fprintf(f, "%s,", p->cname[j]);
      pls_csv_nums(f, (const double[]){m.pls_rmse, m.pls_mae, m.q2_predict}, 3, "");
      fprintf(f, ",%zu,%zu,%s\n", nl_pls_predict_folds(p), nl_pls_predict_reps(p),
              pls_predict_technique_name(p));
    }
  COMMIT();
  return NL_OK;
}

/* Importance-performance map: constructs and indicators. */
static nl_status write_ipma(out_ctx *o) {
  nl_pls *p = o->p;
  size_t nc = p->nc, ni = p->ni;
  nl_status st;
  FILE *f;
  size_t t = nl_pls_ipma_target(p);
  OPEN("ipma.csv", "target,construct,importance,performance");
  for (size_t j = 0; j < nc; j++) {
    fprintf(f, "%s,%s,", p->cname[t], p->cname[j]);
    pls_csv_nums(f, (const double[]){nl_pls_ipma_importance(p, j), nl_pls_ipma_performance(p, j)}, 2, "\n");
  }
  COMMIT();
  OPEN("ipma_indicators.csv", "target,construct,indicator,importance,performance");
  for (size_t i = 0; i < ni; i++) {
    fprintf(f, "%s,%s,%s,", p->cname[t], p->cname[p->icon[i]], p->iname[i]);
    pls_csv_nums(f, (const double[]){nl_pls_ipma_indicator_importance(p, i), nl_pls_ipma_indicator_performance(p, i)}, 2, "\n");
  }
  COMMIT();
  return NL_OK;
}

/* The iteration: how it ended and the settings. */
static nl_status write_convergence(out_ctx *o) {
  nl_pls *p = o->p;
  nl_status st;
  FILE *f;
  OPEN("convergence.csv", "iterations,converged,weight_change,max_iter,tolerance,nobs,nrows_data,scheme,missing,"
                          "consistent");
  fprintf(f, "%d,%s,", p->ws.iterations, p->ws.converged ? "true" : "false");
  pls_csv_num(f, p->ws.diff);
  fprintf(f, ",%d,", p->opt.max_iter);
  pls_csv_num(f, p->opt.tol);
  fprintf(f, ",%zu,%zu,%s,%s,%s\n", p->n, p->nall, scheme_name(p->opt.scheme),
          p->opt.missing == NL_PLS_MISSING_CASEWISE ? "casewise" : "mean", p->opt.consistent ? "true" : "false");
  COMMIT();

  return NL_OK;
}

/* The bootstrap: every quantity's statistics, and its settings. */
static nl_status write_bootstrap(out_ctx *o) {
  nl_pls *p = o->p;
  size_t nc = p->nc, ni = p->ni;
  nl_status st;
  FILE *f;
  nl_pls_boot_stat s;
  OPEN("bootstrap.csv", "quantity,from,through,to,original,boot_mean,boot_sd,t,p,ci_lower,ci_upper");
  for (size_t i = 0; i < ni; i++)
    if (nl_pls_boot_get(p, NL_PLS_Q_WEIGHT, i, 0, &s) == NL_OK)
      write_boot_row(f, "weight", p->iname[i], "", p->cname[p->icon[i]], &s);
  for (size_t i = 0; i < ni; i++)
    if (nl_pls_boot_get(p, NL_PLS_Q_LOADING, i, 0, &s) == NL_OK)
      write_boot_row(f, "loading", p->iname[i], "", p->cname[p->icon[i]], &s);
  for (size_t k = 0; k < p->np; k++)
    if (nl_pls_boot_get(p, NL_PLS_Q_PATH, p->pfrom[k], p->pto[k], &s) == NL_OK)
      write_boot_row(f, "path", p->cname[p->pfrom[k]], "", p->cname[p->pto[k]], &s);
  for (size_t a = 0; a < nc; a++)
    for (size_t b = 0; b < nc; b++)
      if (p->tot_idx[a + b * nc] >= 0 && nl_pls_boot_get(p, NL_PLS_Q_TOTAL, a, b, &s) == NL_OK)
        write_boot_row(f, "total_effect", p->cname[a], "", p->cname[b], &s);
  for (size_t a = 0; a < nc; a++)
    for (size_t b = 0; b < nc; b++)
      if (p->ind_idx[a + b * nc] >= 0 && nl_pls_boot_get(p, NL_PLS_Q_INDIRECT, a, b, &s) == NL_OK)
        write_boot_row(f, "indirect_effect", p->cname[a], "", p->cname[b], &s);
  for (size_t k = 0; k < p->nspec; k++)
    if (nl_pls_boot_get(p, NL_PLS_Q_SPECIFIC, k, 0, &s) == NL_OK) {
      char through[1024];
      size_t len;
      const size_t *c = nl_pls_specific_chain(p, k, &len);
      chain_through(p, k, through, sizeof through);
      write_boot_row(f, "specific_indirect_effect", p->cname[c[0]], through, p->cname[c[len - 1]], &s);
    }
  for (size_t j = 0; j < nc; j++)
    if (p->s.npred[j] && nl_pls_boot_get(p, NL_PLS_Q_RSQ, j, 0, &s) == NL_OK)
      write_boot_row(f, "r2", "", "", p->cname[j], &s);
  for (size_t j = 0; j < nc; j++)
    for (size_t l = j + 1; l < nc; l++)
      if (nl_pls_boot_get(p, NL_PLS_Q_HTMT, l, j, &s) == NL_OK)
        write_boot_row(f, "htmt", p->cname[l], "", p->cname[j], &s);
  COMMIT();
  OPEN("bootstrap_info.csv", "nboot,succeeded,failed,nonconverged,seed,stream,ci,alpha,p_value");
  fprintf(f, "%zu,%zu,%zu,%zu,%llu,%llu,%s,", p->bopt.nboot, p->nboot_ok, p->nfail, p->nnonconv, p->bopt.seed,
          p->bopt.stream, p->bopt.ci == NL_PLS_CI_BCA ? "bca" : "percentile");
  pls_csv_num(f, p->bopt.alpha);
  fprintf(f, ",t(nboot-1) two-sided\n");
  COMMIT();
  return NL_OK;
}

/* methods.md: what was done, with which settings (nl_pls_write_methods). */
static nl_status write_methods_md(out_ctx *o) {
  nl_status st;
  FILE *f;
  OPEN("methods.md", "<!-- written by netlearn pls: the methods and settings behind the files in this directory -->");
  if ((st = nl_pls_write_methods(o->p, f)) != NL_OK) return st;
  COMMIT();
  return NL_OK;
}

#undef OPEN
#undef COMMIT

nl_status nl_pls_write_csv(nl_pls *p, const char *dir) {
  nl_status st = NL_OK;
  if (!p) return NL_EINVAL;
  if (!p->estimated) return nl_err(&p->err, NL_EINVAL, "nothing to write: the model has not been estimated");
  nl_status made = nl_mkdirs(dir, p->err.msg, sizeof p->err.msg); /* mkdir -p, writable */
  if (made) return made;
  out_ctx o;
  memset(&o, 0, sizeof o);
  o.p = p;
  o.dir = dir;
  for (size_t k = 0; k < NPLS_FILES; k++) {
    snprintf(o.path, sizeof o.path, "%s/%s", dir, pls_files[k]);
    if (remove(o.path) != 0 && errno != ENOENT)
      return nl_err(&p->err, NL_EIO, "%s: cannot remove the earlier result: %s", o.path, strerror(errno));
  }
  if ((st = write_measurement(&o)) || (st = write_structural(&o)) || (st = write_quality(&o)) ||
      (st = write_scores(&o)) || (p->pred && (st = write_predict(&o))) || (p->ipma && (st = write_ipma(&o))) ||
      (st = write_convergence(&o)) || (p->booted && (st = write_bootstrap(&o))) || (st = write_methods_md(&o)))
    nl_atomic_abort(&o.a);
  return st;
}

/* ---- terminal report ------------------------------------------------------------------- */

static void fmt_cell(FILE *f, double v, int width) {
  if (isnan(v)) fprintf(f, " %*s", width, ".");
  else fprintf(f, " %*.3f", width, v);
}

static int name_width(const nl_pls *p, int minw) {
  int w = minw;
  for (size_t j = 0; j < p->nc; j++)
    if ((int)strlen(p->cname[j]) > w) w = (int)strlen(p->cname[j]);
  return w;
}

/* "A -> B -> C" for chain k; returns its length (as snprintf, may exceed cap). */
static size_t chain_label(const nl_pls *p, size_t k, char *buf, size_t cap) {
  size_t len, off = 0;
  const size_t *c = nl_pls_specific_chain(p, k, &len);
  buf[0] = '\0';
  for (size_t q = 0; q < len && off < cap; q++)
    off += (size_t)snprintf(buf + off, cap - off, "%s%s", q ? " -> " : "", p->cname[c[q]]);
  return off;
}

static void boot_table_header(FILE *f, int w) {
  fprintf(f, "  %-*s %9s %9s %9s %8s %8s %9s %9s\n", w, "", "Original", "Boot Mean", "Boot SD", "T Stat.", "p",
          "CI lower", "CI upper");
}

static void boot_table_row(FILE *f, int w, const char *label, const nl_pls_boot_stat *s) {
  fprintf(f, "  %-*s %9.3f %9.3f %9.3f", w, label, s->original, s->mean, s->sd);
  if (isnan(s->t)) fprintf(f, " %8s %8s", ".", ".");
  else fprintf(f, " %8.3f %8.4f", s->t, s->p);
  fmt_cell(f, s->lo, 9);
  fmt_cell(f, s->hi, 9);
  fputc('\n', f);
}

nl_status nl_pls_write_report(nl_pls *p, const char *title, FILE *f) {
  if (!p) return NL_EINVAL;
  if (!p->estimated) return nl_err(&p->err, NL_EINVAL, "nothing to report: the model has not been estimated");
  size_t nc = p->nc;
  int w = name_width(p, 8);
  fprintf(f, "PLS-SEM results%s%s\n", title ? ": " : "", title ? title : "");
  fprintf(f, "  observations: %zu", p->n);
  if (p->n < p->nall) fprintf(f, " (of %zu rows; %zu dropped by casewise deletion)", p->nall, p->nall - p->n);
  fprintf(f, "\n  constructs: %zu, indicators: %zu, paths: %zu\n", nc, p->ni, p->np);
  fprintf(f, "  inner weighting: %s; missing data: %s; consistent PLS (PLSc): %s\n", scheme_name(p->opt.scheme),
          p->opt.missing == NL_PLS_MISSING_CASEWISE ? "casewise deletion" : "mean replacement",
          p->opt.consistent ? "yes" : "no");
  if (p->ws.converged)
    fprintf(f, "  converged: iterations %d (weight change %.2g < %.2g)\n", p->ws.iterations, p->ws.diff, p->opt.tol);
  else
    fprintf(f, "  NOT CONVERGED after %d iterations (weight change %.2g >= %.2g): interpret with care\n",
            p->ws.iterations, p->ws.diff, p->opt.tol);

  /* path coefficients: rows antecedents, columns endogenous constructs, as seminr */
  fprintf(f, "\nPath Coefficients:\n  %-*s", w, "");
  for (size_t j = 0; j < nc; j++)
    if (p->s.npred[j]) fprintf(f, " %*s", w, p->cname[j]);
  fprintf(f, "\n  %-*s", w, "R^2");
  for (size_t j = 0; j < nc; j++)
    if (p->s.npred[j]) fmt_cell(f, nl_pls_rsq(p, j), w);
  fprintf(f, "\n  %-*s", w, "AdjR^2");
  for (size_t j = 0; j < nc; j++)
    if (p->s.npred[j]) fmt_cell(f, nl_pls_adj_rsq(p, j), w);
  fputc('\n', f);
  for (size_t i = 0; i < nc; i++) {
    int any = 0;
    for (size_t j = 0; j < nc; j++) any |= p->s.adj[i * nc + j];
    if (!any) continue;
    fprintf(f, "  %-*s", w, p->cname[i]);
    for (size_t j = 0; j < nc; j++)
      if (p->s.npred[j]) fmt_cell(f, p->s.adj[i * nc + j] ? nl_pls_path(p, i, j) : NAN, w);
    fputc('\n', f);
  }

  /* f^2 and inner VIF in the same layout */
  for (int which = 0; which < 2; which++) {
    fprintf(f, "\n%s:\n  %-*s", which ? "Antecedent VIF (inner model)" : "Effect sizes f^2", w, "");
    for (size_t j = 0; j < nc; j++)
      if (p->s.npred[j]) fprintf(f, " %*s", w, p->cname[j]);
    fputc('\n', f);
    for (size_t i = 0; i < nc; i++) {
      int any = 0;
      for (size_t j = 0; j < nc; j++) any |= p->s.adj[i * nc + j];
      if (!any) continue;
      fprintf(f, "  %-*s", w, p->cname[i]);
      for (size_t j = 0; j < nc; j++)
        if (p->s.npred[j])
          fmt_cell(f, !p->s.adj[i * nc + j] ? NAN : which ? nl_pls_vif_inner(p, i, j) : nl_pls_f2(p, i, j), w);
      fputc('\n', f);
    }
  }

  fprintf(f, "\nReliability:\n  %-*s %8s %8s %8s %8s\n", w, "", "alpha", "rhoC", "AVE", "rhoA");
  for (size_t j = 0; j < nc; j++)
    fprintf(f, "  %-*s %8.3f %8.3f %8.3f %8.3f\n", w, p->cname[j], nl_pls_alpha(p, j), nl_pls_rho_c(p, j),
            nl_pls_ave(p, j), nl_pls_rho_a(p, j));
  fprintf(f, "  Alpha, rhoC and rhoA should exceed 0.7, AVE 0.5 (reflective constructs).\n");

  int iw = 8;
  for (size_t i = 0; i < p->ni; i++)
    if ((int)strlen(p->iname[i]) > iw) iw = (int)strlen(p->iname[i]);
  fprintf(f, "\nOuter Weights and Loadings:\n  %-*s %-*s %4s %8s %8s %8s\n", w, "construct", iw, "indicator", "mode",
          "weight", "loading", "VIF");
  for (size_t i = 0; i < p->ni; i++)
    fprintf(f, "  %-*s %-*s %4s %8.3f %8.3f %8.3f\n", w, p->cname[p->icon[i]], iw, p->iname[i],
            p->cmode[p->icon[i]] == NL_PLS_MODE_B ? "B" : "A", nl_pls_weight(p, i), nl_pls_loading(p, i),
            nl_pls_vif_outer(p, i));

  if (p->stage1 && p->ckind) {
    int any = 0;
    for (size_t i = 0; i < p->stage1->ni; i++) any |= is_dimension(p, p->stage1->icon[i]);
    if (any) {
      const nl_pls *s1 = p->stage1;
      fprintf(f, "\nLower-order constructs (first stage of the two-stage approach, %d iterations):\n", s1->ws.iterations);
      for (size_t i = 0; i < s1->ni; i++)
        if (is_dimension(p, s1->icon[i]))
          fprintf(f, "  %-*s %-*s %4s %8.3f %8.3f\n", w, s1->cname[s1->icon[i]], iw, s1->iname[i],
                  s1->cmode[s1->icon[i]] == NL_PLS_MODE_B ? "B" : "A", nl_pls_weight(s1, i), nl_pls_loading(s1, i));
    }
  }
  if (p->s.ckind) {
    fprintf(f, "\nSimple slopes (effect of the predictor at -1, 0, +1 SD of the moderator; seminr's scaling):\n");
    for (size_t j = 0; j < nc; j++) {
      size_t a, b;
      if (!nl_pls_interaction_ends(p, j, &a, &b)) continue;
      for (size_t y = 0; y < nc; y++) {
        double sl[3], ic[3];
        int ok = 1;
        for (int l = 0; l < 3; l++) ok &= nl_pls_simple_slope(p, j, y, slope_levels[l], &sl[l], &ic[l]) == NL_OK;
        if (!ok) continue;
        fprintf(f, "  %s -> %s moderated by %s: slope %.3f (-1 SD), %.3f (mean), %.3f (+1 SD)\n", p->cname[a],
                p->cname[y], p->cname[b], sl[0], sl[1], sl[2]);
      }
    }
  }

  if (p->pred) {
    nl_pls_predict_metrics m;
    size_t k = nl_pls_predict_folds(p);
    fprintf(f, "\nPLSpredict (%s, %s; out-of-sample; LM = seminr's linear-model benchmark):\n",
            k == p->n ? "leave-one-out" : "k-fold", pls_predict_technique_name(p));
    if (k != p->n) fprintf(f, "  %zu folds x %zu repetitions\n", k, nl_pls_predict_reps(p));
    fprintf(f, "  %-*s %-*s %9s %9s %9s %9s %9s\n", iw, "indicator", w, "construct", "PLS_RMSE", "PLS_MAE", "LM_RMSE",
            "LM_MAE", "Q2predict");
    for (size_t i = 0; i < p->ni; i++)
      if (nl_pls_predict_indicator(p, i, &m) == NL_OK)
        fprintf(f, "  %-*s %-*s %9.3f %9.3f %9.3f %9.3f %9.3f\n", iw, p->iname[i], w, p->cname[p->icon[i]], m.pls_rmse,
                m.pls_mae, m.lm_rmse, m.lm_mae, m.q2_predict);
    fprintf(f, "  Q2predict > 0: PLS beats the training mean; PLS_RMSE < LM_RMSE for most indicators: predictive power.\n");
    fprintf(f, "  CVPAT (Liengaard et al. 2021; D = loss(benchmark) - loss(PLS), H1: PLS predicts better):\n");
    for (size_t j = 0; j <= nc; j++)
      for (int bm = 0; bm < 2; bm++) {
        nl_pls_cvpat c;
        if (nl_pls_predict_cvpat(p, j, bm, &c) != NL_OK) continue;
        fprintf(f, "    %-*s vs %s: mean D %8.4f, t(%g) = %7.3f, p one-sided %.4f\n", w, j == nc ? "(all)" : p->cname[j],
                bm ? "IA" : "LM", c.d_mean, c.df, c.t, c.p_one_sided);
      }
  }

  if (p->ipma) {
    size_t t = nl_pls_ipma_target(p);
    fprintf(f, "\nImportance-performance map for %s (importance = unstandardized total effect, performance = "
               "mean score on 0-100):\n  %-*s %10s %11s\n",
            p->cname[t], w, "", "importance", "performance");
    for (size_t j = 0; j < nc; j++)
      if (!isnan(nl_pls_ipma_importance(p, j)) || j == t)
        fprintf(f, "  %-*s %10.3f %11.2f\n", w, p->cname[j], nl_pls_ipma_importance(p, j),
                nl_pls_ipma_performance(p, j));
  }

  fprintf(f, "\nHTMT:\n  %-*s", w, "");
  for (size_t j = 0; j + 1 < nc; j++) fprintf(f, " %*s", w, p->cname[j]);
  fputc('\n', f);
  for (size_t i = 1; i < nc; i++) {
    fprintf(f, "  %-*s", w, p->cname[i]);
    for (size_t j = 0; j < i; j++) fmt_cell(f, nl_pls_htmt(p, i, j), w);
    fputc('\n', f);
  }

  if (p->booted) {
    nl_pls_boot_stat s;
    char label[512];
    int lw = 2 * w + 4;
    fprintf(f, "\nBootstrap: %zu resamples (%zu failed, %zu not converged), seed %llu, %s %.0f%% intervals, "
               "p from t(%zu)\n",
            p->nboot_ok, p->nfail, p->nnonconv, p->bopt.seed, p->bopt.ci == NL_PLS_CI_BCA ? "BCa" : "percentile",
            100 * (1 - p->bopt.alpha), p->nboot_ok - 1);
    fprintf(f, "\nBootstrapped Structural Paths:\n");
    boot_table_header(f, lw);
    for (size_t k = 0; k < p->np; k++)
      if (nl_pls_boot_get(p, NL_PLS_Q_PATH, p->pfrom[k], p->pto[k], &s) == NL_OK) {
        snprintf(label, sizeof label, "%s -> %s", p->cname[p->pfrom[k]], p->cname[p->pto[k]]);
        boot_table_row(f, lw, label, &s);
      }
    fprintf(f, "\nBootstrapped Total Effects:\n");
    boot_table_header(f, lw);
    for (size_t a = 0; a < nc; a++)
      for (size_t b = 0; b < nc; b++)
        if (p->tot_idx[a + b * nc] >= 0 && nl_pls_boot_get(p, NL_PLS_Q_TOTAL, a, b, &s) == NL_OK) {
          snprintf(label, sizeof label, "%s -> %s", p->cname[a], p->cname[b]);
          boot_table_row(f, lw, label, &s);
        }
    if (p->nspec) {
      fprintf(f, "\nBootstrapped Specific Indirect Effects:\n");
      int sw = lw;
      for (size_t k = 0; k < p->nspec; k++) {
        size_t off = chain_label(p, k, label, sizeof label);
        if ((int)off > sw) sw = (int)off;
      }
      boot_table_header(f, sw);
      for (size_t k = 0; k < p->nspec; k++)
        if (nl_pls_boot_get(p, NL_PLS_Q_SPECIFIC, k, 0, &s) == NL_OK) {
          chain_label(p, k, label, sizeof label);
          boot_table_row(f, sw, label, &s);
        }
    }
    fprintf(f, "\nBootstrapped Weights:\n");
    boot_table_header(f, lw);
    for (size_t i = 0; i < p->ni; i++)
      if (nl_pls_boot_get(p, NL_PLS_Q_WEIGHT, i, 0, &s) == NL_OK) {
        snprintf(label, sizeof label, "%s -> %s", p->iname[i], p->cname[p->icon[i]]);
        boot_table_row(f, lw, label, &s);
      }
    fprintf(f, "\nBootstrapped Loadings:\n");
    boot_table_header(f, lw);
    for (size_t i = 0; i < p->ni; i++)
      if (nl_pls_boot_get(p, NL_PLS_Q_LOADING, i, 0, &s) == NL_OK) {
        snprintf(label, sizeof label, "%s -> %s", p->iname[i], p->cname[p->icon[i]]);
        boot_table_row(f, lw, label, &s);
      }
    fprintf(f, "\nBootstrapped HTMT:\n");
    boot_table_header(f, lw);
    for (size_t j = 0; j < nc; j++)
      for (size_t l = j + 1; l < nc; l++)
        if (nl_pls_boot_get(p, NL_PLS_Q_HTMT, l, j, &s) == NL_OK) {
          snprintf(label, sizeof label, "%s <-> %s", p->cname[l], p->cname[j]);
          boot_table_row(f, lw, label, &s);
        }
    fprintf(f, "\nHTMT inference (one-sided %.0f%% upper bound, %s; discriminant validity when below the "
               "threshold):\n  %-*s %8s %8s %6s %6s\n",
            100 * (1 - p->bopt.alpha), p->bopt.ci == NL_PLS_CI_BCA ? "BCa" : "percentile", lw, "", "HTMT", "upper",
            "<.85", "<.90");
    int n85 = 0, n90 = 0, npair = 0;
    for (size_t j = 0; j < nc; j++)
      for (size_t l = j + 1; l < nc; l++) {
        double ub = nl_pls_htmt_upper(p, l, j);
        snprintf(label, sizeof label, "%s <-> %s", p->cname[l], p->cname[j]);
        fprintf(f, "  %-*s %8.3f %8.3f %6s %6s\n", lw, label, nl_pls_htmt(p, l, j), ub, ub < 0.85 ? "yes" : "NO",
                ub < 0.90 ? "yes" : "NO");
        n85 += ub < 0.85, n90 += ub < 0.90, npair++;
      }
    fprintf(f, "  %d of %d pairs below .85, %d below .90\n", n85, npair, n90);
  }
  fputc('\n', f);
  if (ferror(f)) return nl_err(&p->err, NL_EIO, "error writing the report");
  return NL_OK;
}
