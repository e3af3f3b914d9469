#!/usr/bin/env python3
"""Run every Rumpk benchmark and print one table: each figure next to the
anchor measured in the same run, and the ratio Rumpk / anchor (below 1:
Rumpk is faster).  Normally started by scripts/bench_all.sh (`./run.sh
bench`), which builds what is needed first.

usage: bench_all.py --build DIR [--build-asm DIR] [--log FILE]
                    [--quick] [--no-qemu]

Benchmarks (each prints its own anchors; this script only collects):
  bench/bench_ring     Rumpk's ring vs ConcurrencyKit ck_ring
  bench/bench_crypto   built-in SHA-512 / Ed25519 verify vs libsodium
  bench/bench_switch   rk_yield vs swapcontext and a bare register switch,
                       once per -Dsim_switch (ucontext: --build, asm:
                       --build-asm)
  bench/bench_sleep    rk_sleep_ns lateness vs nanosleep (if built)
  bench/qemu_boot.py   native kernels' boot to exit vs a bare kernel in
                       the same QEMU (if present; the hook for it is
                       run_qemu_boot below)
  bench/bench_syscall_sim  a null syscall from a payload's own process on
                       the simulator vs a futex ping-pong between two
                       processes (x86_64 hosts)
  bench/bench_bus_sim  bus throughput between two isolated payloads on the
                       simulator vs the in-kernel ring, batch 64 (x86_64
                       hosts), and three reference rows of plain processes
                       (no Rumpk) moving the same traffic
  bench/qemu_syscall.py  a null syscall from user mode vs a direct call,
                       in ns and in instructions (-icount), per arch
A benchmark that is missing or fails gives a row saying so; the exit
status is 1 then.  The raw output of every benchmark goes to --log.
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUM = r"([0-9]+(?:\.[0-9]+)?)"


class Table:
    def __init__(self):
        self.rows = []
        self.problems = []

    def add(self, bench, what, rumpk, anchor_name, anchor, unit,
            lower_is_better=True):
        ratio = rumpk / anchor if anchor else float("nan")
        self.rows.append((bench, what, rumpk, anchor_name, anchor, unit,
                          ratio, lower_is_better))

    def problem(self, bench, why):
        self.problems.append((bench, why))

    def render(self):
        out = ["| benchmark | figure | Rumpk | anchor | anchor figure "
               "| Rumpk / anchor |", "| --- | --- | --- | --- | --- | --- |"]
        for b, what, r, an, a, unit, ratio, lower in self.rows:
            note = "" if lower else " (higher is better)"
            out.append("| %s | %s%s | %s %s | %s | %s %s | %.2f |" % (
                b, what, note, fmt(r), unit, an, fmt(a), unit, ratio))
        for b, why in self.problems:
            out.append("| %s | not measured: %s | | | | |" % (b, why))
        return "\n".join(out)


def fmt(x):
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    return "%.2f" % x


class Runner:
    def __init__(self, log):
        self.log = open(log, "w") if log else None

    def run(self, name, cmd, timeout=1800):
        sys.stderr.write("==> %s\n" % " ".join(cmd))
        t0 = time.time()
        try:
            r = subprocess.run(cmd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               errors="replace", timeout=timeout)
            out, rc = r.stdout, r.returncode
        except (OSError, subprocess.TimeoutExpired) as e:
            out, rc = str(e), -1
        if self.log:
            self.log.write("==== %s (%s), status %d, %.0f s\n%s\n" % (
                name, " ".join(cmd), rc, time.time() - t0, out))
            self.log.flush()
        return rc, out


def exe(build, name):
    p = os.path.join(build, "bench", name)
    return p if os.path.exists(p) else None


def run_ring(t, r, build):
    b = exe(build, "bench_ring")
    if not b:
        return t.problem("ring", "no bench_ring in " + build)
    rc, out = r.run("ring", [b])
    if rc != 0:
        return t.problem("ring", "bench_ring failed (status %d)" % rc)
    # batch, one ns, slot ns, span ns, ck ns (bench_ring's one-thread table)
    for m in re.finditer(r"^(\d+)\s+%s\s+%s\s+%s\s+%s" % (NUM, NUM, NUM, NUM),
                         out, re.M):
        for idiom, col in (("push/pop", 2), ("rk_ring_slot", 3),
                           ("rk_ring_span", 4)):
            t.add("ring vs ck_ring",
                  "1 thread, batch %s, %s, ns/msg" % (m.group(1), idiom),
                  float(m.group(col)), "ck_ring SPSC", float(m.group(5)),
                  "ns")
    for m in re.finditer(r"^rumpk batch (\d+)\s+%s\s+%s" % (NUM, NUM), out,
                         re.M):
        t.add("ring vs ck_ring", "2 threads, batch %s, Mmsg/s" % m.group(1),
              float(m.group(2)), "ck_ring", float(m.group(3)), "M/s",
              lower_is_better=False)


def run_crypto(t, r, build):
    b = exe(build, "bench_crypto")
    if not b:
        return t.problem("crypto", "no bench_crypto in " + build)
    rc, out = r.run("crypto", [b])
    if rc != 0:
        return t.problem("crypto", "bench_crypto failed (status %d)" % rc)
    m = re.search(r"Ed25519 verify.*?%s us\s+%s us" % (NUM, NUM), out)
    if m:
        t.add("crypto vs libsodium", "Ed25519 verify, 64-byte message",
              float(m.group(1)), "libsodium", float(m.group(2)), "us")
    m = re.search(r"SHA-512 \(1 MiB\)\s+%s ms\s+%s ms" % (NUM, NUM), out)
    if m:
        t.add("crypto vs libsodium", "SHA-512, 1 MiB", float(m.group(1)),
              "libsodium", float(m.group(2)), "ms")


def run_switch(t, r, build, label):
    b = exe(build, "bench_switch")
    if not b:
        return t.problem("switch (%s)" % label, "no bench_switch in " + build)
    rc, out = r.run("switch-" + label, [b])
    if rc != 0:
        return t.problem("switch (%s)" % label,
                         "bench_switch failed (status %d)" % rc)
    m = re.search(r"rk_yield \((\w+)\)\s+%s ns" % NUM, out)
    if not m:
        return t.problem("switch (%s)" % label, "output not understood")
    rm = float(m.group(2))
    what = "rk_yield, -Dsim_switch=%s, ns" % m.group(1)
    for anchor in ("swapcontext", "bare register switch"):
        a = re.search(r"anchor: %s\s+%s ns" % (anchor, NUM), out)
        if a:
            t.add("fiber switch", what, rm, anchor, float(a.group(1)), "ns")


def run_sleep(t, r, build):
    b = exe(build, "bench_sleep")
    if not b:
        return  # not every tree has it
    rc, out = r.run("sleep", [b])
    if rc != 0:
        return t.problem("sleep", "bench_sleep failed (status %d)" % rc)
    m = re.search(r"rk_sleep_ns\s+%s\s+%s" % (NUM, NUM), out)
    a = re.search(r"anchor: nanosleep\s+%s\s+%s" % (NUM, NUM), out)
    if m and a:
        t.add("sleep lateness", "rk_sleep_ns, median us", float(m.group(1)),
              "nanosleep", float(a.group(1)), "us")
        t.add("sleep lateness", "rk_sleep_ns, p99 us", float(m.group(2)),
              "nanosleep", float(a.group(2)), "us")


def run_syscall_sim(t, r, build):
    b = exe(build, "bench_syscall_sim")
    if not b:
        return  # x86_64 hosts only
    rc, out = r.run("syscall-sim", [b])
    if rc != 0:
        return t.problem("null syscall (sim)",
                         "bench_syscall_sim failed (status %d)" % rc)
    if "skipped" in out:
        return  # payloads on kernel fibers in that build
    m = re.search(r"rk syscall \(child process\)\s+%s ns" % NUM, out)
    a = re.search(r"anchor: futex ping-pong\s+%s ns" % NUM, out)
    if not (m and a):
        return t.problem("null syscall (sim)", "output not understood")
    t.add("null syscall (sim)", "RK_SYS_NOW from a payload's process, ns",
          float(m.group(1)), "futex ping-pong, 2 processes",
          float(a.group(1)), "ns")


def run_bus_sim(t, r, build):
    b = exe(build, "bench_bus_sim")
    if not b:
        return  # x86_64 hosts only
    rc, out = r.run("bus-sim", [b])
    if rc != 0:
        return t.problem("bus throughput (sim)",
                         "bench_bus_sim failed (status %d)" % rc)
    if "skipped" in out:
        return  # payloads on kernel fibers in that build
    m = re.search(r"two isolated payloads \(bus window\)\s+%s msgs/s" % NUM,
                  out)
    a = re.search(r"anchor: in-kernel ring, two fibers\s+%s msgs/s" % NUM,
                  out)
    if not (m and a):
        return t.problem("bus throughput (sim)", "output not understood")
    t.add("bus throughput (sim)", "two isolated payloads, batch 64, msgs/s",
          float(m.group(1)), "in-kernel rk_ring, 2 fibers",
          float(a.group(1)), "msgs/s", lower_is_better=False)
    # What the host allows, with no Rumpk in it (bench/bus_reference.c):
    # every row bench_bus_sim prints under its reference heading, by the
    # label it gives (rows skipped on a one-CPU host print no figure).
    refs = out.split("reference, plain processes", 1)[1:]
    for label, v in re.findall(r"^  (\S.*?)\s+%s msgs/s" % NUM,
                               "".join(refs), re.M):
        t.add("bus throughput (sim)", "reference: %s, msgs/s" % label,
              float(v), "in-kernel rk_ring, 2 fibers", float(a.group(1)),
              "msgs/s", lower_is_better=False)


def run_qemu_boot(t, r, quick):
    """Hook for bench/qemu_boot.py: its first markdown table is wall ms,
    '| arch | bare | demo | hello | ...'.  Missing script: a row says so."""
    script = os.path.join(ROOT, "bench", "qemu_boot.py")
    if not os.path.exists(script):
        return t.problem("QEMU boot", "bench/qemu_boot.py not in this tree")
    cmd = [sys.executable, script, "--rounds", "3" if quick else "7"]
    rc, out = r.run("qemu_boot", cmd, timeout=3600)
    if rc != 0:
        return t.problem("QEMU boot", "qemu_boot.py failed (status %d, see "
                         "the log)" % rc)
    wall = out.split("QEMU CPU ms")[0]
    for m in re.finditer(r"^\| (\w+) \| %s \| %s \| %s \|" % (NUM, NUM, NUM),
                         wall, re.M):
        arch, bare, demo, hello = m.group(1), *map(float, m.groups()[1:])
        t.add("QEMU boot to exit", "%s, demo kernel, wall ms" % arch, demo,
              "bare kernel", bare, "ms")
        t.add("QEMU boot to exit", "%s, one signed payload, wall ms" % arch,
              hello, "bare kernel", bare, "ms")


def run_qemu_syscall(t, r):
    """Hook for bench/qemu_syscall.py: '| arch | syscall ns | direct ns |
    ratio | syscall insns | direct insns | ratio |'."""
    script = os.path.join(ROOT, "bench", "qemu_syscall.py")
    rc, out = r.run("qemu_syscall", [sys.executable, script], timeout=1800)
    if rc != 0:
        return t.problem("null syscall", "qemu_syscall.py failed (status "
                         "%d, see the log)" % rc)
    for m in re.finditer(r"^\| (\w+) \| %s \| %s \| %s \| %s \| %s \|"
                         % (NUM, NUM, NUM, NUM, NUM), out, re.M):
        arch = m.group(1)
        sys_ns, direct_ns, _, sys_i, direct_i = map(float, m.groups()[1:])
        t.add("null syscall (user mode)", "%s, ns per call" % arch, sys_ns,
              "direct call", direct_ns, "ns")
        t.add("null syscall (user mode)", "%s, instructions per call" % arch,
              sys_i, "direct call", direct_i, "insns")


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cc = subprocess.run(["cc", "--version"], stdout=subprocess.PIPE,
                        text=True).stdout.splitlines()[:1]
    return "%s, %d CPUs, %s %s, %s" % (
        model or platform.machine(), os.cpu_count() or 0, platform.system(),
        platform.release(), cc[0] if cc else "cc ?")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--build-asm")
    ap.add_argument("--log")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-qemu", action="store_true")
    a = ap.parse_args()

    t, r = Table(), Runner(a.log)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    run_ring(t, r, a.build)
    run_crypto(t, r, a.build)
    run_switch(t, r, a.build, "ucontext")
    if a.build_asm:
        run_switch(t, r, a.build_asm, "asm")
    run_sleep(t, r, a.build)
    run_syscall_sim(t, r, a.build)
    run_bus_sim(t, r, a.build)
    if not a.no_qemu:
        run_qemu_boot(t, r, a.quick)
        run_qemu_syscall(t, r)

    print("Rumpk benchmarks, %s" % started)
    print("Machine: %s; load average at the end %.2f" % (
        machine(), os.getloadavg()[0]))
    print()
    print(t.render())
    if a.log:
        print()
        print("Raw output of every benchmark: %s" % a.log)
    return 1 if t.problems else 0


if __name__ == "__main__":
    sys.exit(main())
