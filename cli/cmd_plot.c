/* netlearn plot: figures from results (series, sweeps), networks and PLS path diagrams. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "netlearn/plot.h"
#include "opts.h"

static const cli_command plot_cmd = {
    "plot", "KIND INPUT [options] -o FIGURE.png|FIGURE.svg",
    "\n"
    "Draws a figure for a paper: PNG or SVG by the output's extension (SVG keeps text as text).\n"
    "Colour-blind-safe colours (Okabe-Ito categories with distinct markers, viridis scales).\n"
    "\n"
    "kinds:\n"
    "  series   a measure over time: mean and 95% band over replications, one line per design point\n"
    "  line     a measure against one swept parameter, mean and 95% CI, one line per value of --by\n"
    "  heatmap  the mean of a measure over two swept parameters\n"
    "  network  a network (edge list CSV or GraphML) with node sizes and colours from a node table\n"
    "  pls      a PLS path diagram from the output directory of `netlearn pls -o DIR`\n"
    "\n"
    "INPUT for series, line and heatmap: a results directory of `netlearn run -o DIR` or its\n"
    "results.db.\n",
    "examples:\n"
    "  netlearn run examples/march1991/figure1.yaml -o out/figure1\n"
    "  netlearn plot line out/figure1 --x p1 --by p2 -m code_knowledge -o fig1.png     # March's Figure 1\n"
    "  netlearn plot heatmap out/figure1/results.db --x p1 --y p2 -m code_knowledge -o grid.svg\n"
    "  netlearn plot series out/figure1 -m code_knowledge --points 1,5,9 -o series.png\n"
    "  netlearn plot series out/basic -m code_knowledge --dpi 300 --width 3.5in --height 2.6in -o s.png\n"
    "  netlearn plot network examples/networks/ring100.csv -o ring.svg\n"
    "  netlearn plot network ties.csv --nodes firms.csv --filter period=200 --size size \\\n"
    "      --color explore -o firms.png\n"
    "  netlearn pls model.txt data.csv --boot 500 -o pls_out && netlearn plot pls pls_out -o paths.svg\n"
    "\n"
    "Exit codes: 0 success, 1 the figure could not be written, 2 bad input or usage.\n"};

/* "6.5in", "16cm", "90mm", "480pt" or a bare number of inches -> points (a double). */
static int parse_length(const char *s, void *dest, char *expected, size_t cap) {
  char *end = NULL;
  double v = strtod(s, &end), unit = 0;
  if (end != s && (!strcmp(end, "") || !strcmp(end, "in"))) unit = 72;
  else if (end != s && !strcmp(end, "cm")) unit = 72 / 2.54;
  else if (end != s && !strcmp(end, "mm")) unit = 72 / 25.4;
  else if (end != s && !strcmp(end, "pt")) unit = 1;
  if (unit > 0 && v * unit >= 36 && v * unit <= 14400) {
    *(double *)dest = v * unit;
    return 0;
  }
  snprintf(expected, cap, "a length from 0.5in to 200in such as 6.5in, 16cm, 90mm or 480pt");
  return -1;
}

/* --period N|final */
static int parse_period(const char *s, void *dest, char *expected, size_t cap) {
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (!strcmp(s, "final")) {
    *(long *)dest = NL_PLOT_FINAL;
    return 0;
  }
  if (end != s && !*end && v >= 0 && v <= 1000000000000L) {
    *(long *)dest = v;
    return 0;
  }
  snprintf(expected, cap, "'final' or a period in [0, 1000000000000]");
  return -1;
}


#define LOHI "LO,HI (two numbers separated by a comma, LO < HI)"

int nl_cmd_plot(int argc, char **argv) {
  static const char *const kinds[] = {"series", "line", "heatmap", "network", "pls"};
  const char *kind = NULL, *input = NULL, *out = NULL, *measure = NULL, *x = NULL, *y = NULL, *by = NULL;
  const char *title = NULL, *xlabel = NULL, *ylabel = NULL;
  const char *nodes = NULL, *id = NULL, *size = NULL, *color = NULL;
  const char *esource = NULL, *etarget = NULL, *eweight = NULL;
  cli_list where = {{0}, 0}, filter = {{0}, 0}, efilter = {{0}, 0};
  cli_longs points = {{0}, 0};
  long period = NL_PLOT_FINAL, dpi = 0;
  int labels = -1, has_ylim = 0, has_zlim = 0, width_given = 0, height_given = 0, rc;
  unsigned long long seed = 1;
  double ylim[2] = {0, 0}, zlim[2] = {NAN, NAN}, font_size = 0;
  nl_figure_options fo;
  nl_figure_options_default(&fo);
  const cli_option opts[] = {
      CLI_POS(&kind, "KIND", .flags = CLI_REQUIRED),
      CLI_POS(&input, "INPUT", .flags = CLI_REQUIRED),
      CLI_HEADING("options for series, line, heatmap:"),
      CLI_OPT("measure", 'm', CLI_STRING, &measure, "NAME", "the measure (see summary.csv, or `netlearn models MODEL`)"),
      CLI_OPT("points", 0, CLI_LONGS, &points, "LIST", "series: design points to draw, e.g. 1,5,9 (default: all, at most 8)",
              .min = 1, .max = 1e9, .expect = "design point numbers (from 1) separated by commas, e.g. 1,5,9"),
      CLI_OPT("x", 0, CLI_STRING, &x, "PARAM", "line, heatmap: parameter on the x axis"),
      CLI_OPT("y", 0, CLI_STRING, &y, "PARAM", "heatmap: parameter on the y axis"),
      CLI_OPT("by", 0, CLI_STRING, &by, "PARAM", "line: one line per value of PARAM"),
      CLI_OPT("where", 0, CLI_LIST, &where, "PARAM=VALUE",
              "keep design points with this value (repeatable); every swept\nparameter not on an axis or --by must be "
              "fixed this way",
              .flags = CLI_KEYVALUE),
      CLI_OPT("period", 0, CLI_CUSTOM, &period, "N|final",
              "line, heatmap: the runs' final values (default) or the last\nrecorded period at or before N",
              .parse = parse_period),
      CLI_OPT("ylim", 0, CLI_PAIR, ylim, "LO,HI", "fix the y axis (series, line)", .sep = ',', .given = &has_ylim,
              .expect = LOHI),
      CLI_OPT("zlim", 0, CLI_PAIR, zlim, "LO,HI", "fix the colour scale (heatmap), e.g. 0,1 to compare figures",
              .sep = ',', .given = &has_zlim, .expect = LOHI),
      CLI_HEADING("options for network:"),
      CLI_OPT("nodes", 0, CLI_STRING, &nodes, "FILE.csv",
              "node table: an id column and attributes (e.g. coopnet's firms.csv)"),
      CLI_OPT("id", 0, CLI_STRING, &id, "COL", "id column of the node table (default id, else firm, else the first)"),
      CLI_OPT("size", 0, CLI_STRING, &size, "COL", "node area proportional to this column"),
      CLI_OPT("color", 0, CLI_STRING, &color, "COL",
              "colour by this column: numbers -> viridis scale; text, or up to 8\ninteger codes (e.g. a group id) -> "
              "categories with a legend"),
      CLI_OPT("colour", 0, CLI_STRING, &color, "COL", NULL, .flags = CLI_HIDDEN),
      CLI_OPT("filter", 0, CLI_LIST, &filter, "COL=VALUE",
              "keep node-table rows with this value (repeatable), e.g.\n--filter replication=0 --filter period=200",
              .flags = CLI_KEYVALUE),
      CLI_OPT("source", 0, CLI_STRING, &esource, "COL",
              "end-point columns of the edge list (default: the first two\ncolumns)"),
      CLI_OPT("target", 0, CLI_STRING, &etarget, "COL", "see --source"),
      CLI_OPT("weight", 0, CLI_STRING, &eweight, "COL", "weight column of the edge list (default: a column named weight)"),
      CLI_OPT("edge-filter", 0, CLI_LIST, &efilter, "COL=VALUE",
              "keep edge rows with this value (repeatable): the network of one\nperiod from a long edge table, e.g. "
              "--edge-filter period=200",
              .flags = CLI_KEYVALUE),
      CLI_OPT("labels", 0, CLI_FLAG, &labels, NULL, "node labels (default: shown up to 40 nodes)"),
      CLI_OPT("no-labels", 0, CLI_FLAG_OFF, &labels, NULL, "no node labels"),
      CLI_OPT("seed", 0, CLI_U64, &seed, "N", "layout seed (default 1; the same seed gives the same picture)"),
      CLI_HEADING("common options:"),
      CLI_OPT("output", 'o', CLI_STRING, &out, "FILE", "the figure: .png or .svg (required)", .flags = CLI_REQUIRED),
      CLI_OPT("width", 0, CLI_CUSTOM, &fo.width, "W",
              "page width; units in (default), cm, mm or pt: --width 3.5in\n(default 6.67in x 4.67in; network and pls "
              "7.5in x 5.5in)",
              .parse = parse_length, .given = &width_given),
      CLI_OPT("height", 0, CLI_CUSTOM, &fo.height, "H", "page height, as --width", .parse = parse_length,
              .given = &height_given),
      CLI_OPT("dpi", 0, CLI_LONG, &dpi, "N", "PNG resolution (default 150; 300 for print)", .min = 36, .max = 1200),
      CLI_OPT("font-size", 0, CLI_DOUBLE, &font_size, "PT", "base font size (default 10)", .min = 4, .max = 72),
      CLI_OPT("title", 0, CLI_STRING, &title, "TEXT", "replace the default title"),
      CLI_OPT("xlabel", 0, CLI_STRING, &xlabel, "TEXT", "replace the default x axis title"),
      CLI_OPT("ylabel", 0, CLI_STRING, &ylabel, "TEXT", "replace the default y axis title"),
  };
  if (cli_parse(&plot_cmd, opts, CLI_NOPTS(opts), argc, argv, &rc)) return rc;
  size_t k = 0;
  while (k < 5 && strcmp(kind, kinds[k])) k++;
  if (k == 5) {
    cli_error("unknown plot kind '%s': one of series, line, heatmap, network, pls (see `netlearn plot --help`)", kind);
    return NL_EXIT_USAGE;
  }
  if (dpi) fo.dpi = (double)dpi;
  if (font_size > 0) fo.font_size = font_size;
  int size_given = width_given || height_given;
  size_t nwhere = where.n, nfilter = filter.n, nefilter = efilter.n, npoints = points.n;
  double ylo = ylim[0], yhi = ylim[1], zlo = zlim[0], zhi = zlim[1];
  size_t olen = strlen(out);
  if (olen < 4 || (strcasecmp(out + olen - 4, ".png") && strcasecmp(out + olen - 4, ".svg"))) {
    cli_error("%s: the figure's name must end in .png or .svg", out);
    return NL_EXIT_USAGE;
  }
  if (k <= 2 && !measure) {
    cli_error("plot %s: which measure? add --measure NAME (e.g. --measure code_knowledge)", kind);
    return NL_EXIT_USAGE;
  }
  if ((k == 1 || k == 2) && !x) {
    cli_error("plot %s: add --x PARAM (the swept parameter on the x axis)", kind);
    return NL_EXIT_USAGE;
  }
  if (k == 2 && !y) {
    cli_error("plot heatmap: add --y PARAM (the swept parameter on the y axis)");
    return NL_EXIT_USAGE;
  }
  if (k != 3 && (nodes || id || size || color || nfilter || nefilter || esource || etarget || eweight)) {
    cli_error("plot %s: --nodes, --id, --size, --color, --filter, --source, --target, --weight and --edge-filter "
              "are options of `plot network`",
              kind);
    return NL_EXIT_USAGE;
  }
  if (k >= 3 && (measure || x || y || by || nwhere || npoints)) {
    cli_error("plot %s: --measure, --x, --y, --by, --where and --points are options of series, line and heatmap", kind);
    return NL_EXIT_USAGE;
  }
  /* path diagrams and networks need more room than a panel: 7.5 x 5.5 in unless asked */
  if (k >= 3 && !size_given) {
    fo.width = 7.5 * 72;
    fo.height = 5.5 * 72;
  }
  /* options that would be silently ignored by this kind */
  const char *stray = k != 0 && npoints ? "--points"
                      : k == 0 && (x || by) ? (x ? "--x" : "--by")
                      : k != 2 && y        ? "--y"
                      : k == 2 && by       ? "--by"
                      : k == 0 && period != NL_PLOT_FINAL ? "--period"
                      : k != 2 && has_zlim ? "--zlim"
                      : k >= 2 && has_ylim ? "--ylim"
                      : k >= 3 && (xlabel || ylabel) ? (xlabel ? "--xlabel" : "--ylabel")
                                           : NULL;
  if (stray) {
    cli_error("plot %s: %s does not apply to this kind (see `netlearn plot --help`)", kind, stray);
    return NL_EXIT_USAGE;
  }
  /* The figure's folder must exist: a bad path is bad input (exit 2, as pls and export), found
   * before anything is read or drawn. */
  {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", out);
    char *slash = strrchr(dir, '/');
    struct stat sb;
    if (slash && slash != dir) *slash = '\0';
    if (slash && slash != dir && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
      cli_error("%s: cannot write the figure: the folder %s does not exist", out, dir);
      return NL_EXIT_USAGE;
    }
  }
  nl_figure *fig = nl_figure_new(&fo);
  nl_plot_source *src = NULL;
  nl_plot_pls *pm = NULL;
  rc = NL_EXIT_OK;
  nl_status rs = NL_OK;
  if (!fig) {
    cli_error("out of memory");
    return NL_EXIT_FAILURE;
  }
  if (k <= 2) {
    rs = nl_plot_source_open(input, &src);
    if (!src) {
      cli_error("out of memory");
      rc = NL_EXIT_FAILURE;
      goto cleanup;
    }
    for (size_t i = 0; !rs && i < nwhere; i++) {
      char name[256];
      const char *eq = strchr(where.item[i], '=');
      snprintf(name, sizeof name, "%.*s", (int)(eq - where.item[i]), where.item[i]);
      rs = nl_plot_source_where(src, name, eq + 1);
    }
    if (!rs && k == 0) rs = nl_plot_source_series(src, fig, measure, points.v, npoints);
    if (!rs && k == 1) rs = nl_plot_source_line(src, fig, measure, x, by, period);
    if (!rs && k == 2) rs = nl_plot_source_heatmap(src, fig, measure, x, y, period, zlo, zhi);
    if (rs) {
      cli_error("%s", nl_plot_source_errmsg(src));
      rc = rs == NL_ENOMEM ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
      goto cleanup;
    }
  } else if (k == 3) {
    rs = nl_figure_labels(fig, NULL, NULL, title); /* free drawings leave room for a title */
    nl_plot_network_files nf = {input, nodes, id, size, color, filter.item, nfilter, labels, seed,
                                esource, etarget, eweight, efilter.item, nefilter};
    if (!rs) rs = nl_plot_network_draw_files(fig, &nf);
    title = NULL;
  } else {
    rs = nl_plot_pls_read(input, &pm);
    if (!pm) {
      cli_error("out of memory");
      rc = NL_EXIT_FAILURE;
      goto cleanup;
    }
    if (rs) {
      cli_error("%s", nl_plot_pls_errmsg(pm));
      rc = rs == NL_ENOMEM ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
      goto cleanup;
    }
    rs = nl_figure_labels(fig, NULL, NULL, title);
    if (!rs) rs = nl_plot_pls_draw(fig, pm);
    title = NULL;
  }
  if (!rs && has_ylim && k <= 1) rs = nl_figure_ylim(fig, ylo, yhi);
  if (!rs && (xlabel || ylabel || title)) rs = nl_figure_labels(fig, xlabel, ylabel, title);
  if (rs) {
    cli_error("%s", nl_figure_errmsg(fig));
    rc = rs == NL_ENOMEM ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
    goto cleanup;
  }
  rs = nl_figure_save(fig, out);
  if (rs) {
    cli_error("%s", nl_figure_errmsg(fig));
    rc = NL_EXIT_FAILURE;
    goto cleanup;
  }
  fprintf(stderr, "netlearn: wrote %s\n", out);
cleanup:
  nl_plot_source_free(src);
  nl_plot_pls_free(pm);
  nl_figure_free(fig);
  nl_plot_release_caches();
  return rc;
}
