/*
 * Sobol' indices of the seed study (nl_study_load_default: coopnet, a virtual survey of the
 * firms, PLS-SEM) with libnetlearn's sensitivity API: which of coopnet's main parameters decide
 * the hypothesis paths H1-H5 (mean estimate over the replications) and the stylized facts'
 * statistics (facts 1a, 1b, 1c, 2a, 2b, 3, 5: mean over the replications)? Each design row is
 * one study of R replications; rows that differ from another only in the dummy run with another
 * seed (new random streams), so the dummy's indices are the noise floor. docs/sensitivity.md has
 * the results.
 *
 *   sensitivity_study [N [R [DIR]]]     (defaults: N = 32, R = 3, DIR = out/sensitivity-study)
 *
 * writes DIR/indices.csv (output,parameter,S1,S1_low,S1_high,ST,ST_low,ST_high), DIR/design.csv
 * and DIR/sobol_<output>.svg; progress on stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <netlearn/netlearn.h>

#define NOUT 12

static const char *const factor[] = {"x_mean", "e_mean", "tau", "alpha", "p_inf", "mu", "theta", "rho"};
static const double lo[] = {0.2, 0.2, 0.2, 0.1, 0.4, 0.02, 0.2, 0.0};
static const double hi[] = {0.8, 0.8, 0.8, 0.6, 0.9, 0.3, 0.8, 0.3};
#define NF (sizeof factor / sizeof factor[0])
static const char *const facts[] = {"1a", "1b", "1c", "2a", "2b", "3", "5"};
static const char *const outname[NOUT] = {"H1", "H2", "H3", "H4", "H5", "fact_1a", "fact_1b", "fact_1c",
                                          "fact_2a", "fact_2b", "fact_3", "fact_5"};

/* The `mean` column of facts.csv for each fact in facts[] (NaN when absent). */
static int read_facts(const char *dir, double *out) {
  char path[4096], line[2048];
  snprintf(path, sizeof path, "%s/facts.csv", dir);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  for (size_t i = 0; i < 7; i++) out[i] = 0.0 / 0.0;
  int header = 1;
  while (fgets(line, sizeof line, f)) {
    if (header) {
      header = 0;
      continue;
    }
    /* fact,seed,claim,statistic,expected_sign,replications,mean,...: quoted fields may hold commas */
    char *fields[8];
    size_t nf = 0;
    int quoted = 0;
    fields[nf++] = line;
    for (char *c = line; *c && nf < 8; c++) {
      if (*c == '"') quoted = !quoted;
      else if (*c == ',' && !quoted) {
        *c = '\0';
        fields[nf++] = c + 1;
      }
    }
    if (nf < 8) continue;
    for (size_t i = 0; i < 7; i++)
      if (!strcmp(fields[0], facts[i])) out[i] = strtod(fields[6], NULL);
  }
  fclose(f);
  return 0;
}

static int set_num(nl_study *s, const char *key, double v) {
  char text[64];
  snprintf(text, sizeof text, "%.17g", v);
  if (nl_study_set(s, key, text)) {
    fprintf(stderr, "sensitivity_study: %s\n", nl_study_errmsg(s));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  long N = argc > 1 ? atol(argv[1]) : 32, R = argc > 2 ? atol(argv[2]) : 3;
  const char *dir = argc > 3 ? argv[3] : "out/sensitivity-study";
  int rc = 1;
  nl_sensitivity *sa = nl_sensitivity_new();
  nl_study *s = nl_study_new();
  if (!sa || !s || N < 4 || R < 1) goto cleanup;
  char rundir[4096], cmd[4200];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
  if (system(cmd) != 0) goto cleanup;
  snprintf(rundir, sizeof rundir, "%s/last-study", dir);
  if (nl_study_load_default(s) || nl_study_set(s, "analysis.contrasts", "false") || nl_study_set(s, "analysis.boot", "20") ||
      set_num(s, "replications", (double)R)) {
    fprintf(stderr, "sensitivity_study: %s\n", nl_study_errmsg(s));
    goto cleanup;
  }
  unsigned long long seed = (unsigned long long)nl_scenario_seed(nl_study_scenario(s));
  for (size_t f = 0; f < NF; f++)
    if (nl_sensitivity_factor(sa, factor[f], lo[f], hi[f], 0)) goto fail;
  nl_sensitivity_options o;
  nl_sensitivity_options_default(&o);
  o.n = N;
  o.seed = 14;
  if (nl_sensitivity_design(sa, &o, NOUT)) goto fail;
  nl_study_config cfg;
  nl_study_config_default(&cfg);
  cfg.report = 0;
  cfg.threads = 2;
  size_t rows = nl_sensitivity_nrows(sa);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (size_t i = 0; i < rows; i++) {
    const double *x = nl_sensitivity_row(sa, i);
    for (size_t f = 0; f < NF; f++)
      if (set_num(s, factor[f], x[f])) goto cleanup;
    /* the dummy's rows: the same parameters, other random streams */
    if (set_num(s, "seed", (double)(seed + (nl_sensitivity_row_fresh(sa, i) ? 7919u : 0u)))) goto cleanup;
    if (nl_study_run(s, rundir, &cfg)) {
      fprintf(stderr, "sensitivity_study: row %zu: %s\n", i, nl_study_errmsg(s));
      goto cleanup;
    }
    double y[NOUT];
    for (size_t h = 0; h < 5; h++) {
      nl_study_verdict v;
      if (nl_study_verdict_get(s, 0, h, &v)) goto cleanup;
      y[h] = v.mean;
    }
    if (read_facts(rundir, y + 5)) goto cleanup;
    if (nl_sensitivity_set_output(sa, i, y)) goto fail;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double el = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    fprintf(stderr, "\rrow %zu of %zu, %.0f s, about %.0f s to go   ", i + 1, rows, el, el / (double)(i + 1) * (double)(rows - i - 1));
  }
  fputc('\n', stderr);
  if (nl_sensitivity_analyze(sa, 0)) goto fail;
  char path[4200];
  snprintf(path, sizeof path, "%s/indices.csv", dir);
  FILE *f = fopen(path, "w");
  if (!f) goto cleanup;
  fprintf(f, "output,parameter,S1,S1_low,S1_high,ST,ST_low,ST_high\n");
  size_t K = nl_sensitivity_nfactors(sa);
  for (size_t j = 0; j < NOUT; j++) {
    const char *names[16];
    double s1[16], s1l[16], s1h[16], st[16], stl[16], sth[16];
    for (size_t i = 0; i < K; i++) {
      names[i] = nl_sensitivity_factor_name(sa, i);
      s1[i] = nl_sensitivity_s1(sa, j, i, &s1l[i], &s1h[i]);
      st[i] = nl_sensitivity_st(sa, j, i, &stl[i], &sth[i]);
      fprintf(f, "%s,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f\n", outname[j], names[i], s1[i], s1l[i], s1h[i], st[i], stl[i], sth[i]);
    }
    nl_figure_options fo;
    nl_figure_options_default(&fo);
    fo.height = 90 + 26.0 * (double)K;
    nl_figure *fig = nl_figure_new(&fo);
    char title[128];
    snprintf(title, sizeof title, "Seed study: %s (Sobol', N = %ld, R = %ld)", outname[j], N, R);
    snprintf(path, sizeof path, "%s/sobol_%s.svg", dir, outname[j]);
    if (!fig || nl_figure_labels(fig, NULL, NULL, title) || nl_plot_sobol_indices(fig, K, names, s1, s1l, s1h, st, stl, sth) ||
        nl_figure_save(fig, path))
      fprintf(stderr, "sensitivity_study: %s: %s\n", path, fig ? nl_figure_errmsg(fig) : "out of memory");
    nl_figure_free(fig);
  }
  fclose(f);
  snprintf(path, sizeof path, "%s/design.csv", dir);
  f = fopen(path, "w");
  if (!f) goto cleanup;
  fprintf(f, "row,fresh");
  for (size_t i = 0; i < NF; i++) fprintf(f, ",%s", factor[i]);
  for (size_t j = 0; j < NOUT; j++) fprintf(f, ",%s", outname[j]);
  fputc('\n', f);
  for (size_t i = 0; i < rows; i++) {
    fprintf(f, "%zu,%d", i, nl_sensitivity_row_fresh(sa, i));
    for (size_t k = 0; k < NF; k++) fprintf(f, ",%.6g", nl_sensitivity_row(sa, i)[k]);
    for (size_t j = 0; j < NOUT; j++) fprintf(f, ",%.6g", nl_sensitivity_row_output(sa, i)[j]);
    fputc('\n', f);
  }
  fclose(f);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("%zu studies of %ld replications in %.0f s; results in %s/\n", rows, R,
         (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec), dir);
  rc = 0;
  goto cleanup;
fail:
  fprintf(stderr, "sensitivity_study: %s\n", nl_sensitivity_errmsg(sa));
cleanup:
  nl_study_free(s);
  nl_sensitivity_free(sa);
  nl_plot_release_caches();
  return rc;
}
