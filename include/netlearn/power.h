#ifndef NETLEARN_POWER_H
#define NETLEARN_POWER_H
/*
 * Monte Carlo power and sample size for PLS-SEM.
 *
 * A population model in lavaan syntax with population values (as lavaan's simulateData and
 * cSEM.DGP write them) defines the indicator correlation matrix of the population; for each
 * sample size n and replication, a sample is drawn, the PLS-SEM model is estimated (the same
 * algorithm as netlearn/pls.h, hence as seminr) and every structural path is tested as a
 * researcher would, by default with a bootstrap percentile interval. The share of replications
 * in which a path is significant is its power (its Type I error rate when the population path is
 * zero). docs/power.md describes the data-generating processes exactly.
 *
 *   nl_power_options o;
 *   nl_power_options_default(&o);                     // composite population, 1000 reps, B = 500
 *   nl_power *pw;
 *   if (nl_power_parse(text, "model.txt", &o, &pw)) ... nl_power_errmsg(pw) ...
 *   size_t n[] = {50, 90, 150, 300};
 *   nl_power_run(pw, n, 4);                           // check status
 *   nl_power_write(pw, "out");                        // power.csv, min_n.csv, ...
 *   nl_power_free(pw);
 *
 * Reproducibility: the data of replication r at size n come from the Philox stream
 * (seed, n, NL_RNG_SURVEY, r) and its resample b from (seed, n, NL_RNG_BOOTSTRAP, r * 2^32 + b):
 * results are identical for any number of threads. Nothing here prints, exits or keeps global
 * state. nl_power_parse follows the sqlite3_open convention: unless memory runs out it stores a
 * handle in *out, also on failure, so the message can be read; the caller frees it.
 */
#include <stddef.h>

#include "netlearn/plot.h"
#include "netlearn/pls.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nl_power nl_power;

/* Data-generating process for the constructs defined with =~ (docs/power.md). */
typedef enum nl_power_population {
  NL_POWER_COMPOSITE = 0, /* the structural model holds between composites of the indicators */
  NL_POWER_FACTOR = 1     /* ... between common factors: x = lambda * eta + error */
} nl_power_population;

typedef enum nl_power_test {
  NL_POWER_TEST_PERCENTILE = 0, /* significant when the bootstrap percentile interval excludes 0 */
  NL_POWER_TEST_T = 1           /* estimate / bootstrap SD against Student t with B - 1 df */
} nl_power_test;

typedef struct nl_power_options {
  nl_power_population population; /* default NL_POWER_COMPOSITE */
  int likert;            /* 0: continuous indicators; K >= 2: cut into K categories; default 0 */
  size_t reps;           /* replications per sample size; default 1000 */
  size_t nboot;          /* bootstrap resamples per replication; default 500 */
  nl_power_test test;    /* default NL_POWER_TEST_PERCENTILE */
  double alpha;          /* significance level; default 0.05 */
  int tails;             /* 1 (in the direction of the population value, + for 0) or 2; default 2 */
  int consistent;        /* nonzero: PLSc for the =~ constructs; default 0 */
  int write_replications; /* nonzero: nl_power_write also writes replications.csv; default 0 */
  unsigned long long seed; /* default 1 */
  int threads;           /* OpenMP threads over replications; <= 0: 1; results do not depend on it */
  /* Optional progress callback (compatible with nl_progress_fn): replications done and the total,
   * from one thread at a time; a non-zero return cancels (NL_ECANCELED). May be NULL. */
  int (*progress)(void *user, long done, long total);
  void *progress_user; /* borrowed */
} nl_power_options;

/* Fill `o` with the defaults above. */
NL_API void nl_power_options_default(nl_power_options *o);

/*
 * Parse a population model and build its population indicator correlation matrix.
 * `text` (borrowed, NUL-terminated) is the PLS model syntax of nl_pls_model_parse with a value
 * before every indicator and every path, and optional correlations:
 *     EXPLORE  =~ 0.8*explore1 + 0.7*explore2     loadings (|value| <= 1)
 *     PRODINNO <~ 0.6*y1 + 0.5*y2                 weights (rescaled to a unit-variance composite)
 *     PRODINNO ~ 0.3*EXPLORE                      standardized path coefficient (0*X: a null path)
 *     EXPLORE ~~ 0.2*EXPLOIT                      correlation of two exogenous constructs
 *     y1 ~~ 0.4*y2                                correlation of two indicators of one <~ block
 * `source` (borrowed, may be NULL) names the text in messages ("source:line:column: ...").
 * `opt` (borrowed, may be NULL = defaults) is copied. Errors: NL_EPARSE (syntax, missing value),
 * NL_EINVAL (a value out of range, or values that give no valid correlation matrix: the message
 * names the construct; a bad option), NL_ENOMEM. Cost O(length + indicators^3).
 */
NL_API nl_status nl_power_parse(const char *text, const char *source, const nl_power_options *opt, nl_power **out);
/*
 * An empirical population: `data` (borrowed; copied) is the whole population, e.g. a pilot study
 * treated as the population or every simulated firm of a study, and each replication draws n of
 * its rows without replacement. `text` is a plain PLS model (nl_pls_model_parse syntax, no
 * values); the population value of a path is its PLS (PLSc) estimate on all of `data`, and the
 * population correlation matrix is the data's (after mean replacement of missing values). The
 * options' population and likert fields must be left at their defaults. Errors: as nl_pls_prepare and
 * nl_pls_estimate on the data (NL_EINVAL also for likert or a factor population), NL_ENOMEM.
 * Cost O(length + N p^2) for N rows.
 */
NL_API nl_status nl_power_parse_data(const char *text, const char *source, const nl_pls_data *data,
                                     const nl_power_options *opt, nl_power **out);
/* The same from a file (`path` borrowed). Errors as nl_power_parse plus NL_EIO. */
NL_API nl_status nl_power_read(const char *path, const nl_power_options *opt, nl_power **out);
/* nl_power_parse_data with the model read from a file. Errors as nl_power_parse_data plus NL_EIO. */
NL_API nl_status nl_power_read_data(const char *path, const nl_pls_data *data, const nl_power_options *opt,
                                    nl_power **out);
NL_API const char *nl_power_errmsg(const nl_power *pw);
NL_API void nl_power_free(nl_power *pw); /* NULL is harmless */

/* ---- the population (valid after nl_power_parse) --------------------------------------------- */
/* Getters are O(1) and never fail: a NULL handle and out-of-range indices give NAN, 0 or NULL. */
NL_API size_t nl_power_n_indicators(const nl_power *pw);
NL_API const char *nl_power_indicator_name(const nl_power *pw, size_t i);
/* Population correlation of indicators i and k (of the continuous responses before --likert). */
NL_API double nl_power_population_cor(const nl_power *pw, size_t i, size_t k);
NL_API size_t nl_power_n_paths(const nl_power *pw);
/* Names of the ends of path k (borrowed from the handle). */
NL_API const char *nl_power_path_from(const nl_power *pw, size_t k);
NL_API const char *nl_power_path_to(const nl_power *pw, size_t k);
NL_API double nl_power_path_value(const nl_power *pw, size_t k);    /* population value from the syntax */
/* What PLS (or PLSc) estimates converge to in this population: the estimate on the population
 * correlation matrix. Differs from the syntax value under the factor population without PLSc. */
NL_API double nl_power_path_pls_value(const nl_power *pw, size_t k);

/* ---- the simulation ------------------------------------------------------------------------- */

/*
 * Run the simulation for the `nn` sample sizes n[0..nn-1] (borrowed; each > the model's minimum
 * and <= 10^7 (<= the rows of an empirical population), no duplicates). Replaces results of an earlier run. Errors: NL_EINVAL (bad sizes),
 * NL_ECANCELED (the progress callback asked to stop), NL_ENOMEM. Replications whose estimation
 * fails (e.g. a Likert indicator without variance in a small sample) are dropped and counted.
 * Cost O(nn * reps * nboot * (n p^2 + iterations p^2)) / threads for p indicators.
 */
NL_API nl_status nl_power_run(nl_power *pw, const size_t *n, size_t nn);

typedef struct nl_power_stat {
  size_t n;            /* sample size */
  size_t reps;         /* replications that could be estimated */
  double power;        /* share significant (Type I rate for a null path) */
  double mc_se;        /* Monte Carlo standard error sqrt(power (1 - power) / reps) */
  double mean_estimate, bias, rmse; /* of the estimates against the syntax value */
  double coverage;     /* share of intervals (those of the test) containing the syntax value */
} nl_power_stat;

/* Result for sample size index s (0..nn-1) and path k. Errors: NL_EINVAL (no run, bad index). O(1). */
NL_API nl_status nl_power_get(nl_power *pw, size_t s, size_t k, nl_power_stat *out);

typedef struct nl_power_min_n {
  double n80, n90;     /* smallest n with fitted power >= .80 / .90 (logistic fit on sqrt(n)); NAN if
                          the fit does not increase or reaches neither within 10^7 */
  int extrapolated;    /* 1 if n80 or n90 lies outside the simulated sizes */
  double isr;          /* Kock & Hadaya's inverse square root n ((z_{1-a} + z_{.8}) / |beta|)^2, rounded up */
  double ten_times;    /* 10 x the largest number of paths into a construct or formative indicators */
  double type1;        /* for null paths: rejection rate over all sizes, else NAN */
} nl_power_min_n;

/* Sample-size summary of path k after a run. Errors: NL_EINVAL. Cost O(nn * reps) (the fit). */
NL_API nl_status nl_power_get_min_n(nl_power *pw, size_t k, nl_power_min_n *out);

/* Failed (dropped) and non-converged (kept) replications of the last run, over all sizes (0 without
 * a run or for NULL). */
NL_API size_t nl_power_failed(const nl_power *pw);
NL_API size_t nl_power_nonconverged(const nl_power *pw);

/*
 * Write power.csv, min_n.csv, population_cor.csv, settings.csv and power.svg (power curves with
 * 95% Monte Carlo bands and the .80 line) into `dir` (created if missing; its parent must exist),
 * each atomically; with the option write_replications also replications.csv (every estimated
 * replication's estimate and test of every path). Columns: docs/power.md. Errors: NL_EINVAL (no
 * run), NL_EIO, NL_ENOMEM. Cost O(sizes * paths + indicators^2), O(sizes * reps * paths) with
 * replications.csv.
 */
NL_API nl_status nl_power_write(nl_power *pw, const char *dir);

/*
 * Draw power curves on figure `f` (borrowed; see netlearn/plot.h): curve c has the points
 * (n[i], power[c * nn + i]) for i < nn (n increasing), each with a 95% Wilson band from reps[c * nn + i]
 * replications, labelled labels[c]; plus the .80 line, dashed. Used by nl_power_write and usable
 * for any power curves (e.g. a study's share of replications supporting each hypothesis per survey
 * size). Arrays borrowed. Colours repeat beyond 7 curves. Errors: NL_EINVAL (no curves or sizes),
 * NL_ENOMEM. O(curves * nn).
 */
NL_API nl_status nl_power_plot_curves(nl_figure *f, size_t ncurves, const char *const *labels, size_t nn, const double *n,
                                      const double *power, const size_t *reps);

#ifdef __cplusplus
}
#endif
#endif
