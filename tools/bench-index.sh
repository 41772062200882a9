#!/bin/sh
# tools/bench-index.sh - make bench's part for `handletrail index`: a
# generated shard set (tools/gen-index-shards.py: 4 shards of 50 captures
# of 2000 findings, 400000 findings, 180 MB of report.json) merged into one
# index.  Memory follows the captures and the distinct fingerprints, not
# the findings (before: a record and a message per finding).
: "${HT:?}" "${B:?}"
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/bench-lib.sh"
s=$B/index-shards
if [ ! -d "$s/shard4" ]; then
	rm -rf "$s"
	python3 "$top/tools/gen-index-shards.py" "$s" 4 50 2000 || exit 0
fi
size=$(du -sb "$s" | cut -f1)
echo "index: 4 shards, 200 captures, 400000 findings ($((size / 1048576)) MB of results)"
rm -rf "$B/index-out"
measure "handletrail index (4 shards)" "$size" "$HT" index -q \
	-o "$B/index-out" "$s"/shard1 "$s"/shard2 "$s"/shard3 "$s"/shard4
echo "  findings.sarif $(($(stat -c %s "$B/index-out/findings.sarif") >> 20)) MB, index.html $(($(stat -c %s "$B/index-out/index.html") >> 10)) KB"
rm -rf "$B/index-out"
exit 0
