#ifndef NL_IO_TEXT_H
#define NL_IO_TEXT_H
/* Reading input text, and checks on it before it reaches a parser. */
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

/*
 * Whether s[0..len) is valid UTF-8 (no overlong forms, surrogates or code points above U+10FFFF)
 * without NUL bytes. On failure sets the 1-based line and column (in bytes) of the first bad byte
 * and returns 0; returns 1 when valid. O(len).
 * (libfyaml 0.7.12 loops forever on invalid UTF-8 inside a directive line, found by fuzzing:
 * scenario text is checked here first.)
 */
int nl_text_valid_utf8(const char *s, size_t len, int *line, int *col);

/*
 * Read the rest of `f` (borrowed; not closed) into *out, NUL-terminated (caller frees with
 * nl_free; *len without the NUL; NUL bytes inside are kept). Returns 0; -1 out of memory, -2 more
 * than max bytes, -3 a read error (errno as the C library left it); *out is NULL on failure.
 * O(size), amortized by doubling.
 */
int nl_text_slurp(FILE *f, size_t max, char **out, size_t *len);

/*
 * Read a whole text file into *out (NUL-terminated, caller frees with nl_free; *len without the
 * NUL). `what` names the file's kind in messages ("scenario file"). Errors: NL_EIO (cannot open or
 * read), NL_EINVAL (larger than max bytes), NL_EPARSE (contains NUL bytes: not a text file),
 * NL_ENOMEM. O(file size).
 */
nl_status nl_text_read_file(const char *path, const char *what, size_t max, nl_errbuf *err, char **out, size_t *len);

#endif
