#!/bin/sh
# The crash kernel's command line: the real kdump-config (Debian's kdump-tools) against
# core/kdump.h, in a private mount namespace where /proc/cmdline is the next boot's command line
# (hugeplan's words on it) and /etc/default/kdump-tools a test file. kdump-config's "test"
# prints the kexec command it would run without loading anything; its --command-line= is what
# the crash kernel would get. The crash kernel's pool is then what the kernel's rules make of it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/bootpath/common.sh
. "$TOP/tests/bootpath/common.sh"
need kdump-config kdump-tools
in_ns
build_tool
T=$T_TMP

NEXT="BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda ro quiet crashkernel=384M-:128M default_hugepagesz=1G hugepagesz=2M hugepages=512 hugepagesz=1G hugepages=4 hugeplan.plan=0123456789abcdef"
printf '%s\n' "$NEXT" >"$T/cmdline"
mkdir -p "$T/crash"
: >"$T/vmlinuz"
: >"$T/initrd.img"

# real NAME CONFIG_LINES [CMDLINE_FILE]: kdump-config test with these extra lines in its
# configuration and that /proc/cmdline; prints the --command-line value
real() {
	{
		sed -e '/^KDUMP_COREDIR=/d' -e '/^KDUMP_KERNEL=/d' -e '/^KDUMP_INITRD=/d' \
			/usr/share/kdump-tools/kdump-tools.conf
		echo "KDUMP_COREDIR=$T/crash"
		echo "KDUMP_KERNEL=$T/vmlinuz"
		echo "KDUMP_INITRD=$T/initrd.img"
		printf '%s\n' "$2"
	} >"$T/$1.conf"
	unshare -m sh -c "mount --make-rprivate / && mount --bind '${3:-$T/cmdline}' /proc/cmdline &&
		mount --bind '$T/$1.conf' /etc/default/kdump-tools && kdump-config test" \
		>"$T/$1.out" 2>&1
	sed -n 's/.*--command-line="\(.*\)" --initrd=.*/\1/p' "$T/$1.out"
}

# pool LINE: the huge pages the kernel would reserve for it (what /proc/cmdline tells)
pool() {
	printf '%s\n' "$1" | awk '{
		n = 0
		for (i = 1; i <= NF; i++) if ($i ~ /^hugepages=/) { sub(/^hugepages=/, "", $i); n += $i }
		print n }'
}

check() {
	name=$1 conf=$2 cmdline=$3 append=$4 want_pool=$5
	got=$(real "$name" "$conf")
	if [ -z "$got" ]; then
		t_fail "$name: kdump-config test printed a kexec command" "$(tail -n 5 "$T/$name.out")"
		return
	fi
	mine=$("$TOOL" kdump-debian "$NEXT" "$cmdline" "$append")
	t_eq "$name: the crash kernel's command line is kdump-config's" "$got" "$mine"
	t_eq "$name: huge pages on the crash kernel's command line" "$want_pool" "$(pool "$got")"
}

# the default configuration: kdump-config strips hugepages= and hugepagesz= (not
# default_hugepagesz= nor hugeplan.plan=): no pool in the crash kernel
check default "" - - 0
# pool words in KDUMP_CMDLINE_APPEND come back
check append 'KDUMP_CMDLINE_APPEND="reset_devices nr_cpus=1 hugepagesz=2M hugepages=64"' \
	- "reset_devices nr_cpus=1 hugepagesz=2M hugepages=64" 64
# an explicit KDUMP_CMDLINE is taken whole
check explicit "KDUMP_CMDLINE=\"root=/dev/sda hugepagesz=1G hugepages=2\"" \
	"root=/dev/sda hugepagesz=1G hugepages=2" - 2
t_grep "the default configuration's kexec command names the fake kernel" "$T/vmlinuz" "$T/default.out"

# hugeplan check: on an image whose next boot has the plan's words, with the very settings file
# the real kdump-config read, its verdict is the real crash line's: ok when it has no pool, an
# error naming the setting and its line when it has one
R=$T/host
t_host "$R" one-node-32g
mkdir -p "$R/etc/hugeplan/vms.d" "$R/usr/sbin" "$R/etc/default"
printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/db.conf"
RES="hugepagesz=1G hugepages=2"
printf 'BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda ro quiet crashkernel=384M-:128M %s hugeplan.plan=%s\n' \
	"$RES" "$(fnv "$RES")" >"$R/proc/cmdline"
cp /usr/sbin/kdump-config "$R/usr/sbin/kdump-config"
hcheck() {
	name=$1 level=$2
	got=$(real "h-$name" "$3" "$R/proc/cmdline")
	t_eq "check $name: the real kdump-config's crash line has $4 huge pages" "$4" "$(pool "$got")"
	cp "$T/h-$name.conf" "$R/etc/default/kdump-tools"
	"$B/hugeplan" check --root "$R" >"$T/h-$name.check" 2>&1
	# @LINE@: the line of KDUMP_CMDLINE_APPEND in the file kdump-config read
	line=$(grep -n '^KDUMP_CMDLINE_APPEND=' "$T/h-$name.conf" | cut -d: -f1)
	t_grep "check $name: kdump is $level" "^$level +kdump: $(echo "$5" | sed "s/@LINE@/$line/")" \
		"$T/h-$name.check"
}
hcheck default ok "" 0 "the crash kernel's command line \\(as kdump-config builds it from $R/etc/default/kdump-tools\\) has no huge page pool"
hcheck append error 'KDUMP_CMDLINE_APPEND="reset_devices nr_cpus=1 hugepagesz=2M hugepages=64"' 64 \
	"the crash kernel would reserve 64 x 2M: KDUMP_CMDLINE_APPEND in $R/etc/default/kdump-tools:@LINE@ holds hugepagesz=2M hugepages=64"
t_grep "check append: exits 1 with the error" "^1 error" "$T/h-append.check"

t_done
