#!/bin/bash
# Test-only dracut module for tests/boot: prints what the hugeplan module left (report,
# kernel log lines, and with hpt.capture=1 a capture of the files hugeplan reads, made by
# tests/fixtures/mkdump.sh, which lib-boot.sh puts next to this file) between markers on the
# console, then powers the guest off. Never part of a real initramfs.

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
	inst_simple "$moddir/mkdump.sh" /usr/bin/hpt-mkdump
	inst_multiple dd date cat grep od mkdir
}
