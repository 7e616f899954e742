#include "io/html.h"

const char nl_html_css[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#222;max-width:1040px;margin:0 auto;"
    "padding:1em 1.5em 4em;line-height:1.45;font-size:15px}h1{font-size:1.7em;margin-bottom:.2em}"
    "h2{font-size:1.3em;border-bottom:2px solid #0072B2;padding-bottom:.15em;margin-top:2em}"
    "table{border-collapse:collapse;margin:.6em 0 1em;font-size:.9em}"
    "th,td{border:1px solid #ccc;padding:.25em .55em;text-align:left;vertical-align:top}th{background:#f0f4f8}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}table.kv th{white-space:nowrap}"
    "figure{margin:1.2em 0}figure img{width:100%;max-width:780px;height:auto;border:1px solid #eee}"
    "figcaption{font-size:.88em;color:#444;max-width:800px}.note{color:#555;font-size:.9em}"
    ".good{background:#e3f4ea}.warn{background:#fff3d6}.bad{background:#f6e3e3}"
    ".box{border:1px solid #bcd;background:#f7fafc;padding:.6em 1em;margin:1em 0}"
    "pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.85em}code{font-size:.92em}"
    "@media print{body{max-width:none;font-size:11pt}figure,table{break-inside:avoid}h2{break-after:avoid}}";

void nl_html_text(FILE *f, const char *s) {
  for (; s && *s; s++) {
    if (*s == '<') fputs("&lt;", f);
    else if (*s == '>') fputs("&gt;", f);
    else if (*s == '&') fputs("&amp;", f);
    else if (*s == '"') fputs("&quot;", f);
    else fputc(*s, f);
  }
}

void nl_html_base64(FILE *f, const unsigned char *d, size_t n) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned long w = (unsigned long)d[i] << 16 | (i + 1 < n ? (unsigned long)d[i + 1] << 8 : 0) |
                      (i + 2 < n ? (unsigned long)d[i + 2] : 0);
    char out[4] = {alphabet[w >> 18 & 63], alphabet[w >> 12 & 63], i + 1 < n ? alphabet[w >> 6 & 63] : '=',
                   i + 2 < n ? alphabet[w & 63] : '='};
    fwrite(out, 1, 4, f);
  }
}

void nl_html_svg_img(FILE *f, const char *alt, const unsigned char *d, size_t n) {
  fputs("<img alt=\"", f);
  nl_html_text(f, alt);
  fputs("\" src=\"data:image/svg+xml;base64,", f);
  nl_html_base64(f, d, n);
  fputs("\">", f);
}
