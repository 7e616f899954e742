#ifndef NL_TESTS_FAULT_ALLOC_H
#define NL_TESTS_FAULT_ALLOC_H
/*
 * Allocation fault injection for tests, through the public allocator hook (netlearn/memory.h): the
 * library keeps no counter of its own. nl_alloc_fail_after(k): from now on the k-th allocation
 * (1-based) and every later one fail; k <= 0: none fail. Returns the number of allocations since
 * the previous call (the first call installs the counting allocator). The allocator wraps malloc,
 * realloc and free, so memory allocated before it was installed is freed through it safely.
 * Atomic: allocations happen on worker threads too.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "netlearn/memory.h"

static atomic_long fault_fail_at, fault_count;

static int fault_should_fail(void) {
  long n = atomic_fetch_add(&fault_count, 1) + 1;
  long k = atomic_load(&fault_fail_at);
  return k > 0 && n >= k;
}

static void *fault_malloc(void *user, size_t size) {
  (void)user;
  return fault_should_fail() ? NULL : malloc(size);
}

static void *fault_realloc(void *user, void *ptr, size_t size) {
  (void)user;
  return fault_should_fail() ? NULL : realloc(ptr, size);
}

static void fault_free(void *user, void *ptr) {
  (void)user;
  free(ptr);
}

static long nl_alloc_fail_after(long k) {
  static int installed;
  if (!installed) {
    const nl_allocator a = {fault_malloc, fault_realloc, fault_free, NULL};
    if (nl_config_set_allocator(&a) != NL_OK) abort();
    installed = 1;
  }
  long n = atomic_exchange(&fault_count, 0);
  atomic_store(&fault_fail_at, k > 0 ? k : 0);
  return n;
}

#endif
