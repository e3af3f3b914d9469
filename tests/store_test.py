#!/usr/bin/env python3
"""The persistent store on the simulator (docs/store.md): security
counters across reboots, the states a damaged store leaves, and the
power-cut trials.

usage: store_test.py --sim RUMPK_SIM --npl NPL --key DEV.key --body HELLO.bin
                     --arch ARCH [--trials N] [--seed S]

Functional cases: a newer image runs, an older one is refused after a
reboot; a torn newest slot falls back to the state before it; both slots
damaged refuse every payload (status 1) until the documented recovery; a
file of the wrong size is a usage error.

Power-cut trials: each trial boots with an image whose security counter is
one more than the store's, and kills the simulator (SIGKILL) at a random
instant: half of the trials anywhere in the run, half inside the store
write (right after the kernel says it is writing, with --state-slow-us
stretching the write over many milliseconds).  The next boot must find the
old state or the new one (its sequence number and counter, nothing else),
and an image one below the counter found must be refused.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

from store_lib import Images, judge_cut, state_of, torn_slots

class Ctx:
    def __init__(self, a, tmp):
        self.a, self.tmp = a, tmp
        self.image = Images(a.npl, a.key, a.arch, a.body, tmp)
        self.failures = []

    def sim(self, state, *args, timeout=60):
        r = subprocess.run([self.a.sim, "--state", state] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", timeout=timeout)
        return r.returncode, r.stdout

    def check(self, name, ok, detail=""):
        print("%-4s %s" % ("ok" if ok else "FAIL", name))
        if not ok:
            self.failures.append(name)
            if detail:
                print(detail)


def functional(c):
    st = os.path.join(c.tmp, "f.state")
    rc, out = c.sim(st, "--payload", c.image(5))
    c.check("counter 5 runs on a blank store", rc == 0 and
            "[STORE] blank: a fresh state" in out and
            "[STORE] writing state 1: 'hello' security counter 5" in out and
            "[hello] Hello" in out, out)
    c.check("the store file is 64 KiB", os.path.getsize(st) == 65536)
    rc, out = c.sim(st, "--payload", c.image(3))
    c.check("after a reboot, counter 3 is refused", rc == 1 and
            "[STORE] state 1 from slot 0" in out and
            "held 3, expected at least 5 (the highest accepted for "
            "'hello')" in out and "[hello]" not in out, out)
    rc, out = c.sim(st, "--payload", c.image(5), "--payload", c.image(7))
    c.check("counter 5 again, then 7", rc == 0 and
            "[STORE] writing state 2: 'hello' security counter 7" in out, out)
    rc, out = c.sim(st, "--payload", c.image(6))
    c.check("after a reboot, 6 is refused", rc == 1 and
            "[STORE] state 2 from slot 1" in out and
            "held 6, expected at least 7" in out, out)

    # A torn write of the newest slot (slot 1, state 2): the state
    # before it (slot 0, state 1, counter 5) is what the next boot sees.
    data = bytearray(open(st, "rb").read())
    torn = bytearray(data)
    torn[4096 + 600] ^= 0xff
    open(st, "wb").write(torn)
    rc, out = c.sim(st, "--payload", c.image(6))
    c.check("a torn newest slot: the state before it", rc == 0 and
            "[STORE] state 1 from slot 0" in out and
            "[STORE] writing state 2: 'hello' security counter 6" in out, out)

    # Both slots damaged: no power cut makes that; nothing runs.
    bad = bytearray(data)
    bad[100] ^= 1
    bad[4096 + 100] ^= 1
    open(st, "wb").write(bad)
    rc, out = c.sim(st, "--payload", c.image(9))
    c.check("both slots damaged: fail closed", rc == 1 and
            "[STORE] FAILED its check: slot 0: digest mismatch" in out and
            "Rejected 'hello-c9-" + c.a.arch + ".npl': the persistent store "
            "failed its "
            "check" in out and "[hello]" not in out, out)
    rc, out = c.sim(st)
    c.check("fail closed: the demo's images too", rc == 1 and
            "persistent store failed" in out, out)
    # The documented recovery: a blank store (a fresh state).
    open(st, "wb").write(bytes(65536))
    rc, out = c.sim(st, "--payload", c.image(1))
    c.check("recovery: a blank store runs again", rc == 0 and
            "[STORE] blank: a fresh state" in out, out)

    # A forged slot with a valid digest but a bad field is still refused.
    import hashlib
    forged = bytearray(open(st, "rb").read()[:4096])
    forged[16:20] = (1000).to_bytes(4, "little")  # 1000 counters
    forged[4032:4096] = hashlib.sha512(bytes(forged[:4032])).digest()
    open(st, "wb").write(bytes(forged) + bytes(4096) + bytes(65536 - 8192))
    rc, out = c.sim(st, "--payload", c.image(1))
    c.check("a well-hashed slot with 1000 counters is not believed (bad "
            "beside blank: the fresh state)", rc == 0 and
            "[STORE] blank: a fresh state" in out, out)

    odd = os.path.join(c.tmp, "odd.state")
    open(odd, "wb").write(bytes(1000))
    rc, out = c.sim(odd)
    c.check("a store file of 1000 bytes: usage error", rc == 2 and
            "expected a multiple of 512" in out, out)
    r = subprocess.run([c.a.sim, "--state-slow-us", "10"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    c.check("--state-slow-us alone: usage error", r.returncode == 2 and
            "needs --state" in r.stdout, r.stdout)


def trial(c, st, known, rng, in_write):
    """One power cut while the kernel raises hello's counter from known's
    to one more; then a boot with an image of known's counter, which
    reads the state and, when the new one holds, must refuse it."""
    seq, counter = known
    p = subprocess.Popen([c.a.sim, "--state", st, "--state-slow-us",
                          str(rng.choice([0, 200, 1000])), "--payload",
                          c.image(counter + 1)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if in_write:
        # Wait for the kernel to start its write, then cut within it
        # (8 blocks: up to ~8 ms with the slow option).
        buf = b""
        while b"[STORE] writing" not in buf:
            chunk = p.stdout.read1(4096)
            if not chunk:
                break
            buf += chunk
        time.sleep(rng.uniform(0, 0.009))
    else:
        time.sleep(rng.uniform(0, 0.06))
    p.send_signal(signal.SIGKILL)
    p.communicate()
    torn = torn_slots(st)
    rc, out = c.sim(st, "--payload", c.image(counter))
    return state_of(out), rc, out, torn


def powercut(c, trials, seed):
    rng = random.Random(seed)
    st = os.path.join(c.tmp, "p.state")
    known = (0, 0)
    outcomes = {"old": 0, "new": 0, "torn": 0}
    t0 = time.time()
    for t in range(trials):
        found, rc, out, torn = trial(c, st, known, rng, in_write=t % 2 == 1)
        outcomes["torn"] += torn > 0
        outcome, why = judge_cut(known, found, rc, out)
        if not outcome:
            c.check("trial %d: %s" % (t, why), False, out)
            return
        outcomes[outcome] += 1
        known = found
    c.check("%d power cuts (%d aimed inside a write, %d left a torn "
            "slot): %d found the old state, %d the new, none anything "
            "else, every rollback refused (%.0f s)" %
            (trials, trials // 2, outcomes["torn"], outcomes["old"],
             outcomes["new"], time.time() - t0),
            outcomes["torn"] > 0 or trials < 20)


def main():
    ap = argparse.ArgumentParser()
    for o in ["sim", "npl", "key", "body", "arch"]:
        ap.add_argument("--" + o, required=True)
    ap.add_argument("--trials", type=int, default=500)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    print("seed %d" % seed)
    with tempfile.TemporaryDirectory(prefix="rumpk-store-") as tmp:
        c = Ctx(a, tmp)
        functional(c)
        powercut(c, a.trials, seed)
        if c.failures:
            print("FAILED: %d: %s" % (len(c.failures), ", ".join(c.failures)))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
