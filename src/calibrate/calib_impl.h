#ifndef NL_CALIBRATE_IMPL_H
#define NL_CALIBRATE_IMPL_H
/* The calibration handle seen from inside: spec (spec.c), simulated statistics and the evaluation
 * cache in results.db (eval.c), optimization (optim.c), inference (infer.c), outputs (output.c). */
#if NL_HAVE_STORE
#include <sqlite3.h>
#endif
#include <stdint.h>

#include "core/error.h"
#include "core/model_impl.h"
#include "netlearn/calibrate.h"
#include "netlearn/experiment.h"
#include "netlearn/model.h"
#include "netlearn/study.h"

enum { NL_CALIB_MEAN, NL_CALIB_SD, NL_CALIB_QUANTILE };
/* weighting: W = diag(1 / (se^2 + simulation variance at the start)) or diag(1 / se^2) */
enum { NL_CALIB_W_TOTAL, NL_CALIB_W_OBSERVED };
#define NL_CALIB_PERIODS (-1L) /* target measure: the periods a run lasted */
#define NL_CALIB_FINAL (-1L)   /* target period: the end of the run */
#define NL_CALIB_PLS (-2L)     /* target measure: a PLS path coefficient of the virtual survey */

typedef struct nl_calib_target {
  long measure; /* index into the model's measures, or NL_CALIB_PERIODS */
  int stat;
  double q;     /* quantile */
  long period;  /* NL_CALIB_FINAL or a period */
  size_t path;   /* PLS path: index in the study's model (nl_study_path_index) */
  double value, se;
  char label[160];
  char loc[300]; /* file:line:column of the target, for messages */
} nl_calib_target;

typedef enum nl_calib_method {
  NL_CALIB_BOBYQA, NL_CALIB_NELDERMEAD, NL_CALIB_SBPLX, NL_CALIB_CRS2, NL_CALIB_ISRES, NL_CALIB_CMAES,
  NL_CALIB_NMETHODS
} nl_calib_method;
extern const char *const nl_calib_method_names[]; /* NULL-terminated */

/* One evaluation of the objective, in the order the calibration asked for them. */
typedef struct nl_calib_eval {
  int phase;     /* 0 optimizer, 1 Jacobian, 2 profile */
  int start;     /* optimizer start (0-based), -1 otherwise */
  double *theta; /* P values (owned) */
  double q;      /* objective */
  double seconds; /* simulation wall time when it was computed */
  int cached;    /* read back from results.db */
} nl_calib_eval;

struct nl_calib {
  nl_errbuf err;
  char *file, *name, *description;
  nl_scenario *sc;        /* the `simulation:` scenario (owned), or NULL with PLS targets */
  nl_study *study;        /* PLS targets: the study whose simulation, survey and model they use */
  const nl_scenario *scen; /* the simulation calibrated: sc or the study's (borrowed) */
  const nl_model *model;
  /* free parameters */
  size_t P;
  size_t *pidx;
  double *lo, *hi, *start;
  char (*ploc)[300];
  /* targets */
  size_t K;
  nl_calib_target *tg;
  long R;
  uint64_t seed;
  /* optimizer and inference settings */
  nl_calib_method method;
  long max_evals, starts;
  double xtol, init_step;
  double jac_step;
  long boot, profile_points;
  int weighting; /* NL_CALIB_W_*: the objective's weights */
  long gcd_period; /* record every gcd of the target periods (LONG_MAX: final only) */
  /* run state */
  nl_store *store;
#if NL_HAVE_STORE
  sqlite3_stmt *get, *put;
#endif
  int threads;
  nl_calib_config cfg;
  nl_calib_eval *ev;
  size_t nev, cev;
  long computed, planned;
  double best_q;
  double *best_theta;
  double *w;     /* the objective's weights (K), fixed for the run by nl_calib_weights; NULL: 1/se^2 */
  double *w_sim; /* total weighting: the simulation variance of each statistic at the start (K) */
  int canceled;
  /* results */
  int done;
  double *theta_hat, *se, *m_hat, *sim_se, *z, *G, *sv;
  size_t nprof;             /* profile points per parameter (profile_points + 7, or 0) */
  double *prof_x, *prof_q; /* P x nprof */
  double q_hat, J, pval;
  int rank;
  double cond;
  char *ident;
  double seconds;
};

/* eval.c */
/* Open (create) dir/results.db and check it holds this calibration's evaluations or none. */
nl_status nl_calib_cache_open(nl_calib *c, const char *path);
void nl_calib_cache_close(nl_calib *c);
/* Per-replication values (R x K, row r = replication r) at theta into x: from the cache, or
 * simulated and stored. *cached set when read back. */
nl_status nl_calib_values(nl_calib *c, const double *theta, double *x, int *cached, double *seconds);
/* Statistics of the targets from per-replication values x (R x K, rows `rows` of x, NULL = 0..R-1,
 * a bootstrap resample). work: R doubles. */
void nl_calib_stats(const nl_calib *c, const double *x, const long *rows, double *m, double *work);
/* Objective Q at statistics m. */
double nl_calib_objective(const nl_calib *c, const double *m);
/* Evaluate theta: values, statistics, Q; appended to the trace with phase/start; progress. */
nl_status nl_calib_evaluate(nl_calib *c, const double *theta, int phase, int start, double *m, double *x, double *q);

/* variance.c */
/* The covariance (K x K) of the targets' statistics over the R replications x (R x K): from each
 * replication's influence on each statistic (exact for means: the sample covariance / R; the delta
 * method for sd; a quantile's scaled by its bootstrap variance, `boot` resamples). O(R K^2). */
nl_status nl_calib_sim_cov(nl_calib *c, const double *x, double *omega);
/* Set c->w for the run: 1/se^2 (observed) or 1/(se^2 + the simulation variance of the statistic at
 * the start, whose replications it simulates or reads back from results.db and stores) (total).
 * Fixed for the whole run, so Q is one function of the simulated statistics. */
nl_status nl_calib_weights(nl_calib *c);
/* Sandwich V = A^+ G'W Omega W G A^+ (P x P), A = G'WG, W = diag(w), G K x P row-major; A^+ a
 * pseudo-inverse on the scale of `width` (the bounds' widths); se[j] = sqrt(V_jj), NaN for a
 * parameter in A's null space. P, K <= 64. Returns LAPACK's info (0 ok). */
int nl_calib_sandwich(size_t P, size_t K, const double *G, const double *w, const double *omega, const double *width,
                      double *V, double *se);
/* J = e' (M Omega M')^+ e, M = I - G A^+ G'W: chi^2(K - P) for any weights (e' Omega^-1 e when
 * W = Omega^-1); NaN when K <= P. */
double nl_calib_jstat(size_t P, size_t K, const double *G, const double *w, const double *omega, const double *width,
                      const double *e);

/* run.c: free the last run's results (the trace array's storage is kept) */
void nl_calib_clear_run(nl_calib *c);
/* pls.c: PLS targets. Parse `targets: {pls: {study: FILE, paths: [...]}}` or, with the file's
 * `simulation:` (its lines [sim_l0, sim_l1) of text; sim_l0 < 0: none), `targets: {pls: {survey:
 * ..., model: ..., paths: [...]}}`; the pls mapping's text ends before line pls_end. Nodes and text
 * borrowed; the study is loaded into c->study. And the per-replication path estimates at
 * parameters p into x (R x K) on `threads` threads. */
struct fy_node;
struct nl_yaml;
typedef struct nl_calib_text {
  const char *text;
  size_t len;
  int sim_l0, sim_l1, pls_end;
} nl_calib_text;
nl_status nl_calib_pls_parse(nl_calib *c, const struct nl_yaml *y, struct fy_node *pls, const nl_calib_text *t);
nl_status nl_calib_pls_simulate(nl_calib *c, const nl_params *p, double *x, int threads);

/* optim.c */
nl_status nl_calib_optimize(nl_calib *c);
/* inference.c */
nl_status nl_calib_infer(nl_calib *c);
/* output.c */
nl_status nl_calib_write_outputs(nl_calib *c, const char *dir);
nl_status nl_calib_write_report(nl_calib *c, const char *dir);

#endif
