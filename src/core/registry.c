/* The list of models. Adding a model: one extern line and one entry below. */
#include "core/model_impl.h"

extern const nl_model nl_model_march1991;
extern const nl_model nl_model_coopnet;
extern const nl_model nl_model_lazer2007;
extern const nl_model nl_model_fang2010;

static const nl_model *const registry[] = {
    &nl_model_march1991,
    &nl_model_coopnet,
    &nl_model_lazer2007,
    &nl_model_fang2010,
};

size_t nl_model_count(void) { return sizeof registry / sizeof registry[0]; }

const nl_model *nl_model_at(size_t i) { return i < nl_model_count() ? registry[i] : NULL; }
