/*
 * Study files (docs/study.md): parsing with located errors, and every check that can be made
 * before anything is simulated. The `simulation:` section is a scenario in `netlearn run`'s format,
 * inline or a file name; an inline one is handed to the scenario loader as the study file's own
 * text with every other line blanked, so its messages point at the study file's lines and columns.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/model_impl.h"
#include "core/rng.h"
#include "io/text.h"
#include "io/yaml.h"
#include "study/study_impl.h"

nl_study *nl_study_new(void) {
  nl_study *s = nl_calloc(1, sizeof *s);
  if (!s) return NULL;
  nl_survey_spec_default(&s->sv);
  s->boot = 200;
  s->alpha = 0.05;
  s->threshold = 0.8;
  s->contrasts = 1;
  return s;
}

static void free_structure(nl_study *s) {
  for (size_t j = 0; s->cname && j < s->C; j++) nl_free(s->cname[j]);
  for (size_t i = 0; s->iname && i < s->I; i++) nl_free(s->iname[i]);
  for (size_t k = 0; s->schain && k < s->S; k++) nl_free(s->schain[k]);
  nl_free(s->cname);
  nl_free(s->iname);
  nl_free(s->schain);
  nl_free(s->slen);
  nl_free(s->pfrom);
  nl_free(s->pto);
  nl_free(s->endo);
  s->cname = s->iname = NULL;
  s->schain = NULL;
  s->slen = s->pfrom = s->pto = NULL;
  s->endo = NULL;
  s->C = s->I = s->P = s->S = 0;
}

void nl_study_free_results(nl_study *s) {
  for (size_t p = 0; s->pt && p < s->npoints; p++) {
    study_point *pt = &s->pt[p];
    for (long r = 0; pt->rep && r < s->R; r++) {
      study_rep *rp = &pt->rep[r];
      nl_free(rp->ids);
      nl_free(rp->items);
      nl_free(rp->hyp);
      nl_free(rp->path);
      nl_free(rp->spec);
      nl_free(rp->rsq);
      nl_free(rp->load);
      nl_free(rp->rel);
      nl_free(rp->htmt);
      nl_free(rp->series);
      nl_free(rp->firms);
      nl_free(rp->tu);
      nl_free(rp->tv);
      nl_free(rp->tw);
      nl_free(rp->mhyp);
      nl_free(rp->wstart);
      nl_free(rp->pw);
    }
    nl_free(pt->rep);
    nl_pls_free(pt->rep_pls);
    nl_free(pt->nsup);
    nl_free(pt->nopp);
    nl_free(pt->nest);
    nl_free(pt->hmean);
    nl_free(pt->hsd);
    nl_free(pt->hq05);
    nl_free(pt->hmed);
    nl_free(pt->hq95);
    nl_free(pt->share);
    nl_free(pt->verdict);
    nl_free(pt->pw_sup);
    nl_free(pt->pw_est);
    nl_free(pt->pw_mean);
  }
  nl_free(s->pt);
  nl_free(s->rec_period);
  s->pt = NULL;
  s->rec_period = NULL;
  s->ran = 0;
}

void nl_study_free(nl_study *s) {
  if (!s) return;
  nl_study_free_results(s);
  free_structure(s);
  nl_pls_model_free(s->pm);
  nl_design_free(s->design);
  nl_scenario_free(s->sc);
  nl_free(s->file);
  nl_free(s->name);
  nl_free(s->description);
  nl_free(s->model_text);
  nl_free(s->model_source);
  nl_free(s);
}

const char *nl_study_errmsg(const nl_study *s) { return NL_ERRMSG_OF(s); }
const char *nl_study_name(const nl_study *s) { return s && s->name ? s->name : ""; }
const nl_scenario *nl_study_scenario(const nl_study *s) { return s ? s->sc : NULL; }
long nl_study_replications(const nl_study *s) { return s && s->sc ? nl_scenario_replications(s->sc) : 0; }
size_t nl_study_npoints(const nl_study *s) { return s && s->design ? nl_design_npoints(s->design) : 0; }
size_t nl_study_nhypotheses(const nl_study *s) { return s ? s->H : 0; }

/* ---- located errors ------------------------------------------------------------------------ */

typedef struct parse_ctx {
  nl_study *s;
  const char *text; /* the whole file, for the inline simulation and model sections */
  size_t len;
} parse_ctx;

static void loc_of(nl_study *s, struct fy_node *n, char *buf, size_t cap) {
  const struct fy_mark *mk = nl_yaml_mark(n);
  if (mk) snprintf(buf, cap, "%s:%d:%d", s->file, mk->line + 1, mk->column + 1);
  else snprintf(buf, cap, "%s", s->file);
}

static nl_status at(nl_study *s, struct fy_node *n, nl_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static nl_status at(nl_study *s, struct fy_node *n, nl_status st, const char *fmt, ...) {
  nl_yaml y = {s->file, &s->err};
  va_list ap;
  va_start(ap, fmt);
  st = nl_yaml_vat(&y, n, st, fmt, ap);
  va_end(ap);
  return st;
}

static nl_status scalar(nl_study *s, struct fy_node *n, const char *key, char *buf, size_t cap) {
  nl_yaml y = {s->file, &s->err};
  return nl_yaml_scalar(&y, n, key, buf, cap);
}

static nl_status get_long(nl_study *s, struct fy_node *n, const char *key, long min, long max, long *out) {
  nl_yaml y = {s->file, &s->err};
  return nl_yaml_long(&y, n, key, min, max, out);
}

/* A number in [lo, hi] (open ends when lo_open / hi_open). */
static nl_status get_double(nl_study *s, struct fy_node *n, const char *key, double lo, double hi, int lo_open,
                            int hi_open, double *out) {
  nl_yaml y = {s->file, &s->err};
  return nl_yaml_double(&y, n, key, lo, hi, lo_open, hi_open, out);
}

static nl_status unknown_key(nl_study *s, struct fy_node *k, const char *section, const char *key,
                             const char *const *valid, size_t nvalid) {
  nl_yaml y = {s->file, &s->err};
  return nl_yaml_unknown_key(&y, k, section, key, valid, nvalid);
}

static nl_status set_string(nl_study *s, struct fy_node *v, const char *key, char **dst) {
  char val[4096];
  nl_status st = scalar(s, v, key, val, sizeof val);
  if (st) return st;
  char *d = nl_strdup(val);
  if (!d) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  nl_free(*dst);
  *dst = d;
  return NL_OK;
}

/* ---- sections ------------------------------------------------------------------------------ */

static nl_status parse_simulation(parse_ctx *cx, struct fy_node *k, struct fy_node *v, int next_line) {
  nl_study *s = cx->s;
  nl_scenario_free(s->sc);
  s->sc = nl_scenario_new();
  if (!s->sc) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  loc_of(s, k, s->loc_sim, sizeof s->loc_sim);
  nl_status st;
  if (v && fy_node_is_scalar(v)) {
    char path[4096];
    st = scalar(s, v, "simulation", path, sizeof path);
    if (st) return st;
    st = nl_scenario_load_file(s->sc, path);
    if (st) return at(s, v, st, "simulation: %s", nl_scenario_errmsg(s->sc));
    return NL_OK;
  }
  if (!v || !fy_node_is_mapping(v))
    return at(s, k, NL_EINVAL, "key 'simulation': expected a scenario (model:, parameters:, ...) or a scenario file name");
  const struct fy_mark *mk = nl_yaml_mark(k);
  char *t = nl_yaml_section(cx->text, cx->len, mk->line, next_line, mk->column);
  if (!t) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  st = nl_scenario_load_string(s->sc, t, s->file);
  nl_free(t);
  if (st) return nl_err(&s->err, st, "%s", nl_scenario_errmsg(s->sc));
  return NL_OK;
}

static nl_status parse_loadings(nl_study *s, struct fy_node *v, int c) {
  const char *cn = nl_survey_construct_name(&s->sv, c);
  if (!fy_node_is_sequence(v))
    return at(s, v, NL_EINVAL, "survey construct '%s': expected a list of loadings, e.g. [0.85, 0.8, 0.75]", cn);
  int n = fy_node_sequence_item_count(v);
  if (n < 2 || n > NL_SV_MAXITEMS)
    return at(s, v, NL_ERANGE, "survey construct '%s': %d loadings, expected 2 to %d (one per item)", cn, n,
              (int)NL_SV_MAXITEMS);
  void *it = NULL;
  struct fy_node *e;
  size_t k = 0;
  while ((e = fy_node_sequence_iterate(v, &it))) {
    nl_status st = get_double(s, e, "loading", 0, 1, 1, 1, &s->sv.load[c][k]);
    if (st) return st;
    k++;
  }
  s->sv.nitem[c] = k;
  return NL_OK;
}

/* The names of the survey's construct slots, for suggestions; returns their count. */
static size_t construct_names(const nl_survey_spec *sv, const char **names) {
  size_t n = 0;
  for (size_t c = 0; c < sv->ncon; c++)
    if (sv->name[c][0]) names[n++] = sv->name[c];
  return n;
}

/* field: a unit field's name or a list of them (summed). */
static nl_status parse_fields(nl_study *s, struct fy_node *v, int c) {
  const char *cn = nl_survey_construct_name(&s->sv, c);
  struct fy_node *one[1] = {v}, *e;
  void *it = NULL;
  size_t n = 0;
  int seq = fy_node_is_sequence(v);
  if (seq && (fy_node_sequence_item_count(v) < 1 || fy_node_sequence_item_count(v) > NL_SV_MAXTERMS))
    return at(s, v, NL_ERANGE, "survey construct '%s': key 'field': 1 to %d field names, summed", cn, (int)NL_SV_MAXTERMS);
  while ((e = seq ? fy_node_sequence_iterate(v, &it) : (n ? NULL : one[0]))) {
    nl_status st = scalar(s, e, "field", s->sv.field[c][n], sizeof s->sv.field[c][n]);
    if (st) return st;
    n++;
  }
  s->sv.nfield[c] = n;
  loc_of(s, v, s->loc_field[c], sizeof s->loc_field[c]);
  return NL_OK;
}

static nl_status parse_constructs(nl_study *s, struct fy_node *map) {
  if (!fy_node_is_mapping(map))
    return at(s, map, NL_EINVAL, "key 'constructs': expected a mapping of construct: [loadings]");
  for (int c = 0; c < NL_SV_NCON; c++) s->sv.use[c] = 0, s->sv.nfield[c] = 0, s->sv.window_of[c] = 0;
  s->sv.ncon = NL_SV_NDEFAULT; /* the default slots; a construct with field: adds one */
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(map, &it))) {
    char key[128];
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    nl_status st = scalar(s, k, "constructs", key, sizeof key);
    if (st) return st;
    int c = nl_survey_construct_find(&s->sv, key);
    if (c < 0 && fy_node_is_mapping(v) && fy_node_mapping_lookup_by_string(v, "field", FY_NT)) {
      /* a construct of the spec's own: its name and the unit field(s) behind it */
      if (s->sv.ncon == NL_SV_NCON) return at(s, k, NL_ERANGE, "survey: at most %d constructs", (int)NL_SV_NCON);
      if (strlen(key) >= NL_SV_NAMELEN)
        return at(s, k, NL_EINVAL, "survey construct '%s': a name of at most %d characters", key, NL_SV_NAMELEN - 1);
      c = (int)s->sv.ncon++;
      snprintf(s->sv.name[c], sizeof s->sv.name[c], "%s", key);
    }
    if (c < 0) {
      const char *names[NL_SV_NCON];
      long close = nl_closest_name(key, names, construct_names(&s->sv, names));
      if (close >= 0)
        return at(s, k, NL_EINVAL, "the survey does not produce a construct '%s' (did you mean '%s'?)", key,
                  names[close]);
      return at(s, k, NL_EINVAL,
                "the survey does not produce a construct '%s'; it produces EXPLORE, EXPLOIT, PRODINNO, PROCINNO, "
                "NETCOLLAB, or a construct that names its unit field ({loadings: [...], field: <field>})",
                key);
    }
    if (s->sv.use[c]) return at(s, k, NL_EINVAL, "survey construct '%s' is given twice", key);
    s->sv.use[c] = 1;
    s->sv.cnoise[c] = 1;
    if (fy_node_is_mapping(v)) {
      static const char *const ck[] = {"loadings", "noise", "field", "window"};
      void *it2 = NULL;
      struct fy_node_pair *p2;
      int have = 0;
      while ((p2 = fy_node_mapping_iterate(v, &it2))) {
        char k2[64], val[16];
        struct fy_node *kk = fy_node_pair_key(p2), *vv = fy_node_pair_value(p2);
        st = scalar(s, kk, key, k2, sizeof k2);
        if (st) return st;
        if (!strcmp(k2, "loadings")) st = parse_loadings(s, vv, c), have = 1;
        else if (!strcmp(k2, "noise")) st = get_double(s, vv, "noise", 0, 10, 0, 0, &s->sv.cnoise[c]);
        else if (!strcmp(k2, "field")) st = parse_fields(s, vv, c);
        else if (!strcmp(k2, "window")) {
          st = scalar(s, vv, "window", val, sizeof val);
          if (!st && strcmp(val, "true") && strcmp(val, "false"))
            st = at(s, vv, NL_EINVAL, "survey construct '%s': key 'window': expected true (the field's change over "
                                      "the window) or false (its value at the survey period), got '%s'", key, val);
          s->sv.window_of[c] = !strcmp(val, "true");
        } else st = unknown_key(s, kk, "a survey construct", k2, ck, 4);
        if (st) return st;
      }
      if (!have) return at(s, v, NL_EINVAL, "survey construct '%s': missing key 'loadings'", key);
    } else {
      st = parse_loadings(s, v, c);
      if (st) return st;
    }
  }
  return NL_OK;
}

static nl_status parse_survey(nl_study *s, struct fy_node *map) {
  static const char *const keys[] = {"period", "window", "sample", "noise", "thresholds", "process", "constructs"};
  if (!fy_node_is_mapping(map)) return at(s, map, NL_EINVAL, "key 'survey': expected a mapping (period:, sample:, ...)");
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(map, &it))) {
    char key[128], val[64];
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    nl_status st = scalar(s, k, "survey", key, sizeof key);
    if (st) return st;
    if (!strcmp(key, "period")) {
      st = get_long(s, v, key, 1, 100000000L, &s->sv.period);
      s->period_set = 1;
      loc_of(s, v, s->loc_period, sizeof s->loc_period);
    } else if (!strcmp(key, "window")) {
      st = get_long(s, v, key, 1, 100000000L, &s->sv.window);
      s->window_set = 1;
      loc_of(s, v, s->loc_window, sizeof s->loc_window);
    } else if (!strcmp(key, "sample")) {
      st = get_long(s, v, key, 10, 10000000L, &s->sv.sample);
      loc_of(s, v, s->loc_sample, sizeof s->loc_sample);
    } else if (!strcmp(key, "noise")) {
      st = get_double(s, v, key, 0, 10, 0, 0, &s->sv.noise);
    } else if (!strcmp(key, "process")) {
      st = scalar(s, v, key, val, sizeof val);
      if (st) return st;
      if (!strcmp(val, "total")) s->sv.process = NL_SV_PROC_TOTAL;
      else if (!strcmp(val, "co")) s->sv.process = NL_SV_PROC_CO;
      else if (!strcmp(val, "internal")) s->sv.process = NL_SV_PROC_INTERNAL;
      else st = at(s, v, NL_EINVAL, "key 'process': expected total, co or internal, got '%s'", val);
    } else if (!strcmp(key, "thresholds")) {
      if (!fy_node_is_sequence(v) || fy_node_sequence_item_count(v) != NL_SV_LIKERT - 1)
        return at(s, v, NL_EINVAL, "key 'thresholds': expected a list of %d increasing numbers (cut points of the "
                                   "standard normal for a 1-%d scale)",
                  NL_SV_LIKERT - 1, NL_SV_LIKERT);
      void *it2 = NULL;
      struct fy_node *e;
      int t = 0;
      while ((e = fy_node_sequence_iterate(v, &it2))) {
        st = get_double(s, e, "thresholds", -10, 10, 0, 0, &s->sv.thr[t]);
        if (st) return st;
        if (t > 0 && !(s->sv.thr[t] > s->sv.thr[t - 1]))
          return at(s, e, NL_EINVAL, "key 'thresholds': %g does not exceed the previous cut point %g", s->sv.thr[t],
                    s->sv.thr[t - 1]);
        t++;
      }
    } else if (!strcmp(key, "constructs")) {
      st = parse_constructs(s, v);
    } else {
      st = unknown_key(s, k, "survey", key, keys, sizeof keys / sizeof keys[0]);
    }
    if (st) return st;
  }
  return NL_OK;
}

static nl_status parse_model(parse_ctx *cx, struct fy_node *k, struct fy_node *v, int next_line) {
  nl_study *s = cx->s;
  if (!v || !fy_node_is_scalar(v))
    return at(s, k, NL_EINVAL, "key 'model': expected the PLS model in lavaan syntax (model: |) or a model file name");
  size_t len = 0;
  const char *t = fy_node_get_scalar(v, &len);
  enum fy_node_style style = fy_node_get_style(v);
  nl_free(s->model_text);
  nl_free(s->model_source);
  s->model_text = NULL;
  s->model_source = NULL;
  s->model_default = 0;
  if (style == FYNS_LITERAL || style == FYNS_FOLDED) {
    const struct fy_mark *mk = nl_yaml_mark(k);
    s->model_text = nl_yaml_section(cx->text, cx->len, mk->line + 1, next_line, INT_MAX); /* key kept */
    s->model_source = nl_strdup(s->file);
  } else if (t && memchr(t, '~', len)) {
    s->model_text = nl_malloc(len + 1);
    if (s->model_text) memcpy(s->model_text, t, len), s->model_text[len] = '\0';
    char src[300];
    loc_of(s, v, src, sizeof src);
    s->model_source = nl_strdup(src);
  } else {
    /* a model file */
    char path[4096];
    nl_status st = scalar(s, v, "model", path, sizeof path);
    if (st) return st;
    FILE *f = fopen(path, "rb");
    if (!f && nl_model_find(path))
      return at(s, v, NL_EINVAL,
                "key 'model': '%s' is a simulation model, so this is a scenario, not a study: run it with `netlearn "
                "run` (a study's model: is its PLS model, as lavaan text or a file)",
                path);
    if (!f) return at(s, v, NL_EIO, "key 'model': cannot open model file '%s': %s", path, strerror(errno));
    char *buf;
    size_t n;
    int rc = nl_text_slurp(f, (size_t)16 << 20, &buf, &n);
    fclose(f);
    if (rc == -1) return nl_err(&s->err, NL_ENOMEM, "out of memory");
    if (rc == -2) return at(s, v, NL_EINVAL, "key 'model': model file '%s' is larger than 16 MiB", path);
    if (rc) return at(s, v, NL_EIO, "key 'model': cannot read model file '%s': %s", path, strerror(errno));
    s->model_text = buf;
    s->model_source = nl_strdup(path);
  }
  if (!s->model_text || !s->model_source) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  return NL_OK;
}

static nl_status parse_hypotheses(nl_study *s, struct fy_node *seq) {
  if (!fy_node_is_sequence(seq))
    return at(s, seq, NL_EINVAL, "key 'hypotheses': expected a list of {id:, effect: A -> B, sign: positive}");
  static const char *const keys[] = {"id", "effect", "sign", "label"};
  s->H = 0;
  s->hyp_default = 0;
  void *it = NULL;
  struct fy_node *e;
  while ((e = fy_node_sequence_iterate(seq, &it))) {
    if (s->H >= NL_STUDY_MAXHYP) return at(s, e, NL_ERANGE, "more than %d hypotheses", (int)NL_STUDY_MAXHYP);
    study_hyp *h = &s->hyp[s->H];
    memset(h, 0, sizeof *h);
    loc_of(s, e, h->loc, sizeof h->loc);
    if (!fy_node_is_mapping(e)) return at(s, e, NL_EINVAL, "hypothesis: expected a mapping {id:, effect:, sign:}");
    int have_effect = 0, have_sign = 0;
    void *it2 = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(e, &it2))) {
      char key[64], val[256];
      struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
      nl_status st = scalar(s, k, "hypothesis", key, sizeof key);
      if (st) return st;
      if (!strcmp(key, "id")) st = scalar(s, v, key, h->id, sizeof h->id);
      else if (!strcmp(key, "label")) st = scalar(s, v, key, h->label, sizeof h->label);
      else if (!strcmp(key, "effect")) {
        st = scalar(s, v, key, h->effect, sizeof h->effect);
        loc_of(s, v, h->loc, sizeof h->loc);
        have_effect = 1;
      } else if (!strcmp(key, "sign")) {
        st = scalar(s, v, key, val, sizeof val);
        if (st) return st;
        if (!strcmp(val, "positive") || !strcmp(val, "+")) h->sign = 1;
        else if (!strcmp(val, "negative") || !strcmp(val, "-")) h->sign = -1;
        else st = at(s, v, NL_EINVAL, "key 'sign': expected positive or negative, got '%s'", val);
        have_sign = 1;
      } else st = unknown_key(s, k, "a hypothesis", key, keys, 4);
      if (st) return st;
    }
    if (!have_effect) return at(s, e, NL_EINVAL, "hypothesis: missing key 'effect' (e.g. effect: EXPLORE -> PRODINNO)");
    if (!have_sign) return at(s, e, NL_EINVAL, "hypothesis: missing key 'sign' (positive or negative)");
    if (!h->id[0]) snprintf(h->id, sizeof h->id, "H%zu", s->H + 1);
    /* Ids name the rows of hypotheses.csv and the report: two hypotheses cannot share one. */
    for (size_t j = 0; j < s->H; j++)
      if (!strcmp(s->hyp[j].id, h->id))
        return at(s, e, NL_EINVAL, "hypothesis id '%s' is used twice (first at %s)", h->id, s->hyp[j].loc);
    s->H++;
  }
  if (s->H == 0) return at(s, seq, NL_EINVAL, "key 'hypotheses': the list is empty");
  return NL_OK;
}

/* Survey sizes of the power analysis (analysis: power: or --power): integers from
 * NL_STUDY_MINSAMPLE (a survey's minimum) to 1000000, no repeats, at most NL_STUDY_MAXPOWER;
 * stored increasing. loc[i] names item i in messages. */
static nl_status set_power(nl_study *s, const long *v, size_t n, char (*loc)[192]) {
  if (n > NL_STUDY_MAXPOWER)
    return nl_err(&s->err, NL_ERANGE, "%s: key 'power': %zu survey sizes, expected at most %d", loc[0], n,
                  (int)NL_STUDY_MAXPOWER);
  for (size_t i = 0; i < n; i++) {
    if (v[i] < NL_STUDY_MINSAMPLE)
      return nl_err(&s->err, NL_ERANGE, "%s: key 'power': survey size %ld is below the minimum of %d firms", loc[i], v[i],
                    (int)NL_STUDY_MINSAMPLE);
    if (v[i] > 1000000)
      return nl_err(&s->err, NL_ERANGE, "%s: key 'power': survey size %ld is above the maximum of 1000000 firms", loc[i],
                    v[i]);
    for (size_t j = 0; j < i; j++)
      if (v[j] == v[i]) return nl_err(&s->err, NL_EINVAL, "%s: key 'power': survey size %ld is given twice", loc[i], v[i]);
  }
  for (size_t i = 0; i < n; i++) { /* insertion sort: at most 16 sizes */
    size_t j = i;
    for (; j > 0 && s->power[j - 1] > v[i]; j--) s->power[j] = s->power[j - 1];
    s->power[j] = v[i];
  }
  s->npower = n;
  snprintf(s->loc_power, sizeof s->loc_power, "%s", loc[0]);
  return NL_OK;
}

static nl_status parse_power(nl_study *s, struct fy_node *k, struct fy_node *v) {
  char loc[NL_STUDY_MAXPOWER + 1][192];
  long val[NL_STUDY_MAXPOWER + 1];
  if (!v || !fy_node_is_sequence(v) || fy_node_sequence_item_count(v) == 0) /* [] has no position: the key's */
    return at(s, v && nl_yaml_mark(v) && !fy_node_is_sequence(v) ? v : k, NL_EINVAL,
              "key 'power': expected a list of survey sizes, e.g. [60, 90, 150, 300]");
  void *it = NULL;
  struct fy_node *e;
  size_t n = 0;
  while ((e = fy_node_sequence_iterate(v, &it))) {
    if (n == NL_STUDY_MAXPOWER + 1) break; /* set_power reports "too many" */
    nl_status st = get_long(s, e, "power", LONG_MIN, LONG_MAX, &val[n]);
    if (st) return st;
    loc_of(s, e, loc[n], sizeof loc[n]);
    n++;
  }
  if (n > NL_STUDY_MAXPOWER) loc_of(s, v, loc[0], sizeof loc[0]);
  nl_status st = set_power(s, val, n > NL_STUDY_MAXPOWER ? (size_t)fy_node_sequence_item_count(v) : n, loc);
  if (!st) loc_of(s, v, s->loc_power, sizeof s->loc_power); /* later checks name the whole list */
  return st;
}

static nl_status parse_analysis(nl_study *s, struct fy_node *map) {
  static const char *const keys[] = {"boot", "alpha", "threshold", "ci", "contrasts", "power"};
  if (!fy_node_is_mapping(map)) return at(s, map, NL_EINVAL, "key 'analysis': expected a mapping (boot:, threshold:, ...)");
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(map, &it))) {
    char key[64], val[64];
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    nl_status st = scalar(s, k, "analysis", key, sizeof key);
    if (st) return st;
    if (!strcmp(key, "boot")) st = get_long(s, v, key, 20, 100000, &s->boot);
    else if (!strcmp(key, "alpha")) st = get_double(s, v, key, 0, 0.5, 1, 0, &s->alpha);
    else if (!strcmp(key, "threshold")) st = get_double(s, v, key, 0, 1, 1, 0, &s->threshold);
    else if (!strcmp(key, "ci")) {
      st = scalar(s, v, key, val, sizeof val);
      if (!st) {
        if (!strcmp(val, "percentile")) s->ci_bca = 0;
        else if (!strcmp(val, "bca")) s->ci_bca = 1;
        else st = at(s, v, NL_EINVAL, "key 'ci': expected percentile or bca, got '%s'", val);
      }
    } else if (!strcmp(key, "contrasts")) {
      st = scalar(s, v, key, val, sizeof val);
      if (!st) {
        if (!strcmp(val, "true")) s->contrasts = 1;
        else if (!strcmp(val, "false")) s->contrasts = 0;
        else st = at(s, v, NL_EINVAL, "key 'contrasts': expected true or false, got '%s'", val);
      }
    } else if (!strcmp(key, "power")) st = parse_power(s, k, v);
    else st = unknown_key(s, k, "analysis", key, keys, 6);
    if (st) return st;
  }
  return NL_OK;
}

static const char *const top_keys[] = {"name", "description", "simulation", "survey", "model", "hypotheses", "analysis"};
#define NTOP (sizeof top_keys / sizeof top_keys[0])

static nl_status parse_root(parse_ctx *cx, struct fy_node *root) {
  nl_study *s = cx->s;
  if (!root || !fy_node_is_mapping(root))
    return at(s, root, NL_EPARSE, "expected a mapping of keys (simulation:, survey:, model:, hypotheses:) at the top level");
  /* key lines, so that a section's text ends where the next key starts */
  int lines[64], nk = 0;
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(root, &it)) && nk < 64) {
    const struct fy_mark *mk = nl_yaml_mark(fy_node_pair_key(pr));
    lines[nk++] = mk ? mk->line : 0;
  }
  int have_sim = 0, idx = 0;
  it = NULL;
  while ((pr = fy_node_mapping_iterate(root, &it))) {
    char key[128];
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    nl_status st = scalar(s, k, "top level", key, sizeof key);
    if (st) return st;
    int next = idx + 1 < nk ? lines[idx + 1] : 1 << 30;
    idx++;
    if (!strcmp(key, "name")) st = set_string(s, v, key, &s->name);
    else if (!strcmp(key, "description")) st = set_string(s, v, key, &s->description);
    else if (!strcmp(key, "simulation")) st = parse_simulation(cx, k, v, next), have_sim = 1;
    else if (!strcmp(key, "survey")) st = parse_survey(s, v);
    else if (!strcmp(key, "model")) st = parse_model(cx, k, v, next);
    else if (!strcmp(key, "hypotheses")) st = parse_hypotheses(s, v);
    else if (!strcmp(key, "analysis")) st = parse_analysis(s, v);
    else if (!strcmp(key, "parameters") || !strcmp(key, "replications") || !strcmp(key, "seed") ||
             !strcmp(key, "stop") || !strcmp(key, "sweep") || !strcmp(key, "outputs"))
      st = at(s, k, NL_EINVAL, "'%s' belongs to the simulation: put it under 'simulation:'", key);
    else st = unknown_key(s, k, "the study", key, top_keys, NTOP);
    if (st) return st;
  }
  if (!have_sim)
    return at(s, root, NL_EINVAL, "missing key 'simulation' (a coopnet scenario, inline or a file name)");
  return NL_OK;
}

static nl_status load(nl_study *s, const char *text, size_t len) {
  nl_yaml y = {s->file, &s->err};
  struct fy_document *doc = NULL;
  nl_status st = nl_yaml_parse(&y, text, len, &doc);
  if (st) goto cleanup;
  parse_ctx cx = {s, text, len};
  st = parse_root(&cx, fy_document_root(doc));
  if (!st && !s->name) {
    /* no name: the file's base name without its extension */
    const char *b = strrchr(s->file, '/');
    b = b ? b + 1 : s->file;
    s->name = nl_strdup(b);
    if (!s->name) st = nl_err(&s->err, NL_ENOMEM, "out of memory");
    else {
      char *dot = strrchr(s->name, '.');
      if (dot && dot != s->name) *dot = '\0';
    }
  }
  if (!st) st = nl_study_check(s);
cleanup:
  fy_document_destroy(doc);
  return st;
}

static void reset_spec(nl_study *s) {
  nl_study_free_results(s);
  free_structure(s);
  nl_pls_model_free(s->pm);
  s->pm = NULL;
  nl_design_free(s->design);
  s->design = NULL;
  nl_scenario_free(s->sc);
  s->sc = NULL;
  nl_free(s->name);
  nl_free(s->description);
  nl_free(s->model_text);
  nl_free(s->model_source);
  s->name = s->description = s->model_text = s->model_source = NULL;
  nl_survey_spec_default(&s->sv);
  s->period_set = s->window_set = 0;
  s->loc_period[0] = s->loc_window[0] = s->loc_sample[0] = s->loc_sim[0] = '\0';
  s->H = 0;
  s->boot = 200;
  s->alpha = 0.05;
  s->threshold = 0.8;
  s->ci_bca = 0;
  s->contrasts = 1;
  s->npower = 0;
  s->loc_power[0] = '\0';
}

nl_status nl_study_load_string(nl_study *s, const char *text, const char *name) {
  reset_spec(s);
  nl_free(s->file);
  s->file = nl_strdup(name ? name : "<string>");
  if (!s->file) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  return load(s, text, strlen(text));
}

nl_status nl_study_load_file(nl_study *s, const char *path) {
  reset_spec(s);
  nl_free(s->file);
  s->file = nl_strdup(path);
  if (!s->file) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  char *buf = NULL;
  size_t len = 0;
  nl_status st = nl_text_read_file(path, "study file", (size_t)16 << 20, &s->err, &buf, &len);
  if (!st) st = load(s, buf, len);
  nl_free(buf);
  return st;
}

/* ---- checks before running ------------------------------------------------------------------- */

const char *nl_study_default_model(const nl_survey_spec *sv, char *buf, size_t cap) {
  size_t n = 0;
  buf[0] = '\0';
  for (int c = 0; c < NL_SV_NCON; c++) {
    if (!sv->use[c]) continue;
    n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%-9s =~ ", nl_survey_construct_name(sv, c));
    for (size_t k = 0; k < sv->nitem[c]; k++) {
      char item[32];
      nl_survey_item_name(sv, c, k, item, sizeof item);
      n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", k ? " + " : "", item);
    }
    n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "\n");
  }
  /* the seed-000 structure among the constructs asked */
  static const int to[3] = {NL_SV_PRODINNO, NL_SV_PROCINNO, NL_SV_NETCOLLAB};
  static const int from[3][4] = {{NL_SV_EXPLORE, NL_SV_EXPLOIT, -1, -1},
                                 {NL_SV_EXPLORE, NL_SV_EXPLOIT, -1, -1},
                                 {NL_SV_PRODINNO, NL_SV_PROCINNO, NL_SV_EXPLORE, NL_SV_EXPLOIT}};
  for (int e = 0; e < 3; e++) {
    if (!sv->use[to[e]]) continue;
    int any = 0;
    for (int a = 0; a < 4; a++) {
      int c = from[e][a];
      if (c < 0 || !sv->use[c]) continue;
      if (!any) n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%-9s ~ ", nl_survey_construct_name(sv, to[e]));
      n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", any ? " + " : "", nl_survey_construct_name(sv, c));
      any = 1;
    }
    if (any) n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "\n");
  }
  return n < cap ? buf : NULL;
}

/* The seed-000 hypotheses (docs/study.md). */
static const struct {
  const char *id, *effect, *label;
  int sign;
} default_hyp[] = {
    {"H1", "EXPLORE -> PRODINNO", "exploration drives product co-innovation", 1},
    {"H2", "EXPLOIT -> PROCINNO", "exploitation drives process innovation", 1},
    {"H3", "PRODINNO -> NETCOLLAB", "product co-innovation drives network collaboration", 1},
    {"H4", "EXPLOIT -> NETCOLLAB", "exploitation discourages networking", -1},
    {"H5", "EXPLORE -> PRODINNO -> NETCOLLAB", "exploration fosters network collaboration through product co-innovation",
     1},
};

static long construct_index(const nl_study *s, const char *name) {
  for (size_t j = 0; j < s->C; j++)
    if (!strcmp(s->cname[j], name)) return (long)j;
  return -1;
}

/* Resolve a hypothesis' effect against the model: 0 or an error message in msg. */
static int resolve_hyp(nl_study *s, study_hyp *h, char *msg, size_t cap) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", h->effect);
  h->len = 0;
  char *p = buf;
  for (;;) {
    char *arrow = strstr(p, "->");
    if (arrow) *arrow = '\0';
    while (*p == ' ' || *p == '\t') p++;
    char *e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
    if (!*p) {
      snprintf(msg, cap, "effect '%s': expected constructs separated by '->', e.g. EXPLORE -> PRODINNO", h->effect);
      return -1;
    }
    long j = construct_index(s, p);
    if (j < 0) {
      long close = nl_closest_name(p, (const char *const *)s->cname, s->C);
      snprintf(msg, cap, "effect '%s': '%s' is not a construct of the model%s%s%s", h->effect, p,
               close >= 0 ? " (did you mean '" : "", close >= 0 ? s->cname[close] : "", close >= 0 ? "'?)" : "");
      return -1;
    }
    if (h->len >= NL_STUDY_MAXCHAIN) {
      snprintf(msg, cap, "effect '%s': more than %d constructs", h->effect, (int)NL_STUDY_MAXCHAIN);
      return -1;
    }
    h->chain[h->len++] = (size_t)j;
    if (!arrow) break;
    p = arrow + 2;
  }
  if (h->len < 2) {
    snprintf(msg, cap, "effect '%s': expected at least two constructs, e.g. EXPLORE -> PRODINNO", h->effect);
    return -1;
  }
  h->indirect = h->len > 2;
  if (!h->indirect) {
    for (size_t k = 0; k < s->P; k++)
      if (s->pfrom[k] == h->chain[0] && s->pto[k] == h->chain[1]) {
        h->index = k;
        return 0;
      }
    snprintf(msg, cap, "effect '%s' is not a path of the model (add `%s ~ %s` to the model)", h->effect,
             s->cname[h->chain[1]], s->cname[h->chain[0]]);
    return -1;
  }
  for (size_t k = 0; k < s->S; k++) {
    if (s->slen[k] != h->len) continue;
    size_t i = 0;
    while (i < h->len && s->schain[k][i] == h->chain[i]) i++;
    if (i == h->len) {
      h->index = k;
      return 0;
    }
  }
  snprintf(msg, cap, "effect '%s' is not a chain of paths of the model (an indirect effect needs every step as a path)",
           h->effect);
  return -1;
}

/* Bind the model to stand-in data with the survey's item columns: checks that every indicator is
 * an item the survey produces, and reads the model's structure. */
static nl_status check_model(nl_study *s) {
  nl_status st = NL_OK;
  nl_pls_data *d = NULL;
  nl_pls *p = NULL;
  double *x = NULL;
  char (*names)[32] = NULL;
  const char **np = NULL;
  char deftext[2048];
  free_structure(s);
  nl_pls_model_free(s->pm);
  s->pm = NULL;
  if (!s->model_text) {
    if (!nl_study_default_model(&s->sv, deftext, sizeof deftext)) return nl_err(&s->err, NL_EINVAL, "default model too long");
    s->model_text = nl_strdup(deftext);
    s->model_source = nl_strdup("the default seed-000 model for the constructs asked (give a model: section)");
    s->model_default = 1;
    if (!s->model_text || !s->model_source) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  }
  st = nl_pls_model_parse(s->model_text, s->model_source, &s->pm);
  if (st) {
    if (s->pm) nl_err(&s->err, st, "%s", nl_pls_model_errmsg(s->pm));
    else nl_err(&s->err, st, "out of memory");
    return st;
  }
  size_t ni = nl_survey_nitems(&s->sv), n = (size_t)s->sv.sample;
  if (ni == 0) return nl_err(&s->err, NL_EINVAL, "%s: the survey asks no construct", s->file);
  x = nl_malloc(ni * n * sizeof *x);
  names = nl_malloc(ni * sizeof *names);
  np = nl_malloc(ni * sizeof *np);
  if (!x || !names || !np) {
    st = nl_err(&s->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  size_t col = 0;
  for (int c = 0; c < NL_SV_NCON; c++)
    for (size_t k = 0; s->sv.use[c] && k < s->sv.nitem[c]; k++, col++) {
      nl_survey_item_name(&s->sv, c, k, names[col], sizeof names[col]);
      np[col] = names[col];
    }
  nl_rng r;
  nl_rng_init(&r, 0, 0, NL_RNG_PURPOSE_USER, 0);
  for (size_t i = 0; i < ni * n; i++) x[i] = nl_rng_normal(&r);
  st = nl_pls_data_from_matrix(x, n, ni, np, &d);
  if (st) {
    nl_err(&s->err, st, "%s", d ? nl_pls_data_errmsg(d) : "out of memory");
    goto cleanup;
  }
  st = nl_pls_prepare(s->pm, d, NULL, &p);
  if (st) {
    if (!p) {
      st = nl_err(&s->err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
    char msg[NL_ERRMSG_MAX];
    snprintf(msg, sizeof msg, "%s", nl_pls_errmsg(p));
    char *m = strstr(msg, "is not a column of <matrix>");
    if (m) {
      char tail[NL_ERRMSG_MAX];
      snprintf(tail, sizeof tail, "%s", m + strlen("is not a column of <matrix>"));
      snprintf(m, sizeof msg - (size_t)(m - msg), "is not an item the survey produces%s", tail);
    }
    st = nl_err(&s->err, st, "%s", msg);
    goto cleanup;
  }
  s->C = nl_pls_n_constructs(p);
  s->I = nl_pls_n_indicators(p);
  s->P = nl_pls_n_paths(p);
  s->S = nl_pls_n_specific(p);
  s->cname = nl_calloc(s->C, sizeof *s->cname);
  s->iname = nl_calloc(s->I, sizeof *s->iname);
  s->endo = nl_calloc(s->C, sizeof *s->endo);
  s->pfrom = nl_calloc(s->P ? s->P : 1, sizeof *s->pfrom);
  s->pto = nl_calloc(s->P ? s->P : 1, sizeof *s->pto);
  s->schain = nl_calloc(s->S ? s->S : 1, sizeof *s->schain);
  s->slen = nl_calloc(s->S ? s->S : 1, sizeof *s->slen);
  if (!s->cname || !s->iname || !s->endo || !s->pfrom || !s->pto || !s->schain || !s->slen) {
    free_structure(s);
    st = nl_err(&s->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t j = 0; j < s->C; j++) {
    s->cname[j] = nl_strdup(nl_pls_construct_name(p, j));
    s->endo[j] = nl_pls_construct_is_endogenous(p, j);
    if (!s->cname[j]) st = NL_ENOMEM;
  }
  for (size_t i = 0; i < s->I; i++)
    if (!(s->iname[i] = nl_strdup(nl_pls_indicator_name(p, i)))) st = NL_ENOMEM;
  for (size_t k = 0; k < s->P; k++) nl_pls_path_ends(p, k, &s->pfrom[k], &s->pto[k]);
  for (size_t k = 0; k < s->S; k++) {
    size_t len = 0;
    const size_t *ch = nl_pls_specific_chain(p, k, &len);
    s->schain[k] = nl_malloc(len * sizeof **s->schain);
    if (!s->schain[k]) {
      st = NL_ENOMEM;
      continue;
    }
    memcpy(s->schain[k], ch, len * sizeof *ch);
    s->slen[k] = len;
  }
  if (st) {
    st = nl_err(&s->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  /* constructs must be ones the survey produces */
  for (size_t j = 0; j < s->C; j++) {
    int c = nl_survey_construct_find(&s->sv, s->cname[j]);
    if (c >= 0 && s->sv.use[c]) continue;
    const char *cnames[NL_SV_NCON];
    long close = nl_closest_name(s->cname[j], cnames, construct_names(&s->sv, cnames));
    /* locate the name in the model text */
    long line = 1, lcol = 1;
    const char *hit = NULL;
    size_t nl = strlen(s->cname[j]);
    for (const char *q = s->model_text; (q = strstr(q, s->cname[j])); q++) {
      int before = q == s->model_text || !(q[-1] == '_' || q[-1] == '.' || (q[-1] >= '0' && q[-1] <= '9') ||
                                           ((q[-1] | 32) >= 'a' && (q[-1] | 32) <= 'z'));
      char a = q[nl];
      int after = !(a == '_' || a == '.' || (a >= '0' && a <= '9') || ((a | 32) >= 'a' && (a | 32) <= 'z'));
      if (before && after) {
        hit = q;
        break;
      }
    }
    for (const char *q = s->model_text; hit && q < hit; q++) {
      if (*q == '\n') line++, lcol = 1;
      else lcol++;
    }
    st = nl_err(&s->err, NL_EINVAL, "%s:%ld:%ld: the survey does not produce a construct '%s'%s%s%s", s->model_source,
                line, lcol, s->cname[j], close >= 0 ? " (did you mean '" : "", close >= 0 ? cnames[close] : "",
                close >= 0 ? "'?)" : (c >= 0 ? " (it is not listed under survey: constructs:)" : ""));
    goto cleanup;
  }
cleanup:
  nl_pls_free(p);
  nl_pls_data_free(d);
  nl_free(x);
  nl_free(names);
  nl_free(np);
  return st;
}

nl_status nl_study_check(nl_study *s) {
  nl_status st;
  nl_study_free_results(s);
  const nl_model *m = nl_scenario_model(s->sc);
  if (!m || !nl_model_unit_name(m))
    return nl_err(&s->err, NL_EINVAL,
                  "%s: simulation: model '%s' has no units to survey (the virtual survey samples a model's units: "
                  "coopnet's firms, lazer2007's agents, fang2010's individuals)",
                  s->loc_sim, m ? nl_model_name(m) : "?");
  /* the unit field behind each construct the survey asks */
  int bad = -1;
  st = nl_survey_spec_bind(&s->sv, m, &bad, &s->err);
  if (st) {
    nl_err_prefix(&s->err, bad >= 0 && s->loc_field[bad][0] ? s->loc_field[bad] : s->file);
    return st;
  }
  nl_study_bind_fields(s, m);
  if (!s->facts_ok) s->contrasts = 0; /* the contrasts serve coopnet's facts: a model without its fields has neither */
  nl_design_free(s->design);
  s->design = nl_design_new();
  if (!s->design) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  st = nl_design_build(s->design, s->sc, 1000);
  if (st) return nl_err(&s->err, st, "%s: simulation: %s", s->loc_sim, nl_design_errmsg(s->design));
  long T = nl_scenario_periods(s->sc);
  if (!s->period_set) s->sv.period = T;
  if (s->sv.period > T)
    return nl_err(&s->err, NL_ERANGE, "%s: survey period %ld is beyond the run, which stops after %ld periods",
                  s->loc_period[0] ? s->loc_period : s->file, s->sv.period, T);
  if (!s->window_set) s->sv.window = s->sv.period / 2 > 0 ? s->sv.period / 2 : 1;
  if (s->sv.window > s->sv.period)
    return nl_err(&s->err, NL_ERANGE, "%s: survey window %ld is longer than the %ld periods before the survey",
                  s->loc_window[0] ? s->loc_window : s->file, s->sv.window, s->sv.period);
  long fi = nl_model_param_index(m, "firms"), ti = nl_model_param_index(m, "firm_table");
  for (size_t i = 0; i < nl_design_npoints(s->design); i++) {
    const nl_params *pp = nl_design_params(s->design, i);
    double F = fi >= 0 ? nl_params_get(pp, (size_t)fi) : 0;
    const char *table = ti >= 0 ? nl_params_get_string(pp, (size_t)ti) : NULL;
    if ((table && *table) || fi < 0) {
      /* the firm table (or a model without a firms parameter) decides the number of units: ask the model */
      void *state = NULL;
      nl_errbuf e;
      if (m->create(&state, pp, &e))
        return nl_err(&s->err, NL_EINVAL, "%s: simulation: %s", s->loc_sim, e.msg);
      F = (double)m->unit_count(state);
      m->destroy(state);
    }
    if ((double)s->sv.sample > F)
      return nl_err(&s->err, NL_ERANGE, "%s: survey sample %ld is larger than the %.0f %ss of the simulation%s",
                    s->loc_sample[0] ? s->loc_sample : s->file, s->sv.sample, F, nl_model_unit_name(m),
                    nl_design_npoints(s->design) > 1 ? " (at one of the sweep's design points)" : "");
    long nmax = s->npower ? s->power[s->npower - 1] : 0;
    if (nmax > 0 && F >= 1 && nl_study_power_economies(nmax, (size_t)F) > NL_STUDY_MAXECON)
      return nl_err(&s->err, NL_ERANGE,
                    "%s: key 'power': survey size %ld needs %zu economies of %.0f firms; at most %d are pooled%s",
                    s->loc_power, nmax, nl_study_power_economies(nmax, (size_t)F), F, (int)NL_STUDY_MAXECON,
                    nl_design_npoints(s->design) > 1 ? " (at one of the sweep's design points)" : "");
  }
  st = check_model(s);
  if (st) return st;
  /* hypotheses */
  char msg[512];
  if (s->H == 0 || s->hyp_default) {
    s->H = 0;
    s->hyp_default = 1;
    for (size_t i = 0; i < sizeof default_hyp / sizeof default_hyp[0]; i++) {
      study_hyp *h = &s->hyp[s->H];
      memset(h, 0, sizeof *h);
      snprintf(h->id, sizeof h->id, "%s", default_hyp[i].id);
      snprintf(h->effect, sizeof h->effect, "%s", default_hyp[i].effect);
      snprintf(h->label, sizeof h->label, "%s", default_hyp[i].label);
      snprintf(h->loc, sizeof h->loc, "%s", s->file);
      h->sign = default_hyp[i].sign;
      if (resolve_hyp(s, h, msg, sizeof msg) == 0) s->H++;
    }
    if (s->H == 0)
      return nl_err(&s->err, NL_EINVAL,
                    "%s: none of the default (seed-000) hypotheses is an effect of this model: add a hypotheses: section",
                    s->file);
  } else {
    for (size_t i = 0; i < s->H; i++)
      if (resolve_hyp(s, &s->hyp[i], msg, sizeof msg))
        return nl_err(&s->err, NL_EINVAL, "%s: hypothesis %s: %s", s->hyp[i].loc, s->hyp[i].id, msg);
  }
  return NL_OK;
}

nl_status nl_study_set(nl_study *s, const char *key, const char *value) {
  if (!s->sc) return nl_err(&s->err, NL_EINVAL, "--set %s=%s: no study loaded", key, value);
  char loc[192];
  snprintf(loc, sizeof loc, "--set %s=%s", key, value);
  char *end = NULL;
  errno = 0;
  if (!strcmp(key, "analysis.power")) {
    /* "60,90,150,300" (also `netlearn study --power`) */
    char locs[NL_STUDY_MAXPOWER + 1][192];
    long v[NL_STUDY_MAXPOWER + 1];
    size_t n = 0;
    snprintf(loc, sizeof loc, "--power %s", value);
    for (const char *p = value;; p = end + 1) {
      if (n == NL_STUDY_MAXPOWER + 1) return nl_err(&s->err, NL_ERANGE, "%s: more than %d survey sizes", loc, (int)NL_STUDY_MAXPOWER);
      errno = 0;
      v[n] = strtol(p, &end, 10);
      if (end == p || (*end && *end != ',') || errno)
        return nl_err(&s->err, NL_EINVAL, "%s: expected survey sizes separated by commas, e.g. 60,90,150,300", loc);
      snprintf(locs[n++], sizeof locs[0], "%s", loc);
      if (!*end) break;
    }
    nl_status st = set_power(s, v, n, locs);
    if (st) return st;
  } else if (!strcmp(key, "analysis.contrasts")) {
    if (!strcmp(value, "true")) s->contrasts = 1;
    else if (!strcmp(value, "false")) s->contrasts = 0;
    else return nl_err(&s->err, NL_EINVAL, "%s: expected true or false", loc);
  } else if (!strncmp(key, "survey.", 7) || !strncmp(key, "analysis.", 9)) {
    const char *k = strchr(key, '.') + 1;
    if (!strcmp(k, "noise") || !strcmp(k, "threshold") || !strcmp(k, "alpha")) {
      double v = strtod(value, &end);
      if (end == value || *end || !isfinite(v)) return nl_err(&s->err, NL_EINVAL, "%s: expected a number", loc);
      if (!strcmp(key, "survey.noise") && v >= 0 && v <= 10) s->sv.noise = v;
      else if (!strcmp(key, "analysis.threshold") && v > 0 && v <= 1) s->threshold = v;
      else if (!strcmp(key, "analysis.alpha") && v > 0 && v <= 0.5) s->alpha = v;
      else if (strcmp(key, "survey.noise") && strcmp(key, "analysis.threshold") && strcmp(key, "analysis.alpha"))
        goto unknown;
      else return nl_err(&s->err, NL_ERANGE, "%s: %g is out of range", loc, v);
    } else {
      long v = strtol(value, &end, 10);
      if (end == value || *end || errno) return nl_err(&s->err, NL_EINVAL, "%s: expected an integer", loc);
      if (!strcmp(key, "survey.period")) {
        if (v < 1) return nl_err(&s->err, NL_ERANGE, "%s: expected a period >= 1", loc);
        s->sv.period = v, s->period_set = 1;
        snprintf(s->loc_period, sizeof s->loc_period, "%s", loc);
      } else if (!strcmp(key, "survey.window")) {
        if (v < 1) return nl_err(&s->err, NL_ERANGE, "%s: expected a window >= 1", loc);
        s->sv.window = v, s->window_set = 1;
        snprintf(s->loc_window, sizeof s->loc_window, "%s", loc);
      } else if (!strcmp(key, "survey.sample")) {
        if (v < 10) return nl_err(&s->err, NL_ERANGE, "%s: expected a sample of at least 10 firms", loc);
        s->sv.sample = v;
        snprintf(s->loc_sample, sizeof s->loc_sample, "%s", loc);
      } else if (!strcmp(key, "analysis.boot")) {
        if (v < 20 || v > 100000) return nl_err(&s->err, NL_ERANGE, "%s: expected 20 to 100000 resamples", loc);
        s->boot = v;
      } else goto unknown;
    }
  } else {
    nl_status st = nl_scenario_set(s->sc, key, value);
    if (st) return nl_err(&s->err, st, "%s", nl_scenario_errmsg(s->sc));
  }
  return nl_study_check(s);
unknown:
  return nl_err(&s->err, NL_EINVAL,
                "--set %s: unknown key; expected a simulation key (a parameter, replications, periods, seed), "
                "survey.period, survey.window, survey.sample, survey.noise, analysis.boot, analysis.threshold, "
                "analysis.alpha, analysis.contrasts or analysis.power",
                key);
}

char *nl_study_model_display(const nl_study *s) {
  const char *t = s->model_text;
  size_t len = strlen(t), indent = (size_t)-1;
  /* common indentation of the non-blank lines */
  for (const char *p = t; *p;) {
    const char *e = strchr(p, '\n');
    if (!e) e = p + strlen(p);
    size_t k = 0;
    while (p + k < e && (p[k] == ' ' || p[k] == '\t')) k++;
    if (p + k < e && p[k] != '\r' && k < indent) indent = k;
    p = *e ? e + 1 : e;
  }
  if (indent == (size_t)-1) indent = 0;
  char *out = nl_malloc(len + 1);
  if (!out) return NULL;
  size_t n = 0, last_text = 0;
  int started = 0;
  for (const char *p = t; *p;) {
    const char *e = strchr(p, '\n');
    if (!e) e = p + strlen(p);
    size_t k = 0;
    while (p + k < e && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r')) k++;
    int blank = p + k == e;
    if (!blank || started) {
      started = 1;
      const char *q = blank ? e : p + indent;
      memcpy(out + n, q, (size_t)(e - q));
      n += (size_t)(e - q);
      if (!blank) last_text = n;
      out[n++] = '\n';
    }
    p = *e ? e + 1 : e;
  }
  out[last_text] = '\0';
  return out;
}

const char *nl_study_default_text(void) { return nl_study_seed_yaml; }

nl_status nl_study_load_default(nl_study *s) {
  return nl_study_load_string(s, nl_study_seed_yaml, "seed-study.yaml (built in)");
}
