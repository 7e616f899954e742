/* netlearn summary: a compact table of a study from its results database. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "netlearn/experiment.h"

static void summary_help(FILE *f) {
  fputs("usage: netlearn summary DB [options]\n"
        "\n"
        "Prints one line per design point of a results database (DIR/results.db of `netlearn run`):\n"
        "the swept parameters, runs done, runs at equilibrium (or mean periods), and the mean and\n"
        "95% confidence interval of the final value of the first measures.\n"
        "\n"
        "options:\n"
        "  -m, --measures N   how many measures to show (default 2)\n"
        "  -h, --help         this help\n"
        "\n"
        "example:\n"
        "  netlearn summary out/figure1/results.db\n",
        f);
}

int nl_cmd_summary(int argc, char **argv) {
  const char *db = NULL;
  long nmeas = 2;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      summary_help(stdout);
      return NL_EXIT_OK;
    } else if (!strcmp(a, "-m") || !strcmp(a, "--measures")) {
      if (i + 1 >= argc) {
        cli_error("option %s needs a value (see `netlearn summary --help`)", a);
        return NL_EXIT_USAGE;
      }
      if (cli_parse_long(a, argv[++i], 1, 64, &nmeas)) return NL_EXIT_USAGE;
    } else if (a[0] == '-' && a[1] != '\0') {
      cli_error("unknown option '%s' (see `netlearn summary --help`)", a);
      return NL_EXIT_USAGE;
    } else if (!db) {
      db = a;
    } else {
      cli_error("unexpected argument '%s': one database at a time", a);
      return NL_EXIT_USAGE;
    }
  }
  if (!db) {
    cli_error("missing database (usage: netlearn summary DB)");
    return NL_EXIT_USAGE;
  }
  char dbpath[4096];
  db = cli_results_db(db, dbpath, sizeof dbpath);
  if (!db) return NL_EXIT_USAGE;
  nl_store *st = nl_store_new();
  if (!st) {
    cli_error("out of memory");
    return NL_EXIT_FAILURE;
  }
  int rc = NL_EXIT_OK;
  nl_status s = nl_store_open(st, db, NL_STORE_READONLY, 2000);
  if (s) rc = s == NL_EPARSE || s == NL_EBUSY ? NL_EXIT_USAGE : NL_EXIT_FAILURE;
  else if (nl_store_summary(st, stdout, (int)nmeas)) rc = NL_EXIT_FAILURE;
  if (rc) cli_error("%s", nl_store_errmsg(st));
  nl_store_free(st);
  return rc;
}
