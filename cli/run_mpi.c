/* `netlearn run` under mpirun (cli/run_mpi.h): rank 0 hands out runs and writes; others simulate. */
#define _POSIX_C_SOURCE 200809L
#include "run_mpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifdef NL_HAVE_MPI
#include <mpi.h>

enum { TAG_READY = 1, TAG_RESULT = 2, TAG_FAIL = 3, TAG_WORK = 4, TAG_STOP = 5, TAG_CHUNK = 6 };

int cli_mpi_init(cli_mpi *m) {
  memset(m, 0, sizeof *m);
  m->nranks = 1;
  /* Launched by mpirun (or another PMI launcher)? Then MPI is worth initializing. */
  if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMI_SIZE") && !getenv("PMIX_RANK") && !getenv("PMI_RANK")) return 0;
  int provided = 0;
  MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
  MPI_Comm_size(MPI_COMM_WORLD, &m->nranks);
  /* One voice: only rank 0 talks; the others report failures to it through messages. */
  if (m->rank != 0 && (!freopen("/dev/null", "w", stderr) || !freopen("/dev/null", "w", stdout)))
    MPI_Abort(MPI_COMM_WORLD, NL_EXIT_FAILURE);
  return 1;
}

void cli_mpi_finalize(cli_mpi *m) {
  (void)m;
  MPI_Finalize();
}

/* Plain malloc/realloc in this file: the CLI is a client of the public API, which has no nl_grow
 * (internal to the library); the buffers never reach the library. */
static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 8192, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + len, 1, cap - len - 1, f);
    len += got;
    if (got == 0) break;
    if (len + 1 >= cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) buf[len] = '\0';
  return buf;
}

char *cli_mpi_share_text(cli_mpi *m, const char *path) {
  char *text = m->rank == 0 ? read_text(path) : NULL;
  long len = text ? (long)strlen(text) : -1;
  MPI_Bcast(&len, 1, MPI_LONG, 0, MPI_COMM_WORLD);
  if (len < 0) return NULL;
  if (m->rank != 0 && !(text = malloc((size_t)len + 1))) MPI_Abort(MPI_COMM_WORLD, NL_EXIT_FAILURE);
  MPI_Bcast(text, (int)len + 1, MPI_CHAR, 0, MPI_COMM_WORLD);
  return text;
}

void cli_mpi_release(cli_mpi *m, int rc) {
  MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  m->released = 1;
}

nl_status cli_mpi_master(cli_mpi *m, nl_store *st, const nl_run_config *cfg, const long *pairs, long n) {
  cli_mpi_release(m, NL_EXIT_OK);
  nl_run_record rec;
  nl_run_record_init(&rec);
  unsigned char *buf = NULL;
  size_t bufcap = 0;
  long next = 0, done = 0;
  int active = m->nranks - 1, stop = 0;
  nl_status status = NL_OK;
  while (active > 0) {
    MPI_Status ms;
    MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
    int count = 0;
    MPI_Get_count(&ms, MPI_BYTE, &count);
    if ((size_t)count + 1 > bufcap) { /* resized to the message MPI announced, not grown */
      unsigned char *nb = realloc(buf, (size_t)count + 1);
      if (!nb) {
        cli_error("out of memory");
        MPI_Abort(MPI_COMM_WORLD, NL_EXIT_FAILURE);
      }
      buf = nb;
      bufcap = (size_t)count + 1;
    }
    MPI_Recv(buf, count, MPI_BYTE, ms.MPI_SOURCE, ms.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (ms.MPI_TAG == TAG_CHUNK) { /* part of a long run's series; the rank keeps running it */
      if (status != NL_OK && status != NL_ECANCELED) continue;
      if (nl_run_record_unpack(&rec, buf, (size_t)count) || nl_store_write_chunk(st, &rec)) {
        cli_error("%s: %s", m->scenario_path, nl_store_errmsg(st));
        status = NL_EIO;
        stop = 1;
      }
      continue;
    }
    if (ms.MPI_TAG == TAG_RESULT) {
      if (nl_run_record_unpack(&rec, buf, (size_t)count)) {
        if (!stop) cli_error("rank %d sent a malformed result", ms.MPI_SOURCE);
        status = NL_EINTERNAL;
        stop = 1;
      } else if (status == NL_OK || status == NL_ECANCELED) { /* finished runs are committed, also after Ctrl-C */
        rec.worker = ms.MPI_SOURCE;
        if (nl_store_write_run(st, &rec)) {
          cli_error("%s: %s", m->scenario_path, nl_store_errmsg(st));
          status = NL_EIO;
          stop = 1;
        } else {
          done++;
          if (cfg->progress && cfg->progress(cfg->progress_user, done, n) && !stop) {
            stop = 1;
            status = NL_ECANCELED;
          }
        }
      }
    } else if (ms.MPI_TAG == TAG_FAIL) {
      buf[count] = '\0';
      if (!stop) cli_error("%s: rank %d: %s", m->scenario_path, ms.MPI_SOURCE, (const char *)buf);
      status = NL_EINTERNAL;
      stop = 1;
    }
    if (!stop && next < n) {
      long work[2] = {pairs[2 * next], pairs[2 * next + 1]};
      next++;
      MPI_Send(work, 2, MPI_LONG, ms.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
    } else {
      MPI_Send(NULL, 0, MPI_LONG, ms.MPI_SOURCE, TAG_STOP, MPI_COMM_WORLD);
      active--;
    }
  }
  if (status == NL_ECANCELED)
    cli_error("interrupted after %ld of %ld runs; re-run the same command to finish the remaining runs", done, n);
  m->reported = status != NL_OK;
  free(buf);
  nl_run_record_clear(&rec);
  return status;
}

/* A packed record sent to rank 0 (a run's result or a chunk of its series). */
typedef struct mpi_out {
  unsigned char *buf;
  size_t cap;
  int rank;
} mpi_out;

static void mpi_send_record(mpi_out *out, nl_run_record *rec, int tag) {
  rec->worker = out->rank;
  size_t size = 0;
  nl_run_record_pack(rec, NULL, &size);
  if (size > out->cap) { /* resized to the packed size, not grown */
    unsigned char *nb = realloc(out->buf, size);
    if (!nb) MPI_Abort(MPI_COMM_WORLD, NL_EXIT_FAILURE);
    out->buf = nb;
    out->cap = size;
  }
  nl_run_record_pack(rec, out->buf, &size);
  MPI_Send(out->buf, (int)size, MPI_BYTE, 0, tag, MPI_COMM_WORLD);
}

static nl_status mpi_chunk(void *user, const nl_run_record *rec) {
  mpi_send_record(user, (nl_run_record *)rec, TAG_CHUNK);
  return NL_OK;
}

int cli_mpi_worker(cli_mpi *m, const nl_design *d) {
  int go = 0;
  MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (go != NL_EXIT_OK) return NL_EXIT_USAGE;
  nl_run_config cfg;
  nl_worker *w = NULL;
  if (d) {
    nl_run_config_from_scenario(&cfg, nl_design_scenario(d));
    w = nl_worker_new(d, &cfg);
  }
  nl_run_record rec;
  nl_run_record_init(&rec);
  mpi_out out = {NULL, 0, m->rank};
  if (w) nl_worker_set_chunks(w, 0, mpi_chunk, &out);
  if (!w) {
    const char msg[] = "out of memory";
    MPI_Send(msg, (int)sizeof msg, MPI_BYTE, 0, TAG_FAIL, MPI_COMM_WORLD);
  } else {
    MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_READY, MPI_COMM_WORLD);
  }
  for (;;) {
    long work[2];
    MPI_Status ms;
    MPI_Recv(work, 2, MPI_LONG, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &ms);
    if (ms.MPI_TAG != TAG_WORK) break;
    if (!w || nl_worker_run(w, (size_t)work[0], work[1], &rec)) {
      const char *msg = w ? nl_worker_errmsg(w) : "out of memory";
      MPI_Send(msg, (int)strlen(msg) + 1, MPI_BYTE, 0, TAG_FAIL, MPI_COMM_WORLD);
      continue;
    }
    mpi_send_record(&out, &rec, TAG_RESULT);
  }
  free(out.buf);
  nl_run_record_clear(&rec);
  nl_worker_free(w);
  return NL_EXIT_OK;
}

#else /* without MPI support: never under mpirun */

int cli_mpi_init(cli_mpi *m) {
  memset(m, 0, sizeof *m);
  m->nranks = 1;
  return 0;
}
void cli_mpi_finalize(cli_mpi *m) { (void)m; }
char *cli_mpi_share_text(cli_mpi *m, const char *path) {
  (void)m;
  (void)path;
  return NULL;
}
void cli_mpi_release(cli_mpi *m, int rc) {
  (void)rc;
  m->released = 1;
}
nl_status cli_mpi_master(cli_mpi *m, nl_store *st, const nl_run_config *cfg, const long *pairs, long n) {
  (void)m, (void)st, (void)cfg, (void)pairs, (void)n;
  return NL_EINTERNAL;
}
int cli_mpi_worker(cli_mpi *m, const nl_design *d) {
  (void)m, (void)d;
  return NL_EXIT_USAGE;
}
#endif
