/* tests/unit/strace_table.c - the data tables themselves: every
 * fd-creating syscall of the reference (strace-format.md 3.2) is there
 * with a creating kind, the socket-only set is the ENOTSOCK list of the
 * man pages (3.4), and errno names map to the asm-generic values. */
#include <errno.h>
#include "unit.h"
#include "../../parser/strace_int.h"

static int creates(const struct sc_info *s)
{
	switch (s->kind) {
	case K_OPEN: case K_DUP: case K_DUP2: case K_DUP3: case K_FCNTL:
	case K_PIPE: case K_SOCKETPAIR: case K_RECVMSG: case K_SIGNALFD:
	case K_SECCOMP: case K_BPF: case K_LANDLOCK: case K_IOCTL:
	case K_CLONE:
		return 1;
	}
	return 0;
}

static void test_creators(void)
{
	static const char *const names[] = {
		"open", "openat", "openat2", "creat", "open_by_handle_at",
		"socket", "socketpair", "accept", "accept4", "pipe", "pipe2",
		"dup", "dup2", "dup3", "fcntl", "epoll_create",
		"epoll_create1", "eventfd", "eventfd2", "timerfd_create",
		"signalfd", "signalfd4", "inotify_init", "inotify_init1",
		"fanotify_init", "memfd_create", "memfd_secret", "userfaultfd",
		"perf_event_open", "io_uring_setup", "bpf", "pidfd_open",
		"pidfd_getfd", "clone3", "recvmsg", "recvmmsg", "mq_open",
		"landlock_create_ruleset", "fsopen", "fspick", "fsmount",
		"open_tree", "seccomp", "ioctl",
	};
	char name[120];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct sc_info *s = sc_lookup(names[i],
						    strlen(names[i]));
		snprintf(name, sizeof name, "table: %s creates fds", names[i]);
		CHECK(name, s && creates(s));
	}
	static const char *const always_cloexec[] = {
		"pidfd_open", "pidfd_getfd", "io_uring_setup", "seccomp",
		"landlock_create_ruleset", "bpf", "mq_open",
	};
	for (size_t i = 0; i < sizeof always_cloexec / sizeof always_cloexec[0];
	     i++) {
		const struct sc_info *s = sc_lookup(always_cloexec[i],
						    strlen(always_cloexec[i]));
		snprintf(name, sizeof name, "table: %s always CLOEXEC",
			 always_cloexec[i]);
		CHECK(name, s && (s->flags & SF_CLOEXEC));
	}
	/* what tells a whole capture from an -e subset, for every reader */
	static const char *const always_made[] = {
		"brk", "mprotect", "munmap", "futex", "rt_sigprocmask",
		"rt_sigaction", "arch_prctl", "set_tid_address",
	};
	for (size_t i = 0; i < sizeof always_made / sizeof always_made[0];
	     i++) {
		snprintf(name, sizeof name, "table: %s always made",
			 always_made[i]);
		CHECK(name, sc_always_made(sc_lookup(always_made[i],
						     strlen(always_made[i]))));
	}
	/* execve is not: recipes for handles record it by name */
	static const char *const picked[] = {
		"execve", "close", "openat", "read", "mmap", "clone3",
	};
	for (size_t i = 0; i < sizeof picked / sizeof picked[0]; i++) {
		snprintf(name, sizeof name, "table: %s not always made",
			 picked[i]);
		CHECK(name, !sc_always_made(sc_lookup(picked[i],
						      strlen(picked[i]))));
	}
	const struct sc_info *s = sc_lookup("close", 5);
	CHECK("table: close closes", s && s->kind == K_CLOSE);
	s = sc_lookup("close_range", 11);
	CHECK("table: close_range", s && s->kind == K_CLOSE_RANGE);
	CHECK("table: unknown name", sc_lookup("no_such_call", 12) == NULL);
	CHECK("table: prefix of a name is not the name",
	      sc_lookup("clos", 4) == NULL);
}

static void test_socket_only(void)
{
	/* "The file descriptor sockfd does not refer to a socket." */
	static const char *const sock[] = {
		"accept", "accept4", "bind", "connect", "getpeername",
		"getsockname", "getsockopt", "setsockopt", "listen", "recv",
		"recvfrom", "recvmsg", "recvmmsg", "send", "sendto", "sendmsg",
		"sendmmsg", "shutdown",
	};
	char name[120];
	for (size_t i = 0; i < sizeof sock / sizeof sock[0]; i++) {
		const struct sc_info *s = sc_lookup(sock[i], strlen(sock[i]));
		snprintf(name, sizeof name, "table: %s is socket-only",
			 sock[i]);
		CHECK(name, s && (s->flags & SF_SOCK) && (s->fds & FD0));
	}
	static const char *const not_sock[] = {
		"read", "write", "close", "ioctl", "fcntl", "sendfile",
		"splice", "socket", "socketpair",
	};
	for (size_t i = 0; i < sizeof not_sock / sizeof not_sock[0]; i++) {
		const struct sc_info *s = sc_lookup(not_sock[i],
						    strlen(not_sock[i]));
		snprintf(name, sizeof name, "table: %s is not socket-only",
			 not_sock[i]);
		CHECK(name, s && !(s->flags & SF_SOCK));
	}
}

static void test_two_fds(void)
{
	static const struct { const char *name; unsigned fds; } two[] = {
		{ "epoll_ctl", FD0 | FD2 }, { "sendfile", FD0 | FD1 },
		{ "splice", FD0 | FD2 }, { "tee", FD0 | FD1 },
		{ "copy_file_range", FD0 | FD2 }, { "renameat2", FD0 | FD2 },
		{ "linkat", FD0 | FD2 }, { "mmap", FD4 },
		{ "openat", FD0 }, { "newfstatat", FD0 },
	};
	char name[120];
	for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
		const struct sc_info *s = sc_lookup(two[i].name,
						    strlen(two[i].name));
		snprintf(name, sizeof name, "table: %s fd arguments",
			 two[i].name);
		CHECK(name, s && s->fds == two[i].fds);
	}
}

static void test_errnos(void)
{
	long v;
	enum err_class c;
	const char *canon;
	CHECK("errno: EBADF", errno_lookup("EBADF", 5, &v, &c, &canon) &&
	      v == EBADF && v == 9 && c == ERRC_BADF &&
	      !strcmp(canon, "EBADF"));
	CHECK("errno: ENOTSOCK", errno_lookup("ENOTSOCK", 8, &v, &c,
		&canon) && v == ENOTSOCK && v == 88 && c == ERRC_NOTSOCK);
	CHECK("errno: ENOENT is other", errno_lookup("ENOENT", 6, &v, &c,
		&canon) && v == ENOENT && c == ERRC_OTHER);
	CHECK("errno: EBADFD is not EBADF", errno_lookup("EBADFD", 6, &v, &c,
		&canon) && v == 77 && c == ERRC_OTHER);
	static const char *const restart[] = {
		"ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND",
		"ERESTART_RESTARTBLOCK",
	};
	for (size_t i = 0; i < 4; i++) {
		char name[80];
		snprintf(name, sizeof name, "errno: %s restarts", restart[i]);
		CHECK(name, errno_lookup(restart[i], strlen(restart[i]), &v,
			  &c, &canon) && c == ERRC_RESTART && v >= 512);
	}
	CHECK("errno: EWOULDBLOCK = EAGAIN", errno_lookup("EWOULDBLOCK", 11,
		&v, &c, &canon) && v == EAGAIN);
	CHECK("errno: unknown name", !errno_lookup("EFOO", 4, &v, &c,
		&canon) && v == 0 && c == ERRC_OTHER);
	CHECK("errno: class by value", errno_class_of(9) == ERRC_BADF &&
	      errno_class_of(88) == ERRC_NOTSOCK &&
	      errno_class_of(4095) == ERRC_OTHER);
	/* every value of this libc's errno.h names agrees with the table */
	static const struct { const char *n; long v; } sys[] = {
		{ "EPERM", EPERM }, { "EINTR", EINTR }, { "EAGAIN", EAGAIN },
		{ "EMFILE", EMFILE }, { "ENFILE", ENFILE }, { "EPIPE", EPIPE },
		{ "ECONNRESET", ECONNRESET }, { "EOPNOTSUPP", EOPNOTSUPP },
		{ "EHWPOISON", EHWPOISON }, { "ENOTTY", ENOTTY },
		{ "ESPIPE", ESPIPE }, { "EINVAL", EINVAL },
	};
	int ok = 1;
	for (size_t i = 0; i < sizeof sys / sizeof sys[0]; i++)
		ok &= errno_lookup(sys[i].n, strlen(sys[i].n), &v, &c,
				   &canon) && v == sys[i].v;
	CHECK("errno: values agree with <errno.h>", ok);
}

static void test_scanner(void)
{
	struct call c;
	const char *s = "3</a, b>, \"x) = \\\"y\", {a=[1, 2], b=(3, 4)}, "
			"0x1 /* c, d) */) = 5";
	CHECK("scan: closes", call_scan(s, strlen(s), &c) == 0 &&
	      c.close > 0);
	CHECK_INT("scan: 4 arguments", c.nargs, 4);
	CHECK("scan: decoration kept whole", c.arg[0].len == 8);
	const char *why;
	CHECK("scan: result", call_result(s, strlen(s), &c, &why) == 0 &&
	      c.ret == 5);
	s = "\"abc";
	CHECK("scan: open string fails", call_scan(s, strlen(s), &c) < 0);
	s = "1</a";
	CHECK("scan: open decoration fails", call_scan(s, strlen(s), &c) < 0);
	size_t e = skip_decoration("<TCP:[1.2.3.4:5->6.7.8.9:10]>x", 30, 0);
	CHECK_INT("decoration: socket peer arrow", e, 29);
	e = skip_decoration("</x->", 5, 0);
	CHECK_INT("decoration: path ending in '-'", e, 5);
	e = skip_decoration("</a\\76b<char 1:3>>", 18, 0);
	CHECK_INT("decoration: escape and nesting", e, 18);
}

int main(void)
{
	test_creators();
	test_socket_only();
	test_two_fds();
	test_errnos();
	test_scanner();
	return unit_failed;
}
