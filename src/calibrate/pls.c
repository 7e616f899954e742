/*
 * PLS targets: fit coopnet so that its virtual survey reproduces a published PLS-SEM table. The
 * PLS model is the auxiliary model of indirect inference: each replication simulates coopnet,
 * surveys its firms and estimates the study's PLS model on the survey exactly as `netlearn study`
 * does (same streams: replication r's simulation and survey are keyed (seed, r)); the statistics
 * are the mean path coefficients over replications.
 *
 *   targets:
 *     pls:
 *       study: examples/seed-study.yaml     # its simulation, survey and PLS model
 *       paths:
 *         - {effect: EXPLORE -> PRODINNO, value: 0.31, se: 0.09}
 *
 * The study is used through its public header only (nl_study_replicate_paths does a replication).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "calibrate/calib_impl.h"
#include "core/alloc.h"
#include "io/yaml.h"

/* "A -> B" into construct indices of the study's model. */
static nl_status parse_effect(nl_calib *c, const nl_yaml *y, struct fy_node *v, nl_calib_target *t) {
  const nl_study *s = c->study;
  char text[256], a[128], b[128];
  nl_status st = nl_yaml_scalar(y, v, "effect", text, sizeof text);
  if (st) return st;
  if (sscanf(text, " %127[^ -] -> %127s", a, b) != 2 || strstr(strstr(text, "->") + 2, "->"))
    return nl_yaml_at(y, v, NL_EINVAL, "effect '%s': expected a direct path 'FROM -> TO', e.g. EXPLORE -> PRODINNO",
                      text);
  long ia = -1, ib = -1;
  size_t C = nl_study_nconstructs(s);
  const char *names[256];
  if (C > 256) C = 256;
  for (size_t j = 0; j < C; j++) {
    names[j] = nl_study_construct_name(s, j);
    if (!strcmp(names[j], a)) ia = (long)j;
    if (!strcmp(names[j], b)) ib = (long)j;
  }
  const char *bad = ia < 0 ? a : (ib < 0 ? b : NULL);
  if (bad) {
    long best = nl_closest_name(bad, names, C);
    if (best >= 0)
      return nl_yaml_at(y, v, NL_EINVAL, "effect '%s': no construct '%s' in the study's model (did you mean '%s'?)",
                        text, bad, names[best]);
    return nl_yaml_at(y, v, NL_EINVAL, "effect '%s': no construct '%s' in the study's model", text, bad);
  }
  long q = nl_study_path_index(s, (size_t)ia, (size_t)ib);
  if (q < 0) return nl_yaml_at(y, v, NL_EINVAL, "effect '%s': the study's model has no path %s -> %s", text, a, b);
  t->path = (size_t)q;
  snprintf(t->label, sizeof t->label, "%s -> %s (PLS path)", a, b);
  return NL_OK;
}

/* A study document from the calibration file that keeps its line numbers: the `simulation:` lines
 * as they are, the `survey:` and `model:` sections of `pls:` moved left to column 0 (their columns
 * in messages are then short by the sections' indentation), every other line blank. */
static char *inline_study(const nl_calib_text *t, const int *l0, const int *l1, const int *col, int nsec) {
  char *out = nl_malloc(t->len + 1);
  if (!out) return NULL;
  size_t o = 0;
  int line = 0;
  for (size_t i = 0; i < t->len;) {
    size_t e = i;
    while (e < t->len && t->text[e] != '\n') e++;
    int sec = -1;
    for (int q = 0; q < nsec; q++)
      if (line >= l0[q] && line < l1[q]) sec = q;
    size_t from = i, to = e;
    if (line >= t->sim_l0 && line < t->sim_l1) {
      /* kept */
    } else if (sec >= 0) {
      size_t d = 0;
      while (d < (size_t)col[sec] && from + d < to && t->text[from + d] == ' ') d++;
      from += d;
    } else {
      from = to; /* blank */
    }
    memcpy(out + o, t->text + from, to - from);
    o += to - from;
    if (e < t->len) out[o++] = '\n';
    i = e + 1;
    line++;
  }
  out[o] = '\0';
  return out;
}

nl_status nl_calib_pls_parse(nl_calib *c, const nl_yaml *y, struct fy_node *pls, const nl_calib_text *t) {
  if (!pls || !fy_node_is_mapping(pls))
    return nl_yaml_at(y, pls, NL_EINVAL,
                      "targets: pls: expected {study: FILE, paths: [...]} or survey:, model: and paths: (block style)");
  struct fy_node *study = NULL, *paths = NULL, *sk = NULL, *mk_model = NULL;
  int kl[16], nk = 0, sec_l0[2] = {-1, -1}, sec_l1[2] = {-1, -1}, sec_col[2] = {0, 0}, sec_idx[2] = {-1, -1};
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(pls, &it))) {
    char key[64];
    struct fy_node *k = fy_node_pair_key(pr);
    nl_status st = nl_yaml_scalar(y, k, "pls", key, sizeof key);
    if (st) return st;
    const struct fy_mark *mk = nl_yaml_mark(k);
    if (nk < 16) kl[nk] = mk ? mk->line : 0;
    if (!strcmp(key, "study")) study = fy_node_pair_value(pr);
    else if (!strcmp(key, "paths")) paths = fy_node_pair_value(pr);
    else if (!strcmp(key, "survey") || !strcmp(key, "model")) {
      int q = key[0] == 's' ? 0 : 1;
      if (q == 0) sk = k;
      else mk_model = k;
      sec_idx[q] = nk;
      sec_l0[q] = mk ? mk->line : 0;
      sec_col[q] = mk ? mk->column : 0;
      /* block style only: the key first on its line */
      for (int col = 0; mk && col < mk->column; col++) {
        size_t pos = (size_t)(mk->input_pos - (size_t)mk->column) + (size_t)col;
        if (pos < t->len && t->text[pos] != ' ')
          return nl_yaml_at(y, k, NL_EINVAL, "pls: write '%s:' in block style, on its own line", key);
      }
    } else {
      static const char *const keys[] = {"study", "survey", "model", "paths"};
      return nl_yaml_unknown_key(y, k, "pls", key, keys, 4);
    }
    nk++;
  }
  if (!paths || !fy_node_is_sequence(paths) || fy_node_sequence_item_count(paths) == 0)
    return nl_yaml_at(y, paths ? paths : pls, NL_EINVAL, "pls: 'paths' must be a list of {effect: A -> B, value: x, se: s}");
  nl_status st;
  c->study = nl_study_new();
  if (!c->study) return nl_err(y->err, NL_ENOMEM, "out of memory");
  if (study) {
    if (sk || mk_model)
      return nl_yaml_at(y, sk ? sk : mk_model, NL_EINVAL, "pls: give either 'study: FILE' or survey: and model:, not both");
    if (t->sim_l0 >= 0)
      return nl_yaml_at(y, study, NL_EINVAL, "pls: the study file has its own simulation: remove 'simulation:' or give "
                                             "survey: and model: instead of 'study:'");
    char path[4096];
    st = nl_yaml_scalar(y, study, "study", path, sizeof path);
    if (st) return st;
    st = nl_study_load_file(c->study, path);
    if (st) return nl_yaml_at(y, study, st, "study: %s", nl_study_errmsg(c->study));
  } else {
    if (!sk || !mk_model)
      return nl_yaml_at(y, pls, NL_EINVAL, "pls: missing '%s' (or give 'study: FILE', a study with simulation, survey and model)",
                        sk ? "model" : "survey");
    if (t->sim_l0 < 0)
      return nl_yaml_at(y, pls, NL_EINVAL, "pls with survey: and model: needs the file's 'simulation:' (a coopnet scenario)");
    for (int q = 0; q < 2; q++) /* a section ends where the next key of pls starts, or pls ends */
      sec_l1[q] = sec_idx[q] + 1 < nk ? kl[sec_idx[q] + 1] : t->pls_end;
    char *text = inline_study(t, sec_l0, sec_l1, sec_col, 2);
    if (!text) return nl_err(y->err, NL_ENOMEM, "out of memory");
    st = nl_study_load_string(c->study, text, y->file);
    nl_free(text);
    if (st) return nl_err(y->err, st, "%s", nl_study_errmsg(c->study));
  }
  c->scen = nl_study_scenario(c->study);
  c->model = nl_scenario_model(c->scen);
  if (nl_scenario_design(c->scen) != NL_DESIGN_NONE)
    return nl_yaml_at(y, study ? study : pls, NL_EINVAL, "the simulation: a calibration simulates one design point; remove its 'sweep:'");
  size_t n = (size_t)fy_node_sequence_item_count(paths);
  if (n > 64) return nl_yaml_at(y, paths, NL_ERANGE, "%zu targets: at most 64", n);
  c->tg = nl_calloc(n, sizeof *c->tg);
  if (!c->tg) return nl_err(y->err, NL_ENOMEM, "out of memory");
  it = NULL;
  struct fy_node *e;
  while ((e = fy_node_sequence_iterate(paths, &it))) {
    nl_calib_target *tg = &c->tg[c->K];
    tg->measure = NL_CALIB_PLS;
    tg->stat = NL_CALIB_MEAN;
    tg->period = NL_CALIB_FINAL;
    if (!fy_node_is_mapping(e))
      return nl_yaml_at(y, e, NL_EINVAL, "pls path: expected {effect: A -> B, value: x, se: s}");
    const struct fy_mark *mk = nl_yaml_mark(e);
    snprintf(tg->loc, sizeof tg->loc, "%s:%d:%d", y->file, mk ? mk->line + 1 : 0, mk ? mk->column + 1 : 0);
    int have[3] = {0, 0, 0};
    void *it2 = NULL;
    while ((pr = fy_node_mapping_iterate(e, &it2))) {
      char key[64];
      struct fy_node *v = fy_node_pair_value(pr);
      st = nl_yaml_scalar(y, fy_node_pair_key(pr), "pls path", key, sizeof key);
      if (st) return st;
      if (!strcmp(key, "effect")) st = parse_effect(c, y, v, tg), have[0] = 1;
      else if (!strcmp(key, "value")) st = nl_yaml_double(y, v, key, -HUGE_VAL, HUGE_VAL, 0, 0, &tg->value), have[1] = 1;
      else if (!strcmp(key, "se")) st = nl_yaml_double(y, v, key, 0, HUGE_VAL, 1, 0, &tg->se), have[2] = 1;
      else {
        static const char *const keys[] = {"effect", "value", "se"};
        st = nl_yaml_unknown_key(y, fy_node_pair_key(pr), "a pls path", key, keys, 3);
      }
      if (st) return st;
    }
    static const char *const what[] = {"effect (A -> B)", "value (the published coefficient)", "se (its standard error)"};
    for (int q = 0; q < 3; q++)
      if (!have[q]) return nl_yaml_at(y, e, NL_EINVAL, "pls path: missing %s", what[q]);
    for (size_t j = 0; j < c->K; j++)
      if (c->tg[j].path == tg->path)
        return nl_yaml_at(y, e, NL_EINVAL, "pls path '%s' is listed twice (first at %s)", tg->label, c->tg[j].loc);
    c->K++;
  }
  return NL_OK;
}

/* Replication r keyed (seed, r) as in the study; the targets' paths, row r of x. */
nl_status nl_calib_pls_simulate(nl_calib *c, const nl_params *p, double *x, int threads) {
  nl_status status = NL_OK;
  int nt = threads > 0 ? threads : omp_get_max_threads();
  if (nt > c->R) nt = (int)c->R;
  size_t paths[64];
  for (size_t k = 0; k < c->K; k++) paths[k] = c->tg[k].path;
#pragma omp parallel num_threads(nt)
  {
    char msg[NL_ERRMSG_MAX];
    nl_status tst = NL_OK;
#pragma omp for schedule(dynamic, 1)
    for (long r = 0; r < c->R; r++) {
      if (tst) continue;
      tst = nl_study_replicate_paths(c->study, p, c->seed, r, paths, c->K, x + (size_t)r * c->K, c->cfg.interrupt,
                                     c->cfg.interrupt_user, msg, sizeof msg);
    }
    if (tst) {
#pragma omp critical(nl_calib_error)
      if (!status) {
        status = tst;
        memcpy(c->err.msg, msg, sizeof msg);
      }
    }
  }
  return status;
}
