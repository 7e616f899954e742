#ifndef NL_MODELS_COOPNET_IMPL_H
#define NL_MODELS_COOPNET_IMPL_H
/* coopnet's state, shared by its source files (model.c, input.c, firms.c). Not a public API. */
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rng.h"
#include "models/coopnet/coopnet.h"
#include "models/march1991/march.h"
#include "netlearn/model.h"
#include "netlearn/network.h"

/* An informal tie between firms u < v. `w` is its strength (trust). Each side s (0 = u, 1 = v)
 * values the tie by what it brought to that side: value[s] is the smoothed count of correct minus
 * wrong adoptions per review round, gain[s] the count since the last review, below[s] the review
 * rounds in a row that value[s] stayed below the tie's cost. */
typedef struct cn_tie {
  uint32_t u, v;
  double w, value[2], gain[2];
  int below[2];
  int below0[2]; /* the same count under coopnet 1's rule (tie_cost, base patience): names myopic drops */
} cn_tie;

/* The firm table read from a CSV file: one row per firm id 0..F-1; NaN = column absent. */
typedef struct cn_table {
  size_t F;
  double *size, *x, *e, *patience, *alpha;
} cn_table;

typedef struct cn_state {
  /* ---- configuration (from the parameters, fixed for the state's life) ---- */
  size_t F, mP, mQ, m, W, ncap, scap, K, G;
  int size_dist;
  double n_med, size_sdlog, n_min, n_max;
  double sigma, p1, p1e, p2, p2e, p3, p4P, p4Q;
  double x_mean, x_conc, e_mean, e_conc, a_mean, a_conc;
  long pat_min, pat_max;
  double span0, spanx, tau, mu, q;
  double w0, nu, p_inf, kappa0, kgain, kdecay;
  double fshare, p_net, p1_net;
  long T_formal, T_review, rep_sample;
  double cost, smooth, lambda, s_common, s_rep, tgain, tdecay, wmin;
  double rho, q_ref, theta, c_e, m_e, phi; /* coopnet 2: refinement, attention, myopia, not-invented-here */
  cn_table table;          /* firm table (F rows) or all NULL */
  nl_network *net;         /* initial tie graph: generated per replication, or read once */
  nl_network_spec spec;
  int net_file;            /* graph from a file (read in create) */
  uint32_t *node_firm;     /* file graphs: firm of each node */

  /* ---- firms (structure of arrays) ---- */
  nl_march_org *org;       /* F organizations, each allocated for ncap members (org.n = n_f) */
  uint64_t *rpos;          /* F*W: each firm's reality (product bits = market, process bits own) */
  uint64_t *relmask;       /* F*W: process dimensions related to the common base (sigma) */
  uint64_t *tmask, *tpos;  /* F*ncap*W: beliefs tagged external (value held in tpos) */
  uint64_t *rmask;         /* F*scap*W: spanners' informal adoptions since the last tie review */
  double *adopted;         /* F: dimensions adopted informally since the last tie review */
  double *keep;            /* F: share of those still held at the review */
  unsigned char *count;    /* F*ncap: member counts in this period's superior group (spanners: tau) */
  unsigned char *sup;      /* F*ncap: member was counted superior in this period */
  uint64_t *snz, *spos;    /* F*scap*W: spanners' beliefs at the start of informal learning */
  size_t *nspan;
  double *x, *e, *alpha, *kappa, *perf, *useful;
  long *pat, *formal;      /* pat: patience after myopia (1 - m_e e_f) */
  long *pat0;              /* F: patience before myopia (coopnet 1's) */
  double *att;             /* F: external attention a_f = 1 - theta e_f */
  uint64_t *fmask, *fpos;  /* F*ncap*W: beliefs a member found by refining a routine (rho > 0 only) */
  double *cnt;             /* F*NL_CN_FIRM_NFIELDS cumulative counters (only counter columns used) */
  double pc[NL_CN_FIRM_NFIELDS]; /* this period's totals over firms */
  long formed, dropped;    /* ties formed / dropped this period (network totals) */
  long myopic;             /* ties dropped this period that coopnet 1's review would have kept */
  uint64_t seed, rep;      /* the replication's random streams, keyed per decision (cn_rng) */
  uint64_t *market, *base, *prodmask, *procmask; /* W each */

  /* ---- informal ties ---- */
  cn_tie *tie;
  size_t ntie, tiecap;
  uint32_t *slot;          /* F*K tie indices */
  uint32_t *deg;

  /* ---- formal networks ---- */
  uint64_t *gnz, *gpos;    /* G*W network codes */
  size_t *goff, *gmem;     /* members of network g: gmem[goff[g] .. goff[g+1]) */
  long *gplus, *gminus;    /* m vote counts */
  unsigned char *gsup;     /* F: superior in its network this round */
  uint64_t *gadopt;        /* F+1: 1-(1-p_net)^k, fixed point */

  /* ---- scratch ---- */
  uint64_t *cnz0, *cpos0, *tmp;
  uint64_t *nihbuf;        /* 2W: a spanner's beliefs before socialization to the network code */
  uint32_t *stamp, *parent;
  long period;
} cn_state;

/*
 * Random numbers (docs/coopnet.md, "Random numbers"): every decision draws from its own keyed
 * stream, (seed, rep, purpose, who) from block period << 32, never from a stream shared with
 * decisions before it. Two runs with the same seed at nearby parameter vectors then feed the same
 * uniforms to the same decision (common random numbers): a decision that comes out differently, or
 * draws more words, does not shift what every later decision draws. `who` is the firm f, a member
 * (f ncap + i), a 64-member block (f ncap + first member), a tie (u F + v) or a formal network g.
 */
enum {
  CN_RNG_TRAITS = NL_RNG_PURPOSE_USER + 1,  /* reset: firm traits, who = 8 f + trait */
  CN_RNG_PROCESS = NL_RNG_PURPOSE_USER + 2, /* reset: process base (who 0), firm f's relatedness (f + 1) */
  CN_RNG_FORMAL = NL_RNG_PURPOSE_USER + 3,  /* reset: formal network membership of firm f */
  CN_RNG_TURNOVER = NL_RNG_PURPOSE_USER + 4, /* 1: turnover of firm f */
  CN_RNG_TURB = NL_RNG_PURPOSE_USER + 5,     /* 1: market and process base turbulence (who 0) */
  CN_RNG_TURB_OWN = NL_RNG_PURPOSE_USER + 6, /* 1: firm f's own process dimensions */
  CN_RNG_EXP = NL_RNG_PURPOSE_USER + 7,      /* 2: who experiments, per 64-member block */
  CN_RNG_EXP_DIM = NL_RNG_PURPOSE_USER + 8,  /* 2: member's tested dimension and its outcome */
  CN_RNG_REF = NL_RNG_PURPOSE_USER + 9,      /* 2b: who refines, per 64-member block */
  CN_RNG_REF_DIM = NL_RNG_PURPOSE_USER + 10, /* 2b: member's refined routine and its outcome */
  CN_RNG_TRANSLATE = NL_RNG_PURPOSE_USER + 11, /* 3: firm f's translating spanners */
  CN_RNG_ACT = NL_RNG_PURPOSE_USER + 12,       /* 3: firm f's members act (march1991) */
  CN_RNG_SOCIALIZE = NL_RNG_PURPOSE_USER + 13, /* 3: firm f's socialization (march1991) */
  CN_RNG_CODE = NL_RNG_PURPOSE_USER + 14,      /* 4: firm f's code learning (march1991) */
  CN_RNG_TIE = NL_RNG_PURPOSE_USER + 15,       /* 5: activation and adoptions over tie (u, v) */
  CN_RNG_TIE_NIH = NL_RNG_PURPOSE_USER + 16,   /* 5: not invented here over tie (u, v) */
  CN_RNG_NETCODE = NL_RNG_PURPOSE_USER + 17,   /* 6: network code g, block (period << 32) + dimension */
  CN_RNG_NETSOC = NL_RNG_PURPOSE_USER + 18,    /* 6: spanner (f ncap + i) socialized to the network code */
  CN_RNG_NETSOC_NIH = NL_RNG_PURPOSE_USER + 19, /* 6: not invented here on that socialization */
  CN_RNG_AMPLIFY = NL_RNG_PURPOSE_USER + 20,   /* 6: firm f's amplification */
  CN_RNG_SEARCH = NL_RNG_PURPOSE_USER + 21     /* 7: firm f's partner search */
};

/* r := the stream of decision (purpose, who) in period t of the state's replication. No draw. */
static inline void cn_rng(nl_rng *r, const cn_state *s, uint64_t purpose, uint64_t who, long t) {
  nl_rng_init_at(r, s->seed, s->rep, purpose, who, (uint64_t)t << 32);
}

/* input.c: the firm table and the network file. */
nl_status cn_table_read(cn_table *t, const char *path, nl_errbuf *err);
void cn_table_free(cn_table *t);
nl_status cn_network_read(cn_state *s, const char *path, nl_errbuf *err);

#endif
