/* Every example scenario shipped in examples/<model>/ loads and validates, so that examples stay
 * runnable as the code changes (running them is the job of the model tests and `make demo`). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netlearn/scenario.h"

static void test_examples_load(void **state) {
  (void)state;
  const char *dirs[] = {"march1991", "fang2010", "lazer2007", "coopnet"};
  int loaded = 0;
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/examples/%s", NL_SOURCE_DIR, dirs[i]);
    DIR *d = opendir(dir);
    if (!d) continue;
    struct dirent *e;
    while ((e = readdir(d))) {
      size_t n = strlen(e->d_name);
      if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0) continue;
      char path[2048];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      nl_scenario *sc = nl_scenario_new();
      nl_status st = nl_scenario_load_file(sc, path);
      if (st) fail_msg("%s", nl_scenario_errmsg(sc));
      nl_scenario_free(sc);
      loaded++;
    }
    closedir(d);
  }
  assert_true(loaded >= 5); /* march1991 alone has basic, figure1, figure2, turnover, turbulence */
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_examples_load)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
