#!/usr/bin/env python3
"""Fault reports a person can read (docs/payloads.md, "Fault reports"):
trap_ill and stack_overflow run, each report must hold the registers and
the payload's name and id, and goes through
scripts/symbolize.py with the payload's ELF, and the frames must come out
as the payload's functions and source lines.

usage: symbolize_test.py --symbolize SYMBOLIZE.py --payloads DIR --arch ARCH
                         -- RUN...     (RUN IMAGE.npl boots one payload)
"""

import argparse
import os
import subprocess
import sys

# payload: what its first frame and the one after must name.
WANT = {"trap_ill": ["#0 ", "rk_payload_entry at ", "trap_ill.c:"],
        "stack_overflow": ["#0 ", "dive at ", "stack_overflow.c:",
                           "#15 "]}


def main():
    ap = argparse.ArgumentParser()
    for o in ["symbolize", "payloads", "arch"]:
        ap.add_argument("--" + o, required=True)
    ap.add_argument("run", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    run = a.run[1:] if a.run[:1] == ["--"] else a.run
    bad = 0
    for name, want in WANT.items():
        base = os.path.join(a.payloads, "%s-%s" % (name, a.arch))
        r = subprocess.run(run + [base + ".npl"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=120)
        s = subprocess.run([sys.executable, a.symbolize, base + ".elf"],
                           input=r.stdout, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        frames = [l for l in s.stdout.splitlines() if l.startswith("    #")]
        missing = [w for w in want if not any(w in f for f in frames)]
        # The registers, the pc among them, and the payload's id.
        for w in ("[TRAP] registers: ", "payload id "):
            if w not in r.stdout:
                missing.append(w)
        if not any(pc in r.stdout for pc in (" rip=0x", " pc=0x")):
            missing.append("the pc register")
        print("%-4s %s: %d frames%s" % ("ok" if not missing else "FAIL",
                                         name, len(frames),
                                         "" if not missing else
                                         ", missing " + str(missing)))
        for f in frames[:3]:
            print(f)
        if missing:
            print(s.stdout)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
