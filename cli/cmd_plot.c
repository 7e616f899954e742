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

static void plot_help(FILE *f) {
  fputs("usage: netlearn plot KIND INPUT [options] -o FIGURE.png|FIGURE.svg\n"
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
        "results.db.\n"
        "\n"
        "options for series, line, heatmap:\n"
        "  -m, --measure NAME     the measure (see summary.csv, or `netlearn models MODEL`)\n"
        "  --points LIST          series: design points to draw, e.g. 1,5,9 (default: all, at most 8)\n"
        "  --x PARAM              line, heatmap: parameter on the x axis\n"
        "  --y PARAM              heatmap: parameter on the y axis\n"
        "  --by PARAM             line: one line per value of PARAM\n"
        "  --where PARAM=VALUE    keep design points with this value (repeatable); every swept\n"
        "                         parameter not on an axis or --by must be fixed this way\n"
        "  --period N|final       line, heatmap: the runs' final values (default) or the last\n"
        "                         recorded period at or before N\n"
        "  --ylim LO,HI           fix the y axis (series, line)\n"
        "  --zlim LO,HI           fix the colour scale (heatmap), e.g. 0,1 to compare figures\n"
        "options for network:\n"
        "  --nodes FILE.csv       node table: an id column and attributes (e.g. coopnet's firms.csv)\n"
        "  --id COL               id column of the node table (default id, else firm, else the first)\n"
        "  --size COL             node area proportional to this column\n"
        "  --color COL            colour by this column: numbers -> viridis scale; text, or up to 8\n"
        "                         integer codes (e.g. a group id) -> categories with a legend\n"
        "  --filter COL=VALUE     keep node-table rows with this value (repeatable), e.g.\n"
        "                         --filter replication=0 --filter period=200\n"
        "  --source COL, --target COL, --weight COL\n"
        "                         end-point and weight columns of the edge list (default: the first\n"
        "                         two columns and a column named weight)\n"
        "  --edge-filter COL=VALUE  keep edge rows with this value (repeatable): the network of one\n"
        "                         period from a long edge table, e.g. --edge-filter period=200\n"
        "  --labels, --no-labels  node labels (default: shown up to 40 nodes)\n"
        "  --seed N               layout seed (default 1; the same seed gives the same picture)\n"
        "common options:\n"
        "  -o, --output FILE      the figure: .png or .svg (required)\n"
        "  --width W, --height H  page size; units in (default), cm, mm or pt: --width 3.5in\n"
        "                         (default 6.67in x 4.67in; network and pls 7.5in x 5.5in)\n"
        "  --dpi N                PNG resolution (default 150; 300 for print)\n"
        "  --font-size PT         base font size (default 10)\n"
        "  --title TEXT, --xlabel TEXT, --ylabel TEXT   replace the default titles\n"
        "  -h, --help             this help\n"
        "\n"
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
        "Exit codes: 0 success, 1 the figure could not be written, 2 bad input or usage.\n",
        f);
}

/* "6.5in", "16cm", "90mm", "480pt" or a bare number of inches -> points. */
static int parse_length(const char *opt, const char *s, double *pt) {
  char *end = NULL;
  double v = strtod(s, &end);
  double unit = 72;
  if (end == s) goto bad;
  if (!strcmp(end, "") || !strcmp(end, "in"))
    unit = 72;
  else if (!strcmp(end, "cm"))
    unit = 72 / 2.54;
  else if (!strcmp(end, "mm"))
    unit = 72 / 25.4;
  else if (!strcmp(end, "pt"))
    unit = 1;
  else
    goto bad;
  *pt = v * unit;
  if (!(*pt >= 36 && *pt <= 14400)) {
    cli_error("%s: %s is outside 0.5in .. 200in", opt, s);
    return -1;
  }
  return 0;
bad:
  cli_error("%s: expected a length such as 6.5in, 16cm, 90mm or 480pt, got '%s'", opt, s);
  return -1;
}

static int parse_pair(const char *opt, const char *s, double *lo, double *hi) {
  char *end = NULL;
  *lo = strtod(s, &end);
  if (end == s || *end != ',') goto bad;
  const char *t = end + 1;
  *hi = strtod(t, &end);
  if (end == t || *end) goto bad;
  if (!(*lo < *hi) || !isfinite(*lo) || !isfinite(*hi)) {
    cli_error("%s: expected LO,HI with LO < HI, got '%s'", opt, s);
    return -1;
  }
  return 0;
bad:
  cli_error("%s: expected LO,HI (two numbers separated by a comma), got '%s'", opt, s);
  return -1;
}

#define MAXLIST 64

int nl_cmd_plot(int argc, char **argv) {
  if (argc < 2) {
    plot_help(stderr);
    return NL_EXIT_USAGE;
  }
  if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    plot_help(stdout);
    return NL_EXIT_OK;
  }
  static const char *const kinds[] = {"series", "line", "heatmap", "network", "pls"};
  const char *kind = argv[1];
  size_t k = 0;
  while (k < 5 && strcmp(kind, kinds[k])) k++;
  if (k == 5) {
    cli_error("unknown plot kind '%s': one of series, line, heatmap, network, pls (see `netlearn plot --help`)", kind);
    return NL_EXIT_USAGE;
  }
  const char *input = NULL, *out = NULL, *measure = NULL, *x = NULL, *y = NULL, *by = NULL;
  const char *title = NULL, *xlabel = NULL, *ylabel = NULL;
  const char *nodes = NULL, *id = NULL, *size = NULL, *color = NULL;
  const char *where[MAXLIST], *filter[MAXLIST], *efilter[MAXLIST];
  const char *esource = NULL, *etarget = NULL, *eweight = NULL;
  size_t nwhere = 0, nfilter = 0, nefilter = 0, npoints = 0;
  long points[MAXLIST], period = NL_PLOT_FINAL;
  int labels = -1, has_ylim = 0, has_zlim = 0, size_given = 0;
  unsigned long long seed = 1;
  double ylo = 0, yhi = 0, zlo = NAN, zhi = NAN;
  nl_figure_options fo;
  nl_figure_options_default(&fo);
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      plot_help(stdout);
      return NL_EXIT_OK;
    }
    if (!strcmp(a, "--labels")) {
      labels = 1;
      continue;
    }
    if (!strcmp(a, "--no-labels")) {
      labels = 0;
      continue;
    }
    if (a[0] != '-' || !a[1]) {
      if (input) {
        cli_error("unexpected argument '%s' (one input per figure; see `netlearn plot --help`)", a);
        return NL_EXIT_USAGE;
      }
      input = a;
      continue;
    }
    if (i + 1 >= argc) {
      cli_error("option %s needs a value (see `netlearn plot --help`)", a);
      return NL_EXIT_USAGE;
    }
    const char *v = argv[++i];
    if (!strcmp(a, "-o") || !strcmp(a, "--output"))
      out = v;
    else if (!strcmp(a, "-m") || !strcmp(a, "--measure"))
      measure = v;
    else if (!strcmp(a, "--x"))
      x = v;
    else if (!strcmp(a, "--y"))
      y = v;
    else if (!strcmp(a, "--by"))
      by = v;
    else if (!strcmp(a, "--title"))
      title = v;
    else if (!strcmp(a, "--xlabel"))
      xlabel = v;
    else if (!strcmp(a, "--ylabel"))
      ylabel = v;
    else if (!strcmp(a, "--nodes"))
      nodes = v;
    else if (!strcmp(a, "--id"))
      id = v;
    else if (!strcmp(a, "--size"))
      size = v;
    else if (!strcmp(a, "--color") || !strcmp(a, "--colour"))
      color = v;
    else if (!strcmp(a, "--source"))
      esource = v;
    else if (!strcmp(a, "--target"))
      etarget = v;
    else if (!strcmp(a, "--weight"))
      eweight = v;
    else if (!strcmp(a, "--where") || !strcmp(a, "--filter") || !strcmp(a, "--edge-filter")) {
      if (!strchr(v, '=') || v[0] == '=') {
        cli_error("%s: expected NAME=VALUE, got '%s'", a, v);
        return NL_EXIT_USAGE;
      }
      if (nwhere >= MAXLIST || nfilter >= MAXLIST || nefilter >= MAXLIST) {
        cli_error("%s: at most %d conditions", a, MAXLIST);
        return NL_EXIT_USAGE;
      }
      if (a[2] == 'w')
        where[nwhere++] = v;
      else if (a[2] == 'e')
        efilter[nefilter++] = v;
      else
        filter[nfilter++] = v;
    } else if (!strcmp(a, "--points")) {
      char buf[1024];
      snprintf(buf, sizeof buf, "%s", v);
      for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (npoints >= MAXLIST) {
          cli_error("--points: too many points");
          return NL_EXIT_USAGE;
        }
        if (cli_parse_long("--points", tok, 1, 1000000000L, &points[npoints++])) return NL_EXIT_USAGE;
      }
    } else if (!strcmp(a, "--period")) {
      if (strcmp(v, "final") && cli_parse_long(a, v, 0, 1000000000000L, &period)) return NL_EXIT_USAGE;
    } else if (!strcmp(a, "--ylim")) {
      if (parse_pair(a, v, &ylo, &yhi)) return NL_EXIT_USAGE;
      has_ylim = 1;
    } else if (!strcmp(a, "--zlim")) {
      if (parse_pair(a, v, &zlo, &zhi)) return NL_EXIT_USAGE;
      has_zlim = 1;
    } else if (!strcmp(a, "--width")) {
      if (parse_length(a, v, &fo.width)) return NL_EXIT_USAGE;
      size_given = 1;
    } else if (!strcmp(a, "--height")) {
      if (parse_length(a, v, &fo.height)) return NL_EXIT_USAGE;
      size_given = 1;
    } else if (!strcmp(a, "--dpi")) {
      long d;
      if (cli_parse_long(a, v, 36, 1200, &d)) return NL_EXIT_USAGE;
      fo.dpi = (double)d;
    } else if (!strcmp(a, "--font-size")) {
      if (cli_parse_double(a, v, &fo.font_size)) return NL_EXIT_USAGE;
      if (!(fo.font_size >= 4 && fo.font_size <= 72)) {
        cli_error("%s: %s is outside 4 .. 72 points", a, v);
        return NL_EXIT_USAGE;
      }
    } else if (!strcmp(a, "--seed")) {
      if (cli_parse_u64(a, v, &seed)) return NL_EXIT_USAGE;
    } else {
      cli_error("unknown option '%s' for `netlearn plot %s` (see `netlearn plot --help`)", a, kind);
      return NL_EXIT_USAGE;
    }
  }
  if (!input) {
    cli_error("plot %s: missing INPUT (see `netlearn plot --help`)", kind);
    return NL_EXIT_USAGE;
  }
  if (!out) {
    cli_error("plot %s: missing -o FIGURE.png or FIGURE.svg", kind);
    return NL_EXIT_USAGE;
  }
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
  int rc = NL_EXIT_OK;
  nl_status rs = NL_OK;
  if (!fig) {
    cli_error("out of memory");
    return NL_EXIT_FAILURE;
  }
  if (k <= 2) {
    src = nl_plot_source_new();
    if (!src) {
      cli_error("out of memory");
      rc = NL_EXIT_FAILURE;
      goto cleanup;
    }
    rs = nl_plot_source_open(src, input);
    for (size_t i = 0; !rs && i < nwhere; i++) {
      char name[256];
      const char *eq = strchr(where[i], '=');
      snprintf(name, sizeof name, "%.*s", (int)(eq - where[i]), where[i]);
      rs = nl_plot_source_where(src, name, eq + 1);
    }
    if (!rs && k == 0) rs = nl_plot_source_series(src, fig, measure, points, npoints);
    if (!rs && k == 1) rs = nl_plot_source_line(src, fig, measure, x, by, period);
    if (!rs && k == 2) rs = nl_plot_source_heatmap(src, fig, measure, x, y, period, zlo, zhi);
    if (rs) {
      cli_error("%s", nl_plot_source_errmsg(src));
      rc = rs == NL_ENOMEM ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
      goto cleanup;
    }
  } else if (k == 3) {
    rs = nl_figure_labels(fig, NULL, NULL, title); /* free drawings leave room for a title */
    nl_plot_network_files nf = {input, nodes, id, size, color, filter, nfilter, labels, seed,
                                esource, etarget, eweight, efilter, nefilter};
    if (!rs) rs = nl_plot_network_read(fig, &nf);
    title = NULL;
  } else {
    pm = nl_plot_pls_new();
    if (!pm) {
      cli_error("out of memory");
      rc = NL_EXIT_FAILURE;
      goto cleanup;
    }
    rs = nl_figure_labels(fig, NULL, NULL, title);
    if (!rs) rs = nl_plot_pls_read(pm, input);
    if (rs) {
      cli_error("%s", nl_plot_pls_errmsg(pm));
      rc = rs == NL_ENOMEM ? NL_EXIT_FAILURE : NL_EXIT_USAGE;
      goto cleanup;
    }
    rs = nl_plot_pls_draw(fig, pm);
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
