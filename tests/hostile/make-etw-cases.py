#!/usr/bin/env python3
"""tests/hostile/make-etw-cases.py - writes the broken ETW exports in
tests/hostile/etw/ from copies of the KB Q155738 sample in two shapes:
base.wevtutil.xml (one <Event> per line: lines 9-29, so a case can name the
exact line it breaks) and base.perfview.xml.  Run it after the samples
change; the files are committed so each case can be read."""
import os
import re
import shutil

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "etw")
samples = os.path.join(here, "..", "..", "samples", "etw")
for shape in ("wevtutil", "perfview", "tracerpt"):
    src = os.path.join(samples, "kb-q155738.%s.xml" % shape)
    if os.path.exists(src):
        shutil.copy(src, os.path.join(out, "base.%s.xml" % shape))
wev = open(os.path.join(out, "base.wevtutil.xml"), "rb").read()
lines = wev.split(b"\n")[:-1]
assert lines[8].startswith(b"<Event ") and lines[28].startswith(b"<Event ")


def L(n):
    """the text of 1-based line n of the base"""
    return lines[n - 1]


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def joined(ls, end=b"\n"):
    return b"\n".join(ls) + end


# 1. not well-formed: a misspelt end tag on line 20
ls = list(lines)
ls[19] = ls[19].replace(b"</Event>", b"</Evnt>")
write("not-well-formed.xml", joined(ls))

# 2. truncated in the middle of the element on line 25 (disk full)
write("truncated-mid-element.xml", joined(lines[:24]) + lines[24][:300])
tr = open(os.path.join(out, "base.tracerpt.xml"), "rb").read()
cut = tr.index(b"<Data Name=", len(tr) * 2 // 3) + 7
write("truncated-tracerpt.xml", tr[:cut])

# 3. wrong namespace on every event, and on one event only
ns = b"http://schemas.microsoft.com/win/2004/08/events/event"
write("wrong-namespace.xml", wev.replace(ns, b"http://example.com/not-events"))
ls = list(lines)
ls[15] = ls[15].replace(ns, b"http://example.com/not-events")
write("wrong-namespace-one.xml", joined(ls))

# 4. unknown providers, opcodes and event versions between the real ones
unknown = [
    L(20).replace(b"Name='KbServer'", b"Name='Contoso-Unknown'")
    .replace(b"6F0E2A7C", b"11111111"),
    L(21).replace(b"<Opcode>33</Opcode>", b"<Opcode>77</Opcode>"),
    L(23).replace(b"<EventID>2</EventID>", b"<EventID>999</EventID>"),
    L(14).replace(b"<Version>2</Version>", b"<Version>99</Version>")
    .replace(b"<Opcode>32</Opcode>", b"<Opcode>48</Opcode>"),
]
write("unknown-providers.xml", joined(lines[:19] + unknown + lines[19:]))


# 5. missing fields (appended after the story: lines 30-33)
def drop(line, pattern):
    return re.sub(pattern, b"", line, count=1)


missing = [
    drop(L(14), rb"<Data Name='Handle'>[^<]*</Data>"),
    drop(L(21), rb"<Execution [^>]*/>"),
    drop(L(21), rb"<TimeCreated [^>]*/>"),
    b"<Event xmlns='" + ns + b"'><EventData><Data Name='Handle'>420"
    b"</Data></EventData></Event>",
]
write("missing-fields.xml", joined(lines + missing))


# 6. values that are not numbers (lines 30-35)
def setattr_(line, name, value):
    return re.sub(rb"(" + name + rb"=')[^']*'", rb"\g<1>" + value + b"'",
                  line, count=1)


nonnum = [
    re.sub(rb"(<Data Name='Handle'>)[^<]*", rb"\1zz", L(21)),
    setattr_(L(21), b"ProcessID", b"abc"),
    setattr_(L(21), b"ThreadID", b"1e9x"),
    setattr_(L(25), b"ProcessorID", b"-"),
    re.sub(rb"<Opcode>33</Opcode>", b"<Opcode>x1</Opcode>", L(21)),
    re.sub(rb"(<Data Name='Handle'>)[^<]*", rb"\g<1>99999999999999999999999",
           L(21)),
]
write("non-numeric.xml", joined(lines + nonnum))

# 7. absurd timestamps on copies of a harmless application event
stamps = [b"9999-12-31T23:59:59.9999999Z", b"0000-00-00T00:00:00Z",
          b"2024-13-45T25:61:61Z", b"1601-01-01T00:00:00Z", b"yesterday",
          b"2024-03-05T10:15:30.5+99:99",
          b"2024-03-05T10:15:30." + b"9" * 40 + b"Z",
          b"292278995-01-01T00:00:00Z", b"-2024-03-05T10:15:30Z", b""]
absurd = [setattr_(L(25), b"SystemTime", s) for s in stamps]
write("absurd-timestamps.xml", joined(lines + absurd))

# 8. every record twice (an export appended to itself, or a merge bug)
dup = []
for line in lines[8:]:
    dup += [line, line]
write("duplicate-records.xml", joined(lines[:8] + dup))

# 9. the same export as UTF-16LE with a BOM (PowerShell's > redirect)
write("utf16.xml", b"\xff\xfe" + wev.decode("utf-8").encode("utf-16-le"))

# 10. invalid UTF-8 in an object name (line 22), and a NUL byte (line 25)
ls = list(lines)
ls[21] = ls[21].replace(b"\\Device", b"\\Dev\xff\xfeice", 1)
write("invalid-utf8.xml", joined(ls))
ls = list(lines)
ls[24] = ls[24].replace(b"<Data Name='Bytes'>", b"<Data Name='By\x00tes'>")
write("nul-byte.xml", joined(ls))

# 11. PerfView dump with values that are not numbers and a missing name
pv = open(os.path.join(out, "base.perfview.xml"), "rb").read()
pl = pv.split(b"\n")[:-1]
first = next(i for i, l in enumerate(pl) if l.startswith(b"<Event "))
extra = [
    re.sub(rb'MSec= *"[^"]*"', b'MSec="abc"', pl[-1]),
    re.sub(rb'PID= *"[^"]*"', b'PID="x"', pl[-1]),
    re.sub(rb' EventName="[^"]*"', b"", pl[-1]),
    re.sub(rb'Socket="[^"]*"', b'Socket="0xZZ"', pl[-1]),
]
write("perfview-bad-values.xml", joined(pl + extra))
print("perfview events start on line %d; bad values on lines %d-%d"
      % (first + 1, len(pl) + 1, len(pl) + len(extra)))
