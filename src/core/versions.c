/* Versions of the libraries netlearn is linked with (for `netlearn --version` and bug reports). */
#include <igraph/igraph_version.h>
#include <stdio.h>
#include <string.h>
#if NL_HAVE_PLOT
#include <cairo.h>
#endif
#if NL_HAVE_YAML
#include <libfyaml.h>
#endif
#if NL_HAVE_STORE
#include <sqlite3.h>
#endif

#include "core/lapack.h"
#include "netlearn/status.h"

char *nl_library_versions(char *buf, size_t cap) {
  if (!buf) return NULL;
  const char *ig = NULL;
  igraph_version(&ig, NULL, NULL, NULL);
#if NL_HAVE_YAML
  const char *fy = fy_library_version();
#else
  const char *fy = "(not built in)";
#endif
#if NL_HAVE_STORE
  const char *sq = sqlite3_libversion();
#else
  const char *sq = "(not built in)";
#endif
#if NL_HAVE_PLOT
  const char *ca = cairo_version_string();
#else
  const char *ca = "(not built in)";
#endif
  snprintf(buf, cap,
           "libfyaml %s\n"
           "igraph %s\n"
           "SQLite %s\n"
           "cairo %s\n"
           "%s\n"
           "Random123 Philox4x64-10 (header-only)\n"
           "OpenMP %d\n",
           fy, ig ? ig : "?", sq, ca, nl_blas_name(), _OPENMP);
  return buf;
}
