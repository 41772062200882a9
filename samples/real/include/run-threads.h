/* run-threads.h - the main() shared by forkexec.c and spawn.c: starts
 * THREADS (argv[1], default 2) threads that each run runner() with ROUNDS
 * (argv[2], default 20) in the global `rounds`, and joins them.
 * Exit 2 on a bad thread count. */
#ifndef RUN_THREADS_H
#define RUN_THREADS_H
#include <pthread.h>
#include <stdlib.h>

static int rounds;

static int run_threads(int argc, char **argv, void *(*runner)(void *))
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
#endif
