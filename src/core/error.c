#include "core/error.h"

#include <stdio.h>
#include <string.h>

nl_status nl_verr(nl_errbuf *e, nl_status st, const char *fmt, va_list ap) {
  if (e) vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  return st;
}

nl_status nl_err(nl_errbuf *e, nl_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  nl_verr(e, st, fmt, ap);
  va_end(ap);
  return st;
}

nl_status nl_model_error(nl_errbuf *err, nl_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  nl_verr(err, st, fmt, ap);
  va_end(ap);
  return st;
}

void nl_err_prefix(nl_errbuf *e, const char *prefix) {
  if (!e || !prefix) return;
  char tmp[NL_ERRMSG_MAX];
  snprintf(tmp, sizeof tmp, "%s: %s", prefix, e->msg);
  memcpy(e->msg, tmp, sizeof tmp);
}

void nl_err_clear(nl_errbuf *e) {
  if (e) e->msg[0] = '\0';
}

size_t nl_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return la > lb ? la : lb;
  size_t row[64];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = (a[i - 1] == b[j - 1]) ? 0 : 1;
      size_t best = diag + cost;
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

long nl_closest_name(const char *s, const char *const *names, size_t n) {
  long best = -1;
  size_t bestd = (size_t)-1;
  for (size_t i = 0; i < n; i++) {
    size_t d = nl_edit_distance(s, names[i]);
    if (d < bestd) {
      bestd = d;
      best = (long)i;
    }
  }
  size_t len = strlen(s);
  size_t limit = len <= 3 ? 1 : (len <= 6 ? 2 : 3);
  return (best >= 0 && bestd <= limit) ? best : -1;
}
