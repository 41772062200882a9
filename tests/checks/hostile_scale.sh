#!/bin/sh
# tests/checks/hostile_scale.sh - inputs shaped to blow up memory rather
# than to break the parser (issue 5: memory proportional to open handles
# and findings, never to trace length): a million distinct fd numbers
# each opened and closed once (one open at a time: closed numbers past
# TL_NUMS_KEEP are forgotten, and the report says so), a million
# short-lived threads, and 5000 forks of a process holding 200 fds.
# Each must finish
# within the usual bounds: ulimit -v 1024 MB, 60 s of CPU.
. "$top/tests/hostile/lib.sh"
need_python

awk 'BEGIN { for (i = 0; i < 1000000; i++) { fd = 3 + i * 7919 % 2000000000
	printf "100   10:00:01.%06d openat(AT_FDCWD, \"/x\", O_RDONLY) = %d</x> <0.000001>\n", i, fd
	printf "100   10:00:01.%06d close(%d</x>) = 0 <0.000001>\n", i, fd } }' \
	>"$W/numbers.txt"
run_ht distinct-numbers "$W/numbers.txt"
expect distinct-numbers --exit 0 --no-fatal --skipped 0 \
	--mentions "closed handle numbers forgotten to bound memory"
rm -f "$W/numbers.txt"

awk 'BEGIN { for (i = 0; i < 1000000; i++) { t = 1000 + i
	printf "%d   10:00:01.%06d getpid() = %d <0.000001>\n", t, i, t
	printf "%d   10:00:01.%06d +++ exited with 0 +++\n", t, i } }' \
	>"$W/threads.txt"
run_ht many-threads "$W/threads.txt"
expect many-threads --exit 0 --no-fatal --skipped 0
rm -f "$W/threads.txt"

awk 'BEGIN { for (f = 3; f < 203; f++)
	printf "100   10:00:00.000001 openat(AT_FDCWD, \"/x%d\", O_RDONLY) = %d</x%d> <0.000001>\n", f, f, f
	for (i = 0; i < 5000; i++) { c = 1000 + i
	printf "100   10:00:01.%06d clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = %d <0.000010>\n", i, c
	printf "%d   10:00:01.%06d close(5</x5>) = 0 <0.000001>\n", c, i
	printf "%d   10:00:01.%06d exit_group(0) = ?\n", c, i
	printf "%d   10:00:01.%06d +++ exited with 0 +++\n", c, i } }' \
	>"$W/forks.txt"
run_ht many-forks "$W/forks.txt"
expect many-forks --exit 0 --no-fatal --skipped 0
rm -f "$W/forks.txt"

for c in distinct-numbers many-threads many-forks; do
	echo "bound: $c: $(cost_of "$c")"
done
finish
