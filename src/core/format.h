#ifndef NL_CORE_FORMAT_H
#define NL_CORE_FORMAT_H
/* Number formatting shared by every writer (parameters, JSON, CSV): in core so that core's own
 * parameter formatting does not reach up into io. */
#include <stddef.h>
#include <stdio.h>

/* Shortest decimal text that reads back to exactly v ("0.1", not "0.10000000000000001");
 * NaN as NA, infinities as Inf and -Inf (R's spelling). buf: caller's, cap bytes (32 suffice). */
void nl_format_double(char *buf, size_t cap, double v);
/* nl_format_double's text written to f (borrowed). */
void nl_format_fput(FILE *f, double v);

#endif
