#define _POSIX_C_SOURCE 200809L
/*
 * coopnet's nesting golden files: the measures of every period and the firm rows at periods 75
 * and 150 of examples/coopnet/study.yaml (3 replications, 150 periods), as the model of coopnet 1
 * produced them (tests/golden/coopnet_nesting/, made from main before the coopnet 2 mechanisms
 * were added, and remade once when the random streams were keyed per decision, docs/coopnet.md
 * 3.7, which changed every draw and no mechanism). With rho = theta = c_e = m_e = phi = 0 every measure and firm column that existed
 * then must be identical, value for value (%.17g), whatever has been added since: columns are
 * matched by name, and columns the golden file does not have are ignored.
 *
 * `test_coopnet_golden --update` rewrites the golden files from the current model (with the
 * same parameters), for `make golden-update`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/read_all.h"
#include "core/model_impl.h"
#include "models/coopnet/coopnet.h"
#include "netlearn/netlearn.h"

#define GOLDEN NL_SOURCE_DIR "/tests/golden/coopnet_nesting/"
#define REPS 3
#define PERIODS 150
#define LINE_MAX_ 65536

/* The coopnet 2 mechanisms off (absent in the model the golden files come from). */
static const char *const off[] = {"rho", "theta", "c_e", "m_e", "phi", NULL};

static int update;

typedef struct sim {
  const nl_model *m;
  void *state;
  nl_errbuf err;
} sim;

static nl_params *study_params(void) {
  nl_scenario *sc = nl_scenario_new();
  assert_non_null(sc);
  if (nl_scenario_load_file(sc, NL_SOURCE_DIR "/examples/coopnet/study.yaml")) fail_msg("%s", nl_scenario_errmsg(sc));
  nl_params *p = nl_params_clone(nl_scenario_params(sc));
  assert_non_null(p);
  nl_scenario_free(sc);
  for (size_t i = 0; off[i]; i++)
    if (nl_model_param_index(nl_params_model(p), off[i]) >= 0) assert_int_equal(nl_params_set_number(p, off[i], 0), 0);
  assert_int_equal(nl_params_validate(p), 0);
  return p;
}

/* One CSV line per row: "rep,period,<values %.17g or NA>". */
static void put_row(FILE *f, long rep, long t, const double *v, size_t n) {
  fprintf(f, "%ld,%ld", rep, t);
  for (size_t i = 0; i < n; i++) {
    if (v[i] != v[i]) fputs(",NA", f);
    else fprintf(f, ",%.17g", v[i]);
  }
  fputc('\n', f);
}

/* Writes the current model's measures.csv and firms.csv into two memory streams. */
static void produce(char **meas, size_t *nmeas, char **firms, size_t *nfirms) {
  nl_params *p = study_params();
  const nl_model *m = nl_params_model(p);
  FILE *fm = open_memstream(meas, nmeas), *ff = open_memstream(firms, nfirms);
  assert_non_null(fm);
  assert_non_null(ff);
  size_t nm = nl_model_nmeasures(m);
  fputs("replication,period", fm);
  for (size_t i = 0; i < nm; i++) fprintf(fm, ",%s", nl_model_measure(m, i)->name);
  fputc('\n', fm);
  fputs("replication,period", ff);
  for (size_t i = 0; i < NL_CN_FIRM_NFIELDS; i++) fprintf(ff, ",%s", nl_coopnet_firm_field_name(i));
  fputc('\n', ff);
  sim s = {.m = m};
  if (m->create(&s.state, p, &s.err)) fail_msg("%s", s.err.msg);
  double *out = calloc(nm, sizeof *out), row[NL_CN_FIRM_NFIELDS];
  assert_non_null(out);
  for (long rep = 0; rep < REPS; rep++) {
    if (m->reset(s.state, 2024, (uint64_t)rep, &s.err)) fail_msg("%s", s.err.msg);
    for (long t = 0; t <= PERIODS; t++) {
      if (t > 0 && m->step(s.state, &s.err)) fail_msg("%s", s.err.msg);
      m->observe(s.state, out);
      put_row(fm, rep, t, out, nm);
      if (t == PERIODS / 2 || t == PERIODS) {
        for (size_t f = 0; f < nl_coopnet_firms(s.state); f++) {
          nl_coopnet_firm_row(s.state, f, row);
          put_row(ff, rep, t, row, NL_CN_FIRM_NFIELDS);
        }
      }
    }
  }
  free(out);
  m->destroy(s.state);
  nl_params_free(p);
  fclose(fm);
  fclose(ff);
}

/* Splits a CSV line in place into at most cap fields; returns the count. */
static size_t split(char *line, char **fld, size_t cap) {
  size_t n = 0;
  line[strcspn(line, "\r\n")] = 0;
  for (char *q = line; n < cap;) {
    fld[n++] = q;
    char *c = strchr(q, ',');
    if (!c) break;
    *c = 0;
    q = c + 1;
  }
  return n;
}

/* Compares the golden file with the produced text column by column (by name). */
static void compare(const char *golden, char *have, const char *what) {
  FILE *g = fopen(golden, "r");
  if (!g) fail_msg("cannot open %s", golden);
  FILE *h = fmemopen(have, strlen(have), "r");
  assert_non_null(h);
  static char lg[LINE_MAX_], lh[LINE_MAX_];
  static char *fg[256], *fh[256];
  long map[256];
  assert_non_null(fgets(lg, sizeof lg, g));
  assert_non_null(fgets(lh, sizeof lh, h));
  size_t ng = split(lg, fg, 256), nh = split(lh, fh, 256);
  char names[256][64];
  for (size_t i = 0; i < ng; i++) {
    snprintf(names[i], sizeof names[i], "%s", fg[i]);
    map[i] = -1;
    for (size_t j = 0; j < nh; j++)
      if (!strcmp(fg[i], fh[j])) map[i] = (long)j;
    if (map[i] < 0) fail_msg("%s: column '%s' of the golden file is gone", what, fg[i]);
  }
  long line = 1, cells = 0;
  while (fgets(lg, sizeof lg, g)) {
    line++;
    if (!fgets(lh, sizeof lh, h)) fail_msg("%s: fewer rows than the golden file (line %ld)", what, line);
    size_t a = split(lg, fg, 256), b = split(lh, fh, 256);
    assert_int_equal(a, ng);
    assert_int_equal(b, nh);
    for (size_t i = 0; i < ng; i++, cells++)
      if (strcmp(fg[i], fh[map[i]]))
        fail_msg("%s line %ld (replication %s, period %s), column %s: golden %s, now %s", what, line, fg[0], fg[1],
                 names[i], fg[i], fh[map[i]]);
  }
  if (fgets(lh, sizeof lh, h)) fail_msg("%s: more rows than the golden file", what);
  printf("  %s: %ld values identical to the golden file\n", what, cells);
  fclose(g);
  fclose(h);
}

static void test_nesting_golden(void **st) {
  (void)st;
  char *meas = NULL, *firms = NULL;
  size_t nmeas = 0, nfirms = 0;
  produce(&meas, &nmeas, &firms, &nfirms);
  if (update) {
    nl_test_write_all(GOLDEN "measures.csv", meas);
    nl_test_write_all(GOLDEN "firms.csv", firms);
    printf("  wrote %s{measures,firms}.csv\n", GOLDEN);
  } else {
    compare(GOLDEN "measures.csv", meas, "measures.csv");
    compare(GOLDEN "firms.csv", firms, "firms.csv");
  }
  free(meas);
  free(firms);
}

int main(int argc, char **argv) {
  update = argc > 1 && !strcmp(argv[1], "--update");
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_nesting_golden)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
