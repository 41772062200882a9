/* benign.c - fd patterns that look alarming in a trace but are correct;
 * a capture of this program must give no warning or error.
 *
 *   1. startup (one thread): F_GETFD probes of fds 0-4 (3 and 4 are not
 *      open: EBADF), then a closefrom()-style sweep close(3..19), all EBADF
 *   2. thread "chat": socketpair and pipe, used and closed
 *   3. dup2() onto an open fd (silently closes /dev/null)
 *   4. fork: the child closes its copies of a pipe, writes, exits
 *   5. SCM_RIGHTS: the parent passes an open file to a forked child over a
 *      socketpair; the child gets its own number for it
 *   6. thread "spawner" forks while "main" holds an O_CLOEXEC fd; the child
 *      marks one fd close-on-exec with close_range(CLOSE_RANGE_CLOEXEC) and
 *      execs "benign exec-child", which probes the fds: only the plain one
 *      survived the exec; the child reads and closes it
 *   7. close_range(3, ~0U, 0) closes what main still holds
 * Run as "benign"; "benign exec-child FD..." is phase 6's exec target. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "turns.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int main_log = -1;	/* held by main during phase 6 */

static void probe_and_sweep(void)
{
	for (int fd = 0; fd <= 4; fd++)
		fcntl(fd, F_GETFD);
	for (int fd = 3; fd < 20; fd++)
		close(fd);	/* what closefrom(3) does without close_range */
}

static void *chat_main(void *arg)
{
	char buf[16];
	int sv[2], p[2];

	(void)arg;
	name_thread("chat");
	turn(1);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	write(sv[0], "hi", 2);
	read(sv[1], buf, sizeof buf);
	close(sv[0]);
	close(sv[1]);
	pipe2(p, O_CLOEXEC);
	write(p[1], "yo", 2);
	read(p[0], buf, sizeof buf);
	close(p[0]);
	close(p[1]);
	pass();
	return NULL;
}

static void dup2_onto_open(void)
{
	int log, out;

	log = open("benign.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   0644);
	out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	dup2(log, out);		/* out now names benign.log */
	write(out, "via dup2\n", 9);
	close(out);
	close(log);
}

static void fork_child_closes_copies(void)
{
	char buf[32];
	int p[2];
	pid_t child;

	pipe2(p, O_CLOEXEC);
	child = fork();
	if (child == 0) {
		close(p[0]);	/* the child's copy; the parent's stays */
		write(p[1], "from child\n", 11);
		close(p[1]);
		_exit(0);
	}
	close(p[1]);
	while (read(p[0], buf, sizeof buf) > 0)
		;
	close(p[0]);
	waitpid(child, NULL, 0);
}

static void pass_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof cbuf };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	sendmsg(sock, &msg, 0);
}

static int receive_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof cbuf };
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	return fd;
}

static void scm_rights_to_child(void)
{
	char buf[64];
	int sv[2], file, got;
	pid_t child;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	child = fork();
	if (child == 0) {
		close(sv[0]);
		got = receive_fd(sv[1]);
		read(got, buf, sizeof buf);
		close(got);
		close(sv[1]);
		_exit(0);
	}
	close(sv[1]);
	file = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	pass_fd(sv[0], file);
	close(file);		/* the child's copy keeps the file open */
	close(sv[0]);
	waitpid(child, NULL, 0);
}

static void *spawner_main(void *arg)
{
	char a[3][12];
	int keep, cx, marked;
	pid_t child;

	(void)arg;
	name_thread("spawner");
	turn(3);
	keep = open("/etc/hostname", O_RDONLY);		/* inherited */
	cx = open("/etc/hostname", O_RDONLY | O_CLOEXEC);	/* dropped */
	marked = open("/dev/null", O_RDONLY);	/* dropped, see below */
	snprintf(a[0], sizeof a[0], "%d", keep);
	snprintf(a[1], sizeof a[1], "%d", cx);
	snprintf(a[2], sizeof a[2], "%d", marked);
	child = fork();
	if (child == 0) {
		char ml[12];

		snprintf(ml, sizeof ml, "%d", main_log);
		syscall(SYS_close_range, marked, ~0U, CLOSE_RANGE_CLOEXEC);
		execl("./benign", "benign", "exec-child", a[0], a[1], a[2], ml,
		      (char *)NULL);
		_exit(127);
	}
	waitpid(child, NULL, 0);
	close(keep);
	close(cx);
	close(marked);
	pass();
	return NULL;
}

/* After exec: the first fd must have survived; the rest must be gone. */
static int exec_child(int argc, char **argv)
{
	char buf[64];
	int keep = atoi(argv[2]);

	if (fcntl(keep, F_GETFD) == 0) {
		read(keep, buf, sizeof buf);
		close(keep);
	}
	for (int i = 3; i < argc; i++)
		if (fcntl(atoi(argv[i]), F_GETFD) != -1)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t chat, spawner;
	int ev, null, p[2];

	if (argc > 2 && strcmp(argv[1], "exec-child") == 0)
		return exec_child(argc, argv);

	probe_and_sweep();					/* 1 */
	pthread_create(&chat, NULL, chat_main, NULL);		/* 2 */
	pthread_create(&spawner, NULL, spawner_main, NULL);

	turn(2);
	dup2_onto_open();					/* 3 */
	fork_child_closes_copies();				/* 4 */
	scm_rights_to_child();					/* 5 */
	main_log = open("benign.log", O_WRONLY | O_APPEND | O_CLOEXEC);
	pass();							/* 6 */

	turn(4);
	close(main_log);
	pthread_join(chat, NULL);
	pthread_join(spawner, NULL);

	ev = eventfd(0, EFD_CLOEXEC);				/* 7 */
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pipe2(p, O_CLOEXEC);
	say("main: close_range over %d %d %d %d", ev, null, p[0], p[1]);
	syscall(SYS_close_range, 3, ~0U, 0);
	return 0;
}
