/* forkexec-threads.c - two threads each loop: pipe2(O_CLOEXEC), fork(),
 * and the child dup2()s the pipe's write end onto fd 1 and execs
 * /bin/true; the parent closes the write end, reads to EOF, closes the
 * read end and waits.  Correct code: a trace of it holds no finding.  With
 * two threads forking at once the children's first lines come before the
 * parents' clone() returns, and two clones are pending at the same time. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

static int rounds = 4;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < rounds; i++) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) != 0)
			return NULL;
		pid_t c = fork();
		if (c == 0) {
			dup2(p[1], 1);
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		close(p[1]);
		char buf[64];
		while (read(p[0], buf, sizeof buf) > 0)
			;
		close(p[0]);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		rounds = atoi(argv[1]);
	pthread_t a, b;
	pthread_create(&a, NULL, worker, NULL);
	pthread_create(&b, NULL, worker, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
