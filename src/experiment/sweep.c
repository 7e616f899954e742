/* Running a design's pending runs on OpenMP threads, one writer committing each finished run. */
#include <omp.h>
#include <pthread.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "experiment/experiment_impl.h"
#include "netlearn/experiment.h"
#include "store/store_impl.h"

/* Chunks of a long run's series go to the store from the thread that runs it, under the writer's
 * lock, so a run holds at most one chunk of rows in memory. */
typedef struct chunk_ctx {
  nl_store *st;
  pthread_mutex_t *writer;
  volatile int *failed;
} chunk_ctx;

static nl_status write_chunk(void *user, const nl_run_record *rec) {
  chunk_ctx *c = user;
  pthread_mutex_lock(c->writer);
  nl_status s = *c->failed ? NL_EIO : nl_store_write_chunk(c->st, rec);
  if (s) *c->failed = 1;
  pthread_mutex_unlock(c->writer);
  return s;
}

nl_status nl_experiment_run(nl_store *st, const nl_design *d, const nl_run_config *cfg, const long *pairs, long n) {
  nl_errbuf *err = nl_store_errbuf(st);
  nl_err_clear(err);
  if (n <= 0) return NL_OK;
  nl_status status = NL_OK;
  long done = 0;
  volatile int stop = 0, failed = 0;
  int threads = cfg->threads > 0 ? cfg->threads : omp_get_max_threads();
  if (threads > n) threads = (int)n;
  /* The writer's lock: a pthread mutex sleeps while it waits, where an OpenMP critical section may
   * spin for a long time and take the core from the threads that simulate. */
  pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;
  chunk_ctx chunks = {st, &writer, &failed};

#pragma omp parallel num_threads(threads)
  {
    nl_errbuf terr;
    nl_status tst = NL_OK;
    nl_run_record rec;
    nl_run_record_init(&rec);
    rec.worker = omp_get_thread_num();
    nl_worker *w = nl_worker_new(d, cfg);
    if (!w) tst = nl_err(&terr, NL_ENOMEM, "out of memory");
    else nl_worker_set_chunks(w, cfg->chunk_rows, write_chunk, &chunks);
    /* Runs are ordered point by point, so a thread mostly keeps its simulation state. */
#pragma omp for schedule(dynamic, 1)
    for (long i = 0; i < n; i++) {
      if (tst || stop) continue;
      if (cfg->interrupt && cfg->interrupt(cfg->interrupt_user)) {
        stop = 1;
        continue;
      }
      tst = nl_worker_run(w, (size_t)pairs[2 * i], pairs[2 * i + 1], &rec);
      if (tst == NL_ECANCELED) { /* interrupted mid-run: not recorded, not an error */
        tst = NL_OK;
        stop = 1;
        continue;
      }
      if (tst) {
        pthread_mutex_lock(&writer);
        /* A chunk the store refused: its message (disk full ...) says more than the run's. */
        if (failed) memcpy(terr.msg, err->msg, sizeof terr.msg);
        else nl_err(&terr, tst, "%s", nl_worker_errmsg(w));
        pthread_mutex_unlock(&writer);
        stop = 1;
        continue;
      }
      rec.worker = omp_get_thread_num();
      /* A run that finished is committed even after a stop was asked: its work is not thrown
       * away. Only a store error stops the writes. */
      pthread_mutex_lock(&writer);
      {
        if (!failed) {
          nl_status ws = nl_store_write_run(st, &rec);
          if (ws) {
            tst = ws;
            memcpy(terr.msg, err->msg, sizeof terr.msg);
            failed = stop = 1;
          } else {
            done++;
            if (cfg->progress && cfg->progress(cfg->progress_user, done, n)) stop = 1;
          }
        }
      }
      pthread_mutex_unlock(&writer);
    }
    if (tst) {
      pthread_mutex_lock(&writer);
      if (!status) {
        status = tst;
        memcpy(err->msg, terr.msg, sizeof terr.msg);
      }
      failed = 1;
      stop = 1;
      pthread_mutex_unlock(&writer);
    }
    nl_worker_free(w);
    nl_run_record_clear(&rec);
  }
  pthread_mutex_destroy(&writer);
  nl_store_drop_partial_quietly(st); /* chunks of runs stopped mid-way */
  if (!status && stop)
    status = nl_err(err, NL_ECANCELED, "interrupted after %ld of %ld runs; the finished runs are kept", done, n);
  return status;
}
