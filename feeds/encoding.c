/* feeds/encoding.c — character encoding detection and conversion, in the
 * order RFC 3023 and the Universal Feed Parser use: a BOM or the first
 * bytes tell how to read the XML declaration; the HTTP media type decides
 * whether its charset or the declaration wins; then the candidates are
 * tried in turn (declared, BOM, UTF-8, windows-1252, ISO-8859-2) and a
 * fallback is reported as bozo.  Conversion is iconv; UTF-8 and ASCII are
 * only validated. */
#include "feeds/encoding.h"
#include "feeds/sbuf.h"
#include "feeds/uri.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Python codec names that iconv spells differently, and the labels
 * browsers read (the WHATWG Encoding Standard's) that iconv does not know.
 * A label iconv cannot open falls through to windows-1252, so a Korean
 * feed declared "ks_c_5601-1987" (Microsoft's label, which Python reads)
 * was stored as "\xc7\xd1\xb1\xb9..." mojibake. */
static const char *iconv_name(const char *enc, char *buf, size_t cap)
{
	static const char *const alias[][2] = {
		{ "u8", "UTF-8" }, { "utf8", "UTF-8" }, { "utf_8", "UTF-8" }, { "utf", "UTF-8" },
		{ "cp65001", "UTF-8" }, { "unicode-1-1-utf-8", "UTF-8" },
		{ "unicode11utf8", "UTF-8" }, { "unicode20utf8", "UTF-8" },
		{ "x-unicode20utf8", "UTF-8" },
		{ "u16", "UTF-16" }, { "utf16", "UTF-16" }, { "utf_16", "UTF-16" },
		{ "u32", "UTF-32" }, { "utf32", "UTF-32" }, { "utf_32", "UTF-32" },
		{ "utf_16_be", "UTF-16BE" }, { "utf_16_le", "UTF-16LE" },
		{ "utf_32_be", "UTF-32BE" }, { "utf_32_le", "UTF-32LE" },
		{ "utf-16-be", "UTF-16BE" }, { "utf-16-le", "UTF-16LE" },
		{ "utf-32-be", "UTF-32BE" }, { "utf-32-le", "UTF-32LE" },
		{ "u7", "UTF-7" }, { "unicode-1-1-utf-7", "UTF-7" },
		{ "cp037", "IBM037" }, { "latin1", "ISO-8859-1" }, { "l1", "ISO-8859-1" },
		{ "latin-1", "ISO-8859-1" }, { "latin_1", "ISO-8859-1" }, { "latin", "ISO-8859-1" },
		{ "iso8859", "ISO-8859-1" }, { "8859", "ISO-8859-1" },
		{ "l9", "ISO-8859-15" }, { "csisolatin9", "ISO-8859-15" },
		{ "ascii", "ASCII" }, { "us-ascii", "ASCII" }, { "646", "ASCII" },
		{ "ansi_x3.4-1968", "ASCII" }, { "ansi_x3.4-1986", "ASCII" },
		{ "x-cp1250", "CP1250" }, { "x-cp1251", "CP1251" }, { "x-cp1252", "CP1252" },
		{ "x-cp1253", "CP1253" }, { "x-cp1254", "CP1254" }, { "x-cp1255", "CP1255" },
		{ "x-cp1256", "CP1256" }, { "x-cp1257", "CP1257" }, { "x-cp1258", "CP1258" },
		{ "x-mac-roman", "MACINTOSH" }, { "mac-roman", "MACINTOSH" },
		{ "mac_roman", "MACINTOSH" }, { "macroman", "MACINTOSH" },
		{ "x-mac-cyrillic", "MAC-CYRILLIC" },
		{ "dos-874", "CP874" }, { "thai", "ISO-8859-11" },
		{ "iso-8859-8-i", "ISO-8859-8" }, { "csiso88598i", "ISO-8859-8" },
		{ "logical", "ISO-8859-8" }, { "visual", "ISO-8859-8" },
		{ "iso-8859-8-e", "ISO-8859-8" }, { "csiso88598e", "ISO-8859-8" },
		{ "iso-8859-6-i", "ISO-8859-6" }, { "iso-8859-6-e", "ISO-8859-6" },
		{ "csiso88596i", "ISO-8859-6" }, { "csiso88596e", "ISO-8859-6" },
		{ "sjis", "SHIFT_JIS" }, { "s_jis", "SHIFT_JIS" }, { "s-jis", "SHIFT_JIS" },
		{ "shiftjis", "SHIFT_JIS" }, { "x-sjis", "SHIFT_JIS" },
		{ "ms_kanji", "CP932" }, { "ms-kanji", "CP932" }, { "mskanji", "CP932" },
		{ "x-euc-jp", "EUC-JP" }, { "u_jis", "EUC-JP" }, { "u-jis", "EUC-JP" },
		/* EUC-KR's labels: CP949 (Unified Hangul Code) is what the
		 * Korean sites that send them write, EUC-KR and more */
		{ "ks_c_5601-1987", "CP949" }, { "ks_c_5601-1989", "CP949" },
		{ "ks_c_5601_1987", "CP949" }, { "ks_c_5601", "CP949" }, { "ks-c-5601", "CP949" },
		{ "ksc5601", "CP949" }, { "ksc_5601", "CP949" }, { "ks_x_1001", "CP949" },
		{ "ksx1001", "CP949" }, { "korean", "CP949" }, { "csksc56011987", "CP949" },
		{ "iso-ir-149", "CP949" }, { "windows-949", "CP949" }, { "ms949", "CP949" },
		/* gb2312's: read as gb18030, as gb2312 itself is (below) */
		{ "x-gbk", "GB18030" }, { "gb_2312", "GB18030" }, { "gb_2312-80", "GB18030" },
		{ "gb2312-80", "GB18030" }, { "gb2312_80", "GB18030" }, { "gb2312-1980", "GB18030" },
		{ "gb2312_1980", "GB18030" }, { "chinese", "GB18030" },
		{ "csiso58gb231280", "GB18030" }, { "iso-ir-58", "GB18030" },
		{ "eucgb2312-cn", "GB18030" }, { "eucgb2312_cn", "GB18030" },
		{ "csbig5", "BIG5" }, { "x-x-big5", "BIG5" }, { "big5-tw", "BIG5" },
		{ "big5_tw", "BIG5" }, { "ms950", "CP950" }, { "hkscs", "BIG5-HKSCS" },
	};
	size_t n = strlen(enc);

	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (!strcasecmp(enc, alias[i][0]))
			return alias[i][1];
	if (n >= cap)
		return NULL;
	/* "iso_8859_1" -> "iso-8859-1" */
	for (size_t i = 0; i <= n; i++)
		buf[i] = enc[i] == '_' ? '-' : enc[i];
	return buf;
}

/* The number of continuation bytes at s[1..] that begin the character
 * whose lead byte is s[0] (0xc2..0xf4) when they stop short of it: a
 * character cut off ("M\xc3</description>", "\xe2\x80 "); -1 when s[0]
 * starts no such cut (a whole character, or bytes no UTF-8 has). */
static int cut_char(const unsigned char *s, size_t n)
{
	size_t need = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3 :
	              s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
	size_t k = 1;

	if (!need)
		return -1;
	while (k < need && k < n && (s[k] & 0xc0) == 0x80)
		k++;
	if (k == need)
		return -1;
	/* the second byte of a cut that only some lead bytes allow */
	if (k > 1 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	              (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f)))
		return -1;
	return (int)k - 1;
}

/* cut_char(), but a lead byte alone (before ASCII) is a cut only when
 * the document writes whole characters of that lead byte (bit b - 0xc2
 * of `lead`): see utf8_repair(). */
static int cut_of(const unsigned char *s, size_t n, uint64_t lead)
{
	int c = cut_char(s, n);

	return c > 0 || (c == 0 && (lead >> (s[0] - 0xc2) & 1)) ? c : -1;
}

/* A document that is UTF-8 but for a few faults is read as UTF-8, not as
 * windows-1252, which turns every other accent in every other item into
 * mojibake ("\u00c3\u00a9" for "\u00e9"), for search, dedup and threads
 * too, and changes them all again when the fault goes.  Two faults are
 * common:
 * - a character cut short, by a publisher that cuts summaries to so many
 *   bytes (PHP's substr(), not mb_substr()): U+FFFD, as a browser shows
 *   it;
 * - a stray byte, a windows-1252 quote or accent pasted into one item:
 *   its windows-1252 character (U+FFFD for the five bytes it leaves
 *   unassigned).
 * "Mostly" is at least two whole multi-byte characters for each cut one
 * and four for each stray byte: a document really in a single-byte
 * encoding has its accented letters before ASCII ("caf\xe9 ", which looks
 * cut) and almost never spells a whole UTF-8 sequence; feedparser's case
 * of one stray byte among two characters (bozo_linenoise) stays
 * windows-1252 as there.  Returns the number of faults, 0 when the text
 * is not mostly UTF-8 (out untouched). */
static size_t utf8_repair(const char *str, size_t n, struct sbuf *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t good = 0, cut = 0, stray = 0, i, k;
	int c;
	/* The lead bytes of the document's whole characters.  A lead byte
	 * alone before ASCII is a character cut short only in a document that
	 * writes characters of that lead byte (a German text's \xc3 of "M\xc3"
	 * for "M\xc3\xbcnchen"); else it is a stray byte, an accented letter
	 * pasted as windows-1252: "Caf\xe9", "S\xe3o" in a German or English
	 * text, which writes no \xe9 or \xe3 character, were "Caf\ufffd",
	 * "S\ufffdo", where the stray-byte repair had made them "Caf\u00e9",
	 * "S\u00e3o". */
	uint64_t lead = 0;
	int faults = 0;

	for (i = 0; i < n;) {
		if ((k = utf8_len(str + i, n - i)) != 0) {
			if (k > 1) {
				good++;
				if (s[i] >= 0xc2 && s[i] <= 0xf4)
					lead |= 1ull << (s[i] - 0xc2);
			}
			i += k;
		} else {
			faults = 1;
			i++;
		}
	}
	if (!faults)
		return 0;
	for (i = 0; i < n;) {
		if ((k = utf8_len(str + i, n - i)) != 0) {
			i += k;
		} else if ((c = cut_of(s + i, n - i, lead)) >= 0) {
			cut++;
			i += 1 + (size_t)c;
		} else {
			stray++;
			i++;
		}
	}
	if ((!cut && !stray) || good < 2 * cut + 4 * stray)
		return 0;
	for (i = 0; i < n;) {
		size_t run = i;

		/* the whole characters up to the next fault in one piece */
		while (i < n && (k = utf8_len(str + i, n - i)) != 0)
			i += k;
		sbuf_add(out, str + run, i - run);
		if (i >= n)
			break;
		if ((c = cut_of(s + i, n - i, lead)) >= 0) {
			sbuf_add(out, "\xef\xbf\xbd", 3);
			i += 1 + (size_t)c;
		} else {
			unsigned cp = cp1252_c1(s[i]);

			sbuf_add_utf8(out, cp ? cp : 0xfffd);
			i++;
		}
	}
	return cut + stray;
}

/* Decodes n bytes from `enc` into out (UTF-8).  0 ok, -1 cannot; for
 * UTF-8, the number of faults utf8_repair() mended. */
static long decode(const char *enc, const char *s, size_t n, struct sbuf *out)
{
	char nb[64], tmp[4096];
	const char *name = iconv_name(enc, nb, sizeof nb);
	iconv_t cd;
	char *in = (char *)s;
	size_t inleft = n;
	int rc = 0;

	if (!name)
		return -1;
	if (!strcasecmp(name, "UTF-8")) {
		size_t bad = 0;

		if (!utf8_valid(s, n) && !(bad = utf8_repair(s, n, out)))
			return -1;
		if (!bad)
			sbuf_add(out, s, n);
		return out->oom ? -1 : (long)bad;
	}
	if (!strcasecmp(name, "ASCII")) {
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] >= 0x80)
				return -1;
		sbuf_add(out, s, n);
		return out->oom ? -1 : 0;
	}
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return -1;
	while (inleft) {
		char *o = tmp;
		size_t oleft = sizeof tmp;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);

		sbuf_add(out, tmp, sizeof tmp - oleft);
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = -1;
			break;
		}
	}
	iconv_close(cd);
	if (rc == 0 && out->oom)
		rc = -1;
	return rc;
}

/* Whether `enc` reads the byte 0x3c as '<', as every encoding a document
 * that starts so can be in does.  A document whose first bytes are ASCII
 * "<?xml" or "<rss" is in no 16- or 32-bit encoding, whatever it says: a
 * UTF-8 feed declared encoding="utf-16" (what .NET's XmlWriter over a
 * StringWriter writes, served as UTF-8) was read as UTF-16 when its length
 * was even (garbage: "not a feed: not XML", every item lost) and as UTF-8
 * when it was odd (iconv stops at the half unit left over), so the feed
 * came and went with its length.  libxml2 reads such a document as UTF-8
 * too ("Document labelled UTF-16 but has UTF-8 content").  Reading, not
 * writing: UTF-7 reads a '<' as written but writes it "+ADw-". */
static int reads_ascii_lt(const char *enc)
{
	char nb[64], out[16], *in = "<", *o = out;
	const char *name = iconv_name(enc, nb, sizeof nb);
	size_t inleft = 1, oleft = sizeof out;
	iconv_t cd;
	int yes;

	if (!name)
		return 1;   /* no such encoding: decode() says so */
	if (!strcasecmp(name, "UTF-8") || !strcasecmp(name, "ASCII"))
		return 1;
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return 1;
	yes = iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1 && o - out == 1 && out[0] == '<';
	iconv_close(cd);
	return yes;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* encoding="..." in an XML declaration at the start of s.  XML allows
 * white space around the '=' and line breaks inside the declaration
 * (encoding = "Shift_JIS", or the pseudo-attributes one a line), and a
 * PHP script that prints a blank line first sends white space before it
 * (not XML, which libxml2 reads on from): such a declaration was not
 * seen, and a Shift_JIS or windows-1251 feed was read by the fallback
 * chain, every character mojibake ("\u201c\u00fa\u2013{..." for
 * "\u65e5\u672c..."). */
static void xml_decl_encoding(const char *s, size_t n, char *out, size_t cap)
{
	const char *end, *e;

	out[0] = '\0';
	while (n && xml_space(*s)) {
		s++;
		n--;
	}
	if (n < 2 || s[0] != '<' || s[1] != '?')
		return;
	end = memchr(s, '\n', n);
	if (!end)
		end = s + n;
	/* the declaration ends at the last "?>" on the line */
	for (e = end - 1; e > s + 1 && !(e[-1] == '?' && e[0] == '>'); e--)
		;
	if (e <= s + 1) {
		/* or, over several lines, at its first "?>" (in the head) */
		const char *c = memmem(s + 2, (n < 1024 ? n : 1024) - 2, "?>", 2);

		if (!c)
			return;
		e = c + 1;
	}
	for (const char *p = s + 2; p + 8 < e; p++) {
		const char *v = p + 8, *q;

		if (strncmp(p, "encoding", 8) != 0)
			continue;
		while (v < e && xml_space(*v))
			v++;
		if (v >= e || *v != '=')
			continue;
		for (v++; v < e && xml_space(*v); v++)
			;
		if (v >= e || (*v != '"' && *v != '\''))
			continue;
		for (q = ++v; q < e && *q != '"' && *q != '\''; q++)
			;
		if (q >= e)
			return;
		snprintf(out, cap, "%.*s", (int)(q - v), v);
		lower(out);
		return;
	}
}

static void set(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

#define UTF8_DECL "<?xml version='1.0' encoding='utf-8'?>"

/* Whether a document that says it is UTF-8 (its declaration or its BOM)
 * and is, every byte of it, with a character past ASCII, came with an
 * HTTP charset (`http`) that is only the server's default: read as
 * windows-1251, KOI8-R, GBK, ISO-8859-15, windows-1252 because the HTTP
 * charset outranks the declaration (RFC 3023), a UTF-8 feed was stored as
 * mojibake ("\u0420\u045c\u0420\u0455..." for "\u041d\u043e..."),
 * every item, and came back right only on a poll whose text held a byte
 * that charset cannot read (0x9d, "\u201d"'s last, in windows-1252), an
 * edit of every item each time it flipped.  A text in a single- or
 * double-byte encoding is all UTF-8 by chance only when it is a few
 * letters long.  ISO-8859-1 keeps its own repair, text by text (feeds/
 * parse.c, fix_c1()), which reports the HTTP charset. */
static int served_utf8(const char *http, const char *xml, const char *bom, const char *data,
                       size_t dlen)
{
	char nb[64], xb[64];
	const char *name = iconv_name(http, nb, sizeof nb), *decl;
	size_t i;

	if (!name || !strcasecmp(name, "UTF-8") || !strcasecmp(name, "ISO-8859-1") ||
	    !strcasecmp(name, "ISO8859-1"))
		return 0;
	decl = xml[0] ? iconv_name(xml, xb, sizeof xb) : NULL;
	if (strcmp(bom, "utf-8") != 0 && !(decl && !strcasecmp(decl, "UTF-8")))
		return 0;
	for (i = 0; i < dlen && (unsigned char)data[i] < 0x80; i++)
		;
	return i < dlen && utf8_valid(data, dlen);
}

int enc_to_utf8(const char *buf, size_t len, const char *content_type, struct enc_result *r)
{
	const unsigned char *u = (const unsigned char *)buf;
	char bom[16] = "", xml[48] = "", http[48] = "", rfc[48] = "", mime[128] = "";
	const char *data = buf, *err = NULL;
	size_t dlen = len;
	int acceptable = 0, ok = 0, served_as;
	char errbuf[256];
	struct sbuf out;

	memset(r, 0, sizeof *r);
	sbuf_init(&out);

	/* byte order marks, then "<?" in the encodings that do not look like
	 * ASCII */
	if (len >= 4 && !memcmp(u, "\x00\x00\xfe\xff", 4)) { set(bom, sizeof bom, "utf-32be"); data += 4; dlen -= 4; }
	else if (len >= 4 && !memcmp(u, "\xff\xfe\x00\x00", 4)) { set(bom, sizeof bom, "utf-32le"); data += 4; dlen -= 4; }
	else if (len >= 2 && !memcmp(u, "\xfe\xff", 2) && !(len >= 4 && !u[2] && !u[3])) { set(bom, sizeof bom, "utf-16be"); data += 2; dlen -= 2; }
	else if (len >= 2 && !memcmp(u, "\xff\xfe", 2) && !(len >= 4 && !u[2] && !u[3])) { set(bom, sizeof bom, "utf-16le"); data += 2; dlen -= 2; }
	else if (len >= 3 && !memcmp(u, "\xef\xbb\xbf", 3)) { set(bom, sizeof bom, "utf-8"); data += 3; dlen -= 3; }
	else if (len >= 4 && !memcmp(u, "\x4c\x6f\xa7\x94", 4)) set(bom, sizeof bom, "cp037");
	else if (len >= 4 && !memcmp(u, "\x00\x3c\x00\x3f", 4)) set(bom, sizeof bom, "utf-16be");
	else if (len >= 4 && !memcmp(u, "\x3c\x00\x3f\x00", 4)) set(bom, sizeof bom, "utf-16le");
	else if (len >= 4 && !memcmp(u, "\x00\x00\x00\x3c", 4)) set(bom, sizeof bom, "utf-32be");
	else if (len >= 4 && !memcmp(u, "\x3c\x00\x00\x00", 4)) set(bom, sizeof bom, "utf-32le");

	/* the XML declaration, read through the BOM's encoding */
	if (bom[0]) {
		struct sbuf head;
		size_t hn = dlen < 1024 ? dlen : 1024;

		/* a truncated head may end mid-character: trim to whole units */
		if (!strncmp(bom, "utf-32", 6))
			hn -= hn % 4;
		else if (!strncmp(bom, "utf-16", 6))
			hn -= hn % 2;
		sbuf_init(&head);
		if (decode(bom, data, hn, &head) == 0 || head.len)
			xml_decl_encoding(sbuf_str(&head), head.len, xml, sizeof xml);
		sbuf_free(&head);
		static const char *const unicode[] = {
			"u16", "utf-16", "utf16", "utf_16", "u32", "utf-32", "utf32", "utf_32",
			"iso-10646-ucs-2", "iso-10646-ucs-4", "csucs4", "csunicode", "ucs-2", "ucs-4",
		};
		for (size_t i = 0; xml[0] && i < sizeof unicode / sizeof unicode[0]; i++)
			if (!strcmp(xml, unicode[i])) {
				set(xml, sizeof xml, bom);
				break;
			}
	} else {
		xml_decl_encoding(data, dlen, xml, sizeof xml);
	}

	/* the first bytes, after white space, are an ASCII '<' then a byte
	 * that is not 0: not UTF-16 or UTF-32 (reads_ascii_lt()) */
	size_t lt = 0;

	while (lt < dlen && (data[lt] == ' ' || data[lt] == '\t' || data[lt] == '\r' ||
	                     data[lt] == '\n'))
		lt++;
	lt = lt + 1 < dlen && data[lt] == '<' && data[lt + 1] != '\0';

	/* the HTTP media type and charset */
	if (content_type) {
		const char *semi = strchr(content_type, ';'), *p;
		size_t mn = semi ? (size_t)(semi - content_type) : strlen(content_type);

		while (mn && isspace((unsigned char)content_type[mn - 1]))
			mn--;
		p = content_type;
		while (mn && isspace((unsigned char)*p)) {
			p++;
			mn--;
		}
		snprintf(mime, sizeof mime, "%.*s", (int)mn, p);
		lower(mime);
		for (p = semi; p; p = strchr(p + 1, ';')) {
			const char *k = p + 1, *eq;

			while (isspace((unsigned char)*k))
				k++;
			eq = strchr(k, '=');
			if (!eq || (strchr(k, ';') && strchr(k, ';') < eq))
				continue;
			if ((size_t)(eq - k) >= 7 && !strncasecmp(k, "charset", 7)) {
				const char *ks = k + 7;

				while (ks < eq && isspace((unsigned char)*ks))
					ks++;
				if (ks != eq)
					continue;
				const char *v = eq + 1, *ve = strchr(v, ';');

				if (!ve)
					ve = v + strlen(v);
				while (v < ve && (isspace((unsigned char)*v) || *v == '"' || *v == '\''))
					v++;
				while (ve > v && (isspace((unsigned char)ve[-1]) || ve[-1] == '"' || ve[-1] == '\''))
					ve--;
				snprintf(http, sizeof http, "%.*s", (int)(ve - v), v);
			}
		}
	}

	if (content_type && (!strcmp(mime, "application/xml") || !strcmp(mime, "application/xml-dtd") ||
	                     !strcmp(mime, "application/xml-external-parsed-entity") ||
	                     (!strncmp(mime, "application/", 12) && strlen(mime) > 16 &&
	                      !strcmp(mime + strlen(mime) - 4, "+xml")))) {
		acceptable = 1;
		set(rfc, sizeof rfc, http[0] ? http : xml[0] ? xml : "utf-8");
	} else if (content_type && (!strcmp(mime, "text/xml") ||
	                            !strcmp(mime, "text/xml-external-parsed-entity") ||
	                            (!strncmp(mime, "text/", 5) && strlen(mime) > 9 &&
	                             !strcmp(mime + strlen(mime) - 4, "+xml")))) {
		acceptable = 1;
		set(rfc, sizeof rfc, http[0] ? http : "us-ascii");
	} else if (content_type && !strncmp(mime, "text/", 5)) {
		set(rfc, sizeof rfc, http[0] ? http : "us-ascii");
	} else {
		set(rfc, sizeof rfc, xml[0] ? xml : "utf-8");
	}
	served_as = http[0] && !strcmp(rfc, http) ? served_utf8(http, xml, bom, data, dlen) : 0;
	if (!strcasecmp(rfc, "gb2312"))
		set(rfc, sizeof rfc, "gb18030");
	if (!strcasecmp(xml, "gb2312"))
		set(xml, sizeof xml, "gb18030");
	if (content_type && !acceptable) {
		snprintf(errbuf, sizeof errbuf, "NonXMLContentType: %s is not an accepted media type",
		         content_type);
		err = errbuf;
	}

	/* try the candidates in turn */
	{
		const char *cand[] = { served_as ? "utf-8" : "", rfc, xml, bom, "utf-8", "windows-1252",
		                       "iso-8859-2" };
		const char *used = NULL;
		long stray = 0;

		for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
			size_t k;

			if (!cand[i][0])
				continue;
			for (k = 0; k < i; k++)
				if (!strcmp(cand[k], cand[i]))
					break;
			if (k < i)
				continue;
			if (lt && !reads_ascii_lt(cand[i]))
				continue;
			sbuf_reset(&out);
			out.oom = 0;
			/* room for the text and the new XML declaration up front */
			if (!out.s) {
				sbuf_add(&out, "", 0);
				if (out.cap < dlen + 64) {
					char *t = realloc(out.s, dlen + 64);

					if (t) {
						out.s = t;
						out.cap = dlen + 64;
					}
				}
			}
			/* the text goes after the declaration that will lead it */
			sbuf_add(&out, UTF8_DECL, sizeof UTF8_DECL - 1);
			if ((stray = decode(cand[i], data, dlen, &out)) >= 0) {
				used = cand[i];
				break;
			}
		}
		if (!used) {
			snprintf(errbuf, sizeof errbuf,
			         "CharacterEncodingUnknown: document encoding unknown, I tried %s, %s, "
			         "utf-8, windows-1252, and iso-8859-2 but nothing worked", rfc, xml);
			err = errbuf;
			r->encoding[0] = '\0';
			/* keep the bytes, dropping what is not UTF-8 */
			sbuf_reset(&out);
			sbuf_add(&out, UTF8_DECL, sizeof UTF8_DECL - 1);
			sbuf_add(&out, data, dlen);
		} else {
			ok = 1;
			if (stray > 0) {
				snprintf(errbuf, sizeof errbuf,
				         "CharacterEncodingOverride: document parsed as %s but for %ld "
				         "fault%s (a character cut short: U+FFFD; a stray byte: its "
				         "windows-1252 character)", used, stray, stray == 1 ? "" : "s");
				err = errbuf;
			} else if (strcmp(used, rfc) != 0) {
				snprintf(errbuf, sizeof errbuf,
				         "CharacterEncodingOverride: document declared as %s, but parsed as %s",
				         rfc, used);
				err = errbuf;
			}
			set(r->encoding, sizeof r->encoding, used);
		}
	}
	if (out.oom) {
		sbuf_free(&out);
		return -1;
	}

	/* the text is UTF-8 now and the buffer starts with a declaration
	 * that says so: it replaces the text's own declaration, if any, by
	 * moving up to just before what follows that (no copy of the text) */
	{
		size_t dl = sizeof UTF8_DECL - 1, tn, skip = 0;
		char *t;

		if (!out.s || out.len < dl) {
			sbuf_free(&out);
			return -1;
		}
		t = out.s + dl;
		tn = out.len - dl;
		if (tn >= 5 && !strncmp(t, "<?xml", 5)) {
			const char *gt = memchr(t, '>', tn);

			if (gt)
				skip = (size_t)(gt - t) + 1;
		}
		if (skip)
			memmove(out.s + skip, out.s, dl);
		r->mem = out.s;
		r->utf8 = out.s + skip;
		r->len = dl + tn - skip;
	}
	(void)ok;
	if (err) {
		r->bozo = 1;
		r->bozo_reason = strdup(err);
		if (!r->bozo_reason) {
			enc_free(r);
			return -1;
		}
	}
	return 0;
}

void enc_free(struct enc_result *r)
{
	free(r->mem);
	free(r->bozo_reason);
	memset(r, 0, sizeof *r);
}

char *enc_base_uri(const char *uri, const char *content_location)
{
	char *b;

	if (content_location && *content_location) {
		b = uri_safe_join(uri, content_location);
		if (b && *b)
			return b;
		free(b);
		b = uri_safe_join(content_location, NULL);
		if (b && *b)
			return b;
		free(b);
	}
	return uri ? strdup(uri) : NULL;
}
