#ifndef NL_IO_YAML_H
#define NL_IO_YAML_H
/*
 * What every YAML file of netlearn (scenarios, studies) needs from libfyaml: parsing with
 * diagnostics collected instead of printed, and located, typed reading of values. Messages read
 * "file:line:column: key 'k': expected ..., got '...'".
 */
#include <stdarg.h>
#include <stddef.h>

#include "core/error.h"
#if NL_HAVE_YAML
#include <libfyaml.h>
#else
#include "io/yaml_none.h"
#endif

typedef struct nl_yaml {
  const char *file; /* named in messages (borrowed) */
  nl_errbuf *err;   /* where messages go (borrowed) */
} nl_yaml;

/* Parse text[0..len) into *doc (caller destroys it with fy_document_destroy). Refuses text that is
 * not valid UTF-8 first (libfyaml 0.7.12 loops forever on it inside a directive line). Errors:
 * NL_EPARSE with the parser's line and column, NL_ENOMEM. */
nl_status nl_yaml_parse(const nl_yaml *y, const char *text, size_t len, struct fy_document **doc);

/* Start of a node: its own token for a scalar, else (libfyaml 0.7 keeps no marks on collections)
 * the first scalar inside it. NULL for an empty collection. */
const struct fy_mark *nl_yaml_mark(struct fy_node *n);

/* Format "file:line:column: <message>" for node n into y->err and return st. */
nl_status nl_yaml_at(const nl_yaml *y, struct fy_node *n, nl_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
nl_status nl_yaml_vat(const nl_yaml *y, struct fy_node *n, nl_status st, const char *fmt, va_list ap);

/* The text of a scalar value of `key` into buf (NUL-terminated). Errors: NL_EINVAL when n is a
 * list, a mapping or missing, or the text does not fit. */
nl_status nl_yaml_scalar(const nl_yaml *y, struct fy_node *n, const char *key, char *buf, size_t cap);
/* An integer in [min, max]. Errors: NL_EINVAL (not an integer), NL_ERANGE. */
nl_status nl_yaml_long(const nl_yaml *y, struct fy_node *n, const char *key, long min, long max, long *out);
/* A finite number in [lo, hi], each end open when lo_open / hi_open. Errors: NL_EINVAL, NL_ERANGE. */
nl_status nl_yaml_double(const nl_yaml *y, struct fy_node *n, const char *key, double lo, double hi, int lo_open,
                         int hi_open, double *out);

/* A section of a YAML file as a document of its own that keeps the file's line and column numbers
 * (so messages about it point into the file): text[0..len) with only lines [l0, l1) kept (0-based;
 * other characters blanked, line breaks kept) and, on line l0, the key from column c0 up to and
 * including its ':' blanked. NULL when out of memory; caller frees with nl_free. O(len). */
char *nl_yaml_section(const char *text, size_t len, int l0, int l1, int c0);

/* "unknown key 'k' in <section> (did you mean 'v'?)", or the list of valid keys when none is close
 * (section NULL: "unknown key 'k'" alone),
 * at node k. Returns NL_EINVAL. O(nvalid x key length). */
nl_status nl_yaml_unknown_key(const nl_yaml *y, struct fy_node *k, const char *section, const char *key,
                              const char *const *valid, size_t nvalid);

#endif
