/* parser/internal.h - what the format backends share inside parser/:
 * the decompressing input stream and the backend entry points. */
#ifndef HANDLETRAIL_PARSER_INTERNAL_H
#define HANDLETRAIL_PARSER_INTERNAL_H

#include "parser.h"

/* A byte stream over a plain, gzip, xz or zstd file (told by magic bytes),
 * stdin included.  Bounded: decompressed size is capped (see input.c). */
struct instream;
struct instream *instream_open(const char *path, struct input_stats *st,
			       struct ht_error *err);
/* the first up to n decompressed bytes, without consuming them */
size_t instream_peek(struct instream *in, const char **p, size_t n);
/* raw read of decompressed bytes: >0 count, 0 EOF, -1 error (err filled) */
long instream_read(struct instream *in, char *buf, size_t n,
		   struct ht_error *err);
/* next line without its '\n' (a trailing '\r' is kept; callers decide).
 * 1: line in *s and *n (valid until the next call), 0: EOF, -1: error. */
int instream_getline(struct instream *in, const char **s, size_t *n,
		     struct ht_error *err);
/* Added by the strace work (speed): instream_getline that also sets *esc
 * to whether the line holds an ESC byte (colour codes), found with one
 * search per buffered block instead of one per line. */
int instream_getline_esc(struct instream *in, const char **s, size_t *n,
			 int *esc, struct ht_error *err);
long instream_lineno(const struct instream *in); /* of the last line */
/* Added by the strace work: changes the bounds (0 keeps a default): lines
 * longer than max_line are skipped and counted; decompressed output may
 * not exceed max_out bytes, nor max_ratio times the compressed size once
 * past ratio_floor bytes (max_ratio 0: no ratio guard).  For tests. */
void instream_set_limits(struct instream *in, size_t max_line,
			 long long max_out, unsigned max_ratio,
			 long long ratio_floor);
const char *instream_path(const struct instream *in); /* for messages */
void instream_close(struct instream *in);

/* Appends an effect to ev and returns it, or counts an overflow and
 * returns NULL when ev already holds HT_MAX_FX effects. */
static inline struct effect *event_add_effect(struct ht_event *ev,
					      enum eff_op op, unsigned flags,
					      int64_t h, int64_t h2,
					      const char *object)
{
	if (ev->nfx >= HT_MAX_FX) {
		ev->fx_overflow++;
		return NULL;
	}
	struct effect *e = &ev->fx[ev->nfx++];
	e->op = op;
	e->flags = flags;
	e->h = h;
	e->h2 = h2;
	e->object = object;
	e->pid2 = -1;
	return e;
}

/* Backends.  *_sniff looks at the first bytes and says whether they are
 * this format; *_open takes ownership of in. */
int strace_sniff(const char *buf, size_t n);
void *strace_open(struct instream *in, const struct parser_options *o,
		  struct input_stats *st, struct ht_error *err);
int strace_next(void *p, struct ht_event *ev, struct ht_error *err);
void strace_close(void *p);

/* returns FMT_ETW_XML, FMT_PERFVIEW_XML or FMT_AUTO (not XML events) */
enum ht_format etw_sniff(const char *buf, size_t n);
void *etw_open(struct instream *in, enum ht_format f,
	       const struct parser_options *o, struct input_stats *st,
	       struct ht_error *err);
int etw_next(void *p, struct ht_event *ev, struct ht_error *err);
void etw_close(void *p);

/* binary .etl: etl_sniff says whether the bytes start like one */
int etl_sniff(const char *buf, size_t n);
void *etl_open(struct instream *in, const struct parser_options *o,
	       struct input_stats *st, struct ht_error *err);
int etl_next(void *p, struct ht_event *ev, struct ht_error *err);
void etl_close(void *p);

#endif
