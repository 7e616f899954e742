/* Process-wide font caches of cairo and fontconfig, released for leak checkers. */
#define _GNU_SOURCE
#if NL_HAVE_PLOT
#include <cairo.h>
#endif
#include <dlfcn.h>
#include <string.h>

#include "netlearn/plot.h"

void nl_plot_release_caches(void) {
#if NL_HAVE_PLOT
  cairo_debug_reset_static_data();
#endif
  /* fontconfig's configuration stays allocated until FcFini. fontconfig is loaded with cairo but
   * netlearn does not link it itself, so the function is looked up in the running process. */
  void *sym = dlsym(RTLD_DEFAULT, "FcFini");
  if (sym) {
    void (*fini)(void);
    memcpy(&fini, &sym, sizeof fini);
    fini();
  }
}
