#!/usr/bin/env python3
"""Boot a native kernel once per malformed image that tests/mkbad wrote
(DIR/cases.txt: "<case> <expected error>") and check that each is refused
for the right field, never executed, and ends with status 1 ("good" must
run and end with 0).

On aarch64 and riscv64 the image arrives as an initrd blob that the core
splits into images by their body_size, so a wrong body_size shows up as a
first image cut at the declared size (refused) plus a remainder (refused),
or for trailing bytes as a complete good image (runs) plus a remainder
that is refused; an empty file is an initrd with no image at all."""

import argparse
import os
import subprocess
import sys

# The field the loader names in its rejection for each expected error.
FIELD = {"truncated": "length:", "magic": "magic:", "version": "version:",
         "arch": "arch:", "flags": "flags:", "reserved": "reserved:",
         "body_size": "body_size:", "signature": "signature:"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--arch", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--timeout", default="30")
    args = ap.parse_args()

    with open(os.path.join(args.dir, "cases.txt")) as f:
        cases = [l.split(None, 1) for l in f.read().splitlines() if l.strip()]
    failed = []
    for name, expect in cases:
        expect = expect.strip()
        cmd = [sys.executable, args.runner, "--arch", args.arch,
               "--kernel", args.kernel, "--timeout", args.timeout, "--quiet"]
        blob = args.arch in ("aarch64", "riscv64")
        if args.arch == "aarch64" and name == "empty":
            # QEMU's arm loader adds no /chosen initrd for an empty file:
            # the kernel cannot tell it from no initrd and runs the demo.
            print("%-18s %-10s skipped (QEMU passes no initrd)" % (name, expect))
            continue
        if blob and name == "empty":
            cmd += ["--expect", "[NPL] 0 payload(s)",
                    "--reject", "[NPL] Executing payload...",
                    "--reject", "[DEMO]", "--expect-status", "1"]
        elif blob and name in ("body_size_short", "trailing_bytes"):
            cmd += ["--expect", "[NPL] \u274c Rejected",
                    "--reject", "[DEMO]", "--expect-status", "1"]
            if name == "body_size_short":
                cmd += ["--reject", "[NPL] Executing payload..."]
        elif expect == "ok":
            cmd += ["--expect", "[NPL] \u2705 Payload returned!",
                    "--expect-status", "0"]
        else:
            cmd += ["--expect", "[NPL] \u274c Rejected",
                    "--expect", FIELD.get(expect, expect),
                    "--reject", "[NPL] Executing payload...",
                    "--reject", "[DEMO]",
                    "--expect-status", "1"]
        cmd.append(os.path.join(args.dir, name + ".npl"))
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           errors="replace")
        ok = r.returncode == 0
        print("%-18s %-10s %s" % (name, expect, "ok" if ok else "FAIL"))
        if not ok:
            failed.append(name)
            sys.stdout.write(r.stdout)
    if failed:
        print("FAILED: " + " ".join(failed))
        return 1
    print("all %d malformed-image cases behaved" % len(cases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
