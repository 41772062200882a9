/* cli/analyse.c - turns the files of one capture into one timeline: opens
 * a parser per file and merges their events in time order. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

/* The per-thread files of `strace -ff -o x` are x.<TID>, possibly
 * compressed afterwards: x.<TID>.gz.  Returns the length of "x" and sets
 * *tid, or returns 0 when path is not such a file. */
size_t ff_split(const char *path, int64_t *tid)
{
	size_t n = strlen(path);
	static const char *const zext[] = { ".gz", ".xz", ".zst" };
	for (size_t i = 0; i < sizeof zext / sizeof zext[0]; i++) {
		size_t l = strlen(zext[i]);
		if (n > l && strcmp(path + n - l, zext[i]) == 0) {
			n -= l;
			break;
		}
	}
	size_t d = n;
	while (d > 0 && isdigit((unsigned char)path[d - 1]))
		d--;
	if (d == n || n - d > 9 || d < 2 || path[d - 1] != '.' ||
	    path[d - 2] == '/')
		return 0;
	*tid = strtoll(path + d, NULL, 10);
	return d - 1;
}

const char *file_type_name(unsigned mode)
{
	return S_ISFIFO(mode) ? "a FIFO" : S_ISCHR(mode) ? "a character device"
	       : S_ISBLK(mode) ? "a block device" : S_ISSOCK(mode) ? "a socket"
	       : S_ISDIR(mode) ? "a folder" : "not a regular file";
}

int check_regular(const char *path, const char *what, struct ht_error *err)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		ht_error_set(err, path, 0, "%s: cannot read: %s", what,
			     strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		ht_error_set(err, path, 0, "%s: not a regular file (%s)", what,
			     file_type_name(st.st_mode));
		return -1;
	}
	return 0;
}

/* A format the user forced, on bytes that gave no event at all: that is
 * not a clean capture but input of another kind.  0, or -1 with err (and
 * out freed). */
static int said_nothing(struct capture *out, const struct analyse_options *o,
			struct ht_error *err)
{
	long long bytes = 0;
	long events = 0, lines = 0;
	for (int i = 0; i < out->ninputs; i++) {
		bytes += out->inputs[i].bytes;
		events += out->inputs[i].events;
		lines += out->inputs[i].lines;
	}
	if (o->format == FMT_AUTO || events > 0 || bytes == 0 || out->fatal ||
	    (format_framed(o->format) && lines > 0))
		return 0;
	/* counted in the format's own unit: lines, or an .etl's records */
	const char *unit = format_unit(o->format);   /* "records (.etl)" */
	int ul = (int)strcspn(unit, " ") - (lines == 1);
	ht_error_set(err, out->inputs[0].path ? out->inputs[0].path : "", 0,
		     "read as --format %s, but no event was found in it "
		     "(%ld %.*s): is it %s?", format_name(o->format), lines,
		     ul, unit, format_name(o->format));
	capture_free(out);
	return -1;
}

static int64_t ff_suffix_tid(const char *path)
{
	int64_t tid = -1;
	return ff_split(path, &tid) ? tid : -1;
}

struct source {
	struct parser *p;
	struct ht_event ev;
	int have;  /* ev holds the next event */
	int done;
	int64_t first_ts;  /* of its first event (several files) */
};

static void fatal_note(struct capture *c, const struct ht_error *e)
{
	char buf[1200];
	ht_error_format(e, buf, sizeof buf);
	if (!c->fatal)
		c->fatal = xstrdup(buf);
}

/* The analysis holds so many threads alive at once no more: it stops at
 * ev, and the reports cover what came before. */
static void full_note(struct capture *c, const struct timeline *tl,
		      const struct ht_event *ev)
{
	struct ht_error e;
	ht_error_set(&e, ev->src.file ? ev->src.file : "", ev->src.line,
		     "more than %ld threads alive at once: the analysis "
		     "stops here to bound its memory", timeline_full(tl));
	fatal_note(c, &e);
}

static void advance(struct capture *c, struct source *s)
{
	/* not zeroed whole: 1 KB per event adds up; parsers fill it on
	 * error, these make an unfilled one read as empty */
	struct ht_error e;
	e.file[0] = e.msg[0] = '\0';
	e.line = 0;
	int r = parser_next(s->p, &s->ev, &e);
	if (r == 1) {
		s->have = 1;
		return;
	}
	s->have = 0;
	s->done = 1;
	if (r < 0)
		fatal_note(c, &e);
}

/* A -ff capture is one capture: whether it was filtered (-e trace=) or
 * shows no close at all is judged over all its files, not per thread's
 * file (one thread may well close nothing).  Without any close, leaks
 * cannot be told: none are reported. */
static void whole_capture(struct capture *out, struct timeline *tl)
{
	long calls = 0, creates = 0, closes = 0, basic = 0;
	int nff = 0, unseen = 0;
	for (int i = 0; i < out->ninputs; i++) {
		const struct input_stats *st = &out->inputs[i];
		unseen |= st->closes_unseen;
		if (!st->per_thread)
			continue;
		nff++;
		calls += st->calls;
		creates += st->creates;
		closes += st->closes;
		basic += st->basic;
	}
	if (nff) {
		input_stats_whole(&out->inputs[0], calls, creates, closes,
				  basic, 1);
		unseen |= out->inputs[0].closes_unseen;
	}
	if (unseen)
		timeline_drop_kind(tl, FK_LEAK);
}

/* Findings whose evidence spans events the tracer lost are notes. */
static void lost_events_note(struct capture *out, struct timeline *tl)
{
	int ng = 0, n;
	for (int i = 0; i < out->ninputs; i++)
		ng += out->inputs[i].ngaps;
	if (!ng)
		return;
	struct trace_gap *g = xcalloc((size_t)ng, sizeof *g);
	ng = 0;
	for (int i = 0; i < out->ninputs; i++)
		for (int k = 0; k < out->inputs[i].ngaps; k++)
			g[ng++] = out->inputs[i].gaps[k];
	n = timeline_gaps(tl, g, ng);
	free(g);
	if (n) {
		char msg[200];
		snprintf(msg, sizeof msg, "events were lost inside the "
			 "evidence of %d finding%s: %s only a note and says "
			 "so", n, n == 1 ? "" : "s", n == 1 ? "it is" :
			 "each is");
		input_stats_limit(&out->inputs[0], msg);
	}
}

/* Tasks a clone or fork returned the id of and that never show in the
 * capture (no [pid N] line, no -ff file, no resumed call): strace ran
 * without -f, and what they did is missing. */
static void untraced_note(struct capture *out, const struct timeline_stats *ts)
{
	char msg[300];
	if (ts->threads_unseen) {
		snprintf(msg, sizeof msg, "threads not traced: %ld thread%s "
			 "started by clone with CLONE_THREAD never appear%s in "
			 "the capture (no -f?); what they did to the shared "
			 "fd table is missing, so a clean result means little",
			 ts->threads_unseen, ts->threads_unseen == 1 ? "" : "s",
			 ts->threads_unseen == 1 ? "s" : "");
		input_stats_limit(&out->inputs[0], msg);
	}
	if (ts->children_unseen) {
		snprintf(msg, sizeof msg, "child processes not traced: %ld "
			 "child%s started by fork, vfork or clone never "
			 "appear%s in the capture (no -f?)", ts->children_unseen,
			 ts->children_unseen == 1 ? "" : "ren",
			 ts->children_unseen == 1 ? "s" : "");
		input_stats_limit(&out->inputs[0], msg);
	}
}

/* Opens file i and reads its first event.  -1: err filled. */
static int src_open(struct capture *out, const char *const *paths, int i,
		    const struct analyse_options *o, struct source *s,
		    struct ht_error *err)
{
	struct parser_options po = {
		.format = o->format,
		.default_tid = ff_suffix_tid(paths[i]),
		.rules_path = o->rules_path,
	};
	struct input_stats *st = &out->inputs[i];
	st->ts_first = st->ts_last = TS_NONE;
	s->p = parser_open(paths[i], &po, st, err);
	if (!st->path)
		st->path = xstrdup(strcmp(paths[i], "-") == 0 ? "<stdin>"
				   : paths[i]);
	if (!s->p)
		return -1;
	advance(out, s);
	return 0;
}

static void src_close(struct source *s)
{
	if (s->p)
		parser_close(s->p);
	s->p = NULL;
}

/* Forgets what reading file i's first event counted: it is read again
 * from its start when its turn comes. */
static void src_rewind(struct capture *out, int i, struct source *s)
{
	src_close(s);
	s->have = s->done = 0;
	struct input_stats *st = &out->inputs[i];
	char *path = st->path;
	memset(st, 0, sizeof *st);
	st->path = path;
	st->ts_first = st->ts_last = TS_NONE;
}

/* Several files (strace -ff: one per thread) are merged by time.  Only
 * the files between their first and last event are open: a file is
 * looked at once for its first stamp, then opened again when the merge
 * reaches it and closed at its end, so memory follows the threads alive,
 * not the number of files.  Returns -1 (err filled) when a file cannot
 * be opened again. */
static int merge_files(struct capture *out, const char *const *paths,
		       int npaths, const struct analyse_options *o,
		       struct source *src, int all_timed,
		       struct timeline *tl, struct ht_error *err)
{
	int *order = xmalloc((size_t)npaths * sizeof *order);
	int *act = xmalloc((size_t)npaths * sizeof *act);
	int norder = 0, nact = 0, next = 0, rc = 0;
	for (int i = 0; i < npaths; i++) {
		if (src[i].p && src[i].have)
			act[nact++] = i;      /* not reopenable (stdin) */
		else if (!src[i].done)
			order[norder++] = i;
	}
	/* by first stamp, ties to the earlier file (insertion sort: the
	 * files of -ff come about in the order their threads started) */
	for (int a = 1; all_timed && a < norder; a++) {
		int v = order[a], b = a;
		while (b > 0 && src[order[b - 1]].first_ts > src[v].first_ts) {
			order[b] = order[b - 1];
			b--;
		}
		order[b] = v;
	}
	for (;;) {
		int best = -1, bi = -1;
		for (int k = 0; k < nact; k++) {
			int i = act[k];
			if (best < 0 || (all_timed &&
			    (src[i].ev.ts < src[best].ev.ts ||
			     (src[i].ev.ts == src[best].ev.ts && i < best)))) {
				best = i;
				bi = k;
			}
		}
		/* a file whose first event comes before: open it now */
		if (next < norder && (best < 0 || (all_timed &&
		    (src[order[next]].first_ts < src[best].ev.ts ||
		     (src[order[next]].first_ts == src[best].ev.ts &&
		      order[next] < best))))) {
			int i = order[next++];
			if (src_open(out, paths, i, o, &src[i], err) < 0) {
				rc = -1;
				break;
			}
			if (src[i].have)
				act[nact++] = i;
			else
				src_close(&src[i]);
			continue;
		}
		if (best < 0)
			break;
		timeline_feed(tl, &src[best].ev);
		if (o->on_event)
			o->on_event(o->on_event_ctx, &src[best].ev, tl);
		if (timeline_full(tl)) {
			full_note(out, tl, &src[best].ev);
			break;
		}
		advance(out, &src[best]);
		if (!src[best].have) {
			src_close(&src[best]);
			act[bi] = act[--nact];
		}
	}
	free(order);
	free(act);
	return rc;
}

int analyse_capture(const char *const *paths, int npaths,
		    const struct analyse_options *o, struct capture *out,
		    struct ht_error *err)
{
	memset(out, 0, sizeof *out);
	out->inputs = xcalloc((size_t)npaths, sizeof *out->inputs);
	out->ninputs = npaths;
	out->name = xstrdup(npaths ? paths[0] : "");
	struct source *src = xcalloc((size_t)npaths, sizeof *src);
	int all_timed = 1;
	for (int i = 0; i < npaths; i++) {
		if (src_open(out, paths, i, o, &src[i], err) < 0) {
			for (int k = 0; k < i; k++)
				src_close(&src[k]);
			free(src);
			capture_free(out);
			return -1;
		}
		if (src[i].have && src[i].ev.ts == TS_NONE)
			all_timed = 0;
		src[i].first_ts = src[i].have ? src[i].ev.ts : TS_NONE;
		/* several files: closed until the merge comes to them */
		if (npaths > 1 && src[i].have && strcmp(paths[i], "-") != 0)
			src_rewind(out, i, &src[i]);
		else if (!src[i].have)
			src_close(&src[i]);
	}
	struct timeline *tl = timeline_new();
	if (npaths > 1 && !all_timed)
		for (int i = 0; i < npaths; i++)
			input_stats_limit(&out->inputs[i],
				"several files without timestamps: their "
				"events are read one file after another, not "
				"interleaved in time");
	/* one file (the usual case): its events in order */
	while (npaths == 1 && src[0].have) {
		timeline_feed(tl, &src[0].ev);
		if (o->on_event)
			o->on_event(o->on_event_ctx, &src[0].ev, tl);
		if (timeline_full(tl)) {
			full_note(out, tl, &src[0].ev);
			break;
		}
		advance(out, &src[0]);
	}
	if (npaths > 1 && merge_files(out, paths, npaths, o, src, all_timed,
				      tl, err) < 0) {
		for (int k = 0; k < npaths; k++)
			src_close(&src[k]);
		free(src);
		timeline_free(tl);
		capture_free(out);
		return -1;
	}
	timeline_finish(tl);
	whole_capture(out, tl);
	lost_events_note(out, tl);
	for (int i = 0; i < npaths && o->rules_path; i++)
		if (!format_traits(out->inputs[i].format)->takes_rules)
			input_stats_limit(&out->inputs[i], "--rules maps ETW "
				"events; it does nothing for this input");
	const struct timeline_stats *ts = timeline_stats(tl);
	untraced_note(out, ts);
	if (ts->findings_dropped || ts->unexplained_dropped) {
		char msg[300];
		int nf, nu;
		timeline_findings(tl, &nf);
		timeline_unexplained(tl, &nu);
		snprintf(msg, sizeof msg, "%ld findings and %ld unexplained "
			 "failures past the cap were counted, not listed (the "
			 "first %d and %d are)", ts->findings_dropped,
			 ts->unexplained_dropped, nf, nu);
		input_stats_limit(&out->inputs[0], msg);
	}
	if (ts->numbers_forgotten) {
		char msg[300];
		snprintf(msg, sizeof msg, "%ld closed handle numbers forgotten "
			 "to bound memory (%ld kept, most recently used "
			 "first): a later close or use of one is reported as "
			 "a failure on a number never seen",
			 ts->numbers_forgotten, ts->numbers_kept);
		input_stats_limit(&out->inputs[0], msg);
	}
	if (ts->involved_forgotten) {
		char msg[300];
		snprintf(msg, sizeof msg, "%ld handle numbers that findings "
			 "refer to forgotten to bound memory (%ld kept, most "
			 "recently used first): a later close or use of one "
			 "is told without the history those findings show",
			 ts->involved_forgotten, ts->involved_kept);
		input_stats_limit(&out->inputs[0], msg);
	}
	if (ts->open_forgotten) {
		char msg[300];
		snprintf(msg, sizeof msg, "%ld open handle numbers forgotten "
			 "past %ld kept at once: a later use of one is told as "
			 "on a number opened outside the trace, and its leak "
			 "is not reported", ts->open_forgotten, ts->open_kept);
		input_stats_limit(&out->inputs[0], msg);
	}
	for (int i = 0; i < npaths; i++)
		src_close(&src[i]);
	free(src);
	out->tl = tl;
	return said_nothing(out, o, err);
}

void capture_free(struct capture *c)
{
	capture_unselect(c);
	for (int i = 0; i < c->ninputs; i++)
		free(c->inputs[i].path);
	free(c->inputs);
	if (c->tl)
		timeline_free((struct timeline *)c->tl);
	free((char *)c->name);
	free((char *)c->fatal);
	memset(c, 0, sizeof *c);
}
