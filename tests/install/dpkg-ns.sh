#!/bin/sh
# Called by run-deb.sh in a private mount namespace (unshare -m) with the package it built:
# the real dpkg installs it on overlays of /etc, /usr and /var and a test folder as /boot, so nothing
# of the machine changes. Then hugeplan apply puts its words into GRUB (the real
# grub-mkconfig) and into Boot Loader Specification entries written by the real
# kernel-install; dpkg -r must say that the reservation stays and how to take it out, and
# leave it; dpkg -P must take hugeplan's words out of every place apply put them (the snippet
# gone and grub.cfg regenerated without them, each entry byte for byte as before apply, an
# entry kernel-install wrote since without them, /etc/kernel/cmdline without them) and its
# record. Usage: dpkg-ns.sh DEB WORKDIR FIRST_TEST_NUMBER; TAP lines on stdout, the number of
# the last test in WORKDIR/tests.
DEB=$1
W=$2
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
T_N=$3
# shellcheck disable=SC2034 # lib.sh's t_diff writes there
T_TMP=$W
KVER=$(uname -r)
MID=0123456789abcdef0123456789abcdef
finish() {
	echo "$T_N $T_FAIL" >"$W/tests"
	exit 0
}

if ! mount --make-rprivate /; then
	t_fail "dpkg: private mounts"
	finish
fi
for d in etc usr var; do
	mkdir -p "$W/ov/$d/up" "$W/ov/$d/work"
	mount -t overlay hugeplan-dpkg -o "lowerdir=/$d,upperdir=$W/ov/$d/up,workdir=$W/ov/$d/work" \
		"/$d" || {
		t_fail "dpkg: an overlay on /$d"
		finish
	}
done
# a folder of its own, as grub-probe wants a real path for /boot
mkdir -p "$W/boot"
if ! mount --bind "$W/boot" /boot; then
	t_fail "dpkg: a test folder on /boot"
	finish
fi
t_ok "dpkg: /etc, /usr and /var are overlays, /boot a test folder"

# dpkg -i: the package's own scripts run; triggers (initramfs) are left pending in the overlay
if dpkg -i --no-triggers "$DEB" >"$W/install.log" 2>&1 && [ -x /usr/bin/hugeplan ]; then
	t_ok "dpkg -i installs the package"
else
	t_fail "dpkg -i installs the package" "$(tail -n 5 "$W/install.log")"
	finish
fi

# a host: a kernel with its modules (apply's checks), GRUB's settings, VMs, BLS entries
mkdir -p /boot/grub "/boot/$MID" /etc/hugeplan/vms.d /etc/kernel /etc/default/grub.d
echo "not a kernel" >"/boot/vmlinuz-$KVER"
echo "not an initrd" >"/boot/initrd.img-$KVER"
"$TOP/tests/check/mkmodtree.sh" / "$KVER" ko:kernel/arch/x86/kvm/kvm.ko \
	ko:kernel/arch/x86/kvm/kvm-intel.ko ko:kernel/arch/x86/kvm/kvm-amd.ko >"$W/mods.log" 2>&1 ||
	t_fail "dpkg: a module tree for $KVER" "$(cat "$W/mods.log")"
printf 'GRUB_DEFAULT=0\nGRUB_DISABLE_OS_PROBER=true\nGRUB_CMDLINE_LINUX_DEFAULT="quiet hugepages=64"\n' \
	>/etc/default/grub
printf '[VM]\nMemory=1G\nPageSize=1G\n' >/etc/hugeplan/vms.d/db.conf
echo $MID >/etc/machine-id
printf 'layout=bls\n' >/etc/kernel/install.conf
printf 'root=/dev/sda ro quiet hugepages=64\n' >/etc/kernel/cmdline
ki_add() {
	SYSTEMD_RELAX_ESP_CHECKS=1 BOOT_ROOT=/boot MACHINE_ID=$MID \
		KERNEL_INSTALL_PLUGINS=/usr/lib/kernel/install.d/90-loaderentry.install \
		kernel-install add "$1" "/boot/vmlinuz-$KVER" >"$W/ki-$1.log" 2>&1 ||
		t_fail "kernel-install add $1" "$(cat "$W/ki-$1.log")"
}
ki_add "$KVER"
ENTRY=/boot/loader/entries/$MID-$KVER.conf
cp "$ENTRY" "$W/entry.orig"

# hugeplan's words into GRUB, then into the BLS entries
hugeplan apply --bootloader=grub >"$W/a1.out" 2>&1
t_eq "hugeplan apply --bootloader=grub: exits 0" 0 "$?"
hugeplan apply --bootloader=bls >"$W/a2.out" 2>&1
t_eq "hugeplan apply --bootloader=bls: exits 0" 0 "$?"
t_grep "the GRUB menu has hugeplan's words" "hugeplan\\.plan=" /boot/grub/grub.cfg
t_grep "the entry too" "^options .*hugeplan\\.plan=" "$ENTRY"
# a kernel installed since, from the /etc/kernel/cmdline apply edited
ki_add 6.1.0-99-test
t_grep "kernel-install wrote the new kernel's entry with them" "hugeplan\\.plan=" \
	"/boot/loader/entries/$MID-6.1.0-99-test.conf"
cp /boot/grub/grub.cfg "$W/grub.applied"

# dpkg -r: the reservation stays, said
dpkg -r hugeplan >"$W/remove.log" 2>&1
t_eq "dpkg -r: exits 0" 0 "$?"
t_grep "dpkg -r: says the reservation stays" "hugeplan: the boot-time huge page reservation stays" "$W/remove.log"
t_grep "... and how to take it out" "reinstall hugeplan and run 'hugeplan remove', or purge the package" "$W/remove.log"
t_eq "dpkg -r: the words stay where apply put them" "yes yes yes" \
	"$([ -e /etc/default/grub.d/99-hugeplan.cfg ] && echo yes) $(grep -q hugeplan "$ENTRY" && echo yes) $(grep -q hugeplan /etc/kernel/cmdline && echo yes)"
t_eq "dpkg -r: the record stays" "yes" "$([ -e /var/lib/hugeplan/applied ] && echo yes)"

# dpkg -P: every word out, the menu regenerated, the record gone
dpkg -P hugeplan >"$W/purge.log" 2>&1
t_eq "dpkg -P: exits 0" 0 "$?"
t_eq "dpkg -P: the package is gone" "" "$(dpkg-query -W -f '${Status}' hugeplan 2>/dev/null | grep installed)"
t_eq "dpkg -P: the GRUB snippet is gone" "no" "$([ -e /etc/default/grub.d/99-hugeplan.cfg ] && echo yes || echo no)"
if grep -q "hugeplan\\.plan=" /boot/grub/grub.cfg || cmp -s /boot/grub/grub.cfg "$W/grub.applied"; then
	t_fail "dpkg -P: grub.cfg regenerated without hugeplan's words" "$(grep -a 'linux.*vmlinuz' /boot/grub/grub.cfg | head -n 2)"
else
	t_ok "dpkg -P: grub.cfg regenerated without hugeplan's words"
fi
t_grep "... with the admin's own words back" "linux[[:space:]].* ro +quiet hugepages=64( |\$)" /boot/grub/grub.cfg
t_eq "dpkg -P: the entry is as it was before apply, byte for byte" "" "$(cmp "$W/entry.orig" "$ENTRY" 2>&1)"
if grep -q "hugeplan" "/boot/loader/entries/$MID-6.1.0-99-test.conf"; then
	t_fail "dpkg -P: the entry kernel-install wrote since has no hugeplan words" \
		"$(grep options "/boot/loader/entries/$MID-6.1.0-99-test.conf")"
else
	t_ok "dpkg -P: the entry kernel-install wrote since has no hugeplan words"
fi
t_eq "dpkg -P: /etc/kernel/cmdline without hugeplan's words" "root=/dev/sda ro quiet" "$(cat /etc/kernel/cmdline)"
t_eq "dpkg -P: /var/lib/hugeplan is gone" "no" "$([ -e /var/lib/hugeplan ] && echo yes || echo no)"
finish
