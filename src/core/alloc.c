#include "core/alloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Fault injection state. Atomic because allocations may happen on worker threads. */
static atomic_long fail_at = 0;
static atomic_long alloc_count = 0;

static int should_fail(void) {
  long n = atomic_fetch_add(&alloc_count, 1) + 1;
  long k = atomic_load(&fail_at);
  return k > 0 && n >= k;
}

long nl_alloc_fail_after(long k) {
  long n = atomic_exchange(&alloc_count, 0);
  atomic_store(&fail_at, k > 0 ? k : 0);
  return n;
}

void *nl_malloc(size_t size) {
  if (should_fail()) return NULL;
  return malloc(size ? size : 1);
}

void *nl_calloc(size_t count, size_t size) {
  if (should_fail()) return NULL;
  if (count == 0 || size == 0) return calloc(1, 1);
  return calloc(count, size);
}

void *nl_realloc(void *ptr, size_t size) {
  if (should_fail()) return NULL;
  return realloc(ptr, size ? size : 1);
}

void nl_free(void *ptr) { free(ptr); }

char *nl_strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = nl_malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

int nl_mul_size(size_t a, size_t b, size_t *out) {
  if (a && b > SIZE_MAX / a) return -1;
  *out = a * b;
  return 0;
}
