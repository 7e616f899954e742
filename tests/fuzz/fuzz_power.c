/* libFuzzer harness: population-model syntax of `netlearn power` (values, `~~`), the implied
 * population correlation matrix under both data-generating processes, and a minimal run on
 * whatever is valid. Input: the model text. */
#include "fuzz_util.h"
#include "netlearn/power.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 12) return 0; /* the population is O(indicators^3): keep inputs small */
  char *text = fuzz_string(data, size);
  if (!text) return 0;
  for (int pop = 0; pop < 2; pop++) {
    nl_power_options o;
    nl_power_options_default(&o);
    o.population = pop ? NL_POWER_FACTOR : NL_POWER_COMPOSITE;
    o.likert = pop ? 0 : 5;
    o.reps = 1;
    o.nboot = 10;
    nl_power *pw = NULL;
    if (nl_power_parse(text, "fuzz.model", &o, &pw) == NL_OK && nl_power_n_indicators(pw) <= 64) {
      const size_t n[] = {40};
      nl_power_run(pw, n, 1);
    }
    nl_power_free(pw);
  }
  free(text);
  return 0;
}
