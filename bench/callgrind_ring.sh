#!/usr/bin/env bash
# callgrind_ring.sh BENCH_RING: instructions per message, rumpk (the one,
# slot and span idioms, see bench_ring.c) vs ck_ring,
# single thread, for several batch sizes.  Counts instructions, not time:
# the same on a loaded or an idle machine.  Per message = the difference
# between two runs of different length, so set-up cost cancels out.
set -euo pipefail
bin=${1:-build/bench/bench_ring}
count() { # kind batch n
	local v
	v=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --only "$1" "$2" "$3" 2>&1 |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p' || true)
	# valgrind 3.19 cannot read clang 14's DWARF 5: measure a gcc build.
	[ -n "$v" ] || { echo "callgrind_ring.sh: callgrind failed on $bin" >&2; exit 1; }
	echo "$v"
}
# per_msg KIND BATCH: instructions per message, times 100
per_msg() {
	echo $((($(count "$1" "$2" 2097152) - $(count "$1" "$2" 1048576)) * 100 / 1048576))
}
count slot 1 1000 >/dev/null # fails here, not in a subshell below
fmt() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
ratio() { awk -v r="$1" -v c="$2" 'BEGIN{printf "%.2f", r/c}'; }
printf '%-6s %8s %8s %8s %8s %8s %8s %8s\n' batch "one" "slot" "span" "ck" \
	one/ck slot/ck span/ck
for b in 1 4 16 64 256; do
	o=$(per_msg one "$b")
	s=$(per_msg slot "$b")
	p=$(per_msg span "$b")
	c=$(per_msg ck "$b")
	printf '%-6s %8s %8s %8s %8s %8s %8s %8s\n' "$b" "$(fmt "$o")" "$(fmt "$s")" \
		"$(fmt "$p")" "$(fmt "$c")" "$(ratio "$o" "$c")" "$(ratio "$s" "$c")" \
		"$(ratio "$p" "$c")"
done
