/*
 * Sobol' low-discrepancy sequence in base 2 (Bratley and Fox 1988, Algorithm 659's recurrence)
 * with Joe and Kuo's (2008) direction numbers, optionally scrambled by Matousek's (1998) linear
 * matrix scrambling plus a digital shift, as SciPy's qmc.Sobol(scramble=True) does, so that
 * repeated analyses with different seeds give independent randomized QMC estimates.
 */
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "design/sobol.h"

/* Direction numbers of dimension d (0-based) before scrambling, MSB first. */
static void directions(size_t d, const unsigned short *e, uint32_t *v) {
  if (d == 0) {
    for (int j = 0; j < NL_SOBOL_BITS; j++) v[j] = (uint32_t)1 << (31 - j);
    return;
  }
  unsigned s = e[0], a = e[1];
  const unsigned short *m = e + 2;
  for (unsigned j = 0; j < s && j < NL_SOBOL_BITS; j++) v[j] = (uint32_t)m[j] << (31 - j);
  for (unsigned j = s; j < NL_SOBOL_BITS; j++) {
    uint32_t x = v[j - s] ^ (v[j - s] >> s);
    for (unsigned k = 1; k < s; k++)
      if ((a >> (s - 1 - k)) & 1u) x ^= v[j - k];
    v[j] = x;
  }
}

static unsigned parity32(uint32_t x) {
  x ^= x >> 16;
  x ^= x >> 8;
  x ^= x >> 4;
  x ^= x >> 2;
  x ^= x >> 1;
  return x & 1u;
}

nl_status nl_sobol_init(nl_sobol *g, size_t dim, uint64_t seed) {
  memset(g, 0, sizeof *g);
  if (dim == 0 || dim > NL_SOBOL_MAXDIM) return NL_ERANGE;
  g->v = nl_malloc(dim * NL_SOBOL_BITS * sizeof *g->v);
  g->shift = nl_calloc(dim, sizeof *g->shift);
  if (!g->v || !g->shift) {
    nl_sobol_clear(g);
    return NL_ENOMEM;
  }
  g->dim = dim;
  size_t off = 0;
  for (size_t d = 0; d < dim; d++) {
    uint32_t *v = g->v + d * NL_SOBOL_BITS;
    directions(d, nl_joe_kuo + off, v);
    if (d > 0) off += 2u + nl_joe_kuo[off];
    if (!seed) continue;
    /* Row r of the lower-triangular matrix L: which leading digits feed output digit r. */
    nl_rng rng;
    nl_rng_init(&rng, seed, d, NL_RNG_DESIGN, 1);
    uint32_t row[NL_SOBOL_BITS];
    for (int r = 0; r < NL_SOBOL_BITS; r++) {
      uint32_t below = r ? (uint32_t)(nl_rng_u64(&rng) >> 32) & ~(((uint32_t)1 << (32 - r)) - 1u) : 0;
      row[r] = below | ((uint32_t)1 << (31 - r));
    }
    for (int j = 0; j < NL_SOBOL_BITS; j++) {
      uint32_t x = 0;
      for (int r = 0; r < NL_SOBOL_BITS; r++) x |= (uint32_t)parity32(v[j] & row[r]) << (31 - r);
      v[j] = x;
    }
    g->shift[d] = (uint32_t)(nl_rng_u64(&rng) >> 32);
  }
  return NL_OK;
}

void nl_sobol_clear(nl_sobol *g) {
  nl_free(g->v);
  nl_free(g->shift);
  g->v = g->shift = NULL;
  g->dim = 0;
}

void nl_sobol_point(const nl_sobol *g, uint64_t i, double *x) {
  uint64_t gray = i ^ (i >> 1);
  for (size_t d = 0; d < g->dim; d++) {
    const uint32_t *v = g->v + d * NL_SOBOL_BITS;
    uint32_t acc = g->shift[d];
    for (int j = 0; j < NL_SOBOL_BITS && (gray >> j); j++)
      if ((gray >> j) & 1u) acc ^= v[j];
    x[d] = ((double)acc + 0.5) * (1.0 / 4294967296.0);
  }
}
