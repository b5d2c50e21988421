/* tests/unit/test_cluster_when.c — two events of one kind (two emergency
 * browser patches by one company, years apart, told in nearly the same
 * words and names) are told apart by when their texts say they happened:
 * a story whose years, months or weekdays are all other than its
 * candidate thread's scores lower there (when_clash), one sharing a year
 * or a month scores higher (when_bonus).  A story naming no time is not
 * judged by it, nor are words that only look like dates ("march").  Each
 * check of a behaviour runs once with the knobs off, so that it fails if
 * they do nothing. */
#include "daemon/cluster.h"
#include "daemon/vocab.h"
#include "tests/unit/cluster_fixture.h"
#include "tests/unit/tap.h"

#include <stddef.h>
#include <string.h>

#define T0 1700000000LL

static const struct fixture_story stories[] = {
	/* Background, so that common words weigh less than the rest. */
	{ "bg1.example", "Central bank holds interest rates steady",
	  "The central bank kept its main rate unchanged, citing slowing inflation and a weaker "
	  "labour market. Economists had expected the decision." },
	{ "bg2.example", "Local team wins the cup final",
	  "The home side beat the visitors two goals to one in a tense final watched by a full "
	  "stadium. The captain lifted the trophy." },
	{ "bg3.example", "New phone goes on sale",
	  "Queues formed outside shops as the new phone went on sale this morning. Reviewers "
	  "praised the camera and the battery." },
	/* 3: the first patch. */
	{ "a.example", "Microsoft releases emergency patch for Internet Explorer",
	  "Microsoft on Wednesday released an emergency patch for a critical flaw in Internet "
	  "Explorer that attackers have used to take over computers, December 17, 2008. The "
	  "company urged all Windows users to install the update at once." },
	/* 4: the other patch, years later, in much the same words. */
	{ "b.example", "Microsoft rushes out fix for Explorer bug",
	  "Microsoft on Tuesday rushed out a temporary fix for a memory bug in Internet "
	  "Explorer that hackers are exploiting on booby-trapped sites, September 17, 2013. "
	  "Versions 6 to 11 are affected, the software maker said in an advisory." },
	/* 5: the first patch again, the same month named. */
	{ "c.example", "Internet Explorer patch: install it now, says Microsoft",
	  "Security experts said all Windows users should install the emergency Internet "
	  "Explorer patch Microsoft released in December, as attacks on the flaw spread to "
	  "thousands of web sites." },
	/* 6: the first patch again, naming no time at all. */
	{ "d.example", "Microsoft patch closes Internet Explorer hole",
	  "The emergency patch closes the critical hole in Internet Explorer that attackers used "
	  "to take over computers. Microsoft said Windows users should install it." },
};

/* The two patches again, naming only years.  The second names a year 64
 * before the first's as well: year sets are bits of year % 64, and only
 * years near the story's own (56 before, 7 after) count, so 1944 is not
 * taken for 2008 and the years clash. */
static const struct fixture_story first_2008 = {
	"a.example", "Microsoft releases emergency patch for Internet Explorer",
	"Microsoft released an emergency patch for a critical flaw in Internet Explorer that "
	"attackers have used to take over computers in 2008. The company urged all Windows "
	"users to install the update at once." };
static const struct fixture_story second_2013 = {
	"b.example", "Microsoft rushes out fix for Explorer bug",
	"Microsoft rushed out a temporary fix for a memory bug in Internet Explorer that "
	"hackers are exploiting on booby-trapped sites in 2013, a kind of flaw known since "
	"1944. Versions 6 to 11 are affected, the software maker said in an advisory." };

static uint8_t when(const char *s)
{
	return vocab_when(s, strlen(s));
}

int main(void)
{
	enum { N = sizeof stories / sizeof stories[0] };
	struct cluster_params p, off;
	int64_t on[N], no[N];

	/* What a term says of when. */
	ok(when("septemb") == 9 && when("september") == 9 && when("sept") == 9 &&
	   when("sep") == 9, "September, stemmed, unstemmed, abbreviated");
	ok(when("januari") == 1 && when("decemb") == 12 && when("march") == 3,
	   "other months");
	ok(when("tuesday") == VOCAB_WEEKDAY + 1 && when("sunday") == VOCAB_WEEKDAY + 6,
	   "weekdays, Monday first");
	ok(when("2013") == VOCAB_YEAR + 113 && when("1900") == VOCAB_YEAR &&
	   when("2123") == VOCAB_YEAR + 223, "years 1900-2123");
	ok(!when("1899") && !when("2124") && !when("0213") && !when("20133"),
	   "other numbers say nothing");
	ok(when("gmt") == VOCAB_CLOCK && when("et") == VOCAB_CLOCK && when("am") == VOCAB_CLOCK &&
	   when("8pm") == VOCAB_CLOCK && when("19pm") == VOCAB_CLOCK && when("45am") == VOCAB_CLOCK,
	   "times of day and zones are a dateline's clock");
	ok(when("28th") == VOCAB_CLOCK && when("1st") == VOCAB_CLOCK && when("3rd") == VOCAB_CLOCK,
	   "and days of the month");
	ok(!when("32nd") && !when("100th") && !when("0th"), "other ordinals say nothing");
	ok(when("updat") == VOCAB_LABEL && when("posted") == VOCAB_LABEL && when("last") == VOCAB_LABEL,
	   "its labels");
	ok(!when("119pm") && !when("p8m") && !when("ams") && !when("gmtx"), "not words like them");
	ok(!when("sun") && !when("wed") && !when("sat") && !when("mon") && !when("marching") &&
	   !when("microsoft"), "words that only look like dates say nothing");

	cluster_params_default(&p);
	off = p;
	off.when_bonus = 0;
	off.when_clash = 0;
	ok(fixture_run(&p, stories, N, T0, on) == 0 && fixture_run(&off, stories, N, T0, no) == 0,
	   "stories added");
	ok(no[4] == no[3], "when off: the later patch joins the first one's thread");
	ok(on[4] != on[3], "when on: other weekday, month and year: a thread of its own");
	ok(on[5] == on[3], "the first patch again, its month named, joins its thread");
	ok(on[6] == on[3], "the first patch again, no time named, joins its thread");
	ok(on[0] != on[1] && on[1] != on[2] && on[0] != on[3], "background stories stay apart");

	struct fixture_story years[5];
	int64_t yon[5], yno[5];
	memcpy(years, stories, 3 * sizeof years[0]);
	years[3] = first_2008;
	years[4] = second_2013;
	ok(fixture_run(&p, years, 5, T0, yon) == 0 && fixture_run(&off, years, 5, T0, yno) == 0,
	   "stories added");
	ok(yno[4] == yno[3], "when off: the later patch joins the first one's thread");
	ok(yon[4] != yon[3], "years 2013 and 1944 against 2008 clash: 1944 is not 2008 (64 apart)");

	return done_testing();
}
