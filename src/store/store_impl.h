#ifndef NL_STORE_IMPL_H
#define NL_STORE_IMPL_H
/* Results store internals shared by store.c and export.c. */
#include "core/error.h"
#include "netlearn/experiment.h"

#if NL_HAVE_STORE
#include <sqlite3.h>
sqlite3 *nl_store_db(nl_store *st);
#endif
/* Database id of point i of the bound design (-1 when none is bound or i is out of range). */
long nl_store_point_id(const nl_store *st, size_t i);
nl_errbuf *nl_store_errbuf(nl_store *st);
/* Open the database at path on st, made with nl_store_new and not yet opened (nl_store_open
 * without the allocation: nl_experiment_run_dir opens the caller's store). Errors as nl_store_open. */
nl_status nl_store_open_handle(nl_store *st, const char *path, int flags, int busy_ms);
/* Format an SQLite failure (rc) on the store's message, with advice for the common ones. */
nl_status nl_store_dberr(nl_store *st, int rc, const char *what);
/* First column of the first row of sql as text into buf ("" without a row). */
nl_status nl_store_query_text(nl_store *st, const char *sql, char *buf, size_t cap);

/* Remove the series chunks of runs that did not finish (nl_store_write_chunk), and their mark.
 * Cheap when no chunk was written (one meta lookup). */
nl_status nl_store_drop_partial(nl_store *st);
/* The same after this handle wrote chunks, keeping the store's message (an earlier error's) when
 * it fails: the next bind retries, and readers skip unfinished runs' series meanwhile. */
void nl_store_drop_partial_quietly(nl_store *st);

#endif
