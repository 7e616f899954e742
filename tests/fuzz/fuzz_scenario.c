/* libFuzzer harness: scenario YAML (parser, validation, located messages, --set overrides). */
#include "fuzz_util.h"
#include "netlearn/netlearn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0;
  char *text = fuzz_string(data, size);
  nl_scenario *sc = nl_scenario_new();
  if (text && sc && nl_scenario_load_string(sc, text, "fuzz.yaml") == NL_OK) {
    /* A valid scenario must also survive overrides and the manifest writer. */
    nl_scenario_set(sc, "replications", "2");
    nl_scenario_set(sc, "periods", "3");
    FILE *f = fopen("/dev/null", "w");
    if (f) {
      nl_scenario_write_json(sc, f);
      fclose(f);
    }
  } else if (sc && strlen(nl_scenario_errmsg(sc)) == 0) {
    abort(); /* every failure carries a message */
  }
  nl_scenario_free(sc);
  free(text);
  return 0;
}
