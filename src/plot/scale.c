/* Scales: nice tick values, tick labels, colour maps. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/plot_impl.h"

/* Ticks of one step inside [lo, hi]. */
static size_t ticks_for(double lo, double hi, double step, double *ticks, size_t cap) {
  double first = ceil(lo / step - 1e-9), last = floor(hi / step + 1e-9);
  size_t n = 0;
  for (double k = first; k <= last; k += 1.0) {
    double v = k * step;
    if (fabs(v) < 1e-9 * step) v = 0.0;
    if (ticks && n < cap) ticks[n] = v;
    n++;
  }
  return n;
}

size_t nl_plot_ticks(double lo, double hi, size_t target, double *ticks, size_t cap, double *step) {
  if (!(lo < hi) || !isfinite(lo) || !isfinite(hi)) {
    if (step) *step = NAN;
    return 0;
  }
  if (target < 2) target = 2;
  double raw = (hi - lo) / (double)target;
  double mag = pow(10.0, floor(log10(raw)));
  static const double mult[] = {1, 2, 5, 10, 20};
  double best = NAN;
  size_t bestn = 0;
  double bestd = INFINITY;
  /* Candidate steps around the raw step; the count closest to the target wins, larger step on
   * ties (fewer, rounder labels). */
  for (int s = -1; s <= 0; s++)
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
      double st = mult[i] * mag * (s < 0 ? 0.1 : 1.0);
      size_t n = ticks_for(lo, hi, st, NULL, 0);
      /* fewer than 3 labels hardly tell a scale: a last resort */
      double d = fabs((double)n - (double)target) + (n < 3 ? 100.0 : 0.0) + (n < 2 ? 100.0 : 0.0);
      if (d < bestd || (d == bestd && st > best)) {
        bestd = d;
        best = st;
        bestn = n;
      }
    }
  (void)bestn;
  if (step) *step = best;
  return ticks_for(lo, hi, best, ticks, cap);
}

int nl_plot_tick_decimals(double step) {
  if (!(step > 0) || !isfinite(step)) return 0;
  double d = ceil(-log10(step) - 1e-9);
  /* a step like 2.5e-k never occurs (1-2-5 only), so the power of ten decides */
  if (d < 0) d = 0;
  if (d > 12) d = 12;
  return (int)d;
}

void nl_plot_format_tick(double v, double step, char *buf, size_t cap) {
  char tmp[64];
  double a = fabs(v);
  if (v == 0.0) {
    /* "0.0" beside "0.2": every label of an axis has the same decimals */
    snprintf(buf, cap, "%.*f", step < 1e-5 ? 0 : nl_plot_tick_decimals(step), 0.0);
    return;
  }
  if (a >= 1e6 || step < 1e-5)
    snprintf(tmp, sizeof tmp, "%g", a);
  else
    snprintf(tmp, sizeof tmp, "%.*f", nl_plot_tick_decimals(step), a);
  /* U+2212 MINUS SIGN: a hyphen is too short beside digits */
  snprintf(buf, cap, "%s%s", v < 0 ? "\xe2\x88\x92" : "", tmp);
}

void nl_plot_format_num(double v, char *buf, size_t cap) {
  if (!isfinite(v)) {
    snprintf(buf, cap, "NA");
    return;
  }
  char tmp[64];
  double a = fabs(v);
  if (a != 0 && (a >= 1e6 || a < 1e-3))
    snprintf(tmp, sizeof tmp, "%.3g", a);
  else {
    snprintf(tmp, sizeof tmp, "%.3f", a);
    char *dot = strchr(tmp, '.');
    if (dot) {
      char *e = tmp + strlen(tmp) - 1;
      while (e > dot && *e == '0') *e-- = '\0';
      if (e == dot) *e = '\0';
    }
  }
  if (!strcmp(tmp, "0")) v = 0;
  snprintf(buf, cap, "%s%s", v < 0 ? "\xe2\x88\x92" : "", tmp);
}

/* viridis (van der Walt & Smith, matplotlib's default), ten evenly spaced colours of the
 * published map; interpolated linearly in between. */
static const unsigned char viridis10[10][3] = {{0x44, 0x01, 0x54}, {0x48, 0x28, 0x78}, {0x3e, 0x4a, 0x89},
                                               {0x31, 0x68, 0x8e}, {0x26, 0x82, 0x8e}, {0x1f, 0x9e, 0x89},
                                               {0x35, 0xb7, 0x79}, {0x6d, 0xcd, 0x59}, {0xb4, 0xde, 0x2c},
                                               {0xfd, 0xe7, 0x25}};

nl_rgba nl_plot_viridis(double t) {
  nl_rgba c = {0.75, 0.75, 0.75, 1};
  if (isnan(t)) return c;
  if (t < 0) t = 0;
  if (t > 1) t = 1;
  double u = t * 9.0;
  int i = (int)floor(u);
  if (i >= 9) i = 8;
  double w = u - i;
  c.r = ((1 - w) * viridis10[i][0] + w * viridis10[i + 1][0]) / 255.0;
  c.g = ((1 - w) * viridis10[i][1] + w * viridis10[i + 1][1]) / 255.0;
  c.b = ((1 - w) * viridis10[i][2] + w * viridis10[i + 1][2]) / 255.0;
  return c;
}

/* Okabe & Ito (2008) colour-blind safe palette; blue, vermillion and bluish green first
 * (the strongest contrasts on white), yellow last (weak on white). */
static const unsigned char okabe_ito[NL_PLOT_NCATEGORIES][3] = {
    {0x00, 0x72, 0xb2}, {0xd5, 0x5e, 0x00}, {0x00, 0x9e, 0x73}, {0xe6, 0x9f, 0x00},
    {0xcc, 0x79, 0xa7}, {0x56, 0xb4, 0xe9}, {0x00, 0x00, 0x00}, {0xf0, 0xe4, 0x42}};

nl_rgba nl_plot_category(size_t i) {
  const unsigned char *c = okabe_ito[i % NL_PLOT_NCATEGORIES];
  nl_rgba r = {c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, 1};
  return r;
}

double nl_plot_luminance(nl_rgba c) {
  double ch[3] = {c.r, c.g, c.b};
  for (int i = 0; i < 3; i++) ch[i] = ch[i] <= 0.03928 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

void nl_plot_pretty_name(const char *name, char *buf, size_t cap) {
  if (!cap) return;
  snprintf(buf, cap, "%s", name ? name : "");
  /* short symbols (p1, m, n, x_f) stay as written: they are notation, not words */
  if (strlen(buf) <= 3 || !strchr(buf, '_')) return;
  for (char *p = buf; *p; p++)
    if (*p == '_') *p = ' ';
  buf[0] = (char)toupper((unsigned char)buf[0]);
}
