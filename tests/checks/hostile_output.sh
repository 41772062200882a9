#!/bin/sh
# tests/checks/hostile_output.sh - output safety (issue 5): trace bytes
# never reach the terminal, HTML or JSON unescaped; reports are written
# atomically (an interrupted or failing run never leaves half a report in
# place of a good one; devices and FIFOs are written, not replaced); input
# files are never modified.
. "$top/tests/hostile/lib.sh"
need_python
S=$H/strace

# 1. escaping: terminal (with and without colour), HTML and JSON
run_ht escapes "$S/escape-sequences.txt"
# the coloured text report as a terminal would get it
"$HT" --color always "$S/escape-sequences.txt" \
	>"$W/escapes/out.color.txt" 2>/dev/null
expect escapes --exit 1 --no-fatal --finding stale-use \
	--absent-html '<script>alert' --absent-html '<img src=x' \
	--absent-html '<x-fuzz'
# the object must still be recognisable: escaped, not dropped
grep -q 'pwned' "$W/escapes/out.txt" &&
	grep -q 'script' "$W/escapes/out.html" &&
	case_ok "escapes-visible (the object is shown, escaped)" ||
	case_fail escapes-visible "the hostile object name vanished"
# the JSON inside the HTML page must not end its <script> early
python3 - "$W/escapes/out.html" <<'PY' || case_fail escapes-script "a </script> inside the page's data"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r"<script[^>]*>(.*?)</script>", html, re.S | re.I):
    if "alert(1)" in m.group(1) and "<" in m.group(1).split("alert(1)")[0][-12:]:
        sys.exit(1)
PY

# file names are hostile too (batch runs over customers' directories):
# every message and report shows them escaped
evil=$(printf '%s/evil\033]0;pwned\007\233J.txt' "$W")
cp "$S/garbage-interleaved.txt" "$evil"
run_ht evil-name "$evil"
expect evil-name --exit 1 --skipped 5
: >"$evil"
run_ht evil-name-empty "$evil"
expect evil-name-empty --exit 2 --stderr-re 'evil.*pwned'
rm -f "$evil"

# 2. a failing later output: the earlier report is whole, the good old
# file it replaced is never half-written, and the message names the path
printf 'OLD GOOD REPORT\n' >"$W/kept.json"
cp "$W/kept.json" "$W/kept.orig"
"$HT" --json "$W/kept.json" --html "$W/no/such/dir/r.html" \
	"$S/base.txt" >/dev/null 2>"$W/fail.err"
rc=$?
if [ "$rc" -ne 2 ]; then
	case_fail failing-output "exit $rc, expected 2"
elif ! grep -q 'no/such/dir/r\.html' "$W/fail.err"; then
	case_fail failing-output "message does not name the path: $(cat "$W/fail.err")"
elif ! cmp -s "$W/kept.json" "$W/kept.orig" &&
	! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' \
		"$W/kept.json" 2>/dev/null; then
	case_fail failing-output "kept.json is neither the old file nor a whole report"
else
	case_ok "failing-output (exit 2, path named, kept.json whole)"
fi

# 3. kill -9 at random moments while a big report is written: the target
# is always the old file or a whole new report
awk 'BEGIN { for (i = 0; i < 200000; i++) {
	fd = 3 + i % 50
	printf "100   10:00:%02d.%06d openat(AT_FDCWD</w>, \"/tmp/f%d\", O_RDONLY) = %d</tmp/f%d> <0.000002>\n", i / 100000, i % 100000 * 10, i, fd, i
	printf "100   10:00:%02d.%06d close(%d</tmp/f%d>) = 0 <0.000002>\n", i / 100000, i % 100000 * 10 + 1, fd, i
	printf "100   10:00:%02d.%06d close(%d) = -1 EBADF (Bad file descriptor) <0.000002>\n", i / 100000, i % 100000 * 10 + 2, fd
} }' >"$W/big.txt"
printf '{"old": "good report"}\n' >"$W/atomic.json"
cp "$W/atomic.json" "$W/atomic.orig"
"$HT" --json "$W/full.json" "$W/big.txt" >/dev/null 2>&1
torn=0
n=0
for delay in 0.05 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1.0 1.2 1.5 2 3; do
	"$HT" --json "$W/atomic.json" --html "$W/atomic.html" \
		"$W/big.txt" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n=$((n + 1))
	if ! cmp -s "$W/atomic.json" "$W/atomic.orig" &&
		! cmp -s "$W/atomic.json" "$W/full.json"; then
		torn=$((torn + 1))
		echo "  after ${delay}s: atomic.json is $(wc -c <"$W/atomic.json") bytes, neither old nor whole"
	fi
	cp "$W/atomic.orig" "$W/atomic.json"
done
if [ "$torn" -eq 0 ]; then
	case_ok "kill-9 ($n runs killed mid-way, target always old or whole)"
else
	case_fail kill-9 "$torn of $n interrupted runs left a torn report"
fi
left=$(ls "$W" | grep -c '\.tmp\.' || true)
echo "note: $left temp files left behind by the killed runs"
rm -f "$W"/*.tmp.*

# 4. a FIFO (or device) as output is written to, never replaced by a file
mkfifo "$W/out.fifo"
cat "$W/out.fifo" >"$W/fifo.got" &
reader=$!
"$HT" --json "$W/out.fifo" "$S/base.txt" >/dev/null 2>"$W/fifo.err"
sleep 0.2
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
if [ ! -p "$W/out.fifo" ]; then
	case_fail fifo-output "the FIFO was replaced by a regular file"
elif ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' \
	"$W/fifo.got" 2>/dev/null; then
	case_fail fifo-output "the reader did not get the JSON report"
else
	case_ok "fifo-output (written through, still a FIFO)"
fi
if [ "$(id -u)" = 0 ] && mknod "$W/null" c 1 3 2>/dev/null; then
	"$HT" --json "$W/null" "$S/base.txt" >/dev/null 2>&1
	if [ -c "$W/null" ]; then
		case_ok "device-output (a character device stays a device)"
	else
		case_fail device-output "the device node was replaced by a file"
	fi
fi

# 5. an output path that is one of the inputs is refused
cp "$S/base.txt" "$W/in.txt"
cp "$W/in.txt" "$W/in.orig"
"$HT" --json "$W/in.txt" "$W/in.txt" >/dev/null 2>"$W/same.err"
rc=$?
if ! cmp -s "$W/in.txt" "$W/in.orig"; then
	case_fail output-is-input "the input file was overwritten by a report"
elif [ "$rc" -ne 2 ]; then
	case_fail output-is-input "exit $rc, expected 2"
else
	case_ok "output-is-input (refused, input intact)"
fi

# 6. inputs are never modified: every hostile and sample input, read with
# every output, keeps its bytes and its modification time
find "$H" "$top/samples" -type f | sort >"$W/inputs"
while read -r f; do
	printf '%s %s\n' "$(stat -c %Y "$f")" "$(cksum <"$f")"
done <"$W/inputs" >"$W/before"
while read -r f; do
	case $f in *.c|*.h|*.py|*.sh|*.md|*.story|*.tsv|*.awk|*Makefile) continue ;; esac
	"$HT" --json "$W/sweep.json" --html "$W/sweep.html" \
		--text "$W/sweep.txt" "$f" >/dev/null 2>&1
	rc=$?
	if [ "$rc" -gt 2 ]; then
		case_fail "sweep" "$f: exit $rc"
	fi
done <"$W/inputs"
while read -r f; do
	printf '%s %s\n' "$(stat -c %Y "$f")" "$(cksum <"$f")"
done <"$W/inputs" >"$W/after"
if cmp -s "$W/before" "$W/after"; then
	case_ok "inputs-unchanged ($(wc -l <"$W/inputs") files read, none changed)"
else
	case_fail inputs-unchanged "$(diff "$W/before" "$W/after" | head -5)"
fi
finish
