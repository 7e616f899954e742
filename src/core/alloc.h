#ifndef NL_CORE_ALLOC_H
#define NL_CORE_ALLOC_H
/*
 * All library allocations go through these wrappers, and through them the allocator set by
 * nl_config_set_allocator (netlearn/memory.h, which declares nl_free). Tests inject allocation
 * failures by installing a failing allocator (tests/common/fault_alloc.h): the library itself
 * keeps no counter.
 */
#include <stddef.h>

#include "netlearn/memory.h"

void *nl_malloc(size_t size);
void *nl_calloc(size_t count, size_t size);
void *nl_realloc(void *ptr, size_t size);
/* Duplicate a NUL-terminated string (NULL in, NULL out). */
char *nl_strdup(const char *s);
/* Checked multiplication: returns 0 and sets *out on success, -1 on overflow. */
int nl_mul_size(size_t a, size_t b, size_t *out);
/* Grow an array to hold at least `need` elements of `elsize` bytes: arrp is the address of the
 * array pointer (any T **), *cap its capacity in elements. The capacity doubles, from `first`
 * when it is 0, until it reaches need; nothing changes when it already does. Returns 0, or -1
 * when out of memory or the size overflows (the array and *cap are then unchanged, the array
 * still owned by the caller). Amortized O(1) per element. */
int nl_grow(void *arrp, size_t *cap, size_t need, size_t elsize, size_t first);

#endif
