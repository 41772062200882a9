/* parser/parser.c - opens an input, tells its format from its content and
 * hands events from the matching backend to the caller. */
#include <ctype.h>
#include <string.h>
#include <stdarg.h>
#include <stdlib.h>
#include "perf_int.h"

static const struct {
	const char *name, *unit;
	int framed;
	const struct source_traits *traits;
} formats[] = {
#define FORMAT(id, name, unit, framed, traits) \
	[id] = { name, unit, framed, &traits },
#include "formats.def"
#undef FORMAT
};
#define NFORMATS (sizeof formats / sizeof formats[0])

const char *format_name(enum ht_format f)
{
	return (unsigned)f < NFORMATS ? formats[f].name : "?";
}

const char *format_unit(enum ht_format f)
{
	return (unsigned)f < NFORMATS ? formats[f].unit : "lines";
}

int format_framed(enum ht_format f)
{
	return (unsigned)f < NFORMATS && formats[f].framed;
}

int format_parse(const char *s, enum ht_format *f)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(s, formats[i].name) == 0) {
			*f = (enum ht_format)i;
			return 0;
		}
	return -1;
}

/* one more line skipped for reason text r (numbers count as one) */
static void count_reason(struct input_stats *st, const char *r)
{
	char k[sizeof st->reasons[0].reason];
	size_t n = 0;
	for (const char *p = r; *p && n + 1 < sizeof k; p++) {
		if (*p >= '0' && *p <= '9' && (p == r || !(isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
			while (p[1] >= '0' && p[1] <= '9')
				p++;
			k[n++] = 'N';
		} else {
			k[n++] = *p;
		}
	}
	k[n] = '\0';
	for (int i = 0; i < st->nreasons; i++)
		if (strcmp(st->reasons[i].reason, k) == 0) {
			st->reasons[i].lines++;
			return;
		}
	if (st->nreasons == HT_SKIP_REASONS) {
		struct skip_reason *o = &st->reasons[HT_SKIP_REASONS - 1];
		snprintf(o->reason, sizeof o->reason, "other reasons");
		o->lines++;
		return;
	}
	struct skip_reason *o = &st->reasons[st->nreasons++];
	memcpy(o->reason, k, n + 1);
	o->lines = 1;
}

void input_stats_skip(struct input_stats *st, long line, const char *fmt,
		      ...)
{
	st->skipped++;
	char why[sizeof st->samples[0].reason];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	count_reason(st, why);
	if (st->nsamples >= HT_SKIP_SAMPLES)
		return;
	struct skip_sample *s = &st->samples[st->nsamples++];
	s->line = line;
	memcpy(s->reason, why, sizeof why);
}

void input_stats_limit(struct input_stats *st, const char *text)
{
	size_t have = strlen(st->limits);
	/* each limit once */
	const char *p = st->limits;
	size_t tl = strlen(text);
	while ((p = strstr(p, text)) != NULL) {
		if ((p == st->limits || p[-1] == '\n') &&
		    (p[tl] == '\n' || p[tl] == '\0'))
			return;
		p += tl;
	}
	snprintf(st->limits + have, sizeof st->limits - have, "%s%s",
		 have ? "\n" : "", text);
}

void input_stats_gap(struct input_stats *st, int cpu, int64_t from,
		     int64_t to, long lost, long line)
{
	if (st->ngaps == HT_MAX_GAPS) {
		/* bounded: the last gap stretches over the rest */
		struct trace_gap *g = &st->gaps[HT_MAX_GAPS - 1];
		if (g->cpu != cpu)
			g->cpu = -1;
		if (from != TS_NONE && (g->from == TS_NONE || from < g->from))
			g->from = from;
		if (to == TS_NONE || (g->to != TS_NONE && to > g->to))
			g->to = to;
		g->lost = g->lost && lost ? g->lost + lost : 0;
		return;
	}
	st->gaps[st->ngaps++] = (struct trace_gap){ cpu, from, to, lost,
						    line };
}

void input_stats_whole(struct input_stats *st, long calls, long creates,
		       long closes, long basic, int subset)
{
	if (subset && calls >= 20 && basic == 0)
		input_stats_limit(st, "-e trace= subset: calls outside the "
				  "traced set (closes, dups, clone, execve) "
				  "are invisible");
	if (creates > 0 && closes == 0 && calls >= 10) {
		input_stats_limit(st, "no close at all in the trace: closes "
				  "are missing (-e trace= or -Z), so no leak "
				  "is reported");
		st->closes_unseen = 1;
	}
}

struct parser {
	enum ht_format format;
	void *impl;
};

const struct source_traits traits_strace = {
	.noun = "fd", .objects_each_use = 1, .notsock_means_open = 1,
	.stdio_fds = 1, .names_inherited = 1,
};
const struct source_traits traits_etw = {
	.noun = "handle", .handle_hex = 1, .reports_twice = 1,
	.win_results = 1, .pid_tables = 1, .takes_rules = 1,
};

const struct source_traits *format_traits(enum ht_format f)
{
	return (unsigned)f < NFORMATS ? formats[f].traits : &traits_strace;
}

struct parser *parser_open(const char *path, const struct parser_options *o,
			   struct input_stats *st, struct ht_error *err)
{
	struct instream *in = instream_open(path, st, err);
	if (!in)
		return NULL;
	enum ht_format f = o->format;
	if (f == FMT_AUTO) {
		const char *head;
		size_t n = instream_peek(in, &head, 65536);
		f = etl_sniff(head, n) ? FMT_ETL : etw_sniff(head, n);
		if (f == FMT_AUTO)
			f = (enum ht_format)perf_sniff(head, n);
		if (f == FMT_AUTO && strace_sniff(head, n))
			f = FMT_STRACE;
		char c;
		if (f == FMT_AUTO && n == 0 &&
		    instream_read(in, &c, 1, err) < 0) {
			/* damaged compressed data: say that, not "format" */
			instream_close(in);
			return NULL;
		}
		if (f == FMT_AUTO && n == 0) {
			ht_error_set(err, instream_path(in), 0, "empty: no "
				     "trace lines or events to read");
			instream_close(in);
			return NULL;
		}
		if (f == FMT_AUTO) {
			ht_error_set(err, instream_path(in), 0,
				     "cannot tell the format: neither strace, "
				     "perf or trace-cmd output, an .etl file "
				     "nor ETW/PerfView "
				     "event XML "
				     "(use --format to force one)");
			instream_close(in);
			return NULL;
		}
	}
	st->format = f;
	st->traits = format_traits(f);
	struct parser *p = xcalloc(1, sizeof *p);
	p->format = f;
	if (f == FMT_STRACE)
		p->impl = strace_open(in, o, st, err);
	else if (f == FMT_PERF_TRACE)
		p->impl = perf_trace_open(in, o, st, err);
	else if (f == FMT_PERF_SCRIPT || f == FMT_TRACE_CMD)
		p->impl = perf_open(in, f, o, st, err);
	else if (f == FMT_ETL)
		p->impl = etl_open(in, o, st, err);
	else
		p->impl = etw_open(in, f, o, st, err);
	if (!p->impl) {
		free(p);
		return NULL;
	}
	return p;
}

int parser_next(struct parser *p, struct ht_event *ev, struct ht_error *err)
{
	int r;
	ev->program = NULL;   /* the readers that know it set it */
	if (p->format == FMT_STRACE)
		r = strace_next(p->impl, ev, err);
	else if (p->format == FMT_PERF_TRACE)
		r = perf_trace_next(p->impl, ev, err);
	else if (p->format == FMT_PERF_SCRIPT || p->format == FMT_TRACE_CMD)
		r = perf_next(p->impl, ev, err);
	else if (p->format == FMT_ETL)
		r = etl_next(p->impl, ev, err);
	else
		r = etw_next(p->impl, ev, err);
	ev->traits = format_traits(p->format);
	return r;
}

void parser_close(struct parser *p)
{
	if (!p)
		return;
	if (p->format == FMT_STRACE)
		strace_close(p->impl);
	else if (p->format == FMT_PERF_TRACE)
		perf_trace_close(p->impl);
	else if (p->format == FMT_PERF_SCRIPT || p->format == FMT_TRACE_CMD)
		perf_close(p->impl);
	else if (p->format == FMT_ETL)
		etl_close(p->impl);
	else
		etw_close(p->impl);
	free(p);
}
