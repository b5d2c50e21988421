/* daemon/cluster_imap.c — int64 -> pointer map (see cluster_imap.h). */
#include "daemon/cluster_imap.h"

#include <stdlib.h>

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

int imap_init(struct imap *m)
{
	m->mask = 63;
	m->n = 0;
	m->k = calloc(64, sizeof *m->k);
	m->v = calloc(64, sizeof *m->v);
	return m->k && m->v ? 0 : -1;
}

void imap_free(struct imap *m)
{
	free(m->k);
	free(m->v);
}

static size_t imap_find(const struct imap *m, int64_t k)
{
	size_t i = mix64((uint64_t)k) & m->mask;
	while (m->k[i] && m->k[i] != k)
		i = (i + 1) & m->mask;
	return i;
}

void *imap_get(const struct imap *m, int64_t k)
{
	size_t i = imap_find(m, k);
	return m->k[i] ? m->v[i] : NULL;
}

int imap_put(struct imap *m, int64_t k, void *v)
{
	if ((m->n + 1) * 2 > m->mask + 1) {
		struct imap n2 = { calloc((m->mask + 1) * 2, sizeof(int64_t)),
				   calloc((m->mask + 1) * 2, sizeof(void *)), 0, m->mask * 2 + 1 };
		if (!n2.k || !n2.v) {
			imap_free(&n2);
			return -1;
		}
		for (size_t i = 0; i <= m->mask; i++)
			if (m->k[i]) {
				size_t j = imap_find(&n2, m->k[i]);
				n2.k[j] = m->k[i];
				n2.v[j] = m->v[i];
				n2.n++;
			}
		imap_free(m);
		*m = n2;
	}
	size_t i = imap_find(m, k);
	if (!m->k[i])
		m->n++;
	m->k[i] = k;
	m->v[i] = v;
	return 0;
}

void imap_del(struct imap *m, int64_t k)
{
	size_t i = imap_find(m, k);
	if (!m->k[i])
		return;
	m->n--;
	/* Backward shift: pull later entries of the run into the hole. */
	size_t j = i;
	for (;;) {
		j = (j + 1) & m->mask;
		if (!m->k[j])
			break;
		size_t home = mix64((uint64_t)m->k[j]) & m->mask;
		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->k[i] = m->k[j];
			m->v[i] = m->v[j];
			i = j;
		}
	}
	m->k[i] = 0;
	m->v[i] = NULL;
}
