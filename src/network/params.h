#ifndef NL_NETWORK_PARAMS_H
#define NL_NETWORK_PARAMS_H
/*
 * The network parameter group (docs/networks.md): one set of names, types and ranges that every
 * model with a generated or file network splices into its parameter table (lazer2007, fang2010,
 * coopnet), so `network`, `network_file`, `net_k`, `net_p`, `net_blocks`, `net_p_in` and
 * `net_p_out` mean the same in every model. Each model gives its default, its one-line doc (its
 * nodes are agents, individuals or firms) and its list of kinds; names a model used before the
 * group (lazer2007's k, p, blocks, p_in, p_out) stay accepted as aliases.
 *
 *   [P_NETK] = NL_NETPAR_K(2, "ring: neighbours on each side", NULL),
 *   ...
 *   nl_network_spec spec;
 *   nl_netpar_spec(p, n, kind_of, &spec);
 */
#include "core/error.h"
#include "netlearn/model.h"
#include "netlearn/network.h"

/* k: neighbours on each side (lattices) or links per new node (barabasi_albert); at most 1e5
 * (docs/models.md, size limits: a ring needs n > 2k, so over 2k^2 ties). */
#define NL_NETPAR_KIND(def, kinds, doc) {"network", NL_PARAM_CHOICE, def, 0, 0, kinds, NULL, doc, NULL}
#define NL_NETPAR_FILE(doc) {"network_file", NL_PARAM_STRING, 0, 0, 0, NULL, "", doc, NULL}
#define NL_NETPAR_K(def, doc, alias) {"net_k", NL_PARAM_INT, def, 0, 1e5, NULL, NULL, doc, alias}
#define NL_NETPAR_P(def, doc, alias) {"net_p", NL_PARAM_REAL, def, 0, 1, NULL, NULL, doc, alias}
#define NL_NETPAR_BLOCKS(def, doc, alias) {"net_blocks", NL_PARAM_INT, def, 1, 1e7, NULL, NULL, doc, alias}
#define NL_NETPAR_PIN(def, doc, alias) {"net_p_in", NL_PARAM_REAL, def, 0, 1, NULL, NULL, doc, alias}
#define NL_NETPAR_POUT(def, doc, alias) {"net_p_out", NL_PARAM_REAL, def, 0, 1, NULL, NULL, doc, alias}

/*
 * The group's values in p as a generator spec for n nodes: the kind is kind_of[the `network`
 * choice's index] (the model's own list), k, p, blocks, p_in, p_out from the group's parameters
 * (0 for one the model does not have); shortcuts 0. O(parameters).
 */
void nl_netpar_spec(const nl_params *p, size_t n, const nl_network_kind *kind_of, nl_network_spec *out);

/*
 * The generator's own check of that spec (as a model's create makes it), for a model's validate:
 * a network that cannot be made, or that can never fit (docs/models.md, size limits), is bad input
 * named "network '<the choice's name>': ...". Errors: NL_EINVAL, NL_ENOMEM. O(parameters).
 */
nl_status nl_netpar_check(const nl_params *p, size_t n, const nl_network_kind *kind_of, nl_errbuf *err);

#endif
