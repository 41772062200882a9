#!/usr/bin/env python3
"""tests/hostile/measure.py - runs a command under resource limits (the
equivalent of ulimit -v / -t) and records what it cost.

  measure.py DIR VMEM_MB CPU_S [--stdin FILE] -- CMD ARGS...
writes DIR/rc (exit status, 128+N for signal N), DIR/stdout, DIR/err and
DIR/cost ("wall_s=.. cpu_s=.. maxrss_mb=.."); VMEM_MB 0 means no address
space limit (sanitizer builds reserve terabytes of shadow memory)."""
import os
import resource
import subprocess
import sys
import time

d, vmem, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rest = sys.argv[4:]
stdin = subprocess.DEVNULL
if rest and rest[0] == "--stdin":
    stdin = open(rest[1], "rb")
    rest = rest[2:]
if rest and rest[0] == "--":
    rest = rest[1:]


def limits():
    if vmem > 0:
        b = vmem * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (b, b))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


os.makedirs(d, exist_ok=True)
t0 = time.monotonic()
with open(os.path.join(d, "stdout"), "wb") as out, \
        open(os.path.join(d, "err"), "wb") as err:
    p = subprocess.Popen(rest, stdin=stdin, stdout=out, stderr=err,
                         preexec_fn=limits)
    try:
        rc = p.wait(timeout=cpu * 3 + 30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        rc = -9
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
rc = 128 - rc if rc < 0 else rc
with open(os.path.join(d, "rc"), "w") as f:
    f.write("%d\n" % rc)
with open(os.path.join(d, "cost"), "w") as f:
    f.write("wall_s=%.2f cpu_s=%.2f maxrss_mb=%.0f\n"
            % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0))
