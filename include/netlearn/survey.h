#ifndef NETLEARN_SURVEY_H
#define NETLEARN_SURVEY_H
/*
 * The virtual survey of a simulated run: a random sample of a model's units (coopnet's firms,
 * lazer2007's agents, fang2010's individuals, any model with units: netlearn/model_api.h) answers
 * Likert items (1..7) about constructs, each construct computed from the unit field(s) named for
 * it (docs/survey.md). The same draws as `netlearn study`: a survey of replication r with the
 * scenario's seed equals the study's surveys/survey_rep<r>.csv for the same settings.
 *
 *   nl_survey *sv = nl_survey_new();
 *   double l[3] = {0.85, 0.8, 0.75};
 *   nl_survey_add_construct(sv, "SCORE", "score", 0, l, 3);
 *   nl_survey_set(sv, "period", 20);
 *   nl_survey_run(sv, params, seed, 0);          // then nl_survey_get or nl_survey_write_csv
 *   nl_survey_free(sv);
 */
#include <stddef.h>
#include <stdint.h>

#include "netlearn/export.h"
#include "netlearn/model.h"
#include "netlearn/run.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nl_survey nl_survey; /* a survey design and, after nl_survey_run, its answers */

/* A survey with no constructs, 90 units, noise 1, the 1..7 cut points -1.5 -1 -0.5 0.5 1 1.5.
 * NULL when out of memory. Caller frees with nl_survey_free (NULL is harmless). */
NL_API nl_survey *nl_survey_new(void);
NL_API void nl_survey_free(nl_survey *sv);
NL_API const char *nl_survey_errmsg(const nl_survey *sv);

/*
 * Ask construct `name` (letters, digits, '_'; its items are named lower-case name + 1..nitems)
 * with nitems items of these loadings (each in (0, 1)), from the unit field `fields` or several
 * joined by '+' (summed), their change over the survey window when `window` is non-zero, else
 * their value at the survey period. fields NULL or "": one of coopnet's default constructs
 * (EXPLORE, EXPLOIT, PRODINNO, PROCINNO, NETCOLLAB) with its own firm fields. Without any
 * construct, nl_survey_run asks coopnet's five. Fields are checked against the model by
 * nl_survey_run. Errors: NL_EINVAL (bad name, the name twice, more than 12 constructs, more than
 * 4 fields), NL_ERANGE (nitems not 2..8, a loading outside (0, 1)). O(nitems).
 */
NL_API nl_status nl_survey_add_construct(nl_survey *sv, const char *name, const char *fields, int window,
                                         const double *loadings, size_t nitems);

/*
 * Set "sample" (units asked, 3..10^7; default 90), "period" (the survey at the end of this
 * period, >= 1: required), "window" (counts over the last `window` periods, 1..period; default
 * period / 2) or "noise" (item error multiplier, 0..10; default 1). Errors: NL_EINVAL (unknown
 * key, a count not integral), NL_ERANGE.
 */
NL_API nl_status nl_survey_set(nl_survey *sv, const char *key, double value);

/* Poll `fn(user)` every NL_INTERRUPT_EVERY periods of nl_survey_run; non-zero stops it. */
NL_API void nl_survey_set_interrupt(nl_survey *sv, nl_interrupt_fn fn, void *user);

/*
 * Simulate replication `replication` of params' model (borrowed) with `seed` to the survey period
 * and draw the survey: the answers replace any earlier ones. Errors: NL_EINVAL (no period set, the
 * model has no units, a construct's field is not one of its units' fields (with the closest name),
 * no construct given and the units lack coopnet's fields), NL_ERANGE (window longer than the
 * period, sample larger than the units), the model's own errors, NL_ECANCELED (interrupted),
 * NL_ENOMEM. Cost: the simulation's, plus O(units x fields + sample x items).
 */
NL_API nl_status nl_survey_run(nl_survey *sv, const nl_params *params, uint64_t seed, long replication);

/* The answers: rows are the sampled units in increasing order; column 0 is the unit's index
 * (named after the unit: "firm", "agent"), then one column per item ("score1", ...). 0 rows before
 * a successful nl_survey_run (and for NULL). nl_survey_column: NULL out of range; nl_survey_get: NaN
 * out of range (checked, issue 19). */
NL_API size_t nl_survey_nrows(const nl_survey *sv);
NL_API size_t nl_survey_ncols(const nl_survey *sv);
NL_API const char *nl_survey_column(const nl_survey *sv, size_t j);
NL_API double nl_survey_get(const nl_survey *sv, size_t i, size_t j);

/* Write the answers as CSV (header, one row per unit; integers), atomically. Errors: NL_EINVAL
 * (nothing drawn yet), NL_EIO. O(rows x columns). */
NL_API nl_status nl_survey_write_csv(nl_survey *sv, const char *path);

#ifdef __cplusplus
}
#endif
#endif
