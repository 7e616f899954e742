/*
 * Random and regular graph generators over netlearn's own streams (core/rng.h), never igraph's
 * global RNG: a graph depends only on (seed, stream, sub), whatever thread builds it.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "network/network_impl.h"

static int bad_prob(double p) { return !(p >= 0.0 && p <= 1.0); }

static size_t pairs(size_t n) { return n < 2 ? 0 : n * (n - 1) / 2; }

/* Expected count plus a margin that a binomial exceeds with negligible probability. */
static size_t binom_cap(double trials, double p) {
  double mu = trials * p, sd = sqrt(trials * p * (1 - p));
  double cap = mu + 10 * sd + 64;
  return cap > trials ? (size_t)trials : (size_t)cap;
}

static size_t block_size(size_t n, size_t blocks, size_t b) { return n / blocks + (b < n % blocks ? 1 : 0); }

size_t nl_network_spec_max_edges(const nl_network_spec *s) {
  size_t n = s->n;
  switch (s->kind) {
  case NL_NET_EMPTY: return 0;
  case NL_NET_COMPLETE: return pairs(n);
  case NL_NET_RING:
  case NL_NET_WATTS_STROGATZ:
    if (n < 3 || 2 * s->k >= n) return 0;
    return n * s->k;
  case NL_NET_LINE:
    if (s->k == 0 || s->k >= n) return 0;
    return n * s->k - s->k * (s->k + 1) / 2;
  case NL_NET_ERDOS_RENYI: return bad_prob(s->p) ? 0 : binom_cap((double)pairs(n), s->p);
  case NL_NET_BARABASI_ALBERT:
    if (s->k == 0 || s->k >= n) return 0;
    return pairs(s->k + 1) + (n - s->k - 1) * s->k;
  case NL_NET_SBM: {
    if (s->blocks == 0 || s->blocks > n || bad_prob(s->p_in) || bad_prob(s->p_out)) return 0;
    double in = 0;
    for (size_t b = 0; b < s->blocks; b++) in += (double)pairs(block_size(n, s->blocks, b));
    double out = (double)pairs(n) - in;
    return binom_cap(in, s->p_in) + binom_cap(out, s->p_out);
  }
  case NL_NET_CAVEMAN:
    if (s->blocks == 0 || n % s->blocks) return 0;
    return s->blocks * pairs(n / s->blocks);
  }
  return 0;
}

nl_status nl_network_spec_check(nl_network *g, const nl_network_spec *s) {
  size_t n = s->n;
  const char *name = (s->kind <= NL_NET_CAVEMAN) ? nl_network_kind_names[s->kind] : "?";
  switch (s->kind) {
  case NL_NET_EMPTY:
  case NL_NET_COMPLETE: return NL_OK;
  case NL_NET_RING:
  case NL_NET_WATTS_STROGATZ:
    if (s->k == 0 || n < 3 || 2 * s->k >= n)
      return nl_err(&g->err, NL_EINVAL, "%s network: need k >= 1 neighbours on each side and n > 2k (n = %zu, k = %zu)",
                    name, n, s->k);
    if (s->kind == NL_NET_WATTS_STROGATZ && bad_prob(s->p))
      return nl_err(&g->err, NL_EINVAL, "%s network: rewiring probability %g is not in [0, 1]", name, s->p);
    return NL_OK;
  case NL_NET_LINE:
    if (s->k == 0 || s->k >= n)
      return nl_err(&g->err, NL_EINVAL, "line network: need 1 <= k < n (n = %zu, k = %zu)", n, s->k);
    return NL_OK;
  case NL_NET_ERDOS_RENYI:
    if (bad_prob(s->p)) return nl_err(&g->err, NL_EINVAL, "erdos_renyi network: probability %g is not in [0, 1]", s->p);
    return NL_OK;
  case NL_NET_BARABASI_ALBERT:
    if (s->k == 0 || s->k >= n)
      return nl_err(&g->err, NL_EINVAL, "barabasi_albert network: need 1 <= k < n links per new node (n = %zu, k = %zu)",
                    n, s->k);
    return NL_OK;
  case NL_NET_SBM:
    if (s->blocks == 0 || s->blocks > n)
      return nl_err(&g->err, NL_EINVAL, "sbm network: %zu blocks for %zu nodes", s->blocks, n);
    if (bad_prob(s->p_in) || bad_prob(s->p_out))
      return nl_err(&g->err, NL_EINVAL, "sbm network: probabilities p_in = %g, p_out = %g must be in [0, 1]", s->p_in,
                    s->p_out);
    return NL_OK;
  case NL_NET_CAVEMAN:
    if (s->blocks == 0 || n % s->blocks)
      return nl_err(&g->err, NL_EINVAL, "caveman network: %zu groups do not divide %zu nodes", s->blocks, n);
    if (s->blocks < 2 && s->p > 0)
      return nl_err(&g->err, NL_EINVAL, "caveman network: cross-group rewiring needs at least 2 groups");
    if (bad_prob(s->p)) return nl_err(&g->err, NL_EINVAL, "caveman network: probability %g is not in [0, 1]", s->p);
    return NL_OK;
  }
  return nl_err(&g->err, NL_EINVAL, "unknown network kind %d", (int)s->kind);
}

static void add(nl_network *g, uint32_t u, uint32_t v) {
  size_t e = nl_network_push(g, u, v, 1.0);
  nl_network_hash_put(g, u, v, (uint32_t)e);
}

/* Geometric skip: number of failures before the next success of Bernoulli(p), 0 < p < 1. */
static double skip(nl_rng *r, double logq) { return floor(log(1.0 - nl_rng_uniform(r)) / logq); }

/* Each pair (i, j), lo <= i < j < hi, linked with probability p. */
static void gnp_triangle(nl_network *g, nl_rng *r, uint32_t lo, uint32_t hi, double p) {
  if (p <= 0 || hi - lo < 2) return;
  if (p >= 1) {
    for (uint32_t i = lo; i < hi; i++)
      for (uint32_t j = i + 1; j < hi; j++) add(g, i, j);
    return;
  }
  double logq = log1p(-p);
  uint64_t i = lo, j = lo; /* j advances along row i: pairs (i, i+1) .. (i, hi-1) */
  for (;;) {
    double s = skip(r, logq);
    if (s > 1e18) return;
    j += (uint64_t)s + 1;
    while (j >= hi) {
      uint64_t over = j - hi;
      i++;
      if (i + 1 >= hi) return;
      j = i + 1 + over;
    }
    if (g->ne >= g->ecap) return; /* capacity guard (callers reserve mean + 10 sd) */
    add(g, (uint32_t)i, (uint32_t)j);
  }
}

/* Each pair (i, j), i in [a0, a1), j in [b0, b1) (disjoint ranges), linked with probability p. */
static void gnp_rect(nl_network *g, nl_rng *r, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1, double p) {
  if (p <= 0 || a1 <= a0 || b1 <= b0) return;
  uint64_t w = b1 - b0, total = (uint64_t)(a1 - a0) * w;
  if (p >= 1) {
    for (uint32_t i = a0; i < a1; i++)
      for (uint32_t j = b0; j < b1; j++) add(g, i, j);
    return;
  }
  double logq = log1p(-p);
  double idx = -1;
  for (;;) {
    idx += skip(r, logq) + 1;
    if (idx >= (double)total) return;
    uint64_t k = (uint64_t)idx;
    if (g->ne >= g->ecap) return;
    add(g, (uint32_t)(a0 + k / w), (uint32_t)(b0 + k % w));
  }
}

/* Rewire the far end v of edge e to a uniform node w (filter `ok`), keeping u; up to 64 tries. */
static void rewire(nl_network *g, nl_rng *r, size_t e, uint32_t keep, uint32_t lo, uint32_t hi_excl, int outside) {
  uint32_t other = (g->eu[e] == keep) ? g->ev[e] : g->eu[e];
  size_t n = g->n, span = hi_excl - lo;
  for (int t = 0; t < 64; t++) {
    uint32_t w;
    if (outside) { /* uniform outside [lo, hi_excl) */
      uint64_t x = nl_rng_below(r, n - span);
      w = (uint32_t)(x < lo ? x : x + span);
    } else {
      w = (uint32_t)nl_rng_below(r, n);
    }
    if (w == keep || w == other || nl_network_hash_find(g, keep, w) >= 0) continue;
    nl_network_hash_del(g, keep, other);
    g->eu[e] = keep < w ? keep : w;
    g->ev[e] = keep < w ? w : keep;
    nl_network_hash_put(g, keep, w, (uint32_t)e);
    return;
  }
}

nl_status nl_network_generate_rng(nl_network *g, const nl_network_spec *s, nl_rng *r) {
  nl_status st = nl_network_spec_check(g, s);
  if (st) return st;
  size_t n = s->n, cap = nl_network_spec_max_edges(s);
  nl_network_clear(g);
  if ((st = nl_network_ensure(g, n, cap, 0))) return st;
  g->n = n;
  memset(g->block, 0, n * sizeof(uint32_t));
  nl_network_hash_clear(g);
  uint32_t N = (uint32_t)n;
  switch (s->kind) {
  case NL_NET_EMPTY: break;
  case NL_NET_COMPLETE: gnp_triangle(g, r, 0, N, 1.0); break;
  case NL_NET_RING:
  case NL_NET_WATTS_STROGATZ:
    for (size_t j = 1; j <= s->k; j++)
      for (uint32_t i = 0; i < N; i++) add(g, i, (uint32_t)((i + j) % n));
    if (s->kind == NL_NET_WATTS_STROGATZ && s->p > 0) {
      uint64_t P = nl_rng_fixed32(s->p);
      for (size_t e = 0; e < g->ne; e++) {
        /* the lattice edge was (i, i+j): keep i, the lower end in ring order */
        uint32_t a = g->eu[e], b = g->ev[e];
        uint32_t keep = ((size_t)b - a <= s->k) ? a : b;
        if ((nl_rng_u64(r) >> 32) < P) rewire(g, r, e, keep, 0, 0, 0);
      }
    }
    break;
  case NL_NET_LINE:
    for (size_t j = 1; j <= s->k; j++)
      for (uint32_t i = 0; i + j < n; i++) add(g, i, (uint32_t)(i + j));
    break;
  case NL_NET_ERDOS_RENYI: gnp_triangle(g, r, 0, N, s->p); break;
  case NL_NET_BARABASI_ALBERT: {
    uint32_t k = (uint32_t)s->k;
    gnp_triangle(g, r, 0, k + 1, 1.0); /* seed clique of k + 1 nodes */
    uint32_t chosen[64];
    for (uint32_t t = k + 1; t < N; t++) {
      size_t ends = 2 * g->ne; /* pick an edge end uniformly: probability proportional to degree */
      for (uint32_t c = 0; c < k;) {
        uint64_t x = nl_rng_below(r, ends);
        uint32_t v = (x & 1) ? g->ev[x >> 1] : g->eu[x >> 1];
        int dup = 0;
        for (uint32_t d = 0; d < c && d < 64; d++) dup |= chosen[d] == v;
        if (c >= 64 && nl_network_hash_find(g, t, v) >= 0) dup = 1;
        if (dup) continue;
        if (c < 64) chosen[c] = v;
        add(g, t, v);
        c++;
      }
    }
    break;
  }
  case NL_NET_SBM: {
    uint32_t a0 = 0;
    for (size_t a = 0; a < s->blocks; a++) {
      uint32_t a1 = a0 + (uint32_t)block_size(n, s->blocks, a);
      for (uint32_t i = a0; i < a1; i++) g->block[i] = (uint32_t)a;
      gnp_triangle(g, r, a0, a1, s->p_in);
      uint32_t b0 = a1;
      for (size_t b = a + 1; b < s->blocks; b++) {
        uint32_t b1 = b0 + (uint32_t)block_size(n, s->blocks, b);
        gnp_rect(g, r, a0, a1, b0, b1, s->p_out);
        b0 = b1;
      }
      a0 = a1;
    }
    break;
  }
  case NL_NET_CAVEMAN: {
    uint32_t size = (uint32_t)(n / s->blocks);
    for (uint32_t b = 0; b < s->blocks; b++) {
      for (uint32_t i = b * size; i < (b + 1) * size; i++) g->block[i] = b;
      gnp_triangle(g, r, b * size, (b + 1) * size, 1.0);
    }
    if (s->p > 0) {
      uint64_t P = nl_rng_fixed32(s->p);
      size_t e0 = g->ne;
      for (size_t e = 0; e < e0; e++) {
        uint64_t x = nl_rng_u64(r);
        if ((x >> 32) >= P) continue;
        uint32_t keep = (x & 1) ? g->ev[e] : g->eu[e]; /* which end keeps the link: a fair coin */
        uint32_t grp = g->block[keep];
        rewire(g, r, e, keep, grp * size, (grp + 1) * size, 1);
      }
    }
    break;
  }
  }
  g->csr_ok = 0;
  return NL_OK;
}

nl_status nl_network_generate(nl_network *g, const nl_network_spec *spec, uint64_t seed, uint64_t stream,
                              uint64_t sub) {
  if (!g || !spec) return NL_EINVAL;
  nl_rng r;
  nl_rng_init(&r, seed, stream, NL_RNG_NETWORK, sub);
  return nl_network_generate_rng(g, spec, &r);
}
