/* tests/unit/strace_parse.c - one test per strace parser hazard (the
 * reference's checklist in strace-format.md section 1.12) and per capture
 * variant, asserting on the ht_event fields.  Lines are real strace 6.1
 * output from tests/data/strace unless marked as built from the format
 * strace's source prints. */
#include "unit.h"
#include "strace_helpers.h"

/* 1. the prefix: "N ", "[pid  N] " coming and going, "N<comm> " */
static void test_prefixes(void)
{
	struct parsed ps;
	parse_text(&ps,
		"13741 20:35:24.253133 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7fd12b309990, parent_tid=0x7fd12b309990, exit_signal=0, stack=0x7fd12ab09000, stack_size=0x7fff80, tls=0x7fd12b3096c0} => {parent_tid=[13742]}, 88) = 13742 <0.000087>\n"
		"4596  20:28:51.000001 close(3) = 0\n", -1);
	CHECK_INT("prefix -f: events", ps.n, 2);
	CHECK_INT("prefix -f: tid", ps.ev[0].tid, 13741);
	CHECK_INT("prefix -f: 4-digit tid with two spaces", ps.ev[1].tid,
		  4596);
	CHECK_STR("prefix -f: flags", ps.st.flags, "-f -tt -T");
	parsed_free(&ps);

	/* stderr: no prefix with one tracee, [pid N] with several */
	parse_path(&ps, data_file("fork.stderr-f-ttt-T-y.txt"), -1);
	CHECK_INT("prefix stderr: no skips", ps.st.skipped, 0);
	CHECK_INT("prefix stderr: line 1 is the traced process (from "
		  "set_tid_address)", ev_at(&ps, 1, -1)->tid, 13766);
	CHECK_INT("prefix stderr: [pid 13767]", ev_at(&ps, 33, -1)->tid,
		  13767);
	CHECK_INT("prefix stderr: [pid 13766]", ev_at(&ps, 34, -1)->tid,
		  13766);
	CHECK_INT("prefix stderr: prefix gone again -> last task alive",
		  ev_at(&ps, 97, PH_EXIT)->tid, 13766);
	CHECK_INT("prefix stderr: final exit", ev_at(&ps, 103, -1)->tid,
		  13766);
	CHECK("prefix stderr: flags", strstr(ps.st.flags, "(stderr)") != NULL);
	CHECK("prefix stderr: limit noted", strstr(ps.st.limits, "stderr "
						   "capture") != NULL);
	parsed_free(&ps);

	/* -Y: "13814<texec> " and the comm changing at exec */
	parse_path(&ps, data_file("thread-execve.f-Y-y.txt"), -1);
	const struct ht_event *e = ev_at(&ps, 1, -1);
	CHECK_INT("prefix -Y: tid", e->tid, 13814);
	CHECK_STR("prefix -Y: comm before exec", e->thread_name, "strace");
	CHECK_STR("prefix -Y: comm", ev_at(&ps, 2, -1)->thread_name, "texec");
	CHECK_STR("prefix -Y: comm after exec", ev_at(&ps, 53, -1)
		  ->thread_name, "true");
	CHECK("prefix -Y: flag", strstr(ps.st.flags, "-Y") != NULL);
	parsed_free(&ps);

	/* stderr with -Y: "[pid  9668<texec>] " */
	parse_path(&ps, data_file("thread-execve.stderr-f-Y-tt.txt"), -1);
	e = ev_at(&ps, 41, -1);
	CHECK_INT("prefix [pid N<comm>]: tid", e->tid, 9668);
	CHECK_STR("prefix [pid N<comm>]: comm", e->thread_name, "texec");
	CHECK_INT("prefix [pid N<comm>]: no skips", ps.st.skipped, 0);
	parsed_free(&ps);
}

/* 2. "strace: Process N attached" cut into a trace line on stderr */
static void test_splice(void)
{
	struct parsed ps;
	parse_text(&ps,
		"1795379724.345349 rt_sigaction(SIGUSR1, {sa_handler=0x55e28cfddc50, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7fd367b7e050}, NULL, 8) = 0 <0.000040>\n"
		"1795379724.345454 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLDstrace: Process 13767 attached\n"
		", child_tidptr=0x7fd367b3fa10) = 13767 <0.000152>\n"
		"[pid 13767] 1795379724.345639 set_robust_list(0x7fd367b3fa20, 24 <unfinished ...>\n"
		"strace: Process 13768 attached\n"
		"[pid 13768] 1795379724.345781 set_robust_list(0x7fd367b3fa20, 24strace: Process 13769 attached\n"
		") = 0 <0.000110>\n", -1);
	CHECK_INT("splice: nothing skipped", ps.st.skipped, 0);
	CHECK_INT("splice: 4 events from 7 lines", ps.n, 4);
	const struct ht_event *e = ev_at(&ps, 2, -1);
	CHECK("splice: clone rejoined at its first line", e != NULL);
	if (e) {
		CHECK_STR("splice: call", e->call, "clone");
		CHECK_INT("splice: result from the second part", e->ret,
			  13767);
		CHECK("splice: spawn effect (fork-like)", fx_find(e, EFF_SPAWN,
		      13767) && e->fx[0].flags == 0);
		CHECK_STR("splice: raw without the message", e->raw,
			  "1795379724.345454 clone(child_stack=NULL, flags="
			  "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
			  "child_tidptr=0x7fd367b3fa10) = 13767 <0.000152>");
		CHECK_INT("splice: stamp of the first part", e->ts,
			  1795379724345454000LL);
	}
	e = ev_at(&ps, 6, -1);
	CHECK("splice: second splice rejoined", e && e->tid == 13768 &&
	      e->has_ret && e->ret == 0);
	CHECK_INT("splice: lines counted", ps.st.lines, 7);
	parsed_free(&ps);
}

/* 3. every timestamp form */
static void test_timestamps(void)
{
	struct parsed ps;
	parse_text(&ps, "13741 20:35:24.247411 close(3) = 0\n"
		   "13741 20:35:24.248492 close(4) = 0\n", -1);
	CHECK_INT("ts -tt: ns since midnight", ps.ev[0].ts,
		  (20 * 3600 + 35 * 60 + 24) * 1000000000LL + 247411000);
	CHECK_STR("ts -tt: text", ps.ev[0].time_text, "20:35:24.247411");
	CHECK("ts -tt: flag", strstr(ps.st.flags, "-tt") != NULL);
	CHECK_INT("ts -tt: ts_first", ps.st.ts_first, ps.ev[0].ts);
	CHECK_INT("ts -tt: ts_last", ps.st.ts_last, ps.ev[1].ts);
	parsed_free(&ps);

	parse_text(&ps, "20:34:51 close(3)                       = 0\n", -1);
	CHECK_INT("ts -t: seconds", ps.ev[0].ts,
		  (20 * 3600 + 34 * 60 + 51) * 1000000000LL);
	CHECK_STR("ts -t: flags", ps.st.flags, "-t");
	parsed_free(&ps);

	parse_text(&ps, "1795379691.660945 close(3)              = 0\n", -1);
	CHECK_INT("ts -ttt: epoch ns", ps.ev[0].ts, 1795379691660945000LL);
	CHECK_STR("ts -ttt: flags", ps.st.flags, "-ttt");
	parsed_free(&ps);

	parse_text(&ps, "1795379691.686581406 close(3)           = 0\n", -1);
	CHECK_INT("ts unix ns", ps.ev[0].ts, 1795379691686581406LL);
	CHECK_STR("ts unix ns: flags", ps.st.flags,
		  "--timestamps=unix,precision:ns");
	parsed_free(&ps);

	parse_path(&ps, data_file("race.f-ms.txt"), -1);
	CHECK_INT("ts precision:ms", ps.ev[0].ts,
		  (21 * 3600 + 14 * 60 + 57) * 1000000000LL + 11000000);
	CHECK_STR("ts precision:ms: text", ps.ev[0].time_text, "21:14:57.011");
	CHECK("ts precision:ms: flags", strstr(ps.st.flags,
		"--timestamps=precision:ms") != NULL);
	CHECK_INT("ts precision:ms: no skips", ps.st.skipped, 0);
	parsed_free(&ps);

	/* -r: deltas add up, also over lines without an event */
	parse_path(&ps, data_file("fork.f-r-T-y.txt"), -1);
	CHECK_INT("ts -r: first is 0", ps.ev[0].ts, 0);
	CHECK_INT("ts -r: cumulative", ps.ev[2].ts, 365000 + 272000);
	CHECK_STR("ts -r: text as printed", ps.ev[1].time_text, "0.000365");
	CHECK("ts -r: flags", strstr(ps.st.flags, "-r") != NULL);
	CHECK("ts -r: limit", strstr(ps.st.limits, "relative") != NULL);
	parsed_free(&ps);

	/* -t -r */
	parse_path(&ps, data_file("race.f-t-r.txt"), -1);
	CHECK_INT("ts -t -r: anchored at the first stamp", ps.ev[0].ts,
		  (21 * 3600 + 14 * 60 + 56) * 1000000000LL);
	CHECK_INT("ts -t -r: plus the deltas", ps.ev[2].ts,
		  (21 * 3600 + 14 * 60 + 56) * 1000000000LL + 478000 + 281000);
	CHECK_STR("ts -t -r: text", ps.ev[1].time_text,
		  "21:14:56 (+     0.000478)");
	CHECK("ts -t -r: flags", strstr(ps.st.flags, "-t -r") != NULL);
	parsed_free(&ps);

	/* -t wraps at midnight */
	parse_text(&ps, "1 23:59:59.900000 close(3) = 0\n"
		   "1 00:00:00.100000 close(4) = 0\n", -1);
	CHECK_INT("ts midnight: next day", ps.ev[1].ts - ps.ev[0].ts,
		  200000000);
	CHECK("ts midnight: limit names the line", strstr(ps.st.limits,
		"midnight at line 2") != NULL);
	parsed_free(&ps);

	parse_text(&ps, "1 close(3) = 0\n", -1);
	CHECK_INT("ts none: TS_NONE", ps.ev[0].ts, TS_NONE);
	CHECK_STR("ts none: empty text", ps.ev[0].time_text, "");
	CHECK("ts none: limit", strstr(ps.st.limits, "no timestamps") != NULL);
	parsed_free(&ps);
}

/* 4. -n "[ nnn]" and -i "[hex]" before the body, also before "+++" */
static void test_n_i(void)
{
	struct parsed ps;
	parse_path(&ps, data_file("race.n-ns-Xverbose-desc-net.txt"), -1);
	CHECK_INT("-n: no skips", ps.st.skipped, 0);
	const struct ht_event *e = ev_at(&ps, 5, -1);
	CHECK_STR("-n: call after [   3]", e->call, "close");
	CHECK("-n: close of 3", fx_find(e, EFF_CLOSE, 3) != NULL);
	e = ev_at(&ps, 53, -1);
	CHECK("-n: before +++", e->type == EV_TASK_EXIT && e->tid == 13808);
	CHECK("-n: flag", strstr(ps.st.flags, "-n") != NULL);
	parsed_free(&ps);

	parse_path(&ps, data_file("race.f-i.txt"), -1);
	CHECK_INT("-i: no skips", ps.st.skipped, 0);
	CHECK_STR("-i: call after [hex]", ev_at(&ps, 1, -1)->call, "execve");
	e = ev_at(&ps, 47, PH_EXIT);
	CHECK("-i: resumed after [hex]", e && e->end_line == 49);
	CHECK("-i: flag", strstr(ps.st.flags, "-i") != NULL);
	parsed_free(&ps);
}

/* 5. <unfinished ...> / <... resumed> pairing, odd forms, #N ids */
static void test_pairing(void)
{
	struct parsed ps;
	parse_text(&ps,
		"13742 20:35:24.253467 read(6<pipe:[20229]>,  <unfinished ...>\n"
		"13741 20:35:24.286133 write(7<pipe:[20229]>, \"x\", 1) = 1 <0.000024>\n"
		"13742 20:35:24.286225 <... read resumed>\"x\", 16) = 1 <0.032741>\n"
		"13741 20:35:24.254794 close(8</etc/hostname> <unfinished ...>\n"
		"13743 20:35:24.254810 futex(0x558a4bc76204, FUTEX_WAIT_PRIVATE, 6, NULL <unfinished ...>\n"
		"13741 20:35:24.254871 <... close resumed>) = 0 <0.000068>\n", -1);
	CHECK_INT("pair: events", ps.n, 6);
	const struct ht_event *e = ev_at(&ps, 1, PH_ENTRY);
	CHECK("pair: entry event", e && e->type == EV_CALL && !e->has_ret);
	CHECK("pair: entry use of 6 with object", fx_find(e, EFF_USE, 6) &&
	      strcmp(OBJ(fx_find(e, EFF_USE, 6)), "pipe:[20229]") == 0);
	CHECK("pair: entry use not yet at-entry", !(fx_find(e, EFF_USE, 6)
						    ->flags & EF_AT_ENTRY));
	e = ev_at(&ps, 1, PH_EXIT);
	CHECK("pair: exit event", e != NULL);
	CHECK_INT("pair: exit tid", e->tid, 13742);
	CHECK_INT("pair: exit end_line", e->end_line, 3);
	CHECK_INT("pair: exit ret", e->ret, 1);
	CHECK_INT("pair: exit ts = resumed line", e->ts,
		  (20 * 3600 + 35 * 60 + 24) * 1000000000LL + 286225000);
	CHECK_INT("pair: exit -T duration in ns", e->dur, 32741000);
	CHECK_INT("pair: entry has no duration",
		  ev_at(&ps, 1, PH_ENTRY)->dur, 0);
	CHECK("pair: exit use marked at entry", fx_find(e, EFF_USE, 6) &&
	      (fx_find(e, EFF_USE, 6)->flags & EF_AT_ENTRY) &&
	      (fx_find(e, EFF_USE, 6)->flags & EF_BLOCKING));
	CHECK_STR("pair: raw is entry ... resumed", e->raw,
		  "13742 20:35:24.253467 read(6<pipe:[20229]>,  <unfinished "
		  "...> ... 13742 20:35:24.286225 <... read resumed>\"x\", "
		  "16) = 1 <0.032741>");
	e = ev_at(&ps, 4, PH_ENTRY);
	CHECK("pair: close at entry", fx_find(e, EFF_CLOSE, 8) &&
	      strcmp(OBJ(fx_find(e, EFF_CLOSE, 8)), "/etc/hostname") == 0);
	e = ev_at(&ps, 4, PH_EXIT);
	CHECK("pair: close exit", e && e->end_line == 6 && e->ret == 0 &&
	      fx_find(e, EFF_CLOSE, 8) &&
	      (fx_find(e, EFF_CLOSE, 8)->flags & EF_AT_ENTRY));
	CHECK("pair: other thread still pending (no exit)",
	      ev_at(&ps, 5, PH_EXIT) == NULL);
	parsed_free(&ps);

	/* output arrays come at exit: pipe2( <unfinished ...> */
	parse_path(&ps, data_file("fork.stderr-f-ttt-T-y.txt"), -1);
	e = ev_at(&ps, 42, PH_EXIT);
	CHECK("pair: pipe2 fds at exit", e && fx_find(e, EFF_CREATE, 3) &&
	      fx_find(e, EFF_CREATE, 4) && !(e->fx[0].flags & EF_AT_ENTRY));
	CHECK("pair: pipe2 entry has no effect", ev_at(&ps, 42, PH_ENTRY)->nfx
	      == 0);
	/* the killed child's pause: "<... pause resumed>) = ?" */
	e = ev_at(&ps, 43, PH_EXIT);
	CHECK("pair: = ? after kill", e && !e->has_ret && e->end_line == 95);
	parsed_free(&ps);

	/* odd forms: killed mid-call by an execve, <unavailable>, ids */
	parse_text(&ps,
		"15874 20:12:51.109000 epoll_wait(4<anon_inode:[eventpoll]>,  <unfinished ...>\n"
		"15874 20:12:51.109551 <... epoll_wait resumed> <unfinished ...>) = ?\n"
		"3619  futex(0x7f, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>\n"
		"3619  <... futex resumed> )             = ? <unavailable>\n"
		"77 read(3,  <unfinished #12 ...>\n"
		"78 close(9) = 0\n"
		"77 <... read resumed #12>\"ab\", 2) = 2\n", -1);
	CHECK_INT("pair odd: no skips", ps.st.skipped, 0);
	e = ev_at(&ps, 1, PH_EXIT);
	CHECK("pair odd: resumed> <unfinished ...>) = ?", e && !e->has_ret &&
	      fx_find(e, EFF_USE, 4));
	e = ev_at(&ps, 3, PH_EXIT);
	CHECK("pair odd: = ? <unavailable>", e && !e->has_ret &&
	      !e->failed);
	e = ev_at(&ps, 5, PH_EXIT);
	CHECK("pair odd: #N ids", e && e->ret == 2 && e->end_line == 7 &&
	      fx_find(e, EFF_USE, 3));
	parsed_free(&ps);

	/* a resumed call without its entry */
	parse_text(&ps, "13742 20:35:24.286225 <... read resumed>\"x\", 16) = 1\n"
		   "13742 20:35:24.286270 <... openat resumed>) = 8</etc/hostname>\n", -1);
	CHECK_INT("pair orphan: counted skip", ps.st.skipped, 1);
	CHECK_INT("pair orphan: skip line", ps.st.samples[0].line, 1);
	CHECK("pair orphan: reason", strstr(ps.st.samples[0].reason,
		"without its <unfinished ...> entry") != NULL);
	e = ev_at(&ps, 2, -1);
	CHECK("pair orphan: a result that creates an fd is still used",
	      e && e->phase == PH_FULL && fx_find(e, EFF_CREATE, 8) &&
	      strcmp(OBJ(fx_find(e, EFF_CREATE, 8)), "/etc/hostname") == 0);
	parsed_free(&ps);
}

/* 6. results: ?, hex, decorated fd, errno names, (errno N), retstr, -T */
static void test_results(void)
{
	struct parsed ps;
	parse_text(&ps,
		"13743 20:35:24.254628 sendto(8</etc/hostname>, \"ping\", 4, 0, NULL, 0) = -1 ENOTSOCK (Socket operation on non-socket) <0.000034>\n"
		"13743 20:35:24.254047 close(8)          = -1 EBADF (Bad file descriptor) <0.000033>\n"
		"13741 20:35:24.248001 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fd12b4fa000 <0.000038>\n"
		"7070  fcntl(3</etc/hostname>, F_GETFD)  = 0x1 (flags FD_CLOEXEC)\n"
		"1 ioctl(3, 0xc0de, 0) = -1 (errno 4095)\n"
		"1 close(5) = -1 EBADF (Ungueltiger Dateideskriptor)\n"
		"1 exit_group(0)                     = ?\n"
		"[pid 13766] 1795379724.396809 read(3<pipe:[20507]>, 0x7ffc90bc9627, 1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.050471>\n"
		"1 select(4, [3], NULL, NULL, NULL) = 1 (in [3])\n"
		"1 write(1, \"x\", 1) = 1 (INJECTED)\n", -1);
	CHECK_INT("result: no skips", ps.st.skipped, 0);
	const struct ht_event *e = &ps.ev[0];
	CHECK("result ENOTSOCK: failed", e->failed && e->has_ret &&
	      e->ret == -1);
	CHECK_INT("result ENOTSOCK: err 88", e->err, 88);
	CHECK_STR("result ENOTSOCK: name", e->errname, "ENOTSOCK");
	CHECK_INT("result ENOTSOCK: class", e->errc, ERRC_NOTSOCK);
	CHECK("result ENOTSOCK: socket-only use of the new object",
	      fx_find(e, EFF_USE, 8) && (fx_find(e, EFF_USE, 8)->flags &
	      EF_SOCKET_ONLY) && !strcmp(OBJ(fx_find(e, EFF_USE, 8)),
					 "/etc/hostname"));
	e = &ps.ev[1];
	CHECK("result EBADF", e->failed && e->err == 9 && e->errc == ERRC_BADF
	      && !strcmp(e->errname, "EBADF"));
	CHECK("result EBADF close: close effect without object",
	      fx_find(e, EFF_CLOSE, 8) && !fx_find(e, EFF_CLOSE, 8)->object);
	CHECK("result hex", ps.ev[2].has_ret && ps.ev[2].ret ==
	      0x7fd12b4fa000LL && !ps.ev[2].failed);
	CHECK("result hex with retstr", ps.ev[3].ret == 1 && !ps.ev[3].failed);
	e = &ps.ev[4];
	CHECK("result (errno 4095)", e->failed && e->err == 4095 &&
	      e->errname == NULL && e->errc == ERRC_OTHER);
	e = &ps.ev[5];
	CHECK("result localised message: keyed on the name", e->failed &&
	      e->errc == ERRC_BADF && e->err == 9);
	CHECK("result = ?", !ps.ev[6].has_ret && !ps.ev[6].failed &&
	      fx_find(&ps.ev[6], EFF_EXIT_GROUP, -1));
	e = &ps.ev[7];
	CHECK("result ERESTARTSYS: restart class", !e->has_ret && e->failed
	      && e->errc == ERRC_RESTART && e->err == 512);
	CHECK("result retstr", ps.ev[8].ret == 1 && !ps.ev[8].failed);
	CHECK("result (INJECTED)", ps.ev[9].ret == 1);
	CHECK("result -T flag", strstr(ps.st.flags, "-T") != NULL);
	parsed_free(&ps);
}

/* 7. -y/-yy: nested <...<...>>, \74 \76 escapes, (deleted) after '>' */
static void test_decorations(void)
{
	struct parsed ps;
	parse_text(&ps,
		"13743 openat(AT_FDCWD</home/u/w>, \"/dev/null\", O_RDONLY) = 8</dev/null<char 1:3>>\n"
		"13743 close(8</dev/null<char 1:3>>) = 0\n"
		"1 openat(AT_FDCWD</home/u/w>, \"weird/a>b<c\", O_RDONLY) = 3</home/u/w/weird/a\\76b\\74c>\n"
		"1 write(5</home/u/w/weird/tmpdel>(deleted), \"x\", 1) = 1\n"
		"13741 accept4(3<TCP:[127.0.0.1:55193]>, NULL, NULL, SOCK_CLOEXEC) = 5<TCP:[127.0.0.1:55193->127.0.0.1:54236]>\n"
		"7070  close(8</tmp/fdsem.tmp>(deleted)) = 0\n"
		"1 read(6<TCPv6:[[::1]:80->[::1]:4242]>, \"\", 1) = 0\n", -1);
	CHECK_INT("deco: no skips", ps.st.skipped, 0);
	CHECK_STR("deco: nested device decoration",
		  OBJ(fx_find(&ps.ev[0], EFF_CREATE, 8)), "/dev/null<char 1:3>");
	CHECK_STR("deco: nested in an argument",
		  OBJ(fx_find(&ps.ev[1], EFF_CLOSE, 8)), "/dev/null<char 1:3>");
	CHECK_STR("deco: escapes kept as printed",
		  OBJ(fx_find(&ps.ev[2], EFF_CREATE, 3)),
		  "/home/u/w/weird/a\\76b\\74c");
	CHECK_STR("deco: (deleted) after '>' is not part of the object",
		  OBJ(fx_find(&ps.ev[3], EFF_USE, 5)),
		  "/home/u/w/weird/tmpdel");
	CHECK_INT("deco: (deleted) then more args", ps.ev[3].ret, 1);
	CHECK_STR("deco: socket peers with ->",
		  OBJ(fx_find(&ps.ev[4], EFF_CREATE, 5)),
		  "TCP:[127.0.0.1:55193->127.0.0.1:54236]");
	CHECK_STR("deco: close of a deleted file",
		  OBJ(fx_find(&ps.ev[5], EFF_CLOSE, 8)), "/tmp/fdsem.tmp");
	CHECK_STR("deco: IPv6 peers",
		  OBJ(fx_find(&ps.ev[6], EFF_USE, 6)),
		  "TCPv6:[[::1]:80->[::1]:4242]");
	CHECK("deco: -yy flag", strstr(ps.st.flags, "-yy") != NULL);
	parsed_free(&ps);

	parse_path(&ps, data_file("symptoms.y.txt"), -1);
	CHECK("deco: -y flag", strstr(ps.st.flags, "-y") != NULL &&
	      strstr(ps.st.flags, "-yy") == NULL);
	CHECK_INT("deco: single process without prefix: tid from "
		  "set_tid_address", ps.ev[0].tid, 15246);
	parsed_free(&ps);

	parse_path(&ps, data_file("race.f-i.txt"), -1);
	CHECK("deco: no -y noted as a limit", strstr(ps.st.limits, "no -y")
	      != NULL);
	parsed_free(&ps);
}

/* 8. ") = " inside strings and decorations */
static void test_split(void)
{
	struct parsed ps;
	parse_text(&ps,
		"1 write(3</tmp/x>, \"a) = 5\", 6) = 6\n"
		"1 getcwd(\"/tmp/a) = 5\", 4096) = 12\n"
		"1 openat(AT_FDCWD, \"/tmp/a) = b\", O_RDONLY) = 3</tmp/a) = b>\n"
		"1 wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 77\n"
		"1 write(2, \"\\\") = 9\\\"\", 7) = 7\n", -1);
	CHECK_INT("split: no skips", ps.st.skipped, 0);
	CHECK("split: string holding ) = (fd call)", ps.ev[0].ret == 6 &&
	      fx_find(&ps.ev[0], EFF_USE, 3));
	CHECK_INT("split: string holding ) = (no-fd call)", ps.ev[1].ret, 12);
	CHECK("split: decoration holding ) =", ps.ev[2].ret == 3 &&
	      !strcmp(OBJ(fx_find(&ps.ev[2], EFF_CREATE, 3)), "/tmp/a) = b"));
	CHECK_INT("split: wait4 status with parens", ps.ev[3].ret, 77);
	CHECK_INT("split: escaped quotes", ps.ev[4].ret, 7);
	parsed_free(&ps);

	/* cut-off lines: the ") = " inside the string is not the result */
	parse_text(&ps, "1 getcwd(\"/tmp/a) = 5\", 4096\n"
		   "1 write(1, \"a) = 5\", 6)\n"
		   "1 write(1, \"a) = 5\", 6) = \n"
		   "1 close(3) = 0\n", -1);
	CHECK_INT("split cut-off: three skipped", ps.st.skipped, 3);
	CHECK("split cut-off: the good line read", ps.n == 1 &&
	      ps.ev[0].src.line == 4);
	CHECK("split cut-off: reason for the missing result",
	      strstr(ps.st.samples[1].reason, "no \" = \"") != NULL);
	parsed_free(&ps);
}

/* 9. -k stack lines and -e write= dump lines belong to the call before */
static void test_stack_and_dump(void)
{
	struct parsed ps;
	parse_path(&ps, data_file("race.k-y.txt"), -1);
	CHECK_INT("-k: no skips", ps.st.skipped, 0);
	CHECK_INT("-k: lines", ps.st.lines, 160);
	const struct ht_event *e = ev_at(&ps, 86, -1);
	CHECK("-k: sendto ENOTSOCK", e && e->errc == ERRC_NOTSOCK);
	CHECK_STR("-k: its stack", e ? e->stack : NULL,
		  "/usr/lib/x86_64-linux-gnu/libc.so.6(send+0x64) [0x10aba4]\n"
		  "/home/u/w/fdrace(worker+0xa8) [0x2541]\n"
		  "/usr/lib/x86_64-linux-gnu/libc.so.6(pthread_condattr_"
		  "setpshared+0x515) [0x891f5]\n"
		  "/usr/lib/x86_64-linux-gnu/libc.so.6(__xmknodat+0x23c) "
		  "[0x1098ec]");
	e = ev_at(&ps, 58, PH_ENTRY);
	CHECK("-k: no stack on an unfinished entry", e && !e->stack);
	e = ev_at(&ps, 58, PH_EXIT);
	CHECK("-k: stack on the resumed exit", e && e->stack &&
	      strstr(e->stack, "(reader+0x25)"));
	CHECK("-k: line after the stack is its own event",
	      ev_at(&ps, 91, -1) && !strcmp(ev_at(&ps, 91, -1)->call,
					    "close"));
	CHECK("-k: flag", strstr(ps.st.flags, "-k") != NULL);
	parsed_free(&ps);

	parse_path(&ps, data_file("echo.f-e-write1.txt"), -1);
	CHECK_INT("dump: no skips", ps.st.skipped, 0);
	CHECK_INT("dump: 52 lines, 51 events", ps.n, 51);
	e = ev_at(&ps, 49, -1);
	CHECK("dump: write before the dump", e && !strcmp(e->call, "write")
	      && e->ret == 11 && !e->stack);
	CHECK("dump: flag", strstr(ps.st.flags, "-e write=") != NULL);
	parsed_free(&ps);
}

/* 10. --color=always SGR codes; CRLF; NUL; invalid UTF-8; junk */
static void test_hostile_bytes(void)
{
	struct parsed ps;
	static const char text[] =
		"\033[1m13741\033[0m 20:35:24.248492 \033[33mclose\033[0m(3</etc/ld.so.cache>) = \033[32m0\033[0m\r\n"
		"13741 20:35:24.248576 openat(AT_FDCWD, \"/tmp/\xff\xfe\xc3(\", O_RDONLY) = 3</tmp/\xff\xfe\xc3(>\r\n"
		"13741 clo\0se(3) = 0\n"
		"hello from the program\n"
		"13741 20:35:24.286748 +++ exited with 0 +++\n";
	const char *path = write_tmp(text, sizeof text - 1, ".txt");
	parse_path(&ps, path, -1);
	unlink(path);
	CHECK_INT("bytes: events", ps.n, 3);
	CHECK("bytes: SGR stripped", ps.n > 0 && !strcmp(ps.ev[0].call,
	      "close") && ps.ev[0].tid == 13741 && ps.ev[0].ret == 0 &&
	      fx_find(&ps.ev[0], EFF_CLOSE, 3));
	CHECK("bytes: CR stripped", ps.n > 0 &&
	      ps.ev[0].raw[strlen(ps.ev[0].raw) - 1] == '0');
	CHECK("bytes: invalid UTF-8 kept as bytes", ps.n > 1 &&
	      !strcmp(OBJ(fx_find(&ps.ev[1], EFF_CREATE, 3)),
		      "/tmp/\xff\xfe\xc3("));
	CHECK_INT("bytes: NUL line and program output skipped", ps.st.skipped,
		  2);
	CHECK_INT("bytes: skip 1 at line 3", ps.st.samples[0].line, 3);
	CHECK_INT("bytes: skip 2 at line 4", ps.st.samples[1].line, 4);
	CHECK("bytes: reason says why", strstr(ps.st.samples[1].reason,
					       "no '('") != NULL);
	parsed_free(&ps);

	/* a line of 20 MB is skipped and counted, the rest is read */
	size_t big = 20u << 20;
	char *t = malloc(big + 128);
	size_t k = (size_t)sprintf(t, "1 write(3, \"");
	memset(t + k, 'a', big);
	k += big;
	k += (size_t)sprintf(t + k, "\", 1) = 1\n1 close(3) = 0\n");
	path = write_tmp(t, k, ".txt");
	free(t);
	parse_path(&ps, path, -1);
	unlink(path);
	CHECK("huge line: skipped with a reason", ps.st.skipped == 1 &&
	      strstr(ps.st.samples[0].reason, "longer than"));
	CHECK("huge line: next line read", ps.n == 1 && ps.ev[0].src.line ==
	      2);
	parsed_free(&ps);

	/* unbalanced junk must not hang: many unclosed '<' and '"' */
	size_t jn = 1u << 20;
	t = malloc(jn + 64);
	k = (size_t)sprintf(t, "1 read(");
	for (size_t i = 0; i < jn; i++)
		t[k + i] = "<\"([{)"[i % 6];
	k += jn;
	k += (size_t)sprintf(t + k, "\n1 close(3) = 0\n");
	path = write_tmp(t, k, ".txt");
	free(t);
	parse_path(&ps, path, -1);
	unlink(path);
	CHECK("junk: counted, next line read", ps.st.skipped == 1 &&
	      ps.n == 1);
	parsed_free(&ps);
}

/* 11. thread execve: TID changes to the leader's; -ff pid changed */
static void test_execve(void)
{
	struct parsed ps;
	parse_path(&ps, data_file("thread-execve.f-Y-y.txt"), -1);
	CHECK_INT("execve: no skips", ps.st.skipped, 0);
	const struct ht_event *e = ev_at(&ps, 49, PH_ENTRY);
	CHECK("execve: entry by the thread", e && e->tid == 13815);
	e = ev_at(&ps, 51, -1);
	CHECK("execve: superseded event", e && e->type == EV_TASK_GONE &&
	      e->tid == 13814 && e->nfx == 1 && e->fx[0].h == 13815);
	e = ev_at(&ps, 49, PH_EXIT);
	CHECK("execve: resumed under the leader's id pairs with the "
	      "thread's entry", e && e->tid == 13814 && e->end_line == 52 &&
	      e->ret == 0 && fx_find(e, EFF_EXEC, -1));
	parsed_free(&ps);

	/* the same on stderr: the prefix is gone when superseded prints */
	parse_path(&ps, data_file("thread-execve.stderr-f-Y-tt.txt"), -1);
	e = ev_at(&ps, 50, -1);
	CHECK("execve stderr: superseded by the leader", e &&
	      e->type == EV_TASK_GONE && e->tid == 9667 && e->fx[0].h ==
	      9668);
	e = ev_at(&ps, 48, PH_EXIT);
	CHECK("execve stderr: resumed pairs", e && e->tid == 9667 &&
	      fx_find(e, EFF_EXEC, -1));
	CHECK_INT("execve stderr: no skips", ps.st.skipped, 0);
	parsed_free(&ps);

	/* -ff: the thread's file ends "<pid changed to N ...>", the
	 * leader's file has "<... execve resumed>" with no entry */
	parse_path(&ps, data_file("thread-execve.ff-tt-y.9663"), 9663);
	e = ev_at(&ps, 5, -1);
	CHECK("execve -ff: pid changed is an entry", e && e->phase ==
	      PH_ENTRY && !strcmp(e->call, "execve") && e->tid == 9663);
	CHECK("execve -ff: flags", !strcmp(ps.st.flags, "-ff -tt -y"));
	parsed_free(&ps);
	parse_path(&ps, data_file("thread-execve.ff-tt-y.9662"), 9662);
	CHECK_INT("execve -ff leader: no skips", ps.st.skipped, 0);
	e = ev_at(&ps, 42, -1);
	CHECK("execve -ff leader: superseded", e && e->type ==
	      EV_TASK_GONE && e->tid == 9662 && e->fx[0].h == 9663);
	e = ev_at(&ps, 43, -1);
	CHECK("execve -ff leader: resumed exec still used", e &&
	      e->phase == PH_FULL && fx_find(e, EFF_EXEC, -1));
	parsed_free(&ps);
}

/* 12. signals and task lines */
static void test_signals_exits(void)
{
	struct parsed ps;
	parse_text(&ps,
		"13766  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=13767, si_uid=0, si_status=3, si_utime=0, si_stime=0} ---\n"
		"13766  --- stopped by SIGSTOP ---\n"
		"13767  +++ exited with 3 +++\n"
		"13768  +++ killed by SIGKILL +++\n"
		"13769  +++ killed by SIGSEGV (core dumped) +++\n"
		"12841  +++ superseded by execve in pid 12842 +++\n"
		"13770  +++ exited with -1 +++\n", -1);
	CHECK_INT("signal: no skips", ps.st.skipped, 0);
	CHECK("signal: SIGCHLD", ps.ev[0].type == EV_SIGNAL &&
	      !strcmp(ps.ev[0].call, "SIGCHLD") && ps.ev[0].tid == 13766);
	CHECK("signal: stopped by", ps.ev[1].type == EV_SIGNAL &&
	      !strcmp(ps.ev[1].call, "SIGSTOP"));
	CHECK("exit: exited with 3", ps.ev[2].type == EV_TASK_EXIT &&
	      ps.ev[2].has_ret && ps.ev[2].ret == 3 && ps.ev[2].tid == 13767);
	CHECK("exit: killed", ps.ev[3].type == EV_TASK_EXIT &&
	      !ps.ev[3].has_ret && !strcmp(ps.ev[3].call, "killed"));
	CHECK("exit: core dumped", ps.ev[4].type == EV_TASK_EXIT);
	CHECK("exit: superseded", ps.ev[5].type == EV_TASK_GONE &&
	      ps.ev[5].fx[0].h == 12842);
	CHECK_INT("exit: negative status", ps.ev[6].ret, -1);
	parsed_free(&ps);
}

/* 13. -ff files and strace-log-merge output */
static void test_ff_and_merge(void)
{
	struct parsed ps;
	parse_path(&ps, data_file("race.ff-tt-y.13750"), 13750);
	CHECK_INT("-ff: events", ps.n, 24);
	CHECK_INT("-ff: tid from the file name", ps.ev[0].tid, 13750);
	CHECK_STR("-ff: flags", ps.st.flags, "-ff -tt -y");
	const struct ht_event *e = ev_at(&ps, 11, -1);
	CHECK("-ff: the stale sendto", e && e->errc == ERRC_NOTSOCK &&
	      !strcmp(OBJ(fx_find(e, EFF_USE, 8)), "/etc/hostname"));
	parsed_free(&ps);

	parse_path(&ps, data_file("race.ff-tt-y.merged.txt"), -1);
	CHECK_INT("merge: no skips", ps.st.skipped, 0);
	CHECK_INT("merge: first tid", ps.ev[0].tid, 13748);
	int tids = 0;
	for (int i = 0; i < ps.n; i++)
		if (ps.ev[i].tid == 13749)
			tids++;
	CHECK_INT("merge: the reader's 8 lines", tids, 8);
	CHECK("merge: order limit noted", strstr(ps.st.limits,
		"strace-log-merge") != NULL);
	parsed_free(&ps);
}

/* 14. -X raw and -X verbose constants */
static void test_x(void)
{
	struct parsed ps;
	parse_path(&ps, data_file("race.f-Xraw-yy.txt"), -1);
	CHECK_INT("-X raw: no skips", ps.st.skipped, 0);
	const struct ht_event *e = ev_at(&ps, 5, -1);
	CHECK("-X raw: O_CLOEXEC from 0x80000", fx_find(e, EFF_CREATE, 3) &&
	      (fx_find(e, EFF_CREATE, 3)->flags & EF_CLOEXEC));
	CHECK("-X raw: AT_FDCWD as -100 is no fd", e->nfx == 1);
	e = ev_at(&ps, 46, -1);
	CHECK("-X raw: clone3 flags=0x3d0f00 is a thread",
	      fx_find(e, EFF_SPAWN, 9646) && fx_find(e, EFF_SPAWN, 9646)->flags
	      == (EF_SHARE_FILES | EF_THREAD));
	CHECK("-X raw: flag", strstr(ps.st.flags, "-X raw") != NULL);
	parsed_free(&ps);

	parse_path(&ps, data_file("fdsem.f-yy-Xraw.txt"), -1);
	CHECK_INT("-X raw fdsem: no skips", ps.st.skipped, 0);
	e = ev_at(&ps, 31, -1);
	CHECK("-X raw: fcntl(fd, 0x2, 0x1) is F_SETFD FD_CLOEXEC",
	      fx_find(e, EFF_SET_CLOEXEC, 3) &&
	      (fx_find(e, EFF_SET_CLOEXEC, 3)->flags & EF_CLOEXEC));
	e = ev_at(&ps, 33, -1);
	CHECK("-X raw: fcntl(42, 0x1) is an F_GETFD probe",
	      fx_find(e, EFF_USE, 42) && (fx_find(e, EFF_USE, 42)->flags &
	      EF_PROBE));
	e = ev_at(&ps, 35, -1);
	CHECK("-X raw: ioctl 0x5451 is FIOCLEX",
	      fx_find(e, EFF_SET_CLOEXEC, 3) &&
	      (fx_find(e, EFF_SET_CLOEXEC, 3)->flags & EF_CLOEXEC));
	e = ev_at(&ps, 56, -1);
	CHECK("-X raw: socketpair 0x1|0x80000 is SOCK_CLOEXEC",
	      fx_find(e, EFF_CREATE, 13) && (fx_find(e, EFF_CREATE, 13)->flags
	      & EF_CLOEXEC));
	e = ev_at(&ps, 58, -1);
	CHECK("-X raw: cmsg_type=0x1 is SCM_RIGHTS, 0x40000000 is "
	      "MSG_CMSG_CLOEXEC", fx_find(e, EFF_CREATE, 15) &&
	      (fx_find(e, EFF_CREATE, 15)->flags & EF_CLOEXEC));
	e = ev_at(&ps, 59, -1);
	CHECK("-X raw: clone flags=0x400|17 shares the table",
	      e && e->nfx == 1 && e->fx[0].op == EFF_SPAWN &&
	      e->fx[0].flags == EF_SHARE_FILES);
	e = ev_at(&ps, 72, -1);
	CHECK("-X raw: unshare(0x400)", fx_find(e, EFF_UNSHARE_FILES, -1));
	parsed_free(&ps);

	parse_path(&ps, data_file("race.n-ns-Xverbose-desc-net.txt"), -1);
	e = ev_at(&ps, 2, -1);
	CHECK("-X verbose: AT_FDCWD no fd, O_CLOEXEC from the number",
	      e->nfx == 1 && (fx_find(e, EFF_CREATE, 3)->flags & EF_CLOEXEC));
	e = ev_at(&ps, 25, -1);
	CHECK("-X verbose: pipe2 0x80000 / * O_CLOEXEC * /",
	      fx_find(e, EFF_CREATE, 6) && (fx_find(e, EFF_CREATE, 7)->flags &
	      EF_CLOEXEC));
	CHECK("-X verbose: flag", strstr(ps.st.flags, "-X verbose") != NULL);
	parsed_free(&ps);
}

/* 15. -e trace= subsets, --seccomp-bpf, -Z-like traces: limits */
static void test_limits(void)
{
	struct parsed ps;
	parse_path(&ps, data_file("race.k-y.txt"), -1);
	CHECK("subset: evident", strstr(ps.st.limits, "-e trace= subset") !=
	      NULL);
	CHECK("subset: no clone seen", strstr(ps.st.limits, "no clone") !=
	      NULL);
	parsed_free(&ps);

	parse_path(&ps, data_file("race.f-tt-seccomp-desc.txt"), -1);
	CHECK_INT("seccomp-bpf: no skips", ps.st.skipped, 0);
	CHECK_INT("seccomp-bpf: events", ps.n, 41);
	CHECK("seccomp-bpf: subset noted", strstr(ps.st.limits, "subset") !=
	      NULL);
	parsed_free(&ps);

	parse_text(&ps,
		"1 openat(AT_FDCWD, \"/a\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
		"1 openat(AT_FDCWD, \"/b\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
		"1 openat(AT_FDCWD, \"/c\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
		"1 openat(AT_FDCWD, \"/d\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
		"1 openat(AT_FDCWD, \"/e\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
		"1 close(7) = -1 EBADF (Bad file descriptor)\n"
		"1 close(8) = -1 EBADF (Bad file descriptor)\n"
		"1 close(9) = -1 EBADF (Bad file descriptor)\n"
		"1 read(9, 0x7ffe, 5) = -1 EBADF (Bad file descriptor)\n"
		"1 write(9, \"x\", 1) = -1 EBADF (Bad file descriptor)\n", -1);
	CHECK("-Z: only failed calls noted", strstr(ps.st.limits,
		"only failed calls") != NULL);
	parsed_free(&ps);

	parse_path(&ps, data_file("race.f-tt-T-yy.txt"), -1);
	CHECK_STR("full trace: no limits", ps.st.limits, "");
	parsed_free(&ps);
}

/* 12. descriptors inherited from before the trace are used without any
 * creating call: the parser reports the use as it is */
static void test_inherited(void)
{
	struct parsed ps;
	parse_path(&ps, data_file("echo.f-e-write1.txt"), -1);
	const struct ht_event *e = ev_at(&ps, 49, -1);
	CHECK("inherited: write(1, ...) is a use of 1", e && e->nfx == 1 &&
	      fx_find(e, EFF_USE, 1) && !fx_find(e, EFF_USE, 1)->object);
	int created = 0;
	for (int i = 0; i < ps.n; i++)
		for (int k = 0; k < ps.ev[i].nfx; k++)
			if ((ps.ev[i].fx[k].op == EFF_CREATE ||
			     ps.ev[i].fx[k].op == EFF_DUP) &&
			    ps.ev[i].fx[k].h <= 2 && ps.ev[i].fx[k].h2 <= 2)
				created++;
	CHECK_INT("inherited: 0-2 never created", created, 0);
	parsed_free(&ps);
}

/* An entry line past 64 KB is kept with its strings cut short until its
 * exit: the exit still finds the fd, the result and the string's end,
 * also with escaped quotes in the string and a quote in a -Y comm. */
static void test_long_entry(void)
{
	size_t big = 200000;
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "101<a\"b> 10:00:00.000001 write(5</x>, \"");
	for (size_t i = 0; i < big; i++)
		sb_puts(&sb, i % 1000 == 7 ? "\\\"" : "A");
	sb_puts(&sb, "\"..., 200000 <unfinished ...>\n"
		"102<c> 10:00:00.000002 close(6</y>) = 0\n"
		"101<a\"b> 10:00:00.000003 <... write resumed>) = -1 EBADF "
		"(Bad file descriptor) <0.000002>\n");
	struct parsed ps;
	parse_text(&ps, sb.s, -1);
	CHECK_INT("long entry: events", ps.n, 3);
	const struct ht_event *e = ev_at(&ps, 1, PH_EXIT);
	CHECK("long entry: exit event", e != NULL);
	if (e) {
		CHECK_INT("long entry: exit tid", e->tid, 101);
		CHECK("long entry: use of fd 5 at exit",
		      fx_find(e, EFF_USE, 5) != NULL &&
		      strcmp(OBJ(fx_find(e, EFF_USE, 5)), "/x") == 0);
		CHECK_STR("long entry: error", e->errname, "EBADF");
		CHECK_INT("long entry: end line", e->end_line, 3);
		CHECK_INT("long entry: duration", e->dur, 2000);
		CHECK("long entry: raw starts with the entry",
		      e->raw && strncmp(e->raw, "101<a\"b> 10:00:00.000001 "
					"write(5</x>, \"AAAAAAA", 45) == 0);
		CHECK("long entry: raw keeps the string's end and the exit",
		      e->raw && strstr(e->raw, "\"..., 200000 <unfinished "
				       "...> ... 101<a\"b>") != NULL);
		CHECK("long entry: kept short", e->raw &&
		      strlen(e->raw) < 1000);
	}
	CHECK_INT("long entry: nothing skipped", ps.st.skipped, 0);
	parsed_free(&ps);
	sb_free(&sb);
}

/* an absurd -T duration is capped, never overflowed */
static void test_huge_duration(void)
{
	struct parsed ps;
	parse_text(&ps, "100 10:00:00.000001 close(3) = 0 <99999999999999.5>\n"
		   "100 10:00:00.000002 close(4) = 0 <0.0000015>\n", -1);
	CHECK_INT("huge duration: events", ps.n, 2);
	if (ps.n == 2) {
		CHECK_INT("huge duration: capped", ps.ev[0].dur,
			  999999999LL * 1000000000LL + 500000000LL);
		CHECK_INT("huge duration: 1.5 us", ps.ev[1].dur, 1500);
	}
	parsed_free(&ps);
}

int main(void)
{
	test_huge_duration();
	test_long_entry();
	test_prefixes();
	test_splice();
	test_timestamps();
	test_n_i();
	test_pairing();
	test_results();
	test_decorations();
	test_split();
	test_stack_and_dump();
	test_hostile_bytes();
	test_execve();
	test_signals_exits();
	test_ff_and_merge();
	test_x();
	test_limits();
	test_inherited();
	return unit_failed;
}
