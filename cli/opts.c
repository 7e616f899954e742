/* The option parser of every command (cli/opts.h): a table per command, one way to report. */
#define _POSIX_C_SOURCE 200809L
#include "opts.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define HELP_COLUMN 23 /* the help text starts here; longer option names put it on the next line */

static const cli_option help_option = CLI_OPT("help", 'h', CLI_FLAG, NULL, NULL, "this help");

void cli_usage_error(const cli_command *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "netlearn: %s: ", cmd->name);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

const char *cli_kv_split(const char *item, char *key, size_t cap) {
  const char *eq = strchr(item, '=');
  if (!eq) eq = item + strlen(item);
  snprintf(key, cap, "%.*s", (int)(eq - item), item);
  return *eq ? eq + 1 : eq;
}

/* What an option's value must be, for messages: "an integer in [1, 4096]", "'a' or 'b'", "DIR". */
static void expected(const cli_option *o, char *buf, size_t cap) {
  if (o->expect) {
    snprintf(buf, cap, "%s", o->expect);
    return;
  }
  switch (o->kind) {
  case CLI_LONG:
    if (o->min == 0 && o->max == 0) snprintf(buf, cap, "an integer");
    else snprintf(buf, cap, "an integer in [%.0f, %.0f]", o->min, o->max);
    break;
  case CLI_U64: snprintf(buf, cap, "a non-negative integer"); break;
  case CLI_DOUBLE:
    if (o->min == 0 && o->max == 0 && !(o->flags & (CLI_OPEN_LO | CLI_OPEN_HI))) snprintf(buf, cap, "a number");
    else if (isinf(o->max)) snprintf(buf, cap, "a number %s %g", o->flags & CLI_OPEN_LO ? ">" : ">=", o->min);
    else
      snprintf(buf, cap, "a number in %c%g, %g%c", o->flags & CLI_OPEN_LO ? '(' : '[', o->min, o->max,
               o->flags & CLI_OPEN_HI ? ')' : ']');
    break;
  case CLI_CHOICE: {
    size_t len = 0, k = 0;
    buf[0] = '\0';
    for (; o->choices[k]; k++) {
      const char *sep = k == 0 ? "" : o->choices[k + 1] ? ", " : " or ";
      len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "%s'%s'", sep, o->choices[k]);
      if (len >= cap) break;
    }
    break;
  }
  default: snprintf(buf, cap, "%s", o->metavar ? o->metavar : "a value"); break;
  }
}

/* "-o DIR" / "--n N1,N2": an option as the user would write it. */
static void spec(const cli_option *o, int indent_short, char *buf, size_t cap) {
  if (o->kind == CLI_POSITIONAL) {
    snprintf(buf, cap, "%s", o->metavar);
    return;
  }
  const char *meta = o->kind == CLI_FLAG || o->kind == CLI_FLAG_OFF ? NULL : o->metavar ? o->metavar : "VALUE";
  char s[8] = "";
  if (o->short_name) snprintf(s, sizeof s, "-%c, ", o->short_name);
  else if (indent_short) snprintf(s, sizeof s, "    ");
  if (!meta) snprintf(buf, cap, "%s--%s", s, o->name);
  else if (o->flags & CLI_OPTIONAL_VALUE) snprintf(buf, cap, "%s--%s [%s]", s, o->name, meta);
  else snprintf(buf, cap, "%s--%s %s", s, o->name, meta);
}

static void help_line(const cli_option *o, int indent_short, FILE *f) {
  char sp[256];
  spec(o, indent_short, sp, sizeof sp);
  if (strlen(sp) + 4 <= HELP_COLUMN) fprintf(f, "  %-*s", HELP_COLUMN - 2, sp);
  else fprintf(f, "  %s\n%*s", sp, HELP_COLUMN, "");
  for (const char *h = o->help; *h; h++) {
    fputc(*h, f);
    if (*h == '\n' && h[1]) fprintf(f, "%*s", HELP_COLUMN, "");
  }
  fputc('\n', f);
}

void cli_help(const cli_command *cmd, const cli_option *opts, size_t n, FILE *f) {
  int indent_short = 0;
  for (size_t i = 0; i < n; i++) indent_short |= opts[i].short_name != 0;
  fprintf(f, "usage: netlearn %s %s\n", cmd->name, cmd->usage);
  if (cmd->intro) fputs(cmd->intro, f); /* starts with a blank line, or a second usage line */
  size_t first = 0;
  while (first < n && opts[first].kind == CLI_POSITIONAL) first++;
  fputs(first < n && opts[first].kind == CLI_SECTION ? "\n" : "\noptions:\n", f);
  for (size_t i = 0; i < n; i++) {
    if (opts[i].kind == CLI_SECTION) fprintf(f, "%s\n", opts[i].help);
    else if (opts[i].kind != CLI_POSITIONAL && !(opts[i].flags & CLI_HIDDEN)) help_line(&opts[i], indent_short, f);
  }
  help_line(&help_option, 1, f);
  if (cmd->outro) fprintf(f, "\n%s", cmd->outro);
}

/* Store value into o's destination; 0, or -1 after a message. */
static int store(const cli_command *cmd, const cli_option *o, const char *given, const char *v) {
  char exp[512], *end = NULL;
  expected(o, exp, sizeof exp);
  errno = 0;
  switch (o->kind) {
  case CLI_STRING:
  case CLI_POSITIONAL: *(const char **)o->dest = v; return 0;
  case CLI_LONG: {
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end) break;
    if ((o->min != 0 || o->max != 0) && ((double)x < o->min || (double)x > o->max)) {
      cli_usage_error(cmd, "%s: %s is out of range: expected %s", given, v, exp);
      return -1;
    }
    *(long *)o->dest = x;
    return 0;
  }
  case CLI_U64: {
    unsigned long long x = v[0] == '-' ? 0 : strtoull(v, &end, 10);
    if (v[0] == '-' || errno || end == v || *end) break;
    *(unsigned long long *)o->dest = x;
    return 0;
  }
  case CLI_DOUBLE: {
    double x = strtod(v, &end);
    if (errno || end == v || *end) break;
    int ranged = o->min != 0 || o->max != 0 || (o->flags & (CLI_OPEN_LO | CLI_OPEN_HI));
    if (ranged && !((o->flags & CLI_OPEN_LO ? x > o->min : x >= o->min) &&
                    (o->flags & CLI_OPEN_HI ? x < o->max : x <= o->max))) {
      cli_usage_error(cmd, "%s: %s is out of range: expected %s", given, v, exp);
      return -1;
    }
    *(double *)o->dest = x;
    return 0;
  }
  case CLI_CHOICE:
    for (int k = 0; o->choices[k]; k++)
      if (!strcmp(v, o->choices[k])) {
        *(int *)o->dest = o->values ? o->values[k] : k;
        return 0;
      }
    break;
  case CLI_LIST: {
    cli_list *l = o->dest;
    if ((o->flags & CLI_KEYVALUE) && (!strchr(v, '=') || v[0] == '=')) break;
    if (l->n >= CLI_LIST_MAX) {
      cli_usage_error(cmd, "%s: given more than %d times", given, CLI_LIST_MAX);
      return -1;
    }
    l->item[l->n++] = v;
    return 0;
  }
  case CLI_LONGS: {
    cli_longs *l = o->dest;
    const char *c = v;
    for (l->n = 0; l->n < CLI_LIST_MAX; c = end + 1) {
      long x = strtol(c, &end, 10);
      if (errno || end == c || (*end && *end != ',') || (double)x < o->min || (double)x > o->max) break;
      l->v[l->n++] = x;
      if (!*end) return 0;
    }
    break;
  }
  case CLI_PAIR: {
    double *lohi = o->dest;
    lohi[0] = strtod(v, &end);
    if (end == v || *end != o->sep) break;
    const char *t = end + 1;
    lohi[1] = strtod(t, &end);
    if (end != t && !*end && lohi[0] < lohi[1] && isfinite(lohi[0]) && isfinite(lohi[1])) return 0;
    break;
  }
  case CLI_CUSTOM:
    if (o->parse(v, o->dest, exp, sizeof exp) == 0) return 0;
    break;
  case CLI_FLAG:
  case CLI_FLAG_OFF:
  case CLI_SECTION: break;
  }
  cli_usage_error(cmd, "%s: expected %s, got '%s'", given, exp, v ? v : "");
  return -1;
}

static const cli_option *find_long(const cli_option *opts, size_t n, const char *name, size_t len) {
  if (len == 4 && !strncmp(name, "help", 4)) return &help_option;
  for (size_t i = 0; i < n; i++)
    if (opts[i].name && strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len)) return &opts[i];
  return NULL;
}

static const cli_option *find_short(const cli_option *opts, size_t n, char c) {
  if (c == 'h') return &help_option;
  for (size_t i = 0; i < n; i++)
    if (opts[i].short_name == c && opts[i].kind != CLI_SECTION) return &opts[i];
  return NULL;
}

int cli_parse(const cli_command *cmd, const cli_option *opts, size_t n, int argc, char **argv, int *exit_code) {
  unsigned char seen[128] = {0}; /* options and positionals given, by table index */
  if (n > sizeof seen) n = sizeof seen; /* tables are far shorter */
  size_t npos = 0;
  int options_end = 0;
  *exit_code = NL_EXIT_USAGE;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (options_end || a[0] != '-' || a[1] == '\0') { /* a positional ("-" is standard input) */
      size_t k = 0, slot = 0;
      for (; k < n; k++)
        if (opts[k].kind == CLI_POSITIONAL && slot++ == npos) break;
      if (k == n) {
        cli_usage_error(cmd, "unexpected argument '%s' (usage: netlearn %s %s)", a, cmd->name, cmd->usage);
        return 1;
      }
      npos++;
      seen[k] = 1;
      if (opts[k].given) *opts[k].given = 1;
      if (store(cmd, &opts[k], a, a)) return 1;
      continue;
    }
    if (!strcmp(a, "--")) {
      options_end = 1;
      continue;
    }
    const cli_option *o = NULL;
    const char *eq = NULL;
    char given[128];
    if (a[1] == '-') {
      eq = strchr(a + 2, '=');
      size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
      o = find_long(opts, n, a + 2, len);
      snprintf(given, sizeof given, "%.*s", (int)(len + 2), a);
    } else if (a[2] == '\0') {
      o = find_short(opts, n, a[1]);
      snprintf(given, sizeof given, "%s", a);
    }
    if (!o || o->kind == CLI_POSITIONAL || o->kind == CLI_SECTION) {
      cli_usage_error(cmd, "unknown option '%s' (see `netlearn %s --help`)", eq ? given : a, cmd->name);
      return 1;
    }
    if (o == &help_option) {
      cli_help(cmd, opts, n, stdout);
      *exit_code = NL_EXIT_OK;
      return 1;
    }
    seen[o - opts] = 1;
    if (o->given) *o->given = 1;
    if (o->kind == CLI_FLAG || o->kind == CLI_FLAG_OFF) {
      if (eq) {
        cli_usage_error(cmd, "%s takes no value, got '%s'", given, a);
        return 1;
      }
      *(int *)o->dest = o->kind == CLI_FLAG;
      continue;
    }
    const char *v = eq ? eq + 1 : NULL;
    if (!v && (o->flags & CLI_OPTIONAL_VALUE)) {
      if (i + 1 < argc && argv[i + 1][0] != '-') v = argv[++i];
    } else if (!v) {
      if (i + 1 >= argc) {
        char exp[512];
        expected(o, exp, sizeof exp);
        cli_usage_error(cmd, "%s: missing value: expected %s", given, exp);
        return 1;
      }
      v = argv[++i];
    }
    if (!v) { /* a bare optional value: the parser sets its default */
      char exp[8];
      o->parse(NULL, o->dest, exp, sizeof exp);
      continue;
    }
    if (store(cmd, o, given, v)) return 1;
  }
  for (size_t k = 0; k < n; k++) {
    if (!(opts[k].flags & CLI_REQUIRED) || seen[k]) continue;
    char sp[256];
    spec(&opts[k], 0, sp, sizeof sp);
    if (opts[k].short_name) snprintf(sp, sizeof sp, "-%c %s", opts[k].short_name, opts[k].metavar);
    cli_usage_error(cmd, "%s is required (usage: netlearn %s %s)", sp, cmd->name, cmd->usage);
    return 1;
  }
  *exit_code = NL_EXIT_OK;
  return 0;
}
