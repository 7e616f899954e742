/* The network handle: storage, edge set, compact adjacency, attributes and measures. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <igraph.h>

#include "core/alloc.h"
#include "network/network_impl.h"

/* ---- igraph guard ----------------------------------------------------------------------------
 * The only process-wide state in this module, forced on us by igraph (built with
 * IGRAPH_THREAD_SAFE 0: its error stack and handlers are global). */
static pthread_mutex_t igraph_lock = PTHREAD_MUTEX_INITIALIZER;
static char igraph_reason_buf[512];
static igraph_error_handler_t *old_error_handler;
static igraph_warning_handler_t *old_warning_handler;

static void capture_error(const char *reason, const char *file, int line, igraph_error_t errno_) {
  (void)file;
  (void)line;
  snprintf(igraph_reason_buf, sizeof igraph_reason_buf, "%s (%s)", reason ? reason : "?",
           igraph_strerror(errno_));
  IGRAPH_FINALLY_FREE(); /* what igraph_error_handler_ignore does: release the partial results */
}

static void ignore_warning(const char *reason, const char *file, int line) {
  (void)reason;
  (void)file;
  (void)line;
}

void nl_igraph_enter(void) {
  pthread_mutex_lock(&igraph_lock);
  igraph_reason_buf[0] = '\0';
  old_error_handler = igraph_set_error_handler(capture_error);
  old_warning_handler = igraph_set_warning_handler(ignore_warning);
}

void nl_igraph_leave(void) {
  igraph_set_error_handler(old_error_handler);
  igraph_set_warning_handler(old_warning_handler);
  pthread_mutex_unlock(&igraph_lock);
}

const char *nl_igraph_reason(void) { return igraph_reason_buf; }

/* ---- handle ----------------------------------------------------------------------------------- */

const char *const nl_network_kind_names[] = {"empty", "complete", "ring", "line", "erdos_renyi",
                                             "watts_strogatz", "barabasi_albert", "sbm", "caveman", "sw_rewired",
                                             "sw_added", NULL};

nl_network *nl_network_new(void) { return nl_calloc(1, sizeof(nl_network)); }

static void drop_labels_attrs(nl_network *g) {
  for (size_t i = 0; i < g->nlabels; i++) nl_free(g->labels[i]);
  nl_free(g->labels);
  g->labels = NULL;
  g->nlabels = 0;
  g->labelcap = 0;
  for (size_t c = 0; c < g->nattr; c++) nl_free(g->attr_names[c]);
  nl_free(g->attr_names);
  nl_free(g->attr);
  g->attr_names = NULL;
  g->attr = NULL;
  g->nattr = 0;
}

void nl_network_free(nl_network *g) {
  if (!g) return;
  drop_labels_attrs(g);
  nl_free(g->eu);
  nl_free(g->ev);
  nl_free(g->ew);
  nl_free(g->block);
  nl_free(g->hkey);
  nl_free(g->hval);
  nl_free(g->off);
  nl_free(g->nbr);
  nl_free(g->nw);
  nl_free(g);
}

const char *nl_network_errmsg(const nl_network *g) { return NL_ERRMSG_OF(g); }

void nl_network_clear(nl_network *g) {
  drop_labels_attrs(g);
  g->n = 0;
  g->ne = 0;
  g->weighted = 0;
  g->csr_ok = 0;
}

/* Resize to exactly `count` elements (not nl_grow: nl_network_ensure/_reserve promise the capacity
 * asked for, and several arrays share one capacity). */
static int grow(void **p, size_t count, size_t size) {
  size_t bytes;
  if (nl_mul_size(count ? count : 1, size, &bytes)) return -1;
  void *q = nl_realloc(*p, bytes);
  if (!q) return -1;
  *p = q;
  return 0;
}

nl_status nl_network_ensure(nl_network *g, size_t n, size_t edges, int weighted) {
  if (n > UINT32_MAX - 1) return nl_err(&g->err, NL_ERANGE, "%zu nodes: at most %u are supported", n, UINT32_MAX - 1);
  if (n > g->ncap || !g->off) {
    size_t cap = n > g->ncap ? n : g->ncap;
    if (grow((void **)&g->block, cap, sizeof(uint32_t)) || grow((void **)&g->off, cap + 1, sizeof(size_t)))
      return nl_err(&g->err, NL_ENOMEM, "out of memory for %zu nodes", n);
    g->ncap = cap;
  }
  if (edges > g->ecap || !g->eu) {
    size_t cap = edges > g->ecap ? edges : g->ecap;
    /* the edge set holds at most `cap` live keys plus one tombstone per rewired edge: 4x keeps its
     * load (tombstones included) at or below one half, so probes always end */
    size_t hcap = 16;
    while (hcap < 4 * cap) hcap *= 2;
    if (grow((void **)&g->eu, cap, sizeof(uint32_t)) || grow((void **)&g->ev, cap, sizeof(uint32_t)) ||
        grow((void **)&g->nbr, 2 * cap, sizeof(uint32_t)) || grow((void **)&g->hkey, hcap, sizeof(uint64_t)) ||
        grow((void **)&g->hval, hcap, sizeof(uint32_t)))
      return nl_err(&g->err, NL_ENOMEM, "out of memory for %zu edges", edges);
    if (g->ew && grow((void **)&g->ew, cap, sizeof(double)))
      return nl_err(&g->err, NL_ENOMEM, "out of memory for %zu edge weights", edges);
    g->ecap = cap;
    g->hcap = hcap;
  }
  if (weighted && (!g->ew || g->nwcap < 2 * g->ecap)) {
    if (grow((void **)&g->ew, g->ecap, sizeof(double)) || grow((void **)&g->nw, 2 * g->ecap, sizeof(double)))
      return nl_err(&g->err, NL_ENOMEM, "out of memory for %zu edge weights", edges);
    g->nwcap = 2 * g->ecap;
  }
  return NL_OK;
}

nl_status nl_network_reserve(nl_network *g, size_t n, size_t edges) {
  if (!g) return NL_EINVAL;
  return nl_network_ensure(g, n, edges, 0);
}

/* ---- edge set --------------------------------------------------------------------------------- */

static uint64_t edge_key(uint32_t u, uint32_t v) {
  if (u > v) {
    uint32_t t = u;
    u = v;
    v = t;
  }
  return (((uint64_t)u << 32) | v) + 1;
}

static size_t slot_of(uint64_t key, size_t hcap) {
  uint64_t h = key * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 17) & (hcap - 1);
}

void nl_network_hash_clear(nl_network *g) { memset(g->hkey, 0, g->hcap * sizeof(uint64_t)); }

long nl_network_hash_find(const nl_network *g, uint32_t u, uint32_t v) {
  uint64_t key = edge_key(u, v);
  for (size_t s = slot_of(key, g->hcap);; s = (s + 1) & (g->hcap - 1)) {
    if (g->hkey[s] == 0) return -1;
    if (g->hkey[s] == key) return (long)g->hval[s];
  }
}

void nl_network_hash_put(nl_network *g, uint32_t u, uint32_t v, uint32_t e) {
  uint64_t key = edge_key(u, v);
  for (size_t s = slot_of(key, g->hcap);; s = (s + 1) & (g->hcap - 1)) {
    if (g->hkey[s] == 0 || g->hkey[s] == UINT64_MAX) {
      g->hkey[s] = key;
      g->hval[s] = e;
      return;
    }
  }
}

void nl_network_hash_del(nl_network *g, uint32_t u, uint32_t v) {
  uint64_t key = edge_key(u, v);
  for (size_t s = slot_of(key, g->hcap);; s = (s + 1) & (g->hcap - 1)) {
    if (g->hkey[s] == 0) return;
    if (g->hkey[s] == key) {
      g->hkey[s] = UINT64_MAX;
      return;
    }
  }
}

size_t nl_network_push(nl_network *g, uint32_t u, uint32_t v, double w) {
  size_t e = g->ne++;
  g->eu[e] = u < v ? u : v;
  g->ev[e] = u < v ? v : u;
  if (g->weighted) g->ew[e] = w;
  g->csr_ok = 0;
  return e;
}

/* ---- structure -------------------------------------------------------------------------------- */

size_t nl_network_nodes(const nl_network *g) { return g ? g->n : 0; }
size_t nl_network_edges(const nl_network *g) { return g ? g->ne : 0; }
int nl_network_weighted(const nl_network *g) { return g ? g->weighted : 0; }

const char *nl_network_label(const nl_network *g, size_t i) {
  if (!g || !g->labels || i >= g->nlabels) return "";
  return g->labels[i];
}

size_t nl_network_block(const nl_network *g, size_t i) { return (g && i < g->n) ? g->block[i] : 0; }

nl_status nl_network_edge(const nl_network *g, size_t e, size_t *u, size_t *v, double *w) {
  if (!g || e >= g->ne) return NL_ERANGE;
  if (u) *u = g->eu[e];
  if (v) *v = g->ev[e];
  if (w) *w = g->weighted ? g->ew[e] : 1.0;
  return NL_OK;
}

nl_status nl_network_csr(nl_network *g, const size_t **off, const uint32_t **nbr, const double **w) {
  if (!g->csr_ok) {
    nl_status st = nl_network_ensure(g, g->n, g->ne, g->weighted);
    if (st) return st;
    size_t n = g->n;
    memset(g->off, 0, (n + 1) * sizeof(size_t));
    for (size_t e = 0; e < g->ne; e++) {
      g->off[g->eu[e] + 1]++;
      g->off[g->ev[e] + 1]++;
    }
    for (size_t i = 0; i < n; i++) g->off[i + 1] += g->off[i];
    /* fill using off[i] as a cursor, then shift back */
    for (size_t e = 0; e < g->ne; e++) {
      uint32_t a = g->eu[e], b = g->ev[e];
      size_t pa = g->off[a]++, pb = g->off[b]++;
      g->nbr[pa] = b;
      g->nbr[pb] = a;
      if (g->weighted) {
        g->nw[pa] = g->ew[e];
        g->nw[pb] = g->ew[e];
      }
    }
    for (size_t i = n; i > 0; i--) g->off[i] = g->off[i - 1];
    g->off[0] = 0;
    g->csr_ok = 1;
  }
  if (off) *off = g->off;
  if (nbr) *nbr = g->nbr;
  if (w) *w = g->weighted ? g->nw : NULL;
  return NL_OK;
}

size_t nl_network_nattrs(const nl_network *g) { return g ? g->nattr : 0; }

const char *nl_network_attr_name(const nl_network *g, size_t col) {
  return (g && col < g->nattr) ? g->attr_names[col] : NULL;
}

long nl_network_attr_index(const nl_network *g, const char *name) {
  if (!g || !name) return -1;
  for (size_t c = 0; c < g->nattr; c++)
    if (strcmp(g->attr_names[c], name) == 0) return (long)c;
  return -1;
}

double nl_network_attr(const nl_network *g, size_t col, size_t node) {
  if (!g || col >= g->nattr || node >= g->n) return NAN;
  return g->attr[col * g->n + node];
}

/* ---- measures --------------------------------------------------------------------------------- */

nl_status nl_network_measure(nl_network *g, nl_network_measures *out) {
  memset(out, 0, sizeof *out);
  double n = (double)g->n, e = (double)g->ne;
  out->density = g->n > 1 ? e / (n * (n - 1) / 2) : 0;
  out->mean_degree = g->n > 0 ? 2 * e / n : 0;
  out->avg_path_length = NAN;
  if (g->n == 0) return NL_OK;

  nl_status st = NL_OK;
  igraph_t ig;
  igraph_vector_int_t edges, membership, csize;
  int have_graph = 0, have_edges = 0, have_memb = 0;
  nl_igraph_enter();
  if (igraph_vector_int_init(&edges, (igraph_integer_t)(2 * g->ne))) goto fail;
  have_edges = 1;
  for (size_t k = 0; k < g->ne; k++) {
    VECTOR(edges)[2 * k] = g->eu[k];
    VECTOR(edges)[2 * k + 1] = g->ev[k];
  }
  if (igraph_create(&ig, &edges, (igraph_integer_t)g->n, IGRAPH_UNDIRECTED)) goto fail;
  have_graph = 1;
  igraph_real_t t, apl, unconn;
  if (igraph_transitivity_undirected(&ig, &t, IGRAPH_TRANSITIVITY_ZERO)) goto fail;
  out->clustering = isnan(t) ? 0 : t;
  if (igraph_transitivity_avglocal_undirected(&ig, &t, IGRAPH_TRANSITIVITY_ZERO)) goto fail;
  out->avg_clustering = t;
  if (igraph_average_path_length(&ig, &apl, &unconn, IGRAPH_UNDIRECTED, /*unconn=*/1)) goto fail;
  out->avg_path_length = apl;
  if (igraph_vector_int_init(&membership, 0)) goto fail;
  if (igraph_vector_int_init(&csize, 0)) {
    igraph_vector_int_destroy(&membership);
    goto fail;
  }
  have_memb = 1;
  igraph_integer_t nc;
  if (igraph_connected_components(&ig, &membership, &csize, &nc, IGRAPH_WEAK)) goto fail;
  out->components = (size_t)nc;
  out->largest_component = nc > 0 ? (size_t)igraph_vector_int_max(&csize) : 0;
  goto done;
fail:
  st = nl_err(&g->err, NL_EINTERNAL, "igraph failed to measure the network: %s", nl_igraph_reason());
done:
  if (have_memb) {
    igraph_vector_int_destroy(&membership);
    igraph_vector_int_destroy(&csize);
  }
  if (have_graph) igraph_destroy(&ig);
  if (have_edges) igraph_vector_int_destroy(&edges);
  nl_igraph_leave();
  return st;
}
