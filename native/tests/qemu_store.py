#!/usr/bin/env python3
"""The persistent store of a native kernel in QEMU (docs/store.md): a
virtio block device that qemu_run.py attaches with --store FILE.

usage: qemu_store.py --runner QEMU_RUN.py --arch ARCH --kernel K
                     --npl NPL --key DEV.key --body HELLO.bin
                     --keyring-1 K1.nkr --keyring-2 K2.nkr
                     --hello-release H.npl [--power-cuts N] [--seed S]

A store qemu_run.py cannot create is a usage error (status 2).  Across
reboots (QEMU run again on the same file): an older security
counter refused after a newer one ran; a keyring document stored, then a
revocation that holds after a reboot; a store with both slots damaged
refuses every payload.  With --power-cuts N: N boots killed (SIGKILL of
QEMU) at random instants, most right after the kernel says it is writing,
each followed by a boot that must find the old state or the new one and
refuse an image below the counter it found.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests"))
from store_lib import Checks, Images, judge_cut, state_of, torn_slots  # noqa: E402,E501

CHECKS = Checks()
check = CHECKS.check


def main():
    ap = argparse.ArgumentParser()
    for o in ["runner", "arch", "kernel", "npl", "key", "body", "keyring-1",
              "keyring-2", "hello-release"]:
        ap.add_argument("--" + o, required=True)
    ap.add_argument("--power-cuts", type=int, default=0)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()

    def boot(store, *images, timeout=40):
        r = subprocess.run([sys.executable, a.runner, "--arch", a.arch,
                            "--kernel", a.kernel, "--timeout", str(timeout),
                            "--store", store] + list(images),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace")
        return r.returncode, r.stdout

    with tempfile.TemporaryDirectory(prefix="rumpk-qstore-") as tmp:
        image = Images(a.npl, a.key, a.arch, a.body, tmp)
        missing = os.path.join(tmp, "no-such-folder", "s.img")
        rc, out = boot(missing, image(5))
        check("a store in a missing folder: a usage error, no boot",
              rc == 2 and "--store %s: cannot create it" % missing in out
              and "[BOOT]" not in out, out)
        st = os.path.join(tmp, "s.img")
        rc, out = boot(st, image(5))
        check("counter 5 runs; the state is written", rc == 0 and
              "[STORE] virtio block device at " in out and
              "[STORE] writing state 1: 'hello' security counter 5" in out
              and "[hello] Hello" in out, out)
        rc, out = boot(st, image(3))
        check("after a reboot, counter 3 is refused", rc == 1 and
              "held 3, expected at least 5 (the highest accepted for "
              "'hello')" in out, out)
        st = os.path.join(tmp, "k.img")  # hello's counter back at 0
        rc, out = boot(st, a.keyring_1, a.hello_release)
        check("keyring 1 stored; its key signs", rc == 0 and
              "[KEYRING] accepted version 1" in out and
              "[hello] Hello" in out, out)
        rc, out = boot(st, a.hello_release)
        check("after a reboot the stored keyring holds", rc == 0 and
              "[KEYRING] stored version 1" in out and
              "[hello] Hello" in out, out)
        rc, out = boot(st, a.keyring_2)
        check("keyring 2 revokes the key", rc == 0 and
              "[KEYRING] accepted version 2" in out, out)
        rc, out = boot(st, a.hello_release)
        check("after a reboot the key stays revoked", rc == 1 and
              "untrusted key" in out and "[hello]" not in out, out)
        with open(st, "r+b") as f:
            for off in (100, 4096 + 100):
                f.seek(off)
                b = f.read(1)
                f.seek(off)
                f.write(bytes([b[0] ^ 1]))
        rc, out = boot(st, image(9))
        check("both slots damaged: fail closed", rc == 1 and
              "[STORE] FAILED its check" in out and
              "the persistent store failed its check" in out and
              "[hello]" not in out, out)
        if a.power_cuts:
            powercut(a, image, os.path.join(tmp, "p.img"), a.power_cuts,
                     a.seed if a.seed is not None
                     else random.randrange(1 << 30))
    return CHECKS.status()


def cut(pid):
    """The power cut: SIGKILL to QEMU (qemu_run.py's child, in a process
    group of its own), then to qemu_run.py."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = [int(k) for k in f.read().split()]
    except OSError:
        kids = []
    for k in kids:
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os.kill(pid, signal.SIGKILL)


def powercut(a, image, st, trials, seed):
    rng = random.Random(seed)
    print("power cuts: seed %d" % seed)
    known = (0, 0)
    seen = {"old": 0, "new": 0, "torn": 0}
    t0 = time.time()
    for t in range(trials):
        seq, counter = known
        # 20 requests a second (QEMU lets a tenth of that through at
        # once): a slot's 8 blocks and its flush take about 350 ms, a
        # window the cuts land in.
        # -u: the console's lines reach us as the kernel prints them.
        p = subprocess.Popen([sys.executable, "-u", a.runner, "--arch",
                              a.arch, "--kernel", a.kernel, "--timeout",
                              "40", "--store", st, "--store-iops", "20",
                              image(counter + 1)],
                             stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        if t % 4:
            # Most cuts right after the kernel says it writes.
            buf = b""
            while b"[STORE] writing" not in buf:
                chunk = p.stdout.read1(4096)
                if not chunk:
                    break
                buf += chunk
            time.sleep(rng.uniform(0, 0.4))
        else:
            time.sleep(rng.uniform(0, 0.5))
        cut(p.pid)
        p.communicate()
        seen["torn"] += torn_slots(st) > 0
        r = subprocess.run([sys.executable, a.runner, "--arch", a.arch,
                            "--kernel", a.kernel, "--timeout", "40",
                            "--store", st, image(counter)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace")
        found = state_of(r.stdout)
        outcome, why = judge_cut(known, found, r.returncode, r.stdout)
        if not outcome:
            check("cut %d: %s" % (t, why), False, r.stdout)
            return
        seen[outcome] += 1
        known = found
    check("%d QEMU power cuts (%d left a torn slot): %d found the old "
          "state, %d the new, none anything else, every rollback refused "
          "(%.0f s)" % (trials, seen["torn"], seen["old"], seen["new"],
                        time.time() - t0), True)


if __name__ == "__main__":
    sys.exit(main())
