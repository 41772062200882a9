/* reports/html_story.c - one finding told so a person can check it line by
 * line: headline and offending call, history newest first (ASan,
 * valgrind), a per-thread interleaving (fdsan), the timeline graphic,
 * where the threads came from, and every other occurrence. */
#include <inttypes.h>
#include <string.h>
#include "html_internal.h"

/* Who did it and who paid for it, as far as the chain tells. */
struct blame {
	int64_t culprit, victim;  /* -1 when none */
};

static int find_offending(const struct finding *f)
{
	for (int i = 0; i < f->nchain; i++)
		if (hc_role_is(&f->chain[i], "offending"))
			return i;
	/* no such role (a leak): the step at the finding's own line */
	for (int i = 0; i < f->nchain; i++)
		if (f->chain[i].src.line == f->src.line && f->src.file &&
		    f->chain[i].src.file &&
		    strcmp(f->chain[i].src.file, f->src.file) == 0)
			return i;
	return -1;
}

static struct blame find_blame(const struct finding *f, int oi)
{
	struct blame b = { f->tid, -1 };
	int end = oi >= 0 ? oi : f->nchain;

	if (f->kind == FK_LEAK) {
		b.culprit = -1;
		return b;
	}
	if (f->kind == FK_DOUBLE_CLOSE)
		return b;
	if (f->kind == FK_USE_AFTER_CLOSE || f->kind == FK_STALE_USE) {
		/* closed under the failing thread by another one: that
		 * one is to blame and the failing thread pays */
		for (int i = end - 1; i >= 0; i--)
			if (hc_role_is(&f->chain[i], "closed")) {
				if (f->chain[i].tid != f->tid) {
					b.culprit = f->chain[i].tid;
					b.victim = f->tid;
					return b;
				}
				break;
			}
	}
	/* a thread blocked on the number, or the owner of the object it
	 * named instead */
	for (int i = 0; i < f->nchain; i++)
		if (hc_role_is(&f->chain[i], "blocked") &&
		    f->chain[i].tid != b.culprit) {
			b.victim = f->chain[i].tid;
			return b;
		}
	for (int i = end - 1; i >= 0; i--)
		if ((hc_role_is(&f->chain[i], "reused") ||
		     hc_role_is(&f->chain[i], "opened")) &&
		    f->chain[i].tid != b.culprit) {
			b.victim = f->chain[i].tid;
			return b;
		}
	for (int i = end; i < f->nchain; i++)
		if ((hc_role_is(&f->chain[i], "victim") ||
		     hc_role_is(&f->chain[i], "failed")) &&
		    f->chain[i].tid != b.culprit) {
			b.victim = f->chain[i].tid;
			return b;
		}
	return b;
}

static void blame_tag(struct html_ctx *x, const struct blame *b, int64_t tid)
{
	if (tid == b->culprit)
		sb_puts(x->sb, " <span class=\"tag culprit\">culprit</span>");
	else if (tid == b->victim)
		sb_puts(x->sb, " <span class=\"tag victim\">victim</span>");
}

/* the handle table of a listed generation, or 0 when it is not listed */
static int gen_table(struct html_ctx *x, int64_t pid, int64_t h, int gen)
{
	const struct generation_info *g = hc_gen(x, pid, h, gen);

	if (!g)
		return 0;
	return g->table > 0 ? g->table : 1;
}

/* "#3", linked to the Handles table when that generation is listed */
static void gen_ref(struct html_ctx *x, const struct finding *f, int gen)
{
	int table;

	if (gen <= 0)
		return;
	table = gen_table(x, f->pid, f->handle, gen);
	if (table)
		sb_printf(x->sb, " <a class=\"gen\" href=\"#H%d-%" PRId64
			  "-%d\" title=\"generation %d of this number\">#%d"
			  "</a>", table, f->handle, gen, gen, gen);
	else
		sb_printf(x->sb, " <span class=\"gen\" title=\"generation %d "
			  "of this number\">#%d</span>", gen, gen);
}

/* the role as a class name and label: a short lower-case word */
static const char *role_word(const struct chain_step *s)
{
	size_t n = s->role ? strlen(s->role) : 0;

	if (n == 0 || n > 20 ||
	    strspn(s->role, "abcdefghijklmnopqrstuvwxyz-") != n)
		return "other";
	return s->role;
}

static int creates(const struct chain_step *s)
{
	return hc_role_is(s, "opened") || hc_role_is(s, "reused") ||
	       hc_role_is(s, "created") || hc_role_is(s, "duplicated");
}

static int acts_on_handle(const struct chain_step *s)
{
	static const char *const roles[] = {
		"closed", "used", "offending", "failed", "victim", "blocked",
	};
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (hc_role_is(s, roles[i]))
			return 1;
	return 0;
}

/* "close(8) = 0", "openat(…) = 8": the call as one short token */
static void call_token(struct html_ctx *x, const struct finding *f,
		       const struct chain_step *s)
{
	struct strbuf *sb = x->sb;

	sb_puts(sb, "<code class=\"call\">");
	hx_text(sb, s->call && s->call[0] ? s->call : "?");
	sb_putc(sb, '(');
	if (creates(s)) {
		/* what matters is the number it handed out */
		sb_puts(sb, "\xe2\x80\xa6) \xe2\x86\x92 ");
		hc_handle_num(x, f->handle);
		sb_puts(sb, "</code>");
		return;
	}
	if (acts_on_handle(s))
		hc_handle_num(x, f->handle);
	else
		sb_puts(sb, "\xe2\x80\xa6");
	sb_putc(sb, ')');
	if (s->result && s->result[0]) {
		sb_puts(sb, " = ");
		hx_text(sb, s->result);
	}
	sb_puts(sb, "</code>");
}

static void where_line(struct html_ctx *x, const struct chain_step *s)
{
	struct strbuf *sb = x->sb;

	sb_puts(sb, "<div class=\"where\">");
	hc_loc(x, &s->src);
	if (s->end_line > s->src.line)
		sb_printf(sb, "<span class=\"muted\">\xe2\x80\x93%ld</span>",
			  s->end_line);
	if (s->time && s->time[0] &&
	    (s->ts == TS_NONE || x->clk.clock == TSC_NONE)) {
		sb_puts(sb, " <span class=\"sep\">\xc2\xb7</span> <span "
			"class=\"abs\">");
		hx_text(sb, s->time);
		sb_puts(sb, "</span>");
	}
	if (s->ts != TS_NONE) {
		sb_puts(sb, " <span class=\"sep\">\xc2\xb7</span> ");
		hc_reltime(x, s->ts);
	}
	if (s->cpu >= 0)
		sb_printf(sb, " <span class=\"sep\">\xc2\xb7</span> "
			  "<span class=\"cpu\">CPU %d</span>", s->cpu);
	sb_puts(sb, "</div>\n");
}

static void raw_block(struct html_ctx *x, const struct chain_step *s)
{
	struct strbuf *sb = x->sb;

	if (s->raw && s->raw[0]) {
		sb_puts(sb, "<pre class=\"raw\">");
		hx_raw(sb, s->raw);
		sb_puts(sb, "</pre>\n");
	} else {
		sb_puts(sb, "<p class=\"muted small\">(raw trace text not "
			"kept)</p>\n");
	}
	if (s->stack && s->stack[0]) {
		const char *p = s->stack;
		int lines = 0;
		sb_puts(sb, "<pre class=\"stack\">");
		while (*p && lines < HTML_STACK_LINES) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			hx_textn(sb, p, n);
			sb_putc(sb, '\n');
			lines++;
			p += n + (e != NULL);
		}
		if (*p)
			sb_puts(sb, "<span class=\"cap\">\xe2\x80\xa6 more stack "
				"frames not shown</span>");
		sb_puts(sb, "</pre>\n");
	}
}

/* A link to finding id where the page shows it; a triage selection may
 * leave it out (its root cause, what followed), and then it is named
 * without a link that would lead nowhere. */
static void finding_ref(struct html_ctx *x, int id)
{
	if (finding_by_id(x->d->f, x->d->nf, id))
		sb_printf(x->sb, "<a href=\"#F%d\">F%d</a>", id, id);
	else
		sb_printf(x->sb, "F%d <span class=\"muted\">(not in this "
			  "selection)</span>", id);
}

/* The title of one history block: "closed by thread T here:". */
static void step_title(struct html_ctx *x, const struct finding *f,
		       const struct chain_step *s, int oldest)
{
	struct strbuf *sb = x->sb;
	const char *r = s->role ? s->role : "step";

	if (hc_role_is(s, "opened"))
		sb_puts(sb, oldest ? "originally opened by " : "opened by ");
	else if (hc_role_is(s, "closed"))
		sb_puts(sb, "closed by ");
	else if (hc_role_is(s, "reused"))
		sb_puts(sb, "number reused by ");
	else if (hc_role_is(s, "used"))
		sb_puts(sb, "used by ");
	else if (hc_role_is(s, "duplicated"))
		sb_puts(sb, "duplicated onto it by ");
	else if (hc_role_is(s, "created"))
		sb_puts(sb, "created by ");
	else if (hc_role_is(s, "blocked"))
		sb_puts(sb, "a call blocked on it in ");
	else if (hc_role_is(s, "exited"))
		sb_puts(sb, "still open when its process ended, in ");
	else if (hc_role_is(s, "failed"))
		sb_puts(sb, "then failed in ");
	else if (hc_role_is(s, "victim"))
		sb_puts(sb, "then hit ");
	else {
		hx_text(sb, r);
		sb_puts(sb, " by ");
	}
	hc_thread(x, s->tid);
	sb_puts(sb, " here");
	if (creates(s)) {
		sb_puts(sb, ", as ");
		hc_object(x, s->object);
	} else if (s->object && s->object[0]) {
		sb_puts(sb, ", naming ");
		hc_object(x, s->object);
	}
	gen_ref(x, f, s->generation);
	sb_puts(sb, ":");
}

static void step_block(struct html_ctx *x, const struct finding *f,
		       const struct chain_step *s, int oldest,
		       const struct blame *b)
{
	struct strbuf *sb = x->sb;

	sb_printf(sb, "<li class=\"step r-%s\"><div class=\"what\">",
		  role_word(s));
	step_title(x, f, s, oldest);
	blame_tag(x, b, s->tid);
	sb_puts(sb, " ");
	call_token(x, f, s);
	sb_puts(sb, "</div>\n");
	where_line(x, s);
	raw_block(x, s);
	sb_puts(sb, "</li>\n");
}

static void headline(struct html_ctx *x, const struct finding *f,
		     int nmembers)
{
	struct strbuf *sb = x->sb;
	const char *sev = hc_sev_name(f->severity);

	sb_printf(sb, "<h3><a class=\"fid\" href=\"#F%d\">F%d</a> "
		  "<span class=\"sev %s\">%s</span> <span class=\"kind\">%s"
		  "</span> on <b>", f->id, f->id, sev, sev,
		  hc_kind_name(f->kind));
	hc_handle(x, f->handle);
	sb_puts(sb, "</b> <span class=\"muted\">in ");
	hc_process(x, f->process_name, f->pid);
	sb_puts(sb, "</span>");
	if (f->call && f->call[0]) {
		sb_puts(sb, " \xe2\x80\x94 <code>");
		hx_text(sb, f->call);
		sb_puts(sb, "()</code>");
		if (f->error && f->error[0]) {
			sb_puts(sb, " failed with <code>");
			hx_text(sb, f->error);
			sb_puts(sb, "</code>");
		}
		sb_puts(sb, " in ");
		hc_thread(x, f->tid);
	}
	if (nmembers > 1)
		sb_printf(sb, " <span class=\"count\">\xc3\x97%d</span>",
			  nmembers);
	sb_puts(sb, "</h3>\n");
	if (f->message && f->message[0]) {
		sb_puts(sb, "<p class=\"msg\">");
		hx_text(sb, f->message);
		sb_puts(sb, "</p>\n");
	}
	if (f->caused_by) {
		sb_puts(sb, "<p class=\"cause\">Follows from ");
		finding_ref(x, f->caused_by);
		sb_puts(sb, ", its root cause.</p>\n");
	}
	if (f->nconsequences) {
		sb_puts(sb, "<p class=\"cause\">What followed from it:");
		for (int i = 0; i < f->nconsequences; i++) {
			sb_puts(sb, i ? ", " : " ");
			finding_ref(x, f->consequences[i]);
		}
		sb_puts(sb, "</p>\n");
	}
}

/* The generation the offending thread last knew, before the number
 * changed under it. */
static int expected_gen(const struct finding *f, int oi)
{
	int now = oi >= 0 ? f->chain[oi].generation : 0;

	for (int i = (oi >= 0 ? oi : f->nchain) - 1; i >= 0; i--)
		if (f->chain[i].tid == f->tid && f->chain[i].generation > 0 &&
		    f->chain[i].generation != now)
			return f->chain[i].generation;
	return 0;
}

static void objects_box(struct html_ctx *x, const struct finding *f, int oi)
{
	struct strbuf *sb = x->sb;
	int eg = expected_gen(f, oi);

	sb_puts(sb, "<ul class=\"objects\">\n<li><span class=\"k\">");
	hc_handle(x, f->handle);
	sb_puts(sb, " named</span> ");
	hc_object(x, f->object);
	if (oi >= 0)
		gen_ref(x, f, f->chain[oi].generation);
	sb_puts(sb, "</li>\n");
	if ((f->expected && f->expected[0] &&
	     (!f->object || strcmp(f->expected, f->object) != 0)) || eg) {
		sb_puts(sb, "<li><span class=\"k\">");
		hc_thread(x, f->tid);
		sb_puts(sb, " expected</span> ");
		hc_object(x, f->expected);
		gen_ref(x, f, eg);
		sb_puts(sb, "</li>\n");
	}
	sb_puts(sb, "</ul>\n");
}

static void offending_block(struct html_ctx *x, const struct finding *f,
			    int oi, const struct blame *b)
{
	struct strbuf *sb = x->sb;
	struct chain_step tmp;
	const struct chain_step *s;

	if (oi >= 0) {
		s = &f->chain[oi];
	} else {
		/* no offending step in the chain: tell it from the finding */
		memset(&tmp, 0, sizeof tmp);
		tmp.role = "offending";
		tmp.pid = f->pid;
		tmp.tid = f->tid;
		tmp.cpu = -1;
		tmp.call = f->call;
		tmp.object = f->object;
		tmp.result = f->error;
		tmp.time = f->time;
		tmp.ts = f->ts;
		tmp.src = f->src;
		s = &tmp;
	}
	sb_puts(sb, "<div class=\"offending\">\n<div class=\"what\">");
	if (f->kind == FK_LEAK) {
		sb_puts(sb, "still open when its process ended; opened by ");
	} else {
		sb_puts(sb, "<b>");
		hx_text(sb, s->call && s->call[0] ? s->call : "the call");
		sb_puts(sb, "()</b> ");
		if (f->error && f->error[0]) {
			sb_puts(sb, "failed with <b>");
			hx_text(sb, f->error);
			sb_puts(sb, "</b> in ");
		} else {
			sb_puts(sb, "by ");
		}
	}
	hc_thread(x, s->tid);
	sb_puts(sb, " here:");
	blame_tag(x, b, s->tid);
	sb_puts(sb, " ");
	call_token(x, f, s);
	sb_puts(sb, "</div>\n");
	where_line(x, s);
	raw_block(x, s);
	sb_puts(sb, "</div>\n");
}

/* "In order: A opened … → A closed it … → …" in one line. */
static void in_order(struct html_ctx *x, const struct finding *f)
{
	struct strbuf *sb = x->sb;
	int n = f->nchain;

	if (n < 2 || n > HTML_CHAIN_CAP)
		return;
	sb_puts(sb, "<p class=\"inorder\"><span class=\"lbl\">What happened, "
		"in order:</span> ");
	for (int i = 0; i < n; i++) {
		const struct chain_step *s = &f->chain[i];
		if (i)
			sb_puts(sb, " <span class=\"arrow\">\xe2\x86\x92"
				"</span> ");
		hc_thread(x, s->tid);
		sb_putc(sb, ' ');
		if (creates(s)) {
			int reuse = hc_role_is(s, "reused");
			sb_puts(sb, reuse ? "got number " : "opened ");
			if (reuse)
				hc_handle_num(x, f->handle);
			else
				hc_handle(x, f->handle);
			sb_puts(sb, " for ");
			hc_object(x, s->object);
		} else if (hc_role_is(s, "closed")) {
			sb_puts(sb, "closed ");
			if (i == 0)
				hc_handle(x, f->handle);
			else
				sb_puts(sb, "it");
			if (s->object && s->object[0]) {
				sb_puts(sb, " (");
				hc_object(x, s->object);
				sb_puts(sb, ")");
			}
		} else if (hc_role_is(s, "offending") &&
			   f->kind == FK_STALE_CLOSE) {
			sb_puts(sb, "closed it again, destroying ");
			hc_object(x, s->object);
		} else if (hc_role_is(s, "offending") &&
			   f->kind == FK_DOUBLE_CLOSE) {
			sb_puts(sb, "closed it again: ");
			call_token(x, f, s);
		} else {
			sb_puts(sb, "called ");
			call_token(x, f, s);
		}
		sb_printf(sb, " <span class=\"muted\">(line %ld)</span>",
			  s->src.line);
	}
	sb_puts(sb, ".</p>\n");
}

/* The losses that fall between two steps of a story, in time order a
 * then b: a call lost there may change it.  As list items (row = 0) or
 * lanes rows spanning ncols columns. */
static void lost_between(struct html_ctx *x, const struct chain_step *a,
			 const struct chain_step *b, int row, int ncols)
{
	struct strbuf *sb = x->sb;
	const struct capture *c = x->d->c;

	for (int i = 0; i < c->ninputs; i++)
		for (int k = 0; k < c->inputs[i].ngaps; k++) {
			const struct trace_gap *g = &c->inputs[i].gaps[k];
			if (!hc_gap_between(g, a->ts, b->ts))
				continue;
			if (row)
				sb_printf(sb, "<tr class=\"lost\"><td colspan="
					  "\"%d\">", ncols);
			else
				sb_puts(sb, "<li class=\"lost\">");
			sb_puts(sb, "\xe2\x80\xa6 ");
			hc_gap(x, g);
			sb_puts(sb, ": a call lost here may change this story "
				"\xe2\x80\xa6");
			sb_puts(sb, row ? "</td></tr>\n" : "</li>\n");
		}
}

static void history(struct html_ctx *x, const struct finding *f, int oi,
		    const struct blame *b)
{
	struct strbuf *sb = x->sb;
	int end = oi >= 0 ? oi : f->nchain;
	int shown = 0;

	if (end > 0) {
		sb_puts(sb, "<h4>History of this number, newest first</h4>\n"
			"<ol class=\"history\">\n");
		for (int i = end - 1; i >= 0; i--) {
			if (shown == HTML_CHAIN_CAP - 1 && i > 0) {
				sb_printf(sb, "<li class=\"gap\">\xe2\x80\xa6 %d "
					  "earlier step%s not shown \xe2\x80\xa6"
					  "</li>\n", i, i == 1 ? "" : "s");
				i = 0;
			}
			/* newest first: a loss after this step comes
			 * before it (the offending call is above) */
			if (i + 1 < f->nchain && i + 1 <= end)
				lost_between(x, &f->chain[i], &f->chain[i + 1],
					     0, 0);
			step_block(x, f, &f->chain[i], i == 0, b);
			shown++;
		}
		sb_puts(sb, "</ol>\n");
	}
	if (oi >= 0 && oi + 1 < f->nchain) {
		int left = HTML_CHAIN_CAP;
		sb_puts(sb, "<h4>Afterwards</h4>\n<ol class=\"history\">\n");
		for (int i = oi + 1; i < f->nchain && left > 0; i++, left--) {
			lost_between(x, &f->chain[i - 1], &f->chain[i], 0, 0);
			step_block(x, f, &f->chain[i], 0, b);
		}
		if (f->nchain - oi - 1 > HTML_CHAIN_CAP)
			sb_printf(sb, "<li class=\"gap\">\xe2\x80\xa6 %d later "
				  "steps not shown</li>\n",
				  f->nchain - oi - 1 - HTML_CHAIN_CAP);
		sb_puts(sb, "</ol>\n");
	}
}

#define MAX_COLS 8

static void interleaving(struct html_ctx *x, const struct finding *f,
			 int oi, const struct blame *b)
{
	struct strbuf *sb = x->sb;
	int64_t cols[MAX_COLS];
	int ncols = 0, more = 0;

	if (f->nchain == 0)
		return;
	for (int i = 0; i < f->nchain; i++) {
		int k;
		for (k = 0; k < ncols; k++)
			if (cols[k] == f->chain[i].tid)
				break;
		if (k == ncols) {
			if (ncols < MAX_COLS)
				cols[ncols++] = f->chain[i].tid;
			else
				more = 1;
		}
	}
	sb_puts(sb, "<h4>Interleaving on ");
	hc_handle(x, f->handle);
	sb_puts(sb, ", one column per thread, time running down</h4>\n"
		"<div class=\"scroll\"><table class=\"lanes\">\n"
		"<colgroup><col class=\"t\"><col class=\"l\">");
	for (int k = 0; k < ncols; k++)
		sb_puts(sb, "<col>");
	sb_puts(sb, "</colgroup>\n<thead><tr><th class=\"num\">time</th>"
		"<th class=\"num\">line</th>");
	for (int k = 0; k < ncols; k++) {
		sb_puts(sb, "<th class=\"th\">");
		hc_thread(x, cols[k]);
		blame_tag(x, b, cols[k]);
		sb_puts(sb, "</th>");
	}
	sb_puts(sb, "</tr></thead>\n<tbody>\n");
	const struct chain_step *prev = NULL;
	for (int i = 0; i < f->nchain; i++) {
		const struct chain_step *s = &f->chain[i];
		const char *cls = "";
		if (f->nchain > HTML_CHAIN_CAP && i == 2) {
			int skip = f->nchain - HTML_CHAIN_CAP;
			sb_printf(sb, "<tr class=\"gap\"><td colspan=\"%d\">"
				  "\xe2\x80\xa6 %d steps not shown \xe2\x80\xa6"
				  "</td></tr>\n", ncols + 2, skip);
			i += skip - 1;
			continue;
		}
		if (prev)
			lost_between(x, prev, s, 1, ncols + 2);
		prev = s;
		if (i == oi)
			cls = "hl-off";
		else if (hc_role_is(s, "closed") && s->tid == b->culprit)
			cls = "hl-cause";
		else if ((hc_role_is(s, "failed") || hc_role_is(s, "victim")))
			cls = "hl-off";
		sb_printf(sb, "<tr class=\"%s\"><td class=\"num\">", cls);
		hc_reltime(x, s->ts);
		sb_printf(sb, "</td><td class=\"num\">%ld</td>", s->src.line);
		for (int k = 0; k < ncols; k++) {
			if (cols[k] != s->tid) {
				sb_puts(sb, "<td class=\"idle\"></td>");
				continue;
			}
			sb_printf(sb, "<td class=\"ev r-%s\"><span "
				  "class=\"role\">%s</span> ", role_word(s),
				  role_word(s));
			call_token(x, f, s);
			if (s->object && s->object[0]) {
				sb_puts(sb, "<div class=\"obj-line\">");
				hc_object(x, s->object);
				gen_ref(x, f, s->generation);
				sb_puts(sb, "</div>");
			}
			sb_puts(sb, "</td>");
		}
		sb_puts(sb, "</tr>\n");
	}
	sb_puts(sb, "</tbody>\n</table></div>\n");
	if (more)
		sb_printf(sb, "<p class=\"cap\">Only the first %d threads get "
			  "a column.</p>\n", MAX_COLS);
}

static void threads_block(struct html_ctx *x, const struct finding *f,
			  const struct blame *b)
{
	struct strbuf *sb = x->sb;
	int64_t seen[MAX_COLS + 1];
	int nseen = 0;

	sb_puts(sb, "<h4>Threads</h4>\n<ul class=\"threads\">\n");
	for (int i = -1; i < f->nchain && nseen <= MAX_COLS; i++) {
		int64_t tid = i < 0 ? f->tid : f->chain[i].tid;
		const struct task_info *t;
		int k;
		for (k = 0; k < nseen; k++)
			if (seen[k] == tid)
				break;
		if (k < nseen)
			continue;
		seen[nseen++] = tid;
		t = hc_task(x, tid);
		sb_puts(sb, "<li>");
		hc_thread(x, tid);
		blame_tag(x, b, tid);
		sb_puts(sb, ": ");
		if (!t) {
			sb_puts(sb, "no record of where it came from.</li>\n");
			continue;
		}
		if (t->tid == t->pid)
			sb_puts(sb, "main thread of ");
		else if (t->is_thread)
			sb_puts(sb, "a thread of ");
		hc_process(x, t->program, t->pid);
		if (t->created.line > 0) {
			sb_puts(sb, ", created by ");
			if (t->parent_tid >= 0)
				hc_thread(x, t->parent_tid);
			else
				sb_puts(sb, "an unknown thread");
			sb_puts(sb, " at ");
			hc_loc(x, &t->created);
		} else {
			sb_puts(sb, ", already running when the trace began");
		}
		sb_puts(sb, ".</li>\n");
	}
	sb_puts(sb, "</ul>\n");
}

static void summary_line(struct html_ctx *x, const struct finding *f)
{
	struct strbuf *sb = x->sb;

	struct strbuf lb;

	/* the text report's line (label.c), then the fingerprint */
	sb_init(&lb);
	label_summary(&lb, f);
	sb_puts(sb, "<p class=\"sumline\">SUMMARY: handletrail: ");
	hx_text(sb, lb.s);
	sb_free(&lb);
	sb_puts(sb, " <span class=\"fp\" title=\"fingerprint: the same for "
		"the same finding in any run, independent of line "
		"numbers\">[");
	hx_text(sb, f->fingerprint);
	sb_puts(sb, "]</span></p>\n");
}

static void occurrences(struct html_ctx *x, const struct finding *const *m,
			int n, int by_stack, int *anchors_left)
{
	struct strbuf *sb = x->sb;
	const struct finding *first = m[0], *last = m[0];
	int mixed = 0;
	int rows = n - 1 < HTML_OCC_ROWS ? n - 1 : HTML_OCC_ROWS;
	int i;

	for (i = 1; i < n; i++) {
		if (m[i]->id < first->id)
			first = m[i];
		if (m[i]->id > last->id)
			last = m[i];
		mixed |= m[i]->kind != m[0]->kind ||
			 m[i]->severity != m[0]->severity;
	}
	sb_printf(sb, "<div class=\"occ\"><h4>Seen %d times %s</h4>\n"
		  "<p>First: <a href=\"#F%d\">F%d</a> at ", n,
		  by_stack ? "from the same call stack" : "the same way",
		  first->id, first->id);
	hc_loc(x, &first->src);
	sb_puts(sb, " ");
	hc_reltime(x, first->ts);
	sb_printf(sb, "; last: <a href=\"#F%d\">F%d</a> at ", last->id,
		  last->id);
	hc_loc(x, &last->src);
	sb_puts(sb, " ");
	hc_reltime(x, last->ts);
	if (mixed)
		sb_puts(sb, ". The story above is the worst of them; each row "
			"says how another ended: a second close that destroyed "
			"another thread's object is an error, one that found "
			"the number unused a warning");
	else
		sb_puts(sb, ". The story above is one of them; the others "
			"differ in threads, numbers, objects and lines");
	if (!by_stack)
		sb_puts(sb, ". The same program, thread and calls tie them; "
			"without -k stacks the trace cannot show whether they "
			"come from one place in the code");
	sb_puts(sb, ".</p>\n");
	sb_puts(sb, "<table class=\"occs\"><thead><tr><th>#</th>"
		"<th>finding</th><th>thread"
		"</th><th class=\"num\">handle</th><th>object</th>"
		"<th class=\"num\">time</th><th>trace line</th></tr></thead>"
		"<tbody>\n");
	for (i = 1; i <= rows && *anchors_left > 0; i++, (*anchors_left)--) {
		const struct finding *f = m[i];
		sb_printf(sb, "<tr id=\"F%d\"><td><a href=\"#F%d\">F%d</a></td>"
			  "<td><span class=\"sev %s\">%s</span> %s</td><td>",
			  f->id, f->id, f->id, hc_sev_name(f->severity),
			  hc_sev_name(f->severity), hc_kind_name(f->kind));
		hc_thread(x, f->tid);
		sb_puts(sb, "</td><td class=\"num\">");
		hc_handle_num(x, f->handle);
		sb_puts(sb, "</td><td>");
		hc_object(x, f->object);
		sb_puts(sb, "</td><td class=\"num\">");
		hc_reltime(x, f->ts);
		sb_puts(sb, "</td><td>");
		hc_loc(x, &f->src);
		sb_puts(sb, "</td></tr>\n");
	}
	sb_puts(sb, "</tbody></table>\n");
	if (i < n) {
		int from = i;
		sb_puts(sb, "<p class=\"more\">");
		for (; i < n && *anchors_left > 0; i++, (*anchors_left)--)
			sb_printf(sb, "<a id=\"F%d\" href=\"#F%d\">F%d</a>"
				  "<span class=\"muted\">:%ld</span> ",
				  m[i]->id, m[i]->id, m[i]->id,
				  m[i]->src.line);
		sb_puts(sb, "</p>\n");
		if (i < n)
			sb_printf(sb, "<p class=\"cap\">%d further occurrences "
				  "(of %d) are not listed here; the JSON report "
				  "has them.</p>\n", n - i, n);
		else if (i > from)
			sb_printf(sb, "<p class=\"cap\">Occurrences after the "
				  "first %d are listed by id and line only."
				  "</p>\n", HTML_OCC_ROWS + 1);
	}
	sb_puts(sb, "</div>\n");
}

/* One line for a finding that followed from the card's root, pointing at
 * its step; its own story folded in a <details>. */
static void follower(struct html_ctx *x, const struct finding *f,
		     const struct finding *head, int from,
		     int *anchors_left)
{
	struct strbuf *sb = x->sb;
	const char *sev = hc_sev_name(f->severity);
	int oi = find_offending(f);
	struct blame b = find_blame(f, oi);

	if (*anchors_left > 0) {
		sb_printf(sb, "<li id=\"F%d\">", f->id);
		(*anchors_left)--;
	} else {
		sb_puts(sb, "<li>");
	}
	sb_printf(sb, "<a class=\"fid\" href=\"#F%d\">F%d</a> <span "
		  "class=\"sev %s\">%s</span> <span class=\"kind\">%s</span> "
		  "at ", f->id, f->id, sev, sev, hc_kind_name(f->kind));
	hc_loc(x, &f->src);
	sb_puts(sb, ": ");
	hc_thread(x, f->tid);
	if (f->call && f->call[0]) {
		sb_puts(sb, " <code>");
		hx_text(sb, f->call);
		sb_puts(sb, "()</code>");
	}
	sb_puts(sb, " on ");
	hc_handle(x, f->handle);
	if (f->object && f->object[0]) {
		sb_puts(sb, " (");
		hc_object(x, f->object);
		sb_puts(sb, ")");
	}
	if (f->error && f->error[0]) {
		sb_puts(sb, " failed with <code>");
		hx_text(sb, f->error);
		sb_puts(sb, "</code>");
	}
	if (from != head->id) {
		sb_puts(sb, " <span class=\"muted\">(after ");
		finding_ref(x, from);
		sb_puts(sb, ")</span>");
	}
	sb_puts(sb, "\n<details><summary>its story</summary>\n");
	if (f->message && f->message[0]) {
		sb_puts(sb, "<p class=\"msg\">");
		hx_text(sb, f->message);
		sb_puts(sb, "</p>\n");
	}
	offending_block(x, f, oi, &b);
	history(x, f, oi, &b);
	if (f->evidence && f->evidence[0]) {
		sb_puts(sb, "<p class=\"evidence\"><span class=\"lbl\">"
			"Why this verdict:</span> ");
		hx_text(sb, f->evidence);
		sb_puts(sb, "</p>\n");
	}
	sb_printf(sb, "<p class=\"sumline\">fingerprint <span class=\"fp\">"
		  "[%s]</span></p>\n</details></li>\n", f->fingerprint);
}

/* What followed from the card's roots, one line each, in id order. */
static void followers(struct html_ctx *x, const struct card *c,
		      const struct card_set *cs, const struct finding *base,
		      int *anchors_left)
{
	struct strbuf *sb = x->sb;

	if (!c->nfollow)
		return;
	sb_printf(sb, "<div class=\"follow\"><h4>What followed (%d)</h4>\n"
		  "<p class=\"lead\">Findings that follow from this root "
		  "cause: each points at its step; open one for its own "
		  "story.</p>\n<ul class=\"follow\">\n", c->nfollow);
	for (int i = 0; i < c->nfollow; i++) {
		const struct finding *f = c->follow[i];
		follower(x, f, c->roots[0], base[cs->root[f - base]].id,
			 anchors_left);
	}
	sb_puts(sb, "</ul></div>\n");
}

void html_story(struct html_ctx *x, const struct card *c,
		const struct card_set *cs, const struct finding *base,
		int full, int *anchors_left)
{
	struct strbuf *sb = x->sb;
	const struct finding *const *members = c->roots;
	int nmembers = c->nroots;
	const struct finding *f = members[0];
	int oi = find_offending(f);
	struct blame b = find_blame(f, oi);

	sb_printf(sb, "<section class=\"finding sev-%s\" id=\"F%d\" "
		  "data-kind=\"%s\" data-sev=\"%s\">\n",
		  hc_sev_name(f->severity), f->id, hc_kind_name(f->kind),
		  hc_sev_name(f->severity));
	headline(x, f, nmembers);
	if (full)
		in_order(x, f);
	offending_block(x, f, oi, &b);
	objects_box(x, f, oi);
	if (full) {
		sb_puts(sb, "<div class=\"story\">\n");
		history(x, f, oi, &b);
		interleaving(x, f, oi, &b);
		html_svg_timeline(x, f, b.culprit, b.victim);
		threads_block(x, f, &b);
		if (f->evidence && f->evidence[0]) {
			sb_puts(sb, "<p class=\"evidence\"><span class=\"lbl\">"
				"Why this verdict:</span> ");
			hx_text(sb, f->evidence);
			sb_puts(sb, "</p>\n");
		}
		sb_puts(sb, "</div>\n");
	} else {
		sb_printf(sb, "<p class=\"cap\">Full story omitted: this "
			  "report draws it for the first %d root-cause cards "
			  "only.</p>\n", HTML_STORY_CAP);
	}
	summary_line(x, f);
	followers(x, c, cs, base, anchors_left);
	if (nmembers > 1)
		occurrences(x, members, nmembers, card_by_stack(c),
			    anchors_left);
	sb_puts(sb, "</section>\n");
}
