/* tests/unit/timeline_etw.c - the KB Q155738 story as ETW-like events
 * (pid and CPU set, Winsock error 10038): tables keyed by process. */
#include "unit.h"
#include "timeline_build.h"

#define PID 4000
#define A 10   /* closes its thread handle twice */
#define B 11   /* gets the number for its socket */
#define C 12   /* reuses the number for an event */

static void ev_at(struct bld *b, long n, int64_t tid, int cpu,
		  const char *call)
{
	b->cpu = cpu;
	b_call(b, n * 10, tid, call);
	b->ev.src.event = n;
	b->ev.has_ret = 0;
}

static void info(struct bld *b, long n, int64_t tid, const char *name)
{
	ev_at(b, n, tid, 0, "ThreadRundown");
	b->ev.type = EV_TASK_INFO;
	b->ev.thread_name = name;
	b_go(b);
}

static void kb_story(struct bld *b, int reuse)
{
	b->pid = PID;
	info(b, 1, A, "main");
	info(b, 2, B, "net");
	info(b, 3, C, "timer");
	ev_at(b, 4, A, 0, "CreateHandle");
	b_fx(b, EFF_CREATE, 0x1a4, 0, "Thread");
	b_go(b);
	ev_at(b, 5, A, 0, "CloseHandle");
	b_fx(b, EFF_CLOSE, 0x1a4, 0, "Thread");
	b_go(b);
	ev_at(b, 6, B, 1, "CreateHandle");
	b_fx(b, EFF_CREATE, 0x1a4, 0, "File \\Device\\Afd");
	b_go(b);
	/* the same socket reported by Winsock too */
	ev_at(b, 7, B, 1, "SockCreate");
	b_fx(b, EFF_CREATE, 0x1a4, 0, "Socket");
	b_go(b);
	ev_at(b, 8, B, 1, "SockConnect");
	b_fx(b, EFF_USE, 0x1a4, EF_SOCKET_ONLY, NULL);
	b_go(b);
	ev_at(b, 9, A, 2, "CloseHandle");      /* _endthread */
	b_fx(b, EFF_CLOSE, 0x1a4, 0, NULL);
	b_go(b);
	/* the same close reported by Winsock too */
	ev_at(b, 9, A, 2, "SockClose");
	b->ev.src.event = 10;
	b_fx(b, EFF_CLOSE, 0x1a4, 0, NULL);
	b_go(b);
	if (reuse) {
		ev_at(b, 10, C, 3, "CreateHandle");
		b->ev.src.event = 11;
		b_fx(b, EFF_CREATE, 0x1a4, 0, "Event");
		b_go(b);
	}
	ev_at(b, 11, B, 1, "SendFailed");
	b_fx(b, EFF_USE, 0x1a4, EF_SOCKET_ONLY, NULL);
	b->ev.failed = 1;
	b->ev.err = 10038;
	b->ev.errname = "WSAENOTSOCK";
	b->ev.errc = ERRC_NOTSOCK;
	b_go(b);
	timeline_finish(b->tl);
}

static void test_kb(void)
{
	struct bld b;
	char buf[128];
	b_init(&b);
	kb_story(&b, 1);
	const struct timeline *tl = b.tl;
	CHECK_INT("kb: two findings", n_findings(tl), 2);
	CHECK_INT("kb: no unexplained", n_unexplained(tl), 0);
	const struct finding *sc = find_kind(tl, FK_STALE_CLOSE, 0);
	const struct finding *su = find_kind(tl, FK_STALE_USE, 0);
	CHECK("kb: stale-close", sc != NULL);
	CHECK("kb: stale-use", su != NULL);
	if (sc) {
		CHECK_INT("kb: stale-close id", sc->id, 1);
		CHECK_INT("kb: stale-close error after the 10038",
			  sc->severity, SEV_ERROR);
		CHECK_INT("kb: stale-close handle", sc->handle, 0x1a4);
		CHECK_INT("kb: stale-close pid", sc->pid, PID);
		CHECK_INT("kb: stale-close tid", sc->tid, A);
		CHECK_INT("kb: stale-close event", sc->src.event, 9);
		CHECK_STR("kb: stale-close chain", roles(sc, buf, sizeof buf),
			  "opened,closed,reused,offending,failed");
		const struct chain_step *s = step_role(sc, "closed", 0);
		CHECK_INT("kb: first close by A", s->tid, A);
		CHECK_INT("kb: first close on CPU 0", s->cpu, 0);
		s = step_role(sc, "reused", 0);
		CHECK_INT("kb: reused by B", s->tid, B);
		CHECK_INT("kb: reused on CPU 1", s->cpu, 1);
		CHECK_INT("kb: reused at event 6", s->src.event, 6);
		s = step_role(sc, "offending", 0);
		CHECK_INT("kb: second close on CPU 2", s->cpu, 2);
		s = step_role(sc, "failed", 0);
		CHECK_INT("kb: victim is B's send", s ? s->tid : 0, B);
		CHECK_STR("kb: victim result", s ? s->result : NULL,
			  "10038 WSAENOTSOCK");
		CHECK_STR("kb: expected", sc->expected, "Thread");
		CHECK_STR("kb: object", sc->object, "File \\Device\\Afd");
		CHECK("kb: message says handle in hex",
		      strstr(sc->message, "handle 0x1A4") != NULL);
	}
	if (su) {
		CHECK_INT("kb: stale-use error", su->severity, SEV_ERROR);
		CHECK_INT("kb: stale-use tid", su->tid, B);
		CHECK_INT("kb: stale-use event", su->src.event, 11);
		CHECK_STR("kb: stale-use error name", su->error,
			  "WSAENOTSOCK");
		CHECK_STR("kb: stale-use chain", roles(su, buf, sizeof buf),
			  "opened,used,closed,reused,offending");
		const struct chain_step *s = step_role(su, "closed", 0);
		CHECK_INT("kb: closed by A", s->tid, A);
		CHECK_INT("kb: closed on CPU 2", s->cpu, 2);
		s = step_role(su, "reused", 0);
		CHECK_INT("kb: reused by C", s->tid, C);
		CHECK_STR("kb: reused for an Event", s->object, "Event");
		CHECK_STR("kb: stale-use object", su->object, "Event");
		CHECK_STR("kb: stale-use expected", su->expected,
			  "File \\Device\\Afd");
		CHECK_STR("kb: offending result",
			  step_role(su, "offending", 0)->result,
			  "10038 WSAENOTSOCK");
	}
	int nt;
	const struct task_info *ti = timeline_tasks(tl, &nt);
	CHECK_INT("kb: tasks", nt, 3);
	if (nt == 3) {
		CHECK_STR("kb: thread name", ti[1].name, "net");
		CHECK_INT("kb: task pid", ti[1].pid, PID);
	}
	CHECK_INT("kb: one process", timeline_stats(tl)->processes, 1);
	timeline_free(b.tl);
}

/* Without the reuse, B's send hits a closed number. */
static void test_kb_no_reuse(void)
{
	struct bld b;
	b_init(&b);
	kb_story(&b, 0);
	CHECK_INT("kb no reuse: two findings", n_findings(b.tl), 2);
	const struct finding *sc = find_kind(b.tl, FK_STALE_CLOSE, 0);
	const struct finding *uac = find_kind(b.tl, FK_USE_AFTER_CLOSE, 0);
	CHECK("kb no reuse: stale-close error",
	      sc && sc->severity == SEV_ERROR);
	CHECK("kb no reuse: use-after-close", uac != NULL);
	if (uac) {
		CHECK_INT("kb no reuse: tid", uac->tid, B);
		CHECK_INT("kb no reuse: closed by A",
			  step_role(uac, "closed", 0)->tid, A);
		CHECK("kb no reuse: names the stale close",
		      strstr(uac->message, "a stale close") != NULL);
		CHECK_INT("kb no reuse: caused by it", uac->caused_by,
			  sc ? sc->id : -1);
	}
	timeline_free(b.tl);
}

/* DuplicateHandle into another process; that process ends with it. */
static void test_dup_across(void)
{
	struct bld b;
	b_init(&b);
	b.pid = PID;
	ev_at(&b, 1, A, 0, "CreateHandle");
	b_fx(&b, EFF_CREATE, 0x40, 0, "File \\Device\\HarddiskVolume2\\x");
	b_go(&b);
	ev_at(&b, 2, A, 0, "DuplicateHandle");
	struct effect *e = b_fx(&b, EFF_DUP, 0x40, 0, NULL);
	e->h2 = 0x88;
	e->pid2 = 5000;
	b_go(&b);
	/* (closes are traced: what is open at the end means something) */
	ev_at(&b, 3, A, 0, "CloseHandle");
	b_fx(&b, EFF_CLOSE, 0x40, 0, NULL);
	b_go(&b);
	b.pid = 5000;
	ev_at(&b, 3, 77, 1, "ReadFile");
	b_fx(&b, EFF_USE, 0x88, 0, NULL);
	b_go(&b);
	ev_at(&b, 4, 77, 1, "ProcessEnd");
	b.ev.type = EV_TASK_INFO;
	b_fx(&b, EFF_EXIT_GROUP, -1, 0, NULL);
	b_go(&b);
	timeline_finish(b.tl);
	CHECK_INT("dup across: one finding", n_findings(b.tl), 1);
	const struct finding *f = find_kind(b.tl, FK_LEAK, 0);
	CHECK("dup across: leak in the target", f && f->handle == 0x88);
	if (f) {
		CHECK_STR("dup across: object",
			  f->object, "File \\Device\\HarddiskVolume2\\x");
		CHECK_INT("dup across: exited pid",
			  step_role(f, "exited", 0)->pid, 5000);
	}
	CHECK_INT("dup across: processes", timeline_stats(b.tl)->processes,
		  2);
	timeline_free(b.tl);
}

/* Rundown handles (open before the trace) are never findings; a thread
 * end does not end the process's table. */
static void test_rundown(void)
{
	struct bld b;
	b_init(&b);
	b.pid = PID;
	ev_at(&b, 1, A, 0, "HandleDCStart");
	b.ev.type = EV_TASK_INFO;
	b_fx(&b, EFF_OUTSIDE, 0x10, 0, "Key \\REGISTRY\\MACHINE");
	b_go(&b);
	ev_at(&b, 2, A, 0, "CloseHandle");
	b_fx(&b, EFF_CLOSE, 0x10, 0, NULL);
	b_go(&b);
	ev_at(&b, 3, A, 0, "CreateHandle");
	b_fx(&b, EFF_CREATE, 0x14, 0, "Event");
	b_go(&b);
	ev_at(&b, 4, A, 0, "ThreadEnd");
	b.ev.type = EV_TASK_EXIT;
	b_go(&b);
	ev_at(&b, 5, B, 1, "CloseHandle");
	b_fx(&b, EFF_CLOSE, 0x14, 0, NULL);
	b_go(&b);
	ev_at(&b, 6, B, 1, "SendFailed");
	b_fx(&b, EFF_USE, 0x30, EF_SOCKET_ONLY, NULL);
	b.ev.failed = 1;
	b.ev.err = 10038;
	b.ev.errname = "WSAENOTSOCK";
	b.ev.errc = ERRC_NOTSOCK;
	b_go(&b);
	timeline_finish(b.tl);
	CHECK_INT("rundown: no findings", n_findings(b.tl), 0);
	int n;
	const struct unexplained *u = timeline_unexplained(b.tl, &n);
	CHECK_INT("rundown: one unexplained", n, 1);
	if (n == 1) {
		CHECK_STR("rundown: reason", u[0].reason,
			  "handle never seen in this table");
		CHECK_STR("rundown: error", u[0].error, "WSAENOTSOCK");
	}
	timeline_free(b.tl);
}

int main(void)
{
	test_kb();
	test_kb_no_reuse();
	test_dup_across();
	test_rundown();
	return unit_failed;
}
