#!/usr/bin/env python3
"""tests/hostile/make-etw-scale.py SCENARIO N OUT - a large ETW export in
PerfView's shape, written with samples/etw/gen.py, for the scale checks
(tests/checks/hostile_scale.sh) and make bench:
  procs-live  N processes started, each with a thread and one handle,
              then all of them ending (each end once walked every handle
              of every process)
  dup-foreign a broker copying a handle out of one process into another
              N times, which closes each copy (the broker's thread was
              taken for one of the source process's: two new threads per
              copy, and stale-close warnings that were not there)
  same-handle one handle value created and closed N times, a new object
              each time (closed objects were kept until a process ended)"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "samples", "etw"))
import gen  # noqa: E402

T_THREAD, T_EVENT = gen.T_THREAD, gen.T_EVENT


def procs_live(s, n):
    s.process(10, 0, 100, 104, 3, 100, 4, "p.exe", "p.exe")
    s.thread(11, 0, 100, 104, 3, 100, 104)
    # one handle closed: closes are traced, what is open at an end counts
    s.handle(12, 0, 100, 104, 32, 0xFFFFC28200000000, 0x44, T_EVENT)
    s.handle(13, 0, 100, 104, 33, 0xFFFFC28200000000, 0x44, T_EVENT)
    us = 1000
    for i in range(n):
        pid, tid = 1000 + 4 * i, 5000000 + 4 * i
        s.process(us, 0, 100, 104, 1, pid, 100, "p.exe", "p.exe")
        s.thread(us + 1, 0, 100, 104, 1, pid, tid)
        s.handle(us + 2, 0, pid, tid, 32, 0xFFFFC28300000000 + 0x100 * i,
                 0x40, T_EVENT)
        us += 3
    for i in range(n):
        pid, tid = 1000 + 4 * i, 5000000 + 4 * i
        s.thread(us, 0, pid, tid, 2, pid, tid)
        s.process(us + 1, 0, pid, tid, 2, pid, 100, "p.exe", "p.exe")
        us += 2


def dup_foreign(s, n):
    for pid, tid in ((100, 104), (200, 204), (300, 304)):
        s.process(10, 0, pid, tid, 3, pid, 4, "p.exe", "p.exe")
        s.thread(11, 0, pid, tid, 3, pid, tid)
    obj = 0xFFFFC28300000100
    s.handle(100, 0, 300, 304, 32, obj, 0x40, T_EVENT)
    us = 1000
    for i in range(n):
        # broker 100 copies 300's handle into 200, which closes it; the
        # broker's own handle work goes on in between
        th = 0x100 + 4 * (i % 1024)
        s.dup(us, 0, 100, 104, obj, 0x40, th, 200, T_EVENT, 300)
        s.handle(us + 1, 0, 200, 204, 33, obj, th, T_EVENT)
        s.handle(us + 2, 0, 100, 104, 32, obj + 0x100, 0x80, T_EVENT)
        s.handle(us + 3, 0, 100, 104, 33, obj + 0x100, 0x80, T_EVENT)
        us += 4


def same_handle(s, n):
    s.process(10, 0, 100, 104, 3, 100, 4, "p.exe", "p.exe")
    s.thread(11, 0, 100, 104, 3, 100, 104)
    us = 1000
    for i in range(n):
        obj = 0xFFFFC28300000000 + 0x100 * i
        s.handle(us, 0, 100, 104, 32, obj, 0x40, T_EVENT)
        s.handle(us + 1, 0, 100, 104, 33, obj, 0x40, T_EVENT)
        us += 2


def main():
    what, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    s = gen.Story("scale", "scale: " + what, "p")
    s.typedc(0, T_THREAD, "Thread")
    s.typedc(1, T_EVENT, "Event")
    {"procs-live": procs_live, "dup-foreign": dup_foreign,
     "same-handle": same_handle}[what](s, n)
    with open(out, "w", newline="\n") as f:
        f.write(gen.perfview(s, "  handletrail scale case (generated): %s, "
                             "N=%d\n  Shape: PerfView event XML, as "
                             "samples/etw/gen.py writes it" % (what, n)))


if __name__ == "__main__":
    main()
