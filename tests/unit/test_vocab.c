/* tests/unit/test_vocab.c — the clusterer's term vocabulary (daemon/vocab.h):
 * ids are stable and dense, short and long terms alike, through the
 * table's growth; IDF is cached until the frequencies change; a prune
 * forgets the rare terms nobody holds, reuses their ids, and keeps every
 * other term's id, name and surface through the arena's compaction. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "daemon/vocab.h"
#include "tap.h"

#define NT 6000

static unsigned char held_map[NT + 1]; /* by id: term k has id k + 1 */

static int held(const void *arg, uint32_t t)
{
	const unsigned char *m = arg;
	return t <= NT && m[t];
}

/* Term k's text: some shorter than a hash slot's 24 inline bytes, some
 * longer, all distinct. */
static void term_of(int k, char *buf, size_t n)
{
	if (k % 4 == 0)
		snprintf(buf, n, "a-rather-long-term-number-%d", k);
	else
		snprintf(buf, n, "term%d", k);
}

int main(void)
{
	struct vocab v;
	char buf[64];
	static uint32_t id[NT];

	ok(vocab_init(&v) == 0, "init");
	ok(!vocab_prune_due(&v), "an empty vocabulary is not due for a prune");

	uint32_t a = vocab_intern(&v, "news", 4);
	is_int(a, 0, "the first term gets id 0");
	is_int(vocab_intern(&v, "news", 4), a, "the same term, the same id");
	is_int(vocab_intern_h(&v, "newsroom", 4, fnv("news", 4)), a,
	       "by length and hash, as the tokenizer gives them");
	is_int(v.n, 1, "one id handed out");
	is_str(vocab_name(&v, a), "news", "its name");
	is_str(vocab_surface(&v, a), "news", "its surface is its name until one is given");
	ok(vocab_set_surface(&v, a, "News!", 4, 1) == 0, "set a surface");
	is_str(vocab_surface(&v, a), "News", "the surface, NUL-terminated at its length");
	is_int(v.term[a].surf_good, 1, "and whether it was a good one");

	/* Enough terms to grow the hash table several times and the arena
	 * past its first 64 KiB. */
	int bad = 0;
	for (int k = 0; k < NT; k++) {
		term_of(k, buf, sizeof buf);
		id[k] = vocab_intern(&v, buf, strlen(buf));
		bad += id[k] != (uint32_t)k + 1;
	}
	is_int(bad, 0, "new terms get the next ids");
	is_int(v.live, NT + 1, "all live");
	ok(v.mask + 1 >= (NT + 1) * 4 / 3, "the table grew (at most 3/4 full)");
	ok(v.arena_cap > 65536, "the names outgrew the first arena");
	bad = 0;
	for (int k = 0; k < NT; k++) {
		term_of(k, buf, sizeof buf);
		bad += vocab_intern(&v, buf, strlen(buf)) != id[k] || strcmp(vocab_name(&v, id[k]), buf);
	}
	is_int(bad, 0, "every term found again after the growth, with its name");
	is_int(v.n, NT + 1, "and no new id for them");

	/* IDF: log((ndocs + 1) / (df + 0.5)), cached until vocab_df_changed. */
	v.ndocs = 9;
	v.term[a].df = 1;
	vocab_df_changed(&v);
	ok(fabs(vocab_idf(&v, a) - log(10.0 / 1.5)) < 1e-12, "idf");
	v.term[a].df = 4;
	ok(fabs(vocab_idf(&v, a) - log(10.0 / 1.5)) < 1e-12, "cached while nothing says df changed");
	vocab_df_changed(&v);
	ok(fabs(vocab_idf(&v, a) - log(10.0 / 4.5)) < 1e-12, "recomputed after vocab_df_changed");

	/* Prune at 10,000 documents: common is df >= 10 (and more than 1).
	 * Terms k % 3 == 0 are held, k % 5 == 0 common, the rest go. */
	v.ndocs = 10000;
	v.term[a].df = 10;
	int kept = 1;
	for (int k = 0; k < NT; k++) {
		held_map[id[k]] = k % 3 == 0;
		v.term[id[k]].df = k % 5 == 0 ? 10 : (k % 7 == 0 ? 9 : 1);
		kept += k % 3 == 0 || k % 5 == 0;
		if (k % 11 == 0) {
			snprintf(buf, sizeof buf, "Surface %d", k);
			vocab_set_surface(&v, id[k], buf, strlen(buf), 0);
		}
	}
	size_t arena_before = v.arena_cap;
	vocab_prune(&v, held, held_map);
	is_int(v.live, kept, "the rare terms nobody holds are gone");
	ok(v.arena_cap < arena_before, "the names moved to a smaller arena");
	is_int(v.prune_at, 65536, "next prune at 1/8 more, but never below 65,536 terms");
	bad = 0;
	int dead = 0;
	for (int k = 0; k < NT; k++) {
		int keep = k % 3 == 0 || k % 5 == 0;
		dead += v.term[id[k]].dead;
		if (keep != !v.term[id[k]].dead) {
			bad++;
			continue;
		}
		if (!keep)
			continue;
		term_of(k, buf, sizeof buf);
		bad += vocab_intern(&v, buf, strlen(buf)) != id[k] || strcmp(vocab_name(&v, id[k]), buf);
		if (k % 11 == 0) {
			char want[64];
			snprintf(want, sizeof want, "Surface %d", k);
			bad += strcmp(vocab_surface(&v, id[k]), want) != 0;
		} else {
			bad += strcmp(vocab_surface(&v, id[k]), buf) != 0;
		}
	}
	is_int(bad, 0, "the kept terms keep their ids, names and surfaces");
	is_int(dead, NT + 1 - kept, "the others are marked dead");
	is_str(vocab_surface(&v, a), "News", "a common term keeps its surface");
	is_int(v.n, NT + 1, "no id handed out by the prune");

	/* The last pruned id is reused first, for a new term or a pruned one
	 * come back, with its frequency started over. */
	uint32_t last = v.freeterms[v.nfreeterms - 1];
	uint32_t b = vocab_intern(&v, "brand-new", 9);
	is_int(b, last, "a new term takes a pruned id");
	ok(!v.term[b].dead && v.term[b].df == 0 && v.term[b].cap_yes == 0, "as a fresh entry");
	is_str(vocab_name(&v, b), "brand-new", "with its own name");
	term_of(1, buf, sizeof buf); /* pruned: neither held nor common */
	last = v.freeterms[v.nfreeterms - 1];
	uint32_t c = vocab_intern(&v, buf, strlen(buf));
	ok(c == last && v.term[c].df == 0, "a pruned term comes back under a free id, df 0");
	is_int(v.n, NT + 1, "still no new id");
	ok(vocab_memory(&v) >= v.arena_cap + (size_t)v.cap * sizeof *v.term, "memory counts the arrays");

	/* Which terms can never be keywords is known from the term alone:
	 * weekdays, clock words, numbers of one or two digits.  A reused id
	 * is judged by its new term. */
	static const char *const hidden[] = { "sunday", "tue", "pm", "gmt", "28th", "7", "24" };
	static const char *const shown[] = { "2024", "march", "100", "5g", "g7", "posted", "news" };
	int wrong = 0;
	for (size_t k = 0; k < sizeof hidden / sizeof *hidden; k++)
		wrong += !v.term[vocab_intern(&v, hidden[k], strlen(hidden[k]))].kw_hide;
	for (size_t k = 0; k < sizeof shown / sizeof *shown; k++)
		wrong += v.term[vocab_intern(&v, shown[k], strlen(shown[k]))].kw_hide;
	is_int(wrong, 0, "kw_hide: weekdays, clock words, one- and two-digit numbers only");

	vocab_free(&v);
	return done_testing();
}
