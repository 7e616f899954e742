#define _POSIX_C_SOURCE 200809L
#include "io/atomic.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

nl_status nl_atomic_open(nl_atomic_file *a, const char *path, nl_errbuf *err) {
  memset(a, 0, sizeof *a);
  if (strlen(path) >= sizeof a->path) return nl_err(err, NL_EINVAL, "%s: path too long", path);
  snprintf(a->path, sizeof a->path, "%s", path);
  snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld", path, (long)getpid());
  a->f = fopen(a->tmp, "wb");
  if (!a->f) return nl_err(err, NL_EIO, "%s: cannot create file: %s", path, strerror(errno));
  return NL_OK;
}

nl_status nl_atomic_commit(nl_atomic_file *a, nl_errbuf *err) {
  if (!a->f) return nl_err(err, NL_EIO, "%s: file not open", a->path);
  int bad = ferror(a->f);
  int e = bad ? errno : 0;
  if (!bad && fflush(a->f) != 0) {
    bad = 1;
    e = errno;
  }
  if (!bad && fsync(fileno(a->f)) != 0 && errno != EINVAL) {
    bad = 1;
    e = errno;
  }
  if (fclose(a->f) != 0 && !bad) {
    bad = 1;
    e = errno;
  }
  a->f = NULL;
  if (bad) {
    remove(a->tmp);
    return nl_err(err, NL_EIO, "%s: write failed: %s", a->path, e ? strerror(e) : "I/O error");
  }
  if (rename(a->tmp, a->path) != 0) {
    e = errno;
    remove(a->tmp);
    return nl_err(err, NL_EIO, "%s: cannot move file into place: %s", a->path, strerror(e));
  }
  return NL_OK;
}

void nl_atomic_abort(nl_atomic_file *a) {
  if (a->f) {
    fclose(a->f);
    a->f = NULL;
  }
  if (a->tmp[0]) remove(a->tmp);
}
