/* parser/perf_trace.c - `perf trace -o FILE` text:
 *
 *   513463.260 ( 0.016 ms): kb-socket/6578 openat(dfd: CWD, filename: 0x7f9740b1, flags: RDONLY|CLOEXEC) = 4
 *   513465.043 (         ): launcher/6579 prctl(option: SET_NAME, arg2: 0x5610)  ...
 *   513465.043 ( 0.027 ms): server/6579  ... [continued]: prctl()) = 0
 *        0.000 launcher/6867 task:task_newtask(pid: 6868 (launcher), comm: "launcher", clone_flags: 4001536)
 *
 * Times are milliseconds (since boot with -T, else since the start);
 * "COMM/TID"; arguments "name: value", where perf leaves out the ones
 * that are 0 and strips flag prefixes (O_, SOCK_, F_, CLONE_).  Each call
 * is put back into the text strace -X raw would print (arguments in
 * their places by the tracepoint's names, syscall_args.def; prefixes
 * back) and goes through strace's scanner and effect builder.
 *
 * perf's "fd: 4<socket:[295825]>" decorations come from a cache of what
 * it saw opened and can be stale (a read on a file shown as that
 * socket): they are dropped, never used to tell objects apart.  No CPU is
 * printed: events carry cpu -1. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "perf_int.h"

struct scargs {
	const char *name;
	const char *args;   /* space-separated names, in order */
};
static const struct scargs scargs_table[] = {
#define SCARGS(name, args) { #name, args },
#include "syscall_args.def"
#undef SCARGS
};

const char *perf_args_of(const char *name)
{
	for (size_t i = 0; i < sizeof scargs_table / sizeof scargs_table[0];
	     i++)
		if (strcmp(scargs_table[i].name, name) == 0)
			return scargs_table[i].args;
	return NULL;
}

/* the position of argument name in the list, or -1 */
static int arg_index(const char *list, const char *name, size_t n)
{
	int i = 0;
	for (const char *p = list; *p; i++) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && memcmp(p, name, n) == 0)
			return i;
		if (!e)
			break;
		p = e + 1;
	}
	return -1;
}

struct ptrace_rd {
	struct instream *in;
	struct input_stats *st;
	const char *path;
	struct ptasks tasks;
	struct arena ar;
	struct strbuf text, raw, argv[CALL_MAX_ARGS];
	long line_no;
	int finished;
	unsigned seen;
	int abs_time, has_dur;
	int64_t reemit;       /* TID whose entry event is still to go out */
	long n_calls, n_summary, n_newtask, n_pexit, n_clone_unknown,
	     n_lost, n_alone, n_decor, n_failed;
	/* events lost: the loss runs from the last time seen before its
	 * note to the next one after it */
	long n_lost_notes, pend_lost, pend_line, n_fork, n_fork_unknown,
	     n_exec;
	struct perf_counts cnt;
	int64_t last_ts;
};

static int is_dig(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- the leader ------------------------------------------------------ */

struct pt_line {
	int has_ts;
	int64_t ts;
	const char *ts_text;
	size_t ts_len;
	int has_dur;
	int64_t dur;
	const char *comm;
	size_t comm_len;
	int64_t tid;
	size_t body;    /* offset of the call, event or "... [continued]" */
};

static int read_leader(const char *s, size_t n, struct pt_line *pl)
{
	size_t i = 0;
	memset(pl, 0, sizeof *pl);
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] == '?') {
		i++;
	} else {
		size_t t = perf_read_time(s + i, n - i, 1000000, &pl->ts);
		if (!t)
			return 0;
		pl->has_ts = 1;
		pl->ts_text = s + i;
		pl->ts_len = t;
		i += t;
	}
	if (i >= n || s[i] != ' ')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] == '(') {
		/* "( 0.016 ms): " or "(         ): " */
		const char *e = memchr(s + i, ')', n - i);
		if (!e || (size_t)(e - s) + 2 >= n || e[1] != ':')
			return 0;
		size_t j = i + 1;
		while (j < (size_t)(e - s) && s[j] == ' ')
			j++;
		int64_t d;
		size_t k = perf_read_time(s + j, (size_t)(e - s) - j, 1000000,
					  &d);
		if (k) {
			pl->has_dur = 1;
			pl->dur = d;
		}
		i = (size_t)(e - s) + 2;
		while (i < n && s[i] == ' ')
			i++;
	}
	/* COMM/TID: comm is at most 15 bytes and may hold '/' or spaces:
	 * the first "/DIGITS " after it ends it */
	size_t c0 = i;
	for (; i < n && i - c0 < 40; i++) {
		if (s[i] != '/' || i + 1 >= n || !is_dig(s[i + 1]))
			continue;
		size_t j = i + 1;
		int64_t v = 0;
		while (j < n && is_dig(s[j]) && j - i < 12)
			v = v * 10 + (s[j++] - '0');
		if (j < n && s[j] != ' ')
			continue;
		pl->comm = s + c0;
		pl->comm_len = i - c0;
		pl->tid = v;
		while (j < n && s[j] == ' ')
			j++;
		pl->body = j;
		return j < n;
	}
	return 0;
}

int perf_trace_sniff_line(const char *s, size_t n)
{
	struct pt_line pl;
	if (!read_leader(s, n, &pl))
		return 0;
	const char *b = s + pl.body;
	size_t bn = n - pl.body;
	if (bn >= 15 && memcmp(b, "... [continued]", 15) == 0)
		return 1;
	size_t k = 0;
	while (k < bn && (is_dig(b[k]) || (b[k] >= 'a' && b[k] <= 'z') ||
			  b[k] == '_' || b[k] == ':'))
		k++;
	return k > 0 && k < bn && b[k] == '(';
}

/* ---- arguments ------------------------------------------------------- */

static int upper_word(const char *s, size_t n)
{
	if (!n || !(s[0] >= 'A' && s[0] <= 'Z'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || is_dig(s[i]) ||
		      s[i] == '_'))
			return 0;
	return 1;
}

/* The prefix perf strips from argument i's flag names, to put back. */
static const char *flag_prefix(const struct sc_info *sc, int i)
{
	switch ((enum sc_kind)sc->kind) {
	case K_FCNTL:
		return i == 1 ? "F_" : i == 2 ? "FD_" : NULL;
	case K_CLONE:
	case K_UNSHARE:
		return i == 0 ? "CLONE_" : NULL;
	case K_CLOSE_RANGE:
		return i == 2 ? "CLOSE_RANGE_" : NULL;
	default:
		return NULL;
	}
}

/* One value as strace would print it: decoration and "(comm)" gone,
 * CWD as AT_FDCWD, flag names with their prefix back. */
static void put_value(struct strbuf *sb, const struct sc_info *sc, int i,
		      const char *v, size_t n, long *decor)
{
	const char *lt = memchr(v, '<', n);
	if (lt && lt > v && is_dig(lt[-1])) {
		n = (size_t)(lt - v);   /* "4<socket:[295825]>": a hint */
		(*decor)++;
	}
	if (n && is_dig(v[0])) {
		const char *sp = memchr(v, ' ', n);
		if (sp)
			n = (size_t)(sp - v);   /* "6581 (worker)" */
	}
	if (sc && ((sc->kind == K_PIPE && i == 0) ||
		   (sc->kind == K_SOCKETPAIR && i == 3))) {
		sb_puts(sb, "[?, ?]");   /* the fds went to memory */
		return;
	}
	if (n == 3 && memcmp(v, "CWD", 3) == 0) {
		sb_puts(sb, "AT_FDCWD");
		return;
	}
	if (!sc || !n || !(v[0] >= 'A' && v[0] <= 'Z')) {
		sb_add(sb, v, n);
		return;
	}
	const char *pre = flag_prefix(sc, i);
	size_t k = 0;
	while (k < n) {
		size_t e = k;
		while (e < n && v[e] != '|')
			e++;
		if (upper_word(v + k, e - k)) {
			if (e - k == 7 && memcmp(v + k, "CLOEXEC", 7) == 0 &&
			    sc->cx_arg == i && sc->cx_name)
				sb_puts(sb, sc->cx_name);
			else {
				if (pre && !(e - k > strlen(pre) &&
					     memcmp(v + k, pre, strlen(pre)) == 0))
					sb_puts(sb, pre);
				sb_add(sb, v + k, e - k);
			}
		} else {
			sb_add(sb, v + k, e - k);
		}
		if (e < n)
			sb_putc(sb, '|');
		k = e + 1;
	}
}

/* The argument text of "NAME(" ... ")" (s, n: from after the '(' to the
 * end of the line), in strace's order, into p->text; *after: the offset
 * in s of the ')' that closes the list. */
static int convert_args(struct ptrace_rd *p, const char *name,
			const struct sc_info *sc, const char *s, size_t n,
			size_t *after)
{
	struct call c;
	if (call_scan(s, n, &c) < 0 || c.close < 0)
		return -1;
	*after = (size_t)c.close;
	const char *names = perf_args_of(name);
	int nargs = c.nargs < CALL_MAX_ARGS ? c.nargs : CALL_MAX_ARGS;
	int top = -1;
	for (int k = 0; k < CALL_MAX_ARGS; k++)
		sb_reset(&p->argv[k]);
	for (int k = 0; k < nargs; k++) {
		const char *a = s + c.arg[k].off;
		size_t al = c.arg[k].len;
		const char *colon = memchr(a, ':', al);
		int pos = k;
		const char *v = a;
		size_t vl = al;
		if (colon && colon + 1 < a + al && colon[1] == ' ') {
			int at = names ? arg_index(names, a,
						   (size_t)(colon - a)) : -1;
			if (at >= 0)
				pos = at;
			v = colon + 2;
			vl = al - (size_t)(v - a);
		}
		if (pos >= CALL_MAX_ARGS)
			continue;
		sb_reset(&p->argv[pos]);
		put_value(&p->argv[pos], sc, pos, v, vl, &p->n_decor);
		if (pos > top)
			top = pos;
	}
	if (names) {   /* every argument of the call, 0 where left out */
		int all = 1;
		for (const char *q = names; *q; q++)
			all += *q == ' ';
		if (all - 1 > top)
			top = all - 1 < CALL_MAX_ARGS ? all - 1 :
			      CALL_MAX_ARGS - 1;
	}
	sb_reset(&p->text);
	for (int k = 0; k <= top; k++) {
		if (k)
			sb_add(&p->text, ", ", 2);
		if (p->argv[k].len)
			sb_add(&p->text, p->argv[k].s, p->argv[k].len);
		else
			sb_putc(&p->text, '0');
	}
	if (sc && sc->kind == K_CLONE && top >= 0) {
		/* the effect builder finds clone's flags after "flags=" */
		sb_reset(&p->raw);
		sb_puts(&p->raw, "flags=");
		sb_add(&p->raw, p->text.s, p->text.len);
		sb_reset(&p->text);
		sb_add(&p->text, p->raw.s, p->raw.len);
	}
	return 0;
}

/* " = RET ..." after the ')' (leading spaces squeezed): numbers and
 * "-1 ENAME (msg)" stay; a symbolic result (fcntl's "= CLOEXEC") reads
 * as "= 0 (CLOEXEC)". */
static int convert_result(struct strbuf *sb, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || s[i] != '=')
		return -1;
	i++;
	while (i < n && s[i] == ' ')
		i++;
	sb_puts(sb, ") = ");
	if (i < n && (is_dig(s[i]) || s[i] == '-' || s[i] == '?')) {
		sb_add(sb, s + i, n - i);
		return 0;
	}
	sb_puts(sb, "0 (");
	sb_add(sb, s + i, n - i);
	sb_putc(sb, ')');
	return 0;
}

/* ---- events ---------------------------------------------------------- */

static const char *squeeze(struct ptrace_rd *p, const char *s, size_t n)
{
	/* the raw text without perf's column padding */
	sb_reset(&p->raw);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ' && i + 1 < n && s[i + 1] == ' ')
			continue;
		sb_putc(&p->raw, s[i]);
	}
	const char *r = arena_put(&p->ar, p->raw.s, p->raw.len);
	return r ? r : "";
}

static void start_event(struct ptrace_rd *p, struct ht_event *ev,
			enum ev_type type, enum ev_phase ph, long line,
			const struct pt_line *pl, int64_t ts,
			const char *ts_text, size_t ts_len, size_t need)
{
	arena_reset(&p->ar, need * 3 + 1024);
	perf_ev_init(ev, type, ph, p->path, line, pl->tid, -1,
		     ts);
	if (ts_text) {
		const char *t = arena_put(&p->ar, ts_text, ts_len);
		ev->time_text = t ? t : "";
	}
	if (pl->comm_len && pl->comm[0] != ':')
		ev->thread_name = arena_put(&p->ar, pl->comm, pl->comm_len);
}

static int effects(struct ptrace_rd *p, struct ptask *t, enum fx_mode mode,
		   struct ht_event *ev, size_t n, size_t entry_len)
{
	if (perf_call_effects(t->sc, t->text, n, mode, entry_len, ev, &p->ar,
			      &p->seen) < 0) {
		input_stats_skip(p->st, p->line_no, "could not read back the "
				 "call built from this line");
		return 0;
	}
	int unseen = t->sc && (t->sc->kind == K_PIPE ||
			       t->sc->kind == K_SOCKETPAIR) &&
		     mode != FXM_ENTRY && ev->has_ret && !ev->failed ? 2 : 0;
	if (!p->cnt.basic || p->n_lost_notes)
		unseen = FDSEEN_ANY;   /* creating calls may be missing */
	perf_drop_told_spawns(&p->tasks, ev);
	perf_exec_fx(t, ev, &p->ar);
	if (fdseen_event(&p->tasks, t, ev, unseen, p->n_clone_unknown > 0) &&
	    mode == FXM_ENTRY) {
		fdseen_outside_only(ev);
		p->reemit = t->tid;    /* the entry follows */
		return 1;
	}
	if (mode != FXM_ENTRY) {
		p->n_calls++;
		if (ev->failed)
			p->n_failed++;
	}
	perf_count_fx(ev, &p->cnt);
	return 1;
}

/* the flags task_newtask gave clone3's child, into the text */
static void clone3_flags(struct ptrace_rd *p, struct ptask *t, int64_t ret)
{
	if (strcmp(t->name, "clone3") != 0 || ret <= 0)
		return;
	struct ptask *c = ptask_find(&p->tasks, ret);
	if (!c || c->newtask_flags < 0) {
		p->n_clone_unknown++;
		t->sc = NULL;
		return;
	}
	sb_reset(&p->raw);
	sb_printf(&p->raw, "{flags=%#llx}, 0",
		  (unsigned long long)c->newtask_flags);
	size_t res = t->args_len;
	sb_add(&p->raw, t->text + res, t->text_len - res);
	size_t al = p->raw.len - (t->text_len - res);
	ptask_set_text(t, p->raw.s, p->raw.len);
	t->args_len = al;
	t->sc = sc_lookup("clone3", 6);
}

static int64_t ret_value(const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	if (!eq)
		return 0;
	return strtoll(eq + 1, NULL, 0);
}

/* "NAME(args) = RET", "NAME(args)  ..." */
static int call_line(struct ptrace_rd *p, const char *s, size_t n,
		     const struct pt_line *pl, struct ht_event *ev)
{
	size_t b = pl->body;
	const char *lp = memchr(s + b, '(', n - b);
	if (!lp || (size_t)(lp - (s + b)) >= 32)
		return -1;
	size_t nl = (size_t)(lp - (s + b));
	char name[32];
	memcpy(name, s + b, nl);
	name[nl] = '\0';
	if (memchr(name, ':', nl))
		return -2;        /* a tracepoint event */
	const struct sc_info *sc = sc_lookup(name, nl);
	size_t a0 = (size_t)(lp - s) + 1, close;
	if (convert_args(p, name, sc, s + a0, n - a0, &close) < 0)
		return -1;
	size_t rest = a0 + close + 1;
	struct ptask *t = ptask_get(&p->tasks, pl->tid);
	snprintf(t->name, sizeof t->name, "%s", name);
	if (sc_always_made(sc))
		p->cnt.basic = 1;
	t->sc = sc && sc->kind == K_CLONE && strcmp(name, "clone3") == 0 ?
		NULL : sc;
	t->exit_only = 0;
	t->line = p->line_no;
	t->ts = pl->has_ts ? pl->ts : TS_NONE;
	t->pid = -1;
	size_t tl = pl->ts_len < sizeof t->time_text ? pl->ts_len :
		    sizeof t->time_text - 1;
	memcpy(t->time_text, pl->ts_text ? pl->ts_text : "", tl);
	t->time_text[tl] = '\0';
	t->args_len = p->text.len;
	const char *tail = s + rest;
	size_t tn = n - rest;
	while (tn && tail[0] == ' ')
		tail++, tn--;
	ptask_set_raw(t, s + b, n - b);
	if (tn >= 3 && memcmp(tail, "...", 3) == 0) {
		/* blocked: its exit comes as "... [continued]" */
		ptask_set_text(t, p->text.s, p->text.len);
		t->pending = 1;
		t->entry_out = 1;
		start_event(p, ev, EV_CALL, PH_ENTRY, p->line_no, pl, t->ts,
			    t->time_text, tl, n);
		ev->call = sc ? sc->name : arena_put(&p->ar, name, nl);
		ev->raw = squeeze(p, s + b, n - b);
		return effects(p, t, FXM_ENTRY, ev, t->args_len, 0);
	}
	if (convert_result(&p->text, tail, tn) < 0)
		return -1;
	ptask_set_text(t, p->text.s, p->text.len);
	t->pending = 0;
	int64_t ret = ret_value(tail, tn);
	if (sc && sc->kind == K_CLONE)
		clone3_flags(p, t, ret);
	start_event(p, ev, EV_CALL, PH_FULL, p->line_no, pl, t->ts,
		    t->time_text, tl, n);
	ev->call = sc ? sc->name : arena_put(&p->ar, name, nl);
	ev->raw = squeeze(p, s + b, n - b);
	if (pl->has_dur) {
		ev->dur = pl->dur;
		p->has_dur = 1;
	}
	return effects(p, t, FXM_FULL, ev, t->text_len, 0);
}

/* "... [continued]: NAME()) = RET" */
static int continued(struct ptrace_rd *p, const char *s, size_t n,
		     const struct pt_line *pl, struct ht_event *ev)
{
	size_t i = pl->body + 15;
	if (i + 2 > n || s[i] != ':')
		return -1;
	i += 2;
	const char *lp = memchr(s + i, '(', n - i);
	if (!lp || lp - (s + i) >= 32)
		return -1;
	size_t nl = (size_t)(lp - (s + i));
	char name[32];
	memcpy(name, s + i, nl);
	name[nl] = '\0';
	const char *rp = memchr(lp, ')', (size_t)(s + n - lp));
	if (!rp || rp + 1 >= s + n || rp[1] != ')')
		return -1;
	const char *tail = rp + 2;
	size_t tn = (size_t)(s + n - tail);
	struct ptask *t = ptask_get(&p->tasks, pl->tid);
	const struct sc_info *sc = sc_lookup(name, nl);
	int64_t ret = ret_value(tail, tn);
	if (!t->pending || strcmp(t->name, name) != 0) {
		if (sc && (sc->kind == K_CLONE || sc->kind == K_FORK) &&
		    ret == 0)
			return 0;    /* the child's side of a clone */
		if (!sc || sc->kind != K_EXEC)
			p->n_alone++;
		snprintf(t->name, sizeof t->name, "%s", name);
		t->sc = sc && sc->kind == K_CLONE ? NULL : sc;
		ptask_set_text(t, "", 0);
		ptask_set_raw(t, "", 0);
		t->args_len = 0;
		t->entry_out = 0;
		t->line = p->line_no;
		t->ts = pl->has_ts ? pl->ts : TS_NONE;
		t->time_text[0] = '\0';
	}
	sb_reset(&p->text);
	sb_add(&p->text, t->text, t->args_len);
	if (convert_result(&p->text, tail, tn) < 0)
		return -1;
	ptask_set_text(t, p->text.s, p->text.len);
	if (sc && sc->kind == K_CLONE)
		clone3_flags(p, t, ret);
	int was = t->entry_out && t->pending;
	t->pending = 0;
	start_event(p, ev, EV_CALL, was ? PH_EXIT : PH_FULL, t->line, pl,
		    t->ts, t->time_text, strlen(t->time_text),
		    n + t->raw_len);
	ev->end_line = was ? p->line_no : 0;
	ev->call = t->sc ? t->sc->name : arena_put(&p->ar, name, nl);
	sb_reset(&p->raw);
	if (t->raw_len) {
		sb_add(&p->raw, t->raw, t->raw_len);
		sb_puts(&p->raw, " ");
	}
	sb_add(&p->raw, s + pl->body, n - pl->body);
	ev->raw = squeeze(p, p->raw.s, p->raw.len);
	if (pl->has_dur) {
		ev->dur = pl->dur;
		p->has_dur = 1;
	}
	return effects(p, t, was ? FXM_EXIT : FXM_FULL, ev, t->text_len,
		       was ? t->args_len : 0);
}

/* "sys:event(field: value, ...)" */
static int tp_field(const char *s, size_t n, const char *key, int64_t *v)
{
	size_t kl = strlen(key);
	for (const char *q = s; (q = memmem(q, n - (size_t)(q - s), key,
					     kl)) != NULL; q += kl) {
		if (q > s && q[-1] != '(' && q[-1] != ' ')
			continue;
		if ((size_t)(q - s) + kl + 2 > n || q[kl] != ':' ||
		    q[kl + 1] != ' ')
			continue;
		*v = strtoll(q + kl + 2, NULL, 0);
		return 1;
	}
	return 0;
}

/* "sched:sched_process_fork(parent_comm: "a", parent_pid: 5 (a),
 * child_comm: "a", child_pid: 6 (a))": the child, where its clone is not
 * recorded (perf trace -e subsets) and task:task_newtask gave its flags */
static int fork_tp(struct ptrace_rd *p, const char *s, size_t n,
		   const struct pt_line *pl, struct ht_event *ev)
{
	const char *b = s + pl->body;
	size_t bn = n - pl->body;
	int64_t parent, child;
	if ((!tp_field(b, bn, "parent_pid", &parent) &&
	     !tp_field(b, bn, "pid", &parent)) ||
	    !tp_field(b, bn, "child_pid", &child) || parent <= 0 ||
	    child <= 0)
		return -1;
	p->n_fork++;
	if (!perf_fork_tellable(&p->tasks, parent, child, &p->n_fork_unknown))
		return 0;
	start_event(p, ev, EV_TASK_INFO, PH_FULL, p->line_no, pl,
		    pl->has_ts ? pl->ts : TS_NONE, pl->ts_text, pl->ts_len, n);
	ev->tid = parent;
	ev->raw = squeeze(p, b, bn);
	perf_fork_spawn(&p->tasks, ptask_find(&p->tasks, parent), child, ev);
	return 1;
}

/* "sched:sched_process_exec(filename: "/usr/bin/cat", pid: 7 (cat),
 * old_pid: 7 (cat))": the exec, and the program's name */
static int exec_tp(struct ptrace_rd *p, const char *s, size_t n,
		   const struct pt_line *pl, struct ht_event *ev)
{
	const char *b = s + pl->body;
	size_t bn = n - pl->body;
	int64_t pid, old;
	if (!tp_field(b, bn, "pid", &pid) || !tp_field(b, bn, "old_pid", &old))
		return -1;
	p->n_exec++;
	const char *f = memmem(b, bn, "filename: \"", 11), *e = NULL;
	if (f) {
		f += 11;
		e = memchr(f, '"', (size_t)(b + bn - f));
	}
	start_event(p, ev, EV_TASK_INFO, PH_FULL, p->line_no, pl,
		    pl->has_ts ? pl->ts : TS_NONE, pl->ts_text, pl->ts_len, n);
	ev->tid = pid;
	ev->raw = squeeze(p, b, bn);
	return perf_exec_event(&p->tasks, pid, old, e ? f : NULL,
			       e ? (size_t)(e - f) : 0, ev, &p->ar);
}

static int tracepoint(struct ptrace_rd *p, const char *s, size_t n,
		      const struct pt_line *pl, struct ht_event *ev)
{
	const char *b = s + pl->body;
	size_t bn = n - pl->body;
	int64_t v, f;
	if (bn > 18 && memcmp(b, "task:task_newtask(", 18) == 0) {
		if (!tp_field(b, bn, "pid", &v) ||
		    !tp_field(b, bn, "clone_flags", &f))
			return -1;
		ptask_get(&p->tasks, v)->newtask_flags = f;
		p->n_newtask++;
		return 0;
	}
	if (bn > 25 && memcmp(b, "sched:sched_process_fork(", 25) == 0)
		return fork_tp(p, s, n, pl, ev);
	if (bn > 25 && memcmp(b, "sched:sched_process_exec(", 25) == 0)
		return exec_tp(p, s, n, pl, ev);
	if (bn > 25 && memcmp(b, "sched:sched_process_exit(", 25) == 0) {
		if (!tp_field(b, bn, "pid", &v))
			return -1;
		p->n_pexit++;
		start_event(p, ev, EV_TASK_EXIT, PH_FULL, p->line_no, pl,
			    pl->has_ts ? pl->ts : TS_NONE, pl->ts_text,
			    pl->ts_len, n);
		ev->tid = v;
		ev->call = "sched_process_exit";
		ev->raw = squeeze(p, b, bn);
		struct ptask *t = ptask_find(&p->tasks, v);
		if (t)
			t->pending = 0;
		return 1;
	}
	return 0;    /* other events say nothing about descriptors */
}

/* ---- the reader ------------------------------------------------------ */

static int neutral(struct ptrace_rd *p, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#')
		return 1;   /* perf trace prints no '#': a header kept with a
			       capture (its command), as perf script's */
	const char *lost = memmem(s, n, "LOST ", 5);
	if (lost) {      /* "LOST 12 events!": no CPU, no time */
		long v = strtol(lost + 5, NULL, 10);
		p->n_lost += v > 0 ? v : 0;
		p->n_lost_notes++;
		p->pend_lost += v > 0 ? v : 0;
		if (!p->pend_line)
			p->pend_line = p->line_no;
		return 1;
	}
	/* -s / -S summary tables */
	static const char *const sum[] = {
		"Summary of events:", "syscall ", "(msec)", "---",
	};
	for (size_t k = 0; k < sizeof sum / sizeof sum[0]; k++)
		if (n - i >= strlen(sum[k]) &&
		    memcmp(s + i, sum[k], strlen(sum[k])) == 0) {
			p->n_summary++;
			return 1;
		}
	if (memmem(s, n, " events, ", 9) && s[n - 1] == '%') {
		p->n_summary++;      /* " comm (tid), N events, P%" */
		return 1;
	}
	if (p->n_summary) {      /* a summary row: "close  5  0  0.160 ..." */
		size_t k = i;
		while (k < n && s[k] != ' ')
			k++;
		while (k < n && s[k] == ' ')
			k++;
		if (k < n && is_dig(s[k]) && !memchr(s, '(', n)) {
			p->n_summary++;
			return 1;
		}
	}
	return 0;
}

/* a time seen at or after a loss ends it */
static void lost_until(struct ptrace_rd *p, int64_t ts)
{
	if (p->pend_line) {
		input_stats_gap(p->st, -1, p->last_ts, ts, p->pend_lost,
				p->pend_line);
		p->pend_line = p->pend_lost = 0;
	}
	p->last_ts = ts;
}

static void finish(struct ptrace_rd *p)
{
	if (p->finished)
		return;
	p->finished = 1;
	struct input_stats *st = p->st;
	char msg[200];
	snprintf(st->flags, sizeof st->flags, "%s%s%s%s%s%s%s",
		 p->abs_time ? "-T (ms since boot)" : "ms since the start",
		 p->n_newtask ? " -e task:task_newtask" : "",
		 p->n_pexit ? " -e sched:sched_process_exit" : "",
		 p->n_fork ? " -e sched:sched_process_fork" : "",
		 p->n_exec ? " -e sched:sched_process_exec" : "",
		 p->n_summary ? (p->n_calls ? " -S" : " -s") : "",
		 p->n_calls > 1 && p->n_failed == p->n_calls ? " --failure" :
		 "");
	if (p->n_summary && !p->n_calls)
		input_stats_limit(st, "a summary only (perf trace -s): no "
				  "calls to follow; record without -s, or "
				  "with -S");
	if (p->n_calls >= 5 && p->n_failed == p->n_calls)
		input_stats_limit(st, "only failed calls (perf trace "
				  "--failure): opens and closes that "
				  "succeeded are invisible");
	if (p->n_calls)
		input_stats_limit(st, "perf trace prints no CPU, and its "
				  "fd<path> decorations come from perf's own "
				  "cache: objects are told apart by the order "
				  "of calls only");
	if (p->n_fork_unknown) {
		snprintf(msg, sizeof msg, "%ld sched_process_fork without "
			 "their clone call or task:task_newtask: fd table "
			 "sharing inferred", p->n_fork_unknown);
		input_stats_limit(st, msg);
	}
	if (p->n_clone_unknown) {
		snprintf(msg, sizeof msg, "%ld clone3 calls without "
			 "task:task_newtask: whether each child shares the fd "
			 "table is not known (perf trace -e "
			 "task:task_newtask --syscalls)", p->n_clone_unknown);
		input_stats_limit(st, msg);
	}
	if (p->pend_line)
		lost_until(p, TS_NONE);
	if (p->n_lost_notes) {
		snprintf(msg, sizeof msg, "%ld events LOST (said %ld time%s): "
			 "calls are missing; a finding whose evidence spans a "
			 "loss is only a note (perf trace -m: larger buffers)",
			 p->n_lost, p->n_lost_notes,
			 p->n_lost_notes == 1 ? "" : "s");
		input_stats_limit(st, msg);
	}
	if (p->n_alone) {
		snprintf(msg, sizeof msg, "%ld calls seen only by their "
			 "end (\"... [continued]\" without its start): "
			 "their arguments are unknown", p->n_alone);
		input_stats_limit(st, msg);
	}
	perf_whole_limits(st, &p->cnt);
	if (p->n_calls)
		input_stats_limit(st, "fds a call writes to memory are not "
				  "shown (pipe, socketpair, SCM_RIGHTS): their "
				  "first use shows them as open before the "
				  "trace");
}

int perf_trace_next(void *vp, struct ht_event *ev, struct ht_error *err)
{
	struct ptrace_rd *p = vp;
	if (p->reemit) {
		struct ptask *t = ptask_find(&p->tasks, p->reemit);
		p->reemit = 0;
		if (t && t->pending) {
			struct pt_line pl;
			memset(&pl, 0, sizeof pl);
			pl.tid = t->tid;
			start_event(p, ev, EV_CALL, PH_ENTRY, t->line, &pl,
				    t->ts, t->time_text, strlen(t->time_text),
				    t->raw_len + t->text_len);
			ev->call = t->sc ? t->sc->name :
				   arena_put(&p->ar, t->name, strlen(t->name));
			ev->raw = squeeze(p, t->raw, t->raw_len);
			if (effects(p, t, FXM_ENTRY, ev, t->args_len, 0)) {
				p->st->events++;
				return 1;
			}
		}
	}
	for (;;) {
		const char *s;
		size_t n;
		int r = instream_getline(p->in, &s, &n, err);
		if (r < 0)
			return -1;
		if (r == 0) {
			finish(p);
			return 0;
		}
		p->line_no = instream_lineno(p->in);
		p->st->lines++;
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
			n--;
		if (neutral(p, s, n))
			continue;
		struct pt_line pl;
		if (!read_leader(s, n, &pl)) {
			input_stats_skip(p->st, p->line_no, "not a perf trace "
					 "line");
			continue;
		}
		if (pl.has_ts && p->st->ts_first == TS_NONE &&
		    pl.ts >= 10000000000ll)
			p->abs_time = 1;   /* the first time: since boot */
		if (pl.has_ts)
			lost_until(p, pl.ts);
		int got;
		if (n - pl.body >= 15 &&
		    memcmp(s + pl.body, "... [continued]", 15) == 0)
			got = continued(p, s, n, &pl, ev);
		else if ((got = call_line(p, s, n, &pl, ev)) == -2)
			got = tracepoint(p, s, n, &pl, ev);
		if (got < 0) {
			input_stats_skip(p->st, p->line_no, "a perf trace line "
					 "whose call or result does not read");
			continue;
		}
		if (!got)
			continue;
		p->st->events++;
		if (ev->ts != TS_NONE) {
			p->st->clock = TSC_RELATIVE;   /* since boot */
			if (p->st->ts_first == TS_NONE ||
			    ev->ts < p->st->ts_first)
				p->st->ts_first = ev->ts;
			if (p->st->ts_last == TS_NONE ||
			    ev->ts > p->st->ts_last)
				p->st->ts_last = ev->ts;
		}
		return 1;
	}
}

void *perf_trace_open(struct instream *in, const struct parser_options *o,
		      struct input_stats *st, struct ht_error *err)
{
	(void)o;
	(void)err;
	struct ptrace_rd *p = xcalloc(1, sizeof *p);
	p->in = in;
	p->st = st;
	p->path = instream_path(in);
	st->ts_first = st->ts_last = TS_NONE;
	sb_init(&p->text);
	sb_init(&p->raw);
	for (int k = 0; k < CALL_MAX_ARGS; k++)
		sb_init(&p->argv[k]);
	return p;
}

void perf_trace_close(void *vp)
{
	struct ptrace_rd *p = vp;
	if (!p)
		return;
	instream_close(p->in);
	ptasks_free(&p->tasks);
	sb_free(&p->text);
	sb_free(&p->raw);
	for (int k = 0; k < CALL_MAX_ARGS; k++)
		sb_free(&p->argv[k]);
	free(p->ar.p);
	free(p);
}
