/*
 * bench_sweep: the full March (1991) Figure 1 grid (p1 = 0.1..0.9 x p2 = {0.1, 0.5, 0.9}, 80
 * replications per point, every run to equilibrium: 2160 runs) with 1 and 2 threads, and the cost
 * of the results database against the simulation alone.
 *
 *   build/bench/bench_sweep [examples/march1991/figure1.yaml] [repeats]
 *
 * For each thread count it times (best of `repeats`):
 *   sim    the runs alone: the same workers and records, results discarded;
 *   db     the same runs through nl_experiment_run into a fresh results.db (WAL, one transaction
 *          per run, one writer), binding the design included;
 *   export the tidy CSV files from the database (what `netlearn run` does afterwards).
 * DB overhead = (db - sim) / sim, in wall time and in CPU time of the process (the latter is what
 * the database costs even when other programs share the cores). Two variants of the grid store
 * only the final values, and every period of every measure (the worst case for the database). Results go to a temporary directory that is removed.
 */
#define _POSIX_C_SOURCE 200809L
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netlearn/experiment.h"
#include "netlearn/netlearn.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the whole process (all threads): robust to other programs sharing the cores. */
static double cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The runs alone, as nl_experiment_run distributes them, without storing anything. */
static double time_sim(const nl_design *d, const nl_run_config *cfg, const long *pairs, long n, double *checksum,
                       double *cputime) {
  double t0 = now(), c0 = cpu(), sum = 0;
  int failed = 0;
#pragma omp parallel num_threads(cfg->threads) reduction(+ : sum) reduction(| : failed)
  {
    nl_worker *w = nl_worker_new(d, cfg);
    nl_run_record rec;
    nl_run_record_init(&rec);
#pragma omp for schedule(dynamic, 1)
    for (long i = 0; i < n; i++) {
      if (!w || nl_worker_run(w, (size_t)pairs[2 * i], pairs[2 * i + 1], &rec)) {
        failed = 1;
        continue;
      }
      sum += rec.value[(size_t)(rec.rows - 1) * rec.nmeasures];
    }
    nl_run_record_clear(&rec);
    nl_worker_free(w);
  }
  *checksum = sum;
  *cputime = cpu() - c0;
  return failed ? -1 : now() - t0;
}

typedef struct timing {
  double sim, db, export_, sim_cpu, db_cpu;
  long runs;
  double checksum;
} timing;

static int bench(const nl_scenario *sc, int threads, const char *dir, timing *t) {
  nl_design *d = nl_design_new();
  if (!d || nl_design_build(d, sc, 0)) {
    fprintf(stderr, "bench_sweep: %s\n", d ? nl_design_errmsg(d) : "out of memory");
    nl_design_free(d);
    return -1;
  }
  char db[512], cmd[600];
  snprintf(db, sizeof db, "%s/results.db", dir);
  snprintf(cmd, sizeof cmd, "rm -f %s/results.db*", dir);
  if (system(cmd) != 0) return -1;
  nl_store *st = NULL;
  char *argv[] = {"bench_sweep", NULL};
  double t0 = now(), c0 = cpu();
  if (nl_store_open(db, NL_STORE_CREATE, 0, &st) || nl_store_bind(st, d, 1, argv, threads, 1)) {
    fprintf(stderr, "bench_sweep: %s\n", nl_store_errmsg(st));
    return -1;
  }
  long *pairs = NULL, n = 0, total = 0;
  if (nl_store_pending(st, &pairs, &n, &total)) return -1;
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = threads;
  if (nl_experiment_run(st, d, &cfg, pairs, n)) {
    fprintf(stderr, "bench_sweep: %s\n", nl_store_errmsg(st));
    return -1;
  }
  t->db = now() - t0;
  t->db_cpu = cpu() - c0;
  const char *names[8];
  size_t nn;
  t0 = now();
  if (nl_store_export(st, dir, names, &nn)) {
    fprintf(stderr, "bench_sweep: %s\n", nl_store_errmsg(st));
    return -1;
  }
  t->export_ = now() - t0;
  nl_store_free(st);
  t->sim = time_sim(d, &cfg, pairs, n, &t->checksum, &t->sim_cpu);
  t->runs = n;
  nl_free(pairs);
  nl_design_free(d);
  return t->sim < 0 ? -1 : 0;
}

static int report(const char *title, nl_scenario *sc, const char *dir, int repeats) {
  printf("%s\n", title);
  printf("  %-8s %6s %9s %9s %9s %9s %10s %9s %9s\n", "threads", "runs", "sim (s)", "db (s)", "overhead",
         "runs/s", "export (s)", "sim cpu", "db cpu");
  for (int threads = 1; threads <= 2; threads++) {
    timing best = {0}, t;
    for (int k = 0; k < repeats; k++) {
      if (bench(sc, threads, dir, &t)) return -1;
      if (k == 0 || t.sim_cpu < best.sim_cpu) best.sim_cpu = t.sim_cpu;
      if (k == 0 || t.db_cpu < best.db_cpu) best.db_cpu = t.db_cpu;
      if (k == 0 || t.sim < best.sim) {
        best.sim = t.sim;
        best.checksum = t.checksum;
        best.runs = t.runs;
      }
      if (k == 0 || t.db < best.db) best.db = t.db;
      if (k == 0 || t.export_ < best.export_) best.export_ = t.export_;
    }
    printf("  %-8d %6ld %9.3f %9.3f %8.1f%% %9.0f %10.3f %9.3f %9.3f  (cpu overhead %.1f%%)\n", threads, best.runs,
           best.sim, best.db, 100.0 * (best.db - best.sim) / best.sim, (double)best.runs / best.db, best.export_,
           best.sim_cpu, best.db_cpu, 100.0 * (best.db_cpu - best.sim_cpu) / best.sim_cpu);
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "examples/march1991/figure1.yaml";
  int repeats = argc > 2 ? atoi(argv[2]) : 3;
  if (repeats < 1) repeats = 1;
  char dir[] = "/tmp/nl_bench_sweepXXXXXX";
  if (!mkdtemp(dir)) {
    perror("bench_sweep: mkdtemp");
    return 1;
  }
  nl_scenario *sc = nl_scenario_new();
  if (nl_scenario_load_file(sc, path)) {
    fprintf(stderr, "bench_sweep: %s\n", nl_scenario_errmsg(sc));
    return 2;
  }
  printf("bench_sweep: %s, %d cores, best of %d\n", path, omp_get_num_procs(), repeats);
  int rc = report("Figure 1 as in the example (series every 10 periods, 2 measures):", sc, dir, repeats);
  /* The same grid with less and with more stored per run. */
  static const struct {
    const char *title, *outputs;
  } variants[] = {
      {"Same grid, final values only (series: false), the least a run can store:", "{series: false}"},
      {"Same grid, every period of all 4 measures stored (worst case):", "{series: true, every: 1}"},
  };
  for (size_t v = 0; !rc && v < 2; v++) {
    nl_scenario *alt = nl_scenario_new();
    char text[2048];
    snprintf(text, sizeof text,
             "model: march1991\nparameters: {m: 30, n: 50}\nreplications: 80\nseed: 1991\n"
             "stop: {until: equilibrium, periods: 10000}\noutputs: %s\n"
             "sweep:\n  parameters:\n    p2: [0.1, 0.5, 0.9]\n    p1: {from: 0.1, to: 0.9, step: 0.1}\n",
             variants[v].outputs);
    if (nl_scenario_load_string(alt, text, "variant")) rc = -1;
    else rc = report(variants[v].title, alt, dir, repeats);
    nl_scenario_free(alt);
  }
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) rc = -1;
  nl_scenario_free(sc);
  return rc ? 1 : 0;
}
