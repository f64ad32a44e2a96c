#!/bin/sh
# hugeplan pre-udev hook: the kernel has allocated every boot-time huge page by now and
# nothing has used one yet, so the pools read here are what the command line produced.
#   rd.hugeplan=0         skip the check
#   rd.hugeplan.strict=1  a shortfall stops the boot in dracut's emergency shell
# Default: a shortfall prints the summary and the boot goes on. Sourced by dracut's init:
# POSIX sh, never "exit"; the verifier never blocks (it reads /dev/kmsg non-blocking).

# shellcheck source=/dev/null # dracut's own, in the initramfs
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

hugeplan_check() {
	if ! getargbool 1 rd.hugeplan; then
		info "hugeplan: huge page check skipped (rd.hugeplan=0)"
		return 0
	fi
	mkdir -p /run/hugeplan
	hugeplan-verify >/run/hugeplan/summary.txt 2>&1
	_hugeplan_rc=$?
	case $_hugeplan_rc in
	0) ;;
	1)
		cat /run/hugeplan/summary.txt >&2
		if getargbool 0 rd.hugeplan.strict; then
			emergency_shell -n hugeplan \
				"hugeplan: huge page pools are short (rd.hugeplan.strict=1); see /run/hugeplan/summary.txt"
		fi
		;;
	*)
		warn "hugeplan: hugeplan-verify failed (exit $_hugeplan_rc), boot goes on:"
		cat /run/hugeplan/summary.txt >&2
		;;
	esac
	unset _hugeplan_rc
	return 0
}

hugeplan_check
