#ifndef NL_CORE_RNG_H
#define NL_CORE_RNG_H
/*
 * Counter-based random streams (Random123 Philox4x64-10).
 *
 * A stream is identified by (seed, stream, purpose, sub): the key is (seed, stream) and the
 * counter is (i, purpose, sub, 0) with i incremented per block of four 64-bit outputs. Because
 * every replication / design point / resample has its own stream, results never depend on
 * which thread or rank ran it, or in what order.
 *
 * Convention for `stream`: the replication (or run) index. `purpose` separates independent
 * uses inside one run (initial state, dynamics, network generation, survey, ...), `sub` an
 * entity inside a purpose (a firm, a bootstrap resample).
 *
 * The struct is a small value type (72 bytes) so it can live on the stack or inside model
 * state; all functions are inline and allocation-free.
 */
#include <math.h>
#include <stdint.h>

#include <Random123/philox.h>

typedef struct nl_rng {
  philox4x64_key_t key;
  philox4x64_ctr_t ctr;
  philox4x64_ctr_t out;
  unsigned idx; /* next unused word of out; 4 = empty */
} nl_rng;

/* Well-known purposes. Models may define more from NL_RNG_PURPOSE_USER upwards. */
enum {
  NL_RNG_INIT = 1,     /* initial state of a run */
  NL_RNG_DYNAMICS = 2, /* period-by-period dynamics */
  NL_RNG_NETWORK = 3,  /* graph generation */
  NL_RNG_SURVEY = 4,   /* virtual survey */
  NL_RNG_BOOTSTRAP = 5,
  NL_RNG_DESIGN = 6,   /* experimental design (Latin hypercube) */
  NL_RNG_FOLDS = 7,    /* cross-validation fold assignment (PLSpredict) */
  NL_RNG_PERMUTATION = 8, /* group-label permutations (MGA, MICOM) */
  NL_RNG_CMAES = 9,    /* CMA-ES candidates (calibrate) */
  NL_RNG_PURPOSE_USER = 64
};

static inline void nl_rng_init(nl_rng *r, uint64_t seed, uint64_t stream, uint64_t purpose, uint64_t sub) {
  r->key.v[0] = seed;
  r->key.v[1] = stream;
  r->ctr.v[0] = 0;
  r->ctr.v[1] = purpose;
  r->ctr.v[2] = sub;
  r->ctr.v[3] = 0x6e6c; /* "nl": distinguishes netlearn streams */
  r->idx = 4;
}

/*
 * The stream (seed, stream, purpose, sub) from block `block` on (block i of nl_rng_init is i). For
 * common random numbers a model keys each decision by what it is about (purpose, sub) and when
 * (block = period << 32): the decision then draws the same uniforms at two nearby parameter
 * vectors however many draws other decisions took before it. No draw happens here.
 */
static inline void nl_rng_init_at(nl_rng *r, uint64_t seed, uint64_t stream, uint64_t purpose, uint64_t sub,
                                  uint64_t block) {
  nl_rng_init(r, seed, stream, purpose, sub);
  r->ctr.v[0] = block;
}

/* Next uniformly distributed 64-bit word. */
static inline uint64_t nl_rng_u64(nl_rng *r) {
  if (r->idx >= 4) {
    r->out = philox4x64(r->ctr, r->key);
    r->ctr.v[0]++;
    r->idx = 0;
  }
  return r->out.v[r->idx++];
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double nl_rng_uniform(nl_rng *r) {
  return (double)(nl_rng_u64(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n > 0, without modulo bias. */
static inline uint64_t nl_rng_below(nl_rng *r, uint64_t n) {
  uint64_t threshold = (0 - n) % n; /* 2^64 mod n */
  for (;;) {
    uint64_t x = nl_rng_u64(r);
    if (x >= threshold) return x % n;
  }
}

/* 1 with probability p, else 0 (p <= 0 never, p >= 1 always; no draw in those cases). */
static inline int nl_rng_bernoulli(nl_rng *r, double p) {
  if (p <= 0.0) return 0;
  if (p >= 1.0) return 1;
  return nl_rng_uniform(r) < p;
}

/* Probability p as 32-bit fixed point, the resolution of the masks below (2^-32). */
static inline uint64_t nl_rng_fixed32(double p) {
  if (p <= 0.0) return 0;
  if (p >= 1.0) return (uint64_t)1 << 32;
  return (uint64_t)llround(p * 4294967296.0);
}

/*
 * Bernoulli(P / 2^32) draws on the set bits of `where` (other bits are 0), P from nl_rng_fixed32.
 *
 * Bit-sliced lazy comparison: each lane compares a uniform 32-bit fraction u with P, most
 * significant bit first, one random word per bit position for all 64 lanes at once. A lane is
 * decided at the first bit where u and P differ (success when P has the 1), so half of the
 * undecided lanes drop out with every word: a dense word costs ~7 words on average instead of
 * 64 uniforms, k sparse lanes ~log2(k) + 2. Lanes still tied after 32 bits have u == P: failure.
 * Exactly P / 2^32 per lane; the number of words consumed depends only on the draws.
 */
static inline uint64_t nl_rng_mask_on(nl_rng *r, uint64_t P, uint64_t where) {
  if (!where || P == 0) return 0;
  if (P >= ((uint64_t)1 << 32)) return where;
  uint64_t undecided = where, hit = 0;
  for (int j = 31; j >= 0 && undecided; j--) {
    uint64_t x = nl_rng_u64(r);
    uint64_t pb = ((P >> j) & 1) ? ~(uint64_t)0 : 0;
    hit |= undecided & ~x & pb; /* u has 0 where P has 1: u < P */
    undecided &= ~(x ^ pb);     /* equal bits: still undecided */
  }
  return hit;
}

/* A full 64-bit word of independent Bernoulli(P / 2^32) bits. */
static inline uint64_t nl_rng_mask_fixed(nl_rng *r, uint64_t P) { return nl_rng_mask_on(r, P, ~(uint64_t)0); }

/* Standard normal deviate (Box-Muller, polar-free form; consumes two words). */
static inline double nl_rng_normal(nl_rng *r) {
  double u1 = 1.0 - nl_rng_uniform(r); /* (0, 1] */
  double u2 = nl_rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925286766559 * u2);
}

#endif
