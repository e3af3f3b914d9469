#!/usr/bin/env bash
# run.sh - set up what is missing, build, and run Rumpk.
#
#   ./run.sh                      the simulator demo
#   ./run.sh sim ARGS...          rumpk-sim ARGS (e.g. --payload x.npl)
#   ./run.sh qemu ARCH [--key-pub FILE] [--accept-v1] [--timeout SEC] [PAYLOAD.npl ...]
#                                 boot the native kernel for ARCH in QEMU (one
#                                 trusting only FILE; one loading NPL v1 too)
#            [--serial-in FILE] [--append 'WORDS']
#                                 feed FILE to its UART ([GOV] statistics);
#                                 kernel words: gov=, budget_ms=, fault=, run=
#            [--store FILE]           the kernel's persistent store (a virtio disk)
#            [--gdb]                  halted, for gdb-multiarch (prints how)
#            [-Dnpl_v1=accept] [-Dmin_security_counter=N] [-Dkeyring_threshold=K]
#                                 a kernel built with that loader policy
#            [--via grub|grub-uefi]   x86_64 through GRUB (Multiboot2) under
#                                     SeaBIOS or OVMF
#            [--via uefi] [--secure-boot]
#                                 x86_64, aarch64: the EFI kernel under OVMF /
#                                 AAVMF, signed and Secure Boot enforced
#            [--via-uboot] [--trace FILE]
#                                 riscv64 through OpenSBI and U-Boot; record
#                                 a trace for rumpk-sim --viz-replay
#   ./run.sh npl ARGS...          the npl host tool
#   ./run.sh clean [--all]        remove the extra kernel build dirs (all)
#   ./run.sh bench [--quick] [--no-qemu]
#                                 every benchmark, one table with anchors
#
# Exit status: 0 success, 1 a payload was refused or failed, 2 usage,
# 100 and above a trap, panic, reset, a boot the firmware refused (104)
# or a timeout.
set -euo pipefail
. "$(dirname "$0")/scripts/setup.sh"
caller_dir=$PWD # for paths given relative to where run.sh was started
cd "$RK_ROOT"

usage() { # usage [STATUS]: the header above; 2 unless asked for help
	sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit "${1:-2}"
}

host_build() {
	rk_setup_packages || exit 2 # missing packages: the command was printed
	rk_setup_build build || exit 2
	ninja -C build >/dev/null || ninja -C build
}

cmd=${1:-demo}
[ $# -gt 0 ] && shift
case "$cmd" in
demo)
	host_build
	exec build/sim/rumpk-sim
	;;
sim)
	host_build
	# Run where the caller is: their paths (--payload, --trust, --state)
	# mean what they say.
	cd "$caller_dir" && exec "$RK_ROOT/build/sim/rumpk-sim" "$@"
	;;
npl)
	host_build
	cd "$caller_dir" && exec "$RK_ROOT/build/tools/npl" "$@"
	;;
clean)
	# The kernel build dirs run.sh qemu makes for --key-pub, --accept-v1
	# and -D... options pile up: remove them (--all: every build dir).
	case "${1:-}" in
	--all) rm -rf build build-* ;;
	"") rm -rf build-*-key-* build-*-v1 build-*-v1-* build-*-opts-* ;;
	*) usage ;;
	esac
	exit 0
	;;
qemu)
	[ $# -ge 1 ] || usage
	arch=$1
	shift
	case "$arch" in x86_64 | aarch64 | riscv64) ;; *)
		echo "run.sh qemu: unknown arch '$arch' (x86_64, aarch64, riscv64)" >&2
		exit 2
		;;
	esac
	keypub="" accept_v1="" kopts=() args=() via=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--via)
			[ $# -ge 2 ] || usage
			case "$arch:$2" in
			x86_64:grub | x86_64:grub-uefi | x86_64:uefi | aarch64:uefi) ;;
			*)
				echo "run.sh qemu $arch: --via $2: grub and grub-uefi boot" \
					"x86_64, uefi x86_64 and aarch64" >&2
				exit 2
				;;
			esac
			via=$2
			args+=("$1" "$2")
			shift 2
			;;
		--accept-v1)
			accept_v1=1
			shift
			;;
		-Dnpl_v1=* | -Dmin_security_counter=* | -Dkeyring_threshold=*)
			kopts+=("$1") # the kernel's loader policy (meson_options.txt)
			shift
			;;
		-D*)
			echo "run.sh qemu: $1: the kernel options here are -Dnpl_v1=," \
				"-Dmin_security_counter= and -Dkeyring_threshold=" >&2
			exit 2
			;;
		--key-pub)
			[ $# -ge 2 ] || usage
			keypub=$(cd "$caller_dir" && realpath -m "$2") || exit 2
			[ -f "$keypub" ] || { echo "run.sh: --key-pub $2: no such file" >&2; exit 2; }
			# Refused before anything is built (status 2, the contract).
			python3 scripts/gen_keyring.py --check "$keypub" || exit 2
			shift 2
			;;
		--via-uboot)
			[ "$arch" = riscv64 ] || {
				echo "run.sh qemu $arch: --via-uboot boots riscv64 only" >&2
				exit 2
			}
			args+=("$1")
			shift
			;;
		--serial-in | --store | --trace) # we cd to the repository
			[ $# -ge 2 ] || usage
			args+=("$1" "$(cd "$caller_dir" && realpath -m "$2")") || exit 2
			shift 2
			;;
		-*)
			args+=("$1")
			shift
			;;
		*) # a payload, or an option's value: a file of the caller's
			# is given by its absolute path
			if [ -e "$caller_dir/$1" ] || [ "${1#/}" != "$1" ] && [ -e "$1" ]; then
				args+=("$(cd "$caller_dir" && realpath "$1")")
			else
				args+=("$1")
			fi
			shift
			;;
		esac
	done
	rk_setup_packages || exit 2 # missing packages: the command was printed
	dir="build-$arch" opts=()
	if [ -n "$keypub" ]; then
		# A kernel that trusts only this key, in a build dir of its own.
		dir="build-$arch-key-$(sha256sum "$keypub" | cut -c1-12)"
		opts=(-Dtrusted_keys="$keypub")
	fi
	if [ -n "$accept_v1" ]; then
		# A kernel that also loads NPL v1 images (docs/npl-format.md).
		dir="$dir-v1"
		opts+=(-Dnpl_v1=accept)
	fi
	if [ ${#kopts[@]} -gt 0 ]; then
		# A kernel with this loader policy, in a build dir of its own.
		dir="$dir-opts-$(printf '%s\n' "${kopts[@]}" | sort | sha256sum | cut -c1-12)"
		opts+=("${kopts[@]}")
	fi
	rk_cross_build "$arch" "$dir" "${opts[@]}" || exit 2
	kernel="$dir/native/rumpk-$arch.elf"
	# aarch64: QEMU passes -initrd only to a Linux Image, so boot that.
	[ "$arch" = aarch64 ] && kernel="$dir/native/rumpk-aarch64.img"
	# UEFI: the EFI loader with the kernel inside (native/efi).
	[ "$via" = uefi ] && kernel="$dir/native/efi/rumpk-$arch.efi"
	# The default build dir whole (its payloads are what the README
	# boots); one of its own (--key-pub, --accept-v1, -D...) only the
	# kernel.
	target=()
	[ "$dir" = "build-$arch" ] || target=("${kernel#"$dir"/}")
	ninja -C "$dir" "${target[@]}" >/dev/null || ninja -C "$dir" "${target[@]}"
	exec python3 scripts/qemu_run.py --arch "$arch" --kernel "$kernel" "${args[@]}"
	;;
# ---- benchmarks -----------------------------------------------------------
bench)
	# Every benchmark, one table of figures next to same-run anchors.
	exec scripts/bench_all.sh "$@"
	;;
# ---- end benchmarks -------------------------------------------------------
-h | --help | help)
	usage 0
	;;
*)
	echo "run.sh: unknown command '$cmd'" >&2
	usage
	;;
esac
