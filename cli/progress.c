#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include "cli.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_init(cli_progress *p, const char *unit, int quiet) {
  p->enabled = !quiet && isatty(fileno(stderr));
  p->start = cli_now();
  p->last_draw = 0;
  p->unit = unit;
}

int cli_progress_update(void *user, long done, long total) {
  cli_progress_note(user, done, total, "");
  return 0;
}

int cli_progress_or_stop(void *user, long done, long total) {
  cli_progress_note(user, done, total, "");
  return cli_interrupted();
}

void cli_progress_note(cli_progress *p, long done, long total, const char *note) {
  if (!p->enabled) return;
  double now = cli_now();
  if (done < total && now - p->last_draw < 0.1) return;
  p->last_draw = now;
  double el = now - p->start;
  double rate = el > 0 ? (double)done / el : 0;
  double eta = rate > 0 ? (double)(total - done) / rate : 0;
  int width = 30, fill = total > 0 ? (int)((double)width * (double)done / (double)total) : 0;
  char bar[64];
  for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
  bar[width] = '\0';
  fprintf(stderr, "\r[%s] %ld/%ld %s  %.1f/s  ETA %.0fs%s   ", bar, done, total, p->unit, rate, eta, note);
  fflush(stderr);
}

void cli_progress_finish(cli_progress *p) {
  if (p->enabled) fputs("\n", stderr);
}
