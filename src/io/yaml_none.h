#ifndef NL_IO_YAML_NONE_H
#define NL_IO_YAML_NONE_H
/*
 * A netlearn built without libfyaml (NL_WITH_YAML=OFF): the few node types and calls the parsers
 * use, as inert stand-ins, so that scenario.c and the spec parsers compile unchanged. They are
 * never reached: every document is parsed through nl_yaml_parse, which then fails with
 * NL_EUNSUPPORTED ("netlearn was built without YAML input files") before any node exists.
 */
#include <stddef.h>

struct fy_document;
struct fy_node;
struct fy_node_pair;
struct fy_mark {
  size_t input_pos;
  int line, column;
};
enum fy_node_style { FYNS_ANY = -1, FYNS_PLAIN, FYNS_LITERAL = 4, FYNS_FOLDED = 5 };
#define FY_NT ((size_t)-1)

static inline void fy_document_destroy(struct fy_document *d) { (void)d; }
static inline struct fy_node *fy_document_root(struct fy_document *d) { return (void)d, NULL; }
static inline int fy_node_is_mapping(struct fy_node *n) { return (void)n, 0; }
static inline int fy_node_is_sequence(struct fy_node *n) { return (void)n, 0; }
static inline int fy_node_is_scalar(struct fy_node *n) { return (void)n, 0; }
static inline int fy_node_is_alias(struct fy_node *n) { return (void)n, 0; }
static inline int fy_node_mapping_item_count(struct fy_node *n) { return (void)n, 0; }
static inline int fy_node_sequence_item_count(struct fy_node *n) { return (void)n, 0; }
static inline struct fy_node_pair *fy_node_mapping_iterate(struct fy_node *n, void **it) {
  return (void)n, (void)it, NULL;
}
static inline struct fy_node *fy_node_sequence_iterate(struct fy_node *n, void **it) {
  return (void)n, (void)it, NULL;
}
static inline struct fy_node *fy_node_sequence_get_by_index(struct fy_node *n, int i) {
  return (void)n, (void)i, NULL;
}
static inline struct fy_node *fy_node_pair_key(struct fy_node_pair *p) { return (void)p, NULL; }
static inline struct fy_node *fy_node_pair_value(struct fy_node_pair *p) { return (void)p, NULL; }
static inline struct fy_node *fy_node_mapping_lookup_by_string(struct fy_node *n, const char *k, size_t len) {
  return (void)n, (void)k, (void)len, NULL;
}
static inline const char *fy_node_get_scalar(struct fy_node *n, size_t *len) {
  *len = 0;
  return (void)n, NULL;
}
static inline enum fy_node_style fy_node_get_style(struct fy_node *n) { return (void)n, FYNS_ANY; }

#endif
