/* tests/unit/test_brand.c — publishers' names cut from headlines
 * (daemon/brand.h): an aggregator's " - Source", a feed's branding tail. */
#include <stdlib.h>
#include <string.h>

#include "daemon/brand.h"
#include "feeds/feed.h"
#include "tests/unit/tap.h"

static void cut(char *(*f)(const char *, const char *), const char *s, const char *name,
                const char *want, const char *what)
{
	char *got = f(s, name);
	if (want)
		is_str(got, want, what);
	else
		ok(got == NULL, what);
	free(got);
}

/* A feed whose entries have these titles (NULL: untitled). */
static long tail_of(const char *const *titles, size_t n, char *out, size_t cap)
{
	struct feed f;
	struct feed_entry *e = calloc(n, sizeof *e);
	memset(&f, 0, sizeof f);
	for (size_t i = 0; i < n; i++)
		e[i].title_text = (char *)titles[i];
	f.entries = e;
	f.n_entries = n;
	const char *tail = NULL;
	long k = brand_feed_tail(&f, &tail);
	out[0] = '\0';
	if (k > 0 && (size_t)k < cap) {
		memcpy(out, tail, (size_t)k);
		out[k] = '\0';
	}
	free(e);
	return k;
}

int main(void)
{
	cut(brand_cut_title, "Xi and Trump discuss Taiwan - Reuters", "Reuters", "Xi and Trump discuss Taiwan",
	    "an aggregator's ' - Source'");
	cut(brand_cut_title, "Xi and Trump discuss Taiwan | BBC News", " BBC News\n", "Xi and Trump discuss Taiwan",
	    "' | ', the name's white space aside");
	cut(brand_cut_title, "Quake hits Iran \xe2\x80\x93 Al Jazeera", "Al Jazeera", "Quake hits Iran",
	    "an en dash");
	cut(brand_cut_title, "Reuters - Reuters", "Reuters", "Reuters", "the headline may be the name");
	cut(brand_cut_title, " - Reuters", "Reuters", NULL, "nothing but the name: left as it is");
	cut(brand_cut_title, "Xi and Trump discuss Taiwan | Reuters - Reuters", "Reuters",
	    "Xi and Trump discuss Taiwan", "the name twice (Google News after a site's own): both cut");
	cut(brand_cut_title, "Reuters | Reuters - Reuters", "Reuters", "Reuters",
	    "cut twice down to the name: the name is left");
	cut(brand_cut_title, "Xi and Trump discuss Taiwan - Reuters UK", "Reuters", NULL,
	    "another name at the end: left as it is");
	cut(brand_cut_title, "Xi and Trump discuss Taiwan-Reuters", "Reuters", NULL, "no separator: left");
	cut(brand_cut_title, "Interview with Reuters", "Reuters", NULL, "the name in a sentence: left");
	cut(brand_cut_title, NULL, "Reuters", NULL, "no title");
	cut(brand_cut_title, "Headline - Reuters", NULL, NULL, "no source");
	cut(brand_cut_text, "Xi and Trump discuss Taiwan Reuters", "Reuters", "Xi and Trump discuss Taiwan",
	    "a text ending with the name");
	cut(brand_cut_text, "Xi and Trump discuss Taiwan, Reuters said", "Reuters", NULL,
	    "a text naming it elsewhere: left");

	char t[128];
	const char *branded[] = {
		"Storm closes harbour | Daily Planet", "Council votes on budget | Daily Planet",
		"Untitled", NULL, "Museum opens - its new wing | Daily Planet", "Letters | Daily Planet",
	};
	ok(tail_of(branded, 6, t, sizeof t) > 0 && !strcmp(t, " | Daily Planet"),
	   "a tail on 4 of 5 titles is the feed's branding");
	char *c = brand_cut_tail(branded[4], t, strlen(t));
	is_str(c, "Museum opens - its new wing", "cut from a title at its end only");
	free(c);
	ok(brand_cut_tail("Untitled", t, strlen(t)) == NULL, "a title without it is left");
	ok(brand_cut_tail(" | Daily Planet", t, strlen(t)) == NULL, "a title that is only the tail is left");
	const char *two[] = { "Storm | Daily Planet", "Budget | Daily Planet", "Museum", "Bridge" };
	ok(tail_of(two, 4, t, sizeof t) == 0, "2 titles of 4: not the feed's");
	const char *half[] = { "A storm | Planet", "A budget | Planet", "A museum | Planet", "Bridge",
		"Harbour", "Tunnel" };
	ok(tail_of(half, 6, t, sizeof t) > 0 && !strcmp(t, " | Planet"), "3 of 6, half: the feed's");
	const char *few[] = { "A storm | Planet", "A budget | Planet", "A museum | Planet", "Bridge",
		"Harbour", "Tunnel", "Ferry" };
	ok(tail_of(few, 7, t, sizeof t) == 0, "3 of 7, under half: not the feed's");
	const char *longtail[] = {
		"Storm - and what the council, the harbour board and the ferry company said about it on Monday",
		"Budget - and what the council, the harbour board and the ferry company said about it on Monday",
		"Museum - and what the council, the harbour board and the ferry company said about it on Monday" };
	ok(tail_of(longtail, 3, t, sizeof t) == 0, "a shared tail of over 80 bytes is a sentence, not a name");
	const char *mixed[] = { "Storm - live", "Budget - analysis", "Museum - live", "Bridge - analysis" };
	ok(tail_of(mixed, 4, t, sizeof t) == 0, "two tails, neither on 3 titles");
	const char *sections[] = { "Storm | Weather | Planet", "Budget | Politics | Planet",
		"Museum | Culture | Planet" };
	ok(tail_of(sections, 3, t, sizeof t) > 0 && !strcmp(t, " | Planet"),
	   "the tail from the last separator: sections before it differ");
	const char *shortf[] = { "Storm | Planet", "Budget | Planet" };
	ok(tail_of(shortf, 2, t, sizeof t) == 0, "a feed of 2 titles says nothing");

	/* Trailers: the last line of a feed's texts, less each item's title. */
	{
		struct brand_text wp[] = {
			{ "Storm closes harbour", "Ferries stopped at noon as gusts\xe2\x80\xa6\n"
			  "The post Storm closes harbour appeared first on Daily Planet.", "planet.example", NULL, 0 },
			{ "Council votes on budget", "The council approved the budget [\xe2\x80\xa6]\n"
			  "The post Council votes on budget appeared first on Daily Planet.", "planet.example", NULL, 0 },
			{ "Museum opens", "The post Museum opens appeared first on Daily Planet.", "planet.example", NULL, 0 },
			{ "Letters", "Readers write about the ferry.", "planet.example", NULL, 0 },
		};
		ok(brand_text_trailer(wp, 4) == 3, "WordPress's footer, each with its own title: 3 of 4");
		ok(wp[0].keep == strlen("Ferries stopped at noon as gusts\xe2\x80\xa6"), "cut before its line");
		ok(wp[1].keep == strlen("The council approved the budget [\xe2\x80\xa6]"), "and the next");
		ok(wp[2].keep == 0, "a text that is the footer alone: nothing left");
		ok(wp[3].keep == (size_t)-1, "a text without it: as it is");

		struct brand_text more[] = {
			{ "A", "First lede.\n  Read more \xc2\xbb  \n", "x.example", NULL, 0 },
			{ "B", "Second lede.\r\nRead more \xc2\xbb", "x.example", NULL, 0 },
			{ "C", "Third lede.\nRead more \xc2\xbb", "x.example", NULL, 0 },
			{ "D", NULL, "x.example", NULL, 0 }, { "E", "", "x.example", NULL, 0 },
		};
		ok(brand_text_trailer(more, 5) == 3 && more[0].keep == strlen("First lede.") &&
		   more[1].keep == strlen("Second lede.") && more[2].keep == strlen("Third lede."),
		   "a line without the title, white space around it aside; empty texts do not count");

		struct brand_text sites[] = {
			{ "A", "Lede a.\nRead more", "one.example", NULL, 0 }, { "B", "Lede b.\nRead more", "two.example", NULL, 0 },
			{ "C", "Lede c.\nRead more", "three.example", NULL, 0 }, { "D", "Lede d.\nRead more", "one.example", NULL, 0 },
		};
		ok(brand_text_trailer(sites, 4) == 0, "a planet's items of three sites: no site's trailer");

		struct brand_text wire[] = {
			{ "Storm", "Thousands lost power in the storm on Monday.", "x.example", NULL, 0 },
			{ "Power cut", "Thousands lost power in the storm on Monday.", "x.example", NULL, 0 },
			{ "Outage", "Thousands lost power in the storm on Monday.", "x.example", NULL, 0 },
		};
		ok(brand_text_trailer(wire, 3) == 0,
		   "one text word for word, without the title: mark_shared_texts' to judge");

		struct brand_text title[] = {
			{ "Storm", "Lede.\nStorm", "x.example", NULL, 0 }, { "Budget", "Lede.\nBudget", "x.example", NULL, 0 },
			{ "Museum", "Lede.\nMuseum", "x.example", NULL, 0 },
		};
		ok(brand_text_trailer(title, 3) == 0, "a line that is only the title is none");
		struct brand_text quoted[] = {
			{ "Storm", "\xe2\x80\x9cStorm\xe2\x80\x9d.", "x.example", NULL, 0 },
			{ "Budget", "\xe2\x80\x9c" "Budget\xe2\x80\x9d.", "x.example", NULL, 0 },
			{ "Museum", "\xe2\x80\x9cMuseum\xe2\x80\x9d.", "x.example", NULL, 0 },
		};
		ok(brand_text_trailer(quoted, 3) == 0, "nor one that is the title in quotes");
		struct brand_text cont[] = {
			{ "Storm", "Lede.\nContinue reading \xe2\x80\x9cStorm\xe2\x80\x9d", "x.example", NULL, 0 },
			{ "Budget", "Lede.\nContinue reading \xe2\x80\x9c" "Budget\xe2\x80\x9d", "x.example", NULL, 0 },
			{ "Museum", "Lede.\nContinue reading \xe2\x80\x9cMuseum\xe2\x80\x9d", "x.example", NULL, 0 },
		};
		ok(brand_text_trailer(cont, 3) == 3 && cont[1].keep == 5, "\"Continue reading <title>\"");

		struct brand_text inl[] = {
			{ "Storm cuts power", "The storm cut power to the helicopte\xe2\x80\xa6 Continue reading \xe2\x86\x92",
			  "x.example", NULL, 0 },
			{ "Council meets", "Councillors met on Monday [\xe2\x80\xa6] Continue reading \xe2\x86\x92", "x.example",
			  NULL, 0 },
			{ "Museum opens wing", "First.\nThe museum opens its wing... Continue reading \xe2\x86\x92", "x.example", NULL,
			  0 },
			{ "Ferry returns", "Wait... the ferry runs again.", "x.example", NULL, 0 },
		};
		ok(brand_text_trailer(inl, 4) == 3 &&
		   inl[0].keep == strlen("The storm cut power to the helicopte\xe2\x80\xa6") &&
		   inl[1].keep == strlen("Councillors met on Monday [\xe2\x80\xa6]") &&
		   inl[2].keep == strlen("First.\nThe museum opens its wing...") && inl[3].keep == (size_t)-1,
		   "inline after an ellipsis: cut after it, the ellipsis kept");

		struct brand_text pair[] = {
			{ "A", "Lede a.\nRead more", "x.example", NULL, 0 }, { "B", "Lede b.\nRead more", "x.example", NULL, 0 },
			{ "C", "Lede c.", "x.example", NULL, 0 }, { "D", "Lede d.", "x.example", NULL, 0 },
		};
		ok(brand_text_trailer(pair, 4) == 0, "2 texts: not the feed's");
		struct brand_text under[] = {
			{ "A", "a.\nRead more", "x.example", NULL, 0 }, { "B", "b.\nRead more", "x.example", NULL, 0 },
			{ "C", "c.\nRead more", "x.example", NULL, 0 }, { "D", "d.", "x.example", NULL, 0 },
			{ "E", "e.", "x.example", NULL, 0 }, { "F", "f.", "x.example", NULL, 0 }, { "G", "g.", "x.example", NULL, 0 },
		};
		ok(brand_text_trailer(under, 7) == 0, "3 of 7 texts, under half: not the feed's");
	}
	return done_testing();
}
