#!/bin/sh
# fuzz/run.sh - runs the libFuzzer targets built in build-fuzz/.
#   run.sh replay TARGET...   every regression input once per target
#   run.sh fuzz TARGET...     replay, then fuzz each for $FUZZ_SECONDS
# Seeds are gathered by fuzz/seeds.sh.  A crash leaves its input in
# build-fuzz/artifacts/TARGET/; the script prints the command that turns it
# into a regression file under tests/data/fuzz-regressions/TARGET/, which
# tests/checks/hostile_regressions.sh replays in every `make check`.
set -u
mode=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=build-fuzz
secs=${FUZZ_SECONDS:-60}
summary=$B/fuzz-summary.txt
new=$B/fuzz-summary.$$.new   # several runs may go at once
bad=0
mkdir -p "$B"
: >"$new"

# ASan: leaks are errors; UBSan: stop at the first report.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

dict_of() {
	case $1 in
	strace_*) echo fuzz/strace.dict ;;
	etw_xml) echo fuzz/etw.dict ;;
	rules) echo fuzz/rules.dict ;;
	perf_*) echo fuzz/perf.dict ;;
	etl|xpress) echo fuzz/etl.dict ;;
	esac
}

replay() {
	t=$1
	dir=tests/data/fuzz-regressions/$t
	[ -d "$dir" ] || return 0
	files=$(find "$dir" -type f ! -name '*.md' | sort)
	[ -n "$files" ] || return 0
	n=$(echo "$files" | wc -l)
	# shellcheck disable=SC2086
	if "$B/fuzz_$t" -timeout=60 -rss_limit_mb=2048 $files \
		>"$B/replay-$t.log" 2>&1; then
		echo "fuzz: $t: $n regression inputs replayed, all clean"
	else
		echo "fuzz: $t: a regression input fails again:" >&2
		grep -E 'ERROR|SUMMARY|Running|check failed|timeout' \
			"$B/replay-$t.log" | tail -20 >&2
		bad=1
	fi
}

run_one() {
	t=$1
	corpus=$B/corpus/$t
	seeds=$B/seeds/$t
	art=$B/artifacts/$t
	mkdir -p "$corpus" "$art"
	rm -rf "$seeds"
	sh fuzz/seeds.sh "$t" "$seeds"
	log=$B/fuzz-$t.log
	echo "fuzz: $t for ${secs}s ($(ls "$seeds" | wc -l) seeds," \
		"$(ls "$corpus" | wc -l) corpus inputs)"
	"$B/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
		-max_len=65536 -dict="$(dict_of "$t")" -print_final_stats=1 \
		-artifact_prefix="$art/" "$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -1)
	cov=$(grep -ao 'cov: [0-9]*' "$log" | tail -1)
	echo "$(date -u +%Y-%m-%dT%H:%MZ) $t seconds=$secs" \
		"execs=${execs:-?} ${cov:-} exit=$rc" >>"$new"
	echo "fuzz: $t: ${execs:-?} execs, ${cov:-cov ?}, exit $rc"
	if [ "$rc" -ne 0 ]; then
		bad=1
		grep -aE '^==[0-9]+==ERROR|SUMMARY|check failed|runtime error|ALARM|Test unit written' \
			"$log" | head -20 >&2
		for a in "$art"/*; do
			[ -f "$a" ] || continue
			echo "fuzz: reproduce: $B/fuzz_$t $a" >&2
			echo "fuzz: keep it:   mkdir -p" \
				"tests/data/fuzz-regressions/$t &&" \
				"cp $a tests/data/fuzz-regressions/$t/" >&2
		done
	fi
}

for t in "$@"; do
	if [ ! -x "$B/fuzz_$t" ]; then
		echo "fuzz: $B/fuzz_$t is not built (make fuzz-build)" >&2
		exit 1
	fi
	replay "$t"
	[ "$mode" = fuzz ] && run_one "$t"
done
if [ "$mode" = fuzz ]; then
	# running totals across runs: target, seconds, execs
	cat "$new" >>"$B/fuzz-history.txt"
	mv "$new" "$summary"
	echo "fuzz: summary in $summary, all runs in $B/fuzz-history.txt"
else
	rm -f "$new"
fi
exit "$bad"
