/* daemon/json.h — a small streaming JSON writer for the `--json` output of
 * the tidings tool.  It tracks commas and nesting; the caller only says
 * what comes next. */
#ifndef TIDINGS_JSON_H
#define TIDINGS_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *out;
	int depth;
	int need_comma[JSON_MAX_DEPTH];
	int after_key;
	int pretty;
};

void json_init(struct json *j, FILE *out, int pretty);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);        /* NULL -> null */
void json_strn(struct json *j, const char *s, size_t n);
void json_int(struct json *j, int64_t v);
void json_double(struct json *j, double v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
void json_end(struct json *j);                       /* final newline */

/* The compact JSON array of the strings v[i] (len[i] bytes each), in a new
 * string (caller frees), NULL when out of memory: for a value stored as
 * JSON rather than written out. */
char *json_strings(const char *const *v, const size_t *len, size_t n);

/* Shorthands for "key": value members. */
void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, int v);
/* "key": v, or null when v is 0 (an unknown time or id). */
void json_kv_opt(struct json *j, const char *key, int64_t v);

#endif
