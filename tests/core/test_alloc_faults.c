#define _POSIX_C_SOURCE 200809L
/* Fail the k-th allocation for every k along the main path (scenario, run, outputs): each failure
 * must come back as a clean error (no crash; ASan/LSan catch leaks in the sanitizer build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fault_alloc.h"
#include "core/alloc.h"
#include "netlearn/netlearn.h"

static const char *text = "model: march1991\nparameters: {m: 70, n: 20, p1: 0.3}\nreplications: 3\nseed: 4\n"
                          "stop: {until: equilibrium, periods: 400}\n";

/* The whole path once; returns 0 on success, the failing status otherwise. */
static nl_status path_once(const char *dir) {
  nl_status st = NL_ENOMEM;
  char path[512];
  nl_scenario *sc = nl_scenario_new();
  nl_results *res = nl_results_new();
  if (!sc || !res) goto cleanup;
  st = nl_scenario_load_string(sc, text, "fault.yaml");
  if (st) goto cleanup;
  st = nl_scenario_set(sc, "p2", "0.7");
  if (st) goto cleanup;
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = 1;
  st = nl_results_run(res, nl_scenario_params(sc), &cfg);
  if (st) goto cleanup;
  snprintf(path, sizeof path, "%s/summary.csv", dir);
  st = nl_results_write_summary(res, path, NULL, 0);
cleanup:
  nl_results_free(res);
  nl_scenario_free(sc);
  return st;
}

static void test_every_allocation_failure(void **state) {
  (void)state;
  char dir[] = "/tmp/nl_faultXXXXXX";
  assert_non_null(mkdtemp(dir));
  nl_alloc_fail_after(0);
  assert_int_equal(path_once(dir), NL_OK);
  long total = nl_alloc_fail_after(0);
  assert_true(total > 10);
  long failures = 0;
  for (long k = 1; k <= total; k++) {
    nl_alloc_fail_after(k);
    nl_status st = path_once(dir);
    nl_alloc_fail_after(0);
    /* libfyaml's own allocations are not ours to fail; a failure of ours must surface as an error. */
    if (st != NL_OK) {
      failures++;
      assert_true(st == NL_ENOMEM || st == NL_EPARSE || st == NL_EIO);
    }
  }
  assert_true(failures >= total - 2); /* nearly every injected failure is reported */
  char path[512];
  snprintf(path, sizeof path, "%s/summary.csv", dir);
  remove(path);
  rmdir(dir);
}

/* nl_grow's contract (core/alloc.h), on which every grown array relies: doubling from `first`, no
 * allocation when the capacity suffices, and on a failed allocation or an overflowing size -1 with
 * the array, its contents and the capacity unchanged. */
static void test_grow(void **state) {
  (void)state;
  long *a = NULL;
  size_t cap = 0;
  nl_alloc_fail_after(0);
  assert_int_equal(nl_grow(&a, &cap, 5, sizeof *a, 4), 0);
  assert_non_null(a);
  assert_int_equal(cap, 8); /* 4, doubled once to reach 5 */
  for (size_t i = 0; i < 1000; i++) {
    assert_int_equal(nl_grow(&a, &cap, i + 1, sizeof *a, 4), 0);
    a[i] = (long)i * 3;
  }
  assert_int_equal(cap, 1024);
  nl_alloc_fail_after(0);
  assert_int_equal(nl_grow(&a, &cap, 1024, sizeof *a, 4), 0); /* fits: no allocation */
  assert_int_equal(nl_alloc_fail_after(1), 0);
  long *before = a;
  assert_int_equal(nl_grow(&a, &cap, 1025, sizeof *a, 4), -1); /* the allocation fails */
  nl_alloc_fail_after(0);
  assert_ptr_equal(a, before);
  assert_int_equal(cap, 1024);
  for (size_t i = 0; i < 1000; i++) assert_int_equal(a[i], (long)i * 3);
  assert_int_equal(nl_grow(&a, &cap, SIZE_MAX / 2 + 2, sizeof *a, 4), -1); /* the count overflows */
  assert_int_equal(nl_grow(&a, &cap, SIZE_MAX / 8, sizeof *a, 4), -1);     /* the bytes overflow */
  assert_ptr_equal(a, before);
  assert_int_equal(cap, 1024);
  assert_int_equal(nl_grow(&a, &cap, 1025, sizeof *a, 4), 0);
  assert_int_equal(cap, 2048);
  for (size_t i = 0; i < 1000; i++) assert_int_equal(a[i], (long)i * 3);
  nl_free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_allocation_failure), cmocka_unit_test(test_grow)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
