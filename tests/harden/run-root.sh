#!/bin/sh
# Issue 12 item 2: nothing under --root (or $HUGEPLAN_ROOT) leads a read or a write out of
# it. The attacks of the issue, with the host's own paths: an image whose etc/kernel,
# etc/default/grub.d, var/lib, run, etc/hugeplan or etc/modprobe.d is a link to the host's
# directory, a link to a host directory that does not exist yet, and a vms.d file linked to
# /etc/shadow. The test re-runs itself in a private mount namespace where the host's /etc,
# /var/lib and /run are overlays whose upper layers are a tmpfs of the test's: whatever an
# escape writes lands there, never on the real host, and is seen. Every attack must be
# refused (exit 2, the path under the root named) with nothing written anywhere, and runs
# twice: with openat2(), and with openat2() failing ENOSYS (strace), which makes hugeplan
# resolve paths by hand as on kernels before 5.6 (sys/root.h): the outcome is the same.
# Issue 14's sources the same way: an image whose etc/libvirt, etc/libvirt/qemu or etc/pve is
# a link to the host's is never read from the host (no VM of it planned, no node name of it
# shown); links inside the image lead where the image means; a FIFO or a device as a domain
# file is refused without being opened.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lib/ns.sh
. "$TOP/tests/lib/ns.sh"
ns_reexec "$0" "$@"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"
# shellcheck source=tests/lib/domain.sh
. "$TOP/tests/lib/domain.sh"

UP=$T_TMP/up
mkdir -p "$UP"
if ! mount --make-rprivate / || ! mount -t tmpfs hp-harden "$UP"; then
	t_fail "a private tmpfs for the overlays' upper layers"
	t_done
	exit 1
fi
for d in /etc /var/lib /run; do
	n=$(echo "$d" | tr / _)
	mkdir -p "$UP/$n/u" "$UP/$n/w"
	mount -t overlay hp-harden -o "lowerdir=$d,upperdir=$UP/$n/u,workdir=$UP/$n/w" "$d" ||
		t_fail "overlay over $d"
done
# shellcheck disable=SC2064 # $UP is expanded now, on purpose
trap "umount /run /var/lib /etc; umount '$UP'; t_cleanup" EXIT

# the host, as the attacks find it: a kernel-install command line, a GRUB snippet and state
# of its own, a configuration asking for Strict=yes, a modprobe blacklist, a secret
mkdir -p /etc/kernel /etc/default/grub.d /var/lib/hugeplan /etc/hugeplan /etc/modprobe.d
printf 'root=/dev/HOST ro\n' >/etc/kernel/cmdline
printf '# the host'"'"'s own\n' >/etc/default/grub.d/99-hugeplan.cfg
printf 'format=1\nbootloader=grub\nfile=/etc/default/grub.d/99-hugeplan.cfg\ntokens=hugepagesz=2M hugepages=1\nupdate=done\n' \
	>/var/lib/hugeplan/applied
printf '[Host]\nStrict=yes\n' >/etc/hugeplan/hugeplan.conf
printf 'blacklist kvm_intel\n' >/etc/modprobe.d/zz-hp-harden.conf
printf 'root:HOST-SECRET-HASH:19000:0:99999:7:::\n' >/etc/shadow
# and VMs of its own: a libvirt domain (in two directories) and a Proxmox node's VM
# pvevm DIR VMID NAME: a Proxmox VM on 1G pages that keeps them
pvevm() {
	mkdir -p "$1"
	printf 'name: %s\nmemory: 2048\nnuma: 1\nhugepages: 1024\nkeephugepages: 1\n' "$3" >"$1/$2.conf"
}
t_domain /etc/libvirt/qemu hostvm 2
t_domain /etc/libvirt/qemu-img hostvm 2
mkdir -p /etc/pve/nodes && ln -sfn nodes/hostnode /etc/pve/local
pvevm /etc/pve/nodes/hostnode/qemu-server 100 hostpve

# host_changes: what the runs wrote on the host since the last call (upper layers' files)
snap() {
	(cd "$UP" && find . -path '*/w' -prune -o -printf '%p %s %T@\n' | LC_ALL=C sort) >"$T_TMP/host.$1"
}
snap base
host_untouched() {
	snap now
	if cmp -s "$T_TMP/host.base" "$T_TMP/host.now"; then
		t_ok "$1: nothing written on the host"
	else
		t_fail "$1: nothing written on the host" \
			"$(diff "$T_TMP/host.base" "$T_TMP/host.now" | grep '^[<>]' | head -n 5)"
		snap base
	fi
}

# refused NAME ROOT WANT_RE: exit 2, a message matching WANT_RE, the image unchanged
refused() {
	t_eq "$1: refused (exit 2)" 2 "$RC"
	t_grep "$1: says why, naming the path under the root" "$3" "$T_TMP/$1.err"
	tree "$2" >"$T_TMP/img.after"
	t_diff "$1: the image unchanged" "$T_TMP/img.before" "$T_TMP/img.after"
	host_untouched "$1"
}

# wrap MODE: WRAP, the command prefix of MODE: nothing for openat2; for walk, strace making
# every openat2() answer ENOSYS, as a kernel before 5.6 would
wrap() {
	if [ "$1" = walk ]; then
		WRAP="strace -f -qq -o /dev/null -e trace=openat2 -e inject=openat2:error=ENOSYS"
	else
		WRAP=
	fi
}

# shellcheck disable=SC2086 # $WRAP is a command prefix (strace and its options) or nothing
for mode in openat2 walk; do
	wrap $mode
	I=$T_TMP/img-$mode

	# 1. etc/kernel -> /etc/kernel: the host's /etc/kernel/cmdline rewritten
	rm -rf "$I" && image "$I" none && ln -s /etc/kernel "$I/etc/kernel"
	tree "$I" >"$T_TMP/img.before"
	run ki-$mode $WRAP "$HP" apply --root "$I" --bootloader=kernel-install
	refused ki-$mode "$I" "^hugeplan apply: $I/etc/kernel/cmdline: .*Too many levels of symbolic links"
	t_eq "ki-$mode: the host's /etc/kernel/cmdline as it was" "root=/dev/HOST ro" "$(cat /etc/kernel/cmdline)"

	# 2. etc/default/grub.d and var/lib linked to the host's: snippet and state written there
	rm -rf "$I" && image "$I" grub
	ln -s /etc/default/grub.d "$I/etc/default/grub.d"
	rm -rf "$I/var/lib" && mkdir -p "$I/var" && ln -s /var/lib "$I/var/lib"
	tree "$I" >"$T_TMP/img.before"
	run grub-$mode $WRAP "$HP" apply --root "$I"
	refused grub-$mode "$I" "^hugeplan apply: $I/(etc/default/grub.d(/99-hugeplan.cfg)?|var/lib/hugeplan/(applied|lock)): .*Too many levels of symbolic links"

	# 3. remove through the same links: the host's snippet deleted
	run rm-$mode $WRAP "$HP" remove --root "$I"
	refused rm-$mode "$I" "^hugeplan remove: $I/.*Too many levels of symbolic links"
	t_eq "rm-$mode: the host's snippet and state still there" "yes yes" \
		"$([ -f /etc/default/grub.d/99-hugeplan.cfg ] && echo yes) $([ -f /var/lib/hugeplan/applied ] && echo yes)"

	# 4. var/lib -> a host directory that does not exist yet: created on the host
	rm -rf "$I" && image "$I" grub
	mkdir -p "$T_TMP/hostdir-$mode"
	rm -rf "$I/var/lib" && mkdir -p "$I/var" && ln -s "$T_TMP/hostdir-$mode" "$I/var/lib"
	tree "$I" >"$T_TMP/img.before"
	run mkdir-$mode $WRAP "$HP" apply --root "$I"
	t_eq "mkdir-$mode: refused (exit 2)" 2 "$RC"
	t_grep "mkdir-$mode: says why" "^hugeplan apply: $I/var/lib/hugeplan/lock: cannot take the lock: No such file or directory; nothing written" "$T_TMP/mkdir-$mode.err"
	t_eq "mkdir-$mode: no directory made on the host" "" "$(ls -A "$T_TMP/hostdir-$mode")"

	# 5. vms.d/x.conf -> /etc/shadow: its first bytes in the error message
	rm -rf "$I" && image "$I" grub && ln -s /etc/shadow "$I/etc/hugeplan/vms.d/x.conf"
	run shadow-$mode $WRAP "$HP" plan --root "$I"
	t_eq "shadow-$mode: refused (exit 2)" 2 "$RC"
	t_grep "shadow-$mode: the link is read inside the image (where it dangles)" \
		"^$I/etc/hugeplan/vms.d/x.conf: cannot open: a dangling symbolic link" "$T_TMP/shadow-$mode.err"
	# the image's own /etc/shadow, and the host's through --config: never quoted
	printf 'root:IMAGE-SECRET-HASH:19000::::::\n' >"$I/etc/shadow"
	run shadow2-$mode $WRAP "$HP" plan --root "$I"
	t_eq "shadow2-$mode: refused (exit 2)" 2 "$RC"
	t_grep "shadow2-$mode: says the file is not the configuration's" \
		"^$I/etc/hugeplan/vms.d/x.conf:1: not a valid configuration line \(not shown: the file is $I/etc/shadow, outside the configuration directories\)" "$T_TMP/shadow2-$mode.err"
	mkdir -p "$T_TMP/conf-$mode/vms.d" && ln -sf /etc/shadow "$T_TMP/conf-$mode/vms.d/x.conf"
	run shadow3-$mode $WRAP "$HP" plan --config "$T_TMP/conf-$mode" --root "$I"
	t_grep "shadow3-$mode: --config: says the file is not the configuration's" \
		"x.conf:1: not a valid configuration line \(not shown: the file is /etc/shadow," "$T_TMP/shadow3-$mode.err"
	for n in shadow shadow2 shadow3; do
		if grep -q 'SECRET' "$T_TMP/$n-$mode.out" "$T_TMP/$n-$mode.err"; then
			t_fail "$n-$mode: no byte of the linked file shown" "$(grep SECRET "$T_TMP/$n-$mode.err")"
		else
			t_ok "$n-$mode: no byte of the linked file shown"
		fi
	done

	# 6. the generator: etc/hugeplan -> /etc/hugeplan reads the host's Strict=yes
	rm -rf "$I" && image "$I" none && rm -rf "$I/etc/hugeplan" && ln -s /etc/hugeplan "$I/etc/hugeplan"
	printf 'hugepagesz=2M hugepages=16\n' >"$I/proc/cmdline"
	O=$T_TMP/gen-$mode && rm -rf "$O" && mkdir -p "$O/n" "$O/e" "$O/l"
	run gen-$mode env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_LOG_TARGET \
		HUGEPLAN_ROOT="$I" $WRAP "$HG" "$O/n" "$O/e" "$O/l"
	t_eq "gen-$mode: exit 0" 0 "$RC"
	t_grep "gen-$mode: the image's configuration cannot be read (a loop), said so" \
		"$I/etc/hugeplan: cannot open: Too many levels of symbolic links; Strict= taken as no" "$T_TMP/gen-$mode.err"
	t_eq "gen-$mode: no VM manager drop-in from the host's Strict=yes" "" \
		"$(cd "$O/n" && find . -path './libvirtd.service.d*')"
	host_untouched "gen-$mode"

	# 7. the verifier: run -> /run writes the host's /run/hugeplan/boot-report.json
	rm -rf "$I" && image "$I" none && mkdir -p "$I/dev" && : >"$I/dev/kmsg"
	rm -rf "$I/run" && ln -s /run "$I/run"
	run verify-$mode $WRAP "$HV" --root "$I"
	t_eq "verify-$mode: the report cannot be written (exit 2)" 2 "$RC"
	t_grep "verify-$mode: says why" "^hugeplan-verify: $I/run/hugeplan/boot-report.json: Too many levels of symbolic links" "$T_TMP/verify-$mode.err"
	t_eq "verify-$mode: no report on the host" no "$([ -e /run/hugeplan/boot-report.json ] && echo yes || echo no)"
	host_untouched "verify-$mode"

	# 8. libkmod: etc/modprobe.d -> /etc/modprobe.d reads the host's blacklist
	rm -rf "$I" && image "$I" none && ln -s /etc/modprobe.d "$I/etc/modprobe.d"
	run kmod-$mode $WRAP "$HP" check --root "$I"
	if grep -q "blacklist" "$T_TMP/kmod-$mode.out"; then
		t_fail "kmod-$mode: the host's modprobe.d is not read" "$(grep blacklist "$T_TMP/kmod-$mode.out")"
	else
		t_ok "kmod-$mode: the host's modprobe.d is not read"
	fi
	t_grep "kmod-$mode: the image's modprobe.d refused (a loop)" \
		"^error    modules: $I/etc/modprobe.d: Too many levels of symbolic links" "$T_TMP/kmod-$mode.out"
	host_untouched "kmod-$mode"
done

# links that stay inside the image are followed as the image means them, both ways
# shellcheck disable=SC2086 # $WRAP is a command prefix (strace and its options) or nothing
for mode in openat2 walk; do
	wrap $mode
	I=$T_TMP/ok-$mode
	rm -rf "$I" && image "$I" grub
	mkdir -p "$I/data/lib" "$I/data/grub.d" "$I/var"
	rm -rf "$I/var/lib" && ln -s /data/lib "$I/var/lib"
	ln -s ../../data/grub.d "$I/etc/default/grub.d"
	run ok-$mode $WRAP "$HP" apply --root "$I"
	t_eq "inside-$mode: apply through links inside the image exits 0" 0 "$RC"
	t_eq "inside-$mode: the snippet and the state where the image's links lead" "yes yes" \
		"$([ -f "$I/data/grub.d/99-hugeplan.cfg" ] && echo yes) $([ -f "$I/data/lib/hugeplan/applied" ] && echo yes)"
	host_untouched "inside-$mode"
done

# nothing_of_host NAME: no VM, node or file of the host's libvirt or /etc/pve in the output
nothing_of_host() {
	if grep -E 'hostvm|hostpve|hostnode' "$T_TMP/$1.out" "$T_TMP/$1.err" >"$T_TMP/$1.leak"; then
		t_fail "$1: nothing of the host's VMs shown" "$(head -n 3 "$T_TMP/$1.leak")"
	else
		t_ok "$1: nothing of the host's VMs shown"
	fi
}

# issue 14: the VM managers' directories, read beneath the root like everything else
# shellcheck disable=SC2086 # $WRAP is a command prefix (strace and its options) or nothing
for mode in openat2 walk; do
	wrap $mode
	I=$T_TMP/src-$mode

	# 9. etc/libvirt/qemu -> /etc/libvirt/qemu, then etc/libvirt -> /etc/libvirt: in the
	# image each is a loop; the host's domains are not planned
	rm -rf "$I" && image "$I" none && mkdir -p "$I/etc/libvirt"
	ln -s /etc/libvirt/qemu "$I/etc/libvirt/qemu"
	run lvq-$mode $WRAP "$HP" plan --root "$I"
	t_eq "lvq-$mode: refused (exit 2)" 2 "$RC"
	t_grep "lvq-$mode: says why, naming the path under the root" \
		"^$I/etc/libvirt/qemu: cannot read directory: Too many levels of symbolic links" "$T_TMP/lvq-$mode.err"
	nothing_of_host lvq-$mode
	rm -rf "$I/etc/libvirt" && ln -s /etc/libvirt "$I/etc/libvirt"
	run lv-$mode $WRAP "$HP" plan --root "$I"
	t_eq "lv-$mode: refused (exit 2)" 2 "$RC"
	t_grep "lv-$mode: says why, naming the path under the root" \
		"^$I/etc/libvirt/qemu: cannot read directory: Too many levels of symbolic links" "$T_TMP/lv-$mode.err"
	nothing_of_host lv-$mode
	host_untouched "lv-$mode"

	# 10. etc/libvirt/qemu -> /etc/libvirt/qemu-img, a directory both the image and the host
	# have: the image's domain is planned, the host's is not
	rm -f "$I/etc/libvirt" && t_domain "$I/etc/libvirt/qemu-img" imgvm 2
	ln -s /etc/libvirt/qemu-img "$I/etc/libvirt/qemu"
	run lvin-$mode $WRAP "$HP" plan --root "$I"
	t_eq "lvin-$mode: the link is followed inside the image (exit 0)" 0 "$RC"
	t_grep "lvin-$mode: the image's domain planned, from where the link leads" \
		"^  imgvm: libvirt $I/etc/libvirt/qemu/imgvm.xml\$" "$T_TMP/lvin-$mode.out"
	nothing_of_host lvin-$mode

	# 11. etc/pve -> /etc/pve: a loop in the image; the host's node and VMs are not read
	rm -rf "$I" && image "$I" none && ln -s /etc/pve "$I/etc/pve"
	run pve-$mode $WRAP "$HP" plan --root "$I"
	t_eq "pve-$mode: refused (exit 2)" 2 "$RC"
	t_grep "pve-$mode: says why, naming the path under the root" \
		"^$I/etc/pve/qemu-server: cannot read directory: Too many levels of symbolic links" "$T_TMP/pve-$mode.err"
	nothing_of_host pve-$mode
	host_untouched "pve-$mode"

	# 12. etc/pve/nodes -> /srv/pve-nodes, inside the image: this node's VM is planned
	rm -f "$I/etc/pve" && mkdir -p "$I/etc/pve" && ln -s nodes/pve1 "$I/etc/pve/local"
	pvevm "$I/srv/pve-nodes/pve1/qemu-server" 100 imgpve
	ln -s /srv/pve-nodes "$I/etc/pve/nodes"
	run pvein-$mode $WRAP "$HP" plan --root "$I"
	t_eq "pvein-$mode: the links are followed inside the image (exit 0)" 0 "$RC"
	t_grep "pvein-$mode: the image's VM planned, from this node's directory" \
		"^  imgpve: proxmox $I/etc/pve/nodes/pve1/qemu-server/100.conf" "$T_TMP/pvein-$mode.out"
	nothing_of_host pvein-$mode

	# 13. a FIFO and a device as domain files: refused, never opened (only looked at: O_PATH)
	rm -rf "$I" && image "$I" none && mkdir -p "$I/etc/libvirt/qemu"
	inject=
	[ $mode = walk ] && inject="-e inject=openat2:error=ENOSYS"
	for f in fifo dev; do
		rm -f "$I/etc/libvirt/qemu/"*
		if [ $f = fifo ]; then
			mkfifo "$I/etc/libvirt/qemu/$f.xml"
		elif ! mknod "$I/etc/libvirt/qemu/$f.xml" c 1 3; then
			t_fail "$f-$mode: a character device in the image (mknod)"
			continue
		fi
		run $f-$mode strace -f -qq -o "$T_TMP/$f-$mode.strace" -e trace=open,openat,openat2 \
			$inject "$HP" plan --root "$I"
		t_eq "$f-$mode: refused (exit 2), no hang" 2 "$RC"
		t_grep "$f-$mode: says why" "^$I/etc/libvirt/qemu/$f.xml: not a regular file" "$T_TMP/$f-$mode.err"
		if grep "$f.xml\"" "$T_TMP/$f-$mode.strace" | grep -v O_PATH >"$T_TMP/$f-$mode.opened"; then
			t_fail "$f-$mode: never opened for reading" "$(head -n 2 "$T_TMP/$f-$mode.opened")"
		else
			t_ok "$f-$mode: never opened for reading"
		fi
	done
done
t_done
