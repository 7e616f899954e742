/*
 * Calibration files: parsing and every check that needs no simulation (docs/calibrate.md).
 * The `simulation:` section is a scenario in `netlearn run`'s format, a file name or inline.
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/calib_impl.h"
#include "core/alloc.h"
#include "core/model_impl.h"
#include "io/text.h"
#include "io/yaml.h"
#include "netlearn/scenario.h"

const char *const nl_calib_method_names[] = {"bobyqa", "neldermead", "sbplx", "crs2", "isres", "cmaes", NULL};

nl_calib *nl_calib_new(void) { return nl_calloc(1, sizeof(nl_calib)); }

static void free_results(nl_calib *c) {
  nl_calib_clear_run(c);
  nl_free(c->ev);
  c->ev = NULL;
  c->cev = 0;
}

static void free_spec(nl_calib *c) {
  free_results(c);
  nl_scenario_free(c->sc);
  c->sc = NULL;
  nl_study_free(c->study);
  c->study = NULL;
  c->scen = NULL;
  c->model = NULL;
  nl_free(c->pidx);
  nl_free(c->lo);
  nl_free(c->hi);
  nl_free(c->start);
  nl_free(c->ploc);
  nl_free(c->tg);
  nl_free(c->name);
  nl_free(c->description);
  c->pidx = NULL;
  c->lo = c->hi = c->start = NULL;
  c->ploc = NULL;
  c->tg = NULL;
  c->name = c->description = NULL;
  c->P = c->K = 0;
}

void nl_calib_free(nl_calib *c) {
  if (!c) return;
  free_spec(c);
  nl_calib_cache_close(c);
  nl_free(c->file);
  nl_free(c);
}

const char *nl_calib_errmsg(const nl_calib *c) { return NL_ERRMSG_OF(c); }
const nl_scenario *nl_calib_scenario(const nl_calib *c) { return c ? c->scen : NULL; }
size_t nl_calib_nparams(const nl_calib *c) { return c ? c->P : 0; }
const char *nl_calib_param_name(const nl_calib *c, size_t i) {
  return c && i < c->P ? c->model->params[c->pidx[i]].name : NULL;
}
size_t nl_calib_ntargets(const nl_calib *c) { return c ? c->K : 0; }
const char *nl_calib_target_label(const nl_calib *c, size_t k) { return c && k < c->K ? c->tg[k].label : NULL; }
long nl_calib_replications(const nl_calib *c) { return c ? c->R : 0; }

/* ---- located errors ------------------------------------------------------------------------ */

typedef struct ctx {
  nl_calib *c;
  nl_yaml y;
  const char *text;
  size_t len;
} ctx;

static nl_status at(ctx *x, struct fy_node *n, nl_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static nl_status at(ctx *x, struct fy_node *n, nl_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  st = nl_yaml_vat(&x->y, n, st, fmt, ap);
  va_end(ap);
  return st;
}

static void loc_of(ctx *x, struct fy_node *n, char *buf, size_t cap) {
  const struct fy_mark *mk = nl_yaml_mark(n);
  if (mk) snprintf(buf, cap, "%s:%d:%d", x->c->file, mk->line + 1, mk->column + 1);
  else snprintf(buf, cap, "%s", x->c->file);
}

static nl_status unknown_key(ctx *x, struct fy_node *k, const char *section, const char *key,
                             const char *const *valid, size_t nvalid) {
  return nl_yaml_unknown_key(&x->y, k, section, key, valid, nvalid);
}

static nl_status set_string(ctx *x, struct fy_node *v, const char *key, char **dst) {
  char val[4096];
  nl_status st = nl_yaml_scalar(&x->y, v, key, val, sizeof val);
  if (st) return st;
  char *d = nl_strdup(val);
  if (!d) return nl_err(&x->c->err, NL_ENOMEM, "out of memory");
  nl_free(*dst);
  *dst = d;
  return NL_OK;
}

/* ---- sections ------------------------------------------------------------------------------ */

static nl_status parse_simulation(ctx *x, struct fy_node *k, struct fy_node *v, int next_line) {
  nl_calib *c = x->c;
  c->sc = nl_scenario_new();
  if (!c->sc) return nl_err(&c->err, NL_ENOMEM, "out of memory");
  nl_status st;
  if (v && fy_node_is_scalar(v)) {
    char path[4096];
    st = nl_yaml_scalar(&x->y, v, "simulation", path, sizeof path);
    if (st) return st;
    st = nl_scenario_load_file(c->sc, path);
    if (st) return at(x, v, st, "simulation: %s", nl_scenario_errmsg(c->sc));
  } else if (v && fy_node_is_mapping(v)) {
    const struct fy_mark *mk = nl_yaml_mark(k);
    char *t = nl_yaml_section(x->text, x->len, mk ? mk->line : 0, next_line, mk ? mk->column : 0);
    if (!t) return nl_err(&c->err, NL_ENOMEM, "out of memory");
    st = nl_scenario_load_string(c->sc, t, c->file);
    nl_free(t);
    if (st) return nl_err(&c->err, st, "%s", nl_scenario_errmsg(c->sc));
  } else {
    return at(x, k, NL_EINVAL, "key 'simulation': expected a scenario (model:, parameters:, ...) or a scenario file name");
  }
  c->scen = c->sc;
  c->model = nl_scenario_model(c->sc);
  if (nl_scenario_design(c->sc) != NL_DESIGN_NONE)
    return at(x, k, NL_EINVAL, "simulation: a calibration simulates one design point; remove the scenario's 'sweep:'");
  return NL_OK;
}

/* parameters: {name: [lo, hi]} or {name: {bounds: [lo, hi], start: x}} */
static nl_status parse_parameters(ctx *x, struct fy_node *v) {
  nl_calib *c = x->c;
  if (!v || !fy_node_is_mapping(v) || fy_node_mapping_item_count(v) == 0)
    return at(x, v, NL_EINVAL, "key 'parameters': expected a mapping of free parameters to bounds, e.g. {p1: [0.05, 0.95]}");
  size_t n = (size_t)fy_node_mapping_item_count(v);
  if (n > 32) return at(x, v, NL_ERANGE, "%zu free parameters: at most 32", n);
  c->pidx = nl_calloc(n, sizeof *c->pidx);
  c->lo = nl_calloc(n, sizeof *c->lo);
  c->hi = nl_calloc(n, sizeof *c->hi);
  c->start = nl_calloc(n, sizeof *c->start);
  c->ploc = nl_calloc(n, sizeof *c->ploc);
  if (!c->pidx || !c->lo || !c->hi || !c->start || !c->ploc) return nl_err(&c->err, NL_ENOMEM, "out of memory");
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(v, &it))) {
    struct fy_node *k = fy_node_pair_key(pr), *b = fy_node_pair_value(pr), *start = NULL;
    char name[128];
    nl_status st = nl_yaml_scalar(&x->y, k, "parameters", name, sizeof name);
    if (st) return st;
    long pi = nl_model_param_index(c->model, name);
    if (pi < 0) {
      const char *sug = nl_model_param_suggest(c->model, name);
      if (sug) return at(x, k, NL_EINVAL, "unknown parameter '%s' of model %s (did you mean '%s'?)", name, c->model->name, sug);
      return at(x, k, NL_EINVAL, "unknown parameter '%s' of model %s (see `netlearn models %s`)", name, c->model->name,
                c->model->name);
    }
    const nl_param_desc *pd = &c->model->params[pi];
    if (pd->type != NL_PARAM_REAL && pd->type != NL_PARAM_INT)
      return at(x, k, NL_EINVAL, "parameter '%s' is not a number: only real and integer parameters can be calibrated", name);
    for (size_t j = 0; j < c->P; j++)
      if (c->pidx[j] == (size_t)pi) return at(x, k, NL_EINVAL, "parameter '%s' is listed twice", name);
    if (b && fy_node_is_mapping(b)) {
      struct fy_node *bb = NULL;
      void *it2 = NULL;
      struct fy_node_pair *p2;
      while ((p2 = fy_node_mapping_iterate(b, &it2))) {
        char key[64];
        st = nl_yaml_scalar(&x->y, fy_node_pair_key(p2), name, key, sizeof key);
        if (st) return st;
        static const char *const keys[] = {"bounds", "start"};
        if (!strcmp(key, "bounds")) bb = fy_node_pair_value(p2);
        else if (!strcmp(key, "start")) start = fy_node_pair_value(p2);
        else return unknown_key(x, fy_node_pair_key(p2), name, key, keys, 2);
      }
      if (!bb) return at(x, k, NL_EINVAL, "parameter '%s': missing 'bounds: [lower, upper]'", name);
      b = bb;
    }
    if (!b || !fy_node_is_sequence(b) || fy_node_sequence_item_count(b) != 2)
      return at(x, b ? b : k, NL_EINVAL, "parameter '%s': expected bounds [lower, upper], e.g. [%g, %g]", name, pd->min,
                pd->max);
    double lh[2];
    for (int e = 0; e < 2; e++) {
      struct fy_node *en = fy_node_sequence_get_by_index(b, e);
      st = nl_yaml_double(&x->y, en, name, -HUGE_VAL, HUGE_VAL, 0, 0, &lh[e]);
      if (st) return st;
      if (lh[e] < pd->min || lh[e] > pd->max)
        return at(x, en, NL_ERANGE, "parameter '%s': bound %g is outside the parameter's range [%g, %g]", name, lh[e],
                  pd->min, pd->max);
    }
    if (!(lh[0] < lh[1]))
      return at(x, b, NL_ERANGE, "parameter '%s': bounds [%g, %g]: the lower bound must be below the upper", name, lh[0],
                lh[1]);
    size_t j = c->P++;
    c->pidx[j] = (size_t)pi;
    c->lo[j] = lh[0];
    c->hi[j] = lh[1];
    loc_of(x, k, c->ploc[j], sizeof c->ploc[j]);
    /* start: given, else the scenario's value when inside the bounds, else the middle */
    double s0 = nl_params_get(nl_scenario_params(c->scen), (size_t)pi);
    if (start) {
      st = nl_yaml_double(&x->y, start, "start", lh[0], lh[1], 0, 0, &s0);
      if (st) return st;
    } else if (!(s0 >= lh[0] && s0 <= lh[1])) {
      s0 = 0.5 * (lh[0] + lh[1]);
    }
    c->start[j] = s0;
  }
  return NL_OK;
}

static nl_status parse_target(ctx *x, struct fy_node *t, nl_calib_target *tg) {
  nl_calib *c = x->c;
  if (!fy_node_is_mapping(t))
    return at(x, t, NL_EINVAL, "target: expected a mapping {measure: NAME, stat: mean, value: X, se: S}");
  static const char *const keys[] = {"measure", "stat", "q", "value", "se", "period"};
  loc_of(x, t, tg->loc, sizeof tg->loc);
  tg->measure = LONG_MIN;
  tg->stat = NL_CALIB_MEAN;
  tg->period = NL_CALIB_FINAL;
  tg->q = NAN;
  int have_value = 0, have_se = 0;
  struct fy_node *qnode = NULL, *statnode = NULL;
  void *it = NULL;
  struct fy_node_pair *pr;
  nl_status st = NL_OK;
  while ((pr = fy_node_mapping_iterate(t, &it))) {
    struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
    char key[64], val[128];
    st = nl_yaml_scalar(&x->y, k, "target", key, sizeof key);
    if (st) return st;
    if (!strcmp(key, "measure")) {
      st = nl_yaml_scalar(&x->y, v, key, val, sizeof val);
      if (st) return st;
      if (!strcmp(val, "periods")) tg->measure = NL_CALIB_PERIODS;
      else {
        tg->measure = nl_model_measure_index(c->model, val);
        if (tg->measure < 0) {
          const char **names = nl_malloc((c->model->nmeasures + 1) * sizeof *names);
          if (!names) return nl_err(&c->err, NL_ENOMEM, "out of memory");
          for (size_t i = 0; i < c->model->nmeasures; i++) names[i] = c->model->measures[i].name;
          names[c->model->nmeasures] = "periods";
          long best = nl_closest_name(val, names, c->model->nmeasures + 1);
          if (best >= 0)
            st = at(x, v, NL_EINVAL, "unknown measure '%s' of model %s (did you mean '%s'?)", val, c->model->name,
                    names[best]);
          else
            st = at(x, v, NL_EINVAL, "unknown measure '%s' of model %s (see `netlearn models %s`; or 'periods')", val,
                    c->model->name, c->model->name);
          nl_free(names);
          return st;
        }
      }
    } else if (!strcmp(key, "stat")) {
      statnode = v;
      st = nl_yaml_scalar(&x->y, v, key, val, sizeof val);
      if (st) return st;
      if (!strcmp(val, "mean")) tg->stat = NL_CALIB_MEAN;
      else if (!strcmp(val, "sd")) tg->stat = NL_CALIB_SD;
      else if (!strcmp(val, "quantile")) tg->stat = NL_CALIB_QUANTILE;
      else if (!strcmp(val, "median")) tg->stat = NL_CALIB_QUANTILE, tg->q = 0.5;
      else return at(x, v, NL_EINVAL, "unknown stat '%s': expected mean, sd, median or quantile (with q:)", val);
    } else if (!strcmp(key, "q")) {
      qnode = v;
      st = nl_yaml_double(&x->y, v, key, 0, 1, 1, 1, &tg->q);
    } else if (!strcmp(key, "value")) {
      st = nl_yaml_double(&x->y, v, key, -HUGE_VAL, HUGE_VAL, 0, 0, &tg->value), have_value = 1;
    } else if (!strcmp(key, "se")) {
      st = nl_yaml_double(&x->y, v, key, 0, HUGE_VAL, 1, 0, &tg->se), have_se = 1;
    } else if (!strcmp(key, "period")) {
      st = nl_yaml_scalar(&x->y, v, key, val, sizeof val);
      if (st) return st;
      if (!strcmp(val, "final")) tg->period = NL_CALIB_FINAL;
      else {
        st = nl_yaml_long(&x->y, v, key, 0, nl_scenario_periods(c->scen), &tg->period);
        if (st == NL_ERANGE)
          return at(x, v, NL_ERANGE, "target period %s is outside the run: expected 'final' or 0 to %ld", val,
                    nl_scenario_periods(c->scen));
      }
    } else {
      return unknown_key(x, k, "a target", key, keys, sizeof keys / sizeof keys[0]);
    }
    if (st) return st;
  }
  if (tg->measure == LONG_MIN) return at(x, t, NL_EINVAL, "target: missing 'measure'");
  if (!have_value) return at(x, t, NL_EINVAL, "target: missing 'value' (the observed statistic)");
  if (!have_se) return at(x, t, NL_EINVAL, "target: missing 'se' (the standard error of the observed value, > 0)");
  /* The objective sums ((simulated - value) / se)^2: it must stay a finite number. */
  double z = (fabs(tg->value) + 1) / tg->se;
  if (!isfinite(z * z))
    return at(x, t, NL_ERANGE,
              "target: se = %g is too small for value = %g: the squared misfit ((simulated - value) / se)^2 would "
              "overflow",
              tg->se, tg->value);
  if (tg->stat == NL_CALIB_QUANTILE && !isfinite(tg->q))
    return at(x, statnode, NL_EINVAL, "target: stat quantile needs 'q', the probability in (0, 1)");
  if (qnode && tg->stat != NL_CALIB_QUANTILE) return at(x, qnode, NL_EINVAL, "target: 'q' goes with stat: quantile");
  if (tg->measure == NL_CALIB_PERIODS && tg->period != NL_CALIB_FINAL)
    return at(x, t, NL_EINVAL, "target: measure 'periods' (how long a run lasted) has no period");
  const char *mn = tg->measure == NL_CALIB_PERIODS ? "periods" : c->model->measures[tg->measure].name;
  char sb[32], pb[32];
  if (tg->stat == NL_CALIB_QUANTILE) snprintf(sb, sizeof sb, "q%g", tg->q);
  else snprintf(sb, sizeof sb, "%s", tg->stat == NL_CALIB_MEAN ? "mean" : "sd");
  if (tg->period == NL_CALIB_FINAL) snprintf(pb, sizeof pb, "final");
  else snprintf(pb, sizeof pb, "period %ld", tg->period);
  snprintf(tg->label, sizeof tg->label, "%s %s (%s)", mn, sb, pb);
  return NL_OK;
}

static nl_status parse_targets(ctx *x, struct fy_node *v, const nl_calib_text *tx) {
  nl_calib *c = x->c;
  if (v && fy_node_is_mapping(v)) {
    struct fy_node *pls = fy_node_mapping_lookup_by_string(v, "pls", FY_NT);
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
      char key[64];
      nl_status st = nl_yaml_scalar(&x->y, fy_node_pair_key(pr), "targets", key, sizeof key);
      if (st) return st;
      static const char *const keys[] = {"pls"};
      if (strcmp(key, "pls")) return unknown_key(x, fy_node_pair_key(pr), "targets", key, keys, 1);
    }
    return nl_calib_pls_parse(c, &x->y, pls, tx);
  }
  if (!v || !fy_node_is_sequence(v) || fy_node_sequence_item_count(v) == 0)
    return at(x, v, NL_EINVAL, "key 'targets': expected a list of {measure: NAME, stat: mean, value: X, se: S}");
  size_t n = (size_t)fy_node_sequence_item_count(v);
  if (n > 64) return at(x, v, NL_ERANGE, "%zu targets: at most 64", n);
  c->tg = nl_calloc(n, sizeof *c->tg);
  if (!c->tg) return nl_err(&c->err, NL_ENOMEM, "out of memory");
  void *it = NULL;
  struct fy_node *t;
  while ((t = fy_node_sequence_iterate(v, &it))) {
    nl_status st = parse_target(x, t, &c->tg[c->K]);
    if (st) return st;
    for (size_t j = 0; j < c->K; j++)
      if (!strcmp(c->tg[j].label, c->tg[c->K].label))
        return at(x, t, NL_EINVAL, "target '%s' is listed twice (first at %s)", c->tg[j].label, c->tg[j].loc);
    c->K++;
  }
  return NL_OK;
}

static nl_status method_of(ctx *x, struct fy_node *v, const char *val) {
  for (int i = 0; nl_calib_method_names[i]; i++)
    if (!strcmp(val, nl_calib_method_names[i])) {
      x->c->method = (nl_calib_method)i;
      return NL_OK;
    }
  long best = nl_closest_name(val, nl_calib_method_names, NL_CALIB_NMETHODS);
  if (best >= 0)
    return at(x, v, NL_EINVAL, "unknown optimizer method '%s' (did you mean '%s'?)", val, nl_calib_method_names[best]);
  return at(x, v, NL_EINVAL, "unknown optimizer method '%s': expected bobyqa, neldermead, sbplx, crs2, isres or cmaes", val);
}

static const char *const weighting_names[] = {"total", "observed", NULL}; /* NL_CALIB_W_* order */

static nl_status weighting_of(ctx *x, struct fy_node *v, const char *val) {
  for (int i = 0; weighting_names[i]; i++)
    if (!strcmp(val, weighting_names[i])) {
      x->c->weighting = i;
      return NL_OK;
    }
  long best = nl_closest_name(val, weighting_names, 2);
  if (best >= 0) return at(x, v, NL_EINVAL, "unknown weighting '%s' (did you mean '%s'?)", val, weighting_names[best]);
  return at(x, v, NL_EINVAL, "unknown weighting '%s': expected total or observed", val);
}

static nl_status parse_optimizer(ctx *x, struct fy_node *v) {
  nl_calib *c = x->c;
  if (!v || !fy_node_is_mapping(v))
    return at(x, v, NL_EINVAL, "key 'optimizer': expected a mapping, e.g. {method: bobyqa, max_evals: 400, starts: 4}");
  static const char *const keys[] = {"method", "max_evals", "starts", "xtol", "step"};
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(v, &it))) {
    struct fy_node *k = fy_node_pair_key(pr), *e = fy_node_pair_value(pr);
    char key[64], val[64];
    nl_status st = nl_yaml_scalar(&x->y, k, "optimizer", key, sizeof key);
    if (st) return st;
    if (!strcmp(key, "method")) {
      st = nl_yaml_scalar(&x->y, e, key, val, sizeof val);
      if (!st) st = method_of(x, e, val);
    } else if (!strcmp(key, "max_evals")) st = nl_yaml_long(&x->y, e, key, 1, 1000000, &c->max_evals);
    else if (!strcmp(key, "starts")) st = nl_yaml_long(&x->y, e, key, 1, 1000, &c->starts);
    else if (!strcmp(key, "xtol")) st = nl_yaml_double(&x->y, e, key, 0, 1, 1, 0, &c->xtol);
    else if (!strcmp(key, "step")) st = nl_yaml_double(&x->y, e, key, 0, 1, 1, 0, &c->init_step);
    else st = unknown_key(x, k, "optimizer", key, keys, sizeof keys / sizeof keys[0]);
    if (st) return st;
  }
  return NL_OK;
}

static nl_status parse_inference(ctx *x, struct fy_node *v) {
  nl_calib *c = x->c;
  if (!v || !fy_node_is_mapping(v))
    return at(x, v, NL_EINVAL, "key 'inference': expected a mapping, e.g. {jacobian_step: 0.02, profile_points: 15}");
  static const char *const keys[] = {"jacobian_step", "bootstrap", "profile_points", "weighting"};
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(v, &it))) {
    struct fy_node *k = fy_node_pair_key(pr), *e = fy_node_pair_value(pr);
    char key[64];
    nl_status st = nl_yaml_scalar(&x->y, k, "inference", key, sizeof key);
    if (st) return st;
    if (!strcmp(key, "jacobian_step")) st = nl_yaml_double(&x->y, e, key, 0, 0.5, 1, 0, &c->jac_step);
    else if (!strcmp(key, "bootstrap")) st = nl_yaml_long(&x->y, e, key, 20, 100000, &c->boot);
    else if (!strcmp(key, "profile_points")) st = nl_yaml_long(&x->y, e, key, 0, 1000, &c->profile_points);
    else if (!strcmp(key, "weighting")) {
      char val[64];
      st = nl_yaml_scalar(&x->y, e, key, val, sizeof val);
      if (!st) st = weighting_of(x, e, val);
    }
    else st = unknown_key(x, k, "inference", key, keys, sizeof keys / sizeof keys[0]);
    if (st) return st;
  }
  return NL_OK;
}

static const char *const top_keys[] = {"name",         "description", "simulation", "parameters", "targets",
                                       "replications", "seed",        "optimizer",  "inference"};
#define NTOP (sizeof top_keys / sizeof top_keys[0])

static long gcd(long a, long b) {
  while (b) {
    long t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static nl_status parse_root(ctx *x, struct fy_node *root) {
  nl_calib *c = x->c;
  if (!root || !fy_node_is_mapping(root))
    return at(x, root, NL_EPARSE, "expected a mapping of keys (simulation:, parameters:, targets:) at the top level");
  /* Sections are read in a fixed order (simulation first: the others are checked against its
   * model), whatever their order in the file. */
  struct fy_node *node[NTOP] = {0}, *keyn[NTOP] = {0};
  int lines[64], nk = 0, next[NTOP] = {0};
  void *it = NULL;
  struct fy_node_pair *pr;
  while ((pr = fy_node_mapping_iterate(root, &it)) && nk < 64) {
    const struct fy_mark *mk = nl_yaml_mark(fy_node_pair_key(pr));
    lines[nk++] = mk ? mk->line : 0;
  }
  int idx = 0;
  it = NULL;
  while ((pr = fy_node_mapping_iterate(root, &it))) {
    char key[128];
    struct fy_node *k = fy_node_pair_key(pr);
    nl_status st = nl_yaml_scalar(&x->y, k, "top level", key, sizeof key);
    if (st) return st;
    size_t i = 0;
    while (i < NTOP && strcmp(key, top_keys[i])) i++;
    if (i == NTOP) {
      if (!strcmp(key, "model") || !strcmp(key, "stop") || !strcmp(key, "outputs") || !strcmp(key, "sweep"))
        return at(x, k, NL_EINVAL, "'%s' belongs to the scenario: put it under 'simulation:'", key);
      return unknown_key(x, k, "the calibration", key, top_keys, NTOP);
    }
    node[i] = fy_node_pair_value(pr);
    keyn[i] = k;
    next[i] = idx + 1 < nk ? lines[idx + 1] : 1 << 30;
    idx++;
  }
  nl_status st = NL_OK;
  /* PLS targets bring their simulation with their study file */
  int pls = node[4] && fy_node_is_mapping(node[4]);
  nl_calib_text tx = {x->text, x->len, -1, -1, next[4]};
  if (keyn[2]) {
    const struct fy_mark *mk = nl_yaml_mark(keyn[2]);
    tx.sim_l0 = mk ? mk->line : 0;
    tx.sim_l1 = next[2];
  }
  if (!keyn[2] && !pls)
    return at(x, root, NL_EINVAL, "missing key 'simulation' (a scenario file name or an inline scenario)");
  if (!keyn[3]) return at(x, root, NL_EINVAL, "missing key 'parameters' (the free parameters and their bounds)");
  if (!keyn[4]) return at(x, root, NL_EINVAL, "missing key 'targets' (the observed statistics)");
  if (keyn[0]) st = set_string(x, node[0], "name", &c->name);
  if (!st && keyn[1]) st = set_string(x, node[1], "description", &c->description);
  if (!st && pls) st = parse_targets(x, node[4], &tx); /* loads the study: the simulation */
  else if (!st) st = parse_simulation(x, keyn[2], node[2], next[2]);
  c->R = pls && !st ? nl_scenario_replications(c->scen) : 100; /* a study's own replications */
  c->seed = st ? 0 : nl_scenario_seed(c->scen);
  if (!st && keyn[5]) st = nl_yaml_long(&x->y, node[5], "replications", 2, 10000000, &c->R);
  if (!st && keyn[6]) {
    char val[64];
    st = nl_yaml_scalar(&x->y, node[6], "seed", val, sizeof val);
    char *end = NULL;
    if (!st) {
      unsigned long long s = strtoull(val, &end, 10);
      if (val[0] == '-' || end == val || *end) st = at(x, node[6], NL_EINVAL, "key 'seed': expected a non-negative integer, got '%s'", val);
      else c->seed = (uint64_t)s;
    }
  }
  if (!st) st = parse_parameters(x, node[3]);
  if (!st && !pls) st = parse_targets(x, node[4], &tx);
  if (!st && keyn[7]) st = parse_optimizer(x, node[7]);
  if (!st && keyn[8]) st = parse_inference(x, node[8]);
  if (st) return st;
  if (c->K < c->P)
    return at(x, keyn[4], NL_EINVAL, "%zu targets for %zu free parameters: a calibration needs at least as many targets "
                                     "as parameters",
              c->K, c->P);
  c->gcd_period = 0;
  for (size_t k = 0; k < c->K; k++)
    if (c->tg[k].period > 0) c->gcd_period = gcd(c->gcd_period, c->tg[k].period);
  if (c->gcd_period == 0) c->gcd_period = LONG_MAX;
  return NL_OK;
}

static void defaults(nl_calib *c) {
  /* Nelder-Mead: the objective of a discrete stochastic model is rough at small scales even with
   * common random numbers, and the simplex steps over the roughness where BOBYQA's quadratic
   * models stall (docs/calibrate.md compares them) */
  c->method = NL_CALIB_NELDERMEAD;
  c->max_evals = 200;
  c->starts = 2;
  c->xtol = 1e-3;
  c->init_step = 0.1;
  c->jac_step = 0.02;
  c->boot = 200;
  c->profile_points = 11;
  c->weighting = NL_CALIB_W_OBSERVED; /* docs/calibrate.md, "Weights": why not total */
}

static nl_status load(nl_calib *c, const char *text, size_t len) {
  ctx x = {c, {c->file, &c->err}, text, len};
  struct fy_document *doc = NULL;
  nl_status st = nl_yaml_parse(&x.y, text, len, &doc);
  if (!st) st = parse_root(&x, fy_document_root(doc));
  if (!st && !c->name) {
    const char *b = strrchr(c->file, '/');
    c->name = nl_strdup(b ? b + 1 : c->file);
    if (!c->name) st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    else {
      char *dot = strrchr(c->name, '.');
      if (dot && dot != c->name) *dot = '\0';
    }
  }
  fy_document_destroy(doc);
  return st;
}

nl_status nl_calib_load_string(nl_calib *c, const char *text, const char *name) {
  free_spec(c);
  nl_err_clear(&c->err);
  defaults(c);
  nl_free(c->file);
  c->file = nl_strdup(name ? name : "<string>");
  if (!c->file) return nl_err(&c->err, NL_ENOMEM, "out of memory");
  nl_status st = load(c, text, strlen(text));
  if (st) free_spec(c);
  return st;
}

nl_status nl_calib_load_file(nl_calib *c, const char *path) {
  char *text = NULL;
  size_t len = 0;
  nl_err_clear(&c->err);
  nl_status st = nl_text_read_file(path, "calibration file", (size_t)16 << 20, &c->err, &text, &len);
  if (st) return st;
  free_spec(c);
  defaults(c);
  nl_free(c->file);
  c->file = nl_strdup(path);
  if (!c->file) st = nl_err(&c->err, NL_ENOMEM, "out of memory");
  else st = load(c, text, len);
  if (st) free_spec(c);
  nl_free(text);
  return st;
}

nl_status nl_calib_set(nl_calib *c, const char *key, const char *value) {
  if (!c->scen) return nl_err(&c->err, NL_EINVAL, "--set %s: no calibration loaded", key);
  char yaml[256];
  snprintf(yaml, sizeof yaml, "%s", value);
  nl_yaml y = {"--set", &c->err};
  struct fy_document *doc = NULL;
  nl_status st = nl_yaml_parse(&y, yaml, strlen(yaml), &doc);
  struct fy_node *v = doc ? fy_document_root(doc) : NULL;
  ctx x = {c, y, yaml, strlen(yaml)};
  if (st) goto cleanup;
  if (!v) {
    st = nl_err(&c->err, NL_EINVAL, "--set %s: empty value", key);
    goto cleanup;
  }
  if (!strcmp(key, "replications")) st = nl_yaml_long(&y, v, key, 2, 10000000, &c->R);
  else if (!strcmp(key, "seed")) {
    long s;
    st = nl_yaml_long(&y, v, key, 0, LONG_MAX, &s);
    if (!st) c->seed = (uint64_t)s;
  } else if (!strcmp(key, "optimizer.method")) st = method_of(&x, v, value);
  else if (!strcmp(key, "optimizer.max_evals")) st = nl_yaml_long(&y, v, key, 1, 1000000, &c->max_evals);
  else if (!strcmp(key, "optimizer.starts")) st = nl_yaml_long(&y, v, key, 1, 1000, &c->starts);
  else if (!strcmp(key, "inference.weighting")) st = weighting_of(&x, v, value);
  else
    st = nl_err(&c->err, NL_EINVAL,
                "--set %s: unknown key; expected replications, seed, optimizer.method, optimizer.max_evals, "
                "optimizer.starts or inference.weighting",
                key);
cleanup:
  fy_document_destroy(doc);
  return st;
}
