/*
 * Minimizing Q with NLopt's derivative-free methods (Debian's libnlopt-dev, C API) or the in-tree
 * CMA-ES (cmaes.c; NLopt has none), from several starts: the first is the file's start (the
 * scenario's values), the others the first points of a scrambled Sobol' sequence over the bounds
 * (design/sobol.h): spread over every range and every pair of ranges, and a fixed design for a
 * given seed. The optimizer is deterministic (NLopt's own generator is seeded with the
 * calibration's seed for the global methods; CMA-ES draws from the Philox streams (seed, start)), so a resumed calibration asks for the same
 * parameter vectors in the same order and finds each one in results.db.
 */
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <string.h>

#include "calibrate/calib_impl.h"
#include "calibrate/cmaes.h"
#include "core/alloc.h"
#include "design/sobol.h"

typedef struct objective_ctx {
  nl_calib *c;
  nlopt_opt opt;
  int start;
  nl_status st;
  double *m, *x;
} objective_ctx;

static double objective(unsigned n, const double *theta, double *grad, void *data) {
  (void)n;
  (void)grad; /* derivative-free methods only */
  objective_ctx *o = data;
  double q = HUGE_VAL;
  if (o->st) return q;
  /* NLopt may step a hair outside the bounds in floating point: clamp before simulating */
  double t[64];
  for (size_t j = 0; j < o->c->P; j++) t[j] = fmin(fmax(theta[j], o->c->lo[j]), o->c->hi[j]);
  o->st = nl_calib_evaluate(o->c, t, 0, o->start, o->m, o->x, &q);
  if (o->st) {
    nlopt_force_stop(o->opt);
    return HUGE_VAL;
  }
  return isfinite(q) ? q : HUGE_VAL; /* a statistic undefined at theta (e.g. no variance): the worst */
}

/* The same objective for CMA-ES (theta inside the bounds already). */
static double cmaes_objective(void *data, const double *theta, int *stop) {
  objective_ctx *o = data;
  double q = HUGE_VAL;
  o->st = nl_calib_evaluate(o->c, theta, 0, o->start, o->m, o->x, &q);
  if (o->st) *stop = 1;
  return q;
}

static nl_status run_cmaes(nl_calib *c, objective_ctx *o, const double *x0, long budget) {
  /* xtol: CMA-ES stops when its search spread is below xtol of every parameter's range (NLopt's
   * xtol_rel is relative to the parameter's value instead); step: the initial spread */
  nl_cmaes_opts opt = {c->P, c->lo, c->hi, x0, c->init_step, 0, budget, c->xtol, 0, c->seed, (uint64_t)o->start};
  nl_cmaes_result r;
  double *xb = nl_malloc(c->P * sizeof *xb);
  if (!xb) return nl_err(&c->err, NL_ENOMEM, "out of memory");
  nl_status st = nl_cmaes_minimize(&opt, cmaes_objective, o, xb, &r);
  nl_free(xb);
  if (o->st) return o->st;
  if (st == NL_ENOMEM) return nl_err(&c->err, st, "out of memory");
  if (st) return nl_err(&c->err, NL_ECONVERGE, "optimizer cmaes failed from start %d", o->start + 1);
  return NL_OK;
}

static nlopt_algorithm algorithm(nl_calib_method m) {
  switch (m) {
  case NL_CALIB_NELDERMEAD: return NLOPT_LN_NELDERMEAD;
  case NL_CALIB_SBPLX: return NLOPT_LN_SBPLX;
  case NL_CALIB_CRS2: return NLOPT_GN_CRS2_LM;
  case NL_CALIB_ISRES: return NLOPT_GN_ISRES;
  default: return NLOPT_LN_BOBYQA;
  }
}

nl_status nl_calib_optimize(nl_calib *c) {
  size_t P = c->P;
  if (P > 64) return nl_err(&c->err, NL_EINVAL, "%zu free parameters: at most 64", P);
  nl_status st = NL_OK;
  size_t S = (size_t)c->starts;
  double *x0 = nl_malloc(S * P * sizeof *x0), *step = nl_malloc(P * sizeof *step);
  nl_sobol sob = {0, NULL, NULL};
  objective_ctx o = {c, NULL, 0, NL_OK, nl_malloc(c->K * sizeof(double)), nl_malloc((size_t)c->R * c->K * sizeof(double))};
  if (!x0 || !step || !o.m || !o.x) {
    st = nl_err(&c->err, NL_ENOMEM, "out of memory");
    goto cleanup;
  }
  memcpy(x0, c->start, P * sizeof *x0);
  if (S > 1) {
    /* the other starts: points 0 .. S-2 of a Sobol' sequence scrambled with a key derived from the
     * seed (never 0, which would leave it unscrambled and put the first start on a corner) */
    uint64_t key = c->seed + 0x9E3779B97F4A7C15ull;
    st = nl_sobol_init(&sob, P, key ? key : 1);
    if (st) {
      st = nl_err(&c->err, st, "out of memory");
      goto cleanup;
    }
    for (size_t i = 1; i < S; i++) {
      nl_sobol_point(&sob, (uint64_t)(i - 1), x0 + i * P);
      for (size_t j = 0; j < P; j++) x0[i * P + j] = c->lo[j] + (c->hi[j] - c->lo[j]) * x0[i * P + j];
    }
  }
  for (size_t j = 0; j < P; j++) step[j] = c->init_step * (c->hi[j] - c->lo[j]);
  long budget = c->max_evals / (long)S;
  if (budget < 1) budget = 1;
  for (size_t i = 0; i < S && !st; i++) {
    if (c->method == NL_CALIB_CMAES) {
      o.start = (int)i;
      st = run_cmaes(c, &o, x0 + i * P, budget);
      continue;
    }
    o.opt = nlopt_create(algorithm(c->method), (unsigned)P);
    if (!o.opt) {
      st = nl_err(&c->err, NL_ENOMEM, "out of memory creating the optimizer");
      break;
    }
    o.start = (int)i;
    nlopt_srand((unsigned long)(c->seed + i)); /* CRS2 and ISRES draw from NLopt's generator */
    nlopt_set_lower_bounds(o.opt, c->lo);
    nlopt_set_upper_bounds(o.opt, c->hi);
    nlopt_set_min_objective(o.opt, objective, &o);
    nlopt_set_maxeval(o.opt, (int)budget);
    nlopt_set_xtol_rel(o.opt, c->xtol);
    nlopt_set_initial_step(o.opt, step);
    double *x = x0 + i * P, fmin = HUGE_VAL;
    nlopt_result r = nlopt_optimize(o.opt, x, &fmin);
    nlopt_destroy(o.opt);
    o.opt = NULL;
    if (o.st) st = o.st;
    else if (r < 0 && r != NLOPT_ROUNDOFF_LIMITED)
      st = nl_err(&c->err, NL_ECONVERGE, "optimizer %s failed from start %zu: %s", nl_calib_method_names[c->method],
                  i + 1, nlopt_result_to_string(r));
  }
cleanup:
  nl_free(x0);
  nl_free(step);
  nl_sobol_clear(&sob);
  nl_free(o.m);
  nl_free(o.x);
  return st;
}
