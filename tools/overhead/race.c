/* tools/overhead/race.c - a handle race left to timing (no turns.h): a
 * sender thread sends once on a UDP socket while the main thread,
 * after about the same short spin, closes the socket and opens
 * /dev/null, which gets the same number.  A send that lands after the
 * reuse fails with ENOTSOCK (handletrail: stale-use / use-after-close).
 * Exit status 3 when that happened, 0 when every send found the socket.
 * Usage: race [SPIN [LAG]]: the main thread spins SPIN loop turns, the
 * sender SPIN + LAG (defaults 2000000, 0): LAG sets how often the send
 * comes after the reuse when nothing slows either side down. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int fd;
static long spin, lag;
static atomic_int go;
static int hit;

static void busy(long n)
{
	for (volatile long i = 0; i < n; i++)
		;
}

static void *sender(void *arg)
{
	(void)arg;
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	atomic_store(&go, 1);
	busy(spin + lag);
	if (sendto(fd, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&to,
		   sizeof to) < 0 && errno == ENOTSOCK)
		hit = 1;
	return NULL;
}

int main(int argc, char **argv)
{
	spin = argc > 1 ? atol(argv[1]) : 2000000;
	lag = argc > 2 ? atol(argv[2]) : 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	pthread_t t;
	pthread_create(&t, NULL, sender, NULL);
	while (!atomic_load(&go))
		;          /* both sides start their spin together */
	busy(spin);
	close(fd);
	int f = open("/dev/null", O_WRONLY | O_CLOEXEC);
	pthread_join(t, NULL);
	close(f);
	return hit ? 3 : 0;
}
