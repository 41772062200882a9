/* fdsem.c - exercises descriptor semantics strace shows: CLOEXEC changes,
 * probes, dup onto itself, CLONE_FILES without CLONE_THREAD, unshare,
 * vfork, two-fd calls, poll, SCM_RIGHTS with MSG_CMSG_CLOEXEC. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>
static char stack[65536];
static int child(void *a) { (void)a; close(3); return 0; }
int main(void)
{
	int f = open("/etc/hostname", O_RDONLY);
	fcntl(f, F_SETFD, FD_CLOEXEC);
	fcntl(f, F_GETFD);
	fcntl(42, F_GETFD);                     /* probe on a closed fd: EBADF */
	ioctl(f, FIONCLEX);
	ioctl(f, FIOCLEX);
	dup2(f, f);
	int p[2]; pipe2(p, 0);
	int q[2]; pipe(q);
	write(p[1], "abc", 3);
	splice(p[0], NULL, q[1], NULL, 3, 0);
	tee(q[0], p[1], 3, 0);
	int t = open("/tmp/fdsem.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	sendfile(t, f, NULL, 4);
	copy_file_range(f, NULL, t, NULL, 4, 0);
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, f, 0); munmap(m, 4096);
	struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { -1, 0, 0 } };
	poll(pf, 2, 0);
	int e = epoll_create1(0);
	struct epoll_event ee = { .events = EPOLLIN };
	epoll_ctl(e, EPOLL_CTL_ADD, p[0], &ee);
	sigset_t ss; sigemptyset(&ss); sigaddset(&ss, SIGUSR1);
	int sf = signalfd(-1, &ss, 0);
	signalfd(sf, &ss, 0);
	int d = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int g = openat(d, "fdsem.tmp", O_RDONLY);
	close(g);
	unlinkat(d, "fdsem.tmp", 0);
	int sv[2]; socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	char cbuf[CMSG_SPACE(sizeof(int))]; memset(cbuf, 0, sizeof cbuf);
	struct iovec iov = { "z", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &f, sizeof f);
	sendmsg(sv[0], &mh, 0);
	char r; iov.iov_base = &r;
	recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC);
	int pid = clone(child, stack + sizeof stack, CLONE_FILES | SIGCHLD, NULL);
	waitpid(pid, NULL, 0);
	if (vfork() == 0) _exit(0);
	wait(NULL);
	unshare(CLONE_FILES);
	syscall(SYS_close_range, 60, ~0U, CLOSE_RANGE_UNSHARE);
	close(t);
	return 0;
}
