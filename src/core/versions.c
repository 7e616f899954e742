/* Versions of the libraries netlearn is linked with (for `netlearn --version` and bug reports). */
#include <cairo.h>
#include <igraph/igraph_version.h>
#include <libfyaml.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/lapack.h"
#include "netlearn/status.h"


char *nl_library_versions(char *buf, size_t cap) {
  const char *ig = NULL;
  igraph_version(&ig, NULL, NULL, NULL);
  snprintf(buf, cap,
           "libfyaml %s\n"
           "igraph %s\n"
           "SQLite %s\n"
           "cairo %s\n"
           "%s\n"
           "Random123 Philox4x64-10 (header-only)\n"
           "OpenMP %d\n",
           fy_library_version(), ig ? ig : "?", sqlite3_libversion(), cairo_version_string(), nl_blas_name(),
           _OPENMP);
  return buf;
}
