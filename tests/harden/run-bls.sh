#!/bin/sh
# Issue 17 on issue 12's rooted layer: the Boot Loader Specification side of apply and remove
# (entries under $BOOT/loader/entries, unified kernel images, the records under
# /var/lib/hugeplan/entries) reads and writes beneath --root like every other path, and runs
# inside the one lock.
#   - an image whose $BOOT/loader/entries, whose /boot, or whose /var/lib/hugeplan/entries is
#     an absolute link to a directory of the host: resolved inside the image, as a chroot
#     would; the host's directory (entries of its own, a record planted there) is neither
#     listed, read nor written;
#   - a FIFO where an entry or a record is: refused with the path named, nothing written,
#     never a hang;
#   - an apply that waits for the lock while a remove changes the entries sees them as the
#     remove left them: the one remove's effect (a real hugeplan remove on a copy of the
#     image, put in place while this script holds the lock) lands between apply's start and
#     its first read, and apply then puts its words back instead of saying "unchanged".
# Expected tokens follow the planner's rules (tests/cli/run-apply.sh): one VM of 2G in 1G pages.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"

MID=0123456789abcdef0123456789abcdef
KV=$T_KVER
NAME=$MID-$KV.conf
RES="hugepagesz=1G hugepages=2"
TOKS="$RES hugeplan.plan=$(fnv "$RES")"
ORIG="root=/dev/sda ro quiet"
H=$T_TMP/host # stands for the host: absolute links in the images point here

# entry OPTIONS: a type #1 entry of this system's installed kernel, as kernel-install writes it
entry() {
	printf 'title Debian GNU/Linux 12\nversion %s\nmachine-id %s\nsort-key debian\noptions %s\nlinux /%s/%s/linux\n' \
		"$KV" "$MID" "$1" "$MID" "$KV"
}

# bls_image DIR BOOT: an image (harden's one-VM host) whose $BOOT is DIR/BOOT, with one entry
bls_image() {
	image "$1" ki
	echo $MID >"$1/etc/machine-id"
	printf 'layout=bls\n' >"$1/etc/kernel/install.conf"
	mkdir -p "$1$2/loader/entries" "$1$2/$MID/$KV"
	echo "not a kernel" >"$1$2/$MID/$KV/linux"
	entry "$ORIG" >"$1$2/loader/entries/$NAME"
}

# host_dir DIR: a directory of the host with an entry of its own, and its listing
host_dir() {
	mkdir -p "$1"
	entry "host-only HOST-MARKER" >"$1/$MID-6.1.0-26-amd64.conf"
	entry "host HOST-MARKER" >"$1/$NAME"
}

# ok_applied LABEL IMG_ENTRY: apply exited 0 and edited the image's entry, naming no host file
ok_applied() {
	t_eq "$1: apply exits 0" 0 "$RC"
	t_eq "$1: the image's entry has hugeplan's words" "$ORIG $TOKS" \
		"$(sed -n 's/^options //p' "$2" 2>/dev/null)"
	t_eq "$1: nothing from the host's directory is named or read" "" \
		"$(grep -h -e 6.1.0-26 -e HOST-MARKER "$T_TMP/$1.out" "$T_TMP/$1.err")"
}

# 1. $BOOT/loader/entries an absolute link to the host's directory
R=$T_TMP/r1
bls_image "$R" /boot
host_dir "$H/entries"
tree "$H" >"$T_TMP/host.before"
mkdir -p "$R$H"
mv "$R/boot/loader/entries" "$R$H/entries"
ln -s "$H/entries" "$R/boot/loader/entries"
run entries-link "$HP" apply --root "$R" --bootloader=bls
ok_applied entries-link "$R$H/entries/$NAME"
tree "$H" >"$T_TMP/host.after"
t_diff "entries-link: the host's directory is as it was" "$T_TMP/host.before" "$T_TMP/host.after"
t_eq "entries-link: the host's entries are as they were" "host HOST-MARKER" \
	"$(sed -n 's/^options //p' "$H/entries/$NAME")"
run entries-link-rm "$HP" remove --root "$R"
t_eq "entries-link: remove exits 0" 0 "$RC"
t_eq "entries-link: remove gives the image's entry back" "" "$(entry "$ORIG" | cmp - "$R$H/entries/$NAME" 2>&1)"
tree "$H" >"$T_TMP/host.after"
t_diff "entries-link: remove leaves the host's directory as it was" "$T_TMP/host.before" "$T_TMP/host.after"

# 2. /boot itself an absolute link to the host's /boot
rm -rf "$H"
R=$T_TMP/r2
bls_image "$R" "$H/boot"
host_dir "$H/boot/loader/entries"
mkdir -p "$H/boot/$MID/$KV" "$H/boot/$MID/6.1.0-26-amd64"
tree "$H" >"$T_TMP/host.before"
ln -s "$H/boot" "$R/boot"
run boot-link "$HP" apply --root "$R" --bootloader=bls
ok_applied boot-link "$R$H/boot/loader/entries/$NAME"
tree "$H" >"$T_TMP/host.after"
t_diff "boot-link: the host's /boot is as it was" "$T_TMP/host.before" "$T_TMP/host.after"

# 3. /var/lib/hugeplan/entries a link to a host directory holding a planted record
rm -rf "$H"
R=$T_TMP/r3
bls_image "$R" /boot
mkdir -p "$H/records/$NAME" "$R/var/lib/hugeplan" "$R$H/records"
printf '/boot/loader/entries/%s\n' "$NAME" >"$H/records/$NAME/path"
entry "planted HOST-MARKER" >"$H/records/$NAME/before"
entry "$ORIG $TOKS" >"$H/records/$NAME/after"
tree "$H" >"$T_TMP/host.before"
ln -s "$H/records" "$R/var/lib/hugeplan/entries"
run records-link "$HP" apply --root "$R" --bootloader=bls
ok_applied records-link "$R/boot/loader/entries/$NAME"
t_eq "records-link: the record is written inside the image" "" \
	"$(entry "$ORIG" | cmp - "$R$H/records/$NAME/before" 2>&1)"
run records-link-rm "$HP" remove --root "$R"
t_eq "records-link: remove exits 0" 0 "$RC"
t_eq "records-link: remove restores the entry from the image's record, not the host's" "" \
	"$(entry "$ORIG" | cmp - "$R/boot/loader/entries/$NAME" 2>&1)"
tree "$H" >"$T_TMP/host.after"
t_diff "records-link: the host's directory is as it was" "$T_TMP/host.before" "$T_TMP/host.after"

# 4. a FIFO where an entry is, and where a record file is: refused, named, no hang
R=$T_TMP/r4
bls_image "$R" /boot
mkfifo "$R/boot/loader/entries/$MID-6.1.0-26-amd64.conf"
tree "$R" >"$T_TMP/img.before"
run fifo-entry "$HP" apply --root "$R" --bootloader=bls
t_eq "fifo-entry: refused (exit 2), not a hang (124)" 2 "$RC"
t_grep "fifo-entry: the entry is named" "$R/boot/loader/entries/$MID-6.1.0-26-amd64.conf" "$T_TMP/fifo-entry.err"
tree "$R" >"$T_TMP/img.after"
t_diff "fifo-entry: nothing written" "$T_TMP/img.before" "$T_TMP/img.after"
rm "$R/boot/loader/entries/$MID-6.1.0-26-amd64.conf"
run fifo-apply "$HP" apply --root "$R" --bootloader=bls
t_eq "fifo-record: an apply first" 0 "$RC"
rm "$R/var/lib/hugeplan/entries/$NAME/before"
mkfifo "$R/var/lib/hugeplan/entries/$NAME/before"
tree "$R" >"$T_TMP/img.before"
run fifo-record "$HP" remove --root "$R"
t_eq "fifo-record: refused (exit 2), not a hang (124)" 2 "$RC"
t_grep "fifo-record: the record is named" "$R/var/lib/hugeplan/entries/$NAME/before" "$T_TMP/fifo-record.err"
tree "$R" >"$T_TMP/img.after"
t_diff "fifo-record: nothing written" "$T_TMP/img.before" "$T_TMP/img.after"

# 5. apply waiting for the lock while a remove takes hugeplan's words out of the entries
R=$T_TMP/r5
bls_image "$R" /boot
run lock-apply "$HP" apply --root "$R" --bootloader=bls
t_eq "lock: the first apply" 0 "$RC"
cp -a "$R" "$T_TMP/r5-copy"
run lock-remove "$HP" remove --root "$T_TMP/r5-copy"
t_eq "lock: remove, on a copy" 0 "$RC"
LOCK=$R/var/lib/hugeplan/lock
: >"$LOCK"
exec 9>"$LOCK"
flock -x 9 || t_fail "lock: this script holds $LOCK"
"$HP" apply --root "$R" --bootloader=bls --wait 20 >"$T_TMP/lock-wait.out" 2>"$T_TMP/lock-wait.err" </dev/null 9>&- &
PID=$!
i=0
while ! grep -q 'waiting for' "$T_TMP/lock-wait.err" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
t_grep "lock: the second apply waits for the lock" "waiting for $LOCK" "$T_TMP/lock-wait.err"
# what the remove did, put in place while the lock is held (the lock file itself stays)
cp "$T_TMP/r5-copy/boot/loader/entries/$NAME" "$R/boot/loader/entries/$NAME"
rm -rf "$R/var/lib/hugeplan/entries" "$R/var/lib/hugeplan/applied" "$R/etc/kernel/cmdline"
cp -a "$T_TMP/r5-copy/etc/kernel/." "$R/etc/kernel/"
exec 9>&-
wait $PID
RC=$?
t_eq "lock: the second apply exits 0" 0 "$RC"
t_eq "lock: it saw the entry as remove left it, and put the words back" "$ORIG $TOKS" \
	"$(sed -n 's/^options //p' "$R/boot/loader/entries/$NAME")"
t_eq "lock: its record is the entry remove left" "" \
	"$(entry "$ORIG" | cmp - "$R/var/lib/hugeplan/entries/$NAME/before" 2>&1)"
t_done
