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
for p in forkexec-threads spawn-threads; do
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
