#ifndef NL_MODELS_COOPNET_H
#define NL_MODELS_COOPNET_H
/*
 * coopnet: learning in cooperation networks of SMEs (docs/coopnet.md).
 *
 * The model itself is reached through the model interface (nl_model_coopnet, registry name
 * "coopnet"). This header is the internal API for what the tidy outputs cannot carry: one row of
 * values per firm (traits, knowledge, ties, cumulative innovation and transfer counts), for
 * firms.csv and for the virtual survey. `state` is the pointer a coopnet model's create() made
 * (borrowed); the functions read it between periods and never allocate.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "netlearn/status.h"

/* Columns of a firm row, in order. Counts (COINNO ... DROPPED) are cumulative since the reset:
 * a window is the difference of two rows. */
enum {
  NL_CN_FIRM_ID,          /* firm index 0..F-1 (the firm table's id) */
  NL_CN_FIRM_FORMAL,      /* formal network of the firm, -1 = none */
  NL_CN_FIRM_SIZE,        /* members n_f */
  NL_CN_FIRM_SPANNERS,    /* boundary spanners */
  NL_CN_FIRM_EXPLORE,     /* exploration orientation x_f */
  NL_CN_FIRM_EXPLOIT,     /* exploitation orientation e_f */
  NL_CN_FIRM_PATIENCE,    /* review rounds a tie may stay below its cost (before myopia, 1 - m_e e_f) */
  NL_CN_FIRM_ALPHA,       /* amplification alpha_f */
  NL_CN_FIRM_KAPPA,       /* collaboration capability kappa_f */
  NL_CN_FIRM_CODE_K,      /* K(code) over all dimensions, against the firm's own reality */
  NL_CN_FIRM_CODE_KP,     /* K(code) on product dimensions (NaN if mP = 0) */
  NL_CN_FIRM_CODE_KQ,     /* K(code) on process dimensions (NaN if mQ = 0) */
  NL_CN_FIRM_MEMBER_K,    /* mean K of the members */
  NL_CN_FIRM_DIVERSITY,   /* mean pairwise disagreement of the members */
  NL_CN_FIRM_DEGREE,      /* informal ties */
  NL_CN_FIRM_STRENGTH,    /* sum of the ties' weights (trust) */
  NL_CN_FIRM_PROD_COINNO, /* product code improvements from outside (translation or amplification) */
  NL_CN_FIRM_PROC_COINNO, /* process code improvements from outside */
  NL_CN_FIRM_PROD_INNO,   /* product code improvements from inside (internal innovation) */
  NL_CN_FIRM_PROC_INNO,   /* process code improvements from inside */
  NL_CN_FIRM_EXPLORATIVE, /* code changes to a value held by a minority of the members */
  NL_CN_FIRM_EXPLOITATIVE,/* code changes to a value held by a majority of the members */
  NL_CN_FIRM_EXPLOR_SW,   /* explorative changes that followed a transfer between levels */
  NL_CN_FIRM_EXPLOIT_SW,  /* exploitative changes that followed a transfer between levels */
  NL_CN_FIRM_T_INFORMAL,  /* beliefs spanners adopted from partners' spanners (partner -> member) */
  NL_CN_FIRM_T_FORMAL,    /* beliefs spanners took from the network code (network -> member) */
  NL_CN_FIRM_T_TRANSLATE, /* code changes carried by translating spanners (member -> firm, external) */
  NL_CN_FIRM_T_AMPLIFY,   /* code changes adopted from the network code (network -> firm) */
  NL_CN_FIRM_T_UPWARD,    /* network-code changes this firm voted for (firm -> network) */
  NL_CN_FIRM_FORMED,      /* ties formed (either side) */
  NL_CN_FIRM_DROPPED,     /* ties dropped (either side) */
  /* coopnet 2 (appended: the columns above keep their positions) */
  NL_CN_FIRM_ATTENTION,   /* external attention a_f = 1 - theta e_f */
  NL_CN_FIRM_REFINE,      /* routine refinements by the firm's members */
  NL_CN_FIRM_REFINE_ADOPT,/* code changes on process dimensions carried by a refined belief */
  NL_CN_FIRM_MYOPIC,      /* ties this firm dropped that coopnet 1's rule would have kept */
  NL_CN_FIRM_NIH,         /* outside beliefs its spanners rejected (not invented here) */
  NL_CN_FIRM_NFIELDS
};

/* Name of column i ("firm", "formal", "size", ...), NULL if out of range. */
const char *nl_coopnet_firm_field_name(size_t i);
/* Number of firms of a coopnet state. */
size_t nl_coopnet_firms(const void *state);
/* Periods run since the reset. */
long nl_coopnet_period(const void *state);
/* Row of firm f (NL_CN_FIRM_NFIELDS values) into out. O(n_f W + degree). */
void nl_coopnet_firm_row(void *state, size_t f, double *out);
/*
 * Append one CSV row per firm to fp: "replication,period,<fields>", with the header line first
 * when `header` is non-zero. Errors: NL_EIO (write failed; message in err). O(F n W).
 */
nl_status nl_coopnet_write_firms(void *state, FILE *fp, long replication, int header, nl_errbuf *err);

#endif
