/* daemon/cluster_kw.c — a thread's keywords: the heaviest words of its
 * recent stories, spelt as its stories spell them (struct kwinfo in
 * cluster_int.h). */
#include "daemon/cluster_int.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

static struct kwinfo *kw_info(struct thread *t)
{
	if (!t->kw)
		t->kw = calloc(1, sizeof *t->kw + 1); /* text "" */
	return t->kw;
}

static int kw_is_shown(const struct kwinfo *k, uint32_t term)
{
	for (uint32_t i = 0; i < k->nshown; i++)
		if (k->kw[i] == term)
			return 1;
	return 0;
}

/* Whether code point c is a capital (Latin, Greek, Cyrillic... alike). */
static int is_capital(utf8proc_int32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z';
	utf8proc_category_t cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

/* The first code point of s[0..n) and its length (0: none, or not UTF-8). */
static size_t first_cp(const char *s, size_t n, utf8proc_int32_t *c)
{
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, c);
	return k > 0 ? (size_t)k : 0;
}

static size_t caps(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		size_t m = first_cp(s + i, n - i, &c);
		if (!m)
			break;
		k += is_capital(c);
		i += m;
	}
	return k;
}

static int8_t capbal_add(int a, int b)
{
	int x = a + b;
	return (int8_t)(x > 100 ? 100 : x < -100 ? -100 : x);
}

/* s[0..n) as code points to compare spellings by: case folded, Turkish
 * ı and İ as i, and when nomarks without the accents letters decompose
 * to (U+0300-U+036F).  The count, or -1 (too long, not UTF-8). */
static int form_fold(const char *s, size_t n, int nomarks, utf8proc_int32_t *out, int cap)
{
	utf8proc_int32_t buf[4 * KW_FORM_MAX];
	utf8proc_ssize_t k = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
	                                        buf, (utf8proc_ssize_t)(sizeof buf / sizeof *buf),
	                                        UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	if (k < 0 || k > (utf8proc_ssize_t)(sizeof buf / sizeof *buf))
		return -1;
	int m = 0;
	for (utf8proc_ssize_t i = 0; i < k; i++) {
		utf8proc_int32_t c = buf[i] == 0x131 ? 'i' : buf[i];
		if (c == 0x307 && m > 0 && out[m - 1] == 'i')
			continue; /* İ folds to i and a dot above */
		if (nomarks && c >= 0x300 && c <= 0x36f)
			continue;
		if (m == cap)
			return -1;
		out[m++] = c;
	}
	return m;
}

/* Whether s[0..n) has no lower-case letter (is written in capitals). */
static int no_lower(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c;
		size_t m = first_cp(s + i, n - i, &c);
		if (!m)
			return 0;
		if (utf8proc_category(c) == UTF8PROC_CATEGORY_LL)
			return 0;
		i += m;
	}
	return 1;
}

/* Whether a[0..an) and b[0..bn) are one spelling in another case: in
 * any script, not only ASCII (ВЗРЫВ and взрыв, KIRMIZI and kırmızı), and
 * one of them in capitals may lack the accents of the other, which
 * capitals drop (Greek ΣΕΙΣΜΟΣ is σεισμός).  Compared byte by byte
 * before, as ASCII, a word in another script was a spelling of its own
 * in each case, and a thread showed the capitals of a shouting headline
 * ("ВЗРЫВ", "ΚΡΗΤΗ") where its other stories wrote "взрыв", "Κρήτη". */
static int form_caseeq(const char *a, size_t an, const char *b, size_t bn)
{
	utf8proc_int32_t x[4 * KW_FORM_MAX], y[4 * KW_FORM_MAX];
	int cap = (int)(sizeof x / sizeof *x);
	int nomarks = 0;
	size_t i = 0;
	/* ASCII (most words) without utf8proc: letters alike but for case. */
	while (i < an && i < bn && !((a[i] | b[i]) & 0x80) &&
	       (a[i] == b[i] || ((a[i] | 0x20) == (b[i] | 0x20) &&
	                         (a[i] | 0x20) >= 'a' && (a[i] | 0x20) <= 'z')))
		i++;
	if (i == an && i == bn)
		return 1;
	if (i < an && i < bn && !((a[i] | b[i]) & 0x80))
		return 0; /* two ASCII bytes that differ */
	for (;;) {
		int xn = form_fold(a, an, nomarks, x, cap), yn = form_fold(b, bn, nomarks, y, cap);
		if (xn >= 0 && xn == yn && !memcmp(x, y, (size_t)xn * sizeof *x))
			return 1;
		if (nomarks || !(no_lower(a, an) || no_lower(b, bn)))
			return 0;
		nomarks = 1;
	}
}

/* Whether k counts a spelling of term. */
static int kw_tracks(const struct kwinfo *k, uint32_t term)
{
	for (uint32_t i = 0; i < k->nf; i++)
		if (k->f[i].term == term)
			return 1;
	for (uint32_t i = 0; i < k->nkw; i++)
		if (k->kw[i] == term)
			return 1;
	return 0;
}

static inline uint64_t kw_bit(uint32_t term)
{
	return 1ULL << ((term * 0x9e3779b1u) >> 26);
}

/* k->mask again from the terms it holds. */
static void kw_remask(struct kwinfo *k)
{
	k->mask = 0;
	for (uint32_t i = 0; i < k->nf; i++)
		k->mask |= kw_bit(k->f[i].term);
	for (uint32_t i = 0; i < k->nkw; i++)
		k->mask |= kw_bit(k->kw[i]);
}

/* Thread t's stories spelt term as s[0..n) once more (good: mid-sentence
 * in sentence-cased text, capbal +1 with a capital there, -1 without); w
 * counts, or another table's counts in a merge.  1 when how term shows
 * may have changed, 0 when not, -1 out of memory. */
static int kw_count(struct thread *t, uint32_t term, const char *s, size_t n, unsigned w,
                    unsigned seen, int good, int capbal)
{
	if (n == 0 || n > KW_FORM_MAX)
		return 0;
	struct kwinfo *k = kw_info(t);
	if (!k)
		return -1;
	uint32_t rival = 0;
	struct kwform *f = NULL;
	int exact = 0;
	for (uint32_t i = 0; i < k->nf; i++) {
		struct kwform *e = &k->f[i];
		if (e->term != term)
			continue;
		if ((exact = e->len == n && !memcmp(e->s, s, n)) || form_caseeq(e->s, e->len, s, n))
			f = e;
		else if (e->seen > rival)
			rival = e->seen;
	}
	if (f) {
		unsigned sum = f->count + w, before = f->seen;
		if (sum > UINT16_MAX || f->seen + seen > UINT16_MAX) {
			/* a long thread: halve, keeping the ratios */
			for (uint32_t j = 0; j < k->nf; j++) {
				k->f[j].count /= 2;
				k->f[j].seen /= 2;
			}
			sum = (sum + 1) / 2;
			seen = (seen + 1) / 2;
			before = 0;
		}
		f->count = (uint16_t)sum;
		f->seen = (uint16_t)(f->seen + seen);
		int8_t bal = capbal_add(f->capbal, capbal);
		int changed = (f->capbal > 0) != (bal > 0);
		f->capbal = bal;
		/* The case to show: one written mid-sentence if any, and of
		 * those the least shouting ("million" over "MILLION" in a
		 * headline that shouts a word). */
		if (good > f->good || (good == f->good && !exact && caps(s, n) < caps(f->s, f->len))) {
			memcpy(f->s, s, n);
			f->len = (uint8_t)n;
			f->good = (uint8_t)good;
			changed = 1;
		}
		return changed || (before <= rival && f->seen > rival);
	}
	unsigned base = 0;
	uint32_t low = UINT32_MAX;
	for (uint32_t i = 0; k->nf == KW_FORMS && i < k->nf; i++)
		if (!k->f[i].shown && (low == UINT32_MAX || k->f[i].count < k->f[low].count))
			low = i;
	if (k->nf < KW_FORMS) {
		f = &k->f[k->nf++];
	} else if (low != UINT32_MAX) {
		f = &k->f[low];
		base = f->count;
	} else {
		return 0; /* every place holds a keyword's spelling */
	}
	f->term = term;
	f->len = (uint8_t)n;
	f->good = (uint8_t)good;
	f->shown = (uint8_t)kw_is_shown(k, term);
	f->count = (uint16_t)(base + w > UINT16_MAX ? UINT16_MAX : base + w);
	f->seen = (uint16_t)(seen > UINT16_MAX ? UINT16_MAX : seen);
	f->capbal = capbal_add(0, capbal);
	memcpy(f->s, s, n);
	if (base)
		kw_remask(k); /* the term it replaced may have left */
	else
		k->mask |= kw_bit(term);
	return f->seen > rival;
}

/* Story s (doc, just collected into c->q and c->qsurf) joined thread t:
 * it counts its spellings of the terms the thread counts or has as
 * keywords and candidates, or of its own KW_VOTES heaviest while the
 * thread has no keywords yet.  As many as the thread shows: with its
 * three heaviest only, a one-story thread's fourth and fifth keyword had
 * no spelling of its own and showed the vocabulary's, another story's
 * ("accounts" for a headline's "account"), and which one depended on the
 * order the vocabulary met the word, which a restart changes.  (All it
 * tracks, 8, cost 4% of cluster_add's instructions; 5, 2%.) */
#define KW_VOTES KW_SHOWN
int kw_vote(struct clusterer *c, struct thread *t, const struct story *s,
                   const struct cluster_doc *doc)
{
	/* The heaviest only until the thread has keywords (its first story;
	 * later the candidates come with them).  Of the terms that may be
	 * keywords, as keywords() takes them: a weekday, a month, a clock
	 * time or a small number among the five heaviest ("... on Monday",
	 * "3 dead") took a vote the fifth keyword then lacked, and it showed
	 * another story's spelling again ("accounts"). */
	float topw[KW_VOTES], bar = INFINITY;
	uint32_t nt = 0;
	for (uint32_t i = 0; !(t->kw && t->kw->nkw) && i < s->n; i++) {
		float w = s->v[i].w;
		if (s->v[i].hide)
			continue;
		if (nt == KW_VOTES && w <= topw[nt - 1])
			continue;
		uint32_t j = nt < KW_VOTES ? nt++ : KW_VOTES - 1;
		for (; j > 0 && topw[j - 1] < w; j--)
			topw[j] = topw[j - 1];
		topw[j] = w;
		bar = topw[nt - 1];
	}
	uint64_t mask = t->kw ? t->kw->mask : 0;
	for (uint32_t i = 0; i < s->n; i++) {
		uint32_t term = s->v[i].term;
		if (s->v[i].w < bar && !((mask & kw_bit(term)) && kw_tracks(t->kw, term)))
			continue;
		uint32_t j = c->voc.term[term].qslot;
		if (j >= c->nqsurf || c->qsurf[j].term != term)
			continue;
		const struct qsurf *qs = &c->qsurf[j];
		const char *base = qs->field ? doc->text : doc->title;
		if (!base)
			continue;
		const char *w = base + qs->off;
		utf8proc_int32_t c0 = 0;
		first_cp(w, qs->len, &c0);
		int capbal = !qs->good ? 0 : is_capital(c0) ? 1 : -1;
		int r = kw_count(t, term, w, qs->len, 1, 1, qs->good, capbal);
		if (r < 0)
			return -1;
		if (r && kw_is_shown(t->kw, term))
			t->kw->respell = 1;
		if (t->kw)
			mask = t->kw->mask;
	}
	return 0;
}

/* After a prune: the forms of terms pruned go before their ids are
 * handed out again (to other words, which would show them). */
void kw_forget_dead(struct clusterer *c)
{
	const struct vterm *v = c->voc.term;
	for (uint32_t s = 0; s < c->nth; s++) {
		struct kwinfo *k = c->th[s].id ? c->th[s].kw : NULL;
		if (!k)
			continue;
		uint32_t n = 0;
		for (uint32_t i = 0; i < k->nf; i++)
			if (!v[k->f[i].term].dead)
				k->f[n++] = k->f[i];
		k->nf = n;
		uint32_t shown = 0;
		n = 0;
		for (uint32_t i = 0; i < k->nkw; i++)
			if (!v[k->kw[i]].dead) {
				shown += i < k->nshown;
				k->kw[n++] = k->kw[i];
			}
		k->nkw = n;
		k->nshown = shown;
		kw_remask(k);
	}
}

#define KW_MEMBERS 16
#define KW_SLOTS 1024  /* > KW_MEMBERS x max_terms used in practice */

/* How thread t shows term in its keywords: the spelling its stories use
 * most, in the case written mid-sentence; never seen there, in the case
 * the vocabulary's casing evidence gives the word (a capital heading a
 * sentence or in a title-cased headline says nothing).  Without a
 * spelling of its own, the vocabulary's surface.  0 when it does not fit
 * in cap. */
static size_t kw_form(const struct clusterer *c, const struct thread *t, uint32_t term,
                      char *out, size_t cap)
{
	const struct kwform *best = NULL;
	for (uint32_t i = 0; t->kw && i < t->kw->nf; i++) {
		const struct kwform *f = &t->kw->f[i];
		if (f->term == term && (!best || f->seen > best->seen))
			best = f;
	}
	const char *s = best ? best->s : vocab_surface(&c->voc, term);
	size_t n = best ? best->len : strlen(s);
	if (n >= cap)
		return 0;
	memcpy(out, s, n);
	out[n] = '\0';
	if (!best)
		return n;
	const struct vterm *v = &c->voc.term[term];
	int upper = best->good ? best->capbal > 0 : v->cap_yes >= v->cap_no;
	/* The first letter in the case to show, in any script (when its
	 * other case has as many bytes). */
	utf8proc_int32_t c0, c1 = 0, to;
	size_t k0 = first_cp(out, n, &c0);
	if (!k0)
		return n;
	first_cp(out + k0, n - k0, &c1);
	if (upper && utf8proc_category(c0) == UTF8PROC_CATEGORY_LL)
		to = utf8proc_toupper(c0);
	else if (!upper && is_capital(c0) && k0 < n && utf8proc_category(c1) == UTF8PROC_CATEGORY_LL)
		to = utf8proc_tolower(c0);
	else
		return n;
	utf8proc_uint8_t enc[4];
	if (utf8proc_encode_char(to, enc) == (utf8proc_ssize_t)k0)
		memcpy(out, enc, k0);
	return n;
}

/* Thread t shows the first of terms[0..n) (heaviest first, n <=
 * KW_TRACK) that fit as its keywords, spelt as kw_form() says, and
 * counts the spellings of all.  0, or -1 out of memory (t's keywords
 * unchanged). */
static int kw_text(const struct clusterer *c, struct thread *t, const uint32_t *terms, uint32_t n)
{
	char kw[sizeof ((struct cluster_result *)0)->keywords];
	uint32_t all[KW_TRACK], nshown = 0, nrest = 0, rest[KW_TRACK];
	size_t len = 0;
	kw[0] = '\0';
	for (uint32_t i = 0; i < n; i++) {
		char s[sizeof kw];
		size_t m = nshown < KW_SHOWN ? kw_form(c, t, terms[i], s, sizeof s) : 0;
		if (!m || len + m + 3 >= sizeof kw) {
			rest[nrest++] = terms[i];
			continue;
		}
		if (len) {
			memcpy(kw + len, ", ", 2);
			len += 2;
		}
		memcpy(kw + len, s, m);
		len += m;
		kw[len] = '\0';
		all[nshown++] = terms[i];
	}
	memcpy(all + nshown, rest, nrest * sizeof *rest);
	struct kwinfo *k = t->kw ? realloc(t->kw, sizeof *k + len + 1) : calloc(1, sizeof *k + len + 1);
	if (!k)
		return -1;
	memcpy(k->text, kw, len + 1);
	memcpy(k->kw, all, (nshown + nrest) * sizeof *all);
	k->nkw = nshown + nrest;
	k->nshown = nshown;
	k->respell = 0;
	for (uint32_t i = 0; i < k->nf; i++)
		k->f[i].shown = (uint8_t)kw_is_shown(k, k->f[i].term);
	kw_remask(k);
	t->kw = k;
	return 0;
}

/* Whether term a of weight wa ranks before term b of weight wb among a
 * thread's keywords: heavier, or as heavy and first by its stem.  Not by
 * the term's number or slot: the numbers follow the order the terms
 * reached the vocabulary, which a restart changes (the saved frequencies
 * first, then the window), and the words of a one-story thread, each
 * written once, all weigh the same: its keywords came in another order,
 * or others of them, after a restart. */
static int kw_before(const struct clusterer *c, uint32_t a, float wa, uint32_t b, float wb)
{
	if (wa != wb)
		return wa > wb;
	return strcmp(vocab_name(&c->voc, a), vocab_name(&c->voc, b)) < 0;
}

/* Top terms of the thread's recent coverage: the sum of its last stories'
 * vectors (cheap, in cache) rather than a pass over the whole centroid.
 * 0, or -1 out of memory (t's keywords unchanged). */
static int keywords(struct clusterer *c, struct thread *t)
{
	/* A bitmap of the used slots stands for zeroing the whole table and
	 * scanning it; equal weights are ranked by kw_before(), not by the
	 * slot order of the scan. */
	struct fw acc[KW_SLOTS];
	uint64_t used[KW_SLOTS / 64], hidden[KW_SLOTS / 64];
	struct tw best[KW_TRACK];
	int nb = 0;
	memset(used, 0, sizeof used);
	memset(hidden, 0, sizeof hidden);
	uint32_t from = t->nmem > KW_MEMBERS ? t->nmem - KW_MEMBERS : 0;
	for (uint32_t i = from; i < t->nmem; i++) {
		const struct story *m = t->mem[i];
		for (uint32_t j = 0; j < m->n; j++) {
			uint32_t term = m->v[j].term, k = (term * 2654435761u) & (KW_SLOTS - 1), probes = 0;
			while ((used[k / 64] >> (k % 64) & 1) && acc[k].key != term + 1 && probes++ < KW_SLOTS)
				k = (k + 1) & (KW_SLOTS - 1);
			if (probes >= KW_SLOTS)
				break; /* full: enough terms for five keywords */
			if (!(used[k / 64] >> (k % 64) & 1)) {
				used[k / 64] |= 1ULL << (k % 64);
				hidden[k / 64] |= (uint64_t)m->v[j].hide << (k % 64);
				acc[k].key = term + 1;
				acc[k].w = 0;
			} else if ((hidden[k / 64] >> (k % 64) & 1) && !m->v[j].hide) {
				/* Hidden in one story, not in this one: a desk's
				 * label there, a word here ("UPDATE 1-", "iOS 7.1
				 * update"). */
				hidden[k / 64] &= ~(1ULL << (k % 64));
			}
			acc[k].w += m->v[j].w;
		}
	}
	/* Only the terms that may be keywords (vterm.kw_hide). */
	for (uint32_t wi = 0; wi < KW_SLOTS / 64; wi++) {
		for (uint64_t bits = used[wi] & ~hidden[wi]; bits; bits &= bits - 1) {
			uint32_t k = wi * 64 + (uint32_t)__builtin_ctzll(bits);
			float w = acc[k].w;
			uint32_t term = acc[k].key - 1;
			if (nb < KW_TRACK || kw_before(c, term, w, best[nb - 1].term, best[nb - 1].w)) {
				int j = nb < KW_TRACK ? nb++ : KW_TRACK - 1;
				while (j > 0 && kw_before(c, term, w, best[j - 1].term, best[j - 1].w)) {
					best[j] = best[j - 1];
					j--;
				}
				best[j] = (struct tw){ .term = term, .w = w };
			}
		}
	}
	uint32_t terms[KW_TRACK];
	for (int i = 0; i < nb; i++)
		terms[i] = best[i].term;
	if (kw_text(c, t, terms, (uint32_t)nb) < 0)
		return -1;
	t->kw_stale = 0;
	return 0;
}

int kw_merge(struct thread *t, const struct thread *f)
{
	/* The spellings both threads counted, by the space-saving count again. */
	for (uint32_t i = 0; f->kw && i < f->kw->nf; i++) {
		const struct kwform *e = &f->kw->f[i];
		if (kw_count(t, e->term, e->s, e->len, e->count, e->seen, e->good, e->capbal) < 0)
			return -1;
	}
	return 0;
}

int kw_refresh(struct clusterer *c, struct thread *t)
{
	/* Keywords settle quickly and cost a pass over the centroid: counted
	 * again while tiny, at powers of two, then every 64 stories.  Out of
	 * memory, the old ones stayed and were stored as the thread's: a new
	 * thread's none, for good when no story joined it again. */
	int64_t n = t->story_count;
	if (t->kw_stale || n <= 4 || (n & (n - 1)) == 0 || (n & 63) == 0)
		return keywords(c, t);
	if (t->kw && t->kw->respell) /* the same words, maybe spelt otherwise now */
		return kw_text(c, t, t->kw->kw, t->kw->nkw);
	return 0;
}
