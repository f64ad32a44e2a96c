# hugeplan on the running system without touching it (E2E-NOTES.md): a test re-runs itself in
# a private mount namespace where /boot, /etc/default and /var/lib are test folders and
# /usr/lib gains a module tree for the running kernel (for apply's checks); /usr/sbin can gain
# a fake update-grub. Shared by the tiers that need hugeplan to run its boot menu update.
# shellcheck shell=sh

# ns_reexec [--grub] SCRIPT ARGS...: unless already inside, exec SCRIPT in a private mount
# namespace; where that is not possible (no unshare -m, or with --grub no grub-mkconfig), one
# skipped test and exit 0. Called after lib.sh, before t_init.
ns_reexec() {
	_ng=true
	if [ "$1" = --grub ]; then
		_ng="command -v grub-mkconfig"
		shift
	fi
	[ -n "${HP_IN_NS:-}" ] && return 0
	if unshare -m true 2>/dev/null && $_ng >/dev/null 2>&1; then
		HP_IN_NS=1 exec unshare -m sh "$@"
	fi
	t_skip "$(basename "$1") in a private mount namespace" \
		"unshare -m not permitted here$([ "$_ng" = true ] || echo ", or grub-mkconfig missing")"
	t_done
	exit 0
}

# ns_system DIR: DIR/boot (a kernel and initrd for the running version), DIR/default (with
# grub.d) and a tmpfs as /boot, /etc/default and /var/lib; DIR/mods over /usr/lib. One test
# line; 1 when the namespace cannot be set up.
ns_system() {
	_nd=$1
	_kv=$(uname -r)
	if ! mount --make-rprivate /; then
		t_fail "make the namespace's mounts private"
		return 1
	fi
	mkdir -p "$_nd/boot/grub" "$_nd/default/grub.d" "$_nd/sbin"
	echo "not a kernel" >"$_nd/boot/vmlinuz-$_kv"
	echo "not an initrd" >"$_nd/boot/initrd.img-$_kv"
	"$TOP/tests/check/mkmodtree.sh" "$_nd/mods" "$_kv" ko:kernel/arch/x86/kvm/kvm.ko \
		ko:kernel/arch/x86/kvm/kvm-intel.ko ko:kernel/arch/x86/kvm/kvm-amd.ko \
		>"$_nd/mods.log" 2>&1 || t_fail "module tree for $_kv" "$(cat "$_nd/mods.log")"
	if mount --bind "$_nd/boot" /boot && mount --bind "$_nd/default" /etc/default &&
		mount -t tmpfs hugeplan-test /var/lib &&
		mount -t overlay hugeplan-test -o "lowerdir=$_nd/mods/lib:/usr/lib" /usr/lib; then
		t_ok "private /boot, /etc/default, /var/lib and /lib/modules/$_kv"
		return 0
	fi
	t_fail "private /boot, /etc/default, /var/lib and /lib/modules/$_kv"
	return 1
}

# ns_update_grub DIR: the script DIR/sbin/update-grub (written by the caller, executable)
# becomes /usr/sbin/update-grub. 1 (and a failed test) when it cannot.
ns_update_grub() {
	mount -t overlay hugeplan-test -o "lowerdir=$1/sbin:/usr/sbin" /usr/sbin && return 0
	t_fail "overlay a fake update-grub on /usr/sbin"
	return 1
}
