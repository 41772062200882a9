/* timeline/table.c - handle tables: per-number state (generations, the
 * ring of recent events, what each thread last did), copies for fork and
 * merges for tasks that printed before their creator's clone returned. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* ---- the list of every number, least recently touched first -------- */

static void lru_unlink(struct timeline *tl, struct numstate *ns)
{
	DL_UNLINK(tl->lru_first, tl->lru_last, ns, lru_prev, lru_next);
}

static void lru_append(struct timeline *tl, struct numstate *ns)
{
	DL_APPEND(tl->lru_first, tl->lru_last, ns, lru_prev, lru_next);
}

static void lru_touch(struct timeline *tl, struct numstate *ns)
{
	if (tl->lru_last == ns)
		return;
	lru_unlink(tl, ns);
	lru_append(tl, ns);
}

struct table *table_new(struct timeline *tl, int64_t pid)
{
	struct table *t;
	SPARE_TAKE(t, tl->spare_tables, tl->nspare_tables, next);
	if (!t)
		t = xcalloc(1, sizeof *t);
	t->tl = tl;
	t->id = ++tl->ntables;
	imap_put(&tl->tables, t->id, t);
	t->pid = pid;
	DL_APPEND(tl->live, tl->live_tail, t, prevt, next);
	tl->st.tables++;
	return t;
}

void gen_free(struct gen *g)
{
	sb_free(&g->object);
	evc_free(&g->create);
	evc_free(&g->close);
}

/* Field by field: the create and close copies keep their buffers (and
 * their stale contents, no longer valid) without being moved about. */
void gen_reset(struct gen *g)
{
	g->id = 0;
	g->origin = g->inside = g->cloexec = g->open = g->close_kind = 0;
	g->displaced = 0;
	g->dup_made = 0;
	g->creator_tid = g->closer_tid = -1;
	g->uses = 0;
	g->create_seq = 0;
	g->info = -1;
	g->info_serial = 0;
	sb_reset(&g->object);
	g->has_object = 0;
	g->create.valid = 0;
	g->close.valid = 0;
}

void gen_set_object(struct gen *g, const char *obj)
{
	if (!obj)
		return;
	if (g->has_object && strcmp(g->object.s, obj) == 0)
		return;
	sb_reset(&g->object);
	size_t n = strlen(obj);
	sb_add(&g->object, obj, n > TL_OBJ_MAX ? TL_OBJ_MAX : n);
	g->has_object = 1;
}

void ns_free(struct numstate *ns)
{
	gen_free(&ns->cur);
	gen_free(&ns->prev);
	for (int i = 0; i < ns->ringcap; i++)
		evc_free(&ns->ring[i]);
	free(ns->ring);
	free(ns->recs);
	free(ns);
}

/* A number no longer kept goes to the spares with its buffers (the
 * ring's slots, the thread records, its generations' texts), otherwise
 * as table_get's calloc leaves it: the ring's slots past nring are
 * never read, so they keep their old text. */
static void ns_release(struct timeline *tl, struct numstate *ns)
{
	if (tl->nspare_nums >= TL_SPARE_NUMS) {
		ns_free(ns);
		return;
	}
	struct evcopy *ring = ns->ring;
	struct threc *recs = ns->recs;
	int ringcap = ns->ringcap, caprecs = ns->caprecs;
	/* the fields before and after the two generations, without
	 * copying 1.3 KB of generations out and back */
	_Static_assert(offsetof(struct numstate, prev) ==
		       offsetof(struct numstate, cur) + sizeof(struct gen) &&
		       offsetof(struct numstate, ring) ==
		       offsetof(struct numstate, prev) + sizeof(struct gen),
		       "cur and prev lie together before ring");
	memset(ns, 0, offsetof(struct numstate, cur));
	memset(&ns->ring, 0, sizeof *ns - offsetof(struct numstate, ring));
	/* as every new generation is: its create and close copies marked
	 * not valid, their stale contents never read (blanking them cost
	 * 1.1 KB of writes to cold memory per number) */
	gen_reset(&ns->cur);
	gen_reset(&ns->prev);
	ns->ring = ring;
	ns->ringcap = ringcap;
	ns->recs = recs;
	ns->caprecs = caprecs;
	SPARE_GIVE(ns, tl->spare_nums, tl->nspare_nums, lru_next);
}

void table_free(struct timeline *tl, struct table *t)
{
	if (!t)
		return;
	det_up_clear(tl, t);
	for (size_t i = 0; i < t->nums.cap; i++) {
		struct numstate *ns = t->nums.vals[i];
		if (ns) {
			lru_unlink(tl, ns);
			tl->nnums--;
			tl->ninvolved -= ns->involved;
			ns_release(tl, ns);
		}
	}
	imap_del(&tl->tables, t->id, t);
	DL_UNLINK(tl->live, tl->live_tail, t, prevt, next);
	if (tl->nspare_tables >= TL_SPARE_TABLES) {
		imap_free(&t->nums);
		free(t->up);
		free(t);
		return;
	}
	/* a spare: as calloc leaves it, but keeping a first-size number
	 * map and the upgrade slots (read only below nup) */
	struct imap nums = t->nums;
	struct upgrade *up = t->up;
	imap_clear(&nums);
	memset(t, 0, sizeof *t);
	t->nums = nums;
	t->up = up;
	SPARE_GIVE(t, tl->spare_tables, tl->nspare_tables, next);
}

void table_spares_free(struct timeline *tl)
{
	struct numstate *ns;
	struct table *t;
	for (;;) {
		SPARE_TAKE(ns, tl->spare_nums, tl->nspare_nums, lru_next);
		if (!ns)
			break;
		ns_free(ns);
	}
	for (;;) {
		SPARE_TAKE(t, tl->spare_tables, tl->nspare_tables, next);
		if (!t)
			break;
		imap_free(&t->nums);
		free(t->up);
		free(t);
	}
}

struct numstate *table_find(struct table *t, int64_t h)
{
	struct numstate *ns = imap_get(&t->nums, h);
	if (ns)
		lru_touch(t->tl, ns);
	return ns;
}

void ns_opened(struct numstate *ns)
{
	if (ns->in_open)
		return;
	DL_APPEND(ns->tab->open_first, ns->tab->open_last, ns, open_prev,
		  open_next);
	ns->in_open = 1;
}

static void ns_unopen(struct numstate *ns)
{
	if (!ns->in_open)
		return;
	DL_UNLINK(ns->tab->open_first, ns->tab->open_last, ns, open_prev,
		  open_next);
	ns->in_open = 0;
}

/* Closed numbers leave the list here, when next passed over, so that no
 * place that closes a generation has to remember to unlink it. */
struct numstate *table_next_open(struct table *t, struct numstate *ns)
{
	struct numstate *n = ns ? ns->open_next : t->open_first;
	while (n && !(n->cur.id && n->cur.open)) {
		struct numstate *x = n->open_next;
		ns_unopen(n);
		n = x;
	}
	return n;
}

static int has_upgrade(const struct table *t, int64_t h)
{
	for (int i = 0; i < t->nup; i++)
		if (t->up[i].h == h)
			return 1;
	return 0;
}

void ns_involve(struct timeline *tl, struct numstate *ns)
{
	if (!ns->involved)
		tl->ninvolved++;
	ns->involved = 1;
}

/* A number can be forgotten when nothing refers to it: closed, no call
 * pending on it, no stale close waiting for evidence on it, and no
 * finding about it while few numbers have one.  What is lost is its
 * history: a later double close or use of it is then told as a failure
 * on a number never seen. */
static int forgettable(const struct numstate *ns, int open_too,
		       int involved_too)
{
	return (open_too || !(ns->cur.id && ns->cur.open)) && !ns->npend &&
	       !ns->pinned && (involved_too || !ns->involved) &&
	       !has_upgrade(ns->tab, ns->h);
}

static void count_forgotten(struct timeline *tl, const struct numstate *ns)
{
	if (ns->involved) {
		tl->st.involved_forgotten++;
		tl->st.involved_kept = TL_INVOLVED_KEEP;
	} else if (ns->cur.id && ns->cur.open) {
		tl->st.open_forgotten++;
		tl->st.open_kept = TL_NUMS_MAX;
	} else {
		tl->st.numbers_forgotten++;
		tl->st.numbers_kept = TL_NUMS_KEEP;
	}
}

/* Past TL_NUMS_MAX even open numbers go (a trace that opens a million
 * files at once): a later use of one is then told as on a number opened
 * outside the trace, and its leak is not reported. */
void table_evict(struct timeline *tl)
{
	for (int k = 0; k < TL_EVICT_STEP && tl->nnums > TL_NUMS_KEEP; k++) {
		struct numstate *ns = tl->lru_first;
		if (!forgettable(ns, tl->nnums > TL_NUMS_MAX,
				 tl->ninvolved > TL_INVOLVED_KEEP)) {
			/* kept: look at it again after the others */
			lru_touch(tl, ns);
			continue;
		}
		lru_unlink(tl, ns);
		ns_unopen(ns);
		imap_del(&ns->tab->nums, ns->h, ns);
		tl->nnums--;
		tl->ninvolved -= ns->involved;
		count_forgotten(tl, ns);
		ns_release(tl, ns);
	}
}

struct numstate *table_get(struct timeline *tl, struct table *t, int64_t h)
{
	struct numstate *s = table_find(t, h);
	if (s)
		return s;
	SPARE_TAKE(s, tl->spare_nums, tl->nspare_nums, lru_next);
	if (!s)
		s = xcalloc(1, sizeof *s);
	s->h = h;
	s->cwiu_finding = -1;
	s->tab = t;
	s->rec_epoch = t->exec_epoch;
	lru_append(tl, s);
	tl->nnums++;
	s->cur.info = s->prev.info = -1;
	s->cur.creator_tid = s->cur.closer_tid = -1;
	s->prev.creator_tid = s->prev.closer_tid = -1;
	imap_put(&t->nums, h, s);
	tl->st.handles_seen++;
	return s;
}

/* A new generation on ns: the current one becomes the previous one. */
struct gen *ns_new_gen(struct timeline *tl, struct numstate *ns)
{
	/* cur becomes prev, and the new cur takes the old prev's text
	 * buffers: one copy of a generation (650 bytes), not a swap's
	 * three */
	struct gen *c = &ns->cur, *p = &ns->prev;
	struct strbuf o = p->object;
	struct evbufs cb = evc_bufs(&p->create), kb = evc_bufs(&p->close);
	*p = *c;
	c->object = o;
	evc_put_bufs(&c->create, cb);
	evc_put_bufs(&c->close, kb);
	gen_reset(c);
	ns->cur.id = ++ns->ngen;
	tl->st.generations++;
	return &ns->cur;
}

struct gen *ns_gen(struct numstate *ns, int id)
{
	if (id <= 0)
		return NULL;
	if (ns->cur.id == id)
		return &ns->cur;
	if (ns->prev.id == id)
		return &ns->prev;
	return NULL;
}

/* Grows the ring to at least n slots (at most TL_RING): most numbers see
 * a few events, and a million open files should not cost 3 KB each. */
static void ring_reserve(struct numstate *ns, int n)
{
	if (n <= ns->ringcap)
		return;
	int nc = ns->ringcap ? ns->ringcap * 2 : 1;
	if (nc < n)
		nc = n;
	if (nc > TL_RING)
		nc = TL_RING;
	ns->ring = xrealloc(ns->ring, (size_t)nc * sizeof *ns->ring);
	memset(&ns->ring[ns->ringcap], 0,
	       (size_t)(nc - ns->ringcap) * sizeof *ns->ring);
	ns->ringcap = nc;
}

/* the slot the next event goes to */
static struct evcopy *ring_next(struct numstate *ns)
{
	ring_reserve(ns, ns->nring < TL_RING ? (int)ns->nring + 1 : TL_RING);
	return &ns->ring[ns->nring % TL_RING];
}

void ring_push(struct numstate *ns, const struct evcopy *e)
{
	evc_copy(ring_next(ns), e);
	ns->nring++;
}

void ring_push_tmp(struct numstate *ns, struct evcopy *e)
{
	evc_move(ring_next(ns), e);
	ns->nring++;
}

const struct evcopy *ring_find_seq(const struct numstate *ns, long seq)
{
	if (!ns->ring)
		return NULL;
	long n = ns->nring < TL_RING ? ns->nring : TL_RING;
	for (long i = 0; i < n; i++) {
		const struct evcopy *e = &ns->ring[(ns->nring - 1 - i) % TL_RING];
		if (e->seq == seq)
			return e;
	}
	return NULL;
}

/* newest event of generation gen with role (RO_NONE: any) */
const struct evcopy *ring_find(const struct numstate *ns, int gen, int role)
{
	if (!ns->ring)
		return NULL;
	long n = ns->nring < TL_RING ? ns->nring : TL_RING;
	for (long i = 0; i < n; i++) {
		const struct evcopy *e = &ns->ring[(ns->nring - 1 - i) % TL_RING];
		if (e->gen == gen && (role == RO_NONE || e->role == role))
			return e;
	}
	return NULL;
}

/* After an exec the new program's threads know nothing of old numbers:
 * records of an older epoch are dropped when next looked at. */
static void recs_fresh(struct numstate *ns)
{
	if (ns->rec_epoch != ns->tab->exec_epoch) {
		ns->nrecs = 0;
		ns->rec_epoch = ns->tab->exec_epoch;
	}
}

struct threc *rec_find(struct numstate *ns, int64_t tid)
{
	recs_fresh(ns);
	for (int i = 0; i < ns->nrecs; i++)
		if (ns->recs[i].tid == tid)
			return &ns->recs[i];
	return NULL;
}

void rec_set(struct numstate *ns, const struct evcopy *e)
{
	struct threc *r = rec_find(ns, e->tid);
	if (!r) {
		if (ns->nrecs < TL_RECS) {
			if (ns->nrecs == ns->caprecs) {
				int nc = ns->caprecs ? ns->caprecs * 2 : 1;
				if (nc > TL_RECS)
					nc = TL_RECS;
				ns->recs = xrealloc(ns->recs, (size_t)nc *
						    sizeof *ns->recs);
				ns->caprecs = nc;
			}
			r = &ns->recs[ns->nrecs++];
		} else {
			/* forget the thread that has been quiet longest */
			r = &ns->recs[0];
			for (int i = 1; i < ns->nrecs; i++)
				if (ns->recs[i].seq < r->seq)
					r = &ns->recs[i];
		}
	}
	r->tid = e->tid;
	r->gen = e->gen;
	r->role = e->role;
	r->seq = e->seq;
	r->seen_seq = e->seq;
	r->line = e->line;
	r->end_line = e->end_line;
	r->ts = e->ts;
	r->call = e->call;
	r->failed_on = 0;
	r->failed_line = 0;
	r->failed_fi = -1;
}

static void gen_copy(struct gen *d, const struct gen *s)
{
	int id = d->id;
	gen_reset(d);
	d->id = id;
	d->origin = s->origin;
	d->inside = s->inside;
	d->cloexec = s->cloexec;
	d->open = s->open;
	d->close_kind = s->close_kind;
	d->displaced = s->displaced;
	d->dup_made = s->dup_made;
	d->creator_tid = s->creator_tid;
	d->closer_tid = s->closer_tid;
	d->uses = s->uses;
	d->create_seq = s->create_seq;
	if (s->has_object)
		gen_set_object(d, s->object.s);
	if (s->create.valid) {
		evc_copy(&d->create, &s->create);
		d->create.gen = id;
	}
	if (s->close.valid) {
		evc_copy(&d->close, &s->close);
		d->close.gen = id;
	}
}

/* A copy of src's open handles (fork, unshare, exec of a sharer).  Fork
 * copies are marked: the child did not open them. */
struct table *table_copy(struct timeline *tl, struct table *src, int64_t pid,
			 int fork_copy)
{
	struct table *t = table_new(tl, pid);
	if (!src)
		return t;
	for (struct numstate *s = table_next_open(src, NULL); s;
	     s = table_next_open(src, s)) {
		struct numstate *d = table_get(tl, t, s->h);
		struct gen *g = ns_new_gen(tl, d);
		gen_copy(g, &s->cur);
		ns_opened(d);
		g->uses = 0;
		g->info = -1;
		if (fork_copy)
			g->origin = OR_COPY;
	}
	return t;
}

static void gen_adopt(struct gen *d, int id, struct gen *s)
{
	gen_copy(d, s);
	d->id = id;
	if (d->create.valid)
		d->create.gen = id;
	if (d->close.valid)
		d->close.gen = id;
	d->info = s->info;
	d->info_serial = s->info_serial;
	s->info = -1;
}

/* Gives generation g of a merged-in table its place in d: a number found
 * open (OR_OUTSIDE) while d had it open is d's generation; others go
 * before or after d's current one by creation time.  Returns the id g
 * has in d (possibly of a generation no longer kept). */
static int merge_gen(struct timeline *tl, struct numstate *d, struct gen *g)
{
	struct gen *dc = d->cur.id ? &d->cur : NULL;
	if (g->origin == OR_OUTSIDE && dc &&
	    dc->create_seq <= g->create_seq &&
	    (dc->open || (dc->close.valid && dc->close.seq >= g->create_seq)) &&
	    (!g->has_object || !dc->has_object ||
	     obj_same(g->object.s, dc->object.s))) {
		dc->uses += g->uses;
		if (!dc->has_object && g->has_object)
			gen_set_object(dc, g->object.s);
		if (!g->open && dc->open) {
			dc->open = 0;
			dc->close_kind = g->close_kind;
			dc->closer_tid = g->closer_tid;
			if (g->close.valid) {
				evc_copy(&dc->close, &g->close);
				dc->close.gen = dc->id;
			}
		}
		return dc->id;
	}
	if (!dc || g->create_seq >= dc->create_seq) {
		if (dc && dc->open) {
			dc->open = 0;
			dc->close_kind = CK_UNSEEN;
		}
		struct gen *ng = ns_new_gen(tl, d);
		gen_adopt(ng, ng->id, g);
		if (ng->open)
			ns_opened(d);
		return ng->id;
	}
	/* older than d's current one */
	int id = ++d->ngen;
	tl->st.generations++;
	if (g->open) {
		g->open = 0;
		g->close_kind = CK_UNSEEN;
	}
	if (!d->prev.id || d->prev.create_seq < g->create_seq) {
		gen_reset(&d->prev);
		gen_adopt(&d->prev, id, g);
	}
	return id;
}

static int ev_seq_cmp(const void *a, const void *b)
{
	const struct evcopy *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Both rings, oldest first, the newest TL_RING kept in d's; s is about
 * to go, so the events dropped and s's ring are freed rather than left
 * in s.  d's slots past its events keep buffers of their own (a ring
 * grown before, or taken back from a spare number) or get freed ones. */
static void ring_merge(struct numstate *d, struct numstate *s, long n)
{
	struct evcopy all[2 * TL_RING], spare[3 * TL_RING];
	long m = 0, nsp = 0;
	long dn = d->nring < TL_RING ? d->nring : TL_RING;
	ring_reserve(d, TL_RING);
	for (long j = 0; j < dn; j++)
		all[m++] = d->ring[j];
	for (long j = 0; j < n; j++)
		all[m++] = s->ring[j];
	qsort(all, (size_t)m, sizeof all[0], ev_seq_cmp);
	long keep = m < TL_RING ? m : TL_RING;
	for (long j = dn; j < TL_RING; j++)
		spare[nsp++] = d->ring[j];
	for (long j = n; j < s->ringcap; j++)
		spare[nsp++] = s->ring[j];
	for (long j = 0; j < m - keep; j++)
		spare[nsp++] = all[j];
	for (long j = 0; j < keep; j++)
		d->ring[j] = all[m - keep + j];
	long k = 0;
	for (long j = keep; j < TL_RING; j++)
		d->ring[j] = spare[k++];   /* (dn <= keep: there are enough) */
	for (; k < nsp; k++)
		evc_free(&spare[k]);
	free(s->ring);
	s->ring = NULL;
	s->ringcap = 0;
	s->nring = 0;
	d->nring = keep;
}

/* Moves what src saw into dst: a provisional table (a task that printed
 * before its creator's clone returned, or two tasks the trace shows
 * sharing numbers).  Generations and events interleave by arrival. */
void table_merge(struct timeline *tl, struct table *dst, struct table *src)
{
	for (size_t i = 0; i < src->nums.cap; i++) {
		struct numstate *s = src->nums.vals[i];
		if (!s)
			continue;
		struct numstate *d = table_get(tl, dst, s->h);
		int map_from[2] = { 0, 0 }, map_to[2] = { 0, 0 };
		struct gen *gs[2] = { s->prev.id ? &s->prev : NULL,
				      s->cur.id ? &s->cur : NULL };
		if (gs[0] && gs[1] && gs[0]->create_seq > gs[1]->create_seq) {
			struct gen *x = gs[0];
			gs[0] = gs[1];
			gs[1] = x;
		}
		for (int k = 0; k < 2; k++)
			if (gs[k]) {
				map_from[k] = gs[k]->id;
				map_to[k] = merge_gen(tl, d, gs[k]);
			}
		recs_fresh(s);
		for (int r = 0; r < s->nrecs; r++) {
			struct evcopy tmp;
			memset(&tmp, 0, sizeof tmp);
			tmp.tid = s->recs[r].tid;
			tmp.gen = 0;
			for (int k = 0; k < 2; k++)
				if (map_from[k] && map_from[k] == s->recs[r].gen)
					tmp.gen = map_to[k];
			tmp.role = s->recs[r].role;
			tmp.seq = s->recs[r].seq;
			tmp.line = s->recs[r].line;
			tmp.end_line = s->recs[r].end_line;
			tmp.ts = s->recs[r].ts;
			tmp.call = s->recs[r].call;
			struct threc *old = rec_find(d, tmp.tid);
			if (!old || old->seq < tmp.seq)
				rec_set(d, &tmp);
		}
		if (s->nring) {
			long n = s->nring < TL_RING ? s->nring : TL_RING;
			for (long j = 0; j < n; j++) {
				struct evcopy *e = &s->ring[j];
				for (int k = 0; k < 2; k++)
					if (map_from[k] && e->gen == map_from[k]) {
						e->gen = map_to[k];
						break;
					}
			}
			ring_merge(d, s, n);
		}
		d->npend += s->npend;
		d->pinned += s->pinned;     /* pend_end unpins d from now on */
		if (s->involved)
			ns_involve(tl, d);
		if (d->cwiu_finding < 0) {
			d->cwiu_finding = s->cwiu_finding;
			d->cwiu_tid = s->cwiu_tid;
		}
		if (s->npend)
			d->pend_gen = -1;   /* which generation: not known */
		/* stale closes still waiting for evidence on this number */
		for (int k = 0; k < src->nup; k++) {
			struct upgrade u = src->up[k];
			if (u.h != s->h)
				continue;
			for (int m = 0; m < 2; m++)
				if (map_from[m] && u.gen == map_from[m])
					u.gen = map_to[m];
			if (!dst->up)
				dst->up = xcalloc(TL_UPGRADE, sizeof *dst->up);
			if (dst->nup < TL_UPGRADE) {
				if (u.cand >= 0)
					tl->cands[u.cand].refs++;
				dst->up[dst->nup++] = u;
			}
		}
	}
}
