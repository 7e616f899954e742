/*
 * nl_store_open, the public constructor of an open store, for both builds (with SQLite: store.c;
 * without: none.c). It follows the library's one contract for _open/_read/_parse: a status, and
 * the handle in *out also on failure so its message can be read (NULL only when memory ran out).
 */
#include "core/alloc.h"
#include "store/store_impl.h"

nl_status nl_store_open(const char *path, int flags, int busy_ms, nl_store **out) {
  *out = nl_store_new();
  if (!*out) return NL_ENOMEM;
  return nl_store_open_handle(*out, path, flags, busy_ms);
}
