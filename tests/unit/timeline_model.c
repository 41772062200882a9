/* tests/unit/timeline_model.c - the handle-table model: benign patterns
 * that must stay quiet, fork/exec/thread sharing, tasks that print before
 * their creator's clone returns, thread execve, leaks. */
#include "unit.h"
#include "timeline_build.h"

/* closefrom emulation: close(3..20) after 3 and 5 were opened and closed
 * in this table: no double-close, no unexplained. */
static void test_sweep(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 1, 100, 3, "/a", 0);
	b_close(&b, 2, 100, 3, "/a", 0);
	b_open(&b, 3, 100, 5, "/b", 0);
	b_close(&b, 4, 100, 5, "/b", 0);
	b_open(&b, 5, 100, 4, "/c", 0);
	for (int fd = 3; fd <= 20; fd++)
		b_close(&b, 10 + fd, 100, fd, NULL, fd != 4);
	b_use(&b, 40, 100, "write", 1, NULL, 0, NULL, 0);
	timeline_finish(b.tl);
	CHECK_INT("sweep: no findings", n_findings(b.tl), 0);
	CHECK_INT("sweep: no unexplained", n_unexplained(b.tl), 0);
	CHECK_INT("sweep: counted benign", timeline_stats(b.tl)->benign, 17);
	timeline_free(b.tl);
}

/* Two consecutive numbers are not a sweep: a real double close followed
 * by the close of the next number is still reported. */
static void test_not_sweep(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 1, 100, 3, "/a", 0);
	b_open(&b, 2, 100, 4, "/b", 0);
	b_close(&b, 3, 100, 3, "/a", 0);
	b_close(&b, 4, 100, 3, NULL, 1);
	b_close(&b, 5, 100, 4, "/b", 0);
	b_use(&b, 6, 100, "write", 1, NULL, 0, NULL, 0);
	b_close(&b, 7, 100, 77, NULL, 1);
	timeline_finish(b.tl);
	CHECK_INT("not sweep: double-close", n_kind(b.tl, FK_DOUBLE_CLOSE),
		  1);
	const struct finding *f = find_kind(b.tl, FK_DOUBLE_CLOSE, 0);
	if (f)
		CHECK_INT("not sweep: line", f->src.line, 4);
	/* a lone EBADF close of a number never seen: listed, not a finding */
	int n;
	const struct unexplained *u = timeline_unexplained(b.tl, &n);
	CHECK_INT("not sweep: one unexplained", n, 1);
	if (n == 1) {
		CHECK_INT("not sweep: unexplained line", u[0].src.line, 7);
		CHECK("not sweep: unexplained reason",
		      strstr(u[0].reason, "never seen open") != NULL);
	}
	timeline_free(b.tl);
}

static void test_probe(void)
{
	struct bld b;
	b_init(&b);
	b_use(&b, 1, 100, "fcntl", 3, NULL, EF_PROBE, "EBADF", ERRC_BADF);
	b_open(&b, 2, 100, 3, "/a", 0);
	b_close(&b, 3, 100, 3, "/a", 0);
	b_use(&b, 4, 100, "fcntl", 3, NULL, EF_PROBE, "EBADF", ERRC_BADF);
	timeline_finish(b.tl);
	CHECK_INT("probe: no findings", n_findings(b.tl), 0);
	CHECK_INT("probe: no unexplained", n_unexplained(b.tl), 0);
	CHECK_INT("probe: benign", timeline_stats(b.tl)->benign, 2);
	timeline_free(b.tl);
}

/* dup2(4, 13) onto an open 13 (zoo.f-yy.txt l.37-38) */
static void test_dup2(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 30, 100, 3, "/etc/hostname", EF_CLOEXEC);
	b_open(&b, 31, 100, 4, "/home/u/w/zoo.tmp", 0);
	b_call(&b, 37, 100, "dup");
	struct effect *e = b_fx(&b, EFF_DUP, 3, 0, "/etc/hostname");
	e->h2 = 13;
	b_ret(&b, 13);
	b_go(&b);
	b_call(&b, 38, 100, "dup2");
	e = b_fx(&b, EFF_DUP, 4, 0, "/home/u/w/zoo.tmp");
	e->h2 = 13;
	b_ret(&b, 13);
	b_go(&b);
	b_use(&b, 39, 100, "write", 13, "/home/u/w/zoo.tmp", 0, NULL, 0);
	b_call(&b, 91, 100, "close_range");
	e = b_fx(&b, EFF_CLOSE_RANGE, 3, 0, NULL);
	e->h2 = 4294967295LL;
	b_ret(&b, 0);
	b_go(&b);
	b_close(&b, 92, 100, 3, NULL, 1);
	b_exit_group(&b, 94, 100);
	timeline_finish(b.tl);
	/* the only finding: close(3) after close_range closed it */
	CHECK_INT("dup2: findings", n_findings(b.tl), 1);
	const struct finding *f = find_kind(b.tl, FK_DOUBLE_CLOSE, 0);
	CHECK("dup2: double-close after close_range", f != NULL);
	if (f)
		CHECK_INT("dup2: double-close line", f->src.line, 92);
	CHECK_INT("dup2: no leaks", n_kind(b.tl, FK_LEAK), 0);
	timeline_free(b.tl);
}

/* fork: the child closes its copies, sweeps, exits; the parent's state
 * is its own. */
static void test_fork_copies(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 1, 100, 3, "/a", 0);
	b_open(&b, 2, 100, 4, "/b", 0);
	b_open(&b, 3, 100, 5, "/c", 0);
	b_close(&b, 4, 100, 5, "/c", 0);
	b_spawn(&b, 5, 100, 200, 0);
	b_close(&b, 6, 200, 3, "/a", 0);
	b_close(&b, 7, 200, 5, NULL, 1);   /* parent closed it before fork */
	b_use(&b, 8, 200, "write", 4, "/b", 0, NULL, 0);
	b_exit_group(&b, 9, 200);
	b_exited(&b, 10, 200);
	b_use(&b, 11, 100, "read", 3, "/a", 0, NULL, 0);
	b_close(&b, 12, 100, 3, "/a", 0);
	b_close(&b, 13, 100, 4, "/b", 0);
	b_exit_group(&b, 14, 100);
	timeline_finish(b.tl);
	CHECK_INT("fork: no findings", n_findings(b.tl), 0);
	int n;
	const struct unexplained *u = timeline_unexplained(b.tl, &n);
	CHECK_INT("fork: one unexplained (child's close of 5)", n, 1);
	if (n == 1)
		CHECK_STR("fork: reason", u[0].reason, "close of a fd never "
			  "seen open in this table (closed before the trace "
			  "started, or a close sweep)");
	const struct timeline_stats *st = timeline_stats(b.tl);
	CHECK_INT("fork: processes", st->processes, 2);
	CHECK_INT("fork: tables", st->tables, 2);
	int nt;
	const struct task_info *ti = timeline_tasks(b.tl, &nt);
	CHECK_INT("fork: tasks", nt, 2);
	if (nt == 2) {
		CHECK_INT("fork: child pid", ti[1].pid, 200);
		CHECK_INT("fork: child not a thread", ti[1].is_thread, 0);
		CHECK_INT("fork: child parent", ti[1].parent_tid, 100);
	}
	timeline_free(b.tl);
}

/* the parent leaks what it never closes; a forked child does not leak
 * the copies it exits with */
static void test_leaks(void)
{
	struct bld b;
	char buf[64];
	b_init(&b);
	b_use(&b, 1, 100, "write", 1, "/dev/pts/0", 0, NULL, 0);
	b_call(&b, 2, 100, "pipe2");
	b_fx(&b, EFF_CREATE, 3, 0, "pipe:[9]");
	b_fx(&b, EFF_CREATE, 4, 0, "pipe:[9]");
	b_ret(&b, 0);
	b_go(&b);
	b_spawn(&b, 3, 100, 200, 0);
	b_use(&b, 4, 200, "write", 4, "pipe:[9]", 0, NULL, 0);
	b_exit_group(&b, 5, 200);
	b_close(&b, 6, 100, 4, "pipe:[9]", 0);
	b_exit_group(&b, 7, 100);
	b_exited(&b, 8, 100);
	timeline_finish(b.tl);
	CHECK_INT("leaks: one", n_findings(b.tl), 1);
	const struct finding *f = find_kind(b.tl, FK_LEAK, 0);
	if (f) {
		CHECK_INT("leaks: handle", f->handle, 3);
		CHECK_INT("leaks: pid", f->pid, 100);
		CHECK_INT("leaks: note", f->severity, SEV_NOTE);
		CHECK_STR("leaks: chain", roles(f, buf, sizeof buf),
			  "opened,exited");
		CHECK_STR("leaks: object", f->object, "pipe:[9]");
	}
	timeline_free(b.tl);
}

/* execve closes CLOEXEC fds (no finding); a later close of one is not a
 * double close; the plain fd survives and leaks. */
static void test_exec_cloexec(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 1, 100, 3, "/etc/hostname", EF_CLOEXEC);
	b_open(&b, 2, 100, 4, "/etc/passwd", 0);
	b_call(&b, 3, 100, "fcntl");
	b_fx(&b, EFF_SET_CLOEXEC, 4, 0, NULL);
	b_ret(&b, 0);
	b_go(&b);
	b_open(&b, 4, 100, 5, "/etc/group", 0);
	b_call(&b, 5, 100, "fcntl");
	b_fx(&b, EFF_SET_CLOEXEC, 5, EF_CLOEXEC, NULL);
	b_ret(&b, 0);
	b_go(&b);
	b_call(&b, 6, 100, "execve");
	b_fx(&b, EFF_EXEC, -1, 0, NULL);
	b_ret(&b, 0);
	b_go(&b);
	b_close(&b, 7, 100, 3, NULL, 1);
	b_use(&b, 8, 100, "read", 4, "/etc/passwd", 0, NULL, 0);
	b_use(&b, 9, 100, "read", 5, NULL, 0, "EBADF", ERRC_BADF);
	b_exit_group(&b, 10, 100);
	timeline_finish(b.tl);
	CHECK_INT("exec: findings", n_findings(b.tl), 1);
	const struct finding *f = find_kind(b.tl, FK_LEAK, 0);
	CHECK("exec: fd 4 leaks", f && f->handle == 4);
	int n;
	const struct unexplained *u = timeline_unexplained(b.tl, &n);
	CHECK_INT("exec: unexplained", n, 2);
	if (n == 2) {
		CHECK("exec: close after exec explained by close-on-exec",
		      strncmp(u[0].reason, "closed by close-on-exec at t.txt:6",
			      34) == 0);
		CHECK_INT("exec: read handle", u[1].handle, 5);
	}
	timeline_free(b.tl);
}

/* A thread prints (and opens fd 5) before its creator's clone3 returns;
 * the model must put fd 5 in the shared table. */
static void test_child_first_thread(void)
{
	struct bld b;
	char buf[64];
	b_init(&b);
	b_open(&b, 1, 100, 3, "/a", 0);
	b_entry(&b, 2, 100, "clone3");
	b_go(&b);
	b_open(&b, 3, 101, 5, "/b", 0);
	b_use(&b, 4, 101, "read", 3, "/a", 0, NULL, 0);
	b_exit(&b, 5, 2, 100, "clone3");
	b_fx(&b, EFF_SPAWN, 101, EF_SHARE_FILES | EF_THREAD, NULL);
	b_ret(&b, 101);
	b_go(&b);
	b_close(&b, 6, 100, 5, "/b", 0);
	b_close(&b, 7, 101, 5, NULL, 1);
	b_close(&b, 8, 101, 3, "/a", 0);
	b_exit_group(&b, 9, 100);
	timeline_finish(b.tl);
	CHECK_INT("child first: one finding", n_findings(b.tl), 1);
	const struct finding *f = find_kind(b.tl, FK_DOUBLE_CLOSE, 0);
	CHECK("child first: double close across threads", f != NULL);
	if (f) {
		CHECK_INT("child first: line", f->src.line, 7);
		CHECK_STR("child first: chain", roles(f, buf, sizeof buf),
			  "opened,closed,offending");
		CHECK_INT("child first: opened by the thread",
			  step_role(f, "opened", 0)->tid, 101);
		CHECK_INT("child first: closed by main",
			  step_role(f, "closed", 0)->tid, 100);
	}
	CHECK_INT("child first: no unexplained", n_unexplained(b.tl), 0);
	const struct timeline_stats *st = timeline_stats(b.tl);
	CHECK_INT("child first: one process", st->processes, 1);
	int nt;
	const struct task_info *ti = timeline_tasks(b.tl, &nt);
	CHECK_INT("child first: tasks", nt, 2);
	if (nt == 2) {
		CHECK_INT("child first: pid", ti[1].pid, 100);
		CHECK_INT("child first: created", ti[1].created.line, 2);
		CHECK_INT("child first: thread", ti[1].is_thread, 1);
	}
	timeline_free(b.tl);
}

/* A forked child prints before fork returns and closes its copy of 3;
 * the parent's 3 stays open. */
static void test_child_first_fork(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 1, 100, 3, "/a", 0);
	b_entry(&b, 2, 100, "clone");
	b_go(&b);
	b_close(&b, 3, 200, 3, "/a", 0);
	b_open(&b, 4, 200, 3, "/child", 0);
	b_exit(&b, 5, 2, 100, "clone");
	b_fx(&b, EFF_SPAWN, 200, 0, NULL);
	b_ret(&b, 200);
	b_go(&b);
	b_use(&b, 6, 100, "read", 3, "/a", 0, NULL, 0);
	b_use(&b, 7, 200, "read", 3, "/child", 0, NULL, 0);
	b_close(&b, 8, 200, 3, "/child", 0);
	b_exit_group(&b, 9, 200);
	b_close(&b, 10, 100, 3, "/a", 0);
	b_exit_group(&b, 11, 100);
	timeline_finish(b.tl);
	CHECK_INT("child first fork: no findings", n_findings(b.tl), 0);
	CHECK_INT("child first fork: no unexplained", n_unexplained(b.tl), 0);
	CHECK_INT("child first fork: processes",
		  timeline_stats(b.tl)->processes, 2);
	timeline_free(b.tl);
}

/* thread-execve.f-Y-y.txt: thread 13815 opens 4 and execs; the leader
 * 13814 is superseded; the exec'd program exits with 4 open. */
static void test_thread_execve(void)
{
	struct bld b;
	char buf[64];
	b_init(&b);
	b_open(&b, 30, 13814, 3, "/etc/hostname", EF_CLOEXEC);
	b_spawn(&b, 39, 13814, 13815, EF_SHARE_FILES | EF_THREAD);
	b_entry(&b, 45, 13814, "pause");
	b_go(&b);
	b_open(&b, 48, 13815, 4, "/etc/hostname", 0);
	b_entry(&b, 49, 13815, "execve");
	b_go(&b);
	b_exit(&b, 50, 45, 13814, "pause");
	b.ev.has_ret = 0;
	b_go(&b);
	b_call(&b, 51, 13814, "superseded");
	b.ev.type = EV_TASK_GONE;
	b_fx(&b, EFF_EXEC, 13815, 0, NULL);   /* op unused: h names N */
	b_go(&b);
	b_exit(&b, 52, 49, 13814, "execve");
	b_fx(&b, EFF_EXEC, -1, 0, NULL);
	b_ret(&b, 0);
	b.ev.thread_name = "true";
	b_go(&b);
	b_open(&b, 56, 13814, 3, "/etc/ld.so.cache", EF_CLOEXEC);
	b_close(&b, 59, 13814, 3, "/etc/ld.so.cache", 0);
	b_exit_group(&b, 81, 13814);
	b_exited(&b, 82, 13814);
	timeline_finish(b.tl);
	CHECK_INT("thread execve: one finding", n_findings(b.tl), 1);
	const struct finding *f = find_kind(b.tl, FK_LEAK, 0);
	CHECK("thread execve: leak of 4", f && f->handle == 4);
	if (f) {
		CHECK_INT("thread execve: opened by", f->tid, 13815);
		CHECK_INT("thread execve: line", f->src.line, 48);
		CHECK_STR("thread execve: chain", roles(f, buf, sizeof buf),
			  "opened,exited");
		CHECK_INT("thread execve: exit line",
			  step_role(f, "exited", 0)->src.line, 81);
	}
	int nt;
	const struct task_info *ti = timeline_tasks(b.tl, &nt);
	CHECK_INT("thread execve: tasks", nt, 2);
	if (nt >= 1)
		CHECK_STR("thread execve: leader's new name", ti[0].name,
			  "true");
	CHECK_INT("thread execve: no unexplained", n_unexplained(b.tl), 0);
	timeline_free(b.tl);
}

/* A trace that ends while processes run: nothing leaks. */
static void test_no_leak_without_exit(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 1, 100, 3, "/a", 0);
	timeline_finish(b.tl);
	CHECK_INT("cut trace: no findings", n_findings(b.tl), 0);
	int ng;
	const struct generation_info *gi = timeline_generations(b.tl, &ng);
	CHECK_INT("cut trace: no busy generation (no uses)", ng, 0);
	(void)gi;
	timeline_free(b.tl);
}

/* Busy generations are listed with their lifetime class. */
static void test_busy(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 1, 100, 3, "/a", 0);
	for (int i = 0; i < 5; i++)
		b_use(&b, 2 + i, 100, "read", 3, "/a", 0, NULL, 0);
	b_use(&b, 10, 100, "write", 1, "/dev/pts/0", 0, NULL, 0);
	timeline_finish(b.tl);
	int ng;
	const struct generation_info *gi = timeline_generations(b.tl, &ng);
	CHECK_INT("busy: two generations", ng, 2);
	if (ng == 2) {
		CHECK_INT("busy: fd 1 first", gi[0].handle, 1);
		CHECK_INT("busy: fd 1 outside", gi[0].lifetime, LT_OUT_OUT);
		CHECK_INT("busy: fd 3 uses", gi[1].uses, 5);
		CHECK_INT("busy: fd 3 in/out", gi[1].lifetime, LT_IN_OUT);
		CHECK_INT("busy: fd 3 opened line", gi[1].opened.line, 1);
		CHECK_STR("busy: fd 3 object", gi[1].object, "/a");
	}
	timeline_free(b.tl);
}

/* Object refinement: TCP:[20226] -> TCP:[127.0.0.1:55193] is one object;
 * a different path on a use is a change the trace did not show. */
static void test_refine(void)
{
	struct bld b;
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_socket(&b, 30, 100, 3, "TCP:[20226]");
	b_use(&b, 31, 100, "bind", 3, "TCP:[20226]", 0, NULL, 0);
	b_use(&b, 32, 100, "listen", 3, "TCP:[127.0.0.1:55193]", 0, NULL, 0);
	/* thread 101 uses 3, which the trace shows as another object
	 * (e.g. -e trace= hid the close and the open) */
	b_use(&b, 33, 101, "read", 7, "/x", 0, NULL, 0);
	b_use(&b, 34, 100, "read", 7, "/y", 0, NULL, 0);
	b_use(&b, 35, 101, "read", 7, "/y", 0, NULL, 0);
	timeline_finish(b.tl);
	CHECK_INT("refine: no findings", n_findings(b.tl), 0);
	CHECK_INT("refine: generations", timeline_stats(b.tl)->generations,
		  3);
	timeline_free(b.tl);
}

/* -e trace= subsets hide clone: which tasks share a table shows only in
 * decorations.  race.k-y.txt: the worker's sendto names /etc/hostname at
 * 8, a number its own view has closed, and main opened exactly that. */
static void test_infer_closed(void)
{
	struct bld b;
	char buf[64];
	b_init(&b);
	b_open(&b, 59, 13804, 8, "/dev/null", 0);
	b_close(&b, 64, 13804, 8, "/dev/null", 0);
	b_close(&b, 69, 13804, 8, NULL, 1);
	b_close(&b, 74, 13804, 8, "socket:[20542]", 0);
	b_open(&b, 79, 13802, 8, "/etc/hostname", 0);
	b_use(&b, 86, 13804, "sendto", 8, "/etc/hostname", EF_SOCKET_ONLY,
	      "ENOTSOCK", ERRC_NOTSOCK);
	b_close(&b, 91, 13802, 8, "/etc/hostname", 0);
	timeline_finish(b.tl);
	const struct finding *f = find_kind(b.tl, FK_STALE_USE, 0);
	CHECK("infer closed: stale-use", f != NULL);
	if (f) {
		CHECK_INT("infer closed: line", f->src.line, 86);
		CHECK_STR("infer closed: chain", roles(f, buf, sizeof buf),
			  "closed,reused,offending");
		CHECK_INT("infer closed: reused by main",
			  step_role(f, "reused", 0)->tid, 13802);
		CHECK_INT("infer closed: pid is main's", f->pid, 13802);
	}
	CHECK_INT("infer closed: one process", timeline_stats(b.tl)->processes,
		  1);
	CHECK_INT("infer closed: no unexplained", n_unexplained(b.tl), 0);
	timeline_free(b.tl);
}

/* A reader blocked on a pipe it never opened in the trace: the pipe's
 * inode says it is main's, so main's close is a close-while-in-use. */
static void test_infer_identity(void)
{
	struct bld b;
	b_init(&b);
	b_call(&b, 10, 100, "pipe2");
	b_fx(&b, EFF_CREATE, 3, EF_CLOEXEC, "pipe:[27371]");
	b_fx(&b, EFF_CREATE, 4, EF_CLOEXEC, "pipe:[27371]");
	b_ret(&b, 0);
	b_go(&b);
	b_entry(&b, 11, 101, "read");
	b_fx(&b, EFF_USE, 3, EF_AT_ENTRY | EF_BLOCKING, "pipe:[27371]");
	b_go(&b);
	b_close(&b, 28, 100, 3, "pipe:[27371]", 0);
	b_use(&b, 29, 100, "write", 4, "pipe:[27371]", 0, NULL, 0);
	b_exit(&b, 30, 11, 101, "read");
	b_fx(&b, EFF_USE, 3, EF_AT_ENTRY | EF_BLOCKING, NULL);
	b_ret(&b, 1);
	b_go(&b);
	/* a third task using /dev/null at 1 is not taken as sharing */
	b_use(&b, 31, 102, "write", 1, "/dev/null<char 1:3>", 0, NULL, 0);
	timeline_finish(b.tl);
	const struct finding *f = find_kind(b.tl, FK_CLOSE_WHILE_IN_USE, 0);
	CHECK_INT("infer identity: one finding", n_findings(b.tl), 1);
	CHECK("infer identity: close-while-in-use", f != NULL);
	if (f) {
		CHECK_INT("infer identity: line", f->src.line, 28);
		CHECK_INT("infer identity: blocked",
			  step_role(f, "blocked", 0)->tid, 101);
	}
	CHECK_INT("infer identity: processes",
		  timeline_stats(b.tl)->processes, 2);
	timeline_free(b.tl);
}

/* Past the cap on remembered numbers (TL_NUMS_KEEP) closed numbers are
 * forgotten, least recently touched first; open numbers, numbers a
 * finding refers to and recent numbers keep their history. */
static void test_forget(void)
{
	struct bld b;
	b_init(&b);
	long l = 1;
	b_open(&b, l++, 100, 3, "/kept-open", 0);
	b_open(&b, l++, 100, 5, "/in-finding", 0);
	b_close(&b, l++, 100, 5, "/in-finding", 0);
	b_close(&b, l++, 100, 5, NULL, 1);          /* double close: F1 */
	b_open(&b, l++, 100, 6, "/forgotten", 0);
	b_close(&b, l++, 100, 6, "/forgotten", 0);
	for (int fd = 100; fd < 100 + 40000; fd++) {
		b_open(&b, l++, 100, fd, "/x", 0);
		b_close(&b, l++, 100, fd, "/x", 0);
	}
	long l6 = l;
	b_close(&b, l++, 100, 6, NULL, 1);          /* forgotten: unexplained */
	b_close(&b, l++, 100, 5, NULL, 1);          /* kept by F1: F2 */
	long lrecent = l;
	b_close(&b, l++, 100, 100 + 39990, NULL, 1); /* recent: F3 */
	b_close(&b, l++, 100, 3, "/kept-open", 0);
	long l3 = l;
	b_close(&b, l++, 100, 3, NULL, 1);          /* kept open: F4 */
	b_use(&b, l++, 100, "write", 1, NULL, 0, NULL, 0); /* ends the run */
	timeline_finish(b.tl);
	const struct timeline_stats *st = timeline_stats(b.tl);
	CHECK("forget: numbers forgotten", st->numbers_forgotten > 20000);
	CHECK("forget: cap stated", st->numbers_kept > 0 &&
	      st->numbers_forgotten + st->numbers_kept >= 40000);
	CHECK_INT("forget: double closes", n_kind(b.tl, FK_DOUBLE_CLOSE), 4);
	const struct finding *f = find_kind(b.tl, FK_DOUBLE_CLOSE, 1);
	if (f)
		CHECK_INT("forget: finding kept its number", f->src.line,
			  l6 + 1);
	f = find_kind(b.tl, FK_DOUBLE_CLOSE, 2);
	if (f)
		CHECK_INT("forget: recent number", f->src.line, lrecent);
	f = find_kind(b.tl, FK_DOUBLE_CLOSE, 3);
	if (f) {
		CHECK_INT("forget: open number", f->src.line, l3);
		CHECK_INT("forget: open number's open", step_role(f, "opened",
			  0) ? step_role(f, "opened", 0)->src.line : -1, 1);
	}
	int n;
	const struct unexplained *u = timeline_unexplained(b.tl, &n);
	CHECK_INT("forget: one unexplained", n, 1);
	if (n == 1) {
		CHECK_INT("forget: unexplained line", u[0].src.line, l6);
		CHECK("forget: reason names forgetting",
		      strstr(u[0].reason, "forgotten") != NULL);
	}
	timeline_free(b.tl);
}

/* Long-dead tasks are freed (TL_DEAD_KEEP) but their task_info stays:
 * a finding about a thread that ended 10000 threads ago still names it
 * and where it was created; the counts are unchanged. */
static void test_reap(void)
{
	struct bld b;
	b_init(&b);
	long l = 1;
	b_spawn(&b, l++, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_open(&b, l++, 101, 5, "/early", 0);
	b_exited(&b, l++, 101);
	for (int i = 0; i < 10000; i++) {
		b_spawn(&b, l++, 100, 1000 + i, EF_SHARE_FILES | EF_THREAD);
		b_use(&b, l++, 1000 + i, "getpid", -1, NULL, 0, NULL, 0);
		b_exited(&b, l++, 1000 + i);
	}
	/* a thread started after the tid was reused by a clone */
	b_spawn(&b, l++, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_close(&b, l++, 101, 5, "/early", 0);
	long lbad = l;
	b_close(&b, l++, 100, 5, NULL, 1);
	b_exit_group(&b, l++, 100);
	b_exited(&b, l++, 100);
	timeline_finish(b.tl);
	const struct timeline_stats *st = timeline_stats(b.tl);
	CHECK_INT("reap: threads", st->threads, 10003);
	CHECK_INT("reap: processes", st->processes, 1);
	int nt;
	const struct task_info *ti = timeline_tasks(b.tl, &nt);
	CHECK_INT("reap: task infos kept", nt, 10003);
	int found = 0;
	for (int i = 0; i < nt; i++)
		if (ti[i].tid == 101 && ti[i].created.line == 1)
			found = ti[i].parent_tid == 100 && ti[i].is_thread &&
				ti[i].pid == 100;
	CHECK("reap: first thread's origin kept", found);
	const struct finding *f = find_kind(b.tl, FK_DOUBLE_CLOSE, 0);
	CHECK("reap: double close found", f != NULL);
	if (f) {
		CHECK_INT("reap: line", f->src.line, lbad);
		const struct chain_step *o = step_role(f, "opened", 0);
		CHECK("reap: opened by the first 101",
		      o && o->tid == 101 && o->src.line == 2);
	}
	timeline_free(b.tl);
}

/* forkexec-threads: threads 101 and 102 of process 100 fork at once; the
 * child 300 prints before either clone returns, dup2s the inherited pipe
 * end 5 while thread 101 closes its own 5.  Both clones in flight are
 * forks from one table: 300 is a process with a copy of it (not a thread
 * of 100), so the close is no close-while-in-use. */
static void test_two_forks_in_flight(void)
{
	struct bld b;
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_go(&b);
	b_spawn(&b, 2, 100, 102, EF_SHARE_FILES | EF_THREAD);
	b_go(&b);
	b_open(&b, 3, 101, 5, "pipe:[7]", 0);
	b_entry(&b, 4, 101, "clone");
	b_fx(&b, EFF_SPAWN, -1, 0, NULL);
	b_go(&b);
	b_entry(&b, 5, 102, "clone");
	b_fx(&b, EFF_SPAWN, -1, 0, NULL);
	b_go(&b);
	b_entry(&b, 6, 300, "dup2");
	b_fx(&b, EFF_USE, 5, EF_BLOCKING, "pipe:[7]");
	b_go(&b);
	b_exit(&b, 7, 4, 101, "clone");
	b_fx(&b, EFF_SPAWN, 300, 0, NULL);
	b_ret(&b, 300);
	b_go(&b);
	b_close(&b, 8, 101, 5, "pipe:[7]", 0);
	b_exit(&b, 9, 6, 300, "dup2");
	b_fx(&b, EFF_USE, 5, EF_BLOCKING | EF_AT_ENTRY, "pipe:[7]");
	b_ret(&b, 1);
	b_go(&b);
	b_exit_group(&b, 10, 300);
	b_exit(&b, 11, 5, 102, "clone");
	b_fx(&b, EFF_SPAWN, 301, 0, NULL);
	b_ret(&b, 301);
	b_go(&b);
	b_exit_group(&b, 12, 301);
	b_exit_group(&b, 13, 100);
	timeline_finish(b.tl);
	CHECK_INT("two forks: no findings", n_findings(b.tl), 0);
	CHECK_INT("two forks: processes", timeline_stats(b.tl)->processes, 3);
	int nt;
	const struct task_info *ti = timeline_tasks(b.tl, &nt);
	int ok = 0;
	for (int i = 0; i < nt; i++)
		if (ti[i].tid == 300)
			ok = ti[i].pid == 300 && !ti[i].is_thread &&
			     ti[i].parent_tid == 101;
	CHECK("two forks: 300 is a process forked by 101", ok);
	timeline_free(b.tl);
}

/* A thread clone (100) and a fork (101) in flight at once: the child 300
 * that prints first cannot be told; it must not be merged into 100's
 * process by the pipe it uses, and becomes 101's forked child when 101's
 * fork returns. */
static void test_clones_disagree(void)
{
	struct bld b;
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_go(&b);
	b_open(&b, 2, 101, 5, "pipe:[7]", 0);
	b_entry(&b, 3, 100, "clone3");
	b_fx(&b, EFF_SPAWN, -1, EF_SHARE_FILES | EF_THREAD, NULL);
	b_go(&b);
	b_entry(&b, 4, 101, "clone");
	b_fx(&b, EFF_SPAWN, -1, 0, NULL);
	b_go(&b);
	b_use(&b, 5, 300, "dup2", 5, "pipe:[7]", 0, NULL, 0);
	b_exit(&b, 6, 4, 101, "clone");
	b_fx(&b, EFF_SPAWN, 300, 0, NULL);
	b_ret(&b, 300);
	b_go(&b);
	b_close(&b, 7, 101, 5, "pipe:[7]", 0);
	b_exit_group(&b, 8, 300);
	b_exit(&b, 9, 3, 100, "clone3");
	b_fx(&b, EFF_SPAWN, 102, EF_SHARE_FILES | EF_THREAD, NULL);
	b_ret(&b, 102);
	b_go(&b);
	b_exit_group(&b, 10, 100);
	timeline_finish(b.tl);
	CHECK_INT("disagree: no findings", n_findings(b.tl), 0);
	CHECK_INT("disagree: processes", timeline_stats(b.tl)->processes, 2);
	int nt;
	const struct task_info *ti = timeline_tasks(b.tl, &nt);
	int ok = 0;
	for (int i = 0; i < nt; i++)
		if (ti[i].tid == 300)
			ok = ti[i].pid == 300 && !ti[i].is_thread &&
			     ti[i].parent_tid == 101;
	CHECK("disagree: 300 is a process forked by 101", ok);
	timeline_free(b.tl);
}

/* Tasks a clone or fork returned the id of that never show an event of
 * their own are counted as not traced: one printed before its clone
 * returned, one printed after, one thread and one child never did. */
static void test_unseen(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 1, 100, 3, "/a", 0);
	b_entry(&b, 2, 100, "clone3");
	b_go(&b);
	b_use(&b, 3, 101, "read", 3, "/a", 0, NULL, 0);
	b_exit(&b, 4, 2, 100, "clone3");
	b_fx(&b, EFF_SPAWN, 101, EF_SHARE_FILES | EF_THREAD, NULL);
	b_ret(&b, 101);
	b_go(&b);
	b_spawn(&b, 5, 100, 102, EF_SHARE_FILES | EF_THREAD);
	b_spawn(&b, 6, 100, 103, EF_SHARE_FILES | EF_THREAD);
	b_spawn(&b, 7, 100, 200, 0);
	b_spawn(&b, 8, 100, 201, 0);
	const struct timeline_stats *st = timeline_stats(b.tl);
	CHECK_INT("unseen: threads before", st->threads_unseen, 2);
	CHECK_INT("unseen: children before", st->children_unseen, 2);
	b_use(&b, 9, 102, "read", 3, "/a", 0, NULL, 0);
	b_exit_group(&b, 10, 200);
	b_close(&b, 11, 100, 3, "/a", 0);
	b_exit_group(&b, 12, 100);
	timeline_finish(b.tl);
	CHECK_INT("unseen: threads", st->threads_unseen, 1);
	CHECK_INT("unseen: children", st->children_unseen, 1);
	timeline_free(b.tl);
}

int main(void)
{
	test_sweep();
	test_not_sweep();
	test_probe();
	test_dup2();
	test_fork_copies();
	test_leaks();
	test_exec_cloexec();
	test_child_first_thread();
	test_child_first_fork();
	test_thread_execve();
	test_no_leak_without_exit();
	test_busy();
	test_refine();
	test_infer_closed();
	test_infer_identity();
	test_forget();
	test_reap();
	test_two_forks_in_flight();
	test_clones_disagree();
	test_unseen();
	return unit_failed;
}
