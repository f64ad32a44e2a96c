# Boot helpers for tests/boot/run*.sh (sourced after tests/lib.sh and t_init).
# shellcheck shell=sh

# boot_setup [KERNEL]: a cached Debian cloud kernel (tests/lib/e2e-kernel.sh KERNEL: default or
# newest) and a private copy of dracut with the hugeplan module and the test module; nothing
# of the system's dracut changes.
boot_setup() {
	boot_kernel "${1:-default}" || return 1
	DRACUT_DIR=$T_TMP/dracut
	[ -d "$DRACUT_DIR" ] && return 0
	cp -a /usr/lib/dracut "$DRACUT_DIR" || return 1
	cp -a "$TOP/dracut-module/50hugeplan" "$DRACUT_DIR/modules.d/" || return 1
	cp -a "$TOP/tests/boot/99hugeplan-test" "$DRACUT_DIR/modules.d/" || return 1
	cp "$TOP/tests/fixtures/mkdump.sh" "$DRACUT_DIR/modules.d/99hugeplan-test/" || return 1
}

# boot_kernel KERNEL: KDIR, KVER, VMLINUZ and KCONFIG (its /boot/config) of that kernel
boot_kernel() {
	KDIR=$(sh "$TOP/tests/lib/e2e-kernel.sh" "$1") || return 1
	KVER=$(basename "$KDIR")
	VMLINUZ=$KDIR/boot/vmlinuz-$KVER
	# shellcheck disable=SC2034 # for the tiers that read the configuration
	KCONFIG=$KDIR/boot/config-$KVER
}

# mkimg OUT MODULES...: an uncompressed initramfs with exactly these dracut modules
mkimg() {
	_out=$1
	shift
	HUGEPLAN_VERIFY=$B/hugeplan-verify dracutbasedir=$DRACUT_DIR \
		dracut -q -f --no-hostonly --no-compress --tmpdir "$T_TMP" --kver "$KVER" \
		--kmoddir "$KDIR/lib/modules/$KVER" -m "$*" "$_out" >"$_out.log" 2>&1
}

# keys: presses Enter on the serial console every second (systemd's emergency shell is behind
# sulogin's "Press Enter for maintenance"); ends when QEMU does
keys() {
	while sleep 1; do printf '\r' || break; done
}

# boot NAME IMG APPEND [QEMU ARGS...]: boot to power-off (or the timeout); the console
# goes to $T_TMP/NAME.log without carriage returns and terminal escapes (the firmware clears
# the screen; with "quiet" the first line of the initramfs follows the firmware's "Booting from
# ROM.." on the same line, so a line break is put after it). Sets BOOT_S to the seconds taken.
# BOOT_RAW=1: APPEND is the whole command line (a boot entry's, say), nothing put before it.
# BOOT_ISO=FILE: boot that image from the CD drive (its boot loader has the kernel, the
# initramfs and their command line), IMG and APPEND unused.
boot() {
	_name=$1 _img=$2 _append=$3
	shift 3
	if [ -z "${BOOT_RAW:-}" ]; then
		_append="console=ttyS0 panic=-1 root=/dev/sda quiet loglevel=1 $_append"
	fi
	_t0=$(date +%s)
	if [ -n "${BOOT_KEYS:-}" ]; then keys; fi | if [ -n "${BOOT_ISO:-}" ]; then
		timeout "${BOOT_TIMEOUT:-120}" qemu-system-x86_64 -accel tcg -cpu max -smp 2 \
			-nographic -no-reboot -cdrom "$BOOT_ISO" -boot d "$@" 2>&1
	else
		timeout "${BOOT_TIMEOUT:-120}" qemu-system-x86_64 -accel tcg -cpu max -smp 2 \
			-nographic -no-reboot -kernel "$VMLINUZ" -initrd "$_img" -append "$_append" \
			"$@" 2>&1
	fi | tr -d '\r' |
		sed 's/\x1bc//g; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/^Booting from ROM\.\.*/&\n/' >"$T_TMP/$_name.log"
	BOOT_S=$(($(date +%s) - _t0))
	echo "# boot $_name: $BOOT_S s"
}

# report NAME: decode the files the guest dumped into $T_TMP/NAME.root; 0 if a report came
report() {
	rm -rf "$T_TMP/$1.root"
	mkdir -p "$T_TMP/$1.root"
	python3 "$TOP/tests/boot/hpt.py" files "$T_TMP/$1.log" "$T_TMP/$1.root" &&
		[ -f "$T_TMP/$1.root/run/hugeplan/boot-report.json" ]
}

# q NAME EXPR: EXPR over NAME's report (see hpt.py get)
q() {
	python3 "$TOP/tests/boot/hpt.py" get "$T_TMP/$1.root/run/hugeplan/boot-report.json" "$2" 2>&1
}

# kmsg NAME: the guest's HugeTLB and hugeplan kernel log records
kmsg() {
	python3 "$TOP/tests/boot/hpt.py" kmsg "$T_TMP/$1.log"
}
