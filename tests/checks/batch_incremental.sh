#!/bin/sh
# tests/checks/batch_incremental.sh - rerunning batch over the same OUTDIR
# reuses a capture's results while its content hash and the tool version
# are unchanged: nothing is rewritten, the index stays the same; a changed
# trace, a new capture, another tool version or --force redo just those.
set -u
: "${HT:?}" "${SAMPLES:?}"
t=${TMPDIR:-/tmp}/batch_incr.$$
mkdir -p "$t/in"
trap 'rm -rf "$t"' EXIT
S=$SAMPLES/strace
for f in kb-socket.f-tt-T-yy.txt stale-use.f-tt-T-yy.txt leak.ff-tt-y.1* \
	 double-close.f-yy.txt benign.f-yy.txt kb-socket.f-tt-T-yy.txt.xz; do
	cp "$S"/$f "$t/in/" || exit 1
done
fail=0
run() {  # run LABEL EXPECTED-ANALYSED [options]
	label=$1 want=$2
	shift 2
	"$HT" batch -j2 -o "$t/out" "$@" "$t/in" >/dev/null 2>"$t/err"
	got=$(sed -n 's/.*(\([0-9]*\) analysed.*/\1/p' "$t/err")
	if [ "$got" != "$want" ]; then
		echo "FAIL: $label: $got captures analysed, expected $want"
		cat "$t/err"
		fail=1
	fi
}
# inode and mtime of every result file: a reused result is not rewritten
stamp() { (cd "$t/out" && find . -name 'report.*' -o -name manifest.json |
	   sort | xargs stat -c '%n %i %Y') >"$1"; }
run first 6
stamp "$t/s1"
cp "$t/out/index.html" "$t/out/findings.jsonl" "$t/out/findings.sarif" "$t/"
sleep 1
run rerun 0
stamp "$t/s2"
cmp -s "$t/s1" "$t/s2" || { echo "FAIL: reused results were rewritten"; diff "$t/s1" "$t/s2"; fail=1; }
for f in index.html findings.jsonl findings.sarif; do
	cmp -s "$t/$f" "$t/out/$f" || { echo "FAIL: $f changed on a rerun"; fail=1; }
done
# a changed trace is analysed again, alone
printf '%s\n' "$(tail -1 "$t/in/double-close.f-yy.txt")" >>"$t/in/double-close.f-yy.txt"
run changed 1
stamp "$t/s3"
changed=$(diff "$t/s2" "$t/s3" | grep '^>' | grep -vc double-close)
[ "$changed" = 0 ] || { echo "FAIL: unchanged captures rewritten"; diff "$t/s2" "$t/s3"; fail=1; }
grep -q 'double-close.f-yy.txt' "$t/out/findings.jsonl" || fail=1
# a new capture in the archive: only it is analysed
cp "$S/use-after-close.f-tt-T-yy.txt" "$t/in/"
run added 1
# results of another tool version are not reused
m=$(ls "$t"/out/*/manifest.json | head -1)
sed 's/"version": "[^"]*"/"version": "0.0.0-old"/' "$m" >"$t/m" && cat "$t/m" >"$m"
run version 1
# a capture that crashed earlier is tried again
m=$(ls "$t"/out/*/manifest.json | tail -1)
sed 's/"state": "[a-z]*"/"state": "crashed"/' "$m" >"$t/m" && cat "$t/m" >"$m"
run crashed 1
run force 7 --force
# a capture gone from the archive stays in the index until --prune
rm "$t/in/benign.f-yy.txt"
run removed 0
grep -q '"capture":"[^"]*benign.f-yy.txt"' "$t/out/findings.jsonl" ||
	{ echo "FAIL: results of a removed capture dropped without --prune"; fail=1; }
run pruned 0 --prune
grep -q 'benign.f-yy.txt' "$t/out/findings.jsonl" &&
	{ echo "FAIL: --prune kept a removed capture"; fail=1; }
ls "$t/out" | grep -q 'benign.f-yy' && { echo "FAIL: --prune left its folder"; fail=1; }
# the final index equals a fresh run over the same inputs
"$HT" batch -j1 -q -o "$t/fresh" "$t/in"
for f in index.html findings.jsonl findings.sarif; do
	cmp -s "$t/fresh/$f" "$t/out/$f" ||
		{ echo "FAIL: $f after reruns differs from a fresh run"; fail=1; }
done
exit $fail
