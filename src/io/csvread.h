#ifndef NL_IO_CSVREAD_H
#define NL_IO_CSVREAD_H
/*
 * A general reader for numeric data tables in CSV form.
 *
 * - The first record is a header of column names (quotes optional, names must be unique).
 * - The delimiter is auto-detected from the header: ';' if it has more semicolons than commas
 *   (outside quotes), else ','. With ';' a decimal comma ("3,5") is accepted in numbers.
 * - Fields may be quoted with "..." ("" inside quotes is a literal quote); CRLF line ends and a
 *   UTF-8 byte-order mark are accepted; blank lines are skipped.
 * - Missing values: an empty field, NA, N/A, NaN, '.' (any case), and optionally every cell equal
 *   to a numeric missing code (e.g. -99). Missing cells are stored as NAN.
 * - A cell that is neither a number nor missing does not fail the read (the table may carry text
 *   columns nobody uses); the column is marked non-numeric and the location of its first such
 *   cell is kept, so a user of the column can report "file:line:column: ...".
 * - Errors (file missing, ragged row, unterminated quote, duplicate column name) are reported as
 *   "file:line:column: message" in the caller's nl_errbuf.
 */
#include <stddef.h>

#include "core/error.h"

typedef struct nl_csv_options {
  int has_na_code;   /* nonzero: cells equal to na_code are missing */
  double na_code;
} nl_csv_options;

typedef struct nl_csv_table {
  size_t nrow, ncol;
  char **names;        /* ncol column names (owned) */
  double *x;           /* column-major nrow x ncol values, NAN = missing (owned) */
  /* Per column: 0 if every cell is numeric or missing, else the 1-based line and column (field
   * start) of the first non-numeric cell, and its text (truncated to 63 bytes). */
  long *bad_line;
  long *bad_col;
  char (*bad_text)[64];
  /* Every non-numeric cell (stored as NAN in x), sparsely, in reading order: row, column and
   * text (owned), so text columns such as group labels can be used (nl_csv_table_text). */
  size_t ntext;
  size_t *text_row, *text_col;
  char **text;
  char *source;        /* name used in messages (owned) */
} nl_csv_table;

/* Read a CSV file. `opt` may be NULL (no missing code). On success *out is a new table the caller
 * frees with nl_csv_table_free. Errors: NL_EIO (cannot open/read), NL_EPARSE (malformed CSV),
 * NL_ENOMEM. Cost O(file size). */
nl_status nl_csv_read(const char *path, const nl_csv_options *opt, nl_csv_table **out, nl_errbuf *err);

/* Parse CSV text of `len` bytes (borrowed); `source` names it in messages ("<string>" if NULL). */
nl_status nl_csv_parse(const char *text, size_t len, const char *source, const nl_csv_options *opt,
                       nl_csv_table **out, nl_errbuf *err);

/* Index of the column named `name`, or -1. O(ncol). */
long nl_csv_table_find(const nl_csv_table *t, const char *name);

/* Text of cell (row, col) if it was not a number or missing, else NULL (borrowed). O(log ntext). */
const char *nl_csv_table_text(const nl_csv_table *t, size_t row, size_t col);

/* Free a table (NULL is harmless). */
void nl_csv_table_free(nl_csv_table *t);

#endif
