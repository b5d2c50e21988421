/* daemon/cluster_util.h — the two small helpers every file of the
 * clusterer uses (daemon/cluster*.c, daemon/vocab.c): the doubling
 * realloc of their arrays and FNV-1a.  static inline: gcc does not inline
 * across files here, and both run on the per-term paths. */
#ifndef TIDINGS_CLUSTER_UTIL_H
#define TIDINGS_CLUSTER_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* FNV-1a (32-bit): the tokenizer's text_token.hash of a term
 * (daemon/text.h), and the clusterer's hash of a source host. */
static inline uint32_t fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Room for need elements of elem bytes in *p (capacity *cap, doubled from
 * 4 as needed): 0, or -1 out of memory (then *p and *cap are unchanged). */
static inline int grow(void **p, uint32_t *cap, size_t elem, uint32_t need)
{
	if (need <= *cap)
		return 0;
	uint32_t nc = *cap ? *cap : 4;
	while (nc < need)
		nc *= 2;
	void *np = realloc(*p, (size_t)nc * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

#endif
