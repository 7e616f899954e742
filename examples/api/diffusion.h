#ifndef NETLEARN_EXAMPLE_DIFFUSION_H
#define NETLEARN_EXAMPLE_DIFFUSION_H
/* An example model written against the public model interface only (diffusion.c). */
#include <netlearn/model_api.h>

extern const nl_model nl_example_diffusion;

#endif
