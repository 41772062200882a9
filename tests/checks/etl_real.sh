#!/bin/sh
# tests/checks/etl_real.sh - every real .etl of ../shared/etw-real/ (the
# archives unpacked into a temporary directory, never into the project) is
# read with zero problems; what the reader sees (logfile header, buffers,
# CPUs, records per header type and per provider, first and last time) and
# handletrail's input and capture lines (processes, threads) must equal
# the golden tests/data/etl/real.expected, and the report's bytes the
# file's size; net.4.5.2.x64.etl must agree
# with TraceEvent's own decoding (etl_baseline.py).
# UPDATE=1 rewrites the golden.
set -u
cd "$top"
R="$SHARED/etw-real"
[ -d "$R" ] || { echo "no $R"; exit 77; }
DUMP="$top/$BUILD/etl-dump"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# 7-Zip unpacks the zips too: one tool (tools/deps.sh installs it)
z7=$(command -v 7zz || command -v 7z || command -v 7za || true)
[ -n "$z7" ] || { echo "no 7z to unpack the archives (apt-get install 7zip)"; exit 77; }
for z in "$R"/ms-perfview/*.zip; do
	"$z7" x -y -o"$d/$(basename "$z" .zip)" "$z" >/dev/null ||
		{ echo "7z could not unpack $z"; exit 1; }
done
"$z7" x -y -o"$d/tlt" "$R/etwanalyzer/TraceLoggingTester.7z" >/dev/null ||
	{ echo "7z failed"; exit 1; }
out="$d/got"
: >"$out"
fail=0
n=0
for f in $(cd "$R" && ls */*.etl) $(cd "$d" && find . -type f -name '*.etl' | sort); do
	case $f in ./*) p="$d/$f" ;; *) p="$R/$f" ;; esac
	"$DUMP" "$p" >"$d/one" 2>&1 || { echo "etl-dump $f failed"; fail=1; }
	grep -q "problems 0, bytes skipped 0, undecodable 0" "$d/one" ||
		{ echo "$f: problems:"; grep -E "^(buffers|problem):" "$d/one"; fail=1; }
	cat "$d/one" >>"$out"
	"$HT" --format etl --text - --json "$d/j.json" "$p" 2>&1 | sed -n "s|$d/\./||; s|$R/||; /^input:/p; /^  skipped/p; /^capture:/p" >>"$out"
	# the reader reads the file itself: its size is what was read
	size=$(stat -c %s "$p")
	grep -q "\"bytes\": $size," "$d/j.json" ||
		{ echo "$f: the report's bytes is not the file's $size"; fail=1; }
	echo >>"$out"
	n=$((n + 1))
done
if [ "${UPDATE:-}" = 1 ]; then
	cp "$out" tests/data/etl/real.expected
fi
diff -u tests/data/etl/real.expected "$out" || fail=1
p="$d/net.4.5.2.x64.etl/net.4.5.2.x64.etl"
"$DUMP" -e 1000000 "$p" >"$d/x64" && python3 tests/checks/etl_baseline.py \
	"$d/x64" "$R/ms-perfview/net.4.5.2.x64.baseline.txt" || fail=1
echo "$n .etl files read"
exit $fail
