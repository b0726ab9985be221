#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""ticker.py OUT LOG N MS READY - a writer whose every write can be checked.

Opens OUT, writes its descriptor number to READY (atomically), waits for
SIGUSR1, then writes i+1 bytes for i < N, one write every MS ms, and at the
end writes to LOG one line "size monotonic_ns" per write, the CLOCK_MONOTONIC
time it returned.  Used by tests/bpf/reliability_{crash,signals}.sh.
"""
import os, signal, sys, time
out, log, n, ms, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
buf = memoryview(b"x" * (n + 1))
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
with open(ready + ".tmp", "w") as f:
    f.write(str(fd))
os.rename(ready + ".tmp", ready)
signal.sigwait({signal.SIGUSR1})
done = []
for i in range(n):
    if os.write(fd, buf[:i + 1]) != i + 1:
        sys.exit(3)
    done.append(time.monotonic_ns())
    time.sleep(ms / 1000)
with open(log, "w") as f:
    f.write("".join("%d %d\n" % (i + 1, t) for i, t in enumerate(done)))
