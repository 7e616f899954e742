#ifndef NETLEARN_SCENARIO_H
#define NETLEARN_SCENARIO_H
/*
 * Scenarios: one YAML file describes a study (model, parameters, replications, stop rule, seed,
 * outputs). Example (examples/march1991/basic.yaml):
 *
 *   model: march1991
 *   parameters: {m: 30, n: 50, p1: 0.1, p2: 0.5}
 *   replications: 80
 *   seed: 1991
 *   stop: {until: equilibrium, periods: 5000}   # or {until: periods, periods: 100}
 *   outputs: {series: true, every: 1, measures: [code_knowledge]}
 *   sweep:                                  # optional: many design points (docs/experiments.md)
 *     design: grid                          # grid | lhs | ofat
 *     parameters:
 *       p1: {from: 0.1, to: 0.9, step: 0.1}
 *       p2: [0.1, 0.5, 0.9]
 *
 * Every error message names the file, line and column and the key, says what was expected, and
 * suggests the closest valid key for a misspelt one.
 */
#include <stdint.h>
#include <stdio.h>

#include "netlearn/model.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nl_scenario nl_scenario;

typedef enum nl_until { NL_UNTIL_PERIODS = 0, NL_UNTIL_EQUILIBRIUM = 1 } nl_until;

/* An empty scenario (no model yet). NULL when out of memory. Free with nl_scenario_free. */
NL_API nl_scenario *nl_scenario_new(void);
NL_API void nl_scenario_free(nl_scenario *sc);
NL_API const char *nl_scenario_errmsg(const nl_scenario *sc);

/*
 * Load a scenario from a YAML file (path borrowed) or a string (text and name borrowed; name is
 * used in messages). Errors: NL_EIO (unreadable file), NL_EPARSE (malformed YAML), NL_EINVAL
 * (unknown model or key, wrong type), NL_ERANGE (value out of range), NL_EUNSUPPORTED (built
 * without YAML input files: nl_built_with("yaml"); so are the study, calibration and sensitivity
 * files). Cost: linear in the file.
 */
NL_API nl_status nl_scenario_load_file(nl_scenario *sc, const char *path);
NL_API nl_status nl_scenario_load_string(nl_scenario *sc, const char *text, const char *name);

/*
 * Override from the command line (`--set key=value`): any model parameter (bare name or
 * "parameters.NAME"), or replications, periods, seed, until. Same errors as loading.
 */
NL_API nl_status nl_scenario_set(nl_scenario *sc, const char *key, const char *value);
/* Check the constraints between parameters after a series of nl_scenario_set calls (each call
 * checks only its own value's type and range, so the order of overrides never matters).
 * Errors: NL_EINVAL naming the constraint. */
NL_API nl_status nl_scenario_validate(nl_scenario *sc);

/* The getters below accept NULL (then "<none>", "", NULL or 0) and a scenario not loaded yet. */
NL_API const char *nl_scenario_file(const nl_scenario *sc); /* file name or string name */
NL_API const char *nl_scenario_name(const nl_scenario *sc); /* the `name:` key, or the file's base name */
NL_API const char *nl_scenario_description(const nl_scenario *sc);
NL_API const nl_model *nl_scenario_model(const nl_scenario *sc);
NL_API const nl_params *nl_scenario_params(const nl_scenario *sc); /* borrowed */
NL_API nl_params *nl_scenario_params_mut(nl_scenario *sc);         /* borrowed */
NL_API long nl_scenario_replications(const nl_scenario *sc);
NL_API uint64_t nl_scenario_seed(const nl_scenario *sc);
NL_API nl_until nl_scenario_until(const nl_scenario *sc);
NL_API long nl_scenario_periods(const nl_scenario *sc); /* run length, or the cap for equilibrium */
NL_API int nl_scenario_series(const nl_scenario *sc);   /* write per-period series? */
NL_API long nl_scenario_every(const nl_scenario *sc);   /* record every k-th period */
/* Measures selected for output (indices into the model's measures); all when none listed.
 * nl_scenario_measure: (size_t)-1 for i out of range. */
NL_API size_t nl_scenario_nmeasures(const nl_scenario *sc);
NL_API size_t nl_scenario_measure(const nl_scenario *sc, size_t i);

/* ---- sweeps ------------------------------------------------------------------------------
 * The `sweep:` section lists factors (swept parameters). For a grid or one-factor-at-a-time
 * design each factor has a list of values (canonical text, validated against the model's
 * parameter table when the file is loaded); for a Latin hypercube each factor has a range.
 * `replications` applies to every design point. nl_design_build (netlearn/experiment.h)
 * expands the factors into design points.
 */
typedef enum nl_design_kind {
  NL_DESIGN_NONE = 0, /* no sweep: one design point, the scenario's parameters */
  NL_DESIGN_GRID,     /* full factorial: every combination of the factors' values */
  NL_DESIGN_LHS,      /* Latin hypercube: `points` points in the factors' ranges */
  NL_DESIGN_OFAT      /* one factor at a time around the base point (the scenario's parameters) */
} nl_design_kind;

NL_API nl_design_kind nl_scenario_design(const nl_scenario *sc);
NL_API const char *nl_design_kind_name(nl_design_kind k); /* "none", "grid", "lhs", "ofat" */
NL_API size_t nl_scenario_nfactors(const nl_scenario *sc);
/* Factor getters are checked: i (or j) out of range gives (size_t)-1, 0 values, NULL, a NaN range.
 * Parameter index (into the model's table) of factor i, in the order of the file. */
NL_API size_t nl_scenario_factor_param(const nl_scenario *sc, size_t i);
/* Values of factor i (grid, ofat): count and canonical text (borrowed). 0 for an LHS range. */
NL_API size_t nl_scenario_factor_nvalues(const nl_scenario *sc, size_t i);
NL_API const char *nl_scenario_factor_value(const nl_scenario *sc, size_t i, size_t j);
/* Range of factor i (lhs). */
NL_API void nl_scenario_factor_range(const nl_scenario *sc, size_t i, double *lo, double *hi);
/* Number of points of a Latin hypercube (0 for other designs). */
NL_API long nl_scenario_lhs_points(const nl_scenario *sc);
/* Design points before duplicates are merged (1 without a sweep); a double so that a huge grid
 * cannot overflow. O(factors). */
NL_API double nl_scenario_design_size(const nl_scenario *sc);

/* Write the fully resolved scenario as a JSON object (every parameter, defaults included). */
NL_API nl_status nl_scenario_write_json(const nl_scenario *sc, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
