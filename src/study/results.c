/*
 * Reading a finished study (include/netlearn/study.h): verdicts per hypothesis and the constructs
 * that had no variance in a replication's survey. Used by the CLI, the tables (output.c) and the
 * report (report.c); calls nothing else of the study.
 */
#include <stdio.h>

#include "study/study_impl.h"

static long flat_reps(const nl_study *s, size_t pi, size_t h) {
  int mask = 0;
  for (size_t k = 0; k < s->hyp[h].len; k++) {
    int c = nl_survey_construct_find(&s->sv, s->cname[s->hyp[h].chain[k]]);
    if (c >= 0) mask |= 1 << c;
  }
  long n = 0;
  for (long r = 0; r < s->R; r++) n += s->pt[pi].rep[r].st == NL_OK && (s->pt[pi].rep[r].flat & mask) != 0;
  return n;
}

size_t nl_study_flat_constructs(const nl_study *s, size_t point, long rep, char *buf, size_t cap) {
  size_t n = 0, len = 0;
  if (!buf) cap = 0;
  if (cap) buf[0] = '\0';
  if (!s || !s->ran || point >= s->npoints || rep < 0 || rep >= s->R || s->pt[point].rep[rep].st != NL_OK) return 0;
  for (int c = 0; c < NL_SV_NCON; c++)
    if (s->pt[point].rep[rep].flat & (1 << c)) {
      if (len < cap) len += (size_t)snprintf(buf + len, cap - len, "%s%s", n ? ", " : "", nl_survey_construct_name(&s->sv, c));
      n++;
    }
  return n;
}

nl_status nl_study_verdict_get(const nl_study *s, size_t point, size_t h, nl_study_verdict *out) {
  if (!s->ran || point >= s->npoints || h >= s->H) return NL_EINVAL;
  const study_point *pt = &s->pt[point];
  out->id = s->hyp[h].id;
  out->effect = s->hyp[h].effect;
  out->sign = s->hyp[h].sign;
  out->replications = pt->nest[h];
  out->supported = pt->nsup[h];
  out->opposite = pt->nopp[h];
  out->share = pt->share[h];
  out->mean = pt->hmean[h];
  out->sd = pt->hsd[h];
  out->q05 = pt->hq05[h];
  out->median = pt->hmed[h];
  out->q95 = pt->hq95[h];
  out->verdict = pt->verdict[h];
  out->flat = flat_reps(s, point, h);
  return NL_OK;
}
