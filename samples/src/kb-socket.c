/* kb-socket.c - Linux replay of Microsoft KB Q155738: a thread handle is
 * closed twice, and the second close destroys a server's socket that got
 * the same number in between.
 *
 *   ./kb-socket          the server's next send() hits the logger's file
 *                        that took the number: ENOTSOCK (WSAENOTSOCK 10038)
 *   ./kb-socket ebadf    nobody takes the number again: EBADF
 *
 * Threads (their names show under strace -Y):
 *   launcher  main thread; starts "worker" and holds a handle to it (a
 *             pidfd of the thread, the Linux thread handle); waits on it,
 *             closes it (CloseHandle), and closes it AGAIN in its cleanup
 *             path (the _endthread double close of the KB article)
 *   worker    a short job, then it exits
 *   server    accepts the client's connection (gets the handle's old
 *             number), greets it, later says goodbye: that send() fails
 *   client    connects, reads what the server sends
 *   logger    opens its log file right after the bad close (ENOTSOCK mode)
 * Every step is forced into this order by turns.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include "turns.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* Linux 6.9: a pidfd for one thread */
#endif

static int listener = -1;
static struct sockaddr_in server_addr;
static volatile pid_t worker_tid;
static int ebadf_mode;

static void *worker_main(void *arg)
{
	(void)arg;
	name_thread("worker");
	worker_tid = gettid();
	turn(3);
	say("worker: job done");
	pass();
	return NULL;		/* thread exit makes its pidfd readable */
}

static void *server_main(void *arg)
{
	char buf[64];
	int conn;

	(void)arg;
	name_thread("server");
	turn(5);
	conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (recv(conn, buf, sizeof buf, 0) < 0)
		say("server: recv: %s", strerror(errno));
	send(conn, "welcome\n", 8, MSG_NOSIGNAL);
	pass();

	turn(8);
	if (send(conn, "bye\n", 4, MSG_NOSIGNAL) < 0)
		say("server: send: %s", strerrorname_np(errno));
	/* The server believes its connection is broken and gives up on it;
	 * it does not close the number (that would destroy more). */
	pass();
	return NULL;
}

static void *client_main(void *arg)
{
	char buf[64];
	int sock;

	(void)arg;
	name_thread("client");
	turn(1);
	sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	connect(sock, (struct sockaddr *)&server_addr, sizeof server_addr);
	send(sock, "hello\n", 6, MSG_NOSIGNAL);
	pass();

	turn(9);
	while (recv(sock, buf, sizeof buf, 0) > 0)
		;		/* "welcome", then EOF: the server side is gone */
	close(sock);
	pass();
	return NULL;
}

static void *logger_main(void *arg)
{
	int log;

	(void)arg;
	name_thread("logger");
	turn(7);
	log = open("kb-socket.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   0644);
	write(log, "logger: started\n", 16);
	pass();

	turn(10);
	close(log);
	pass();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t worker, server, client, logger;
	socklen_t len = sizeof server_addr;
	struct pollfd wait_worker;
	int handle;

	ebadf_mode = argc > 1 && strcmp(argv[1], "ebadf") == 0;
	name_thread("launcher");

	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	server_addr.sin_family = AF_INET;
	server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(listener, (struct sockaddr *)&server_addr, sizeof server_addr);
	listen(listener, 4);
	getsockname(listener, (struct sockaddr *)&server_addr, &len);

	pthread_create(&server, NULL, server_main, NULL);
	pthread_create(&client, NULL, client_main, NULL);
	pthread_create(&worker, NULL, worker_main, NULL);
	if (!ebadf_mode)
		pthread_create(&logger, NULL, logger_main, NULL);

	/* step 1: the client connects (its socket, no story yet) */
	turn(2);
	while (worker_tid == 0)
		;		/* set before the worker's first turn() */
	handle = (int)syscall(SYS_pidfd_open, worker_tid, PIDFD_THREAD);
	say("launcher: worker handle %d", handle);
	pass();

	/* step 3: the worker does its job and exits */
	turn(4);
	wait_worker.fd = handle;
	wait_worker.events = POLLIN;
	poll(&wait_worker, 1, -1);
	close(handle);		/* CloseHandle(h): fine */
	pass();

	/* step 5: the server accepts; the connection gets the same number */
	turn(6);
	say("launcher: cleanup");
	close(handle);		/* the second close: it is the server's now */
	pass();
	if (ebadf_mode) {
		turn(7);	/* no logger: the number stays free */
		pass();
	}

	/* step 7: logger opens its file; 8: server's send fails;
	 * 9: client drains; 10: logger closes */
	if (ebadf_mode) {
		turn(10);
		pass();
	}
	turn(11);
	pthread_join(worker, NULL);
	pthread_join(server, NULL);
	pthread_join(client, NULL);
	if (!ebadf_mode)
		pthread_join(logger, NULL);
	close(listener);
	return 0;
}
