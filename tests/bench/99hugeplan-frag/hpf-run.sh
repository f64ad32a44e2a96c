#!/bin/sh
# pre-trigger: fragment, then ask hugeplan vm start for a dynamic VM of hpf.mem on node 0,
# first with --wait 0 (no compaction step: the kernel's own attempt only), then, fragmented
# anew, with --wait hpf.wait (compacting the node between tries). Lines start "HPF-".
# shellcheck source=/dev/null # dracut's own, in the initramfs
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

hpf_one() { # MODE WAIT UNMOVABLE_KIB
	rm -f /run/hpf-ready
	hpf-fragment "$(getarg hpf.keep=)" "$3" /run/hpf-ready &
	frag=$!
	i=0
	while [ ! -s /run/hpf-ready ] && [ $i -lt 1200 ] && kill -0 $frag 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
	[ -s /run/hpf-ready ] || echo "failed: hpf-fragment ended or took too long" >/run/hpf-ready
	echo "HPF-FRAG $1-$3 $(cat /run/hpf-ready 2>/dev/null)"
	grep -E '^Node 0, zone +(DMA32|Normal)' /proc/buddyinfo | sed "s/^/HPF-BUDDY $1-$3 /"
	t0=$(date +%s%N)
	hugeplan vm start bench --wait "$2" >/run/hpf.out 2>/run/hpf.err
	rc=$?
	t1=$(date +%s%N)
	nr=$(cat /sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages)
	got=$nr
	if [ $rc -ne 0 ]; then
		got=$(sed -n 's/.*, got \([0-9]*\) [a-z]* compacting.*/\1/p' /run/hpf.err)
	fi
	echo "HPF-RESULT mode=$1-$3 rc=$rc got=${got:-?} ms=$(((t1 - t0) / 1000000)) pool_after=$nr"
	sed 's/^/HPF-MSG /' /run/hpf.out /run/hpf.err
	[ $rc -eq 0 ] && hugeplan vm stop bench >/dev/null 2>&1
	kill $frag
	wait $frag 2>/dev/null
}

hpf_main() {
	echo "HPF-BEGIN"
	mkdir -p /etc/hugeplan/vms.d
	printf '[Host]\nReserveMemory=64M\nReserveMemoryPerNode=64M\n' >/etc/hugeplan/hugeplan.conf
	printf '[VM]\nMemory=%s\nPageSize=2M\nBacking=dynamic\n' "$(getarg hpf.mem=)" >/etc/hugeplan/vms.d/bench.conf
	for u in $(getarg hpf.unmovable= | tr , ' '); do
		hpf_one nocompact 0 "$u"
		hpf_one compact "$(getarg hpf.wait=)" "$u"
	done
	echo "HPF-END"
}

hpf_main >/dev/console 2>&1
sleep 1
echo o >/proc/sysrq-trigger
