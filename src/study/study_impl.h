#ifndef NL_STUDY_IMPL_H
#define NL_STUDY_IMPL_H
/*
 * The study handle seen from inside. One straight line, no file calling back into one that calls it:
 *   spec.c (load, check)       run.c (simulate, survey, estimate, aggregate: the compute phase)
 *     -> attribution.c (mechanism contrasts), power.c (surveys of other sizes)
 *     -> estimate.c (simulate to the survey, fit a survey)
 *     -> output.c (tables, manifest) and report.c (report.html): consumers of the results
 *   facts.c: the facts and small statistics every file above may use (calls nothing of the study).
 */
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "netlearn/experiment.h"
#include "netlearn/pls.h"
#include "netlearn/study.h"
#include "survey/survey.h"

enum { NL_STUDY_MAXHYP = 32, NL_STUDY_MAXCHAIN = 8 };
/* Power analysis (power.c): at most this many survey sizes, and economies pooled for one size. */
enum { NL_STUDY_MAXPOWER = 16, NL_STUDY_MAXECON = 64, NL_STUDY_MINSAMPLE = 10 };

typedef struct study_hyp {
  char id[32];
  char effect[256];   /* "A -> B" or "A -> M -> B" */
  char label[128];    /* free text from the file ("" = none) */
  int sign;           /* +1 / -1 */
  size_t chain[NL_STUDY_MAXCHAIN], len; /* constructs (indices in the PLS model) */
  int indirect;       /* len >= 3: a specific indirect effect */
  char loc[192];      /* "file:line:col" of the hypothesis in the study file */
  size_t index;       /* path index (direct) or specific chain index (indirect) */
} study_hyp;

/* Stylized facts evaluated per replication (docs/coopnet.md sections 1.1 and 4). */
enum {
  NL_FACT_X_PROD = 0,   /* 1a r(x, product co-innovation) */
  NL_FACT_PROD_STR,     /* 1b r(product co-innovation, tie strength) */
  NL_FACT_X_STR,        /* 1c r(x, tie strength) */
  NL_FACT_E_PROC,       /* 2a r(e, process innovation) */
  NL_FACT_E_STR,        /* 2b r(e, tie strength), expected negative */
  NL_FACT_SWITCH,       /* 3 explorative share after a switch - within a level */
  NL_FACT_KAPPA_PROD,   /* 5 r(kappa, product co-innovation) */
  NL_FACT_CAPABILITY,   /* 4 kappa growth with translation and amplification minus the larger without one */
  NL_FACT_FORMAL,       /* 6 co-innovation with both processes minus the larger with only one */
  NL_FACT_N
};

/* The unit fields the facts, contrasts, report and group column read (coopnet's firm fields, found
 * by name in the model's units: facts.c); a model without one of them has no facts (NaN). */
enum { SF_EXPLORE = 0, SF_EXPLOIT, SF_PROD_COINNO, SF_PROC_COINNO, SF_PROC_INNO, SF_STRENGTH, SF_KAPPA,
       SF_EXPLORATIVE, SF_EXPLOITATIVE, SF_EXPLOR_SW, SF_EXPLOIT_SW, SF_SIZE, SF_FORMAL, SF_N };

/* Contrast scenarios for facts 4 and 6 (docs/coopnet.md section 4): the design point with one
 * mechanism switched off, simulated to the survey period with the same seeds. */
enum { NL_CONTRAST_NO_TAU = 0, NL_CONTRAST_NO_ALPHA, NL_CONTRAST_NO_FORMAL, NL_CONTRAST_NO_INFORMAL, NL_CONTRAST_N };

/* Mechanism attribution (coopnet 2, attribution.c): the design point with one exploitation
 * mechanism switched off, simulated, surveyed and estimated with the same seeds. */
enum { NL_MECH_R = 0, NL_MECH_A, NL_MECH_M, NL_MECH_N, NL_MECH_COUNT };
typedef struct study_mech_info {
  const char *id, *name, *off; /* "R", "routine refinement", "rho = 0" */
  const char *params[2];       /* the parameters set to 0 (NULL-padded) */
} study_mech_info;

/* Everything one replication of one design point produced. */
typedef struct study_rep {
  nl_status st;
  char msg[512];
  size_t *ids;        /* sample */
  double *items;      /* sample x nitems, column-major */
  double *hyp;        /* H x 4: estimate, lo, hi, p */
  double *path;       /* P x 4 */
  double *spec;       /* S x 4 */
  double *rsq;        /* C */
  double *load;       /* I */
  double *rel;        /* C x 4: alpha, rho_a, rho_c, ave */
  double *htmt;       /* C x C */
  double facts[NL_FACT_N];
  /* mean kappa growth (kappa - kappa0) and co-innovation per firm (product + process, whole run)
   * at the survey period: [0] the study's scenario, [1 + c] contrast c */
  double kgrow[1 + NL_CONTRAST_N], coinno[1 + NL_CONTRAST_N];
  nl_status cst[NL_CONTRAST_N];
  char cmsg[NL_CONTRAST_N][256];
  /* attribution: facts and hypothesis estimates without mechanism k */
  double mfacts[NL_MECH_COUNT][NL_FACT_N];
  double *mhyp;       /* NL_MECH_COUNT x H */
  nl_status mst[NL_MECH_COUNT];
  char mmsg[NL_MECH_COUNT][320];
  double *series;     /* nrec x nmeas */
  double *firms;      /* F x sv.stride unit rows at the survey period */
  uint32_t *tu, *tv;  /* ties at the survey period */
  double *tw;
  size_t ntie;
  int flat;           /* constructs without variance in the sample */
  int converged;
  size_t boot_ok, boot_failed;
  double seconds;
  /* power analysis (power.c) */
  double *wstart;     /* F x sv.stride unit rows at the window start (kept only with power sizes) */
  double *pw;         /* npower x H x 4: estimate, lo, hi, p of each hypothesis on the size-k survey */
  nl_status pst;
  char pmsg[320];
} study_rep;

typedef struct study_point {
  study_rep *rep;     /* R */
  size_t F;
  long representative;
  nl_pls *rep_pls;    /* the representative replication's fit with its bootstrap (owned) */
  /* aggregated per hypothesis */
  long *nsup, *nest, *nopp; /* supported, estimated, significant with the opposite sign */
  double *hmean, *hsd, *hq05, *hmed, *hq95, *share;
  const char **verdict;
  /* power analysis, npower x H: replications supporting / estimated, mean estimate */
  long *pw_sup, *pw_est;
  double *pw_mean;
} study_point;

struct nl_study {
  nl_errbuf err;
  char *file;
  char *name, *description;
  nl_scenario *sc;
  nl_design *design;
  nl_survey_spec sv;
  long fcol[SF_N];    /* columns of the SF_* fields in a unit row, -1 when the model has none */
  int facts_ok;       /* every SF_* field found */
  int period_set, window_set;
  char loc_field[NL_SV_NCON][192]; /* "file:line:col" of each construct's field: key */
  char loc_period[192], loc_window[192], loc_sample[192], loc_sim[192];
  char *model_text;   /* lavaan text (NUL-terminated), padded so lines and columns match the file */
  char *model_source; /* name in messages */
  int model_default;
  nl_pls_model *pm;
  /* structure of the PLS model (from a check binding) */
  size_t C, I, P, S;
  char **cname, **iname;
  size_t *pfrom, *pto;
  size_t **schain, *slen;
  int *endo;
  study_hyp hyp[NL_STUDY_MAXHYP];
  size_t H;
  int hyp_default;
  long boot;
  double alpha, threshold;
  int ci_bca;
  int contrasts;      /* run the contrast scenarios (facts 4 and 6) */
  int attribution;    /* run the mechanism contrasts (contrasts and a model with coopnet 2's mechanisms) */
  long power[NL_STUDY_MAXPOWER]; /* survey sizes of the power analysis, increasing (analysis: power:) */
  size_t npower;
  char loc_power[192];
  nl_interrupt_fn interrupt; /* the running study's interrupt poll (from its config; may be NULL) */
  void *interrupt_user;
  /* results */
  int ran;
  size_t npoints;
  long R, nrec;
  long *rec_period;
  study_point *pt;
  double seconds;
};

/* default_study.c: examples/seed-study.yaml */
extern const char nl_study_seed_yaml[];

/* spec.c */
nl_status nl_study_check(nl_study *s);
void nl_study_free_results(nl_study *s);
const char *nl_study_default_model(const nl_survey_spec *sv, char *buf, size_t cap);

/* The model text as written, without the padding that keeps file positions (no leading or
 * trailing blank lines, common indentation removed). Caller frees; NULL when out of memory. */
char *nl_study_model_display(const nl_study *s);

/* output.c: every table (not the report, not the manifest) */
nl_status nl_study_write_outputs(nl_study *s, const char *dir);
/* output.c: manifest.json, written last */
nl_status nl_study_write_manifest(nl_study *s, const char *dir, const nl_study_config *cfg);
/* report.c */
nl_status nl_study_write_report(nl_study *s, const char *dir, const nl_study_config *cfg);

/* Stylized facts: descriptions and their summary across replications (facts.c). */
typedef struct study_fact_info {
  const char *id, *seed, *claim, *statistic;
  int sign; /* expected sign */
} study_fact_info;
const study_fact_info *nl_study_fact(int k);
typedef struct study_fact_sum {
  long n, right;
  double mean, sd, lo, hi;
  const char *verdict; /* "holds", "weak", "absent", "opposite" */
} study_fact_sum;
void nl_study_fact_summary(const nl_study *s, size_t pi, int k, study_fact_sum *out);
/* Estimate and bootstrap the PLS model on one survey (items: sample x nitems, column-major) of
 * replication r (the bootstrap stream). *converged: 0 when the weights did not converge (the
 * estimate is still used). Caller frees *out (also on failure). Thread-safe. */
nl_status nl_study_estimate(const nl_study *s, const double *items, long r, int bootstrap, nl_pls **out,
                            int *converged, nl_errbuf *err);
/* The same on a survey of N rows (items: N x nitems, column-major) with the bootstrap stream
 * (seed, stream, NL_RNG_BOOTSTRAP, b): the power surveys (power.c) use their own streams. */
nl_status nl_study_estimate_n(const nl_study *s, const double *items, size_t N, uint64_t stream, int bootstrap,
                              nl_pls **out, int *converged, nl_errbuf *err);
/* Hypothesis h's bootstrap result in a bootstrapped fit: o = estimate, lo, hi, p (NaN when missing). */
void nl_study_hyp_boot(const nl_study *s, nl_pls *p, size_t h, double o[4]);
/* The verdict rule of one replication: o = estimate, lo, hi (as nl_study_hyp_boot) supports a
 * hypothesis of the given sign when the estimate has that sign and the interval excludes zero. */
static inline int nl_study_supports(int sign, const double *o) {
  return sign > 0 ? (o[0] > 0 && o[1] > 0) : (o[0] < 0 && o[2] < 0);
}
/* Facts of one replication from the firm rows at the window start (a) and the survey period (b),
 * all F firms; x, y: F scratch values each (facts.c). */
void nl_study_facts(const nl_study *s, double *out, size_t F, const double *a, const double *b, double *x, double *y);
/* Find the SF_* fields in model m's units (facts.c). */
void nl_study_bind_fields(nl_study *s, const nl_model *m);

/* power.c: the share of replications supporting each hypothesis per survey size (docs/study.md) */
/* Economies pooled for survey size n of a point with F firms: ceil(n / F). */
size_t nl_study_power_economies(long n, size_t F);
/* Replication r of point pi: every power survey (writes only its own slots). */
void nl_study_run_power(nl_study *s, size_t pi, long r);
nl_status nl_study_power_aggregate(nl_study *s);

/* attribution.c (nl_study_simulate_rows and nl_study_hyp_estimate: estimate.c) */
const study_mech_info *nl_study_mech(int k);
int nl_study_has_mechanisms(const nl_study *s);
/* Non-zero when the running study was asked to stop (its interrupt poll; thread-safe). */
int nl_study_stop_requested(const nl_study *s);
/* Simulates parameters pc for replication r to the survey period: firm rows (F each) at the window
 * start into a (NULL: not wanted) and at the survey period into b. */
nl_status nl_study_simulate_rows(const nl_study *s, const nl_params *pc, long r, double *a, double *b, size_t F,
                                 nl_errbuf *err);
/* The same on a created state of model m, with the streams (seed, r) and the interrupt poll stop
 * (may be NULL) given: the firms' rows (the model's unit_count, sv.stride values each) into a (may be NULL) and b. */
nl_status nl_study_simulate_state(const nl_study *s, const nl_model *m, void *state, uint64_t seed, long r,
                                  nl_interrupt_fn stop, void *stop_user, double *a, double *b, nl_errbuf *err);
/* Replication r of point pi without mechanism k (writes only its own slots). */
void nl_study_run_mechanism(nl_study *s, size_t pi, long r, int k);
/* The estimate of hypothesis h in a fitted model (path, or specific indirect effect). */
double nl_study_hyp_estimate(const nl_study *s, const nl_pls *p, size_t h);
/* Quantities of the attribution matrix: 0 = fact 2a, 1 = fact 2b, 2 + h = hypothesis h. */
size_t nl_study_attr_nquantities(const nl_study *s);
const char *nl_study_attr_quantity(const nl_study *s, size_t q, char *buf, size_t cap);
typedef struct study_attr_sum {
  long n;                                   /* replications with both values */
  double full, removed, change, lo, hi;     /* means; change = without - with, paired 95% t interval */
} study_attr_sum;
void nl_study_attr_summary(const nl_study *s, size_t pi, int k, size_t q, study_attr_sum *o);

/* helpers shared by run.c, output.c and report.c (facts.c) */
double nl_study_quantile(const double *sorted, size_t n, double q); /* R type 7 */
double nl_study_pearson(const double *x, const double *y, size_t n);
const char *nl_study_fact_name(int k);

#endif
