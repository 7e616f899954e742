#ifndef NL_IO_JSON_H
#define NL_IO_JSON_H
/* Minimal streaming JSON writer (manifests): pretty-printed objects, one-line arrays. */
#include <stdio.h>

#include "core/format.h" /* nl_format_double, used by nl_json_num */

typedef struct nl_json {
  FILE *f;
  int depth;
  int inline_depth; /* > 0 while inside a one-line array */
  unsigned char first[32];
} nl_json;

void nl_json_init(nl_json *j, FILE *f);
void nl_json_obj_begin(nl_json *j);
void nl_json_obj_end(nl_json *j);
void nl_json_arr_begin(nl_json *j);
void nl_json_arr_end(nl_json *j);
/* Object member key (writes the separator). */
void nl_json_key(nl_json *j, const char *key);
/* Values: inside an array they write their own separator. */
void nl_json_str(nl_json *j, const char *s);
void nl_json_num(nl_json *j, double v); /* shortest exact form; non-finite as null */
void nl_json_int(nl_json *j, long long v);
void nl_json_uint(nl_json *j, unsigned long long v);
void nl_json_bool(nl_json *j, int v);
void nl_json_raw(nl_json *j, const char *text);
/* A member `key` whose value is the array of the n strings v (borrowed): a manifest's command
 * line and outputs. */
void nl_json_key_strs(nl_json *j, const char *key, const char *const *v, size_t n);

#endif
