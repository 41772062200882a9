/* reports/label.c - one place that turns the model's ids, names and
 * numbers into what a person reads (see label.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "label.h"

void label_thread(struct strbuf *sb, const char *thread_name,
		  const char *process_name, int64_t tid, int64_t pid)
{
	const char *name = thread_name && *thread_name ? thread_name
						       : process_name;
	int other = pid >= 0 && pid != tid;
	if (name && *name) {
		sb_printf(sb, "%s (%" PRId64, name, tid);
		if (other)
			sb_printf(sb, ", pid %" PRId64, pid);
		sb_putc(sb, ')');
		return;
	}
	task_label(sb, "thread", NULL, tid);
	if (other)
		sb_printf(sb, " (pid %" PRId64 ")", pid);
}

void label_process(struct strbuf *sb, const char *process_name, int64_t pid)
{
	task_label(sb, "process", process_name, pid);
}

void label_handle_num(struct strbuf *sb, const struct source_traits *tr,
		      int64_t h)
{
	if (tr && tr->handle_hex && h >= 0)
		sb_printf(sb, "0x%" PRIX64, (uint64_t)h);
	else
		sb_printf(sb, "%" PRId64, h);
}

void label_handle(struct strbuf *sb, const struct source_traits *tr,
		  int64_t h)
{
	sb_puts(sb, tr && tr->noun ? tr->noun : "fd");
	sb_putc(sb, ' ');
	label_handle_num(sb, tr, h);
}

void label_loc(struct strbuf *sb, const struct source_loc *l)
{
	sb_printf(sb, "%s:%ld", l->file ? l->file : "", l->line);
	if (l->event > 0 && l->offset > 0)   /* .etl: time order, byte */
		sb_printf(sb, " (event %ld, byte 0x%llx)", l->event,
			  l->offset);
	else if (l->event > 0)
		sb_printf(sb, " (event %ld)", l->event);
}

void label_summary(struct strbuf *sb, const struct finding *f)
{
	sb_printf(sb, "%s ", finding_kind_name(f->kind));
	label_handle(sb, f->traits, f->handle);
	if (f->object)
		sb_printf(sb, " (%s)", f->object);
	sb_putc(sb, ' ');
	label_loc(sb, &f->src);
	sb_puts(sb, " in ");
	label_thread(sb, f->thread_name, f->process_name, f->tid, -1);
	if (f->call)
		sb_printf(sb, " %s()", f->call);
}

const struct source_traits *capture_traits(const struct capture *c)
{
	for (int i = 0; i < c->ninputs; i++)
		if (c->inputs[i].traits)
			return c->inputs[i].traits;
	return &traits_strace;
}

/* ---- times ------------------------------------------------------------ */

#define NS_S 1000000000LL
#define DAY_S 86400LL

void label_clock_of(struct label_clock *k, const struct capture *c)
{
	const struct timeline_stats *ts = c->tl ? timeline_stats(c->tl) : NULL;
	k->clock = TSC_NONE;
	k->t0 = ts ? ts->ts_first : TS_NONE;
	for (int i = 0; i < c->ninputs; i++) {
		const struct input_stats *in = &c->inputs[i];
		if (k->clock == TSC_NONE)
			k->clock = in->clock;
		if (in->ts_first != TS_NONE &&
		    (k->t0 == TS_NONE || in->ts_first < k->t0))
			k->t0 = in->ts_first;
	}
	if (k->t0 == TS_NONE)
		k->clock = TSC_NONE;
}

/* seconds and microseconds of ns, floored (times before 1970 too) */
static void split_us(int64_t ns, int64_t *s, int64_t *us)
{
	*s = ns / NS_S;
	int64_t r = ns % NS_S;
	if (r < 0) {
		r += NS_S;
		(*s)--;
	}
	*us = r / 1000;
}

void label_offset(struct strbuf *sb, const struct label_clock *k,
		  int64_t ts)
{
	int64_t d = ts - k->t0, s, us;
	int neg = d < 0;
	split_us(neg ? -d : d, &s, &us);
	sb_printf(sb, "%c%" PRId64 ".%06" PRId64 "s", neg ? '-' : '+', s, us);
}

/* "21:21:22.331252" */
static void clock_time(struct strbuf *sb, int64_t ns)
{
	int64_t s, us;
	split_us(ns, &s, &us);
	int64_t day = ((s % DAY_S) + DAY_S) % DAY_S;
	sb_printf(sb, "%02d:%02d:%02d.%06" PRId64, (int)(day / 3600),
		  (int)(day / 60 % 60), (int)(day % 60), us);
}

int label_time(struct strbuf *sb, const struct label_clock *k, int64_t ts)
{
	if (ts == TS_NONE || k->clock == TSC_NONE || k->t0 == TS_NONE)
		return 0;
	if (k->clock == TSC_RELATIVE) {
		label_offset(sb, k, ts);
		return 1;
	}
	clock_time(sb, ts);
	sb_puts(sb, " (");
	label_offset(sb, k, ts);
	sb_putc(sb, ')');
	return 1;
}

/* days since 1970-01-01 -> civil date (Howard Hinnant's algorithm) */
static void civil(int64_t days, int *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int label_iso(char buf[64], const struct label_clock *k, int64_t ts)
{
	buf[0] = '\0';
	if (ts == TS_NONE || k->clock != TSC_EPOCH)
		return 0;
	int64_t s, us;
	split_us(ts, &s, &us);
	int64_t days = s / DAY_S - (s % DAY_S < 0);
	int64_t sec = s - days * DAY_S;
	int y, m, d;
	civil(days, &y, &m, &d);
	snprintf(buf, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06d" "Z", y, m,
		 d, (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60),
		 (int)us);
	return 1;
}

void label_start(struct strbuf *sb, const struct label_clock *k)
{
	char iso[64];
	switch (k->clock) {
	case TSC_EPOCH:
		label_iso(iso, k, k->t0);
		iso[10] = ' ';
		iso[strlen(iso) - 1] = '\0';
		sb_printf(sb, "started %s UTC", iso);
		break;
	case TSC_DAY:
		sb_puts(sb, "started ");
		clock_time(sb, k->t0);
		sb_puts(sb, " (time of day: the trace gives no date)");
		break;
	case TSC_RELATIVE:
		sb_puts(sb, "relative timestamps only: times are +seconds "
			"from the first event");
		break;
	case TSC_NONE:
		sb_puts(sb, "no timestamps: events are in the order of the "
			"trace's lines");
		break;
	}
}

/* ---- the story in one sentence ----------------------------------------- */

static int role_is(const struct chain_step *s, const char *role)
{
	return s->role && strcmp(s->role, role) == 0;
}

/* "launcher (17247) opened fd 5 for anon_inode:[pidfd] (line 118)" */
static void in_order_step(struct strbuf *sb, const struct finding *f,
			  const struct chain_step *s, int first)
{
	label_thread(sb, s->thread_name, s->process_name, s->tid, -1);
	sb_putc(sb, ' ');
	const char *obj = s->object && *s->object ? s->object : "an object "
							      "not named";
	if (role_is(s, "opened") || role_is(s, "reused") ||
	    role_is(s, "created")) {
		int reuse = role_is(s, "reused");
		if (f->kind == FK_LEAK) {   /* one step per number it left */
			sb_printf(sb, "opened %s", obj);
		} else {
			sb_puts(sb, reuse ? "got number " : "opened ");
			if (reuse)
				label_handle_num(sb, f->traits, f->handle);
			else
				label_handle(sb, f->traits, f->handle);
			sb_printf(sb, " for %s", obj);
		}
	} else if (role_is(s, "closed")) {
		sb_puts(sb, "closed ");
		if (first)
			label_handle(sb, f->traits, f->handle);
		else
			sb_puts(sb, "it");
		if (s->object && *s->object)
			sb_printf(sb, " (%s)", s->object);
	} else if (role_is(s, "offending") && f->kind == FK_STALE_CLOSE) {
		sb_printf(sb, "closed it again, destroying %s", obj);
	} else if (role_is(s, "offending") &&
		   f->kind == FK_CLOSE_WHILE_IN_USE) {
		sb_puts(sb, "closed it under the blocked call");
	} else if (role_is(s, "exited")) {
		sb_printf(sb, "ended (%s)", s->call && *s->call ? s->call
							  : "exit");
	} else {
		if (role_is(s, "offending") && f->kind == FK_DOUBLE_CLOSE)
			sb_puts(sb, "closed it again: ");
		else if (role_is(s, "blocked"))
			sb_puts(sb, "was blocked in ");
		else
			sb_puts(sb, role_is(s, "failed") ? "failed in "
							 : "called ");
		sb_printf(sb, "%s(", s->call && *s->call ? s->call : "?");
		label_handle_num(sb, f->traits, f->handle);
		sb_putc(sb, ')');
		if (s->result && *s->result)
			sb_printf(sb, " = %s", s->result);
	}
	if (s->src.event > 0)
		sb_printf(sb, " (event %ld)", s->src.event);
	else
		sb_printf(sb, " (line %ld)", s->src.line);
}

void label_in_order(struct strbuf *sb, const struct finding *f)
{
	for (int i = 0; i < f->nchain; i++) {
		if (i)
			sb_puts(sb, " \xe2\x86\x92 ");
		in_order_step(sb, f, &f->chain[i], i == 0);
	}
	if (f->nchain)
		sb_putc(sb, '.');
}
