/*
 * Parser for lavaan-style PLS-SEM model text (see nl_pls_model_parse in netlearn/pls.h).
 *
 * A hand-written tokenizer yields names, the three operators, '+', statement ends (newline or
 * ';') and end of input, each with its line and column. Statements are collected first and
 * checked as a whole afterwards (undefined constructs, duplicates, cycles), so messages can point
 * at the offending name wherever it appears.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "io/text.h"
#include "pls/pls_internal.h"

enum { T_NAME, T_MEAS_A, T_MEAS_B, T_REG, T_PLUS, T_COLON, T_END, T_EOF };

typedef struct tok {
  int kind;
  const char *s; /* name start */
  size_t len;
  long line, col;
} tok;

typedef struct lex {
  const char *s;
  size_t pos;
  long line, col;
  long col0; /* column of the first character of every line */
} lex;

typedef struct pname {
  char *name;
  long line, col;
} pname;

typedef struct pdef {
  pname con;
  int mode;
  size_t first, count; /* into the indicator list */
} pdef;

typedef struct parser {
  nl_errbuf *err;
  const char *src;
  lex lx;
  tok t;
  pname *ind;
  size_t nind, capind;
  pdef *def;
  size_t ndef, capdef;
  pname *pf, *pt; /* paths */
  size_t npath, cappf, cappt;
} parser;

static void lex_next(lex *lx, tok *t) {
  for (;;) {
    char c = lx->s[lx->pos];
    if (c == ' ' || c == '\t' || c == '\r') {
      lx->pos++;
      lx->col++;
    } else if (c == '#') {
      while (lx->s[lx->pos] && lx->s[lx->pos] != '\n') lx->pos++;
    } else {
      break;
    }
  }
  t->line = lx->line;
  t->col = lx->col;
  t->s = lx->s + lx->pos;
  t->len = 1;
  char c = lx->s[lx->pos];
  if (c == '\0') {
    t->kind = T_EOF;
    t->len = 0;
    return;
  }
  if (c == '\n' || c == ';') {
    t->kind = T_END;
    lx->pos++;
    if (c == '\n') {
      lx->line++;
      lx->col = lx->col0;
    } else {
      lx->col++;
    }
    return;
  }
  if (isalpha((unsigned char)c) || c == '_' || c == '.' || isdigit((unsigned char)c)) {
    size_t n = 0;
    while (isalnum((unsigned char)t->s[n]) || t->s[n] == '_' || t->s[n] == '.') n++;
    t->kind = T_NAME;
    t->len = n;
    lx->pos += n;
    lx->col += (long)n;
    return;
  }
  if (c == '=' && lx->s[lx->pos + 1] == '~') t->kind = T_MEAS_A, t->len = 2;
  else if (c == '<' && lx->s[lx->pos + 1] == '~') t->kind = T_MEAS_B, t->len = 2;
  else if (c == '~') t->kind = T_REG, t->len = 1;
  else if (c == '+') t->kind = T_PLUS, t->len = 1;
  else if (c == ':') t->kind = T_COLON, t->len = 1;
  else t->kind = -1; /* invalid character */
  lx->pos += t->len;
  lx->col += (long)t->len;
}

static nl_status perr(parser *p, const tok *t, const char *msg) {
  if (t->kind == T_EOF)
    return nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: %s, found end of input", p->src, t->line, t->col, msg);
  if (t->kind == T_END)
    return nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: %s, found end of line", p->src, t->line, t->col, msg);
  /* The token as printable text: a byte that is not printable ASCII (non-UTF-8 input, a control
   * character) as \xHH, so the message itself stays valid text. */
  char shown[200];
  size_t k = 0;
  for (size_t i = 0; i < t->len && i < 40 && k + 5 < sizeof shown; i++) {
    unsigned char c = (unsigned char)t->s[i];
    if (c >= 0x20 && c < 0x7f) shown[k++] = (char)c;
    else k += (size_t)snprintf(shown + k, sizeof shown - k, "\\x%02X", c);
  }
  shown[k] = '\0';
  return nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: %s, found '%s'", p->src, t->line, t->col, msg, shown);
}

static nl_status name_of(parser *p, const tok *t, pname *out) {
  if (isdigit((unsigned char)t->s[0])) {
    if (t->s[t->len] == '*')
      return nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: modifiers such as '%.*s*' are not supported", p->src, t->line,
                    t->col, (int)t->len, t->s);
    return nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: a name cannot start with a digit: '%.*s'", p->src, t->line, t->col,
                  (int)t->len, t->s);
  }
  if (t->s[t->len] == '*') {
    if (isalpha((unsigned char)t->s[t->len + 1]))
      return nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: write an interaction term as '%.*s:...' (lavaan), not with '*'",
                    p->src, t->line, t->col, (int)t->len, t->s);
    return nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: modifiers such as '%.*s*' are not supported", p->src, t->line,
                  t->col, (int)t->len, t->s);
  }
  out->name = nl_malloc(t->len + 1);
  if (!out->name) return nl_err(p->err, NL_ENOMEM, "out of memory");
  memcpy(out->name, t->s, t->len);
  out->name[t->len] = '\0';
  out->line = t->line;
  out->col = t->col;
  return NL_OK;
}

/* next token, skipping statement ends when `cont` (after '+' or an operator) */
static void advance(parser *p, int cont) {
  lex_next(&p->lx, &p->t);
  while (cont && p->t.kind == T_END) lex_next(&p->lx, &p->t);
}

/* ':' where it has no meaning (left of '~', in indicator lists) */
static nl_status colon_err(parser *p) {
  return nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: an interaction term 'A:B' can only be an antecedent, on the right of '~'",
                p->src, p->t.line, p->t.col);
}

/* NAME ':' NAME after the first NAME was read into *first: joins them into "A:B" */
static nl_status join_interaction(parser *p, pname *first) {
  nl_status st;
  advance(p, 0);
  pname second = {0};
  if (p->t.kind != T_NAME) return perr(p, &p->t, "expected a construct name after ':' in an interaction term");
  if ((st = name_of(p, &p->t, &second)) != NL_OK) return st;
  size_t la = strlen(first->name), lb = strlen(second.name);
  char *joined = nl_malloc(la + lb + 2);
  if (!joined) {
    nl_free(second.name);
    return nl_err(p->err, NL_ENOMEM, "out of memory");
  }
  memcpy(joined, first->name, la);
  joined[la] = ':';
  memcpy(joined + la + 1, second.name, lb + 1);
  nl_free(second.name);
  nl_free(first->name);
  first->name = joined;
  advance(p, 0);
  if (p->t.kind == T_COLON)
    return nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: only two-way interactions 'A:B' are supported", p->src, p->t.line,
                  p->t.col);
  return NL_OK;
}

/* names := NAME ('+' NAME)* ; appended to `list` (an array of pname); with `terms`, a name may be
 * an interaction term NAME ':' NAME */
static nl_status parse_names(parser *p, pname **list, size_t *n, size_t *cap, const char *what, int terms) {
  nl_status st;
  for (;;) {
    if (p->t.kind != T_NAME) {
      char msg[96];
      snprintf(msg, sizeof msg, "expected %s", what);
      return perr(p, &p->t, msg);
    }
    if (nl_grow(list, cap, *n + 1, sizeof **list, 16) != 0) return nl_err(p->err, NL_ENOMEM, "out of memory");
    if ((st = name_of(p, &p->t, &(*list)[*n])) != NL_OK) return st;
    (*n)++;
    advance(p, 0);
    if (p->t.kind == T_COLON) {
      if (!terms) return colon_err(p);
      if ((st = join_interaction(p, &(*list)[*n - 1])) != NL_OK) return st;
    }
    if (p->t.kind != T_PLUS) return NL_OK;
    advance(p, 1);
  }
}

static nl_status parse_statement(parser *p) {
  nl_status st;
  pname lhs[64];
  size_t nlhs = 0;
  memset(lhs, 0, sizeof lhs);
  for (;;) {
    if (p->t.kind != T_NAME) {
      st = perr(p, &p->t, "expected a construct name at the start of a statement");
      goto cleanup;
    }
    if (nlhs == 64) {
      st = nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: too many names before '~'", p->src, p->t.line, p->t.col);
      goto cleanup;
    }
    if ((st = name_of(p, &p->t, &lhs[nlhs])) != NL_OK) goto cleanup;
    nlhs++;
    advance(p, 0);
    if (p->t.kind == T_COLON) {
      st = colon_err(p);
      goto cleanup;
    }
    if (p->t.kind != T_PLUS) break;
    advance(p, 1);
  }
  int op = p->t.kind;
  if (op == T_REG && p->t.s[1] == '~') {
    st = nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: '~~' (a covariance) has no meaning in a PLS path model", p->src,
                p->t.line, p->t.col);
    goto cleanup;
  }
  if (op != T_MEAS_A && op != T_MEAS_B && op != T_REG) {
    st = perr(p, &p->t, "expected '=~' (reflective), '<~' (composite) or '~' (paths) after the construct name");
    goto cleanup;
  }
  tok optok = p->t;
  advance(p, 1);
  if (op == T_REG) {
    pname *rhs = NULL;
    size_t nrhs = 0, caprhs = 0;
    st = parse_names(p, &rhs, &nrhs, &caprhs, "a construct name after '~'", 1);
    if (st == NL_OK) {
      for (size_t a = 0; a < nlhs && st == NL_OK; a++)
        for (size_t b = 0; b < nrhs; b++) {
          if (nl_grow(&p->pf, &p->cappf, p->npath + 1, sizeof *p->pf, 16) != 0 ||
              nl_grow(&p->pt, &p->cappt, p->npath + 1, sizeof *p->pt, 16) != 0) {
            st = nl_err(p->err, NL_ENOMEM, "out of memory");
            break;
          }
          p->pf[p->npath] = rhs[b];
          p->pt[p->npath] = lhs[a];
          p->pf[p->npath].name = nl_strdup(rhs[b].name);
          p->pt[p->npath].name = nl_strdup(lhs[a].name);
          p->npath++;
          /* a duplicate may be non-NULL on one side only; both are freed by parser_free */
          if (!p->pf[p->npath - 1].name || !p->pt[p->npath - 1].name) {
            st = nl_err(p->err, NL_ENOMEM, "out of memory");
            break;
          }
        }
    }
    for (size_t b = 0; b < nrhs; b++) nl_free(rhs[b].name);
    nl_free(rhs);
    if (st != NL_OK) goto cleanup;
  } else {
    if (nlhs != 1) {
      st = nl_err(p->err, NL_EPARSE, "%s:%ld:%ld: '%s' defines one construct at a time", p->src, optok.line, optok.col,
                  op == T_MEAS_A ? "=~" : "<~");
      goto cleanup;
    }
    if (nl_grow(&p->def, &p->capdef, p->ndef + 1, sizeof *p->def, 16) != 0) {
      st = nl_err(p->err, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
    pdef *d = &p->def[p->ndef];
    d->first = p->nind;
    d->count = 0;
    st = parse_names(p, &p->ind, &p->nind, &p->capind, "an indicator name", 0);
    if (st != NL_OK) goto cleanup;
    d->con = lhs[0];
    lhs[0].name = NULL;
    d->mode = op == T_MEAS_A ? NL_PLS_MODE_A : NL_PLS_MODE_B;
    d->count = p->nind - d->first;
    p->ndef++;
  }
  if (p->t.kind != T_END && p->t.kind != T_EOF) {
    st = perr(p, &p->t, "expected '+' or the end of the statement");
    goto cleanup;
  }
  st = NL_OK;
cleanup:
  for (size_t a = 0; a < nlhs; a++) nl_free(lhs[a].name);
  return st;
}

static long find_def(const parser *p, const char *name) {
  for (size_t j = 0; j < p->ndef; j++)
    if (strcmp(p->def[j].con.name, name) == 0) return (long)j;
  return -1;
}

/* DFS colouring for cycle detection; on a cycle fills `stack` and returns its length. */
static size_t find_cycle(const nl_pls_model *m, size_t v, int *color, size_t *stack, size_t depth, size_t *cstart) {
  color[v] = 1;
  stack[depth] = v;
  for (size_t k = 0; k < m->np; k++) {
    if (m->pfrom[k] != v) continue;
    size_t u = m->pto[k];
    if (color[u] == 1) {
      for (size_t i = 0; i <= depth; i++)
        if (stack[i] == u) *cstart = i;
      return depth + 1;
    }
    if (color[u] == 0) {
      size_t r = find_cycle(m, u, color, stack, depth + 1, cstart);
      if (r) return r;
    }
  }
  color[v] = 2;
  return 0;
}

/* Index of interaction term `name` ("A:B") in the list being built, or -1. */
static long find_term(char *const *terms, size_t nterm, const char *name) {
  for (size_t t = 0; t < nterm; t++)
    if (strcmp(terms[t], name) == 0) return (long)t;
  return -1;
}

/* 1 if `term` is an interaction term "A:B" with A or B equal to `name`. */
static int in_term(const char *term, const char *name) {
  const char *colon = strchr(term, ':');
  if (!colon) return 0;
  size_t la = (size_t)(colon - term);
  return (strlen(name) == la && strncmp(term, name, la) == 0) || strcmp(colon + 1, name) == 0;
}

static nl_status build(parser *p, nl_pls_model *m) {
  nl_errbuf *e = p->err;
  const char *src = p->src;
  nl_status st = NL_OK;
  char **terms = NULL; /* interaction terms, in order of first use (owned until moved into m) */
  const pname **tloc = NULL;
  int *kind = NULL;    /* per definition: PLS_KIND_* */
  long *dim_of = NULL; /* per definition: the higher-order construct it is a dimension of, or -1 */
  size_t nterm = 0;
  if (p->ndef == 0 && p->npath == 0) return nl_err(e, NL_EINVAL, "%s: the model is empty", src);
  for (size_t j = 0; j < p->ndef; j++) {
    long k = find_def(p, p->def[j].con.name);
    if ((size_t)k != j)
      return nl_err(e, NL_EINVAL, "%s:%ld:%ld: construct '%s' is already defined at line %ld", src,
                    p->def[j].con.line, p->def[j].con.col, p->def[j].con.name, p->def[k].con.line);
  }
  for (size_t i = 0; i < p->nind; i++)
    for (size_t k = 0; k < i; k++)
      if (strcmp(p->ind[i].name, p->ind[k].name) == 0)
        return nl_err(e, NL_EINVAL, "%s:%ld:%ld: %s '%s' is used twice (first at line %ld, column %ld)", src,
                      p->ind[i].line, p->ind[i].col, find_def(p, p->ind[i].name) >= 0 ? "construct" : "indicator",
                      p->ind[i].name, p->ind[k].line, p->ind[k].col);
  kind = nl_calloc(p->ndef ? p->ndef : 1, sizeof *kind);
  dim_of = nl_malloc((p->ndef ? p->ndef : 1) * sizeof *dim_of);
  terms = nl_calloc(p->npath ? p->npath : 1, sizeof *terms);
  tloc = nl_calloc(p->npath ? p->npath : 1, sizeof *tloc);
  if (!kind || !dim_of || !terms || !tloc) {
    st = nl_err(e, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  /* higher-order constructs: every "indicator" is a construct (two-stage approach) */
  for (size_t j = 0; j < p->ndef; j++) dim_of[j] = -1;
  for (size_t j = 0; j < p->ndef; j++) {
    const pdef *d = &p->def[j];
    size_t ncon = 0;
    const pname *acon = NULL, *aitem = NULL;
    for (size_t i = 0; i < d->count; i++) {
      const pname *x = &p->ind[d->first + i];
      if (find_def(p, x->name) >= 0) ncon++, acon = acon ? acon : x;
      else aitem = aitem ? aitem : x;
    }
    if (ncon == 0) continue;
    if (ncon < d->count) {
      st = nl_err(e, NL_EINVAL,
                  "%s:%ld:%ld: '%s' mixes constructs and indicators ('%s' is a construct, '%s' is not): a "
                  "higher-order construct is measured by lower-order constructs only",
                  src, d->con.line, d->con.col, d->con.name, acon->name, aitem->name);
      goto cleanup;
    }
    if (ncon < 2) {
      st = nl_err(e, NL_EINVAL,
                  "%s:%ld:%ld: higher-order construct '%s' has one lower-order construct ('%s'); it needs at least two "
                  "(otherwise use '%s' itself)",
                  src, d->con.line, d->con.col, d->con.name, acon->name, acon->name);
      goto cleanup;
    }
    kind[j] = PLS_KIND_HOC;
    for (size_t i = 0; i < d->count; i++) dim_of[find_def(p, p->ind[d->first + i].name)] = (long)j;
  }
  for (size_t j = 0; j < p->ndef; j++)
    if (kind[j] == PLS_KIND_HOC)
      for (size_t i = 0; i < p->def[j].count; i++) {
        const pname *x = &p->ind[p->def[j].first + i];
        if (kind[find_def(p, x->name)] == PLS_KIND_HOC) {
          st = nl_err(e, NL_EINVAL,
                      "%s:%ld:%ld: '%s' is itself a higher-order construct; only second-order constructs are supported",
                      src, x->line, x->col, x->name);
          goto cleanup;
        }
      }
  /* path ends: constructs or interaction terms A:B of two constructs */
  for (size_t k = 0; k < p->npath; k++) {
    const pname *ends[2] = {&p->pf[k], &p->pt[k]};
    for (int e2 = 0; e2 < 2; e2++) {
      const pname *x = ends[e2];
      const char *colon = strchr(x->name, ':');
      if (colon) {
        size_t la = (size_t)(colon - x->name);
        char a[256], b[256];
        snprintf(a, sizeof a, "%.*s", (int)(la < 255 ? la : 255), x->name);
        snprintf(b, sizeof b, "%s", colon + 1);
        for (int h = 0; h < 2; h++) {
          const char *c = h ? b : a;
          long dj = find_def(p, c);
          if (dj < 0) {
            st = nl_err(e, NL_EINVAL, "%s:%ld:%ld: '%s' in the interaction term '%s' is not a defined construct", src,
                        x->line, x->col, c, x->name);
            goto cleanup;
          }
          if (dim_of[dj] >= 0 || kind[dj] == PLS_KIND_HOC) {
            st = nl_err(e, NL_EINVAL,
                        "%s:%ld:%ld: interaction terms with higher-order or lower-order constructs ('%s') are not "
                        "supported",
                        src, x->line, x->col, c);
            goto cleanup;
          }
        }
        if (strcmp(a, b) == 0) {
          st = nl_err(e, NL_EINVAL,
                      "%s:%ld:%ld: '%s' is an interaction of '%s' with itself (a quadratic term), which is not "
                      "supported",
                      src, x->line, x->col, x->name, a);
          goto cleanup;
        }
        char rev[512];
        snprintf(rev, sizeof rev, "%s:%s", b, a);
        long rt = find_term(terms, nterm, rev);
        if (rt >= 0) {
          st = nl_err(e, NL_EINVAL, "%s:%ld:%ld: '%s' is the same interaction as '%s' (line %ld); write it one way",
                      src, x->line, x->col, x->name, rev, tloc[rt]->line);
          goto cleanup;
        }
        if (find_term(terms, nterm, x->name) < 0) {
          if (!(terms[nterm] = nl_strdup(x->name))) {
            st = nl_err(e, NL_ENOMEM, "out of memory");
            goto cleanup;
          }
          tloc[nterm++] = x;
        }
        continue;
      }
      long dj = find_def(p, x->name);
      if (dj < 0) {
        st = nl_err(e, NL_EINVAL,
                    "%s:%ld:%ld: construct '%s' has no indicators (define it with '%s =~ item1 + item2' or "
                    "'%s <~ item1 + item2')",
                    src, x->line, x->col, x->name, x->name, x->name);
        goto cleanup;
      }
      if (dim_of[dj] >= 0) {
        st = nl_err(e, NL_EINVAL,
                    "%s:%ld:%ld: '%s' is a lower-order construct of '%s' and cannot also be in a structural path "
                    "(use '%s' in the path)",
                    src, x->line, x->col, x->name, p->def[dim_of[dj]].con.name, p->def[dim_of[dj]].con.name);
        goto cleanup;
      }
    }
  }
  if (p->npath == 0) {
    st = nl_err(e, NL_EINVAL, "%s: the structural model is empty: add paths such as 'Y ~ X1 + X2'", src);
    goto cleanup;
  }
  for (size_t j = 0; j < p->ndef; j++) {
    int used = dim_of[j] >= 0;
    for (size_t k = 0; k < p->npath && !used; k++)
      used = strcmp(p->pf[k].name, p->def[j].con.name) == 0 || strcmp(p->pt[k].name, p->def[j].con.name) == 0 ||
             in_term(p->pf[k].name, p->def[j].con.name);
    if (!used) {
      st = nl_err(e, NL_EINVAL, "%s:%ld:%ld: construct '%s' is not part of any structural path", src,
                  p->def[j].con.line, p->def[j].con.col, p->def[j].con.name);
      goto cleanup;
    }
  }
  for (size_t j = 0; j < p->ndef && nterm > 0; j++)
    if (kind[j] == PLS_KIND_HOC) {
      st = nl_err(e, NL_EINVAL,
                  "%s:%ld:%ld: interaction terms and higher-order constructs in one model are not supported ('%s' is "
                  "higher-order)",
                  src, tloc[0]->line, tloc[0]->col, p->def[j].con.name);
      goto cleanup;
    }

  m->nc = p->ndef + nterm;
  m->ni = p->nind;
  m->np = p->npath;
  m->cname = nl_calloc(m->nc, sizeof *m->cname);
  m->cmode = nl_calloc(m->nc, sizeof *m->cmode);
  m->ckind = nl_calloc(m->nc, sizeof *m->ckind);
  m->civ = nl_calloc(m->nc, sizeof *m->civ);
  m->cmod = nl_calloc(m->nc, sizeof *m->cmod);
  m->cline = nl_calloc(m->nc, sizeof *m->cline);
  m->ccol = nl_calloc(m->nc, sizeof *m->ccol);
  m->istart = nl_calloc(m->nc, sizeof *m->istart);
  m->icount = nl_calloc(m->nc, sizeof *m->icount);
  m->iname = nl_calloc(m->ni ? m->ni : 1, sizeof *m->iname);
  m->iline = nl_calloc(m->ni ? m->ni : 1, sizeof *m->iline);
  m->icol = nl_calloc(m->ni ? m->ni : 1, sizeof *m->icol);
  m->pfrom = nl_calloc(m->np, sizeof *m->pfrom);
  m->pto = nl_calloc(m->np, sizeof *m->pto);
  if (!m->cname || !m->cmode || !m->ckind || !m->civ || !m->cmod || !m->cline || !m->ccol || !m->istart ||
      !m->icount || !m->iname || !m->iline || !m->icol || !m->pfrom || !m->pto) {
    st = nl_err(e, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  size_t at = 0;
  for (size_t j = 0; j < p->ndef; j++) {
    if (!(m->cname[j] = nl_strdup(p->def[j].con.name))) {
      st = nl_err(e, NL_ENOMEM, "out of memory");
      goto cleanup;
    }
    m->cmode[j] = p->def[j].mode;
    m->ckind[j] = kind[j];
    m->cline[j] = p->def[j].con.line;
    m->ccol[j] = p->def[j].con.col;
    m->istart[j] = at;
    m->icount[j] = p->def[j].count;
    if (kind[j] == PLS_KIND_HOC) m->nhoc++;
    for (size_t i = 0; i < p->def[j].count; i++) {
      m->iline[at] = p->ind[p->def[j].first + i].line;
      m->icol[at] = p->ind[p->def[j].first + i].col;
      m->iname[at++] = p->ind[p->def[j].first + i].name;
      p->ind[p->def[j].first + i].name = NULL;
    }
  }
  /* interaction terms: Mode A constructs whose indicators are made when the model is bound to data */
  for (size_t t = 0; t < nterm; t++) {
    size_t j = p->ndef + t;
    char *colon = strchr(terms[t], ':');
    *colon = '\0';
    m->civ[j] = (size_t)find_def(p, terms[t]);
    m->cmod[j] = (size_t)find_def(p, colon + 1);
    *colon = ':';
    m->cname[j] = terms[t];
    terms[t] = NULL;
    m->cmode[j] = NL_PLS_MODE_A;
    m->ckind[j] = PLS_KIND_INTERACTION;
    m->cline[j] = tloc[t]->line;
    m->ccol[j] = tloc[t]->col;
    m->istart[j] = at;
    m->nint++;
  }
  for (size_t k = 0; k < m->np; k++) {
    long f = strchr(p->pf[k].name, ':') ? (long)p->ndef + find_term(m->cname + p->ndef, nterm, p->pf[k].name)
                                         : find_def(p, p->pf[k].name);
    m->pfrom[k] = (size_t)f;
    m->pto[k] = (size_t)find_def(p, p->pt[k].name);
    for (size_t l = 0; l < k; l++)
      if (m->pfrom[l] == m->pfrom[k] && m->pto[l] == m->pto[k]) {
        st = nl_err(e, NL_EINVAL, "%s:%ld:%ld: duplicated path %s -> %s", src, p->pf[k].line, p->pf[k].col,
                    p->pf[k].name, p->pt[k].name);
        goto cleanup;
      }
    if (m->pfrom[k] == m->pto[k]) {
      st = nl_err(e, NL_EINVAL, "%s:%ld:%ld: the structural model is not recursive: %s ~ %s is a loop", src,
                  p->pf[k].line, p->pf[k].col, p->pt[k].name, p->pf[k].name);
      goto cleanup;
    }
  }
  int *color = nl_calloc(m->nc, sizeof *color);
  size_t *stack = nl_calloc(m->nc + 1, sizeof *stack);
  if (!color || !stack) {
    st = nl_err(e, NL_ENOMEM, "out of memory");
  } else {
    for (size_t v = 0; v < m->nc && st == NL_OK; v++) {
      size_t cs = 0, len = color[v] ? 0 : find_cycle(m, v, color, stack, 0, &cs);
      if (len) {
        char buf[512];
        size_t off = 0;
        for (size_t i = cs; i < len && off < sizeof buf; i++)
          off += (size_t)snprintf(buf + off, sizeof buf - off, "%s -> ", m->cname[stack[i]]);
        if (off < sizeof buf) snprintf(buf + off, sizeof buf - off, "%s", m->cname[stack[cs]]);
        st = nl_err(e, NL_EINVAL, "%s: the structural model is not recursive (it has a cycle: %s); PLS-SEM needs "
                    "a recursive model", src, buf);
      }
    }
  }
  nl_free(color);
  nl_free(stack);
cleanup:
  for (size_t t = 0; terms && t < nterm; t++) nl_free(terms[t]);
  nl_free(terms);
  nl_free(tloc);
  nl_free(kind);
  nl_free(dim_of);
  return st;
}

static void parser_free(parser *p) {
  for (size_t i = 0; i < p->nind; i++) nl_free(p->ind[i].name);
  for (size_t j = 0; j < p->ndef; j++) nl_free(p->def[j].con.name);
  for (size_t k = 0; k < p->npath; k++) {
    nl_free(p->pf[k].name);
    nl_free(p->pt[k].name);
  }
  nl_free(p->ind);
  nl_free(p->def);
  nl_free(p->pf);
  nl_free(p->pt);
}

void nl_pls_model_free(nl_pls_model *m) {
  if (!m) return;
  for (size_t j = 0; m->cname && j < m->nc; j++) nl_free(m->cname[j]);
  for (size_t i = 0; m->iname && i < m->ni; i++) nl_free(m->iname[i]);
  nl_free(m->cname);
  nl_free(m->cmode);
  nl_free(m->ckind);
  nl_free(m->civ);
  nl_free(m->cmod);
  nl_free(m->cline);
  nl_free(m->ccol);
  nl_free(m->istart);
  nl_free(m->icount);
  nl_free(m->iname);
  nl_free(m->iline);
  nl_free(m->icol);
  nl_free(m->pfrom);
  nl_free(m->pto);
  nl_free(m->source);
  nl_free(m);
}

const char *nl_pls_model_errmsg(const nl_pls_model *m) { return NL_ERRMSG_OF(m); }

nl_status nl_pls_model_parse(const char *text, const char *source, nl_pls_model **out) {
  return nl_pls_model_parse_at(text, source, 1, 1, out);
}

nl_status nl_pls_model_parse_at(const char *text, const char *source, long first_line, long first_col,
                                nl_pls_model **out) {
  nl_status st = NL_OK;
  parser p;
  memset(&p, 0, sizeof p);
  *out = NULL;
  nl_pls_model *m = nl_calloc(1, sizeof *m);
  if (!m) return NL_ENOMEM;
  *out = m;
  m->source = nl_strdup(source ? source : "<string>");
  if (!m->source) return nl_err(&m->err, NL_ENOMEM, "out of memory");
  if (!text) return nl_err(&m->err, NL_EINVAL, "no model text");
  p.err = &m->err;
  p.src = m->source;
  p.lx.s = text;
  p.lx.line = first_line > 0 ? first_line : 1;
  p.lx.col0 = first_col > 0 ? first_col : 1;
  p.lx.col = p.lx.col0;
  advance(&p, 1);
  while (p.t.kind != T_EOF) {
    if (p.t.kind == -1) {
      /* A byte that is not printable ASCII (non-UTF-8 text, a control character) is shown as \xHH. */
      unsigned char c = (unsigned char)p.t.s[0];
      if (c >= 0x20 && c < 0x7f)
        st = nl_err(&m->err, NL_EPARSE, "%s:%ld:%ld: unexpected character '%c'", p.src, p.t.line, p.t.col, c);
      else
        st = nl_err(&m->err, NL_EPARSE, "%s:%ld:%ld: unexpected byte \\x%02X (the model is plain text: names are "
                    "ASCII letters, digits and '_')", p.src, p.t.line, p.t.col, c);
      goto cleanup;
    }
    if ((st = parse_statement(&p)) != NL_OK) goto cleanup;
    advance(&p, 1);
  }
  st = build(&p, m);
cleanup:
  if (st != NL_OK && p.t.kind == -1 && m->err.msg[0] == '\0')
    nl_err(&m->err, NL_EPARSE, "%s:%ld:%ld: unexpected character", p.src, p.t.line, p.t.col);
  parser_free(&p);
  if (st != NL_OK) {
    /* keep the handle (for the message) but drop partial structure */
    for (size_t j = 0; m->cname && j < m->nc; j++) nl_free(m->cname[j]);
    for (size_t i = 0; m->iname && i < m->ni; i++) nl_free(m->iname[i]);
    nl_free(m->cname), m->cname = NULL;
    nl_free(m->iname), m->iname = NULL;
    m->nc = m->ni = m->np = m->nint = m->nhoc = 0;
  }
  return st;
}

/* A handle holding only why reading failed (the caller reads it with nl_pls_model_errmsg). */
static nl_status read_error(nl_pls_model **out, nl_status st, const char *path, const char *what, const char *detail) {
  nl_pls_model *m = nl_calloc(1, sizeof *m);
  if (!m) return NL_ENOMEM;
  *out = m;
  return nl_err(&m->err, st, "%s: %s%s", path, what, detail);
}

nl_status nl_pls_model_read(const char *path, nl_pls_model **out) {
  nl_status st = NL_OK;
  char *text = NULL;
  size_t len = 0;
  int is_stdin = strcmp(path, "-") == 0;
  *out = NULL;
  FILE *f = is_stdin ? stdin : fopen(path, "rb");
  if (!f) return read_error(out, NL_EIO, path, "cannot open model file: ", strerror(errno));
  int rc = nl_text_slurp(f, SIZE_MAX - 1, &text, &len);
  if (rc == -1) st = NL_ENOMEM;
  else if (rc) st = read_error(out, NL_EIO, path, "cannot read model file: ", strerror(errno));
  else if (memchr(text, '\0', len))
    st = read_error(out, NL_EPARSE, path, "the model file contains a NUL byte (not a text file?)", "");
  else {
    /* a UTF-8 byte-order mark, as some editors write */
    const char *body = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? text + 3 : text;
    st = nl_pls_model_parse(body, is_stdin ? "<stdin>" : path, out);
  }
  if (!is_stdin) fclose(f);
  nl_free(text);
  return st;
}
