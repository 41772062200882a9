/* reports/text.c - the text report, read like a sanitizer report: one
 * root-cause card per bug shape (headline, offending call, history newest
 * first; what followed and the repeats folded beneath) and one SUMMARY
 * line each.  Trace text is stripped of control sequences. */
#include <inttypes.h>
#include <string.h>
#include "label.h"

struct out {
	struct strbuf *sb;
	int color;
	struct strbuf tmp;    /* a label being made */
	struct label_clock clk;
};

static void put(struct out *o, const char *s)
{
	sb_puts(o->sb, s);
}

/* untrusted text from a trace */
static void tput(struct out *o, const char *s)
{
	if (s)
		esc_term(o->sb, s, strlen(s));
}

static void sgr(struct out *o, const char *code)
{
	if (o->color)
		sb_printf(o->sb, "\033[%sm", code);
}

static const char *sev_color(enum severity s)
{
	return s == SEV_ERROR ? "1;31" : s == SEV_WARNING ? "1;35" : "1;36";
}

/* a label made by label.c, escaped (names come from the trace) */
static void lput(struct out *o)
{
	tput(o, o->tmp.s);
	sb_reset(&o->tmp);
}

static void loc(struct out *o, const struct source_loc *s)
{
	label_loc(&o->tmp, s);
	lput(o);
}

/* "  21:21:22.331252 (+0.001565s)"; the trace's own text when the
 * analysis has no time for it */
static void when(struct out *o, int64_t ts, const char *text)
{
	if (label_time(&o->tmp, &o->clk, ts)) {
		put(o, "  ");
		lput(o);
	} else if (text && *text) {
		put(o, "  ");
		tput(o, text);
	}
}

static void who(struct out *o, const char *tname, const char *pname,
		int64_t pid, int64_t tid, int cpu)
{
	label_thread(&o->tmp, tname, pname, tid, pid);
	lput(o);
	if (cpu >= 0)
		sb_printf(o->sb, " on CPU %d", cpu);
}

static void header(struct out *o, const struct capture *c)
{
	const struct timeline_stats *ts = timeline_stats(c->tl);
	sb_printf(o->sb, "handletrail %s\n", HT_VERSION);
	for (int i = 0; i < c->ninputs; i++) {
		const struct input_stats *st = &c->inputs[i];
		put(o, "input: ");
		tput(o, st->path);
		sb_printf(o->sb, " (%s%s%s%s%s): %ld lines, %ld events, "
			  "%ld skipped\n", format_name(st->format),
			  st->flags[0] ? ", " : "", st->flags,
			  st->compression[0] ? ", " : "", st->compression,
			  st->lines, st->events, st->skipped);
		for (int k = 0; k < st->nsamples; k++) {
			if (st->samples[k].line > 0)
				sb_printf(o->sb, "  skipped line %ld: ",
					  st->samples[k].line);
			else   /* binary input: the reason names the byte */
				put(o, "  skipped: ");
			tput(o, st->samples[k].reason);
			put(o, "\n");
		}
		if (st->skipped > st->nsamples)
			sb_printf(o->sb, "  (%ld more skipped lines not "
				  "listed)\n", st->skipped - st->nsamples);
		for (const char *p = st->limits; *p;) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			put(o, "  limit: ");
			esc_term(o->sb, p, n);
			put(o, "\n");
			p += n + (e != NULL);
		}
	}
	sb_printf(o->sb, "capture: %ld events, %ld process%s, %ld thread%s\n",
		  ts->events, ts->processes, ts->processes == 1 ? "" : "es",
		  ts->threads, ts->threads == 1 ? "" : "s");
	put(o, "time: ");
	label_start(&o->tmp, &o->clk);
	lput(o);
	put(o, "\n");
	if (c->fatal) {
		put(o, "error: ");
		tput(o, c->fatal);
		put(o, " (results cover the events before this point)\n");
	}
}

static const char *role_phrase(const char *role)
{
	static const struct { const char *role, *phrase; } t[] = {
		{ "opened", "opened by" }, { "closed", "closed by" },
		{ "reused", "reused by" }, { "used", "used by" },
		{ "offending", "offending call by" },
		{ "victim", "then used by" }, { "failed", "then failed in" },
		{ "duplicated", "duplicated by" }, { "blocked", "blocked in" },
		{ "created", "created by" }, { "exited", "process exited in" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].role, role) == 0)
			return t[i].phrase;
	return role;
}

static void step(struct out *o, const struct chain_step *s)
{
	put(o, "    ");
	tput(o, role_phrase(s->role));
	put(o, " ");
	who(o, s->thread_name, s->process_name, s->pid, s->tid, s->cpu);
	put(o, " here: ");
	loc(o, &s->src);
	when(o, s->ts, s->time);
	put(o, "\n      ");
	tput(o, s->raw);
	put(o, "\n");
	if (s->stack && *s->stack) {
		for (const char *p = s->stack; *p;) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			put(o, "       ");
			esc_term(o->sb, p, n);
			put(o, "\n");
			p += n + (e != NULL);
		}
	}
}

/* "stale-close handle 5 (obj) file:12 in server (7) close()" */
static void summary_line(struct out *o, const struct finding *f)
{
	label_summary(&o->tmp, f);
	lput(o);
}

/* The story of one finding: headline, offending call, history newest
 * first, evidence, fingerprint. */
static void story(struct out *o, const struct finding *f)
{
	sgr(o, sev_color(f->severity));
	sb_printf(o->sb, "==== F%d %s: %s on ", f->id,
		  severity_name(f->severity), finding_kind_name(f->kind));
	label_handle(&o->tmp, f->traits, f->handle);
	lput(o);
	if (f->object) {
		put(o, " (");
		tput(o, f->object);
		put(o, ")");
	}
	put(o, " ====");
	sgr(o, "0");
	put(o, "\n");
	tput(o, f->message);
	put(o, "\n");
	if (f->nchain > 1) {
		put(o, "  what happened, in order: ");
		label_in_order(&o->tmp, f);
		lput(o);
		put(o, "\n");
	}
	if (f->caused_by)
		sb_printf(o->sb, "  follows from: F%d (its root cause)\n",
			  f->caused_by);
	if (f->nconsequences) {
		put(o, "  what followed from it:");
		for (int i = 0; i < f->nconsequences; i++)
			sb_printf(o->sb, "%s F%d", i ? "," : "",
				  f->consequences[i]);
		put(o, "\n");
	}
	if (f->expected && (!f->object || strcmp(f->expected, f->object))) {
		put(o, "  expected: ");
		tput(o, f->expected);
		put(o, "\n");
	}
	/* every step in the order it happened, the offending call among
	 * them (with its -k stack like the others) */
	for (int i = 0; i < f->nchain; i++)
		step(o, &f->chain[i]);
	if (f->evidence) {
		put(o, "  evidence: ");
		tput(o, f->evidence);
		put(o, "\n");
	}
	sb_printf(o->sb, "  fingerprint: %s\n", f->fingerprint);
}

/* "line 704" ("event 22" in ETW), or the whole place when it is in
 * another file than the card's first root */
static void where(struct out *o, const struct finding *f,
		  const struct finding *head)
{
	if (!f->src.file || !head->src.file ||
	    strcmp(f->src.file, head->src.file) != 0)
		loc(o, &f->src);
	else if (f->src.event > 0)
		sb_printf(o->sb, "event %ld", f->src.event);
	else
		sb_printf(o->sb, "line %ld", f->src.line);
}

/* A finding that followed from a root, in one line that points at the
 * step: id, verdict, place, who did what to which handle. */
static void follow_line(struct out *o, const struct finding *f,
			const struct finding *head)
{
	sgr(o, sev_color(f->severity));
	sb_printf(o->sb, "F%d %s %s", f->id, severity_name(f->severity),
		  finding_kind_name(f->kind));
	sgr(o, "0");
	put(o, " at ");
	where(o, f, head);
	put(o, ": ");
	label_thread(&o->tmp, f->thread_name, f->process_name, f->tid,
		     f->pid);
	lput(o);
	if (f->call) {
		put(o, " ");
		tput(o, f->call);
		put(o, "()");
	}
	put(o, " on ");
	label_handle(&o->tmp, f->traits, f->handle);
	lput(o);
	if (f->object) {
		put(o, " (");
		tput(o, f->object);
		put(o, ")");
	}
	if (f->error) {
		put(o, " failed with ");
		tput(o, f->error);
	}
	put(o, "\n");
}

/* What followed from root r of card c, one line each (card_set's list
 * of r's followers, in id order). */
static void followers(struct out *o, const struct card_set *cs,
		      const struct card *c, const struct finding *base,
		      const struct finding *r)
{
	for (int k = cs->first[r - base]; k >= 0; k = cs->next[k]) {
		put(o, "    ");
		follow_line(o, &base[k], c->roots[0]);
	}
}

/* Roots r[from..to) by id and place, wrapped under a lead of col
 * characters already written. */
static void id_list(struct out *o, const struct finding *const *r, int from,
		    int to, const struct finding *head, size_t col)
{
	for (int i = from; i < to; i++) {
		if (o->sb->len - col > 64) {
			put(o, "\n     ");
			col = o->sb->len - 5;
		}
		sb_printf(o->sb, " F%d ", r[i]->id);
		where(o, r[i], head);
		if (i + 1 < to)
			put(o, ",");
	}
	put(o, "\n");
}

/* The card's other roots: the same bug again.  When they ended in other
 * ways than the first (a second close that destroyed nothing beside one
 * that did), one line per kind and severity; then what followed from
 * each, under it. */
static void repeats(struct out *o, const struct card_set *cs,
		    const struct card *c, const struct finding *base)
{
	const struct finding *const *r = c->roots;
	int n = c->nroots, mixed = 0;
	size_t col = o->sb->len;

	if (n < 2)
		return;
	for (int i = 1; i < n; i++)
		mixed |= r[i]->kind != r[0]->kind ||
			 r[i]->severity != r[0]->severity;
	sb_printf(o->sb, "  %d more time%s %s:", n - 1, n == 2 ? "" : "s",
		  card_by_stack(c) ? "from the same call stack"
				   : "the same way (program, thread and calls;"
				     " no -k stacks)");
	if (!mixed)
		id_list(o, r, 1, n, r[0], col);
	else
		put(o, "\n");
	for (int i = 1; mixed && i < n;) {
		int j = i;
		while (j < n && r[j]->kind == r[i]->kind &&
		       r[j]->severity == r[i]->severity)
			j++;
		col = o->sb->len;
		sb_printf(o->sb, "    %d as %s (%s):", j - i,
			  finding_kind_name(r[i]->kind),
			  severity_name(r[i]->severity));
		id_list(o, r, i, j, r[0], col);
		if (r[i]->kind != r[0]->kind && r[i]->nchain > 1) {
			/* how this ending goes, told once */
			sb_printf(o->sb, "      F%d, in order: ", r[i]->id);
			label_in_order(&o->tmp, r[i]);
			lput(o);
			put(o, "\n");
		}
		i = j;
	}
	for (int i = 1; i < n; i++) {
		if (cs->first[r[i] - base] < 0)
			continue;
		sb_printf(o->sb, "  what followed F%d (", r[i]->id);
		where(o, r[i], r[0]);
		put(o, ", ");
		label_thread(&o->tmp, r[i]->thread_name, r[i]->process_name,
			     r[i]->tid, r[i]->pid);
		lput(o);
		put(o, "):\n");
		followers(o, cs, c, base, r[i]);
	}
}

/* One root-cause card: the first root told in full, what followed from
 * it one line each, its repeats by id and line. */
static void card(struct out *o, const struct card_set *cs,
		 const struct card *c, const struct finding *base)
{
	const struct finding *f = c->roots[0];

	story(o, f);
	if (cs->first[f - base] >= 0) {
		put(o, "  what followed:\n");
		followers(o, cs, c, base, f);
	}
	repeats(o, cs, c, base);
	put(o, "SUMMARY: handletrail: ");
	summary_line(o, f);
	put(o, "\n\n");
}

/* --summary: a bug in one line: its first root cause, what followed
 * from it, the other times the same bug occurred (the first
 * SUMMARY_REPEATS by id, the rest counted) */
#define SUMMARY_REPEATS 12
static void summary_card(struct out *o, const struct card *c)
{
	const struct finding *f = c->roots[0];

	sgr(o, sev_color(f->severity));
	sb_printf(o->sb, "F%d %s:", f->id, severity_name(f->severity));
	sgr(o, "0");
	put(o, " ");
	summary_line(o, f);
	if (f->caused_by)
		sb_printf(o->sb, "; follows from F%d", f->caused_by);
	for (int k = 0; k < f->nconsequences; k++)
		sb_printf(o->sb, "%s F%d", k ? "," : "; what followed from it:",
			  f->consequences[k]);
	int shown = c->nroots - 1 < SUMMARY_REPEATS ? c->nroots - 1
						     : SUMMARY_REPEATS;
	for (int k = 1; k <= shown; k++)
		sb_printf(o->sb, "%s F%d", k > 1 ? "," : "; the same way again:",
			  c->roots[k]->id);
	if (c->nroots - 1 > shown)
		sb_printf(o->sb, " and %d more", c->nroots - 1 - shown);
	put(o, "\n");
}

/* What was judged harmless, in one line (nothing when there was none). */
static void not_findings(struct out *o, const struct timeline_stats *ts)
{
	if (!ts->benign && !ts->handoffs && !ts->leaks_killed &&
	    !ts->leaks_untraced)
		return;
	put(o, "not findings:");
	const char *sep = " ";
	if (ts->benign_sweeps) {
		sb_printf(o->sb, "%s%ld EBADF in sweeps over consecutive "
			  "numbers", sep, ts->benign_sweeps);
		sep = ", ";
	}
	if (ts->benign_probes) {
		sb_printf(o->sb, "%s%ld EBADF probes", sep, ts->benign_probes);
		sep = ", ";
	}
	if (ts->benign_negative) {
		sb_printf(o->sb, "%s%ld close(-1)", sep, ts->benign_negative);
		sep = ", ";
	}
	if (ts->handoffs) {
		sb_printf(o->sb, "%s%ld calls on a number another thread "
			  "reopened that fit its new object (hand-offs)", sep,
			  ts->handoffs);
		sep = ", ";
	}
	if (ts->leaks_killed) {
		sb_printf(o->sb, "%s%ld handles left open by processes killed "
			  "by a signal", sep, ts->leaks_killed);
		sep = ", ";
	}
	if (ts->leaks_untraced)
		sb_printf(o->sb, "%s%ld handles open at exit not told as "
			  "leaks: the capture shows no close at all (closes "
			  "not traced)", sep, ts->leaks_untraced);
	put(o, "\n");
}

void report_text(struct strbuf *sb, const struct capture *c, int color)
{
	struct out o = { sb, color, { 0 }, { 0 } };
	sb_init(&o.tmp);
	label_clock_of(&o.clk, c);
	int n, nu;
	const struct finding *f = capture_findings(c, &n);
	const struct unexplained *u = capture_unexplained(c, &nu);
	header(&o, c);
	if (capture_selection_said(c, sb))
		put(&o, "\n");
	put(&o, "\n");
	/* one card per bug, errors before warnings before notes: told in
	 * full with what followed folded beneath, or one line each with
	 * --summary (whose selection holds the root causes only) */
	struct card_set cs;
	cards_build(&cs, f, n);
	if (c->sel && c->sel->summary) {
		for (int i = 0; i < cs.n; i++)
			summary_card(&o, &cs.cards[i]);
	} else {
		if (cs.n < n)
			sb_printf(sb, "%d findings told as %d root-cause "
				  "card%s: each bug once, what followed from "
				  "it and its repeats beneath it\n\n", n, cs.n,
				  cs.n == 1 ? "" : "s");
		for (int i = 0; i < cs.n; i++)
			card(&o, &cs, &cs.cards[i], f);
	}
	cards_free(&cs);
	if (c->sel && c->sel->summary && n)
		put(&o, "\n");
	if (nu > 0) {
		sb_printf(sb, "unexplained failures (%d):\n", nu);
		for (int i = 0; i < nu; i++) {
			put(&o, "  ");
			loc(&o, &u[i].src);
			put(&o, " ");
			label_thread(&o.tmp, u[i].thread_name,
				     u[i].process_name, u[i].tid, -1);
			lput(&o);
			put(&o, " ");
			label_handle(&o.tmp, u[i].traits, u[i].handle);
			lput(&o);
			when(&o, u[i].ts, u[i].time);
			put(&o, " ");
			tput(&o, u[i].error);
			put(&o, ": ");
			tput(&o, u[i].reason);
			put(&o, "\n      ");
			tput(&o, u[i].raw);
			put(&o, "\n");
		}
		put(&o, "\n");
	}
	/* the summary line ends the report */
	not_findings(&o, timeline_stats(c->tl));
	int by_kind[FK__COUNT] = { 0 }, by_sev[3] = { 0 };
	for (int i = 0; i < n; i++) {
		by_kind[f[i].kind]++;
		by_sev[f[i].severity]++;
	}
	sb_printf(sb, "%d findings: %d errors, %d warnings, %d notes", n,
		  by_sev[SEV_ERROR], by_sev[SEV_WARNING], by_sev[SEV_NOTE]);
	const char *sep = " (";
	for (int k = 0; k < FK__COUNT; k++) {
		if (!by_kind[k])
			continue;
		sb_printf(sb, "%s%d %s", sep, by_kind[k],
			  finding_kind_name((enum finding_kind)k));
		sep = ", ";
	}
	sb_printf(sb, "%s; %d unexplained failures\n", n ? ")" : "", nu);
	sb_free(&o.tmp);
}
