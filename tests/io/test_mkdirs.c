/* nl_mkdirs, the one maker of output directories: parents created, an existing directory fine, a
 * file in the way or an empty/too-long path refused with the path that failed named. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "netlearn/files.h"

static char dir[] = "/tmp/nl_mkdirsXXXXXX";

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_mkdirs(void **state) {
  (void)state;
  char path[512], msg[1024];
  /* three missing levels, then again (exists), with a trailing slash, and without a message buffer */
  snprintf(path, sizeof path, "%s/a/b/c", dir);
  assert_int_equal(nl_mkdirs(path, msg, sizeof msg), NL_OK);
  assert_string_equal(msg, "");
  assert_true(is_dir(path));
  assert_int_equal(nl_mkdirs(path, msg, sizeof msg), NL_OK);
  snprintf(path, sizeof path, "%s/a/d/", dir);
  assert_int_equal(nl_mkdirs(path, NULL, 0), NL_OK);
  assert_true(is_dir(path));
  /* a regular file in the way: as a parent, and as the directory itself */
  snprintf(path, sizeof path, "%s/file", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fclose(f);
  snprintf(path, sizeof path, "%s/file/sub/x", dir);
  assert_int_equal(nl_mkdirs(path, msg, sizeof msg), NL_EIO);
  char want[600];
  snprintf(want, sizeof want, "%s/file/sub: cannot create output directory: Not a directory", dir);
  assert_string_equal(msg, want);
  snprintf(path, sizeof path, "%s/file", dir);
  assert_int_equal(nl_mkdirs(path, msg, sizeof msg), NL_EIO);
  snprintf(want, sizeof want, "%s/file: not a directory", dir);
  assert_string_equal(msg, want);
  /* empty and too long */
  assert_int_equal(nl_mkdirs("", msg, sizeof msg), NL_EINVAL);
  assert_non_null(strstr(msg, "empty output directory name"));
  assert_int_equal(nl_mkdirs(NULL, msg, sizeof msg), NL_EINVAL);
  static char longpath[8192];
  memset(longpath, 'x', sizeof longpath - 1);
  assert_int_equal(nl_mkdirs(longpath, msg, 64), NL_EINVAL);
  assert_int_equal(strlen(msg), 63); /* cut to the buffer, still terminated */
}

static int setup(void **state) {
  (void)state;
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_mkdirs)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
