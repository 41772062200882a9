#!/bin/sh
# tests/checks/perfetto_events.sh - --perfetto-events all: the export of
# every event is Chrome trace-event JSON Perfetto can load
# (perfetto_summary.py: names, slices that never overlap on a track,
# markers and arrows bound to slices) for every input format, with and
# without timestamps, with the cap at any value, and from standard
# output; it draws the same findings as the default export; the cap
# bounds the file; memory does not grow with the events drawn; and a run
# that fails leaves no file behind.  The default export shows lost
# events too.
set -u
command -v python3 >/dev/null 2>&1 || { echo "python3 missing"; exit 77; }
: "${HT:?}" "${SAMPLES:?}" "${TESTS:?}"
t=${TMPDIR:-/tmp}/perfetto_events.$$
mkdir -p "$t"
trap 'rm -rf "$t"' EXIT
sum=$TESTS/checks/perfetto_summary.py
fail=0
S=$SAMPLES/strace
P=$SAMPLES/perf

# one export: valid, and (when given) as many finding markers as the
# default export of the same capture draws
check() {
	name=$1
	shift
	"$HT" --perfetto "$t/all.json" "$@" >/dev/null 2>"$t/err"
	rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "FAIL: $name: exit $rc"; cat "$t/err"; fail=1; return
	fi
	python3 "$sum" "$t/all.json" "$name" >"$t/sum" ||
		{ grep -e FAIL -e problems "$t/sum"; fail=1; return; }
	tail -1 "$t/sum"
}

same_findings() {
	name=$1
	shift
	"$HT" --perfetto "$t/f.json" "$@" >/dev/null 2>&1
	"$HT" --perfetto "$t/a.json" --perfetto-events all "$@" >/dev/null 2>&1
	python3 - "$t/f.json" "$t/a.json" "$name" <<'PY' || fail=1
import json, sys
def marks(p):
    ev = json.load(open(p))["traceEvents"]
    return sorted(e["name"] for e in ev if e.get("cat") == "finding"), \
        sorted(e["name"] for e in ev if e.get("ph") in ("s", "t", "f"))
f, a = marks(sys.argv[1]), marks(sys.argv[2])
if f != a:
    print("FAIL: %s: findings differ between the exports: %r / %r" %
          (sys.argv[3], f, a))
    sys.exit(1)
PY
}

for c in "$S/kb-socket.f-tt-T-yy.txt" "$S/stale-close.f-tt-T-yy.txt" \
	 "$S/kb-socket.f-r-T-y.txt" "$S/double-close.f-yy.txt" \
	 "$S/kb-socket.f-k-y.txt" "$S/kb-socket.stderr-f-ttt-T-y.txt" \
	 "$S/close-while-in-use.f-tt-T-yy.txt" \
	 "$S/kb-socket.n-ns-Xverbose-desc-net.txt" \
	 "$P/kb-socket.perf-script.txt" "$P/stale-use.perf-syscalls.txt" \
	 "$P/kb-socket.perf-trace.txt" "$P/use-after-close.trace-cmd.txt" \
	 "$P/busy-lost.perf-script.txt.xz" \
	 "$SAMPLES/etw/kb-q155738.tracerpt.xml" \
	 "$SAMPLES/etw/cpu-buffers.perfview.xml" \
	 "$SAMPLES/etw/socket-pool.wevtutil.xml"; do
	check "$(basename "$c")" --perfetto-events all "$c"
	same_findings "$(basename "$c")" "$c"
done
# -ff files (timestamps), the binary .etl
# shellcheck disable=SC2086
check use-after-close.ff --perfetto-events all $S/use-after-close.ff-tt-y.1*
# shellcheck disable=SC2086
same_findings use-after-close.ff $S/use-after-close.ff-tt-y.1*
check kb-q155738.etl --perfetto-events all --rules \
	"$TESTS/data/etl/kbserver-tl-all.rules.xml" "$SAMPLES/etw/kb-q155738.etl"
# -ff files without timestamps: one after another, a microsecond a line
mkdir -p "$t/ff"
for f in "$S"/kb-socket.ff-tt-y.1*; do
	sed 's/^[0-9][0-9]:[0-9:.]* //' "$f" >"$t/ff/x.${f##*.}"
done
check untimed-ff --perfetto-events all "$t"/ff/x.*
# the cap at any value: the first N events, the findings still bound
for n in 1 7 50 140; do
	check "kb-socket cap $n" --perfetto-events "$n" \
		"$P/kb-socket.trace-cmd.txt"
	drawn=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["otherData"]["events"])' "$t/all.json")
	[ "$drawn" = "$n" ] || { echo "FAIL: cap $n drew $drawn events"; fail=1; }
done
# to standard output, and losses from standard input in both exports
n=$(grep -n "sendto(fd: 6" "$P/kb-socket.perf-trace.txt" | tail -1 | cut -d: -f1)
sed "${n}i LOST 4 events!" "$P/kb-socket.perf-trace.txt" >"$t/lost.txt"
for ev in findings all; do
	"$HT" --format perf-trace --perfetto - --perfetto-events $ev - \
		<"$t/lost.txt" >"$t/stdout.json" 2>/dev/null
	python3 "$sum" "$t/stdout.json" "perf-trace LOST, $ev, stdout" >"$t/sum" ||
		{ grep -e FAIL "$t/sum"; fail=1; }
	grep -q "loss lost#1: events lost: 4" "$t/sum" ||
		{ echo "FAIL: $ev export does not show the loss"; fail=1; }
	tail -1 "$t/sum"
done

# memory follows the threads, not the events drawn: a generated perf
# capture of 4 threads on 4 CPUs (60000 calls), drawn up to 1000 events
# and up to all of them, costs the same (within 2 MB); and the file stays
# under 1200 bytes an event
awk 'BEGIN { t = 100.0
	for (i = 0; i < 60000; i++) { tid = 1000 + i % 4; fd = 3 + i % 4
		printf "  prog %d [%03d] %12.6f: raw_syscalls:sys_enter: NR %d (%x, 0, 100, 0, 0, 0)\n", tid, i % 4, t, i % 2 ? 0 : 1, fd; t += 0.000001
		printf "  prog %d [%03d] %12.6f: raw_syscalls:sys_exit: NR %d = 100\n", tid, i % 4, t, i % 2 ? 0 : 1; t += 0.000001 } }' >"$t/big.txt"
if command -v /usr/bin/time >/dev/null 2>&1; then
	for ev in 1000 all; do
		/usr/bin/time -f %M -o "$t/rss.$ev" "$HT" --format perf-script \
			--perfetto "$t/big.$ev.json" --perfetto-events $ev \
			"$t/big.txt" >/dev/null 2>&1
	done
	a=$(cat "$t/rss.1000") b=$(cat "$t/rss.all")
	echo "max RSS: $a KB drawing 1000 events, $b KB drawing 60000"
	[ "$b" -le $((a + 2048)) ] ||
		{ echo "FAIL: memory grew with the events drawn"; fail=1; }
	size=$(wc -c <"$t/big.all.json")
	echo "export of 60000 events: $size bytes"
	[ "$size" -lt $((60000 * 1200)) ] ||
		{ echo "FAIL: over 1200 bytes an event"; fail=1; }
fi

# a run that fails leaves no export (nor its temp file) behind
mkdir -p "$t/out"
"$HT" --perfetto "$t/out/x.json" --perfetto-events all "$t/missing.txt" \
	>/dev/null 2>&1
"$HT" --perfetto "$t/out/y.json" --perfetto-events all --finding 99 \
	"$S/kb-socket.f-tt-T-yy.txt" >/dev/null 2>&1
[ "$?" = 2 ] || { echo "FAIL: --finding 99 did not exit 2"; fail=1; }
if [ -n "$(ls -A "$t/out")" ]; then
	echo "FAIL: failed runs left files: $(ls -A "$t/out")"; fail=1
fi
exit $fail
