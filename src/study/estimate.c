/*
 * Simulating to the survey period and estimating a survey's PLS model, for the study's runs, its
 * mechanism contrasts and its representative replication. Calls no other file of the study.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/model_impl.h"
#include "study/study_impl.h"

nl_status nl_study_simulate_rows(const nl_study *s, const nl_params *pc, long r, double *a, double *b, size_t F,
                                 nl_errbuf *err) {
  const nl_model *m = nl_params_model(pc);
  void *state = NULL;
  nl_status st = m->create(&state, pc, err);
  if (st) return st;
  if (m->unit_count(state) != F) {
    st = nl_err(err, NL_EINVAL, "the scenario has %zu %ss, expected %zu", m->unit_count(state), m->unit_name, F);
    goto cleanup;
  }
  st = nl_study_simulate_state(s, m, state, nl_scenario_seed(s->sc), r, s->interrupt, s->interrupt_user, a, b, err);
cleanup:
  m->destroy(state);
  return st;
}

nl_status nl_study_simulate_state(const nl_study *s, const nl_model *m, void *state, uint64_t seed, long r,
                                  nl_interrupt_fn stop, void *stop_user, double *a, double *b, nl_errbuf *err) {
  return nl_survey_simulate(&s->sv, m, state, seed, r, stop, stop_user, a, b, err);
}

int nl_study_stop_requested(const nl_study *s) { return s->interrupt && s->interrupt(s->interrupt_user); }

double nl_study_hyp_estimate(const nl_study *s, const nl_pls *p, size_t h) {
  const study_hyp *hy = &s->hyp[h];
  return hy->indirect ? nl_pls_specific_effect(p, hy->index) : nl_pls_path(p, hy->chain[0], hy->chain[1]);
}


void nl_study_hyp_boot(const nl_study *s, nl_pls *p, size_t h, double o[4]) {
  const study_hyp *hy = &s->hyp[h];
  nl_pls_boot_stat bs;
  if (nl_pls_boot_get(p, hy->indirect ? NL_PLS_Q_SPECIFIC : NL_PLS_Q_PATH, hy->indirect ? hy->index : hy->chain[0],
                      hy->indirect ? 0 : hy->chain[1], &bs)) {
    o[0] = o[1] = o[2] = o[3] = NAN;
    return;
  }
  o[0] = bs.original, o[1] = bs.lo, o[2] = bs.hi, o[3] = bs.p;
}

nl_status nl_study_estimate(const nl_study *s, const double *items, long r, int bootstrap, nl_pls **out,
                            int *converged, nl_errbuf *err) {
  return nl_study_estimate_n(s, items, (size_t)s->sv.sample, (uint64_t)r, bootstrap, out, converged, err);
}

nl_status nl_study_estimate_n(const nl_study *s, const double *items, size_t N, uint64_t stream, int bootstrap,
                              nl_pls **out, int *converged, nl_errbuf *err) {
  size_t ni = nl_survey_nitems(&s->sv);
  nl_pls_data *d = NULL;
  char (*names)[32] = nl_malloc(ni * sizeof *names);
  const char **np = nl_malloc(ni * sizeof *np);
  nl_status st = NL_OK;
  *out = NULL;
  if (!names || !np) {
    st = nl_err(err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  size_t col = 0;
  for (int c = 0; c < NL_SV_NCON; c++)
    for (size_t q = 0; s->sv.use[c] && q < s->sv.nitem[c]; q++, col++) {
      nl_survey_item_name(&s->sv, c, q, names[col], sizeof names[col]);
      np[col] = names[col];
    }
  st = nl_pls_data_from_matrix(items, N, ni, np, &d);
  if (st) {
    nl_err(err, st, "%s", d ? nl_pls_data_errmsg(d) : "out of memory");
    goto cleanup;
  }
  st = nl_pls_prepare(s->pm, d, NULL, out);
  if (!st) st = nl_pls_estimate(*out);
  *converged = st == NL_OK;
  if (st && st != NL_ECONVERGE) {
    nl_err(err, st, "PLS estimation: %s", *out ? nl_pls_errmsg(*out) : "out of memory");
    goto cleanup;
  }
  st = NL_OK;
  if (!bootstrap) goto cleanup;
  nl_pls_boot_options bo;
  nl_pls_boot_options_default(&bo);
  bo.nboot = (size_t)s->boot;
  bo.seed = nl_scenario_seed(s->sc);
  bo.stream = (unsigned long long)stream;
  bo.threads = 1;
  bo.ci = s->ci_bca ? NL_PLS_CI_BCA : NL_PLS_CI_PERCENTILE;
  bo.alpha = s->alpha;
  st = nl_pls_bootstrap(*out, &bo);
  if (st) nl_err(err, st, "PLS bootstrap: %s", nl_pls_errmsg(*out));
cleanup:
  nl_pls_data_free(d);
  nl_free(names);
  nl_free(np);
  return st;
}

