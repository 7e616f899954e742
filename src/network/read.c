/* Reading networks: edge list CSV, node attribute CSV (our own small parser) and GraphML (igraph). */
#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <igraph.h>

#include "core/alloc.h"
#include "network/network_impl.h"

/* ---- CSV lines and fields --------------------------------------------------------------------- */

typedef struct csv {
  FILE *f;
  const char *path;
  long line;     /* number of the line in buf */
  char *buf;
  size_t cap;
  char **field;  /* pointers into buf */
  size_t nfield, fcap;
} csv;

/* Next line into c->buf (without the newline). Returns 1, 0 at end of file, -1 out of memory. */
static int csv_getline(csv *c) {
  size_t len = 0;
  int ch, any = 0;
  while ((ch = fgetc(c->f)) != EOF) {
    any = 1;
    if (ch == '\n') break;
    if (nl_grow(&c->buf, &c->cap, len + 2, 1, 256)) return -1;
    c->buf[len++] = (char)ch;
  }
  if (!any) return 0;
  if (!c->buf) {
    c->buf = nl_malloc(256);
    if (!c->buf) return -1;
    c->cap = 256;
  }
  if (len > 0 && c->buf[len - 1] == '\r') len--;
  c->buf[len] = '\0';
  c->line++;
  return 1;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
  return s;
}

/* Split c->buf at commas (double quotes protect commas; "" is a literal quote). -1: out of memory,
 * -2: unterminated quote. */
static int csv_split(csv *c) {
  c->nfield = 0;
  char *p = c->buf;
  for (;;) {
    if (nl_grow(&c->field, &c->fcap, c->nfield + 1, sizeof *c->field, 8)) return -1;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '"') {
      char *out = ++p, *start = p;
      for (;;) {
        if (*p == '\0') return -2;
        if (*p == '"') {
          if (p[1] == '"') {
            *out++ = '"';
            p += 2;
            continue;
          }
          p++;
          break;
        }
        *out++ = *p++;
      }
      while (*p == ' ' || *p == '\t') p++;
      char *next = p;
      *out = '\0';
      c->field[c->nfield++] = start;
      if (*next == ',') {
        p = next + 1;
        continue;
      }
      return 0;
    }
    char *start = p;
    while (*p && *p != ',') p++;
    int more = *p == ',';
    *p = '\0';
    c->field[c->nfield++] = trim(start);
    if (!more) return 0;
    p++;
  }
}

static int skip_line(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  return *s == '\0' || *s == '#';
}

static void csv_close(csv *c) {
  if (c->f) fclose(c->f);
  nl_free(c->buf);
  nl_free(c->field);
}

/* Next non-blank, non-comment line, split. 1 ok, 0 end, else an error already on g. */
static nl_status csv_next(nl_network *g, csv *c, int *got) {
  for (;;) {
    int r = csv_getline(c);
    if (r < 0) return nl_err(&g->err, NL_ENOMEM, "%s:%ld: out of memory", c->path, c->line);
    if (r == 0) {
      if (ferror(c->f)) return nl_err(&g->err, NL_EIO, "%s:%ld: read error", c->path, c->line);
      *got = 0;
      return NL_OK;
    }
    if (skip_line(c->buf)) continue;
    int s = csv_split(c);
    if (s == -1) return nl_err(&g->err, NL_ENOMEM, "%s:%ld: out of memory", c->path, c->line);
    if (s == -2) return nl_err(&g->err, NL_EPARSE, "%s:%ld: unterminated quoted field", c->path, c->line);
    *got = 1;
    return NL_OK;
  }
}

/* The next data row, which must have the header's ncol fields (NL_EPARSE naming the line). */
static nl_status csv_row(nl_network *g, csv *c, size_t ncol, int *got) {
  nl_status st = csv_next(g, c, got);
  if (st || !*got || c->nfield == ncol) return st;
  return nl_err(&g->err, NL_EPARSE, "%s:%ld: %zu field(s), but the header has %zu (ragged row)", c->path, c->line,
                c->nfield, ncol);
}

static nl_status csv_open(nl_network *g, csv *c, const char *path) {
  memset(c, 0, sizeof *c);
  c->path = path;
  c->f = fopen(path, "rb");
  if (!c->f) return nl_err(&g->err, NL_EIO, "%s: cannot open: %s", path, strerror(errno));
  return NL_OK;
}

/* ---- labels ----------------------------------------------------------------------------------- */

typedef struct labelmap {
  uint32_t *slot; /* index + 1, 0 empty */
  size_t cap;
} labelmap;

static uint64_t fnv(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static long label_find(const nl_network *g, const labelmap *m, const char *s) {
  if (!m->cap) return -1;
  for (size_t i = (size_t)fnv(s) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
    if (!m->slot[i]) return -1;
    if (strcmp(g->labels[m->slot[i] - 1], s) == 0) return (long)m->slot[i] - 1;
  }
}

static void label_put(labelmap *m, const char *s, uint32_t id) {
  size_t i = (size_t)fnv(s) & (m->cap - 1);
  while (m->slot[i]) i = (i + 1) & (m->cap - 1);
  m->slot[i] = id + 1;
}

/* Id of label s, adding it if new. -1 out of memory. */
static long label_id(nl_network *g, labelmap *m, const char *s) {
  long id = label_find(g, m, s);
  if (id >= 0) return id;
  if (2 * (g->nlabels + 1) > m->cap) {
    size_t nc = m->cap ? 2 * m->cap : 64;
    uint32_t *ns = nl_calloc(nc, sizeof(uint32_t));
    if (!ns) return -1;
    nl_free(m->slot);
    m->slot = ns;
    m->cap = nc;
    for (size_t k = 0; k < g->nlabels; k++) label_put(m, g->labels[k], (uint32_t)k);
  }
  if (nl_grow(&g->labels, &g->labelcap, g->nlabels + 1, sizeof *g->labels, 64)) return -1;
  char *copy = nl_strdup(s);
  if (!copy) return -1;
  g->labels[g->nlabels] = copy;
  label_put(m, copy, (uint32_t)g->nlabels);
  return (long)g->nlabels++;
}

/* Parse a whole-string integer in [0, n). */
static int parse_index(const char *s, size_t n, size_t *out) {
  if (!*s) return -1;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || v < 0 || (unsigned long long)v >= n) return -1;
  *out = (size_t)v;
  return 0;
}

static int parse_real(const char *s, double *out) {
  if (!*s) return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end) return -1;
  *out = v;
  return 0;
}

static int ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = *a, y = *b;
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return 0;
  }
  return *a == *b;
}

/* ---- edge list -------------------------------------------------------------------------------- */

/* A node's name in messages: its label, or its integer id when the ids are integers. */
static const char *node_name(const nl_network *g, uint32_t u, char *buf, size_t cap) {
  if (g->labels) return g->labels[u];
  snprintf(buf, cap, "%" PRIu32, u);
  return buf;
}

/* Add edge {u, v} from `line` with the self-loop / duplicate policy. Grows storage as needed. */
static nl_status add_edge_checked(nl_network *g, const char *path, long line, uint32_t u, uint32_t v, double w,
                                  unsigned flags, long *eline, size_t *elcap) {
  char a[16], b[16];
  if (u == v && !(flags & NL_NET_ALLOW_SELF_LOOPS))
    return nl_err(&g->err, NL_EINVAL, "%s:%ld: self-loop on node '%s' (not allowed)", path, line,
                  node_name(g, u, a, sizeof a));
  if (!(flags & NL_NET_ALLOW_MULTI)) {
    long e = nl_network_hash_find(g, u, v);
    if (e >= 0)
      return nl_err(&g->err, NL_EINVAL, "%s:%ld: duplicate edge '%s'-'%s' (first on line %ld; not allowed)", path,
                    line, node_name(g, u, a, sizeof a), node_name(g, v, b, sizeof b), eline ? eline[e] : 0L);
  }
  if (g->ne == g->ecap) {
    size_t ncap = g->ecap ? 2 * g->ecap : 64;
    /* the edge set is rebuilt after growing: its capacity changes */
    nl_status st = nl_network_ensure(g, g->n, ncap, g->weighted);
    if (st) return st;
    nl_network_hash_clear(g);
    for (size_t k = 0; k < g->ne; k++) nl_network_hash_put(g, g->eu[k], g->ev[k], (uint32_t)k);
  }
  if (eline && g->ne >= *elcap) return NL_ENOMEM; /* caller keeps elcap >= ecap */
  size_t e = nl_network_push(g, u, v, w);
  if (nl_network_hash_find(g, u, v) < 0) nl_network_hash_put(g, u, v, (uint32_t)e);
  if (eline) eline[e] = line;
  return NL_OK;
}

nl_status nl_network_read_edgelist_into(nl_network *g, const char *path, size_t n, unsigned flags) {
  if (!g) return NL_EINVAL;
  if (!path) return nl_err(&g->err, NL_EINVAL, "edge list: no file name");
  csv c;
  labelmap lm = {0};
  long *eline = NULL;
  size_t elcap = 0;
  nl_network_clear(g);
  nl_status st = csv_open(g, &c, path);
  if (st) return st;
  int got;
  if ((st = csv_next(g, &c, &got))) goto cleanup;
  if (!got) {
    st = nl_err(&g->err, NL_EPARSE, "%s:%ld: empty file: expected a header line (source,target[,weight])", path,
                c.line);
    goto cleanup;
  }
  size_t ncol = c.nfield;
  if (ncol < 2) {
    st = nl_err(&g->err, NL_EPARSE, "%s:%ld: header has %zu column(s): need at least source,target", path, c.line,
                ncol);
    goto cleanup;
  }
  long wcol = -1;
  for (size_t k = 2; k < ncol; k++)
    if (ieq(c.field[k], "weight")) wcol = (long)k;
  g->weighted = wcol >= 0;
  if ((st = nl_network_ensure(g, n, 64, g->weighted))) goto cleanup;
  g->n = n;
  if (n) memset(g->block, 0, n * sizeof(uint32_t));
  nl_network_hash_clear(g);
  for (;;) {
    if ((st = csv_row(g, &c, ncol, &got))) goto cleanup;
    if (!got) break;
    uint32_t id[2];
    for (int k = 0; k < 2; k++) {
      const char *s = c.field[k];
      if (n > 0) {
        size_t ix;
        if (parse_index(s, n, &ix)) {
          st = nl_err(&g->err, NL_ERANGE, "%s:%ld: node id '%s' is not an integer in [0, %zu)", path, c.line, s, n);
          goto cleanup;
        }
        id[k] = (uint32_t)ix;
      } else {
        if (!*s) {
          st = nl_err(&g->err, NL_EPARSE, "%s:%ld: empty node id", path, c.line);
          goto cleanup;
        }
        long ix = label_id(g, &lm, s);
        if (ix < 0) {
          st = nl_err(&g->err, NL_ENOMEM, "%s:%ld: out of memory", path, c.line);
          goto cleanup;
        }
        id[k] = (uint32_t)ix;
      }
    }
    double w = 1.0;
    if (wcol >= 0 && (parse_real(c.field[wcol], &w) || !(w > 0) || !isfinite(w))) {
      st = nl_err(&g->err, NL_EPARSE, "%s:%ld: weight '%s' is not a positive finite number", path, c.line,
                  c.field[wcol]);
      goto cleanup;
    }
    if (n == 0 && g->nlabels > g->ncap) {
      if ((st = nl_network_ensure(g, 2 * g->nlabels, g->ecap, g->weighted))) goto cleanup;
    }
    if (n == 0) g->n = g->nlabels;
    if (nl_grow(&eline, &elcap, g->ne + 1, sizeof *eline, 64)) {
      st = nl_err(&g->err, NL_ENOMEM, "%s:%ld: out of memory", path, c.line);
      goto cleanup;
    }
    if ((st = add_edge_checked(g, path, c.line, id[0], id[1], w, flags, eline, &elcap))) goto cleanup;
  }
  if (n == 0) {
    g->n = g->nlabels;
    if ((st = nl_network_ensure(g, g->n, g->ne, g->weighted))) goto cleanup;
    if (g->n) memset(g->block, 0, g->n * sizeof(uint32_t));
  }
cleanup:
  if (st) nl_network_clear(g);
  nl_free(lm.slot);
  nl_free(eline);
  csv_close(&c);
  return st;
}

/* ---- attributes ------------------------------------------------------------------------------- */

nl_status nl_network_load_attributes(nl_network *g, const char *path) {
  if (!g) return NL_EINVAL;
  if (!path) return nl_err(&g->err, NL_EINVAL, "node attributes: no file name");
  csv c;
  labelmap lm = {0};
  double *vals = NULL;
  char **names = NULL;
  size_t nnames = 0;
  long *seen_line = NULL;
  nl_status st = csv_open(g, &c, path);
  if (st) return st;
  int got;
  if ((st = csv_next(g, &c, &got))) goto cleanup;
  if (!got || c.nfield < 2) {
    st = nl_err(&g->err, NL_EPARSE, "%s:%ld: expected a header 'id,<attribute>,...'", path, c.line);
    goto cleanup;
  }
  size_t ncol = c.nfield, na = ncol - 1, n = g->n;
  names = nl_calloc(na, sizeof(char *));
  vals = nl_malloc((n ? na * n : 1) * sizeof(double));
  seen_line = nl_calloc(n ? n : 1, sizeof(long));
  if (!names || !vals || !seen_line) goto nomem;
  for (size_t k = 0; k < na; k++) {
    if (!(names[k] = nl_strdup(c.field[k + 1]))) goto nomem;
    nnames++;
  }
  for (size_t k = 0; k < na * n; k++) vals[k] = NAN;
  if (g->labels) { /* index the graph's labels */
    size_t cap = 64;
    while (cap < 2 * g->nlabels) cap *= 2;
    lm.slot = nl_calloc(cap, sizeof(uint32_t));
    if (!lm.slot) goto nomem;
    lm.cap = cap;
    for (size_t k = 0; k < g->nlabels; k++) label_put(&lm, g->labels[k], (uint32_t)k);
  }
  for (;;) {
    if ((st = csv_row(g, &c, ncol, &got))) goto cleanup;
    if (!got) break;
    size_t node;
    long ix = g->labels ? label_find(g, &lm, c.field[0]) : -1;
    if (g->labels ? ix < 0 : parse_index(c.field[0], n, &node) != 0) {
      st = nl_err(&g->err, NL_ERANGE, "%s:%ld: node id '%s' is not a node of the network (%zu nodes)", path, c.line,
                  c.field[0], n);
      goto cleanup;
    }
    if (g->labels) node = (size_t)ix;
    if (seen_line[node]) {
      st = nl_err(&g->err, NL_EINVAL, "%s:%ld: node '%s' listed twice (first on line %ld)", path, c.line, c.field[0],
                  seen_line[node]);
      goto cleanup;
    }
    seen_line[node] = c.line;
    for (size_t k = 0; k < na; k++) {
      const char *s = c.field[k + 1];
      double v = NAN;
      if (*s && !ieq(s, "NA") && parse_real(s, &v)) {
        st = nl_err(&g->err, NL_EPARSE, "%s:%ld: attribute '%s' = '%s' is not a number", path, c.line, names[k], s);
        goto cleanup;
      }
      vals[k * n + node] = v;
    }
  }
  /* install */
  for (size_t k = 0; k < g->nattr; k++) nl_free(g->attr_names[k]);
  nl_free(g->attr_names);
  nl_free(g->attr);
  g->attr_names = names;
  g->attr = vals;
  g->nattr = na;
  names = NULL;
  vals = NULL;
  nnames = 0;
  goto cleanup;
nomem:
  st = nl_err(&g->err, NL_ENOMEM, "%s: out of memory", path);
cleanup:
  for (size_t k = 0; k < nnames; k++) nl_free(names[k]);
  nl_free(names);
  nl_free(vals);
  nl_free(seen_line);
  nl_free(lm.slot);
  csv_close(&c);
  return st;
}

/* ---- GraphML ---------------------------------------------------------------------------------- */

nl_status nl_network_read_graphml_into(nl_network *g, const char *path, unsigned flags) {
  if (!g) return NL_EINVAL;
  if (!path) return nl_err(&g->err, NL_EINVAL, "GraphML: no file name");
  nl_network_clear(g);
  FILE *f = fopen(path, "rb");
  if (!f) return nl_err(&g->err, NL_EIO, "%s: cannot open: %s", path, strerror(errno));
  nl_status st = NL_OK;
  igraph_t ig;
  int have = 0;
  nl_igraph_enter();
  const igraph_attribute_table_t *old_attr = igraph_set_attribute_table(&igraph_cattribute_table);
  if (igraph_read_graph_graphml(&ig, f, 0)) {
    st = nl_err(&g->err, NL_EPARSE, "%s: GraphML does not parse: %s", path, nl_igraph_reason());
    goto cleanup;
  }
  have = 1;
  size_t n = (size_t)igraph_vcount(&ig), ne = (size_t)igraph_ecount(&ig);
  int weighted = igraph_cattribute_has_attr(&ig, IGRAPH_ATTRIBUTE_EDGE, "weight");
  int has_id = igraph_cattribute_has_attr(&ig, IGRAPH_ATTRIBUTE_VERTEX, "id");
  g->weighted = weighted;
  if ((st = nl_network_ensure(g, n, ne ? ne : 1, weighted))) goto cleanup;
  g->n = n;
  memset(g->block, 0, n * sizeof(uint32_t));
  nl_network_hash_clear(g);
  /* labels: the GraphML node ids */
  if (n) {
    g->labels = nl_calloc(n, sizeof(char *));
    if (!g->labels) goto nomem;
    for (size_t i = 0; i < n; i++) {
      char buf[32];
      const char *s = buf;
      if (has_id) s = VAS(&ig, "id", (igraph_integer_t)i);
      else snprintf(buf, sizeof buf, "%zu", i);
      if (!(g->labels[i] = nl_strdup(s))) goto nomem;
      g->nlabels = i + 1;
    }
  }
  for (size_t e = 0; e < ne; e++) {
    igraph_integer_t a, b;
    igraph_edge(&ig, (igraph_integer_t)e, &a, &b);
    double w = weighted ? EAN(&ig, "weight", (igraph_integer_t)e) : 1.0;
    uint32_t u = (uint32_t)a, v = (uint32_t)b;
    if (weighted && !(w > 0 && isfinite(w))) {
      st = nl_err(&g->err, NL_EINVAL, "%s: edge %zu ('%s'-'%s'): weight %g is not a positive finite number", path, e,
                  g->labels[u], g->labels[v], w);
      goto cleanup;
    }
    if (u == v && !(flags & NL_NET_ALLOW_SELF_LOOPS)) {
      st = nl_err(&g->err, NL_EINVAL, "%s: edge %zu: self-loop on node '%s' (not allowed)", path, e, g->labels[u]);
      goto cleanup;
    }
    long prev = nl_network_hash_find(g, u, v);
    if (prev >= 0 && !(flags & NL_NET_ALLOW_MULTI)) {
      st = nl_err(&g->err, NL_EINVAL, "%s: edge %zu: duplicate edge '%s'-'%s' (same as edge %ld; not allowed)", path,
                  e, g->labels[u], g->labels[v], prev);
      goto cleanup;
    }
    size_t k = nl_network_push(g, u, v, w);
    if (prev < 0) nl_network_hash_put(g, u, v, (uint32_t)k);
  }
  goto cleanup;
nomem:
  st = nl_err(&g->err, NL_ENOMEM, "%s: out of memory", path);
cleanup:
  if (have) igraph_destroy(&ig);
  igraph_set_attribute_table(old_attr);
  nl_igraph_leave();
  fclose(f);
  if (st) nl_network_clear(g);
  return st;
}

int nl_network_path_is_graphml(const char *path) {
  static const char *const ext[] = {".graphml", ".xml"};
  if (!path) return 0;
  size_t a = strlen(path);
  for (size_t i = 0; i < 2; i++) {
    size_t b = strlen(ext[i]);
    if (a >= b && strcasecmp(path + a - b, ext[i]) == 0) return 1;
  }
  return 0;
}

nl_status nl_network_read_file_into(nl_network *g, const char *path, size_t n, unsigned flags) {
  if (g && !path) return nl_err(&g->err, NL_EINVAL, "network: no file name");
  return nl_network_path_is_graphml(path) ? nl_network_read_graphml_into(g, path, flags)
                                          : nl_network_read_edgelist_into(g, path, n, flags);
}

/* The public readers: a new network in *out, returned also on failure with the message (the
 * library's contract for _open/_read/_parse); NULL only when memory ran out. */
nl_status nl_network_read_edgelist(const char *path, size_t n, unsigned flags, nl_network **out) {
  if (!out) return NL_EINVAL;
  if (!(*out = nl_network_new())) return NL_ENOMEM;
  return nl_network_read_edgelist_into(*out, path, n, flags);
}

nl_status nl_network_read_graphml(const char *path, unsigned flags, nl_network **out) {
  if (!out) return NL_EINVAL;
  if (!(*out = nl_network_new())) return NL_ENOMEM;
  return nl_network_read_graphml_into(*out, path, flags);
}

nl_status nl_network_read_file(const char *path, size_t n, unsigned flags, nl_network **out) {
  if (!out) return NL_EINVAL;
  if (!(*out = nl_network_new())) return NL_ENOMEM;
  return nl_network_read_file_into(*out, path, n, flags);
}
