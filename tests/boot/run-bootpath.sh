#!/bin/sh
# Real boots of what hugeplan apply writes on the other boot paths (issue 17), one QEMU at a
# time, with the initramfs of run.sh (the hugeplan module and the test module, which dumps
# the early-boot report):
#   bls       kernel-install's entry of the cached kernel, edited by hugeplan apply (an image,
#             --root, its $BOOT a tmpfs); the kernel boots with exactly the entry's options
#             line, as bootctl reads it, and must get the planned pool (1 x 1G, 64 x 2M) and
#             not the admin's stray hugepages=16;
#   quoted    GRUB, for real: the linux line the real grub-mkconfig wrote from settings
#             holding hugepages\"=3\" and 'hugepagesz=2M' 'hugepages=32', with hugeplan's
#             snippet, booted by GRUB 2.06 itself (grub-mkrescue, from the CD drive): GRUB's
#             lexer runs, the kernel gets the plan;
#   dashdash  a "--" in GRUB_CMDLINE_LINUX: apply refuses, naming the file and line; with the
#             "--" and init's words moved to GRUB_CMDLINE_LINUX_DEFAULT, as the refusal says,
#             the tokens stand before it and the kernel gets the plan.
# HP_BOOT_LONG=1 also boots the defects: the quoted settings without the snippet (GRUB hands
# the kernel hugepages=3 and hugepages=32) and the "--" left in GRUB_CMDLINE_LINUX (no pool).
# Expected pools: the one-node plan of 1G on 1G pages and 128M on 2M pages (tests/cli), which
# a 3 GiB guest with nokaslr holds (run.sh's "met" boot).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
if [ -z "${HP_IN_NS:-}" ] && unshare -m true 2>/dev/null; then
	HP_IN_NS=1 exec unshare -m sh "$0" "$@"
fi
# shellcheck source=tests/boot/lib-boot.sh
. "$(dirname "$0")/lib-boot.sh"
t_init
HP=$B/hugeplan
T=$T_TMP
G=1073741824
M2=2097152
MID=0123456789abcdef0123456789abcdef
RES="hugepagesz=2M hugepages=64 hugepagesz=1G hugepages=1"
TOKS="$RES hugeplan.plan=$(fnv "$RES")"

for c in grub-mkconfig grub-mkrescue xorriso bootctl kernel-install; do
	command -v $c >/dev/null || t_fail "$c is installed (tests/install-deps.sh)"
done
if ! mount --make-rprivate /; then
	t_skip "boot paths in a private mount namespace" "mounts cannot be made private"
	t_done
	exit 0
fi
if ! boot_setup default || ! mkimg "$T/test.img" base rootfs-block hugeplan hugeplan-test; then
	t_fail "boot setup: kernel fetched, test initramfs built"
	t_done
	exit
fi

# guest NAME: the report came; then "STATUS 1G-REQUESTED/ALLOCATED 2M-REQUESTED/ALLOCATED"
guest() {
	if ! report "$1"; then
		t_fail "$1: the guest printed a report" "$(grep -v '^ [0-9a-f][0-9a-f]' "$T/$1.log" | tail -n 20)"
		return 1
	fi
	q "$1" 'r["status"] + " " + " ".join("%s/%s" % (size(s)["requested"], size(s)["allocated"]) for s in ('"$G, $M2"') if size(s))'
}

# image NAME [GRUB_DEFAULT_LINES]: a host image (--root) planning db 1G on 1G, web 128M on 2M
image() {
	I=$T/$1
	t_image "$I" one-node-32g "${2:-}"
	mkdir -p "$I/etc/hugeplan/vms.d"
	printf '[VM]\nMemory=1G\nPageSize=1G\n' >"$I/etc/hugeplan/vms.d/db.conf"
	printf '[VM]\nMemory=128M\nPageSize=2M\n' >"$I/etc/hugeplan/vms.d/web.conf"
	# the kernel that boots, installed: apply checks it (the default boot entry, --kver)
	"$TOP/tests/check/mkmodtree.sh" "$I" "$KVER" ko:kernel/arch/x86/kvm/kvm.ko \
		ko:kernel/arch/x86/kvm/kvm-intel.ko ko:kernel/arch/x86/kvm/kvm-amd.ko >/dev/null 2>&1
	mkdir -p "$I/boot"
}

# --- bls: an entry's options line --------------------------------------------------------------
image bls
rm -f "$I/usr/sbin/grub-mkconfig"
mount -t tmpfs boot "$I/boot" || t_fail "a tmpfs as \$BOOT"
trap 'umount "$T/bls/boot" 2>/dev/null; t_cleanup' EXIT
mkdir -p "$I/boot/$MID" "$I/etc/kernel"
echo $MID >"$I/etc/machine-id"
printf 'layout=bls\n' >"$I/etc/kernel/install.conf"
printf 'console=ttyS0 panic=-1 root=/dev/sda ro quiet loglevel=1 nokaslr hugepages=16\n' \
	>"$I/etc/kernel/cmdline"
SYSTEMD_RELAX_ESP_CHECKS=1 BOOT_ROOT="$I/boot" MACHINE_ID=$MID KERNEL_INSTALL_CONF_ROOT="$I/etc/kernel" \
	KERNEL_INSTALL_PLUGINS=/usr/lib/kernel/install.d/90-loaderentry.install \
	kernel-install add "$KVER" "$VMLINUZ" >"$T/ki.log" 2>&1 || t_fail "kernel-install add" "$(cat "$T/ki.log")"
"$HP" apply --root "$I" >"$T/bls.out" 2>&1
t_eq "bls: apply exits 0" 0 "$?"
opts=$(SYSTEMD_RELAX_ESP_CHECKS=1 bootctl --esp-path="$I/boot" --no-variables list --json=short 2>/dev/null |
	python3 -c 'import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["id"] == sys.argv[1]:
        print(e.get("options", ""))' "$MID-$KVER.conf")
t_eq "bls: bootctl reads the entry's options with the tokens" \
	"console=ttyS0 panic=-1 root=/dev/sda ro quiet loglevel=1 nokaslr systemd.machine_id=$MID $TOKS" "$opts"
BOOT_RAW=1 boot bls "$T/test.img" "$opts" -m 3G
t_eq "bls: the kernel booted with the entry's options gets the planned pool" "met 1/1 64/64" "$(guest bls)"
t_eq "bls: ... and that command line" "$opts" "$(q bls 'r["cmdline"]')"

# --- GRUB, for real: grub-mkconfig's linux line, booted by GRUB from the CD drive ---------------
# mkcfg IMAGE: the real grub-mkconfig over IMAGE's /etc/default and a /boot with the kernel
mkcfg() {
	mkdir -p "$1/fakeboot/grub"
	cp "$VMLINUZ" "$1/fakeboot/vmlinuz-$KVER"
	: >"$1/fakeboot/initrd.img-$KVER"
	unshare -m sh -c "mount --bind '$1/fakeboot' /boot && mount --bind '$1/etc/default' /etc/default &&
		grub-mkconfig -o '$1/grub.cfg'" >"$1/mkconfig.log" 2>&1 ||
		t_fail "$(basename "$1"): grub-mkconfig" "$(tail -n 5 "$1/mkconfig.log")"
}
# iso IMAGE: a CD whose GRUB boots the first linux line of IMAGE's grub.cfg as written (its
# words after the image path: GRUB's lexer reads them at boot), with the CD's kernel and the
# test initramfs, root= as the test module wants it
iso() {
	line=$(grep -a -m1 -E '^[[:space:]]*linux[[:space:]]' "$1/grub.cfg" |
		sed -e 's/^[[:space:]]*linux[[:space:]]*[^[:space:]]*//' -e 's/root=[^[:space:]]*/root=\/dev\/sda/')
	D=$1/cd
	mkdir -p "$D/boot/grub"
	cp "$VMLINUZ" "$D/vmlinuz"
	cp "$T/test.img" "$D/initrd.img"
	cat >"$D/boot/grub/grub.cfg" <<X
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
menuentry 'hugeplan' {
	linux /vmlinuz$line
	initrd /initrd.img
}
X
	grub-mkrescue -o "$1/cd.iso" "$D" >"$1/mkrescue.log" 2>&1 ||
		t_fail "$(basename "$1"): grub-mkrescue" "$(tail -n 5 "$1/mkrescue.log")"
}

QUOTED='GRUB_DEFAULT=0
GRUB_DISABLE_OS_PROBER=true
GRUB_DISABLE_RECOVERY=true
GRUB_CMDLINE_LINUX="console=ttyS0 panic=-1 nokaslr hugepagesz=1G hugepages\"=3\""
GRUB_CMDLINE_LINUX_DEFAULT="quiet loglevel=1 '"'hugepagesz=2M' 'hugepages=32'"'"'
image quoted "$QUOTED"
"$HP" apply --root "$I" >"$T/quoted.out" 2>&1
t_eq "quoted: apply exits 0" 0 "$?"
mkcfg "$I"
t_grep "quoted: grub-mkconfig's linux line has the tokens, not the quoted words" \
	"linux[[:space:]].* console=ttyS0 panic=-1 nokaslr quiet loglevel=1 $TOKS\$" "$I/grub.cfg"
iso "$I"
BOOT_ISO=$I/cd.iso boot quoted "" "" -m 3G
t_eq "quoted: booted by GRUB, the kernel gets the planned pool" "met 1/1 64/64" "$(guest quoted)"
if [ -n "${HP_BOOT_LONG:-}" ]; then
	image quoted-alone "$QUOTED"
	mkcfg "$I"
	iso "$I"
	BOOT_ISO=$I/cd.iso boot quoted-alone "" "" -m 3G
	# 3 x 1G asked, one GiB free in the guest; 32 x 2M
	t_eq "quoted, without the snippet: GRUB hands the kernel hugepages=3 and hugepages=32" \
		"short 3/1 32/32" "$(guest quoted-alone)"
fi

DASH='GRUB_DEFAULT=0
GRUB_DISABLE_OS_PROBER=true
GRUB_DISABLE_RECOVERY=true
GRUB_CMDLINE_LINUX="console=ttyS0 panic=-1 nokaslr -- single"
GRUB_CMDLINE_LINUX_DEFAULT="quiet loglevel=1"'
image dashdash "$DASH"
"$HP" apply --root "$I" >"$T/dash.out" 2>&1
t_eq "dashdash: apply refuses a -- in GRUB_CMDLINE_LINUX" 1 "$?"
t_grep "... naming the file and line" "grub-init: $I/etc/default/grub:4: GRUB_CMDLINE_LINUX holds a \"--\"" "$T/dash.out"
if [ -n "${HP_BOOT_LONG:-}" ]; then
	# what apply refused, written anyway: the snippet's tokens after the "--"
	mkdir -p "$I/etc/default/grub.d"
	# shellcheck disable=SC2086 # one argument per token
	"$B/tests/grub-tool" snippet $TOKS >"$I/etc/default/grub.d/99-hugeplan.cfg"
	mkcfg "$I"
	t_grep "dashdash, as refused: the tokens stand after the --" "linux[[:space:]].* -- single quiet loglevel=1 $TOKS\$" "$I/grub.cfg"
	iso "$I"
	BOOT_ISO=$I/cd.iso boot dashdash-refused "" "" -m 3G
	t_eq "dashdash, as refused: the kernel reserves nothing" "nothing-requested 0/0 0/0" \
		"$(guest dashdash-refused)"
fi
# as the refusal says: the "--" and init's words at the end of GRUB_CMDLINE_LINUX_DEFAULT
image dashdash-fixed 'GRUB_DEFAULT=0
GRUB_DISABLE_OS_PROBER=true
GRUB_DISABLE_RECOVERY=true
GRUB_CMDLINE_LINUX="console=ttyS0 panic=-1 nokaslr"
GRUB_CMDLINE_LINUX_DEFAULT="quiet loglevel=1 -- single"'
"$HP" apply --root "$I" >"$T/dashfix.out" 2>&1
t_eq "dashdash, moved: apply exits 0" 0 "$?"
mkcfg "$I"
t_grep "dashdash, moved: the tokens stand before the --" "linux[[:space:]].* quiet loglevel=1 $TOKS -- single\$" "$I/grub.cfg"
iso "$I"
BOOT_ISO=$I/cd.iso boot dashdash-fixed "" "" -m 3G
t_eq "dashdash, moved: booted by GRUB, the kernel gets the planned pool" "met 1/1 64/64" "$(guest dashdash-fixed)"
t_eq "... and init still gets its words: the command line ends with them" "-- single" \
	"$(q dashdash-fixed 'r["cmdline"][-9:]')"

t_done
