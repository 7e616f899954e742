#ifndef NL_CORE_ERROR_H
#define NL_CORE_ERROR_H
/*
 * Per-handle error messages. Each handle embeds an nl_errbuf; library functions
 * format the message with its location ("file:line:column: ...") when they have one.
 */
#include <stdarg.h>
#include <stddef.h>

#include "netlearn/model_api.h" /* nl_errbuf, NL_ERRMSG_MAX: public, for models' callbacks */
#include "netlearn/status.h"

/* What every nl_<noun>_errmsg returns for a NULL handle (a static string): the handle's constructor
 * ran out of memory (issue 19: errmsg(NULL) is always safe). */
#define NL_ERR_NO_HANDLE "out of memory (no handle was created)"
#define NL_ERRMSG_OF(h) ((h) ? (h)->err.msg : NL_ERR_NO_HANDLE)

/* Format a message into the buffer and return `st` (for `return nl_err(...)`). */
nl_status nl_err(nl_errbuf *e, nl_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Same, from a va_list. */
nl_status nl_verr(nl_errbuf *e, nl_status st, const char *fmt, va_list ap);
/* Prefix the current message: "<prefix>: <old message>". */
void nl_err_prefix(nl_errbuf *e, const char *prefix);
void nl_err_clear(nl_errbuf *e);
/* NL_EUNSUPPORTED with "netlearn was built without <component>: rebuild with -DNL_WITH_<X>=ON"
 * (component as in nl_built_with: "plot", "store", "yaml"). */
nl_status nl_err_without(nl_errbuf *e, const char *component);

/* Levenshtein distance, used to suggest the closest name for a misspelt key. */
size_t nl_edit_distance(const char *a, const char *b);
/* Index of the closest of n names to `s`, or -1 if none is close enough to be a plausible typo. */
long nl_closest_name(const char *s, const char *const *names, size_t n);

#endif
