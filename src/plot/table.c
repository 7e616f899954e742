/*
 * A CSV table of text cells. The project's reader (io/csvread.h) keeps numbers only; figures
 * need text columns too (measure names, construct names, categorical node attributes).
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "plot/table.h"

void nl_strtab_free(nl_strtab *t) {
  if (!t) return;
  nl_free(t->cell);
  nl_free(t->text);
  nl_free(t);
}

long nl_strtab_col(const nl_strtab *t, const char *name) {
  for (size_t j = 0; j < t->ncol; j++)
    if (!strcmp(t->cell[j], name)) return (long)j;
  return -1;
}

const char *nl_strtab_cell(const nl_strtab *t, size_t row, size_t col) {
  if (row >= t->nrow || col >= t->ncol) return "";
  return t->cell[(row + 1) * t->ncol + col];
}

int nl_strtab_missing(const char *s) {
  return !*s || !strcmp(s, "NA") || !strcmp(s, "N/A") || !strcmp(s, "NaN") || !strcmp(s, "nan") || !strcmp(s, ".");
}

int nl_strtab_parse_num(const char *s, double *v) {
  while (isspace((unsigned char)*s)) s++;
  if (nl_strtab_missing(s)) {
    *v = NAN;
    return 1;
  }
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  while (isspace((unsigned char)*end)) end++;
  if (end == s || *end) return 0;
  *v = x;
  return 1;
}

double nl_strtab_num(const nl_strtab *t, size_t row, size_t col) {
  double v;
  return nl_strtab_parse_num(nl_strtab_cell(t, row, col), &v) ? v : NAN;
}

nl_status nl_strtab_parse(const char *src, size_t len, const char *source, nl_strtab **out, nl_errbuf *err) {
  *out = NULL;
  nl_strtab *t = nl_calloc(1, sizeof *t);
  size_t *starts = NULL, ns = 0, cap = 0;
  nl_status rs = NL_OK;
  if (!t) return nl_err(err, NL_ENOMEM, "out of memory");
  snprintf(t->source, sizeof t->source, "%s", source ? source : "<string>");
  t->text = nl_malloc(len + 1);
  if (!t->text) goto nomem;
  size_t i = 0, o = 0;
  if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3)) i = 3;
  /* delimiter from the header line: ';' when it has more semicolons than commas */
  char delim = ',';
  {
    size_t commas = 0, semis = 0;
    int q = 0;
    for (size_t k = i; k < len && (q || (src[k] != '\n' && src[k] != '\r')); k++) {
      if (src[k] == '"') q = !q;
      if (!q && src[k] == ',') commas++;
      if (!q && src[k] == ';') semis++;
    }
    if (semis > commas) delim = ';';
  }
  long line = 1;
  size_t rowstart = 0; /* index into starts of the current row's first field */
  while (i < len) {
    /* skip blank lines */
    if (src[i] == '\n' || src[i] == '\r') {
      if (src[i] == '\n') line++;
      i++;
      continue;
    }
    rowstart = ns;
    long rowline = line;
    for (;;) {
      if (nl_grow(&starts, &cap, ns + 1, sizeof *starts, 256)) goto nomem;
      starts[ns++] = o;
      if (i < len && src[i] == '"') {
        i++;
        for (;;) {
          if (i >= len) {
            rs = nl_err(err, NL_EPARSE, "%s:%ld: unterminated quoted field", t->source, rowline);
            goto fail;
          }
          if (src[i] == '"') {
            if (i + 1 < len && src[i + 1] == '"') {
              t->text[o++] = '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (src[i] == '\n') line++;
          t->text[o++] = src[i++];
        }
        while (i < len && src[i] != delim && src[i] != '\n' && src[i] != '\r') i++; /* junk after quote */
      } else
        while (i < len && src[i] != delim && src[i] != '\n' && src[i] != '\r') t->text[o++] = src[i++];
      t->text[o++] = '\0';
      if (i < len && src[i] == delim) {
        i++;
        continue;
      }
      break;
    }
    size_t nf = ns - rowstart;
    if (t->ncol == 0)
      t->ncol = nf;
    else if (nf != t->ncol) {
      rs = nl_err(err, NL_EPARSE, "%s:%ld: expected %zu fields (as the header), found %zu", t->source, rowline, t->ncol,
                  nf);
      goto fail;
    } else
      t->nrow++;
  }
  if (t->ncol == 0) {
    rs = nl_err(err, NL_EPARSE, "%s: empty file (no header line)", t->source);
    goto fail;
  }
  t->cell = nl_malloc(ns * sizeof *t->cell);
  if (!t->cell) goto nomem;
  for (size_t k = 0; k < ns; k++) t->cell[k] = t->text + starts[k];
  /* trim spaces around header names */
  for (size_t j = 0; j < t->ncol; j++) {
    char *s = t->cell[j];
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    t->cell[j] = s;
  }
  nl_free(starts);
  *out = t;
  return NL_OK;
nomem:
  rs = nl_err(err, NL_ENOMEM, "out of memory");
fail:
  nl_free(starts);
  nl_strtab_free(t);
  return rs;
}

nl_status nl_strtab_read(const char *path, nl_strtab **out, nl_errbuf *err) {
  *out = NULL;
  FILE *fp = fopen(path, "rb");
  if (!fp) return nl_err(err, NL_EIO, "%s: cannot open: %s", path, strerror(errno));
  char *buf = NULL;
  size_t len = 0, cap = 0;
  nl_status rs = NL_OK;
  for (;;) {
    if (nl_grow(&buf, &cap, len + 65536, 1, 65536 * 2)) {
      rs = nl_err(err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
    size_t r = fread(buf + len, 1, cap - len, fp);
    len += r;
    if (r == 0) break;
  }
  if (ferror(fp)) {
    rs = nl_err(err, NL_EIO, "%s: read error", path);
    goto cleanup;
  }
  rs = nl_strtab_parse(buf, len, path, out, err);
cleanup:
  nl_free(buf);
  fclose(fp);
  return rs;
}
