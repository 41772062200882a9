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

static void put_capped(struct strbuf *sb, const char *s, size_t max)
{
	sb_reset(sb);
	size_t n = strlen(s);
	if (n > max) {
		sb_add(sb, s, max);
		sb_puts(sb, "...");
	} else {
		sb_add(sb, s, n);
	}
}

static const char *intern(struct timeline *tl, const char *s)
{
	return s ? strpool_intern(tl->pool, s, strlen(s)) : NULL;
}

void evc_set(struct timeline *tl, struct evcopy *e, const struct ht_event *ev,
	     const struct task *t, int role, int gen, int64_t h,
	     const char *object)
{
	e->valid = 1;
	e->role = (unsigned char)role;
	e->etw = ev->pid >= 0;
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
	e->ret = ev->ret;
	e->handle = h;
	e->err = ev->err;
	e->line = ev->src.line;
	e->event = ev->src.event;
	e->end_line = ev->end_line;
	e->seq = tl->seq;
	snprintf(e->time, sizeof e->time, "%s",
		 ev->time_text ? ev->time_text : "");
	e->has_object = object != NULL;
	if (object)
		put_capped(&e->object, object, TL_OBJ_MAX);
	else
		sb_reset(&e->object);
	put_capped(&e->raw, ev->raw ? ev->raw : "", TL_RAW_MAX);
	e->has_stack = ev->stack != NULL;
	if (ev->stack)
		put_capped(&e->stack, ev->stack, TL_STACK_MAX);
	else
		sb_reset(&e->stack);
}

static void sb_copy(struct strbuf *d, const struct strbuf *s)
{
	sb_reset(d);
	if (s->len)
		sb_add(d, s->s, s->len);
}

void evc_copy(struct evcopy *dst, const struct evcopy *src)
{
	if (dst == src)
		return;
	struct strbuf o = dst->object, r = dst->raw, k = dst->stack;
	*dst = *src;
	dst->object = o;
	dst->raw = r;
	dst->stack = k;
	sb_copy(&dst->object, &src->object);
	sb_copy(&dst->raw, &src->raw);
	sb_copy(&dst->stack, &src->stack);
}

/* The result as a person reads it: "0", "-1 EBADF", "? ERESTARTSYS",
 * "10038 WSAENOTSOCK"; NULL for an ETW event without a result. */
const char *evc_result(struct timeline *tl, const struct evcopy *e)
{
	if (e->unfinished)
		return "<unfinished ...>";
	if (e->role == RO_EXIT && !e->has_ret)
		return e->etw ? NULL : "?";
	if (e->etw) {
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
