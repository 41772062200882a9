/* tests/unit/strace_effects.c - syscalls.def as the timeline sees it:
 * for each kind of descriptor call, the effects (op, handles, flags,
 * object) of a line, built in the format strace prints (the captures in
 * strace_captures.c cover the calls our programs make). */
#include "unit.h"
#include "strace_helpers.h"

struct want {
	const char *line;
	int op;             /* -1: the line has no effect at all */
	int64_t h, h2;
	unsigned flags;     /* compared on the bits below */
	const char *obj;    /* NULL: not compared */
};

#define FLAGS (EF_CLOEXEC | EF_SOCKET_ONLY | EF_SHARE_FILES | EF_THREAD | \
	       EF_PROBE | EF_BLOCKING)

static const struct want cases[] = {
	/* creation, with the close-on-exec flag each call spells its own way */
	{ "open(\"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>",
	  EFF_CREATE, 3, -1, EF_CLOEXEC, "/etc/passwd" },
	{ "open(\"/etc/passwd\", O_RDONLY) = 3</etc/passwd>",
	  EFF_CREATE, 3, -1, 0, "/etc/passwd" },
	{ "openat2(AT_FDCWD, \"/etc\", {flags=O_RDONLY|O_CLOEXEC, mode=0, "
	  "resolve=0}, 24) = 4</etc>", EFF_CREATE, 4, -1, EF_CLOEXEC, "/etc" },
	{ "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 5",
	  EFF_CREATE, 5, -1, EF_CLOEXEC, NULL },
	{ "accept(3<TCP:[1.2.3.4:80]>, NULL, NULL) = 6<TCP:[1.2.3.4:80->"
	  "5.6.7.8:9]>", EFF_CREATE, 6, -1, 0, "TCP:[1.2.3.4:80->5.6.7.8:9]" },
	{ "epoll_create(1) = 7", EFF_CREATE, 7, -1, 0, NULL },
	{ "eventfd(0) = 7", EFF_CREATE, 7, -1, 0, NULL },
	{ "eventfd2(0, EFD_NONBLOCK|EFD_CLOEXEC) = 7", EFF_CREATE, 7, -1,
	  EF_CLOEXEC, NULL },
	{ "inotify_init() = 7", EFF_CREATE, 7, -1, 0, NULL },
	{ "fanotify_init(FAN_CLOEXEC|FAN_CLASS_NOTIF, O_RDONLY) = 7",
	  EFF_CREATE, 7, -1, EF_CLOEXEC, NULL },
	{ "memfd_secret(O_CLOEXEC) = 7", EFF_CREATE, 7, -1, EF_CLOEXEC, NULL },
	{ "perf_event_open({type=PERF_TYPE_SOFTWARE, size=0x80}, 0, -1, -1, "
	  "PERF_FLAG_FD_CLOEXEC) = 7", EFF_CREATE, 7, -1, EF_CLOEXEC, NULL },
	{ "io_uring_setup(8, {flags=0, sq_thread_cpu=0}) = 7", EFF_CREATE, 7,
	  -1, EF_CLOEXEC, NULL },
	{ "pidfd_getfd(5<pid:42>, 3, 0) = 7", EFF_CREATE, 7, -1, EF_CLOEXEC,
	  NULL },
	{ "mq_open(\"q\", O_RDWR|O_CREAT, 0600, NULL) = 7", EFF_CREATE, 7, -1,
	  EF_CLOEXEC, NULL },
	{ "fsopen(\"tmpfs\", FSOPEN_CLOEXEC) = 7", EFF_CREATE, 7, -1,
	  EF_CLOEXEC, NULL },
	{ "open_tree(AT_FDCWD, \"/mnt\", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC) = 7",
	  EFF_CREATE, 7, -1, EF_CLOEXEC, NULL },
	{ "landlock_create_ruleset({handled_access_fs=LANDLOCK_ACCESS_FS_"
	  "EXECUTE}, 16, 0) = 7", EFF_CREATE, 7, -1, EF_CLOEXEC, NULL },
	{ "landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)"
	  " = 4", -1, 0, 0, 0, NULL },
	{ "seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,"
	  " {len=4, filter=0x5555}) = 7", EFF_CREATE, 7, -1, EF_CLOEXEC, NULL },
	{ "seccomp(SECCOMP_SET_MODE_FILTER, 0, {len=4, filter=0x5555}) = 0",
	  -1, 0, 0, 0, NULL },
	{ "bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY}, 72) = 7",
	  EFF_CREATE, 7, -1, EF_CLOEXEC, NULL },
	{ "bpf(BPF_MAP_UPDATE_ELEM, {map_fd=7, key=0x1}, 32) = 0", -1, 0, 0,
	  0, NULL },
	{ "ioctl(4</dev/ptmx>, TIOCGPTPEER, O_RDWR|O_NOCTTY|O_CLOEXEC) = 5"
	  "</dev/pts/3>", EFF_CREATE, 5, -1, EF_CLOEXEC, "/dev/pts/3" },
	{ "ioctl(3</dev/kvm>, KVM_CREATE_VM, 0) = 4<anon_inode:kvm-vm>",
	  EFF_CREATE, 4, -1, EF_CLOEXEC, "anon_inode:kvm-vm" },
	{ "ioctl(3</dev/tty>, TCGETS, {c_iflag=ICRNL}) = 0", EFF_USE, 3, -1,
	  0, "/dev/tty" },
	{ "socketpair(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0, [3, 4]) = 0",
	  EFF_CREATE, 4, -1, EF_CLOEXEC, NULL },
	{ "pipe([3<pipe:[9]>, 4<pipe:[9]>]) = 0", EFF_CREATE, 4, -1, 0,
	  "pipe:[9]" },
	{ "recvmmsg(3<UNIX-DGRAM:[1]>, [{msg_hdr={msg_control=[{cmsg_len=20, "
	  "cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[9]}]}, "
	  "msg_len=1}], 2, MSG_CMSG_CLOEXEC, NULL) = 1", EFF_CREATE, 9, -1,
	  EF_CLOEXEC, NULL },
	{ "clone3({flags=CLONE_PIDFD|CLONE_VFORK|CLONE_VM, pidfd=0x7ffd, "
	  "exit_signal=SIGCHLD, stack=NULL, stack_size=0} => {pidfd=[5<anon_"
	  "inode:[pidfd]>]}, 88) = 4242", EFF_CREATE, 5, -1, EF_CLOEXEC,
	  "anon_inode:[pidfd]" },
	{ "fork() = 4243", EFF_SPAWN, 4243, 4243, 0, NULL },
	{ "clone(child_stack=0x7f, flags=CLONE_VM|CLONE_FS|CLONE_FILES|"
	  "CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = 4244", EFF_SPAWN, 4244,
	  -1, EF_SHARE_FILES | EF_THREAD, NULL },
	/* duplicates */
	{ "fcntl(3</a>, F_DUPFD, 10) = 10</a>", EFF_DUP, 3, 10, 0, "/a" },
	{ "dup3(3</a>, 9</b>, 0) = 9</a>", EFF_DUP, 3, 9, 0, "/a" },
	{ "dup(3</a>) = 4</a>", EFF_USE, 3, -1, 0, "/a" },
	{ "dup2(3, 4) = 4", EFF_DUP, 3, 4, 0, NULL },
	{ "dup2(3, 4) = -1 EBADF (Bad file descriptor)", EFF_USE, 3, -1, 0,
	  NULL },
	{ "fcntl(3</a>, F_SETFD, 0) = 0", EFF_SET_CLOEXEC, 3, -1, 0, "/a" },
	{ "fcntl(3</a>, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)",
	  EFF_USE, 3, -1, EF_PROBE, "/a" },
	{ "fcntl(3</a>, F_SETFL, O_RDWR|O_NONBLOCK) = 0", EFF_USE, 3, -1, 0,
	  "/a" },
	/* closing */
	{ "close(3</a>) = -1 EINTR (Interrupted system call)", EFF_CLOSE, 3,
	  -1, 0, "/a" },
	{ "close_range(3, 10, 0) = -1 EINVAL (Invalid argument)", -1, 0, 0, 0,
	  NULL },
	{ "close_range(3, 10, CLOSE_RANGE_CLOEXEC|CLOSE_RANGE_UNSHARE) = 0",
	  EFF_CLOEXEC_RANGE, 3, 10, 0, NULL },
	/* tasks */
	{ "execve(\"/nope\", [\"nope\"], 0x7ffd /* 3 vars */) = -1 ENOENT (No "
	  "such file or directory)", -1, 0, 0, 0, NULL },
	{ "execveat(3</usr/bin>, \"true\", [\"true\"], 0x7ffd /* 3 vars */, "
	  "0) = 0", EFF_EXEC, -1, -1, 0, "true" },
	/* names: the program run, a thread's own name */
	{ "execve(\"/usr/bin/make\", [\"make\"], 0x7ffd /* 3 vars */) = 0",
	  EFF_EXEC, -1, -1, 0, "make" },
	{ "prctl(PR_SET_NAME, \"worker\") = 0", EFF_NAME, -1, -1, 0,
	  "worker" },
	{ "prctl(0xf /* PR_SET_NAME */, \"worker\") = 0", EFF_NAME, -1, -1, 0,
	  "worker" },
	{ "prctl(PR_SET_NAME, \"worker\") = -1 EINVAL (Invalid argument)",
	  -1, 0, 0, 0, NULL },
	{ "prctl(PR_GET_NAME, \"worker\") = 0", -1, 0, 0, 0, NULL },
	{ "write(4</proc/self/task/17249/comm>, \"worker\", 6) = 6",
	  EFF_NAME, -1, 17249, 0, "worker" },
	{ "write(4</proc/17247/comm>, \"srv\\n\", 4) = 4", EFF_NAME, -1,
	  17247, 0, "srv" },
	{ "pwrite64(4</proc/thread-self/comm>, \"io\", 2, 0) = 2", EFF_NAME,
	  -1, -1, 0, "io" },
	{ "unshare(CLONE_NEWNS) = 0", -1, 0, 0, 0, NULL },
	{ "unshare(CLONE_NEWNS|CLONE_FILES) = 0", EFF_UNSHARE_FILES, -1, -1,
	  0, NULL },
	{ "clone(child_stack=NULL, flags=CLONE_CHILD_SETTID|SIGCHLD) = -1 "
	  "EAGAIN (Resource temporarily unavailable)", -1, 0, 0, 0, NULL },
	{ "waitid(P_PIDFD, 5<pid:42>, {si_signo=SIGCHLD}, WEXITED, NULL) = 0",
	  EFF_USE, 5, -1, EF_BLOCKING, "pid:42" },
	{ "waitid(P_PID, 42, {si_signo=SIGCHLD}, WEXITED, NULL) = 0", -1, 0,
	  0, 0, NULL },
	/* uses */
	{ "getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0", EFF_USE, 3, -1,
	  EF_SOCKET_ONLY, NULL },
	{ "listen(3<pipe:[9]>, 5) = -1 ENOTSOCK (Socket operation on "
	  "non-socket)", EFF_USE, 3, -1, EF_SOCKET_ONLY, "pipe:[9]" },
	{ "accept4(3<TCP:[80]>, NULL, NULL, SOCK_CLOEXEC) = -1 EAGAIN "
	  "(Resource temporarily unavailable)", EFF_USE, 3, -1,
	  EF_SOCKET_ONLY | EF_BLOCKING, "TCP:[80]" },
	{ "linkat(3</a>, \"x\", 4</b>, \"y\", 0) = 0", EFF_USE, 4, -1, 0,
	  "/b" },
	{ "symlinkat(\"x\", 5</d>, \"y\") = 0", EFF_USE, 5, -1, 0, "/d" },
	{ "fanotify_mark(3, FAN_MARK_ADD, FAN_OPEN, 4</m>, NULL) = 0",
	  EFF_USE, 4, -1, 0, "/m" },
	{ "renameat2(AT_FDCWD, \"a\", 6</t>, \"b\", RENAME_NOREPLACE) = 0",
	  EFF_USE, 6, -1, 0, "/t" },
	{ "syscall_0x1b6(0x1, 0x2) = -1 ENOSYS (Function not implemented)",
	  -1, 0, 0, 0, NULL },
	{ "new_fancy_call(7</etc/hosts>, 0) = 0", EFF_USE, 7, -1, 0,
	  "/etc/hosts" },
	{ "new_fancy_call(7, 0) = 0", -1, 0, 0, 0, NULL },
	{ "futex(0x55, FUTEX_WAIT_PRIVATE, 2, NULL) = 0", -1, 0, 0, 0, NULL },
	{ "pselect6(4, [3<pipe:[137033]>], NULL, NULL, NULL, {sigmask=[], "
	  "sigsetsize=8}) = 1 (in [3])", EFF_USE, 3, -1, EF_BLOCKING,
	  "pipe:[137033]" },
	{ "select(9, [3 8], [4], NULL, {tv_sec=1, tv_usec=0}) = 1 (in [8], "
	  "left {tv_sec=0, tv_usec=5})", EFF_USE, 8, -1, EF_BLOCKING, NULL },
	{ "select(9, [3 8], [4], NULL, NULL) = 1 (in [8])", EFF_USE, 4, -1,
	  EF_BLOCKING, NULL },
	{ "write(4294967295, \"x\", 1) = -1 EBADF (Bad file descriptor)",
	  EFF_USE, 4294967295LL, -1, EF_BLOCKING, NULL },
};

static void test_cases(void)
{
	char name[300];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct want *w = &cases[i];
		struct parsed ps;
		char text[1024];
		snprintf(text, sizeof text, "100 %s\n", w->line);
		parse_text(&ps, text, -1);
		const struct ht_event *e = ps.n == 1 ? &ps.ev[0] : NULL;
		snprintf(name, sizeof name, "effects: %.60s: parsed", w->line);
		CHECK(name, e != NULL && ps.st.skipped == 0);
		if (!e) {
			parsed_free(&ps);
			continue;
		}
		if (w->op < 0) {
			snprintf(name, sizeof name, "effects: %.60s: none",
				 w->line);
			CHECK_INT(name, e->nfx, 0);
			parsed_free(&ps);
			continue;
		}
		const struct effect *x = fx_find(e, w->op, w->h);
		snprintf(name, sizeof name, "effects: %.60s: op %d on %lld",
			 w->line, w->op, (long long)w->h);
		CHECK(name, x != NULL);
		if (x) {
			snprintf(name, sizeof name, "effects: %.60s: h2",
				 w->line);
			CHECK_INT(name, x->h2, w->h2);
			snprintf(name, sizeof name, "effects: %.60s: flags",
				 w->line);
			CHECK_INT(name, x->flags & FLAGS, w->flags);
			if (w->obj) {
				snprintf(name, sizeof name, "effects: %.60s: "
					 "object", w->line);
				CHECK_STR(name, OBJ(x), w->obj);
			}
			snprintf(name, sizeof name, "effects: %.60s: pid2",
				 w->line);
			CHECK_INT(name, x->pid2, -1);
		}
		parsed_free(&ps);
	}
}

/* Split calls: what the entry reports, what the exit repeats. */
static void test_entry_exit(void)
{
	struct parsed ps;
	parse_text(&ps,
		"10 close_range(3, 4294967295, 0 <unfinished ...>\n"
		"11 dup2(4</a>, 13</b> <unfinished ...>\n"
		"10 <... close_range resumed>) = 0\n"
		"11 <... dup2 resumed>) = 13</a>\n"
		"12 sendmsg(5<UNIX-STREAM:[1->2]>, {msg_name=NULL, msg_control=[{"
		"cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, "
		"cmsg_data=[7</x>]}], msg_flags=0}, 0 <unfinished ...>\n"
		"12 <... sendmsg resumed>) = 1\n"
		"13 accept4(3<TCP:[80]>,  <unfinished ...>\n"
		"13 <... accept4 resumed>NULL, NULL, SOCK_CLOEXEC) = 6<TCP:[80->"
		"9]>\n", -1);
	CHECK_INT("split calls: no skips", ps.st.skipped, 0);
	const struct ht_event *e = ev_at(&ps, 1, PH_ENTRY);
	CHECK("split close_range: range closed at entry", e && e->nfx == 1 &&
	      e->fx[0].op == EFF_CLOSE_RANGE && e->fx[0].h == 3 &&
	      e->fx[0].h2 == 4294967295LL);
	e = ev_at(&ps, 1, PH_EXIT);
	CHECK("split close_range: repeated at exit, marked", e &&
	      e->nfx == 1 && (e->fx[0].flags & EF_AT_ENTRY));
	e = ev_at(&ps, 2, PH_ENTRY);
	CHECK("split dup2: entry uses the source only", e && e->nfx == 1 &&
	      e->fx[0].op == EFF_USE && e->fx[0].h == 4);
	e = ev_at(&ps, 2, PH_EXIT);
	CHECK("split dup2: exit dup with the new object, use marked",
	      e && e->nfx == 2 && (fx_find(e, EFF_USE, 4)->flags &
	      EF_AT_ENTRY) && fx_find(e, EFF_DUP, 4) &&
	      fx_find(e, EFF_DUP, 4)->h2 == 13 &&
	      !(fx_find(e, EFF_DUP, 4)->flags & EF_AT_ENTRY) &&
	      !strcmp(OBJ(fx_find(e, EFF_DUP, 4)), "/a"));
	e = ev_at(&ps, 5, PH_ENTRY);
	CHECK("split sendmsg: the passed fd used at entry", e &&
	      fx_find(e, EFF_USE, 7) && !strcmp(OBJ(fx_find(e, EFF_USE, 7)),
						"/x"));
	e = ev_at(&ps, 5, PH_EXIT);
	CHECK("split sendmsg: both uses marked at exit", e && e->nfx == 2 &&
	      (e->fx[0].flags & EF_AT_ENTRY) && (e->fx[1].flags &
						 EF_AT_ENTRY));
	e = ev_at(&ps, 7, PH_EXIT);
	CHECK("split accept4: flags from the resumed part", e &&
	      fx_find(e, EFF_CREATE, 6) && (fx_find(e, EFF_CREATE, 6)->flags &
	      EF_CLOEXEC) && (fx_find(e, EFF_USE, 3)->flags & EF_AT_ENTRY));
	parsed_free(&ps);
}

/* More effects than fit: counted, not lost silently. */
static void test_overflow(void)
{
	struct parsed ps;
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "1 poll([");
	for (int i = 0; i < 20; i++)
		sb_printf(&sb, "%s{fd=%d, events=POLLIN}", i ? ", " : "",
			  i + 3);
	sb_puts(&sb, "], 20, 0) = 0 (Timeout)\n");
	parse_text(&ps, sb.s, -1);
	sb_free(&sb);
	CHECK("overflow: 16 effects kept", ps.n == 1 && ps.ev[0].nfx ==
	      HT_MAX_FX);
	CHECK_INT("overflow: 4 counted", ps.n ? ps.ev[0].fx_overflow : -1, 4);
	parsed_free(&ps);
}

int main(void)
{
	test_cases();
	test_entry_exit();
	test_overflow();
	return unit_failed;
}
