#ifndef NL_SURVEY_SURVEY_H
#define NL_SURVEY_SURVEY_H
/*
 * The virtual survey (docs/survey.md): at a chosen period, a random sample of a model's units
 * (coopnet's firms, lazer2007's agents, fang2010's individuals, any model with units: the units
 * callbacks of netlearn/model_api.h) answers Likert items about constructs. Each construct names
 * the unit field(s) behind it: its value is the field at the survey period, or its change over the
 * window (counts), summed over the fields named; it is standardized across the sampled units, and
 * each item is loading * score + noise * sqrt(1 - loading^2) * e, e ~ N(0, 1), cut into 1..7 at
 * fixed thresholds of the standard normal. No construct's value depends on another construct's
 * value: the relations between constructs are the model's.
 *
 * The default spec asks coopnet's five constructs (EXPLORE, EXPLOIT, PRODINNO, PROCINNO,
 * NETCOLLAB) from its firm fields; other models name their constructs and fields.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "netlearn/model.h"
#include "netlearn/run.h"
#include "netlearn/status.h"

/* The default constructs' slots; a spec holds up to NL_SV_NCON constructs (slots NL_SV_NDEFAULT.. are
 * named by the spec). */
enum { NL_SV_EXPLORE = 0, NL_SV_EXPLOIT, NL_SV_PRODINNO, NL_SV_PROCINNO, NL_SV_NETCOLLAB, NL_SV_NDEFAULT };
enum { NL_SV_NCON = 12, NL_SV_MAXITEMS = 8, NL_SV_LIKERT = 7, NL_SV_MAXTERMS = 4, NL_SV_NAMELEN = 32,
       NL_SV_FIELDLEN = 64 };
/* What coopnet's PROCINNO counts: every process improvement of the firm's code (default), those from
 * outside only (process co-innovation), or those from inside only. */
enum { NL_SV_PROC_TOTAL = 0, NL_SV_PROC_CO, NL_SV_PROC_INTERNAL };

typedef struct nl_survey_spec {
  long period;   /* survey at the end of this period */
  long window;   /* counts over periods (period - window, period] */
  long sample;   /* units sampled without replacement */
  double noise;  /* multiplies every item's error sd sqrt(1 - loading^2); 1 = unit-variance items */
  double thr[NL_SV_LIKERT - 1]; /* increasing cut points of the standard normal */
  size_t ncon;                   /* named construct slots (NL_SV_NDEFAULT by default) */
  char name[NL_SV_NCON][NL_SV_NAMELEN]; /* construct names ("EXPLORE") */
  int use[NL_SV_NCON];           /* construct asked in the survey */
  size_t nitem[NL_SV_NCON];
  double load[NL_SV_NCON][NL_SV_MAXITEMS];
  double cnoise[NL_SV_NCON];     /* per-construct error multiplier (times noise) */
  int process;                   /* NL_SV_PROC_*: coopnet's PROCINNO unless its fields are given */
  /* the fields behind each construct: summed; window: their change over the window */
  char field[NL_SV_NCON][NL_SV_MAXTERMS][NL_SV_FIELDLEN];
  size_t nfield[NL_SV_NCON];     /* 0: the default construct's coopnet fields */
  int window_of[NL_SV_NCON];
  /* set by nl_survey_spec_bind: row stride, field columns, a one-line description per construct */
  size_t stride;
  long col[NL_SV_NCON][NL_SV_MAXTERMS];
  size_t ncol[NL_SV_NCON];
  int bwindow[NL_SV_NCON];
  char doc[NL_SV_NCON][256];
} nl_survey_spec;

/* Defaults: period/window unset (0: the run's last period, half of it), 90 units, noise 1,
 * thresholds -1.5 -1 -0.5 0.5 1 1.5, coopnet's five constructs with loadings 0.85 0.80 0.75
 * (EXPLORE and NETCOLLAB a fourth item at 0.70). */
void nl_survey_spec_default(nl_survey_spec *sp);
/* A spec without constructs (add them with nl_survey_spec_add). */
void nl_survey_spec_empty(nl_survey_spec *sp);
/* Add construct `name` (a new slot, or the default slot of that name) asked with nitem loadings,
 * from nfield unit fields (0: a default construct's own fields), their change over the window when
 * `window`. Returns the slot, or -1 when the spec is full, the name is too long or given twice. */
int nl_survey_spec_add(nl_survey_spec *sp, const char *name, const double *load, size_t nitem,
                       const char *const *fields, size_t nfield, int window);
/*
 * Resolve every asked construct's fields against model m's units (field names -> columns; a
 * default construct without fields takes coopnet's, with `process` for PROCINNO). Errors
 * (NL_EINVAL, message in err naming the construct and the field, with a suggestion): the model has
 * no units, a field is unknown; *bad (may be NULL) is then the construct's slot, or -1 when the model
 * has no units. O(constructs x fields).
 */
nl_status nl_survey_spec_bind(nl_survey_spec *sp, const nl_model *m, int *bad, nl_errbuf *err);
/* Name of construct c ("EXPLORE"; NULL out of range or unnamed); slot of a name or -1. */
const char *nl_survey_construct_name(const nl_survey_spec *sp, int c);
int nl_survey_construct_find(const nl_survey_spec *sp, const char *name);
/* Index of a default construct name (EXPLORE ... NETCOLLAB) or -1. */
int nl_survey_default_find(const char *name);
/* What a construct measures, one line, for reports (after nl_survey_spec_bind). */
const char *nl_survey_construct_doc(const nl_survey_spec *sp, int c);
/* Item name: lower-case construct name and a 1-based number: "explore1". */
void nl_survey_item_name(const nl_survey_spec *sp, int c, size_t k, char *buf, size_t cap);
/* Items asked: the sum of nitem over used constructs, in construct order. */
size_t nl_survey_nitems(const nl_survey_spec *sp);

/* Construct value of one unit from its rows at the window's start (ra) and at the survey period
 * (rb), sp->stride values each (a bound spec). */
double nl_survey_value(const nl_survey_spec *sp, int c, const double *ra, const double *rb);

/*
 * Run a state of model m (made by its create, borrowed) as replication r with `seed` to the survey
 * period: the units' rows (sp->stride values each) at the window's start into a (NULL: not
 * wanted) and at the survey period into b, unit_count rows each. stop(user) (may be NULL) is
 * polled every NL_INTERRUPT_EVERY periods (NL_ECANCELED). Errors: the model's. Never allocates.
 */
nl_status nl_survey_simulate(const nl_survey_spec *sp, const nl_model *m, void *state, uint64_t seed, long r,
                             nl_interrupt_fn stop, void *user, double *a, double *b, nl_errbuf *err);

/*
 * Draw one survey from F units' rows (a: window start, b: survey period; F x sp->stride each,
 * borrowed; a bound spec). Sampling uses the stream (seed, stream, NL_RNG_SURVEY, 0), item errors
 * (seed, stream, NL_RNG_SURVEY, 1), so replication r's survey depends only on (seed, r) and the
 * units. Out: ids[sample] the sampled units in increasing order; items column-major
 * (sample x nitems); latent[sample x NL_SV_NCON] the standardized construct scores (0 for a
 * construct without variance in the sample or not asked; *flat counts the asked ones without
 * variance). perm: F scratch entries. Never allocates. Cost O(F + sample x nitems).
 */
void nl_survey_draw(const nl_survey_spec *sp, size_t F, const double *a, const double *b, uint64_t seed,
                    uint64_t stream, size_t *perm, size_t *ids, double *items, double *latent, int *flat);

/* The buffers of one surveyed replication, for nl_survey_simulate and nl_survey_draw: the F units'
 * rows at the window's start (a) and at the survey (b), perm, and the sample's ids, items, latent. */
typedef struct nl_survey_bufs {
  size_t F;
  double *a, *b, *items, *latent;
  size_t *perm, *ids;
} nl_survey_bufs;

/*
 * Allocate w's buffers (all NULL on entry) for the units of `state` (a state of model m, borrowed).
 * Errors: NL_ERANGE (the sample is larger than the units), NL_ENOMEM; w is then still freed by
 * nl_survey_bufs_free. O(F x stride + sample x nitems).
 */
nl_status nl_survey_bufs_alloc(nl_survey_bufs *w, const nl_survey_spec *sp, const nl_model *m, void *state,
                               nl_errbuf *err);
void nl_survey_bufs_free(nl_survey_bufs *w);

#endif
