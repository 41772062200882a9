#!/bin/sh
# tests/checks/hostile_strace.sh - broken strace captures (issue 5): each
# case in tests/hostile/strace/ must give a report of what could be parsed,
# with every lost line counted by number, the same findings as the clean
# capture it was made from, and no crash; run under ulimit-style bounds.
. "$top/tests/hostile/lib.sh"
need_python
S=$H/strace

# the clean capture every case is compared with
run_ht base "$S/base.txt"
expect base --exit 1 --skipped 0 --no-fatal --finding double-close \
	--finding stale-use --finding use-after-close
B=$W/base

run_ht truncated-last-line "$S/truncated-last-line.txt"
expect truncated-last-line --exit 1 --skipped 1 --skip-line 18 \
	--no-fatal --findings-include "$B"

run_ht cut-mid-unfinished "$S/cut-mid-unfinished.txt"
expect cut-mid-unfinished --exit 0 --skipped 0 --no-fatal --events-min 6

run_ht resumed-no-start "$S/resumed-no-start.txt"
expect resumed-no-start --exit 1 --skipped 2 --skip-line 1:resum \
	--skip-line 2:resum --no-fatal --same-findings-as "$B"

run_ht garbage-interleaved "$S/garbage-interleaved.txt"
expect garbage-interleaved --exit 1 --skipped 5 --skip-line 3 \
	--skip-line 6 --skip-line 9 --skip-line 12 --skip-line 15 \
	--no-fatal --same-findings-as "$B"

run_ht nul-bytes "$S/nul-bytes.txt"
expect nul-bytes --exit 1 --skipped 2 --skip-line 7 --skip-line 17 \
	--no-fatal --same-findings-as "$B"

for c in crlf invalid-utf8 sgr-colour time-backwards; do
	run_ht "$c" "$S/$c.txt"
	expect "$c" --exit 1 --skipped 0 --no-fatal --same-findings-as "$B"
done

for c in midnight-tt midnight-t; do
	run_ht "$c" "$S/$c.txt"
	expect "$c" --exit 1 --skipped 0 --no-fatal --same-findings-as "$B" \
		--ts-ordered
done

run_ht concatenated "$S/concatenated.txt"
expect concatenated --exit 1 --skipped 0 --no-fatal --events-min 36 \
	--findings-include "$B"

run_ht newer-strace "$S/newer-strace.txt"
expect newer-strace --exit 0,1 --skipped 0 --no-fatal --events-min 15

run_ht tid-reuse "$S/tid-reuse.txt"
expect tid-reuse --exit 0 --skipped 0 --no-fatal \
	--no-finding double-close --no-finding stale-close \
	--no-finding stale-use --no-finding use-after-close \
	--no-finding close-while-in-use

# nothing at all: said plainly
: >"$W/empty.txt"
run_ht empty "$W/empty.txt"
expect empty --exit 2 --stderr-re 'empty\.txt: empty'

# time stamps no strace prints: absurd hours, fractions, -r sums and
# epochs; read or skipped, never an overflow (the sanitizer build checks)
run_ht absurd-timestamps "$S/absurd-timestamps.txt"
expect absurd-timestamps --exit 0,1 --no-fatal --events-min 5
run_ht relative-overflow "$S/relative-overflow.txt"
# (one thread: its double close is a note, so exit 0)
expect relative-overflow --exit 0 --no-fatal --finding double-close
# 120000 midnight wraps (a clock flapping between 23:59 and 00:00)
awk 'BEGIN { for (i = 0; i < 120000; i++) {
	printf "100   23:59:59.%06d getpid() = 100 <0.000001>\n", i % 1000000
	printf "100   00:00:00.%06d getpid() = 100 <0.000001>\n", i % 1000000 } }' \
	>"$W/flapping.txt"
run_ht flapping-clock "$W/flapping.txt"
expect flapping-clock --exit 0 --no-fatal --skipped 0

# a 50 MB line in the middle of the capture (made here, not committed)
big=52428800
{
	sed -n 1,9p "$S/base.txt"
	printf '100   10:00:00.000850 write(1, "'
	head -c "$big" /dev/zero | tr '\0' 'A'
	printf '"..., %s) = %s <0.010000>\n' "$big" "$big"
	sed -n '10,$p' "$S/base.txt"
} >"$W/long-line.txt"
run_ht long-line "$W/long-line.txt"
expect long-line --exit 1 --no-fatal --same-findings-as "$B"
# when the parser gives up on the line it must say why
if grep -q '"line": 10' "$W/long-line/out.json"; then
	grep -A1 '"line": 10' "$W/long-line/out.json" | grep -qi 'long\|size\|length' ||
		case_fail long-line-reason "line 10 skipped without saying it is too long"
fi

# 50 MB of garbage without a newline at the end of a good capture
{ cat "$S/base.txt"; head -c "$big" /dev/zero | tr '\0' 'B'; } \
	>"$W/long-tail.txt"
run_ht long-tail "$W/long-tail.txt"
expect long-tail --exit 1 --skipped 1 --skip-line 21 --no-fatal \
	--same-findings-as "$B"

for c in long-line long-tail; do
	rss=$(cost_field "$c" maxrss_mb)
	echo "bound: $c: $(cost_of "$c")"
	# sanitizer builds keep freed memory in quarantine: no RSS bound there
	if [ -z "${SAN:-}" ] && [ "${rss%.*}" -gt 400 ]; then
		case_fail "$c-memory" "peak RSS ${rss} MB for a 50 MB line (limit 400)"
	fi
done
rm -f "$W/long-line.txt" "$W/long-tail.txt"
finish
