#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_malloc(void *user, size_t size) {
  (void)user;
  return malloc(size);
}
static void *libc_realloc(void *user, void *ptr, size_t size) {
  (void)user;
  return realloc(ptr, size);
}
static void libc_free(void *user, void *ptr) {
  (void)user;
  free(ptr);
}

/* The process's allocator: written only by nl_config_set_allocator, which its contract puts before
 * any other call (no lock on the allocation path). */
static nl_allocator current = {libc_malloc, libc_realloc, libc_free, NULL};

nl_status nl_config_set_allocator(const nl_allocator *a) {
  if (!a) {
    current = (nl_allocator){libc_malloc, libc_realloc, libc_free, NULL};
    return NL_OK;
  }
  if (!a->malloc_fn || !a->realloc_fn || !a->free_fn) return NL_EINVAL;
  current = *a;
  return NL_OK;
}

void *nl_malloc(size_t size) { return current.malloc_fn(current.user, size ? size : 1); }

void *nl_calloc(size_t count, size_t size) {
  size_t n;
  if (nl_mul_size(count, size, &n)) return NULL;
  if (!n) n = 1;
  void *p = current.malloc_fn(current.user, n);
  if (p) memset(p, 0, n);
  return p;
}

void *nl_realloc(void *ptr, size_t size) { return current.realloc_fn(current.user, ptr, size ? size : 1); }

void nl_free(void *ptr) {
  if (ptr) current.free_fn(current.user, ptr);
}

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

int nl_grow(void *arrp, size_t *cap, size_t need, size_t elsize, size_t first) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap : (first ? first : 1), bytes;
  while (nc < need) {
    if (nc > SIZE_MAX / 2) return -1;
    nc *= 2;
  }
  if (nl_mul_size(nc, elsize, &bytes)) return -1;
  void *old, *na;
  memcpy(&old, arrp, sizeof old); /* arrp is a T **: read and write the pointer bytewise */
  na = nl_realloc(old, bytes);
  if (!na) return -1;
  memcpy(arrp, &na, sizeof na);
  *cap = nc;
  return 0;
}
