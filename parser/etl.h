/* parser/etl.h - what the binary .etl reader's files share: the XPRESS
 * decoder, the logfile header, one record as read, the buffer reader that
 * merges the per-CPU streams into time order, and the decoder that turns
 * a record into the flat record the ETW semantics (etw_sem.c) read.
 * Layouts: doc/etw.md and ../shared/reference/etl-observed.md. */
#ifndef HANDLETRAIL_PARSER_ETL_H
#define HANDLETRAIL_PARSER_ETL_H

#include <stdio.h>
#include "etw.h"

/* [MS-XCA] plain LZ77: decodes in[0..n) into out[0..cap).  Returns the
 * bytes written, or -1 when the input is malformed or would write more
 * than cap bytes (nothing past out[cap-1] is ever written). */
long etl_xpress_decode(const unsigned char *in, size_t n, unsigned char *out,
		       size_t cap);

/* little-endian fields */
static inline uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32(const unsigned char *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static inline uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

#define ETL_BUFFER_HEADER 0x48
#define ETL_MAX_BUFFER (64u << 20)   /* a buffer size beyond this lies */

/* Record header types (the third byte of each record's marker). */
enum etl_htype {
	ETL_SYSTEM32 = 1, ETL_SYSTEM64 = 2, ETL_COMPACT32 = 3,
	ETL_COMPACT64 = 4, ETL_FULL32 = 10, ETL_INSTANCE32 = 11,
	ETL_TIMED = 12, ETL_ERROR = 13, ETL_WNODE = 14, ETL_MESSAGE = 15,
	ETL_PERFINFO32 = 16, ETL_PERFINFO64 = 17, ETL_EVENT32 = 18,
	ETL_EVENT64 = 19, ETL_FULL64 = 20, ETL_INSTANCE64 = 21,
};
const char *etl_htype_name(int htype);  /* "SYSTEM64", ... */

/* TRACE_LOGFILE_HEADER, the payload of the first record. */
struct etl_logfile {
	int have;
	uint32_t buffer_size, build, ncpus, timer_res, max_file_mb, mode;
	uint32_t buffers_written, ptr_size, events_lost, cpu_mhz;
	uint32_t buffers_lost, clock_type;
	unsigned char version[4];    /* Major, Minor, Sub, SubMinor */
	int64_t end_time, boot_time, start_time; /* FILETIME, 100 ns */
	int64_t perf_freq;
	int64_t start_ticks;         /* the header record's own timestamp */
	int32_t tz_bias;             /* minutes, UTC = local + bias */
	char logger_name[128];
	char logfile_name[256];
};

/* One record as read from its buffer. */
struct etl_record {
	int htype;
	int ptr64;              /* payload pointers are 8 bytes (else 4) */
	int cpu;
	long long offset;       /* file offset of the record's buffer ... */
	unsigned boff;          /* ... and of the record within the buffer
				   (decompressed when the buffer is) */
	int compressed;         /* its buffer was compressed */
	int64_t ticks;          /* raw timestamp */
	int64_t ft;             /* FILETIME (100 ns since 1601, UTC) */
	long seq;               /* 1-based position in time order */
	int64_t pid, tid;       /* -1 when the header has none */
	int group, type;        /* kernel: group byte and event type */
	unsigned version;       /* event (or kernel record) version */
	int have_guid;
	unsigned char guid[16]; /* provider (EVENT_HEADER) or class guid */
	int id, channel, level, opcode, task;
	uint64_t keyword;
	unsigned flags;         /* EVENT_HEADER Flags */
	const unsigned char *payload;
	size_t len;
	const unsigned char *tl_schema;   /* EVENT_SCHEMA_TL item, or NULL */
	size_t tl_len;
	const unsigned char *traits;      /* PROV_TRAITS item, or NULL */
	size_t traits_len;
};

/* The reader: a first pass lists each CPU's buffers from their 0x48-byte
 * headers, then records come out in (time, CPU, offset) order from one
 * buffer per CPU held at a time.  Problems (a lying size, a corrupt or
 * cut buffer, a record that does not fit) are counted in st and the rest
 * is read. */
struct etl_reader;
/* f: a seekable file holding the whole .etl (the reader owns it). */
struct etl_reader *etl_reader_open(FILE *f, const char *path,
				   struct input_stats *st,
				   struct ht_error *err);
const struct etl_logfile *etl_reader_logfile(const struct etl_reader *r);
/* the next record in time order, valid (payload too) until the next
 * call; NULL at the end */
const struct etl_record *etl_reader_next(struct etl_reader *r);
/* what was seen: buffers, CPUs with buffers, problems */
struct etl_counts {
	long buffers, compressed, cpus, records, problems;
	long by_htype[32];
	long long bytes_skipped;
};
void etl_reader_counts(const struct etl_reader *r, struct etl_counts *c);
void etl_reader_close(struct etl_reader *r);

/* FILETIME -> "2024-03-05T10:15:30.7000000Z" (n >= 29); its length (28),
 * or 0 when n is too small */
size_t etl_format_time(int64_t ft, char *buf, size_t n);
/* the same for ns since 1970, as an event's ts holds a record's ft */
size_t etl_format_ts(int64_t ns, char *buf, size_t n);
/* "{89497f50-effe-4440-8cf2-ce6b1cdcaca7}" (n >= 39) */
void etl_format_guid(const unsigned char *g, char *buf, size_t n);

/* The decoder: fills an etw_rec the way a tracerpt export of the record
 * would read (provider and class guids, ids, fields by name, values as
 * text) from the built-in layouts (etl_layouts.def) or a TraceLogging
 * schema.  Returns 1 when the record was decoded, 0 when its provider or
 * event has no layout (r then holds the header only), -1 when its payload
 * is shorter than its layout (why in r->bad).  scratch holds a field's
 * text while it is made: the caller keeps it from record to record (and
 * frees it), so that decoding allocates nothing once it is big enough. */
int etl_decode(const struct etl_record *e, struct etw_rec *r,
	       struct strbuf *scratch);
/* A name for the record's provider: "Kernel/Process",
 * "Microsoft-Windows-Winsock-AFD", a TraceLogging name or "{guid}". */
void etl_provider_name(const struct etl_record *e, char *buf, size_t n);

#endif
