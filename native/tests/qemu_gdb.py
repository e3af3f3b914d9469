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
        for _ in range(200):  # the script is written before QEMU starts
            if os.path.exists(script):
                break
            time.sleep(0.05)
        time.sleep(0.5)
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
