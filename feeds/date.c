/* feeds/date.c — date parsing.  Each form is a small hand-written matcher
 * modelled on the Universal Feed Parser's handler of the same name, tried
 * in feedparser's order, so that the same string gives the same instant
 * (but for the dates feedparser misreads: docs/conformance.md). */
#include "feeds/date.h"
#include "feeds/feed.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAXTOK 16

/* Days since 1970-01-01 of a proleptic Gregorian date (any month/day
 * values are normalised the way mktime does). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	/* bring month into 1..12 */
	y += (m - 1) >= 0 ? (m - 1) / 12 : -((12 - m) / 12);
	m = ((m - 1) % 12 + 12) % 12 + 1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 + (d - 1);
}

void feed_date_civil(int64_t t, int out[8])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	int64_t z = days + 719468, era, doe, yoe, y, doy, mp, d, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	out[0] = (int)y;
	out[1] = (int)m;
	out[2] = (int)d;
	out[3] = (int)(secs / 3600);
	out[4] = (int)(secs / 60 % 60);
	out[5] = (int)(secs % 60);
	/* 1970-01-01 was a Thursday: Monday-based weekday 3 */
	out[6] = (int)(((days % 7) + 7 + 3) % 7);
	out[7] = (int)(days - days_from_civil(y, 1, 1) + 1);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int64_t y, int64_t m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

/* A checked datetime(y, m, d, h, mi, s) - offset, like feedparser's. */
static int64_t make_time(int64_t y, int64_t m, int64_t d, int64_t h,
                         int64_t mi, int64_t s, int64_t offset)
{
	int64_t t;
	int civ[8];

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays(y, m) ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
		return FEED_NO_TIME;
	t = days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s - offset;
	feed_date_civil(t, civ);
	if (civ[0] < 1 || civ[0] > 9999)
		return FEED_NO_TIME;
	return t;
}

/* Python's int(): optional blanks, optional sign, decimal digits. */
static int py_int(const char *s, size_t n, int64_t *out)
{
	size_t i = 0, digits = 0;
	int neg = 0;
	int64_t v = 0;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	while (n > i && isspace((unsigned char)s[n - 1]))
		n--;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (v > 100000000000LL)
			return -1;
		v = v * 10 + (s[i] - '0');
		digits++;
	}
	if (!digits)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

static int py_intz(const char *s, int64_t *out)
{
	return py_int(s, strlen(s), out);
}

/* Python's int(float(s)) for seconds such as "55" or "55.1234". */
static int py_float_int(const char *s, int64_t *out)
{
	char *end;
	double d;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return -1;
	d = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (*end || d != d || d > 1e12 || d < -1e12)
		return -1;
	*out = (int64_t)d;
	return 0;
}

/* Splits a lowercase copy of s at whitespace (and at `extra` chars). */
static int split(const char *s, char *copy, size_t cap, char **tok,
                 const char *extra)
{
	size_t n = strlen(s);
	int nt = 0;
	char *p;

	if (n >= cap)
		return -1;
	for (size_t i = 0; i <= n; i++)
		copy[i] = (char)tolower((unsigned char)s[i]);
	p = copy;
	for (;;) {
		while (*p && (isspace((unsigned char)*p) || (extra && strchr(extra, *p))))
			p++;
		if (!*p)
			break;
		if (nt == MAXTOK)
			return -1;
		tok[nt++] = p;
		while (*p && !isspace((unsigned char)*p) && !(extra && strchr(extra, *p)))
			p++;
		if (*p)
			*p++ = '\0';
	}
	return nt;
}

/* Zone names and their offsets in minutes.  feedparser's (RFC 822's US
 * and military zones, MET and MEST) first; every other name it reads as
 * UTC, so that Java's Date.toString() and SimpleDateFormat "z" and PHP's
 * "T" put a story from Berlin ("CEST"), London ("BST") or Tokyo ("JST")
 * hours off: the names after them are the ones such programs write that
 * mean one offset only (not IST: India, Ireland or Israel).  `rfc822`:
 * known to the RFC 822 reader only, as in feedparser. */
static const struct { const char *name; int minutes, rfc822; } zones[] = {
	{ "ut", 0, 0 }, { "gmt", 0, 0 }, { "z", 0, 0 }, { "utc", 0, 0 },
	{ "adt", -3 * 60, 0 }, { "ast", -4 * 60, 0 }, { "at", -4 * 60, 0 },
	{ "edt", -4 * 60, 0 }, { "est", -5 * 60, 0 }, { "et", -5 * 60, 0 },
	{ "cdt", -5 * 60, 0 }, { "cst", -6 * 60, 0 }, { "ct", -6 * 60, 0 },
	{ "mdt", -6 * 60, 0 }, { "mst", -7 * 60, 0 }, { "mt", -7 * 60, 0 },
	{ "pdt", -7 * 60, 0 }, { "pst", -8 * 60, 0 }, { "pt", -8 * 60, 0 },
	{ "a", -1 * 60, 0 }, { "n", 1 * 60, 0 }, { "m", -12 * 60, 0 }, { "y", 12 * 60, 0 },
	{ "met", 1 * 60, 1 }, { "mest", 2 * 60, 1 },
	{ "wet", 0, 0 }, { "west", 60, 0 }, { "bst", 60, 0 },
	{ "cet", 60, 0 }, { "cest", 120, 0 }, { "mez", 60, 0 }, { "mesz", 120, 0 },
	{ "eet", 120, 0 }, { "eest", 180, 0 }, { "msk", 180, 0 },
	{ "pkt", 300, 0 }, { "hkt", 480, 0 }, { "sgt", 480, 0 }, { "awst", 480, 0 },
	{ "jst", 540, 0 }, { "kst", 540, 0 }, { "acst", 570, 0 }, { "acdt", 630, 0 },
	{ "aest", 600, 0 }, { "aedt", 660, 0 }, { "nzst", 720, 0 }, { "nzdt", 780, 0 },
	{ "hst", -600, 0 }, { "akst", -540, 0 }, { "akdt", -480, 0 },
	{ "nst", -210, 0 }, { "ndt", -150, 0 },
};

/* The offset of a zone name in minutes, 0 (UTC) for a name not known. */
static int zone_minutes(const char *name, int rfc822)
{
	/* and in parentheses, as the comment after an offset is written:
	 * "2025-12-03 22:00 (JST)" was 22:00 UTC, nine hours off */
	size_t n = strlen(name), skip = 0;

	if (n > 2 && name[0] == '(' && name[n - 1] == ')') {
		skip = 1;
		n -= 2;
	}
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		if (zones[i].rfc822 && !rfc822)
			continue;
		if (strlen(zones[i].name) == n && strncmp(zones[i].name, name + skip, n) == 0)
			return zones[i].minutes;
	}
	return 0;
}

/* The month a (lower-cased) name or abbreviation means: English by its
 * first three letters, as feedparser; then the names PHP's and Java's
 * localised formats write in German, French, Spanish, Italian,
 * Portuguese and Dutch ("Mi, 03 Dez 2025", "mar., 02 d\u00e9c. 2025",
 * "02 ago 2025"), by the prefix that tells them apart, so that such a
 * feed's stories keep their dates rather than all taking the time they
 * were first seen. */
static int month_of(const char *s)
{
	static const char *m[] = { "jan", "feb", "mar", "apr", "may", "jun",
	                           "jul", "aug", "sep", "oct", "nov", "dec" };
	static const struct { const char *prefix; int month; } local[] = {
		{ "ene", 1 }, { "gen", 1 }, { "j\xc3\xa4n", 1 },
		{ "f\xc3\xa9v", 2 }, { "fev", 2 },
		{ "m\xc3\xa4r", 3 }, { "mrz", 3 }, { "mrt", 3 }, { "maa", 3 },
		{ "avr", 4 }, { "abr", 4 },
		{ "mai", 5 }, { "mei", 5 }, { "mag", 5 },
		{ "juin", 6 }, { "giu", 6 },
		{ "juil", 7 }, { "lug", 7 },
		{ "ao\xc3\xbb", 8 }, { "aou", 8 }, { "ago", 8 },
		{ "set", 9 },
		{ "okt", 10 }, { "ott", 10 }, { "out", 10 },
		{ "d\xc3\xa9" "c", 12 }, { "dez", 12 }, { "dic", 12 },
	};

	for (int i = 0; i < 12; i++)
		if (strncmp(s, m[i], 3) == 0)
			return i + 1;
	for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
		if (strncmp(s, local[i].prefix, strlen(local[i].prefix)) == 0)
			return local[i].month;
	return 0;
}

static int is_dayname(const char *s)
{
	static const char *d[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

	for (int i = 0; i < 7; i++)
		if (strncmp(s, d[i], 3) == 0)
			return 1;
	return 0;
}

/* is_dayname() in any case */
static int is_dayname_ci(const char *s)
{
	char l[3];

	for (int i = 0; i < 3; i++) {
		if (!s[i])
			return 0;
		l[i] = (char)tolower((unsigned char)s[i]);
	}
	return is_dayname(l);
}

/* Whether tok[0] is a day's name before "DD Month": an English one, or
 * any word followed by a day and a month's name ("Mi, 03 Dez", "mar.,
 * 02 dic": Spanish Tuesday, "mar", is also March). */
static int leads_with_day(char **tok, int nt)
{
	if (is_dayname(tok[0]))
		return 1;
	return nt >= 3 && isalpha((unsigned char)tok[0][0]) &&
	       isdigit((unsigned char)tok[1][0]) && month_of(tok[2]);
}

int64_t feed_date_rfc822(const char *s)
{
	char copy[256], *tok[MAXTOK + 2], *tz;
	int nt = split(s, copy, sizeof copy, tok, ",");
	int64_t day, month, year, hms[3] = { 0, 0, 0 }, tzh = 0, tzm = 0;
	int first = 0, nparts;
	size_t ylen;
	char *t, *colon;

	if (nt <= 0)
		return FEED_NO_TIME;
	if (leads_with_day(tok, nt))
		first = 1;
	/* a word between the year and the time: WordPress's "December 3,
	 * 2025 at 10:00 pm" ("F j, Y \a\t g:i a"), Drupal's "Wednesday,
	 * December 3, 2025 - 22:00" ("l, F j, Y - H:i"), German "um";
	 * feedparser, and we, found no time there and no date at all */
	if (nt - first >= 5 && isdigit((unsigned char)tok[first + 4][0]) &&
	    strchr(tok[first + 4], ':') &&
	    (!strcmp(tok[first + 3], "at") || !strcmp(tok[first + 3], "-") ||
	     !strcmp(tok[first + 3], "um"))) {
		memmove(tok + first + 3, tok + first + 4, (size_t)(nt - first - 4) * sizeof *tok);
		nt--;
	}
	/* What is missing after the day, month and year: the time (then
	 * midnight) or the zone (then UTC), or both.  feedparser pads the
	 * parts before it drops the day name, and always with a time: so
	 * "Sat, 01 Jun 2024 05:39:00" came to four parts and was refused
	 * while "01 Jun 2024 05:39:00" was read, and the zone of
	 * "01 Jun 2024 +0530" was taken for the time of day. */
	if (nt - first == 3) {
		tok[nt++] = "00:00:00";
		tok[nt++] = "0000";
	} else if (nt - first == 4) {
		char *last = tok[nt - 1];

		if (isalpha((unsigned char)last[0]) || last[0] == '+' || last[0] == '-') {
			tok[nt] = last;
			tok[nt - 1] = "00:00:00";
			nt++;
		} else {
			tok[nt++] = "0000";
		}
	}
	if (nt - first < 5)
		return FEED_NO_TIME;
	char **p = tok + first;

	month = month_of(p[1]);
	if (py_intz(p[0], &day) < 0) {
		if (!month_of(p[0]) || py_intz(p[1], &day) < 0)
			return FEED_NO_TIME;
		month = month_of(p[0]);
	}
	if (!month)
		return FEED_NO_TIME;
	if (py_intz(p[2], &year) < 0)
		return FEED_NO_TIME;
	ylen = strlen(p[2]);
	if (ylen <= 2)
		year += year < 90 ? 2000 : 1900;

	/* time: at most three colon-separated integers */
	t = p[3];
	nparts = 0;
	for (;;) {
		colon = strchr(t, ':');
		if (nparts == 3)
			return FEED_NO_TIME;
		if (py_int(t, colon ? (size_t)(colon - t) : strlen(t), &hms[nparts]) < 0)
			return FEED_NO_TIME;
		nparts++;
		if (!colon)
			break;
		t = colon + 1;
	}

	tz = p[4];
	if (strncmp(tz, "etc/", 4) == 0)
		tz += 4;
	/* "GMT-05:00" and "UTC+02:00" alike */
	if (strncmp(tz, "gmt", 3) == 0 || strncmp(tz, "utc", 3) == 0)
		tz = tz[3] ? tz + 3 : "gmt";
	if (tz[0] == '-' || tz[0] == '+') {
		/* The hours run to the colon, else are two digits (one when
		 * that is all); the minutes follow.  feedparser drops the colon
		 * after "GMT" first, so that "GMT+5:30" came to "+530", read as
		 * 53 hours: India's and Sri Lanka's clocks, 2 days off.  None
		 * at all ("UTC+2", "+02") is 0 where feedparser gives up. */
		const char *c = strchr(tz, ':');
		size_t n = strlen(tz);
		size_t hl = c ? (size_t)(c - tz - 1) : n >= 3 ? 2 : n - 1;
		const char *mi = c ? c + 1 : tz + 1 + hl;

		if (hl < 1 || hl > 2 || py_int(tz + 1, hl, &tzh) < 0)
			return FEED_NO_TIME;
		if (*mi && py_int(mi, strlen(mi), &tzm) < 0)
			return FEED_NO_TIME;
		if (tz[0] == '-') {
			tzh = -tzh;
			tzm = -tzm;
		}
	} else {
		tzm = zone_minutes(tz, 1);
	}
	return make_time(year, month, day, hms[0], hms[1], hms[2],
	                 tzh * 3600 + tzm * 60);
}
/* snprintf(dst, cap, "%s", src) without the printf machinery (a hot path) */
static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}


int64_t feed_date_w3dtf(const char *s)
{
	char copy[256], date[256], timebuf[256], tzs[256], tzword[256] = "";
	char *tok[MAXTOK + 2], *part1;
	int64_t ymd[3] = { 0, 1, 1 }, hour, minute, second, tzh = 0, tzm = 0;
	size_t n = strlen(s), ntp;
	const char *tp;
	char *p, *tpos;
	int nt;

	if (n >= sizeof copy)
		return FEED_NO_TIME;
	for (size_t i = 0; i <= n; i++)
		copy[i] = (char)tolower((unsigned char)s[i]);
	p = copy;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return FEED_NO_TIME;

	/* feedparser splits the whole string at 't', so that the "t" of a
	 * zone word ("2024-06-01 05:39:00 UTC", Ruby's and Go's way, or
	 * "EST") made it no date and the ISO 8601 reader dropped the time
	 * of day: the separator is a 't' in the first word only. */
	nt = split(copy, copy, sizeof copy, tok, NULL);
	if (nt <= 0)
		return FEED_NO_TIME;
	tpos = strchr(tok[0], 't');
	if (tpos) {
		if (strchr(tpos + 1, 't'))
			return FEED_NO_TIME;
		*tpos = '\0';
		copy_str(date, sizeof date, tok[0]);
		part1 = tpos + 1;
		/* "2024-06-01T 05:39:00Z": the time is the next word */
		int w = 1;
		if (!*part1 && nt >= 2)
			part1 = tok[w++];
		copy_str(tzword, sizeof tzword, nt > w ? tok[w] : "");
	} else {
		/* "2024-06-01 T05:39:00Z": the T starts the next word (it was
		 * read, split at the 't' as feedparser does) */
		int w = 1;

		copy_str(date, sizeof date, tok[0]);
		if (nt >= 2 && tok[1][0] == 't' && !strchr(tok[1] + 1, 't')) {
			tok[1]++;
			if (!*tok[1] && nt >= 3)
				w++;
		}
		part1 = nt > w ? tok[w] : "00:00:00z";
		copy_str(tzword, sizeof tzword, nt > w + 1 ? tok[w + 1] : "");
	}

	/* date.split('-', 2): first part exactly four characters */
	{
		char *d = date, *dash;
		int k = 0;

		for (;;) {
			dash = k < 2 ? strchr(d, '-') : NULL;
			if (k == 0 && (dash ? (size_t)(dash - d) : strlen(d)) != 4)
				return FEED_NO_TIME;
			if (py_int(d, dash ? (size_t)(dash - d) : strlen(d), &ymd[k]) < 0)
				return FEED_NO_TIME;
			k++;
			if (!dash)
				break;
			d = dash + 1;
		}
	}

	copy_str(timebuf, sizeof timebuf, part1);
	ntp = strlen(timebuf);
	int have_z = 0;
	char off[64] = "";
	if (ntp && timebuf[ntp - 1] == 'z') {
		timebuf[--ntp] = '\0';
		have_z = 1;
	}
	/* the numeric offset, if any, starts at the first '-' (else '+') */
	tp = strchr(timebuf, '-');
	if (!tp)
		tp = strchr(timebuf, '+');
	if (tp) {
		copy_str(off, sizeof off, tp);
		timebuf[tp - timebuf] = '\0';
	}
	/* the zone is the time's own Z or offset, else the word after the
	 * time ("2024-06-01 05:39:00 UTC", MSSQL style) */
	copy_str(tzs, sizeof tzs, have_z ? "z" : off[0] ? off : tzword);

	if (tzs[0] == '-' || tzs[0] == '+') {
		size_t m = strlen(tzs);
		/* the minutes after the colon, or right after the hours when
		 * there is none ("+0530", PHP's DATE_ISO8601) as the RFC 822
		 * reader takes them: feedparser reads that "0" and puts India
		 * half an hour off */
		size_t mi = strchr(tzs, ':') ? 4 : 3;

		/* and none at all ("+02", PostgreSQL's "2024-06-01
		 * 05:39:00+02") is 0, as in the RFC 822 reader: refused, the
		 * date went to the ISO 8601 reader, which stops at the blank
		 * and dropped the time of day */
		if (py_int(tzs + 1, m >= 3 ? 2 : m - 1, &tzh) < 0 ||
		    (m > mi && py_int(tzs + mi, m - mi, &tzm) < 0))
			return FEED_NO_TIME;
		if (tzs[0] == '-') {
			tzh = -tzh;
			tzm = -tzm;
		}
	} else {
		tzm = zone_minutes(tzs, 0);
	}

	/* time.split(':', 2) padded with "0" */
	{
		char *f[3] = { "0", "0", "0" }, *q = timebuf, *c;
		int k = 0;

		for (;;) {
			c = k < 2 ? strchr(q, ':') : NULL;
			f[k++] = q;
			if (!c)
				break;
			*c = '\0';
			q = c + 1;
		}
		if (py_intz(f[0], &hour) < 0 || py_intz(f[1], &minute) < 0 ||
		    py_float_int(f[2], &second) < 0)
			return FEED_NO_TIME;
	}
	return make_time(ymd[0], ymd[1], ymd[2], hour, minute, second,
	                 tzh * 3600 + tzm * 60);
}

/* ---- ISO 8601: feedparser's template list, each a prefix match ---- */

struct iso {
	int year, year_len, month, day, ordinal, century;
	int hour, minute, second, have_time;
	int tzsign, tzhour, tzmin;
};

static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return 0;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 1;
}

static int opt(const char **p, char c)
{
	if (**p == c) {
		(*p)++;
		return 1;
	}
	return 0;
}

static int two_in(const char **p, char lo, char hi, int *out)
{
	if ((*p)[0] < lo || (*p)[0] > hi)
		return 0;
	return digits(p, 2, out);
}

static int three_ord(const char **p, int *out)
{
	if ((*p)[0] < '0' || (*p)[0] > '3')
		return 0;
	return digits(p, 3, out);
}

/* One template; returns the end of the match or NULL. */
static const char *iso_template(int k, const char *s, struct iso *r)
{
	const char *p = s;

	memset(r, 0, sizeof *r);
	switch (k) {
	case 0: /* YYYY-?MM-?DD */
		if (!digits(&p, 4, &r->year)) return NULL;
		r->year_len = 4; opt(&p, '-');
		if (!two_in(&p, '0', '1', &r->month)) return NULL;
		opt(&p, '-');
		if (!two_in(&p, '0', '3', &r->day)) return NULL;
		break;
	case 1: /* YYYY-0MM?-?DD */
		if (!digits(&p, 4, &r->year)) return NULL;
		r->year_len = 4;
		if (!opt(&p, '-') || !opt(&p, '0')) return NULL;
		if (!two_in(&p, '0', '1', &r->month)) return NULL;
		opt(&p, '-');
		if (!two_in(&p, '0', '3', &r->day)) return NULL;
		break;
	case 2: /* YYYY-MM */
		if (!digits(&p, 4, &r->year)) return NULL;
		r->year_len = 4;
		if (!opt(&p, '-') || !two_in(&p, '0', '1', &r->month)) return NULL;
		break;
	case 3: /* YYYY-?OOO */
		if (!digits(&p, 4, &r->year)) return NULL;
		r->year_len = 4; opt(&p, '-');
		if (!three_ord(&p, &r->ordinal)) return NULL;
		break;
	case 4: /* YY-?MM-?DD */
		if (!digits(&p, 2, &r->year)) return NULL;
		r->year_len = 2; opt(&p, '-');
		if (!two_in(&p, '0', '1', &r->month)) return NULL;
		opt(&p, '-');
		if (!two_in(&p, '0', '3', &r->day)) return NULL;
		break;
	case 5: /* YY-?OOO */
		if (!digits(&p, 2, &r->year)) return NULL;
		r->year_len = 2; opt(&p, '-');
		if (!three_ord(&p, &r->ordinal)) return NULL;
		break;
	case 6: /* YYYY */
		if (!digits(&p, 4, &r->year)) return NULL;
		r->year_len = 4;
		break;
	case 7: /* -YY-?MM */
		if (!opt(&p, '-') || !digits(&p, 2, &r->year)) return NULL;
		r->year_len = 2; opt(&p, '-');
		if (!two_in(&p, '0', '1', &r->month)) return NULL;
		break;
	case 8: /* -OOO */
		if (!opt(&p, '-') || !three_ord(&p, &r->ordinal)) return NULL;
		break;
	case 9: /* -YY */
		if (!opt(&p, '-') || !digits(&p, 2, &r->year)) return NULL;
		r->year_len = 2;
		break;
	case 10: /* --MM-?DD */
		if (!opt(&p, '-') || !opt(&p, '-') || !two_in(&p, '0', '1', &r->month)) return NULL;
		opt(&p, '-');
		if (!two_in(&p, '0', '3', &r->day)) return NULL;
		break;
	case 11: /* --MM */
		if (!opt(&p, '-') || !opt(&p, '-') || !two_in(&p, '0', '1', &r->month)) return NULL;
		break;
	case 12: /* ---DD */
		if (!opt(&p, '-') || !opt(&p, '-') || !opt(&p, '-') ||
		    !two_in(&p, '0', '3', &r->day)) return NULL;
		break;
	case 13: /* CC, the whole string */
		if (!digits(&p, 2, &r->century) || *p) return NULL;
		r->century += 100; /* mark present */
		break;
	default: /* the empty template */
		break;
	}
	/* (T?hh:mm(:ss)?(.frac)?(tz)?)?, and after a date in the basic
	 * form (no '-'), the time in it too: Thhmm(ss)? ("20251203T101500Z",
	 * iCalendar's, which event feeds copy), or hhmm(ss)? right after
	 * the eight digits of YYYYMMDD ("20251203101500", a database's or
	 * PHP's date('YmdHis')).  Read as hh:mm, the first was midnight, and
	 * the second, a template then ending inside a number, no date. */
	{
		const char *q = p;
		int h, mi, sec = 0, colon;
		int basic = p - s >= 5 && !memchr(s, '-', (size_t)(p - s));

		if (opt(&q, 't'))
			basic = basic && isdigit((unsigned char)q[0]) && isdigit((unsigned char)q[1]) &&
			        isdigit((unsigned char)q[2]);
		else
			basic = basic && k == 0 && p - s == 8;
		if (!digits(&q, 2, &h))
			return p;
		colon = opt(&q, ':');
		if ((!colon && !basic) || !digits(&q, 2, &mi))
			return p;
		r->hour = h;
		r->minute = mi;
		r->have_time = 1;
		if (colon ? q[0] == ':' && isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2])
		          : isdigit((unsigned char)q[0]) && isdigit((unsigned char)q[1])) {
			q += colon;
			digits(&q, 2, &sec);
			r->second = sec;
		}
		if (q[0] == '.' && isdigit((unsigned char)q[1])) {
			q++;
			while (isdigit((unsigned char)*q))
				q++;
		}
		if ((q[0] == '+' || q[0] == '-') && isdigit((unsigned char)q[1]) &&
		    isdigit((unsigned char)q[2])) {
			r->tzsign = q[0] == '-' ? -1 : 1;
			q++;
			digits(&q, 2, &r->tzhour);
			/* hh:mm, or hhmm: the minutes of "+0530" count too */
			if (q[0] == ':' && isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2]))
				q++;
			if (isdigit((unsigned char)q[0]) && isdigit((unsigned char)q[1]))
				digits(&q, 2, &r->tzmin);
		} else if (q[0] == 'z') {
			q++;
		}
		return q;
	}
}

int64_t feed_date_iso8601(const char *s)
{
	char copy[256];
	struct iso r;
	const char *end = NULL;
	int64_t year, month, day, t;
	time_t now = time(NULL);
	struct tm gm;
	size_t n = strlen(s);
	int civ[8];

	if (n >= sizeof copy || !n)
		return FEED_NO_TIME;
	/* the templates are case-sensitive: T and Z upper case only */
	for (size_t i = 0; i <= n; i++)
		copy[i] = s[i] == 'T' ? 't' : s[i] == 'Z' ? 'z' : s[i] == 't' || s[i] == 'z' ? '\x01' : s[i];
	int k;

	/* A template that ends inside a number took part of it for its last
	 * field and is no match: "01-12-2026 10:00", the day first with
	 * dashes (India, the Netherlands), was YY-MM-DD 2001-12-20 ("20" of
	 * "2026" its day), "31-12-2025" 2031-12-20, "12-01-2026" (the month
	 * first) 2012-01-20: a story from decades back, and in a feed listed
	 * for longer than `retention` one taken for deleted and not stored.
	 * With the day or the month first and dashes, as with slashes, the
	 * string is none. */
	for (k = 0; k <= 14; k++) {
		end = iso_template(k, copy, &r);
		if (end && end > copy && isdigit((unsigned char)end[-1]) &&
		    isdigit((unsigned char)end[0]))
			end = NULL;
		if (end)
			break;
	}
	if (!end || end == copy)
		return FEED_NO_TIME;
	/* A year alone with more after it that is no time ("2025-W10-8",
	 * "2025 December 3", "2025-Dec-03") is no date: feedparser's
	 * reader, and this one, gave it the first day of the month the
	 * clock was in, a date the string does not name (an item written
	 * on the 28th was threaded and shown 27 days back).  The year
	 * alone, nothing after it, is its January 1st, as before. */
	if (k == 6 && !r.have_time && *end)
		return FEED_NO_TIME;
	gmtime_r(&now, &gm);
	if (r.year_len == 0)
		year = gm.tm_year + 1900;
	else if (r.year_len == 2)
		year = 100 * ((gm.tm_year + 1900) / 100) + r.year;
	else
		year = r.year;
	if (r.month)
		month = r.month;
	else
		month = r.ordinal ? 1 : gm.tm_mon + 1;
	if (r.day)
		day = r.day;
	else if (r.ordinal)
		day = r.ordinal;
	else if (r.century || r.year_len || r.month)
		day = 1;
	else
		day = gm.tm_mday;
	if (r.century)
		year = (int64_t)(r.century - 100 - 1) * 100 + 1;
	/* mktime would normalise these; a wall clock does not have them */
	if (month > 12 || (r.day && day > 31) || r.hour > 23 || r.minute > 59 || r.second > 60)
		return FEED_NO_TIME;
	t = days_from_civil(year, month, day) * 86400 + (int64_t)r.hour * 3600 +
	    (int64_t)r.minute * 60 + r.second;
	/* a negative offset adds to the wall time, as feedparser does */
	if (r.tzsign)
		t -= r.tzsign * ((int64_t)r.tzhour * 3600 + (int64_t)r.tzmin * 60);
	feed_date_civil(t, civ);
	if (civ[0] < 1 || civ[0] > 9999)
		return FEED_NO_TIME;
	return t;
}

static int64_t date_asctime(const char *s)
{
	char copy[256], buf[300], *tok[MAXTOK + 2];
	int nt = split(s, copy, sizeof copy, tok, NULL);

	if (nt == 5) {
		tok[5] = tok[4];
		tok[4] = "+0000";
		nt = 6;
	}
	if (nt != 6)
		return FEED_NO_TIME;
	snprintf(buf, sizeof buf, "%s %s %s %s %s %s", tok[0], tok[2], tok[1],
	         tok[5], tok[3], tok[4]);
	return feed_date_rfc822(buf);
}

/* "Fri, 2006/09/15 08:19:53 EDT" */
static int64_t date_perforce(const char *s)
{
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char dow[8], tz[8], buf[128];
	int y, m, d, h, mi, sec, used = 0;

	if (sscanf(s, "%3[A-Za-z0-9_], %4d/%2d/%2d %2d:%2d:%2d %3[A-Za-z0-9_]%n",
	           dow, &y, &m, &d, &h, &mi, &sec, tz, &used) != 8 || m < 1 || m > 12)
		return FEED_NO_TIME;
	snprintf(buf, sizeof buf, "%s, %d %s %d %02d:%02d:%02d %s", dow, d,
	         mon[m - 1], y, h, mi, sec, tz);
	return feed_date_rfc822(buf);
}

/* Replaces the first of `n` UTF-8 names found at s with its ASCII peer. */
static const char *lookup(const char *s, size_t len, const char *const (*tab)[2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(tab[i][0]) == len && memcmp(tab[i][0], s, len) == 0)
			return tab[i][1];
	return NULL;
}

static const char *const greek_months[][2] = {
	{ "\u0399\u03b1\u03bd", "Jan" }, { "\u03a6\u03b5\u03b2", "Feb" },
	{ "\u039c\u03ac\u03ce", "Mar" }, { "\u039c\u03b1\u03ce", "Mar" },
	{ "\u0391\u03c0\u03c1", "Apr" }, { "\u039c\u03ac\u03b9", "May" },
	{ "\u039c\u03b1\u03ca", "May" }, { "\u039c\u03b1\u03b9", "May" },
	{ "\u0399\u03bf\u03cd\u03bd", "Jun" }, { "\u0399\u03bf\u03c5\u03bd", "Jun" },
	{ "\u0399\u03bf\u03cd\u03bb", "Jul" }, { "\u0399\u03bf\u03c5\u03bb", "Jul" },
	{ "\u0391\u03cd\u03b3", "Aug" }, { "\u0391\u03c5\u03b3", "Aug" },
	{ "\u03a3\u03b5\u03c0", "Sep" }, { "\u039f\u03ba\u03c4", "Oct" },
	{ "\u039d\u03bf\u03ad", "Nov" }, { "\u039d\u03bf\u03b5", "Nov" },
	{ "\u0394\u03b5\u03ba", "Dec" },
};

static const char *const greek_days[][2] = {
	{ "\u039a\u03c5\u03c1", "Sun" }, { "\u0394\u03b5\u03c5", "Mon" },
	{ "\u03a4\u03c1\u03b9", "Tue" }, { "\u03a4\u03b5\u03c4", "Wed" },
	{ "\u03a0\u03b5\u03bc", "Thu" }, { "\u03a0\u03b1\u03c1", "Fri" },
	{ "\u03a3\u03b1\u03b2", "Sat" },
};

/* "Κυρ, 11 Ιούλ 2004 12:00:00 EST" */
static int64_t date_greek(const char *s)
{
	const char *comma = strchr(s, ','), *p, *mon_s, *wd, *mo;
	char rest[64], buf[160];
	size_t mon_n;

	if (!comma || comma == s)
		return FEED_NO_TIME;
	wd = lookup(s, (size_t)(comma - s), greek_days, sizeof greek_days / sizeof greek_days[0]);
	p = comma + 1;
	if (!wd || !isspace((unsigned char)*p))
		return FEED_NO_TIME;
	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
	    !isspace((unsigned char)p[2]))
		return FEED_NO_TIME;
	mon_s = p + 2;
	while (isspace((unsigned char)*mon_s))
		mon_s++;
	mon_n = 0;
	while (mon_s[mon_n] && !isspace((unsigned char)mon_s[mon_n]))
		mon_n++;
	mo = lookup(mon_s, mon_n, greek_months, sizeof greek_months / sizeof greek_months[0]);
	if (!mo)
		return FEED_NO_TIME;
	copy_str(rest, sizeof rest, mon_s + mon_n);
	snprintf(buf, sizeof buf, "%s, %.2s %s%s", wd, p, mo, rest);
	return feed_date_rfc822(buf);
}

static const char *const hu_months[][2] = {
	{ "janu\u00e1r", "01" }, { "febru\u00e1ri", "02" }, { "m\u00e1rcius", "03" },
	{ "\u00e1prilis", "04" }, { "m\u00e1ujus", "05" }, { "j\u00fanius", "06" },
	{ "j\u00falius", "07" }, { "augusztus", "08" }, { "szeptember", "09" },
	{ "okt\u00f3ber", "10" }, { "november", "11" }, { "december", "12" },
};

/* "2004-július-13T9:15-05:00" */
static int64_t date_hungarian(const char *s)
{
	const char *p = s, *m0, *mon;
	int day = 0, hour = 0, nd = 0;
	char buf[96];

	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)p[i]))
			return FEED_NO_TIME;
	if (p[4] != '-')
		return FEED_NO_TIME;
	m0 = p + 5;
	p = strchr(m0, '-');
	if (!p || p == m0)
		return FEED_NO_TIME;
	mon = lookup(m0, (size_t)(p - m0), hu_months, sizeof hu_months / sizeof hu_months[0]);
	if (!mon)
		return FEED_NO_TIME;
	p++;
	for (nd = 0; nd < 2 && isdigit((unsigned char)*p); nd++)
		day = day * 10 + (*p++ - '0');
	if (*p++ != 'T')
		return FEED_NO_TIME;
	for (nd = 0; nd < 2 && isdigit((unsigned char)*p); nd++)
		hour = hour * 10 + (*p++ - '0');
	if (*p++ != ':' || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		return FEED_NO_TIME;
	snprintf(buf, sizeof buf, "%.4s-%s-%02dT%02d:%.2s%s", s, mon, day, hour, p, p + 2);
	if (p[2] != '+' && p[2] != '-')
		return FEED_NO_TIME;
	return feed_date_w3dtf(buf);
}

/* "2004년 05월 28일  01:31:15" (OnBlog, KST); also without the seconds,
 * and with 오전 or 오후 (AM, PM) before the time, as Korean sites write
 * it: "2025년 12월 3일 오후 3:00".  Either was left to the ISO 8601
 * reader, which took the "2025" for a year and gave the current month's
 * first day. */
static int64_t date_onblog(const char *s)
{
	int y, mo, d, h, mi, sec = 0, n = 0, pm = -1;
	char buf[64];
	const char *p;

	if (sscanf(s, "%4d\xeb\x85\x84 %2d\xec\x9b\x94 %2d\xec\x9d\xbc %n", &y, &mo, &d, &n) != 3 ||
	    !n)
		return FEED_NO_TIME;
	p = s + n;
	if (strncmp(p, "\xec\x98\xa4\xec\xa0\x84", 6) == 0)
		pm = 0;
	else if (strncmp(p, "\xec\x98\xa4\xed\x9b\x84", 6) == 0)
		pm = 1;
	if (sscanf(pm < 0 ? p : p + 6, " %2d:%2d:%2d", &h, &mi, &sec) < 2)
		return FEED_NO_TIME;
	if (pm >= 0) {
		if (h < 0 || h > 12)
			return FEED_NO_TIME;
		h = h % 12 + 12 * pm;  /* a 12-hour clock, as in date_nate() */
	}
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+09:00", y, mo, d, h, mi, sec);
	return feed_date_w3dtf(buf);
}

/* "2004-05-25 오후 11:23:17" (Nate, KST; 오후 = PM, 오전 = AM); also
 * without the seconds, as Korean sites write the time ("오후 3:00", which
 * the ISO 8601 reader, stopping at the blank, read as midnight UTC). */
static int64_t date_nate(const char *s)
{
	int y, mo, d, h, mi, sec = 0, n = 0, got;
	char buf[64];
	const char *p;

	if (sscanf(s, "%4d-%2d-%2d %n", &y, &mo, &d, &n) != 3 || !n)
		return FEED_NO_TIME;
	p = s + n;
	if (strncmp(p, "\xec\x98\xa4\xec\xa0\x84", 6) == 0)
		;
	else if (strncmp(p, "\xec\x98\xa4\xed\x9b\x84", 6) == 0)
		n = -1;
	else
		return FEED_NO_TIME;
	got = sscanf(p + 6, " %2d:%2d:%2d", &h, &mi, &sec);
	if (got < 2 || h < 0 || h > 12)
		return FEED_NO_TIME;
	/* a 12-hour clock: 오후 12:30 is half past noon (feedparser's 24:30,
	 * refused), 오전 12:30 half past midnight (its half past noon) */
	h = h % 12 + (n == -1 ? 12 : 0);
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+09:00", y, mo, d, h, mi, sec);
	return feed_date_w3dtf(buf);
}

/* What sites write between a date and its time, skipped: a comma
 * ("20.06.2025, 10:00", PHP's "d.m.Y, H:i") and the day of the week,
 * in parentheses or not: Japanese "(水)", "（水）", "水曜日", Korean
 * "(수)", "수요일", Chinese "(周三)", "星期三", English "(Wed)".  After
 * any of them the readers (the ISO 8601 one, last) found no time and
 * kept the day: midnight, hours off.  p after those, at what follows
 * (the time, or the end). */
static const char *after_day(const char *p)
{
	/* one of the day's names (UTF-8): 月火水木金土日, 일월화수목금토 and
	 * 一二三四五六日天 after 周, 週 or 星期 */
	static const char ja[] = "\xe6\x9c\x88\xe7\x81\xab\xe6\xb0\xb4\xe6\x9c\xa8"
	                         "\xe9\x87\x91\xe5\x9c\x9f\xe6\x97\xa5";
	static const char ko[] = "\xec\x9d\xbc\xec\x9b\x94\xed\x99\x94\xec\x88\x98"
	                         "\xeb\xaa\xa9\xea\xb8\x88\xed\x86\xa0";
	static const char zh[] = "\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8\x89\xe5\x9b\x9b"
	                         "\xe4\xba\x94\xe5\x85\xad\xe6\x97\xa5\xe5\xa4\xa9";
	const char *q;
	int paren = 0;

	while (*p == ' ')
		p++;
	if (*p == ',')
		for (p++; *p == ' '; p++)
			;
	q = p;
	if (*q == '(') {
		paren = 1;
		q++;
	} else if (!strncmp(q, "\xef\xbc\x88", 3)) {  /* （ */
		paren = 2;
		q += 3;
	}
	{
		const char *w = q;
		int found = 0;

		/* one character in parentheses, else with 曜日 or 요일 after it
		 * (月 alone is no day's name) */
		for (size_t k = 0; k < 7 * 3 && !found; k += 3) {
			if (!strncmp(w, ja + k, 3) &&
			    !strncmp(w + 3, "\xe6\x9b\x9c\xe6\x97\xa5", 6)) {  /* 曜日 */
				w += 9;
				found = 1;
			} else if (!strncmp(w, ko + k, 3) &&
			           !strncmp(w + 3, "\xec\x9a\x94\xec\x9d\xbc", 6)) {  /* 요일 */
				w += 9;
				found = 1;
			} else if (paren && (!strncmp(w, ja + k, 3) || !strncmp(w, ko + k, 3))) {
				w += 3;
				found = 1;
			}
		}
		if (!found && (!strncmp(w, "\xe5\x91\xa8", 3) || !strncmp(w, "\xe9\x80\xb1", 3) ||
		               !strncmp(w, "\xe6\x98\x9f\xe6\x9c\x9f", 6))) {  /* 周 週 星期 */
			const char *d = w + (w[0] == '\xe6' ? 6 : 3);

			for (size_t k = 0; k < 8 * 3; k += 3)
				if (!strncmp(d, zh + k, 3)) {
					w = d + 3;
					found = 1;
					break;
				}
		}
		if (!found && paren && isalpha((unsigned char)w[0]) && is_dayname_ci(w)) {
			w += 3;
			while (isalpha((unsigned char)*w) || *w == '.')
				w++;
			found = 1;
		}
		if (found && paren == 1)
			found = *w == ')';
		else if (found && paren == 2)
			found = !strncmp(w, "\xef\xbc\x89", 3);  /* ） */
		if (found) {
			p = w + (paren == 1 ? 1 : paren == 2 ? 3 : 0);
			while (*p == ' ')
				p++;
			if (*p == ',')
				for (p++; *p == ' '; p++)
					;
		}
	}
	/* and a word before the time: German "03.12.2025 um 22:00", Russian
	 * "в", English "at", Drupal's " - " */
	static const char *const words[] = { "um ", "at ", "- ", "\xd0\xb2 " };

	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
		size_t n = strlen(words[k]);

		if (!strncmp(p, words[k], n) && isdigit((unsigned char)p[n]))
			return p + n;
	}
	return p;
}

/* A Unix time written as text: ten digits of seconds ("1733263200", a
 * script's time(); a fraction after them, Python's time.time()) or
 * thirteen of milliseconds (JavaScript's Date.now()), blanks around
 * them.  No date is written so (ten digits are no form of ISO 8601),
 * and the ISO 8601 reader took the first four for a year and the next
 * for its month or day of the year: 1733-09-20, a date before 1970, so
 * that the story showed that year as its published date and took the
 * time it was first seen (an old item as news).  Ten digits are
 * 2001-09-09 to 2286-11-20. */
static int64_t date_epoch(const char *s)
{
	int64_t v = 0;
	size_t n = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '0')
		return FEED_NO_TIME;
	while (isdigit((unsigned char)s[n]))
		n++;
	if (n != 10 && n != 13)
		return FEED_NO_TIME;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	s += n;
	if (n == 10 && *s == '.' && isdigit((unsigned char)s[1]))
		for (s++; isdigit((unsigned char)*s); s++)
			;
	while (isspace((unsigned char)*s))
		s++;
	if (*s)
		return FEED_NO_TIME;
	return n == 13 ? v / 1000 : v;
}

/* The Monday of ISO week 1 of year y (the week with January 4th), in
 * days since 1970-01-01. */
static int64_t isoweek_one(int64_t y)
{
	int64_t jan4 = days_from_civil(y, 1, 4);

	return jan4 - ((jan4 % 7) + 7 + 3) % 7;
}

/* An ISO 8601 week date: "2025-W10-3" (the Wednesday of week 10,
 * 2025-03-05), "2025W103", "2025-W10" and "2025W10" (its Monday), with
 * a time and zone after it read as after "2025-03-05"
 * ("2025-W10-3T09:30:00Z").  The ISO 8601 reader took the year alone,
 * and gave it the first day of the month the clock was in and no time
 * of day: in December, 2025-12-01 00:00. */
static int64_t date_isoweek(const char *s)
{
	const char *p = s;
	int y, w, d = 1, ext;
	int64_t days;
	int civ[8];
	char buf[256];

	if (!digits(&p, 4, &y))
		return FEED_NO_TIME;
	ext = opt(&p, '-');
	if ((*p != 'W' && *p != 'w') || !(p++, digits(&p, 2, &w)))
		return FEED_NO_TIME;
	if (ext ? p[0] == '-' && isdigit((unsigned char)p[1]) && !isdigit((unsigned char)p[2])
	        : isdigit((unsigned char)p[0]) && !isdigit((unsigned char)p[1])) {
		d = p[ext] - '0';
		p += ext + 1;
	}
	/* the weeks of year y run to the Monday of year y + 1's week 1 */
	if (y < 1 || y > 9998 || w < 1 || (isoweek_one(y + 1) - isoweek_one(y)) / 7 < w ||
	    d < 1 || d > 7 || (*p && *p != 'T' && *p != 't' && *p != ' '))
		return FEED_NO_TIME;
	days = isoweek_one(y) + (int64_t)(w - 1) * 7 + (d - 1);
	feed_date_civil(days * 86400, civ);
	if (snprintf(buf, sizeof buf, "%04d-%02d-%02d%s", civ[0], civ[1], civ[2], p) >=
	    (int)sizeof buf)
		return FEED_NO_TIME;
	return feed_date_parse_general(buf);
}

/* Year, month and day with slashes or dots, and in Chinese and Japanese
 * (年 月 日) or Korean (년 월 일): "2025/12/03 10:00:00", "2025.12.03
 * 10:00" (Korea, China), "2025. 12. 3. 오후 3:00" (Korean, as a browser's
 * toLocaleString writes it), "2025年12月3日 10:00" (and the Japanese
 * era's year, "令和7年12月3日"), "2025년 12월 3일"; and the day first
 * with dots, "03.12.2025 10:00" (Germany, Russia, Poland...).  Read as the same date with dashes, "2025-12-03 10:00",
 * whatever follows the day (a time, 오전 or 오후 and a time, a zone) read
 * as it is after one.  The ISO 8601 reader, last of the handlers, took
 * the "2025" alone as a year, and like feedparser's gave such a date the
 * current month and its first day: "2025/06/20" or "2025.06.20" read in
 * December was 2025-12-01.  *shaped: the string starts as such a date
 * does (four digits and a slash, a dot, 年 or 년; or the day first), so
 * that what this refuses is no date at all rather than that made-up
 * one: a month or day out of range, and a year before 1900, which is
 * one of the Iranian (Solar Hijri: 1404/09/12) or the Islamic calendar
 * (1447/06/12) that Persian and Arabic sites write so, and was read as
 * the Gregorian year 1404. */
static int64_t date_ymd(const char *s, int *shaped)
{
	static const char *const cjk[2][3] = {
		{ "\xe5\xb9\xb4", "\xe6\x9c\x88", "\xe6\x97\xa5" },  /* 年 月 日 */
		{ "\xeb\x85\x84", "\xec\x9b\x94", "\xec\x9d\xbc" },  /* 년 월 일 */
	};
	char buf[256];
	const char *p = s;
	int v[3], form = 0;  /* 1: slashes, 2: 年 月 日, 3: 년 월 일, 4: dots, 5: D.M.Y */

	*shaped = 0;
	/* the day first: 1 or 2 digits, a dot, 1 or 2, a dot, 4 */
	{
		int d = 0, m = 0, y = 0;
		while (d < 3 && isdigit((unsigned char)p[d]))
			d++;
		while (d >= 1 && d <= 2 && p[d] == '.' && m < 3 && isdigit((unsigned char)p[d + 1 + m]))
			m++;
		while (m >= 1 && m <= 2 && p[d + 1 + m] == '.' && y < 5 &&
		       isdigit((unsigned char)p[d + 2 + m + y]))
			y++;
		if (y == 4) {
			form = 5;
			v[2] = atoi(p);
			v[1] = atoi(p + d + 1);
			v[0] = atoi(p + d + m + 2);
			p += d + m + 2 + y;
			*shaped = 1;
		}
	}
	/* Japanese era years: 令和7年 is 2025, 平成31年 2019 (元年: the first) */
	static const struct { const char *name; int base; } eras[] = {
		{ "\xe4\xbb\xa4\xe5\x92\x8c", 2018 },  /* 令和 */
		{ "\xe5\xb9\xb3\xe6\x88\x90", 1988 },  /* 平成 */
		{ "\xe6\x98\xad\xe5\x92\x8c", 1925 },  /* 昭和 */
	};
	for (size_t e = 0; e < sizeof eras / sizeof eras[0] && form != 5; e++) {
		int n = 0;

		if (strncmp(p, eras[e].name, 6) != 0)
			continue;
		p += 6;
		*shaped = 1;
		if (!strncmp(p, "\xe5\x85\x83", 3)) {  /* 元 */
			v[0] = 1;
			n = 3;
		} else {
			while (n < 2 && isdigit((unsigned char)p[n]))
				n++;
			if (!n)
				return FEED_NO_TIME;
			v[0] = atoi(p);
		}
		if (v[0] < 1 || strncmp(p + n, cjk[0][0], 3) != 0)
			return FEED_NO_TIME;
		v[0] += eras[e].base;
		p += n + 3;
		form = 2;
	}
	for (int f = form == 2 ? 1 : 0; f < 3 && form != 5; f++) {
		int n = 0;

		/* Korean writes a blank after each dot or unit: "2025. 12. 3." */
		if (f && (form == 3 || form == 4))
			while (*p == ' ')
				p++;
		while (n < (f ? 2 : 4) && isdigit((unsigned char)p[n]))
			n++;
		if (f ? n < 1 : n != 4)
			return FEED_NO_TIME;
		v[f] = atoi(p);
		p += n;
		if (f == 0) {
			form = *p == '/' ? 1 : *p == '.' ? 4 : !strncmp(p, cjk[0][0], 3) ? 2 :
			       !strncmp(p, cjk[1][0], 3) ? 3 : *p == '-' ? 6 : 0;
			*shaped = form != 0 && form != 6;
		}
		if ((form == 1 && f < 2 && *p == '/') || (form == 4 && f < 2 && *p == '.') ||
		    (form == 6 && f < 2 && *p == '-'))
			p++;
		else if ((form == 2 || form == 3) && !strncmp(p, cjk[form - 2][f], 3))
			p += 3;
		else if (!form || f < 2)
			return FEED_NO_TIME;
	}
	/* the day's own dot: "2025. 12. 3." */
	if (form == 4 && *p == '.')
		p++;
	/* "2025/12/034" is no date; "3日10:00" is one */
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[0] < 1900 ||
	    ((form == 1 || form >= 4) && isdigit((unsigned char)*p)))
		return FEED_NO_TIME;
	/* ISO 8601's dashes come here only when the readers before refused
	 * the string: read only with a day's name or a word that
	 * after_day() skips ("2025-12-03(수) 22:00", "2025-12-03, 22:00"),
	 * else left to the ISO 8601 reader as they were */
	if (form == 6) {
		const char *q = after_day(p);

		while (*p == ' ')
			p++;
		/* or Japanese hours, read below: "2025-12-03 22時30分" and
		 * date_12hour()'s "2025-12-03 午後10時30分" were midnight */
		int jh = isdigit((unsigned char)p[0]) &&
		         (!strncmp(p + 1, "\xe6\x99\x82", 3) ||
		          (isdigit((unsigned char)p[1]) && !strncmp(p + 2, "\xe6\x99\x82", 3)));
		if ((q == p && !jh) || !*q)
			return FEED_NO_TIME;
	}
	p = after_day(p);
	/* Korean with the day's name ("2025년 12월 3일 (수) 22:00"): in
	 * Korean time, as date_onblog() reads it without */
	if (form == 3 && *p) {
		int64_t t;

		if (snprintf(buf, sizeof buf, "%04d\xeb\x85\x84 %d\xec\x9b\x94 %d\xec\x9d\xbc %s",
		             v[0], v[1], v[2], p) >= (int)sizeof buf)
			return FEED_NO_TIME;
		t = date_onblog(buf);
		if (t != FEED_NO_TIME)
			return t;
	}
	{
		/* Japanese hours and minutes: "22時00分", "22時" */
		int h = 0, mi = 0, n = 0, k;

		while (n < 2 && isdigit((unsigned char)p[n]))
			h = h * 10 + (p[n++] - '0');
		if (n && !strncmp(p + n, "\xe6\x99\x82", 3)) {  /* 時 */
			p += n + 3;
			for (k = 0; k < 2 && isdigit((unsigned char)p[k]); k++)
				mi = mi * 10 + (p[k] - '0');
			if (k && !strncmp(p + k, "\xe5\x88\x86", 3))  /* 分 */
				p += k + 3;
			else
				mi = 0;
			if (snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d%s", v[0], v[1], v[2],
			             h, mi, p) >= (int)sizeof buf)
				return FEED_NO_TIME;
			return feed_date_parse_general(buf);
		}
	}
	if (snprintf(buf, sizeof buf, "%04d-%02d-%02d%s%s", v[0], v[1], v[2], *p ? " " : "", p) >=
	    (int)sizeof buf)
		return FEED_NO_TIME;
	return feed_date_parse_general(buf);
}

/* ---- the two forms nearly every feed writes, read at fixed places ---- */

static inline int dig2(const char *s, int64_t *v)
{
	if ((unsigned char)(s[0] - '0') > 9 || (unsigned char)(s[1] - '0') > 9)
		return 0;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 1;
}

/* the index (1-based) of s's three letters in names (any case), 0 when
 * none */
static int name3(const char *s, const char *names)
{
	char l[3];

	for (int i = 0; i < 3; i++) {
		if (!isalpha((unsigned char)s[i]))
			return 0;
		l[i] = (char)(s[i] | 0x20);
	}
	for (int i = 0; names[3 * i]; i++)
		if (!memcmp(names + 3 * i, l, 3))
			return i + 1;
	return 0;
}

/* "2024-06-01T05:39:00Z" (or "+05:30" for "Z") and "Sat, 01 Jun 2024
 * 05:39:00 +0000" (or "GMT"), exactly, in any case: the instant the
 * general readers give them (feed_date_w3dtf for the first; every form
 * with a day name fails it, so feed_date_rfc822 for the second), read at
 * fixed places.  FEED_NO_TIME for anything else, and for a date that
 * make_time() refuses: the readers after those two then get their turn,
 * as they did. */
static int64_t date_common(const char *s)
{
	static const char days[] = "montuewedthufrisatsun";
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	size_t n = strlen(s);
	int64_t y, y2, mo, d, h, mi, sec, oh = 0, om = 0;
	char sign;

	if ((n == 20 || n == 25) && s[4] == '-' && s[7] == '-' && (s[10] | 0x20) == 't' &&
	    s[13] == ':' && s[16] == ':' && dig2(s, &y) && dig2(s + 2, &y2) && dig2(s + 5, &mo) &&
	    dig2(s + 8, &d) && dig2(s + 11, &h) && dig2(s + 14, &mi) && dig2(s + 17, &sec)) {
		sign = s[19];
		if (n == 20 ? (sign | 0x20) != 'z'
		            : (sign != '+' && sign != '-') || s[22] != ':' || !dig2(s + 20, &oh) ||
		              !dig2(s + 23, &om))
			return FEED_NO_TIME;
	} else if ((n == 31 || n == 29) && s[3] == ',' && s[4] == ' ' && s[7] == ' ' &&
	           s[11] == ' ' && s[16] == ' ' && s[19] == ':' && s[22] == ':' && s[25] == ' ' &&
	           name3(s, days) && (mo = name3(s + 8, months)) && dig2(s + 5, &d) &&
	           dig2(s + 12, &y) && dig2(s + 14, &y2) && dig2(s + 17, &h) && dig2(s + 20, &mi) &&
	           dig2(s + 23, &sec)) {
		sign = s[26];
		if (n == 29 ? name3(s + 26, "gmt") != 1
		            : (sign != '+' && sign != '-') || !dig2(s + 27, &oh) || !dig2(s + 29, &om))
			return FEED_NO_TIME;
	} else {
		return FEED_NO_TIME;
	}
	if (sign == '-') {
		oh = -oh;
		om = -om;
	}
	return make_time(y * 100 + y2, mo, d, h, mi, sec, oh * 3600 + om * 60);
}

int64_t feed_date_parse(const char *s)
{
	int64_t t = s ? date_common(s) : FEED_NO_TIME;

	return t != FEED_NO_TIME ? t : feed_date_parse_general(s);
}

/* A time on a 12-hour clock, as people and their programs write it: "Dec
 * 3, 2025 10:00 PM EST" (PHP's "g:i A", Java's "h:mm a", JavaScript's
 * toLocaleString), "2025-12-03 10:00pm", "10:00 p.m.", SQL Server's "Dec
 * 3 2025 10:00PM", Japanese "午後10:00" and Chinese "下午10:00" (PM
 * before the time, 午前 and 上午 AM).  Every reader after this took "PM"
 * for an unknown zone (UTC: 12 hours off, and the zone after it lost) or
 * stopped before it (the time of "10:00PM" or "午後10:00" dropped:
 * midnight).  Writes s with that time on the 24-hour clock into buf
 * ("Dec 3, 2025 22:00 EST") and returns 1; 0 when s has no such time;
 * -1 when its hour is none of a 12-hour clock and contradicts its
 * AM or PM ("13:00 AM": no date rather than a guess).  Korean 오전 and 오후 are left to
 * date_nate() and date_onblog(), which read them in Korean time. */
static int date_12hour(const char *s, char *buf, size_t cap)
{
	static const struct { const char *word; int pm; } before[] = {
		{ "\xe5\x8d\x88\xe5\x89\x8d", 0 },  /* 午前 */
		{ "\xe5\x8d\x88\xe5\xbe\x8c", 1 },  /* 午後 */
		{ "\xe4\xb8\x8a\xe5\x8d\x88", 0 },  /* 上午 */
		{ "\xe4\xb8\x8b\xe5\x8d\x88", 1 },  /* 下午 */
	};
	static const struct { const char *word; size_t len; int pm; } after[] = {
		{ "am", 2, 0 }, { "pm", 2, 1 }, { "a.m.", 4, 0 }, { "p.m.", 4, 1 },
	};
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		size_t he = i, te, cut0, cut1;
		int hour = 0, pm = -1;

		/* h:mm or hh:mm, not the end of a longer number */
		if (!isdigit((unsigned char)s[i]) || (i && isdigit((unsigned char)s[i - 1])))
			continue;
		while (he < n && he - i < 3 && isdigit((unsigned char)s[he]))
			hour = hour * 10 + (s[he++] - '0');
		/* or Japanese hours, "午後10時30分" (date_ymd() reads 時 and 分) */
		int kanji = he - i <= 2 && !strncmp(s + he, "\xe6\x99\x82", 3);

		if (!kanji && (he - i > 2 || s[he] != ':' || !isdigit((unsigned char)s[he + 1]) ||
		               !isdigit((unsigned char)s[he + 2]) || isdigit((unsigned char)s[he + 3])))
			continue;
		te = he + 3;
		if (!kanji && s[te] == ':' && isdigit((unsigned char)s[te + 1]) &&
		    isdigit((unsigned char)s[te + 2]))
			te += 3;
		while (!kanji && s[te] == '.' && isdigit((unsigned char)s[te + 1]))
			for (te++; isdigit((unsigned char)s[te]); te++)
				;
		/* the word after the time, then before it (a blank between
		 * them or none) */
		cut0 = te;
		cut1 = te;
		while (s[cut1] == ' ')
			cut1++;
		for (size_t k = 0; k < sizeof after / sizeof after[0] && !kanji; k++)
			if (strncasecmp(s + cut1, after[k].word, after[k].len) == 0 &&
			    !isalnum((unsigned char)s[cut1 + after[k].len])) {
				pm = after[k].pm;
				cut1 += after[k].len;
				break;
			}
		if (pm < 0) {
			size_t b = i;

			if (b && s[b - 1] == ' ')
				b--;
			for (size_t k = 0; k < sizeof before / sizeof before[0]; k++)
				if (b >= 6 && memcmp(s + b - 6, before[k].word, 6) == 0) {
					pm = before[k].pm;
					cut0 = b - 6;
					cut1 = i;
					break;
				}
			if (pm < 0) {
				i = te - 1;
				continue;
			}
		}
		/* A 24-hour time with its AM or PM anyway ("22:00:00 PM", PHP's
		 * "H:i:s A", a common template slip; "00:30 AM") means what it
		 * says; other hours are none of a 12-hour clock ("13:00 AM"). */
		if ((pm && hour >= 13 && hour <= 23) || (!pm && hour == 0))
			;
		else if (hour < 1 || hour > 12)
			return -1;
		else
			hour = hour % 12 + 12 * pm;
		if (cut0 == te) {  /* "10:00 PM EST": the time, then the rest */
			if (snprintf(buf, cap, "%.*s%02d%.*s%s", (int)i, s, hour, (int)(te - he),
			             s + he, s + cut1) >= (int)cap)
				return -1;
		} else if (snprintf(buf, cap, "%.*s%02d%s", (int)cut0, s, hour, s + he) >= (int)cap) {
			return -1;  /* "午後10:00": the words before the time, then it */
		}
		return 1;
	}
	return 0;
}

int64_t feed_date_parse_general(const char *s)
{
	int64_t (*const handlers[])(const char *) = {
		/* feedparser's order, except that its ISO 8601 reader (which
		 * takes any string starting with four digits as a year) goes
		 * last, after the forms that are more specific */
		feed_date_w3dtf, feed_date_rfc822, date_asctime, date_perforce,
		date_hungarian, date_greek, date_nate, date_onblog,
	};
	char clock24[256];
	int shaped;
	int64_t t;

	if (!s || !*s)
		return FEED_NO_TIME;
	switch (date_12hour(s, clock24, sizeof clock24)) {
	case -1:
		return FEED_NO_TIME;
	case 1:
		s = clock24;
		break;
	}
	for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
		t = handlers[i](s);
		if (t != FEED_NO_TIME)
			return t;
	}
	t = date_epoch(s);
	if (t == FEED_NO_TIME)
		t = date_isoweek(s);
	if (t != FEED_NO_TIME)
		return t;
	/* a year, month and day date_ymd() refuses is none (not the ISO
	 * 8601 reader's year alone) */
	t = date_ymd(s, &shaped);
	if (t != FEED_NO_TIME || shaped)
		return t;
	return feed_date_iso8601(s);
}
