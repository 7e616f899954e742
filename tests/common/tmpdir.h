/*
 * A fresh temporary directory for a test group: cmocka group setup and teardown. g_tmpdir holds its
 * path (/tmp/nl_testXXXXXX); the teardown removes it with everything in it.
 */
#ifndef NL_TEST_TMPDIR_H
#define NL_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

static char g_tmpdir[256];

static int tmpdir_setup(void **state) {
  (void)state;
  snprintf(g_tmpdir, sizeof g_tmpdir, "/tmp/nl_testXXXXXX");
  return mkdtemp(g_tmpdir) ? 0 : -1;
}

static int tmpdir_teardown(void **state) {
  (void)state;
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

#endif
