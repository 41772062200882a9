#!/bin/sh
# tests/checks/docs.sh - the docs cannot drift: every option of
# cli/options.def is in --help and the man page, the man page is clean
# groff, and the examples of --help and README.md run as written.
set -u
cd "$top"
fail=0
help=$("$HT" --help) || { echo "--help failed"; exit 1; }
t=$(mktemp -d)
# The option table, one "name commands" line per row (M main, B batch,
# I index, T triage), against each command's --help and the man page's
# sections, both ways: an option in one and not the other fails.
sed -n 's/^OPT("\([a-z-]*\)", *[^,]*, *[01], *"[^"]*", *"\([A-Z]*\)".*/\1 \2/p' \
	cli/options.def >"$t/rows"
[ -s "$t/rows" ] || { echo "no rows read from cli/options.def"; exit 1; }
for cmd in M B I; do
	case $cmd in
	M) "$HT" --help ;; B) "$HT" batch --help ;; I) "$HT" index --help ;;
	esac | sed -n 's/^  \(-[A-Za-z], \)\{0,1\} *--\([a-z-]*\).*/\2/p' |
		sort -u >"$t/help.$cmd"
	awk -v c=$cmd 'index($2, c) { print $1 }' "$t/rows" | sort -u >"$t/table.$cmd"
	diff "$t/table.$cmd" "$t/help.$cmd" >"$t/d" ||
		{ echo "--help of $cmd differs from cli/options.def (< table, > help):"; cat "$t/d"; fail=1; }
done
awk '{ s = $2 ~ /T/ ? "TRIAGE OPTIONS" : ""
       if (s) { print s "|" $1; next }
       if ($2 ~ /M/) print "OPTIONS|" $1
       if ($2 ~ /B/) print "BATCH OPTIONS|" $1
       if ($2 ~ /I/) print "INDEX OPTIONS|" $1 }' "$t/rows" | sort -u >"$t/table.man"
awk '/^\.SH / { sec = $0; sub(/^\.SH /, "", sec); gsub(/"/, "", sec); next }
     /^\.TP/ { tp = 1; next }
     tp && sec ~ /OPTIONS$/ { tp = 0
	if (match($0, /\\-\\-[a-z\\-]*/)) {
		o = substr($0, RSTART + 4, RLENGTH - 4); gsub(/\\/, "", o)
		print sec "|" o } }
     { tp = 0 }' doc/handletrail.1 | sort -u >"$t/man"
diff "$t/table.man" "$t/man" >"$t/d" ||
	{ echo "doc/handletrail.1 differs from cli/options.def (< table, > man page):"; cat "$t/d"; fail=1; }
rm -rf "$t"
for k in $(sed -n 's/.*X(FK_[A-Z_]*, *"\([a-z-]*\)".*/\1/p' timeline/timeline.h); do
	grep -q "^.B $k" doc/handletrail.1 || { echo "man page lacks finding $k"; fail=1; }
	grep -q "\`$k\`" README.md || { echo "README lacks finding $k"; fail=1; }
done
w=$(groff -man -ww -z doc/handletrail.1 2>&1)
[ -z "$w" ] || { echo "groff: $w"; fail=1; }

# --help examples, run in a scratch dir holding files of those names
d=$(mktemp -d)
kb=$(ls "$top"/samples/strace/kb-socket.f-tt-T-yy.txt 2>/dev/null ||
     ls "$top"/tests/data/strace/*.txt | head -1)
cp "$kb" "$d/trace.txt"
gzip -c "$kb" >"$d/trace.txt.gz"
i=0
for f in "$top"/tests/data/strace/race.ff-tt-y.1374[89] \
	 "$top"/tests/data/strace/race.ff-tt-y.13750; do
	[ -f "$f" ] && cp "$f" "$d/x.$((1234 + i))"
	i=$((i + 1))
done
mkdir -p "$d/samples" && cp "$kb" "$d/samples/"
echo "$help" | sed -n 's/^  handletrail \([^(]*\).*/\1/p' >"$d/examples"
while read -r args; do
	(cd "$d" && eval "\"$HT\" $args" >"$d/.stdout" 2>"$d/.stderr")
	rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "--help example 'handletrail $args' exited $rc:"
		cat "$d/.stderr"
		fail=1
	fi
done <"$d/examples"
[ -s "$d/report.json" ] && [ -s "$d/report.html" ] ||
	{ echo "--help example did not write report.json/report.html"; fail=1; }

# README examples: in ```console blocks, "$ ..." lines are run as pasted
# from the repository root (no PATH help: the README says ./handletrail)
# and must print exactly the lines that follow.
awk -v d="$d" '
	/^```console/ { inb = 1; next }
	/^```/ { inb = 0; next }
	inb && /^\$ / { n++; f = d "/readme." n; print substr($0, 3) > (f ".cmd"); next }
	inb { print >> (d "/readme." n ".exp") }
' README.md
for c in "$d"/readme.*.cmd; do
	[ -f "$c" ] || continue
	e=${c%.cmd}.exp
	[ -f "$e" ] || : >"$e"
	# run as pasted in the checkout: "./handletrail" is the build's copy
	# at the top (a sanitizer build runs its own binary in its place)
	if [ "${SAN:-}" ]; then
		sed "s|\./handletrail|\"$HT\"|g" "$c" >"$c.san"
		(cd "$top" && sh "$c.san") >"$d/got" 2>&1
	elif cmp -s "$HT" "$top/handletrail"; then
		(cd "$top" && sh "$c") >"$d/got" 2>&1
	else
		echo "./handletrail is not the binary under test ($HT): run make"
		fail=1
		continue
	fi
	if ! diff -u "$e" "$d/got"; then
		echo "README example '$(cat "$c")' drifted"
		fail=1
	fi
done
rm -rf "$d"
exit $fail
