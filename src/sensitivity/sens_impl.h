#ifndef NL_SENS_IMPL_H
#define NL_SENS_IMPL_H
/* Sensitivity internals: the analysis' design as its run pipeline (rundir.c) sees it. The Sobol'
 * sequence generator lives with the other designs (design/sobol.h). */
#include <stddef.h>
#include <stdint.h>

#include "design/sobol.h"
#include "netlearn/sensitivity.h"
#include "netlearn/status.h"

/* Whether d holds the design nl_sensitivity_spec_design last built from p (spec.c). */
int nl_sens_spec_built(const nl_sensitivity_spec *p, const nl_design *d);
/* p forgets that design (it is about to be freed): nl_sensitivity_spec_collect then refuses. */
void nl_sens_spec_drop_design(nl_sensitivity_spec *p);

#endif
