#!/usr/bin/env python3
"""Input for the native kernels' serial-rx runs (qemu_run.py --serial-in):
SIZE bytes of printable ASCII in lines of 1..120 characters, then the line
END, from a fixed-seed xorshift64* (our own generator, so the bytes never
depend on the Python version).  The kernel counts the bytes before END and
hashes them with FNV-1a 32; --print prints what its [GOV] line must say.

    gen_serial.py --size N [--seed S] [-o FILE] [--print]
"""

import argparse
import sys

MASK = (1 << 64) - 1


def xorshift64s(state):
    while True:
        state ^= state >> 12
        state ^= (state << 25) & MASK
        state ^= state >> 27
        yield (state * 0x2545F4914F6CDD1D) & MASK


def generate(size, seed):
    """The SIZE bytes before the END line (every line ends with \\n, none
    of them is END)."""
    rnd = xorshift64s(seed or 1)
    out = bytearray()
    while len(out) < size:
        left = size - len(out)
        n = min(1 + next(rnd) % 120, left - 1)
        line = bytes(0x21 + (next(rnd) >> 33) % 94 for _ in range(n))
        if line == b"END":
            line = b"ENE"
        out += line + b"\n"
    return bytes(out)


def fnv1a32(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--seed", type=int, default=0x5EED)
    ap.add_argument("-o", "--output")
    ap.add_argument("--print", action="store_true",
                    help="print 'rx=SIZE fnv=HASH' (what [GOV] says)")
    args = ap.parse_args(argv)
    if args.size < 1:
        print("gen_serial: --size must be at least 1", file=sys.stderr)
        return 2
    data = generate(args.size, args.seed)
    if args.output:
        with open(args.output, "wb") as f:
            f.write(data + b"END\n")
    if args.print:
        print("rx=%d fnv=%08x" % (len(data), fnv1a32(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
