#!/usr/bin/env python3
"""Checks the riscv64 Image that U-Boot's booti loads against its ELF.

    check_image.py --elf rumpk-riscv64.elf --image rumpk-riscv64.Image

The Linux RISC-V Image header (Linux Documentation/arch/riscv/boot-image-
header.rst): code0/code1, text_offset (u64 at 8), image_size (u64 at 16),
flags, version (u32 at 32), magic "RISCV\\0\\0\\0" (at 48, deprecated) and
magic2 "RSC\\x05" (u32 at 56).  U-Boot 2023.01 refuses an Image without
magic2 or with image_size 0, and moves it to RAM base + text_offset.

Checked here: the header fields; image_size covers everything the ELF
loads, bss included (booti reserves image_size bytes; the kernel's bss and
boot stack live there); the Image is the ELF's loaded bytes from _start;
and the only dynamic relocations are R_RISCV_RELATIVE, the one kind boot.S
applies when the Image runs away from its link address (another kind
would silently stay unrelocated on the board at 0x40200000).
Exit 0 when all hold, 1 with the reasons otherwise.
"""

import argparse
import struct
import sys

PT_LOAD = 1
SHT_RELA = 4
R_RISCV_RELATIVE = 3


def elf_info(data):
    """(load segments [(vaddr, offset, filesz, memsz)], [rela entries])."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a little-endian ELF64 file")
    (e_type, e_machine, _, e_entry, e_phoff, e_shoff, _, _, e_phentsize,
     e_phnum, e_shentsize, e_shnum, _) = struct.unpack_from(
        "<HHIQQQIHHHHHH", data, 16)
    if e_machine != 243:
        raise ValueError("not a RISC-V ELF (e_machine %d)" % e_machine)
    loads = []
    for i in range(e_phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = \
            struct.unpack_from("<IIQQQQQQ", data, e_phoff + i * e_phentsize)
        if p_type == PT_LOAD:
            loads.append((p_vaddr, p_offset, p_filesz, p_memsz))
    relas = []
    for i in range(e_shnum):
        (_, sh_type, _, _, sh_offset, sh_size, _, _, _,
         sh_entsize) = struct.unpack_from("<IIQQQQIIQQ", data,
                                          e_shoff + i * e_shentsize)
        if sh_type == SHT_RELA:
            for o in range(sh_offset, sh_offset + sh_size, 24):
                relas.append(struct.unpack_from("<QQq", data, o))
    return e_entry, loads, relas


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--elf", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--text-offset", type=lambda v: int(v, 0),
                    default=0x200000)
    args = ap.parse_args(argv)
    with open(args.elf, "rb") as f:
        elf = f.read()
    with open(args.image, "rb") as f:
        img = f.read()
    problems = []
    entry, loads, relas = elf_info(elf)
    if len(img) < 64:
        print("check_image: %s: %d bytes, no header" % (args.image,
                                                         len(img)))
        return 1
    code0, code1, text_offset, image_size, flags, version = \
        struct.unpack_from("<IIQQQI", img, 0)
    if img[56:60] != b"RSC\x05":
        problems.append("magic2 at 56 is %r, not RSC\\x05" % img[56:60])
    if img[48:56] != b"RISCV\0\0\0":
        problems.append("magic at 48 is %r" % img[48:56])
    if text_offset != args.text_offset:
        problems.append("text_offset 0x%x, expected 0x%x" %
                        (text_offset, args.text_offset))
    if flags & 1:
        problems.append("flags say big endian")
    if version != 2:
        problems.append("header version 0x%x, expected 0x2 (0.2)" % version)
    if code0 & 0x7f != 0x6f:
        problems.append("code0 0x%08x is not a jal (j) instruction" % code0)
    base = min(l[0] for l in loads)
    end = max(l[0] + l[3] for l in loads)
    if entry != base:
        problems.append("ELF entry 0x%x is not the image start 0x%x" %
                        (entry, base))
    if image_size < end - base:
        problems.append("image_size 0x%x does not cover the loaded "
                        "image with bss (0x%x bytes)" % (image_size,
                                                         end - base))
    if image_size < len(img):
        problems.append("image_size 0x%x is below the file size 0x%x" %
                        (image_size, len(img)))
    # The Image holds each segment's file bytes at vaddr - base.
    for vaddr, off, filesz, _ in loads:
        got = img[vaddr - base:vaddr - base + filesz]
        if got != elf[off:off + filesz]:
            problems.append("Image bytes at +0x%x differ from the ELF "
                            "segment at 0x%x" % (vaddr - base, vaddr))
    bad = [r for r in relas if r[1] != R_RISCV_RELATIVE]
    if bad:
        problems.append("%d dynamic relocation(s) boot.S does not apply, "
                        "first: offset 0x%x info 0x%x" %
                        (len(bad), bad[0][0], bad[0][1]))
    for p in problems:
        print("check_image: FAIL: " + p)
    print("check_image: %s: %d bytes, image_size 0x%x (ELF image with bss "
          "0x%x), text_offset 0x%x, %d R_RISCV_RELATIVE relocation(s)" %
          (args.image, len(img), image_size, end - base, text_offset,
           len(relas)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
