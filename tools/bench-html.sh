#!/bin/sh
# tools/bench-html.sh - HTML report at scale (run by tools/bench.sh): the KB
# sample repeated N times with shifted TIDs, once with the same paths
# (thousands of findings, few fingerprints: grouping) and once with a
# different path per copy (thousands of distinct findings: the caps).
# Prints render time beside --json, page size, and Chromium load time.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
HT=${HT:-$top/handletrail}
B=${B:-$top/build/bench}
N=${BENCH_HTML_COPIES:-2000}
src=$top/samples/strace/kb-socket.f-tt-T-yy.txt
[ -f "$src" ] || { echo "bench-html: no $src"; exit 0; }
mkdir -p "$B"

# copies with TIDs shifted; with "uniq", paths made distinct per copy
grow() {
	awk -v n="$N" -v uniq="$1" '
	function letters(c,  s) {
		s = ""
		do { s = s sprintf("%c", 97 + c % 26); c = int(c / 26) }
		while (c > 0)
		return s
	}
	{ line[NR] = $0 }
	END { for (c = 0; c < n; c++) {
		l = letters(c)
		for (i = 1; i <= NR; i++) {
			s = line[i]
			if (match(s, /^[0-9]+ /)) {
				t = substr(s, 1, RLENGTH - 1) + c * 100000
				s = t substr(s, RLENGTH)
			}
			if (uniq)
				gsub(/kb-socket\.log/, "kb-" l ".log", s)
			print s
		} } }' "$src"
}

secs() {
	/usr/bin/time -f '%e %M' -o "$B/html-time" "$@" >/dev/null 2>&1
	tail -1 "$B/html-time"
}

browser=""
for b in chromium chromium-browser google-chrome; do
	command -v "$b" >/dev/null 2>&1 && { browser=$b; break; }
done

echo "html: $N copies of $(basename "$src") ($(wc -l <"$src") lines each)"
for kind in same uniq; do
	t=$B/html-$kind.txt
	grow "$([ $kind = uniq ] && echo 1 || echo 0)" >"$t"
	set -- $(secs "$HT" --json "$B/html-$kind.json" "$t")
	json_s=$1
	set -- $(secs "$HT" --html "$B/html-$kind.html" "$t")
	html_s=$1 html_rss=$2
	nf=$(grep -c '"fingerprint"' "$B/html-$kind.json")
	nfp=$(grep -o '"fingerprint": *"[0-9a-f]*"' "$B/html-$kind.json" |
	      sort -u | wc -l)
	printf '  %-5s %6d findings %5d fingerprints: --json %5.2f s, ' \
		"$kind" "$nf" "$nfp" "$json_s"
	printf -- '--html %5.2f s (%.1f MB RSS), page %d bytes\n' \
		"$html_s" \
		"$(echo "$html_rss" | awk '{ print $1 / 1024 }')" \
		"$(stat -c %s "$B/html-$kind.html")"
	if [ -n "$browser" ]; then
		prof=$(mktemp -d)
		set -- $(secs "$browser" --headless --no-sandbox --disable-gpu \
			--no-first-run --disable-background-networking \
			--user-data-dir="$prof" --dump-dom \
			"file://$B/html-$kind.html")
		rm -rf "$prof"
		echo "        Chromium headless load + DOM dump: $1 s"
	fi
done
exit 0
