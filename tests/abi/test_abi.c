#define _POSIX_C_SOURCE 200809L
/* The binary interface (issue 19). Every nl_<noun>_errmsg accepts NULL and returns a static, non-empty string (a constructor that ran
 * out of memory leaves the caller a NULL handle whose message it may still ask for), and every
 * nl_<noun>_free accepts NULL (issue 19). The functions are found by name in the public headers and
 * called through libnetlearn.so, so a function added later is covered without editing this test. */
#include <dirent.h>
#include <dlfcn.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netlearn/netlearn.h"

#define MAX_NAMES 256

typedef struct names {
  char name[MAX_NAMES][96];
  size_t n;
} names;

/* Names "nl_..._<suffix>" declared NL_API with the given return type prefix in include/netlearn. */
static void scan_headers(const char *ret, const char *suffix, names *out) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s/include/netlearn", NL_SOURCE_DIR);
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  char prefix[64];
  snprintf(prefix, sizeof prefix, "NL_API %s", ret);
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 3 || strcmp(e->d_name + len - 2, ".h")) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
      if (strncmp(line, prefix, strlen(prefix))) continue;
      const char *p = line + strlen(prefix);
      if (strncmp(p, "nl_", 3)) continue;
      size_t k = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
      size_t sl = strlen(suffix);
      if (p[k] != '(' || k <= sl || strncmp(p + k - sl, suffix, sl) || k >= sizeof out->name[0]) continue;
      assert_true(out->n < MAX_NAMES);
      memcpy(out->name[out->n], p, k);
      out->name[out->n][k] = '\0';
      out->n++;
    }
    fclose(f);
  }
  closedir(d);
}

static void *lib;

static void *library(void) {
  if (!lib) lib = dlopen(NL_SHARED_LIB, RTLD_NOW | RTLD_LOCAL);
  if (!lib) fprintf(stderr, "dlopen %s: %s\n", NL_SHARED_LIB, dlerror());
  assert_non_null(lib);
  return lib;
}

/* Every errmsg function takes one handle pointer and returns const char *: called through that type
 * with NULL (the pointer types differ only in the pointee, which the ABI passes alike). */
typedef const char *(*errmsg_fn)(const void *);
typedef void (*free_fn)(void *);

static void test_errmsg_null(void **state) {
  (void)state;
  names n = {.n = 0};
  scan_headers("const char *", "_errmsg", &n);
  assert_true(n.n >= 20); /* the 20 of issue 19's count, and any added since */
  for (size_t i = 0; i < n.n; i++) {
    void *sym = dlsym(library(), n.name[i]);
    if (!sym) fprintf(stderr, "%s: not exported\n", n.name[i]);
    assert_non_null(sym);
    errmsg_fn fn;
    memcpy(&fn, &sym, sizeof fn);
    const char *a = fn(NULL);
    const char *b = fn(NULL);
    if (!a || !a[0]) fprintf(stderr, "%s(NULL) gave no message\n", n.name[i]);
    assert_non_null(a);
    assert_true(a[0] != '\0');
    assert_ptr_equal(a, b); /* static: the same string every time */
  }
}

static void test_free_null(void **state) {
  (void)state;
  names n = {.n = 0};
  scan_headers("void ", "_free", &n);
  assert_true(n.n >= 20);
  for (size_t i = 0; i < n.n; i++) {
    void *sym = dlsym(library(), n.name[i]);
    assert_non_null(sym);
    free_fn fn;
    memcpy(&fn, &sym, sizeof fn);
    fn(NULL); /* must not crash */
  }
}

/* The handle-less status queries on NULL, called directly. */
static void test_status_null(void **state) {
  (void)state;
  assert_int_equal(nl_sim_status(NULL), NL_ENOMEM);
  assert_string_equal(nl_status_str((nl_status)999), "unknown status");
}

/* An allocator set through nl_config_set_allocator sees every netlearn allocation and every free:
 * after a scenario run and a figure (whose buffer goes back through nl_free) none is left live. */
static long live, total;
static void *count_malloc(void *user, size_t size) {
  (void)user;
  live++;
  total++;
  return malloc(size);
}
static void *count_realloc(void *user, void *ptr, size_t size) {
  (void)user;
  if (!ptr) live++;
  total++;
  return realloc(ptr, size);
}
static void count_free(void *user, void *ptr) {
  (void)user;
  assert_non_null(ptr);
  live--;
  free(ptr);
}

static void test_allocator(void **state) {
  (void)state;
  nl_allocator bad = {count_malloc, NULL, count_free, NULL};
  assert_int_equal(nl_config_set_allocator(&bad), NL_EINVAL);
  nl_allocator a = {count_malloc, count_realloc, count_free, NULL};
  assert_int_equal(nl_config_set_allocator(&a), NL_OK);
  nl_scenario *sc = nl_scenario_new();
  nl_results *res = nl_results_new();
  assert_non_null(sc);
  assert_non_null(res);
  assert_int_equal(nl_scenario_load_string(sc, "model: march1991\nparameters: {m: 30, n: 10}\nreplications: 2\n"
                                               "seed: 3\nstop: {until: periods, periods: 20}\n", "alloc.yaml"),
                   NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = 1;
  assert_int_equal(nl_results_run(res, nl_scenario_params(sc), &cfg), NL_OK);
  nl_figure *f = nl_figure_new(NULL);
  assert_non_null(f);
  double x[3] = {0, 1, 2}, y[3] = {0.2, 0.5, 0.4};
  assert_int_equal(nl_figure_line(f, 3, x, y, NL_PLOT_AUTO, "a", 0), NL_OK);
  unsigned char *buf = NULL;
  size_t len = 0;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &buf, &len), NL_OK);
  assert_true(len > 100 && !memcmp(buf, "<?xml", 5));
  assert_true(live > 3);
  nl_free(buf);
  nl_free(NULL);
  nl_figure_free(f);
  nl_results_free(res);
  nl_scenario_free(sc);
  assert_int_equal(live, 0);
  assert_true(total > 10);
  assert_int_equal(nl_config_set_allocator(NULL), NL_OK); /* back to malloc */
  long before = total;
  nl_scenario_free(nl_scenario_new());
  assert_int_equal(total, before);
}

/* Checked getters: an index out of range or a NULL handle gives the documented neutral value. */
static void test_checked_getters(void **state) {
  (void)state;
  nl_scenario *sc = nl_scenario_new();
  nl_results *res = nl_results_new();
  nl_design *d = nl_design_new();
  assert_true(sc && res && d);
  assert_int_equal(nl_scenario_load_string(sc, "model: march1991\nparameters: {m: 30, n: 10}\nreplications: 2\n"
                                               "seed: 3\nstop: {until: periods, periods: 5}\n"
                                               "sweep: {design: grid, parameters: {p1: [0.1, 0.2]}}\n", "g.yaml"),
                   NL_OK);
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = 1;
  assert_int_equal(nl_results_run(res, nl_scenario_params(sc), &cfg), NL_OK);
  /* results: replications 0..1, rows 0..5 */
  assert_int_equal(nl_results_rows(res, 1), 6);
  assert_non_null(nl_results_row(res, 1, 5));
  assert_int_equal(nl_results_rows(res, 2), 0);
  assert_int_equal(nl_results_rows(res, -1), 0);
  assert_int_equal(nl_results_row_period(res, 0, 6), -1);
  assert_null(nl_results_row(res, 0, 6));
  assert_null(nl_results_row(res, 0, -1));
  assert_null(nl_results_final(res, 7));
  assert_int_equal(nl_results_periods(res, 9), -1);
  assert_int_equal(nl_results_equilibrium(res, 9), 0);
  assert_int_equal(nl_results_replications(NULL), 0);
  /* parameters */
  const nl_params *p = nl_scenario_params(sc);
  size_t np = nl_model_nparams(nl_params_model(p));
  assert_true(np > 2);
  assert_true(isnan(nl_params_get(p, np)));
  assert_true(isnan(nl_params_get(NULL, 0)));
  assert_null(nl_params_get_string(p, np));
  assert_int_equal(nl_params_is_set(p, np), 0);
  char buf[32] = "x";
  nl_params_format(p, np + 3, buf, sizeof buf);
  assert_string_equal(buf, "");
  /* scenario factors and measures */
  assert_int_equal(nl_scenario_nfactors(sc), 1);
  assert_int_equal(nl_scenario_factor_nvalues(sc, 0), 2);
  assert_string_equal(nl_scenario_factor_value(sc, 0, 1), "0.2");
  assert_null(nl_scenario_factor_value(sc, 0, 2));
  assert_null(nl_scenario_factor_value(sc, 1, 0));
  assert_true(nl_scenario_factor_param(sc, 1) == (size_t)-1);
  double lo = 0, hi = 0;
  nl_scenario_factor_range(sc, 4, &lo, &hi);
  assert_true(isnan(lo) && isnan(hi));
  assert_true(nl_scenario_measure(sc, nl_scenario_nmeasures(sc)) == (size_t)-1);
  /* design points */
  assert_int_equal(nl_design_build(d, sc, 100), NL_OK);
  assert_int_equal(nl_design_npoints(d), 2);
  assert_non_null(nl_design_key(d, 1));
  assert_null(nl_design_key(d, 2));
  assert_null(nl_design_params(d, 2));
  assert_true(nl_design_swept(d, 1) == (size_t)-1);
  assert_int_equal(nl_design_npoints(NULL), 0);
  /* a scenario before loading, and NULL */
  nl_scenario *empty = nl_scenario_new();
  assert_non_null(empty);
  assert_int_equal(nl_scenario_nmeasures(empty), 0);
  assert_true(nl_scenario_measure(empty, 0) == (size_t)-1);
  nl_scenario_free(empty);
  assert_int_equal(nl_scenario_replications(NULL), 0);
  assert_string_equal(nl_scenario_name(NULL), "");
  assert_null(nl_scenario_params(NULL));
  assert_int_equal(nl_sim_period(NULL), -1);
  /* counts and names of every other handle kind on NULL */
  assert_int_equal(nl_calib_nparams(NULL), 0);
  assert_string_equal(nl_study_name(NULL), "");
  assert_int_equal(nl_study_npoints(NULL), 0);
  assert_int_equal(nl_sensitivity_nrows(NULL), 0);
  assert_null(nl_sensitivity_spec_scenario(NULL));
  assert_int_equal(nl_plot_source_npoints(NULL), 0);
  assert_null(nl_model_name(NULL));
  assert_null(nl_model_param(NULL, 0));
  assert_int_equal(nl_model_param_index(NULL, "p1"), -1);
  assert_int_equal(nl_model_measure_index(nl_model_find("march1991"), NULL), -1);
  assert_null(nl_model_param_suggest(NULL, "p1"));
  assert_int_equal(nl_model_nmeasures(NULL), 0);
  assert_int_equal(nl_design_replications(NULL), 0);
  /* PLS structure getters on NULL */
  assert_int_equal(nl_pls_n_constructs(NULL), 0);
  assert_null(nl_pls_construct_name(NULL, 0));
  assert_true(isnan(nl_pls_path(NULL, 0, 1)));
  assert_int_equal(nl_pls_boot_n(NULL), 0);
  nl_design_free(d);
  nl_results_free(res);
  nl_scenario_free(sc);
}

/* The loaded library reports the versions of the headers it was built with, and its soname carries
 * the ABI version (docs/api.md, Versions). */
static void test_versions(void **state) {
  (void)state;
  assert_string_equal(nl_version(), NL_VERSION);
  assert_int_equal(nl_abi_version(), NL_ABI_VERSION);
  assert_true(NL_VERSION_NUMBER == NL_VERSION_MAJOR * 10000 + NL_VERSION_MINOR * 100 + NL_VERSION_PATCH);
  int (*abi)(void);
  void *sym = dlsym(library(), "nl_abi_version");
  assert_non_null(sym);
  memcpy(&abi, &sym, sizeof abi);
  assert_int_equal(abi(), NL_ABI_VERSION);
  char cmd[1024], line[256], want[64];
  snprintf(cmd, sizeof cmd, "objdump -p '%s'", NL_SHARED_LIB);
  snprintf(want, sizeof want, "libnetlearn.so.%d", NL_ABI_VERSION);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  int found = 0;
  while (fgets(line, sizeof line, p)) {
    char key[64], value[128];
    if (sscanf(line, " %63s %127s", key, value) == 2 && !strcmp(key, "SONAME")) found = !strcmp(value, want) ? 1 : -1;
  }
  assert_int_equal(pclose(p), 0);
  assert_int_equal(found, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_errmsg_null), cmocka_unit_test(test_free_null),
                                     cmocka_unit_test(test_status_null), cmocka_unit_test(test_versions),
                                     cmocka_unit_test(test_allocator), cmocka_unit_test(test_checked_getters)};
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  nl_plot_release_caches(); /* fontconfig's caches from the rendered figure, for the leak checker */
  if (lib) dlclose(lib);
  return rc;
}
