/* spawn-threads.c - two threads each loop posix_spawn() of /bin/true with
 * a file action that dup2()s a pipe's write end onto fd 1, then close the
 * write end, read to EOF, close the read end and wait.  glibc's
 * posix_spawn is clone(CLONE_VM|CLONE_VFORK) without CLONE_FILES (clone3
 * on newer glibc): the child's exit_group, when exec fails, and its exit
 * are its own, not the parent's.  Correct code: no finding. */
#include <pthread.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

extern char **environ;
static int rounds = 4;

static void *worker(void *arg)
{
	const char *prog = arg;
	for (int i = 0; i < rounds; i++) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) != 0)
			return NULL;
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, p[1], 1);
		char *argv[] = { (char *)prog, NULL };
		pid_t c = -1;
		int r = posix_spawn(&c, prog, &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
		close(p[1]);
		char buf[64];
		while (read(p[0], buf, sizeof buf) > 0)
			;
		close(p[0]);
		if (r == 0)
			waitpid(c, NULL, 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		rounds = atoi(argv[1]);
	/* the second thread spawns a program that does not exist: its
	 * child calls exit_group(127) after the failed execve */
	pthread_t a, b;
	pthread_create(&a, NULL, worker, "/bin/true");
	pthread_create(&b, NULL, worker, "/nonexistent/ht-no-such-program");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
