#ifndef NETLEARN_FILES_H
#define NETLEARN_FILES_H
/*
 * Files and directories: the one place that creates the output directories of netlearn's
 * commands and writers (runs, studies, PLS, power, calibration).
 */
#include <stddef.h>

#include "netlearn/export.h"
#include "netlearn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Create directory `path` (borrowed) and every missing parent, as `mkdir -p`, then check that it
 * is a directory this process can write into. An existing directory is fine. On failure a
 * message naming the path that failed ("out/a: cannot create output directory: Not a directory")
 * is written into msg (cap bytes, NUL-terminated; msg may be NULL). Errors: NL_EINVAL (empty or
 * too long a path), NL_EIO (a component cannot be created, is not a directory, or the directory
 * is not writable). Cost: one mkdir per path component.
 */
NL_API nl_status nl_mkdirs(const char *path, char *msg, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
