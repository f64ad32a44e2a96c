#!/bin/sh
# Issue 12 item 8: the file apply writes gets a fixed, documented mode (0644: the snippet,
# /etc/kernel/cmdline, the state), whatever the old file had: a setuid, world-writable or
# private old file never passes its mode on, nor does a hard link (the other name keeps the
# old file, untouched). The same content under another mode is not "unchanged": the mode is
# put right.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"
SNIP=etc/default/grub.d/99-hugeplan.cfg
STATE=var/lib/hugeplan/applied

R=$T_TMP/g
image "$R" grub
"$HP" apply --root "$R" >/dev/null 2>&1 || t_fail "the first apply"
mode() { stat -c %a "$1"; }

for m in 4755 666 600; do
	chmod "$m" "$R/$SNIP" "$R/$STATE"
	printf '[VM]\nMemory=%sM\nPageSize=2M\n' "$((m % 7 * 64 + 64))" >"$R/etc/hugeplan/vms.d/web.conf"
	run ch$m "$HP" apply --root "$R"
	t_eq "old files of mode $m, a changed plan: exit 0" 0 "$RC"
	t_eq "old files of mode $m: the snippet and the state get 644" "644 644" \
		"$(mode "$R/$SNIP") $(mode "$R/$STATE")"
done
# the same content, another mode: rewritten with the mode put right
chmod 4777 "$R/$SNIP"
run same "$HP" apply --root "$R"
t_eq "unchanged content under mode 4777: exit 0" 0 "$RC"
t_eq "unchanged content under mode 4777: the snippet gets 644" 644 "$(mode "$R/$SNIP")"
t_grep "unchanged content under mode 4777: said as written" "^wrote $R/$SNIP: " "$T_TMP/same.out"

# a hard link: the other name keeps the old file and its mode; ours is a file of its own
ln "$R/$SNIP" "$T_TMP/other"
chmod 6755 "$T_TMP/other"
cp "$T_TMP/other" "$T_TMP/other.copy"
printf '[VM]\nMemory=96M\nPageSize=2M\n' >"$R/etc/hugeplan/vms.d/web.conf"
run link "$HP" apply --root "$R"
t_eq "a hard link: exit 0" 0 "$RC"
t_eq "a hard link: the snippet gets 644 and one link" "644 1" "$(stat -c '%a %h' "$R/$SNIP")"
t_eq "a hard link: the other name keeps its mode and content" "6755 same" \
	"$(mode "$T_TMP/other") $(cmp -s "$T_TMP/other" "$T_TMP/other.copy" && echo same)"

# kernel-install
K=$T_TMP/k
image "$K" ki
chmod 4755 "$K/etc/kernel/cmdline"
run ki "$HP" apply --root "$K" --bootloader=kernel-install
t_eq "/etc/kernel/cmdline of mode 4755: exit 0, mode 644" "0 644" "$RC $(mode "$K/etc/kernel/cmdline")"
t_done
