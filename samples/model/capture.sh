#!/bin/sh
# samples/model/capture.sh - builds the programs of samples/model/ and
# captures them the way the committed files were made.  Each capture was
# kept when the build before the model fixes (issue 11) got it wrong, which
# the race makes happen on most runs, not all.
# Usage: sh samples/model/capture.sh OUTDIR    (needs strace, gcc, ptrace)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: capture.sh OUTDIR}  # e.g. /tmp/ht-model/out, then copy here
mkdir -p "$out"
work=/tmp/ht-model
mkdir -p "$work"
for p in forkexec-threads spawn-threads untraced; do
	cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -pthread -O0 \
		-o "$work/$p" "$here/$p.c"
done
cd "$work"
run() { env -i PATH=/usr/bin:/bin HOME=/tmp LC_ALL=C TZ=UTC "$@" </dev/null >/dev/null; }
run strace -f -tt -T -yy -o "$out/forkexec-threads.f-tt-T-yy.txt" ./forkexec-threads 10
run strace -f -tt -T -yy -o "$out/spawn-threads.f-tt-T-yy.txt" ./spawn-threads 6
# stderr captures without +++ lines (-qq): a shell running children one
# after another, strace's own output on stderr together with the shell's
run strace -f -qq -tt -T -yy bash -c 'for i in 1 2 3; do /bin/true; cat /etc/hostname | wc -l; done' 2>"$out/bash-loop.stderr-f-qq-tt-T-yy.txt"
run strace -f -q -tt -T -yy bash -c 'for i in 1 2 3; do /bin/true; cat /etc/hostname | wc -l; done' 2>"$out/bash-loop.stderr-f-q-tt-T-yy.txt"
# without -f: the threads and children of forkexec-threads are not traced
run strace -tt -T -y -o "$out/forkexec-threads.no-f-tt-T-y.txt" ./forkexec-threads 2
# the same program without -f, with -f and with -ff: only the capture
# without -f misses its threads and child (issue 11 point 8)
run strace -tt -T -y -o "$out/untraced.no-f-tt-T-y.txt" ./untraced
run strace -f -tt -T -y -o "$out/untraced.f-tt-T-y.txt" ./untraced
mkdir -p "$out/ff"
run strace -ff -tt -T -y -o "$out/ff/untraced.ff-tt-T-y" ./untraced
# the program's own output inside strace's call lines (both on stderr)
run strace -tt -T -y sh -c 'printf "line one\nline two\n" >&2; echo "x(y" >&2; echo done >&2' 2>"$out/program-output.stderr-tt-T-y.txt"
# -c: only the summary table; -C: the trace, then the table
run strace -c -o "$out/true.c.txt" /bin/true
run strace -C -o "$out/cat.C.txt" cat /etc/hostname
# -p, then strace stopped with SIGINT while cat waits in read(): "<detached ...>"
( (echo one; sleep 1; echo two; sleep 3) | cat >/dev/null ) &
sleep 0.5
pid=$(pgrep -n -x cat)
strace -tt -T -y -p "$pid" -o "$out/detached.p-tt-T-y.txt" 2>/dev/null &
sp=$!
sleep 2
kill -INT "$sp"
wait "$sp" || true
wait
# -ff with a -e trace= set without close: judged as one capture
mkdir -p "$out/ff"
run strace -ff -ttt -y -e trace=openat,read,execve,clone,clone3 -o "$out/ff/spawn-threads.ff-ttt-y-openat-read" ./spawn-threads 2
