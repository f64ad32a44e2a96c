#!/bin/sh
# apply --dry-run on the running system, without touching it (tests/lib/ns.sh: a private mount
# namespace whose /boot, /etc/default and /var/lib are test folders): the command line every
# grub.cfg entry will get, from /etc/default/grub and every grub.d/*.cfg sourced in order in a
# shell of their own with the new snippet, must be what the real grub-mkconfig then writes
# after a real apply; and when check finds errors the dry run still prints it all, exit 1.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lib/ns.sh
. "$TOP/tests/lib/ns.sh"
ns_reexec --grub "$0" "$@"
t_init
HP=$B/hugeplan
KVER=$(uname -r)
T=$T_TMP
if ! ns_system "$T"; then
	t_done
	exit 1
fi
[ -e /usr/sbin/update-grub ] && t_fail "this test expects no update-grub installed"
mkdir -p "$T/conf/vms.d"
printf '[VM]\nMemory=1G\nPageSize=1G\n' >"$T/conf/vms.d/db.conf"
printf '[VM]\nMemory=128M\nPageSize=2M\n' >"$T/conf/vms.d/web.conf"
# what GRUB's own lexer changes, a file before hugeplan's and one after it
cat >"$T/default/grub" <<'X'
GRUB_DEFAULT=0
GRUB_DISABLE_OS_PROBER=true
GRUB_CMDLINE_LINUX="console=ttyS0 hugepages\"=3\""
GRUB_CMDLINE_LINUX_DEFAULT="quiet 'hugepages=4'"
X
# shellcheck disable=SC2016 # $GRUB_CMDLINE_LINUX_DEFAULT is for the shell grub-mkconfig runs
printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT loglevel=3\240hugepagesz=2M"\n' \
	>"$T/default/grub.d/50-local.cfg"
# shellcheck disable=SC2016 # as above
printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT mitigations=off"\n' \
	>"$T/default/grub.d/99z-late.cfg"

"$HP" apply --config "$T/conf" --dry-run >"$T/dry.out" 2>"$T/dry.err"
t_eq "dry run: exits 0" 0 "$?"
t_grep "dry run: says what it sourced" \
	"^next boot: /etc/default/grub and /etc/default/grub.d/\\*.cfg sourced in order" "$T/dry.out"
dry_normal=$(sed -n "s/^  $KVER: //p" "$T/dry.out")
dry_recovery=$(sed -n "s/^  $KVER (recovery mode): //p" "$T/dry.out")
t_grep "dry run: the normal entry gets the planned pool" "^    pool: .*, as planned$" "$T/dry.out"
[ -e /etc/default/grub.d/99-hugeplan.cfg ] && t_fail "dry run: wrote the snippet"

# the real thing: the snippet written, grub-mkconfig run by hugeplan
"$HP" apply --config "$T/conf" >"$T/apply.out" 2>"$T/apply.err"
t_eq "apply: exits 0" 0 "$?"
# linux lines as grub-mkconfig wrote them: what follows "ro " is the entry's arguments
linux_args() {
	grep -a -E "^[[:space:]]*linux[[:space:]]+[^ ]*/vmlinuz-$KVER " /boot/grub/grub.cfg |
		sed 's/^.* ro //' | sed -n "$1p"
}
# grub.cfg: the simple entry, then the submenu's advanced and recovery entries
t_eq "the dry run's normal line is grub-mkconfig's" "$(linux_args 1)" "$dry_normal"
t_eq "... and the advanced entry's" "$(linux_args 2)" "$dry_normal"
t_eq "the dry run's recovery line is grub-mkconfig's" "$(linux_args 3)" "$dry_recovery"
t_grep "the file sourced after the snippet is in it" "mitigations=off" /boot/grub/grub.cfg

# check errors (a kernel that is not installed): still the whole dry run, then exit 1
"$HP" apply --config "$T/conf" --dry-run --kver 6.1.0-99-amd64 >"$T/err.out" 2>"$T/err.err"
t_eq "dry run with check errors: exits 1" 1 "$?"
t_grep "... says the error" "^error +modules: no /lib/modules/6.1.0-99-amd64" "$T/err.err"
t_grep "... and that apply would write nothing" "apply would write nothing" "$T/err.err"
t_grep "... and still prints every entry's line" "^  $KVER: " "$T/err.out"
t_grep "... and the decision" "^unchanged: /etc/default/grub.d/99-hugeplan.cfg" "$T/err.out"

# tuned: 00_tuned sets $tuned_params in grub.cfg, which stands before hugeplan's words; the
# dry run's pool counts it, and check's error makes it exit 1
mkdir -p "$T/tuned"
printf 'TUNED_BOOT_CMDLINE="hugepagesz=1G hugepages=8"\n' >"$T/tuned/bootcmdline"
echo virtual-host >"$T/tuned/active_profile"
if [ -x /etc/grub.d/00_tuned ] && mount --bind "$T/tuned" /etc/tuned; then
	# shellcheck disable=SC2016 # $tuned_params is for GRUB, as 00_tuned sets it
	printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT \\$tuned_params"\n' \
		>/etc/default/grub.d/10-tuned.cfg
	"$HP" apply --config "$T/conf" --dry-run >"$T/tuned.out" 2>"$T/tuned.err"
	t_eq "tuned: dry run exits 1" 1 "$?"
	t_grep "tuned: check's error names the profile" "^error +tuned: tuned profile virtual-host puts hugepagesz=1G hugepages=8" "$T/tuned.err"
	t_grep "tuned: the normal entry's pool is tuned's 1G count, not the plan" \
		"^    pool: 8 x 1G, 64 x 2M, NOT the plan$" "$T/tuned.out"
	umount /etc/tuned
	rm -f /etc/default/grub.d/10-tuned.cfg
else
	t_fail "tuned's /etc/grub.d/00_tuned and a test /etc/tuned (package tuned, tests/install-deps.sh)"
fi

t_done
