/*
 * lazer2007: Lazer & Friedman (2007) "The network structure of exploration and exploitation",
 * Administrative Science Quarterly 52(4):667-694. See docs/lazer2007.md.
 *
 * n agents on a network each hold a solution of an NK landscape. Every round, synchronously
 * (each agent sees its neighbours' solutions of the previous round): an agent whose best
 * neighbour scores higher copies that neighbour's solution (exploitation; with `error`, each bit
 * keeps the agent's own value with that probability, mixing the two solutions); otherwise it explores by changing one random bit and keeps
 * the change only if it scores higher. With `velocity` < 1 an agent looks at its neighbours only
 * with that probability per round (else it explores). Score = (fitness / global maximum)^8.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/model_impl.h"
#include "models/lazer2007/nk.h"
#include "network/network_impl.h"
#include "network/params.h"

static const char *const networks[] = {"line",    "ring",       "complete", "erdos_renyi", "watts_strogatz",
                                       "barabasi_albert", "sbm", "caveman", "sw_rewired",  "sw_added",
                                       "file",    NULL};
enum { NET_LINE, NET_RING, NET_COMPLETE, NET_ER, NET_WS, NET_BA, NET_SBM, NET_CAVE, NET_SWR, NET_SWA, NET_FILE };
static const char *const deps[] = {"random", "neighbours", "independent", NULL};

enum {
  P_N, P_NK_N, P_NK_K, P_DEPS, P_NETWORK, P_K, P_P, P_SHORTCUTS, P_BLOCKS, P_PIN, P_POUT, P_FILE, P_VELOCITY, P_ERROR,
  P_POWER, P_TABLE_MAX, P_COUNT
};

static const nl_param_desc params[P_COUNT] = {
    [P_N] = {"n", NL_PARAM_INT, 100, 2, 1e7, NULL, NULL, "number of agents (Lazer & Friedman: 100)"},
    [P_NK_N] = {"N", NL_PARAM_INT, 20, 1, 64, NULL, NULL, "bits of a solution of the NK landscape (paper: 20)"},
    [P_NK_K] = {"K", NL_PARAM_INT, 5, 0, 20, NULL, NULL,
                "other loci each locus' contribution depends on (paper: 5); must be < N"},
    [P_DEPS] = {"interactions", NL_PARAM_CHOICE, 2, 0, 0, deps, NULL,
                "which K loci each locus' contribution depends on: independent (the default: K independent uniform "
                "draws over all N loci, repeats and the locus itself allowed; reproduces the paper's figures), random "
                "(K distinct other loci, Kauffman's usual choice: a slightly more rugged landscape) or neighbours "
                "(the K next loci)"},
    /* the shared network group (network/params.h); the names before it stay accepted */
    [P_NETWORK] = NL_NETPAR_KIND(0, networks,
                   "communication network: line (the paper's linear network: each agent linked to its k nearest "
                   "on each side, no wrap-around), ring (the same with wrap-around), complete (the efficient, totally connected network), erdos_renyi "
                   "(random, link probability p), watts_strogatz (small world: ring with rewiring probability p), "
                   "barabasi_albert (k links per new agent), sbm (blocks, p_in, p_out), caveman (blocks cliques, "
                   "rewiring p), sw_rewired (the paper's small world: ring lattice, k each side, with exactly "
                   "`shortcuts` links rewired, never isolating a component), sw_added (Newman-Watts: the lattice plus "
                   "`shortcuts` random extra links; the paper's \"small world with 10 extra ties\"), file (network_file)"),
    [P_K] = NL_NETPAR_K(1,
                        "ring, line, watts_strogatz, sw_rewired, sw_added: neighbours on each side; barabasi_albert: "
                        "links per new agent",
                        "k"),
    [P_P] = NL_NETPAR_P(0.05, "erdos_renyi: link probability; watts_strogatz, caveman: rewiring probability", "p"),
    [P_SHORTCUTS] = {"shortcuts", NL_PARAM_INT, 10, 0, 1e9, NULL, NULL,
                     "sw_rewired: lattice links rewired; sw_added: random links added (the paper: 0 to 50)"},
    [P_BLOCKS] = NL_NETPAR_BLOCKS(4, "sbm, caveman: number of groups", "blocks"),
    [P_PIN] = NL_NETPAR_PIN(0.3, "sbm: link probability inside a group", "p_in"),
    [P_POUT] = NL_NETPAR_POUT(0.01, "sbm: link probability across groups", "p_out"),
    [P_FILE] = NL_NETPAR_FILE("network = file: edge list CSV (source,target[,weight]; integer ids 0..n-1) or .graphml"),
    [P_VELOCITY] = {"velocity", NL_PARAM_REAL, 1, 0, 1, NULL, NULL,
                    "probability per round that an agent looks at its neighbours (the paper's velocity of "
                    "information; 1 = every round); otherwise it explores"},
    [P_ERROR] = {"error", NL_PARAM_REAL, 0, 0, 1, NULL, NULL,
                 "imitation error: when an agent copies a neighbour, each bit keeps the agent's own value with this "
                 "probability instead of the neighbour's (the paper's error: strategies get mixed)"},
    [P_POWER] = {"power", NL_PARAM_REAL, 8, 0.01, 100, NULL, NULL,
                 "score = (fitness / global maximum)^power (paper: 8, to spread out the scores)"},
    [P_TABLE_MAX] = {"table_max_n", NL_PARAM_INT, 24, 0, 30, NULL, NULL,
                     "precompute all 2^N fitness values (4 * 2^N bytes per thread) when N <= this; above it "
                     "fitness is computed on the fly and scores are not normalized by the (unknown) maximum"},
};

enum { M_AVG, M_BEST, M_OPT, M_DIV, M_IMIT, M_UNIQ, M_COUNT };
static const nl_measure_desc measures[M_COUNT] = {
    [M_AVG] = {"average_score", "mean score of the agents' solutions (the paper's performance measure)"},
    [M_BEST] = {"best_score", "score of the best solution held by any agent"},
    [M_OPT] = {"found_optimum", "share of agents holding the global optimum (NA without a fitness table)"},
    [M_DIV] = {"diversity", "mean Hamming distance between two agents' solutions, over N"},
    [M_IMIT] = {"imitators", "share of agents that copied a neighbour this round"},
    [M_UNIQ] = {"unique_solutions", "number of distinct solutions held by the agents (the paper's Figure 5)"},
};

typedef struct state {
  size_t n;
  nl_nk nk;
  nl_network *net;
  nl_network_spec spec;
  int kind;            /* NET_* */
  const size_t *off;
  const uint32_t *nbr;
  uint64_t *sol, *nsol;
  uint32_t *fit, *nfit;
  uint32_t *cnt;       /* per-bit counts for diversity, 64 */
  uint64_t *hkey;      /* set of solutions for unique_solutions: 2^hbits slots */
  uint32_t *stamp;     /* slot h is occupied when stamp[h] == gen */
  uint32_t gen;
  unsigned hbits;
  uint64_t Pvel, Perr; /* fixed-point probabilities */
  double power, scale;
  long imitators;
  nl_rng dyn;
  double obs[M_COUNT];
} state;

/* Generator kind of each entry of `networks` (file: no generator). */
static const nl_network_kind kind_of[] = {NL_NET_LINE,        NL_NET_RING,           NL_NET_COMPLETE,
                                          NL_NET_ERDOS_RENYI, NL_NET_WATTS_STROGATZ, NL_NET_BARABASI_ALBERT,
                                          NL_NET_SBM,         NL_NET_CAVEMAN,        NL_NET_SW_REWIRED,
                                          NL_NET_SW_ADDED,    NL_NET_EMPTY};

static void fill_spec(const nl_params *p, nl_network_spec *s) {
  nl_netpar_spec(p, (size_t)nl_params_get(p, P_N), kind_of, s);
  s->shortcuts = (size_t)nl_params_get(p, P_SHORTCUTS);
}

static nl_status validate(const nl_params *p, nl_errbuf *err) {
  if (nl_params_get(p, P_NK_K) >= nl_params_get(p, P_NK_N))
    return nl_err(err, NL_EINVAL, "parameter 'K' = %g must be smaller than 'N' = %g", nl_params_get(p, P_NK_K),
                  nl_params_get(p, P_NK_N));
  int kind = (int)nl_params_get(p, P_NETWORK);
  /* network = file without network_file is reported by create: --set applies (and validates)
   * parameters one at a time, so `network=file` may come before `network_file=...` */
  if (kind == NET_FILE) return NL_OK;
  if (kind == NET_COMPLETE) return NL_OK; /* handled without an adjacency */
  nl_network_spec s;
  fill_spec(p, &s);
  nl_network *g = nl_network_new();
  if (!g) return nl_err(err, NL_ENOMEM, "out of memory");
  nl_status st = nl_network_spec_check(g, &s);
  if (st) nl_err(err, st, "%s", nl_network_errmsg(g));
  nl_network_free(g);
  return st;
}

static void destroy(void *sp) {
  state *s = sp;
  if (!s) return;
  nl_nk_free(&s->nk);
  nl_network_free(s->net);
  nl_free(s->sol);
  nl_free(s->nsol);
  nl_free(s->fit);
  nl_free(s->nfit);
  nl_free(s->cnt);
  nl_free(s->hkey);
  nl_free(s->stamp);
  nl_free(s);
}

static nl_status create(void **out, const nl_params *p, nl_errbuf *err) {
  state *s = nl_calloc(1, sizeof *s);
  if (!s) return nl_err(err, NL_ENOMEM, "out of memory");
  nl_status st = NL_OK;
  s->n = (size_t)nl_params_get(p, P_N);
  unsigned N = (unsigned)nl_params_get(p, P_NK_N), K = (unsigned)nl_params_get(p, P_NK_K);
  st = nl_nk_alloc(&s->nk, N, K, (int)nl_params_get(p, P_DEPS), (unsigned)nl_params_get(p, P_TABLE_MAX));
  if (st) {
    nl_err(err, st, st == NL_ENOMEM ? "out of memory for the NK landscape (N = %u, K = %u)" : "invalid N = %u, K = %u",
           N, K);
    goto fail;
  }
  s->sol = nl_malloc(s->n * sizeof(uint64_t));
  s->nsol = nl_malloc(s->n * sizeof(uint64_t));
  s->fit = nl_malloc(s->n * sizeof(uint32_t));
  s->nfit = nl_malloc(s->n * sizeof(uint32_t));
  s->cnt = nl_malloc(64 * sizeof(uint32_t));
  s->hbits = 1;
  while (((size_t)1 << s->hbits) < 2 * s->n) s->hbits++;
  s->hkey = nl_malloc(((size_t)1 << s->hbits) * sizeof(uint64_t));
  s->stamp = nl_calloc((size_t)1 << s->hbits, sizeof(uint32_t));
  s->net = nl_network_new();
  if (!s->sol || !s->nsol || !s->fit || !s->nfit || !s->cnt || !s->hkey || !s->stamp || !s->net) {
    st = nl_err(err, NL_ENOMEM, "out of memory for %zu agents", s->n);
    goto fail;
  }
  s->kind = (int)nl_params_get(p, P_NETWORK);
  if (s->kind == NET_FILE) {
    const char *f = nl_params_get_string(p, P_FILE);
    if (!f || !*f) {
      st = nl_err(err, NL_EINVAL, "network = file needs parameter 'network_file'");
      goto fail;
    }
    st = nl_network_read_file_into(s->net, f, s->n, 0);
    if (!st && nl_network_nodes(s->net) != s->n)
      st = nl_err(&s->net->err, NL_EINVAL, "%s: the network has %zu nodes but n = %zu", f, nl_network_nodes(s->net),
                  s->n);
    if (!st) st = nl_network_csr(s->net, &s->off, &s->nbr, NULL);
    if (st) {
      nl_err(err, st, "%s", nl_network_errmsg(s->net));
      goto fail;
    }
  } else if (s->kind != NET_COMPLETE) {
    fill_spec(p, &s->spec);
    st = nl_network_reserve(s->net, s->n, nl_network_spec_max_edges(&s->spec));
    if (st) {
      nl_err(err, st, "out of memory for the network");
      goto fail;
    }
  }
  s->Pvel = nl_rng_fixed32(nl_params_get(p, P_VELOCITY));
  s->Perr = nl_rng_fixed32(nl_params_get(p, P_ERROR));
  s->power = nl_params_get(p, P_POWER);
  *out = s;
  return NL_OK;
fail:
  destroy(s);
  return st ? st : NL_ENOMEM;
}

/* Number of distinct solutions: an open-addressing set over a table of 2^hbits >= 2n slots,
 * emptied in O(1) by a generation stamp. O(n) per observation, no allocation. */
static size_t unique_solutions(state *s) {
  if (++s->gen == 0) { /* stamps wrapped: clear them once every 2^32 observations */
    memset(s->stamp, 0, ((size_t)1 << s->hbits) * sizeof(uint32_t));
    s->gen = 1;
  }
  size_t mask = ((size_t)1 << s->hbits) - 1, u = 0;
  for (size_t i = 0; i < s->n; i++) {
    uint64_t x = s->sol[i];
    size_t h = (size_t)((x * 0x9E3779B97F4A7C15ull) >> (64 - s->hbits));
    while (s->stamp[h] == s->gen && s->hkey[h] != x) h = (h + 1) & mask;
    if (s->stamp[h] != s->gen) {
      s->stamp[h] = s->gen;
      s->hkey[h] = x;
      u++;
    }
  }
  return u;
}

static double score(const state *s, uint32_t f) { return pow((double)f * s->scale, s->power); }

static void measure(state *s) {
  size_t n = s->n;
  unsigned N = s->nk.N;
  double sum = 0;
  uint32_t best = 0;
  size_t at_opt = 0;
  memset(s->cnt, 0, 64 * sizeof(uint32_t));
  for (size_t i = 0; i < n; i++) {
    sum += score(s, s->fit[i]);
    if (s->fit[i] > best) best = s->fit[i];
    if (s->nk.table && s->sol[i] == s->nk.argmax) at_opt++;
    uint64_t x = s->sol[i];
    while (x) {
      s->cnt[__builtin_ctzll(x)]++;
      x &= x - 1;
    }
  }
  double div = 0;
  for (unsigned b = 0; b < N; b++) div += 2.0 * s->cnt[b] * (double)(n - s->cnt[b]);
  s->obs[M_AVG] = sum / (double)n;
  s->obs[M_BEST] = score(s, best);
  s->obs[M_OPT] = s->nk.table ? (double)at_opt / (double)n : NAN;
  s->obs[M_DIV] = n > 1 ? div / ((double)n * (double)(n - 1) * N) : 0;
  s->obs[M_IMIT] = (double)s->imitators / (double)n;
  s->obs[M_UNIQ] = (double)unique_solutions(s);
}

static nl_status reset(void *sp, uint64_t seed, uint64_t rep, nl_errbuf *err) {
  state *s = sp;
  nl_rng land, init, net;
  nl_rng_init(&land, seed, rep, NL_RNG_PURPOSE_USER + 1, 0);
  nl_nk_draw(&s->nk, &land);
  s->scale = s->nk.table ? 1.0 / (double)s->nk.max_fitness : 1.0 / 4294967296.0;
  if (s->kind != NET_FILE && s->kind != NET_COMPLETE) {
    nl_rng_init(&net, seed, rep, NL_RNG_NETWORK, 0);
    nl_status st = nl_network_generate_rng(s->net, &s->spec, &net);
    if (!st) st = nl_network_csr(s->net, &s->off, &s->nbr, NULL);
    if (st) return nl_err(err, st, "%s", nl_network_errmsg(s->net));
  }
  nl_rng_init(&init, seed, rep, NL_RNG_INIT, 0);
  uint64_t mask = s->nk.N == 64 ? ~(uint64_t)0 : (((uint64_t)1 << s->nk.N) - 1);
  for (size_t i = 0; i < s->n; i++) {
    s->sol[i] = nl_rng_u64(&init) & mask;
    s->fit[i] = nl_nk_fitness(&s->nk, s->sol[i]);
  }
  nl_rng_init(&s->dyn, seed, rep, NL_RNG_DYNAMICS, 0);
  s->imitators = 0;
  return NL_OK;
}

/* Best neighbour of i (index), or -1 when i has none. Complete network: the best other agent. */
static long best_neighbour(const state *s, size_t i, size_t top1, size_t top2) {
  if (s->kind == NET_COMPLETE) return (long)(i == top1 ? top2 : top1);
  long b = -1;
  uint32_t bf = 0;
  for (size_t a = s->off[i]; a < s->off[i + 1]; a++) {
    uint32_t j = s->nbr[a];
    if (b < 0 || s->fit[j] > bf) {
      b = (long)j;
      bf = s->fit[j];
    }
  }
  return b;
}

static void top_two(const state *s, size_t *t1, size_t *t2) {
  size_t a = 0, b = s->n > 1 ? 1 : 0;
  if (s->fit[b] > s->fit[a]) {
    size_t t = a;
    a = b;
    b = t;
  }
  for (size_t i = 2; i < s->n; i++) {
    if (s->fit[i] > s->fit[a]) {
      b = a;
      a = i;
    } else if (s->fit[i] > s->fit[b]) b = i;
  }
  *t1 = a;
  *t2 = b;
}

static nl_status step(void *sp, nl_errbuf *err) {
  (void)err;
  state *s = sp;
  unsigned N = s->nk.N;
  uint64_t mask = N == 64 ? ~(uint64_t)0 : (((uint64_t)1 << N) - 1);
  size_t t1 = 0, t2 = 0;
  if (s->kind == NET_COMPLETE) top_two(s, &t1, &t2);
  long imit = 0;
  for (size_t i = 0; i < s->n; i++) {
    uint64_t x = s->sol[i];
    uint32_t f = s->fit[i];
    int look = s->Pvel >= ((uint64_t)1 << 32) || (nl_rng_u64(&s->dyn) >> 32) < s->Pvel;
    long b = look ? best_neighbour(s, i, t1, t2) : -1;
    if (b >= 0 && s->fit[b] > f) { /* exploitation: copy the better neighbour */
      uint64_t y = s->sol[b];
      uint32_t g = s->fit[b];
      if (s->Perr) {
        uint64_t keep = nl_rng_mask_on(&s->dyn, s->Perr, mask); /* bits that stay the agent's own */
        y = (y & ~keep) | (x & keep);
        if (y != s->sol[b]) g = nl_nk_fitness(&s->nk, y);
        if (g < f) { /* the paper: "actors revert to their status quo solution if an error-induced
                        state is inferior" */
          y = x;
          g = f;
        }
      }
      s->nsol[i] = y;
      s->nfit[i] = g;
      imit++;
      continue;
    }
    /* exploration: one random bit, kept only if better */
    uint64_t y = x ^ ((uint64_t)1 << nl_rng_below(&s->dyn, N));
    uint32_t g = nl_nk_fitness(&s->nk, y);
    s->nsol[i] = g > f ? y : x;
    s->nfit[i] = g > f ? g : f;
  }
  uint64_t *ts = s->sol;
  s->sol = s->nsol;
  s->nsol = ts;
  uint32_t *tf = s->fit;
  s->fit = s->nfit;
  s->nfit = tf;
  s->imitators = imit;
  return NL_OK;
}

/* Measures are computed only when observed (periods not recorded cost nothing). */
static void observe(void *sp, double *out) {
  state *s = sp;
  measure(s);
  memcpy(out, s->obs, sizeof s->obs);
}

/* Absorbing: no agent has a better neighbour and every agent is at a local optimum (no one-bit
 * change scores higher). Error and velocity do not matter then: nobody copies, nobody moves. */
static int at_equilibrium(void *sp) {
  const state *s = sp;
  size_t t1 = 0, t2 = 0;
  if (s->kind == NET_COMPLETE) top_two(s, &t1, &t2);
  for (size_t i = 0; i < s->n; i++) {
    long b = best_neighbour(s, i, t1, t2);
    if (b >= 0 && s->fit[b] > s->fit[i]) return 0;
  }
  for (size_t i = 0; i < s->n; i++)
    for (unsigned k = 0; k < s->nk.N; k++)
      if (nl_nk_fitness(&s->nk, s->sol[i] ^ ((uint64_t)1 << k)) > s->fit[i]) return 0;
  return 1;
}

/* ---- units (model_api.h): the agents, for the virtual survey ---------------------------------- */

enum { U_AGENT, U_SCORE, U_DEGREE, U_NBR_SCORE, U_BEST_NBR, U_COUNT };
static const char *const unit_fields[U_COUNT] = {
    [U_AGENT] = "agent", [U_SCORE] = "score", [U_DEGREE] = "degree",
    [U_NBR_SCORE] = "neighbour_score",     /* mean score of its neighbours */
    [U_BEST_NBR] = "best_neighbour_score"}; /* the best solution it can see */

static size_t unit_count(const void *sp) { return ((const state *)sp)->n; }

/* O(degree) (O(n) on the complete network). */
static void unit_row(void *sp, size_t i, double *out) {
  const state *s = sp;
  double sum = 0, best = 0;
  size_t deg = 0;
  for (size_t a = s->kind == NET_COMPLETE ? 0 : s->off[i]; a < (s->kind == NET_COMPLETE ? s->n : s->off[i + 1]); a++) {
    size_t j = s->kind == NET_COMPLETE ? a : s->nbr[a];
    if (j == i) continue;
    double sc = score(s, s->fit[j]);
    sum += sc;
    if (sc > best) best = sc;
    deg++;
  }
  out[U_AGENT] = (double)i;
  out[U_SCORE] = score(s, s->fit[i]);
  out[U_DEGREE] = (double)deg;
  out[U_NBR_SCORE] = deg ? sum / (double)deg : NAN;
  out[U_BEST_NBR] = deg ? best : NAN;
}

const nl_model nl_model_lazer2007 = {
    .version = NL_MODEL_API_VERSION,
    .name = "lazer2007",
    .title = "Lazer & Friedman (2007) network structure of exploration and exploitation (NK landscapes)",
    .doc = "n agents on a communication network search an NK landscape (N = 20, K = 5). Each round an agent copies "
           "its best neighbour's solution when that scores higher (exploitation), otherwise it changes one random "
           "bit and keeps the change if it scores higher (exploration). Score = (fitness / global maximum)^8. "
           "Efficient (dense) networks spread good solutions fast and win early; inefficient (linear) networks "
           "keep diversity longer and win in the long run. Variants: velocity (agents look at neighbours only "
           "with some probability) and imitation error. Source: Lazer, D. and Friedman, A. (2007) Administrative "
           "Science Quarterly 52(4):667-694.",
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
    .unit_name = "agent",
    .unit_fields = unit_fields,
    .nunit_fields = U_COUNT,
    .unit_count = unit_count,
    .unit_row = unit_row,
};
