# tools/bench-lib.sh - the one measuring function the bench scripts share
# (sourced; needs B set).

# one measurement: label, bytes, command...; prints wall seconds, MB/s
# over wall time and over CPU time (user+sys: steadier on a busy machine),
# and peak RSS
measure() {
	label=$1; size=$2; shift 2
	/usr/bin/time -f '%e %U %S %M' -o "$B/time" "$@" >/dev/null 2>"$B/stderr"
	# time writes "Command exited with non-zero status 1" first
	read secs usr sys rss <<EOT
$(tail -n 1 "$B/time")
EOT
	awk -v l="$label" -v s="$secs" -v u="$usr" -v y="$sys" -v r="$rss" \
	    -v b="$size" 'BEGIN {
		c = u + y
		printf "  %-30s %6.2f s wall %7.1f MB/s wall %7.1f MB/s cpu %7.1f MB peak RSS\n",
		       l, s, (s > 0 ? b / 1048576 / s : 0),
		       (c > 0 ? b / 1048576 / c : 0), r / 1024 }'
}

