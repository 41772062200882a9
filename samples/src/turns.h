/* turns.h - fixes the order of steps across threads so every capture tells
 * the same story: a thread waits for its turn number, acts, then passes.
 * Only futex calls appear in the trace; no sleeps, no extra fds. */
#ifndef SAMPLES_TURNS_H
#define SAMPLES_TURNS_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_TURNS 64

/* turn_ready[n] becomes 1 when step n may run.  Each step has its own
 * futex word, so passing the baton wakes only the thread that waits for
 * the next step: one FUTEX_WAKE line per step, no herd of wake-ups. */
static atomic_int turn_ready[MAX_TURNS + 2] = { [1] = 1 };
static int turn_current;

/* Block until step n is due. */
static inline void turn(int n)
{
	while (atomic_load(&turn_ready[n]) == 0)
		syscall(SYS_futex, &turn_ready[n], FUTEX_WAIT_PRIVATE, 0,
			NULL, NULL, 0);
	turn_current = n;
}

/* The current step is finished: let the next one run. */
static inline void pass(void)
{
	int next = turn_current + 1;

	atomic_store(&turn_ready[next], 1);
	syscall(SYS_futex, &turn_ready[next], FUTEX_WAKE_PRIVATE, INT_MAX,
		NULL, NULL, 0);
}

/* One line on stdout in a single write(1, ...): the message shows up in
 * the trace as a readable marker of where the story is. */
static inline void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	if (write(1, line, (size_t)n) < 0)
		return;
}

/* The thread's name, shown by strace -Y as PID<name>. */
static inline void name_thread(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

#endif
