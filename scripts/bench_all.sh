#!/usr/bin/env bash
# bench_all.sh - build what the benchmarks need, run every benchmark and
# print one table: each Rumpk figure next to its anchor measured in the
# same run, and the ratio (docs/benchmarks.md).  `./run.sh bench` calls it.
#
#   scripts/bench_all.sh [--quick] [--no-qemu]
#
# Builds: build (host, -Dsim_switch=ucontext), build-asm (host,
# -Dsim_switch=asm, x86_64 only) and build-ARCH (the native kernels, for
# bench/qemu_boot.py when it exists).  Raw outputs: build/bench-all.log.
set -euo pipefail
. "$(dirname "$0")/setup.sh"
cd "$RK_ROOT"

rk_setup_packages
rk_setup_build build
rk_log "build build"
ninja -C build >/dev/null || ninja -C build
args=(--build build)
if [ "$(uname -m)" = x86_64 ]; then
	# Same options as test.sh's build-asm, so neither reconfigures it.
	CC=gcc rk_setup_build build-asm -Dsim_switch=asm -Dnpl_v1=accept \
		-Dkeyring_threshold=2
	rk_log "build build-asm"
	ninja -C build-asm >/dev/null || ninja -C build-asm
	args+=(--build-asm build-asm)
fi
want_qemu=1
for a in "$@"; do [ "$a" = --no-qemu ] && want_qemu=0; done
if [ "$want_qemu" = 1 ] && [ -f bench/qemu_boot.py ]; then
	for arch in x86_64 aarch64 riscv64; do
		# An existing cross build is reused as it is (test.sh and
		# run.sh spell its options differently; do not reconfigure).
		[ -f "build-$arch/build.ninja" ] ||
			rk_cross_build "$arch" "build-$arch"
		rk_log "build build-$arch"
		ninja -C "build-$arch" >/dev/null || ninja -C "build-$arch"
	done
fi
exec python3 scripts/bench_all.py "${args[@]}" --log build/bench-all.log "$@"
