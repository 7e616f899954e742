#ifndef NL_PLS_INTERNAL_H
#define NL_PLS_INTERNAL_H
/*
 * Internals shared by the PLS-SEM files: model.c (syntax), data.c (tables), estimate.c (the PLS
 * algorithm and fit measures), boot.c (bootstrap) and stats.c (distributions).
 *
 * Every indicator belongs to exactly one construct and indicators are stored grouped by
 * construct, so the outer weight "matrix" is a vector w[ni] and block j is the index range
 * [istart[j], istart[j] + icount[j]).
 */
#include <stddef.h>

#include "core/error.h"
#include "io/csvread.h"
#include "netlearn/pls.h"

struct nl_pls_model {
  nl_errbuf err;
  char *source;
  size_t nc;         /* constructs, in order of definition */
  char **cname;
  int *cmode;        /* nl_pls_mode */
  size_t *istart, *icount;
  size_t ni;         /* indicators, grouped by construct */
  char **iname;
  long *iline, *icol; /* where each indicator appears in the model text */
  size_t np;         /* structural paths */
  size_t *pfrom, *pto;
  /* second wave: interaction terms and higher-order constructs (NULL in models built inside the
   * library, meaning every construct is PLS_KIND_ITEMS) */
  int *ckind;        /* PLS_KIND_* per construct */
  size_t *civ, *cmod; /* interaction constructs: predictor and moderator */
  long *cline, *ccol; /* where each construct is defined (interactions: first use) */
  size_t nint, nhoc;
};

/* What measures a construct: data columns, the product of two constructs (an interaction term,
 * appended after the defined constructs, no indicators in the model) or lower-order constructs
 * (a higher-order construct; its "indicators" are construct names). */
enum { PLS_KIND_ITEMS = 0, PLS_KIND_INTERACTION = 1, PLS_KIND_HOC = 2 };

struct nl_pls_data {
  nl_errbuf err;
  nl_csv_table *t;   /* owned */
};

/* Read-only description of a bound model, shared by all threads. */
typedef struct pls_struct {
  size_t nc, ni, np;
  const int *cmode;
  const size_t *istart, *icount;
  const size_t *pfrom, *pto;
  unsigned char *adj;  /* nc*nc, adj[from*nc+to] = 1 for a path */
  size_t *npred;       /* nc: number of antecedents */
  size_t *pred;        /* nc*nc: pred[j*nc + k] = k-th antecedent of j */
  const int *ckind;    /* nc PLS_KIND_* or NULL (no interaction terms) */
  int consistent;
  nl_pls_scheme scheme;
  int max_iter;
  double tol;
  nl_pls_stop_rule stop_rule;
} pls_struct;

/* Per-thread scratch space for one estimation from a correlation matrix; allocated once. */
typedef struct pls_ws {
  double *SW;    /* ni*nc: S W (column-major, ni rows) */
  double *C;     /* nc*nc construct correlations */
  double *E;     /* nc*nc inner weights */
  double *d;     /* nc */
  double *g;     /* ni */
  double *wold;  /* ni */
  double *fac;   /* ni*ni: Cholesky factors of Mode B blocks (block j at istart[j]*ni) */
  double *A;     /* nc*nc + nc: small solves */
  double *Cadj;  /* nc*nc */
  unsigned char *active; /* nc */
  /* results */
  double *w, *load, *B, *rsq, *rho; /* ni, ni, nc*nc, nc, nc */
  double *iscale;                   /* nc: seminr's interaction score scale (1 for other constructs) */
  int iterations, converged;
  double diff;
} pls_ws;

/* Allocate / free a workspace for structure `s`. */
int pls_ws_init(pls_ws *ws, const pls_struct *s);
void pls_ws_free(pls_ws *ws);

/*
 * The PLS algorithm on the indicator correlation matrix S (ni x ni, column-major). `pathmask`
 * (np entries, NULL = all paths) removes paths (for f^2). Results land in ws (w, load, C, B, rsq,
 * rho, iterations, converged, diff). Returns 0, or -1 (numerical failure: singular block or
 * construct correlations; `what`/`which` say where, for messages).
 */
int pls_core(const pls_struct *s, const double *S, const unsigned char *pathmask, pls_ws *ws, int *what,
             size_t *which);
/*
 * seminr's adjust_interaction() (after Henseler & Chin 2010): the score of an interaction
 * construct is multiplied by the loading-weighted mean standard deviation of its unstandardized
 * product indicators, a = sum sd_i |l_i| / sum |l_i|, which divides its paths by a and multiplies
 * its loadings (covariances with the standardized indicators) by a. `sd` holds the ni indicator
 * standard deviations of the data at hand. No-op without interaction terms. O(ni + nc^2).
 */
void pls_interaction_adjust(const pls_struct *s, const double *sd, pls_ws *ws);

enum { PLS_FAIL_MODEB = 1, PLS_FAIL_INNER = 2, PLS_FAIL_PROXY = 3, PLS_FAIL_RHOA = 4 };

/* Correlation matrix S (ni x ni) of rows[0..m) of the n x ni column-major data X, with the rows'
 * means mu and standard deviations sd (n - 1) and their standardized values Z (m x ni); -1 if a
 * column is constant. Used by PLSpredict's training sets and MGA's permuted groups. O(m ni^2). */
int pls_rows_corr(const double *X, size_t n, size_t ni, const size_t *rows, size_t m, double *Z, double *mu,
                  double *sd, double *S);

/* Cholesky of the small k x k correlation matrix a (lda), lower, in place; 0 ok, else the 1-based
 * index of the first (near-)zero pivot. */
int pls_chol(double *a, size_t k, size_t lda);
/* Solve with a factor from pls_chol; b has k entries. */
void pls_chol_solve(const double *l, size_t k, size_t lda, double *b);

struct nl_pls {
  nl_errbuf err;
  nl_pls_options opt;
  /* structure (copied from the model) */
  size_t nc, ni, np;
  char **cname, **iname;
  int *cmode;
  size_t *istart, *icount, *icon, *pfrom, *pto;
  pls_struct s;
  size_t nspec;                 /* specific indirect effects (chains of >= 2 paths) */
  size_t *chain_start, *chain_len, *chain_nodes;
  /* data after the missing-data rule */
  size_t n;
  size_t nall;                  /* rows in the data before the missing-data rule */
  size_t *rowid;                /* n: 1-based data row of each used row */
  double *X;                    /* n*ni raw values, no missing */
  double *Xna;                  /* n*ni raw values with NAN (mean replacement redone per resample), or NULL */
  double *Z;                    /* n*ni standardized */
  double *S;                    /* ni*ni indicator correlations */
  /* estimates */
  int estimated;
  pls_ws ws;                    /* main run; holds w, load, B, rsq, rho, C */
  pls_ws ws2;                   /* reduced models for f^2 */
  double *C, *T, *cross, *scores, *spec, *adjrsq, *f2, *vif_in, *vif_out, *alpha, *rhoc, *ave, *htmt;
  /* bootstrap */
  size_t nstat;
  size_t off_w, off_l, off_p, off_t, off_i, off_s, off_r, off_h;
  long *tot_idx, *ind_idx, *rsq_idx; /* nc*nc, nc*nc, nc: position inside the block, -1 if none */
  double *orig;                 /* nstat */
  double *boot;                 /* nboot_ok * nstat, resample-major */
  nl_pls_boot_stat *bstat;      /* nstat */
  double *htmt_ub;              /* nc(nc-1)/2: one-sided bootstrap upper bound of HTMT, as the HTMT block */
  size_t nboot_ok, nfail, nnonconv;
  nl_pls_boot_options bopt;     /* options of the last bootstrap */
  int booted;
  /* second wave (stage.c) */
  int *ckind;                   /* nc PLS_KIND_* (HOC: indicators are the first stage's scores), or NULL */
  size_t *civ, *cmod;           /* nc: interaction constructs' predictor and moderator, or NULL */
  nl_pls *stage1;               /* owned: the first-stage estimation (two-stage methods), or NULL */
  struct pls_pred *pred;        /* owned: PLSpredict results (predict.c), or NULL */
  struct pls_ipma *ipma;        /* owned: IPMA results (ipma.c), or NULL */
};

typedef struct pls_ipma pls_ipma;
void pls_ipma_free(pls_ipma *m);

typedef struct pls_pred pls_pred;
void pls_pred_free(pls_pred *r);
const char *pls_predict_technique_name(const nl_pls *p); /* for reports */
/* CSV numbers (output.c): full precision (%.15g), NA for NaN, Inf and -Inf; _nums writes n of them
 * separated by commas, then `end`. */
void pls_csv_num(FILE *f, double v);
void pls_csv_nums(FILE *f, const double *v, size_t n, const char *end);

/* Bind a model whose constructs are all measured by data columns (the former nl_pls_prepare). */
nl_status pls_bind(const nl_pls_model *model, const nl_pls_data *data, const nl_pls_options *opt, nl_pls **out);

/* Statistics vector of one estimation (layout: offsets in struct nl_pls). */
void pls_fill_stats(const nl_pls *p, const pls_ws *ws, const double *S, double *out);
/* Build the statistics layout (idempotent). 0 or -1 on allocation failure. */
int pls_stats_layout(nl_pls *p);

/*
 * Correlation matrix S (ni x ni) of a bootstrap resample given as row counts: row r of the n x ni
 * column-major data `src` appears cnt[r] times (boot.c; also used by the power analysis). Columns
 * flagged in `colna` (NULL: none) may hold NAN, replaced by the resample's mean. Scratch: sel (n),
 * sw (2 max(n, ni)), X (n ni). Returns -1 if a column has zero variance or no observed value.
 */
int pls_resample_corr(const double *src, const unsigned char *colna, const unsigned *cnt, size_t n, size_t ni,
                      size_t *sel, double *sw, double *X, double *S);

/* Distributions (stats.c). */
double pls_t_sf2(double t, double df); /* two-sided p-value P(|T| > |t|) */
/* R's quantile type 7 of sorted x[0..n-1] at probability p. */
double pls_quantile7(const double *sorted, size_t n, double p);
/* The same on unsorted x (reordered in place), by selection in O(n). */
double pls_quantile7_select(double *x, size_t n, double p);

#endif
