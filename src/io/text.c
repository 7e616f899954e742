#include "io/text.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"

int nl_text_valid_utf8(const char *s, size_t len, int *line, int *col) {
  const unsigned char *p = (const unsigned char *)s;
  int ln = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < len;) {
    unsigned c = p[i];
    size_t need = 0;
    uint32_t cp = 0, min = 0;
    if (c == 0) goto bad;
    if (c < 0x80) {
      if (c == '\n') {
        ln++;
        line_start = i + 1;
      }
      i++;
      continue;
    }
    if ((c & 0xe0) == 0xc0) need = 1, cp = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0) need = 2, cp = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0) need = 3, cp = c & 0x07, min = 0x10000;
    else goto bad;
    for (size_t k = 1; k <= need; k++) {
      if (i + k >= len || (p[i + k] & 0xc0) != 0x80) goto bad;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) goto bad;
    i += need + 1;
    continue;
  bad:
    *line = ln;
    *col = (int)(i - line_start) + 1;
    return 0;
  }
  return 1;
}

int nl_text_slurp(FILE *f, size_t max, char **out, size_t *len) {
  char *buf = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  *out = NULL;
  *len = 0;
  for (;;) {
    if (nl_grow(&buf, &cap, n + 4096, 1, 8192)) {
      rc = -1;
      goto cleanup;
    }
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (n > max) {
      rc = -2;
      goto cleanup;
    }
    if (got == 0) break;
  }
  if (ferror(f)) {
    rc = -3;
    goto cleanup;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  buf = NULL;
cleanup:
  nl_free(buf);
  return rc;
}

nl_status nl_text_read_file(const char *path, const char *what, size_t max, nl_errbuf *err, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return nl_err(err, NL_EIO, "%s: cannot open %s: %s", path, what, strerror(errno));
  char *buf = NULL;
  size_t n = 0;
  nl_status st = NL_OK;
  int rc = nl_text_slurp(f, max, &buf, &n);
  if (rc == -1) st = nl_err(err, NL_ENOMEM, "out of memory");
  else if (rc == -2) st = nl_err(err, NL_EINVAL, "%s: %s larger than %zu MiB", path, what, max >> 20);
  else if (rc == -3) st = nl_err(err, NL_EIO, "%s: cannot read %s: %s", path, what, strerror(errno));
  else if (memchr(buf, '\0', n)) st = nl_err(err, NL_EPARSE, "%s: not a text file (contains NUL bytes)", path);
  if (st) goto cleanup;
  *out = buf;
  *len = n;
  buf = NULL;
cleanup:
  fclose(f);
  nl_free(buf);
  return st;
}
