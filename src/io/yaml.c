#include "io/yaml.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "io/text.h"

#if NL_HAVE_YAML
static void diag_silent(struct fy_diag *diag, void *user, const char *buf, size_t len) {
  (void)diag;
  (void)user;
  (void)buf;
  (void)len;
}

nl_status nl_yaml_parse(const nl_yaml *y, const char *text, size_t len, struct fy_document **doc) {
  *doc = NULL;
  int bl, bc;
  if (!nl_text_valid_utf8(text, len, &bl, &bc))
    return nl_err(y->err, NL_EPARSE, "%s:%d:%d: not valid UTF-8 text (a YAML file must be UTF-8)", y->file, bl, bc);
  struct fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = NULL;
  dcfg.output_fn = diag_silent;
  dcfg.colorize = false;
  struct fy_diag *diag = fy_diag_create(&dcfg);
  if (!diag) return nl_err(y->err, NL_ENOMEM, "out of memory");
  fy_diag_set_collect_errors(diag, true);
  struct fy_parse_cfg cfg = {.search_path = NULL, .flags = FYPCF_QUIET, .userdata = NULL, .diag = diag};
  nl_status st = NL_OK;
  *doc = fy_document_build_from_string(&cfg, text, len);
  if (!*doc) {
    void *it = NULL;
    struct fy_diag_error *e = fy_diag_errors_iterate(diag, &it);
    if (e) st = nl_err(y->err, NL_EPARSE, "%s:%d:%d: malformed YAML: %s", y->file, e->line + 1, e->column + 1, e->msg);
    else st = nl_err(y->err, NL_EPARSE, "%s: malformed YAML", y->file);
  }
  /* A second document (after '---') would be ignored silently: refuse it. The text is parsed
   * again as a stream, which costs what the first parse did. */
  struct fy_parser *fyp = st ? NULL : fy_parser_create(&cfg);
  if (fyp && fy_parser_set_string(fyp, text, len) == 0) {
    struct fy_document *d1 = fy_parse_load_document(fyp);
    struct fy_document *d2 = d1 ? fy_parse_load_document(fyp) : NULL;
    if (d2) {
      const struct fy_mark *m = nl_yaml_mark(fy_document_root(d2));
      if (m) st = nl_err(y->err, NL_EPARSE, "%s:%d:%d: a second YAML document: the file must hold one", y->file,
                         m->line + 1, m->column + 1);
      else st = nl_err(y->err, NL_EPARSE, "%s: a second YAML document: the file must hold one", y->file);
    }
    fy_parse_document_destroy(fyp, d2);
    fy_parse_document_destroy(fyp, d1);
  }
  fy_parser_destroy(fyp);
  if (st) {
    fy_document_destroy(*doc);
    *doc = NULL;
  }
  fy_diag_destroy(diag);
  return st;
}
#else
nl_status nl_yaml_parse(const nl_yaml *y, const char *text, size_t len, struct fy_document **doc) {
  (void)text, (void)len;
  *doc = NULL;
  return nl_err_without(y->err, "yaml");
}
#endif

const struct fy_mark *nl_yaml_mark(struct fy_node *n) {
  for (int depth = 0; n && depth < 64; depth++) {
    if (fy_node_is_scalar(n)) {
#if NL_HAVE_YAML
      struct fy_token *t = fy_node_get_scalar_token(n);
      return t ? fy_token_start_mark(t) : NULL;
#else
      return NULL;
#endif
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
      struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
      n = p ? fy_node_pair_key(p) : NULL;
    } else {
      n = fy_node_sequence_iterate(n, &it);
    }
  }
  return NULL;
}

nl_status nl_yaml_vat(const nl_yaml *y, struct fy_node *n, nl_status st, const char *fmt, va_list ap) {
  char msg[NL_ERRMSG_MAX - 300];
  vsnprintf(msg, sizeof msg, fmt, ap);
  const struct fy_mark *mk = nl_yaml_mark(n);
  if (mk) return nl_err(y->err, st, "%s:%d:%d: %s", y->file, mk->line + 1, mk->column + 1, msg);
  return nl_err(y->err, st, "%s: %s", y->file, msg);
}

nl_status nl_yaml_at(const nl_yaml *y, struct fy_node *n, nl_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  st = nl_yaml_vat(y, n, st, fmt, ap);
  va_end(ap);
  return st;
}

nl_status nl_yaml_scalar(const nl_yaml *y, struct fy_node *n, const char *key, char *buf, size_t cap) {
  if (!n || !fy_node_is_scalar(n) || fy_node_is_alias(n))
    return nl_yaml_at(y, n, NL_EINVAL, "key '%s': expected a single value, got a %s", key,
                      n && fy_node_is_sequence(n) ? "list" : (n && fy_node_is_mapping(n) ? "mapping" : "nothing"));
  size_t len = 0;
  const char *s = fy_node_get_scalar(n, &len);
  if (!s) s = "";
  if (len >= cap)
    return nl_yaml_at(y, n, NL_EINVAL, "key '%s': value too long (%zu characters, at most %zu)", key, len, cap - 1);
  memcpy(buf, s, len);
  buf[len] = '\0';
  return NL_OK;
}

nl_status nl_yaml_long(const nl_yaml *y, struct fy_node *n, const char *key, long min, long max, long *out) {
  char buf[64];
  nl_status st = nl_yaml_scalar(y, n, key, buf, sizeof buf);
  if (st) return st;
  char *end = NULL;
  errno = 0;
  long v = strtol(buf, &end, 10);
  if (end == buf || *end || errno) return nl_yaml_at(y, n, NL_EINVAL, "key '%s': expected an integer, got '%s'", key, buf);
  if (v < min || v > max)
    return nl_yaml_at(y, n, NL_ERANGE, "key '%s': %ld is out of range, expected an integer in [%ld, %ld]", key, v, min,
                      max);
  *out = v;
  return NL_OK;
}

nl_status nl_yaml_double(const nl_yaml *y, struct fy_node *n, const char *key, double lo, double hi, int lo_open,
                         int hi_open, double *out) {
  char buf[64];
  nl_status st = nl_yaml_scalar(y, n, key, buf, sizeof buf);
  if (st) return st;
  char *end = NULL;
  double v = strtod(buf, &end);
  if (end == buf || *end || !isfinite(v))
    return nl_yaml_at(y, n, NL_EINVAL, "key '%s': expected a number, got '%s'", key, buf);
  if ((lo_open ? !(v > lo) : !(v >= lo)) || (hi_open ? !(v < hi) : !(v <= hi)))
    return nl_yaml_at(y, n, NL_ERANGE, "key '%s': %g is out of range, expected a number in %c%g, %g%c", key, v,
                      lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']');
  *out = v;
  return NL_OK;
}

char *nl_yaml_section(const char *text, size_t len, int l0, int l1, int c0) {
  char *t = nl_malloc(len + 1);
  if (!t) return NULL;
  int line = 0, col = 0, key = 1; /* key: still blanking the section's key on line l0 */
  for (size_t i = 0; i < len; i++) {
    char ch = text[i];
    if (ch == '\n' || ch == '\r') {
      t[i] = ch; /* keep every line break so line numbers stay */
      if (ch == '\n') line++, col = 0;
      continue;
    }
    int inside = line >= l0 && line < l1;
    if (inside && line == l0 && key && col >= c0) {
      if (ch == ':') key = 0;
      ch = ' ';
    }
    t[i] = inside ? ch : ' ';
    col++;
  }
  t[len] = '\0';
  return t;
}

nl_status nl_yaml_unknown_key(const nl_yaml *y, struct fy_node *k, const char *section, const char *key,
                              const char *const *valid, size_t nvalid) {
  char list[512] = "";
  for (size_t i = 0; i < nvalid; i++) {
    size_t len = strlen(list);
    snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", valid[i]);
  }
  const char *in = section ? " in " : "";
  if (!section) section = "";
  long best = nl_closest_name(key, valid, nvalid);
  if (best >= 0)
    return nl_yaml_at(y, k, NL_EINVAL, "unknown key '%s'%s%s (did you mean '%s'?)", key, in, section, valid[best]);
  return nl_yaml_at(y, k, NL_EINVAL, "unknown key '%s'%s%s; expected one of: %s", key, in, section, list);
}
