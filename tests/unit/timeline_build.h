/* tests/unit/timeline_build.h - builds struct ht_event sequences by hand
 * for the timeline tests: one call per line, effects added one by one. */
#ifndef HANDLETRAIL_TIMELINE_BUILD_H
#define HANDLETRAIL_TIMELINE_BUILD_H

#include <stdlib.h>
#include <string.h>
#include "../../timeline/timeline.h"

struct bld {
	struct timeline *tl;
	struct ht_event ev;
	long line;         /* of the event being built */
	int64_t pid;       /* -1: strace; else ETW events of this pid */
	int cpu;
	char raw[256];
	char time[32];
};

static inline void b_init(struct bld *b)
{
	memset(b, 0, sizeof *b);
	b->tl = timeline_new();
	b->pid = -1;
	b->cpu = -1;
}

/* a one-line call by tid at line */
static inline void b_call(struct bld *b, long line, int64_t tid,
			  const char *call)
{
	struct ht_event *ev = &b->ev;
	memset(ev, 0, sizeof *ev);
	b->line = line;
	ev->type = EV_CALL;
	ev->phase = PH_FULL;
	ev->call = call;
	ev->pid = b->pid;
	ev->traits = b->pid >= 0 ? &traits_etw : &traits_strace;
	ev->tid = tid;
	ev->cpu = b->cpu;
	ev->ts = (int64_t)line * 1000;
	snprintf(b->time, sizeof b->time, "00:00:%02ld.%06ld", line / 1000,
		 line % 1000);
	ev->time_text = b->time;
	ev->src.file = "t.txt";
	ev->src.line = line;
	ev->src.event = b->pid >= 0 ? line : 0;
	snprintf(b->raw, sizeof b->raw, "%lld %s(...)", (long long)tid, call);
	ev->raw = b->raw;
}

static inline void b_entry(struct bld *b, long line, int64_t tid,
			   const char *call)
{
	b_call(b, line, tid, call);
	b->ev.phase = PH_ENTRY;
}

/* the resumed half of a call that started at entry_line */
static inline void b_exit(struct bld *b, long line, long entry_line,
			  int64_t tid,
		   const char *call)
{
	b_call(b, line, tid, call);
	b->ev.phase = PH_EXIT;
	b->ev.src.line = entry_line;
	b->ev.end_line = line;
}

static inline struct effect *b_fx(struct bld *b, enum eff_op op, int64_t h,
			   unsigned flags, const char *obj)
{
	struct effect *e = &b->ev.fx[b->ev.nfx++];
	memset(e, 0, sizeof *e);
	e->op = op;
	e->h = h;
	e->h2 = -1;
	e->pid2 = -1;
	e->flags = flags;
	e->object = obj;
	return e;
}

static inline void b_ret(struct bld *b, int64_t v)
{
	b->ev.has_ret = 1;
	b->ev.ret = v;
}

static inline void b_err(struct bld *b, const char *name, enum err_class c,
		  long err)
{
	b->ev.has_ret = 1;
	b->ev.ret = -1;
	b->ev.failed = 1;
	b->ev.errname = name;
	b->ev.errc = c;
	b->ev.err = err;
}

static inline void b_go(struct bld *b)
{
	timeline_feed(b->tl, &b->ev);
}

static inline void b_exited(struct bld *b, long line, int64_t tid)
{
	b_call(b, line, tid, "exited");
	b->ev.type = EV_TASK_EXIT;
	b_go(b);
}

/* shorthands for the common calls */
static inline void b_open(struct bld *b, long line, int64_t tid, int64_t fd,
		   const char *obj, unsigned flags)
{
	b_call(b, line, tid, "openat");
	b_fx(b, EFF_CREATE, fd, flags, obj);
	b_ret(b, fd);
	b_go(b);
}

static inline void b_socket(struct bld *b, long line, int64_t tid,
			    int64_t fd, const char *obj)
{
	b_call(b, line, tid, "socket");
	b_fx(b, EFF_CREATE, fd, 0, obj);
	b_ret(b, fd);
	b_go(b);
}

static inline void b_close(struct bld *b, long line, int64_t tid, int64_t fd,
		    const char *obj, int ebadf)
{
	b_call(b, line, tid, "close");
	b_fx(b, EFF_CLOSE, fd, 0, obj);
	if (ebadf)
		b_err(b, "EBADF", ERRC_BADF, 9);
	else
		b_ret(b, 0);
	b_go(b);
}

static inline void b_use(struct bld *b, long line, int64_t tid,
			 const char *call,
		  int64_t fd, const char *obj, unsigned flags,
		  const char *err, enum err_class c)
{
	b_call(b, line, tid, call);
	b_fx(b, EFF_USE, fd, flags, obj);
	if (err)
		b_err(b, err, c, c == ERRC_BADF ? 9 : 88);
	else
		b_ret(b, 1);
	b_go(b);
}

static inline void b_spawn(struct bld *b, long line, int64_t tid, int64_t child,
		    unsigned flags)
{
	b_call(b, line, tid, "clone3");
	b_fx(b, EFF_SPAWN, child, flags, NULL);
	b_ret(b, child);
	b_go(b);
}

static inline void b_exit_group(struct bld *b, long line, int64_t tid)
{
	b_call(b, line, tid, "exit_group");
	b_fx(b, EFF_EXIT_GROUP, -1, 0, NULL);
	b_go(b);
}

static inline int n_kind(const struct timeline *tl, enum finding_kind k)
{
	int n, c = 0;
	const struct finding *f = timeline_findings(tl, &n);
	for (int i = 0; i < n; i++)
		c += f[i].kind == k;
	return c;
}

static inline const struct finding *find_kind(const struct timeline *tl,
				       enum finding_kind k, int nth)
{
	int n;
	const struct finding *f = timeline_findings(tl, &n);
	for (int i = 0; i < n; i++)
		if (f[i].kind == k && nth-- == 0)
			return &f[i];
	return NULL;
}

static inline const struct chain_step *step_role(const struct finding *f,
					  const char *role, int nth)
{
	if (!f)
		return NULL;
	for (int i = 0; i < f->nchain; i++)
		if (strcmp(f->chain[i].role, role) == 0 && nth-- == 0)
			return &f->chain[i];
	return NULL;
}

/* "opened,closed,reused,offending" */
static inline const char *roles(const struct finding *f, char *buf, size_t n)
{
	buf[0] = '\0';
	if (!f)
		return buf;
	for (int i = 0; i < f->nchain; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "%s%s", i ? "," : "",
			 f->chain[i].role);
	}
	return buf;
}

static inline int n_findings(const struct timeline *tl)
{
	int n;
	timeline_findings(tl, &n);
	return n;
}

static inline int n_unexplained(const struct timeline *tl)
{
	int n;
	timeline_unexplained(tl, &n);
	return n;
}

static inline int n_warn_err(const struct timeline *tl)
{
	int n, c = 0;
	const struct finding *f = timeline_findings(tl, &n);
	for (int i = 0; i < n; i++)
		c += f[i].severity != SEV_NOTE;
	return c;
}

#endif
