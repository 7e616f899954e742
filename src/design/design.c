/* Designs: a scenario's sweep expanded into design points, each identified by its parameter values. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/model_impl.h"
#include "core/rng.h"
#include "design/design_impl.h"
#include "netlearn/experiment.h"

nl_design *nl_design_new(void) { return nl_calloc(1, sizeof(nl_design)); }

static void design_clear(nl_design *d) {
  for (size_t i = 0; i < d->npoints; i++) {
    nl_params_free(d->params[i]);
    nl_free(d->keys[i]);
  }
  nl_free(d->params);
  nl_free(d->keys);
  nl_free(d->table);
  nl_free(d->reps);
  d->reps = NULL;
  d->params = NULL;
  d->keys = NULL;
  d->table = NULL;
  d->npoints = d->cap = d->tcap = 0;
  d->nswept = 0;
}

void nl_design_free(nl_design *d) {
  if (!d) return;
  design_clear(d);
  nl_free(d->swept);
  nl_free(d);
}

const char *nl_design_errmsg(const nl_design *d) { return NL_ERRMSG_OF(d); }
const nl_scenario *nl_design_scenario(const nl_design *d) { return d ? d->sc : NULL; }
size_t nl_design_npoints(const nl_design *d) { return d ? d->npoints : 0; }
long nl_design_replications(const nl_design *d) { return d ? nl_scenario_replications(d->sc) : 0; }
long nl_design_point_replications(const nl_design *d, size_t i) {
  if (!d || i >= d->npoints) return 0; /* checked (issue 19) */
  return d->reps ? d->reps[i] : nl_scenario_replications(d->sc);
}
/* Checked getters: NULL handle or index out of range give NULL / (size_t)-1 (issue 19). */
const nl_params *nl_design_params(const nl_design *d, size_t i) { return d && i < d->npoints ? d->params[i] : NULL; }
const char *nl_design_key(const nl_design *d, size_t i) { return d && i < d->npoints ? d->keys[i] : NULL; }
size_t nl_design_nswept(const nl_design *d) { return d ? d->nswept : 0; }
size_t nl_design_swept(const nl_design *d, size_t j) { return d && j < d->nswept ? d->swept[j] : (size_t)-1; }

uint64_t nl_point_hash(const char *key) {
  uint64_t h = 0xcbf29ce484222325ULL;
  if (!key) return 0;
  for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
    h ^= *p;
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* Canonical key of a parameter set: "name=value;" for every parameter, in the table's order. */
char *nl_design_make_key(const nl_params *p) {
  const nl_model *m = nl_params_model(p);
  size_t cap = 256, len = 0;
  char *key = nl_malloc(cap);
  if (!key) return NULL;
  key[0] = '\0';
  for (size_t i = 0; i < m->nparams; i++) {
    char val[4096];
    nl_params_format(p, i, val, sizeof val);
    size_t need = strlen(m->params[i].name) + strlen(val) + 3;
    if (nl_grow(&key, &cap, len + need + 1, 1, 256)) {
      nl_free(key);
      return NULL;
    }
    len += (size_t)snprintf(key + len, cap - len, "%s%s=%s", i ? ";" : "", m->params[i].name, val);
  }
  return key;
}

/* Open-addressing set of point keys, so merging duplicates is O(1) per point. */
static int table_find(const nl_design *d, const char *key, uint64_t h, size_t *slot) {
  size_t mask = d->tcap - 1, i = (size_t)h & mask;
  for (;;) {
    size_t v = d->table[i];
    if (v == 0) {
      *slot = i;
      return 0;
    }
    if (!strcmp(d->keys[v - 1], key)) {
      *slot = i;
      return 1;
    }
    i = (i + 1) & mask;
  }
}

static nl_status table_grow(nl_design *d) {
  size_t ncap = d->tcap ? d->tcap * 2 : 64;
  size_t *nt = nl_calloc(ncap, sizeof *nt);
  if (!nt) return nl_err(&d->err, NL_ENOMEM, "out of memory");
  nl_free(d->table);
  d->table = nt;
  d->tcap = ncap;
  for (size_t k = 0; k < d->npoints; k++) {
    size_t slot = 0;
    table_find(d, d->keys[k], nl_point_hash(d->keys[k]), &slot);
    d->table[slot] = k + 1;
  }
  return NL_OK;
}

/* Add a point (takes p). Validates it; a duplicate of an earlier point is dropped. *index (may
 * be NULL) receives the point's index. */
static nl_status add_point(nl_design *d, nl_params *p, size_t *index) {
  nl_status st = nl_params_validate(p);
  if (st) {
    char label[512] = "";
    for (size_t j = 0; j < d->nswept; j++) {
      char val[128];
      size_t len = strlen(label);
      nl_params_format(p, d->swept[j], val, sizeof val);
      snprintf(label + len, sizeof label - len, "%s%s = %s", j ? ", " : "", nl_params_model(p)->params[d->swept[j]].name,
               val);
    }
    st = nl_err(&d->err, st, "%s: sweep: design point %s: %s", nl_scenario_file(d->sc), label, nl_params_errmsg(p));
    nl_params_free(p);
    return st;
  }
  char *key = nl_design_make_key(p);
  if (!key) {
    nl_params_free(p);
    return nl_err(&d->err, NL_ENOMEM, "out of memory");
  }
  if ((d->npoints + 1) * 2 > d->tcap && table_grow(d)) {
    nl_free(key);
    nl_params_free(p);
    return NL_ENOMEM;
  }
  size_t slot = 0;
  if (table_find(d, key, nl_point_hash(key), &slot)) {
    if (index) *index = d->table[slot] - 1;
    nl_free(key);
    nl_params_free(p);
    return NL_OK;
  }
  size_t cp = d->cap, ck = d->cap; /* two arrays, one capacity */
  if (nl_grow(&d->params, &cp, d->npoints + 1, sizeof *d->params, 16) ||
      nl_grow(&d->keys, &ck, d->npoints + 1, sizeof *d->keys, 16)) {
    nl_free(key);
    nl_params_free(p);
    return nl_err(&d->err, NL_ENOMEM, "out of memory");
  }
  d->cap = cp;
  d->params[d->npoints] = p;
  d->keys[d->npoints] = key;
  if (index) *index = d->npoints;
  d->table[slot] = ++d->npoints;
  return NL_OK;
}

static nl_status set_factor(nl_design *d, nl_params *p, size_t f, const char *text) {
  const nl_model *m = nl_params_model(p);
  nl_status st = nl_params_set_text(p, m->params[nl_scenario_factor_param(d->sc, f)].name, text);
  if (st) return nl_err(&d->err, st, "%s: sweep: %s", nl_scenario_file(d->sc), nl_params_errmsg(p));
  return NL_OK;
}

static nl_status build_grid(nl_design *d) {
  const nl_scenario *sc = d->sc;
  size_t k = nl_scenario_nfactors(sc);
  size_t idx[64] = {0};
  if (k > 64) return nl_err(&d->err, NL_ERANGE, "%s: sweep: more than 64 swept parameters", nl_scenario_file(sc));
  for (;;) {
    nl_params *p = nl_params_clone(nl_scenario_params(sc));
    if (!p) return nl_err(&d->err, NL_ENOMEM, "out of memory");
    for (size_t f = 0; f < k; f++) {
      nl_status st = set_factor(d, p, f, nl_scenario_factor_value(sc, f, idx[f]));
      if (st) {
        nl_params_free(p);
        return st;
      }
    }
    nl_status st = add_point(d, p, NULL);
    if (st) return st;
    /* Odometer, the last factor fastest. */
    size_t f = k;
    while (f > 0) {
      f--;
      if (++idx[f] < nl_scenario_factor_nvalues(sc, f)) break;
      idx[f] = 0;
      if (f == 0) return NL_OK;
    }
    if (k == 0) return NL_OK;
  }
}

static nl_status build_ofat(nl_design *d) {
  const nl_scenario *sc = d->sc;
  nl_params *base = nl_params_clone(nl_scenario_params(sc));
  if (!base) return nl_err(&d->err, NL_ENOMEM, "out of memory");
  nl_status st = add_point(d, base, NULL);
  for (size_t f = 0; !st && f < nl_scenario_nfactors(sc); f++)
    for (size_t v = 0; !st && v < nl_scenario_factor_nvalues(sc, f); v++) {
      nl_params *p = nl_params_clone(nl_scenario_params(sc));
      if (!p) return nl_err(&d->err, NL_ENOMEM, "out of memory");
      st = set_factor(d, p, f, nl_scenario_factor_value(sc, f, v));
      if (st) nl_params_free(p);
      else st = add_point(d, p, NULL);
    }
  return st;
}

/* Parameter pi of p to v: integers rounded, clamped to the parameter's range. */
static nl_status set_number(nl_design *d, nl_params *p, size_t pi, double v) {
  const nl_param_desc *pd = &nl_params_model(p)->params[pi];
  if (pd->type == NL_PARAM_INT) v = floor(v + 0.5);
  if (v > pd->max) v = pd->max;
  if (v < pd->min) v = pd->min;
  nl_status st = nl_params_set_number(p, pd->name, v);
  if (st) st = nl_err(&d->err, st, "%s: sweep: %s", nl_scenario_file(d->sc), nl_params_errmsg(p));
  return st;
}

void nl_lhs_unit(uint64_t seed, uint64_t stream, size_t k, size_t n, size_t *perm, double *u) {
  for (size_t f = 0; f < k; f++) {
    nl_rng rng;
    nl_rng_init(&rng, seed, stream, NL_RNG_DESIGN, f);
    for (size_t i = 0; i < n; i++) perm[i] = i;
    for (size_t i = n; i > 1; i--) {
      size_t j = (size_t)nl_rng_below(&rng, i);
      size_t t = perm[i - 1];
      perm[i - 1] = perm[j];
      perm[j] = t;
    }
    for (size_t i = 0; i < n; i++) u[i * k + f] = (double)perm[i] + nl_rng_uniform(&rng);
  }
}

/* Latin hypercube: in every factor, each of the n strata holds exactly one point. */
static nl_status build_lhs(nl_design *d) {
  const nl_scenario *sc = d->sc;
  size_t k = nl_scenario_nfactors(sc), n = (size_t)nl_scenario_lhs_points(sc);
  nl_status st = NL_OK;
  double *u = nl_malloc(k * n * sizeof *u);
  size_t *perm = nl_malloc(n * sizeof *perm);
  if (!u || !perm) {
    st = nl_err(&d->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  nl_lhs_unit(nl_scenario_seed(sc), 0, k, n, perm, u);
  for (size_t f = 0; f < k; f++) {
    double lo, hi;
    nl_scenario_factor_range(sc, f, &lo, &hi);
    for (size_t i = 0; i < n; i++) u[i * k + f] = lo + (hi - lo) * u[i * k + f] / (double)n;
  }
  for (size_t i = 0; i < n && !st; i++) {
    nl_params *p = nl_params_clone(nl_scenario_params(sc));
    if (!p) {
      st = nl_err(&d->err, NL_ENOMEM, "out of memory");
      break;
    }
    for (size_t f = 0; f < k && !st; f++) st = set_number(d, p, nl_scenario_factor_param(sc, f), u[i * k + f]);
    if (st) nl_params_free(p);
    else st = add_point(d, p, NULL);
  }
cleanup:
  nl_free(u);
  nl_free(perm);
  return st;
}

nl_status nl_design_build(nl_design *d, const nl_scenario *sc, long max_points) {
  design_clear(d);
  nl_err_clear(&d->err);
  d->sc = sc;
  if (!nl_scenario_model(sc)) return nl_err(&d->err, NL_EINVAL, "no scenario loaded");
  double size = nl_scenario_design_size(sc);
  if (max_points > 0 && size > (double)max_points)
    return nl_err(&d->err, NL_ERANGE, "%s: sweep: %.0f design points, more than the limit of %ld",
                  nl_scenario_file(sc), size, max_points);
  size_t k = nl_scenario_nfactors(sc);
  nl_free(d->swept);
  d->swept = nl_calloc(k ? k : 1, sizeof *d->swept);
  if (!d->swept) return nl_err(&d->err, NL_ENOMEM, "out of memory");
  for (size_t f = 0; f < k; f++) d->swept[f] = nl_scenario_factor_param(sc, f);
  d->nswept = k;
  nl_status st;
  switch (nl_scenario_design(sc)) {
  case NL_DESIGN_LHS: st = build_lhs(d); break;
  case NL_DESIGN_OFAT: st = build_ofat(d); break;
  case NL_DESIGN_GRID:
  case NL_DESIGN_NONE:
  default: st = build_grid(d); break;
  }
  if (st) {
    design_clear(d);
    return st;
  }
  return NL_OK;
}

nl_status nl_design_build_points(nl_design *d, const nl_scenario *sc, size_t nf, const size_t *param, size_t nrows,
                                 const double *values, const long *reps, size_t *index) {
  design_clear(d);
  nl_err_clear(&d->err);
  d->sc = sc;
  const nl_model *m = nl_scenario_model(sc);
  if (!m) return nl_err(&d->err, NL_EINVAL, "no scenario loaded");
  for (size_t f = 0; f < nf; f++)
    if (param[f] >= m->nparams) return nl_err(&d->err, NL_EINVAL, "parameter index %zu out of range", param[f]);
  nl_free(d->swept);
  d->swept = nl_calloc(nf ? nf : 1, sizeof *d->swept);
  if (!d->swept) return nl_err(&d->err, NL_ENOMEM, "out of memory");
  memcpy(d->swept, param, nf * sizeof *param);
  d->nswept = nf;
  nl_status st = NL_OK;
  long *r = nl_malloc((nrows ? nrows : 1) * sizeof *r);
  if (!r) st = nl_err(&d->err, NL_ENOMEM, "out of memory");
  for (size_t i = 0; i < nrows && !st; i++) {
    nl_params *p = nl_params_clone(nl_scenario_params(sc));
    if (!p) {
      st = nl_err(&d->err, NL_ENOMEM, "out of memory");
      break;
    }
    for (size_t f = 0; f < nf && !st; f++) st = set_number(d, p, param[f], values[i * nf + f]);
    size_t at = 0, before = d->npoints;
    if (st) nl_params_free(p);
    else st = add_point(d, p, &at);
    if (st) break;
    long want = reps ? reps[i] : nl_scenario_replications(sc);
    if (d->npoints > before || want > r[at]) r[at] = want;
    if (index) index[i] = at;
  }
  if (!st) {
    d->reps = r;
    r = NULL;
  }
  nl_free(r);
  if (st) design_clear(d);
  return st;
}
