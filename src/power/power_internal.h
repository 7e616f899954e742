#ifndef NL_POWER_INTERNAL_H
#define NL_POWER_INTERNAL_H
/*
 * Internals of the power analysis: syntax.c (population values in lavaan syntax), population.c
 * (the implied correlation matrix), run.c (the Monte Carlo loop and its summaries), output.c
 * (CSV files and the figure).
 */
#include <stddef.h>

#include "core/error.h"
#include "netlearn/pls.h"
#include "netlearn/power.h"

/* A value written in the syntax: `lhs op value*rhs`. */
typedef struct pw_term {
  char *lhs, *rhs;
  int op;          /* PW_OP_* */
  int has_value;
  double value;
  long line, col;  /* of the term (its value, or its name when there is none) */
} pw_term;

enum { PW_OP_MEAS_A = 1, PW_OP_MEAS_B, PW_OP_REG, PW_OP_COV };

/* The population syntax split into a plain PLS model text and the values. */
typedef struct pw_syntax {
  char *masked;    /* the text with every `value*` and every `~~` statement blanked (same positions) */
  pw_term *t;
  size_t nt, cap;
} pw_syntax;

/* Scan `text`: fill `sx` (caller frees with pw_syntax_free). Errors: NL_EPARSE (a malformed value
 * or `~~` statement; other syntax errors are left to the PLS parser, which reads `masked`), NL_ENOMEM. */
nl_status pw_syntax_scan(const char *text, const char *source, pw_syntax *sx, nl_errbuf *err);
void pw_syntax_free(pw_syntax *sx);

struct nl_power {
  nl_errbuf err;
  nl_power_options opt;
  char *source;
  nl_pls_model *model;
  nl_pls *pls;        /* the model bound to data with exactly the population correlations */
  size_t nc, ni, np;
  double *ival;       /* ni: loading (=~) or weight (<~) from the syntax */
  double *pval;       /* np: path values */
  double *plsval;     /* np: PLS (PLSc) estimate on the population correlation matrix */
  double *sigma;      /* ni*ni population correlation matrix */
  double *F;          /* ni*ni: sigma = F F', so x = F z for z ~ N(0, I) */
  size_t nrow;        /* empirical population: its rows (pls->X, N x ni); 0 for a model population */
  size_t nmin;        /* smallest sample size the model can be estimated on */
  double ten_times;
  /* results of the last run */
  size_t nn;
  size_t *n;
  double *est;          /* nn*reps*np estimates */
  unsigned char *sig;   /* nn*reps*np: significant */
  unsigned char *cov;   /* nn*reps*np: interval contains the syntax value */
  unsigned char *okrep; /* nn*reps: 1 estimated, 0 dropped */
  nl_power_stat *stat;  /* nn*np */
  size_t nfail, nnonconv;
  int ran;
};

/* Build sigma and F from the parsed model and the values (population.c). Errors: NL_EINVAL
 * naming the construct whose values give no valid correlation matrix, NL_ENOMEM. */
nl_status pw_population(nl_power *pw, const pw_syntax *sx);
/* Free the results of the last nl_power_run (run.c); the arrays are left NULL. */
void pw_results_free(nl_power *pw);

#endif
