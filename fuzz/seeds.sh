#!/bin/sh
# fuzz/seeds.sh TARGET DIR - copies the seed inputs for one fuzz target into
# DIR: strace captures for the strace targets, event XML for etw_xml, rules
# files for rules, samples/perf/ captures for perf_script and perf_trace, each cut to 64 KiB (libFuzzer's -max_len).
set -u
t=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p "$out"
shared=${SHARED:-$top/../shared}
max=65536
n=0

add() {
	n=$((n + 1))
	dst=$out/$(printf '%04d' "$n")-$(basename "$1")
	case $1 in
	*.gz|*.xz|*.zst)
		# the text, cut: a cut compressed file is only a broken one
		# (each such file still goes in whole when it is small)
		case $1 in *.gz) z=gzip ;; *.xz) z=xz ;; *) z=zstd ;; esac
		$z -dc <"$1" 2>/dev/null | head -c "$max" >"$dst.txt"
		[ "$(wc -c <"$1")" -le "$max" ] &&
			[ "$($z -dc <"$1" 2>/dev/null | head -c 262145 | wc -c)" -le 262144 ] &&
			cp "$1" "$dst"
		;;
	*) head -c "$max" "$1" >"$dst" ;;
	esac
}

candidates() {
	for d in samples tests/data tests/hostile "$shared/strace-captures"; do
		[ -d "$d" ] && find "$d" -type f -size -8M 2>/dev/null
	done | grep -v '/fuzz-regressions/' | sort
}

is_xml() {
	head -c 512 "$1" | tr -d '\000' | grep -q '^[[:space:]]*<' 2>/dev/null
}

candidates | while read -r f; do
	case $f in
	*.c|*.h|*.sh|*.md|*.json|*.html|*.sarif|*/expected|*/cmd|*/exit|\
	*.def|*.py|*Makefile|*.mk|*.dict|*.out|*.story|*.tsv|*.awk|\
	*.1|*.css|*.js) continue ;;
	esac
	case $t in
	strace_*)
		case $f in *.xml|*.xml.*|*/etw/*|*/rules/*) continue ;; esac
		is_xml "$f" && continue
		add "$f" ;;
	etw_xml)
		case $f in *rules*) continue ;; esac
		case $f in
		*.xml|*.xml.gz|*/etw/*) add "$f" ;;
		*) is_xml "$f" && add "$f" ;;
		esac ;;
	rules)
		case $f in *rules*) add "$f" ;; esac ;;
	perf_script)	# (the fuzz input's first byte picks the form)
		case $f in
		*/perf/*.perf-script.txt|*/perf/*.trace-cmd.txt)
			tmp=$(mktemp -d)
			case $f in *perf-script*) b='\000' ;; *) b='\001' ;; esac
			{ printf "$b"; cat "$f"; } >"$tmp/$(basename "$f")"
			add "$tmp/$(basename "$f")"
			rm -rf "$tmp" ;;
		esac ;;
	perf_trace)
		case $f in */perf/*.perf-trace.txt) add "$f" ;; esac ;;
	esac
done
# .etl files: the samples and the small real ones; for the decoder, each
# compressed buffer of them as (stated size, compressed bytes)
if [ "$t" = etl ] || [ "$t" = xpress ]; then
	for f in samples/etw/*.etl "$shared"/etw-real/*/*.etl; do
		[ -f "$f" ] && [ "$(wc -c <"$f")" -le "$max" ] || continue
		if [ "$t" = etl ]; then
			add "$f"
		else
			python3 - "$f" "$out" <<'PY'
import os, struct, sys
d = open(sys.argv[1], "rb").read()
o = 0
while o + 0x48 <= len(d):
    size, filled = struct.unpack_from("<I", d, o)[0], struct.unpack_from("<I", d, o + 0x30)[0]
    if size < 0x48 or o + size > len(d):
        break
    if struct.unpack_from("<H", d, o + 0x34)[0] & 0x40:
        name = "%s-%x" % (os.path.basename(sys.argv[1]), o)
        with open(os.path.join(sys.argv[2], name), "wb") as f:
            f.write(struct.pack("<H", (filled - 0x48) & 0xFFFF) + d[o + 0x48:o + size])
    o += size
PY
		fi
	done
fi
# the fixed trace of fuzz_rules is a fair start for every XML reader
[ "$t" = etw_xml ] && cp fuzz/rules-trace.xml "$out/rules-trace.xml"
[ "$t" = rules ] && cp fuzz/rules-seed.xml "$out/rules-seed.xml"
exit 0
