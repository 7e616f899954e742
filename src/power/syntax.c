/*
 * Population values in lavaan syntax: `X =~ 0.8*x1`, `Y ~ 0.3*X`, `A ~~ 0.2*B`.
 *
 * The scan copies the text with every `value*` and every `~~` statement replaced by spaces, so
 * the copy is a plain PLS model whose line and column numbers are those of the original: the PLS
 * parser (pls/model.c) checks the grammar and the model and its messages point into the user's
 * file. The scan itself only records the values and where they were written.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "power/power_internal.h"

enum { K_NAME, K_NUM, K_STAR, K_OP, K_PLUS, K_END, K_EOF, K_OTHER };

typedef struct ptok {
  int kind, op;
  size_t pos, len;
  long line, col;
  double num;
} ptok;

typedef struct scanner {
  const char *s;
  size_t pos;
  long line, col;
} scanner;

static void next_tok(scanner *sc, ptok *t) {
  const char *s = sc->s;
  for (;;) {
    char c = s[sc->pos];
    if (c == ' ' || c == '\t' || c == '\r') sc->pos++, sc->col++;
    else if (c == '#')
      while (s[sc->pos] && s[sc->pos] != '\n') sc->pos++, sc->col++;
    else break;
  }
  t->pos = sc->pos;
  t->line = sc->line;
  t->col = sc->col;
  t->len = 1;
  t->op = 0;
  char c = s[sc->pos];
  if (c == '\0') {
    t->kind = K_EOF;
    t->len = 0;
    return;
  }
  if (c == '\n' || c == ';') {
    t->kind = K_END;
    sc->pos++;
    if (c == '\n') sc->line++, sc->col = 1;
    else sc->col++;
    return;
  }
  int sign = c == '-'; /* '+' is always the operator: "a +0.2*b" adds 0.2*b */
  char d = s[sc->pos + (size_t)sign];
  if (isdigit((unsigned char)d) || (d == '.' && isdigit((unsigned char)s[sc->pos + (size_t)sign + 1]))) {
    char *end = NULL;
    t->num = strtod(s + sc->pos, &end);
    t->kind = K_NUM;
    t->len = (size_t)(end - (s + sc->pos));
  } else if (isalpha((unsigned char)c) || c == '_' || c == '.') {
    size_t n = 0;
    while (isalnum((unsigned char)s[sc->pos + n]) || s[sc->pos + n] == '_' || s[sc->pos + n] == '.') n++;
    t->kind = K_NAME;
    t->len = n;
  } else if (c == '*') {
    t->kind = K_STAR;
  } else if (c == '+') {
    t->kind = K_PLUS;
  } else if ((c == '=' || c == '<') && s[sc->pos + 1] == '~') {
    t->kind = K_OP, t->len = 2, t->op = c == '=' ? PW_OP_MEAS_A : PW_OP_MEAS_B;
  } else if (c == '~') {
    t->kind = K_OP;
    t->op = s[sc->pos + 1] == '~' ? PW_OP_COV : PW_OP_REG;
    t->len = t->op == PW_OP_COV ? 2 : 1;
  } else {
    t->kind = K_OTHER;
  }
  sc->pos += t->len;
  sc->col += (long)t->len;
}

static void blank(char *m, size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if (m[i] != '\n') m[i] = ' ';
}

static nl_status add_term(pw_syntax *sx, const char *s, const ptok *lhs, int op, const ptok *val, const ptok *name,
                          nl_errbuf *err) {
  if (nl_grow(&sx->t, &sx->cap, sx->nt + 1, sizeof *sx->t, 32)) return nl_err(err, NL_ENOMEM, "out of memory");
  pw_term *t = &sx->t[sx->nt];
  memset(t, 0, sizeof *t);
  t->lhs = nl_malloc(lhs->len + 1);
  t->rhs = nl_malloc(name->len + 1);
  sx->nt++; /* counted now so that pw_syntax_free releases what was allocated */
  if (!t->lhs || !t->rhs) return nl_err(err, NL_ENOMEM, "out of memory");
  memcpy(t->lhs, s + lhs->pos, lhs->len);
  t->lhs[lhs->len] = '\0';
  memcpy(t->rhs, s + name->pos, name->len);
  t->rhs[name->len] = '\0';
  t->op = op;
  t->has_value = val != NULL;
  t->value = val ? val->num : NAN;
  t->line = val ? val->line : name->line;
  t->col = val ? val->col : name->col;
  return NL_OK;
}

/* One statement starting at token *t; leaves *t at its end (K_END or K_EOF). Anything the
 * grammar does not expect stops the scan of the statement: the PLS parser reports it. */
static nl_status scan_statement(scanner *sc, ptok *t, const char *src, pw_syntax *sx, nl_errbuf *err) {
  const char *s = sc->s;
  ptok lhs[64];
  size_t nl = 0;
  size_t start = t->pos;
  for (;;) {
    if (t->kind == K_NUM) {
      ptok v = *t;
      next_tok(sc, t);
      if (t->kind == K_STAR)
        return nl_err(err, NL_EPARSE, "%s:%ld:%ld: a value belongs before a name on the right of the operator, "
                      "as in 'Y ~ 0.3*X'", src, v.line, v.col);
      return NL_OK;
    }
    if (t->kind != K_NAME || nl == 64) return NL_OK;
    lhs[nl++] = *t;
    next_tok(sc, t);
    if (t->kind != K_PLUS) break;
    next_tok(sc, t);
    while (t->kind == K_END) next_tok(sc, t);
  }
  if (t->kind != K_OP) return NL_OK;
  int op = t->op;
  ptok optok = *t;
  if (op == PW_OP_COV && nl != 1)
    return nl_err(err, NL_EPARSE, "%s:%ld:%ld: '~~' takes one name on its left", src, optok.line, optok.col);
  next_tok(sc, t);
  for (;;) {
    while (t->kind == K_END) next_tok(sc, t);
    ptok val, *pv = NULL;
    if (t->kind == K_NUM) {
      val = *t;
      pv = &val;
      next_tok(sc, t);
      if (t->kind != K_STAR) {
        if (op == PW_OP_COV)
          return nl_err(err, NL_EPARSE, "%s:%ld:%ld: expected '*' and a name after the value, as in 'A ~~ 0.3*B'",
                        src, val.line, val.col);
        return NL_OK;
      }
      next_tok(sc, t);
      if (t->kind != K_NAME)
        return nl_err(err, NL_EPARSE, "%s:%ld:%ld: expected a name after '%.*s*'", src, t->line, t->col,
                      (int)val.len, s + val.pos);
      if (!isfinite(val.num))
        return nl_err(err, NL_EPARSE, "%s:%ld:%ld: the value '%.*s' is not a finite number", src, val.line, val.col,
                      (int)val.len, s + val.pos);
      if (op != PW_OP_COV) blank(sx->masked, val.pos, t->pos);
    } else if (t->kind != K_NAME) {
      if (op == PW_OP_COV)
        return nl_err(err, NL_EPARSE, "%s:%ld:%ld: expected a correlation such as '0.3*B' after '~~'", src, t->line,
                      t->col);
      return NL_OK;
    }
    if (op == PW_OP_COV && !pv)
      return nl_err(err, NL_EPARSE, "%s:%ld:%ld: give the population correlation, as in '%.*s ~~ 0.3*%.*s'", src,
                    t->line, t->col, (int)lhs[0].len, s + lhs[0].pos, (int)t->len, s + t->pos);
    for (size_t a = 0; a < nl; a++) {
      nl_status st = add_term(sx, s, &lhs[a], op, pv, t, err);
      if (st != NL_OK) return st;
    }
    ptok name = *t;
    next_tok(sc, t);
    if (t->kind == K_STAR)
      return nl_err(err, NL_EPARSE, "%s:%ld:%ld: a population value is a number, as in '0.3*X'; labels such as "
                    "'%.*s*' are not supported", src, name.line, name.col, (int)name.len, s + name.pos);
    if (t->kind != K_PLUS) break;
    next_tok(sc, t);
  }
  if (op == PW_OP_COV) {
    if (t->kind != K_END && t->kind != K_EOF)
      return nl_err(err, NL_EPARSE, "%s:%ld:%ld: expected '+' or the end of the statement", src, t->line, t->col);
    blank(sx->masked, start, t->pos);
  }
  return NL_OK;
}

nl_status pw_syntax_scan(const char *text, const char *source, pw_syntax *sx, nl_errbuf *err) {
  memset(sx, 0, sizeof *sx);
  sx->masked = nl_strdup(text);
  if (!sx->masked) return nl_err(err, NL_ENOMEM, "out of memory");
  scanner sc = {text, 0, 1, 1};
  ptok t;
  next_tok(&sc, &t);
  while (t.kind != K_EOF) {
    if (t.kind == K_END) {
      next_tok(&sc, &t);
      continue;
    }
    nl_status st = scan_statement(&sc, &t, source, sx, err);
    if (st != NL_OK) return st;
    while (t.kind != K_END && t.kind != K_EOF) next_tok(&sc, &t); /* the PLS parser reports the rest */
  }
  return NL_OK;
}

void pw_syntax_free(pw_syntax *sx) {
  if (!sx) return;
  for (size_t i = 0; i < sx->nt; i++) {
    nl_free(sx->t[i].lhs);
    nl_free(sx->t[i].rhs);
  }
  nl_free(sx->t);
  nl_free(sx->masked);
  memset(sx, 0, sizeof *sx);
}
