/* reports/html_page.c - the HTML report page: header with the inputs and
 * what they could not show, summary and findings table, one story per
 * root-cause card (reports/cards.c), the Handles and Unexplained
 * sections. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "html_internal.h"

static void page_head(struct html_ctx *x, int nerr, int nwarn)
{
	struct strbuf *sb = x->sb;
	const struct capture *c = x->d->c;
	char css_hash[64], js_hash[64];

	html_csp_hash(css_hash, html_css);
	html_csp_hash(js_hash, html_js);
	sb_puts(sb, "<!DOCTYPE html>\n<html lang=\"en\" class=\"nojs\">\n"
		"<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n");
	/* Only this page's own style and script may run; nothing loads. */
	sb_printf(sb, "<meta http-equiv=\"Content-Security-Policy\" "
		  "content=\"default-src 'none'; style-src %s; script-src %s; "
		  "img-src data:; base-uri 'none'; form-action 'none'\">\n",
		  css_hash, js_hash);
	sb_puts(sb, "<meta name=\"generator\" content=\"handletrail "
		HT_VERSION "\">\n<link rel=\"icon\" href=\"data:,\">\n"
		"<title>handletrail: ");
	hx_attr(sb, c->name ? c->name : "capture");
	if (nerr || nwarn)
		sb_printf(sb, " \xe2\x80\x94 %d error%s, %d warning%s", nerr,
			  nerr == 1 ? "" : "s", nwarn, nwarn == 1 ? "" : "s");
	else
		sb_puts(sb, " \xe2\x80\x94 no errors or warnings");
	sb_printf(sb, "</title>\n<style>%s</style>\n</head>\n", html_css);
}

/* How much of the findings the page tells, honestly: the caps of
 * html_internal.h fold the rest. */
static void told(struct html_ctx *x, int ngroups, int nf)
{
	struct strbuf *sb = x->sb;
	int drawn = ngroups < HTML_GROUP_CAP ? ngroups : HTML_GROUP_CAP;
	int full = ngroups < HTML_STORY_CAP ? ngroups : HTML_STORY_CAP;
	int listed = nf < HTML_ROW_CAP ? nf : HTML_ROW_CAP;

	if (full == ngroups)
		sb_puts(sb, "Each root cause is told as a story below, with the "
			"trace lines it rests on and what followed from it");
	else
		sb_printf(sb, "The first %d root-cause cards are told as a "
			  "story below; %d more show their headline and "
			  "offending call only", full, drawn - full);
	if (drawn < ngroups)
		sb_printf(sb, ", and %d more are not drawn", ngroups - drawn);
	if (ngroups < nf)
		sb_puts(sb, "; what followed from a root cause is folded "
			"under its card, and each bug is told once, the other "
			"times it occurred listed under it");
	if (listed < nf)
		sb_printf(sb, ". The table lists the first %d of the %d "
			  "findings; the JSON report has them all", listed,
			  nf);
	else
		sb_puts(sb, ". The table lists every finding: filter it by "
			"field (fd:5, tid:17208, kind:stale-close)");
	sb_puts(sb, ".");
}

static void verdict(struct html_ctx *x, const int *by_sev, int ngroups)
{
	struct strbuf *sb = x->sb;
	int nerr = by_sev[SEV_ERROR], nwarn = by_sev[SEV_WARNING];
	int nnote = by_sev[SEV_NOTE];

	if (x->d->c->fatal) {
		sb_puts(sb, "<p class=\"banner fatal\"><b>Input broke off:"
			"</b> ");
		hx_text(sb, x->d->c->fatal);
		sb_puts(sb, " \xe2\x80\x94 everything below is from the part "
			"read before that point.</p>\n");
	}
	struct strbuf said;
	sb_init(&said);
	if (x->d->c && capture_selection_said(x->d->c, &said)) {
		sb_puts(sb, "<p class=\"banner warning\"><b>Selection:</b> ");
		hx_text(sb, said.s);
		sb_puts(sb, ". The counts below are of the findings shown; "
			"run without the triage options for all.</p>\n");
	}
	sb_free(&said);
	if (x->d->st && (x->d->st->findings_dropped ||
			 x->d->st->unexplained_dropped))
		sb_printf(sb, "<p class=\"banner warning\"><b>Capped:</b> the "
			  "analysis kept the first findings only; %ld more "
			  "findings and %ld more unexplained failures were "
			  "counted but not kept.</p>\n",
			  x->d->st->findings_dropped,
			  x->d->st->unexplained_dropped);
	if (nerr || nwarn) {
		sb_printf(sb, "<p class=\"banner %s\"><b>%s:</b> ",
			  nerr ? "error" : "warning",
			  nerr ? "ERROR" : "WARNING");
		sb_printf(sb, "%d error%s, %d warning%s", nerr,
			  nerr == 1 ? "" : "s", nwarn, nwarn == 1 ? "" : "s");
		if (nnote)
			sb_printf(sb, ", %d note%s", nnote,
				  nnote == 1 ? "" : "s");
		if (ngroups < nerr + nwarn + nnote)
			sb_printf(sb, " in %d root-cause card%s", ngroups,
				  ngroups == 1 ? "" : "s");
		sb_puts(sb, " in this capture. ");
		told(x, ngroups, nerr + nwarn + nnote);
		sb_puts(sb, "</p>\n");
	} else {
		sb_puts(sb, "<p class=\"banner clean\"><b>No errors or "
			"warnings</b>");
		if (nnote)
			sb_printf(sb, " (%d note%s)", nnote,
				  nnote == 1 ? "" : "s");
		sb_puts(sb, ". A clean result only means as much as the "
			"capture could show: check its limits below.</p>\n");
	}
}

/* time span of the capture, from the timeline, else from the inputs */
static void capture_span(struct html_ctx *x, int64_t *a, int64_t *b)
{
	const struct html_data *d = x->d;

	*a = *b = TS_NONE;
	if (d->st && d->st->ts_first != TS_NONE) {
		*a = d->st->ts_first;
		*b = d->st->ts_last;
		return;
	}
	for (int i = 0; i < d->c->ninputs; i++) {
		const struct input_stats *in = &d->c->inputs[i];
		if (in->ts_first != TS_NONE &&
		    (*a == TS_NONE || in->ts_first < *a))
			*a = in->ts_first;
		if (in->ts_last != TS_NONE &&
		    (*b == TS_NONE || in->ts_last > *b))
			*b = in->ts_last;
	}
}

/* Every loss the tracer said, where and when: a finding whose evidence
 * spans one is only a note. */
static void losses_table(struct html_ctx *x, const struct input_stats *in)
{
	struct strbuf *sb = x->sb;

	if (!in->ngaps)
		return;
	sb_printf(sb, "<table class=\"skips lost\"><caption>Events the tracer "
		  "lost (%d loss%s: calls are missing there)</caption>\n"
		  "<thead><tr><th>CPU</th><th class=\"num\">events</th>"
		  "<th>after</th><th>before</th><th class=\"num\">line</th>"
		  "</tr></thead><tbody>\n", in->ngaps,
		  in->ngaps == 1 ? "" : "es");
	for (int i = 0; i < in->ngaps; i++) {
		const struct trace_gap *g = &in->gaps[i];
		sb_puts(sb, "<tr><td>");
		if (g->cpu >= 0)
			sb_printf(sb, "%d", g->cpu);
		else
			sb_puts(sb, "not said");
		sb_puts(sb, "</td><td class=\"num\">");
		if (g->lost > 0)
			sb_printf(sb, "%ld", g->lost);
		else
			sb_puts(sb, "not said");
		sb_puts(sb, "</td><td>");
		if (g->from == TS_NONE)
			sb_puts(sb, "the start");
		else
			hc_reltime(x, g->from);
		sb_puts(sb, "</td><td>");
		if (g->to == TS_NONE)
			sb_puts(sb, "the end");
		else
			hc_reltime(x, g->to);
		sb_printf(sb, "</td><td class=\"num\">%ld</td></tr>\n",
			  g->line);
	}
	sb_puts(sb, "</tbody></table>\n");
	if (in->ngaps == HT_MAX_GAPS)
		sb_printf(sb, "<p class=\"note\">Past %d losses the last row "
			  "covers the rest.</p>\n", HT_MAX_GAPS);
}

static void input_block(struct html_ctx *x, const struct input_stats *in)
{
	struct strbuf *sb = x->sb;

	sb_puts(sb, "<div class=\"input\">\n<h3 class=\"path\">");
	hx_path(sb, in->path ? in->path : "(unnamed)");
	sb_puts(sb, "</h3>\n<dl class=\"facts\">\n<dt>format</dt><dd>");
	sb_puts(sb, format_name(in->format));
	if (in->compression[0]) {
		sb_puts(sb, ", ");
		hx_text(sb, in->compression);
		sb_puts(sb, "-compressed");
	}
	sb_puts(sb, "</dd>\n<dt>flags detected</dt><dd><code>");
	if (in->flags[0])
		hx_text(sb, in->flags);
	else
		sb_puts(sb, "none");
	sb_puts(sb, "</code></dd>\n");
	sb_printf(sb, "<dt>read</dt><dd>%ld %s, %ld events", in->lines,
		  format_unit(in->format), in->events);
	if (in->bytes > 0)
		sb_printf(sb, ", %lld bytes", in->bytes);
	sb_puts(sb, "</dd>\n");
	if (in->ts_first != TS_NONE && in->ts_last != TS_NONE) {
		sb_puts(sb, "<dt>time span</dt><dd>");
		hc_duration(sb, in->ts_last - in->ts_first);
		sb_puts(sb, "</dd>\n");
	} else {
		sb_puts(sb, "<dt>time span</dt><dd>no timestamps: events are "
			"in trace order, times unknown</dd>\n");
	}
	sb_printf(sb, "<dt>lines skipped</dt><dd class=\"%s\">%ld",
		  in->skipped ? "warn" : "", in->skipped);
	if (in->skipped)
		sb_puts(sb, " \xe2\x80\x94 not understood, so not analysed");
	sb_puts(sb, "</dd>\n</dl>\n");
	if (in->nsamples > 0) {
		sb_printf(sb, "<table class=\"skips\"><caption>First %d skipped "
			  "line%s</caption>\n<thead><tr><th>line</th>"
			  "<th>reason</th></tr></thead><tbody>\n",
			  in->nsamples, in->nsamples == 1 ? "" : "s");
		for (int i = 0; i < in->nsamples; i++) {
			sb_printf(sb, "<tr><td class=\"num\">%ld</td><td>",
				  in->samples[i].line);
			hx_text(sb, in->samples[i].reason);
			sb_puts(sb, "</td></tr>\n");
		}
		sb_puts(sb, "</tbody></table>\n");
		if (in->skipped > in->nsamples)
			sb_printf(sb, "<p class=\"note\">%ld more skipped lines "
				  "not listed.</p>\n",
				  in->skipped - in->nsamples);
	}
	sb_puts(sb, "<div class=\"limits\"><h4>What this capture could not "
		"show</h4>\n");
	losses_table(x, in);
	if (in->limits[0]) {
		const char *p = in->limits;
		sb_puts(sb, "<ul>\n");
		while (*p) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			if (n) {
				sb_puts(sb, "<li>");
				hx_textn(sb, p, n);
				sb_puts(sb, "</li>\n");
			}
			p += n + (e != NULL);
		}
		sb_puts(sb, "</ul>\n");
	} else {
		sb_puts(sb, "<p class=\"note\">No limits detected: the flags "
			"above carry what the analysis needs.</p>\n");
	}
	sb_puts(sb, "</div>\n</div>\n");
}

/* "4361 events lost, in 9 losses on CPUs 0, 1": the capture's losses
 * at a glance (each is listed under its input's limits) */
static void lost_fact(struct html_ctx *x)
{
	struct strbuf *sb = x->sb;
	const struct capture *c = x->d->c;
	long lost = 0;
	int n = 0, unsaid = 0, cpus = 0;
	unsigned long long seen = 0;   /* CPUs 0-63 named once */

	for (int i = 0; i < c->ninputs; i++)
		for (int k = 0; k < c->inputs[i].ngaps; k++) {
			const struct trace_gap *g = &c->inputs[i].gaps[k];
			n++;
			lost += g->lost > 0 ? g->lost : 0;
			unsaid |= g->lost <= 0;
			if (g->cpu >= 0 && g->cpu < 64 &&
			    !(seen & 1ULL << g->cpu)) {
				seen |= 1ULL << g->cpu;
				cpus++;
			}
		}
	if (!n)
		return;
	sb_printf(sb, "<dt title=\"events the tracer lost (listed under the "
		  "input's limits): a finding whose evidence spans a loss is "
		  "only a note\">events lost</dt><dd class=\"warn\">%s%ld in "
		  "%d loss%s", unsaid ? "at least " : "", lost, n,
		  n == 1 ? "" : "es");
	for (int cpu = 0, k = 0; cpu < 64; cpu++)
		if (seen & 1ULL << cpu)
			sb_printf(sb, "%s%d", k++ ? ", " : cpus == 1 ? ", CPU "
				  : ", CPUs ", cpu);
	sb_puts(sb, "</dd>\n");
}

static void inputs_section(struct html_ctx *x)
{
	struct strbuf *sb = x->sb;
	const struct html_data *d = x->d;
	int64_t a, b;
	long skipped = 0;

	sb_puts(sb, "<section id=\"capture\">\n<h2>Capture</h2>\n"
		"<dl class=\"facts wide\">\n");
	capture_span(x, &a, &b);
	for (int i = 0; i < d->c->ninputs; i++)
		skipped += d->c->inputs[i].skipped;
	sb_printf(sb, "<dt>inputs</dt><dd>%d file%s</dd>\n", d->c->ninputs,
		  d->c->ninputs == 1 ? "" : "s");
	if (a != TS_NONE && b != TS_NONE) {
		sb_puts(sb, "<dt>time span</dt><dd>");
		hc_duration(sb, b - a);
		sb_puts(sb, "</dd>\n");
	}
	{
		struct strbuf lb;
		sb_init(&lb);
		label_start(&lb, &x->clk);
		sb_puts(sb, "<dt>time</dt><dd>");
		hx_text(sb, lb.s);
		sb_puts(sb, "</dd>\n");
		sb_free(&lb);
	}
	if (d->st) {
		sb_printf(sb, "<dt>processes</dt><dd>%ld</dd>\n"
			  "<dt>threads</dt><dd>%ld</dd>\n"
			  "<dt>events</dt><dd>%ld</dd>\n"
			  "<dt>handle numbers</dt><dd>%ld (%ld generations)"
			  "</dd>\n", d->st->processes, d->st->threads,
			  d->st->events, d->st->handles_seen,
			  d->st->generations);
		if (d->st->tables > 1)
			sb_printf(sb, "<dt>handle tables</dt><dd>%ld</dd>\n",
				  d->st->tables);
		sb_printf(sb, "<dt title=\"EBADF results judged harmless: "
			  "close sweeps over unopened numbers, probes\">"
			  "harmless EBADF</dt><dd>%ld</dd>\n", d->st->benign);
		sb_printf(sb, "<dt title=\"calls and closes on a number "
			  "another thread reopened that fit its new object: "
			  "judged hand-offs, not findings\">hand-offs</dt>"
			  "<dd>%ld</dd>\n", d->st->handoffs);
	}
	sb_printf(sb, "<dt>lines skipped</dt><dd class=\"%s\">%ld</dd>\n",
		  skipped ? "warn" : "", skipped);
	lost_fact(x);
	sb_puts(sb, "</dl>\n");
	for (int i = 0; i < d->c->ninputs; i++)
		input_block(x, &d->c->inputs[i]);
	sb_puts(sb, "</section>\n");
}

static void summary_counts(struct html_ctx *x, int (*by_kind)[3])
{
	struct strbuf *sb = x->sb;

	sb_puts(sb, "<table class=\"counts\">\n<thead><tr><th>kind</th>"
		"<th class=\"num\">errors</th><th class=\"num\">warnings</th>"
		"<th class=\"num\">notes</th><th>what it means</th>"
		"<th class=\"js\">show</th></tr></thead>\n<tbody>\n");
	for (int k = 0; k < FK__COUNT; k++) {
		int tot = by_kind[k][0] + by_kind[k][1] + by_kind[k][2];
		sb_printf(sb, "<tr class=\"%s\"><td><span class=\"kind\">%s"
			  "</span></td>", tot ? "" : "zero",
			  hc_kind_name((enum finding_kind)k));
		for (int s = SEV_ERROR; s >= SEV_NOTE; s--)
			sb_printf(sb, "<td class=\"num%s%s\">%d</td>",
				  by_kind[k][s] ? " c-" : "",
				  by_kind[k][s] ?
				  hc_sev_name((enum severity)s) : "",
				  by_kind[k][s]);
		sb_printf(sb, "<td class=\"blurb\">%s</td>",
			  html_kind_blurb((enum finding_kind)k));
		sb_printf(sb, "<td class=\"js\"><input type=\"checkbox\" "
			  "checked data-kind=\"%s\" aria-label=\"show %s\">"
			  "</td></tr>\n", hc_kind_name((enum finding_kind)k),
			  hc_kind_name((enum finding_kind)k));
	}
	sb_puts(sb, "</tbody>\n</table>\n");
}

/* The anchor a finding's row links to: its own #F<id> where the page has
 * one (the first root of a drawn card is its section; what followed and
 * the repeats get one while html_story()'s HTML_ANCHOR_CAP lasts), else
 * its card's section, else none (0).  *anchors: what is left of that
 * cap, spent as html_story() spends it (followers, then repeats). */
static int row_target(int ci, int first, int *anchors)
{
	if (ci >= HTML_GROUP_CAP)
		return 0;
	if (first)
		return 1;
	if (*anchors > 0) {
		(*anchors)--;
		return 1;
	}
	return -1;
}

/* One finding: its fields as data-* attributes for the filter
 * ("fd:5 tid:17208 kind:stale-close"), in "count" how often its card's
 * bug occurred when it is one of the card's roots, else the root it
 * follows from. */
static void table_row(struct html_ctx *x, const struct card *g,
		      const struct finding *f, int root, int target)
{
	struct strbuf *sb = x->sb;
	const struct finding *head = g->roots[0];
	struct hc_span sp;
	const char *sev = hc_sev_name(f->severity);
	const struct task_info *t;

	hc_span(f, &sp);
	sb_printf(sb, "<tr data-kind=\"%s\" data-sev=\"%s\" data-id=\"%d\" "
		  "data-fd=\"%" PRId64 "\" data-pid=\"%" PRId64 "\" "
		  "data-tid=\"%" PRId64 "\" data-line=\"%ld\" data-g=\"%d\">",
		  hc_kind_name(f->kind), sev, f->id, f->handle, f->pid,
		  f->tid, f->src.line, head->id);
	if (target > 0)
		sb_printf(sb, "<td data-v=\"%d\"><a href=\"#F%d\">F%d</a>",
			  f->id, f->id, f->id);
	else if (target < 0)
		sb_printf(sb, "<td data-v=\"%d\">F%d <a href=\"#F%d\" "
			  "title=\"its card's story\">\xe2\x86\x92" "F%d</a>",
			  f->id, f->id, head->id, head->id);
	else
		sb_printf(sb, "<td data-v=\"%d\">F%d", f->id, f->id);
	sb_printf(sb, "</td><td><span class=\"kind\">%s</span></td>",
		  hc_kind_name(f->kind));
	sb_printf(sb, "<td data-v=\"%d\"><span class=\"sev %s\">%s</span>"
		  "</td>", (int)f->severity, sev, sev);
	if (root)
		sb_printf(sb, "<td class=\"num\" data-v=\"%d\">%s%d</td>",
			  g->nroots, g->nroots > 1 ? "\xc3\x97" : "",
			  g->nroots);
	else
		sb_printf(sb, "<td class=\"num\" data-v=\"0\"><span class="
			  "\"muted\">after F%d</span></td>", f->caused_by);
	sb_printf(sb, "<td class=\"num wideonly\" data-v=\"%" PRId64 "\">%"
		  PRId64 "</td>", f->pid, f->pid);
	sb_printf(sb, "<td data-v=\"%" PRId64 "\">%" PRId64, f->tid, f->tid);
	t = hc_task(x, f->tid);
	if (t && ((t->name && t->name[0]) || (t->program && t->program[0]))) {
		sb_puts(sb, " <span class=\"muted\">");
		hx_text(sb, t->name && t->name[0] ? t->name : t->program);
		sb_puts(sb, "</span>");
	}
	sb_printf(sb, "</td><td class=\"num\" data-v=\"%" PRId64 "\">",
		  f->handle);
	hc_handle_num(x, f->handle);
	sb_puts(sb, "</td><td class=\"objcell\">");
	hc_object(x, f->object);
	if (f->expected && f->expected[0] &&
	    (!f->object || strcmp(f->expected, f->object) != 0)) {
		sb_puts(sb, "<br><span class=\"muted\">expected</span> ");
		hc_object(x, f->expected);
	}
	sb_printf(sb, "</td><td class=\"num\" data-v=\"%" PRId64 "\">",
		  f->ts == TS_NONE ? (int64_t)0 : f->ts);
	hc_reltime(x, f->ts);
	sb_printf(sb, "</td><td data-v=\"%ld\">", f->src.line);
	hc_loc(x, &f->src);
	if (sp.ok) {
		sb_printf(sb, "</td><td class=\"num wideonly\" data-v=\"%" PRId64
			  "\">", sp.dt != TS_NONE ? sp.dt : (int64_t)sp.dl);
		if (sp.dt != TS_NONE)
			hc_duration(sb, sp.dt);
		if (sp.dl >= 0)
			sb_printf(sb, "%s%ld line%s",
				  sp.dt != TS_NONE ? "<br>" : "", sp.dl,
				  sp.dl == 1 ? "" : "s");
	} else {
		sb_puts(sb, "</td><td class=\"num wideonly\" data-v=\"-1\">"
			"\xe2\x80\x94");
	}
	sb_puts(sb, "</td></tr>\n");
}

/* Where each finding's row links (row_target), decided in the order
 * html_story() spends its anchors: card by card, the first root, then
 * what followed, then the repeats.  target[] is by index into base. */
static void row_targets(const struct card_set *cs, const struct finding *base,
			int *target)
{
	int anchors = HTML_ANCHOR_CAP;

	for (int i = 0; i < cs->n; i++) {
		const struct card *c = &cs->cards[i];
		target[c->roots[0] - base] = row_target(i, 1, &anchors);
		for (int k = 0; k < c->nfollow; k++)
			target[c->follow[k] - base] =
				row_target(i, 0, &anchors);
		for (int k = 1; k < c->nroots; k++)
			target[c->roots[k] - base] =
				row_target(i, 0, &anchors);
	}
}

/* Every finding one row (up to HTML_ROW_CAP), card by card: each root
 * with what followed from it beneath it, the first root first, so that
 * each one is reachable and the filter finds it by its own thread,
 * number and line. */
static void findings_table(struct html_ctx *x, const struct card_set *cs,
			   const struct finding *base, int nf)
{
	struct strbuf *sb = x->sb;
	int rows = 0;
	int *target;

	if (!cs->n) {
		sb_puts(sb, "<p class=\"none\">No findings.</p>\n");
		return;
	}
	target = xcalloc((size_t)nf + 1, sizeof *target);
	row_targets(cs, base, target);
	sb_puts(sb, "<div class=\"filters js\"><label>Filter <input "
		"type=\"search\" id=\"filter\" placeholder=\"fd:5 tid:17208 "
		"kind:stale-close, or any text\" title=\"fields: fd (or "
		"handle), pid, tid, kind, sev, id, line; words match any "
		"text of the row\"></label> <label>severity <select "
		"id=\"sevfilter\"><option value=\"\">any</option><option>error"
		"</option><option>warning</option><option>note</option>"
		"</select></label> <span id=\"shown\"></span></div>\n");
	sb_puts(sb, "<div class=\"ftwrap\">\n"
		"<table class=\"findings sortable\" id=\"ftable\">\n"
		"<thead><tr><th>#</th><th>kind</th><th>severity</th>"
		"<th class=\"num\" title=\"root causes of this bug, "
		"or the root cause a finding followed from\">"
		"count</th><th class=\"num wideonly\">process</th>"
		"<th>thread</th><th class=\"num\">handle</th><th>object now / expected</th>"
		"<th class=\"num\">time</th><th>trace line</th>"
		"<th class=\"num wideonly\" title=\"from the first close (the "
		"cause) to the failure (the symptom)\">span</th></tr></thead>\n"
		"<tbody>\n");
	for (int i = 0; i < cs->n && rows < HTML_ROW_CAP; i++) {
		const struct card *c = &cs->cards[i];
		for (int r = 0; r < c->nroots && rows < HTML_ROW_CAP; r++) {
			int ri = (int)(c->roots[r] - base);
			table_row(x, c, c->roots[r], 1, target[ri]);
			rows++;
			for (int k = cs->first[ri];
			     k >= 0 && rows < HTML_ROW_CAP;
			     k = cs->next[k], rows++)
				table_row(x, c, &base[k], 0, target[k]);
		}
	}
	free(target);
	sb_puts(sb, "</tbody>\n</table>\n</div>\n");
	if (rows < nf)
		sb_printf(sb, "<p class=\"cap\">Only the first %d of %d "
			  "findings are listed; the JSON report has them all, "
			  "and the triage options (--kind, --thread, --handle, "
			  "--finding ...) make a page of fewer.</p>\n", rows,
			  nf);
}

static void handles_section(struct html_ctx *x)
{
	struct strbuf *sb = x->sb;
	const struct html_data *d = x->d;
	int shown = d->ng < HTML_HANDLE_ROWS ? d->ng : HTML_HANDLE_ROWS;

	sb_puts(sb, "<section id=\"handles\">\n<h2>Handles</h2>\n"
		"<p class=\"lead\">Every generation of a handle number that "
		"takes part in a finding, and the busiest numbers. A "
		"generation is one object the number named; "
		"<code>#2</code> is the second object seen under that "
		"number. Lifetime classes as in WPA: <b>AIFI</b> opened and "
		"closed inside the trace, <b>AIFO</b> opened inside, still "
		"open at its end, <b>AOFI</b> open before the trace began, "
		"closed inside it, <b>AOFO</b> neither seen.</p>\n");
	if (!d->ng) {
		sb_puts(sb, "<p class=\"none\">No handle generations to show."
			"</p>\n</section>\n");
		return;
	}
	sb_puts(sb, "<table class=\"handles sortable\">\n<thead><tr>"
		"<th class=\"num\">process</th><th class=\"num\">handle</th>"
		"<th class=\"num\">gen</th><th>object</th><th>lifetime</th>"
		"<th>opened</th><th>closed</th><th class=\"num\">uses</th>"
		"<th class=\"num\">lived</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < shown; i++) {
		const struct generation_info *g = &d->g[i];
		int dup = 0;
		/* the first row of a (table, number, generation) is its
		 * anchor; the timeline lists each once, but be sure */
		for (int k = 0; k < i && !dup; k++)
			dup = d->g[k].table == g->table &&
			      d->g[k].handle == g->handle &&
			      d->g[k].generation == g->generation;
		if (dup)
			sb_puts(sb, "<tr>");
		else
			sb_printf(sb, "<tr id=\"H%d-%" PRId64 "-%d\">",
				  g->table > 0 ? g->table : 1, g->handle,
				  g->generation);
		sb_printf(sb, "<td class=\"num\" data-v=\"%" PRId64 "\">%"
			  PRId64 "</td><td class=\"num\" data-v=\"%" PRId64
			  "\">", g->pid, g->pid, g->handle);
		hc_handle_num(x, g->handle);
		sb_printf(sb, "</td><td class=\"num\" data-v=\"%d\">#%d</td>"
			  "<td>", g->generation, g->generation);
		hc_object(x, g->object);
		sb_printf(sb, "</td><td><span class=\"lt\" title=\"%s\">%s"
			  "</span></td><td>", hc_lifetime_text(g->lifetime),
			  hc_lifetime_code(g->lifetime));
		if (g->opened.line > 0) {
			hc_thread(x, g->open_tid);
			sb_puts(sb, "<br>");
			hc_loc(x, &g->opened);
			sb_puts(sb, " ");
			hc_reltime(x, g->open_ts);
		} else {
			sb_puts(sb, "<span class=\"muted\">before the trace"
				"</span>");
		}
		sb_puts(sb, "</td><td>");
		if (g->closed.line > 0) {
			hc_thread(x, g->close_tid);
			sb_puts(sb, "<br>");
			hc_loc(x, &g->closed);
			sb_puts(sb, " ");
			hc_reltime(x, g->close_ts);
		} else {
			sb_puts(sb, "<span class=\"muted\">not closed in the "
				"trace</span>");
		}
		sb_printf(sb, "</td><td class=\"num\" data-v=\"%ld\">%ld</td>",
			  g->uses, g->uses);
		if (g->open_ts != TS_NONE && g->close_ts != TS_NONE &&
		    g->opened.line > 0 && g->closed.line > 0) {
			sb_printf(sb, "<td class=\"num\" data-v=\"%" PRId64
				  "\">", g->close_ts - g->open_ts);
			hc_duration(sb, g->close_ts - g->open_ts);
			sb_puts(sb, "</td></tr>\n");
		} else {
			sb_puts(sb, "<td class=\"num\" data-v=\"-1\">"
				"\xe2\x80\x94</td></tr>\n");
		}
	}
	sb_puts(sb, "</tbody>\n</table>\n");
	if (shown < d->ng)
		sb_printf(sb, "<p class=\"cap\">Only the first %d of %d "
			  "generations are listed.</p>\n", shown, d->ng);
	sb_puts(sb, "</section>\n");
}

static void unexplained_section(struct html_ctx *x)
{
	struct strbuf *sb = x->sb;
	const struct html_data *d = x->d;
	int shown = d->nu < HTML_UNEXPL_ROWS ? d->nu : HTML_UNEXPL_ROWS;

	sb_puts(sb, "<section id=\"unexplained\">\n<h2>Unexplained failures"
		"</h2>\n<p class=\"lead\">Calls that failed with a bad-handle "
		"or not-a-socket error that no finding above explains, and "
		"why not.</p>\n");
	if (!d->nu) {
		sb_puts(sb, "<p class=\"none\">None: every such failure in the "
			"trace is explained by a finding.</p>\n</section>\n");
		return;
	}
	sb_puts(sb, "<table class=\"unexpl sortable\">\n<thead><tr>"
		"<th class=\"num\">process</th><th>thread</th>"
		"<th class=\"num\">handle</th><th>call</th><th>error</th>"
		"<th>why unexplained</th><th class=\"num\">time</th>"
		"<th>trace line</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < shown; i++) {
		const struct unexplained *u = &d->u[i];
		sb_printf(sb, "<tr><td class=\"num\" data-v=\"%" PRId64 "\">%"
			  PRId64 "</td><td data-v=\"%" PRId64 "\">", u->pid,
			  u->pid, u->tid);
		hc_thread(x, u->tid);
		sb_printf(sb, "</td><td class=\"num\" data-v=\"%" PRId64 "\">",
			  u->handle);
		hc_handle_num(x, u->handle);
		sb_puts(sb, "</td><td><code>");
		hx_text(sb, u->call);
		sb_puts(sb, "</code></td><td><code>");
		hx_text(sb, u->error);
		sb_puts(sb, "</code></td><td>");
		hx_text(sb, u->reason);
		sb_puts(sb, "</td><td class=\"num\">");
		if (u->ts != TS_NONE && x->clk.clock != TSC_NONE)
			hc_reltime(x, u->ts);
		else
			hx_text(sb, u->time);
		sb_printf(sb, "</td><td data-v=\"%ld\">", u->src.line);
		hc_loc(x, &u->src);
		if (u->raw && u->raw[0]) {
			sb_puts(sb, "<pre class=\"raw\">");
			hx_raw(sb, u->raw);
			sb_puts(sb, "</pre>");
		}
		sb_puts(sb, "</td></tr>\n");
	}
	sb_puts(sb, "</tbody>\n</table>\n");
	if (shown < d->nu)
		sb_printf(sb, "<p class=\"cap\">Only the first %d of %d "
			  "unexplained failures are listed.</p>\n", shown,
			  d->nu);
	sb_puts(sb, "</section>\n");
}

void html_render(struct strbuf *sb, const struct html_data *d)
{
	struct html_ctx x = { .sb = sb, .d = d, .ts0 = TS_NONE };
	struct card_set cs;
	int ngroups, by_sev[3] = { 0 }, by_kind[FK__COUNT][3];
	int64_t b;
	int anchors_left = HTML_ANCHOR_CAP;

	memset(by_kind, 0, sizeof by_kind);
	x.tr = capture_traits(d->c);
	capture_span(&x, &x.ts0, &b);
	label_clock_of(&x.clk, d->c);
	if (x.clk.t0 == TS_NONE)
		x.clk.t0 = x.ts0;
	for (int i = 0; i < d->nf; i++) {
		unsigned s = (unsigned)d->f[i].severity;
		unsigned k = (unsigned)d->f[i].kind;
		if (s > SEV_ERROR)
			s = SEV_ERROR;
		by_sev[s]++;
		if (k < FK__COUNT)
			by_kind[k][s]++;
	}
	cards_build(&cs, d->f, d->nf);
	ngroups = cs.n;
	hc_index(&x);

	page_head(&x, by_sev[SEV_ERROR], by_sev[SEV_WARNING]);
	sb_puts(sb, "<body>\n<header class=\"top\">\n<div class=\"wrap\">\n"
		"<h1><span class=\"tool\">handletrail</span> ");
	hx_path(sb, d->c->name ? d->c->name : "capture");
	sb_puts(sb, "</h1>\n<nav><a href=\"#capture\">Capture</a> "
		"<a href=\"#summary\">Summary</a> <a href=\"#findings\">"
		"Findings</a> <a href=\"#handles\">Handles</a> "
		"<a href=\"#unexplained\">Unexplained</a></nav>\n</div>\n"
		"</header>\n<main class=\"wrap\">\n");
	verdict(&x, by_sev, ngroups);
	inputs_section(&x);

	sb_puts(sb, "<section id=\"summary\">\n<h2>Summary</h2>\n");
	summary_counts(&x, by_kind);
	findings_table(&x, &cs, d->f, d->nf);
	sb_puts(sb, "</section>\n");

	sb_puts(sb, "<section id=\"findings\">\n<h2>Findings</h2>\n");
	if (!ngroups)
		sb_puts(sb, "<p class=\"none\">Nothing to tell.</p>\n");
	for (int i = 0; i < ngroups && i < HTML_GROUP_CAP; i++)
		html_story(&x, &cs.cards[i], &cs, d->f, i < HTML_STORY_CAP,
			   &anchors_left);
	if (ngroups > HTML_STORY_CAP)
		sb_printf(sb, "<p class=\"cap\">Full stories are drawn for the "
			  "first %d root-cause cards; the rest show their "
			  "headline and offending call.</p>\n",
			  HTML_STORY_CAP);
	if (anchors_left <= 0)
		sb_printf(sb, "<p class=\"cap\">Occurrence anchors stop after "
			  "%d; the JSON report lists every finding.</p>\n",
			  HTML_ANCHOR_CAP);
	sb_puts(sb, "</section>\n");

	handles_section(&x);
	unexplained_section(&x);
	sb_puts(sb, "</main>\n<footer class=\"wrap\"><p>handletrail "
		HT_VERSION " \xc2\xb7 this page is self-contained and loads "
		"nothing \xc2\xb7 <span class=\"js\">keys: <kbd>j</kbd>/"
		"<kbd>k</kbd> next/previous finding, <kbd>/</kbd> filter, "
		"click a column to sort</span></p></footer>\n");
	sb_printf(sb, "<script>%s</script>\n</body>\n</html>\n", html_js);
	hc_index_free(&x);
	cards_free(&cs);
}
