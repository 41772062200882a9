/* timeline/detect.c - findings: the story of each (chain steps in story
 * order, headline, evidence, fingerprint), unexplained failures, and the
 * generations shown beside them. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define TL_MAX_FINDINGS 100000

static void ginfo_hold(struct timeline *tl, struct cand *c, int k,
		       struct table *t, struct numstate *ns, int id);
static void ginfo_unhold(struct timeline *tl, struct cand *c, int firm);

static const struct {
	const char *name;
	enum severity sev;
	const char *family;
} kinds[] = {
#define X(id, name, sev, family) { name, sev, family },
	FINDING_KINDS(X)
#undef X
};

const char *severity_name(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

const char *finding_kind_name(enum finding_kind k)
{
	return (unsigned)k < FK__COUNT ? kinds[k].name : "?";
}

enum severity finding_kind_severity(enum finding_kind k)
{
	return (unsigned)k < FK__COUNT ? kinds[k].sev : SEV_NOTE;
}

const char *fstr(struct timeline *tl, const char *s)
{
	return s ? strpool_intern(tl->fpool, s, strlen(s)) : NULL;
}

const char *fstrf(struct timeline *tl, const char *fmt, ...)
{
	va_list ap;
	sb_reset(&tl->sb);
	char buf[256];
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof buf)
		return strpool_intern(tl->fpool, buf, (size_t)n);
	char *big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	const char *r = strpool_intern(tl->fpool, big, (size_t)n);
	free(big);
	return r;
}

/* "fd 8" for strace, "handle 0x1A4" for ETW (Windows shows handles in
 * hex). */
const char *hname(struct timeline *tl, const struct source_traits *tr,
		  int64_t h)
{
	if (tr->handle_hex)
		return fstrf(tl, "%s 0x%" PRIX64, tr->noun, (uint64_t)h);
	return fstrf(tl, "%s %" PRId64, tr->noun, h);
}

static void names_of(const struct timeline *tl, long info, const char **thread,
		     const char **program)
{
	const struct task_info *ti = info >= 0 && (size_t)info < tl->ntinfo
				     ? &tl->tinfo[info] : NULL;
	*thread = ti ? ti->name : NULL;
	*program = ti ? ti->program : NULL;
}

void task_label(struct strbuf *sb, const char *noun, const char *name,
		int64_t id)
{
	if (name && *name)
		sb_printf(sb, "%s (%" PRId64 ")", name, id);
	else
		sb_printf(sb, "%s %" PRId64, noun, id);
}

/* The task an event was made by (the copy knows it), else the one alive
 * under that id now. */
static const struct task_info *info_of(struct timeline *tl, int64_t tid,
				       const struct evcopy *e)
{
	if (e && e->valid && e->tid == tid && e->info >= 0 &&
	    (size_t)e->info < tl->ntinfo)
		return &tl->tinfo[e->info];
	const struct task *t = tid >= 0 ? imap_get(&tl->tasks, tid) : NULL;
	return t ? &tl->tinfo[t->info] : NULL;
}

/* the name a message gives thread tid now (pooled), or NULL */
static const char *who_name(struct timeline *tl, int64_t tid,
			    const struct evcopy *e)
{
	const struct task_info *ti = info_of(tl, tid, e);
	return ti ? (ti->name ? ti->name : ti->program) : NULL;
}

/* "server (17208)", "thread 17208": a thread as a message tells it */
static const char *who_label(struct timeline *tl, const char *name,
			     int64_t tid)
{
	struct strbuf sb;
	sb_init(&sb);
	task_label(&sb, "thread", name, tid);
	const char *r = fstr(tl, sb.s);
	sb_free(&sb);
	return r;
}

const char *tl_who(struct timeline *tl, int64_t tid,
		   const struct evcopy *e)
{
	return who_label(tl, who_name(tl, tid, e), tid);
}

/* "kb-socket (17247)", "process 17247" */
static const char *who_proc(struct timeline *tl, const struct evcopy *e)
{
	const struct task_info *ti = info_of(tl, e->tid, e);
	struct strbuf sb;
	sb_init(&sb);
	task_label(&sb, "process", ti && ti->pid == e->pid ? ti->program
							   : NULL, e->pid);
	const char *r = fstr(tl, sb.s);
	sb_free(&sb);
	return r;
}

static void finding_bug(struct finding *f);

/* The names of every finding's threads, as they stand at the end (a
 * thread may name itself after its first calls), and its bug. */
void findings_names(struct timeline *tl)
{
	for (size_t i = 0; i < tl->nfind; i++) {
		struct finding *f = &tl->findings[i];
		names_of(tl, f->task, &f->thread_name, &f->process_name);
		for (int k = 0; k < f->nchain; k++)
			names_of(tl, f->chain[k].task, &f->chain[k].thread_name,
				 &f->chain[k].process_name);
		finding_bug(f);
	}
	for (size_t i = 0; i < tl->nunexpl; i++)
		names_of(tl, tl->unexpl[i].task, &tl->unexpl[i].thread_name,
			 &tl->unexpl[i].process_name);
}

/* An event built without traits (by hand, in tests) reads as Linux. */
const struct source_traits *traits_of_event(const struct ht_event *ev)
{
	return ev->traits ? ev->traits : &traits_strace;
}

static const char *obj_of(const struct evcopy *e)
{
	return e && e->valid && e->has_object ? e->object.s : NULL;
}

static const char *gen_obj(const struct gen *g)
{
	return g && g->has_object ? g->object.s : NULL;
}

/* "line 71", or "other.txt:71" when the step is in another file */
static const char *where(struct timeline *tl, const struct evcopy *e,
			 const struct evcopy *off)
{
	if (!e || !e->valid)
		return "an earlier event";
	if (e->event > 0)
		return fstrf(tl, "event %ld", e->event);
	if (off && e->file == off->file)
		return fstrf(tl, "line %ld", e->line);
	return fstrf(tl, "%s:%ld", e->file, e->line);
}

long finding_new(struct timeline *tl, enum finding_kind k,
		 const struct evcopy *off)
{
	if (tl->nfind >= TL_MAX_FINDINGS) {
		tl->st.findings_dropped++;
		return -1;
	}
	void *p = tl->findings;
	size_t cap = tl->capfind;
	xgrow(&p, &tl->capfind, tl->nfind + 1, sizeof *tl->findings);
	tl->findings = p;
	p = tl->fmeta;
	xgrow(&p, &cap, tl->nfind + 1, sizeof *tl->fmeta);
	tl->fmeta = p;
	memset(&tl->fmeta[tl->nfind], 0, sizeof *tl->fmeta);
	tl->fmeta[tl->nfind].cause = -1;
	tl->fmeta[tl->nfind].order = tl->norder++;
	struct finding *f = &tl->findings[tl->nfind];
	memset(f, 0, sizeof *f);
	f->id = (int)tl->nfind + 1;
	f->kind = k;
	f->severity = finding_kind_severity(k);
	f->pid = off->pid;
	f->tid = off->tid;
	f->handle = off->handle;
	f->time = fstr(tl, evc_time(tl, off));
	f->ts = off->ts;
	f->call = off->call;
	f->error = off->failed || off->errc == ERRC_RESTART
			   ? fstr(tl, off->errname) : NULL;
	f->src.file = off->file;
	f->src.line = off->line;
	f->src.event = off->event;
	f->src.offset = off->offset;
	f->task = off->info;
	f->traits = off->tr;
	return (long)tl->nfind++;
}

/* A blocked call of thread tid in finding fi has returned: its step
 * gets the call's length (the entry line has none). */
void finding_step_dur(struct timeline *tl, long fi, int64_t tid, int64_t dur)
{
	if (fi < 0 || (size_t)fi >= tl->nfind || dur <= 0)
		return;
	struct finding *f = &tl->findings[fi];
	for (int i = 0; i < f->nchain; i++)
		if (f->chain[i].tid == tid && f->chain[i].dur == 0 &&
		    strcmp(f->chain[i].role, "blocked") == 0)
			f->chain[i].dur = dur;
}

void finding_step(struct timeline *tl, long fi, const char *role,
		  const struct evcopy *e)
{
	if (fi < 0 || !e || !e->valid)
		return;
	struct finding *f = &tl->findings[fi];
	f->chain = xrealloc(f->chain, (size_t)(f->nchain + 1) *
			    sizeof *f->chain);
	struct chain_step *s = &f->chain[f->nchain++];
	memset(s, 0, sizeof *s);
	s->role = role;
	s->pid = e->pid;
	s->tid = e->tid;
	s->cpu = e->cpu;
	s->call = e->call;
	s->object = fstr(tl, obj_of(e));
	s->result = evc_result(tl, e);
	s->time = fstr(tl, evc_time(tl, e));
	s->ts = e->ts;
	s->dur = e->dur;
	s->src.file = e->file;
	s->src.line = e->line;
	s->src.event = e->event;
	s->src.offset = e->offset;
	s->end_line = e->end_line;
	s->raw = fstr(tl, evc_raw(tl, e));
	s->stack = e->has_stack ? fstr(tl, e->stack.s) : NULL;
	s->generation = e->gen;
	s->task = e->info;
}

/* Story steps are gathered from several places (ring, generations,
 * thread records) and told in the order they happened. */
struct story {
	const char *role;
	const struct evcopy *e;
};

static void story_emit(struct timeline *tl, long fi, struct story *s, int n)
{
	for (int i = 1; i < n; i++) {
		struct story x = s[i];
		int j = i - 1;
		while (j >= 0 && s[j].e->seq > x.e->seq) {
			s[j + 1] = s[j];
			j--;
		}
		s[j + 1] = x;
	}
	for (int i = 0; i < n; i++)
		finding_step(tl, fi, s[i].role, s[i].e);
}

static void story_add(struct story *s, int *n, const char *role,
		      const struct evcopy *e)
{
	if (!e || !e->valid)
		return;
	/* the same event named twice keeps its first (stronger) role; the
	 * offending call always shows as such */
	for (int i = 0; i < *n; i++)
		if (s[i].e->seq == e->seq) {
			if (strcmp(role, "offending") == 0) {
				s[i].role = role;
				s[i].e = e;
			}
			return;
		}
	s[*n].role = role;
	s[*n].e = e;
	(*n)++;
}

/* The symbols of a -k stack's first frames: " > lib.so(sym+0x1f) [0x..]"
 * gives "sym" (the module's name when there is no symbol). */
static void top_frames(struct strbuf *sb, const char *stack, int want)
{
	for (const char *p = stack; p && *p && want > 0; want--) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *open = memchr(p, '(', len);
		const char *a, *b;
		if (open && open[1] != '+' && open[1] != ')') {
			a = open + 1;
			b = a;
			while (b < p + len && *b != '+' && *b != ')')
				b++;
		} else {
			b = open ? open : p + len;
			a = b;
			while (a > p && a[-1] != '/' && a[-1] != ' ')
				a--;
		}
		sb_printf(sb, "|%.*s", (int)(b - a), a);
		p = eol ? eol + 1 : NULL;
	}
}

/* Fingerprint: the bug's shape.  The kind, each core step's role, call
 * and object kind ("TCP", "file", "anon_inode:[eventfd]"), and with -k
 * the offending call's top frames.  No numbers, paths, lines, times or
 * ids: the same bug in two captures gets the same fingerprint. */
void finding_seal(struct timeline *tl, long fi)
{
	if (fi < 0)
		return;
	struct finding *f = &tl->findings[fi];
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, finding_kind_name(f->kind));
	const char *stack = NULL;
	for (int i = 0; i < f->nchain; i++) {
		const struct chain_step *c = &f->chain[i];
		if (strcmp(c->role, "victim") == 0 ||
		    strcmp(c->role, "failed") == 0)
			continue;
		char kind[64];
		obj_kind(c->object, kind, sizeof kind);
		sb_printf(&sb, "|%s:%s:%s", c->role, c->call ? c->call : "",
			  kind);
		if (strcmp(c->role, "offending") == 0)
			stack = c->stack;
	}
	top_frames(&sb, stack, 3);
	uint64_t h = hash64(sb.s ? sb.s : "", sb.len, 0);
	snprintf(f->fingerprint, sizeof f->fingerprint, "%016" PRIx64, h);
	sb_free(&sb);
}

/* A thread's name without its digits: the workers of one pool
 * ("pool-1-thread-3", "ThreadPoolExecutor-0_2") run the same code. */
static void name_shape(struct strbuf *sb, const char *name)
{
	for (const char *p = name ? name : ""; *p; p++)
		if (*p < '0' || *p > '9')
			sb_putc(sb, *p);
}

/* The bug a finding is an occurrence of, for root-cause cards.  A kind
 * of a family (FINDING_KINDS) hashes the family, the culprit's program
 * and thread name (digits aside), the calls, and with -k the offending
 * call's top frames as printed (within one capture they name the call
 * site): not the object kinds nor who closed the number last, which in
 * a pool that closes a number twice depend on what happened to take the
 * number in between.  Other kinds: the fingerprint.  Runs once the
 * names are known. */
static void finding_bug(struct finding *f)
{
	const char *family = kinds[f->kind].family;
	const char *stack = NULL;
	struct strbuf sb;

	if (!family) {
		memcpy(f->bug, f->fingerprint, sizeof f->bug);
		return;
	}
	sb_init(&sb);
	sb_printf(&sb, "%s|%s|", family,
		  f->process_name ? f->process_name : "");
	name_shape(&sb, f->thread_name);
	for (int i = 0; i < f->nchain; i++) {
		const struct chain_step *c = &f->chain[i];
		int offending = strcmp(c->role, "offending") == 0;
		if (!offending && strcmp(c->role, "closed") != 0)
			continue;
		sb_printf(&sb, "|%s:%s", c->role, c->call ? c->call : "");
		if (offending)
			stack = c->stack;
	}
	for (int n = 0; stack && *stack && n < 3; n++) {
		const char *eol = strchr(stack, '\n');
		size_t len = eol ? (size_t)(eol - stack) : strlen(stack);
		sb_printf(&sb, "|%.*s", (int)len, stack);
		stack = eol ? eol + 1 : NULL;
	}
	snprintf(f->bug, sizeof f->bug, "%016" PRIx64,
		 hash64(sb.s ? sb.s : "", sb.len, 0));
	sb_free(&sb);
}

/* The root a finding's cause leads to (causes are set to earlier
 * findings only, so the walk ends). */
static long root_of(const struct timeline *tl, long i)
{
	while (tl->fmeta[i].cause >= 0 && tl->fmeta[i].cause != i)
		i = tl->fmeta[i].cause;
	return i;
}

/* findings by detection order (a candidate made later keeps the place
 * it had when seen) */
struct ord {
	long order, i;
};
static int by_order(const void *a, const void *b)
{
	long x = ((const struct ord *)a)->order;
	long y = ((const struct ord *)b)->order;
	return (x > y) - (x < y);
}

/* Stale closes no failure proved harmful are judged now (a note, or a
 * hand-off left out); withdrawn findings and failures go; the rest get
 * their ids, and each consequence points to its root. */
void findings_settle(struct timeline *tl)
{
	size_t n = tl->nfind;
	/* candidates no failure proved: hand-offs */
	for (size_t i = 0; i < tl->ncands; i++)
		if (tl->cands[i].refs > 0 &&
		    tl->cands[i].fi == CAND_UNMADE) {
			tl->cands[i].fi = CAND_GONE;
			tl->st.handoffs++;
			ginfo_unhold(tl, &tl->cands[i], 0);
		}
	/* a stale close whose consequence was proven harmful is proven */
	for (size_t i = 0; i < n; i++) {
		const struct fmeta *m = &tl->fmeta[i];
		const struct finding *f = &tl->findings[i];
		if (m->dropped || m->pending || m->cause < 0 ||
		    f->severity != SEV_ERROR)
			continue;
		long r = root_of(tl, (long)i);
		if (!tl->fmeta[r].pending)
			continue;
		tl->fmeta[r].pending = 0;
		tl->findings[r].severity = SEV_ERROR;
		tl->findings[r].evidence = fstrf(tl, "what followed from it "
			"failed: %s's %s at %s:%ld%s%s",
			tl_who(tl, f->tid, NULL), f->call ? f->call : "call", f->src.file,
			f->src.line, f->evidence ? "; " : "",
			f->evidence ? f->evidence : "");
	}
	for (size_t i = 0; i < n; i++) {
		struct fmeta *m = &tl->fmeta[i];
		if (!m->pending || m->dropped)
			continue;
		enum verdict v = judge_unproven_stale_close(m->kind_changed);
		const struct verdict_info *vi = verdict_info(v);
		if (vi->out == O_HANDOFF) {
			m->dropped = 1;
			tl->st.handoffs++;
			continue;
		}
		struct finding *f = &tl->findings[i];
		f->severity = vi->sev;
		f->evidence = fstrf(tl, "%s; the closer last knew %s, another "
				    "kind of object than the one it closed",
				    f->evidence, f->expected);
	}
	/* no close in the whole capture: closes are not traced, and what
	 * is open at an exit says nothing */
	for (size_t i = 0; i < n && !tl->st.closes; i++)
		if (tl->findings[i].kind == FK_LEAK && !tl->fmeta[i].dropped) {
			tl->fmeta[i].dropped = 1;
			tl->st.leaks_untraced += tl->fmeta[i].nhandles;
		}
	long *newid = xcalloc(n + 1, sizeof *newid);
	int *ncons = xcalloc(n + 1, sizeof *ncons);
	struct ord *byord = xcalloc(n + 1, sizeof *byord);
	for (size_t i = 0; i < n; i++) {
		byord[i].order = tl->fmeta[i].order;
		byord[i].i = (long)i;
	}
	qsort(byord, n, sizeof *byord, by_order);
	long k = 0;
	for (size_t j = 0; j < n; j++) {
		size_t i = (size_t)byord[j].i;
		if (tl->fmeta[i].dropped) {
			free(tl->findings[i].chain);
			newid[i] = 0;
			continue;
		}
		newid[i] = ++k;
	}
	/* causes: to the root, skipping withdrawn ones */
	for (size_t i = 0; i < n; i++) {
		if (!newid[i] || tl->fmeta[i].cause < 0)
			continue;
		long r = root_of(tl, (long)i);
		tl->findings[i].caused_by = r != (long)i && newid[r]
					    ? (int)newid[r] : 0;
		if (tl->findings[i].caused_by)
			ncons[r]++;
	}
	free(tl->conseq);
	tl->conseq = xcalloc(k + 1, sizeof *tl->conseq);
	int at = 0;
	for (size_t i = 0; i < n; i++) {
		tl->findings[i].consequences = &tl->conseq[at];
		tl->findings[i].nconsequences = 0;
		if (newid[i])
			at += ncons[i];
	}
	for (size_t j = 0; j < n; j++) {
		size_t i = (size_t)byord[j].i;
		struct finding *f = &tl->findings[i];
		if (!newid[i] || !f->caused_by)
			continue;
		long r = root_of(tl, (long)i);
		struct finding *rf = &tl->findings[r];
		((int *)rf->consequences)[rf->nconsequences++] =
			(int)newid[i];
	}
	/* kept ones in id order */
	struct finding *nf = xcalloc((size_t)k + 1, sizeof *nf);
	struct fmeta *nm = xcalloc((size_t)k + 1, sizeof *nm);
	for (size_t j = 0; j < n; j++) {
		size_t i = (size_t)byord[j].i;
		if (!newid[i])
			continue;
		nf[newid[i] - 1] = tl->findings[i];
		nf[newid[i] - 1].id = (int)newid[i];
		nm[newid[i] - 1] = tl->fmeta[i];
	}
	free(tl->findings);
	free(tl->fmeta);
	tl->findings = nf;
	tl->fmeta = nm;
	tl->nfind = (size_t)k;
	tl->capfind = (size_t)k + 1;
	free(newid);
	free(ncons);
	free(byord);
	size_t w = 0;
	for (size_t i = 0; i < tl->nunexpl; i++)
		if (!tl->udropped[i])
			tl->unexpl[w++] = tl->unexpl[i];
	tl->nunexpl = w;
}

long unexplained_add(struct timeline *tl, const struct evcopy *e,
		     const char *reason, const char *code)
{
	if (tl->nunexpl >= TL_MAX_FINDINGS) {
		tl->st.unexplained_dropped++;
		return -1;
	}
	void *p = tl->unexpl;
	size_t cap = tl->capunexpl;
	xgrow(&p, &tl->capunexpl, tl->nunexpl + 1, sizeof *tl->unexpl);
	tl->unexpl = p;
	p = tl->udropped;
	xgrow(&p, &cap, tl->nunexpl + 1, sizeof *tl->udropped);
	tl->udropped = p;
	tl->udropped[tl->nunexpl] = 0;
	struct unexplained *u = &tl->unexpl[tl->nunexpl++];
	memset(u, 0, sizeof *u);
	u->pid = e->pid;
	u->tid = e->tid;
	u->handle = e->handle;
	u->call = e->call;
	u->error = fstr(tl, e->errname);
	u->reason = fstr(tl, reason);
	u->time = fstr(tl, evc_time(tl, e));
	u->raw = fstr(tl, evc_raw(tl, e));
	u->src.file = e->file;
	u->src.line = e->line;
	u->src.event = e->event;
	u->src.offset = e->offset;
	u->reason_code = code;
	u->task = e->info;
	u->ts = e->ts;
	u->traits = e->tr;
	return (long)tl->nunexpl - 1;
}

long unexplained_verdict(struct timeline *tl, const struct evcopy *e,
			 enum verdict v, const struct why *w)
{
	return unexplained_add(tl, e, verdict_reason(tl, v, w),
			       verdict_info(v)->code);
}

void verdict_withdraw(struct timeline *tl, int is_finding, long idx)
{
	if (idx < 0)
		return;
	if (is_finding && (size_t)idx < tl->nfind)
		tl->fmeta[idx].dropped = 1;
	else if (!is_finding && (size_t)idx < tl->nunexpl)
		tl->udropped[idx] = 1;
}

/* ---- thread records as story steps ---------------------------------- */

static const char *rec_role(int role)
{
	switch (role) {
	case RO_CREATE:
		return "opened";
	case RO_USE:
		return "used";
	default:
		return "closed";
	}
}

static const char *rec_verb(int role)
{
	switch (role) {
	case RO_CREATE:
		return "opening";
	case RO_USE:
		return "use";
	default:
		return "close";
	}
}

/* The event a thread record stands for: from the ring when it is still
 * there, else rebuilt from the record (no raw text). */
static const struct evcopy *rec_event(struct timeline *tl,
				      const struct numstate *ns,
				      const struct threc *r,
				      const struct evcopy *like)
{
	const struct evcopy *e = ring_find_seq(ns, r->seq);
	if (e)
		return e;
	struct evcopy *x = &tl->tmp2;
	x->valid = 1;
	x->role = r->role;
	x->tr = like->tr;
	x->unfinished = 0;
	x->has_object = 0;
	x->has_stack = 0;
	x->gen = r->gen;
	x->cpu = -1;
	x->has_ret = 0;
	x->failed = 0;
	x->errc = ERRC_NONE;
	x->call = r->call;
	x->file = like->file;
	x->errname = NULL;
	x->pid = like->pid;
	x->tid = r->tid;
	x->ts = r->ts;
	x->dur = 0;
	x->ret = 0;
	x->handle = like->handle;
	x->err = 0;
	x->line = r->line;
	x->event = 0;
	x->end_line = r->end_line;
	x->seq = r->seq;
	x->time[0] = '\0';
	x->time_fmt = NULL;
	sb_reset(&x->object);
	sb_reset(&x->raw);
	sb_puts(&x->raw, "");
	x->raw_show = NULL;
	sb_reset(&x->stack);
	return x;
}

static const struct evcopy *gen_event(const struct numstate *ns, int id,
				      int role)
{
	const struct gen *g = ns_gen((struct numstate *)ns, id);
	if (g) {
		const struct evcopy *e = role == RO_CREATE ? &g->create
							   : &g->close;
		if (e->valid)
			return e;
	}
	const struct evcopy *e = ring_find(ns, id, role);
	if (!e && role == RO_CLOSE) {
		e = ring_find(ns, id, RO_RANGECLOSE);
		if (!e)
			e = ring_find(ns, id, RO_DUPCLOSE);
	}
	return e;
}

static const char *gen_object_any(const struct numstate *ns, int id)
{
	const struct gen *g = ns_gen((struct numstate *)ns, id);
	if (g && g->has_object)
		return g->object.s;
	const struct evcopy *e = ring_find(ns, id, RO_NONE);
	return obj_of(e);
}

static const char *paren(struct timeline *tl, const char *obj)
{
	return obj ? fstrf(tl, " (%s)", obj) : "";
}

/* ---- the findings' stories -------------------------------------------- */

long det_double_close(struct timeline *tl, const struct numstate *ns,
		      const struct evcopy *off, enum verdict v)
{
	long fi = finding_new(tl, FK_DOUBLE_CLOSE, off);
	if (fi < 0)
		return -1;
	tl->findings[fi].severity = verdict_info(v)->sev;
	if (v == V_CLOSE_DOUBLE_ALONE)
		tl->findings[fi].evidence = "no other thread shared this "
			"table, so nothing could take the number between the "
			"two closes: harmless this time, a race once the "
			"program has threads";
	const struct gen *g = &ns->cur;
	const struct evcopy *open = g->create.valid ? &g->create : NULL;
	const struct evcopy *close = g->close.valid ? &g->close : NULL;
	struct story s[4];
	int n = 0;
	story_add(s, &n, "opened", open);
	story_add(s, &n, "closed", close);
	story_add(s, &n, "offending", off);
	story_emit(tl, fi, s, n);
	struct finding *f = &tl->findings[fi];
	const char *obj = gen_obj(g);
	f->object = fstr(tl, obj);
	f->expected = f->object;
	const char *hn = hname(tl, off->tr, off->handle);
	const char *err = off->errname ? off->errname : "an error";
	if (close && close->tid == off->tid)
		f->message = fstrf(tl, "%s closed %s%s twice: "
				   "its close at %s had already released it "
				   "and nobody reopened it; this close "
				   "failed with %s", tl_who(tl, off->tid, off), hn,
				   paren(tl, obj), where(tl, close, off),
				   err);
	else if (close)
		f->message = fstrf(tl, "%s closed %s%s, which "
				   "%s had already closed at "
				   "%s and nobody reopened; this close failed "
				   "with %s", tl_who(tl, off->tid, off), hn,
				   paren(tl, obj), tl_who(tl, close->tid, close),
				   where(tl, close, off), err);
	else
		f->message = fstrf(tl, "%s closed %s%s, which "
				   "was already closed and not reopened; this "
				   "close failed with %s", tl_who(tl, off->tid, off),
				   hn,
				   paren(tl, obj), err);
	finding_seal(tl, fi);
	return fi;
}

/* ---- stale closes: candidates and findings ---------------------------- */

static void copy_or_blank(struct evcopy *d, const struct evcopy *e)
{
	if (e && e->valid)
		evc_copy(d, e);
	else
		evc_blank(d);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* c := what the stale story of off needs: the thread's old generation
 * (opened, its own last act, closed), the reuse (now), the call */
static void cand_fill(struct timeline *tl, struct cand *c,
		      const struct numstate *ns, const struct snap *sn,
		      const struct gen *now, const struct evcopy *off)
{
	int old = sn->rec.gen;
	copy_or_blank(&c->opened, gen_event(ns, old, RO_CREATE));
	copy_or_blank(&c->mine, rec_event(tl, ns, &sn->rec, off));
	copy_or_blank(&c->closed, gen_event(ns, old, RO_CLOSE));
	evc_copy(&c->reused, &now->create);
	evc_copy(&c->off, off);
	c->old_gen = old;
	c->rec_role = (unsigned char)sn->rec.role;
	c->creator_tid = now->creator_tid;
	free(c->expected);
	free(c->now_obj);
	c->expected = dup_or_null(gen_object_any(ns, old));
	c->now_obj = dup_or_null(gen_obj(now));
}

/* what the number named when the call came */
static const char *cand_object(const struct cand *c)
{
	return obj_of(&c->off) ? obj_of(&c->off) : c->now_obj;
}

/* The stale story shared by stale-close and stale-use, from c. */
static long stale_story(struct timeline *tl, enum finding_kind k,
			const struct cand *c)
{
	long fi = finding_new(tl, k, &c->off);
	if (fi < 0)
		return -1;
	struct story s[6];
	int n = 0;
	story_add(s, &n, "opened", &c->opened);
	story_add(s, &n, rec_role(c->rec_role), &c->mine);
	story_add(s, &n, "closed", &c->closed);
	story_add(s, &n, "reused", &c->reused);
	story_add(s, &n, "offending", &c->off);
	story_emit(tl, fi, s, n);
	struct finding *f = &tl->findings[fi];
	f->expected = c->expected ? fstr(tl, c->expected)
			  : fstrf(tl, "generation %d of this number",
				  c->old_gen);
	f->object = fstr(tl, cand_object(c));
	return fi;
}

static long up_find(struct table *t, int64_t h, int gen)
{
	for (int i = 0; i < t->nup; i++)
		if (t->up[i].h == h && t->up[i].gen == gen)
			return i;
	return -1;
}

/* the stale-close finding c tells, awaiting evidence */
static long stale_close_make(struct timeline *tl, const struct cand *c)
{
	long fi = stale_story(tl, FK_STALE_CLOSE, c);
	if (fi < 0)
		return -1;
	struct finding *f = &tl->findings[fi];
	const struct evcopy *off = &c->off;
	/* judged when evidence comes, or at the end (findings_settle) */
	tl->fmeta[fi].pending = 1;
	tl->fmeta[fi].kind_changed = c->kind_changed;
	const char *hn = hname(tl, off->tr, off->handle);
	f->message = fstrf(tl, "%s closed %s%s, which "
			   "%s had opened after %" PRId64 "'s own "
			   "%s of it (%s)", who_label(tl, c->closer_name,
							off->tid), hn,
			   paren(tl, f->object),
			   who_label(tl, c->creator_name, c->creator_tid),
			   off->tid, rec_verb(c->rec_role),
			   where(tl, &c->mine, off));
	f->evidence = fstrf(tl, "none: no later call in the trace shows "
			    "%s or another thread failing on "
			    "%s; a hand-off of the number cannot be ruled "
			    "out", who_label(tl, c->creator_name,
					     c->creator_tid),
			    f->object ? f->object : "the object");
	finding_seal(tl, fi);
	return fi;
}

/* a spare candidate's index (its fields are the caller's to set; a
 * spare keeps its buffers) */
static long cand_new(struct timeline *tl)
{
	long ci = tl->cand_spare;
	if (ci >= 0) {
		tl->cand_spare = tl->cands[ci].next;
	} else {
		void *p = tl->cands;
		xgrow(&p, &tl->capcands, tl->ncands + 1, sizeof *tl->cands);
		tl->cands = p;
		ci = (long)tl->ncands++;
		memset(&tl->cands[ci], 0, sizeof *tl->cands);
	}
	return ci;
}

/* a slot lets go of candidate ci: the last one, unproven, counts a
 * hand-off (what findings_settle would have judged it) */
static void cand_unref(struct timeline *tl, long ci)
{
	struct cand *c = &tl->cands[ci];
	if (--c->refs > 0)
		return;
	if (c->fi == CAND_UNMADE)
		tl->st.handoffs++;
	ginfo_unhold(tl, c, 0);
	c->next = tl->cand_spare;
	tl->cand_spare = ci;
}

static void up_release(struct timeline *tl, struct upgrade *u)
{
	if (u->cand >= 0)
		cand_unref(tl, u->cand);
	u->cand = -1;
}

void det_up_clear(struct timeline *tl, struct table *t)
{
	for (int i = 0; i < t->nup; i++)
		up_release(tl, &t->up[i]);
	t->nup = 0;
}

static void cand_free(struct cand *c)
{
	evc_free(&c->opened);
	evc_free(&c->mine);
	evc_free(&c->closed);
	evc_free(&c->reused);
	evc_free(&c->off);
	free(c->expected);
	free(c->now_obj);
}

void det_cands_free(struct timeline *tl)
{
	for (size_t i = 0; i < tl->ncands; i++)
		cand_free(&tl->cands[i]);
	free(tl->cands);
	cand_free(&tl->cand_tmp);
}

long det_up_finding(struct timeline *tl, struct table *t, long ui)
{
	struct upgrade *u = &t->up[ui];
	if (u->cand < 0)
		return u->finding;
	struct cand *c = &tl->cands[u->cand];
	if (c->fi == CAND_UNMADE) {
		long fi = stale_close_make(tl, c);
		if (fi >= 0)
			tl->fmeta[fi].order = c->order;
		c->fi = fi >= 0 ? fi : CAND_GONE;
		ginfo_unhold(tl, c, fi >= 0);
	}
	return c->fi >= 0 ? c->fi : -1;
}

/* c takes what tmp was filled with, and tmp keeps c's old buffers for
 * the next fill: one copy of a candidate (1.5 KB), not a swap's three */
static void cand_take(struct cand *c, struct cand *tmp)
{
	struct evcopy *cv[] = { &c->opened, &c->mine, &c->closed,
				&c->reused, &c->off };
	struct evcopy *tv[] = { &tmp->opened, &tmp->mine, &tmp->closed,
				&tmp->reused, &tmp->off };
	struct evbufs keep[5];
	for (int i = 0; i < 5; i++)
		keep[i] = evc_bufs(cv[i]);
	char *expected = c->expected, *now_obj = c->now_obj;
	*c = *tmp;
	for (int i = 0; i < 5; i++)
		evc_put_bufs(tv[i], keep[i]);
	tmp->expected = expected;
	tmp->now_obj = now_obj;
}

long det_stale_close(struct timeline *tl, struct table *t,
		     struct numstate *ns, const struct snap *sn,
		     const struct gen *victim, const struct evcopy *off,
		     long cause, int linked)
{
	struct cand *tmp = &tl->cand_tmp;
	cand_fill(tl, tmp, ns, sn, victim, off);
	tmp->closer_name = who_name(tl, off->tid, off);
	tmp->creator_name = who_name(tl, victim->creator_tid,
				     &victim->create);
	tmp->kind_changed = (unsigned char)obj_kind_differs(tmp->expected,
							    cand_object(tmp));
	/* a hand-off unless proven: a candidate until then */
	int defer = cause < 0 && !linked &&
		    verdict_info(judge_unproven_stale_close(
			    tmp->kind_changed))->out == O_HANDOFF;
	long fi = -1, ci = -1;
	if (defer) {
		ci = cand_new(tl);
		struct cand *c = &tl->cands[ci];
		cand_take(c, tmp);
		c->refs = 1;
		c->fi = CAND_UNMADE;
		c->order = tl->norder++;
		/* its generations, as a finding's are (they go with it) */
		ginfo_hold(tl, c, 0, t, ns, sn->rec.gen);
		ginfo_hold(tl, c, 1, t, ns, victim->id);
	} else {
		fi = stale_close_make(tl, tmp);
		if (fi < 0)
			return -1;
		tl->fmeta[fi].cause = cause;
	}
	/* wait for evidence: a later failure by someone relying on victim */
	struct upgrade *u;
	if (!t->up)
		t->up = xcalloc(TL_UPGRADE, sizeof *t->up);
	if (t->nup < TL_UPGRADE) {
		u = &t->up[t->nup++];
	} else {
		u = &t->up[0];
		for (int i = 1; i < t->nup; i++)
			if (t->up[i].seq < u->seq)
				u = &t->up[i];
		up_release(tl, u);
	}
	u->h = off->handle;
	u->gen = victim->id;
	u->owner = victim->creator_tid;
	u->closer = off->tid;
	u->finding = fi;
	u->cand = ci;
	u->nvictims = 0;
	u->victim = -1;
	u->seq = off->seq;
	return fi;
}

/* Failure off (by a thread other than the closer) proves upgrade ui's
 * stale close harmful: the finding becomes an error. */
static void evidence_of(struct timeline *tl, struct table *t, long ui,
			const struct evcopy *off)
{
	long fi = det_up_finding(tl, t, ui);
	if (fi < 0)
		return;
	struct upgrade *u = &t->up[ui];
	struct finding *f = &tl->findings[fi];
	if (u->nvictims == 0) {
		u->victim = off->tid;
		tl->fmeta[fi].pending = 0;
		f->severity = SEV_ERROR;
		f->evidence = fstrf(tl, "%s's %s on %s at %s "
				    "failed with %s after this close: it "
				    "still relied on the object",
				    tl_who(tl, off->tid, off),
				    off->call,
				    hname(tl, off->tr, off->handle),
				    where(tl, off, off),
				    off->errname ? off->errname : "an error");
	}
	finding_step(tl, fi, "failed", off);
	if (++u->nvictims >= TL_VICTIMS) {
		up_release(tl, u);
		*u = t->up[--t->nup];
	}
}

/* A later call on the number by a thread that relied on a generation a
 * stale close destroyed.  Only a failure is evidence: a call that
 * worked fit the object the number named then. */
void det_evidence(struct timeline *tl, struct table *t, int relied_gen,
		  int bad, const struct evcopy *off)
{
	long ui = up_find(t, off->handle, relied_gen);
	if (ui < 0 || !bad || off->tid == t->up[ui].closer)
		return;
	evidence_of(tl, t, ui, off);
}

/* Which stale-close destroyed generation gen of h, or -1. */
long det_stale_close_of(struct timeline *tl, struct table *t, int64_t h,
			int gen)
{
	long ui = up_find(t, h, gen);
	return ui < 0 ? -1 : det_up_finding(tl, t, ui);
}

long det_victim_of(struct table *t, int64_t h, int64_t tid, int cur_gen)
{
	/* the thread that opened the destroyed object, or the one that
	 * relied on it (it got the number through a queue) and failed */
	for (int i = 0; i < t->nup; i++)
		if (t->up[i].h == h &&
		    (t->up[i].owner == tid || t->up[i].victim == tid) &&
		    t->up[i].closer != tid && t->up[i].gen + 1 == cur_gen)
			return i;
	return -1;
}

long det_closer_of(struct table *t, int64_t h, int64_t tid, int cur_gen)
{
	for (int i = 0; i < t->nup; i++)
		if (t->up[i].h == h && t->up[i].closer == tid &&
		    t->up[i].gen == cur_gen)
			return i;
	return -1;
}

/* The KB race where the victim reopened the number itself: thread B's
 * object was destroyed by A's stale close, B's own open then took the
 * number, and B's call meant for the destroyed object fails on it. */
void det_victim_use(struct timeline *tl, struct table *t,
		    const struct numstate *ns, long ui, const struct gen *now,
		    const struct evcopy *off)
{
	long root = det_up_finding(tl, t, ui);
	if (root < 0)
		return;   /* past the cap */
	struct upgrade *u = &t->up[ui];
	long fi = finding_new(tl, FK_STALE_USE, off);
	if (fi < 0)
		return;
	const struct finding *r = &tl->findings[root];
	struct story s[5];
	int n = 0;
	story_add(s, &n, "opened", gen_event(ns, u->gen, RO_CREATE));
	story_add(s, &n, "closed", gen_event(ns, u->gen, RO_CLOSE));
	story_add(s, &n, "reused", now->create.valid ? &now->create : NULL);
	story_add(s, &n, "offending", off);
	story_emit(tl, fi, s, n);
	struct finding *f = &tl->findings[fi];
	const char *exp = gen_object_any(ns, u->gen);
	f->expected = exp ? fstr(tl, exp) : r->object;
	f->object = fstr(tl, obj_of(off) ? obj_of(off) : gen_obj(now));
	tl->fmeta[fi].cause = root;
	const char *hn = hname(tl, off->tr, off->handle);
	f->message = fstrf(tl, "%s's %s on %s failed with %s: "
			   "its %s was closed by %s's stale "
			   "close at %s, and the number now names %s, which "
			   "this thread opened itself after that close",
			   tl_who(tl, off->tid, off), off->call, hn,
			   off->errname ? off->errname : "an error",
			   f->expected ? f->expected : "object",
			   tl_who(tl, u->closer, NULL),
			   r->src.file == off->file
			   ? fstrf(tl, "line %ld", r->src.line)
			   : fstrf(tl, "%s:%ld", r->src.file, r->src.line),
			   f->object ? f->object : "another object");
	finding_seal(tl, fi);
	evidence_of(tl, t, ui, off);
}

long det_stale_use(struct timeline *tl, struct table *t,
		   const struct numstate *ns, const struct snap *sn,
		   const struct gen *now, const struct evcopy *off,
		   enum verdict v)
{
	/* the cause first: a candidate it names becomes a finding */
	long cause = det_stale_close_of(tl, t, off->handle, sn->rec.gen);
	/* a failure right after another thread's stale close destroyed the
	 * number's previous object: the call was meant for that object (it
	 * reached this thread through memory, a queue), so that close is
	 * the cause */
	long ui = off->failed && cause < 0 && now->id > 1
		? up_find(t, off->handle, now->id - 1) : -1;
	if (ui >= 0 && t->up[ui].closer != off->tid)
		cause = det_up_finding(tl, t, ui);
	cand_fill(tl, &tl->cand_tmp, ns, sn, now, off);
	long fi = stale_story(tl, FK_STALE_USE, &tl->cand_tmp);
	if (fi < 0)
		return -1;
	struct finding *f = &tl->findings[fi];
	f->severity = verdict_info(v)->sev;
	tl->fmeta[fi].cause = cause;
	const char *hn = hname(tl, off->tr, off->handle);
	const char *mine = where(tl, &tl->cand_tmp.mine, off);
	if (off->failed)
		f->message = fstrf(tl, "%s's %s on %s failed "
				   "with %s: the number now names %s, opened by "
				   "%s after %" PRId64 "'s own "
				   "%s of it (%s), when it was %s",
				   tl_who(tl, off->tid, off), off->call, hn,
				   off->errname ? off->errname : "an error",
				   f->object ? f->object : "another object",
				   tl_who(tl, now->creator_tid, &now->create),
				   off->tid,
				   rec_verb(sn->rec.role), mine, f->expected);
	else
		f->message = fstrf(tl, "%s's %s on %s reached "
				   "%s, opened by %s after %"
				   PRId64 "'s own %s of it (%s), not %s",
				   tl_who(tl, off->tid, off), off->call, hn,
				   f->object ? f->object : "another object",
				   tl_who(tl, now->creator_tid, &now->create),
				   off->tid,
				   rec_verb(sn->rec.role), mine, f->expected);
	if (!off->failed)
		f->evidence = fstrf(tl, "the object's kind changed under the "
				    "call (%s, then %s) and another thread "
				    "closed the first one; the call would "
				    "work on either, so a hand-off of the "
				    "number cannot be ruled out", f->expected,
				    f->object ? f->object : "another object");
	finding_seal(tl, fi);
	return fi;
}

long det_use_after_close(struct timeline *tl, struct table *t,
			 const struct numstate *ns, const struct snap *sn,
			 const struct evcopy *off)
{
	const struct gen *last = &ns->cur;
	/* a stale close's candidate becomes a finding before this one */
	long ui = up_find(t, off->handle, last->id);
	long root = ui >= 0 ? det_up_finding(tl, t, ui) : -1;
	long fi = finding_new(tl, FK_USE_AFTER_CLOSE, off);
	if (fi < 0)
		return -1;
	struct story s[6];
	int n = 0;
	if (sn->has_rec) {
		const struct evcopy *mine = rec_event(tl, ns, &sn->rec, off);
		if (sn->rec.gen != last->id) {
			story_add(s, &n, "opened",
				  gen_event(ns, sn->rec.gen, RO_CREATE));
			story_add(s, &n, rec_role(sn->rec.role), mine);
			story_add(s, &n, "closed",
				  gen_event(ns, sn->rec.gen, RO_CLOSE));
			story_add(s, &n, "reused", &last->create);
		} else {
			story_add(s, &n, "opened", &last->create);
			story_add(s, &n, rec_role(sn->rec.role), mine);
		}
	} else {
		story_add(s, &n, "opened", &last->create);
	}
	story_add(s, &n, "closed", &last->close);
	story_add(s, &n, "offending", off);
	story_emit(tl, fi, s, n);
	struct finding *f = &tl->findings[fi];
	f->object = fstr(tl, gen_obj(last));
	f->expected = sn->has_rec && sn->rec.gen != last->id
			      ? fstr(tl, gen_object_any(ns, sn->rec.gen))
			      : f->object;
	const char *hn = hname(tl, off->tr, off->handle);
	const char *by;
	if (!last->close.valid)
		by = "closed earlier";
	else if (last->close.tid == off->tid)
		by = fstrf(tl, "closed by this thread at %s",
			   where(tl, &last->close, off));
	else
		by = fstrf(tl, "closed by %s at %s",
			   tl_who(tl, last->close.tid, &last->close),
			   where(tl, &last->close, off));
	const char *note = "";
	if (ui >= 0) {
		note = " (a stale close)";
		tl->fmeta[fi].cause = root;
		/* it relied on the object (a hand-off's receiver): its own
		 * close of the number next is the same bug going on */
		if (t->up[ui].victim < 0 && off->tid != t->up[ui].closer)
			t->up[ui].victim = off->tid;
	} else if (last->close_kind == CK_RANGE) {
		note = " (by close_range)";
	}
	f->message = fstrf(tl, "%s's %s on %s failed with %s: "
			   "%s%s was %s%s and not reopened",
			   tl_who(tl, off->tid, off),
			   off->call, hn,
			   off->errname ? off->errname : "an error", hn,
			   paren(tl, f->object), by, note);
	finding_seal(tl, fi);
	return fi;
}

long det_cwiu(struct timeline *tl, const struct gen *g,
	      const struct evcopy *blocked, const struct evcopy *off)
{
	long fi = finding_new(tl, FK_CLOSE_WHILE_IN_USE, off);
	if (fi < 0)
		return -1;
	struct story s[4];
	int n = 0;
	story_add(s, &n, "opened", g && g->create.valid ? &g->create : NULL);
	story_add(s, &n, "blocked", blocked);
	story_add(s, &n, "offending", off);
	story_emit(tl, fi, s, n);
	struct finding *f = &tl->findings[fi];
	f->object = fstr(tl, obj_of(off) ? obj_of(off) : gen_obj(g));
	f->expected = f->object;
	f->message = fstrf(tl, "%s closed %s%s while %s"
			   " was blocked in %s on it (since %s)",
			   tl_who(tl, off->tid, off),
			   hname(tl, off->tr, off->handle),
			   paren(tl, f->object),
			   tl_who(tl, blocked->tid, blocked), blocked->call,
			   where(tl, blocked, off));
	finding_seal(tl, fi);
	return fi;
}

void det_leaks(struct timeline *tl, struct numstate *const *v, size_t n,
	       const struct evcopy *exitev, int pile)
{
	const struct gen *g0 = &v[0]->cur;
	const struct evcopy *off = &g0->create;
	long fi = finding_new(tl, FK_LEAK, off);
	if (fi < 0)
		return;
	tl->fmeta[fi].nhandles = (long)n;
	struct story s[TL_LEAK_SHOWN + 2];
	int k = 0;
	for (size_t i = 0; i < n && i < TL_LEAK_SHOWN; i++)
		story_add(s, &k, "opened", &v[i]->cur.create);
	if (n == 1)
		story_add(s, &k, "used", ring_find(v[0], g0->id, RO_USE));
	story_add(s, &k, "exited", exitev);
	story_emit(tl, fi, s, k);
	struct finding *f = &tl->findings[fi];
	f->object = fstr(tl, gen_obj(g0));
	f->expected = f->object;
	f->error = NULL;
	const char *hn = hname(tl, off->tr, v[0]->h);
	if (n == 1) {
		f->message = fstrf(tl, "%s%s, opened by %s at "
				   "%s, was still open when %s"
				   " exited (%s)", hn, paren(tl, f->object),
				   tl_who(tl, off->tid, off), where(tl, off, off),
				   who_proc(tl, exitev),
				   where(tl, exitev, off));
		finding_seal(tl, fi);
		return;
	}
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < n && i < 2 * TL_LEAK_SHOWN; i++) {
		const char *o = gen_obj(&v[i]->cur);
		sb_printf(&sb, "%s%s", i ? ", " : "",
			  hname(tl, off->tr, v[i]->h));
		if (o && !pile)
			sb_printf(&sb, " (%s)", o);
	}
	if (n > 2 * TL_LEAK_SHOWN)
		sb_printf(&sb, " and %zu more", n - 2 * TL_LEAK_SHOWN);
	const struct evcopy *last = &v[n - 1]->cur.create;
	for (size_t i = 0; i < n; i++)
		if (v[i]->cur.create.seq > last->seq)
			last = &v[i]->cur.create;
	char kind[64];
	obj_kind(f->object, kind, sizeof kind);
	if (pile)
		f->message = fstrf(tl, "%s opened %zu %ss "
				   "with %s and never closed them (%s; the "
				   "first at %s, the last at %s): they "
				   "accumulated until it ended (%s)",
				   who_proc(tl, exitev), n, *kind ? kind : "handle",
				   off->call, sb.s,
				   where(tl, off, off), where(tl, last, off),
				   where(tl, exitev, off));
	else
		f->message = fstrf(tl, "%s exited (%s) with "
				   "%zu %ss it opened still open: %s",
				   who_proc(tl, exitev), where(tl, exitev, off), n,
				   off->tr->noun, sb.s);
	sb_free(&sb);
	finding_seal(tl, fi);
}

/* ---- generations shown in reports -------------------------------------- */

static void ginfo_fill(struct timeline *tl, struct generation_info *gi,
		       const struct table *t, const struct numstate *ns,
		       const struct gen *g, int own_object)
{
	gi->pid = t->pid;
	gi->table = t->id;
	gi->handle = ns->h;
	gi->generation = g->id;
	if (own_object) {
		free((char *)gi->object);
		gi->object = g->has_object ? xstrdup(g->object.s) : NULL;
	} else {
		gi->object = fstr(tl, gen_obj(g));
	}
	int closed_in = !g->open && (g->close_kind == CK_CALL ||
				     g->close_kind == CK_RANGE ||
				     g->close_kind == CK_EXEC ||
				     g->close_kind == CK_DUP);
	gi->lifetime = g->inside ? (closed_in ? LT_IN_IN : LT_IN_OUT)
				 : (closed_in ? LT_OUT_IN : LT_OUT_OUT);
	gi->open_tid = g->inside ? g->creator_tid : -1;
	gi->close_tid = closed_in ? g->closer_tid : -1;
	memset(&gi->opened, 0, sizeof gi->opened);
	memset(&gi->closed, 0, sizeof gi->closed);
	gi->open_ts = gi->close_ts = TS_NONE;
	if (g->inside && g->create.valid) {
		gi->opened.file = g->create.file;
		gi->opened.line = g->create.line;
		gi->opened.event = g->create.event;
		gi->opened.offset = g->create.offset;
		gi->open_ts = g->create.ts;
	}
	if (closed_in && g->close.valid) {
		gi->closed.file = g->close.file;
		gi->closed.line = g->close.line;
		gi->closed.event = g->close.event;
		gi->closed.offset = g->close.offset;
		gi->close_ts = g->close.ts;
	}
	gi->uses = g->uses;
}

/* g's entry in tl->ginfo, or -1 (none, or one let go since) */
static long ginfo_of(const struct timeline *tl, const struct gen *g)
{
	return g->info >= 0 && g->info_serial &&
	       tl->guse[g->info].serial == g->info_serial ? g->info : -1;
}

static long ginfo_new(struct timeline *tl)
{
	long i;
	if (tl->ngspare) {
		i = tl->gspare[--tl->ngspare];
	} else {
		size_t cap = tl->capginfo;
		void *p = tl->ginfo;
		xgrow(&p, &tl->capginfo, tl->nginfo + 1, sizeof *tl->ginfo);
		tl->ginfo = p;
		p = tl->guse;
		xgrow(&p, &cap, tl->nginfo + 1, sizeof *tl->guse);
		tl->guse = p;
		i = (long)tl->nginfo++;
	}
	memset(&tl->ginfo[i], 0, sizeof *tl->ginfo);
	memset(&tl->guse[i], 0, sizeof *tl->guse);
	tl->guse[i].serial = ++tl->gserial;
	return i;
}

/* g's entry made or brought up to date; its index */
static long ginfo_update(struct timeline *tl, struct table *t,
			 struct numstate *ns, struct gen *g)
{
	if (!g || !g->id)
		return -1;
	ns_involve(tl, ns);
	long i = ginfo_of(tl, g);
	if (i < 0) {
		i = g->info = ginfo_new(tl);
		g->info_serial = tl->guse[i].serial;
	}
	ginfo_fill(tl, &tl->ginfo[i], t, ns, g, 0);
	return i;
}

void ginfo_touch(struct timeline *tl, struct table *t, struct numstate *ns,
		 struct gen *g)
{
	long i = ginfo_update(tl, t, ns, g);
	if (i >= 0)
		tl->guse[i].firm = 1;
}

void ginfo_refresh(struct timeline *tl, struct table *t,
		   struct numstate *ns, struct gen *g)
{
	if (ginfo_of(tl, g) >= 0)
		ginfo_update(tl, t, ns, g);
}

/* g's entry, if it has one, as g is now */
static void ginfo_refill(struct timeline *tl, const struct table *t,
			 const struct numstate *ns, const struct gen *g)
{
	long i = ginfo_of(tl, g);
	if (i >= 0)
		ginfo_fill(tl, &tl->ginfo[i], t, ns, g, 0);
}

/* a candidate involves generation id of ns (k: which of its two) */
static void ginfo_hold(struct timeline *tl, struct cand *c, int k,
		       struct table *t, struct numstate *ns, int id)
{
	long i = ginfo_update(tl, t, ns, ns_gen(ns, id));
	c->gi[k] = i;
	c->gi_serial[k] = i >= 0 ? tl->guse[i].serial : 0;
	if (i >= 0)
		tl->guse[i].holds++;
}

/* the candidate's entries: kept (made a finding: firm) or let go */
static void ginfo_unhold(struct timeline *tl, struct cand *c, int firm)
{
	for (int k = 0; k < 2; k++) {
		long i = c->gi[k];
		c->gi[k] = -1;
		if (i < 0 || tl->guse[i].serial != c->gi_serial[k])
			continue;
		struct ginfo_use *u = &tl->guse[i];
		u->firm |= (unsigned char)firm;
		if (--u->holds > 0 || u->firm)
			continue;
		u->serial = 0;
		void *p = tl->gspare;
		xgrow(&p, &tl->capgspare, tl->ngspare + 1, sizeof *tl->gspare);
		tl->gspare = p;
		tl->gspare[tl->ngspare++] = i;
	}
}

static int busy_less(const struct generation_info *a,
		     const struct generation_info *b)
{
	/* the less busy, or on a tie the later one */
	if (a->uses != b->uses)
		return a->uses < b->uses;
	if (a->table != b->table)
		return a->table > b->table;
	if (a->handle != b->handle)
		return a->handle > b->handle;
	return a->generation > b->generation;
}

static void busy_consider(struct timeline *tl, struct table *t,
			  struct numstate *ns, struct gen *g)
{
	if (g->uses <= 0)
		return;
	if (tl->nbusy == TL_BUSY && g->uses < tl->busy_floor)
		return;   /* less busy than the least busy kept */
	struct generation_info cand;
	memset(&cand, 0, sizeof cand);
	cand.uses = g->uses;
	cand.table = t->id;
	cand.handle = ns->h;
	cand.generation = g->id;
	struct generation_info *slot = NULL;
	if (tl->nbusy < TL_BUSY) {
		slot = &tl->busy[tl->nbusy++];
		memset(slot, 0, sizeof *slot);
	} else {
		struct generation_info *min = &tl->busy[0];
		for (int i = 1; i < tl->nbusy; i++)
			if (busy_less(&tl->busy[i], min))
				min = &tl->busy[i];
		if (!busy_less(min, &cand))
			return;
		slot = min;
	}
	ginfo_fill(tl, slot, t, ns, g, 1);
	if (tl->nbusy == TL_BUSY) {
		tl->busy_floor = tl->busy[0].uses;
		for (int i = 1; i < tl->nbusy; i++)
			if (tl->busy[i].uses < tl->busy_floor)
				tl->busy_floor = tl->busy[i].uses;
	}
}

void ginfo_end(struct timeline *tl, struct table *t, struct numstate *ns,
	       struct gen *g)
{
	if (!g || !g->id)
		return;
	ginfo_refill(tl, t, ns, g);
	busy_consider(tl, t, ns, g);
}

static int gi_cmp(const void *a, const void *b)
{
	const struct generation_info *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->handle != y->handle)
		return x->handle < y->handle ? -1 : 1;
	return x->generation < y->generation ? -1
	       : x->generation > y->generation;
}

/* Generations still open at the end: their info as of now, and the busy
 * ones among them; then one sorted list. */
void ginfo_finish(struct timeline *tl)
{
	for (struct table *t = tl->live; t; t = t->next)
		for (size_t i = 0; i < t->nums.cap; i++) {
			struct numstate *ns = t->nums.vals[i];
			if (!ns)
				continue;
			ginfo_refill(tl, t, ns, &ns->prev);
			ginfo_refill(tl, t, ns, &ns->cur);
			if (ns->cur.id && ns->cur.open)
				busy_consider(tl, t, ns, &ns->cur);
		}
	free(tl->gout);
	tl->gout = xcalloc(tl->nginfo + TL_BUSY + 1, sizeof *tl->gout);
	size_t n = 0;
	for (size_t i = 0; i < tl->nginfo; i++)
		if (tl->guse[i].serial)
			tl->gout[n++] = tl->ginfo[i];
	for (int i = 0; i < tl->nbusy; i++) {
		const struct generation_info *b = &tl->busy[i];
		int dup = 0;
		for (size_t k = 0; k < tl->nginfo && !dup; k++)
			dup = tl->guse[k].serial &&
			      tl->ginfo[k].table == b->table &&
			      tl->ginfo[k].handle == b->handle &&
			      tl->ginfo[k].generation == b->generation;
		if (!dup)
			tl->gout[n++] = *b;
	}
	qsort(tl->gout, n, sizeof *tl->gout, gi_cmp);
	tl->ngout = n;
}
