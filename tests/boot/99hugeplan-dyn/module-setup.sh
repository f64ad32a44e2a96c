#!/bin/bash
# Test-only dracut module for tests/boot/run-dynamic.sh: hugeplan and a hook that runs vm
# start and stop against the guest's real kernel (two NUMA nodes), printing the pool's
# per-node counts between steps on the console, then powers off. HPD_HUGEPLAN names the
# binary. Never part of a real initramfs.
check() {
	return 255
}

depends() {
	echo base
	return 0
}

# shellcheck disable=SC2154 # dracut sets $moddir
install() {
	inst_hook pre-trigger 97 "$moddir/hpd-run.sh"
	inst_binary "$HPD_HUGEPLAN" /usr/bin/hugeplan
	inst_multiple cat grep sleep kill mkdir sed printf mount umount dd rm
}
