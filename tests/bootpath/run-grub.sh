#!/bin/sh
# What the kernel gets from /etc/default/grub values that GRUB's own lexer changes, through the
# real grub-mkconfig (fake /boot, /etc/default and /etc/tuned in a private mount namespace;
# the host's /etc/grub.d, tuned's 00_tuned included) with hugeplan's snippet in grub.d: the
# linux line it writes, read by core/grubsh.h as GRUB reads it, then split as the kernel
# splits. Expected pools follow the kernel's rules (KERNEL-NOTES.md: the first pair for a size
# wins, words after "--" are init's); the escaped and quoted rows were seen on a real GRUB
# 2.06 boot. These are the inputs apply must refuse or clean (issue 17).
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

# mkcfg NAME LINUX DEFAULT [TUNED_CMDLINE]: grub.cfg from these values and the snippet
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
	"$B/tests/grub-tool" snippet $TOKS >"$R/default/grub.d/99-hugeplan.cfg"
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

# row NAME LINUX DEFAULT TUNED WANT_POOL WHAT
row() {
	mkcfg "$1" "$2" "$3" "$4"
	k=$(kernel "$1")
	t_eq "$1: $6" "$5" "$("$TOOL" kpool "$k" | paste -sd' ')"
}

# the plain case: the snippet's tokens alone reach the kernel
row plain '"console=ttyS0 hugepages=64"' '"quiet"' "" "1G=2" "the tokens alone reach the kernel"
# GRUB removes the quotes the snippet does not see (seen on GRUB 2.06: 3 pages, not 2)
row escaped '"console=ttyS0 hugepagesz=1G hugepages\"=3\""' '"quiet"' "" "1G=3" \
	"hugepages\\\"=3\\\" in GRUB_CMDLINE_LINUX reaches the kernel as hugepages=3"
row quoted '"console=ttyS0"' "\"quiet 'hugepagesz=1G' 'hugepages=4'\"" "" "1G=4" \
	"'hugepages=4' in _DEFAULT reaches the kernel as hugepages=4"
# 0xA0: one word to the snippet and to GRUB, two to the kernel
row nbsp '"console=ttyS0"' "$(printf '"quiet\240hugepagesz=1G\240hugepages=5"')" "" "1G=5" \
	"quiet<0xA0>hugepages=5 splits in the kernel only"
# a "--" in GRUB_CMDLINE_LINUX hands the snippet's tokens to init (seen: 0 pages)
row dashdash '"console=ttyS0 -- single"' '"quiet"' "" "" \
	"a -- in GRUB_CMDLINE_LINUX: the kernel reads no pool"
# tuned: 00_tuned sets $tuned_params, which stands before hugeplan's words
row tuned '"console=ttyS0"' '"quiet"' "hugepagesz=1G hugepages=8" "1G=8" \
	"tuned's \$tuned_params come first: the kernel takes tuned's 1G count"
if [ -e /etc/grub.d/00_tuned ]; then
	t_grep "tuned: the real 00_tuned set tuned_params in grub.cfg" \
		'^set tuned_params="hugepagesz=1G hugepages=8"$' "$T/tuned.cfg"
	t_grep "tuned: the linux line carries \$tuned_params before the tokens" \
		"\\\$tuned_params $TOKS\$" "$T/tuned.cfg"
else
	t_fail "tuned's /etc/grub.d/00_tuned is installed (package tuned, tests/install-deps.sh)"
fi
# grub-script-check (GRUB's own parser) takes every grub.cfg made here
for n in plain escaped quoted nbsp dashdash tuned; do
	if grub-script-check "$T/$n.cfg" >"$T/$n.check" 2>&1; then
		t_ok "$n: grub-script-check accepts grub.cfg"
	else
		t_fail "$n: grub-script-check accepts grub.cfg" "$(head -n 3 "$T/$n.check")"
	fi
done

t_done
