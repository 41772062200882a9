#!/bin/sh
# tests/hostile/bench.sh - what hostile input costs, for make bench: time
# and peak RSS of handletrail on decompression bombs, XML attacks, a 50 MB
# line and a trace made of nothing but findings.  Figures only; the same
# cases are asserted with generous bounds by tests/checks/hostile_*.sh.
#   sh tests/hostile/bench.sh [HANDLETRAIL]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
H=$top/tests/hostile
HT=${1:-$top/handletrail}
W=$(mktemp -d "${TMPDIR:-/tmp}/htbench.XXXXXX")
trap 'rm -rf "$W"' EXIT

row() {  # label file args...
	label=$1
	shift
	python3 "$H/measure.py" "$W/run" 0 300 -- "$HT" --json "$W/out.json" \
		"$@" 2>/dev/null
	printf '  %-44s exit %s  %s\n' "$label" "$(cat "$W/run/rc")" \
		"$(cat "$W/run/cost")"
}

echo "hostile input (each: wall and CPU seconds, peak RSS; see tests/hostile/README.md)"
sh "$H/make-bombs.sh" "$W" || exit 1
row "gzip bomb, 10 GB zeros in $(($(wc -c <"$W/bomb.gz") >> 20)) MB" "$W/bomb.gz"
row "zstd bomb, 10 GB zeros in $(($(wc -c <"$W/bomb.zst") >> 10)) KB" "$W/bomb.zst"
row "xz bomb, 10 GB zeros in $(($(wc -c <"$W/bomb.xz") >> 20)) MB" "$W/bomb.xz"
row "gzip bomb, 4 GB of newlines" "$W/bomb-lines.gz"
row "gzip -1 bomb, 2 GB under the ratio guard" "$W/bomb-lowratio.gz"
rm -f "$W"/bomb* "$W/zeros.zst"

S=$H/strace
{ sed -n 1,9p "$S/base.txt"
  printf '100   10:00:00.000850 write(1, "'
  head -c 52428800 /dev/zero | tr '\0' 'A'
  printf '"..., 52428800) = 52428800\n'
  sed -n '10,$p' "$S/base.txt"; } >"$W/long.txt"
row "strace, one 50 MB line" "$W/long.txt"
rm -f "$W/long.txt"
{ echo '100   10:00:00.000001 openat(AT_FDCWD</w>, "/etc/hosts", O_RDONLY) = 3</etc/hosts>'
  echo '100   10:00:00.000002 close(3</etc/hosts>) = 0'
  awk 'BEGIN { for (i = 0; i < 300000; i++)
	printf "100   10:00:01.%06d close(3) = -1 EBADF (Bad file descriptor)\n", i }'
} >"$W/findings.txt"
row "strace, 300000 double closes (finding cap)" "$W/findings.txt"
printf '  %-44s %s MB of JSON\n' "" "$(($(wc -c <"$W/out.json") >> 20))"
rm -f "$W/findings.txt"

# scale: what the state costs when numbers and threads run into millions
sh "$H/make-stale-closes.sh" 400000 >"$W/scale.txt"
row "strace, 400000 numbers closed stale ($(($(wc -c <"$W/scale.txt") >> 20)) MB)" "$W/scale.txt"
awk 'BEGIN { for (i = 0; i < 1000000; i++) { fd = 3 + i * 7919 % 2000000000
	printf "100   10:00:01.%06d openat(AT_FDCWD, \"/x\", O_RDONLY) = %d</x> <0.000001>\n", i, fd
	printf "100   10:00:01.%06d close(%d</x>) = 0 <0.000001>\n", i, fd } }' \
	>"$W/scale.txt"
row "strace, 1M distinct fd numbers open+close" "$W/scale.txt"
awk 'BEGIN { for (i = 0; i < 1000000; i++)
	printf "100   10:00:01.%06d openat(AT_FDCWD, \"/x\", O_RDONLY) = %d</x> <0.000001>\n", i, 3 + i }' \
	>"$W/scale.txt"
row "strace, 1M fds open at once" "$W/scale.txt"
awk 'BEGIN { for (i = 0; i < 1000000; i++) { t = 1000 + i
	printf "100   10:00:01.%06d clone(child_stack=0x7f, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM) = %d <0.000001>\n", i, t
	printf "%d   10:00:01.%06d getpid() = 100 <0.000001>\n", t, i
	printf "%d   10:00:01.%06d +++ exited with 0 +++\n", t, i } }' \
	>"$W/scale.txt"
row "strace, 1M threads of one process" "$W/scale.txt"
rm -f "$W/scale.txt"

for c in procs-live dup-foreign same-handle; do
	python3 "$H/make-etw-scale.py" $c 200000 "$W/scale.xml"
	row "ETW, $c, N=200000" "$W/scale.xml"
done
rm -f "$W/scale.xml"

E=$H/etw/base.wevtutil.xml
python3 - "$W" "$E" <<'PY'
import sys
w, lines = sys.argv[1], open(sys.argv[2]).read().split("\n")
head, ev, tail = "\n".join(lines[:20]), lines[20], "\n".join(lines[21:])
def put(name, event):
    open("%s/%s.xml" % (w, name), "w").write(head + "\n" + event + "\n" + tail)
put("deep", ev.replace("</EventData>", "<Data Name='x'>" + "<a>" * 200000 +
    "</a>" * 200000 + "</Data></EventData>"))
put("attr", ev.replace("<Execution ", "<Execution Huge='" + "A" * 20000000 + "' "))
put("attrs", ev.replace("<Execution ", "<Execution " +
    " ".join("a%d='1'" % i for i in range(200000)) + " "))
put("text", ev.replace("</EventData>", "<Data Name='Big'>" + "T" * 20000000 +
    "</Data></EventData>"))
lol = ['<!ENTITY lol "lol">'] + ['<!ENTITY lol%d "%s">' % (i, ("&lol%s;" %
       (i - 1 if i > 1 else "")) * 10) for i in range(1, 10)]
open("%s/lol.xml" % w, "w").write('<?xml version="1.0"?>\n<!DOCTYPE Events [' +
    "".join(lol) + "]>\n<Events>\n" + ev.replace("</EventData>",
    "<Data Name='x'>&lol9;</Data></EventData>") + "\n</Events>\n")
PY
row "ETW XML, billion laughs" "$W/lol.xml"
row "ETW XML, 200000-deep nesting" "$W/deep.xml"
row "ETW XML, one 20 MB attribute" "$W/attr.xml"
row "ETW XML, 200000 attributes on one element" "$W/attrs.xml"
row "ETW XML, 20 MB of text in one <Data>" "$W/text.xml"
