/* NK landscapes with exact integer fitness and a Gray-code precomputed table. */
#include "models/lazer2007/nk.h"

#include <string.h>

#include "core/alloc.h"

nl_status nl_nk_alloc(nl_nk *nk, unsigned N, unsigned K, int interactions, unsigned table_max_n) {
  memset(nk, 0, sizeof *nk);
  if (N < 1 || N > 64 || K >= N || K > 20 || table_max_n > 30) return NL_EINVAL;
  nk->N = N;
  nk->K = K;
  nk->interactions = interactions;
  size_t per = (size_t)1 << (K + 1);
  nk->contrib = nl_malloc(N * per * sizeof(uint32_t));
  nk->dep = nl_malloc((size_t)N * (K + 1));
  nk->aff_off = nl_malloc((N + 1) * sizeof(uint32_t));
  nk->aff_locus = nl_malloc((size_t)N * (K + 1) * sizeof(uint32_t));
  nk->aff_mask = nl_malloc((size_t)N * (K + 1) * sizeof(uint32_t));
  if (N <= table_max_n) nk->table = nl_malloc(((size_t)1 << N) * sizeof(uint32_t));
  if (!nk->contrib || !nk->dep || !nk->aff_off || !nk->aff_locus || !nk->aff_mask ||
      (N <= table_max_n && !nk->table)) {
    nl_nk_free(nk);
    return NL_ENOMEM;
  }
  return NL_OK;
}

void nl_nk_free(nl_nk *nk) {
  if (!nk) return;
  nl_free(nk->contrib);
  nl_free(nk->dep);
  nl_free(nk->table);
  nl_free(nk->aff_off);
  nl_free(nk->aff_locus);
  nl_free(nk->aff_mask);
  memset(nk, 0, sizeof *nk);
}

/* Index of locus i's contribution for solution x. */
static inline size_t locus_index(const nl_nk *nk, unsigned i, uint64_t x) {
  const uint8_t *d = nk->dep + (size_t)i * (nk->K + 1);
  size_t idx = 0;
  for (unsigned j = 0; j <= nk->K; j++) idx |= (size_t)((x >> d[j]) & 1) << j;
  return idx;
}

uint32_t nl_nk_fitness_slow(const nl_nk *nk, uint64_t x) {
  uint64_t sum = 0;
  size_t per = (size_t)1 << (nk->K + 1);
  for (unsigned i = 0; i < nk->N; i++) sum += nk->contrib[i * per + locus_index(nk, i, x)];
  return (uint32_t)(sum / nk->N);
}

void nl_nk_draw(nl_nk *nk, nl_rng *r) {
  unsigned N = nk->N, K = nk->K;
  size_t per = (size_t)1 << (K + 1);
  /* dependencies: K distinct other loci (random, by partial Fisher-Yates) or the K next ones */
  uint8_t pool[64];
  for (unsigned i = 0; i < N; i++) {
    uint8_t *d = nk->dep + (size_t)i * (K + 1);
    d[0] = (uint8_t)i;
    if (nk->interactions == NL_NK_NEIGHBOURS) {
      for (unsigned j = 1; j <= K; j++) d[j] = (uint8_t)((i + j) % N);
      continue;
    }
    if (nk->interactions == NL_NK_INDEPENDENT) { /* K independent uniform draws over all N loci */
      for (unsigned j = 1; j <= K; j++) d[j] = (uint8_t)nl_rng_below(r, N);
      continue;
    }
    unsigned m = 0;
    for (unsigned j = 0; j < N; j++)
      if (j != i) pool[m++] = (uint8_t)j;
    for (unsigned j = 0; j < K; j++) {
      unsigned pick = j + (unsigned)nl_rng_below(r, m - j);
      uint8_t t = pool[j];
      pool[j] = pool[pick];
      pool[pick] = t;
      d[j + 1] = pool[j];
    }
  }
  for (size_t k = 0; k < N * per; k++) nk->contrib[k] = (uint32_t)(nl_rng_u64(r) >> 32);
  /* who reads bit j, and where in their index */
  memset(nk->aff_off, 0, (N + 1) * sizeof(uint32_t));
  for (unsigned i = 0; i < N; i++)
    for (unsigned j = 0; j <= K; j++) nk->aff_off[nk->dep[i * (K + 1) + j] + 1]++;
  for (unsigned j = 0; j < N; j++) nk->aff_off[j + 1] += nk->aff_off[j];
  uint32_t cursor[64];
  memcpy(cursor, nk->aff_off, N * sizeof(uint32_t));
  for (unsigned i = 0; i < N; i++)
    for (unsigned j = 0; j <= K; j++) {
      unsigned b = nk->dep[i * (K + 1) + j];
      nk->aff_locus[cursor[b]] = i;
      nk->aff_mask[cursor[b]++] = (uint32_t)1 << j;
    }
  if (!nk->table) {
    nk->max_fitness = 0;
    nk->argmax = 0;
    return;
  }
  /* Gray-code walk over all 2^N solutions: x = g ^ (g >> 1) flips bit ctz(g) at step g. */
  uint32_t idx[64];
  uint64_t sum = 0, x = 0;
  for (unsigned i = 0; i < N; i++) {
    idx[i] = (uint32_t)locus_index(nk, i, 0);
    sum += nk->contrib[i * per + idx[i]];
  }
  uint32_t best = (uint32_t)(sum / N);
  uint64_t arg = 0;
  nk->table[0] = best;
  uint64_t total = (uint64_t)1 << N;
  for (uint64_t g = 1; g < total; g++) {
    unsigned b = (unsigned)__builtin_ctzll(g);
    x ^= (uint64_t)1 << b;
    for (uint32_t a = nk->aff_off[b]; a < nk->aff_off[b + 1]; a++) {
      unsigned i = nk->aff_locus[a];
      sum -= nk->contrib[i * per + idx[i]];
      idx[i] ^= nk->aff_mask[a];
      sum += nk->contrib[i * per + idx[i]];
    }
    uint32_t f = (uint32_t)(sum / N);
    nk->table[x] = f;
    if (f > best) {
      best = f;
      arg = x;
    }
  }
  nk->max_fitness = best;
  nk->argmax = arg;
}
