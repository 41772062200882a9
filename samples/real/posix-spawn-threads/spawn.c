/* spawn.c - several threads run child programs at once with posix_spawn
 * (glibc 2.36: clone3(CLONE_VM|CLONE_VFORK), no CLONE_FILES): each round
 * makes a pipe2(O_CLOEXEC), spawns a program with a file action that
 * dup2()s the write end to the child's stdout, closes the write end, reads
 * to EOF, closes the read end and waits.  Every other round the program is
 * one that is not installed (/nonexistent/helper): the child's execve
 * fails and it calls exit_group(127) before the parent's clone3 returns;
 * posix_spawn then returns ENOENT, which the program handles.
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

#include "run-threads.h"

extern char **environ;

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
		const char *prog = i % 2 ? "/nonexistent/helper" : "/bin/true";
		char *argv[] = { "helper", NULL };
		int rc = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
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
	return run_threads(argc, argv, runner);
}
