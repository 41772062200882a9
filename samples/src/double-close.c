/* double-close.c - the same number closed twice with nobody reopening it
 * in between: the second close fails with EBADF (a warning: nothing else
 * was hurt, but the code has no idea who owns the fd).
 *
 *   1. thread "loader" reads a config file, closes it, and closes it again
 *      on its error-cleanup path                        -> close = EBADF
 *   2. a wake-up pipe: thread "notifier" closes the write end when it is
 *      done, then "main" closes the same end at shutdown -> close = EBADF
 * turns.h forces the order. */
#include <fcntl.h>
#include <stdlib.h>
#include "turns.h"

static int wake[2];

static void *loader_main(void *arg)
{
	char buf[64];
	int cfg;

	(void)arg;
	name_thread("loader");
	turn(1);
	cfg = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	read(cfg, buf, sizeof buf);
	close(cfg);
	say("loader: config read");
	close(cfg);		/* cleanup path closes it again: EBADF */
	pass();
	return NULL;
}

static void *notifier_main(void *arg)
{
	(void)arg;
	name_thread("notifier");
	turn(3);
	write(wake[1], "!", 1);
	close(wake[1]);		/* the notifier thinks it owns the write end */
	pass();
	return NULL;
}

int main(void)
{
	pthread_t loader, notifier;
	char c;

	pthread_create(&loader, NULL, loader_main, NULL);
	pthread_create(&notifier, NULL, notifier_main, NULL);

	turn(2);
	pipe2(wake, O_CLOEXEC);
	pass();

	turn(4);
	read(wake[0], &c, 1);
	close(wake[1]);		/* ... and so does main: EBADF */
	close(wake[0]);
	pthread_join(loader, NULL);
	pthread_join(notifier, NULL);
	return 0;
}
