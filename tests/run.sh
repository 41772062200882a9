#!/bin/sh
# tests/run.sh - runs every test of handletrail and ends with the line
# "N passed, N failed, N skipped".  Kinds of test:
#   $BUILD/unit/*        C unit tests; print "PASS: x" / "FAIL: x" / "SKIP: x"
#   tests/cases/NAME/    golden case: "cmd" (sh, $HT is the binary) whose
#                        stdout must equal "expected" exactly, exit status
#                        must equal "exit" (default 0); a failure prints a diff;
#                        exit 77 with no output is a skip (reason on stderr)
#   tests/checks/*.sh    scripts: exit 0 pass, 77 skip, anything else fail
# Set ONLY=pattern to run the tests whose names contain it.
set -u
LC_ALL=C; export LC_ALL
TZ=UTC; export TZ
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
HT="$top/$BUILD/handletrail"
SAMPLES="$top/samples"
SHARED="$top/../shared"
[ -d "$SHARED" ] || SHARED="$top/shared"
if [ ! -d "$SHARED" ]; then
	# a plain clone: the shared captures and schemas are not there
	echo "note: no ../shared next to the checkout: check/batch_sarif is" \
	     "skipped (the SARIF schema lives there) and check/html_browser" \
	     "leaves out the shared race capture; everything else runs"
fi
TESTS="$top/tests"
export HT SAMPLES SHARED TESTS BUILD top
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0 skip=0
only=${ONLY:-}
want() { [ -z "$only" ] || case "$1" in *"$only"*) return 0;; *) return 1;; esac; }

for u in "$BUILD"/unit/*; do
	[ -x "$u" ] || continue
	name=unit/$(basename "$u")
	want "$name" || continue
	"$u" >"$tmp/out" 2>&1
	rc=$?
	p=$(grep -c '^PASS: ' "$tmp/out")
	f=$(grep -c '^FAIL: ' "$tmp/out")
	s=$(grep -c '^SKIP: ' "$tmp/out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	if [ "$f" -ne 0 ]; then
		echo "FAIL: $name (exit $rc)"
		sed 's/^/    /' "$tmp/out" | grep -v '^    PASS: ' | head -60
	else
		echo "ok:   $name ($p)"
	fi
done

for d in tests/cases/*/; do
	[ -f "$d/cmd" ] || continue
	name=case/$(basename "$d")
	want "$name" || continue
	exp_rc=0
	[ -f "$d/exit" ] && exp_rc=$(cat "$d/exit")
	(cd "$top" && sh "$d/cmd") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	# a case that needs what this checkout lacks (../shared) exits 77
	# before printing anything, its reason on stderr
	if [ "$rc" = 77 ] && [ "$exp_rc" != 77 ] && [ ! -s "$tmp/out" ]; then
		echo "skip: $name: $(head -1 "$tmp/err")"
		skip=$((skip + 1))
		continue
	fi
	if [ -f "$d/expected" ] && ! diff -u "$d/expected" "$tmp/out" >"$tmp/diff"; then
		echo "FAIL: $name: output differs"
		head -80 "$tmp/diff" | sed 's/^/    /'
		sed 's/^/    stderr: /' "$tmp/err" | head -10
		fail=$((fail + 1))
	elif [ "$rc" != "$exp_rc" ]; then
		echo "FAIL: $name: exit $rc, expected $exp_rc"
		sed 's/^/    stderr: /' "$tmp/err" | head -10
		fail=$((fail + 1))
	else
		echo "ok:   $name"
		pass=$((pass + 1))
	fi
done

for c in tests/checks/*.sh; do
	[ -f "$c" ] || continue
	name=check/$(basename "$c" .sh)
	want "$name" || continue
	t0=$(date +%s)
	TMPDIR="$tmp" sh "$c" >"$tmp/out" 2>&1
	rc=$?
	secs=$(( $(date +%s) - t0 ))
	if [ "$rc" -eq 0 ]; then
		echo "ok:   $name (${secs}s)"; pass=$((pass + 1))
	elif [ "$rc" -eq 77 ]; then
		echo "skip: $name: $(tail -1 "$tmp/out")"; skip=$((skip + 1))
	else
		echo "FAIL: $name (exit $rc)"
		tail -40 "$tmp/out" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
