# Bash completion for npl, rumpk-sim and ./run.sh (docs/payloads.md).
# Installed as share/bash-completion/completions/{npl,rumpk-sim}; for
# run.sh in a checkout: `source sdk/completion/rumpk.bash`.  The options
# come from each program's own --help, so they never drift from it.

_rumpk_opts() { # _rumpk_opts CMD...: the --options CMD --help names
	"$@" --help 2>&1 | grep -o -- '--[a-z0-9-]*' | sort -u
}

_rumpk_npl() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W \
			"keygen getpub sign keyring verify inspect --help --version" -- "$cur")
		return
	fi
	case $prev in
	--arch) mapfile -t COMPREPLY < <(compgen -W "x86_64 aarch64 riscv64" -- "$cur") ;;
	--format) mapfile -t COMPREPLY < <(compgen -W "2 1" -- "$cur") ;;
	--key | --pub | --root | --add | --revoke | -o | --out)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	*)
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_rumpk_opts "${COMP_WORDS[0]}")" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi ;;
	esac
}

_rumpk_sim() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	case $prev in
	--time) mapfile -t COMPREPLY < <(compgen -W "real sim" -- "$cur") ;;
	--gov) mapfile -t COMPREPLY < <(compgen -W "adaptive irq poll" -- "$cur") ;;
	--traffic) mapfile -t COMPREPLY < <(compgen -W "quiet burst flood" -f -- "$cur") ;;
	--stats) mapfile -t COMPREPLY < <(compgen -W "json" -- "$cur") ;;
	--payload | --trust | --state | --viz-snapshot | --viz-replay)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	*) mapfile -t COMPREPLY < <(compgen -W "$(_rumpk_opts "${COMP_WORDS[0]}")" -- "$cur") ;;
	esac
}

_rumpk_run_sh() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	case $COMP_CWORD in
	1) mapfile -t COMPREPLY < <(compgen -W "sim qemu npl bench clean help" -- "$cur") ;;
	2) case ${COMP_WORDS[1]} in
		qemu) mapfile -t COMPREPLY < <(compgen -W "x86_64 aarch64 riscv64" -- "$cur") ;;
		npl) _rumpk_npl_from 1 ;;
		*) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
		esac ;;
	*) if [[ $cur == -* && ${COMP_WORDS[1]} == qemu ]]; then
		mapfile -t COMPREPLY < <(compgen -W "--key-pub --accept-v1 --store \
--serial-in --append --trace --via-uboot --via --secure-boot --gdb --timeout \
-Dnpl_v1=accept \
-Dmin_security_counter= -Dkeyring_threshold=" -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi ;;
	esac
}

_rumpk_npl_from() { # run.sh npl ...: complete as npl from word $1 on
	mapfile -t COMPREPLY < <(compgen -W \
		"keygen getpub sign keyring verify inspect --help --version" -- \
		"${COMP_WORDS[COMP_CWORD]}")
}

complete -F _rumpk_npl npl
complete -F _rumpk_sim rumpk-sim
complete -F _rumpk_run_sh run.sh ./run.sh
