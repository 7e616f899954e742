/*
 * A study's tidy outputs (docs/study.md): surveys, series and summary, PLS estimates per
 * replication, hypotheses, facts, the representative replication's full PLS output, and the
 * manifest (written last: a directory without it holds no complete study). Every file is written
 * to a temporary name and renamed into place.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/stats.h"
#include "io/atomic.h"
#include "io/json.h"
#include "io/scenario_impl.h"
#include "netlearn/netlearn.h"
#include "study/study_impl.h"

static void num(FILE *f, double v) {
  if (isfinite(v)) fprintf(f, "%.10g", v);
  else fputs("NA", f);
}

/* v[0..n) as CSV fields separated by commas (no leading or trailing comma). */
static void nums(FILE *f, const double *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (i) fputc(',', f);
    num(f, v[i]);
  }
}

/* CSV field, quoted when needed. */
static void field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static nl_status open_file(nl_study *s, nl_atomic_file *a, const char *dir, const char *name) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return nl_atomic_open(a, path, &s->err);
}

/* An optional table this study does not write: a file of an earlier study would not belong to it. */
static nl_status remove_stale(const char *dir, const char *name) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  remove(path);
  return NL_OK;
}

static void point_prefix(const nl_study *s, FILE *f, size_t pi) {
  if (s->npoints > 1) fprintf(f, "%zu,", pi + 1);
}

static nl_status write_surveys(nl_study *s, const char *dir) {
  size_t N = (size_t)s->sv.sample, ni = nl_survey_nitems(&s->sv);
  for (size_t pi = 0; pi < s->npoints; pi++)
    for (long r = 0; r < s->R; r++) {
      char name[128];
      if (s->npoints > 1) snprintf(name, sizeof name, "surveys/survey_p%zu_rep%ld.csv", pi + 1, r);
      else snprintf(name, sizeof name, "surveys/survey_rep%ld.csv", r);
      nl_atomic_file a;
      nl_status st = open_file(s, &a, dir, name);
      if (st) return st;
      const study_rep *rp = &s->pt[pi].rep[r];
      fputs(nl_model_unit_name(nl_scenario_model(s->sc)), a.f); /* "firm", "agent", ... */
      for (int c = 0; c < NL_SV_NCON; c++)
        for (size_t k = 0; s->sv.use[c] && k < s->sv.nitem[c]; k++) {
          char item[32];
          nl_survey_item_name(&s->sv, c, k, item, sizeof item);
          fprintf(a.f, ",%s", item);
        }
      /* a group column (member of a formal network) for --groups: MGA, MICOM; coopnet's firms only */
      fputs(s->fcol[SF_FORMAL] >= 0 ? ",formal\n" : "\n", a.f);
      for (size_t i = 0; i < N; i++) {
        fprintf(a.f, "%zu", rp->ids[i]);
        for (size_t q = 0; q < ni; q++) fprintf(a.f, ",%d", (int)rp->items[q * N + i]);
        if (s->fcol[SF_FORMAL] >= 0)
          fprintf(a.f, ",%d", rp->firms[rp->ids[i] * s->sv.stride + (size_t)s->fcol[SF_FORMAL]] >= 0);
        fputc('\n', a.f);
      }
      st = nl_atomic_commit(&a, &s->err);
      if (st) return st;
    }
  return NL_OK;
}

static nl_status write_series(nl_study *s, const char *dir) {
  const nl_model *m = nl_scenario_model(s->sc);
  size_t nm = nl_model_nmeasures(m);
  nl_atomic_file a, b;
  nl_status st = open_file(s, &a, dir, "series.csv");
  if (st) return st;
  st = open_file(s, &b, dir, "summary.csv");
  if (st) {
    nl_atomic_abort(&a);
    return st;
  }
  fprintf(a.f, "%sreplication,period,measure,value\n", s->npoints > 1 ? "point," : "");
  fprintf(b.f, "%speriod,measure,n,mean,sd,ci_low,ci_high\n", s->npoints > 1 ? "point," : "");
  for (size_t pi = 0; pi < s->npoints; pi++) {
    const study_point *pt = &s->pt[pi];
    for (long r = 0; r < s->R; r++)
      for (long k = 0; k < s->nrec; k++)
        for (size_t j = 0; j < nm; j++) {
          point_prefix(s, a.f, pi);
          fprintf(a.f, "%ld,%ld,%s,", r, s->rec_period[k], nl_model_measure(m, j)->name);
          num(a.f, pt->rep[r].series[(size_t)k * nm + j]);
          fputc('\n', a.f);
        }
    for (long k = 0; k < s->nrec; k++)
      for (size_t j = 0; j < nm; j++) {
        double mean = 0, ss = 0;
        long n = 0;
        for (long r = 0; r < s->R; r++) {
          double v = pt->rep[r].series[(size_t)k * nm + j];
          if (isfinite(v)) mean += v, n++;
        }
        mean = n ? mean / (double)n : NAN;
        for (long r = 0; r < s->R; r++) {
          double v = pt->rep[r].series[(size_t)k * nm + j];
          if (isfinite(v)) ss += (v - mean) * (v - mean);
        }
        double sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
        double half = n > 1 ? nl_t_quantile(0.975, (double)(n - 1)) * sd / sqrt((double)n) : NAN;
        point_prefix(s, b.f, pi);
        fprintf(b.f, "%ld,%s,%ld,", s->rec_period[k], nl_model_measure(m, j)->name, n);
        num(b.f, mean);
        fputc(',', b.f);
        num(b.f, sd);
        fputc(',', b.f);
        num(b.f, mean - half);
        fputc(',', b.f);
        num(b.f, mean + half);
        fputc('\n', b.f);
      }
  }
  st = nl_atomic_commit(&a, &s->err);
  if (st) {
    nl_atomic_abort(&b);
    return st;
  }
  return nl_atomic_commit(&b, &s->err);
}

static void pls_row(FILE *f, const nl_study *s, size_t pi, long r, const char *q, const char *from, const char *through,
                    const char *to, const double *v, int nv) {
  point_prefix(s, f, pi);
  fprintf(f, "%ld,%s,%s,", r, q, from);
  field(f, through);
  fprintf(f, ",%s", to);
  for (int i = 0; i < 4; i++) {
    fputc(',', f);
    if (i < nv) num(f, v[i]);
    else fputs("NA", f);
  }
  fputc('\n', f);
}

static void chain_through(const nl_study *s, size_t k, char *buf, size_t cap) {
  buf[0] = '\0';
  size_t n = 0;
  for (size_t i = 1; i + 1 < s->slen[k]; i++)
    n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", i > 1 ? ";" : "", s->cname[s->schain[k][i]]);
}

static nl_status write_pls(nl_study *s, const char *dir) {
  nl_atomic_file a;
  nl_status st = open_file(s, &a, dir, "pls_replications.csv");
  if (st) return st;
  fprintf(a.f, "%sreplication,quantity,from,through,to,estimate,ci_low,ci_high,p\n", s->npoints > 1 ? "point," : "");
  for (size_t pi = 0; pi < s->npoints; pi++)
    for (long r = 0; r < s->R; r++) {
      const study_rep *rp = &s->pt[pi].rep[r];
      for (size_t k = 0; k < s->P; k++)
        pls_row(a.f, s, pi, r, "path", s->cname[s->pfrom[k]], "", s->cname[s->pto[k]], rp->path + k * 4, 4);
      for (size_t k = 0; k < s->S; k++) {
        char through[256];
        chain_through(s, k, through, sizeof through);
        pls_row(a.f, s, pi, r, "specific_indirect_effect", s->cname[s->schain[k][0]], through,
                s->cname[s->schain[k][s->slen[k] - 1]], rp->spec + k * 4, 4);
      }
      for (size_t j = 0; j < s->C; j++)
        if (s->endo[j]) pls_row(a.f, s, pi, r, "r2", "", "", s->cname[j], rp->rsq + j, 1);
      /* loadings: indicator order is grouped by construct */
      size_t i = 0;
      for (size_t j = 0; j < s->C; j++) {
        static const char *const relname[4] = {"alpha", "rho_a", "rho_c", "ave"};
        for (int q = 0; q < 4; q++) pls_row(a.f, s, pi, r, relname[q], "", "", s->cname[j], rp->rel + j * 4 + q, 1);
        (void)i;
      }
      for (i = 0; i < s->I; i++) pls_row(a.f, s, pi, r, "loading", s->iname[i], "", "", rp->load + i, 1);
      for (size_t j = 0; j < s->C; j++)
        for (size_t j2 = j + 1; j2 < s->C; j2++)
          pls_row(a.f, s, pi, r, "htmt", s->cname[j], "", s->cname[j2], rp->htmt + j * s->C + j2, 1);
    }
  return nl_atomic_commit(&a, &s->err);
}

static nl_status write_hypotheses(nl_study *s, const char *dir) {
  nl_atomic_file a;
  nl_status st = open_file(s, &a, dir, "hypotheses.csv");
  if (st) return st;
  fprintf(a.f, "%sid,effect,kind,sign,label,replications,supported,opposite,share,mean,sd,q05,median,q95,threshold,verdict,flat\n",
          s->npoints > 1 ? "point," : "");
  for (size_t pi = 0; pi < s->npoints; pi++) {
    const study_point *pt = &s->pt[pi];
    for (size_t h = 0; h < s->H; h++) {
      const study_hyp *hy = &s->hyp[h];
      point_prefix(s, a.f, pi);
      field(a.f, hy->id);
      fputc(',', a.f);
      field(a.f, hy->effect);
      fprintf(a.f, ",%s,%s,", hy->indirect ? "indirect" : "path", hy->sign > 0 ? "positive" : "negative");
      field(a.f, hy->label);
      fprintf(a.f, ",%ld,%ld,%ld,", pt->nest[h], pt->nsup[h], pt->nopp[h]);
      double v[6] = {pt->share[h], pt->hmean[h], pt->hsd[h], pt->hq05[h], pt->hmed[h], pt->hq95[h]};
      for (int i = 0; i < 6; i++) num(a.f, v[i]), fputc(',', a.f);
      num(a.f, s->threshold);
      nl_study_verdict vd;
      fprintf(a.f, ",%s,%ld\n", pt->verdict[h], nl_study_verdict_get(s, pi, h, &vd) ? 0L : vd.flat);
    }
  }
  return nl_atomic_commit(&a, &s->err);
}

static nl_status write_facts(nl_study *s, const char *dir) {
  nl_atomic_file a;
  nl_status st = open_file(s, &a, dir, "facts.csv");
  if (st) return st;
  fprintf(a.f, "%sfact,seed,claim,statistic,expected_sign,replications,mean,sd,ci_low,ci_high,right_sign,verdict\n",
          s->npoints > 1 ? "point," : "");
  for (size_t pi = 0; pi < s->npoints; pi++)
    for (int k = 0; k < NL_FACT_N; k++) {
      if (!s->contrasts && (k == NL_FACT_CAPABILITY || k == NL_FACT_FORMAL)) continue;
      study_fact_sum fs;
      nl_study_fact_summary(s, pi, k, &fs);
      const study_fact_info *fi = nl_study_fact(k);
      point_prefix(s, a.f, pi);
      fprintf(a.f, "%s,%s,", fi->id, fi->seed);
      field(a.f, fi->claim);
      fputc(',', a.f);
      field(a.f, fi->statistic);
      fprintf(a.f, ",%s,%ld,", fi->sign > 0 ? "positive" : "negative", fs.n);
      nums(a.f, (const double[]){fs.mean, fs.sd, fs.lo, fs.hi}, 4);
      fprintf(a.f, ",%ld,%s\n", fs.right, fs.verdict);
    }
  return nl_atomic_commit(&a, &s->err);
}

/* attribution.csv (docs/study.md): the change of facts 2a, 2b and every hypothesis estimate when one
 * of coopnet 2's mechanisms is switched off; removed when the study ran without them. */
static nl_status write_attribution(nl_study *s, const char *dir) {
  if (!s->attribution) return remove_stale(dir, "attribution.csv");
  nl_atomic_file a;
  nl_status st = open_file(s, &a, dir, "attribution.csv");
  if (st) return st;
  fprintf(a.f, "%smechanism,name,switched_off,quantity,replications,with,without,change,ci_low,ci_high\n",
          s->npoints > 1 ? "point," : "");
  for (size_t pi = 0; pi < s->npoints; pi++)
    for (int k = 0; k < NL_MECH_COUNT; k++)
      for (size_t q = 0; q < nl_study_attr_nquantities(s); q++) {
        const study_mech_info *mi = nl_study_mech(k);
        study_attr_sum o;
        char qn[64];
        nl_study_attr_summary(s, pi, k, q, &o);
        point_prefix(s, a.f, pi);
        fprintf(a.f, "%s,%s,%s,%s,%ld,", mi->id, mi->name, mi->off, nl_study_attr_quantity(s, q, qn, sizeof qn), o.n);
        nums(a.f, (const double[]){o.full, o.removed, o.change, o.lo, o.hi}, 5);
        fputc('\n', a.f);
      }
  return nl_atomic_commit(&a, &s->err);
}

/* power.csv (docs/study.md "Survey size and power"): per survey size and hypothesis the share of
 * replications supporting it and its Monte Carlo SE; removed when a study runs without sizes. */
static nl_status write_power(nl_study *s, const char *dir) {
  if (!s->npower) return remove_stale(dir, "power.csv");
  nl_atomic_file a;
  nl_status st = open_file(s, &a, dir, "power.csv");
  if (st) return st;
  fprintf(a.f, "%sn,id,effect,sign,economies,replications,supported,share,mc_se,mean\n", s->npoints > 1 ? "point," : "");
  for (size_t pi = 0; pi < s->npoints; pi++)
    for (size_t k = 0; k < s->npower; k++)
      for (size_t h = 0; h < s->H; h++) {
        nl_study_power_stat ps;
        nl_study_power_get(s, pi, k, h, &ps);
        point_prefix(s, a.f, pi);
        fprintf(a.f, "%ld,", ps.n);
        field(a.f, s->hyp[h].id);
        fputc(',', a.f);
        field(a.f, s->hyp[h].effect);
        fprintf(a.f, ",%s,%ld,%ld,%ld,", s->hyp[h].sign > 0 ? "positive" : "negative", ps.economies, ps.replications,
                ps.supported);
        nums(a.f, (const double[]){ps.share, ps.mc_se, ps.mean}, 3);
        fputc('\n', a.f);
      }
  return nl_atomic_commit(&a, &s->err);
}

static nl_status write_representative(nl_study *s, const char *dir) {
  for (size_t pi = 0; pi < s->npoints; pi++) {
    char path[4200];
    if (s->npoints > 1) snprintf(path, sizeof path, "%s/pls_representative_p%zu", dir, pi + 1);
    else snprintf(path, sizeof path, "%s/pls_representative", dir);
    nl_pls *p = s->pt[pi].rep_pls; /* fitted once by the run (run.c) */
    if (nl_pls_write_csv(p, path)) return nl_err(&s->err, NL_EIO, "%s", nl_pls_errmsg(p));
  }
  return NL_OK;
}

nl_status nl_study_write_manifest(nl_study *s, const char *dir, const nl_study_config *cfg) {
  nl_atomic_file a;
  nl_status st = open_file(s, &a, dir, "manifest.json");
  if (st) return st;
  nl_json j;
  nl_json_init(&j, a.f);
  nl_json_obj_begin(&j);
  nl_json_key(&j, "kind");
  nl_json_str(&j, "netlearn study");
  nl_json_key(&j, "netlearn_version");
  nl_json_str(&j, nl_version());
  nl_json_key(&j, "study_file");
  nl_json_str(&j, s->file);
  nl_json_key(&j, "name");
  nl_json_str(&j, nl_study_name(s));
  nl_json_key_strs(&j, "command_line", (const char *const *)cfg->argv, cfg->argc > 0 ? (size_t)cfg->argc : 0);
  nl_json_key(&j, "simulation");
  st = nl_scenario_json(s->sc, &j);
  nl_json_key(&j, "design_points");
  nl_json_int(&j, (long long)s->npoints);
  nl_json_key(&j, "survey");
  nl_json_obj_begin(&j);
  nl_json_key(&j, "period");
  nl_json_int(&j, s->sv.period);
  nl_json_key(&j, "window");
  nl_json_int(&j, s->sv.window);
  nl_json_key(&j, "sample");
  nl_json_int(&j, s->sv.sample);
  nl_json_key(&j, "noise");
  nl_json_num(&j, s->sv.noise);
  nl_json_key(&j, "process");
  nl_json_str(&j, s->sv.process == NL_SV_PROC_CO ? "co" : s->sv.process == NL_SV_PROC_INTERNAL ? "internal" : "total");
  nl_json_key(&j, "thresholds");
  nl_json_arr_begin(&j);
  for (int t = 0; t < NL_SV_LIKERT - 1; t++) nl_json_num(&j, s->sv.thr[t]);
  nl_json_arr_end(&j);
  nl_json_key(&j, "constructs");
  nl_json_obj_begin(&j);
  for (int c = 0; c < NL_SV_NCON; c++) {
    if (!s->sv.use[c]) continue;
    nl_json_key(&j, nl_survey_construct_name(&s->sv, c));
    nl_json_obj_begin(&j);
    nl_json_key(&j, "loadings");
    nl_json_arr_begin(&j);
    for (size_t k = 0; k < s->sv.nitem[c]; k++) nl_json_num(&j, s->sv.load[c][k]);
    nl_json_arr_end(&j);
    nl_json_key(&j, "noise");
    nl_json_num(&j, s->sv.cnoise[c]);
    if (s->sv.nfield[c]) { /* the fields a study named (coopnet's defaults are implied by the name) */
      nl_json_key(&j, "field");
      nl_json_arr_begin(&j);
      for (size_t k = 0; k < s->sv.nfield[c]; k++) nl_json_str(&j, s->sv.field[c][k]);
      nl_json_arr_end(&j);
      nl_json_key(&j, "window");
      nl_json_bool(&j, s->sv.window_of[c]);
    }
    nl_json_obj_end(&j);
  }
  nl_json_obj_end(&j);
  nl_json_obj_end(&j);
  nl_json_key(&j, "model");
  char *shown = nl_study_model_display(s);
  nl_json_str(&j, shown ? shown : s->model_text);
  nl_free(shown);
  nl_json_key(&j, "hypotheses");
  nl_json_arr_begin(&j);
  for (size_t h = 0; h < s->H; h++) {
    char buf[400];
    snprintf(buf, sizeof buf, "%s: %s (%s)", s->hyp[h].id, s->hyp[h].effect, s->hyp[h].sign > 0 ? "positive" : "negative");
    nl_json_str(&j, buf);
  }
  nl_json_arr_end(&j);
  nl_json_key(&j, "analysis");
  nl_json_obj_begin(&j);
  nl_json_key(&j, "boot");
  nl_json_int(&j, s->boot);
  nl_json_key(&j, "alpha");
  nl_json_num(&j, s->alpha);
  nl_json_key(&j, "threshold");
  nl_json_num(&j, s->threshold);
  nl_json_key(&j, "ci");
  nl_json_str(&j, s->ci_bca ? "bca" : "percentile");
  if (s->npower) {
    nl_json_key(&j, "power");
    nl_json_arr_begin(&j);
    for (size_t k = 0; k < s->npower; k++) nl_json_int(&j, s->power[k]);
    nl_json_arr_end(&j);
  }
  nl_json_obj_end(&j);
  nl_json_key(&j, "seconds");
  nl_json_num(&j, floor(s->seconds * 100 + 0.5) / 100);
  nl_json_key(&j, "outputs");
  nl_json_arr_begin(&j);
  static const char *const outs[] = {"report.html", "hypotheses.csv", "facts.csv", "pls_replications.csv",
                                     "series.csv", "summary.csv", "surveys/", "pls_representative/"};
  for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
    if (i > 0 || cfg->report) nl_json_str(&j, outs[i]);
  if (s->attribution) nl_json_str(&j, "attribution.csv");
  if (s->npower) nl_json_str(&j, "power.csv");
  nl_json_arr_end(&j);
  nl_json_obj_end(&j);
  fputc('\n', a.f);
  if (st) {
    nl_atomic_abort(&a);
    return nl_err(&s->err, st, "manifest: %s", nl_scenario_errmsg(s->sc));
  }
  return nl_atomic_commit(&a, &s->err);
}

nl_status nl_study_write_outputs(nl_study *s, const char *dir) {
  nl_status st = write_surveys(s, dir);
  if (!st) st = write_series(s, dir);
  if (!st) st = write_pls(s, dir);
  if (!st) st = write_hypotheses(s, dir);
  if (!st) st = write_facts(s, dir);
  if (!st) st = write_attribution(s, dir);
  if (!st) st = write_power(s, dir);
  if (!st) st = write_representative(s, dir);
  return st;
}
