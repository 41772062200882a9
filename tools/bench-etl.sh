#!/bin/sh
# tools/bench-etl.sh - binary .etl throughput and peak memory: handletrail
# beside cat of the same file, on two large generated handle captures
# (plain 64 KiB buffers: a process started and ended every 43 records,
# and one long-lived server handing sockets between threads; a smaller
# compressed one, since the writer's compressor is slow Python) and on
# the largest real file, TraceLoggingTester.etl
# (43 MB, 20 CPUs, records displaced by up to 166,109 events; unpacked
# into $B when 7z is there).  Called by tools/bench.sh with HT and B set.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/bench-lib.sh"
MBE=${BENCH_ETL_MB:-200}
MBC=${BENCH_ETL_COMPRESSED_MB:-16}
big=$B/big.etl
if [ ! -s "$big" ] || [ "$(du -m "$big" | cut -f1)" -lt "$MBE" ]; then
	python3 "$top/samples/etw/etl_gen.py" --big "$big" "$MBE" || exit 0
fi
# the same story's connections again and again in one long-lived server:
# most handle events from a few processes, each socket closed by the
# thread it was handed to (a hand-off), the shape of a real capture
bigs=$B/big.steady.etl
if [ ! -s "$bigs" ] || [ "$(du -m "$bigs" | cut -f1)" -lt "$MBE" ]; then
	python3 "$top/samples/etw/etl_gen.py" --big "$bigs" "$MBE" steady || exit 0
fi
bigc=$B/big.compressed.etl
if [ ! -s "$bigc" ]; then
	python3 "$top/samples/etw/etl_gen.py" --big "$bigc" "$MBC" compressed || exit 0
fi
# "records events" of a file, from the text report's input line
counts() {
	"$HT" --format etl "$1" 2>/dev/null |
	sed -n 's/^input: .*: \([0-9]*\) lines, \([0-9]*\) events.*/\1 \2/p'
}
run() {   # label file
	size=$(stat -c %s "$2")
	recs=$(counts "$2")
	echo ".etl: $1: $((size / 1048576)) MB, ${recs%% *} records, ${recs##* } events to the model"
	measure "cat" "$size" cat "$2"
	measure "handletrail --json" "$size" "$HT" --json /dev/null "$2"
	# events per second over CPU time, from the same run
	awk -v r="${recs%% *}" -v f="$B/time" 'BEGIN {
		getline l < f; while ((getline m < f) > 0) l = m
		split(l, t, " "); c = t[2] + t[3]
		printf "  %-30s %9.0f records/s cpu\n", "handletrail", (c > 0 ? r / c : 0) }'
}
run "generated handle capture" "$big"
run "generated steady server" "$bigs"
run "generated, compressed buffers" "$bigc"
z7=$(command -v 7zz || command -v 7z || command -v 7za || true)
tlt=$B/TraceLoggingTester.etl
if [ ! -s "$tlt" ] && [ -n "$z7" ] && [ -f "$top/../shared/etw-real/etwanalyzer/TraceLoggingTester.7z" ]; then
	"$z7" x -y -o"$B" "$top/../shared/etw-real/etwanalyzer/TraceLoggingTester.7z" >/dev/null
fi
[ -s "$tlt" ] && run "real TraceLoggingTester.etl" "$tlt"
# instructions a record (callgrind): a figure a busy machine cannot move,
# on 20 MB of the churn capture's shape
small=$B/churn20.etl
if command -v valgrind >/dev/null 2>&1 && { [ -s "$small" ] ||
   python3 "$top/samples/etw/etl_gen.py" --big "$small" 20; }; then
	recs=$(counts "$small")
	recs=${recs%% *}
	ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$HT" --json /dev/null "$small" 2>&1 >/dev/null |
	     sed -n 's/.*I *refs: *//p' | tr -d ,)
	[ -n "$ir" ] && [ "${recs:-0}" -gt 0 ] &&
		echo ".etl: $((ir / recs)) instructions a record ($ir for" \
		     "$recs records of the churn shape, callgrind)"
fi
exit 0
