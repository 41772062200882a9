/* parser/input.c - the byte stream every backend reads: a plain file or
 * stdin, or gzip/xz/zstd data told by its magic bytes, cut into lines with
 * one reusable buffer and bounded decompression. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include "internal.h"

enum comp { COMP_NONE, COMP_GZIP, COMP_XZ, COMP_ZSTD };
static const char *const comp_names[] = { "", "gzip", "xz", "zstd" };

#define RAW_CHUNK   (256u * 1024)      /* compressed bytes read at once */
#define BUF_START   (256u * 1024)      /* initial line buffer */
#define XZ_MEMLIMIT (512ull << 20)     /* refuse xz streams needing more */

/* Bounds (instream_set_limits changes them): a line longer than
 * MAX_LINE is skipped and counted; decompressed data may not exceed
 * MAX_OUT, nor MAX_RATIO times its compressed size once past
 * RATIO_FLOOR (real strace text compresses well under 100:1). */
#define INSTREAM_MAX_LINE    ((size_t)16 << 20)
#define INSTREAM_MAX_OUT     (64LL << 30)
#define INSTREAM_MAX_RATIO   1000u
#define INSTREAM_RATIO_FLOOR (1LL << 30)

struct instream {
	char *path;              /* for messages: "<stdin>" for "-" */
	int fd;
	int own_fd;              /* not stdin: closed with the stream */
	enum comp comp;
	struct input_stats *st;

	/* decompressed bytes; buf[pos, end) is not consumed yet */
	char *buf;
	size_t cap, pos, end;
	size_t scanned;          /* buf[pos, scanned) has no '\n' */
	/* buf[esc_from, esc_at) has no ESC byte; buf[esc_at] is one, or
	 * esc_at is end (searched to the end).  Not valid (esc_ok 0) once
	 * fill() or instream_peek() may have moved or extended buf. */
	int esc_ok;
	size_t esc_from, esc_at;

	/* raw (compressed) bytes; raw[rpos, rlen) not fed yet */
	unsigned char *raw;
	size_t rlen, rpos;
	int raw_eof;
	int out_eof;             /* no more decompressed bytes */

	z_stream zs;
	lzma_stream xs;
	ZSTD_DStream *zds;
	int zinit;
	int member_done;         /* gzip/zstd: the last member/frame ended */

	long long raw_total, out_total;
	long long max_out;
	unsigned max_ratio;
	long long ratio_floor;
	size_t max_line;

	long lineno;
	int failed;              /* sticky: err_saved holds the error */
	struct ht_error err_saved;
};

static int fail(struct instream *in, struct ht_error *err, const char *fmt,
		...) HT_PRINTF(3, 4);

static int fail(struct instream *in, struct ht_error *err, const char *fmt,
		...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	in->failed = 1;
	ht_error_set(&in->err_saved, in->path, in->lineno + 1, "%s", msg);
	if (err)
		*err = in->err_saved;
	return -1;
}

/* Reads more raw bytes into in->raw (moving the unread tail to the front).
 * Returns bytes added, 0 at end of file, -1 on a read error. */
static long read_raw(struct instream *in, struct ht_error *err)
{
	if (in->raw_eof)
		return 0;
	if (in->rpos > 0) {
		memmove(in->raw, in->raw + in->rpos, in->rlen - in->rpos);
		in->rlen -= in->rpos;
		in->rpos = 0;
	}
	if (in->rlen == RAW_CHUNK)
		return 1;  /* still full: caller has enough to chew on */
	for (;;) {
		ssize_t r = read(in->fd, in->raw + in->rlen, RAW_CHUNK - in->rlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(in, err, "read error: %s", strerror(errno));
		if (r == 0) {
			in->raw_eof = 1;
			return 0;
		}
		in->rlen += (size_t)r;
		in->raw_total += r;
		return r;
	}
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* What is left after the last member: nothing, zero padding (tar, dd),
 * or another member.  1: another member follows, 0: done, -1: garbage. */
static int next_member(struct instream *in, struct ht_error *err,
		       const unsigned char *magic, size_t mlen)
{
	for (;;) {
		size_t have = in->rlen - in->rpos;
		if (have >= mlen)
			break;
		long r = read_raw(in, err);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
	}
	size_t have = in->rlen - in->rpos;
	if (have == 0)
		return 0;
	if (have >= mlen && memcmp(in->raw + in->rpos, magic, mlen) == 0)
		return 1;
	/* zero padding to the end of the file is harmless */
	for (;;) {
		if (!all_zero(in->raw + in->rpos, in->rlen - in->rpos))
			return fail(in, err, "%s data is followed by bytes "
				    "that are not %s data",
				    comp_names[in->comp], comp_names[in->comp]);
		in->rpos = in->rlen;
		long r = read_raw(in, err);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
	}
}

/* Decompresses into buf[end, cap).  Returns bytes produced, 0 at the end
 * of the data, -1 on error. */
static long inflate_some(struct instream *in, struct ht_error *err)
{
	static const unsigned char gz_magic[] = { 0x1f, 0x8b };
	static const unsigned char zst_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };
	size_t room = in->cap - in->end;
	for (;;) {
		if (in->rpos == in->rlen && !in->raw_eof) {
			if (read_raw(in, err) < 0)
				return -1;
		}
		size_t avail = in->rlen - in->rpos;
		size_t produced = 0;
		if (in->comp == COMP_GZIP) {
			if (in->member_done) {
				int m = next_member(in, err, gz_magic, 2);
				if (m <= 0)
					return m;
				inflateReset(&in->zs);
				in->member_done = 0;
				continue;
			}
			in->zs.next_in = in->raw + in->rpos;
			in->zs.avail_in = (uInt)avail;
			in->zs.next_out = (Bytef *)in->buf + in->end;
			in->zs.avail_out = (uInt)room;
			int r = inflate(&in->zs, Z_NO_FLUSH);
			in->rpos += avail - in->zs.avail_in;
			produced = room - in->zs.avail_out;
			if (r == Z_STREAM_END)
				in->member_done = 1;
			else if (r == Z_BUF_ERROR && in->raw_eof &&
				 in->rpos == in->rlen)
				return fail(in, err, "gzip data ends early "
					    "(truncated file)");
			else if (r != Z_OK && r != Z_BUF_ERROR) {
				fail(in, err, "corrupt gzip data: %s",
				     in->zs.msg ? in->zs.msg : "inflate failed");
				/* the bytes before the damage still count */
				return produced ? (long)produced : -1;
			}
		} else if (in->comp == COMP_XZ) {
			in->xs.next_in = in->raw + in->rpos;
			in->xs.avail_in = avail;
			in->xs.next_out = (uint8_t *)in->buf + in->end;
			in->xs.avail_out = room;
			lzma_ret r = lzma_code(&in->xs, in->raw_eof ?
					       LZMA_FINISH : LZMA_RUN);
			in->rpos += avail - in->xs.avail_in;
			produced = room - in->xs.avail_out;
			if (r == LZMA_STREAM_END) {
				if (!produced)
					return 0;
			} else if (r == LZMA_MEMLIMIT_ERROR) {
				return fail(in, err, "xz data needs more than "
					    "%llu MiB of memory to decompress",
					    XZ_MEMLIMIT >> 20);
			} else if (r == LZMA_BUF_ERROR) {
				return fail(in, err, "xz data ends early "
					    "(truncated file)");
			} else if (r != LZMA_OK) {
				fail(in, err, "corrupt xz data (%s)",
				     r == LZMA_DATA_ERROR ? "data error" :
				     r == LZMA_FORMAT_ERROR ? "format" :
				     r == LZMA_OPTIONS_ERROR ? "options" :
				     "decoder error");
				return produced ? (long)produced : -1;
			}
		} else {
			if (in->member_done) {
				int m = next_member(in, err, zst_magic, 4);
				if (m <= 0)
					return m;
				in->member_done = 0;
			}
			ZSTD_inBuffer ib = { in->raw + in->rpos, avail, 0 };
			ZSTD_outBuffer ob = { in->buf + in->end, room, 0 };
			size_t r = ZSTD_decompressStream(in->zds, &ob, &ib);
			in->rpos += ib.pos;
			produced = ob.pos;
			if (ZSTD_isError(r)) {
				fail(in, err, "corrupt zstd data: %s",
				     ZSTD_getErrorName(r));
				return produced ? (long)produced : -1;
			}
			if (r == 0)
				in->member_done = 1;
			else if (!produced && in->raw_eof &&
				 in->rpos == in->rlen)
				return fail(in, err, "zstd data ends early "
					    "(truncated file)");
		}
		if (produced)
			return (long)produced;
		if (in->comp == COMP_XZ && in->raw_eof && in->rpos == in->rlen
		    && !avail)
			return fail(in, err, "xz data ends early "
				    "(truncated file)");
	}
}

/* Appends decompressed bytes to buf, making room first.  Returns bytes
 * added, 0 at end of data, -1 on error. */
static long fill(struct instream *in, struct ht_error *err)
{
	if (in->failed) {
		/* decoding runs ahead of reading: name the first line that
		 * could not be read, not where the decoder was */
		if (in->err_saved.line > 0)
			in->err_saved.line = in->lineno + 1;
		if (err)
			*err = in->err_saved;
		return -1;
	}
	if (in->out_eof)
		return 0;
	in->esc_ok = 0;   /* buf may move */
	if (in->pos > 0 && (in->pos == in->end || in->cap - in->end <
			    in->cap / 4)) {
		memmove(in->buf, in->buf + in->pos, in->end - in->pos);
		in->end -= in->pos;
		in->scanned -= in->pos;
		in->pos = 0;
	}
	if (in->end == in->cap) {
		/* only when a line fills it: getline skips lines longer
		 * than max_line first, so cap stays below 2 * max_line */
		size_t ncap = in->cap * 2;
		in->buf = xrealloc(in->buf, ncap);
		in->cap = ncap;
	}
	long got;
	if (in->comp == COMP_NONE) {
		/* raw bytes read before the magic check come first */
		if (in->rpos < in->rlen) {
			size_t n = in->rlen - in->rpos;
			if (n > in->cap - in->end)
				n = in->cap - in->end;
			memcpy(in->buf + in->end, in->raw + in->rpos, n);
			in->rpos += n;
			got = (long)n;
		} else {
			ssize_t r;
			do
				r = read(in->fd, in->buf + in->end,
					 in->cap - in->end);
			while (r < 0 && errno == EINTR);
			if (r < 0)
				return fail(in, err, "read error: %s",
					    strerror(errno));
			in->raw_total += r;
			got = r;
		}
	} else {
		got = inflate_some(in, err);
		if (got < 0)
			return -1;
	}
	if (got == 0) {
		in->out_eof = 1;
		return 0;
	}
	in->end += (size_t)got;
	in->out_total += got;
	if (in->st)
		in->st->bytes = in->out_total;
	if (in->comp != COMP_NONE) {
		if (in->out_total > in->max_out)
			return fail(in, err, "decompressed size exceeds %lld "
				    "MiB (possible decompression bomb)",
				    in->max_out >> 20);
		if (in->max_ratio && in->out_total > in->ratio_floor &&
		    in->out_total / (in->raw_total ? in->raw_total : 1) >
		    (long long)in->max_ratio)
			return fail(in, err, "decompressed size exceeds %u "
				    "times the compressed size (possible "
				    "decompression bomb)", in->max_ratio);
	}
	return got;
}

struct instream *instream_open(const char *path, struct input_stats *st,
			       struct ht_error *err)
{
	int is_stdin = strcmp(path, "-") == 0;
	const char *shown = is_stdin ? "<stdin>" : path;
	if (st && !st->path)
		st->path = xstrdup(shown);
	int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ht_error_set(err, shown, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	struct stat sb;
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		ht_error_set(err, shown, 0, "cannot read: is a directory");
		if (!is_stdin)
			close(fd);
		return NULL;
	}
	struct instream *in = xcalloc(1, sizeof *in);
	in->path = xstrdup(shown);
	in->fd = fd;
	in->own_fd = !is_stdin;
	in->st = st;
	in->raw = xmalloc(RAW_CHUNK);
	in->cap = BUF_START;
	in->buf = xmalloc(in->cap);
	in->max_out = INSTREAM_MAX_OUT;
	in->max_ratio = INSTREAM_MAX_RATIO;
	in->ratio_floor = INSTREAM_RATIO_FLOOR;
	in->max_line = INSTREAM_MAX_LINE;
	/* the magic bytes decide; read until we have 6 or the file ends */
	while (in->rlen < 6 && !in->raw_eof)
		if (read_raw(in, err) < 0) {
			instream_close(in);
			return NULL;
		}
	const unsigned char *m = in->raw;
	if (in->rlen >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		in->comp = COMP_GZIP;
		if (inflateInit2(&in->zs, 15 + 16) != Z_OK) {
			ht_error_set(err, shown, 0, "cannot start gzip decoder");
			instream_close(in);
			return NULL;
		}
		in->zinit = 1;
	} else if (in->rlen >= 6 && memcmp(m, "\xfd" "7zXZ\0", 6) == 0) {
		in->comp = COMP_XZ;
		lzma_stream init = LZMA_STREAM_INIT;
		in->xs = init;
		if (lzma_stream_decoder(&in->xs, XZ_MEMLIMIT,
					LZMA_CONCATENATED) != LZMA_OK) {
			ht_error_set(err, shown, 0, "cannot start xz decoder");
			instream_close(in);
			return NULL;
		}
		in->zinit = 1;
	} else if (in->rlen >= 4 && memcmp(m, "\x28\xb5\x2f\xfd", 4) == 0) {
		in->comp = COMP_ZSTD;
		in->zds = ZSTD_createDStream();
		if (!in->zds || ZSTD_isError(ZSTD_initDStream(in->zds))) {
			ht_error_set(err, shown, 0,
				     "cannot start zstd decoder");
			instream_close(in);
			return NULL;
		}
		/* a hostile frame cannot make us allocate a huge window */
		ZSTD_DCtx_setParameter(in->zds, ZSTD_d_windowLogMax, 27);
		in->zinit = 1;
	}
	if (st)
		snprintf(st->compression, sizeof st->compression, "%s",
			 comp_names[in->comp]);
	return in;
}

void instream_set_limits(struct instream *in, size_t max_line,
			 long long max_out, unsigned max_ratio,
			 long long ratio_floor)
{
	if (max_line)
		in->max_line = max_line;
	if (max_out)
		in->max_out = max_out;
	in->max_ratio = max_ratio;
	in->ratio_floor = ratio_floor;
}

size_t instream_peek(struct instream *in, const char **p, size_t n)
{
	while (in->end - in->pos < n && !in->out_eof && !in->failed) {
		/* make sure the buffer can hold n bytes */
		while (in->cap < n + 1)
			in->cap *= 2, in->buf = xrealloc(in->buf, in->cap);
		in->esc_ok = 0;
		if (fill(in, NULL) <= 0)
			break;
	}
	*p = in->buf + in->pos;
	size_t have = in->end - in->pos;
	return have < n ? have : n;
}

long instream_read(struct instream *in, char *buf, size_t n,
		   struct ht_error *err)
{
	if (n == 0)
		return 0;
	if (in->pos == in->end) {
		long r = fill(in, err);
		if (r <= 0)
			return r;
	}
	size_t have = in->end - in->pos;
	if (have > n)
		have = n;
	memcpy(buf, in->buf + in->pos, have);
	in->pos += have;
	if (in->scanned < in->pos)
		in->scanned = in->pos;
	return (long)have;
}

/* Throws away the rest of a line too long to hold, counting its bytes. */
static int skip_long_line(struct instream *in, struct ht_error *err)
{
	long long len = 0;
	long line = in->lineno + 1;
	for (;;) {
		char *nl = memchr(in->buf + in->pos, '\n', in->end - in->pos);
		if (nl) {
			len += nl - (in->buf + in->pos);
			in->pos = (size_t)(nl + 1 - in->buf);
			break;
		}
		len += (long long)(in->end - in->pos);
		in->pos = in->end;
		long r = fill(in, err);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
	}
	in->scanned = in->pos;
	in->lineno = line;
	if (in->st)
		input_stats_skip(in->st, line, "line of %lld bytes is longer "
				 "than the %zu MiB limit: skipped", len,
				 in->max_line >> 20);
	return 0;
}

/* whether buf[lo, hi) holds an ESC byte; searches on to the end of the
 * buffered bytes, so that the lines after it need no search of their own */
static inline int esc_in(struct instream *in, size_t lo, size_t hi)
{
	if (!in->esc_ok || lo < in->esc_from || lo > in->esc_at) {
		const char *e = memchr(in->buf + lo, '\033', in->end - lo);
		in->esc_ok = 1;
		in->esc_from = lo;
		in->esc_at = e ? (size_t)(e - in->buf) : in->end;
	}
	return in->esc_at < hi;
}

int instream_getline(struct instream *in, const char **s, size_t *n,
		     struct ht_error *err)
{
	int esc;
	return instream_getline_esc(in, s, n, &esc, err);
}

int instream_getline_esc(struct instream *in, const char **s, size_t *n,
			 int *esc, struct ht_error *err)
{
	for (;;) {
		if (in->scanned < in->pos)
			in->scanned = in->pos;
		char *nl = memchr(in->buf + in->scanned, '\n',
				  in->end - in->scanned);
		if (nl && (size_t)(nl - (in->buf + in->pos)) > in->max_line) {
			/* it came in one read: still too long to hand out */
			in->scanned = in->pos;
			if (skip_long_line(in, err) < 0)
				return -1;
			continue;
		}
		if (nl) {
			*s = in->buf + in->pos;
			*n = (size_t)(nl - (in->buf + in->pos));
			*esc = esc_in(in, in->pos, (size_t)(nl - in->buf));
			in->pos = (size_t)(nl + 1 - in->buf);
			in->scanned = in->pos;
			in->lineno++;
			return 1;
		}
		in->scanned = in->end;
		if (in->end - in->pos > in->max_line) {
			if (skip_long_line(in, err) < 0)
				return -1;
			continue;
		}
		long r = fill(in, err);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (in->end == in->pos)
				return 0;
			/* the last line has no newline */
			*s = in->buf + in->pos;
			*n = in->end - in->pos;
			*esc = esc_in(in, in->pos, in->end);
			in->pos = in->scanned = in->end;
			in->lineno++;
			return 1;
		}
	}
}

long instream_lineno(const struct instream *in)
{
	return in->lineno;
}

const char *instream_path(const struct instream *in)
{
	return in->path;
}

void instream_close(struct instream *in)
{
	if (!in)
		return;
	if (in->zinit) {
		if (in->comp == COMP_GZIP)
			inflateEnd(&in->zs);
		else if (in->comp == COMP_XZ)
			lzma_end(&in->xs);
		else if (in->comp == COMP_ZSTD)
			ZSTD_freeDStream(in->zds);
	}
	if (in->own_fd)
		close(in->fd);
	free(in->raw);
	free(in->buf);
	free(in->path);
	free(in);
}
