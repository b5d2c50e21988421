/* daemon/json.c — streaming JSON writer.  Strings are written as UTF-8
 * with the mandatory escapes; invalid UTF-8 bytes become U+FFFD so the
 * output is always valid JSON.  What goes to standard output also has
 * the C1 controls and the bidirectional controls escaped, so that the
 * --json output, too, never drives a terminal. */
#include "daemon/json.h"

#include <math.h>
#include <string.h>

#include "feeds/sbuf.h"

void json_init(struct json *j, FILE *out, int pretty)
{
	memset(j, 0, sizeof *j);
	j->out = out;
	j->pretty = pretty;
}

static void indent(struct json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Called before every value or key: the comma and layout in front of it. */
static void pre_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (j->need_comma[j->depth])
			fputc(',', j->out);
		indent(j);
		j->need_comma[j->depth] = 1;
	}
}

static void begin(struct json *j, char c)
{
	pre_value(j);
	fputc(c, j->out);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = 0;
}

static void end(struct json *j, char c)
{
	int had = j->need_comma[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had)
		indent(j);
	fputc(c, j->out);
}

void json_obj_begin(struct json *j) { begin(j, '{'); }
void json_obj_end(struct json *j) { end(j, '}'); }
void json_arr_begin(struct json *j) { begin(j, '['); }
void json_arr_end(struct json *j) { end(j, ']'); }

/* Where a string's JSON goes: the writer's stream, or a buffer
 * (json_strings). */
typedef void put_fn(void *to, const char *s, size_t n);

static void put_file(void *to, const char *s, size_t n)
{
	fwrite(s, 1, n, (FILE *)to);
}

static void put_sbuf(void *to, const char *s, size_t n)
{
	sbuf_add((struct sbuf *)to, s, n);
}

/* The code point of the valid sequence at s (len bytes) when output for
 * a reader escapes it, else 0: the C1 controls (U+0080..U+009F, which a
 * terminal in UTF-8 mode may obey: U+009B is CSI, U+009D OSC), the line
 * and paragraph separators, and the bidirectional controls cli.c does
 * not show.  JSON allows them raw, but `tidings stories --json` on a
 * terminal (the man page's example) printed a feed's U+009B as one. */
static unsigned shown_escape(const unsigned char *s, size_t len)
{
	unsigned cp;

	if (len == 2) {
		cp = (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
		return cp < 0xa0 || cp == 0x61c ? cp : 0;
	}
	if (len != 3 || s[0] != 0xe2)
		return 0;
	cp = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
	return cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) ? cp : 0;
}

/* shown: the string goes to a reader (the --json output), not into the
 * database: what shown_escape() names is escaped too. */
static void write_string(put_fn *put, void *to, const char *s, size_t n, int shown)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;     /* start of the bytes that go out as they are */

	put(to, "\"", 1);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		const char *esc = NULL;
		char u[8];
		size_t len;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80 && (len = utf8_len((const char *)p + i, n - i)) != 0) {
			unsigned cp = shown ? shown_escape(p + i, len) : 0;

			if (cp) {
				snprintf(u, sizeof u, "\\u%04x", cp);
				put(to, (const char *)p + run, i - run);
				put(to, u, strlen(u));
				run = i += len;
				continue;
			}
			i += len;
			continue;
		}
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			if (c < 0x20) {
				snprintf(u, sizeof u, "\\u%04x", c);
				esc = u;
			} else {
				esc = "\xef\xbf\xbd";   /* not UTF-8: U+FFFD */
			}
			break;
		}
		put(to, (const char *)p + run, i - run);
		put(to, esc, strlen(esc));
		run = ++i;
	}
	put(to, (const char *)p + run, n - run);
	put(to, "\"", 1);
}

char *json_strings(const char *const *v, const size_t *len, size_t n)
{
	struct sbuf b;

	sbuf_init(&b);
	sbuf_addc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_addc(&b, ',');
		write_string(put_sbuf, &b, v[i], len[i], 0);
	}
	sbuf_addc(&b, ']');
	if (b.oom) {
		sbuf_free(&b);
		return NULL;
	}
	return sbuf_take(&b);
}

void json_key(struct json *j, const char *key)
{
	pre_value(j);
	write_string(put_file, j->out, key, strlen(key), 1);
	fputs(j->pretty ? ": " : ":", j->out);
	j->after_key = 1;
}

void json_strn(struct json *j, const char *s, size_t n)
{
	pre_value(j);
	write_string(put_file, j->out, s, n, 1);
}

void json_str(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	json_strn(j, s, strlen(s));
}

void json_int(struct json *j, int64_t v)
{
	pre_value(j);
	fprintf(j->out, "%lld", (long long)v);
}

void json_double(struct json *j, double v)
{
	pre_value(j);
	if (isfinite(v))
		fprintf(j->out, "%.17g", v);
	else
		fputs("null", j->out);
}

void json_bool(struct json *j, int v)
{
	pre_value(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	pre_value(j);
	fputs("null", j->out);
}

void json_end(struct json *j)
{
	fputc('\n', j->out);
	fflush(j->out);
}

void json_kv_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_bool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_kv_opt(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	if (v)
		json_int(j, v);
	else
		json_null(j);
}
