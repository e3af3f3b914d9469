#!/usr/bin/env python3
"""The cost of a system call from a payload in user mode against the
direct call it replaces, on each native kernel in QEMU, in the same run.

    bench/qemu_syscall.py [--arch ARCH]... [--build-dir-ARCH DIR]...

payloads/bench_sys makes N calls of api->now_ns() (each a syscall through
the user-mode stub) and N calls of a local function that does as little
(the call and return the kernel-mode API was), and prints both totals.
Booted twice per arch: in real time (nanoseconds, TCG: an emulated CPU,
so the absolute figures are QEMU's) and under -icount shift=0, where one
virtual nanosecond is one guest instruction (instructions per call).
Prints one table; exit status 0, 1 when a boot failed, 2 when a build is
missing.
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCHES = ["x86_64", "aarch64", "riscv64"]
LINE = re.compile(r"\[bench_sys\] calls=(\d+) syscall_ns=(\d+) direct_ns=(\d+)")


def kernel(arch, build):
    img = os.path.join(build, "native", "rumpk-aarch64.img")
    if arch == "aarch64":
        return img
    return os.path.join(build, "native", "rumpk-%s.elf" % arch)


def run(arch, build, icount):
    cmd = [sys.executable, os.path.join(ROOT, "scripts", "qemu_run.py"),
           "--arch", arch, "--kernel", kernel(arch, build), "--timeout", "60",
           os.path.join(build, "payloads", "bench_sys-%s.npl" % arch)]
    if icount:
        cmd[4:4] = ["--qemu-arg=-icount", "--qemu-arg=shift=0"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    m = LINE.search(out)
    if not m:
        return None
    n, sys_ns, direct_ns = (int(x) for x in m.groups())
    return sys_ns / n, direct_ns / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", action="append", choices=ARCHES)
    for a in ARCHES:
        ap.add_argument("--build-dir-" + a, dest="build_" + a,
                        default=os.path.join(ROOT, "build-" + a))
    args = ap.parse_args()
    status = 0
    print("Null syscall (RK_SYS_NOW through the user-mode stub) vs a "
          "direct call, per call, same boot")
    print("| arch | syscall ns | direct ns | ratio | syscall insns | "
          "direct insns | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for arch in args.arch or ARCHES:
        build = getattr(args, "build_" + arch)
        if not os.path.exists(kernel(arch, build)):
            print("| %s | no build in %s | | | | | |" % (arch, build))
            status = max(status, 2)
            continue
        t, i = run(arch, build, False), run(arch, build, True)
        if not t or not i:
            print("| %s | boot failed | | | | | |" % arch)
            status = 1
            continue
        print("| %s | %.0f | %.1f | %.0f | %.0f | %.1f | %.0f |" % (
            arch, t[0], t[1], t[0] / t[1], i[0], i[1], i[0] / i[1]))
    return status


if __name__ == "__main__":
    sys.exit(main())
