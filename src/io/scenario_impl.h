#ifndef NL_IO_SCENARIO_IMPL_H
#define NL_IO_SCENARIO_IMPL_H
#include "io/json.h"
#include "netlearn/scenario.h"

/* The resolved scenario as a JSON object value, embedded in a larger document (manifests). */
nl_status nl_scenario_json(const nl_scenario *sc, nl_json *j);

#endif
