/* tests/unit/test_cluster_names.c — two events of one kind (two deadly
 * earthquakes on the same day, told in nearly the same words) are told
 * apart by their names: a story with a lead does not join a young thread
 * whose names it does not share (young_names), and two threads with leads
 * whose names disagree do not merge (merge_names).  Headlines alone are
 * not judged by their names (lead_terms).  Each check runs once with the gate off, so
 * that it fails if the gate does nothing. */
#include "daemon/cluster.h"
#include "tests/unit/cluster_fixture.h"
#include "tests/unit/tap.h"

#include <stddef.h>

#define T0 1700000000LL

static const struct fixture_story stories[] = {
	/* Background, so that common words weigh less than the rest. */
	{ "bg1.example", "Central bank holds interest rates steady",
	  "The central bank kept its main rate unchanged on Thursday, citing slowing inflation "
	  "and a weaker labour market. Economists had expected the decision." },
	{ "bg2.example", "Local team wins the cup final",
	  "The home side beat the visitors two goals to one in a tense final watched by a full "
	  "stadium. The captain lifted the trophy." },
	{ "bg3.example", "New phone goes on sale",
	  "Queues formed outside shops as the new phone went on sale this morning. Reviewers "
	  "praised the camera and the battery." },
	/* 3: the first earthquake. */
	{ "a.example", "Strong earthquake strikes southern region, killing dozens",
	  "A strong earthquake struck near Bandar Abbas in Hormozgan province on Sunday, killing "
	  "dozens of people and destroying hundreds of homes. Rescue teams from Tehran searched "
	  "the rubble for survivors. Governor Ahmad Reza Karimi said the death toll was expected "
	  "to rise." },
	/* 4: the other earthquake, in much the same words, other names. */
	{ "b.example", "Strong earthquake strikes south, killing dozens",
	  "A strong earthquake struck near Concepcion in the Biobio region on Sunday, killing "
	  "dozens of people and flattening homes. Firefighters from Santiago searched the rubble "
	  "for survivors. President Michelle Bachelet warned that the toll would climb." },
	/* 5: the first earthquake again, in other words, its names. */
	{ "c.example", "Quake near Bandar Abbas: toll rises",
	  "Officials in Hormozgan province said the earthquake near Bandar Abbas had killed more "
	  "people than first reported, as Governor Ahmad Reza Karimi visited the shattered "
	  "villages with teams from Tehran." },
};

/* Headlines alone, with names: the two earthquakes again. */
static const struct fixture_story headlines[] = {
	{ "bg1.example", "Central bank holds interest rates steady", NULL },
	{ "bg2.example", "Local team wins the cup final", NULL },
	{ "bg3.example", "New phone goes on sale", NULL },
	{ "a.example", "Strong earthquake near Bandar Abbas kills dozens of people", NULL },
	{ "b.example", "Earthquake near Concepcion kills dozens", NULL },
};

int main(void)
{
	enum { N = sizeof stories / sizeof stories[0] };
	struct cluster_params p, off;
	int64_t on[N], no[N];

	/* A young thread and the names. */
	cluster_params_default(&p);
	off = p;
	off.young_names = 0;
	ok(fixture_run(&p, stories, N, T0, on) == 0 && fixture_run(&off, stories, N, T0, no) == 0,
	   "stories added");
	ok(no[4] == no[3], "gate off: the other earthquake joins the first one's young thread");
	ok(on[4] != on[3], "gate on: it opens a thread of its own (other names)");
	ok(on[5] == on[3], "the first earthquake told in other words, same names, joins its thread");
	ok(on[0] != on[1] && on[1] != on[2] && on[0] != on[3], "background stories stay apart");

	/* Headlines alone: a headline names too little to be judged by its
	 * names.  Were they judged (lead_terms 0), these two would part. */
	struct cluster_params all;
	int64_t judged[N];
	cluster_params_default(&p);
	p.join_threshold = 0.3;
	off = p;
	off.young_names = 0;
	all = p;
	all.lead_terms = 0;
	ok(fixture_run(&p, headlines, 5, T0, on) == 0 && fixture_run(&off, headlines, 5, T0, no) == 0 &&
	   fixture_run(&all, headlines, 5, T0, judged) == 0, "headlines added");
	ok(no[4] == no[3], "headlines: one thread on their words");
	ok(on[4] == on[3], "the gate leaves headlines alone");
	ok(judged[4] != judged[3], "(judged by their names, they would part)");

	/* Merges: with a merge bar low enough for the two earthquakes'
	 * threads to merge on their words, the names keep them apart. */
	cluster_params_default(&p);
	p.merge_threshold = 0.15;
	off = p;
	off.merge_names = 0;
	ok(fixture_run(&p, stories, 5, T0, on) == 0 && fixture_run(&off, stories, 5, T0, no) == 0,
	   "stories added (low merge bar)");
	ok(no[4] == no[3], "merge gate off: the two earthquakes' threads merge");
	ok(on[4] != on[3], "merge gate on: names disagree, no merge");

	return done_testing();
}
