/* stale-use.c - a thread keeps using a number after its object is gone
 * and the number names something else.
 *
 * Part 1 (fails): "sender" sends a datagram on its UDP socket, closes it
 *   on an error path but keeps the int; "config" opens /etc/hostname and
 *   gets the number; sender's retry sendto() -> ENOTSOCK.
 * Part 2 (succeeds, silently): "logger" writes to stale-use.log; "rotator"
 *   closes the log behind its back; "db" opens stale-use.db and gets the
 *   number; logger's next write() = 23: its line lands in the database.
 * "receiver" owns the UDP socket the datagrams go to.  turns.h forces the
 * order. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "turns.h"

static struct sockaddr_in sink_addr;
static int log_fd = -1;		/* shared by logger and rotator */

static void *receiver_main(void *arg)
{
	socklen_t len = sizeof sink_addr;
	char buf[32];
	int sink;

	(void)arg;
	name_thread("receiver");
	turn(1);
	sink = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	sink_addr.sin_family = AF_INET;
	sink_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(sink, (struct sockaddr *)&sink_addr, sizeof sink_addr);
	getsockname(sink, (struct sockaddr *)&sink_addr, &len);
	pass();

	turn(3);
	recv(sink, buf, sizeof buf, 0);
	pass();

	turn(7);
	close(sink);
	pass();
	return NULL;
}

static void *sender_main(void *arg)
{
	int udp;

	(void)arg;
	name_thread("sender");
	turn(2);
	udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	sendto(udp, "ping\n", 5, 0, (struct sockaddr *)&sink_addr,
	       sizeof sink_addr);
	pass();

	turn(4);
	close(udp);		/* "reconnect": closes, forgets to reset udp */
	pass();

	turn(6);
	if (sendto(udp, "ping\n", 5, 0, (struct sockaddr *)&sink_addr,
		   sizeof sink_addr) < 0)
		say("sender: sendto: %s", strerrorname_np(errno));
	pass();
	return NULL;
}

static void *config_main(void *arg)
{
	char buf[64];
	int cfg;

	(void)arg;
	name_thread("config");
	turn(5);
	cfg = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	pass();

	turn(8);
	read(cfg, buf, sizeof buf);
	close(cfg);
	pass();
	return NULL;
}

static void *logger_main(void *arg)
{
	(void)arg;
	name_thread("logger");
	turn(9);
	log_fd = open("stale-use.log", O_WRONLY | O_CREAT | O_TRUNC |
		      O_CLOEXEC, 0644);
	write(log_fd, "logger: first line\n", 19);
	pass();

	turn(12);
	write(log_fd, "logger: late log line\n", 22);	/* into the db */
	pass();
	return NULL;
}

static void *rotator_main(void *arg)
{
	(void)arg;
	name_thread("rotator");
	turn(10);
	close(log_fd);		/* rotation: logger is not told */
	pass();
	return NULL;
}

static void *db_main(void *arg)
{
	int db;

	(void)arg;
	name_thread("db");
	turn(11);
	db = open("stale-use.db", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0644);
	write(db, "record 1\n", 9);
	pass();

	turn(13);
	close(db);
	pass();
	return NULL;
}

int main(void)
{
	pthread_t t[6];
	void *(*mains[6])(void *) = { receiver_main, sender_main,
				      config_main, logger_main,
				      rotator_main, db_main };

	for (int i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, mains[i], NULL);
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	return 0;
}
