#!/bin/sh
# hugeplan check against fixture hosts (tests/fixtures/check-*) whose module trees are made
# here by depmod (tests/check/mkmodtree.sh). Expected outputs in tests/check/expected were
# written from the kernel's rules, and every module verdict is also held against modprobe
# itself (--show-depends on the same tree), a second opinion that shares no code with ours.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan
FIX=$TOP/tests/fixtures
MKTREE=$TOP/tests/check/mkmodtree.sh
K=6.1.0-27-amd64 # the osrelease of the fixtures

# root NAME FIXTURE SPEC...: a private copy of a fixture with a module tree for K
root() {
	r=$T_TMP/$1
	shift
	rm -rf "$r"
	cp -R "$FIX/$1" "$r"
	shift
	"$MKTREE" "$r" "$K" "$@" >"$T_TMP/mktree.log" 2>&1 || {
		t_fail "module tree for $r" "$(cat "$T_TMP/mktree.log")"
		return 1
	}
	echo "$r"
}

# check OUT ARGS...: run hugeplan check, stdout to OUT, stderr to OUT.err; echo the status
check() {
	out=$1
	shift
	"$HP" check "$@" >"$out" 2>"$out.err"
	echo $?
}

# modprobe_state ROOT KVER MODULE: "builtin", "loadable PATH" or "missing", per modprobe.
# Only the line for MODULE itself counts: --show-depends also lists dependencies and softdeps.
modprobe_state() {
	mp=$(modprobe -d "$1" -S "$2" -C "$1/etc/modprobe.d" --show-depends "$3" 2>/dev/null)
	if echo "$mp" | grep -qx "builtin $3"; then
		echo builtin
		return
	fi
	echo "$mp" | while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		f=$(basename "$path")
		f=${f%%.ko*}
		[ "$(echo "$f" | tr - _)" = "$3" ] && echo "loadable ${path#"$1"}" && break
	done | grep . || echo missing
}

# our_state OUT MODULE: the same from hugeplan's text output
our_state() {
	sed -n "s|^[a-z]* *$2: $2 is built into .*|builtin|p; s|^[a-z]* *$2: $2 is loadable[^:]*: \([^ ]*\).*|loadable \1|p; s|^[a-z]* *$2: $2 is neither .*|missing|p" "$1"
}

INTEL_TREE="ko:kernel/arch/x86/kvm/kvm.ko ko:kernel/arch/x86/kvm/kvm-intel.ko
ko:kernel/arch/x86/kvm/kvm-amd.ko builtin:kernel/drivers/vfio/vfio.ko
ko:kernel/drivers/vfio/pci/vfio-pci.ko ko:kernel/drivers/vfio/vfio_iommu_type1.ko"
AMD_TREE="ko:kernel/arch/x86/kvm/kvm.ko ko:kernel/arch/x86/kvm/kvm-amd.ko
ko:kernel/drivers/vfio/vfio.ko ko:kernel/drivers/vfio/pci/vfio-pci.ko
ko:kernel/drivers/vfio/vfio_iommu_type1.ko"

# --- a healthy Intel host with a passthrough VM: everything ok
# shellcheck disable=SC2086 # one argument per module of the tree
r=$(root intel check-intel-vfio $INTEL_TREE) || exit 1
rc=$(check "$T_TMP/intel.out" --root "$r")
t_eq "intel: exit 0" 0 "$rc"
t_diff "intel: findings" "$TOP/tests/check/expected/intel-vfio.txt" "$T_TMP/intel.out"
t_eq "intel: nothing on stderr" "" "$(cat "$T_TMP/intel.out.err")"
for m in kvm kvm_intel vfio vfio_pci vfio_iommu_type1; do
	t_eq "intel: $m as modprobe sees it" "$(modprobe_state "$r" $K $m)" \
		"$(our_state "$T_TMP/intel.out" $m)"
done

# --- libkmod references: every context and module released (a leak here once kept each
# context alive), and no invalid reads in the checks
if valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
	"$HP" check --root "$r" --json >/dev/null 2>"$T_TMP/vg.err"; then
	t_ok "valgrind: clean"
else
	t_fail "valgrind: clean" "$(head -n 30 "$T_TMP/vg.err")"
fi

# --- blacklisted KVM (issue 12, item 13): udev will not load it, and systemd-modules-load
# applies the blacklist too ("Module 'kvm_intel' is deny-listed", seen from the real tool
# below): with nothing else to load it, no KVM after boot, an error (exit 1). /etc overrides
# a same-named /usr/lib file.
mkdir -p "$r/etc/modprobe.d" "$r/usr/lib/modprobe.d"
echo "blacklist kvm_intel" >"$r/usr/lib/modprobe.d/kvm.conf"
echo "blacklist kvm-intel" >"$r/etc/modprobe.d/local.conf"
rc=$(check "$T_TMP/bl.out" --root "$r")
t_eq "blacklisted, nothing loads it: exit 1" 1 "$rc"
t_grep "blacklisted, nothing loads it: an error" "^error    kvm_intel: kvm_intel is loadable .* but a blacklist line in modprobe.d keeps udev from loading it and nothing loads it .*: no KVM after boot" "$T_TMP/bl.out"
t_grep "blacklisted: the fix" '^         fix: remove "blacklist kvm_intel" from modprobe.d' "$T_TMP/bl.out"
t_eq "blacklisted: modprobe -b agrees" "" \
	"$(modprobe -d "$r" -S $K -C "$r/etc/modprobe.d" -b --show-depends kvm_intel 2>/dev/null)"
# listed in modules-load.d (through Debian's /etc/modules link, read beneath the root):
# with systemd-modules-load on the system that does not load it; without systemd, Debian's
# /etc/init.d/kmod runs an explicit modprobe, which ignores the blacklist
mkdir -p "$r/etc/modules-load.d" "$r/lib/systemd"
echo "kvm-intel" >"$r/etc/modules"
ln -s ../modules "$r/etc/modules-load.d/modules.conf"
rc=$(check "$T_TMP/ml0.out" --root "$r")
t_eq "blacklisted, listed, no systemd: exit 0" 0 "$rc"
t_grep "blacklisted, listed, no systemd: fine" "^ok       kvm_intel: .*/etc/modules-load.d/modules.conf lists it and is read without systemd" "$T_TMP/ml0.out"
printf '#!/bin/sh\n' >"$r/lib/systemd/systemd-modules-load"
rc=$(check "$T_TMP/ml1.out" --root "$r")
t_eq "blacklisted, listed, systemd-modules-load: exit 1" 1 "$rc"
t_grep "blacklisted, listed, systemd-modules-load: an error naming both" "^error    kvm_intel: .*/etc/modules-load.d/modules.conf lists it, but /lib/systemd/systemd-modules-load skips blacklisted modules .*: no KVM after boot" "$T_TMP/ml1.out"
# the real systemd-modules-load on the same configuration, in a private mount namespace
if [ -x /lib/systemd/systemd-modules-load ] && unshare -m true 2>/dev/null; then
	KR=$(uname -r)
	"$MKTREE" "$T_TMP/sml" "$KR" ko:kernel/arch/x86/kvm/kvm.ko ko:kernel/arch/x86/kvm/kvm-intel.ko >/dev/null 2>&1
	mkdir -p "$T_TMP/sml-empty"
	# shellcheck disable=SC2016 # the inner shell expands $1, $2, $3 and $d
	unshare -m sh -c '
		mount --make-rprivate / &&
		mount -t overlay hugeplan-test -o "lowerdir=$1/lib:/usr/lib" /usr/lib &&
		mount --bind "$2/etc/modprobe.d" /etc/modprobe.d &&
		for d in /run/modprobe.d /usr/lib/modprobe.d /lib/modprobe.d /run/modules-load.d /usr/lib/modules-load.d /lib/modules-load.d; do
			[ -d "$d" ] && mount --bind "$3" "$d"
		done
		mount --bind "$2/etc/modules-load.d" /etc/modules-load.d &&
		mount --bind "$2/etc/modules" /etc/modules &&
		SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console /lib/systemd/systemd-modules-load
	' sh "$T_TMP/sml" "$r" "$T_TMP/sml-empty" >"$T_TMP/sml.out" 2>&1
	t_grep "systemd-modules-load itself skips it" "^Module 'kvm.intel' is deny-listed" "$T_TMP/sml.out"
else
	t_skip "systemd-modules-load itself skips it" "no systemd-modules-load or no unshare -m"
fi
# another module's install command that loads it explicitly: loaded only with that one
rm "$r/etc/modules-load.d/modules.conf" "$r/etc/modules"
echo "install kvm /sbin/modprobe --ignore-install kvm && /sbin/modprobe kvm_intel" >"$r/etc/modprobe.d/load.conf"
rc=$(check "$T_TMP/ld.out" --root "$r")
t_eq "blacklisted, another module's install command loads it: exit 0" 0 "$rc"
t_grep "blacklisted, another module's install command loads it: a warning" "^warning  kvm_intel: .*it is loaded only when kvm is" "$T_TMP/ld.out"
rm -r "$r/etc/modprobe.d/load.conf" "$r/etc/modules-load.d" "$r/lib/systemd"
rm "$r/etc/modprobe.d/local.conf"
: >"$r/etc/modprobe.d/kvm.conf" # an empty file masks /usr/lib/modprobe.d/kvm.conf
rc=$(check "$T_TMP/mask.out" --root "$r")
t_eq "masked blacklist: exit 0" 0 "$rc"
t_grep "masked blacklist: ok again" "^ok       kvm_intel: kvm_intel is loadable" "$T_TMP/mask.out"

# --- install /bin/false: an error, exit 1
echo "install kvm_intel /bin/false" >"$r/etc/modprobe.d/kvm.conf"
rc=$(check "$T_TMP/inst.out" --root "$r")
t_eq "install /bin/false: exit 1" 1 "$rc"
t_grep "install /bin/false: an error" '^error    kvm_intel: .*"/bin/false" instead of loading it' "$T_TMP/inst.out"
t_grep "install /bin/false: counted" "^1 error, 0 warnings\.$" "$T_TMP/inst.out"
rm "$r/etc/modprobe.d/kvm.conf"

# --- module_blacklist= on the command line: the kernel refuses the module
sed -i 's/$/ module_blacklist=vfio-pci/' "$r/proc/cmdline"
rc=$(check "$T_TMP/mbl.out" --root "$r")
t_eq "module_blacklist=: exit 1" 1 "$rc"
t_grep "module_blacklist=: an error" "^error    vfio_pci: .*module_blacklist= on the command line" "$T_TMP/mbl.out"

# --- a module the kernel does not ship
# shellcheck disable=SC2086,SC2046 # one argument per module of the tree
r=$(root intel2 check-intel-vfio $(echo $INTEL_TREE | sed 's| ko:kernel/drivers/vfio/vfio_iommu_type1.ko||')) || exit 1
rc=$(check "$T_TMP/miss.out" --root "$r")
t_eq "missing vfio_iommu_type1: exit 1" 1 "$rc"
t_grep "missing vfio_iommu_type1: an error" "^error    vfio_iommu_type1: vfio_iommu_type1 \(device passthrough\) is neither built into $K nor in its modules.dep" "$T_TMP/miss.out"
t_eq "missing vfio_iommu_type1: modprobe agrees" missing "$(modprobe_state "$r" $K vfio_iommu_type1)"

# --- another kernel: not installed, no config
rc=$(check "$T_TMP/other.out" --root "$r" --kver 6.12.9-amd64)
t_eq "other kernel: exit 1" 1 "$rc"
t_grep "other kernel: named" "^ok       kernel: target kernel 6.12.9-amd64 \(running: $K\)" "$T_TMP/other.out"
t_grep "other kernel: not installed" "^error    modules: no /lib/modules/6.12.9-amd64" "$T_TMP/other.out"
t_grep "other kernel: no config" "^warning  kconfig: no /boot/config-6.12.9-amd64" "$T_TMP/other.out"

# --- a tree depmod never indexed
rm "$r/lib/modules/$K/modules.dep.bin"
rc=$(check "$T_TMP/nodep.out" --root "$r")
t_eq "no modules.dep.bin: exit 1" 1 "$rc"
t_grep "no modules.dep.bin: depmod is the fix" "^         fix: run: depmod $K$" "$T_TMP/nodep.out"

# --- AMD, hugetlb_cma= with a 1G plan, amd_iommu=off, no vmemmap optimization
# shellcheck disable=SC2086 # one argument per module of the tree
r=$(root amd check-amd-cma $AMD_TREE) || exit 1
rc=$(check "$T_TMP/amd.out" --root "$r")
t_eq "amd: exit 1" 1 "$rc"
t_diff "amd: findings" "$TOP/tests/check/expected/amd-cma.txt" "$T_TMP/amd.out"
for m in kvm kvm_amd vfio vfio_pci vfio_iommu_type1; do
	t_eq "amd: $m as modprobe sees it" "$(modprobe_state "$r" $K $m)" \
		"$(our_state "$T_TMP/amd.out" $m)"
done

# --- JSON: the same verdicts, valid JSON
rc=$(check "$T_TMP/amd.json" --root "$r" --json)
t_eq "json: exit 1" 1 "$rc"
if python3 - "$T_TMP/amd.json" >"$T_TMP/json.out" 2>&1 <<'PY'; then
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kernel"] == "6.1.0-27-amd64", d["kernel"]
assert (d["errors"], d["warnings"]) == (2, 1), (d["errors"], d["warnings"])
lv = {f["id"]: f["level"] for f in d["findings"]}
want = {"CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP": "error", "iommu": "error",
        "hugetlb_cma": "warning", "kvm_amd": "ok", "thp": "ok"}
for k, v in want.items():
    assert lv.get(k) == v, (k, lv.get(k))
for f in d["findings"]:
    assert (f["fix"] is None) == (f["level"] == "ok"), f
PY
	t_ok "json: levels, counts and fixes"
else
	t_fail "json: levels, counts and fixes" "$(cat "$T_TMP/json.out")"
fi

# --- the kernel judged without --kver: the one that boots next (core/nextboot.h)
# shellcheck disable=SC2086 # one argument per module
r=$(root next check-intel-vfio $INTEL_TREE)
# a newer kernel installed and not yet booted: its modules and image, and its own tree
# shellcheck disable=SC2086 # one argument per module
"$MKTREE" "$r" 6.1.0-28-amd64 $INTEL_TREE >"$T_TMP/mktree.log" 2>&1 || t_fail "module tree for 6.1.0-28" "$(cat "$T_TMP/mktree.log")"
mkdir -p "$r/boot" "$r/lib/modules/6.1.0-9-amd64"
for v in 6.1.0-27-amd64 6.1.0-28-amd64 6.1.0-9-amd64; do
	echo "not a kernel" >"$r/boot/vmlinuz-$v"
done
rc=$(check "$T_TMP/n1.out" --root "$r")
t_grep "a kernel installed since the boot: check judges the newest installed" \
	"^ok +kernel: target kernel 6.1.0-28-amd64 \\(the newest installed kernel; running: $K\\)" "$T_TMP/n1.out"
t_grep "... with its own module tree" "kvm_intel: kvm_intel is loadable: /lib/modules/6.1.0-28-amd64/" "$T_TMP/n1.out"
# the boot loader's default wins over the newest
mkdir -p "$r/boot/grub"
cat >"$r/boot/grub/grub.cfg" <<'X'
set default="1>1"
menuentry 'Debian GNU/Linux' $menuentry_id_option 'gnulinux-simple-u' {
	linux	/boot/vmlinuz-6.1.0-28-amd64 root=/dev/vda ro
}
submenu 'Advanced options' $menuentry_id_option 'gnulinux-advanced-u' {
	menuentry 'Debian, with Linux 6.1.0-28-amd64' $menuentry_id_option 'a' {
		linux	/boot/vmlinuz-6.1.0-28-amd64 root=/dev/vda ro
	}
	menuentry 'Debian, with Linux 6.1.0-27-amd64' $menuentry_id_option 'b' {
		linux	/boot/vmlinuz-6.1.0-27-amd64 root=/dev/vda ro
	}
}
X
rc=$(check "$T_TMP/n2.out" --root "$r")
t_grep "GRUB's default entry (1>1) is the kernel judged" \
	"^ok +kernel: target kernel 6.1.0-27-amd64 \\(the running kernel\\)" "$T_TMP/n2.out"
printf 'saved_entry=0\n' >"$r/boot/grub/grubenv"
# shellcheck disable=SC2016 # ${saved_entry} is for GRUB
sed -i 's/^set default="1>1"/set default="${saved_entry}"/' "$r/boot/grub/grub.cfg"
rc=$(check "$T_TMP/n3.out" --root "$r")
t_grep "GRUB_DEFAULT=saved: grubenv's saved_entry" \
	"^ok +kernel: target kernel 6.1.0-28-amd64 \\(GRUB's default entry; running: $K\\)" "$T_TMP/n3.out"
# a kernel asked for that is not there: the installed ones named, newest first
rc=$(check "$T_TMP/n4.out" --root "$r" --kver 6.1.0-99-amd64)
t_eq "a missing kernel: exit 1" 1 "$rc"
t_grep "a missing kernel: the installed ones are named" \
	"^error +modules: no /lib/modules/6.1.0-99-amd64: kernel 6.1.0-99-amd64 is not installed \\(installed: 6.1.0-28-amd64, 6.1.0-27-amd64, 6.1.0-9-amd64\\)" \
	"$T_TMP/n4.out"
# a running kernel without /lib/modules (a container): the installed one is judged
rm -rf "$r/boot/grub" "$r/lib/modules/$K" "$r/boot/vmlinuz-$K" "$r/lib/modules/6.1.0-9-amd64"
rc=$(check "$T_TMP/n5.out" --root "$r")
t_eq "the running kernel has no modules: the installed kernel is judged, exit 0" 0 "$rc"
t_grep "... and named" "^ok +kernel: target kernel 6.1.0-28-amd64 \\(the newest installed kernel" "$T_TMP/n5.out"

# --- usage
rc=$(check "$T_TMP/u1.out" --bogus)
t_eq "usage: unknown option exits 2" 2 "$rc"
rc=$(check "$T_TMP/u2.out" --root "$r" extra)
t_eq "usage: stray argument exits 2" 2 "$rc"
t_grep "usage: says what to try" "Try 'hugeplan check --help'" "$T_TMP/u2.out.err"
rc=$(check "$T_TMP/u3.out" --root "$r" --kver ../../etc)
t_eq "usage: --kver with a slash exits 2" 2 "$rc"
rc=$(check "$T_TMP/u4.out" --help)
t_eq "usage: --help exits 0" 0 "$rc"
t_grep "usage: --help lists --kver" "--kver VER" "$T_TMP/u4.out"
rc=$(check "$T_TMP/u5.out" --root "$T_TMP/does-not-exist")
t_eq "usage: a root that is no system exits 2" 2 "$rc"
"$HP" --help >"$T_TMP/help.out"
t_grep "hugeplan --help lists check" "^  check " "$T_TMP/help.out"

t_done
