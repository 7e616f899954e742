#ifndef NL_DESIGN_SOBOL_H
#define NL_DESIGN_SOBOL_H
/* The Sobol' low-discrepancy sequence (sobol.c) and Joe and Kuo's direction numbers (joe_kuo.c):
 * the designs of sensitivity analyses (src/sensitivity/) and the starts of calibrations
 * (src/calibrate/optim.c). */
#include <stddef.h>
#include <stdint.h>

#include "netlearn/status.h"

/* Joe-Kuo direction numbers, dimensions 2.. (joe_kuo.c): s, a, m_1..m_s per dimension. */
extern const unsigned short nl_joe_kuo[];
extern const size_t nl_joe_kuo_len;

#define NL_SOBOL_MAXDIM 1024
#define NL_SOBOL_BITS 32

/* A generator of `dim` dimensions: 32 direction numbers per dimension, scrambled or not. */
typedef struct nl_sobol {
  size_t dim;
  uint32_t *v;     /* dim x 32, v[d * 32 + j] = direction number j of dimension d (MSB first) */
  uint32_t *shift; /* dim: digital shift (0 when unscrambled) */
} nl_sobol;

/*
 * Set up dimensions 0..dim-1. seed 0: the plain sequence; otherwise Matousek's linear matrix
 * scrambling (a random lower-triangular binary matrix with unit diagonal applied to every
 * direction number) and a random digital shift per dimension, drawn from the Philox stream
 * (seed, dimension, NL_RNG_DESIGN, 1). Errors: NL_ERANGE (dim 0 or > NL_SOBOL_MAXDIM), NL_ENOMEM.
 * Cost: O(dim x 32^2).
 */
nl_status nl_sobol_init(nl_sobol *g, size_t dim, uint64_t seed);
void nl_sobol_clear(nl_sobol *g);
/* Point i (0-based, i < 2^32) into x[0..dim): the cell centre (k + 1/2) / 2^32, never 0 or 1.
 * O(dim x 32). */
void nl_sobol_point(const nl_sobol *g, uint64_t i, double *x);

#endif
