/*
 * netlearn._netlearn: the CPython extension over libnetlearn's public C API (include/netlearn).
 * Deliberately small: it loads scenarios and PLS inputs, runs the library with the GIL released,
 * and lets the library write its own tidy CSV files into a directory the Python layer owns
 * (netlearn/__init__.py reads them into DataFrames), so Python and the CLI give the same tables.
 * Ctrl-C: while the library runs, SIGINT sets a flag the library polls (nl_run_config.interrupt,
 * the bootstrap's progress callback); the call then raises KeyboardInterrupt.
 */
#define PY_SSIZE_T_CLEAN
#define Py_LIMITED_API 0x030A0000 /* 3.10: PyUnicode_AsUTF8AndSize */
#include <Python.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlearn/netlearn.h"

static PyObject *Error;      /* netlearn.Error: any library failure */
static PyObject *InputError; /* netlearn.InputError(Error, ValueError): bad input the library rejected */

static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) {
  (void)sig;
  interrupted = 1;
}

/* SIGINT handling around one long call (only from the main thread: Python decides). */
typedef struct sigint_guard {
  int active;
  struct sigaction old;
} sigint_guard;

static void sigint_catch(sigint_guard *g, int want) {
  g->active = 0;
  interrupted = 0;
  if (!want) return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGINT, &sa, &g->old) == 0) g->active = 1;
}

static void sigint_release(sigint_guard *g) {
  if (g->active) sigaction(SIGINT, &g->old, NULL);
  g->active = 0;
}

/* Progress: a Python callable called with (done, total) under the GIL; a true result or an
 * exception cancels. */
typedef struct progress_ctx {
  PyObject *fn; /* borrowed; may be None/NULL */
  int failed;   /* the callable raised: its exception is kept */
} progress_ctx;

static int poll_interrupt(void *user) {
  (void)user;
  return interrupted;
}

static int progress_cb(void *user, long done, long total) {
  progress_ctx *c = user;
  if (interrupted) return 1;
  if (!c->fn || c->fn == Py_None || c->failed) return c->failed;
  PyGILState_STATE g = PyGILState_Ensure();
  int stop = 0;
  PyObject *r = PyObject_CallFunction(c->fn, "ll", done, total);
  if (!r) {
    c->failed = stop = 1;
  } else {
    stop = PyObject_IsTrue(r) == 1;
    Py_DECREF(r);
  }
  PyGILState_Release(g);
  return stop;
}

/* Raise the exception matching a library status with its message; returns NULL. */
static PyObject *raise_status(nl_status st, const char *msg) {
  if (st == NL_ENOMEM) return PyErr_NoMemory();
  PyObject *cls = (st == NL_EINVAL || st == NL_ERANGE || st == NL_EPARSE) ? InputError : Error;
  /* str(exception) is the library's message; .status the nl_status name ("invalid argument"). */
  PyObject *exc = PyObject_CallFunction(cls, "s", msg && *msg ? msg : nl_status_str(st));
  if (!exc) return NULL;
  PyObject *name = PyUnicode_FromString(nl_status_str(st));
  if (name && PyObject_SetAttrString(exc, "status", name) == 0) PyErr_SetObject(cls, exc);
  Py_XDECREF(name);
  Py_DECREF(exc);
  return NULL;
}

/* After a cancelled call: the progress callable's own exception, or KeyboardInterrupt. */
static PyObject *raise_cancel(const progress_ctx *c, const char *msg) {
  if (c->failed) return NULL; /* the callable's exception is set */
  if (interrupted) {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    return NULL;
  }
  return raise_status(NL_ECANCELED, msg);
}

/* ---- models() ----------------------------------------------------------------------------- */

static const char *type_name(nl_param_type t) {
  switch (t) {
  case NL_PARAM_INT: return "int";
  case NL_PARAM_REAL: return "real";
  case NL_PARAM_BOOL: return "bool";
  case NL_PARAM_CHOICE: return "choice";
  default: return "string";
  }
}

/* [(model, title, name, type, default text, min, max, choices, doc), ...] */
static PyObject *py_models(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  PyObject *out = PyList_New(0);
  if (!out) return NULL;
  for (size_t i = 0; i < nl_model_count(); i++) {
    const nl_model *m = nl_model_at(i);
    nl_params *p = nl_params_new(m);
    if (!p) {
      Py_DECREF(out);
      return PyErr_NoMemory();
    }
    for (size_t k = 0; k < nl_model_nparams(m); k++) {
      const nl_param_desc *d = nl_model_param(m, k);
      char def[256], choices[1024] = "";
      nl_params_format(p, k, def, sizeof def);
      if (d->choices)
        for (size_t c = 0; d->choices[c]; c++) {
          size_t len = strlen(choices);
          snprintf(choices + len, sizeof choices - len, "%s%s", c ? "|" : "", d->choices[c]);
        }
      int numeric = d->type == NL_PARAM_INT || d->type == NL_PARAM_REAL;
      PyObject *row = Py_BuildValue("(sssssddss)", nl_model_name(m), nl_model_title(m), d->name, type_name(d->type),
                                    def, numeric ? d->min : NAN, numeric ? d->max : NAN, choices, d->doc);
      if (!row || PyList_Append(out, row) < 0) {
        Py_XDECREF(row);
        Py_DECREF(out);
        nl_params_free(p);
        return NULL;
      }
      Py_DECREF(row);
    }
    nl_params_free(p);
  }
  return out;
}

/* [(model, name, doc), ...] of every model's measures */
static PyObject *py_measures(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  PyObject *out = PyList_New(0);
  for (size_t i = 0; out && i < nl_model_count(); i++) {
    const nl_model *m = nl_model_at(i);
    for (size_t k = 0; k < nl_model_nmeasures(m); k++) {
      const nl_measure_desc *d = nl_model_measure(m, k);
      PyObject *row = Py_BuildValue("(sss)", nl_model_name(m), d->name, d->doc);
      if (!row || PyList_Append(out, row) < 0) {
        Py_XDECREF(row);
        Py_CLEAR(out);
      } else {
        Py_DECREF(row);
      }
    }
  }
  return out;
}

/* ---- run(): a scenario (with its sweep) into a results directory ---------------------------- */

/* run(text, name, path, sets, outdir, threads, progress, catch_sigint, force_new, argv) */
static PyObject *py_run(PyObject *self, PyObject *args) {
  (void)self;
  const char *text = NULL, *name = NULL, *path = NULL, *outdir = NULL;
  PyObject *sets = NULL, *progress = NULL, *argv_list = NULL;
  int threads = 0, catch_sigint = 0, force_new = 0;
  if (!PyArg_ParseTuple(args, "zzzOsiOppO", &text, &name, &path, &sets, &outdir, &threads, &progress, &catch_sigint,
                        &force_new, &argv_list))
    return NULL;
  PyObject *result = NULL;
  nl_scenario *sc = nl_scenario_new();
  nl_design *d = nl_design_new();
  nl_store *store = nl_store_new();
  char **argv = NULL;
  Py_ssize_t argc = 0;
  if (!sc || !d || !store) {
    PyErr_NoMemory();
    goto cleanup;
  }
  nl_status st = path ? nl_scenario_load_file(sc, path) : nl_scenario_load_string(sc, text ? text : "", name);
  if (st) {
    raise_status(st, nl_scenario_errmsg(sc));
    goto cleanup;
  }
  Py_ssize_t nsets = PyList_Size(sets);
  for (Py_ssize_t i = 0; i < nsets; i++) {
    const char *key, *value;
    if (!PyArg_ParseTuple(PyList_GetItem(sets, i), "ss", &key, &value)) goto cleanup;
    st = nl_scenario_set(sc, key, value);
    if (st) {
      raise_status(st, nl_scenario_errmsg(sc));
      goto cleanup;
    }
  }
  st = nl_scenario_validate(sc);
  if (st) {
    raise_status(st, nl_scenario_errmsg(sc));
    goto cleanup;
  }
  st = nl_design_build(d, sc, 10000000L);
  if (st) {
    raise_status(st, nl_design_errmsg(d));
    goto cleanup;
  }
  argc = PyList_Size(argv_list);
  argv = calloc((size_t)argc + 1, sizeof *argv);
  if (!argv) {
    PyErr_NoMemory();
    goto cleanup;
  }
  for (Py_ssize_t i = 0; i < argc; i++) {
    PyObject *s = PyList_GetItem(argv_list, i);
    const char *a = s ? PyUnicode_AsUTF8AndSize(s, NULL) : NULL;
    if (!a) goto cleanup;
    argv[i] = (char *)a; /* borrowed from the list, which outlives the call */
  }
  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, sc);
  cfg.threads = threads;
  progress_ctx pc = {progress, 0};
  cfg.progress = progress_cb;
  cfg.progress_user = &pc;
  cfg.interrupt = poll_interrupt;
  sigint_guard guard;
  sigint_catch(&guard, catch_sigint);
  Py_BEGIN_ALLOW_THREADS
  nl_run_dir_options ro;
  nl_run_dir_options_default(&ro);
  ro.flags = force_new ? NL_STORE_RESET : 0;
  ro.argc = (int)argc;
  ro.argv = argv;
  st = nl_experiment_run_dir(store, d, outdir, &cfg, &ro, NULL);
  Py_END_ALLOW_THREADS
  sigint_release(&guard);
  if (st == NL_ECANCELED) {
    raise_cancel(&pc, nl_store_errmsg(store));
    goto cleanup;
  }
  if (st) {
    raise_status(st, nl_store_errmsg(store));
    goto cleanup;
  }
  result = Py_BuildValue("(ssnn)", nl_model_name(nl_scenario_model(sc)), nl_design_key(d, 0),
                         (Py_ssize_t)nl_design_npoints(d), (Py_ssize_t)nl_design_nswept(d));
cleanup:
  free(argv);
  nl_store_free(store);
  nl_design_free(d);
  nl_scenario_free(sc);
  return result;
}

/* ---- pls(): estimate (and bootstrap) a model on a column-major matrix ------------------------ */

/* Report text from nl_pls_write_report, through a memory stream. NULL with an exception set. */
static PyObject *report_text(nl_pls *p, const char *title) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return PyErr_NoMemory();
  nl_status st = nl_pls_write_report(p, title, f);
  fclose(f);
  PyObject *out = st ? raise_status(st, nl_pls_errmsg(p)) : PyUnicode_FromStringAndSize(buf, (Py_ssize_t)len);
  free(buf);
  return out;
}

/* pls(model_text, source, names, data_bytes, nrow, outdir, title,
 *     scheme, missing, consistent, max_iter, tol, has_na, na_code, interaction,
 *     nboot, seed, threads, ci, alpha, progress, catch_sigint) -> (report, converged) */
static PyObject *py_pls(PyObject *self, PyObject *args) {
  (void)self;
  const char *text, *source, *outdir, *title;
  PyObject *names_list, *data, *progress;
  Py_ssize_t nrow;
  int scheme, missing, consistent, max_iter, has_na, interaction, threads, ci, catch_sigint;
  double tol, na_code, alpha;
  Py_ssize_t nboot;
  unsigned long long seed;
  if (!PyArg_ParseTuple(args, "ssOSnssiiiidpdinKiidOp", &text, &source, &names_list, &data, &nrow, &outdir, &title,
                        &scheme, &missing, &consistent, &max_iter, &tol, &has_na, &na_code, &interaction, &nboot,
                        &seed, &threads, &ci, &alpha, &progress, &catch_sigint))
    return NULL;
  PyObject *result = NULL, *report = NULL;
  nl_pls_model *m = NULL;
  nl_pls_data *dat = NULL;
  nl_pls *p = NULL;
  const char **names = NULL;
  Py_ssize_t ncol = PyList_Size(names_list);
  char *bytes = NULL;
  Py_ssize_t nbytes = 0;
  if (ncol < 0 || PyBytes_AsStringAndSize(data, &bytes, &nbytes) < 0) goto cleanup;
  if (nbytes != (Py_ssize_t)sizeof(double) * nrow * ncol) {
    PyErr_SetString(PyExc_ValueError, "data buffer does not hold nrow x ncol doubles");
    goto cleanup;
  }
  names = calloc((size_t)ncol + 1, sizeof *names);
  if (!names) {
    PyErr_NoMemory();
    goto cleanup;
  }
  for (Py_ssize_t j = 0; j < ncol; j++)
    if (!(names[j] = PyUnicode_AsUTF8AndSize(PyList_GetItem(names_list, j), NULL))) goto cleanup;

  nl_status st = nl_pls_model_parse(text, source, &m);
  if (st) {
    raise_status(st, m ? nl_pls_model_errmsg(m) : NULL);
    goto cleanup;
  }
  st = nl_pls_data_from_matrix((const double *)bytes, (size_t)nrow, (size_t)ncol, names, &dat);
  if (st) {
    raise_status(st, dat ? nl_pls_data_errmsg(dat) : NULL);
    goto cleanup;
  }
  nl_pls_options opt;
  nl_pls_options_default(&opt);
  opt.scheme = (nl_pls_scheme)scheme;
  opt.missing = (nl_pls_missing)missing;
  opt.consistent = consistent;
  opt.max_iter = max_iter;
  opt.tol = tol;
  opt.has_na_code = has_na;
  opt.na_code = na_code;
  opt.interaction = (nl_pls_interaction)interaction;
  st = nl_pls_prepare(m, dat, &opt, &p);
  if (st) {
    raise_status(st, p ? nl_pls_errmsg(p) : NULL);
    goto cleanup;
  }
  progress_ctx pc = {progress, 0};
  sigint_guard guard;
  sigint_catch(&guard, catch_sigint);
  Py_BEGIN_ALLOW_THREADS
  st = nl_pls_estimate(p);
  if ((st == NL_OK || st == NL_ECONVERGE) && nboot > 0 && !interrupted) {
    nl_pls_boot_options bo;
    nl_pls_boot_options_default(&bo);
    bo.nboot = (size_t)nboot;
    bo.seed = seed;
    bo.threads = threads;
    bo.ci = (nl_pls_ci)ci;
    bo.alpha = alpha;
    bo.progress = progress_cb;
    bo.progress_user = &pc;
    nl_status bs = nl_pls_bootstrap(p, &bo);
    if (bs) st = bs;
  }
  if (interrupted && !st) st = NL_ECANCELED;
  if (st == NL_OK || st == NL_ECONVERGE) {
    nl_status ws = nl_pls_write_csv(p, outdir);
    if (ws) st = ws;
  }
  Py_END_ALLOW_THREADS
  sigint_release(&guard);
  if (st == NL_ECANCELED) {
    raise_cancel(&pc, nl_pls_errmsg(p));
    goto cleanup;
  }
  if (st && st != NL_ECONVERGE) {
    raise_status(st, nl_pls_errmsg(p));
    goto cleanup;
  }
  report = report_text(p, title);
  if (!report) goto cleanup;
  result = Py_BuildValue("(Oi)", report, nl_pls_converged(p));
cleanup:
  Py_XDECREF(report);
  free(names);
  nl_pls_free(p);
  nl_pls_data_free(dat);
  nl_pls_model_free(m);
  return result;
}

/* ---- study(), calibrate(), power(): a file's analysis into a directory ------------------------ */

/* argv for manifests: borrowed UTF-8 strings of a Python list (which outlives the call), in a
 * new array the caller frees. NULL with an exception set. */
static char **argv_of(PyObject *list, int *argc) {
  Py_ssize_t n = PyList_Size(list);
  if (n < 0) return NULL;
  char **argv = calloc((size_t)n + 1, sizeof *argv);
  if (!argv) {
    PyErr_NoMemory();
    return NULL;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    const char *a = PyUnicode_AsUTF8AndSize(PyList_GetItem(list, i), NULL);
    if (!a) {
      free(argv);
      return NULL;
    }
    argv[i] = (char *)a;
  }
  *argc = (int)n;
  return argv;
}

/* calibrate's progress has the best objective as a fourth argument */
static int calib_progress_cb(void *user, long done, long total, double best) {
  (void)best;
  return progress_cb(user, done, total);
}

/* A study or a calibration: both load a YAML file or string, take `set` overrides and run into a
 * directory; `calib` chooses the handle. */
static PyObject *run_analysis(PyObject *args, int calib) {
  const char *text, *name, *path, *outdir;
  PyObject *sets, *progress, *argv_list;
  int threads, catch_sigint, report;
  if (!PyArg_ParseTuple(args, "zzzOsiOpOp", &text, &name, &path, &sets, &outdir, &threads, &progress, &catch_sigint,
                        &argv_list, &report))
    return NULL;
  PyObject *result = NULL;
  char **argv = NULL;
  int argc = 0;
  nl_study *s = calib ? NULL : nl_study_new();
  nl_calib *c = calib ? nl_calib_new() : NULL;
#define EITHER(study_call, calib_call) (calib ? (calib_call) : (study_call))
  if (!s && !c) return PyErr_NoMemory();
  nl_status st = path ? EITHER(nl_study_load_file(s, path), nl_calib_load_file(c, path))
                      : EITHER(nl_study_load_string(s, text ? text : "", name),
                               nl_calib_load_string(c, text ? text : "", name));
  Py_ssize_t nsets = PyList_Size(sets);
  for (Py_ssize_t i = 0; !st && i < nsets; i++) {
    const char *key, *value;
    if (!PyArg_ParseTuple(PyList_GetItem(sets, i), "ss", &key, &value)) goto cleanup;
    st = EITHER(nl_study_set(s, key, value), nl_calib_set(c, key, value));
  }
  if (st) {
    raise_status(st, EITHER(nl_study_errmsg(s), nl_calib_errmsg(c)));
    goto cleanup;
  }
  if (!(argv = argv_of(argv_list, &argc))) goto cleanup;
  progress_ctx pc = {progress, 0};
  nl_study_config scfg;
  nl_calib_config ccfg;
  nl_study_config_default(&scfg);
  nl_calib_config_default(&ccfg);
  scfg.threads = ccfg.threads = threads;
  scfg.progress = progress_cb;
  ccfg.progress = calib_progress_cb;
  ccfg.interrupt = poll_interrupt; /* Ctrl-C stops inside an evaluation too */
  scfg.progress_user = ccfg.progress_user = &pc;
  scfg.argc = ccfg.argc = argc;
  scfg.argv = ccfg.argv = argv;
  scfg.report = ccfg.report = report;
  sigint_guard guard;
  sigint_catch(&guard, catch_sigint);
  Py_BEGIN_ALLOW_THREADS
  st = EITHER(nl_study_run(s, outdir, &scfg), nl_calib_run(c, outdir, &ccfg));
  Py_END_ALLOW_THREADS
  sigint_release(&guard);
  const char *msg = EITHER(nl_study_errmsg(s), nl_calib_errmsg(c));
  if (st == NL_ECANCELED) raise_cancel(&pc, msg);
  else if (st) raise_status(st, msg);
  else if (calib) result = PyUnicode_FromString(nl_calib_identification(c) ? nl_calib_identification(c) : "");
  else result = PyUnicode_FromString(nl_study_name(s));
#undef EITHER
cleanup:
  free(argv);
  nl_study_free(s);
  nl_calib_free(c);
  return result;
}

/* study(text, name, path, sets, outdir, threads, progress, catch_sigint, argv, report) -> name */
static PyObject *py_study(PyObject *self, PyObject *args) {
  (void)self;
  return run_analysis(args, 0);
}

/* calibrate(the same) -> the identification check in words */
static PyObject *py_calibrate(PyObject *self, PyObject *args) {
  (void)self;
  return run_analysis(args, 1);
}

/* power(text, source, sizes, outdir, population, likert, reps, nboot, test, alpha, tails, consistent,
 *       seed, threads, progress, catch_sigint) */
static PyObject *py_power(PyObject *self, PyObject *args) {
  (void)self;
  const char *text, *source, *outdir;
  PyObject *sizes, *progress;
  int population, likert, test, tails, consistent, threads, catch_sigint;
  Py_ssize_t reps, nboot;
  double alpha;
  unsigned long long seed;
  if (!PyArg_ParseTuple(args, "ssOsiinnidiiKiOp", &text, &source, &sizes, &outdir, &population, &likert, &reps,
                        &nboot, &test, &alpha, &tails, &consistent, &seed, &threads, &progress, &catch_sigint))
    return NULL;
  PyObject *result = NULL;
  nl_power *pw = NULL;
  Py_ssize_t nn = PyList_Size(sizes);
  size_t *n = nn > 0 ? calloc((size_t)nn, sizeof *n) : NULL;
  if (nn > 0 && !n) return PyErr_NoMemory();
  for (Py_ssize_t i = 0; i < nn; i++) {
    n[i] = PyLong_AsSize_t(PyList_GetItem(sizes, i));
    if (PyErr_Occurred()) goto cleanup;
  }
  progress_ctx pc = {progress, 0};
  nl_power_options opt;
  nl_power_options_default(&opt);
  opt.population = (nl_power_population)population;
  opt.likert = likert;
  opt.reps = (size_t)reps;
  opt.nboot = (size_t)nboot;
  opt.test = (nl_power_test)test;
  opt.alpha = alpha;
  opt.tails = tails;
  opt.consistent = consistent;
  opt.seed = seed;
  opt.threads = threads;
  opt.progress = progress_cb;
  opt.progress_user = &pc;
  nl_status st = nl_power_parse(text, source, &opt, &pw);
  if (st) {
    raise_status(st, pw ? nl_power_errmsg(pw) : NULL);
    goto cleanup;
  }
  sigint_guard guard;
  sigint_catch(&guard, catch_sigint);
  Py_BEGIN_ALLOW_THREADS
  st = nl_power_run(pw, n, (size_t)nn);
  if (!st) st = nl_power_write(pw, outdir);
  Py_END_ALLOW_THREADS
  sigint_release(&guard);
  if (st == NL_ECANCELED) raise_cancel(&pc, nl_power_errmsg(pw));
  else if (st) raise_status(st, nl_power_errmsg(pw));
  else result = Py_BuildValue("(nn)", (Py_ssize_t)nl_power_failed(pw), (Py_ssize_t)nl_power_nonconverged(pw));
cleanup:
  free(n);
  nl_power_free(pw);
  return result;
}

/* sensitivity(text, name, path, outdir, threads, progress, catch_sigint, argv): the analysis through
 * nl_sensitivity_run_dir (resumable in outdir/results.db), which writes what `netlearn sensitivity`
 * writes. */
static PyObject *py_sensitivity(PyObject *self, PyObject *args) {
  (void)self;
  const char *text, *name, *path, *outdir;
  PyObject *progress, *argv_list;
  int threads, catch_sigint;
  if (!PyArg_ParseTuple(args, "zzzsiOpO", &text, &name, &path, &outdir, &threads, &progress, &catch_sigint,
                        &argv_list))
    return NULL;
  PyObject *result = NULL;
  char **argv = NULL;
  int argc = 0;
  nl_sensitivity_spec *p = nl_sensitivity_spec_new();
  nl_store *store = nl_store_new();
  if (!p || !store) {
    PyErr_NoMemory();
    goto cleanup;
  }
  nl_status st = path ? nl_sensitivity_spec_load_file(p, path) : nl_sensitivity_spec_load_string(p, text ? text : "", name);
  if (st) {
    raise_status(st, nl_sensitivity_spec_errmsg(p));
    goto cleanup;
  }
  if (!(argv = argv_of(argv_list, &argc))) goto cleanup;
  progress_ctx pc = {progress, 0};
  nl_sensitivity_run_options so;
  nl_sensitivity_run_options_default(&so);
  so.threads = threads;
  so.progress = progress_cb;
  so.progress_user = &pc;
  so.interrupt = poll_interrupt;
  so.run.argc = argc;
  so.run.argv = argv;
  sigint_guard guard;
  sigint_catch(&guard, catch_sigint);
  Py_BEGIN_ALLOW_THREADS
  st = nl_sensitivity_run_dir(p, store, NULL, outdir, &so, NULL);
  Py_END_ALLOW_THREADS
  sigint_release(&guard);
  if (st == NL_ECANCELED) raise_cancel(&pc, nl_store_errmsg(store));
  else if (st) raise_status(st, nl_store_errmsg(store));
  else result = PyUnicode_FromString(nl_sensitivity_spec_name(p));
cleanup:
  free(argv);
  nl_store_free(store);
  nl_sensitivity_spec_free(p);
  return result;
}

/* ---- survey(): one replication of a scenario surveyed (netlearn/survey.h) --------------------- */

/* survey(text, name, path, sets, constructs [(name, fields|None, window, [loadings])],
 *        settings [(key, value)], seed (-1: the scenario's), replication, csv path, catch_sigint) */
static PyObject *py_survey(PyObject *self, PyObject *args) {
  (void)self;
  const char *text = NULL, *name = NULL, *path = NULL, *csv = NULL;
  PyObject *sets = NULL, *cons = NULL, *settings = NULL;
  long long seed = -1;
  long replication = 0;
  int catch_sigint = 0;
  if (!PyArg_ParseTuple(args, "zzzOOOLlsp", &text, &name, &path, &sets, &cons, &settings, &seed, &replication, &csv,
                        &catch_sigint))
    return NULL;
  PyObject *result = NULL;
  nl_scenario *sc = nl_scenario_new();
  nl_survey *sv = nl_survey_new();
  if (!sc || !sv) {
    PyErr_NoMemory();
    goto cleanup;
  }
  nl_status st = path ? nl_scenario_load_file(sc, path) : nl_scenario_load_string(sc, text ? text : "", name);
  for (Py_ssize_t i = 0; !st && i < PyList_Size(sets); i++) {
    const char *key, *value;
    if (!PyArg_ParseTuple(PyList_GetItem(sets, i), "ss", &key, &value)) goto cleanup;
    st = nl_scenario_set(sc, key, value);
  }
  if (!st) st = nl_scenario_validate(sc);
  if (st) {
    raise_status(st, nl_scenario_errmsg(sc));
    goto cleanup;
  }
  /* the survey at the end of the run unless a period is given */
  st = nl_survey_set(sv, "period", (double)nl_scenario_periods(sc));
  for (Py_ssize_t i = 0; !st && i < PyList_Size(settings); i++) {
    const char *key;
    double v;
    if (!PyArg_ParseTuple(PyList_GetItem(settings, i), "sd", &key, &v)) goto cleanup;
    st = nl_survey_set(sv, key, v);
  }
  for (Py_ssize_t i = 0; !st && i < PyList_Size(cons); i++) {
    const char *cname, *fields;
    int window;
    PyObject *loads;
    if (!PyArg_ParseTuple(PyList_GetItem(cons, i), "szpO", &cname, &fields, &window, &loads)) goto cleanup;
    Py_ssize_t n = PyList_Size(loads);
    double *l = n > 0 ? PyMem_Malloc((size_t)n * sizeof *l) : NULL;
    if (n > 0 && !l) {
      PyErr_NoMemory();
      goto cleanup;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
      l[k] = PyFloat_AsDouble(PyList_GetItem(loads, k));
      if (PyErr_Occurred()) {
        PyMem_Free(l);
        goto cleanup;
      }
    }
    st = nl_survey_add_construct(sv, cname, fields, window, l, n > 0 ? (size_t)n : 0);
    PyMem_Free(l);
  }
  if (st) {
    raise_status(st, nl_survey_errmsg(sv));
    goto cleanup;
  }
  nl_survey_set_interrupt(sv, poll_interrupt, NULL);
  uint64_t sd = seed >= 0 ? (uint64_t)seed : nl_scenario_seed(sc);
  sigint_guard guard;
  sigint_catch(&guard, catch_sigint);
  Py_BEGIN_ALLOW_THREADS
  st = nl_survey_run(sv, nl_scenario_params(sc), sd, replication);
  if (!st) st = nl_survey_write_csv(sv, csv);
  Py_END_ALLOW_THREADS
  sigint_release(&guard);
  if (st == NL_ECANCELED && interrupted) {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
    goto cleanup;
  }
  if (st) {
    raise_status(st, nl_survey_errmsg(sv));
    goto cleanup;
  }
  result = Py_BuildValue("s", nl_model_name(nl_scenario_model(sc)));
cleanup:
  nl_survey_free(sv);
  nl_scenario_free(sc);
  return result;
}

static PyObject *py_version(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  return PyUnicode_FromString(nl_version());
}

static PyMethodDef methods[] = {
    {"models", py_models, METH_NOARGS, "Parameter table of every model."},
    {"measures", py_measures, METH_NOARGS, "Measure table of every model."},
    {"run", py_run, METH_VARARGS, "Run a scenario into a results directory (internal; use netlearn.run)."},
    {"pls", py_pls, METH_VARARGS, "Estimate a PLS model into a directory (internal; use netlearn.pls)."},
    {"study", py_study, METH_VARARGS, "Run a study into a directory (internal; use netlearn.study)."},
    {"calibrate", py_calibrate, METH_VARARGS, "Calibrate into a directory (internal; use netlearn.calibrate)."},
    {"power", py_power, METH_VARARGS, "Power analysis into a directory (internal; use netlearn.power)."},
    {"sensitivity", py_sensitivity, METH_VARARGS, "Sensitivity analysis into a directory (internal)."},
    {"survey", py_survey, METH_VARARGS, "Survey one replication into a CSV file (internal; use netlearn.survey)."},
    {"version", py_version, METH_NOARGS, "libnetlearn's version."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "netlearn._netlearn", NULL, -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__netlearn(void); /* called by Python on import */
PyMODINIT_FUNC PyInit__netlearn(void) {
  PyObject *mod = PyModule_Create(&module);
  if (!mod) return NULL;
  Error = PyErr_NewExceptionWithDoc("netlearn.Error", "A failure reported by libnetlearn (args: message, status).",
                                    NULL, NULL);
  PyObject *bases = Error ? PyTuple_Pack(2, Error, PyExc_ValueError) : NULL;
  InputError = bases ? PyErr_NewExceptionWithDoc("netlearn.InputError",
                                                 "Input libnetlearn rejected (malformed text, unknown name, value "
                                                 "out of range): both a netlearn.Error and a ValueError.",
                                                 bases, NULL)
                     : NULL;
  Py_XDECREF(bases);
  if (!InputError || PyModule_AddObject(mod, "Error", Error) < 0) {
    Py_DECREF(mod);
    return NULL;
  }
  Py_INCREF(Error);
  if (PyModule_AddObject(mod, "InputError", InputError) < 0) {
    Py_DECREF(mod);
    return NULL;
  }
  Py_INCREF(InputError);
  return mod;
}
