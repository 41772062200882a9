/* threadpool.c - a small, correct thread-pool echo server and a two-thread
 * client over loopback; nothing forces the interleaving.  Its capture is a
 * clean real workload: fd numbers are reused all the time across threads,
 * and a report must still show no warning and no error.
 *
 * Server process: "acceptor" accepts connections and queues them; three
 * "pool" threads each take one, read the request, answer, close it.
 * Client process (forked first; closes its copy of the listener): two
 * "client" threads each make REQUESTS sequential requests.
 * Shutdown: once the client process is gone, main shuts the listener down
 * (accept() then fails with EINVAL), the acceptor queues one stop marker
 * per pool thread, and everything is joined and closed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "turns.h"

#define POOL 3
#define REQUESTS 4
#define QMAX 16

static int listener = -1;
static struct sockaddr_in server_addr;

static pthread_mutex_t q_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cv = PTHREAD_COND_INITIALIZER;
static int queue[QMAX], q_head, q_len;

static void enqueue(int conn)
{
	pthread_mutex_lock(&q_mu);
	queue[(q_head + q_len++) % QMAX] = conn;
	pthread_cond_signal(&q_cv);
	pthread_mutex_unlock(&q_mu);
}

static int dequeue(void)
{
	int conn;

	pthread_mutex_lock(&q_mu);
	while (q_len == 0)
		pthread_cond_wait(&q_cv, &q_mu);
	conn = queue[q_head];
	q_head = (q_head + 1) % QMAX;
	q_len--;
	pthread_mutex_unlock(&q_mu);
	return conn;
}

static void *acceptor_main(void *arg)
{
	int conn;

	(void)arg;
	name_thread("acceptor");
	while ((conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		enqueue(conn);
	for (int i = 0; i < POOL; i++)
		enqueue(-1);	/* stop marker */
	return NULL;
}

static void *pool_main(void *arg)
{
	char buf[64];
	ssize_t n;
	int conn;

	(void)arg;
	name_thread("pool");
	while ((conn = dequeue()) >= 0) {
		n = recv(conn, buf, sizeof buf, 0);
		if (n > 0)
			send(conn, buf, (size_t)n, MSG_NOSIGNAL);
		close(conn);
	}
	return NULL;
}

static void *client_main(void *arg)
{
	const char *who = arg;
	char req[32], buf[64];
	int s;

	name_thread("client");
	for (int i = 0; i < REQUESTS; i++) {
		s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(s, (struct sockaddr *)&server_addr,
			    sizeof server_addr) == 0) {
			int len = snprintf(req, sizeof req, "%s %d", who, i);
			send(s, req, (size_t)len, MSG_NOSIGNAL);
			recv(s, buf, sizeof buf, 0);
		}
		close(s);
	}
	return NULL;
}

static int run_clients(void)
{
	pthread_t c[2];

	close(listener);	/* the server's; the client does not accept */
	pthread_create(&c[0], NULL, client_main, "a");
	pthread_create(&c[1], NULL, client_main, "b");
	pthread_join(c[0], NULL);
	pthread_join(c[1], NULL);
	return 0;
}

int main(void)
{
	socklen_t len = sizeof server_addr;
	pthread_t acceptor, pool[POOL];
	pid_t child;

	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	server_addr.sin_family = AF_INET;
	server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(listener, (struct sockaddr *)&server_addr, sizeof server_addr);
	listen(listener, 16);
	getsockname(listener, (struct sockaddr *)&server_addr, &len);

	child = fork();
	if (child == 0)
		return run_clients();

	pthread_create(&acceptor, NULL, acceptor_main, NULL);
	for (int i = 0; i < POOL; i++)
		pthread_create(&pool[i], NULL, pool_main, NULL);

	waitpid(child, NULL, 0);
	shutdown(listener, SHUT_RDWR);	/* wakes accept(): EINVAL */
	pthread_join(acceptor, NULL);
	for (int i = 0; i < POOL; i++)
		pthread_join(pool[i], NULL);
	close(listener);
	say("server: done");
	return 0;
}
