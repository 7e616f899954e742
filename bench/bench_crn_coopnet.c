/*
 * bench_crn_coopnet: how well common random numbers hold coopnet's replications together.
 *
 * The suite's small coopnet (40 firms of 6 members, mP = mQ = 8, 60 periods, every firm surveyed,
 * window 30; the eight paths of the seed-000 model: bench_coopnet_study.h).
 * For theta, x_mean, rho and span_x at coopnet's defaults, and a step delta of 0.02 and 0.05, the
 * same replications (seed, r) are run at theta and at theta + delta. Printed per path and for a
 * few measures (their mean over the survey window): the correlation across replications of the
 * two runs, the mean paired difference per 0.1 and its t (paired difference over its standard
 * error). With strong common random numbers a nearby parameter vector gives nearly the same run
 * (correlation near 1), so small slopes can be measured with few replications; with weak ones the
 * pair is as noisy as two independent runs (correlation near 0). Also: CPU ms per replication
 * (simulation, survey, PLS).
 * Usage: bench_crn_coopnet [replications (default 100)] [name=value ...] [vary=p1,p2,...]
 *   name=value moves the base point off coopnet's defaults (e.g. rho=0.05); vary lists the
 *   parameters stepped (default theta,x_mean,rho,span_x).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"
#include "netlearn/netlearn.h"
#include "bench_coopnet_study.h"

static const char *const meas[] = {"code_knowledge", "mean_degree", "transfers_informal", "explorative_changes",
                                   "refinements"};
enum { NPATH = BENCH_NPATH, NMEAS = 5, PERIODS = 60, WINDOW = 30, NOUT = NPATH + NMEAS };

/* Replication r at p: the eight paths, then each measure's mean over the survey window. */
static int replicate(const nl_study *st, const nl_params *p, const size_t *idx, const long *mi, long r, double *out,
                     double *sim_buf) {
  char msg[256];
  if (nl_study_replicate_paths(st, p, 1001, r, idx, NPATH, out, NULL, NULL, msg, sizeof msg)) {
    fprintf(stderr, "bench_crn_coopnet: %s\n", msg);
    return 1;
  }
  nl_sim *sim = nl_sim_new(p);
  if (nl_sim_status(sim) || nl_sim_reset(sim, 1001, (uint64_t)r)) {
    fprintf(stderr, "bench_crn_coopnet: %s\n", nl_sim_errmsg(sim));
    nl_sim_free(sim);
    return 1;
  }
  for (int k = 0; k < NMEAS; k++) out[NPATH + k] = 0;
  for (long t = 1; t <= PERIODS; t++) {
    nl_sim_step(sim);
    if (t <= PERIODS - WINDOW) continue;
    nl_sim_observe(sim, sim_buf);
    for (int k = 0; k < NMEAS; k++) out[NPATH + k] += sim_buf[mi[k]] / WINDOW;
  }
  nl_sim_free(sim);
  return 0;
}

int main(int argc, char **argv) {
  long R = argc > 1 ? atol(argv[1]) : 100;
  if (R < 3) R = 3;
  static char vary_buf[512] = "theta,x_mean,rho,span_x";
  const char *par[32];
  int npar = 0;
  nl_study *st;
  size_t idx[NPATH];
  if (bench_coopnet_study("bench_crn_coopnet", 40, &st, idx)) return 1;
  nl_params *base = nl_params_clone(nl_scenario_params(nl_study_scenario(st)));
  if (!base) return 1;
  for (int i = 2; i < argc; i++) {
    if (!strncmp(argv[i], "vary=", 5)) snprintf(vary_buf, sizeof vary_buf, "%s", argv[i] + 5);
    else if (bench_set_param("bench_crn_coopnet", base, argv[i])) return 2;
  }
  for (char *tok = strtok(vary_buf, ","); tok && npar < 32; tok = strtok(NULL, ",")) par[npar++] = tok;
  const nl_model *m = nl_params_model(base);
  long mi[NMEAS];
  for (int k = 0; k < NMEAS; k++)
    if ((mi[k] = nl_model_measure_index(m, meas[k])) < 0) return 1;
  double *buf = malloc(nl_model_nmeasures(m) * sizeof(double));
  double *x0 = malloc((size_t)R * NOUT * sizeof(double)), *x1 = malloc((size_t)R * NOUT * sizeof(double));
  if (!buf || !x0 || !x1) return 1;

  double t0 = bench_cpu();
  for (long r = 0; r < R; r++) {
    char msg[256];
    if (nl_study_replicate_paths(st, base, 1001, r, idx, NPATH, x0 + r * NOUT, NULL, NULL, msg, sizeof msg)) {
      fprintf(stderr, "bench_crn_coopnet: %s\n", msg);
      return 1;
    }
  }
  printf("CPU ms per replication (simulation, survey, PLS): %.2f\n", 1000 * (bench_cpu() - t0) / (double)R);
  for (long r = 0; r < R; r++)
    if (replicate(st, base, idx, mi, r, x0 + r * NOUT, buf)) return 1;

  for (int k = 0; k < NOUT; k++) { /* the base point: mean and sd over replications */
    double s0 = 0, s00 = 0;
    for (long r = 0; r < R; r++) s0 += x0[r * NOUT + k], s00 += x0[r * NOUT + k] * x0[r * NOUT + k];
    double mean = s0 / (double)R, sd = sqrt((s00 - s0 * mean) / (double)(R - 1));
    if (k < NPATH) printf("base %s->%s: mean %.4f sd %.4f\n", bench_paths[k][0], bench_paths[k][1], mean, sd);
    else printf("base %s: mean %.4f sd %.4f\n", meas[k - NPATH], mean, sd);
  }
  static const double delta[] = {0.02, 0.05};
  double sumcorr[2] = {0, 0};
  int ncorr[2] = {0, 0};
  printf("%-8s %5s %-22s %7s %9s %7s\n", "param", "delta", "output", "corr", "diff/0.1", "t");
  for (int a = 0; a < npar; a++)
    for (int d = 0; d < 2; d++) {
      nl_params *p = nl_params_clone(base);
      long pi = nl_model_param_index(m, par[a]);
      if (!p || pi < 0 || nl_params_set_number(p, par[a], nl_params_get(base, (size_t)pi) + delta[d])) {
        fprintf(stderr, "bench_crn_coopnet: cannot step %s\n", par[a]);
        return 2;
      }
      for (long r = 0; r < R; r++)
        if (replicate(st, p, idx, mi, r, x1 + r * NOUT, buf)) return 1;
      nl_params_free(p);
      double pc = 0;
      for (int k = 0; k < NOUT; k++) {
        double s0 = 0, s1 = 0, s00 = 0, s11 = 0, s01 = 0, sd = 0, sdd = 0;
        for (long r = 0; r < R; r++) {
          double u = x0[r * NOUT + k], v = x1[r * NOUT + k];
          s0 += u, s1 += v, s00 += u * u, s11 += v * v, s01 += u * v, sd += v - u, sdd += (v - u) * (v - u);
        }
        double n = (double)R, c00 = s00 - s0 * s0 / n, c11 = s11 - s1 * s1 / n, c01 = s01 - s0 * s1 / n;
        double corr = c00 > 0 && c11 > 0 ? c01 / sqrt(c00 * c11) : NAN;
        double md = sd / n, vd = (sdd - sd * sd / n) / (n - 1), t = vd > 0 ? md / sqrt(vd / n) : NAN;
        char name[64];
        if (k < NPATH) snprintf(name, sizeof name, "%s->%s", bench_paths[k][0], bench_paths[k][1]);
        else snprintf(name, sizeof name, "%s", meas[k - NPATH]);
        printf("%-8s %5.2f %-22s %7.3f %9.4f %7.2f\n", par[a], delta[d], name, corr, md * 0.1 / delta[d], t);
        if (k < NPATH && !isnan(corr)) sumcorr[d] += corr, ncorr[d]++, pc += corr / NPATH;
      }
      printf("%-8s %5.2f mean correlation of the paths %.3f\n", par[a], delta[d], pc);
    }
  for (int d = 0; d < 2; d++)
    printf("mean correlation of the paths at delta %.2f: %.3f (%ld replications)\n", delta[d],
           sumcorr[d] / ncorr[d], R);
  free(buf);
  free(x0);
  free(x1);
  nl_params_free(base);
  nl_study_free(st);
  return 0;
}
