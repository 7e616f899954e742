#ifndef NL_NETWORK_IMPL_H
#define NL_NETWORK_IMPL_H
/* The network handle seen from inside the library (models use the generator over their own nl_rng). */
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "netlearn/network.h"

struct nl_network {
  size_t n, ncap;        /* nodes, node capacity */
  size_t ne, ecap;       /* edges, edge capacity */
  uint32_t *eu, *ev;     /* end points of edge e (eu < ev), ecap each */
  double *ew;            /* weights (ecap) or NULL when unweighted */
  int weighted;
  uint32_t *block;       /* ncap: group of each node (SBM, caveman), else 0 */
  /* edge set: open addressing, keys (u << 32 | v) + 1, 0 empty, UINT64_MAX deleted */
  uint64_t *hkey;
  uint32_t *hval;        /* edge index of each key */
  size_t hcap;           /* power of two, >= 4 ecap */
  /* CSR cache; while a generator runs (csr_ok = 0) off and nbr may serve as its scratch (sw_rewired) */
  int csr_ok;
  size_t *off;           /* ncap + 1 */
  uint32_t *nbr;         /* 2 ecap */
  double *nw;            /* 2 ecap when weighted */
  size_t nwcap;
  /* labels from files (NULL for generated graphs) */
  char **labels;
  size_t nlabels;
  size_t labelcap;
  /* attributes: nattr columns of n values */
  size_t nattr;
  char **attr_names;
  double *attr;
  nl_errbuf err;
};

/* Generate from the caller's stream (models pass their own network stream). Same contract as
 * nl_network_generate. */
nl_status nl_network_generate_rng(nl_network *g, const nl_network_spec *spec, nl_rng *r);

/* Internal helpers shared by the generators and readers. */
nl_status nl_network_ensure(nl_network *g, size_t n, size_t edges, int weighted);
void nl_network_clear(nl_network *g);                 /* 0 edges, labels and attributes dropped */
/* The readers of netlearn/network.h into an existing handle (replacing its graph; memory reused),
 * for the models, which keep one network per simulation state. Errors as the public readers. */
nl_status nl_network_read_edgelist_into(nl_network *g, const char *path, size_t n, unsigned flags);
nl_status nl_network_read_graphml_into(nl_network *g, const char *path, unsigned flags);
nl_status nl_network_read_file_into(nl_network *g, const char *path, size_t n, unsigned flags);
void nl_network_hash_clear(nl_network *g);
/* Edge index of {u, v} or -1. */
long nl_network_hash_find(const nl_network *g, uint32_t u, uint32_t v);
void nl_network_hash_put(nl_network *g, uint32_t u, uint32_t v, uint32_t e);
void nl_network_hash_del(nl_network *g, uint32_t u, uint32_t v);
/* Append edge {u, v} (u != v, not present); returns its index. Capacity must suffice. */
size_t nl_network_push(nl_network *g, uint32_t u, uint32_t v, double w);

/* igraph is built without thread safety: every igraph call in netlearn runs under this lock,
 * with netlearn's error handler installed (messages captured, never printed, never aborting). */
void nl_igraph_enter(void);
void nl_igraph_leave(void);
/* igraph's message for the last failure inside the lock. */
const char *nl_igraph_reason(void);

#endif
