#!/bin/sh
# tests/checks/model_racing_clones.sh - racing clones, for real: two
# threads that fork+exec at once (samples/model/forkexec-threads.c) and two
# threads that posix_spawn at once (samples/model/spawn-threads.c), each
# run RUNS times under strace -f.  Children print before their parent's
# clone returns, two clones are in flight at once, a vfork child calls
# exit_group: every run must give the same tables as the program has, one
# process per child (none taken for a thread of its parent), and no
# finding (both programs are correct).  Skips (77) where strace cannot
# ptrace or there is no C compiler.
set -u
: "${HT:?}" "${SAMPLES:?}"
RUNS=${RUNS:-50}
ROUNDS=5
t=${TMPDIR:-/tmp}/racing_clones.$$
mkdir -p "$t"
trap 'rm -rf "$t"' EXIT
if ! command -v strace >/dev/null || ! strace -f -qq -o /dev/null true 2>/dev/null; then
	echo "SKIP: strace cannot trace here (not installed, or ptrace not permitted)"
	exit 77
fi
command -v cc >/dev/null || { echo "SKIP: no C compiler"; exit 77; }
for p in forkexec-threads spawn-threads; do
	cc -std=c11 -D_GNU_SOURCE -pthread -O0 -o "$t/$p" "$SAMPLES/model/$p.c" || exit 1
done
# main + 2 threads; every round of each thread one child process
want="capture: .* events, $((1 + 2 * ROUNDS)) processes, $((3 + 2 * ROUNDS)) threads"
fail=0
for p in forkexec-threads spawn-threads; do
	bad=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		i=$((i + 1))
		(cd "$t" && strace -f -tt -T -yy -o "$t/cap" "./$p" $ROUNDS </dev/null >/dev/null 2>&1)
		"$HT" --color never "$t/cap" >"$t/out" 2>&1
		rc=$?
		if [ $rc -ne 0 ] || ! grep -q "^$want\$" "$t/out" ||
		   ! grep -q '^0 findings' "$t/out"; then
			bad=$((bad + 1))
			if [ $bad -eq 1 ]; then
				echo "FAIL: $p run $i (exit $rc), expected \"$want\" and no finding:"
				grep -E '^(capture|[0-9]+ findings|====)' "$t/out" | head -8
				cp "$t/cap" "${TMPDIR:-/tmp}/racing_clones.$p.failed.txt" 2>/dev/null
			fi
		fi
	done
	echo "$p: $((RUNS - bad)) of $RUNS runs right"
	[ $bad -eq 0 ] || fail=1
done
exit $fail
