#ifndef NETLEARN_MEMORY_H
#define NETLEARN_MEMORY_H
/*
 * Memory: the allocator netlearn uses, and nl_free for the buffers it hands to the caller.
 *
 * Every allocation netlearn makes itself (handles, their arrays, buffers it returns) goes through
 * one allocator, malloc/realloc/free unless nl_config_set_allocator installs another (as Lua's
 * lua_newstate takes one), LAPACK's workspaces included. The libraries netlearn calls (libfyaml,
 * igraph, SQLite, cairo, BLAS/LAPACK internally, NLopt, the C library's open_memstream) allocate on
 * their own.
 *
 * Buffers a call returns to the caller are freed with nl_free (never free(), which is wrong as soon
 * as another allocator is installed):
 *   nl_figure_render    *buf (the rendered PNG or SVG)
 *   nl_store_pending    *pairs (the pending runs)
 * Handles are freed with their own nl_<noun>_free; nl_run_record's arrays with nl_run_record_clear.
 */
#include <stddef.h>

#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An allocator: functions as malloc(3), realloc(3) (ptr NULL: allocate) and free(3) (ptr never
 * NULL), each passed `user`. netlearn never asks for 0 bytes. */
typedef struct nl_allocator {
  void *(*malloc_fn)(void *user, size_t size);
  void *(*realloc_fn)(void *user, void *ptr, size_t size);
  void (*free_fn)(void *user, void *ptr);
  void *user; /* borrowed; must outlive the allocator's use */
} nl_allocator;

/*
 * Make `a` (copied; NULL = malloc, realloc, free) the allocator of every later netlearn allocation.
 * Call it once, from one thread, before any other netlearn call: memory is returned to whichever
 * allocator is current when it is freed, so switching while netlearn objects or buffers are alive
 * is safe only between allocators sharing one heap (the tests' fault injector wraps malloc for
 * that reason). Errors: NL_EINVAL (a function pointer is NULL; the allocator is unchanged). O(1).
 */
NL_API nl_status nl_config_set_allocator(const nl_allocator *a);

/* Free a buffer netlearn returned (see the list above) with the current allocator; NULL is
 * harmless. O(1). */
NL_API void nl_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
