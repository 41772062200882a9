#!/usr/bin/env python3
# tools/gen-etw-big.py - writes a large tracerpt-shaped ETW XML file for
# benchmarks: the clean-server sample repeated (each copy one second later,
# the same process started again), with the KB Q155738 story every 100th
# copy.  Usage: gen-etw-big.py OUT MEGABYTES
import re
import sys

out, mb = sys.argv[1], int(sys.argv[2])
top = __file__.rsplit("/tools/", 1)[0]


def events(path):
    text = open(path).read()
    body = text[text.index("-->") + 3:text.rindex("</Events>")]
    return body.strip() + "\n"


clean = events(top + "/samples/etw/clean-server.tracerpt.xml")
kb = events(top + "/samples/etw/kb-q155738.tracerpt.xml")
tm = re.compile(r'SystemTime="2024-03-05T10:15:30\.')


def shifted(body, c):
    s = 30 + c
    stamp = 'SystemTime="2024-03-05T%02d:%02d:%02d.' % (
        10 + (15 + s // 60) // 60, (15 + s // 60) % 60, s % 60)
    return tm.sub(stamp, body)


with open(out, "w") as f:
    f.write("<Events>\n")
    c, size = 0, 0
    while size < mb * 1048576:
        chunk = shifted(kb if c % 100 == 99 else clean, c)
        f.write(chunk)
        size += len(chunk)
        c += 1
    f.write("</Events>\n")
