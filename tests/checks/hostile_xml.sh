#!/bin/sh
# tests/checks/hostile_xml.sh - malicious XML (issue 5): external entities,
# parameter entities, XInclude and DTDs pointing at a local secret or the
# network; entity expansion bombs; very deep nesting; huge and numerous
# attributes; huge text.  The secret must appear in no output (JSON, text,
# HTML, stderr) and, when strace can watch, the secret and the DTD files
# are never even opened and no socket is made.  Bombs run under limits.
. "$top/tests/hostile/lib.sh"
need_python
X=$H/xml
E=$H/etw

secret="HT-SECRET-$$-7f3a9c"
printf '%s\n' "$secret" >"$W/secret.txt"
printf '<!ENTITY leak "%s">\n<!ENTITY net SYSTEM "file://%s">\n' \
	"$secret" "$W/secret.txt" >"$W/secret.dtd"
# a port nothing should ever connect to: a listener that records contact
port_file=$W/port
python3 - "$port_file" "$W/contacted" <<'PY' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(600)
try:
    c, _ = s.accept()
    open(sys.argv[2], "w").write("contacted\n")
except OSError:
    pass
PY
listener=$!
trap 'kill $listener 2>/dev/null' EXIT
i=0
while [ ! -s "$port_file" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$port_file")

# fill in the paths; also make a UTF-16 copy and a long-comment copy
for f in "$X"/*.xml; do
	sed -e "s|@SECRET@|$W/secret.txt|g" -e "s|@SECRET_DTD@|$W/secret.dtd|g" \
	    -e "s|@PORT@|$port|g" "$f" >"$W/$(basename "$f")"
done
python3 - "$W/xxe-file.xml" "$W/xxe-utf16.xml" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
t = t.replace('encoding="UTF-8"', 'encoding="UTF-16"')
open(sys.argv[2], "wb").write(b"\xff\xfe" + t.encode("utf-16-le"))
PY
{
	echo '<?xml version="1.0"?>'
	printf '<!-- a comment longer than the first 64 KiB '
	head -c 70000 /dev/zero | tr '\0' 'x'
	echo ' -->'
	sed 1,3d "$W/xxe-file.xml"
} >"$W/xxe-after-comment.xml"

can_strace=
if command -v strace >/dev/null 2>&1 &&
	strace -f -qq -o /dev/null true 2>/dev/null; then
	can_strace=1
fi

# xxe_case NAME FILE [HT-ARGS...]: the secret reaches no output, and under
# strace neither the secret nor the DTD is opened and no socket is made
xxe_case() {
	name=$1
	shift
	run_ht "$name" "$@"
	expect "$name" --exit 0,1,2 --absent "$secret"
	in=/dev/null
	if [ "$1" = --stdin ]; then
		in=$2
		shift 2
	fi
	if [ -n "$can_strace" ]; then
		strace -f -qq -e trace=%file,%network -o "$W/$name.strace" \
			"$HT" --json "$W/$name/s.json" --html "$W/$name/s.html" \
			--text "$W/$name/s.txt" "$@" <"$in" >/dev/null 2>&1
		if grep -E "secret\.(txt|dtd)|connect\(|socket\(" \
			"$W/$name.strace" >"$W/$name.hits"; then
			case_fail "$name-no-open" "$(head -3 "$W/$name.hits")"
		else
			case_ok "$name-no-open (strace: secret and DTD never opened, no socket)"
		fi
		if grep -l "$secret" "$W/$name"/s.* >/dev/null 2>&1; then
			case_fail "$name-strace-run" "secret in an output"
		fi
	fi
}

for c in xxe-file xxe-parameter xxe-wevtutil xxe-utf16 xxe-after-comment \
	xinclude dtd-file dtd-http entity-no-dtd stylesheet-pi; do
	xxe_case "$c" "$W/$c.xml"
done
xxe_case xxe-forced --format etw-xml "$W/xxe-file.xml"
xxe_case xxe-perfview --format perfview-xml "$W/xxe-file.xml"
xxe_case rules-xxe --rules "$W/rules-xxe.xml" "$E/base.perfview.xml"
xxe_case xxe-stdin --stdin "$W/xxe-file.xml" -
# a DOCTYPE is refused outright, with the file and line named
expect xxe-file --exit 2 --stderr-re 'xxe-file\.xml:[0-9]+: .*DOCTYPE'
expect rules-xxe --exit 2 --stderr-re 'rules-xxe\.xml:[0-9]+: .*DOCTYPE'
if [ -s "$W/contacted" ]; then
	case_fail dtd-http-network "handletrail connected to the DTD server"
else
	case_ok "dtd-http-network (nothing connected to 127.0.0.1:$port)"
fi

# expansion bombs: refused, in bounded time and memory
run_ht billion-laughs "$W/billion-laughs.xml"
expect billion-laughs --exit 2 --stderr-re 'billion-laughs\.xml:[0-9]+: '
python3 - "$W/quadratic.xml" "$E/base.wevtutil.xml" <<'PY'
import sys
ev = open(sys.argv[2]).read().split("\n")[20]
big = "A" * 100000
with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0"?>\n<!DOCTYPE Events [<!ENTITY a "%s">]>\n'
            % big)
    f.write("<Events>\n" + ev.replace("</EventData>", "<Data Name='x'>" +
            "&a;" * 100000 + "</Data></EventData>") + "\n</Events>\n")
PY
run_ht quadratic "$W/quadratic.xml"
expect quadratic --exit 2 --stderr-re 'quadratic\.xml(:[0-9]+)?: '
run_ht quadratic-forced --format etw-xml "$W/quadratic.xml"
expect quadratic-forced --exit 2 \
	--stderr-re 'quadratic\.xml:[0-9]+: .*DOCTYPE'

# structure bombs, made here: deep nesting, a 20 MB attribute, 200000
# attributes on one element (libxml2 checks duplicates pairwise), 20 MB of
# text, 100000 <Data> elements in one event; each inside a real export
python3 - "$W" "$E/base.wevtutil.xml" "$E/base.perfview.xml" <<'PY'
import sys
w, wev, pv = sys.argv[1], open(sys.argv[2]).read(), open(sys.argv[3]).read()
lines = wev.split("\n")
head, ev, tail = "\n".join(lines[:20]), lines[20], "\n".join(lines[21:])
def put(name, event):
    open("%s/%s.xml" % (w, name), "w").write(head + "\n" + event + "\n" + tail)
put("deep-nesting", ev.replace("</EventData>",
    "<Data Name='x'>" + "<a>" * 200000 + "</a>" * 200000 + "</Data></EventData>"))
put("huge-attribute", ev.replace("<Execution ",
    "<Execution Huge='" + "A" * 20000000 + "' "))
put("many-attributes", ev.replace("<Execution ",
    "<Execution " + " ".join("a%d='1'" % i for i in range(200000)) + " "))
put("huge-text", ev.replace("</EventData>",
    "<Data Name='Big'>" + "T" * 20000000 + "</Data></EventData>"))
put("many-data", ev.replace("</EventData>",
    "<Data Name='d'>1</Data>" * 100000 + "</EventData>"))
pl = pv.split("\n")
pl.insert(20, '<Event MSec="1.0" PID="3396" PName="kbserver" TID="4120" '
          'EventName="Object/CreateHandle" ' +
          " ".join('x%d="1"' % i for i in range(200000)) + "/>")
open("%s/many-attributes-perfview.xml" % w, "w").write("\n".join(pl))
PY
for c in deep-nesting huge-attribute many-attributes huge-text many-data \
	many-attributes-perfview; do
	# (the KB story's application events need its rules file)
	run_ht "$c" --rules "$SAMPLES/etw/kbserver.rules.xml" "$W/$c.xml"
	# either refused on line 21 (exit 2) or read with the rest intact
	expect "$c" --exit 1,2 --events-min 3 --stderr-re '^$|xml:21: '
	echo "bound: $c: $(cost_of "$c")"
	cpu=$(cost_field "$c" cpu_s)
	if [ "${cpu%.*}" -ge 10 ]; then
		case_fail "$c-time" "${cpu} s of CPU (limit 10)"
	fi
	rm -f "$W/$c.xml"
done
for c in billion-laughs quadratic quadratic-forced; do
	echo "bound: $c: $(cost_of "$c")"
done
finish
