#!/bin/sh
# tests/checks/batch_index_scale.sh - `handletrail index` keeps a record
# per capture and per fingerprint, never one per finding: 36000 findings
# with 2000-character messages (12 captures of 3000, written by
# tools/gen-index-shards.py) are merged under 100 MB of address space.
# Main kept every finding's message: 108 MB peak RSS, out of memory under
# the limit; now 34 MB.  The totals, the findings table and the feeds
# still count every finding.
set -u
: "${HT:?}" "${top:?}"
command -v python3 >/dev/null 2>&1 || { echo "python3 missing"; exit 77; }
t=${TMPDIR:-/tmp}/batch_index_scale.$$
mkdir -p "$t"
trap 'rm -rf "$t"' EXIT
python3 "$top/tools/gen-index-shards.py" "$t/in" 1 12 3000 2000 || exit 1
lim=""
# (the sanitizers reserve terabytes of shadow memory: no limit there)
[ -z "${SAN:-}" ] && lim="ulimit -v 102400;"
sh -c "$lim"' exec "$0" index -q --junit "$1/junit.xml" -o "$1/out" "$1/in/shard1"' \
	"$HT" "$t" 2>"$t/err"
rc=$?
fail=0
[ "$rc" = 1 ] || { echo "FAIL: exit $rc, expected 1"; head -3 "$t/err"; fail=1; }
grep -q '<title>handletrail: 12 captures, 36000 findings</title>' \
	"$t/out/index.html" 2>/dev/null ||
	{ echo "FAIL: index.html does not count 36000 findings"; fail=1; }
n=$(grep -c '"type":"finding"' "$t/out/findings.jsonl" 2>/dev/null)
[ "${n:-0}" = 36000 ] || { echo "FAIL: findings.jsonl holds ${n:-0} findings"; fail=1; }
# 64 fingerprints over 6 kinds: 192 rows, each with its first 20 links
rows=$(grep -c '^<tr data-fp=' "$t/out/index.html" 2>/dev/null)
[ "$rows" = 192 ] || { echo "FAIL: $rows fingerprint rows, expected 192"; fail=1; }
[ "$fail" = 0 ] && echo "ok: 36000 findings indexed under 100 MB of address space"
exit "$fail"
