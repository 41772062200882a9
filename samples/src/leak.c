/* leak.c - fds opened inside the trace and still open when their process
 * exits (notes: the kernel cleans up, but a long-running program would
 * run out of fds).
 *
 *   child process   opens /etc/hostname, reads it, _exit()s without close
 *   thread "cache"  opens /etc/hostname and a UDP socket, never closes
 *                   them; also opens and properly closes an eventfd (no
 *                   note for that one)
 * The child is forked first, so it inherits no fd the parent opened. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "turns.h"

static void *cache_main(void *arg)
{
	char buf[64];
	int file, udp, ev;

	(void)arg;
	name_thread("cache");
	file = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	read(file, buf, sizeof buf);
	udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ev = eventfd(0, EFD_CLOEXEC);
	close(ev);
	say("cache: keeping %d and %d", file, udp);
	return NULL;		/* file and udp stay open */
}

int main(void)
{
	pthread_t cache;
	char buf[64];
	pid_t child;

	child = fork();
	if (child == 0) {
		int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
		read(fd, buf, sizeof buf);
		_exit(0);	/* fd never closed */
	}
	waitpid(child, NULL, 0);

	pthread_create(&cache, NULL, cache_main, NULL);
	pthread_join(cache, NULL);
	return 0;		/* exit_group with two fds open */
}
