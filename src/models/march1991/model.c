/*
 * march1991: March (1991) "Exploration and exploitation in organizational learning",
 * Organization Science 2(1), mutual learning model. See docs/march1991.md.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/limits.h"
#include "core/model_impl.h"
#include "models/march1991/march.h"

static const char *const variants[] = {"original", "paper", NULL};

enum { P_VARIANT, P_M, P_N, P_P1, P_P2, P_P3, P_P4, P_FAST_SHARE, P_P1_FAST, P_COUNT };

static const nl_param_desc params[P_COUNT] = {
    [P_VARIANT] = {"variant", NL_PARAM_CHOICE, 0, 0, 0, variants, NULL,
                   "original: March's program (coin flips on doubt, gradual socialization, superior group by "
                   "performance; Rodan 2005, Christensen 2015); paper: the text (immediate socialization, "
                   "superior group by knowledge)"},
    [P_M] = {"m", NL_PARAM_INT, 30, 1, 1e6, NULL, NULL, "number of dimensions of reality (March: m = 30)"},
    [P_N] = {"n", NL_PARAM_INT, 50, 1, 1e7, NULL, NULL, "number of individuals (March: n = 50)"},
    [P_P1] = {"p1", NL_PARAM_REAL, 0.1, 0, 1, NULL, NULL,
              "socialization rate: probability per period and dimension that an individual's belief moves "
              "toward a non-zero code"},
    [P_P2] = {"p2", NL_PARAM_REAL, 0.5, 0, 1, NULL, NULL,
              "code learning rate: the code adopts the superior group's majority with probability "
              "1-(1-p2)^k, k the majority margin"},
    [P_P3] = {"p3", NL_PARAM_REAL, 0, 0, 1, NULL, NULL,
              "turnover: probability per period that an individual is replaced by a newcomer with random beliefs"},
    [P_P4] = {"p4", NL_PARAM_REAL, 0, 0, 1, NULL, NULL,
              "turbulence: probability per period that each dimension of reality flips"},
    [P_FAST_SHARE] = {"fast_share", NL_PARAM_REAL, 0, 0, 1, NULL, NULL,
                      "share of fast learners (socialization rate p1_fast); the others learn at p1 "
                      "(March's Figure 2: p1 = 0.1, p1_fast = 0.9)"},
    [P_P1_FAST] = {"p1_fast", NL_PARAM_REAL, 0.9, 0, 1, NULL, NULL, "socialization rate of the fast learners"},
};

enum { M_CODE, M_IND, M_DIV, M_SUP, M_COUNT };
static const nl_measure_desc measures[M_COUNT] = {
    [M_CODE] = {"code_knowledge", "March's knowledge score of the organizational code (right minus wrong, over m)"},
    [M_IND] = {"individual_knowledge", "mean knowledge score of the individuals"},
    [M_DIV] = {"diversity", "mean share of dimensions on which two individuals' beliefs differ, over all pairs"},
    [M_SUP] = {"superior_size", "number of individuals in this period's superior group"},
};

typedef struct state {
  nl_march_org org;
  uint64_t *rpos;
  nl_march_variant variant;
  double p3, p4;
  nl_rng dyn;
} state;

/* Share of fast learners as a count of individuals: must be a whole number of people. */
static size_t fast_count(const nl_params *p) {
  return (size_t)llround(nl_params_get(p, P_FAST_SHARE) * nl_params_get(p, P_N));
}

static nl_status validate(const nl_params *p, nl_errbuf *err) {
  double share = nl_params_get(p, P_FAST_SHARE), n = nl_params_get(p, P_N);
  double k = share * n;
  if (fabs(k - floor(k + 0.5)) > 1e-9)
    return nl_err(err, NL_EINVAL,
                  "parameter 'fast_share' = %g times n = %g is %g individuals: it must be a whole number", share, n, k);
  /* Beliefs: two bit planes of ceil(m/64) words per individual. */
  double m = nl_params_get(p, P_M);
  return nl_check_state_bytes(err, n * ceil(m / 64) * 16, "m = %.0f dimensions x n = %.0f individuals", m, n);
}

static void destroy(void *sp) {
  state *s = sp;
  if (!s) return;
  nl_march_org_free(&s->org);
  nl_free(s->rpos);
  nl_free(s);
}

static nl_status create(void **out, const nl_params *p, nl_errbuf *err) {
  state *s = nl_calloc(1, sizeof *s);
  if (!s) return nl_err(err, NL_ENOMEM, "out of memory");
  size_t m = (size_t)nl_params_get(p, P_M), n = (size_t)nl_params_get(p, P_N);
  if (nl_march_org_alloc(&s->org, m, n)) goto nomem;
  s->rpos = nl_calloc(nl_words(m), sizeof(uint64_t));
  if (!s->rpos) goto nomem;
  s->variant = (nl_march_variant)nl_params_get(p, P_VARIANT);
  s->p3 = nl_params_get(p, P_P3);
  s->p4 = nl_params_get(p, P_P4);
  nl_march_org_rates(&s->org, nl_params_get(p, P_P1), nl_params_get(p, P_P1_FAST), fast_count(p),
                     nl_params_get(p, P_P2));
  *out = s;
  return NL_OK;
nomem:
  destroy(s);
  return nl_err(err, NL_ENOMEM, "out of memory for m = %zu, n = %zu", m, n);
}

static nl_status reset(void *sp, uint64_t seed, uint64_t rep, nl_errbuf *err) {
  (void)err;
  state *s = sp;
  nl_rng init;
  nl_rng_init(&init, seed, rep, NL_RNG_INIT, 0);
  nl_reality_random(&init, s->rpos, s->org.m);
  nl_march_org_randomize(&s->org, &init);
  nl_rng_init(&s->dyn, seed, rep, NL_RNG_DYNAMICS, 0);
  return NL_OK;
}

static nl_status step(void *sp, nl_errbuf *err) {
  (void)err;
  state *s = sp;
  nl_march_turnover(&s->org, &s->dyn, s->p3);
  nl_march_turbulence(s->rpos, s->org.m, &s->dyn, s->p4);
  nl_march_act(&s->org, &s->dyn, s->rpos, s->variant);
  nl_march_socialize(&s->org, &s->dyn, s->variant);
  nl_march_code_learn(&s->org, &s->dyn, s->variant);
  return NL_OK;
}

static void observe(void *sp, double *out) {
  state *s = sp;
  nl_march_measures mm;
  nl_march_measure(&s->org, s->rpos, &mm);
  out[M_CODE] = mm.code_knowledge;
  out[M_IND] = mm.individual_knowledge;
  out[M_DIV] = mm.diversity;
  out[M_SUP] = (double)s->org.superior;
}

static int at_equilibrium(void *sp) {
  const state *s = sp;
  if (s->p3 > 0 || s->p4 > 0) return 0; /* turnover and turbulence never settle */
  return nl_march_at_equilibrium(&s->org, s->rpos, s->variant);
}

const nl_model nl_model_march1991 = {
    .version = NL_MODEL_API_VERSION,
    .name = "march1991",
    .title = "March (1991) mutual learning: exploration and exploitation in organizational learning",
    .doc = "An organizational code and n individuals hold beliefs about an m-dimensional reality; individuals "
           "are socialized to the code (p1) and the code learns from the individuals who outperform it (p2). "
           "Slow socialization preserves diversity and raises the code's equilibrium knowledge. Variant "
           "'original' follows March's program as documented by Rodan (2005) and Christensen (2015) and "
           "reproduces the paper's figures; 'paper' follows the text. Turnover (p3) and turbulence (p4) as in "
           "the paper's later sections. Source: March, J.G. (1991) Organization Science 2(1):71-87.",
    .params = params,
    .nparams = P_COUNT,
    .measures = measures,
    .nmeasures = M_COUNT,
    .validate = validate,
    .create = create,
    .reset = reset,
    .step = step,
    .observe = observe,
    .at_equilibrium = at_equilibrium,
    .destroy = destroy,
};
