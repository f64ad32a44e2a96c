#!/bin/bash
# dracut module: checks the boot-time huge page pools from the initramfs (pre-udev).
# The verifier comes from $HUGEPLAN_VERIFY when set (tests, local builds), else from PATH,
# else from /usr/libexec/hugeplan/. The module is not in an initramfs by default (check
# returns 255): /usr/lib/dracut/dracut.conf.d/50-hugeplan.conf, which hugeplan installs, adds
# it to every one (add_dracutmodules), and "dracut -a hugeplan" to one.

hugeplan_verify_src() {
	if [ -n "${HUGEPLAN_VERIFY:-}" ]; then
		echo "$HUGEPLAN_VERIFY"
	elif command -v hugeplan-verify >/dev/null 2>&1; then
		command -v hugeplan-verify
	else
		echo /usr/libexec/hugeplan/hugeplan-verify
	fi
}

# called by dracut
check() {
	require_binaries "$(hugeplan_verify_src)" || return 1
	return 255
}

# called by dracut
depends() {
	echo base
	return 0
}

# called by dracut
# shellcheck disable=SC2154 # dracut sets $moddir
install() {
	inst_binary "$(hugeplan_verify_src)" /usr/bin/hugeplan-verify
	inst_hook pre-udev 30 "$moddir/hugeplan-verify.sh"
}
