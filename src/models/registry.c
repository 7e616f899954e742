/*
 * The list of models: the built-in ones below, then those registered at run time
 * (nl_model_register). Adding a built-in model: its folder src/models/<name>/ and one line in
 * `builtin` (docs/architecture.md, "How to add a model").
 */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/model_impl.h"

extern const nl_model nl_model_march1991, nl_model_coopnet, nl_model_lazer2007, nl_model_fang2010;

static const nl_model *const builtin[] = {
    &nl_model_march1991,
    &nl_model_coopnet,
    &nl_model_lazer2007,
    &nl_model_fang2010,
};
enum { NBUILTIN = sizeof builtin / sizeof builtin[0] };

/* Registered at run time, in order (process-wide, as SQLite's auto extensions). */
static const nl_model *registered[NL_MODEL_MAX_REGISTERED];
static size_t nregistered;

size_t nl_model_count(void) { return NBUILTIN + nregistered; }

const nl_model *nl_model_at(size_t i) {
  if (i < NBUILTIN) return builtin[i];
  return i - NBUILTIN < nregistered ? registered[i - NBUILTIN] : NULL;
}

/* Lookups by name live beside the list they search (core never calls up into the registry). */
const nl_model *nl_model_find(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < nl_model_count(); i++)
    if (strcmp(nl_model_at(i)->name, name) == 0) return nl_model_at(i);
  return NULL;
}

const char *nl_model_suggest(const char *name) {
  if (!name) return NULL;
  const char *names[64];
  size_t n = nl_model_count() < 64 ? nl_model_count() : 64;
  for (size_t i = 0; i < n; i++) names[i] = nl_model_at(i)->name;
  long k = nl_closest_name(name, names, n);
  return k >= 0 ? names[k] : NULL;
}

static int good_name(const char *s) {
  if (!s || !*s) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
  return 1;
}

/* Index of the first name that repeats an earlier one among n entries of stride bytes, or -1. */
static long repeated(const void *base, size_t n, size_t stride, size_t offset) {
  for (size_t i = 1; i < n; i++) {
    const char *a = *(const char *const *)((const char *)base + i * stride + offset);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(a, *(const char *const *)((const char *)base + j * stride + offset))) return (long)i;
  }
  return -1;
}

static nl_status check_param(const nl_model *m, size_t i, nl_errbuf *err) {
  const nl_param_desc *d = &m->params[i];
  if (!d->name || !*d->name) return nl_err(err, NL_EINVAL, "model '%s': parameter %zu has no name", m->name, i + 1);
  if (!d->doc) return nl_err(err, NL_EINVAL, "model '%s': parameter '%s' has no doc line", m->name, d->name);
  switch (d->type) {
  case NL_PARAM_INT:
  case NL_PARAM_REAL:
    if (!isfinite(d->min) || !isfinite(d->max) || d->min > d->max)
      return nl_err(err, NL_EINVAL, "model '%s': parameter '%s': range [%g, %g] is not a finite min <= max", m->name,
                    d->name, d->min, d->max);
    if (!(d->def >= d->min && d->def <= d->max))
      return nl_err(err, NL_EINVAL, "model '%s': parameter '%s': default %g is outside its range [%g, %g]", m->name,
                    d->name, d->def, d->min, d->max);
    if (d->type == NL_PARAM_INT && d->def != floor(d->def))
      return nl_err(err, NL_EINVAL, "model '%s': parameter '%s': default %g of an integer is not integral", m->name,
                    d->name, d->def);
    return NL_OK;
  case NL_PARAM_BOOL:
    if (d->def != 0 && d->def != 1)
      return nl_err(err, NL_EINVAL, "model '%s': parameter '%s': default %g of a bool is not 0 or 1", m->name, d->name,
                    d->def);
    return NL_OK;
  case NL_PARAM_CHOICE: {
    size_t n = 0;
    while (d->choices && d->choices[n]) n++;
    if (n == 0)
      return nl_err(err, NL_EINVAL, "model '%s': parameter '%s': a choice needs a NULL-terminated list of names",
                    m->name, d->name);
    if (d->def != floor(d->def) || d->def < 0 || d->def >= (double)n)
      return nl_err(err, NL_EINVAL, "model '%s': parameter '%s': default index %g is not one of its %zu choices",
                    m->name, d->name, d->def, n);
    return NL_OK;
  }
  case NL_PARAM_STRING: return NL_OK;
  }
  return nl_err(err, NL_EINVAL, "model '%s': parameter '%s' has an unknown type %d", m->name, d->name, (int)d->type);
}

nl_status nl_model_check(const nl_model *m, nl_errbuf *err) {
  if (!m) return nl_err(err, NL_EINVAL, "no model (NULL descriptor)");
  if (m->version < 1 || m->version > NL_MODEL_API_VERSION)
    return nl_err(err, NL_EINVAL,
                  "model '%s' was written for model interface version %d; this netlearn supports versions 1 to %d "
                  "(netlearn/model_api.h: set .version = NL_MODEL_API_VERSION and rebuild the model)",
                  m->name ? m->name : "?", m->version, NL_MODEL_API_VERSION);
  if (!good_name(m->name))
    return nl_err(err, NL_EINVAL, "model name '%s' is not lower-case letters, digits and '_'", m->name ? m->name : "");
  if (!m->title || !m->doc) return nl_err(err, NL_EINVAL, "model '%s' has no title or doc", m->name);
  if (!m->create || !m->reset || !m->step || !m->observe || !m->destroy)
    return nl_err(err, NL_EINVAL, "model '%s': create, reset, step, observe and destroy must all be set", m->name);
  if ((m->nparams && !m->params) || (m->nmeasures && !m->measures))
    return nl_err(err, NL_EINVAL, "model '%s': a table's count is not 0 but its array is NULL", m->name);
  for (size_t i = 0; i < m->nparams; i++) {
    nl_status st = check_param(m, i, err);
    if (st) return st;
  }
  long k = repeated(m->params, m->nparams, sizeof *m->params, offsetof(nl_param_desc, name));
  if (k >= 0) return nl_err(err, NL_EINVAL, "model '%s': parameter '%s' is listed twice", m->name, m->params[k].name);
  for (size_t i = 0; i < m->nparams; i++) { /* an old name may not be a name or another's old name */
    const char *a = m->params[i].alias;
    for (size_t j = 0; a && j < m->nparams; j++)
      if (!*a || !strcmp(a, m->params[j].name) || (j != i && m->params[j].alias && !strcmp(a, m->params[j].alias)))
        return nl_err(err, NL_EINVAL, "model '%s': parameter '%s': its old name '%s' is empty or names another",
                      m->name, m->params[i].name, a);
  }
  for (size_t i = 0; i < m->nparams; i++) /* an old name must not be another parameter's name or old name */
    if (m->params[i].alias && nl_model_param_index(m, m->params[i].alias) != (long)i)
      return nl_err(err, NL_EINVAL, "model '%s': parameter '%s': its old name '%s' is taken", m->name,
                    m->params[i].name, m->params[i].alias);
  for (size_t i = 0; i < m->nmeasures; i++)
    if (!m->measures[i].name || !*m->measures[i].name)
      return nl_err(err, NL_EINVAL, "model '%s': measure %zu has no name", m->name, i + 1);
  k = repeated(m->measures, m->nmeasures, sizeof *m->measures, offsetof(nl_measure_desc, name));
  if (k >= 0) return nl_err(err, NL_EINVAL, "model '%s': measure '%s' is listed twice", m->name, m->measures[k].name);
  int units = !!m->unit_name + !!m->unit_fields + !!m->nunit_fields + !!m->unit_count + !!m->unit_row;
  if (units != 0 && units != 5)
    return nl_err(err, NL_EINVAL,
                  "model '%s': units are described by unit_name, unit_fields, nunit_fields, unit_count and unit_row "
                  "together (all or none)", m->name);
  if (!units && m->unit_ties) return nl_err(err, NL_EINVAL, "model '%s': unit_ties without units", m->name);
  for (size_t i = 0; i < m->nunit_fields; i++)
    if (!m->unit_fields[i] || !*m->unit_fields[i])
      return nl_err(err, NL_EINVAL, "model '%s': unit field %zu has no name", m->name, i + 1);
  k = repeated(m->unit_fields, m->nunit_fields, sizeof *m->unit_fields, 0);
  if (k >= 0) return nl_err(err, NL_EINVAL, "model '%s': unit field '%s' is listed twice", m->name, m->unit_fields[k]);
  return NL_OK;
}

nl_status nl_model_register(const nl_model *m, nl_errbuf *err) {
  nl_status st = nl_model_check(m, err);
  if (st) return st;
  for (size_t i = 0; i < nl_model_count(); i++)
    if (!strcmp(nl_model_at(i)->name, m->name))
      return nl_err(err, NL_EEXIST, "a model named '%s' is already registered%s", m->name,
                    i < NBUILTIN ? " (built in)" : "");
  if (nregistered == NL_MODEL_MAX_REGISTERED)
    return nl_err(err, NL_ERANGE, "cannot register model '%s': already %d registered models", m->name,
                  NL_MODEL_MAX_REGISTERED);
  registered[nregistered++] = m;
  return NL_OK;
}
