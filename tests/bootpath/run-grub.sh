#!/bin/sh
# What the kernel gets from /etc/default/grub values that GRUB's own lexer changes, through the
# real grub-mkconfig (fake /boot, /etc/default and /etc/tuned in a private mount namespace;
# the host's /etc/grub.d, tuned's 00_tuned included): the linux line it writes, read by
# core/grubsh.h as GRUB reads it, then split as the kernel splits. Each case twice: without
# hugeplan's snippet (what GRUB alone hands the kernel: the defect) and with it (what apply
# now gives). Expected pools follow the kernel's rules (KERNEL-NOTES.md: the first pair for a
# size wins, words after "--" are init's); the escaped and quoted rows were seen on a real
# GRUB 2.06 boot (tests/boot/run-grub.sh boots them). The snippet cleans the escaped, quoted
# and 0xA0 cases; the "--" and tuned cases it cannot, and apply refuses them, naming the file
# and line, writing nothing.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/bootpath/common.sh
. "$TOP/tests/bootpath/common.sh"
need grub-mkconfig grub-common
in_ns
build_tool
T=$T_TMP
TOKS="default_hugepagesz=1G hugepagesz=1G hugepages=2 hugeplan.plan=0123456789abcdef"

if [ ! -x "$B/tests/grub-tool" ]; then
	t_fail "$B/tests/grub-tool exists" "run: make unit-tests"
	t_done
	exit 1
fi

# mkcfg NAME LINUX DEFAULT [TUNED_CMDLINE [nosnippet]]: grub.cfg from these values and the snippet
mkcfg() {
	R=$T/$1
	mkdir -p "$R/boot/grub" "$R/default/grub.d" "$R/tuned"
	echo "not a kernel" >"$R/boot/vmlinuz-6.1.0-99-amd64"
	echo "not an initrd" >"$R/boot/initrd.img-6.1.0-99-amd64"
	printf 'GRUB_DEFAULT=0\nGRUB_DISABLE_OS_PROBER=true\nGRUB_DISABLE_RECOVERY=true\n' >"$R/default/grub"
	printf 'GRUB_CMDLINE_LINUX=%s\nGRUB_CMDLINE_LINUX_DEFAULT=%s\n' "$2" "$3" >>"$R/default/grub"
	# tuned's bootloader plugin adds this line (_grub2_default_env_patch)
	# shellcheck disable=SC2016 # the line as tuned writes it, expanded by grub-mkconfig
	[ -n "${4:-}" ] &&
		echo 'GRUB_CMDLINE_LINUX_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT:+$GRUB_CMDLINE_LINUX_DEFAULT }\$tuned_params"' \
			>>"$R/default/grub"
	printf 'TUNED_BOOT_CMDLINE="%s"\nTUNED_BOOT_INITRD_ADD=\n' "${4:-}" >"$R/tuned/bootcmdline"
	# shellcheck disable=SC2086 # one argument per token
	[ -n "${5:-}" ] || "$B/tests/grub-tool" snippet $TOKS >"$R/default/grub.d/99-hugeplan.cfg"
	tuned=
	[ -d /etc/tuned ] && tuned="mount --bind '$R/tuned' /etc/tuned &&"
	unshare -m sh -c "mount --make-rprivate / && mount --bind '$R/boot' /boot &&
		mount --bind '$R/default' /etc/default && $tuned grub-mkconfig -o '$R.cfg'" \
		>"$R.log" 2>&1 || t_fail "$1: grub-mkconfig" "$(tail -n 5 "$R.log")"
}

# kernel NAME: the kernel's command line from the first linux line of NAME's grub.cfg, with
# the tuned_params that grub.cfg sets
kernel() {
	line=$(grep -a -m1 -E '^[[:space:]]*linux[[:space:]]' "$T/$1.cfg" | sed 's/^[[:space:]]*linux[[:space:]]*//')
	tp=$(sed -n 's/^set tuned_params="\(.*\)"$/\1/p' "$T/$1.cfg" | head -n1)
	"$TOOL" grub-kernel "$line" "tuned_params=$tp"
}

# row NAME LINUX DEFAULT TUNED GRUB_ALONE WANT WHAT: the pool without the snippet, then with it
row() {
	mkcfg "$1-alone" "$2" "$3" "$4" nosnippet
	t_eq "$1, GRUB alone: $7" "$5" "$("$TOOL" kpool "$(kernel "$1-alone")" | paste -sd' ')"
	mkcfg "$1" "$2" "$3" "$4"
	t_eq "$1, with hugeplan's snippet: the kernel gets ${6:-no pool}" "$6" \
		"$("$TOOL" kpool "$(kernel "$1")" | paste -sd' ')"
}

# the plain case: the snippet's tokens alone reach the kernel
row plain '"console=ttyS0 hugepages=64"' '"quiet"' "" "2M=64" "1G=2" "the admin's hugepages=64"
# GRUB removes the quotes the kernel would see (seen on GRUB 2.06: 3 pages, not 2)
row escaped '"console=ttyS0 hugepagesz=1G hugepages\"=3\""' '"quiet"' "" "1G=3" "1G=2" \
	"hugepages\\\"=3\\\" in GRUB_CMDLINE_LINUX reaches the kernel as hugepages=3"
row quoted '"console=ttyS0"' "\"quiet 'hugepagesz=1G' 'hugepages=4'\"" "" "1G=4" "1G=2" \
	"'hugepages=4' in _DEFAULT reaches the kernel as hugepages=4"
row backslash '"console=ttyS0 huge\\pagesz=1G hugepages=\\6"' '"quiet"' "" "1G=6" "1G=2" \
	"huge\\pagesz=1G hugepages=\\6: GRUB drops the backslashes"
# 0xA0: one word to GRUB, two to the kernel
row nbsp '"console=ttyS0"' "$(printf '"quiet\240hugepagesz=1G\240hugepages=5"')" "" "1G=5" "1G=2" \
	"quiet<0xA0>hugepages=5 splits in the kernel only"
# a quoted value holding an owned-looking text is one word: it stays, and reserves nothing
row oneword '"console=ttyS0 \"opt=a hugepages=7\""' '"quiet"' "" "" "1G=2" \
	"\"opt=a hugepages=7\" is one word of init's value"
t_grep "oneword: the quoted word is still on the linux line" '"opt=a hugepages=7"' "$T/oneword.cfg"
# a "--" in GRUB_CMDLINE_LINUX hands the snippet's tokens to init (seen: 0 pages): apply refuses
row dashdash '"console=ttyS0 -- single"' '"quiet"' "" "" "" \
	"a -- in GRUB_CMDLINE_LINUX: the kernel reads no pool"
# tuned: 00_tuned sets $tuned_params, which stands before hugeplan's words: apply refuses
row tuned '"console=ttyS0"' '"quiet"' "hugepagesz=1G hugepages=8" "1G=8" "1G=8" \
	"tuned's \$tuned_params: the kernel takes tuned's 1G count"
if [ -e /etc/grub.d/00_tuned ]; then
	t_grep "tuned: the real 00_tuned set tuned_params in grub.cfg" \
		'^set tuned_params="hugepagesz=1G hugepages=8"$' "$T/tuned.cfg"
	t_grep "tuned: the linux line carries \$tuned_params before the tokens" \
		"\\\$tuned_params $TOKS\$" "$T/tuned.cfg"
else
	t_fail "tuned's /etc/grub.d/00_tuned is installed (package tuned, tests/install-deps.sh)"
fi
# grub-script-check (GRUB's own parser) takes every grub.cfg made here
for n in plain escaped quoted backslash nbsp oneword dashdash tuned; do
	if grub-script-check "$T/$n.cfg" >"$T/$n.check" 2>&1; then
		t_ok "$n: grub-script-check accepts grub.cfg"
	else
		t_fail "$n: grub-script-check accepts grub.cfg" "$(head -n 3 "$T/$n.check")"
	fi
done

# apply refuses what the snippet cannot clean, naming the file and line; nothing is written
HP=$B/hugeplan
img() {
	I=$T/img-$1
	t_image "$I" one-node-32g "$2"
	mkdir -p "$I/etc/hugeplan/vms.d"
	printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$I/etc/hugeplan/vms.d/db.conf"
}
tree() {
	(cd "$1" && find . -printf '%p %s %T@\n' | sort)
}
img dash 'GRUB_CMDLINE_LINUX="console=ttyS0 -- single"'
tree "$I" >"$T/dash.tree"
"$HP" apply --root "$I" >"$T/dash.out" 2>"$T/dash.err"
t_eq "apply with a -- in GRUB_CMDLINE_LINUX: exits 1" 1 "$?"
t_grep "... names the file and line" \
	"^error +grub-init: $I/etc/default/grub:1: GRUB_CMDLINE_LINUX holds a \"--\"" "$T/dash.err"
t_eq "... writes nothing" "" "$(tree "$I" | diff "$T/dash.tree" - | head -n 3)"
# the "--" moved to GRUB_CMDLINE_LINUX_DEFAULT, where the snippet puts the tokens before it
img dash2 'GRUB_CMDLINE_LINUX="console=ttyS0"
GRUB_CMDLINE_LINUX_DEFAULT="quiet -- single"'
"$HP" apply --root "$I" >"$T/dash2.out" 2>"$T/dash2.err"
t_eq "a -- in GRUB_CMDLINE_LINUX_DEFAULT instead: apply exits 0" 0 "$?"

# shellcheck disable=SC2016 # $tuned_params is for GRUB, as 00_tuned sets it
img tuned 'GRUB_CMDLINE_LINUX_DEFAULT="quiet \$tuned_params"'
mkdir -p "$I/etc/tuned" "$I/usr/lib/tuned/hugeprof" "$I/etc/grub.d"
echo hugeprof >"$I/etc/tuned/active_profile"
printf 'TUNED_BOOT_CMDLINE="hugepagesz=1G hugepages=8"\nTUNED_BOOT_INITRD_ADD=""\n' >"$I/etc/tuned/bootcmdline"
printf '[main]\nsummary=big pages\n\n[bootloader]\ncmdline=+hugepagesz=1G hugepages=8\n' \
	>"$I/usr/lib/tuned/hugeprof/tuned.conf"
printf '#!/bin/sh\n' >"$I/etc/grub.d/00_tuned"
chmod 755 "$I/etc/grub.d/00_tuned"
tree "$I" >"$T/tuned.tree"
"$HP" apply --root "$I" >"$T/tuned.out" 2>"$T/tuned.err"
t_eq "apply under a tuned profile with huge page words: exits 1" 1 "$?"
t_grep "... names the profile, the words, the files and the line" \
	"^error +tuned: tuned profile hugeprof puts hugepagesz=1G hugepages=8 on the kernel command line \\(TUNED_BOOT_CMDLINE in $I/etc/tuned/bootcmdline, from $I/usr/lib/tuned/hugeprof/tuned.conf:5\\): /etc/grub.d/00_tuned makes it \\\$tuned_params" \
	"$T/tuned.err"
t_grep "... and the fix" "fix: take the huge page words out of the \\[bootloader\\] cmdline= of profile hugeprof .*tuned-adm profile hugeprof" "$T/tuned.err"
t_eq "... writes nothing" "" "$(tree "$I" | diff "$T/tuned.tree" - | head -n 3)"

t_done
