/* reports/perfetto.c - a capture's handle story as Chrome trace-event JSON
 * (Perfetto UI, chrome://tracing, Trace Compass): calls on the handles of
 * findings as slices per thread, handle generations as async tracks,
 * findings as instants and close -> reuse -> failure as flow arrows.
 * Built from what the timeline keeps (findings' chains, generations,
 * tasks), so it covers the handles that matter, not every event. */
#include <stdlib.h>
#include <string.h>
#include "label.h"

#define SLICE_NS 1000    /* slice length without -T durations: 1 us */
#define MIN_SLICE_NS 2   /* so a flow point fits strictly inside */
#define MAX_T ((int64_t)1 << 53)

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
	int timed;           /* timestamps, or trace line numbers as time */
	int64_t base;        /* ns of the trace start */
	int64_t end;         /* ns of the trace end, rebased */
	long *line_off;      /* untimed: lines of the inputs before each */
	int handle_hex;      /* handles are shown in hex (traits) */
	const struct source_traits *tr; /* how handles read (label.c) */
	struct slice *sl;
	size_t nsl, capsl;
	struct strbuf tmp;
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

/* Rebased time of a trace place: its timestamp, or in captures without
 * timestamps its line (1 us per line, inputs one after another).
 * -1 when unknown. */
/* ts - base without overflow, kept below 2^53 so that every sum below
 * stays exact in a JSON reader's double */
static int64_t rebase(int64_t ts, int64_t base)
{
	if (ts == TS_NONE)
		return -1;
	if (ts <= base)
		return 0;
	uint64_t d = (uint64_t)ts - (uint64_t)base;
	return d > (uint64_t)MAX_T ? MAX_T : (int64_t)d;
}

static int64_t when(const struct pf *p, const struct source_loc *src,
		    int64_t ts)
{
	if (p->timed)
		return rebase(ts, p->base);
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

static void kus(struct jsonw *w, struct strbuf *tmp, const char *k,
		int64_t ns)
{
	sb_reset(tmp);
	put_us(tmp, ns);
	jw_key(w, k);
	jw_raw(w, tmp->s);
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

static void collect(struct pf *p, const struct finding *f, int n)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < f[i].nchain; k++) {
			const struct chain_step *s = &f[i].chain[k];
			int64_t t = when(p, &s->src, s->ts);
			if (t < 0 || s->src.line <= 0)
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

static void event_start(struct jsonw *w, struct strbuf *sb, int *first)
{
	if (!*first)
		sb_puts(sb, ",\n");
	*first = 0;
	jw_init(w, sb, 0);
	jw_obj(w);
}

static const char *task_name(const struct task_info *t, int nt, int64_t tid)
{
	for (int i = 0; i < nt; i++)
		if (t[i].tid == tid && t[i].name && *t[i].name)
			return t[i].name;
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

/* process_name and thread_name for every process and thread drawn. */
static void names(struct pf *p, struct strbuf *sb, int *first,
		  const struct finding *f, int nf,
		  const struct generation_info *g, int ng)
{
	int nt;
	const struct task_info *t = timeline_tasks(p->c->tl, &nt);
	size_t n = 0, cap = 0;
	struct idpair *ids = NULL;
	for (size_t i = 0; i < p->nsl; i++) {
		xgrow((void **)&ids, &cap, n + 1, sizeof *ids);
		ids[n++] = (struct idpair){ p->sl[i].pid, p->sl[i].tid };
	}
	for (int i = 0; i < nf; i++) {
		xgrow((void **)&ids, &cap, n + 1, sizeof *ids);
		ids[n++] = (struct idpair){ f[i].pid, f[i].tid };
	}
	for (int i = 0; i < ng; i++) {
		xgrow((void **)&ids, &cap, n + 1, sizeof *ids);
		ids[n++] = (struct idpair){ g[i].pid, INT64_MIN };
	}
	if (n)
		qsort(ids, n, sizeof *ids, idpair_cmp);
	struct jsonw w;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || ids[i].pid != ids[i - 1].pid) {
			const char *nm = task_name(t, nt, ids[i].pid);
			event_start(&w, sb, first);
			jw_kstr(&w, "ph", "M");
			jw_kint(&w, "pid", ids[i].pid);
			jw_kint(&w, "ts", 0);
			jw_kstr(&w, "name", "process_name");
			jw_key(&w, "args");
			jw_obj(&w);
			sb_reset(&p->tmp);
			sb_printf(&p->tmp, "pid %lld", (long long)ids[i].pid);
			if (nm)
				sb_printf(&p->tmp, " (%s)", nm);
			jw_kstr(&w, "name", p->tmp.s);
			jw_end_obj(&w);
			jw_end_obj(&w);
		}
		if (ids[i].tid == INT64_MIN ||
		    (i > 0 && ids[i].pid == ids[i - 1].pid &&
		     ids[i].tid == ids[i - 1].tid))
			continue;
		const char *nm = task_name(t, nt, ids[i].tid);
		event_start(&w, sb, first);
		jw_kstr(&w, "ph", "M");
		jw_kint(&w, "pid", ids[i].pid);
		jw_kint(&w, "tid", ids[i].tid);
		jw_kint(&w, "ts", 0);
		jw_kstr(&w, "name", "thread_name");
		jw_key(&w, "args");
		jw_obj(&w);
		sb_reset(&p->tmp);
		sb_printf(&p->tmp, "tid %lld", (long long)ids[i].tid);
		if (nm)
			sb_printf(&p->tmp, " (%s)", nm);
		jw_kstr(&w, "name", p->tmp.s);
		jw_end_obj(&w);
		jw_end_obj(&w);
	}
	free(ids);
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
		event_start(&w, sb, first);
		jw_kstr(&w, "ph", "X");
		jw_kint(&w, "pid", x->pid);
		jw_kint(&w, "tid", x->tid);
		kus(&w, &p->tmp, "ts", x->t);
		kus(&w, &p->tmp, "dur", x->dur);
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
			event_start(&w, sb, first);
			jw_kstr(&w, "ph", end ? "e" : "b");
			jw_kint(&w, "pid", g[i].pid);
			kus(&w, &p->tmp, "ts", end ? e : b);
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

static void findings(struct pf *p, struct strbuf *sb, int *first,
		     const struct finding *f, int nf)
{
	struct jsonw w;
	struct strbuf nm;
	const struct slice **pts = NULL;
	size_t cap = 0;
	sb_init(&nm);
	for (int i = 0; i < nf; i++) {
		const struct chain_step *o = offending(&f[i]);
		const struct slice *x = o ? slice_of(p, o) : NULL;
		int64_t t = x ? x->t : when(p, &f[i].src, f[i].ts);
		sb_reset(&nm);
		sb_printf(&nm, "F%d %s: ", f[i].id,
			  finding_kind_name(f[i].kind));
		handle_label(&nm, p, f[i].handle);
		if (t >= 0) {
			event_start(&w, sb, first);
			jw_kstr(&w, "ph", "i");
			jw_kstr(&w, "s", "t");
			jw_kint(&w, "pid", f[i].pid);
			jw_kint(&w, "tid", f[i].tid);
			kus(&w, &p->tmp, "ts", x ? x->t + x->dur / 2 : t);
			jw_kstr(&w, "cat", "finding");
			jw_kstr(&w, "name", nm.s);
			jw_key(&w, "args");
			jw_obj(&w);
			jw_kint(&w, "id", f[i].id);
			jw_kstr(&w, "severity", severity_name(f[i].severity));
			jw_kstr(&w, "message", f[i].message);
			jw_kstr(&w, "fingerprint", f[i].fingerprint);
			jw_kstr(&w, "file", f[i].src.file ? f[i].src.file
							   : "");
			jw_kint(&w, "line", f[i].src.line);
			jw_end_obj(&w);
			jw_end_obj(&w);
		}
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
			const struct slice *y = slice_of(p, s);
			if (!y || (n > 0 && pts[n - 1] == y))
				continue;
			if (n > 0 && y->t < pts[n - 1]->t)
				continue;  /* arrows only run forward */
			xgrow((void **)&pts, &cap, n + 1, sizeof *pts);
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
			event_start(&w, sb, first);
			jw_kstr(&w, "ph", ph);
			if (k + 1 == n)
				jw_kstr(&w, "bp", "e");
			jw_kint(&w, "pid", pts[k]->pid);
			jw_kint(&w, "tid", pts[k]->tid);
			kus(&w, &p->tmp, "ts", pts[k]->t + pts[k]->dur / 2);
			jw_kint(&w, "id", f[i].id);
			jw_kstr(&w, "cat", "fdflow");
			jw_kstr(&w, "name", nm.s);
			jw_end_obj(&w);
		}
	}
	free(pts);
	sb_free(&nm);
}

void report_perfetto(struct strbuf *sb, const struct capture *c)
{
	struct pf p;
	int nf, ng;
	const struct finding *f = capture_findings(c, &nf);
	const struct generation_info *g = timeline_generations(c->tl, &ng);
	const struct timeline_stats *st = timeline_stats(c->tl);
	memset(&p, 0, sizeof p);
	p.c = c;
	sb_init(&p.tmp);
	p.base = st->ts_first;
	for (int i = 0; i < c->ninputs; i++)
		if (c->inputs[i].ts_first != TS_NONE &&
		    (p.base == TS_NONE || c->inputs[i].ts_first < p.base))
			p.base = c->inputs[i].ts_first;
	p.timed = p.base != TS_NONE;
	p.tr = capture_traits(c);
	p.handle_hex = p.tr->handle_hex;
	p.line_off = xcalloc((size_t)c->ninputs + 1, sizeof *p.line_off);
	long lines = 0;
	for (int i = 0; i < c->ninputs; i++) {
		p.line_off[i] = lines;
		lines += c->inputs[i].lines;
	}
	if (p.timed && st->ts_last != TS_NONE)
		p.end = rebase(st->ts_last, p.base);
	else if (!p.timed)
		p.end = lines + 1 > MAX_T / 1000 ? MAX_T : (lines + 1) * 1000;
	collect(&p, f, nf);

	struct jsonw w;
	jw_init(&w, sb, 0);
	jw_obj(&w);
	jw_kstr(&w, "displayTimeUnit", "ns");
	jw_key(&w, "otherData");
	jw_obj(&w);
	jw_kstr(&w, "generator", "handletrail " HT_VERSION);
	jw_kstr(&w, "capture", c->name);
	jw_kstr(&w, "time", p.timed
		? "microseconds since the first event of the trace"
		: "no timestamps in the trace: 1 microsecond per trace line");
	jw_kstr(&w, "coverage", "calls on the handles of findings only");
	struct strbuf said;
	sb_init(&said);
	if (capture_selection_said(c, &said))
		jw_kstr(&w, "selection", said.s);
	sb_free(&said);
	jw_end_obj(&w);
	/* the array is written by hand: one event per line */
	sb_puts(sb, ",\"traceEvents\":[\n");
	int first = 1;
	names(&p, sb, &first, f, nf, g, ng);
	slices(&p, sb, &first);
	generations(&p, sb, &first, g, ng);
	findings(&p, sb, &first, f, nf);
	sb_puts(sb, "\n]}\n");
	free(p.sl);
	free(p.line_off);
	sb_free(&p.tmp);
}
