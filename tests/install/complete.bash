# Drives hugeplan's bash completion as bash would on TAB, outside an interactive shell:
#   bash tests/install/complete.bash COMPLETION_FILE WORD... ''
# completes the last word (give '' to complete a new word) and prints the candidates, one a
# line, sorted. With COMPLETE_VMS=1 it prints _hugeplan_vms "$2" "$3" instead.
# shellcheck shell=bash
# shellcheck source=/dev/null # the system's bash-completion
. /usr/share/bash-completion/bash_completion
# shellcheck source=completion/hugeplan
. "$1"
shift
if [ -n "${COMPLETE_VMS:-}" ]; then
	_hugeplan_vms "$1" "$2" | sort
	exit
fi
COMP_WORDS=(hugeplan "$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
_hugeplan hugeplan "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
