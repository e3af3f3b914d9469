#!/usr/bin/env bash
# test.sh - set up what is missing, build everything, run every test:
#   host builds with gcc (libsodium backend) and clang (built-in verifier),
#   each running the cmocka unit tests, the crypto tests and the simulator
#   command-line tests; an ASan+UBSan host build; cppcheck over the core;
#   the three native kernels, each booted in QEMU by `meson test`.
# Ends with one line "test.sh: N passed, M failed"; exit 0 only when all pass.
# Above it: each failed test's name and last output lines, and each QEMU
# test that failed once and passed when run again (FLAKY, with the
# failed run's output): the guests' timers run on the host's clock.
set -uo pipefail
. "$(dirname "$0")/scripts/setup.sh"
cd "$RK_ROOT"

rk_setup_packages || exit 2

passed=0 failed=0 failures=() skipped=() failed_logs=() flaky=() flaky_logs=()
t0=$(date +%s)

# count_meson DIR [LOGBASE]: add up a meson test run from its JSON log.
count_meson() {
	local log=$1/meson-logs/${2:-testlog}.json f
	[ -f "$log" ] || return 0
	f=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" || true)
	passed=$((passed + $(count_ok "$log")))
	failed=$((failed + f))
	[ "$f" -eq 0 ] || failures+=("$1: $f failed (see ${log%.json}.txt)")
	[ "$f" -eq 0 ] || failed_logs+=("$(meson_failed "$log" "$1")")
}

count_ok() { grep -c '"result": "OK"' "$1" || true; }

# meson_failed LOG [DIR]: the tests that did not pass in a meson JSON
# log.  Without DIR their names (no project or suite), one a line; with
# DIR each one's name, status and last output lines, kept for the end of
# the run, where a CI log's tail shows them.
meson_failed() {
	python3 - "$@" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t["result"] in ("OK", "SKIP", "EXPECTEDFAIL"):
        continue
    if len(sys.argv) < 3:
        print(t["name"].split(" / ")[-1])
        continue
    print("---- %s: %s (%s, exit %s, %.1f s)" % (sys.argv[2], t["name"],
          t["result"], t.get("returncode"), t.get("duration", 0)))
    out = (t.get("stdout") or "") + (t.get("stderr") or "")
    for l in out.splitlines()[-25:]:
        print("  | " + l)
PY
}

# step NAME CMD...: a check that is not a meson test.  RETRY_ONCE
# (environment, for checks that boot QEMU, as meson_suite's): one that
# fails runs once more and counts as that run says; one that then passes
# is listed as FLAKY.
step() {
	local name=$1
	shift
	rk_log "$name"
	if "$@"; then
		passed=$((passed + 1))
	elif [ -n "${RETRY_ONCE:-}" ] &&
		rk_log "$name: failed, running it again" && "$@"; then
		passed=$((passed + 1))
		flaky+=("$name: failed once, passed when run again (its output is above, in the step)")
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
}

# meson_test DIR ARGS...: meson test, showing one line a test.
meson_test() {
	local dir=$1
	shift
	meson test -C "$dir" --no-rebuild --print-errorlogs "$@" |
		grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Timeout):' || true
}

# meson_suite DIR [setup options...]: configure, build, run every test.
# SKIP_TESTS (environment): test names to leave out.
meson_suite() {
	local dir=$1 tests=""
	shift
	if ! rk_setup_build "$dir" "$@"; then
		failed=$((failed + 1))
		failures+=("$dir: meson setup failed")
		return
	fi
	rk_log "build $dir"
	if ! ninja -C "$dir" >"$dir.build.log" 2>&1; then
		tail -40 "$dir.build.log"
		failed=$((failed + 1))
		failures+=("$dir: build failed (see $dir.build.log)")
		return
	fi
	rk_log "test $dir"
	if [ -n "${SKIP_TESTS:-}" ]; then
		tests=$(meson test -C "$dir" --list 2>/dev/null | grep ' / ' |
			sed 's/^.* \/ //' | grep -v -x -F -f <(tr ' ' '\n' <<<"$SKIP_TESTS"))
	fi
	# shellcheck disable=SC2086 # one word per test name
	meson_test "$dir" --num-processes 2 $tests
	local log=$dir/meson-logs/testlog.json again
	if [ -n "${RETRY_ONCE:-}" ] && [ -f "$log" ] &&
		again=$(meson_failed "$log") && [ -n "$again" ]; then
		# A QEMU suite: the guest's timer runs on the host's clock, so
		# a stalled host can fail a test once.  What failed runs once
		# more and counts as that run says; the first failure is kept
		# and shown at the end as FLAKY, never dropped.
		flaky_logs+=("$(meson_failed "$log" "$dir")")
		# shellcheck disable=SC2086 # one word per test name
		meson_test "$dir" --logbase retry $again
		passed=$((passed + $(count_ok "$log")))
		count_meson "$dir" retry
		local n still
		still=$(meson_failed "$dir/meson-logs/retry.json")
		for n in $again; do
			grep -q -x -F "$n" <<<"$still" ||
				flaky+=("$dir: $n failed once, passed when run again (its output above)")
		done
		return
	fi
	count_meson "$dir"
}

# Host: gcc with libsodium, clang with the built-in verifier.
CC=gcc meson_suite build-gcc -Dcrypto=libsodium
CC=clang meson_suite build-clang -Dcrypto=builtin
# The simulator on the native register switch (x86_64 hosts), built to
# accept NPL v1 images (the other builds refuse them: docs/npl-format.md)
# and to need two root signatures on a keyring (docs/keyring.md).
[ "$(uname -m)" = x86_64 ] && CC=gcc meson_suite build-asm -Dsim_switch=asm \
	-Dnpl_v1=accept -Dkeyring_threshold=2
# The wrap fallbacks (subprojects/): libsodium and cmocka built from
# source by our Meson builds in subprojects/packagefiles, as on a machine
# without libsodium-dev or libcmocka-dev; every host test runs against
# them.  The sources come from the Debian mirror apt uses; a machine that
# cannot reach it skips this, and says so.
wrap_mirror=$(sed -n 's/^source_url = //p' subprojects/libsodium.wrap)
reachable() { # reachable URL: answers a HEAD request within 10 s
	python3 - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="HEAD"),
                       timeout=10)
PY
}
if reachable "$wrap_mirror" ||
	[ -f subprojects/packagecache/libsodium_1.0.18.orig.tar.gz ]; then
	CC=gcc meson_suite build-wrap --force-fallback-for=libsodium,cmocka \
		-Dcrypto=libsodium
else
	skipped+=("build-wrap: $wrap_mirror unreachable, wrap fallbacks not built")
fi
# The checkout is self-contained: a clone of HEAD with nothing beside it
# (no ../shared) configures, and the crypto tests pass on the vectors it
# carries (tests/vectors).
clone_self_contained() {
	local tmp rc=0
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/rumpk-clone.XXXXXX") || return 1
	if git clone -q "$RK_ROOT" "$tmp/rumpk" &&
		CC=gcc meson setup "$tmp/build" "$tmp/rumpk" >"$tmp/setup.log" 2>&1 &&
		ninja -C "$tmp/build" tests/test_siphash tests/test_sha512 \
			tests/test_ed25519 >"$tmp/build.log" 2>&1 &&
		meson test -C "$tmp/build" --no-rebuild --print-errorlogs \
			siphash sha512 ed25519 | grep -E '^ *[0-9]+/[0-9]+ '; then
		# They passed, and on the clone's own vectors.
		grep -q "RK_VECTORS_DIR=$tmp/rumpk/tests/vectors " \
			"$tmp/build/meson-logs/testlog.txt" &&
			! grep -q -E '"result": "(FAIL|TIMEOUT|ERROR)"' \
				"$tmp/build/meson-logs/testlog.json" || rc=1
	else
		rc=1
	fi
	[ $rc -eq 0 ] || tail -20 "$tmp"/*.log "$tmp/build/meson-logs/testlog.txt" 2>/dev/null
	rm -rf "$tmp"
	return $rc
}
if git -C "$RK_ROOT" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	step "clone of HEAD alone: crypto tests on its tests/vectors" clone_self_contained
else
	skipped+=("clone of HEAD: $RK_ROOT is not a git checkout")
fi
# Native kernels, booted in QEMU.
for arch in x86_64 aarch64 riscv64; do
	RETRY_ONCE=1 meson_suite "build-$arch" \
		--cross-file "$RK_ROOT/native/cross/$arch.ini"
done

# A user's own key: a body signed with it runs on a kernel built to trust
# only that key (./run.sh qemu --key-pub), and the demo's images, signed
# with the development key, are refused there.
user_key_boot() { # ARCH
	local arch=$1 k=build-gcc/user-key
	[ -f $k.key ] || build-gcc/tools/npl keygen -o $k >/dev/null || return 1
	build-gcc/tools/npl sign --key $k.key --arch "$arch" \
		"build-$arch/payloads/hello-$arch.bin" -o "$k-hello-$arch.npl" || return 1
	local out
	out=$(./run.sh qemu "$arch" --key-pub $k.pub "$k-hello-$arch.npl" 2>&1) ||
		{ echo "$out"; return 1; }
	grep -q '\[hello\] Hello from a signed payload!' <<<"$out" || { echo "$out"; return 1; }
	out=$(./run.sh qemu "$arch" --key-pub $k.pub "build-$arch/payloads/hello-$arch.npl" 2>&1)
	[ $? -eq 1 ] && grep -q 'untrusted key' <<<"$out" || { echo "$out"; return 1; }
}
for arch in x86_64 aarch64 riscv64; do
	RETRY_ONCE=1 step "$arch: own key via run.sh qemu --key-pub" user_key_boot "$arch"
done

# NPL v1 in both modes: the default kernels refuse a v1 image (mkbad's
# v1_image, above); one built with -Dnpl_v1=accept runs it.
v1_accept_boot() { # ARCH
	local arch=$1 img=build-gcc/v1-hello-$1.npl out
	build-gcc/tools/npl sign --key keys/dev.key --arch "$arch" --format 1 \
		"build-$arch/payloads/hello-$arch.bin" -o "$img" >/dev/null || return 1
	out=$(./run.sh qemu "$arch" --accept-v1 "$img" 2>&1) || { echo "$out"; return 1; }
	grep -q "NPL v1 accepted (-Dnpl_v1=accept)" <<<"$out" &&
		grep -q "'v1-hello-$arch.npl' (NPL v1)" <<<"$out" &&
		grep -q '\[hello\] Hello from a signed payload!' <<<"$out" || { echo "$out"; return 1; }
}
for arch in x86_64 aarch64 riscv64; do
	RETRY_ONCE=1 step "$arch: NPL v1 runs on a kernel built with -Dnpl_v1=accept" v1_accept_boot "$arch"
done

# The loader policy fixed at build time, on one kernel (riscv64): a
# security counter floor that holds with no store, and a keyring that
# needs two root signatures, so one is too few.
policy_boot() {
	local d=build-gcc/policy k=build-riscv64/payloads out rc
	mkdir -p $d || return 1
	for c in 1 2; do
		build-gcc/tools/npl sign --key keys/dev.key --arch riscv64 \
			$k/hello-riscv64.bin -o $d/hello-c$c.npl --counter $c >/dev/null || return 1
	done
	out=$(./run.sh qemu riscv64 -Dmin_security_counter=2 -Dkeyring_threshold=2 \
		$k/keyring-1.nkr $d/hello-c1.npl $d/hello-c2.npl 2>&1)
	rc=$?
	[ $rc -eq 1 ] &&
		grep -q "nsigs: held 1 valid root signature(s), expected at least 2" <<<"$out" &&
		grep -q "held 1, expected at least 2 (the build's floor, -Dmin_security_counter)" <<<"$out" &&
		grep -q "'hello' returned 42" <<<"$out" || { echo "status $rc"; echo "$out"; return 1; }
}
RETRY_ONCE=1 step "riscv64: -Dmin_security_counter=2 and -Dkeyring_threshold=2 hold" policy_boot

# run.sh as a shell user expects: paths from the caller's folder, bad
# arguments refused (status 2) before anything is built, clean.
run_sh_paths() {
	local tmp rc=0 out
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/rumpk-run.XXXXXX") || return 1
	(cd "$tmp" && "$RK_ROOT/run.sh" npl keygen -o me >/dev/null) &&
		[ -f "$tmp/me.key" ] && [ ! -e "$RK_ROOT/me.key" ] || { echo "keygen: wrong folder"; rc=1; }
	out=$(cd "$tmp" && "$RK_ROOT/run.sh" sim --trust me.pub --payload \
		"$RK_ROOT/build-gcc/payloads/hello-$(uname -m).npl" 2>&1)
	[ $? -eq 1 ] && grep -q "untrusted key" <<<"$out" || { echo "$out"; rc=1; }
	echo "not a key" >"$tmp/bad.pub"
	out=$(cd "$tmp" && "$RK_ROOT/run.sh" qemu riscv64 --key-pub bad.pub x.npl 2>&1)
	[ $? -eq 2 ] && grep -q "bad.pub: held" <<<"$out" || { echo "$out"; rc=1; }
	out=$("$RK_ROOT/run.sh" qemu x86_64 --via-uboot 2>&1)
	[ $? -eq 2 ] && grep -q "riscv64 only" <<<"$out" && ! grep -q "meson setup" <<<"$out" ||
		{ echo "$out"; rc=1; }
	mkdir -p "$RK_ROOT/build-riscv64-opts-0123456789ab"
	"$RK_ROOT/run.sh" clean && [ ! -d "$RK_ROOT/build-riscv64-opts-0123456789ab" ] &&
		[ -d "$RK_ROOT/build-riscv64" ] || { echo "clean"; rc=1; }
	rm -rf "$tmp"
	return $rc
}
step "run.sh: the caller's paths, early usage errors, clean" run_sh_paths

# ---- the payload SDK (docs/payloads.md) ---------------------------------
# Installed with DESTDIR from the host build and the three kernel builds,
# then the template, copied out of the installed SDK as a user would,
# builds, signs (a key made here) and runs a payload for every arch: in
# rumpk-sim for this machine's, and in QEMU on the SDK's kernel for each,
# behind a keyring document that adds the key.
sdk_template() {
	local tmp pc sdk arch rc=0
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/rumpk-sdk.XXXXXX") || return 1
	for d in build-gcc build-x86_64 build-aarch64 build-riscv64; do
		DESTDIR=$tmp/root meson install -C $d --quiet --no-rebuild \
			>>"$tmp/install.log" 2>&1 || { tail -20 "$tmp/install.log"; rc=1; }
	done
	pc=$(find "$tmp/root" -name rumpk-payload.pc | head -1)
	[ -n "$pc" ] || { echo "no rumpk-payload.pc installed"; rm -rf "$tmp"; return 1; }
	sdk=$(cd "$(dirname "$pc")/../.." && pwd)
	for f in bin/npl bin/rumpk-sim bin/rumpk-mkpayload include/rumpk/rt.h \
		share/man/man1/npl.1 share/man/man1/rumpk-sim.1 \
		share/bash-completion/completions/npl; do
		[ -e "$sdk/$f" ] || { echo "not installed: $f"; rc=1; }
	done
	cp -r "$sdk/share/rumpk/template" "$tmp/app" || rc=1
	(
		export PATH="$sdk/bin:$PATH" PKG_CONFIG_PATH="$sdk/share/pkgconfig"
		cd "$tmp/app" && npl keygen -o "$tmp/me" >/dev/null || exit 1
		for arch in x86_64 aarch64 riscv64; do
			if ! { meson setup "b-$arch" -Dkey="$tmp/me.key" --cross-file \
				"$(pkg-config --variable=crossdir rumpk-payload)/$arch.ini" &&
				meson compile -C "b-$arch" &&
				meson test -C "b-$arch" --print-errorlogs; } >"$tmp/$arch.log" 2>&1; then
				tail -40 "$tmp/$arch.log"
				exit 1
			fi
			grep -E "^wrote |^ *[0-9]+/[0-9]+ " "$tmp/$arch.log"
		done
	) || rc=1
	rm -rf "$tmp"
	return $rc
}
RETRY_ONCE=1 step "payload SDK: installed, the template built, signed and run per arch" sdk_template

# ---- visualizer: a trace recorded from QEMU, replayed ------------------
# The riscv64 kernel receives 6000 bytes under the governor with
# trace=buffer; rumpk-sim --viz-replay draws it headless and the checker
# finds the kernel's lines and the War band in the picture.
viz_qemu_replay() {
	local d=build-gcc t=build-gcc/viz-qemu-riscv64
	[ -x $d/tests/test_viz_snapshot ] || { echo "no SDL2 build: skipped"; return 0; }
	python3 native/tests/gen_serial.py --size 6000 -o $t.in || return 1
	python3 scripts/qemu_run.py --arch riscv64 --quiet --timeout 60 \
		--kernel build-riscv64/native/rumpk-riscv64.elf --serial-in $t.in \
		--append trace=buffer --trace $t.trace \
		--expect '[GOV] rx=6000' --expect-status 0 || return 1
	$d/tests/test_viz_snapshot --out $t.bmp \
		--text 'console:Rumpk 0.1.0 on qemu-virt (riscv64)' \
		--text 'console:[GOV] rx=6000' --text 'fibers:uart-rx' \
		--text 'irq:irq 10' --text 'title:end of trace' \
		--live irq --live gov --live rings \
		-- $d/sim/rumpk-sim --viz-replay $t.trace --viz-snapshot $t.bmp
}
RETRY_ONCE=1 step "riscv64: QEMU trace replayed in rumpk-sim --viz-replay" viz_qemu_replay
# ---- end visualizer ------------------------------------------------------

# Every C file follows .clang-format (clang-format 14, Debian 12).
format_check() {
	local files
	files=$(git ls-files '*.c' '*.h' 2>/dev/null) ||
		files=$(find src include sim tools tests bench native payloads \
			-name '*.[ch]')
	grep -v '^tests/data/' <<<"$files" | xargs clang-format --dry-run --Werror
}
step "clang-format: the tree follows .clang-format" format_check

step "cppcheck over the core" \
	cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
	--enable=warning,portability --suppress=missingIncludeSystem \
	-I include src

# ---- hardening (docs/hardening.md) -------------------------------------
# The libFuzzer harnesses and the TSan ring test run inside build-clang's
# and build-gcc's meson tests above (suites fuzz and unit).  Here: every
# host test and the simulator demo under ASan+UBSan (clang; the long
# differential crypto test is left to the plain builds), and the demo
# under valgrind memcheck.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS=suppressions=$RK_ROOT/tests/hardening/lsan.supp
# The long differential crypto test is left to the plain builds.
CC=clang SKIP_TESTS=ed25519_diff meson_suite build-asan \
	-Db_sanitize=address,undefined -Db_lundef=false
demo_clean() { # demo_clean CMD...: the demo passes and no tool complains
	local out
	out=$("$@" 2>&1) || { echo "$out" | tail -30; return 1; }
	grep -q '\[DEMO\] all steps passed' <<<"$out" || { echo "$out"; return 1; }
	! grep -E 'runtime error|ERROR: (Address|Leak)Sanitizer' <<<"$out"
}
step "ASan+UBSan: simulator demo" demo_clean build-asan/sim/rumpk-sim
step "valgrind memcheck: simulator demo (build-gcc)" demo_clean \
	valgrind -q --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite build-gcc/sim/rumpk-sim
# ---- end hardening ------------------------------------------------------

echo
for l in "${flaky_logs[@]}"; do echo "$l"; done
for f in "${flaky[@]}"; do echo "FLAKY: $f"; done
for l in "${failed_logs[@]}"; do echo "$l"; done
for f in "${failures[@]}"; do echo "FAILED: $f"; done
for s in "${skipped[@]}"; do echo "SKIPPED: $s"; done
echo "test.sh: $(($(date +%s) - t0)) s"
echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
