#!/bin/sh
# tools/bench-etw.sh - ETW XML throughput: handletrail beside
# xmllint --stream --noout on the same large generated tracerpt export
# (called by tools/bench.sh with HT and B set).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
MBX=${BENCH_ETW_MB:-200}
big=$B/big-etw.tracerpt.xml
if [ ! -s "$big" ] || [ "$(du -m "$big" | cut -f1)" -lt "$MBX" ]; then
	python3 "$top/tools/gen-etw-big.py" "$big" "$MBX" || exit 0
fi
size=$(stat -c %s "$big")
echo "ETW XML: $(grep -c '<Event ' "$big") events ($((size / 1048576)) MB, tracerpt shape)"
measure() {
	label=$1; shift
	/usr/bin/time -f '%e %M' -o "$B/time" "$@" >/dev/null 2>"$B/stderr"
	# time says "Command exited with non-zero status" first: findings
	read secs rss <<EOT
$(tail -n 1 "$B/time")
EOT
	awk -v l="$label" -v s="$secs" -v r="$rss" -v b="$size" 'BEGIN {
		mbs = (s > 0) ? b / 1048576 / s : 0;
		printf "  %-34s %7.2f s %8.1f MB/s %8.1f MB peak RSS\n",
		       l, s, mbs, r / 1024 }'
}
if command -v xmllint >/dev/null 2>&1; then
	measure "xmllint --stream --noout" xmllint --stream --noout "$big"
fi
measure "handletrail --json" "$HT" --json /dev/null "$big"
measure "handletrail (text report)" "$HT" "$big"
