#!/bin/sh
# hugeplan apply and remove on Boot Loader Specification entries written by the real
# kernel-install (Debian's systemd-boot package) into a tmpfs $BOOT of an image (--root), in a
# private mount namespace, judged by the real bootctl (systemd's own BLS parser):
#   - auto picks bls; every installed kernel's entry has exactly hugeplan's words once, the
#     admin's hugepages=64 out, kernel-install's other words as they were; an entry of another
#     system (other machine id and token) and one of a kernel that is not installed are
#     untouched, byte for byte;
#   - apply again changes nothing; kernel-install add of a new kernel, from the
#     /etc/kernel/cmdline apply edited, carries the words once;
#   - remove gives every entry apply edited back byte for byte, and takes the words out of
#     the one kernel-install wrote since;
#   - a unified kernel image (systemd's stub + objcopy) that boots next makes apply refuse,
#     writing nothing; beside the entries it is named in a warning;
#   - which entry boots next, and the UAPI.10 version order, as bootctl and
#     systemd-analyze compare-versions say.
# Expected tokens follow the planner's rules (tests/cli/run-apply.sh): 2 x 1G, 256 x 2M.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
if [ -z "${HP_IN_NS:-}" ] && unshare -m true 2>/dev/null; then
	HP_IN_NS=1 exec unshare -m sh "$0" "$@"
fi
t_init
# shellcheck source=tests/bootpath/common.sh
. "$TOP/tests/bootpath/common.sh"
need bootctl systemd-boot
need kernel-install systemd
need objcopy binutils
in_ns
build_tool
HP=$B/hugeplan
T=$T_TMP
R=$T/root
STUB=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
MID=0123456789abcdef0123456789abcdef
OTHER=fedcba9876543210fedcba9876543210
RES="hugepagesz=2M hugepages=256 hugepagesz=1G hugepages=2"
TOKS="$RES hugeplan.plan=$(fnv "$RES")"
ENT=$R/boot/loader/entries

mount --make-rprivate / || t_fail "private mounts"
t_host "$R" one-node-32g
mkdir -p "$R/etc/hugeplan/vms.d" "$R/etc/kernel" "$R/boot"
printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/db.conf"
printf '[VM]\nMemory=512M\nPageSize=2M\n' >"$R/etc/hugeplan/vms.d/web.conf"
# $BOOT its own file system, as an ESP or XBOOTLDR partition is: entries name paths in it
mount -t tmpfs boot "$R/boot" || t_fail "a tmpfs as \$BOOT"
trap 'umount "$R/boot"; t_cleanup' EXIT
echo $MID >"$R/etc/machine-id"
printf 'layout=bls\n' >"$R/etc/kernel/install.conf"
printf 'root=/dev/sda ro quiet hugepages=64 console=ttyS0\n' >"$R/etc/kernel/cmdline"
mkdir -p "$R/boot/$MID"

# ki_add VERSION: the real kernel-install, reading the image's /etc/kernel
ki_add() {
	echo "not a kernel $1" >"$T/vmlinuz-$1"
	SYSTEMD_RELAX_ESP_CHECKS=1 BOOT_ROOT="$R/boot" MACHINE_ID=${2:-$MID} \
		KERNEL_INSTALL_CONF_ROOT="$R/etc/kernel" kernel-install add "$1" "$T/vmlinuz-$1" \
		>"$T/ki-$1.log" 2>&1 || t_fail "kernel-install add $1" "$(cat "$T/ki-$1.log")"
}

# bootctl_list: bootctl's view of $BOOT, one "ID|OPTIONS" line per entry
bootctl_list() {
	SYSTEMD_RELAX_ESP_CHECKS=1 bootctl --esp-path="$R/boot" --no-variables list --json=short 2>"$T/bootctl.err" |
		python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    print("%s|%s" % (e["id"], e.get("options", "")))'
}

options() {
	bootctl_list | sed -n "s/^$1|//p"
}

# bootctl_default: the entry bootctl marks "(default)"
bootctl_default() {
	SYSTEMD_RELAX_ESP_CHECKS=1 bootctl --esp-path="$R/boot" --no-variables list 2>/dev/null |
		awk '/^ *title:.*\(default\)/ { d = 1; next } d && /^ *id:/ { print $2; exit }'
}

run() {
	run_name=$1
	shift
	"$HP" "$@" >"$T/$run_name.out" 2>"$T/$run_name.err"
	RC=$?
}

tree() {
	(cd "$1" && find . -printf '%p %s %T@\n' | sort)
}

ki_add 6.1.0-26-amd64
ki_add 6.1.0-27-amd64
mkdir -p "$R/lib/modules/6.1.0-26-amd64" # 6.1.0-27's tree is the fixture's (t_host)
# a kernel whose modules are gone, and another system's entry: neither is apply's
ki_add 6.1.0-20-amd64
mkdir -p "$R/boot/$OTHER"
ki_add 6.1.0-30-amd64 $OTHER
E26=$MID-6.1.0-26-amd64.conf
E27=$MID-6.1.0-27-amd64.conf
E20=$MID-6.1.0-20-amd64.conf
EO=$OTHER-6.1.0-30-amd64.conf
t_eq "kernel-install wrote four entries" "$E20 $E26 $E27 $EO" "$(find "$ENT" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd' ')"
for e in $E20 $E26 $E27 $EO; do cp "$ENT/$e" "$T/$e.orig"; done

run a1 apply --root "$R"
t_eq "apply: exits 0" 0 "$RC"
t_grep "apply: auto picked the BLS entries" "^wrote $ENT/$E27: options " "$T/a1.out"
for e in $E26 $E27; do
	t_eq "$e: bootctl list shows exactly the tokens once, the admin's hugepages=64 out" \
		"root=/dev/sda ro quiet console=ttyS0 systemd.machine_id=$MID $TOKS" "$(options "$e")"
done
t_eq "the entry of a kernel that is not installed is untouched" "" "$(cmp "$T/$E20.orig" "$ENT/$E20" 2>&1)"
t_eq "another system's entry is untouched" "" "$(cmp "$T/$EO.orig" "$ENT/$EO" 2>&1)"
t_eq "bootctl reports no problem with the edited entries" "" \
	"$(grep -v -e '^$' -e 'No boot loader' -e 'not installed' -e 'Failed to read EFI' "$T/bootctl.err" | head -n 3)"
t_eq "apply: the state says bls, \$BOOT and the token" "bls /boot $MID" \
	"$(sed -n 's/^bootloader=//p; s/^boot=//p; s/^entry_token=//p' "$R/var/lib/hugeplan/applied" | paste -sd' ')"
t_eq "apply: a record per edited entry" "$E26 $E27" "$(find "$R/var/lib/hugeplan/entries" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd' ')"
t_eq "apply: the record's before is the entry as kernel-install wrote it" "" \
	"$(cmp "$T/$E27.orig" "$R/var/lib/hugeplan/entries/$E27/before" 2>&1)"

touch -d @978307200 "$ENT/$E26" "$ENT/$E27"
run a2 apply --root "$R"
t_eq "apply again: exits 0" 0 "$RC"
t_grep "apply again: the entries are unchanged" "^unchanged: $ENT/$E27: options " "$T/a2.out"
t_eq "apply again: the entries' mtimes kept" "978307200 978307200" "$(stat -c %Y "$ENT/$E26" "$ENT/$E27" | paste -sd' ')"

run d1 apply --root "$R" --dry-run
t_grep "dry run: one line per entry with its full options" \
	"^unchanged: $ENT/$E26: options root=/dev/sda ro quiet console=ttyS0 systemd.machine_id=$MID $TOKS\$" "$T/d1.out"

# a kernel installed after apply: kernel-install reads the /etc/kernel/cmdline apply edited
ki_add 6.1.0-28-amd64
E28=$MID-6.1.0-28-amd64.conf
t_eq "kernel-install add of a new kernel carries the tokens once (bootctl)" \
	"root=/dev/sda ro quiet console=ttyS0 $TOKS systemd.machine_id=$MID" "$(options "$E28")"

run r1 remove --root "$R"
t_eq "remove: exits 0" 0 "$RC"
for e in $E26 $E27; do
	t_eq "$e: remove restores the entry byte for byte" "" "$(cmp "$T/$e.orig" "$ENT/$e" 2>&1)"
done
t_eq "remove: the entry kernel-install wrote since has no hugeplan words (bootctl)" \
	"root=/dev/sda ro quiet console=ttyS0 systemd.machine_id=$MID" "$(options "$E28")"
for e in $E20 $EO; do
	t_eq "$e: still untouched after remove" "" "$(cmp "$T/$e.orig" "$ENT/$e" 2>&1)"
done
t_eq "remove: no record left" "" "$(ls "$R/var/lib/hugeplan/entries" 2>/dev/null)"
rm -f "$ENT/$E28"

# which entry boots next: sys/bls.h against bootctl
t_eq "bootctl's default without loader.conf: the newest kernel of the sort key" "$E27" \
	"$(bootctl_default)"
t_eq "... and hugeplan's" "$E27" "$("$TOOL" bls-default "$R")"
printf 'timeout 3\ndefault %s-6.1.0-26*\n' $MID >"$R/boot/loader/loader.conf"
t_eq "bootctl's default follows loader.conf" "$E26" "$(bootctl_default)"
t_eq "... and so does hugeplan's" "$E26" "$("$TOOL" bls-default "$R")"

# a unified kernel image, made from systemd's own stub, that boots next: refused
echo "not a kernel" >"$T/linux"
printf 'ID=debian\nPRETTY_NAME="Debian UKI"\nVERSION_ID=12\n' >"$T/osrel"
printf 'root=/dev/sda ro\n' >"$T/uki.cmdline"
printf '6.1.0-27-amd64\n' >"$T/uname"
mkdir -p "$R/boot/EFI/Linux"
UKI=$R/boot/EFI/Linux/debian-6.1.0-27-amd64.efi
objcopy --add-section .osrel="$T/osrel" --change-section-vma .osrel=0x20000 \
	--add-section .cmdline="$T/uki.cmdline" --change-section-vma .cmdline=0x30000 \
	--add-section .uname="$T/uname" --change-section-vma .uname=0x40000 \
	--add-section .linux="$T/linux" --change-section-vma .linux=0x2000000 \
	"$STUB" "$UKI" 2>"$T/objcopy.err" || t_fail "objcopy makes a UKI" "$(cat "$T/objcopy.err")"
printf 'default debian-*.efi\n' >"$R/boot/loader/loader.conf"
t_eq "bootctl: the UKI boots next" "debian-6.1.0-27-amd64.efi" "$(bootctl_default)"
t_eq "hugeplan agrees" "debian-6.1.0-27-amd64.efi" "$("$TOOL" bls-default "$R")"
tree "$R" >"$T/before.tree"
run u1 apply --root "$R"
t_eq "UKI next: apply exits 1" 1 "$RC"
t_grep "UKI next: says why and the way out, naming the image" \
	"the next boot is the unified kernel image $UKI: .*nothing written.*kernel-install add 6.1.0-27-amd64" "$T/u1.err"
t_eq "UKI next: nothing written" "" "$(tree "$R" | diff "$T/before.tree" - | head -n 5)"
# beside the entries (the newest type #1 entry boots): the entries are updated, the UKI named
printf 'default %s-*\n' $MID >"$R/boot/loader/loader.conf"
run u2 apply --root "$R"
t_eq "UKI beside: apply exits 0" 0 "$RC"
t_grep "UKI beside: a warning names the image and its command line" \
	"^warning: $UKI is a unified kernel image: its embedded command line \\(\"root=/dev/sda ro\"\\) stays" "$T/u2.err"
t_eq "UKI beside: the type #1 entries are updated" \
	"root=/dev/sda ro quiet console=ttyS0 systemd.machine_id=$MID $TOKS" "$(options "$E27")"
t_grep "UKI beside: the last line claims the entries only" "takes effect at the next boot of any installed kernel" "$T/u2.out"
run r2 remove --root "$R"
t_eq "then remove restores the entries again" "" "$(cmp "$T/$E27.orig" "$ENT/$E27" 2>&1)"

# versions: core/bootspec.h's order is systemd's (systemd-analyze compare-versions)
bad=
while read -r a b; do
	want=$(systemd-analyze compare-versions "$a" "$b" 2>/dev/null)
	got=$("$TOOL" vercmp "$a" "$b")
	[ "$want" = "$got" ] || bad="$bad [$want | $got]"
done <<'X'
6.1.0-27-amd64 6.1.0-28-amd64
6.1.0-9-amd64 6.1.0-10-amd64
6.12.1 6.1.99
6.1.0-27-amd64 6.1.0-27-cloud-amd64
5.14.0-362.8.1.el9_3.x86_64 5.14.0-70.13.1.el9_0.x86_64
1.0~rc1 1.0
1.0 1.0^
1.0^ 1.0.1
1.0a 1.0.1
1.a 1.1
1- 1
1-1 1.1
123a 123.a
1_2_3 1.3.3
A a
abc ab
007 7
0 ~
6.1.0-27-rt-amd64 6.1.0-27-amd64
X
t_eq "hugeplan orders versions as systemd-analyze compare-versions" "" "$bad"

t_done
