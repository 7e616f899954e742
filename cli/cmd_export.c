/* netlearn export: the tidy CSV files of a results database. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "cli.h"
#include "netlearn/experiment.h"
#include "opts.h"

static const cli_command export_cmd = {
    "export", "DB -o DIR",
    "\n"
    "Writes the tidy CSV files of a results database (DIR/results.db of `netlearn run`), e.g.\n"
    "after a study was extended, or to get CSVs of a study another machine ran.\n",
    "files (sweeps add a `point` column and one column per swept parameter):\n"
    "  series.csv   replication,period,measure,value (when the study stores series)\n"
    "  summary.csv  period,measure,n,mean,sd,ci_low,ci_high per design point (95% t interval;\n"
    "               period NA: the final state, when the study stores no series)\n"
    "  final.csv    replication,periods,equilibrium,<measures>\n"
    "  points.csv   sweeps: design points, their hash and runs done\n"
    "\n"
    "example:\n"
    "  netlearn export out/figure1/results.db -o out/figure1-csv\n"};

int nl_cmd_export(int argc, char **argv) {
  const char *db = NULL, *outdir = NULL;
  const cli_option opts[] = {
      CLI_POS(&db, "DB", .flags = CLI_REQUIRED),
      CLI_OPT("output", 'o', CLI_STRING, &outdir, "DIR", "directory for the CSV files (created if needed)",
              .flags = CLI_REQUIRED),
  };
  int rc;
  if (cli_parse(&export_cmd, opts, CLI_NOPTS(opts), argc, argv, &rc)) return rc;
  char dbpath[4096];
  db = cli_results_db(db, dbpath, sizeof dbpath);
  if (!db) return NL_EXIT_USAGE;
  if (cli_prepare_dir(outdir)) return NL_EXIT_USAGE;
  nl_store *st = NULL;
  nl_status s = nl_store_open(db, NL_STORE_READONLY, 2000, &st);
  if (!st) {
    cli_error("out of memory");
    return NL_EXIT_FAILURE;
  }
  rc = NL_EXIT_OK;
  const char *names[8];
  size_t n = 0;
  if (s) rc = s == NL_EPARSE || s == NL_EBUSY ? NL_EXIT_USAGE : NL_EXIT_FAILURE;
  else if (nl_store_export(st, outdir, names, &n)) rc = NL_EXIT_FAILURE;
  if (rc) cli_error("%s", nl_store_errmsg(st));
  else
    for (size_t i = 0; i < n; i++) printf("%s/%s\n", outdir, names[i]);
  nl_store_free(st);
  return rc;
}
