/*
 * A calibration's outputs (docs/calibrate.md): estimates.csv, fit.csv, trace.csv, profiles.svg,
 * report.html and manifest.json (last). Each is written to a temporary name and renamed into place.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/calib_impl.h"
#include "core/alloc.h"
#include "io/atomic.h"
#include "io/html.h"
#include "io/json.h"
#include "io/scenario_impl.h"
#include "netlearn/plot.h"

static void num(FILE *f, double v) {
  char buf[40];
  if (!isfinite(v)) {
    fputs("NA", f);
    return;
  }
  nl_format_double(buf, sizeof buf, v);
  fputs(buf, f);
}

/* A CSV text field (quoted: labels hold spaces and parentheses, never quotes). */
static void field(FILE *f, const char *s) { fprintf(f, "\"%s\"", s); }

static nl_status write_estimates(nl_calib *c, const char *dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/estimates.csv", dir);
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &c->err);
  if (st) return st;
  fputs("parameter,estimate,se,ci_low,ci_high,lower,upper,start,at_bound\n", a.f);
  for (size_t j = 0; j < c->P; j++) {
    nl_calib_estimate e;
    nl_calib_estimate_get(c, j, &e);
    fprintf(a.f, "%s,", e.name);
    double v[] = {e.estimate, e.se, e.ci_low, e.ci_high, e.lower, e.upper, e.start};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) num(a.f, v[i]), fputc(',', a.f);
    fprintf(a.f, "%s\n", e.at_bound ? "true" : "false");
  }
  return nl_atomic_commit(&a, &c->err);
}

static nl_status write_fit(nl_calib *c, const char *dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/fit.csv", dir);
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &c->err);
  if (st) return st;
  fputs("target,measure,stat,period,observed,se,simulated,sim_se,z,contribution,weight\n", a.f);
  for (size_t k = 0; k < c->K; k++) {
    const nl_calib_target *t = &c->tg[k];
    field(a.f, t->label);
    fprintf(a.f, ",%s,", t->measure == NL_CALIB_PERIODS ? "periods"
                         : t->measure == NL_CALIB_PLS ? "pls_path" : c->model->measures[t->measure].name);
    if (t->stat == NL_CALIB_QUANTILE) fprintf(a.f, "q%g,", t->q);
    else fprintf(a.f, "%s,", t->stat == NL_CALIB_MEAN ? "mean" : "sd");
    if (t->period == NL_CALIB_FINAL) fputs("final,", a.f);
    else fprintf(a.f, "%ld,", t->period);
    double e = c->m_hat[k] - t->value; /* contribution: the target's term w e^2 of Q */
    double v[] = {t->value, t->se, c->m_hat[k], c->sim_se[k], c->z[k], c->w[k] * e * e, c->w[k]};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
      if (i) fputc(',', a.f);
      num(a.f, v[i]);
    }
    fputc('\n', a.f);
  }
  return nl_atomic_commit(&a, &c->err);
}

static const char *const phase_names[] = {"optimize", "jacobian", "profile"};

static nl_status write_trace(nl_calib *c, const char *dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/trace.csv", dir);
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &c->err);
  if (st) return st;
  fputs("evaluation,phase,start", a.f);
  for (size_t j = 0; j < c->P; j++) fprintf(a.f, ",%s", c->model->params[c->pidx[j]].name);
  fputs(",objective,best,seconds\n", a.f);
  double best = HUGE_VAL;
  for (size_t i = 0; i < c->nev; i++) {
    const nl_calib_eval *e = &c->ev[i];
    if (e->phase == 0 && e->q < best) best = e->q;
    fprintf(a.f, "%zu,%s,", i + 1, phase_names[e->phase]);
    if (e->start >= 0) fprintf(a.f, "%d", e->start + 1);
    else fputs("NA", a.f);
    for (size_t j = 0; j < c->P; j++) fputc(',', a.f), num(a.f, e->theta[j]);
    fputc(',', a.f), num(a.f, e->q);
    fputc(',', a.f), num(a.f, best);
    fprintf(a.f, ",%.3f\n", e->seconds);
  }
  return nl_atomic_commit(&a, &c->err);
}

/* ---- figures ------------------------------------------------------------------------------------- */

/* All profiles in one panel over each parameter's position within its bounds. */
static nl_figure *profiles_figure(nl_calib *c, nl_status *st) {
  size_t n = c->nprof;
  nl_figure *f = nl_figure_new(NULL);
  *st = f ? NL_OK : NL_ENOMEM;
  if (*st || n < 2) {
    if (!*st) *st = NL_EINVAL;
    return f;
  }
  double *x = nl_malloc(n * sizeof *x), *y = nl_malloc(n * sizeof *y);
  if (!x || !y) *st = NL_ENOMEM;
  for (size_t j = 0; j < c->P && !*st; j++) {
    for (size_t g = 0; g < n; g++) {
      x[g] = (c->prof_x[j * n + g] - c->lo[j]) / (c->hi[j] - c->lo[j]);
      y[g] = log10(1 + fmax(c->prof_q[j * n + g] - c->q_hat, 0));
    }
    char label[200];
    snprintf(label, sizeof label, "%s in [%g, %g]", c->model->params[c->pidx[j]].name, c->lo[j], c->hi[j]);
    *st = nl_figure_line(f, n, x, y, NL_PLOT_AUTO, label, NL_PLOT_MARKERS);
  }
  if (!*st) *st = nl_figure_labels(f, "Position within the bounds (0 = lower, 1 = upper)",
                                   "log10(1 + Q - Q(estimate)), others at the estimate", NULL);
  nl_free(x);
  nl_free(y);
  return f;
}

/* One parameter's profile in its own units on a log scale (Q spans orders of magnitude across the
 * bounds), with the estimate, its 95% interval and the 95% cut-off Q(estimate) + 3.84. */
static nl_figure *profile_figure(nl_calib *c, size_t j, nl_status *st) {
  size_t n = c->nprof;
  nl_figure_options o;
  nl_figure_options_default(&o);
  o.width = 360;
  o.height = 252;
  nl_figure *f = nl_figure_new(&o);
  double *y = nl_malloc(n * sizeof *y);
  *st = f && y ? NL_OK : NL_ENOMEM;
  if (*st) {
    nl_free(y);
    return f;
  }
  const char *nm = c->model->params[c->pidx[j]].name;
  double ymin = HUGE_VAL, ymax = -HUGE_VAL, floor_q = 1e-3;
  for (size_t g = 0; g < n; g++) {
    y[g] = log10(fmax(c->prof_q[j * n + g], floor_q));
    ymin = fmin(ymin, y[g]);
    ymax = fmax(ymax, y[g]);
  }
  double yhat = log10(fmax(c->q_hat, floor_q)), ycut = log10(c->q_hat + 3.84);
  ymin = fmin(ymin, yhat);
  ymax = fmax(ymax, ycut);
  *st = nl_figure_line(f, n, c->prof_x + j * n, y, 0, "Q, others at the estimate", NL_PLOT_MARKERS);
  double ex[2] = {c->theta_hat[j], c->theta_hat[j]}, ey[2] = {ymin, ymax};
  if (!*st) *st = nl_figure_line(f, 2, ex, ey, 1, "estimate", NL_PLOT_DASHED);
  double hx[2] = {c->lo[j], c->hi[j]}, hy[2] = {ycut, ycut};
  if (!*st) *st = nl_figure_line(f, 2, hx, hy, 3, "Q(estimate) + 3.84", NL_PLOT_DASHED);
  if (!*st && isfinite(c->se[j])) {
    double cx[2] = {c->theta_hat[j] - 1.96 * c->se[j], c->theta_hat[j] + 1.96 * c->se[j]};
    double cy[2] = {yhat, yhat};
    *st = nl_figure_line(f, 2, cx, cy, 2, "95% interval", 0);
  }
  if (!*st) *st = nl_figure_labels(f, nm, "log10 Q", NULL);
  nl_free(y);
  return f;
}

/* Best objective so far against the evaluation (optimizer phase). */
static nl_figure *trace_figure(nl_calib *c, nl_status *st) {
  nl_figure_options o;
  nl_figure_options_default(&o);
  o.width = 420;
  o.height = 252;
  nl_figure *f = nl_figure_new(&o);
  *st = f ? NL_OK : NL_ENOMEM;
  if (*st) return f;
  double *x = nl_malloc((c->nev + 1) * sizeof *x), *y = nl_malloc((c->nev + 1) * sizeof *y);
  size_t n = 0;
  double best = HUGE_VAL;
  if (!x || !y) *st = NL_ENOMEM;
  for (size_t i = 0; i < c->nev && !*st; i++)
    if (c->ev[i].phase == 0) {
      if (c->ev[i].q < best) best = c->ev[i].q;
      x[n] = (double)(n + 1);
      y[n++] = log10(best + 1e-300);
    }
  if (!*st) *st = nl_figure_line(f, n, x, y, 0, NULL, 0);
  if (!*st) *st = nl_figure_labels(f, "Evaluation", "log10 of the best Q so far", NULL);
  nl_free(x);
  nl_free(y);
  return f;
}

/* ---- report -------------------------------------------------------------------------------------- */

/* v with `digits` significant digits (fixed < 0: -fixed decimals), typographic minus. */
static void fnum(FILE *f, int digits, double v) {
  if (!isfinite(v)) {
    fputs("&ndash;", f);
    return;
  }
  char buf[64];
  if (digits > 0) snprintf(buf, sizeof buf, "%.*g", digits, v);
  else snprintf(buf, sizeof buf, "%.*f", -digits, v);
  for (char *p = buf; *p; p++) {
    if (*p == '-') fputs("&minus;", f);
    else fputc(*p, f);
  }
}

static void figure(FILE *f, int *nfig, nl_figure *fg, nl_status st, const char *alt, const char *caption) {
  unsigned char *buf = NULL;
  size_t len = 0;
  if (!st && fg) st = nl_figure_render(fg, NL_FIGURE_SVG, &buf, &len);
  fputs("<figure>", f);
  if (!st && buf) nl_html_svg_img(f, alt, buf, len);
  else {
    fputs("<p class=\"note\">This figure could not be drawn: ", f);
    nl_html_text(f, fg ? nl_figure_errmsg(fg) : "out of memory");
    fputs("</p>", f);
  }
  fprintf(f, "<figcaption><b>Figure %d.</b> %s</figcaption></figure>\n", ++*nfig, caption);
  nl_free(buf);
  nl_figure_free(fg);
}

nl_status nl_calib_write_report(nl_calib *c, const char *dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/report.html", dir);
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &c->err);
  if (st) return st;
  FILE *f = a.f;
  int nfig = 0;
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" "
        "content=\"width=device-width, initial-scale=1\">\n<title>",
        f);
  nl_html_text(f, c->name);
  fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>Calibration: ", nl_html_css);
  nl_html_text(f, c->name);
  fprintf(f, "</h1>\n<p class=\"note\">netlearn %s &middot; model %s &middot; %zu parameters, %zu targets &middot; %ld "
             "replications per evaluation &middot; %zu evaluations (%ld simulated in this run) &middot; %.1f s</p>\n",
          nl_version(), c->model->name, c->P, c->K, c->R, c->nev, c->computed, c->seconds);
  if (c->description) {
    fputs("<p>", f);
    nl_html_text(f, c->description);
    fputs("</p>\n", f);
  }
  /* estimates */
  fputs("<h2>Estimates</h2>\n<table><tr><th>parameter</th><th>estimate</th><th>SE</th><th>95% interval</th>"
        "<th>bounds</th><th>start</th></tr>\n",
        f);
  for (size_t j = 0; j < c->P; j++) {
    nl_calib_estimate e;
    nl_calib_estimate_get(c, j, &e);
    fprintf(f, "<tr%s><td><code>%s</code></td><td class=\"n\">", e.at_bound ? " class=\"warn\"" : "", e.name);
    fnum(f, 4, e.estimate);
    fputs("</td><td class=\"n\">", f);
    fnum(f, 3, e.se);
    fputs("</td><td class=\"n\">[", f);
    fnum(f, 4, e.ci_low);
    fputs(", ", f);
    fnum(f, 4, e.ci_high);
    fprintf(f, "]</td><td class=\"n\">[%g, %g]</td><td class=\"n\">%g</td></tr>\n", e.lower, e.upper, e.start);
  }
  fputs("</table>\n<div class=\"box\"><b>Fit.</b> Q = ", f);
  fnum(f, 4, c->q_hat);
  if (c->K > c->P) {
    fprintf(f, "; J = ");
    fnum(f, -3, c->J);
    fprintf(f, " on %zu degrees of freedom, p = ", c->K - c->P);
    fnum(f, -3, c->pval);
    fputs(c->pval < 0.05 ? " &mdash; the model cannot reproduce all targets at once (p &lt; .05)."
                         : " &mdash; the targets are reproduced jointly (no evidence of misfit at the 5% level).",
          f);
  } else {
    fputs(" (exactly identified: as many targets as parameters, no test of fit)", f);
  }
  fputs(c->weighting == NL_CALIB_W_TOTAL
            ? " Q weighs each target by 1 / (SE&sup2; + its simulation variance at the start)."
            : " Q weighs each target by 1 / SE&sup2; (<code>weighting: observed</code>).",
        f);
  fputs("</div>\n<h2>Targets</h2>\n<table><tr><th>target</th><th>observed</th><th>SE</th><th>simulated</th>"
        "<th>simulation SE</th><th>z</th></tr>\n",
        f);
  for (size_t k = 0; k < c->K; k++) {
    const char *cls = fabs(c->z[k]) > 3 ? " class=\"bad\"" : (fabs(c->z[k]) > 2 ? " class=\"warn\"" : "");
    fprintf(f, "<tr%s><td>", cls);
    nl_html_text(f, c->tg[k].label);
    fputs("</td><td class=\"n\">", f);
    fnum(f, 4, c->tg[k].value);
    fputs("</td><td class=\"n\">", f);
    fnum(f, 3, c->tg[k].se);
    fputs("</td><td class=\"n\">", f);
    fnum(f, 4, c->m_hat[k]);
    fputs("</td><td class=\"n\">", f);
    fnum(f, 3, c->sim_se[k]);
    fputs("</td><td class=\"n\">", f);
    fnum(f, -2, c->z[k]);
    fputs("</td></tr>\n", f);
  }
  fputs("</table>\n<p class=\"note\">z = (simulated &minus; observed) / &radic;(SE&sup2; + simulation SE&sup2;); "
        "|z| &gt; 2 shaded.</p>\n<h2>Identification</h2>\n<ul>\n",
        f);
  for (const char *p = c->ident; p && *p;) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    char line[1024];
    snprintf(line, sizeof line, "%.*s", (int)len, p);
    fputs("<li>", f);
    nl_html_text(f, line);
    fputs("</li>\n", f);
    p += len + (e ? 1 : 0);
  }
  fputs("</ul>\n<table><tr><th>singular values of W<sup>1/2</sup>G (scaled by the bounds)</th><td class=\"n\">", f);
  for (size_t j = 0; j < c->P && j < c->K; j++) {
    if (j) fputs(", ", f);
    fnum(f, 3, c->sv[j]);
  }
  fprintf(f, "</td></tr><tr><th>rank / condition number</th><td class=\"n\">%d / ", c->rank);
  fnum(f, 3, c->cond);
  fputs("</td></tr></table>\n<h2>Profiles</h2>\n", f);
  for (size_t j = 0; j < c->P && c->nprof; j++) {
    nl_status fs;
    nl_figure *fg = profile_figure(c, j, &fs);
    char cap[400];
    snprintf(cap, sizeof cap,
             "Q along <code>%s</code> (log scale) with the other parameters at their estimates (%ld points across "
             "the bounds and 7 around the estimate), the estimate and its 95%% interval; where the profile stays below Q(estimate) + 3.84 "
             "across the bounds, the targets do not pin the parameter down.",
             c->model->params[c->pidx[j]].name, c->profile_points);
    figure(f, &nfig, fg, fs, "profile", cap);
  }
  fputs("<h2>Convergence</h2>\n", f);
  nl_status fs;
  nl_figure *fg = trace_figure(c, &fs);
  figure(f, &nfig, fg, fs, "convergence",
         "Smallest objective found so far against the optimizer's evaluations (all starts in order).");
  fprintf(f, "<h2>Method and reproducibility</h2>\n<p>Simulated minimum distance: Q(&theta;) = &Sigma;<sub>k</sub> "
             "w<sub>k</sub> (m<sub>k</sub>(&theta;) &minus; observed<sub>k</sub>)&sup2;, w<sub>k</sub> = %s, "
             "m<sub>k</sub> over %ld "
             "replications with common random numbers (replication r draws from the Philox streams keyed (seed %llu, "
             "r) at every &theta;). Optimizer: %s, %ld start(s), at most %ld evaluations. Standard errors: "
             "sandwich A<sup>&minus;1</sup>G&prime;W(&Omega;<sub>obs</sub> + &Omega;<sub>sim</sub>)WGA<sup>&minus;1</sup>, "
             "A = G&prime;WG, G by least squares over seven points %g of each range apart, &Omega;<sub>sim</sub> the covariance of "
             "the statistics over the replications at the estimate (for means their sample covariance / R); J = "
             "e&prime;(M&Omega;M&prime;)<sup>+</sup>e, M = I &minus; GA<sup>&minus;1</sup>G&prime;W. Every evaluation "
             "is stored in <code>results.db</code>.</p>\n",
          c->weighting == NL_CALIB_W_TOTAL ? "1 / (SE<sub>k</sub>&sup2; + simulation variance at the start)"
                                           : "1 / SE<sub>k</sub>&sup2;",
          c->R, (unsigned long long)c->seed, nl_calib_method_names[c->method], c->starts, c->max_evals, c->jac_step);
  fputs("<table class=\"kv\"><tr><th>calibration file</th><td><code>", f);
  nl_html_text(f, c->file);
  fputs("</code></td></tr><tr><th>command line</th><td><code>", f);
  for (int i = 0; i < c->cfg.argc; i++) {
    nl_html_text(f, c->cfg.argv[i]);
    fputc(' ', f);
  }
  if (c->cfg.argc == 0) fputs("(library call)", f);
  fputs("</code></td></tr></table>\n</body></html>\n", f);
  return nl_atomic_commit(&a, &c->err);
}

/* ---- manifest -------------------------------------------------------------------------------------- */

static nl_status write_manifest(nl_calib *c, const char *dir, const char *const *outputs, size_t nout) {
  char path[4200];
  snprintf(path, sizeof path, "%s/manifest.json", dir);
  nl_atomic_file a;
  nl_status st = nl_atomic_open(&a, path, &c->err);
  if (st) return st;
  nl_json j;
  nl_json_init(&j, a.f);
  nl_json_obj_begin(&j);
  nl_json_key(&j, "kind");
  nl_json_str(&j, "calibration");
  nl_json_key(&j, "netlearn_version");
  nl_json_str(&j, nl_version());
  nl_json_key(&j, "status");
  nl_json_str(&j, "complete");
  nl_json_key(&j, "calibration_file");
  nl_json_str(&j, c->file);
  nl_json_key(&j, "command_line");
  nl_json_arr_begin(&j);
  for (int i = 0; i < c->cfg.argc; i++) nl_json_str(&j, c->cfg.argv[i]);
  nl_json_arr_end(&j);
  nl_json_key(&j, "simulation");
  st = nl_scenario_json(c->scen, &j);
  nl_json_key(&j, "replications");
  nl_json_int(&j, c->R);
  nl_json_key(&j, "seed");
  nl_json_uint(&j, c->seed);
  nl_json_key(&j, "parameters");
  nl_json_obj_begin(&j);
  for (size_t p = 0; p < c->P; p++) {
    nl_json_key(&j, c->model->params[c->pidx[p]].name);
    nl_json_obj_begin(&j);
    nl_json_key(&j, "bounds");
    nl_json_arr_begin(&j);
    nl_json_num(&j, c->lo[p]);
    nl_json_num(&j, c->hi[p]);
    nl_json_arr_end(&j);
    nl_json_key(&j, "start");
    nl_json_num(&j, c->start[p]);
    nl_json_key(&j, "estimate");
    nl_json_num(&j, c->theta_hat[p]);
    nl_json_key(&j, "se");
    nl_json_num(&j, c->se[p]);
    nl_json_obj_end(&j);
  }
  nl_json_obj_end(&j);
  nl_json_key(&j, "targets");
  nl_json_arr_begin(&j);
  for (size_t k = 0; k < c->K; k++) nl_json_str(&j, c->tg[k].label);
  nl_json_arr_end(&j);
  nl_json_key(&j, "optimizer");
  nl_json_obj_begin(&j);
  nl_json_key(&j, "method");
  nl_json_str(&j, nl_calib_method_names[c->method]);
  nl_json_key(&j, "max_evals");
  nl_json_int(&j, c->max_evals);
  nl_json_key(&j, "starts");
  nl_json_int(&j, c->starts);
  nl_json_key(&j, "xtol");
  nl_json_num(&j, c->xtol);
  nl_json_key(&j, "step");
  nl_json_num(&j, c->init_step);
  nl_json_obj_end(&j);
  nl_json_key(&j, "inference");
  nl_json_obj_begin(&j);
  nl_json_key(&j, "jacobian_step");
  nl_json_num(&j, c->jac_step);
  nl_json_key(&j, "bootstrap");
  nl_json_int(&j, c->boot);
  nl_json_key(&j, "profile_points");
  nl_json_int(&j, c->profile_points);
  nl_json_key(&j, "weighting");
  nl_json_str(&j, c->weighting == NL_CALIB_W_TOTAL ? "total" : "observed");
  nl_json_obj_end(&j);
  nl_json_key(&j, "fit");
  nl_json_obj_begin(&j);
  nl_json_key(&j, "objective");
  nl_json_num(&j, c->q_hat);
  nl_json_key(&j, "J");
  nl_json_num(&j, c->J);
  nl_json_key(&j, "df");
  nl_json_int(&j, (long long)c->K - (long long)c->P);
  nl_json_key(&j, "p_value");
  nl_json_num(&j, c->pval);
  nl_json_key(&j, "rank");
  nl_json_int(&j, c->rank);
  nl_json_key(&j, "condition_number");
  nl_json_num(&j, c->cond);
  nl_json_key(&j, "evaluations");
  nl_json_int(&j, (long long)c->nev);
  nl_json_key(&j, "simulated_in_this_run");
  nl_json_int(&j, c->computed);
  nl_json_obj_end(&j);
  nl_json_key(&j, "outputs");
  nl_json_arr_begin(&j);
  for (size_t i = 0; i < nout; i++) nl_json_str(&j, outputs[i]);
  nl_json_arr_end(&j);
  nl_json_obj_end(&j);
  fputc('\n', a.f);
  if (st) {
    nl_atomic_abort(&a);
    return nl_err(&c->err, st, "writing the manifest");
  }
  return nl_atomic_commit(&a, &c->err);
}

nl_status nl_calib_write_outputs(nl_calib *c, const char *dir) {
  const char *outputs[8];
  size_t n = 0;
  nl_status st = write_estimates(c, dir);
  if (!st) outputs[n++] = "estimates.csv", st = write_fit(c, dir);
  if (!st) outputs[n++] = "fit.csv", st = write_trace(c, dir);
  if (!st) outputs[n++] = "trace.csv";
  if (!st && c->cfg.report && c->nprof) {
    nl_status fs;
    nl_figure *fg = profiles_figure(c, &fs);
    char path[4200];
    snprintf(path, sizeof path, "%s/profiles.svg", dir);
    if (!fs) fs = nl_figure_save(fg, path);
    if (fs) st = nl_err(&c->err, fs, "%s: %s", path, fg ? nl_figure_errmsg(fg) : "out of memory");
    nl_figure_free(fg);
    if (!st) outputs[n++] = "profiles.svg";
  }
  if (!st && c->cfg.report) st = nl_calib_write_report(c, dir);
  if (!st && c->cfg.report) outputs[n++] = "report.html";
  if (!st) outputs[n++] = "results.db", st = write_manifest(c, dir, outputs, n);
  return st;
}
