/*
 * nl_pls_data: a named numeric table for PLS-SEM, read from CSV (io/csvread) or copied from a
 * caller's matrix.
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "pls/pls_internal.h"

const char *nl_pls_data_errmsg(const nl_pls_data *d) { return NL_ERRMSG_OF(d); }

void nl_pls_data_free(nl_pls_data *d) {
  if (!d) return;
  nl_csv_table_free(d->t);
  nl_free(d);
}

size_t nl_pls_data_nrow(const nl_pls_data *d) {
  return d && d->t ? d->t->nrow : 0;
}

size_t nl_pls_data_ncol(const nl_pls_data *d) {
  return d && d->t ? d->t->ncol : 0;
}

nl_status nl_pls_data_read(const char *path, nl_pls_data **out) {
  *out = NULL;
  nl_pls_data *d = nl_calloc(1, sizeof *d);
  if (!d) return NL_ENOMEM;
  *out = d;
  if (!path) return nl_err(&d->err, NL_EINVAL, "no data file given");
  return nl_csv_read(path, NULL, &d->t, &d->err);
}

nl_status nl_pls_data_from_matrix(const double *x, size_t nrow, size_t ncol, const char *const *names,
                                  nl_pls_data **out) {
  nl_status st = NL_OK;
  size_t cells = 0;
  *out = NULL;
  nl_pls_data *d = nl_calloc(1, sizeof *d);
  if (!d) return NL_ENOMEM;
  *out = d;
  if ((!x && nrow * ncol > 0) || !names) return nl_err(&d->err, NL_EINVAL, "data matrix or column names missing");
  if (nl_mul_size(nrow, ncol, &cells) != 0) return nl_err(&d->err, NL_ERANGE, "data matrix too large");
  nl_csv_table *t = nl_calloc(1, sizeof *t);
  if (!t) return nl_err(&d->err, NL_ENOMEM, "out of memory");
  d->t = t;
  t->source = nl_strdup("<matrix>");
  t->names = nl_calloc(ncol ? ncol : 1, sizeof *t->names);
  t->bad_line = nl_calloc(ncol ? ncol : 1, sizeof *t->bad_line);
  t->bad_col = nl_calloc(ncol ? ncol : 1, sizeof *t->bad_col);
  t->bad_text = nl_calloc(ncol ? ncol : 1, sizeof *t->bad_text);
  t->x = nl_malloc((cells ? cells : 1) * sizeof *t->x);
  if (!t->source || !t->names || !t->bad_line || !t->bad_col || !t->bad_text || !t->x)
    return nl_err(&d->err, NL_ENOMEM, "out of memory");
  t->ncol = ncol;
  t->nrow = nrow;
  for (size_t j = 0; j < ncol; j++) {
    if (!names[j] || !names[j][0]) return nl_err(&d->err, NL_EINVAL, "column %zu has no name", j + 1);
    for (size_t k = 0; k < j; k++)
      if (strcmp(names[k], names[j]) == 0)
        return nl_err(&d->err, NL_EINVAL, "duplicate column name '%s' (columns %zu and %zu)", names[j], k + 1, j + 1);
    if (!(t->names[j] = nl_strdup(names[j]))) return nl_err(&d->err, NL_ENOMEM, "out of memory");
  }
  /* NAN is missing; an infinite cell is no observation at all (it made the indicator's variance
   * overflow and the message spoke of zero variance). */
  for (size_t c = 0; c < cells; c++)
    if (isinf(x[c]))
      return nl_err(&d->err, NL_EINVAL, "column '%s', row %zu: %g is not a value a survey can hold (NaN is missing)",
                    names[c / (nrow ? nrow : 1)], c % (nrow ? nrow : 1) + 1, x[c]);
  if (cells) memcpy(t->x, x, cells * sizeof *x);
  return st;
}
