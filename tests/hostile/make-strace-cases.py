#!/usr/bin/env python3
"""tests/hostile/make-strace-cases.py - writes the broken strace captures in
tests/hostile/strace/ from base.txt (a small -f -tt -T -yy capture with a
double close, a stale close, a stale use, a use after close and a leak).
Run it after changing base.txt; the files are committed so a reviewer can
read each case.  Big cases (the 50 MB line) are made at test time."""
import os
import re

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "strace")
base = open(os.path.join(here, "base.txt"), "rb").read().split(b"\n")[:-1]


def write(name, lines, end=b"\n", sep=b"\n"):
    with open(os.path.join(here, name), "wb") as f:
        f.write(sep.join(lines) + end)


def retime(line, fn):
    """apply fn to the -tt time (seconds since midnight, float) of a line"""
    m = re.match(rb"^(\d+\s+)(\d\d):(\d\d):(\d\d)\.(\d{6})( .*)$", line)
    if not m:
        return line
    t = (int(m.group(2)) * 3600 + int(m.group(3)) * 60 + int(m.group(4))
         + int(m.group(5)) / 1e6)
    t = fn(t) % 86400
    us = int(round(t * 1e6))
    s, us = divmod(us, 1000000)
    return m.group(1) + b"%02d:%02d:%02d.%06d" % (
        s // 3600, s // 60 % 60, s % 60, us) + m.group(6)


# 1. the last line cut mid-call by a full disk (no newline either)
write("truncated-last-line.txt",
      base[:17] + [b'100   10:00:00.001600 openat(AT_FDCWD</w>, "/tmp/le'],
      end=b"")

# 2. cut between an <unfinished ...> line and its <... resumed> line
write("cut-mid-unfinished.txt", base[:7])

# 3. a capture that starts with the second half of a split call
write("resumed-no-start.txt",
      [b'101   10:00:00.000050 <... read resumed>"x", 16) = 1 <0.000040>',
       b"100   10:00:00.000060 <... close resumed>) = 0 <0.000010>"] + base)

# 4. garbage lines between real ones (lines 3, 6, 9, 12, 15 of the file)
junk = [b"lorem ipsum dolor sit amet",
        b"\x01\x02\x03\x04 binary \xfe\xff junk",
        b'{"json": "not strace", "x": [1, 2]}',
        b")))) = = = ((((",
        b"100   10:00:00.000999 close(3"]
out = []
for i, line in enumerate(base):
    out.append(line)
    if i % 2 == 1 and junk:
        out.append(junk.pop(0))
write("garbage-interleaved.txt", out)

# 5. NUL bytes: inside a call name, and a line of NULs
out = list(base)
out[6] = b"100   10:00:00.000720 get\x00pid()          = 100 <0.000003>"
out.insert(16, b"\x00" * 40)
write("nul-bytes.txt", out)

# 6. CRLF line endings (a capture that went through a Windows mail client)
write("crlf.txt", base, end=b"\r\n", sep=b"\r\n")

# 7. invalid UTF-8 in paths: lone bytes, an overlong '/', a cut sequence
out = list(base)
bad = b"/tmp/\xff\xfe\xc0\xaf\xe2\x82"
out[11] = (b'100   10:00:00.001100 openat(AT_FDCWD</w>, "' + bad +
           b'", O_RDONLY) = 4<' + bad + b"> <0.000020>")
out[12] = out[12].replace(b"4</etc/passwd>", b"4<" + bad + b">")
out[13] = out[13].replace(b"4</etc/passwd>", b"4<" + bad + b">")
write("invalid-utf8.txt", out)

# 8. SGR colour escapes (strace --color=always, or a coloured terminal log)
out = []
for line in base:
    line = re.sub(rb"^(\d+)", b"\x1b[33m\\1\x1b[0m", line)
    line = re.sub(rb" ([a-z_0-9]+)\(", b" \x1b[1;34m\\1\x1b[0m(", line, 1)
    line = re.sub(rb"= (-1 E[A-Z]+)", b"= \x1b[1;31m\\1\x1b[0m", line)
    out.append(line)
write("sgr-colour.txt", out)

# 9. two captures concatenated: the base, then the same program traced
# again an hour later (new TIDs 300/301)
second = [re.sub(rb"^10([01]) ", b"30\\1 ", retime(l, lambda t: t + 3600))
          .replace(b"[101]", b"[301]").replace(b"= 101 ", b"= 301 ")
          .replace(b"= 100 ", b"= 300 ") for l in base]
write("concatenated.txt", base + second)

# 10. timestamps going backwards (NTP step during the capture)
out = list(base)
for i in range(11, len(out)):
    out[i] = retime(out[i], lambda t: t - 0.5)
write("time-backwards.txt", out)

# 11. -tt across midnight
write("midnight-tt.txt",
      [retime(l, lambda t: t - 36000.0012) for l in base])

# 12. -t (whole seconds) across midnight: the seconds tick every 3 lines
out = []
for i, line in enumerate(base):
    s = 86400 - 3 + i // 3
    out.append(re.sub(rb"\d\d:\d\d:\d\d\.\d{6}",
                      b"%02d:%02d:%02d" % (s // 3600 % 24, s // 60 % 60,
                                           s % 60), line))
write("midnight-t.txt", out)

# 13. object names that try to drive a terminal or inject markup: raw ESC,
# OSC title change, BEL, a C1 CSI, backspaces, a bidi override (crafted:
# strace itself escapes control bytes), and markup as strace prints it:
# raw in the quoted path, \74 \76 escaped inside the -y decoration.  The
# stale use and the stale close show the object in every report.
ctl = b"\x1b]0;pwned\x07\x1b[2J\x9b31m\x08\x08\xe2\x80\xaegnp.exe"
markup = b"<script>alert(1)</script>\"><img src=x onerror=alert(1)><x-fuzz>"
deco = b"/tmp/" + ctl + markup.replace(b"<", b"\\74").replace(b">", b"\\76")
path = b"/tmp/" + ctl + markup.replace(b'"', b'\\"')
out = list(base)
out[11] = (b'100   10:00:00.001100 openat(AT_FDCWD</w>, "' + path +
           b'", O_RDONLY) = 4<' + deco + b"> <0.000020>")
out[12] = out[12].replace(b"4</etc/passwd>", b"4<" + deco + b">")
out[13] = out[13].replace(b"4</etc/passwd>", b"4<" + deco + b">")
write("escape-sequences.txt", out)
