/* parser/etl_read.c - walks the buffers of a binary .etl file and hands
 * out its records in time order.
 *
 * Why a k-way merge: each CPU writes its own buffers and a buffer reaches
 * the file when it fills, so file order runs ahead on one CPU and behind
 * on another by whole buffers (166,109 events in one real file).  Within
 * one CPU's buffers time never goes back.  So a first pass reads only the
 * 0x48-byte buffer headers and lists each CPU's buffers; the second holds
 * one (decompressed) buffer per CPU and always takes the record with the
 * smallest (time, CPU, offset).  Memory: CPUs x buffer size plus a few
 * bytes per buffer for the list, whatever the length of the file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "etl.h"

#define FILETIME_UNIX_EPOCH 116444736000000000LL
#define MAX_CPUS 4096
/* how far to look for the next buffer after a header that lies */
#define RESYNC_WINDOW (4u << 20)

const char *etl_htype_name(int t)
{
	static const char *const names[] = {
		[ETL_SYSTEM32] = "SYSTEM32", [ETL_SYSTEM64] = "SYSTEM64",
		[ETL_COMPACT32] = "COMPACT32", [ETL_COMPACT64] = "COMPACT64",
		[ETL_FULL32] = "FULL_HEADER32",
		[ETL_INSTANCE32] = "INSTANCE32", [ETL_TIMED] = "TIMED",
		[ETL_ERROR] = "ERROR", [ETL_WNODE] = "WNODE",
		[ETL_MESSAGE] = "MESSAGE", [ETL_PERFINFO32] = "PERFINFO32",
		[ETL_PERFINFO64] = "PERFINFO64",
		[ETL_EVENT32] = "EVENT_HEADER32",
		[ETL_EVENT64] = "EVENT_HEADER64",
		[ETL_FULL64] = "FULL_HEADER64",
		[ETL_INSTANCE64] = "INSTANCE64",
	};
	if (t > 0 && (size_t)t < sizeof names / sizeof names[0] && names[t])
		return names[t];
	return "unknown";
}

/* bytes of the fixed header before the payload, 0 for types not read */
static unsigned header_size(int t)
{
	switch (t) {
	case ETL_SYSTEM32: case ETL_SYSTEM64: return 0x20;
	case ETL_COMPACT32: case ETL_COMPACT64: return 0x18;
	case ETL_PERFINFO32: case ETL_PERFINFO64: return 0x10;
	case ETL_EVENT32: case ETL_EVENT64: return 0x50;
	case ETL_FULL32: case ETL_FULL64: return 0x30;
	case ETL_INSTANCE32: case ETL_INSTANCE64: return 0x38;
	default: return 0;
	}
}

static int size_at_4(int t)
{
	return t == ETL_SYSTEM32 || t == ETL_SYSTEM64 || t == ETL_COMPACT32 ||
	       t == ETL_COMPACT64 || t == ETL_PERFINFO32 ||
	       t == ETL_PERFINFO64;
}

static int is_64(int t)
{
	return t == ETL_SYSTEM64 || t == ETL_COMPACT64 || t == ETL_FULL64 ||
	       t == ETL_PERFINFO64 || t == ETL_EVENT64 || t == ETL_INSTANCE64;
}

/* digits, right-aligned in width w (zero-padded), two at a time from
 * the last: every record's time is written with them */
static char *put_digits(char *p, uint64_t v, int w)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324"
		"25262728293031323334353637383940414243444546474849"
		"50515253545556575859606162636465666768697071727374"
		"75767778798081828384858687888990919293949596979899";
	int i = w;
	for (; i >= 2; i -= 2, v /= 100)
		memcpy(p + i - 2, pairs + v % 100 * 2, 2);
	if (i)
		p[0] = (char)('0' + v % 10);
	return p + w;
}

size_t etl_format_time(int64_t ft, char *buf, size_t n)
{
	/* callers keep ft in 1970-2255 (clamp_ft); the second's text is
	 * cached: records come many to a second and this runs for each */
	static int64_t cached_sec = INT64_MIN;
	static char sec_text[20];
	if (n < 29) {
		if (n)
			buf[0] = '\0';
		return 0;
	}
	int64_t t = ft - FILETIME_UNIX_EPOCH;
	if (t < 0)
		t = 0;
	int64_t secs = t / 10000000, frac = t % 10000000;
	if (secs != cached_sec) {
		int64_t days = secs / 86400, sod = secs % 86400;
		/* civil from days (Howard Hinnant's algorithm) */
		int64_t z = days + 719468;
		int64_t era = z / 146097;
		int64_t doe = z - era * 146097;
		int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) /
			      365;
		int64_t y = yoe + era * 400;
		int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		int64_t mp = (5 * doy + 2) / 153;
		int64_t d = doy - (153 * mp + 2) / 5 + 1;
		int64_t m = mp < 10 ? mp + 3 : mp - 9;
		y += m <= 2;
		char *q = put_digits(sec_text, (uint64_t)y, 4);
		*q++ = '-';
		q = put_digits(q, (uint64_t)m, 2);
		*q++ = '-';
		q = put_digits(q, (uint64_t)d, 2);
		*q++ = 'T';
		q = put_digits(q, (uint64_t)(sod / 3600), 2);
		*q++ = ':';
		q = put_digits(q, (uint64_t)(sod / 60 % 60), 2);
		*q++ = ':';
		q = put_digits(q, (uint64_t)(sod % 60), 2);
		*q = '\0';
		cached_sec = secs;
	}
	char *p = buf;
	memcpy(p, sec_text, 19);
	p[19] = '.';
	put_digits(p + 20, (uint64_t)frac, 7);
	p[27] = 'Z';
	p[28] = '\0';
	return 28;
}

size_t etl_format_ts(int64_t ns, char *buf, size_t n)
{
	return etl_format_time(ns / 100 + FILETIME_UNIX_EPOCH, buf, n);
}

static const char hexd[] = "0123456789abcdef";

void etl_format_guid(const unsigned char *g, char *buf, size_t n)
{
	/* {data1-data2-data3-data4[0..1]-data4[2..7]}, the first three
	 * little-endian; -1 is a dash */
	static const signed char order[] = { 3, 2, 1, 0, -1, 5, 4, -1, 7, 6,
					     -1, 8, 9, -1, 10, 11, 12, 13, 14,
					     15 };
	/* the last one's text is kept: a provider's records come in runs */
	static unsigned char last[16];
	static char last_text[39];
	if (n < 39) {
		if (n)
			buf[0] = '\0';
		return;
	}
	if (last_text[0] && !memcmp(g, last, 16)) {
		memcpy(buf, last_text, 39);
		return;
	}
	char *p = buf;
	*p++ = '{';
	for (size_t i = 0; i < sizeof order; i++) {
		if (order[i] < 0) {
			*p++ = '-';
			continue;
		}
		*p++ = hexd[g[order[i]] >> 4];
		*p++ = hexd[g[order[i]] & 15];
	}
	*p++ = '}';
	*p = '\0';
	memcpy(last, g, 16);
	memcpy(last_text, buf, 39);
}

/* ---- the reader ----------------------------------------------------------- */

struct bufent {
	long long off;
	uint32_t size;
};

struct cpu_stream {
	int cpu;
	struct bufent *bufs;
	size_t nbufs, capbufs, next;
	unsigned char *data;     /* the current buffer, decompressed */
	size_t cap, end, pos;
	long long off;           /* file offset of the current buffer */
	int compressed;
	struct etl_record cur;   /* the next record of this CPU */
	int have;
};

struct etl_reader {
	FILE *f;
	char *path;
	long long fsize;
	struct input_stats *st;
	struct etl_logfile lf;
	struct cpu_stream *cpus;
	size_t ncpus;
	struct cpu_stream **heap;
	size_t nheap;
	struct cpu_stream *pending;  /* its record was handed out last */
	unsigned char *scratch;    /* compressed bytes of one buffer */
	size_t scratch_cap;
	long seq;
	struct etl_counts counts;
};

static void problem(struct etl_reader *r, long long off, const char *fmt,
		    const char *what)
{
	char msg[160];
	snprintf(msg, sizeof msg, fmt, what);
	r->counts.problems++;
	input_stats_skip(r->st, 0, "byte 0x%llx: %s", off, msg);
}

static int read_at(struct etl_reader *r, long long off, void *buf, size_t n)
{
	if (off < 0 || off > r->fsize || (long long)n > r->fsize - off)
		return -1;
	/* pread: one call per buffer, where fseeko and fread made three
	 * (and a buffer header cost a 4 KiB read) */
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t k = pread(fileno(r->f), p, n, (off_t)off);
		if (k <= 0) {
			if (k < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		off += k;
		n -= (size_t)k;
	}
	return 0;
}

static struct cpu_stream *stream_for(struct etl_reader *r, int cpu)
{
	for (size_t i = 0; i < r->ncpus; i++)
		if (r->cpus[i].cpu == cpu)
			return &r->cpus[i];
	if (r->ncpus >= MAX_CPUS)
		return NULL;
	r->cpus = xrealloc(r->cpus, (r->ncpus + 1) * sizeof *r->cpus);
	struct cpu_stream *s = &r->cpus[r->ncpus++];
	memset(s, 0, sizeof *s);
	s->cpu = cpu;
	return s;
}

/* The CPU of a buffer: with PROCESSOR_INDEX (Windows 8 and later) a u16,
 * before it a byte followed by the Alignment byte. */
static int buffer_cpu(const unsigned char *h)
{
	return (le16(h + 0x34) & 0x20) ? le16(h + 0x28) : h[0x28];
}

static int plausible(const struct etl_reader *r, const unsigned char *h,
		     long long off)
{
	uint32_t size = le32(h), filled = le32(h + 0x30);
	unsigned flags = le16(h + 0x34);
	if (size < ETL_BUFFER_HEADER + 8 || size > ETL_MAX_BUFFER ||
	    (long long)size > r->fsize - off)
		return 0;
	if (filled < ETL_BUFFER_HEADER || filled > ETL_MAX_BUFFER ||
	    (!(flags & 0x40) && filled > size))
		return 0;
	return flags < 0x100 && le16(h + 0x36) < 16;
}

/* After a buffer header that cannot be true: the next offset where one
 * that can is found (within RESYNC_WINDOW bytes), or -1.  Compressed
 * buffers have any size, so every byte is a candidate there. */
static long long resync(struct etl_reader *r, long long from)
{
	long long n = r->fsize - from;
	if (n > (long long)RESYNC_WINDOW)
		n = RESYNC_WINDOW;
	if (n <= ETL_BUFFER_HEADER)
		return -1;
	unsigned char *w = xmalloc((size_t)n);
	long long found = -1;
	if (read_at(r, from, w, (size_t)n) == 0) {
		int step = (r->lf.mode & 0x04000000u) ? 1 : 8;
		for (long long k = step; k + ETL_BUFFER_HEADER <= n; k += step)
			if (plausible(r, w + k, from + k)) {
				found = from + k;
				break;
			}
	}
	free(w);
	return found;
}

static void index_buffers(struct etl_reader *r)
{
	unsigned char h[ETL_BUFFER_HEADER];
	long long off = 0;
	while (off < r->fsize) {
		if (read_at(r, off, h, sizeof h) < 0) {
			problem(r, off, "%s", "file cut short inside a buffer "
				"header");
			r->counts.bytes_skipped += r->fsize - off;
			break;
		}
		if (!plausible(r, h, off)) {
			long long next = resync(r, off);
			char why[96];
			snprintf(why, sizeof why, "buffer size %u / filled %u "
				 "cannot be right", le32(h), le32(h + 0x30));
			if (le32(h) >= ETL_BUFFER_HEADER + 8 &&
			    le32(h) <= ETL_MAX_BUFFER &&
			    (long long)le32(h) > r->fsize - off)
				snprintf(why, sizeof why, "buffer of %u bytes "
					 "cut short at the end of the file",
					 le32(h));
			problem(r, off, "%s; skipped", why);
			if (next < 0) {
				r->counts.bytes_skipped += r->fsize - off;
				break;
			}
			r->counts.bytes_skipped += next - off;
			off = next;
			continue;
		}
		struct cpu_stream *s = stream_for(r, buffer_cpu(h));
		if (!s) {
			problem(r, off, "%s", "more than 4096 CPUs; buffer "
				"skipped");
			off += le32(h);
			continue;
		}
		if (s->nbufs == s->capbufs)
			xgrow((void **)&s->bufs, &s->capbufs, s->nbufs + 1,
			      sizeof *s->bufs);
		s->bufs[s->nbufs].off = off;
		s->bufs[s->nbufs].size = le32(h);
		s->nbufs++;
		r->counts.buffers++;
		if (le16(h + 0x34) & 0x40)
			r->counts.compressed++;
		off += le32(h);
	}
}

/* Loads the stream's next buffer; 0 when it has none left. */
static int load_buffer(struct etl_reader *r, struct cpu_stream *s)
{
	while (s->next < s->nbufs) {
		struct bufent *b = &s->bufs[s->next++];
		if (b->size > s->cap) {
			free(s->data);
			s->cap = b->size;
			s->data = xmalloc(s->cap);
		}
		if (read_at(r, b->off, s->data, b->size) < 0) {
			problem(r, b->off, "%s", "unreadable buffer");
			continue;
		}
		uint32_t filled = le32(s->data + 0x30);
		s->off = b->off;
		s->compressed = (le16(s->data + 0x34) & 0x40) != 0;
		if (s->compressed) {
			if (filled > s->cap) {
				unsigned char *d = xmalloc(filled);
				memcpy(d, s->data, b->size);
				free(s->data);
				s->data = d;
				s->cap = filled;
			}
			size_t n = b->size - ETL_BUFFER_HEADER;
			if (n > r->scratch_cap) {
				free(r->scratch);
				r->scratch_cap = n;
				r->scratch = xmalloc(n);
			}
			memcpy(r->scratch, s->data + ETL_BUFFER_HEADER, n);
			long got = etl_xpress_decode(r->scratch, n,
				s->data + ETL_BUFFER_HEADER,
				filled - ETL_BUFFER_HEADER);
			if (got < 0) {
				problem(r, b->off, "%s", "compressed buffer "
					"does not decompress; skipped");
				continue;
			}
			if ((size_t)got != filled - ETL_BUFFER_HEADER)
				problem(r, b->off, "%s", "compressed buffer "
					"shorter than its header says; "
					"read what it holds");
			s->end = ETL_BUFFER_HEADER + (size_t)got;
		} else {
			s->end = filled;
		}
		s->pos = ETL_BUFFER_HEADER;
		return 1;
	}
	return 0;
}

/* FILETIMEs kept to years 1970-2255, where nanoseconds since the epoch
 * fit an int64: a lying clock cannot overflow what follows */
#define FT_MIN FILETIME_UNIX_EPOCH
#define FT_MAX (FILETIME_UNIX_EPOCH + 9000000000000000000LL / 100)

static int64_t clamp_ft(__int128 v)
{
	return v < FT_MIN ? FT_MIN : v > FT_MAX ? FT_MAX : (int64_t)v;
}

/* tick distances whose product with 10^7 fits an int64 */
#define TICKS_NARROW (INT64_MAX / 10000000)

static int64_t to_filetime(const struct etl_reader *r, int64_t ticks)
{
	const struct etl_logfile *lf = &r->lf;
	if (lf->clock_type == 2 || lf->perf_freq <= 0)
		return clamp_ft(ticks);   /* system time: already a FILETIME */
	__int128 d = (__int128)ticks - lf->start_ticks;
	if (d > -TICKS_NARROW && d < TICKS_NARROW) {
		/* the common case, in 64 bits: a 128-bit division is slow */
		int64_t t64 = (int64_t)d * 10000000, q64 = t64 / lf->perf_freq;
		if (t64 < 0 && t64 % lf->perf_freq)
			q64--;
		return clamp_ft((__int128)lf->start_time + q64);
	}
	__int128 t = d * 10000000;
	__int128 q = t / lf->perf_freq;
	if (t < 0 && t % lf->perf_freq)
		q--;                      /* floor */
	return clamp_ft((__int128)lf->start_time + q);
}

/* EVENT_HEADER extended items: the TraceLogging ones are kept. */
static void ext_items(struct etl_record *e, const unsigned char *p,
		      size_t n, size_t *used)
{
	size_t k = 0;
	for (int guard = 0; guard < 64 && k + 8 <= n; guard++) {
		uint16_t size = le16(p + k + 0), type = le16(p + k + 2);
		uint16_t link = le16(p + k + 4), dsz = le16(p + k + 6);
		(void)size;
		if (k + 8 + dsz > n)
			break;
		if (type == 11) {
			e->tl_schema = p + k + 8;
			e->tl_len = dsz;
		} else if (type == 12) {
			e->traits = p + k + 8;
			e->traits_len = dsz;
		}
		k += (8 + (size_t)dsz + 7) & ~(size_t)7;
		if (!(link & 1))
			break;
	}
	*used = k > n ? n : k;
}

/* Parses the record at s->pos into s->cur.  1: a record, 0: the buffer
 * holds no more, -1: the rest of the buffer is unusable (counted). */
static int parse_record(struct etl_reader *r, struct cpu_stream *s)
{
	const unsigned char *b = s->data;
	size_t pos = s->pos;
	if (pos + 8 > s->end)
		return 0;
	uint32_t marker = le32(b + pos);
	if (marker == 0 || marker == 0xffffffffu)
		return 0;  /* padding to the end of the buffer */
	int t = b[pos + 2];
	unsigned hs = header_size(t);
	if (!(b[pos + 3] & 0x80) || !hs) {
		char what[64];
		snprintf(what, sizeof what, "record header type %d (flags "
			 "0x%02x)", t, b[pos + 3]);
		problem(r, s->off + (long long)pos, "unknown %s; rest of the "
			"buffer skipped", what);
		return -1;
	}
	size_t size = size_at_4(t) ? le16(b + pos + 4) : le16(b + pos);
	if (size < hs || pos + size > s->end) {
		problem(r, s->off + (long long)pos, "%s record whose size does "
			"not fit its buffer; rest of the buffer skipped",
			etl_htype_name(t));
		return -1;
	}
	struct etl_record *e = &s->cur;
	static const struct etl_record none;   /* copied: see etw_rec_reset */
	memcpy(e, &none, sizeof *e);
	const unsigned char *p = b + pos;
	e->htype = t;
	e->ptr64 = is_64(t);
	e->cpu = s->cpu;
	e->offset = s->off;
	e->boff = (unsigned)pos;
	e->compressed = s->compressed;
	e->pid = e->tid = -1;
	e->id = e->opcode = e->task = e->channel = e->level = -1;
	e->group = e->type = -1;
	switch (t) {
	case ETL_SYSTEM32: case ETL_SYSTEM64:
	case ETL_COMPACT32: case ETL_COMPACT64:
		e->version = le16(p);
		e->type = p[6];
		e->group = p[7];
		e->tid = le32(p + 8);
		e->pid = le32(p + 12);
		e->ticks = (int64_t)le64(p + 16);
		break;
	case ETL_PERFINFO32: case ETL_PERFINFO64:
		e->version = le16(p);
		e->type = p[6];
		e->group = p[7];
		e->ticks = (int64_t)le64(p + 8);
		break;
	case ETL_FULL32: case ETL_FULL64:
	case ETL_INSTANCE32: case ETL_INSTANCE64:
		e->type = p[4];
		e->level = p[5];
		e->version = le16(p + 6);
		e->tid = le32(p + 8);
		e->pid = le32(p + 12);
		e->ticks = (int64_t)le64(p + 16);
		memcpy(e->guid, p + 24, 16);
		e->have_guid = 1;
		e->opcode = e->type;
		break;
	case ETL_EVENT32: case ETL_EVENT64:
		e->flags = le16(p + 4);
		e->tid = le32(p + 8);
		e->pid = le32(p + 12);
		e->ticks = (int64_t)le64(p + 16);
		memcpy(e->guid, p + 24, 16);
		e->have_guid = 1;
		e->id = le16(p + 40);
		e->version = p[42];
		e->channel = p[43];
		e->level = p[44];
		e->opcode = p[45];
		e->task = le16(p + 46);
		e->keyword = le64(p + 48);
		break;
	}
	/* the kernel's "no process/thread" */
	if (e->pid == 0xffffffffLL)
		e->pid = -1;
	if (e->tid == 0xffffffffLL)
		e->tid = -1;
	e->payload = p + hs;
	e->len = size - hs;
	if ((t == ETL_EVENT32 || t == ETL_EVENT64) && (e->flags & 1)) {
		size_t used;
		ext_items(e, e->payload, e->len, &used);
		e->payload += used;
		e->len -= used;
	}
	e->ft = to_filetime(r, e->ticks);
	s->pos = pos + ((size + 7) & ~(size_t)7);
	r->counts.records++;
	r->counts.by_htype[t & 31]++;
	return 1;
}

/* Moves the stream to its next record; 0 when it has none left. */
static int advance(struct etl_reader *r, struct cpu_stream *s)
{
	for (;;) {
		if (s->data && s->pos) {
			int rc = parse_record(r, s);
			if (rc > 0)
				return 1;
		}
		if (!load_buffer(r, s)) {
			s->have = 0;
			return 0;
		}
	}
}

static int stream_less(const struct cpu_stream *a, const struct cpu_stream *b)
{
	if (a->cur.ticks != b->cur.ticks)
		return a->cur.ticks < b->cur.ticks;
	if (a->cpu != b->cpu)
		return a->cpu < b->cpu;
	return a->cur.offset < b->cur.offset;
}

static void heap_down(struct etl_reader *r, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < r->nheap && stream_less(r->heap[l], r->heap[m]))
			m = l;
		if (l + 1 < r->nheap && stream_less(r->heap[l + 1], r->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		struct cpu_stream *t = r->heap[i];
		r->heap[i] = r->heap[m];
		r->heap[m] = t;
		i = m;
	}
}

/* The logfile header: the first record of the first buffer, a SYSTEM
 * record of group 0, type 0.  Offsets after the two pointers move with
 * the pointer size. */
static void read_logfile(struct etl_reader *r)
{
	unsigned char h[ETL_BUFFER_HEADER];
	if (read_at(r, 0, h, sizeof h) < 0 || !plausible(r, h, 0))
		return;
	size_t n = le32(h);
	unsigned char *b = xmalloc(n);
	if (read_at(r, 0, b, n) < 0 || n < ETL_BUFFER_HEADER + 0x20 + 0x110) {
		free(b);
		return;
	}
	const unsigned char *p = b + ETL_BUFFER_HEADER;
	int t = p[2];
	size_t size = le16(p + 4);
	if ((t != ETL_SYSTEM32 && t != ETL_SYSTEM64) || p[6] != 0 ||
	    p[7] != 0 || size > n - ETL_BUFFER_HEADER || size < 0x20 + 0x110) {
		free(b);
		return;
	}
	struct etl_logfile *lf = &r->lf;
	lf->start_ticks = (int64_t)le64(p + 16);
	const unsigned char *q = p + 0x20;
	size_t qn = size - 0x20;
	lf->buffer_size = le32(q);
	memcpy(lf->version, q + 4, 4);
	lf->build = le32(q + 8);
	lf->ncpus = le32(q + 12);
	lf->end_time = (int64_t)le64(q + 16);
	lf->timer_res = le32(q + 24);
	lf->max_file_mb = le32(q + 28);
	lf->mode = le32(q + 32);
	lf->buffers_written = le32(q + 36);
	lf->ptr_size = le32(q + 44);
	lf->events_lost = le32(q + 48);
	lf->cpu_mhz = le32(q + 52);
	size_t ps = lf->ptr_size == 4 ? 4 : 8;
	size_t tz = 56 + 2 * ps;
	size_t at = (tz + 172 + 7) & ~(size_t)7;
	if (at + 32 > qn) {
		free(b);
		return;
	}
	lf->tz_bias = (int32_t)le32(q + tz);
	lf->boot_time = (int64_t)le64(q + at);
	lf->perf_freq = (int64_t)le64(q + at + 8);
	lf->start_time = (int64_t)le64(q + at + 16);
	lf->clock_type = le32(q + at + 24);
	lf->buffers_lost = le32(q + at + 28);
	/* LoggerName and LogFileName follow as UTF-16 */
	size_t k = at + 32;
	char *dst[2] = { lf->logger_name, lf->logfile_name };
	size_t cap[2] = { sizeof lf->logger_name, sizeof lf->logfile_name };
	for (int i = 0; i < 2; i++) {
		size_t o = 0;
		while (k + 2 <= qn) {
			uint16_t c = le16(q + k);
			k += 2;
			if (!c)
				break;
			if (o + 1 < cap[i])
				dst[i][o++] = c >= 32 && c < 127 ? (char)c : '?';
		}
		dst[i][o] = '\0';
	}
	if (lf->clock_type == 3 && lf->cpu_mhz)
		lf->perf_freq = (int64_t)lf->cpu_mhz * 1000000;
	lf->have = 1;
	free(b);
}

struct etl_reader *etl_reader_open(FILE *f, const char *path,
				   struct input_stats *st,
				   struct ht_error *err)
{
	/* (read_at reads the descriptor: this seek also writes out what a
	 * temporary copy still buffers, as POSIX has fseek do) */
	if (fseeko(f, 0, SEEK_END) != 0) {
		ht_error_set(err, path, 0, "cannot seek in the .etl file");
		fclose(f);
		return NULL;
	}
	struct etl_reader *r = xcalloc(1, sizeof *r);
	r->f = f;
	r->path = xstrdup(path);
	r->st = st;
	r->fsize = (long long)ftello(f);
	/* the file is read here, not through the input stream, which has
	 * counted only what content detection looked at */
	if (st && st->bytes < r->fsize)
		st->bytes = r->fsize;
	read_logfile(r);
	if (!r->lf.have)
		problem(r, ETL_BUFFER_HEADER, "%s", "no logfile header "
			"record: times are the raw clock, not UTC");
	index_buffers(r);
	r->counts.cpus = (long)r->ncpus;
	r->heap = xcalloc(r->ncpus ? r->ncpus : 1, sizeof *r->heap);
	for (size_t i = 0; i < r->ncpus; i++)
		if (advance(r, &r->cpus[i]))
			r->heap[r->nheap++] = &r->cpus[i];
	for (size_t i = r->nheap; i-- > 0;)
		heap_down(r, i);
	return r;
}

const struct etl_logfile *etl_reader_logfile(const struct etl_reader *r)
{
	return &r->lf;
}

const struct etl_record *etl_reader_next(struct etl_reader *r)
{
	/* the record handed out last points into its stream's buffer, so
	 * that stream moves on only now */
	if (r->pending) {
		if (!advance(r, r->pending))
			r->heap[0] = r->heap[--r->nheap];
		r->pending = NULL;
		if (r->nheap)
			heap_down(r, 0);
	}
	if (!r->nheap)
		return NULL;
	struct cpu_stream *s = r->heap[0];
	s->cur.seq = ++r->seq;
	r->pending = s;
	return &s->cur;
}

void etl_reader_counts(const struct etl_reader *r, struct etl_counts *c)
{
	*c = r->counts;
}

void etl_reader_close(struct etl_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncpus; i++) {
		free(r->cpus[i].bufs);
		free(r->cpus[i].data);
	}
	free(r->cpus);
	free(r->heap);
	free(r->scratch);
	free(r->path);
	fclose(r->f);
	free(r);
}
