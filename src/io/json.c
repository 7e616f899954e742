#include "io/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void nl_json_init(nl_json *j, FILE *f) {
  memset(j, 0, sizeof *j);
  j->f = f;
}

static void indent(nl_json *j) {
  fputc('\n', j->f);
  for (int i = 0; i < j->depth; i++) fputs("  ", j->f);
}

static void value_sep(nl_json *j) {
  if (j->inline_depth > 0) {
    if (!j->first[j->depth]) fputs(", ", j->f);
    j->first[j->depth] = 0;
  }
}

static void push(nl_json *j) {
  if (j->depth < 31) j->depth++;
  j->first[j->depth] = 1;
}

void nl_json_obj_begin(nl_json *j) {
  value_sep(j);
  fputc('{', j->f);
  push(j);
}

void nl_json_obj_end(nl_json *j) {
  int empty = j->first[j->depth];
  j->depth--;
  if (!empty) indent(j);
  fputc('}', j->f);
}

void nl_json_arr_begin(nl_json *j) {
  value_sep(j);
  fputc('[', j->f);
  push(j);
  j->inline_depth++;
}

void nl_json_arr_end(nl_json *j) {
  j->depth--;
  j->inline_depth--;
  fputc(']', j->f);
}

void nl_json_key(nl_json *j, const char *key) {
  if (!j->first[j->depth]) fputc(',', j->f);
  j->first[j->depth] = 0;
  indent(j);
  nl_json_str(j, key);
  fputs(": ", j->f);
}

void nl_json_str(nl_json *j, const char *s) {
  value_sep(j);
  fputc('"', j->f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", j->f); break;
    case '\\': fputs("\\\\", j->f); break;
    case '\n': fputs("\\n", j->f); break;
    case '\r': fputs("\\r", j->f); break;
    case '\t': fputs("\\t", j->f); break;
    default:
      if (*p < 0x20) fprintf(j->f, "\\u%04x", *p);
      else fputc(*p, j->f);
    }
  }
  fputc('"', j->f);
}

void nl_json_num(nl_json *j, double v) {
  value_sep(j);
  if (!isfinite(v)) {
    fputs("null", j->f);
    return;
  }
  char buf[40];
  nl_format_double(buf, sizeof buf, v);
  fputs(buf, j->f);
}

void nl_json_int(nl_json *j, long long v) {
  value_sep(j);
  fprintf(j->f, "%lld", v);
}

void nl_json_uint(nl_json *j, unsigned long long v) {
  value_sep(j);
  fprintf(j->f, "%llu", v);
}

void nl_json_bool(nl_json *j, int v) {
  value_sep(j);
  fputs(v ? "true" : "false", j->f);
}

void nl_json_raw(nl_json *j, const char *text) {
  value_sep(j);
  fputs(text, j->f);
}

void nl_json_key_strs(nl_json *j, const char *key, const char *const *v, size_t n) {
  nl_json_key(j, key);
  nl_json_arr_begin(j);
  for (size_t i = 0; i < n; i++) nl_json_str(j, v[i]);
  nl_json_arr_end(j);
}
