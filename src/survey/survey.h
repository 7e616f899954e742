#ifndef NL_SURVEY_SURVEY_H
#define NL_SURVEY_SURVEY_H
/*
 * The virtual survey (docs/survey.md): at a chosen period, a random sample of
 * the simulated firms answers Likert items about five constructs. Each construct's value comes
 * from the firm's own coopnet row (a trait, a count over a window, a state), is standardized
 * across the sampled firms, and each item is loading * score + noise * sqrt(1 - loading^2) * e,
 * e ~ N(0, 1), cut into 1..7 at fixed thresholds of the standard normal. No construct's value
 * depends on another construct's value: the relations between constructs are the model's.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "netlearn/status.h"

enum { NL_SV_EXPLORE = 0, NL_SV_EXPLOIT, NL_SV_PRODINNO, NL_SV_PROCINNO, NL_SV_NETCOLLAB, NL_SV_NCON };
enum { NL_SV_MAXITEMS = 8, NL_SV_LIKERT = 7 };
/* What PROCINNO counts: every process improvement of the firm's code (default), those from
 * outside only (process co-innovation), or those from inside only. */
enum { NL_SV_PROC_TOTAL = 0, NL_SV_PROC_CO, NL_SV_PROC_INTERNAL };

typedef struct nl_survey_spec {
  long period;   /* survey at the end of this period */
  long window;   /* counts over periods (period - window, period] */
  long sample;   /* firms sampled without replacement */
  double noise;  /* multiplies every item's error sd sqrt(1 - loading^2); 1 = unit-variance items */
  double thr[NL_SV_LIKERT - 1]; /* increasing cut points of the standard normal */
  int use[NL_SV_NCON];           /* construct asked in the survey */
  size_t nitem[NL_SV_NCON];
  double load[NL_SV_NCON][NL_SV_MAXITEMS];
  double cnoise[NL_SV_NCON];     /* per-construct error multiplier (times noise) */
  int process;                   /* NL_SV_PROC_* */
} nl_survey_spec;

/* Defaults: period/window unset (0: the run's last period, half of it), 90 firms, noise 1,
 * thresholds -1.5 -1 -0.5 0.5 1 1.5, all five constructs with loadings 0.85 0.80 0.75 (EXPLORE and
 * NETCOLLAB a fourth item at 0.70). */
void nl_survey_spec_default(nl_survey_spec *sp);
/* "EXPLORE", ... (NULL out of range); index of a name or -1. */
const char *nl_survey_construct_name(int c);
int nl_survey_construct_find(const char *name);
/* What a construct measures, one line, for reports. */
const char *nl_survey_construct_doc(const nl_survey_spec *sp, int c);
/* Item name: lower-case construct name and a 1-based number: "explore1". */
void nl_survey_item_name(int c, size_t k, char *buf, size_t cap);
/* Items asked: the sum of nitem over used constructs, in construct order. */
size_t nl_survey_nitems(const nl_survey_spec *sp);

/* Construct value of one firm from its coopnet rows at the window's start (ra) and at the survey
 * period (rb), NL_CN_FIRM_NFIELDS values each. */
double nl_survey_value(const nl_survey_spec *sp, int c, const double *ra, const double *rb);

/*
 * Draw one survey from F firms' rows (a: window start, b: survey period; F x NL_CN_FIRM_NFIELDS
 * each, borrowed). Sampling uses the stream (seed, stream, NL_RNG_SURVEY, 0), item errors
 * (seed, stream, NL_RNG_SURVEY, 1), so replication r's survey depends only on (seed, r) and the
 * firms. Out: ids[sample] the sampled firms in increasing order; items column-major
 * (sample x nitems); latent[sample x NL_SV_NCON] the standardized construct scores (0 for a
 * construct without variance in the sample; *flat counts them). perm: F scratch entries.
 * Never allocates. Cost O(F + sample x nitems).
 */
void nl_survey_draw(const nl_survey_spec *sp, size_t F, const double *a, const double *b, uint64_t seed,
                    uint64_t stream, size_t *perm, size_t *ids, double *items, double *latent, int *flat);

#endif
