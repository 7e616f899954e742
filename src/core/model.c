/* Model descriptors, parameter values and the nl_sim wrapper around a model's state. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/format.h"
#include "core/model_impl.h"

/* ---- descriptors ------------------------------------------------------------------------ */

const char *nl_model_name(const nl_model *m) { return m ? m->name : NULL; }
const char *nl_model_title(const nl_model *m) { return m ? m->title : NULL; }
const char *nl_model_doc(const nl_model *m) { return m ? m->doc : NULL; }
size_t nl_model_nparams(const nl_model *m) { return m ? m->nparams : 0; }
const nl_param_desc *nl_model_param(const nl_model *m, size_t i) { return m && i < m->nparams ? &m->params[i] : NULL; }
size_t nl_model_nmeasures(const nl_model *m) { return m ? m->nmeasures : 0; }
const nl_measure_desc *nl_model_measure(const nl_model *m, size_t i) {
  return m && i < m->nmeasures ? &m->measures[i] : NULL;
}

long nl_model_param_index(const nl_model *m, const char *name) {
  if (!m || !name) return -1;
  for (size_t i = 0; i < m->nparams; i++)
    if (strcmp(m->params[i].name, name) == 0) return (long)i;
  /* Old names (e.g. lazer2007's k before the shared network group's net_k) after the names. */
  for (size_t i = 0; i < m->nparams; i++)
    if (m->params[i].alias && strcmp(m->params[i].alias, name) == 0) return (long)i;
  return -1;
}

const char *nl_model_param_suggest(const nl_model *m, const char *name) {
  if (!m || !name) return NULL;
  const char *names[256];
  size_t n = m->nparams < 256 ? m->nparams : 256;
  for (size_t i = 0; i < n; i++) names[i] = m->params[i].name;
  long k = nl_closest_name(name, names, n);
  return k >= 0 ? names[k] : NULL;
}

long nl_model_measure_index(const nl_model *m, const char *name) {
  if (!m || !name) return -1;
  for (size_t i = 0; i < m->nmeasures; i++)
    if (strcmp(m->measures[i].name, name) == 0) return (long)i;
  return -1;
}

const char *nl_model_unit_name(const nl_model *m) { return m && m->unit_row ? m->unit_name : NULL; }
size_t nl_model_nunit_fields(const nl_model *m) { return m && m->unit_row ? m->nunit_fields : 0; }
const char *nl_model_unit_field(const nl_model *m, size_t i) {
  return i < nl_model_nunit_fields(m) ? m->unit_fields[i] : NULL;
}

long nl_model_unit_field_index(const nl_model *m, const char *name) {
  if (!name) return -1;
  for (size_t i = 0; i < nl_model_nunit_fields(m); i++)
    if (strcmp(m->unit_fields[i], name) == 0) return (long)i;
  return -1;
}

const char *nl_model_unit_field_suggest(const nl_model *m, const char *name) {
  size_t n = nl_model_nunit_fields(m); /* 0 for NULL */
  if (!n || !name) return NULL;
  long k = nl_closest_name(name, m->unit_fields, n);
  return k >= 0 ? m->unit_fields[k] : NULL;
}

/* ---- parameter values ------------------------------------------------------------------- */

nl_params *nl_params_new(const nl_model *m) {
  nl_params *p = nl_calloc(1, sizeof *p);
  if (!p) return NULL;
  p->model = m;
  p->num = nl_calloc(m->nparams, sizeof *p->num);
  p->str = nl_calloc(m->nparams, sizeof *p->str);
  p->set = nl_calloc(m->nparams, 1);
  if (!p->num || !p->str || !p->set) goto fail;
  for (size_t i = 0; i < m->nparams; i++) {
    p->num[i] = m->params[i].def;
    if (m->params[i].type == NL_PARAM_STRING) {
      p->str[i] = nl_strdup(m->params[i].def_str ? m->params[i].def_str : "");
      if (!p->str[i]) goto fail;
    }
  }
  return p;
fail:
  nl_params_free(p);
  return NULL;
}

void nl_params_free(nl_params *p) {
  if (!p) return;
  if (p->str)
    for (size_t i = 0; i < p->model->nparams; i++) nl_free(p->str[i]);
  nl_free(p->str);
  nl_free(p->num);
  nl_free(p->set);
  nl_free(p);
}

nl_params *nl_params_clone(const nl_params *src) {
  if (!src) return NULL;
  nl_params *p = nl_params_new(src->model);
  if (!p) return NULL;
  size_t n = src->model->nparams;
  memcpy(p->num, src->num, n * sizeof *p->num);
  memcpy(p->set, src->set, n);
  for (size_t i = 0; i < n; i++) {
    if (!src->str[i]) continue;
    char *d = nl_strdup(src->str[i]);
    if (!d) {
      nl_params_free(p);
      return NULL;
    }
    nl_free(p->str[i]);
    p->str[i] = d;
  }
  return p;
}

const nl_model *nl_params_model(const nl_params *p) { return p ? p->model : NULL; }
const char *nl_params_errmsg(const nl_params *p) { return NL_ERRMSG_OF(p); }
/* Checked getters (issue 19): NULL or an index out of range give NaN / 0 / NULL / "". */
#define PARAM_OK(p, i) ((p) && (i) < (p)->model->nparams)
double nl_params_get(const nl_params *p, size_t i) { return PARAM_OK(p, i) ? p->num[i] : NAN; }
int nl_params_is_set(const nl_params *p, size_t i) { return PARAM_OK(p, i) ? p->set[i] : 0; }

const char *nl_params_get_string(const nl_params *p, size_t i) {
  if (!PARAM_OK(p, i)) return NULL;
  const nl_param_desc *d = &p->model->params[i];
  if (d->type == NL_PARAM_STRING) return p->str[i];
  if (d->type == NL_PARAM_CHOICE) return d->choices[(size_t)p->num[i]];
  return NULL;
}

static const char *type_name(nl_param_type t) {
  switch (t) {
  case NL_PARAM_INT: return "an integer";
  case NL_PARAM_REAL: return "a number";
  case NL_PARAM_BOOL: return "true or false";
  case NL_PARAM_CHOICE: return "one of the listed names";
  case NL_PARAM_STRING: return "text";
  }
  return "?";
}

static nl_status lookup(nl_params *p, const char *name, long *idx) {
  *idx = nl_model_param_index(p->model, name);
  if (*idx >= 0) return NL_OK;
  const char *s = nl_model_param_suggest(p->model, name);
  if (s) return nl_err(&p->err, NL_EINVAL, "unknown parameter '%s' for model %s (did you mean '%s'?)", name,
                       p->model->name, s);
  return nl_err(&p->err, NL_EINVAL, "unknown parameter '%s' for model %s (see `netlearn models %s`)", name,
                p->model->name, p->model->name);
}

static nl_status check_range(nl_params *p, const nl_param_desc *d, double v) {
  if (!isfinite(v) || v < d->min || v > d->max) {
    if (d->type == NL_PARAM_INT)
      return nl_err(&p->err, NL_ERANGE, "parameter '%s' = %.17g is out of range: expected an integer in [%.17g, %.17g]",
                    d->name, v, d->min, d->max);
    return nl_err(&p->err, NL_ERANGE, "parameter '%s' = %.17g is out of range: expected a number in [%.17g, %.17g]",
                  d->name, v, d->min, d->max);
  }
  return NL_OK;
}

nl_status nl_params_set_number(nl_params *p, const char *name, double v) {
  long i;
  nl_status st = lookup(p, name, &i);
  if (st) return st;
  const nl_param_desc *d = &p->model->params[i];
  switch (d->type) {
  case NL_PARAM_INT:
    if (v != floor(v)) return nl_err(&p->err, NL_EINVAL, "parameter '%s' expects an integer, got %.17g", name, v);
    st = check_range(p, d, v);
    if (st) return st;
    break;
  case NL_PARAM_REAL:
    st = check_range(p, d, v);
    if (st) return st;
    break;
  case NL_PARAM_BOOL:
    if (v != 0 && v != 1) return nl_err(&p->err, NL_EINVAL, "parameter '%s' expects true or false", name);
    break;
  case NL_PARAM_CHOICE: {
    size_t n = 0;
    while (d->choices[n]) n++;
    if (v != floor(v) || v < 0 || v >= (double)n)
      return nl_err(&p->err, NL_ERANGE, "parameter '%s': choice index %.17g out of range", name, v);
    break;
  }
  case NL_PARAM_STRING:
    return nl_err(&p->err, NL_EINVAL, "parameter '%s' expects text, not a number", name);
  }
  p->num[i] = v;
  p->set[i] = 1;
  return NL_OK;
}

nl_status nl_params_set_text(nl_params *p, const char *name, const char *text) {
  long i;
  nl_status st = lookup(p, name, &i);
  if (st) return st;
  const nl_param_desc *d = &p->model->params[i];
  switch (d->type) {
  case NL_PARAM_INT:
  case NL_PARAM_REAL: {
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE)
      return nl_err(&p->err, NL_EINVAL, "parameter '%s' expects %s, got '%s'", name, type_name(d->type), text);
    return nl_params_set_number(p, name, v);
  }
  case NL_PARAM_BOOL:
    if (!strcasecmp(text, "true") || !strcasecmp(text, "yes") || !strcmp(text, "1") || !strcasecmp(text, "on"))
      return nl_params_set_number(p, name, 1);
    if (!strcasecmp(text, "false") || !strcasecmp(text, "no") || !strcmp(text, "0") || !strcasecmp(text, "off"))
      return nl_params_set_number(p, name, 0);
    return nl_err(&p->err, NL_EINVAL, "parameter '%s' expects true or false, got '%s'", name, text);
  case NL_PARAM_CHOICE: {
    char list[512] = "";
    size_t n = 0;
    for (; d->choices[n]; n++) {
      if (strcmp(d->choices[n], text) == 0) return nl_params_set_number(p, name, (double)n);
      size_t len = strlen(list);
      snprintf(list + len, sizeof list - len, "%s%s", n ? ", " : "", d->choices[n]);
    }
    long k = nl_closest_name(text, d->choices, n);
    if (k >= 0)
      return nl_err(&p->err, NL_EINVAL, "parameter '%s' expects one of %s, got '%s' (did you mean '%s'?)", name, list,
                    text, d->choices[k]);
    return nl_err(&p->err, NL_EINVAL, "parameter '%s' expects one of %s, got '%s'", name, list, text);
  }
  case NL_PARAM_STRING: {
    char *dup = nl_strdup(text);
    if (!dup) return nl_err(&p->err, NL_ENOMEM, "out of memory");
    nl_free(p->str[i]);
    p->str[i] = dup;
    p->set[i] = 1;
    return NL_OK;
  }
  }
  return nl_err(&p->err, NL_EINTERNAL, "bad parameter type");
}

nl_status nl_params_validate(nl_params *p) {
  if (!p->model->validate) return NL_OK;
  return p->model->validate(p, &p->err);
}

void nl_params_format(const nl_params *p, size_t i, char *buf, size_t cap) {
  if (!PARAM_OK(p, i)) {
    if (cap) buf[0] = '\0';
    return;
  }
  const nl_param_desc *d = &p->model->params[i];
  switch (d->type) {
  case NL_PARAM_INT: snprintf(buf, cap, "%.0f", p->num[i]); break;
  case NL_PARAM_REAL: nl_format_double(buf, cap, p->num[i]); break;
  case NL_PARAM_BOOL: snprintf(buf, cap, "%s", p->num[i] != 0 ? "true" : "false"); break;
  case NL_PARAM_CHOICE:
  case NL_PARAM_STRING: snprintf(buf, cap, "%s", nl_params_get_string(p, i)); break;
  }
}

/* ---- simulations -------------------------------------------------------------------------- */

struct nl_sim {
  const nl_model *model;
  nl_params *params;
  void *state;
  long period;
  nl_status status;
  nl_errbuf err;
};

nl_sim *nl_sim_new(const nl_params *params) {
  nl_sim *s = nl_calloc(1, sizeof *s);
  if (!s) return NULL;
  s->model = params->model;
  s->params = nl_params_clone(params);
  if (!s->params) {
    s->status = nl_err(&s->err, NL_ENOMEM, "out of memory");
    return s;
  }
  s->status = nl_params_validate(s->params);
  if (s->status) {
    nl_err(&s->err, s->status, "%s", s->params->err.msg);
    return s;
  }
  s->status = s->model->create(&s->state, s->params, &s->err);
  return s;
}

void nl_sim_free(nl_sim *s) {
  if (!s) return;
  if (s->state) s->model->destroy(s->state);
  nl_params_free(s->params);
  nl_free(s);
}

nl_status nl_sim_status(const nl_sim *s) { return s ? s->status : NL_ENOMEM; }
const char *nl_sim_errmsg(const nl_sim *s) { return NL_ERRMSG_OF(s); }
long nl_sim_period(const nl_sim *s) { return s ? s->period : -1; }

nl_status nl_sim_reset(nl_sim *s, uint64_t seed, uint64_t replication) {
  if (s->status) return s->status;
  s->period = 0;
  return s->model->reset(s->state, seed, replication, &s->err);
}

nl_status nl_sim_step(nl_sim *s) {
  if (s->status) return s->status;
  nl_status st = s->model->step(s->state, &s->err);
  if (st == NL_OK) s->period++;
  return st;
}

void nl_sim_observe(nl_sim *s, double *out) { s->model->observe(s->state, out); }

int nl_sim_at_equilibrium(nl_sim *s) {
  return s && s->state && s->model->at_equilibrium ? s->model->at_equilibrium(s->state) : 0;
}

size_t nl_sim_units(const nl_sim *s) { return s && s->state && s->model->unit_row ? s->model->unit_count(s->state) : 0; }

void nl_sim_unit_row(nl_sim *s, size_t u, double *out) {
  if (u < nl_sim_units(s)) {
    s->model->unit_row(s->state, u, out);
    return;
  }
  for (size_t k = 0; s && out && k < nl_model_nunit_fields(s->model); k++) out[k] = NAN; /* checked (issue 19) */
}

size_t nl_sim_unit_ties(const nl_sim *s, uint32_t *from, uint32_t *to, double *weight, size_t cap) {
  return s && s->state && s->model->unit_ties ? s->model->unit_ties(s->state, from, to, weight, cap) : 0;
}
