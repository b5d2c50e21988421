/* bench/cluster_offline.c — streams a TSV of stories through the clusterer
 * and prints "story_id<TAB>thread_id" (thread after all merges).  Input lines:
 * id, time, source, lang, title, text (\t \n \\ escaped), as written by
 * bench/cluster_replay.py, and optionally the id of the story this one
 * copies (the store's near-duplicate verdict, to replay a kept eval
 * database's stories in the daemon's exact order).  Options override
 * cluster_params; --dedup marks stories whose folded title repeats an
 * earlier one as copies of its thread, as the store's near-duplicate
 * detection would.
 *
 * Diagnostics: --prime learns the whole input's document frequencies
 * first; --warm runs the whole input through the clusterer once and then
 * again after its threads expired (every frequency and casing evidence of
 * the set known in advance: what a cold start costs); --dump-vectors FILE
 * writes each story's vector as it was scored ("id term:weight:name:stem
 * ...", name 1 for a term weighed as a name),
 * for bench/cluster_separation.py. */
#include "daemon/cluster.h"
#include "daemon/cluster_int.h"  /* --dump-vectors reads the scored vector */

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
	int64_t id, thread;
	uint64_t title_hash;
};

static void unescape(char *s)
{
	char *d = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*d++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

static uint64_t title_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	int any = 0;
	for (; *s; s++)
		if (isalnum((unsigned char)*s)) {
			h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211ULL;
			any = 1;
		}
	return any ? h : 0;
}

/* Merged thread ids: loser -> survivor, followed at the end. */
static int64_t *par_k, *par_v;
static size_t npar, cappar;

static int64_t find(int64_t id)
{
	for (int again = 1; again;) {
		again = 0;
		for (size_t i = 0; i < npar; i++)
			if (par_k[i] == id) {
				id = par_v[i];
				again = 1;
				break;
			}
	}
	return id;
}

/* Splits an input line (its newline cut) into its 7 columns, unescaped;
 * 0 when it has fewer than 6. */
static int split_line(char *line, char **f)
{
	char *s = line;
	line[strcspn(line, "\n")] = '\0';
	for (int k = 0; k < 7; k++) {
		f[k] = s;
		s = s ? strchr(s, '\t') : NULL;
		if (s)
			*s++ = '\0';
	}
	if (!f[5])
		return 0;
	for (int k = 2; k < 6; k++)
		unescape(f[k]);
	return 1;
}

/* The story of a split line, its own copy of nothing (strings borrowed). */
static struct cluster_doc line_doc(char **f, int64_t id_add, int64_t time_add)
{
	return (struct cluster_doc){ .story_id = atoll(f[0]) + id_add,
		.time = atoll(f[1]) + time_add, .source = f[2], .lang = *f[3] ? f[3] : NULL,
		.title = f[4], .text = *f[5] ? f[5] : NULL };
}

static int copy_df(void *arg, const char *term, int64_t df)
{
	return cluster_df_set(arg, term, df) < 0;
}

int main(int argc, char **argv)
{
	struct cluster_params p;
	int dedup = 0, quiet = 0, prime = 0, warm = 0;
	FILE *dump = NULL;
	cluster_params_default(&p);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";
		if (!strcmp(a, "--dedup")) { dedup = 1; continue; }
		if (!strcmp(a, "--quiet")) { quiet = 1; continue; }
		if (!strcmp(a, "--prime")) { prime = 1; continue; }
		if (!strcmp(a, "--warm")) { warm = 1; continue; }
		if (!strcmp(a, "--dump-vectors")) {
			if (!(dump = fopen(v, "w"))) {
				perror(v);
				return 2;
			}
			i++;
			continue;
		}
		if (!strcmp(a, "--join")) p.join_threshold = atof(v);
		else if (!strcmp(a, "--merge")) p.merge_threshold = atof(v);
		else if (!strcmp(a, "--title-weight")) p.title_weight = atof(v);
		else if (!strcmp(a, "--entity-weight")) p.entity_weight = atof(v);
		else if (!strcmp(a, "--decay")) p.time_decay = atof(v);
		else if (!strcmp(a, "--member")) p.member_weight = atof(v);
		else if (!strcmp(a, "--max-terms")) p.max_terms = atoi(v);
		else if (!strcmp(a, "--max-members")) p.max_members = atoi(v);
		else if (!strcmp(a, "--store-terms")) p.store_terms = atoi(v);
		else if (!strcmp(a, "--window")) p.window = atoll(v);
		else if (!strcmp(a, "--length-exp")) p.length_exponent = atof(v);
		else if (!strcmp(a, "--entity-share")) p.entity_share = atof(v);
		else if (!strcmp(a, "--clash")) p.clash_factor = atof(v);
		else if (!strcmp(a, "--merge-gate")) p.merge_gate = atof(v);
		else if (!strcmp(a, "--lead-terms")) p.lead_terms = atoi(v);
		else if (!strcmp(a, "--young-members")) p.young_members = atoi(v);
		else if (!strcmp(a, "--young-names")) p.young_names = atof(v);
		else if (!strcmp(a, "--merge-names")) p.merge_names = atof(v);
		else if (!strcmp(a, "--when-bonus")) p.when_bonus = atof(v);
		else if (!strcmp(a, "--when-clash")) p.when_clash = atof(v);
		else {
			fprintf(stderr, "cluster_offline: unknown option %s\n", a);
			return 2;
		}
		i++;
	}
	struct clusterer *c = cluster_new(&p, 1);
	struct item *items = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	if (!c)
		return 1;
	/* --prime (diagnostic only): learn document frequencies from the whole
	 * input first, to measure what cold-start IDF costs. */
	char **lines = NULL;
	size_t nl = 0, capl = 0;
	while (getline(&line, &lcap, stdin) > 0) {
		if (nl == capl) {
			capl = capl ? capl * 2 : 1024;
			lines = realloc(lines, capl * sizeof *lines);
		}
		lines[nl++] = strdup(line);
	}
	if (prime) {
		struct clusterer *pc = cluster_new(&p, 1);
		for (size_t li = 0; li < nl; li++) {
			char *cp = strdup(lines[li]), *f[7];
			if (cp && split_line(cp, f)) {
				struct cluster_doc d = line_doc(f, 0, 0);
				struct cluster_result r;
				d.source = NULL;
				cluster_add(pc, &d, &r);
			}
			free(cp);
		}
		cluster_df_foreach(pc, 1, copy_df, c);
		cluster_df_set_total(c, cluster_df_total(pc));
		cluster_free(pc);
	}
	/* --warm: the stories under other ids, then the real pass shifted in
	 * time past the window after the last of them, so that their threads
	 * have expired and only the vocabulary remains. */
	int64_t shift = 0;
	if (warm) {
		int64_t t0 = INT64_MAX, t1 = INT64_MIN;
		for (size_t li = 0; li < nl; li++) {
			char *cp = strdup(lines[li]), *f[7];
			if (cp && split_line(cp, f)) {
				struct cluster_doc d = line_doc(f, 1000000000000LL, 0);
				struct cluster_result r;
				cluster_add(c, &d, &r);
				t0 = d.time < t0 ? d.time : t0;
				t1 = d.time > t1 ? d.time : t1;
			}
			free(cp);
		}
		if (t1 >= t0)
			shift = t1 - t0 + p.window + 86400;
	}
	for (size_t li = 0; li < nl; li++) {
		free(line);
		line = lines[li];
		char *f[7];
		if (!split_line(line, f))
			continue;
		struct cluster_doc d = line_doc(f, 0, shift);
		uint64_t th = title_hash(f[4]);
		/* An optional 7th column names the story this one copies (the
		 * store's near-duplicate verdict, from a kept eval database). */
		int64_t dup = f[6] ? atoll(f[6]) : 0;
		for (size_t k = 0; dup && k < n; k++)
			if (items[k].id == dup) {
				d.copy_of_thread = find(items[k].thread);
				break;
			}
		if (dedup && th && !d.copy_of_thread)
			for (size_t k = 0; k < n; k++)
				if (items[k].title_hash == th) {
					d.copy_of_thread = find(items[k].thread);
					break;
				}
		struct cluster_result r;
		if (cluster_add(c, &d, &r) < 0) {
			fprintf(stderr, "cluster_offline: cluster_add failed on %s\n", f[0]);
			return 1;
		}
		if (dump) {
			/* c->q is the story's vector as cluster_add scored it. */
			fprintf(dump, "%lld", (long long)d.story_id);
			for (uint32_t k = 0; k < c->nq; k++)
				fprintf(dump, " %u:%.6g:%d:%s", (unsigned)c->q[k].term, c->q[k].w,
					(int)c->q[k].ent, vocab_name(&c->voc, c->q[k].term));
			fputc('\n', dump);
		}
		for (int k = 0; k < r.nmerged; k++) {
			if (npar == cappar) {
				cappar = cappar ? cappar * 2 : 64;
				par_k = realloc(par_k, cappar * sizeof *par_k);
				par_v = realloc(par_v, cappar * sizeof *par_v);
			}
			par_k[npar] = r.merged[k];
			par_v[npar++] = r.thread_id;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			items = realloc(items, cap * sizeof *items);
		}
		items[n++] = (struct item){ d.story_id, r.thread_id, th };
	}
	free(lines);
	for (size_t k = 0; k < n; k++)
		printf("%lld\t%lld\n", (long long)items[k].id, (long long)find(items[k].thread));
	if (!quiet) {
		struct cluster_stats st;
		cluster_stats(c, &st);
		printf("# threads %zu stories %zu terms %zu merges %zu memory %zu KiB\n",
		       st.active_threads, st.window_stories, st.terms, npar, st.memory_bytes / 1024);
	}
	if (dump && fclose(dump) != 0) {
		perror("--dump-vectors");
		return 1;
	}
	free(items);
	free(line);
	free(par_k);
	free(par_v);
	cluster_free(c);
	return 0;
}
