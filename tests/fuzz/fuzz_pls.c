/* libFuzzer harness: PLS-SEM model syntax, CSV data, and estimation on whatever parses.
 * Input: model text, a line "%%", then CSV data. */
#include "fuzz_util.h"
#include "netlearn/pls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 15) return 0;
  char *text = fuzz_string(data, size);
  if (!text) return 0;
  char *sep = strstr(text, "\n%%\n");
  const char *csv = "";
  if (sep) {
    *sep = '\0';
    csv = sep + 4;
  }
  nl_pls_model *m = NULL;
  nl_pls_data *d = NULL;
  nl_pls *p = NULL;
  char path[64];
  int fd = -1;
  if (nl_pls_model_parse(text, "fuzz.model", &m) != NL_OK) goto done;
  fd = fuzz_file((const uint8_t *)csv, strlen(csv), path, sizeof path);
  if (fd < 0 || nl_pls_data_read(path, &d) != NL_OK) goto done;
  nl_pls_options o;
  nl_pls_options_default(&o);
  if (nl_pls_prepare(m, d, &o, &p) != NL_OK) goto done;
  nl_pls_estimate(p);
done:
  nl_pls_free(p);
  nl_pls_data_free(d);
  nl_pls_model_free(m);
  if (fd >= 0) close(fd);
  free(text);
  return 0;
}
