/* tools/overhead/busy.c - a busy TCP server for measuring tracing
 * overhead: CLIENTS threads connect, send a request, read the answer and
 * close, as fast as they can, for SECONDS; WORKERS threads accept, read,
 * answer and close.  Prints requests per second.  Every request is about
 * ten descriptor syscalls (socket, connect, write, read, close; accept4,
 * read, write, close).
 * Usage: busy [SECONDS [CLIENTS [WORKERS]]]   (default 2 2 2) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int lsock;
static struct sockaddr_in addr;
static atomic_long done;
static atomic_int stop;

static void *worker(void *arg)
{
	(void)arg;
	char buf[64];
	for (;;) {
		int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			return NULL;
		if (read(c, buf, sizeof buf) > 0 &&
		    write(c, "ok\n", 3) < 0)
			perror("write");
		close(c);
	}
}

static void *client(void *arg)
{
	(void)arg;
	char buf[64];
	while (!atomic_load(&stop)) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&addr,
				     sizeof addr) < 0) {
			perror("connect");
			exit(1);
		}
		if (write(s, "get\n", 4) == 4 && read(s, buf, sizeof buf) > 0)
			atomic_fetch_add(&done, 1);
		close(s);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2;
	int nc = argc > 2 ? atoi(argv[2]) : 2, nw = argc > 3 ? atoi(argv[3]) : 2;
	socklen_t al = sizeof addr;
	lsock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lsock, (struct sockaddr *)&addr, sizeof addr) < 0 ||
	    listen(lsock, 128) < 0 ||
	    getsockname(lsock, (struct sockaddr *)&addr, &al) < 0) {
		perror("listen");
		return 1;
	}
	pthread_t t[64];
	for (int i = 0; i < nw && i < 32; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < nc && i < 32; i++)
		pthread_create(&t[32 + i], NULL, client, NULL);
	struct timespec ts = { (time_t)secs,
			       (long)((secs - (time_t)secs) * 1e9) };
	nanosleep(&ts, NULL);
	atomic_store(&stop, 1);
	for (int i = 0; i < nc && i < 32; i++)
		pthread_join(t[32 + i], NULL);
	printf("%.0f requests/s\n", (double)atomic_load(&done) / secs);
	return 0;
}
