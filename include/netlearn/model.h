#ifndef NETLEARN_MODEL_H
#define NETLEARN_MODEL_H
/*
 * Models and their parameters.
 *
 * Every simulation model (march1991, fang2010, lazer2007, coopnet, ...) is a module behind one
 * interface and describes itself with a parameter table (name, type, default, range, doc) and a
 * measure table. The tables drive scenario parsing, validation, `netlearn models`, sweeps and
 * the documentation. Model descriptors are static: never freed.
 */
#include <stddef.h>
#include <stdint.h>

#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nl_param_type {
  NL_PARAM_INT,    /* integer in [min, max] */
  NL_PARAM_REAL,   /* real in [min, max] */
  NL_PARAM_BOOL,   /* true/false */
  NL_PARAM_CHOICE, /* one of a fixed list of names */
  NL_PARAM_STRING  /* free text, e.g. a file name ("" = unset) */
} nl_param_type;

typedef struct nl_param_desc {
  const char *name;            /* the paper's notation, e.g. "p1" */
  nl_param_type type;
  double def;                  /* INT/REAL/BOOL default; CHOICE: index into choices */
  double min, max;             /* inclusive range for INT/REAL */
  const char *const *choices;  /* CHOICE: NULL-terminated list of names; else NULL */
  const char *def_str;         /* STRING default; else NULL */
  const char *doc;             /* one-line meaning, with the source */
  const char *alias;           /* an older name still accepted in scenarios, --set and specs (NULL: none);
                                  outputs use `name` */
} nl_param_desc;

typedef struct nl_measure_desc {
  const char *name; /* e.g. "code_knowledge" */
  const char *doc;
} nl_measure_desc;

typedef struct nl_model nl_model; /* static model descriptor */

/* Registry. O(number of models). */
/* Getters are checked (issue 19): a NULL model gives NULL (names, descriptors), 0 (counts) and -1
 * (indices); an index out of range NULL; a NULL or unknown name -1 (index) or NULL (suggest). */
NL_API size_t nl_model_count(void);
NL_API const nl_model *nl_model_at(size_t i);         /* NULL if i is out of range */
NL_API const nl_model *nl_model_find(const char *name); /* NULL if unknown */
/* Closest registered model name to a misspelt one, or NULL (also for NULL). */
NL_API const char *nl_model_suggest(const char *name);

NL_API const char *nl_model_name(const nl_model *m);
NL_API const char *nl_model_title(const nl_model *m);   /* one line: "March (1991) mutual learning" */
NL_API const char *nl_model_doc(const nl_model *m);     /* a paragraph: what it is, sources */
NL_API size_t nl_model_nparams(const nl_model *m);
NL_API const nl_param_desc *nl_model_param(const nl_model *m, size_t i); /* NULL if out of range */
NL_API long nl_model_param_index(const nl_model *m, const char *name);   /* -1 if unknown */
/* Closest parameter name to a misspelt one, or NULL. */
NL_API const char *nl_model_param_suggest(const nl_model *m, const char *name);
NL_API size_t nl_model_nmeasures(const nl_model *m);
NL_API const nl_measure_desc *nl_model_measure(const nl_model *m, size_t i);
NL_API long nl_model_measure_index(const nl_model *m, const char *name); /* -1 if unknown */
/* Units (netlearn/model_api.h): what one unit is ("firm", "agent"), NULL for a model without
 * units; the fields of a unit's row, by index (NULL out of range) or by name (-1 if unknown). */
NL_API const char *nl_model_unit_name(const nl_model *m);
NL_API size_t nl_model_nunit_fields(const nl_model *m);
NL_API const char *nl_model_unit_field(const nl_model *m, size_t i);
NL_API long nl_model_unit_field_index(const nl_model *m, const char *name);
/* Closest unit field name to a misspelt one, or NULL. */
NL_API const char *nl_model_unit_field_suggest(const nl_model *m, const char *name);

/* ---- parameter values ----------------------------------------------------------------- */

typedef struct nl_params nl_params; /* values of one model's parameters */

/* New parameter set with every default. Returns NULL when out of memory. Caller frees. */
NL_API nl_params *nl_params_new(const nl_model *m);
/* Deep copy; NULL when out of memory or p is NULL. Caller frees. */
NL_API nl_params *nl_params_clone(const nl_params *p);
NL_API void nl_params_free(nl_params *p);
NL_API const nl_model *nl_params_model(const nl_params *p); /* NULL for NULL */

/*
 * Set parameter `name` from text ("0.5", "true", "original", a file name), checking its type and
 * range. Errors: NL_EINVAL (unknown name, with a suggestion; wrong type), NL_ERANGE (out of range).
 * The message is available from nl_params_errmsg. O(number of parameters).
 */
NL_API nl_status nl_params_set_text(nl_params *p, const char *name, const char *text);
/* Set a numeric parameter (INT must be integral, BOOL 0/1, CHOICE an index). Same errors. */
NL_API nl_status nl_params_set_number(nl_params *p, const char *name, double value);
/* Check the constraints between parameters (e.g. a share times n is an integer). */
NL_API nl_status nl_params_validate(nl_params *p);

/* Values by parameter index (see nl_model_param). Numbers for INT/REAL/BOOL/CHOICE. Checked: a NULL
 * p or i >= nl_model_nparams gives NaN (get), NULL (get_string), "" (format), 0 (is_set). O(1). */
NL_API double nl_params_get(const nl_params *p, size_t i);
/* STRING value, or the CHOICE name; NULL for other types. Borrowed. */
NL_API const char *nl_params_get_string(const nl_params *p, size_t i);
/* Canonical text of a value ("0.1", "50", "true", "original"), as written to manifests. */
NL_API void nl_params_format(const nl_params *p, size_t i, char *buf, size_t cap);
/* Whether the value was set explicitly (scenario or --set) rather than left at its default. */
NL_API int nl_params_is_set(const nl_params *p, size_t i);
NL_API const char *nl_params_errmsg(const nl_params *p);

/* ---- one simulation ---------------------------------------------------------------------- */

typedef struct nl_sim nl_sim; /* one instance of a model, reused across replications */

/*
 * Create a simulation of `params`' model (params borrowed; the sim keeps a copy). Allocates all
 * the memory every later period needs: nothing is allocated by nl_sim_reset or nl_sim_step.
 * Returns NULL only when out of memory; otherwise check nl_sim_status / nl_sim_errmsg.
 */
NL_API nl_sim *nl_sim_new(const nl_params *params);
NL_API void nl_sim_free(nl_sim *s);
NL_API nl_status nl_sim_status(const nl_sim *s); /* NL_ENOMEM for NULL (nl_sim_new ran out of memory) */
NL_API const char *nl_sim_errmsg(const nl_sim *s);
/* Start replication `replication` with scenario seed `seed`: the initial state depends only on these. */
NL_API nl_status nl_sim_reset(nl_sim *s, uint64_t seed, uint64_t replication);
/* Advance one period. */
NL_API nl_status nl_sim_step(nl_sim *s);
/* Periods run since the last reset; -1 for NULL. */
NL_API long nl_sim_period(const nl_sim *s);
/* Write the current value of every measure (nl_model_nmeasures values) into out. Not const: models
 * compute their measures when observed, in the sim's scratch space (so unrecorded periods cost
 * nothing), hence never observe one sim from two threads at once. Cost: the model's measures,
 * O(agents x beliefs) for the built-in models. */
NL_API void nl_sim_observe(nl_sim *s, double *out);
/* 1 when the model is at an absorbing equilibrium (nothing can change any more), else 0. Not const
 * for the same reason as nl_sim_observe (fang2010 counts votes in the sim's scratch space). 0 for a
 * NULL sim or one that failed to create. */
NL_API int nl_sim_at_equilibrium(nl_sim *s);
/* Units of the current state (0 for a model without units or a sim that failed to create). */
NL_API size_t nl_sim_units(const nl_sim *s);
/* Row of unit u < nl_sim_units into out[nl_model_nunit_fields]; u out of range fills it with NaN
 * (nothing for a NULL sim or out). Not const for the same reason as nl_sim_observe (coopnet
 * measures a firm's members in the sim's scratch space). No allocation. */
NL_API void nl_sim_unit_row(nl_sim *s, size_t u, double *out);
/* Ties between units: writes min(cap, count) (from, to, weight) and returns the count (0 when
 * the model has no ties, and for a NULL sim); cap 0 sizes the arrays. Cost: the model's, typically
 * O(ties). */
NL_API size_t nl_sim_unit_ties(const nl_sim *s, uint32_t *from, uint32_t *to, double *weight, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
