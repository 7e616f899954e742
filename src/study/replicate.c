/*
 * One replication of a study as a function of the simulation's parameters: simulate, survey,
 * estimate, return path coefficients. The public face of the study's compute step for clients
 * that ask for replications themselves (the calibration's PLS targets, src/calibrate/pls.c), so
 * that they use the study through include/netlearn/study.h only. Calls estimate.c.
 */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/model_impl.h"
#include "study/study_impl.h"

size_t nl_study_nconstructs(const nl_study *s) { return s ? s->C : 0; }

const char *nl_study_construct_name(const nl_study *s, size_t j) { return s && j < s->C ? s->cname[j] : NULL; }

long nl_study_path_index(const nl_study *s, size_t from, size_t to) {
  for (size_t q = 0; s && q < s->P; q++)
    if (s->pfrom[q] == from && s->pto[q] == to) return (long)q;
  return -1;
}

nl_status nl_study_write_fingerprint(const nl_study *s, FILE *f) {
  const nl_survey_spec *sv = &s->sv;
  fprintf(f, "survey=%ld,%ld,%ld,%.17g,%d\nmodel=%s\n", sv->period, sv->window, sv->sample, sv->noise, sv->process,
          s->model_text ? s->model_text : "");
  for (int k = 0; k < NL_SV_NCON; k++)
    for (size_t q = 0; sv->use[k] && q < sv->nitem[k]; q++) fprintf(f, "%.17g,", sv->load[k][q]);
  fputs("\nthresholds=", f);
  for (int k = 0; k < NL_SV_LIKERT - 1; k++) fprintf(f, "%.17g,", sv->thr[k]);
  fputs("\nconstruct_noise=", f);
  for (int k = 0; k < NL_SV_NCON; k++) fprintf(f, "%.17g,", sv->cnoise[k]);
  /* each asked construct's name and the unit fields behind it (summed; their change over the
   * window or their value): a construct that reads another field gives other values */
  fputs("\nconstructs=", f);
  for (int k = 0; k < NL_SV_NCON; k++) {
    if (!sv->use[k]) continue;
    fprintf(f, "%s:%s[", sv->name[k], sv->window_of[k] ? "window" : "value");
    for (size_t q = 0; q < sv->nfield[k]; q++) fprintf(f, "%s%s", q ? "+" : "", sv->field[k][q]);
    fputs("];", f);
  }
  fputc('\n', f);
  return ferror(f) ? NL_EIO : NL_OK;
}

nl_status nl_study_replicate_paths(const nl_study *s, const nl_params *p, uint64_t seed, long r, const size_t *paths,
                                   size_t n, double *out, nl_interrupt_fn interrupt, void *interrupt_user, char *msg,
                                   size_t cap) {
  nl_errbuf err;
  err.msg[0] = '\0';
  const nl_model *m = nl_params_model(p);
  const nl_survey_spec *sv = &s->sv;
  void *state = NULL;
  nl_survey_bufs w = {0};
  nl_pls *fit = NULL;
  int flat = 0, converged = 0;
  nl_status st = NL_OK;
  for (size_t i = 0; i < n; i++)
    if (paths[i] >= s->P) {
      st = nl_err(&err, NL_EINVAL, "path index %zu out of range (the model has %zu paths)", paths[i], s->P);
      goto cleanup;
    }
  if ((st = m->create(&state, p, &err))) {
    state = NULL;
    goto cleanup;
  }
  if ((st = nl_survey_bufs_alloc(&w, sv, m, state, &err))) goto cleanup;
  if ((st = nl_study_simulate_state(s, m, state, seed, r, interrupt, interrupt_user, w.a, w.b, &err))) goto cleanup;
  nl_survey_draw(sv, w.F, w.a, w.b, seed, (uint64_t)r, w.perm, w.ids, w.items, w.latent, &flat);
  if ((st = nl_study_estimate(s, w.items, r, 0, &fit, &converged, &err))) goto cleanup;
  for (size_t i = 0; i < n; i++) out[i] = nl_pls_path(fit, s->pfrom[paths[i]], s->pto[paths[i]]);
cleanup:
  if (st && msg && cap) snprintf(msg, cap, "replication %ld: %s", r, err.msg);
  nl_pls_free(fit);
  if (state) m->destroy(state);
  nl_survey_bufs_free(&w);
  return st;
}
