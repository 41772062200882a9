/* timeline/imap.c - the int64 -> pointer hash map (open addressing,
 * linear probing) behind tasks, processes and each table's numbers. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define IMAP_FIRST 16  /* slots of a map's first arrays */

static size_t imap_slot(int64_t k, size_t cap)
{
	uint64_t x = (uint64_t)k * 0x9E3779B97F4A7C15ULL;
	return (size_t)(x >> 20) & (cap - 1);
}

void *imap_get(const struct imap *m, int64_t k)
{
	if (!m->cap)
		return NULL;
	size_t i = imap_slot(k, m->cap);
	while (m->vals[i]) {
		if (m->keys[i] == k)
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

void imap_put(struct imap *m, int64_t k, void *v)
{
	if ((m->count + 1) * 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : IMAP_FIRST;
		int64_t *nk = xcalloc(nc, sizeof *nk);
		void **nv = xcalloc(nc, sizeof *nv);
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->vals[i])
				continue;
			size_t j = imap_slot(m->keys[i], nc);
			while (nv[j])
				j = (j + 1) & (nc - 1);
			nk[j] = m->keys[i];
			nv[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = nk;
		m->vals = nv;
		m->cap = nc;
	}
	size_t i = imap_slot(k, m->cap);
	while (m->vals[i]) {
		if (m->keys[i] == k) {
			m->vals[i] = v;
			return;
		}
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = k;
	m->vals[i] = v;
	m->count++;
}

/* Removes k if it maps to v; entries after the hole shift back into it
 * (linear probing without tombstones). */
void imap_del(struct imap *m, int64_t k, const void *v)
{
	if (!m->cap)
		return;
	size_t mask = m->cap - 1;
	size_t i = imap_slot(k, m->cap);
	while (m->vals[i] && m->keys[i] != k)
		i = (i + 1) & mask;
	if (!m->vals[i] || m->vals[i] != v)
		return;
	m->vals[i] = NULL;
	for (size_t j = (i + 1) & mask; m->vals[j]; j = (j + 1) & mask) {
		size_t home = imap_slot(m->keys[j], m->cap);
		if (((i - home) & mask) < ((j - home) & mask)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			m->vals[j] = NULL;
			i = j;
		}
	}
	m->count--;
}

void imap_free(struct imap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* Empty, as a new map: arrays grown past the first size are freed, so
 * that the map grows, and its slots are walked, as a new one's would. */
void imap_clear(struct imap *m)
{
	if (m->cap > IMAP_FIRST) {
		imap_free(m);
		return;
	}
	if (m->cap)
		memset(m->vals, 0, m->cap * sizeof *m->vals);
	m->count = 0;
}
