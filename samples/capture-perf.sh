#!/bin/bash
# samples/capture-perf.sh - captures the sample programs (samples/src/)
# with the kernel's tracepoints instead of strace: `perf record` + `perf
# script` (of raw_syscalls, NAME.perf-script.txt, and of the
# syscalls:sys_enter_NAME tracepoints of the handle-relevant calls,
# NAME.perf-syscalls.txt), `perf trace`, and ftrace read back by
# `trace-cmd report`.
# Writes samples/perf/NAME.TOOL.txt and re-runs a capture (up to 5 times)
# until handletrail finds in it the same kinds of finding as in the strace
# capture samples/strace/NAME.f-tt-T-yy.txt (the programs order their
# steps with turns.h, so that is normally the first run).
#
# Usage: bash samples/capture-perf.sh [NAME...]     (default: all)
#        TOOLS="perf-script trace-cmd" bash samples/capture-perf.sh  (some tools)
# Needs: root, perf (Debian linux-perf), trace-cmd, tracefs mounted at
# /sys/kernel/tracing, a built ./handletrail at the top of the tree.
#
# trace-cmd: `trace-cmd record` cannot run on the machine these were made
# on (it writes /proc/sys/kernel/ftrace_enabled, which is read-only there:
# "Can't enable ftrace"; so do -p nop, -d and -D, and with a file
# bind-mounted over ftrace_enabled in `unshare -m` it fails on opening
# set_ftrace_filter, EPERM there), so the same events are switched on in tracefs
# by hand, the program runs with set_event_pid + options/event-fork, and
# `trace-cmd extract` saves the buffers to a trace.dat that `trace-cmd
# report` prints.  Where `trace-cmd record` works, the README's recipe
# gives the same text.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=$here/perf
work=/tmp/ht-samples
T=/sys/kernel/tracing
tries=5
tools=${TOOLS:-perf-script perf-syscalls perf-trace trace-cmd}
HT=$top/handletrail

die() { echo "capture-perf: $*" >&2; exit 1; }

for fd in $(ls /proc/$$/fd); do
	case $fd in 0|1|2) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
done
for tool in perf gcc make; do
	command -v "$tool" >/dev/null || die "$tool is missing"
done
case " $tools " in *" trace-cmd "*)
	command -v trace-cmd >/dev/null || die "trace-cmd is missing" ;;
esac
[ -x "$HT" ] || die "build handletrail first (make)"
[ -w "$T/trace" ] || die "tracefs is not mounted at $T (mount -t tracefs nodev $T)"

# the events every recipe records
EVENTS="raw_syscalls:sys_enter raw_syscalls:sys_exit sched:sched_process_exec
sched:sched_process_exit task:task_newtask"

# perf-syscalls: the handle-relevant syscalls by their own tracepoints
# (syscalls:sys_enter_NAME / sys_exit_NAME; fstat's is newfstat), the
# README's list, and the sched process events
SYSCALLS="open openat socket socketpair pipe pipe2 accept accept4 dup dup2
dup3 fcntl epoll_create1 eventfd2 timerfd_create signalfd4 memfd_create
pidfd_open close close_range read write readv writev pread64 pwrite64
sendto recvfrom sendmsg recvmsg connect shutdown ioctl newfstat epoll_ctl
epoll_wait poll clone clone3 fork vfork execve exit exit_group unshare"
SCHED="sched:sched_process_fork,sched:sched_process_exec,sched:sched_process_exit,task:task_newtask"

run() {
	env -i PATH=/usr/bin:/bin HOME=/tmp LC_ALL=C TZ=UTC "$@" \
		</dev/null >/dev/null
}

# kinds FILE: the sorted kinds of finding handletrail reports for FILE
kinds() {
	"$HT" --color never "$1" 2>/dev/null |
		sed -n 's/^==== F[0-9]* \([a-z]*\): \([a-z-]*\) .*/\1 \2/p' |
		sort | tr '\n' ';'
}

rec_perf_script() {	# FILE PROGRAM ARGS...
	local f=$1
	shift
	local ev=""
	for e in $EVENTS; do ev="$ev -e $e"; done
	run perf record -q $ev -o "$work/perf.data" -- "$@" 2>/dev/null
	perf script --show-lost-events -i "$work/perf.data" >"$f" 2>/dev/null
}

rec_perf_syscalls() {	# FILE PROGRAM ARGS...
	local f=$1 ev="" s
	shift
	for s in $SYSCALLS; do
		ev="$ev,syscalls:sys_enter_$s,syscalls:sys_exit_$s"
	done
	run perf record -q -e "${ev#,}" -e "$SCHED" -o "$work/perf.data" \
		-- "$@" 2>/dev/null
	{
		echo "# perf record -e syscalls:sys_enter_NAME,syscalls:sys_exit_NAME" \
			"for NAME in:"
		echo "$SYSCALLS" | sed 's/^/#   /'
		echo "# -e $SCHED -- $*"
		echo "# perf script --show-lost-events"
		perf script --show-lost-events -i "$work/perf.data" 2>/dev/null
	} >"$f"
}

rec_perf_trace() {	# FILE PROGRAM ARGS...
	local f=$1
	shift
	rm -f "$f"	# perf trace would keep it as FILE.old
	run perf trace -T -o "$f" -e task:task_newtask --syscalls -- "$@"
}

rec_trace_cmd() {	# FILE PROGRAM ARGS...
	local f=$1 e
	shift
	echo 0 >"$T/tracing_on"
	echo 0 >"$T/events/enable"
	echo >"$T/trace"
	echo 4096 >"$T/buffer_size_kb"
	echo 1 >"$T/options/event-fork"
	for e in $EVENTS; do echo 1 >"$T/events/${e/://}/enable"; done
	# the shell that becomes the program: only it and its children
	run sh -c "echo \$\$ >$T/set_event_pid; echo 1 >$T/tracing_on; exec \"\$@\"" sh "$@"
	echo 0 >"$T/tracing_on"
	echo 0 >"$T/events/enable"
	echo >"$T/set_event_pid"
	(cd "$work" && trace-cmd extract -o "$work/trace.dat" >/dev/null 2>&1)
	trace-cmd report -i "$work/trace.dat" >"$f" 2>/dev/null
	echo >"$T/trace"
}

# exec-cloexec: not a samples/src program (no strace story) but a perl
# one-liner that hands a file to the program it execs by the fd's number;
# perl opens its fds close-on-exec (those above $^F), so the exec closes
# them and the shell's redirection fails (dup2(5, 1) = -1 EBADF).  perf
# trace with sched_process_exec, which names each program and, where
# execve is not recorded, is the exec itself: made with and without
# execve in the -e list.  The header gives the command; fd 3 in the
# program is perf's -o FILE, which it inherits.
EXEC_PROG='open(my $in, "<", "/etc/hostname") or die; open(my $out, ">", "/dev/null") or die; exec "/bin/sh", "-c", "exec cat >&" . fileno($out) . " <&" . fileno($in)'
EXEC_SCHED=sched:sched_process_exec,sched:sched_process_fork,sched:sched_process_exit

rec_exec_cloexec() {	# FILE SYSCALLS
	local f=$1
	rm -f "$work/exec.txt"
	run perf trace -T -e "$2" -e "$EXEC_SCHED" -o "$work/exec.txt" \
		-- perl -e "$EXEC_PROG" 2>/dev/null
	{
		echo "# perf trace -T -e $2 -e $EXEC_SCHED -o FILE -- perl -e '$EXEC_PROG'"
		cat "$work/exec.txt"
	} >"$f"
	echo "capture-perf: $(basename "$f"): $("$HT" --color never "$f" |
		grep -c 'closed by close-on-exec') failure(s) closed by exec"
}

# capture NAME STRACE-CAPTURE PROGRAM ARGS...
capture() {
	local name=$1 ref=$here/strace/$2 tool try f want got
	shift 2
	want=$(kinds "$ref")
	for tool in $tools; do
		f=$out/$name.$tool.txt
		for try in $(seq 1 $tries); do
			"rec_${tool//-/_}" "$f" "$@"
			got=$(kinds "$f")
			if [ "$got" = "$want" ]; then
				echo "capture-perf: $name.$tool ok (try $try): ${got:-no findings}"
				break
			fi
			echo "capture-perf: $name.$tool: got '$got', strace '$want'" >&2
			[ "$try" -lt "$tries" ] ||
				echo "capture-perf: $name.$tool: kept as is" >&2
		done
	done
}

want() {
	[ ${#names[@]} -eq 0 ] && return 0
	local w
	for w in "${names[@]}"; do [ "$w" = "$1" ] && return 0; done
	return 1
}

names=("$@")
mkdir -p "$out"
rm -rf "$work"
mkdir -p "$work"
cp "$here"/src/*.c "$here"/src/*.h "$here"/src/Makefile "$work"/
make -s -C "$work" >/dev/null
cd "$work"

want kb-socket && capture kb-socket kb-socket.f-tt-T-yy.txt ./kb-socket
want kb-socket-ebadf &&
	capture kb-socket-ebadf kb-socket-ebadf.f-tt-T-yy.txt ./kb-socket ebadf
for p in double-close stale-close stale-use use-after-close \
	 close-while-in-use leak benign; do
	want $p && capture $p $p.f-tt-T-yy.txt ./$p
done
want clean-threadpool &&
	capture clean-threadpool clean-threadpool.f-tt-T-yy.txt ./threadpool
case " $tools " in *" perf-trace "*)
	want exec-cloexec && {
		rec_exec_cloexec "$out/exec-cloexec.perf-trace.txt" \
			close,openat,dup2,execve
		rec_exec_cloexec "$out/exec-cloexec-noexecve.perf-trace.txt" \
			close,openat,dup2
	} ;;
esac

{
	echo "perf:      $(perf --version)"
	echo "trace-cmd: $(trace-cmd --version 2>&1 | grep -m1 version)"
	echo "kernel:    $(uname -sr) $(uname -m)"
	echo "libc:      $(ldd --version | head -1)"
	echo "gcc:       $(gcc --version | head -1)"
} >"$out/versions.txt"
