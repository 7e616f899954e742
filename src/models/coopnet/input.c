/*
 * coopnet's input files: the firm table (CSV) and the initial tie network (edge list CSV or
 * GraphML). Every error names the file, and the line where there is one.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "models/coopnet/cn_impl.h"
#include "network/network_impl.h"

void cn_table_free(cn_table *t) {
  if (!t) return;
  nl_free(t->size);
  nl_free(t->x);
  nl_free(t->e);
  nl_free(t->patience);
  nl_free(t->alpha);
  memset(t, 0, sizeof *t);
}

enum { C_ID, C_SIZE, C_X, C_E, C_PAT, C_ALPHA, C_N };
static const char *const colnames[C_N] = {"firm", "size", "explore", "exploit", "patience", "amplification"};

/* Split a line in place at commas (fields may be double-quoted, without embedded commas in
 * quotes beyond the quotes themselves), trimming blanks. Returns the number of fields. */
static size_t split(char *line, char **f, size_t cap) {
  size_t n = 0;
  char *p = line;
  for (;;) {
    while (*p == ' ' || *p == '\t') p++;
    char *start = p, *end;
    if (*p == '"') {
      start = ++p;
      while (*p && *p != '"') p++;
      end = p;
      if (*p == '"') p++;
      while (*p && *p != ',') p++;
    } else {
      while (*p && *p != ',') p++;
      end = p;
      while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) end--;
    }
    char sep = *p;
    *end = '\0';
    if (n < cap) f[n] = start;
    n++;
    if (sep != ',') break;
    p++;
  }
  return n;
}

static int parse_num(const char *s, double *v) {
  if (!*s) return -1;
  char *end;
  errno = 0;
  *v = strtod(s, &end);
  if (*end || errno || !isfinite(*v)) return -1;
  return 0;
}

nl_status cn_table_read(cn_table *t, const char *path, nl_errbuf *err) {
  memset(t, 0, sizeof *t);
  nl_status st = NL_OK;
  long *line_of = NULL;
  double *ids = NULL; /* firm id of each row, in file order */
  FILE *fp = fopen(path, "r");
  if (!fp) return nl_err(err, NL_EIO, "%s: cannot open the firm table: %s", path, strerror(errno));
  char buf[4096];
  char *fld[64];
  long col[64];
  size_t ncol = 0, cap = 0, nrow = 0;
  long line = 0;
  int have[C_N] = {0};
  int header = 0;
  while (fgets(buf, sizeof buf, fp)) {
    line++;
    size_t len = strlen(buf);
    if (len == sizeof buf - 1 && buf[len - 1] != '\n') {
      st = nl_err(err, NL_EPARSE, "%s:%ld: line too long", path, line);
      goto cleanup;
    }
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = '\0';
    char *b = buf;
    if (line == 1 && (unsigned char)b[0] == 0xEF && (unsigned char)b[1] == 0xBB && (unsigned char)b[2] == 0xBF) b += 3;
    const char *q = b;
    while (*q == ' ' || *q == '\t') q++;
    if (!*q || *q == '#') continue;
    size_t nf = split(b, fld, 64);
    if (!header) {
      header = 1;
      if (nf > 64) {
        st = nl_err(err, NL_EPARSE, "%s:%ld: too many columns (%zu)", path, line, nf);
        goto cleanup;
      }
      ncol = nf;
      for (size_t j = 0; j < nf; j++) {
        col[j] = -1;
        for (int c = 0; c < C_N; c++)
          if (strcasecmp(fld[j], colnames[c]) == 0 || (c == C_ID && strcasecmp(fld[j], "id") == 0)) col[j] = c;
        if (col[j] < 0) {
          st = nl_err(err, NL_EINVAL,
                      "%s:%ld: unknown column '%s' (expected firm, size, explore, exploit, patience, amplification)",
                      path, line, fld[j]);
          goto cleanup;
        }
        if (have[col[j]]) {
          st = nl_err(err, NL_EINVAL, "%s:%ld: column '%s' appears twice", path, line, fld[j]);
          goto cleanup;
        }
        have[col[j]] = 1;
      }
      if (!have[C_ID] || !have[C_SIZE]) {
        st = nl_err(err, NL_EINVAL, "%s:%ld: the firm table needs the columns 'firm' and 'size'", path, line);
        goto cleanup;
      }
      continue;
    }
    if (nf != ncol) {
      st = nl_err(err, NL_EPARSE, "%s:%ld: %zu fields where the header has %zu", path, line, nf, ncol);
      goto cleanup;
    }
    if (nrow == cap) { /* seven arrays, one capacity */
      double **arrs[6] = {&t->size, &t->x, &t->e, &t->patience, &t->alpha, &ids};
      size_t c = cap;
      for (int a = 0; a < 6; a++) {
        c = cap;
        if (nl_grow(arrs[a], &c, nrow + 1, sizeof(double), 64)) goto nomem;
      }
      c = cap;
      if (nl_grow(&line_of, &c, nrow + 1, sizeof *line_of, 64)) goto nomem;
      cap = c;
    }
    double v[C_N];
    for (int c = 0; c < C_N; c++) v[c] = NAN;
    for (size_t j = 0; j < nf; j++) {
      double d;
      if (parse_num(fld[j], &d)) {
        st = nl_err(err, NL_EPARSE, "%s:%ld: %s '%s' is not a number", path, line, colnames[col[j]], fld[j]);
        goto cleanup;
      }
      v[col[j]] = d;
    }
    if (v[C_ID] < 0 || v[C_ID] != floor(v[C_ID])) {
      st = nl_err(err, NL_EINVAL, "%s:%ld: firm id %g must be a non-negative integer", path, line, v[C_ID]);
      goto cleanup;
    }
    if (v[C_SIZE] < 1 || v[C_SIZE] != floor(v[C_SIZE]) || v[C_SIZE] > 1e7) {
      st = nl_err(err, NL_ERANGE, "%s:%ld: firm %g: size %g must be a positive whole number of members", path, line,
                  v[C_ID], v[C_SIZE]);
      goto cleanup;
    }
    for (int c = C_X; c < C_N; c++) {
      if (!have[c]) continue;
      if (c == C_PAT) {
        if (v[c] < 0 || v[c] != floor(v[c]) || v[c] > 1e6) {
          st = nl_err(err, NL_ERANGE, "%s:%ld: firm %g: patience %g must be a whole number of review rounds >= 0",
                      path, line, v[C_ID], v[c]);
          goto cleanup;
        }
      } else if (v[c] < 0 || v[c] > 1) {
        st = nl_err(err, NL_ERANGE, "%s:%ld: firm %g: %s %g is outside [0, 1]", path, line, v[C_ID], colnames[c], v[c]);
        goto cleanup;
      }
    }
    ids[nrow] = v[C_ID];
    t->size[nrow] = v[C_SIZE];
    t->x[nrow] = v[C_X];
    t->e[nrow] = v[C_E];
    t->patience[nrow] = v[C_PAT];
    t->alpha[nrow] = v[C_ALPHA];
    line_of[nrow] = line;
    nrow++;
  }
  if (ferror(fp)) {
    st = nl_err(err, NL_EIO, "%s: read error", path);
    goto cleanup;
  }
  if (!header || nrow == 0) {
    st = nl_err(err, NL_EPARSE, "%s: the firm table has no rows", path);
    goto cleanup;
  }
  {
    /* Place rows by id: ids must be exactly 0..F-1, each once. */
    size_t F = nrow, maxr = 0;
    for (size_t r = 0; r < nrow; r++)
      if (ids[r] > ids[maxr]) maxr = r;
    if (ids[maxr] > 1e7) {
      st = nl_err(err, NL_ERANGE, "%s:%ld: firm id %g is too large", path, line_of[maxr], ids[maxr]);
      goto cleanup;
    }
    size_t nid = (size_t)ids[maxr] + 1;
    double *sz = nl_malloc(F * sizeof(double)), *x = nl_malloc(F * sizeof(double)),
           *e = nl_malloc(F * sizeof(double)), *pt = nl_malloc(F * sizeof(double)),
           *al = nl_malloc(F * sizeof(double));
    long *seen = nl_calloc(nid, sizeof(long));
    if (!sz || !x || !e || !pt || !al || !seen) {
      nl_free(sz), nl_free(x), nl_free(e), nl_free(pt), nl_free(al), nl_free(seen);
      goto nomem;
    }
    for (size_t r = 0; r < nrow && !st; r++) {
      size_t k = (size_t)ids[r];
      if (seen[k])
        st = nl_err(err, NL_EINVAL, "%s:%ld: firm %zu is listed twice (first on line %ld)", path, line_of[r], k, seen[k]);
      else
        seen[k] = line_of[r];
    }
    for (size_t k = 0; k < nid && !st; k++)
      if (!seen[k])
        st = nl_err(err, NL_EINVAL,
                    "%s: firm id %zu is missing: ids must run 0..%zu without gaps (firm %zu is on line %ld)", path, k,
                    nid - 1, nid - 1, line_of[maxr]);
    for (size_t r = 0; r < nrow && !st; r++) {
      size_t k = (size_t)ids[r];
      sz[k] = t->size[r];
      x[k] = t->x[r];
      e[k] = t->e[r];
      pt[k] = t->patience[r];
      al[k] = t->alpha[r];
    }
    nl_free(seen);
    cn_table_free(t);
    t->F = F;
    t->size = sz;
    t->x = x;
    t->e = e;
    t->patience = pt;
    t->alpha = al;
    if (st) {
      /* cleanup frees t */
    }
  }
cleanup:
  nl_free(line_of);
  nl_free(ids);
  fclose(fp);
  if (st) cn_table_free(t);
  return st;
nomem:
  st = nl_err(err, NL_ENOMEM, "%s: out of memory", path);
  goto cleanup;
}

nl_status cn_network_read(cn_state *s, const char *path, nl_errbuf *err) {
  nl_status st;
  size_t F = s->F;
  int graphml = nl_network_path_is_graphml(path);
  st = nl_network_read_file_into(s->net, path, F, 0);
  if (st) return nl_err(err, st, "%s", nl_network_errmsg(s->net));
  size_t n = nl_network_nodes(s->net);
  s->node_firm = nl_malloc((n ? n : 1) * sizeof(uint32_t));
  if (!s->node_firm) return nl_err(err, NL_ENOMEM, "%s: out of memory", path);
  if (!graphml) {
    for (size_t i = 0; i < n; i++) s->node_firm[i] = (uint32_t)i;
  } else {
    /* GraphML node ids must be the firm ids 0..F-1, each once. */
    if (n != F)
      return nl_err(err, NL_EINVAL, "%s: the network has %zu nodes but there are %zu firms (node ids must be 0..%zu)",
                    path, n, F, F ? F - 1 : 0);
    unsigned char *seen = nl_calloc(F ? F : 1, 1);
    if (!seen) return nl_err(err, NL_ENOMEM, "%s: out of memory", path);
    for (size_t i = 0; i < n; i++) {
      const char *lab = nl_network_label(s->net, i);
      char *end;
      errno = 0;
      unsigned long long id = strtoull(lab, &end, 10);
      if (!*lab || *end || errno || id >= F || seen[id]) {
        nl_free(seen);
        return nl_err(err, NL_EINVAL, "%s: node '%s' is not a firm id (ids must be 0..%zu, each once)", path, lab,
                      F - 1);
      }
      seen[id] = 1;
      s->node_firm[i] = (uint32_t)id;
    }
    nl_free(seen);
  }
  /* Tie strengths are trust levels in (0, 1]; each firm's ties must fit its capacity. */
  uint32_t *deg = nl_calloc(F ? F : 1, sizeof(uint32_t));
  if (!deg) return nl_err(err, NL_ENOMEM, "%s: out of memory", path);
  st = NL_OK;
  for (size_t e = 0; e < nl_network_edges(s->net) && !st; e++) {
    size_t u, v;
    double w;
    nl_network_edge(s->net, e, &u, &v, &w);
    size_t fu = s->node_firm[u], fv = s->node_firm[v];
    if (nl_network_weighted(s->net) && !(w > 0 && w <= 1))
      st = nl_err(err, NL_ERANGE, "%s: tie %zu-%zu has weight %g: tie strengths must be in (0, 1]", path, fu, fv, w);
    else if (++deg[fu] > s->K || ++deg[fv] > s->K)
      st = nl_err(err, NL_EINVAL, "%s: firm %zu has more than capacity = %zu ties", path,
                  deg[fu] > s->K ? fu : fv, s->K);
  }
  nl_free(deg);
  return st;
}
