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
