#!/bin/sh
# tests/checks/hostile_regressions.sh - replays every input the fuzzers
# ever broke something with (tests/data/fuzz-regressions/TARGET/) through
# the handletrail binary, read the way its fuzz target reads it, and checks
# that it neither crashes nor writes a malformed report.
. "$top/tests/hostile/lib.sh"
need_python
D=$top/tests/data/fuzz-regressions
found=0
for t in strace_line strace_pipeline etw_xml rules perf_script perf_trace etl; do
	[ -d "$D/$t" ] || continue
	for f in "$D/$t"/*; do
		[ -f "$f" ] || continue
		case $f in *.md) continue ;; esac
		found=$((found + 1))
		b=$t-$(basename "$f")
		case $t in
		strace_line)
			# odd sizes are read as a -ff file of thread 4242
			cp "$f" "$W/in.4242"
			run_ht "$b" --format strace "$W/in.4242"
			expect "$b" --exit 0,1,2
			run_ht "$b-plain" --format strace "$f"
			expect "$b-plain" --exit 0,1,2 ;;
		strace_pipeline)
			# a form feed splits the input into two -ff files
			python3 - "$f" "$W/x" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
a, sep, b = d.partition(b"\f")
open(sys.argv[2] + ".101", "wb").write(a)
open(sys.argv[2] + ".102", "wb").write(b if sep else b"")
open(sys.argv[2] + ".split", "w").write("1" if sep else "")
PY
			if [ -s "$W/x.split" ]; then
				run_ht "$b" --format strace "$W/x.101" "$W/x.102"
			else
				run_ht "$b" --format strace "$f"
			fi
			expect "$b" --exit 0,1,2 ;;
		etw_xml)
			for fmt in auto etw-xml perfview-xml; do
				run_ht "$b-$fmt" --format "$fmt" "$f"
				expect "$b-$fmt" --exit 0,1,2
			done ;;
		rules)
			run_ht "$b" --rules "$f" "$top/fuzz/rules-trace.xml"
			expect "$b" --exit 0,1,2 ;;
		perf_script)
			# the first byte picks perf script (even) or trace-cmd
			fmt=perf-script
			[ $(($(od -An -tu1 -N1 "$f") % 2)) -eq 1 ] && fmt=trace-cmd
			tail -c +2 "$f" >"$W/in.txt"
			run_ht "$b" --format $fmt "$W/in.txt"
			expect "$b" --exit 0,1,2 ;;
		perf_trace)
			run_ht "$b" --format perf-trace "$f"
			expect "$b" --exit 0,1,2 ;;
		etl)
			for fmt in auto etl; do
				run_ht "$b-$fmt" --format "$fmt" "$f"
				expect "$b-$fmt" --exit 0,1,2
			done ;;
		esac
	done
done
if [ "$found" -eq 0 ]; then
	echo "no fuzz regressions recorded yet"
	exit 77
fi
finish
