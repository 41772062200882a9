/* timeline/evcopy.c - private copies of the parts of an event a finding's
 * story needs, kept in reusable buffers (no allocation in steady state). */
#include <inttypes.h>
#include <string.h>
#include "internal.h"

void evc_free(struct evcopy *e)
{
	sb_free(&e->object);
	sb_free(&e->raw);
	sb_free(&e->stack);
	memset(e, 0, sizeof *e);
}

/* sb := s[0, n), without sb_add's growth arithmetic on every call */
static void sb_room(struct strbuf *sb, size_t n)
{
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < n + 1)
		cap *= 2;
	sb->s = xrealloc(sb->s, cap);
	sb->cap = cap;
}

static inline void put_text(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->cap < n + 1)
		sb_room(sb, n);
	memcpy(sb->s, s, n);
	sb->s[n] = '\0';
	sb->len = n;
}

/* sb_reset, inline: several per event */
static inline void clear_text(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
}

/* e's three texts emptied, their buffers kept */
static void clear_texts(struct evcopy *e)
{
	clear_text(&e->object);
	clear_text(&e->raw);
	clear_text(&e->stack);
}

void evc_blank(struct evcopy *e)
{
	/* copied, not memset: a memset of this size is "rep stos", whose
	 * start-up costs more than the copy */
	static const struct evcopy blank;
	struct evbufs b = evc_bufs(e);
	memcpy(e, &blank, sizeof *e);
	evc_put_bufs(e, b);
	clear_texts(e);
}

static inline void put_capped(struct strbuf *sb, const char *s,
			      size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		put_text(sb, s, max);
		sb_puts(sb, "...");
	} else {
		put_text(sb, s, n);
	}
}

/* Call names, file names and errno names repeat from one event to the
 * next, mostly from the same few pointers (a parser's table of names,
 * its file name).  A small two-way cache keyed by the pointer is checked
 * first; the text is still compared, since a pointer may be reused for
 * other text. */
static const char *intern_slow(struct timeline *tl, struct icache *c,
			       const char *s)
{
	if (c[1].in == s && strcmp(c[1].out, s) == 0) {
		struct icache x = c[0];   /* most recent first */
		c[0] = c[1];
		c[1] = x;
		return c[0].out;
	}
	c[1] = c[0];
	c[0].in = s;
	c[0].out = strpool_intern(tl->pool, s, strlen(s));
	return c[0].out;
}

static inline const char *intern(struct timeline *tl, const char *s)
{
	if (!s)
		return NULL;
	size_t k = (size_t)(((uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15ull)
			    >> 40) & (TL_ICACHE - 2);
	struct icache *c = &tl->icache[k];
	if (c[0].in == s && strcmp(c[0].out, s) == 0)
		return c[0].out;
	return intern_slow(tl, c, s);
}

void evc_set(struct timeline *tl, struct evcopy *e, const struct ht_event *ev,
	     const struct task *t, int role, int gen, int64_t h,
	     const char *object)
{
	e->valid = 1;
	e->role = (unsigned char)role;
	e->tr = traits_of_event(ev);
	e->unfinished = ev->phase == PH_ENTRY;
	e->gen = gen;
	e->cpu = ev->cpu;
	e->has_ret = ev->has_ret;
	e->failed = ev->failed;
	e->errc = ev->errc;
	e->call = intern(tl, ev->call ? ev->call : "");
	e->file = intern(tl, ev->src.file ? ev->src.file : "");
	e->errname = intern(tl, ev->errname);
	e->pid = t && t->proc ? t->proc->pid : ev->pid;
	e->tid = t ? t->tid : ev->tid;
	e->ts = ev->ts;
	e->dur = ev->dur;
	e->ret = ev->ret;
	e->handle = h;
	e->err = ev->err;
	e->line = ev->src.line;
	e->event = ev->src.event;
	e->offset = ev->src.offset;
	e->end_line = ev->end_line;
	e->seq = tl->seq;
	e->info = t ? t->info : -1;
	e->time_fmt = NULL;
	if (!ev->time_text && ev->time_fmt) {
		e->time_fmt = ev->time_fmt;
		e->time[0] = '\0';
	} else {
		size_t k = ev->time_text ? strnlen(ev->time_text,
						   sizeof e->time - 1) : 0;
		if (k)
			memcpy(e->time, ev->time_text, k);
		e->time[k] = '\0';
	}
	e->has_object = object != NULL;
	if (object)
		put_capped(&e->object, object, TL_OBJ_MAX);
	else
		clear_text(&e->object);
	e->raw_show = NULL;
	if (!ev->raw && ev->raw_pack && ev->raw_pack(ev->raw_ctx, &e->raw))
		e->raw_show = ev->raw_show;
	else
		put_capped(&e->raw, ev_raw(ev), TL_RAW_MAX);
	e->has_stack = ev->stack != NULL;
	if (ev->stack)
		put_capped(&e->stack, ev->stack, TL_STACK_MAX);
	else
		clear_text(&e->stack);
}

static void sb_copy(struct strbuf *d, const struct strbuf *s)
{
	if (s->len)
		put_text(d, s->s, s->len);
	else
		clear_text(d);
}

void evc_copy(struct evcopy *dst, const struct evcopy *src)
{
	if (dst == src)
		return;
	struct evbufs b = evc_bufs(dst);
	*dst = *src;
	evc_put_bufs(dst, b);
	sb_copy(&dst->object, &src->object);
	sb_copy(&dst->raw, &src->raw);
	sb_copy(&dst->stack, &src->stack);
}

/* Like evc_copy, but src is scratch: its buffers are handed to dst and
 * dst's old ones go to src, whose text is then not to be read. */
void evc_move(struct evcopy *dst, struct evcopy *src)
{
	if (dst == src)
		return;
	struct evbufs b = evc_bufs(dst);
	*dst = *src;
	evc_put_bufs(src, b);
	clear_texts(src);
}

const char *evc_raw(struct timeline *tl, const struct evcopy *e)
{
	if (!e->raw_show)
		return e->raw.s ? e->raw.s : "";
	struct strbuf *sb = &tl->rawtext;
	sb_reset(sb);
	e->raw_show(e->raw.s, e->raw.len, sb);
	if (sb->len > TL_RAW_MAX) {   /* put_capped's cut */
		sb->len = TL_RAW_MAX;
		sb->s[sb->len] = '\0';
		sb_puts(sb, "...");
	}
	return sb->s ? sb->s : "";
}

const char *evc_time(struct timeline *tl, const struct evcopy *e)
{
	if (!e->time_fmt)
		return e->time;
	e->time_fmt(e->ts, tl->timetext, sizeof tl->timetext);
	return tl->timetext;
}

/* The result as a person reads it: "0", "-1 EBADF", "? ERESTARTSYS",
 * "10038 WSAENOTSOCK"; NULL for an ETW event without a result. */
const char *evc_result(struct timeline *tl, const struct evcopy *e)
{
	if (e->unfinished)
		return "<unfinished ...>";
	if (e->role == RO_EXIT && !e->has_ret)
		return e->tr->win_results ? NULL : "?";
	if (e->tr->win_results) {
		if (e->failed || e->err)
			return e->errname ? fstrf(tl, "%ld %s", e->err,
						  e->errname)
					  : fstrf(tl, "%ld", e->err);
		if (e->has_ret)
			return fstrf(tl, "%" PRId64, e->ret);
		return NULL;
	}
	if (e->errc == ERRC_RESTART)
		return fstrf(tl, "? %s", e->errname ? e->errname : "");
	if (e->failed)
		return e->errname ? fstrf(tl, "-1 %s", e->errname)
				  : fstrf(tl, "-1 errno %ld", e->err);
	if (e->has_ret)
		return fstrf(tl, "%" PRId64, e->ret);
	return "?";
}
