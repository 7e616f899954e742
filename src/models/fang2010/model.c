/*
 * fang2010: Fang, Lee & Schilling (2010) "Balancing exploration and exploitation through
 * structural design: the isolation of subgroups and organizational learning", Organization
 * Science 21(3):625-642. See docs/fang2010.md (including where we had to decide).
 *
 * March's (1991) organization without the code: n individuals hold beliefs in {-1, 0, +1} about
 * an m-dimensional reality and learn from one another directly. The organization is divided into
 * subgroups of equal size, fully connected inside; each tie is turned into a cross-group link
 * with probability `r` (relaxed caveman, Watts 1999), so r = 0 is isolated subgroups and r = 1 a
 * random graph of the same density. Each period, synchronously, an individual looks at its
 * contacts whose knowledge exceeds its own (its superior contacts) and, on each dimension where a
 * strict majority of them holds a belief other than its own, adopts that belief with probability
 * 1 - (1 - p)^k, k the majority margin: March's code-learning rule (nl_march_adopt_majority),
 * applied to each individual. Organizational knowledge is the mean knowledge of the individuals.
 * Turnover and turbulence are March's own phases (the paper's robustness sections).
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/limits.h"
#include "core/model_impl.h"
#include "models/march1991/march.h"
#include "network/network_impl.h"
#include "network/params.h"

enum {
  P_M, P_N, P_GROUP, P_R, P_P, P_P3, P_P4,
  P_NETWORK, P_FILE, P_NETK, P_NETP, P_NETBLOCKS, P_NETPIN, P_NETPOUT, /* the network group */
  P_COUNT
};

/* The paper's subgroups (group_size, r), another generator of the shared network group, or a file. */
static const char *const net_kinds[] = {"subgroups", "complete", "ring", "erdos_renyi", "watts_strogatz",
                                        "barabasi_albert", "sbm", "file", NULL};
static const nl_network_kind net_kind_of[] = {NL_NET_CAVEMAN, NL_NET_COMPLETE, NL_NET_RING, NL_NET_ERDOS_RENYI,
                                              NL_NET_WATTS_STROGATZ, NL_NET_BARABASI_ALBERT, NL_NET_SBM, NL_NET_EMPTY};
enum { NET_SUBGROUPS = 0, NET_FILE = 7 };

static const nl_param_desc params[P_COUNT] = {
    [P_M] = {"m", NL_PARAM_INT, 100, 1, 1e6, NULL, NULL, "dimensions of reality (our default 100; see docs)"},
    [P_N] = {"n", NL_PARAM_INT, 280, 2, 1e7, NULL, NULL, "individuals (our default 280; see docs)"},
    [P_GROUP] = {"group_size", NL_PARAM_INT, 7, 1, 1e5, NULL, NULL,
                 "individuals per subgroup (n must be a multiple); subgroups are fully connected inside"},
    /* group_size at most 1e5: docs/models.md, size limits */
    [P_R] = {"r", NL_PARAM_REAL, 0.01, 0, 1, NULL, NULL,
             "cross-group linking rate: probability that each within-group tie is rewired to an individual "
             "of another subgroup (0 = isolated subgroups, 1 = random network)"},
    [P_P] = {"p", NL_PARAM_REAL, 0.5, 0, 1, NULL, NULL,
             "interpersonal learning rate: an individual adopts the majority belief of its superior contacts "
             "with probability 1-(1-p)^k, k the majority margin (March's code-learning rule)"},
    [P_P3] = {"p3", NL_PARAM_REAL, 0, 0, 1, NULL, NULL,
              "turnover: probability per period that an individual is replaced by a newcomer with random beliefs"},
    [P_P4] = {"p4", NL_PARAM_REAL, 0, 0, 1, NULL, NULL, "turbulence: probability per period that each dimension flips"},
    /* the shared network group (network/params.h) */
    [P_NETWORK] = NL_NETPAR_KIND(NET_SUBGROUPS, net_kinds,
                                 "contacts: subgroups (the paper's: group_size, r), a generator of the network group, "
                                 "or file (network_file)"),
    [P_FILE] = NL_NETPAR_FILE("a fixed network (edge list CSV with ids 0..n-1, or .graphml) instead of the subgroup "
                              "structure; group_size and r are then ignored (given alone, it implies network: file)"),
    [P_NETK] = NL_NETPAR_K(2, "ring, watts_strogatz: contacts on each side; barabasi_albert: links per newcomer", NULL),
    [P_NETP] = NL_NETPAR_P(0.05, "erdos_renyi: link probability; watts_strogatz: rewiring probability", NULL),
    [P_NETBLOCKS] = NL_NETPAR_BLOCKS(4, "sbm: number of groups", NULL),
    [P_NETPIN] = NL_NETPAR_PIN(0.3, "sbm: link probability inside a group", NULL),
    [P_NETPOUT] = NL_NETPAR_POUT(0.01, "sbm: link probability across groups", NULL),
};

enum { M_KNOW, M_DIV, M_BEST, M_CROSS, M_CHANGES, M_COUNT };
static const nl_measure_desc measures[M_COUNT] = {
    [M_KNOW] = {"knowledge", "organizational knowledge: mean March score of the individuals (right minus wrong, over m)"},
    [M_DIV] = {"diversity", "mean share of dimensions on which two individuals' beliefs differ, over all pairs"},
    [M_BEST] = {"best_knowledge", "knowledge of the most knowledgeable individual"},
    [M_CROSS] = {"cross_links", "share of ties that link different subgroups (constant within a run)"},
    [M_CHANGES] = {"changes", "beliefs changed by interpersonal learning in the last period"},
};

/* The synchronous update can fall into a limit cycle (an individual whose adoption changes who is
 * superior to it, and back): a run has settled when each of the last RECUR states already
 * occurred within the previous HIST periods. */
enum { HIST = 512, RECUR = 100 };
/* Cycles through many states (several individuals flipping at once, as in large isolated subgroups)
 * are caught by stationarity instead: STILL periods in which the total knowledge never left the
 * range [lo, hi] it had already covered (any exit widens the range and restarts the count). */
enum { STILL = 1000 };

typedef struct state {
  nl_march_org org; /* members' beliefs (the code is not used), rates, counters */
  uint64_t *rpos;
  uint64_t *nz2, *pos2; /* next period's beliefs (synchronous update) */
  long *score;          /* belief scores at the start of the period */
  nl_network *net;
  nl_network_spec spec;
  int from_file;
  const size_t *off;
  const uint32_t *nbr;
  double p3, p4, cross;
  long changes;
  size_t vplanes; /* bit planes needed to count the votes of the largest neighbourhood (<= org.nplanes) */
  uint64_t hist[HIST]; /* hashes of the last HIST belief states, to detect limit cycles */
  long nhist, recurrent; /* states recorded; consecutive periods whose state was seen in the window */
  long lo, hi, still;    /* range of the total knowledge score, periods without leaving it */
  nl_rng dyn;
} state;

/* The network a parameter set asks for: NET_FILE when a file is named (with the default kind too,
 * as before the network group), else the `network` choice. */
static int net_kind(const nl_params *p) {
  const char *f = nl_params_get_string(p, P_FILE);
  int kind = (int)nl_params_get(p, P_NETWORK);
  return f && *f && kind == NET_SUBGROUPS ? NET_FILE : kind;
}

static nl_status validate(const nl_params *p, nl_errbuf *err) {
  const char *f = nl_params_get_string(p, P_FILE);
  double n = nl_params_get(p, P_N), g = nl_params_get(p, P_GROUP), m = nl_params_get(p, P_M);
  int kind = net_kind(p);
  /* Beliefs: four bit planes of ceil(m/64) words per individual (this period's and the next);
   * subgroups are cliques: n (g - 1) / 2 ties. */
  nl_status st = nl_check_state_bytes(err, n * ceil(m / 64) * 32, "m = %.0f dimensions x n = %.0f individuals", m, n);
  if (st) return st;
  /* network = file without network_file is reported by create (--set applies one at a time) */
  if (kind == NET_FILE) return NL_OK;
  if (f && *f)
    return nl_err(err, NL_EINVAL, "network_file is given but network is '%s' (set network: file)", net_kinds[kind]);
  if (kind != NET_SUBGROUPS) return nl_netpar_check(p, (size_t)n, net_kind_of, err);
  st = nl_check_state_bytes(err, n * (g - 1) / 2 * NL_TIE_BYTES, "n = %.0f individuals in subgroups of %.0f", n, g);
  if (st) return st;
  if (fmod(n, g) != 0)
    return nl_err(err, NL_EINVAL, "parameter 'n' = %g is not a multiple of 'group_size' = %g", n, g);
  if (n == g && nl_params_get(p, P_R) > 0)
    return nl_err(err, NL_EINVAL, "cross-group links (r = %g) need at least two subgroups (n = group_size = %g)",
                  nl_params_get(p, P_R), n);
  return NL_OK;
}

static void destroy(void *sp) {
  state *s = sp;
  if (!s) return;
  nl_march_org_free(&s->org);
  nl_free(s->rpos);
  nl_free(s->nz2);
  nl_free(s->pos2);
  nl_free(s->score);
  nl_network_free(s->net);
  nl_free(s);
}

static nl_status create(void **out, const nl_params *p, nl_errbuf *err) {
  state *s = nl_calloc(1, sizeof *s);
  if (!s) return nl_err(err, NL_ENOMEM, "out of memory");
  nl_status st = NL_OK;
  size_t m = (size_t)nl_params_get(p, P_M), n = (size_t)nl_params_get(p, P_N), nw;
  if (nl_march_org_alloc(&s->org, m, n) || nl_mul_size(n, s->org.W, &nw)) goto nomem;
  s->rpos = nl_calloc(s->org.W, sizeof(uint64_t));
  s->nz2 = nl_calloc(nw, sizeof(uint64_t));
  s->pos2 = nl_calloc(nw, sizeof(uint64_t));
  s->score = nl_calloc(n, sizeof(long));
  s->net = nl_network_new();
  if (!s->rpos || !s->nz2 || !s->pos2 || !s->score || !s->net) goto nomem;
  /* adoption probabilities 1-(1-p)^k for k = 0..n: March's p2 table; no socialization (p1 = 0) */
  nl_march_org_rates(&s->org, 0, 0, 0, nl_params_get(p, P_P));
  s->p3 = nl_params_get(p, P_P3);
  s->p4 = nl_params_get(p, P_P4);
  const char *f = nl_params_get_string(p, P_FILE);
  int kind = net_kind(p);
  if (kind == NET_FILE && !(f && *f)) {
    st = nl_err(err, NL_EINVAL, "network: file needs network_file");
    goto fail;
  }
  if (kind == NET_FILE) {
    s->from_file = 1;
    st = nl_network_read_file_into(s->net, f, n, 0);
    if (!st && nl_network_nodes(s->net) != n)
      st = nl_err(&s->net->err, NL_EINVAL, "%s: the network has %zu nodes but n = %zu", f, nl_network_nodes(s->net), n);
    if (!st) st = nl_network_csr(s->net, &s->off, &s->nbr, NULL);
    if (st) {
      nl_err(err, st, "%s", nl_network_errmsg(s->net));
      goto fail;
    }
  } else {
    size_t g = (size_t)nl_params_get(p, P_GROUP);
    if (kind == NET_SUBGROUPS)
      s->spec = (nl_network_spec){.kind = NL_NET_CAVEMAN, .n = n, .blocks = n / g, .p = nl_params_get(p, P_R)};
    else
      nl_netpar_spec(p, n, net_kind_of, &s->spec);
    if ((st = nl_network_spec_check(s->net, &s->spec))) {
      nl_err(err, st, "%s", nl_network_errmsg(s->net));
      goto fail;
    }
    if (nl_network_reserve(s->net, n, nl_network_spec_max_edges(&s->spec))) goto nomem;
  }
  *out = s;
  return NL_OK;
nomem:
  st = nl_err(err, NL_ENOMEM, "out of memory for m = %zu, n = %zu", m, n);
fail:
  destroy(s);
  return st;
}

static void score_all(state *s);

static nl_status reset(void *sp, uint64_t seed, uint64_t rep, nl_errbuf *err) {
  state *s = sp;
  nl_rng init, net;
  /* March's initial state from March's stream: the same reality and beliefs as march1991 */
  nl_rng_init(&init, seed, rep, NL_RNG_INIT, 0);
  nl_reality_random(&init, s->rpos, s->org.m);
  nl_march_org_randomize(&s->org, &init);
  if (!s->from_file) {
    nl_rng_init(&net, seed, rep, NL_RNG_NETWORK, 0);
    nl_status st = nl_network_generate_rng(s->net, &s->spec, &net);
    if (!st) st = nl_network_csr(s->net, &s->off, &s->nbr, NULL);
    if (st) return nl_err(err, st, "%s", nl_network_errmsg(s->net));
  }
  size_t maxdeg = 0;
  for (size_t i = 0; i < s->org.n; i++)
    if (s->off[i + 1] - s->off[i] > maxdeg) maxdeg = s->off[i + 1] - s->off[i];
  s->vplanes = nl_bitcount_planes(maxdeg);
  if (s->vplanes > s->org.nplanes) s->vplanes = s->org.nplanes;
  size_t ne = nl_network_edges(s->net), cross = 0;
  for (size_t e = 0; e < ne; e++) cross += s->net->block[s->net->eu[e]] != s->net->block[s->net->ev[e]];
  s->cross = ne ? (double)cross / (double)ne : 0;
  nl_rng_init(&s->dyn, seed, rep, NL_RNG_DYNAMICS, 0);
  s->changes = 0;
  s->nhist = 0;
  s->recurrent = 0;
  score_all(s);
  s->lo = s->hi = 0;
  for (size_t i = 0; i < s->org.n; i++) s->lo += s->score[i];
  s->hi = s->lo;
  s->still = 0;
  return NL_OK;
}

/* Count the beliefs of i's superior contacts into the org's counters; returns how many there are. */
static long count_superiors(state *s, size_t i) {
  nl_march_org *o = &s->org;
  size_t W = o->W;
  memset(o->cnt_a, 0, s->vplanes * W * sizeof(uint64_t));
  memset(o->cnt_b, 0, s->vplanes * W * sizeof(uint64_t));
  long voters = 0;
  for (size_t a = s->off[i]; a < s->off[i + 1]; a++) {
    size_t j = s->nbr[a];
    if (s->score[j] <= s->score[i]) continue;
    const uint64_t *nz = o->nz + j * W, *pos = o->pos + j * W;
    for (size_t w = 0; w < W; w++) o->act[w] = nz[w] & ~pos[w];
    nl_bitcount_add(o->cnt_a, s->vplanes, W, pos);    /* votes for +1 */
    nl_bitcount_add(o->cnt_b, s->vplanes, W, o->act); /* votes for -1 */
    voters++;
  }
  return voters;
}

static void score_all(state *s) {
  size_t W = s->org.W;
  for (size_t i = 0; i < s->org.n; i++) s->score[i] = nl_belief_score(s->org.nz + i * W, s->org.pos + i * W, s->rpos, W);
}

static nl_status step(void *sp, nl_errbuf *err) {
  (void)err;
  state *s = sp;
  nl_march_org *o = &s->org;
  size_t W = o->W, n = o->n;
  nl_march_turnover(o, &s->dyn, s->p3);
  nl_march_turbulence(s->rpos, o->m, &s->dyn, s->p4);
  score_all(s);
  memcpy(s->nz2, o->nz, n * W * sizeof(uint64_t));
  memcpy(s->pos2, o->pos, n * W * sizeof(uint64_t));
  long changes = 0;
  for (size_t i = 0; i < n; i++) {
    long voters = count_superiors(s, i);
    if (!voters) continue;
    changes += nl_march_adopt_majority(s->nz2 + i * W, s->pos2 + i * W, o->cnt_a, o->cnt_b, s->vplanes, W, o->m,
                                       voters, o->adopt_fx, &s->dyn);
  }
  uint64_t *t = o->nz;
  o->nz = s->nz2;
  s->nz2 = t;
  t = o->pos;
  o->pos = s->pos2;
  s->pos2 = t;
  s->changes = changes;
  /* limit-cycle detection */
  uint64_t h = 0x9E3779B97F4A7C15ull;
  for (size_t k = 0; k < n * W; k++) {
    h = (h ^ o->nz[k]) * 0xff51afd7ed558ccdull;
    h = (h ^ o->pos[k] ^ (h >> 29)) * 0xc4ceb9fe1a85ec53ull;
  }
  int seen = 0;
  long have = s->nhist < HIST ? s->nhist : HIST;
  for (long k = 0; k < have && !seen; k++) seen = s->hist[k] == h;
  s->recurrent = seen ? s->recurrent + 1 : 0;
  s->hist[s->nhist++ % HIST] = h;
  /* stationarity of the total knowledge */
  long total = 0;
  for (size_t i = 0; i < n; i++) total += nl_belief_score(o->nz + i * W, o->pos + i * W, s->rpos, W);
  if (total < s->lo || total > s->hi) {
    if (total < s->lo) s->lo = total;
    if (total > s->hi) s->hi = total;
    s->still = 0;
  } else {
    s->still++;
  }
  return NL_OK;
}

static void observe(void *sp, double *out) {
  state *s = sp;
  nl_march_measures mm;
  nl_march_measure(&s->org, s->rpos, &mm);
  size_t W = s->org.W;
  long best = LONG_MIN;
  for (size_t i = 0; i < s->org.n; i++) {
    long sc = nl_belief_score(s->org.nz + i * W, s->org.pos + i * W, s->rpos, W);
    if (sc > best) best = sc;
  }
  out[M_KNOW] = mm.individual_knowledge;
  out[M_DIV] = mm.diversity;
  out[M_BEST] = (double)best / (double)s->org.m;
  out[M_CROSS] = s->cross;
  out[M_CHANGES] = (double)s->changes;
}

/* Settled: absorbing (no individual has a superior-contact majority that differs from its belief),
 * a limit cycle of the synchronous update (see RECUR), or stationary (see STILL). */
static int at_equilibrium(void *sp) {
  state *s = sp; /* uses the counters as scratch; the beliefs are not changed */
  if (s->p3 > 0 || s->p4 > 0) return 0;
  if (s->recurrent >= RECUR || s->still >= STILL) return 1; /* settled in a cycle / stationary */
  nl_march_org *o = &s->org;
  size_t W = o->W;
  score_all(s);
  for (size_t i = 0; i < o->n; i++) {
    long voters = count_superiors(s, i);
    if (!voters) continue;
    const uint64_t *nz = o->nz + i * W, *pos = o->pos + i * W;
    for (size_t k = 0; k < o->m; k++) {
      long plus = nl_bitcount_get(o->cnt_a, s->vplanes, W, k), minus = nl_bitcount_get(o->cnt_b, s->vplanes, W, k);
      if (plus == minus) continue;
      uint64_t bit = (uint64_t)1 << (k % 64);
      int cur = (nz[k / 64] & bit) ? ((pos[k / 64] & bit) ? 1 : -1) : 0;
      if (cur != (plus > minus ? 1 : -1)) return 0;
    }
  }
  return 1;
}

/* ---- units (model_api.h): the individuals, for the virtual survey ------------------------------ */

enum { U_ID, U_GROUP, U_KNOWLEDGE, U_DEGREE, U_CROSS, U_SUPERIOR, U_COUNT };
static const char *const unit_fields[U_COUNT] = {
    [U_ID] = "individual", [U_GROUP] = "group", [U_KNOWLEDGE] = "knowledge", [U_DEGREE] = "degree",
    [U_CROSS] = "cross_ties",         /* contacts in another subgroup */
    [U_SUPERIOR] = "superior_contacts"}; /* contacts who know more than it does */

static size_t unit_count(const void *sp) { return ((const state *)sp)->org.n; }

/* O(degree x m / 64). */
static void unit_row(void *sp, size_t i, double *out) {
  const state *s = sp;
  size_t W = s->org.W;
  long own = nl_belief_score(s->org.nz + i * W, s->org.pos + i * W, s->rpos, W);
  size_t cross = 0, sup = 0;
  for (size_t a = s->off[i]; a < s->off[i + 1]; a++) {
    size_t j = s->nbr[a];
    cross += s->net->block[j] != s->net->block[i];
    sup += nl_belief_score(s->org.nz + j * W, s->org.pos + j * W, s->rpos, W) > own;
  }
  out[U_ID] = (double)i;
  out[U_GROUP] = (double)s->net->block[i];
  out[U_KNOWLEDGE] = (double)own / (double)s->org.m;
  out[U_DEGREE] = (double)(s->off[i + 1] - s->off[i]);
  out[U_CROSS] = (double)cross;
  out[U_SUPERIOR] = (double)sup;
}

/* The ties of the network (each once). */
static size_t unit_ties(const void *sp, uint32_t *from, uint32_t *to, double *weight, size_t cap) {
  const state *s = sp;
  size_t ne = nl_network_edges(s->net);
  for (size_t e = 0; e < ne && e < cap; e++) {
    from[e] = s->net->eu[e];
    to[e] = s->net->ev[e];
    weight[e] = 1;
  }
  return ne;
}

const nl_model nl_model_fang2010 = {
    .version = NL_MODEL_API_VERSION,
    .name = "fang2010",
    .title = "Fang, Lee & Schilling (2010) isolation of subgroups and organizational learning",
    .doc = "March's (1991) individuals and reality, learning from one another directly: the organization is divided "
           "into fully connected subgroups, each tie rewired across groups with probability r (cross-group "
           "linking). Each period an individual adopts, dimension by dimension, the majority belief of its contacts "
           "who know more than it does, with probability 1-(1-p)^k (March's code rule). Moderate cross-group "
           "linking maximizes equilibrium knowledge: isolated subgroups keep diversity but cannot share their "
           "discoveries; many links spread the first good ideas so fast that diversity is lost. Source: Fang, C., "
           "Lee, J. and Schilling, M.A. (2010) Organization Science 21(3):625-642.",
    .params = params,
    .nparams = P_COUNT,
    .measures = measures,
    .nmeasures = M_COUNT,
    .validate = validate,
    .create = create,
    .reset = reset,
    .step = step,
    .observe = observe,
    .at_equilibrium = at_equilibrium,
    .destroy = destroy,
    .unit_name = "individual",
    .unit_fields = unit_fields,
    .nunit_fields = U_COUNT,
    .unit_count = unit_count,
    .unit_row = unit_row,
    .unit_ties = unit_ties,
};
