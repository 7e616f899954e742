/* Network module: generators (structure, determinism, statistics), files (every error path),
 * attributes, compact adjacency, measures, allocation failures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/fault_alloc.h"
#include "netlearn/network.h"

#define DATA NL_SOURCE_DIR "/tests/network/data/"

/* Simple graph check: no self-loop, no duplicate, ends in range. */
static void assert_simple(nl_network *g) {
  size_t n = nl_network_nodes(g), ne = nl_network_edges(g);
  const size_t *off;
  const uint32_t *nbr;
  assert_int_equal(nl_network_csr(g, &off, &nbr, NULL), NL_OK);
  assert_int_equal(off[n], 2 * ne);
  for (size_t i = 0; i < n; i++) {
    for (size_t a = off[i]; a < off[i + 1]; a++) {
      assert_true(nbr[a] < n);
      assert_true(nbr[a] != i);
      for (size_t b = a + 1; b < off[i + 1]; b++) assert_true(nbr[a] != nbr[b]);
    }
  }
}

static nl_network *gen(nl_network_spec s, uint64_t seed, uint64_t stream) {
  nl_network *g = nl_network_new();
  assert_non_null(g);
  nl_status st = nl_network_generate(g, &s, seed, stream, 0);
  if (st) fail_msg("%s", nl_network_errmsg(g));
  assert_simple(g);
  return g;
}

/* Whether {a, b} is a ring-lattice pair: cyclic distance 1..k. */
static int lattice_pair(size_t n, size_t k, size_t a, size_t b) {
  size_t d = a > b ? a - b : b - a;
  if (n - d < d) d = n - d;
  return d >= 1 && d <= k;
}

static size_t count_non_lattice(nl_network *g, size_t k) {
  size_t n = nl_network_nodes(g), c = 0;
  for (size_t e = 0; e < nl_network_edges(g); e++) {
    size_t a, b;
    assert_int_equal(nl_network_edge(g, e, &a, &b, NULL), NL_OK);
    c += !lattice_pair(n, k, a, b);
  }
  return c;
}

/* Same edge list, in the same order. */
static int same_edges(nl_network *g, nl_network *h) {
  if (nl_network_nodes(g) != nl_network_nodes(h) || nl_network_edges(g) != nl_network_edges(h)) return 0;
  for (size_t e = 0; e < nl_network_edges(g); e++) {
    size_t a, b, c, d;
    nl_network_edge(g, e, &a, &b, NULL);
    nl_network_edge(h, e, &c, &d, NULL);
    if (a != c || b != d) return 0;
  }
  return 1;
}

static size_t components(nl_network *g) {
  nl_network_measures m;
  assert_int_equal(nl_network_measure(g, &m), NL_OK);
  return m.components;
}

static size_t min_degree(nl_network *g) {
  const size_t *off;
  assert_int_equal(nl_network_csr(g, &off, NULL, NULL), NL_OK);
  size_t lo = SIZE_MAX;
  for (size_t i = 0; i < nl_network_nodes(g); i++)
    if (off[i + 1] - off[i] < lo) lo = off[i + 1] - off[i];
  return lo;
}

/* One rule for every reader of network files: GraphML by name (.graphml or .xml, any case). */
static void test_path_is_graphml(void **unused) {
  (void)unused;
  assert_true(nl_network_path_is_graphml("a/b.graphml"));
  assert_true(nl_network_path_is_graphml("B.GraphML"));
  assert_true(nl_network_path_is_graphml("net.xml"));
  assert_false(nl_network_path_is_graphml("ties.csv"));
  assert_false(nl_network_path_is_graphml("graphml"));
  assert_false(nl_network_path_is_graphml(""));
}

static void test_deterministic_kinds(void **unused) {
  (void)unused;
  nl_network *g = gen((nl_network_spec){.kind = NL_NET_COMPLETE, .n = 10}, 1, 0);
  assert_int_equal(nl_network_edges(g), 45);
  nl_network_measures m;
  assert_int_equal(nl_network_measure(g, &m), NL_OK);
  assert_true(fabs(m.density - 1) < 1e-12 && fabs(m.clustering - 1) < 1e-12 && fabs(m.avg_path_length - 1) < 1e-12);
  assert_int_equal(m.components, 1);
  nl_network_free(g);

  g = gen((nl_network_spec){.kind = NL_NET_RING, .n = 10, .k = 2}, 1, 0);
  assert_int_equal(nl_network_edges(g), 20);
  const size_t *off;
  assert_int_equal(nl_network_csr(g, &off, NULL, NULL), NL_OK);
  for (size_t i = 0; i < 10; i++) assert_int_equal(off[i + 1] - off[i], 4);
  assert_int_equal(nl_network_measure(g, &m), NL_OK);
  assert_true(fabs(m.clustering - 0.5) < 1e-12); /* ring lattice k = 2: 3(k-1)/(2(2k-1)) = 0.5 */
  nl_network_free(g);

  g = gen((nl_network_spec){.kind = NL_NET_LINE, .n = 10, .k = 1}, 1, 0);
  assert_int_equal(nl_network_edges(g), 9);
  assert_int_equal(nl_network_measure(g, &m), NL_OK);
  assert_true(fabs(m.avg_path_length - 11.0 / 3.0) < 1e-12); /* path of 10 nodes: (n+1)/3 */
  nl_network_free(g);

  g = gen((nl_network_spec){.kind = NL_NET_EMPTY, .n = 7}, 1, 0);
  assert_int_equal(nl_network_edges(g), 0);
  assert_int_equal(nl_network_measure(g, &m), NL_OK);
  assert_int_equal(m.components, 7);
  assert_int_equal(m.largest_component, 1);
  nl_network_free(g);

  /* Watts-Strogatz with p = 0 is the ring; caveman with p = 0 is disjoint cliques. */
  g = gen((nl_network_spec){.kind = NL_NET_WATTS_STROGATZ, .n = 10, .k = 2, .p = 0}, 1, 0);
  assert_int_equal(nl_network_measure(g, &m), NL_OK);
  assert_true(fabs(m.clustering - 0.5) < 1e-12);
  nl_network_free(g);
  g = gen((nl_network_spec){.kind = NL_NET_CAVEMAN, .n = 28, .blocks = 4, .p = 0}, 1, 0);
  assert_int_equal(nl_network_edges(g), 4 * 21);
  assert_int_equal(nl_network_measure(g, &m), NL_OK);
  assert_int_equal(m.components, 4);
  assert_int_equal(nl_network_block(g, 7), 1);
  nl_network_free(g);
}

static void test_random_kinds(void **unused) {
  (void)unused;
  /* Erdos-Renyi: edges ~ Binomial(n(n-1)/2, p); within 5 sd. */
  size_t n = 2000;
  double p = 0.01, N = (double)n * (double)(n - 1) / 2.0;
  nl_network *g = gen((nl_network_spec){.kind = NL_NET_ERDOS_RENYI, .n = n, .p = p}, 7, 3);
  double e = (double)nl_network_edges(g);
  assert_true(fabs(e - N * p) < 5 * sqrt(N * p * (1 - p)));
  /* same (seed, stream): same graph; another stream: another graph */
  nl_network *h = gen((nl_network_spec){.kind = NL_NET_ERDOS_RENYI, .n = n, .p = p}, 7, 3);
  assert_int_equal(nl_network_edges(h), nl_network_edges(g));
  for (size_t k = 0; k < nl_network_edges(g); k++) {
    size_t a, b, c, d;
    nl_network_edge(g, k, &a, &b, NULL);
    nl_network_edge(h, k, &c, &d, NULL);
    assert_true(a == c && b == d);
  }
  nl_network_free(h);
  h = gen((nl_network_spec){.kind = NL_NET_ERDOS_RENYI, .n = n, .p = p}, 7, 4);
  assert_true(nl_network_edges(h) != nl_network_edges(g) || nl_network_edges(g) == 0);
  nl_network_free(h);
  nl_network_free(g);

  /* Watts-Strogatz keeps the edge count and lowers path length. */
  g = gen((nl_network_spec){.kind = NL_NET_WATTS_STROGATZ, .n = 500, .k = 3, .p = 0.1}, 7, 0);
  assert_int_equal(nl_network_edges(g), 1500);
  nl_network_measures m;
  assert_int_equal(nl_network_measure(g, &m), NL_OK);
  assert_true(m.avg_path_length < 15 && m.clustering > 0.3); /* lattice: 42 and 0.6 */
  nl_network_free(g);

  /* Every edge rewired, edge count a power of two: the edge set fills with tombstones (must end). */
  g = gen((nl_network_spec){.kind = NL_NET_WATTS_STROGATZ, .n = 512, .k = 2, .p = 1}, 7, 0);
  assert_int_equal(nl_network_edges(g), 1024);
  nl_network_free(g);

  /* Barabasi-Albert: exact edge count, heavy tail (max degree well above the mean). */
  g = gen((nl_network_spec){.kind = NL_NET_BARABASI_ALBERT, .n = 2000, .k = 3}, 7, 0);
  assert_int_equal(nl_network_edges(g), 6 + (2000 - 4) * 3);
  const size_t *off;
  nl_network_csr(g, &off, NULL, NULL);
  size_t maxd = 0;
  for (size_t i = 0; i < 2000; i++)
    if (off[i + 1] - off[i] > maxd) maxd = off[i + 1] - off[i];
  assert_true(maxd > 40);
  nl_network_free(g);

  /* SBM: inside and across counts near their means. */
  g = gen((nl_network_spec){.kind = NL_NET_SBM, .n = 400, .blocks = 4, .p_in = 0.2, .p_out = 0.01}, 7, 0);
  double in = 0, out = 0;
  for (size_t k = 0; k < nl_network_edges(g); k++) {
    size_t a, b;
    nl_network_edge(g, k, &a, &b, NULL);
    if (nl_network_block(g, a) == nl_network_block(g, b)) in++;
    else out++;
  }
  double nin = 4 * 100 * 99 / 2.0, nout = 400 * 399 / 2.0 - nin;
  assert_true(fabs(in - 0.2 * nin) < 5 * sqrt(nin * 0.2 * 0.8));
  assert_true(fabs(out - 0.01 * nout) < 5 * sqrt(nout * 0.01 * 0.99));
  nl_network_free(g);

  /* Relaxed caveman: a share p of edges become cross-group links. */
  g = gen((nl_network_spec){.kind = NL_NET_CAVEMAN, .n = 1400, .blocks = 200, .p = 0.1}, 7, 0);
  size_t E = nl_network_edges(g), cross = 0;
  assert_int_equal(E, 200 * 21);
  for (size_t k = 0; k < E; k++) {
    size_t a, b;
    nl_network_edge(g, k, &a, &b, NULL);
    cross += nl_network_block(g, a) != nl_network_block(g, b);
  }
  double Ed = (double)E;
  assert_true(fabs((double)cross - 0.1 * Ed) < 5 * sqrt(Ed * 0.1 * 0.9));
  nl_network_free(g);
}

/* Lazer & Friedman (2007): the ring with exactly `shortcuts` lattice edges rewired, never
 * disconnected, density that of the lattice. */
static void test_sw_rewired(void **unused) {
  (void)unused;
  /* no shortcuts: the ring itself, edge for edge */
  nl_network *ring = gen((nl_network_spec){.kind = NL_NET_RING, .n = 100, .k = 2}, 5, 0);
  nl_network *g = gen((nl_network_spec){.kind = NL_NET_SW_REWIRED, .n = 100, .k = 2, .shortcuts = 0}, 5, 0);
  assert_true(same_edges(g, ring));
  nl_network_free(g);
  nl_network_free(ring);

  size_t counts[] = {1, 2, 5, 20, 60, 150, 200}; /* 200 = n k: every lattice edge */
  for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
    for (uint64_t seed = 1; seed <= 10; seed++) {
      nl_network_spec s = {.kind = NL_NET_SW_REWIRED, .n = 100, .k = 2, .shortcuts = counts[c]};
      assert_int_equal(nl_network_spec_max_edges(&s), 200);
      g = gen(s, seed, c);
      assert_int_equal(nl_network_edges(g), 200);
      assert_int_equal(components(g), 1);
      assert_true(min_degree(g) >= 1);
      /* the first rewired edge is never moved again and lands off the lattice (all lattice pairs
       * are linked then); later ones may land on a lattice pair vacated earlier */
      size_t far = count_non_lattice(g, 2);
      if (far < 1 || far > counts[c]) fail_msg("shortcuts %zu seed %d: %zu non-lattice edges", counts[c], (int)seed, far);
      nl_network_free(g);
    }
  }

  /* few shortcuts rarely meet: s non-lattice edges in most draws */
  size_t exact = 0;
  for (uint64_t seed = 1; seed <= 20; seed++) {
    g = gen((nl_network_spec){.kind = NL_NET_SW_REWIRED, .n = 100, .k = 2, .shortcuts = 5}, seed, 0);
    exact += count_non_lattice(g, 2) == 5;
    nl_network_free(g);
  }
  assert_true(exact >= 15);

  /* the hard case: a ring of 10 (k = 1, a single cycle) with 8 of its 10 edges rewired must stay
   * connected (most single rewirings of a tree-like graph would cut it); and all 10 */
  for (uint64_t seed = 1; seed <= 300; seed++) {
    size_t s_[] = {8, 10};
    for (size_t i = 0; i < 2; i++) {
      g = gen((nl_network_spec){.kind = NL_NET_SW_REWIRED, .n = 10, .k = 1, .shortcuts = s_[i]}, seed, 0);
      assert_int_equal(nl_network_edges(g), 10);
      assert_int_equal(components(g), 1);
      size_t far = count_non_lattice(g, 1);
      assert_true(far >= 1 && far <= s_[i]);
      nl_network_free(g);
    }
  }

  /* same stream: the same edge list; another stream or seed: another graph */
  nl_network_spec s = {.kind = NL_NET_SW_REWIRED, .n = 100, .k = 3, .shortcuts = 30};
  g = gen(s, 11, 2);
  nl_network *h = gen(s, 11, 2);
  assert_true(same_edges(g, h));
  nl_network_free(h);
  h = gen(s, 12, 2);
  assert_false(same_edges(g, h));
  nl_network_free(h);
  h = gen(s, 11, 3);
  assert_false(same_edges(g, h));
  nl_network_free(h);
  nl_network_free(g);
}

/* Newman & Watts (1999): the ring plus exactly `shortcuts` new distinct edges. */
static void test_sw_added(void **unused) {
  (void)unused;
  nl_network *ring = gen((nl_network_spec){.kind = NL_NET_RING, .n = 100, .k = 2}, 5, 0);
  nl_network *g = gen((nl_network_spec){.kind = NL_NET_SW_ADDED, .n = 100, .k = 2, .shortcuts = 0}, 5, 0);
  assert_true(same_edges(g, ring));
  nl_network_free(g);
  nl_network_free(ring);

  /* exact counts (gen checks: no duplicate, no self-loop); the lattice is kept whole */
  struct {
    size_t n, k, s;
  } cases[] = {{100, 2, 1}, {100, 2, 50}, {100, 3, 1000}, {10, 2, 25}, {11, 2, 33}, {10, 4, 5}, {7, 3, 0}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    for (uint64_t seed = 1; seed <= 5; seed++) {
      nl_network_spec s = {.kind = NL_NET_SW_ADDED, .n = cases[c].n, .k = cases[c].k, .shortcuts = cases[c].s};
      size_t lattice = cases[c].n * cases[c].k;
      assert_int_equal(nl_network_spec_max_edges(&s), lattice + cases[c].s);
      g = gen(s, seed, 0);
      assert_int_equal(nl_network_edges(g), lattice + cases[c].s);
      assert_int_equal(count_non_lattice(g, cases[c].k), cases[c].s);
      nl_network_free(g);
    }
  }
  /* as many shortcuts as there are unlinked pairs: the complete graph (odd and even n) */
  g = gen((nl_network_spec){.kind = NL_NET_SW_ADDED, .n = 10, .k = 2, .shortcuts = 25}, 1, 0);
  assert_int_equal(nl_network_edges(g), 45);
  nl_network_free(g);

  /* every unlinked pair equally likely: n = 20, k = 2 has 150 of them; 10 shortcuts per graph,
   * 3000 graphs: each pair drawn 200 times in expectation, sd 13.7; allow 6 sd */
  size_t n = 20, reps = 3000, hits[20][20];
  memset(hits, 0, sizeof hits);
  g = nl_network_new();
  nl_network_spec s = {.kind = NL_NET_SW_ADDED, .n = n, .k = 2, .shortcuts = 10};
  assert_int_equal(nl_network_reserve(g, n, nl_network_spec_max_edges(&s)), NL_OK);
  for (uint64_t rep = 0; rep < reps; rep++) {
    assert_int_equal(nl_network_generate(g, &s, 9, rep, 0), NL_OK);
    for (size_t e = 0; e < nl_network_edges(g); e++) {
      size_t a, b;
      nl_network_edge(g, e, &a, &b, NULL);
      if (!lattice_pair(n, 2, a, b)) hits[a][b]++;
    }
  }
  nl_network_free(g);
  double mean = (double)reps * 10.0 / 150.0, sd = sqrt(mean * (1 - 10.0 / 150.0));
  size_t far = 0;
  for (size_t a = 0; a < n; a++)
    for (size_t b = a + 1; b < n; b++) {
      if (lattice_pair(n, 2, a, b)) continue;
      far++;
      if (fabs((double)hits[a][b] - mean) > 6 * sd) fail_msg("pair %zu-%zu drawn %zu times (mean %g)", a, b, hits[a][b], mean);
    }
  assert_int_equal(far, 150);

  s = (nl_network_spec){.kind = NL_NET_SW_ADDED, .n = 100, .k = 3, .shortcuts = 30};
  g = gen(s, 11, 2);
  nl_network *h = gen(s, 11, 2);
  assert_true(same_edges(g, h));
  nl_network_free(h);
  h = gen(s, 12, 2);
  assert_false(same_edges(g, h));
  nl_network_free(h);
  nl_network_free(g);
}

static void test_bad_specs(void **unused) {
  (void)unused;
  nl_network *g = nl_network_new();
  nl_network_spec bad[] = {
      {.kind = NL_NET_RING, .n = 4, .k = 2},
      {.kind = NL_NET_ERDOS_RENYI, .n = 4, .p = 1.5},
      {.kind = NL_NET_CAVEMAN, .n = 10, .blocks = 3},
      {.kind = NL_NET_BARABASI_ALBERT, .n = 3, .k = 3},
      {.kind = NL_NET_SBM, .n = 10, .blocks = 0},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(nl_network_generate(g, &bad[i], 1, 0, 0), NL_EINVAL);
    assert_true(strlen(nl_network_errmsg(g)) > 10);
  }

  /* small-world kinds: each message names the parameter at fault; max_edges is 0 when invalid */
  struct {
    nl_network_spec s;
    const char *msg;
  } sw[] = {
      {{.kind = NL_NET_SW_REWIRED, .n = 10, .k = 5}, "sw_rewired network: need k >= 1 neighbours on each side and n > 2k (n = 10, k = 5)"},
      {{.kind = NL_NET_SW_REWIRED, .n = 10, .k = 0}, "sw_rewired network: need k >= 1"},
      {{.kind = NL_NET_SW_ADDED, .n = 2, .k = 1}, "sw_added network: need k >= 1 neighbours on each side and n > 2k (n = 2, k = 1)"},
      {{.kind = NL_NET_SW_REWIRED, .n = 10, .k = 2, .shortcuts = 21},
       "sw_rewired network: shortcuts = 21 is more than the 20 lattice edges there are to rewire"},
      {{.kind = NL_NET_SW_REWIRED, .n = 5, .k = 2, .shortcuts = 1}, "sw_rewired network: with n = 2k + 1 = 5 the lattice is complete"},
      {{.kind = NL_NET_SW_ADDED, .n = 10, .k = 2, .shortcuts = 26},
       "sw_added network: shortcuts = 26 is more than the 25 unlinked pairs of the lattice"},
      {{.kind = NL_NET_SW_ADDED, .n = 7, .k = 3, .shortcuts = 1}, "sw_added network: shortcuts = 1 is more than the 0 unlinked pairs"},
  };
  for (size_t i = 0; i < sizeof sw / sizeof sw[0]; i++) {
    assert_int_equal(nl_network_spec_check(g, &sw[i].s), NL_EINVAL);
    if (!strstr(nl_network_errmsg(g), sw[i].msg)) fail_msg("case %zu message: %s", i, nl_network_errmsg(g));
    assert_int_equal(nl_network_generate(g, &sw[i].s, 1, 0, 0), NL_EINVAL);
    assert_int_equal(nl_network_spec_max_edges(&sw[i].s), 0);
  }
  /* the limits themselves are valid */
  nl_network_spec ok[] = {{.kind = NL_NET_SW_REWIRED, .n = 10, .k = 2, .shortcuts = 20},
                          {.kind = NL_NET_SW_REWIRED, .n = 5, .k = 2, .shortcuts = 0},
                          {.kind = NL_NET_SW_ADDED, .n = 10, .k = 2, .shortcuts = 25}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (nl_network_generate(g, &ok[i], 1, 0, 0)) fail_msg("case %zu: %s", i, nl_network_errmsg(g));
  assert_string_equal(nl_network_kind_names[NL_NET_SW_REWIRED], "sw_rewired");
  assert_string_equal(nl_network_kind_names[NL_NET_SW_ADDED], "sw_added");
  assert_null(nl_network_kind_names[NL_NET_SW_ADDED + 1]);
  nl_network_free(g);
}

/* After reserving, regenerating does not allocate (models regenerate per replication in reset). */
static void test_no_alloc_after_reserve(void **unused) {
  (void)unused;
  nl_network_spec s = {.kind = NL_NET_ERDOS_RENYI, .n = 300, .p = 0.05};
  nl_network *g = nl_network_new();
  assert_int_equal(nl_network_reserve(g, s.n, nl_network_spec_max_edges(&s)), NL_OK);
  const size_t *off;
  assert_int_equal(nl_network_generate(g, &s, 1, 0, 0), NL_OK);
  assert_int_equal(nl_network_csr(g, &off, NULL, NULL), NL_OK);
  nl_alloc_fail_after(1);
  for (uint64_t rep = 1; rep < 20; rep++) {
    assert_int_equal(nl_network_generate(g, &s, 1, rep, 0), NL_OK);
    assert_int_equal(nl_network_csr(g, &off, NULL, NULL), NL_OK);
  }
  nl_alloc_fail_after(0);
  nl_network_free(g);

  /* the small-world kinds keep their scratch (rewiring candidates, union-find) inside the handle:
   * not even the first graph after the reservation allocates */
  nl_network_spec sw[] = {{.kind = NL_NET_SW_REWIRED, .n = 200, .k = 3, .shortcuts = 100},
                          {.kind = NL_NET_SW_ADDED, .n = 200, .k = 3, .shortcuts = 100}};
  for (size_t i = 0; i < 2; i++) {
    g = nl_network_new();
    assert_int_equal(nl_network_reserve(g, sw[i].n, nl_network_spec_max_edges(&sw[i])), NL_OK);
    nl_alloc_fail_after(1);
    for (uint64_t rep = 0; rep < 20; rep++) {
      assert_int_equal(nl_network_generate(g, &sw[i], 1, rep, 0), NL_OK);
      assert_int_equal(nl_network_csr(g, &off, NULL, NULL), NL_OK);
    }
    nl_alloc_fail_after(0);
    nl_network_free(g);
  }
}

static void test_edgelist(void **unused) {
  (void)unused;
  nl_network *g = NULL;
  nl_status st = nl_network_read_edgelist(DATA "good.csv", 0, 0, &g);
  if (st) fail_msg("%s", nl_network_errmsg(g));
  assert_int_equal(nl_network_nodes(g), 4);
  assert_int_equal(nl_network_edges(g), 4);
  assert_true(nl_network_weighted(g));
  assert_string_equal(nl_network_label(g, 0), "a");
  assert_string_equal(nl_network_label(g, 3), "d");
  size_t u, v;
  double w;
  nl_network_edge(g, 2, &u, &v, &w); /* c,a,0.5 */
  assert_true(u == 0 && v == 2 && w == 0.5);
  const size_t *off;
  const uint32_t *nbr;
  const double *wt;
  assert_int_equal(nl_network_csr(g, &off, &nbr, &wt), NL_OK);
  assert_non_null(wt);
  assert_int_equal(off[1] - off[0], 3); /* a: b, c, d */

  /* attributes by label */
  st = nl_network_load_attributes(g, DATA "attrs.csv");
  if (st) fail_msg("%s", nl_network_errmsg(g));
  assert_int_equal(nl_network_nattrs(g), 2);
  long size = nl_network_attr_index(g, "size"), age = nl_network_attr_index(g, "age");
  assert_true(size == 0 && age == 1);
  assert_true(nl_network_attr(g, 0, 0) == 10 && nl_network_attr(g, 0, 1) == 20);
  assert_true(isnan(nl_network_attr(g, 0, 2)) && nl_network_attr(g, 1, 2) == 5);
  assert_true(isnan(nl_network_attr(g, 1, 1)) && isnan(nl_network_attr(g, 0, 3)));

  struct {
    const char *file;
    nl_status st;
    const char *where;
  } bad_attrs[] = {
      {DATA "attrs_unknown.csv", NL_ERANGE, "attrs_unknown.csv:3:"},
      {DATA "attrs_notnum.csv", NL_EPARSE, "attrs_notnum.csv:3:"},
      {DATA "attrs_ragged.csv", NL_EPARSE, "attrs_ragged.csv:3:"},
      {DATA "attrs_twice.csv", NL_EINVAL, "attrs_twice.csv:3:"},
      {DATA "no_such_attrs.csv", NL_EIO, "no_such_attrs.csv: cannot open"},
  };
  for (size_t i = 0; i < sizeof bad_attrs / sizeof bad_attrs[0]; i++) {
    assert_int_equal(nl_network_load_attributes(g, bad_attrs[i].file), bad_attrs[i].st);
    if (!strstr(nl_network_errmsg(g), bad_attrs[i].where)) fail_msg("message: %s", nl_network_errmsg(g));
  }
  assert_int_equal(nl_network_nattrs(g), 2); /* failed reads keep the earlier table */

  /* integer ids with a node count: isolated node 4 kept */
  nl_network_free(g);
  assert_int_equal(nl_network_read_edgelist(DATA "indexed.csv", 5, 0, &g), NL_OK);
  assert_int_equal(nl_network_nodes(g), 5);
  assert_int_equal(nl_network_edges(g), 3);
  assert_false(nl_network_weighted(g));
  nl_network_measures m;
  assert_int_equal(nl_network_measure(g, &m), NL_OK);
  assert_int_equal(m.components, 2);
  nl_network_free(g);
}

static void test_edgelist_errors(void **unused) {
  (void)unused;
  struct {
    const char *file;
    size_t n;
    unsigned flags;
    nl_status st;
    const char *where;
  } cases[] = {
      {DATA "missing.csv", 0, 0, NL_EIO, "missing.csv: cannot open"},
      {DATA "ragged.csv", 0, 0, NL_EPARSE, "ragged.csv:3: 2 field(s)"},
      {DATA "selfloop.csv", 0, 0, NL_EINVAL, "selfloop.csv:3: self-loop"},
      {DATA "duplicate.csv", 0, 0, NL_EINVAL, "duplicate.csv:6: duplicate edge 'c'-'b' (first on line 3"},
      {DATA "outofrange.csv", 5, 0, NL_ERANGE, "outofrange.csv:3: node id '7'"},
      {DATA "badweight.csv", 0, 0, NL_EPARSE, "badweight.csv:2: weight '-1'"},
  };
  nl_network *g = NULL;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    /* a failed read returns the handle, holding the message and no graph */
    assert_int_equal(nl_network_read_edgelist(cases[i].file, cases[i].n, cases[i].flags, &g), cases[i].st);
    assert_non_null(g);
    if (!strstr(nl_network_errmsg(g), cases[i].where)) fail_msg("case %zu message: %s", i, nl_network_errmsg(g));
    assert_int_equal(nl_network_nodes(g), 0);
    nl_network_free(g);
  }
  /* the same files are accepted when the policy allows them */
  assert_int_equal(nl_network_read_edgelist(DATA "selfloop.csv", 0, NL_NET_ALLOW_SELF_LOOPS, &g), NL_OK);
  nl_network_free(g);
  assert_int_equal(nl_network_read_edgelist(DATA "duplicate.csv", 0, NL_NET_ALLOW_MULTI, &g), NL_OK);
  assert_int_equal(nl_network_edges(g), 3);
  nl_network_free(g);
}

static void test_graphml(void **unused) {
  (void)unused;
  nl_network *g = NULL;
  nl_status st = nl_network_read_graphml(DATA "good.graphml", 0, &g);
  if (st) fail_msg("%s", nl_network_errmsg(g));
  assert_int_equal(nl_network_nodes(g), 3);
  assert_int_equal(nl_network_edges(g), 2);
  assert_string_equal(nl_network_label(g, 2), "z");
  double w;
  nl_network_edge(g, 0, NULL, NULL, &w);
  assert_true(w == 2.5);

  nl_network_free(g);
  assert_int_equal(nl_network_read_graphml(DATA "broken.graphml", 0, &g), NL_EPARSE);
  if (!strstr(nl_network_errmsg(g), "broken.graphml: GraphML does not parse"))
    fail_msg("message: %s", nl_network_errmsg(g));
  nl_network_free(g);
  assert_int_equal(nl_network_read_graphml(DATA "selfloop.graphml", 0, &g), NL_EINVAL);
  if (!strstr(nl_network_errmsg(g), "self-loop on node 'y'")) fail_msg("message: %s", nl_network_errmsg(g));
  nl_network_free(g);
  assert_int_equal(nl_network_read_file(DATA "nope.graphml", 0, 0, &g), NL_EIO); /* GraphML by its name */
  if (!strstr(nl_network_errmsg(g), "nope.graphml: cannot open")) fail_msg("message: %s", nl_network_errmsg(g));
  nl_network_free(g);
}

/* The example networks: CSV and GraphML give the same graph; the attribute table loads. */
static void test_example_networks(void **unused) {
  (void)unused;
  nl_network *a = NULL, *b = NULL;
  if (nl_network_read_edgelist(NL_SOURCE_DIR "/examples/networks/regions.csv", 0, 0, &a)) fail_msg("%s", nl_network_errmsg(a));
  if (nl_network_read_graphml(NL_SOURCE_DIR "/examples/networks/regions.graphml", 0, &b)) fail_msg("%s", nl_network_errmsg(b));
  assert_int_equal(nl_network_nodes(a), 24);
  assert_int_equal(nl_network_nodes(b), 24);
  assert_int_equal(nl_network_edges(a), nl_network_edges(b));
  for (size_t e = 0; e < nl_network_edges(a); e++) {
    size_t u, v, x, y;
    double w, z;
    nl_network_edge(a, e, &u, &v, &w);
    nl_network_edge(b, e, &x, &y, &z);
    /* node numbers differ (CSV: order of first appearance; GraphML: declaration order), so compare
     * the edges as unordered pairs of labels */
    const char *a1 = nl_network_label(a, u), *a2 = nl_network_label(a, v);
    const char *b1 = nl_network_label(b, x), *b2 = nl_network_label(b, y);
    assert_true((!strcmp(a1, b1) && !strcmp(a2, b2)) || (!strcmp(a1, b2) && !strcmp(a2, b1)));
    assert_true(w == z);
  }
  if (nl_network_load_attributes(a, NL_SOURCE_DIR "/examples/networks/regions_attrs.csv"))
    fail_msg("%s", nl_network_errmsg(a));
  long region = nl_network_attr_index(a, "region");
  assert_true(region >= 0);
  for (size_t i = 0; i < 24; i++) assert_true(!isnan(nl_network_attr(a, (size_t)region, i)));
  nl_network_measures m;
  assert_int_equal(nl_network_measure(a, &m), NL_OK);
  assert_int_equal(m.components, 1);
  nl_network_free(a);
  nl_network_free(b);
}

/* Every allocation failure while reading returns NL_ENOMEM cleanly (ASan checks for leaks). */
static void test_alloc_failures(void **unused) {
  (void)unused;
  for (long k = 1; k < 200; k++) {
    nl_network *g = NULL;
    nl_alloc_fail_after(k);
    nl_status a = nl_network_read_edgelist(DATA "good.csv", 0, 0, &g);
    nl_status b = a ? a : nl_network_load_attributes(g, DATA "attrs.csv");
    nl_alloc_fail_after(0);
    assert_true(b == NL_OK || b == NL_ENOMEM);
    assert_true(g || a == NL_ENOMEM); /* no handle only when memory ran out */
    nl_network_free(g);
    if (b == NL_OK) break;
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_path_is_graphml), cmocka_unit_test(test_deterministic_kinds), cmocka_unit_test(test_random_kinds),
      cmocka_unit_test(test_bad_specs),           cmocka_unit_test(test_no_alloc_after_reserve),
      cmocka_unit_test(test_edgelist),            cmocka_unit_test(test_edgelist_errors),
      cmocka_unit_test(test_graphml),             cmocka_unit_test(test_alloc_failures),
      cmocka_unit_test(test_example_networks),    cmocka_unit_test(test_sw_rewired),
      cmocka_unit_test(test_sw_added),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
