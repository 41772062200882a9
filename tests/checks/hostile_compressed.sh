#!/bin/sh
# tests/checks/hostile_compressed.sh - corrupt and truncated gzip/xz/zstd
# captures and decompression bombs (issue 5).  Everything is made here from
# tests/hostile/strace/base.txt: a corrupt file must stop with exit 2 and a
# message naming the file, the line and the damage, keeping the report of
# what came before; a bomb must stop (or finish) within bounded time and
# memory.  The figures are printed as "bound:" lines for make bench.
. "$top/tests/hostile/lib.sh"
need_python
S=$H/strace
for z in gzip xz zstd; do
	command -v $z >/dev/null 2>&1 || { echo "$z not installed"; exit 77; }
done

# a capture long enough that damage in the middle leaves a partial report:
# the base story, then 20000 reads with varied text, then the exits
{
	sed -n 1,17p "$S/base.txt"
	awk 'BEGIN { for (i = 0; i < 20000; i++)
		printf "100   10:00:01.%06d read(3</etc/hosts>, \"%08x\", 64) = 8 <0.000002>\n", i, i * 2654435761 % 4294967296 }'
	sed -n '18,$p' "$S/base.txt"
} >"$W/long.txt"
lines=$(wc -l <"$W/long.txt")

# flip_at FILE FRACTION : overwrite 16 bytes at that fraction of the file
flip_at() {
	python3 - "$1" "$2" <<'PY'
import sys
p, frac = sys.argv[1], float(sys.argv[2])
b = bytearray(open(p, "rb").read())
at = int(len(b) * frac)
for i in range(at, min(at + 16, len(b))):
    b[i] ^= 0x5A
open(p, "wb").write(bytes(b))
PY
}

for z in gzip xz zstd; do
	case $z in gzip) ext=gz ;; xz) ext=xz ;; zstd) ext=zst ;; esac
	$z -c <"$W/long.txt" >"$W/good.$ext"
	# damage in the middle: partial report, exit 2, file and line named
	cp "$W/good.$ext" "$W/corrupt.$ext"
	flip_at "$W/corrupt.$ext" 0.6
	run_ht "corrupt-$z" "$W/corrupt.$ext"
	expect "corrupt-$z" --exit 2 --events-min 10 \
		--stderr-re "corrupt\.$ext:[0-9]+: .*($z|corrupt|data)" \
		--fatal-re "($z|corrupt|data)"
	# cut in half
	head -c "$(($(wc -c <"$W/good.$ext") / 2))" "$W/good.$ext" \
		>"$W/truncated.$ext"
	run_ht "truncated-$z" "$W/truncated.$ext"
	expect "truncated-$z" --exit 2 --events-min 10 \
		--stderr-re "truncated\.$ext:[0-9]+: .*(truncated|ends early)" \
		--fatal-re "truncated|ends early"
	# damaged header: nothing readable, but say so (not "unknown format")
	cp "$W/good.$ext" "$W/header.$ext"
	flip_at "$W/header.$ext" 0.0001
	dd if="$W/good.$ext" of="$W/header.$ext" bs=1 count=4 conv=notrunc \
		2>/dev/null
	run_ht "bad-header-$z" "$W/header.$ext"
	expect "bad-header-$z" --exit 2 \
		--stderr-re "header\.$ext:([0-9]+:)? .*($z|corrupt|data|header)"
	# good data followed by junk
	{ cat "$W/good.$ext"; printf 'trailing junk, not compressed\n'; } \
		>"$W/trailing.$ext"
	run_ht "trailing-junk-$z" "$W/trailing.$ext"
	expect "trailing-junk-$z" --exit 2 --events-min "$((lines - 10))" \
		--stderr-re "trailing\.$ext:[0-9]+: "
	rm -f "$W"/*."$ext"
done

# decompression bombs (see make-bombs.sh): 10 GB of zeros behind a real
# capture as gzip members, zstd frames and xz streams, 4 GB of newlines,
# a 2 GB bomb below the ratio guard, and zeros alone
sh "$H/make-bombs.sh" "$W"
run_ht run-zeros "$W/zeros.zst"
expect run-zeros --exit 2 --stderr-re "zeros\.zst(:[0-9]+)?: "
for b in bomb.gz bomb.zst bomb.xz bomb-lines.gz; do
	run_ht "run-$b" "$W/$b"
	# the story before the bomb is reported
	expect "run-$b" --exit 2 --stderr-re "$b:[0-9]+: .*(bomb|exceeds)" \
		--finding double-close
done
run_ht run-bomb-stdin --stdin "$W/bomb.zst" -
expect run-bomb-stdin --exit 2 \
	--stderr-re "<stdin>:[0-9]+: .*(bomb|exceeds)"
run_ht run-bomb-lowratio.gz "$W/bomb-lowratio.gz"
expect run-bomb-lowratio.gz --exit 1 --skipped-min 1 --finding double-close

for b in bomb.gz bomb.zst bomb.xz bomb-lines.gz bomb-stdin \
	bomb-lowratio.gz zeros; do
	f=$W/$b
	[ "$b" = bomb-stdin ] && f=$W/bomb.zst
	[ "$b" = zeros ] && f=$W/zeros.zst
	size=$(wc -c <"$f")
	echo "bound: $b ($size bytes compressed): $(cost_of "run-$b")"
	rss=$(cost_field "run-$b" maxrss_mb)
	cpu=$(cost_field "run-$b" cpu_s)
	if [ -z "${SAN:-}" ] && [ "${rss%.*}" -gt 256 ]; then
		case_fail "$b-memory" "peak RSS ${rss} MB (limit 256)"
	fi
	if [ -z "${SAN:-}" ] && [ "${cpu%.*}" -ge 30 ]; then
		case_fail "$b-time" "${cpu} s of CPU (limit 30)"
	fi
done
rm -f "$W"/bomb*
finish
