#ifndef NL_CLI_H
#define NL_CLI_H
/*
 * The netlearn command-line client: a thin layer over the public headers.
 * Each subcommand is `int nl_cmd_<name>(int argc, char **argv)` (argv[0] is the subcommand
 * name) registered in the table in main.c, and returns an exit code:
 */
#include <stdio.h>

#include "netlearn/status.h"

enum {
  NL_EXIT_OK = 0,
  NL_EXIT_FAILURE = 1, /* a run failed (I/O error while writing results, numerical failure) */
  NL_EXIT_USAGE = 2,   /* bad command line or bad input file: nothing was run */
  NL_EXIT_INTERRUPTED = 3
};

/* Print "netlearn: <message>\n" to stderr; every CLI error goes through here. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Print a warning "netlearn: warning: <message>\n" to stderr. */
void cli_warn(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* The database a command reads: arg itself, or arg/results.db when arg is a directory. NULL (after
 * cli_error) when neither exists. buf: room for the joined path. */
const char *cli_results_db(const char *arg, char *buf, size_t cap);

/* Whether path loads as a study file / as a scenario file: to name the right command when a file
 * is given to the other one. */
int cli_is_study_file(const char *path);
int cli_is_scenario_file(const char *path);

/* Ctrl-C and SIGTERM: the first asks to stop (cli_interrupted() turns true; long loops poll it
 * through cli_interrupt_poll, an nl_interrupt_fn), a second exits at once with code 3. */
void cli_catch_interrupts(void);
void cli_release_interrupts(void);
int cli_interrupted(void);
int cli_interrupt_poll(void *user);

/* mkdir -p DIR and check it is writable (nl_mkdirs). 0 on success, -1 after cli_error. */
int cli_prepare_dir(const char *dir);

typedef struct nl_store nl_store;

/* `netlearn run` and `netlearn sensitivity` on the library's run pipeline (nl_experiment_run_dir):
 * "resuming DIR/results.db: K of N runs already done" when some were; and the message and exit
 * code of a failure by the stage it stopped at (input: the scenario or analysis file named). */
typedef struct nl_run_dir_info nl_run_dir_info;
void cli_resume_note(const char *outdir, const nl_run_dir_info *info);
int cli_run_dir_failed(nl_store *store, nl_status st, int stage, const char *input, const char *outdir);

/* Subcommands. */
int nl_cmd_run(int argc, char **argv);
int nl_cmd_export(int argc, char **argv);
int nl_cmd_summary(int argc, char **argv);
int nl_cmd_models(int argc, char **argv);
int nl_cmd_pls(int argc, char **argv);
int nl_cmd_power(int argc, char **argv);
int nl_cmd_plot(int argc, char **argv);
int nl_cmd_study(int argc, char **argv);
int nl_cmd_sensitivity(int argc, char **argv);
int nl_cmd_calibrate(int argc, char **argv);

#endif
