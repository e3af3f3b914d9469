#!/bin/sh
# callgrind_verify.sh - instructions per Ed25519 verify (64-byte message),
# built-in vs libsodium, as callgrind's instruction count of N verifies
# minus that of the same process with 0 verifies, divided by N.
#
#   bench/callgrind_verify.sh [path/to/bench_crypto] [N]
#
# Default binary: build/bench/bench_crypto; default N = 1 (the
# --one-verify mode; N > 1 uses --verifies N).
set -eu
BIN=${1:-build/bench/bench_crypto}
N=${2:-1}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

instr() {
	valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" \
		"$BIN" "$@" >"$TMP/log" 2>&1 || { cat "$TMP/log"; exit 1; }
	sed -n 's/^==[0-9]*== Collected : \([0-9]*\).*/\1/p' "$TMP/log"
}

for impl in builtin sodium; do
	base=$(instr --verifies 0 "$impl")
	if [ "$N" = 1 ]; then
		if [ "$impl" = builtin ]; then
			one=$(instr --one-verify)
		else
			one=$(instr --one-verify-sodium)
		fi
	else
		one=$(instr --verifies "$N" "$impl")
	fi
	per=$(( (one - base) / N ))
	echo "$impl: $per instructions per verify ($one - $base, N=$N)"
	eval "per_$impl=$per"
done
# shellcheck disable=SC2154
awk -v b="$per_builtin" -v s="$per_sodium" \
	'BEGIN { printf "ratio builtin/libsodium: %.3f\n", b / s }'
