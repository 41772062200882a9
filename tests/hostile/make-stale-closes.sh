#!/bin/sh
# tests/hostile/make-stale-closes.sh N - writes to stdout a strace capture
# (no -y, no timestamps: the shortest lines) where N fd numbers are each
# closed by a thread that no longer owns them: thread 100 opens and
# closes the number, thread 101 opens it anew and 100 closes it again.
# Every number ends up with a stale close (a finding, withdrawn at the
# end as a hand-off) referring to it, so before the bound on such numbers
# (TL_INVOLVED_KEEP) every one was kept: 8 MB of this grew to 520 MB.
#   sh tests/hostile/make-stale-closes.sh 150000 >stale.txt
n=${1:?usage: make-stale-closes.sh N}
awk -v n="$n" 'BEGIN {
	print "100 clone(child_stack=0x7f, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = 101"
	for (i = 0; i < n; i++) {
		fd = 3 + i
		printf "100 dup(0) = %d\n100 close(%d) = 0\n", fd, fd
		printf "101 dup(0) = %d\n100 close(%d) = 0\n", fd, fd
	} }'
