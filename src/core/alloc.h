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

#endif
