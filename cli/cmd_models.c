/* netlearn models: the registry, and every parameter and measure of a model. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "netlearn/netlearn.h"
#include "opts.h"

static const char *type_label(const nl_param_desc *d) {
  switch (d->type) {
  case NL_PARAM_INT: return "integer";
  case NL_PARAM_REAL: return "real";
  case NL_PARAM_BOOL: return "bool";
  case NL_PARAM_CHOICE: return "choice";
  case NL_PARAM_STRING: return "text";
  }
  return "?";
}

static void range_text(const nl_param_desc *d, char *buf, size_t cap, const char *sep) {
  buf[0] = '\0';
  if (d->type == NL_PARAM_INT || d->type == NL_PARAM_REAL) snprintf(buf, cap, "[%g, %g]", d->min, d->max);
  else if (d->type == NL_PARAM_BOOL) snprintf(buf, cap, "true%sfalse", sep);
  else if (d->type == NL_PARAM_CHOICE) {
    for (size_t k = 0; d->choices[k]; k++) {
      size_t len = strlen(buf);
      snprintf(buf + len, cap - len, "%s%s", k ? sep : "", d->choices[k]);
    }
  } else snprintf(buf, cap, "file or text");
}

static void default_text(const nl_param_desc *d, char *buf, size_t cap) {
  if (d->type == NL_PARAM_CHOICE) snprintf(buf, cap, "%s", d->choices[(size_t)d->def]);
  else if (d->type == NL_PARAM_STRING) snprintf(buf, cap, "\"%s\"", d->def_str ? d->def_str : "");
  else if (d->type == NL_PARAM_BOOL) snprintf(buf, cap, "%s", d->def != 0 ? "true" : "false");
  else snprintf(buf, cap, "%g", d->def);
}

/* How the ranges above were chosen (src/core/limits.h); printed after the tables in docs/models.md. */
static const char size_limits_md[] =
    "## Size limits\n\n"
    "A size that can never run is refused before anything runs (exit 2), with the parameters named:\n\n"
    "* **One simulation state may take at most 1 TiB** (more than the machines netlearn runs on hold; a run\n"
    "  holds one state per thread). Each model's cross-parameter check estimates a lower bound of its\n"
    "  largest arrays: march1991 two bit planes per belief (n x ceil(m/64) x 16 bytes; m = 1e6 with\n"
    "  n = 1e7 is 2.3 TiB), fang2010 four (x 32 bytes) plus its subgroup cliques, coopnet its members'\n"
    "  four planes (firms x largest size x ceil((mP + mQ)/64) x 32 bytes), its formal networks' codes and\n"
    "  its tie slots (firms x capacity x 12 bytes), and every generated network its ties (16 bytes each:\n"
    "  a complete network of 1e6 firms is 7.3 TiB).\n"
    "* **Ranges that imply such sizes are tightened**: lazer2007 `k` and coopnet `net_k` at most 1e5 (a ring\n"
    "  needs n > 2k nodes, so over 2k^2 ties: 320 GB at 1e5), fang2010 `group_size` at most 1e5 (a subgroup\n"
    "  is a clique of g(g-1)/2 ties: 80 GB at 1e5). Counts of agents stay at 1e7 (32-bit node ids, and\n"
    "  1e7 individuals of few dimensions run in a few hundred MB).\n"
    "* **What fits on this machine** is checked by `netlearn run` before the database is made: a state\n"
    "  that cannot be allocated even once, or threads x (state + a chunk of recorded rows) beyond the\n"
    "  available memory, or series beyond the free disk (docs/robustness.md).\n";

static void describe(const nl_model *m, int markdown) {
  char range[256], def[256];
  if (markdown) {
    printf("## `%s`: %s\n\n%s\n\n| parameter | type | default | range | meaning |\n|---|---|---|---|---|\n",
           nl_model_name(m), nl_model_title(m), nl_model_doc(m));
    for (size_t i = 0; i < nl_model_nparams(m); i++) {
      const nl_param_desc *d = nl_model_param(m, i);
      range_text(d, range, sizeof range, ", ");
      default_text(d, def, sizeof def);
      printf("| `%s` | %s | %s | %s | %s%s%s%s |\n", d->name, type_label(d), def, range, d->doc,
             d->alias ? " (old name `" : "", d->alias ? d->alias : "", d->alias ? "`, still accepted)" : "");
    }
    printf("\n| measure | meaning |\n|---|---|\n");
    for (size_t i = 0; i < nl_model_nmeasures(m); i++)
      printf("| `%s` | %s |\n", nl_model_measure(m, i)->name, nl_model_measure(m, i)->doc);
    printf("| `periods` | periods run (final.csv) |\n\n");
    if (nl_model_unit_name(m)) { /* what the virtual survey can ask about (docs/survey.md) */
      printf("Units: %ss, with the fields", nl_model_unit_name(m));
      for (size_t i = 0; i < nl_model_nunit_fields(m); i++) printf("%s `%s`", i ? "," : "", nl_model_unit_field(m, i));
      printf(" (a survey construct's `field:`, docs/survey.md).\n\n");
    }
    return;
  }
  printf("%s: %s\n\n%s\n\nparameters (set under `parameters:` or with --set NAME=VALUE):\n", nl_model_name(m),
         nl_model_title(m), nl_model_doc(m));
  for (size_t i = 0; i < nl_model_nparams(m); i++) {
    const nl_param_desc *d = nl_model_param(m, i);
    range_text(d, range, sizeof range, "|");
    default_text(d, def, sizeof def);
    printf("  %-12s %-7s default %-10s %s\n      %s%s%s%s\n", d->name, type_label(d), def, range, d->doc,
           d->alias ? " (old name '" : "", d->alias ? d->alias : "", d->alias ? "', still accepted)" : "");
  }
  printf("\nmeasures (columns of final.csv, `measure` values in series.csv):\n");
  for (size_t i = 0; i < nl_model_nmeasures(m); i++)
    printf("  %-22s %s\n", nl_model_measure(m, i)->name, nl_model_measure(m, i)->doc);
  if (nl_model_unit_name(m)) {
    printf("\nunits: %ss (fields a survey construct can name with `field:`, docs/survey.md):\n ",
           nl_model_unit_name(m));
    for (size_t i = 0, col = 1; i < nl_model_nunit_fields(m); i++) {
      const char *f = nl_model_unit_field(m, i);
      if (col + strlen(f) + 1 > 100) printf("\n "), col = 1;
      col += strlen(f) + 1;
      printf(" %s", f);
    }
    printf("\n");
  }
}

static const cli_command models_cmd = {
    "models", "[NAME] [--markdown]",
    "\n"
    "Without NAME, lists the models. With NAME, prints every parameter (type, default, range,\n"
    "meaning) and every measure of that model. --markdown prints the same as a Markdown table\n"
    "(this is how docs/models.md is made).\n",
    "example:\n"
    "  netlearn models march1991\n"};

int nl_cmd_models(int argc, char **argv) {
  int markdown = 0, rc;
  const char *name = NULL;
  const cli_option opts[] = {
      CLI_POS(&name, "NAME"),
      CLI_OPT("markdown", 0, CLI_FLAG, &markdown, NULL, "Markdown tables (docs/models.md)"),
  };
  if (cli_parse(&models_cmd, opts, CLI_NOPTS(opts), argc, argv, &rc)) return rc;
  if (name) {
    const nl_model *m = nl_model_find(name);
    if (!m) {
      const char *s = nl_model_suggest(name);
      if (s) cli_error("unknown model '%s' (did you mean '%s'?)", name, s);
      else cli_error("unknown model '%s' (`netlearn models` lists them)", name);
      return NL_EXIT_USAGE;
    }
    describe(m, markdown);
    return NL_EXIT_OK;
  }
  if (markdown) {
    for (size_t i = 0; i < nl_model_count(); i++) describe(nl_model_at(i), 1);
    fputs(size_limits_md, stdout);
    return NL_EXIT_OK;
  }
  printf("models (`netlearn models NAME` for parameters and measures):\n");
  for (size_t i = 0; i < nl_model_count(); i++)
    printf("  %-12s %s\n", nl_model_name(nl_model_at(i)), nl_model_title(nl_model_at(i)));
  return NL_EXIT_OK;
}
