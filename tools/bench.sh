#!/bin/sh
# tools/bench.sh - throughput and peak memory on large real captures,
# timed beside wc -l (strace) and xmllint --stream (ETW XML) on the same
# files in the same run.  Figures only; nothing here passes or fails.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
HT=$top/handletrail
B=$top/build/bench
mkdir -p "$B"
MB=${BENCH_MB:-400}

. "$top/tools/bench-lib.sh"

# A real capture: strace of a real multi-threaded, multi-process
# workload, made once and kept in build/bench.
real=$B/real.f-tt-T-yy.txt
if [ ! -s "$real" ]; then
	echo "bench: capturing a real workload (strace -f -tt -T -yy of a"
	echo "       parallel build of this project and a tar of /usr/include)"
	rm -rf "$B/src" && mkdir -p "$B/src"
	cp -r util parser timeline reports cli Makefile tools "$B/src/"
	strace -f -tt -T -yy -o "$real" sh -c \
		"make -s -C '$B/src' -j2 OPT=-O0 build/libhandletrail.a >/dev/null 2>&1;
		 tar cf - /usr/include 2>/dev/null | cat >/dev/null" || true
fi
# Grow it to about $MB MB by appending copies whose TIDs are shifted, so
# every copy is a fresh set of processes (a longer capture, not a wider one).
big=$B/big.txt
if [ ! -s "$big" ] || [ "$(du -m "$big" | cut -f1)" -lt "$MB" ]; then
	rsize=$(stat -c %s "$real")
	copies=$(( MB * 1048576 / rsize + 1 ))
	awk -v n="$copies" '
		{ line[NR] = $0 }
		END { for (c = 0; c < n; c++) for (i = 1; i <= NR; i++) {
			s = line[i]
			if (match(s, /^[0-9]+ /)) {
				t = substr(s, 1, RLENGTH - 1) + c * 4000000
				s = t substr(s, RLENGTH)
			}
			print s } }' "$real" >"$big"
fi
size=$(stat -c %s "$big")
echo "strace: $(wc -l <"$real") lines real capture, grown to $(wc -l <"$big") lines ($((size / 1048576)) MB)"
measure "wc -l" "$size" wc -l "$big"
measure "handletrail (text report)" "$size" "$HT" "$big"
measure "handletrail --json" "$size" "$HT" --json /dev/null "$big"
measure "handletrail --html" "$size" "$HT" --html "$B/big.html" "$big"
echo "  HTML report size: $(stat -c %s "$B/big.html" 2>/dev/null || echo 0) bytes"

# extra benches contributed by each area (ETW XML, HTML render, bombs)
for extra in tools/bench-*.sh; do
	[ -f "$extra" ] && HT=$HT B=$B sh "$extra"
done
exit 0
