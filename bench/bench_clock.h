#ifndef NL_BENCH_CLOCK_H
#define NL_BENCH_CLOCK_H
/* Clocks for the benchmarks (each bench file is its own program; include after _POSIX_C_SOURCE). */
#include <time.h>

/* Wall-clock seconds (monotonic). */
static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the whole process (all threads): on a shared machine wall time overstates the work. */
static inline double bench_cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
