#!/bin/sh
# libvirt tier, dynamic huge pages: the real libvirt (lib-libvirt.sh: libvirtd in a private
# mount namespace, its state on tmpfs) runs hugeplan's hook (contrib/libvirt/hugeplan-vm.in)
# on "prepare begin" and "release end"; hugeplan, its configuration, records and lock on
# tmpfs in the same namespace, changes the real kernel's pool: this machine's one node, by a
# few 2M pages (64 at most), every count put back by the trap.
#
# Expected values come from the kernel and libvirt: the pool's counts in sysfs, the pages of
# each QEMU's hugetlbfs mappings in /proc/PID/numa_maps, libvirt's own error for a refused
# start. The pages vm start adds follow core/dynamic.h: need - min(need, free) with no static
# plan and, for the second of two guests, the first one's pages held.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/libvirt/lib-libvirt.sh
. "$(dirname "$0")/lib-libvirt.sh"
t_init
HP=$B/hugeplan
KB=2048
NODE0=/sys/devices/system/node/node0/hugepages/hugepages-${KB}kB
GLOBAL=/sys/kernel/mm/hugepages/hugepages-${KB}kB

if [ ! -d "$NODE0" ]; then
	t_fail "libvirt hook tier: $NODE0 exists (a 2M pool on node 0)"
	t_done
	exit
fi
nr0() { cat "$NODE0/nr_hugepages"; }
free0() { cat "$NODE0/free_hugepages"; }
BEFORE=$(nr0)
BEFORE_GLOBAL=$(cat "$GLOBAL/nr_hugepages")
echo "# the pool before: node0 nr=$BEFORE free=$(free0), all nodes nr=$BEFORE_GLOBAL"

cleanup() {
	if [ -n "$LV_HOLD" ]; then
		for d in t1 t2 big; do virsh_ns destroy "$d" >/dev/null 2>&1; done
	fi
	lv_stop
	# whatever happened, the counts as they were
	[ "$(nr0)" = "$BEFORE" ] || echo "$BEFORE" >"$NODE0/nr_hugepages"
	[ "$(cat "$GLOBAL/nr_hugepages")" = "$BEFORE_GLOBAL" ] || echo "$BEFORE_GLOBAL" >"$GLOBAL/nr_hugepages"
	t_cleanup
}

if ! lv_start "$T_TMP/lv" 1; then
	t_fail "libvirt hook tier: libvirtd in a private namespace" "$LV_ERR"
	cleanup
	t_done
	exit
fi
trap cleanup EXIT

# hugeplan's own state in the namespace, and the hook installed where the package puts it
sed "s|/usr/local/bin/hugeplan|$HP|g" "$B/contrib/hugeplan-vm" >"$T_TMP/hugeplan-vm"
chmod 755 "$T_TMP/hugeplan-vm"
# shellcheck disable=SC2016 # the script is run by sh inside the namespace, with its own $1
lv_run sh -ec '
	for d in /etc/hugeplan /run/hugeplan /var/lib/hugeplan; do
		mkdir -p "$d" && mount -t tmpfs -o mode=0755 none "$d"
	done
	mkdir -p /etc/hugeplan/vms.d /etc/libvirt/hooks/qemu.d
	cp "$1" /etc/libvirt/hooks/qemu.d/hugeplan-vm
	printf "[VM]\nMemory=64M\nPageSize=2M\nBacking=dynamic\n" >/etc/hugeplan/vms.d/t1.conf
	printf "[VM]\nMemory=64M\nPageSize=2M\nBacking=dynamic\n" >/etc/hugeplan/vms.d/t2.conf
	printf "[VM]\nMemory=64G\nPageSize=2M\nBacking=dynamic\n" >/etc/hugeplan/vms.d/big.conf
' sh "$T_TMP/hugeplan-vm" >"$T_TMP/setup.log" 2>&1 || t_fail "hugeplan's state in the namespace" "$(cat "$T_TMP/setup.log")"

# libvirtd reads its hooks when it starts: start it again now that the hook is there
lvd=${LV_PIDS##* }
kill "$lvd" 2>/dev/null
i=0
while kill -0 "$lvd" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
nsenter -t "$LV_HOLD" -m -- libvirtd >"$T_TMP/lv/libvirtd2.log" 2>&1 &
LV_PIDS="${LV_PIDS% *} $!"
i=0
until virsh_ns version >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 300 ] && break
	sleep 0.1
done
t_ok "libvirtd restarted with hugeplan's hook in /etc/libvirt/hooks/qemu.d"

mkdir -p "$T_TMP/dom"
for d in t1 t2 big; do
	mem=64
	[ $d = big ] && mem=65536
	cat >"$T_TMP/dom/$d.xml" <<XML
<domain type='qemu'>
  <name>$d</name>
  <memory unit='MiB'>$mem</memory>
  <memoryBacking><hugepages><page size='2' unit='M'/></hugepages></memoryBacking>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>
XML
	lv_run virsh -q -c qemu:///system define "$T_TMP/dom/$d.xml" >"$T_TMP/define-$d.log" 2>&1 ||
		t_fail "virsh define $d" "$(cat "$T_TMP/define-$d.log")"
done

# qemu_pages DOMAIN: the 2M pages of its QEMU's hugetlbfs mappings per node, "N0=32"
qemu_pages() {
	_pid=$(lv_run cat "/run/libvirt/qemu/$1.pid" 2>/dev/null)
	[ -n "$_pid" ] || {
		echo "no pid"
		return
	}
	awk '/ huge / && /kernelpagesize_kB=2048/ {
		for (i = 1; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), a, "="); n[a[1]] += a[2] }
	} END { s = ""; for (k in n) s = s (s ? " " : "") "N" k "=" n[k]; print s }' "/proc/$_pid/numa_maps"
}

# --- 1. one dynamic guest: the hook raises node 0 by what it lacks, destroy gives it back --
free=$(free0)
want_add=$((32 - (free < 32 ? free : 32)))
virsh_ns start t1 >"$T_TMP/start1.log" 2>&1
t_eq "virsh start t1 (Backing=dynamic, 64 MiB on 2M pages): exit 0" 0 "$?"
t_eq "the hook raised node 0 by the 32 pages t1 needs less the $free free" "$((BEFORE + want_add))" "$(nr0)"
t_eq "t1's QEMU maps its 32 huge pages on node 0 (/proc/PID/numa_maps)" "N0=32" "$(qemu_pages t1)"
lv_run cat /run/hugeplan/vms/t1.record >"$T_TMP/t1.record" 2>&1
t_grep "a record of what start added" "^part=2097152 0 need=32 before=$BEFORE target=$((BEFORE + want_add)) added=$want_add\$" "$T_TMP/t1.record"
lv_run "$HP" status >"$T_TMP/status1.out" 2>&1
t_grep "status: t1 runs on its dynamic pages" '^ *t1 .*dynamic.*running on its pages' "$T_TMP/status1.out"
virsh_ns destroy t1 >"$T_TMP/destroy1.log" 2>&1
t_eq "virsh destroy t1: exit 0" 0 "$?"
t_eq "virsh destroy gave the pages back: node 0 as before" "$BEFORE" "$(nr0)"
t_eq "and every node as before" "$BEFORE_GLOBAL" "$(cat "$GLOBAL/nr_hugepages")"
lv_run test -e /run/hugeplan/vms/t1.record
t_eq "the record is gone" 1 "$?"

# --- 2. a start the node cannot take: libvirt refuses it with hugeplan's line ---------------
virsh_ns start big >"$T_TMP/start-big.log" 2>&1
t_eq "virsh start big (64 GiB dynamic): refused" 1 "$?"
t_grep "libvirt's error carries hugeplan's one line" \
	"hugeplan vm start big: refused, nothing changed: node 0 cannot take 32768 more 2M pages" "$T_TMP/start-big.log"
t_eq "after the refused start: node 0 as before" "$BEFORE" "$(nr0)"
t_eq "after the refused start: every node as before" "$BEFORE_GLOBAL" "$(cat "$GLOBAL/nr_hugepages")"
virsh_ns domstate big >"$T_TMP/big.state" 2>&1
t_grep "big is not running" "shut off" "$T_TMP/big.state"

# --- 3. two guests started at once: both get their pages -----------------------------------
free=$(free0)
want_add=$((64 - (free < 64 ? free : 64)))
virsh_ns start t1 >"$T_TMP/start-a.log" 2>&1 &
a=$!
virsh_ns start t2 >"$T_TMP/start-b.log" 2>&1 &
b=$!
wait $a
ra=$?
wait $b
rb=$?
t_eq "two virsh start at once: both exit 0" "0 0" "$ra $rb"
t_eq "the pool holds both guests' pages" "$((BEFORE + want_add))" "$(nr0)"
t_eq "t1's QEMU on its 32 pages" "N0=32" "$(qemu_pages t1)"
t_eq "t2's QEMU on its 32 pages" "N0=32" "$(qemu_pages t2)"
virsh_ns destroy t1 >/dev/null 2>&1
virsh_ns destroy t2 >/dev/null 2>&1
t_eq "both destroyed: node 0 as before" "$BEFORE" "$(nr0)"
t_eq "both destroyed: every node as before" "$BEFORE_GLOBAL" "$(cat "$GLOBAL/nr_hugepages")"
t_done
