#ifndef NETLEARN_STATUS_H
#define NETLEARN_STATUS_H
/*
 * Status codes. Every fallible library call returns an nl_status; 0 is success.
 * The human-readable message for a failure lives on the handle the call was made on
 * (nl_<noun>_errmsg), never on stderr: the library neither prints nor exits. Every
 * nl_<noun>_errmsg accepts NULL (the handle's constructor ran out of memory) and then returns a
 * static message; every nl_<noun>_free accepts NULL.
 */
#include <stddef.h>

#include "netlearn/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nl_status {
  NL_OK = 0,
  NL_ENOMEM,       /* an allocation failed */
  NL_EIO,          /* a file could not be opened, read or written */
  NL_EPARSE,       /* malformed input text (YAML, CSV, model syntax, graph file) */
  NL_EINVAL,       /* invalid argument or inconsistent input (unknown key, wrong type, ...) */
  NL_ERANGE,       /* a value outside its documented range */
  NL_ENUMERIC,     /* a numerical failure (singular matrix, zero variance, ...) */
  NL_ECONVERGE,    /* an iterative method did not converge */
  NL_ECANCELED,    /* stopped by the caller (progress callback asked to stop) */
  NL_EEXIST,       /* refusing to overwrite existing, different results */
  NL_EINTERNAL,    /* a broken invariant: a bug in netlearn */
  NL_EBUSY,        /* in use by another process (a results database another run is writing) */
  NL_EUNSUPPORTED  /* a component this netlearn was built without (nl_built_with) */
} nl_status;

/* Short, static name of a status ("out of memory", ...). Never NULL. O(1). */
NL_API const char *nl_status_str(nl_status s);

/* Version of the library actually loaded: its release, e.g. "0.1.0" (NL_VERSION of the headers it
 * was built with), and its ABI version (NL_ABI_VERSION, netlearn/netlearn.h; the soname's number).
 * A program built with other headers can compare them with the macros. Static; O(1). */
NL_API const char *nl_version(void);
NL_API int nl_abi_version(void);

/* 1 when this netlearn was built with the optional component: "plot" (figures, cairo), "store"
 * (results databases, SQLite), "yaml" (scenario, study, calibration and sensitivity files,
 * libfyaml); 0 otherwise (also for an unknown name or NULL). Without one, its functions return
 * NL_EUNSUPPORTED with the message "netlearn was built without ...". O(1). */
NL_API int nl_built_with(const char *component);

/* One line per linked library with its version ("libfyaml 0.7.12", "igraph 0.10.2", ...), written
 * into buf (NUL-terminated, truncated to cap). Returns buf (NULL when buf is NULL). */
NL_API char *nl_library_versions(char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
