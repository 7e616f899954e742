/* The phases of March's (1991) mutual learning model on bit-packed beliefs. */
#include "models/march1991/march.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"

nl_status nl_march_org_alloc(nl_march_org *o, size_t m, size_t n) {
  memset(o, 0, sizeof *o);
  o->m = m;
  o->n = n;
  o->W = nl_words(m);
  o->nplanes = nl_bitcount_planes(n);
  size_t nw;
  if (nl_mul_size(n, o->W, &nw)) return NL_ENOMEM;
  o->nz = nl_calloc(nw, sizeof(uint64_t));
  o->pos = nl_calloc(nw, sizeof(uint64_t));
  o->cnz = nl_calloc(o->W, sizeof(uint64_t));
  o->cpos = nl_calloc(o->W, sizeof(uint64_t));
  o->p1fx = nl_calloc(n, sizeof(uint64_t));
  o->adopt_fx = nl_calloc(n + 1, sizeof(uint64_t));
  o->cnt_a = nl_calloc(o->nplanes * o->W, sizeof(uint64_t));
  o->cnt_b = nl_calloc(o->nplanes * o->W, sizeof(uint64_t));
  o->act = nl_calloc(o->W, sizeof(uint64_t));
  if (!o->nz || !o->pos || !o->cnz || !o->cpos || !o->p1fx || !o->adopt_fx || !o->cnt_a || !o->cnt_b || !o->act) {
    nl_march_org_free(o);
    return NL_ENOMEM;
  }
  return NL_OK;
}

void nl_march_org_free(nl_march_org *o) {
  if (!o) return;
  nl_free(o->nz);
  nl_free(o->pos);
  nl_free(o->cnz);
  nl_free(o->cpos);
  nl_free(o->p1fx);
  nl_free(o->adopt_fx);
  nl_free(o->cnt_a);
  nl_free(o->cnt_b);
  nl_free(o->act);
  memset(o, 0, sizeof *o);
}

void nl_march_org_rates(nl_march_org *o, double p1, double p1_fast, size_t n_fast, double p2) {
  for (size_t i = 0; i < o->n; i++) o->p1fx[i] = nl_rng_fixed32(i < n_fast ? p1_fast : p1);
  for (size_t k = 0; k <= o->n; k++) o->adopt_fx[k] = nl_rng_fixed32(1.0 - pow(1.0 - p2, (double)k));
}

void nl_march_org_randomize(nl_march_org *o, nl_rng *r) {
  for (size_t i = 0; i < o->n; i++) nl_belief_random(r, o->nz + i * o->W, o->pos + i * o->W, o->m);
  memset(o->cnz, 0, o->W * sizeof(uint64_t));
  memset(o->cpos, 0, o->W * sizeof(uint64_t));
  o->superior = 0;
  o->code_changes = 0;
}

long nl_march_turnover(nl_march_org *o, nl_rng *r, double p3) {
  if (p3 <= 0) return 0; /* no draws: keeps streams identical to a run without turnover */
  /* Who leaves is drawn 64 members at a time as a Bernoulli mask (~7 words per block instead of one
   * uniform per member); each leaver's replacement then draws its beliefs from the same stream. */
  uint64_t P = nl_rng_fixed32(p3);
  long replaced = 0;
  for (size_t base = 0; base < o->n; base += 64) {
    size_t left = o->n - base;
    uint64_t block = left >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << left) - 1);
    uint64_t leave = nl_rng_mask_on(r, P, block);
    while (leave) {
      size_t i = base + (size_t)__builtin_ctzll(leave);
      leave &= leave - 1;
      nl_belief_random(r, o->nz + i * o->W, o->pos + i * o->W, o->m);
      replaced++;
    }
  }
  return replaced;
}

long nl_march_turbulence(uint64_t *rpos, size_t m, nl_rng *r, double p4) {
  if (p4 <= 0) return 0;
  uint64_t P = nl_rng_fixed32(p4);
  long flipped = 0;
  for (size_t w = 0; w < nl_words(m); w++) {
    uint64_t f = nl_rng_mask_fixed(r, P) & nl_valid_mask(m, w);
    rpos[w] ^= f;
    flipped += nl_popcount(f);
  }
  return flipped;
}

long nl_march_act(nl_march_org *o, nl_rng *r, const uint64_t *rpos, nl_march_variant v) {
  return nl_march_act_ex(o, r, rpos, v, NULL, NULL);
}

long nl_march_act_ex(nl_march_org *o, nl_rng *r, const uint64_t *rpos, nl_march_variant v,
                     const unsigned char *counts, unsigned char *superior) {
  size_t W = o->W;
  long code_score = nl_belief_score(o->cnz, o->cpos, rpos, W);
  memset(o->cnt_a, 0, o->nplanes * W * sizeof(uint64_t));
  memset(o->cnt_b, 0, o->nplanes * W * sizeof(uint64_t));
  long sup = 0;
  for (size_t i = 0; i < o->n; i++) {
    const uint64_t *nz = o->nz + i * W, *pos = o->pos + i * W;
    int counted = !counts || counts[i];
    if (superior) superior[i] = 0;
    if (v == NL_MARCH_ORIGINAL) {
      long perf = nl_belief_act(r, nz, pos, rpos, o->act, o->m);
      if (perf > code_score && counted) {
        nl_bitcount_add(o->cnt_a, o->nplanes, W, o->act);
        if (superior) superior[i] = 1;
        sup++;
      }
    } else {
      if (counted && nl_belief_score(nz, pos, rpos, W) > code_score) {
        if (superior) superior[i] = 1;
        for (size_t w = 0; w < W; w++) o->act[w] = nz[w] & ~pos[w];
        nl_bitcount_add(o->cnt_a, o->nplanes, W, pos);
        nl_bitcount_add(o->cnt_b, o->nplanes, W, o->act);
        sup++;
      }
    }
  }
  o->superior = sup;
  return sup;
}

long nl_march_socialize(nl_march_org *o, nl_rng *r, nl_march_variant v) {
  size_t W = o->W;
  long changed = 0;
  for (size_t i = 0; i < o->n; i++) {
    if (v == NL_MARCH_ORIGINAL)
      changed += nl_belief_socialize_gradual(r, o->p1fx[i], o->nz + i * W, o->pos + i * W, o->cnz, o->cpos, W);
    else
      changed += nl_belief_socialize_immediate(r, o->p1fx[i], o->nz + i * W, o->pos + i * W, o->cnz, o->cpos, W);
  }
  return changed;
}

long nl_march_adopt_majority(uint64_t *nz, uint64_t *pos, const uint64_t *cnt_a, const uint64_t *cnt_b,
                             size_t nplanes, size_t W, size_t m, long voters, const uint64_t *adopt_fx, nl_rng *r) {
  long changed = 0;
  if (voters == 0) return 0;
  /* Word-parallel: compare the bit-sliced counts of a whole word of dimensions at once (most
   * significant plane first), then visit only the dimensions whose majority differs from the
   * current value, in increasing order: the same draws, in the same order, as a loop over all m. */
  uint64_t half = (uint64_t)voters / 2; /* without cnt_b: plus > voters - plus <=> plus > half */
  int odd = (int)(voters & 1);
  for (size_t w = 0; w < W; w++) {
    uint64_t valid = nl_valid_mask(m, w), gt = 0, lt = 0, eq = valid;
    if (nplanes < 64 && !cnt_b && (half >> nplanes)) {
      lt = valid; /* every count is below half */
      eq = 0;
    }
    for (size_t j = nplanes; j-- > 0 && eq;) {
      uint64_t a = cnt_a[j * W + w];
      uint64_t b = cnt_b ? cnt_b[j * W + w] : (j < 64 && ((half >> j) & 1) ? ~(uint64_t)0 : 0);
      gt |= eq & a & ~b;
      lt |= eq & ~a & b;
      eq &= ~(a ^ b);
    }
    if (!cnt_b && odd) lt |= eq; /* plus == half < voters - plus */
    uint64_t cand = ((gt & ~(nz[w] & pos[w])) | (lt & ~(nz[w] & ~pos[w]))) & valid;
    while (cand) {
      size_t b = (size_t)__builtin_ctzll(cand);
      uint64_t bit = (uint64_t)1 << b;
      cand &= cand - 1;
      size_t k = w * 64 + b;
      long plus = nl_bitcount_get(cnt_a, nplanes, W, k);
      long minus = cnt_b ? nl_bitcount_get(cnt_b, nplanes, W, k) : voters - plus;
      long margin = plus > minus ? plus - minus : minus - plus;
      if ((nl_rng_u64(r) >> 32) < adopt_fx[margin]) {
        nz[w] |= bit;
        if (gt & bit) pos[w] |= bit;
        else pos[w] &= ~bit;
        changed++;
      }
    }
  }
  return changed;
}

long nl_march_code_learn(nl_march_org *o, nl_rng *r, nl_march_variant v) {
  o->code_changes = nl_march_adopt_majority(o->cnz, o->cpos, o->cnt_a, v == NL_MARCH_ORIGINAL ? NULL : o->cnt_b,
                                            o->nplanes, o->W, o->m, o->superior, o->adopt_fx, r);
  return o->code_changes;
}

void nl_march_measure(nl_march_org *o, const uint64_t *rpos, nl_march_measures *out) {
  size_t W = o->W, m = o->m, n = o->n;
  out->code_knowledge = (double)nl_belief_score(o->cnz, o->cpos, rpos, W) / (double)m;
  long total = 0;
  memset(o->cnt_a, 0, o->nplanes * W * sizeof(uint64_t));
  memset(o->cnt_b, 0, o->nplanes * W * sizeof(uint64_t));
  for (size_t i = 0; i < n; i++) {
    const uint64_t *nz = o->nz + i * W, *pos = o->pos + i * W;
    total += nl_belief_score(nz, pos, rpos, W);
    for (size_t w = 0; w < W; w++) o->act[w] = nz[w] & ~pos[w];
    nl_bitcount_add(o->cnt_a, o->nplanes, W, pos);
    nl_bitcount_add(o->cnt_b, o->nplanes, W, o->act);
  }
  out->individual_knowledge = (double)total / ((double)m * (double)n);
  /* Pairs that disagree on dimension k: (n^2 - c+^2 - c-^2 - c0^2) / 2, over n(n-1)/2 pairs. */
  double div = 0;
  if (n > 1) {
    double nn = (double)n;
    for (size_t k = 0; k < m; k++) {
      double cp = (double)nl_bitcount_get(o->cnt_a, o->nplanes, W, k);
      double cm = (double)nl_bitcount_get(o->cnt_b, o->nplanes, W, k);
      double c0 = nn - cp - cm;
      div += (nn * nn - cp * cp - cm * cm - c0 * c0) / (nn * (nn - 1));
    }
    div /= (double)m;
  }
  out->diversity = div;
}

int nl_march_at_equilibrium(const nl_march_org *o, const uint64_t *rpos, nl_march_variant v) {
  size_t W = o->W;
  long code_score = nl_belief_score(o->cnz, o->cpos, rpos, W);
  for (size_t i = 0; i < o->n; i++) {
    const uint64_t *nz = o->nz + i * W, *pos = o->pos + i * W;
    long wrong = 0;
    for (size_t w = 0; w < W; w++) {
      uint64_t agree = nz[w] & ~(pos[w] ^ o->cpos[w]);
      if (o->cnz[w] & ~agree) return 0; /* socialization can still change this member */
      wrong += nl_popcount(nz[w] & (pos[w] ^ rpos[w]));
    }
    /* Best performance this member can reach: every doubt (0) guessed right by the coin. */
    long best = (v == NL_MARCH_ORIGINAL) ? (long)o->m - 2 * wrong : nl_belief_score(nz, pos, rpos, W);
    if (best > code_score) return 0;
  }
  return 1;
}
