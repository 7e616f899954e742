/* Process-wide font caches of cairo and fontconfig, released for leak checkers. */
#define _GNU_SOURCE
#include <cairo.h>
#include <dlfcn.h>
#include <string.h>

#include "netlearn/plot.h"

void nl_plot_release_caches(void) {
  cairo_debug_reset_static_data();
  /* fontconfig's configuration stays allocated until FcFini. fontconfig is loaded with cairo but
   * netlearn does not link it itself, so the function is looked up in the running process. */
  void *sym = dlsym(RTLD_DEFAULT, "FcFini");
  if (sym) {
    void (*fini)(void);
    memcpy(&fini, &sym, sizeof fini);
    fini();
  }
}
