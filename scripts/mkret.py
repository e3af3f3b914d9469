#!/usr/bin/env python3
"""Write the seed's first payload body: a single return instruction.

usage: mkret.py ARCH OUT.bin   (ARCH: x86_64, aarch64, riscv64)
Encodings from ARCHITECTURE section 4: x86_64 c3; aarch64 c0 03 5f d6
(ret x30); riscv64 67 80 00 00 (jalr x0, 0(ra)).
"""
import sys

RET = {
    "x86_64": bytes([0xc3]),
    "aarch64": bytes([0xc0, 0x03, 0x5f, 0xd6]),
    "riscv64": bytes([0x67, 0x80, 0x00, 0x00]),
}

if len(sys.argv) != 3 or sys.argv[1] not in RET:
    sys.exit("usage: mkret.py x86_64|aarch64|riscv64 OUT.bin")
with open(sys.argv[2], "wb") as f:
    f.write(RET[sys.argv[1]])
