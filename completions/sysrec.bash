# SPDX-License-Identifier: GPL-2.0-only
# bash completion for sysrec: commands, each command's options and reports,
# and the values of options that take a word from a list (--format, --by,
# --time).  Everything is read from sysrec's own help texts, so a new option
# or report completes without an edit here.  Installed by `make install` to
# share/bash-completion/completions/sysrec.

# _sysrec_help [CMD]: the help text of CMD, or the command list
_sysrec_help()
{
	command "${_sysrec_bin:-sysrec}" help ${1:+"$1"} 2>/dev/null
}

_sysrec()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' i words

	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	_sysrec_bin=${COMP_WORDS[0]}
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	COMPREPLY=()

	if [ -z "$cmd" ] || { [ "$cmd" = help ] && [ "$COMP_CWORD" -eq $((i + 1)) ]; }; then
		# the command list: the indented words under "Commands:"
		words=$(_sysrec_help | sed -n '/^Commands:/,/^$/s/^ \{1,\}\([a-z][a-z-]*\) .*/\1/p')
		[ -z "$cmd" ] && words="$words --help --version"
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return 0
	fi
	[ "$cmd" = help ] && return 0

	# a value from the list the help text gives: "--format table|csv|json"
	case $prev in
	--*)
		words=$(_sysrec_help "$cmd" |
			grep -o -- "$prev [a-z]*\(|[a-z]*\)\{1,\}" | sed 's/^[^ ]* //' | tr '|' '\n' | sort -u)
		if [ -n "$words" ]; then
			mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
			return 0
		fi
		;;
	esac
	if [[ $cur == -* ]]; then
		words=$(_sysrec_help "$cmd" | grep -o -- '--[a-z][a-z-]*' | sort -u)
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return 0
	fi
	# anything else is a file (a trace, a database, the command to record)
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	return 0
}
complete -o filenames -F _sysrec sysrec
