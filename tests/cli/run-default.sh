#!/bin/sh
# The default huge page size (issue 15, item 2): default_hugepagesz= is rendered only when
# DefaultPageSize= asks for it, and plan and apply warn whenever the next boot's default would
# differ from this boot's, naming what depends on it.
#
# Expected values from the kernel's rules (KERNEL-NOTES.md, Documentation/admin-guide/mm/
# hugetlbpage.rst): without default_hugepagesz= the default is HPAGE_SIZE, 2M on x86; with it,
# the size it names. The plan id is recomputed with an independent FNV-1a (tests/lib.sh).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan

# mkroot NAME CMDLINE [DEFAULT]: one-node-32g booted with CMDLINE, VMs of 2G on 1G pages and
# 512M on 2M pages, DefaultPageSize=DEFAULT when given
mkroot() {
	R=$T_TMP/$1
	t_host "$R" one-node-32g
	printf '%s\n' "$2" >"$R/proc/cmdline"
	mkdir -p "$R/etc/hugeplan/vms.d"
	printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/db.conf"
	printf '[VM]\nMemory=512M\nPageSize=2M\n' >"$R/etc/hugeplan/vms.d/web.conf"
	if [ -n "${3:-}" ]; then
		printf '[Host]\nDefaultPageSize=%s\n' "$3" >"$R/etc/hugeplan/hugeplan.conf"
	fi
}

RES="hugepagesz=2M hugepages=256 hugepagesz=1G hugepages=2"

# 1. a boot without default_hugepagesz= (default 2M), no DefaultPageSize=: the default stays,
#    nothing to warn about
mkroot plain "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet"
"$HP" cmdline --root "$T_TMP/plain" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "no DefaultPageSize=: no default_hugepagesz=" "$RES hugeplan.plan=$(fnv "$RES")" "$(cat "$T_TMP/out")"
t_eq "no DefaultPageSize=, 2M boot: no warning" "" "$(cat "$T_TMP/err")"

# 2. this boot's default is 1G (an older entry set it), the plan would go back to 2M
mkroot was1g "root=/dev/sda1 default_hugepagesz=1G hugepagesz=1G hugepages=2"
"$HP" plan --root "$T_TMP/was1g" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "default 1G -> 2M: plan exits 0" 0 $?
t_grep "default 1G -> 2M: plan warns, from and to" \
	"^warning: the default huge page size changes from 1G \(this boot\) to 2M at the next boot" "$T_TMP/err"
for what in "/dev/hugepages" "vm.nr_hugepages" "bare <hugepages/>" "DefaultPageSize=1G"; do
	if grep -qF -- "$what" "$T_TMP/err"; then
		t_ok "default 1G -> 2M: the warning names $what"
	else
		t_fail "default 1G -> 2M: the warning names $what" "$(cat "$T_TMP/err")"
	fi
done
t_eq "default 1G -> 2M: one warning line" 1 "$(wc -l <"$T_TMP/err")"
# apply says it too, before it writes
mkdir -p "$T_TMP/was1g/usr/sbin" "$T_TMP/was1g/etc/default"
cp /usr/sbin/grub-mkconfig "$T_TMP/was1g/usr/sbin/grub-mkconfig"
printf 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' >"$T_TMP/was1g/etc/default/grub"
"$HP" apply --no-update --root "$T_TMP/was1g" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "default 1G -> 2M: apply exits 0" 0 $?
t_grep "default 1G -> 2M: apply warns" "^warning: the default huge page size changes from 1G" "$T_TMP/err"

# 3. the same boot with DefaultPageSize=1G: rendered first, and nothing changes, no warning
mkroot keep1g "root=/dev/sda1 default_hugepagesz=1G hugepagesz=1G hugepages=2" 1G
"$HP" cmdline --root "$T_TMP/keep1g" >"$T_TMP/out" 2>"$T_TMP/err"
R1="default_hugepagesz=1G $RES"
t_eq "DefaultPageSize=1G: default_hugepagesz=1G first" "$R1 hugeplan.plan=$(fnv "$R1")" "$(cat "$T_TMP/out")"
t_eq "DefaultPageSize=1G on a 1G boot: no warning" "" "$(cat "$T_TMP/err")"

# 4. DefaultPageSize=1G asked on a 2M boot: the change is wanted, but still said
mkroot to1g "root=/dev/sda1" 1G
"$HP" plan --root "$T_TMP/to1g" >"$T_TMP/out" 2>"$T_TMP/err"
t_grep "DefaultPageSize=1G on a 2M boot: warned, from 2M to 1G" \
	"^warning: the default huge page size changes from 2M \(this boot\) to 1G at the next boot of this plan \(DefaultPageSize=\)" "$T_TMP/err"
# the kernel's side of the same rule, in plan --json
"$HP" plan --json --root "$T_TMP/plain" >"$T_TMP/j1" 2>/dev/null
"$HP" plan --json --root "$T_TMP/to1g" >"$T_TMP/j2" 2>/dev/null
t_eq "plan --json: default_page_size_kb is the kernel's 2M without DefaultPageSize=" 2048 \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["default_page_size_kb"])' "$T_TMP/j1")"
t_eq "plan --json: default_page_size_kb 1G with DefaultPageSize=1G" 1048576 \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["default_page_size_kb"])' "$T_TMP/j2")"
t_done
