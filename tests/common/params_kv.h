#ifndef NL_TESTS_PARAMS_KV_H
#define NL_TESTS_PARAMS_KV_H
/*
 * Tests: set model parameters from "key=value" strings (a NULL-terminated list; NULL for none),
 * failing the test with the library's message on a malformed item or a rejected value. Include
 * after <cmocka.h> and "netlearn/netlearn.h".
 */
#include <string.h>

static inline void nl_test_params_set(nl_params *p, const char *const *kv) {
  for (size_t i = 0; kv && kv[i]; i++) {
    char key[64];
    const char *eq = strchr(kv[i], '=');
    if (!eq || (size_t)(eq - kv[i]) >= sizeof key) fail_msg("'%s' is not key=value", kv[i]);
    memcpy(key, kv[i], (size_t)(eq - kv[i]));
    key[eq - kv[i]] = '\0';
    if (nl_params_set_text(p, key, eq + 1)) fail_msg("%s: %s", kv[i], nl_params_errmsg(p));
  }
}

#endif
