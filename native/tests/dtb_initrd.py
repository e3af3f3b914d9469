#!/usr/bin/env python3
"""An initrd the device tree places outside RAM is refused at boot; an
empty one is refused as a payload.

    dtb_initrd.py --runner qemu_run.py --arch aarch64|riscv64 --kernel K

A hostile (or buggy) boot medium chooses /chosen linux,initrd-start/-end.
This asks QEMU for the tree it would pass (-machine dumpdtb), points the
initrd past the end of RAM (and, second, across the end of RAM) with
fdtput, and boots with that tree (-dtb; QEMU keeps /chosen's initrd when
it is given no -initrd).  The kernel must say so and stop (status 101)
before it reads a byte there: no [NPL] line, no demo.
"""
import argparse
import os
import subprocess
import sys
import tempfile

# QEMU virt's RAM base; qemu_run.py gives every machine 256 MiB.
RAM = {"aarch64": 0x40000000, "riscv64": 0x80000000}
RAM_SIZE = 256 << 20


def cells(v):
    return ["0x%x" % (v >> 32), "0x%x" % (v & 0xffffffff)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--arch", required=True, choices=sorted(RAM))
    ap.add_argument("--kernel", required=True)
    a = ap.parse_args()
    end = RAM[a.arch] + RAM_SIZE
    def outside(s, e):
        return ["--expect", "[BOOT] initrd 0x%x-0x%x is not in RAM" % (s, e),
                "--reject", "[NPL]", "--reject", "[DEMO]",
                "--expect-status", "101"]
    mid = RAM[a.arch] + (64 << 20)
    cases = [("past the end of RAM", 1 << 32, (1 << 32) + 0x1000,
              outside(1 << 32, (1 << 32) + 0x1000)),
             ("across the end of RAM", end - 0x800, end + 0x800,
              outside(end - 0x800, end + 0x800)),
             # In RAM but empty, with no images= list: "payloads" were
             # promised and none came.
             ("empty, in RAM", mid, mid,
              ["--expect", "[NPL] \u274c Rejected the initrd: it is empty",
               "--expect", "[NPL] 1 payload(s): 0 ran, 1 refused",
               "--reject", "[DEMO]", "--expect-status", "1"])]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="rumpk-dtb-") as tmp:
        dtb = os.path.join(tmp, "virt.dtb")
        dump = ["qemu-system-" + a.arch, "-M", "virt,dumpdtb=" + dtb,
                "-m", "256M", "-nodefaults", "-display", "none"]
        if a.arch == "aarch64":
            dump += ["-cpu", "cortex-a72"]
        subprocess.run(dump, check=True, capture_output=True)
        for what, s, e, checks in cases:
            for prop, v in (("linux,initrd-start", s),
                            ("linux,initrd-end", e)):
                subprocess.run(["fdtput", "-t", "x", dtb, "/chosen", prop]
                               + cells(v), check=True)
            r = subprocess.run(
                [sys.executable, a.runner, "--arch", a.arch, "--kernel",
                 a.kernel, "--timeout", "30", "--quiet",
                 "--qemu-arg=-dtb", "--qemu-arg=" + dtb] + checks)
            print("%s: initrd %s" % ("ok  " if r.returncode == 0 else "FAIL",
                                     what))
            failed += r.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
