#ifndef NL_CLI_PROGRESS_H
#define NL_CLI_PROGRESS_H
/* A progress bar on stderr: done/total, rate and ETA; drawn only when stderr is a terminal. */
typedef struct cli_progress {
  int enabled;
  double start;
  double last_draw;
  const char *unit; /* "replications", "runs", "resamples" */
} cli_progress;

void cli_progress_init(cli_progress *p, const char *unit, int quiet);
/* nl_progress_fn-compatible callback (user = cli_progress*). Never cancels. */
int cli_progress_update(void *user, long done, long total);
/* The same, but asks the library to stop once Ctrl-C was pressed (cli_catch_interrupts). */
int cli_progress_or_stop(void *user, long done, long total);
/* The same bar followed by `note` (e.g. "  best Q 3.2"). */
void cli_progress_note(cli_progress *p, long done, long total, const char *note);
void cli_progress_finish(cli_progress *p);
/* Wall-clock seconds (monotonic). */
double cli_now(void);
#endif
