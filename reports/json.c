/* reports/json.c - the JSON report (schema "handletrail-report/1"): the
 * contract pipelines read.  Fields are added, never renamed. */
#include <string.h>
#include "label.h"

static void source(struct jsonw *w, const struct source_loc *s, long end)
{
	jw_key(w, "source");
	jw_obj(w);
	jw_kstr(w, "file", s->file ? s->file : "");
	jw_kint(w, "line", s->line);
	if (s->event > 0)
		jw_kint(w, "event", s->event);
	if (s->offset > 0)
		jw_kint(w, "offset", s->offset);
	if (end > 0)
		jw_kint(w, "end_line", end);
	jw_end_obj(w);
}

static void opt_ts(struct jsonw *w, const char *k, int64_t ts)
{
	jw_key(w, k);
	if (ts == TS_NONE)
		jw_null(w);
	else
		jw_int(w, ts);
}

/* One time form for every input: offset_s from the capture's start
 * (when it has times), time_utc when its clock gives a date. */
static void when(struct jsonw *w, const struct label_clock *k, int64_t ts)
{
	char iso[64];
	if (ts == TS_NONE || k->clock == TSC_NONE)
		return;
	if (label_iso(iso, k, ts))
		jw_kstr(w, "time_utc", iso);
	struct strbuf sb;
	sb_init(&sb);
	label_offset(&sb, k, ts);
	/* "+1.000250s" -> 1.000250 */
	sb.s[sb.len - 1] = '\0';
	jw_key(w, "offset_s");
	jw_raw(w, sb.s[0] == '+' ? sb.s + 1 : sb.s);
	sb_free(&sb);
}

static const char *clock_name(enum ts_clock c)
{
	return c == TSC_EPOCH ? "utc" : c == TSC_DAY ? "time-of-day"
	       : c == TSC_RELATIVE ? "relative" : "none";
}

static void inputs(struct jsonw *w, const struct capture *c)
{
	jw_key(w, "inputs");
	jw_arr(w);
	for (int i = 0; i < c->ninputs; i++) {
		const struct input_stats *st = &c->inputs[i];
		jw_obj(w);
		jw_kstr(w, "path", st->path);
		jw_kstr(w, "format", format_name(st->format));
		jw_kstr(w, "flags", st->flags);
		jw_kstr(w, "compression", st->compression);
		jw_kint(w, "bytes", st->bytes);
		jw_kint(w, "lines", st->lines);
		jw_kint(w, "events", st->events);
		jw_kint(w, "skipped", st->skipped);
		jw_key(w, "skipped_samples");
		jw_arr(w);
		for (int k = 0; k < st->nsamples; k++) {
			jw_obj(w);
			jw_kint(w, "line", st->samples[k].line);
			jw_kstr(w, "reason", st->samples[k].reason);
			jw_end_obj(w);
		}
		jw_end_arr(w);
		jw_key(w, "skipped_by_reason");
		jw_arr(w);
		for (int k = 0; k < st->nreasons; k++) {
			jw_obj(w);
			jw_kstr(w, "reason", st->reasons[k].reason);
			jw_kint(w, "lines", st->reasons[k].lines);
			jw_end_obj(w);
		}
		jw_end_arr(w);
		jw_key(w, "limits");
		jw_arr(w);
		for (const char *p = st->limits; *p;) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			jw_strn(w, p, n);
			p += n + (e != NULL);
		}
		jw_end_arr(w);
		opt_ts(w, "ts_first", st->ts_first);
		opt_ts(w, "ts_last", st->ts_last);
		jw_end_obj(w);
	}
	jw_end_arr(w);
}

/* thread_name, process_name: only when the capture names them */
static void names(struct jsonw *w, const char *thread, const char *process)
{
	if (thread && *thread)
		jw_kstr(w, "thread_name", thread);
	if (process && *process)
		jw_kstr(w, "process_name", process);
}

static void chain(struct jsonw *w, const struct finding *f,
		  const struct label_clock *k)
{
	jw_key(w, "chain");
	jw_arr(w);
	for (int i = 0; i < f->nchain; i++) {
		const struct chain_step *s = &f->chain[i];
		jw_obj(w);
		jw_kstr(w, "role", s->role);
		jw_kint(w, "pid", s->pid);
		jw_kint(w, "tid", s->tid);
		names(w, s->thread_name, s->process_name);
		if (s->cpu >= 0)
			jw_kint(w, "cpu", s->cpu);
		jw_kstr(w, "call", s->call);
		jw_kstr(w, "object", s->object);
		jw_kstr(w, "result", s->result);
		jw_kstr(w, "time", s->time);
		opt_ts(w, "ts", s->ts);
		when(w, k, s->ts);
		if (s->dur > 0)
			jw_kint(w, "duration_ns", s->dur);
		if (s->generation > 0)
			jw_kint(w, "generation", s->generation);
		source(w, &s->src, s->end_line);
		jw_kstr(w, "raw", s->raw);
		if (s->stack)
			jw_kstr(w, "stack", s->stack);
		jw_end_obj(w);
	}
	jw_end_arr(w);
}

static void findings(struct jsonw *w, const struct finding *f, int n,
		     const struct label_clock *k)
{
	struct card_set cs;

	cards_build(&cs, f, n);
	jw_key(w, "findings");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kint(w, "id", f[i].id);
		jw_kstr(w, "kind", finding_kind_name(f[i].kind));
		jw_kstr(w, "severity", severity_name(f[i].severity));
		jw_kint(w, "pid", f[i].pid);
		jw_kint(w, "tid", f[i].tid);
		names(w, f[i].thread_name, f[i].process_name);
		jw_kint(w, "handle", f[i].handle);
		jw_kstr(w, "object", f[i].object);
		jw_kstr(w, "expected", f[i].expected);
		jw_kstr(w, "call", f[i].call);
		jw_kstr(w, "time", f[i].time);
		opt_ts(w, "ts", f[i].ts);
		when(w, k, f[i].ts);
		jw_kstr(w, "error", f[i].error);
		jw_kstr(w, "message", f[i].message);
		jw_kstr(w, "evidence", f[i].evidence);
		source(w, &f[i].src, 0);
		chain(w, &f[i], k);
		jw_kstr(w, "fingerprint", f[i].fingerprint);
		jw_kstr(w, "bug", f[i].bug);
		if (f[i].caused_by)
			jw_kint(w, "caused_by", f[i].caused_by);
		if (f[i].nconsequences) {
			jw_key(w, "consequences");
			jw_arr(w);
			for (int j = 0; j < f[i].nconsequences; j++)
				jw_int(w, f[i].consequences[j]);
			jw_end_arr(w);
		}
		/* the card the text and HTML reports tell it in, when
		 * another finding heads it */
		if (cs.head[i] != f[i].id)
			jw_kint(w, "group", cs.head[i]);
		jw_end_obj(w);
	}
	jw_end_arr(w);
	cards_free(&cs);
}

static void unexplained(struct jsonw *w, const struct unexplained *u, int n,
			const struct label_clock *k)
{
	jw_key(w, "unexplained");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kint(w, "pid", u[i].pid);
		jw_kint(w, "tid", u[i].tid);
		names(w, u[i].thread_name, u[i].process_name);
		jw_kint(w, "handle", u[i].handle);
		jw_kstr(w, "call", u[i].call);
		jw_kstr(w, "error", u[i].error);
		jw_kstr(w, "reason", u[i].reason);
		jw_kstr(w, "reason_code", u[i].reason_code);
		jw_kstr(w, "time", u[i].time);
		when(w, k, u[i].ts);
		source(w, &u[i].src, 0);
		jw_kstr(w, "raw", u[i].raw);
		jw_end_obj(w);
	}
	jw_end_arr(w);
}

static void summary(struct jsonw *w, const struct capture *c,
		    const struct finding *f, int n, int nu)
{
	const struct timeline_stats *ts = timeline_stats(c->tl);
	int by_kind[FK__COUNT] = { 0 }, by_sev[3] = { 0 };
	for (int i = 0; i < n; i++) {
		by_kind[f[i].kind]++;
		by_sev[f[i].severity]++;
	}
	jw_key(w, "summary");
	jw_obj(w);
	jw_kint(w, "findings", n);
	jw_key(w, "by_kind");
	jw_obj(w);
	for (int k = 0; k < FK__COUNT; k++)
		jw_kint(w, finding_kind_name((enum finding_kind)k), by_kind[k]);
	jw_end_obj(w);
	jw_key(w, "by_severity");
	jw_obj(w);
	for (int s = 0; s < 3; s++)
		jw_kint(w, severity_name((enum severity)s), by_sev[s]);
	jw_end_obj(w);
	jw_kint(w, "unexplained", nu);
	jw_key(w, "not_findings");
	jw_obj(w);
	jw_kint(w, "sweeps", ts->benign_sweeps);
	jw_kint(w, "probes", ts->benign_probes);
	jw_kint(w, "close_negative", ts->benign_negative);
	jw_kint(w, "handoffs", ts->handoffs);
	jw_kint(w, "leaks_killed", ts->leaks_killed);
	jw_kint(w, "leaks_untraced", ts->leaks_untraced);
	jw_end_obj(w);
	/* only past the cap: reports under it keep their bytes */
	if (ts->findings_dropped)
		jw_kint(w, "findings_dropped", ts->findings_dropped);
	if (ts->unexplained_dropped)
		jw_kint(w, "unexplained_dropped", ts->unexplained_dropped);
	long skipped = 0;
	for (int i = 0; i < c->ninputs; i++)
		skipped += c->inputs[i].skipped;
	jw_kint(w, "skipped_lines", skipped);
	jw_kint(w, "events", ts->events);
	jw_kint(w, "processes", ts->processes);
	jw_kint(w, "threads", ts->threads);
	opt_ts(w, "ts_first", ts->ts_first);
	opt_ts(w, "ts_last", ts->ts_last);
	struct label_clock clk;
	label_clock_of(&clk, c);
	jw_kstr(w, "clock", clock_name(clk.clock));
	char iso[64];
	if (label_iso(iso, &clk, clk.t0))
		jw_kstr(w, "start_utc", iso);
	jw_kint(w, "status", capture_status(c));
	jw_kstr(w, "fatal", c->fatal);
	jw_end_obj(w);
}

/* what the triage options selected: only when some were given */
static void selection(struct jsonw *w, const struct capture *c)
{
	if (!c->sel)
		return;
	const struct capture_view *v = &c->view;
	jw_key(w, "selection");
	jw_obj(w);
	jw_kstr(w, "options", c->sel->said);
	jw_kint(w, "findings_total", v->total);
	jw_kint(w, "findings_shown", v->nf);
	jw_kint(w, "findings_left_out", v->left_out);
	jw_kint(w, "findings_folded", v->folded);
	jw_kint(w, "unexplained_total", v->utotal);
	jw_kint(w, "unexplained_shown", v->nu);
	jw_kint(w, "unexplained_left_out", v->uleft_out);
	jw_end_obj(w);
}

void report_json(struct strbuf *sb, const struct capture *c)
{
	struct jsonw w;
	int n, nu;
	const struct finding *f = capture_findings(c, &n);
	const struct unexplained *u = capture_unexplained(c, &nu);
	jw_init(&w, sb, 2);
	jw_obj(&w);
	jw_kstr(&w, "schema", "handletrail-report/1");
	jw_key(&w, "tool");
	jw_obj(&w);
	jw_kstr(&w, "name", "handletrail");
	jw_kstr(&w, "version", HT_VERSION);
	jw_end_obj(&w);
	struct label_clock k;
	label_clock_of(&k, c);
	inputs(&w, c);
	findings(&w, f, n, &k);
	unexplained(&w, u, nu, &k);
	summary(&w, c, f, n, nu);
	selection(&w, c);
	jw_end_obj(&w);
}
