#!/bin/sh
# Issue 12 item 11: a FIFO at any path the tools read under --root / $HUGEPLAN_ROOT never
# hangs them. Each path, in turn, becomes a FIFO nobody writes to; every command that reads
# it must finish within 10 s, and where it cannot do without the file, say that it is "not a
# regular file" (the landed system reader opened such paths blocking and waited forever).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"
K=$T_KVER

# the full host: GRUB image, state, boot report, kernel config, modprobe.d and
# modules-load.d, a kernel log, an fstab, a pool of 16 2M pages as the command line asks
B0=$T_TMP/base
image "$B0" grub
mkdir -p "$B0/boot" "$B0/etc/modprobe.d" "$B0/etc/modules-load.d" "$B0/dev" "$B0/etc/kernel"
printf 'CONFIG_HUGETLBFS=y\nCONFIG_HUGETLB_PAGE=y\n' >"$B0/boot/config-$K"
echo "options kvm ignore_msrs=1" >"$B0/etc/modprobe.d/kvm.conf"
echo "kvm_intel" >"$B0/etc/modules-load.d/kvm.conf"
: >"$B0/dev/kmsg"
echo "proc /proc proc defaults 0 0" >"$B0/etc/fstab"
echo "root=/dev/sda1 ro default_hugepagesz=1G hugepagesz=2M hugepages=16" >"$B0/proc/cmdline"
echo 16 >"$B0/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
echo 16 >"$B0/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages"
"$HP" apply --root "$B0" >/dev/null 2>&1 || t_fail "set up: apply on the base image"
"$HV" --root "$B0" >/dev/null 2>&1
[ -f "$B0/run/hugeplan/boot-report.json" ] || t_fail "set up: a boot report"
printf 'root=/dev/sda1 ro\n' >"$B0/etc/kernel/cmdline"

# PATH (under the root) | the commands that read it
while IFS='|' read -r path cmds; do
	[ -n "$path" ] || continue
	R=$T_TMP/r
	rm -rf "$R" && cp -a "$B0" "$R"
	rm -rf "${R:?}/$path" && mkdir -p "$(dirname "$R/$path")" && mkfifo "$R/$path"
	for c in $cmds; do
		case $c in
		plan) set -- "$HP" plan --root "$R" ;;
		check) set -- "$HP" check --root "$R" ;;
		apply) set -- "$HP" apply --root "$R" ;;
		ki) set -- "$HP" apply --root "$R" --bootloader=kernel-install ;;
		remove) set -- "$HP" remove --root "$R" ;;
		status) set -- "$HP" status --root "$R" ;;
		verify) set -- "$HV" --root "$R" ;;
		gen)
			rm -rf "$T_TMP/g" && mkdir -p "$T_TMP/g/n" "$T_TMP/g/e" "$T_TMP/g/l"
			set -- env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL SYSTEMD_LOG_TARGET=kmsg \
				HUGEPLAN_ROOT="$R" "$HG" "$T_TMP/g/n" "$T_TMP/g/e" "$T_TMP/g/l"
			;;
		esac
		run fifo "$@"
		what="FIFO at $path: $c"
		if [ "$RC" = 124 ]; then
			t_fail "$what: finishes" "it hung (timeout)"
		elif [ "$RC" != 0 ] && ! grep -q "not a regular file" "$T_TMP/fifo.out" "$T_TMP/fifo.err"; then
			t_fail "$what: finishes, saying what is wrong" "exit $RC: $(tail -n 2 "$T_TMP/fifo.err")"
		else
			t_ok "$what: finishes (exit $RC)"
		fi
	done
done <<EOF2
proc/cmdline|plan check apply verify gen status
proc/meminfo|plan check
proc/cpuinfo|plan check
proc/sys/kernel/osrelease|plan check verify gen
sys/devices/system/node/online|plan verify gen status
sys/devices/system/node/node0/meminfo|plan
sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages|verify status
sys/kernel/mm/transparent_hugepage/enabled|check
dev/kmsg|verify gen
etc/fstab|gen
etc/default/grub|apply
usr/sbin/grub-mkconfig|apply
etc/kernel/cmdline|ki
var/lib/hugeplan/applied|apply remove status
run/hugeplan/boot-report.json|status
boot/config-$K|check
etc/modprobe.d/kvm.conf|check
lib/modules/$K/modules.dep.bin|check
etc/modules-load.d/kvm.conf|check
etc/libvirt/qemu/vm.xml|plan check apply status
etc/pve/qemu-server/100.conf|plan check apply status
EOF2
t_done
