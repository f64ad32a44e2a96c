#!/bin/sh
# hugeplan check against the real Debian cloud kernel the boot tests use (tests/lib/e2e-kernel.sh
# downloads and caches it under build/e2e-cache; the version comes from the archive). The
# fixture hosts supply the CPU and the command line; the kernel's own /boot/config and
# module tree (indexed by the real depmod) are linked in. Every module verdict is held
# against modprobe on the same tree and against the kernel's config (=y built in, =m
# loadable), and the lines "# MODULE: ..." say what this kernel has.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan

if ! kdir=$(sh "$TOP/tests/lib/e2e-kernel.sh" 2>"$T_TMP/fetch.err"); then
	t_fail "fetch the Debian cloud kernel" "$(cat "$T_TMP/fetch.err")"
	t_done
	exit 1
fi
K=$(basename "$kdir")
cfg=$kdir/boot/config-$K
echo "# kernel: $K from $kdir"

# root NAME FIXTURE: the fixture host, with this kernel's config and module indexes copied in
# (a link out of the root would be read inside it, as the image's own path: sys/root.h;
# modprobe and libkmod read the indexes, never the .ko files, to answer)
root() {
	r=$T_TMP/$1
	cp -R "$TOP/tests/fixtures/$2" "$r"
	mkdir -p "$r/lib/modules/$K" "$r/boot"
	cp "$kdir/lib/modules/$K"/modules.* "$r/lib/modules/$K/"
	cp "$cfg" "$r/boot/config-$K"
	echo "$r"
}

# what modprobe makes of MODULE in that tree: builtin, loadable PATH or missing
modprobe_state() {
	mp=$(modprobe -d "$kdir" -S "$K" -C /dev/null --show-depends "$1" 2>/dev/null)
	if echo "$mp" | grep -qx "builtin $1"; then
		echo builtin
		return
	fi
	echo "$mp" | while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		f=$(basename "$path")
		f=${f%%.ko*}
		[ "$(echo "$f" | tr - _)" = "$1" ] && echo "loadable /lib/modules/${path#*/lib/modules/}" && break
	done | grep . || echo missing
}

# what the kernel's config says: CONFIG_SYM=y builtin, =m loadable (path unknown), else missing
config_state() {
	case $(sed -n "s/^$1=//p" "$cfg") in
	y) echo builtin ;;
	m) echo loadable ;;
	*) echo missing ;;
	esac
}

our_state() {
	sed -n "s|^[a-z]* *$2: $2 is built into .*|builtin|p; s|^[a-z]* *$2: $2 is loadable[^:]*: \([^ ]*\).*|loadable \1|p; s|^[a-z]* *$2: $2 is neither .*|missing|p" "$1"
}

# module CONFIG_SYMBOL MODULE OUT
module() {
	ours=$(our_state "$3" "$2")
	echo "# $2: ${ours:-not reported}"
	t_eq "$K: $2 as modprobe sees it" "$(modprobe_state "$2")" "$ours"
	t_eq "$K: $2 as $1 says" "$(config_state "$1")" "${ours%% *}"
}

# --- Intel host with a passthrough VM and intel_iommu=on
r=$(root intel check-intel-vfio)
"$HP" check --root "$r" --kver "$K" >"$T_TMP/intel.out" 2>"$T_TMP/intel.err"
rc=$?
sed 's/^/#   /' "$T_TMP/intel.out"
t_eq "$K on Intel: exit 0 (no errors)" 0 "$rc"
for sym in CONFIG_HUGETLBFS CONFIG_HUGETLB_PAGE CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP; do
	want=error
	grep -qx "$sym=y" "$cfg" && want=ok
	t_grep "$K: $sym is $want, as the config says" "^$want +$sym: " "$T_TMP/intel.out"
done
module CONFIG_KVM kvm "$T_TMP/intel.out"
module CONFIG_KVM_INTEL kvm_intel "$T_TMP/intel.out"
module CONFIG_VFIO vfio "$T_TMP/intel.out"
module CONFIG_VFIO_PCI vfio_pci "$T_TMP/intel.out"
module CONFIG_VFIO_IOMMU_TYPE1 vfio_iommu_type1 "$T_TMP/intel.out"

# --- AMD host with a passthrough VM, no amd_iommu=off: the cloud kernel's config decides
r=$(root amd check-amd-cma)
sed -i 's/ amd_iommu=off//' "$r/proc/cmdline"
"$HP" check --root "$r" --kver "$K" >"$T_TMP/amd.out" 2>"$T_TMP/amd.err"
sed 's/^/#   /' "$T_TMP/amd.out"
module CONFIG_KVM_AMD kvm_amd "$T_TMP/amd.out"
if grep -qx 'CONFIG_AMD_IOMMU=y' "$cfg"; then
	t_grep "$K on AMD: the AMD IOMMU is on by default" "^ok +iommu: the AMD IOMMU is on by default" "$T_TMP/amd.out"
else
	t_grep "$K on AMD: built without the AMD IOMMU driver" "^error +iommu: $K is built without CONFIG_AMD_IOMMU" "$T_TMP/amd.out"
fi
# the fixture's command line has hugetlb_cma=2G: a warning only where the kernel has CMA
if grep -qx 'CONFIG_CMA=y' "$cfg"; then
	t_grep "$K: hugetlb_cma= skips the 1G pool" "^warning +hugetlb_cma: hugetlb_cma=2G is on the command line: the kernel then skips" "$T_TMP/amd.out"
else
	t_grep "$K: hugetlb_cma= is unknown to a kernel without CMA" "^ok +hugetlb_cma: hugetlb_cma=2G is on the command line, but /boot/config-$K has no CONFIG_CMA" "$T_TMP/amd.out"
fi

t_done
