# Shared by the harden tier (issue 12), sourced after ../lib.sh and t_init.
# shellcheck shell=sh

# shellcheck disable=SC2034 # the scripts that source this file use them
{
	HP=$B/hugeplan
	HV=$B/hugeplan-verify
	HG=$B/hugeplan-generator
}

# run NAME CMD...: CMD with stdout and stderr in $T_TMP/NAME.{out,err}, status in RC, within
# 20 s (124: it hung)
run() {
	_rn=$1
	shift
	timeout 20 "$@" >"$T_TMP/$_rn.out" 2>"$T_TMP/$_rn.err" </dev/null
	# shellcheck disable=SC2034 # the scripts that source this file read it
	RC=$?
}

# image DIR grub|ki|none: a fixture host (one node, 32G, modules for apply's checks) with
# one VM, and the boot loader files apply takes
image() {
	t_host "$1" one-node-32g
	mkdir -p "$1/etc/hugeplan/vms.d"
	printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$1/etc/hugeplan/vms.d/db.conf"
	case $2 in
	grub)
		mkdir -p "$1/usr/sbin" "$1/etc/default"
		cp /usr/sbin/grub-mkconfig "$1/usr/sbin/grub-mkconfig"
		printf 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' >"$1/etc/default/grub"
		;;
	ki)
		mkdir -p "$1/etc/kernel"
		printf 'root=/dev/vda1 ro\n' >"$1/etc/kernel/cmdline"
		;;
	esac
}

# tree DIR: every path under DIR with its type, size and mode (what a run may not change)
tree() {
	(cd "$1" && find . -printf '%p %y %s %m\n' | LC_ALL=C sort)
}
