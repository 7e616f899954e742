/*
 * Benchmark of `netlearn power` on the seed study's model (examples/power/seed-model.txt:
 * 5 constructs, 17 indicators, 8 paths): R replications x 4 sample sizes (50, 90, 150, 300) x B
 * bootstrap resamples, i.e. R * 4 * (B + 1) PLS estimations. Usage:
 *   bench_power [MODEL] [--reps R] [--boot B] [--threads T]     (defaults 1000, 500, 2)
 * Prints wall and process CPU time and the time per estimation.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"
#include "netlearn/power.h"

int main(int argc, char **argv) {
  char root[2048], defmodel[2200];
  snprintf(root, sizeof root, "%s", __FILE__);
  char *cut = strstr(root, "/bench/bench_power.c");
  if (cut) *cut = '\0';
  else snprintf(root, sizeof root, ".");
  snprintf(defmodel, sizeof defmodel, "%s/examples/power/seed-model.txt", root);
  const char *model = defmodel;
  nl_power_options o;
  nl_power_options_default(&o);
  o.threads = 2;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--reps") && i + 1 < argc) o.reps = (size_t)strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--boot") && i + 1 < argc) o.nboot = (size_t)strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) o.threads = atoi(argv[++i]);
    else model = argv[i];
  }
  nl_power *pw = NULL;
  if (nl_power_read(model, &o, &pw) != NL_OK) {
    fprintf(stderr, "bench_power: %s\n", nl_power_errmsg(pw));
    nl_power_free(pw);
    return 1;
  }
  const size_t n[] = {50, 90, 150, 300};
  double w0 = bench_now(), c0 = bench_cpu();
  nl_status st = nl_power_run(pw, n, 4);
  double wall = bench_now() - w0, cput = bench_cpu() - c0;
  if (st != NL_OK) {
    fprintf(stderr, "bench_power: %s\n", nl_power_errmsg(pw));
    nl_power_free(pw);
    return 1;
  }
  double est = (double)o.reps * 4.0 * (double)(o.nboot + 1);
  printf("power: %zu indicators, %zu paths; %zu replications x 4 sizes (50, 90, 150, 300) x %zu resamples, "
         "%d threads\n", nl_power_n_indicators(pw), nl_power_n_paths(pw), o.reps, o.nboot, o.threads);
  printf("  %.0f PLS estimations: wall %.2f s, CPU %.2f s (%.2f us CPU per estimation)\n", est, wall, cput,
         1e6 * cput / est);
  nl_power_stat x;
  for (size_t s = 0; s < 4 && nl_power_get(pw, s, 0, &x) == NL_OK; s++)
    printf("  %s -> %s at n = %zu: power %.3f\n", nl_power_path_from(pw, 0), nl_power_path_to(pw, 0), x.n, x.power);
  nl_power_free(pw);
  return 0;
}
