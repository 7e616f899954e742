#include "core/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void nl_format_double(char *buf, size_t cap, double v) {
  if (isnan(v)) {
    snprintf(buf, cap, "NA");
    return;
  }
  if (isinf(v)) {
    snprintf(buf, cap, v > 0 ? "Inf" : "-Inf");
    return;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, cap, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) return;
  }
}

void nl_format_fput(FILE *f, double v) {
  char buf[40];
  nl_format_double(buf, sizeof buf, v);
  fputs(buf, f);
}
