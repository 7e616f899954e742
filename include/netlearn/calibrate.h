#ifndef NETLEARN_CALIBRATE_H
#define NETLEARN_CALIBRATE_H
/*
 * Calibration: estimate a model's parameters from observed statistics by simulated minimum
 * distance (the method of simulated moments), with standard errors, a test of the model's fit and
 * identification diagnostics. One YAML file describes it (docs/calibrate.md):
 *
 *   simulation: examples/march1991/basic.yaml        # a scenario file, or an inline scenario
 *   parameters: {p1: [0.05, 0.95], p2: [0.05, 0.95]} # free parameters and their bounds
 *   targets:
 *     - {measure: code_knowledge, stat: mean, value: 0.88, se: 0.002}
 *     - {measure: periods, stat: mean, value: 35.4, se: 0.12}
 *   replications: 200
 *   seed: 5
 *   optimizer: {method: bobyqa, max_evals: 400, starts: 4}
 *
 * The objective is Q(theta) = sum_k ((m_k(theta) - value_k) / se_k)^2, m_k the simulated statistic
 * over `replications` runs. Every parameter vector is simulated with the same random streams
 * (seed, replication r): common random numbers, so Q changes with theta and not with the draws.
 *
 *   nl_calib *c = nl_calib_new();
 *   if (nl_calib_load_file(c, "fit.yaml")) puts(nl_calib_errmsg(c));
 *   nl_calib_config cfg; nl_calib_config_default(&cfg);
 *   if (nl_calib_run(c, "out/fit", &cfg)) puts(nl_calib_errmsg(c));
 *   nl_calib_free(c);
 *
 * Everything that can be checked without simulating (unknown parameters, bounds outside a
 * parameter's range, measures the model does not have, unknown methods, malformed YAML) is checked
 * by nl_calib_load_*, with "file:line:column:" and the closest valid name.
 */
#include <stddef.h>
#include <stdint.h>

#include "netlearn/run.h"
#include "netlearn/scenario.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nl_calib nl_calib;

NL_API nl_calib *nl_calib_new(void);    /* NULL when out of memory */
NL_API void nl_calib_free(nl_calib *c); /* NULL is harmless */
NL_API const char *nl_calib_errmsg(const nl_calib *c);

/*
 * Load a calibration from a YAML file (path borrowed) or a string (text and name borrowed; name is
 * used in messages). Errors: NL_EIO (unreadable file), NL_EPARSE (malformed YAML), NL_EINVAL
 * (unknown key, parameter, measure, statistic or method; a parameter that is not numeric; fewer
 * targets than parameters), NL_ERANGE (bounds outside the parameter's range or empty, se <= 0, a
 * quantile outside (0, 1), a target period beyond the run), NL_ENOMEM. Cost: linear in the file.
 */
NL_API nl_status nl_calib_load_file(nl_calib *c, const char *path);
NL_API nl_status nl_calib_load_string(nl_calib *c, const char *text, const char *name);

/*
 * Override a setting from the command line: replications, seed, optimizer.method,
 * optimizer.max_evals, optimizer.starts, inference.weighting. Same errors as loading (the message names the --set).
 */
NL_API nl_status nl_calib_set(nl_calib *c, const char *key, const char *value);

/* Getters are checked (issue 19): a NULL c gives NULL, 0 or "", an index out of range NULL. O(1). */
NL_API const nl_scenario *nl_calib_scenario(const nl_calib *c); /* the simulation (borrowed) */
NL_API size_t nl_calib_nparams(const nl_calib *c);              /* free parameters */
NL_API const char *nl_calib_param_name(const nl_calib *c, size_t i); /* NULL if out of range */
NL_API size_t nl_calib_ntargets(const nl_calib *c);
NL_API const char *nl_calib_target_label(const nl_calib *c, size_t k); /* "code_knowledge mean (final)"; NULL if out of range */
NL_API long nl_calib_replications(const nl_calib *c);

/*
 * Simulated statistics m(theta) of every target (nl_calib_ntargets values into m) at the free
 * parameters theta (nl_calib_nparams values, in the order of the file; the others as the
 * scenario says), over the calibration's replications and seed, on `threads` OpenMP threads (<= 0:
 * OpenMP's default). The result does not depend on the thread count. Errors: NL_ERANGE (theta
 * outside the bounds), NL_EINVAL (a cross-parameter constraint fails), model errors, NL_ENOMEM.
 * Cost: replications runs of the model.
 */
NL_API nl_status nl_calib_moments(nl_calib *c, const double *theta, double *m, int threads);

/* Progress: evaluations done (the optimizer's, then the Jacobian's and the profiles'), the total
 * planned, and the smallest objective so far. Return non-zero to stop (NL_ECANCELED); the
 * evaluations done stay in results.db and a new run resumes from them. */
typedef int (*nl_calib_progress_fn)(void *user, long done, long total, double best);

typedef struct nl_calib_config {
  int threads;                   /* OpenMP threads over replications; <= 0: OpenMP's default */
  nl_calib_progress_fn progress; /* may be NULL */
  void *progress_user;
  int argc;                      /* command line for the manifest and the report (borrowed) */
  char *const *argv;
  int report;                    /* write report.html and profiles.svg (default 1) */
  nl_interrupt_fn interrupt;     /* polled inside the runs (netlearn/run.h); may be NULL. A stop
                                    inside an evaluation discards it: NL_ECANCELED */
  void *interrupt_user;
} nl_calib_config;

NL_API void nl_calib_config_default(nl_calib_config *cfg);

/*
 * Calibrate into directory `dir` (created if missing; its parent must exist): minimize Q from
 * every start with NLopt, then at the best estimate compute the Jacobian G of the statistics
 * (least squares over seven points a jacobian_step apart), the standard errors (sandwich with the
 * observed and the simulation variance), the J test of overidentifying restrictions, the per-target misfit, profiles of Q
 * along each parameter and the identification check; write estimates.csv, fit.csv, trace.csv,
 * profiles.svg, report.html and manifest.json (last). Every evaluation is stored in
 * dir/results.db as soon as it is computed: a calibration that is stopped and run again replays
 * the optimizer from the stored evaluations without simulating them again. Errors: NL_EIO (cannot
 * write), NL_EEXIST (results.db holds evaluations of a different simulation or targets), model
 * errors, NL_ECONVERGE (the optimizer failed), NL_ENUMERIC (Q not finite anywhere), NL_ECANCELED,
 * NL_ENOMEM. A parameter the targets do not determine (G'WG singular) is no error: its se is NaN
 * and nl_calib_identification says why. Cost: evaluations x replications model runs.
 */
NL_API nl_status nl_calib_run(nl_calib *c, const char *dir, const nl_calib_config *cfg);

/* A parameter's estimate after nl_calib_run. */
typedef struct nl_calib_estimate {
  const char *name; /* borrowed */
  double estimate, se, ci_low, ci_high; /* 95% Wald interval; se NaN when not identified */
  double lower, upper;                  /* bounds */
  double start;                         /* first start */
  int at_bound;                         /* the estimate is on a bound: its se is not valid */
} nl_calib_estimate;

/* Errors: NL_EINVAL (not run yet, or i out of range). */
NL_API nl_status nl_calib_estimate_get(const nl_calib *c, size_t i, nl_calib_estimate *out);

/* The fit after nl_calib_run. */
typedef struct nl_calib_fit {
  double objective;  /* Q at the estimate */
  double J;          /* e' Omega^-1 e, Omega = observed + simulation variance */
  long df;           /* targets - parameters */
  double p_value;    /* of J against chi^2(df); NaN when df = 0 */
  int rank;          /* numerical rank of W^1/2 G */
  double condition;  /* its condition number (largest / smallest singular value) */
  long evaluations;  /* objective evaluations, including those read back from results.db */
  long computed;     /* of which simulated in this call */
  double seconds;    /* wall time of nl_calib_run */
} nl_calib_fit;

NL_API nl_status nl_calib_fit_get(const nl_calib *c, nl_calib_fit *out);

/* Target k after nl_calib_run: simulated value at the estimate, its simulation SE, z. */
typedef struct nl_calib_target_fit {
  const char *label; /* borrowed */
  double observed, se, simulated, sim_se, z;
} nl_calib_target_fit;

NL_API nl_status nl_calib_target_get(const nl_calib *c, size_t k, nl_calib_target_fit *out);

/* Plain-language identification findings after nl_calib_run ("the targets do not pin down p2
 * ..."), one per line; "" when none (borrowed). */
NL_API const char *nl_calib_identification(const nl_calib *c);

#ifdef __cplusplus
}
#endif
#endif
