#!/bin/sh
# tests/checks/etl_damage.sh - damaged .etl files: cut short, a corrupt
# record, a buffer whose size field lies, a compressed buffer that does not
# decompress, a record whose size overruns its buffer.  Each is counted and
# named with its byte offset, the rest of the file is analysed, and nothing
# crashes (exit 0 or 1).  The report's input lines and findings must equal
# tests/data/etl/damage.expected (UPDATE=1 rewrites it).
set -u
cd "$top"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
python3 - "$d" <<'PY'
import struct, sys
d = sys.argv[1]
plain = open("samples/etw/kb-q155738.etl", "rb").read()
comp = open("samples/etw/kb-q155738.x86.compressed.etl", "rb").read()

def buffers(b):
    o, out = 0, []
    while o + 0x48 <= len(b):
        out.append(o)
        o += struct.unpack_from("<I", b, o)[0]
    return out

bp, bc = buffers(plain), buffers(comp)
def put(name, b):
    open("%s/%s.etl" % (d, name), "wb").write(b)

put("cut-short", plain[:bp[3] + 300])
x = bytearray(plain); x[bp[2] + 0x48 + 2] = 0x7F        # record type
put("corrupt-record", bytes(x))
x = bytearray(plain); struct.pack_into("<I", x, bp[2], 0x7FFFFFF0)
put("lying-size", bytes(x))
x = bytearray(plain); struct.pack_into("<H", x, bp[2] + 0x48 + 4, 0xFFF0)
put("record-overruns", bytes(x))
x = bytearray(comp)
for k in range(bc[1] + 0x48, bc[1] + 0x60):
    x[k] ^= 0x5A
put("bad-compressed", bytes(x))
x = bytearray(comp); struct.pack_into("<I", x, bc[1] + 0x30, 0x48 + 16)
put("compressed-lies", bytes(x))
PY
out="$d/got"
: >"$out"
fail=0
for n in cut-short corrupt-record lying-size record-overruns bad-compressed compressed-lies; do
	"$HT" --rules tests/data/etl/kbserver-tl-all.rules.xml --format etl "$d/$n.etl" >"$d/rep" 2>&1
	rc=$?
	[ "$rc" -le 1 ] || { echo "$n: exit $rc"; cat "$d/rep"; fail=1; }
	echo "== $n (exit $rc)" >>"$out"
	sed -n "s|$d/||; /^input:/p; /^  skipped/p; /^  limit/p; /^capture:/p; /^SUMMARY/p" "$d/rep" >>"$out"
done
[ "${UPDATE:-}" = 1 ] && cp "$out" tests/data/etl/damage.expected
diff -u tests/data/etl/damage.expected "$out" || fail=1
exit $fail
