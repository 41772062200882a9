# tools/bench-lib.sh - the one measuring function the bench scripts share
# (sourced; needs B set).

# one measurement: label, bytes, command...; the command is run
# BENCH_RUNS times (3 unless set) and the run with the least CPU time is
# shown: wall seconds, MB/s over wall time and over CPU time (user+sys:
# steadier on a busy machine), peak RSS, and the median run's MB/s over
# CPU time, since a shared machine's speed varies from run to run by 10%
# and more.  $B/time ends with the shown run's line.
measure() {
	label=$1; size=$2; shift 2
	: >"$B/runs"
	i=0
	while [ "$i" -lt "${BENCH_RUNS:-3}" ]; do
		/usr/bin/time -f '%e %U %S %M' -o "$B/time" "$@" >/dev/null \
			2>"$B/stderr"
		# time writes "Command exited with non-zero status 1" first
		tail -n 1 "$B/time" >>"$B/runs"
		i=$((i + 1))
	done
	awk '{ print $2 + $3, $0 }' "$B/runs" | sort -n | cut -d' ' -f2- \
		>"$B/runs.sorted"
	head -n 1 "$B/runs.sorted" >"$B/time"
	read secs usr sys rss <"$B/time"
	n=$(wc -l <"$B/runs.sorted")
	mid=$(sed -n "$(( (n + 1) / 2 ))p" "$B/runs.sorted")
	awk -v l="$label" -v s="$secs" -v u="$usr" -v y="$sys" -v r="$rss" \
	    -v b="$size" -v m="$mid" -v n="$n" 'BEGIN {
		c = u + y
		split(m, t, " "); mc = t[2] + t[3]
		printf "  %-30s %6.2f s wall %7.1f MB/s wall %7.1f MB/s cpu %7.1f MB peak RSS",
		       l, s, (s > 0 ? b / 1048576 / s : 0),
		       (c > 0 ? b / 1048576 / c : 0), r / 1024
		if (n > 1)
			printf "  (best of %d; median %.1f MB/s cpu)", n,
			       (mc > 0 ? b / 1048576 / mc : 0)
		printf "\n" }'
}
