#!/usr/bin/env python3
"""Build a payload: C source -> position-independent flat binary.

usage: mkpayload.py --arch ARCH --ld payload.ld --include DIR -o OUT.bin SRC.c...

Follows ARCHITECTURE section 4: clang --target=T -ffreestanding -nostdlib
-fPIE -O2, the entry in .text.entry placed first at address 0 by the linker
script, ld.lld -static -pie --no-dynamic-linker, no relocations allowed (an
absolute pointer in data would need one), then objcopy -O binary; the
linked ELF (with -g debug info) is kept beside OUT.bin as OUT.elf.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

TARGETS = {
    "x86_64": ["--target=x86_64-unknown-none-elf", "-mno-red-zone",
               "-mgeneral-regs-only"],
    "aarch64": ["--target=aarch64-unknown-none-elf", "-mgeneral-regs-only"],
    "riscv64": ["--target=riscv64-unknown-elf", "-march=rv64imac",
                "-mabi=lp64", "-mcmodel=medany", "-mno-relax"],
}


def tool(*names):
    for n in names:
        for d in os.environ.get("PATH", "").split(os.pathsep):
            if os.access(os.path.join(d, n), os.X_OK):
                return n
    sys.exit(f"mkpayload: none of {', '.join(names)} found (apt-get install clang lld llvm)")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"mkpayload: {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True, choices=sorted(TARGETS))
    ap.add_argument("--ld", required=True)
    ap.add_argument("--include", action="append", default=[])
    ap.add_argument("-o", required=True)
    ap.add_argument("--cflag", action="append", default=[],
                    help="one more compiler flag (after the defaults)")
    ap.add_argument("src", nargs="+")
    a = ap.parse_args()

    cc = tool("clang", "clang-14")
    ld = tool("ld.lld", "ld.lld-14")
    objcopy = tool("llvm-objcopy", "llvm-objcopy-14")
    readelf = tool("llvm-readelf", "llvm-readelf-14")
    with tempfile.TemporaryDirectory() as tmp:
        objs = []
        for i, src in enumerate(a.src):
            obj = os.path.join(tmp, f"{i}.o")
            run([cc] + TARGETS[a.arch] + [
                "-std=c11", "-ffreestanding", "-nostdlib", "-fPIE", "-O2", "-g",
                # Frame pointers: a fault's report walks them (the
                # kernel's backtrace, rumpk-symbolize).
                "-fno-omit-frame-pointer",
                "-Wall", "-Wextra", "-Werror", "-fno-stack-protector",
                "-fno-asynchronous-unwind-tables", "-fno-unwind-tables",
                "-ffunction-sections"] + a.cflag +
                [f"-I{d}" for d in a.include] +
                ["-c", src, "-o", obj])
            objs.append(obj)
        elf = os.path.join(tmp, "payload.elf")
        run([ld, "-T", a.ld, "-static", "-pie", "--no-dynamic-linker",
             "--build-id=none", "-o", elf] + objs)
        relocs = run([readelf, "-r", elf])
        if "Relocation section" in relocs:
            sys.exit(f"mkpayload: {a.o}: the payload needs relocations "
                     "(an absolute pointer in data?); NPL bodies must be "
                     f"position-independent without them:\n{relocs}")
        run([objcopy, "-O", "binary", elf, a.o])
        # The linked ELF, with its debug info, beside the body: what a
        # debugger loads at the address the body runs at (docs/payloads.md).
        root, ext = os.path.splitext(a.o)
        if ext == ".bin":
            shutil.copyfile(elf, root + ".elf")
    if os.path.getsize(a.o) == 0:
        sys.exit(f"mkpayload: {a.o}: empty body")


main()
