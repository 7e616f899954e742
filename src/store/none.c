/*
 * The results store of a netlearn built without SQLite (NL_WITH_STORE=OFF): a handle that holds
 * only its message; every operation that needs the database returns NL_EUNSUPPORTED ("netlearn
 * was built without the results database"), so runs through nl_results_run still work and
 * results.db-based commands fail with a clear message.
 */
#if !NL_HAVE_STORE
#include "core/alloc.h"
#include "store/store_impl.h"

struct nl_store {
  nl_errbuf err;
};

static nl_status without(nl_store *st) { return nl_err_without(&st->err, "store"); }

nl_store *nl_store_new(void) { return nl_calloc(1, sizeof(nl_store)); }
void nl_store_free(nl_store *st) { nl_free(st); }
const char *nl_store_errmsg(const nl_store *st) { return st ? st->err.msg : "out of memory"; }
nl_errbuf *nl_store_errbuf(nl_store *st) { return &st->err; }
long nl_store_point_id(const nl_store *st, size_t i) {
  (void)st, (void)i;
  return -1;
}

nl_status nl_store_open_handle(nl_store *st, const char *path, int flags, int busy_ms) {
  (void)path, (void)flags, (void)busy_ms;
  return without(st);
}
nl_status nl_store_set_max_pages(nl_store *st, long pages) {
  (void)pages;
  return without(st);
}
nl_status nl_store_bind(nl_store *st, const nl_design *d, int argc, char *const *argv, int threads, int ranks) {
  (void)d, (void)argc, (void)argv, (void)threads, (void)ranks;
  return without(st);
}
nl_status nl_store_pending(nl_store *st, long **pairs, long *n, long *total) {
  (void)pairs, (void)n, (void)total;
  return without(st);
}
nl_status nl_store_write_chunk(nl_store *st, const nl_run_record *rec) {
  (void)rec;
  return without(st);
}
nl_status nl_store_write_run(nl_store *st, const nl_run_record *rec) {
  (void)rec;
  return without(st);
}
nl_status nl_store_drop_partial(nl_store *st) { return without(st); }
void nl_store_drop_partial_quietly(nl_store *st) { (void)st; }
nl_status nl_store_finish(nl_store *st) { return without(st); }
nl_status nl_store_counts(nl_store *st, long *points, long *done, long *total) {
  (void)points, (void)done, (void)total;
  return without(st);
}
nl_status nl_store_dberr(nl_store *st, int rc, const char *what) {
  (void)rc, (void)what;
  return without(st);
}
nl_status nl_store_query_text(nl_store *st, const char *sql, char *buf, size_t cap) {
  (void)sql;
  if (cap) buf[0] = '\0';
  return without(st);
}
nl_status nl_store_run_values(nl_store *st, size_t i, size_t measure, long period, long r0, long n, double *out) {
  (void)i, (void)measure, (void)period, (void)r0, (void)n, (void)out;
  return without(st);
}
nl_status nl_store_export(nl_store *st, const char *dir, const char **names, size_t *nnames) {
  (void)dir, (void)names, (void)nnames;
  return without(st);
}
nl_status nl_store_summary(nl_store *st, FILE *f, int maxmeasures) {
  (void)f, (void)maxmeasures;
  return without(st);
}
nl_status nl_store_final_means(nl_store *st, size_t max, char (*names)[64], double *means, size_t *n, long *runs,
                               long *equilibrium) {
  (void)max, (void)names, (void)means, (void)n, (void)runs, (void)equilibrium;
  return without(st);
}
nl_status nl_store_write_manifest(nl_store *st, const char *path, const nl_design *d, int argc, char *const *argv,
                                  const char *const *outputs, size_t noutputs) {
  (void)path, (void)d, (void)argc, (void)argv, (void)outputs, (void)noutputs;
  return without(st);
}
#endif /* !NL_HAVE_STORE */
