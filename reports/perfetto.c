/* reports/perfetto.c - a capture's handle story as Chrome trace-event JSON
 * (Perfetto UI, chrome://tracing, Trace Compass): calls on the handles of
 * findings as slices per thread, handle generations as async tracks,
 * findings as instants, close -> reuse -> failure as flow arrows, and the
 * events the tracer lost on their CPU's track and as spans.  Built from
 * what the timeline keeps (findings' chains, generations, tasks), so it
 * covers the handles that matter; with --perfetto-events all,
 * perfetto_events.c has streamed every event before and this draws the
 * findings over them, in the frame it drew them in. */
#include <stdlib.h>
#include <string.h>
#include "perfetto.h"

#define SLICE_NS PF_SLICE_NS
#define MIN_SLICE_NS PF_MIN_SLICE_NS
#define MAX_T PF_MAX_T

struct slice {
	int64_t pid, tid;
	int64_t raw_t;       /* ns since trace start, as traced */
	int64_t t, dur;      /* as drawn: never overlapping on one tid */
	int file;            /* input index, for ordering */
	const struct chain_step *step;
	int64_t handle;
};

struct pf {
	const struct capture *c;
	const struct pf_stream *st; /* every event streamed before, or NULL */
	int timed;           /* timestamps, or trace line numbers as time */
	int64_t base;        /* ns of the trace start */
	int64_t end;         /* ns of the trace end, rebased */
	long *line_off;      /* untimed: lines of the inputs before each */
	int handle_hex;      /* handles are shown in hex (traits) */
	const struct source_traits *tr; /* how handles read (label.c) */
	struct slice *sl;
	size_t nsl, capsl;
	struct strbuf tmp;
	/* the capture's tasks by tid and by pid, for their names */
	const struct task_info **by_tid, **by_pid;
	int nt;
};

static int file_index(const struct pf *p, const char *file)
{
	if (!file)
		return -1;
	for (int i = 0; i < p->c->ninputs; i++)
		if (p->c->inputs[i].path &&
		    strcmp(p->c->inputs[i].path, file) == 0)
			return i;
	return -1;
}

int64_t pf_rebase(int64_t ts, int64_t base)
{
	if (ts == TS_NONE)
		return -1;
	if (ts <= base)
		return 0;
	uint64_t d = (uint64_t)ts - (uint64_t)base;
	return d > (uint64_t)MAX_T ? MAX_T : (int64_t)d;
}

/* Rebased time of a trace place: its timestamp, or in captures without
 * timestamps its line (1 us per line, inputs one after another).
 * -1 when unknown. */
static int64_t when(const struct pf *p, const struct source_loc *src,
		    int64_t ts)
{
	if (p->timed)
		return pf_rebase(ts, p->base);
	if (!src || src->line <= 0)
		return -1;
	int f = file_index(p, src->file);
	int64_t line = (f >= 0 ? p->line_off[f] : 0) + src->line;
	return line > MAX_T / 1000 ? MAX_T : line * 1000;
}

static void handle_label(struct strbuf *sb, const struct pf *p, int64_t h)
{
	label_handle(sb, p->tr, h);
}

static void handle_id(struct strbuf *sb, const struct pf *p, int64_t pid,
		      int64_t h, int gen)
{
	if (p->handle_hex)
		sb_printf(sb, "p%lld:h%llx#%d", (long long)pid,
			  (unsigned long long)h, gen);
	else
		sb_printf(sb, "p%lld:fd%lld#%d", (long long)pid, (long long)h,
			  gen);
}

static void put_us(struct strbuf *sb, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	sb_printf(sb, "%lld.%03lld", (long long)(ns / 1000),
		  (long long)(ns % 1000));
}

void pf_kus(struct jsonw *w, struct strbuf *tmp, const char *k, int64_t ns)
{
	sb_reset(tmp);
	put_us(tmp, ns);
	jw_key(w, k);
	jw_raw(w, tmp->s);
}

/* the byte length of the UTF-8 sequence s starts (1 for a stray byte) */
static size_t seq_len(const char *s, size_t left)
{
	unsigned char c = (unsigned char)*s;
	size_t l = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	return l < left ? l : left;
}

void pf_kstr_cap(struct jsonw *w, const char *k, const char *s, size_t cap)
{
	struct strbuf *sb = w->sb;
	jw_key(w, k);
	jw_raw(w, "\"");
	/* cut on what is written: an escaped control byte or a byte of
	 * invalid UTF-8 takes up to 15 */
	size_t n = strlen(s), at = sb->len;
	for (size_t i = 0; i < n;) {
		size_t l = seq_len(s + i, n - i), before = sb->len;
		esc_json(sb, s + i, l);
		if (sb->len - at > cap) {
			sb->len = before;
			sb->s[before] = '\0';
			sb_puts(sb, "...");
			break;
		}
		i += l;
	}
	sb_putc(sb, '"');
}

static int slice_cmp(const void *a, const void *b)
{
	const struct slice *x = a, *y = b;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	if (x->raw_t != y->raw_t)
		return x->raw_t < y->raw_t ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->step->src.line != y->step->src.line)
		return x->step->src.line < y->step->src.line ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int same_event(const struct slice *x, const struct slice *y)
{
	return x->tid == y->tid && x->raw_t == y->raw_t &&
	       x->file == y->file && x->step->src.line == y->step->src.line;
}

/* The streamed file a step's line is in, or NULL. */
static const struct pf_file *stream_file(const struct pf *p, const char *file)
{
	const char *f = file ? file : "";
	for (size_t i = 0; p->st && i < p->st->nfiles; i++)
		if (strcmp(p->st->files[i].path, f) == 0)
			return &p->st->files[i];
	return NULL;
}

/* Whether the step's event was drawn by perfetto_events.c: every event
 * was unless the cap left the later ones out (a file's events come in
 * the order of the line that completes them). */
static int streamed(const struct pf *p, const struct chain_step *s)
{
	if (!p->st)
		return 0;
	if (!p->st->left_out)
		return 1;
	const struct pf_file *f = stream_file(p, s->src.file);
	long done = s->end_line > s->src.line ? s->end_line : s->src.line;
	return f && done <= f->last;
}

static void collect(struct pf *p, const struct finding *f, int n)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < f[i].nchain; k++) {
			const struct chain_step *s = &f[i].chain[k];
			int64_t t = when(p, &s->src, s->ts);
			if (t < 0 || s->src.line <= 0 || streamed(p, s))
				continue;
			xgrow((void **)&p->sl, &p->capsl, p->nsl + 1,
			      sizeof *p->sl);
			struct slice *x = &p->sl[p->nsl++];
			memset(x, 0, sizeof *x);
			x->pid = s->pid;
			x->tid = s->tid;
			x->raw_t = t;
			x->file = file_index(p, s->src.file);
			x->step = s;
			x->handle = f[i].handle;
		}
	if (p->nsl)
		qsort(p->sl, p->nsl, sizeof *p->sl, slice_cmp);
	size_t m = 0;
	for (size_t i = 0; i < p->nsl; i++)
		if (m == 0 || !same_event(&p->sl[m - 1], &p->sl[i]))
			p->sl[m++] = p->sl[i];
	p->nsl = m;
	/* lay the slices of each thread end to end: a slice lasts until
	 * the thread's next event at most */
	for (size_t i = 0; i < p->nsl; i++) {
		struct slice *x = &p->sl[i];
		int64_t start = x->raw_t;
		if (i > 0 && p->sl[i - 1].tid == x->tid &&
		    p->sl[i - 1].t + p->sl[i - 1].dur > start)
			start = p->sl[i - 1].t + p->sl[i - 1].dur;
		/* the call's own length (-T) when the trace has it */
		int64_t dur = p->timed && x->step->dur > 0 ? x->step->dur
							  : SLICE_NS;
		if (i + 1 < p->nsl && p->sl[i + 1].tid == x->tid &&
		    p->sl[i + 1].raw_t - start < dur)
			dur = p->sl[i + 1].raw_t - start;
		if (dur > MAX_T - start)
			dur = MAX_T - start;
		if (dur < MIN_SLICE_NS)
			dur = MIN_SLICE_NS;
		x->t = start;
		x->dur = dur;
		if (start + dur > p->end)
			p->end = start + dur;
	}
}

/* The slice drawn for a chain step, or NULL. */
static const struct slice *slice_of(const struct pf *p,
				    const struct chain_step *s)
{
	struct slice key;
	memset(&key, 0, sizeof key);
	key.tid = s->tid;
	key.pid = s->pid;
	key.raw_t = when(p, &s->src, s->ts);
	key.file = file_index(p, s->src.file);
	key.step = s;
	if (key.raw_t < 0 || s->src.line <= 0 || !p->nsl)
		return NULL;
	size_t lo = 0, hi = p->nsl;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (slice_cmp(&p->sl[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->nsl && same_event(&p->sl[lo], &key))
		return &p->sl[lo];
	/* the same event, kept under another pid when deduplicated */
	if (lo > 0 && same_event(&p->sl[lo - 1], &key))
		return &p->sl[lo - 1];
	return NULL;
}

void pf_event_start(struct jsonw *w, struct strbuf *sb, int *first)
{
	if (!*first)
		sb_puts(sb, ",\n");
	*first = 0;
	jw_init(w, sb, 0);
	jw_obj(w);
}

/* Where a finding's marker or arrow binds to its step s: inside the
 * slice drawn for it, or -1 when none is.  A streamed event's slice holds
 * its own time + 1 ns; events of one thread at the same time (a trace
 * stamps to the microsecond) are laid 2 ns apart in trace order, and the
 * finding's own earlier steps there say how far this one is (an event
 * of another story between them would shift it unseen). */
struct point {
	int64_t pid, tid, t;
};

static int point_of(const struct pf *p, const struct finding *f,
		    const struct chain_step *s, struct point *pt)
{
	pt->pid = s->pid;
	pt->tid = s->tid;
	if (streamed(p, s)) {
		pt->t = when(p, &s->src, s->ts);
		if (pt->t < 0 || s->src.line <= 0)
			return -1;
		int64_t k = 0;
		for (const struct chain_step *o = f->chain; o < s; o++)
			if (o->tid == s->tid && o->src.line != s->src.line &&
			    when(p, &o->src, o->ts) == pt->t)
				k++;
		pt->t += 1 + k * PF_MIN_SLICE_NS;
		return 0;
	}
	const struct slice *x = slice_of(p, s);
	if (!x)
		return -1;
	pt->pid = x->pid;
	pt->tid = x->tid;
	pt->t = x->t + x->dur / 2;
	return 0;
}

static int task_tid_cmp(const void *a, const void *b)
{
	const struct task_info *x = *(const struct task_info *const *)a;
	const struct task_info *y = *(const struct task_info *const *)b;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int task_pid_cmp(const void *a, const void *b)
{
	const struct task_info *x = *(const struct task_info *const *)a;
	const struct task_info *y = *(const struct task_info *const *)b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void task_index(struct pf *p)
{
	const struct task_info *t = timeline_tasks(p->c->tl, &p->nt);
	p->by_tid = xcalloc((size_t)p->nt + 1, sizeof *p->by_tid);
	p->by_pid = xcalloc((size_t)p->nt + 1, sizeof *p->by_pid);
	for (int i = 0; i < p->nt; i++)
		p->by_tid[i] = p->by_pid[i] = &t[i];
	if (p->nt) {
		qsort(p->by_tid, (size_t)p->nt, sizeof *p->by_tid,
		      task_tid_cmp);
		qsort(p->by_pid, (size_t)p->nt, sizeof *p->by_pid,
		      task_pid_cmp);
	}
}

/* the first of the tasks sorted by key (tid or pid) that has id */
static int task_first(const struct task_info *const *v, int n, int by_pid,
		      int64_t id)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		int64_t k = by_pid ? v[mid]->pid : v[mid]->tid;
		if (k < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *named(const char *s)
{
	return s && *s ? s : NULL;
}

/* A thread's name: its own, else its program's (the name a thread
 * of that tid had in that process first, the tid's in any other). */
static const char *thread_name_of(const struct pf *p, int64_t pid,
				  int64_t tid)
{
	const char *any = NULL;
	for (int i = task_first(p->by_tid, p->nt, 0, tid);
	     i < p->nt && p->by_tid[i]->tid == tid; i++) {
		const struct task_info *t = p->by_tid[i];
		const char *nm = named(t->name) ? t->name : named(t->program);
		if (nm && t->pid == pid)
			return nm;
		if (!any)
			any = nm;
	}
	return any;
}

/* A process's name: its first thread's own name (Linux: the leader's
 * comm), else the program any of its threads runs. */
static const char *process_name_of(const struct pf *p, int64_t pid)
{
	for (int i = task_first(p->by_tid, p->nt, 0, pid);
	     i < p->nt && p->by_tid[i]->tid == pid; i++)
		if (named(p->by_tid[i]->name))
			return p->by_tid[i]->name;
	for (int i = task_first(p->by_pid, p->nt, 1, pid);
	     i < p->nt && p->by_pid[i]->pid == pid; i++)
		if (named(p->by_pid[i]->program))
			return p->by_pid[i]->program;
	return NULL;
}

struct idpair {
	int64_t pid, tid;
};

static int idpair_cmp(const void *a, const void *b)
{
	const struct idpair *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* one process_name (tid INT64_MIN) or thread_name metadata event */
static void name_event(struct pf *p, struct strbuf *sb, int *first,
		       int64_t pid, int64_t tid, const char *label)
{
	struct jsonw w;
	pf_event_start(&w, sb, first);
	jw_kstr(&w, "ph", "M");
	jw_kint(&w, "pid", pid);
	if (tid != INT64_MIN)
		jw_kint(&w, "tid", tid);
	jw_kint(&w, "ts", 0);
	jw_kstr(&w, "name", tid == INT64_MIN ? "process_name"
					     : "thread_name");
	jw_key(&w, "args");
	jw_obj(&w);
	pf_kstr_cap(&w, "name", label, 256);
	jw_end_obj(&w);
	jw_end_obj(&w);
}

static void add_id(struct idpair **ids, size_t *n, size_t *cap, int64_t pid,
		   int64_t tid)
{
	xgrow((void **)ids, cap, *n + 1, sizeof **ids);
	(*ids)[(*n)++] = (struct idpair){ pid, tid };
}

/* The CPU tracks drawn (events, losses) under the pseudo-process. */
static void cpu_names(struct pf *p, struct strbuf *sb, int *first)
{
	int ncpu = p->st ? p->st->ncpu : 0, cpus = 0, losses = 0;
	char *used = xcalloc((size_t)PF_MAX_CPUS, 1);
	for (int i = 0; i < ncpu; i++)
		if (p->st->cpu[i].pid == PF_CPU_PID)
			used[i] = cpus = 1;
	for (int i = 0; i < p->c->ninputs; i++)
		for (int k = 0; k < p->c->inputs[i].ngaps; k++) {
			int cpu = p->c->inputs[i].gaps[k].cpu;
			if (cpu >= 0 && cpu < PF_MAX_CPUS)
				used[cpu] = cpus = 1;
			losses = 1;
		}
	/* a capture without CPUs (strace, perf trace) can lose events too */
	if (cpus || losses)
		name_event(p, sb, first, PF_CPU_PID, INT64_MIN,
			   cpus ? "CPUs" : "events lost");
	for (int i = 0; i < PF_MAX_CPUS; i++)
		if (used[i]) {
			sb_reset(&p->tmp);
			sb_printf(&p->tmp, "CPU %d", i);
			name_event(p, sb, first, PF_CPU_PID, PF_CPU_TID(i),
				   p->tmp.s);
		}
	free(used);
}

/* process_name and thread_name for every process and thread drawn. */
static void names(struct pf *p, struct strbuf *sb, int *first,
		  const struct finding *f, int nf,
		  const struct generation_info *g, int ng)
{
	size_t n = 0, cap = 0;
	struct idpair *ids = NULL;
	for (size_t i = 0; i < p->nsl; i++)
		add_id(&ids, &n, &cap, p->sl[i].pid, p->sl[i].tid);
	for (int i = 0; i < nf; i++)
		add_id(&ids, &n, &cap, f[i].pid, f[i].tid);
	for (int i = 0; i < ng; i++)
		add_id(&ids, &n, &cap, g[i].pid, INT64_MIN);
	for (size_t i = 0; p->st && i < p->st->cappairs; i++)
		if (p->st->pairs[2 * i] != -1)
			add_id(&ids, &n, &cap, p->st->pairs[2 * i],
			       p->st->pairs[2 * i + 1]);
	if (n)
		qsort(ids, n, sizeof *ids, idpair_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || ids[i].pid != ids[i - 1].pid) {
			const char *nm = process_name_of(p, ids[i].pid);
			sb_reset(&p->tmp);
			sb_printf(&p->tmp, "pid %lld", (long long)ids[i].pid);
			if (nm)
				sb_printf(&p->tmp, " (%s)", nm);
			name_event(p, sb, first, ids[i].pid, INT64_MIN,
				   p->tmp.s);
		}
		if (ids[i].tid == INT64_MIN ||
		    (i > 0 && ids[i].pid == ids[i - 1].pid &&
		     ids[i].tid == ids[i - 1].tid))
			continue;
		const char *nm = thread_name_of(p, ids[i].pid, ids[i].tid);
		sb_reset(&p->tmp);
		sb_printf(&p->tmp, "tid %lld", (long long)ids[i].tid);
		if (nm)
			sb_printf(&p->tmp, " (%s)", nm);
		name_event(p, sb, first, ids[i].pid, ids[i].tid, p->tmp.s);
	}
	free(ids);
	cpu_names(p, sb, first);
}

/* steps that gave the handle its number: it is their result */
static int creates(const char *role)
{
	return role && (strcmp(role, "opened") == 0 ||
			strcmp(role, "reused") == 0);
}

static void slices(struct pf *p, struct strbuf *sb, int *first)
{
	struct jsonw w;
	struct strbuf nm;
	sb_init(&nm);
	for (size_t i = 0; i < p->nsl; i++) {
		const struct slice *x = &p->sl[i];
		const struct chain_step *s = x->step;
		sb_reset(&nm);
		sb_printf(&nm, "%s(", s->call ? s->call : "?");
		if (creates(s->role))
			sb_puts(&nm, "...");  /* the number is the result */
		else
			label_handle_num(&nm, p->tr, x->handle);
		sb_putc(&nm, ')');
		if (s->result && *s->result)
			sb_printf(&nm, " = %s", s->result);
		pf_event_start(&w, sb, first);
		jw_kstr(&w, "ph", "X");
		jw_kint(&w, "pid", x->pid);
		jw_kint(&w, "tid", x->tid);
		pf_kus(&w, &p->tmp, "ts", x->t);
		pf_kus(&w, &p->tmp, "dur", x->dur);
		jw_kstr(&w, "cat", "syscall");
		jw_kstr(&w, "name", nm.s);
		jw_key(&w, "args");
		jw_obj(&w);
		jw_kint(&w, "handle", x->handle);
		if (s->generation > 0)
			jw_kint(&w, "generation", s->generation);
		jw_kstr(&w, "role", s->role);
		if (s->cpu >= 0)
			jw_kint(&w, "cpu", s->cpu);
		if (s->object)
			jw_kstr(&w, "object", s->object);
		if (s->time && *s->time)
			jw_kstr(&w, "time", s->time);
		jw_kstr(&w, "file", s->src.file ? s->src.file : "");
		jw_kint(&w, "line", s->src.line);
		if (s->raw)
			jw_kstr(&w, "raw", s->raw);
		jw_end_obj(&w);
		jw_end_obj(&w);
	}
	sb_free(&nm);
}

static const char *lifetime_name(enum lifetime_class l)
{
	switch (l) {
	case LT_IN_IN: return "opened and closed inside the trace";
	case LT_IN_OUT: return "opened inside, still open at the end";
	case LT_OUT_IN: return "opened before the trace, closed inside";
	case LT_OUT_OUT: return "open across the whole trace";
	}
	return "";
}

static void generations(struct pf *p, struct strbuf *sb, int *first,
			const struct generation_info *g, int ng)
{
	struct jsonw w;
	struct strbuf id, nm;
	sb_init(&id);
	sb_init(&nm);
	for (int i = 0; i < ng; i++) {
		int64_t b = when(p, &g[i].opened, g[i].open_ts);
		int64_t e = when(p, &g[i].closed, g[i].close_ts);
		if (b < 0 || g[i].opened.line <= 0)
			b = 0;
		if (e < 0 || (!p->timed && g[i].closed.line <= 0))
			e = p->end;
		if (e < b)
			e = b;
		sb_reset(&id);
		handle_id(&id, p, g[i].pid, g[i].handle, g[i].generation);
		sb_reset(&nm);
		handle_label(&nm, p, g[i].handle);
		sb_printf(&nm, " #%d", g[i].generation);
		if (g[i].object && *g[i].object)
			sb_printf(&nm, " %s", g[i].object);
		for (int end = 0; end < 2; end++) {
			pf_event_start(&w, sb, first);
			jw_kstr(&w, "ph", end ? "e" : "b");
			jw_kint(&w, "pid", g[i].pid);
			pf_kus(&w, &p->tmp, "ts", end ? e : b);
			jw_kstr(&w, "cat", "handle");
			jw_kstr(&w, "id", id.s);
			jw_kstr(&w, "name", nm.s);
			if (!end) {
				jw_key(&w, "args");
				jw_obj(&w);
				jw_kint(&w, "handle", g[i].handle);
				jw_kint(&w, "generation", g[i].generation);
				jw_kstr(&w, "lifetime",
					lifetime_name(g[i].lifetime));
				jw_kint(&w, "uses", g[i].uses);
				if (g[i].opened.line > 0) {
					jw_kint(&w, "opened_by", g[i].open_tid);
					jw_kint(&w, "opened_line",
						g[i].opened.line);
				}
				if (g[i].closed.line > 0) {
					jw_kint(&w, "closed_by",
						g[i].close_tid);
					jw_kint(&w, "closed_line",
						g[i].closed.line);
				}
				jw_end_obj(&w);
			}
			jw_end_obj(&w);
		}
	}
	sb_free(&id);
	sb_free(&nm);
}

/* the chain step of the offending call */
static const struct chain_step *offending(const struct finding *f)
{
	for (int k = f->nchain - 1; k >= 0; k--)
		if (f->chain[k].tid == f->tid &&
		    f->chain[k].src.line == f->src.line)
			return &f->chain[k];
	return NULL;
}

static int flow_role(const char *role)
{
	return role && strcmp(role, "opened") != 0 &&
	       strcmp(role, "used") != 0;
}

static void finding_instant(struct pf *p, struct strbuf *sb, int *first,
			    const struct finding *f, struct strbuf *nm)
{
	const struct chain_step *o = offending(f);
	struct point pt;
	int64_t t;
	if (o && point_of(p, f, o, &pt) == 0)
		t = pt.t;
	else
		t = when(p, &f->src, f->ts);
	if (t < 0)
		return;
	struct jsonw w;
	pf_event_start(&w, sb, first);
	jw_kstr(&w, "ph", "i");
	jw_kstr(&w, "s", "t");
	jw_kint(&w, "pid", f->pid);
	jw_kint(&w, "tid", f->tid);
	pf_kus(&w, &p->tmp, "ts", t);
	jw_kstr(&w, "cat", "finding");
	jw_kstr(&w, "name", nm->s);
	jw_key(&w, "args");
	jw_obj(&w);
	jw_kint(&w, "id", f->id);
	jw_kstr(&w, "severity", severity_name(f->severity));
	jw_kstr(&w, "message", f->message);
	jw_kstr(&w, "fingerprint", f->fingerprint);
	jw_kstr(&w, "file", f->src.file ? f->src.file : "");
	jw_kint(&w, "line", f->src.line);
	jw_end_obj(&w);
	jw_end_obj(&w);
}

static void findings(struct pf *p, struct strbuf *sb, int *first,
		     const struct finding *f, int nf)
{
	struct jsonw w;
	struct strbuf nm;
	struct point *pts = NULL;
	int64_t *order = NULL;
	size_t cap = 0, ocap = 0;
	sb_init(&nm);
	for (int i = 0; i < nf; i++) {
		sb_reset(&nm);
		sb_printf(&nm, "F%d %s: ", f[i].id,
			  finding_kind_name(f[i].kind));
		handle_label(&nm, p, f[i].handle);
		finding_instant(p, sb, first, &f[i], &nm);
		/* close -> reuse -> failure: the steps from the first
		 * close on, as one flow bound to their slices */
		size_t n = 0;
		int started = 0;
		for (int k = 0; k < f[i].nchain; k++) {
			const struct chain_step *s = &f[i].chain[k];
			if (s->role && strcmp(s->role, "closed") == 0)
				started = 1;
			if (!started || !flow_role(s->role))
				continue;
			struct point y;
			if (point_of(p, &f[i], s, &y) < 0)
				continue;
			/* a slice's start orders it: the same slice twice
			 * is one point, and arrows only run forward */
			const struct slice *x = streamed(p, s) ? NULL
							       : slice_of(p, s);
			int64_t o = x ? x->t : y.t;
			if (n > 0 && pts[n - 1].tid == y.tid &&
			    pts[n - 1].t == y.t)
				continue;
			if (n > 0 && o < order[n - 1])
				continue;
			xgrow((void **)&pts, &cap, n + 1, sizeof *pts);
			xgrow((void **)&order, &ocap, n + 1, sizeof *order);
			order[n] = o;
			pts[n++] = y;
		}
		if (n < 2)
			continue;
		sb_reset(&nm);
		sb_printf(&nm, "F%d ", f[i].id);
		handle_label(&nm, p, f[i].handle);
		sb_puts(&nm, " reused");
		for (size_t k = 0; k < n; k++) {
			const char *ph = k == 0 ? "s" : k + 1 == n ? "f" : "t";
			pf_event_start(&w, sb, first);
			jw_kstr(&w, "ph", ph);
			if (k + 1 == n)
				jw_kstr(&w, "bp", "e");
			jw_kint(&w, "pid", pts[k].pid);
			jw_kint(&w, "tid", pts[k].tid);
			pf_kus(&w, &p->tmp, "ts", pts[k].t);
			jw_kint(&w, "id", f[i].id);
			jw_kstr(&w, "cat", "fdflow");
			jw_kstr(&w, "name", nm.s);
			jw_end_obj(&w);
		}
	}
	free(pts);
	free(order);
	sb_free(&nm);
}

/* Events the tracer lost: a span each on the pseudo-process's async
 * track "events lost: N" (from the event before the loss to the one
 * after it), and where the CPU is known an instant on its track at the
 * point the tracer said so. */
static void losses(struct pf *p, struct strbuf *sb, int *first)
{
	struct jsonw w;
	struct strbuf nm, id;
	sb_init(&nm);
	sb_init(&id);
	int k = 0;
	for (int i = 0; i < p->c->ninputs; i++) {
		const struct input_stats *in = &p->c->inputs[i];
		for (int j = 0; j < in->ngaps; j++) {
			const struct trace_gap *g = &in->gaps[j];
			struct source_loc at = { in->path, g->line, 0, 0 };
			int64_t b, e;
			if (p->timed) {
				b = g->from == TS_NONE ? 0
				    : pf_rebase(g->from, p->base);
				e = g->to == TS_NONE ? p->end
				    : pf_rebase(g->to, p->base);
			} else {
				b = when(p, &at, TS_NONE);
				e = b + SLICE_NS;
			}
			if (b < 0)
				b = 0;
			if (e < b)
				e = b;
			sb_reset(&nm);
			if (g->lost > 0)
				sb_printf(&nm, "events lost: %ld", g->lost);
			else
				sb_puts(&nm, "events lost");
			sb_reset(&id);
			sb_printf(&id, "lost#%d", ++k);
			for (int end = 0; end < 2; end++) {
				pf_event_start(&w, sb, first);
				jw_kstr(&w, "ph", end ? "e" : "b");
				jw_kint(&w, "pid", PF_CPU_PID);
				pf_kus(&w, &p->tmp, "ts", end ? e : b);
				jw_kstr(&w, "cat", "lost");
				jw_kstr(&w, "id", id.s);
				jw_kstr(&w, "name", nm.s);
				if (!end) {
					jw_key(&w, "args");
					jw_obj(&w);
					if (g->cpu >= 0)
						jw_kint(&w, "cpu", g->cpu);
					if (g->lost > 0)
						jw_kint(&w, "lost", g->lost);
					jw_kstr(&w, "file", in->path ? in->path
								    : "");
					jw_kint(&w, "line", g->line);
					jw_end_obj(&w);
				}
				jw_end_obj(&w);
			}
			if (g->cpu < 0 || g->cpu >= PF_MAX_CPUS)
				continue;
			pf_event_start(&w, sb, first);
			jw_kstr(&w, "ph", "i");
			jw_kstr(&w, "s", "t");
			jw_kint(&w, "pid", PF_CPU_PID);
			jw_kint(&w, "tid", PF_CPU_TID(g->cpu));
			pf_kus(&w, &p->tmp, "ts", e);
			jw_kstr(&w, "cat", "lost");
			jw_kstr(&w, "name", nm.s);
			jw_key(&w, "args");
			jw_obj(&w);
			jw_kint(&w, "cpu", g->cpu);
			jw_kstr(&w, "file", in->path ? in->path : "");
			jw_kint(&w, "line", g->line);
			jw_end_obj(&w);
			jw_end_obj(&w);
		}
	}
	sb_free(&nm);
	sb_free(&id);
}

/* The frame events are drawn in: the first event's time (or trace lines)
 * as origin.  After a stream, the one it drew in, so that the findings
 * land on its slices. */
static void pf_setup(struct pf *p, const struct capture *c,
		     const struct pf_stream *s)
{
	const struct timeline_stats *st = timeline_stats(c->tl);
	memset(p, 0, sizeof *p);
	p->c = c;
	p->st = s && s->started ? s : NULL;
	sb_init(&p->tmp);
	p->base = st->ts_first;
	for (int i = 0; i < c->ninputs; i++)
		if (c->inputs[i].ts_first != TS_NONE &&
		    (p->base == TS_NONE || c->inputs[i].ts_first < p->base))
			p->base = c->inputs[i].ts_first;
	p->timed = p->base != TS_NONE;
	p->tr = capture_traits(c);
	p->handle_hex = p->tr->handle_hex;
	p->line_off = xcalloc((size_t)c->ninputs + 1, sizeof *p->line_off);
	long lines = 0;
	for (int i = 0; i < c->ninputs; i++) {
		p->line_off[i] = lines;
		lines += c->inputs[i].lines;
	}
	if (p->timed && st->ts_last != TS_NONE)
		p->end = pf_rebase(st->ts_last, p->base);
	else if (!p->timed)
		p->end = lines + 1 > MAX_T / 1000 ? MAX_T : (lines + 1) * 1000;
	if (p->st) {
		p->timed = p->st->timed;
		p->base = p->st->base;
		for (int i = 0; i < c->ninputs; i++) {
			const char *path = c->inputs[i].path;
			const struct pf_file *f = stream_file(p, path);
			p->line_off[i] = f ? f->off : 0;
		}
		p->end = p->timed && st->ts_last != TS_NONE
			 ? pf_rebase(st->ts_last, p->base) : 0;
		if (p->end < p->st->t_end)
			p->end = p->st->t_end;
	}
	task_index(p);
}

static void pf_teardown(struct pf *p)
{
	free(p->sl);
	free(p->line_off);
	free(p->by_tid);
	free(p->by_pid);
	sb_free(&p->tmp);
}

/* Everything drawn from what the timeline kept. */
static void pf_content(struct pf *p, struct strbuf *sb, int *first)
{
	int nf, ng;
	const struct finding *f = capture_findings(p->c, &nf);
	const struct generation_info *g = timeline_generations(p->c->tl,
							       &ng);
	collect(p, f, nf);
	names(p, sb, first, f, nf, g, ng);
	slices(p, sb, first);
	generations(p, sb, first, g, ng);
	findings(p, sb, first, f, nf);
	losses(p, sb, first);
}

static void other_data(struct pf *p, struct jsonw *w)
{
	const struct pf_stream *s = p->st;
	jw_key(w, "otherData");
	jw_obj(w);
	jw_kstr(w, "generator", "handletrail " HT_VERSION);
	jw_kstr(w, "capture", p->c->name);
	jw_kstr(w, "time", p->timed
		? "microseconds since the first event of the trace"
		: "no timestamps in the trace: 1 microsecond per trace line");
	if (!s) {
		jw_kstr(w, "coverage", "calls on the handles of findings only");
	} else if (!s->left_out) {
		jw_kstr(w, "coverage", "every event of the capture");
	} else {
		sb_reset(&p->tmp);
		sb_printf(&p->tmp, "the first %ld events of the capture (the "
			  "cap of --perfetto-events): %ld later events are "
			  "left out; the calls of findings among them are "
			  "drawn alone", s->drawn, s->left_out);
		jw_kstr(w, "coverage", p->tmp.s);
	}
	if (s) {
		jw_kint(w, "events", s->drawn);
		jw_kint(w, "events_cap", s->cap);
		jw_kint(w, "events_left_out", s->left_out);
		if (s->untimed)
			jw_kint(w, "events_without_time", s->untimed);
	}
	struct strbuf said;
	sb_init(&said);
	if (capture_selection_said(p->c, &said))
		jw_kstr(w, "selection", said.s);
	sb_free(&said);
	jw_end_obj(w);
}

void report_perfetto(struct strbuf *sb, const struct capture *c)
{
	struct pf p;
	pf_setup(&p, c, NULL);
	struct jsonw w;
	jw_init(&w, sb, 0);
	jw_obj(&w);
	jw_kstr(&w, "displayTimeUnit", "ns");
	other_data(&p, &w);
	/* the array is written by hand: one event per line */
	sb_puts(sb, ",\"traceEvents\":[\n");
	int first = 1;
	pf_content(&p, sb, &first);
	sb_puts(sb, "\n]}\n");
	pf_teardown(&p);
}

/* After the streamed events: the same content, then what the document
 * says about itself (only known now). */
void pf_document_end(struct pf_stream *s, const struct capture *c)
{
	struct pf p;
	pf_setup(&p, c, s);
	pf_content(&p, &s->out, &s->first);
	sb_puts(&s->out, "\n]");
	struct jsonw w;
	jw_init(&w, &s->out, 0);
	/* a writer inside the open top-level object, after its first
	 * member "traceEvents" */
	w.depth = 1;
	w.first[1] = 0;
	jw_kstr(&w, "displayTimeUnit", "ns");
	other_data(&p, &w);
	sb_puts(&s->out, "}\n");
	pf_teardown(&p);
}
