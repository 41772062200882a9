/* spawn.c - several threads run child programs at once with posix_spawn
 * (glibc: clone(CLONE_VM|CLONE_VFORK) without CLONE_FILES, or clone3):
 * each round makes a pipe2(O_CLOEXEC), spawns /bin/true with a file
 * action that dup2()s the write end to the child's stdout, closes the
 * write end, reads to EOF, closes the read end and waits.
 *
 * usage: spawn THREADS ROUNDS
 *
 * Correct program: the child's exit is its own, not its parent's.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static int rounds;

static void *runner(void *arg)
{
	(void)arg;
	for (int i = 0; i < rounds; i++) {
		int p[2];
		char buf[64];
		pid_t pid;
		if (pipe2(p, O_CLOEXEC) < 0)
			return NULL;
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, p[1], 1);
		char *argv[] = { "true", NULL };
		int rc = posix_spawn(&pid, "/bin/true", &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
		close(p[1]);
		while (read(p[0], buf, sizeof buf) > 0)
			;
		close(p[0]);
		if (rc == 0)
			waitpid(pid, NULL, 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2;
	rounds = argc > 2 ? atoi(argv[2]) : 20;
	if (n < 1 || n > 16)
		return 2;
	pthread_t t[16];
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, runner, NULL);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
