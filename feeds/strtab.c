/* feeds/strtab.c — open addressing with linear probing, FNV-1a hashes. */
#include "feeds/strtab.h"

#include <string.h>

static unsigned fnv1a(const char *s, size_t n)
{
	unsigned h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static size_t hash(const char *s, size_t n)
{
	return fnv1a(s, n) & (STRTAB_SIZE - 1);
}

void strtab_add(struct strtab *t, const char *key, const void *ptr, unsigned flags)
{
	size_t n = strlen(key), i = hash(key, n);

	for (size_t probe = 0; probe < STRTAB_SIZE; probe++, i = (i + 1) & (STRTAB_SIZE - 1)) {
		struct strtab_slot *s = &t->slot[i];

		if (!s->key) {
			s->key = key;
			s->len = n;
			s->ptr = ptr;
			s->flags = flags;
			return;
		}
		if (s->len == n && !memcmp(s->key, key, n)) {
			s->flags |= flags;
			if (ptr)
				s->ptr = ptr;
			return;
		}
	}
}

const struct strtab_slot *strtab_get(const struct strtab *t, const char *key, size_t len)
{
	return strtab_get_h(t, key, len, fnv1a(key, len));
}

const struct strtab_slot *strtab_get_h(const struct strtab *t, const char *key, size_t len,
                                       unsigned h)
{
	size_t i = h & (STRTAB_SIZE - 1);

	for (size_t probe = 0; probe < STRTAB_SIZE; probe++, i = (i + 1) & (STRTAB_SIZE - 1)) {
		const struct strtab_slot *s = &t->slot[i];

		if (!s->key)
			return NULL;
		if (s->len == len && !memcmp(s->key, key, len))
			return s;
	}
	return NULL;
}
