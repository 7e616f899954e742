/* libFuzzer harness: study YAML (simulation, survey, model, hypotheses, analysis sections) and
 * --set overrides; loading only, never running the simulation. */
#include "fuzz_util.h"
#include "netlearn/study.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0;
  char *text = fuzz_string(data, size);
  nl_study *s = nl_study_new();
  if (text && s && nl_study_load_string(s, text, "fuzz.yaml") == NL_OK) {
    nl_study_set(s, "survey.sample", "10");
    nl_study_set(s, "replications", "1");
  }
  nl_study_free(s);
  free(text);
  return 0;
}
