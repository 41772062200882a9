/* tests/unit/strace_input_esc.c - instream_getline_esc tells lines with
 * an ESC byte (--color=always captures) by searching each buffered block
 * once: for every line, across buffer refills, long lines, a last line
 * without newline and compressed input, its answer is memchr's. */
#include <stdlib.h>
#include <zlib.h>
#include "unit.h"
#include "strace_helpers.h"
#include "../../parser/internal.h"

/* about 3 MB of lines (several buffer fills), ESC bytes now and then,
 * some lines long; no newline at the end */
static char *make_text(size_t *len)
{
	size_t cap = 4u << 20, n = 0;
	char *t = malloc(cap);
	unsigned seed = 7;
	while (n < 3u << 20) {
		seed = seed * 1103515245u + 12345u;
		size_t ll = (seed >> 16) % 200;
		if ((seed >> 8) % 97 == 0)
			ll += 70000;          /* a long line now and then */
		for (size_t i = 0; i < ll; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) % 1000;
			t[n++] = r == 0 ? '\033' : (char)('a' + r % 26);
		}
		t[n++] = '\n';
	}
	memcpy(t + n, "last \033[0m line", 15);
	n += 15;
	*len = n;
	return t;
}

static void check_file(const char *what, const char *path, long want)
{
	struct ht_error err;
	struct instream *in = instream_open(path, NULL, &err);
	char name[200];
	snprintf(name, sizeof name, "esc: %s opens", what);
	CHECK(name, in != NULL);
	if (!in)
		return;
	const char *s;
	size_t n;
	int esc, r;
	long lines = 0, wrong = 0, with = 0;
	while ((r = instream_getline_esc(in, &s, &n, &esc, &err)) == 1) {
		int truth = memchr(s, '\033', n) != NULL;
		if (esc != truth)
			wrong++;
		with += truth;
		lines++;
	}
	instream_close(in);
	snprintf(name, sizeof name, "esc: %s, %ld lines (%ld with ESC) all "
		 "told right", what, lines, with);
	CHECK(name, r == 0 && wrong == 0 && lines == want && with > 100);
}

int main(void)
{
	size_t n;
	char *t = make_text(&n);
	long want = 1;
	for (size_t i = 0; i < n; i++)
		want += t[i] == '\n';
	check_file("plain", write_tmp(t, n, ".txt"), want);
	unlink(tmp_path);

	uLongf zn = compressBound(n) + 64;
	unsigned char *z = malloc(zn);
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = (Bytef *)t;
	zs.avail_in = (uInt)n;
	zs.next_out = z;
	zs.avail_out = (uInt)zn;
	deflate(&zs, Z_FINISH);
	size_t got = zn - zs.avail_out;
	deflateEnd(&zs);
	check_file("gzip", write_tmp((const char *)z, got, ".gz"), want);
	unlink(tmp_path);
	free(z);
	free(t);
	return unit_failed;
}
