#!/usr/bin/env python3
"""Turn a payload fault's report into function and line: reads a run's
output (stdin), passes it through, and after each `[TRAP] backtrace` line
the kernel prints (src/syscall.c) lists its frames with the function,
file and line of the payload's ELF (the build keeps NAME-ARCH.elf beside
the body, linked at 0: a body offset is an ELF address).

usage: symbolize.py PAYLOAD.elf < REPORT     (installed as rumpk-symbolize)

A return address is looked up one byte back, inside the call that made
it.  Needs llvm-symbolizer (Debian: llvm).
"""

import re
import shutil
import subprocess
import sys

FRAME = re.compile(r"body\+0x([0-9a-f]+)")


def symbolizer():
    for name in ("llvm-symbolizer", "llvm-symbolizer-14"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("symbolize: no llvm-symbolizer (apt-get install llvm)")


def lookup(tool, elf, addrs):
    """[(function, file:line)] for addrs, in order."""
    # short: the function from the debug info (a symbol table may hold
    # local labels, .LBB0_1, nearer the address).
    r = subprocess.run([tool, "--obj=" + elf, "--functions=short",
                        "--relativenames"] + ["0x%x" % a for a in addrs],
                       stdout=subprocess.PIPE, text=True, check=True)
    out, blocks = [], r.stdout.strip("\n").split("\n\n")
    for b in blocks:
        lines = b.splitlines()
        fn = lines[0] if lines else "??"
        where = lines[1] if len(lines) > 1 else "??:0"
        out.append((fn, where))
    return out


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 0 if len(sys.argv) == 2 else 2
    elf, tool, found = sys.argv[1], symbolizer(), 0
    for line in sys.stdin:
        sys.stdout.write(line)
        if "[TRAP] backtrace" not in line:
            continue
        offs = [int(m, 16) for m in FRAME.findall(line)]
        addrs = [o if i == 0 else o - 1 for i, o in enumerate(offs)]
        for i, (o, (fn, where)) in enumerate(zip(offs, lookup(tool, elf,
                                                                 addrs))):
            print("    #%-2d body+0x%-6x %s at %s" % (i, o, fn, where))
            found += 1
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
