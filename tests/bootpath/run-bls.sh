#!/bin/sh
# Boot Loader Specification entries with the real tools (Debian's systemd-boot package), in a
# private mount namespace whose tmpfs is the ESP ($BOOT): kernel-install add writes the type
# #1 entries of two kernels from a kernel command line holding a hugepage word of the admin's;
# core/bls.h puts hugeplan's tokens in; bootctl list (systemd's own BLS parser) must show every
# entry with exactly the tokens once and the other words as kernel-install wrote them; an
# entry kernel-install adds from an /etc/kernel/cmdline edited by core/cmdline-edit.h carries
# them; the undo gives back each entry byte for byte. A UKI made with objcopy on systemd's own
# stub shows its embedded .cmdline in bootctl and in core/pe.h alike.
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
T=$T_TMP
STUB=/usr/lib/systemd/boot/efi/linuxx64.efi.stub

mount --make-rprivate / || t_fail "private mounts"
mkdir -p "$T/esp" "$T/conf"
mount -t tmpfs esp "$T/esp" || t_fail "a tmpfs as the ESP"
trap 'umount "$T/esp"; t_cleanup' EXIT
ESP=$T/esp
MID=0123456789abcdef0123456789abcdef
TOKS="default_hugepagesz=1G hugepagesz=1G hugepages=2 hugeplan.plan=0123456789abcdef"
export SYSTEMD_RELAX_ESP_CHECKS=1 BOOT_ROOT="$ESP" MACHINE_ID=$MID KERNEL_INSTALL_CONF_ROOT="$T/conf"
printf 'layout=bls\n' >"$T/conf/install.conf"
printf 'root=/dev/sda ro quiet hugepages=64 console=ttyS0\n' >"$T/conf/cmdline"
mkdir -p "$ESP/$MID"

ki_add() {
	echo "not a kernel $1" >"$T/vmlinuz-$1"
	kernel-install add "$1" "$T/vmlinuz-$1" >"$T/ki-$1.log" 2>&1 ||
		t_fail "kernel-install add $1" "$(cat "$T/ki-$1.log")"
}

# options ID: the options bootctl list reports for the entry ID
options() {
	bootctl --esp-path="$ESP" --no-variables list --json=short 2>"$T/bootctl.err" |
		python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e["id"] == sys.argv[1]:
        print(e.get("options", ""))' "$1"
}

for v in 6.1.0-26-amd64 6.1.0-27-amd64; do
	ki_add $v
done
E1=$MID-6.1.0-26-amd64.conf
E2=$MID-6.1.0-27-amd64.conf
t_eq "kernel-install wrote the entries" "$E1 $E2" "$(cd "$ESP/loader/entries" && for e in *; do echo "$e"; done | paste -sd' ')"
BASE="root=/dev/sda ro quiet hugepages=64 console=ttyS0 systemd.machine_id=$MID"
t_eq "bootctl reads kernel-install's options" "$BASE" "$(options $E1)"
t_eq "bootctl reads the same through core/bls.h" "$BASE" \
	"$("$TOOL" bls-options "$ESP/loader/entries/$E1")"

# apply: the tokens into each entry, the admin's hugepages=64 out (the kernel would take the
# first hugepages= it reads for the default size)
WANT="root=/dev/sda ro quiet console=ttyS0 systemd.machine_id=$MID $TOKS"
for e in $E1 $E2; do
	cp "$ESP/loader/entries/$e" "$T/$e.before"
	# shellcheck disable=SC2086 # one argument per token
	"$TOOL" bls-edit "$ESP/loader/entries/$e" $TOKS >"$T/$e.after" &&
		cp "$T/$e.after" "$ESP/loader/entries/$e"
	t_eq "$e: bootctl list shows exactly the tokens once, other words kept" "$WANT" "$(options "$e")"
	t_eq "$e: only the options line changed" "1" \
		"$(diff "$T/$e.before" "$T/$e.after" | grep -c '^>')"
	# shellcheck disable=SC2086 # one argument per token
	"$TOOL" bls-edit "$T/$e.after" $TOKS >"$T/$e.again"
	t_eq "$e: a second apply changes nothing" "" "$(cmp "$T/$e.after" "$T/$e.again" 2>&1)"
done
t_eq "bootctl reports no problem with the edited entries" "" \
	"$(grep -v -e '^$' -e 'No boot loader' -e 'not installed' -e 'Failed to read EFI' "$T/bootctl.err" | head -n 3)"

# a kernel installed later: from /etc/kernel/cmdline with the tokens
# shellcheck disable=SC2086 # one argument per token
"$TOOL" cmdline-edit "$T/conf/cmdline" $TOKS >"$T/cmdline.new" && cp "$T/cmdline.new" "$T/conf/cmdline"
ki_add 6.1.0-28-amd64
E3=$MID-6.1.0-28-amd64.conf
t_eq "kernel-install add of a new kernel carries the tokens once (bootctl)" \
	"root=/dev/sda ro quiet console=ttyS0 $TOKS systemd.machine_id=$MID" "$(options $E3)"
# shellcheck disable=SC2086 # one argument per token
"$TOOL" bls-edit "$ESP/loader/entries/$E3" $TOKS >"$T/$E3.again"
t_eq "$E3: apply leaves kernel-install's entry as it is" "" \
	"$(cmp "$ESP/loader/entries/$E3" "$T/$E3.again" 2>&1)"

# remove: each entry back byte for byte
for e in $E1 $E2; do
	"$TOOL" bls-undo "$ESP/loader/entries/$e" "$T/$e.before" "$T/$e.after" >"$T/$e.undo"
	cp "$T/$e.undo" "$ESP/loader/entries/$e"
	t_eq "$e: remove restores the entry byte for byte" "" \
		"$(cmp "$T/$e.before" "$ESP/loader/entries/$e" 2>&1)"
done
t_eq "after remove bootctl shows the admin's own options again" "$BASE" "$(options $E1)"

# a UKI: systemd's stub with a kernel, os-release and a command line added by objcopy
echo "not a kernel" >"$T/linux"
printf 'ID=debian\nPRETTY_NAME="Debian UKI"\nVERSION_ID=12\n' >"$T/osrel"
printf 'root=/dev/sda ro hugepagesz=2M hugepages=32\n' >"$T/uki.cmdline"
mkdir -p "$ESP/EFI/Linux"
if objcopy --add-section .osrel="$T/osrel" --change-section-vma .osrel=0x20000 \
	--add-section .cmdline="$T/uki.cmdline" --change-section-vma .cmdline=0x30000 \
	--add-section .linux="$T/linux" --change-section-vma .linux=0x2000000 \
	"$STUB" "$ESP/EFI/Linux/debian-6.1.0-27-amd64.efi" 2>"$T/objcopy.err"; then
	t_ok "objcopy makes a UKI from $STUB"
else
	t_fail "objcopy makes a UKI from $STUB" "$(cat "$T/objcopy.err")"
fi
t_eq "bootctl reads the UKI's .cmdline" "root=/dev/sda ro hugepagesz=2M hugepages=32" \
	"$(options debian-6.1.0-27-amd64.efi)"
"$TOOL" uki-cmdline "$ESP/EFI/Linux/debian-6.1.0-27-amd64.efi" >"$T/uki.out"
t_eq "core/pe.h: a UKI, with the same command line" \
	"uki=yes cmdline=root=/dev/sda ro hugepagesz=2M hugepages=32" "$(paste -sd' ' "$T/uki.out")"
"$TOOL" uki-cmdline "$STUB" >"$T/stub.out"
t_eq "core/pe.h: the bare stub is no UKI" "uki=no" "$(cat "$T/stub.out")"

t_done
