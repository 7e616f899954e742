/* A design run into a results directory, as `netlearn run` does it in one process: the entry
 * point of the Python and R packages, which have no command line of their own. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "netlearn/experiment.h"
#include "store/store_impl.h"

#define RUNDIR_LOCK_WAIT_MS 2000

static int join_path(char *buf, size_t cap, const char *dir, const char *name) {
  return snprintf(buf, cap, "%s/%s", dir, name) < (int)cap ? 0 : -1;
}

nl_status nl_experiment_run_dir(nl_store *st, const nl_design *d, const char *dir, const nl_run_config *cfg,
                                int flags, int argc, char *const *argv) {
  /* Outputs an earlier run may have left: the manifest first, so the directory stops counting as
   * complete before anything else changes. */
  static const char *const outputs_old[] = {"manifest.json", "series.csv", "summary.csv", "final.csv", "points.csv"};
  nl_errbuf *err = nl_store_errbuf(st);
  char path[4096];
  long *pairs = NULL, npending = 0, total = 0;
  nl_status status = NL_OK;
  if (!dir || !*dir || join_path(path, sizeof path, dir, "results.db")) {
    status = nl_err(err, NL_EINVAL, "results directory: empty or too long a path");
    goto cleanup;
  }
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    status = nl_err(err, NL_EIO, "%s: cannot create the results directory: %s", dir, strerror(errno));
    goto cleanup;
  }
  status = nl_store_open(st, path, NL_STORE_CREATE | (flags & NL_STORE_RESET), RUNDIR_LOCK_WAIT_MS);
  if (status) goto cleanup;
  status = nl_store_bind(st, d, argc, argv, cfg->threads, 1);
  if (status) goto cleanup;
  status = nl_store_pending(st, &pairs, &npending, &total);
  if (status) goto cleanup;
  for (size_t i = 0; i < sizeof outputs_old / sizeof outputs_old[0]; i++)
    if (!join_path(path, sizeof path, dir, outputs_old[i])) remove(path);
  status = nl_experiment_run(st, d, cfg, pairs, npending);
  if (status) {
    nl_store_finish(st); /* the finished runs stay committed; the error message is kept */
    goto cleanup;
  }
  const char *names[8], *outputs[9];
  size_t nnames = 0;
  status = nl_store_finish(st);
  if (!status) status = nl_store_export(st, dir, names, &nnames);
  if (status) goto cleanup;
  outputs[0] = "results.db";
  for (size_t i = 0; i < nnames && i < 8; i++) outputs[i + 1] = names[i];
  if (join_path(path, sizeof path, dir, "manifest.json")) {
    status = nl_err(err, NL_EINVAL, "%s: path too long", dir);
    goto cleanup;
  }
  status = nl_store_write_manifest(st, path, d, argc, argv, outputs, nnames + 1);
cleanup:
  free(pairs);
  return status;
}
