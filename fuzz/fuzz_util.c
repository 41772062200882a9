/* fuzz/fuzz_util.c - helpers shared by the libFuzzer targets: input files,
 * event draining with invariant checks, and report well-formedness checks
 * (a strict UTF-8 test, a small JSON validator, terminal and HTML rules). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz_util.h"

#define FZ_SLOTS 4

static int slot_fd[FZ_SLOTS] = { -1, -1, -1, -1 };
static char slot_path[FZ_SLOTS][64];

void fz_fail(const char *what, const char *detail, size_t n)
{
	fprintf(stderr, "fuzz check failed: %s\n", what);
	if (detail) {
		size_t show = n > 400 ? 400 : n;
		fprintf(stderr, "near: ");
		for (size_t i = 0; i < show; i++) {
			unsigned char c = (unsigned char)detail[i];
			if (c >= 0x20 && c < 0x7f)
				fputc(c, stderr);
			else
				fprintf(stderr, "\\x%02x", c);
		}
		fputc('\n', stderr);
	}
	abort();
}

static int open_slot(int slot)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	if (fd >= 0) {
		snprintf(slot_path[slot], sizeof slot_path[slot],
			 "/proc/self/fd/%d", fd);
		if (access(slot_path[slot], R_OK) == 0)
			return fd;
		close(fd);
	}
	const char *dir = getenv("TMPDIR");
	snprintf(slot_path[slot], sizeof slot_path[slot], "%s/fzXXXXXX",
		 dir && strlen(dir) < 40 ? dir : "/tmp");
	fd = mkstemp(slot_path[slot]);
	if (fd < 0) {
		perror("fuzz: cannot make an input file");
		abort();
	}
	return fd;
}

const char *fz_file(int slot, const uint8_t *data, size_t n)
{
	if (slot < 0 || slot >= FZ_SLOTS)
		abort();
	if (slot_fd[slot] < 0)
		slot_fd[slot] = open_slot(slot);
	int fd = slot_fd[slot];
	if (ftruncate(fd, 0) != 0)
		abort();
	size_t off = 0;
	while (off < n) {
		ssize_t w = pwrite(fd, data + off, n - off, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	return slot_path[slot];
}

/* Every string an event hands out must be readable up to its NUL. */
static volatile size_t sink;

static void touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

int fz_drain(struct parser *p, const struct input_stats *st)
{
	struct ht_event ev;
	struct ht_error err;
	int r;
	memset(&ev, 0, sizeof ev);
	while ((r = parser_next(p, &ev, &err)) == 1) {
		if (ev.nfx < 0 || ev.nfx > HT_MAX_FX)
			fz_fail("event nfx out of range", NULL, 0);
		touch(ev.call);
		char tb[40];
		touch(ev_time(&ev, tb, sizeof tb));
		touch(ev.errname);
		touch(ev_raw(&ev));
		touch(ev.thread_name);
		touch(ev.stack);
		touch(ev.src.file);
		for (int i = 0; i < ev.nfx; i++)
			touch(ev.fx[i].object);
		if (ev.src.line < 0 || ev.end_line < 0)
			fz_fail("negative source line", NULL, 0);
		if (ev.phase == PH_EXIT && ev.end_line > 0 &&
		    ev.end_line < ev.src.line)
			fz_fail("split call resumes before it starts", NULL,
				0);
	}
	if (r < 0) {
		touch(err.file);
		touch(err.msg);
		if (!err.msg[0])
			fz_fail("fatal parse error without a message", NULL,
				0);
	}
	if (st->nsamples < 0 || st->nsamples > HT_SKIP_SAMPLES ||
	    st->skipped < st->nsamples)
		fz_fail("skip samples and skip count disagree", NULL, 0);
	for (int i = 0; i < st->nsamples; i++)
		touch(st->samples[i].reason);
	return r;
}


static void check_utf8(const char *what, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t l = utf8_decode(u + i, n - i, &cp);
		if (l == 0)
			fz_fail(what, s + i, n - i);
		i += l;
	}
}

/* A JSON validator after RFC 8259, just strict enough to catch an
 * unescaped quote, a raw control byte or a broken number. */
struct jv_in {
	const char *s;
	size_t n, i;
	int depth;
};

static void jfail(struct jv_in *j, const char *why)
{
	fz_fail(why, j->s + j->i, j->n - j->i);
}

static void jws(struct jv_in *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\n' ||
			       j->s[j->i] == '\t' || j->s[j->i] == '\r'))
		j->i++;
}

static int jpeek(struct jv_in *j)
{
	return j->i < j->n ? (unsigned char)j->s[j->i] : -1;
}

static void jstring(struct jv_in *j)
{
	j->i++; /* " */
	for (;;) {
		int c = jpeek(j);
		if (c < 0)
			jfail(j, "JSON: unterminated string");
		if (c < 0x20)
			jfail(j, "JSON: raw control byte in a string");
		j->i++;
		if (c == '"')
			return;
		if (c != '\\')
			continue;
		c = jpeek(j);
		j->i++;
		if (c == 'u') {
			for (int k = 0; k < 4; k++) {
				int h = jpeek(j);
				if (!((h >= '0' && h <= '9') ||
				      (h >= 'a' && h <= 'f') ||
				      (h >= 'A' && h <= 'F')))
					jfail(j, "JSON: bad \\u escape");
				j->i++;
			}
		} else if (!c || !strchr("\"\\/bfnrt", c)) {
			jfail(j, "JSON: bad escape");
		}
	}
}

static void jdigits(struct jv_in *j)
{
	if (jpeek(j) < '0' || jpeek(j) > '9')
		jfail(j, "JSON: digit expected");
	while (jpeek(j) >= '0' && jpeek(j) <= '9')
		j->i++;
}

static void jnumber(struct jv_in *j)
{
	if (jpeek(j) == '-')
		j->i++;
	if (jpeek(j) == '0')
		j->i++;
	else
		jdigits(j);
	if (jpeek(j) == '.') {
		j->i++;
		jdigits(j);
	}
	if (jpeek(j) == 'e' || jpeek(j) == 'E') {
		j->i++;
		if (jpeek(j) == '+' || jpeek(j) == '-')
			j->i++;
		jdigits(j);
	}
}

static void jvalue(struct jv_in *j);

static void jcontainer(struct jv_in *j, int close, int is_obj)
{
	if (++j->depth > 256)
		jfail(j, "JSON: nested too deep");
	j->i++;
	jws(j);
	if (jpeek(j) == close) {
		j->i++;
		j->depth--;
		return;
	}
	for (;;) {
		jws(j);
		if (is_obj) {
			if (jpeek(j) != '"')
				jfail(j, "JSON: member name expected");
			jstring(j);
			jws(j);
			if (jpeek(j) != ':')
				jfail(j, "JSON: ':' expected");
			j->i++;
		}
		jvalue(j);
		jws(j);
		int c = jpeek(j);
		j->i++;
		if (c == close)
			break;
		if (c != ',')
			jfail(j, "JSON: ',' or end of container expected");
	}
	j->depth--;
}

static void jword(struct jv_in *j, const char *w)
{
	size_t l = strlen(w);
	if (j->n - j->i < l || memcmp(j->s + j->i, w, l) != 0)
		jfail(j, "JSON: value expected");
	j->i += l;
}

static void jvalue(struct jv_in *j)
{
	jws(j);
	int c = jpeek(j);
	if (c == '{')
		jcontainer(j, '}', 1);
	else if (c == '[')
		jcontainer(j, ']', 0);
	else if (c == '"')
		jstring(j);
	else if (c == 't')
		jword(j, "true");
	else if (c == 'f')
		jword(j, "false");
	else if (c == 'n')
		jword(j, "null");
	else
		jnumber(j);
}

static void check_json(const char *s, size_t n)
{
	check_utf8("JSON report is not valid UTF-8", s, n);
	struct jv_in j = { s, n, 0, 0 };
	jvalue(&j);
	jws(&j);
	if (j.i != n)
		jfail(&j, "JSON: text after the document");
}

/* Terminal text: no control byte but newline and tab, no DEL, no C1
 * control; with colour only our own SGR sequences ESC [ digits;... m. */
static void check_term(const char *s, size_t n, int color)
{
	check_utf8("text report is not valid UTF-8", s, n);
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned c = u[i];
		if (c == 0x1b && color && i + 1 < n && u[i + 1] == '[') {
			size_t k = i + 2;
			while (k < n && ((u[k] >= '0' && u[k] <= '9') ||
					 u[k] == ';'))
				k++;
			if (k < n && u[k] == 'm') {
				i = k;
				continue;
			}
		}
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			fz_fail("text report: control byte", s + i, n - i);
		if (c == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 &&
		    u[i + 1] <= 0x9f)
			fz_fail("text report: C1 control", s + i, n - i);
	}
}

static void check_html(const char *s, size_t n)
{
	check_utf8("HTML report is not valid UTF-8", s, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
			fz_fail("HTML report: control byte", s + i, n - i);
		if (c == '<' && n - i >= 7 &&
		    strncasecmp(s + i, "<x-fuzz", 7) == 0)
			fz_fail("HTML report: trace markup copied unescaped",
				s + i, n - i);
	}
}

void fz_check_reports(const struct capture *c)
{
	struct strbuf sb;
	sb_init(&sb);
	report_json(&sb, c);
	check_json(sb.s ? sb.s : "", sb.len);
	sb_reset(&sb);
	report_text(&sb, c, 0);
	check_term(sb.s ? sb.s : "", sb.len, 0);
	sb_reset(&sb);
	report_text(&sb, c, 1);
	check_term(sb.s ? sb.s : "", sb.len, 1);
	sb_reset(&sb);
	report_html(&sb, c);
	check_html(sb.s ? sb.s : "", sb.len);
	sb_reset(&sb);
	report_sarif(&sb, &c, 1);
	check_json(sb.s ? sb.s : "", sb.len);
	sb_reset(&sb);
	report_perfetto(&sb, c);
	check_json(sb.s ? sb.s : "", sb.len);
	sb_reset(&sb);
	(void)capture_status(c);
	sb_free(&sb);
}
