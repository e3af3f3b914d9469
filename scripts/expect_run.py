#!/usr/bin/env python3
"""Run a command; pass when it exits with the expected status and its
output holds every expected line fragment (and none of the rejected).

usage: expect_run.py --status N [--expect TEXT]... [--reject TEXT]... -- CMD...
"""
import argparse
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--status", type=int, required=True)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace", timeout=a.timeout)
    sys.stdout.write(r.stdout)
    bad = []
    if r.returncode != a.status:
        bad.append("status %d, expected %d" % (r.returncode, a.status))
    bad += ["missing: " + e for e in a.expect if e not in r.stdout]
    bad += ["unexpected: " + e for e in a.reject if e in r.stdout]
    for b in bad:
        print("FAIL: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
