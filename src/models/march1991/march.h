#ifndef NL_MODELS_MARCH_H
#define NL_MODELS_MARCH_H
/*
 * March (1991) mutual learning: the organization (members' beliefs and the organizational code)
 * and the phases of a period, as reusable functions. march1991 is built from these, and so is
 * coopnet's intra-firm learning (phases 1, 3, 4 of docs/coopnet.md section 1.3), so that a single isolated
 * firm follows exactly the march1991 trajectory for the same seed.
 *
 * Everything is bit-packed (core/beliefs.h); no phase allocates.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/beliefs.h"
#include "core/rng.h"
#include "netlearn/status.h"

typedef enum nl_march_variant {
  NL_MARCH_ORIGINAL = 0, /* March's program (Rodan 2005, Christensen 2015) */
  NL_MARCH_PAPER = 1     /* the paper's text taken literally */
} nl_march_variant;

typedef struct nl_march_org {
  size_t m, n, W, nplanes;
  uint64_t *nz, *pos;     /* members' beliefs, n*W each */
  uint64_t *cnz, *cpos;   /* organizational code, W each */
  uint64_t *p1fx;         /* per-member socialization probability, 32-bit fixed point */
  uint64_t *adopt_fx;     /* code adoption probability 1-(1-p2)^k for k = 0..n, fixed point */
  uint64_t *cnt_a, *cnt_b; /* bit-sliced per-dimension counters, nplanes*W each */
  uint64_t *act;          /* W scratch words: one member's actions */
  long superior;          /* size of the last superior group */
  long code_changes;      /* code dimensions changed by the last code learning */
} nl_march_org;

/* Allocate an organization of n members over m dimensions (all zero). Free with nl_march_org_free. */
nl_status nl_march_org_alloc(nl_march_org *o, size_t m, size_t n);
void nl_march_org_free(nl_march_org *o);

/* Learning rates: p1 for members [0, n_fast) is p1_fast, for the rest p1; code learning rate p2. */
void nl_march_org_rates(nl_march_org *o, double p1, double p1_fast, size_t n_fast, double p2);

/* Initial state: every belief uniformly -1, 0, +1; the code all 0. */
void nl_march_org_randomize(nl_march_org *o, nl_rng *r);

/* Turnover: each member is replaced by a newcomer with random beliefs with probability p3. */
long nl_march_turnover(nl_march_org *o, nl_rng *r, double p3);

/* Turbulence: each reality dimension flips with probability p4. */
long nl_march_turbulence(uint64_t *rpos, size_t m, nl_rng *r, double p4);

/*
 * Acting and the superior group. ORIGINAL: each member acts (belief, or a fair coin on a 0) and is
 * superior when its performance exceeds the code's score; PAPER: superior when its belief score
 * exceeds the code's. The superior members' actions (ORIGINAL) or beliefs (PAPER) are counted per
 * dimension into cnt_a (+1) and cnt_b (-1, PAPER only). Returns the superior group's size.
 */
long nl_march_act(nl_march_org *o, nl_rng *r, const uint64_t *rpos, nl_march_variant v);

/*
 * nl_march_act with two optional per-member arrays (coopnet's boundary spanners): a member i with
 * counts[i] == 0 acts (drawing the same coins) but is left out of the superior group; superior[i]
 * is set to 1 when member i is counted in it, else 0. With both NULL this is nl_march_act, draw
 * for draw. Cost O(n W).
 */
long nl_march_act_ex(nl_march_org *o, nl_rng *r, const uint64_t *rpos, nl_march_variant v,
                     const unsigned char *counts, unsigned char *superior);

/* Socialization toward the code: gradual (ORIGINAL) or immediate (PAPER), per-member rate p1. */
long nl_march_socialize(nl_march_org *o, nl_rng *r, nl_march_variant v);

/*
 * Code learning from the counts of nl_march_act: where a strict majority of the superior group
 * differs from the code, the code adopts it with probability 1-(1-p2)^k, k the majority margin.
 * Returns the number of code dimensions changed.
 */
long nl_march_code_learn(nl_march_org *o, nl_rng *r, nl_march_variant v);

/*
 * March's code-learning rule applied to any belief vector (nz, pos): per dimension, votes for +1 are
 * counted in the bit-sliced planes cnt_a and votes for -1 in cnt_b (or, with cnt_b NULL, every one
 * of the `voters` not voting +1 votes -1, as with actions); where a strict majority differs from
 * the belief, it is adopted with probability adopt_fx[margin] / 2^32. nl_march_code_learn is this
 * rule on the code; fang2010 applies it to each individual learning from its superior contacts.
 * Returns the number of dimensions changed. One draw per dimension that could change; no allocation.
 */
long nl_march_adopt_majority(uint64_t *nz, uint64_t *pos, const uint64_t *cnt_a, const uint64_t *cnt_b,
                             size_t nplanes, size_t W, size_t m, long voters, const uint64_t *adopt_fx, nl_rng *r);

/* Measures. */
typedef struct nl_march_measures {
  double code_knowledge;       /* K(code) */
  double individual_knowledge; /* mean K over members */
  double diversity;            /* mean pairwise share of dimensions on which two members differ */
} nl_march_measures;
void nl_march_measure(nl_march_org *o, const uint64_t *rpos, nl_march_measures *out);

/* Absorbing state: no member differs from a non-zero code dimension and none can beat the code. */
int nl_march_at_equilibrium(const nl_march_org *o, const uint64_t *rpos, nl_march_variant v);

#endif
