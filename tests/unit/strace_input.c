/* tests/unit/strace_input.c - the decompressing line reader (parser/
 * input.c): plain, gzip, xz, zstd and stdin; peek; line numbers; bounded
 * lines and bounded decompression; corrupt and truncated streams. */
#include <fcntl.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include "unit.h"
#include "strace_helpers.h"
#include "../../parser/internal.h"

static const char sample[] =
	"13741 20:35:24.247411 execve(\"./fdrace\", [\"./fdrace\", \"race\"],"
	" 0x7ffc813c8cf8 /* 41 vars */) = 0 <0.000217>\n"
	"13741 20:35:24.248492 close(3</etc/ld.so.cache>) = 0 <0.000034>\r\n"
	"\n"
	"13741 20:35:24.286748 +++ exited with 0 +++";

static size_t gzip_buf(const char *in, size_t n, unsigned char *out,
		       size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	size_t got = cap - z.avail_out;
	deflateEnd(&z);
	return got;
}

static size_t xz_buf(const char *in, size_t n, unsigned char *out,
		     size_t cap)
{
	size_t pos = 0;
	lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL,
				(const uint8_t *)in, n, out, &pos, cap);
	return pos;
}

/* reads every line; returns count, stores the last error */
static int read_lines(struct instream *in, char lines[][128], int max,
		      long *lnos, struct ht_error *err)
{
	const char *s;
	size_t n;
	int k = 0, r;
	while ((r = instream_getline(in, &s, &n, err)) == 1) {
		if (k < max) {
			snprintf(lines[k], 128, "%.*s", (int)(n < 127 ? n : 127),
				 s);
			lnos[k] = instream_lineno(in);
		}
		k++;
	}
	return r < 0 ? -1 - k : k;
}

static void check_lines(const char *what, const char *path,
			const char *comp)
{
	char name[160];
	struct input_stats st;
	memset(&st, 0, sizeof st);
	struct ht_error err;
	struct instream *in = instream_open(path, &st, &err);
	snprintf(name, sizeof name, "input %s: opens", what);
	CHECK(name, in != NULL);
	if (!in)
		return;
	char lines[8][128];
	long lnos[8];
	int k = read_lines(in, lines, 8, lnos, &err);
	snprintf(name, sizeof name, "input %s: 4 lines", what);
	CHECK_INT(name, k, 4);
	snprintf(name, sizeof name, "input %s: first line", what);
	CHECK(name, strncmp(lines[0], "13741 20:35:24.247411 execve(", 29)
	      == 0);
	snprintf(name, sizeof name, "input %s: trailing CR kept", what);
	CHECK(name, lines[1][strlen(lines[1]) - 1] == '\r');
	snprintf(name, sizeof name, "input %s: empty line 3", what);
	CHECK_STR(name, lines[2], "");
	snprintf(name, sizeof name, "input %s: last line without newline",
		 what);
	CHECK_STR(name, lines[3], "13741 20:35:24.286748 +++ exited with "
		  "0 +++");
	snprintf(name, sizeof name, "input %s: line numbers", what);
	CHECK(name, lnos[0] == 1 && lnos[1] == 2 && lnos[3] == 4);
	snprintf(name, sizeof name, "input %s: bytes = uncompressed size",
		 what);
	CHECK_INT(name, st.bytes, (long long)strlen(sample));
	snprintf(name, sizeof name, "input %s: compression name", what);
	CHECK_STR(name, st.compression, comp);
	snprintf(name, sizeof name, "input %s: path kept", what);
	CHECK_STR(name, st.path, path);
	instream_close(in);
	free(st.path);
}

static void test_formats(void)
{
	static unsigned char buf[1 << 16];
	const char *p = write_tmp(sample, strlen(sample), ".txt");
	check_lines("plain", p, "");
	unlink(p);
	size_t n = gzip_buf(sample, strlen(sample), buf, sizeof buf);
	p = write_tmp((char *)buf, n, ".log");   /* no .gz: magic decides */
	check_lines("gzip", p, "gzip");
	unlink(p);
	n = xz_buf(sample, strlen(sample), buf, sizeof buf);
	p = write_tmp((char *)buf, n, ".txt");
	check_lines("xz", p, "xz");
	unlink(p);
	n = ZSTD_compress(buf, sizeof buf, sample, strlen(sample), 3);
	p = write_tmp((char *)buf, n, ".txt");
	check_lines("zstd", p, "zstd");
	unlink(p);
}

/* two gzip members and two zstd frames back to back (cat a.gz b.gz) */
static void test_members(void)
{
	static unsigned char buf[1 << 16];
	const char *a = "1 close(3) = 0\n", *b = "1 close(4) = 0\n";
	size_t n1 = gzip_buf(a, strlen(a), buf, sizeof buf);
	size_t n2 = gzip_buf(b, strlen(b), buf + n1, sizeof buf - n1);
	memset(buf + n1 + n2, 0, 512);   /* tar-style zero padding */
	const char *p = write_tmp((char *)buf, n1 + n2 + 512, ".gz");
	struct input_stats st;
	memset(&st, 0, sizeof st);
	struct ht_error err;
	struct instream *in = instream_open(p, &st, &err);
	char lines[4][128];
	long lnos[4];
	CHECK_INT("input gzip: both members read", read_lines(in, lines, 4,
		  lnos, &err), 2);
	CHECK_STR("input gzip: second member's line", lines[1],
		  "1 close(4) = 0");
	instream_close(in);
	free(st.path);
	unlink(p);

	n1 = ZSTD_compress(buf, sizeof buf, a, strlen(a), 1);
	n2 = ZSTD_compress(buf + n1, sizeof buf - n1, b, strlen(b), 1);
	p = write_tmp((char *)buf, n1 + n2, ".zst");
	memset(&st, 0, sizeof st);
	in = instream_open(p, &st, &err);
	CHECK_INT("input zstd: both frames read", read_lines(in, lines, 4,
		  lnos, &err), 2);
	instream_close(in);
	free(st.path);
	unlink(p);
}

static void test_peek_and_read(void)
{
	const char *p = write_tmp(sample, strlen(sample), ".txt");
	struct input_stats st;
	memset(&st, 0, sizeof st);
	struct ht_error err;
	struct instream *in = instream_open(p, &st, &err);
	const char *head;
	size_t n = instream_peek(in, &head, 5);
	CHECK_INT("input peek: 5 bytes", n, 5);
	CHECK("input peek: bytes", memcmp(head, "13741", 5) == 0);
	n = instream_peek(in, &head, 1 << 20);
	CHECK_INT("input peek: whole small file", n, strlen(sample));
	const char *s;
	size_t len;
	CHECK_INT("input peek: consumes nothing",
		  instream_getline(in, &s, &len, &err), 1);
	CHECK("input peek: first line still first",
	      len > 5 && memcmp(s, "13741 20:35:24.247411", 21) == 0);
	char buf[16];
	long r = instream_read(in, buf, 5, &err);
	CHECK("input read: raw bytes after the line", r == 5 &&
	      memcmp(buf, "13741", 5) == 0);
	instream_close(in);
	free(st.path);
	unlink(p);
}

static void test_stdin(void)
{
	static unsigned char buf[1 << 16];
	size_t n = gzip_buf(sample, strlen(sample), buf, sizeof buf);
	const char *p = write_tmp((char *)buf, n, ".gz");
	int saved = dup(0);
	int fd = open(p, O_RDONLY);
	dup2(fd, 0);
	close(fd);
	struct input_stats st;
	memset(&st, 0, sizeof st);
	struct ht_error err;
	struct instream *in = instream_open("-", &st, &err);
	CHECK("input stdin: opens", in != NULL);
	CHECK_STR("input stdin: shown as <stdin>", instream_path(in),
		  "<stdin>");
	CHECK_STR("input stdin: st->path <stdin>", st.path, "<stdin>");
	CHECK_STR("input stdin: gzip on stdin", st.compression, "gzip");
	char lines[8][128];
	long lnos[8];
	CHECK_INT("input stdin: lines", read_lines(in, lines, 8, lnos,
						   &err), 4);
	instream_close(in);
	free(st.path);
	dup2(saved, 0);
	close(saved);
	CHECK("input stdin: fd 0 left open", fcntl(0, F_GETFD) >= 0);
	unlink(p);
}

static void test_errors(void)
{
	struct input_stats st;
	memset(&st, 0, sizeof st);
	struct ht_error err;
	memset(&err, 0, sizeof err);
	struct instream *in = instream_open("/nonexistent/trace.txt", &st,
					    &err);
	CHECK("input missing file: NULL", in == NULL);
	CHECK("input missing file: message", strstr(err.msg, "cannot open")
	      != NULL);
	CHECK_STR("input missing file: names the file", err.file,
		  "/nonexistent/trace.txt");
	free(st.path);
	memset(&st, 0, sizeof st);
	in = instream_open("/tmp", &st, &err);
	CHECK("input directory: NULL", in == NULL);
	CHECK("input directory: message", strstr(err.msg, "directory") !=
	      NULL);
	free(st.path);

	const char *p = write_tmp("", 0, ".txt");
	memset(&st, 0, sizeof st);
	in = instream_open(p, &st, &err);
	const char *s;
	size_t n;
	CHECK_INT("input empty file: EOF", instream_getline(in, &s, &n, &err),
		  0);
	instream_close(in);
	free(st.path);
	unlink(p);
}

/* many lines, so that corruption is met after some of them */
static char *many_lines(int count, size_t *len)
{
	struct strbuf sb;
	sb_init(&sb);
	for (int i = 0; i < count; i++)
		sb_printf(&sb, "%d 20:35:24.%06d read(3</tmp/f%d>, \"%08x\", "
			  "8) = 8\n", 1000 + i % 7, i % 1000000, i,
			  (unsigned)i * 2654435761u);
	*len = sb.len;
	return sb_detach(&sb);
}

static void test_corrupt(void)
{
	size_t len;
	char *text = many_lines(200000, &len);
	size_t cap = len + 4096;
	unsigned char *buf = malloc(cap);
	size_t n = gzip_buf(text, len, buf, cap);
	for (size_t i = n / 2; i < n / 2 + 64; i++)
		buf[i] ^= 0x5a;
	const char *p = write_tmp((char *)buf, n, ".gz");
	struct input_stats st;
	memset(&st, 0, sizeof st);
	struct ht_error err;
	memset(&err, 0, sizeof err);
	struct instream *in = instream_open(p, &st, &err);
	char lines[1][128];
	long lnos[1];
	int k = read_lines(in, lines, 1, lnos, &err);
	CHECK("input corrupt gzip: error", k < 0);
	CHECK("input corrupt gzip: some lines before it", -1 - k > 1000);
	CHECK("input corrupt gzip: says corrupt", strstr(err.msg, "corrupt"
							 " gzip") != NULL);
	CHECK_STR("input corrupt gzip: names the file", err.file, p);
	CHECK_INT("input corrupt gzip: names the line reached", err.line,
		  -1 - k + 1);
	const char *s;
	size_t ln;
	CHECK_INT("input corrupt gzip: error stays",
		  instream_getline(in, &s, &ln, &err), -1);
	instream_close(in);
	free(st.path);
	unlink(p);

	/* truncated xz */
	n = xz_buf(text, len, buf, cap);
	p = write_tmp((char *)buf, n - n / 3, ".xz");
	memset(&st, 0, sizeof st);
	in = instream_open(p, &st, &err);
	k = read_lines(in, lines, 1, lnos, &err);
	CHECK("input truncated xz: error", k < 0);
	CHECK("input truncated xz: says truncated",
	      strstr(err.msg, "truncated") != NULL);
	instream_close(in);
	free(st.path);
	unlink(p);

	/* truncated zstd */
	n = ZSTD_compress(buf, cap, text, len, 3);
	p = write_tmp((char *)buf, n - n / 3, ".zst");
	memset(&st, 0, sizeof st);
	in = instream_open(p, &st, &err);
	k = read_lines(in, lines, 1, lnos, &err);
	CHECK("input truncated zstd: error", k < 0);
	CHECK("input truncated zstd: says so", strstr(err.msg, "zstd") !=
	      NULL);
	instream_close(in);
	free(st.path);
	unlink(p);
	free(buf);
	free(text);
}

static void test_bomb(void)
{
	/* 64 MiB of one repeated line compresses ~10000:1 with zstd */
	size_t len = 64u << 20;
	char *text = malloc(len);
	for (size_t i = 0; i < len; i++)
		text[i] = (i % 64 == 63) ? '\n' : 'a';
	size_t cap = ZSTD_compressBound(len);
	unsigned char *buf = malloc(cap);
	size_t n = ZSTD_compress(buf, cap, text, len, 3);
	free(text);
	const char *p = write_tmp((char *)buf, n, ".zst");
	free(buf);
	struct input_stats st;
	memset(&st, 0, sizeof st);
	struct ht_error err;
	struct instream *in = instream_open(p, &st, &err);
	instream_set_limits(in, 0, 0, 1000, 8 << 20);
	char lines[1][128];
	long lnos[1];
	int k = read_lines(in, lines, 1, lnos, &err);
	CHECK("input bomb ratio: error", k < 0);
	CHECK("input bomb ratio: says so", strstr(err.msg, "possible "
						  "decompression bomb") !=
	      NULL);
	CHECK("input bomb ratio: stopped early", st.bytes < (32 << 20));
	instream_close(in);
	free(st.path);

	memset(&st, 0, sizeof st);
	in = instream_open(p, &st, &err);
	instream_set_limits(in, 0, 4 << 20, 0, 0);
	k = read_lines(in, lines, 1, lnos, &err);
	CHECK("input bomb size cap: error", k < 0);
	CHECK("input bomb size cap: says size", strstr(err.msg,
		"decompressed size exceeds 4 MiB") != NULL);
	instream_close(in);
	free(st.path);
	unlink(p);
}

static void test_long_line(void)
{
	/* a 50 MB line between two ordinary ones: skipped, counted */
	size_t big = 50u * 1000 * 1000;
	char *text = malloc(big + 200);
	size_t k = (size_t)sprintf(text, "1 close(3) = 0\n");
	memset(text + k, 'x', big);
	k += big;
	k += (size_t)sprintf(text + k, "\n1 close(4) = 0\n");
	const char *p = write_tmp(text, k, ".txt");
	free(text);
	struct input_stats st;
	memset(&st, 0, sizeof st);
	struct ht_error err;
	struct instream *in = instream_open(p, &st, &err);
	char lines[4][128];
	long lnos[4];
	int got = read_lines(in, lines, 4, lnos, &err);
	CHECK_INT("input 50 MB line: two lines delivered", got, 2);
	CHECK_STR("input 50 MB line: the one after it", lines[1],
		  "1 close(4) = 0");
	CHECK_INT("input 50 MB line: numbered 3", lnos[1], 3);
	CHECK_INT("input 50 MB line: counted as skipped", st.skipped, 1);
	CHECK_INT("input 50 MB line: sample names line 2",
		  st.samples[0].line, 2);
	CHECK("input 50 MB line: reason", strstr(st.samples[0].reason,
		"50000000 bytes") && strstr(st.samples[0].reason, "16 MiB"));
	instream_close(in);
	free(st.path);
	unlink(p);
}

int main(void)
{
	test_formats();
	test_members();
	test_peek_and_read();
	test_stdin();
	test_errors();
	test_corrupt();
	test_bomb();
	test_long_line();
	return unit_failed;
}
