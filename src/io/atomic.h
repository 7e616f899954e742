#ifndef NL_IO_ATOMIC_H
#define NL_IO_ATOMIC_H
/*
 * Atomic file replacement: write to "<path>.tmp.<pid>", then flush, fsync and rename over <path>.
 * A reader (or a crash) sees either the old file or the complete new one, never half of it.
 */
#include <stdio.h>

#include "core/error.h"

typedef struct nl_atomic_file {
  FILE *f;
  char path[4096];
  char tmp[4160];
} nl_atomic_file;

nl_status nl_atomic_open(nl_atomic_file *a, const char *path, nl_errbuf *err);
/* Close and rename into place; on any write error removes the temporary file and reports it. */
nl_status nl_atomic_commit(nl_atomic_file *a, nl_errbuf *err);
/* Discard the temporary file (safe to call after a failed commit or twice). */
void nl_atomic_abort(nl_atomic_file *a);

#endif
