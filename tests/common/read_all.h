#ifndef NL_TESTS_READ_ALL_H
#define NL_TESTS_READ_ALL_H
/*
 * Tests: the whole of a file as a NUL-terminated string (caller frees), NULL when it cannot be
 * opened. Include after <cmocka.h>.
 */
#include <stdio.h>
#include <stdlib.h>

static inline char *nl_test_read_all(const char *path) {
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
  return b;
}

#endif
