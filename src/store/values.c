/* Reading single measures of single runs back from the results store (sensitivity analyses
 * average them per design point). */
#if NL_HAVE_STORE /* otherwise store/none.c */
#include <math.h>
#include <sqlite3.h>

#include "core/error.h"
#include "netlearn/experiment.h"
#include "store/store_impl.h"

nl_status nl_store_run_values(nl_store *st, size_t i, size_t measure, long period, long r0, long n, double *out) {
  long pid = nl_store_point_id(st, i);
  if (pid < 0) return nl_err(nl_store_errbuf(st), NL_EINVAL, "no design bound to the store, or point %zu out of range", i);
  const char *sql = period < 0 ? "SELECT value FROM final WHERE point = ?1 AND replication = ?2 AND measure = ?3"
                               : "SELECT value FROM series WHERE point = ?1 AND replication = ?2 AND measure = ?3 "
                                 "AND period <= ?4 ORDER BY period DESC LIMIT 1";
  sqlite3_stmt *q = NULL;
  int rc = sqlite3_prepare_v2(nl_store_db(st), sql, -1, &q, NULL);
  if (rc != SQLITE_OK) return nl_store_dberr(st, rc, "reading run values");
  nl_status s = NL_OK;
  for (long r = 0; r < n; r++) {
    sqlite3_bind_int64(q, 1, pid);
    sqlite3_bind_int64(q, 2, r0 + r);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)measure);
    if (period >= 0) sqlite3_bind_int64(q, 4, period);
    rc = sqlite3_step(q);
    out[r] = rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL ? sqlite3_column_double(q, 0) : NAN;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      s = nl_store_dberr(st, rc, "reading run values");
      break;
    }
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  return s;
}
#endif /* NL_HAVE_STORE */
