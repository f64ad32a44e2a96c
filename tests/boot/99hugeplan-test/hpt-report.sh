#!/bin/sh
# pre-trigger: after hugeplan's pre-udev hook. Markers start "HPT-" at the start of a line.
# HPT-KMSG: the kernel's HugeTLB and hugetlb_cma lines, its "Unknown kernel command line
# parameters" (hugetlb_cma= on a kernel without CMA is one) and hugeplan's own.
# shellcheck source=/dev/null # dracut's own, in the initramfs
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

hpt_hex() {
	echo "HPT-FILE $1"
	od -An -tx1 -v "$1" 2>/dev/null
	echo "HPT-EOF"
}

# the console itself: under systemd a hook's stdout goes to the journal only
hpt_main() {
echo "HPT-BEGIN"
if [ -f /run/hugeplan/boot-report.json ]; then
	hpt_hex /run/hugeplan/boot-report.json
	echo "HPT-REPORT-BEGIN"
	cat /run/hugeplan/boot-report.json
	echo "HPT-REPORT-END"
else
	echo "HPT-NO-REPORT"
fi
[ -d /run/hugeplan ] && echo "HPT-RUNDIR" || echo "HPT-NO-RUNDIR"
dd if=/dev/kmsg iflag=nonblock bs=8192 status=none 2>/dev/null >/run/hpt-kmsg
grep -E 'HugeTLB|hugeplan|hugetlb_cma|Unknown kernel command line' /run/hpt-kmsg | while IFS= read -r l; do echo "HPT-KMSG $l"; done

# the files hugeplan reads, as tests/fixtures/mkdump.sh captures a host
if getargbool 0 hpt.capture; then
	hpt-mkdump --console HPT
fi

# the verifier as a process, start to exit: N runs on the state it just checked, and as a
# baseline N runs of a trivial program (cat /dev/null): what any exec costs in this guest
if getargbool 0 hpt.time; then
	n=20
	t0=$(date +%s%N)
	i=0
	while [ $i -lt $n ]; do
		hugeplan-verify >/dev/null 2>&1
		i=$((i + 1))
	done
	t1=$(date +%s%N)
	i=0
	while [ $i -lt $n ]; do
		cat /dev/null
		i=$((i + 1))
	done
	t2=$(date +%s%N)
	echo "HPT-TIME runs=$n verify_ns=$((t1 - t0)) baseline_ns=$((t2 - t1))"
fi
hugeplan-verify >/dev/null 2>&1
echo "HPT-RC $?"
echo "HPT-END"
}

hpt_main >/dev/console 2>&1
sleep 1 # let the serial port drain: the power-off below is immediate
echo o >/proc/sysrq-trigger
