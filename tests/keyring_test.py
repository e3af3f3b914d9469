#!/usr/bin/env python3
"""Keyring documents on the simulator (docs/keyring.md): rotation,
revocation and their persistence across reboots, and every refusal.

usage: keyring_test.py --sim RUMPK_SIM --npl NPL --body HELLO.bin
                       --arch ARCH [--threshold K]

K is the simulator's build-time threshold (-Dkeyring_threshold). The roots
are keys made here, given with --trust (the keys a boot chooses are the
roots); the store is a file (--state).
"""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from store_lib import Checks  # noqa: E402

CHECKS = Checks()
check = CHECKS.check


def main():
    ap = argparse.ArgumentParser()
    for o in ["sim", "npl", "body", "arch"]:
        ap.add_argument("--" + o, required=True)
    ap.add_argument("--threshold", type=int, default=1)
    a = ap.parse_args()
    k = a.threshold
    with tempfile.TemporaryDirectory(prefix="rumpk-keyring-") as tmp:
        t = lambda *p: os.path.join(tmp, *p)

        def npl(*args, status=0):
            r = subprocess.run([a.npl] + list(args), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            if r.returncode != status:
                sys.exit("npl %s: status %d\n%s" % (" ".join(args),
                                                    r.returncode, r.stdout))
            return r.stdout

        def sim(*args, state="s.state"):
            cmd = [a.sim]
            for i in range(3):
                cmd += ["--trust", t("root%d.pub" % i)]
            if state:
                cmd += ["--state", t(state)]
            r = subprocess.run(cmd + list(args), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               errors="replace", timeout=60)
            return r.returncode, r.stdout

        for name in ["root0", "root1", "root2", "other", "pay", "leak"]:
            npl("keygen", "-o", t(name))
        roots = lambda n: sum([["--root", t("root%d.key" % i)]
                               for i in range(n)], [])
        npl("sign", "--key", t("pay.key"), "--arch", a.arch, a.body, "-o",
            t("h-pay.npl"), "--name", "hello")
        npl("sign", "--key", t("pay.key"), "--arch", a.arch, a.body, "-o",
            t("h-pay-other.npl"), "--name", "other")
        npl("sign", "--key", t("leak.key"), "--arch", a.arch, a.body, "-o",
            t("h-leak.npl"), "--name", "leaky")
        npl("keyring", *roots(k), "--version", "1", "--add",
            t("pay.pub") + ":hello", "--add", t("leak.pub"), "-o", t("v1.nkr"))
        npl("keyring", *roots(k), "--version", "2", "--add",
            t("pay.pub") + ":hello", "--revoke", t("leak.pub"), "-o",
            t("v2.nkr"))

        rc, out = sim("--payload", t("h-pay.npl"))
        check("before any keyring: a payload key is untrusted", rc == 1 and
              "untrusted key" in out, out)
        rc, out = sim("--payload", t("v1.nkr"), "--payload", t("h-pay.npl"),
                      "--payload", t("h-leak.npl"), "--payload",
                      t("h-pay-other.npl"))
        check("keyring v1: its keys sign, each for its names", rc == 1 and
              "[STORE] writing state 1: keyring version 1" in out and
              "[KEYRING] accepted version 1: 2 payload key(s), 0 revoked" in out
              and "'hello' returned 42" in out and "'leaky' returned 42" in out
              and "Rejected 'h-pay-other.npl': key may not sign this name: "
              "name: held 'other', expected 'hello'" in out and
              "3 payload(s): 2 ran, 1 refused" in out, out)
        rc, out = sim("--payload", t("h-leak.npl"))
        check("after a reboot, keyring v1 still holds", rc == 0 and
              "[KEYRING] stored version 1" in out and
              "'leaky' returned 42" in out, out)
        rc, out = sim("--payload", t("v2.nkr"), "--payload", t("h-leak.npl"))
        check("keyring v2 revokes the leaked key at once", rc == 1 and
              "[KEYRING] accepted version 2: 1 payload key(s), 1 revoked" in out
              and "Rejected 'h-leak.npl': untrusted key" in out, out)
        rc, out = sim("--payload", t("h-leak.npl"), "--payload",
                      t("h-pay.npl"))
        check("after a reboot the leaked key stays revoked", rc == 1 and
              "[KEYRING] stored version 2: 1 payload key(s), 1 revoked" in out
              and "Rejected 'h-leak.npl': untrusted key" in out and
              "'hello' returned 42" in out, out)
        rc, out = sim("--payload", t("v1.nkr"), "--payload", t("h-leak.npl"))
        check("the older keyring v1 is refused (it lists a revoked key)",
              rc == 1 and "Rejected 'v1.nkr'" in out and
              "Rejected 'h-leak.npl'" in out, out)
        npl("keyring", *roots(k), "--version", "2", "--add",
            t("other.pub"), "-o", t("v2b.nkr"))
        rc, out = sim("--payload", t("v2b.nkr"))
        check("a keyring with the same version is refused", rc == 1 and
              "version: held 2, expected more than 2 (the keyring the "
              "kernel holds)" in out, out)
        npl("keyring", *roots(k), "--version", "9", "--add", t("leak.pub"),
            "-o", t("unrevoke.nkr"))
        rc, out = sim("--payload", t("unrevoke.nkr"))
        check("a newer keyring cannot bring a revoked key back", rc == 1 and
              "is revoked, expected no revoked key (revoked keys stay "
              "revoked)" in out, out)
        npl("keyring", "--root", t("other.key"), *roots(k - 1),
            "--version", "10", "--add", t("other.pub"), "-o", t("wrong.nkr"))
        rc, out = sim("--payload", t("wrong.nkr"))
        check("signed by a key that is no root: refused", rc == 1 and
              "signature 0: key id " in out and
              "expected the id of one of the 3 root key(s)" in out, out)
        if k > 1:
            npl("keyring", *roots(k - 1), "--version", "11", "--add",
                t("other.pub"), "-o", t("few.nkr"))
            rc, out = sim("--payload", t("few.nkr"))
            check("signed by %d root(s) of the %d needed: refused" % (k - 1, k),
                  rc == 1 and "nsigs: held %d valid root signature(s), "
                  "expected at least %d" % (k - 1, k) in out, out)
        data = bytearray(open(t("v2.nkr"), "rb").read())
        data[30] ^= 1
        open(t("flip.nkr"), "wb").write(data)
        rc, out = sim("--payload", t("flip.nkr"))
        check("one bit changed: refused", rc == 1 and
              "it does not verify" in out, out)
        # Without a store a keyring lasts one boot.
        rc, out = sim("--payload", t("v1.nkr"), "--payload", t("h-pay.npl"),
                      state=None)
        check("no store: the keyring holds for this boot", rc == 0 and
              "'hello' returned 42" in out, out)
        rc, out = sim("--payload", t("h-pay.npl"), state=None)
        check("no store: gone after a reboot", rc == 1 and
              "untrusted key" in out, out)
        # A revoked root signs nothing: revoke root0 (with the others).
        npl("keyring", *[x for i in range(1, 3) for x in
                         ("--root", t("root%d.key" % i))][:2 * max(k, 1)],
            "--version", "12", "--add", t("pay.pub") + ":hello", "--revoke",
            t("root0.pub"), "-o", t("rr.nkr"))
        if k <= 2:
            rc, out = sim("--payload", t("rr.nkr"))
            check("a keyring revokes a root", rc == 0 and
                  "accepted version 12" in out, out)
            npl("keyring", "--root", t("root0.key"), "--version", "13",
                "--add", t("other.pub"), "-o", t("by0.nkr"))
            npl("sign", "--key", t("root0.key"), "--arch", a.arch, a.body,
                "-o", t("h-root0.npl"), "--name", "hello")
            rc, out = sim("--payload", t("by0.nkr"), "--payload",
                          t("h-root0.npl"))
            check("after a reboot the revoked root signs nothing", rc == 1
                  and "[KEYRING] root key #0 is revoked" in out and
                  "Rejected 'by0.nkr': signature 0: root " in out and
                  "Rejected 'h-root0.npl': untrusted key" in out, out)
    return CHECKS.status()


if __name__ == "__main__":
    sys.exit(main())
