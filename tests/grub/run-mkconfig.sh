#!/bin/sh
# The real grub-mkconfig (grub-common) on a generated 99-hugeplan.cfg, in a private mount
# namespace (../shared E2E-NOTES "GRUB, for real"): a fake /boot with two kernels and their
# initrds, a fake /etc/default with grub, a cloud-image file and the snippet. The linux lines
# of the grub.cfg it writes are what the kernel gets: normal entries must carry exactly the
# planned tokens, once each, in order, after the other words; recovery entries none of them.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init

if ! command -v grub-mkconfig >/dev/null 2>&1; then
	t_fail "grub-mkconfig is installed (package grub-common, tests/install-deps.sh)"
	t_done
	exit 1
fi
if ! unshare -m sh -c "mount --bind '$T_TMP' '$T_TMP'" 2>"$T_TMP/unshare.err"; then
	t_skip "grub-mkconfig in a private mount namespace" \
		"unshare -m / mount --bind not permitted here: $(head -n1 "$T_TMP/unshare.err")"
	t_done
	exit 0
fi

# shellcheck source=tests/grub/common.sh
. "$TOP/tests/grub/common.sh"
build_tool

TOKS="default_hugepagesz=1G hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=0:256,1:256 hugeplan.plan=e2e1"

# tree NAME: fake /boot and /etc/default under $T_TMP/NAME
tree() {
	R=$T_TMP/$1
	mkdir -p "$R/boot/grub" "$R/default/grub.d"
	for v in 6.1.0-98-amd64 6.1.0-99-amd64; do
		echo "not a kernel, grub-mkconfig only lists it" >"$R/boot/vmlinuz-$v"
		echo "not an initrd" >"$R/boot/initrd.img-$v"
	done
	cat >"$R/default/grub" <<'X'
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT="quiet hugepages=64"
GRUB_CMDLINE_LINUX="console=ttyS0 hugepagesz=2M default_hugepagesz=2M"
GRUB_DISABLE_OS_PROBER=true
X
	cat >"$R/default/grub.d/50-cloudimg-settings.cfg" <<'X'
# Set the default commandline
GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT mitigations=off hugepagesz=1G hugepages=2"
X
}

# mkconfig NAME: run grub-mkconfig on that tree; grub.cfg in $T_TMP/NAME.cfg
mkconfig() {
	R=$T_TMP/$1
	unshare -m sh -c "mount --bind '$R/boot' /boot && mount --bind '$R/default' /etc/default &&
		grub-mkconfig -o '$T_TMP/$1.cfg'" >"$T_TMP/$1.log" 2>&1
}

# entries CFG: one line per linux command, "normal|recovery", owned words, other words, split by "|"
# (other words from the fourth on: after "linux PATH root=... ro"). Owned: the words the
# kernel reads for the pool, and hugeplan.*; '-' and '_' alike, as parameq() takes them.
entries() {
	awk '
	/^[ \t]*menuentry / { kind = ($0 ~ /\(recovery mode\)/) ? "recovery" : "normal" }
	/^[ \t]*linux[ \t]/ {
		own = ""; other = ""
		for (i = 3; i <= NF; i++) {
			w = $i
			if (w ~ /^"?(hugepages|hugepagesz|default[-_]hugepagesz|hugetlb[-_]free[-_]vmemmap)=/ ||
			    w ~ /^"?hugeplan\./)
				own = own (own == "" ? "" : " ") w
			else if (i > 4)
				other = other (other == "" ? "" : " ") w
		}
		printf "%s|%s|%s\n", kind, own, other
	}' "$1"
}

# Baseline without the snippet: the earlier files' words reach the linux lines, so the
# extraction below sees hugepage words when they are there.
tree base
if mkconfig base; then
	t_ok "grub-mkconfig without the snippet"
else
	t_fail "grub-mkconfig without the snippet" "$(tail -n 5 "$T_TMP/base.log")"
fi
entries "$T_TMP/base.cfg" >"$T_TMP/base.entries"
t_grep "baseline: a normal entry carries the earlier files' words" \
	"^normal\|hugepagesz=2M default_hugepagesz=2M hugepages=64 hugepagesz=1G hugepages=2\|" \
	"$T_TMP/base.entries"
t_grep "baseline: a recovery entry carries GRUB_CMDLINE_LINUX's words" \
	"^recovery\|hugepagesz=2M default_hugepagesz=2M\|" "$T_TMP/base.entries"

# With the snippet.
tree snip
# shellcheck disable=SC2086 # one argument per token
"$TOOL" snippet $TOKS >"$T_TMP/snip/default/grub.d/99-hugeplan.cfg"
if mkconfig snip; then
	t_ok "grub-mkconfig with 99-hugeplan.cfg"
else
	t_fail "grub-mkconfig with 99-hugeplan.cfg" "$(tail -n 5 "$T_TMP/snip.log")"
fi
entries "$T_TMP/snip.cfg" >"$T_TMP/snip.entries"
normal=$(grep -c '^normal' "$T_TMP/snip.entries")
recovery=$(grep -c '^recovery' "$T_TMP/snip.entries")
# simple entry + one per kernel in the submenu; one recovery entry per kernel
t_eq "linux lines of normal entries" 3 "$normal"
t_eq "linux lines of recovery entries" 2 "$recovery"

n=0
while IFS="|" read -r kind own other; do
	n=$((n + 1))
	case $kind in
	normal)
		t_eq "entry $n: exactly the planned tokens, once, in order" "$TOKS" "$own"
		t_eq "entry $n: other words kept, in order" "console=ttyS0 quiet mitigations=off" "$other"
		;;
	recovery)
		t_eq "entry $n (recovery): no hugepage words" "" "$own"
		t_eq "entry $n (recovery): GRUB_CMDLINE_LINUX kept" "single console=ttyS0" "$other"
		;;
	esac
done <"$T_TMP/snip.entries"

# The tokens are the last words of the normal lines: nothing after them can override them.
t_eq "tokens end every normal linux line" "$normal" \
	"$(grep -c "^[[:space:]]*linux[[:space:]].* $TOKS\$" "$T_TMP/snip.cfg")"

t_done
