# shellcheck shell=bash
# Shared by run.sh and test.sh: install what is missing (Debian 12), set up
# Meson build directories.  Sourced, not run.

RK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Everything the build, the tests and the benchmarks use.
RK_PACKAGES=(
	meson ninja-build pkg-config python3 gcc clang lld llvm
	libsodium-dev libcmocka-dev libck-dev libsdl2-dev zlib1g-dev libfdt-dev
	device-tree-compiler qemu-system-x86 qemu-system-arm qemu-system-misc
	qemu-system-data opensbi u-boot-qemu cppcheck valgrind clang-format git
	gdb gdb-multiarch # the debugger tests (docs/payloads.md)
	grub-pc-bin xorriso mtools # x86_64 through GRUB (docs/boot.md)
	# UEFI firmware, GRUB's EFI build and Secure Boot signing (docs/boot.md)
	ovmf qemu-efi-aarch64 grub-efi-amd64-bin sbsigntool openssl
	libclang-rt-dev # clang's libFuzzer, ASan/UBSan/TSan runtimes
)

rk_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

rk_setup_packages() {
	local missing=() p
	for p in "${RK_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -eq 0 ]; then
		rk_log "installing: ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq &&
			apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
			{ echo "apt-get install failed" >&2; return 1; }
	else
		echo "Missing packages. Run as root:" >&2
		echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
		return 1
	fi
}

# rk_setup_build DIR [meson options...]: configure DIR once; reconfigure
# when the options change.
rk_setup_build() {
	local dir=$1
	shift
	local want="$*"
	if [ -f "$dir/build.ninja" ] && [ "$(cat "$dir/.rk-options" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	rm -rf "$dir"
	rk_log "meson setup $dir $want"
	meson setup "$dir" "$RK_ROOT" "$@" >"$dir.setup.log" 2>&1 ||
		{ cat "$dir.setup.log" >&2; return 1; }
	rm -f "$dir.setup.log"
	echo "$want" >"$dir/.rk-options"
}

rk_cross_build() { # rk_cross_build ARCH DIR [options...]
	local arch=$1 dir=$2
	shift 2
	rk_setup_build "$dir" --cross-file "$RK_ROOT/native/cross/$arch.ini" "$@"
}
