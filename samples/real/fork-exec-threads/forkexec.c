/* forkexec.c - several threads run child programs at once, the classic
 * way: pipe2(O_CLOEXEC), fork(), the child dup2()s the pipe's write end to
 * its stdout and execl()s /bin/true; the parent closes the write end,
 * reads the pipe to EOF, closes the read end and waits for the child.
 *
 * usage: forkexec THREADS ROUNDS
 *
 * Correct program: each fd is closed once, by the process that holds it;
 * the forked children are processes of their own (own fd tables), not
 * threads of the parent.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run-threads.h"


static void *runner(void *arg)
{
	(void)arg;
	for (int i = 0; i < rounds; i++) {
		int p[2];
		char buf[64];
		if (pipe2(p, O_CLOEXEC) < 0)
			return NULL;
		pid_t pid = fork();
		if (pid == 0) {
			dup2(p[1], 1);
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		close(p[1]);
		while (read(p[0], buf, sizeof buf) > 0)
			;
		close(p[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	return run_threads(argc, argv, runner);
}
