/* tests/unit/perf_exec.c - sched_process_exec in the perf readers: the
 * program an exec runs is named by it, and where no execve is in flight
 * (not recorded, or begun before the capture) the tracepoint is the exec
 * itself, told once.  Lines are real output (perf 6.1, Linux 6.18) of a
 * program whose second thread runs execl("/bin/true"): perf trace's
 * column padding squeezed, perf script's lines a few of the capture. */
#include "unit.h"
#include "strace_helpers.h"

static const char te_trace[] =
"1542911.044 ( ): te/20713 sched:sched_process_exec(filename: \"./te\", pid: 20713 (te), old_pid: 20713 (te))\n"
" ? ( ): te/20713 ... [continued]: execve()) = 0\n"
"1542912.165 ( 0.017 ms): te/20713 openat(dfd: CWD, filename: 0x3865b0b1, flags: RDONLY|CLOEXEC) = 4\n"
"1542912.198 ( 0.007 ms): te/20713 close(fd: 4</etc/hostname>) = 0\n"
"1542912.224 ( 0.013 ms): te/20713 openat(dfd: CWD, filename: 0x38628140, flags: RDONLY|CLOEXEC) = 4\n"
"1542912.315 ( 0.008 ms): te/20713 close(fd: 4</etc/hostname>) = 0\n"
"1542912.536 ( 0.016 ms): te/20713 openat(dfd: CWD, filename: 0xc72d013, flags: RDONLY|CLOEXEC) = 4\n"
"1542912.596 ( ): te/20713 clone3(uargs: 0x7fff98964520, size: 88) ...\n"
"1542912.894 ( ): te/20713 task:task_newtask(pid: 20714 (te), comm: \"te\", clone_flags: 4001536)\n"
"1542912.903 ( ): te/20713 sched:sched_process_fork(parent_comm: \"te\", parent_pid: 20713 (te), child_comm: \"te\", child_pid: 20714 (te))\n"
"1542912.596 ( 0.319 ms): te/20713 ... [continued]: clone3()) = 20714\n"
" ? ( ): te/20714 ... [continued]: clone3()) = 0\n"
"1542913.301 ( ): te/20714 execve(filename: 0xc72d009, argv: 0x7ff838435e50, envp: 0x7fff98964838) ...\n"
"1542913.383 ( ): te/20713 sched:sched_process_exit(comm: \"te\", pid: 20713 (te), prio: 120)\n"
"1542913.612 ( ): true/20713 sched:sched_process_exec(filename: \"/bin/true\", pid: 20713 (true), old_pid: 20714 (te))\n"
"1542912.596 ( 1.028 ms): true/20713 ... [continued]: execve()) = 0\n"
"1542913.748 ( 0.012 ms): true/20713 openat(dfd: CWD, filename: 0x3596d0b1, flags: RDONLY|CLOEXEC) = 4\n"
"1542913.773 ( 0.007 ms): true/20713 close(fd: 4) = 0\n"
"1542914.100 ( ): true/20713 sched:sched_process_exit(comm: \"true\", pid: 20713 (true), prio: 120, group_dead: 1)\n";

static const char te_script[] =
"              te 27697 [001]  1606.718088: sched:sched_process_exec: filename=./te pid=27697 old_pid=27697\n"
"              te 27697 [001]  1606.718093:    raw_syscalls:sys_exit: NR 59 = 0\n"
"              te 27697 [001]  1606.718784:   raw_syscalls:sys_enter: NR 435 (7fff7db40730, 58, 7fd4372fbef0, 8, 7fd43726f6c0, 7fff7db40827)\n"
"              te 27697 [001]  1606.719076:        task:task_newtask: pid=27699 comm=te clone_flags=3d0f00 oom_score_adj=0\n"
"              te 27697 [001]  1606.719079: sched:sched_process_fork: comm=te pid=27697 child_comm=te child_pid=27699\n"
"              te 27697 [001]  1606.719092:    raw_syscalls:sys_exit: NR 435 = 27699\n"
"              te 27699 [001]  1606.719281:    raw_syscalls:sys_exit: NR 435 = 0\n"
"              te 27699 [001]  1606.719312:   raw_syscalls:sys_enter: NR 59 (55f0d3e60009, 7fd43726ee50, 7fff7db40a48, 55f0d3e60004, 7fd43726ee60, 7fd43726ee50)\n"
"              te 27697 [001]  1606.719391: sched:sched_process_exit: comm=te pid=27697 prio=120 group_dead=false\n"
"            true 27697 [001]  1606.719751: sched:sched_process_exec: filename=/bin/true pid=27697 old_pid=27699\n"
"            true 27697 [001]  1606.719754:    raw_syscalls:sys_exit: NR 59 = 0\n";

/* the program ev's exec names, "" when unnamed, NULL when none */
static const char *exec_of(const struct ht_event *ev)
{
	const struct effect *e = fx_find(ev, EFF_EXEC, -1);
	return !e ? NULL : e->object ? e->object : "";
}

static int execs(const struct parsed *ps)
{
	int n = 0;
	for (int i = 0; i < ps->n; i++)
		n += exec_of(&ps->ev[i]) != NULL;
	return n;
}

/* what every reader must give for the capture: each exec once, named */
static void check_execs(const char *what, const struct parsed *ps,
			long first, long thread_exec, long entry,
			int64_t leader, int64_t thread)
{
	char name[160];
	const struct ht_event *e = ev_at(ps, first, -1);
	snprintf(name, sizeof name, "%s: no execve in flight: the "
		 "tracepoint is the exec", what);
	CHECK(name, e && e->type == EV_TASK_INFO);
	snprintf(name, sizeof name, "%s: ... named by its file", what);
	CHECK_STR(name, e ? exec_of(e) : NULL, "te");
	snprintf(name, sizeof name, "%s: each exec told once", what);
	CHECK_INT(name, execs(ps), 2);
	e = ev_at(ps, thread_exec, -1);
	snprintf(name, sizeof name, "%s: a thread's exec: the leader takes "
		 "its execve over", what);
	CHECK(name, e && e->type == EV_TASK_GONE && e->tid == leader &&
	      fx_find(e, EFF_SPAWN, thread) && !exec_of(e));
	e = ev_at(ps, entry, PH_EXIT);
	snprintf(name, sizeof name, "%s: ... and its exit is the exec, "
		 "under the leader", what);
	CHECK(name, e && e->tid == leader);
	snprintf(name, sizeof name, "%s: ... named by the tracepoint", what);
	CHECK_STR(name, e ? exec_of(e) : NULL, "true");
}

static void test_perf_trace(void)
{
	struct parsed ps;
	parse_text(&ps, te_trace, -1);
	CHECK_INT("perf trace: format", ps.st.format, FMT_PERF_TRACE);
	CHECK_INT("perf trace: nothing skipped", ps.st.skipped, 0);
	CHECK("perf trace: the exec tracepoint among the flags",
	      strstr(ps.st.flags, "-e sched:sched_process_exec") != NULL);
	check_execs("perf trace", &ps, 1, 15, 13, 20713, 20714);
	parsed_free(&ps);

	/* the exec of a program without execve in the -e list, and a
	 * header with its command */
	parse_text(&ps,
		"# perf trace -T -e close,openat -e sched:sched_process_exec\n"
		"1446834.062 ( 0.019 ms): sh/14467 close() = 0\n"
		"1446835.933 ( ): cat/14467 sched:sched_process_exec(filename: \"/usr/bin/cat\", pid: 14467 (cat), old_pid: 14467 (cat))\n"
		"1446836.220 ( 0.023 ms): cat/14467 openat(dfd: CWD, filename: 0x7a4fb0b1, flags: RDONLY|CLOEXEC) = 4\n",
		-1);
	CHECK_INT("perf trace: a '#' header is not a skip", ps.st.skipped, 0);
	const struct ht_event *e = ev_at(&ps, 3, -1);
	CHECK_STR("perf trace: execve not recorded: the tracepoint execs",
		  e ? exec_of(e) : NULL, "cat");
	CHECK_INT("perf trace: ... once", execs(&ps), 1);
	parsed_free(&ps);
}

static void test_perf_script(void)
{
	struct parsed ps;
	parse_text(&ps, te_script, -1);
	CHECK_INT("perf script: format", ps.st.format, FMT_PERF_SCRIPT);
	CHECK_INT("perf script: nothing skipped", ps.st.skipped, 0);
	check_execs("perf script", &ps, 1, 10, 8, 27697, 27699);
	parsed_free(&ps);
}

int main(void)
{
	test_perf_trace();
	test_perf_script();
	return unit_failed;
}
