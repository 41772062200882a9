/* tests/unit/strace_helpers.h - for the strace unit tests: parse a text or
 * a file through the public parser API and keep deep copies of the events
 * so that tests can look at any of them afterwards. */
#ifndef HANDLETRAIL_STRACE_HELPERS_H
#define HANDLETRAIL_STRACE_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../parser/parser.h"

struct parsed {
	struct ht_event *ev;
	int n, cap;
	struct input_stats st;
	int rc;                 /* last parser_next result: 0 or -1 */
	int open_failed;
	struct ht_error err;
};

static inline char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline void keep_event(struct parsed *ps, const struct ht_event *ev)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		ps->ev = realloc(ps->ev, (size_t)ps->cap * sizeof *ps->ev);
	}
	struct ht_event *c = &ps->ev[ps->n++];
	*c = *ev;
	c->call = dup_or_null(ev->call);
	c->time_text = dup_or_null(ev->time_text);
	c->errname = dup_or_null(ev->errname);
	c->raw = dup_or_null(ev->raw);
	c->thread_name = dup_or_null(ev->thread_name);
	c->stack = dup_or_null(ev->stack);
	c->src.file = dup_or_null(ev->src.file);
	for (int i = 0; i < ev->nfx; i++)
		c->fx[i].object = dup_or_null(ev->fx[i].object);
}

static inline void parsed_free(struct parsed *ps)
{
	for (int k = 0; k < ps->n; k++) {
		struct ht_event *c = &ps->ev[k];
		free((char *)c->call);
		free((char *)c->time_text);
		free((char *)c->errname);
		free((char *)c->raw);
		free((char *)c->thread_name);
		free((char *)c->stack);
		free((char *)c->src.file);
		for (int i = 0; i < c->nfx; i++)
			free((char *)c->fx[i].object);
	}
	free(ps->ev);
	free(ps->st.path);
	memset(ps, 0, sizeof *ps);
}

static inline void parse_path(struct parsed *ps, const char *path,
			      int64_t tid)
{
	memset(ps, 0, sizeof *ps);
	ps->st.ts_first = ps->st.ts_last = TS_NONE;
	struct parser_options o = { FMT_AUTO, tid, NULL };
	struct parser *p = parser_open(path, &o, &ps->st, &ps->err);
	if (!p) {
		ps->open_failed = 1;
		ps->rc = -1;
		return;
	}
	struct ht_event ev;
	int r;
	while ((r = parser_next(p, &ev, &ps->err)) == 1)
		keep_event(ps, &ev);
	ps->rc = r;
	parser_close(p);
}

static char tmp_path[512];

/* writes n bytes to a fresh temp file; returns its path */
static inline const char *write_tmp(const char *data, size_t n,
				    const char *suffix)
{
	const char *dir = getenv("TMPDIR");
	snprintf(tmp_path, sizeof tmp_path, "%s/ht-strace-XXXXXX%s",
		 dir && *dir ? dir : "/tmp", suffix);
	int fd = mkstemps(tmp_path, (int)strlen(suffix));
	if (fd < 0) {
		perror("mkstemps");
		exit(2);
	}
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w <= 0) {
			perror("write");
			exit(2);
		}
		off += (size_t)w;
	}
	close(fd);
	return tmp_path;
}

/* parses text as a strace capture (default TID as given) */
static inline void parse_text(struct parsed *ps, const char *text,
			      int64_t tid)
{
	const char *path = write_tmp(text, strlen(text), ".txt");
	parse_path(ps, path, tid);
	unlink(path);
}

/* the event whose source line is ln (and phase ph, -1: any) */
static inline const struct ht_event *ev_at(const struct parsed *ps,
					   long ln, int ph)
{
	for (int i = 0; i < ps->n; i++)
		if (ps->ev[i].src.line == ln &&
		    (ph < 0 || (int)ps->ev[i].phase == ph))
			return &ps->ev[i];
	return NULL;
}

/* the first effect of kind op on handle h in ev, or NULL */
static inline const struct effect *fx_find(const struct ht_event *ev,
					   int op, int64_t h)
{
	if (!ev)
		return NULL;
	for (int i = 0; i < ev->nfx; i++)
		if ((int)ev->fx[i].op == op && ev->fx[i].h == h)
			return &ev->fx[i];
	return NULL;
}

static inline const char *data_dir(void)
{
	static char buf[512];
	const char *top = getenv("top");
	snprintf(buf, sizeof buf, "%s/tests/data/strace",
		 top && *top ? top : ".");
	return buf;
}

static inline const char *data_file(const char *name)
{
	static char buf[600];
	snprintf(buf, sizeof buf, "%s/%s", data_dir(), name);
	return buf;
}

#define OBJ(e) ((e) && (e)->object ? (e)->object : "(none)")

#endif
