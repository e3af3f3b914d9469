#!/usr/bin/env python3
"""Boot-to-exit time of Rumpk's native kernels against a bare kernel that
exits at once, in the same QEMU, with the same command line, in the same
run: the difference is the kernel's own share of boot time.

    bench/qemu_boot.py [--rounds N] [--arch ARCH]... [--build-dir-ARCH DIR]...

Per arch, three kernels are booted in interleaved rounds (the order
rotates every round, so drift of a shared machine hits all three alike):

  bare   bench/bare/ARCH.S, built here with clang + ld.lld into a temp dir;
         prints nothing and exits 0 through the arch's exit device
  demo   the cross build's kernel with no payloads: the whole demo
  hello  the same kernel with payloads/hello-ARCH.npl as its initrd /
         multiboot module (verify + run one signed payload, no demo)

Then the firmware paths (--firmware-rounds, default 3; 0 skips them):
x86_64 through GRUB under SeaBIOS and under OVMF, and the EFI kernel
under OVMF (x86_64) and AAVMF (aarch64), each against the same firmware
booting the bare kernel the same way (GRUB's multiboot2; our EFI loader
with the bare ELF inside, built here from native/efi with clang), so the
table shows how much of a firmware boot is Rumpk's.

Every boot is wall time from starting QEMU to its exit, and must end with
the expected status (bare: the exit device's status 0; Rumpk: status 0
and its `[EXIT] status 0` line), otherwise the run fails.  The QEMU
command line is scripts/qemu_run.py's own build_command(), so it is the
one `meson test` and `./run.sh qemu` use.  Also prints llvm-size of
each image.  Exit status: 0, 1 when a boot failed, 2 usage / missing
build.
"""

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCHES = ["x86_64", "aarch64", "riscv64"]
KINDS = ["bare", "demo", "hello"]

# How each bare kernel is built: clang target and flags, link address.
# The link addresses are the real kernels' (native/ARCH/link.ld).
BARE = {
    "x86_64": (["--target=x86_64-unknown-none-elf"], "0x100000"),
    "aarch64": (["--target=aarch64-unknown-none-elf"], "0x40200000"),
    "riscv64": (["--target=riscv64-unknown-elf", "-march=rv64imac",
                 "-mabi=lp64", "-mno-relax"], "0x80200000"),
}
# ARCHITECTURE.md section 8: bare boot to exit, TCG, this machine class.
ANCHOR_MS = {"x86_64": 28, "aarch64": 30, "riscv64": 42}


def load_qemu_run():
    path = os.path.join(ROOT, "scripts", "qemu_run.py")
    spec = importlib.util.spec_from_file_location("qemu_run", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build_bare(arch, tmpdir):
    """Assembles and links bench/bare/ARCH.S; returns the -kernel file."""
    flags, base = BARE[arch]
    src = os.path.join(ROOT, "bench", "bare", arch + ".S")
    obj = os.path.join(tmpdir, "bare-%s.o" % arch)
    elf = os.path.join(tmpdir, "bare-%s.elf" % arch)
    subprocess.run(["clang"] + flags + ["-c", src, "-o", obj], check=True)
    subprocess.run(["clang"] + flags + [
        "-nostdlib", "-static", "-fuse-ld=lld", "-Wl,--no-pie",
        "-Wl,--build-id=none", "-Wl,-z,max-page-size=4096",
        "-Wl,--defsym=BARE_BASE=" + base,
        "-Wl,-T," + os.path.join(ROOT, "bench", "bare", "link.ld"),
        "-o", elf, obj], check=True)
    if arch != "aarch64":
        return elf
    # Booted as a flat arm64 Image, like the real kernel (see aarch64.S).
    img = os.path.join(tmpdir, "bare-aarch64.img")
    subprocess.run(["llvm-objcopy", "-O", "binary", elf, img], check=True)
    return img


# The firmware paths: (arch, qemu_run --via).
FIRMWARE_PATHS = [("x86_64", "grub"), ("x86_64", "grub-uefi"),
                  ("x86_64", "uefi"), ("aarch64", "uefi")]


def build_bare_efi(arch, bare_elf, tmpdir):
    """The EFI loader (native/efi, its flags from native/efi/cflags) with
    the bare kernel's ELF inside instead of Rumpk's."""
    efi_dir = os.path.join(ROOT, "native", "efi")
    flags = []
    with open(os.path.join(efi_dir, "cflags")) as f:
        for line in f:
            words = line.split()
            if words and words[0] in ("all", arch):
                flags += words[1:]
    out = os.path.join(tmpdir, "bare-%s.efi" % arch)
    src = [os.path.join(efi_dir, n) for n in
           ("main.c", arch + ".c", "enter_%s.S" % arch, "kernel.S")]
    subprocess.run(["clang"] + flags + [
        "-I" + efi_dir, "-I" + os.path.join(ROOT, "native", "common"),
        '-DRK_KERNEL_ELF="%s"' % bare_elf] + src + ["-o", out], check=True)
    return out


def firmware_paths(qr, arches, kernels, tmp, rounds, timeout):
    """Boots each firmware path's bare, demo and hello kernels in
    interleaved rounds; prints one table of wall-time medians."""
    rows, bares = [], {}
    for arch, via in FIRMWARE_PATHS:
        if arch not in arches:
            continue
        boot, elf, hello = kernels[arch]
        if arch not in bares:  # writes bare-ARCH.elf too
            bares[arch] = build_bare(arch, tmp)
        bare_boot = bares[arch]
        bare_elf = os.path.join(tmp, "bare-%s.elf" % arch)
        if via == "uefi":
            kern = os.path.join(os.path.dirname(elf), "efi",
                                "rumpk-%s.efi" % arch)
            bare = build_bare_efi(arch, bare_elf, tmp)
        else:
            kern, bare = elf, bare_boot  # x86_64: the ELF itself
        if not os.path.isfile(kern):
            raise FileNotFoundError(kern)
        cmds = {}
        for kind, k, pl in (("bare", bare, []), ("demo", kern, []),
                            ("hello", kern, [hello])):
            sub = os.path.join(tmp, "%s-%s-%s" % (arch, via, kind))
            os.mkdir(sub)
            cmds[kind] = qemu_command(qr, arch, k, pl, sub, via)
        times = {k: [] for k in KINDS}
        for r in range(rounds):
            order = KINDS[r % 3:] + KINDS[:r % 3]
            for kind in order:
                times[kind].append(boot_once(qr, arch, kind, cmds[kind],
                                             timeout)[0])
        rows.append((arch, via, {k: statistics.median(v) * 1000
                                 for k, v in times.items()}))
    print()
    print("Firmware boot paths, wall ms, medians of %d rounds: the same "
          "firmware and loader with the bare kernel, Rumpk's demo, one "
          "signed payload" % rounds)
    print("| arch | path | bare | demo | hello | demo - bare | "
          "demo / bare |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for arch, via, ms in rows:
        b, d, h = ms["bare"], ms["demo"], ms["hello"]
        print("| %s | %s | %.0f | %.0f | %.0f | %.0f | %.2f |" %
              (arch, via, b, d, h, d - b, d / b))


def kernel_files(arch, build_dir):
    """(boot file, ELF for llvm-size, hello payload) of a cross build."""
    elf = os.path.join(build_dir, "native", "rumpk-%s.elf" % arch)
    boot = elf
    if arch == "aarch64":
        boot = os.path.join(build_dir, "native", "rumpk-aarch64.img")
    hello = os.path.join(build_dir, "payloads", "hello-%s.npl" % arch)
    missing = [f for f in (boot, elf, hello) if not os.path.isfile(f)]
    if missing:
        raise FileNotFoundError(missing[0])
    return boot, elf, hello


class RunnerArgs(argparse.Namespace):
    """qemu_run.py's options at their defaults: an option this script does
    not know (added to qemu_run.py later) reads as None, i.e. unset."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return None


def qemu_command(qr, arch, kernel, payloads, tmpdir, via=None):
    ns = RunnerArgs(arch=arch, kernel=kernel, qemu_arg=[], append=[],
                    via=via, efi_kernel_as="signed")
    return qr.build_command(ns, payloads, tmpdir)


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def boot_once(qr, arch, kind, cmd, timeout):
    """(wall, CPU) seconds of one QEMU run from spawn to exit; raises on a
    bad end.  CPU is QEMU's user + system time, all its threads, taken
    from the reaped children's rusage (boots run one at a time)."""
    cpu0 = children_cpu()
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError("%s %s: timeout after %gs" % (arch, kind, timeout))
    elapsed = time.perf_counter() - start
    cpu = children_cpu() - cpu0
    out = p.stdout.decode("utf-8", errors="replace")
    status = qr.qemu_status(arch, p.returncode)
    why = None
    if status != 0:
        why = "QEMU rc %d: exit-device status %s" % (p.returncode, status)
    elif kind != "bare":
        lines = [m for m in (qr.EXIT_LINE.search(l)
                             for l in out.splitlines()) if m]
        if not lines or int(lines[-1].group(1)) != 0:
            why = "QEMU rc %d but no '[EXIT] status 0' line" % p.returncode
    if why:
        raise RuntimeError("%s %s: %s, expected status 0\ncommand: %s\n%s"
                           % (arch, kind, why, " ".join(cmd), out[-2000:]))
    return elapsed, cpu


def llvm_size(path):
    """(text, data, bss) from llvm-size's Berkeley format."""
    out = subprocess.run(["llvm-size", path], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    fields = out.splitlines()[1].split()
    return int(fields[0]), int(fields[1]), int(fields[2])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=15,
                    help="interleaved rounds per arch (default 15)")
    ap.add_argument("--warmup", type=int, default=1,
                    help="rounds run first and not counted (default 1)")
    ap.add_argument("--arch", action="append", choices=ARCHES,
                    help="only this arch (repeatable; default all three)")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="seconds before one boot counts as hung")
    ap.add_argument("--firmware-rounds", type=int, default=3,
                    help="rounds of the firmware paths (GRUB, UEFI; "
                    "default 3, 0 skips them)")
    for a in ARCHES:
        names = sorted({"--build-dir-" + a, "--build-dir-" +
                        a.replace("_", "-")})
        ap.add_argument(*names, dest="build_" + a,
                        default=os.path.join(ROOT, "build-" + a),
                        metavar="DIR",
                        help="cross build of %s (default build-%s)" % (a, a))
    args = ap.parse_args(argv)
    if args.rounds < 1 or args.warmup < 0:
        print("qemu_boot: --rounds must be >= 1, --warmup >= 0",
              file=sys.stderr)
        return 2
    arches = args.arch or ARCHES
    qr = load_qemu_run()

    kernels = {}
    for a in arches:
        bdir = getattr(args, "build_" + a)
        try:
            kernels[a] = kernel_files(a, bdir)
        except FileNotFoundError as e:
            print("qemu_boot: %s: no %s\n  make it with ./test.sh, or\n"
                  "  meson setup %s --cross-file native/cross/%s.ini && "
                  "ninja -C %s\n  (./run.sh qemu %s builds build-%s too); "
                  "or pass --build-dir-%s DIR" %
                  (a, e.args[0], bdir, a, bdir, a, a,
                   a.replace("_", "-")), file=sys.stderr)
            return 2

    with tempfile.TemporaryDirectory(prefix="rumpk-bootbench-") as tmp:
        cmds, images = {}, {}
        for a in arches:
            boot, elf, hello = kernels[a]
            try:
                bare = build_bare(a, tmp)
            except (OSError, subprocess.CalledProcessError) as e:
                print("qemu_boot: cannot build the bare %s kernel: %s"
                      % (a, e), file=sys.stderr)
                return 2
            images[a] = {"bare": bare if a != "aarch64" else
                         os.path.join(tmp, "bare-aarch64.elf"),
                         "rumpk": elf}
            for kind, kern, pl in (("bare", bare, []), ("demo", boot, []),
                                   ("hello", boot, [hello])):
                sub = os.path.join(tmp, "%s-%s" % (a, kind))
                os.mkdir(sub)
                cmds[a, kind] = qemu_command(qr, a, kern, pl, sub)

        times = {k: [] for k in cmds}
        cpus = {k: [] for k in cmds}
        try:
            for r in range(args.warmup + args.rounds):
                for a in arches:
                    # Rotate the order so no kind always goes first.
                    order = KINDS[r % 3:] + KINDS[:r % 3]
                    for kind in order:
                        t, c = boot_once(qr, a, kind, cmds[a, kind],
                                         args.timeout)
                        if r >= args.warmup:
                            times[a, kind].append(t)
                            cpus[a, kind].append(c)
        except (RuntimeError, FileNotFoundError) as e:
            print("qemu_boot: FAIL: %s" % e, file=sys.stderr)
            return 1

        sizes = {a: {n: llvm_size(p) for n, p in images[a].items()}
                 for a in arches}

    print("QEMU boot to exit, medians of %d interleaved rounds (%s)" %
          (args.rounds, qr_version(cmds[arches[0], "bare"][0])))
    for title, data in (("wall ms", times), ("QEMU CPU ms (user+sys)", cpus)):
        ms = {k: statistics.median(v) * 1000 for k, v in data.items()}
        print()
        print("%s: bare, demo, hello, kernel's share (minus bare), ratio"
              % title)
        print("| arch | bare | demo | hello | demo - bare | hello - bare "
              "| demo / bare | hello / bare |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for a in arches:
            b, d, h = ms[a, "bare"], ms[a, "demo"], ms[a, "hello"]
            print("| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f |"
                  % (a, b, d, h, d - b, h - b, d / b, h / b))
    print()
    print("bare anchors (ARCHITECTURE.md section 8, wall, idle machine): " +
          ", ".join("%s ~%d ms" % (a, ANCHOR_MS[a]) for a in arches))
    print("wall min-max ms: " + "; ".join(
        "%s %s %.0f-%.0f" % (a, k, min(times[a, k]) * 1000,
                             max(times[a, k]) * 1000)
        for a in arches for k in KINDS))
    print()
    print("Image sizes (llvm-size, bytes)")
    print("| arch | text | data | bss | bare text |")
    print("| --- | --- | --- | --- | --- |")
    for a in arches:
        t, d, bss = sizes[a]["rumpk"]
        print("| %s | %s | %s | %s | %s |" % (
            a, "{:,}".format(t), "{:,}".format(d), "{:,}".format(bss),
            "{:,}".format(sizes[a]["bare"][0])))
    if args.firmware_rounds > 0:
        with tempfile.TemporaryDirectory(prefix="rumpk-bootbench-") as tmp:
            try:
                firmware_paths(qr, arches, kernels, tmp,
                               args.firmware_rounds, max(args.timeout, 60))
            except (RuntimeError, FileNotFoundError, OSError,
                    subprocess.CalledProcessError) as e:
                print("qemu_boot: FAIL: firmware paths: %s" % e,
                      file=sys.stderr)
                return 1
    print()
    print("QEMU command lines (scripts/qemu_run.py build_command):")
    for a in arches:
        print("  " + " ".join(cmds[a, "demo"]))
    return 0


def qr_version(qemu):
    try:
        out = subprocess.run([qemu, "--version"], stdout=subprocess.PIPE,
                             text=True).stdout
        return out.splitlines()[0]
    except (OSError, IndexError):
        return qemu


if __name__ == "__main__":
    sys.exit(main())
