/* tests/unit/test_json.c — daemon/json.c's writer: the escapes JSON
 * requires, control characters as \u00XX, valid UTF-8 as it is and every
 * byte of invalid UTF-8 (a stray continuation, a cut sequence, an overlong
 * form, a surrogate) as U+FFFD, so that the output is always valid JSON;
 * commas and nesting, compact and pretty; C1 and bidirectional controls
 * escaped in the output (it may be a terminal); json_strings, the same
 * escapes into a stored array, which keeps those as they are. */
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
	/* JSON allows these raw, but the output may be a terminal: a feed's
	 * U+009B (CSI) or U+009D (OSC) in UTF-8 is a control to xterm, and
	 * U+202E turns the rest of the line around */
	str("a\xc2\x9b" "31m\xc2\x9d" "0;t\xc2\x9c\xc2\x80z", 16,
	    "\"a\\u009b31m\\u009d0;t\\u009c\\u0080z\"", "C1 controls as \\u00XX");
	str("x\xe2\x80\xae" "abc\xe2\x81\xa6\xe2\x80\x8f\xd8\x9c\xe2\x80\xa8y", 19,
	    "\"x\\u202eabc\\u2066\\u200f\\u061c\\u2028y\"",
	    "bidirectional controls and the line separator as \\uXXXX");
	str("\xc2\xa0\xe2\x80\x94\xe2\x80\x99", 8, "\"\xc2\xa0\xe2\x80\x94\xe2\x80\x99\"",
	    "U+00A0, U+2014 and U+2019 next to them as they are");

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
		/* a value stored as JSON keeps them as they are: readers see
		 * the same characters, and the stored text does not change */
		const char *v[] = { "a\xc2\x9b\xe2\x80\xae" };
		size_t len[] = { 6 };
		char *a = json_strings(v, len, 1);

		is_str(a, "[\"a\xc2\x9b\xe2\x80\xae\"]", "json_strings: C1 and bidi controls as they are");
		free(a);
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
