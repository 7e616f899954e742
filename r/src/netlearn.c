/*
 * The R package's native routines (registered, called with .Call) over libnetlearn's public C
 * API. As in the Python package, the library writes its own tidy CSV files into a directory the R
 * code owns and reads back, so R, Python and the CLI give the same tables.
 *
 * R's API is called only from the main thread and never while library handles are open: every
 * error message is copied out, the handles freed, and only then is Rf_error called (it longjmps).
 * Ctrl-C: while the library runs, SIGINT sets a flag the library polls; afterwards the signal is
 * handed back to R (raise), and R_CheckUserInterrupt turns it into R's usual interrupt.
 * Progress (progress = TRUE or a function): the library calls its progress callback from the
 * thread that finished a run, often an OpenMP worker; the R function (a txtProgressBar update) is
 * evaluated only when that thread is the R main thread (OpenMP's master runs runs too), through
 * R_tryEvalSilent so that nothing longjmps out of the library.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <R.h>
#include <R_ext/Rdynload.h>
#include <Rinternals.h>

#include "netlearn/netlearn.h"

#define MSG_MAX 2048

static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) {
  (void)sig;
  interrupted = 1;
}

static int poll_interrupt(void *user) {
  (void)user;
  return interrupted;
}

/* The R progress function of the call in progress (set by nlr_set_progress), the R main thread,
 * and whether the function asked to stop or failed (its message kept). */
static SEXP progress_fn;
static pthread_t main_thread;
static int progress_stop;
static char progress_err[MSG_MAX];

static int progress_poll(void *user, long done, long total) {
  (void)user;
  if (interrupted) return 1;
  if (!progress_fn || progress_stop || !pthread_equal(pthread_self(), main_thread)) return progress_stop;
  SEXP call = PROTECT(lang3(progress_fn, ScalarReal((double)done), ScalarReal((double)total)));
  int err = 0;
  SEXP r = R_tryEvalSilent(call, R_GlobalEnv, &err);
  if (err) {
    snprintf(progress_err, sizeof progress_err, "progress: %s", R_curErrorBuf());
    progress_stop = 1;
  } else if (isLogical(r) && LENGTH(r) == 1 && LOGICAL(r)[0] == TRUE) {
    snprintf(progress_err, sizeof progress_err, "cancelled by the progress function");
    progress_stop = 1;
  }
  UNPROTECT(1);
  return progress_stop;
}

/* nlr_set_progress(fn or NULL): the progress function of the next calls (NULL: none). */
static SEXP nlr_set_progress(SEXP fn) {
  if (progress_fn) R_ReleaseObject(progress_fn);
  progress_fn = NULL;
  progress_stop = 0;
  progress_err[0] = '\0';
  if (fn != R_NilValue) {
    if (!isFunction(fn)) error("progress: expected TRUE, FALSE or a function(done, total)");
    R_PreserveObject(fn);
    progress_fn = fn;
    main_thread = pthread_self();
  }
  return R_NilValue;
}

/* The message of a failed call: the progress function's when it stopped the call. */
static void keep_status(char *dst, const char *msg) {
  snprintf(dst, MSG_MAX, "%s", progress_stop && progress_err[0] ? progress_err : msg && *msg ? msg : "failed");
}

typedef struct sigint_guard {
  struct sigaction old;
  int active;
} sigint_guard;

static void sigint_catch(sigint_guard *g) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  interrupted = 0;
  g->active = sigaction(SIGINT, &sa, &g->old) == 0;
}

/* Restore R's handler; an interrupt that arrived meanwhile is re-raised for R to see. */
static void sigint_release(sigint_guard *g) {
  if (g->active) sigaction(SIGINT, &g->old, NULL);
  g->active = 0;
  if (interrupted) raise(SIGINT);
}

/* Copy a message for Rf_error, called after the cleanup. */
static void keep(char *dst, const char *what, const char *msg) {
  snprintf(dst, MSG_MAX, "%s%s%s", what ? what : "", what && *what ? ": " : "", msg && *msg ? msg : "failed");
}

static const char *str_arg(SEXP x, const char *what) {
  if (x == R_NilValue) return NULL;
  if (!isString(x) || LENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING) error("%s: expected one string", what);
  return CHAR(STRING_ELT(x, 0));
}

/* ---- models() --------------------------------------------------------------------------------- */

static const char *type_name(nl_param_type t) {
  switch (t) {
  case NL_PARAM_INT: return "int";
  case NL_PARAM_REAL: return "real";
  case NL_PARAM_BOOL: return "bool";
  case NL_PARAM_CHOICE: return "choice";
  default: return "string";
  }
}

/* list(model, title, name, type, default, min, max, choices, doc) of parallel vectors */
static SEXP nlr_models(void) {
  R_xlen_t n = 0;
  for (size_t i = 0; i < nl_model_count(); i++) n += (R_xlen_t)nl_model_nparams(nl_model_at(i));
  const char *cols[] = {"model", "title", "name", "type", "default", "min", "max", "choices", "doc"};
  SEXP out = PROTECT(allocVector(VECSXP, 9)), names = PROTECT(allocVector(STRSXP, 9));
  for (int c = 0; c < 9; c++) {
    SET_VECTOR_ELT(out, c, allocVector(c == 5 || c == 6 ? REALSXP : STRSXP, n));
    SET_STRING_ELT(names, c, mkChar(cols[c]));
  }
  R_xlen_t r = 0;
  for (size_t i = 0; i < nl_model_count(); i++) {
    const nl_model *m = nl_model_at(i);
    nl_params *p = nl_params_new(m);
    if (!p) error("out of memory");
    for (size_t k = 0; k < nl_model_nparams(m); k++, r++) {
      const nl_param_desc *d = nl_model_param(m, k);
      char def[256], choices[1024] = "";
      nl_params_format(p, k, def, sizeof def);
      if (d->choices)
        for (size_t c = 0; d->choices[c]; c++) {
          size_t len = strlen(choices);
          snprintf(choices + len, sizeof choices - len, "%s%s", c ? "|" : "", d->choices[c]);
        }
      int numeric = d->type == NL_PARAM_INT || d->type == NL_PARAM_REAL;
      SET_STRING_ELT(VECTOR_ELT(out, 0), r, mkChar(nl_model_name(m)));
      SET_STRING_ELT(VECTOR_ELT(out, 1), r, mkChar(nl_model_title(m)));
      SET_STRING_ELT(VECTOR_ELT(out, 2), r, mkChar(d->name));
      SET_STRING_ELT(VECTOR_ELT(out, 3), r, mkChar(type_name(d->type)));
      SET_STRING_ELT(VECTOR_ELT(out, 4), r, mkChar(def));
      REAL(VECTOR_ELT(out, 5))[r] = numeric ? d->min : NA_REAL;
      REAL(VECTOR_ELT(out, 6))[r] = numeric ? d->max : NA_REAL;
      SET_STRING_ELT(VECTOR_ELT(out, 7), r, mkChar(choices));
      SET_STRING_ELT(VECTOR_ELT(out, 8), r, mkChar(d->doc ? d->doc : ""));
    }
    nl_params_free(p);
  }
  setAttrib(out, R_NamesSymbol, names);
  UNPROTECT(2);
  return out;
}

/* ---- run() ------------------------------------------------------------------------------------ */

/* nlr_run(text, name, path, keys, values, outdir, threads, force_new) -> model name */
static SEXP nlr_run(SEXP text_, SEXP name_, SEXP path_, SEXP keys, SEXP values, SEXP outdir_, SEXP threads_,
             SEXP force_new_) {
  const char *text = str_arg(text_, "text"), *name = str_arg(name_, "name"), *path = str_arg(path_, "path");
  const char *outdir = str_arg(outdir_, "out");
  if (!isString(keys) || !isString(values) || LENGTH(keys) != LENGTH(values)) error("set: keys and values differ");
  int threads = asInteger(threads_), force_new = asLogical(force_new_) == TRUE;
  char msg[MSG_MAX] = "", model[128] = "";
  int failed = 1, cancelled = 0;
  nl_scenario *sc = nl_scenario_new();
  nl_design *d = nl_design_new();
  nl_store *store = nl_store_new();
  if (!sc || !d || !store) {
    keep(msg, NULL, "out of memory");
    goto cleanup;
  }
  nl_status st = path ? nl_scenario_load_file(sc, path) : nl_scenario_load_string(sc, text ? text : "", name);
  if (st) {
    keep(msg, NULL, nl_scenario_errmsg(sc));
    goto cleanup;
  }
  for (R_xlen_t i = 0; i < XLENGTH(keys); i++) {
    if (nl_scenario_set(sc, CHAR(STRING_ELT(keys, i)), CHAR(STRING_ELT(values, i)))) {
      keep(msg, NULL, nl_scenario_errmsg(sc));
      goto cleanup;
    }
  }
  if (nl_scenario_validate(sc)) {
    keep(msg, NULL, nl_scenario_errmsg(sc));
    goto cleanup;
  }
  if (nl_design_build(d, sc, 10000000L)) {
    keep(msg, NULL, nl_design_errmsg(d));
    goto cleanup;
  }
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = threads == NA_INTEGER ? 0 : threads;
  cfg.progress = progress_poll;
  cfg.interrupt = poll_interrupt;
  char *argv[] = {"R", "netlearn::run", NULL};
  sigint_guard guard;
  sigint_catch(&guard);
  nl_run_dir_options ro;
  nl_run_dir_options_default(&ro);
  ro.flags = force_new ? NL_STORE_RESET : 0;
  ro.argc = 2;
  ro.argv = argv;
  st = nl_experiment_run_dir(store, d, outdir, &cfg, &ro, NULL);
  cancelled = interrupted;
  sigint_release(&guard);
  if (st) {
    keep_status(msg, nl_store_errmsg(store));
    goto cleanup;
  }
  snprintf(model, sizeof model, "%s", nl_model_name(nl_scenario_model(sc)));
  failed = 0;
cleanup:
  nl_store_free(store);
  nl_design_free(d);
  nl_scenario_free(sc);
  if (cancelled) R_CheckUserInterrupt();
  if (failed) errorcall(R_NilValue, "%s", msg);
  return mkString(model);
}

/* ---- pls() ------------------------------------------------------------------------------------ */

/* nlr_pls(model_text, source, x (numeric matrix, column-major), names, outdir, title,
 *         int options c(scheme, missing, consistent, max_iter, has_na, interaction, nboot, threads, ci),
 *         real options c(tol, na_code, alpha, seed)) -> list(report, converged) */
static SEXP nlr_pls(SEXP text_, SEXP source_, SEXP x, SEXP names_, SEXP outdir_, SEXP title_, SEXP iopt, SEXP dopt) {
  const char *text = str_arg(text_, "model"), *source = str_arg(source_, "source");
  const char *outdir = str_arg(outdir_, "out"), *title = str_arg(title_, "title");
  if (!isReal(x) || !isString(names_) || !isInteger(iopt) || LENGTH(iopt) != 9 || !isReal(dopt) || LENGTH(dopt) != 4)
    error("pls: internal argument types");
  SEXP dim = getAttrib(x, R_DimSymbol);
  if (dim == R_NilValue || LENGTH(dim) != 2 || INTEGER(dim)[1] != LENGTH(names_)) error("pls: data is not a matrix");
  size_t nrow = (size_t)INTEGER(dim)[0], ncol = (size_t)INTEGER(dim)[1];
  const int *io = INTEGER(iopt);
  const double *dv = REAL(dopt);
  char msg[MSG_MAX] = "";
  int failed = 1, cancelled = 0, converged = 0;
  char *report = NULL;
  size_t report_len = 0;
  nl_pls_model *m = NULL;
  nl_pls_data *dat = NULL;
  nl_pls *p = NULL;
  const char **names = (const char **)R_alloc(ncol + 1, sizeof *names); /* freed by R */
  for (size_t j = 0; j < ncol; j++) names[j] = CHAR(STRING_ELT(names_, (R_xlen_t)j));
  /* R's NA_real_ is a NaN: missing for the library too. */
  nl_status st = nl_pls_model_parse(text, source, &m);
  if (st) {
    keep(msg, NULL, m ? nl_pls_model_errmsg(m) : "out of memory");
    goto cleanup;
  }
  st = nl_pls_data_from_matrix(REAL(x), nrow, ncol, names, &dat);
  if (st) {
    keep(msg, "data", dat ? nl_pls_data_errmsg(dat) : "out of memory");
    goto cleanup;
  }
  nl_pls_options opt;
  nl_pls_options_default(&opt);
  opt.scheme = (nl_pls_scheme)io[0];
  opt.missing = (nl_pls_missing)io[1];
  opt.consistent = io[2];
  opt.max_iter = io[3];
  opt.has_na_code = io[4];
  opt.interaction = (nl_pls_interaction)io[5];
  opt.tol = dv[0];
  opt.na_code = dv[1];
  st = nl_pls_prepare(m, dat, &opt, &p);
  if (st) {
    keep(msg, NULL, p ? nl_pls_errmsg(p) : "out of memory");
    goto cleanup;
  }
  sigint_guard guard;
  sigint_catch(&guard);
  st = nl_pls_estimate(p);
  if ((st == NL_OK || st == NL_ECONVERGE) && io[6] > 0 && !interrupted) {
    nl_pls_boot_options bo;
    nl_pls_boot_options_default(&bo);
    bo.nboot = (size_t)io[6];
    bo.threads = io[7];
    bo.ci = (nl_pls_ci)io[8];
    bo.alpha = dv[2];
    bo.seed = (unsigned long long)dv[3];
    bo.progress = progress_poll;
    nl_status bs = nl_pls_bootstrap(p, &bo);
    if (bs) st = bs;
  }
  cancelled = interrupted;
  sigint_release(&guard);
  if (cancelled) goto cleanup;
  if (st && st != NL_ECONVERGE) {
    keep(msg, NULL, nl_pls_errmsg(p));
    goto cleanup;
  }
  converged = nl_pls_converged(p);
  if (nl_pls_write_csv(p, outdir)) {
    keep(msg, NULL, nl_pls_errmsg(p));
    goto cleanup;
  }
  FILE *f = open_memstream(&report, &report_len);
  if (!f) {
    keep(msg, NULL, "out of memory");
    goto cleanup;
  }
  st = nl_pls_write_report(p, title, f);
  fclose(f);
  if (st) {
    keep(msg, NULL, nl_pls_errmsg(p));
    goto cleanup;
  }
  failed = 0;
cleanup:
  nl_pls_free(p);
  nl_pls_data_free(dat);
  nl_pls_model_free(m);
  if (cancelled) {
    free(report);
    R_CheckUserInterrupt();
    errorcall(R_NilValue, "interrupted");
  }
  if (failed) {
    free(report);
    errorcall(R_NilValue, "%s", msg);
  }
  /* R allocations may longjmp on failure: the report buffer is the only thing left to free. */
  SEXP out = PROTECT(allocVector(VECSXP, 2));
  SET_VECTOR_ELT(out, 0, ScalarString(mkCharLenCE(report ? report : "", (int)report_len, CE_UTF8)));
  free(report);
  SET_VECTOR_ELT(out, 1, ScalarLogical(converged));
  UNPROTECT(1);
  return out;
}

/* ---- study(), calibrate(), power(): a file's analysis into a directory -------------------------- */

static int calib_progress_poll(void *user, long done, long total, double best) {
  (void)best;
  return progress_poll(user, done, total);
}

/* A study or a calibration: both load a YAML file or string, take `set` overrides and run into a
 * directory; `calib` chooses the handle. Returns the study's name or the identification check. */
static SEXP run_analysis(SEXP text_, SEXP name_, SEXP path_, SEXP keys, SEXP values, SEXP outdir_, SEXP threads_,
                         SEXP report_, int calib) {
  const char *text = str_arg(text_, "text"), *name = str_arg(name_, "name"), *path = str_arg(path_, "path");
  const char *outdir = str_arg(outdir_, "out");
  if (!isString(keys) || !isString(values) || LENGTH(keys) != LENGTH(values)) error("set: keys and values differ");
  int threads = asInteger(threads_), report = asLogical(report_) == TRUE;
  char msg[MSG_MAX] = "", answer[MSG_MAX] = "";
  int failed = 1, cancelled = 0;
  nl_study *s = calib ? NULL : nl_study_new();
  nl_calib *c = calib ? nl_calib_new() : NULL;
#define EITHER(study_call, calib_call) (calib ? (calib_call) : (study_call))
  if (!s && !c) error("out of memory");
  nl_status st = path ? EITHER(nl_study_load_file(s, path), nl_calib_load_file(c, path))
                      : EITHER(nl_study_load_string(s, text ? text : "", name),
                               nl_calib_load_string(c, text ? text : "", name));
  for (R_xlen_t i = 0; !st && i < XLENGTH(keys); i++) {
    const char *k = CHAR(STRING_ELT(keys, i)), *v = CHAR(STRING_ELT(values, i));
    st = EITHER(nl_study_set(s, k, v), nl_calib_set(c, k, v));
  }
  if (!st) {
    char *argv[] = {"R", calib ? "netlearn::calibrate" : "netlearn::study", NULL};
    nl_study_config scfg;
    nl_calib_config ccfg;
    nl_study_config_default(&scfg);
    nl_calib_config_default(&ccfg);
    scfg.threads = ccfg.threads = threads == NA_INTEGER ? 0 : threads;
    scfg.progress = progress_poll;
    ccfg.progress = calib_progress_poll;
    ccfg.interrupt = poll_interrupt; /* Ctrl-C stops inside an evaluation too */
    scfg.argc = ccfg.argc = 2;
    scfg.argv = ccfg.argv = argv;
    scfg.report = ccfg.report = report;
    sigint_guard guard;
    sigint_catch(&guard);
    st = EITHER(nl_study_run(s, outdir, &scfg), nl_calib_run(c, outdir, &ccfg));
    cancelled = interrupted;
    sigint_release(&guard);
  }
  if (st) {
    keep_status(msg, EITHER(nl_study_errmsg(s), nl_calib_errmsg(c)));
  } else {
    const char *a = EITHER(nl_study_name(s), nl_calib_identification(c));
    snprintf(answer, sizeof answer, "%s", a ? a : "");
    failed = 0;
  }
#undef EITHER
  nl_study_free(s);
  nl_calib_free(c);
  if (cancelled) R_CheckUserInterrupt();
  if (failed) errorcall(R_NilValue, "%s", msg);
  return mkString(answer);
}

/* nlr_study(text, name, path, keys, values, outdir, threads, report) -> the study's name */
static SEXP nlr_study(SEXP text, SEXP name, SEXP path, SEXP keys, SEXP values, SEXP outdir, SEXP threads, SEXP report) {
  return run_analysis(text, name, path, keys, values, outdir, threads, report, 0);
}

/* nlr_calibrate(the same) -> the identification check in words */
static SEXP nlr_calibrate(SEXP text, SEXP name, SEXP path, SEXP keys, SEXP values, SEXP outdir, SEXP threads, SEXP report) {
  return run_analysis(text, name, path, keys, values, outdir, threads, report, 1);
}

/* nlr_power(text, source, sizes (double), outdir,
 *           int options c(population, likert, reps, nboot, test, tails, consistent, threads),
 *           real options c(alpha, seed)) -> c(failed, nonconverged) */
static SEXP nlr_power(SEXP text_, SEXP source_, SEXP sizes, SEXP outdir_, SEXP iopt, SEXP dopt) {
  const char *text = str_arg(text_, "model"), *source = str_arg(source_, "source");
  const char *outdir = str_arg(outdir_, "out");
  if (!isReal(sizes) || !isInteger(iopt) || LENGTH(iopt) != 8 || !isReal(dopt) || LENGTH(dopt) != 2)
    error("power: internal argument types");
  size_t nn = (size_t)XLENGTH(sizes);
  size_t *n = (size_t *)R_alloc(nn + 1, sizeof *n); /* freed by R */
  for (size_t i = 0; i < nn; i++) n[i] = (size_t)REAL(sizes)[i];
  const int *io = INTEGER(iopt);
  char msg[MSG_MAX] = "";
  int failed = 1, cancelled = 0;
  double counts[2] = {0, 0};
  nl_power *pw = NULL;
  nl_power_options opt;
  nl_power_options_default(&opt);
  opt.population = (nl_power_population)io[0];
  opt.likert = io[1];
  opt.reps = (size_t)io[2];
  opt.nboot = (size_t)io[3];
  opt.test = (nl_power_test)io[4];
  opt.tails = io[5];
  opt.consistent = io[6];
  opt.threads = io[7];
  opt.alpha = REAL(dopt)[0];
  opt.seed = (unsigned long long)REAL(dopt)[1];
  opt.progress = progress_poll;
  nl_status st = nl_power_parse(text, source, &opt, &pw);
  if (st) {
    keep(msg, NULL, pw ? nl_power_errmsg(pw) : "out of memory");
    goto cleanup;
  }
  sigint_guard guard;
  sigint_catch(&guard);
  st = nl_power_run(pw, n, nn);
  if (!st) st = nl_power_write(pw, outdir);
  cancelled = interrupted;
  sigint_release(&guard);
  if (st) {
    keep(msg, NULL, nl_power_errmsg(pw));
    goto cleanup;
  }
  counts[0] = (double)nl_power_failed(pw);
  counts[1] = (double)nl_power_nonconverged(pw);
  failed = 0;
cleanup:
  nl_power_free(pw);
  if (cancelled) R_CheckUserInterrupt();
  if (failed) errorcall(R_NilValue, "%s", msg);
  SEXP out = PROTECT(allocVector(REALSXP, 2));
  REAL(out)[0] = counts[0];
  REAL(out)[1] = counts[1];
  UNPROTECT(1);
  return out;
}

/* nlr_sensitivity(text, name, path, outdir, threads) -> the analysis's name, through
 * nl_sensitivity_run_dir (resumable in outdir/results.db), which writes what `netlearn sensitivity`
 * writes. */
static SEXP nlr_sensitivity(SEXP text_, SEXP name_, SEXP path_, SEXP outdir_, SEXP threads_) {
  const char *text = str_arg(text_, "text"), *name = str_arg(name_, "name"), *path = str_arg(path_, "path");
  const char *outdir = str_arg(outdir_, "out");
  int threads = asInteger(threads_);
  char msg[MSG_MAX] = "", sname[256] = "";
  int failed = 1, cancelled = 0;
  nl_sensitivity_spec *p = nl_sensitivity_spec_new();
  nl_store *store = nl_store_new();
  char *argv[] = {"R", "netlearn::sensitivity", NULL};
  if (!p || !store) {
    keep(msg, NULL, "out of memory");
    goto cleanup;
  }
  nl_status st = path ? nl_sensitivity_spec_load_file(p, path) : nl_sensitivity_spec_load_string(p, text ? text : "", name);
  if (st) {
    keep(msg, NULL, nl_sensitivity_spec_errmsg(p));
    goto cleanup;
  }
  nl_sensitivity_run_options so;
  nl_sensitivity_run_options_default(&so);
  so.threads = threads == NA_INTEGER ? 0 : threads;
  so.progress = progress_poll;
  so.interrupt = poll_interrupt;
  so.run.argc = 2;
  so.run.argv = argv;
  sigint_guard guard;
  sigint_catch(&guard);
  st = nl_sensitivity_run_dir(p, store, NULL, outdir, &so, NULL);
  cancelled = interrupted;
  sigint_release(&guard);
  if (st) {
    keep(msg, NULL, nl_store_errmsg(store));
    goto cleanup;
  }
  snprintf(sname, sizeof sname, "%s", nl_sensitivity_spec_name(p));
  failed = 0;
cleanup:
  nl_store_free(store);
  nl_sensitivity_spec_free(p);
  if (cancelled) R_CheckUserInterrupt();
  if (failed) errorcall(R_NilValue, "%s", msg);
  return mkString(sname);
}

static SEXP nlr_version(void) { return mkString(nl_version()); }

/* R's registration API stores every routine as a DL_FUNC, void *(*)(void): the casts are R's idiom. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-function-type"
/* ---- survey(): one replication of a scenario surveyed (netlearn/survey.h) ----------------------- */

/* nlr_survey(text, name, path, keys, values, construct names, fields ("" = default), windows,
 *            loadings (list of numeric), settings (named numeric), c(seed or -1, replication), csv path)
 * -> the model's name */
static SEXP nlr_survey(SEXP text_, SEXP name_, SEXP path_, SEXP keys, SEXP values, SEXP cnames, SEXP cfields,
                       SEXP cwindows, SEXP cloads, SEXP settings, SEXP iopt, SEXP csv_) {
  const char *text = str_arg(text_, "text"), *name = str_arg(name_, "name"), *path = str_arg(path_, "path");
  const char *csv = str_arg(csv_, "out");
  if (!isString(keys) || !isString(values) || LENGTH(keys) != LENGTH(values)) error("set: keys and values differ");
  if (!isString(cnames) || !isString(cfields) || !isLogical(cwindows) || !isNewList(cloads) ||
      LENGTH(cfields) != LENGTH(cnames) || LENGTH(cwindows) != LENGTH(cnames) || LENGTH(cloads) != LENGTH(cnames))
    error("constructs: names, fields, windows and loadings differ");
  if (!isReal(settings) || !isReal(iopt) || LENGTH(iopt) != 2) error("survey settings");
  SEXP snames = getAttrib(settings, R_NamesSymbol);
  for (R_xlen_t i = 0; i < XLENGTH(cloads); i++)
    if (!isReal(VECTOR_ELT(cloads, i))) error("constructs: loadings must be numeric");
  char msg[MSG_MAX] = "", model[128] = "";
  int failed = 1, cancelled = 0;
  nl_scenario *sc = nl_scenario_new();
  nl_survey *sv = nl_survey_new();
  if (!sc || !sv) {
    keep(msg, NULL, "out of memory");
    goto cleanup;
  }
  nl_status st = path ? nl_scenario_load_file(sc, path) : nl_scenario_load_string(sc, text ? text : "", name);
  for (R_xlen_t i = 0; !st && i < XLENGTH(keys); i++)
    st = nl_scenario_set(sc, CHAR(STRING_ELT(keys, i)), CHAR(STRING_ELT(values, i)));
  if (!st) st = nl_scenario_validate(sc);
  if (st) {
    keep(msg, NULL, nl_scenario_errmsg(sc));
    goto cleanup;
  }
  /* the survey at the end of the run unless a period is given */
  st = nl_survey_set(sv, "period", (double)nl_scenario_periods(sc));
  for (R_xlen_t i = 0; !st && i < XLENGTH(settings); i++)
    st = nl_survey_set(sv, CHAR(STRING_ELT(snames, i)), REAL(settings)[i]);
  for (R_xlen_t i = 0; !st && i < XLENGTH(cnames); i++) {
    SEXP l = VECTOR_ELT(cloads, i);
    st = nl_survey_add_construct(sv, CHAR(STRING_ELT(cnames, i)), CHAR(STRING_ELT(cfields, i)),
                                 LOGICAL(cwindows)[i] == TRUE, REAL(l), (size_t)XLENGTH(l));
  }
  if (st) {
    keep(msg, NULL, nl_survey_errmsg(sv));
    goto cleanup;
  }
  nl_survey_set_interrupt(sv, poll_interrupt, NULL);
  double seed = REAL(iopt)[0];
  sigint_guard guard;
  sigint_catch(&guard);
  st = nl_survey_run(sv, nl_scenario_params(sc), seed >= 0 ? (uint64_t)seed : nl_scenario_seed(sc),
                     (long)REAL(iopt)[1]);
  if (!st) st = nl_survey_write_csv(sv, csv);
  cancelled = interrupted;
  sigint_release(&guard);
  if (st) {
    keep(msg, NULL, nl_survey_errmsg(sv));
    goto cleanup;
  }
  snprintf(model, sizeof model, "%s", nl_model_name(nl_scenario_model(sc)));
  failed = 0;
cleanup:
  nl_survey_free(sv);
  nl_scenario_free(sc);
  if (cancelled) R_CheckUserInterrupt();
  if (failed) errorcall(R_NilValue, "%s", msg);
  return mkString(model);
}

static const R_CallMethodDef call_methods[] = {
    {"nlr_models", (DL_FUNC)&nlr_models, 0},
    {"nlr_run", (DL_FUNC)&nlr_run, 8},
    {"nlr_pls", (DL_FUNC)&nlr_pls, 8},
    {"nlr_study", (DL_FUNC)&nlr_study, 8},
    {"nlr_calibrate", (DL_FUNC)&nlr_calibrate, 8},
    {"nlr_power", (DL_FUNC)&nlr_power, 6},
    {"nlr_sensitivity", (DL_FUNC)&nlr_sensitivity, 5},
    {"nlr_survey", (DL_FUNC)&nlr_survey, 12},
    {"nlr_set_progress", (DL_FUNC)&nlr_set_progress, 1},
    {"nlr_version", (DL_FUNC)&nlr_version, 0},
    {NULL, NULL, 0}};

#pragma GCC diagnostic pop

void R_init_netlearn(DllInfo *dll); /* called by R when it loads the package */
void R_init_netlearn(DllInfo *dll) {
  R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
  R_useDynamicSymbols(dll, FALSE);
  R_forceSymbols(dll, TRUE);
}
