/*
 * The study report: one self-contained HTML file (inline CSS, figures as base64 SVG images, no
 * script, no network), written atomically. Sections: study, parameters, simulation figures,
 * PLS-SEM (measurement and structural model, representative replication and across
 * replications, path diagram), hypotheses, stylized facts, sweep (if any), reproducibility.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/model_impl.h"
#include "core/stats.h"
#include "io/atomic.h"
#include "io/html.h"
#include "netlearn/netlearn.h"
#include "netlearn/plot.h"
#include "netlearn/power.h"
#include "network/network_impl.h"
#include "study/study_impl.h"

/* ---- HTML helpers -------------------------------------------------------------------------- */

/* An effect "A -> B -> C" with typographic arrows. */
static void effect(FILE *f, const char *s) {
  for (; *s; s++) {
    if (s[0] == '-' && s[1] == '>') {
      fputs("&rarr;", f);
      s++;
    } else if (*s == '<') fputs("&lt;", f);
    else if (*s == '&') fputs("&amp;", f);
    else fputc(*s, f);
  }
}

/* A number with `dec` decimals ("%.3f"-style specs only: "%.3f", "%.2f", "%+.3f", "%+.2f", "%.0f%%", "%g"). */
static void fmt(FILE *f, const char *spec, double v) {
  if (!isfinite(v)) {
    fputs("&ndash;", f);
    return;
  }
  char buf[64];
  if (!strcmp(spec, "%.3f")) snprintf(buf, sizeof buf, "%.3f", v);
  else if (!strcmp(spec, "%.2f")) snprintf(buf, sizeof buf, "%.2f", v);
  else if (!strcmp(spec, "%.0f%%")) snprintf(buf, sizeof buf, "%.0f%%", v);
  else if (!strcmp(spec, "%+.3f")) snprintf(buf, sizeof buf, "%+.3f", v);
  else if (!strcmp(spec, "%+.2f")) snprintf(buf, sizeof buf, "%+.2f", v);
  else snprintf(buf, sizeof buf, "%g", v);
  /* typographic minus */
  for (char *p = buf; *p; p++) {
    if (*p == '-') fputs("&minus;", f);
    else fputc(*p, f);
  }
}

static void pval(FILE *f, double p) {
  if (!isfinite(p)) fputs("&ndash;", f);
  else if (p < 0.001) fputs("&lt; .001", f);
  else {
    char buf[32];
    snprintf(buf, sizeof buf, "%.3f", p);
    fputs(buf[0] == '0' ? buf + 1 : buf, f);
  }
}

typedef struct report {
  nl_study *s;
  FILE *f;
  int nfig;
  char warn[8][300]; /* figures that could not be drawn */
  int nwarn;
  /* The model's words: coopnet, the model the study was built around, has its own texts (the seed
   * study, its figures); any other model's come from its descriptor (title, unit name, measures). */
  int coopnet;
  char unit[48], units[56]; /* "firm", "firms"; "agent", "agents" */
  int section;              /* the last section number written: a model without the facts has none */
} report;

/* Embed a figure as an SVG image with a numbered caption; frees f. A figure that cannot be drawn
 * is replaced by a note (the report is still useful without it). */
static void figure(report *rp, nl_figure *fg, nl_status st, const char *alt, const char *caption) {
  unsigned char *buf = NULL;
  size_t len = 0;
  if (!st && fg) st = nl_figure_render(fg, NL_FIGURE_SVG, &buf, &len);
  rp->nfig++;
  fputs("<figure>", rp->f);
  if (!st && buf) {
    nl_html_svg_img(rp->f, alt, buf, len);
  } else {
    fprintf(rp->f, "<p class=\"note\">This figure could not be drawn: ");
    nl_html_text(rp->f, fg ? nl_figure_errmsg(fg) : "out of memory");
    fputs("</p>", rp->f);
  }
  fprintf(rp->f, "<figcaption><b>Figure %d.</b> ", rp->nfig);
  fputs(caption, rp->f); /* captions are our own HTML */
  fputs("</figcaption></figure>\n", rp->f);
  nl_free(buf);
  nl_figure_free(fg);
}

static nl_figure *new_figure(double w_in, double h_in) {
  nl_figure_options o;
  nl_figure_options_default(&o);
  o.width = w_in * 72;
  o.height = h_in * 72;
  return nl_figure_new(&o);
}

/* ---- simulation figures ---------------------------------------------------------------------- */

/* Mean and 95% t interval over replications of measure `name` at point pi; NULL if unknown. */
static int series_of(const nl_study *s, size_t pi, const char *name, double *x, double *m, double *lo, double *hi) {
  const nl_model *mod = nl_scenario_model(s->sc);
  long j = nl_model_measure_index(mod, name);
  if (j < 0) return -1;
  size_t nm = nl_model_nmeasures(mod);
  const study_point *pt = &s->pt[pi];
  for (long k = 0; k < s->nrec; k++) {
    double sum = 0, ss = 0;
    long n = 0;
    for (long r = 0; r < s->R; r++) {
      double v = pt->rep[r].series[(size_t)k * nm + (size_t)j];
      if (isfinite(v)) sum += v, n++;
    }
    double mean = n ? sum / (double)n : NAN;
    for (long r = 0; r < s->R; r++) {
      double v = pt->rep[r].series[(size_t)k * nm + (size_t)j];
      if (isfinite(v)) ss += (v - mean) * (v - mean);
    }
    double half = n > 1 ? nl_t_quantile(0.975, (double)(n - 1)) * sqrt(ss / (double)(n - 1)) / sqrt((double)n) : 0;
    x[k] = (double)s->rec_period[k];
    m[k] = mean;
    lo[k] = mean - half;
    hi[k] = mean + half;
  }
  return 0;
}

static void series_figure(report *rp, size_t pi, const char *const *measures, const char *const *labels, size_t nc,
                          const char *ylabel, const char *alt, const char *caption) {
  nl_study *s = rp->s;
  size_t n = (size_t)s->nrec;
  double *buf = nl_malloc(4 * n * nc * sizeof *buf);
  nl_plot_curve cv[8];
  nl_figure *fg = new_figure(6.5, 3.4);
  nl_status st = buf && fg ? NL_OK : NL_ENOMEM;
  size_t used = 0;
  for (size_t c = 0; !st && c < nc; c++) {
    double *x = buf + 4 * n * used, *m = x + n, *lo = m + n, *hi = lo + n;
    if (series_of(s, pi, measures[c], x, m, lo, hi)) continue;
    cv[used] = (nl_plot_curve){labels[c], n, x, m, lo, hi};
    used++;
  }
  if (!st && used == 0) st = NL_EINVAL;
  if (!st) st = nl_plot_series(fg, cv, used);
  if (!st) st = nl_figure_labels(fg, "Period", ylabel, NULL);
  figure(rp, fg, st, alt, caption);
  nl_free(buf);
}

/* in (a model's text) into out (cap bytes, cut there) with <, >, & and " escaped: captions are HTML. */
static void escape(char *out, size_t cap, const char *in) {
  size_t n = 0;
  for (; in && *in; in++) {
    const char *e = *in == '<' ? "&lt;" : *in == '>' ? "&gt;" : *in == '&' ? "&amp;" : *in == '"' ? "&quot;" : NULL;
    size_t len = e ? strlen(e) : 1;
    if (n + len >= cap) break;
    if (e) memcpy(out + n, e, len);
    else out[n] = *in;
    n += len;
  }
  if (cap) out[n] = '\0';
}

static void network_figure(report *rp, size_t pi) {
  nl_study *s = rp->s;
  const study_point *pt = &s->pt[pi];
  long r = pt->representative;
  const study_rep *rr = &pt->rep[r];
  size_t F = pt->F;
  nl_network *g = nl_network_new();
  nl_figure *fg = new_figure(6.5, 5.2);
  double *size = nl_malloc(F * sizeof *size), *col = nl_malloc(F * sizeof *col);
  nl_status st = g && fg && size && col ? NL_OK : NL_ENOMEM;
  if (!st) st = nl_network_ensure(g, F, rr->ntie ? rr->ntie : 1, 1);
  if (!st) {
    nl_network_clear(g);
    g->n = F;
    g->weighted = 1;
    memset(g->block, 0, F * sizeof *g->block);
    for (size_t i = 0; i < rr->ntie; i++) nl_network_push(g, rr->tu[i], rr->tv[i], rr->tw[i]);
    for (size_t f = 0; f < F; f++) {
      /* coopnet's firm size and exploration orientation; 1 and 0 for units without them */
      size[f] = s->fcol[SF_SIZE] >= 0 ? rr->firms[f * s->sv.stride + (size_t)s->fcol[SF_SIZE]] : 1;
      col[f] = s->fcol[SF_EXPLORE] >= 0 ? rr->firms[f * s->sv.stride + (size_t)s->fcol[SF_EXPLORE]] : 0;
    }
    nl_plot_network_options o;
    nl_plot_network_options_default(&o);
    o.size = rp->coopnet ? size : NULL;
    o.size_label = "members";
    o.color = rp->coopnet ? col : NULL;
    o.color_label = "exploration x";
    o.labels = 0;
    o.seed = 1;
    st = nl_plot_network(fg, g, &o);
  }
  char cap[600], alt[120], units[200];
  escape(units, sizeof units, rp->units);
  if (rp->coopnet)
    snprintf(cap, sizeof cap,
             "The informal tie network at the survey period (period %ld) in replication %ld, the representative "
             "replication (its path estimates are closest to the means over replications). Node area: members; "
             "colour: exploration orientation x<sub>f</sub>; edge width: tie strength (trust). %zu firms, %zu ties.",
             s->sv.period, r, F, rr->ntie);
  else
    snprintf(cap, sizeof cap,
             "The network of the %s at the survey period (period %ld) in replication %ld, the representative "
             "replication (its path estimates are closest to the means over replications); edge width: tie "
             "weight. %zu %s, %zu ties.",
             units, s->sv.period, r, F, units, rr->ntie);
  snprintf(alt, sizeof alt, "%c%s network at the survey period", rp->unit[0] >= 'a' && rp->unit[0] <= 'z' ?
           rp->unit[0] - 'a' + 'A' : rp->unit[0], rp->unit + 1);
  figure(rp, fg, st, alt, cap);
  nl_network_free(g);
  nl_free(size);
  nl_free(col);
}

/* Forest plot: each hypothesis' estimates across replications (mean, 5-95% range). */
static void forest_figure(report *rp, size_t pi) {
  nl_study *s = rp->s;
  const study_point *pt = &s->pt[pi];
  nl_figure *fg = new_figure(6.5, 3.6);
  nl_status st = fg ? NL_OK : NL_ENOMEM;
  size_t H = s->H < 8 ? s->H : 8;
  double zx[2] = {0.5, (double)H + 0.5}, zy[2] = {0, 0};
  for (size_t h = 0; !st && h < H; h++) {
    double x = (double)(h + 1), m = pt->hmean[h], lo = pt->hq05[h], hi = pt->hq95[h];
    char label[200];
    snprintf(label, sizeof label, "%s (%s)", s->hyp[h].id, s->hyp[h].sign > 0 ? "+" : "\xe2\x88\x92");
    st = nl_figure_errorbars(fg, 1, &x, &lo, &hi, h);
    if (!st) st = nl_figure_line(fg, 1, &x, &m, h, label, NL_PLOT_MARKERS);
  }
  if (!st) st = nl_figure_line(fg, 2, zx, zy, 6, NULL, NL_PLOT_DASHED);
  if (!st) st = nl_figure_xlim(fg, 0.5, (double)H + 0.5);
  if (!st) st = nl_figure_labels(fg, "Hypothesis (1 = H1, 2 = H2, ...)", "Estimate across replications", NULL);
  if (!st) st = nl_figure_legend_title(fg, "hypothesis (sign)");
  figure(rp, fg, st, "Hypothesis estimates across replications",
         "Estimates of each hypothesized effect across replications: marker at the mean, bars from the 5% to the 95% "
         "quantile; the dashed line is zero. The legend gives each hypothesis' expected sign.");
}

static void pls_figure(report *rp, nl_pls *p, long r) {
  nl_plot_pls *m = nl_plot_pls_new();
  nl_figure *fg = new_figure(7.5, 5.2);
  nl_status st = m && fg ? NL_OK : NL_ENOMEM;
  if (!st) st = nl_plot_pls_from_estimate(m, p);
  if (!st) st = nl_plot_pls_draw(fg, m);
  char cap[400];
  snprintf(cap, sizeof cap,
           "PLS path diagram of the representative replication (%ld): loadings on the indicator arrows, path "
           "coefficients with bootstrap significance (* p &lt; .05, ** p &lt; .01, *** p &lt; .001), R&sup2; inside "
           "the endogenous constructs.",
           r);
  figure(rp, fg, st, "PLS path diagram", cap);
  nl_plot_pls_free(m);
}

/* ---- sections -------------------------------------------------------------------------------- */

static const char css[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#222;max-width:1040px;margin:0 auto;"
    "padding:1em 1.5em 4em;line-height:1.45;font-size:15px}"
    "h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.3em;border-bottom:2px solid #0072B2;padding-bottom:.15em;"
    "margin-top:2em}h3{font-size:1.08em;margin-top:1.4em}"
    "table{border-collapse:collapse;margin:.6em 0 1em;font-size:.9em}"
    "th,td{border:1px solid #ccc;padding:.25em .55em;text-align:left;vertical-align:top}"
    "th{background:#f0f4f8}table.kv th{white-space:nowrap}summary{cursor:pointer;margin:.5em 0}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "figure{margin:1.2em 0}figure img{width:100%;max-width:780px;height:auto;border:1px solid #eee}"
    "figcaption{font-size:.88em;color:#444;max-width:800px}"
    ".note{color:#555;font-size:.9em}.lead{font-size:1.05em}"
    ".v-supported,.v-holds{background:#e3f4ea}.v-mixed,.v-weak{background:#fff3d6}"
    ".v-not,.v-absent,.v-opposite{background:#f6e3e3}"
    ".box{border:1px solid #bcd;background:#f7fafc;padding:.6em 1em;margin:1em 0}"
    "pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.85em}"
    "nav ol{columns:2;font-size:.92em}code{font-size:.92em}"
    ".scroll{overflow-x:auto}"
    "@media print{body{max-width:none;font-size:11pt}.scroll{overflow:visible}figure,table{break-inside:avoid}"
    "nav{display:none}h2{break-after:avoid}}";

static void verdict_cell(FILE *f, const char *v) {
  const char *cls = !strcmp(v, "supported") || !strcmp(v, "holds")
                        ? "v-supported"
                        : (!strcmp(v, "mixed") || !strcmp(v, "weak") ? "v-mixed" : "v-not");
  fprintf(f, "<td class=\"%s\"><b>%s</b></td>", cls, v);
}

static void section_summary(report *rp, size_t pi) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  const study_point *pt = &s->pt[pi];
  fputs("<div class=\"box\"><b>Key results.</b> ", f);
  size_t nsup = 0, nmix = 0;
  for (size_t h = 0; h < s->H; h++) {
    if (!strcmp(pt->verdict[h], "supported")) nsup++;
    else if (!strcmp(pt->verdict[h], "mixed")) nmix++;
  }
  fprintf(f, "Of %zu hypotheses, %zu %s supported, %zu mixed and %zu not supported across %ld replications "
             "(supported: the bootstrap %.0f%% interval excludes zero with the hypothesized sign in at least "
             "%.0f%% of the replications).<ul>",
          s->H, nsup, nsup == 1 ? "is" : "are", nmix, s->H - nsup - nmix, s->R, 100 * (1 - s->alpha),
          100 * s->threshold);
  for (size_t h = 0; h < s->H; h++) {
    fprintf(f, "<li>%s ", s->hyp[h].id);
    effect(f, s->hyp[h].effect);
    fprintf(f, " (%s): <b>%s</b>, %ld of %ld replications, mean estimate ", s->hyp[h].sign > 0 ? "+" : "&minus;",
            pt->verdict[h], pt->nsup[h], pt->nest[h]);
    fmt(f, "%.3f", pt->hmean[h]);
    fputs("</li>", f);
  }
  fputs("</ul>", f);
  if (!s->facts_ok) { /* the facts are coopnet's: other models' units have not its fields */
    fputs("</div>\n", f);
    return;
  }
  int nf = 0, held = 0;
  char other[512] = "";
  for (int k = 0; k < NL_FACT_N; k++) {
    if (!s->contrasts && (k == NL_FACT_CAPABILITY || k == NL_FACT_FORMAL)) continue;
    study_fact_sum fs;
    nl_study_fact_summary(s, pi, k, &fs);
    nf++;
    if (!strcmp(fs.verdict, "holds")) held++;
    else {
      size_t n = strlen(other);
      snprintf(other + n, sizeof other - n, "%s%s %s", n ? ", " : "", nl_study_fact(k)->id, fs.verdict);
    }
  }
  fprintf(f, "Stylized facts of the model (docs/coopnet.md) in the simulated population: %d of %d hold%s%s%s (section 6).</div>\n", held,
          nf, other[0] ? " (" : "", other, other[0] ? ")" : "");
}

static void section_study(report *rp) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  const nl_scenario *sc = s->sc;
  const nl_params *par = nl_scenario_params(sc);
  const nl_model *m = nl_scenario_model(sc);
  long fi = nl_model_param_index(m, "firms");
  fprintf(f, "<h2 id=\"study\">%d. Study</h2>\n<p class=\"lead\">", ++rp->section);
  if (s->description && *s->description) nl_html_text(f, s->description);
  else if (rp->coopnet) fputs("A virtual survey study of a simulated SME cooperation network.", f);
  else {
    fputs("A virtual survey study of a simulated population of ", f);
    nl_html_text(f, rp->units);
    fputs(": ", f);
    nl_html_text(f, nl_model_title(m));
    fputs(".", f);
  }
  fputs("</p>\n", f);
  if (!rp->coopnet) {
    int ncon = 0;
    for (int c = 0; c < NL_SV_NCON; c++) ncon += s->sv.use[c] != 0;
    fprintf(f, "<p>Design: the agent-based model <code>%s</code> (", nl_model_name(m));
    nl_html_text(f, nl_model_title(m));
    fprintf(f, ") simulates %zu %s for %ld periods in %ld independent replications%s (seed %llu). At period %ld a "
               "<b>virtual survey</b> samples %ld %s in each replication and asks them Likert items about %d "
               "construct%s computed from each %s's own simulated state; a PLS-SEM model is estimated on every "
               "replication's survey, as an empirical researcher would on one real survey, with %ld bootstrap "
               "resamples. The hypotheses are then judged by how often a replication supports them.</p>\n",
            s->pt[0].F, rp->units, nl_scenario_periods(sc), s->R,
            s->npoints > 1 ? ", at every design point of a sweep" : "", (unsigned long long)nl_scenario_seed(sc),
            s->sv.period, s->sv.sample, rp->units, ncon, ncon == 1 ? "" : "s", rp->unit, s->boot);
    fprintf(f, "<p>No relation between constructs is written into the survey: every construct is measured from "
               "one variable of the %s, and any relation between constructs comes from the model's mechanisms.</p>\n",
            rp->unit);
    return;
  }
  fprintf(f,
          "<p>Design: the agent-based model <code>coopnet</code> (learning within and between SMEs in cooperation "
          "networks; docs/coopnet.md) simulates %.0f firms for %ld periods in %ld independent replications%s "
          "(seed %llu). At period %ld a <b>virtual survey</b> samples %ld firms in each replication and asks them "
          "Likert items about five constructs computed from each firm's own simulated state; a PLS-SEM model is "
          "estimated on every replication's survey, as an empirical researcher would on one real survey, with %ld "
          "bootstrap resamples. The hypotheses are then judged by how often a replication supports them.</p>\n",
          fi >= 0 ? nl_params_get(par, (size_t)fi) : 0, nl_scenario_periods(sc), s->R,
          s->npoints > 1 ? ", at every design point of a sweep" : "", (unsigned long long)nl_scenario_seed(sc),
          s->sv.period, s->sv.sample, s->boot);
  fputs("<p>The empirical study this replicates (seed 000: PLS-SEM of 90 industrial SMEs) found that exploration "
        "drives product co-innovation and, through it, network collaboration, while exploitation drives process "
        "innovation but discourages networking. In the simulation none of these relations is written into the "
        "survey: every construct is measured from one firm variable, and any relation between constructs comes "
        "from the model's mechanisms.</p>\n",
        f);
}

static void section_parameters(report *rp) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  const nl_scenario *sc = s->sc;
  const nl_params *par = nl_scenario_params(sc);
  const nl_model *m = nl_scenario_model(sc);
  fprintf(f, "<h2 id=\"parameters\">%d. Parameters</h2>\n<h3>Virtual survey</h3>\n", ++rp->section);
  fprintf(f,
          "<p>Survey at the end of period %ld; counts over the window of periods %ld&ndash;%ld (%ld periods); %ld "
          "%s sampled without replacement in each replication. Each construct value is standardized across the "
          "sampled %s (z); item = loading &times; z + &sigma; &radic;(1 &minus; loading&sup2;) e, with e ~ "
          "N(0, 1) and &sigma; = %g (the study's noise times the construct's error multiplier below), cut into "
          "1&ndash;7 at the standard-normal thresholds ",
          s->sv.period, s->sv.period - s->sv.window + 1, s->sv.period, s->sv.window, s->sv.sample, rp->units, rp->units,
          s->sv.noise);
  for (int t = 0; t < NL_SV_LIKERT - 1; t++) {
    fmt(f, "%g", s->sv.thr[t]);
    fputs(t < NL_SV_LIKERT - 2 ? ", " : ".", f);
  }
  fprintf(f, "</p>\n<table><tr><th>construct</th><th>%s variable (from the simulation)</th><th>items</th>"
             "<th>loadings</th><th>error multiplier</th></tr>\n",
          rp->unit);
  for (int c = 0; c < NL_SV_NCON; c++) {
    if (!s->sv.use[c]) continue;
    fprintf(f, "<tr><td><b>%s</b></td><td>", nl_survey_construct_name(&s->sv, c));
    nl_html_text(f, nl_survey_construct_doc(&s->sv, c));
    char a[32], b[32];
    nl_survey_item_name(&s->sv, c, 0, a, sizeof a);
    nl_survey_item_name(&s->sv, c, s->sv.nitem[c] - 1, b, sizeof b);
    fprintf(f, "</td><td style=\"white-space:nowrap\">%s&ndash;%s</td><td>", a, b);
    for (size_t k = 0; k < s->sv.nitem[c]; k++) {
      fmt(f, "%.2f", s->sv.load[c][k]);
      if (k + 1 < s->sv.nitem[c]) fputs(", ", f);
    }
    fputs("</td><td class=\"n\">", f);
    fmt(f, "%g", s->sv.noise * s->sv.cnoise[c]);
    fputs("</td></tr>\n", f);
  }
  fputs("</table>\n", f);
  fprintf(f, "<h3>Analysis</h3><p>PLS-SEM with path weighting (seminr's defaults, Mode A for reflective "
             "constructs); %ld bootstrap resamples per replication, %s %.0f%% intervals; a hypothesis is "
             "<i>supported</i> in a replication when its estimate has the hypothesized sign and the interval "
             "excludes zero. Verdict across replications: <i>supported</i> when at least %.0f%% of the replications "
             "support it, <i>mixed</i> when %.0f%%&ndash;%.0f%% do, <i>not supported</i> below.</p>\n",
          s->boot, s->ci_bca ? "BCa" : "percentile", 100 * (1 - s->alpha), 100 * s->threshold,
          100 * (1 - s->threshold), 100 * s->threshold);
  fprintf(f, "<h3>Simulation (model <code>%s</code>)</h3>\n", nl_model_name(m));
  fprintf(f, "<p>%ld replications, %ld periods, seed %llu, every %ld periods recorded. Parameters set in the study "
             "file first; every other parameter is at the model's default (the full table unfolds below).",
          s->R, nl_scenario_periods(s->sc), (unsigned long long)nl_scenario_seed(s->sc), nl_scenario_every(s->sc));
  if (s->npoints > 1) {
    fputs(" Swept parameters: ", f);
    for (size_t i = 0; i < nl_design_nswept(s->design); i++) {
      const nl_param_desc *d = nl_model_param(m, nl_design_swept(s->design, i));
      fprintf(f, "%s<code>%s</code>", i ? ", " : "", d->name);
    }
    fprintf(f, " (%zu design points; values below are the first point's).", s->npoints);
  }
  fputs("</p>\n", f);
  const nl_params *p0 = nl_design_params(s->design, 0);
  size_t nset = 0, nall = 0;
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 0) fputs("<table><tr><th>parameter set in the study file</th><th>value</th><th>meaning</th></tr>\n", f);
    else
      fprintf(f, "<details><summary>All %zu parameters of <code>%s</code> (%zu set, the others at their defaults)"
                 "</summary>\n<div class=\"scroll\"><table><tr><th>parameter</th><th>value</th><th>meaning</th></tr>\n",
              nall, nl_model_name(m), nset);
    for (size_t i = 0; i < nl_model_nparams(m); i++) {
      const nl_param_desc *d = nl_model_param(m, i);
      char val[256];
      nl_params_format(p0, i, val, sizeof val);
      if (d->type == NL_PARAM_STRING && !val[0]) continue;
      int set = nl_params_is_set(par, i);
      if (pass == 0) {
        nall++;
        if (!set) continue;
        nset++;
      }
      fprintf(f, "<tr><td>%s<code>%s</code>%s</td><td class=\"n\">", set ? "<b>" : "", d->name, set ? "</b>" : "");
      nl_html_text(f, val);
      fputs("</td><td>", f);
      nl_html_text(f, d->doc);
      fputs("</td></tr>\n", f);
    }
    if (pass == 0) {
      if (nset == 0) fputs("<tr><td colspan=\"3\">none: every parameter at the model's default</td></tr>\n", f);
      fputs("</table>\n", f);
    } else fputs("</table></div></details>\n", f);
  }
}

/* A model other than coopnet: a figure of each measure the scenario records (up to
 * MAX_MEASURE_FIGURES), its doc line the caption, and the units' network when they have ties. */
#define MAX_MEASURE_FIGURES 6
static void model_figures(report *rp, size_t pi) {
  const nl_scenario *sc = rp->s->sc;
  const nl_model *m = nl_scenario_model(sc);
  for (size_t i = 0; i < nl_scenario_nmeasures(sc) && i < MAX_MEASURE_FIGURES; i++) {
    const nl_measure_desc *d = nl_model_measure(m, nl_scenario_measure(sc, i));
    if (!d) continue;
    const char *const names[] = {d->name}, *const labels[] = {NULL};
    char alt[160], cap[400];
    snprintf(alt, sizeof alt, "%s over time", d->name);
    escape(cap, sizeof cap, d->doc && *d->doc ? d->doc : d->name);
    if (cap[0] >= 'a' && cap[0] <= 'z') cap[0] = (char)(cap[0] - 'a' + 'A'); /* a caption is a sentence */
    series_figure(rp, pi, names, labels, 1, d->name, alt, cap);
  }
  const study_point *pt = &rp->s->pt[pi];
  if (pt->rep[pt->representative].ntie > 0) network_figure(rp, pi);
}

static void section_figures(report *rp, size_t pi) {
  FILE *f = rp->f;
  fprintf(f, "<h2 id=\"simulation\">%d. Simulation</h2>\n<p>Means over replications with 95%% confidence bands "
             "(Student t over replications), recorded every %ld periods. The survey is taken at the end of period "
             "%ld; its counts cover periods %ld&ndash;%ld.</p>\n",
          ++rp->section, nl_scenario_every(rp->s->sc), rp->s->sv.period, rp->s->sv.period - rp->s->sv.window + 1, rp->s->sv.period);
  if (!rp->coopnet) {
    model_figures(rp, pi);
    return;
  }
  static const char *const k1[] = {"code_knowledge_product", "code_knowledge_process"};
  static const char *const l1[] = {"product (market) dimensions", "process dimensions"};
  series_figure(rp, pi, k1, l1, 2, "Code knowledge K(code)", "Code knowledge over time",
                "Knowledge of the firms' codes (March's score, mean over firms) on product and process dimensions.");
  static const char *const k2[] = {"product_coinnovation", "process_coinnovation", "internal_innovation_process"};
  static const char *const l2[] = {"product co-innovation", "process co-innovation", "internal process innovation"};
  series_figure(rp, pi, k2, l2, 3, "Improvements per firm", "Innovation over time",
                "Code improvements per firm and period: from outside the firm (co-innovation: partners, network "
                "code, amplification) and, for processes, from inside. These counts over the survey window are "
                "PRODINNO and PROCINNO.");
  static const char *const k3[] = {"mean_degree", "mean_strength"};
  static const char *const l3[] = {"ties per firm (degree)", "tie strength per firm"};
  series_figure(rp, pi, k3, l3, 2, "Per firm", "Network over time",
                "Informal ties per firm and their total strength (trust) per firm; tie strength at the survey "
                "period is NETCOLLAB.");
  static const char *const k4[] = {"kappa"};
  static const char *const l4[] = {NULL};
  series_figure(rp, pi, k4, l4, 1, "Collaboration capability \xce\xba", "Capability over time",
                "Mean collaboration capability &kappa; (learning to collaborate, seed 002).");
  network_figure(rp, pi);
}

/* Mean and 5-95% quantiles over replications of v[r * stride + off]. */
static void dist(const nl_study *s, size_t pi, size_t which, size_t stride, size_t off, double *mean, double *q05,
                 double *q95, int kind) {
  const study_point *pt = &s->pt[pi];
  double *v = nl_malloc((size_t)s->R * sizeof *v);
  *mean = *q05 = *q95 = NAN;
  if (!v) return;
  size_t n = 0;
  double sum = 0;
  for (long r = 0; r < s->R; r++) {
    const double *src = kind == 0 ? pt->rep[r].load : kind == 1 ? pt->rep[r].rel : kind == 2 ? pt->rep[r].path
                        : kind == 3 ? pt->rep[r].rsq : kind == 4 ? pt->rep[r].htmt : pt->rep[r].spec;
    double x = src[which * stride + off];
    if (isfinite(x)) v[n++] = x, sum += x;
  }
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
      double t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
  if (n) {
    *mean = sum / (double)n;
    *q05 = nl_study_quantile(v, n, 0.05);
    *q95 = nl_study_quantile(v, n, 0.95);
  }
  nl_free(v);
}

static void range_cell(FILE *f, double m, double a, double b) {
  fputs("<td class=\"n\">", f);
  fmt(f, "%.3f", m);
  fputs(" [", f);
  fmt(f, "%.2f", a);
  fputs(", ", f);
  fmt(f, "%.2f", b);
  fputs("]</td>", f);
}

/* The cells of a structural-table row after its label: the representative replication's estimate,
 * bootstrap interval and p of quantity q (a path a -> b, or specific indirect effect a), then the
 * estimate over replications and the replications whose interval excludes 0 (row k of the
 * replications' paths or specific effects). */
static void effect_cells(report *rp, size_t pi, nl_pls *p, nl_pls_quantity q, size_t a, size_t b, size_t k) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  const study_point *pt = &s->pt[pi];
  int path = q == NL_PLS_Q_PATH;
  nl_pls_boot_stat bs;
  nl_pls_boot_get(p, q, a, b, &bs);
  fputs("<td class=\"n\">", f);
  fmt(f, "%.3f", bs.original);
  fputs("</td><td class=\"n\">[", f);
  fmt(f, "%.3f", bs.lo);
  fputs(", ", f);
  fmt(f, "%.3f", bs.hi);
  fputs("]</td><td class=\"n\">", f);
  pval(f, bs.p);
  fputs("</td>", f);
  double m, lo, hi;
  dist(s, pi, k, 4, 0, &m, &lo, &hi, path ? 2 : 5);
  range_cell(f, m, lo, hi);
  long sig = 0;
  for (long r = 0; r < s->R; r++) {
    const double *o = (path ? pt->rep[r].path : pt->rep[r].spec) + k * 4;
    sig += o[1] > 0 || o[2] < 0;
  }
  fprintf(f, "<td class=\"n\">%ld / %ld</td></tr>\n", sig, s->R);
}

/* PLSpredict (Shmueli et al. 2019) on the representative replication: 10 folds x 10 repetitions,
 * direct antecedents, folds from the study's seed (stream of the replication), as netlearn pls
 * --predict 10x10. Per indicator of an endogenous construct: RMSE of PLS and of the linear-model
 * benchmark, Q2_predict. */
static void section_predict(report *rp, nl_pls *p, long r) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  nl_pls_predict_options o;
  nl_pls_predict_options_default(&o);
  o.seed = nl_scenario_seed(s->sc);
  o.stream = (unsigned long long)r;
  fputs("<h3>Out-of-sample prediction (PLSpredict)</h3>\n", f);
  if (nl_pls_predict(p, &o)) {
    fputs("<p class=\"note\">PLSpredict could not be run on this replication: ", f);
    nl_html_text(f, nl_pls_errmsg(p));
    fputs("</p>\n", f);
    return;
  }
  fputs("<p>PLSpredict (Shmueli et al. 2019; 10 folds &times; 10 repetitions, direct antecedents) on the "
        "representative replication's survey: the indicators of each endogenous construct predicted out of "
        "sample by the PLS model and by the linear-model benchmark (each indicator regressed on every "
        "indicator of the other constructs). Q&sup2;<sub>predict</sub> &gt; 0: PLS beats the training mean; "
        "PLS RMSE below the LM's: the model has predictive power for that indicator.</p>\n"
        "<table><tr><th>indicator</th><th>PLS RMSE</th><th>LM RMSE</th><th>Q&sup2;<sub>predict</sub></th></tr>\n",
        f);
  for (size_t i = 0; i < s->I; i++) {
    nl_pls_predict_metrics m;
    if (nl_pls_predict_indicator(p, i, &m)) continue; /* not an indicator of an endogenous construct */
    fprintf(f, "<tr><td>%s</td><td class=\"n\">", s->iname[i]);
    fmt(f, "%.3f", m.pls_rmse);
    fputs("</td><td class=\"n\">", f);
    fmt(f, "%.3f", m.lm_rmse);
    fputs("</td><td class=\"n\">", f);
    fmt(f, "%.3f", m.q2_predict);
    fputs("</td></tr>\n", f);
  }
  fputs("</table>\n", f);
}

static void section_pls(report *rp, size_t pi) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  const study_point *pt = &s->pt[pi];
  long r = pt->representative;
  nl_pls *p = pt->rep_pls; /* fitted once by the run (run.c), borrowed */
  fprintf(f, "<h2 id=\"pls\">%d. PLS-SEM results</h2>\n", ++rp->section);
  fputs("<p>The model (lavaan syntax):</p><pre>", f);
  char *shown = nl_study_model_display(s);
  nl_html_text(f, shown ? shown : s->model_text);
  nl_free(shown);
  fputs("</pre>\n", f);
  fprintf(f, "<p>Two views: the <b>representative replication</b> (replication %ld, whose path estimates are "
             "closest to the means over replications, a survey a researcher could have obtained) and the "
             "<b>distribution over all %ld replications</b> (mean [5%%, 95%% quantiles]).</p>\n",
          r, s->R);
  if (!p) return; /* not reached: the run fails when the representative cannot be fitted */
  /* measurement */
  fputs("<h3>Measurement model</h3>\n<table><tr><th>construct</th><th>indicator</th><th>loading (rep.)</th>"
        "<th>loading over replications</th></tr>\n",
        f);
  for (size_t i = 0; i < s->I; i++) {
    size_t j = nl_pls_indicator_construct(p, i);
    fprintf(f, "<tr><td>%s</td><td>%s</td><td class=\"n\">", s->cname[j], s->iname[i]);
    fmt(f, "%.3f", nl_pls_loading(p, i));
    fputs("</td>", f);
    double m, a, b;
    dist(s, pi, i, 1, 0, &m, &a, &b, 0);
    range_cell(f, m, a, b);
    fputs("</tr>\n", f);
  }
  fputs("</table>\n<table><tr><th>construct</th><th>Cronbach's &alpha;</th><th>&rho;<sub>A</sub></th>"
        "<th>&rho;<sub>C</sub></th><th>AVE</th><th>AVE over replications</th></tr>\n",
        f);
  for (size_t j = 0; j < s->C; j++) {
    fprintf(f, "<tr><td>%s</td>", s->cname[j]);
    double v[4] = {nl_pls_alpha(p, j), nl_pls_rho_a(p, j), nl_pls_rho_c(p, j), nl_pls_ave(p, j)};
    for (int q = 0; q < 4; q++) {
      fputs("<td class=\"n\">", f);
      fmt(f, "%.3f", v[q]);
      fputs("</td>", f);
    }
    double m, a, b;
    dist(s, pi, j, 4, 3, &m, &a, &b, 1);
    range_cell(f, m, a, b);
    fputs("</tr>\n", f);
  }
  int rho_over = 0;
  for (size_t j = 0; j < s->C; j++) rho_over |= nl_pls_rho_a(p, j) > 1;
  fputs("</table>\n", f);
  if (rho_over)
    fputs("<p class=\"note\">A &rho;<sub>A</sub> above 1 is not an error: &rho;<sub>A</sub> (Dijkstra and "
          "Henseler 2015) exceeds 1 when a construct's weights are very unequal relative to its indicator "
          "correlations, which happens with few items and a small sample; seminr reports the same value. Read "
          "&alpha; and &rho;<sub>C</sub> for that construct.</p>\n",
          f);
  fprintf(f, "<p>Heterotrait-monotrait ratios (HTMT; representative replication) with, below each, the "
             "one-sided %.0f%% bootstrap upper bound (HTMT inference: Henseler et al. 2015, Franke &amp; "
             "Sarstedt 2019, as cSEM's <code>testHTMT()</code>). Discriminant validity is supported when the "
             "bound is below 0.85 (0.90 for conceptually similar constructs); <b>bold</b>: a bound of 0.85 or "
             "more.</p>\n<table><tr><th></th>",
          100 * (1 - s->alpha));
  for (size_t j = 0; j + 1 < s->C; j++) fprintf(f, "<th>%s</th>", s->cname[j]);
  fputs("</tr>\n", f);
  for (size_t j = 1; j < s->C; j++) {
    fprintf(f, "<tr><th>%s</th>", s->cname[j]);
    for (size_t k = 0; k + 1 < s->C; k++) {
      fputs("<td class=\"n\">", f);
      if (k < j) {
        double up = nl_pls_htmt_upper(p, j, k);
        fmt(f, "%.3f", nl_pls_htmt(p, j, k));
        fputs(up >= 0.85 ? "<br><small><b>&le; " : "<br><small>&le; ", f);
        fmt(f, "%.3f", up);
        fputs(up >= 0.85 ? "</b></small>" : "</small>", f);
      }
      fputs("</td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</table>\n", f);
  /* structural */
  fprintf(f, "<h3>Structural model</h3>\n<table><tr><th>path</th><th>estimate (rep.)</th><th>%.0f%% CI (rep.)</th>"
             "<th>p (rep.)</th><th>estimate over replications</th><th>CI excludes 0</th></tr>\n",
          100 * (1 - s->alpha));
  for (size_t k = 0; k < s->P; k++) {
    fprintf(f, "<tr><td>%s &rarr; %s</td>", s->cname[s->pfrom[k]], s->cname[s->pto[k]]);
    effect_cells(rp, pi, p, NL_PLS_Q_PATH, s->pfrom[k], s->pto[k], k);
  }
  for (size_t k = 0; k < s->S; k++) {
    fputs("<tr><td>", f);
    for (size_t i = 0; i < s->slen[k]; i++) fprintf(f, "%s%s", i ? " &rarr; " : "", s->cname[s->schain[k][i]]);
    fputs(" (indirect)</td>", f);
    effect_cells(rp, pi, p, NL_PLS_Q_SPECIFIC, k, 0, k);
  }
  fputs("</table>\n<table><tr><th>endogenous construct</th><th>R&sup2; (rep.)</th><th>R&sup2; over "
        "replications</th></tr>\n",
        f);
  for (size_t j = 0; j < s->C; j++) {
    if (!s->endo[j]) continue;
    fprintf(f, "<tr><td>%s</td><td class=\"n\">", s->cname[j]);
    fmt(f, "%.3f", nl_pls_rsq(p, j));
    fputs("</td>", f);
    double m, a, b;
    dist(s, pi, j, 1, 0, &m, &a, &b, 3);
    range_cell(f, m, a, b);
    fputs("</tr>\n", f);
  }
  fputs("</table>\n", f);
  if (!pt->rep[r].converged) fputs("<p class=\"note\">The PLS weights of this replication did not converge.</p>", f);
  section_predict(rp, p, r);
  pls_figure(rp, p, r);
}

static void section_hypotheses(report *rp, size_t pi) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  const study_point *pt = &s->pt[pi];
  fprintf(f, "<h2 id=\"hypotheses\">%d. Hypotheses</h2>\n", ++rp->section);
  fprintf(f, "<p>For each hypothesis: the replications in which it is supported (estimate with the hypothesized "
             "sign and bootstrap %.0f%% interval excluding zero), the distribution of its estimates across "
             "replications, and the verdict (threshold %.0f%%). <i>Opposite sign</i> counts the replications "
             "whose interval excludes zero with the other sign: evidence against the hypothesis.</p>\n",
          100 * (1 - s->alpha), 100 * s->threshold);
  fputs("<div class=\"scroll\"><table><tr><th>id</th><th>effect</th><th>expected</th><th>claim</th><th>supported</th>"
        "<th>share</th><th>opposite sign</th><th>mean (sd)</th><th>median [5%, 95%]</th><th>verdict</th></tr>\n",
        f);
  for (size_t h = 0; h < s->H; h++) {
    const study_hyp *hy = &s->hyp[h];
    fprintf(f, "<tr><td>%s</td><td>", hy->id);
    effect(f, hy->effect);
    fprintf(f, "%s</td><td>%s</td><td>", hy->indirect ? " (indirect)" : "", hy->sign > 0 ? "positive" : "negative");
    nl_html_text(f, hy->label);
    fprintf(f, "</td><td class=\"n\">%ld / %ld</td><td class=\"n\">", pt->nsup[h], pt->nest[h]);
    fmt(f, "%.0f%%", 100 * pt->share[h]);
    fprintf(f, "</td><td class=\"n\">%ld</td><td class=\"n\">", pt->nopp[h]);
    fmt(f, "%.3f", pt->hmean[h]);
    fputs(" (", f);
    fmt(f, "%.3f", pt->hsd[h]);
    fputs(")</td>", f);
    range_cell(f, pt->hmed[h], pt->hq05[h], pt->hq95[h]);
    verdict_cell(f, pt->verdict[h]);
    fputs("</tr>\n", f);
  }
  fputs("</table></div>\n", f);
  /* Constructs without variance in a sample: their items are pure noise (docs/survey.md). */
  for (size_t h = 0; h < s->H; h++) {
    nl_study_verdict v;
    long nf = nl_study_verdict_get(s, pi, h, &v) ? 0 : v.flat;
    if (nf == 0) continue;
    fprintf(f, "<p class=\"note\">%s: in %ld of %ld replications a construct of ", s->hyp[h].id, nf, s->R);
    effect(f, s->hyp[h].effect);
    fprintf(f, " had no variance in the survey sample%s: its items were pure noise, and so is the estimate of those "
               "replications.</p>\n",
            rp->coopnet ? " (for example no firm co-innovated)" : "");
  }
  forest_figure(rp, pi);
}

/* Mechanism attribution (coopnet 2): the change of facts 2a, 2b and every hypothesis estimate when
 * one exploitation mechanism is switched off, paired by replication, and a sentence per mechanism. */
static void section_attribution(report *rp, size_t pi) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  size_t nq = nl_study_attr_nquantities(s);
  char qn[64];
  fprintf(f, "<h3 id=\"attribution\">Which mechanism drives what</h3>\n<p>Each replication was run again with one of "
             "coopnet 2's exploitation mechanisms switched off, with the same random streams (simulation, survey "
             "sample and items), and surveyed and estimated as above (without a bootstrap). A cell is the mean "
             "change <i>without &minus; with</i> the mechanism over the %ld replications, with a paired 95%% t "
             "interval; <b>bold</b>: the interval excludes zero. A negative change of a fact or path means the "
             "mechanism raises it. Facts 2a and 2b are correlations across all firms; H columns are PLS "
             "estimates on the survey of %ld firms.</p>\n",
          s->R, s->sv.sample);
  fputs("<div class=\"scroll\"><table><tr><th>mechanism</th><th>switched off</th>", f);
  for (size_t q = 0; q < nq; q++) fprintf(f, "<th>%s</th>", nl_study_attr_quantity(s, q, qn, sizeof qn));
  fputs("</tr>\n<tr><td>(with every mechanism)</td><td></td>", f);
  for (size_t q = 0; q < nq; q++) {
    study_attr_sum o;
    nl_study_attr_summary(s, pi, 0, q, &o);
    fputs("<td class=\"n\">", f);
    fmt(f, "%.3f", o.full);
    fputs("</td>", f);
  }
  fputs("</tr>\n", f);
  for (int k = 0; k < NL_MECH_COUNT; k++) {
    const study_mech_info *mi = nl_study_mech(k);
    fprintf(f, "<tr><td>%s: %s</td><td><code>%s</code></td>", mi->id, mi->name, mi->off);
    for (size_t q = 0; q < nq; q++) {
      study_attr_sum o;
      nl_study_attr_summary(s, pi, k, q, &o);
      int sig = o.lo > 0 || o.hi < 0;
      fputs(sig ? "<td class=\"n\"><b>" : "<td class=\"n\">", f);
      fmt(f, "%+.3f", o.change);
      fputs(sig ? "</b>" : "", f);
      fputs("<br><small>[", f);
      fmt(f, "%+.2f", o.lo);
      fputs(", ", f);
      fmt(f, "%+.2f", o.hi);
      fputs("]</small></td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</table></div>\n<ul>\n", f);
  for (int k = 0; k < NL_MECH_COUNT; k++) {
    const study_mech_info *mi = nl_study_mech(k);
    fprintf(f, "<li><b>%s (%s)</b>: ", mi->id, mi->name);
    int up = 0, down = 0;
    for (int pass = 0; pass < 2; pass++) {
      int first = 1;
      for (size_t q = 0; q < nq; q++) {
        study_attr_sum o;
        nl_study_attr_summary(s, pi, k, q, &o);
        /* pass 0: quantities the mechanism raises (removing it lowers them), pass 1: lowers */
        if (pass == 0 ? !(o.hi < 0) : !(o.lo > 0)) continue;
        if (first) fputs(pass == 0 ? (down ? "; it raises " : "it raises ") : (up ? "; it lowers " : "it lowers "), f);
        fprintf(f, "%s%s (", first ? "" : ", ", nl_study_attr_quantity(s, q, qn, sizeof qn));
        fmt(f, "%.3f", o.full);
        fputs(" with it, ", f);
        fmt(f, "%.3f", o.removed);
        fputs(" without)", f);
        first = 0;
        if (pass == 0) up++;
        else down++;
      }
    }
    if (!up && !down) fputs("no change in facts 2a, 2b or any hypothesis path is distinguishable from zero", f);
    fputs(".</li>\n", f);
  }
  fputs("</ul>\n", f);
}

static void section_facts(report *rp, size_t pi) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  if (!s->facts_ok) return; /* coopnet's facts, about fields other models' units have not: no section */
  fprintf(f, "<h2 id=\"facts\">%d. Stylized facts</h2>\n", ++rp->section);
  fprintf(f, "<p>The stylized facts of coopnet's specification (docs/coopnet.md, section 1.1) that this study can evaluate, computed from all "
             "%zu firms of each replication (not only the surveyed ones), at the survey period with counts over the "
             "survey window. A correlation is computed across firms in each replication; the table gives its mean "
             "over the %ld replications with a 95%% t interval and the replications in which it has the expected "
             "sign. <i>holds</i>: the interval excludes zero with the expected sign; <i>weak</i>: it does, but the "
             "mean correlation is below 0.1 in size; <i>absent</i>: the interval includes zero; <i>opposite</i>: it "
             "excludes zero with the other sign.</p>\n",
          s->pt[pi].F, s->R);
  fputs("<div class=\"scroll\"><table><tr><th>fact</th><th>source</th><th>claim</th><th>statistic</th>"
        "<th>expected</th><th>mean [95% CI]</th><th>right sign</th><th>verdict</th></tr>\n",
        f);
  static const int order[NL_FACT_N] = {NL_FACT_X_PROD, NL_FACT_PROD_STR, NL_FACT_X_STR, NL_FACT_E_PROC, NL_FACT_E_STR,
                                       NL_FACT_SWITCH, NL_FACT_CAPABILITY, NL_FACT_KAPPA_PROD, NL_FACT_FORMAL};
  const study_point *pt = &s->pt[pi];
  for (int q = 0; q < NL_FACT_N; q++) {
    int k = order[q];
    if (!s->contrasts && (k == NL_FACT_CAPABILITY || k == NL_FACT_FORMAL)) continue;
    const study_fact_info *fi = nl_study_fact(k);
    study_fact_sum fs;
    nl_study_fact_summary(s, pi, k, &fs);
    fprintf(f, "<tr><td>%s</td><td>seed %s</td><td>", fi->id, fi->seed);
    nl_html_text(f, fi->claim);
    fputs("</td><td>", f);
    nl_html_text(f, fi->statistic);
    if (k == NL_FACT_CAPABILITY || k == NL_FACT_FORMAL) {
      /* the components, means over replications */
      double v[1 + NL_CONTRAST_N] = {0};
      for (long r = 0; r < s->R; r++)
        for (int c = 0; c <= NL_CONTRAST_N; c++)
          v[c] += (k == NL_FACT_CAPABILITY ? pt->rep[r].kgrow[c] : pt->rep[r].coinno[c]) / (double)s->R;
      if (k == NL_FACT_CAPABILITY) {
        fputs(". Growth: both ", f);
        fmt(f, "%.3f", v[0]);
        fputs("; without translation ", f);
        fmt(f, "%.3f", v[1 + NL_CONTRAST_NO_TAU]);
        fputs("; without amplification ", f);
        fmt(f, "%.3f", v[1 + NL_CONTRAST_NO_ALPHA]);
      } else {
        fputs(". Co-innovations per firm: both ", f);
        fmt(f, "%.2f", v[0]);
        fputs("; informal only ", f);
        fmt(f, "%.2f", v[1 + NL_CONTRAST_NO_FORMAL]);
        fputs("; formal only ", f);
        fmt(f, "%.2f", v[1 + NL_CONTRAST_NO_INFORMAL]);
      }
      fputs(" (means over replications)", f);
    }
    fprintf(f, "</td><td>%s</td>", fi->sign > 0 ? "positive" : "negative");
    range_cell(f, fs.mean, fs.lo, fs.hi);
    fprintf(f, "<td class=\"n\">%ld / %ld</td>", fs.right, fs.n);
    verdict_cell(f, fs.verdict);
    fputs("</tr>\n", f);
  }
  fputs("</table></div>\n", f);
  if (s->contrasts)
    fprintf(f, "<p>Facts 4 and 6 compare scenarios rather than firms: each replication is run again, with the "
               "same random streams, with one mechanism switched off (translation <code>tau = 0</code>, "
               "amplification <code>alpha = 0</code>, formal networks <code>formal_networks = 0</code>, informal "
               "learning <code>p_inf = 0</code>), up to the survey period (period %ld); the statistic is paired by "
               "replication.</p>\n",
            s->sv.period);
  else
    fputs("<p>Facts 4 (seed 001) and 6 (seed 003) compare scenarios and were not evaluated (<code>analysis: "
          "{contrasts: false}</code>).</p>\n",
          f);
  /* plain words on facts that do not hold */
  int first = 1;
  for (int q = 0; q < NL_FACT_N; q++) {
    int k = order[q];
    if (!s->contrasts && (k == NL_FACT_CAPABILITY || k == NL_FACT_FORMAL)) continue;
    study_fact_sum fs;
    nl_study_fact_summary(s, pi, k, &fs);
    if (!strcmp(fs.verdict, "holds")) continue;
    if (first) fputs("<p><b>Where the facts are weak or absent.</b> ", f);
    first = 0;
    fprintf(f, "Fact %s (", nl_study_fact(k)->id);
    nl_html_text(f, nl_study_fact(k)->claim);
    fprintf(f, ") is <b>%s</b> in this study: mean ", fs.verdict);
    fmt(f, "%.3f", fs.mean);
    fprintf(f, ", expected sign in %ld of %ld replications. ", fs.right, fs.n);
  }
  if (!first) fputs("The report states these as found; the model is not tuned to produce them.</p>\n", f);
  if (s->attribution) section_attribution(rp, pi);
}

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Distinct sorted values of v[0..n) into u; returns their count. */
static size_t distinct(const double *v, size_t n, double *u) {
  memcpy(u, v, n * sizeof *u);
  qsort(u, n, sizeof *u, cmp_dbl);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || u[i] != u[k - 1]) u[k++] = u[i];
  return k;
}

/* Two swept parameters: one heatmap per hypothesis of the share supporting it. */
static void sweep_heatmaps(report *rp) {
  nl_study *s = rp->s;
  const nl_model *m = nl_scenario_model(s->sc);
  size_t ix = nl_design_swept(s->design, 0), iy = nl_design_swept(s->design, 1), n = s->npoints;
  const nl_param_desc *dx = nl_model_param(m, ix), *dy = nl_model_param(m, iy);
  if ((dx->type != NL_PARAM_INT && dx->type != NL_PARAM_REAL) || (dy->type != NL_PARAM_INT && dy->type != NL_PARAM_REAL))
    return;
  double *px = nl_malloc(n * sizeof *px), *py = nl_malloc(n * sizeof *py), *ux = nl_malloc(n * sizeof *ux),
         *uy = nl_malloc(n * sizeof *uy), *z = nl_malloc(n * n * sizeof *z);
  if (px && py && ux && uy && z) {
    for (size_t i = 0; i < n; i++) {
      px[i] = nl_params_get(nl_design_params(s->design, i), ix);
      py[i] = nl_params_get(nl_design_params(s->design, i), iy);
    }
    size_t nx = distinct(px, n, ux), ny = distinct(py, n, uy);
    for (size_t h = 0; h < s->H && h < 8; h++) {
      for (size_t i = 0; i < nx * ny; i++) z[i] = NAN;
      for (size_t i = 0; i < n; i++) {
        size_t a = 0, b = 0;
        while (ux[a] != px[i]) a++;
        while (uy[b] != py[i]) b++;
        z[b * nx + a] = s->pt[i].share[h];
      }
      nl_figure *fg = new_figure(5.2, 3.6);
      nl_status st = fg ? nl_figure_heatmap(fg, nx, ux, ny, uy, z, 0, 1, "share supporting", 1) : NL_ENOMEM;
      if (!st) st = nl_figure_labels(fg, dx->name, dy->name, NULL);
      char cap[600], alt[64];
      int len = snprintf(cap, sizeof cap, "Share of replications supporting %s (", s->hyp[h].id);
      for (const char *q = s->hyp[h].effect; *q && len < (int)sizeof cap - 16; q++) {
        if (q[0] == '-' && q[1] == '>') len += snprintf(cap + len, sizeof cap - (size_t)len, "&rarr;"), q++;
        else cap[len++] = *q;
      }
      snprintf(cap + len, sizeof cap - (size_t)len, ") over <code>%s</code> and <code>%s</code>.", dx->name, dy->name);
      snprintf(alt, sizeof alt, "Sweep: support for %s", s->hyp[h].id);
      figure(rp, fg, st, alt, cap);
    }
  }
  nl_free(px);
  nl_free(py);
  nl_free(ux);
  nl_free(uy);
  nl_free(z);
}

static void section_sweep(report *rp) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  const nl_model *m = nl_scenario_model(s->sc);
  size_t nsw = nl_design_nswept(s->design);
  fprintf(f, "<h2 id=\"sweep\">%d. Sweep</h2>\n<p>Share of replications supporting each hypothesis at every "
             "design point.</p>\n<div class=\"scroll\"><table><tr><th>point</th>",
          ++rp->section);
  for (size_t i = 0; i < nsw; i++) fprintf(f, "<th><code>%s</code></th>", nl_model_param(m, nl_design_swept(s->design, i))->name);
  for (size_t h = 0; h < s->H; h++) fprintf(f, "<th>%s</th>", s->hyp[h].id);
  fputs("</tr>\n", f);
  for (size_t pi = 0; pi < s->npoints; pi++) {
    fprintf(f, "<tr><td class=\"n\">%zu</td>", pi + 1);
    for (size_t i = 0; i < nsw; i++) {
      char val[128];
      nl_params_format(nl_design_params(s->design, pi), nl_design_swept(s->design, i), val, sizeof val);
      fputs("<td class=\"n\">", f);
      nl_html_text(f, val);
      fputs("</td>", f);
    }
    for (size_t h = 0; h < s->H; h++) {
      fputs("<td class=\"n\">", f);
      fmt(f, "%.0f%%", 100 * s->pt[pi].share[h]);
      fputs("</td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</table></div>\n", f);
  if (nsw == 2) {
    sweep_heatmaps(rp);
    return;
  }
  if (nsw != 1) return;
  size_t pidx = nl_design_swept(s->design, 0);
  const nl_param_desc *d = nl_model_param(m, pidx);
  if (d->type != NL_PARAM_INT && d->type != NL_PARAM_REAL) return;
  size_t n = s->npoints, H = s->H < 8 ? s->H : 8;
  double *x = nl_malloc(n * sizeof *x), *y = nl_malloc(n * H * sizeof *y);
  nl_figure *fg = new_figure(6.5, 3.6);
  nl_plot_curve cv[8];
  char labels[8][64];
  nl_status st = x && y && fg ? NL_OK : NL_ENOMEM;
  for (size_t pi = 0; !st && pi < n; pi++) {
    x[pi] = nl_params_get(nl_design_params(s->design, pi), pidx);
    for (size_t h = 0; h < H; h++) y[h * n + pi] = s->pt[pi].share[h];
  }
  for (size_t h = 0; !st && h < H; h++) {
    snprintf(labels[h], sizeof labels[h], "%s", s->hyp[h].id);
    cv[h] = (nl_plot_curve){labels[h], n, x, y + h * n, NULL, NULL};
  }
  if (!st) st = nl_plot_sweep_line(fg, cv, H);
  if (!st) st = nl_figure_ylim(fg, 0, 1);
  if (!st) st = nl_figure_labels(fg, d->name, "Share of replications supporting", NULL);
  char cap[300];
  snprintf(cap, sizeof cap, "Share of replications supporting each hypothesis against <code>%s</code>.", d->name);
  figure(rp, fg, st, "Sweep: support against the swept parameter", cap);
  nl_free(x);
  nl_free(y);
}

/* Survey size and power: per design point (the first four drawn) the share of replications
 * supporting each hypothesis at every survey size, a table and power curves (power.csv). */
static void section_power(report *rp) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  size_t K = s->npower, H = s->H;
  fprintf(f, "<h2 id=\"power\">%d. Survey size and power</h2>\n", ++rp->section);
  fprintf(f, "<p>How many %s must the survey ask? In every replication, surveys of each size were drawn from "
             "the same simulated %s (a size above the %zu %s of a run pools further economies of the same "
             "design point, simulated with their own streams), estimated and bootstrapped like the study's own "
             "survey (%ld resamples, %.0f%% intervals) and judged by the same rule. The share of replications "
             "supporting a hypothesis is its <b>power</b> at that size where the effect exists in the simulated "
             "population, and its false-positive rate where it does not (about %.1f%% for a one-signed claim). "
             "Bands: 95%% Wilson intervals over the %ld replications; every number in <code>power.csv</code>.</p>\n",
          rp->units, rp->units, s->pt[0].F, rp->units, s->boot, 100 * (1 - s->alpha), 100 * s->alpha / 2, s->R);
  for (size_t pi = 0; pi < s->npoints; pi++) {
    if (s->npoints > 1) fprintf(f, "<h3>Design point %zu</h3>\n", pi + 1);
    fputs("<div class=\"scroll\"><table><tr><th>survey size n</th>", f);
    for (size_t h = 0; h < H; h++) {
      fprintf(f, "<th>%s<br><small>", s->hyp[h].id);
      effect(f, s->hyp[h].effect);
      fprintf(f, " (%s)</small></th>", s->hyp[h].sign > 0 ? "+" : "&minus;");
    }
    fputs("</tr>\n", f);
    for (size_t k = 0; k < K; k++) {
      fprintf(f, "<tr><td class=\"n\">%ld</td>", s->power[k]);
      for (size_t h = 0; h < H; h++) {
        nl_study_power_stat ps;
        nl_study_power_get(s, pi, k, h, &ps);
        fputs("<td class=\"n\">", f);
        fmt(f, "%.0f%%", 100 * ps.share);
        fprintf(f, " <small>(%ld/%ld)</small></td>", ps.supported, ps.replications);
      }
      fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
    if (pi >= 4) continue; /* figures for the first four points; the table and power.csv have all */
    nl_figure *fg = new_figure(6.5, 3.6);
    double *x = nl_malloc(K * sizeof *x), *y = nl_malloc(K * (H ? H : 1) * sizeof *y);
    size_t *reps = nl_malloc(K * (H ? H : 1) * sizeof *reps);
    char **labels = nl_calloc(H ? H : 1, sizeof *labels);
    nl_status st = fg && x && y && reps && labels ? NL_OK : NL_ENOMEM;
    for (size_t h = 0; !st && h < H; h++) {
      char lab[300];
      snprintf(lab, sizeof lab, "%s (%s)", s->hyp[h].id, s->hyp[h].sign > 0 ? "+" : "-"); /* effects: the table */
      if (!(labels[h] = nl_strdup(lab))) st = NL_ENOMEM;
      for (size_t k = 0; k < K; k++) {
        nl_study_power_stat ps;
        nl_study_power_get(s, pi, k, h, &ps);
        x[k] = (double)ps.n;
        reps[h * K + k] = (size_t)ps.replications;
        y[h * K + k] = ps.share;
      }
    }
    char xlabel[96];
    snprintf(xlabel, sizeof xlabel, "Survey size n (%s)", rp->units);
    if (!st) st = nl_figure_labels(fg, xlabel, "Share of replications supporting", NULL);
    if (!st) st = nl_power_plot_curves(fg, H, (const char *const *)labels, K, x, y, reps);
    char cap[300];
    snprintf(cap, sizeof cap, "Power curves%s: the share of replications supporting each hypothesis against the "
                              "survey size, with 95%% bands and the .80 line.",
             s->npoints > 1 ? " at this design point" : "");
    figure(rp, fg, st, "Power: support against survey size", cap);
    for (size_t h = 0; labels && h < H; h++) nl_free(labels[h]);
    nl_free(labels);
    nl_free(x);
    nl_free(y);
    nl_free(reps);
  }
}

static void section_repro(report *rp, const nl_study_config *cfg) {
  nl_study *s = rp->s;
  FILE *f = rp->f;
  fprintf(f, "<h2 id=\"reproducibility\">%d. Reproducibility</h2>\n", ++rp->section);
  fprintf(f, "<table class=\"kv\"><tr><th>netlearn version</th><td>%s</td></tr><tr><th>study file</th><td><code>", nl_version());
  nl_html_text(f, s->file);
  fputs("</code></td></tr><tr><th>command line</th><td><code>", f);
  for (int i = 0; i < cfg->argc; i++) {
    nl_html_text(f, cfg->argv[i]);
    fputc(' ', f);
  }
  if (cfg->argc == 0) fputs("(library call)", f);
  fprintf(f, "</code></td></tr><tr><th>seed</th><td>%llu (replication r draws from the Philox streams keyed (seed, r); "
             "survey: purpose NL_RNG_SURVEY; bootstrap: NL_RNG_BOOTSTRAP)</td></tr>",
          (unsigned long long)nl_scenario_seed(s->sc));
  fprintf(f, "<tr><th>run time</th><td>%.1f s</td></tr></table>\n", s->seconds);
  fputs("<p>Results do not depend on the number of threads. Files beside this report: <code>manifest.json</code> "
        "(the fully resolved study), <code>hypotheses.csv</code>, <code>facts.csv</code>, "
        "<code>pls_replications.csv</code> (every replication's paths, indirect effects, R&sup2;, loadings, "
        "reliabilities, HTMT with bootstrap intervals), <code>series.csv</code> and <code>summary.csv</code> "
        "(simulation measures), <code>surveys/</code> (one CSV per replication: "
        "<code>netlearn pls MODEL surveys/survey_rep0.csv</code> or R's <code>read.csv</code>), and "
        "<code>pls_representative/</code> (every PLS table of the representative replication).</p>\n",
        f);
  if (s->npower)
    fputs("<p><code>power.csv</code>: the share of replications supporting each hypothesis per survey size. The "
          "survey of size number k (1, 2, ...) and its bootstrap use stream r + k&middot;2<sup>40</sup>; a further "
          "economy e pooled for large sizes is simulated with stream r + e&middot;2<sup>32</sup>.</p>\n",
          f);
}

nl_status nl_study_write_report(nl_study *s, const char *dir, const nl_study_config *cfg) {
  char path[4200];
  snprintf(path, sizeof path, "%s/report.html", dir);
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &s->err);
  if (st) return st;
  report rp = {s, a.f, 0, {{0}}, 0, 0, "", "", 0};
  const nl_model *m = nl_scenario_model(s->sc);
  const char *unit = nl_model_unit_name(m) && *nl_model_unit_name(m) ? nl_model_unit_name(m) : "unit";
  rp.coopnet = strcmp(nl_model_name(m), "coopnet") == 0;
  snprintf(rp.unit, sizeof rp.unit, "%s", unit);
  snprintf(rp.units, sizeof rp.units, "%s%s", unit, unit[strlen(unit) - 1] == 's' ? "es" : "s");
  FILE *f = a.f;
  const char *title = s->name && *s->name ? s->name : "netlearn study";
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" "
        "content=\"width=device-width, initial-scale=1\">\n<title>",
        f);
  nl_html_text(f, title);
  fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>", css);
  nl_html_text(f, title);
  fprintf(f, "</h1>\n<p class=\"note\">netlearn %s study report &middot; %ld replications", nl_version(), s->R);
  if (s->npoints > 1)
    fprintf(f, " &times; %zu design points (sections 3&ndash;%d show design point 1)", s->npoints, s->facts_ok ? 6 : 5);
  fputs("</p>\n", f);
  section_summary(&rp, 0);
  fputs("<nav><b>Contents</b><ol><li><a href=\"#study\">Study</a></li><li><a href=\"#parameters\">Parameters</a></li>"
        "<li><a href=\"#simulation\">Simulation</a></li><li><a href=\"#pls\">PLS-SEM results</a></li>"
        "<li><a href=\"#hypotheses\">Hypotheses</a></li>",
        f);
  if (s->facts_ok) fputs("<li><a href=\"#facts\">Stylized facts</a></li>", f);
  if (s->npoints > 1) fputs("<li><a href=\"#sweep\">Sweep</a></li>", f);
  if (s->npower) fputs("<li><a href=\"#power\">Survey size and power</a></li>", f);
  fputs("<li><a href=\"#reproducibility\">Reproducibility</a></li></ol></nav>\n", f);
  section_study(&rp);
  section_parameters(&rp);
  section_figures(&rp, 0);
  section_pls(&rp, 0);
  section_hypotheses(&rp, 0);
  section_facts(&rp, 0);
  if (s->npoints > 1) section_sweep(&rp);
  if (s->npower) section_power(&rp);
  section_repro(&rp, cfg);
  fputs("</body></html>\n", f);
  return nl_atomic_commit(&a, &s->err);
}
