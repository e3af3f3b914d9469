#!/usr/bin/env python3
"""Run one libFuzzer harness for a bounded time over its seeds.

usage: run_fuzz.py --fuzzer EXE [--time SEC | --runs N] [--keep DIR] SEED...

Each SEED is a file or a directory of files; they are copied into a
scratch corpus (or --keep DIR, which then holds the grown corpus), so the
repository's seed corpus is never written.  Crash, leak or timeout
reproducers go to the scratch directory too and are printed.  The last
line sums the run up: executions, exec/s, edge coverage, features, corpus
size, findings.  Exit status: the fuzzer's (0 when nothing was found)."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def copy_seeds(seeds, corpus):
    n = 0
    for s in seeds:
        files = []
        if os.path.isdir(s):
            for root, _, names in os.walk(s):
                files += [os.path.join(root, f) for f in sorted(names)]
        elif os.path.isfile(s):
            files.append(s)
        else:
            sys.exit("run_fuzz: seed %s: no such file or directory" % s)
        for f in files:
            n += 1
            shutil.copyfile(f, os.path.join(corpus, "seed-%04d-%s" %
                                            (n, os.path.basename(f))))
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fuzzer", required=True)
    ap.add_argument("--time", type=int, default=10)
    ap.add_argument("--runs", type=int)
    ap.add_argument("--keep")
    ap.add_argument("seeds", nargs="*")
    a = ap.parse_args()

    name = os.path.basename(a.fuzzer)
    scratch = tempfile.mkdtemp(prefix=name + ".")
    corpus = a.keep or os.path.join(scratch, "corpus")
    os.makedirs(corpus, exist_ok=True)
    nseeds = copy_seeds(a.seeds, corpus)
    limit = ["-runs=%d" % a.runs] if a.runs else \
        ["-max_total_time=%d" % a.time]
    cmd = [a.fuzzer] + limit + [
        "-print_final_stats=1", "-timeout=10", "-error_exitcode=1",
        "-timeout_exitcode=1", "-rss_limit_mb=2048",
        "-artifact_prefix=" + scratch + "/", corpus]
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace", env=env)
    out = r.stdout
    stats = dict(re.findall(r"^stat::(\w+):\s*(\d+)", out, re.M))
    cov = re.findall(r"\bcov: (\d+) ft: (\d+) corp: (\d+)", out)
    found = [f for f in os.listdir(scratch)
             if f.startswith(("crash-", "leak-", "timeout-", "oom-"))]
    if r.returncode != 0 or found:
        sys.stdout.write(out[-6000:])
    cv, ft, cp = cov[-1] if cov else ("?", "?", "?")
    print("%s: %s seeds, %s executions (%s/s), cov %s, ft %s, corpus %s, "
          "findings %d%s" % (
              name, nseeds, stats.get("number_of_executed_units", "?"),
              stats.get("average_exec_per_sec", "?"), cv, ft, cp,
              len(found), (" in " + scratch) if found else ""))
    if r.returncode == 0 and not found and not a.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    return r.returncode if r.returncode else (1 if found else 0)


if __name__ == "__main__":
    sys.exit(main())
