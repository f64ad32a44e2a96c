#!/bin/sh
# Unit traps when numbers come from libvirt (issue 15, item 7). libvirt's <memory> and
# <page size=> are KiB when no unit is given; hugeplan reads a bare number as bytes
# (hugeplan.conf(5)). So plan warns on a bare Memory=, on a guest under 64 MiB and on one
# smaller than its page size (QEMU refuses it: "memory size ... must be equal to or larger
# than page size"), saying how each number was read; PageSize=2048 is refused as 2048 bytes.
# Expected numbers: 8388608 bytes = 8 MiB, and as KiB 8 GiB; 128 MiB < 1 GiB; 2048 KiB = 2 MiB.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan

R=$T_TMP/r
cp -R "$TOP/tests/fixtures/one-node-32g" "$R"
mkdir -p "$R/etc/hugeplan/vms.d"
vm() { # NAME KEY=VALUE...: the only VM
	rm -f "$R"/etc/hugeplan/vms.d/*.conf
	f=$R/etc/hugeplan/vms.d/$1.conf
	shift
	echo '[VM]' >"$f"
	for kv in "$@"; do echo "$kv" >>"$f"; done
}
plan() { # NAME: hugeplan plan; NAME.out, NAME.err, RC
	"$HP" plan --root "$R" >"$T_TMP/$1.out" 2>"$T_TMP/$1.err"
	RC=$?
}
F=$R/etc/hugeplan/vms.d

vm kib Memory=8388608 PageSize=2M
plan kib
t_eq "Memory=8388608: plan exits 0 (a warning)" 0 "$RC"
t_grep "Memory=8388608: warned as probably KiB, with both readings" \
	"^$F/kib.conf:2: warning: kib: Memory=8388608 has no unit, so it is read as bytes: 8.00 MiB, under 64 MiB, too small for a guest; if it is KiB, as libvirt's <memory> is, that is 8.00 GiB: write Memory=8G\$" \
	"$T_TMP/kib.err"
t_grep "Memory=8388608: planned as 8 MiB, 4 2M pages" "^kib +8.00 MiB +2M +1 +4 " "$T_TMP/kib.out"

vm big Memory=4294967296 PageSize=2M
plan big
t_grep "Memory=4294967296: a bare number is warned even when large" \
	"^$F/big.conf:2: warning: big: Memory=4294967296 has no unit, so it is read as bytes: 4.00 GiB; if it is KiB, as libvirt's <memory> is, that is 4.00 TiB: write Memory=4T\$" \
	"$T_TMP/big.err"

vm tiny Memory=128M PageSize=1G
plan tiny
t_eq "Memory=128M on 1G pages: plan exits 0 (a warning)" 0 "$RC"
t_grep "Memory=128M on 1G pages: smaller than its page, how it was read" \
	"^$F/tiny.conf:2: warning: tiny: Memory= \(128 MiB\) is smaller than its 1G page \(PageSize=\): QEMU refuses a guest smaller than its page size" \
	"$T_TMP/tiny.err"
t_eq "Memory=128M on 1G pages: one warning" 1 "$(wc -l <"$T_TMP/tiny.err")"

vm dflt Memory=128M
plan dflt
t_grep "no PageSize=: the page size's origin is named" \
	"warning: dflt: Memory= \(128 MiB\) is smaller than its 1G page \(no PageSize=: the largest size the host has\)" "$T_TMP/dflt.err"

vm small Memory=32M PageSize=2M
plan small
t_grep "Memory=32M: under 64 MiB" \
	"^$F/small.conf:2: warning: small: Memory=32M is read as 32.0 MiB, under 64 MiB: too small for a guest; check the unit" "$T_TMP/small.err"

vm fine Memory=64M PageSize=2M
plan fine
t_eq "Memory=64M on 2M pages: no warning" "" "$(cat "$T_TMP/fine.err")"
vm fine Memory=4G PageSize=1G
plan fine
t_eq "Memory=4G on 1G pages: no warning" "" "$(cat "$T_TMP/fine.err")"

vm ps PageSize=2048 Memory=4G
plan ps
t_eq "PageSize=2048: refused, exit 2" 2 "$RC"
t_eq "PageSize=2048: says 2048 bytes is no huge page size, and the KiB reading" \
	"$F/ps.conf:2: PageSize=2048: 2048 bytes is not a huge page size (a number without a unit is bytes; huge pages are larger than the 4K base page, such as 2M or 1G): if 2048 is KiB, as libvirt gives it, write PageSize=2M" \
	"$(cat "$T_TMP/ps.err")"
t_done
