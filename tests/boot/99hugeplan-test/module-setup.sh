#!/bin/bash
# Test-only dracut module for tests/boot: prints what the hugeplan module left (report,
# kernel log lines, optionally a capture of the pool files) between markers on the console,
# then powers the guest off. Never part of a real initramfs.

check() {
	return 255
}

depends() {
	echo base
	return 0
}

# shellcheck disable=SC2154 # dracut sets $moddir
install() {
	inst_hook pre-trigger 99 "$moddir/hpt-report.sh"
	inst_hook emergency 00 "$moddir/hpt-emergency.sh"
	inst_multiple dd date cat grep od
}
