#!/usr/bin/env python3
"""tests/hostile/measure.py - runs a command under resource limits (ulimit
-v / -t) and records what it cost.

  measure.py DIR VMEM_MB CPU_S [--stdin FILE] -- CMD ARGS...
writes DIR/rc (exit status, 128+N for signal N), DIR/stdout, DIR/err and
DIR/cost ("wall_s=.. cpu_s=.. maxrss_mb=.."); VMEM_MB 0 means no address
space limit (sanitizer builds reserve terabytes of shadow memory)."""
import os
import subprocess
import sys
import threading
import time

d, vmem, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rest = sys.argv[4:]
stdin = subprocess.DEVNULL
if rest and rest[0] == "--stdin":
    stdin = open(rest[1], "rb")
    rest = rest[2:]
if rest and rest[0] == "--":
    rest = rest[1:]


# the limits are set by sh's ulimit in the child, which then execs the
# command: no Python code runs in the child, so its peak RSS is the
# command's own (a preexec_fn would count the forked interpreter)
lim = "ulimit -c 0; ulimit -t %d; " % cpu
if vmem > 0:
    lim += "ulimit -v %d; " % (vmem * 1024)
wrapped = ["sh", "-c", lim + 'exec "$0" "$@"'] + rest
# A child of this Python inherits its resident pages in the peak-RSS
# count; GNU time forks from a small process, so its figure is the
# command's own.  Without it the figure is an upper bound (~14 MB floor).
gnu_time = "/usr/bin/time"
timed = os.access(gnu_time, os.X_OK)
if timed:
    wrapped = [gnu_time, "-q", "-f", "%M %U %S", "-o",
               os.path.join(d, "time.out")] + wrapped

os.makedirs(d, exist_ok=True)
t0 = time.monotonic()
with open(os.path.join(d, "stdout"), "wb") as out, \
        open(os.path.join(d, "err"), "wb") as err:
    p = subprocess.Popen(wrapped, stdin=stdin, stdout=out, stderr=err,
                         close_fds=False)  # posix_spawn: no Python child
    # a wall-clock backstop for a command that sleeps instead of spinning
    timer = threading.Timer(cpu * 3 + 30, p.kill)
    timer.start()
    # wait4: the rusage of this child alone (RUSAGE_CHILDREN would also
    # count whatever ran before in this process, e.g. a pyenv shim)
    _, status, ru = os.wait4(p.pid, 0)
    timer.cancel()
    p.returncode = 0  # reaped here; keep Popen from waiting again
wall = time.monotonic() - t0
if os.WIFSIGNALED(status):
    rc = 128 + os.WTERMSIG(status)
else:
    rc = os.WEXITSTATUS(status)
cpu_s, rss_kb = ru.ru_utime + ru.ru_stime, ru.ru_maxrss
if timed:
    try:
        last = open(os.path.join(d, "time.out")).read().split("\n")
        f = [x for x in last if x and x[0].isdigit()][-1].split()
        rss_kb, cpu_s = int(f[0]), float(f[1]) + float(f[2])
    except (OSError, IndexError, ValueError):
        pass
    # GNU time exits like its command, or says "Command terminated by
    # signal N" and exits 128+N itself
with open(os.path.join(d, "rc"), "w") as f:
    f.write("%d\n" % rc)
with open(os.path.join(d, "cost"), "w") as f:
    f.write("wall_s=%.2f cpu_s=%.2f maxrss_mb=%.1f\n"
            % (wall, cpu_s, rss_kb / 1024.0))
