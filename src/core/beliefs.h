#ifndef NL_CORE_BELIEFS_H
#define NL_CORE_BELIEFS_H
/*
 * Bit-packed belief vectors in {-1, 0, +1}^m, stored as two bit planes of W = ceil(m/64) words:
 *   nz  bit k set  <=>  belief k is non-zero
 *   pos bit k set  <=>  belief k is +1   (invariant: pos is a subset of nz)
 * A reality in {-1, +1}^m is one plane (bit set = +1). Bits at positions >= m are always 0.
 *
 * A population is stored as structure of arrays: individual i's planes start at nz + i*W and
 * pos + i*W, so a whole period streams through two contiguous arrays.
 *
 * All functions are inline, branch-light and cost O(W) word operations.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"

#define NL_WORD_BITS 64
static inline size_t nl_words(size_t m) { return (m + 63) / 64; }

/* Mask of the valid bits of word w for an m-dimensional vector. */
static inline uint64_t nl_valid_mask(size_t m, size_t w) {
  size_t lo = w * 64;
  if (m >= lo + 64) return ~(uint64_t)0;
  if (m <= lo) return 0;
  return ((uint64_t)1 << (m - lo)) - 1;
}

static inline int nl_popcount(uint64_t x) { return __builtin_popcountll(x); }

/* Right minus wrong beliefs against reality rpos: m * March's knowledge score K. */
static inline long nl_belief_score(const uint64_t *nz, const uint64_t *pos, const uint64_t *rpos, size_t W) {
  long s = 0;
  for (size_t w = 0; w < W; w++) {
    uint64_t wrong = nz[w] & (pos[w] ^ rpos[w]);
    s += nl_popcount(nz[w]) - 2 * nl_popcount(wrong);
  }
  return s;
}

/* Number of dimensions on which the belief is right. */
static inline long nl_belief_right(const uint64_t *nz, const uint64_t *pos, const uint64_t *rpos, size_t W) {
  long s = 0;
  for (size_t w = 0; w < W; w++) s += nl_popcount(nz[w] & ~(pos[w] ^ rpos[w]));
  return s;
}

/* Number of dimensions on which two belief vectors differ (a 0 differs from a +-1). */
static inline long nl_belief_distance(const uint64_t *nza, const uint64_t *posa, const uint64_t *nzb,
                                      const uint64_t *posb, size_t W) {
  long s = 0;
  for (size_t w = 0; w < W; w++) s += nl_popcount((nza[w] ^ nzb[w]) | (posa[w] ^ posb[w]));
  return s;
}

/* Uniformly random belief vector: each dimension -1, 0, +1 with probability 1/3 each. Bit-sliced
 * rejection: two random words give every dimension a 2-bit pattern; 01 -> +1, 10 -> -1, 00 -> 0,
 * and dimensions that drew 11 draw again (a quarter each round, ~4 rounds per 64 dimensions). */
static inline void nl_belief_random(nl_rng *r, uint64_t *nz, uint64_t *pos, size_t m) {
  size_t W = nl_words(m);
  for (size_t w = 0; w < W; w++) {
    uint64_t undecided = nl_valid_mask(m, w), a = 0, b = 0;
    while (undecided) {
      uint64_t x = nl_rng_u64(r), y = nl_rng_u64(r);
      uint64_t acc = undecided & ~(x & y);
      a |= acc & x & ~y;
      b |= acc & (x ^ y);
      undecided &= ~acc;
    }
    nz[w] = b;
    pos[w] = a;
  }
}

/* Uniformly random reality in {-1,+1}^m. */
static inline void nl_reality_random(nl_rng *r, uint64_t *rpos, size_t m) {
  size_t W = nl_words(m);
  for (size_t w = 0; w < W; w++) rpos[w] = nl_rng_u64(r) & nl_valid_mask(m, w);
}

/* Of one word, the dimensions where the code is non-zero and the belief differs from it, each kept
 * with probability P/2^32; no draw (and 0) when there are none. Both socializations below. */
static inline uint64_t nl_belief_socialize_draw(nl_rng *r, uint64_t P, uint64_t nz, uint64_t pos, uint64_t cnz,
                                                uint64_t cpos) {
  uint64_t diff = cnz & ~(nz & ~(pos ^ cpos));
  return diff ? nl_rng_mask_on(r, P, diff) : 0;
}

/*
 * Gradual socialization (March's original program): on each dimension where the code is non-zero
 * and the belief differs from it, with probability P/2^32 the belief moves one step toward the
 * code (+1 -> 0 -> -1 or back). Returns the number of dimensions that changed.
 */
static inline long nl_belief_socialize_gradual(nl_rng *r, uint64_t P, uint64_t *nz, uint64_t *pos,
                                               const uint64_t *cnz, const uint64_t *cpos, size_t W) {
  long changed = 0;
  for (size_t w = 0; w < W; w++) {
    uint64_t M = nl_belief_socialize_draw(r, P, nz[w], pos[w], cnz[w], cpos[w]);
    if (!M) continue;
    uint64_t opp = M & nz[w];  /* opposite belief: becomes doubt (0) */
    uint64_t zero = M & ~nz[w]; /* doubt: becomes the code's value */
    nz[w] = (nz[w] & ~opp) | zero;
    pos[w] = (pos[w] & ~opp) | (zero & cpos[w]);
    changed += nl_popcount(M);
  }
  return changed;
}

/*
 * Immediate socialization (March's text): on each dimension where the code is non-zero and the
 * belief differs, with probability P/2^32 the belief becomes the code's value.
 */
static inline long nl_belief_socialize_immediate(nl_rng *r, uint64_t P, uint64_t *nz, uint64_t *pos,
                                                 const uint64_t *cnz, const uint64_t *cpos, size_t W) {
  long changed = 0;
  for (size_t w = 0; w < W; w++) {
    uint64_t M = nl_belief_socialize_draw(r, P, nz[w], pos[w], cnz[w], cpos[w]);
    if (!M) continue;
    nz[w] |= M;
    pos[w] = (pos[w] & ~M) | (cpos[w] & M);
    changed += nl_popcount(M);
  }
  return changed;
}

/*
 * Actions: the belief where it is non-zero, a fair coin where it is 0 (March's original program).
 * Writes the action plane (bit set = +1) and returns the performance sum_k a_k r_k.
 */
static inline long nl_belief_act(nl_rng *r, const uint64_t *nz, const uint64_t *pos, const uint64_t *rpos,
                                 uint64_t *act, size_t m) {
  size_t W = nl_words(m);
  long s = 0;
  for (size_t w = 0; w < W; w++) {
    uint64_t valid = nl_valid_mask(m, w);
    uint64_t doubt = ~nz[w] & valid;
    uint64_t a = pos[w];
    if (doubt) a |= nl_rng_u64(r) & doubt;
    act[w] = a;
    s += nl_popcount(valid) - 2 * nl_popcount((a ^ rpos[w]) & valid);
  }
  return s;
}

/*
 * Bit-sliced counters: per-dimension counts over many vectors, updated with a ripple of
 * carry-save additions (amortized ~2 word ops per added word). planes[j*W + w] holds bit j
 * of the count of each dimension in word w.
 */
static inline void nl_bitcount_add(uint64_t *planes, size_t nplanes, size_t W, const uint64_t *x) {
  for (size_t w = 0; w < W; w++) {
    uint64_t carry = x[w];
    for (size_t j = 0; carry && j < nplanes; j++) {
      uint64_t t = planes[j * W + w] & carry;
      planes[j * W + w] ^= carry;
      carry = t;
    }
  }
}

/* Count of dimension k held in bit-sliced planes. */
static inline long nl_bitcount_get(const uint64_t *planes, size_t nplanes, size_t W, size_t k) {
  size_t w = k / 64, b = k % 64;
  long c = 0;
  for (size_t j = 0; j < nplanes; j++) c |= (long)((planes[j * W + w] >> b) & 1) << j;
  return c;
}

/* Number of bit planes needed to count up to n. */
static inline size_t nl_bitcount_planes(size_t n) {
  size_t p = 1;
  while (((size_t)1 << p) <= n) p++;
  return p;
}

#endif
