#!/bin/sh
# Proxmox VE with systemd-boot (ZFS root): /etc/kernel/cmdline, and proxmox-boot-tool refresh
# afterwards because /etc/kernel/proxmox-boot-uuids exists. On the running system without
# touching it (tests/lib/ns.sh; /etc/kernel a test folder too). proxmox-boot-tool is not in
# Debian: a stand-in on /usr/sbin logs how it is called and fails on demand, which is what
# hugeplan's side needs (it runs it, reports the result like update-grub's, records a failed
# or skipped refresh as pending and runs it again); what the real tool does with the ESPs is
# Proxmox's.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lib/ns.sh
. "$TOP/tests/lib/ns.sh"
ns_reexec --grub "$0" "$@"
t_init
HP=$B/hugeplan
T=$T_TMP
if ! ns_system "$T"; then
	t_done
	exit 1
fi
mkdir -p "$T/conf/vms.d" "$T/kernel"
printf '[VM]\nMemory=1G\nPageSize=1G\n' >"$T/conf/vms.d/db.conf"
printf 'root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet\n' >"$T/kernel/cmdline"
printf '5E5F-1234\n' >"$T/kernel/proxmox-boot-uuids"
cat >"$T/sbin/proxmox-boot-tool" <<X
#!/bin/sh
echo "\$*" >>"$T/pbt.log"
cp /etc/kernel/cmdline "$T/pbt.cmdline"
[ -e "$T/fail" ] && exit 4
echo "Copying and configuring kernels on /dev/disk/by-uuid/5E5F-1234"
exit 0
X
chmod 755 "$T/sbin/proxmox-boot-tool"
if ! mount --bind "$T/kernel" /etc/kernel || ! ns_update_grub "$T"; then
	t_fail "a test /etc/kernel and the stand-in on /usr/sbin"
	t_done
	exit 1
fi
state() {
	sed -n "s/^$1=//p" /var/lib/hugeplan/applied
}
calls() {
	if [ -e "$T/pbt.log" ]; then wc -l <"$T/pbt.log" | tr -d ' '; else echo 0; fi
}

"$HP" apply --config "$T/conf" >"$T/a1.out" 2>"$T/a1.err"
t_eq "apply: exits 0" 0 "$?"
t_grep "auto: Proxmox's /etc/kernel/cmdline, not GRUB" "^wrote /etc/kernel/cmdline: " "$T/a1.out"
t_eq "proxmox-boot-tool ran once, with refresh" "refresh" "$(cat "$T/pbt.log")"
t_grep "... after /etc/kernel/cmdline had the words" "hugeplan.plan=" "$T/pbt.cmdline"
t_grep "its result is reported" "^/usr/sbin/proxmox-boot-tool refresh: done$" "$T/a1.out"
t_eq "the state: the refresh done" "kernel-install done" "$(state bootloader) $(state update)"

"$HP" apply --config "$T/conf" >"$T/a2.out" 2>"$T/a2.err"
t_eq "apply again: exits 0" 0 "$?"
t_eq "apply again: no refresh" 1 "$(calls)"
t_grep "... and says why not" "^not running /usr/sbin/proxmox-boot-tool refresh: nothing changed$" "$T/a2.out"

# a failing refresh: exit 2, named; recorded pending; the next apply runs it again
: >"$T/fail"
printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$T/conf/vms.d/db.conf"
"$HP" apply --config "$T/conf" >"$T/a3.out" 2>"$T/a3.err"
t_eq "a failing refresh: exits 2" 2 "$?"
t_grep "... its exit status and what is not updated" \
	"/usr/sbin/proxmox-boot-tool refresh: exit status 4; the ESPs that Proxmox VE boots from are not updated" \
	"$T/a3.err"
t_eq "... recorded pending" "pending" "$(state update)"
rm "$T/fail"
"$HP" apply --config "$T/conf" >"$T/a4.out" 2>"$T/a4.err"
t_eq "then apply runs it again" "0 3" "$? $(calls)"
t_grep "... saying why" "the last update of the boot menu did not complete" "$T/a4.out"
t_eq "... and records it done" "done" "$(state update)"

"$HP" apply --config "$T/conf" --no-update >"$T/a5.out" 2>&1
t_eq "--no-update: no refresh" 3 "$(calls)"

"$HP" remove >"$T/r1.out" 2>"$T/r1.err"
t_eq "remove: exits 0" 0 "$?"
t_eq "remove: the refresh ran after the words went" "4" "$(calls)"
if grep -q hugeplan "$T/pbt.cmdline"; then
	t_fail "remove: the refresh saw /etc/kernel/cmdline without hugeplan's words" "$(cat "$T/pbt.cmdline")"
else
	t_ok "remove: the refresh saw /etc/kernel/cmdline without hugeplan's words"
fi
t_eq "remove: /etc/kernel/cmdline as it was" "root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet" \
	"$(cat /etc/kernel/cmdline)"

t_done
