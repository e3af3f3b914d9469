#!/usr/bin/env python3
"""Build-time check: every object the kernel's code declares const lies,
in the linked kernel, in the range the MMU maps read-only.

    check_const.py --objdump llvm-objdump --kernel K.elf OBJ_OR_ARCHIVE...

The compiler puts const objects in .rodata* (.srodata* on riscv), or in
.data.rel.ro* when they hold addresses that need relocating in position
independent code (tables of function pointers, such as the payload API
table).  A link script that lets .data.* catch .data.rel.ro makes those
writable, with no warning.  This reads each input object's symbol table,
collects the data objects (type O) in those sections, finds each in the
kernel's symbol table (locals by their FILE symbol and name) and fails
when one lies outside [__text_end, __rodata_end): text ends there and
rodata, mapped read-only by every port's mmu.c, ends at the second.
"""
import argparse
import collections
import glob
import os
import re
import subprocess
import sys

CONST_SECTION = re.compile(r"^\.(rodata|srodata|data\.rel\.ro)(\.|$)")
# llvm-objdump -t: VALUE FLAGS(7 columns) SECTION\tSIZE NAME
LINE = re.compile(r"^([0-9a-f]+) (.{7}) (\S+)\t([0-9a-f]+) (.*)$")


def symbols(objdump, path):
    """(value, flags, section, name, file) for each symbol in path (an
    object, an archive or the kernel): file is the FILE symbol in force
    for local symbols, None for global ones."""
    out = subprocess.run([objdump, "-t", path], check=True,
                         capture_output=True, text=True).stdout
    current = None
    for line in out.splitlines():
        if line.endswith(":") and "file format" not in line:
            current = None  # next archive member
            continue
        m = LINE.match(line)
        if not m:
            continue
        value, flags, section, _, name = m.groups()
        if "f" in flags[6:]:  # a FILE symbol: the locals after it are its
            current = name
            continue
        local = flags[0] == "l"
        yield int(value, 16), flags, section, name, current if local else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objdump", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--must-have", action="append", default=[],
                    help="a const symbol that must be among those checked")
    ap.add_argument("inputs", nargs="+",
                    help="objects, archives, or directories of objects")
    a = ap.parse_args()
    inputs = []
    for path in a.inputs:
        inputs += (sorted(glob.glob(os.path.join(path, "*.o")))
                   if os.path.isdir(path) else [path])

    wanted = collections.Counter()
    for path in inputs:
        for _, flags, section, name, f in symbols(a.objdump, path):
            if flags[6] == "O" and CONST_SECTION.match(section) and \
                    not name.startswith(".L"):
                wanted[(f, name)] += 1

    placed = collections.defaultdict(list)
    bounds = {}
    for value, flags, section, name, f in symbols(a.objdump, a.kernel):
        if name in ("__text_end", "__rodata_end"):
            bounds[name] = value
        placed[(f, name)].append((value, section))
    if len(bounds) != 2:
        print("check_const: %s has no __text_end/__rodata_end" % a.kernel)
        return 1
    lo, hi = bounds["__text_end"], bounds["__rodata_end"]

    bad, checked = [], 0
    for key, n in sorted(wanted.items(), key=lambda kv: str(kv[0])):
        where = placed.get(key)
        if not where:
            continue  # not linked in (an unused archive member)
        ro = [v for v, _ in where if lo <= v < hi]
        checked += 1
        if len(ro) < n:
            f, name = key
            for v, sec in where:
                if not lo <= v < hi:
                    bad.append("%s%s at 0x%x in %s" % (
                        f + ": " if f else "", name, v, sec))
    names = {name for _, name in wanted}
    missing = [m for m in a.must_have if m not in names]
    for m in missing:
        print("check_const: %s is not among the const objects found" % m)
    for b in bad:
        print("check_const: const object writable: " + b)
    print("check_const: %d const object(s) checked against the read-only "
          "range 0x%x-0x%x, %d outside" % (checked, lo, hi, len(bad)))
    return 1 if bad or missing or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
