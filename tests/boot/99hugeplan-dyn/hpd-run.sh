#!/bin/sh
# pre-trigger: hugeplan vm start/stop on the guest's kernel. Lines start "HPD-".
N=/sys/devices/system/node
counts() { # LABEL: nr per node of 2M
	echo "HPD-NR $1 $(cat $N/node0/hugepages/hugepages-2048kB/nr_hugepages) $(cat $N/node1/hugepages/hugepages-2048kB/nr_hugepages)"
}
run() { # LABEL ARGS...: hugeplan's exit status and output
	_l=$1
	shift
	hugeplan "$@" >/run/hpd.out 2>&1
	echo "HPD-RC $_l $?"
	sed "s/^/HPD-OUT $_l /" /run/hpd.out
}
vm() { # NAME BODY: BODY's \n are line breaks (%b)
	printf '[VM]\n%b\n' "$2" >"/etc/hugeplan/vms.d/$1.conf"
}

hpd_main() {
	echo "HPD-BEGIN"
	mkdir -p /etc/hugeplan/vms.d
	printf '[Host]\nReserveMemory=64M\nReserveMemoryPerNode=32M\n' >/etc/hugeplan/hugeplan.conf
	vm web 'Memory=128M\nPageSize=2M\nNode=1'
	vm desk 'Memory=256M\nPageSize=2M\nNode=1\nBacking=dynamic'
	vm desk2 'Memory=128M\nPageSize=2M\nNode=1\nBacking=dynamic'
	vm big 'Memory=900M\nPageSize=2M\nNode=0\nBacking=dynamic'
	vm svc 'Memory=64M\nBacking=transparent'
	counts boot
	run static vm start web
	run desk-start vm start desk
	counts desk-started
	sed 's/^/HPD-REC desk /' /run/hugeplan/vms/desk.record
	run desk-stop vm stop desk
	counts desk-stopped
	# 300 MiB of files bound to node 0 (tmpfs mpol=bind:0): the budget does not count them and
	# compacting cannot free them, so node 0 cannot give big its 900 MiB whatever else it holds
	mkdir -p /run/hpd-fill
	mount -t tmpfs -o size=320M,mpol=bind:0 none /run/hpd-fill &&
		dd if=/dev/zero of=/run/hpd-fill/f bs=1M count=300 2>/dev/null
	echo "HPD-FILL $? $(sed -n 's/.*MemFree: *//p' $N/node0/meminfo)"
	run big-start vm start big --wait 5
	counts big-refused
	rm -f /run/hpd-fill/f
	umount /run/hpd-fill
	# two at once
	hugeplan vm start desk >/run/a.out 2>&1 &
	a=$!
	hugeplan vm start desk2 >/run/b.out 2>&1 &
	b=$!
	wait $a
	ra=$?
	wait $b
	echo "HPD-RC both $ra $?"
	counts both-started
	run desk-stop2 vm stop desk
	run desk2-stop vm stop desk2
	counts both-stopped
	# a start killed half-way: its record says starting, its process is gone
	echo 74 >$N/node1/hugepages/hugepages-2048kB/nr_hugepages
	printf '# hugeplan vm record 1: by hand\nvm=desk\nstate=starting\npid=999999\nsince=1\npart=2097152 1 need=128 before=64 target=192 added=0\n' >/run/hugeplan/vms/desk.record
	counts crashed
	run settle status
	counts settled
	[ -e /run/hugeplan/vms/desk.record ] && echo "HPD-RECORD left" || echo "HPD-RECORD gone"
	run transparent vm start svc
	echo "HPD-END"
}

hpd_main >/dev/console 2>&1
sleep 1
echo o >/proc/sysrq-trigger
