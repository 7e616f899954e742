/*
 * The public survey API (include/netlearn/survey.h): a survey design, one simulated replication
 * surveyed, the answers as a table. Built on the internal survey (survey.c) and the nl_sim wrapper,
 * with the same draws as the study's runs (run.c), so both give the same answers.
 */
#include "netlearn/survey.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/model_impl.h"
#include "io/atomic.h"
#include "survey/survey.h"

enum { MAXCOLS = 1 + NL_SV_NCON * NL_SV_MAXITEMS };

struct nl_survey {
  nl_errbuf err;
  nl_survey_spec spec;
  int period_set, window_set;
  nl_interrupt_fn interrupt;
  void *interrupt_user;
  size_t nrows, ncols;
  char names[MAXCOLS][NL_SV_NAMELEN + 4];
  double *cells; /* column-major nrows x ncols */
};

nl_survey *nl_survey_new(void) {
  nl_survey *sv = nl_calloc(1, sizeof *sv);
  if (sv) nl_survey_spec_empty(&sv->spec);
  return sv;
}

void nl_survey_free(nl_survey *sv) {
  if (!sv) return;
  nl_free(sv->cells);
  nl_free(sv);
}

const char *nl_survey_errmsg(const nl_survey *sv) { return NL_ERRMSG_OF(sv); }

nl_status nl_survey_add_construct(nl_survey *sv, const char *name, const char *fields, int window,
                                  const double *loadings, size_t nitems) {
  int ok = name && *name && strlen(name) < NL_SV_NAMELEN;
  for (const char *p = name; ok && *p; p++)
    ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
  if (!ok)
    return nl_err(&sv->err, NL_EINVAL, "construct name '%s': expected 1 to %d letters, digits or '_'",
                  name ? name : "", NL_SV_NAMELEN - 1);
  if (nitems < 2 || nitems > NL_SV_MAXITEMS || !loadings)
    return nl_err(&sv->err, NL_ERANGE, "construct '%s': %zu loadings, expected 2 to %d (one per item)", name, nitems,
                  (int)NL_SV_MAXITEMS);
  for (size_t k = 0; k < nitems; k++)
    if (!(loadings[k] > 0 && loadings[k] < 1))
      return nl_err(&sv->err, NL_ERANGE, "construct '%s': loading %zu = %g, expected a number in (0, 1)", name, k + 1,
                    loadings[k]);
  /* "a + b": up to NL_SV_MAXTERMS names, spaces around them ignored */
  char buf[NL_SV_MAXTERMS * NL_SV_FIELDLEN], *f[NL_SV_MAXTERMS];
  size_t n = 0;
  if (fields && *fields) {
    if (strlen(fields) >= sizeof buf) return nl_err(&sv->err, NL_EINVAL, "construct '%s': fields too long", name);
    snprintf(buf, sizeof buf, "%s", fields);
    for (char *p = buf, *next; p; p = next) {
      next = strchr(p, '+');
      if (next) *next++ = '\0';
      while (*p == ' ') p++;
      for (char *e = p + strlen(p); e > p && e[-1] == ' ';) *--e = '\0';
      if (!*p || n == NL_SV_MAXTERMS || strlen(p) >= NL_SV_FIELDLEN)
        return nl_err(&sv->err, NL_EINVAL, "construct '%s': fields '%s': expected 1 to %d field names joined by '+'",
                      name, fields, (int)NL_SV_MAXTERMS);
      f[n++] = p;
    }
  }
  if (nl_survey_spec_add(&sv->spec, name, loadings, nitems, (const char *const *)f, n, window != 0) < 0)
    return nl_err(&sv->err, NL_EINVAL, "construct '%s': given twice, or more than %d constructs", name,
                  (int)NL_SV_NCON);
  return NL_OK;
}

nl_status nl_survey_set(nl_survey *sv, const char *key, double v) {
  static const struct {
    const char *key;
    double lo, hi;
    int integral;
  } keys[] = {{"sample", 3, 1e7, 1}, {"period", 1, 1e8, 1}, {"window", 1, 1e8, 1}, {"noise", 0, 10, 0}};
  for (size_t i = 0; key && i < sizeof keys / sizeof keys[0]; i++) {
    if (strcmp(key, keys[i].key)) continue;
    if (keys[i].integral && v != floor(v))
      return nl_err(&sv->err, NL_EINVAL, "survey %s = %g: expected a whole number", key, v);
    if (!(v >= keys[i].lo && v <= keys[i].hi))
      return nl_err(&sv->err, NL_ERANGE, "survey %s = %g: expected %g to %g", key, v, keys[i].lo, keys[i].hi);
    if (i == 0) sv->spec.sample = (long)v;
    else if (i == 1) sv->spec.period = (long)v, sv->period_set = 1;
    else if (i == 2) sv->spec.window = (long)v, sv->window_set = 1;
    else sv->spec.noise = v;
    return NL_OK;
  }
  return nl_err(&sv->err, NL_EINVAL, "unknown survey setting '%s': expected sample, period, window or noise",
                key ? key : "");
}

void nl_survey_set_interrupt(nl_survey *sv, nl_interrupt_fn fn, void *user) {
  sv->interrupt = fn;
  sv->interrupt_user = user;
}

size_t nl_survey_nrows(const nl_survey *sv) { return sv ? sv->nrows : 0; }
size_t nl_survey_ncols(const nl_survey *sv) { return sv ? sv->ncols : 0; }
const char *nl_survey_column(const nl_survey *sv, size_t j) { return sv && j < sv->ncols ? sv->names[j] : NULL; }
double nl_survey_get(const nl_survey *sv, size_t i, size_t j) {
  return sv && i < sv->nrows && j < sv->ncols ? sv->cells[j * sv->nrows + i] : NAN;
}

/* The constructs to ask: those added, else coopnet's five (for units with coopnet's fields). */
static nl_status bind(nl_survey *sv, const nl_model *m) {
  nl_survey_spec *sp = &sv->spec;
  if (nl_survey_nitems(sp) == 0) {
    nl_survey_spec def;
    nl_survey_spec_default(&def);
    def.sample = sp->sample, def.period = sp->period, def.window = sp->window, def.noise = sp->noise;
    if (nl_model_unit_name(m) && nl_survey_spec_bind(&def, m, NULL, &sv->err))
      return nl_err(&sv->err, NL_EINVAL,
                    "no constructs given, and model %s's %ss have not coopnet's fields for the default five: add "
                    "constructs that name their fields (nl_survey_add_construct)",
                    nl_model_name(m), nl_model_unit_name(m));
    *sp = def;
  }
  return nl_survey_spec_bind(sp, m, NULL, &sv->err);
}

nl_status nl_survey_run(nl_survey *sv, const nl_params *params, uint64_t seed, long replication) {
  nl_survey_spec *sp = &sv->spec;
  const nl_model *m = nl_params_model(params);
  nl_params *pc = NULL;
  void *state = NULL;
  nl_survey_bufs w = {0};
  nl_status st = NL_OK;
  sv->nrows = sv->ncols = 0;
  if (!sv->period_set) return nl_err(&sv->err, NL_EINVAL, "survey period not set (nl_survey_set(sv, \"period\", t))");
  if (!sv->window_set) sp->window = sp->period / 2 > 0 ? sp->period / 2 : 1;
  if (sp->window > sp->period)
    return nl_err(&sv->err, NL_ERANGE, "survey window %ld is longer than the %ld periods before the survey", sp->window,
                  sp->period);
  if ((st = bind(sv, m))) return st;
  /* as a study's run: the parameters checked, a state created, simulated to the survey period */
  pc = nl_params_clone(params);
  if (!pc) return nl_err(&sv->err, NL_ENOMEM, "out of memory");
  if ((st = nl_params_validate(pc))) {
    nl_err(&sv->err, st, "%s", nl_params_errmsg(pc));
    goto cleanup;
  }
  if ((st = m->create(&state, pc, &sv->err))) {
    state = NULL;
    goto cleanup;
  }
  size_t N = (size_t)sp->sample, ni = nl_survey_nitems(sp);
  if ((st = nl_survey_bufs_alloc(&w, sp, m, state, &sv->err))) goto cleanup;
  nl_free(sv->cells);
  sv->cells = nl_malloc(N * (1 + ni) * sizeof *sv->cells);
  if (!sv->cells) {
    st = nl_err(&sv->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  st = nl_survey_simulate(sp, m, state, seed, replication, sv->interrupt, sv->interrupt_user, w.a, w.b, &sv->err);
  if (st) goto cleanup;
  int flat = 0;
  nl_survey_draw(sp, w.F, w.a, w.b, seed, (uint64_t)replication, w.perm, w.ids, w.items, w.latent, &flat);
  snprintf(sv->names[0], sizeof sv->names[0], "%s", nl_model_unit_name(m));
  size_t col = 1;
  for (int c = 0; c < NL_SV_NCON; c++)
    for (size_t k = 0; sp->use[c] && k < sp->nitem[c]; k++, col++)
      nl_survey_item_name(sp, c, k, sv->names[col], sizeof sv->names[col]);
  for (size_t i = 0; i < N; i++) sv->cells[i] = (double)w.ids[i];
  memcpy(sv->cells + N, w.items, N * ni * sizeof *w.items);
  sv->nrows = N;
  sv->ncols = 1 + ni;
cleanup:
  if (state) m->destroy(state);
  nl_params_free(pc);
  nl_survey_bufs_free(&w);
  return st;
}

nl_status nl_survey_write_csv(nl_survey *sv, const char *path) {
  if (!sv->ncols) return nl_err(&sv->err, NL_EINVAL, "no survey drawn yet (nl_survey_run)");
  nl_atomic_file af;
  nl_status st = nl_atomic_open(&af, path, &sv->err);
  if (st) return st;
  for (size_t j = 0; j < sv->ncols; j++) fprintf(af.f, "%s%s", j ? "," : "", sv->names[j]);
  fputc('\n', af.f);
  for (size_t i = 0; i < sv->nrows; i++) {
    fprintf(af.f, "%.0f", sv->cells[i]);
    for (size_t j = 1; j < sv->ncols; j++) fprintf(af.f, ",%d", (int)sv->cells[j * sv->nrows + i]);
    fputc('\n', af.f);
  }
  return nl_atomic_commit(&af, &sv->err);
}
