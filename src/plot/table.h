#ifndef NL_PLOT_TABLE_H
#define NL_PLOT_TABLE_H
/* CSV tables of text cells for the plot module (header row + rows; ',' or ';' detected from the
 * header; "quoted" fields with "" escapes; CRLF, a UTF-8 BOM and blank lines accepted). */
#include <stddef.h>

#include "core/error.h"

typedef struct nl_strtab {
  size_t nrow, ncol;  /* rows after the header */
  char **cell;        /* (nrow + 1) x ncol, row 0 the header */
  char *text;
  char source[512];
} nl_strtab;

/* Errors ("file:line: ..."): NL_EIO, NL_EPARSE (ragged row, unterminated quote, empty file),
 * NL_ENOMEM. O(file size). */
nl_status nl_strtab_read(const char *path, nl_strtab **out, nl_errbuf *err);
nl_status nl_strtab_parse(const char *text, size_t len, const char *source, nl_strtab **out, nl_errbuf *err);
void nl_strtab_free(nl_strtab *t);
long nl_strtab_col(const nl_strtab *t, const char *name); /* -1 if absent */
const char *nl_strtab_cell(const nl_strtab *t, size_t row, size_t col);
/* The cell as a number; NaN when missing (empty, NA, NaN, '.') or not a number. */
double nl_strtab_num(const nl_strtab *t, size_t row, size_t col);
/* 1 and *v when s is a number or missing (NaN); 0 when it is text. */
int nl_strtab_parse_num(const char *s, double *v);
int nl_strtab_missing(const char *s);

#endif
