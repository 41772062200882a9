/* pool.c - an accept-and-queue thread pool HTTP server, the most common
 * server shape there is (samples/real/c-pool, and its buggy twin in
 * samples/real/c-pool-double-close).
 *
 * usage: pool PORT WORKERS [double-close]
 *
 * The main thread accept4()s connections on 127.0.0.1:PORT and puts the
 * fd in a mutex-protected queue.  Each worker takes an fd, recv()s the
 * request, opens its own log file (pool-worker-N.log), writes one line and
 * closes it, send()s the reply and closes the connection.  A request for
 * /quit shuts the listening socket down; main's accept4 then fails, main
 * queues one -1 per worker, joins them and exits 0.
 *
 * A request for /bad takes the error path: reply 400, close the
 * connection, log the error.  With "double-close" the error path is the
 * buggy one: after logging it falls through to the common cleanup, which
 * closes the connection's number a second time - by then often another
 * connection (accepted by main meanwhile) or another worker's log file.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define QMAX 64

static int queue[QMAX], qhead, qlen;
static pthread_mutex_t qmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcv = PTHREAD_COND_INITIALIZER;
static int listen_fd;
static int buggy;

static void put(int fd)
{
	pthread_mutex_lock(&qmu);
	while (qlen == QMAX)
		pthread_cond_wait(&qcv, &qmu);
	queue[(qhead + qlen++) % QMAX] = fd;
	pthread_cond_broadcast(&qcv);
	pthread_mutex_unlock(&qmu);
}

static int take(void)
{
	pthread_mutex_lock(&qmu);
	while (qlen == 0)
		pthread_cond_wait(&qcv, &qmu);
	int fd = queue[qhead];
	qhead = (qhead + 1) % QMAX;
	qlen--;
	pthread_cond_broadcast(&qcv);
	pthread_mutex_unlock(&qmu);
	return fd;
}

static void log_line(int worker, const char *what, const char *line)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "pool-worker-%d.log", worker);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	int n = snprintf(buf, sizeof buf, "%s %.400s\n", what, line);
	if (write(fd, buf, n) < 0)
		perror("log");
	close(fd);
}

static void send_all(int fd, const char *s)
{
	size_t len = strlen(s);
	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		s += n;
		len -= n;
	}
}

static void serve(int worker, int fd)
{
	char req[2048], first[256];
	ssize_t n = recv(fd, req, sizeof req - 1, 0);
	if (n <= 0) {
		close(fd);
		return;
	}
	req[n] = 0;
	sscanf(req, "%255[^\r\n]", first);
	if (strncmp(first, "GET /bad ", 9) == 0) {
		send_all(fd, "HTTP/1.0 400 Bad Request\r\nContent-Length: 4\r\n\r\nbad\n");
		close(fd);
		log_line(worker, "error", first);
		if (!buggy)
			return;
		/* the bug: falls through to the common cleanup below */
	} else {
		log_line(worker, "ok", first);
		send_all(fd, "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
		if (strncmp(first, "GET /quit ", 10) == 0)
			shutdown(listen_fd, SHUT_RDWR);
	}
	close(fd);
}

static void *worker_main(void *arg)
{
	int me = (int)(long)arg, fd;
	while ((fd = take()) >= 0)
		serve(me, fd);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: pool PORT WORKERS [double-close]\n");
		return 2;
	}
	int port = atoi(argv[1]), nworkers = atoi(argv[2]), one = 1;
	struct timeval timeout = { .tv_sec = 2 };
	buggy = argc > 3 && strcmp(argv[3], "double-close") == 0;
	if (nworkers < 1 || nworkers > 32)
		return 2;

	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listen_fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(listen_fd, 128) < 0) {
		perror("listen");
		return 1;
	}

	pthread_t t[32];
	for (int i = 0; i < nworkers; i++)
		pthread_create(&t[i], NULL, worker_main, (void *)(long)i);
	for (;;) {
		int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			break;	/* shut down by /quit */
		/* no client may hold a worker forever */
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
		put(c);
	}
	for (int i = 0; i < nworkers; i++)
		put(-1);
	for (int i = 0; i < nworkers; i++)
		pthread_join(t[i], NULL);
	close(listen_fd);
	return 0;
}
