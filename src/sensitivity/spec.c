/*
 * Sensitivity analyses of a model (docs/sensitivity.md): the analysis file with located errors,
 * the experiment's design, the outputs read back from the results store, and the result files.
 * An inline `scenario:` is handed to the scenario loader as this file's text with everything
 * outside the scenario blanked, so its messages carry this file's lines and columns.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/model_impl.h"
#include "io/atomic.h"
#include "io/text.h"
#include "io/yaml.h"
#include "netlearn/plot.h"
#include "netlearn/sensitivity.h"
#include "sensitivity/sens_impl.h"

#define MAX_OUTPUTS 64
#define MAX_FILES 32
#define MAX_ROWS 50000000L
#define MAX_PARAMS 1024

typedef struct spec_output {
  size_t measure; /* index in the model's measure table */
  long period;    /* -1: final value */
  char name[96];
} spec_output;

struct nl_sensitivity_spec {
  char *file, *name;
  nl_scenario *sc;
  nl_sensitivity *sa;
  nl_sensitivity_options opt;
  long reps;
  size_t nf;
  size_t param[MAX_PARAMS];
  size_t nout;
  spec_output out[MAX_OUTPUTS];
  size_t *row_point; /* design row -> design point (after nl_sensitivity_spec_design) */
  nl_design *d;      /* borrowed: the design built last */
  char files[MAX_FILES][128];
  size_t nfiles;
  nl_errbuf err;
};

nl_sensitivity_spec *nl_sensitivity_spec_new(void) { return nl_calloc(1, sizeof(nl_sensitivity_spec)); }

static void reset(nl_sensitivity_spec *p) {
  nl_free(p->file);
  nl_free(p->name);
  nl_free(p->row_point);
  nl_scenario_free(p->sc);
  nl_sensitivity_free(p->sa);
  p->file = p->name = NULL;
  p->row_point = NULL;
  p->sc = NULL;
  p->sa = NULL;
  p->d = NULL;
  p->nf = p->nout = p->nfiles = 0;
  p->reps = 0;
  nl_err_clear(&p->err);
}

void nl_sensitivity_spec_free(nl_sensitivity_spec *p) {
  if (!p) return;
  reset(p);
  nl_free(p);
}

const char *nl_sensitivity_spec_errmsg(const nl_sensitivity_spec *p) { return NL_ERRMSG_OF(p); }
const char *nl_sensitivity_spec_name(const nl_sensitivity_spec *p) { return p && p->name ? p->name : ""; }
const nl_scenario *nl_sensitivity_spec_scenario(const nl_sensitivity_spec *p) { return p ? p->sc : NULL; }
const nl_sensitivity *nl_sensitivity_spec_analysis(const nl_sensitivity_spec *p) { return p ? p->sa : NULL; }
size_t nl_sensitivity_spec_noutputs(const nl_sensitivity_spec *p) { return p ? p->nout : 0; }
const nl_sensitivity_options *nl_sensitivity_spec_options(const nl_sensitivity_spec *p) { return p ? &p->opt : NULL; }
long nl_sensitivity_spec_replications(const nl_sensitivity_spec *p) { return p ? p->reps : 0; }
const char *nl_sensitivity_spec_output(const nl_sensitivity_spec *p, size_t j) {
  return p && j < p->nout ? p->out[j].name : NULL;
}

/* ---- parsing --------------------------------------------------------------------------------- */

typedef struct parse_ctx {
  nl_sensitivity_spec *p;
  nl_yaml y;
  const char *text;
  size_t len;
} parse_ctx;

static const char *const top_keys[] = {"name",   "description", "scenario",  "method",     "n",
                                       "replications", "second_order", "levels", "dummy", "seed",
                                       "resamples", "confidence", "parameters", "outputs"};
#define NTOP (sizeof top_keys / sizeof top_keys[0])

static nl_status unknown(parse_ctx *cx, struct fy_node *k, const char *where, const char *key,
                         const char *const *valid, size_t nvalid) {
  return nl_yaml_unknown_key(&cx->y, k, where, key, valid, nvalid);
}

static nl_status get_bool(parse_ctx *cx, struct fy_node *v, const char *key, int *out) {
  char b[16];
  nl_status st = nl_yaml_scalar(&cx->y, v, key, b, sizeof b);
  if (st) return st;
  if (!strcmp(b, "true") || !strcmp(b, "yes")) *out = 1;
  else if (!strcmp(b, "false") || !strcmp(b, "no")) *out = 0;
  else return nl_yaml_at(&cx->y, v, NL_EINVAL, "key '%s': expected true or false, got '%s'", key, b);
  return NL_OK;
}

/* The file's text with only lines [l0, l1) kept and, on line l0, the key from column c0 through
 * its ':' replaced by spaces: a scenario document that keeps this file's positions. */
static char *scenario_text(const parse_ctx *cx, int l0, int l1, int c0) {
  char *t = nl_malloc(cx->len + 1);
  if (!t) return NULL;
  memcpy(t, cx->text, cx->len + 1);
  int line = 0, col = 0, key = 1;
  for (size_t i = 0; i < cx->len; i++, col++) {
    if (t[i] == '\n') {
      line++;
      col = -1;
      continue;
    }
    if (line < l0 || line >= l1) {
      if (t[i] != '\r') t[i] = ' ';
    } else if (line == l0 && key && col >= c0) {
      if (t[i] == ':') key = 0;
      t[i] = ' ';
    }
  }
  return t;
}

static nl_status parse_scenario(parse_ctx *cx, struct fy_node *k, struct fy_node *v, int next_line) {
  nl_sensitivity_spec *p = cx->p;
  p->sc = nl_scenario_new();
  if (!p->sc) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  nl_status st;
  if (v && fy_node_is_scalar(v)) {
    char path[4096];
    st = nl_yaml_scalar(&cx->y, v, "scenario", path, sizeof path);
    if (st) return st;
    /* a relative path is relative to the analysis file's directory when not found as given */
    char full[8192];
    snprintf(full, sizeof full, "%s", path);
    const char *slash = strrchr(p->file, '/');
    FILE *probe = fopen(path, "rb");
    if (probe) fclose(probe);
    else if (path[0] != '/' && slash) snprintf(full, sizeof full, "%.*s/%s", (int)(slash - p->file), p->file, path);
    st = nl_scenario_load_file(p->sc, full);
    if (st) return nl_yaml_at(&cx->y, v, st, "scenario: %s", nl_scenario_errmsg(p->sc));
    return NL_OK;
  }
  if (!v || !fy_node_is_mapping(v))
    return nl_yaml_at(&cx->y, k, NL_EINVAL, "key 'scenario': expected a scenario (model:, parameters:, ...) or a scenario file name");
  const struct fy_mark *mk = nl_yaml_mark(k);
  char *t = scenario_text(cx, mk->line, next_line, mk->column);
  if (!t) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  st = nl_scenario_load_string(p->sc, t, p->file);
  nl_free(t);
  if (st) return nl_err(&p->err, st, "%s", nl_scenario_errmsg(p->sc));
  return NL_OK;
}

typedef struct factor_spec {
  double lo, hi;
  int log;
  struct fy_node *node;
} factor_spec;

static nl_status parse_factor(parse_ctx *cx, const char *name, struct fy_node *v, factor_spec *fs) {
  fs->node = v;
  fs->log = 0;
  char where[160];
  snprintf(where, sizeof where, "parameters: %s", name);
  int have_lo = 0, have_hi = 0;
  if (v && fy_node_is_sequence(v)) {
    if (fy_node_sequence_item_count(v) != 2)
      return nl_yaml_at(&cx->y, v, NL_EINVAL, "%s: expected a range [from, to] or {from: .., to: .., scale: ..}", where);
    nl_status st = nl_yaml_double(&cx->y, fy_node_sequence_get_by_index(v, 0), where, -INFINITY, INFINITY, 1, 1, &fs->lo);
    if (!st) st = nl_yaml_double(&cx->y, fy_node_sequence_get_by_index(v, 1), where, -INFINITY, INFINITY, 1, 1, &fs->hi);
    return st;
  }
  if (!v || !fy_node_is_mapping(v))
    return nl_yaml_at(&cx->y, v, NL_EINVAL, "%s: expected a range {from: .., to: .., scale: uniform|log} or [from, to]",
                      where);
  static const char *const keys[] = {"from", "to", "scale"};
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(v, &it))) {
    struct fy_node *kk = fy_node_pair_key(pr), *vv = fy_node_pair_value(pr);
    char key[64];
    nl_status st = nl_yaml_scalar(&cx->y, kk, where, key, sizeof key);
    if (st) return st;
    char what[240];
    snprintf(what, sizeof what, "%s: %s", where, key);
    if (!strcmp(key, "from")) st = nl_yaml_double(&cx->y, vv, what, -INFINITY, INFINITY, 1, 1, &fs->lo), have_lo = 1;
    else if (!strcmp(key, "to")) st = nl_yaml_double(&cx->y, vv, what, -INFINITY, INFINITY, 1, 1, &fs->hi), have_hi = 1;
    else if (!strcmp(key, "scale")) {
      char sc[32];
      st = nl_yaml_scalar(&cx->y, vv, what, sc, sizeof sc);
      if (!st && !strcmp(sc, "log")) fs->log = 1;
      else if (!st && strcmp(sc, "uniform") && strcmp(sc, "linear"))
        st = nl_yaml_at(&cx->y, vv, NL_EINVAL, "%s: expected uniform or log, got '%s'", what, sc);
    } else st = unknown(cx, kk, where, key, keys, 3);
    if (st) return st;
  }
  if (!have_lo || !have_hi) return nl_yaml_at(&cx->y, v, NL_EINVAL, "%s: missing key '%s'", where, have_lo ? "to" : "from");
  return NL_OK;
}

static nl_status parse_parameters(parse_ctx *cx, struct fy_node *k, struct fy_node *v) {
  nl_sensitivity_spec *p = cx->p;
  if (!v || !fy_node_is_mapping(v) || fy_node_mapping_item_count(v) == 0)
    return nl_yaml_at(&cx->y, v && nl_yaml_mark(v) ? v : k, NL_EINVAL,
                      "key 'parameters': expected a mapping of model parameters to ranges, e.g. p1: {from: 0.1, to: 0.9}");
  const nl_model *m = nl_scenario_model(p->sc);
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(v, &it))) {
    struct fy_node *kk = fy_node_pair_key(pr), *vv = fy_node_pair_value(pr);
    char name[128];
    nl_status st = nl_yaml_scalar(&cx->y, kk, "parameters", name, sizeof name);
    if (st) return st;
    long pi = nl_model_param_index(m, name);
    if (pi < 0) {
      const char *s = nl_model_param_suggest(m, name);
      if (s) return nl_yaml_at(&cx->y, kk, NL_EINVAL, "parameters: %s has no parameter '%s' (did you mean '%s'?)", m->name, name, s);
      return nl_yaml_at(&cx->y, kk, NL_EINVAL, "parameters: %s has no parameter '%s' (`netlearn models %s` lists them)", m->name,
                        name, m->name);
    }
    const nl_param_desc *pd = &m->params[pi];
    if (pd->type != NL_PARAM_INT && pd->type != NL_PARAM_REAL)
      return nl_yaml_at(&cx->y, kk, NL_EINVAL, "parameters: '%s' is not a number parameter (only int and real parameters vary)",
                        name);
    if (p->nf >= MAX_PARAMS)
      return nl_yaml_at(&cx->y, kk, NL_ERANGE, "parameters: more than %d parameters", MAX_PARAMS);
    factor_spec fs;
    st = parse_factor(cx, name, vv, &fs);
    if (st) return st;
    if (!(fs.lo < fs.hi))
      return nl_yaml_at(&cx->y, vv, NL_ERANGE, "parameters: %s: range from %g to %g: expected from < to", name, fs.lo, fs.hi);
    if (fs.lo < pd->min || fs.hi > pd->max)
      return nl_yaml_at(&cx->y, vv, NL_ERANGE, "parameters: %s: range from %g to %g outside the parameter's range [%g, %g]", name,
                        fs.lo, fs.hi, pd->min, pd->max);
    if (fs.log && !(fs.lo > 0))
      return nl_yaml_at(&cx->y, vv, NL_ERANGE, "parameters: %s: a log scale needs from > 0, got %g", name, fs.lo);
    st = nl_sensitivity_factor(p->sa, name, fs.lo, fs.hi, fs.log);
    if (st) return nl_yaml_at(&cx->y, kk, st, "parameters: %s", nl_sensitivity_errmsg(p->sa));
    p->param[p->nf++] = (size_t)pi;
  }
  return NL_OK;
}

static nl_status parse_output(parse_ctx *cx, struct fy_node *v) {
  nl_sensitivity_spec *p = cx->p;
  const nl_model *m = nl_scenario_model(p->sc);
  if (p->nout >= MAX_OUTPUTS) return nl_yaml_at(&cx->y, v, NL_ERANGE, "outputs: more than %d outputs", MAX_OUTPUTS);
  spec_output *o = &p->out[p->nout];
  char measure[64] = "";
  struct fy_node *mnode = v;
  o->period = -1;
  if (v && fy_node_is_mapping(v)) {
    static const char *const keys[] = {"measure", "period"};
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
      struct fy_node *kk = fy_node_pair_key(pr), *vv = fy_node_pair_value(pr);
      char key[64];
      nl_status st = nl_yaml_scalar(&cx->y, kk, "outputs", key, sizeof key);
      if (st) return st;
      if (!strcmp(key, "measure")) st = nl_yaml_scalar(&cx->y, vv, "outputs: measure", measure, sizeof measure), mnode = vv;
      else if (!strcmp(key, "period")) {
        st = nl_yaml_long(&cx->y, vv, "outputs: period", 0, nl_scenario_periods(p->sc), &o->period);
        if (!st && nl_scenario_series(p->sc) == 0)
          st = nl_yaml_at(&cx->y, vv, NL_EINVAL,
                          "outputs: period %ld: the scenario stores no series; add outputs: {series: true, every: k} "
                          "to the scenario with k dividing the period",
                          o->period);
        if (!st && o->period % nl_scenario_every(p->sc) != 0)
          st = nl_yaml_at(&cx->y, vv, NL_EINVAL, "outputs: period %ld is not recorded: the scenario records every %ld periods",
                          o->period, nl_scenario_every(p->sc));
      } else st = unknown(cx, kk, "an output", key, keys, 2);
      if (st) return st;
    }
    if (!measure[0]) return nl_yaml_at(&cx->y, v, NL_EINVAL, "outputs: missing key 'measure'");
  } else {
    nl_status st = nl_yaml_scalar(&cx->y, v, "outputs", measure, sizeof measure);
    if (st) return st;
  }
  long mi = nl_model_measure_index(m, measure);
  if (mi < 0) {
    const char *names[512];
    size_t nm = m->nmeasures < 512 ? m->nmeasures : 512;
    for (size_t i = 0; i < nm; i++) names[i] = m->measures[i].name;
    long c = nl_closest_name(measure, names, nm);
    if (c >= 0) return nl_yaml_at(&cx->y, mnode, NL_EINVAL, "outputs: %s has no measure '%s' (did you mean '%s'?)", m->name, measure, names[c]);
    return nl_yaml_at(&cx->y, mnode, NL_EINVAL, "outputs: %s has no measure '%s' (`netlearn models %s` lists them)", m->name, measure,
                      m->name);
  }
  /* the store keeps only the scenario's selected measures */
  int stored = nl_scenario_nmeasures(p->sc) == 0;
  for (size_t i = 0; i < nl_scenario_nmeasures(p->sc); i++) stored |= nl_scenario_measure(p->sc, i) == (size_t)mi;
  if (!stored)
    return nl_yaml_at(&cx->y, mnode, NL_EINVAL, "outputs: measure '%s' is not among the scenario's outputs: measures", measure);
  o->measure = (size_t)mi;
  if (o->period >= 0) snprintf(o->name, sizeof o->name, "%s@%ld", measure, o->period);
  else snprintf(o->name, sizeof o->name, "%s", measure);
  for (size_t j = 0; j < p->nout; j++)
    if (!strcmp(p->out[j].name, o->name)) return nl_yaml_at(&cx->y, v, NL_EINVAL, "outputs: '%s' listed twice", o->name);
  p->nout++;
  return NL_OK;
}

static nl_status parse_outputs(parse_ctx *cx, struct fy_node *k, struct fy_node *v) {
  if (v && fy_node_is_sequence(v) && fy_node_sequence_item_count(v) > 0) {
    void *it = NULL;
    struct fy_node *e;
    while ((e = fy_node_sequence_iterate(v, &it))) {
      nl_status st = parse_output(cx, e);
      if (st) return st;
    }
    return NL_OK;
  }
  if (v && fy_node_is_scalar(v)) return parse_output(cx, v);
  return nl_yaml_at(&cx->y, v && nl_yaml_mark(v) ? v : k, NL_EINVAL,
                    "key 'outputs': expected a list of measures, e.g. [code_knowledge, {measure: diversity, period: 50}]");
}

static nl_status parse_root(parse_ctx *cx, struct fy_node *root) {
  nl_sensitivity_spec *p = cx->p;
  if (!root || !fy_node_is_mapping(root))
    return nl_yaml_at(&cx->y, root, NL_EINVAL, "expected a mapping with keys scenario, parameters, outputs, method, n, ...");
  /* first pass: the scenario (the model decides what parameters and outputs mean), and the
   * line where each top-level key starts */
  int lines[64], nk = 0;
  struct fy_node *keyn[64], *valn[64];
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(root, &it))) {
    if (nk == 64) return nl_yaml_at(&cx->y, fy_node_pair_key(pr), NL_EINVAL, "too many keys");
    keyn[nk] = fy_node_pair_key(pr);
    valn[nk] = fy_node_pair_value(pr);
    const struct fy_mark *mk = nl_yaml_mark(keyn[nk]);
    lines[nk++] = mk ? mk->line : 0;
  }
  int sc_at = -1;
  for (int i = 0; i < nk; i++) {
    char key[128];
    nl_status st = nl_yaml_scalar(&cx->y, keyn[i], "the top level", key, sizeof key);
    if (st) return st;
    int known = 0;
    for (size_t j = 0; j < NTOP; j++) known |= !strcmp(key, top_keys[j]);
    if (!known) {
      if (!strcmp(key, "model") || !strcmp(key, "sweep") || !strcmp(key, "stop") || !strcmp(key, "periods"))
        return nl_yaml_at(&cx->y, keyn[i], NL_EINVAL, "'%s' belongs to the scenario: put it under 'scenario:'", key);
      return unknown(cx, keyn[i], "the analysis", key, top_keys, NTOP);
    }
    if (!strcmp(key, "scenario")) {
      int next = i + 1 < nk ? lines[i + 1] : 1 << 30;
      st = parse_scenario(cx, keyn[i], valn[i], next);
      if (st) return st;
      sc_at = i;
    }
  }
  if (sc_at < 0) return nl_yaml_at(&cx->y, root, NL_EINVAL, "missing key 'scenario' (a scenario file name or a scenario inline)");
  if (nl_scenario_design(p->sc) != NL_DESIGN_NONE)
    return nl_yaml_at(&cx->y, keyn[sc_at], NL_EINVAL,
                      "scenario: has a sweep: a sensitivity analysis makes its own design; remove the scenario's 'sweep:'");
  p->sa = nl_sensitivity_new();
  if (!p->sa) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  nl_sensitivity_options_default(&p->opt);
  p->opt.seed = nl_scenario_seed(p->sc);
  int have_n = 0, have_params = 0, have_out = 0;
  struct fy_node *nnode = NULL;
  p->reps = nl_scenario_replications(p->sc);
  for (int i = 0; i < nk; i++) {
    char key[128], buf[64];
    nl_yaml_scalar(&cx->y, keyn[i], "the top level", key, sizeof key);
    struct fy_node *v = valn[i];
    nl_status st = NL_OK;
    if (!strcmp(key, "scenario")) continue;
    if (!strcmp(key, "name") || !strcmp(key, "description")) {
      char text[1024];
      st = nl_yaml_scalar(&cx->y, v, key, text, sizeof text);
      if (!st && !strcmp(key, "name")) {
        nl_free(p->name);
        p->name = nl_strdup(text);
        if (!p->name) return nl_err(&p->err, NL_ENOMEM, "out of memory");
      }
    } else if (!strcmp(key, "method")) {
      st = nl_yaml_scalar(&cx->y, v, key, buf, sizeof buf);
      if (!st && !strcmp(buf, "sobol")) p->opt.method = NL_SENS_SOBOL;
      else if (!st && !strcmp(buf, "morris")) p->opt.method = NL_SENS_MORRIS;
      else if (!st) st = nl_yaml_at(&cx->y, v, NL_EINVAL, "key 'method': expected sobol or morris, got '%s'", buf);
    } else if (!strcmp(key, "n")) {
      st = nl_yaml_long(&cx->y, v, key, 4, 100000000L, &p->opt.n), have_n = 1, nnode = v;
    } else if (!strcmp(key, "replications")) {
      st = nl_yaml_long(&cx->y, v, key, 1, 1000000L, &p->reps);
    } else if (!strcmp(key, "second_order")) {
      st = get_bool(cx, v, key, &p->opt.second_order);
    } else if (!strcmp(key, "dummy")) {
      st = get_bool(cx, v, key, &p->opt.dummy);
    } else if (!strcmp(key, "levels")) {
      long l = 0;
      st = nl_yaml_long(&cx->y, v, key, 2, 1000, &l);
      if (!st && l % 2) st = nl_yaml_at(&cx->y, v, NL_EINVAL, "key 'levels': expected an even number of grid levels, got %ld", l);
      p->opt.levels = (int)l;
    } else if (!strcmp(key, "seed")) {
      long s = 0;
      st = nl_yaml_long(&cx->y, v, key, 0, 0x7fffffffffffffffL, &s);
      p->opt.seed = (uint64_t)s;
    } else if (!strcmp(key, "resamples")) {
      st = nl_yaml_long(&cx->y, v, key, 10, 1000000L, &p->opt.resamples);
    } else if (!strcmp(key, "confidence")) {
      st = nl_yaml_double(&cx->y, v, key, 0, 1, 1, 1, &p->opt.confidence);
    } else if (!strcmp(key, "parameters")) {
      st = parse_parameters(cx, keyn[i], v), have_params = 1;
    } else if (!strcmp(key, "outputs")) {
      st = parse_outputs(cx, keyn[i], v), have_out = 1;
    }
    if (st) return st;
  }
  if (!have_params) return nl_yaml_at(&cx->y, root, NL_EINVAL, "missing key 'parameters' (the model parameters to vary, with ranges)");
  if (!have_out) return nl_yaml_at(&cx->y, root, NL_EINVAL, "missing key 'outputs' (the measures to analyse)");
  if (!have_n) p->opt.n = p->opt.method == NL_SENS_SOBOL ? 256 : 20;
  char reps[32];
  snprintf(reps, sizeof reps, "%ld", p->reps);
  if (nl_scenario_set(p->sc, "replications", reps)) return nl_err(&p->err, NL_EINVAL, "%s", nl_scenario_errmsg(p->sc));
  nl_status st = nl_sensitivity_design(p->sa, &p->opt, p->nout);
  if (st) return nl_yaml_at(&cx->y, nnode ? nnode : root, st, "%s", nl_sensitivity_errmsg(p->sa));
  if ((long)nl_sensitivity_nrows(p->sa) > MAX_ROWS)
    return nl_yaml_at(&cx->y, nnode ? nnode : root, NL_ERANGE, "%zu design rows: more than %ld", nl_sensitivity_nrows(p->sa), MAX_ROWS);
  return NL_OK;
}

static nl_status load(nl_sensitivity_spec *p, const char *text, size_t len) {
  parse_ctx cx = {p, {p->file, &p->err}, text, len};
  struct fy_document *doc = NULL;
  nl_status st = nl_yaml_parse(&cx.y, text, len, &doc);
  if (!st) st = parse_root(&cx, fy_document_root(doc));
  fy_document_destroy(doc);
  if (!st && !p->name) {
    const char *b = strrchr(p->file, '/');
    p->name = nl_strdup(b ? b + 1 : p->file);
    if (!p->name) return nl_err(&p->err, NL_ENOMEM, "out of memory");
    char *dot = strrchr(p->name, '.');
    if (dot && dot != p->name) *dot = '\0';
  }
  return st;
}

nl_status nl_sensitivity_spec_load_string(nl_sensitivity_spec *p, const char *text, const char *name) {
  reset(p);
  p->file = nl_strdup(name ? name : "<string>");
  if (!p->file) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  return load(p, text, strlen(text));
}

nl_status nl_sensitivity_spec_load_file(nl_sensitivity_spec *p, const char *path) {
  reset(p);
  p->file = nl_strdup(path);
  if (!p->file) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  char *text = NULL;
  size_t len = 0;
  nl_status st = nl_text_read_file(path, "analysis file", 16u << 20, &p->err, &text, &len);
  if (!st) st = load(p, text, len);
  nl_free(text);
  return st;
}

/* ---- the experiment ----------------------------------------------------------------------------- */

nl_status nl_sensitivity_spec_design(nl_sensitivity_spec *p, nl_design *d) {
  if (!p->sa || !nl_sensitivity_nrows(p->sa)) return nl_err(&p->err, NL_EINVAL, "no analysis loaded");
  size_t rows = nl_sensitivity_nrows(p->sa);
  double *values = nl_malloc(rows * (p->nf ? p->nf : 1) * sizeof *values);
  long *reps = nl_malloc(rows * sizeof *reps);
  nl_free(p->row_point);
  p->row_point = nl_malloc(rows * sizeof *p->row_point);
  nl_status st = NL_OK;
  if (!values || !reps || !p->row_point) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < rows; i++) {
    memcpy(values + i * p->nf, nl_sensitivity_row(p->sa, i), p->nf * sizeof *values);
    reps[i] = p->reps * (1 + nl_sensitivity_row_fresh(p->sa, i));
  }
  st = nl_design_build_points(d, p->sc, p->nf, p->param, rows, values, reps, p->row_point);
  if (st) st = nl_err(&p->err, st, "%s", nl_design_errmsg(d));
  else p->d = d;
cleanup:
  nl_free(values);
  nl_free(reps);
  return st;
}

int nl_sens_spec_built(const nl_sensitivity_spec *p, const nl_design *d) {
  return p && d && p->d == d && p->row_point && nl_design_npoints(d) > 0;
}

void nl_sens_spec_drop_design(nl_sensitivity_spec *p) {
  if (p) p->d = NULL;
}

nl_status nl_sensitivity_spec_collect(nl_sensitivity_spec *p, nl_store *st) {
  if (!p->row_point || !p->d) return nl_err(&p->err, NL_EINVAL, "no design built (nl_sensitivity_spec_design)");
  size_t rows = nl_sensitivity_nrows(p->sa);
  double *v = nl_malloc((size_t)p->reps * sizeof *v), y[MAX_OUTPUTS];
  if (!v) return nl_err(&p->err, NL_ENOMEM, "out of memory");
  nl_status s = NL_OK;
  const nl_model *m = nl_scenario_model(p->sc);
  for (size_t i = 0; i < rows && !s; i++) {
    size_t pt = p->row_point[i];
    long r0 = nl_sensitivity_row_fresh(p->sa, i) ? p->reps : 0;
    for (size_t j = 0; j < p->nout && !s; j++) {
      s = nl_store_run_values(st, pt, p->out[j].measure, p->out[j].period, r0, p->reps, v);
      if (s) {
        s = nl_err(&p->err, s, "%s", nl_store_errmsg(st));
        break;
      }
      double sum = 0;
      for (long r = 0; r < p->reps; r++) {
        if (isnan(v[r])) {
          s = nl_err(&p->err, NL_EINVAL, "design point %zu (%s), replication %ld: measure %s has no value (run not done, or NA)",
                     pt + 1, nl_design_key(p->d, pt), r0 + r, m->measures[p->out[j].measure].name);
          break;
        }
        sum += v[r];
      }
      y[j] = sum / (double)p->reps;
    }
    if (!s) s = nl_sensitivity_set_output(p->sa, i, y);
  }
  nl_free(v);
  if (!s) {
    s = nl_sensitivity_analyze(p->sa, 0);
    if (s) s = nl_err(&p->err, s, "%s", nl_sensitivity_errmsg(p->sa));
  }
  return s;
}

/* ---- result files ------------------------------------------------------------------------------- */

static void csv_num(FILE *f, double v) {
  if (isfinite(v)) fprintf(f, ",%.6g", v);
  else fputs(",NA", f);
}

/* Open dir/name atomically and remember the name. */
static nl_status open_out(nl_sensitivity_spec *p, nl_atomic_file *a, const char *dir, const char *name) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return nl_err(&p->err, NL_EIO, "%s: path too long", dir);
  nl_status st = nl_atomic_open(a, path, &p->err);
  if (!st && p->nfiles < MAX_FILES) snprintf(p->files[p->nfiles++], sizeof p->files[0], "%s", name);
  return st;
}

/* A file-name-safe version of an output name ("code_knowledge@50" -> "code_knowledge_t50"). */
static void safe_name(const char *in, char *out, size_t cap) {
  size_t k = 0;
  for (const char *c = in; *c && k + 3 < cap; c++) {
    if (*c == '@') {
      out[k++] = '_';
      out[k++] = 't';
    } else out[k++] = (char)((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ? *c : '_');
  }
  out[k] = '\0';
}

static nl_status write_design(nl_sensitivity_spec *p, const char *dir) {
  nl_atomic_file a;
  nl_status st = open_out(p, &a, dir, "design.csv");
  if (st) return st;
  fputs("row,point,block", a.f);
  for (size_t f = 0; f < p->nf; f++) fprintf(a.f, ",%s", nl_sensitivity_factor_name(p->sa, f));
  for (size_t j = 0; j < p->nout; j++) fprintf(a.f, ",%s", p->out[j].name);
  fputc('\n', a.f);
  for (size_t i = 0; i < nl_sensitivity_nrows(p->sa); i++) {
    fprintf(a.f, "%zu,%zu,%d", i, p->row_point ? p->row_point[i] + 1 : 0, nl_sensitivity_row_fresh(p->sa, i));
    /* the values the runs used (integers rounded), when the design was built */
    const double *x = nl_sensitivity_row(p->sa, i);
    const nl_params *pp = p->row_point && p->d ? nl_design_params(p->d, p->row_point[i]) : NULL;
    for (size_t f = 0; f < p->nf; f++) fprintf(a.f, ",%.10g", pp ? nl_params_get(pp, p->param[f]) : x[f]);
    const double *y = nl_sensitivity_row_output(p->sa, i);
    for (size_t j = 0; j < p->nout; j++) csv_num(a.f, y ? y[j] : NAN);
    fputc('\n', a.f);
  }
  return nl_atomic_commit(&a, &p->err);
}

/* Indices of every output for the analysis currently in p->sa, one row per (output, factor). */
static void write_rows(nl_sensitivity_spec *p, FILE *f, long n) {
  nl_sensitivity *s = p->sa;
  size_t K = nl_sensitivity_nfactors(s);
  int sobol = p->opt.method == NL_SENS_SOBOL;
  for (size_t j = 0; j < p->nout; j++)
    for (size_t i = 0; i < K; i++) {
      fprintf(f, "%s,%s", p->out[j].name, nl_sensitivity_factor_name(s, i));
      if (n > 0) fprintf(f, ",%ld", n);
      double lo, hi;
      if (sobol) {
        csv_num(f, nl_sensitivity_s1(s, j, i, &lo, &hi));
        csv_num(f, lo);
        csv_num(f, hi);
        csv_num(f, nl_sensitivity_st(s, j, i, &lo, &hi));
        csv_num(f, lo);
        csv_num(f, hi);
      } else {
        csv_num(f, nl_sensitivity_mu(s, j, i));
        csv_num(f, nl_sensitivity_mu_star(s, j, i, &lo, &hi));
        csv_num(f, lo);
        csv_num(f, hi);
        csv_num(f, nl_sensitivity_sigma(s, j, i));
      }
      fputc('\n', f);
    }
}

static nl_status write_figures(nl_sensitivity_spec *p, const char *dir) {
  nl_sensitivity *s = p->sa;
  size_t K = nl_sensitivity_nfactors(s);
  int sobol = p->opt.method == NL_SENS_SOBOL;
  const char **names = nl_malloc(K * sizeof *names);
  double *buf = nl_malloc(6 * K * sizeof *buf);
  nl_status st = NL_OK;
  if (!names || !buf) {
    st = nl_err(&p->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < K; i++) names[i] = nl_sensitivity_factor_name(s, i);
  for (size_t j = 0; j < p->nout && !st; j++) {
    double *a = buf, *al = buf + K, *ah = buf + 2 * K, *b = buf + 3 * K, *bl = buf + 4 * K, *bh = buf + 5 * K;
    for (size_t i = 0; i < K; i++) {
      if (sobol) {
        a[i] = nl_sensitivity_s1(s, j, i, &al[i], &ah[i]);
        b[i] = nl_sensitivity_st(s, j, i, &bl[i], &bh[i]);
      } else {
        a[i] = nl_sensitivity_mu_star(s, j, i, &al[i], &ah[i]);
        b[i] = nl_sensitivity_sigma(s, j, i);
      }
    }
    nl_figure_options fo;
    nl_figure_options_default(&fo);
    if (sobol) fo.height = 90 + 26.0 * (double)K;
    nl_figure *fig = nl_figure_new(&fo);
    if (!fig) {
      st = nl_err(&p->err, NL_ENOMEM, "out of memory");
      break;
    }
    char title[256], file[160], safe[120], path[4096];
    snprintf(title, sizeof title, "%s: %s (%s, N = %ld, %ld replications per point)", p->name, p->out[j].name,
             sobol ? "Sobol'" : "Morris", p->opt.n, p->reps);
    nl_figure_labels(fig, NULL, NULL, title);
    safe_name(p->out[j].name, safe, sizeof safe);
    snprintf(file, sizeof file, "%s_%s.svg", sobol ? "sobol" : "morris", safe);
    nl_status fs = sobol ? nl_plot_sobol_indices(fig, K, names, a, al, ah, b, bl, bh) : nl_plot_morris(fig, K, names, a, al, ah, b);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (!fs) fs = nl_figure_save(fig, path);
    if (fs) st = nl_err(&p->err, fs, "%s: %s", path, nl_figure_errmsg(fig));
    else if (p->nfiles < MAX_FILES) snprintf(p->files[p->nfiles++], sizeof p->files[0], "%s", file);
    nl_figure_free(fig);
  }
cleanup:
  nl_free(names);
  nl_free(buf);
  return st;
}

/* The files an earlier analysis in dir may have written and this one may not overwrite (a Sobol'
 * analysis after a Morris one, other outputs): indices.csv, morris.csv, sobol_*.svg, morris_*.svg.
 * netlearn's names only; other files stay. */
static void remove_old_outputs(const char *dir) {
  char path[4096];
  static const char *const fixed[] = {"indices.csv", "morris.csv"};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, fixed[i]);
    remove(path);
  }
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if ((strncmp(e->d_name, "sobol_", 6) && strncmp(e->d_name, "morris_", 7)) || len < 4 ||
        strcmp(e->d_name + len - 4, ".svg"))
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    remove(path);
  }
  if (d) closedir(d);
}

nl_status nl_sensitivity_spec_write(nl_sensitivity_spec *p, const char *dir, const char **names, size_t *nnames) {
  p->nfiles = 0;
  remove_old_outputs(dir);
  if (nnames) *nnames = 0;
  if (!p->sa) return nl_err(&p->err, NL_EINVAL, "no analysis loaded");
  int sobol = p->opt.method == NL_SENS_SOBOL;
  const char *cols = sobol ? "S1,S1_low,S1_high,ST,ST_low,ST_high" : "mu,mu_star,mu_star_low,mu_star_high,sigma";
  nl_status st = write_design(p, dir);
  nl_atomic_file a;
  /* convergence: N/4, N/2 and N (each at least 2) */
  if (!st) st = open_out(p, &a, dir, "convergence.csv");
  if (!st) {
    fprintf(a.f, "output,parameter,n,%s\n", cols);
    long ns[3] = {p->opt.n / 4, p->opt.n / 2, p->opt.n};
    for (int c = 0; c < 3 && !st; c++) {
      if (ns[c] < 2 || (c > 0 && ns[c] == ns[c - 1])) continue;
      st = nl_sensitivity_analyze(p->sa, ns[c]);
      if (st) st = nl_err(&p->err, st, "%s", nl_sensitivity_errmsg(p->sa));
      else write_rows(p, a.f, ns[c]);
    }
    if (st) nl_atomic_abort(&a);
    else st = nl_atomic_commit(&a, &p->err);
  }
  /* the full analysis last, so that p->sa holds it afterwards */
  if (!st) {
    st = nl_sensitivity_analyze(p->sa, 0);
    if (st) st = nl_err(&p->err, st, "%s", nl_sensitivity_errmsg(p->sa));
  }
  if (!st) st = open_out(p, &a, dir, sobol ? "indices.csv" : "morris.csv");
  if (!st) {
    fprintf(a.f, "output,parameter,%s\n", cols);
    write_rows(p, a.f, 0);
    st = nl_atomic_commit(&a, &p->err);
  }
  if (!st && sobol && p->opt.second_order) {
    st = open_out(p, &a, dir, "indices2.csv");
    if (!st) {
      fputs("output,parameter_a,parameter_b,S2,S2_low,S2_high\n", a.f);
      size_t K = nl_sensitivity_nfactors(p->sa);
      for (size_t j = 0; j < p->nout; j++)
        for (size_t x = 0; x < K; x++)
          for (size_t y = x + 1; y < K; y++) {
            double lo, hi, e = nl_sensitivity_s2(p->sa, j, x, y, &lo, &hi);
            fprintf(a.f, "%s,%s,%s", p->out[j].name, nl_sensitivity_factor_name(p->sa, x), nl_sensitivity_factor_name(p->sa, y));
            csv_num(a.f, e);
            csv_num(a.f, lo);
            csv_num(a.f, hi);
            fputc('\n', a.f);
          }
      st = nl_atomic_commit(&a, &p->err);
    }
  }
  if (!st) st = write_figures(p, dir);
  if (names && nnames)
    for (size_t i = 0; i < p->nfiles; i++) names[(*nnames)++] = p->files[i];
  return st;
}
