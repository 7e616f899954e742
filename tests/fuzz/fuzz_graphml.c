/* libFuzzer harness: GraphML reader (through igraph). */
#include "fuzz_util.h"
#include "netlearn/network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0;
  char path[64];
  int fd = fuzz_file(data, size, path, sizeof path);
  if (fd < 0) return 0;
  nl_network *g = NULL;
  if (nl_network_read_graphml(path, 0, &g) == NL_OK) {
    nl_network_measures ms;
    nl_network_measure(g, &ms);
  }
  nl_network_free(g);
  close(fd);
  return 0;
}
