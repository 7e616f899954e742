/* Scenario files (YAML, via libfyaml): parsing, validation with located messages, --set overrides. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/model_impl.h"
#include "io/json.h"
#include "io/scenario_impl.h"
#include "io/text.h"
#include "io/yaml.h"
#include "netlearn/scenario.h"

#define MAX_SELECTED 256
#define MAX_FACTOR_VALUES 1000000L /* values of one swept parameter */
#define MAX_LHS_POINTS 10000000L

/* One swept parameter: a list of values (grid, ofat) or a range (lhs). */
typedef struct sweep_factor {
  size_t param;
  size_t nvalues;
  char **values; /* canonical text, nvalues entries */
  double lo, hi; /* lhs */
} sweep_factor;

struct nl_scenario {
  char *file;
  char *name;
  char *description;
  const nl_model *model;
  nl_params *params;
  long replications;
  uint64_t seed;
  nl_until until;
  long periods;
  int series;
  long every;
  size_t nsel;
  size_t sel[MAX_SELECTED];
  nl_design_kind design;
  long lhs_points;
  size_t nfactors;
  sweep_factor *factors;
  nl_errbuf err;
};

nl_scenario *nl_scenario_new(void) {
  nl_scenario *sc = nl_calloc(1, sizeof *sc);
  if (!sc) return NULL;
  sc->replications = 1;
  sc->seed = 1;
  sc->until = NL_UNTIL_PERIODS;
  sc->periods = 100;
  sc->series = 1;
  sc->every = 1;
  return sc;
}

static void free_factors(nl_scenario *sc) {
  for (size_t i = 0; i < sc->nfactors; i++) {
    for (size_t j = 0; j < sc->factors[i].nvalues; j++) nl_free(sc->factors[i].values[j]);
    nl_free(sc->factors[i].values);
  }
  nl_free(sc->factors);
  sc->factors = NULL;
  sc->nfactors = 0;
  sc->design = NL_DESIGN_NONE;
  sc->lhs_points = 0;
}

void nl_scenario_free(nl_scenario *sc) {
  if (!sc) return;
  free_factors(sc);
  nl_free(sc->file);
  nl_free(sc->name);
  nl_free(sc->description);
  nl_params_free(sc->params);
  nl_free(sc);
}

const char *nl_scenario_errmsg(const nl_scenario *sc) { return NL_ERRMSG_OF(sc); }
/* Checked getters (issue 19): a NULL scenario gives "<none>", "", NULL or 0; one without a model yet
 * selects no measures. */
const char *nl_scenario_file(const nl_scenario *sc) { return sc && sc->file ? sc->file : "<none>"; }
const char *nl_scenario_name(const nl_scenario *sc) { return sc && sc->name ? sc->name : ""; }
const char *nl_scenario_description(const nl_scenario *sc) { return sc && sc->description ? sc->description : ""; }
const nl_model *nl_scenario_model(const nl_scenario *sc) { return sc ? sc->model : NULL; }
const nl_params *nl_scenario_params(const nl_scenario *sc) { return sc ? sc->params : NULL; }
nl_params *nl_scenario_params_mut(nl_scenario *sc) { return sc ? sc->params : NULL; }
long nl_scenario_replications(const nl_scenario *sc) { return sc ? sc->replications : 0; }
uint64_t nl_scenario_seed(const nl_scenario *sc) { return sc ? sc->seed : 0; }
nl_until nl_scenario_until(const nl_scenario *sc) { return sc ? sc->until : NL_UNTIL_PERIODS; }
long nl_scenario_periods(const nl_scenario *sc) { return sc ? sc->periods : 0; }
int nl_scenario_series(const nl_scenario *sc) { return sc ? sc->series : 0; }
long nl_scenario_every(const nl_scenario *sc) { return sc ? sc->every : 0; }
size_t nl_scenario_nmeasures(const nl_scenario *sc) {
  if (!sc || !sc->model) return 0;
  return sc->nsel ? sc->nsel : sc->model->nmeasures;
}
size_t nl_scenario_measure(const nl_scenario *sc, size_t i) {
  if (!sc || i >= nl_scenario_nmeasures(sc)) return (size_t)-1;
  return sc->nsel ? sc->sel[i] : i;
}
nl_design_kind nl_scenario_design(const nl_scenario *sc) { return sc ? sc->design : NL_DESIGN_NONE; }
/* Checked getters (issue 19): NULL handle or index out of range give 0, (size_t)-1, NULL or NaN. */
size_t nl_scenario_nfactors(const nl_scenario *sc) { return sc ? sc->nfactors : 0; }
size_t nl_scenario_factor_param(const nl_scenario *sc, size_t i) {
  return sc && i < sc->nfactors ? sc->factors[i].param : (size_t)-1;
}
size_t nl_scenario_factor_nvalues(const nl_scenario *sc, size_t i) {
  return sc && i < sc->nfactors ? sc->factors[i].nvalues : 0;
}
const char *nl_scenario_factor_value(const nl_scenario *sc, size_t i, size_t j) {
  return sc && i < sc->nfactors && j < sc->factors[i].nvalues ? sc->factors[i].values[j] : NULL;
}
void nl_scenario_factor_range(const nl_scenario *sc, size_t i, double *lo, double *hi) {
  int ok = sc && i < sc->nfactors;
  if (lo) *lo = ok ? sc->factors[i].lo : NAN;
  if (hi) *hi = ok ? sc->factors[i].hi : NAN;
}
long nl_scenario_lhs_points(const nl_scenario *sc) { return sc && sc->design == NL_DESIGN_LHS ? sc->lhs_points : 0; }

const char *nl_design_kind_name(nl_design_kind k) {
  switch (k) {
  case NL_DESIGN_NONE: return "none";
  case NL_DESIGN_GRID: return "grid";
  case NL_DESIGN_LHS: return "lhs";
  case NL_DESIGN_OFAT: return "ofat";
  }
  return "?";
}

double nl_scenario_design_size(const nl_scenario *sc) {
  double n;
  if (!sc) return 0;
  switch (sc->design) {
  case NL_DESIGN_GRID:
    n = 1;
    for (size_t i = 0; i < sc->nfactors; i++) n *= (double)sc->factors[i].nvalues;
    return n;
  case NL_DESIGN_OFAT:
    n = 1;
    for (size_t i = 0; i < sc->nfactors; i++) n += (double)sc->factors[i].nvalues;
    return n;
  case NL_DESIGN_LHS: return (double)sc->lhs_points;
  case NL_DESIGN_NONE: break;
  }
  return 1;
}

/* ---- located errors ------------------------------------------------------------------------ */

static nl_status at(nl_scenario *sc, struct fy_node *n, nl_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static nl_status at(nl_scenario *sc, struct fy_node *n, nl_status st, const char *fmt, ...) {
  nl_yaml y = {sc->file, &sc->err};
  va_list ap;
  va_start(ap, fmt);
  st = nl_yaml_vat(&y, n, st, fmt, ap);
  va_end(ap);
  return st;
}

static nl_status scalar(nl_scenario *sc, struct fy_node *n, const char *key, char *buf, size_t cap) {
  nl_yaml y = {sc->file, &sc->err};
  return nl_yaml_scalar(&y, n, key, buf, cap);
}

static nl_status get_long(nl_scenario *sc, struct fy_node *n, const char *key, long min, long max, long *out) {
  nl_yaml y = {sc->file, &sc->err};
  return nl_yaml_long(&y, n, key, min, max, out);
}

static nl_status parse_seed(nl_errbuf *err, const char *text, uint64_t *out) {
  char *end = NULL;
  errno = 0;
  if (text[0] == '-' || text[0] == '\0') return nl_err(err, NL_EINVAL, "expected a non-negative integer, got '%s'", text);
  unsigned long long v = strtoull(text, &end, 10);
  if (*end || errno) return nl_err(err, NL_EINVAL, "expected a non-negative integer below 2^64, got '%s'", text);
  *out = (uint64_t)v;
  return NL_OK;
}

static nl_status parse_until(const char *text, nl_until *out) {
  if (!strcmp(text, "equilibrium")) *out = NL_UNTIL_EQUILIBRIUM;
  else if (!strcmp(text, "periods")) *out = NL_UNTIL_PERIODS;
  else return NL_EINVAL;
  return NL_OK;
}

static nl_status unknown_key(nl_scenario *sc, struct fy_node *k, const char *section, const char *key,
                             const char *const *valid, size_t nvalid) {
  nl_yaml y = {sc->file, &sc->err};
  return nl_yaml_unknown_key(&y, k, section, key, valid, nvalid);
}

/* ---- sections ------------------------------------------------------------------------------ */

static nl_status parse_parameters(nl_scenario *sc, struct fy_node *map) {
  if (!fy_node_is_mapping(map))
    return at(sc, map, NL_EINVAL, "key 'parameters': expected a mapping of parameter: value");
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(map, &it))) {
    char key[128], val[4096];
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    nl_status st = scalar(sc, k, "parameters", key, sizeof key);
    if (st) return st;
    if (nl_model_param_index(sc->model, key) < 0) {
      const char *s = nl_model_param_suggest(sc->model, key);
      if (s)
        return at(sc, k, NL_EINVAL, "unknown parameter '%s' for model %s (did you mean '%s'?)", key, sc->model->name, s);
      return at(sc, k, NL_EINVAL, "unknown parameter '%s' for model %s (`netlearn models %s` lists them)", key,
                sc->model->name, sc->model->name);
    }
    long pi = nl_model_param_index(sc->model, key);
    const nl_param_desc *d = &sc->model->params[pi];
    void *it2 = NULL;
    struct fy_node_pair *pr2;
    while ((pr2 = fy_node_mapping_iterate(map, &it2)) && pr2 != pr) { /* the earlier keys */
      char other[128];
      if (scalar(sc, fy_node_pair_key(pr2), "parameters", other, sizeof other) == NL_OK &&
          nl_model_param_index(sc->model, other) == pi)
        return at(sc, k, NL_EINVAL, "parameter '%s' is set twice: '%s' is the old name of '%s'", d->name,
                  d->alias ? d->alias : key, d->name);
    }
    st = scalar(sc, v, key, val, sizeof val);
    if (st) return st;
    st = nl_params_set_text(sc->params, key, val);
    if (st) return at(sc, v, st, "%s", nl_params_errmsg(sc->params));
  }
  return NL_OK;
}

static nl_status parse_stop(nl_scenario *sc, struct fy_node *map) {
  static const char *const keys[] = {"until", "periods"};
  if (fy_node_is_scalar(map)) { /* shorthand: `stop: equilibrium` */
    char val[64];
    nl_status st = scalar(sc, map, "stop", val, sizeof val);
    if (st) return st;
    if (parse_until(val, &sc->until))
      return at(sc, map, NL_EINVAL, "key 'stop': expected 'equilibrium' or 'periods', got '%s'", val);
    return NL_OK;
  }
  if (!fy_node_is_mapping(map)) return at(sc, map, NL_EINVAL, "key 'stop': expected a mapping {until, periods}");
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(map, &it))) {
    char key[64], val[64];
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    nl_status st = scalar(sc, k, "stop", key, sizeof key);
    if (st) return st;
    if (!strcmp(key, "until")) {
      st = scalar(sc, v, key, val, sizeof val);
      if (st) return st;
      if (parse_until(val, &sc->until))
        return at(sc, v, NL_EINVAL, "key 'until': expected 'equilibrium' or 'periods', got '%s'", val);
    } else if (!strcmp(key, "periods")) {
      st = get_long(sc, v, "periods", 1, 1000000000L, &sc->periods);
      if (st) return st;
    } else {
      return unknown_key(sc, k, "'stop'", key, keys, 2);
    }
  }
  return NL_OK;
}

static nl_status parse_outputs(nl_scenario *sc, struct fy_node *map) {
  static const char *const keys[] = {"series", "every", "measures"};
  if (!fy_node_is_mapping(map)) return at(sc, map, NL_EINVAL, "key 'outputs': expected a mapping");
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(map, &it))) {
    char key[64], val[128];
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    nl_status st = scalar(sc, k, "outputs", key, sizeof key);
    if (st) return st;
    if (!strcmp(key, "series")) {
      st = scalar(sc, v, key, val, sizeof val);
      if (st) return st;
      if (!strcmp(val, "true") || !strcmp(val, "yes")) sc->series = 1;
      else if (!strcmp(val, "false") || !strcmp(val, "no")) sc->series = 0;
      else return at(sc, v, NL_EINVAL, "key 'series': expected true or false, got '%s'", val);
    } else if (!strcmp(key, "every")) {
      st = get_long(sc, v, "every", 1, 1000000000L, &sc->every);
      if (st) return st;
    } else if (!strcmp(key, "measures")) {
      if (!fy_node_is_sequence(v)) return at(sc, v, NL_EINVAL, "key 'measures': expected a list of measure names");
      void *jt = NULL;
      struct fy_node *e;
      sc->nsel = 0;
      while ((e = fy_node_sequence_iterate(v, &jt))) {
        st = scalar(sc, e, "measures", val, sizeof val);
        if (st) return st;
        long mi = nl_model_measure_index(sc->model, val);
        if (mi < 0) {
          const char *names[256];
          size_t nm = sc->model->nmeasures < 256 ? sc->model->nmeasures : 256;
          for (size_t i = 0; i < nm; i++) names[i] = sc->model->measures[i].name;
          long c = nl_closest_name(val, names, nm);
          if (c >= 0)
            return at(sc, e, NL_EINVAL, "unknown measure '%s' of model %s (did you mean '%s'?)", val, sc->model->name,
                      names[c]);
          return at(sc, e, NL_EINVAL, "unknown measure '%s' of model %s (`netlearn models %s` lists them)", val,
                    sc->model->name, sc->model->name);
        }
        for (size_t i = 0; i < sc->nsel; i++)
          if (sc->sel[i] == (size_t)mi) return at(sc, e, NL_EINVAL, "key 'measures': '%s' is listed twice", val);
        if (sc->nsel == MAX_SELECTED) return at(sc, e, NL_ERANGE, "key 'measures': too many measures");
        sc->sel[sc->nsel++] = (size_t)mi;
      }
      if (sc->nsel == 0) return at(sc, v, NL_EINVAL, "key 'measures': the list is empty");
    } else {
      return unknown_key(sc, k, "'outputs'", key, keys, 3);
    }
  }
  return NL_OK;
}

/* ---- sweep ---------------------------------------------------------------------------------- */

static nl_status factor_append(nl_scenario *sc, struct fy_node *n, sweep_factor *f, const char *text, size_t *cap) {
  if (nl_grow(&f->values, cap, f->nvalues + 1, sizeof *f->values, 8))
    return nl_err(&sc->err, NL_ENOMEM, "out of memory");
  f->values[f->nvalues] = nl_strdup(text);
  if (!f->values[f->nvalues]) return nl_err(&sc->err, NL_ENOMEM, "out of memory");
  f->nvalues++;
  (void)n;
  return NL_OK;
}

/* Check `text` as a value of parameter `name` (type, range) and return its canonical form. */
static nl_status factor_value(nl_scenario *sc, nl_params *scratch, struct fy_node *n, const char *name, const char *text,
                              char *canon, size_t cap) {
  nl_status st = nl_params_set_text(scratch, name, text);
  if (st) return at(sc, n, st, "sweep: %s", nl_params_errmsg(scratch));
  nl_params_format(scratch, (size_t)nl_model_param_index(sc->model, name), canon, cap);
  return NL_OK;
}

static nl_status range_number(nl_scenario *sc, nl_params *scratch, struct fy_node *n, const char *pname,
                              const char *key, int check_param, double *out) {
  char buf[128], canon[128];
  nl_status st = scalar(sc, n, key, buf, sizeof buf);
  if (st) return st;
  char *end = NULL;
  errno = 0;
  double v = strtod(buf, &end);
  if (end == buf || *end || errno || !isfinite(v))
    return at(sc, n, NL_EINVAL, "sweep: key '%s' of parameter '%s': expected a number, got '%s'", key, pname, buf);
  if (check_param) {
    st = factor_value(sc, scratch, n, pname, buf, canon, sizeof canon);
    if (st) return st;
  }
  *out = v;
  return NL_OK;
}

/* `{from: a, to: b, step: s}` (grid, ofat) or `{from: a, to: b}` (lhs). */
static nl_status parse_range(nl_scenario *sc, nl_params *scratch, struct fy_node *k, struct fy_node *v, const char *name,
                             sweep_factor *f, size_t *cap) {
  static const char *const keys[] = {"from", "to", "step"};
  int lhs = sc->design == NL_DESIGN_LHS;
  const nl_param_desc *d = &sc->model->params[f->param];
  if (d->type != NL_PARAM_INT && d->type != NL_PARAM_REAL)
    return at(sc, v, NL_EINVAL, "sweep: parameter '%s' is not a number: list its values, e.g. %s: [a, b]", name, name);
  struct fy_node *nf = NULL, *nt = NULL, *ns = NULL;
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(v, &it))) {
    char key[64];
    struct fy_node *kk = fy_node_pair_key(pr);
    nl_status st = scalar(sc, kk, "sweep", key, sizeof key);
    if (st) return st;
    if (!strcmp(key, "from")) nf = fy_node_pair_value(pr);
    else if (!strcmp(key, "to")) nt = fy_node_pair_value(pr);
    else if (!strcmp(key, "step") && !lhs) ns = fy_node_pair_value(pr);
    else if (!strcmp(key, "step"))
      return at(sc, kk, NL_EINVAL, "sweep: a Latin hypercube samples ranges {from, to}: remove 'step' of '%s'", name);
    else {
      char section[160];
      snprintf(section, sizeof section, "the range of '%s'", name);
      return unknown_key(sc, kk, section, key, keys, lhs ? 2 : 3);
    }
  }
  if (!nf || !nt || (!lhs && !ns))
    return at(sc, nf ? nf : (nt ? nt : (ns ? ns : k)), NL_EINVAL, "sweep: the range of '%s' needs %s (missing '%s')",
              name, lhs ? "from and to" : "from, to and step", !nf ? "from" : (!nt ? "to" : "step"));
  double from, to, step = 0;
  nl_status st = range_number(sc, scratch, nf, name, "from", 1, &from);
  if (!st) st = range_number(sc, scratch, nt, name, "to", 1, &to);
  if (!st && ns) st = range_number(sc, scratch, ns, name, "step", 0, &step);
  if (st) return st;
  if (lhs) {
    if (!(from < to))
      return at(sc, nt, NL_ERANGE, "sweep: the range of '%s' is empty: 'from' (%g) must be below 'to' (%g)", name, from,
                to);
    f->lo = from;
    f->hi = to;
    return NL_OK;
  }
  if (step == 0) return at(sc, ns, NL_ERANGE, "sweep: the step of '%s' is 0: it must be non-zero", name);
  double span = (to - from) / step;
  if (span < 0)
    return at(sc, ns, NL_ERANGE, "sweep: step %g of '%s' goes away from 'to': from %g to %g needs a %s step", step, name,
              from, to, to > from ? "positive" : "negative");
  if (d->type == NL_PARAM_INT && (step != floor(step) || from != floor(from)))
    return at(sc, ns, NL_EINVAL, "sweep: '%s' is an integer parameter: 'from' and 'step' must be integers", name);
  double count = floor(span + 1e-9) + 1;
  if (count > (double)MAX_FACTOR_VALUES)
    return at(sc, ns, NL_ERANGE, "sweep: the range of '%s' has %.0f values, more than %ld", name, count,
              MAX_FACTOR_VALUES);
  for (long i = 0; i < (long)count; i++) {
    /* 12 significant digits: 0.1 + 2 * 0.1 is 0.3, not 0.30000000000000004, so that a value keeps
     * its identity when a range is extended. */
    char text[64], canon[128];
    snprintf(text, sizeof text, "%.12g", from + (double)i * step);
    st = factor_value(sc, scratch, ns, name, text, canon, sizeof canon);
    if (st) return st;
    if (f->nvalues && !strcmp(f->values[f->nvalues - 1], canon))
      return at(sc, ns, NL_ERANGE, "sweep: the step of '%s' (%g) is too small to tell values apart", name, step);
    st = factor_append(sc, ns, f, canon, cap);
    if (st) return st;
  }
  return NL_OK;
}

static nl_status parse_factor(nl_scenario *sc, nl_params *scratch, struct fy_node *k, struct fy_node *v,
                              const char *name, sweep_factor *f) {
  size_t cap = 0;
  char text[4096], canon[4096];
  if (v && fy_node_is_mapping(v)) return parse_range(sc, scratch, k, v, name, f, &cap);
  if (sc->design == NL_DESIGN_LHS)
    return at(sc, v ? v : k, NL_EINVAL, "sweep: a Latin hypercube needs a range for '%s': %s: {from: a, to: b}", name,
              name);
  if (v && fy_node_is_sequence(v)) {
    void *it = NULL;
    struct fy_node *e;
    while ((e = fy_node_sequence_iterate(v, &it))) {
      nl_status st = scalar(sc, e, name, text, sizeof text);
      if (!st) st = factor_value(sc, scratch, e, name, text, canon, sizeof canon);
      if (st) return st;
      for (size_t j = 0; j < f->nvalues; j++)
        if (!strcmp(f->values[j], canon))
          return at(sc, e, NL_EINVAL, "sweep: value %s of '%s' is listed twice", canon, name);
      st = factor_append(sc, e, f, canon, &cap);
      if (st) return st;
    }
    if (f->nvalues == 0) return at(sc, k, NL_EINVAL, "sweep: the list of values of '%s' is empty", name);
    return NL_OK;
  }
  nl_status st = scalar(sc, v, name, text, sizeof text); /* a single value */
  if (!st) st = factor_value(sc, scratch, v, name, text, canon, sizeof canon);
  if (!st) st = factor_append(sc, v, f, canon, &cap);
  return st;
}

static nl_status parse_sweep(nl_scenario *sc, struct fy_node *skey, struct fy_node *map) {
  static const char *const keys[] = {"design", "parameters", "points"};
  static const char *const designs[] = {"grid", "lhs", "ofat"};
  nl_status st = NL_OK;
  nl_params *scratch = NULL;
  free_factors(sc);
  if (!map || (fy_node_is_scalar(map) && !nl_yaml_mark(map)) || (fy_node_is_mapping(map) && fy_node_mapping_item_count(map) == 0))
    return at(sc, skey, NL_EINVAL, "key 'sweep' is empty: list the swept parameters under 'sweep: parameters:'");
  if (!fy_node_is_mapping(map))
    return at(sc, map, NL_EINVAL, "key 'sweep': expected a mapping {design, parameters, points}");
  struct fy_node *params = NULL, *points = NULL, *params_key = NULL;
  nl_design_kind kind = NL_DESIGN_GRID;
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(map, &it))) {
    char key[64], val[64];
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    st = scalar(sc, k, "sweep", key, sizeof key);
    if (st) return st;
    if (!strcmp(key, "design")) {
      st = scalar(sc, v, key, val, sizeof val);
      if (st) return st;
      if (!strcmp(val, "grid")) kind = NL_DESIGN_GRID;
      else if (!strcmp(val, "lhs") || !strcmp(val, "latin_hypercube")) kind = NL_DESIGN_LHS;
      else if (!strcmp(val, "ofat") || !strcmp(val, "one_at_a_time")) kind = NL_DESIGN_OFAT;
      else {
        long c = nl_closest_name(val, designs, 3);
        return at(sc, v, NL_EINVAL, "key 'design': expected grid, lhs or ofat, got '%s'%s%s%s", val,
                  c >= 0 ? " (did you mean '" : "", c >= 0 ? designs[c] : "", c >= 0 ? "'?)" : "");
      }
    } else if (!strcmp(key, "parameters")) {
      params = v;
      params_key = k;
    }
    else if (!strcmp(key, "points")) points = v;
    else if (nl_model_param_index(sc->model, key) >= 0)
      return at(sc, k, NL_EINVAL, "'%s' is a parameter: put it under 'sweep: parameters:'", key);
    else return unknown_key(sc, k, "'sweep'", key, keys, 3);
  }
  if (!params)
    return at(sc, skey, NL_EINVAL, "key 'sweep': missing 'parameters:' (the swept parameters and their values)");
  int n = fy_node_is_mapping(params) ? fy_node_mapping_item_count(params) : 0;
  if (n <= 0 && (fy_node_is_mapping(params) || !nl_yaml_mark(params)))
    return at(sc, params_key, NL_EINVAL, "key 'sweep': the list of swept parameters is empty");
  if (!fy_node_is_mapping(params))
    return at(sc, params, NL_EINVAL, "key 'parameters' in 'sweep': expected a mapping of parameter: values");
  if (kind == NL_DESIGN_LHS) {
    if (!points) return at(sc, map, NL_EINVAL, "key 'sweep': a Latin hypercube needs 'points: N'");
    st = get_long(sc, points, "points", 1, MAX_LHS_POINTS, &sc->lhs_points);
    if (st) return st;
  } else if (points) {
    return at(sc, points, NL_EINVAL, "key 'points' in 'sweep' is for a Latin hypercube (design: lhs) only");
  }
  sc->factors = nl_calloc((size_t)n, sizeof *sc->factors);
  scratch = nl_params_new(sc->model);
  if (!sc->factors || !scratch) {
    st = nl_err(&sc->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  sc->design = kind;
  it = NULL;
  while ((pr = fy_node_mapping_iterate(params, &it))) {
    char key[128];
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    st = scalar(sc, k, "sweep", key, sizeof key);
    if (st) goto cleanup;
    long pi = nl_model_param_index(sc->model, key);
    if (pi < 0) {
      const char *sug = nl_model_param_suggest(sc->model, key);
      if (sug)
        st = at(sc, k, NL_EINVAL, "unknown parameter '%s' in sweep for model %s (did you mean '%s'?)", key,
                sc->model->name, sug);
      else
        st = at(sc, k, NL_EINVAL, "unknown parameter '%s' in sweep for model %s (`netlearn models %s` lists them)",
                key, sc->model->name, sc->model->name);
      goto cleanup;
    }
    sweep_factor *f = &sc->factors[sc->nfactors++];
    f->param = (size_t)pi;
    st = parse_factor(sc, scratch, k, v, key, f);
    if (st) goto cleanup;
  }
cleanup:
  nl_params_free(scratch);
  if (st) free_factors(sc);
  return st;
}

static nl_status set_string(nl_scenario *sc, struct fy_node *v, const char *key, char **dst) {
  char val[4096];
  nl_status st = scalar(sc, v, key, val, sizeof val);
  if (st) return st;
  char *d = nl_strdup(val);
  if (!d) return nl_err(&sc->err, NL_ENOMEM, "out of memory");
  nl_free(*dst);
  *dst = d;
  return NL_OK;
}

static const char *const top_keys[] = {"name", "description", "model", "parameters", "replications",
                                       "seed", "stop", "outputs", "sweep"};
#define NTOP (sizeof top_keys / sizeof top_keys[0])

static nl_status parse_root(nl_scenario *sc, struct fy_node *root) {
  if (!root || !fy_node_is_mapping(root))
    return at(sc, root, NL_EPARSE, "expected a mapping of keys (model:, parameters:, ...) at the top level");
  /* The model first: it decides which parameters are valid, wherever `model:` appears. */
  struct fy_node *mnode = fy_node_mapping_lookup_by_string(root, "model", FY_NT);
  if (!mnode) return at(sc, root, NL_EINVAL, "missing key 'model' (one of the names `netlearn models` lists)");
  char mname[128];
  nl_status st = scalar(sc, mnode, "model", mname, sizeof mname);
  if (st) return st;
  sc->model = nl_model_find(mname);
  if (!sc->model) {
    const char *s = nl_model_suggest(mname);
    if (s) return at(sc, mnode, NL_EINVAL, "unknown model '%s' (did you mean '%s'?)", mname, s);
    return at(sc, mnode, NL_EINVAL, "unknown model '%s' (`netlearn models` lists them)", mname);
  }
  nl_params_free(sc->params);
  free_factors(sc);
  sc->params = nl_params_new(sc->model);
  if (!sc->params) return nl_err(&sc->err, NL_ENOMEM, "out of memory");

  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(root, &it))) {
    char key[128], val[128];
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    st = scalar(sc, k, "top level", key, sizeof key);
    if (st) return st;
    if (!strcmp(key, "model")) continue;
    if (!strcmp(key, "name")) st = set_string(sc, v, key, &sc->name);
    else if (!strcmp(key, "description")) st = set_string(sc, v, key, &sc->description);
    else if (!strcmp(key, "parameters")) st = parse_parameters(sc, v);
    else if (!strcmp(key, "replications")) st = get_long(sc, v, key, 1, 10000000L, &sc->replications);
    else if (!strcmp(key, "seed")) {
      st = scalar(sc, v, key, val, sizeof val);
      if (!st && parse_seed(&sc->err, val, &sc->seed)) st = at(sc, v, NL_EINVAL, "key 'seed': %s", sc->err.msg);
    } else if (!strcmp(key, "stop")) st = parse_stop(sc, v);
    else if (!strcmp(key, "outputs")) st = parse_outputs(sc, v);
    else if (!strcmp(key, "sweep")) st = parse_sweep(sc, k, v);
    else if (nl_model_param_index(sc->model, key) >= 0)
      st = at(sc, k, NL_EINVAL, "'%s' is a parameter of %s: put it under 'parameters:'", key, sc->model->name);
    else st = unknown_key(sc, k, NULL, key, top_keys, NTOP);
    if (st) return st;
  }
  st = nl_params_validate(sc->params);
  if (st) return nl_err(&sc->err, st, "%s: %s", sc->file, nl_params_errmsg(sc->params));
  return NL_OK;
}

static nl_status load(nl_scenario *sc, const char *text, size_t len) {
  nl_yaml y = {sc->file, &sc->err};
  struct fy_document *doc = NULL;
  nl_status st = nl_yaml_parse(&y, text, len, &doc);
  if (!st) st = parse_root(sc, fy_document_root(doc));
  fy_document_destroy(doc);
  return st;
}

nl_status nl_scenario_load_file(nl_scenario *sc, const char *path) {
  nl_free(sc->file);
  sc->file = nl_strdup(path);
  if (!sc->file) return nl_err(&sc->err, NL_ENOMEM, "out of memory");
  char *buf = NULL;
  size_t len = 0;
  nl_status st = nl_text_read_file(path, "scenario file", (size_t)64 << 20, &sc->err, &buf, &len);
  if (!st) st = load(sc, buf, len);
  nl_free(buf);
  return st;
}

nl_status nl_scenario_load_string(nl_scenario *sc, const char *text, const char *name) {
  nl_free(sc->file);
  sc->file = nl_strdup(name ? name : "<string>");
  if (!sc->file) return nl_err(&sc->err, NL_ENOMEM, "out of memory");
  return load(sc, text, strlen(text));
}

nl_status nl_scenario_set(nl_scenario *sc, const char *key, const char *value) {
  if (!sc->model) return nl_err(&sc->err, NL_EINVAL, "--set %s=%s: no scenario loaded", key, value);
  nl_status st;
  if (!strcmp(key, "replications") || !strcmp(key, "periods") || !strcmp(key, "stop.periods")) {
    char *end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    long max = key[0] == 'r' ? 10000000L : 1000000000L;
    if (end == value || *end || errno)
      return nl_err(&sc->err, NL_EINVAL, "--set %s=%s: expected an integer", key, value);
    if (v < 1 || v > max)
      return nl_err(&sc->err, NL_ERANGE, "--set %s=%s: out of range, expected an integer in [1, %ld]", key, value, max);
    if (key[0] == 'r') sc->replications = v;
    else sc->periods = v;
    return NL_OK;
  }
  if (!strcmp(key, "seed")) {
    st = parse_seed(&sc->err, value, &sc->seed);
    if (st) nl_err_prefix(&sc->err, "--set seed");
    return st;
  }
  if (!strcmp(key, "until") || !strcmp(key, "stop.until")) {
    if (parse_until(value, &sc->until))
      return nl_err(&sc->err, NL_EINVAL, "--set %s=%s: expected 'equilibrium' or 'periods'", key, value);
    return NL_OK;
  }
  const char *pname = strncmp(key, "parameters.", 11) == 0 ? key + 11 : key;
  st = nl_params_set_text(sc->params, pname, value);
  if (st) return nl_err(&sc->err, st, "--set %s=%s: %s", key, value, nl_params_errmsg(sc->params));
  return NL_OK;
}

nl_status nl_scenario_validate(nl_scenario *sc) {
  if (!sc->model) return nl_err(&sc->err, NL_EINVAL, "no scenario loaded");
  nl_status st = nl_params_validate(sc->params);
  if (st) return nl_err(&sc->err, st, "%s (with the --set overrides): %s", sc->file, nl_params_errmsg(sc->params));
  return NL_OK;
}

nl_status nl_scenario_json(const nl_scenario *sc, nl_json *j) {
  char buf[4096];
  nl_json_obj_begin(j);
  nl_json_key(j, "file");
  nl_json_str(j, nl_scenario_file(sc));
  nl_json_key(j, "name");
  nl_json_str(j, nl_scenario_name(sc));
  nl_json_key(j, "description");
  nl_json_str(j, nl_scenario_description(sc));
  nl_json_key(j, "model");
  nl_json_str(j, sc->model->name);
  nl_json_key(j, "parameters");
  nl_json_obj_begin(j);
  for (size_t i = 0; i < sc->model->nparams; i++) {
    const nl_param_desc *d = &sc->model->params[i];
    nl_json_key(j, d->name);
    nl_params_format(sc->params, i, buf, sizeof buf);
    if (d->type == NL_PARAM_CHOICE || d->type == NL_PARAM_STRING) nl_json_str(j, buf);
    else nl_json_raw(j, buf);
  }
  nl_json_obj_end(j);
  nl_json_key(j, "replications");
  nl_json_int(j, sc->replications);
  nl_json_key(j, "seed");
  nl_json_uint(j, sc->seed);
  nl_json_key(j, "stop");
  nl_json_obj_begin(j);
  nl_json_key(j, "until");
  nl_json_str(j, sc->until == NL_UNTIL_EQUILIBRIUM ? "equilibrium" : "periods");
  nl_json_key(j, "periods");
  nl_json_int(j, sc->periods);
  nl_json_obj_end(j);
  nl_json_key(j, "outputs");
  nl_json_obj_begin(j);
  nl_json_key(j, "series");
  nl_json_bool(j, sc->series);
  nl_json_key(j, "every");
  nl_json_int(j, sc->every);
  nl_json_key(j, "measures");
  nl_json_arr_begin(j);
  for (size_t i = 0; i < nl_scenario_nmeasures(sc); i++) nl_json_str(j, sc->model->measures[nl_scenario_measure(sc, i)].name);
  nl_json_arr_end(j);
  nl_json_obj_end(j);
  if (sc->design != NL_DESIGN_NONE) {
    nl_json_key(j, "sweep");
    nl_json_obj_begin(j);
    nl_json_key(j, "design");
    nl_json_str(j, nl_design_kind_name(sc->design));
    if (sc->design == NL_DESIGN_LHS) {
      nl_json_key(j, "points");
      nl_json_int(j, sc->lhs_points);
    }
    nl_json_key(j, "parameters");
    nl_json_obj_begin(j);
    for (size_t i = 0; i < sc->nfactors; i++) {
      const sweep_factor *f = &sc->factors[i];
      const nl_param_desc *d = &sc->model->params[f->param];
      nl_json_key(j, d->name);
      if (sc->design == NL_DESIGN_LHS) {
        nl_json_obj_begin(j);
        nl_json_key(j, "from");
        nl_json_num(j, f->lo);
        nl_json_key(j, "to");
        nl_json_num(j, f->hi);
        nl_json_obj_end(j);
        continue;
      }
      nl_json_arr_begin(j);
      for (size_t v = 0; v < f->nvalues; v++) {
        if (d->type == NL_PARAM_CHOICE || d->type == NL_PARAM_STRING) nl_json_str(j, f->values[v]);
        else nl_json_raw(j, f->values[v]);
      }
      nl_json_arr_end(j);
    }
    nl_json_obj_end(j);
    nl_json_obj_end(j);
  }
  nl_json_obj_end(j);
  return ferror(j->f) ? NL_EIO : NL_OK;
}

nl_status nl_scenario_write_json(const nl_scenario *sc, FILE *f) {
  nl_json j;
  nl_json_init(&j, f);
  nl_status st = nl_scenario_json(sc, &j);
  fputc('\n', f);
  return st ? st : (ferror(f) ? NL_EIO : NL_OK);
}
