/* feeds/strtab.h — a fixed-size string-keyed hash table for the parser's
 * static vocabularies (element handlers, HTML allowlists).  Tables are
 * filled once (the callers use pthread_once) and then only read, so they
 * are safe to share between threads.  Keys are not copied: they must
 * outlive the table (string literals). */
#ifndef TIDINGS_STRTAB_H
#define TIDINGS_STRTAB_H

#include <stddef.h>

#define STRTAB_SIZE 1024   /* slots; a power of two, > 2x the keys */

struct strtab_slot {
	const char *key;
	size_t len;
	const void *ptr;
	unsigned flags;
};

struct strtab {
	struct strtab_slot slot[STRTAB_SIZE];
};

/* Adds key (or ORs flags into an existing key); ptr replaces when set. */
void strtab_add(struct strtab *t, const char *key, const void *ptr, unsigned flags);
const struct strtab_slot *strtab_get(const struct strtab *t, const char *key, size_t len);
/* The same with the key's 32-bit FNV-1a hash already computed (callers
 * that hash the key for their own use anyway). */
const struct strtab_slot *strtab_get_h(const struct strtab *t, const char *key, size_t len,
                                       unsigned fnv1a);

#endif
