/* timeline/timeline.c - rebuilds handle tables from the event stream: which
 * task uses which table, each number's generations, split calls, and the
 * points where the detectors in detect.c are asked for a finding. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* ---- the timeline ------------------------------------------------------ */

/* The event names the process whose table it acts on (a fact of the
 * source, and the event carries the id), so no clone flags are needed. */
static int names_process(const struct ht_event *ev)
{
	return traits_of_event(ev)->pid_tables && ev->pid >= 0;
}

struct timeline *timeline_new(void)
{
	struct timeline *tl = xcalloc(1, sizeof *tl);
	tl->cand_spare = -1;
	tl->pool = strpool_new();
	tl->fpool = strpool_new();
	tl->st.ts_first = tl->st.ts_last = TS_NONE;
	sb_init(&tl->sb);
	return tl;
}

static void pend_free(struct pending *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->cap; i++) {
		if (p->snap[i].blocked) {
			evc_free(p->snap[i].blocked);
			free(p->snap[i].blocked);
		}
	}
	evc_free(&p->entry);
	free(p->fx);
	free(p->snap);
	free(p);
}

static void held_free(struct task *t)
{
	if (!t->held)
		return;
	free(t->held);
	t->held = NULL;
}

void timeline_free(struct timeline *tl)
{
	if (!tl)
		return;
	struct task *t = tl->task_first;
	while (t) {
		struct task *n = t->next_all;
		pend_free(t->pend);
		held_free(t);
		free(t);
		t = n;
	}
	while ((t = tl->spare_tasks) != NULL) {
		tl->spare_tasks = t->next_all;
		free(t);
	}
	while (tl->live)
		table_free(tl, tl->live);
	table_spares_free(tl);
	det_cands_free(tl);
	for (size_t i = 0; i < tl->nproc; i++)
		free(tl->procv[i]);
	free(tl->procv);
	imap_free(&tl->tasks);
	imap_free(&tl->tables);
	imap_free(&tl->prov_objs);
	imap_free(&tl->procs);
	for (size_t i = 0; i < tl->nfind; i++)
		free(tl->findings[i].chain);
	free(tl->findings);
	free(tl->fmeta);
	free(tl->conseq);
	free(tl->unexpl);
	free(tl->udropped);
	free(tl->tinfo);
	free(tl->ginfo);
	free(tl->guse);
	free(tl->gspare);
	for (int i = 0; i < tl->nbusy; i++)
		free((char *)tl->busy[i].object);
	free(tl->gout);
	evc_free(&tl->tmp);
	evc_free(&tl->tmp2);
	evc_free(&tl->endev);
	sb_free(&tl->sb);
	sb_free(&tl->rawtext);
	strpool_free(tl->pool);
	strpool_free(tl->fpool);
	free(tl);
}

const struct finding *timeline_findings(const struct timeline *tl, int *n)
{
	*n = (int)tl->nfind;
	return tl->findings;
}

const struct unexplained *timeline_unexplained(const struct timeline *tl,
					       int *n)
{
	*n = (int)tl->nunexpl;
	return tl->unexpl;
}

const struct task_info *timeline_tasks(const struct timeline *tl, int *n)
{
	*n = (int)tl->ntinfo;
	return tl->tinfo;
}

const struct generation_info *timeline_generations(const struct timeline *tl,
						   int *n)
{
	*n = (int)tl->ngout;
	return tl->gout;
}

const struct timeline_stats *timeline_stats(const struct timeline *tl)
{
	return &tl->st;
}

/* ---- tasks and processes ----------------------------------------------- */

static struct proc *proc_new(struct timeline *tl, int64_t pid)
{
	struct proc *p = xcalloc(1, sizeof *p);
	p->pid = pid;
	void *v = tl->procv;
	xgrow(&v, &tl->capproc, tl->nproc + 1, sizeof *tl->procv);
	tl->procv = v;
	p->vi = tl->nproc;
	tl->procv[tl->nproc++] = p;
	imap_put(&tl->procs, pid, p);
	tl->st.processes++;
	return p;
}

static struct task_info *tinfo(struct timeline *tl, const struct task *t)
{
	return &tl->tinfo[t->info];
}

static void proc_link(struct task *t, struct proc *p)
{
	/* at the tail in O(1): a process may start millions of threads */
	t->proc = p;
	DL_APPEND(p->tasks, p->tasks_tail, t, prev_in_proc, next_in_proc);
	p->ntasks++;
	if (t->alive)
		p->alive++;
}

static void proc_unlink(struct task *t)
{
	struct proc *p = t->proc;
	if (!p)
		return;
	DL_UNLINK(p->tasks, p->tasks_tail, t, prev_in_proc, next_in_proc);
	p->ntasks--;
	if (t->alive)
		p->alive--;
	t->proc = NULL;
}

/* Every change of a task's table goes through here: the table's list of
 * users is what merging tables walks. */
static void task_set_table(struct task *t, struct table *tab)
{
	if (t->table)
		DL_UNLINK(t->table->users_first, t->table->users_last, t,
			  user_prev, user_next);
	t->table = tab;
	if (tab && tab->users_first)
		tab->shared = 1;
	if (tab)
		DL_APPEND(tab->users_first, tab->users_last, t, user_prev,
			  user_next);
}

static struct task *task_new(struct timeline *tl, int64_t tid, int64_t key,
			     struct proc *p, struct table *tab)
{
	struct task *t;
	SPARE_TAKE(t, tl->spare_tasks, tl->nspare_tasks, next_all);
	if (!t)
		t = xcalloc(1, sizeof *t);
	t->tid = tid;
	t->key = key;
	t->alive = 1;
	task_set_table(t, tab);
	if (tab)
		tab->refs++;
	void *v = tl->tinfo;
	xgrow(&v, &tl->captinfo, tl->ntinfo + 1, sizeof *tl->tinfo);
	tl->tinfo = v;
	t->info = (long)tl->ntinfo++;
	struct task_info *ti = &tl->tinfo[t->info];
	memset(ti, 0, sizeof *ti);
	ti->tid = tid;
	ti->pid = p->pid;
	ti->parent_tid = -1;
	proc_link(t, p);
	DL_APPEND(tl->task_first, tl->task_last, t, prev_all, next_all);
	DL_APPEND(tl->alive_first, tl->alive_last, t, alive_prev, alive_next);
	if (++tl->nalive > TL_TASKS_MAX)
		tl->full = 1;
	imap_put(&tl->tasks, key, t);
	tl->st.threads++;
	return t;
}

static void table_end(struct timeline *tl, struct table *tab,
		      const struct ht_event *ev, const struct task *by);

static void table_unref(struct timeline *tl, struct table *tab,
			const struct ht_event *ev, const struct task *by)
{
	if (!tab)
		return;
	if (--tab->refs <= 0)
		table_end(tl, tab, ev, by);
}

static struct numstate *ns_of(struct task *t, int64_t h)
{
	return t->table ? table_find(t->table, h) : NULL;
}

static void pend_end(struct timeline *tl, struct task *t)
{
	struct pending *p = t->pend;
	if (t->spawning) {   /* its clone in flight is over */
		t->spawning = 0;
		DL_UNLINK(tl->spawn_first, tl->spawn_last, t, spawn_prev,
			  spawn_next);
	}
	if (!p || !p->active)
		return;
	for (int i = 0; i < p->nfx; i++) {
		struct snap *s = &p->snap[i];
		if (s->counted || s->pinned) {
			struct numstate *ns = ns_of(t, p->fx[i].h);
			if (ns && s->counted && ns->npend > 0)
				ns->npend--;
			if (ns && s->counted && s->state == NS_OPEN &&
			    ns->pend_gen == s->gen && ns->npend_gen > 0)
				ns->npend_gen--;
			if (ns && s->pinned && ns->pinned > 0)
				ns->pinned--;
		}
		if (s->blocked) {
			evc_free(s->blocked);
			free(s->blocked);
		}
		memset(s, 0, sizeof *s);
	}
	p->active = 0;
}

static void run_flush(struct timeline *tl, struct task *t);

/* The live provisional tasks, in creation order (a short list: tasks
 * seen before the clone that made them returned, and the first one). */
static void prov_add(struct timeline *tl, struct task *t)
{
	DL_APPEND(tl->prov_first, tl->prov_last, t, prov_prev, prov_next);
}

static void prov_del(struct timeline *tl, struct task *t)
{
	DL_UNLINK(tl->prov_first, tl->prov_last, t, prov_prev, prov_next);
}

/* Frees a task dead for long: its task_info stays for the reports.  A
 * process left without tasks, alive or dead, goes with it (strace: no
 * table of its own; ETW: only once its exit was seen). */
static void task_reap(struct timeline *tl, struct task *t)
{
	imap_del(&tl->tasks, t->key, t);
	DL_UNLINK(tl->task_first, tl->task_last, t, prev_all, next_all);
	struct proc *p = t->proc;
	if (p) {
		proc_unlink(t);
		p->ntasks++;    /* reaped, not moved: it still had it */
		if (!p->tasks && !p->alive && !p->table) {
			imap_del(&tl->procs, p->pid, p);
			tl->procv[p->vi] = tl->procv[--tl->nproc];
			tl->procv[p->vi]->vi = p->vi;
			free(p);
		}
	}
	pend_free(t->pend);     /* (both went when it died) */
	held_free(t);
	if (tl->nspare_tasks >= TL_SPARE_TASKS) {
		free(t);
		return;
	}
	memset(t, 0, sizeof *t);   /* a spare, as calloc leaves it */
	SPARE_GIVE(t, tl->spare_tasks, tl->nspare_tasks, next_all);
}

static void dead_add(struct timeline *tl, struct task *t)
{
	DL_APPEND(tl->dead_first, tl->dead_last, t, alive_prev, alive_next);
	tl->ndead++;
}

/* Between events only: while one is handled, tasks that just died (the
 * caller of exit_group, the ones a loop is walking) are still in use. */
static void reap_dead(struct timeline *tl)
{
	while (tl->ndead > TL_DEAD_KEEP) {
		struct task *o = tl->dead_first;
		DL_UNLINK(tl->dead_first, tl->dead_last, o, alive_prev,
			  alive_next);
		tl->ndead--;
		task_reap(tl, o);
	}
}

/* The task is gone; its table ends with its last user. */
static void task_die(struct timeline *tl, struct task *t,
		     const struct ht_event *ev, const struct task *by)
{
	if (!t->alive)
		return;
	run_flush(tl, t);
	t->swallow_exit = t->pend && t->pend->active;
	pend_end(tl, t);
	pend_free(t->pend);
	t->pend = NULL;
	held_free(t);
	t->alive = 0;
	DL_UNLINK(tl->alive_first, tl->alive_last, t, alive_prev, alive_next);
	tl->nalive--;
	if (t->provisional)
		prov_del(tl, t);
	if (t->proc)
		t->proc->alive--;
	struct table *tab = t->table;
	task_set_table(t, NULL);
	table_unref(tl, tab, ev, by);
	dead_add(tl, t);
}

#define SPAWN_HOME (EF_SHARE_FILES | EF_THREAD)

/* A TID not seen before while clones are in flight is one of their
 * children.  If every clone in flight is made by a task of the same
 * table with the same flags (two threads of one process forking at
 * once, say), the child's home follows from them: a thread sharing that
 * table, or a process of its own with a copy of it.  NULL when they
 * disagree or none is in flight. */
static struct task *home_early(struct timeline *tl, int64_t tid)
{
	struct task *s = tl->spawn_first;
	if (!s || !s->table || !s->proc)
		return NULL;
	unsigned fl = s->spawn_flags & SPAWN_HOME;
	for (struct task *o = s->spawn_next; o; o = o->spawn_next)
		if (o->table != s->table || (o->spawn_flags & SPAWN_HOME) != fl)
			return NULL;
	struct proc *p = (fl & EF_THREAD) ? s->proc : proc_new(tl, tid);
	struct table *tab = (fl & EF_SHARE_FILES) ? s->table
			    : table_copy(tl, s->table, p->pid, 1);
	struct task *t = task_new(tl, tid, tid, p, tab);
	t->provisional = 1;
	t->await = 1;
	t->await_from = s->table->id;
	t->await_flags = fl;
	prov_add(tl, t);
	return t;
}

/* An event of t's own: the clone that made it is no longer all the
 * capture shows of it. */
static void task_shown(struct timeline *tl, struct task *t)
{
	if (t->unseen == 1)
		tl->st.threads_unseen--;
	else if (t->unseen == 2)
		tl->st.children_unseen--;
	t->unseen = 0;
}

/* The task an event belongs to.  strace: a TID not seen before existed
 * before the trace (or printed before its creator's clone returned): it
 * gets a process and table of its own until a spawn names it.  ETW: the
 * event names its process. */
static struct task *get_task(struct timeline *tl, const struct ht_event *ev)
{
	if (names_process(ev)) {
		int64_t key = ev->tid >= 0 ? ev->tid : -(ev->pid + 2);
		struct proc *p = imap_get(&tl->procs, ev->pid);
		if (!p || p->dead) {
			p = proc_new(tl, ev->pid);
			p->table = table_new(tl, ev->pid);
			p->table->refs++;   /* the process itself */
		}
		struct task *t = imap_get(&tl->tasks, key);
		if (t && t->alive && t->proc == p)
			return t;
		if (t && !t->alive && ev->type == EV_TASK_EXIT)
			return NULL;
		return task_new(tl, ev->tid, key, p, p->table);
	}
	struct task *t = imap_get(&tl->tasks, ev->tid);
	if (t)
		task_shown(tl, t);
	if (t && t->alive)
		return t;
	if (t && (ev->type == EV_TASK_EXIT || ev->type == EV_TASK_GONE ||
		  (ev->phase == PH_EXIT && t->swallow_exit))) {
		if (ev->phase == PH_EXIT)
			t->swallow_exit = 0;
		return NULL;
	}
	t = home_early(tl, ev->tid);
	if (t)
		return t;
	struct proc *p = proc_new(tl, ev->tid);
	struct table *tab = table_new(tl, ev->tid);
	tab->provisional = 1;
	t = task_new(tl, ev->tid, ev->tid, p, tab);
	t->provisional = 1;
	t->await = tl->spawn_first != NULL;
	prov_add(tl, t);
	return t;
}

/* ---- generations -------------------------------------------------------- */

static void end_gen(struct timeline *tl, struct table *tab,
		    struct numstate *ns, struct gen *g, int kind,
		    int64_t closer, const struct evcopy *ev)
{
	if (!g || !g->id || !g->open)
		return;
	g->open = 0;
	g->close_kind = (unsigned char)kind;
	g->closer_tid = closer;
	if (ev) {
		evc_copy(&g->close, ev);
		g->close.gen = g->id;
	}
	ginfo_end(tl, tab, ns, g);
}

static struct gen *start_gen(struct timeline *tl, struct numstate *ns,
			     int origin, int64_t creator, const char *obj)
{
	struct gen *g = ns_new_gen(tl, ns);
	g->origin = (unsigned char)origin;
	g->inside = origin == OR_TRACE;
	g->open = 1;
	g->creator_tid = creator;
	g->create_seq = tl->seq;
	gen_set_object(g, obj);
	ns_opened(ns);
	return g;
}

static const char *gobj(const struct gen *g)
{
	return g && g->has_object ? g->object.s : NULL;
}

/* A generation a finding is about: shown in the Handles section (only
 * for a finding made: past the cap nothing is kept for it). */
static void involve(struct timeline *tl, struct table *tab,
		    struct numstate *ns, int id)
{
	struct gen *g = ns_gen(ns, id);
	if (g)
		ginfo_touch(tl, tab, ns, g);
}

/* src's tasks now use dst (and dst's process): evidence showed they
 * share one table. */
static void prov_reindex(struct timeline *tl, struct table *dst,
			 struct table *src);

static void share_tables(struct timeline *tl, struct table *dst,
			 struct table *src, struct proc *dproc)
{
	table_merge(tl, dst, src);
	prov_reindex(tl, dst, src);
	struct task *x;
	while ((x = src->users_first) != NULL) {
		task_set_table(x, dst);
		dst->refs++;
		src->refs--;
		if (x->run_table == src)
			x->run_table = dst;
		if (x->proc != dproc) {
			struct proc *op = x->proc;
			proc_unlink(x);
			if (op && !op->ntasks) {
				op->dead = 1;
				tl->st.processes--;
			}
			proc_link(x, dproc);
			tinfo(tl, x)->pid = dproc->pid;
			tinfo(tl, x)->is_thread = 1;
		}
	}
	table_free(tl, src);
	tl->st.tables--;
}

/* Without clone lines (-e trace= subsets) which tasks share a table is
 * not known.  A decoration can show it: the task sees at number n an
 * object its own table has closed there, or another object, and a task
 * of unknown origin opened exactly that object at n after that close. */
static int64_t prov_key(int64_t h, const char *obj)
{
	return (int64_t)hash64(obj, strlen(obj), (uint64_t)h);
}

/* Remembers that ns's table, still provisional, opened ns's object. */
static void prov_index(struct timeline *tl, const struct numstate *ns)
{
	const struct gen *g = &ns->cur;
	if (!ns->tab->provisional || !g->open || g->origin != OR_TRACE ||
	    !g->has_object)
		return;
	if (tl->prov_objs.count >= TL_PROV_OBJS)
		imap_free(&tl->prov_objs);
	imap_put(&tl->prov_objs, prov_key(ns->h, g->object.s),
		 (void *)(intptr_t)ns->tab->id);
}

/* src was merged into dst: what src had indexed is now dst's */
static void prov_reindex(struct timeline *tl, struct table *dst,
			 struct table *src)
{
	if (!dst->provisional)
		return;
	for (size_t i = 0; i < src->nums.cap; i++) {
		struct numstate *s = src->nums.vals[i];
		struct numstate *d = s ? imap_get(&dst->nums, s->h) : NULL;
		if (d)
			prov_index(tl, d);
	}
}

static void infer_share(struct timeline *tl, struct task *t,
			const struct effect *e)
{
	if (!t->provisional || t->await || !t->table ||
	    !t->table->provisional || !e->object ||
	    tl->prov_first == tl->prov_last)
		return;     /* (t is the only live provisional task; a clone's
			       child before it returns: that clone says) */
	/* (the usual case first: the number names what it named) */
	struct numstate *ns = table_find(t->table, e->h);
	if (ns && ns->cur.id && ns->cur.open &&
	    (!ns->cur.has_object || obj_same(e->object, ns->cur.object.s)))
		return;
	enum objclass c = obj_class(e->object);
	if (c != OC_FILE && c != OC_PIPE && c != OC_SOCKET)
		return;
	/* never seen here: only an object with an identity (a pipe or
	 * socket inode) tells another task's table is this one */
	if ((!ns || !ns->cur.id) && !obj_has_identity(e->object))
		return;
	intptr_t id = (intptr_t)imap_get(&tl->prov_objs,
					 prov_key(e->h, e->object));
	struct table *ut = id ? imap_get(&tl->tables, id) : NULL;
	if (!ut || ut == t->table || !ut->provisional)
		return;
	struct task *u = ut->users_first;
	while (u && !u->provisional)
		u = u->user_next;
	if (!u || u->await)
		return;
	struct numstate *un = table_find(ut, e->h);
	if (!un || !un->cur.id || !un->cur.open ||
	    un->cur.origin != OR_TRACE || !un->cur.has_object ||
	    strcmp(e->object, un->cur.object.s) != 0)
		return;
	if (ns && ns->cur.id && !ns->cur.open && ns->cur.close.valid &&
	    un->cur.create_seq < ns->cur.close.seq)
		return;
	/* the process with the lower pid (likely the leader, whose
	 * threads got later ids) keeps its table; the other joins */
	if (u->proc->pid < t->proc->pid)
		share_tables(tl, u->table, t->table, u->proc);
	else
		share_tables(tl, t->table, u->table, t->proc);
}

/* ---- snapshots at entry ------------------------------------------------- */

static void snap_take(struct task *t, const struct effect *e, struct snap *s,
		      const struct source_traits *tr)
{
	struct numstate *ns = ns_of(t, e->h);
	s->state = NS_NONE;
	if (ns && ns->cur.id) {
		s->state = ns->cur.open ? NS_OPEN : NS_CLOSED;
		s->gen = ns->cur.id;
		s->prior_close = ns->cur.close_kind;
	}
	struct threc *r = ns ? rec_find(ns, t->tid) : NULL;
	if (r) {
		s->has_rec = 1;
		s->rec = *r;
	}
	/* strace decorations are what the number named when the call was
	 * printed; one naming the previous object means the lines are not
	 * in kernel order (overlapping calls, merged -ff files). */
	if (tr->objects_each_use && e->object && s->state == NS_OPEN &&
	    ns->cur.has_object &&
	    !obj_same(e->object, ns->cur.object.s) && ns->prev.id &&
	    ns->prev.has_object && obj_same(e->object, ns->prev.object.s))
		s->reorder = 1;
}

/* The thread blocked in a call on h (other than t), if any. */
static struct task *blocked_on(struct timeline *tl, struct task *t,
			       int64_t h, int gen, int *fxi)
{
	for (struct task *u = tl->alive_first; u; u = u->alive_next) {
		if (u == t || !u->alive || u->table != t->table || !u->pend ||
		    !u->pend->active)
			continue;
		for (int j = 0; j < u->pend->nfx; j++)
			if (u->pend->fx[j].op == EFF_USE &&
			    u->pend->fx[j].h == h &&
			    u->pend->snap[j].state == NS_OPEN &&
			    u->pend->snap[j].gen == gen) {
				*fxi = j;
				return u;
			}
	}
	return NULL;
}

/* A close takes effect at entry: Linux frees the number early, so another
 * thread's create may get it before this close returns. */
static void close_entry(struct timeline *tl, struct task *t,
			const struct ht_event *ev, const struct effect *e,
			struct snap *s, const struct source_traits *tr)
{
	struct table *tab = t->table;
	struct numstate *ns = table_get(tl, tab, e->h);
	if (s->state != NS_OPEN || s->reorder)
		return;
	struct gen *g = &ns->cur;
	if (tr->objects_each_use && e->object && g->has_object &&
	    !obj_same(e->object, g->object.s)) {
		/* the number changed object where the trace cannot show */
		end_gen(tl, tab, ns, g, CK_UNSEEN, -1, NULL);
		g = start_gen(tl, ns, OR_UNSEEN, -1, e->object);
		s->gen = g->id;
	}
	if (ev->phase == PH_ENTRY) {
		evc_set(tl, &tl->tmp, ev, t, RO_CLOSE, g->id, e->h,
			e->object ? e->object : gobj(g));
		end_gen(tl, tab, ns, g, CK_CALL, t->tid, &tl->tmp);
	} else {
		/* close_exit() records the whole event right after */
		g->open = 0;
		g->close_kind = CK_CALL;
		g->closer_tid = t->tid;
		s->end_pending = 1;
	}
	/* only a pending use that saw this generation open can be blocked
	 * on it: no search of every thread at every close */
	if (ns->npend > 0 && (ns->pend_gen < 0 ||
			      (ns->pend_gen == g->id && ns->npend_gen > 0))) {
		int j;
		struct task *u = blocked_on(tl, t, e->h, g->id, &j);
		if (u) {
			s->blocked = xcalloc(1, sizeof *s->blocked);
			evc_copy(s->blocked, &u->pend->entry);
			s->blocked->gen = g->id;
			s->blocked->handle = e->h;
			u->pend->snap[j].closed_during = 1;
		}
	}
}

static void range_close(struct timeline *tl, struct task *t,
			const struct ht_event *ev, const struct effect *e)
{
	struct table *tab = t->table;
	int64_t lo = e->h, hi = e->h2 < 0 ? INT64_MAX : e->h2;
	tl->st.closes++;
	for (struct numstate *ns = table_next_open(tab, NULL); ns;
	     ns = table_next_open(tab, ns)) {
		if (ns->h < lo || ns->h > hi)
			continue;
		evc_set(tl, &tl->tmp, ev, t, RO_RANGECLOSE, ns->cur.id, ns->h,
			gobj(&ns->cur));
		end_gen(tl, tab, ns, &ns->cur, CK_RANGE, t->tid, &tl->tmp);
		ring_push_tmp(ns, &tl->tmp);
		rec_set(ns, &tl->tmp);
	}
}

static void entry_one(struct timeline *tl, struct task *t,
		      const struct ht_event *ev, int i, struct snap *s,
		      int pending)
{
	const struct effect *e = &ev->fx[i];
	const struct source_traits *tr = traits_of_event(ev);
	memset(s, 0, sizeof *s);
	s->seq = tl->seq;
	switch (e->op) {
	case EFF_USE:
		if (e->h < 0)
			return;
		if (tr->objects_each_use)
			infer_share(tl, t, e);
		snap_take(t, e, s, tr);
		if (pending) {
			struct numstate *ns = table_get(tl, t->table, e->h);
			ns->npend++;
			s->counted = 1;
			if (s->state == NS_OPEN && ns->pend_gen >= 0) {
				if (ns->pend_gen != s->gen) {
					ns->pend_gen = s->gen;
					ns->npend_gen = 0;
				}
				ns->npend_gen++;
			}
		}
		break;
	case EFF_DUP:
		if (e->h < 0)
			return;
		snap_take(t, e, s, tr);
		break;
	case EFF_CLOSE:
		if (e->h < 0)
			return;
		if (tr->objects_each_use)
			infer_share(tl, t, e);
		snap_take(t, e, s, tr);
		close_entry(tl, t, ev, e, s, tr);
		break;
	case EFF_CLOSE_RANGE:
		if (ev->phase == PH_ENTRY || !ev->failed)
			range_close(tl, t, ev, e);
		return;
	default:
		return;
	}
	/* the snapshot refers to the number's generations: keep it */
	if (pending && t->table) {
		table_get(tl, t->table, e->h)->pinned++;
		s->pinned = 1;
	}
}

static int has_exit_group(const struct ht_event *ev)
{
	for (int i = 0; i < ev->nfx; i++)
		if (ev->fx[i].op == EFF_EXIT_GROUP)
			return 1;
	return 0;
}

/* ---- sweeps: one call over consecutive numbers (closefrom emulation,
 * a start-up walk of fcntl(fd, F_SETFD) over every number) ------------- */

/* A call on one number (its effects may also set close-on-exec on it). */
static int sweep_call(const struct ht_event *ev, int64_t *h)
{
	if (ev->nfx < 1 || ev->fx[0].h < 0 ||
	    (ev->fx[0].op != EFF_CLOSE && ev->fx[0].op != EFF_USE))
		return 0;
	for (int i = 1; i < ev->nfx; i++)
		if (ev->fx[i].h >= 0 && ev->fx[i].h != ev->fx[0].h)
			return 0;
	*h = ev->fx[0].h;
	return 1;
}

/* The run ended short of a sweep: what it held stands. */
static void run_flush(struct timeline *tl, struct task *t)
{
	for (int i = 0; i < t->nheld; i++) {
		struct held *hd = &t->held[i];
		struct numstate *ns = hd->is_finding && t->run_table &&
			t->run_table == t->table
			? table_find(t->table, hd->h) : NULL;
		if (ns) {
			involve(tl, t->table, ns, hd->gen);
			if (hd->gen2)
				involve(tl, t->table, ns, hd->gen2);
		}
	}
	t->nheld = 0;
	t->run_len = 0;
	t->run_table = NULL;
}

static void sweep_benign(struct timeline *tl, int is_finding, long idx)
{
	verdict_withdraw(tl, is_finding, idx);
	tl->st.benign++;
	tl->st.benign_sweeps++;
}

/* Called when a call completes, before its effects. */
static void run_step(struct timeline *tl, struct task *t,
		     const struct ht_event *ev)
{
	int64_t h;
	int sweepable = sweep_call(ev, &h);
	const char *call = ev->call ? ev->call : "";
	/* the next number up or down; the second call sets the way */
	int64_t d = sweepable && t->run_len > 0 ? h - t->run_last : 0;
	if (sweepable && t->run_len > 0 && t->run_table == t->table &&
	    (d == 1 || d == -1) && (t->run_len == 1 || d == t->run_dir) &&
	    strcmp(call, t->run_call) == 0) {
		t->run_len++;
		t->run_last = h;
		t->run_dir = (int)d;
		if (t->run_len >= TL_SWEEP) {
			for (int i = 0; i < t->nheld; i++)
				sweep_benign(tl, t->held[i].is_finding,
					     t->held[i].idx);
			t->nheld = 0;
		}
		return;
	}
	run_flush(tl, t);
	if (sweepable) {
		t->run_len = 1;
		t->run_last = h;
		t->run_table = t->table;
		/* snprintf's "%s" cut, without printf (once per call) */
		size_t n = strnlen(call, sizeof t->run_call - 1);
		memcpy(t->run_call, call, n);
		t->run_call[n] = '\0';
	}
}

/* A failure on a number not open (a finding or an unexplained failure,
 * already made): it stands unless it turns out to be part of a sweep.
 * gen and gen2 are shown in the Handles section once it stands. */
static void hold(struct timeline *tl, struct task *t, int is_finding,
		 long idx, int64_t h, int gen, int gen2)
{
	if (idx < 0)
		return;
	if (t->run_len >= TL_SWEEP) {
		sweep_benign(tl, is_finding, idx);
		return;
	}
	if (!t->held)
		t->held = xcalloc(TL_SWEEP - 1, sizeof *t->held);
	if (t->nheld >= TL_SWEEP - 1)
		run_flush(tl, t);
	struct held *hd = &t->held[t->nheld++];
	hd->is_finding = (unsigned char)is_finding;
	hd->idx = idx;
	hd->h = h;
	hd->gen = gen;
	hd->gen2 = gen2;
}

/* ---- completing a call --------------------------------------------------- */

/* The thread was never told its object went away: its last act was a
 * use (not its own close) and another thread closed the object.  A
 * thread that closed the number itself and then uses it may have been
 * handed the new object. */
static int unaware(struct numstate *ns, const struct snap *s,
		   const struct task *t)
{
	if (s->rec.role == RO_CLOSE || s->rec.role == RO_RANGECLOSE ||
	    s->rec.role == RO_DUPCLOSE)
		return 0;
	struct gen *old = ns_gen(ns, s->rec.gen);
	if (old && old->close.valid)
		return old->closer_tid >= 0 && old->closer_tid != t->tid;
	const struct evcopy *c = ring_find(ns, s->rec.gen, RO_CLOSE);
	return c && c->tid != t->tid;
}

static const char *gen_object_id(struct numstate *ns, int id)
{
	struct gen *g = ns_gen(ns, id);
	if (g && g->has_object)
		return g->object.s;
	const struct evcopy *e = ring_find(ns, id, RO_NONE);
	return e && e->has_object ? e->object.s : NULL;
}

/* Where close-on-exec ended the number's last object. */
static const char *exec_where(struct timeline *tl, struct numstate *ns)
{
	const struct evcopy *c = ns->cur.close.valid ? &ns->cur.close : NULL;
	return c ? fstrf(tl, "%s:%ld", c->file, c->line) : "execve";
}

/* The placeholders every reason may use. */
static void why_init(struct timeline *tl, struct why *w,
		     const struct source_traits *tr)
{
	memset(w, 0, sizeof *w);
	w->noun = tr->noun;
	w->forgot = tl->st.numbers_forgotten
		? " (or forgotten to bound memory)" : "";
	w->sweep = tl->st.numbers_forgotten
		? "a close sweep, or closed long ago and forgotten to bound "
		  "memory" : "or a close sweep";
}

/* Who opened what the number names, for a reason. */
static const char *who_opened(struct timeline *tl, const struct snap *s,
			      const struct gen *g, const struct task *t)
{
	if (g && g->creator_tid == t->tid)
		return "this thread opened it";
	if (s->has_rec && s->rec.gen == s->gen)
		return "this thread used it before";
	if (g && g->origin == OR_OUTSIDE)
		return "it was opened outside the trace";
	if (g && g->creator_tid >= 0)
		return fstrf(tl, "opened by %s",
			     tl_who(tl, g->creator_tid, &g->create));
	return "its opening is not in the trace";
}

static void close_exit(struct timeline *tl, struct task *t,
		       const struct ht_event *ev, const struct effect *e,
		       struct snap *s)
{
	const struct source_traits *tr = traits_of_event(ev);
	struct table *tab = t->table;
	struct numstate *ns = table_get(tl, tab, e->h);
	struct evcopy *off = &tl->tmp;
	if (s->state != NS_OPEN && !ev->failed && ev->phase == PH_EXIT &&
	    ns->cur.id && ns->cur.open && ns->cur.origin == OR_TRACE &&
	    ns->cur.creator_tid != t->tid && ns->cur.create_seq > s->seq) {
		/* the close entered on a number the model had closed, another
		 * thread's create of it returned meanwhile, and the close
		 * succeeded: the kernel made that object first, and this
		 * close destroyed it */
		s->state = NS_OPEN;
		s->gen = ns->cur.id;
		s->late_open = 1;
	}
	struct gen *g = s->state == NS_OPEN ? ns_gen(ns, s->gen) : NULL;
	struct close_facts f = {
		.s = s, .g = g, .tid = t->tid,
		.badf = ev->failed && ev->errc == ERRC_BADF,
		/* (never shared: a single-threaded program; a provisional
		 * table may be shared by another task of unknown origin:
		 * only when it is the only one, or t is a fork's child with
		 * its own copy, is t alone) */
		.alone = !tab->shared &&
			 (!tab->provisional || (tl->prov_first == t &&
						tl->prov_last == t) ||
			  (t->await && t->await_from &&
			   !(t->await_flags & EF_SHARE_FILES))),
		.reported_twice = tr->reports_twice &&
			s->state == NS_CLOSED &&
			ns->cur.closer_tid == t->tid && ns->nring &&
			ns->cur.close.valid &&
			ns->ring[(ns->nring - 1) % TL_RING].seq ==
			ns->cur.close.seq,
	};
	enum verdict v = judge_close(&f);
	struct why w;
	why_init(tl, &w, tr);
	int hit = 0;
	long stale_fi = -1;
	switch (v) {
	case V_CLOSE_REORDERED:
		/* the close of the previous object, printed late */
		evc_set(tl, off, ev, t, RO_CLOSE, ns->prev.id, e->h, e->object);
		ring_push_tmp(ns, off);
		rec_set(ns, off);
		return;
	case V_CLOSE_BADF_OPEN:
	case V_CLOSE_DOUBLE:
	case V_CLOSE_DOUBLE_ALONE:
	case V_CLOSE_AFTER_EXEC:
	case V_CLOSE_NEVER_SEEN:
		evc_set(tl, off, ev, t, RO_CLOSE, ns->cur.id, e->h,
			e->object ? e->object : gobj(&ns->cur));
		if (v == V_CLOSE_DOUBLE_ALONE) {
			hold(tl, t, 1, det_double_close(tl, ns, off, v), e->h,
			     ns->cur.id, 0);
		} else if (v == V_CLOSE_BADF_OPEN) {
			struct gen *og = ns_gen(ns, s->gen);
			if (og)
				og->close_kind = CK_UNSEEN;
			unexplained_verdict(tl, off, v, &w);
		} else if (v == V_CLOSE_DOUBLE) {
			/* the victim of a stale close closing the object it
			 * lost, or the culprit closing once more: that close
			 * is the cause */
			long vu = det_victim_of(tab, e->h, t->tid, ns->cur.id);
			if (vu < 0)
				vu = det_closer_of(tab, e->h, t->tid,
						   ns->cur.id);
			/* (a candidate becomes a finding first: causes are
			 * earlier findings) */
			long cause = vu >= 0 ? det_up_finding(tl, tab, vu) : -1;
			long fi = det_double_close(tl, ns, off, v);
			if (fi >= 0 && cause >= 0)
				tl->fmeta[fi].cause = cause;
			hold(tl, t, 1, fi, e->h, ns->cur.id, 0);
		} else {
			w.where = exec_where(tl, ns);
			hold(tl, t, 0, unexplained_verdict(tl, off, v, &w),
			     e->h, 0, 0);
		}
		break;
	case V_CLOSE_OK:
	case V_CLOSE_STALE:
		hit = s->gen;
		evc_set(tl, off, ev, t, RO_CLOSE, s->gen, e->h,
			e->object ? e->object : gobj(g));
		if (s->late_open)
			end_gen(tl, tab, ns, g, CK_CALL, t->tid, off);
		if (g && g->closer_tid == t->tid) {
			evc_copy(&g->close, off);
			if (s->end_pending)
				ginfo_end(tl, tab, ns, g);
			else
				ginfo_refresh(tl, tab, ns, g);
		}
		if (v == V_CLOSE_STALE) {
			/* a victim of an earlier stale close closing what
			 * it believed was its own: that close is the cause */
			long vu = det_victim_of(tab, e->h, t->tid, g->id);
			long cause = vu >= 0 ? det_up_finding(tl, tab, vu)
					     : -1;
			/* or its own failed stale use of this object: the
			 * same bug, told first */
			if (cause < 0 && s->rec.failed_on == g->id)
				cause = s->rec.failed_fi;
			/* or its last act was a use of an object a stale
			 * close destroyed (it was handed that object, or
			 * its call on it failed): it closes what it
			 * believed was still its own */
			if (cause < 0 && s->has_rec && s->rec.role == RO_USE)
				cause = det_stale_close_of(tl, tab, e->h,
							   s->rec.gen);
			long fi = det_stale_close(tl, tab, ns, s, g, off,
						  cause, s->blocked != NULL);
			if (fi >= 0) {   /* (a candidate involves its own) */
				involve(tl, tab, ns, s->rec.gen);
				involve(tl, tab, ns, g->id);
			}
			stale_fi = fi >= 0 ? fi : -1;
		}
		if (s->blocked) {
			long fi = det_cwiu(tl, g, s->blocked, off);
			/* the same close destroyed another thread's object:
			 * the blocked call is one more thing that followed */
			if (fi >= 0 && stale_fi >= 0)
				tl->fmeta[fi].cause = stale_fi;
			ns->cwiu_finding = fi;
			ns->cwiu_tid = s->blocked->tid;
			if (fi >= 0)
				involve(tl, tab, ns, s->gen);
		}
		break;
	case V_CLOSE_TWICE_REPORTED:
		/* one close reported by two providers (CloseHandle and
		 * Winsock's SockClose) */
		hit = ns->cur.id;
		evc_set(tl, off, ev, t, RO_CLOSE, hit, e->h, e->object);
		break;
	default: {
		/* closed fine: it was open, opened before the trace (never
		 * seen) or by something the trace does not show */
		struct gen *ng = start_gen(tl, ns, s->state == NS_NONE
					   ? OR_OUTSIDE : OR_UNSEEN, -1,
					   e->object);
		hit = ng->id;
		evc_set(tl, off, ev, t, RO_CLOSE, ng->id, e->h, e->object);
		end_gen(tl, tab, ns, ng, CK_CALL, t->tid, off);
		break;
	}
	}
	if (s->has_rec)
		det_evidence(tl, tab, s->rec.gen, f.badf, off);
	ring_push_tmp(ns, off);
	rec_set(ns, off);
	/* a close split around another thread's create of the number
	 * freed it at entry: the new object is one this thread never saw,
	 * so a later close of it by this thread is stale */
	if ((v == V_CLOSE_OK || v == V_CLOSE_STALE) && !s->late_open &&
	    s->seq < off->seq) {
		struct threc *r = rec_find(ns, t->tid);
		if (r)
			r->seen_seq = s->seq;
	}
}

/* A use the call's EBADF/ENOTSOCK is about. */
static enum verdict use_failed(struct timeline *tl, struct task *t,
		       const struct ht_event *ev, const struct effect *e,
		       struct snap *s, int *hitp, int *failed_on,
		       long *failed_fi)
{
	const struct source_traits *tr = traits_of_event(ev);
	struct table *tab = t->table;
	struct numstate *ns = table_get(tl, tab, e->h);
	const char *dec = e->object;
	struct evcopy *off = &tl->tmp;
	struct gen *g = s->state == NS_OPEN ? ns_gen(ns, s->gen) : NULL;
	long victim = g && !stale(s, g, t->tid)
		? det_victim_of(tab, e->h, t->tid, g->id) : -1;
	const char *old = s->has_rec ? gen_object_id(ns, s->rec.gen) : NULL;
	struct use_facts f = {
		.s = s, .g = g, .tid = t->tid, .culprit = 1,
		.failed = ev->failed, .errc = ev->errc, .flags = e->flags,
		.has_dec = dec != NULL,
		.notsock_means_open = tr->notsock_means_open,
		.victim = victim >= 0,
		.was_socket = obj_class(gobj(&ns->prev)) == OC_SOCKET ||
			      obj_class(old) == OC_SOCKET,
	};
	enum verdict v = judge_use(&f);
	int hit = s->state == NS_OPEN ? s->gen : 0;
	evc_set(tl, off, ev, t, RO_USE, hit ? hit : ns->cur.id, e->h,
		dec ? dec : hit ? gobj(g) : NULL);
	struct why w;
	why_init(tl, &w, tr);
	w.obj = dec ? dec : gobj(g);
	if (v == V_USE_OUTSIDE_NOTSOCK && !dec)
		v = V_USE_OUTSIDE_UNKNOWN;
	switch (v) {
	case V_USE_PROBE:
		tl->st.benign++;
		tl->st.benign_probes++;
		break;
	case V_USE_CWIU_FAILED:
		if (ns->cwiu_finding >= 0 && ns->cwiu_tid == t->tid)
			finding_step(tl, ns->cwiu_finding, "failed", off);
		break;
	case V_USE_AFTER_CLOSE:
		hold(tl, t, 1, det_use_after_close(tl, tab, ns, s, off), e->h,
		     ns->cur.id, s->has_rec ? s->rec.gen : 0);
		break;
	case V_USE_STALE_FAILED:
		*failed_fi = det_stale_use(tl, tab, ns, s, g, off, v);
		if (*failed_fi >= 0) {
			involve(tl, tab, ns, s->rec.gen);
			involve(tl, tab, ns, g->id);
		}
		*failed_on = g->id;
		break;
	case V_USE_VICTIM_FAILED:
		det_victim_use(tl, tab, ns, victim, g, off);
		involve(tl, tab, ns, g->id);
		break;
	case V_USE_OUTSIDE_NOTSOCK:
	case V_USE_OUTSIDE_UNKNOWN:
		if (s->state == NS_NONE) {
			/* not a socket, so it is open: inherited */
			struct gen *ng = start_gen(tl, ns, OR_OUTSIDE, -1, dec);
			hit = ng->id;
			off->gen = hit;
		}
		unexplained_verdict(tl, off, v, &w);
		break;
	case V_USE_EXEC_CLOSED:
	case V_USE_ENDED_UNSEEN:
	case V_USE_NEVER_SEEN:
		w.where = exec_where(tl, ns);
		hold(tl, t, 0, unexplained_verdict(tl, off, v, &w), e->h, 0, 0);
		break;
	case V_USE_STALE_AGAIN:
		w.where = fstrf(tl, "line %ld", s->rec.failed_line);
		unexplained_verdict(tl, off, v, &w);
		*failed_on = g->id;
		break;
	default:
		w.who = who_opened(tl, s, g, t);
		unexplained_verdict(tl, off, v, &w);
		break;
	}
	*hitp = hit;
	return v;
}

/* A use that worked (or failed for another reason): the number was
 * valid, so the model keeps in step with it; then the verdict. */
static void use_ok(struct timeline *tl, struct task *t,
		   const struct ht_event *ev, const struct effect *e,
		   struct snap *s, int *hitp)
{
	const struct source_traits *tr = traits_of_event(ev);
	struct table *tab = t->table;
	struct numstate *ns = table_get(tl, tab, e->h);
	const char *dec = e->object;
	struct evcopy *off = &tl->tmp;
	struct gen *g = NULL;
	int hit = 0;
	int same = 0;   /* dec is g's object text already */
	if (s->reorder) {
		g = &ns->prev;
	} else if (s->state == NS_OPEN) {
		g = ns_gen(ns, s->gen);
		if (g && g->open && tr->objects_each_use && dec &&
		    g->has_object) {
			same = strcmp(dec, g->object.s) == 0;
			if (!same && !obj_same(dec, g->object.s)) {
				end_gen(tl, tab, ns, g, CK_UNSEEN, -1, NULL);
				g = start_gen(tl, ns, OR_UNSEEN, -1, dec);
				same = 1;
			}
		}
	} else if (!ns->cur.id || !ns->cur.open) {
		g = start_gen(tl, ns, ns->cur.id ? OR_UNSEEN : OR_OUTSIDE, -1,
			      dec);
	} else {
		g = &ns->cur;
	}
	if (g) {
		hit = g->id;
		g->uses++;
		/* (gen_set_object would find the text unchanged) */
		if (dec && g->open && (tr->objects_each_use ||
				       !g->has_object) &&
		    !s->reorder && !same) {
			gen_set_object(g, dec);
			if (g == &ns->cur)
				prov_index(tl, ns);
		}
	}
	evc_set(tl, off, ev, t, RO_USE, hit, e->h, dec ? dec : gobj(g));
	struct use_facts f = {
		.s = s, .g = g, .tid = t->tid, .failed = ev->failed,
		.errc = ev->errc, .flags = e->flags, .has_dec = dec != NULL,
		.stale = !ev->failed && g && s->state == NS_OPEN &&
			 hit == s->gen && stale(s, g, t->tid) &&
			 s->rec.failed_on != g->id,   /* told already */
	};
	if (f.stale) {
		f.kind_changed = obj_kind_differs(
			gen_object_id(ns, s->rec.gen), gobj(g));
		f.unaware = unaware(ns, s, t);
	}
	enum verdict v = judge_use(&f);
	if (v == V_USE_HANDOFF) {
		tl->st.handoffs++;
	} else if (v == V_USE_SILENT_STALE &&
		   det_stale_use(tl, tab, ns, s, g, off, v) >= 0) {
		involve(tl, tab, ns, s->rec.gen);
		involve(tl, tab, ns, g->id);
	}
	*hitp = hit;
}

static void use_exit(struct timeline *tl, struct task *t,
		     const struct ht_event *ev, const struct effect *e,
		     struct snap *s, int culprit)
{
	struct table *tab = t->table;
	struct numstate *ns = table_get(tl, tab, e->h);
	struct evcopy *off = &tl->tmp;
	int hit = 0;
	int failed_on = 0;      /* a stale use that failed: see threc */
	long failed_fi = -1;

	if (culprit) {
		if (use_failed(tl, t, ev, e, s, &hit, &failed_on,
			       &failed_fi) ==
		    V_USE_PROBE) {
			ring_push_tmp(ns, off);
			return;
		}
	} else if (!ev->failed || (ev->errc != ERRC_BADF &&
				   ev->errc != ERRC_NOTSOCK)) {
		use_ok(tl, t, ev, e, s, &hit);
	} else {
		/* failed because of another handle of the same call */
		hit = s->state == NS_OPEN ? s->gen : 0;
		evc_set(tl, off, ev, t, RO_USE, hit, e->h, e->object);
	}
	if (s->closed_during && ns->cwiu_tid == t->tid)
		finding_step_dur(tl, ns->cwiu_finding, t->tid, ev->dur);
	if (s->has_rec)
		det_evidence(tl, tab, s->rec.gen, culprit, off);
	long line = off->line;
	ring_push_tmp(ns, off);
	struct threc *r = failed_on ? rec_find(ns, t->tid) : NULL;
	if (!r) {
		rec_set(ns, off);
	} else if (!r->failed_on) {
		/* the failure shows it never learnt of the new object */
		r->failed_on = failed_on;
		r->failed_line = line;
		r->failed_fi = failed_fi;
	}
}

static void do_create(struct timeline *tl, struct task *t,
		      const struct ht_event *ev, struct table *tab, int64_t h,
		      const char *obj, int cloexec)
{
	struct numstate *ns = table_get(tl, tab, h);
	struct gen *g = &ns->cur;
	if (g->id && g->open) {
		const struct evcopy *last = ns->ring && ns->nring
			? &ns->ring[(ns->nring - 1) % TL_RING] : NULL;
		if (traits_of_event(ev)->reports_twice &&
		    g->creator_tid == t->tid && last &&
		    last->seq == g->create_seq) {
			/* one creation reported by two providers */
			if (!g->has_object)
				gen_set_object(g, obj);
			return;
		}
		/* a create on an open number: its close is not in the
		 * trace, or lines are out of order */
		end_gen(tl, tab, ns, g, CK_UNSEEN, -1, NULL);
		g->displaced = 1;
	}
	g = start_gen(tl, ns, OR_TRACE, t->tid, obj);
	g->cloexec = cloexec != 0;
	prov_index(tl, ns);
	evc_set(tl, &g->create, ev, t, RO_CREATE, g->id, h, obj);
	ring_push(ns, &g->create);
	rec_set(ns, &g->create);
}

static void do_dup(struct timeline *tl, struct task *t,
		   const struct ht_event *ev, const struct effect *e,
		   struct snap *s)
{
	struct table *tab = t->table;
	struct table *dst = tab;
	if (e->pid2 >= 0 && t->proc && e->pid2 != t->proc->pid &&
	    names_process(ev)) {
		struct proc *p = imap_get(&tl->procs, e->pid2);
		if (!p || p->dead) {
			p = proc_new(tl, e->pid2);
			p->table = table_new(tl, e->pid2);
			p->table->refs++;
		}
		dst = p->table;
	}
	/* the source is used */
	struct effect use = *e;
	use.op = EFF_USE;
	use.object = NULL;
	use_exit(tl, t, ev, &use, s, 0);
	struct numstate *sns = table_get(tl, tab, e->h);
	const char *obj = e->object ? e->object : gobj(&sns->cur);
	if (e->h2 < 0 || (dst == tab && e->h2 == e->h))
		return;
	struct numstate *tns = table_get(tl, dst, e->h2);
	if (tns->cur.id && tns->cur.open) {
		/* dup2 onto an open number closes it: benign */
		evc_set(tl, &tl->tmp, ev, t, RO_DUPCLOSE, tns->cur.id, e->h2,
			gobj(&tns->cur));
		end_gen(tl, dst, tns, &tns->cur, CK_DUP, t->tid, &tl->tmp);
		ring_push_tmp(tns, &tl->tmp);
	}
	/* obj may point into sns: copy before the target changes */
	sb_reset(&tl->sb);
	if (obj)
		sb_puts(&tl->sb, obj);
	char *copy = obj ? xstrdup(tl->sb.s) : NULL;
	do_create(tl, t, ev, dst, e->h2, copy, (e->flags & EF_CLOEXEC) != 0);
	tns->cur.dup_made = 1;
	free(copy);
}

static void set_cloexec_range(struct table *tab, int64_t lo, int64_t hi,
			      int on)
{
	if (hi < 0)
		hi = INT64_MAX;
	for (struct numstate *ns = table_next_open(tab, NULL); ns;
	     ns = table_next_open(tab, ns))
		if (ns->h >= lo && ns->h <= hi)
			ns->cur.cloexec = (unsigned char)on;
}

/* The task's own table, private from now on (unshare, exec of a task
 * that shares its table with another process). */
static void unshare(struct timeline *tl, struct task *t, int64_t pid)
{
	if (!t->table || t->table->refs <= 1)
		return;
	struct table *nt = table_copy(tl, t->table, pid, 0);
	t->table->refs--;
	task_set_table(t, nt);
	nt->refs = 1;
}

static void do_exec(struct timeline *tl, struct task *t,
		    const struct ht_event *ev)
{
	/* the other threads of the process are gone */
	struct proc *p = t->proc;
	for (struct task *o = p ? p->tasks : NULL; o;) {
		struct task *n = o->next_in_proc;
		if (o != t)
			task_die(tl, o, ev, t);
		o = n;
	}
	unshare(tl, t, p ? p->pid : t->tid);
	struct table *tab = t->table;
	tab->exec_epoch++;   /* a new program: old views are gone */
	for (struct numstate *ns = table_next_open(tab, NULL); ns;
	     ns = table_next_open(tab, ns)) {
		if (!ns->cur.cloexec)
			continue;
		evc_set(tl, &tl->tmp, ev, t, RO_EXECCLOSE, ns->cur.id, ns->h,
			gobj(&ns->cur));
		end_gen(tl, tab, ns, &ns->cur, CK_EXEC, t->tid, &tl->tmp);
		ring_push_tmp(ns, &tl->tmp);
	}
	det_up_clear(tl, tab);
}

static void set_created(struct timeline *tl, struct task *c,
			const struct task *parent, const struct ht_event *ev,
			int is_thread)
{
	struct task_info *ti = tinfo(tl, c);
	ti->created.file = strpool_intern(tl->pool, ev->src.file ?
					  ev->src.file : "",
					  ev->src.file ?
					  strlen(ev->src.file) : 0);
	ti->created.line = ev->src.line;
	ti->created.event = ev->src.event;
	ti->created.offset = ev->src.offset;
	ti->parent_tid = parent->tid;
	ti->is_thread = is_thread;
	ti->pid = c->proc ? c->proc->pid : c->tid;
	if (traits_of_event(ev)->names_inherited) {   /* Linux: comm */
		const struct task_info *pi = tinfo(tl, parent);
		if (!ti->name)
			ti->name = pi->name;
		if (!ti->program)
			ti->program = pi->program;
	}
}

static void spawn_etw(struct timeline *tl, struct task *t,
		      const struct ht_event *ev, const struct effect *e)
{
	int64_t pid = e->h2 >= 0 ? e->h2 : ev->pid;
	struct proc *p = imap_get(&tl->procs, pid);
	if (!p || p->dead) {
		p = proc_new(tl, pid);
		p->table = table_new(tl, pid);
		p->table->refs++;
	}
	if (e->h < 0)
		return;
	struct task *c = imap_get(&tl->tasks, e->h);
	if (!c || !c->alive || c->proc != p)
		c = task_new(tl, e->h, e->h, p, p->table);
	if (c == t)
		return;
	set_created(tl, c, t, ev, pid == ev->pid ||
		    (e->flags & EF_THREAD) != 0);
}

/* An early home turned out wrong (a clone in flight that home_early
 * did not know made the child): the task keeps what it did, on a
 * placeholder table of its own, for spawn() to fold in as usual. */
static void rehome(struct timeline *tl, struct task *c)
{
	struct table *old = c->table;
	if (old && old->refs > 1) {
		struct table *nt = table_copy(tl, old, c->tid, 0);
		old->refs--;
		task_set_table(c, nt);
		nt->refs = 1;
	}
	if (c->table)
		c->table->provisional = 1;
	if (c->proc && c->proc->pid != c->tid) {
		proc_unlink(c);
		proc_link(c, proc_new(tl, c->tid));
	}
}

/* clone/fork returned child TID e->h.  The child may have printed
 * already: then its provisional process and table are folded in. */
static void spawn(struct timeline *tl, struct task *t,
		  const struct ht_event *ev, const struct effect *e)
{
	if (names_process(ev)) {
		spawn_etw(tl, t, ev, e);
		return;
	}
	int share = (e->flags & EF_SHARE_FILES) != 0;
	int thread = (e->flags & EF_THREAD) != 0;
	if (e->h < 0 || e->h == t->tid)
		return;
	struct task *c = imap_get(&tl->tasks, e->h);
	if (c && c->alive && !c->provisional)
		return;
	if (c && c->await) {
		c->await = 0;
		if (c->await_from && t->table &&
		    c->await_from == t->table->id &&
		    c->await_flags == (e->flags & SPAWN_HOME)) {
			/* the early home was this clone's: confirmed */
			if (c->alive)
				prov_del(tl, c);
			c->provisional = 0;
			set_created(tl, c, t, ev, thread);
			return;
		}
		if (c->await_from && c->alive)
			rehome(tl, c);
	}
	if (c && !c->alive && c->provisional) {
		/* it printed, and even ended, before the clone returned */
		c->provisional = 0;
		set_created(tl, c, t, ev, thread);
		return;
	}
	if (c && c->alive && c->table && c->table->refs > 1) {
		/* already known to share a table with others */
		if (c->provisional)
			prov_del(tl, c);
		c->provisional = 0;
		set_created(tl, c, t, ev, thread);
		return;
	}
	if (c && c->alive) {
		struct table *old = c->table;
		if (thread && c->proc != t->proc) {
			struct proc *op = c->proc;
			proc_unlink(c);
			if (!op->ntasks && op->alive == 0) {
				op->dead = 1;
				tl->st.processes--;
			}
			proc_link(c, t->proc);
		}
		struct table *nt = share ? t->table
			: table_copy(tl, t->table, c->proc->pid, 1);
		table_merge(tl, nt, old);
		prov_reindex(tl, nt, old);
		task_set_table(c, nt);
		nt->refs++;
		old->refs--;
		if (old->refs <= 0) {
			table_free(tl, old);
			tl->st.tables--;   /* it was only a placeholder */
		}
		if (c->provisional)
			prov_del(tl, c);
		c->provisional = 0;
		if (c->run_table == old)
			c->run_table = nt;
	} else {
		struct proc *p = thread ? t->proc : proc_new(tl, e->h);
		struct table *nt = share ? t->table
			: table_copy(tl, t->table, p->pid, 1);
		c = task_new(tl, e->h, e->h, p, nt);
		/* not seen before its clone returned: unseen until an event
		 * of its own comes */
		c->unseen = thread ? 1 : 2;
		if (thread)
			tl->st.threads_unseen++;
		else
			tl->st.children_unseen++;
	}
	set_created(tl, c, t, ev, thread);
}

static void exit_group(struct timeline *tl, struct task *t,
		       const struct ht_event *ev)
{
	struct proc *p = t->proc;
	if (!p)
		return;
	if (names_process(ev) && p->table) {
		struct table *tab = p->table;
		p->table = NULL;
		p->dead = 1;
		for (struct task *o = p->tasks; o;) {
			struct task *n = o->next_in_proc;
			task_die(tl, o, ev, t);
			o = n;
		}
		table_unref(tl, tab, ev, t);
		return;
	}
	/* the caller last, so that its event ends the table */
	for (struct task *o = p->tasks; o;) {
		struct task *n = o->next_in_proc;
		if (o != t)
			task_die(tl, o, ev, t);
		o = n;
	}
	task_die(tl, t, ev, t);
}

/* A number left open when its table ends, with what groups it. */
struct leak_item {
	struct numstate *ns;
	const char *call;
	char kind[32];
};

static int leak_cmp_key(const struct leak_item *x, const struct leak_item *y)
{
	int c = strcmp(x->call, y->call);
	return c ? c : strcmp(x->kind, y->kind);
}

static int leak_cmp(const void *a, const void *b)
{
	const struct leak_item *x = a, *y = b;
	int c = leak_cmp_key(x, y);
	if (c)
		return c;
	return x->ns->h < y->ns->h ? -1 : x->ns->h > y->ns->h;
}

static int ns_num_cmp(const void *a, const void *b)
{
	const struct numstate *x = *(struct numstate *const *)a;
	const struct numstate *y = *(struct numstate *const *)b;
	return x->h < y->h ? -1 : x->h > y->h;
}

/* Whether an open number at the end is the program's to close: opened in
 * the trace, not stdio 0-2, not a shell's fd 255 (its script or tty,
 * duplicated there on purpose and kept to the end). */
static int leak_eligible(const struct numstate *ns)
{
	const struct gen *g = &ns->cur;
	if (g->origin != OR_TRACE || !g->inside || !g->create.valid)
		return 0;
	if (g->create.tr->stdio_fds && ns->h >= 0 && ns->h <= 2)
		return 0;
	return !(ns->h == 255 && g->dup_made);
}

/* Leaks at a table's end: numbers of one call and object kind that piled
 * up (TL_LEAK_PILE or more) each make a finding; the rest the process
 * left open make one note, unless a signal killed it (its cleanup never
 * ran: nothing to blame). */
static void table_leaks(struct timeline *tl, struct table *tab,
			const struct evcopy *exitev, int killed)
{
	size_t n = 0, cap = 0;
	struct leak_item *v = NULL;
	for (struct numstate *ns = table_next_open(tab, NULL); ns;
	     ns = table_next_open(tab, ns)) {
		if (!leak_eligible(ns))
			continue;
		xgrow((void **)&v, &cap, n + 1, sizeof *v);
		v[n].ns = ns;
		v[n].call = ns->cur.create.call ? ns->cur.create.call : "";
		obj_kind(gobj(&ns->cur), v[n].kind, sizeof v[n].kind);
		n++;
	}
	if (n > 1)
		qsort(v, n, sizeof *v, leak_cmp);
	struct numstate **grp = n ? xcalloc(n, sizeof *grp) : NULL;
	struct numstate **rest = n ? xcalloc(n, sizeof *rest) : NULL;
	size_t nrest = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && leak_cmp_key(&v[i], &v[j]) == 0)
			j++;
		if (j - i >= TL_LEAK_PILE) {
			for (size_t k = i; k < j; k++)
				grp[k - i] = v[k].ns;
			det_leaks(tl, grp, j - i, exitev, 1);
		} else {
			for (size_t k = i; k < j; k++)
				rest[nrest++] = v[k].ns;
		}
		i = j;
	}
	if (killed) {
		tl->st.leaks_killed += (long)nrest;
	} else if (nrest) {
		qsort(rest, nrest, sizeof *rest, ns_num_cmp);
		det_leaks(tl, rest, nrest, exitev, 0);
	}
	for (size_t i = 0; i < n; i++)
		ginfo_touch(tl, tab, v[i].ns, &v[i].ns->cur);
	free(grp);
	free(rest);
	free(v);
}

static void table_end(struct timeline *tl, struct table *tab,
		      const struct ht_event *ev, const struct task *by)
{
	/* (evc_set writes every field: a scratch copy, not one
	 * allocated and freed per table) */
	struct evcopy *exitcopy = &tl->endev;
	evc_set(tl, exitcopy, ev, by, RO_EXIT, 0, -1, NULL);
	table_leaks(tl, tab, exitcopy, ev->type == EV_TASK_EXIT &&
		    ev->killed);
	for (struct numstate *ns = table_next_open(tab, NULL); ns;
	     ns = table_next_open(tab, ns))
		end_gen(tl, tab, ns, &ns->cur, CK_END, -1, NULL);
	table_free(tl, tab);
}

static int in_pend(const struct pending *p, const struct effect *e)
{
	for (int j = 0; j < p->nfx; j++)
		if (p->fx[j].op == e->op && p->fx[j].h == e->h)
			return j;
	return -1;
}

/* judge_culprit, given what each effect's number named at entry */
static int culprit_of(struct task *t, const struct ht_event *ev,
		      const struct snap *snaps)
{
	const struct gen *gens[HT_MAX_FX];
	int n = ev->nfx < HT_MAX_FX ? ev->nfx : HT_MAX_FX;
	for (int i = 0; i < n; i++) {
		struct numstate *ns = snaps[i].state == NS_OPEN
			? ns_of(t, ev->fx[i].h) : NULL;
		gens[i] = ns ? ns_gen(ns, snaps[i].gen) : NULL;
	}
	return judge_culprit(ev, snaps, gens, t->tid);
}

/* A task's name or program := text (kept once in the pool). */
static void name_set(struct timeline *tl, const char **slot,
		     const char *text)
{
	if (!*slot || strcmp(*slot, text) != 0)
		*slot = strpool_intern(tl->pool, text, strlen(text));
}

/* prctl(PR_SET_NAME), a comm file written: task h2 (or t itself) is
 * called e->object from now on. */
static void task_named(struct timeline *tl, struct task *t,
		       const struct effect *e)
{
	struct task *n = e->h2 >= 0 ? imap_get(&tl->tasks, e->h2) : t;
	if (n && e->object && *e->object)
		name_set(tl, &tinfo(tl, n)->name, e->object);
}

/* execve: the process runs another program, and Linux names the thread
 * after it (its comm) */
static void task_runs(struct timeline *tl, struct task *t,
		      const struct effect *e)
{
	if (!e->object || !*e->object)
		return;
	struct task_info *ti = tinfo(tl, t);
	name_set(tl, &ti->program, e->object);
	ti->name = NULL;
}

static void exit_part(struct timeline *tl, struct task *t,
		      const struct ht_event *ev, struct snap *snaps)
{
	int failed = ev->failed || ev->errc == ERRC_RESTART;
	int culprit = culprit_of(t, ev, snaps);
	int explained = culprit >= 0;
	for (int i = 0; i < ev->nfx && t->alive && t->table; i++) {
		const struct effect *e = &ev->fx[i];
		struct snap *s = &snaps[i];
		if ((e->flags & EF_IF_OK) && failed)
			continue;
		switch (e->op) {
		case EFF_CREATE:
			if (!failed && e->h >= 0)
				do_create(tl, t, ev, t->table, e->h,
					  e->object,
					  (e->flags & EF_CLOEXEC) != 0);
			break;
		case EFF_CLOSE:
			tl->st.closes++;
			if (e->h >= 0) {
				close_exit(tl, t, ev, e, s);
				if (ev->failed)
					explained = 1;
			} else if (ev->failed && ev->errc == ERRC_BADF) {
				/* close(-1): an unset variable's cleanup */
				tl->st.benign++;
				tl->st.benign_negative++;
				explained = 1;
			}
			break;
		case EFF_USE:
			if (e->h >= 0)
				use_exit(tl, t, ev, e, s, i == culprit);
			break;
		case EFF_DUP:
			if (e->h < 0)
				break;
			if (!failed) {
				do_dup(tl, t, ev, e, s);
			} else {
				struct effect use = *e;
				use.op = EFF_USE;
				use_exit(tl, t, ev, &use, s, i == culprit);
			}
			break;
		case EFF_CLOEXEC_RANGE:
			if (!failed)
				set_cloexec_range(t->table, e->h, e->h2, 1);
			break;
		case EFF_SET_CLOEXEC:
			if (!failed)
				set_cloexec_range(t->table, e->h, e->h,
						  (e->flags & EF_CLOEXEC) != 0);
			break;
		case EFF_SPAWN:
			if (!failed)
				spawn(tl, t, ev, e);
			break;
		case EFF_EXEC:
			if (!failed) {
				do_exec(tl, t, ev);
				task_runs(tl, t, e);
			}
			break;
		case EFF_NAME:
			if (!failed)
				task_named(tl, t, e);
			break;
		case EFF_UNSHARE_FILES:
			if (!failed)
				unshare(tl, t, t->proc ? t->proc->pid
						      : t->tid);
			break;
		case EFF_OUTSIDE: {
			if (e->h < 0)
				break;
			struct numstate *ns = table_get(tl, t->table, e->h);
			if (ns->cur.id && ns->cur.open) {
				if (!ns->cur.has_object)
					gen_set_object(&ns->cur, e->object);
				break;
			}
			struct gen *g = start_gen(tl, ns, OR_OUTSIDE, -1,
						  e->object);
			evc_set(tl, &tl->tmp, ev, t, RO_OUTSIDE, g->id, e->h,
				e->object);
			ring_push_tmp(ns, &tl->tmp);
			break;
		}
		default:
			break;
		}
	}
	if (!explained && ev->failed && (ev->errc == ERRC_BADF ||
					 ev->errc == ERRC_NOTSOCK)) {
		struct why w;
		why_init(tl, &w, traits_of_event(ev));
		evc_set(tl, &tl->tmp, ev, t, RO_USE, 0, -1, NULL);
		unexplained_verdict(tl, &tl->tmp, V_CALL_NO_HANDLE, &w);
	}
}

static void snaps_clear(struct snap *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i].blocked) {
			evc_free(s[i].blocked);
			free(s[i].blocked);
			s[i].blocked = NULL;
		}
}

static void call_full(struct timeline *tl, struct task *t,
		      const struct ht_event *ev)
{
	struct snap snaps[HT_MAX_FX];
	int n = ev->nfx < HT_MAX_FX ? ev->nfx : HT_MAX_FX;
	for (int i = 0; i < n; i++)
		entry_one(tl, t, ev, i, &snaps[i], 0);
	if (has_exit_group(ev)) {
		snaps_clear(snaps, n);
		exit_group(tl, t, ev);
		return;
	}
	exit_part(tl, t, ev, snaps);
	snaps_clear(snaps, n);
}

static void call_entry(struct timeline *tl, struct task *t,
		       const struct ht_event *ev)
{
	if (!t->pend)
		t->pend = xcalloc(1, sizeof *t->pend);
	pend_end(tl, t);    /* an entry never resumed */
	struct pending *p = t->pend;
	p->active = 1;
	p->nfx = ev->nfx < HT_MAX_FX ? ev->nfx : HT_MAX_FX;
	if (p->nfx > p->cap) {
		/* (pend_end left every snap zeroed and unblocked) */
		p->fx = xrealloc(p->fx, (size_t)p->nfx * sizeof *p->fx);
		p->snap = xrealloc(p->snap, (size_t)p->nfx * sizeof *p->snap);
		memset(&p->snap[p->cap], 0,
		       (size_t)(p->nfx - p->cap) * sizeof *p->snap);
		p->cap = p->nfx;
	}
	int64_t h = -1;
	for (int i = 0; i < p->nfx; i++) {
		p->fx[i] = ev->fx[i];
		p->fx[i].object = NULL;
		if (h < 0 && ev->fx[i].op == EFF_USE)
			h = ev->fx[i].h;
		if (ev->fx[i].op == EFF_SPAWN && ev->fx[i].h < 0 &&
		    !t->spawning) {
			/* a clone in flight: children seen before it
			 * returns are homed by its flags (home_early) */
			t->spawning = 1;
			t->spawn_flags = ev->fx[i].flags;
			DL_APPEND(tl->spawn_first, tl->spawn_last, t,
				  spawn_prev, spawn_next);
		}
	}
	if (h >= 0)     /* shown as "blocked" if someone closes h */
		evc_set(tl, &p->entry, ev, t, RO_USE, 0, h, NULL);
	for (int i = 0; i < p->nfx; i++)
		entry_one(tl, t, ev, i, &p->snap[i], 1);
	if (has_exit_group(ev))
		exit_group(tl, t, ev);
}

static void call_exit(struct timeline *tl, struct task *t,
		      const struct ht_event *ev)
{
	struct pending *p = t->pend;
	if (!p || !p->active) {
		call_full(tl, t, ev);
		return;
	}
	/* effects the entry applied are not applied again; the others
	 * get their entry step now */
	struct snap snaps[HT_MAX_FX];
	int n = ev->nfx < HT_MAX_FX ? ev->nfx : HT_MAX_FX;
	for (int i = 0; i < n; i++) {
		int j = in_pend(p, &ev->fx[i]);
		if (j >= 0) {
			snaps[i] = p->snap[j];
			p->snap[j].blocked = NULL;
		} else {
			entry_one(tl, t, ev, i, &snaps[i], 0);
		}
	}
	if (has_exit_group(ev) && t->alive) {
		snaps_clear(snaps, n);
		pend_end(tl, t);
		exit_group(tl, t, ev);
		return;
	}
	exit_part(tl, t, ev, snaps);
	snaps_clear(snaps, n);
	pend_end(tl, t);
}

/* "+++ superseded by execve in pid N +++" on the leader L: the thread N
 * that called execve now carries L's id; its pending execve resumes
 * under L. */
static void task_gone(struct timeline *tl, struct task *l,
		      const struct ht_event *ev)
{
	if (ev->nfx < 1)
		return;
	struct task *n = imap_get(&tl->tasks, ev->fx[0].h);
	if (!n || n == l || !n->alive)
		return;
	struct pending *lp = l->pend;
	pend_end(tl, l);
	l->pend = n->pend;
	n->pend = lp;
	task_die(tl, n, ev, l);
}

int64_t timeline_task_pid(const struct timeline *tl, int64_t tid)
{
	const struct task *t = tid >= 0 ? imap_get(&tl->tasks, tid) : NULL;
	return t && t->proc ? t->proc->pid : -1;
}

long timeline_full(const struct timeline *tl)
{
	return tl->full ? TL_TASKS_MAX : 0;
}

void timeline_feed(struct timeline *tl, const struct ht_event *ev)
{
	if (tl->full)
		return;
	tl->seq++;
	tl->st.events++;
	if (tl->nnums > TL_NUMS_KEEP)
		table_evict(tl);
	reap_dead(tl);
	if (ev->ts != TS_NONE) {
		if (tl->st.ts_first == TS_NONE || ev->ts < tl->st.ts_first)
			tl->st.ts_first = ev->ts;
		if (tl->st.ts_last == TS_NONE || ev->ts > tl->st.ts_last)
			tl->st.ts_last = ev->ts;
	}
	struct task *t = get_task(tl, ev);
	if (!t)
		return;
	if (ev->thread_name && *ev->thread_name)
		name_set(tl, &tinfo(tl, t)->name, ev->thread_name);
	if (ev->program && *ev->program)
		name_set(tl, &tinfo(tl, t)->program, ev->program);
	switch (ev->type) {
	case EV_SIGNAL:
		return;
	case EV_TASK_EXIT:
		task_die(tl, t, ev, t);
		return;
	case EV_TASK_GONE:
		task_gone(tl, t, ev);
		return;
	case EV_TASK_INFO:
		call_full(tl, t, ev);
		return;
	case EV_CALL:
		break;
	}
	switch (ev->phase) {
	case PH_ENTRY:
		call_entry(tl, t, ev);
		break;
	case PH_EXIT:
		run_step(tl, t, ev);
		call_exit(tl, t, ev);
		break;
	case PH_FULL:
		run_step(tl, t, ev);
		call_full(tl, t, ev);
		break;
	}
}

void timeline_finish(struct timeline *tl)
{
	if (tl->finished)
		return;
	tl->finished = 1;
	for (struct task *t = tl->task_first; t; t = t->next_all)
		run_flush(tl, t);
	findings_settle(tl);
	findings_names(tl);
	ginfo_finish(tl);
}

void timeline_drop_kind(struct timeline *tl, enum finding_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < tl->nfind; i++) {
		if (tl->findings[i].kind == k) {
			free(tl->findings[i].chain);
			continue;
		}
		tl->findings[n] = tl->findings[i];
		tl->findings[n].id = (int)n + 1;
		n++;
	}
	tl->nfind = n;
}
