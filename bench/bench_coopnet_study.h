#ifndef NL_BENCH_COOPNET_STUDY_H
#define NL_BENCH_COOPNET_STUDY_H
/*
 * The small coopnet study of the calibration benchmarks (bench_crn_coopnet, bench_pls_response; the
 * coopnet of tests/calibrate/pls_table.h too): firms of 6 members, 8 + 8 dimensions, 60 periods, every
 * firm surveyed over the last 30, the study's default PLS model (seed 000's, docs/study.md), and
 * the eight paths of that model. Each bench file is its own program; include after
 * _POSIX_C_SOURCE and netlearn/netlearn.h.
 */
#include <stdio.h>
#include <string.h>

static const char *const bench_paths[][2] = {
    {"EXPLORE", "PRODINNO"},  {"EXPLOIT", "PRODINNO"},  {"EXPLORE", "PROCINNO"},  {"EXPLOIT", "PROCINNO"},
    {"PRODINNO", "NETCOLLAB"}, {"PROCINNO", "NETCOLLAB"}, {"EXPLORE", "NETCOLLAB"}, {"EXPLOIT", "NETCOLLAB"}};
enum { BENCH_NPATH = 8 };

static size_t bench_construct(const nl_study *s, const char *name) {
  for (size_t j = 0; j < nl_study_nconstructs(s); j++)
    if (!strcmp(nl_study_construct_name(s, j), name)) return j;
  return (size_t)-1;
}

/* The study of `firms` firms into *out (the caller frees it, also on failure) and the indices of
 * the eight paths into idx. 0 on success; otherwise the message is printed with prog's name. */
static int bench_coopnet_study(const char *prog, long firms, nl_study **out, size_t idx[BENCH_NPATH]) {
  char yaml[512];
  snprintf(yaml, sizeof yaml,
           "simulation:\n  model: coopnet\n  parameters: {firms: %ld, size_dist: fixed, n: 6, mP: 8, mQ: 8}\n"
           "  seed: 31\n  stop: {until: periods, periods: 60}\nsurvey: {period: 60, window: 30, sample: %ld}\n",
           firms, firms);
  nl_study *st = *out = nl_study_new();
  if (!st || nl_study_load_string(st, yaml, "coopnet-study.yaml")) {
    fprintf(stderr, "%s: %s\n", prog, st ? nl_study_errmsg(st) : "out of memory");
    return 1;
  }
  for (int k = 0; k < BENCH_NPATH; k++) {
    long q = nl_study_path_index(st, bench_construct(st, bench_paths[k][0]), bench_construct(st, bench_paths[k][1]));
    if (q < 0) {
      fprintf(stderr, "%s: the study's model has no path %s -> %s\n", prog, bench_paths[k][0], bench_paths[k][1]);
      return 1;
    }
    idx[k] = (size_t)q;
  }
  return 0;
}

/* Set p's parameter from "name=value" (and check the set): 0, or 2 after printing why. */
static int bench_set_param(const char *prog, nl_params *p, const char *arg) {
  char name[64];
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg || eq - arg >= (long)sizeof name) {
    fprintf(stderr, "%s: expected name=value, got '%s'\n", prog, arg);
    return 2;
  }
  memcpy(name, arg, (size_t)(eq - arg));
  name[eq - arg] = '\0';
  if (nl_params_set_text(p, name, eq + 1) || nl_params_validate(p)) {
    fprintf(stderr, "%s: %s\n", prog, nl_params_errmsg(p));
    return 2;
  }
  return 0;
}

#endif
