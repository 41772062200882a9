/* untraced.c - the main thread opens a file, starts two threads that each
 * open, read and close /etc/hostname, forks one child that closes its
 * copy of the file and exits, then joins, waits and closes its own.
 * Traced without -f, only the main thread shows: the threads' and the
 * child's calls are missing.  Correct code: no finding. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static void *worker(void *arg)
{
	(void)arg;
	char buf[64];
	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	while (read(fd, buf, sizeof buf) > 0)
		;
	close(fd);
	return NULL;
}

int main(void)
{
	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, worker, NULL) != 0)
			return 1;
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pid_t c = fork();
	if (c == 0) {
		close(fd);
		_exit(0);
	}
	if (c > 0)
		waitpid(c, NULL, 0);
	close(fd);
	return 0;
}
