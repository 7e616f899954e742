/*
 * Running a study: every (design point, replication) simulates coopnet, draws the virtual survey,
 * estimates and bootstraps the PLS model, and evaluates the stylized facts. Runs are independent
 * (random streams keyed by the replication) and each writes only its own slot, so the results do
 * not depend on the thread count or on the order in which runs finish.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/alloc.h"
#include "netlearn/files.h"
#include "core/model_impl.h"
#include "study/study_impl.h"

static double now(void) {
#ifdef _OPENMP
  return omp_get_wtime();
#else
  return 0;
#endif
}

/* Mean kappa growth and co-innovation per firm (whole run) from the rows at the survey period
 * (coopnet's fields; NaN for a model without them). */
static void firm_means(const nl_study *s, const double *b, size_t F, double k0, double *kgrow, double *coinno) {
  double k = 0, c = 0;
  size_t NF = s->sv.stride;
  if (!s->facts_ok) {
    *kgrow = *coinno = NAN;
    return;
  }
  size_t ck = (size_t)s->fcol[SF_KAPPA], cp = (size_t)s->fcol[SF_PROD_COINNO], cq = (size_t)s->fcol[SF_PROC_COINNO];
  for (size_t f = 0; f < F; f++) {
    k += b[f * NF + ck] - k0;
    c += b[f * NF + cp] + b[f * NF + cq];
  }
  *kgrow = k / (double)F;
  *coinno = c / (double)F;
}

/* coopnet's initial collaboration capability (0 for a model without it) */
static double kappa0(const nl_params *p) {
  long i = nl_model_param_index(nl_params_model(p), "kappa0");
  return i >= 0 ? nl_params_get(p, (size_t)i) : 0;
}

static const char *const contrast_set[NL_CONTRAST_N][2] = {
    {"tau", "0"}, {"alpha", "0"}, {"formal_networks", "0"}, {"p_inf", "0"}};

/* Contrast c of replication r at point pi: simulate to the survey period, keep two means. */
static void run_contrast(nl_study *s, size_t pi, long r, int c) {
  study_rep *rp = &s->pt[pi].rep[r];
  const nl_params *par = nl_design_params(s->design, pi);
  nl_params *pc = nl_params_clone(par);
  double *b = NULL;
  nl_errbuf err;
  rp->cst[c] = NL_OK;
  if (!pc) {
    rp->cst[c] = NL_ENOMEM;
    snprintf(rp->cmsg[c], sizeof rp->cmsg[c], "out of memory");
    return;
  }
  if (nl_params_set_text(pc, contrast_set[c][0], contrast_set[c][1]) || nl_params_validate(pc)) {
    rp->cst[c] = NL_EINVAL;
    snprintf(rp->cmsg[c], sizeof rp->cmsg[c], "contrast %s=%s: %s", contrast_set[c][0], contrast_set[c][1],
             nl_params_errmsg(pc));
    goto cleanup;
  }
  size_t F = s->pt[pi].F;
  b = nl_malloc(F * s->sv.stride * sizeof *b);
  nl_status st = b ? nl_study_simulate_rows(s, pc, r, NULL, b, F, &err) : NL_ENOMEM;
  if (st) {
    rp->cst[c] = st;
    snprintf(rp->cmsg[c], sizeof rp->cmsg[c], "contrast %s=%s: %s", contrast_set[c][0], contrast_set[c][1],
             b ? err.msg : "out of memory");
    goto cleanup;
  }
  firm_means(s, b, F, kappa0(pc), &rp->kgrow[1 + c],
             &rp->coinno[1 + c]);
cleanup:
  nl_free(b);
  nl_params_free(pc);
}

/* Facts 4 and 6 of one replication once its contrasts are done. */
static void contrast_facts(study_rep *rp) {
  double k1 = rp->kgrow[1 + NL_CONTRAST_NO_TAU], k2 = rp->kgrow[1 + NL_CONTRAST_NO_ALPHA];
  double c1 = rp->coinno[1 + NL_CONTRAST_NO_FORMAL], c2 = rp->coinno[1 + NL_CONTRAST_NO_INFORMAL];
  rp->facts[NL_FACT_CAPABILITY] = rp->kgrow[0] - (k1 > k2 ? k1 : k2);
  rp->facts[NL_FACT_FORMAL] = rp->coinno[0] - (c1 > c2 ? c1 : c2);
}

static nl_status rep_fail(study_rep *rp, nl_status st, const char *what, const char *msg) {
  rp->st = st;
  snprintf(rp->msg, sizeof rp->msg, "%s%s", what, msg);
  return st;
}

/* One run: (design point pi, replication r). */
static void run_one(nl_study *s, size_t pi, long r) {
  study_point *pt = &s->pt[pi];
  study_rep *rp = &pt->rep[r];
  double t_start = now();
  const nl_params *par = nl_design_params(s->design, pi);
  const nl_model *m = nl_params_model(par);
  nl_params *pc = nl_params_clone(par);
  void *state = NULL;
  nl_errbuf err;
  err.msg[0] = '\0';
  double *a = NULL, *x = NULL, *y = NULL, *latent = NULL, *obs = NULL;
  size_t *perm = NULL;
  nl_pls *p = NULL;
  size_t nmeas = nl_model_nmeasures(m), N = (size_t)s->sv.sample, ni = nl_survey_nitems(&s->sv);
  uint64_t seed = nl_scenario_seed(s->sc);
  if (!pc) {
    rep_fail(rp, NL_ENOMEM, "", "out of memory");
    goto cleanup;
  }
  if (nl_params_validate(pc)) {
    rep_fail(rp, NL_EINVAL, "", nl_params_errmsg(pc));
    goto cleanup;
  }
  if (m->create(&state, pc, &err)) {
    rep_fail(rp, NL_EINVAL, "", err.msg);
    state = NULL;
    goto cleanup;
  }
  size_t F = m->unit_count(state); /* units: the model's firms, agents, ... (model_api.h) */
  if (N > F) { /* checked when the study was loaded; a guard against reading past the firms */
    rep_fail(rp, NL_ERANGE, "survey sample larger than the firms: ", "check the firm table");
    goto cleanup;
  }
  if (r == 0) pt->F = F; /* the same for every replication of a point */
  size_t NF = s->sv.stride;
  a = nl_malloc(F * NF * sizeof *a);
  rp->firms = nl_malloc(F * NF * sizeof *rp->firms);
  x = nl_malloc(F * sizeof *x);
  y = nl_malloc(F * sizeof *y);
  perm = nl_malloc(F * sizeof *perm);
  rp->ids = nl_malloc(N * sizeof *rp->ids);
  rp->items = nl_malloc(N * ni * sizeof *rp->items);
  latent = nl_malloc(N * NL_SV_NCON * sizeof *latent);
  obs = nl_malloc((nmeas ? nmeas : 1) * sizeof *obs);
  rp->series = nl_malloc((size_t)s->nrec * nmeas * sizeof *rp->series);
  size_t H = s->H, P = s->P, S = s->S, C = s->C, I = s->I;
  rp->hyp = nl_malloc((H ? H : 1) * 4 * sizeof(double));
  rp->path = nl_malloc((P ? P : 1) * 4 * sizeof(double));
  rp->spec = nl_malloc((S ? S : 1) * 4 * sizeof(double));
  rp->rsq = nl_malloc(C * sizeof(double));
  rp->load = nl_malloc(I * sizeof(double));
  rp->rel = nl_malloc(C * 4 * sizeof(double));
  rp->htmt = nl_malloc(C * C * sizeof(double));
  if (!a || !rp->firms || !x || !y || !perm || !rp->ids || !rp->items || !latent || !obs || !rp->series || !rp->hyp || !rp->path || !rp->spec || !rp->rsq || !rp->load || !rp->rel || !rp->htmt) {
    rep_fail(rp, NL_ENOMEM, "", "out of memory");
    goto cleanup;
  }
  /* ---- simulation ---- */
  if (m->reset(state, seed, (uint64_t)r, &err)) {
    rep_fail(rp, NL_EINVAL, "", err.msg);
    goto cleanup;
  }
  long T = nl_scenario_periods(s->sc), t0 = s->sv.period - s->sv.window, k = 0;
  if (t0 == 0)
    for (size_t f = 0; f < F; f++) m->unit_row(state, f, a + f * NF);
  for (long t = 0; t <= T; t++) {
    if (t % NL_INTERRUPT_EVERY == 0 && nl_study_stop_requested(s)) {
      rep_fail(rp, NL_ECANCELED, "", "interrupted");
      goto cleanup;
    }
    if (t > 0 && m->step(state, &err)) {
      rep_fail(rp, NL_EINVAL, "", err.msg);
      goto cleanup;
    }
    if (t > 0 && t == t0)
      for (size_t f = 0; f < F; f++) m->unit_row(state, f, a + f * NF);
    if (t == s->sv.period) {
      for (size_t f = 0; f < F; f++) m->unit_row(state, f, rp->firms + f * NF);
      /* the ties between units at the survey period (the report's network figure) */
      size_t nt = m->unit_ties ? m->unit_ties(state, NULL, NULL, NULL, 0) : 0;
      rp->ntie = nt;
      rp->tu = nl_malloc((nt ? nt : 1) * sizeof *rp->tu);
      rp->tv = nl_malloc((nt ? nt : 1) * sizeof *rp->tv);
      rp->tw = nl_malloc((nt ? nt : 1) * sizeof *rp->tw);
      if (!rp->tu || !rp->tv || !rp->tw) {
        rep_fail(rp, NL_ENOMEM, "", "out of memory");
        goto cleanup;
      }
      if (nt) m->unit_ties(state, rp->tu, rp->tv, rp->tw, nt);
    }
    if (k < s->nrec && s->rec_period[k] == t) {
      m->observe(state, obs);
      memcpy(rp->series + (size_t)k * nmeas, obs, nmeas * sizeof *obs);
      k++;
    }
  }
  /* ---- stylized facts (all firms) and the survey (a sample) ---- */
  nl_study_facts(s, rp->facts, F, a, rp->firms, x, y);
  rp->facts[NL_FACT_CAPABILITY] = rp->facts[NL_FACT_FORMAL] = NAN;
  firm_means(s, rp->firms, F, kappa0(pc), &rp->kgrow[0],
             &rp->coinno[0]);
  int nflat = 0;
  nl_survey_draw(&s->sv, F, a, rp->firms, seed, (uint64_t)r, perm, rp->ids, rp->items, latent, &nflat);
  /* Which constructs had no variance (their standardized scores are all 0): rp->flat holds them
   * as bits (1 << NL_SV_*), for the notes on hypotheses that involve them. */
  rp->flat = 0;
  for (int c = 0; nflat && c < NL_SV_NCON; c++) {
    int zero = s->sv.use[c];
    for (size_t i = 0; zero && i < N; i++) zero = latent[(size_t)c * N + i] == 0;
    if (zero) rp->flat |= 1 << c;
  }
  /* ---- PLS-SEM ---- */
  if (nl_study_estimate(s, rp->items, r, 1, &p, &rp->converged, &err)) {
    rep_fail(rp, NL_ENUMERIC, "", err.msg);
    goto cleanup;
  }
  rp->boot_ok = nl_pls_boot_n(p);
  rp->boot_failed = nl_pls_boot_failed(p);
  nl_pls_boot_stat bs;
  for (size_t h = 0; h < H; h++) nl_study_hyp_boot(s, p, h, rp->hyp + h * 4);
  for (size_t q = 0; q < P; q++) {
    double *o = rp->path + q * 4;
    if (nl_pls_boot_get(p, NL_PLS_Q_PATH, s->pfrom[q], s->pto[q], &bs)) o[0] = o[1] = o[2] = o[3] = NAN;
    else o[0] = bs.original, o[1] = bs.lo, o[2] = bs.hi, o[3] = bs.p;
  }
  for (size_t q = 0; q < S; q++) {
    double *o = rp->spec + q * 4;
    if (nl_pls_boot_get(p, NL_PLS_Q_SPECIFIC, q, 0, &bs)) o[0] = o[1] = o[2] = o[3] = NAN;
    else o[0] = bs.original, o[1] = bs.lo, o[2] = bs.hi, o[3] = bs.p;
  }
  for (size_t j = 0; j < C; j++) {
    rp->rsq[j] = nl_pls_rsq(p, j);
    rp->rel[j * 4 + 0] = nl_pls_alpha(p, j);
    rp->rel[j * 4 + 1] = nl_pls_rho_a(p, j);
    rp->rel[j * 4 + 2] = nl_pls_rho_c(p, j);
    rp->rel[j * 4 + 3] = nl_pls_ave(p, j);
    for (size_t j2 = 0; j2 < C; j2++) rp->htmt[j * C + j2] = nl_pls_htmt(p, j, j2);
  }
  for (size_t i = 0; i < I; i++) rp->load[i] = nl_pls_loading(p, i);
  rp->st = NL_OK;
  if (s->npower) { /* the power surveys (power.c) draw from these firms again */
    rp->wstart = a;
    a = NULL;
  }
cleanup:
  rp->seconds = now() - t_start;
  nl_pls_free(p);
  if (state) m->destroy(state);
  nl_params_free(pc);
  nl_free(a);
  nl_free(x);
  nl_free(y);
  nl_free(perm);
  nl_free(latent);
  nl_free(obs);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Verdicts and distributions across replications; the representative replication. */
static nl_status aggregate(nl_study *s) {
  size_t H = s->H;
  double *v = nl_malloc((size_t)s->R * sizeof *v);
  if (!v) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  for (size_t pi = 0; pi < s->npoints; pi++) {
    study_point *pt = &s->pt[pi];
    pt->nsup = nl_calloc(H ? H : 1, sizeof *pt->nsup);
    pt->nopp = nl_calloc(H ? H : 1, sizeof *pt->nopp);
    pt->nest = nl_calloc(H ? H : 1, sizeof *pt->nest);
    pt->hmean = nl_calloc(H ? H : 1, sizeof(double));
    pt->hsd = nl_calloc(H ? H : 1, sizeof(double));
    pt->hq05 = nl_calloc(H ? H : 1, sizeof(double));
    pt->hmed = nl_calloc(H ? H : 1, sizeof(double));
    pt->hq95 = nl_calloc(H ? H : 1, sizeof(double));
    pt->share = nl_calloc(H ? H : 1, sizeof(double));
    pt->verdict = nl_calloc(H ? H : 1, sizeof *pt->verdict);
    if (!pt->nsup || !pt->nopp || !pt->nest || !pt->hmean || !pt->hsd || !pt->hq05 || !pt->hmed || !pt->hq95 || !pt->share ||
        !pt->verdict) {
      nl_free(v);
      return nl_err(&s->err, NL_ENOMEM, "out of memory");
    }
    for (size_t h = 0; h < H; h++) {
      int sign = s->hyp[h].sign;
      size_t n = 0;
      long sup = 0, opp = 0;
      for (long r = 0; r < s->R; r++) {
        const double *o = pt->rep[r].hyp + h * 4;
        if (!isfinite(o[0])) continue;
        v[n++] = o[0];
        sup += nl_study_supports(sign, o);
        opp += nl_study_supports(-sign, o);
      }
      pt->nopp[h] = opp;
      pt->nest[h] = (long)n;
      pt->nsup[h] = sup;
      pt->share[h] = n ? (double)sup / (double)n : NAN;
      double m = 0, ss = 0;
      for (size_t i = 0; i < n; i++) m += v[i];
      m = n ? m / (double)n : NAN;
      for (size_t i = 0; i < n; i++) ss += (v[i] - m) * (v[i] - m);
      pt->hmean[h] = m;
      pt->hsd[h] = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
      qsort(v, n, sizeof *v, cmp_double);
      pt->hq05[h] = nl_study_quantile(v, n, 0.05);
      pt->hmed[h] = nl_study_quantile(v, n, 0.5);
      pt->hq95[h] = nl_study_quantile(v, n, 0.95);
      if (n && pt->share[h] >= s->threshold) pt->verdict[h] = "supported";
      else if (n && pt->share[h] >= 1 - s->threshold && pt->share[h] > 0) pt->verdict[h] = "mixed";
      else pt->verdict[h] = "not supported";
    }
    /* representative: estimates closest to the across-replication means (standardized) */
    double best = INFINITY;
    pt->representative = 0;
    for (long r = 0; r < s->R; r++) {
      double dist = 0;
      for (size_t q = 0; q < s->P; q++) {
        double mean = 0, ss = 0;
        for (long r2 = 0; r2 < s->R; r2++) mean += pt->rep[r2].path[q * 4];
        mean /= (double)s->R;
        for (long r2 = 0; r2 < s->R; r2++) ss += pow(pt->rep[r2].path[q * 4] - mean, 2);
        double sd = s->R > 1 ? sqrt(ss / (double)(s->R - 1)) : 1;
        double z = (pt->rep[r].path[q * 4] - mean) / (sd > 0 ? sd : 1);
        dist += z * z;
      }
      if (dist < best) best = dist, pt->representative = r;
    }
  }
  nl_free(v);
  return NL_OK;
}

/* The representative replication's full PLS fit with its bootstrap, once, for the tables
 * (pls_representative/) and the report. */
static nl_status fit_representatives(nl_study *s) {
  for (size_t pi = 0; pi < s->npoints; pi++) {
    study_point *pt = &s->pt[pi];
    long r = pt->representative;
    int conv;
    nl_status st = nl_study_estimate(s, pt->rep[r].items, r, 1, &pt->rep_pls, &conv, &s->err);
    if (st) return st;
  }
  return NL_OK;
}

void nl_study_config_default(nl_study_config *c) {
  memset(c, 0, sizeof *c);
  c->report = 1;
}

nl_status nl_study_run(nl_study *s, const char *dir, const nl_study_config *cfg) {
  nl_study_config defcfg;
  if (!cfg) {
    nl_study_config_default(&defcfg);
    cfg = &defcfg;
  }
  if (!s->sc || !s->design || !s->pm) return nl_err(&s->err, NL_EINVAL, "no study loaded");
  nl_study_free_results(s);
  s->interrupt = cfg->interrupt;
  s->interrupt_user = cfg->interrupt_user;
  char sub[4200];
  snprintf(sub, sizeof sub, "%s/surveys", dir);
  nl_status made = nl_mkdirs(sub, s->err.msg, sizeof s->err.msg); /* dir and dir/surveys: mkdir -p, writable */
  if (made) return made;
  /* a directory without manifest.json holds no complete study */
  snprintf(sub, sizeof sub, "%s/manifest.json", dir);
  remove(sub);
  double t_start = now();
  s->npoints = nl_design_npoints(s->design);
  s->R = nl_scenario_replications(s->sc);
  long T = nl_scenario_periods(s->sc), every = nl_scenario_every(s->sc);
  if (every < 1) every = 1;
  s->nrec = T / every + 1 + (T % every != 0);
  s->rec_period = nl_malloc((size_t)s->nrec * sizeof *s->rec_period);
  s->pt = nl_calloc(s->npoints, sizeof *s->pt);
  if (!s->rec_period || !s->pt) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  long k = 0;
  for (long t = 0; t <= T; t += every) s->rec_period[k++] = t;
  if (s->rec_period[k - 1] != T) s->rec_period[k++] = T;
  s->nrec = k;
  for (size_t pi = 0; pi < s->npoints; pi++) {
    s->pt[pi].rep = nl_calloc((size_t)s->R, sizeof *s->pt[pi].rep);
    if (!s->pt[pi].rep) return nl_err(&s->err, NL_ENOMEM, "out of memory");
  }
  s->attribution = s->contrasts && nl_study_has_mechanisms(s);
  for (size_t pi = 0; s->attribution && pi < s->npoints; pi++)
    for (long r = 0; r < s->R; r++) {
      s->pt[pi].rep[r].mhyp = nl_calloc((size_t)NL_MECH_COUNT * (s->H ? s->H : 1), sizeof(double));
      if (!s->pt[pi].rep[r].mhyp) return nl_err(&s->err, NL_ENOMEM, "out of memory");
    }
  /* runs per replication: the study's, the fact contrasts, the mechanism contrasts */
  long ncon = s->contrasts ? NL_CONTRAST_N : 0, nmech = s->attribution ? NL_MECH_COUNT : 0;
  long npow = s->npower ? 1 : 0;
  long nsub = 1 + ncon + nmech + npow;
  long total = (long)s->npoints * s->R * nsub, done = 0;
  int cancel = 0;
  int threads = cfg->threads;
#ifdef _OPENMP
  if (threads <= 0) threads = omp_get_max_threads();
#else
  threads = 1;
#endif
  if (threads > total) threads = (int)total;
  if (threads < 1) threads = 1;
  /* Two passes: the study's runs (they fix each point's firm count), then the contrasts. */
  long nrun = (long)s->npoints * s->R;
  for (int pass = 0; pass < 2; pass++) {
    long lo = pass == 0 ? 0 : nrun, hi = pass == 0 ? nrun : total;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long task = lo; task < hi; task++) {
      int stop;
#pragma omp atomic read
      stop = cancel;
      if (stop) continue;
      long kind = task / nrun, rest = task % nrun;
      size_t pi = (size_t)(rest / s->R);
      long r = rest % s->R;
      if (kind == 0) run_one(s, pi, r);
      else if (kind <= ncon) run_contrast(s, pi, r, (int)kind - 1);
      else if (s->pt[pi].rep[r].st != NL_OK) { /* reported below */
      } else if (kind <= ncon + nmech) nl_study_run_mechanism(s, pi, r, (int)(kind - 1 - ncon));
      else nl_study_run_power(s, pi, r);
      if (nl_study_stop_requested(s)) {
#pragma omp atomic write
        cancel = 1;
      }
#pragma omp critical(nl_study_progress)
      {
        done++;
        if (cfg->progress && cfg->progress(cfg->progress_user, done, total)) {
#pragma omp atomic write
          cancel = 1;
        }
      }
    }
  }
  if (cancel) return nl_err(&s->err, NL_ECANCELED, "interrupted: the study was cancelled");
  for (size_t pi = 0; pi < s->npoints; pi++)
    for (long r = 0; r < s->R; r++) {
      study_rep *rp = &s->pt[pi].rep[r];
      if (rp->st) return nl_err(&s->err, rp->st, "design point %zu, replication %ld: %s", pi + 1, r, rp->msg);
      for (int c = 0; s->contrasts && c < NL_CONTRAST_N; c++)
        if (rp->cst[c]) return nl_err(&s->err, rp->cst[c], "design point %zu, replication %ld: %s", pi + 1, r, rp->cmsg[c]);
      for (int c = 0; s->attribution && c < NL_MECH_COUNT; c++)
        if (rp->mst[c]) return nl_err(&s->err, rp->mst[c], "design point %zu, replication %ld: %s", pi + 1, r, rp->mmsg[c]);
      if (rp->pst) return nl_err(&s->err, rp->pst, "design point %zu, replication %ld: %s", pi + 1, r, rp->pmsg);
      if (s->contrasts) contrast_facts(rp);
    }
  nl_status st = aggregate(s);
  if (!st) st = nl_study_power_aggregate(s);
  if (!st) st = fit_representatives(s);
  if (st) return st;
  s->ran = 1;
  s->seconds = now() - t_start;
  /* outputs, then the report, then the manifest (last: a directory without it holds no complete study) */
  st = nl_study_write_outputs(s, dir);
  if (!st && cfg->report) st = nl_study_write_report(s, dir, cfg);
  if (!st) st = nl_study_write_manifest(s, dir, cfg);
  if (st) return st;
  return NL_OK;
}

/* Replications of point pi (estimated) in which a construct of hypothesis h had no variance. */
