#ifndef NL_CORE_ALLOC_H
#define NL_CORE_ALLOC_H
/*
 * All library allocations go through these wrappers so that tests can inject
 * allocation failures (fail the k-th allocation) and check that every path
 * returns NL_ENOMEM cleanly without leaking.
 */
#include <stddef.h>

void *nl_malloc(size_t size);
void *nl_calloc(size_t count, size_t size);
void *nl_realloc(void *ptr, size_t size);
void nl_free(void *ptr);
/* Duplicate a NUL-terminated string (NULL in, NULL out). */
char *nl_strdup(const char *s);
/* Checked multiplication: returns 0 and sets *out on success, -1 on overflow. */
int nl_mul_size(size_t a, size_t b, size_t *out);

/* Test hook: the k-th allocation from now (1-based) and all later ones fail; k <= 0 disables.
 * Returns the number of allocations counted since the last call. */
long nl_alloc_fail_after(long k);

#endif
