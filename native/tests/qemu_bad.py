#!/usr/bin/env python3
"""Boot a native kernel once per malformed image that tests/mkbad wrote
(DIR/cases.txt: "<case> <expected error>") and check that each is refused
for the right field and by its file's name, never executed, and ends with
status 1 ("good" must run and end with 0), the same on every arch: an
empty file and a truncated one included."""

import argparse
import os
import subprocess
import sys

# The field the loader names in its rejection for each expected error.
# For most the error is the field itself.
FIELD = {"truncated": "length:"}


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
        if expect == "ok":
            cmd += ["--expect", "[NPL] \u2705 Payload returned!",
                    "--expect-status", "0"]
        else:
            # Refused by its file's name on every arch: multiboot names
            # each module, and qemu_run.py lists the initrd's files on the
            # command line (images=), so the kernel cuts the initrd there.
            cmd += ["--expect", "[NPL] \u274c Rejected '%s.npl'" % name,
                    "--expect", FIELD.get(expect, expect + ":"),
                    "--expect", "[NPL] 1 payload(s): 0 ran, 1 refused",
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
