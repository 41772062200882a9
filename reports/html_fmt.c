/* reports/html_fmt.c - small formatters the HTML report uses everywhere:
 * handles, threads, trace locations, times and the names of things. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "html_internal.h"

static const char *const kind_names[] = {
#define X(id, name, sev, family) [id] = name,
	FINDING_KINDS(X)
#undef X
};

const char *hc_kind_name(enum finding_kind k)
{
	if ((unsigned)k < FK__COUNT)
		return kind_names[k];
	return "unknown";
}

/* One line per kind for the summary: what the detector saw. */
const char *html_kind_blurb(enum finding_kind k)
{
	switch (k) {
	case FK_DOUBLE_CLOSE:
		return "a number closed again after it was already closed "
		       "(the second close failed)";
	case FK_STALE_CLOSE:
		return "a thread closed a number that by then named another "
		       "thread's object";
	case FK_STALE_USE:
		return "a thread used a number that by then named a different "
		       "object";
	case FK_USE_AFTER_CLOSE:
		return "a call failed on a number that was closed earlier in "
		       "the trace";
	case FK_CLOSE_WHILE_IN_USE:
		return "a number closed while another thread was blocked in "
		       "a call on it";
	case FK_LEAK:
		return "opened in the trace, still open when its process "
		       "exited";
	default:
		return "";
	}
}

const char *hc_sev_name(enum severity s)
{
	switch (s) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	default: return "note";
	}
}

const char *hc_lifetime_code(enum lifetime_class lt)
{
	switch (lt) {
	case LT_IN_IN: return "AIFI";
	case LT_IN_OUT: return "AIFO";
	case LT_OUT_IN: return "AOFI";
	default: return "AOFO";
	}
}

const char *hc_lifetime_text(enum lifetime_class lt)
{
	switch (lt) {
	case LT_IN_IN:
		return "opened and closed inside the trace";
	case LT_IN_OUT:
		return "opened inside the trace, not closed before it ended";
	case LT_OUT_IN:
		return "open before the trace began, closed inside it";
	default:
		return "open before the trace began and after it ended";
	}
}

const char *hc_basename(const char *path)
{
	const char *b;

	if (!path)
		return "";
	b = strrchr(path, '/');
	return b && b[1] ? b + 1 : path;
}

void hc_handle_num(struct html_ctx *x, int64_t h)
{
	label_handle_num(x->sb, x->tr ? x->tr : capture_traits(x->d->c), h);
}

void hc_handle(struct html_ctx *x, int64_t h)
{
	label_handle(x->sb, x->tr ? x->tr : capture_traits(x->d->c), h);
}

static int cmp_task(const void *a, const void *b)
{
	const struct task_info *x = *(const struct task_info *const *)a;
	const struct task_info *y = *(const struct task_info *const *)b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x < y ? -1 : x > y;  /* same tid: keep the listed order */
}

static int cmp_gen(const void *a, const void *b)
{
	const struct generation_info *x =
		*(const struct generation_info *const *)a;
	const struct generation_info *y =
		*(const struct generation_info *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->handle != y->handle)
		return x->handle < y->handle ? -1 : 1;
	if (x->generation != y->generation)
		return x->generation < y->generation ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* equal keys, whatever the position: for bsearch */
static int cmp_task_key(const void *a, const void *b)
{
	const struct task_info *x = *(const struct task_info *const *)a;
	const struct task_info *y = *(const struct task_info *const *)b;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int cmp_gen_key(const void *a, const void *b)
{
	const struct generation_info *x =
		*(const struct generation_info *const *)a;
	const struct generation_info *y =
		*(const struct generation_info *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->handle != y->handle)
		return x->handle < y->handle ? -1 : 1;
	return x->generation < y->generation ? -1 :
	       x->generation > y->generation;
}

void hc_index(struct html_ctx *x)
{
	const struct html_data *d = x->d;

	x->tasks = xcalloc((size_t)d->nt + 1, sizeof *x->tasks);
	for (int i = 0; i < d->nt; i++)
		x->tasks[i] = &d->t[i];
	qsort(x->tasks, (size_t)d->nt, sizeof *x->tasks, cmp_task);
	x->gens = xcalloc((size_t)d->ng + 1, sizeof *x->gens);
	for (int i = 0; i < d->ng; i++)
		x->gens[i] = &d->g[i];
	qsort(x->gens, (size_t)d->ng, sizeof *x->gens, cmp_gen);
}

void hc_index_free(struct html_ctx *x)
{
	free(x->tasks);
	free(x->gens);
	x->tasks = NULL;
	x->gens = NULL;
}

const struct task_info *hc_task(struct html_ctx *x, int64_t tid)
{
	struct task_info key = { .tid = tid };
	const struct task_info *kp = &key, **hit;
	size_t lo = 0, hi = (size_t)x->d->nt;

	if (!x->tasks)
		return NULL;
	hit = bsearch(&kp, x->tasks, hi, sizeof *x->tasks, cmp_task_key);
	if (!hit)
		return NULL;
	/* a reused tid: the earliest entry with it */
	lo = (size_t)(hit - x->tasks);
	while (lo > 0 && x->tasks[lo - 1]->tid == tid)
		lo--;
	return x->tasks[lo];
}

const struct generation_info *hc_gen(struct html_ctx *x, int64_t pid,
				     int64_t h, int gen)
{
	struct generation_info key = { .pid = pid, .handle = h,
				       .generation = gen };
	const struct generation_info *kp = &key, **hit;

	if (!x->gens)
		return NULL;
	hit = bsearch(&kp, x->gens, (size_t)x->d->ng, sizeof *x->gens,
		      cmp_gen_key);
	if (!hit)
		return NULL;
	while (hit > x->gens && cmp_gen_key(hit - 1, &kp) == 0)
		hit--;
	return *hit;
}

/* "worker (13743)", "thread 13743" (label.c) */
void hc_thread(struct html_ctx *x, int64_t tid)
{
	const struct task_info *t = hc_task(x, tid);
	struct strbuf lb;

	sb_init(&lb);
	label_thread(&lb, t ? t->name : NULL, t ? t->program : NULL, tid, -1);
	sb_puts(x->sb, "<span class=\"tid\">");
	hx_text(x->sb, lb.s);
	sb_puts(x->sb, "</span>");
	sb_free(&lb);
}

/* "kbserver.exe (3396)", "process 3396" (label.c) */
void hc_process(struct html_ctx *x, const char *program, int64_t pid)
{
	struct strbuf lb;

	sb_init(&lb);
	label_process(&lb, program, pid);
	hx_text(x->sb, lb.s);
	sb_free(&lb);
}

/* "race.txt:84" with the full path in a tooltip; XML inputs add the
 * index of the event element. */
void hc_loc(struct html_ctx *x, const struct source_loc *l)
{
	if (!l || l->line <= 0) {
		sb_puts(x->sb, "<span class=\"loc none\">not in the trace"
			"</span>");
		return;
	}
	sb_puts(x->sb, "<span class=\"loc\" title=\"");
	hx_attr(x->sb, l->file);
	sb_puts(x->sb, "\">");
	hx_path(x->sb, hc_basename(l->file));
	sb_printf(x->sb, "<wbr>:%ld", l->line);
	if (l->event > 0 && l->offset > 0)
		sb_printf(x->sb, " (event %ld, byte 0x%llx)", l->event,
			  l->offset);
	else if (l->event > 0)
		sb_printf(x->sb, " (event %ld)", l->event);
	sb_puts(x->sb, "</span>");
}

void hc_duration(struct strbuf *sb, int64_t ns)
{
	const char *sign = "";
	uint64_t v;

	if (ns < 0) {
		sign = "-";
		v = (uint64_t)0 - (uint64_t)ns;
	} else {
		v = (uint64_t)ns;
	}
	if (v < 1000)
		sb_printf(sb, "%s%" PRIu64 " ns", sign, v);
	else if (v < 1000000000)
		sb_printf(sb, "%s%" PRIu64 ".%03" PRIu64 " ms", sign,
			  v / 1000000, v / 1000 % 1000);
	else
		sb_printf(sb, "%s%" PRIu64 ".%06" PRIu64 " s", sign,
			  v / 1000000000, v / 1000 % 1000000);
}

void hc_reltime(struct html_ctx *x, int64_t ts)
{
	if (ts == TS_NONE || x->ts0 == TS_NONE) {
		sb_puts(x->sb, "<span class=\"t none\" title=\"the trace has no "
			"timestamp here\">\xe2\x80\x94</span>");
		return;
	}
	struct strbuf lb;
	sb_init(&lb);
	if (!label_time(&lb, &x->clk, ts)) {
		sb_putc(&lb, ts >= x->ts0 ? '+' : '-');
		hc_duration(&lb, ts >= x->ts0 ? ts - x->ts0 : x->ts0 - ts);
	}
	sb_puts(x->sb, "<span class=\"t\">");
	hx_text(x->sb, lb.s);
	sb_puts(x->sb, "</span>");
	sb_free(&lb);
}

void hc_gap(struct html_ctx *x, const struct trace_gap *g)
{
	struct strbuf *sb = x->sb;

	if (g->lost > 0)
		sb_printf(sb, "%ld event%s lost", g->lost,
			  g->lost == 1 ? "" : "s");
	else
		sb_puts(sb, "events lost (how many not said)");
	if (g->cpu >= 0)
		sb_printf(sb, " on CPU %d", g->cpu);
	sb_puts(sb, " between ");
	if (g->from == TS_NONE)
		sb_puts(sb, "the start");
	else
		hc_reltime(x, g->from);
	sb_puts(sb, " and ");
	if (g->to == TS_NONE)
		sb_puts(sb, "the end");
	else
		hc_reltime(x, g->to);
	sb_printf(sb, " (line %ld)", g->line);
}

int hc_gap_between(const struct trace_gap *g, int64_t a, int64_t b)
{
	if (a == TS_NONE || b == TS_NONE)
		return 0;
	return (g->to == TS_NONE || g->to > a) &&
	       (g->from == TS_NONE || g->from < b);
}

void hc_object(struct html_ctx *x, const char *obj)
{
	if (!obj || !obj[0]) {
		sb_puts(x->sb, "<span class=\"obj none\">object unknown</span>");
		return;
	}
	sb_puts(x->sb, "<span class=\"obj\">");
	hx_path(x->sb, obj);
	sb_puts(x->sb, "</span>");
}

static int role_is(const struct chain_step *s, const char *role)
{
	return s->role && strcmp(s->role, role) == 0;
}

/* The span a finding covers: from its cause (the first close in its
 * chain, or the offending call) to its symptom (the last failure). */
void hc_span(const struct finding *f, struct hc_span *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->dt = TS_NONE;
	sp->dl = -1;
	for (int i = 0; i < f->nchain; i++) {
		const struct chain_step *s = &f->chain[i];
		if (!sp->cause && (role_is(s, "closed") ||
				   role_is(s, "offending")))
			sp->cause = s;
		if (role_is(s, "offending") || role_is(s, "failed") ||
		    role_is(s, "victim"))
			sp->symptom = s;
	}
	if (!sp->cause || !sp->symptom || sp->cause == sp->symptom)
		return;
	sp->ok = 1;
	if (sp->cause->ts != TS_NONE && sp->symptom->ts != TS_NONE)
		sp->dt = sp->symptom->ts - sp->cause->ts;
	if (sp->cause->src.file && sp->symptom->src.file &&
	    strcmp(sp->cause->src.file, sp->symptom->src.file) == 0)
		sp->dl = sp->symptom->src.line - sp->cause->src.line;
}

int hc_role_is(const struct chain_step *s, const char *role)
{
	return role_is(s, role);
}
