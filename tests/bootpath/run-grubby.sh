#!/bin/sh
# Where grubby is installed (Fedora, RHEL), apply lets it edit the Boot Loader Specification
# entries: on the running system without touching it (tests/lib/ns.sh, /etc/kernel a test folder
# too), the entries written by the real kernel-install. grubby is not in Debian: a stand-in on
# /usr/sbin edits an entry the way grubby-bls does for --update-kernel=KERNEL --remove-args=
# --args= (the listed words out of its options, the new ones at the end) and logs its calls.
# What hugeplan must do: name the entry by its kernel as grubby shows it ($BOOT and the linux
# line), remove the owned words it holds, add the tokens, check the result holds exactly
# them, record what grubby wrote as the entry's "after"; remove then gives the entry back
# byte for byte; a grubby that leaves something else is an error, named.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lib/ns.sh
. "$TOP/tests/lib/ns.sh"
ns_reexec --grub "$0" "$@"
t_init
HP=$B/hugeplan
T=$T_TMP
KVER=$(uname -r)
MID=$(cat /etc/machine-id)
if ! ns_system "$T"; then
	t_done
	exit 1
fi
mkdir -p "$T/conf/vms.d" "$T/kernel" "/boot/$MID"
printf '[VM]\nMemory=1G\nPageSize=1G\n' >"$T/conf/vms.d/db.conf"
printf 'layout=bls\n' >"$T/kernel/install.conf"
printf 'root=/dev/sda ro quiet hugepages=64\n' >"$T/kernel/cmdline"
cat >"$T/sbin/grubby" <<'X'
#!/bin/sh
echo "$*" >>"$GRUBBY_LOG"
kernel= rm= add=
for a; do
	case $a in
	--update-kernel=*) kernel=${a#*=} ;;
	--remove-args=*) rm=${a#*=} ;;
	--args=*) add=${a#*=} ;;
	esac
done
[ -e "$GRUBBY_LOG.broken" ] && add=
for e in /boot/loader/entries/*.conf; do
	# grubby shows a kernel as /boot and the entry's linux line, unless that already starts so
	l=$(sed -n 's/^linux[[:space:]]*//p' "$e")
	case $l in /boot/*) ;; *) l=/boot$l ;; esac
	[ "$l" = "$kernel" ] || continue
	awk -v rm=" $rm " -v add="$add" '
	/^options[ \t]/ {
		out = ""
		for (i = 2; i <= NF; i++) if (index(rm, " " $i " ") == 0) out = out " " $i
		if (add != "") out = out " " add
		print "options" out
		next
	}
	{ print }' "$e" >"$e.new" && mv "$e.new" "$e"
done
X
chmod 755 "$T/sbin/grubby"
export GRUBBY_LOG="$T/grubby.log"
if ! mount --bind "$T/kernel" /etc/kernel || ! ns_update_grub "$T"; then
	t_fail "a test /etc/kernel and the stand-in grubby on /usr/sbin"
	t_done
	exit 1
fi
SYSTEMD_RELAX_ESP_CHECKS=1 BOOT_ROOT=/boot MACHINE_ID=$MID \
	KERNEL_INSTALL_PLUGINS=/usr/lib/kernel/install.d/90-loaderentry.install \
	kernel-install add "$KVER" "/boot/vmlinuz-$KVER" >"$T/ki.log" 2>&1 ||
	t_fail "kernel-install add" "$(cat "$T/ki.log")"
ENTRY=/boot/loader/entries/$MID-$KVER.conf
cp "$ENTRY" "$T/entry.orig"
RES="hugepagesz=1G hugepages=1"
TOKS="$RES hugeplan.plan=$(fnv "$RES")"

"$HP" apply --config "$T/conf" --bootloader=bls >"$T/a1.out" 2>"$T/a1.err"
t_eq "apply: exits 0" 0 "$?"
t_eq "grubby ran once, naming the kernel, the owned words and the tokens" \
	"--update-kernel=/boot/$MID/$KVER/linux --remove-args=hugepages=64 --args=$TOKS" \
	"$(cat "$GRUBBY_LOG")"
t_grep "apply says grubby wrote it" "^wrote $ENTRY with grubby: options root=/dev/sda ro quiet systemd.machine_id=$MID $TOKS\$" "$T/a1.out"
t_eq "the record's after is what grubby wrote" "" \
	"$(cmp "$ENTRY" "/var/lib/hugeplan/entries/$MID-$KVER.conf/after" 2>&1)"
t_eq "the record's before is kernel-install's entry" "" \
	"$(cmp "$T/entry.orig" "/var/lib/hugeplan/entries/$MID-$KVER.conf/before" 2>&1)"
"$HP" apply --config "$T/conf" --bootloader=bls >"$T/a2.out" 2>&1
t_eq "apply again: grubby not run" 1 "$(wc -l <"$GRUBBY_LOG" | tr -d ' ')"
"$HP" remove >"$T/r1.out" 2>&1
t_eq "remove: exits 0" 0 "$?"
t_eq "remove: the entry byte for byte as kernel-install wrote it" "" "$(cmp "$T/entry.orig" "$ENTRY" 2>&1)"

# a grubby that leaves out the tokens: named, exit 2
: >"$GRUBBY_LOG.broken"
"$HP" apply --config "$T/conf" --bootloader=bls >"$T/a3.out" 2>"$T/a3.err"
t_eq "grubby leaving something else: exit 2" 2 "$?"
t_grep "... the entry and grubby named" "$ENTRY: after /usr/sbin/grubby the options do not hold exactly hugeplan's arguments" "$T/a3.err"
t_done
