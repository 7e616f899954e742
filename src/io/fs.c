/* nl_mkdirs: `mkdir -p` and a writability check, shared by the CLI and every library writer. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netlearn/files.h"

static nl_status fail(char *msg, size_t cap, nl_status st, const char *path, const char *what, int errnum) {
  if (msg && cap) snprintf(msg, cap, "%s: %s%s%s", path, what, errnum ? ": " : "", errnum ? strerror(errnum) : "");
  return st;
}

nl_status nl_mkdirs(const char *path, char *msg, size_t cap) {
  char buf[PATH_MAX];
  if (!path || !*path) return fail(msg, cap, NL_EINVAL, "", "empty output directory name", 0);
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return fail(msg, cap, NL_EINVAL, path, "path too long", 0);
  /* Each parent in turn; EEXIST is fine (a file in the way is found by the next mkdir or stat). */
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
      return fail(msg, cap, NL_EIO, buf, "cannot create output directory", errno);
    *p = '/';
  }
  if (mkdir(buf, 0777) != 0 && errno != EEXIST) return fail(msg, cap, NL_EIO, path, "cannot create output directory", errno);
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return fail(msg, cap, NL_EIO, path, "not a directory", 0);
  /* access() also sees a read-only file system (EROFS), where root's permission bits would pass. */
  if (access(path, W_OK | X_OK) != 0) return fail(msg, cap, NL_EIO, path, "output directory is not writable", errno);
  if (msg && cap) msg[0] = '\0';
  return NL_OK;
}
