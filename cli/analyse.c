/* cli/analyse.c - turns the files of one capture into one timeline: opens
 * a parser per file and merges their events in time order. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
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
		struct parser_options po = {
			.format = o->format,
			.default_tid = ff_suffix_tid(paths[i]),
			.rules_path = o->rules_path,
		};
		struct input_stats *st = &out->inputs[i];
		st->ts_first = st->ts_last = TS_NONE;
		src[i].p = parser_open(paths[i], &po, st, err);
		if (!st->path)
			st->path = xstrdup(strcmp(paths[i], "-") == 0
					   ? "<stdin>" : paths[i]);
		if (!src[i].p) {
			for (int k = 0; k < i; k++)
				parser_close(src[k].p);
			free(src);
			capture_free(out);
			return -1;
		}
		advance(out, &src[i]);
		if (src[i].have && src[i].ev.ts == TS_NONE)
			all_timed = 0;
	}
	struct timeline *tl = timeline_new();
	if (npaths > 1 && !all_timed)
		for (int i = 0; i < npaths; i++)
			input_stats_limit(&out->inputs[i],
				"several files without timestamps: their "
				"events are read one file after another, not "
				"interleaved in time");
	/* one file (the usual case): its events in order */
	int stop = 0;
	while (npaths == 1 && src[0].have && !stop) {
		timeline_feed(tl, &src[0].ev);
		if (timeline_full(tl)) {
			full_note(out, tl, &src[0].ev);
			stop = 1;
		} else {
			advance(out, &src[0]);
		}
	}
	while (!stop) {
		/* the earliest head event; ties go to the earlier file */
		int best = -1;
		for (int i = 0; i < npaths; i++) {
			if (!src[i].have)
				continue;
			if (best < 0) {
				best = i;
				if (!all_timed)
					break;
				continue;
			}
			if (src[i].ev.ts < src[best].ev.ts)
				best = i;
		}
		if (best < 0)
			break;
		timeline_feed(tl, &src[best].ev);
		if (timeline_full(tl)) {
			full_note(out, tl, &src[best].ev);
			stop = 1;
		} else {
			advance(out, &src[best]);
		}
	}
	timeline_finish(tl);
	const struct timeline_stats *ts = timeline_stats(tl);
	if (ts->numbers_forgotten) {
		char msg[300];
		snprintf(msg, sizeof msg, "%ld closed handle numbers forgotten "
			 "to bound memory (%ld kept, most recently used "
			 "first): a later close or use of one is reported as "
			 "a failure on a number never seen",
			 ts->numbers_forgotten, ts->numbers_kept);
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
		parser_close(src[i].p);
	free(src);
	out->tl = tl;
	return 0;
}

void capture_free(struct capture *c)
{
	for (int i = 0; i < c->ninputs; i++)
		free(c->inputs[i].path);
	free(c->inputs);
	if (c->tl)
		timeline_free((struct timeline *)c->tl);
	free((char *)c->name);
	free((char *)c->fatal);
	memset(c, 0, sizeof *c);
}
