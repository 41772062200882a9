/* util/util.h - the face of util/: error values, allocation that never
 * fails silently, growable strings, string interning and output escaping. */
#ifndef HANDLETRAIL_UTIL_H
#define HANDLETRAIL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HT_VERSION "0.1.0"

#if defined(__GNUC__)
# define HT_PRINTF(a, b) __attribute__((format(printf, a, b)))
# define HT_NORETURN __attribute__((noreturn))
#else
# define HT_PRINTF(a, b)
# define HT_NORETURN
#endif

/* The one error idiom: a function that can fail returns -1 and fills a
 * struct ht_error that names the file and line (0 when none applies).
 * Only main() turns an error into a message and an exit status. */
/* Intrusive doubly linked lists: the holder has FIRST and LAST, each
 * node PREV and NEXT fields (a node may be on several lists at once). */
#define DL_APPEND(first, last, n, prev, next) do {                     \
		(n)->prev = (last);                                    \
		(n)->next = NULL;                                      \
		if (last)                                              \
			(last)->next = (n);                            \
		else                                                   \
			(first) = (n);                                 \
		(last) = (n);                                          \
	} while (0)
#define DL_UNLINK(first, last, n, prev, next) do {                     \
		if ((n)->prev)                                         \
			(n)->prev->next = (n)->next;                   \
		else                                                   \
			(first) = (n)->next;                           \
		if ((n)->next)                                         \
			(n)->next->prev = (n)->prev;                   \
		else                                                   \
			(last) = (n)->prev;                            \
		(n)->prev = (n)->next = NULL;                          \
	} while (0)

struct ht_error {
	char file[512];
	long line;
	char msg[512];
};
void ht_error_set(struct ht_error *err, const char *file, long line,
		  const char *fmt, ...) HT_PRINTF(4, 5);
/* "file:line: msg" (or "file: msg" when line is 0) into buf. */
void ht_error_format(const struct ht_error *err, char *buf, size_t n);

/* Allocation: on exhaustion prints a message and aborts (there is no
 * sensible partial result when malloc fails). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* grow *p (element size sz) so that it holds at least need elements */
void xgrow(void **p, size_t *cap, size_t need, size_t sz);

/* Growable string. */
struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) HT_PRINTF(2, 3);
/* room for n more bytes and a NUL after sb->s + sb->len: the caller
 * writes there, then sets len and the NUL (a line made in one go) */
char *sb_reserve(struct strbuf *sb, size_t n);
/* numbers without printf, for the hot paths: "0x1A4" (upper) or "0x1a4",
 * and decimal "-42" (v is the magnitude) */
void sb_put_hex(struct strbuf *sb, uint64_t v, int upper);
void sb_put_dec(struct strbuf *sb, uint64_t v, int neg);
void sb_put_int(struct strbuf *sb, int64_t v);   /* signed: "-42" */
/* the same into out (room for 21 bytes), not terminated; the length */
size_t fmt_hex(char *out, uint64_t v, int upper);   /* "0x1A4" */
size_t fmt_dec(char *out, uint64_t v, int neg);     /* "-42" */
size_t fmt_int(char *out, int64_t v);               /* signed: "-42" */
char *sb_detach(struct strbuf *sb);  /* caller frees; sb is reset */

/* String interning: equal strings share one copy, freed with the pool.
 * Used for objects, call names and paths that many events repeat. */
struct strpool;
struct strpool *strpool_new(void);
const char *strpool_intern(struct strpool *p, const char *s, size_t n);
void strpool_free(struct strpool *p);

/* Length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point in *cp, or 0 when the bytes there are not valid UTF-8 (overlong
 * forms, surrogates and values past U+10FFFF are invalid). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Escaping for each output context.  All of them accept arbitrary bytes
 * (invalid UTF-8, NUL-free but control bytes included). */
void esc_json(struct strbuf *sb, const char *s, size_t n);   /* no quotes */
void esc_html(struct strbuf *sb, const char *s, size_t n);   /* text+attr */
void esc_term(struct strbuf *sb, const char *s, size_t n);   /* no ESC etc */

/* A small streaming JSON writer with stable, readable indentation (one
 * member per line; indent 0 writes compact JSON on one line).  Keys and
 * strings are escaped with esc_json. */
struct jsonw {
	struct strbuf *sb;
	int depth;
	int indent;       /* spaces per level, 0 = compact */
	int first[64];    /* no member written yet at this depth */
	int after_key;
};
void jw_init(struct jsonw *w, struct strbuf *sb, int indent);
void jw_obj(struct jsonw *w);               /* { */
void jw_arr(struct jsonw *w);               /* [ */
void jw_end_obj(struct jsonw *w);           /* } */
void jw_end_arr(struct jsonw *w);           /* ] */
void jw_key(struct jsonw *w, const char *k);
void jw_str(struct jsonw *w, const char *s); /* NULL writes null */
void jw_strn(struct jsonw *w, const char *s, size_t n);
void jw_int(struct jsonw *w, long long v);
void jw_bool(struct jsonw *w, int v);
void jw_null(struct jsonw *w);
void jw_raw(struct jsonw *w, const char *json); /* pre-rendered value */
/* shorthands: key + value */
void jw_kstr(struct jsonw *w, const char *k, const char *s);
void jw_kint(struct jsonw *w, const char *k, long long v);

/* 64-bit FNV-1a, for fingerprints and hashing. */
uint64_t hash64(const void *p, size_t n, uint64_t seed);

/* Write a file atomically: data goes to a temp file beside path which
 * is renamed over path on success.  path "-" (and /dev/stdout,
 * /dev/fd/N) writes that descriptor; a FIFO, device or symlink is
 * written through, never replaced. */
int write_file_atomic(const char *path, const char *data, size_t n,
		      struct ht_error *err);
/* The same, written piece by piece (a report streamed as it is made):
 * outfile_write records the first failure, outfile_close(ok) renames
 * the temp over path (or removes it when !ok or a write failed). */
struct outfile {
	char *path, *tmp;          /* tmp NULL: written through */
	int fd;
	int named;                 /* fd is the user's (-, /dev/fd/N) */
	int failed;
	struct ht_error err;
};
int outfile_open(struct outfile *o, const char *path, struct ht_error *err);
void outfile_write(struct outfile *o, const char *data, size_t n);
int outfile_close(struct outfile *o, int ok, struct ht_error *err);
/* write(2) until all n bytes are out; -1 with err naming path. */
int write_all(int fd, const char *path, const char *data, size_t n,
	      struct ht_error *err);
/* The same, but always by a temp file and rename: whatever sits at path
 * (a symlink, a FIFO) is replaced, never written through.  For files in
 * folders this tool owns (batch results). */
int write_file_replace(const char *path, const char *data, size_t n,
		       struct ht_error *err);

#endif
