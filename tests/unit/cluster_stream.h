/* tests/unit/cluster_stream.h — a generated stream of stories for the
 * clusterer's tests that need more than hand-written fixtures: events with
 * words and names of their own over a common vocabulary, replaced one at
 * a time so that threads come and go (test_cluster_prune.c,
 * test_cluster_index.c). */
#ifndef TIDINGS_TEST_CLUSTER_STREAM_H
#define TIDINGS_TEST_CLUSTER_STREAM_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

#define STREAM_FACETS 8  /* word sets of an event: its stories' centroid is
                            far from each, a member of one close to it */
#define STREAM_MAX_EVENTS 256

struct stream {
	uint64_t rng;
	int nevents, every;  /* live events; one replaced every `every` stories */
	int events[STREAM_MAX_EVENTS], next_event;
};

/* nevents live (at most STREAM_MAX_EVENTS), one replaced every `every`
 * stories; the same seed gives the same stream. */
static inline void stream_init(struct stream *st, int nevents, int every, uint64_t seed)
{
	memset(st, 0, sizeof *st);
	st->rng = seed;
	st->nevents = nevents < STREAM_MAX_EVENTS ? nevents : STREAM_MAX_EVENTS;
	st->every = every;
	for (int e = 0; e < st->nevents; e++)
		st->events[e] = e;
	st->next_event = st->nevents;
}

static inline uint32_t stream_pick(struct stream *st, uint32_t n)
{
	return (uint32_t)(tap_xorshift(&st->rng) % n);
}

/* A word for an index: letters only, so the tokenizer keeps it whole. */
static inline void stream_word(char *dst, uint32_t idx, int cap)
{
	static const char *const syl[] = { "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo",
		"bri", "dan", "fel", "gor" };
	int n = 0;

	do {
		const char *s = syl[idx % 12];
		for (; *s; s++)
			dst[n++] = *s;
		idx /= 12;
	} while (idx);
	if (cap)
		dst[0] = (char)(dst[0] - 'a' + 'A');
	dst[n] = '\0';
}

static inline void stream_append(char *buf, size_t cap, const char *w)
{
	size_t len = strlen(buf);

	snprintf(buf + len, cap - len, "%s%s", len ? " " : "", w);
}

/* Story i of the stream: its title and text; returns its event.  Its
 * event's words and names: half from one of the event's facets (6 words
 * each), a third from the 4 every story of the event has, the rest from
 * the 6 it shares with the other event of its pair (same names, another
 * event); then the common vocabulary's, and a year now and then (the
 * when channel). */
static inline int stream_story(struct stream *st, int i, char *title, size_t tcap, char *text,
                               size_t xcap)
{
	char wd[32];
	int ev = st->events[stream_pick(st, (uint32_t)st->nevents)];

	title[0] = text[0] = '\0';
	if (i % st->every == st->every - 1)
		st->events[stream_pick(st, (uint32_t)st->nevents)] = st->next_event++;
	uint32_t facet = stream_pick(st, STREAM_FACETS);
	for (int k = 0; k < 16; k++) {
		uint32_t j = stream_pick(st, 12);
		uint32_t w = j < 6 ? 100000u + ((uint32_t)ev * STREAM_FACETS + facet) * 6u + j
		           : j < 10 ? 4000000u + (uint32_t)ev * 4u + j - 6
		                    : 5000000u + (uint32_t)(ev / 2) * 6u + stream_pick(st, 6);
		stream_word(wd, w, j % 3 == 0);
		if (k < 6)
			stream_append(title, tcap, wd);
		else
			stream_append(text, xcap, wd);
	}
	for (int k = 0; k < 2; k++) {
		stream_word(wd, stream_pick(st, 3000), 0);
		stream_append(title, tcap, wd);
	}
	for (int k = 0; k < 12; k++) {
		stream_word(wd, stream_pick(st, 3000 + (uint32_t)(i % 7) * 500), 0);
		stream_append(text, xcap, wd);
	}
	if (i % 5 == 0) {
		snprintf(wd, sizeof wd, "in %d", 2000 + ev % 20);
		stream_append(text, xcap, wd);
	}
	return ev;
}

#endif
