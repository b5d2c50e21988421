/* daemon/cluster_vec.c — story vectors for the clusterer (see cluster.h
 * for the model): a story's tokens counted by term (vec_collect), weighed
 * by TF-IDF with the name boost and cut to its heaviest terms (vec_weigh),
 * and the shorter vector it keeps once placed (vec_story_make). */
#include "daemon/cluster_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int cmp_w_desc(const void *a, const void *b)
{
	float x = ((const struct tw *)a)->w, y = ((const struct tw *)b)->w;
	return (x < y) - (x > y);
}

static int cmp_term(const void *a, const void *b)
{
	uint32_t x = ((const struct tw *)a)->term, y = ((const struct tw *)b)->term;
	return (x > y) - (x < y);
}

/* Whether a goes before b: by weight, heaviest first, or by term. */
static inline int tw_before(const struct tw *a, const struct tw *b, int by_term)
{
	return by_term ? a->term < b->term : a->w > b->w;
}

/* A stable sort of up to 128 entries without calls through a pointer:
 * runs of 8 by insertion, then merged pairwise through a buffer, the left
 * run first on ties.  Inlined with a constant by_term, each caller gets
 * its own comparison. */
static inline void tw_msort(struct tw *v, uint32_t n, int by_term)
{
	struct tw tmp[128], *a = v, *b = tmp;

	for (uint32_t r = 0; r < n; r += 8) {
		uint32_t e = r + 8 < n ? r + 8 : n;
		for (uint32_t i = r + 1; i < e; i++) {
			struct tw x = v[i];
			uint32_t j = i;
			for (; j > r && tw_before(&x, &v[j - 1], by_term); j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
	}
	for (uint32_t w = 8; w < n; w *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * w) {
			uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			uint32_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				b[k++] = tw_before(&a[j], &a[i], by_term) ? a[j++] : a[i++];
			while (i < mid)
				b[k++] = a[i++];
			while (j < hi)
				b[k++] = a[j++];
		}
		struct tw *x = a;
		a = b;
		b = x;
	}
	if (a != v)
		memcpy(v, a, n * sizeof *v);
}

/* Sorts v by weight, heaviest first, equal weights in their order in v
 * (which terms survive the cut at max_terms, and the order the norm is
 * summed in, depend on it).  glibc's qsort is a merge sort here, stable
 * too, so both branches give the same order; the small merge sort is
 * cheaper for a story's usual hundred terms or fewer. */
static void sort_by_weight(struct tw *v, uint32_t n)
{
	if (n > 128)
		qsort(v, n, sizeof *v, cmp_w_desc);
	else
		tw_msort(v, n, 0);
}

/* Sorts v[0..n), n <= 64 distinct terms, by term: a bucket pass, then
 * an insertion sort that only moves entries within their bucket.  The
 * buckets split the story's range of term ids into 64 equal parts (ids
 * are handed out as terms first appear, so a story's spread over the
 * range); a crowded bucket costs only the insertion sort's moves, and
 * the result is sorted whatever the spread.  About a third of the merge
 * sort's instructions on a story's 32-48 terms. */
void vec_sort_term(struct tw *v, uint32_t n)
{
	struct tw tmp[64];
	uint8_t at[64];
	if (n < 2)
		return;
	uint32_t lo = v[0].term, hi = lo;
	for (uint32_t i = 1; i < n; i++) {
		uint32_t t = v[i].term;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
	}
	/* The smallest shift that maps hi - lo below 64. */
	uint32_t span = (hi - lo) >> 6;
	int shift = span ? 32 - __builtin_clz(span) : 0;
	memset(at, 0, sizeof at);
	for (uint32_t i = 0; i < n; i++)
		at[(v[i].term - lo) >> shift]++;
	/* Each bucket's first place: the counts' exclusive prefix sums, eight
	 * bytes at a time (a count, and any sum, is at most 64: no byte
	 * carries into the next).  Times 0x0101...01, byte i of a word holds
	 * the sum of its bytes 0..i; shifted up a byte, of bytes 0..i-1. */
	uint64_t before = 0;
	for (uint32_t w = 0; w < 8; w++) {
		uint64_t x, m;
		memcpy(&x, at + 8 * w, 8);
		m = x * 0x0101010101010101ULL;
		x = (m << 8) + before * 0x0101010101010101ULL;
		before += m >> 56;
		memcpy(at + 8 * w, &x, 8);
	}
	for (uint32_t i = 0; i < n; i++)
		tmp[at[(v[i].term - lo) >> shift]++] = v[i];
	for (uint32_t i = 0; i < n; i++) {
		struct tw x = tmp[i];
		uint32_t j = i;
		for (; j > 0 && v[j - 1].term > x.term; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Sorts v by term.  Terms are distinct, so every sort gives the same
 * order: a story's few dozen terms by vec_sort_term(), a larger
 * max_terms by qsort. */
static void sort_by_term(struct tw *v, uint32_t n)
{
	if (n > 64)
		qsort(v, n, sizeof *v, cmp_term);
	else
		vec_sort_term(v, n);
}

/* Whether a title is a link (some feeds put the item's URL where its
 * title belongs): its words are a site's and a path's, no headline. */
static int title_is_url(const char *s)
{
	if (!s)
		return 0;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return !strncasecmp(s, "http:", 5) || !strncasecmp(s, "https:", 6) ||
	       !strncasecmp(s, "www.", 4);
}

/* Where the desk's labels heading headline s end ("UPDATE 2-",
 * "REFILE-", "VIDEO: ", "Watch: ", and one after another:
 * "REFILE-UPDATE 3-"): the offset in s past the last label's mark, 0
 * when s is headed by none. */
static size_t label_end(const char *s)
{
	static const char *const label[] = {
		"update", "updated", "refile", "rpt", "repeat", "corrected", "correction",
		"urgent", "breaking", "exclusive", "video", "watch", "live", "photos", "photo",
		"gallery", "analysis", "factbox", "wrapup", "insight", "explainer", "podcast",
		"listen", "timeline", "preview", "opinion", "editorial",
	};
	const char *p0 = s, *end = s;
	for (int labels = 0; labels < 4; labels++) {
		const char *h = end;
		while (*h == ' ' || *h == '\t')
			h++;
		/* A label is the whole first word: only those of its length
		 * are compared (most headlines' first word is none of them). */
		size_t w = 0, i;
		while ((h[w] | 0x20) >= 'a' && (h[w] | 0x20) <= 'z')
			w++;
		const char *p = NULL;
		for (i = 0; w >= 3 && w <= 10 && i < sizeof label / sizeof *label; i++) {
			size_t k = strlen(label[i]);
			if (k != w || strncasecmp(h, label[i], k))
				continue;
			p = h + k;
			if (*p == ' ' && p[1] >= '0' && p[1] <= '9') /* "UPDATE 2-" */
				for (p++; *p >= '0' && *p <= '9'; p++)
					;
			if (*p == ' ' && (p[1] == '-' || !strncmp(p + 1, "\xe2\x80\x93", 3) ||
			                  !strncmp(p + 1, "\xe2\x80\x94", 3)))
				p++; /* "Video - ", "LIVE — " */
			if (*p == ':' || *p == '-')
				p++;
			else if (!strncmp(p, "\xe2\x80\x93", 3) || !strncmp(p, "\xe2\x80\x94", 3))
				p += 3;
			else
				p = NULL;
			break;
		}
		if (!p)
			break;
		end = p;
	}
	return (size_t)(end - p0);
}

/* Whether a headline is a lesser one to title a thread with: cut short
 * by its feed ("... ", "…" at the end: Google News cuts long ones) or
 * headed by a desk's label (label_end()), which says what kind of item
 * it is, not what happened.  (So is a recurring one,
 * cluster_doc.recurring.)  lab: label_end(s). */
static int headline_lesser(const char *s, size_t lab)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if ((n >= 3 && !memcmp(s + n - 3, "...", 3)) || (n >= 3 && !memcmp(s + n - 3, "\xe2\x80\xa6", 3)))
		return 1;
	return lab > 0;
}

/* Tokenizes doc into c->q: counts title and text occurrences per term,
 * records casing evidence and surfaces, and when count_df bumps document
 * frequencies.  Weights are computed by vec_weigh() after. */
int vec_collect(struct clusterer *c, const struct cluster_doc *doc, int count_df)
{
	const struct text_tokens *tts[2] = { NULL, NULL };
	c->nq = 0;
	memset(&c->qwhen, 0, sizeof c->qwhen);
	c->qheadline = 0;
	c->nqlab = 0;
	/* The feed's label heading the title is a desk's label too, and
	 * no words of the story's (below): those past the desk's labels,
	 * which stay in the vector (docs/threads.md, session 21). */
	const size_t desk_end = doc->title ? label_end(doc->title) : 0;
	const size_t feed_lab = doc->title ? doc->title_label : 0;
	const size_t lab_end = feed_lab > desk_end ? feed_lab : desk_end;
	/* The story's own year (its time, never the clock: replays cluster
	 * as live), to a day or so at New Year: the years its text names are
	 * kept from 56 before it to 7 after, 64 years that map to 64 bits
	 * without two on one bit. */
	int year = 1970 + (int)(doc->time / 31556952);
	/* Tokens of both fields first, then the vocabulary in three passes:
	 * ask for every token's hash slot (the tokenizer hashed the terms), look the terms up and ask
	 * for their entries, then count.  The lookups of 100k-term tables are
	 * cache misses; asked for together they overlap instead of queueing. */
	size_t ntok = 0;
	for (int field = 0; field < 2; field++) {
		const char *s = field == 0 ? doc->title : doc->text;
		const struct text_tokens *tt = field == 0 ? doc->title_tokens : doc->text_tokens;
		if (!s)
			continue;
		if (!tt) {
			text_tokens_reset(&c->toks[field]);
			if (text_tokenize(c->text, s, strlen(s), doc->lang, &c->toks[field]) < 0)
				return -1;
			if (field == 1)
				text_drop_cut(s, strlen(s), &c->toks[field]);
			tt = &c->toks[field];
		}
		tts[field] = tt;
		ntok += tt->n;
	}
	c->quntitled = !tts[0] || tts[0]->n == 0;
	if (ntok > UINT32_MAX / 2)
		return -1;
	if (grow((void **)&c->tk_id, &c->cap_tk_id, sizeof *c->tk_id, (uint32_t)ntok) < 0)
		return -1;
	/* The tokenizer's hash is fnv() of the term (FNV-1a). */
	for (int field = 0; field < 2; field++) {
		const struct text_tokens *tt = tts[field];
		for (size_t i = 0; tt && i < tt->n; i++)
			__builtin_prefetch(&c->voc.hash[tt->v[i].hash & c->voc.mask]);
	}
	size_t k = 0;
	for (int field = 0; field < 2; field++) {
		const struct text_tokens *tt = tts[field];
		for (size_t i = 0; tt && i < tt->n; i++, k++) {
			uint32_t t = vocab_intern_h(&c->voc, tt->buf + tt->v[i].off, tt->v[i].len,
						    tt->v[i].hash);
			if (t == UINT32_MAX)
				return -1;
			c->tk_id[k] = t;
			__builtin_prefetch(&c->voc.term[t], 1);
		}
	}
	if (pl_cover(c) < 0)
		return -1;
	k = 0;
	/* The arrays in locals: the call to vocab_set_surface() in the loop
	 * made the compiler read them through c again for every token.  No
	 * call here moves them (a surface goes to the arena), but q grows. */
	const uint32_t *tk_id = c->tk_id;
	const int title_url = title_is_url(doc->title);
	struct vterm *terms = c->voc.term;
	struct tw *q = c->q;
	uint32_t nq = 0;
	for (int field = 0; field < 2; field++) {
		const char *s = field == 0 ? doc->title : doc->text;
		const struct text_tokens *tt = tts[field];
		size_t nt = tt ? tt->n : 0;
		const struct text_token *tv = nt ? tt->v : NULL;
		float fw = field == 0 ? (float)c->p.title_weight : 1.0f;
		for (size_t i = 0; i < nt; i++, k++) {
			const struct text_token *tk = &tv[i];
			/* The feed's label ("Ask HN: ") says what kind of item
			 * this is, as every other it heads: its words, shared
			 * by them all, would thread them together. */
			if (field == 0 && tk->src_off < feed_lab && tk->src_off >= desk_end)
				continue;
			uint32_t t = tk_id[k];
			struct vterm *v = &terms[t];
			/* Mid-sentence in sentence-cased text: written as it is
			 * spelt, not capitalised by its place. */
			const int good = !(tk->flags & TEXT_SENT_START) && (tk->flags & TEXT_CASE_OK);
			const uint16_t slen = (uint16_t)(tk->src_len > 255 ? 255 : tk->src_len);
			/* Casing evidence only from sentence-cased text, where a capital
			 * mid-sentence means a name; acronyms and numbers anywhere. */
			if (tk->flags & (TEXT_ACRONYM | TEXT_NUMBER))
				v->cap_yes += 1;
			else if (good) {
				if (tk->flags & TEXT_CAP)
					v->cap_yes += 1;
				else
					v->cap_no += 1;
			}
			/* A month or weekday is one written with a capital (not
			 * "march", "august" the words); a year is a number.  A
			 * title with any other word but a number or a dateline's
			 * clock or label is a headline. */
			if (v->when == VOCAB_CLOCK || v->when == VOCAB_LABEL) {
				/* neither a date nor a headline's word */
			} else if (v->when && (tk->flags & (TEXT_CAP | TEXT_NUMBER))) {
				if (v->when >= VOCAB_YEAR) {
					int y = VOCAB_YEAR0 + v->when - VOCAB_YEAR;
					if (y >= year - 56 && y <= year + 7)
						c->qwhen.years |= 1ULL << (y % 64);
				} else if (v->when >= VOCAB_WEEKDAY)
					c->qwhen.days |= (uint8_t)(1u << (v->when - VOCAB_WEEKDAY));
				else
					c->qwhen.months |= (uint16_t)(1u << (v->when - 1));
			} else if (field == 0 && !(tk->flags & TEXT_NUMBER) && !title_url) {
				c->qheadline = 1;
			}
			if (!v->surf_good && tk->src_len < 48) {
				if ((good || v->surf == v->name) &&
				    vocab_set_surface(&c->voc, t, s + tk->src_off, tk->src_len, good) < 0) {
					c->nq = nq;
					return -1;
				}
			}
			/* The story's distinct terms: a term's entry remembers
			 * its place in q, which is its place if it holds the
			 * term (a place left from an earlier story may not, or
			 * lie past the story's terms so far). */
			uint32_t j = v->qslot;
			if (j >= nq || q[j].term != t) {
				if (grow((void **)&c->q, &c->capq, sizeof *c->q, nq + 1) < 0 ||
				    grow((void **)&c->qsurf, &c->capqsurf, sizeof *c->qsurf, nq + 1) < 0) {
					c->nq = nq;
					return -1;
				}
				q = c->q;
				j = nq++;
				q[j] = (struct tw){ .term = t, .w = 0 };
				v->qslot = j;
				c->qsurf[j] = (struct qsurf){ t, tk->src_off, slen, (uint8_t)field, (uint8_t)good };
			} else if (good && !c->qsurf[j].good) {
				/* The story's form of a term (for its thread's
				 * keywords): the first mid-sentence one, else its
				 * first. */
				c->qsurf[j] = (struct qsurf){ t, tk->src_off, slen, (uint8_t)field, 1 };
			}
			/* The lead tells the event; later paragraphs drift into
			 * background (often an earlier event of the same kind). */
			q[j].w += fw;
		}
	}
	/* The desks' labels: the title's first tokens, and their terms'
	 * counts there. */
	for (size_t i = 0; lab_end && tts[0] && i < tts[0]->n && tts[0]->v[i].src_off < lab_end; i++) {
		uint32_t t = tk_id[i], l = 0;
		while (l < c->nqlab && c->qlab[l] != t)
			l++;
		if (l == sizeof c->qlab / sizeof *c->qlab)
			break;
		if (l == c->nqlab) {
			c->qlab[c->nqlab++] = t;
			c->qlab_w[l] = 0;
		}
		c->qlab_w[l] += (float)c->p.title_weight;
	}
	c->nq = nq;
	c->nqsurf = nq;
	if (c->qheadline && !doc->recurring && !headline_lesser(doc->title, lab_end))
		c->qheadline = 2;
	/* The labels' terms that the story writes nowhere else ("UPDATE"
	 * of "UPDATE 2-Oil jumps", not of "UPDATE 1-Apple releases iOS
	 * update") are no keyword of its (vec_weigh()). */
	uint32_t nl = 0;
	for (uint32_t l = 0; l < c->nqlab; l++) {
		uint32_t j = terms[c->qlab[l]].qslot;
		if (j < nq && q[j].term == c->qlab[l] && q[j].w == c->qlab_w[l])
			c->qlab[nl++] = c->qlab[l];
	}
	c->nqlab = (uint8_t)nl;
	if (count_df) {
		c->voc.ndocs++;
		for (uint32_t j = 0; j < c->nq; j++) {
			c->voc.term[c->q[j].term].df++;
			c->voc.term[c->q[j].term].df_dirty = 1;
		}
		vocab_df_changed(&c->voc);
	}
	return 0;
}

/* Insertion sort of w[0..n), heaviest first; equal values keep their
 * order.  n is small (the kept weights). */
static inline void sort_desc(float *w, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		float x = w[i];
		uint32_t j = i;
		for (; j > 0 && w[j - 1] < x; j--)
			w[j] = w[j - 1];
		w[j] = x;
	}
}

/* Puts the keep largest of w[0..n) (n <= 256, weights >= 0) in
 * w[0..keep), heaviest first, as the selection and insertion sort in
 * vec_weigh() would: 1, or 0 (w unchanged) when the weights crowd so
 * that the insertion sort here would cost more.  The weights go into 64
 * buckets by their bits (for floats >= 0 the bits' order is theirs;
 * -0.0, equal to 0.0, shares its bucket once the sign is masked); only
 * the first buckets holding the keep largest are sorted, by insertion,
 * which moves a weight only within its bucket.  The sorted values are
 * the same (a -0.0 and a 0.0 may trade places: equal in every use). */
int vec_top_sorted(float *w, uint32_t n, uint32_t keep)
{
	uint32_t key[256], cnt[64], lo = UINT32_MAX, hi = 0;
	float tmp[256];
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k;
		memcpy(&k, &w[i], sizeof k);
		k &= 0x7fffffffu;
		key[i] = k;
		lo = k < lo ? k : lo;
		hi = k > hi ? k : hi;
	}
	uint32_t span = (hi - lo) >> 6;
	int shift = span ? 32 - __builtin_clz(span) : 0;
	memset(cnt, 0, sizeof cnt);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t b = (hi - key[i]) >> shift;  /* heaviest in bucket 0 */
		key[i] = b;
		cnt[b]++;
	}
	/* The buckets 0..last hold the keep largest, m weights in all; each
	 * bucket's count becomes its first place. */
	uint32_t m = 0, last = 0;
	for (;; last++) {
		uint32_t k = cnt[last];
		cnt[last] = m;
		m += k;
		if (m >= keep)
			break;
	}
	if (m > keep + 32)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		if (key[i] <= last)
			tmp[cnt[key[i]]++] = w[i];
	memcpy(w, tmp, m * sizeof *w);
	sort_desc(w, m);
	return 1;
}

/* log1p of a term count: counts are sums of title_weight and 1, small
 * whole numbers as a rule, whose log1p comes from a table (the same
 * doubles log1p gives). */
static double tf_log(const struct clusterer *c, float n)
{
	if (n >= 0 && n < TF_LOGS && n == (float)(int)n)
		return c->tf_logs[(int)n];
	return log1p(n);
}

/* Turns counts in c->q into TF-IDF weights with name boost, keeps the
 * max_terms heaviest, normalises, sorts by term. */
void vec_weigh(struct clusterer *c)
{
	double norm = 0;
	for (uint32_t j = 0; j < c->nq; j++) {
		const struct vterm *v = &c->voc.term[c->q[j].term];
		double ent = v->cap_yes / (v->cap_yes + v->cap_no + 0.5);
		double i = vocab_idf(&c->voc, c->q[j].term);
		double w = tf_log(c, c->q[j].w) * i *
			   (1.0 + c->p.entity_weight * ent);
		if (w < 0)
			w = 0;
		c->q[j].w = (float)w;
		c->q[j].ent = ent >= 0.5;
		c->q[j].hide = v->kw_hide;
	}
	for (uint32_t j = 0; c->nqlab && j < c->nq; j++)
		for (uint32_t l = 0; l < c->nqlab; l++)
			c->q[j].hide |= c->qlab[l] == c->q[j].term;
	uint32_t keep = (uint32_t)c->p.max_terms;
	if (c->nq > keep && c->nq <= 256) {
		/* What a stable sort by weight would keep: the keep heaviest,
		 * equal weights at the cut in their order in q.  The norm is
		 * summed heaviest first, as over the sorted vector: equal
		 * weights add equal squares, so sorting the weights alone gives
		 * the same sum.  A selection and a sort of keep floats instead
		 * of a sort of every term. */
		float ws[256];
		for (uint32_t j = 0; j < c->nq; j++)
			ws[j] = c->q[j].w;
		if (!vec_top_sorted(ws, c->nq, keep)) {
			vec_kth_largest(ws, c->nq, keep - 1);
			/* ws[0..keep) now holds the keep largest weights. */
			sort_desc(ws, keep);
		}
		float cut = ws[keep - 1];
		for (uint32_t j = 0; j < keep; j++)
			norm += (double)ws[j] * ws[j];
		memcpy(c->qsorted, ws, keep * sizeof *ws);
		c->qsorted_n = keep;
		uint32_t above = 0, k = 0;
		for (uint32_t j = 0; j < c->nq; j++)
			above += c->q[j].w > cut;
		for (uint32_t j = 0, ties = keep - above; j < c->nq; j++)
			if (c->q[j].w > cut || (c->q[j].w == cut && ties && ties--))
				c->q[k++] = c->q[j];
		c->nq = keep;
	} else {
		c->qsorted_n = 0;
		if (c->nq > keep) {
			sort_by_weight(c->q, c->nq);
			c->nq = keep;
		}
		for (uint32_t j = 0; j < c->nq; j++)
			norm += (double)c->q[j].w * c->q[j].w;
	}
	norm = sqrt(norm);
	c->qnorm = norm;
	/* Negligible terms leave the vector: a story then only names terms
	 * whose centroid weight stays clear of rounding residue, which the
	 * compaction and the vocabulary pruning rely on. */
	uint32_t k = 0;
	for (uint32_t j = 0; j < c->nq; j++) {
		float w = norm > 0 ? (float)(c->q[j].w / norm) : 0;
		if (w >= 1e-4f) {
			c->q[k] = c->q[j];
			c->q[k++].w = w;
		}
	}
	c->nq = k;
	/* The negligible terms were the lightest: the kept ones are the
	 * first nq of qsorted. */
	if (c->qsorted_n)
		c->qsorted_n = c->nq;
	sort_by_term(c->q, c->nq);
}

/* The value at index k (0-based) of a[0..n) sorted in descending order;
 * reorders a.  Quickselect (weights are finite, never NaN). */
float vec_kth_largest(float *a, uint32_t n, uint32_t k)
{
	int lo = 0, hi = (int)n - 1, kk = (int)k;
	while (lo < hi) {
		float pv = a[lo + (hi - lo) / 2];
		int i = lo, j = hi;
		while (i <= j) {
			while (a[i] > pv)
				i++;
			while (a[j] < pv)
				j--;
			if (i <= j) {
				float x = a[i];
				a[i++] = a[j];
				a[j--] = x;
			}
		}
		/* Now a[lo..j] >= pv >= a[i..hi] and a[j+1..i-1] == pv. */
		if (kk <= j)
			hi = j;
		else if (kk >= i)
			lo = i;
		else
			return pv;
	}
	return a[kk];
}

/* The story as kept in the window: c->q, or its store_terms heaviest
 * terms (equal weights at the cut: the lower terms), renormalised.  q is
 * sorted by term and stays so: the cut is a weight found by selection. */
struct story *vec_story_make(struct clusterer *c, const struct cluster_doc *doc)
{
	uint32_t n = c->nq < (uint32_t)c->p.store_terms ? c->nq : (uint32_t)c->p.store_terms;
	struct story *s = malloc(sizeof *s + n * sizeof s->v[0]);
	if (!s)
		return NULL;
	s->id = doc->story_id;
	s->time = doc->time;
	s->w_years = c->qwhen.years;
	s->w_months = c->qwhen.months;
	s->w_days = c->qwhen.days;
	s->headline = c->qheadline;
	s->series = series_key(doc);
	s->slot = UINT32_MAX;
	s->src = doc->source && *doc->source ? fnv(doc->source, strlen(doc->source)) | 1u : 0;
	s->n = n;
	if (n == c->nq) {
		if (n)  /* c->q is NULL until a story had terms */
			memcpy(s->v, c->q, n * sizeof s->v[0]);
		return s;
	}
	float cut;
	if (!q_kth(c, n - 1, &cut)) {
		float ws[256], *w = c->nq <= 256 ? ws : malloc(c->nq * sizeof *w);
		if (!w) {
			free(s);
			return NULL;
		}
		for (uint32_t j = 0; j < c->nq; j++)
			w[j] = c->q[j].w;
		cut = vec_kth_largest(w, c->nq, n - 1);
		if (w != ws)
			free(w);
	}
	uint32_t above = 0, k = 0;
	for (uint32_t j = 0; j < c->nq; j++)
		above += c->q[j].w > cut;
	double norm = 0;
	for (uint32_t j = 0, ties = n - above; j < c->nq; j++)
		if (c->q[j].w > cut || (c->q[j].w == cut && ties && ties--)) {
			s->v[k++] = c->q[j];
			norm += (double)c->q[j].w * c->q[j].w;
		}
	norm = sqrt(norm);
	uint32_t m = 0;
	for (uint32_t j = 0; j < k; j++) {
		float x = norm > 0 ? (float)(s->v[j].w / norm) : 0;
		if (x >= 1e-4f) {
			s->v[m] = s->v[j];
			s->v[m++].w = x;
		}
	}
	s->n = m;
	return s;
}
