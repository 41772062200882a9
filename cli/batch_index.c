/* cli/batch_index.c - handletrail index, and the last step of a batch run:
 * reads the per-capture results (manifest.json + report.json) back from
 * one or many result folders and writes index.html, findings.jsonl,
 * findings.sarif and optionally JUnit XML.  Because batch builds its index
 * the same way, merging shards gives the same bytes as one big run.
 * Memory: one report.json at a time, a record per capture and one per
 * distinct fingerprint (at most MAX_GROUPS): not a record per finding. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "batch.h"
#include "jsonr.h"

#define MAX_LINKS 20   /* occurrences linked per fingerprint */
/* Result folders may come from other machines: what they say is
 * untrusted input.  A report never holds more findings than the
 * analysis keeps (timeline/detect.c); more are not read. */
#define MAX_READ_FINDINGS 100000

/* Messages kept for the page and JUnit are cut here: a result folder
 * from elsewhere may hold anything. */
#define MAX_MESSAGE 2048
/* Rows of the findings-by-fingerprint table: a fingerprint is a bug's
 * shape, so real captures have few; more are counted, not grouped. */
#define MAX_GROUPS 50000

/* What JUnit keeps per capture and kind: the first warning or error. */
struct kfirst {
	int cnt;
	int id;
	char *message;
	char *file;
	long line;
};

struct icap {
	/* from manifest.json */
	int from;            /* index of its result folder */
	char *prefix;        /* from the index folder to the result folder */
	char *dir;           /* the capture's folder */
	char *name, *hash, *state, *error;
	char *cwd;           /* relative input paths lead from it, or NULL */
	int status;
	long long size;      /* on disk */
	char **paths;
	int npaths;
	/* from report.json */
	int have_report;
	char *format;        /* "strace", flags, compression, files */
	char *flags;
	char *compression;
	int ninputs;
	long long events;    /* -1 unknown */
	int64_t span;        /* ns, -1 unknown */
	long skipped;
	long dropped;        /* findings past the analysis' cap */
	char *selected;      /* triage options of its reports, or NULL */
	long left_out;       /* findings they left out (or folded) */
	int by_kind[FK__COUNT];
	int by_sev[3];
	int by_ks[FK__COUNT][3];
	int worst;           /* -1: no finding */
	struct kfirst bad[FK__COUNT];
	int nf;              /* findings read (of any kind) */
};

struct stream;
static void stream_flush(struct stream *s, struct strbuf *sb);

/* One row of the findings table: findings of one (fingerprint, kind)
 * across captures, with links to the first MAX_LINKS of them. */
struct fpgroup {
	char fp[17];
	int kind;
	int severity;        /* the worst */
	size_t first_cap;
	char *message;       /* of the first occurrence */
	int ncap, nocc;
	size_t lastcap;
	int nlinks;
	struct { size_t cap; int id; } link[MAX_LINKS];
};

struct index {
	struct icap *c;
	size_t n, cap;
	struct fpgroup *g;   /* in order of first occurrence */
	size_t ng, capg;
	size_t *slot;        /* hash of (fingerprint, kind): group + 1 */
	size_t nslot;
	long ungrouped;      /* findings past MAX_GROUPS fingerprints */
	char *cwd;           /* for results whose manifest names none */
	struct stream *page; /* index.html, flushed as it is made */
};

/* --- reading ------------------------------------------------------------- */

static const struct jv *read_json(const char *dir, const char *name,
				  struct jdoc **doc, struct ht_error *err)
{
	char *path = batch_path(dir, name);
	size_t n;
	char *text = batch_read_file(path, &n, err);
	const struct jv *v = NULL;
	*doc = NULL;
	if (text)
		v = json_parse(text, n, path, doc, err);
	free(text);
	free(path);
	return v;
}

/* A number from a result file, clamped to [lo, hi]. */
static long long kint_in(const struct jv *o, const char *k, long long dflt,
			 long long lo, long long hi)
{
	long long v = jv_kint(o, k, dflt);
	return v < lo ? lo : v > hi ? hi : v;
}

/* The states batch writes; anything else is shown as "failed". */
static const char *known_state(const char *s)
{
	static const char *const states[] = {
		"ok", "partial", "failed", "crashed", "interrupted",
	};
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(s, states[i]) == 0)
			return states[i];
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int kind_index(const char *name)
{
	for (int k = 0; k < FK__COUNT; k++)
		if (strcmp(finding_kind_name((enum finding_kind)k), name) == 0)
			return k;
	return FK__COUNT;
}

static int severity_index(const char *name)
{
	for (int s = 0; s < 3; s++)
		if (strcmp(severity_name((enum severity)s), name) == 0)
			return s;
	return SEV_NOTE;
}

static void read_source(const struct jv *o, struct source_loc *src,
			long *end_line)
{
	const struct jv *s = jv_get(o, "source");
	src->file = jv_kstr(s, "file", NULL);
	src->line = (long)kint_in(s, "line", 0, 0, LONG_MAX);
	src->event = (long)kint_in(s, "event", 0, 0, LONG_MAX);
	if (end_line)
		*end_line = (long)kint_in(s, "end_line", 0, 0, LONG_MAX);
}

static int64_t read_ts(const struct jv *o, const char *k)
{
	const struct jv *v = jv_get(o, k);
	return v && v->type == JV_NUM ? jv_int(v, TS_NONE) : TS_NONE;
}

/* A report.json finding back into struct finding; its strings stay in
 * the parsed document. */
static void read_finding(const struct jv *o, int i, struct finding *f)
{
	memset(f, 0, sizeof *f);
	f->kind = (enum finding_kind)kind_index(jv_kstr(o, "kind", ""));
	f->severity = (enum severity)severity_index(jv_kstr(o, "severity",
							    ""));
	f->id = (int)kint_in(o, "id", i + 1, 1, INT_MAX);
	f->pid = jv_kint(o, "pid", -1);
	f->tid = jv_kint(o, "tid", -1);
	f->thread_name = jv_kstr(o, "thread_name", NULL);
	f->process_name = jv_kstr(o, "process_name", NULL);
	f->task = -1;
	f->handle = jv_kint(o, "handle", -1);
	f->object = jv_kstr(o, "object", NULL);
	f->expected = jv_kstr(o, "expected", NULL);
	f->time = jv_kstr(o, "time", NULL);
	f->ts = read_ts(o, "ts");
	f->call = jv_kstr(o, "call", NULL);
	f->error = jv_kstr(o, "error", NULL);
	f->message = jv_kstr(o, "message", NULL);
	f->evidence = jv_kstr(o, "evidence", NULL);
	read_source(o, &f->src, NULL);
	snprintf(f->fingerprint, sizeof f->fingerprint, "%s",
		 jv_kstr(o, "fingerprint", ""));
	const struct jv *ch = jv_get(o, "chain");
	if (!ch || ch->type != JV_ARR || ch->n == 0)
		return;
	f->chain = xcalloc((size_t)ch->n, sizeof *f->chain);
	f->nchain = ch->n;
	for (int j = 0; j < ch->n; j++) {
		const struct jv *e = &ch->kids[j];
		struct chain_step *st = &f->chain[j];
		st->role = jv_kstr(e, "role", NULL);
		st->pid = jv_kint(e, "pid", -1);
		st->tid = jv_kint(e, "tid", -1);
		st->thread_name = jv_kstr(e, "thread_name", NULL);
		st->process_name = jv_kstr(e, "process_name", NULL);
		st->task = -1;
		st->cpu = (int)kint_in(e, "cpu", -1, -1, INT_MAX);
		st->call = jv_kstr(e, "call", NULL);
		st->object = jv_kstr(e, "object", NULL);
		st->result = jv_kstr(e, "result", NULL);
		st->time = jv_kstr(e, "time", NULL);
		st->ts = read_ts(e, "ts");
		read_source(e, &st->src, &st->end_line);
		st->raw = jv_kstr(e, "raw", NULL);
		st->stack = jv_kstr(e, "stack", NULL);
		st->generation = (int)kint_in(e, "generation", 0, 0, INT_MAX);
	}
}

static void read_capture(struct index *ix, int from, const char *rdir,
			 const char *prefix, const char *name)
{
	char *dir = batch_path(rdir, name);
	struct ht_error err;
	struct jdoc *doc = NULL;
	struct stat st;
	const struct jv *m = NULL;
	/* a symlinked folder is not a capture's results: it would take the
	 * index (and its links) outside the result folder */
	if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		m = read_json(dir, BATCH_MANIFEST, &doc, &err);
	free(dir);
	if (!m || strcmp(jv_kstr(m, "schema", ""), BATCH_MANIFEST_SCHEMA)) {
		jdoc_free(doc);
		return;  /* not a capture folder, or not finished */
	}
	xgrow((void **)&ix->c, &ix->cap, ix->n + 1, sizeof *ix->c);
	struct icap *c = &ix->c[ix->n++];
	memset(c, 0, sizeof *c);
	c->from = from;
	c->prefix = xstrdup(prefix);
	c->dir = xstrdup(name);
	c->name = xstrdup(jv_kstr(m, "name", name));
	c->hash = xstrdup(jv_kstr(m, "hash", ""));
	const char *state = known_state(jv_kstr(m, "state", ""));
	c->state = xstrdup(state ? state : "failed");
	c->error = dup_or_null(jv_kstr(m, "error", NULL));
	const char *cwd = jv_kstr(m, "cwd", NULL);
	c->cwd = cwd && cwd[0] == '/' ? xstrdup(cwd) : NULL;
	if (!state && !c->error)
		c->error = xstrdup("the manifest's state is not one batch "
				   "writes");
	c->status = (int)kint_in(m, "status", 2, 0, 2);
	if (!state)
		c->status = 2;
	c->size = kint_in(m, "size", 0, 0, LLONG_MAX);
	c->events = -1;
	c->span = -1;
	c->worst = -1;
	const struct jv *in = jv_get(m, "inputs");
	if (in && in->type == JV_ARR) {
		c->paths = xcalloc((size_t)in->n + 1, sizeof *c->paths);
		for (int i = 0; i < in->n; i++)
			c->paths[c->npaths++] = xstrdup(jv_kstr(&in->kids[i],
								"path", ""));
	}
	jdoc_free(doc);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_results(struct index *ix, int from, const char *rdir,
			const char *prefix, struct ht_error *err)
{
	DIR *d = opendir(rdir);
	if (!d) {
		ht_error_set(err, rdir, 0, "cannot read results: %s",
			     strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		xgrow((void **)&names, &cap, n + 1, sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0; i < n; i++) {
		read_capture(ix, from, rdir, prefix, names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

static int icap_cmp(const void *a, const void *b)
{
	const struct icap *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->hash, y->hash);
	if (!c)
		c = strcmp(x->prefix, y->prefix);
	return c ? c : strcmp(x->dir, y->dir);
}

static void free_icap(struct icap *c)
{
	for (int k = 0; k < FK__COUNT; k++) {
		free(c->bad[k].message);
		free(c->bad[k].file);
	}
	for (int i = 0; i < c->npaths; i++)
		free(c->paths[i]);
	free(c->paths);
	free(c->prefix);
	free(c->selected);
	free(c->dir);
	free(c->name);
	free(c->hash);
	free(c->state);
	free(c->error);
	free(c->cwd);
	free(c->format);
	free(c->flags);
	free(c->compression);
}

/* The relative path from folder "from" to folder "to", with a trailing
 * '/', or "" when they are the same. */
static char *rel_prefix(const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];
	if (!realpath(from, a) || !realpath(to, b))
		return batch_path(to, "");
	if (strcmp(a, b) == 0)
		return xstrdup("");
	/* a + cut and b + cut: what is left after the common components */
	size_t i = 0, cut = 0;
	for (;;) {
		int ea = a[i] == '\0' || a[i] == '/';
		int eb = b[i] == '\0' || b[i] == '/';
		if (ea && eb) {
			cut = i;
			if (!a[i] || !b[i])
				break;
		} else if (a[i] != b[i]) {
			break;
		}
		i++;
	}
	struct strbuf sb;
	sb_init(&sb);
	for (const char *p = a + cut; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			sb_puts(&sb, "../");
	if (b[cut] == '/' && b[cut + 1]) {
		sb_puts(&sb, b + cut + 1);
		sb_putc(&sb, '/');
	}
	if (!sb.len) {
		sb_free(&sb);
		return xstrdup("");
	}
	return sb_detach(&sb);
}

/* --- shared formatting ---------------------------------------------------- */

static const char *status_word(const struct icap *c)
{
	if (strcmp(c->state, "ok") == 0)
		return c->status ? "findings" : "ok";
	return c->state;
}

static void url_path(struct strbuf *sb, const char *p)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *u = (const unsigned char *)p; *u; u++) {
		unsigned c = *u;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/' || c == '+') {
			sb_putc(sb, (char)c);
		} else {
			sb_putc(sb, '%');
			sb_putc(sb, hex[c >> 4]);
			sb_putc(sb, hex[c & 15]);
		}
	}
}

/* --- one capture: findings.jsonl lines, SARIF results, page records ------- */

static void kind_counts(struct jsonw *w, const char *key, const int *v, int n,
			int sev)
{
	jw_key(w, key);
	jw_obj(w);
	for (int k = 0; k < n; k++)
		jw_kint(w, sev ? severity_name((enum severity)k)
			       : finding_kind_name((enum finding_kind)k), v[k]);
	jw_end_obj(w);
}

/* Summary numbers and the format cell from report.json. */
static void take_summary(struct icap *c, const struct jv *rep)
{
	const struct jv *sum = jv_get(rep, "summary");
	const struct jv *in = jv_get(rep, "inputs");
	c->have_report = 1;
	c->events = kint_in(sum, "events", -1, -1, LLONG_MAX);
	c->dropped = (long)kint_in(sum, "findings_dropped", 0, 0, LONG_MAX);
	const struct jv *sel = jv_get(rep, "selection");
	if (sel) {
		c->selected = xstrdup(jv_kstr(sel, "options", ""));
		c->left_out = (long)(kint_in(sel, "findings_left_out", 0, 0,
					     INT_MAX) +
				     kint_in(sel, "findings_folded", 0, 0,
					     INT_MAX));
	}
	int64_t a = read_ts(sum, "ts_first"), b = read_ts(sum, "ts_last");
	uint64_t d = (uint64_t)b - (uint64_t)a;  /* no overflow when b >= a */
	c->span = a == TS_NONE || b == TS_NONE || b < a ||
		  d > (uint64_t)INT64_MAX ? -1 : (int64_t)d;
	if (in && in->type == JV_ARR && in->n > 0) {
		const struct jv *e = &in->kids[0];
		c->format = xstrdup(jv_kstr(e, "format", ""));
		c->flags = xstrdup(jv_kstr(e, "flags", ""));
		c->compression = xstrdup(jv_kstr(e, "compression", ""));
		c->ninputs = in->n;
		for (int i = 0; i < in->n; i++)
			c->skipped += (long)kint_in(&in->kids[i], "skipped",
						    0, 0, INT_MAX);
	}
}

static void jsonl_summary(struct strbuf *sb, const struct icap *c,
			  const struct jv *rep)
{
	struct jsonw w;
	const struct jv *sum = jv_get(rep, "summary");
	const struct jv *in = jv_get(rep, "inputs");
	jw_init(&w, sb, 0);
	jw_obj(&w);
	jw_kstr(&w, "type", "capture");
	jw_kstr(&w, "capture", c->name);
	jw_kstr(&w, "dir", c->dir);
	jw_kstr(&w, "hash", c->hash);
	jw_kstr(&w, "state", c->state);
	jw_kint(&w, "status", c->status);
	jw_kstr(&w, "error", c->error);
	jw_kint(&w, "size", c->size);
	jw_key(&w, "inputs");
	jw_arr(&w);
	if (in && in->type == JV_ARR) {
		for (int i = 0; i < in->n; i++) {
			const struct jv *e = &in->kids[i];
			jw_obj(&w);
			jw_kstr(&w, "path", jv_kstr(e, "path", ""));
			jw_kstr(&w, "format", jv_kstr(e, "format", ""));
			jw_kstr(&w, "flags", jv_kstr(e, "flags", ""));
			jw_kstr(&w, "compression",
				jv_kstr(e, "compression", ""));
			jw_kint(&w, "bytes", jv_kint(e, "bytes", 0));
			jw_kint(&w, "lines", jv_kint(e, "lines", 0));
			jw_kint(&w, "events", jv_kint(e, "events", 0));
			jw_kint(&w, "skipped", jv_kint(e, "skipped", 0));
			jw_end_obj(&w);
		}
	} else {
		for (int i = 0; i < c->npaths; i++) {
			jw_obj(&w);
			jw_kstr(&w, "path", c->paths[i]);
			jw_end_obj(&w);
		}
	}
	jw_end_arr(&w);
	if (sum) {
		jw_kint(&w, "events", jv_kint(sum, "events", 0));
		jw_kint(&w, "processes", jv_kint(sum, "processes", 0));
		jw_kint(&w, "threads", jv_kint(sum, "threads", 0));
		jw_key(&w, "span_ns");
		if (c->span < 0)
			jw_null(&w);
		else
			jw_int(&w, c->span);
		jw_kint(&w, "unexplained", jv_kint(sum, "unexplained", 0));
	}
	jw_kint(&w, "skipped_lines", c->skipped);
	jw_kint(&w, "findings", c->nf);
	jw_kint(&w, "findings_dropped", c->dropped);
	kind_counts(&w, "by_kind", c->by_kind, FK__COUNT, 0);
	kind_counts(&w, "by_severity", c->by_sev, 3, 1);
	jw_kstr(&w, "worst", c->worst < 0 ? NULL
				: severity_name((enum severity)c->worst));
	jw_end_obj(&w);
	sb_putc(sb, '\n');
}

static void jsonl_finding(struct strbuf *sb, const struct icap *c,
			  const struct jv *o, int id)
{
	struct jsonw w;
	struct strbuf r;
	jw_init(&w, sb, 0);
	jw_obj(&w);
	jw_kstr(&w, "type", "finding");
	jw_kstr(&w, "capture", c->name);
	jw_kstr(&w, "dir", c->dir);
	sb_init(&r);
	url_path(&r, c->dir);
	sb_printf(&r, "/%s#F%d", BATCH_REPORT_HTML, id);
	jw_kstr(&w, "report", r.s);
	sb_free(&r);
	for (int k = 0; k < o->n; k++) {
		if (strcmp(o->keys[k], "type") == 0 ||
		    strcmp(o->keys[k], "capture") == 0 ||
		    strcmp(o->keys[k], "dir") == 0 ||
		    strcmp(o->keys[k], "report") == 0)
			continue;
		jw_key(&w, o->keys[k]);
		jv_write(&w, &o->kids[k]);
	}
	jw_end_obj(&w);
	sb_putc(sb, '\n');
}

/* s, cut to MAX_MESSAGE bytes at a character boundary */
static char *message_dup(const char *s)
{
	size_t n = strlen(s);
	if (n <= MAX_MESSAGE)
		return xstrdup(s);
	n = MAX_MESSAGE;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	char *m = xmalloc(n + 4);
	memcpy(m, s, n);
	memcpy(m + n, "...", 4);
	return m;
}

static size_t group_hash(const char *fp, int kind)
{
	return (size_t)hash64(fp, strlen(fp), (uint64_t)kind + 1);
}

static void groups_rehash(struct index *ix)
{
	size_t ns = ix->nslot ? ix->nslot * 2 : 1024;
	free(ix->slot);
	ix->slot = xcalloc(ns, sizeof *ix->slot);
	ix->nslot = ns;
	for (size_t i = 0; i < ix->ng; i++) {
		size_t j = group_hash(ix->g[i].fp, ix->g[i].kind) & (ns - 1);
		while (ix->slot[j])
			j = (j + 1) & (ns - 1);
		ix->slot[j] = i + 1;
	}
}

/* The group of (fp, kind), made at its first occurrence; NULL past
 * MAX_GROUPS. */
static struct fpgroup *group_of(struct index *ix, size_t ci, const char *fp,
				int kind, const char *message)
{
	if (ix->ng * 2 >= ix->nslot)
		groups_rehash(ix);
	size_t j = group_hash(fp, kind) & (ix->nslot - 1);
	for (; ix->slot[j]; j = (j + 1) & (ix->nslot - 1)) {
		struct fpgroup *g = &ix->g[ix->slot[j] - 1];
		if (g->kind == kind && strcmp(g->fp, fp) == 0)
			return g;
	}
	if (ix->ng >= MAX_GROUPS)
		return NULL;
	xgrow((void **)&ix->g, &ix->capg, ix->ng + 1, sizeof *ix->g);
	struct fpgroup *g = &ix->g[ix->ng];
	memset(g, 0, sizeof *g);
	snprintf(g->fp, sizeof g->fp, "%s", fp);
	g->kind = kind;
	g->severity = SEV_NOTE;
	g->first_cap = ci;
	g->message = message_dup(message);
	g->lastcap = (size_t)-1;
	ix->slot[j] = ++ix->ng;
	return g;
}

/* A finding of a known kind: counted for the capture, JUnit and the
 * findings table. */
static void count_finding(struct index *ix, size_t ci, const struct finding *f)
{
	struct icap *c = &ix->c[ci];
	int k = (int)f->kind, sev = (int)f->severity;
	const char *msg = f->message ? f->message : "";
	c->by_kind[k]++;
	c->by_sev[sev]++;
	c->by_ks[k][sev]++;
	if (sev > c->worst)
		c->worst = sev;
	if (sev >= SEV_WARNING && c->bad[k].cnt++ == 0) {
		c->bad[k].id = f->id;
		c->bad[k].message = message_dup(msg);
		c->bad[k].file = dup_or_null(f->src.file);
		c->bad[k].line = f->src.line;
	}
	struct fpgroup *g = group_of(ix, ci, f->fingerprint, k, msg);
	if (!g) {
		ix->ungrouped++;
		return;
	}
	g->nocc++;
	if (sev > g->severity)
		g->severity = sev;
	if (g->lastcap != ci)
		g->ncap++;
	g->lastcap = ci;
	if (g->nlinks < MAX_LINKS) {
		g->link[g->nlinks].cap = ci;
		g->link[g->nlinks++].id = f->id;
	}
}

/* Reads the capture's report.json and writes its part of the feeds. */
static void emit_capture(struct index *ix, size_t ci, const char *rdir,
			 struct strbuf *jsonl, struct sarif_log *sarif)
{
	struct icap *c = &ix->c[ci];
	struct jdoc *doc = NULL;
	const struct jv *rep = NULL;
	if (strcmp(c->state, "ok") == 0 || strcmp(c->state, "partial") == 0) {
		struct ht_error err;
		char *dir = batch_path(rdir, c->dir);
		rep = read_json(dir, BATCH_REPORT_JSON, &doc, &err);
		free(dir);
		if (!rep) {
			char buf[1200];
			ht_error_format(&err, buf, sizeof buf);
			free(c->state);
			free(c->error);
			c->state = xstrdup("failed");
			c->error = xstrdup(buf);
			c->status = 2;
		}
	}
	const struct jv *fs = jv_get(rep, "findings");
	int n = fs && fs->type == JV_ARR ? fs->n : 0;
	/* how its handles read: the first input's format says */
	const struct jv *ins = jv_get(rep, "inputs");
	enum ht_format fmt = FMT_STRACE;
	if (ins && ins->type == JV_ARR && ins->n > 0 &&
	    format_parse(jv_kstr(&ins->kids[0], "format", ""), &fmt) < 0)
		fmt = FMT_STRACE;
	if (n > MAX_READ_FINDINGS)
		n = MAX_READ_FINDINGS;
	struct finding *f = xcalloc((size_t)n + 1, sizeof *f);
	struct finding *known = xcalloc((size_t)n + 1, sizeof *known);
	int nknown = 0;
	c->nf = n;
	for (int i = 0; i < n; i++) {
		read_finding(&fs->kids[i], i, &f[i]);
		f[i].traits = format_traits(fmt);
		if (f[i].kind < FK__COUNT) {
			count_finding(ix, ci, &f[i]);
			known[nknown++] = f[i];
		}
	}
	if (rep)
		take_summary(c, rep);
	jsonl_summary(jsonl, c, rep);
	for (int i = 0; i < n; i++)
		jsonl_finding(jsonl, c, &fs->kids[i], f[i].id);
	/* input paths as the report names them, else as the manifest does */
	const struct jv *in = jv_get(rep, "inputs");
	int np = 0;
	size_t np_max = (size_t)c->npaths +
			(in && in->type == JV_ARR ? (size_t)in->n : 0);
	const char **paths = xcalloc(np_max + 1, sizeof *paths);
	const char **comps = xcalloc((size_t)np_max + 1, sizeof *comps);
	if (in && in->type == JV_ARR)
		for (int i = 0; i < in->n; i++) {
			comps[np] = jv_kstr(&in->kids[i], "compression", "");
			paths[np++] = jv_kstr(&in->kids[i], "path", "");
		}
	else
		for (int i = 0; i < c->npaths; i++)
			paths[np++] = c->paths[i];
	struct strbuf lim;
	sb_init(&lim);
	for (int i = 0; in && in->type == JV_ARR && i < in->n; i++) {
		const struct jv *ls = jv_get(&in->kids[i], "limits");
		for (int k = 0; ls && ls->type == JV_ARR && k < ls->n; k++)
			if (ls->kids[k].type == JV_STR) {
				sb_puts(&lim, jv_str(&ls->kids[k], ""));
				sb_putc(&lim, '\n');
			}
	}
	/* a report of selected findings (batch --kind ...) says so */
	const struct jv *sel = jv_get(rep, "selection");
	struct strbuf said;
	sb_init(&said);
	if (sel)
		sb_printf(&said, "selected by %s: %lld of %lld findings shown, "
			  "%lld left out", jv_kstr(sel, "options", ""),
			  jv_kint(sel, "findings_shown", 0),
			  jv_kint(sel, "findings_total", 0),
			  jv_kint(sel, "findings_left_out", 0) +
			  jv_kint(sel, "findings_folded", 0));
	struct sarif_capture sc = {
		.name = c->name, .paths = paths, .npaths = np,
		.findings = known, .nfindings = nknown, .error = c->error,
		.skipped = c->skipped, .dropped = c->dropped,
		.selection = sel ? said.s : NULL, .limits = lim.s,
		.base = c->cwd ? c->cwd : ix->cwd,
		.compression = in && in->type == JV_ARR ? comps : NULL,
	};
	sarif_add(sarif, &sc);
	sb_free(&said);
	sb_free(&lim);
	free(paths);
	free(comps);
	for (int i = 0; i < n; i++)
		free(f[i].chain);
	free(f);
	free(known);
	jdoc_free(doc);
}

/* --- JUnit ---------------------------------------------------------- */

static void xml_text(struct strbuf *sb, const char *s)
{
	if (s)
		esc_html(sb, s, strlen(s));
}

/* The first finding of kind k that is a warning or error, and how many. */
static const struct kfirst *first_bad(const struct icap *c, int k, int *cnt)
{
	*cnt = c->bad[k].cnt;
	return *cnt ? &c->bad[k] : NULL;
}

static void junit(struct strbuf *sb, const struct index *ix)
{
	int tests = 0, failures = 0, errors = 0, cnt;
	for (size_t i = 0; i < ix->n; i++) {
		const struct icap *c = &ix->c[i];
		tests += 1 + (c->have_report ? FK__COUNT : 0);
		errors += c->error != NULL;
		for (int k = 0; k < FK__COUNT && c->have_report; k++)
			failures += first_bad(c, k, &cnt) != NULL;
	}
	sb_puts(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sb_printf(sb, "<testsuites name=\"handletrail batch\" tests=\"%d\" "
		  "failures=\"%d\" errors=\"%d\">\n", tests, failures, errors);
	for (size_t i = 0; i < ix->n; i++) {
		const struct icap *c = &ix->c[i];
		int nf = 0;
		for (int k = 0; k < FK__COUNT && c->have_report; k++)
			nf += first_bad(c, k, &cnt) != NULL;
		sb_puts(sb, "  <testsuite name=\"");
		xml_text(sb, c->name);
		sb_printf(sb, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
			  "file=\"", c->have_report ? 1 + FK__COUNT : 1, nf,
			  c->error != NULL);
		xml_text(sb, c->npaths ? c->paths[0] : c->name);
		sb_puts(sb, "\">\n    <testcase classname=\"");
		xml_text(sb, c->dir);
		sb_puts(sb, "\" name=\"analyse\"");
		if (c->error) {
			sb_puts(sb, ">\n      <error type=\"");
			xml_text(sb, c->state);
			sb_puts(sb, "\" message=\"");
			xml_text(sb, c->error);
			sb_puts(sb, "\"/>\n    </testcase>\n");
		} else {
			sb_puts(sb, "/>\n");
		}
		for (int k = 0; k < FK__COUNT && c->have_report; k++) {
			const char *kn =
				finding_kind_name((enum finding_kind)k);
			const struct kfirst *first = first_bad(c, k, &cnt);
			sb_puts(sb, "    <testcase classname=\"");
			xml_text(sb, c->dir);
			sb_printf(sb, "\" name=\"%s\"", kn);
			if (!first) {
				sb_puts(sb, "/>\n");
				continue;
			}
			sb_printf(sb, ">\n      <failure type=\"%s\" "
				  "message=\"%d finding%s; first: ", kn, cnt,
				  cnt == 1 ? "" : "s");
			xml_text(sb, first->message);
			sb_puts(sb, "\">");
			url_path(sb, c->dir);
			sb_printf(sb, "/%s#F%d", BATCH_REPORT_HTML, first->id);
			if (first->file) {
				sb_puts(sb, " ");
				xml_text(sb, first->file);
				sb_printf(sb, ":%ld", first->line);
			}
			sb_puts(sb, "</failure>\n    </testcase>\n");
		}
		sb_puts(sb, "  </testsuite>\n");
	}
	sb_puts(sb, "</testsuites>\n");
}

/* --- index.html ----------------------------------------------------- */

/* The page wears the HTML report's style sheet (html_css, reports.h) and
 * its page frame (header, banner, Summary-like totals, tables in a
 * scrolling box), so a batch and its reports read alike. */

static void h(struct strbuf *sb, const char *s)
{
	if (s)
		esc_html(sb, s, strlen(s));
}

/* Every size on the page is in bytes, with thousands separators: the
 * column compares at a glance and sorts as it reads. */
static void thousands(struct strbuf *sb, long long v)
{
	char d[32];
	int n = snprintf(d, sizeof d, "%lld", v < 0 ? 0 : v);
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			sb_putc(sb, ',');
		sb_putc(sb, d[i]);
	}
}

static void human_span(struct strbuf *sb, int64_t ns)
{
	if (ns < 0)
		sb_puts(sb, "&mdash;");
	else if (ns < 1000000)
		sb_printf(sb, "%.1f&nbsp;&micro;s", (double)ns / 1e3);
	else if (ns < 1000000000)
		sb_printf(sb, "%.1f&nbsp;ms", (double)ns / 1e6);
	else
		sb_printf(sb, "%.2f&nbsp;s", (double)ns / 1e9);
}

/* A finding kind spelled out, its meaning on hover (as the report's
 * Summary table says it). */
static void kind_span(struct strbuf *sb, int k)
{
	sb_printf(sb, "<span class=\"kind\" title=\"%s\">%s</span>",
		  html_kind_blurb((enum finding_kind)k),
		  finding_kind_name((enum finding_kind)k));
}

static void sev_pill(struct strbuf *sb, int sev)
{
	const char *s = severity_name((enum severity)sev);
	sb_printf(sb, "<span class=\"sev %s\">%s</span>", s, s);
}

static void report_link(struct strbuf *sb, const struct icap *c, int id)
{
	sb_puts(sb, "<a href=\"");
	struct strbuf u;
	sb_init(&u);
	url_path(&u, c->prefix);
	url_path(&u, c->dir);
	sb_printf(&u, "/%s", BATCH_REPORT_HTML);
	if (id > 0)
		sb_printf(&u, "#F%d", id);
	esc_html(sb, u.s, u.len);
	sb_free(&u);
	sb_puts(sb, "\">");
}

/* Sorting and filtering only: the page reads fine without it.  Sorting
 * as in the report (html_js): by data-v, numbers as numbers. */
static const char js[] =
HTML_JS_HEAD
"}\n"
"each(d.querySelectorAll('table.sortable'),function(t){\n"
" each(t.tHead.rows[0].cells,function(th,i){\n"
"  th.classList.add('sorter');th.tabIndex=0;\n"
"  th.addEventListener('click',function(){sortBy(t,i,th);});\n"
"  th.addEventListener('keydown',function(e){"
"if(e.key==='Enter'||e.key===' '){e.preventDefault();sortBy(t,i,th);}});\n"
" });\n"
"});\n"
"/* words match any text of a row; the box's -bad checkbox keeps the\n"
"   captures with warnings, errors or failures */\n"
"each(d.querySelectorAll('input[data-filter]'),function(box){\n"
" var t=d.getElementById(box.getAttribute('data-filter'));\n"
" var only=d.getElementById(box.id+'-bad'),"
"shown=d.getElementById(box.id+'-shown'),rows=t.tBodies[0].rows;\n"
" function run(){var w=box.value.toLowerCase().split(/\\s+/)"
".filter(Boolean),n=0;\n"
"  each(rows,function(r){if(r.htText===undefined)"
"r.htText=r.textContent.toLowerCase();\n"
"   var ok=w.every(function(x){return r.htText.indexOf(x)>=0;});\n"
"   if(only&&only.checked&&r.getAttribute('data-bad')!=='1')ok=false;\n"
"   if(ok)n++;if(r.hidden===ok)r.hidden=!ok;});\n"
"  if(shown)shown.textContent=n===rows.length?rows.length+' rows':"
"n+' of '+rows.length+' rows match';}\n"
" box.addEventListener('input',run);\n"
" if(only)only.addEventListener('change',run);\n"
" run();\n"
"});\n"
"root.setAttribute('data-js','ok');\n"
"})();\n";

static int fpgroup_cmp(const void *a, const void *b)
{
	const struct fpgroup *x = *(const struct fpgroup *const *)a;
	const struct fpgroup *y = *(const struct fpgroup *const *)b;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->ncap != y->ncap)
		return x->ncap > y->ncap ? -1 : 1;
	if (x->nocc != y->nocc)
		return x->nocc > y->nocc ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->fp, y->fp);
}

/* The groups, worst first (pointers into ix->g). */
static const struct fpgroup **sorted_groups(const struct index *ix)
{
	const struct fpgroup **v = xcalloc(ix->ng + 1, sizeof *v);
	for (size_t i = 0; i < ix->ng; i++)
		v[i] = &ix->g[i];
	if (ix->ng)
		qsort(v, ix->ng, sizeof *v, fpgroup_cmp);
	return v;
}

/* index.html goes out as it is made: past 64 KiB at a row's end */
static void page_flush(const struct index *ix, struct strbuf *sb)
{
	if (ix->page && sb->len >= 65536)
		stream_flush(ix->page, sb);
}

/* What the page sums up: findings by kind and severity, captures. */
struct page_totals {
	int t[FK__COUNT][3];
	int sev[3];
	int nbad;            /* captures with a warning or an error */
	int nfailed;         /* status 2 */
	int nerror;          /* with an error (the Failed list) */
	int nlost, ncapped;
	long lost, dropped;
};

static void sum_up(const struct index *ix, struct page_totals *pt)
{
	memset(pt, 0, sizeof *pt);
	for (size_t i = 0; i < ix->n; i++) {
		const struct icap *c = &ix->c[i];
		for (int k = 0; k < FK__COUNT; k++)
			for (int v = 0; v < 3; v++) {
				pt->t[k][v] += c->by_ks[k][v];
				pt->sev[v] += c->by_ks[k][v];
			}
		pt->nbad += c->worst >= SEV_WARNING;
		pt->nfailed += c->status == 2;
		pt->nerror += c->error != NULL;
		pt->ncapped += c->dropped > 0;
		pt->dropped += c->dropped;
		if (c->skipped) {
			pt->nlost++;
			pt->lost += c->skipped;
		}
	}
}

static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

/* The verdict first, as the report's banner gives it. */
static void banner(struct strbuf *sb, const struct index *ix,
		   const struct page_totals *pt)
{
	int nerr = pt->sev[SEV_ERROR], nwarn = pt->sev[SEV_WARNING];
	int nnote = pt->sev[SEV_NOTE];
	if (nerr || nwarn) {
		sb_printf(sb, "<p class=\"banner %s\"><b>%s:</b> %d error%s, "
			  "%d warning%s in %d of %zu capture%s",
			  nerr ? "error" : "warning",
			  nerr ? "ERROR" : "WARNING", nerr, plural(nerr),
			  nwarn, plural(nwarn), pt->nbad, ix->n,
			  plural((long)ix->n));
		if (nnote)
			sb_printf(sb, ", and %d note%s", nnote, plural(nnote));
		sb_puts(sb, ".");
	} else {
		sb_puts(sb, "<p class=\"banner clean\"><b>No errors or "
			"warnings</b>");
		if (nnote)
			sb_printf(sb, " (%d note%s)", nnote, plural(nnote));
		sb_printf(sb, " in %zu capture%s. A clean result only means "
			  "as much as a capture could show: each report lists "
			  "its limits.", ix->n, plural((long)ix->n));
	}
	sb_puts(sb, " Each capture links to its own report; every finding "
		"there tells its story line by line.</p>\n");
	if (pt->nerror)
		sb_printf(sb, "<p class=\"banner fatal\"><b>%d capture%s "
			  "could not be analysed fully:</b> see <a href=\""
			  "#failed\">the list</a>.</p>\n", pt->nerror,
			  plural(pt->nerror));
}

/* Reports made with triage options (batch --kind ...) list only what
 * those selected: the page says so, never silently. */
static void selection_said(struct strbuf *sb, const struct index *ix)
{
	const char *first = NULL;
	int mixed = 0;
	long left = 0;
	for (size_t i = 0; i < ix->n; i++) {
		const char *s = ix->c[i].selected;
		if (!s && first)
			mixed = 1;
		if (!s)
			continue;
		if (first && strcmp(first, s) != 0)
			mixed = 1;
		if (!first)
			first = s;
		left += ix->c[i].left_out;
	}
	if (!first)
		return;
	sb_puts(sb, "<p class=\"banner warning\"><b>Selected:</b> the reports "
		"were made with ");
	if (mixed)
		sb_puts(sb, "differing triage options (see each report)");
	else
		esc_html(sb, first, strlen(first));
	sb_printf(sb, "; %ld finding%s left out of them are not counted "
		  "here.</p>\n", left, plural(left));
}

static void count_cell(struct strbuf *sb, int v, int sev)
{
	if (v)
		sb_printf(sb, "<td class=\"num c-%s\">%d</td>",
			  severity_name((enum severity)sev), v);
	else
		sb_puts(sb, "<td class=\"num\">0</td>");
}

/* Like the report's Summary table: each kind with what it means. */
static void totals(struct strbuf *sb, const struct index *ix,
		   const struct page_totals *pt)
{
	sb_puts(sb, "<section id=\"totals\"><h2>Totals</h2>\n"
		"<table class=\"counts\">\n<thead><tr><th>kind</th>"
		"<th class=\"num\">errors</th><th class=\"num\">warnings</th>"
		"<th class=\"num\">notes</th><th class=\"num\">total</th>"
		"<th>what it means</th></tr></thead>\n<tbody>\n");
	for (int k = 0; k < FK__COUNT; k++) {
		int row = pt->t[k][0] + pt->t[k][1] + pt->t[k][2];
		sb_printf(sb, "<tr class=\"%s\"><td><span class=\"kind\">%s"
			  "</span></td>", row ? "" : "zero",
			  finding_kind_name((enum finding_kind)k));
		for (int s = SEV_ERROR; s >= SEV_NOTE; s--)
			count_cell(sb, pt->t[k][s], s);
		sb_printf(sb, "<td class=\"num\">%d</td><td class=\"blurb\">"
			  "%s</td></tr>\n", row,
			  html_kind_blurb((enum finding_kind)k));
	}
	sb_puts(sb, "</tbody>\n<tfoot><tr><td>all kinds</td>");
	for (int s = SEV_ERROR; s >= SEV_NOTE; s--)
		count_cell(sb, pt->sev[s], s);
	sb_printf(sb, "<td class=\"num\">%d</td><td></td></tr></tfoot>\n"
		  "</table>\n", pt->sev[0] + pt->sev[1] + pt->sev[2]);
	sb_printf(sb, "<p>%zu capture%s; %d could not be analysed fully; "
		  "%ld trace line%s lost to parse errors in %d capture%s.",
		  ix->n, plural((long)ix->n), pt->nfailed, pt->lost,
		  plural(pt->lost), pt->nlost, plural(pt->nlost));
	if (pt->lost)
		sb_puts(sb, " A capture with lost lines may miss findings: "
			"its report lists the lines and why.");
	if (pt->dropped)
		sb_printf(sb, " %ld findings in %d capture%s past the "
			  "analysis' cap were counted, not listed here or in "
			  "the feeds.", pt->dropped, pt->ncapped,
			  plural(pt->ncapped));
	sb_puts(sb, "</p>\n</section>\n");
}

static void format_cell(struct strbuf *sb, const struct icap *c)
{
	if (!c->format) {
		sb_puts(sb, "&mdash;");
		return;
	}
	h(sb, c->format);
	if (c->flags && *c->flags) {
		sb_puts(sb, " <code>");
		h(sb, c->flags);
		sb_puts(sb, "</code>");
	}
	if (c->compression && *c->compression) {
		sb_puts(sb, ", ");
		h(sb, c->compression);
	}
	if (c->ninputs > 1)
		sb_printf(sb, ", %d files", c->ninputs);
}

static void name_cell(struct strbuf *sb, const struct icap *c)
{
	if (c->have_report) {
		report_link(sb, c, 0);
		h(sb, c->name);
		sb_puts(sb, "</a>");
	} else {
		h(sb, c->name);
	}
}

/* "2 double-close", one kind a line; sorts by the total */
static void findings_cell(struct strbuf *sb, const struct icap *c)
{
	int total = 0, lines = 0;
	for (int k = 0; k < FK__COUNT; k++)
		total += c->by_kind[k];
	sb_printf(sb, "<td class=\"kinds\" data-v=\"%d\">", total);
	for (int k = 0; k < FK__COUNT; k++) {
		if (!c->by_kind[k])
			continue;
		sb_printf(sb, "%s%d&nbsp;", lines++ ? "<br>" : "",
			  c->by_kind[k]);
		kind_span(sb, k);
	}
	if (!lines)
		sb_puts(sb, "<span class=\"muted\">none</span>");
	sb_puts(sb, "</td>");
}

static void status_cell(struct strbuf *sb, const struct icap *c)
{
	const char *w = status_word(c);
	int bad = c->error || c->dropped || strcmp(c->state, "ok") != 0;
	sb_puts(sb, "<td>");
	sb_puts(sb, bad ? "<span class=\"bad\">" : "<span>");
	h(sb, w);
	sb_puts(sb, "</span>");
	if (c->error) {
		sb_puts(sb, ": ");
		h(sb, c->error);
	}
	if (c->dropped)
		sb_printf(sb, "; <span class=\"bad\">%ld findings past the "
			  "cap not listed</span>", c->dropped);
	sb_puts(sb, "</td>");
}

static void capture_row(struct strbuf *sb, const struct icap *c)
{
	sb_printf(sb, "<tr data-bad=\"%d\"><td class=\"capname\">",
		  c->status != 0);
	name_cell(sb, c);
	sb_puts(sb, "</td><td class=\"fmt\">");
	format_cell(sb, c);
	sb_printf(sb, "</td><td class=\"num\" data-v=\"%lld\">", c->size);
	thousands(sb, c->size);
	if (c->events >= 0) {
		sb_printf(sb, "</td><td class=\"num wideonly\" data-v=\"%lld\">",
			  c->events);
		thousands(sb, c->events);
	} else {
		sb_puts(sb, "</td><td class=\"num wideonly\" data-v=\"-1\">"
			"&mdash;");
	}
	sb_printf(sb, "</td><td class=\"num wideonly\" data-v=\"%lld\">",
		  (long long)c->span);
	human_span(sb, c->span);
	sb_puts(sb, "</td>");
	findings_cell(sb, c);
	if (c->worst >= 0) {
		sb_printf(sb, "<td data-v=\"%d\">", c->worst + 1);
		sev_pill(sb, c->worst);
		sb_puts(sb, "</td>");
	} else {
		sb_puts(sb, "<td data-v=\"0\"><span class=\"muted\">&mdash;"
			"</span></td>");
	}
	sb_printf(sb, "<td class=\"num%s\" data-v=\"%ld\">",
		  c->skipped ? " warn" : " muted", c->skipped);
	thousands(sb, c->skipped);
	sb_puts(sb, "</td>");
	status_cell(sb, c);
	sb_puts(sb, "</tr>\n");
}

/* A filter box over a table, shown when the script runs. */
static void filter_box(struct strbuf *sb, const char *id, const char *table,
		       const char *hint, const char *only)
{
	sb_printf(sb, "<div class=\"filters js\"><label>Filter <input "
		  "type=\"search\" id=\"%s\" data-filter=\"%s\" "
		  "placeholder=\"%s\"></label>", id, table, hint);
	if (only)
		sb_printf(sb, " <label><input type=\"checkbox\" id=\"%s-bad\">"
			  " %s</label>", id, only);
	sb_printf(sb, " <span id=\"%s-shown\" class=\"muted small\"></span>"
		  "</div>\n", id);
}

static void captures_table(struct strbuf *sb, const struct index *ix)
{
	sb_puts(sb, "<section id=\"captures\"><h2>Captures</h2>\n");
	filter_box(sb, "capf", "captures-table", "name, format, kind, "
		   "status...", "only captures with warnings, errors or "
		   "failures");
	sb_puts(sb, "<div class=\"ftwrap\">\n"
		"<table class=\"captures sortable\" id=\"captures-table\">\n"
		"<thead><tr><th>capture</th><th>format and flags</th>"
		"<th class=\"num\" title=\"size on disk\">size (bytes)</th>"
		"<th class=\"num wideonly\">events</th><th class=\"num "
		"wideonly\" title=\"from the first to the last event\">span</th>"
		"<th>findings</th>"
		"<th>worst</th><th class=\"num\" title=\"trace lines lost to "
		"parse errors\">lines lost</th><th>status</th></tr></thead>\n"
		"<tbody>\n");
	for (size_t i = 0; i < ix->n; i++) {
		capture_row(sb, &ix->c[i]);
		page_flush(ix, sb);
	}
	sb_puts(sb, "</tbody>\n</table>\n</div>\n<p class=\"lead\">Sizes are "
		"bytes on disk (of a compressed capture: the compressed "
		"file); span is the time between the first and the last "
		"event of the capture; a kind's meaning is in Totals and on "
		"hover.</p>\n</section>\n");
}

static void group_row(struct strbuf *sb, const struct index *ix,
		      const struct fpgroup *g)
{
	sb_puts(sb, "<tr data-fp=\"");
	h(sb, g->fp);  /* as a report.json from elsewhere says it */
	sb_printf(sb, "\"><td data-v=\"%d\">", g->severity);
	sev_pill(sb, g->severity);
	sb_puts(sb, "</td><td class=\"kinds\">");
	kind_span(sb, g->kind);
	sb_puts(sb, "</td><td class=\"wideonly\"><code>");
	h(sb, g->fp);
	sb_puts(sb, "</code></td><td class=\"msg\">");
	h(sb, g->message);
	sb_printf(sb, "</td><td class=\"num\">%d</td><td class=\"num\">%d"
		  "</td><td class=\"links\">", g->ncap, g->nocc);
	for (int j = 0; j < g->nlinks; j++) {
		const struct icap *c = &ix->c[g->link[j].cap];
		if (j > 0)
			sb_puts(sb, ", ");
		report_link(sb, c, g->link[j].id);
		h(sb, c->name);
		sb_printf(sb, " F%d</a>", g->link[j].id);
	}
	if (g->nocc > MAX_LINKS)
		sb_printf(sb, " and %d more", g->nocc - MAX_LINKS);
	sb_puts(sb, "</td></tr>\n");
}

static void findings_table(struct strbuf *sb, const struct index *ix)
{
	size_t ng = ix->ng;
	const struct fpgroup **g = sorted_groups(ix);
	sb_puts(sb, "<section id=\"findings\"><h2>Findings by fingerprint"
		"</h2>\n<p class=\"lead\">A fingerprint does not depend on "
		"line numbers or times: the same bug in many captures has one "
		"row.</p>\n");
	if (!ng) {
		sb_puts(sb, "<p class=\"none\">No findings.</p>\n</section>\n");
		free(g);
		return;
	}
	filter_box(sb, "fpf", "findings-table", "kind, object, capture...",
		   NULL);
	sb_puts(sb, "<div class=\"ftwrap\">\n"
		"<table class=\"fps sortable\" id=\"findings-table\">\n"
		"<thead><tr><th>severity</th><th>kind</th>"
		"<th class=\"wideonly\">fingerprint</th>"
		"<th>first seen</th><th class=\"num\">captures</th>"
		"<th class=\"num\">findings</th><th>where</th></tr></thead>\n"
		"<tbody>\n");
	for (size_t i = 0; i < ng; i++) {
		group_row(sb, ix, g[i]);
		page_flush(ix, sb);
	}
	sb_puts(sb, "</tbody>\n</table>\n</div>\n");
	if (ix->ungrouped)
		sb_printf(sb, "<p class=\"cap\">%ld findings whose fingerprints "
			  "came after the first %d distinct ones are counted "
			  "in the totals, not grouped here (findings.jsonl "
			  "lists every one).</p>\n", ix->ungrouped,
			  MAX_GROUPS);
	sb_puts(sb, "</section>\n");
	free(g);
}

static void failed_list(struct strbuf *sb, const struct index *ix)
{
	int any = 0;
	for (size_t i = 0; i < ix->n; i++) {
		const struct icap *c = &ix->c[i];
		if (!c->error)
			continue;
		if (!any)
			sb_puts(sb, "<section id=\"failed\"><h2>Captures that "
				"could not be analysed fully</h2>\n<ul>\n");
		any = 1;
		sb_puts(sb, "<li>");
		name_cell(sb, c);
		sb_puts(sb, " (");
		h(sb, c->state);
		sb_puts(sb, "): <span class=\"bad\">");
		h(sb, c->error);
		sb_puts(sb, "</span></li>\n");
	}
	if (any)
		sb_puts(sb, "</ul>\n<p class=\"lead\">A partial capture's "
			"report covers the events before the error.</p>\n"
			"</section>\n");
}

static void index_html(struct strbuf *sb, const struct index *ix)
{
	struct page_totals pt;
	int nf = 0;
	for (size_t i = 0; i < ix->n; i++)
		nf += ix->c[i].nf;
	sum_up(ix, &pt);
	char css_hash[64], js_hash[64];
	html_csp_hash(css_hash, html_css);
	html_csp_hash(js_hash, js);
	sb_puts(sb, "<!DOCTYPE html>\n<html lang=\"en\" class=\"nojs\">\n"
		"<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n");
	/* only the page's own style and script (by hash); nothing loads */
	sb_printf(sb, "<meta http-equiv=\"Content-Security-Policy\" "
		  "content=\"default-src 'none'; style-src %s; script-src %s; "
		  "img-src data:; base-uri 'none'; form-action 'none'\">\n",
		  css_hash, js_hash);
	sb_printf(sb, "<meta name=\"generator\" content=\"handletrail %s\">\n"
		  "<link rel=\"icon\" href=\"data:,\">\n"
		  "<title>handletrail: %zu captures, %d findings</title>"
		  "\n<style>%s</style>\n</head>\n<body>\n", HT_VERSION, ix->n,
		  nf, html_css);
	sb_printf(sb, "<header class=\"top\">\n<div class=\"wrap\">\n"
		  "<h1><span class=\"tool\">handletrail</span> batch of %zu "
		  "capture%s</h1>\n<nav><a href=\"#totals\">Totals</a> "
		  "<a href=\"#captures\">Captures</a> <a href=\"#findings\">"
		  "Findings</a>%s</nav>\n</div>\n</header>\n"
		  "<main class=\"wrap\">\n", ix->n, plural((long)ix->n),
		  pt.nerror ? " <a href=\"#failed\">Failed</a>" : "");
	banner(sb, ix, &pt);
	selection_said(sb, ix);
	totals(sb, ix, &pt);
	captures_table(sb, ix);
	findings_table(sb, ix);
	failed_list(sb, ix);
	sb_printf(sb, "</main>\n<footer class=\"wrap\"><p>handletrail %s "
		  "\xc2\xb7 this page is self-contained and loads nothing "
		  "<span class=\"js\">\xc2\xb7 click a column to sort</span>"
		  "</p></footer>\n<script>%s</script>\n</body>\n</html>\n",
		  HT_VERSION, js);
}

/* --- building -------------------------------------------------------- */

/* A feed written as it is made (findings.jsonl and findings.sarif hold
 * every finding of every capture): into a temp file beside the target,
 * renamed over it at the end, so memory stays per capture. */
struct stream {
	char *path, *tmp;
	int fd;
	int failed;
	struct ht_error err;
};

static int stream_open(struct stream *s, const char *dest, const char *name,
		       struct ht_error *err)
{
	memset(s, 0, sizeof *s);
	s->path = batch_path(dest, name);
	size_t n = strlen(s->path) + 32;
	s->tmp = xmalloc(n);
	snprintf(s->tmp, n, "%s.tmp.%ld", s->path, (long)getpid());
	unlink(s->tmp);
	s->fd = open(s->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (s->fd < 0) {
		ht_error_set(err, s->path, 0, "cannot write: %s",
			     strerror(errno));
		free(s->path);
		free(s->tmp);
		return -1;
	}
	return 0;
}

static void stream_flush(struct stream *s, struct strbuf *sb)
{
	if (!s->failed && sb->len &&
	    write_all(s->fd, s->path, sb->s, sb->len, &s->err) < 0)
		s->failed = 1;
	sb_reset(sb);
}

/* Finishes the file (rename) or, after a failure, removes the temp. */
static int stream_close(struct stream *s, int ok, struct ht_error *err)
{
	int r = 0;
	if (close(s->fd) != 0 && !s->failed) {
		ht_error_set(&s->err, s->path, 0, "cannot write: %s",
			     strerror(errno));
		s->failed = 1;
	}
	if (ok && !s->failed && rename(s->tmp, s->path) != 0) {
		ht_error_set(&s->err, s->path, 0, "cannot write: %s",
			     strerror(errno));
		s->failed = 1;
	}
	if (!ok || s->failed) {
		unlink(s->tmp);
		if (s->failed) {
			*err = s->err;
			r = -1;
		}
	}
	free(s->path);
	free(s->tmp);
	return r;
}

static void sarif_to_stream(void *ctx, struct strbuf *sb)
{
	stream_flush(ctx, sb);
}

int batch_index_build(const char *dest, const char *const *dirs, int ndirs,
		      const char *junit_path, int *worst, int *ncaptures,
		      struct ht_error *err)
{
	struct index ix;
	memset(&ix, 0, sizeof ix);
	*worst = 0;
	*ncaptures = 0;
	int r = 0;
	/* results of older versions name no folder: the one we run in */
	ix.cwd = getcwd(NULL, 0);
	/* which result folder each capture came from, by its prefix */
	char **prefixes = xcalloc((size_t)ndirs + 1, sizeof *prefixes);
	for (int i = 0; i < ndirs && r == 0; i++) {
		prefixes[i] = rel_prefix(dest, dirs[i]);
		r = read_results(&ix, i, dirs[i], prefixes[i], err);
	}
	if (ix.n)
		qsort(ix.c, ix.n, sizeof *ix.c, icap_cmp);
	/* the same capture in two result folders (overlapping shards)
	 * counts once */
	size_t m = 0;
	for (size_t i = 0; i < ix.n; i++) {
		if (m > 0 && strcmp(ix.c[m - 1].name, ix.c[i].name) == 0 &&
		    strcmp(ix.c[m - 1].hash, ix.c[i].hash) == 0) {
			free_icap(&ix.c[i]);
			continue;
		}
		ix.c[m++] = ix.c[i];
	}
	ix.n = m;

	struct strbuf jsonl, sarif;
	struct stream jst, sst;
	sb_init(&jsonl);
	sb_init(&sarif);
	if (r == 0 && stream_open(&jst, dest, "findings.jsonl", err) < 0)
		r = -1;
	if (r == 0 && stream_open(&sst, dest, "findings.sarif", err) < 0) {
		stream_close(&jst, 0, err);
		r = -1;
	}
	if (r == 0) {
		struct sarif_log *sl = sarif_begin(&sarif);
		sarif_stream(sl, sarif_to_stream, &sst);
		for (size_t i = 0; i < ix.n; i++) {
			emit_capture(&ix, i, dirs[ix.c[i].from], &jsonl, sl);
			if (ix.c[i].status > *worst)
				*worst = ix.c[i].status;
			stream_flush(&jst, &jsonl);
			stream_flush(&sst, &sarif);
		}
		sarif_end(sl);
		stream_flush(&sst, &sarif);
		r = stream_close(&jst, 1, err);
		if (stream_close(&sst, r == 0, err) < 0)
			r = -1;
	}
	*ncaptures = (int)ix.n;
	sb_free(&jsonl);
	sb_free(&sarif);
	struct strbuf sb;
	sb_init(&sb);
	struct stream pst;
	if (r == 0 && (r = stream_open(&pst, dest, "index.html", err)) == 0) {
		ix.page = &pst;
		index_html(&sb, &ix);
		stream_flush(&pst, &sb);
		ix.page = NULL;
		r = stream_close(&pst, 1, err);
	}
	if (r == 0 && junit_path) {
		sb_reset(&sb);
		junit(&sb, &ix);
		r = write_file_atomic(junit_path, sb.s, sb.len, err);
	}
	sb_free(&sb);
	for (size_t i = 0; i < ix.n; i++)
		free_icap(&ix.c[i]);
	free(ix.c);
	for (size_t i = 0; i < ix.ng; i++)
		free(ix.g[i].message);
	free(ix.g);
	free(ix.slot);
	free(ix.cwd);
	for (int i = 0; i < ndirs; i++)
		free(prefixes[i]);
	free(prefixes);
	return r;
}

static const char index_usage[] =
"Usage: handletrail index [OPTIONS] RESULTDIR...\n"
"Merge the per-capture results that `handletrail batch` wrote into one or\n"
"many RESULTDIRs (shards, other machines) into one index.html,\n"
"findings.jsonl and findings.sarif.\n"
"\n"
"Options:\n";

static const char index_usage_tail[] =
"\n"
"Exit status: the worst over all captures: 0 clean, 1 findings of\n"
"severity warning or error, 2 a capture could not be analysed or the\n"
"results could not be read.\n";

int index_main(int argc, char **argv)
{
	const char *dest = NULL, *junit_path = NULL;
	int quiet = 0, c;
	char shorts[64];
	struct option *lo = opt_table('I', shorts, sizeof shorts);
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct optdef *d = opt_def(c, 'I');
		const char *o = d ? d->lng : "";
		if (strcmp(o, "output") == 0) {
			dest = optarg;
		} else if (strcmp(o, "junit") == 0) {
			junit_path = optarg;
		} else if (strcmp(o, "quiet") == 0) {
			quiet = 1;
		} else if (strcmp(o, "help") == 0) {
			fputs(index_usage, stdout);
			opt_usage(stdout, 'I');
			fputs(index_usage_tail, stdout);
			free(lo);
			return 0;
		} else {
			fputs("Try 'handletrail index --help' for more "
			      "information.\n", stderr);
			free(lo);
			return 2;
		}
	}
	free(lo);
	int ndirs = argc - optind;
	if (ndirs < 1 || (!dest && ndirs > 1)) {
		fputs(ndirs < 1
		      ? "handletrail: index: no RESULTDIR given\n"
		      : "handletrail: index: several RESULTDIRs need -o DIR\n",
		      stderr);
		fputs("Try 'handletrail index --help' for more information.\n",
		      stderr);
		return 2;
	}
	const char **dirs = (const char **)argv + optind;
	struct ht_error err;
	char buf[1200];
	for (int i = 0; i < ndirs; i++) {
		struct stat st;
		if (stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "handletrail: index: %s: not a "
				"folder\n", dirs[i]);
			return 2;
		}
	}
	if (!dest)
		dest = dirs[0];
	int lock = -1;
	if (batch_mkdir_p(dest, &err) < 0 ||
	    (lock = batch_lock(dest, 0, &err)) < 0) {
		ht_error_format(&err, buf, sizeof buf);
		fprintf(stderr, "handletrail: index: %s\n", buf);
		return 2;
	}
	int worst, n;
	int r = batch_index_build(dest, dirs, ndirs, junit_path, &worst, &n,
				  &err);
	close(lock);
	if (r < 0) {
		ht_error_format(&err, buf, sizeof buf);
		fprintf(stderr, "handletrail: index: %s\n", buf);
		return 2;
	}
	if (n == 0)
		fprintf(stderr, "handletrail: index: no capture results found "
			"(folders with %s)\n", BATCH_MANIFEST);
	else if (!quiet)
		fprintf(stderr, "handletrail: index: %d capture%s; index: "
			"%s/index.html\n", n, n == 1 ? "" : "s", dest);
	return worst;
}
