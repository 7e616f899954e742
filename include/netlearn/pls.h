#ifndef NETLEARN_PLS_H
#define NETLEARN_PLS_H
/*
 * PLS-SEM: structural equation modeling by partial least squares path modeling, numerically
 * equal to the R package seminr (2.3.1) for the same model, data and settings (see docs/pls.md).
 *
 * Three handles:
 *   nl_pls_model  a parsed model specification (lavaan-style text, see nl_pls_model_parse);
 *   nl_pls_data   a table of named numeric columns with missing values (CSV file or a matrix);
 *   nl_pls        one estimation: the model bound to the data, its estimates, fit measures and
 *                 optional bootstrap.
 *
 * Typical use:
 *   nl_pls_model *m; nl_pls_data *d; nl_pls *p;
 *   nl_pls_model_parse(text, "model.txt", &m);          // check status, nl_pls_model_errmsg(m)
 *   nl_pls_data_read("data.csv", &d);                   // or nl_pls_data_from_matrix(...)
 *   nl_pls_prepare(m, d, NULL, &p);                     // validates, applies missing-data rule
 *   nl_pls_estimate(p);
 *   nl_pls_bootstrap(p, NULL);                          // optional
 *   ... getters ...
 *   nl_pls_free(p); nl_pls_data_free(d); nl_pls_model_free(m);
 *
 * Constructors (parse, read, from_matrix, prepare) follow the sqlite3_open convention: unless memory
 * runs out they always store a handle in *out, also on failure, so the message can be read with
 * the handle's errmsg function; the caller frees the handle in either case. All _free functions
 * accept NULL. Nothing here prints, exits or keeps global state.
 */
#include <stddef.h>
#include <stdio.h>

#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nl_pls_model nl_pls_model;
typedef struct nl_pls_data nl_pls_data;
typedef struct nl_pls nl_pls;

/* ---- model specification ----------------------------------------------------------------- */

/* Measurement mode of a construct. */
typedef enum nl_pls_mode {
  NL_PLS_MODE_A = 0, /* reflective  X =~ a + b   (correlation weights) */
  NL_PLS_MODE_B = 1  /* composite   X <~ a + b   (regression weights)  */
} nl_pls_mode;

/*
 * Parse a model in lavaan-style syntax:
 *     # comment
 *     EXPLORE  =~ x1 + x2 + x3      reflective construct (Mode A)
 *     PRODINNO <~ y1 + y2           composite construct (Mode B)
 *     NETCOLLAB ~ PRODINNO + EXPLORE    structural paths PRODINNO -> NETCOLLAB, EXPLORE -> NETCOLLAB
 * One statement per line (or separated by ';'); a line ending in '+' continues on the next.
 * `Y1 + Y2 ~ X` is allowed (paths to both). `Y ~ A + B + A:B` adds the interaction term A:B
 * (moderation). `H =~ A + B` (or `<~`) with constructs A and B defines a higher-order construct
 * (two-stage approach). Names: letters, digits, '_' and '.', not starting with a digit. `text` is borrowed (NUL-terminated); `source` (borrowed, may be NULL = "<string>")
 * names it in messages, which read "source:line:column: ...".
 * Errors: NL_EPARSE (syntax), NL_EINVAL (a construct with no indicators, an indicator used twice,
 * a construct defined twice or not in any path, a cyclic or empty structural model, a duplicated
 * path, an interaction of a construct with itself or with an undefined construct, a higher-order
 * construct with one lower-order construct or mixing constructs and indicators, a lower-order
 * construct in a path), NL_ENOMEM. Cost O(length of text + constructs^2).
 */
NL_API nl_status nl_pls_model_parse(const char *text, const char *source, nl_pls_model **out);
/* The same for text embedded in another file (e.g. a YAML block scalar): messages report line
 * first_line + (line - 1) and column first_col + (column - 1), so they point into that file. */
NL_API nl_status nl_pls_model_parse_at(const char *text, const char *source, long first_line, long first_col,
                                       nl_pls_model **out);
/* Read and parse a model file; `path` "-" reads stdin. Errors as nl_pls_model_parse plus NL_EIO. */
NL_API nl_status nl_pls_model_read(const char *path, nl_pls_model **out);
NL_API const char *nl_pls_model_errmsg(const nl_pls_model *m);
NL_API void nl_pls_model_free(nl_pls_model *m);

/* ---- data -------------------------------------------------------------------------------- */

/*
 * Read a CSV table: header row of names; ',' or ';' delimiter (auto-detected); "quoted" fields;
 * empty, NA, N/A, NaN and '.' are missing. Non-numeric text is allowed in columns the model does
 * not use; using such a column fails in nl_pls_prepare with file:line:column of the first bad cell.
 * `path` is borrowed. Errors: NL_EIO, NL_EPARSE (ragged row, unterminated quote, duplicate
 * column name), NL_ENOMEM. Cost O(file size).
 */
NL_API nl_status nl_pls_data_read(const char *path, nl_pls_data **out);
/* Copy an nrow x ncol column-major matrix `x` (borrowed; NAN = missing) with column names `names`
 * (borrowed, ncol strings). Errors: NL_EINVAL (NULL/duplicate names, an infinite cell: its column
 * and row named), NL_ENOMEM. O(nrow*ncol). */
NL_API nl_status nl_pls_data_from_matrix(const double *x, size_t nrow, size_t ncol, const char *const *names,
                                         nl_pls_data **out);
NL_API size_t nl_pls_data_nrow(const nl_pls_data *d); /* 0 for NULL */
NL_API size_t nl_pls_data_ncol(const nl_pls_data *d);
NL_API const char *nl_pls_data_errmsg(const nl_pls_data *d);
NL_API void nl_pls_data_free(nl_pls_data *d);

/* ---- estimation -------------------------------------------------------------------------- */

typedef enum nl_pls_scheme {
  NL_PLS_SCHEME_PATH = 0,      /* path weighting (seminr's default) */
  NL_PLS_SCHEME_FACTORIAL = 1, /* factorial */
  NL_PLS_SCHEME_CENTROID = 2   /* centroid (not in seminr; Wold's sign-of-correlation scheme) */
} nl_pls_scheme;

typedef enum nl_pls_missing {
  NL_PLS_MISSING_MEAN = 0,    /* replace by the indicator mean (seminr's default) */
  NL_PLS_MISSING_CASEWISE = 1 /* drop every row with a missing model indicator */
} nl_pls_missing;

/* How an interaction term A:B is estimated (Henseler & Chin 2010). */
typedef enum nl_pls_interaction {
  NL_PLS_INTERACTION_TWO_STAGE = 0,         /* product of first-stage construct scores (the default) */
  NL_PLS_INTERACTION_PRODUCT_INDICATOR = 1, /* products of the standardized indicators, Mode A */
  NL_PLS_INTERACTION_ORTHOGONAL = 2         /* products residualized on both constructs' indicators */
} nl_pls_interaction;

/* How the change of the outer weights between iterations is measured (compared with tol). */
typedef enum nl_pls_stop_rule {
  NL_PLS_STOP_SUM_ABS = 0, /* sum |w_new - w_old| (seminr; the default) */
  NL_PLS_STOP_MAX_ABS = 1, /* max |w_new - w_old| (cSEM's diff_absolute) */
  NL_PLS_STOP_SUM_SQ = 2   /* sum (|w_old| - |w_new|)^2 (plspm) */
} nl_pls_stop_rule;

/* A package whose defaults nl_pls_preset_apply sets (docs/pls.md, Presets). */
typedef enum nl_pls_preset {
  NL_PLS_PRESET_NONE = 0, /* netlearn's own defaults (= seminr's, except interaction two-stage, 10x10 PLSpredict) */
  NL_PLS_PRESET_SEMINR,   /* seminr 2.3.1 */
  NL_PLS_PRESET_CSEM,     /* cSEM 0.6 */
  NL_PLS_PRESET_SMARTPLS, /* SmartPLS 4 */
  NL_PLS_PRESET_PLSPM     /* plspm 0.4.9 */
} nl_pls_preset;

typedef struct nl_pls_options {
  nl_pls_scheme scheme;   /* default NL_PLS_SCHEME_PATH */
  nl_pls_missing missing; /* default NL_PLS_MISSING_MEAN */
  int consistent;         /* nonzero: PLSc for the =~ constructs (seminr's reflective()); default 0 */
  int max_iter;           /* default 300 (seminr maxIt) */
  double tol;             /* default 1e-7 (seminr stopCriterion 7): stop when sum |w_new - w_old| < tol */
  int has_na_code;        /* nonzero: values equal to na_code in model columns are missing */
  double na_code;
  nl_pls_interaction interaction; /* default NL_PLS_INTERACTION_TWO_STAGE */
  nl_pls_stop_rule stop_rule;     /* default NL_PLS_STOP_SUM_ABS */
  nl_pls_preset preset;           /* the preset the settings came from (for methods.md); default NONE */
} nl_pls_options;

/* Fill `o` with the defaults above. */
NL_API void nl_pls_options_default(nl_pls_options *o);

/*
 * Bind a model to data. Both are borrowed for this call only (everything needed is copied).
 * `opt` may be NULL (defaults). Selects the model's indicator columns, applies the missing-data
 * rule and standardizes. Models with interaction terms or higher-order constructs are reduced to
 * an ordinary model here (src/pls/stage.c): a first-stage estimation (HOC, two-stage interaction)
 * and the generated indicators (products of scores or indicators) are computed once, from the
 * full sample. Errors: NL_EINVAL (indicator not in the data, non-numeric column, an all-missing
 * column, too few rows, PLSc with interaction terms or higher-order constructs), NL_ENUMERIC
 * (zero-variance indicator, perfectly collinear formative indicators), NL_ECONVERGE (the first
 * stage did not converge), NL_ENOMEM. Cost O(n p^2) for n rows and p indicators, plus one
 * estimation for a first stage.
 */
NL_API nl_status nl_pls_prepare(const nl_pls_model *model, const nl_pls_data *data, const nl_pls_options *opt,
                                nl_pls **out);

/*
 * Run the PLS algorithm and compute every result below (f^2 re-estimates the model once per
 * path). Returns NL_ECONVERGE if the weights did not converge within max_iter iterations: the
 * results are still available (computed from the last iterate) and nl_pls_converged() is 0.
 * Other errors: NL_ENUMERIC (singular construct correlation matrix), NL_ENOMEM.
 * Cost O(n p^2 + iterations * p^2 + paths * iterations * p^2).
 */
NL_API nl_status nl_pls_estimate(nl_pls *p);

NL_API const char *nl_pls_errmsg(const nl_pls *p);
NL_API void nl_pls_free(nl_pls *p);

/* ---- structure (valid after nl_pls_prepare) -------------------------------------------------- */
/* All getters are O(1) (chains: O(1) per call) and never fail: a NULL handle and out-of-range
 * indices give NAN, 0 or NULL (NL_PLS_MODE_A, NL_PLS_KIND_ITEMS, (size_t)-1 where stated), out
 * pointers may be NULL, and estimates read before a successful nl_pls_estimate give NAN.
 * Indices: constructs 0..nl_pls_n_constructs-1 in order of definition, indicators 0..nl_pls_n_indicators-1 grouped by
 * construct in the order written, paths in the order written. */

NL_API size_t nl_pls_nobs(const nl_pls *p);               /* rows used after the missing-data rule */
NL_API size_t nl_pls_nrows_data(const nl_pls *p);         /* rows in the data before it */
NL_API size_t nl_pls_row_id(const nl_pls *p, size_t row); /* 1-based data row of used row `row` */
NL_API size_t nl_pls_n_constructs(const nl_pls *p);
NL_API const char *nl_pls_construct_name(const nl_pls *p, size_t j);
NL_API nl_pls_mode nl_pls_construct_mode(const nl_pls *p, size_t j);
NL_API int nl_pls_construct_is_endogenous(const nl_pls *p, size_t j);
NL_API size_t nl_pls_n_indicators(const nl_pls *p);       /* indicators ordered by construct */
NL_API const char *nl_pls_indicator_name(const nl_pls *p, size_t i);
NL_API size_t nl_pls_indicator_construct(const nl_pls *p, size_t i);
NL_API size_t nl_pls_n_paths(const nl_pls *p);
NL_API void nl_pls_path_ends(const nl_pls *p, size_t k, size_t *from, size_t *to);
/* Specific indirect effects: every directed chain of >= 2 paths, in a fixed order. */
NL_API size_t nl_pls_n_specific(const nl_pls *p);
/* Constructs along chain k (from first to last), *len of them; the array is borrowed. */
NL_API const size_t *nl_pls_specific_chain(const nl_pls *p, size_t k, size_t *len);

/* ---- interaction terms and higher-order constructs --------------------------------------- */

/* What measures a construct. An interaction term A:B (written on the right of '~') is a construct
 * of its own, named "A:B", appended after the defined constructs; a higher-order construct
 * (`H =~ A + B` with constructs A, B) is measured by its dimensions' first-stage scores. */
typedef enum nl_pls_kind {
  NL_PLS_KIND_ITEMS = 0,       /* data columns */
  NL_PLS_KIND_INTERACTION = 1, /* the product of two constructs (nl_pls_options.interaction says how) */
  NL_PLS_KIND_HOC = 2          /* higher-order construct: indicators are lower-order constructs */
} nl_pls_kind;

NL_API nl_pls_kind nl_pls_construct_kind(const nl_pls *p, size_t j); /* O(1) */
/* For an interaction construct j: its predictor and moderator (construct indices); returns 1, or 0
 * (and leaves the outputs alone) if j is not an interaction term. O(1). */
NL_API int nl_pls_interaction_ends(const nl_pls *p, size_t j, size_t *predictor, size_t *moderator);
/* The first-stage estimation of a model with higher-order constructs or two-stage interaction
 * terms (borrowed, freed with p; its constructs are the lower-order ones), or NULL. O(1). */
NL_API const nl_pls *nl_pls_first_stage(const nl_pls *p);
/* Simple slope of interaction j = A:B on `outcome` (standardized scores): the effect of A on the
 * outcome when B is at `level` standard deviations, slope = b_A + b_AB level, and the outcome's
 * value at A = 0, intercept = b_B level (seminr's slope_analysis()). Errors: NL_EINVAL (not an
 * interaction, no path from it to outcome, not estimated). O(1). */
NL_API nl_status nl_pls_simple_slope(const nl_pls *p, size_t j, size_t outcome, double level, double *slope,
                                     double *intercept);

/* ---- estimates (valid after nl_pls_estimate; NAN where undefined) ------------------------ */

NL_API int nl_pls_iterations(const nl_pls *p);            /* seminr's count: the index of the last iteration */
NL_API int nl_pls_converged(const nl_pls *p);
NL_API double nl_pls_weight_change(const nl_pls *p);      /* sum |w_new - w_old| at the last iteration */
NL_API double nl_pls_weight(const nl_pls *p, size_t i);   /* outer weight of indicator i */
NL_API double nl_pls_loading(const nl_pls *p, size_t i);  /* outer loading (PLSc-corrected for =~ with consistent) */
NL_API double nl_pls_cross_loading(const nl_pls *p, size_t i, size_t j); /* cor(indicator i, score j) */
NL_API double nl_pls_path(const nl_pls *p, size_t from, size_t to);      /* 0 where there is no path */
NL_API double nl_pls_total_effect(const nl_pls *p, size_t from, size_t to);
NL_API double nl_pls_indirect_effect(const nl_pls *p, size_t from, size_t to); /* total minus direct */
NL_API double nl_pls_specific_effect(const nl_pls *p, size_t k);              /* product along chain k */
NL_API double nl_pls_rsq(const nl_pls *p, size_t j);      /* NAN for exogenous constructs */
NL_API double nl_pls_adj_rsq(const nl_pls *p, size_t j);
NL_API double nl_pls_f2(const nl_pls *p, size_t from, size_t to); /* NAN where there is no path */
NL_API double nl_pls_vif_inner(const nl_pls *p, size_t from, size_t to); /* NAN: no path or single antecedent */
NL_API double nl_pls_vif_outer(const nl_pls *p, size_t i);
NL_API double nl_pls_alpha(const nl_pls *p, size_t j);    /* Cronbach's alpha (standardized items) */
NL_API double nl_pls_rho_a(const nl_pls *p, size_t j);    /* Dijkstra-Henseler rho_A; 1 for Mode B / single item */
NL_API double nl_pls_rho_c(const nl_pls *p, size_t j);    /* composite reliability (Dillon-Goldstein) */
NL_API double nl_pls_ave(const nl_pls *p, size_t j);
NL_API double nl_pls_htmt(const nl_pls *p, size_t j, size_t k); /* symmetric, NAN on the diagonal */
NL_API double nl_pls_construct_cor(const nl_pls *p, size_t j, size_t k); /* cor of construct scores */
NL_API double nl_pls_score(const nl_pls *p, size_t row, size_t j);       /* standardized construct score */

/* ---- bootstrap ---------------------------------------------------------------------------- */

typedef enum nl_pls_ci {
  NL_PLS_CI_PERCENTILE = 0, /* quantiles of the bootstrap distribution (R type 7, as seminr) */
  NL_PLS_CI_BCA = 1         /* bias-corrected and accelerated; acceleration from a jackknife */
} nl_pls_ci;

typedef struct nl_pls_boot_options {
  size_t nboot;        /* resamples; 0 means seminr's default 500 */
  unsigned long long seed;
  unsigned long long stream; /* random stream id, e.g. the replication index of a study; default 0 */
  int threads;         /* OpenMP threads; <= 0: 1. Results do not depend on it. */
  nl_pls_ci ci;
  double alpha;        /* two-sided level of the intervals; default 0.05 */
  /* Optional progress callback (compatible with nl_progress_fn): called with resamples done and
   * the total, from one thread at a time; a non-zero return cancels (NL_ECANCELED). May be NULL. */
  int (*progress)(void *user, long done, long total);
  void *progress_user; /* borrowed, passed to progress */
} nl_pls_boot_options;

NL_API void nl_pls_boot_options_default(nl_pls_boot_options *o);

/*
 * Bootstrap the estimates: resample rows with replacement (resample b uses the random stream
 * (seed, stream, NL_RNG_BOOTSTRAP, b)), re-run the whole estimation (with mean replacement it is
 * redone inside each resample, as seminr does) and summarize weights, loadings, paths, total,
 * total indirect and specific indirect effects, R^2 and HTMT. Resamples whose estimation fails
 * numerically are dropped and counted (as seminr drops them). Requires a prior nl_pls_estimate.
 * `opt` may be NULL (defaults). Errors: NL_EINVAL (no estimate yet), NL_ENUMERIC (fewer than 2
 * resamples succeeded), NL_ECANCELED (the progress callback asked to stop), NL_ENOMEM. Cost O(nboot * (n p^2 + iterations p^2)) / threads, plus
 * n estimations for the BCa jackknife.
 */
NL_API nl_status nl_pls_bootstrap(nl_pls *p, const nl_pls_boot_options *opt);

typedef enum nl_pls_quantity {
  NL_PLS_Q_WEIGHT = 0,   /* a = indicator */
  NL_PLS_Q_LOADING,      /* a = indicator */
  NL_PLS_Q_PATH,         /* a = from, b = to (must be a path) */
  NL_PLS_Q_TOTAL,        /* a = from, b = to (b reachable from a) */
  NL_PLS_Q_INDIRECT,     /* total indirect effect, a = from, b = to (reachable in >= 2 steps) */
  NL_PLS_Q_SPECIFIC,     /* a = chain index */
  NL_PLS_Q_RSQ,          /* a = endogenous construct */
  NL_PLS_Q_HTMT          /* a, b constructs, a != b */
} nl_pls_quantity;

typedef struct nl_pls_boot_stat {
  double original; /* the estimate on the full data */
  double mean;     /* mean over resamples */
  double sd;       /* standard deviation over resamples (n-1) */
  double t;        /* original / sd */
  double p;        /* two-sided, Student t with nboot-1 df (as seminr) */
  double lo, hi;   /* confidence interval */
} nl_pls_boot_stat;

/* Bootstrap summary of one quantity. Errors: NL_EINVAL (no bootstrap yet, or the quantity does
 * not exist for these indices). O(1). */
NL_API nl_status nl_pls_boot_get(nl_pls *p, nl_pls_quantity q, size_t a, size_t b, nl_pls_boot_stat *out);
/* HTMT inference (Henseler et al. 2015; Franke & Sarstedt 2019): the one-sided bootstrap upper
 * bound of HTMT(j, k) at level 1 - alpha, i.e. the upper limit of the two-sided interval at level
 * 1 - 2 alpha (as cSEM's testHTMT()), percentile or BCa as the bootstrap's ci. Discriminant
 * validity is supported at threshold T (0.85 or 0.90) when the bound is below T. NAN without a
 * bootstrap or for j == k. O(1). */
NL_API double nl_pls_htmt_upper(const nl_pls *p, size_t j, size_t k);
NL_API size_t nl_pls_boot_n(const nl_pls *p);        /* resamples that succeeded */
NL_API size_t nl_pls_boot_failed(const nl_pls *p);   /* resamples dropped */
NL_API size_t nl_pls_boot_nonconverged(const nl_pls *p); /* kept resamples that hit max_iter */
/* Value of one quantity in resample r (0 <= r < nl_pls_boot_n), NAN if out of range. */
NL_API double nl_pls_boot_value(const nl_pls *p, nl_pls_quantity q, size_t a, size_t b, size_t r);

/* ---- PLSpredict ---------------------------------------------------------------------------- */

typedef enum nl_pls_predict_technique {
  NL_PLS_PREDICT_DA = 0, /* direct antecedents: an endogenous score from its antecedents' scores */
  NL_PLS_PREDICT_EA = 1  /* earliest antecedents: from the exogenous scores through the model */
} nl_pls_predict_technique;

typedef struct nl_pls_predict_options {
  size_t folds;        /* k >= 2; 0 = leave-one-out (n folds, one repetition). Default 10 */
  size_t reps;         /* repetitions of k-fold, predictions averaged (as seminr). Default 10 */
  nl_pls_predict_technique technique; /* default NL_PLS_PREDICT_DA */
  unsigned long long seed;   /* fold assignment of repetition r: stream (seed, stream, NL_RNG_FOLDS, r) */
  unsigned long long stream; /* default 0 */
  int threads;         /* OpenMP threads; results do not depend on it. Default 1 */
} nl_pls_predict_options;

NL_API void nl_pls_predict_options_default(nl_pls_predict_options *o);

/*
 * PLSpredict (Shmueli et al. 2019) as seminr's predict_pls(): cross-validated predictions of the
 * indicators of every endogenous construct by the PLS model (re-estimated on each training set),
 * by seminr's linear-model benchmark (each indicator regressed on all other indicators except its
 * own construct's) and by the training mean (for Q^2_predict). Requires a prior nl_pls_estimate.
 * Errors: NL_EINVAL (not estimated, interaction terms or higher-order constructs, fewer than 2
 * folds, more folds than observations, training sets too small), NL_ENUMERIC (a training set
 * cannot be estimated), NL_ENOMEM. Cost O(reps * folds * (n p^2 + iterations p^2 + p^3)) / threads.
 */
NL_API nl_status nl_pls_predict(nl_pls *p, const nl_pls_predict_options *opt);

typedef struct nl_pls_predict_metrics {
  double pls_rmse, pls_mae; /* out-of-sample errors of the PLS predictions */
  double lm_rmse, lm_mae;   /* of the LM benchmark (NAN for constructs) */
  double q2_predict;        /* 1 - SSE(PLS) / SSE(training mean) */
} nl_pls_predict_metrics;

/* Metrics of indicator i (of an endogenous construct) or of endogenous construct j (predicted vs
 * actual score, both with the training weights; the naive prediction is 0). Errors: NL_EINVAL
 * (no prediction run, or not endogenous). O(1). */
NL_API nl_status nl_pls_predict_indicator(const nl_pls *p, size_t i, nl_pls_predict_metrics *out);
NL_API nl_status nl_pls_predict_construct(const nl_pls *p, size_t j, nl_pls_predict_metrics *out);
/* Out-of-sample prediction (averaged over repetitions) of indicator i for used row `row`, by PLS
 * (lm = 0) or the LM benchmark (lm = 1); NAN if not available. O(1). */
NL_API double nl_pls_predict_value(const nl_pls *p, size_t row, size_t i, int lm);
/* CVPAT (Liengaard et al. 2021) of the PLS predictions against a benchmark: 0 = seminr's LM, 1 =
 * the indicator average (training mean). Loss of an observation = mean squared error over the
 * indicators of endogenous construct j (j = nl_pls_n_constructs(p): all endogenous constructs);
 * D = loss(benchmark) - loss(PLS); t = mean(D) / se(D), n - 1 df; p_one_sided for H1: PLS
 * predicts better. Errors: NL_EINVAL (no prediction run, j exogenous). O(1). */
typedef struct nl_pls_cvpat {
  double loss_pls, loss_benchmark, d_mean, t, df, p_one_sided, p_two_sided;
} nl_pls_cvpat;
NL_API nl_status nl_pls_predict_cvpat(const nl_pls *p, size_t j, int benchmark, nl_pls_cvpat *out);
NL_API size_t nl_pls_predict_folds(const nl_pls *p);         /* 0 if no prediction run */
NL_API size_t nl_pls_predict_reps(const nl_pls *p);
NL_API size_t nl_pls_predict_nonconverged(const nl_pls *p); /* fold estimations that hit max_iter */

/* ---- importance-performance map analysis ------------------------------------------------------ */

/*
 * IPMA for construct `target` (Ringle & Sarstedt 2016): indicators rescaled to 0-100 over
 * [scale_min, scale_max] (both NAN: each indicator's observed minimum and maximum), weights
 * unstandardized and normalized to sum to 1 per construct, paths re-estimated by OLS on the
 * rescaled construct scores. Importance = unstandardized total effect on the target (NAN for
 * constructs without a directed path to it, and for the target), performance = mean rescaled
 * score. Requires a prior nl_pls_estimate. Errors: NL_EINVAL (not estimated, target without
 * antecedents, scale_min >= scale_max, data outside the given scale, interaction terms or
 * higher-order constructs), NL_ENUMERIC (weights summing to 0, collinear antecedents), NL_ENOMEM.
 * Cost O(n (p + constructs^2)).
 */
NL_API nl_status nl_pls_ipma(nl_pls *p, size_t target, double scale_min, double scale_max);
NL_API size_t nl_pls_ipma_target(const nl_pls *p);                 /* (size_t)-1 without an IPMA */
NL_API double nl_pls_ipma_importance(const nl_pls *p, size_t j);   /* NAN where undefined */
NL_API double nl_pls_ipma_performance(const nl_pls *p, size_t j);
NL_API double nl_pls_ipma_indicator_importance(const nl_pls *p, size_t i); /* normalized weight x construct's */
NL_API double nl_pls_ipma_indicator_performance(const nl_pls *p, size_t i);

/* ---- multigroup analysis and MICOM ------------------------------------------------------------- */

typedef struct nl_pls_mga nl_pls_mga;

typedef struct nl_pls_mga_options {
  size_t nboot;  /* bootstrap resamples per group (Henseler's PLS-MGA); default 1000 */
  size_t nperm;  /* permutations per pair of groups (permutation test, MICOM); default 1000 */
  double alpha;  /* MICOM: step 2 at the alpha quantile, step 3 within [alpha/2, 1-alpha/2]; default 0.05 */
  unsigned long long seed, stream; /* random streams; default 1, 0 */
  int threads;   /* results do not depend on it; default 1 */
} nl_pls_mga_options;

NL_API void nl_pls_mga_options_default(nl_pls_mga_options *o);

/*
 * Bind a model to data split by the labels (numbers or text) of data column `column` (two or
 * more groups): estimates the whole sample and every group, the
 * latter from the group's raw rows as seminr's estimate_pls_mga() (missing-data rule within the
 * group). All arguments borrowed. Always stores a handle in *out (message on it). Errors:
 * NL_EINVAL (no such column, a missing group label, one group, a group with fewer rows
 * than the model has indicators, interaction terms or higher-order constructs, every error of
 * nl_pls_prepare), NL_ENUMERIC, NL_ECONVERGE (a group did not converge), NL_ENOMEM.
 * Cost: 1 + groups estimations.
 */
NL_API nl_status nl_pls_mga_prepare(const nl_pls_model *model, const nl_pls_data *data, const nl_pls_options *opt,
                                    const char *column, nl_pls_mga **out);
/* Bootstrap every group and run the permutations of every pair of groups: path differences with
 * Henseler's bootstrap PLS-MGA p-value and the permutation p-value, and MICOM steps 2 and 3.
 * Errors: NL_EINVAL, NL_ENUMERIC, NL_ENOMEM. Cost O(groups * nboot + pairs * nperm * 2) estimations. */
NL_API nl_status nl_pls_mga_run(nl_pls_mga *g, const nl_pls_mga_options *opt);
NL_API const char *nl_pls_mga_errmsg(const nl_pls_mga *g);
NL_API void nl_pls_mga_free(nl_pls_mga *g);

/* Checked (issue 19): a NULL g gives 0 or NULL, k out of range NULL. */
NL_API size_t nl_pls_mga_n_groups(const nl_pls_mga *g);
NL_API const char *nl_pls_mga_group_label(const nl_pls_mga *g, size_t k); /* borrowed: the label (a number as text) */
NL_API const nl_pls *nl_pls_mga_group(const nl_pls_mga *g, size_t k);    /* borrowed estimation of group k */
NL_API const nl_pls *nl_pls_mga_pooled(const nl_pls_mga *g);             /* borrowed estimation of all rows */

/* Comparison of groups g1 < g2 for path k (valid after nl_pls_mga_run). */
typedef struct nl_pls_mga_test {
  double difference;      /* path in g1 minus path in g2 */
  double p_henseler;      /* seminr's pls_mga_p: one-sided, small when the path is larger in g1 */
  double p_henseler2;     /* two-sided: 2 min(p, 1 - p) */
  double p_permutation;   /* two-sided: share of permutations with |difference| >= the observed */
} nl_pls_mga_test;
NL_API nl_status nl_pls_mga_path_test(const nl_pls_mga *g, size_t g1, size_t g2, size_t k, nl_pls_mga_test *out);

/* MICOM for groups g1 < g2 and construct j (valid after nl_pls_mga_run). */
typedef struct nl_pls_micom {
  double c, c_quantile;         /* step 2: cor of the composites with both groups' weights; its permutation quantile */
  int compositional;            /* c >= c_quantile */
  double mean_diff, mean_lo, mean_hi; /* step 3a: difference of composite means (pooled weights) and permutation interval */
  int equal_means;
  double logvar_diff, var_lo, var_hi; /* step 3b: log ratio of composite variances and interval */
  int equal_variances;
} nl_pls_micom;
NL_API nl_status nl_pls_mga_micom(const nl_pls_mga *g, size_t g1, size_t g2, size_t j, nl_pls_micom *out);
/* 0 no, 1 partial, 2 full measurement invariance for groups g1, g2 over all constructs; -1 if not
 * run, g NULL or not g1 < g2 < nl_pls_mga_n_groups. */
NL_API int nl_pls_mga_invariance(const nl_pls_mga *g, size_t g1, size_t g2);

/* mga_paths.csv, mga_tests.csv, micom.csv into dir (created if missing). Errors: NL_EINVAL (not run), NL_EIO. */
NL_API nl_status nl_pls_mga_write_csv(nl_pls_mga *g, const char *dir);
/* A methods paragraph (Markdown, with references) for the multigroup analysis; `netlearn pls -o`
 * appends it to methods.md. Errors: NL_EINVAL (not run), NL_EIO. */
NL_API nl_status nl_pls_mga_write_methods(nl_pls_mga *g, FILE *f);
/* Group paths, tests and MICOM with the verdict in words. Errors: NL_EINVAL, NL_EIO. */
NL_API nl_status nl_pls_mga_write_report(nl_pls_mga *g, FILE *f);

/* ---- presets and the methods paragraph ------------------------------------------------------ */

/* The preset named `name` ("seminr", "cSEM", "smartpls", "plspm", "netlearn"; any case) into *out
 * (a value, not a handle: the inverse of nl_pls_preset_name); NL_EINVAL if unknown. O(1). */
NL_API nl_status nl_pls_preset_from_name(const char *name, nl_pls_preset *out);
NL_API const char *nl_pls_preset_name(nl_pls_preset preset); /* "seminr", "cSEM", ...; "netlearn" for NONE or unknown */
/*
 * Set every default that differs between the packages: inner scheme, stop rule and tolerance,
 * maximum iterations, missing-data rule, PLSc for =~ constructs, interaction method (in o),
 * bootstrap resamples and interval type (in b), PLSpredict folds, repetitions and technique (in
 * pr). Any pointer may be NULL. Call before applying the user's own settings. O(1).
 */
NL_API void nl_pls_preset_apply(nl_pls_preset preset, nl_pls_options *o, nl_pls_boot_options *b, nl_pls_predict_options *pr);

/*
 * Write methods.md to `f` (borrowed): a paragraph a researcher can paste into a paper naming every
 * method, option, default and citation behind the numbers of this estimation (and of its
 * bootstrap, PLSpredict and IPMA when run), the preset, then the references. Also written by
 * nl_pls_write_csv. Errors: NL_EINVAL (not estimated), NL_EIO. O(constructs + indicators).
 */
NL_API nl_status nl_pls_write_methods(nl_pls *p, FILE *f);

/* ---- output ------------------------------------------------------------------------------ */

/*
 * Write every result as a tidy CSV file into directory `dir` (created if missing; its parent must
 * exist). Each file is written to a temporary name and renamed into place, so readers never see a
 * partial file. Files and columns are listed in docs/pls.md; bootstrap.csv and bootstrap_info.csv
 * only after nl_pls_bootstrap. Every file this function may write is removed first, so no file of
 * an earlier estimation stays beside the new ones. Errors: NL_EINVAL (not estimated), NL_EIO. Cost O(n * constructs).
 */
NL_API nl_status nl_pls_write_csv(nl_pls *p, const char *dir);

/*
 * Write a human-readable summary (like seminr's summary()) to `f` (borrowed): sample, settings,
 * convergence, path coefficients with R^2, reliability, HTMT, and the bootstrap tables when
 * present. `title` (borrowed, may be NULL) heads the report. Errors: NL_EINVAL, NL_EIO.
 */
NL_API nl_status nl_pls_write_report(nl_pls *p, const char *title, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
