/* load.c - a bounded HTTP/1.0 load generator for the captures in
 * samples/real/ (runs outside strace; only the server is traced).
 *
 * usage: load PORT REQUESTS CONCURRENCY [PATH [QUIT-PATH]]
 *
 * CONCURRENCY threads share REQUESTS requests; each request is one
 * connection to 127.0.0.1:PORT: "GET PATH HTTP/1.0", read to EOF (PATH
 * may be a comma-separated list: request i asks for entry i mod n).  The
 * first connection of every thread retries for up to 10 s while the
 * server starts (ECONNREFUSED).  With QUIT-PATH, one last request for it
 * is sent after all others finished (the servers exit on it).  Exit 0
 * when every request got a reply that starts with "HTTP/1."; prints
 * "ok N fail M".  A reply that takes over 5 s counts as failed.  Only
 * loopback, only a bounded number of requests.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int port, total;
static char *paths[16] = { "/" };
static int npaths = 1;
static int next_req, ok, failed;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static int connect_retry(int patient)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < (patient ? 1000 : 1); i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		struct timeval tv = { .tv_sec = 5 };
		if (s < 0)
			return -1;
		/* a server that lost the request must not hang the load */
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect(s, (struct sockaddr *)&a, sizeof a) == 0)
			return s;
		close(s);
		if (errno != ECONNREFUSED)
			return -1;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* one request; 1 when the reply looks like HTTP */
static int request(const char *p, int patient)
{
	char buf[4096];
	int s = connect_retry(patient), n, got = 0, good = 0;
	if (s < 0)
		return 0;
	n = snprintf(buf, sizeof buf,
		     "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: load\r\n\r\n",
		     p);
	if (write(s, buf, n) != n) {
		close(s);
		return 0;
	}
	while ((n = read(s, buf, sizeof buf)) > 0) {
		if (got == 0 && n >= 7 && memcmp(buf, "HTTP/1.", 7) == 0)
			good = 1;
		got += n;
	}
	close(s);
	return good;
}

static void *worker(void *arg)
{
	int first = 1;
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		int mine = next_req < total ? next_req++ : -1;
		pthread_mutex_unlock(&mu);
		if (mine < 0)
			break;
		int r = request(paths[mine % npaths], first);
		first = 0;
		pthread_mutex_lock(&mu);
		if (r)
			ok++;
		else
			failed++;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: load PORT REQUESTS CONCURRENCY [PATH [QUIT-PATH]]\n");
		return 2;
	}
	port = atoi(argv[1]);
	total = atoi(argv[2]);
	int conc = atoi(argv[3]);
	if (argc > 4) {
		npaths = 0;
		for (char *p = strtok(argv[4], ","); p && npaths < 16;
		     p = strtok(NULL, ","))
			paths[npaths++] = p;
		if (npaths == 0)
			return 2;
	}
	if (conc < 1 || conc > 64 || total < 0 || total > 100000)
		return 2;
	pthread_t t[64];
	for (int i = 0; i < conc; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < conc; i++)
		pthread_join(t[i], NULL);
	if (argc > 5 && !request(argv[5], total == 0))
		failed++;
	printf("ok %d fail %d\n", ok, failed);
	return failed ? 1 : 0;
}
