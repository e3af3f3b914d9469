#!/usr/bin/env python3
"""Command-line tests of `npl` and `rumpk-sim`: good paths, every malformed
image (each NPL rule broken in an otherwise signed image, from mkbad), bad
usage, and the exit-status contract (0 ok, 1 refused, 2 usage, 100+ trap).
"""
import argparse
import json
import os
import stat
import subprocess
import sys
import tempfile

SEED_LINES = [
    "[NPL] \u2705 Verification PASSED",
    "[NPL] Executing payload...",
    "[NPL] \u2705 Payload returned!",
    "[NPL] \u2705 Bad sig rejected",
]

failures = []
count = 0


def run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                       timeout=60, **kw)
    return r.returncode, r.stdout, r.stderr


def check(name, cond, detail=""):
    global count
    count += 1
    if not cond:
        failures.append(f"{name}: {detail}")
        print(f"FAIL {name} {detail}")
    else:
        print(f"ok   {name}")


def expect(name, cmd, status, out_has=(), err_has=(), out_lacks=()):
    rc, out, err = run(cmd)
    problems = []
    if rc != status:
        problems.append(f"status {rc}, expected {status}")
    for s in out_has:
        if s not in out:
            problems.append(f"stdout lacks {s!r}")
    for s in err_has:
        if s not in err:
            problems.append(f"stderr lacks {s!r}")
    for s in out_lacks:
        if s in out:
            problems.append(f"stdout has {s!r}")
    check(name, not problems,
          "; ".join(problems) + f"\n--- stdout\n{out}--- stderr\n{err}")
    return out


def main():
    ap = argparse.ArgumentParser()
    for o in ["npl", "sim", "mkbad", "dev-key", "arch", "hello-bin", "hello",
              "trap-ill", "trap-jump", "api-write", "exec-data",
              "ret-other"]:
        ap.add_argument("--" + o, required=True)
    # The kernel's build-time policy for NPL v1 images (-Dnpl_v1).
    ap.add_argument("--npl-v1", choices=["refuse", "accept"], default="refuse")
    a = ap.parse_args()
    npl, sim = a.npl, a.sim
    tmp = tempfile.mkdtemp(prefix="rumpk-cli-")
    t = lambda *p: os.path.join(tmp, *p)

    # ---- npl: usage -----------------------------------------------------
    expect("npl no args", [npl], 2)
    expect("npl --help", [npl, "--help"], 0, out_has=["npl keygen"])
    expect("npl unknown command", [npl, "frobnicate"], 2,
           err_has=["unknown command 'frobnicate'"])
    expect("npl keygen no -o", [npl, "keygen"], 2, err_has=["-o NAME"])
    expect("npl unknown option", [npl, "verify", "--bogus", "x"], 2,
           err_has=["unknown option '--bogus'"])
    expect("npl option without value", [npl, "sign", "--key"], 2,
           err_has=["needs a value"])

    # ---- npl keygen -----------------------------------------------------
    expect("npl keygen", [npl, "keygen", "-o", t("me")], 0)
    mode = stat.S_IMODE(os.stat(t("me.key")).st_mode)
    check("keygen .key is 0600", mode == 0o600, oct(mode))
    import hashlib
    ids = set()
    for ext, kind in (("key", b"secret"), ("pub", b"public")):
        data = open(t("me." + ext), "rb").read()
        lines = data.split(b"\n")
        ok = (len(lines) == 3 and lines[2] == b"" and
              lines[0].startswith(b"rumpk " + kind + b" key ") and
              len(lines[0]) == 33 and len(lines[1]) == 64 and
              all(c in b"0123456789abcdef" for c in lines[1]))
        check(f"keygen .{ext} says it is a {kind.decode()} key", ok,
              repr(data))
        ids.add(lines[0][-16:])
    pub_hex = open(t("me.pub")).read().split("\n")[1]
    check("keygen: both files name the key id", ids == {
        hashlib.sha512(bytes.fromhex(pub_hex)).hexdigest()[:16].encode()},
        repr(ids))
    before = open(t("me.key")).read()
    expect("npl keygen refuses overwrite", [npl, "keygen", "-o", t("me")], 2,
           err_has=["refusing to overwrite"])
    check("keygen left the key alone", open(t("me.key")).read() == before)
    expect("npl keygen other", [npl, "keygen", "-o", t("other")], 0)

    # ---- npl sign -------------------------------------------------------
    signed = t("hello-me.npl")
    expect("npl sign", [npl, "sign", "--key", t("me.key"), "--arch", a.arch,
                        a.hello_bin, "-o", signed], 0)
    expect("npl sign bad arch", [npl, "sign", "--key", t("me.key"), "--arch",
                                 "sparc", a.hello_bin, "-o", t("x.npl")], 2,
           err_has=["--arch 'sparc'"])
    open(t("short.key"), "w").write("abcd\n")
    expect("npl sign short key", [npl, "sign", "--key", t("short.key"),
                                  "--arch", a.arch, a.hello_bin, "-o",
                                  t("x.npl")], 2,
           err_has=["expected 64 hex digits"])
    open(t("nothex.key"), "w").write("g" * 64 + "\n")
    expect("npl sign non-hex key", [npl, "sign", "--key", t("nothex.key"),
                                    "--arch", a.arch, a.hello_bin, "-o",
                                    t("x.npl")], 2,
           err_has=["byte 0 held 0x67, expected a hex digit"])
    open(t("empty.bin"), "wb").close()
    expect("npl sign empty body", [npl, "sign", "--key", t("me.key"),
                                   "--arch", a.arch, t("empty.bin"), "-o",
                                   t("x.npl")], 2, err_has=["body of 0 bytes"])
    expect("npl sign missing body", [npl, "sign", "--key", t("me.key"),
                                     "--arch", a.arch, t("nope.bin"), "-o",
                                     t("x.npl")], 2,
           err_has=["No such file"])

    # ---- npl sign: NPL v2 fields and their errors -----------------------
    v2 = t("v2.npl")
    expect("npl sign v2 fields", [npl, "sign", "--key", t("me.key"), "--arch",
                                  a.arch, a.hello_bin, "-o", v2, "--name",
                                  "my-app.x", "--version", "1.2.65535",
                                  "--counter", "18446744073709551615",
                                  "--min-abi", "1"], 0,
           out_has=["wrote " + v2 + ": NPL v2 'my-app.x' 1.2.65535, security "
                    "counter 18446744073709551615, min ABI 1",
                    "for " + a.arch + ", key id "])
    expect("npl inspect v2 fields", [npl, "inspect", v2], 0,
           out_has=["name        'my-app.x'", "image ver   1.2.65535",
                    "counter     18446744073709551615", "min_abi     1"])
    expect("npl verify --min-counter", [npl, "verify", "--pub", t("me.pub"),
                                        "--min-counter",
                                        "18446744073709551615", v2], 0,
           out_has=["OK: NPL v2 'my-app.x' 1.2.65535"])
    v2low = t("v2low.npl")
    expect("npl sign counter 4", [npl, "sign", "--key", t("me.key"), "--arch",
                                  a.arch, a.hello_bin, "-o", v2low,
                                  "--counter", "4"], 0,
           out_has=["'hello' 0.0.0, security counter 4"])
    expect("npl verify counter floor", [npl, "verify", "--pub", t("me.pub"),
                                        "--min-counter", "5", v2low], 1,
           out_has=["security counter rolled back",
                    "held 4, expected at least 5"])
    for opt, val, says in [
            ("--version", "1.2", "--version '1.2': expected MAJOR.MINOR.PATCH"),
            ("--version", "1.2.65536", "each from 0 to 65535"),
            ("--version", "1..2", "--version '1..2'"),
            ("--counter", "-1", "--counter '-1': expected a number"),
            ("--counter", "18446744073709551616", "--counter '18446744073709551616'"),
            ("--min-abi", "70000", "--min-abi '70000'"),
            ("--format", "3", "--format '3': expected 2"),
            ("--name", "my app", "--name 'my app': expected 1 to 23"),
            ("--name", ".hidden", "--name '.hidden'"),
            ("--name", "a" * 24, "expected 1 to 23 characters")]:
        expect(f"npl sign {opt} {val[:12]}", [npl, "sign", "--key", t("me.key"),
                                              "--arch", a.arch, a.hello_bin,
                                              "-o", t("x.npl"), opt, val], 2,
               err_has=[says])
    expect("npl sign v1 with --name", [npl, "sign", "--key", t("me.key"),
                                       "--arch", a.arch, a.hello_bin, "-o",
                                       t("x.npl"), "--format", "1", "--name",
                                       "x"], 2,
           err_has=["NPL v1 has no name"])
    open(t("+odd.bin"), "wb").write(open(a.hello_bin, "rb").read())
    expect("npl sign name from a file that is no name",
           [npl, "sign", "--key", t("me.key"), "--arch", a.arch,
            t("+odd.bin"), "-o", t("x.npl")], 2,
           err_has=["name from BODY '+odd'", "give --name"])
    v1 = t("v1.npl")
    expect("npl sign --format 1", [npl, "sign", "--key", t("me.key"),
                                   "--arch", a.arch, a.hello_bin, "-o", v1,
                                   "--format", "1"], 0, out_has=["NPL v1"])
    expect("npl verify v1 refused", [npl, "verify", "--pub", t("me.pub"), v1],
           1, out_has=["version: held 1, expected 2"])
    expect("npl verify v1 --accept-v1", [npl, "verify", "--pub", t("me.pub"),
                                         "--accept-v1", v1], 0,
           out_has=["OK: NPL v1"])

    # ---- npl getpub -----------------------------------------------------
    rc, out_k, _ = run([npl, "getpub", "--key", t("me.key")])
    rc2, out_p, _ = run([npl, "getpub", "--pub", t("me.pub")])
    pub_hex = open(t("me.pub")).read().split("\n")[1]
    want_id = hashlib.sha512(bytes.fromhex(pub_hex)).hexdigest()[:16]
    check("npl getpub --key and --pub agree", rc == 0 and rc2 == 0 and
          out_k == out_p and ("public key " + pub_hex) in out_k and
          ("key id     " + want_id) in out_k, out_k + out_p)
    rc, out, _ = run([npl, "inspect", signed])
    check("npl sign names the key's id", ("key_id      " + want_id) in out, out)
    expect("npl getpub both", [npl, "getpub", "--key", t("me.key"), "--pub",
                               t("me.pub")], 2, err_has=["getpub needs"])
    expect("npl getpub bad key", [npl, "getpub", "--pub", t("short.key")], 2,
           err_has=["expected 64 hex digits"])

    # ---- key files that say what they are -------------------------------
    expect("npl sign --key with a public key", [npl, "sign", "--key",
                                                t("me.pub"), "--arch", a.arch,
                                                a.hello_bin, "-o", t("x.npl")],
           2, err_has=["--key " + t("me.pub") + ": a public key (its first "
                       "line says so), expected a secret key"])
    expect("npl verify --pub with a secret key",
           [npl, "verify", "--pub", t("me.key"), signed], 2,
           err_has=["a secret key (its first line says so), expected a "
                    "public key"])
    expect("sim --trust with a secret key", [sim, "--trust", t("me.key")], 2,
           err_has=["a secret key"])
    lines = open(t("me.pub")).read().split("\n")
    open(t("badid.pub"), "w").write("rumpk public key 0000000000000000\n" +
                                   lines[1] + "\n")
    expect("a public key file whose id is not its key's",
           [npl, "verify", "--pub", t("badid.pub"), signed], 2,
           err_has=["key id: the first line held 0000000000000000"])
    klines = open(t("me.key")).read().split("\n")
    open(t("badid.key"), "w").write("rumpk secret key 0000000000000000\n" +
                                   klines[1] + "\n")
    expect("a secret key file whose id is not its key's",
           [npl, "sign", "--key", t("badid.key"), "--arch", a.arch,
            a.hello_bin, "-o", t("x.npl")], 2,
           err_has=["the id of this secret key's public key"])
    # Files from before the first line: the digits alone, still read.
    open(t("old.key"), "w").write(klines[1] + "\n")
    open(t("old.pub"), "w").write(lines[1] + "\n")
    expect("an old secret key file signs", [npl, "sign", "--key", t("old.key"),
                                            "--arch", a.arch, a.hello_bin,
                                            "-o", t("old.npl")], 0)
    expect("an old public key file verifies", [npl, "verify", "--pub",
                                               t("old.pub"), t("old.npl")], 0)

    # ---- npl verify -----------------------------------------------------
    expect("npl verify good", [npl, "verify", "--pub", t("me.pub"), signed], 0,
           out_has=["OK"])
    expect("npl verify wrong key", [npl, "verify", "--pub", t("other.pub"),
                                    signed], 1,
           out_has=["REJECTED: untrusted key", "key_id: held"])
    expect("npl verify keyring", [npl, "verify", "--pub", t("other.pub"),
                                  "--pub", t("me.pub"), signed], 0,
           out_has=["signed by " + t("me.pub")])
    expect("npl verify arch mismatch",
           [npl, "verify", "--pub", t("me.pub"), "--arch",
            "riscv64" if a.arch != "riscv64" else "x86_64", signed], 1,
           out_has=["arch: held"])
    for img, ok in ((t("v2.npl"), True), (t("v2low.npl"), False)):
        rc, out, _ = run([npl, "verify", "--pub", t("me.pub"), "--json",
                          "--min-counter", "5", img])
        try:
            j = json.loads(out)  # stdout is the JSON alone
            good = (j["ok"] == ok and rc == (0 if ok else 1) and
                    (j["name"] == "my-app.x" if ok else
                     "held 4, expected at least 5" in j["reason"]))
        except (ValueError, KeyError) as e:
            good, j = False, str(e)
        check("npl verify --json " + ("ok" if ok else "refused"), good,
              f"{rc} {out}")
    expect("npl verify no pub", [npl, "verify", signed], 2)
    expect("npl verify missing image", [npl, "verify", "--pub", t("me.pub"),
                                        t("nope.npl")], 2,
           err_has=["No such file"])
    expect("npl verify bad pub", [npl, "verify", "--pub", t("short.key"),
                                  signed], 2, err_has=["--pub"])

    # ---- npl inspect ----------------------------------------------------
    expect("npl inspect", [npl, "inspect", signed], 0,
           out_has=["magic       7f 4e 50 4c", "version     2", "body sha512",
                    "name        'hello'", "counter     0",
                    "well-formed"])
    rc, out, _ = run([npl, "inspect", signed, "--json"])
    try:
        j = json.loads(out)
        ok = (rc == 0 and j["version"] == 2 and j["well_formed"] and
              j["name"] == "hello" and j["security_counter"] == 0 and
              len(j["key_id"]) == 16 and
              j["arch_name"] == a.arch and len(j["body_sha512"]) == 128 and
              all(r["holds"] for r in j["rules"]))
    except (ValueError, KeyError) as e:
        ok, j = False, str(e)
    check("npl inspect --json", ok, f"{rc} {out}")

    # ---- malformed images: npl and the simulator refuse each -------------
    bad = t("bad")
    expect("mkbad", [a.mkbad, "--key", a.dev_key, "--arch", a.arch,
                     "--body", a.hello_bin, "-o", bad], 0)
    dev_pub = a.dev_key[:-4] + ".pub"
    field_of = {"truncated": "length"}  # otherwise the field is the error
    for line in open(os.path.join(bad, "cases.txt")):
        case, what = line.split()
        img = os.path.join(bad, case + ".npl")
        if case == "v1_image":
            # The tool refuses v1 unless told, as a default kernel does.
            expect("verify v1 --accept-v1", [npl, "verify", "--pub", dev_pub,
                                             "--accept-v1", img], 0,
                   out_has=["OK: NPL v1"])
        if case == "v1_image" and a.npl_v1 == "accept":
            expect("verify v1", [npl, "verify", "--pub", dev_pub, img], 1,
                   out_has=["version: held 1, expected 2"])
            expect("sim accepts v1 (-Dnpl_v1=accept)", [sim, "--payload", img],
                   0, out_has=["NPL v1 accepted (-Dnpl_v1=accept)",
                               "'v1_image.npl' (NPL v1)", "[hello] Hello"])
            continue
        if what == "ok":
            expect(f"verify {case}", [npl, "verify", "--pub", dev_pub, "--arch",
                                      a.arch, img], 0)
            expect(f"sim {case}", [sim, "--payload", img], 0,
                   out_has=SEED_LINES[:3] + ["[hello] Hello"])
            continue
        expect(f"verify {case}", [npl, "verify", "--pub", dev_pub, "--arch",
                                  a.arch, img], 1,
               out_has=["REJECTED", field_of.get(what, what) + ":"])
        # inspect checks the header only, for any known arch.
        # inspect checks the header only, accepting v1, for any arch.
        expect(f"inspect {case}", [npl, "inspect", img], 0 if what in
               ("signature", "key_id") or case in ("wrong_arch", "v1_image")
               else 1)
        expect(f"sim refuses {case}", [sim, "--payload", img], 1,
               out_has=[f"Rejected '{case}.npl'", field_of.get(what, what) + ":",
                        "1 payload(s): 0 ran, 1 refused"],
               out_lacks=["[hello]", "Executing payload"])

    # ---- rumpk-sim ------------------------------------------------------
    expect("sim --help", [sim, "--help"], 0, out_has=["--payload"])
    expect("sim -h", [sim, "-h"], 0, out_has=["--payload", "--state"])
    expect("npl --version", [npl, "--version"], 0, out_has=["npl 0.1.0"])
    expect("npl sign --help", [npl, "sign", "--help"], 0,
           out_has=["npl sign --key", "npl keyring --root"])
    # --help lists every option each program reads.
    rc, out, _ = run([sim, "--help"])
    src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                            "sim", "options.c")).read()
    import re
    names = re.findall(r'^\s+\{"([a-z-]+)",', src, re.M)
    check("sim --help lists every option of sim/options.c",
          len(names) > 15 and all("--" + n in out for n in names),
          str([n for n in names if "--" + n not in out]))
    rc, out, _ = run([npl, "--help"])
    nsrc = open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             "..", "tools", "npl.c")).read()
    opts = set(re.findall(r'!strcmp\(s, "(--[a-z0-9-]+)"\)', nsrc))
    check("npl --help names every option npl reads",
          len(opts) > 10 and all(o in out for o in opts),
          str([o for o in opts if o not in out]))
    expect("sim unknown option", [sim, "--bogus"], 2, err_has=["--bogus"])
    expect("sim positional", [sim, "x.npl"], 2,
           err_has=["unexpected argument 'x.npl'"])
    expect("sim missing payload", [sim, "--payload", t("nope.npl")], 2,
           err_has=["No such file"])
    expect("sim bad trust", [sim, "--trust", t("short.key")], 2,
           err_has=["expected 64 hex digits"])
    expect("sim bad max-body", [sim, "--max-body", "x"], 2)
    out = expect("sim demo", [sim], 0,
                 out_has=SEED_LINES + ["Wrong arch rejected",
                                       "[DEMO] ping-pong: 1000 of 1000",
                                       "'hello' returned 42",
                                       "'ret' returned no value",
                                       "DEVELOPMENT key",
                                       "[BOOT] no payloads given: running "
                                       "the built-in demo"])
    # The seed lines appear in the order of ARCHITECTURE section 4.
    pos = [out.find(s) for s in SEED_LINES]
    check("seed lines in order", pos == sorted(pos) and -1 not in pos, str(pos))
    expect("sim user key untrusted", [sim, "--payload", signed], 1,
           out_has=["untrusted key"], out_lacks=["[hello]"])
    expect("sim user key trusted", [sim, "--trust", t("me.pub"), "--payload",
                                    signed], 0,
           out_has=SEED_LINES[:3] + ["[hello] Hello from a signed payload!",
                                     "'hello' returned 42"])
    # --trust chooses the keyring: the development key is no longer
    # trusted, so a dev-signed image is refused; --trust-builtin keeps it.
    expect("sim --trust drops the compiled-in keys",
           [sim, "--trust", t("me.pub"), "--payload", a.hello], 1,
           out_has=["untrusted key", "1 trusted key(s)",
                    "the compiled-in keys are not trusted",
                    "1 payload(s): 0 ran, 1 refused"],
           out_lacks=["[hello]", "Executing payload", "DEVELOPMENT key"])
    expect("sim --trust: both images, only mine runs",
           [sim, "--trust", t("me.pub"), "--payload", signed, "--payload",
            a.hello], 1,
           out_has=["[hello] Hello from a signed payload!",
                    "2 payload(s): 1 ran, 1 refused"])
    expect("sim --trust-builtin keeps the compiled-in keys",
           [sim, "--trust", t("me.pub"), "--trust-builtin", "--payload",
            a.hello, "--payload", signed], 0,
           out_has=["2 trusted key(s)", "and the compiled-in keys",
                    "DEVELOPMENT key", "2 payload(s): 2 ran, 0 refused"])
    expect("sim --trust-builtin alone", [sim, "--trust-builtin"], 2,
           err_has=["no --trust given"])
    expect("sim --help says --trust replaces", [sim, "--help"], 0,
           out_has=["instead of the", "--trust-builtin"])
    expect("sim two payloads", [sim, "--payload", a.hello, "--payload",
                                a.hello], 0,
           out_has=["2 payload(s): 2 ran, 0 refused, 0 failed"])
    expect("sim good then bad", [sim, "--payload", a.hello, "--payload",
                                 os.path.join(bad, "bad_sig.npl")], 1,
           out_has=["2 payload(s): 1 ran, 1 refused"])
    expect("sim other arch", [sim, "--payload", a.ret_other], 1,
           out_has=["wrong architecture"])
    expect("sim max-body", [sim, "--max-body", "16", "--payload", a.hello], 1,
           out_has=["the loader's limit"])
    # --append: words for the kernel's command line, checked by the kernel.
    expect("sim --append", [sim, "--append", "run=parallel", "--append",
                            "budget_ms=5000", "--payload", a.hello], 0,
           out_has=["[hello] bus message came back intact"])
    expect("sim --append malformed", [sim, "--append", "budget_ms=soon",
                                      "--payload", a.hello], 2,
           out_has=["[BOOT] budget_ms=soon: expected milliseconds"],
           out_lacks=["[NPL] Executing"])
    rc, out, _ = run([sim, "--payload", a.trap_ill])
    check("sim illegal instruction traps", rc == 100 and "[TRAP]" in out
          and "Illegal instruction" in out, f"{rc} {out}")
    rc, out, _ = run([sim, "--payload", a.api_write])
    check("sim: a write to the API table traps", rc == 100 and "[TRAP]" in out
          and "[api_write] about to" in out and "came back" not in out,
          f"{rc} {out}")
    rc, out, _ = run([sim, "--payload", a.exec_data])
    check("sim: code written to the stack does not run", rc == 100 and
          "[TRAP]" in out and "[exec_data] about to" in out and
          "came back" not in out, f"{rc} {out}")
    rc, out, _ = run([sim, "--payload", a.trap_jump])
    check("sim wild jump traps", rc == 100 and "[TRAP]" in out
          and "0xdead0000000" in out, f"{rc} {out}")

    # ---- the visualizer's snapshot as PNG; --viz with no display ---------
    rc, out, err = run([sim, "--viz-snapshot", t("v.png"), "--viz-after-ms",
                        "50", "--time", "sim"])
    if "need SDL2" not in err:
        import struct
        import zlib
        ok = rc == 0
        try:
            d = open(t("v.png"), "rb").read()
            w, h = struct.unpack(">II", d[16:24])
            i, idat = 8, b""
            while i < len(d):  # every chunk's CRC, then the image data
                n = struct.unpack(">I", d[i:i + 4])[0]
                body = d[i + 4:i + 8 + n]
                ok &= struct.unpack(">I", d[i + 8 + n:i + 12 + n])[0] == \
                    zlib.crc32(body)
                idat += body[4:] if body[:4] == b"IDAT" else b""
                i += 12 + n
            ok &= d[:8] == b"\x89PNG\r\n\x1a\n" and d[24:26] == b"\x08\x02"
            ok &= len(zlib.decompress(idat)) == (1 + 3 * w) * h and w > 0
        except (OSError, struct.error, zlib.error) as e:
            ok, err = False, str(e)
        check("--viz-snapshot FILE.png writes a valid PNG", ok, err)
        env = dict(os.environ)
        for v in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
            env.pop(v, None)
        r = subprocess.run([sim, "--viz"], env=env, capture_output=True,
                           text=True, timeout=20)
        check("--viz with no display: exit 2 at once, with the hint",
              r.returncode == 2 and "no display" in r.stderr and
              "--viz-snapshot" in r.stderr, r.stderr)

    # ---- traffic under the governor -------------------------------------
    def traffic(*extra):
        rc, out, err = run([sim, "--stats", "json", "--duration-ms", "300"]
                           + list(extra))
        try:  # stdout is the JSON alone
            return rc, json.loads(out), out + err
        except (ValueError, IndexError):
            return rc, None, out + err

    res = {}
    for prof in ("quiet", "burst", "flood"):
        for pol in ("adaptive", "irq", "poll"):
            rc, j, out = traffic("--traffic", prof, "--gov", pol, "--time",
                                 "sim", "--seed", "7")
            res[prof, pol] = j
            check(f"traffic {prof} {pol}: nothing lost", rc == 0 and j and
                  j["generated"] > 0 and j["delivered"] == j["generated"]
                  and j["lost"] == 0, out)
    f = res["flood", "adaptive"]
    check("flood enters war", f and f["war_entries"] >= 1, str(f))
    check("flood: adaptive keeps 95% of always-poll's throughput",
          f and f["events_per_s"] >= 0.95 * res["flood", "poll"]["events_per_s"],
          str(f))
    check("flood: adaptive takes <= 10% of always-irq's interrupts",
          f and f["irqs"] <= 0.10 * res["flood", "irq"]["irqs"], str(f))
    q = res["quiet", "adaptive"]
    check("quiet stays in peace", q and q["war_entries"] == 0 and
          q["polls"] == 0, str(q))
    check("quiet: adaptive <= 5% of always-poll's empty polls",
          q and q["empty_polls"] <= 0.05 * res["quiet", "poll"]["empty_polls"],
          str(q))
    b = res["burst", "adaptive"]
    check("burst goes to war and back", b and b["war_entries"] >= 1 and
          b["peace_entries"] >= 1, str(b))
    rc1, j1, _ = traffic("--traffic", "burst", "--time", "sim", "--seed", "3")
    rc2, j2, _ = traffic("--traffic", "burst", "--time", "sim", "--seed", "3")
    check("simulated time is repeatable", j1 is not None and j1 == j2,
          f"{j1}\n{j2}")
    rc3, j3, _ = traffic("--traffic", "burst", "--time", "sim", "--seed", "4")
    check("another seed, another run", j3 is not None and j3 != j1, str(j3))
    rc, j, out = traffic("--traffic", "burst", "--time", "real")
    check("real time: nothing lost", rc == 0 and j and
          j["delivered"] == j["generated"] and j["generated"] > 0, out)
    open(t("prof.txt"), "w").write("# ms rate\n0 1000\n100 200000\n150 0\n")
    rc, j, out = traffic("--traffic", t("prof.txt"), "--time", "sim")
    check("traffic file", rc == 0 and j and j["delivered"] == j["generated"]
          and j["war_entries"] >= 1, out)
    # The governor's options reach the kernel as command-line words: the
    # last --gov wins, --gov-param sets the tunable in the kernel.
    rc, j, out = traffic("--traffic", "flood", "--time", "sim", "--gov", "irq",
                         "--gov", "poll", "--gov-param", "budget=1")
    check("--gov and --gov-param reach the kernel", rc == 0 and j and
          j["policy"] == "poll" and "[GOV] receiving on line 4 (poll)" in out
          and j["irqs"] == 0 and j["polls"] >= j["events"] > 0, out)
    # A file name with a quote, a backslash and a control character comes
    # back intact from the JSON (RFC 8259 escapes).
    odd = t('pr"o\\f\x01\n.txt')
    open(odd, "w").write("0 1000\n")
    rc, j, out = traffic("--traffic", odd, "--time", "sim")
    check("traffic file with an odd name: valid JSON", rc == 0 and j and
          j["traffic"] == odd, out)
    rc, out, _ = run([npl, "inspect", "--json", odd])
    try:
        ok = json.loads(out)["file"] == odd
    except (ValueError, KeyError):
        ok = False
    check("npl inspect --json: an odd file name", rc == 1 and ok, out)
    open(t("badprof.txt"), "w").write("0 100\n50 x\n")
    expect("traffic file syntax error", [sim, "--traffic", t("badprof.txt")],
           2, err_has=["badprof.txt:2: expected '<ms> <events per second>'"])
    open(t("badprof2.txt"), "w").write("10 100\n5 100\n")
    expect("traffic file time order", [sim, "--traffic", t("badprof2.txt")],
           2, err_has=["does not increase"])
    expect("traffic unknown profile", [sim, "--traffic", "tsunami"], 2,
           err_has=["'tsunami' is not quiet, burst or flood"])
    expect("stats without traffic", [sim, "--stats", "json"], 2,
           err_has=["--stats json needs --traffic"])
    expect("bad --gov", [sim, "--traffic", "quiet", "--gov", "maybe"], 2,
           err_has=["--gov: 'maybe'"])
    expect("bad --gov-param", [sim, "--traffic", "quiet", "--gov-param",
                               "speed=3"], 2, err_has=["--gov-param"])
    expect("gov hysteresis check", [sim, "--traffic", "quiet", "--gov-param",
                                    "peace_rate=50000"], 2,
           err_has=["peace_rate: expected less than war_rate"])
    expect("bad --time", [sim, "--traffic", "quiet", "--time", "fast"], 2)
    expect("bad --duration-ms", [sim, "--traffic", "quiet", "--duration-ms",
                                 "0"], 2)

    print(f"{count - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


sys.exit(main())
