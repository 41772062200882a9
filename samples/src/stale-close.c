/* stale-close.c - a thread closes a number that, since its own last use,
 * names another thread's object.
 *
 * Part 1, graded ERROR (the owner is hurt afterwards):
 *   "ticker" creates a timerfd, arms it, closes it; "events" creates an
 *   eventfd, which gets the same number, and signals it; "ticker"'s
 *   shutdown path closes its old number again (= 0: it destroys the
 *   eventfd); "events" then writes to its eventfd -> EBADF.
 * Part 2, WARNING only (a hand-off that looks the same):
 *   "acceptor" accepts connections and hands them to "handler" through
 *   memory.  handler serves connection 1 and closes it; acceptor accepts
 *   connection 2, which gets the same number; handler rejects it by closing
 *   it without ever using it.  Nobody touches the number again, so the
 *   trace has no proof of harm: a legitimate hand-off is just as likely.
 * "client" opens both connections up front.  turns.h forces the order. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include "turns.h"

static int listener = -1;
static struct sockaddr_in server_addr;
static volatile int handed_over = -1;	/* the "queue" between threads */

static void *ticker_main(void *arg)
{
	struct itimerspec period = { { 1, 0 }, { 1, 0 } };
	int tick;

	(void)arg;
	name_thread("ticker");
	turn(1);
	tick = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	timerfd_settime(tick, 0, &period, NULL);
	close(tick);		/* ticker stops; keeps the stale int */
	pass();

	turn(3);
	say("ticker: shutdown");
	close(tick);		/* = 0, but it is the eventfd now */
	pass();
	return NULL;
}

static void *events_main(void *arg)
{
	uint64_t one = 1;
	int ev;

	(void)arg;
	name_thread("events");
	turn(2);
	ev = eventfd(0, EFD_CLOEXEC);	/* takes the timerfd's old number */
	write(ev, &one, sizeof one);
	pass();

	turn(4);
	if (write(ev, &one, sizeof one) < 0)
		say("events: write: %s", strerrorname_np(errno));
	pass();
	return NULL;
}

static void *client_main(void *arg)
{
	int *socks = arg;
	char buf[32];

	name_thread("client");
	turn(5);
	for (int i = 0; i < 2; i++) {
		socks[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		connect(socks[i], (struct sockaddr *)&server_addr,
			sizeof server_addr);
	}
	send(socks[0], "GET 1\n", 6, MSG_NOSIGNAL);
	pass();

	turn(10);
	recv(socks[0], buf, sizeof buf, 0);	/* "200 ok" */
	recv(socks[1], buf, sizeof buf, 0);	/* EOF: rejected */
	close(socks[0]);
	close(socks[1]);
	pass();
	return NULL;
}

static void *acceptor_main(void *arg)
{
	(void)arg;
	name_thread("acceptor");
	turn(6);
	handed_over = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	pass();

	turn(8);
	handed_over = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	pass();
	return NULL;
}

static void *handler_main(void *arg)
{
	char buf[32];
	int conn;

	(void)arg;
	name_thread("handler");
	turn(7);
	conn = handed_over;
	recv(conn, buf, sizeof buf, 0);
	send(conn, "200 ok\n", 7, MSG_NOSIGNAL);
	close(conn);
	pass();

	turn(9);
	conn = handed_over;
	say("handler: busy, rejecting %d", conn);
	close(conn);		/* hand-off close, no use of connection 2 */
	pass();
	return NULL;
}

int main(void)
{
	pthread_t ticker, events, client, acceptor, handler;
	socklen_t len = sizeof server_addr;
	int socks[2];

	pthread_create(&ticker, NULL, ticker_main, NULL);
	pthread_create(&events, NULL, events_main, NULL);
	turn(5);		/* part 1 is over once step 5 is due */
	pthread_join(ticker, NULL);
	pthread_join(events, NULL);

	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	server_addr.sin_family = AF_INET;
	server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(listener, (struct sockaddr *)&server_addr, sizeof server_addr);
	listen(listener, 4);
	getsockname(listener, (struct sockaddr *)&server_addr, &len);
	pthread_create(&client, NULL, client_main, socks);
	pthread_create(&acceptor, NULL, acceptor_main, NULL);
	pthread_create(&handler, NULL, handler_main, NULL);

	turn(11);
	pthread_join(client, NULL);
	pthread_join(acceptor, NULL);
	pthread_join(handler, NULL);
	close(listener);
	return 0;
}
