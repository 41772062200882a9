/* reports/sarif.c - findings as SARIF 2.1.0 for code-scanning tools and
 * SARIF viewers: the trace files are the artifacts, the trace lines the
 * regions, and each finding's story a codeFlow with one threadFlow per
 * thread ordered across threads by executionOrder. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "label.h"

struct rule_text {
	const char *name;   /* PascalCase, as SARIF rule names usually are */
	const char *brief;
	const char *full;
	const char *help;
};

static const struct rule_text rule_texts[FK__COUNT] = {
	[FK_DOUBLE_CLOSE] = { "DoubleClose",
		"A handle number was closed twice",
		"A thread closed a handle number that its handle table had "
		"already closed, and nobody reopened it in between; the second "
		"close failed with EBADF (or ERROR_INVALID_HANDLE).",
		"The second close is harmless only by luck: had another "
		"thread been given the same number in between, it would have "
		"destroyed that thread's object instead (see stale-close). "
		"Find the two owners of the handle in the codeFlow and let "
		"exactly one of them close it; set the variable to -1 (or "
		"NULL) after closing." },
	[FK_STALE_CLOSE] = { "StaleClose",
		"A thread closed a handle number that now names someone "
		"else's object",
		"A thread closed a number it had closed or used before, but "
		"meanwhile another thread had received the same number for a "
		"new object; the close succeeded and destroyed that object "
		"(the double-close race of Microsoft KB Q155738).",
		"Read the codeFlow: the first close by the culprit thread, the "
		"reuse of the number by the victim thread, then the culprit's "
		"second close. The victim's next call on the number fails "
		"(EBADF, ENOTSOCK, WSAENOTSOCK) or hits a wrong object. Remove "
		"the second close, or hand ownership over explicitly. Without "
		"a later failure it is reported only as a note, when the "
		"object's kind changed: a legitimate hand-off between threads "
		"looks the same." },
	[FK_STALE_USE] = { "StaleUse",
		"A thread used a handle number whose object had been replaced",
		"A thread operated on a number it had used or closed earlier, "
		"but the number now names another object, created after that; "
		"the call failed (for example ENOTSOCK or WSAENOTSOCK 10038) "
		"or silently acted on the wrong object.",
		"The codeFlow shows who closed the thread's object and who got "
		"the number next. The bug is usually the close: some other "
		"code path closed a handle it did not own. A successful write "
		"to the wrong object corrupts data without any error." },
	[FK_USE_AFTER_CLOSE] = { "UseAfterClose",
		"A call used a handle number after it was closed",
		"An operation failed with EBADF (or WSAEBADF, "
		"ERROR_INVALID_HANDLE) on a number that was closed earlier in "
		"the trace and not reopened.",
		"The codeFlow shows the close and the failing call. Had the "
		"number been reused in between, the call would have hit "
		"another object instead of failing; treat it as a lifetime "
		"bug, not as a harmless error." },
	[FK_CLOSE_WHILE_IN_USE] = { "CloseWhileInUse",
		"A handle was closed while another thread was blocked on it",
		"A thread closed a number while another thread of the same "
		"process was inside a blocking call on it; what the blocked "
		"call then does is undefined, and the number may be reused "
		"while it still runs.",
		"Wake the blocked thread first (shutdown(2) on a socket, a "
		"self-pipe or eventfd), wait for it to leave the call, then "
		"close." },
	[FK_LEAK] = { "Leak",
		"A handle opened in the trace was still open when its "
		"process exited",
		"A handle created inside the trace was never closed before "
		"its process ended; the kernel closed it at exit.",
		"Often harmless at exit, but in long-running processes the "
		"same path leaks one handle per call. The location is where "
		"the handle was created." },
};

/* (trace path, base) -> artifact index, so results can name artifacts.
 * A relative path is relative to its capture's base folder (a uriBaseId
 * declared in originalUriBaseIds), so that a viewer opens the trace
 * file wherever the SARIF file lies; captures from other folders (shards
 * of other machines) have other bases. */
struct artifacts {
	const char **path;   /* in order of first appearance */
	const char **capture;
	int *base;           /* index into bases, -1: none (absolute) */
	const char **comp;   /* compression: a static name, "" none */
	int n, cap;
	int *slot;           /* open addressing over path, -1 = empty */
	int nslot;
	const char **names;  /* capture names owned by the log */
	int nnames;
	char **bases;        /* base folders, in order of first use */
	int nbases;
};

static uint64_t path_hash(const char *s, int base)
{
	return hash64(s, strlen(s), (uint64_t)(base + 1));
}

static int art_find(const struct artifacts *a, const char *p, int base)
{
	if (!a->nslot)
		return -1;
	size_t j = path_hash(p, base) & (size_t)(a->nslot - 1);
	for (; a->slot[j] >= 0; j = (j + 1) & (size_t)(a->nslot - 1))
		if (a->base[a->slot[j]] == base &&
		    strcmp(a->path[a->slot[j]], p) == 0)
			return a->slot[j];
	return -1;
}

static void art_rehash(struct artifacts *a)
{
	free(a->slot);
	a->nslot = a->nslot ? a->nslot * 2 : 64;
	a->slot = xmalloc((size_t)a->nslot * sizeof *a->slot);
	for (int i = 0; i < a->nslot; i++)
		a->slot[i] = -1;
	for (int i = 0; i < a->n; i++) {
		size_t j = path_hash(a->path[i], a->base[i]) &
			   (size_t)(a->nslot - 1);
		while (a->slot[j] >= 0)
			j = (j + 1) & (size_t)(a->nslot - 1);
		a->slot[j] = i;
	}
}

static int art_add(struct artifacts *a, const char *p, int base,
		   const char *comp, const char *capture)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->path = xrealloc(a->path, (size_t)a->cap * sizeof *a->path);
		a->capture = xrealloc(a->capture,
				      (size_t)a->cap * sizeof *a->capture);
		a->base = xrealloc(a->base, (size_t)a->cap * sizeof *a->base);
		a->comp = xrealloc(a->comp, (size_t)a->cap * sizeof *a->comp);
	}
	a->path[a->n] = p;
	a->capture[a->n] = capture;
	a->base[a->n] = base;
	a->comp[a->n] = comp;
	a->n++;
	if (a->n * 2 > a->nslot)
		art_rehash(a);
	else {
		size_t j = path_hash(p, base) & (size_t)(a->nslot - 1);
		while (a->slot[j] >= 0)
			j = (j + 1) & (size_t)(a->nslot - 1);
		a->slot[j] = a->n - 1;
	}
	return a->n - 1;
}

/* The base a path of a capture with base folder bid is relative to:
 * none for an absolute path. */
static int base_of(const char *p, int bid)
{
	return p[0] == '/' ? -1 : bid;
}

/* the log keeps its own copy of a path it has not seen yet */
static void art_copy(struct artifacts *a, const char *p, int bid,
		     const char *comp, const char *capture)
{
	if (p && *p && art_find(a, p, base_of(p, bid)) < 0)
		art_add(a, xstrdup(p), base_of(p, bid), comp, capture);
}

/* The index of base folder dir among the log's bases (added when new),
 * or -1 when there is none. */
static int base_id(struct artifacts *a, const char *dir)
{
	if (!dir || dir[0] != '/')
		return -1;
	for (int i = 0; i < a->nbases; i++)
		if (strcmp(a->bases[i], dir) == 0)
			return i;
	a->bases = xrealloc(a->bases, (size_t)(a->nbases + 1) *
			    sizeof *a->bases);
	a->bases[a->nbases] = xstrdup(dir);
	return a->nbases++;
}

/* "%SRCROOT%", then "%SRCROOT2%", ... (the name CodeQL and GitHub code
 * scanning use for the folder paths are relative to) */
static void base_name(char out[32], int i)
{
	if (i == 0)
		snprintf(out, 32, "%%SRCROOT%%");
	else
		snprintf(out, 32, "%%SRCROOT%d%%", i + 1);
}

/* A compression name as a static string ("" none): what report.json
 * says is untrusted. */
static const char *comp_name(const char *s)
{
	static const char *const known[] = { "gzip", "xz", "zstd" };
	for (size_t i = 0; s && i < sizeof known / sizeof known[0]; i++)
		if (strcmp(s, known[i]) == 0)
			return known[i];
	return "";
}

static const char *comp_mime(const char *comp)
{
	return strcmp(comp, "gzip") == 0 ? "application/gzip" :
	       strcmp(comp, "xz") == 0 ? "application/x-xz" :
	       "application/zstd";
}

/* A trace path as a URI reference: relative paths stay relative (SARIF
 * viewers resolve them against the folder they are opened from),
 * absolute ones become file: URIs; every byte outside the unreserved
 * set and '/' is percent-encoded. */
static void path_uri(struct strbuf *sb, const char *p)
{
	static const char hex[] = "0123456789ABCDEF";
	if (p[0] == '/')
		sb_puts(sb, "file://");
	for (const unsigned char *u = (const unsigned char *)p; *u; u++) {
		unsigned c = *u;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/') {
			sb_putc(sb, (char)c);
		} else {
			sb_putc(sb, '%');
			sb_putc(sb, hex[c >> 4]);
			sb_putc(sb, hex[c & 15]);
		}
	}
}

static void text_msg(struct jsonw *w, const char *key, const char *text)
{
	jw_key(w, key);
	jw_obj(w);
	jw_kstr(w, "text", text);
	jw_end_obj(w);
}

static const char *level_name(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning"
							   : "note";
}

static void rules(struct jsonw *w)
{
	jw_key(w, "rules");
	jw_arr(w);
	for (int k = 0; k < FK__COUNT; k++) {
		const struct rule_text *t = &rule_texts[k];
		const char *id = finding_kind_name((enum finding_kind)k);
		jw_obj(w);
		jw_kstr(w, "id", id);
		jw_kstr(w, "name", t->name ? t->name : id);
		text_msg(w, "shortDescription", t->brief ? t->brief : id);
		text_msg(w, "fullDescription", t->full ? t->full : id);
		text_msg(w, "help", t->help ? t->help : id);
		jw_key(w, "defaultConfiguration");
		jw_obj(w);
		jw_kstr(w, "level", level_name(finding_kind_severity(
					    (enum finding_kind)k)));
		jw_end_obj(w);
		jw_key(w, "properties");
		jw_obj(w);
		jw_key(w, "tags");
		jw_arr(w);
		jw_str(w, "handle-lifetime");
		jw_str(w, "concurrency");
		jw_end_arr(w);
		jw_end_obj(w);
		jw_end_obj(w);
	}
	jw_end_arr(w);
}

/* An artifactLocation's uri and uriBaseId (base: index, or -1) */
static void art_location(struct jsonw *w, struct strbuf *tmp,
			 const char *path, int base)
{
	char name[32];
	sb_reset(tmp);
	path_uri(tmp, path);
	jw_kstr(w, "uri", tmp->s);
	if (base >= 0) {
		base_name(name, base);
		jw_kstr(w, "uriBaseId", name);
	}
}

/* physicalLocation of a trace line in a capture with base folder bid;
 * nothing when the place is unknown (a handle opened before the trace
 * started). */
static void phys(struct jsonw *w, struct artifacts *a, struct strbuf *tmp,
		 const struct source_loc *src, long end_line,
		 const char *snippet, int bid)
{
	if (!src->file || !*src->file)
		return;
	int base = base_of(src->file, bid);
	int i = art_find(a, src->file, base);
	jw_key(w, "physicalLocation");
	jw_obj(w);
	jw_key(w, "artifactLocation");
	jw_obj(w);
	art_location(w, tmp, src->file, base);
	if (i >= 0)
		jw_kint(w, "index", i);
	jw_end_obj(w);
	if (src->line > 0) {
		jw_key(w, "region");
		jw_obj(w);
		jw_kint(w, "startLine", src->line);
		if (end_line > src->line)  /* <unfinished ...> to resumed */
			jw_kint(w, "endLine", end_line);
		if (snippet && *snippet) {   /* the trace line itself */
			jw_key(w, "snippet");
			jw_obj(w);
			jw_kstr(w, "text", snippet);
			jw_end_obj(w);
		}
		jw_end_obj(w);
	}
	jw_end_obj(w);
}

/* -k: the offending call's stack, one frame a line
 * ("lib.so(sym+0x1f) [0x...]"), as a SARIF stack */
static void stack_of(struct jsonw *w, const char *stack)
{
	jw_key(w, "stacks");
	jw_arr(w);
	jw_obj(w);
	text_msg(w, "message", "the offending call's stack (strace -k)");
	jw_key(w, "frames");
	jw_arr(w);
	for (const char *p = stack; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n && *p == ' ')
			p++, n--;
		if (n) {
			jw_obj(w);
			jw_key(w, "location");
			jw_obj(w);
			jw_key(w, "message");
			jw_obj(w);
			jw_key(w, "text");
			jw_strn(w, p, n);
			jw_end_obj(w);
			jw_end_obj(w);
			jw_end_obj(w);
		}
		p += n + (e != NULL);
	}
	jw_end_arr(w);
	jw_end_obj(w);
	jw_end_arr(w);
}

static const char *importance(const char *role)
{
	static const char *const essential[] = {
		"closed", "reused", "offending", "failed", "victim",
	};
	if (!role)
		return "important";
	for (size_t i = 0; i < sizeof essential / sizeof essential[0]; i++)
		if (strcmp(role, essential[i]) == 0)
			return "essential";
	return "important";
}

/* SARIF's well-known threadFlowLocation kinds for a chain role. */
static const char *flow_kind(const char *role)
{
	if (!role)
		return "call";
	if (strcmp(role, "opened") == 0 || strcmp(role, "reused") == 0)
		return "acquire";
	if (strcmp(role, "closed") == 0)
		return "release";
	return "call";
}

/* "closed handle 3 (TCP:[...]): close(3) = 0 in server (17360)" */
static void step_text(struct strbuf *sb, const struct chain_step *s,
		      const struct finding *f)
{
	int creates = s->role && (strcmp(s->role, "opened") == 0 ||
				  strcmp(s->role, "reused") == 0);
	sb_reset(sb);
	sb_printf(sb, "%s ", s->role ? s->role : "step");
	label_handle(sb, f->traits, f->handle);
	if (s->object && *s->object)
		sb_printf(sb, " (%s)", s->object);
	sb_printf(sb, ": %s(", s->call ? s->call : "?");
	if (creates) {
		sb_puts(sb, "...)");  /* the handle is a result */
	} else {
		label_handle_num(sb, f->traits, f->handle);
		sb_putc(sb, ')');
	}
	if (s->result && *s->result)
		sb_printf(sb, " = %s", s->result);
	sb_puts(sb, " in ");
	label_thread(sb, s->thread_name, s->process_name, s->tid, -1);
}

/* One codeFlow: a threadFlow per (pid, tid) in order of first appearance,
 * executionOrder numbering the chain across all of them. */
static void code_flow(struct jsonw *w, struct artifacts *a,
		      struct strbuf *tmp, const struct finding *f, int bid)
{
	int *done = xcalloc((size_t)f->nchain + 1, sizeof *done);
	jw_key(w, "codeFlows");
	jw_arr(w);
	jw_obj(w);
	sb_reset(tmp);
	sb_puts(tmp, "lifetime of ");
	label_handle(tmp, f->traits, f->handle);
	sb_puts(tmp, " across threads");
	text_msg(w, "message", tmp->s);
	jw_key(w, "threadFlows");
	jw_arr(w);
	for (int i = 0; i < f->nchain; i++) {
		if (done[i])
			continue;
		const struct chain_step *t = &f->chain[i];
		jw_obj(w);
		sb_reset(tmp);
		sb_printf(tmp, "pid %lld tid %lld", (long long)t->pid,
			  (long long)t->tid);
		jw_kstr(w, "id", tmp->s);
		sb_reset(tmp);
		label_thread(tmp, t->thread_name, t->process_name, t->tid,
			     -1);
		sb_puts(tmp, " of ");
		label_process(tmp, t->process_name, t->pid);
		text_msg(w, "message", tmp->s);
		jw_key(w, "locations");
		jw_arr(w);
		for (int k = i; k < f->nchain; k++) {
			const struct chain_step *s = &f->chain[k];
			if (done[k] || s->pid != t->pid || s->tid != t->tid)
				continue;
			done[k] = 1;
			jw_obj(w);
			jw_kint(w, "executionOrder", k + 1);
			jw_kstr(w, "importance", importance(s->role));
			jw_key(w, "kinds");
			jw_arr(w);
			jw_str(w, flow_kind(s->role));
			jw_end_arr(w);
			jw_key(w, "location");
			jw_obj(w);
			phys(w, a, tmp, &s->src, s->end_line, s->raw, bid);
			step_text(tmp, s, f);
			text_msg(w, "message", tmp->s);
			jw_end_obj(w);
			jw_key(w, "properties");
			jw_obj(w);
			jw_kstr(w, "role", s->role);
			if (s->time && *s->time)
				jw_kstr(w, "time", s->time);
			if (s->raw && *s->raw)
				jw_kstr(w, "raw", s->raw);
			jw_end_obj(w);
			jw_end_obj(w);
		}
		jw_end_arr(w);
		jw_end_obj(w);
	}
	jw_end_arr(w);
	jw_end_obj(w);
	jw_end_arr(w);
	free(done);
}

/* The compression of the first compressed trace file a finding's
 * locations name, or "": its line numbers are of the decompressed text,
 * which a viewer opening the file does not show. */
static const char *result_comp(const struct artifacts *a,
			       const struct finding *f, int bid)
{
	for (int k = -1; k < f->nchain; k++) {
		const char *p = k < 0 ? f->src.file : f->chain[k].src.file;
		int i = p && *p ? art_find(a, p, base_of(p, bid)) : -1;
		if (i >= 0 && *a->comp[i])
			return a->comp[i];
	}
	return "";
}

static void result(struct jsonw *w, struct artifacts *a, struct strbuf *tmp,
		   const struct sarif_capture *c, const struct finding *f,
		   int bid)
{
	const char *kind = finding_kind_name(f->kind);
	const char *comp = result_comp(a, f, bid);
	jw_obj(w);
	jw_kstr(w, "ruleId", kind);
	jw_kint(w, "ruleIndex", f->kind);
	jw_kstr(w, "level", level_name(f->severity));
	sb_reset(tmp);
	if (f->message && *f->message) {
		sb_puts(tmp, f->message);
	} else {
		sb_printf(tmp, "%s on ", kind);
		label_handle(tmp, f->traits, f->handle);
	}
	if (*comp)
		sb_printf(tmp, " (The trace file is %s-compressed: line "
			  "numbers count lines of its decompressed text.)",
			  comp);
	text_msg(w, "message", tmp->s);
	const struct chain_step *off = NULL;
	for (int k = 0; k < f->nchain; k++)
		if (f->chain[k].tid == f->tid &&
		    f->chain[k].src.line == f->src.line)
			off = &f->chain[k];
	jw_key(w, "locations");
	jw_arr(w);
	jw_obj(w);
	phys(w, a, tmp, &f->src, off ? off->end_line : 0,
	     off ? off->raw : NULL, bid);
	jw_end_obj(w);
	jw_end_arr(w);
	if (off && off->stack && *off->stack)
		stack_of(w, off->stack);
	jw_key(w, "partialFingerprints");
	jw_obj(w);
	jw_kstr(w, "handletrailFingerprint/v1", f->fingerprint);
	jw_end_obj(w);
	if (f->nchain > 0)
		code_flow(w, a, tmp, f, bid);
	jw_key(w, "properties");
	jw_obj(w);
	jw_kstr(w, "capture", c->name);
	jw_kint(w, "findingId", f->id);
	if (*comp) {
		jw_kstr(w, "compression", comp);
		jw_kstr(w, "lineNumbers", "of the decompressed text");
	}
	jw_kint(w, "pid", f->pid);
	jw_kint(w, "tid", f->tid);
	jw_kint(w, "handle", f->handle);
	if (f->call)
		jw_kstr(w, "call", f->call);
	if (f->object)
		jw_kstr(w, "object", f->object);
	if (f->expected)
		jw_kstr(w, "expected", f->expected);
	if (f->error)
		jw_kstr(w, "error", f->error);
	if (f->time && *f->time)
		jw_kstr(w, "time", f->time);
	if (f->evidence)
		jw_kstr(w, "evidence", f->evidence);
	jw_end_obj(w);
	jw_end_obj(w);
}

/* A SARIF log written capture by capture, so batch can stream thousands
 * of captures: results first, artifacts and notifications (which need
 * every capture) at the end; member order does not matter in JSON. */
struct sarif_log {
	struct strbuf *sb;
	struct jsonw w;
	struct artifacts a;
	struct strbuf tmp;
	struct strbuf notes;  /* notifications: "level\ttext\n" */
	int ok;
	sarif_flush_fn *flush;  /* NULL: the whole log stays in sb */
	void *ctx;
};

/* Past this many bytes sb goes out: a log of 100,000 findings is never
 * one string. */
#define SARIF_CHUNK 65536

void sarif_stream(struct sarif_log *l, sarif_flush_fn *flush, void *ctx)
{
	l->flush = flush;
	l->ctx = ctx;
}

static void maybe_flush(struct sarif_log *l, size_t at_least)
{
	if (l->flush && l->sb->len >= at_least)
		l->flush(l->ctx, l->sb);
}

struct sarif_log *sarif_begin(struct strbuf *sb)
{
	struct sarif_log *l = xcalloc(1, sizeof *l);
	l->sb = sb;
	l->ok = 1;
	sb_init(&l->tmp);
	sb_init(&l->notes);
	struct jsonw *w = &l->w;
	jw_init(w, sb, 0);
	jw_obj(w);
	jw_kstr(w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	jw_kstr(w, "version", "2.1.0");
	jw_key(w, "runs");
	jw_arr(w);
	jw_obj(w);
	jw_key(w, "tool");
	jw_obj(w);
	jw_key(w, "driver");
	jw_obj(w);
	jw_kstr(w, "name", "handletrail");
	jw_kstr(w, "version", HT_VERSION);
	jw_kstr(w, "semanticVersion", HT_VERSION);
	rules(w);
	jw_end_obj(w);
	jw_end_obj(w);
	jw_key(w, "results");
	jw_arr(w);
	return l;
}

static void note(struct sarif_log *l, const char *level, const char *fmt,
		 ...) HT_PRINTF(3, 4);

static void note(struct sarif_log *l, const char *level, const char *fmt,
		 ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = NULL;
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	sb_puts(&l->notes, level);
	sb_putc(&l->notes, '\t');
	/* one note per line: a newline inside the text becomes a space */
	for (char *p = m; p && *p; p++)
		sb_putc(&l->notes, *p == '\n' ? ' ' : *p);
	sb_putc(&l->notes, '\n');
	free(m);
}

/* A capture's limits (its report's limits section: what the trace
 * cannot show, the memory bounds reached), each once, the first
 * SARIF_LIMITS of them (notes are kept until the log ends). */
#define SARIF_LIMITS 16
static void limit_notes(struct sarif_log *l, const char *name,
			const char *limits)
{
	int shown = 0;
	for (const char *p = limits; p && *p && shown < SARIF_LIMITS;) {
		const char *e = strchr(p, '\n');
		int n = (int)(e ? (size_t)(e - p) : strlen(p));
		int seen = 0;
		for (const char *q = limits; q < p && !seen;) {
			const char *qe = strchr(q, '\n');
			seen = qe - q == n && memcmp(q, p, (size_t)n) == 0;
			q = qe + 1;
		}
		if (n && !seen) {
			note(l, "note", "capture %s: %.*s", name, n, p);
			shown++;
		}
		p += n + (e != NULL);
	}
}

void sarif_add(struct sarif_log *l, const struct sarif_capture *c)
{
	const char *name = xstrdup(c->name ? c->name : "");
	int bid = -1;
	for (int k = 0; k < c->npaths && bid < 0; k++)
		if (c->paths[k][0] != '/')
			bid = base_id(&l->a, c->base);
	for (int k = 0; k < c->npaths; k++)
		art_copy(&l->a, c->paths[k], bid, comp_name(c->compression ?
			 c->compression[k] : NULL), name);
	for (int k = 0; k < c->nfindings; k++) {
		const struct finding *f = &c->findings[k];
		art_copy(&l->a, f->src.file, bid, "", name);
		for (int s = 0; s < f->nchain; s++)
			art_copy(&l->a, f->chain[s].src.file, bid, "", name);
	}
	for (int k = 0; k < c->nfindings; k++) {
		result(&l->w, &l->a, &l->tmp, c, &c->findings[k], bid);
		maybe_flush(l, SARIF_CHUNK);
	}
	/* failed captures and lost lines: a clean result must not look
	 * like more than it is */
	if (c->error) {
		l->ok = 0;
		note(l, "error", "capture %s: %s", name, c->error);
	}
	if (c->skipped > 0)
		note(l, "warning", "capture %s: %ld trace lines could not be "
		     "parsed and were skipped", name, c->skipped);
	if (c->selection)
		note(l, "note", "capture %s: %s", name, c->selection);
	if (c->dropped > 0)
		note(l, "warning", "capture %s: %ld findings past the cap were "
		     "counted, not listed (the first %d are)", name,
		     c->dropped, c->nfindings);
	limit_notes(l, name, c->limits);
	l->a.names = xrealloc(l->a.names, (size_t)(l->a.nnames + 1) *
			      sizeof *l->a.names);
	l->a.names[l->a.nnames++] = name;
}

/* originalUriBaseIds: each base folder as an absolute file: URI */
static void base_ids(struct sarif_log *l)
{
	struct jsonw *w = &l->w;
	char name[32];
	if (!l->a.nbases)
		return;
	jw_key(w, "originalUriBaseIds");
	jw_obj(w);
	for (int i = 0; i < l->a.nbases; i++) {
		const char *dir = l->a.bases[i];
		base_name(name, i);
		jw_key(w, name);
		jw_obj(w);
		sb_reset(&l->tmp);
		path_uri(&l->tmp, dir);
		if (dir[strlen(dir) - 1] != '/')
			sb_putc(&l->tmp, '/');
		jw_kstr(w, "uri", l->tmp.s);
		text_msg(w, "description", "the folder handletrail ran in: "
			 "relative trace paths lead from it");
		jw_end_obj(w);
	}
	jw_end_obj(w);
}

void sarif_end(struct sarif_log *l)
{
	struct jsonw *w = &l->w;
	jw_end_arr(w);
	jw_key(w, "artifacts");
	jw_arr(w);
	for (int i = 0; i < l->a.n; i++) {
		const char *comp = l->a.comp[i];
		jw_obj(w);
		jw_key(w, "location");
		jw_obj(w);
		art_location(w, &l->tmp, l->a.path[i], l->a.base[i]);
		jw_end_obj(w);
		if (*comp)
			jw_kstr(w, "mimeType", comp_mime(comp));
		jw_key(w, "roles");
		jw_arr(w);
		jw_str(w, "analysisTarget");
		jw_end_arr(w);
		jw_key(w, "properties");
		jw_obj(w);
		jw_kstr(w, "capture", l->a.capture[i]);
		if (*comp)
			jw_kstr(w, "compression", comp);
		jw_end_obj(w);
		jw_end_obj(w);
		maybe_flush(l, SARIF_CHUNK);
	}
	jw_end_arr(w);
	base_ids(l);
	jw_key(w, "invocations");
	jw_arr(w);
	jw_obj(w);
	jw_key(w, "executionSuccessful");
	jw_bool(w, l->ok);
	jw_key(w, "toolExecutionNotifications");
	jw_arr(w);
	for (const char *p = l->notes.s; p && *p;) {
		const char *tab = strchr(p, '\t');
		const char *nl = strchr(tab, '\n');
		jw_obj(w);
		jw_key(w, "level");
		jw_strn(w, p, (size_t)(tab - p));
		jw_key(w, "message");
		jw_obj(w);
		jw_key(w, "text");
		jw_strn(w, tab + 1, (size_t)(nl - tab - 1));
		jw_end_obj(w);
		jw_end_obj(w);
		p = nl + 1;
		maybe_flush(l, SARIF_CHUNK);
	}
	jw_end_arr(w);
	jw_end_obj(w);
	jw_end_arr(w);
	jw_kstr(w, "columnKind", "unicodeCodePoints");
	jw_end_obj(w);
	jw_end_arr(w);
	jw_end_obj(w);
	sb_putc(l->sb, '\n');
	maybe_flush(l, 1);
	for (int i = 0; i < l->a.n; i++)
		free((char *)l->a.path[i]);
	for (int i = 0; i < l->a.nbases; i++)
		free(l->a.bases[i]);
	free(l->a.bases);
	free(l->a.base);
	free(l->a.comp);
	for (int i = 0; i < l->a.nnames; i++)
		free((char *)l->a.names[i]);
	free(l->a.names);
	free(l->a.path);
	free(l->a.capture);
	free(l->a.slot);
	sb_free(&l->tmp);
	sb_free(&l->notes);
	free(l);
}

void report_sarif_captures(struct strbuf *sb, const struct sarif_capture *c,
			   int n)
{
	struct sarif_log *l = sarif_begin(sb);
	for (int i = 0; i < n; i++)
		sarif_add(l, &c[i]);
	sarif_end(l);
}

void report_sarif(struct strbuf *sb, const struct capture *const *caps,
		  int n)
{
	report_sarif_stream(sb, caps, n, NULL, NULL);
}

void report_sarif_stream(struct strbuf *sb, const struct capture *const *caps,
			 int n, sarif_flush_fn *flush, void *ctx)
{
	struct sarif_capture *c = xcalloc((size_t)n + 1, sizeof *c);
	const char ***paths = xcalloc((size_t)n + 1, sizeof *paths);
	struct strbuf *said = xcalloc((size_t)n + 1, sizeof *said);
	struct strbuf *limits = xcalloc((size_t)n + 1, sizeof *limits);
	const char ***comps = xcalloc((size_t)n + 1, sizeof *comps);
	for (int i = 0; i < n; i++) {
		const struct capture *cap = caps[i];
		sb_init(&limits[i]);
		paths[i] = xcalloc((size_t)cap->ninputs + 1, sizeof **paths);
		comps[i] = xcalloc((size_t)cap->ninputs + 1, sizeof **comps);
		for (int k = 0; k < cap->ninputs; k++) {
			paths[i][k] = cap->inputs[k].path;
			comps[i][k] = cap->inputs[k].compression;
			c[i].skipped += cap->inputs[k].skipped;
			if (*cap->inputs[k].limits) {
				sb_puts(&limits[i], cap->inputs[k].limits);
				sb_putc(&limits[i], '\n');
			}
		}
		c[i].limits = limits[i].s;
		c[i].name = cap->name;
		c[i].paths = paths[i];
		c[i].compression = comps[i];
		c[i].npaths = cap->ninputs;
		c[i].findings = capture_findings(cap, &c[i].nfindings);
		c[i].error = cap->fatal;
		c[i].dropped = timeline_stats(cap->tl)->findings_dropped;
		sb_init(&said[i]);
		if (capture_selection_said(cap, &said[i]))
			c[i].selection = said[i].s;
	}
	struct sarif_log *l = sarif_begin(sb);
	sarif_stream(l, flush, ctx);
	for (int i = 0; i < n; i++)
		sarif_add(l, &c[i]);
	sarif_end(l);
	for (int i = 0; i < n; i++) {
		free(paths[i]);
		free(comps[i]);
		sb_free(&said[i]);
		sb_free(&limits[i]);
	}
	free(paths);
	free(comps);
	free(said);
	free(limits);
	free(c);
}
