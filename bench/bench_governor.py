#!/usr/bin/env python3
"""The War/Peace governor against always-interrupt and always-poll, in the
same run, on the simulator's deterministic time (so the figures are
repeatable; the cost model is in sim/sim.h: 2 us per interrupt, 100 ns per
device register access).  Prints events per second, interrupts taken and
empty polls per profile, and the governor's goals:
  flood: adaptive >= 95% of always-poll's throughput, <= 10% of
         always-interrupt's interrupts
  quiet: adaptive <= 5% of always-poll's empty polls

usage: bench_governor.py [RUMPK_SIM] [--duration-ms N] [--seed N]
"""
import json
import subprocess
import sys


def run(sim, profile, policy, ms, seed):
    out = subprocess.run([sim, "--traffic", profile, "--duration-ms", str(ms),
                          "--time", "sim", "--seed", str(seed), "--stats",
                          "json", "--gov", policy], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    args = sys.argv[1:]
    sim = "build/sim/rumpk-sim"
    ms, seed = 1000, 1
    while args:
        a = args.pop(0)
        if a == "--duration-ms":
            ms = int(args.pop(0))
        elif a == "--seed":
            seed = int(args.pop(0))
        else:
            sim = a
    print(f"governor, simulated time, {ms} ms per run, seed {seed}")
    print(f"{'profile':8} {'policy':9} {'events/s':>10} {'irqs':>8} "
          f"{'polls':>7} {'empty':>7} {'war':>4} {'lost':>5}")
    res = {}
    for prof in ("quiet", "burst", "flood"):
        for pol in ("adaptive", "irq", "poll"):
            r = run(sim, prof, pol, ms, seed)
            res[prof, pol] = r
            print(f"{prof:8} {pol:9} {r['events_per_s']:10.0f} "
                  f"{r['irqs']:8} {r['polls']:7} {r['empty_polls']:7} "
                  f"{r['war_entries']:4} {r['lost']:5}")
    f, q = res["flood", "adaptive"], res["quiet", "adaptive"]
    thr = f["events_per_s"] / max(res["flood", "poll"]["events_per_s"], 1)
    irq = f["irqs"] / max(res["flood", "irq"]["irqs"], 1)
    emp = q["empty_polls"] / max(res["quiet", "poll"]["empty_polls"], 1)
    print(f"flood: throughput {thr:.1%} of always-poll (goal >= 95%), "
          f"interrupts {irq:.1%} of always-interrupt (goal <= 10%)")
    print(f"quiet: empty polls {emp:.1%} of always-poll (goal <= 5%)")
    ok = thr >= 0.95 and irq <= 0.10 and emp <= 0.05
    print("goals met" if ok else "goals NOT met")
    return 0 if ok else 1


sys.exit(main())
