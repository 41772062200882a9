/* tests/unit/etw_util.h - helpers for the ETW unit tests: write XML text to
 * a temp file, parse it through parser_open/parser_next, keep copies. */
#ifndef HANDLETRAIL_TEST_ETW_UTIL_H
#define HANDLETRAIL_TEST_ETW_UTIL_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../parser/etw.h"

#define RUN_MAX 64

struct gotev {
	enum ev_type type;
	char call[64], time[64], raw[512], thread_name[64], errname[48];
	int64_t pid, tid, ts;
	int cpu, failed, nfx;
	long err, line, event;
	enum err_class errc;
	struct effect fx[4];
	char obj[4][128];
	int has_thread_name;
};

struct run {
	int rc;               /* 0 end, -1 fatal, -2 open failed */
	char errmsg[1200];
	char path[256];
	struct input_stats st;
	int n;
	struct gotev ev[RUN_MAX];
};

static inline char *temp_name(void)
{
	const char *dir = getenv("TMPDIR");
	char *p = malloc(300);
	snprintf(p, 300, "%s/etwtestXXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(p);
	if (fd >= 0)
		close(fd);
	return p;
}

static inline char *write_temp(const char *s, size_t n)
{
	char *p = temp_name();
	FILE *f = fopen(p, "wb");
	if (f) {
		fwrite(s, 1, n, f);
		fclose(f);
	}
	return p;
}

/* A rules file that maps every event of the test providers "App" and
 * "A" with the default field names: providers handletrail does not know
 * need one (doc/rules.md).  The caller unlinks and frees it. */
static inline char *unit_app_rules(void)
{
	static const char x[] =
		"<handletrail-rules>\n"
		" <provider name='App'><event role='use'/></provider>\n"
		" <provider name='A'><event role='use'/></provider>\n"
		"</handletrail-rules>\n";
	return write_temp(x, sizeof x - 1);
}

static inline void copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static inline void run_file(struct run *r, const char *path,
			    enum ht_format f, const char *rules)
{
	memset(r, 0, sizeof *r);
	copy_str(r->path, sizeof r->path, path);
	struct parser_options o = { f, -1, rules };
	struct ht_error err;
	memset(&err, 0, sizeof err);
	struct parser *p = parser_open(path, &o, &r->st, &err);
	if (!p) {
		ht_error_format(&err, r->errmsg, sizeof r->errmsg);
		r->rc = -2;
		free(r->st.path);
		r->st.path = NULL;
		return;
	}
	struct ht_event ev;
	int rc;
	while ((rc = parser_next(p, &ev, &err)) == 1) {
		if (r->n >= RUN_MAX)
			continue;
		struct gotev *g = &r->ev[r->n++];
		g->type = ev.type;
		copy_str(g->call, sizeof g->call, ev.call);
		char tb[40];
		copy_str(g->time, sizeof g->time, ev_time(&ev, tb, sizeof tb));
		copy_str(g->raw, sizeof g->raw, ev_raw(&ev));
		copy_str(g->errname, sizeof g->errname, ev.errname);
		g->has_thread_name = ev.thread_name != NULL;
		copy_str(g->thread_name, sizeof g->thread_name,
			 ev.thread_name);
		g->pid = ev.pid;
		g->tid = ev.tid;
		g->ts = ev.ts;
		g->cpu = ev.cpu;
		g->failed = ev.failed;
		g->err = ev.err;
		g->errc = ev.errc;
		g->line = ev.src.line;
		g->event = ev.src.event;
		g->nfx = ev.nfx;
		for (int i = 0; i < ev.nfx && i < 4; i++) {
			g->fx[i] = ev.fx[i];
			copy_str(g->obj[i], sizeof g->obj[i], ev.fx[i].object);
			g->fx[i].object = NULL;
		}
	}
	r->rc = rc;
	if (rc < 0)
		ht_error_format(&err, r->errmsg, sizeof r->errmsg);
	parser_close(p);
}

static inline void run_parse_n(struct run *r, const char *xml, size_t n,
			       enum ht_format f, const char *rules)
{
	char *p = write_temp(xml, n);
	run_file(r, p, f, rules);
	copy_str(r->path, sizeof r->path, p);
	unlink(p);
	free(p);
}

static inline void run_parse(struct run *r, const char *xml,
			     enum ht_format f, const char *rules)
{
	run_parse_n(r, xml, strlen(xml), f, rules);
}

static inline void run_free(struct run *r)
{
	free(r->st.path);
	r->st.path = NULL;
}

#endif
