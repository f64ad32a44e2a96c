#!/bin/sh
# Issue 12 item 3: without /etc/kernel/cmdline, kernel-install reads /usr/lib/kernel/cmdline,
# else /proc/cmdline less BOOT_IMAGE= and initrd= (its 90-loaderentry.install). apply must
# make the file from the same (the landed code always took /proc/cmdline), and a one-off
# /proc/cmdline (single, init=/bin/bash, rd.break) frozen into it deserves a warning naming
# the words. The expected text comes from the real plugin: its own lines that choose the
# command line, run on the image before and after apply.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"
PLUGIN=/usr/lib/kernel/install.d/90-loaderentry.install
KCMD=etc/kernel/cmdline
if [ ! -f "$PLUGIN" ]; then
	t_fail "kernel-install's $PLUGIN is installed (package systemd)"
	t_done
	exit 1
fi
RES="hugepagesz=1G hugepages=2"
TOKS="$RES hugeplan.plan=$(fnv "$RES")"

# plugin_options ROOT: BOOT_OPTIONS as the plugin computes it, its paths under ROOT
plugin_options() {
	# shellcheck disable=SC2016 # the plugin's own text, with its $ signs, is matched
	sed -n '/^if \[ -n "\$KERNEL_INSTALL_CONF_ROOT" \]; then/,/^BOOT_OPTIONS="\${BOOT_OPTIONS% }"/p' "$PLUGIN" |
		sed "s|/etc/kernel/cmdline|$1/etc/kernel/cmdline|g; s|/usr/lib/kernel/cmdline|$1/usr/lib/kernel/cmdline|g; s|/proc/cmdline|$1/proc/cmdline|g" >"$T_TMP/choose.sh"
	grep -q "BOOT_OPTIONS=" "$T_TMP/choose.sh" || t_fail "the plugin's lines that choose the command line are found"
	env -u KERNEL_INSTALL_CONF_ROOT sh -c ". '$T_TMP/choose.sh'; printf '%s\n' \"\$BOOT_OPTIONS\""
}

# /usr/lib/kernel/cmdline there: the file is made from it
R=$T_TMP/u
image "$R" none
mkdir -p "$R/usr/lib/kernel"
printf 'root=UUID=4242 ro splash rootflags=subvol=@\n' >"$R/usr/lib/kernel/cmdline"
printf 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro single\n' >"$R/proc/cmdline"
want=$(plugin_options "$R")
t_eq "the plugin reads /usr/lib/kernel/cmdline first" "root=UUID=4242 ro splash rootflags=subvol=@" "$want"
run u "$HP" apply --root "$R" --bootloader=kernel-install
t_eq "/usr/lib/kernel/cmdline there: exit 0" 0 "$RC"
t_eq "/usr/lib/kernel/cmdline there: the file is what kernel-install read, and the tokens" \
	"$want $TOKS" "$(cat "$R/$KCMD")"
t_eq "... which is what kernel-install reads now" "$want $TOKS" "$(plugin_options "$R")"
t_grep "/usr/lib/kernel/cmdline there: says where the file comes from" \
	"^note: $R/$KCMD does not exist: it is made from $R/usr/lib/kernel/cmdline" "$T_TMP/u.out"
t_eq "/usr/lib/kernel/cmdline there: no warning about /proc/cmdline's words" "" \
	"$(grep 'one boot' "$T_TMP/u.err")"
run urm "$HP" remove --root "$R"
t_eq "remove: the file made from /usr/lib/kernel/cmdline goes again" "0 no" \
	"$RC $([ -e "$R/$KCMD" ] && echo yes || echo no)"

# only /proc/cmdline: made from it, and its one-boot words named
R=$T_TMP/p
image "$R" none
printf 'BOOT_IMAGE=/vmlinuz-6.1 root=/dev/sda1 ro single init=/bin/bash initrd=\\initrd quiet\n' >"$R/proc/cmdline"
want=$(plugin_options "$R")
run p "$HP" apply --root "$R" --bootloader=kernel-install
t_eq "only /proc/cmdline: exit 0" 0 "$RC"
t_eq "only /proc/cmdline: the file is what kernel-install read, and the tokens" "$want $TOKS" "$(cat "$R/$KCMD")"
t_grep "only /proc/cmdline: a warning naming the one-boot words" \
	"^warning: $R/proc/cmdline holds words for this one boot \(single init=/bin/bash\)" "$T_TMP/p.err"
t_done
