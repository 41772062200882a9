#!/bin/sh
# tests/checks/samples_stories.sh - the committed captures still tell their
# stories (samples/stories/), and samples/expected.tsv and the oracle table
# in samples/README.md are exactly what samples/oracle.sh derives from them.
set -u
cd "${top:-.}"
for t in awk xz zstd gzip; do
	command -v $t >/dev/null 2>&1 || { echo "$t is missing"; exit 77; }
done
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
sh samples/oracle.sh "$d/out" || { echo "oracle.sh failed"; exit 1; }
fail=0
if ! diff -u samples/expected.tsv "$d/out/expected.tsv"; then
	echo "samples/expected.tsv is stale: run sh samples/oracle.sh"
	fail=1
fi
sed -n '/^<!-- oracle:begin -->$/,/^<!-- oracle:end -->$/p' samples/README.md |
	sed '1d;$d' >"$d/readme-table"
if ! diff -u "$d/readme-table" "$d/out/table.md"; then
	echo "the table in samples/README.md is stale: run sh samples/oracle.sh"
	fail=1
fi
exit $fail
