#!/bin/sh
# tests/checks/perf_same_findings.sh - every sample program captured with
# perf script, perf trace and trace-cmd (samples/perf/) gives the same
# findings as its strace capture (samples/strace/NAME.f-tt-T-yy.txt):
# the same kind and severity, in the same order, and the same exit status;
# lines, TIDs, fd numbers and CPUs aside.  The one known difference is
# listed below with its reason, and asserted too, so that a change on
# either side shows.
set -u
cd "${top:-.}"
HT=${HT:-./handletrail}
[ -x "$HT" ] || { echo "no handletrail binary at $HT"; exit 77; }
[ -d samples/perf ] || { echo "no samples/perf"; exit 77; }

kinds() {
	"$HT" --color never "$1" 2>/dev/null |
		sed -n 's/^==== F[0-9]* \([a-z]*\): \([a-z-]*\) .*/\1 \2/p' |
		tr '\n' ';'
	echo " exit=$("$HT" --color never "$1" >/dev/null 2>&1; echo $?)"
}

# Known differences: none.  (close-while-in-use blocks a reader on a pipe
# from pipe2(), whose fds are written to memory, which no tracepoint
# records: the readers take a pipe's fds as the numbers next named while
# known closed.)  A program listed here would have its expected output.
known() {
	return 1
}

bad=0 n=0
for f in samples/perf/*.txt; do
	b=$(basename "$f" .txt)
	case $b in versions) continue ;; esac
	prog=${b%.*}
	ref=samples/strace/$prog.f-tt-T-yy.txt
	[ -f "$ref" ] || { echo "$b: no strace capture $ref"; bad=1; continue; }
	want=$(known "$b") || want=$(kinds "$ref")
	got=$(kinds "$f")
	n=$((n + 1))
	if [ "$got" != "$want" ]; then
		echo "$b: got '$got', want '$want' (as $ref)"
		bad=1
	fi
done
[ "$n" -ge 27 ] || { echo "only $n perf captures"; bad=1; }
[ $bad -eq 0 ] && echo "$n captures: same findings as strace"
exit $bad
