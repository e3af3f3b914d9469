#!/usr/bin/env python3
"""Boot a Rumpk native kernel in QEMU, stream its serial console, and
report the kernel's exit status (optionally checking it as a test).

    qemu_run.py --arch ARCH --kernel K [--timeout SEC] [--expect LINE]...
                [--reject LINE]... [--expect-status N] [--qemu-arg ARG]...
                [PAYLOAD.npl ...]

Payloads go the way a boot loader passes them: on x86_64 one multiboot
module per file (-initrd a.npl,b.npl); on aarch64 and riscv64 one initrd
blob, the files concatenated (the kernel finds it in the DTB's /chosen).

riscv64 --via-uboot boots the VisionFive 2 way: OpenSBI, then U-Boot
(Debian's u-boot-qemu, S-mode build) as -kernel, our Linux RISC-V Image and
the payload blob put in RAM by QEMU's generic loader, then, typed at the
U-Boot prompt, `booti IMAGE INITRD:SIZE ${fdtcontroladdr}`.  An --kernel
ending in .elf is replaced by the .Image next to it.

--serial-in FILE feeds FILE into the console UART (QEMU's -serial stdio
reads our pipe only while the UART model has room, so nothing is lost) and
appends `serial-rx` to the kernel command line (--append STR, QEMU's
-append: multiboot cmdline on x86_64, /chosen bootargs on aarch64 and
riscv64): the kernel receives under the governor until a line END.

--trace FILE appends `trace` to the kernel command line (unless --append
gave `trace=buffer`: events kept in memory, printed at the end, so the
timing is hardly disturbed): the kernel then frames its trace events on
the console ("\x1e" KIND hex fields "\n",
src/trace.c).  The raw console stream goes to FILE; the display and the
--expect/--reject checks see it without the frames.  `rumpk-sim
--viz-replay FILE` shows it (docs/visualizer.md).

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
import struct
import subprocess
import sys
import tempfile
import threading
import time

EXIT_RESET = 103
EXIT_BOOT_REFUSED = 104
EXIT_TIMEOUT = 124
EXIT_LINE = re.compile(r"\[EXIT\] status (-?\d+)")

# --via-uboot: Debian's u-boot-qemu (U-Boot 2023.01, S-mode, for OpenSBI's
# fw_jump at 0x80200000).  Load addresses in QEMU virt's RAM (0x80000000,
# 256 MiB here): 0x84000000 is U-Boot's own kernel_addr_r; the blob goes
# 64 MiB above.  U-Boot sits at the top of RAM (relocaddr ~0x8ff57000).
UBOOT_BIN = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
UBOOT_IMAGE_ADDR = 0x84000000
UBOOT_INITRD_ADDR = 0x88000000
UBOOT_AUTOBOOT = b"Hit any key to stop autoboot"
UBOOT_PROMPT = b"=> "

# UEFI firmware from Debian's ovmf and qemu-efi-aarch64 packages: the code
# (read-only) and a template of the variable store, copied for each boot.
# The Secure Boot set: OVMF's SMM build (q35 only) and the variable
# stores with Debian's "snakeoil" test key enrolled in PK, KEK and db; its
# private key (passphrase "snakeoil", Debian's README.Debian) signs our
# EFI kernel for the tests.
EFI_FIRMWARE = {
    ("x86_64", False): ("/usr/share/OVMF/OVMF_CODE_4M.fd",
                        "/usr/share/OVMF/OVMF_VARS_4M.fd"),
    ("x86_64", True): ("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
                       "/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd"),
    ("aarch64", False): ("/usr/share/AAVMF/AAVMF_CODE.fd",
                         "/usr/share/AAVMF/AAVMF_VARS.fd"),
    ("aarch64", True): ("/usr/share/AAVMF/AAVMF_CODE.fd",
                        "/usr/share/AAVMF/AAVMF_VARS.snakeoil.fd"),
}
SNAKEOIL_KEY = "/usr/share/ovmf/PkKek-1-snakeoil.key"
SNAKEOIL_CERT = "/usr/share/ovmf/PkKek-1-snakeoil.pem"
EFI_BOOT_FILE = {"x86_64": "BOOTX64.EFI", "aarch64": "BOOTAA64.EFI"}
# The firmware's boot manager (EDK2 BdsDxe) when it will not start a file:
# Secure Boot refused it (Access Denied / Security Violation), or nothing
# bootable is left.  Our loader's own refusal ends in "; not booting".
EFI_REFUSED = re.compile(
    rb"BdsDxe: failed to (?:load|start) Boot[0-9A-F]{4} \"UEFI[^\n]*?: "
    rb"(?:Access Denied|Security Violation)|\[EFI\] [^\n]*; not booting")
EFI_NOTHING_LEFT = b"BdsDxe: No bootable option or device was found"

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
    if arch == "x86_64" and args.via in ("grub", "grub-uefi"):
        # GRUB from a CD image (grub-mkrescue makes it bootable by BIOS
        # and by UEFI): multiboot2 for the kernel, module2 for each
        # payload (docs/boot.md); under SeaBIOS on pc, or OVMF on q35.
        uefi = args.via == "grub-uefi"
        cmd += ["-M", args.machine or ("q35" if uefi else "pc"), "-cdrom",
                grub_iso(args, payloads, tmpdir),
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        if uefi:
            cmd += efi_firmware(args, tmpdir)
        if args.cpu:
            cmd += ["-cpu", args.cpu]
    elif args.via == "uefi":
        cmd += efi_command(args, payloads, tmpdir)
    elif arch == "x86_64":
        machine = args.machine or "microvm"
        cmd += ["-M", machine]
        if not machine.startswith("microvm") and args.bios is None:
            qboot = "/usr/share/qemu/qboot.rom"
            if os.path.exists(qboot):
                cmd += ["-bios", qboot]
        if args.cpu:
            cmd += ["-cpu", args.cpu]
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
    elif arch == "riscv64" and args.via_uboot:
        # QEMU's generic loader puts the files in RAM byte for byte
        # (force-raw: no ELF/uImage parsing); U-Boot finds them there.
        cmd += ["-M", args.machine or "virt", "-kernel", args.uboot,
                "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (
                    qemu_opt_path(args.kernel, tmpdir, "kernel.Image"),
                    args.image_addr)]
        if args.bios is None:
            cmd += ["-bios", "default"]
    elif arch == "riscv64" and args.load_addr is not None:
        cmd += ["-M", args.machine or "virt", "-kernel",
                image_elf_wrapper(args.kernel, args.load_addr, tmpdir)]
        if args.bios is None:
            cmd += ["-bios", "default"]
    elif arch == "riscv64":
        cmd += ["-M", args.machine or "virt", "-kernel", args.kernel]
        if args.bios is None:
            cmd += ["-bios", "default"]
    if args.bios:
        cmd += ["-bios", args.bios]
    if payloads and arch == "riscv64" and args.via_uboot:
        blob = os.path.join(tmpdir, "initrd.bin")
        with open(blob, "wb") as out:
            for p in payloads:
                with open(p, "rb") as f:
                    shutil.copyfileobj(f, out)
        cmd += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (
            blob, args.initrd_addr)]
    elif payloads and arch in ("aarch64", "riscv64") and args.via != "uefi":
        blob = os.path.join(tmpdir, "initrd.bin")
        with open(blob, "wb") as out:
            for p in payloads:
                with open(p, "rb") as f:
                    shutil.copyfileobj(f, out)
        cmd += ["-initrd", blob]
    if args.store:
        # The kernel's persistent store (docs/store.md): a virtio block
        # device on the machine's virtio-mmio bus (microvm and virt have
        # one), raw, so what the kernel wrote is the file's bytes.
        # A comma in the path is doubled (QEMU's escape): a copy would
        # not keep what the kernel writes.
        drive = "if=none,id=rkstore,format=raw,file=%s" % \
            args.store.replace(",", ",,")
        if args.store_iops:
            drive += ",throttling.iops-write=%d" % args.store_iops
        cmd += ["-drive", drive, "-device", "virtio-blk-device,drive=rkstore"]
    if args.append and not args.via:  # GRUB's config, the ESP carry it
        cmd += ["-append", " ".join(args.append)]
    cmd += COMMON
    if args.smp:
        cmd += ["-smp", str(args.smp)]
    cmd += args.qemu_arg
    return cmd


def grub_iso(args, payloads, tmpdir):
    """A GRUB rescue CD (grub-mkrescue: Debian's grub-pc-bin, xorriso,
    mtools) holding the kernel and the payloads, booting at once."""
    iso_root = os.path.join(tmpdir, "iso")
    boot = os.path.join(iso_root, "boot")
    os.makedirs(os.path.join(boot, "grub"))
    shutil.copyfile(args.kernel, os.path.join(boot, "rumpk.elf"))
    lines = ["set timeout=0", "set default=0", 'menuentry "rumpk" {',
             "  multiboot2 /boot/rumpk.elf %s" % " ".join(args.append)]
    for i, p in enumerate(payloads):
        name = os.path.basename(p)
        if not re.fullmatch(r"[A-Za-z0-9._+-]+", name):
            raise Usage("--via grub: payload file name %r: letters, "
                        "digits and . _ + - only" % name)
        shutil.copyfile(p, os.path.join(boot, "%d-%s" % (i, name)))
        lines.append("  module2 /boot/%d-%s %s" % (i, name, name))
    lines += ["  boot", "}"]
    with open(os.path.join(boot, "grub", "grub.cfg"), "w") as f:
        f.write("\n".join(lines) + "\n")
    iso = os.path.join(tmpdir, "rumpk.iso")
    r = subprocess.run(["grub-mkrescue", "-o", iso, iso_root],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        raise Usage("grub-mkrescue failed (apt-get install grub-pc-bin "
                    "xorriso mtools):\n" + r.stdout)
    return iso


def efi_firmware(args, tmpdir):
    """The pflash drives of the UEFI firmware: its code read-only, a
    private copy of the variable store (the firmware writes to it)."""
    code, vars_ = EFI_FIRMWARE[(args.arch, bool(args.secure_boot))]
    if args.efi_vars and not os.path.isfile(args.efi_vars):
        raise Usage("--efi-vars %s: no such file" % args.efi_vars)
    vars_ = args.efi_vars or vars_
    pkg = "ovmf" if args.arch == "x86_64" else "qemu-efi-aarch64"
    for f in (code, vars_):
        if not os.path.isfile(f):
            raise Usage("no UEFI firmware file %s (apt-get install %s)" %
                        (f, pkg))
    copy = os.path.join(tmpdir, "efivars.fd")
    shutil.copyfile(vars_, copy)
    return ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" +
            code, "-drive", "if=pflash,format=raw,unit=1,file=" + copy]


def efi_sign(args, tmpdir):
    """The EFI kernel as the firmware will see it: as built, or (with
    --secure-boot) signed with sbsign (Debian's sbsigntool) by the db key,
    or for the refusal tests unsigned or signed then one byte changed."""
    if not args.secure_boot or args.efi_kernel_as == "unsigned":
        return args.kernel
    key = os.path.join(tmpdir, "db.key")
    r = subprocess.run(["openssl", "pkey", "-in", args.sb_key, "-passin",
                        "pass:snakeoil", "-out", key],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        raise Usage("--sb-key %s: openssl cannot read it:\n%s" %
                    (args.sb_key, r.stdout))
    signed = os.path.join(tmpdir, "signed.efi")
    r = subprocess.run(["sbsign", "--key", key, "--cert", args.sb_cert,
                        "--output", signed, args.kernel],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        raise Usage("sbsign failed (apt-get install sbsigntool):\n" +
                    r.stdout)
    if args.efi_kernel_as == "modified":
        # One bit of the kernel's code, inside the signed range: the
        # Authenticode hash no longer matches (UEFI 2.10 32.2.2).
        with open(signed, "r+b") as f:
            f.seek(0x1000)
            b = f.read(1)
            f.seek(0x1000)
            f.write(bytes([b[0] ^ 1]))
    return signed


def efi_esp(args, payloads, tmpdir):
    """The EFI system partition, a FAT image made with mtools: the kernel
    as the removable-media boot file (EFI/BOOT/BOOT<ARCH>.EFI), the
    payloads in /rumpk (the loader takes them in name order, so with
    several each gets a 2-digit prefix keeping the given order) and the
    command line in /rumpk/cmdline; or with --efi-shell the kernel in
    /EFI/rumpk and a startup.nsh that starts it with the words."""
    img = os.path.join(tmpdir, "esp.img")
    size = 16 << 20
    size += 2 * sum(os.path.getsize(p) for p in payloads)
    with open(img, "wb") as f:
        f.truncate((size + (1 << 20) - 1) & ~((1 << 20) - 1))
    kernel = efi_sign(args, tmpdir)
    words = " ".join(args.append)
    pdir = "::/rumpk"
    if args.efi_shell:
        # No boot file: the firmware falls back to its UEFI shell, which
        # runs startup.nsh: the kernel with the words as load options.
        m = re.search(r"(?:^| )dir=(\S+)", words)
        if m:
            if not re.fullmatch(r"[\\/][A-Za-z0-9._-]+", m.group(1)):
                raise Usage("--efi-shell: dir=%s: one folder, e.g. "
                            "dir=\\pl" % m.group(1))
            pdir = "::/" + m.group(1)[1:]
        nsh = os.path.join(tmpdir, "startup.nsh")
        name = "rumpk-%s.efi" % args.arch
        with open(nsh, "w") as f:
            f.write("fs0:\\EFI\\rumpk\\%s %s\r\n" % (name, words))
        copies = [(kernel, "::/EFI/rumpk/" + name), (nsh, "::/startup.nsh")]
        # The payload folder only when it gets payloads: a dir= naming
        # no folder shows the loader's refusal.
        folders = ["::/EFI", "::/EFI/rumpk"] + ([pdir] if payloads else [])
    else:
        cmdline = os.path.join(tmpdir, "cmdline")
        with open(cmdline, "w") as f:
            f.write(words + "\n")
        copies = [(kernel, "::/EFI/BOOT/" + EFI_BOOT_FILE[args.arch]),
                  (cmdline, pdir + "/cmdline")]
        folders = ["::/EFI", "::/EFI/BOOT", pdir]
    for i, p in enumerate(payloads):
        name = os.path.basename(p)
        if not re.fullmatch(r"[A-Za-z0-9._+-]{1,40}", name):
            raise Usage("--via uefi: payload file name %r: 1 to 40 "
                        "letters, digits and . _ + -" % name)
        if len(payloads) > 1:
            name = "%02d-%s" % (i, name)
        copies.append((p, pdir + "/" + name))
    steps = [["mformat", "-i", img, "::"], ["mmd", "-i", img] + folders]
    steps += [["mcopy", "-i", img, src, dst] for src, dst in copies]
    for step in steps:
        r = subprocess.run(step, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise Usage("%s failed (apt-get install mtools):\n%s" %
                        (" ".join(step), r.stdout))
    return img


def efi_command(args, payloads, tmpdir):
    """--via uefi: the firmware, the ESP on a disk it boots from (AHCI on
    q35, virtio-pci on virt: never virtio-mmio, where the kernel looks for
    its store), the exit device."""
    esp = efi_esp(args, payloads, tmpdir)
    if args.arch == "x86_64":
        machine = args.machine or "q35"
        if args.secure_boot:
            # OVMF's Secure Boot build keeps its variables in SMM.
            machine += ",smm=on"
        cmd = ["-M", machine]
        if args.secure_boot:
            cmd += ["-global", "driver=cfi.pflash01,property=secure,"
                    "value=on"]
        cmd += ["-drive", "file=%s,format=raw,if=ide" % esp,
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        if args.cpu:
            cmd += ["-cpu", args.cpu]
    else:
        # acpi=off: EDK2 then hands the OS QEMU's device tree.
        cmd = ["-M", args.machine or "virt,acpi=off", "-cpu",
               args.cpu or "cortex-a72", "-semihosting",
               "-drive", "if=none,id=esp,format=raw,file=" + esp,
               "-device", "virtio-blk-pci,drive=esp"]
    return cmd + efi_firmware(args, tmpdir)


class EfiDriver:
    """Watches the UEFI boot: when the firmware refuses our kernel (Secure
    Boot) or our loader refuses to boot, there is no kernel to wait for;
    stop at once with the line that says so."""

    def __init__(self):
        self.seen = b""
        self.refused = None

    def feed(self, data):
        self.seen += data
        m = EFI_REFUSED.search(self.seen)
        if m and self.refused is None:
            self.refused = m.group(0).decode("utf-8", "replace")
        if self.refused and (EFI_NOTHING_LEFT in self.seen or
                             b"; not booting" in self.seen):
            return b"", True
        if len(self.seen) > 65536:
            self.seen = self.seen[-4096:]
        return b"", False


def image_list(payloads):
    """The `images=NAME:SIZE,...` command-line word for an initrd made of
    these files back to back: the kernel cuts the initrd there and names
    each image by its file (src/kernel.c), so an empty or truncated file
    is refused by name and the images after it still load.  Names keep
    [A-Za-z0-9._+-] (others become _), at most 47 characters."""
    parts = []
    for p in payloads:
        name = re.sub(r"[^A-Za-z0-9._+-]", "_", os.path.basename(p))[:47]
        parts.append("%s:%d" % (name or "payload", os.path.getsize(p)))
    return "images=" + ",".join(parts)


def ignored_payloads(args):
    """Why QEMU would boot args.kernel without its payloads, or None.
    QEMU's aarch64 virt board hands -initrd (and /chosen's initrd) only
    to a Linux Image: with an ELF kernel it drops the initrd silently and
    the kernel, seeing none, runs its demo instead of the payloads."""
    if not args.payloads or args.arch != "aarch64":
        return None
    with open(args.kernel, "rb") as f:
        if f.read(4) != b"\x7fELF":
            return None
    return ("%s is an ELF file: QEMU passes no initrd to an aarch64 ELF "
            "kernel, so the payloads would be dropped; boot the Image "
            "(rumpk-aarch64.img) instead" % args.kernel)


def qemu_opt_path(path, tmpdir, name):
    """path usable inside a -device option list (commas split options):
    a comma-free copy when needed."""
    if "," not in path:
        return path
    safe = os.path.join(tmpdir, name)
    shutil.copyfile(path, safe)
    return safe


def uboot_image_path(kernel):
    """The Image booti needs: K.Image next to an K.elf, else kernel."""
    root, ext = os.path.splitext(kernel)
    if ext == ".elf" and os.path.isfile(root + ".Image"):
        return root + ".Image"
    return kernel


class UBootDriver:
    """Types at U-Boot's console, reacting to what it prints: a key as
    soon as the autoboot countdown shows (before bootdelay runs out),
    then the booti command at the prompt.  A prompt after booti means
    U-Boot refused to boot the image: give up (no [EXIT] line)."""

    def __init__(self, command):
        self.command = command.encode() + b"\n"
        self.seen = b""
        self.state = "countdown"
        self.refused = False

    def feed(self, data):
        """Console bytes in; bytes to type (or b"") and whether to stop."""
        self.seen += data
        if self.state == "countdown":
            i = self.seen.find(UBOOT_AUTOBOOT)
            if i < 0:
                return b"", False
            self.seen = self.seen[i + len(UBOOT_AUTOBOOT):]
            self.state = "prompt"
            return b" ", False
        if self.state == "prompt":
            i = self.seen.find(UBOOT_PROMPT)
            if i < 0:
                return b"", False
            self.seen = self.seen[i + len(UBOOT_PROMPT):]
            self.state = "booting"
            return self.command, False
        if self.state == "booting":
            # The echo of our command is on the prompt's line; another
            # prompt at the start of a line means booti returned.
            if b"\n" + UBOOT_PROMPT in self.seen.replace(b"\r", b""):
                self.refused = True
                return b"", True
            self.seen = self.seen[-8:]
        return b"", False


def riscv_image_size(data):
    """image_size from a Linux RISC-V Image header (bss included), or
    None when data has no such header (magic2 "RSC\\x05" at 56)."""
    if len(data) < 64 or data[56:60] != b"RSC\x05":
        return None
    return struct.unpack_from("<Q", data, 16)[0]


def image_elf_wrapper(image, addr, tmpdir):
    """An ELF file holding the raw Image bytes as one PT_LOAD at addr
    (memsz = the header's image_size), entry addr.  QEMU's -kernel loads
    a raw binary only at 0x80200000 but an ELF wherever it says, and
    OpenSBI (fw_dynamic) jumps to the ELF entry: this is how the same
    Image is run at another address, exercising its self-relocation
    (U-Boot 2023.01's booti always moves it to RAM base + text_offset,
    0x80200000 on QEMU virt, 0x40200000 on the VisionFive 2)."""
    with open(image, "rb") as f:
        data = f.read()
    memsz = riscv_image_size(data)
    if memsz is None:
        raise ValueError("%s: not a RISC-V Image (no RSC\\x05 magic)" % image)
    memsz = max(memsz, len(data))
    ehdr = struct.pack("<4sBBBB8sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0,
                       b"\0" * 8, 2, 243, 1, addr, 64, 0, 0, 64, 56, 1,
                       64, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 7, 0x1000, addr, addr, len(data),
                       memsz, 0x1000)
    out = os.path.join(tmpdir, "image-at-0x%x.elf" % addr)
    with open(out, "wb") as f:
        f.write(ehdr + phdr)
        f.write(b"\0" * (0x1000 - len(ehdr) - len(phdr)))
        f.write(data)
    return out


class SerialFeeder:
    """--serial-in: writes a file into QEMU's stdin (the console UART) from
    a thread, starting once the kernel printed its banner: before that the
    kernel's UART setup resets the receive FIFO, which would drop what
    already arrived."""

    READY = re.compile(rb"Rumpk \S+ on ")

    def __init__(self, path):
        self.path = path
        self.seen = b""
        self.thread = None
        self.fed = 0
        self.t_start = self.t_done = self.t_gov = None

    def _write(self, fd):
        # Our own descriptor (a dup), unbuffered: run() may close
        # proc.stdin while this thread still writes.
        try:
            with open(self.path, "rb") as f:
                while True:
                    block = f.read(4096)
                    if not block:
                        break
                    while block:
                        n = os.write(fd, block)
                        self.fed += n
                        block = block[n:]
        except OSError:
            pass  # QEMU ended first (EPIPE)
        finally:
            os.close(fd)
        self.t_done = time.monotonic()

    def feed(self, data, pipe):
        """Console bytes in; starts the writer at the banner."""
        if self.thread is None:
            self.seen = self.seen[-64:] + data
            if self.READY.search(self.seen):
                self.t_start = time.monotonic()
                self.thread = threading.Thread(
                    target=self._write, args=(os.dup(pipe.fileno()),),
                    daemon=True)
                self.thread.start()
                self.seen = b""
        elif self.t_gov is None:
            self.seen = self.seen[-8:] + data
            if b"[GOV]" in self.seen:
                self.t_gov = time.monotonic()


class TraceSplitter:
    """--trace: records the raw console stream in a file and passes on
    the text without the trace frames ("\x1e" up to a newline; a frame
    may fall in the middle of another line and span reads)."""

    def __init__(self, path):
        self.file = open(path, "wb")
        self.in_frame = False
        self.frames = 0

    def feed(self, data):
        self.file.write(data)
        out = bytearray()
        i = 0
        while i < len(data):
            if self.in_frame:
                j = data.find(b"\n", i)
                if j < 0:
                    break
                self.in_frame = False
                self.frames += 1
                i = j + 1
            else:
                j = data.find(b"\x1e", i)
                if j < 0:
                    out += data[i:]
                    break
                out += data[i:j]
                self.in_frame = True
                i = j + 1
        return bytes(out)

    def close(self):
        self.file.close()


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass


def run(cmd, timeout, echo, stdin_tty, driver=None, feeder=None,
        splitter=None):
    """Runs QEMU; returns (rc or None on timeout, output text, seconds).
    A driver (UBootDriver) sees the console and types into QEMU's stdin;
    when it gives up, QEMU is killed (the driver records why)."""
    start = time.monotonic()
    if driver is not None or feeder is not None:
        stdin = subprocess.PIPE
    else:
        stdin = None if stdin_tty else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=stdin,
                            start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    chunks = []
    timed_out = stopped = False
    out = sys.stdout.buffer
    try:
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                timed_out = True
                break
            if not sel.select(timeout=min(left, 0.5)):
                # Gone, and nothing it wrote after that select is left:
                # a last line and the exit can fall between the two.
                if proc.poll() is not None and not sel.select(timeout=0):
                    break
                continue
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                break
            if splitter is not None:
                data = splitter.feed(data)
            chunks.append(data)
            if echo:
                out.write(data)
                out.flush()
            if feeder is not None:
                feeder.feed(data, proc.stdin)
            if driver is not None:
                typed, stop = driver.feed(data)
                if typed:
                    try:
                        proc.stdin.write(typed)
                        proc.stdin.flush()
                    except (BrokenPipeError, OSError):
                        pass
                if stop:
                    stopped = True
                    break
    finally:
        if timed_out or stopped:
            kill_group(proc)
        try:
            rc = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            rc = proc.wait()
        sel.close()
        proc.stdout.close()
        if proc.stdin:
            proc.stdin.close()
    elapsed = time.monotonic() - start
    text = b"".join(chunks).decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (None if timed_out else rc), text, elapsed


def address(v):
    return int(v, 0)


# The command line: (flags, argparse keywords), in the order --help shows.
OPTIONS = [
    (["--arch"], dict(required=True, choices=["x86_64", "aarch64",
                                              "riscv64"])),
    (["--kernel"], dict(required=True,
                        help="kernel file QEMU boots with -kernel")),
    (["--timeout"], dict(type=float, default=None,
                         help="seconds before QEMU is killed (status 124; "
                         "default 30, a day with --gdb)")),
    (["--expect"], dict(action="append", default=[], metavar="LINE",
                        help="a console line must contain LINE")),
    (["--reject"], dict(action="append", default=[], metavar="LINE",
                        help="no console line may contain LINE")),
    (["--expect-status"], dict(type=int, default=None, metavar="N",
                               help="the kernel's exit status must be N")),
    (["--qemu-arg"], dict(action="append", default=[], metavar="ARG",
                          help="extra QEMU argument (repeatable)")),
    (["--qemu"], dict(default=None, help="QEMU binary to run")),
    (["--machine"], dict(default=None, help="override -M")),
    (["--cpu"], dict(default=None, help="-cpu (x86_64, aarch64; aarch64's "
                     "default is cortex-a72)")),
    (["--bios"], dict(default=None, help="override -bios")),
    (["--smp"], dict(type=int, default=None, help="-smp N")),
    (["--quiet"], dict(action="store_true",
                       help="do not stream the console (shown on failure)")),
    (["--stdin"], dict(action="store_true",
                       help="connect stdin to the serial console")),
    (["--via-uboot"], dict(action="store_true",
                           help="riscv64: boot U-Boot, then the Image with "
                           "booti")),
    (["--uboot"], dict(default=UBOOT_BIN,
                       help="U-Boot binary for --via-uboot (default "
                       "%(default)s)")),
    (["--image-addr"], dict(type=address, default=UBOOT_IMAGE_ADDR,
                            help="--via-uboot: where the Image is loaded")),
    (["--initrd-addr"], dict(type=address, default=UBOOT_INITRD_ADDR,
                             help="--via-uboot: where the payload blob is "
                             "loaded")),
    (["--bootargs"], dict(default=None,
                          help="--via-uboot: U-Boot's bootargs (/chosen)")),
    (["--load-addr"], dict(type=address, default=None,
                           help="riscv64 without U-Boot: run the Image at "
                           "this address (OpenSBI jumps there), to test "
                           "relocation")),
    (["--append"], dict(action="append", default=[], metavar="STR",
                        help="kernel command line (QEMU -append; "
                        "repeatable, joined with blanks)")),
    (["--serial-in"], dict(default=None, metavar="FILE",
                           help="feed FILE into the console UART and run "
                           "the kernel's serial-rx (appended to the "
                           "command line)")),
    (["--trace"], dict(default=None, metavar="FILE",
                       help="kernel trace events (command line word "
                       "`trace`) and the console into FILE, for rumpk-sim "
                       "--viz-replay")),
    (["--store"], dict(default=None, metavar="FILE",
                       help="the kernel's persistent store: FILE as a "
                       "virtio block device (created, 64 KiB of zeros, "
                       "when missing; docs/store.md)")),
    (["--store-iops"], dict(type=int, default=0, metavar="N",
                            help="--store: at most N writes a second "
                            "(QEMU throttling), so power-cut tests can "
                            "land inside a store update")),
    (["--gdb"], dict(action="store_true",
                     help="start QEMU halted with its gdbstub on "
                     "--gdb-port, write a gdb script that loads the "
                     "kernel's and the payloads' symbols, print how to "
                     "attach; no timeout unless --timeout")),
    (["--gdb-port"], dict(type=int, default=1234, metavar="PORT",
                          help="--gdb: the gdbstub's port (%(default)s)")),
    (["--gdb-script"], dict(default=None, metavar="FILE",
                            help="--gdb: write the gdb script to FILE")),
    (["--via"], dict(choices=["grub", "grub-uefi", "uefi"], default=None,
                     help="boot through a firmware instead of QEMU's "
                     "-kernel: grub (x86_64: Multiboot2 from a "
                     "grub-mkrescue CD under SeaBIOS), grub-uefi (the same "
                     "CD under OVMF), uefi (x86_64, aarch64: --kernel is "
                     "rumpk-ARCH.efi, from an EFI system partition under "
                     "OVMF / AAVMF; docs/boot.md)")),
    (["--secure-boot"], dict(action="store_true",
                             help="--via uefi: the firmware enforces "
                             "Secure Boot (Debian's test keys enrolled) "
                             "and the kernel is signed with sbsign")),
    (["--sb-key"], dict(default=SNAKEOIL_KEY, metavar="KEY",
                        help="--secure-boot: the db key that signs the "
                        "kernel (default %(default)s)")),
    (["--sb-cert"], dict(default=SNAKEOIL_CERT, metavar="CERT",
                         help="--secure-boot: its certificate (default "
                         "%(default)s)")),
    (["--efi-vars"], dict(default=None, metavar="FILE",
                          help="--via uefi / grub-uefi: the UEFI variable "
                          "store to start from (a copy is used), e.g. one "
                          "with your own keys enrolled")),
    (["--efi-shell"], dict(action="store_true",
                           help="--via uefi: start the kernel from the "
                           "firmware's UEFI shell (startup.nsh) with the "
                           "--append words as its load options; a dir=\\X "
                           "among them puts the payloads in that folder")),
    (["--efi-kernel-as"], dict(choices=["signed", "unsigned", "modified"],
                               default="signed",
                               help="--secure-boot: hand the firmware the "
                               "kernel signed (default), unsigned, or "
                               "signed and then one byte changed (the "
                               "refusal tests)")),
    (["--print-command"], dict(action="store_true",
                               help="print the QEMU command line on "
                               "stderr")),
    (["payloads"], dict(nargs="*", metavar="PAYLOAD.npl")),
]


class Usage(Exception):
    """A usage error: main prints it after "qemu_run: " and exits 2."""


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Boot a Rumpk kernel in QEMU and report its status.")
    for flags, kw in OPTIONS:
        ap.add_argument(*flags, **kw)
    return ap.parse_args(argv)


def check_files(args):
    for f in [args.kernel] + args.payloads:
        if not os.path.isfile(f):
            raise Usage("no such file: %s" % f)
    if args.store and not os.path.exists(args.store):
        # A blank store (docs/store.md), written beside it and renamed
        # into place: a run killed meanwhile (a power-cut test) leaves no
        # short file for the next boot to take as a store.
        try:
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(
                os.path.abspath(args.store)), prefix=".store-")
            with os.fdopen(fd, "wb") as f:
                f.write(bytes(64 * 1024))
            os.replace(tmp, args.store)
        except OSError as e:
            raise Usage("--store %s: cannot create it: %s" %
                        (args.store, e.strerror))
    elif args.store and not os.path.isfile(args.store):
        raise Usage("--store %s: not a regular file" % args.store)


def uboot_driver(args):
    """--via-uboot: the U-Boot Image to load and the driver that types
    booti (with the payloads' blob and the bootargs) at U-Boot's prompt."""
    if args.arch != "riscv64":
        raise Usage("--via-uboot is for riscv64")
    if args.stdin:
        raise Usage("--via-uboot types at the console itself; no --stdin")
    if args.bootargs is not None and ("'" in args.bootargs or
                                      "\n" in args.bootargs):
        raise Usage("--bootargs: no quotes or newlines")
    if not os.path.isfile(args.uboot):
        raise Usage("no U-Boot at %s (Debian: apt-get install u-boot-qemu)"
                    % args.uboot)
    args.kernel = uboot_image_path(args.kernel)
    size = sum(os.path.getsize(p) for p in args.payloads)
    # booti takes the initrd as addr:size (hex); "-" for none.
    initrd = "0x%x:0x%x" % (args.initrd_addr, size) if args.payloads \
        else "-"
    command = "booti 0x%x %s ${fdtcontroladdr}" % (args.image_addr, initrd)
    bootargs = args.bootargs
    if args.payloads:
        bootargs = (bootargs + " " if bootargs else "") + \
            image_list(args.payloads)
    if bootargs is not None:
        # booti copies the env's bootargs into /chosen.
        command = "setenv bootargs '%s'; %s" % (bootargs, command)
    return UBootDriver(command)


def check_load_addr(args):
    """--load-addr runs the riscv64 Image (next to an .elf) at an address
    of its own."""
    if args.arch != "riscv64" or args.via_uboot:
        raise Usage("--load-addr is for riscv64 without --via-uboot")
    args.kernel = uboot_image_path(args.kernel)


def serial_feeder(args):
    """--serial-in: the feeder, and `serial-rx` on the command line."""
    if args.stdin or args.via_uboot:
        raise Usage("--serial-in owns the console's input; no --stdin or "
                    "--via-uboot")
    if not os.path.isfile(args.serial_in):
        raise Usage("no such file: %s" % args.serial_in)
    args.append.append("serial-rx")
    return SerialFeeder(args.serial_in)


def trace_splitter(args):
    """--trace: `trace` on the command line (unless --append chose
    `trace=buffer`) and the splitter that records the raw stream."""
    if args.via_uboot:
        raise Usage("--trace: with --via-uboot put `trace` in --bootargs")
    if not any(w == "trace" or w.startswith("trace=")
               for a in args.append for w in a.split()):
        args.append.append("trace")
    try:
        return TraceSplitter(args.trace)
    except OSError as e:
        raise Usage("--trace %s: %s" % (args.trace, e.strerror))


def add_payload_list(args):
    """The initrd platforms learn the files' names and sizes from the
    command line (multiboot passes each module with its name)."""
    if args.append and args.via_uboot:
        raise Usage("with --via-uboot the command line is --bootargs")
    if args.via in ("grub", "grub-uefi") and args.arch != "x86_64":
        raise Usage("--via %s boots x86_64 only" % args.via)
    if args.via == "uefi" and args.arch == "riscv64":
        raise Usage("--via uefi boots x86_64 and aarch64")
    if args.via == "uefi" and not args.kernel.endswith(".efi"):
        raise Usage("--via uefi: --kernel is the EFI kernel "
                    "(native/efi/rumpk-%s.efi), not %s" %
                    (args.arch, args.kernel))
    if args.secure_boot and args.via != "uefi":
        raise Usage("--secure-boot is for --via uefi")
    if args.efi_shell and (args.via != "uefi" or args.secure_boot):
        raise Usage("--efi-shell is for --via uefi without --secure-boot "
                    "(the firmware's shell is not signed by the test keys)")
    if args.efi_kernel_as != "signed" and not args.secure_boot:
        raise Usage("--efi-kernel-as is for --secure-boot")
    if args.store and args.via == "uefi" and args.arch == "x86_64":
        raise Usage("--store: x86_64 has the store on microvm only, and "
                    "UEFI boots q35")
    if args.payloads and args.arch in ("aarch64", "riscv64") and \
            not args.via_uboot and args.via != "uefi":
        args.append.append(image_list(args.payloads))
    why = ignored_payloads(args)
    if why:
        raise Usage(why)


def kernel_status(args, rc, text, driver):
    """The kernel's exit status and why, from QEMU's exit code, the
    [EXIT] lines and the U-Boot driver's state."""
    exit_lines = [m for m in (EXIT_LINE.search(l) for l in text.split("\n"))
                  if m]
    if isinstance(driver, EfiDriver) and driver.refused:
        return EXIT_BOOT_REFUSED, "refused before the kernel ran: " + \
            driver.refused
    if driver is not None and driver.refused:
        return EXIT_RESET, ("U-Boot's booti returned to the prompt: image "
                            "not booted")
    if isinstance(driver, UBootDriver) and driver.state != "booting" and \
            rc is None:
        return EXIT_TIMEOUT, "timeout after %gs waiting for U-Boot (%s)" % (
            args.timeout, driver.state)
    if rc is None:
        return EXIT_TIMEOUT, "timeout after %gs" % args.timeout
    if not exit_lines:
        return EXIT_RESET, "no [EXIT] line: reset or crash (QEMU rc %d)" % rc
    status = int(exit_lines[-1].group(1))
    dev = qemu_status(args.arch, rc)
    why = "QEMU rc %d" % rc
    if dev != status:
        why += (", which does not match the [EXIT] line (%s): exit device "
                "failed?" % dev)
        status = EXIT_RESET
    return status, why


def report(args, status, why, elapsed, feeder, splitter):
    """The run's summary lines on stderr."""
    if splitter is not None:
        print("qemu_run: --trace: %d event(s) in %s" % (splitter.frames,
                                                     args.trace),
              file=sys.stderr)
    print("qemu_run: %s status %d (%s) in %.0f ms" %
          (args.arch, status, why, elapsed * 1000), file=sys.stderr)
    if feeder is not None:
        took = ("%.0f ms" % ((feeder.t_gov - feeder.t_start) * 1000)
                if feeder.t_gov and feeder.t_start else "no [GOV] line")
        print("qemu_run: --serial-in: %d of %d bytes fed; first byte to "
              "[GOV]: %s" % (feeder.fed, os.path.getsize(args.serial_in),
                             took), file=sys.stderr)


def check_run(args, status, text, cmd):
    """--expect, --reject, --expect-status: 0 when all held, else 1 with
    what did not."""
    lines = text.split("\n")
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


# Where a payload's body runs in user mode, on every arch (src/uspace.c:
# RK_USER_BASE + 0x40000; the kernel says so when it starts one).
PAYLOAD_BODY_UVA = 0x2000040000


def gdb_script(args, path):
    """--gdb: the commands that attach gdb-multiarch and load the symbols
    of the kernel and of every payload whose ELF lies beside it (the build
    keeps P.elf next to P.npl), at the address its body runs at."""
    kernel = args.kernel
    if not kernel.endswith(".elf"):
        # The Image, or the EFI kernel (native/efi/, the ELF one up):
        # the ELF with the symbols, at the addresses it runs at.
        elf = os.path.splitext(kernel)[0] + ".elf"
        up = os.path.join(os.path.dirname(os.path.dirname(
            os.path.abspath(kernel))), os.path.basename(elf))
        kernel = elf if os.path.exists(elf) else \
            up if os.path.exists(up) else kernel
    lines = ["set pagination off", "set confirm off",
             "file %s" % os.path.abspath(kernel),
             "target remote localhost:%d" % args.gdb_port]
    for p in args.payloads:
        elf = os.path.splitext(p)[0] + ".elf"
        if os.path.exists(elf):
            lines.append("add-symbol-file %s 0x%x" % (os.path.abspath(elf),
                                                       PAYLOAD_BODY_UVA))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def boot(args, driver, feeder, splitter):
    """Builds the QEMU command and runs it: (cmd, rc, text, seconds)."""
    with tempfile.TemporaryDirectory(prefix="rumpk-qemu-") as tmpdir:
        cmd = build_command(args, args.payloads, tmpdir)
        if args.gdb:
            # Halted at the first instruction, its gdbstub on the port.
            cmd += ["-gdb", "tcp:localhost:%d" % args.gdb_port, "-S"]
            script = args.gdb_script or os.path.join(tmpdir, "rumpk.gdb")
            gdb_script(args, script)
            print("qemu_run: QEMU waits for gdb on port %d; attach with:\n"
                  "    gdb-multiarch -x %s" % (args.gdb_port, script),
                  file=sys.stderr, flush=True)
        if args.print_command:
            print("qemu_run: " + " ".join(cmd), file=sys.stderr)
        try:
            rc, text, elapsed = run(cmd, args.timeout, not args.quiet,
                                    args.stdin, driver, feeder, splitter)
        except FileNotFoundError:
            raise Usage("cannot run %s" % cmd[0])
    if splitter is not None:
        splitter.close()
    return cmd, rc, text, elapsed


def main(argv=None):
    args = parse_args(argv)
    if args.timeout is None:
        args.timeout = 86400.0 if args.gdb else 30.0
    driver = feeder = splitter = None
    try:
        check_files(args)
        if args.via_uboot:
            driver = uboot_driver(args)
        if args.via in ("uefi", "grub-uefi"):
            driver = EfiDriver()
        if args.load_addr is not None:
            check_load_addr(args)
        if args.serial_in is not None:
            feeder = serial_feeder(args)
        if args.trace is not None:
            splitter = trace_splitter(args)
        add_payload_list(args)
        cmd, rc, text, elapsed = boot(args, driver, feeder, splitter)
    except Usage as e:
        print("qemu_run: %s" % e, file=sys.stderr)
        return 2
    status, why = kernel_status(args, rc, text, driver)
    report(args, status, why, elapsed, feeder, splitter)
    testing = bool(args.expect or args.reject or
                   args.expect_status is not None)
    return check_run(args, status, text, cmd) if testing else status


if __name__ == "__main__":
    sys.exit(main())
