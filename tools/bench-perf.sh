#!/bin/sh
# tools/bench-perf.sh - perf script throughput: handletrail beside wc -l
# on a large `perf script` text of a real workload (called by
# tools/bench.sh with HT and B set).  The workload is recorded once with
# the README's perf record recipe (root, perf and tracefs needed; else this
# bench says so and is skipped): tools/overhead/busy.c for 2 s, a busy TCP
# server with 4 threads.  The text is grown to BENCH_PERF_MB MB by copies
# whose TIDs are shifted, so each copy is a fresh set of threads.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
MBP=${BENCH_PERF_MB:-200}
real=$B/perf-real.perf-script.txt
if [ ! -s "$real" ]; then
	if [ "$(id -u)" != 0 ] || ! command -v perf >/dev/null 2>&1; then
		echo "perf script: skipped (recording needs root and perf)"
		exit 0
	fi
	cc -O2 -pthread -o "$B/busy" "$top/tools/overhead/busy.c" || exit 0
	perf record -q -e 'raw_syscalls:*' -e sched:sched_process_exec \
		-e sched:sched_process_exit -e task:task_newtask \
		-m 4096 -o "$B/perf.data" -- "$B/busy" 2 >/dev/null 2>&1 &&
		perf script --show-lost-events -i "$B/perf.data" >"$real" \
			2>/dev/null
	rm -f "$B/perf.data" "$B/perf.data.old"
	[ -s "$real" ] || { echo "perf script: skipped (perf record failed)"; exit 0; }
fi
big=$B/big.perf-script.txt
if [ ! -s "$big" ] || [ "$(du -m "$big" | cut -f1)" -lt "$MBP" ]; then
	rsize=$(stat -c %s "$real")
	copies=$(( MBP * 1048576 / rsize + 1 ))
	awk -v n="$copies" '
		{ line[NR] = $0 }
		END { for (c = 0; c < n; c++) for (i = 1; i <= NR; i++) {
			s = line[i]
			# the TID before "[CPU]"; pid= fields of sched events
			if (match(s, / [0-9]+ +\[[0-9]+\]/)) {
				pre = substr(s, 1, RSTART)
				m = substr(s, RSTART + 1, RLENGTH - 1)
				split(m, f, " ")
				s = pre (f[1] + c * 4000000) " " \
				    substr(m, length(f[1]) + 2) \
				    substr(s, RSTART + RLENGTH)
			}
			if (match(s, / pid=[0-9]+/))
				s = substr(s, 1, RSTART + 4) \
				    (substr(s, RSTART + 5, RLENGTH - 5) + c * 4000000) \
				    substr(s, RSTART + RLENGTH)
			print s } }' "$real" >"$big"
fi
size=$(stat -c %s "$big")
echo "perf script: $(wc -l <"$real") lines real capture (busy.c, raw_syscalls), grown to $(wc -l <"$big") lines ($((size / 1048576)) MB)"
. "$top/tools/bench-lib.sh"
measure "wc -l" "$size" wc -l "$big"
measure "handletrail (text report)" "$size" "$HT" "$big"
measure "handletrail --json" "$size" "$HT" --json /dev/null "$big"
