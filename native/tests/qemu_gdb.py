#!/usr/bin/env python3
"""gdb on a native kernel (docs/payloads.md, "Debugging"): QEMU started
halted with its gdbstub by qemu_run.py --gdb, then gdb-multiarch in batch
mode with the script qemu_run.py wrote: a breakpoint on a kernel function
(rk_kmain) and one inside hello's entry (rk_payload_entry, from hello's
ELF at the address its body runs at) must both be hit, and the entry's
argument printed and read through (api->abi_version).

usage: qemu_gdb.py --runner QEMU_RUN.py --arch ARCH --kernel K
                   [--runner-arg ARG]... HELLO.npl
(--runner-arg passes ARG on to qemu_run.py: `--via uefi` debugs a kernel
the firmware started.)
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def listening(port):
    """Is a socket listening on TCP port?  Read from /proc/net/tcp{,6}
    (Linux): a test connection would be QEMU's one gdb connection."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for r in rows:
            f = r.split()  # sl local_address rem_address st ...
            if f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:
                return True
    return False


def main():
    ap = argparse.ArgumentParser()
    for o in ["runner", "arch", "kernel"]:
        ap.add_argument("--" + o, required=True)
    ap.add_argument("--runner-arg", action="append", default=[])
    ap.add_argument("payload")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="rumpk-gdb-") as tmp:
        script = os.path.join(tmp, "rumpk.gdb")
        port = free_port()
        q = subprocess.Popen([sys.executable, a.runner, "--arch", a.arch,
                              "--kernel", a.kernel, "--timeout", "60",
                              "--gdb", "--gdb-port", str(port),
                              "--gdb-script", script] + a.runner_arg +
                             [a.payload],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, errors="replace")
        # gdb attaches once QEMU's gdbstub listens, however long a busy
        # machine takes to start it (a fixed wait here once lost the race).
        deadline = time.monotonic() + 60
        while not listening(port):
            if q.poll() is not None or time.monotonic() > deadline:
                q.kill()
                print(q.communicate()[0])
                print("FAIL: QEMU's gdbstub never listened on port %d"
                      % port)
                return 1
            time.sleep(0.05)
        g = subprocess.run(
            ["gdb-multiarch", "-q", "-batch", "-x", script,
             "-ex", "hbreak rk_kmain", "-ex", "continue",
             "-ex", "hbreak rk_payload_entry", "-ex", "continue",
             "-ex", "info args", "-ex", "print api->abi_version",
             "-ex", "continue"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            errors="replace", timeout=120)
        qout, _ = q.communicate(timeout=120)
    print(g.stdout)
    want = ["Breakpoint 1, rk_kmain", "Breakpoint 2, rk_payload_entry "
            "(api=0x2000000000)", "payloads/hello/hello.c", "$1 = 2"]
    missing = [w for w in want if w not in g.stdout]
    if "'hello' returned 42" not in qout:
        missing.append("the kernel's run to its end after gdb let go")
    for m in missing:
        print("FAIL: missing: " + m)
    if missing:
        print(qout)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
