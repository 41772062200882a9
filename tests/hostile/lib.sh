# tests/hostile/lib.sh - sourced by tests/checks/hostile_*.sh: runs
# handletrail over one hostile input with resource limits and checks the
# result with tests/hostile/check.py.  Needs HT, TMPDIR, top (tests/run.sh).
H="$top/tests/hostile"
W=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX")
failures=0
cases=0
# generous bounds; sanitizer builds cannot take an address-space limit
VMEM_MB=${HOSTILE_VMEM_MB:-1024}
[ -n "${SAN:-}" ] && VMEM_MB=0
CPU_S=${HOSTILE_CPU_S:-60}

need_python() {
	command -v python3 >/dev/null 2>&1 || {
		echo "python3 is needed to check the reports"; exit 77; }
	[ -x "$HT" ] || { echo "no binary at $HT"; exit 77; }
}

# run_ht NAME [--stdin FILE] HT-ARGS... : every report into $W/NAME/
# (sh has no local variables: the helpers' names start with _)
run_ht() {
	_r=$1
	shift
	_stdin=""
	if [ "${1:-}" = --stdin ]; then
		_stdin="--stdin $2"
		shift 2
	fi
	rm -rf "${W:?}/$_r"
	mkdir -p "$W/$_r"
	# shellcheck disable=SC2086
	python3 "$H/measure.py" "$W/$_r" "$VMEM_MB" "$CPU_S" $_stdin -- \
		"$HT" --json "$W/$_r/out.json" --html "$W/$_r/out.html" \
		--text "$W/$_r/out.txt" "$@"
}

# expect NAME CHECK-ARGS... : check the run NAME; report and count
expect() {
	_e=$1
	shift
	cases=$((cases + 1))
	if python3 "$H/check.py" "$W/$_e" "$@" >"$W/$_e/problems"; then
		echo "ok:   $_e ($(cat "$W/$_e/cost"))"
	else
		failures=$((failures + 1))
		echo "FAIL: $_e ($(cat "$W/$_e/cost"), exit $(cat "$W/$_e/rc"))"
		cat "$W/$_e/problems"
		sed -n '1,5s/^/  stderr: /p' "$W/$_e/err"
	fi
}

# case_ok NAME CONDITION-TEXT : record a check done in shell
case_ok() { cases=$((cases + 1)); echo "ok:   $1"; }
case_fail() {
	cases=$((cases + 1)); failures=$((failures + 1))
	echo "FAIL: $1: $2"
}

cost_of() { cat "$W/$1/cost"; }
# field of a cost line: cost_field NAME maxrss_mb
cost_field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" "$W/$1/cost"; }

finish() {
	echo "$cases cases, $failures failed"
	[ -z "${HOSTILE_KEEP:-}" ] && rm -rf "$W"
	[ "$failures" -eq 0 ]
	exit $?
}
