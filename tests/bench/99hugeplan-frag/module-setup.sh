#!/bin/bash
# Bench-only dracut module (make bench): hugeplan, the fragmenting helper and a hook that
# measures dynamic 2M allocation after fragmentation, without and with hugeplan's compaction
# step, prints the numbers on the console and powers the guest off. Never part of a real
# initramfs. HPF_HUGEPLAN and HPF_FRAGMENT name the binaries to install.
check() {
	return 255
}

depends() {
	echo base
	return 0
}

# shellcheck disable=SC2154 # dracut sets $moddir
install() {
	inst_hook pre-trigger 98 "$moddir/hpf-run.sh"
	inst_binary "$HPF_HUGEPLAN" /usr/bin/hugeplan
	inst_binary "$HPF_FRAGMENT" /usr/bin/hpf-fragment
	inst_multiple date cat grep sleep kill mkdir sed tr
}
