/* tests/unit/diff_inputs.h — the texts the differential tests
 * (test_simhash_diff, test_text_diff) feed to both the daemon's text
 * passes and the reference copies in tests/unit/ref/: real news (the
 * labelled sets of ../shared/data when present, feed items parsed from
 * the fixture feeds or from a poll corpus), cuts of it at random byte
 * offsets (half code points), and generated strings (random bytes, mixed
 * scripts, combining marks, apostrophes, numbers, datelines, invalid
 * UTF-8).
 *
 * Sizes: the reduced run of `make test` by default; TIDINGS_DIFF_FULL=1
 * for the full one (every shared text, a few hundred thousand generated
 * strings).  TIDINGS_DATA names the labelled data (default ../shared/data
 * or ../../shared/data); TIDINGS_DIFF_FEEDS a directory of feeds (e.g. a
 * gen_feeds.py corpus) whose items are added. */
#ifndef TIDINGS_DIFF_INPUTS_H
#define TIDINGS_DIFF_INPUTS_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "feeds/feed.h"
#include "tests/unit/tap.h"

struct diff_text {
	char *s;           /* owned; NUL-terminated but may hold NULs */
	size_t len;
	const char *lang;  /* static, or NULL */
};

struct diff_inputs {
	struct diff_text *v;
	size_t n, cap;
	size_t shared, feeds, cuts, generated;  /* how many of each kind */
	int have_shared;
};

static uint64_t diff_rng = 0x9e3779b97f4a7c15ull;

static inline uint64_t diff_rand(void)
{
	/* xorshift64*: fixed seed, so a failure is reproducible */
	diff_rng ^= diff_rng >> 12;
	diff_rng ^= diff_rng << 25;
	diff_rng ^= diff_rng >> 27;
	return diff_rng * 0x2545f4914f6cdd1dull;
}

static inline int diff_full(void)
{
	const char *e = getenv("TIDINGS_DIFF_FULL");
	return e && *e && strcmp(e, "0") != 0;
}

static const char *const diff_langs[] = {
	NULL, "en", "en-GB", "fr", "de-DE", "es", "it", "pt-BR", "nl", "sv", "da", "no",
	"nb", "ru", "fi", "zh", "ja", "xx", "e1", "toolonglang", "ar", "fa",
};
#define DIFF_NLANGS (sizeof diff_langs / sizeof *diff_langs)

static inline void diff_add(struct diff_inputs *in, const char *s, size_t len, const char *lang)
{
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 1024;
		in->v = realloc(in->v, in->cap * sizeof *in->v);
		if (!in->v)
			abort();
	}
	char *c = malloc(len + 1);
	if (!c)
		abort();
	memcpy(c, s, len);
	c[len] = '\0';
	in->v[in->n++] = (struct diff_text){ c, len, lang };
}

/* The labelled data's directory, or NULL when absent. */
static inline const char *diff_data_dir(void)
{
	static const char *const cands[] = { "../shared/data", "../../shared/data" };
	struct stat st;
	const char *e = getenv("TIDINGS_DATA");
	if (e && *e)
		return stat(e, &st) == 0 ? e : NULL;
	for (size_t i = 0; i < 2; i++)
		if (stat(cands[i], &st) == 0 && S_ISDIR(st.st_mode))
			return cands[i];
	return NULL;
}

/* A JSON string value of "key" in one line, unescaped (\uXXXX to UTF-8,
 * surrogate pairs joined; a lone surrogate is kept as its 3 bytes, which
 * is invalid UTF-8 and welcome here).  Returns its length, or -1. */
static inline long diff_json_field(const char *line, const char *key, char *dst, size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\": \"", key);
	const char *p = strstr(line, pat);
	size_t n = 0;
	if (!p)
		return -1;
	for (p += strlen(pat); *p && *p != '"' && n + 4 < cap; p++) {
		if (*p != '\\') {
			dst[n++] = *p;
			continue;
		}
		p++;
		unsigned long cp = 0;
		switch (*p) {
		case 'n': dst[n++] = '\n'; break;
		case 't': dst[n++] = '\t'; break;
		case 'r': dst[n++] = '\r'; break;
		case 'b': dst[n++] = '\b'; break;
		case 'f': dst[n++] = '\f'; break;
		case 'u':
			cp = strtoul((char[5]){ p[1], p[2], p[3], p[4], 0 }, NULL, 16);
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && p[1] == '\\' && p[2] == 'u') {
				unsigned long lo = strtoul((char[5]){ p[3], p[4], p[5], p[6], 0 }, NULL, 16);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				}
			}
			if (cp < 0x80) {
				dst[n++] = (char)cp;
			} else if (cp < 0x800) {
				dst[n++] = (char)(0xc0 | cp >> 6);
				dst[n++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				dst[n++] = (char)(0xe0 | cp >> 12);
				dst[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				dst[n++] = (char)(0x80 | (cp & 0x3f));
			} else {
				dst[n++] = (char)(0xf0 | cp >> 18);
				dst[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
				dst[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				dst[n++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		default: dst[n++] = *p; break;  /* \" \\ \/ */
		}
		if (!*p)
			break;
	}
	return (long)n;
}

/* UCI headlines (each CSV line whole, and its title field) and ECB+
 * articles (title and text); at most `max` lines of each file. */
static inline void diff_add_shared(struct diff_inputs *in, size_t max)
{
	const char *dir = diff_data_dir();
	char path[512];
	size_t before = in->n;
	if (!dir)
		return;
	in->have_shared = 1;
	snprintf(path, sizeof path, "%s/uci/uci_headlines.csv", dir);
	char *buf = tap_slurp(path, NULL);
	size_t lines = 0;
	for (char *p = buf, *e; p && *p && lines < max; p = e + 1, lines++) {
		if (!(e = strchr(p, '\n')))
			e = p + strlen(p);
		diff_add(in, p, (size_t)(e - p), diff_langs[lines % DIFF_NLANGS]);
		char *c1 = memchr(p, ',', (size_t)(e - p)), *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(e - c1 - 1)) : NULL;
		if (c2)
			diff_add(in, c1 + 1, (size_t)(c2 - c1 - 1), "en");
		if (!*e)
			break;
	}
	free(buf);
	snprintf(path, sizeof path, "%s/ecbplus/ecbplus_docs.jsonl", dir);
	buf = tap_slurp(path, NULL);
	size_t cap = 1 << 20;
	char *field = malloc(cap);
	lines = 0;
	for (char *p = buf, *e; p && field && *p && lines < max; p = e + 1, lines++) {
		if (!(e = strchr(p, '\n')))
			e = p + strlen(p);
		char save = *e;
		*e = '\0';
		long n;
		if ((n = diff_json_field(p, "title", field, cap)) >= 0)
			diff_add(in, field, (size_t)n, "en");
		if ((n = diff_json_field(p, "text", field, cap)) >= 0)
			diff_add(in, field, (size_t)n, diff_langs[lines % DIFF_NLANGS]);
		*e = save;
		if (!save)
			break;
	}
	free(field);
	free(buf);
	in->shared += in->n - before;
}

/* The items of every feed file in dir (title and text, with the item's
 * language), at most max files. */
static inline void diff_add_feeds(struct diff_inputs *in, const char *dir, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t files = 0, before = in->n, feeds_before = in->feeds;
	if (!d)
		return;
	while ((de = readdir(d)) && files < max) {
		char path[1024], err[256];
		size_t len;
		struct feed *f = NULL;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {  /* e.g. tests/data/feeds/enc */
			diff_add_feeds(in, path, max - files);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		char *xml = tap_slurp(path, &len);
		if (!xml)
			continue;
		files++;
		if (feed_parse(xml, len, NULL, &f, err, sizeof err) == 0) {
			for (size_t i = 0; i < f->n_entries; i++) {
				const struct feed_entry *e = &f->entries[i];
				/* The language as a static string: the daemon's is
				 * the feed's, the test only needs variety. */
				const char *lang = e->language && !strncmp(e->language, "en", 2) ? "en" :
				                   e->language ? diff_langs[i % DIFF_NLANGS] : NULL;
				if (e->title_text)
					diff_add(in, e->title_text, strlen(e->title_text), lang);
				if (e->text)
					diff_add(in, e->text, strlen(e->text), lang);
			}
			feed_free(f);
		}
		free(xml);
	}
	closedir(d);
	in->feeds += in->n - before - (in->feeds - feeds_before);
}

/* Pieces the generator strings are made of: words in several scripts,
 * accents precomposed and combining, apostrophes, numbers, separators,
 * dateline and byline openings, compatibility characters, and invalid
 * UTF-8 of every kind. */
static const char *const diff_pieces[] = {
	"the", "The", "THE", "Police", "shot", "man", "Biden's", "Biden\xe2\x80\x99s",
	"don\xca\xbct", "rock'n'roll", "'quoted'", "O'Neil", "x", "A", "I",
	"internationalization", "Supercalifragilisticexpialidocious",
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	"13.8", "14,000", "3.", ",5", "1,2,3", "2026", "7-Oil", "UPDATE 7-", "9am", "x86_64",
	" ", "  ", "\t", "\n", "\r\n", ".", ". ", "!", "?", ";", ":", "|", " - ", " -- ", "-",
	"\xe2\x80\x94", "\xe2\x80\x93", "\xe2\x80\xa6", "\xe3\x80\x82", "\xef\xbc\x81", "\xef\xbc\x9f",
	"(AP)", "WASHINGTON (AP) \xe2\x80\x94 ", "LONDON, Nov 28 (Reuters) - ", "By Jane Doe\n",
	"by the way", "BY ", "S\xc3\x83O PAULO \xe2\x80\x94 ",
	"caf\xc3\xa9", "cafe\xcc\x81", "na\xc3\xafve", "\xc3\x89LYS\xc3\x89" "E", "Stra\xc3\x9f" "e",
	"STRASSE", "\xc4\xb0stanbul", "\xc7\x85", "\xe2\x84\xaa", "\xef\xac\x81nance",
	"\xe2\x85\xab", "x\xc2\xb2", "\xc2\xbd", "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3",
	"\xef\xbd\x81\xef\xbd\x82", "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0",
	"\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1", "\xd8\xa7\xd9\x84\xd9\x82\xd8\xa7\xd9\x87\xd8\xb1\xd8\xa9",
	"\xe4\xb8\xad\xe5\x9b\xbd", "\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd", "\xe3\x81\xb2\xe3\x82\x89",
	"\xe3\x82\xab\xe3\x82\xbf\xe3\x82\xab\xe3\x83\x8a", "\xe0\xb8\x81\xe0\xb8\xa3\xe0\xb8\xb8\xe0\xb8\x87",
	"\xea\xb0\x80\xeb\x82\x98", "\xf0\xa0\x80\x80", "\xef\xa4\x80", "\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4\x82",
	"\xcc\x81", "\xcc\x88\xcc\x81", "\xe2\x80\x8b", "\xc2\xa0", "\xe2\x80\xaf", "\xef\xbb\xbf",
	"\xf0\x9f\x98\x80", "\xe2\x82\xac", "$5", "#tag", "@user", "e-mail", "U.S.", "U.S.A.",
	"\x80", "\xbf", "\xc3", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xed\xbf\xbf",
	"\xf4\x90\x80\x80", "\xf5", "\xf8\x88\x80\x80\x80", "\xfe", "\xff", "\xe2\x80", "\xf0\x9f\x98",
	"\x01", "\x7f", "\x00",
	/* Arabic-script and Hebrew spellings of a word (daemon/rtl_fold.h):
	 * tatweel, harakat, the hamza forms, ة ى, Persian ی ک ۀ (and ۀ in
	 * NFD), presentation forms, niqqud and a cantillation mark. */
	"\xd8\xa7\xd9\x84\xd8\xb1\xd8\xa6\xd9\x8a\xd9\x80\xd9\x80\xd8\xb3",
	"\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e\xd9\x85\xd9\x91\xd9\x8e\xd8\xaf",
	"\xd8\xb1\xd8\xb3\xd9\x85\xd9\x8a\xd8\xa7\xd9\x8b", "\xd9\x80",
	"\xd8\xa3\xd8\xad\xd9\x85\xd8\xaf", "\xd8\xa5\xd8\xb3\xd8\xb1\xd8\xa7\xd8\xa6\xd9\x8a\xd9\x84",
	"\xd8\xa2\xd9\x85\xd9\x86", "\xd9\x85\xd8\xb3\xd8\xa4\xd9\x88\xd9\x84",
	"\xd9\x86\xd8\xa8\xd8\xa3", "\xd8\xa7\xd9\x84\xd8\xad\xd9\x83\xd9\x88\xd9\x85\xd8\xa9",
	"\xd9\x81\xd9\x89", "\xd8\xa7\xd9\x93", "\xd9\xb0\xd9\xb1",
	"\xd8\xa7\xdb\x8c\xd8\xb1\xd8\xa7\xd9\x86", "\xda\xa9\xd8\xb4\xd9\x88\xd8\xb1",
	"\xd8\xae\xd8\xa7\xd9\x86\xdb\x80", "\xd8\xae\xd8\xa7\xd9\x86\xdb\x95\xd9\x94",
	"\xdb\x95\xdb\x81\xdb\x92", "\xdb\x93\xdb\x82", "\xe2\x80\x8c", "\xef\xba\x93\xef\xbb\xaf\xef\xba\x83",
	"\xd7\xa9\xd7\x81\xd6\xb8\xd7\x9c\xd7\x95\xd6\xb9\xd7\x9d",
	"\xd7\x91\xd6\xbc\xd6\xb0\xd7\xa8\xd6\xb5\xd7\x90\xd7\xa9\xd7\x81\xd6\x96\xd7\x99\xd7\xaa",
	"\xef\xac\xaa\xd6\xbe",
};
#define DIFF_NPIECES (sizeof diff_pieces / sizeof *diff_pieces)

/* n generated strings: a quarter random bytes (a third of those ASCII
 * letters and spaces with some high bytes), the rest pieces joined with
 * and without spaces. */
static inline void diff_add_generated(struct diff_inputs *in, size_t n)
{
	char buf[4096];
	size_t before = in->n;
	for (size_t k = 0; k < n; k++) {
		size_t len = 0, want = (size_t)(diff_rand() % 400);
		const char *lang = diff_langs[diff_rand() % DIFF_NLANGS];
		if (k % 4 == 0) {
			int letters = k % 12 == 0;
			for (; len < want; len++) {
				uint64_t r = diff_rand();
				if (!letters)
					buf[len] = (char)r;
				else
					buf[len] = (char)(r % 16 == 0 ? (int)(0x80 + (r >> 8) % 128) :
					                  r % 7 == 0 ? ' ' : (int)("aAeEtTnN0'.,-"[(r >> 8) % 13]));
			}
		} else {
			while (len < want) {
				const char *p = diff_pieces[diff_rand() % DIFF_NPIECES];
				size_t pl = *p ? strlen(p) : 1;  /* "\x00" is one NUL byte */
				if (len + pl + 1 >= sizeof buf)
					break;
				memcpy(buf + len, p, pl);
				len += pl;
				if (diff_rand() % 3)
					buf[len++] = ' ';
			}
		}
		diff_add(in, buf, len, lang);
	}
	in->generated += in->n - before;
}

/* Every lead byte from 0xC0 with second bytes around and across the
 * continuation range and third and fourth bytes at its edges, inside a
 * word ("a" .. "b"): where a decoder's idea of well-formed UTF-8 (overlong
 * forms, surrogates, past U+10FFFF, cut short) could differ from
 * utf8proc's. */
static inline void diff_add_utf8_edges(struct diff_inputs *in)
{
	static const unsigned char tail[] = { 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0 };
	size_t before = in->n;
	for (unsigned b0 = 0xc0; b0 <= 0xff; b0++)
		for (unsigned b1 = 0x70; b1 <= 0xcf; b1++)
			for (size_t k = 0; k < sizeof tail; k++) {
				unsigned char w[8] = { 'a', (unsigned char)b0, (unsigned char)b1, tail[k],
				                       tail[(k + b1) % sizeof tail], 'b' };
				diff_add(in, (const char *)w, 4, NULL);  /* cut short */
				diff_add(in, (const char *)w, 6, "en");
			}
	in->generated += in->n - before;
}

/* Cuts of the texts gathered so far: n substrings at random byte offsets,
 * so words, code points and datelines are cut anywhere. */
static inline void diff_add_cuts(struct diff_inputs *in, size_t n)
{
	size_t have = in->n, before = in->n;
	for (size_t k = 0; k < n && have; k++) {
		const struct diff_text *t = &in->v[diff_rand() % have];
		size_t a = t->len ? (size_t)(diff_rand() % t->len) : 0;
		size_t b = a + (size_t)(diff_rand() % (t->len - a + 1));
		char *c = malloc(b - a + 1);
		if (!c)
			abort();
		memcpy(c, t->s + a, b - a);
		diff_add(in, c, b - a, t->lang);
		free(c);
	}
	in->cuts += in->n - before;
}

static inline void diff_inputs_free(struct diff_inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->v[i].s);
	free(in->v);
	memset(in, 0, sizeof *in);
}

/* Everything, at the reduced or the full size. */
static inline void diff_inputs_load(struct diff_inputs *in)
{
	int full = diff_full();
	const char *feeds = getenv("TIDINGS_DIFF_FEEDS");
	diff_add_shared(in, full ? SIZE_MAX : 400);
	diff_add_feeds(in, "tests/data/feeds", SIZE_MAX);
	diff_add_feeds(in, "tests/data/spine", SIZE_MAX);
	if (feeds && *feeds)
		diff_add_feeds(in, feeds, full ? SIZE_MAX : 50);
	diff_add_cuts(in, full ? 100000 : 3000);
	diff_add_generated(in, full ? 300000 : 8000);
	diff_add_utf8_edges(in);
}

#endif
