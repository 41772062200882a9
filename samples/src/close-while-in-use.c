/* close-while-in-use.c - one thread closes a pipe while another thread is
 * blocked in read() on it.  Linux lets the read go on with the open file
 * description, so it still returns the byte written afterwards; the code
 * is racy all the same (had the number been reused first, the read would
 * have hit the new object).
 *
 * "reader" blocks in read() on the pipe.  "main" makes sure it really is
 * asleep inside read() -- it reads /proc/self/task/TID/{stat,syscall}
 * until the state is S and the syscall number is read's -- then closes
 * the read end and writes one byte, which the reader still receives.
 * No sleeps: the /proc check is what orders the close after the read. */
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include "turns.h"

static int pipefd[2];
static volatile pid_t reader_tid;

static void *reader_main(void *arg)
{
	char buf[16];
	ssize_t n;

	(void)arg;
	name_thread("reader");
	reader_tid = gettid();
	n = read(pipefd[0], buf, sizeof buf);	/* blocks */
	say("reader: got %zd byte(s)", n);
	return NULL;
}

/* Is the thread whose stat and syscall files are open asleep in read()? */
static int asleep_in_read(int stat_fd, int syscall_fd)
{
	char st[256], sc[64];
	ssize_t n;
	char *paren;

	n = pread(stat_fd, st, sizeof st - 1, 0);
	if (n <= 0)
		return 0;
	st[n] = '\0';
	paren = strrchr(st, ')');	/* "TID (comm) S ..." */
	if (!paren || paren[1] != ' ' || paren[2] != 'S')
		return 0;
	n = pread(syscall_fd, sc, sizeof sc - 1, 0);
	if (n <= 0)
		return 0;
	sc[n] = '\0';
	return atoi(sc) == SYS_read && sc[0] != 'r';	/* not "running" */
}

int main(void)
{
	char path[64];
	pthread_t reader;
	int stat_fd, syscall_fd;

	pipe2(pipefd, O_CLOEXEC);
	pthread_create(&reader, NULL, reader_main, NULL);
	while (reader_tid == 0)
		;		/* set before the reader's read() */

	snprintf(path, sizeof path, "/proc/self/task/%d/stat", reader_tid);
	stat_fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof path, "/proc/self/task/%d/syscall", reader_tid);
	syscall_fd = open(path, O_RDONLY | O_CLOEXEC);
	while (!asleep_in_read(stat_fd, syscall_fd))
		sched_yield();
	close(stat_fd);
	close(syscall_fd);

	say("main: closing the pipe");
	close(pipefd[0]);	/* the reader is still inside read() */
	write(pipefd[1], "x", 1);
	pthread_join(reader, NULL);
	close(pipefd[1]);
	return 0;
}
