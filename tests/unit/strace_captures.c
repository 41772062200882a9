/* tests/unit/strace_captures.c - every capture in tests/data/strace is
 * read whole with nothing skipped, the flags each one shows are told, and
 * the events the race story rests on carry the right fields; the same
 * capture compressed (gzip, xz, zstd, stdin) gives the same events. */
#include <fcntl.h>
#include <zlib.h>
#include "unit.h"
#include "strace_helpers.h"

static const struct {
	const char *file;
	int64_t tid;        /* -ff file suffix, else -1 */
	long lines, events;
	const char *flags;
} captures[] = {
	{ "race.f-tt-T-yy.txt", -1, 134, 134, "-f -tt -T -yy" },
	{ "race.ff-tt-y.13748", 13748, 72, 72, "-ff -tt -y" },
	{ "race.ff-tt-y.13749", 13749, 8, 8, "-ff -tt -y" },
	{ "race.ff-tt-y.13750", 13750, 24, 24, "-ff -tt -y" },
	{ "race.ff-tt-y.merged.txt", -1, 104, 104, "-f -tt -y" },
	{ "fork.stderr-f-ttt-T-y.txt", -1, 103, 100,
	  "-f (stderr) -ttt -T -y" },
	{ "fork.f-r-T-y.txt", -1, 100, 100, "-f -r -T -y" },
	{ "zoo.f-yy.txt", -1, 95, 95, "-f -yy" },
	{ "race.k-y.txt", -1, 160, 26, "-f -y -k -e trace=" },
	{ "race.n-ns-Xverbose-desc-net.txt", -1, 53, 53,
	  "-f --timestamps=unix,precision:ns -yy -n -X verbose -e trace=" },
	{ "thread-execve.f-Y-y.txt", -1, 82, 82, "-f -y -Y" },
	{ "symptoms.y.txt", -1, 49, 49, "-y" },
	{ "race.f-i.txt", -1, 134, 134, "-f -i" },
	{ "race.f-t-r.txt", -1, 133, 133, "-f -t -r" },
	{ "race.f-ms.txt", -1, 128, 128, "-f --timestamps=precision:ms" },
	{ "race.f-Xraw-yy.txt", -1, 133, 133, "-f -yy -X raw" },
	{ "race.f-tt-seccomp-desc.txt", -1, 41, 41, "-f -tt -e trace=" },
	{ "echo.f-e-write1.txt", -1, 52, 51, "-f -e write=" },
	{ "thread-execve.ff-tt-y.9662", 9662, 73, 73, "-ff -tt -y" },
	{ "thread-execve.ff-tt-y.9663", 9663, 5, 5, "-ff -tt -y" },
	{ "thread-execve.stderr-f-Y-tt.txt", -1, 81, 80,
	  "-f (stderr) -tt -Y" },
	{ "zoo.stderr-f-ttt.txt", -1, 95, 94, "-f (stderr) -ttt" },
	{ "fdsem.f-yy.txt", -1, 76, 76, "-f -yy" },
	{ "fdsem.f-yy-Xraw.txt", -1, 76, 76, "-f -yy -X raw" },
};

static void test_all(void)
{
	char name[200];
	for (size_t i = 0; i < sizeof captures / sizeof captures[0]; i++) {
		struct parsed ps;
		parse_path(&ps, data_file(captures[i].file), captures[i].tid);
		const char *f = captures[i].file;
		snprintf(name, sizeof name, "capture %s: read to the end", f);
		CHECK(name, !ps.open_failed && ps.rc == 0);
		snprintf(name, sizeof name, "capture %s: 0 skipped", f);
		CHECK_INT(name, ps.st.skipped, 0);
		if (ps.st.skipped)
			printf("    first skip: line %ld: %s\n",
			       ps.st.samples[0].line, ps.st.samples[0].reason);
		snprintf(name, sizeof name, "capture %s: lines", f);
		CHECK_INT(name, ps.st.lines, captures[i].lines);
		snprintf(name, sizeof name, "capture %s: events", f);
		CHECK_INT(name, ps.n, captures[i].events);
		CHECK_INT(name, ps.st.events, captures[i].events);
		snprintf(name, sizeof name, "capture %s: flags", f);
		CHECK_STR(name, ps.st.flags, captures[i].flags);
		snprintf(name, sizeof name, "capture %s: format", f);
		CHECK_INT(name, ps.st.format, FMT_STRACE);
		/* every event names its file and a line it came from */
		int bad = 0;
		for (int k = 0; k < ps.n; k++)
			if (ps.ev[k].src.line < 1 || ps.ev[k].src.line >
			    ps.st.lines || !ps.ev[k].call || !ps.ev[k].raw ||
			    strcmp(ps.ev[k].src.file, data_file(f)))
				bad++;
		snprintf(name, sizeof name, "capture %s: sources", f);
		CHECK_INT(name, bad, 0);
		parsed_free(&ps);
	}
}

/* The race: fd 8 names five objects in 1.5 ms (reference section 2). */
static void test_race_story(void)
{
	struct parsed ps;
	parse_path(&ps, data_file("race.f-tt-T-yy.txt"), -1);
	const struct ht_event *e;
	const struct effect *x;

	e = ev_at(&ps, 70, -1);
	x = fx_find(e, EFF_CREATE, 8);
	CHECK("race l70: worker opens /dev/null as 8", e && e->tid == 13743 &&
	      x && !strcmp(OBJ(x), "/dev/null<char 1:3>") &&
	      !(x->flags & EF_CLOEXEC));
	e = ev_at(&ps, 72, -1);
	CHECK("race l72: plain double close fails EBADF", e &&
	      e->errc == ERRC_BADF && fx_find(e, EFF_CLOSE, 8) &&
	      !fx_find(e, EFF_CLOSE, 8)->object);
	e = ev_at(&ps, 78, PH_EXIT);
	CHECK("race l78-80: main's openat reuses 8", e && e->tid == 13741 &&
	      e->end_line == 80 && fx_find(e, EFF_CREATE, 8) &&
	      !strcmp(OBJ(fx_find(e, EFF_CREATE, 8)), "/etc/hostname"));
	e = ev_at(&ps, 84, -1);
	CHECK("race l84: stale sendto", e && e->tid == 13743 && e->failed &&
	      e->err == 88 && e->errc == ERRC_NOTSOCK &&
	      !strcmp(e->errname, "ENOTSOCK"));
	x = fx_find(e, EFF_USE, 8);
	CHECK("race l84: use of 8 that only works on a socket, naming the "
	      "new object", x && (x->flags & EF_SOCKET_ONLY) &&
	      (x->flags & EF_BLOCKING) && !strcmp(OBJ(x), "/etc/hostname"));
	CHECK_STR("race l84: time text", e ? e->time_text : NULL,
		  "20:35:24.254628");
	e = ev_at(&ps, 105, -1);
	CHECK("race l105: the double close that succeeds", e &&
	      e->tid == 13743 && e->has_ret && e->ret == 0 && !e->failed &&
	      fx_find(e, EFF_CLOSE, 8) &&
	      !strcmp(OBJ(fx_find(e, EFF_CLOSE, 8)), "/etc/hostname"));
	e = ev_at(&ps, 109, PH_ENTRY);
	CHECK("race l109: main's read entry, 8 undecorated", e &&
	      fx_find(e, EFF_USE, 8) && !fx_find(e, EFF_USE, 8)->object);
	e = ev_at(&ps, 109, PH_EXIT);
	CHECK("race l109-111: read fails EBADF", e && e->end_line == 111 &&
	      e->errc == ERRC_BADF && e->ret == -1 &&
	      (fx_find(e, EFF_USE, 8)->flags & EF_AT_ENTRY));
	e = ev_at(&ps, 46, -1);
	CHECK("race l46: clone3 makes thread 13742 sharing the table", e &&
	      fx_find(e, EFF_SPAWN, 13742) && fx_find(e, EFF_SPAWN, 13742)
	      ->flags == (EF_SHARE_FILES | EF_THREAD) &&
	      fx_find(e, EFF_SPAWN, 13742)->h2 == -1);
	e = ev_at(&ps, 133, -1);
	CHECK("race l133: exit_group", e && fx_find(e, EFF_EXIT_GROUP, -1) &&
	      !e->has_ret);
	e = ev_at(&ps, 134, -1);
	CHECK("race l134: exited with 0", e && e->type == EV_TASK_EXIT &&
	      e->ret == 0);
	CHECK("race: timestamps range", ps.st.ts_first == ps.ev[0].ts &&
	      ps.st.ts_last == ev_at(&ps, 134, -1)->ts);
	parsed_free(&ps);
}

/* zoo: one of almost every fd-creating call (reference section 3.2) */
static void test_zoo(void)
{
	static const struct {
		long line;
		int op;
		int64_t h, h2;
		unsigned flags;
		const char *obj;
	} want[] = {
		{ 30, EFF_CREATE, 3, -1, EF_CLOEXEC, "/etc/hostname" },
		{ 31, EFF_CREATE, 4, -1, 0, "/home/u/w/zoo.tmp" },
		{ 32, EFF_CREATE, 5, -1, 0, "UNIX-STREAM:[20531]" },
		{ 33, EFF_CREATE, 6, -1, 0, "UDPv6:[20532]" },
		{ 34, EFF_CREATE, 7, -1, 0, "NETLINK:[20533]" },
		{ 35, EFF_CREATE, 9, -1, 0, "UNIX-STREAM:[20535->20534]" },
		{ 36, EFF_CREATE, 11, -1, 0, "pipe:[20536]" },
		{ 36, EFF_CREATE, 12, -1, 0, "pipe:[20536]" },
		{ 37, EFF_DUP, 3, 13, 0, "/etc/hostname" },
		{ 38, EFF_DUP, 4, 13, 0, "/home/u/w/zoo.tmp" },
		{ 39, EFF_DUP, 5, 100, EF_CLOEXEC, "UNIX-STREAM:[20531]" },
		{ 40, EFF_DUP, 3, 50, EF_CLOEXEC, "/etc/hostname" },
		{ 41, EFF_CREATE, 14, -1, EF_CLOEXEC, "anon_inode:[eventpoll]" },
		{ 42, EFF_USE, 11, -1, 0, "pipe:[20536]" },
		{ 43, EFF_CREATE, 15, -1, 0, "anon_inode:[eventfd]" },
		{ 44, EFF_CREATE, 16, -1, EF_CLOEXEC, "anon_inode:[timerfd]" },
		{ 45, EFF_CREATE, 17, -1, EF_CLOEXEC, "anon_inode:[signalfd]" },
		{ 46, EFF_CREATE, 18, -1, EF_CLOEXEC, "anon_inode:inotify" },
		{ 47, EFF_CREATE, 19, -1, EF_CLOEXEC, "/memfd:zoo-memfd" },
		{ 49, EFF_CREATE, 20, -1, EF_CLOEXEC, "pid:13797" },
		{ 50, EFF_CREATE, 21, -1, EF_CLOEXEC,
		  "anon_inode:[userfaultfd]" },
		{ 51, EFF_USE, 19, -1, 0, "/memfd:zoo-memfd" },
		{ 52, EFF_CREATE, 22, -1, 0, "/memfd:zoo-memfd" },
		{ 53, EFF_SPAWN, 13798, 13798, 0, NULL },
		{ 57, EFF_EXEC, -1, -1, 0, "true" },
		{ 90, EFF_CLOEXEC_RANGE, 60, 4294967295LL, 0, NULL },
		{ 91, EFF_CLOSE_RANGE, 3, 4294967295LL, 0, NULL },
		{ 92, EFF_CLOSE, 3, -1, 0, NULL },
	};
	struct parsed ps;
	parse_path(&ps, data_file("zoo.f-yy.txt"), -1);
	char name[160];
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct ht_event *e = ev_at(&ps, want[i].line, -1);
		const struct effect *x = fx_find(e, want[i].op, want[i].h);
		snprintf(name, sizeof name, "zoo l%ld: effect %d on %lld",
			 want[i].line, want[i].op, (long long)want[i].h);
		CHECK(name, x != NULL);
		if (!x)
			continue;
		snprintf(name, sizeof name, "zoo l%ld: h2", want[i].line);
		CHECK_INT(name, x->h2, want[i].h2);
		snprintf(name, sizeof name, "zoo l%ld: flags", want[i].line);
		CHECK_INT(name, x->flags & (EF_CLOEXEC | EF_SHARE_FILES |
					    EF_THREAD), want[i].flags);
		snprintf(name, sizeof name, "zoo l%ld: object", want[i].line);
		CHECK_STR(name, OBJ(x), want[i].obj ? want[i].obj : "(none)");
	}
	/* dup2 onto an open 13: the new object, one DUP, source used */
	const struct ht_event *e = ev_at(&ps, 38, -1);
	CHECK("zoo l38: dup2 = use of 4 + dup", e && e->nfx == 2 &&
	      e->fx[0].op == EFF_USE && e->fx[0].h == 4);
	parsed_free(&ps);
}

/* fdsem: F_SETFD, probes, FIOCLEX, dup2(fd,fd), two-fd calls, poll,
 * signalfd on an existing fd, *at dirfd, CLONE_FILES, unshare */
static void test_fdsem(void)
{
	struct parsed ps;
	parse_path(&ps, data_file("fdsem.f-yy.txt"), -1);
	const struct ht_event *e;
	e = ev_at(&ps, 31, -1);
	CHECK("fdsem l31: F_SETFD FD_CLOEXEC", fx_find(e, EFF_SET_CLOEXEC, 3)
	      && (fx_find(e, EFF_SET_CLOEXEC, 3)->flags & EF_CLOEXEC));
	e = ev_at(&ps, 32, -1);
	CHECK("fdsem l32: F_GETFD probe", fx_find(e, EFF_USE, 3) &&
	      (fx_find(e, EFF_USE, 3)->flags & EF_PROBE) && e->ret == 1);
	e = ev_at(&ps, 33, -1);
	CHECK("fdsem l33: probe of a closed fd fails EBADF", e->errc ==
	      ERRC_BADF && (fx_find(e, EFF_USE, 42)->flags & EF_PROBE));
	e = ev_at(&ps, 34, -1);
	CHECK("fdsem l34: FIONCLEX clears", fx_find(e, EFF_SET_CLOEXEC, 3) &&
	      !(fx_find(e, EFF_SET_CLOEXEC, 3)->flags & EF_CLOEXEC));
	e = ev_at(&ps, 35, -1);
	CHECK("fdsem l35: FIOCLEX sets", fx_find(e, EFF_SET_CLOEXEC, 3) &&
	      (fx_find(e, EFF_SET_CLOEXEC, 3)->flags & EF_CLOEXEC));
	e = ev_at(&ps, 36, -1);
	CHECK("fdsem l36: dup2(3, 3)", fx_find(e, EFF_DUP, 3) &&
	      fx_find(e, EFF_DUP, 3)->h2 == 3);
	e = ev_at(&ps, 40, -1);
	CHECK("fdsem l40: splice uses 4 and 7", fx_find(e, EFF_USE, 4) &&
	      fx_find(e, EFF_USE, 7) && e->nfx == 2);
	e = ev_at(&ps, 41, -1);
	CHECK("fdsem l41: tee uses 6 and 5", fx_find(e, EFF_USE, 6) &&
	      fx_find(e, EFF_USE, 5));
	e = ev_at(&ps, 43, -1);
	CHECK("fdsem l43: sendfile uses 8 and 3", fx_find(e, EFF_USE, 8) &&
	      fx_find(e, EFF_USE, 3));
	e = ev_at(&ps, 44, -1);
	CHECK("fdsem l44: copy_file_range uses 3 and 8",
	      fx_find(e, EFF_USE, 3) && fx_find(e, EFF_USE, 8));
	e = ev_at(&ps, 45, -1);
	CHECK("fdsem l45: mmap of a file uses it", e->nfx == 1 &&
	      fx_find(e, EFF_USE, 3));
	CHECK_INT("fdsem l46: munmap nothing", ev_at(&ps, 46, -1)->nfx, 0);
	e = ev_at(&ps, 47, -1);
	CHECK("fdsem l47: poll uses 4, not -1", e->nfx == 1 &&
	      fx_find(e, EFF_USE, 4));
	e = ev_at(&ps, 49, -1);
	CHECK("fdsem l49: epoll_ctl uses 9 and 4", e->nfx == 2 &&
	      fx_find(e, EFF_USE, 9) && fx_find(e, EFF_USE, 4));
	e = ev_at(&ps, 50, -1);
	CHECK("fdsem l50: signalfd(-1) creates", fx_find(e, EFF_CREATE, 11));
	e = ev_at(&ps, 51, -1);
	CHECK("fdsem l51: signalfd(11) only uses", e->nfx == 1 &&
	      fx_find(e, EFF_USE, 11));
	e = ev_at(&ps, 53, -1);
	CHECK("fdsem l53: openat(12, ...) uses the dirfd", fx_find(e,
	      EFF_USE, 12) && fx_find(e, EFF_CREATE, 13));
	e = ev_at(&ps, 52, -1);
	CHECK("fdsem l52: openat(AT_FDCWD) uses nothing", e->nfx == 1);
	e = ev_at(&ps, 58, -1);
	CHECK("fdsem l58: SCM_RIGHTS with MSG_CMSG_CLOEXEC",
	      fx_find(e, EFF_CREATE, 15) && (fx_find(e, EFF_CREATE, 15)->flags
	      & EF_CLOEXEC) && !strcmp(OBJ(fx_find(e, EFF_CREATE, 15)),
				       "/etc/hostname"));
	e = ev_at(&ps, 59, -1);
	CHECK("fdsem l59: clone(CLONE_FILES) shares, is not a thread",
	      fx_find(e, EFF_SPAWN, 7071) && fx_find(e, EFF_SPAWN, 7071)->flags
	      == EF_SHARE_FILES && fx_find(e, EFF_SPAWN, 7071)->h2 == 7071);
	e = ev_at(&ps, 66, PH_EXIT);
	CHECK("fdsem l66: vfork copies", e && fx_find(e, EFF_SPAWN, 7072) &&
	      fx_find(e, EFF_SPAWN, 7072)->flags == 0);
	e = ev_at(&ps, 72, -1);
	CHECK("fdsem l72: unshare(CLONE_FILES)", fx_find(e,
	      EFF_UNSHARE_FILES, -1));
	e = ev_at(&ps, 73, -1);
	CHECK("fdsem l73: CLOSE_RANGE_UNSHARE: unshare then close",
	      e->nfx == 2 && e->fx[0].op == EFF_UNSHARE_FILES &&
	      e->fx[1].op == EFF_CLOSE_RANGE && e->fx[1].h == 60);
	parsed_free(&ps);
}

/* the same capture through gzip, and through stdin */
static void test_compressed(void)
{
	struct parsed plain, gz;
	const char *path = data_file("race.f-tt-T-yy.txt");
	parse_path(&plain, path, -1);
	FILE *f = fopen(path, "rb");
	static char text[1 << 16], out[1 << 16];
	size_t n = fread(text, 1, sizeof text, f);
	fclose(f);
	z_stream z;
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = sizeof out;
	deflate(&z, Z_FINISH);
	size_t zn = sizeof out - z.avail_out;
	deflateEnd(&z);
	const char *zp = write_tmp(out, zn, ".gz");
	parse_path(&gz, zp, -1);
	CHECK_STR("gzip capture: compression", gz.st.compression, "gzip");
	CHECK_INT("gzip capture: same events", gz.n, plain.n);
	int same = gz.n == plain.n;
	for (int i = 0; same && i < gz.n; i++)
		same = gz.ev[i].src.line == plain.ev[i].src.line &&
		       gz.ev[i].nfx == plain.ev[i].nfx &&
		       !strcmp(gz.ev[i].raw, plain.ev[i].raw);
	CHECK("gzip capture: identical events", same);
	parsed_free(&gz);

	int saved = dup(0);
	int fd = open(zp, O_RDONLY);
	dup2(fd, 0);
	close(fd);
	parse_path(&gz, "-", -1);
	dup2(saved, 0);
	close(saved);
	CHECK_INT("stdin capture: same events", gz.n, plain.n);
	CHECK_STR("stdin capture: path", gz.st.path, "<stdin>");
	CHECK_STR("stdin capture: src.file", gz.n ? gz.ev[0].src.file : "",
		  "<stdin>");
	parsed_free(&gz);
	parsed_free(&plain);
	unlink(zp);
}

static void test_sniff(void)
{
	struct parsed ps;
	parse_text(&ps, "<?xml version=\"1.0\"?>\n<Events>\n</Events>\n", -1);
	CHECK("sniff: XML is not strace", ps.n == 0 && (ps.open_failed ||
	      ps.st.format != FMT_STRACE));
	parsed_free(&ps);
	parse_text(&ps, "Lorem ipsum dolor sit amet\nconsectetur (adipiscing)"
		   "\n", -1);
	CHECK("sniff: prose is not strace", ps.open_failed);
	CHECK("sniff: says which formats", strstr(ps.err.msg,
		"cannot tell the format") != NULL);
	parsed_free(&ps);
}

int main(void)
{
	test_all();
	test_race_story();
	test_zoo();
	test_fdsem();
	test_compressed();
	test_sniff();
	return unit_failed;
}
