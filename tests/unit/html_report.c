/* tests/unit/html_report.c - the HTML renderer on a hand-built capture
 * shaped like the race sample plus hostile strings: escaping in every
 * context, structure (parsed back with libxml2), anchors, caps and
 * determinism. */
#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include "../../reports/html_internal.h"
#include "unit.h"

#define TRACE "/cases/race.f-tt-T-yy.txt"
#define BASE 73524247411000LL  /* 20:35:24.247411 in ns since midnight */
#define MS(x) (BASE + (long long)((x) * 1000000.0))

/* every nasty thing a trace string can carry */
#define HOSTILE "<script>alert(1)</script>\"' onmouseover=\"x\" </style>" \
	"\x01\x1b[31m\x7f \xff\xfe\xc0\xaf \xe2\x80\xae\xe2\x81\xa6" \
	"txt.exe \xc2\x85 </SCRIPT ]]> <!-- &amp;"

static struct chain_step step(const char *role, long long tid,
			      const char *call, const char *obj,
			      const char *res, double ms, long line, int gen,
			      const char *raw)
{
	struct chain_step s;

	memset(&s, 0, sizeof s);
	s.role = role;
	s.pid = 13741;
	s.tid = tid;
	s.cpu = -1;
	s.call = call;
	s.object = obj;
	s.result = res;
	s.time = "20:35:24.25";
	s.ts = MS(ms);
	s.src.file = TRACE;
	s.src.line = line;
	s.raw = raw;
	s.generation = gen;
	return s;
}

static struct chain_step stale_use_chain[] = {
	{ 0 }, { 0 }, { 0 }, { 0 },
};
static struct chain_step stale_close_chain[5];
static struct chain_step hostile_chain[2];
static struct finding findings[8];
static struct task_info tasks[3];
static struct generation_info gens[4];
static struct unexplained unexpl[1];
static struct input_stats inputs[1];
static struct timeline_stats stats;

static void fill_finding(struct finding *f, int id, enum finding_kind k,
			 enum severity sev, long long tid, long long h,
			 const char *obj, const char *exp, const char *call,
			 const char *err, long line, double ms,
			 struct chain_step *chain, int nchain, const char *fp)
{
	memset(f, 0, sizeof *f);
	f->id = id;
	f->kind = k;
	f->severity = sev;
	f->pid = 13741;
	f->tid = tid;
	f->handle = h;
	f->object = obj;
	f->expected = exp;
	f->time = "20:35:24.254628";
	f->ts = MS(ms);
	f->call = call;
	f->error = err;
	f->message = "fd 8 was closed by thread 13743 and reused by thread "
		     "13741 for /etc/hostname; sendto() then reached the wrong "
		     "object";
	f->src.file = TRACE;
	f->src.line = line;
	f->chain = chain;
	f->nchain = nchain;
	snprintf(f->fingerprint, sizeof f->fingerprint, "%s", fp);
}

static void build(struct html_data *d, struct capture *c)
{
	stale_use_chain[0] = step("opened", 13743, "socket", "UDP:[20230]",
				  "8", 6.73, 74, 2,
				  "13743 20:35:24.254141 socket(AF_INET, "
				  "SOCK_DGRAM, IPPROTO_IP) = 8<UDP:[20230]>");
	stale_use_chain[1] = step("closed", 13743, "close", "UDP:[20230]",
				  "0", 6.84, 75, 2,
				  "13743 20:35:24.254252 close(8<UDP:[20230]>)"
				  " = 0 <0.000040>");
	stale_use_chain[2] = step("reused", 13741, "openat", "/etc/hostname",
				  "8", 7.03, 78, 3,
				  "13741 20:35:24.254440 openat(AT_FDCWD, "
				  "\"/etc/hostname\", O_RDONLY ... <... openat "
				  "resumed>) = 8</etc/hostname>");
	stale_use_chain[2].end_line = 80;
	stale_use_chain[3] = step("offending", 13743, "sendto",
				  "/etc/hostname", "-1 ENOTSOCK", 7.22, 84, 3,
				  "13743 20:35:24.254628 sendto(8</etc/hostname>"
				  ", \"ping\", 4, 0, NULL, 0) = -1 ENOTSOCK "
				  "(Socket operation on non-socket)");
	stale_use_chain[3].cpu = 1;
	stale_use_chain[3].stack = " > libc.so.6(sendto+0x1a) [0x1234]\n"
				   " > fdrace(worker+0x40) [0x5678]";

	stale_close_chain[0] = step("opened", 13743, "eventfd2",
				    "anon_inode:[eventfd]", "8", 7.59, 96, 4,
				    "13743 eventfd2(0, EFD_CLOEXEC) = 8");
	stale_close_chain[1] = step("closed", 13743, "close",
				    "anon_inode:[eventfd]", "0", 7.66, 97, 4,
				    "13743 close(8<anon_inode:[eventfd]>) = 0");
	stale_close_chain[2] = step("reused", 13741, "openat",
				    "/etc/hostname", "8", 7.81, 101, 5,
				    "13741 openat(...) = 8</etc/hostname>");
	stale_close_chain[3] = step("offending", 13743, "close",
				    "/etc/hostname", "0", 7.98, 105, 5,
				    "13743 close(8</etc/hostname>) = 0");
	stale_close_chain[4] = step("victim", 13741, "read", NULL,
				    "-1 EBADF", 8.14, 109, 0,
				    "13741 read(8, 0x7ffe01fc5010, 64) = -1 "
				    "EBADF (Bad file descriptor)");
	stale_close_chain[4].end_line = 111;

	hostile_chain[0] = step("opened", 13743, HOSTILE, HOSTILE, HOSTILE,
				9.0, 120, 1, HOSTILE);
	hostile_chain[1] = step(HOSTILE, 13743, "close", HOSTILE, "0", 9.5,
				121, 1, HOSTILE);
	hostile_chain[1].stack = HOSTILE "\n" HOSTILE;

	fill_finding(&findings[0], 1, FK_DOUBLE_CLOSE, SEV_WARNING, 13743, 8,
		     NULL, "/dev/null<char 1:3>", "close", "EBADF", 72, 6.64,
		     NULL, 0, "00000000000000d1");
	fill_finding(&findings[1], 2, FK_STALE_USE, SEV_ERROR, 13743, 8,
		     "/etc/hostname", "UDP:[20230]", "sendto", "ENOTSOCK", 84,
		     7.22, stale_use_chain, 4, "5a1e5a1e5a1e5a1e");
	fill_finding(&findings[2], 3, FK_STALE_CLOSE, SEV_ERROR, 13743, 8,
		     "/etc/hostname", "anon_inode:[eventfd]", "close", NULL,
		     105, 7.98, stale_close_chain, 5, "c105ec105ec105e0");
	findings[2].evidence = "thread 13741 read fd 8 afterwards and it "
			       "failed";
	for (int i = 3; i < 6; i++)
		fill_finding(&findings[i], i + 1, FK_LEAK, SEV_NOTE, 13743, 9,
			     HOSTILE, HOSTILE, HOSTILE, HOSTILE, 120 + i, 9.0,
			     hostile_chain, 2, "1eak1eak1eak1eak");
	findings[3].message = HOSTILE;

	memset(tasks, 0, sizeof tasks);
	tasks[0] = (struct task_info){ .tid = 13741, .pid = 13741,
		.name = "fdrace", .created = { .file = TRACE },
		.parent_tid = -1 };
	tasks[1] = (struct task_info){ .tid = 13742, .pid = 13741,
		.name = "reader", .created = { .file = TRACE, .line = 47 },
		.parent_tid = 13741, .is_thread = 1 };
	tasks[2] = (struct task_info){ .tid = 13743, .pid = 13741,
		.name = HOSTILE, .created = { .file = TRACE, .line = 61 },
		.parent_tid = 13741, .is_thread = 1 };

	memset(gens, 0, sizeof gens);
	gens[0] = (struct generation_info){ .pid = 13741, .handle = 8,
		.generation = 2, .object = "UDP:[20230]", .lifetime = LT_IN_IN,
		.open_tid = 13743, .close_tid = 13743,
		.opened = { .file = TRACE, .line = 74 }, .closed = { .file = TRACE, .line = 75 },
		.open_ts = MS(6.73), .close_ts = MS(6.84), .table = 1 };
	gens[1] = (struct generation_info){ .pid = 13741, .handle = 8,
		.generation = 3, .object = "/etc/hostname",
		.lifetime = LT_IN_IN, .open_tid = 13741, .close_tid = 13741,
		.opened = { .file = TRACE, .line = 78 }, .closed = { .file = TRACE, .line = 89 },
		.open_ts = MS(7.03), .close_ts = MS(7.6), .uses = 1,
		.table = 1 };
	gens[2] = (struct generation_info){ .pid = 13741, .handle = 9,
		.generation = 1, .object = HOSTILE, .lifetime = LT_OUT_OUT,
		.open_tid = -1, .close_tid = -1, .open_ts = TS_NONE,
		.close_ts = TS_NONE, .uses = 3, .table = 1 };
	gens[3] = (struct generation_info){ .pid = 13741, .handle = 3,
		.generation = 1, .object = "TCP:[20226]", .lifetime = LT_IN_IN,
		.open_tid = 13741, .close_tid = 13741,
		.opened = { .file = TRACE, .line = 31 }, .closed = { .file = TRACE, .line = 133 },
		.open_ts = MS(2.9), .close_ts = MS(39.1), .uses = 4,
		.table = 1 };

	memset(unexpl, 0, sizeof unexpl);
	unexpl[0] = (struct unexplained){ .pid = 13741, .tid = 13742,
		.handle = 251, .call = HOSTILE, .error = "EBADF",
		.reason = "fd never seen " HOSTILE, .time = "20:35:24.3",
		.raw = HOSTILE, .src = { .file = TRACE, .line = 130 } };

	memset(inputs, 0, sizeof inputs);
	inputs[0].path = "/tmp/<script>x</script>\"'\x01\xe2\x80\xae.txt";
	inputs[0].format = FMT_STRACE;
	snprintf(inputs[0].flags, sizeof inputs[0].flags, "-f -tt -T -yy");
	snprintf(inputs[0].limits, sizeof inputs[0].limits,
		 "-e trace= subset: closes may be missing\n%s", HOSTILE);
	inputs[0].lines = 134;
	inputs[0].events = 120;
	inputs[0].skipped = 25;
	inputs[0].nsamples = 2;
	inputs[0].samples[0].line = 7;
	snprintf(inputs[0].samples[0].reason,
		 sizeof inputs[0].samples[0].reason, "%s", HOSTILE);
	inputs[0].samples[1].line = 9;
	snprintf(inputs[0].samples[1].reason,
		 sizeof inputs[0].samples[1].reason, "unbalanced quotes");
	inputs[0].ts_first = BASE;
	inputs[0].ts_last = MS(39.3);

	stats = (struct timeline_stats){ .events = 120, .processes = 1,
		.threads = 3, .ts_first = BASE, .ts_last = MS(39.3),
		.handles_seen = 9, .generations = 14, .tables = 1, .benign = 2 };

	memset(c, 0, sizeof *c);
	c->name = "race " HOSTILE;
	c->inputs = inputs;
	c->ninputs = 1;
	memset(d, 0, sizeof *d);
	d->c = c;
	d->f = findings;
	d->nf = 6;
	d->u = unexpl;
	d->nu = 1;
	d->t = tasks;
	d->nt = 3;
	d->g = gens;
	d->ng = 4;
	d->st = &stats;
}

static int valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
			     (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (!len || i + len > n || (len == 2 && c < 0xc2))
			return 0;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0, l = strlen(needle);
	for (const char *p = hay; (p = strcasestr(p, needle)) != NULL; p += l)
		n++;
	return n;
}

/* walk the parsed tree */
struct walk {
	int scripts, styles, svgs, on_attrs, bad_urls, stories;
	int dup_ids;
	char ids[256][16];
	int nids;
	int hostile_text;   /* the hostile string survived as text */
};

static void walk(xmlNode *n, struct walk *w)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content &&
		    strstr((const char *)n->content,
			   "<script>alert(1)</script>"))
			w->hostile_text++;
		if (n->type != XML_ELEMENT_NODE) {
			continue;
		}
		const char *name = (const char *)n->name;
		if (strcasecmp(name, "script") == 0)
			w->scripts++;
		if (strcasecmp(name, "style") == 0)
			w->styles++;
		if (strcasecmp(name, "svg") == 0)
			w->svgs++;
		for (xmlAttr *a = n->properties; a; a = a->next) {
			const char *an = (const char *)a->name;
			xmlChar *v = xmlNodeGetContent((xmlNode *)a);
			if (strncasecmp(an, "on", 2) == 0)
				w->on_attrs++;
			if ((strcasecmp(an, "href") == 0 ||
			     strcasecmp(an, "src") == 0) && v &&
			    v[0] != '#' && strcmp((char *)v, "data:,") != 0)
				w->bad_urls++;
			if (strcasecmp(an, "class") == 0 && v &&
			    strcmp((char *)v, "story") == 0)
				w->stories++;
			if (strcasecmp(an, "id") == 0 && v) {
				for (int i = 0; i < w->nids; i++)
					if (strcmp(w->ids[i], (char *)v) == 0)
						w->dup_ids++;
				if (w->nids < 256)
					snprintf(w->ids[w->nids++], 16, "%s",
						 (char *)v);
			}
			xmlFree(v);
		}
		walk(n->children, w);
	}
}

static int has_id(const struct walk *w, const char *id)
{
	for (int i = 0; i < w->nids; i++)
		if (strcmp(w->ids[i], id) == 0)
			return 1;
	return 0;
}

static void test_escaping(void)
{
	struct strbuf sb;

	sb_init(&sb);
	hx_attr(&sb, "a<b>&\"'\x01\xff\xe2\x80\xae\xc2\x85z");
	CHECK_STR("attr escaping", sb.s,
		  "a&lt;b&gt;&amp;&quot;&#39;\\x01\\xff&lt;U+202E&gt;"
		  "&lt;U+0085&gt;z");
	sb_reset(&sb);
	hx_text(&sb, "\xe2\x81\xa6x");
	CHECK("text marks bidi isolate", strstr(sb.s, "&lt;U+2066&gt;") &&
	      strstr(sb.s, "<span class=\"x\""));
	sb_reset(&sb);
	hx_attr(&sb, "\xed\xa0\x80\xe0\x80\xaf\xf4\x90\x80\x80");
	CHECK_STR("surrogates, overlongs, >U+10FFFF are invalid", sb.s,
		  "\\xed\\xa0\\x80\\xe0\\x80\\xaf\\xf4\\x90\\x80\\x80");
	sb_reset(&sb);
	hx_attr(&sb, "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
	CHECK_STR("valid UTF-8 passes", sb.s,
		  "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
	sb_reset(&sb);
	hx_attr(&sb, "ab\xe4\xb8");
	CHECK_STR("truncated sequence at the end", sb.s, "ab\\xe4\\xb8");
	sb_free(&sb);
}

/* Paths and objects wrap after a separator and after a socket's "->"
 * (kept whole), at the latest every 20 characters, never inside an
 * entity or a mark, never before their first or after their last one. */
static void test_path_breaks(void)
{
	struct strbuf sb;

	sb_init(&sb);
	hx_path(&sb, "/tmp/ht-real/pool.log");
	CHECK_STR("path: after each /", sb.s, "/tmp/<wbr>ht-real/<wbr>pool.log");
	sb_reset(&sb);
	hx_path(&sb, "TCP:[127.0.0.1:39165->127.0.0.1:37650]");
	CHECK_STR("socket: after [ and ->, not inside ->", sb.s,
		  "TCP:[<wbr>127.0.0.1:39165<span class=\"nb\">-&gt;</span>"
		  "<wbr>127.0.0.1:37650]");
	sb_reset(&sb);
	hx_path(&sb, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ");
	CHECK_STR("a long token: every 20 characters", sb.s,
		  "abcdefghijklmnopqrst<wbr>uvwxyz0123456789ABCD<wbr>EFGHIJ");
	sb_reset(&sb);
	hx_path(&sb, "a</b>\x01/");
	CHECK_STR("escapes stay whole", sb.s,
		  "a&lt;/<wbr>b&gt;<span class=\"x\" title=\"control character "
		  "in the trace\">\\x01</span>/");
	sb_reset(&sb);
	hx_path(&sb, "x y-z,w");
	CHECK_STR("spaces and hyphens need none", sb.s, "x y-z,<wbr>w");
	sb_free(&sb);
}

static void test_csp_hash(void)
{
	char h[64];
	const char *fox = "The quick brown fox jumps over the lazy dog. "
			  "The quick brown fox jumps over the lazy dog. "
			  "The quick brown fox jumps over the lazy dog. ";
	char x55[56], x56[57];

	html_csp_hash(h, "abc");
	CHECK_STR("sha256 abc", h,
		  "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
	html_csp_hash(h, fox);
	CHECK_STR("sha256 3 blocks", h,
		  "'sha256-3JhUAaaPr/AwUceLvzK7L9J7ohaw26GbBQuTbVNLi6k='");
	memset(x55, 'x', 55);
	x55[55] = 0;
	memset(x56, 'x', 56);
	x56[56] = 0;
	html_csp_hash(h, x55);
	CHECK_STR("sha256 55 bytes", h,
		  "'sha256-1eKFaDzU78AtAhpcYgFGlJWJAQBdb3HongmJ+sd+QHI='");
	html_csp_hash(h, x56);
	CHECK_STR("sha256 56 bytes", h,
		  "'sha256-BMJiYTcO51QVSdFt7jIMcj4/0UZx5moJmv4KN3wWiI4='");
	CHECK("css cannot end its element", !strstr(html_css, "</"));
	CHECK("js cannot end its element", !strstr(html_js, "</") &&
	      !strstr(html_js, "<!--"));
}

static void test_page(void)
{
	struct html_data d;
	struct capture c;
	struct strbuf a, b;
	struct walk w;
	htmlDocPtr doc;

	build(&d, &c);
	sb_init(&a);
	sb_init(&b);
	html_render(&a, &d);
	html_render(&b, &d);
	CHECK("deterministic", a.len == b.len && memcmp(a.s, b.s, a.len) == 0);
	/* HT_HTML_UNIT_OUT=file keeps the page for a look in a browser */
	if (getenv("HT_HTML_UNIT_OUT")) {
		FILE *fp = fopen(getenv("HT_HTML_UNIT_OUT"), "w");
		if (fp) {
			fwrite(a.s, 1, a.len, fp);
			fclose(fp);
		}
	}
	CHECK("output is valid UTF-8",
	      valid_utf8((const unsigned char *)a.s, a.len));
	int ctl = 0, bidi = 0;
	for (size_t i = 0; i < a.len; i++) {
		unsigned char ch = (unsigned char)a.s[i];
		if ((ch < 0x20 && ch != '\n') || ch == 0x7f)
			ctl++;
		if (ch == 0xe2 && i + 2 < a.len &&
		    (((unsigned char)a.s[i + 1] == 0x80 &&
		      (unsigned char)a.s[i + 2] >= 0xaa &&
		      (unsigned char)a.s[i + 2] <= 0xae) ||
		     ((unsigned char)a.s[i + 1] == 0x81 &&
		      (unsigned char)a.s[i + 2] >= 0xa6 &&
		      (unsigned char)a.s[i + 2] <= 0xa9)))
			bidi++;
	}
	CHECK_INT("no control bytes in output", ctl, 0);
	CHECK_INT("no raw bidi controls in output", bidi, 0);
	CHECK_INT("one <script", count(a.s, "<script"), 1);
	CHECK_INT("one </script", count(a.s, "</script"), 1);
	CHECK_INT("one <style", count(a.s, "<style"), 1);
	CHECK_INT("one </style", count(a.s, "</style"), 1);
	CHECK("no onmouseover attribute", !strstr(a.s, "\" onmouseover"));
	CHECK("no external URL", !strstr(a.s, "src=\"http") &&
	      !strstr(a.s, "href=\"http") && !strstr(a.s, "url("));
	CHECK("CSP present", strstr(a.s, "Content-Security-Policy") &&
	      strstr(a.s, "default-src 'none'"));
	CHECK("no run timestamp", !strstr(a.s, "Generated on"));

	doc = htmlReadMemory(a.s, (int)a.len, "x.html", "UTF-8",
			     HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
			     HTML_PARSE_NONET);
	CHECK("parses back", doc != NULL);
	memset(&w, 0, sizeof w);
	if (doc)
		walk(xmlDocGetRootElement(doc), &w);
	CHECK_INT("parsed: one script element", w.scripts, 1);
	CHECK_INT("parsed: one style element", w.styles, 1);
	CHECK_INT("parsed: no on* attributes", w.on_attrs, 0);
	CHECK_INT("parsed: no links leaving the page", w.bad_urls, 0);
	CHECK_INT("parsed: ids unique", w.dup_ids, 0);
	CHECK("parsed: hostile string kept as text", w.hostile_text > 0);
	for (int i = 1; i <= 6; i++) {
		char id[8];
		snprintf(id, sizeof id, "F%d", i);
		CHECK(id, has_id(&w, id));
	}
	CHECK("generation anchor", has_id(&w, "H1-8-3"));
	/* groups: 3 leaks share a fingerprint; 4 groups, 4 stories+svgs */
	CHECK_INT("one story per group", w.stories, 4);
	CHECK_INT("one svg per story", w.svgs, 4);
	CHECK("group count shown", strstr(a.s, "Seen 3 times the same way"));
	CHECK("history newest first",
	      strstr(a.s, "number reused by ") && strstr(a.s, "closed by ") &&
	      strstr(a.s, "originally opened by ") &&
	      strstr(a.s, "number reused by ") < strstr(a.s, "originally "
							"opened by "));
	CHECK("culprit and victim marked",
	      strstr(a.s, "tag culprit") && strstr(a.s, "tag victim"));
	CHECK("thread origin", strstr(a.s, "created by "));
	CHECK("skipped samples listed", strstr(a.s, "unbalanced quotes") &&
	      strstr(a.s, "23 more skipped lines"));
	CHECK("limits listed", strstr(a.s, "closes may be missing"));
	CHECK("lifetime class", strstr(a.s, ">AIFI<") && strstr(a.s, ">AOFO<"));
	CHECK("fingerprint shown", strstr(a.s, "[5a1e5a1e5a1e5a1e]"));
	CHECK("cpu shown", strstr(a.s, "CPU 1"));
	CHECK("stack shown", strstr(a.s, "fdrace(worker+0x40)"));
	if (doc)
		xmlFreeDoc(doc);
	sb_free(&a);
	sb_free(&b);
}

static void test_caps(void)
{
	struct html_data d;
	struct capture c;
	struct strbuf sb;
	int n = 3000;
	struct finding *many = calloc((size_t)n, sizeof *many);
	struct chain_step *chain = calloc(40, sizeof *chain);
	char *longraw = malloc(5001);

	memset(longraw, 'a', 5000);
	longraw[5000] = 0;
	for (int i = 0; i < 40; i++)
		chain[i] = step(i == 0 ? "opened" : i == 39 ? "offending" :
				"used", 13741 + i % 3, "write", "/x", "1",
				i * 0.01, 10 + i, 1, longraw);
	build(&d, &c);
	for (int i = 0; i < n; i++) {
		char fp[17];
		if (i >= 500)
			snprintf(fp, sizeof fp, "%016x", i);
		else
			snprintf(fp, sizeof fp, "ffffffffffffffff");
		fill_finding(&many[i], i + 1, FK_STALE_USE, SEV_ERROR, 13741,
			     i, "/x", "/y", "write", "EBADF", 10 + i, 1.0,
			     chain, 40, fp);
	}
	d.f = many;
	d.nf = n;
	sb_init(&sb);
	html_render(&sb, &d);
	CHECK("group cap said", strstr(sb.s, "The first 100 root-cause cards "
		"are told as a story below; 900 more show their headline and "
		"offending call only, and 1501 more are not drawn"));
	CHECK("every finding listed", strstr(sb.s, "data-id=\"3000\"") &&
	      strstr(sb.s, "The table lists every finding"));
	CHECK("a finding not drawn is not linked",
	      strstr(sb.s, "<td data-v=\"3000\">F3000</td>"));
	CHECK("story cap said", strstr(sb.s, "Full story omitted"));
	CHECK("chain cap said", strstr(sb.s, "earlier steps not shown"));
	CHECK("raw cap said", strstr(sb.s, "more bytes of this line not "
				     "shown"));
	CHECK("big group anchors", strstr(sb.s, "id=\"F2\"") &&
	      strstr(sb.s, "id=\"F500\"") && strstr(sb.s, "Seen 500 times the same way"));
	CHECK("size stays bounded", sb.len < 40u * 1024 * 1024);
	printf("# caps: %d findings -> %zu bytes\n", n, sb.len);
	sb_free(&sb);
	free(many);
	free(chain);
	free(longraw);
}

static void test_empty(void)
{
	struct html_data d;
	struct capture c;
	struct strbuf sb;

	memset(&c, 0, sizeof c);
	c.name = "empty";
	memset(&d, 0, sizeof d);
	d.c = &c;
	sb_init(&sb);
	html_render(&sb, &d);
	CHECK("empty capture renders", strstr(sb.s, "No errors or warnings") &&
	      strstr(sb.s, "</html>"));
	sb_free(&sb);
}

int main(void)
{
	test_escaping();
	test_path_breaks();
	test_csp_hash();
	test_page();
	test_caps();
	test_empty();
	return unit_failed;
}
