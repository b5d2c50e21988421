/* daemon/cluster_imap.h — int64 -> pointer map: open addressing with linear
 * probing, backward-shift delete, at most half full.  Key 0 is reserved
 * (it marks a free slot).  The clusterer's story, thread and merge maps
 * (daemon/cluster*.c). */
#ifndef TIDINGS_CLUSTER_IMAP_H
#define TIDINGS_CLUSTER_IMAP_H

#include <stddef.h>
#include <stdint.h>

struct imap {
	int64_t *k;       /* owned: keys, 0 = free */
	void **v;         /* owned: values, beside their keys */
	size_t n, mask;   /* entries; slots - 1 (a power of two minus 1) */
};

/* An empty map of 64 slots: 0, or -1 out of memory (imap_free it then). */
int imap_init(struct imap *m);
void imap_free(struct imap *m);
/* The value of k, NULL when absent. */
void *imap_get(const struct imap *m, int64_t k);
/* Sets k (nonzero) to v, adding or replacing: 0, or -1 out of memory (the
 * map is unchanged then). */
int imap_put(struct imap *m, int64_t k, void *v);
/* Removes k if present. */
void imap_del(struct imap *m, int64_t k);

#endif
