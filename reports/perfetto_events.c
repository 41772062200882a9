/* reports/perfetto_events.c - --perfetto-events all: every event of the
 * capture in the Chrome trace-event export, written as the analysis
 * reads it (cli/analyse.c shows each event here right after the
 * timeline took it), so memory follows the live threads and the CPUs,
 * not the length of the trace; the file is bounded by a cap on events
 * (each event's strings are cut, so each line is bounded too).
 *
 * A call is a slice on its thread's track: its -T duration or, for a
 * split call, from its entry to its return when the trace tells the
 * return's time, else 1 us; never past the thread's next event, so one
 * event per thread is held back until that next event comes.  Other
 * events (signals, exits, ETW task events) are instants.  Events that
 * carry a CPU are drawn again on a track of that CPU (pseudo-process
 * "CPUs"), named by the thread that ran them.  The time an event is
 * drawn at is the one perfetto.c gives a finding's step, so the
 * findings' markers and arrows land inside these slices. */
#include <stdlib.h>
#include <string.h>
#include "perfetto.h"

/* JSON bytes of one event's strings: with them an event takes at most
 * about 1.2 KB (its slice and its CPU's), 360 bytes typically */
#define RAW_CAP 200     /* its trace text */
#define OBJ_CAP 120     /* an object (a path, a socket), a file name */
#define NAME_CAP 64     /* a call's or a thread's name (input bytes) */
#define FLUSH_AT 65536

struct pf_thread {
	int64_t tid;
	int used;
	struct pf_slot slot;
};

static uint64_t mix(int64_t a, int64_t b)
{
	uint64_t x = (uint64_t)a * 0x9E3779B97F4A7C15ULL ^ (uint64_t)b;
	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ULL;
	return x ^ (x >> 32);
}

struct pf_stream *pf_stream_new(long cap, int ninputs, pf_flush_fn *flush,
				void *ctx)
{
	struct pf_stream *s = xcalloc(1, sizeof *s);
	s->cap = cap;
	s->ninputs = ninputs;
	s->first = 1;
	s->base = TS_NONE;
	s->flush = flush;
	s->ctx = ctx;
	sb_init(&s->out);
	sb_init(&s->tmp);
	sb_init(&s->nm);
	/* the events come first: what the document says about them
	 * (otherData) is only known at the end */
	sb_puts(&s->out, "{\"traceEvents\":[\n");
	return s;
}

/* ---- the live threads: open addressing by tid, deleted at their exit */

static size_t thr_find(const struct pf_stream *s, int64_t tid)
{
	size_t m = s->capthr - 1, i = mix(tid, 0) & m;
	while (s->thr[i].used && s->thr[i].tid != tid)
		i = (i + 1) & m;
	return i;
}

static struct pf_thread *thr_get(struct pf_stream *s, int64_t tid)
{
	if ((s->nthr + 1) * 2 > s->capthr) {
		struct pf_thread *old = s->thr;
		size_t oc = s->capthr;
		s->capthr = oc ? oc * 2 : 64;
		s->thr = xcalloc(s->capthr, sizeof *s->thr);
		for (size_t i = 0; i < oc; i++)
			if (old[i].used)
				s->thr[thr_find(s, old[i].tid)] = old[i];
		free(old);
	}
	size_t i = thr_find(s, tid);
	struct pf_thread *t = &s->thr[i];
	if (!t->used) {
		memset(t, 0, sizeof *t);
		t->used = 1;
		t->tid = tid;
		sb_init(&t->slot.body);
		s->nthr++;
	}
	return t;
}

/* linear probing's deletion: later entries of the run move up */
static void thr_del(struct pf_stream *s, struct pf_thread *t)
{
	size_t m = s->capthr - 1, i = (size_t)(t - s->thr), j = i;
	sb_free(&t->slot.body);
	t->used = 0;
	s->nthr--;
	for (;;) {
		j = (j + 1) & m;
		if (!s->thr[j].used)
			return;
		size_t k = mix(s->thr[j].tid, 0) & m;
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		s->thr[i] = s->thr[j];
		s->thr[j].used = 0;
		i = j;
	}
}

/* ---- the (pid, tid) of every thread track, for their names at the end */

static void pair_add(struct pf_stream *s, int64_t pid, int64_t tid)
{
	if ((s->npairs + 1) * 2 > s->cappairs) {
		int64_t *old = s->pairs;
		size_t oc = s->cappairs;
		s->cappairs = oc ? oc * 2 : 64;
		s->pairs = xmalloc(s->cappairs * 2 * sizeof *s->pairs);
		memset(s->pairs, 0xff, s->cappairs * 2 * sizeof *s->pairs);
		s->npairs = 0;
		for (size_t i = 0; i < oc; i++)
			if (old[2 * i] != -1)
				pair_add(s, old[2 * i], old[2 * i + 1]);
		free(old);
	}
	size_t m = s->cappairs - 1, i = mix(pid, tid) & m;
	while (s->pairs[2 * i] != -1) {
		if (s->pairs[2 * i] == pid && s->pairs[2 * i + 1] == tid)
			return;
		i = (i + 1) & m;
	}
	s->pairs[2 * i] = pid;
	s->pairs[2 * i + 1] = tid;
	s->npairs++;
}

/* ---- files and times ---------------------------------------------------- */

static struct pf_file *file_of(struct pf_stream *s, const char *path)
{
	const char *p = path ? path : "";
	for (size_t i = s->nfiles; i-- > 0;)
		if (strcmp(s->files[i].path, p) == 0)
			return &s->files[i];
	xgrow((void **)&s->files, &s->capfiles, s->nfiles + 1,
	      sizeof *s->files);
	struct pf_file *f = &s->files[s->nfiles++];
	f->path = xstrdup(p);
	f->off = s->lines_max;  /* untimed: after the files before it */
	f->last = 0;
	return f;
}

static int64_t line_time(const struct pf_file *f, long line)
{
	int64_t l = f->off + line;
	return l > PF_MAX_T / 1000 ? PF_MAX_T : l * 1000;
}

/* where perfetto.c puts a finding's step: its timestamp, or in a
 * capture without them its line; -1 when it has none */
static int64_t at(const struct pf_stream *s, const struct pf_file *f,
		  long line, int64_t ts)
{
	if (s->timed)
		return pf_rebase(ts, s->base);
	return line > 0 ? line_time(f, line) : -1;
}

/* ---- slices held back one event --------------------------------------- */

/* x's slice goes out, ending by next, its track's next event (NONE: the
 * track has no more; an unfinished call then lasts to the end) */
#define NONE INT64_MAX

static void slot_flush(struct pf_stream *s, struct pf_slot *x, int64_t next)
{
	if (!x->have)
		return;
	int64_t end = x->open ? (next == NONE ? s->t_end : next)
			      : (next < x->end ? next : x->end);
	if (end < x->floor)
		end = x->floor;
	if (end > PF_MAX_T)
		end = PF_MAX_T;
	if (end <= x->start)
		end = x->start + PF_MIN_SLICE_NS;
	struct jsonw w;
	pf_event_start(&w, &s->out, &s->first);
	jw_kstr(&w, "ph", "X");
	jw_kint(&w, "pid", x->pid);
	jw_kint(&w, "tid", x->tid);
	pf_kus(&w, &s->tmp, "ts", x->start);
	pf_kus(&w, &s->tmp, "dur", end - x->start);
	/* the rest was written when the event came: {"cat":...} */
	sb_putc(&s->out, ',');
	sb_add(&s->out, x->body.s + 1, x->body.len - 1);
	x->last_end = end;
	x->have = 0;
	if (end > s->t_end)
		s->t_end = end;
}

/* A new slice on x's track; it starts no earlier than the one before
 * ended (a trace's stamps can tie or step back by a rounding). */
static void slot_begin(struct pf_slot *x, const struct ht_event *ev,
		       int64_t pid, int64_t tid, int64_t start, int64_t end,
		       int open)
{
	int64_t floor = start + PF_MIN_SLICE_NS;
	if (start < x->last_end)
		start = x->last_end;
	if (floor < start + PF_MIN_SLICE_NS)
		floor = start + PF_MIN_SLICE_NS;
	x->have = 1;
	x->open = open;
	x->start = start;
	x->end = end > floor ? end : floor;
	x->floor = floor;
	x->pid = pid;
	x->tid = tid;
	x->file = ev->src.file;
	x->line = ev->src.line;
	x->phase = (int)ev->phase;
}

/* the same trace line told again (perf tells an entry's fds seen before
 * the trace first): one slice, the later telling */
static int told_twice(const struct pf_slot *x, const struct ht_event *ev)
{
	return x->have && x->tid == ev->tid && x->line == ev->src.line &&
	       x->phase == (int)ev->phase && x->file == ev->src.file;
}

/* ---- what an event says ---------------------------------------------- */

/* the effect naming the handle a call is about, or NULL */
static const struct effect *handle_fx(const struct ht_event *ev)
{
	for (int i = 0; i < ev->nfx; i++)
		switch (ev->fx[i].op) {
		case EFF_CREATE: case EFF_CLOSE: case EFF_USE: case EFF_DUP:
		case EFF_SET_CLOEXEC: case EFF_OUTSIDE:
			return &ev->fx[i];
		default:
			break;
		}
	return NULL;
}

/* as the timeline tells a step's result (evc_result): "0", "-1 EBADF",
 * "? ERESTARTSYS", "10038 WSAENOTSOCK", "" when there is none */
static void result_text(struct strbuf *sb, const struct ht_event *ev,
			const struct source_traits *tr)
{
	if (ev->phase == PH_ENTRY) {
		sb_puts(sb, "<unfinished ...>");
	} else if (tr->win_results) {
		if (ev->failed || ev->err)
			sb_printf(sb, "%ld%s%s", ev->err,
				  ev->errname ? " " : "",
				  ev->errname ? ev->errname : "");
		else if (ev->has_ret)
			sb_printf(sb, "%lld", (long long)ev->ret);
	} else if (ev->errc == ERRC_RESTART) {
		sb_printf(sb, "? %s", ev->errname ? ev->errname : "");
	} else if (ev->failed) {
		if (ev->errname)
			sb_printf(sb, "-1 %s", ev->errname);
		else
			sb_printf(sb, "-1 errno %ld", ev->err);
	} else {
		if (ev->has_ret)
			sb_printf(sb, "%lld", (long long)ev->ret);
		else
			sb_puts(sb, "?");
	}
}

static void put_cut(struct strbuf *sb, const char *s, size_t cap)
{
	size_t n = strlen(s);
	if (n <= cap) {
		sb_add(sb, s, n);
		return;
	}
	while (cap > 0 && ((unsigned char)s[cap] & 0xC0) == 0x80)
		cap--;
	sb_add(sb, s, cap);
	sb_puts(sb, "...");
}

static void where(struct jsonw *w, const struct pf_stream *s,
		  const struct ht_event *ev)
{
	if (s->ninputs > 1)
		pf_kstr_cap(w, "file", ev->src.file ? ev->src.file : "",
			    OBJ_CAP);
	jw_kint(w, "line", ev->src.line);
}

/* A slice's body begun anew in x->body: its category and name, and its
 * "args" object open for the caller to fill and close. */
static void body_open(struct jsonw *w, struct pf_slot *x, const char *cat,
		      const char *name)
{
	sb_reset(&x->body);
	jw_init(w, &x->body, 0);
	jw_obj(w);
	jw_kstr(w, "cat", cat);
	pf_kstr_cap(w, "name", name, 3 * NAME_CAP);
	jw_key(w, "args");
	jw_obj(w);
}

/* "close(5) = 0", "openat(...) = 5" and its args, into x->body */
static void call_body(struct pf_stream *s, struct pf_slot *x,
		      const struct ht_event *ev)
{
	const struct source_traits *tr = ev->traits ? ev->traits
						    : &traits_strace;
	const struct effect *e = handle_fx(ev);
	sb_reset(&s->tmp);
	result_text(&s->tmp, ev, tr);
	sb_reset(&s->nm);
	put_cut(&s->nm, ev->call && *ev->call ? ev->call : "?", NAME_CAP);
	sb_putc(&s->nm, '(');
	if (e && e->op != EFF_CREATE)
		label_handle_num(&s->nm, tr, e->h);
	else
		sb_puts(&s->nm, "...");
	sb_putc(&s->nm, ')');
	if (s->tmp.len) {
		sb_puts(&s->nm, " = ");
		sb_add(&s->nm, s->tmp.s, s->tmp.len);
	}
	struct jsonw w;
	body_open(&w, x, "syscall", s->nm.s);
	if (e) {
		jw_kint(&w, "handle", e->op == EFF_DUP && e->h2 >= 0 ? e->h2
								    : e->h);
		if (e->object)
			pf_kstr_cap(&w, "object", e->object, OBJ_CAP);
	}
	if (s->tmp.len)
		pf_kstr_cap(&w, "result", s->tmp.s, NAME_CAP);
	if (ev->cpu >= 0)
		jw_kint(&w, "cpu", ev->cpu);
	where(&w, s, ev);
	const char *raw = ev_raw(ev);
	if (*raw)
		pf_kstr_cap(&w, "raw", raw, RAW_CAP);
	jw_end_obj(&w);
	jw_end_obj(&w);
}

/* the call on its thread's track; 1 when it ends a split call whose
 * entry was drawn (that entry is its CPU mark already) */
static int thread_call(struct pf_stream *s, struct pf_slot *x,
		       const struct ht_event *ev, const struct pf_file *f,
		       int64_t pid, int64_t a)
{
	int64_t start = a, end;
	int resumed = ev->phase == PH_EXIT && x->have && x->open &&
		      x->tid == ev->tid && x->pid == pid;
	if (resumed)
		start = x->start;
	else
		slot_flush(s, x, a);
	if (ev->phase == PH_EXIT) {
		/* its return: the resumed line's stamp (strace) or line;
		 * perf stamps the exit with its entry's time */
		int64_t ret = s->timed ? a : ev->end_line > 0 ?
			      line_time(f, ev->end_line) : a;
		if (ret < a)
			ret = a;
		if (ret <= start)
			end = start + (ev->dur > 0 ? ev->dur : PF_SLICE_NS);
		else
			end = ev->dur > 0 && start + ev->dur > ret ?
			      start + ev->dur : ret;
	} else {
		end = start + (ev->dur > 0 ? ev->dur : PF_SLICE_NS);
	}
	if (resumed) {
		x->open = 0;
		x->end = end;
		if (x->floor < a + PF_MIN_SLICE_NS)
			x->floor = a + PF_MIN_SLICE_NS;
		if (x->end < x->floor)
			x->end = x->floor;
		x->line = ev->src.line;
		x->phase = (int)ev->phase;
	} else {
		slot_begin(x, ev, pid, ev->tid, start, end,
			   ev->phase == PH_ENTRY);
	}
	call_body(s, x, ev);
	return resumed;
}

static const char *event_word(const struct ht_event *ev)
{
	switch (ev->type) {
	case EV_SIGNAL: return "signal";
	case EV_TASK_EXIT: return ev->killed ? "killed" : "exited";
	case EV_TASK_GONE: return "superseded";
	case EV_TASK_INFO: return "task";
	case EV_CALL: break;
	}
	return "event";
}

/* signals, exits, ETW task events: an instant on the thread (or, with
 * no thread, the process) */
static void instant(struct pf_stream *s, const struct ht_event *ev,
		    int64_t pid, int64_t a)
{
	struct jsonw w;
	pf_event_start(&w, &s->out, &s->first);
	jw_kstr(&w, "ph", "i");
	jw_kstr(&w, "s", ev->tid >= 0 ? "t" : "p");
	jw_kint(&w, "pid", pid);
	if (ev->tid >= 0)
		jw_kint(&w, "tid", ev->tid);
	pf_kus(&w, &s->tmp, "ts", a);
	jw_kstr(&w, "cat", "event");
	sb_reset(&s->nm);
	put_cut(&s->nm, ev->call && *ev->call ? ev->call : event_word(ev),
		NAME_CAP);
	pf_kstr_cap(&w, "name", s->nm.s, 3 * NAME_CAP);
	jw_key(&w, "args");
	jw_obj(&w);
	jw_kstr(&w, "event", event_word(ev));
	if (ev->cpu >= 0)
		jw_kint(&w, "cpu", ev->cpu);
	where(&w, s, ev);
	const char *raw = ev_raw(ev);
	if (*raw)
		pf_kstr_cap(&w, "raw", raw, RAW_CAP);
	jw_end_obj(&w);
	jw_end_obj(&w);
	if (a > s->t_end)
		s->t_end = a;
}

/* which thread ran the event, on its CPU's track */
static void cpu_event(struct pf_stream *s, const struct ht_event *ev,
		      int64_t pid, int64_t a)
{
	if (ev->cpu >= s->ncpu) {
		int n = ev->cpu + 1;
		s->cpu = xrealloc(s->cpu, (size_t)n * sizeof *s->cpu);
		memset(s->cpu + s->ncpu, 0,
		       (size_t)(n - s->ncpu) * sizeof *s->cpu);
		for (int i = s->ncpu; i < n; i++) {
			sb_init(&s->cpu[i].body);
			s->cpu[i].pid = -1;   /* no track yet */
		}
		s->ncpu = n;
	}
	struct pf_slot *x = &s->cpu[ev->cpu];
	slot_flush(s, x, a);
	slot_begin(x, ev, PF_CPU_PID, PF_CPU_TID(ev->cpu), a,
		   a + PF_SLICE_NS, 0);
	sb_reset(&s->nm);
	sb_reset(&s->tmp);
	put_cut(&s->tmp, ev->thread_name ? ev->thread_name : "", NAME_CAP);
	label_thread(&s->nm, s->tmp.s, ev->program, ev->tid, pid);
	struct jsonw w;
	body_open(&w, x, "cpu", s->nm.s);
	jw_kint(&w, "tid", ev->tid);
	jw_kint(&w, "pid", pid);
	sb_reset(&s->nm);
	put_cut(&s->nm, ev->call && *ev->call ? ev->call : event_word(ev),
		NAME_CAP);
	pf_kstr_cap(&w, "call", s->nm.s, 2 * NAME_CAP);
	where(&w, s, ev);
	jw_end_obj(&w);
	jw_end_obj(&w);
}

/* every slice held back goes out (the end, or the cap reached); the
 * threads are forgotten, their tracks' names stay in pairs */
static void flush_all(struct pf_stream *s)
{
	for (size_t i = 0; i < s->capthr; i++)
		if (s->thr[i].used) {
			slot_flush(s, &s->thr[i].slot, NONE);
			sb_free(&s->thr[i].slot.body);
		}
	free(s->thr);
	s->thr = NULL;
	s->nthr = s->capthr = 0;
	for (int i = 0; i < s->ncpu; i++)
		slot_flush(s, &s->cpu[i], NONE);
}

static void start(struct pf_stream *s, const struct ht_event *ev)
{
	/* the first event fixes the frame: timestamps or trace lines */
	s->started = 1;
	s->timed = ev->ts != TS_NONE;
	s->base = ev->ts;
}

void pf_stream_event(void *stream, const struct ht_event *ev,
		     const struct timeline *tl)
{
	struct pf_stream *s = stream;
	if (!s->started)
		start(s, ev);
	if (s->drawn >= s->cap) {
		s->left_out++;
		return;
	}
	struct pf_file *f = file_of(s, ev->src.file);
	int64_t a = at(s, f, ev->src.line, ev->ts);
	if (a < 0) {
		s->untimed++;
		return;
	}
	long done = ev->end_line > ev->src.line ? ev->end_line : ev->src.line;
	if (done > f->last)
		f->last = done;
	if (f->off + done > s->lines_max)
		s->lines_max = f->off + done;
	if (a > s->t_end)
		s->t_end = a;
	int64_t pid = ev->pid >= 0 ? ev->pid : timeline_task_pid(tl, ev->tid);
	if (pid < 0)
		pid = ev->tid;
	if (ev->tid < 0) {      /* an ETW process event: no thread */
		s->drawn++;
		if (pid >= 0) {
			pair_add(s, pid, INT64_MIN);
			instant(s, ev, pid, a);
		}
		goto out;
	}
	pair_add(s, pid, ev->tid);
	struct pf_thread *t = thr_get(s, ev->tid);
	int twice = ev->type == EV_CALL && told_twice(&t->slot, ev);
	int resumed = 0;
	if (!twice)
		s->drawn++;
	if (t->slot.have && t->slot.pid != pid)
		slot_flush(s, &t->slot, a);     /* its process was told */
	if (twice)
		call_body(s, &t->slot, ev);
	else if (ev->type == EV_CALL)
		resumed = thread_call(s, &t->slot, ev, f, pid, a);
	else
		instant(s, ev, pid, a);
	if (ev->cpu >= 0 && ev->cpu < PF_MAX_CPUS && !twice && !resumed)
		cpu_event(s, ev, pid, a);
	if (ev->type == EV_TASK_EXIT) {
		slot_flush(s, &t->slot, a);
		thr_del(s, t);
	}
out:
	if (s->drawn >= s->cap)
		flush_all(s);
	if (s->out.len >= FLUSH_AT)
		s->flush(s->ctx, &s->out);
}

long pf_stream_left_out(const struct pf_stream *s, long *drawn)
{
	if (drawn)
		*drawn = s->drawn;
	return s->left_out;
}

void pf_stream_free(struct pf_stream *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->capthr; i++)
		if (s->thr[i].used)
			sb_free(&s->thr[i].slot.body);
	free(s->thr);
	for (int i = 0; i < s->ncpu; i++)
		sb_free(&s->cpu[i].body);
	free(s->cpu);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].path);
	free(s->files);
	free(s->pairs);
	sb_free(&s->out);
	sb_free(&s->tmp);
	sb_free(&s->nm);
	free(s);
}

void pf_stream_end(struct pf_stream *s, const struct capture *c)
{
	flush_all(s);
	pf_document_end(s, c);
	s->flush(s->ctx, &s->out);
	pf_stream_free(s);
}
