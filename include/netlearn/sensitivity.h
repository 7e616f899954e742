#ifndef NETLEARN_SENSITIVITY_H
#define NETLEARN_SENSITIVITY_H
/*
 * Global sensitivity analysis of any function or model y = f(x): variance-based Sobol' indices
 * and Morris elementary effects, as SALib computes them.
 *
 *   Sobol: Saltelli's design on a scrambled Sobol' sequence (Joe-Kuo direction numbers, linear
 *   matrix scrambling and a digital shift, seeded): matrices A and B (N rows each), AB_i (A with
 *   column i from B) and, for second order, BA_i; N (k + 2) or N (2k + 2) evaluations. First
 *   order S1 by Saltelli et al. (2010), total ST by Jansen (1999), second order S2 by Saltelli
 *   (2002); 95% intervals by bootstrap over the N rows (100 resamples, SALib's defaults:
 *   estimate +- z * bootstrap sd).
 *
 *   Morris: r trajectories of k + 1 points on a p-level grid (default 4 levels, step
 *   p / (2 (p - 1))), each moving one factor at a time in a random order (the dummy last);
 *   elementary effects in units of the factor's range; mu, mu* (mean |EE|), sigma and a
 *   bootstrap interval for mu*.
 *
 * A dummy factor (optional) enters the design like any other but changes nothing in f: its
 * indices are the noise floor (sampling error, and for a stochastic model the noise of its
 * outputs: rows marked "fresh" must be evaluated with new random streams). A factor whose index
 * is not clearly above the dummy's is not distinguishable from noise.
 *
 *   nl_sensitivity *s = nl_sensitivity_new();
 *   nl_sensitivity_options o; nl_sensitivity_options_default(&o);  // Sobol, N = 1024
 *   nl_sensitivity_factor(s, "x1", -M_PI, M_PI, 0); ...             // k factors
 *   nl_sensitivity_design(s, &o, 1);                                 // 1 output
 *   nl_sensitivity_evaluate(s, ishigami, NULL);                      // or set_output per row
 *   nl_sensitivity_analyze(s, 0);                                    // all N rows
 *   nl_sensitivity_s1(s, 0, i, &lo, &hi);
 *
 * Random draws (scrambling, trajectories, bootstrap) come from Philox streams keyed by the
 * options' seed, so results depend only on the inputs and the seed.
 */
#include <stddef.h>
#include <stdint.h>

#include "netlearn/experiment.h"
#include "netlearn/run.h"
#include "netlearn/scenario.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nl_sensitivity nl_sensitivity;

/* f(x, y, ctx): x holds the k factor values (in their ranges; the dummy is not passed), y
 * receives the outputs. Called from one thread, once per design row, in row order. */
typedef void (*nl_sensitivity_fn)(const double *x, double *y, void *ctx);

typedef enum nl_sensitivity_method { NL_SENS_SOBOL = 0, NL_SENS_MORRIS = 1 } nl_sensitivity_method;

typedef struct nl_sensitivity_options {
  nl_sensitivity_method method;
  long n;            /* Sobol: base sample N (rows of A; a power of two keeps the sequence balanced);
                        Morris: trajectories r. Default 1024 / 20 */
  int second_order;  /* Sobol: also S2 (N k more rows). Default 0 */
  int levels;        /* Morris: grid levels p (even, >= 2). Default 4 */
  int dummy;         /* add a dummy factor (last, named "dummy"). Default 1 */
  long resamples;    /* bootstrap resamples. Default 100 */
  double confidence; /* interval level. Default 0.95 */
  uint64_t seed;     /* scrambling, trajectories, bootstrap. Default 1 */
} nl_sensitivity_options;

NL_API void nl_sensitivity_options_default(nl_sensitivity_options *o);

NL_API nl_sensitivity *nl_sensitivity_new(void); /* NULL when out of memory */
NL_API void nl_sensitivity_free(nl_sensitivity *s); /* NULL is harmless */
NL_API const char *nl_sensitivity_errmsg(const nl_sensitivity *s);

/*
 * Add a factor varying over [lo, hi]: uniformly, or log-uniformly when log_scale (then
 * 0 < lo). name borrowed (copied). Clears any design. Errors: NL_EINVAL (empty or duplicate
 * name, "dummy"), NL_ERANGE (lo >= hi, non-finite, log scale with lo <= 0), NL_ENOMEM. O(k).
 */
NL_API nl_status nl_sensitivity_factor(nl_sensitivity *s, const char *name, double lo, double hi, int log_scale);
/* Getters are checked (issue 19): a NULL handle, or an index out of range, gives 0, NULL, -1 or
 * NaN (interval ends NaN too). O(1).
 * Factors including the dummy once a design is built (the dummy is last). */
NL_API size_t nl_sensitivity_nfactors(const nl_sensitivity *s);
NL_API const char *nl_sensitivity_factor_name(const nl_sensitivity *s, size_t i);

/*
 * Build the design for `noutputs` outputs (o NULL = defaults). Errors: NL_EINVAL (no factor,
 * noutputs 0, an option out of range: n < 2 for Sobol, n < 2 trajectories, odd or < 2 levels,
 * resamples < 10, confidence outside (0, 1)), NL_ERANGE (Sobol with more than 511 factors:
 * the sequence has 1024 dimensions), NL_ENOMEM. Cost: O(rows x factors) time and memory.
 */
NL_API nl_status nl_sensitivity_design(nl_sensitivity *s, const nl_sensitivity_options *o, size_t noutputs);

/* Design rows to evaluate. */
NL_API size_t nl_sensitivity_nrows(const nl_sensitivity *s);
/* Row i: the k factor values in their ranges (borrowed; the dummy is not included). */
NL_API const double *nl_sensitivity_row(const nl_sensitivity *s, size_t i);
/* Whether row i must be evaluated with random streams independent of the other rows': its
 * difference from another row is the dummy alone (1), or not (0). A deterministic f ignores it. */
NL_API int nl_sensitivity_row_fresh(const nl_sensitivity *s, size_t i);
/* Rows a Sobol analysis on the first n_used base rows reads (for convergence checks): row i is
 * needed when nl_sensitivity_row_base(s, i) < n_used. Morris: the trajectory. */
NL_API long nl_sensitivity_row_base(const nl_sensitivity *s, size_t i);

/* Store the outputs of row i (noutputs values, copied). Errors: NL_EINVAL (no design, i out of
 * range). O(noutputs). */
NL_API nl_status nl_sensitivity_set_output(nl_sensitivity *s, size_t i, const double *y);
/* Outputs stored for row i (noutputs values, NaN where unset; borrowed), NULL without a design. */
NL_API const double *nl_sensitivity_row_output(const nl_sensitivity *s, size_t i);
/* Evaluate f at every row (ctx passed through). Errors: NL_EINVAL (no design). Cost: rows
 * calls of f. */
NL_API nl_status nl_sensitivity_evaluate(nl_sensitivity *s, nl_sensitivity_fn f, void *ctx);

/*
 * Compute the indices of every output from the first n_used base rows (Sobol) or trajectories
 * (Morris); n_used <= 0 or above the design's n means all. Errors: NL_EINVAL (no design, fewer
 * than 2 rows used, an output missing or not finite: the message names the row and output;
 * zero variance of an output: its indices are NaN, not an error). Cost: O(resamples x rows used
 * x factors (x factors for S2)).
 */
NL_API nl_status nl_sensitivity_analyze(nl_sensitivity *s, long n_used);

/* Sobol results of output j, factor i (NaN before nl_sensitivity_analyze); lo / hi (may be
 * NULL) receive the interval ends. */
NL_API double nl_sensitivity_s1(const nl_sensitivity *s, size_t j, size_t i, double *lo, double *hi);
NL_API double nl_sensitivity_st(const nl_sensitivity *s, size_t j, size_t i, double *lo, double *hi);
/* Second order of factors a < b (NaN unless second_order). */
NL_API double nl_sensitivity_s2(const nl_sensitivity *s, size_t j, size_t a, size_t b, double *lo, double *hi);
/* Variance of output j over A and B (Sobol) or all rows (Morris). */
NL_API double nl_sensitivity_variance(const nl_sensitivity *s, size_t j);

/* Morris results of output j, factor i: mean elementary effect, mean |EE| with its interval,
 * standard deviation (NaN before analysis). */
NL_API double nl_sensitivity_mu(const nl_sensitivity *s, size_t j, size_t i);
NL_API double nl_sensitivity_mu_star(const nl_sensitivity *s, size_t j, size_t i, double *lo, double *hi);
NL_API double nl_sensitivity_sigma(const nl_sensitivity *s, size_t j, size_t i);

/* ---- analyses of a model (`netlearn sensitivity FILE.yaml`, docs/sensitivity.md) -------------
 *
 *   scenario: examples/march1991/basic.yaml   # a scenario file, or a scenario inline
 *   method: sobol                             # sobol | morris
 *   n: 256                                    # Sobol base sample N, or Morris trajectories r
 *   replications: 10                          # runs per design point, averaged
 *   parameters:
 *     p1: {from: 0.05, to: 0.95}
 *     n:  {from: 10, to: 500, scale: log}     # uniform (default) or log-uniform
 *   outputs: [code_knowledge, {measure: code_knowledge, period: 50}]
 *
 * Every design row is a design point (nl_design_build_points) run `replications` times in the
 * results store; a row that differs from another only in the dummy runs replications
 * R .. 2R - 1 of that point (new random streams), so the dummy measures the noise floor.
 */
typedef struct nl_sensitivity_spec nl_sensitivity_spec;

NL_API nl_sensitivity_spec *nl_sensitivity_spec_new(void); /* NULL when out of memory */
NL_API void nl_sensitivity_spec_free(nl_sensitivity_spec *p); /* NULL is harmless */
NL_API const char *nl_sensitivity_spec_errmsg(const nl_sensitivity_spec *p);

/*
 * Load an analysis file (path borrowed) or text (text and name borrowed; name used in messages)
 * and build its design. Every error names file:line:column and the key, and says what was
 * expected. Errors: NL_EIO (unreadable file), NL_EPARSE (malformed YAML), NL_EINVAL (unknown or
 * missing key, unknown parameter or measure, wrong type), NL_ERANGE (value out of range), errors
 * of the scenario, NL_ENOMEM. Cost: the design (nl_sensitivity_design).
 */
NL_API nl_status nl_sensitivity_spec_load_file(nl_sensitivity_spec *p, const char *path);
NL_API nl_status nl_sensitivity_spec_load_string(nl_sensitivity_spec *p, const char *text, const char *name);

/* Checked (issue 19): a NULL p gives "", NULL or 0; j out of range NULL. */
NL_API const char *nl_sensitivity_spec_name(const nl_sensitivity_spec *p);
NL_API const nl_scenario *nl_sensitivity_spec_scenario(const nl_sensitivity_spec *p); /* borrowed */
NL_API const nl_sensitivity *nl_sensitivity_spec_analysis(const nl_sensitivity_spec *p); /* borrowed, read-only */
/* The analysis options read from the file (method, n, ...; borrowed). */
NL_API const nl_sensitivity_options *nl_sensitivity_spec_options(const nl_sensitivity_spec *p);
/* Replications per design point. */
NL_API long nl_sensitivity_spec_replications(const nl_sensitivity_spec *p);
NL_API size_t nl_sensitivity_spec_noutputs(const nl_sensitivity_spec *p);
/* Output j's name: the measure, or "measure@period" (borrowed). */
NL_API const char *nl_sensitivity_spec_output(const nl_sensitivity_spec *p, size_t j);

/* The experiment's design (d's points: the analysis rows' parameter values; sc borrowed from p).
 * Errors: those of nl_design_build_points, copied to p. Cost: O(rows x parameters). */
NL_API nl_status nl_sensitivity_spec_design(nl_sensitivity_spec *p, nl_design *d);

/* Read every row's outputs (means over its replications) from st, which must hold the finished
 * runs of the design built by nl_sensitivity_spec_design, and analyse. Errors: NL_EINVAL (a run
 * not done, or a measure NA in some run: the message names the point, replication and measure),
 * NL_EIO. Cost: rows x outputs x replications lookups, then nl_sensitivity_analyze. */
NL_API nl_status nl_sensitivity_spec_collect(nl_sensitivity_spec *p, nl_store *st);

/*
 * Write the results into dir (which must exist), each file atomically: design.csv (every row:
 * factor values, point, replication block, outputs), indices.csv (Sobol: output, parameter,
 * S1, S1_low, S1_high, ST, ST_low, ST_high), indices2.csv (second order), morris.csv (output,
 * parameter, mu, mu_star, mu_star_low, mu_star_high, sigma), convergence.csv (the same indices
 * from the first N/4, N/2 and N base rows or trajectories), and per output sobol_<output>.svg or
 * morris_<output>.svg. names receives up to 32 file names (borrowed from p). Errors: NL_EIO,
 * NL_ENOMEM. Cost: three analyses and the files.
 */
NL_API nl_status nl_sensitivity_spec_write(nl_sensitivity_spec *p, const char *dir, const char **names, size_t *nnames);

/* Options of nl_sensitivity_run_dir: nl_sensitivity_run_options_default first, then set fields. */
typedef struct nl_sensitivity_run_options {
  int threads;               /* worker threads (<= 0: all cores); the files do not depend on it */
  nl_progress_fn progress;   /* (runs done in this call, runs pending at the start); non-zero stops
                                (may be NULL) */
  void *progress_user;       /* borrowed */
  nl_interrupt_fn interrupt; /* polled inside every run; non-zero stops (may be NULL) */
  void *interrupt_user;      /* borrowed */
  /* The run pipeline's options (nl_experiment_run_dir): flags (NL_STORE_RESET discards a database
   * holding a different analysis; without it a re-run resumes), the command line recorded in the
   * manifest, ranks, on_start, runner and their user. Its outputs field is ignored: the outputs
   * are the analysis' files. */
  nl_run_dir_options run;
} nl_sensitivity_run_options;

/* Defaults: all cores, no callbacks, nl_run_dir_options_default. */
NL_API void nl_sensitivity_run_options_default(nl_sensitivity_run_options *o);

/*
 * Run analysis p (loaded) into results directory `dir`, as `netlearn sensitivity` does (the CLI,
 * the Python and R packages are clients of this function): build the design (d: a design from
 * nl_design_new, which receives it, or one nl_sensitivity_spec_design already built from p, used
 * as is; NULL: one of the call's own), run every pending run through nl_experiment_run_dir (its
 * checks, dir/results.db on the store handle st, new and not yet opened, the caller frees it;
 * seed and stop rule from p's scenario; a re-run resumes), then read the outputs and write the
 * analysis' files (nl_sensitivity_spec_write: indices, convergence, design, figures) and
 * manifest.json, once, last. p then holds the indices (nl_sensitivity_spec_analysis). Every
 * message is on st (those of p's design and files copied there); info (may be NULL) receives the
 * counts and the stage reached (the design is the input stage). opt NULL: the defaults.
 * Errors: NL_EINVAL (p or st NULL), those of nl_sensitivity_spec_design (NL_EINVAL, NL_ENOMEM),
 * nl_experiment_run_dir (NL_ECANCELED when asked to stop: the finished runs stay committed, no
 * manifest), and at the outputs stage those of nl_sensitivity_spec_collect and
 * nl_sensitivity_spec_write.
 * Cost: the runs (design points x replications x periods), then three analyses and the files.
 */
NL_API nl_status nl_sensitivity_run_dir(nl_sensitivity_spec *p, nl_store *st, nl_design *d, const char *dir,
                                        const nl_sensitivity_run_options *opt, nl_run_dir_info *info);

#ifdef __cplusplus
}
#endif
#endif
