/* libFuzzer harness: coopnet's firm table reader (ids, sizes, orientations; errors by line). */
#include "fuzz_util.h"
#include "models/coopnet/cn_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0;
  char path[64];
  int fd = fuzz_file(data, size, path, sizeof path);
  if (fd < 0) return 0;
  cn_table t;
  memset(&t, 0, sizeof t);
  nl_errbuf err;
  if (cn_table_read(&t, path, &err) != NL_OK && err.msg[0] == '\0') abort(); /* failures carry a message */
  cn_table_free(&t);
  close(fd);
  return 0;
}
