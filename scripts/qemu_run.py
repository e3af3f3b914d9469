#!/usr/bin/env python3
"""Boot a Rumpk native kernel in QEMU, stream its serial console, and
report the kernel's exit status (optionally checking it as a test).

    qemu_run.py --arch ARCH --kernel K [--timeout SEC] [--expect LINE]...
                [--reject LINE]... [--expect-status N] [--qemu-arg ARG]...
                [PAYLOAD.npl ...]

Payloads go the way a boot loader passes them: on x86_64 one multiboot
module per file (-initrd a.npl,b.npl); on aarch64 and riscv64 one initrd
blob, the files concatenated (the kernel finds it in the DTB's /chosen).

Exit status: the kernel's status (0 all ran, 1 refused, 100+ trap, ...),
which is trusted only together with the kernel's `[EXIT] status N` line
(QEMU exits 0 on a reset or triple fault too): no line means 103 (reset or
crash); 124 on timeout (QEMU is killed).  With --expect, --reject or
--expect-status the run is a test: it prints what did not match and
exits 1, or 0 when everything matched.
"""

import argparse
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time

EXIT_RESET = 103
EXIT_TIMEOUT = 124
EXIT_LINE = re.compile(r"\[EXIT\] status (-?\d+)")

COMMON = ["-nodefaults", "-display", "none", "-serial", "stdio",
          "-monitor", "none", "-no-reboot", "-m", "256M"]


def qemu_status(arch, rc):
    """The kernel status QEMU's own exit code encodes, or None."""
    if rc is None or rc < 0:
        return None
    if arch == "x86_64":
        # isa-debug-exit: rc = (value << 1) | 1; 0 means reset/triple fault.
        return rc >> 1 if rc & 1 else None
    if arch == "riscv64":
        # sifive_test: 0x5555 -> 0, (N << 16) | 0x3333 -> N.  QEMU exits 0
        # on a reset too, which the [EXIT] line tells apart.
        return rc
    return rc  # aarch64: semihosting SYS_EXIT extended


def build_command(args, payloads, tmpdir):
    arch = args.arch
    qemu = args.qemu or "qemu-system-" + arch
    cmd = [qemu]
    if arch == "x86_64":
        machine = args.machine or "microvm"
        cmd += ["-M", machine]
        if not machine.startswith("microvm") and args.bios is None:
            qboot = "/usr/share/qemu/qboot.rom"
            if os.path.exists(qboot):
                cmd += ["-bios", qboot]
        cmd += ["-kernel", args.kernel,
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        if payloads:
            # One multiboot module per file.  QEMU splits -initrd on
            # commas, so a path with a comma gets a comma-free copy.
            mods = []
            for i, p in enumerate(payloads):
                if "," in p:
                    safe = os.path.join(tmpdir, "%d-%s" % (
                        i, os.path.basename(p).replace(",", "_")))
                    shutil.copyfile(p, safe)
                    p = safe
                mods.append(p)
            cmd += ["-initrd", ",".join(mods)]
    elif arch == "aarch64":
        cmd += ["-M", args.machine or "virt", "-cpu", args.cpu or "cortex-a72",
                "-semihosting", "-kernel", args.kernel]
    elif arch == "riscv64":
        cmd += ["-M", args.machine or "virt", "-kernel", args.kernel]
        if args.bios is None:
            cmd += ["-bios", "default"]
    if args.bios:
        cmd += ["-bios", args.bios]
    if payloads and arch in ("aarch64", "riscv64"):
        blob = os.path.join(tmpdir, "initrd.bin")
        with open(blob, "wb") as out:
            for p in payloads:
                with open(p, "rb") as f:
                    shutil.copyfileobj(f, out)
        cmd += ["-initrd", blob]
    cmd += COMMON
    if args.smp:
        cmd += ["-smp", str(args.smp)]
    cmd += args.qemu_arg
    return cmd


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass


def run(cmd, timeout, echo, stdin_tty):
    """Runs QEMU; returns (rc or None on timeout, output text, seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            stdin=None if stdin_tty else subprocess.DEVNULL,
                            start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    chunks = []
    timed_out = False
    out = sys.stdout.buffer
    try:
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                timed_out = True
                break
            if not sel.select(timeout=min(left, 0.5)):
                if proc.poll() is not None:
                    break
                continue
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                break
            chunks.append(data)
            if echo:
                out.write(data)
                out.flush()
    finally:
        if timed_out:
            kill_group(proc)
        try:
            rc = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            rc = proc.wait()
        sel.close()
        proc.stdout.close()
    elapsed = time.monotonic() - start
    text = b"".join(chunks).decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (None if timed_out else rc), text, elapsed


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Boot a Rumpk kernel in QEMU and report its status.")
    ap.add_argument("--arch", required=True,
                    choices=["x86_64", "aarch64", "riscv64"])
    ap.add_argument("--kernel", required=True,
                    help="kernel file QEMU boots with -kernel")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="seconds before QEMU is killed (status 124)")
    ap.add_argument("--expect", action="append", default=[],
                    metavar="LINE", help="a console line must contain LINE")
    ap.add_argument("--reject", action="append", default=[],
                    metavar="LINE", help="no console line may contain LINE")
    ap.add_argument("--expect-status", type=int, default=None,
                    metavar="N", help="the kernel's exit status must be N")
    ap.add_argument("--qemu-arg", action="append", default=[],
                    metavar="ARG", help="extra QEMU argument (repeatable)")
    ap.add_argument("--qemu", default=None, help="QEMU binary to run")
    ap.add_argument("--machine", default=None, help="override -M")
    ap.add_argument("--cpu", default=None, help="override -cpu (aarch64)")
    ap.add_argument("--bios", default=None, help="override -bios")
    ap.add_argument("--smp", type=int, default=None, help="-smp N")
    ap.add_argument("--quiet", action="store_true",
                    help="do not stream the console (shown on failure)")
    ap.add_argument("--stdin", action="store_true",
                    help="connect stdin to the serial console")
    ap.add_argument("--print-command", action="store_true",
                    help="print the QEMU command line on stderr")
    ap.add_argument("payloads", nargs="*", metavar="PAYLOAD.npl")
    args = ap.parse_args(argv)

    for f in [args.kernel] + args.payloads:
        if not os.path.isfile(f):
            print("qemu_run: no such file: %s" % f, file=sys.stderr)
            return 2
    testing = bool(args.expect or args.reject or
                   args.expect_status is not None)

    with tempfile.TemporaryDirectory(prefix="rumpk-qemu-") as tmpdir:
        cmd = build_command(args, args.payloads, tmpdir)
        if args.print_command:
            print("qemu_run: " + " ".join(cmd), file=sys.stderr)
        try:
            rc, text, elapsed = run(cmd, args.timeout, not args.quiet,
                                    args.stdin)
        except FileNotFoundError:
            print("qemu_run: cannot run %s" % cmd[0], file=sys.stderr)
            return 2

    lines = text.split("\n")
    exit_lines = [m for m in (EXIT_LINE.search(l) for l in lines) if m]
    if rc is None:
        status, why = EXIT_TIMEOUT, "timeout after %gs" % args.timeout
    elif not exit_lines:
        status = EXIT_RESET
        why = "no [EXIT] line: reset or crash (QEMU rc %d)" % rc
    else:
        status = int(exit_lines[-1].group(1))
        dev = qemu_status(args.arch, rc)
        why = "QEMU rc %d" % rc
        if dev != status:
            why += (", which does not match the [EXIT] line (%s): exit "
                    "device failed?" % dev)
            status = EXIT_RESET
    print("qemu_run: %s status %d (%s) in %.0f ms" %
          (args.arch, status, why, elapsed * 1000), file=sys.stderr)

    if not testing:
        return status

    problems = []
    for want in args.expect:
        if not any(want in l for l in lines):
            problems.append("missing line: %r" % want)
    for bad in args.reject:
        for l in lines:
            if bad in l:
                problems.append("rejected line present: %r" % l)
                break
    if args.expect_status is not None and status != args.expect_status:
        problems.append("status %d, expected %d" %
                        (status, args.expect_status))
    if problems:
        if args.quiet:
            sys.stdout.write(text)
        print("qemu_run: FAIL: command: %s" % " ".join(cmd), file=sys.stderr)
        for p in problems:
            print("qemu_run: FAIL: " + p, file=sys.stderr)
        return 1
    print("qemu_run: PASS", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
