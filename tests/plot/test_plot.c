/* Plots: scales, transforms, colours, PNG and SVG output, figures from a real March (1991) run,
 * networks, PLS diagrams, and every bad input. */
#define _POSIX_C_SOURCE 200809L
#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cli_harness.h"
#include "common/fault_alloc.h"
#include "io/csvread.h"
#include "netlearn/plot.h"
#include "plot/plot_impl.h"
#include "plot/table.h"

/* ---- PNG and SVG inspection ---- */

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int png_size(const unsigned char *b, size_t len, uint32_t *w, uint32_t *h) {
  if (len < 33 || memcmp(b, "\x89PNG\r\n\x1a\n", 8) || memcmp(b + 12, "IHDR", 4)) return -1;
  *w = be32(b + 16);
  *h = be32(b + 20);
  return 0;
}

/* Pixels per metre of the pHYs chunk, 0 if none. */
static uint32_t png_phys(const unsigned char *b, size_t len) {
  size_t at = 8;
  while (at + 12 <= len) {
    uint32_t n = be32(b + at);
    if (!memcmp(b + at + 4, "pHYs", 4)) return be32(b + at + 8);
    at += 12 + n;
  }
  return 0;
}

typedef struct memread {
  const unsigned char *p;
  size_t len, at;
} memread;

static cairo_status_t read_cb(void *closure, unsigned char *data, unsigned int n) {
  memread *m = closure;
  if (m->at + n > m->len) return CAIRO_STATUS_READ_ERROR;
  memcpy(data, m->p + m->at, n);
  m->at += n;
  return CAIRO_STATUS_SUCCESS;
}

/* Colour of the pixel at page point (x, y) of a PNG rendered at `dpi`. */
static void png_pixel(const unsigned char *b, size_t len, double dpi, double x, double y, double *r, double *g,
                      double *bl) {
  memread m = {b, len, 0};
  cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_cb, &m);
  assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  int px = (int)(x * dpi / 72), py = (int)(y * dpi / 72);
  unsigned char *d = cairo_image_surface_get_data(s);
  uint32_t v = *(uint32_t *)(d + (size_t)py * (size_t)cairo_image_surface_get_stride(s) + 4 * (size_t)px);
  *r = ((v >> 16) & 255) / 255.0;
  *g = ((v >> 8) & 255) / 255.0;
  *bl = (v & 255) / 255.0;
  cairo_surface_destroy(s);
}

/* Parse an SVG with libxml2 (fails the test if it is not well-formed XML with an <svg> root)
 * and return every <text> element's content joined by '\n' (caller frees). Counts elements
 * named `count_name` into *count when non-NULL. */
static void collect(xmlNode *n, char **out, size_t *len, const char *count_name, size_t *count) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (count && !strcmp((const char *)n->name, count_name)) (*count)++;
    if (!strcmp((const char *)n->name, "text")) {
      xmlChar *c = xmlNodeGetContent(n);
      size_t k = strlen((const char *)c);
      *out = realloc(*out, *len + k + 2);
      memcpy(*out + *len, c, k);
      (*out)[*len + k] = '\n';
      *len += k + 1;
      (*out)[*len] = 0;
      xmlFree(c);
    }
    collect(n->children, out, len, count_name, count);
  }
}

static char *svg_texts(const unsigned char *b, size_t len, const char *count_name, size_t *count) {
  xmlDoc *doc = xmlReadMemory((const char *)b, (int)len, "figure.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
  assert_non_null(doc);
  xmlNode *root = xmlDocGetRootElement(doc);
  assert_non_null(root);
  assert_string_equal((const char *)root->name, "svg");
  char *out = calloc(1, 1);
  size_t n = 0;
  if (count) *count = 0;
  collect(root, &out, &n, count_name, count);
  xmlFreeDoc(doc);
  return out;
}

/* Whether the joined texts hold `line` as one whole text element. */
static int has_text(const char *texts, const char *line) {
  size_t k = strlen(line);
  for (const char *p = texts; (p = strstr(p, line)); p++)
    if ((p == texts || p[-1] == '\n') && p[k] == '\n') return 1;
  return 0;
}

static nl_figure *simple_line(void) {
  nl_figure *f = nl_figure_new(NULL);
  assert_non_null(f);
  double x[3] = {0, 5, 10}, y[3] = {0, 0.5, 1};
  assert_int_equal(nl_figure_line(f, 3, x, y, NL_PLOT_AUTO, "a", 0), NL_OK);
  assert_int_equal(nl_figure_labels(f, "Period", "Knowledge", NULL), NL_OK);
  return f;
}

/* ---- scales ---- */

static void test_ticks(void **state) {
  (void)state;
  double t[64], step;
  size_t n = nl_plot_ticks(0, 1, 5, t, 64, &step);
  assert_int_equal(n, 6);
  assert_true(fabs(step - 0.2) < 1e-12);
  for (size_t i = 0; i < n; i++) assert_true(fabs(t[i] - 0.2 * (double)i) < 1e-12);
  /* padded unit interval: the same ticks */
  n = nl_plot_ticks(-0.04, 1.04, 5, t, 64, &step);
  assert_int_equal(n, 6);
  assert_true(t[0] == 0.0 && fabs(t[5] - 1) < 1e-12);
  n = nl_plot_ticks(3, 97, 5, t, 64, &step);
  assert_true(fabs(step - 20) < 1e-9);
  assert_int_equal(n, 4);
  assert_true(fabs(t[0] - 20) < 1e-9 && fabs(t[3] - 80) < 1e-9);
  /* tie between 3 and 5 ticks for a target of 4: the larger step */
  n = nl_plot_ticks(-1, 1, 4, t, 64, &step);
  assert_int_equal(n, 3);
  assert_true(step == 1 && t[0] == -1 && t[1] == 0 && t[2] == 1);
  /* zero is exactly zero, not 1e-17 */
  n = nl_plot_ticks(-0.3, 0.3, 5, t, 64, &step);
  int zero = 0;
  for (size_t i = 0; i < n; i++) zero |= t[i] == 0.0 && !signbit(t[i]);
  assert_true(zero);
  /* properties over many ranges: steps 1, 2 or 5 x 10^k, ticks inside, multiples of the step,
   * and a count near the target */
  unsigned long long s = 12345;
  for (int k = 0; k < 2000; k++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    double lo = ((double)(s >> 11) / 9007199254740992.0 - 0.5) * pow(10, (double)(k % 13) - 6);
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    double hi = lo + (double)(s >> 11) / 9007199254740992.0 * pow(10, (double)(k % 11) - 5) + 1e-9;
    size_t target = 3 + (size_t)(k % 6);
    n = nl_plot_ticks(lo, hi, target, t, 64, &step);
    assert_true(n >= 2 && n <= 2 * target + 1);
    double mant = step / pow(10, floor(log10(step) + 1e-9));
    assert_true(fabs(mant - 1) < 1e-6 || fabs(mant - 2) < 1e-6 || fabs(mant - 5) < 1e-6);
    for (size_t i = 0; i < n && i < 64; i++) {
      assert_true(t[i] >= lo - 1e-9 * step && t[i] <= hi + 1e-9 * step);
      double q = t[i] / step;
      assert_true(fabs(q - round(q)) < 1e-9 * fmax(1, fabs(q)));
    }
  }
  assert_int_equal(nl_plot_ticks(1, 1, 5, t, 64, &step), 0);
  assert_int_equal(nl_plot_ticks(NAN, 1, 5, t, 64, &step), 0);
}

static void test_tick_labels(void **state) {
  (void)state;
  char b[64];
  assert_int_equal(nl_plot_tick_decimals(0.2), 1);
  assert_int_equal(nl_plot_tick_decimals(0.05), 2);
  assert_int_equal(nl_plot_tick_decimals(1), 0);
  assert_int_equal(nl_plot_tick_decimals(20), 0);
  assert_int_equal(nl_plot_tick_decimals(0.001), 3);
  nl_plot_format_tick(0.4, 0.2, b, sizeof b);
  assert_string_equal(b, "0.4");
  nl_plot_format_tick(0, 0.2, b, sizeof b);
  assert_string_equal(b, "0.0");
  nl_plot_format_tick(-0.5, 0.5, b, sizeof b);
  assert_string_equal(b, "\xe2\x88\x92" "0.5"); /* typographic minus */
  nl_plot_format_tick(150, 50, b, sizeof b);
  assert_string_equal(b, "150");
  nl_plot_format_tick(2e7, 1e7, b, sizeof b);
  assert_string_equal(b, "2e+07");
  nl_plot_format_num(0.1, b, sizeof b);
  assert_string_equal(b, "0.1");
  nl_plot_format_num(0.125, b, sizeof b);
  assert_string_equal(b, "0.125");
  nl_plot_format_num(NAN, b, sizeof b);
  assert_string_equal(b, "NA");
  nl_plot_pretty_name("code_knowledge", b, sizeof b);
  assert_string_equal(b, "Code knowledge");
  nl_plot_pretty_name("p1", b, sizeof b);
  assert_string_equal(b, "p1");
}

static void test_colours(void **state) {
  (void)state;
  nl_rgba c = nl_plot_viridis(0);
  assert_true(fabs(c.r - 0x44 / 255.0) < 1e-9 && fabs(c.g - 0x01 / 255.0) < 1e-9 && fabs(c.b - 0x54 / 255.0) < 1e-9);
  c = nl_plot_viridis(1);
  assert_true(fabs(c.r - 0xfd / 255.0) < 1e-9 && fabs(c.g - 0xe7 / 255.0) < 1e-9 && fabs(c.b - 0x25 / 255.0) < 1e-9);
  /* clamped, and perceptually ordered: luminance rises along the scale */
  nl_rgba lo = nl_plot_viridis(-3), hi = nl_plot_viridis(7);
  assert_true(lo.r == nl_plot_viridis(0).r && hi.g == nl_plot_viridis(1).g);
  double prev = -1;
  for (int i = 0; i <= 100; i++) {
    double l = nl_plot_luminance(nl_plot_viridis(i / 100.0));
    assert_true(l > prev);
    prev = l;
  }
  c = nl_plot_viridis(NAN);
  assert_true(c.r == c.g && c.g == c.b);
  /* Okabe-Ito: eight distinct colours, cycling */
  for (size_t i = 0; i < NL_PLOT_NCATEGORIES; i++)
    for (size_t j = i + 1; j < NL_PLOT_NCATEGORIES; j++) {
      nl_rgba a = nl_plot_category(i), b = nl_plot_category(j);
      assert_true(fabs(a.r - b.r) + fabs(a.g - b.g) + fabs(a.b - b.b) > 0.1);
    }
  assert_true(nl_plot_category(0).b == nl_plot_category(NL_PLOT_NCATEGORIES).b);
  assert_true(fabs(nl_plot_category(0).b - 0xb2 / 255.0) < 1e-9); /* blue first */
}

/* ---- transforms ---- */

static void test_transform(void **state) {
  (void)state;
  nl_figure *f = simple_line();
  double x0, y0, x1, y1, a, b, c, d, e, g;
  assert_int_equal(nl_figure_panel(f, &x0, &y0, &x1, &y1), NL_OK);
  assert_true(x0 > 20 && x1 < 480 && y0 >= 8 && y1 < 336 && x1 - x0 > 300 && y1 - y0 > 200);
  assert_int_equal(nl_figure_transform(f, 0, 0, &a, &b), NL_OK);
  assert_int_equal(nl_figure_transform(f, 10, 1, &c, &d), NL_OK);
  assert_int_equal(nl_figure_transform(f, 5, 0.5, &e, &g), NL_OK);
  /* affine, y upwards, data inside the panel with padding */
  assert_true(fabs(e - (a + c) / 2) < 1e-9 && fabs(g - (b + d) / 2) < 1e-9);
  assert_true(d < b);
  assert_true(a > x0 && c < x1 && d > y0 && b < y1);
  /* 4% padding on each side */
  assert_true(fabs((a - x0) / (x1 - x0) - 0.04 / 1.08) < 1e-9);
  /* fixed limits map to the panel edges */
  assert_int_equal(nl_figure_xlim(f, 0, 10), NL_OK);
  assert_int_equal(nl_figure_ylim(f, 0, 1), NL_OK);
  assert_int_equal(nl_figure_transform(f, 0, 0, &a, &b), NL_OK);
  assert_int_equal(nl_figure_panel(f, &x0, &y0, &x1, &y1), NL_OK);
  assert_true(fabs(a - x0) < 1e-9 && fabs(b - y1) < 1e-9);
  assert_int_equal(nl_figure_transform(f, 10, 1, &a, &b), NL_OK);
  assert_true(fabs(a - x1) < 1e-9 && fabs(b - y0) < 1e-9);
  assert_int_equal(nl_figure_xlim(f, 1, 1), NL_ERANGE);
  assert_non_null(strstr(nl_figure_errmsg(f), "lo < hi"));
  nl_figure_free(f);
  /* no panel */
  f = nl_figure_new(NULL);
  assert_int_equal(nl_figure_transform(f, 0, 0, &a, &b), NL_EINVAL);
  nl_figure_free(f);
}

/* ---- output formats ---- */

static void test_png_and_svg(void **state) {
  (void)state;
  nl_figure *f = simple_line();
  unsigned char *buf;
  size_t len = 0;
  uint32_t w = 0, h = 0;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_PNG, &buf, &len), NL_OK);
  assert_int_equal(png_size(buf, len, &w, &h), 0);
  assert_int_equal(w, 1000); /* 480 pt at 150 dpi */
  assert_int_equal(h, 700);
  assert_int_equal(png_phys(buf, len), 5906); /* 150 dpi in pixels per metre */
  nl_free(buf);
  nl_figure_free(f);
  /* 300 dpi, 3.5 x 2.5 in */
  nl_figure_options o;
  nl_figure_options_default(&o);
  o.width = 252;
  o.height = 180;
  o.dpi = 300;
  f = nl_figure_new(&o);
  double x[2] = {0, 1}, y[2] = {1, 2};
  assert_int_equal(nl_figure_line(f, 2, x, y, 0, NULL, 0), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_PNG, &buf, &len), NL_OK);
  assert_int_equal(png_size(buf, len, &w, &h), 0);
  assert_int_equal(w, 1050);
  assert_int_equal(h, 750);
  assert_int_equal(png_phys(buf, len), 11811);
  nl_free(buf);
  /* SVG: page size in points, titles as text, special characters escaped */
  assert_int_equal(nl_figure_labels(f, "Period <t>", "Mean & \"CI\"", "A title"), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &buf, &len), NL_OK);
  assert_non_null(strstr((char *)buf, "width=\"252pt\" height=\"180pt\""));
  char *t = svg_texts(buf, len, NULL, NULL);
  assert_true(has_text(t, "Period <t>"));
  assert_true(has_text(t, "Mean & \"CI\""));
  assert_true(has_text(t, "A title"));
  free(t);
  nl_free(buf);
  /* files by extension, any case */
  char p[512];
  path_of(p, sizeof p, "fig.SVG");
  assert_int_equal(nl_figure_save(f, p), NL_OK);
  char *s = nl_test_read_all_n(p, &len);
  assert_non_null(s);
  assert_non_null(strstr(s, "<svg"));
  free(s);
  path_of(p, sizeof p, "fig.png");
  assert_int_equal(nl_figure_save(f, p), NL_OK);
  s = nl_test_read_all_n(p, &len);
  assert_int_equal(png_size((unsigned char *)s, len, &w, &h), 0);
  assert_int_equal(w, 1050);
  free(s);
  path_of(p, sizeof p, "fig.pdf");
  assert_int_equal(nl_figure_save(f, p), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(f), ".png or .svg"));
  path_of(p, sizeof p, "no/such/dir/fig.png");
  assert_int_equal(nl_figure_save(f, p), NL_EIO);
  nl_figure_free(f);
}

static void test_legend_and_bands(void **state) {
  (void)state;
  nl_figure *f = nl_figure_new(NULL);
  double x[20], y1[20], y2[20], lo[20], hi[20];
  for (int i = 0; i < 20; i++) {
    x[i] = i;
    y1[i] = 1 - exp(-i / 5.0);
    y2[i] = 0.5 * y1[i];
    lo[i] = y1[i] - 0.05;
    hi[i] = y1[i] + 0.05;
  }
  nl_plot_curve c[2] = {{"fast learners", 20, x, y1, lo, hi}, {"slow learners", 20, x, y2, NULL, NULL}};
  assert_int_equal(nl_plot_series(f, c, 2), NL_OK);
  assert_int_equal(nl_figure_labels(f, "Period", "Code knowledge", NULL), NL_OK);
  unsigned char *buf;
  size_t len = 0, npoly = 0;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &buf, &len), NL_OK);
  char *t = svg_texts(buf, len, "polygon", &npoly);
  assert_true(has_text(t, "fast learners"));
  assert_true(has_text(t, "slow learners"));
  assert_true(has_text(t, "Code knowledge"));
  assert_true(npoly >= 1); /* the band */
  free(t);
  nl_free(buf);
  /* the legend is where the curves are not: curves rise to the top left... they fill the top
   * right, so the legend must be at the bottom right */
  double x0, y0, x1, y1p, px, py;
  assert_int_equal(nl_figure_panel(f, &x0, &y0, &x1, &y1p), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_PNG, &buf, &len), NL_OK);
  double r, g, b;
  /* the band's colour shows at the first curve's mid point, lighter than the line's colour */
  assert_int_equal(nl_figure_transform(f, 10, (lo[10] + y1[10]) / 2, &px, &py), NL_OK);
  png_pixel(buf, len, 150, px, py, &r, &g, &b);
  assert_true(b > r && b > 0.6 && r > 0.6); /* light blue */
  nl_free(buf);
  nl_figure_free(f);
  /* too many curves */
  f = nl_figure_new(NULL);
  nl_plot_curve many[9];
  for (int i = 0; i < 9; i++) many[i] = (nl_plot_curve){"c", 20, x, y1, NULL, NULL};
  assert_int_equal(nl_plot_series(f, many, 9), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(f), "too many"));
  assert_int_equal(nl_plot_series(f, many, 0), NL_EINVAL);
  nl_figure_free(f);
}

static void test_heatmap_colours(void **state) {
  (void)state;
  nl_figure *f = nl_figure_new(NULL);
  double x[3] = {0.1, 0.2, 0.3}, y[2] = {1, 2}, z[6] = {0, 0.2, 0.4, 0.6, 0.8, NAN};
  assert_int_equal(nl_figure_heatmap(f, 3, x, 2, y, z, NAN, NAN, "knowledge", 1), NL_OK);
  unsigned char *buf;
  size_t len = 0;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_PNG, &buf, &len), NL_OK);
  /* each cell's centre has the viridis colour of its value scaled over the data range 0..0.8;
   * sample beside the annotation text */
  for (size_t j = 0; j < 2; j++)
    for (size_t i = 0; i < 3; i++) {
      double px, py, r, g, b;
      assert_int_equal(nl_figure_transform(f, (double)i + 0.3, (double)j + 0.3, &px, &py), NL_OK);
      png_pixel(buf, len, 150, px, py, &r, &g, &b);
      double v = z[j * 3 + i];
      nl_rgba want = isnan(v) ? (nl_rgba){0.85, 0.85, 0.85, 1} : nl_plot_viridis(v / 0.8);
      assert_true(fabs(r - want.r) < 0.02 && fabs(g - want.g) < 0.02 && fabs(b - want.b) < 0.02);
    }
  nl_free(buf);
  /* fixed scale 0..1: the cell holding 0.8 is 80% along viridis */
  assert_int_equal(nl_figure_heatmap(f, 3, x, 2, y, z, 0, 1, "knowledge", 0), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_PNG, &buf, &len), NL_OK);
  double px, py, r, g, b;
  assert_int_equal(nl_figure_transform(f, 1, 1, &px, &py), NL_OK);
  png_pixel(buf, len, 150, px, py, &r, &g, &b);
  nl_rgba want = nl_plot_viridis(0.8);
  assert_true(fabs(r - want.r) < 0.02 && fabs(g - want.g) < 0.02 && fabs(b - want.b) < 0.02);
  nl_free(buf);
  /* SVG: axis labels are the parameter values, the colour bar has its title, NA is explained */
  assert_int_equal(nl_figure_labels(f, "p1", "p2", NULL), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &buf, &len), NL_OK);
  char *t = svg_texts(buf, len, NULL, NULL);
  assert_true(has_text(t, "0.1") && has_text(t, "0.3") && has_text(t, "2"));
  assert_true(has_text(t, "knowledge") && has_text(t, "p1") && has_text(t, "p2"));
  assert_true(has_text(t, "no data"));
  assert_true(has_text(t, "1.0")); /* colour bar tick at the fixed upper limit */
  free(t);
  nl_free(buf);
  assert_int_equal(nl_figure_heatmap(f, 0, x, 2, y, z, NAN, NAN, NULL, 0), NL_EINVAL);
  /* 30 columns 0, 0.02, ..., 0.58 cannot all be labelled: every fifth, at round values */
  double xs[30], ys[2] = {0, 1}, zs[60];
  for (int i = 0; i < 30; i++) xs[i] = 0.02 * i;
  for (int i = 0; i < 60; i++) zs[i] = i;
  assert_int_equal(nl_figure_heatmap(f, 30, xs, 2, ys, zs, NAN, NAN, NULL, 0), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &buf, &len), NL_OK);
  t = svg_texts(buf, len, NULL, NULL);
  assert_true(has_text(t, "0") && has_text(t, "0.1") && has_text(t, "0.2") && has_text(t, "0.5"));
  assert_false(has_text(t, "0.06") || has_text(t, "0.02"));
  free(t);
  nl_free(buf);
  nl_figure_free(f);
}

static void test_empty_inputs(void **state) {
  (void)state;
  nl_figure *f = nl_figure_new(NULL);
  unsigned char *buf;
  size_t len = 0;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_PNG, &buf, &len), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(f), "empty"));
  double x[2] = {NAN, 1}, y[2] = {1, NAN};
  assert_int_equal(nl_figure_line(f, 0, x, y, 0, NULL, 0), NL_EINVAL);
  assert_int_equal(nl_figure_line(f, 2, x, y, 0, NULL, 0), NL_EINVAL); /* no finite point */
  assert_non_null(strstr(nl_figure_errmsg(f), "no finite point"));
  assert_int_equal(nl_figure_band(f, 2, x, NULL, y, 0), NL_EINVAL);
  nl_figure_free(f);
  nl_figure_options o;
  nl_figure_options_default(&o);
  o.dpi = 5;
  /* Options out of range give a handle (NULL means out of memory only) that says why and refuses
   * to render (issue 19: one contract for _new). */
  f = nl_figure_new(&o);
  assert_non_null(f);
  assert_non_null(strstr(nl_figure_errmsg(f), "5 dpi out of range"));
  assert_int_equal(nl_figure_line(f, 2, x, x, 0, NULL, 0), NL_OK);
  buf = NULL;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &buf, &len), NL_ERANGE);
  assert_null(buf);
  assert_non_null(strstr(nl_figure_errmsg(f), "5 dpi out of range"));
  nl_figure_free(f);
  nl_figure_options_default(&o);
  o.width = 1;
  f = nl_figure_new(&o);
  assert_non_null(f);
  double px, py;
  assert_int_equal(nl_figure_line(f, 2, x, x, 0, NULL, 0), NL_OK);
  assert_int_equal(nl_figure_transform(f, 0, 0, &px, &py), NL_ERANGE);
  assert_non_null(strstr(nl_figure_errmsg(f), "size 1 x"));
  nl_figure_free(f);
  nl_figure_free(NULL);
}

/* ---- figures from a real March (1991) Figure 1 study ---- */

static char fig1[512];

static void ensure_fig1(void) {
  if (fig1[0]) return;
  path_of(fig1, sizeof fig1, "figure1");
  char args[1024];
  snprintf(args, sizeof args, "run %s/examples/march1991/figure1.yaml -o %s --set replications=10", NL_SOURCE_DIR, fig1);
  assert_int_equal(nl(args), 0);
}

static void test_march_line(void **state) {
  (void)state;
  ensure_fig1();
  nl_plot_source *s = NULL;
  assert_int_equal(nl_plot_source_open(fig1, &s), NL_OK);
  assert_int_equal(nl_plot_source_npoints(s), 27);
  assert_int_equal(nl_plot_source_nparams(s), 2);
  nl_figure *f = nl_figure_new(NULL);
  assert_int_equal(nl_plot_source_line(s, f, "code_knowledge", "p1", "p2", NL_PLOT_FINAL), NL_OK);
  unsigned char *buf;
  size_t len = 0, npoly = 0;
  uint32_t w = 0, h = 0;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_PNG, &buf, &len), NL_OK);
  assert_int_equal(png_size(buf, len, &w, &h), 0);
  assert_true(w == 1000 && h == 700);
  char p[512];
  path_of(p, sizeof p, "march_figure1.png");
  FILE *fp = fopen(p, "wb");
  fwrite(buf, 1, len, fp);
  fclose(fp);
  nl_free(buf);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &buf, &len), NL_OK);
  char *t = svg_texts(buf, len, "polygon", &npoly);
  assert_true(has_text(t, "p1"));
  assert_true(has_text(t, "Code knowledge, final (mean, 95% CI)"));
  assert_true(has_text(t, "p2")); /* legend title */
  assert_true(has_text(t, "0.1") && has_text(t, "0.5") && has_text(t, "0.9"));
  free(t);
  nl_free(buf);
  /* the plotted mean at p1 = 0.1, p2 = 0.9 is the mean of the 10 final values in final.csv
   * (computed here independently), within the dodge shift */
  char fp2[600];
  snprintf(fp2, sizeof fp2, "%s/final.csv", fig1);
  nl_csv_table *tab;
  nl_errbuf e;
  assert_int_equal(nl_csv_read(fp2, NULL, &tab, &e), NL_OK);
  long c1 = nl_csv_table_find(tab, "p1"), c2 = nl_csv_table_find(tab, "p2"), ck = nl_csv_table_find(tab, "code_knowledge");
  double sum = 0;
  int n = 0;
  for (size_t r = 0; r < tab->nrow; r++)
    if (fabs(tab->x[(size_t)c1 * tab->nrow + r] - 0.1) < 1e-9 && fabs(tab->x[(size_t)c2 * tab->nrow + r] - 0.9) < 1e-9) {
      sum += tab->x[(size_t)ck * tab->nrow + r];
      n++;
    }
  nl_csv_table_free(tab);
  assert_int_equal(n, 10);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_PNG, &buf, &len), NL_OK);
  double px, py, r, g, b;
  /* third curve (p2 = 0.9, green triangles) is dodged right by 0.3 * 0.1 / 2 */
  assert_int_equal(nl_figure_transform(f, 0.1 + 0.015, sum / n, &px, &py), NL_OK);
  png_pixel(buf, len, 150, px, py + 1, &r, &g, &b);
  nl_rgba green = nl_plot_category(2);
  assert_true(fabs(r - green.r) < 0.1 && fabs(g - green.g) < 0.1 && fabs(b - green.b) < 0.1);
  nl_free(buf);
  nl_figure_free(f);
  /* errors name what is missing and suggest the closest name */
  f = nl_figure_new(NULL);
  assert_int_equal(nl_plot_source_line(s, f, "code_knowlege", "p1", "p2", NL_PLOT_FINAL), NL_EINVAL);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "did you mean 'code_knowledge'"));
  assert_int_equal(nl_plot_source_line(s, f, "code_knowledge", "p3", "p2", NL_PLOT_FINAL), NL_EINVAL);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "'p3' is not a swept parameter"));
  assert_non_null(strstr(nl_plot_source_errmsg(s), "p1, p2"));
  /* p2 varies and is neither on an axis nor --by */
  assert_int_equal(nl_plot_source_line(s, f, "code_knowledge", "p1", NULL, NL_PLOT_FINAL), NL_EINVAL);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "--where p2="));
  assert_int_equal(nl_plot_source_where(s, "p2", "0.5"), NL_OK);
  assert_int_equal(nl_plot_source_line(s, f, "code_knowledge", "p1", NULL, NL_PLOT_FINAL), NL_OK);
  assert_int_equal(nl_plot_source_where(s, "p2", "0.7"), NL_EINVAL);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "no design point left"));
  nl_figure_free(f);
  nl_plot_source_free(s);
}

static void test_march_heatmap_db(void **state) {
  (void)state;
  ensure_fig1();
  char db[600];
  snprintf(db, sizeof db, "%s/results.db", fig1);
  nl_plot_source *s = NULL;
  assert_int_equal(nl_plot_source_open(db, &s), NL_OK);
  nl_figure *f = nl_figure_new(NULL);
  /* scale 0..1: colour bar ticks 0.0 .. 1.0, so every d.dd text is a cell */
  assert_int_equal(nl_plot_source_heatmap(s, f, "code_knowledge", "p1", "p2", NL_PLOT_FINAL, 0, 1), NL_OK);
  unsigned char *buf;
  size_t len = 0;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &buf, &len), NL_OK);
  char *t = svg_texts(buf, len, NULL, NULL);
  assert_true(has_text(t, "Code knowledge") && has_text(t, "(final)")); /* colour bar title, wrapped */
  /* 27 annotated cells: count texts of the form d.dd */
  int cells = 0;
  for (char *p = t; *p;) {
    char *e = strchr(p, '\n');
    if (e - p == 4 && p[1] == '.') cells++;
    p = e + 1;
  }
  assert_int_equal(cells, 27);
  free(t);
  nl_free(buf);
  /* the same figure from the directory (CSV) as from the database */
  nl_figure *f2 = nl_figure_new(NULL);
  nl_plot_source *s2 = NULL;
  assert_int_equal(nl_plot_source_open(fig1, &s2), NL_OK);
  assert_int_equal(nl_plot_source_heatmap(s2, f2, "code_knowledge", "p1", "p2", NL_PLOT_FINAL, 0, 1), NL_OK);
  unsigned char *b1, *b2;
  size_t l1, l2;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &b1, &l1), NL_OK);
  assert_int_equal(nl_figure_render(f2, NL_FIGURE_SVG, &b2, &l2), NL_OK);
  assert_true(l1 == l2 && !memcmp(b1, b2, l1));
  nl_free(b1);
  nl_free(b2);
  /* a period: the series at period 10 has lower knowledge than the end */
  assert_int_equal(nl_plot_source_heatmap(s2, f2, "code_knowledge", "p1", "p2", 10, 0, 1), NL_OK);
  assert_int_equal(nl_figure_render(f2, NL_FIGURE_SVG, &b1, &l1), NL_OK);
  t = svg_texts(b1, l1, NULL, NULL);
  assert_true(has_text(t, "Code knowledge") && has_text(t, "(period 10)"));
  free(t);
  nl_free(b1);
  /* series of three points */
  long pts[3] = {1, 5, 9};
  assert_int_equal(nl_plot_source_series(s2, f2, "individual_knowledge", pts, 3), NL_OK);
  assert_int_equal(nl_figure_render(f2, NL_FIGURE_SVG, &b1, &l1), NL_OK);
  t = svg_texts(b1, l1, NULL, NULL);
  assert_true(has_text(t, "Period"));
  assert_true(has_text(t, "Individual knowledge (mean, 95% CI)"));
  assert_true(has_text(t, "p1 = 0.1, p2 = 0.1") && has_text(t, "p1 = 0.9, p2 = 0.1"));
  free(t);
  nl_free(b1);
  long bad[1] = {99};
  assert_int_equal(nl_plot_source_series(s2, f2, "individual_knowledge", bad, 1), NL_EINVAL);
  assert_non_null(strstr(nl_plot_source_errmsg(s2), "no design point 99"));
  assert_int_equal(nl_plot_source_series(s2, f2, "individual_knowledge", NULL, 0), NL_EINVAL);
  assert_non_null(strstr(nl_plot_source_errmsg(s2), "--points"));
  nl_plot_source_free(s2);
  nl_figure_free(f2);
  nl_figure_free(f);
  nl_plot_source_free(s);
}

static void test_source_errors(void **state) {
  (void)state;
  nl_plot_source *s = NULL;
  char p[512];
  path_of(p, sizeof p, "nothing_here");
  assert_int_equal(nl_plot_source_open(p, &s), NL_EIO);
  assert_non_null(s); /* a failed open returns the source, holding the message */
  assert_non_null(strstr(nl_plot_source_errmsg(s), "no such file"));
  /* a directory without results */
  path_of(p, sizeof p, "emptydir");
  mkdir(p, 0755);
  nl_plot_source_free(s);
  assert_int_equal(nl_plot_source_open(p, &s), NL_EIO);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "not a results directory"));
  /* unreadable: summary.csv is a directory */
  path_of(p, sizeof p, "emptydir/summary.csv");
  mkdir(p, 0755);
  path_of(p, sizeof p, "emptydir");
  nl_plot_source_free(s);
  assert_int_equal(nl_plot_source_open(p, &s), NL_EIO);
  /* a CSV of something else */
  write_file("other.csv", "a,b\n1,2\n");
  path_of(p, sizeof p, "other.csv");
  nl_plot_source_free(s);
  assert_int_equal(nl_plot_source_open(p, &s), NL_EPARSE);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "column 'period' missing"));
  /* header only: no results */
  write_file("empty_summary.csv", "period,measure,n,mean,sd,ci_low,ci_high\n");
  path_of(p, sizeof p, "empty_summary.csv");
  nl_plot_source_free(s);
  assert_int_equal(nl_plot_source_open(p, &s), NL_EINVAL);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "no results"));
  /* ragged */
  write_file("ragged.csv", "period,measure,n,mean,sd,ci_low,ci_high\n0,k,2,0.5\n");
  path_of(p, sizeof p, "ragged.csv");
  nl_plot_source_free(s);
  assert_int_equal(nl_plot_source_open(p, &s), NL_EPARSE);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "ragged.csv:2:"));
  /* a single scenario: series works, sweeps explain there is no sweep; final values only */
  write_file("single.csv", "period,measure,n,mean,sd,ci_low,ci_high\n0,k,2,0.1,0.1,0,0.2\n10,k,2,0.5,0.1,0.4,0.6\n");
  path_of(p, sizeof p, "single.csv");
  nl_plot_source_free(s);
  assert_int_equal(nl_plot_source_open(p, &s), NL_OK);
  nl_figure *f = nl_figure_new(NULL);
  assert_int_equal(nl_plot_source_series(s, f, "k", NULL, 0), NL_OK);
  assert_int_equal(nl_plot_source_line(s, f, "k", "p1", NULL, NL_PLOT_FINAL), NL_EINVAL);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "no sweep"));
  write_file("finalonly.csv", "point,p1,period,measure,n,mean,sd,ci_low,ci_high\n1,0.1,NA,k,2,0.1,0.1,0,0.2\n");
  path_of(p, sizeof p, "finalonly.csv");
  nl_plot_source_free(s);
  assert_int_equal(nl_plot_source_open(p, &s), NL_OK);
  assert_int_equal(nl_plot_source_series(s, f, "k", NULL, 0), NL_EINVAL);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "final values only"));
  assert_int_equal(nl_plot_source_line(s, f, "k", "p1", NULL, NL_PLOT_FINAL), NL_OK);
  /* not numeric x */
  write_file("text.csv", "point,variant,period,measure,n,mean,sd,ci_low,ci_high\n1,original,NA,k,2,0.1,0.1,0,0.2\n"
                         "2,fast,NA,k,2,0.3,0.1,0.2,0.4\n");
  path_of(p, sizeof p, "text.csv");
  nl_plot_source_free(s);
  assert_int_equal(nl_plot_source_open(p, &s), NL_OK);
  assert_int_equal(nl_plot_source_line(s, f, "k", "variant", NULL, NL_PLOT_FINAL), NL_EINVAL);
  assert_non_null(strstr(nl_plot_source_errmsg(s), "not numeric"));
  nl_figure_free(f);
  nl_plot_source_free(s);
  nl_plot_source_free(NULL);
}

/* ---- networks ---- */

static void test_network(void **state) {
  (void)state;
  char edges[512], nodes[512];
  snprintf(edges, sizeof edges, "%s/examples/plots/ties.csv", NL_SOURCE_DIR);
  snprintf(nodes, sizeof nodes, "%s/examples/plots/firms.csv", NL_SOURCE_DIR);
  nl_figure *f = nl_figure_new(NULL);
  nl_plot_network_files spec = {.graph = edges, .nodes = nodes, .size = "size", .color = "sector", .labels = -1, .seed = 1};
  assert_int_equal(nl_plot_network_draw_files(f, &spec), NL_OK);
  unsigned char *b1, *b2;
  size_t l1, l2, ncirc = 0, nlines = 0;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &b1, &l1), NL_OK);
  char *t = svg_texts(b1, l1, "circle", &ncirc);
  assert_true(has_text(t, "machinery") && has_text(t, "software") && has_text(t, "food"));
  assert_true(has_text(t, "sector") && has_text(t, "size"));
  assert_true(has_text(t, "13")); /* firm 13 has no ties but is in the node table */
  /* 30 firms + 3 category keys + 3 size keys */
  assert_int_equal(ncirc, 36);
  free(t);
  t = svg_texts(b1, l1, "polyline", &nlines);
  assert_int_equal(nlines, 62); /* one line per tie */
  free(t);
  /* deterministic in the seed */
  assert_int_equal(nl_plot_network_draw_files(f, &spec), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &b2, &l2), NL_OK);
  assert_true(l1 == l2 && !memcmp(b1, b2, l1));
  nl_free(b2);
  spec.seed = 2;
  assert_int_equal(nl_plot_network_draw_files(f, &spec), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &b2, &l2), NL_OK);
  assert_true(l1 != l2 || memcmp(b1, b2, l1));
  nl_free(b1);
  nl_free(b2);
  /* continuous colour: a colour bar */
  spec.color = "explore";
  assert_int_equal(nl_plot_network_draw_files(f, &spec), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_PNG, &b1, &l1), NL_OK);
  uint32_t w = 0, h = 0;
  assert_int_equal(png_size(b1, l1, &w, &h), 0);
  nl_free(b1);
  /* errors */
  spec.color = "explor";
  assert_int_equal(nl_plot_network_draw_files(f, &spec), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(f), "did you mean 'explore'"));
  spec.color = "sector";
  spec.size = "sector";
  assert_int_equal(nl_plot_network_draw_files(f, &spec), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(f), "not a number"));
  spec.size = "size";
  write_file("panel.csv", "replication,period,firm,size\n0,1,0,5\n0,1,1,7\n0,2,0,6\n0,2,1,9\n");
  write_file("pair.csv", "a,b\n0,1\n");
  char panel[512], pair[512];
  path_of(panel, sizeof panel, "panel.csv");
  path_of(pair, sizeof pair, "pair.csv");
  nl_plot_network_files sp2 = {.graph = pair, .nodes = panel, .size = "size", .labels = -1, .seed = 1};
  assert_int_equal(nl_plot_network_draw_files(f, &sp2), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(f), "more than one row"));
  const char *flt[1] = {"period=2"};
  sp2.filter = flt;
  sp2.nfilter = 1;
  assert_int_equal(nl_plot_network_draw_files(f, &sp2), NL_OK);
  const char *bad[1] = {"period=3"};
  sp2.filter = bad;
  assert_int_equal(nl_plot_network_draw_files(f, &sp2), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(f), "no row has period = 3"));
  sp2.graph = "/nonexistent/ties.csv";
  assert_int_equal(nl_plot_network_draw_files(f, &sp2), NL_EIO);
  /* a long edge table (one row per tie and period): the network of one period */
  write_file("long.csv", "replication,period,from,to,trust\n0,1,0,1,0.5\n0,1,1,2,0.7\n0,2,0,1,0.6\n0,2,0,2,-3\n");
  char lng[512];
  path_of(lng, sizeof lng, "long.csv");
  const char *ef[1] = {"period=1"};
  nl_plot_network_files sp3 = {.graph = lng, .source = "from", .target = "to", .weight = "trust", .edge_filter = ef,
                               .nedge_filter = 1, .labels = 1, .seed = 1};
  assert_int_equal(nl_plot_network_draw_files(f, &sp3), NL_OK);
  size_t nl = 0;
  unsigned char *b3;
  size_t l3;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &b3, &l3), NL_OK);
  t = svg_texts(b3, l3, "polyline", &nl);
  assert_int_equal(nl, 2); /* period 1: ties 0-1 and 1-2 */
  assert_true(has_text(t, "0") && has_text(t, "2"));
  free(t);
  free(b3);
  /* period 2 has a negative weight on line 5 of long.csv: the message names that file and line */
  ef[0] = "period=2";
  assert_int_equal(nl_plot_network_draw_files(f, &sp3), NL_EPARSE);
  assert_non_null(strstr(nl_figure_errmsg(f), "long.csv:5:"));
  ef[0] = "period=9";
  assert_int_equal(nl_plot_network_draw_files(f, &sp3), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(f), "no edge left"));
  sp3.nedge_filter = 0;
  sp3.target = "too";
  assert_int_equal(nl_plot_network_draw_files(f, &sp3), NL_EINVAL);
  assert_non_null(strstr(nl_figure_errmsg(f), "did you mean 'to'"));
  nl_figure_free(f);
}

/* ---- PLS path diagrams ---- */

/* A deep model (a chain of seven constructs, like the ECSI model) on the default page: no two
 * construct ellipses overlap (middle columns alternate rows; the page widens when needed). */
static void test_pls_diagram_deep_chain(void **state) {
  (void)state;
  nl_plot_pls *m = nl_plot_pls_new();
  char c[16], prev[16] = "", ind[16];
  for (int k = 0; k < 7; k++) {
    snprintf(c, sizeof c, "CONSTRUCT%d", k);
    assert_int_equal(nl_plot_pls_construct(m, c, 'A', k ? 0.3 : NAN), NL_OK);
    for (int i = 0; i < 4; i++) {
      snprintf(ind, sizeof ind, "item%d_%d", k, i);
      assert_int_equal(nl_plot_pls_indicator(m, c, ind, 0.8), NL_OK);
    }
    if (k) assert_int_equal(nl_plot_pls_path(m, prev, c, 0.4, 0.001), NL_OK);
    memcpy(prev, c, sizeof c);
  }
  nl_figure *f = nl_figure_new(NULL);
  assert_int_equal(nl_plot_pls_draw(f, m), NL_OK);
  unsigned char *b;
  size_t l;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &b, &l), NL_OK);
  double e[16][4];
  int ne = 0;
  for (const char *q = (const char *)b; ne < 16 && (q = strstr(q, "<ellipse ")); q++)
    if (sscanf(q, "<ellipse cx=\"%lf\" cy=\"%lf\" rx=\"%lf\" ry=\"%lf\"", &e[ne][0], &e[ne][1], &e[ne][2],
               &e[ne][3]) == 4)
      ne++;
  assert_int_equal(ne, 7);
  for (int a = 0; a < ne; a++)
    for (int z = a + 1; z < ne; z++) {
      int apart = fabs(e[a][0] - e[z][0]) > e[a][2] + e[z][2] || fabs(e[a][1] - e[z][1]) > e[a][3] + e[z][3];
      if (!apart) fail_msg("constructs %d and %d overlap", a, z);
    }
  free(b);
  nl_figure_free(f);
  nl_plot_pls_free(m);
}

static void test_pls_diagram(void **state) {
  (void)state;
  nl_plot_pls *m = nl_plot_pls_new();
  assert_int_equal(nl_plot_pls_construct(m, "EXPLORE", 'A', NAN), NL_OK);
  assert_int_equal(nl_plot_pls_construct(m, "INNO", 'B', 0.25), NL_OK);
  assert_int_equal(nl_plot_pls_construct(m, "PERF", 'A', 0.4), NL_OK);
  assert_int_equal(nl_plot_pls_indicator(m, "EXPLORE", "x1", 0.81), NL_OK);
  assert_int_equal(nl_plot_pls_indicator(m, "EXPLORE", "x2", 0.79), NL_OK);
  assert_int_equal(nl_plot_pls_indicator(m, "INNO", "i1", -0.3), NL_OK);
  assert_int_equal(nl_plot_pls_indicator(m, "PERF", "y1", 0.9), NL_OK);
  assert_int_equal(nl_plot_pls_path(m, "EXPLORE", "INNO", 0.5, 0.0001), NL_OK);
  assert_int_equal(nl_plot_pls_path(m, "INNO", "PERF", 0.2, 0.03), NL_OK);
  assert_int_equal(nl_plot_pls_path(m, "EXPLORE", "PERF", -0.1, 0.4), NL_OK);
  /* bad additions */
  assert_int_equal(nl_plot_pls_construct(m, "INNO", 'A', NAN), NL_EINVAL);
  assert_int_equal(nl_plot_pls_indicator(m, "NOPE", "z", 1), NL_EINVAL);
  assert_int_equal(nl_plot_pls_path(m, "INNO", "INNO", 1, NAN), NL_EINVAL);
  assert_int_equal(nl_plot_pls_path(m, "INNO", "PERF", 1, NAN), NL_EINVAL);
  nl_figure *f = nl_figure_new(NULL);
  assert_int_equal(nl_figure_labels(f, NULL, NULL, "Structural model"), NL_OK);
  assert_int_equal(nl_plot_pls_draw(f, m), NL_OK);
  unsigned char *b;
  size_t l, nell = 0;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &b, &l), NL_OK);
  char *t = svg_texts(b, l, "ellipse", &nell);
  assert_int_equal(nell, 3);
  assert_true(has_text(t, "EXPLORE") && has_text(t, "INNO") && has_text(t, "PERF"));
  assert_true(has_text(t, "0.500***") && has_text(t, "0.200*") && has_text(t, "\xe2\x88\x92" "0.100"));
  assert_true(has_text(t, "R\xc2\xb2 = 0.250") && has_text(t, "R\xc2\xb2 = 0.400"));
  assert_true(has_text(t, "x1") && has_text(t, "0.810") && has_text(t, "\xe2\x88\x92" "0.300"));
  assert_true(has_text(t, "Structural model"));
  assert_non_null(strstr(t, "p < .05"));
  free(t);
  /* a mediation model: the direct path EXPLORE -> PERF bows around the mediator, so one
   * polyline is a curve of many points; the other paths are straight */
  int curves = 0;
  for (const char *q = (const char *)b; (q = strstr(q, "<polyline points=\"")); q++) {
    int pts = 0;
    for (const char *r = q + 18; *r && *r != '"'; r++) pts += *r == ',';
    curves += pts > 20;
  }
  assert_int_equal(curves, 1);
  free(b);
  nl_plot_pls_free(m);
  /* from `netlearn pls -o DIR` files */
  char d[512], p[600];
  path_of(d, sizeof d, "plsdir");
  mkdir(d, 0755);
  snprintf(p, sizeof p, "%s/weights.csv", d);
  FILE *fp = fopen(p, "w");
  fputs("construct,indicator,mode,estimate\nA,a1,A,0.6\nA,a2,A,0.5\nB,b1,B,1\n", fp);
  fclose(fp);
  snprintf(p, sizeof p, "%s/loadings.csv", d);
  fp = fopen(p, "w");
  fputs("construct,indicator,estimate\nA,a1,0.88\nA,a2,0.77\nB,b1,1\n", fp);
  fclose(fp);
  snprintf(p, sizeof p, "%s/paths.csv", d);
  fp = fopen(p, "w");
  fputs("from,to,estimate\nA,B,0.333\n", fp);
  fclose(fp);
  snprintf(p, sizeof p, "%s/rsquared.csv", d);
  fp = fopen(p, "w");
  fputs("construct,r2,adj_r2\nB,0.111,0.1\n", fp);
  fclose(fp);
  assert_int_equal(nl_plot_pls_read(d, &m), NL_OK);
  assert_int_equal(nl_plot_pls_draw(f, m), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &b, &l), NL_OK);
  t = svg_texts(b, l, NULL, NULL);
  assert_true(has_text(t, "0.333") && has_text(t, "0.880") && has_text(t, "R\xc2\xb2 = 0.111"));
  assert_null(strstr(t, "p < .05")); /* no bootstrap: no stars, no note */
  free(t);
  free(b);
  /* with bootstrap.csv: stars */
  snprintf(p, sizeof p, "%s/bootstrap.csv", d);
  fp = fopen(p, "w");
  fputs("quantity,from,through,to,original,boot_mean,boot_sd,t,p,ci_lower,ci_upper\n"
        "path,A,,B,0.333,0.33,0.1,3.3,0.004,0.1,0.5\n",
        fp);
  fclose(fp);
  nl_plot_pls_free(m);
  assert_int_equal(nl_plot_pls_read(d, &m), NL_OK);
  assert_int_equal(nl_plot_pls_draw(f, m), NL_OK);
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &b, &l), NL_OK);
  t = svg_texts(b, l, NULL, NULL);
  assert_true(has_text(t, "0.333**"));
  free(t);
  free(b);
  /* errors */
  snprintf(p, sizeof p, "%s/paths.csv", d);
  fp = fopen(p, "w");
  fputs("from,to,estimate\nA,C,0.333\n", fp);
  fclose(fp);
  nl_plot_pls_free(m);
  assert_int_equal(nl_plot_pls_read(d, &m), NL_EINVAL);
  assert_non_null(strstr(nl_plot_pls_errmsg(m), "unknown construct 'C'"));
  fp = fopen(p, "w");
  fputs("source,to,estimate\nA,B,0.333\n", fp);
  fclose(fp);
  nl_plot_pls_free(m);
  assert_int_equal(nl_plot_pls_read(d, &m), NL_EPARSE);
  assert_non_null(strstr(nl_plot_pls_errmsg(m), "column 'from' missing"));
  path_of(p, sizeof p, "no_pls_here");
  nl_plot_pls_free(m);
  assert_int_equal(nl_plot_pls_read(p, &m), NL_EIO);
  assert_non_null(strstr(nl_plot_pls_errmsg(m), "netlearn pls -o DIR"));
  nl_plot_pls_free(m);
  m = nl_plot_pls_new();
  assert_int_equal(nl_plot_pls_draw(f, m), NL_EINVAL);
  nl_plot_pls_free(m);
  nl_figure_free(f);
}

/* A real estimation (the corporate reputation model) straight from nl_pls. */
static void test_pls_from_estimate(void **state) {
  (void)state;
  char data[512], model[512];
  snprintf(data, sizeof data, "%s/corp_rep_data.csv", NL_DATA_DIR);
  snprintf(model, sizeof model, "%s/tests/pls/corp_rep.model", NL_SOURCE_DIR);
  if (access(data, R_OK) != 0) skip();
  nl_pls_model *pm = NULL;
  nl_pls_data *pd = NULL;
  nl_pls *p = NULL;
  assert_int_equal(nl_pls_model_read(model, &pm), NL_OK);
  assert_int_equal(nl_pls_data_read(data, &pd), NL_OK);
  nl_pls_options o;
  nl_pls_options_default(&o);
  o.has_na_code = 1;
  o.na_code = -99;
  assert_int_equal(nl_pls_prepare(pm, pd, &o, &p), NL_OK);
  nl_plot_pls *m = nl_plot_pls_new();
  assert_int_equal(nl_plot_pls_from_estimate(m, p), NL_EINVAL); /* not estimated yet */
  assert_int_equal(nl_pls_estimate(p), NL_OK);
  assert_int_equal(nl_plot_pls_from_estimate(m, p), NL_OK);
  nl_figure_options fo;
  nl_figure_options_default(&fo);
  fo.width = 540;
  fo.height = 396;
  nl_figure *f = nl_figure_new(&fo);
  assert_int_equal(nl_plot_pls_draw(f, m), NL_OK);
  unsigned char *b;
  size_t l, nell = 0, nrect = 0;
  assert_int_equal(nl_figure_render(f, NL_FIGURE_SVG, &b, &l), NL_OK);
  char *t = svg_texts(b, l, "ellipse", &nell);
  assert_int_equal(nell, 8);
  char want[64];
  snprintf(want, sizeof want, "R\xc2\xb2 = %.3f", nl_pls_rsq(p, 7));
  assert_true(has_text(t, want));
  assert_true(has_text(t, "qual_8") && has_text(t, "cusl_3"));
  free(t);
  t = svg_texts(b, l, "polygon", &nrect);
  assert_true(nrect >= 31); /* 31 indicator boxes (and arrow heads) */
  free(t);
  free(b);
  char out[512];
  path_of(out, sizeof out, "corp_rep.png");
  assert_int_equal(nl_figure_save(f, out), NL_OK);
  nl_figure_free(f);
  nl_plot_pls_free(m);
  nl_pls_free(p);
  nl_pls_data_free(pd);
  nl_pls_model_free(pm);
}

/* ---- allocation failures: every failure is a clean NL_ENOMEM ---- */

static void test_alloc_failures(void **state) {
  (void)state;
  ensure_fig1();
  for (long k = 1; k < 100000; k++) {
    nl_alloc_fail_after(k);
    nl_figure *f = nl_figure_new(NULL);
    nl_plot_source *s = NULL;
    nl_status rs = f ? nl_plot_source_open(fig1, &s) : NL_ENOMEM;
    if (!rs) rs = nl_plot_source_line(s, f, "code_knowledge", "p1", "p2", NL_PLOT_FINAL);
    unsigned char *b = NULL;
    size_t l;
    if (!rs) rs = nl_figure_render(f, NL_FIGURE_SVG, &b, &l);
    if (!rs) {
      nl_free(b);
      rs = nl_figure_render(f, NL_FIGURE_PNG, &b, &l);
    }
    nl_free(b);
    nl_plot_source_free(s);
    nl_figure_free(f);
    long used = nl_alloc_fail_after(0);
    if (rs == NL_OK) {
      assert_true(used < k);
      break;
    }
    assert_int_equal(rs, NL_ENOMEM);
  }
}

/* ---- the CLI ---- */

static void test_cli(void **state) {
  (void)state;
  ensure_fig1();
  char args[2048], out[512];
  path_of(out, sizeof out, "cli_fig1.png");
  snprintf(args, sizeof args, "plot line %s --x p1 --by p2 -m code_knowledge --dpi 300 --width 3.5in --height 2.6in -o %s",
           fig1, out);
  assert_int_equal(nl(args), 0);
  size_t len = 0;
  char *png = nl_test_read_all_n(out, &len);
  uint32_t w = 0, h = 0;
  assert_int_equal(png_size((unsigned char *)png, len, &w, &h), 0);
  assert_int_equal(w, 1050);
  assert_int_equal(h, 780);
  free(png);
  path_of(out, sizeof out, "cli_heat.svg");
  snprintf(args, sizeof args, "plot heatmap %s/results.db --x p1 --y p2 -m code_knowledge --zlim 0,1 -o %s", fig1, out);
  assert_int_equal(nl(args), 0);
  /* bad input: exit 2 with the closest name */
  snprintf(args, sizeof args, "plot line %s --x p1 --by p2 -m code_knowlege -o %s", fig1, out);
  assert_int_equal(nl(args), 2);
  assert_non_null(strstr(errbuf, "netlearn: "));
  assert_non_null(strstr(errbuf, "did you mean 'code_knowledge'"));
  snprintf(args, sizeof args, "plot heatmap %s --x p1 --y q2 -m code_knowledge -o %s", fig1, out);
  assert_int_equal(nl(args), 2);
  assert_non_null(strstr(errbuf, "did you mean 'p2'"));
  assert_int_equal(nl("plot line nowhere --x p1 -m k -o a.png"), 2);
  assert_non_null(strstr(errbuf, "nowhere"));
  assert_int_equal(nl("plot scatter x -o a.png"), 2);
  assert_non_null(strstr(errbuf, "unknown plot kind"));
  snprintf(args, sizeof args, "plot line %s --x p1 -m code_knowledge -o fig.pdf", fig1);
  assert_int_equal(nl(args), 2);
  assert_non_null(strstr(errbuf, ".png or .svg"));
  snprintf(args, sizeof args, "plot line %s -m code_knowledge -o a.png", fig1);
  assert_int_equal(nl(args), 2);
  assert_non_null(strstr(errbuf, "--x"));
  assert_int_equal(nl("plot series x -m k -o a.png --width 3furlongs"), 2);
  assert_non_null(strstr(errbuf, "6.5in"));
  snprintf(args, sizeof args, "plot line %s --x p1 --by p2 -m code_knowledge -o %s/no/such/dir/a.png", fig1, tmpdir);
  assert_int_equal(nl(args), 2); /* bad input, as pls and export */
  assert_non_null(strstr(errbuf, "no/such/dir: cannot write the figure") || strstr(errbuf, "does not exist"));
  /* help teaches with an example per kind */
  assert_int_equal(nl("plot --help"), 0);
  assert_non_null(strstr(outbuf, "netlearn plot line"));
  assert_non_null(strstr(outbuf, "netlearn plot heatmap"));
  assert_non_null(strstr(outbuf, "netlearn plot series"));
  assert_non_null(strstr(outbuf, "netlearn plot network"));
  assert_non_null(strstr(outbuf, "netlearn plot pls"));
  /* network from the examples */
  path_of(out, sizeof out, "cli_net.svg");
  snprintf(args, sizeof args,
           "plot network %s/examples/plots/ties.csv --nodes %s/examples/plots/firms.csv --size size --color sector -o %s",
           NL_SOURCE_DIR, NL_SOURCE_DIR, out);
  assert_int_equal(nl(args), 0);
  snprintf(args, sizeof args, "plot network %s/examples/plots/ties.csv --nodes %s/examples/plots/firms.csv --size sise -o %s",
           NL_SOURCE_DIR, NL_SOURCE_DIR, out);
  assert_int_equal(nl(args), 2);
  assert_non_null(strstr(errbuf, "did you mean 'size'"));
}

static int teardown(void **state) {
  nl_plot_release_caches();
  xmlCleanupParser();
  return cli_teardown(state);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ticks),          cmocka_unit_test(test_tick_labels),
      cmocka_unit_test(test_colours),        cmocka_unit_test(test_transform),
      cmocka_unit_test(test_png_and_svg),    cmocka_unit_test(test_legend_and_bands),
      cmocka_unit_test(test_heatmap_colours), cmocka_unit_test(test_empty_inputs),
      cmocka_unit_test(test_march_line),     cmocka_unit_test(test_march_heatmap_db),
      cmocka_unit_test(test_source_errors),  cmocka_unit_test(test_network),
      cmocka_unit_test(test_pls_diagram_deep_chain), cmocka_unit_test(test_pls_diagram),    cmocka_unit_test(test_pls_from_estimate),
      cmocka_unit_test(test_alloc_failures), cmocka_unit_test(test_cli),
  };
  return cmocka_run_group_tests(tests, cli_setup, teardown);
}
