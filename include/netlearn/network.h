#ifndef NETLEARN_NETWORK_H
#define NETLEARN_NETWORK_H
/*
 * Networks: undirected graphs on nodes 0..n-1, optionally weighted, with node attributes.
 *
 * One opaque handle (nl_network). A handle holds one graph at a time: a generator replaces it
 * (nl_network_new, then nl_network_generate per replication); a reader returns a new one. Every fallible call returns an nl_status and keeps a message on the handle
 * (nl_network_errmsg), with "file:line:" when the error comes from a file.
 *
 * Random generators draw from netlearn's own counter-based streams, keyed by (seed, stream,
 * NL_RNG_NETWORK, sub), never from igraph's global random number generator: igraph's RNG state
 * is process-global and not thread-safe, and our graphs must depend only on the seed and the
 * replication, whatever the thread count. igraph is used only for GraphML parsing and for the
 * deterministic measures (clustering, path lengths, components), serialized by one mutex
 * because the installed igraph is built without thread safety.
 *
 * Storage: an edge list plus a compact adjacency (CSR) for models' hot loops: the neighbours of
 * node i are nbr[off[i] .. off[i+1]), with weights w[...] (w is NULL for unweighted graphs).
 * Memory: about 16 bytes per node plus 64 bytes per edge (edge list, adjacency and the edge set used
 * to reject duplicates; 88 with weights).
 */
#include <stddef.h>
#include <stdint.h>

#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nl_network nl_network;

/* New empty network (0 nodes), for the generators. Returns NULL when out of memory. Caller frees. */
NL_API nl_network *nl_network_new(void);
/* Free the network; NULL is harmless. */
NL_API void nl_network_free(nl_network *g);
/* Message of the last failed call ("" if none). Borrowed, valid until the next call. */
NL_API const char *nl_network_errmsg(const nl_network *g);

/* ---- generators -------------------------------------------------------------------------- */

typedef enum nl_network_kind {
  NL_NET_EMPTY = 0,       /* n isolated nodes */
  NL_NET_COMPLETE,        /* every pair linked: n(n-1)/2 edges */
  NL_NET_RING,            /* cycle lattice: each node linked to its k nearest on each side */
  NL_NET_LINE,            /* the ring without wrap-around: a path for k = 1 */
  NL_NET_ERDOS_RENYI,     /* G(n, p): each pair linked with probability p */
  NL_NET_WATTS_STROGATZ,  /* ring lattice (k each side), each edge's far end rewired with prob. p */
  NL_NET_BARABASI_ALBERT, /* preferential attachment: each new node links to k distinct nodes */
  NL_NET_SBM,             /* stochastic block model: `blocks` equal groups, p_in inside, p_out across */
  NL_NET_CAVEMAN,         /* relaxed caveman (Watts 1999): `blocks` cliques, each edge rewired with
                             probability p to a node outside the kept end's group (a cross-group link) */
  NL_NET_SW_REWIRED,      /* ring lattice (k each side) with exactly `shortcuts` distinct lattice edges
                             rewired, never disconnecting the graph (Lazer & Friedman 2007) */
  NL_NET_SW_ADDED         /* ring lattice (k each side) plus exactly `shortcuts` new edges between
                             uniform unlinked pairs (Newman & Watts 1999) */
} nl_network_kind;

typedef struct nl_network_spec {
  nl_network_kind kind;
  size_t n;      /* nodes */
  size_t k;      /* RING/LINE/WATTS_STROGATZ/SW_*: neighbours on each side; BARABASI_ALBERT: links per new node */
  double p;      /* ERDOS_RENYI: link probability; WATTS_STROGATZ, CAVEMAN: rewiring probability */
  size_t blocks; /* SBM, CAVEMAN: number of groups (sizes differ by at most one; CAVEMAN needs n % blocks == 0) */
  double p_in, p_out; /* SBM: link probability inside a group and across groups */
  size_t shortcuts;   /* SW_REWIRED: lattice edges rewired (at most n k); SW_ADDED: edges added to the
                         lattice (at most n(n-1)/2 - n k) */
} nl_network_spec;

/* Names of the kinds ("empty", "complete", "ring", "line", "erdos_renyi", "watts_strogatz",
 * "barabasi_albert", "sbm", "caveman", "sw_rewired", "sw_added"), NULL-terminated, in enum order. */
NL_API extern const char *const nl_network_kind_names[];

/*
 * Replace the graph with one drawn from `spec`, using the stream (seed, stream, NL_RNG_NETWORK,
 * sub). Deterministic in those four numbers. Errors: NL_EINVAL (inconsistent spec: k too large,
 * blocks not dividing n, probability outside [0, 1], too many shortcuts; or SW_REWIRED found no
 * connectivity-keeping rewiring within 100 * shortcuts + 1000 attempts, the network is then left
 * empty), NL_ENOMEM. Cost: O(n + edges) expected (Erdos-Renyi and SBM skip over absent pairs
 * geometrically), except SW_REWIRED: O((n + edges) * attempts), one connectivity check per
 * rewiring. Memory is reused when the previous graph was at least as large, so regenerating per
 * replication does not allocate after nl_network_reserve(g, n, nl_network_spec_max_edges(spec)).
 */
NL_API nl_status nl_network_generate(nl_network *g, const nl_network_spec *spec, uint64_t seed, uint64_t stream,
                                     uint64_t sub);
/* Check a spec without generating (message on g). Errors: NL_EINVAL. O(1). */
NL_API nl_status nl_network_spec_check(nl_network *g, const nl_network_spec *spec);
/* An edge capacity that suffices for `spec` (exact for the deterministic kinds, mean + 10 sd + 64
 * for Erdos-Renyi and SBM). 0 when the spec is invalid or NULL. O(1). */
NL_API size_t nl_network_spec_max_edges(const nl_network_spec *spec);
/* Preallocate room for n nodes and `edges` edges. Errors: NL_ENOMEM. */
NL_API nl_status nl_network_reserve(nl_network *g, size_t n, size_t edges);

/* ---- files ------------------------------------------------------------------------------- */

enum {
  NL_NET_ALLOW_SELF_LOOPS = 1, /* accept edges from a node to itself (default: error) */
  NL_NET_ALLOW_MULTI = 2       /* accept repeated edges (default: error) */
};

/*
 * Read an edge list CSV into a new network, *out: a header line, then one edge per line. The first two columns are the
 * end points; a column named "weight" (any case), if present, gives positive finite weights.
 * Blank lines and lines starting with '#' are skipped; fields may be double-quoted.
 * Node ids: with n > 0 they must be integers in [0, n) (so isolated nodes are kept); with n = 0
 * they are labels, numbered 0, 1, ... in order of first appearance in the file (deterministic).
 * Edges are undirected: "a,b" and "b,a" are the same edge.
 * *out is set also on failure, to an empty network holding the message (NULL only when out of
 * memory); the caller frees it either way (nl_network_free). path borrowed.
 * Errors (message "path:line: ..."): NL_EIO (cannot open), NL_EPARSE (ragged row, bad weight,
 * empty file), NL_ERANGE (node id out of range), NL_EINVAL (self-loop or duplicate edge
 * without the matching flag; path NULL), NL_ENOMEM. Cost: O(file size) expected.
 */
NL_API nl_status nl_network_read_edgelist(const char *path, size_t n, unsigned flags, nl_network **out);

/*
 * Read the first graph of a GraphML file with igraph (treated as undirected) into a new network,
 * *out (set also on failure, as nl_network_read_edgelist). Node labels are the GraphML node ids;
 * an edge attribute "weight" becomes the weights. Errors: NL_EIO, NL_EPARSE (does not parse;
 * igraph's message, which names the line, is included), NL_EINVAL (self-loop / duplicate without
 * flag, non-positive weight), NL_ENOMEM. Cost: O(file size).
 */
NL_API nl_status nl_network_read_graphml(const char *path, unsigned flags, nl_network **out);

/* Whether a network file is GraphML by its name: ".graphml" or ".xml", in any case (0 for NULL).
 * O(length). */
NL_API int nl_network_path_is_graphml(const char *path);
/* Read a network file into a new network, *out: GraphML when nl_network_path_is_graphml(path),
 * else an edge list with node count n (see nl_network_read_edgelist). *out, errors and cost as
 * those two readers. */
NL_API nl_status nl_network_read_file(const char *path, size_t n, unsigned flags, nl_network **out);

/*
 * Load node attributes into network g (a _load fills a handle the caller has: the message is on
 * g) from a CSV table: header "id,<name>,<name>,...", one row per node; the
 * id is a node label (graphs read with labels) or an integer node index. Values are numbers,
 * or empty / NA for missing (NaN). Nodes without a row get NaN. Replaces earlier attributes.
 * Errors ("path:line: ..."): NL_EIO, NL_EPARSE (ragged row, not a number), NL_ERANGE (unknown
 * node id), NL_EINVAL (a node listed twice; path NULL), NL_ENOMEM. A failed load keeps the earlier
 * attributes. Cost: O(file size + n * columns).
 */
NL_API nl_status nl_network_load_attributes(nl_network *g, const char *path);

/* ---- structure --------------------------------------------------------------------------- */
/* Getters are checked (issue 19): a NULL g gives 0, "", NULL, -1 or NaN as for an index out of
 * range below. O(1), except nl_network_attr_index: O(columns). */

NL_API size_t nl_network_nodes(const nl_network *g);
NL_API size_t nl_network_edges(const nl_network *g);
/* 1 if the graph has edge weights (else every weight is 1). */
NL_API int nl_network_weighted(const nl_network *g);
/* Label of node i from a file ("" for generated graphs or out of range). Borrowed. */
NL_API const char *nl_network_label(const nl_network *g, size_t i);
/* Group of node i for SBM and CAVEMAN graphs (0 otherwise). */
NL_API size_t nl_network_block(const nl_network *g, size_t i);
/* Edge e: end points (u < v) and weight. Returns NL_ERANGE if e is out of range. */
NL_API nl_status nl_network_edge(const nl_network *g, size_t e, size_t *u, size_t *v, double *w);

/*
 * Compact adjacency (built on demand, cached until the graph changes; allocation-free when
 * capacity was reserved): neighbours of node i are nbr[off[i] .. off[i+1]) in edge order, with
 * weights w (NULL if unweighted). Pointers are borrowed and valid until the graph changes.
 * Errors: NL_ENOMEM. Cost: O(n + edges).
 */
NL_API nl_status nl_network_csr(nl_network *g, const size_t **off, const uint32_t **nbr, const double **w);

/* Attributes: number of columns, a column's name, its index by name (-1 if unknown), a value. */
NL_API size_t nl_network_nattrs(const nl_network *g);
NL_API const char *nl_network_attr_name(const nl_network *g, size_t col);
NL_API long nl_network_attr_index(const nl_network *g, const char *name);
NL_API double nl_network_attr(const nl_network *g, size_t col, size_t node); /* NaN if missing */

/* ---- measures ---------------------------------------------------------------------------- */

typedef struct nl_network_measures {
  double density;          /* edges / (n(n-1)/2) */
  double mean_degree;      /* 2 edges / n */
  double clustering;       /* global transitivity: 3 triangles / connected triples (0 if none) */
  double avg_clustering;   /* mean local clustering, nodes of degree < 2 counting 0 */
  double avg_path_length;  /* mean shortest path over connected pairs (NaN if no pair connected) */
  size_t components;       /* connected components (isolated nodes count) */
  size_t largest_component;
} nl_network_measures;

/* Structural measures (via igraph, deterministic). Errors: NL_ENOMEM, NL_EINTERNAL (igraph
 * failed). Cost: O(n * edges) for the path length, O(edges * max degree) for clustering. */
NL_API nl_status nl_network_measure(nl_network *g, nl_network_measures *out);

#ifdef __cplusplus
}
#endif
#endif
