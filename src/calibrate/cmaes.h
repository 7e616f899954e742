#ifndef NL_CALIBRATE_CMAES_H
#define NL_CALIBRATE_CMAES_H
/*
 * A (mu/mu_w, lambda)-CMA-ES (covariance matrix adaptation evolution strategy) for box-bounded
 * minimization, written after N. Hansen, "The CMA Evolution Strategy: A Tutorial" (2016,
 * arXiv:1604.00772): weighted recombination, cumulative step-size adaptation, rank-one and
 * rank-mu covariance updates with the tutorial's default constants. Debian ships no C-callable
 * CMA-ES (only python3-cmaes) and NLopt has none, hence this one (own code).
 *
 * The search runs in coordinates scaled to the unit box (x = lo + u (hi - lo)), so sigma0 and
 * xtol are shares of each range. Bounds: a candidate outside the box is mirrored back into it
 * and the mirrored point both evaluated and used in the update (its step's Mahalanobis length
 * capped at sqrt(n) + 2n/(n+2), the tutorial's safeguard for repaired solutions).
 * Candidates are drawn from the Philox streams (seed, stream, NL_RNG_CMAES, generation): the same
 * seed gives the same sequence of evaluated points, whatever else runs.
 */
#include <stddef.h>
#include <stdint.h>

#include "netlearn/status.h"

/* The objective at x (n values, inside the bounds). Set *stop non-zero to end the search (the
 * value returned with it is ignored). */
typedef double (*nl_cmaes_fn)(void *user, const double *x, int *stop);

typedef struct nl_cmaes_opts {
  size_t n;                 /* dimensions, 1..64 */
  const double *lo, *hi;    /* finite bounds, lo < hi (borrowed) */
  const double *x0;         /* start, inside the bounds (borrowed) */
  double sigma0;            /* initial step size as a share of each range (e.g. 0.3) */
  long lambda;              /* population; <= 0: 4 + floor(3 ln n) */
  long max_evals;           /* budget (>= 1) */
  double xtol;              /* stop when every coordinate's sd is below xtol (share of the range) */
  double ftol;              /* stop when the best values of the last 10 + 30n/lambda generations
                             * and the current generation's values span less than ftol (0: never) */
  uint64_t seed, stream;
} nl_cmaes_opts;

/* Why a search ended. */
enum { NL_CMAES_MAXEVALS = 1, NL_CMAES_XTOL, NL_CMAES_FTOL, NL_CMAES_CONDITION, NL_CMAES_STOPPED };

typedef struct nl_cmaes_result {
  double fbest;  /* best value seen (HUGE_VAL when none was finite) */
  long evals;    /* evaluations made */
  long generations;
  int reason;    /* NL_CMAES_* */
} nl_cmaes_result;

/* Minimize f from o->x0; the best point seen into xbest (n values). Non-finite values count as
 * the worst. Errors: NL_EINVAL (bad options), NL_ENOMEM, NL_ENUMERIC (the covariance matrix's
 * eigendecomposition failed). Cost: per generation lambda evaluations of f plus O(n^3). */
nl_status nl_cmaes_minimize(const nl_cmaes_opts *o, nl_cmaes_fn f, void *user, double *xbest, nl_cmaes_result *res);

#endif
