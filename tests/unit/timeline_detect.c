/* tests/unit/timeline_detect.c - each detector on hand-built event
 * sequences, starting with the fd 8 story of race.f-tt-T-yy.txt. */
#include "unit.h"
#include "timeline_build.h"

/* race.f-tt-T-yy.txt, the calls on fd 8 (13741 main, 13743 worker),
 * with the line numbers of the real capture. */
static void race(struct bld *b)
{
	b_open(b, 1, 13741, 3, "/etc/ld.so.cache", EF_CLOEXEC);
	b_close(b, 8, 13741, 3, "/etc/ld.so.cache", 0);
	b_call(b, 37, 13741, "pipe2");
	b_fx(b, EFF_CREATE, 6, EF_CLOEXEC, "pipe:[20229]");
	b_fx(b, EFF_CREATE, 7, EF_CLOEXEC, "pipe:[20229]");
	b_ret(b, 0);
	b_go(b);
	b_spawn(b, 46, 13741, 13742, EF_SHARE_FILES | EF_THREAD);
	b_entry(b, 59, 13742, "read");
	b_fx(b, EFF_USE, 6, EF_BLOCKING | EF_AT_ENTRY, "pipe:[20229]");
	b_go(b);
	b_spawn(b, 61, 13741, 13743, EF_SHARE_FILES | EF_THREAD);
	b_open(b, 70, 13743, 8, "/dev/null<char 1:3>", 0);
	b_close(b, 71, 13743, 8, "/dev/null<char 1:3>", 0);
	b_close(b, 72, 13743, 8, NULL, 1);
	b_socket(b, 73, 13743, 8, "UDP:[20230]");
	b_close(b, 74, 13743, 8, "UDP:[20230]", 0);
	b_entry(b, 78, 13741, "openat");
	b_go(b);
	b_exit(b, 80, 78, 13741, "openat");
	b_fx(b, EFF_CREATE, 8, 0, "/etc/hostname");
	b_ret(b, 8);
	b_go(b);
	b_use(b, 84, 13743, "sendto", 8, "/etc/hostname", EF_SOCKET_ONLY,
	      "ENOTSOCK", ERRC_NOTSOCK);
	b_entry(b, 88, 13741, "close");
	b_fx(b, EFF_CLOSE, 8, EF_AT_ENTRY, "/etc/hostname");
	b_go(b);
	b_exit(b, 90, 88, 13741, "close");
	b_fx(b, EFF_CLOSE, 8, EF_AT_ENTRY, "/etc/hostname");
	b_ret(b, 0);
	b_go(b);
	b_call(b, 94, 13743, "eventfd2");
	b_fx(b, EFF_CREATE, 8, EF_CLOEXEC, "anon_inode:[eventfd]");
	b_ret(b, 8);
	b_go(b);
	b_close(b, 95, 13743, 8, "anon_inode:[eventfd]", 0);
	b_entry(b, 99, 13741, "openat");
	b_go(b);
	b_exit(b, 101, 99, 13741, "openat");
	b_fx(b, EFF_CREATE, 8, 0, "/etc/hostname");
	b_ret(b, 8);
	b_go(b);
	b_close(b, 105, 13743, 8, "/etc/hostname", 0);
	b_entry(b, 109, 13741, "read");
	b_fx(b, EFF_USE, 8, EF_AT_ENTRY | EF_BLOCKING, NULL);
	b_go(b);
	b_exit(b, 111, 109, 13741, "read");
	b_fx(b, EFF_USE, 8, EF_AT_ENTRY | EF_BLOCKING, NULL);
	b_err(b, "EBADF", ERRC_BADF, 9);
	b_go(b);
	b_call(b, 119, 13743, "exit");
	b_go(b);
	b_exited(b, 120, 13743);
	b_exit(b, 124, 59, 13742, "read");
	b_fx(b, EFF_USE, 6, EF_BLOCKING | EF_AT_ENTRY, "pipe:[20229]");
	b_ret(b, 1);
	b_go(b);
	b_exited(b, 129, 13742);
	b_exit_group(b, 133, 13741);
	b_exited(b, 134, 13741);
	timeline_finish(b->tl);
}

static void test_race(void)
{
	struct bld b;
	char buf[256];
	b_init(&b);
	race(&b);
	const struct timeline *tl = b.tl;
	int n;
	const struct finding *f = timeline_findings(tl, &n);
	CHECK_INT("race: findings", n, 5);   /* the two leaks are one note */
	CHECK_INT("race: unexplained", n_unexplained(tl), 0);

	const struct finding *dc = find_kind(tl, FK_DOUBLE_CLOSE, 0);
	CHECK("race: double-close found", dc != NULL);
	if (dc) {
		CHECK_INT("race: double-close id", dc->id, 1);
		CHECK_INT("race: double-close line", dc->src.line, 72);
		CHECK_INT("race: double-close severity", dc->severity,
			  SEV_WARNING);
		CHECK_INT("race: double-close handle", dc->handle, 8);
		CHECK_STR("race: double-close chain",
			  roles(dc, buf, sizeof buf),
			  "opened,closed,offending");
		CHECK_INT("race: double-close closed line",
			  step_role(dc, "closed", 0)->src.line, 71);
		CHECK_STR("race: double-close error", dc->error, "EBADF");
		CHECK_STR("race: double-close object", dc->object,
			  "/dev/null<char 1:3>");
	}

	const struct finding *su = find_kind(tl, FK_STALE_USE, 0);
	CHECK("race: stale-use found", su != NULL);
	if (su) {
		CHECK_INT("race: stale-use line", su->src.line, 84);
		CHECK_INT("race: stale-use tid", su->tid, 13743);
		CHECK_INT("race: stale-use severity", su->severity, SEV_ERROR);
		CHECK_STR("race: stale-use chain", roles(su, buf, sizeof buf),
			  "opened,closed,reused,offending");
		CHECK_INT("race: stale-use opened line",
			  step_role(su, "opened", 0)->src.line, 73);
		CHECK_INT("race: stale-use closed tid",
			  step_role(su, "closed", 0)->tid, 13743);
		CHECK_INT("race: stale-use reused tid",
			  step_role(su, "reused", 0)->tid, 13741);
		CHECK_INT("race: stale-use reused line (entry)",
			  step_role(su, "reused", 0)->src.line, 78);
		CHECK_INT("race: stale-use reused end line",
			  step_role(su, "reused", 0)->end_line, 80);
		CHECK_STR("race: stale-use object", su->object,
			  "/etc/hostname");
		CHECK_STR("race: stale-use expected", su->expected,
			  "UDP:[20230]");
		CHECK_STR("race: stale-use error", su->error, "ENOTSOCK");
		CHECK_INT("race: stale-use reused generation",
			  step_role(su, "reused", 0)->generation, 3);
	}

	const struct finding *sc = find_kind(tl, FK_STALE_CLOSE, 0);
	CHECK("race: stale-close found", sc != NULL);
	if (sc) {
		CHECK_INT("race: stale-close line", sc->src.line, 105);
		CHECK_INT("race: stale-close tid", sc->tid, 13743);
		CHECK_INT("race: stale-close severity (evidence at 109)",
			  sc->severity, SEV_ERROR);
		CHECK_STR("race: stale-close chain", roles(sc, buf, sizeof buf),
			  "opened,closed,reused,offending,failed");
		CHECK_INT("race: stale-close own close line",
			  step_role(sc, "closed", 0)->src.line, 95);
		CHECK_INT("race: stale-close reused by",
			  step_role(sc, "reused", 0)->tid, 13741);
		CHECK_INT("race: stale-close victim line",
			  step_role(sc, "failed", 0)->src.line, 109);
		CHECK_INT("race: stale-close victim end line",
			  step_role(sc, "failed", 0)->end_line, 111);
		CHECK_STR("race: stale-close object", sc->object,
			  "/etc/hostname");
		CHECK_STR("race: stale-close expected", sc->expected,
			  "anon_inode:[eventfd]");
		CHECK("race: stale-close evidence names the read",
		      sc->evidence && strstr(sc->evidence, "read") &&
		      strstr(sc->evidence, "EBADF"));
		CHECK_STR("race: stale-close message", sc->message,
			  "thread 13743 closed fd 8 (/etc/hostname), which "
			  "thread 13741 had opened after 13743's own close "
			  "of it (line 95)");
	}

	const struct finding *uac = find_kind(tl, FK_USE_AFTER_CLOSE, 0);
	CHECK("race: use-after-close found", uac != NULL);
	if (uac) {
		CHECK_INT("race: use-after-close line", uac->src.line, 109);
		CHECK_INT("race: use-after-close tid", uac->tid, 13741);
		CHECK_STR("race: use-after-close chain",
			  roles(uac, buf, sizeof buf),
			  "opened,closed,offending");
		CHECK_INT("race: use-after-close closed by",
			  step_role(uac, "closed", 0)->tid, 13743);
		CHECK("race: use-after-close names the stale close",
		      strstr(uac->message, "stale") != NULL);
	}
	/* the pipe main never closes: both ends in one note */
	CHECK_INT("race: leaks", n_kind(tl, FK_LEAK), 1);
	const struct finding *lk = find_kind(tl, FK_LEAK, 0);
	if (lk) {
		CHECK_INT("race: leak handle", lk->handle, 6);
		CHECK_INT("race: leak line", lk->src.line, 37);
		CHECK_INT("race: leak severity", lk->severity, SEV_NOTE);
		CHECK_STR("race: leak chain", roles(lk, buf, sizeof buf),
			  "opened,exited");
		CHECK("race: leak names both ends",
		      strstr(lk->message, "fd 6 (pipe:") &&
		      strstr(lk->message, "fd 7 (pipe:"));
		CHECK_INT("race: leak exit line",
			  step_role(lk, "exited", 0)->src.line, 133);
	}
	/* ids in detection order, fingerprints set */
	for (int i = 0; i < n; i++) {
		CHECK_INT("race: ids", f[i].id, i + 1);
		CHECK_INT("race: fingerprint length",
			  strlen(f[i].fingerprint), 16);
	}
	const struct timeline_stats *st = timeline_stats(tl);
	CHECK_INT("race: threads", st->threads, 3);
	CHECK_INT("race: processes", st->processes, 1);
	CHECK_INT("race: generations on 8 and others",
		  st->generations >= 7, 1);
	int nt;
	const struct task_info *ti = timeline_tasks(tl, &nt);
	CHECK_INT("race: tasks", nt, 3);
	if (nt == 3) {
		CHECK_INT("race: task 2 tid", ti[1].tid, 13742);
		CHECK_INT("race: task 2 pid", ti[1].pid, 13741);
		CHECK_INT("race: task 2 parent", ti[1].parent_tid, 13741);
		CHECK_INT("race: task 2 created", ti[1].created.line, 46);
		CHECK_INT("race: task 2 is thread", ti[1].is_thread, 1);
		CHECK_INT("race: task 1 created before trace",
			  ti[0].created.line, 0);
	}
	int ng;
	const struct generation_info *gi = timeline_generations(tl, &ng);
	int has8_5 = 0;
	for (int i = 0; i < ng; i++)
		if (gi[i].handle == 8 && gi[i].generation == 5) {
			has8_5 = 1;
			CHECK_INT("race: gen 8/5 lifetime", gi[i].lifetime,
				  LT_IN_IN);
			CHECK_INT("race: gen 8/5 opened", gi[i].opened.line,
				  99);
			CHECK_INT("race: gen 8/5 closed by", gi[i].close_tid,
				  13743);
		}
	CHECK("race: generation 5 of fd 8 listed", has8_5);
	timeline_free(b.tl);
}

/* The same story twice, shifted by 1000 lines: fingerprints stay. */
static void test_fingerprint(void)
{
	struct bld a, b;
	b_init(&a);
	race(&a);
	b_init(&b);
	b_open(&b, 1, 13741, 9, "/tmp/other", 0);   /* shifts everything */
	b_close(&b, 1, 13741, 9, "/tmp/other", 0);
	race(&b);
	int na, nb;
	const struct finding *fa = timeline_findings(a.tl, &na);
	const struct finding *fb = timeline_findings(b.tl, &nb);
	CHECK_INT("fingerprint: same findings", na, nb);
	for (int i = 0; i < na && i < nb; i++)
		CHECK_STR("fingerprint: stable", fa[i].fingerprint,
			  fb[i].fingerprint);
	int distinct = 1;
	for (int i = 0; i < na; i++)
		for (int j = i + 1; j < na; j++)
			if (strcmp(fa[i].fingerprint, fa[j].fingerprint) == 0)
				distinct = 0;
	CHECK("fingerprint: distinct per finding", distinct);
	timeline_free(a.tl);
	timeline_free(b.tl);
}

/* close(A, 8 <unfinished>), B's openat returns 8, A's close resumes: the
 * number was freed at A's entry, so this is not a stale close. */
static void test_split_close(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 1, 100, 8, NULL, 0);
	b_spawn(&b, 2, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_entry(&b, 3, 101, "openat");
	b_go(&b);
	b_entry(&b, 4, 100, "close");
	b_fx(&b, EFF_CLOSE, 8, EF_AT_ENTRY, NULL);
	b_go(&b);
	b_exit(&b, 5, 3, 101, "openat");
	b_fx(&b, EFF_CREATE, 8, 0, NULL);
	b_ret(&b, 8);
	b_go(&b);
	b_exit(&b, 6, 4, 100, "close");
	b_fx(&b, EFF_CLOSE, 8, EF_AT_ENTRY, NULL);
	b_ret(&b, 0);
	b_go(&b);
	b_use(&b, 7, 101, "read", 8, NULL, 0, NULL, 0);
	b_close(&b, 8, 101, 8, NULL, 0);
	timeline_finish(b.tl);
	CHECK_INT("split close: no findings", n_findings(b.tl), 0);
	CHECK_INT("split close: no unexplained", n_unexplained(b.tl), 0);
	timeline_free(b.tl);
}

/* The same, with the decoration telling which object the close hit, and
 * the close's effect only on the resumed line (a parser that does not
 * split effects): still no stale close. */
static void test_split_close_decorated(void)
{
	struct bld b;
	b_init(&b);
	b_open(&b, 1, 100, 8, "/a", 0);
	b_spawn(&b, 2, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_entry(&b, 3, 101, "openat");
	b_go(&b);
	b_entry(&b, 4, 100, "close");
	b_go(&b);
	b_exit(&b, 5, 3, 101, "openat");
	b_fx(&b, EFF_CREATE, 8, 0, "/b");
	b_ret(&b, 8);
	b_go(&b);
	b_exit(&b, 6, 4, 100, "close");
	b_fx(&b, EFF_CLOSE, 8, 0, "/a");
	b_ret(&b, 0);
	b_go(&b);
	b_use(&b, 7, 101, "read", 8, "/b", 0, NULL, 0);
	timeline_finish(b.tl);
	CHECK_INT("split close decorated: no findings", n_findings(b.tl), 0);
	timeline_free(b.tl);
}

/* A hands the number to B: B closes it without ever using it.  No later
 * failure shows harm and the object's kind is the same: a hand-off,
 * counted, not a finding. */
static void test_handoff(void)
{
	struct bld b;
	char buf[128];
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_call(&b, 2, 100, "accept4");
	b_fx(&b, EFF_USE, 3, 0, "TCP:[1]");
	b_fx(&b, EFF_CREATE, 8, 0, "TCP:[1->2]");
	b_ret(&b, 8);
	b_go(&b);
	b_use(&b, 3, 101, "recvfrom", 8, "TCP:[1->2]", 0, NULL, 0);
	b_close(&b, 4, 101, 8, "TCP:[1->2]", 0);
	b_call(&b, 5, 100, "accept4");
	b_fx(&b, EFF_USE, 3, 0, "TCP:[1]");
	b_fx(&b, EFF_CREATE, 8, 0, "TCP:[1->3]");
	b_ret(&b, 8);
	b_go(&b);
	/* worker 101 closes the new connection without reading it */
	b_close(&b, 6, 101, 8, "TCP:[1->3]", 0);
	timeline_finish(b.tl);
	(void)buf;
	CHECK_INT("hand-off: no finding", n_findings(b.tl), 0);
	CHECK_INT("hand-off: counted", timeline_stats(b.tl)->handoffs, 1);
	timeline_free(b.tl);
}

/* The same with another kind of object at the number (the closer knew
 * a pipe, it closes a socket): a note, its evidence says a hand-off
 * cannot be ruled out. */
static void test_handoff_kind_changed(void)
{
	struct bld b;
	char buf[128];
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_open(&b, 2, 101, 8, "pipe:[4]", 0);
	b_close(&b, 3, 101, 8, "pipe:[4]", 0);
	b_open(&b, 4, 100, 8, "TCP:[1->3]", 0);
	b_close(&b, 5, 101, 8, "TCP:[1->3]", 0);
	timeline_finish(b.tl);
	const struct finding *sc = find_kind(b.tl, FK_STALE_CLOSE, 0);
	CHECK_INT("kind changed: one finding", n_findings(b.tl), 1);
	CHECK("kind changed: stale-close", sc != NULL);
	if (sc) {
		CHECK_INT("kind changed: a note", sc->severity, SEV_NOTE);
		CHECK("kind changed: evidence says none",
		      sc->evidence && strncmp(sc->evidence, "none", 4) == 0 &&
		      strstr(sc->evidence, "cannot be ruled out"));
		CHECK_STR("kind changed: chain", roles(sc, buf, sizeof buf),
			  "opened,closed,reused,offending");
	}
	timeline_free(b.tl);
}

/* A worker that used the new connection before closing it: fine. */
static void test_handoff_used(void)
{
	struct bld b;
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_open(&b, 2, 100, 8, "TCP:[1->2]", 0);
	b_use(&b, 3, 101, "recvfrom", 8, NULL, 0, NULL, 0);
	b_close(&b, 4, 101, 8, NULL, 0);
	b_open(&b, 5, 100, 8, "TCP:[1->3]", 0);
	b_use(&b, 6, 101, "recvfrom", 8, NULL, 0, NULL, 0);
	b_close(&b, 7, 101, 8, NULL, 0);
	timeline_finish(b.tl);
	CHECK_INT("hand-off used: no findings", n_findings(b.tl), 0);
	timeline_free(b.tl);
}

/* Blocked read on 5 in U while T closes 5; the read then fails. */
static void test_close_while_in_use(void)
{
	struct bld b;
	char buf[128];
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_open(&b, 2, 100, 5, "socket:[7]", 0);
	b_entry(&b, 3, 101, "read");
	b_fx(&b, EFF_USE, 5, EF_AT_ENTRY | EF_BLOCKING, "socket:[7]");
	b_go(&b);
	b_close(&b, 4, 100, 5, "socket:[7]", 0);
	b_exit(&b, 5, 3, 101, "read");
	b_fx(&b, EFF_USE, 5, EF_AT_ENTRY | EF_BLOCKING, "socket:[7]");
	b_err(&b, "EBADF", ERRC_BADF, 9);
	b_go(&b);
	timeline_finish(b.tl);
	const struct finding *f = find_kind(b.tl, FK_CLOSE_WHILE_IN_USE, 0);
	CHECK_INT("cwiu: one finding", n_findings(b.tl), 1);
	CHECK_INT("cwiu: no unexplained", n_unexplained(b.tl), 0);
	CHECK("cwiu: found", f != NULL);
	if (f) {
		CHECK_INT("cwiu: warning", f->severity, SEV_WARNING);
		CHECK_INT("cwiu: line", f->src.line, 4);
		CHECK_INT("cwiu: closer", f->tid, 100);
		CHECK_STR("cwiu: chain", roles(f, buf, sizeof buf),
			  "opened,blocked,offending,failed");
		CHECK_INT("cwiu: blocked tid", step_role(f, "blocked", 0)->tid,
			  101);
		CHECK_INT("cwiu: blocked line",
			  step_role(f, "blocked", 0)->src.line, 3);
	}
	timeline_free(b.tl);
}

/* Every EBADF/ENOTSOCK has a finding or a reason. */
static void test_unexplained(void)
{
	struct bld b;
	b_init(&b);
	b_use(&b, 1, 100, "read", 42, NULL, 0, "EBADF", ERRC_BADF);
	b_call(&b, 2, 100, "pipe2");
	b_fx(&b, EFF_CREATE, 3, 0, "pipe:[1]");
	b_fx(&b, EFF_CREATE, 4, 0, "pipe:[1]");
	b_ret(&b, 0);
	b_go(&b);
	b_use(&b, 3, 100, "sendto", 4, "pipe:[1]", EF_SOCKET_ONLY,
	      "ENOTSOCK", ERRC_NOTSOCK);
	b_open(&b, 4, 100, 5, "/etc/hostname", 0);
	b_use(&b, 5, 100, "write", 5, "/etc/hostname", 0, "EBADF",
	      ERRC_BADF);
	b_use(&b, 6, 100, "shutdown", 10, "/dev/null", EF_SOCKET_ONLY,
	      "ENOTSOCK", ERRC_NOTSOCK);
	b_call(&b, 7, 100, "mystery");
	b_err(&b, "EBADF", ERRC_BADF, 9);
	b_go(&b);
	b_use(&b, 8, 100, "write", 1, "/dev/pts/0", 0, NULL, 0);
	timeline_finish(b.tl);
	int n;
	const struct unexplained *u = timeline_unexplained(b.tl, &n);
	CHECK_INT("unexplained: no findings", n_findings(b.tl), 0);
	CHECK_INT("unexplained: count", n, 5);
	if (n == 5) {
		CHECK_STR("unexplained: never seen", u[0].reason,
			  "fd never seen in this table");
		CHECK_INT("unexplained: never seen handle", u[0].handle, 42);
		CHECK_INT("unexplained: never seen line", u[0].src.line, 1);
		CHECK("unexplained: never was a socket",
		      strncmp(u[1].reason, "never was a socket", 18) == 0);
		CHECK_STR("unexplained: its code", u[1].reason_code,
			  "never-a-socket");
		CHECK("unexplained: wrong access mode",
		      strncmp(u[2].reason, "wrong access mode", 17) == 0);
		CHECK_STR("unexplained: outside",
			  u[3].reason, "opened outside the trace (/dev/null), "
			  "not a socket");
		CHECK_STR("unexplained: no handle", u[4].reason,
			  "no handle argument known for this call");
		CHECK_STR("unexplained: error", u[0].error, "EBADF");
	}
	timeline_free(b.tl);
}

/* A thread writes successfully into a file that replaced its socket,
 * which another thread closed: the call works on either, so this is a
 * note (a hand-off cannot be ruled out), never an error. */
static void test_stale_use_success(void)
{
	struct bld b;
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_open(&b, 2, 101, 7, "TCP:[5->6]", 0);
	b_use(&b, 3, 101, "write", 7, "TCP:[5->6]", 0, NULL, 0);
	b_close(&b, 4, 100, 7, "TCP:[5->6]", 0);
	b_open(&b, 5, 100, 7, "/var/db/main.db", 0);
	b_use(&b, 6, 101, "write", 7, "/var/db/main.db", 0, NULL, 0);
	timeline_finish(b.tl);
	const struct finding *f = find_kind(b.tl, FK_STALE_USE, 0);
	CHECK("stale-use success: found", f != NULL);
	if (f) {
		CHECK_INT("stale-use success: note", f->severity, SEV_NOTE);
		CHECK_INT("stale-use success: line", f->src.line, 6);
		CHECK("stale-use success: no error name", f->error == NULL);
		CHECK_STR("stale-use success: expected", f->expected,
			  "TCP:[5->6]");
	}
	timeline_free(b.tl);
}

/* A worker using a new socket of the same kind someone handed it: no
 * finding (hand-off is normal). */
static void test_same_kind_reuse(void)
{
	struct bld b;
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_open(&b, 2, 100, 7, "TCP:[5->6]", 0);
	b_use(&b, 3, 101, "write", 7, NULL, 0, NULL, 0);
	b_close(&b, 4, 101, 7, NULL, 0);
	b_open(&b, 5, 100, 7, "TCP:[5->8]", 0);
	b_use(&b, 6, 101, "write", 7, NULL, 0, NULL, 0);
	timeline_finish(b.tl);
	CHECK_INT("same kind reuse: no findings", n_findings(b.tl), 0);
	timeline_free(b.tl);
}

/* stale-use.c part 2: the logger's log is closed by the rotator, the db
 * gets the number, the logger's next write lands in the db (= 22).  A
 * file for a file: the trace cannot tell this from a thread pool moving
 * the number between threads (libuv does it all the time), so it is a
 * hand-off, counted, not a finding. */
static void test_stale_use_unaware(void)
{
	struct bld b;
	char buf[128];
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_spawn(&b, 2, 100, 102, EF_SHARE_FILES | EF_THREAD);
	b_spawn(&b, 3, 100, 103, EF_SHARE_FILES | EF_THREAD);
	b_open(&b, 10, 101, 3, "/w/stale-use.log", EF_CLOEXEC);
	b_use(&b, 11, 101, "write", 3, "/w/stale-use.log", 0, NULL, 0);
	b_close(&b, 12, 102, 3, "/w/stale-use.log", 0);
	b_open(&b, 13, 103, 3, "/w/stale-use.db", EF_CLOEXEC);
	b_use(&b, 14, 103, "write", 3, "/w/stale-use.db", 0, NULL, 0);
	b_use(&b, 15, 101, "write", 3, "/w/stale-use.db", 0, NULL, 0);
	b_close(&b, 16, 103, 3, "/w/stale-use.db", 0);
	timeline_finish(b.tl);
	(void)buf;
	CHECK_INT("unaware: no finding", n_findings(b.tl), 0);
	CHECK_INT("unaware: a hand-off", timeline_stats(b.tl)->handoffs, 1);
	timeline_free(b.tl);
}

/* The victim of a stale close closes "its" number later and destroys a
 * third thread's object: evidence for the first stale close, and a
 * stale close of its own. */
static void test_stale_close_cascade(void)
{
	struct bld b;
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_spawn(&b, 2, 100, 102, EF_SHARE_FILES | EF_THREAD);
	b_open(&b, 3, 100, 5, "/a", 0);
	b_close(&b, 4, 100, 5, "/a", 0);
	b_open(&b, 5, 101, 5, "/b", 0);
	b_close(&b, 6, 100, 5, "/b", 0);        /* stale: kills 101's /b */
	b_open(&b, 7, 102, 5, "/c", 0);
	b_close(&b, 8, 101, 5, "/c", 0);        /* 101 closes "/b": gets /c */
	b_use(&b, 9, 102, "read", 5, NULL, 0, "EBADF", ERRC_BADF);
	timeline_finish(b.tl);
	CHECK_INT("cascade: stale-closes", n_kind(b.tl, FK_STALE_CLOSE), 2);
	const struct finding *a = find_kind(b.tl, FK_STALE_CLOSE, 0);
	const struct finding *c = find_kind(b.tl, FK_STALE_CLOSE, 1);
	if (a && c) {
		CHECK_INT("cascade: first is an error", a->severity,
			  SEV_ERROR);
		CHECK_INT("cascade: second follows from the first",
			  c->caused_by, a->id);
		CHECK_INT("cascade: the first lists it", a->nconsequences >= 1
			  ? a->consequences[0] : 0, c->id);
		CHECK("cascade: evidence names the close",
		      strstr(a->evidence, "close") != NULL);
		CHECK_INT("cascade: second by 101", c->tid, 101);
		CHECK_INT("cascade: second an error (102's read failed)",
			  c->severity, SEV_ERROR);
	}
	CHECK_INT("cascade: use-after-close", n_kind(b.tl, FK_USE_AFTER_CLOSE),
		  1);
	timeline_free(b.tl);
}

/* A thread whose use failed because it never learnt of the new object,
 * then closes the number: the close is stale (it destroys the other
 * thread's file), and the other thread's failure is its evidence.  A
 * second failure of the same thread is listed, not a new finding. */
static void test_failed_use_then_close(void)
{
	struct bld b;
	b_init(&b);
	b_spawn(&b, 1, 100, 101, EF_SHARE_FILES | EF_THREAD);
	b_socket(&b, 2, 101, 8, "UDP:[20230]");
	b_close(&b, 3, 101, 8, "UDP:[20230]", 0);
	b_open(&b, 4, 100, 8, "/tmp/f", 0);
	b_use(&b, 5, 101, "sendto", 8, "/tmp/f", EF_SOCKET_ONLY,
	      "ENOTSOCK", ERRC_NOTSOCK);
	b_use(&b, 6, 101, "sendto", 8, "/tmp/f", EF_SOCKET_ONLY,
	      "ENOTSOCK", ERRC_NOTSOCK);
	b_close(&b, 7, 101, 8, "/tmp/f", 0);
	b_use(&b, 8, 100, "read", 8, NULL, 0, "EBADF", ERRC_BADF);
	timeline_finish(b.tl);
	CHECK_INT("failed use: one stale-use", n_kind(b.tl, FK_STALE_USE), 1);
	CHECK_INT("failed use: stale-close", n_kind(b.tl, FK_STALE_CLOSE), 1);
	const struct finding *f = find_kind(b.tl, FK_STALE_CLOSE, 0);
	if (f) {
		CHECK_INT("failed use: close line", f->src.line, 7);
		CHECK_INT("failed use: upgraded by the victim", f->severity,
			  SEV_ERROR);
	}
	int n;
	const struct unexplained *u = timeline_unexplained(b.tl, &n);
	CHECK_INT("failed use: repeat listed", n, 1);
	if (n == 1) {
		CHECK_INT("failed use: repeat line", u[0].src.line, 6);
		CHECK("failed use: repeat reason",
		      strstr(u[0].reason, "failed again") != NULL);
	}
	timeline_free(b.tl);
}

int main(void)
{
	test_race();
	test_fingerprint();
	test_split_close();
	test_split_close_decorated();
	test_handoff();
	test_handoff_kind_changed();
	test_handoff_used();
	test_close_while_in_use();
	test_unexplained();
	test_stale_use_success();
	test_same_kind_reuse();
	test_stale_use_unaware();
	test_stale_close_cascade();
	test_failed_use_then_close();
	return unit_failed;
}
