#ifndef NL_MODELS_NK_H
#define NL_MODELS_NK_H
/*
 * NK landscapes (Kauffman 1993) with exact integer arithmetic.
 *
 * A solution is N bits (N <= 64). Locus i contributes c_i(x_i, x_{d_i1}, ..., x_{d_iK}), a
 * uniform 32-bit integer per combination (so the landscape is one draw of N * 2^(K+1) words);
 * the fitness is the floor of the mean contribution, a 32-bit integer: fitness / 2^32 is
 * Kauffman's fitness in [0, 1). Integers keep every comparison exact, so "better" never depends
 * on rounding, and a table and the on-the-fly evaluation agree bit for bit.
 *
 * With N <= table_max_n the fitness of all 2^N solutions is precomputed once per landscape by a
 * Gray-code walk (each step updates only the loci that depend on the flipped bit: ~(K+1) table
 * reads), and the global maximum is known exactly. Memory: 4 * 2^N bytes (N = 20: 4 MiB; N = 24:
 * 64 MiB) per simulation state, i.e. per thread. Above table_max_n fitness is computed on the
 * fly (N table reads per evaluation) and the global maximum is unknown.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"
#include "netlearn/status.h"

/* How the K loci a locus depends on are chosen (the `interactions` parameter). */
enum { NL_NK_RANDOM = 0, NL_NK_NEIGHBOURS = 1, NL_NK_INDEPENDENT = 2 };

typedef struct nl_nk {
  unsigned N, K;
  int interactions;     /* NL_NK_*: K random other loci, the K next loci (cyclic), or K independent draws */
  uint32_t *contrib;    /* N * 2^(K+1) contributions */
  uint8_t *dep;         /* N * (K+1): dep[i*(K+1)+0] = i, then its K dependencies */
  uint32_t *table;      /* 2^N fitness values, or NULL (on the fly) */
  uint32_t max_fitness; /* exact global maximum (table only) */
  uint64_t argmax;
  /* Gray-code walk: for each bit j, the loci that read it and the bit it sets in their index */
  uint32_t *aff_off;    /* N + 1 */
  uint32_t *aff_locus, *aff_mask; /* N * (K+1) */
} nl_nk;

/* Allocate for N (1..64) and K (0..N-1), interactions one of NL_NK_*; a table when N <= table_max_n
 * (<= 30). Errors: NL_EINVAL, NL_ENOMEM. */
nl_status nl_nk_alloc(nl_nk *nk, unsigned N, unsigned K, int interactions, unsigned table_max_n);
void nl_nk_free(nl_nk *nk);
/* Draw a new landscape from r (dependencies, contributions; the table if allocated). No allocation. */
void nl_nk_draw(nl_nk *nk, nl_rng *r);
/* Fitness of solution x (a table read, or N contributions). */
uint32_t nl_nk_fitness_slow(const nl_nk *nk, uint64_t x);
static inline uint32_t nl_nk_fitness(const nl_nk *nk, uint64_t x) {
  return nk->table ? nk->table[x] : nl_nk_fitness_slow(nk, x);
}

#endif
