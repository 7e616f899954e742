#ifndef NL_TESTS_READ_ALL_H
#define NL_TESTS_READ_ALL_H
/*
 * Tests: whole files in and out. Include after <cmocka.h>.
 *   nl_test_read_all_n  the whole of a file as a NUL-terminated buffer (caller frees), its length
 *                       (binary files too) in *len when len is not NULL; NULL when it cannot be opened
 *   nl_test_read_all    the same without the length
 *   nl_test_write_all   text into a file, replacing it (fails the test when it cannot)
 */
#include <stdio.h>
#include <stdlib.h>

static inline char *nl_test_read_all_n(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)(n > 0 ? n : 0) + 1);
  assert_non_null(b);
  size_t got = fread(b, 1, (size_t)(n > 0 ? n : 0), f);
  b[got] = '\0';
  fclose(f);
  if (len) *len = got;
  return b;
}

static inline char *nl_test_read_all(const char *path) { return nl_test_read_all_n(path, NULL); }

static inline void nl_test_write_all(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f) fail_msg("cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

#endif
