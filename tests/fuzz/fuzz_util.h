#ifndef NL_FUZZ_UTIL_H
#define NL_FUZZ_UTIL_H
/* Helpers for libFuzzer harnesses: inputs as NUL-terminated strings or as in-memory files. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A NUL-terminated copy of the input (caller frees). */
static inline char *fuzz_string(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return NULL;
  memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

/* The input as a file: an anonymous memory file reachable as /proc/self/fd/N (path into buf).
 * Returns the descriptor to close afterwards, or -1. */
static inline int fuzz_file(const uint8_t *data, size_t size, char *path, size_t cap) {
  int fd = memfd_create("fuzz", 0);
  if (fd < 0) return -1;
  if (size && write(fd, data, size) != (ssize_t)size) {
    close(fd);
    return -1;
  }
  snprintf(path, cap, "/proc/self/fd/%d", fd);
  return fd;
}
#endif
