#ifndef NETLEARN_MODEL_API_H
#define NETLEARN_MODEL_API_H
/*
 * The model interface: what a model is to netlearn, for models defined outside the library.
 *
 * A model is a constant `nl_model` (parameter table, measure table, callbacks) registered once
 * with nl_model_register(); scenarios then name it (`model: <name>`) and the experiment engine,
 * sweeps, results.db, `netlearn models` and the virtual survey treat it as they treat the
 * built-in models, which are defined the same way (src/models/<name>/). The struct is led by
 * `version` (as SQLite's sqlite3_module.iVersion): fields are only ever appended, a later
 * interface version adds fields after the last one, and the library reads no field beyond those
 * of the version the model declares. examples/api/diffusion.c is a complete, small model.
 *
 * Contract of the callbacks (each gets the state its model's create() made):
 * - create allocates everything later periods need; reset and step never allocate;
 * - reset(seed, replication) fixes the whole initial state from these two numbers alone and
 *   step draws its randomness from state seeded there, so a replication's results do not depend
 *   on the thread count or the order of runs (netlearn runs replications on several threads, one
 *   state per thread; callbacks on different states may run at the same time);
 * - callbacks never print and never exit: they return an nl_status and format a message with
 *   nl_model_error().
 */
#include <stddef.h>
#include <stdint.h>

#include "netlearn/export.h"
#include "netlearn/model.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The interface version this header describes. Version 1: tables, the run callbacks, units. */
#define NL_MODEL_API_VERSION 1

#define NL_ERRMSG_MAX 1024
/* A message buffer handed to a model's callbacks (and filled by nl_model_register). */
typedef struct nl_errbuf {
  char msg[NL_ERRMSG_MAX];
} nl_errbuf;

/*
 * A model. Required: version, name, title, doc, the tables, create, reset, step, observe, destroy.
 * validate: cross-parameter checks (NULL = none). create allocates a state for the parameters
 * (read with nl_params_get / nl_params_get_string); reset sets the initial state of replication
 * `replication` from (seed, replication) only; step runs one period; observe writes the measures
 * (may use the state's scratch space, hence not const; measures are computed only when recorded);
 * at_equilibrium: absorbing state reached (NULL = never; may use the scratch space too, so not const);
 * unit_row likewise may use the scratch space (coopnet's does), so it is not const either;
 * destroy frees what create made.
 * Units (optional: unit_name, unit_fields, nunit_fields, unit_count and unit_row all set, or none):
 * the individuals, agents or firms of a state, each described by one row of numbers, for the
 * virtual survey (a survey's construct names the field behind it) and per-unit outputs; counts in
 * a row are cumulative since the reset, so a window is the difference of two rows. unit_ties
 * (optional): writes min(cap, count) ties (from, to, weight; from < to for undirected ties) and
 * returns their count, so a call with cap 0 sizes the arrays.
 */
struct nl_model {
  int version;                     /* NL_MODEL_API_VERSION it was written against; always first */
  const char *name;                /* registry name: lower-case letters, digits, '_' (`model:`) */
  const char *title;               /* one line */
  const char *doc;                 /* a paragraph: what it is, its sources */
  const nl_param_desc *params;     /* nparams entries; names unique */
  size_t nparams;
  const nl_measure_desc *measures; /* nmeasures entries; names unique */
  size_t nmeasures;
  nl_status (*validate)(const nl_params *p, nl_errbuf *err);
  nl_status (*create)(void **state, const nl_params *p, nl_errbuf *err);
  nl_status (*reset)(void *state, uint64_t seed, uint64_t replication, nl_errbuf *err); /* no allocation */
  nl_status (*step)(void *state, nl_errbuf *err);                                      /* no allocation */
  void (*observe)(void *state, double *out);                                           /* out[nmeasures] */
  int (*at_equilibrium)(void *state);
  void (*destroy)(void *state);
  const char *unit_name;           /* what one unit is, singular: "firm", "agent" */
  const char *const *unit_fields;  /* nunit_fields names of a row's values; unique */
  size_t nunit_fields;
  size_t (*unit_count)(const void *state);
  void (*unit_row)(void *state, size_t u, double *out); /* u < unit_count; out[nunit_fields]; no allocation */
  size_t (*unit_ties)(const void *state, uint32_t *from, uint32_t *to, double *weight, size_t cap);
};

/*
 * Format a callback's message into err and return st (for `return nl_model_error(err, ...)`).
 * The message is cut at NL_ERRMSG_MAX - 1 bytes. Cost O(length).
 */
NL_API nl_status nl_model_error(nl_errbuf *err, nl_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/*
 * Check a model descriptor as nl_model_register does, without registering it (the same checks
 * every built-in model passes): the version is one this library supports; the name is non-empty
 * lower-case letters, digits and '_'; create, reset, step, observe and destroy are set; every
 * parameter has a unique name, a known type, a doc line, a finite range min <= max and a default
 * in its range (integral for INT, 0/1 for BOOL, a valid index into a non-empty NULL-terminated
 * list for CHOICE); measures have unique names; the units are all given or all absent, with
 * unique field names. err (may be NULL) gets the first problem, naming the model and the entry.
 * Errors: NL_EINVAL. Cost O(nparams^2 + nmeasures^2 + nunit_fields^2).
 */
NL_API nl_status nl_model_check(const nl_model *m, nl_errbuf *err);

/*
 * Add a model defined outside the library to the registry (m borrowed: it must outlive every
 * use, typically a static constant). After this, nl_model_find(m->name) returns it and scenarios
 * may name it. Errors: NL_EINVAL (m NULL, or nl_model_check fails: wrong interface version, bad
 * tables, missing callbacks), NL_EEXIST (a model of that name is already registered, built-in
 * or not), NL_ERANGE (more than NL_MODEL_MAX_REGISTERED models registered). The message is in
 * err (may be NULL). Registering is process-wide and not thread-safe: register before starting
 * threads that look models up. Cost O(checks + number of models).
 */
#define NL_MODEL_MAX_REGISTERED 32
NL_API nl_status nl_model_register(const nl_model *m, nl_errbuf *err);

#ifdef __cplusplus
}
#endif
#endif
