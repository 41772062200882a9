/* parser/perf.c - kernel tracepoint captures as text: `perf script` of a
 * `perf record -e 'raw_syscalls:*'` (or syscalls:sys_enter_NAME /
 * sys_exit_NAME), and `trace-cmd report` (or the tracefs trace file) of
 * the same events, with sched:sched_process_exec/exit and
 * task:task_newtask.  Every event carries its CPU.
 *
 * A syscall is a sys_enter line (number, six raw arguments) and later a
 * sys_exit line (number, return value).  The pair becomes the text strace
 * would print ("close(4, 0, 0, 0, 0, 0) = 0", numbers as -X raw shows
 * them) and goes through strace's scanner and effect builder, so the
 * syscall table and the effects are the same as for strace.  An entry
 * whose exit is the very next line makes one event (PH_FULL); one that
 * another line comes between becomes an entry event and an exit event,
 * as strace's <unfinished ...> / <... resumed> pair does. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "perf_int.h"

/* task:task_newtask's clone_flags bits the model needs */
#define LINUX_CLONE_FILES 0x400
#define LINUX_CLONE_THREAD 0x10000

/* ---- syscall numbers (x86_64) ------------------------------------------ */

static const char *const sysnum_names[] = {
#define SYSNUM(nr, name) [nr] = #name,
#include "sysnum_x86_64.def"
#undef SYSNUM
};
#define SYSNUM_COUNT (sizeof sysnum_names / sizeof sysnum_names[0])

static const char *sysnum_name(long nr)
{
	if (nr < 0 || (size_t)nr >= SYSNUM_COUNT)
		return NULL;
	return sysnum_names[nr];
}

/* The syscall a syscalls:sys_enter_NAME / sys_exit_NAME tracepoint is
 * for: NAME (after "sys_enter_" or "sys_exit_"), as strace names it, into
 * nm; 0 if too long. */
static const struct tpname {
	const char *tp, *name;
} tpnames[] = {
#define TPNAME(tp, name) { #tp, #name },
#include "tracepoint_names.def"
#undef TPNAME
};

static int tracepoint_syscall(const char *s, size_t n, char *nm, size_t cap)
{
	if (n == 0 || n >= cap)
		return 0;
	memcpy(nm, s, n);
	nm[n] = '\0';
	for (size_t i = 0; i < sizeof tpnames / sizeof tpnames[0]; i++)
		if (strcmp(nm, tpnames[i].tp) == 0) {
			snprintf(nm, cap, "%s", tpnames[i].name);
			break;
		}
	return 1;
}

/* ---- per-task table ------------------------------------------------------ */

static size_t ptask_slot(const struct ptasks *t, int64_t tid)
{
	uint64_t h = (uint64_t)tid * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 20) & (t->cap - 1);
}

struct ptask *ptask_find(struct ptasks *t, int64_t tid)
{
	if (!t->cap || tid == 0)
		return NULL;
	for (size_t i = ptask_slot(t, tid);; i = (i + 1) & (t->cap - 1)) {
		if (t->slot[i].tid == tid)
			return &t->slot[i];
		if (t->slot[i].tid == 0)
			return NULL;
	}
}

static void ptasks_grow(struct ptasks *t)
{
	struct ptasks n = { xcalloc(t->cap ? t->cap * 2 : 64,
				    sizeof *n.slot), t->cap ? t->cap * 2 : 64,
			    t->used };
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slot[i].tid)
			continue;
		size_t k = ptask_slot(&n, t->slot[i].tid);
		while (n.slot[k].tid)
			k = (k + 1) & (n.cap - 1);
		n.slot[k] = t->slot[i];
	}
	free(t->slot);
	*t = n;
}

struct ptask *ptask_get(struct ptasks *t, int64_t tid)
{
	if (tid == 0)
		tid = INT64_MIN;   /* the idle task: a key that is not 0 */
	struct ptask *x = ptask_find(t, tid);
	if (x)
		return x;
	if ((t->used + 1) * 2 > t->cap)
		ptasks_grow(t);
	size_t i = ptask_slot(t, tid);
	while (t->slot[i].tid)
		i = (i + 1) & (t->cap - 1);
	x = &t->slot[i];
	memset(x, 0, sizeof *x);
	x->tid = tid;
	x->pid = -1;
	x->newtask_flags = -1;
	t->used++;
	return x;
}

static void fdseen_unref(struct fdseen *f)
{
	if (f && --f->refs <= 0)
		free(f);
}

void ptasks_free(struct ptasks *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		free(t->slot[i].text);
		free(t->slot[i].raw);
		free(t->slot[i].prog);
		fdseen_unref(t->slot[i].fs);
	}
	free(t->slot);
	t->slot = NULL;
	t->cap = t->used = 0;
}

void ptask_set_text(struct ptask *t, const char *s, size_t n)
{
	if (n + 1 > t->text_cap) {
		t->text_cap = n + 64;
		t->text = xrealloc(t->text, t->text_cap);
	}
	if (n)
		memcpy(t->text, s, n);
	t->text[n] = '\0';
	t->text_len = n;
}

void ptask_set_raw(struct ptask *t, const char *s, size_t n)
{
	if (n + 1 > t->raw_cap) {
		t->raw_cap = n + 64;
		t->raw = xrealloc(t->raw, t->raw_cap);
	}
	if (n)
		memcpy(t->raw, s, n);
	t->raw[n] = '\0';
	t->raw_len = n;
}

/* ---- numbers each table has held --------------------------------------- */

static struct fdseen *fdseen_of(struct ptask *t)
{
	if (!t->fs) {
		t->fs = xcalloc(1, sizeof *t->fs);
		t->fs->refs = 1;
	}
	return t->fs;
}

static int fd_bit(const uint64_t *b, int64_t h)
{
	return h >= 0 && h < FDSEEN_MAX && (b[h / 64] >> (h % 64) & 1u);
}

/* h named, and now open (1) or closed (0) */
static void fd_note(struct fdseen *f, int64_t h, int open)
{
	if (h < 0 || h >= FDSEEN_MAX)
		return;
	uint64_t m = (uint64_t)1 << (h % 64);
	f->bits[h / 64] |= m;
	if (open)
		f->open[h / 64] |= m;
	else
		f->open[h / 64] &= ~m;
}

/* child's table: the parent's (shared) or a copy of it; what the child
 * named before the clone returned is kept */
static void fdseen_spawn(struct ptasks *ts, struct ptask *parent,
			 int64_t child, int share)
{
	struct fdseen *pf = fdseen_of(parent);
	struct ptask *c = ptask_get(ts, child);
	parent = ptask_find(ts, parent->tid);   /* ptask_get may move it */
	if (!parent || c == parent)
		return;
	struct fdseen *old = c->fs;
	if (share) {
		if (old == pf)
			return;
		for (size_t i = 0; old && i < FDSEEN_MAX / 64; i++) {
			pf->bits[i] |= old->bits[i];
			pf->open[i] |= old->open[i];
		}
		pf->refs++;
		c->fs = pf;
	} else {
		struct fdseen *n = xcalloc(1, sizeof *n);
		n->refs = 1;
		for (size_t i = 0; i < FDSEEN_MAX / 64; i++) {
			n->bits[i] = pf->bits[i] | (old ? old->bits[i] : 0);
			n->open[i] = pf->open[i] | (old ? old->open[i] : 0);
		}
		n->unseen = pf->unseen;
		c->fs = n;
	}
	fdseen_unref(old);
}

void fdseen_outside_only(struct ht_event *ev)
{
	int k = 0;
	for (int i = 0; i < ev->nfx; i++)
		if (ev->fx[i].op == EFF_OUTSIDE)
			ev->fx[k++] = ev->fx[i];
	ev->nfx = k;
	ev->type = EV_TASK_INFO;
	ev->phase = PH_FULL;
}

static int wants_outside(const struct ht_event *ev, const struct effect *e)
{
	if ((e->op != EFF_USE && e->op != EFF_CLOSE) || e->h < 0 ||
	    (e->flags & EF_AT_ENTRY))
		return 0;
	if (ev->phase == PH_ENTRY)
		return e->op == EFF_USE && (e->flags & EF_BLOCKING);
	return ev->has_ret && !ev->failed;
}

int fdseen_event(struct ptasks *ts, struct ptask *t, struct ht_event *ev,
		 int unseen_new, int off)
{
	int64_t tid = t->tid;
	struct fdseen *f = fdseen_of(t);
	struct effect fx[HT_MAX_FX];
	int any = unseen_new == FDSEEN_ANY;
	if (any)
		unseen_new = 0;
	int n = 0, changed = 0;
	int ok = ev->phase == PH_ENTRY || (ev->has_ret && !ev->failed);
	for (int i = 0; i < ev->nfx; i++) {
		const struct effect *e = &ev->fx[i];
		int fresh = 0;
		if (!off && wants_outside(ev, e)) {
			if (!fd_bit(f->bits, e->h))
				fresh = 1;      /* open since before the trace */
			else if ((any || f->unseen > 0) &&
				 !fd_bit(f->open, e->h)) {
				fresh = 1;      /* a pipe's fd, say */
				if (f->unseen > 0)
					f->unseen--;
			}
		}
		if (fresh && ev->nfx + changed < HT_MAX_FX) {
			fx[n] = *e;
			fx[n].op = EFF_OUTSIDE;
			fx[n].flags = 0;
			fx[n].h2 = -1;
			fx[n].object = NULL;
			n++;
			changed++;
		}
		fx[n++] = *e;
		switch (e->op) {
		case EFF_CREATE:
		case EFF_OUTSIDE:
			fd_note(f, e->h, 1);
			break;
		case EFF_DUP:
			fd_note(f, e->h, 1);
			fd_note(f, e->h2, 1);
			break;
		case EFF_USE:
			if (ok)
				fd_note(f, e->h, 1);
			break;
		case EFF_CLOSE:
			if (ok)
				fd_note(f, e->h, 0);
			break;
		case EFF_CLOSE_RANGE:
			for (int64_t h = e->h < 0 ? 0 : e->h;
			     ok && h <= e->h2 && h < FDSEEN_MAX; h++)
				if (fd_bit(f->bits, h))
					fd_note(f, h, 0);
			break;
		default:
			break;
		}
	}
	f->unseen += unseen_new;
	if (changed) {
		memcpy(ev->fx, fx, (size_t)n * sizeof fx[0]);
		ev->nfx = n;
	}
	for (int i = 0; i < ev->nfx; i++) {
		const struct effect *e = &ev->fx[i];
		if (e->op == EFF_SPAWN && e->h >= 0 && ev->has_ret &&
		    !ev->failed) {
			struct ptask *me = ptask_find(ts, tid);
			if (me)
				fdseen_spawn(ts, me, e->h,
					     (e->flags & EF_SHARE_FILES) != 0);
		} else if (e->op == EFF_UNSHARE_FILES && f->refs > 1) {
			struct ptask *me = ptask_find(ts, tid);
			struct fdseen *c = xcalloc(1, sizeof *c);
			c->refs = 1;
			c->unseen = f->unseen;
			memcpy(c->bits, f->bits, sizeof c->bits);
			memcpy(c->open, f->open, sizeof c->open);
			f->refs--;
			if (me)
				me->fs = c;
			else
				free(c);
			f = c;
		}
	}
	return changed;
}

/* ---- helpers shared with perf_trace.c ------------------------------------ */

void perf_fork_spawn(struct ptasks *ts, struct ptask *parent, int64_t child,
		     struct ht_event *ev)
{
	struct ptask *c = ptask_find(ts, child);
	int64_t f = c ? c->newtask_flags : 0;
	ev->call = "sched_process_fork";
	ev->has_ret = 1;
	ev->ret = child;
	event_add_effect(ev, EFF_SPAWN, (f & LINUX_CLONE_FILES ?
					 EF_SHARE_FILES : 0) |
			 (f & LINUX_CLONE_THREAD ? EF_THREAD : 0), child, -1,
			 NULL);
	fdseen_event(ts, parent, ev, 0, 0);
	c = ptask_find(ts, child);
	if (c)
		c->spawn_told = 1;
}

void perf_drop_told_spawns(struct ptasks *ts, struct ht_event *ev)
{
	int k = 0;
	for (int i = 0; i < ev->nfx; i++) {
		const struct effect *e = &ev->fx[i];
		const struct ptask *c = e->op == EFF_SPAWN && e->h > 0 ?
			ptask_find(ts, e->h) : NULL;
		if (!c || !c->spawn_told)
			ev->fx[k++] = *e;
	}
	ev->nfx = k;
}

/* Thread t's execve in flight goes on as leader l's: the kernel gives
 * the thread that runs execve the leader's TID. */
static void exec_takeover(struct ptask *l, struct ptask *t)
{
	l->pending = 1;
	l->entry_out = t->entry_out;
	l->sc = t->sc;
	memcpy(l->name, t->name, sizeof l->name);
	ptask_set_text(l, t->text, t->text_len);
	l->args_len = t->args_len;
	ptask_set_raw(l, t->raw, t->raw_len);
	l->line = t->line;
	l->cpu = t->cpu;
	l->ts = t->ts;
	memcpy(l->time_text, t->time_text, sizeof l->time_text);
	t->pending = 0;
}

int perf_exec_event(struct ptasks *ts, int64_t pid, int64_t old_pid,
		    const char *file, size_t n, struct ht_event *ev,
		    struct arena *ar)
{
	struct ptask *l = ptask_get(ts, pid);
	struct ptask *t = ptask_find(ts, old_pid);   /* after the get */
	int in_flight = t && t->pending && t->sc && t->sc->kind == K_EXEC;
	size_t b = n;
	while (b > 0 && file[b - 1] != '/')
		b--;
	free(l->prog);
	l->prog = n > b ? xstrndup(file + b, n - b) : NULL;
	ev->call = "sched_process_exec";
	if (in_flight) {
		l->exec_tp = EXEC_NAMED;
		if (t == l)
			return 0;
		exec_takeover(l, t);
		ev->type = EV_TASK_GONE;
		event_add_effect(ev, EFF_SPAWN, EF_THREAD | EF_SHARE_FILES,
				 old_pid, -1, NULL);
		return 1;
	}
	l->exec_tp = EXEC_TOLD;
	ev->type = EV_TASK_INFO;
	ev->has_ret = 1;
	event_add_effect(ev, EFF_EXEC, 0, -1, -1, l->prog ?
			 arena_put(ar, l->prog, n - b) : NULL);
	return 1;
}

void perf_exec_fx(struct ptask *t, struct ht_event *ev, struct arena *ar)
{
	if (ev->phase == PH_ENTRY || !t->exec_tp)
		return;
	int told = t->exec_tp == EXEC_TOLD;
	t->exec_tp = 0;
	int k = 0;
	for (int i = 0; i < ev->nfx; i++) {
		struct effect *e = &ev->fx[i];
		if (e->op == EFF_EXEC && told)
			continue;
		if (e->op == EFF_EXEC && t->prog)
			e->object = arena_put(ar, t->prog, strlen(t->prog));
		ev->fx[k++] = *e;
	}
	ev->nfx = k;
}

void perf_count_fx(const struct ht_event *ev, struct perf_counts *c)
{
	if (ev->phase == PH_ENTRY)
		return;
	c->calls++;
	for (int i = 0; i < ev->nfx; i++)
		if (ev->fx[i].op == EFF_CREATE || ev->fx[i].op == EFF_DUP)
			c->creates++;
		else if (ev->fx[i].op == EFF_CLOSE ||
			 ev->fx[i].op == EFF_CLOSE_RANGE)
			c->closes++;
}

void perf_whole_limits(struct input_stats *st, const struct perf_counts *c)
{
	if (c->creates > 0 && c->closes == 0 && c->calls >= 10) {
		input_stats_limit(st, "no close at all in the capture: closes "
				  "were not recorded, so no leak is "
				  "reported");
		st->closes_unseen = 1;
	}
	if ((c->calls >= 20 || c->named) && !c->basic)
		input_stats_limit(st, "a subset of syscalls (-e): calls not "
				  "recorded are invisible; a number used or "
				  "closed again after its close is taken as "
				  "opened by a call not recorded, and no "
				  "finding rests on that");
}

void perf_ev_init(struct ht_event *ev, enum ev_type type, enum ev_phase ph,
		  const char *path, long line, int64_t tid, int cpu,
		  int64_t ts)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->phase = ph;
	ev->pid = -1;   /* the strace model: tables follow clone flags */
	ev->tid = tid;
	ev->cpu = cpu;
	ev->ts = ts;
	ev->time_text = "";
	ev->src.file = path;
	ev->src.line = line;
	ev->raw = "";
}

int perf_call_effects(const struct sc_info *sc, const char *s, size_t n,
		      enum fx_mode mode, size_t entry_len, struct ht_event *ev,
		      struct arena *ar, unsigned *seen)
{
	struct call c;
	const char *why;
	if (mode == FXM_ENTRY) {
		struct scan_resume sr;
		call_scan_entry(s, n, &c, &sr);
		memset(&c.has_ret, 0, sizeof c - offsetof(struct call,
							   has_ret));
	} else {
		if (call_scan(s, n, &c) < 0 || c.close < 0 ||
		    call_result(s, n, &c, &why) < 0)
			return -1;
		ev->has_ret = c.has_ret;
		ev->ret = c.ret;
		ev->failed = c.failed;
		ev->err = c.err;
		ev->errname = c.errname && (c.errc != ERRC_OTHER || c.err)
			? c.errname : NULL;
		ev->errc = c.failed ? (c.errc ? c.errc : ERRC_OTHER)
			: ERRC_NONE;
	}
	call_effects(sc, s, n, &c, mode, entry_len, ev, ar, seen);
	return 0;
}

size_t perf_read_time(const char *s, size_t n, int64_t unit, int64_t *ns)
{
	size_t i = 0;
	int64_t v = 0, frac = 0, scale = unit;
	while (i < n && s[i] >= '0' && s[i] <= '9' && i < 13)
		v = v * 10 + (s[i++] - '0');
	if (i == 0 || i >= n || s[i] != '.' || v > INT64_MAX / unit - 1)
		return 0;
	size_t d = ++i;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		if (scale > 1) {
			scale /= 10;
			frac += (s[i] - '0') * scale;
		}
	if (i == d)
		return 0;
	*ns = v * unit + frac;
	return i;
}

/* ---- one line ------------------------------------------------------------ */

/* A line's leader, for both text forms:
 *   perf script:     "  COMM  TID [CPU] SECS: SYS:EVENT: BODY"
 *                    ("PID/TID" with -F pid,tid)
 *   trace-cmd report:"  COMM-TID [CPU] SECS: EVENT: BODY"
 *   tracefs trace:   "  COMM-TID [CPU] FLAGS SECS: EVENT: BODY" */
struct pline {
	const char *comm;
	size_t comm_len;
	int64_t pid, tid;
	int cpu;
	int64_t ts;
	const char *ts_text;
	size_t ts_len;
	const char *sys, *ev;       /* "raw_syscalls" (or ""), "sys_enter" */
	size_t sys_len, ev_len;
	const char *body;
	size_t body_len;
};

static int is_dig(char c)
{
	return c >= '0' && c <= '9';
}

static size_t read_i64(const char *s, size_t n, size_t i, int64_t *v)
{
	size_t d = i;
	int64_t x = 0;
	while (i < n && is_dig(s[i]) && i - d < 18)
		x = x * 10 + (s[i++] - '0');
	*v = x;
	return i > d ? i : 0;
}

/* the "[NNN]" CPU field: where it starts (the '['), or 0 */
static size_t find_cpu(const char *s, size_t n, int *cpu)
{
	for (size_t i = 1; i + 3 < n; i++) {
		const char *b = memchr(s + i, '[', n - i);
		if (!b)
			return 0;
		i = (size_t)(b - s);
		if (s[i - 1] != ' ' && s[i - 1] != '\t')
			continue;
		int64_t v;
		size_t e = read_i64(s, n, i + 1, &v);
		if (e && e < n && s[e] == ']' && e + 1 < n && s[e + 1] == ' ' &&
		    v < 100000) {
			*cpu = (int)v;
			return i;
		}
	}
	return 0;
}

/* the part before the CPU field: "COMM TID", "COMM PID/TID" (perf) or
 * "COMM-TID" (trace-cmd); 0 if it is neither */
static int read_task(const char *s, size_t n, enum ht_format f,
		     struct pline *pl)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	size_t k = n;
	while (k && is_dig(s[k - 1]))
		k--;
	if (k == n || n - k > 10)
		return 0;
	read_i64(s, n, k, &pl->tid);
	pl->pid = -1;
	if (f == FMT_TRACE_CMD) {
		if (!k || s[k - 1] != '-')
			return 0;
		k--;
	} else {
		if (k && s[k - 1] == '/') {
			size_t j = k - 1;
			while (j && is_dig(s[j - 1]))
				j--;
			if (j == k - 1)
				return 0;
			read_i64(s, n, j, &pl->pid);
			k = j;
		}
		if (!k || (s[k - 1] != ' ' && s[k - 1] != '\t'))
			return 0;
		while (k && (s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
	}
	size_t b = 0;
	while (b < k && (s[b] == ' ' || s[b] == '\t'))
		b++;
	pl->comm = s + b;
	pl->comm_len = k - b;
	return 1;
}

static int parse_pline(const char *s, size_t n, enum ht_format f,
		       struct pline *pl)
{
	size_t c = find_cpu(s, n, &pl->cpu);
	if (!c || !read_task(s, c, f, pl))
		return 0;
	size_t i = (size_t)(memchr(s + c, ']', n - c) - (const void *)s) + 1;
	while (i < n && s[i] == ' ')
		i++;
	size_t t = perf_read_time(s + i, n - i, 1000000000, &pl->ts);
	if (!t) {
		/* tracefs: an irq/preempt flags column ("d..2.") first */
		while (i < n && s[i] != ' ')
			i++;
		while (i < n && s[i] == ' ')
			i++;
		t = perf_read_time(s + i, n - i, 1000000000, &pl->ts);
		if (!t)
			return 0;
	}
	pl->ts_text = s + i;
	pl->ts_len = t;
	i += t;
	if (i >= n || s[i] != ':')
		return 0;
	i++;
	while (i < n && s[i] == ' ')
		i++;
	size_t e0 = i;
	while (i < n && s[i] != ' ')
		i++;
	if (i == e0 || s[i - 1] != ':')
		return 0;
	size_t e1 = i - 1;           /* the name without its ':' */
	const char *colon = memrchr(s + e0, ':', e1 - e0);
	pl->sys = s + e0;
	pl->sys_len = colon ? (size_t)(colon - (s + e0)) : 0;
	pl->ev = colon ? colon + 1 : s + e0;
	pl->ev_len = (size_t)(s + e1 - pl->ev);
	if (!pl->ev_len)
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	pl->body = s + i;
	pl->body_len = n - i;
	return 1;
}

static int ev_is(const struct pline *pl, const char *name)
{
	size_t l = strlen(name);
	return pl->ev_len == l && memcmp(pl->ev, name, l) == 0;
}

static int ev_starts(const struct pline *pl, const char *pre)
{
	size_t l = strlen(pre);
	return pl->ev_len > l && memcmp(pl->ev, pre, l) == 0;
}

/* "key=VALUE" in a tracepoint body (VALUE up to the next space) */
static int field(const char *s, size_t n, const char *key, const char **v,
		 size_t *vl)
{
	size_t kl = strlen(key);
	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), key,
					     kl)) != NULL; p += kl) {
		if (p != s && p[-1] != ' ')
			continue;
		if ((size_t)(p - s) + kl >= n || p[kl] != '=')
			continue;
		const char *b = p + kl + 1, *e = b;
		while (e < s + n && *e != ' ')
			e++;
		*v = b;
		*vl = (size_t)(e - b);
		return 1;
	}
	return 0;
}

static int field_i64(const char *s, size_t n, const char *key, int64_t *x)
{
	const char *v;
	size_t vl;
	if (!field(s, n, key, &v, &vl))
		return 0;
	int neg = vl && v[0] == '-';
	if (!read_i64(v, vl, (size_t)neg, x))
		return 0;
	if (neg)
		*x = -*x;
	return 1;
}

static uint64_t hex_u64(const char *s, size_t n, size_t *used)
{
	size_t i = 0;
	uint64_t v = 0;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	size_t d = i;
	for (; i < n; i++) {
		char ch = s[i];
		int dv = ch >= '0' && ch <= '9' ? ch - '0' :
			 ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
			 ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
		if (dv < 0 || i - d >= 16)
			break;
		v = v * 16 + (uint64_t)dv;
	}
	*used = i > d ? i : 0;
	return v;
}

/* ---- the reader ------------------------------------------------------------ */

#define NARGS 6
#define PERF_CPUS 512     /* CPUs told apart for losses; more share one */

struct perf {
	struct instream *in;
	struct input_stats *st;
	enum ht_format fmt;
	const char *path;
	struct ptasks tasks;
	struct arena ar;
	struct strbuf line;      /* a line given back (see held) */
	int have_line;
	long line_no;
	struct strbuf text;      /* a call being put together */
	int64_t held;            /* TID whose entry waits for the next line */
	int64_t reemit;          /* TID whose entry event is still to go out */
	int at_eof, finished;
	unsigned seen;
	/* what the capture holds, for the flags and limits */
	long n_enter, n_exit, n_named, n_exits_alone, n_newtask, n_fork,
	     n_exec, n_pexit, n_lost, n_lost_notes, n_other, n_clone_unknown,
	     n_unknown_nr, n_fork_unknown, n_pipes;
	struct perf_counts cnt;
	/* per CPU (the last slot: any other): the last event's time, and
	 * events lost that its next event ends (ftrace) */
	int64_t cpu_last[PERF_CPUS + 1], pend_lost[PERF_CPUS + 1],
		pend_line[PERF_CPUS + 1];
	int has_pidtid, ns_stamps;
};

static const struct sc_info *sc_of(const char *name)
{
	return name ? sc_lookup(name, strlen(name)) : NULL;
}

/* Argument i of a raw call as strace -X raw would print it: a 32-bit
 * value with its top bit set is a negative int (AT_FDCWD, -1), anything
 * else a number; clone's flags as "flags=0x..." for the effect builder. */
static void put_arg(struct strbuf *sb, const struct sc_info *sc, int i,
		    uint64_t v)
{
	if (i)
		sb_add(sb, ", ", 2);
	if (sc && sc->kind == K_CLONE && i == 0) {
		sb_printf(sb, "flags=%#llx", (unsigned long long)v);
		return;
	}
	if (sc && ((sc->kind == K_PIPE && i == 0) ||
		   (sc->kind == K_SOCKETPAIR && i == 3))) {
		sb_puts(sb, "[?, ?]");   /* the fds went to memory */
		return;
	}
	if (v >= 0x80000000ull && v <= 0xffffffffull)
		sb_printf(sb, "%d", (int)(int32_t)(uint32_t)v);
	else if (v >= 0xffffffff80000000ull)
		sb_printf(sb, "%lld", (long long)(int64_t)v);
	else if (v > 0xffffffull)
		sb_printf(sb, "%#llx", (unsigned long long)v);
	else
		sb_printf(sb, "%llu", (unsigned long long)v);
}

/* " = RET" (" = -1 ENAME (errno N)" for -4095..-1) after the ')' */
static void put_result(struct strbuf *sb, int64_t r)
{
	if (r < 0 && r >= -4095) {
		const char *en = errno_name(-r);
		if (en)
			sb_printf(sb, ") = -1 %s (errno %lld)", en,
				  (long long)-r);
		else
			sb_printf(sb, ") = -1 E%lld (unknown errno)",
				  (long long)-r);
	} else {
		sb_printf(sb, ") = %lld", (long long)r);
	}
}

static void note_name(struct ptask *t, long nr, const char *name)
{
	if (name)
		snprintf(t->name, sizeof t->name, "%s", name);
	else
		snprintf(t->name, sizeof t->name, "syscall_%ld", nr);
}

static void set_time_text(struct ptask *t, const char *s, size_t n)
{
	if (n >= sizeof t->time_text)
		n = sizeof t->time_text - 1;
	memcpy(t->time_text, s, n);
	t->time_text[n] = '\0';
}

/* The sys_enter of tid: its arguments become the pending call's text. */
static void enter_call(struct perf *p, struct ptask *t, long nr,
		       const char *name, const uint64_t *a, int na,
		       const struct pline *pl)
{
	const struct sc_info *sc = sc_of(name);
	note_name(t, nr, name);
	if (!name)
		p->n_unknown_nr++;     /* a number (raw_syscalls) */
	else if (sc_always_made(sc))
		p->cnt.basic = 1;
	if (sc && sc->kind == K_CLONE && strcmp(t->name, "clone3") == 0)
		sc = NULL;        /* flags in memory: task_newtask tells */
	t->sc = sc;
	/* raw_syscalls prints six values whatever the call takes: only
	 * the ones it takes are shown (all six when not known) */
	const char *names = name ? perf_args_of(name) : NULL;
	if (names) {
		int take = *names ? 1 : 0;
		for (const char *q = names; *q; q++)
			take += *q == ' ';
		if (take < na)
			na = take;
	}
	sb_reset(&p->text);
	for (int i = 0; i < na; i++)
		put_arg(&p->text, sc, i, a[i]);
	ptask_set_text(t, p->text.s, p->text.len);
	t->args_len = p->text.len;
	t->pending = 1;
	t->entry_out = 0;
	t->exit_only = 0;
	t->line = p->line_no;
	t->cpu = pl->cpu;
	t->ts = pl->ts;
	set_time_text(t, pl->ts_text, pl->ts_len);
}

static const char *intern_arena(struct perf *p, const char *s)
{
	const char *r = arena_put(&p->ar, s, strlen(s));
	return r ? r : "";
}


/* A call event of task t (entry, exit or whole), from t's text. */
static int call_event(struct perf *p, struct ptask *t, enum ev_phase ph,
		      long end_line, const struct pline *pl,
		      struct ht_event *ev)
{
	int64_t tid = t->tid == INT64_MIN ? 0 : t->tid;
	arena_reset(&p->ar, t->text_len * 3 + 1024);
	perf_ev_init(ev, EV_CALL, ph, p->path, t->line, tid, t->cpu, t->ts);
	ev->time_text = intern_arena(p, t->time_text);
	ev->call = t->sc ? t->sc->name : intern_arena(p, t->name);
	ev->end_line = ph == PH_EXIT ? end_line : 0;
	if (pl && pl->comm_len)
		ev->thread_name = arena_put(&p->ar, pl->comm, pl->comm_len);
	sb_reset(&p->text);
	sb_puts(&p->text, t->name);
	sb_putc(&p->text, '(');
	size_t a0 = p->text.len;
	sb_add(&p->text, t->text, t->text_len);
	if (ph == PH_ENTRY)
		sb_puts(&p->text, " <unfinished ...>");
	const char *raw = arena_put(&p->ar, p->text.s, p->text.len);
	ev->raw = raw ? raw : "";
	enum fx_mode mode = ph == PH_ENTRY ? FXM_ENTRY :
			    ph == PH_EXIT ? FXM_EXIT : FXM_FULL;
	size_t n = ph == PH_ENTRY ? t->args_len : t->text_len;
	if (perf_call_effects(t->sc, p->text.s + a0, n, mode,
			      ph == PH_EXIT ? t->args_len : 0, ev, &p->ar,
			      &p->seen) < 0) {
		input_stats_skip(p->st, t->line, "could not read back the "
				 "call built from this line");
		return 0;
	}
	int unseen = 0;
	if (t->sc && (t->sc->kind == K_PIPE || t->sc->kind == K_SOCKETPAIR) &&
	    ph != PH_ENTRY && ev->has_ret && !ev->failed) {
		unseen = 2;   /* the two fds are in memory, not recorded */
		p->n_pipes++;
	}
	if (t->sc && t->sc->kind == K_RECVMSG && ph != PH_ENTRY &&
	    ev->has_ret && !ev->failed)
		p->n_pipes++;
	if (!p->cnt.basic || p->n_lost_notes)
		unseen = FDSEEN_ANY;   /* creating calls may be missing */
	perf_drop_told_spawns(&p->tasks, ev);
	perf_exec_fx(t, ev, &p->ar);
	if (fdseen_event(&p->tasks, t, ev, unseen, p->n_clone_unknown > 0) &&
	    ph == PH_ENTRY) {
		fdseen_outside_only(ev);
		p->reemit = t->tid;    /* the entry follows */
		return 1;
	}
	perf_count_fx(ev, &p->cnt);
	return 1;
}

/* The exit of t's call: "= ret" appended to its text. */
static int exit_call(struct perf *p, struct ptask *t, int64_t ret,
		     const struct pline *pl, struct ht_event *ev)
{
	sb_reset(&p->text);
	sb_add(&p->text, t->text, t->args_len);
	put_result(&p->text, ret);
	ptask_set_text(t, p->text.s, p->text.len);
	t->pending = 0;
	enum ev_phase ph = t->entry_out ? PH_EXIT : PH_FULL;
	if (ph == PH_FULL)
		t->cpu = pl->cpu;   /* one line apart: the CPU of the call */
	return call_event(p, t, ph, p->line_no, pl, ev);
}

/* A clone whose flags task_newtask told: they go into the text. */
static void clone_from_newtask(struct perf *p, struct ptask *t, int64_t ret)
{
	if (ret <= 0 || strcmp(t->name, "clone3") != 0)
		return;
	struct ptask *c = ptask_find(&p->tasks, ret);
	if (!c || c->newtask_flags < 0) {
		p->n_clone_unknown++;
		return;
	}
	t->sc = sc_of("clone3");
	sb_reset(&p->text);
	sb_printf(&p->text, "{flags=%#llx}, %s",
		  (unsigned long long)c->newtask_flags,
		  t->args_len && memchr(t->text, ',', t->args_len) ?
		  (const char *)memchr(t->text, ',', t->args_len) + 2 : "0");
	ptask_set_text(t, p->text.s, p->text.len);
	t->args_len = p->text.len;
}

/* "NR 257 (ffffff9c, 7f.., 80000, 0, 0, 0)" / "NR 257 = 3" */
static int raw_nr(const char *s, size_t n, long *nr, size_t *end)
{
	if (n < 4 || memcmp(s, "NR ", 3) != 0)
		return 0;
	int neg = s[3] == '-';
	int64_t v;
	size_t e = read_i64(s, n, 3 + (size_t)neg, &v);
	if (!e)
		return 0;
	*nr = neg ? -(long)v : (long)v;
	*end = e;
	return 1;
}

static int raw_args(const char *s, size_t n, uint64_t *a, int *na)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || s[i] != '(')
		return 0;
	i++;
	*na = 0;
	while (i < n && s[i] != ')' && *na < NARGS) {
		while (i < n && s[i] == ' ')
			i++;
		size_t used;
		uint64_t v = hex_u64(s + i, n - i, &used);
		if (!used)
			return 0;
		a[(*na)++] = v;
		i += used;
		while (i < n && s[i] == ' ')
			i++;
		if (i < n && s[i] == ',')
			i++;
	}
	return i < n && s[i] == ')';
}

/* syscalls:sys_enter_NAME body: "fd: 0x00000003, buf: 0x7f.., ..." */
static int named_args(const char *s, size_t n, uint64_t *a, int *na)
{
	*na = 0;
	size_t i = 0;
	while (i < n && *na < NARGS) {
		const char *c = memchr(s + i, ':', n - i);
		if (!c)
			break;
		i = (size_t)(c - s) + 1;
		while (i < n && s[i] == ' ')
			i++;
		size_t used;
		uint64_t v = hex_u64(s + i, n - i, &used);
		if (!used)
			return 0;
		a[(*na)++] = v;
		i += used;
	}
	return 1;
}

static int64_t ret_of(const char *s, size_t n, int *ok)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i + 1 < n && s[i] == '0' && s[i + 1] == 'x') {
		size_t used;
		uint64_t v = hex_u64(s + i, n - i, &used);
		*ok = used != 0;
		return (int64_t)v;
	}
	int neg = i < n && s[i] == '-';
	int64_t v;
	*ok = read_i64(s, n, i + (size_t)neg, &v) != 0;
	return neg ? -v : v;
}

/* ---- events of the sched and task systems --------------------------------- */

static int ptask_spawn_pending(const struct ptask *t)
{
	return t->pending && ((t->sc && (t->sc->kind == K_CLONE ||
					 t->sc->kind == K_FORK)) ||
			      strcmp(t->name, "clone3") == 0);
}

int perf_fork_tellable(struct ptasks *ts, int64_t parent, int64_t child,
		       long *unknown)
{
	if (ptask_spawn_pending(ptask_get(ts, parent)))
		return 0;          /* the clone's exit tells */
	struct ptask *c = ptask_find(ts, child);
	if (!c || c->newtask_flags < 0) {
		(*unknown)++;
		return 0;
	}
	return 1;
}

/* A task event of tid from tracepoint line pl: where, when, its text. */
static void tp_event(struct perf *p, const struct pline *pl,
		     enum ev_type type, int64_t tid, struct ht_event *ev)
{
	arena_reset(&p->ar, pl->body_len + 256);
	perf_ev_init(ev, type, PH_FULL, p->path, p->line_no, tid, pl->cpu,
		     pl->ts);
	ev->time_text = arena_put(&p->ar, pl->ts_text, pl->ts_len);
	ev->raw = arena_put(&p->ar, pl->ev, (size_t)(pl->body + pl->body_len -
						   pl->ev));
	if (!ev->time_text)
		ev->time_text = "";
	if (!ev->raw)
		ev->raw = "";
}

/* sched_process_fork: "comm=a pid=PARENT child_comm=b child_pid=CHILD".
 * Where the call that made the child is not recorded (a subset of
 * syscalls, a lost entry), this is what tells the model of the child: a
 * spawn with the sharing task_newtask gave (CLONE_FILES, CLONE_THREAD);
 * without it the sharing is unknown and the model infers it as for a
 * capture without clone lines. */
static int fork_event(struct perf *p, const struct pline *pl,
		      struct ht_event *ev)
{
	int64_t parent, child;
	p->n_fork++;
	if (!field_i64(pl->body, pl->body_len, "pid", &parent) ||
	    !field_i64(pl->body, pl->body_len, "child_pid", &child) ||
	    parent <= 0 || child <= 0) {
		input_stats_skip(p->st, p->line_no, "sched_process_fork: a "
				 "field is missing or not a number");
		return 0;
	}
	if (!perf_fork_tellable(&p->tasks, parent, child, &p->n_fork_unknown))
		return 0;
	tp_event(p, pl, EV_TASK_INFO, parent, ev);
	perf_fork_spawn(&p->tasks, ptask_find(&p->tasks, parent), child, ev);
	return 1;
}

static int task_event(struct perf *p, const struct pline *pl,
		      struct ht_event *ev)
{
	const char *b = pl->body;
	size_t bn = pl->body_len;
	int64_t v, w;
	if (ev_is(pl, "task_newtask")) {
		const char *f;
		size_t fl, used;
		if (!field_i64(b, bn, "pid", &v) ||
		    !field(b, bn, "clone_flags", &f, &fl))
			goto bad;
		uint64_t flags = hex_u64(f, fl, &used);
		if (!used)
			goto bad;
		struct ptask *c = ptask_get(&p->tasks, v);
		c->newtask_flags = (int64_t)flags;
		p->n_newtask++;
		return 0;
	}
	if (ev_is(pl, "sched_process_fork"))
		return fork_event(p, pl, ev);
	if (ev_is(pl, "sched_process_exit")) {
		if (!field_i64(b, bn, "pid", &v))
			goto bad;
		p->n_pexit++;
		tp_event(p, pl, EV_TASK_EXIT, v, ev);
		ev->call = "sched_process_exit";
		struct ptask *t = ptask_find(&p->tasks, v);
		if (t)
			t->pending = 0;
		return 1;
	}
	if (ev_is(pl, "sched_process_exec")) {
		const char *f = NULL;
		size_t fl = 0;
		p->n_exec++;
		if (!field_i64(b, bn, "pid", &v) ||
		    !field_i64(b, bn, "old_pid", &w))
			goto bad;
		field(b, bn, "filename", &f, &fl);   /* else unnamed */
		tp_event(p, pl, EV_TASK_INFO, v, ev);
		return perf_exec_event(&p->tasks, v, w, f, fl, ev, &p->ar);
	}
	p->n_other++;
	return 0;
bad:
	input_stats_skip(p->st, p->line_no, "%.*s: a field is missing or "
			 "not a number", (int)pl->ev_len, pl->ev);
	return 0;
}

/* ---- syscalls ---------------------------------------------------------------- */

/* sys_enter / sys_enter_NAME.  Returns 1 with ev filled for a call that
 * never returns (exit, exit_group), else 0. */
static int sys_enter(struct perf *p, const struct pline *pl, int named,
		     struct ht_event *ev)
{
	long nr = -1;
	const char *name;
	uint64_t a[NARGS];
	int na = 0;
	size_t e;
	if (named) {
		char nm[32];
		if (!tracepoint_syscall(pl->ev + 10, pl->ev_len - 10, nm,
					sizeof nm) ||     /* "sys_enter_" */
		    !named_args(pl->body, pl->body_len, a, &na))
			goto bad;
		p->n_named++;
		p->cnt.named = 1;
		struct ptask *t = ptask_get(&p->tasks, pl->tid);
		enter_call(p, t, -1, nm, a, na, pl);
		t->pid = pl->pid >= 0 ? pl->pid : t->pid;
		p->held = t->tid;
		goto noreturn;
	}
	if (!raw_nr(pl->body, pl->body_len, &nr, &e) ||
	    !raw_args(pl->body + e, pl->body_len - e, a, &na))
		goto bad;
	name = sysnum_name(nr);
	p->n_enter++;
	struct ptask *t = ptask_get(&p->tasks, pl->tid);
	if (pl->pid >= 0)
		t->pid = pl->pid;
	enter_call(p, t, nr, name, a, na, pl);
	p->held = t->tid;
noreturn:
	t = ptask_find(&p->tasks, p->held);
	if (t && t->sc && (t->sc->kind == K_EXIT_GROUP ||
			   strcmp(t->name, "exit") == 0)) {
		/* no exit line will come: strace prints "= ?" */
		p->held = 0;
		sb_reset(&p->text);
		sb_add(&p->text, t->text, t->args_len);
		sb_puts(&p->text, ") = ?");
		ptask_set_text(t, p->text.s, p->text.len);
		t->pending = 0;
		return call_event(p, t, PH_FULL, 0, pl, ev);
	}
	return 0;
bad:
	input_stats_skip(p->st, p->line_no, "%.*s: no syscall number and "
			 "arguments", (int)pl->ev_len, pl->ev);
	return 0;
}

static int sys_exit(struct perf *p, const struct pline *pl, int named,
		    struct ht_event *ev)
{
	long nr = -1;
	size_t e = 0;
	int ok;
	char nm[32];
	const char *name;
	if (named) {
		if (!tracepoint_syscall(pl->ev + 9, pl->ev_len - 9, nm,
					sizeof nm))       /* "sys_exit_" */
			goto bad;
		name = nm;
	} else {
		if (!raw_nr(pl->body, pl->body_len, &nr, &e))
			goto bad;
		while (e < pl->body_len && pl->body[e] == ' ')
			e++;
		if (e >= pl->body_len || pl->body[e] != '=')
			goto bad;
		e++;
		name = sysnum_name(nr);
		p->n_exit++;
	}
	int64_t ret = ret_of(pl->body + e, pl->body_len - e, &ok);
	if (!ok)
		goto bad;
	struct ptask *t = ptask_get(&p->tasks, pl->tid);
	if (pl->pid >= 0)
		t->pid = pl->pid;
	char want[32];
	if (name)
		snprintf(want, sizeof want, "%s", name);
	else
		snprintf(want, sizeof want, "syscall_%ld", nr);
	if (!t->pending || strcmp(t->name, want) != 0) {
		/* the entry is not in the capture (recording began inside
		 * the call, or it was lost): what the result alone says */
		const struct sc_info *sc = sc_of(name);
		if (sc && (sc->kind == K_CLONE || sc->kind == K_FORK) &&
		    ret == 0)
			return 0;   /* the child's side: strace shows none */
		if (!sc || sc->kind != K_EXEC)   /* perf record's exec */
			p->n_exits_alone++;
		note_name(t, nr, name);
		t->sc = sc && sc->kind == K_CLONE ? NULL : sc;
		ptask_set_text(t, "", 0);
		t->args_len = 0;
		t->entry_out = 0;
		t->line = p->line_no;
		t->cpu = pl->cpu;
		t->ts = pl->ts;
		set_time_text(t, pl->ts_text, pl->ts_len);
	}
	if (t->sc && t->sc->kind == K_CLONE)
		clone_from_newtask(p, t, ret);
	else if (!t->sc && strcmp(t->name, "clone3") == 0)
		clone_from_newtask(p, t, ret);
	return exit_call(p, t, ret, pl, ev);
bad:
	input_stats_skip(p->st, p->line_no, "%.*s: no syscall number and "
			 "return value", (int)pl->ev_len, pl->ev);
	return 0;
}

/* ---- events lost ---------------------------------------------------------- */

/* The last event's time on cpu (or on any CPU, for cpu -1 and CPUs past
 * the table). */
static int64_t *cpu_slot(struct perf *p, int cpu, int64_t *slots)
{
	return cpu >= 0 && cpu < PERF_CPUS ? &slots[cpu] : &slots[PERF_CPUS];
}

/* v events (0: a number not given) lost on cpu; at is the time the
 * tracer said so (perf), or TS_NONE when the loss ends at that CPU's
 * next event (ftrace prints it on the line before). */
static void lost_events(struct perf *p, int cpu, int64_t v, int64_t at)
{
	p->n_lost += v > 0 ? v : 0;
	p->n_lost_notes++;
	if (!p->st)
		return;      /* sniffing */
	int64_t from = *cpu_slot(p, cpu, p->cpu_last);
	if (at != TS_NONE) {
		input_stats_gap(p->st, cpu, from, at, (long)v, p->line_no);
		return;
	}
	*cpu_slot(p, cpu, p->pend_lost) += v > 0 ? v : 0;
	if (!*cpu_slot(p, cpu, p->pend_line))
		*cpu_slot(p, cpu, p->pend_line) = p->line_no;
}

/* an event at ts on cpu: ends a loss said before it */
static void cpu_event(struct perf *p, int cpu, int64_t ts)
{
	int64_t *line = cpu_slot(p, cpu, p->pend_line);
	if (*line) {
		input_stats_gap(p->st, cpu, *cpu_slot(p, cpu, p->cpu_last), ts,
				(long)*cpu_slot(p, cpu, p->pend_lost),
				(long)*line);
		*line = 0;
		*cpu_slot(p, cpu, p->pend_lost) = 0;
	}
	*cpu_slot(p, cpu, p->cpu_last) = ts;
}

/* "CPU:3 [LOST 12 EVENTS]" (tracefs), "CPU:3 [12 EVENTS DROPPED]" and
 * "CPU:3 [EVENTS DROPPED]" (trace-cmd report): the CPU, the number (0
 * when not given); 0 if s is no such line */
static int ftrace_lost(const char *s, size_t n, int *cpu, int64_t *v)
{
	int64_t c;
	size_t e;
	if (n < 10 || memcmp(s, "CPU:", 4) != 0 ||
	    !(e = read_i64(s, n, 4, &c)) || e + 2 >= n || s[e] != ' ' ||
	    s[e + 1] != '[' || c >= 100000)
		return 0;
	const char *b = s + e + 2;
	size_t bn = n - e - 2;
	*cpu = (int)c;
	*v = 0;
	if (bn >= 5 && memcmp(b, "LOST ", 5) == 0)
		return read_i64(b, bn, 5, v) && memmem(b, bn, " EVENTS]", 8);
	if (memmem(b, bn, "EVENTS DROPPED]", 15)) {
		read_i64(b, bn, 0, v);
		return 1;
	}
	return 0;
}

/* A note of events lost: perf script --show-lost-events' "COMM TID [CPU]
 * TIME: PERF_RECORD_LOST lost N" (said after the loss, at TIME), or
 * ftrace's line before the CPU's next event. */
static int lost_line(struct perf *p, const char *s, size_t n, size_t i)
{
	int cpu = -1;
	int64_t v, at = TS_NONE;
	const char *pl = memmem(s, n, "PERF_RECORD_LOST lost ", 22);
	if (pl) {
		if (!read_i64(s, n, (size_t)(pl - s) + 22, &v))
			return 0;
		size_t c = find_cpu(s, (size_t)(pl - s), &cpu);
		if (c) {
			size_t t = c;
			while (t < n && s[t] != ']')
				t++;
			while (++t < n && s[t] == ' ')
				;
			if (!perf_read_time(s + t, n - t, 1000000000, &at))
				at = TS_NONE;
		} else {
			cpu = -1;
		}
		if (at == TS_NONE)
			at = *cpu_slot(p, cpu, p->cpu_last);
		lost_events(p, cpu, v, at);
		return 1;
	}
	if (ftrace_lost(s + i, n - i, &cpu, &v)) {
		lost_events(p, cpu, v, TS_NONE);
		return 1;
	}
	const char *lost = memmem(s, n, "LOST ", 5);
	if (lost && (lost == s + i || lost[-1] == '[' || lost[-1] == ' ') &&
	    read_i64(s, n, (size_t)(lost - s) + 5, &v)) {
		lost_events(p, -1, v, TS_NONE);
		return 1;
	}
	return 0;
}

/* ---- lines ------------------------------------------------------------------- */

/* Lines that are no event: headers, comments, lost-event notes. */
static int neutral_line(struct perf *p, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	if (i == n || s[i] == '#')
		return 1;
	if ((n - i >= 5 && memcmp(s + i, "cpus=", 5) == 0) ||
	    (n - i >= 8 && memcmp(s + i, "version ", 8) == 0))
		return 1;
	if (lost_line(p, s, n, i))
		return 1;
	if (n - i >= 4 && memcmp(s + i, "CPU ", 4) == 0 &&
	    memmem(s, n, " is empty", 9))
		return 1;
	return 0;
}

static int next_line(struct perf *p, const char **s, size_t *n,
		     struct ht_error *err)
{
	if (p->have_line) {
		p->have_line = 0;
		*s = p->line.s;
		*n = p->line.len;
		return 1;
	}
	int r = instream_getline(p->in, s, n, err);
	if (r == 1) {
		p->line_no = instream_lineno(p->in);
		p->st->lines++;
		while (*n && (*s)[*n - 1] == '\r')
			(*n)--;
	}
	return r;
}

static void give_back(struct perf *p, const char *s, size_t n)
{
	if (s != p->line.s) {
		sb_reset(&p->line);
		sb_add(&p->line, s, n);
	}
	p->have_line = 1;
}

/* The held entry's task had no exit on the very next line: its entry
 * event goes out now. */
static int flush_held(struct perf *p, struct ht_event *ev)
{
	struct ptask *t = ptask_find(&p->tasks, p->held);
	p->held = 0;
	if (!t || !t->pending)
		return 0;
	t->entry_out = 1;
	return call_event(p, t, PH_ENTRY, 0, NULL, ev);
}

static int is_exit_of(const struct pline *pl, int64_t held)
{
	int64_t tid = pl->tid == 0 ? INT64_MIN : pl->tid;
	return tid == held && (ev_is(pl, "sys_exit") ||
			       ev_starts(pl, "sys_exit_"));
}

static void finish(struct perf *p);

int perf_next(void *vp, struct ht_event *ev, struct ht_error *err)
{
	struct perf *p = vp;
	if (p->reemit) {
		struct ptask *t = ptask_find(&p->tasks, p->reemit);
		p->reemit = 0;
		if (t && t->pending && call_event(p, t, PH_ENTRY, 0, NULL, ev))
			goto out;
	}
	for (;;) {
		const char *s;
		size_t n;
		int r = p->at_eof ? 0 : next_line(p, &s, &n, err);
		if (r < 0)
			return -1;
		if (r == 0) {
			p->at_eof = 1;
			if (p->held && flush_held(p, ev))
				return 1;
			finish(p);
			return 0;
		}
		if (neutral_line(p, s, n))
			continue;
		struct pline pl;
		if (!parse_pline(s, n, p->fmt, &pl)) {
			input_stats_skip(p->st, p->line_no, "not a %s event "
					 "line", format_name(p->fmt));
			continue;
		}
		if (pl.pid >= 0)
			p->has_pidtid = 1;
		cpu_event(p, pl.cpu, pl.ts);
		if (p->held && !is_exit_of(&pl, p->held)) {
			give_back(p, s, n);
			if (flush_held(p, ev))
				goto out;
			continue;
		}
		p->held = 0;
		int got = 0;
		if (ev_is(&pl, "sys_enter"))
			got = sys_enter(p, &pl, 0, ev);
		else if (ev_starts(&pl, "sys_enter_"))
			got = sys_enter(p, &pl, 1, ev);
		else if (ev_is(&pl, "sys_exit"))
			got = sys_exit(p, &pl, 0, ev);
		else if (ev_starts(&pl, "sys_exit_"))
			got = sys_exit(p, &pl, 1, ev);
		else
			got = task_event(p, &pl, ev);
		if (got)
			goto out;
	}
out:
	p->st->events++;
	if (ev->ts != TS_NONE)
		p->st->clock = TSC_RELATIVE;   /* seconds since boot */
	if (p->st->ts_first == TS_NONE || ev->ts < p->st->ts_first)
		p->st->ts_first = ev->ts;
	if (p->st->ts_last == TS_NONE || ev->ts > p->st->ts_last)
		p->st->ts_last = ev->ts;
	return 1;
}

static void add_flag(char *buf, size_t cap, const char *f)
{
	size_t l = strlen(buf);
	snprintf(buf + l, cap - l, "%s%s", l ? " " : "", f);
}

static void finish(struct perf *p)
{
	if (p->finished)
		return;
	p->finished = 1;
	struct input_stats *st = p->st;
	char *fl = st->flags;
	size_t cap = sizeof st->flags;
	char msg[200];
	fl[0] = '\0';
	if (p->n_enter || p->n_exit)
		add_flag(fl, cap, "raw_syscalls");
	if (p->n_named)
		add_flag(fl, cap, "syscalls:sys_enter_*");
	if (p->n_newtask)
		add_flag(fl, cap, "task_newtask");
	if (p->n_fork)
		add_flag(fl, cap, "sched_process_fork");
	if (p->n_exec)
		add_flag(fl, cap, "sched_process_exec");
	if (p->n_pexit)
		add_flag(fl, cap, "sched_process_exit");
	if (p->has_pidtid)
		add_flag(fl, cap, "pid/tid");
	/* (the limits share 512 bytes: each one short, the gravest first) */
	for (int c = 0; c <= PERF_CPUS; c++)
		if (p->pend_line[c])     /* a loss the trace ends in */
			input_stats_gap(st, c < PERF_CPUS ? c : -1,
					p->cpu_last[c], TS_NONE,
					(long)p->pend_lost[c],
					(long)p->pend_line[c]);
	if (p->n_lost_notes) {
		if (p->n_lost)
			snprintf(msg, sizeof msg, "%ld events LOST (said "
				 "%ld time%s): calls are missing", p->n_lost,
				 p->n_lost_notes, p->n_lost_notes == 1 ?
				 "" : "s");
		else
			snprintf(msg, sizeof msg, "events LOST (said %ld "
				 "time%s, how many not): calls are missing",
				 p->n_lost_notes, p->n_lost_notes == 1 ?
				 "" : "s");
		snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "; a "
			 "finding whose evidence spans a loss is only a note "
			 "(perf record -m, trace-cmd -b: larger buffers)");
		input_stats_limit(st, msg);
	}
	if (p->n_exits_alone) {
		snprintf(msg, sizeof msg, "%ld exits without their entry: "
			 "recording began mid-call, or events were lost",
			 p->n_exits_alone);
		input_stats_limit(st, msg);
	}
	if (p->n_fork_unknown) {
		snprintf(msg, sizeof msg, "%ld sched_process_fork without "
			 "their clone call or task:task_newtask: fd table "
			 "sharing inferred", p->n_fork_unknown);
		input_stats_limit(st, msg);
	}
	if (p->n_clone_unknown) {
		snprintf(msg, sizeof msg, "%ld clone3 without "
			 "task:task_newtask: fd table sharing unknown",
			 p->n_clone_unknown);
		input_stats_limit(st, msg);
	}
	perf_whole_limits(st, &p->cnt);
	if (p->cnt.calls)
		input_stats_limit(st, "raw arguments, no paths or sockets: "
				  "reuse by another object is told by call "
				  "order only");
	if (p->n_pipes)
		input_stats_limit(st, "fds written to memory (pipe, "
				  "socketpair, SCM_RIGHTS) unseen until used");
	if (p->cnt.calls && !p->n_pexit)
		input_stats_limit(st, "no sched_process_exit: thread ends "
				  "only from exit/exit_group");
	if (p->n_unknown_nr) {
		snprintf(msg, sizeof msg, "%ld syscall numbers not in the "
			 "x86_64 table", p->n_unknown_nr);
		input_stats_limit(st, msg);
	}
	if (p->n_enter || p->n_exit)
		input_stats_limit(st, "syscall numbers read as x86_64");
}

void *perf_open(struct instream *in, enum ht_format f,
		const struct parser_options *o, struct input_stats *st,
		struct ht_error *err)
{
	(void)o;
	(void)err;
	struct perf *p = xcalloc(1, sizeof *p);
	p->in = in;
	p->st = st;
	p->fmt = f;
	p->path = instream_path(in);
	st->ts_first = st->ts_last = TS_NONE;
	for (int c = 0; c <= PERF_CPUS; c++)
		p->cpu_last[c] = TS_NONE;
	sb_init(&p->line);
	sb_init(&p->text);
	return p;
}

void perf_close(void *vp)
{
	struct perf *p = vp;
	if (!p)
		return;
	instream_close(p->in);
	ptasks_free(&p->tasks);
	sb_free(&p->line);
	sb_free(&p->text);
	free(p->ar.p);
	free(p);
}

/* ---- sniffing ----------------------------------------------------------------- */

int perf_sniff(const char *buf, size_t n)
{
	int perf = 0, tcmd = 0, ptrace = 0, other = 0, summary = 0;
	size_t i = 0;
	struct perf dummy;
	memset(&dummy, 0, sizeof dummy);
	for (int lines = 0; i < n && lines < 40; lines++) {
		const char *e = memchr(buf + i, '\n', n - i);
		if (!e)
			break;   /* a cut line says nothing */
		size_t len = (size_t)(e - (buf + i));
		const char *s = buf + i;
		i += len + 1;
		if (memmem(s, len, "Summary of events:", 18))
			summary = 1;   /* perf trace -s: maybe no events */
		if (neutral_line(&dummy, s, len))
			continue;
		struct pline pl;
		if (parse_pline(s, len, FMT_PERF_SCRIPT, &pl) && pl.sys_len)
			perf++;
		else if (parse_pline(s, len, FMT_TRACE_CMD, &pl))
			tcmd++;
		else if (perf_trace_sniff_line(s, len))
			ptrace++;
		else
			other++;
	}
	if (perf && perf >= 2 * (tcmd + ptrace + other))
		return FMT_PERF_SCRIPT;
	if (tcmd && tcmd >= 2 * (perf + ptrace + other))
		return FMT_TRACE_CMD;
	if ((ptrace && ptrace >= 2 * (perf + tcmd + other)) ||
	    (summary && !perf && !tcmd))
		return FMT_PERF_TRACE;
	return FMT_AUTO;
}
