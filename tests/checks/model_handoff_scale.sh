#!/bin/sh
# tests/checks/model_handoff_scale.sh - a server that hands every accepted
# socket to another thread, which closes it, for longer than the finding
# cap (100,000): each of those closes is a stale close no failure proves,
# a hand-off, not a finding.  All of them are counted as hand-offs, none
# takes a finding's place, and a real double close after them is still
# found and listed (before, candidates filled the cap and the double close
# was only counted "past the cap").  Memory for such a trace is measured
# in make bench (the steady .etl), not here.
set -u
: "${HT:?}"
N=${N:-120000}
t=${TMPDIR:-/tmp}/handoff_scale.$$
mkdir -p "$t"
trap 'rm -rf "$t"' EXIT
awk -v n="$N" 'BEGIN {
	print "100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3"
	print "100 clone(child_stack=0x7f0, flags=CLONE_VM|CLONE_FS|" \
	      "CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = 101"
	for (i = 0; i < n; i++) {
		print "100 accept4(3, NULL, NULL, SOCK_CLOEXEC) = 5"
		print "101 close(5) = 0"
	}
	print "100 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 7"
	print "100 close(7) = 0"
	print "100 close(7) = -1 EBADF (Bad file descriptor)"
}' >"$t/handoff.txt"
"$HT" "$t/handoff.txt" >"$t/out" 2>"$t/err"
rc=$?
fail=0
[ "$rc" -eq 1 ] || { echo "FAIL: exit $rc, want 1 (a finding)"; fail=1; }
# the first close is not stale (the closer knew no older socket 5)
grep -q "^not findings: $((N - 1)) calls on a number another thread reopened" "$t/out" ||
	{ echo "FAIL: not $((N - 1)) hand-offs counted"; fail=1; }
grep -q "^==== F1 warning: double-close on fd 7 ====" "$t/out" ||
	{ echo "FAIL: the double close of fd 7 is not listed"; fail=1; }
grep -q "past the cap" "$t/out" &&
	{ echo "FAIL: hand-offs took findings' places"; fail=1; }
grep -q "^1 findings: 0 errors, 1 warnings" "$t/out" ||
	{ echo "FAIL: not exactly one finding"; fail=1; }
[ "$fail" -eq 0 ] || { sed -n '1,12p;/^not findings/,$p' "$t/out"; cat "$t/err"; exit 1; }
echo "PASS: $((N - 1)) hand-offs counted, the double close after them found"
