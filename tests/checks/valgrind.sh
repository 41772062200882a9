#!/bin/sh
# tests/checks/valgrind.sh - runs the normal build of handletrail under
# valgrind (memcheck, full leak check) over every sample capture, the -ff
# sets as one capture each, and the hostile cases, writing every report;
# any memory error or leak fails.  Skips without valgrind or in sanitizer
# builds (the two do not mix).  Two runs at a time; a few minutes in all.
set -u
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed"; exit 77; }
[ -n "${SAN:-}" ] && { echo "sanitizer build: valgrind does not apply"; exit 77; }
[ -x "$HT" ] || { echo "no binary at $HT"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/vg.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$top"

# one job per line: the arguments of one handletrail run
{
	for f in samples/strace/* samples/etw/*.xml tests/hostile/strace/* \
		tests/hostile/etw/*.xml; do
		case $f in *.c|*.h|*.py|*.sh|*.md|*.story|*.tsv|*.awk) continue ;; esac
		echo "$f"
	done
	# strace -ff sets: every x.<tid> of one run together
	ls samples/strace/ | sed -n 's/^\(.*\.ff-[^.]*\)\.[0-9][0-9]*$/\1/p' |
		sort -u | while read -r set; do
			echo samples/strace/"$set".[0-9]*
		done
	echo "--rules tests/hostile/rules/bad-role.xml tests/hostile/etw/base.perfview.xml"
	echo "--rules fuzz/rules-seed.xml fuzz/rules-trace.xml"
	# the export of every event (its per-thread and per-CPU tables),
	# under the cap and past it, and the losses
	echo "--perfetto $W/pf1.json --perfetto-events all samples/perf/kb-socket.trace-cmd.txt"
	echo "--perfetto $W/pf2.json --perfetto-events 40 samples/perf/kb-socket.perf-script.txt"
	echo "--perfetto $W/pf3.json --perfetto-events all" samples/strace/kb-socket.ff-tt-y.[0-9]*
	echo "--perfetto $W/pf4.json --perfetto-events all --rules tests/data/etl/kbserver-tl-all.rules.xml samples/etw/kb-q155738.etl"
} >"$W/jobs"

n=0
while read -r args; do
	n=$((n + 1))
	echo "$n $args"
done <"$W/jobs" | xargs -P 2 -L 1 sh -c '
	n=$1; shift
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible \
		--log-file="$0/vg.$n.log" "$HT" --json "$0/$n.json" \
		--html "$0/$n.html" --text "$0/$n.txt" "$@" >/dev/null 2>&1
	rc=$?
	if [ "$rc" -eq 99 ] || [ "$rc" -gt 2 ]; then
		echo "FAIL: exit $rc: $*"
		head -40 "$0/vg.$n.log"
	fi
' "$W" >"$W/failures" 2>&1
runs=$(wc -l <"$W/jobs")
if [ -s "$W/failures" ]; then
	cat "$W/failures"
	echo "valgrind: $(grep -c '^FAIL' "$W/failures") of $runs runs failed"
	exit 1
fi
echo "valgrind: $runs runs clean (no memory errors, no leaks)"
