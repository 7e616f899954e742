#ifndef NL_CLI_OPTS_H
#define NL_CLI_OPTS_H
/*
 * One option parser for every command: a command declares its options in a table (long and short
 * name, kind of argument, destination, help line) and cli_parse fills the destinations, prints the
 * help made from the same table, and reports every mistake the same way, naming the option and
 * what it expects:
 *   netlearn: run: unknown option '--bogus' (see `netlearn run --help`)
 *   netlearn: run: --threads: missing value: expected an integer in [1, 4096]
 *   netlearn: run: --threads: expected an integer in [1, 4096], got 'x'
 *   netlearn: run: SCENARIO.yaml is required (usage: netlearn run SCENARIO.yaml -o DIR [options])
 * Values are given as `--name VALUE` or `--name=VALUE` (short options: `-o VALUE`); `--` ends the
 * options. -h and --help are added to every table.
 */
#include <stddef.h>
#include <stdio.h>

typedef enum cli_kind {
  CLI_FLAG,     /* no value: *(int *)dest = 1 */
  CLI_FLAG_OFF, /* no value: *(int *)dest = 0 (--no-labels beside --labels) */
  CLI_STRING,   /* *(const char **)dest = the value (borrowed from argv) */
  CLI_LONG,     /* *(long *)dest, within [min, max] */
  CLI_U64,      /* *(unsigned long long *)dest */
  CLI_DOUBLE,   /* *(double *)dest, within [min, max] (open ends with CLI_OPEN_LO/HI) */
  CLI_CHOICE,   /* *(int *)dest = values[k] for the value choices[k] (values NULL: k) */
  CLI_LIST,     /* repeatable: appended to *(cli_list *)dest; with CLI_KEYVALUE each is NAME=VALUE */
  CLI_LONGS,    /* comma-separated integers within [min, max] into *(cli_longs *)dest */
  CLI_PAIR,     /* two numbers LO<sep>HI with LO < HI into (double *)dest[0..1] */
  CLI_CUSTOM,   /* parse(value, dest, expected, cap): 0, or -1 with what was expected written */
  CLI_POSITIONAL, /* *(const char **)dest = the next positional argument */
  CLI_SECTION   /* a heading in the help (help is its text); no option */
} cli_kind;

enum {
  CLI_REQUIRED = 1, /* the option (or positional) must be given */
  CLI_OPTIONAL_VALUE = 2, /* CLI_CUSTOM: `--name` alone is allowed (parse gets NULL); a following
                             argument is its value unless it starts with '-' */
  CLI_KEYVALUE = 4, /* CLI_LIST: every value is NAME=VALUE (metavar says which) */
  CLI_OPEN_LO = 8,  /* CLI_DOUBLE: min itself is not allowed */
  CLI_OPEN_HI = 16, /* CLI_DOUBLE: max itself is not allowed */
  CLI_HIDDEN = 32   /* accepted but not shown in the help (an alias) */
};

#define CLI_LIST_MAX 256
typedef struct cli_list {
  const char *item[CLI_LIST_MAX];
  size_t n;
} cli_list;

typedef struct cli_longs {
  long v[CLI_LIST_MAX];
  size_t n;
} cli_longs;

typedef int (*cli_parse_fn)(const char *value, void *dest, char *expected, size_t cap);

typedef struct cli_option {
  const char *name;    /* long name without the dashes ("output"); positionals: NULL */
  char short_name;     /* 'o', or 0 */
  cli_kind kind;
  void *dest;
  const char *metavar; /* "DIR", "N", ...: in the help and in messages */
  const char *help;    /* the help text; '\n' starts a continuation line */
  int flags;           /* CLI_REQUIRED, ... */
  double min, max;     /* CLI_LONG, CLI_DOUBLE (both 0: any number) */
  const char *const *choices; /* CLI_CHOICE: NULL-terminated */
  const int *values;   /* CLI_CHOICE: the value of each choice (NULL: its index) */
  cli_parse_fn parse;  /* CLI_CUSTOM */
  char sep;            /* CLI_PAIR: the separator (',' or ':') */
  const char *expect;  /* what a value must be, in messages (NULL: said from the kind) */
  int *given;          /* may be NULL: set to 1 when the option is given */
} cli_option;

typedef struct cli_command {
  const char *name;  /* "run" */
  const char *usage; /* "SCENARIO.yaml -o DIR [options]" */
  const char *intro; /* the help between the usage line and the options (teaching text): starts
                        with "\n" (or a second usage line) */
  const char *outro; /* the help after the options (outputs, examples, exit codes); may be NULL */
} cli_command;

/* Parse argv[1..argc) (argv[0] is the command's name) by the table opts[0..n). Returns 0 when the
 * command should go on; otherwise the command returns *exit_code: 0 after the help was printed on
 * stdout, 2 (NL_EXIT_USAGE) after a message on stderr. */
int cli_parse(const cli_command *cmd, const cli_option *opts, size_t n, int argc, char **argv, int *exit_code);

/* The help of cmd on f: usage, intro, the options from the table, outro. */
void cli_help(const cli_command *cmd, const cli_option *opts, size_t n, FILE *f);

/* "netlearn: <command>: <message>" for a mistake found after parsing (a combination of options). */
void cli_usage_error(const cli_command *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Table rows: CLI_OPT("threads", 't', CLI_LONG, &threads, "N", "help", .min = 1, .max = 4096). */
#define CLI_OPT(l, s, k, d, m, h, ...) \
  { .name = (l), .short_name = (s), .kind = (k), .dest = (d), .metavar = (m), .help = (h), __VA_ARGS__ }
#define CLI_POS(d, m, ...) { .kind = CLI_POSITIONAL, .dest = (d), .metavar = (m), __VA_ARGS__ }
#define CLI_HEADING(text) { .kind = CLI_SECTION, .help = (text) }
/* Split a CLI_KEYVALUE item "KEY=VALUE": KEY into key (cap bytes, cut to fit), returns VALUE. */
const char *cli_kv_split(const char *item, char *key, size_t cap);

#define CLI_NOPTS(t) (sizeof(t) / sizeof((t)[0]))

#endif
