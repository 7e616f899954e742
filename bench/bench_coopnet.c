/*
 * bench_coopnet: speed and memory of coopnet, one core.
 *   For F = 100, 1,000 and 10,000 firms of 50 members over 128 dimensions (64 product + 64
 *   process), with the default study's dynamics (ties, 4 formal networks, turbulence, turnover):
 *   periods/second over the first 100 periods (dense: codes still forming) and over periods
 *   101..300 (the long-run regime), and the memory of the state (resident set growth when the
 *   state is created and reset: everything a run needs is allocated then).
 *   Times are CPU seconds of this process (one thread). Measures are not observed (they are computed only when recorded); the last line times one
 *   observation of all measures at F = 10,000.
 *   A second table repeats 100 and 1,000 firms without turnover and turbulence.
 * Usage: bench_coopnet [max_firms] [name=value ...]   (default 10000; parameters on top of the bench's,
 *        e.g. rho=0 theta=0 c_e=0 m_e=0 phi=0 for coopnet 1's dynamics)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netlearn/netlearn.h"

/* CPU time of this (single-threaded) process: robust to other load on the machine. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Resident set size in MiB, from /proc/self/statm (0 where unavailable). */
static double rss_mib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  if (!f) return 0;
  long pages = 0, res = 0;
  if (fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0;
  fclose(f);
  return (double)res * 4096.0 / 1048576.0;
}

static int nextra;
static char **extra; /* name=value settings from the command line */

/* One table: F = 100, 1,000, ... up to maxf; `stable` switches turnover and turbulence off. */
static int bench(const nl_model *m, long maxf, int stable) {
  printf("coopnet, 50 members per firm, 64 product + 64 process dimensions, %s, 1 thread\n",
         stable ? "no turnover or turbulence (codes settle)" : "default dynamics");
  printf("%8s %10s %14s %14s %12s %10s\n", "firms", "ties@300", "periods/s 1-100", "periods/s 101-300",
         "state MiB", "KiB/firm");
  for (long F = 100; F <= maxf; F *= 10) {
    nl_params *p = nl_params_new(m);
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", F);
    if (nl_params_set_text(p, "firms", buf) || nl_params_set_text(p, "size_dist", "fixed") ||
        nl_params_set_text(p, "n", "50") || nl_params_set_text(p, "mP", "64") || nl_params_set_text(p, "mQ", "64")) {
      fprintf(stderr, "bench_coopnet: %s\n", nl_params_errmsg(p));
      return 1;
    }
    /* Keep the mean initial degree near 2 whatever F. */
    snprintf(buf, sizeof buf, "%.6g", 2.0 / (double)(F - 1));
    nl_params_set_text(p, "net_p", buf);
    if (stable) {
      nl_params_set_text(p, "p3", "0");
      nl_params_set_text(p, "p4P", "0");
      nl_params_set_text(p, "p4Q", "0");
    }
    for (int i = 0; i < nextra; i++) {
      char name[64];
      const char *eq = strchr(extra[i], '=');
      if (!eq || (size_t)(eq - extra[i]) >= sizeof name) {
        fprintf(stderr, "bench_coopnet: expected name=value, got '%s'\n", extra[i]);
        return 1;
      }
      memcpy(name, extra[i], (size_t)(eq - extra[i]));
      name[eq - extra[i]] = 0;
      if (nl_params_set_text(p, name, eq + 1)) {
        fprintf(stderr, "bench_coopnet: %s\n", nl_params_errmsg(p));
        return 1;
      }
    }
    double r0 = rss_mib();
    nl_sim *s = nl_sim_new(p);
    if (!s || nl_sim_status(s)) {
      fprintf(stderr, "bench_coopnet: %s\n", s ? nl_sim_errmsg(s) : "out of memory");
      return 1;
    }
    nl_sim_reset(s, 1, 0);
    double mem = rss_mib() - r0;
    double t0 = now();
    for (int t = 0; t < 100; t++) nl_sim_step(s);
    double d1 = now() - t0;
    t0 = now();
    for (int t = 0; t < 200; t++) nl_sim_step(s);
    double d2 = now() - t0;
    double out[64];
    nl_sim_observe(s, out);
    long ties = (long)out[nl_model_measure_index(m, "ties")];
    if (stable) /* memory freed by the first table is reused: growth says nothing here */
      printf("%8ld %10ld %14.1f %14.1f %12s %10s\n", F, ties, 100 / d1, 200 / d2, "-", "-");
    else
      printf("%8ld %10ld %14.1f %14.1f %12.1f %10.1f\n", F, ties, 100 / d1, 200 / d2, mem, mem * 1024 / (double)F);
    if (F == maxf) {
      t0 = now();
      nl_sim_observe(s, out);
      printf("one observation of all %zu measures at %ld firms: %.1f ms\n", nl_model_nmeasures(m), F,
             (now() - t0) * 1000);
    }
    nl_sim_free(s);
    nl_params_free(p);
  }
  return 0;
}

int main(int argc, char **argv) {
  long maxf = argc > 1 ? atol(argv[1]) : 10000;
  nextra = argc > 2 ? argc - 2 : 0;
  extra = argv + 2;
  if (nextra) {
    printf("settings:");
    for (int i = 0; i < nextra; i++) printf(" %s", extra[i]);
    printf("\n");
  }
  const nl_model *m = nl_model_find("coopnet");
  if (bench(m, maxf, 0)) return 1;
  return bench(m, maxf < 1000 ? maxf : 1000, 1);
}
