#!/usr/bin/env python3
"""Checks what a native build's archives and kernel leave undefined.

    check_undefined.py [--nm LLVM-NM] --crypto librkcrypto.a
                       [--core librkcore.a] [--kernel rumpk-ARCH.elf]
    check_undefined.py [--nm LLVM-NM] --build-dir DIR [--build-dir DIR]...

A symbol counts as undefined for an archive when some member uses it and
no member defines it (the archive's own cross references are fine).

  crypto  the freestanding SHA-512 / Ed25519 archive may need only the
          mem* functions every freestanding C compiler may call
          (C11 5.1.2.1 leaves them to the implementation; our klib's
          src/lib/ccrt.c supplies them in kernels)
  core    the kernel core (rkcore_native) may need only the HAL
          (hal_*, include/rumpk/hal.h), mem*, the crypto archive and what
          the build generates for the kernel: the keyring
          (scripts/gen_keyring.py) and the demo's images (payloads/)
  kernel  the linked ELF: nothing at all

Exit status: 0 all clean, 1 something undefined that should not be,
2 usage (a missing file, llvm-nm failed).
"""

import argparse
import fnmatch
import os
import subprocess
import sys

MEM = {"memcpy", "memset", "memmove", "memcmp"}
CORE_ALLOWED = ["hal_*", "rk_trusted_keys", "rk_trusted_key_count",
                "rk_dev_pubkey", "rk_demo_*"]


def nm(tool, path, *flags):
    """Symbol names llvm-nm -P lists for path with flags."""
    out = subprocess.run([tool, "-P"] + list(flags) + [path], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    names = set()
    for line in out.splitlines():
        line = line.strip()
        # Archive member headers ("lib.a[x.o]:" or "x.o:") and blanks.
        if not line or line.endswith(":"):
            continue
        names.add(line.split()[0])
    return names


def unresolved(tool, path):
    return nm(tool, path, "-u") - nm(tool, path, "--defined-only")


def report(label, path, bad, seen):
    if bad:
        print("check_undefined: FAIL: %s %s: undefined %s" %
              (label, path, " ".join(sorted(bad))))
        return 1
    print("check_undefined: ok: %s %s (undefined: %s)" %
          (label, path, " ".join(sorted(seen)) or "none"))
    return 0


def check(tool, crypto, core, kernel):
    fails = 0
    crypto_defs = set()
    if crypto:
        u = unresolved(tool, crypto)
        fails += report("crypto", crypto, u - MEM, u)
        crypto_defs = nm(tool, crypto, "--defined-only")
    if core:
        u = unresolved(tool, core)
        bad = {s for s in u - MEM - crypto_defs
               if not any(fnmatch.fnmatchcase(s, p) for p in CORE_ALLOWED)}
        fails += report("core", core, bad, u)
    if kernel:
        u = nm(tool, kernel, "-u")
        fails += report("kernel", kernel, u, u)
    return fails


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nm", default="llvm-nm", help="llvm-nm to run")
    ap.add_argument("--crypto", help="librkcrypto.a")
    ap.add_argument("--core", help="the kernel's librkcore.a")
    ap.add_argument("--kernel", help="rumpk-ARCH.elf")
    ap.add_argument("--build-dir", action="append", default=[],
                    metavar="DIR", help="a cross build: checks all three")
    args = ap.parse_args(argv)

    jobs = []
    if args.crypto or args.core or args.kernel:
        jobs.append((args.crypto, args.core, args.kernel))
    for d in args.build_dir:
        elf = [f for f in sorted(os.listdir(os.path.join(d, "native")))
               if f.startswith("rumpk-") and f.endswith(".elf")] \
            if os.path.isdir(os.path.join(d, "native")) else []
        if not elf:
            print("check_undefined: %s is not a built cross build (no "
                  "native/rumpk-ARCH.elf): see ./test.sh" % d,
                  file=sys.stderr)
            return 2
        jobs.append((os.path.join(d, "librkcrypto.a"),
                     os.path.join(d, "native", "librkcore.a"),
                     os.path.join(d, "native", elf[0])))
    if not jobs:
        ap.print_usage(sys.stderr)
        return 2
    fails = 0
    for crypto, core, kernel in jobs:
        for f in (crypto, core, kernel):
            if f and not os.path.isfile(f):
                print("check_undefined: no such file: %s" % f,
                      file=sys.stderr)
                return 2
        try:
            fails += check(args.nm, crypto, core, kernel)
        except (OSError, subprocess.CalledProcessError) as e:
            print("check_undefined: %s" % e, file=sys.stderr)
            return 2
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
