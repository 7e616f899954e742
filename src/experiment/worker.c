/* One run at a time: simulation of a design point's replication into a record, and records in bytes. */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/model_impl.h"
#include "experiment/experiment_impl.h"

void nl_run_record_init(nl_run_record *rec) { memset(rec, 0, sizeof *rec); }

void nl_run_record_clear(nl_run_record *rec) {
  nl_free(rec->period);
  nl_free(rec->value);
  nl_run_record_init(rec);
}

/* Room for `rows` rows of nm measures; amortized O(1): the buffers only double. */
static int reserve(nl_run_record *rec, long rows, size_t nm) {
  if (rows <= rec->cap && nm == rec->nmeasures) return 0;
  /* a new width starts the values over: their capacity counted rows of another width */
  size_t cp = rec->cap > 0 ? (size_t)rec->cap : 0, cv = nm == rec->nmeasures ? cp : 0, row_bytes;
  if (nl_mul_size(nm ? nm : 1, sizeof *rec->value, &row_bytes) ||
      nl_grow(&rec->period, &cp, (size_t)rows, sizeof *rec->period, 64) ||
      nl_grow(&rec->value, &cv, (size_t)rows, row_bytes, 64))
    return -1;
  rec->cap = (long)(cv < cp ? cv : cp);
  rec->nmeasures = nm;
  return 0;
}

long nl_run_chunk_rows(size_t nmeasures) {
  /* A row wider than a chunk (or an nmeasures that would overflow the size) gets the minimum. */
  if (nmeasures >= (size_t)NL_RUN_CHUNK_BYTES / sizeof(double)) return 64;
  long rows = NL_RUN_CHUNK_BYTES / (long)((nmeasures + 1) * sizeof(double));
  return rows < 64 ? 64 : rows;
}

static int record(nl_run_record *rec, nl_sim *sim, long period) {
  if (rec->rows == rec->cap && reserve(rec, rec->rows + 1, rec->nmeasures)) return -1;
  rec->period[rec->rows] = period;
  nl_sim_observe(sim, rec->value + (size_t)rec->rows * rec->nmeasures);
  rec->rows++;
  return 0;
}

/* Before recording another row: a full record goes to the sink and is emptied. */
static nl_status drain(nl_run_record *rec, const nl_run_sink *sink, nl_errbuf *err) {
  if (!sink || !sink->fn || rec->rows < sink->rows) return NL_OK;
  nl_status st = sink->fn(sink->user, rec);
  if (st) return nl_err(err, st, "replication %ld: its series could not be written", rec->replication);
  rec->rows = 0;
  return NL_OK;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

nl_status nl_run_simulate(nl_sim *sim, size_t nm, nl_run_record *rec, const nl_run_config *cfg, long rep,
                          nl_errbuf *err) {
  return nl_run_simulate_chunked(sim, nm, rec, cfg, rep, NULL, err);
}

nl_status nl_run_simulate_chunked(nl_sim *sim, size_t nm, nl_run_record *rec, const nl_run_config *cfg, long rep,
                                  const nl_run_sink *sink, nl_errbuf *err) {
  double t0 = now();
  rec->rows = 0;
  rec->periods_run = 0;
  rec->equilibrium = 0;
  rec->replication = rep;
  if (reserve(rec, 1, nm)) return nl_err(err, NL_ENOMEM, "out of memory recording replication %ld", rep);
  nl_status st = nl_sim_reset(sim, cfg->seed, (uint64_t)rep);
  if (st) return nl_err(err, st, "replication %ld: %s", rep, nl_sim_errmsg(sim));
  if (record(rec, sim, 0)) return nl_err(err, NL_ENOMEM, "out of memory recording replication %ld", rep);
  long every = cfg->every > 0 ? cfg->every : 1;
  for (long t = 1; t <= cfg->periods; t++) {
    /* A long run (hours of coopnet or lazer2007) must obey Ctrl-C, not only the commits. */
    if (cfg->interrupt && t % NL_INTERRUPT_EVERY == 0 && cfg->interrupt(cfg->interrupt_user))
      return nl_err(err, NL_ECANCELED, "replication %ld interrupted at period %ld", rep, t);
    st = nl_sim_step(sim);
    if (st) return nl_err(err, st, "replication %ld, period %ld: %s", rep, t, nl_sim_errmsg(sim));
    int eq = cfg->until == NL_UNTIL_EQUILIBRIUM && nl_sim_at_equilibrium(sim);
    if (t % every == 0 || eq || t == cfg->periods) {
      if ((st = drain(rec, sink, err))) return st;
      if (record(rec, sim, t)) return nl_err(err, NL_ENOMEM, "out of memory recording replication %ld", rep);
    }
    rec->periods_run = t;
    if (eq) {
      rec->equilibrium = 1;
      break;
    }
  }
  rec->seconds = now() - t0;
  return NL_OK;
}

/* ---- workers ----------------------------------------------------------------------------------- */

struct nl_worker {
  const nl_design *d;
  nl_run_config cfg;
  nl_sim *sim;
  size_t sim_point; /* the point sim was made for */
  nl_run_sink sink; /* chunks of long runs (fn NULL: none) */
  nl_errbuf err;
};

nl_worker *nl_worker_new(const nl_design *d, const nl_run_config *cfg) {
  nl_worker *w = nl_calloc(1, sizeof *w);
  if (!w) return NULL;
  w->d = d;
  w->cfg = *cfg;
  /* Without stored series only the last row is kept: observing every period would be wasted. */
  if (!nl_scenario_series(nl_design_scenario(d))) w->cfg.every = LONG_MAX;
  return w;
}

void nl_worker_free(nl_worker *w) {
  if (!w) return;
  nl_sim_free(w->sim);
  nl_free(w);
}

const char *nl_worker_errmsg(const nl_worker *w) { return NL_ERRMSG_OF(w); }

void nl_worker_set_chunks(nl_worker *w, long rows, nl_chunk_fn fn, void *user) {
  w->sink.rows = rows;
  w->sink.fn = fn;
  w->sink.user = user;
}

nl_status nl_worker_run(nl_worker *w, size_t point, long rep, nl_run_record *rec) {
  if (point >= nl_design_npoints(w->d)) return nl_err(&w->err, NL_EINVAL, "design point %zu out of range", point);
  if (!w->sim || w->sim_point != point) {
    nl_sim_free(w->sim);
    w->sim = nl_sim_new(nl_design_params(w->d, point));
    if (!w->sim) return nl_err(&w->err, NL_ENOMEM, "out of memory creating a simulation");
    if (nl_sim_status(w->sim)) {
      nl_status st = nl_err(&w->err, nl_sim_status(w->sim), "%s", nl_sim_errmsg(w->sim));
      nl_sim_free(w->sim);
      w->sim = NULL;
      return st;
    }
    w->sim_point = point;
  }
  size_t nm = nl_model_nmeasures(nl_params_model(nl_design_params(w->d, point)));
  nl_run_sink sink = w->sink;
  if (sink.fn && sink.rows <= 0) sink.rows = nl_run_chunk_rows(nm);
  rec->point = point; /* before the run: its chunks name it */
  nl_status st = nl_run_simulate_chunked(w->sim, nm, rec, &w->cfg, rep, &sink, &w->err);
  if (st) nl_err_prefix(&w->err, nl_design_key(w->d, point));
  return st;
}

/* ---- serialization: int64 header, periods, values (native byte order: one cluster) ---------- */

enum { HDR = 7 };

void nl_run_record_pack(const nl_run_record *rec, unsigned char *buf, size_t *size) {
  size_t rows = (size_t)rec->rows, nm = rec->nmeasures;
  *size = HDR * sizeof(int64_t) + rows * sizeof(int64_t) + rows * nm * sizeof(double) + sizeof(double);
  if (!buf) return;
  int64_t h[HDR] = {(int64_t)rec->point, rec->replication, rec->rows, (int64_t)nm, rec->periods_run, rec->equilibrium,
                    rec->worker};
  memcpy(buf, h, sizeof h);
  buf += sizeof h;
  for (size_t i = 0; i < rows; i++) {
    int64_t p = rec->period[i];
    memcpy(buf, &p, sizeof p);
    buf += sizeof p;
  }
  memcpy(buf, rec->value, rows * nm * sizeof(double));
  buf += rows * nm * sizeof(double);
  memcpy(buf, &rec->seconds, sizeof(double));
}

nl_status nl_run_record_unpack(nl_run_record *rec, const unsigned char *buf, size_t size) {
  int64_t h[HDR];
  if (size < sizeof h) return NL_EPARSE;
  memcpy(h, buf, sizeof h);
  if (h[2] < 0 || h[3] < 0 || h[3] > 100000 || h[2] > (int64_t)(size / 8)) return NL_EPARSE;
  size_t rows = (size_t)h[2], nm = (size_t)h[3];
  if (size != sizeof h + rows * sizeof(int64_t) + rows * nm * sizeof(double) + sizeof(double)) return NL_EPARSE;
  if (reserve(rec, (long)rows, nm)) return NL_ENOMEM;
  buf += sizeof h;
  for (size_t i = 0; i < rows; i++) {
    int64_t p;
    memcpy(&p, buf, sizeof p);
    rec->period[i] = (long)p;
    buf += sizeof p;
  }
  memcpy(rec->value, buf, rows * nm * sizeof(double));
  buf += rows * nm * sizeof(double);
  memcpy(&rec->seconds, buf, sizeof(double));
  rec->point = (size_t)h[0];
  rec->replication = (long)h[1];
  rec->rows = (long)h[2];
  rec->periods_run = (long)h[4];
  rec->equilibrium = (int)h[5];
  rec->worker = (int)h[6];
  return NL_OK;
}
