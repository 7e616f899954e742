#include "io/text.h"

#include <stdint.h>

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
