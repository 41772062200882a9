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
. "$top/tools/bench-lib.sh"
if command -v xmllint >/dev/null 2>&1; then
	measure "xmllint --stream --noout" "$size" xmllint --stream --noout "$big"
fi
measure "handletrail --json" "$size" "$HT" --json /dev/null "$big"
measure "handletrail (text report)" "$size" "$HT" "$big"
# the ratio issue 13 sets (at most 1.5x xmllint): best of 5 runs each,
# interleaved so that a busy moment hits both alike
if command -v xmllint >/dev/null 2>&1; then
	for i in 1 2 3 4 5; do
		/usr/bin/time -f 'x %e' -a -o "$B/ratio" xmllint --stream --noout "$big" >/dev/null 2>&1
		/usr/bin/time -f 'h %e' -a -o "$B/ratio" "$HT" --json /dev/null "$big" >/dev/null 2>&1
	done
	awk '$1 == "x" || $1 == "h" { if (!($1 in m) || $2 < m[$1]) m[$1] = $2 }
	     END { if (m["x"] > 0) printf "  %-30s %6.2f s vs %.2f s: %.2fx xmllint (goal: at most 1.5x)\n",
		   "best of 5, interleaved", m["h"], m["x"], m["h"] / m["x"] }' "$B/ratio"
	rm -f "$B/ratio"
fi
