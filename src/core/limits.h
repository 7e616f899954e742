#ifndef NL_CORE_LIMITS_H
#define NL_CORE_LIMITS_H
/*
 * Sizes that can never run. A model's cross-parameter check estimates a lower bound of the memory
 * one simulation state needs (its largest arrays) and refuses more than NL_STATE_MAX_BYTES, so an
 * impossible size is bad input named up front ("m x n = 1e13 beliefs ...") instead of an
 * allocation failure after a database was made. 1 TiB: more than the machines netlearn runs on
 * hold, and a run holds one state per thread. What fits on a given machine is checked later,
 * against its available memory (netlearn run's memory check). docs/models.md, "Size limits".
 */
#include <stdarg.h>
#include <stdio.h>

#include "core/error.h"

#define NL_STATE_MAX_BYTES 1099511627776.0 /* 1 TiB */
/* Bytes a network tie takes at least: its two end points (edge list) and its two adjacency entries. */
#define NL_TIE_BYTES 16.0

/* NL_OK when bytes <= NL_STATE_MAX_BYTES; else NL_ERANGE with "<what> would need at least X TiB ...";
 * what is a printf format naming the parameters. */
static inline nl_status nl_check_state_bytes(nl_errbuf *err, double bytes, const char *what, ...)
    __attribute__((format(printf, 3, 4)));
static inline nl_status nl_check_state_bytes(nl_errbuf *err, double bytes, const char *what, ...) {
  if (bytes <= NL_STATE_MAX_BYTES) return NL_OK;
  char head[256];
  va_list ap;
  va_start(ap, what);
  vsnprintf(head, sizeof head, what, ap);
  va_end(ap);
  return nl_err(err, NL_ERANGE,
                "%s would need at least %.1f TiB for one simulation state, more than the 1 TiB netlearn accepts: "
                "a size that can never run (docs/models.md, size limits)",
                head, bytes / NL_STATE_MAX_BYTES);
}

#endif
