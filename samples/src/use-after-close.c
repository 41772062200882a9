/* use-after-close.c - calls on a number that was closed earlier and not
 * reopened: they fail with EBADF.
 *
 * Part 1 (across threads): "producer" owns an eventfd that "consumer"
 *   reads; the producer shuts down and closes it; the consumer's next
 *   read() -> EBADF.
 * Part 2 (one thread): "pipes" closes the write end of its pipe, then
 *   writes to it again -> EBADF.
 * turns.h forces the order. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include "turns.h"

static int ev = -1;

static void *producer_main(void *arg)
{
	uint64_t one = 1;

	(void)arg;
	name_thread("producer");
	turn(1);
	ev = eventfd(0, EFD_CLOEXEC);
	write(ev, &one, sizeof one);
	pass();

	turn(3);
	say("producer: shutting down");
	close(ev);
	pass();
	return NULL;
}

static void *consumer_main(void *arg)
{
	uint64_t n;

	(void)arg;
	name_thread("consumer");
	turn(2);
	read(ev, &n, sizeof n);
	pass();

	turn(4);
	if (read(ev, &n, sizeof n) < 0)
		say("consumer: read: %s", strerrorname_np(errno));
	pass();
	return NULL;
}

static void *pipes_main(void *arg)
{
	int p[2];
	char c;

	(void)arg;
	name_thread("pipes");
	turn(5);
	pipe2(p, O_CLOEXEC);
	write(p[1], "a", 1);
	close(p[1]);
	if (write(p[1], "b", 1) < 0)	/* closed two lines up: EBADF */
		say("pipes: write: %s", strerrorname_np(errno));
	read(p[0], &c, 1);
	close(p[0]);
	pass();
	return NULL;
}

int main(void)
{
	pthread_t producer, consumer, pipes;

	pthread_create(&producer, NULL, producer_main, NULL);
	pthread_create(&consumer, NULL, consumer_main, NULL);
	pthread_create(&pipes, NULL, pipes_main, NULL);
	pthread_join(producer, NULL);
	pthread_join(consumer, NULL);
	pthread_join(pipes, NULL);
	return 0;
}
