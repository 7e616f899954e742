#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "netlearn/scenario.h"
#include "netlearn/study.h"
#include "netlearn/experiment.h"
#include "netlearn/files.h"

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("netlearn: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void cli_warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("netlearn: warning: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* ---- Ctrl-C and SIGTERM ---------------------------------------------------------------------- */

static volatile sig_atomic_t interrupts = 0;
static struct sigaction old_int, old_term;

/* The first signal asks the command to stop cleanly; a second one exits at once (exit code 3):
 * whatever was committed is kept (SQLite's journal undoes a half-written transaction). */
static void on_interrupt(int sig) {
  (void)sig;
  if (interrupts++ > 0) {
    static const char msg[] = "\nnetlearn: interrupted again: exiting now; what was committed is kept\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    _exit(NL_EXIT_INTERRUPTED);
  }
}

void cli_catch_interrupts(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
}

void cli_release_interrupts(void) {
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
}

int cli_interrupted(void) { return interrupts > 0; }

int cli_interrupt_poll(void *user) {
  (void)user;
  return interrupts > 0;
}

int cli_prepare_dir(const char *dir) {
  char msg[1024];
  if (nl_mkdirs(dir, msg, sizeof msg) == NL_OK) return 0;
  cli_error("%s", msg);
  return -1;
}

/* The message and exit code of a failed nl_store_open or nl_store_bind (st): 2 when another
 * process writes it, it is not netlearn's or holds a different scenario (EEXIST), else 1. */
static int store_failed(nl_store *store, nl_status st, const char *outdir) {
  if (st == NL_EBUSY) {
    cli_error("another netlearn run is writing %s (its results.db is locked): wait for it to finish or choose "
              "another -o directory",
              outdir);
    return NL_EXIT_USAGE;
  }
  if (st == NL_EPARSE) {
    cli_error("%s; not touching it: move it away or choose another -o directory", nl_store_errmsg(store));
    return NL_EXIT_USAGE;
  }
  if (st == NL_EEXIST) {
    cli_error("%s; add --force-new to discard it and start over, or choose another -o directory",
              nl_store_errmsg(store));
    return NL_EXIT_USAGE;
  }
  cli_error("%s", nl_store_errmsg(store));
  return NL_EXIT_FAILURE;
}

void cli_resume_note(const char *outdir, const nl_run_dir_info *info) {
  if (info->pending < info->total)
    fprintf(stderr, "netlearn: resuming %s/results.db: %ld of %ld runs already done\n", outdir,
            info->total - info->pending, info->total);
}

int cli_run_dir_failed(nl_store *store, nl_status st, int stage, const char *input, const char *outdir) {
  const char *msg = nl_store_errmsg(store);
  switch (stage) {
  case NL_RUN_DIR_INPUT:
    cli_error("%s: %s", input, msg);
    return st == NL_ENOMEM ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
  case NL_RUN_DIR_DIRECTORY: cli_error("%s", msg); return NL_EXIT_USAGE;
  case NL_RUN_DIR_STORE: return store_failed(store, st, outdir);
  case NL_RUN_DIR_RUNS:
    if (msg[0]) cli_error("%s: %s", input, msg);
    if (st != NL_ECANCELED) return NL_EXIT_FAILURE;
    cli_error("re-run the same command to finish the remaining runs");
    return NL_EXIT_INTERRUPTED;
  default:
    if (msg[0]) cli_error("%s", msg);
    return NL_EXIT_FAILURE;
  }
}

/* A results directory stands for its results.db (`netlearn summary out/basic`). */
const char *cli_results_db(const char *arg, char *buf, size_t cap) {
  struct stat st;
  if (stat(arg, &st) != 0) {
    cli_error("%s: cannot open the database: %s", arg, strerror(errno));
    return NULL;
  }
  if (!S_ISDIR(st.st_mode)) return arg;
  if (snprintf(buf, cap, "%s/results.db", arg) >= (int)cap || stat(buf, &st) != 0 || !S_ISREG(st.st_mode)) {
    cli_error("%s: a directory without results.db: give a results database or a `netlearn run -o` directory", arg);
    return NULL;
  }
  return buf;
}

int cli_is_study_file(const char *path) {
  nl_study *s = nl_study_new();
  int ok = s && nl_study_load_file(s, path) == NL_OK;
  nl_study_free(s);
  return ok;
}

int cli_is_scenario_file(const char *path) {
  nl_scenario *sc = nl_scenario_new();
  int ok = sc && nl_scenario_load_file(sc, path) == NL_OK;
  nl_scenario_free(sc);
  return ok;
}
