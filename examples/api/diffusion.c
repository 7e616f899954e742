/*
 * diffusion: an example of a model defined outside netlearn (netlearn/model_api.h), registered at
 * run time with nl_model_register(&nl_example_diffusion, &err) and then used like a built-in
 * model: `model: diffusion` in a scenario, sweeps, results.db, the virtual survey of its agents.
 *
 * Bass (1969) diffusion on a ring: n agents, each tied to its k nearest neighbours on either side.
 * Agent i has an innovativeness u_i ~ U(0, 1) drawn at the reset; in a period a non-adopter adopts
 * with probability min(1, 2 p u_i + q a_i / (2k)), a_i its neighbours that had adopted at the start
 * of the period (innovation at mean rate p, imitation at rate q). With q = 0 the expected share
 * of adopters after t periods is 1 - (1 - (1 - 2p)^(t+1)) / (2p (t+1)) (the mean of
 * 1 - (1 - 2 p u)^t over u), which tests/api checks.
 *
 * It uses nothing but the public headers, so it builds against an installed netlearn:
 *   cc -c diffusion.c $(pkg-config --cflags netlearn)
 * Randomness: a splitmix64 generator seeded from (seed, replication) at the reset, so every
 * replication depends on those two numbers only (the interface's reproducibility contract).
 */
#include "diffusion.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { P_N, P_K, P_P, P_Q, P_COUNT };
static const nl_param_desc params[P_COUNT] = {
    [P_N] = {"n", NL_PARAM_INT, 200, 3, 1e6, NULL, NULL, "number of agents"},
    [P_K] = {"k", NL_PARAM_INT, 2, 1, 1e5, NULL, NULL, "neighbours on either side of an agent on the ring"},
    [P_P] = {"p", NL_PARAM_REAL, 0.01, 0, 0.5, NULL, NULL,
             "innovation: mean probability per period of adopting on one's own (Bass's p)"},
    [P_Q] = {"q", NL_PARAM_REAL, 0.3, 0, 1, NULL, NULL,
             "imitation: adoption probability per period when every neighbour has adopted (Bass's q)"},
};

enum { M_ADOPTED, M_NEW, M_COUNT };
static const nl_measure_desc measures[M_COUNT] = {
    [M_ADOPTED] = {"adopted", "share of agents that have adopted"},
    [M_NEW] = {"new_adopters", "share of agents that adopted in the last period"},
};

/* A unit is an agent: its trait, its state and counts since the reset. */
enum { F_ID, F_INNOVATIVENESS, F_ADOPTED, F_ADOPTION_PERIOD, F_NEIGHBOURS_ADOPTED, F_EXPOSURE, F_COUNT };
static const char *const fields[F_COUNT] = {
    [F_ID] = "agent",
    [F_INNOVATIVENESS] = "innovativeness",     /* u_i */
    [F_ADOPTED] = "adopted",                   /* 0/1 */
    [F_ADOPTION_PERIOD] = "adoption_period",   /* period of adoption, 0 = not yet */
    [F_NEIGHBOURS_ADOPTED] = "neighbours_adopted",
    [F_EXPOSURE] = "exposure",                 /* adopted neighbours summed over the periods run */
};

typedef struct state {
  size_t n, k;
  double p, q;
  uint64_t rng;
  long period;
  double *u;
  unsigned char *adopted, *next;
  long *when;
  double *exposure;
  size_t nadopted, nnew;
} state;

/* splitmix64: a small, well-mixed generator; the state is one 64-bit word. */
static uint64_t next_u64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}
static double uniform(uint64_t *x) { return (double)(next_u64(x) >> 11) * 0x1.0p-53; }

static nl_status validate(const nl_params *p, nl_errbuf *err) {
  double n = nl_params_get(p, P_N), k = nl_params_get(p, P_K);
  if (2 * k >= n)
    return nl_model_error(err, NL_EINVAL, "diffusion: 2k = %.0f neighbours need at least %.0f agents (n = %.0f)",
                          2 * k, 2 * k + 1, n);
  return NL_OK;
}

static void destroy(void *sp) {
  state *s = sp;
  if (!s) return;
  free(s->u);
  free(s->adopted);
  free(s->next);
  free(s->when);
  free(s->exposure);
  free(s);
}

static nl_status create(void **out, const nl_params *p, nl_errbuf *err) {
  state *s = calloc(1, sizeof *s);
  *out = NULL;
  if (!s) return nl_model_error(err, NL_ENOMEM, "out of memory");
  s->n = (size_t)nl_params_get(p, P_N);
  s->k = (size_t)nl_params_get(p, P_K);
  s->p = nl_params_get(p, P_P);
  s->q = nl_params_get(p, P_Q);
  s->u = malloc(s->n * sizeof *s->u);
  s->adopted = malloc(s->n);
  s->next = malloc(s->n);
  s->when = malloc(s->n * sizeof *s->when);
  s->exposure = malloc(s->n * sizeof *s->exposure);
  if (!s->u || !s->adopted || !s->next || !s->when || !s->exposure) {
    destroy(s);
    return nl_model_error(err, NL_ENOMEM, "out of memory");
  }
  *out = s;
  return NL_OK;
}

static nl_status reset(void *sp, uint64_t seed, uint64_t replication, nl_errbuf *err) {
  (void)err;
  state *s = sp;
  uint64_t key = seed;
  s->rng = next_u64(&key) ^ replication; /* a distinct, well-mixed start per (seed, replication) */
  next_u64(&s->rng);
  for (size_t i = 0; i < s->n; i++) s->u[i] = uniform(&s->rng);
  memset(s->adopted, 0, s->n);
  memset(s->when, 0, s->n * sizeof *s->when);
  memset(s->exposure, 0, s->n * sizeof *s->exposure);
  s->period = 0;
  s->nadopted = s->nnew = 0;
  return NL_OK;
}

static size_t neighbours_adopted(const state *s, size_t i) {
  size_t a = 0;
  for (size_t d = 1; d <= s->k; d++) a += s->adopted[(i + d) % s->n] + s->adopted[(i + s->n - d) % s->n];
  return a;
}

static nl_status step(void *sp, nl_errbuf *err) {
  (void)err;
  state *s = sp;
  s->period++;
  s->nnew = 0;
  for (size_t i = 0; i < s->n; i++) {
    size_t a = neighbours_adopted(s, i);
    s->exposure[i] += (double)a;
    s->next[i] = s->adopted[i];
    if (s->adopted[i]) continue;
    double h = 2 * s->p * s->u[i] + s->q * (double)a / (double)(2 * s->k);
    if (uniform(&s->rng) < h) s->next[i] = 1, s->when[i] = s->period, s->nnew++;
  }
  memcpy(s->adopted, s->next, s->n); /* simultaneous: everyone saw the start of the period */
  s->nadopted += s->nnew;
  return NL_OK;
}

static void observe(void *sp, double *out) {
  const state *s = sp;
  out[M_ADOPTED] = (double)s->nadopted / (double)s->n;
  out[M_NEW] = (double)s->nnew / (double)s->n;
}

static int at_equilibrium(void *sp) {
  const state *s = sp;
  return s->nadopted == s->n;
}

static size_t unit_count(const void *sp) { return ((const state *)sp)->n; }

static void unit_row(void *sp, size_t i, double *out) {
  const state *s = sp;
  out[F_ID] = (double)i;
  out[F_INNOVATIVENESS] = s->u[i];
  out[F_ADOPTED] = s->adopted[i];
  out[F_ADOPTION_PERIOD] = (double)s->when[i];
  out[F_NEIGHBOURS_ADOPTED] = (double)neighbours_adopted(s, i);
  out[F_EXPOSURE] = s->exposure[i];
}

/* The ring: i tied to i+1..i+k (mod n), n k ties, each listed once with from < to. */
static size_t unit_ties(const void *sp, uint32_t *from, uint32_t *to, double *weight, size_t cap) {
  const state *s = sp;
  size_t m = 0;
  for (size_t i = 0; i < s->n; i++)
    for (size_t d = 1; d <= s->k; d++, m++) {
      if (m >= cap) continue;
      size_t j = (i + d) % s->n;
      from[m] = (uint32_t)(i < j ? i : j);
      to[m] = (uint32_t)(i < j ? j : i);
      weight[m] = 1;
    }
  return m;
}

const nl_model nl_example_diffusion = {
    .version = NL_MODEL_API_VERSION,
    .name = "diffusion",
    .title = "Bass diffusion of an innovation on a ring (an example of netlearn's model interface)",
    .doc = "n agents on a ring, each tied to k neighbours on either side, adopt an innovation on their own "
           "(innovativeness u ~ U(0,1), probability 2 p u per period) or by imitation (q times the share of "
           "adopted neighbours). Source: Bass (1969), Management Science 15(5). examples/api/diffusion.c.",
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
    .unit_name = "agent",
    .unit_fields = fields,
    .nunit_fields = F_COUNT,
    .unit_count = unit_count,
    .unit_row = unit_row,
    .unit_ties = unit_ties,
};
