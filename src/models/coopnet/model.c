/*
 * coopnet: learning within and between SMEs in cooperation networks (specification: docs/coopnet.md).
 * The ODD protocol, every parameter and the reasons for each mechanism: docs/coopnet.md.
 *
 * Levels: members (March's individuals), firms (organizational codes, March's organization),
 * cooperation networks (informal weighted ties between firms; formal networks with a network
 * code). Phases 1, 3 and 4 are march1991's own functions (models/march1991/march.h), in
 * march1991's order, so a single isolated firm without experimentation is march1991 in
 * distribution. Every decision draws from its own keyed stream (cn_rng in cn_impl.h, per decision,
 * firm, member or tie and period) for common random numbers across parameter vectors.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/limits.h"
#include "core/model_impl.h"
#include "models/coopnet/cn_impl.h"
#include "network/params.h"

static const char *const size_dists[] = {"fixed", "lognormal", NULL};
static const char *const net_kinds[] = {"empty", "complete", "ring", "erdos_renyi", "watts_strogatz",
                                        "barabasi_albert", "sbm", "file", NULL};
static const nl_network_kind net_kind_of[] = {NL_NET_EMPTY, NL_NET_COMPLETE, NL_NET_RING, NL_NET_ERDOS_RENYI,
                                              NL_NET_WATTS_STROGATZ, NL_NET_BARABASI_ALBERT, NL_NET_SBM};
enum { NET_FILE = 7 };

enum {
  P_FIRMS, P_FIRM_TABLE, P_SIZE_DIST, P_N, P_SIZE_SDLOG, P_N_MIN, P_N_MAX,
  P_MP, P_MQ, P_SIGMA,
  P_P1, P_P1E, P_P2, P_P2E, P_P3, P_P4P, P_P4Q,
  P_XMEAN, P_XCONC, P_EMEAN, P_ECONC, P_AMEAN, P_ACONC, P_PATMIN, P_PATMAX,
  P_SPAN0, P_SPANX, P_TAU, P_MU, P_Q,
  P_NETWORK, P_NETFILE, P_NETK, P_NETP, P_NETBLOCKS, P_NETPIN, P_NETPOUT, P_W0,
  P_NU, P_PINF, P_KAPPA0, P_KGAIN, P_KDECAY,
  P_NFORMAL, P_FSHARE, P_TFORMAL, P_PNET, P_P1NET,
  P_TREVIEW, P_COST, P_SMOOTH, P_LAMBDA, P_CAPACITY, P_SCOMMON, P_SREP, P_REPSAMPLE, P_TGAIN, P_TDECAY, P_WMIN,
  P_RHO, P_QREF, P_THETA, P_CE, P_ME, P_PHI,
  P_COUNT
};

#define R(name, def, lo, hi, doc) {name, NL_PARAM_REAL, def, lo, hi, NULL, NULL, doc}
#define I(name, def, lo, hi, doc) {name, NL_PARAM_INT, def, lo, hi, NULL, NULL, doc}

static const nl_param_desc params[P_COUNT] = {
    [P_FIRMS] = I("firms", 100, 1, 1e6, "number of firms F (ignored when firm_table gives them)"),
    [P_FIRM_TABLE] = {"firm_table", NL_PARAM_STRING, 0, 0, 0, NULL, "",
                      "CSV file with one row per firm: firm (ids 0..F-1), size, and optionally explore, exploit, "
                      "patience, amplification (columns absent are drawn from the distributions)"},
    [P_SIZE_DIST] = {"size_dist", NL_PARAM_CHOICE, 1, 0, 0, size_dists, NULL,
                     "firm size distribution: fixed (every firm n members) or lognormal (median n, right-skewed "
                     "as SME sizes are, truncated to [n_min, n_max])"},
    [P_N] = I("n", 30, 1, 1e7, "members per firm (fixed), or the median size (lognormal)"),
    [P_SIZE_SDLOG] = R("size_sdlog", 0.6, 0, 5, "lognormal size: standard deviation of log size"),
    [P_N_MIN] = I("n_min", 5, 1, 1e7, "smallest firm (lognormal)"),
    [P_N_MAX] = I("n_max", 250, 1, 1e7, "largest firm (lognormal; the EU's SME ceiling is 250 employees)"),
    [P_MP] = I("mP", 32, 0, 1e6, "product/market dimensions: one market reality shared by all firms"),
    [P_MQ] = I("mQ", 32, 0, 1e6, "process dimensions: each firm's own process reality"),
    [P_SIGMA] = R("sigma", 0.5, 0, 1,
                  "relatedness: probability that a process dimension of a firm follows the common base (else "
                  "the firm's own value): partners' process knowledge transfers only partly"),
    [P_P1] = R("p1", 0.1, 0, 1, "socialization rate (March's p1) of a firm with exploitation orientation e = 0"),
    [P_P1E] = R("p1_exploit", 0.3, 0, 1, "socialization rate at e = 1 (linear in e: exploitation converges)"),
    [P_P2] = R("p2", 0.2, 0, 1, "code learning rate (March's p2) at e = 0"),
    [P_P2E] = R("p2_exploit", 0.9, 0, 1, "code learning rate at e = 1 (linear in e: exploitation refines)"),
    [P_P3] = R("p3", 0.01, 0, 1, "turnover: probability per period that a member is replaced by a newcomer"),
    [P_P4P] = R("p4P", 0.02, 0, 1, "market turbulence: probability per period that a product dimension flips"),
    [P_P4Q] = R("p4Q", 0.01, 0, 1, "process turbulence: probability per period that a process dimension flips"),
    [P_XMEAN] = R("x_mean", 0.5, 0, 1, "exploration orientation x_f ~ Beta with this mean (0: every x_f = 0)"),
    [P_XCONC] = R("x_conc", 4, 0.01, 1e6, "concentration a+b of the Beta distribution of x_f"),
    [P_EMEAN] = R("e_mean", 0.5, 0, 1, "exploitation orientation e_f ~ Beta with this mean (0: every e_f = 0)"),
    [P_ECONC] = R("e_conc", 4, 0.01, 1e6, "concentration of the Beta distribution of e_f"),
    [P_AMEAN] = R("alpha", 0.3, 0, 1,
                  "amplification alpha_f ~ Beta with this mean: per formal round and dimension, probability that "
                  "the firm's code adopts what translating spanners bring from the network code (leaders' commitment)"),
    [P_ACONC] = R("alpha_conc", 4, 0.01, 1e6, "concentration of the Beta distribution of alpha_f"),
    [P_PATMIN] = I("patience_min", 1, 0, 1e6, "patience: review rounds a tie may stay below its cost (uniform "
                                              "integer in [patience_min, patience_max])"),
    [P_PATMAX] = I("patience_max", 4, 0, 1e6, "largest patience"),
    [P_SPAN0] = R("span0", 0, 0, 1, "share of boundary spanners at x = 0"),
    [P_SPANX] = R("span_x", 0.3, 0, 1, "increase of the spanner share from x = 0 to x = 1 (at least one spanner "
                                       "when the share is positive)"),
    [P_TAU] = R("tau", 0.5, 0, 1,
                "translation: probability per period that a spanner counts in the superior group (and may "
                "carry network code into the firm's code)"),
    [P_MU] = R("mu", 0.1, 0, 1, "experimentation: probability per period that a member tests one dimension, times x_f"),
    [P_Q] = R("q", 0.7, 0, 1, "probability that an experiment reveals the true value (else the wrong one)"),
    /* the shared network group (network/params.h) */
    [P_NETWORK] = NL_NETPAR_KIND(3, net_kinds, "initial informal ties: a generator, or 'file' (network_file)"),
    [P_NETFILE] = NL_NETPAR_FILE("initial ties: edge list CSV (firm ids 0..F-1, optional weight column) or GraphML "
                                 "(.graphml)"),
    [P_NETK] = NL_NETPAR_K(2, "ring, watts_strogatz: neighbours on each side; barabasi_albert: links per firm", NULL),
    [P_NETP] = NL_NETPAR_P(0.02, "erdos_renyi: link probability; watts_strogatz: rewiring probability", NULL),
    [P_NETBLOCKS] = NL_NETPAR_BLOCKS(4, "sbm: number of regional clusters", NULL),
    [P_NETPIN] = NL_NETPAR_PIN(0.1, "sbm: link probability inside a cluster", NULL),
    [P_NETPOUT] = NL_NETPAR_POUT(0.005, "sbm: link probability across clusters", NULL),
    [P_W0] = R("w0", 0.5, 0.001, 1, "strength (trust) of a new or unweighted initial tie"),
    [P_NU] = R("nu", 0.5, 0, 1, "activation: a tie is active in a period with probability nu * w"),
    [P_PINF] = R("p_inf", 0.65, 0, 1,
                 "informal learning: per differing dimension, probability p_inf * kappa that a spanner adopts "
                 "the belief of a spanner of a better-performing partner"),
    [P_KAPPA0] = R("kappa0", 0.3, 0, 1, "initial collaboration capability kappa_f"),
    [P_KGAIN] = R("kappa_gain", 0.1, 0, 1,
                  "learning to collaborate: each useful external code adoption closes this share of 1 - kappa"),
    [P_KDECAY] = R("kappa_decay", 0.01, 0, 1, "per-period decay of kappa (capability unused is lost)"),
    [P_NFORMAL] = I("formal_networks", 4, 0, 1e6, "number of formal networks (each with a network code)"),
    [P_FSHARE] = R("formal_share", 0.5, 0, 1, "probability that a firm belongs to a (random) formal network"),
    [P_TFORMAL] = I("T_formal", 5, 1, 1e6, "formal network learning every T_formal periods"),
    [P_PNET] = R("p_net", 0.5, 0, 1, "network code learning rate from its superior member firms (March's rule)"),
    [P_P1NET] = R("p1_net", 0.2, 0, 1, "rate at which member firms' spanners are socialized to the network code"),
    [P_TREVIEW] = I("T_review", 5, 1, 1e6, "tie dynamics every T_review periods"),
    [P_COST] = R("tie_cost", 0, 0, 1e6, "cost of a tie, in useful adoptions kept per review round (0: only harmful ties are dropped)"),
    [P_SMOOTH] = R("value_smooth", 0.5, 0, 1, "weight of the last review round in a tie's smoothed value"),
    [P_LAMBDA] = R("lambda", 0.3, 0, 1, "partner search: probability per review that a firm searches, times x_f"),
    [P_CAPACITY] = I("capacity", 12, 0, 1e6, "most informal ties a firm can keep"),
    [P_SCOMMON] = R("search_common", 0.3, 0, 1, "share of searches through a common partner (when the firm has one)"),
    [P_SREP] = R("search_reputation", 0.05, 0, 1,
                 "share of searches by reputation (best code performance among rep_sample random firms); the "
                 "rest are random"),
    [P_REPSAMPLE] = I("rep_sample", 5, 1, 1e6, "candidates compared in a search by reputation"),
    [P_TGAIN] = R("trust_gain", 0.2, 0, 1, "trust w rises by this share of 1 - w after a useful review round"),
    [P_TDECAY] = R("trust_decay", 0.1, 0, 1, "trust w decays by this share after a round without useful exchange"),
    [P_WMIN] = R("w_min", 0.05, 0, 1, "floor of trust"),
    /* coopnet 2: exploitation's own mechanisms (docs/coopnet.md 3.3b); all at 0 give coopnet 1 exactly. */
    [P_RHO] = R("rho", 0.1, 0, 1,
                "routine refinement (R): probability per period that a member refines one established routine "
                "(a process dimension where the firm's code is non-zero), times e_f"),
    [P_QREF] = R("q_ref", 0.9, 0, 1,
                 "probability that a refinement reveals the firm's true value there (a practised routine is "
                 "easier to read than an experiment: above q)"),
    [P_THETA] = R("theta", 0.5, 0, 1,
                  "attention budget (A): external attention a_f = 1 - theta e_f multiplies the spanner share, the "
                  "firm's side of every tie activation and its partner search"),
    [P_CE] = R("c_e", 0.5, 0, 1e6,
               "myopic tie review (M): a tie's cost to firm f is tie_cost + c_e e_f (the refinement time it takes)"),
    [P_ME] = R("m_e", 0.5, 0, 1, "myopic tie review (M): the firm's patience is scaled by 1 - m_e e_f (rounded)"),
    [P_PHI] = R("phi", 0.5, 0, 1,
                "not invented here (N): on a dimension where the firm's code is non-zero, a spanner adopts a "
                "partner's or the network code's belief with its usual probability times 1 - phi e_f"),
};

enum {
  M_CODE, M_IND, M_DIV, M_SUP,
  M_CODE_P, M_CODE_Q, M_IND_P, M_IND_Q, M_NETCODE,
  M_PROD_CO, M_PROC_CO, M_PROD_IN, M_PROC_IN,
  M_EXPLOR, M_EXPLOIT, M_EXPLOR_SW, M_EXPLOIT_SW,
  M_T_INF, M_T_FORM, M_T_TRANS, M_T_AMP, M_T_UP,
  M_TIES, M_DEGREE, M_STRENGTH, M_FORMED, M_DROPPED, M_KAPPA,
  M_DENSITY, M_CLUSTER, M_COMPONENTS,
  M_REFINE, M_REFINE_ADOPT, M_MYOPIC, M_NIH, M_ATTENTION,
  M_COUNT
};

static const nl_measure_desc measures[M_COUNT] = {
    [M_CODE] = {"code_knowledge", "mean over firms of K(code) against the firm's own reality (march1991's measure)"},
    [M_IND] = {"individual_knowledge", "mean over firms of the members' mean knowledge"},
    [M_DIV] = {"diversity", "mean over firms of the members' mean pairwise disagreement"},
    [M_SUP] = {"superior_size", "mean over firms of the superior group's size this period"},
    [M_CODE_P] = {"code_knowledge_product", "mean K(code) on product dimensions (NA if mP = 0)"},
    [M_CODE_Q] = {"code_knowledge_process", "mean K(code) on process dimensions (NA if mQ = 0)"},
    [M_IND_P] = {"member_knowledge_product", "mean member knowledge on product dimensions (NA if mP = 0)"},
    [M_IND_Q] = {"member_knowledge_process", "mean member knowledge on process dimensions (NA if mQ = 0)"},
    [M_NETCODE] = {"network_code_knowledge",
                   "mean over formal-network members of K(network code) against their reality (NA without)"},
    [M_PROD_CO] = {"product_coinnovation", "product code improvements from outside, per firm this period"},
    [M_PROC_CO] = {"process_coinnovation", "process code improvements from outside, per firm this period"},
    [M_PROD_IN] = {"internal_innovation_product", "product code improvements from inside, per firm this period"},
    [M_PROC_IN] = {"internal_innovation_process", "process code improvements from inside, per firm this period"},
    [M_EXPLOR] = {"explorative_changes", "code changes to a value held by a minority of members, per firm"},
    [M_EXPLOIT] = {"exploitative_changes", "code changes to a value held by a majority of members, per firm"},
    [M_EXPLOR_SW] = {"explorative_after_switch", "explorative code changes that followed a transfer between levels"},
    [M_EXPLOIT_SW] = {"exploitative_after_switch", "exploitative code changes that followed a transfer between levels"},
    [M_T_INF] = {"transfers_informal", "beliefs spanners adopted from partner firms' spanners (between firms), per firm"},
    [M_T_FORM] = {"transfers_formal", "beliefs spanners took from their network code (network -> member), per firm"},
    [M_T_TRANS] = {"transfers_translation", "code changes carried by translating spanners (member -> firm), per firm"},
    [M_T_AMP] = {"transfers_amplification", "code changes adopted from the network code (network -> firm), per firm"},
    [M_T_UP] = {"transfers_upward", "network-code changes voted by member firms (firm -> network), per firm"},
    [M_TIES] = {"ties", "informal ties"},
    [M_DEGREE] = {"mean_degree", "mean informal ties per firm"},
    [M_STRENGTH] = {"mean_strength", "mean sum of tie strengths (trust) per firm"},
    [M_FORMED] = {"ties_formed", "ties formed this period"},
    [M_DROPPED] = {"ties_dropped", "ties dropped this period"},
    [M_KAPPA] = {"kappa", "mean collaboration capability"},
    [M_DENSITY] = {"density", "ties / (F(F-1)/2) (NA if F < 2)"},
    [M_CLUSTER] = {"clustering", "global transitivity of the tie graph (0 without connected triples)"},
    [M_COMPONENTS] = {"components", "connected components of the tie graph (isolated firms count)"},
    [M_REFINE] = {"refinements", "routine refinements by members (coopnet 2, R), per firm this period"},
    [M_REFINE_ADOPT] = {"refinements_adopted",
                        "process code changes carried by a refined belief (internal process innovation by "
                        "refinement), per firm this period"},
    [M_MYOPIC] = {"ties_dropped_myopic", "ties dropped this period that coopnet 1's review would have kept (M)"},
    [M_NIH] = {"nih_rejected", "outside beliefs spanners rejected as not invented here (N), per firm this period"},
    [M_ATTENTION] = {"attention", "mean external attention a_f = 1 - theta e_f (A)"},
};

/* ---- helpers ------------------------------------------------------------------------------ */

static double P(const nl_params *p, int i) { return nl_params_get(p, (size_t)i); }

/* Gamma(a, 1) deviate (Marsaglia & Tsang 2000; a < 1 by the a+1 boost). */
static double gamma_draw(nl_rng *r, double a) {
  if (a < 1) {
    double u = nl_rng_uniform(r);
    return gamma_draw(r, a + 1) * pow(u, 1 / a);
  }
  double d = a - 1.0 / 3, c = 1 / sqrt(9 * d);
  for (;;) {
    double x, v;
    do {
      x = nl_rng_normal(r);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    double u = nl_rng_uniform(r);
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (log(u) < 0.5 * x * x + d * (1 - v + log(v))) return d * v;
  }
}

/* Beta with mean `mean` and concentration `conc` (a = mean conc, b = (1-mean) conc); no draw at the
 * degenerate means 0 and 1. */
static double beta_draw(nl_rng *r, double mean, double conc) {
  if (mean <= 0) return 0;
  if (mean >= 1) return 1;
  double x = gamma_draw(r, mean * conc), y = gamma_draw(r, (1 - mean) * conc);
  return x + y > 0 ? x / (x + y) : mean;
}

static long masked_score(const uint64_t *nz, const uint64_t *pos, const uint64_t *rpos, const uint64_t *mask,
                         size_t W) {
  long s = 0;
  for (size_t w = 0; w < W; w++) {
    uint64_t z = nz[w] & mask[w];
    s += nl_popcount(z) - 2 * nl_popcount(z & (pos[w] ^ rpos[w]));
  }
  return s;
}

static inline int bit_of(const uint64_t *x, size_t k) { return (int)((x[k / 64] >> (k % 64)) & 1); }

static inline void add(cn_state *s, size_t f, int c, double v) {
  s->cnt[f * NL_CN_FIRM_NFIELDS + (size_t)c] += v;
  s->pc[c] += v;
}

/* ---- ties --------------------------------------------------------------------------------- */

static long tie_find(const cn_state *s, uint32_t u, uint32_t v) {
  const uint32_t *sl = s->slot + (size_t)u * s->K;
  for (uint32_t j = 0; j < s->deg[u]; j++) {
    const cn_tie *t = &s->tie[sl[j]];
    if (t->u == v || t->v == v) return (long)sl[j];
  }
  return -1;
}

static void tie_add(cn_state *s, uint32_t u, uint32_t v, double w) {
  if (u > v) {
    uint32_t t = u;
    u = v;
    v = t;
  }
  size_t i = s->ntie++;
  s->tie[i] = (cn_tie){.u = u, .v = v, .w = w, .value = {0, 0}, .gain = {0, 0}, .below = {0, 0}};
  s->slot[(size_t)u * s->K + s->deg[u]++] = (uint32_t)i;
  s->slot[(size_t)v * s->K + s->deg[v]++] = (uint32_t)i;
}

static void slot_replace(cn_state *s, uint32_t f, uint32_t from, uint32_t to, int remove) {
  uint32_t *sl = s->slot + (size_t)f * s->K;
  for (uint32_t j = 0; j < s->deg[f]; j++) {
    if (sl[j] != from) continue;
    if (remove) sl[j] = sl[--s->deg[f]];
    else sl[j] = to;
    return;
  }
}

/* Remove tie i; the last tie takes its index. O(K). */
static void tie_remove(cn_state *s, size_t i) {
  cn_tie *t = &s->tie[i];
  slot_replace(s, t->u, (uint32_t)i, 0, 1);
  slot_replace(s, t->v, (uint32_t)i, 0, 1);
  size_t last = --s->ntie;
  if (i != last) {
    s->tie[i] = s->tie[last];
    slot_replace(s, s->tie[i].u, (uint32_t)last, (uint32_t)i, 0);
    slot_replace(s, s->tie[i].v, (uint32_t)last, (uint32_t)i, 0);
  }
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static nl_status validate(const nl_params *p, nl_errbuf *err) {
  if (P(p, P_MP) + P(p, P_MQ) < 1) return nl_err(err, NL_EINVAL, "mP + mQ must be at least 1 dimension");
  if ((int)P(p, P_SIZE_DIST) == 1 && !(P(p, P_N_MIN) <= P(p, P_N) && P(p, P_N) <= P(p, P_N_MAX)))
    return nl_err(err, NL_EINVAL, "lognormal sizes need n_min <= n <= n_max (have %g, %g, %g)", P(p, P_N_MIN),
                  P(p, P_N), P(p, P_N_MAX));
  if (P(p, P_PATMIN) > P(p, P_PATMAX))
    return nl_err(err, NL_EINVAL, "patience_min = %g exceeds patience_max = %g", P(p, P_PATMIN), P(p, P_PATMAX));
  if (P(p, P_SCOMMON) + P(p, P_SREP) > 1 + 1e-12)
    return nl_err(err, NL_EINVAL, "search_common + search_reputation = %g exceeds 1", P(p, P_SCOMMON) + P(p, P_SREP));
  const char *file = nl_params_get_string(p, P_NETFILE);
  int isfile = (int)P(p, P_NETWORK) == NET_FILE;
  if (isfile && (!file || !*file)) return nl_err(err, NL_EINVAL, "network: file needs network_file");
  if (!isfile && file && *file)
    return nl_err(err, NL_EINVAL, "network_file is given but network is '%s' (set network: file)",
                  net_kinds[(int)P(p, P_NETWORK)]);
  /* Members: four bit planes of ceil(m/64) words each (beliefs and their tags); tie slots: F
   * times capacity. A firm table gives its own sizes, checked when it is read. */
  const char *table = nl_params_get_string(p, P_FIRM_TABLE);
  if (table && *table) return NL_OK;
  double F = P(p, P_FIRMS), ncap = (int)P(p, P_SIZE_DIST) == 0 ? P(p, P_N) : P(p, P_N_MAX);
  double m = P(p, P_MP) + P(p, P_MQ), words = ceil(m / 64);
  nl_status st = nl_check_state_bytes(err, F * ncap * words * 32,
                                      "%.0f firms of up to %.0f members over %.0f dimensions", F, ncap, m);
  if (!st) st = nl_check_state_bytes(err, P(p, P_NFORMAL) * words * 16, "%.0f formal networks over %.0f dimensions",
                                     P(p, P_NFORMAL), m);
  if (!st) st = nl_check_state_bytes(err, F * P(p, P_CAPACITY) * 12, "%.0f firms with capacity %.0f ties each", F,
                                     P(p, P_CAPACITY));
  int kind = (int)P(p, P_NETWORK);
  if (st || isfile || !net_kind_of[kind]) return st;
  return nl_netpar_check(p, (size_t)F, net_kind_of, err); /* a network that cannot be made: bad input */
}

static void destroy(void *sp) {
  cn_state *s = sp;
  if (!s) return;
  if (s->org)
    for (size_t f = 0; f < s->F; f++) nl_march_org_free(&s->org[f]);
  void *ptrs[] = {s->org, s->rpos, s->relmask, s->tmask, s->tpos, s->count, s->sup, s->snz, s->spos, s->nspan,
                  s->x, s->e, s->alpha, s->kappa, s->perf, s->useful, s->adopted, s->keep, s->rmask, s->pat, s->formal, s->cnt,
                  s->market, s->base, s->prodmask, s->procmask, s->tie, s->slot, s->deg, s->gnz, s->gpos,
                  s->goff, s->gmem, s->gplus, s->gminus, s->gsup, s->gadopt, s->cnz0, s->cpos0, s->tmp,
                  s->stamp, s->parent, s->node_firm, s->pat0, s->att, s->fmask, s->fpos, s->nihbuf};
  for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++) nl_free(ptrs[i]);
  cn_table_free(&s->table);
  nl_network_free(s->net);
  nl_free(s);
}

static void *alloc_n(size_t a, size_t b, size_t size, int *fail) {
  size_t n;
  if (nl_mul_size(a, b, &n) || nl_mul_size(n, size, &n)) {
    *fail = 1;
    return NULL;
  }
  void *q = nl_calloc(n ? n : 1, 1);
  if (!q) *fail = 1;
  return q;
}

static nl_status create(void **out, const nl_params *p, nl_errbuf *err) {
  nl_status st = NL_OK;
  cn_state *s = nl_calloc(1, sizeof *s);
  if (!s) return nl_err(err, NL_ENOMEM, "out of memory");
  s->mP = (size_t)P(p, P_MP);
  s->mQ = (size_t)P(p, P_MQ);
  s->m = s->mP + s->mQ;
  s->W = nl_words(s->m);
  s->size_dist = (int)P(p, P_SIZE_DIST);
  s->n_med = P(p, P_N);
  s->size_sdlog = P(p, P_SIZE_SDLOG);
  s->n_min = P(p, P_N_MIN);
  s->n_max = P(p, P_N_MAX);
  s->sigma = P(p, P_SIGMA);
  s->p1 = P(p, P_P1);
  s->p1e = P(p, P_P1E);
  s->p2 = P(p, P_P2);
  s->p2e = P(p, P_P2E);
  s->p3 = P(p, P_P3);
  s->p4P = P(p, P_P4P);
  s->p4Q = P(p, P_P4Q);
  s->x_mean = P(p, P_XMEAN);
  s->x_conc = P(p, P_XCONC);
  s->e_mean = P(p, P_EMEAN);
  s->e_conc = P(p, P_ECONC);
  s->a_mean = P(p, P_AMEAN);
  s->a_conc = P(p, P_ACONC);
  s->pat_min = (long)P(p, P_PATMIN);
  s->pat_max = (long)P(p, P_PATMAX);
  s->span0 = P(p, P_SPAN0);
  s->spanx = P(p, P_SPANX);
  s->tau = P(p, P_TAU);
  s->mu = P(p, P_MU);
  s->q = P(p, P_Q);
  s->w0 = P(p, P_W0);
  s->nu = P(p, P_NU);
  s->p_inf = P(p, P_PINF);
  s->kappa0 = P(p, P_KAPPA0);
  s->kgain = P(p, P_KGAIN);
  s->kdecay = P(p, P_KDECAY);
  s->G = (size_t)P(p, P_NFORMAL);
  s->fshare = P(p, P_FSHARE);
  s->T_formal = (long)P(p, P_TFORMAL);
  s->p_net = P(p, P_PNET);
  s->p1_net = P(p, P_P1NET);
  s->T_review = (long)P(p, P_TREVIEW);
  s->cost = P(p, P_COST);
  s->smooth = P(p, P_SMOOTH);
  s->lambda = P(p, P_LAMBDA);
  s->K = (size_t)P(p, P_CAPACITY);
  s->s_common = P(p, P_SCOMMON);
  s->s_rep = P(p, P_SREP);
  s->rep_sample = (long)P(p, P_REPSAMPLE);
  s->tgain = P(p, P_TGAIN);
  s->tdecay = P(p, P_TDECAY);
  s->wmin = P(p, P_WMIN);
  s->rho = P(p, P_RHO);
  s->q_ref = P(p, P_QREF);
  s->theta = P(p, P_THETA);
  s->c_e = P(p, P_CE);
  s->m_e = P(p, P_ME);
  s->phi = P(p, P_PHI);

  /* Firms: from the table, or F from the parameter. */
  const char *table = nl_params_get_string(p, P_FIRM_TABLE);
  if (table && *table) {
    if ((st = cn_table_read(&s->table, table, err))) goto fail;
    s->F = s->table.F;
    if (nl_params_is_set(p, P_FIRMS) && (size_t)P(p, P_FIRMS) != s->F) {
      st = nl_err(err, NL_EINVAL, "firms = %g but the firm table %s has %zu firms", P(p, P_FIRMS), table, s->F);
      goto fail;
    }
    s->ncap = 1;
    for (size_t f = 0; f < s->F; f++)
      if ((size_t)s->table.size[f] > s->ncap) s->ncap = (size_t)s->table.size[f];
  } else {
    s->F = (size_t)P(p, P_FIRMS);
    s->ncap = s->size_dist == 0 ? (size_t)s->n_med : (size_t)s->n_max;
  }
  if (s->F > 0xfffffff0u) {
    st = nl_err(err, NL_ERANGE, "too many firms (%zu)", s->F);
    goto fail;
  }
  {
    double smax = s->span0 + s->spanx;
    size_t sc = (size_t)ceil((smax > 1 ? 1 : smax) * (double)s->ncap) + 1;
    s->scap = smax > 0 ? (sc < s->ncap ? sc : s->ncap) : 0;
  }

  /* Initial network: checked (generators) or read (files) now, so replications cannot fail. */
  s->net = nl_network_new();
  if (!s->net) goto nomem;
  int kind = (int)P(p, P_NETWORK);
  if (kind == NET_FILE) {
    s->net_file = 1;
    if ((st = cn_network_read(s, nl_params_get_string(p, P_NETFILE), err))) goto fail;
  } else {
    nl_netpar_spec(p, s->F, net_kind_of, &s->spec);
    if (nl_network_spec_check(s->net, &s->spec)) {
      st = nl_err(err, NL_EINVAL, "network '%s': %s", net_kinds[kind], nl_network_errmsg(s->net));
      goto fail;
    }
    if (nl_network_reserve(s->net, s->F, nl_network_spec_max_edges(&s->spec))) goto nomem;
  }

  int bad = 0;
  size_t F = s->F, W = s->W, FW = F * W;
  s->org = alloc_n(F, 1, sizeof(nl_march_org), &bad);
  if (bad) goto nomem;
  for (size_t f = 0; f < F; f++)
    if (nl_march_org_alloc(&s->org[f], s->m, s->ncap)) goto nomem;
  s->rpos = alloc_n(FW, 1, 8, &bad);
  s->relmask = alloc_n(FW, 1, 8, &bad);
  s->tmask = alloc_n(FW, s->ncap, 8, &bad);
  s->tpos = alloc_n(FW, s->ncap, 8, &bad);
  s->count = alloc_n(F, s->ncap, 1, &bad);
  s->sup = alloc_n(F, s->ncap, 1, &bad);
  s->snz = alloc_n(FW, s->scap, 8, &bad);
  s->spos = alloc_n(FW, s->scap, 8, &bad);
  s->nspan = alloc_n(F, 1, sizeof(size_t), &bad);
  s->x = alloc_n(F, 1, sizeof(double), &bad);
  s->e = alloc_n(F, 1, sizeof(double), &bad);
  s->alpha = alloc_n(F, 1, sizeof(double), &bad);
  s->kappa = alloc_n(F, 1, sizeof(double), &bad);
  s->perf = alloc_n(F, 1, sizeof(double), &bad);
  s->useful = alloc_n(F, 1, sizeof(double), &bad);
  s->adopted = alloc_n(F, 1, sizeof(double), &bad);
  s->keep = alloc_n(F, 1, sizeof(double), &bad);
  s->rmask = alloc_n(FW, s->scap, 8, &bad);
  s->pat = alloc_n(F, 1, sizeof(long), &bad);
  s->formal = alloc_n(F, 1, sizeof(long), &bad);
  s->cnt = alloc_n(F, NL_CN_FIRM_NFIELDS, sizeof(double), &bad);
  s->market = alloc_n(W, 1, 8, &bad);
  s->base = alloc_n(W, 1, 8, &bad);
  s->prodmask = alloc_n(W, 1, 8, &bad);
  s->procmask = alloc_n(W, 1, 8, &bad);
  s->tiecap = F * s->K / 2 + 1;
  s->tie = alloc_n(s->tiecap, 1, sizeof(cn_tie), &bad);
  s->slot = alloc_n(F, s->K, sizeof(uint32_t), &bad);
  s->deg = alloc_n(F, 1, sizeof(uint32_t), &bad);
  s->gnz = alloc_n(s->G, W, 8, &bad);
  s->gpos = alloc_n(s->G, W, 8, &bad);
  s->goff = alloc_n(s->G + 1, 1, sizeof(size_t), &bad);
  s->gmem = alloc_n(F, 1, sizeof(size_t), &bad);
  s->gplus = alloc_n(s->m, 1, sizeof(long), &bad);
  s->gminus = alloc_n(s->m, 1, sizeof(long), &bad);
  s->gsup = alloc_n(F, 1, 1, &bad);
  s->gadopt = alloc_n(F + 1, 1, 8, &bad);
  s->cnz0 = alloc_n(W, 1, 8, &bad);
  s->cpos0 = alloc_n(W, 1, 8, &bad);
  s->tmp = alloc_n(W, 2, 8, &bad);
  s->stamp = alloc_n(F, 1, sizeof(uint32_t), &bad);
  s->parent = alloc_n(F, 1, sizeof(uint32_t), &bad);
  s->pat0 = alloc_n(F, 1, sizeof(long), &bad);
  s->att = alloc_n(F, 1, sizeof(double), &bad);
  /* refined tags only where refinement can happen: coopnet 1 keeps its memory */
  s->fmask = alloc_n(s->rho > 0 ? FW : 0, s->ncap, 8, &bad);
  s->fpos = alloc_n(s->rho > 0 ? FW : 0, s->ncap, 8, &bad);
  s->nihbuf = alloc_n(W, 2, 8, &bad);
  if (bad) goto nomem;
  for (size_t w = 0; w < W; w++) {
    uint64_t all = nl_valid_mask(s->m, w);
    s->prodmask[w] = nl_valid_mask(s->mP, w);
    s->procmask[w] = all & ~s->prodmask[w];
  }
  for (size_t k = 0; k <= F; k++) s->gadopt[k] = nl_rng_fixed32(1.0 - pow(1.0 - s->p_net, (double)k));
  *out = s;
  return NL_OK;
nomem:
  st = nl_err(err, NL_ENOMEM, "out of memory for %zu firms of up to %zu members over %zu dimensions", s->F, s->ncap,
              s->m);
fail:
  destroy(s);
  return st;
}

/* Firm f's process reality from the base: related dimensions follow it, the others keep theirs. */
static void sync_reality(cn_state *s, size_t f) {
  uint64_t *r = s->rpos + f * s->W;
  const uint64_t *rel = s->relmask + f * s->W;
  for (size_t w = 0; w < s->W; w++)
    r[w] = (s->market[w] & s->prodmask[w]) | (s->base[w] & rel[w]) | (r[w] & s->procmask[w] & ~rel[w]);
}

static nl_status reset(void *sp, uint64_t seed, uint64_t rep, nl_errbuf *err) {
  cn_state *s = sp;
  size_t F = s->F, W = s->W;
  s->seed = seed;
  s->rep = rep;
  /* Traits: each firm's each trait from its own stream (8 f + trait), so a trait's distribution
   * changing (x_mean) does not change the draws of the others. */
  nl_rng tr;
  const cn_table *t = &s->table;
  for (size_t f = 0; f < F; f++) {
    size_t n;
    if (t->size) n = (size_t)t->size[f];
    else if (s->size_dist == 0) n = (size_t)s->n_med;
    else {
      nl_rng_init(&tr, seed, rep, CN_RNG_TRAITS, 8 * f);
      double v = floor(s->n_med * exp(s->size_sdlog * nl_rng_normal(&tr)) + 0.5);
      v = v < s->n_min ? s->n_min : v > s->n_max ? s->n_max : v;
      n = (size_t)v;
    }
    nl_rng_init(&tr, seed, rep, CN_RNG_TRAITS, 8 * f + 1);
    s->x[f] = (t->x && !isnan(t->x[f])) ? t->x[f] : beta_draw(&tr, s->x_mean, s->x_conc);
    nl_rng_init(&tr, seed, rep, CN_RNG_TRAITS, 8 * f + 2);
    s->e[f] = (t->e && !isnan(t->e[f])) ? t->e[f] : beta_draw(&tr, s->e_mean, s->e_conc);
    nl_rng_init(&tr, seed, rep, CN_RNG_TRAITS, 8 * f + 3);
    s->alpha[f] = (t->alpha && !isnan(t->alpha[f])) ? t->alpha[f] : beta_draw(&tr, s->a_mean, s->a_conc);
    nl_rng_init(&tr, seed, rep, CN_RNG_TRAITS, 8 * f + 4);
    if (t->patience && !isnan(t->patience[f])) s->pat[f] = (long)t->patience[f];
    else if (s->pat_max > s->pat_min)
      s->pat[f] = s->pat_min + (long)nl_rng_below(&tr, (uint64_t)(s->pat_max - s->pat_min + 1));
    else s->pat[f] = s->pat_min;
    /* coopnet 2: myopia shortens patience and attention for the outside shrinks with exploitation
     * (each exactly coopnet 1's at 0). */
    s->pat0[f] = s->pat[f];
    if (s->m_e > 0) {
      double pm = floor((double)s->pat[f] * (1 - s->m_e * s->e[f]) + 0.5);
      s->pat[f] = pm > 0 ? (long)pm : 0;
    }
    s->att[f] = 1 - s->theta * s->e[f];
    nl_march_org *o = &s->org[f];
    o->n = n;
    double p1 = s->p1 + (s->p1e - s->p1) * s->e[f], p2 = s->p2 + (s->p2e - s->p2) * s->e[f];
    nl_march_org_rates(o, p1, p1, 0, p2);
    double share = (s->span0 + s->spanx * s->x[f]) * s->att[f];
    size_t ns = 0;
    if (share > 0) {
      ns = (size_t)floor(share * (double)n + 0.5);
      if (ns < 1) ns = 1;
      if (ns > s->scap) ns = s->scap;
      if (ns > n) ns = n;
    }
    s->nspan[f] = ns;
    memset(s->count + f * s->ncap, 1, s->ncap);
    s->kappa[f] = s->kappa0;
    s->useful[f] = 0;
  }
  /* Market reality and firm 0's members from march1991's initial stream, in its order. */
  nl_rng init;
  nl_rng_init(&init, seed, rep, NL_RNG_INIT, 0);
  memset(s->market, 0, W * 8);
  nl_reality_random(&init, s->market, s->mP);
  for (size_t f = 0; f < F; f++) {
    if (f > 0) nl_rng_init(&init, seed, rep, NL_RNG_INIT, f);
    nl_march_org_randomize(&s->org[f], &init);
  }
  /* Process realities: a common base; each dimension of a firm related to it with prob. sigma. */
  nl_rng pr;
  nl_rng_init(&pr, seed, rep, CN_RNG_PROCESS, 0);
  uint64_t sigfx = nl_rng_fixed32(s->sigma);
  for (size_t w = 0; w < W; w++) s->base[w] = s->procmask[w] ? nl_rng_u64(&pr) & s->procmask[w] : 0;
  for (size_t f = 0; f < F; f++) {
    uint64_t *r = s->rpos + f * W, *rel = s->relmask + f * W;
    nl_rng_init(&pr, seed, rep, CN_RNG_PROCESS, f + 1); /* sigma's draws do not shift the next firm's */
    for (size_t w = 0; w < W; w++) {
      rel[w] = s->procmask[w] ? nl_rng_mask_on(&pr, sigfx, s->procmask[w]) : 0;
      r[w] = s->procmask[w] ? nl_rng_u64(&pr) & s->procmask[w] : 0;
    }
    sync_reality(s, f);
  }
  memset(s->tmask, 0, F * s->ncap * W * 8);
  if (s->rho > 0) {
    memset(s->fmask, 0, F * s->ncap * W * 8);
    memset(s->fpos, 0, F * s->ncap * W * 8);
  }
  memset(s->tpos, 0, F * s->ncap * W * 8);
  memset(s->rmask, 0, F * s->scap * W * 8);
  memset(s->adopted, 0, F * sizeof(double));
  memset(s->cnt, 0, F * NL_CN_FIRM_NFIELDS * sizeof(double));
  memset(s->pc, 0, sizeof s->pc);
  s->formed = s->dropped = 0;
  s->myopic = 0;
  /* Initial ties. */
  s->ntie = 0;
  memset(s->deg, 0, F * sizeof(uint32_t));
  if (!s->net_file) {
    if (nl_network_generate(s->net, &s->spec, seed, rep, 0))
      return nl_err(err, NL_EINVAL, "network: %s", nl_network_errmsg(s->net));
  }
  int weighted = nl_network_weighted(s->net);
  for (size_t e = 0; e < nl_network_edges(s->net); e++) {
    size_t u, v;
    double w;
    nl_network_edge(s->net, e, &u, &v, &w);
    uint32_t fu = s->net_file ? s->node_firm[u] : (uint32_t)u, fv = s->net_file ? s->node_firm[v] : (uint32_t)v;
    /* A generated graph denser than the capacity is thinned: edges beyond it are left out. */
    if (s->deg[fu] >= s->K || s->deg[fv] >= s->K) continue;
    tie_add(s, fu, fv, weighted ? w : s->w0);
  }
  /* Formal networks. */
  nl_rng fr;
  memset(s->goff, 0, (s->G + 1) * sizeof(size_t));
  for (size_t f = 0; f < F; f++) {
    nl_rng_init(&fr, seed, rep, CN_RNG_FORMAL, f);
    s->formal[f] = -1;
    if (s->G > 0 && nl_rng_bernoulli(&fr, s->fshare)) {
      s->formal[f] = (long)nl_rng_below(&fr, s->G);
      s->goff[s->formal[f] + 1]++;
    }
  }
  for (size_t g = 0; g < s->G; g++) s->goff[g + 1] += s->goff[g];
  /* Counting sort: goff[g] runs to the end of g while filling, then shifts back. */
  for (size_t f = 0; f < F; f++)
    if (s->formal[f] >= 0) s->gmem[s->goff[s->formal[f]]++] = f;
  for (size_t g = s->G; g > 0; g--) s->goff[g] = s->goff[g - 1];
  s->goff[0] = 0;
  if (s->G) {
    memset(s->gnz, 0, s->G * W * 8);
    memset(s->gpos, 0, s->G * W * 8);
  }
  s->period = 0;
  return NL_OK;
}

/* ---- phases ------------------------------------------------------------------------------- */

/* Process turbulence on the dimensions selected by `mask` (per word), p = probability per dimension. */
static void flip_masked(uint64_t *x, const uint64_t *mask, size_t W, nl_rng *r, uint64_t Pfx) {
  for (size_t w = 0; w < W; w++)
    if (mask[w]) x[w] ^= nl_rng_mask_on(r, Pfx, mask[w]);
}

/* Members of an organization holding +1 and -1 on dimension k. O(n). */
static void holders(const nl_march_org *o, size_t k, long *plus, long *minus) {
  size_t w = k / 64, b = k % 64, W = o->W;
  long p = 0, nz = 0;
  for (size_t i = 0; i < o->n; i++) {
    nz += (long)((o->nz[i * W + w] >> b) & 1);
    p += (long)((o->pos[i * W + w] >> b) & 1); /* pos implies nz */
  }
  *plus = p;
  *minus = nz - p;
}

/* Book a code change of firm f on dimension k to value val: explorative (minority of members) or
 * exploitative (majority), external (followed a transfer between levels) or not, improvement or not. */
static void book_change(cn_state *s, size_t f, size_t k, int val, int external) {
  const nl_march_org *o = &s->org[f];
  long plus, minus;
  holders(o, k, &plus, &minus);
  int majority = val > 0 ? plus > minus : minus > plus;
  add(s, f, majority ? NL_CN_FIRM_EXPLOITATIVE : NL_CN_FIRM_EXPLORATIVE, 1);
  if (external) add(s, f, majority ? NL_CN_FIRM_EXPLOIT_SW : NL_CN_FIRM_EXPLOR_SW, 1);
  int right = bit_of(s->rpos + f * s->W, k) == (val > 0);
  if (!right) return;
  int product = k < s->mP;
  if (external) {
    add(s, f, product ? NL_CN_FIRM_PROD_COINNO : NL_CN_FIRM_PROC_COINNO, 1);
    s->useful[f] += 1;
  } else {
    add(s, f, product ? NL_CN_FIRM_PROD_INNO : NL_CN_FIRM_PROC_INNO, 1);
  }
}

/* Index of the j-th set bit (0-based) of the W-word set x; x has more than j bits. O(W). */
static size_t select_bit(const uint64_t *x, size_t W, size_t j) {
  for (size_t w = 0; w < W; w++) {
    size_t c = (size_t)nl_popcount(x[w]);
    if (j >= c) {
      j -= c;
      continue;
    }
    uint64_t v = x[w];
    while (j--) v &= v - 1;
    return w * 64 + (size_t)__builtin_ctzll(v);
  }
  return 0; /* not reached */
}

/* Members' tests of firm f (phases 2 and 2b): each member, with probability p, tests one random
 * dimension -- any of the m (dims = NULL: experimentation) or one of the nd set in dims (routine
 * refinement) -- and learns the firm's true value there with probability acc, else the wrong one.
 * Refinements are tagged (fmask/fpos) and no longer external, and counted. Who tests is drawn per
 * 64-member block (purpose pm), each test from the member's own stream (purpose pd). O(n / 64 +
 * tests (W with dims)). */
static void member_tests(cn_state *s, size_t f, double p, const uint64_t *dims, size_t nd, double acc, uint64_t pm,
                         uint64_t pd) {
  nl_march_org *o = &s->org[f];
  nl_rng rm, rt, *r = &rt;
  size_t W = s->W, n = o->n;
  const uint64_t *rp = s->rpos + f * W;
  uint64_t Pfx = nl_rng_fixed32(p);
  for (size_t b = 0; b < n; b += 64) {
    size_t hi = n - b < 64 ? n - b : 64;
    cn_rng(&rm, s, pm, f * s->ncap + b, s->period);
    uint64_t M = nl_rng_mask_on(&rm, Pfx, hi == 64 ? ~(uint64_t)0 : (((uint64_t)1 << hi) - 1));
    while (M) {
      size_t i = b + (size_t)__builtin_ctzll(M);
      M &= M - 1;
      cn_rng(r, s, pd, f * s->ncap + i, s->period);
      size_t k = dims ? select_bit(dims, W, (size_t)nl_rng_below(r, nd)) : (size_t)nl_rng_below(r, s->m);
      int right = nl_rng_bernoulli(r, acc);
      int val = bit_of(rp, k) == right; /* +1 when the revealed value is +1 */
      uint64_t bit = (uint64_t)1 << (k % 64);
      size_t wk = k / 64;
      o->nz[i * W + wk] |= bit;
      if (val) o->pos[i * W + wk] |= bit;
      else o->pos[i * W + wk] &= ~bit;
      if (!dims) continue;
      size_t ix = (f * s->ncap + i) * W + wk;
      s->fpos[ix] = val ? s->fpos[ix] | bit : s->fpos[ix] & ~bit;
      s->fmask[ix] |= bit;
      s->tmask[ix] &= ~bit;
      add(s, f, NL_CN_FIRM_REFINE, 1);
    }
  }
}

/* Routine refinement of firm f (phase 2b): members refine, with probability prf, one random
 * process dimension on which the firm's code is non-zero (its routines), with accuracy q_ref. */
static void refine(cn_state *s, size_t f, double prf) {
  const nl_march_org *o = &s->org[f];
  uint64_t *est = s->nihbuf; /* scratch: the firm's routines */
  size_t c = 0;
  for (size_t w = 0; w < s->W; w++) {
    est[w] = o->cnz[w] & s->procmask[w];
    c += (size_t)nl_popcount(est[w]);
  }
  if (c > 0) member_tests(s, f, prf, est, c, s->q_ref, CN_RNG_REF, CN_RNG_REF_DIM);
}

/* Does a superior member of firm f hold value val on dimension k (word w, bit b) from a refinement
 * it still holds? O(n). */
static int refined_by_superior(const cn_state *s, size_t f, size_t w, size_t b, int val) {
  const nl_march_org *o = &s->org[f];
  const unsigned char *sup = s->sup + f * s->ncap;
  size_t W = s->W;
  for (size_t i = 0; i < o->n; i++) {
    if (!sup[i]) continue;
    size_t ix = (f * s->ncap + i) * W + w;
    uint64_t valid = s->fmask[ix] & o->nz[i * W + w] & ~(o->pos[i * W + w] ^ s->fpos[ix]);
    if (((valid >> b) & 1) && (int)((o->pos[i * W + w] >> b) & 1) == (val > 0)) return 1;
  }
  return 0;
}

/* Phases 2-4 for firm f: experimentation, acting and socialization, code learning. */
static void intra_firm(cn_state *s, size_t f) {
  nl_march_org *o = &s->org[f];
  nl_rng r;
  size_t W = s->W, n = o->n, ns = s->nspan[f];
  uint64_t *rp = s->rpos + f * W;
  /* 2. Experimentation: members test one dimension each with probability mu x_f. */
  double pe = s->mu * s->x[f];
  if (pe > 0 && n > 0) member_tests(s, f, pe, NULL, 0, s->q, CN_RNG_EXP, CN_RNG_EXP_DIM);
  /* 2b. Routine refinement (coopnet 2, R): members refine an established routine, a process
   * dimension where the firm's code is non-zero, with probability rho e_f. */
  double prf = s->rho * s->e[f];
  if (prf > 0 && n > 0 && s->mQ > 0) refine(s, f, prf);
  /* 3-4. Spanners count in the superior group only when they translate (probability tau). */
  unsigned char *cnt = s->count + f * s->ncap, *sup = s->sup + f * s->ncap;
  cn_rng(&r, s, CN_RNG_TRANSLATE, f, s->period);
  for (size_t i = 0; i < ns; i++)
    cnt[i] = (unsigned char)(s->tau >= 1 ? 1 : s->tau <= 0 ? 0 : nl_rng_bernoulli(&r, s->tau));
  cn_rng(&r, s, CN_RNG_ACT, f, s->period);
  nl_march_act_ex(o, &r, rp, NL_MARCH_ORIGINAL, cnt, sup);
  cn_rng(&r, s, CN_RNG_SOCIALIZE, f, s->period);
  nl_march_socialize(o, &r, NL_MARCH_ORIGINAL);
  memcpy(s->cnz0, o->cnz, W * 8);
  memcpy(s->cpos0, o->cpos, W * 8);
  cn_rng(&r, s, CN_RNG_CODE, f, s->period);
  long changed = nl_march_code_learn(o, &r, NL_MARCH_ORIGINAL);
  if (changed <= 0) return;
  for (size_t w = 0; w < W; w++) {
    uint64_t ch = (o->cnz[w] ^ s->cnz0[w]) | (o->cpos[w] ^ s->cpos0[w]);
    while (ch) {
      size_t b = (size_t)__builtin_ctzll(ch);
      ch &= ch - 1;
      size_t k = w * 64 + b;
      int val = (int)((o->cpos[w] >> b) & 1) ? 1 : -1;
      /* External when a translating spanner of the superior group holds this value from outside. */
      int external = 0;
      for (size_t i = 0; i < ns && !external; i++) {
        if (!sup[i]) continue;
        size_t ix = (f * s->ncap + i) * W + w;
        uint64_t valid = s->tmask[ix] & o->nz[i * W + w] & ~(o->pos[i * W + w] ^ s->tpos[ix]);
        if (((valid >> b) & 1) && (int)((o->pos[i * W + w] >> b) & 1) == (val > 0)) external = 1;
      }
      if (external) add(s, f, NL_CN_FIRM_T_TRANSLATE, 1);
      if (s->rho > 0 && k >= s->mP && refined_by_superior(s, f, w, b, val)) add(s, f, NL_CN_FIRM_REFINE_ADOPT, 1);
      book_change(s, f, k, val, external);
    }
  }
}

/* Not invented here (N): of the outside beliefs `est` (bits of one word) on dimensions where the
 * firm's code is non-zero, those rejected: each is kept with probability Keep / 2^32 = 1 - phi e_f,
 * drawn from r (nl_rng_mask_on draws nothing when est is empty). */
static inline uint64_t nih_reject(nl_rng *r, uint64_t est, uint64_t Keep) {
  return est & ~nl_rng_mask_on(r, Keep, est);
}

/* 5. Informal inter-firm learning over the ties (synchronous: partners' spanners as they were at the
 * start of the phase). */
static void informal(cn_state *s) {
  size_t W = s->W;
  if (s->ntie == 0 || s->p_inf <= 0 || s->nu <= 0) return;
  for (size_t f = 0; f < s->F; f++) {
    if (!s->deg[f] || !s->nspan[f]) continue;
    memcpy(s->snz + f * s->scap * W, s->org[f].nz, s->nspan[f] * W * 8);
    memcpy(s->spos + f * s->scap * W, s->org[f].pos, s->nspan[f] * W * 8);
  }
  nl_rng r, rn;
  for (size_t t = 0; t < s->ntie; t++) {
    cn_tie *tie = &s->tie[t];
    size_t u = tie->u, v = tie->v;
    /* the tie's own stream: its draws do not depend on the ties before it in the list */
    cn_rng(&r, s, CN_RNG_TIE, u * s->F + v, s->period);
    if (!nl_rng_bernoulli(&r, s->nu * tie->w * s->att[u] * s->att[v])) continue;
    if (!s->nspan[u] || !s->nspan[v] || s->perf[u] == s->perf[v]) continue;
    size_t a = s->perf[u] < s->perf[v] ? u : v, b = a == u ? v : u; /* a adopts from better b */
    size_t i = (size_t)nl_rng_below(&r, s->nspan[a]), j = (size_t)nl_rng_below(&r, s->nspan[b]);
    uint64_t *nz = s->org[a].nz + i * W, *pos = s->org[a].pos + i * W;
    const uint64_t *onz = s->snz + (b * s->scap + j) * W, *opos = s->spos + (b * s->scap + j) * W;
    uint64_t *tm = s->tmask + (a * s->ncap + i) * W, *tp = s->tpos + (a * s->ncap + i) * W;
    const uint64_t *ra = s->rpos + a * W;
    uint64_t Pfx = nl_rng_fixed32(s->p_inf * s->kappa[a]);
    /* Not invented here (N): on the firm's established dimensions an adoption is kept only with
     * probability 1 - phi e_a (a thinning of the usual draw, so phi = 0 draws nothing more). */
    double nih = s->phi * s->e[a];
    uint64_t Keep = nl_rng_fixed32(1 - nih);
    long right = 0, all = 0, rejected = 0;
    cn_rng(&rn, s, CN_RNG_TIE_NIH, u * s->F + v, s->period); /* no draw unless nih > 0 */
    for (size_t w = 0; w < W; w++) {
      uint64_t diff = onz[w] & ~(nz[w] & ~(pos[w] ^ opos[w]));
      uint64_t M = nl_rng_mask_on(&r, Pfx, diff);
      if (!M) continue;
      if (nih > 0) {
        uint64_t rej = nih_reject(&rn, M & s->org[a].cnz[w], Keep);
        rejected += nl_popcount(rej);
        M &= ~rej;
        if (!M) continue;
      }
      nz[w] |= M;
      pos[w] = (pos[w] & ~M) | (opos[w] & M);
      tm[w] |= M;
      tp[w] = (tp[w] & ~M) | (opos[w] & M);
      s->rmask[(a * s->scap + i) * W + w] |= M;
      all += nl_popcount(M);
      right += nl_popcount(M & ~(opos[w] ^ ra[w]));
    }
    tie->gain[a == u ? 0 : 1] += (double)(2 * right - all);
    if (rejected) add(s, a, NL_CN_FIRM_NIH, (double)rejected);
    add(s, a, NL_CN_FIRM_T_INFORMAL, (double)all);
    s->adopted[a] += (double)all;
  }
}

/* Not invented here on socialization to the network code: each change on a dimension where the
 * firm's code is non-zero is undone as nih_reject says (beliefs before: nihbuf). Returns the
 * changes undone. O(W). */
static long nih_revert(cn_state *s, nl_rng *r, uint64_t *nz, uint64_t *pos, const uint64_t *cnz, uint64_t Keep) {
  size_t W = s->W;
  const uint64_t *nz0 = s->nihbuf, *pos0 = s->nihbuf + W;
  long undone = 0;
  for (size_t w = 0; w < W; w++) {
    uint64_t rej = nih_reject(r, ((nz[w] ^ nz0[w]) | (pos[w] ^ pos0[w])) & cnz[w], Keep);
    nz[w] = (nz[w] & ~rej) | (nz0[w] & rej);
    pos[w] = (pos[w] & ~rej) | (pos0[w] & rej);
    undone += nl_popcount(rej);
  }
  return undone;
}

/* 6. Formal network learning: network code from superior member firms, spanners socialized to it,
 * firm codes amplifying what translating spanners bring back. */
static void formal(cn_state *s) {
  size_t W = s->W, m = s->m;
  nl_rng r, rn;
  for (size_t g = 0; g < s->G; g++) {
    size_t lo = s->goff[g], hi = s->goff[g + 1];
    if (lo == hi) continue;
    uint64_t *gnz = s->gnz + g * W, *gpos = s->gpos + g * W;
    memset(s->gplus, 0, m * sizeof(long));
    memset(s->gminus, 0, m * sizeof(long));
    for (size_t k = lo; k < hi; k++) {
      size_t f = s->gmem[k];
      const nl_march_org *o = &s->org[f];
      s->gsup[f] = (unsigned char)(s->perf[f] > (double)nl_belief_score(gnz, gpos, s->rpos + f * W, W));
      if (!s->gsup[f]) continue;
      for (size_t w = 0; w < W; w++) {
        uint64_t pl = o->cnz[w] & o->cpos[w], mi = o->cnz[w] & ~o->cpos[w];
        while (pl) {
          s->gplus[w * 64 + (size_t)__builtin_ctzll(pl)]++;
          pl &= pl - 1;
        }
        while (mi) {
          s->gminus[w * 64 + (size_t)__builtin_ctzll(mi)]++;
          mi &= mi - 1;
        }
      }
    }
    /* March's code rule on the network code. */
    memcpy(s->tmp, gnz, W * 8);
    memcpy(s->tmp + W, gpos, W * 8);
    for (size_t k = 0; k < m; k++) {
      long pl = s->gplus[k], mi = s->gminus[k];
      if (pl == mi) continue;
      int val = pl > mi ? 1 : -1;
      long margin = pl > mi ? pl - mi : mi - pl;
      uint64_t bit = (uint64_t)1 << (k % 64);
      int cur = (gnz[k / 64] & bit) ? ((gpos[k / 64] & bit) ? 1 : -1) : 0;
      if (cur == val) continue;
      /* each dimension's draw from its own block: the same uniform whatever the other dimensions did */
      nl_rng_init_at(&r, s->seed, s->rep, CN_RNG_NETCODE, g, ((uint64_t)s->period << 32) + k);
      if ((nl_rng_u64(&r) >> 32) < s->gadopt[margin]) {
        gnz[k / 64] |= bit;
        if (val > 0) gpos[k / 64] |= bit;
        else gpos[k / 64] &= ~bit;
      }
    }
    for (size_t k = lo; k < hi; k++) {
      size_t f = s->gmem[k];
      if (!s->gsup[f]) continue;
      const nl_march_org *o = &s->org[f];
      long votes = 0;
      for (size_t w = 0; w < W; w++) {
        uint64_t ch = (gnz[w] ^ s->tmp[w]) | (gpos[w] ^ s->tmp[W + w]);
        votes += nl_popcount(ch & o->cnz[w] & ~(o->cpos[w] ^ gpos[w]));
      }
      add(s, f, NL_CN_FIRM_T_UPWARD, (double)votes);
    }
    /* Spanners socialized to the network code; then amplification into the firm's code. */
    uint64_t P1 = nl_rng_fixed32(s->p1_net);
    for (size_t k = lo; k < hi; k++) {
      size_t f = s->gmem[k];
      nl_march_org *o = &s->org[f];
      size_t ns = s->nspan[f];
      const unsigned char *cnt = s->count + f * s->ncap;
      long took = 0;
      uint64_t *carry = s->tmp + W; /* dimensions where a translating spanner holds the network value */
      memset(carry, 0, W * 8);
      for (size_t i = 0; i < ns; i++) {
        uint64_t *nz = o->nz + i * W, *pos = o->pos + i * W;
        uint64_t *tm = s->tmask + (f * s->ncap + i) * W, *tp = s->tpos + (f * s->ncap + i) * W;
        memcpy(s->tmp, nz, W * 8);
        double nih = s->phi * s->e[f];
        if (nih > 0) {
          memcpy(s->nihbuf, nz, W * 8);
          memcpy(s->nihbuf + W, pos, W * 8);
        }
        cn_rng(&r, s, CN_RNG_NETSOC, f * s->ncap + i, s->period);
        nl_belief_socialize_gradual(&r, P1, nz, pos, gnz, gpos, W);
        if (nih > 0) {
          cn_rng(&rn, s, CN_RNG_NETSOC_NIH, f * s->ncap + i, s->period);
          add(s, f, NL_CN_FIRM_NIH, (double)nih_revert(s, &rn, nz, pos, o->cnz, nl_rng_fixed32(1 - nih)));
        }
        for (size_t w = 0; w < W; w++) {
          uint64_t now = gnz[w] & nz[w] & ~(pos[w] ^ gpos[w]); /* holds the network value */
          uint64_t got = now & ~s->tmp[w];                      /* came from doubt this round */
          tm[w] |= got;
          tp[w] = (tp[w] & ~got) | (gpos[w] & got);
          took += nl_popcount(got);
          if (cnt[i]) carry[w] |= now;
        }
      }
      add(s, f, NL_CN_FIRM_T_FORMAL, (double)took);
      if (s->alpha[f] <= 0) continue;
      uint64_t A = nl_rng_fixed32(s->alpha[f]);
      cn_rng(&r, s, CN_RNG_AMPLIFY, f, s->period);
      for (size_t w = 0; w < W; w++) {
        uint64_t agree = o->cnz[w] & ~(o->cpos[w] ^ gpos[w]);
        uint64_t cand = gnz[w] & ~agree & carry[w];
        uint64_t M = nl_rng_mask_on(&r, A, cand);
        while (M) {
          size_t b = (size_t)__builtin_ctzll(M);
          M &= M - 1;
          uint64_t bit = (uint64_t)1 << b;
          int val = (gpos[w] & bit) ? 1 : -1;
          o->cnz[w] |= bit;
          o->cpos[w] = val > 0 ? o->cpos[w] | bit : o->cpos[w] & ~bit;
          add(s, f, NL_CN_FIRM_T_AMPLIFY, 1);
          book_change(s, f, w * 64 + b, val, 1);
        }
      }
    }
  }
}

/* Share of the beliefs firm f adopted informally since the last review that its spanners still
 * hold (socialization to the firm's code erases them at rate p1_f). Clears the review tags. */
static double retained(cn_state *s, size_t f) {
  size_t W = s->W;
  if (s->adopted[f] <= 0) return 1;
  const nl_march_org *o = &s->org[f];
  long kept = 0;
  for (size_t i = 0; i < s->nspan[f]; i++) {
    uint64_t *rm = s->rmask + (f * s->scap + i) * W;
    const uint64_t *tp = s->tpos + (f * s->ncap + i) * W;
    for (size_t w = 0; w < W; w++) {
      kept += nl_popcount(rm[w] & o->nz[i * W + w] & ~(o->pos[i * W + w] ^ tp[w]));
      rm[w] = 0;
    }
  }
  double r = (double)kept / s->adopted[f];
  s->adopted[f] = 0;
  return r > 1 ? 1 : r;
}

/* 7. Tie dynamics: values (what each side adopted and kept), trust, drops; then partner search. */
static void ties_review(cn_state *s) {
  /* A tie is worth to a firm the useful adoptions it brought that the firm kept until the review. */
  for (size_t f = 0; f < s->F; f++) s->keep[f] = retained(s, f);
  for (size_t t = 0; t < s->ntie; t++) {
    s->tie[t].gain[0] *= s->keep[s->tie[t].u];
    s->tie[t].gain[1] *= s->keep[s->tie[t].v];
  }
  for (size_t t = s->ntie; t-- > 0;) {
    cn_tie *tie = &s->tie[t];
    for (int k = 0; k < 2; k++) {
      size_t fk = k ? tie->v : tie->u;
      double cost = s->cost + s->c_e * s->e[fk]; /* M: an exploiter's refinement time; tie_cost at c_e = 0 */
      tie->value[k] = (1 - s->smooth) * tie->value[k] + s->smooth * tie->gain[k];
      tie->below[k] = tie->value[k] < cost ? tie->below[k] + 1 : 0;
      tie->below0[k] = tie->value[k] < s->cost ? tie->below0[k] + 1 : 0;
    }
    /* Trust grows after a round with useful exchange (either way), else decays. */
    if (tie->gain[0] + tie->gain[1] > 0) tie->w += s->tgain * (1 - tie->w);
    else tie->w -= s->tdecay * tie->w;
    if (tie->w < s->wmin) tie->w = s->wmin;
    tie->gain[0] = tie->gain[1] = 0;
    /* Either firm leaves a tie that stayed below its cost for longer than its patience. */
    int leave_u = tie->below[0] > s->pat[tie->u], leave_v = tie->below[1] > s->pat[tie->v];
    if (leave_u || leave_v) {
      add(s, tie->u, NL_CN_FIRM_DROPPED, 1);
      add(s, tie->v, NL_CN_FIRM_DROPPED, 1);
      s->dropped++;
      /* Myopic (M) when coopnet 1's rule (tie_cost, base patience) would have kept it. */
      if (!(tie->below0[0] > s->pat0[tie->u] || tie->below0[1] > s->pat0[tie->v])) {
        s->myopic++;
        if (leave_u) add(s, tie->u, NL_CN_FIRM_MYOPIC, 1);
        if (leave_v) add(s, tie->v, NL_CN_FIRM_MYOPIC, 1);
      }
      tie_remove(s, t);
    }
  }
  if (s->F < 2) return;
  nl_rng r;
  for (size_t f = 0; f < s->F; f++) {
    double ps = s->lambda * s->x[f] * s->att[f];
    cn_rng(&r, s, CN_RNG_SEARCH, f, s->period);
    if (s->deg[f] >= s->K || ps <= 0 || !nl_rng_bernoulli(&r, ps)) continue;
    double u = nl_rng_uniform(&r);
    size_t c;
    if (u < s->s_common && s->deg[f] > 0) {
      const cn_tie *t1 = &s->tie[s->slot[f * s->K + nl_rng_below(&r, s->deg[f])]];
      size_t mid = t1->u == f ? t1->v : t1->u;
      if (!s->deg[mid]) continue;
      const cn_tie *t2 = &s->tie[s->slot[mid * s->K + nl_rng_below(&r, s->deg[mid])]];
      c = t2->u == mid ? t2->v : t2->u;
    } else if (u < s->s_common + s->s_rep) {
      c = (size_t)nl_rng_below(&r, s->F);
      for (long k = 1; k < s->rep_sample; k++) {
        size_t d = (size_t)nl_rng_below(&r, s->F);
        if (s->perf[d] > s->perf[c]) c = d;
      }
    } else {
      c = (size_t)nl_rng_below(&r, s->F);
    }
    if (c == f || s->deg[c] >= s->K || tie_find(s, (uint32_t)f, (uint32_t)c) >= 0) continue;
    tie_add(s, (uint32_t)f, (uint32_t)c, s->w0);
    add(s, f, NL_CN_FIRM_FORMED, 1);
    add(s, c, NL_CN_FIRM_FORMED, 1);
    s->formed++;
  }
}

static nl_status step(void *sp, nl_errbuf *err) {
  (void)err;
  cn_state *s = sp;
  size_t F = s->F, W = s->W;
  s->period++;
  memset(s->pc, 0, sizeof s->pc);
  s->formed = s->dropped = 0;
  s->myopic = 0;
  /* 1. Turnover, then turbulence: the market and the process base on firm 0's stream (after its
   * turnover, as in march1991), each firm's unrelated process dimensions on its own. */
  long shared = 0;
  uint64_t PQ = nl_rng_fixed32(s->p4Q);
  nl_rng rr;
  for (size_t f = 0; f < F; f++) {
    cn_rng(&rr, s, CN_RNG_TURNOVER, f, s->period);
    nl_march_turnover(&s->org[f], &rr, s->p3);
    if (f == 0) {
      cn_rng(&rr, s, CN_RNG_TURB, 0, s->period);
      shared += nl_march_turbulence(s->market, s->mP, &rr, s->p4P);
      if (s->p4Q > 0 && s->mQ > 0) {
        flip_masked(s->base, s->procmask, W, &rr, PQ);
        shared++;
      }
    }
    if (s->p4Q > 0 && s->mQ > 0) {
      uint64_t *r = s->rpos + f * W;
      const uint64_t *rel = s->relmask + f * W;
      cn_rng(&rr, s, CN_RNG_TURB_OWN, f, s->period);
      for (size_t w = 0; w < W; w++) {
        uint64_t own = s->procmask[w] & ~rel[w];
        if (own) r[w] ^= nl_rng_mask_on(&rr, PQ, own);
      }
    }
  }
  if (shared)
    for (size_t f = 0; f < F; f++) sync_reality(s, f);
  /* 2-4. Within firms. */
  for (size_t f = 0; f < F; f++) intra_firm(s, f);
  /* Performance of each firm's code against its own reality, read by phases 5-7. */
  for (size_t f = 0; f < F; f++)
    s->perf[f] = (double)nl_belief_score(s->org[f].cnz, s->org[f].cpos, s->rpos + f * W, W);
  /* 5. Informal learning. */
  informal(s);
  /* 6. Formal networks. */
  if (s->G > 0 && s->period % s->T_formal == 0) formal(s);
  /* 7. Ties. */
  if (s->period % s->T_review == 0) ties_review(s);
  /* 8. Learning to collaborate: useful external code adoptions build kappa, disuse erodes it. */
  for (size_t f = 0; f < F; f++) {
    double k = s->kappa[f];
    if (s->useful[f] > 0) k += (1 - k) * (1 - pow(1 - s->kgain, s->useful[f]));
    k -= s->kdecay * k;
    s->kappa[f] = k;
    s->useful[f] = 0;
  }
  return NL_OK;
}

/* ---- measures ----------------------------------------------------------------------------- */

static uint32_t uf_find(uint32_t *p, uint32_t x) {
  while (p[x] != x) {
    p[x] = p[p[x]];
    x = p[x];
  }
  return x;
}

static void observe(void *sp, double *out) {
  cn_state *s = sp;
  size_t F = s->F, W = s->W;
  double code = 0, ind = 0, div = 0, sup = 0, cp = 0, cq = 0, ip = 0, iq = 0, str = 0, kap = 0;
  double gk = 0;
  long gn = 0;
  for (size_t f = 0; f < F; f++) {
    nl_march_org *o = &s->org[f];
    const uint64_t *r = s->rpos + f * W;
    nl_march_measures mm;
    nl_march_measure(o, r, &mm);
    code += mm.code_knowledge;
    ind += mm.individual_knowledge;
    div += mm.diversity;
    sup += (double)o->superior;
    cp += (double)masked_score(o->cnz, o->cpos, r, s->prodmask, W);
    cq += (double)masked_score(o->cnz, o->cpos, r, s->procmask, W);
    long sp_ = 0, sq = 0;
    for (size_t i = 0; i < o->n; i++) {
      sp_ += masked_score(o->nz + i * W, o->pos + i * W, r, s->prodmask, W);
      sq += masked_score(o->nz + i * W, o->pos + i * W, r, s->procmask, W);
    }
    ip += o->n ? (double)sp_ / (double)o->n : 0;
    iq += o->n ? (double)sq / (double)o->n : 0;
    kap += s->kappa[f];
    if (s->formal[f] >= 0) {
      size_t g = (size_t)s->formal[f];
      gk += (double)nl_belief_score(s->gnz + g * W, s->gpos + g * W, r, W) / (double)s->m;
      gn++;
    }
  }
  double dF = (double)F;
  out[M_CODE] = code / dF;
  out[M_IND] = ind / dF;
  out[M_DIV] = div / dF;
  out[M_SUP] = sup / dF;
  out[M_CODE_P] = s->mP ? cp / dF / (double)s->mP : NAN;
  out[M_CODE_Q] = s->mQ ? cq / dF / (double)s->mQ : NAN;
  out[M_IND_P] = s->mP ? ip / dF / (double)s->mP : NAN;
  out[M_IND_Q] = s->mQ ? iq / dF / (double)s->mQ : NAN;
  out[M_NETCODE] = gn ? gk / (double)gn : NAN;
  out[M_PROD_CO] = s->pc[NL_CN_FIRM_PROD_COINNO] / dF;
  out[M_PROC_CO] = s->pc[NL_CN_FIRM_PROC_COINNO] / dF;
  out[M_PROD_IN] = s->pc[NL_CN_FIRM_PROD_INNO] / dF;
  out[M_PROC_IN] = s->pc[NL_CN_FIRM_PROC_INNO] / dF;
  out[M_EXPLOR] = s->pc[NL_CN_FIRM_EXPLORATIVE] / dF;
  out[M_EXPLOIT] = s->pc[NL_CN_FIRM_EXPLOITATIVE] / dF;
  out[M_EXPLOR_SW] = s->pc[NL_CN_FIRM_EXPLOR_SW] / dF;
  out[M_EXPLOIT_SW] = s->pc[NL_CN_FIRM_EXPLOIT_SW] / dF;
  out[M_T_INF] = s->pc[NL_CN_FIRM_T_INFORMAL] / dF;
  out[M_T_FORM] = s->pc[NL_CN_FIRM_T_FORMAL] / dF;
  out[M_T_TRANS] = s->pc[NL_CN_FIRM_T_TRANSLATE] / dF;
  out[M_T_AMP] = s->pc[NL_CN_FIRM_T_AMPLIFY] / dF;
  out[M_T_UP] = s->pc[NL_CN_FIRM_T_UPWARD] / dF;
  /* Tie graph: strength, transitivity (common neighbours per tie), components (union-find). */
  double common = 0, triples = 0;
  for (size_t f = 0; f < F; f++) {
    s->stamp[f] = 0;
    s->parent[f] = (uint32_t)f;
    triples += (double)s->deg[f] * ((double)s->deg[f] - 1) / 2;
  }
  for (size_t t = 0; t < s->ntie; t++) {
    const cn_tie *tie = &s->tie[t];
    str += 2 * tie->w;
    uint32_t a = uf_find(s->parent, tie->u), b = uf_find(s->parent, tie->v);
    if (a != b) s->parent[a] = b;
    uint32_t mark = (uint32_t)t + 1;
    const uint32_t *su = s->slot + (size_t)tie->u * s->K, *sv = s->slot + (size_t)tie->v * s->K;
    for (uint32_t j = 0; j < s->deg[tie->u]; j++) {
      const cn_tie *x = &s->tie[su[j]];
      s->stamp[x->u == tie->u ? x->v : x->u] = mark;
    }
    for (uint32_t j = 0; j < s->deg[tie->v]; j++) {
      const cn_tie *x = &s->tie[sv[j]];
      if (s->stamp[x->u == tie->v ? x->v : x->u] == mark) common++;
    }
  }
  long comps = 0;
  for (size_t f = 0; f < F; f++)
    if (uf_find(s->parent, (uint32_t)f) == f) comps++;
  out[M_TIES] = (double)s->ntie;
  out[M_DEGREE] = 2 * (double)s->ntie / dF;
  out[M_STRENGTH] = str / dF;
  out[M_FORMED] = (double)s->formed;
  out[M_DROPPED] = (double)s->dropped;
  out[M_KAPPA] = kap / dF;
  out[M_DENSITY] = F > 1 ? (double)s->ntie / (dF * (dF - 1) / 2) : NAN;
  out[M_CLUSTER] = triples > 0 ? common / triples : 0;
  out[M_COMPONENTS] = (double)comps;
  out[M_REFINE] = s->pc[NL_CN_FIRM_REFINE] / dF;
  out[M_REFINE_ADOPT] = s->pc[NL_CN_FIRM_REFINE_ADOPT] / dF;
  out[M_MYOPIC] = (double)s->myopic;
  out[M_NIH] = s->pc[NL_CN_FIRM_NIH] / dF;
  double att = 0;
  for (size_t f = 0; f < F; f++) att += s->att[f];
  out[M_ATTENTION] = att / dF;
}

static int at_equilibrium(void *sp) {
  const cn_state *s = sp;
  /* Turnover and turbulence of a domain that exists never settle. */
  if (s->p3 > 0 || (s->p4P > 0 && s->mP > 0) || (s->p4Q > 0 && s->mQ > 0) || s->ntie > 0 || s->G > 0) return 0;
  for (size_t f = 0; f < s->F; f++) {
    if (s->mu * s->x[f] > 0) return 0;
    if (!nl_march_at_equilibrium(&s->org[f], s->rpos + f * s->W, NL_MARCH_ORIGINAL)) return 0;
  }
  /* Without ties or formal networks nothing else can change (search needs x > 0 and lambda). */
  for (size_t f = 0; f < s->F; f++)
    if (s->lambda * s->x[f] > 0 && s->F > 1) return 0;
  return 1;
}

/* ---- per-firm API (coopnet.h) ------------------------------------------------------------- */

static const char *const field_names[NL_CN_FIRM_NFIELDS] = {
    "firm", "formal", "size", "spanners", "explore", "exploit", "patience", "amplification", "kappa",
    "code_knowledge", "code_knowledge_product", "code_knowledge_process", "member_knowledge", "diversity",
    "degree", "strength", "product_coinnovation", "process_coinnovation", "internal_innovation_product",
    "internal_innovation_process", "explorative_changes", "exploitative_changes", "explorative_after_switch",
    "exploitative_after_switch", "transfers_informal", "transfers_formal", "transfers_translation",
    "transfers_amplification", "transfers_upward", "ties_formed", "ties_dropped", "attention", "refinements",
    "refinements_adopted", "ties_dropped_myopic", "nih_rejected"};

const char *nl_coopnet_firm_field_name(size_t i) { return i < NL_CN_FIRM_NFIELDS ? field_names[i] : NULL; }
size_t nl_coopnet_firms(const void *state) { return ((const cn_state *)state)->F; }
long nl_coopnet_period(const void *state) { return ((const cn_state *)state)->period; }

void nl_coopnet_firm_row(void *state, size_t f, double *out) {
  cn_state *s = state;
  size_t W = s->W;
  nl_march_org *o = &s->org[f];
  const uint64_t *r = s->rpos + f * W;
  memcpy(out, s->cnt + f * NL_CN_FIRM_NFIELDS, NL_CN_FIRM_NFIELDS * sizeof(double));
  nl_march_measures mm;
  nl_march_measure(o, r, &mm);
  double str = 0;
  for (uint32_t j = 0; j < s->deg[f]; j++) str += s->tie[s->slot[f * s->K + j]].w;
  out[NL_CN_FIRM_ID] = (double)f;
  out[NL_CN_FIRM_FORMAL] = (double)s->formal[f];
  out[NL_CN_FIRM_SIZE] = (double)o->n;
  out[NL_CN_FIRM_SPANNERS] = (double)s->nspan[f];
  out[NL_CN_FIRM_EXPLORE] = s->x[f];
  out[NL_CN_FIRM_EXPLOIT] = s->e[f];
  out[NL_CN_FIRM_PATIENCE] = (double)s->pat0[f]; /* the trait; myopia acts on it in the review */
  out[NL_CN_FIRM_ALPHA] = s->alpha[f];
  out[NL_CN_FIRM_KAPPA] = s->kappa[f];
  out[NL_CN_FIRM_CODE_K] = mm.code_knowledge;
  out[NL_CN_FIRM_CODE_KP] = s->mP ? (double)masked_score(o->cnz, o->cpos, r, s->prodmask, W) / (double)s->mP : NAN;
  out[NL_CN_FIRM_CODE_KQ] = s->mQ ? (double)masked_score(o->cnz, o->cpos, r, s->procmask, W) / (double)s->mQ : NAN;
  out[NL_CN_FIRM_MEMBER_K] = mm.individual_knowledge;
  out[NL_CN_FIRM_DIVERSITY] = mm.diversity;
  out[NL_CN_FIRM_DEGREE] = (double)s->deg[f];
  out[NL_CN_FIRM_STRENGTH] = str;
  out[NL_CN_FIRM_ATTENTION] = s->att[f];
}

/* Units (model_api.h): the firms, their rows and the informal ties between them. */
static size_t unit_count(const void *state) { return nl_coopnet_firms(state); }

static size_t unit_ties(const void *state, uint32_t *from, uint32_t *to, double *weight, size_t cap) {
  const cn_state *s = state;
  for (size_t i = 0; i < s->ntie && i < cap; i++) {
    from[i] = s->tie[i].u;
    to[i] = s->tie[i].v;
    weight[i] = s->tie[i].w;
  }
  return s->ntie;
}

nl_status nl_coopnet_write_firms(void *state, FILE *fp, long replication, int header, nl_errbuf *err) {
  cn_state *s = state;
  if (header) {
    fputs("replication,period", fp);
    for (size_t i = 0; i < NL_CN_FIRM_NFIELDS; i++) fprintf(fp, ",%s", field_names[i]);
    fputc('\n', fp);
  }
  double row[NL_CN_FIRM_NFIELDS];
  for (size_t f = 0; f < s->F; f++) {
    nl_coopnet_firm_row(s, f, row);
    fprintf(fp, "%ld,%ld", replication, s->period);
    for (size_t i = 0; i < NL_CN_FIRM_NFIELDS; i++) {
      if (isnan(row[i])) fputs(",NA", fp);
      else fprintf(fp, ",%.10g", row[i]);
    }
    fputc('\n', fp);
  }
  if (ferror(fp)) return nl_err(err, NL_EIO, "cannot write the firm rows");
  return NL_OK;
}

const nl_model nl_model_coopnet = {
    .version = NL_MODEL_API_VERSION,
    .name = "coopnet",
    .title = "Learning in cooperation networks of SMEs: members, firms and networks (multi-level March)",
    .doc = "Firms are March (1991) organizations (members' beliefs, an organizational code) over product "
           "dimensions (one market reality) and process dimensions (firm-specific realities, relatedness "
           "sigma). Firms differ in size, exploration and exploitation orientation, patience and "
           "amplification. Boundary spanners learn from partner firms over informal weighted ties and from "
           "the codes of formal networks; translation (tau) and amplification (alpha) carry that into the "
           "firm's code; ties are formed, valued and dropped, and firms learn to collaborate (kappa). With "
           "one isolated firm and no experimentation it is march1991. Sources: the seed papers of "
           "docs/coopnet.md, which is the model's specification (ODD protocol).",
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
    .unit_name = "firm",
    .unit_fields = field_names,
    .nunit_fields = NL_CN_FIRM_NFIELDS,
    .unit_count = unit_count,
    .unit_row = nl_coopnet_firm_row,
    .unit_ties = unit_ties,
};
