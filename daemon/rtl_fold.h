/* daemon/rtl_fold.h — the marks and letter forms of Arabic-script and
 * Hebrew text that spell one word several ways: what the clusterer's
 * terms (daemon/text.c) and the headline key (daemon/headix.c) leave out
 * or make one, whatever the feed's language tag.  (The search index does
 * not: its tokens are SQLite's unicode61, docs/schema.md.) */
#ifndef TIDINGS_RTL_FOLD_H
#define TIDINGS_RTL_FOLD_H

#include <stdint.h>

/* What c becomes in a word: itself, another letter, or -1 (left out).
 * The usual normalisation of Arabic-script retrieval (Lucene's Arabic and
 * Persian normalisers do the same), applied to every text: many Arabic
 * feeds have no language tag or a wrong one, Persian, Urdu and Hebrew have
 * no stemmer, and Snowball's Arabic one (which does most of it) runs only
 * under "ar".  Left out: the Arabic vowel signs and other combining marks
 * (harakat, shadda, sukun, tanween: رسمياً is رسميا), the superscript
 * alef and Quranic marks, the tatweel (ـ, which stretches a word for
 * emphasis or justification: الرئيـــس is الرئيس), and Hebrew's points
 * and cantillation marks (שָׁלוֹם is שלום).  Made one: the alef with
 * hamza or madda and alef wasla with bare alef (أ إ آ ٱ are ا; NFD
 * writes them as ا and a mark, left out), the hamza on waw and yeh with
 * the bare letter (ؤ و, ئ ي, as Snowball's Arabic stemmer has them), the
 * Persian and Urdu forms of yeh and kaf and alef maksura with Arabic yeh
 * and kaf (ی ى ي, ک ك: one name typed on a Persian or an Arabic keyboard),
 * teh marbuta and heh with yeh above with heh (ة ۀ ه: مدرسة and مدرسه,
 * خانۀ and خانه).  Every other code point is itself: Latin, Cyrillic and
 * the rest of the script (the Urdu ے ہ ھ, Kurdish ە, Hebrew maqaf)
 * are as they were. */
static inline int32_t rtl_fold(int32_t c)
{
	if (c < 0x591 || c > 0x6ed)
		return c;
	if (c <= 0x5c7)  /* Hebrew: the points and accents are marks (Mn) */
		return (c <= 0x5bd || c == 0x5bf || c == 0x5c1 || c == 0x5c2 || c == 0x5c4 ||
		        c == 0x5c5 || c == 0x5c7) ? -1 : c;
	if (c < 0x610)
		return c;
	if (c <= 0x61a || (c >= 0x64b && c <= 0x65f) || c == 0x670 || c == 0x640 ||
	    (c >= 0x6d6 && c <= 0x6dc) || (c >= 0x6df && c <= 0x6e4) || c == 0x6e7 ||
	    c == 0x6e8 || (c >= 0x6ea && c <= 0x6ed))
		return -1;
	switch (c) {
	case 0x622: case 0x623: case 0x625: case 0x671:
		return 0x627;  /* آ أ إ ٱ: ا */
	case 0x624:
		return 0x648;  /* ؤ: و */
	case 0x626: case 0x649: case 0x6cc:
		return 0x64a;  /* ئ ى ی: ي */
	case 0x6a9:
		return 0x643;  /* ک: ك */
	case 0x629: case 0x6c0:
		return 0x647;  /* ة ۀ: ه */
	default:
		return c;
	}
}

#endif
