"""What the store tests share (tests/store_test.py on the simulator,
native/tests/qemu_store.py under QEMU): reading the state a boot reports,
finding torn slots in a store file, and hello images signed with any
security counter (docs/store.md)."""

import hashlib
import os
import re
import subprocess

STATE_RE = re.compile(r"\[STORE\] state (\d+) from slot (\d)")
COUNTER_RE = re.compile(r"\[STORE\] 'hello' security counter (\d+)")
SLOT = 4096


def state_of(out):
    """(seq, hello's counter) as the boot reported them; a blank store is
    (0, 0); None when the boot said neither."""
    if "[STORE] blank: a fresh state" in out:
        return 0, 0
    m, c = STATE_RE.search(out), COUNTER_RE.search(out)
    if not m:
        return None
    return int(m.group(1)), int(c.group(1)) if c else 0


def torn_slots(path):
    """How many of the two slots hold neither zeros nor a state whose
    SHA-512 holds: what a cut inside a write leaves."""
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        data = f.read(2 * SLOT)
    n = 0
    for i in range(2):
        slot = data[i * SLOT:(i + 1) * SLOT]
        if any(slot) and \
                hashlib.sha512(slot[:SLOT - 64]).digest() != slot[SLOT - 64:]:
            n += 1
    return n


class Images:
    """hello signed by key with any counter, made once each in tmp."""

    def __init__(self, npl, key, arch, body, tmp):
        self.npl, self.key, self.arch, self.body, self.tmp = \
            npl, key, arch, body, tmp
        self.made = {}

    def __call__(self, counter):
        if counter not in self.made:
            out = os.path.join(self.tmp, "hello-c%d-%s.npl" % (counter,
                                                               self.arch))
            subprocess.run([self.npl, "sign", "--key", self.key, "--arch",
                            self.arch, self.body, "-o", out, "--name",
                            "hello", "--counter", str(counter)],
                           check=True, stdout=subprocess.DEVNULL)
            self.made[counter] = out
        return self.made[counter]


def judge_cut(known, found, rc, out):
    """A power cut came while the kernel raised hello's counter from the
    state known, (seq, counter), by one; the boot after it ran the image
    with known's counter and reported found.  It must have found the old
    state (and run the image) or the new one (and refused it as a
    rollback), and written nothing.  ("old" or "new", None), or (None,
    what went wrong)."""
    new = (known[0] + 1, known[1] + 1)
    if found not in (known, new):
        return None, "before %s, found %s" % (known, found)
    if rc != (1 if found == new else 0) or "writing state" in out:
        return None, "the boot after it: status %d" % rc
    return ("new" if found == new else "old"), None


class Checks:
    """ok/FAIL lines, and the names of what failed."""

    def __init__(self):
        self.failures = []

    def check(self, name, ok, detail=""):
        print("%-4s %s" % ("ok" if ok else "FAIL", name))
        if not ok:
            self.failures.append(name)
            if detail:
                print(detail)

    def status(self):
        if self.failures:
            print("FAILED: %d: %s" % (len(self.failures),
                                      ", ".join(self.failures)))
            return 1
        return 0
