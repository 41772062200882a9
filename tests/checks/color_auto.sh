#!/bin/sh
# tests/checks/color_auto.sh - --color auto on a terminal (script(1) gives
# one): colour with an ordinary TERM, none with TERM=dumb or NO_COLOR.
set -u
command -v script >/dev/null 2>&1 || { echo "script(1) not installed"; exit 77; }
# a chroot without /dev/pts mounted has no pseudo-terminal to give
tty=$(script -qec 'test -t 1 && echo yes' /dev/null 2>/dev/null | tr -d '\r')
[ "$tty" = yes ] || { echo "script(1) gives no terminal here (no /dev/pts?)"; exit 77; }
cd "$top"
esc=$(printf '\033')
run() {  # TERM value, NO_COLOR value: prints the number of escapes seen
	TERM=$1 NO_COLOR=$2 script -qec "\"$HT\" samples/strace/kb-socket.f-tt-T-yy.txt" \
		/dev/null 2>/dev/null | grep -c "$esc\["
}
fail=0
n=$(run xterm "")
[ "$n" -gt 0 ] || { echo "TERM=xterm on a terminal: no colour"; fail=1; }
n=$(run dumb "")
[ "$n" -eq 0 ] || { echo "TERM=dumb: $n coloured lines"; fail=1; }
n=$(run xterm 1)
[ "$n" -eq 0 ] || { echo "NO_COLOR=1: $n coloured lines"; fail=1; }
exit $fail
