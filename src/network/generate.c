/*
 * Random and regular graph generators over netlearn's own streams (core/rng.h), never igraph's
 * global RNG: a graph depends only on (seed, stream, sub), whatever thread builds it.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/limits.h"
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

static int ring_ok(size_t n, size_t k) { return k >= 1 && n >= 3 && 2 * k < n; }

/* Pairs of the ring lattice's complement: what SW_ADDED can add. */
static size_t far_pairs(size_t n, size_t k) { return pairs(n) - n * k; }

size_t nl_network_spec_max_edges(const nl_network_spec *s) {
  if (!s) return 0;
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
  case NL_NET_SW_REWIRED:
    if (!ring_ok(n, s->k) || s->shortcuts > n * s->k || (s->shortcuts > 0 && 2 * s->k + 1 == n)) return 0;
    return n * s->k;
  case NL_NET_SW_ADDED:
    if (!ring_ok(n, s->k) || s->shortcuts > far_pairs(n, s->k)) return 0;
    return n * s->k + s->shortcuts;
  }
  return 0;
}

static nl_status check_kind(nl_network *g, const nl_network_spec *s) {
  size_t n = s->n;
  const char *name = ((unsigned)s->kind <= (unsigned)NL_NET_SW_ADDED) ? nl_network_kind_names[s->kind] : "?";
  switch (s->kind) {
  case NL_NET_EMPTY:
  case NL_NET_COMPLETE: return NL_OK;
  case NL_NET_RING:
  case NL_NET_WATTS_STROGATZ:
  case NL_NET_SW_REWIRED:
  case NL_NET_SW_ADDED:
    if (!ring_ok(n, s->k))
      return nl_err(&g->err, NL_EINVAL, "%s network: need k >= 1 neighbours on each side and n > 2k (n = %zu, k = %zu)",
                    name, n, s->k);
    if (s->kind == NL_NET_WATTS_STROGATZ && bad_prob(s->p))
      return nl_err(&g->err, NL_EINVAL, "%s network: rewiring probability %g is not in [0, 1]", name, s->p);
    if (s->kind == NL_NET_SW_REWIRED && s->shortcuts > n * s->k)
      return nl_err(&g->err, NL_EINVAL,
                    "sw_rewired network: shortcuts = %zu is more than the %zu lattice edges there are to rewire "
                    "(n k, n = %zu, k = %zu)",
                    s->shortcuts, n * s->k, n, s->k);
    if (s->kind == NL_NET_SW_REWIRED && s->shortcuts > 0 && 2 * s->k + 1 == n)
      return nl_err(&g->err, NL_EINVAL,
                    "sw_rewired network: with n = 2k + 1 = %zu the lattice is complete, so no edge can be rewired "
                    "(shortcuts = %zu; use shortcuts = 0 or n > 2k + 1)",
                    n, s->shortcuts);
    if (s->kind == NL_NET_SW_ADDED && s->shortcuts > far_pairs(n, s->k))
      return nl_err(&g->err, NL_EINVAL,
                    "sw_added network: shortcuts = %zu is more than the %zu unlinked pairs of the lattice "
                    "(n(n-1)/2 - n k, n = %zu, k = %zu)",
                    s->shortcuts, far_pairs(n, s->k), n, s->k);
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

nl_status nl_network_spec_check(nl_network *g, const nl_network_spec *s) {
  nl_status st = check_kind(g, s);
  if (st) return st;
  /* Ties that can never fit (a ring of 1e7 nodes with k = 1e6: 1e13 ties) are bad input, found
   * here rather than as an allocation failure. */
  return nl_check_state_bytes(&g->err, (double)nl_network_spec_max_edges(s) * NL_TIE_BYTES,
                              "a %s network of %zu nodes (up to %zu ties)", nl_network_kind_names[s->kind], s->n,
                              nl_network_spec_max_edges(s));
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

/* Ring lattice: edge {i, i + j mod n} for j = 1..k at index (j - 1) n + i. */
static void ring_lattice(nl_network *g, size_t k) {
  size_t n = g->n;
  for (size_t j = 1; j <= k; j++)
    for (uint32_t i = 0; i < n; i++) add(g, i, (uint32_t)((i + j) % n));
}

static uint32_t uf_find(uint32_t *parent, uint32_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]]; /* path halving */
    x = parent[x];
  }
  return x;
}

/* Whether the edge list connects all nodes: union-find over `parent` (n words of scratch).
 * O(n + edges), stopping at the edge that joins the last two components. */
static int connected(const nl_network *g, uint32_t *parent) {
  size_t n = g->n, comps = n;
  if (n <= 1) return 1;
  for (uint32_t i = 0; i < n; i++) parent[i] = i;
  for (size_t e = 0; e < g->ne; e++) {
    uint32_t a = uf_find(parent, g->eu[e]), b = uf_find(parent, g->ev[e]);
    if (a == b) continue;
    parent[a] = b;
    if (--comps == 1) return 1;
  }
  return 0;
}

/* A uniform node w != u not linked to u: up to 64 rejection draws, then an exact count-and-pick
 * scan (O(n)), so w is uniform among the candidates either way. 0 when u is linked to all. */
static int free_partner(const nl_network *g, nl_rng *r, uint32_t u, uint32_t *w) {
  uint32_t n = (uint32_t)g->n;
  for (int t = 0; t < 64; t++) {
    uint32_t x = (uint32_t)nl_rng_below(r, n);
    if (x != u && nl_network_hash_find(g, u, x) < 0) {
      *w = x;
      return 1;
    }
  }
  size_t c = 0;
  for (uint32_t x = 0; x < n; x++)
    if (x != u && nl_network_hash_find(g, u, x) < 0) c++;
  if (c == 0) return 0;
  uint64_t pick = nl_rng_below(r, c);
  uint32_t x = 0;
  for (;; x++)
    if (x != u && nl_network_hash_find(g, u, x) < 0 && pick-- == 0) break;
  *w = x;
  return 1;
}

/*
 * Lazer & Friedman (2007): rewire exactly `shortcuts` distinct lattice edges. Each attempt picks a
 * lattice edge not yet rewired (uniformly), keeps a random end u and moves the other to a uniform
 * node w != u not linked to u; a rewiring that would disconnect the graph is undone and another
 * edge is picked ("that link is passed over, and another is selected"; the passed-over edge stays
 * a candidate, since later rewirings may make it movable). Edges keep their slots, so the edge set
 * gets one tombstone per rewired edge at most, as for Watts-Strogatz.
 * Scratch without allocation: the CSR neighbour array (2 ecap words, stale while generating) holds
 * the slots not yet rewired (n k <= ecap words) and, from word ecap on, the union-find parents
 * (n <= ecap words).
 */
static nl_status sw_rewire(nl_network *g, nl_rng *r, size_t k, size_t shortcuts) {
  size_t lattice = g->ne, left = lattice, done = 0, attempts = 0;
  size_t max_attempts = shortcuts > (SIZE_MAX - 1000) / 100 ? SIZE_MAX : 100 * shortcuts + 1000;
  uint32_t *todo = g->nbr, *parent = g->nbr + g->ecap;
  for (size_t e = 0; e < lattice; e++) todo[e] = (uint32_t)e;
  while (done < shortcuts) {
    if (attempts++ == max_attempts)
      return nl_err(&g->err, NL_EINVAL,
                    "sw_rewired network: gave up after %zu attempts with %zu of %zu shortcuts rewired: the "
                    "other rewirings drawn would have disconnected the graph or found no node to move to "
                    "(n = %zu, k = %zu); use fewer shortcuts",
                    max_attempts, done, shortcuts, g->n, k);
    size_t i = (size_t)nl_rng_below(r, left);
    uint32_t e = todo[i], a = g->eu[e], b = g->ev[e];
    uint32_t keep = (nl_rng_u64(r) & 1) ? b : a, w;
    if (!free_partner(g, r, keep, &w)) continue;
    g->eu[e] = keep < w ? keep : w;
    g->ev[e] = keep < w ? w : keep;
    if (!connected(g, parent)) { /* passed over */
      g->eu[e] = a;
      g->ev[e] = b;
      continue;
    }
    nl_network_hash_del(g, a, b);
    nl_network_hash_put(g, keep, w, e);
    todo[i] = todo[--left];
    done++;
  }
  return NL_OK;
}

/* The x-th pair farther apart than k on the ring, 0 <= x < far_pairs(n, k): ring offsets
 * d = k+1 .. (n-1)/2 give n pairs {i, i+d mod n} each; for even n, d = n/2 gives n/2 more. */
static void far_pair(size_t n, size_t k, uint64_t x, uint32_t *u, uint32_t *v) {
  uint64_t rows = (uint64_t)n * ((n - 1) / 2 - k);
  uint64_t i, d;
  if (x < rows) {
    d = k + 1 + x / n;
    i = x % n;
  } else {
    d = n / 2;
    i = x - rows;
  }
  *u = (uint32_t)i;
  *v = (uint32_t)((i + d) % n);
}

/* Newman & Watts (1999): `shortcuts` distinct pairs not in the lattice, a uniform subset drawn by
 * Floyd's algorithm: one draw per edge, the same law as adding uniform unlinked pairs one at a
 * time, without rejection slowing down near the complete graph. */
static void sw_add(nl_network *g, nl_rng *r, size_t k, size_t shortcuts) {
  size_t n = g->n;
  uint64_t m = far_pairs(n, k);
  for (uint64_t j = m - shortcuts; j < m; j++) {
    uint32_t u, v;
    far_pair(n, k, nl_rng_below(r, j + 1), &u, &v);
    if (nl_network_hash_find(g, u, v) >= 0) far_pair(n, k, j, &u, &v); /* drawn before: take j */
    add(g, u, v);
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
    ring_lattice(g, s->k);
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
  case NL_NET_SW_REWIRED:
    ring_lattice(g, s->k);
    st = sw_rewire(g, r, s->k, s->shortcuts);
    break;
  case NL_NET_SW_ADDED:
    ring_lattice(g, s->k);
    sw_add(g, r, s->k, s->shortcuts);
    break;
  }
  g->csr_ok = 0;
  if (st) nl_network_clear(g); /* no half-made graph */
  return st;
}

nl_status nl_network_generate(nl_network *g, const nl_network_spec *spec, uint64_t seed, uint64_t stream,
                              uint64_t sub) {
  if (!g || !spec) return NL_EINVAL;
  nl_rng r;
  nl_rng_init(&r, seed, stream, NL_RNG_NETWORK, sub);
  return nl_network_generate_rng(g, spec, &r);
}
