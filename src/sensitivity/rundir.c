/*
 * A sensitivity analysis run into a results directory: what `netlearn sensitivity` does (the CLI,
 * the Python and R packages are clients of this file). The runs go through the experiment's run
 * pipeline (nl_experiment_run_dir: checks, results.db, resume, manifest), whose outputs step
 * writes the analysis' files in place of the run CSV files, so the manifest is written once, last,
 * and lists them.
 */
#include <string.h>

#include "core/error.h"
#include "netlearn/sensitivity.h"
#include "sensitivity/sens_impl.h"
#include "store/store_impl.h"

void nl_sensitivity_run_options_default(nl_sensitivity_run_options *o) {
  memset(o, 0, sizeof *o);
  nl_run_dir_options_default(&o->run);
}

/* The pipeline passes one user pointer to its callbacks: ours, which forwards to the caller's. */
typedef struct sens_run {
  nl_sensitivity_spec *p;
  const nl_run_dir_options *caller; /* on_start, runner and their user */
} sens_run;

static void on_start(void *user, const nl_run_dir_info *info) {
  const nl_run_dir_options *o = ((sens_run *)user)->caller;
  if (o->on_start) o->on_start(o->user, info);
}

static nl_status runner(void *user, nl_store *st, const nl_design *d, const nl_run_config *cfg, const long *pairs,
                        long n) {
  const nl_run_dir_options *o = ((sens_run *)user)->caller;
  return o->runner(o->user, st, d, cfg, pairs, n);
}

/* The pipeline's outputs step: the analysis reads the finished runs from the store and writes
 * its files; its message goes to the store, where the callers read every message. */
static nl_status write_outputs(void *user, nl_store *st, const char *dir, const char **names, size_t *n) {
  nl_sensitivity_spec *p = ((sens_run *)user)->p;
  nl_status s = nl_sensitivity_spec_collect(p, st);
  if (!s) s = nl_sensitivity_spec_write(p, dir, names, n);
  if (s) nl_err(nl_store_errbuf(st), s, "%s", nl_sensitivity_spec_errmsg(p));
  return s;
}

nl_status nl_sensitivity_run_dir(nl_sensitivity_spec *p, nl_store *st, nl_design *d, const char *dir,
                                 const nl_sensitivity_run_options *opt, nl_run_dir_info *info) {
  nl_sensitivity_run_options defopt;
  nl_run_dir_info localinfo;
  if (!opt) {
    nl_sensitivity_run_options_default(&defopt);
    opt = &defopt;
  }
  if (!info) info = &localinfo;
  memset(info, 0, sizeof *info);
  info->stage = NL_RUN_DIR_INPUT;
  if (!st) return NL_EINVAL; /* no handle to say it on */
  nl_errbuf *err = nl_store_errbuf(st);
  nl_err_clear(err);
  if (!p) return nl_err(err, NL_EINVAL, "no analysis (NULL)");
  nl_design *own = NULL;
  nl_status status = NL_OK;
  if (!d && !(d = own = nl_design_new())) return nl_err(err, NL_ENOMEM, "out of memory");

  /* The design: the analysis' rows as design points, unless the caller built it from p already
   * (the CLI does, on every MPI rank). */
  if (!nl_sens_spec_built(p, d)) {
    status = nl_sensitivity_spec_design(p, d);
    if (status) {
      nl_err(err, status, "%s", nl_sensitivity_spec_errmsg(p));
      goto cleanup;
    }
  }

  nl_run_config cfg;
  nl_run_config_from_scenario(&cfg, nl_sensitivity_spec_scenario(p));
  cfg.threads = opt->threads;
  cfg.progress = opt->progress;
  cfg.progress_user = opt->progress_user;
  cfg.interrupt = opt->interrupt;
  cfg.interrupt_user = opt->interrupt_user;
  sens_run ctx = {p, &opt->run};
  nl_run_dir_options ro = opt->run;
  ro.on_start = on_start;
  ro.runner = opt->run.runner ? runner : NULL;
  ro.outputs = write_outputs;
  ro.user = &ctx;
  status = nl_experiment_run_dir(st, d, dir, &cfg, &ro, info);
cleanup:
  if (own) nl_sens_spec_drop_design(p); /* p must not keep a design freed here */
  nl_design_free(own);
  return status;
}
