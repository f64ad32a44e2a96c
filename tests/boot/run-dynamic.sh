#!/bin/sh
# Dynamic huge pages on a real kernel: a Debian cloud kernel under QEMU TCG with two NUMA
# nodes (1 GiB and 2 GiB) and a static 2M pool of 64 pages on node 1 from the command line;
# hugeplan vm start and stop run in the initramfs (tests/boot/99hugeplan-dyn) against the
# guest's sysfs. Expected counts come from the kernel (sysfs after each step) and the rules of
# core/dynamic.h: the static pool's pages are held for the static VM, so a dynamic VM's pages
# all come on top; a start the kernel cannot meet (900 MiB on the 1 GiB node that holds the
# kernel and 300 MiB of files bound to it, which the budget does not count) is put back; an
# interrupted start is settled by the next status.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/boot/lib-boot.sh
. "$(dirname "$0")/lib-boot.sh"
t_init
NUMA="-object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=2G
-numa node,nodeid=0,memdev=m0,cpus=0 -numa node,nodeid=1,memdev=m1,cpus=1"

if ! boot_setup default; then
	t_fail "boot setup: kernel fetched and dracut copied"
	t_done
	exit
fi
cp -a "$TOP/tests/boot/99hugeplan-dyn" "$DRACUT_DIR/modules.d/"
if ! HPD_HUGEPLAN=$B/hugeplan mkimg "$T_TMP/dyn.img" base rootfs-block hugeplan-dyn; then
	t_fail "dracut builds the dynamic test initramfs" "$(tail -n 20 "$T_TMP/dyn.img.log")"
	t_done
	exit
fi
# shellcheck disable=SC2086 # $NUMA is QEMU arguments, one word each
boot dyn "$T_TMP/dyn.img" "nokaslr hugepagesz=2M hugepages=0:0,1:64" -m 3G $NUMA
L=$T_TMP/dyn.log
if ! grep -q '^HPD-END' "$L"; then
	t_fail "the guest ran the dynamic steps" "$(grep -E '^HPD-|panic' "$L" | tail -n 20)"
	t_done
	exit
fi
nr() { sed -n "s/^HPD-NR $1 //p" "$L"; }
rc() { sed -n "s/^HPD-RC $1 //p" "$L"; }
t_eq "boot: node0 0, node1 the 64 static pages" "0 64" "$(nr boot)"
t_eq "vm start of the static VM (its 64 pages free on node 1): exit 0" 0 "$(rc static)"
t_eq "vm start desk (256 MiB dynamic on node 1): exit 0" 0 "$(rc desk-start)"
t_eq "desk's 128 pages on top of the static 64 held for web, on node 1 only" "0 192" "$(nr desk-started)"
t_grep "its record: 128 needed, 128 added on node 1" '^HPD-REC desk part=2097152 1 need=128 before=64 target=192 added=128$' "$L"
t_eq "vm stop desk: exit 0" 0 "$(rc desk-stop)"
t_eq "vm stop gave back exactly what start added" "0 64" "$(nr desk-stopped)"
t_eq "300 MiB of files bound to node 0 (tmpfs mpol=bind:0)" 0 "$(sed -n 's/^HPD-FILL \([0-9]*\) .*/\1/p' "$L")"
t_eq "vm start big (900 MiB on the 1 GiB node, 300 MiB of it taken): exit 1" 1 "$(rc big-start)"
t_grep "one line: node, wanted, got, fragmentation, counts back" \
	'^HPD-OUT big-start hugeplan vm start big: node 0: wanted 450 more 2M pages, got [0-9]+ after compacting \(node 0: .* free, [0-9]+ free 2M blocks?; [0-9]+% of free memory is in blocks smaller than 2M\); every count is back as it was$' "$L"
t_eq "after the failed start: every count as before" "0 64" "$(nr big-refused)"
t_eq "two starts at once: both exit 0" "0 0" "$(rc both)"
t_eq "both got their pages on node 1: 64 + 128 + 64" "0 256" "$(nr both-started)"
t_eq "both stopped: exit 0" "0 0" "$(rc desk-stop2) $(rc desk2-stop)"
t_eq "both stopped: the static 64 alone" "0 64" "$(nr both-stopped)"
t_eq "an interrupted start raised node 1 by 10" "0 74" "$(nr crashed)"
t_grep "status settles it" "^HPD-OUT settle hugeplan: settled the interrupted start of desk \(pid 999999\)" "$L"
t_eq "settled: node 1 back to its count before that start" "0 64" "$(nr settled)"
t_grep "settled: the record is gone" '^HPD-RECORD gone$' "$L"
t_eq "vm start of a transparent VM: exit 0" 0 "$(rc transparent)"
t_grep "nothing to reserve" '^HPD-OUT transparent svc: Backing=transparent: nothing to reserve' "$L"
t_done
