#!/bin/sh
# tests/checks/batch_parallel.sh - the scale-out recipe of doc/batch.md on
# this machine: --shard K/N runs under GNU parallel, then handletrail index
# merges them; the result equals one plain batch run, byte for byte, both
# when shards share an OUTDIR and when each has its own (other machines).
set -u
: "${HT:?}" "${SAMPLES:?}"
command -v parallel >/dev/null 2>&1 ||
	{ echo "GNU parallel missing (apt-get install parallel)"; exit 77; }
t=${TMPDIR:-/tmp}/batch_par.$$
mkdir -p "$t"
trap 'rm -rf "$t"' EXIT
cd "$t" || exit 1
ln -s "$SAMPLES/strace" traces
fail=0
"$HT" batch -q -j2 --junit one.xml -o one traces
# shards sharing one OUTDIR (a shared file system)
parallel --will-cite -j3 "$HT" batch -q -j1 --shard {}/3 -o shared traces \
	::: 1 2 3
[ -f shared/index.html ] && { echo "FAIL: a shard wrote the index"; fail=1; }
"$HT" index -q --junit shared.xml shared
if ! diff -r one shared >diff.txt; then
	echo "FAIL: sharded + index differs from one batch run"
	head -20 diff.txt
	fail=1
fi
cmp -s one.xml shared.xml || { echo "FAIL: junit differs"; fail=1; }
# each shard its own OUTDIR (other machines), merged by index -o
parallel --will-cite -j3 "$HT" batch -q -j1 --shard {}/3 -o part{} traces \
	::: 1 2 3
n=0
for k in 1 2 3; do
	c=$(ls part$k | wc -l)
	[ "$c" -gt 0 ] || { echo "FAIL: shard $k got no capture"; fail=1; }
	n=$((n + c))
done
[ "$n" = "$(ls one | grep -vc '^index.html$\|^findings\.')" ] ||
	{ echo "FAIL: shards hold $n captures"; fail=1; }
"$HT" index -q -o merged part1 part2 part3
for f in findings.jsonl findings.sarif; do
	cmp -s one/$f merged/$f || { echo "FAIL: merged $f differs"; fail=1; }
done
# the index links into the shard folders; otherwise it is the same page
sed 's#\.\./part[123]/##g' merged/index.html | cmp -s - one/index.html ||
	{ echo "FAIL: merged index.html differs beyond its links"; fail=1; }
grep -q 'href="../part2/' merged/index.html ||
	{ echo "FAIL: merged index does not link into the shards"; fail=1; }
# index needs -o for several folders, and rejects non-folders
"$HT" index part1 part2 >/dev/null 2>&1 && { echo "FAIL: index without -o"; fail=1; }
"$HT" index nonexistent >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: index of a missing folder"; fail=1; }
exit $fail
