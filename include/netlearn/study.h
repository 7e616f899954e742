#ifndef NETLEARN_STUDY_H
#define NETLEARN_STUDY_H
/*
 * Studies: one YAML file describes a simulation (a coopnet scenario, with its sweep if any), a
 * virtual survey of the simulated firms, a PLS-SEM model estimated on every replication's survey,
 * and the hypotheses to judge across replications. nl_study_run does all of it and writes the
 * tidy CSV files, a manifest and a self-contained HTML report (docs/study.md).
 *
 *   nl_study *s = nl_study_new();
 *   if (nl_study_load_file(s, "examples/seed-study.yaml")) puts(nl_study_errmsg(s));
 *   nl_study_config cfg; nl_study_config_default(&cfg);
 *   if (nl_study_run(s, "out/demo", &cfg)) puts(nl_study_errmsg(s));
 *   nl_study_free(s);
 *
 * Every check that can be made without simulating (constructs the survey does not produce, a
 * survey period beyond the run, a sample larger than the number of firms, hypotheses on paths the
 * model does not have, malformed YAML, unknown keys) is made by nl_study_load_* and
 * nl_study_set, with "file:line:column:" and the closest valid name, before anything runs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netlearn/run.h"
#include "netlearn/scenario.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nl_study nl_study;

NL_API nl_study *nl_study_new(void); /* NULL when out of memory */
NL_API void nl_study_free(nl_study *s); /* NULL is harmless */
NL_API const char *nl_study_errmsg(const nl_study *s);

/*
 * Load a study from a YAML file (path borrowed) or a string (text and name borrowed; name is used
 * in messages). Errors: NL_EIO (unreadable file), NL_EPARSE (malformed YAML, malformed PLS model),
 * NL_EINVAL (unknown key or construct, a model indicator the survey does not produce, a
 * hypothesis on an effect the model does not have, a wrong type), NL_ERANGE (a value out of range,
 * a survey period beyond the run, a sample larger than the firms), NL_ENOMEM. Cost: linear in the
 * file plus one PLS model check.
 */
NL_API nl_status nl_study_load_file(nl_study *s, const char *path);
NL_API nl_status nl_study_load_string(nl_study *s, const char *text, const char *name);
/* Load the built-in default study: the seed study of examples/seed-study.yaml. Errors: NL_ENOMEM. */
NL_API nl_status nl_study_load_default(nl_study *s);
/* The built-in default study's text (static). */
NL_API const char *nl_study_default_text(void);

/*
 * Override a setting from the command line: simulation keys as nl_scenario_set (a model
 * parameter, replications, periods, seed, until), or survey.period, survey.window, survey.sample,
 * survey.noise, analysis.boot, analysis.threshold, analysis.alpha, analysis.contrasts (true or
 * false). Re-checks the whole study.
 * Same errors as loading.
 */
NL_API nl_status nl_study_set(nl_study *s, const char *key, const char *value);

/* Getters are checked (issue 19): a NULL or unloaded study gives "", NULL or 0 (path index -1),
 * an index out of range the value stated beside each. */
NL_API const char *nl_study_name(const nl_study *s);
NL_API const nl_scenario *nl_study_scenario(const nl_study *s); /* the simulation part (borrowed) */
NL_API long nl_study_replications(const nl_study *s);
/* Design points (1 without a sweep); valid after loading. */
NL_API size_t nl_study_npoints(const nl_study *s);
NL_API size_t nl_study_nhypotheses(const nl_study *s);

typedef struct nl_study_config {
  int threads;            /* OpenMP threads over replications; <= 0: OpenMP's default */
  nl_progress_fn progress; /* runs done / total; may be NULL. Non-zero return cancels. */
  void *progress_user;
  nl_interrupt_fn interrupt; /* polled inside every simulation every NL_INTERRUPT_EVERY periods, from
                                any thread; non-zero stops the study (NL_ECANCELED). May be NULL */
  void *interrupt_user;
  int argc;               /* the command line, recorded in the manifest and the report (borrowed) */
  char *const *argv;
  int report;             /* write report.html (default 1) */
} nl_study_config;

NL_API void nl_study_config_default(nl_study_config *c);

/*
 * Run the study into directory `dir` (created if missing; its parent must exist): simulate every
 * design point's replications (in parallel; results identical for any thread count), draw the
 * virtual surveys, estimate and bootstrap the PLS model on each, judge the hypotheses across
 * replications, evaluate the stylized facts, and write the outputs listed in docs/study.md
 * (surveys/, series.csv, summary.csv, pls_replications.csv, hypotheses.csv, facts.csv,
 * pls_representative/, report.html, manifest.json last). Errors: NL_EIO (cannot write), model
 * errors, NL_ENUMERIC (PLS failed on a survey, naming the replication), NL_ECANCELED, NL_ENOMEM.
 * Cost: replications x (periods x one model step + nboot PLS estimations), over the threads.
 */
NL_API nl_status nl_study_run(nl_study *s, const char *dir, const nl_study_config *cfg);

/* Results of hypothesis h at design point `point` after nl_study_run. */
typedef struct nl_study_verdict {
  const char *id;       /* "H1" (borrowed) */
  const char *effect;   /* "EXPLORE -> PRODINNO" (borrowed) */
  int sign;             /* +1 or -1: the hypothesized sign */
  long replications;    /* replications estimated */
  long supported;       /* sign as hypothesized and bootstrap CI excluding 0 */
  long opposite;        /* the other sign with the CI excluding 0 (evidence against) */
  double share;         /* supported / replications */
  double mean, sd, q05, median, q95; /* of the estimates across replications */
  const char *verdict;  /* "supported", "mixed" or "not supported" (borrowed) */
  long flat;            /* replications in which a construct of the effect had no variance in the
                         * survey sample (e.g. no firm co-innovated): its items were pure noise */
} nl_study_verdict;

/* Errors: NL_EINVAL (not run yet, or an index out of range). */
NL_API nl_status nl_study_verdict_get(const nl_study *s, size_t point, size_t h, nl_study_verdict *out);

/* The power analysis (`analysis: power:` or `--power`, docs/study.md "Survey size and power"): the
 * number of survey sizes (0 without one) and size k's number of firms (increasing in k; 0 when k is
 * out of range). O(1). */
NL_API size_t nl_study_power_nsizes(const nl_study *s);
NL_API long nl_study_power_size(const nl_study *s, size_t k);

/* Hypothesis h at survey size k of design point `point`. */
typedef struct nl_study_power_stat {
  long n;            /* firms per survey */
  long economies;    /* simulated economies pooled for it (ceil(n / firms)) */
  long replications; /* replications estimated */
  long supported;    /* of them supporting h (the verdict rule of nl_study_verdict) */
  double share;      /* supported / replications: power, or the false-positive rate of an absent effect */
  double mc_se;      /* its Monte Carlo standard error sqrt(share (1 - share) / replications) */
  double mean;       /* mean estimate at that size */
} nl_study_power_stat;

/* Errors: NL_EINVAL (not run, no power sizes, or an index out of range). O(1). */
NL_API nl_status nl_study_power_get(const nl_study *s, size_t point, size_t k, size_t h, nl_study_power_stat *out);

/* The survey constructs that had no variance in replication rep's sample at design point `point`
 * ("PRODINNO, NETCOLLAB" into buf, truncated to cap; buf may be NULL); returns how many (0 when none,
 * not run, or out of range). O(constructs). */
NL_API size_t nl_study_flat_constructs(const nl_study *s, size_t point, long rep, char *buf, size_t cap);

/* ---- One replication's path coefficients, for clients that drive replications themselves ----
 * (the calibration's PLS targets, docs/calibrate.md; src/study/replicate.c) */

/* The constructs of the study's PLS model: how many, and construct j's name (borrowed; NULL when
 * j is out of range). Valid after loading. O(1). */
NL_API size_t nl_study_nconstructs(const nl_study *s);
NL_API const char *nl_study_construct_name(const nl_study *s, size_t j);
/* The index of the direct path from construct `from` to construct `to` (indices as above) in the
 * study's PLS model, or -1 when the model has no such path. O(paths). */
NL_API long nl_study_path_index(const nl_study *s, size_t from, size_t to);

/*
 * Replication r of the study's simulation with the parameters p (borrowed; the study's model's
 * parameters, e.g. its scenario's with some values changed) and the random streams (seed, r):
 * simulate to the survey period, draw the virtual survey and estimate the PLS model (no
 * bootstrap; weights that did not converge give their last iteration's estimates), exactly as
 * nl_study_run does for its replication r when seed is the study's; the coefficients of the n
 * paths paths[i] (indices from nl_study_path_index) into out[i]. interrupt (may be NULL) is polled
 * every NL_INTERRUPT_EVERY periods. Thread-safe: concurrent calls on one study are fine, which is
 * why an error's message goes into msg (cap bytes, "replication r: ..."; may be NULL) rather than
 * onto the handle. Errors: model errors, NL_EINVAL (a path index out of range), NL_ERANGE (a
 * sample larger than the firms), NL_ENUMERIC (PLS failed), NL_ECANCELED, NL_ENOMEM. Cost: one
 * simulation to the survey period and one PLS estimation; allocates O(firms + sample x items).
 */
NL_API nl_status nl_study_replicate_paths(const nl_study *s, const nl_params *p, uint64_t seed, long r,
                                          const size_t *paths, size_t n, double *out, nl_interrupt_fn interrupt,
                                          void *interrupt_user, char *msg, size_t cap);

/* Write to f, as text, what besides the simulation and the seed decides nl_study_replicate_paths:
 * the survey's settings, its constructs (names, unit fields, value or change over the window),
 * loadings and thresholds and the PLS model. Two studies with equal
 * fingerprints and scenarios give equal replications: a key for caches of replications
 * (calibrate's results.db). Errors: NL_EIO. O(items + model text). */
NL_API nl_status nl_study_write_fingerprint(const nl_study *s, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
