#ifndef NL_IO_HTML_H
#define NL_IO_HTML_H
/* What a self-contained HTML report needs: escaped text and figures embedded as base64 SVG. */
#include <stddef.h>
#include <stdio.h>

/* The reports' style sheet (study and calibration reports look alike): a readable column, blue
 * section rules, compact tables with right-aligned numbers (td.n), figures with captions, print
 * rules. */
extern const char nl_html_css[];

/* s with <, >, & and " escaped (NULL writes nothing). */
void nl_html_text(FILE *f, const char *s);
/* d[0..n) in base64 (RFC 4648, padded). */
void nl_html_base64(FILE *f, const unsigned char *d, size_t n);
/* <img alt=... src="data:image/svg+xml;base64,..."> of an SVG document d[0..n). */
void nl_html_svg_img(FILE *f, const char *alt, const unsigned char *d, size_t n);

#endif
