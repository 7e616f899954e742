#ifndef NL_TESTS_CLI_HARNESS_H
#define NL_TESTS_CLI_HARNESS_H
/*
 * Tests that run the netlearn binary (NL_CLI): one temporary directory per test program, the
 * command run there with stdout and stderr captured into outbuf and errbuf, the exit code
 * returned. Include after <cmocka.h> (with _POSIX_C_SOURCE 200809L defined first, for mkdtemp);
 * register cli_setup / cli_teardown as the group's setup and teardown.
 *
 *   assert_int_equal(nl("run bad.yaml -o out"), 2);
 *   assert_non_null(strstr(errbuf, "bad.yaml:3:5"));
 *
 * Files in tmpdir: write_file, exists, slurp (into a buffer), read_tmp (whole, caller frees),
 * same_files (byte-identical outputs, e.g. of 1 and 2 threads) and the checks same_in and file_has
 * (fail the test); any path: common/read_all.h.
 *
 * NL_VALGRIND=1 in the environment runs every command under valgrind (exit 99 on a memory error
 * or a definite leak; the test_cli_valgrind variant). NL_KEEP_TMP=1 keeps tmpdir for a look.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/read_all.h"

#if defined(__GNUC__)
#define NL_TEST_UNUSED __attribute__((unused))
#else
#define NL_TEST_UNUSED
#endif

static char tmpdir[] = "/tmp/nl_testXXXXXX";
static char errbuf[16384] NL_TEST_UNUSED, outbuf[65536] NL_TEST_UNUSED;

/* tmpdir/rel into buf. */
static inline void path_of(char *buf, size_t cap, const char *rel) { snprintf(buf, cap, "%s/%s", tmpdir, rel); }

/* A whole file into buf (NUL-terminated, truncated to cap - 1; "" when it cannot be read). */
static inline void slurp(const char *path, char *buf, size_t cap) {
  buf[0] = '\0';
  FILE *f = fopen(path, "rb");
  if (!f) return;
  size_t n = fread(buf, 1, cap - 1, f);
  buf[n] = '\0';
  fclose(f);
}

/* tmpdir/err.txt and out.txt into errbuf and outbuf (for commands started otherwise, e.g. in the
 * background, that write there). */
static inline void read_outputs(void) {
  char p[512];
  path_of(p, sizeof p, "err.txt");
  slurp(p, errbuf, sizeof errbuf);
  path_of(p, sizeof p, "out.txt");
  slurp(p, outbuf, sizeof outbuf);
}

/* `prefix netlearn args` in tmpdir (prefix: "" or e.g. "timeout 5", "ulimit -f 64;"); stdout and
 * stderr into outbuf and errbuf; the exit code (-1 when killed by a signal). */
static inline int sh(const char *prefix, const char *args) {
  char cmd[8192];
  const char *vg = getenv("NL_VALGRIND") && getenv("NL_VALGRIND")[0] == '1'
                       ? "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "
                       : "";
  snprintf(cmd, sizeof cmd, "cd %s && %s %s%s %s > out.txt 2> err.txt", tmpdir, prefix, vg, NL_CLI, args);
  int rc = system(cmd);
  read_outputs();
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* `netlearn args` in tmpdir. */
static inline int nl(const char *args) { return sh("", args); }

/* Write text to tmpdir/name (fails the test when it cannot). */
static inline void write_file(const char *name, const char *text) {
  char p[512];
  path_of(p, sizeof p, name);
  nl_test_write_all(p, text);
}

/* The whole of tmpdir/rel (caller frees; NULL when it cannot be read). */
static inline char *read_tmp(const char *rel) {
  char p[512];
  path_of(p, sizeof p, rel);
  return nl_test_read_all(p);
}

/* 1 when tmpdir/a is not empty and tmpdir/b has the same bytes. */
static inline int same_files(const char *a, const char *b) {
  size_t na = 0, nb = 0;
  char pa[512], pb[512];
  path_of(pa, sizeof pa, a);
  path_of(pb, sizeof pb, b);
  char *x = nl_test_read_all_n(pa, &na), *y = nl_test_read_all_n(pb, &nb);
  int same = x && y && na > 0 && na == nb && memcmp(x, y, na) == 0;
  free(x);
  free(y);
  return same;
}

/* 1 when tmpdir/rel exists. */
static inline int exists(const char *rel) {
  char p[512];
  struct stat st;
  path_of(p, sizeof p, rel);
  return stat(p, &st) == 0;
}

/* Fails the test unless tmpdir/a/file and tmpdir/b/file are byte-identical and not empty (the
 * same outputs from 1 and 2 threads, a rerun, an export...). */
static inline void same_in(const char *a, const char *b, const char *file) {
  char x[512], y[512];
  snprintf(x, sizeof x, "%s/%s", a, file);
  snprintf(y, sizeof y, "%s/%s", b, file);
  if (!same_files(x, y)) fail_msg("%s differs between %s and %s (or is missing or empty)", file, a, b);
}

/* Fails the test unless tmpdir/rel can be read and contains every fragment (a NULL-terminated list),
 * naming the first one missing. */
static inline void file_has(const char *rel, ...) {
  char *text = read_tmp(rel);
  if (!text) fail_msg("%s: cannot be read", rel);
  va_list ap;
  va_start(ap, rel);
  const char *frag;
  while ((frag = va_arg(ap, const char *)))
    if (!strstr(text, frag)) {
      va_end(ap);
      free(text);
      fail_msg("%s lacks '%s'", rel, frag);
    }
  va_end(ap);
  free(text);
}

static inline int cli_setup(void **state) {
  (void)state;
  return mkdtemp(tmpdir) ? 0 : -1;
}

static inline int cli_teardown(void **state) {
  (void)state;
  if (getenv("NL_KEEP_TMP") && getenv("NL_KEEP_TMP")[0] == '1') return 0;
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

#endif
