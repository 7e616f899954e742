/*
 * CSV reader for numeric tables (see csvread.h for the accepted dialect).
 *
 * The file is read into memory once and scanned by a small lexer that yields one field at a
 * time with its line and column; values are collected row-major while the number of rows is
 * unknown and transposed to column-major at the end.
 */
#include "io/csvread.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "io/text.h"

typedef struct lexer {
  const char *s;
  size_t n;
  size_t pos;
  long line, col; /* 1-based position of s[pos] */
  char delim;
  char *buf; /* current field, unescaped and NUL-terminated */
  size_t buflen, bufcap;
} lexer;

static int lx_putc(lexer *lx, char c) {
  if (nl_grow(&lx->buf, &lx->bufcap, lx->buflen + 2, 1, 64)) return -1;
  lx->buf[lx->buflen++] = c;
  lx->buf[lx->buflen] = '\0';
  return 0;
}

static void lx_advance(lexer *lx) {
  if (lx->s[lx->pos] == '\n') {
    lx->line++;
    lx->col = 1;
  } else {
    lx->col++;
  }
  lx->pos++;
}

/* Skip blank lines (only whitespace) at the start of a record. Returns 1 at end of input. */
static int lx_skip_blank(lexer *lx) {
  for (;;) {
    size_t p = lx->pos;
    while (p < lx->n && (lx->s[p] == ' ' || lx->s[p] == '\t' || lx->s[p] == '\r')) p++;
    if (p >= lx->n) {
      while (lx->pos < lx->n) lx_advance(lx);
      return 1;
    }
    if (lx->s[p] != '\n') return 0;
    while (lx->pos <= p) lx_advance(lx);
  }
}

/*
 * Read one field into lx->buf. Sets *fline and *fcol to where it starts, *last to 1 if the field
 * ends its record. Returns NL_OK, NL_EPARSE (unterminated quote, text after a closing quote) or
 * NL_ENOMEM.
 */
static nl_status lx_field(lexer *lx, long *fline, long *fcol, int *last, const char *src, nl_errbuf *err) {
  if (!lx->bufcap && lx_putc(lx, '\0') != 0) return NL_ENOMEM;
  lx->buflen = 0;
  lx->buf[0] = '\0';
  while (lx->pos < lx->n && (lx->s[lx->pos] == ' ' || lx->s[lx->pos] == '\t')) lx_advance(lx);
  *fline = lx->line;
  *fcol = lx->col;
  *last = 0;
  if (lx->pos < lx->n && lx->s[lx->pos] == '"') {
    long qline = lx->line, qcol = lx->col;
    lx_advance(lx);
    for (;;) {
      if (lx->pos >= lx->n)
        return nl_err(err, NL_EPARSE, "%s:%ld:%ld: unterminated quoted field", src, qline, qcol);
      char c = lx->s[lx->pos];
      if (c == '"') {
        if (lx->pos + 1 < lx->n && lx->s[lx->pos + 1] == '"') {
          if (lx_putc(lx, '"') != 0) return NL_ENOMEM;
          lx_advance(lx);
          lx_advance(lx);
          continue;
        }
        lx_advance(lx);
        break;
      }
      if (lx_putc(lx, c) != 0) return NL_ENOMEM;
      lx_advance(lx);
    }
    while (lx->pos < lx->n && (lx->s[lx->pos] == ' ' || lx->s[lx->pos] == '\t' || lx->s[lx->pos] == '\r'))
      lx_advance(lx);
    if (lx->pos < lx->n && lx->s[lx->pos] != lx->delim && lx->s[lx->pos] != '\n')
      return nl_err(err, NL_EPARSE, "%s:%ld:%ld: unexpected text after closing quote", src, lx->line, lx->col);
  } else {
    while (lx->pos < lx->n && lx->s[lx->pos] != lx->delim && lx->s[lx->pos] != '\n') {
      if (lx->s[lx->pos] != '\r' && lx_putc(lx, lx->s[lx->pos]) != 0) return NL_ENOMEM;
      lx_advance(lx);
    }
    while (lx->buflen > 0 && (lx->buf[lx->buflen - 1] == ' ' || lx->buf[lx->buflen - 1] == '\t'))
      lx->buf[--lx->buflen] = '\0';
  }
  if (lx->pos >= lx->n) {
    *last = 1;
  } else if (lx->s[lx->pos] == '\n') {
    *last = 1;
    lx_advance(lx);
  } else {
    lx_advance(lx); /* delimiter */
  }
  return NL_OK;
}

static int ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
  return *a == *b;
}

/* 1: missing, 0: number stored in *v, -1: not a number. `s` may be modified (decimal comma). */
static int parse_cell(char *s, char delim, double *v) {
  if (s[0] == '\0' || ieq(s, "NA") || ieq(s, "N/A") || ieq(s, "NaN") || strcmp(s, ".") == 0) return 1;
  if (delim == ';') {
    char *c = strchr(s, ',');
    if (c && !strchr(s, '.') && !strchr(c + 1, ',')) *c = '.';
  }
  char *end = NULL;
  errno = 0;
  double x = strtod(s, &end);
  if (end == s || *end != '\0' || !isfinite(x)) return -1;
  /* strtod also accepts hexadecimal; a survey table never means that. */
  for (const char *p = s; *p; p++)
    if (*p == 'x' || *p == 'X') return -1;
  *v = x;
  return 0;
}

void nl_csv_table_free(nl_csv_table *t) {
  if (!t) return;
  if (t->names)
    for (size_t j = 0; j < t->ncol; j++) nl_free(t->names[j]);
  nl_free(t->names);
  nl_free(t->x);
  nl_free(t->bad_line);
  nl_free(t->bad_col);
  nl_free(t->bad_text);
  for (size_t k = 0; t->text && k < t->ntext; k++) nl_free(t->text[k]);
  nl_free(t->text);
  nl_free(t->text_row);
  nl_free(t->text_col);
  nl_free(t->source);
  nl_free(t);
}

const char *nl_csv_table_text(const nl_csv_table *t, size_t row, size_t col) {
  /* cells were recorded in reading order: sorted by (row, col) */
  size_t lo = 0, hi = t->ntext;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->text_row[mid] < row || (t->text_row[mid] == row && t->text_col[mid] < col)) lo = mid + 1;
    else hi = mid;
  }
  return lo < t->ntext && t->text_row[lo] == row && t->text_col[lo] == col ? t->text[lo] : NULL;
}

long nl_csv_table_find(const nl_csv_table *t, const char *name) {
  for (size_t j = 0; j < t->ncol; j++)
    if (strcmp(t->names[j], name) == 0) return (long)j;
  return -1;
}

/* Header names seen so far: an open-addressing set of 1 + column index, so that the duplicate
 * check costs O(1) per column (a linear scan took 17 s on 100,000 columns). */
typedef struct name_set {
  size_t *slot, cap;
} name_set;

static size_t name_hash(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return (size_t)h;
}

/* Index of `name` among names[0..n) or -1; with add, insert index n when absent. -2: no memory. */
static long name_set_find(name_set *s, char **names, size_t n, const char *name, int add) {
  if (add && 2 * (n + 1) > s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 64;
    while (2 * (n + 1) > cap) cap *= 2;
    size_t *slot = nl_calloc(cap, sizeof *slot);
    if (!slot) return -2;
    for (size_t j = 0; j < n; j++) {
      size_t h = name_hash(names[j]) & (cap - 1);
      while (slot[h]) h = (h + 1) & (cap - 1);
      slot[h] = j + 1;
    }
    nl_free(s->slot);
    s->slot = slot;
    s->cap = cap;
  }
  if (!s->cap) return -1;
  size_t h = name_hash(name) & (s->cap - 1);
  for (; s->slot[h]; h = (h + 1) & (s->cap - 1))
    if (!strcmp(names[s->slot[h] - 1], name)) return (long)s->slot[h] - 1;
  if (add) s->slot[h] = n + 1;
  return -1;
}

static char detect_delim(const char *s, size_t n) {
  size_t commas = 0, semis = 0;
  int inq = 0;
  for (size_t i = 0; i < n && (inq || s[i] != '\n'); i++) {
    if (s[i] == '"') inq = !inq;
    else if (!inq && s[i] == ',') commas++;
    else if (!inq && s[i] == ';') semis++;
  }
  return semis > commas ? ';' : ',';
}

nl_status nl_csv_parse(const char *text, size_t len, const char *source, const nl_csv_options *opt,
                       nl_csv_table **out, nl_errbuf *err) {
  nl_status st = NL_OK;
  nl_csv_table *t = NULL;
  double *rows = NULL; /* row-major while reading */
  size_t cap = 0, ncell = 0, namecap = 0;
  lexer lx;
  memset(&lx, 0, sizeof lx);
  name_set seen = {NULL, 0};
  const char *src = source ? source : "<string>";
  *out = NULL;

  t = nl_calloc(1, sizeof *t);
  if (!t || !(t->source = nl_strdup(src))) {
    st = nl_err(err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  lx.s = text;
  lx.n = len;
  lx.line = 1;
  lx.col = 1;
  if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
    lx.pos = 3;
  if (lx_skip_blank(&lx)) {
    st = nl_err(err, NL_EPARSE, "%s:1:1: empty file (expected a header row of column names)", src);
    goto cleanup;
  }
  lx.delim = detect_delim(text + lx.pos, len - lx.pos);

  /* header */
  for (int last = 0; !last;) {
    long fl, fc;
    if ((st = lx_field(&lx, &fl, &fc, &last, src, err)) != NL_OK) goto cleanup;
    if (lx.buflen == 0) {
      st = nl_err(err, NL_EPARSE, "%s:%ld:%ld: empty column name in header", src, fl, fc);
      goto cleanup;
    }
    if (name_set_find(&seen, t->names, t->ncol, lx.buf, 0) >= 0) {
      st = nl_err(err, NL_EPARSE, "%s:%ld:%ld: duplicate column name '%s'", src, fl, fc, lx.buf);
      goto cleanup;
    }
    if (nl_grow(&t->names, &namecap, t->ncol + 1, sizeof *t->names, 16)) {
      st = nl_err(err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
    if (!(t->names[t->ncol] = nl_strdup(lx.buf))) {
      st = nl_err(err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
    t->ncol++; /* owned by the table from here on, also if the set below cannot grow */
    if (name_set_find(&seen, t->names, t->ncol - 1, lx.buf, 1) == -2) {
      st = nl_err(err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
  }
  t->bad_line = nl_calloc(t->ncol, sizeof *t->bad_line);
  t->bad_col = nl_calloc(t->ncol, sizeof *t->bad_col);
  t->bad_text = nl_calloc(t->ncol, sizeof *t->bad_text);
  if (!t->bad_line || !t->bad_col || !t->bad_text) {
    st = nl_err(err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }

  /* records */
  size_t caprow = 0, capcol = 0, captext = 0; /* of t->text_row, text_col, text */
  while (!lx_skip_blank(&lx)) {
    size_t j = 0;
    for (int last = 0; !last; j++) {
      long fl, fc;
      if ((st = lx_field(&lx, &fl, &fc, &last, src, err)) != NL_OK) goto cleanup;
      if (j >= t->ncol) {
        st = nl_err(err, NL_EPARSE, "%s:%ld:%ld: too many fields: the header has %zu columns", src, fl, fc, t->ncol);
        goto cleanup;
      }
      if (last && j + 1 < t->ncol) {
        st = nl_err(err, NL_EPARSE, "%s:%ld:%ld: row has %zu fields, the header has %zu columns", src, fl, fc,
                    j + 1, t->ncol);
        goto cleanup;
      }
      if (nl_grow(&rows, &cap, ncell + 1, sizeof *rows, 1024)) {
        st = nl_err(err, NL_ENOMEM, "out of memory");
        goto cleanup;
      }
      double v = NAN;
      int r = parse_cell(lx.buf, lx.delim, &v);
      if (r == 1 || (r == 0 && opt && opt->has_na_code && v == opt->na_code)) v = NAN;
      if (r < 0) {
        v = NAN;
        size_t need = t->ntext + 1;
        if (nl_grow(&t->text_row, &caprow, need, sizeof *t->text_row, 64) ||
            nl_grow(&t->text_col, &capcol, need, sizeof *t->text_col, 64) ||
            nl_grow(&t->text, &captext, need, sizeof *t->text, 64)) {
          st = nl_err(err, NL_ENOMEM, "out of memory");
          goto cleanup;
        }
        if (!(t->text[t->ntext] = nl_strdup(lx.buf))) {
          st = nl_err(err, NL_ENOMEM, "out of memory");
          goto cleanup;
        }
        t->text_row[t->ntext] = t->nrow;
        t->text_col[t->ntext++] = j;
        if (!t->bad_line[j]) {
          t->bad_line[j] = fl;
          t->bad_col[j] = fc;
          snprintf(t->bad_text[j], sizeof t->bad_text[j], "%s", lx.buf);
        }
      }
      rows[ncell++] = v;
    }
    t->nrow++;
  }

  if (t->nrow > 0 && nl_mul_size(t->nrow, t->ncol, &cap) == 0) {
    t->x = nl_malloc(cap * sizeof *t->x);
    if (!t->x) {
      st = nl_err(err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
    for (size_t i = 0; i < t->nrow; i++)
      for (size_t j = 0; j < t->ncol; j++) t->x[j * t->nrow + i] = rows[i * t->ncol + j];
  }
  *out = t;
  t = NULL;

cleanup:
  nl_free(seen.slot);
  nl_free(rows);
  nl_free(lx.buf);
  nl_csv_table_free(t);
  return st;
}

nl_status nl_csv_read(const char *path, const nl_csv_options *opt, nl_csv_table **out, nl_errbuf *err) {
  nl_status st = NL_OK;
  char *text = NULL;
  size_t len = 0;
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return nl_err(err, NL_EIO, "%s: cannot open: %s", path, strerror(errno));
  int rc = nl_text_slurp(f, SIZE_MAX - 1, &text, &len);
  if (rc == -1) st = nl_err(err, NL_ENOMEM, "out of memory");
  else if (rc) st = nl_err(err, NL_EIO, "%s: read error", path);
  else st = nl_csv_parse(text, len, path, opt, out, err);
  fclose(f);
  nl_free(text);
  return st;
}
