/* parser/etw_order.c - puts ETW events back in time order within a fixed
 * number of events held in memory.
 *
 * Why a window and not a full sort: each CPU's events sit in their own
 * buffers and a buffer is written out when it fills, so file order runs
 * ahead on one CPU and behind on another by at most a few buffers.  We
 * keep the last `window` records in a min-heap keyed by (timestamp, CPU,
 * file position) and emit the smallest when the heap is full, which sorts
 * any disorder shorter than the window exactly and stably, in memory
 * bounded by window x ETW_REC_MAX_BYTES.  A record that arrives older than
 * one already emitted is still emitted (dropping a CloseHandle would be
 * worse), right away and out of order; such records are counted and the
 * count is reported in the input's limits (etw_sem_finish). */
#include <stdlib.h>
#include <string.h>
#include "etw.h"

/* a heap entry: the record's key beside it, so that sifting reads no
 * record (each is a few hundred bytes apart: a cache miss each) */
struct okey {
	int64_t ts;
	long index;
	int cpu;
	struct etw_rec *r;
};

struct etw_order {
	struct okey *heap;
	size_t n, window;
	struct etw_rec **free;   /* records ready for reuse */
	size_t nfree, capfree;
	int have_last;
	struct okey last;   /* the newest key emitted */
	long late;
};

static int rec_less(const struct okey *a, const struct okey *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	if (a->cpu != b->cpu)
		return a->cpu < b->cpu;
	return a->index < b->index;
}

struct etw_order *etw_order_new(size_t window)
{
	struct etw_order *o = xcalloc(1, sizeof *o);
	o->window = window ? window : 1;
	o->heap = xcalloc(o->window + 1, sizeof *o->heap);
	return o;
}

struct etw_rec *etw_order_slot(struct etw_order *o)
{
	struct etw_rec *r;
	if (o->nfree)
		r = o->free[--o->nfree];
	else
		r = xcalloc(1, sizeof *r);
	etw_rec_reset(r);
	return r;
}

void etw_order_release(struct etw_order *o, struct etw_rec *r)
{
	if (!r)
		return;
	xgrow((void **)&o->free, &o->capfree, o->nfree + 1, sizeof *o->free);
	o->free[o->nfree++] = r;
}

static void sift_up(struct etw_order *o, size_t i)
{
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (!rec_less(&o->heap[i], &o->heap[up]))
			break;
		struct okey t = o->heap[i];
		o->heap[i] = o->heap[up];
		o->heap[up] = t;
		i = up;
	}
}

static void sift_down(struct etw_order *o, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < o->n && rec_less(&o->heap[l], &o->heap[m]))
			m = l;
		if (r < o->n && rec_less(&o->heap[r], &o->heap[m]))
			m = r;
		if (m == i)
			break;
		struct okey t = o->heap[i];
		o->heap[i] = o->heap[m];
		o->heap[m] = t;
		i = m;
	}
}

static struct etw_rec *take_min(struct etw_order *o)
{
	if (!o->n)
		return NULL;
	struct okey k = o->heap[0];
	o->heap[0] = o->heap[--o->n];
	sift_down(o, 0);
	if (o->have_last && rec_less(&k, &o->last)) {
		o->late++;
		return k.r;   /* keep the newest emitted key */
	}
	o->have_last = 1;
	o->last = k;
	return k.r;
}

struct etw_rec *etw_order_push(struct etw_order *o, struct etw_rec *r)
{
	o->heap[o->n++] = (struct okey){ r->ts, r->index, r->cpu, r };
	sift_up(o, o->n - 1);
	if (o->n <= o->window)
		return NULL;
	return take_min(o);
}

struct etw_rec *etw_order_pop(struct etw_order *o)
{
	return take_min(o);
}

long etw_order_late(const struct etw_order *o)
{
	return o->late;
}

size_t etw_order_window(const struct etw_order *o)
{
	return o->window;
}

void etw_order_free(struct etw_order *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++) {
		free(o->heap[i].r->buf);
		free(o->heap[i].r);
	}
	for (size_t i = 0; i < o->nfree; i++) {
		free(o->free[i]->buf);
		free(o->free[i]);
	}
	free(o->heap);
	free(o->free);
	free(o);
}
