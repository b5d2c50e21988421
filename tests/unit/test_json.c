/* tests/unit/test_json.c — daemon/json.c's writer: the escapes JSON
 * requires, control characters as \u00XX, valid UTF-8 as it is and every
 * byte of invalid UTF-8 (a stray continuation, a cut sequence, an overlong
 * form, a surrogate) as U+FFFD, so that the output is always valid JSON;
 * commas and nesting, compact and pretty; json_strings, the same escapes
 * into a stored array. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/json.h"
#include "tap.h"

/* A writer into memory: what it wrote is checked by done(). */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
	struct json j;
};

static struct json *start(struct mem *m, int pretty)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	json_init(&m->j, m->f, pretty);
	return &m->j;
}

static void done(struct mem *m, const char *want, const char *what)
{
	fclose(m->f);
	is_str(m->buf, want, what);
	free(m->buf);
}

/* The compact JSON of one string of n bytes. */
static void str(const char *s, size_t n, const char *want, const char *what)
{
	struct mem m;

	json_strn(start(&m, 0), s, n);
	done(&m, want, what);
}

int main(void)
{
	str("plain text", 10, "\"plain text\"", "ASCII as it is");
	str("a\"b\\c", 5, "\"a\\\"b\\\\c\"", "quote and backslash escaped");
	str("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"", "the short escapes");
	str("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"", "other controls as \\u00XX, DEL as it is");
	str("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb0", 14, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb0\"",
	    "two-, three- and four-byte UTF-8 as it is");
	str("a\x80z", 3, "\"a\xef\xbf\xbdz\"", "a stray continuation byte is U+FFFD");
	str("a\xe2\x82", 3, "\"a\xef\xbf\xbd\xef\xbf\xbd\"", "a cut sequence: U+FFFD a byte");
	str("\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"", "an overlong form is no UTF-8");
	str("\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "nor is a surrogate");
	str("x\0y", 3, "\"x\\u0000y\"", "a NUL inside the given length is escaped");
	str("", 0, "\"\"", "the empty string");

	{
		struct mem m;
		struct json *j = start(&m, 0);

		json_obj_begin(j);
		json_kv_str(j, "a", "x");
		json_key(j, "l");
		json_arr_begin(j);
		json_int(j, 1);
		json_str(j, NULL);
		json_bool(j, 1);
		json_arr_end(j);
		json_kv_opt(j, "t", 0);
		json_obj_end(j);
		done(&m, "{\"a\":\"x\",\"l\":[1,null,true],\"t\":null}", "commas and nesting, compact");

		j = start(&m, 1);
		json_arr_begin(j);
		json_obj_begin(j);
		json_kv_int(j, "id", 7);
		json_key(j, "tags");
		json_arr_begin(j);
		json_arr_end(j);
		json_obj_end(j);
		json_arr_end(j);
		json_end(j);
		done(&m, "[\n  {\n    \"id\": 7,\n    \"tags\": []\n  }\n]\n",
		     "pretty: two spaces a level, an empty array on one line");
	}
	{
		const char *v[] = { "Politics", "Ferries & \"boats\"", "caf\xc3\xa9\x80", "" };
		size_t len[] = { 8, 17, 6, 0 };
		char *a = json_strings(v, len, 4), *e = json_strings(v, len, 0);

		is_str(a, "[\"Politics\",\"Ferries & \\\"boats\\\"\",\"caf\xc3\xa9\xef\xbf\xbd\",\"\"]",
		       "json_strings: the same escapes, compact, in a new string");
		is_str(e, "[]", "json_strings of none: an empty array");
		free(a);
		free(e);
	}
	return done_testing();
}
