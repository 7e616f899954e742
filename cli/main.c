/* netlearn: the command-line client. A thin layer over the public headers in include/netlearn. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "netlearn/status.h"

typedef struct command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *summary;
  const char *needs; /* optional components it cannot work without (nl_built_with), space-separated */
} command;

static const command commands[] = {
    {"run", nl_cmd_run, "run a scenario or a sweep: replications into a results database and tidy CSV", "yaml store"},
    {"export", nl_cmd_export, "write the tidy CSV files of a results database", "store"},
    {"summary", nl_cmd_summary, "print a compact table of a study from its results database", "store"},
    {"models", nl_cmd_models, "list the models, or every parameter and measure of one", NULL},
    {"pls", nl_cmd_pls, "estimate a PLS-SEM model on survey data", NULL},
    {"power", nl_cmd_power, "Monte Carlo power and sample size of a PLS-SEM model", NULL},
    {"plot", nl_cmd_plot, "draw figures from results: series, sweeps, networks, PLS path diagrams", "plot"},
    {"study", nl_cmd_study, "run a study: simulation, virtual survey, PLS-SEM, report", "yaml"},
    {"sensitivity", nl_cmd_sensitivity, "global sensitivity analysis of a model: Sobol' indices or Morris screening",
     "yaml store"},
    {"calibrate", nl_cmd_calibrate, "estimate a model's parameters from observed statistics (simulated moments)",
     "yaml store"},
};
static const size_t ncommands = sizeof commands / sizeof commands[0];

static void usage(FILE *f) {
  fprintf(f,
          "netlearn %s: simulation and PLS-SEM for learning in cooperation networks\n\n"
          "usage: netlearn <command> [options]\n\ncommands:\n",
          nl_version());
  for (size_t i = 0; i < ncommands; i++) fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf(f,
          "\n`netlearn <command> --help` explains each command with examples.\n"
          "Exit codes: 0 success, 1 a run failed (e.g. could not write results), 2 bad input or usage,\n"
          "3 interrupted.\n"
          "Start here:  netlearn run examples/march1991/basic.yaml -o out/basic\n");
}

/* A command that needs a component this netlearn was built without (CMake NL_WITH_PLOT,
 * NL_WITH_STORE, NL_WITH_YAML) stops before reading anything, with exit 2. */
static int built_for(const command *c) {
  static const char *const what[][3] = {{"plot", "figures (cairo)", "NL_WITH_PLOT"},
                                        {"store", "the results database (SQLite)", "NL_WITH_STORE"},
                                        {"yaml", "YAML input files (libfyaml)", "NL_WITH_YAML"}};
  for (size_t k = 0; c->needs && k < sizeof what / sizeof what[0]; k++)
    if (strstr(c->needs, what[k][0]) && !nl_built_with(what[k][0])) {
      cli_error("netlearn %s needs %s, and netlearn was built without them: rebuild with -D%s=ON", c->name,
                what[k][1], what[k][2]);
      return 0;
    }
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return NL_EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return NL_EXIT_OK;
  }
  if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
    char libs[1024];
    printf("netlearn %s\n%s", nl_version(), nl_library_versions(libs, sizeof libs));
#ifdef NL_HAVE_MPI
    printf("MPI support: yes\n");
#else
    printf("MPI support: no (built without Open MPI)\n");
#endif
    return NL_EXIT_OK;
  }
  for (size_t i = 0; i < ncommands; i++)
    if (!strcmp(argv[1], commands[i].name)) {
      int help = argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"));
      if (!help && !built_for(&commands[i])) return NL_EXIT_USAGE;
      return commands[i].fn(argc - 1, argv + 1);
    }
  cli_error("unknown command '%s' (see `netlearn --help`)", argv[1]);
  return NL_EXIT_USAGE;
}
