#!/usr/bin/env bash
# callgrind_ring.sh BENCH_RING: instructions per message, rumpk vs ck_ring,
# single thread, for several batch sizes.  Counts instructions, not time:
# the same on a loaded or an idle machine.  Per message = the difference
# between two runs of different length, so set-up cost cancels out.
set -euo pipefail
bin=${1:-build/bench/bench_ring}
count() { # kind batch n
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --only "$1" "$2" "$3" 2>&1 |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-6s %14s %14s %8s\n' batch "rumpk ins/msg" "ck ins/msg" ratio
for b in 1 4 16 64 256; do
	r=$((($(count rumpk "$b" 2097152) - $(count rumpk "$b" 1048576)) * 100 / 1048576))
	c=$((($(count ck "$b" 2097152) - $(count ck "$b" 1048576)) * 100 / 1048576))
	printf '%-6s %14s %14s %8s\n' "$b" "$((r / 100)).$(printf %02d $((r % 100)))" \
		"$((c / 100)).$(printf %02d $((c % 100)))" \
		"$(awk -v r="$r" -v c="$c" 'BEGIN{printf "%.2f", r/c}')"
done
