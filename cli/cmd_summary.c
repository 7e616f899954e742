/* netlearn summary: a compact table of a study from its results database. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "cli.h"
#include "netlearn/experiment.h"
#include "opts.h"

static const cli_command summary_cmd = {
    "summary", "DB [options]",
    "\n"
    "Prints one line per design point of a results database (DIR/results.db of `netlearn run`):\n"
    "the swept parameters, runs done, runs at equilibrium (or mean periods), and the mean and\n"
    "95% confidence interval of the final value of the first measures.\n",
    "example:\n"
    "  netlearn summary out/figure1/results.db\n"};

int nl_cmd_summary(int argc, char **argv) {
  const char *db = NULL;
  long nmeas = 2;
  const cli_option opts[] = {
      CLI_POS(&db, "DB", .flags = CLI_REQUIRED),
      CLI_OPT("measures", 'm', CLI_LONG, &nmeas, "N", "how many measures to show (default 2)", .min = 1, .max = 64),
  };
  int rc;
  if (cli_parse(&summary_cmd, opts, CLI_NOPTS(opts), argc, argv, &rc)) return rc;
  char dbpath[4096];
  db = cli_results_db(db, dbpath, sizeof dbpath);
  if (!db) return NL_EXIT_USAGE;
  nl_store *st = NULL;
  nl_status s = nl_store_open(db, NL_STORE_READONLY, 2000, &st);
  if (!st) {
    cli_error("out of memory");
    return NL_EXIT_FAILURE;
  }
  rc = NL_EXIT_OK;
  if (s) rc = s == NL_EPARSE || s == NL_EBUSY ? NL_EXIT_USAGE : NL_EXIT_FAILURE;
  else if (nl_store_summary(st, stdout, (int)nmeas)) rc = NL_EXIT_FAILURE;
  if (rc) cli_error("%s", nl_store_errmsg(st));
  nl_store_free(st);
  return rc;
}
