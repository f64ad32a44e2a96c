#!/bin/sh
# The Strict= gate (issue 15, item 5) in each state: met, short, stale, config-error. With
# Strict=yes the generator makes the VM managers Require= (and come After=)
# hugeplan-verify.service, whose ExecStart= is "hugeplan status --boot": a VM manager starts
# when that unit succeeds, that is when the command exits 0 or with a status the unit's
# SuccessExitStatus= lists (systemd.service(5)). Both are read from the files the build makes
# and the generator writes, and the command is run as the unit runs it (on a fixture root).
#
# The rule under test: only a pool too short for the plan this boot's entry was written for
# (this boot's command line) closes the gate; VMs added since make the plan stale, said at
# err priority, without closing it; nor does a configuration error (a broken vms.d file, an
# Enabled=no one others could change: issue 12, item 4, whose tests moved here).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan
HG=$B/hugeplan-generator
UNIT=$B/units/hugeplan-verify.service
[ -f "$UNIT" ] || {
	t_fail "the built unit $UNIT exists (make all)"
	t_done
	exit 1
}

RES="hugepagesz=1G hugepages=2"
TOKS="$RES hugeplan.plan=$(fnv "$RES")"
R=$T_TMP/r
cp -R "$TOP/tests/fixtures/one-node-32g" "$R"
mkdir -p "$R/etc/hugeplan/vms.d" "$R/dev" && : >"$R/dev/kmsg"
printf '[Host]\nStrict=yes\n' >"$R/etc/hugeplan/hugeplan.conf"
printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/db.conf"
boot() { # the kernel command line of this boot
	echo "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro $1" >"$R/proc/cmdline"
}
pool() { # N: 1G pages reserved (and free: nothing runs yet at boot)
	for f in sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages \
		sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages \
		sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages \
		sys/devices/system/node/node0/hugepages/hugepages-1048576kB/free_hugepages; do
		echo "$1" >"$R/$f"
	done
}

# the unit's command and its success statuses, as the build wrote them
exec_args=$(sed -n 's/^ExecStart=[^ ]*hugeplan //p' "$UNIT")
success=$(sed -n 's/^SuccessExitStatus=//p' "$UNIT")
t_eq "the unit runs hugeplan status --boot" "status --boot" "$exec_args"

# gate NAME WANT_RC WANT_START [WANT_REQUIRES]: the generator's drop-ins (yes unless told),
# the unit's command, and whether libvirtd would start
gate() {
	O=$T_TMP/gen-$1
	mkdir -p "$O/n" "$O/e" "$O/l"
	env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_LOG_TARGET HUGEPLAN_ROOT="$R" \
		"$HG" "$O/n" "$O/e" "$O/l" >/dev/null 2>&1
	requires=no
	if grep -qx "Requires=hugeplan-verify.service" "$O/n/libvirtd.service.d/50-hugeplan-generator.conf" 2>/dev/null &&
		grep -qx "After=hugeplan-verify.service" "$O/n/libvirtd.service.d/50-hugeplan-generator.conf"; then
		requires=yes
	fi
	t_eq "$1: Strict=yes: libvirtd requires the check (drop-in): ${4:-yes}" "${4:-yes}" "$requires"
	# shellcheck disable=SC2086 # the unit's arguments, split as systemd splits them
	"$HP" $exec_args --root "$R" >"$T_TMP/$1.out" 2>"$T_TMP/$1.err"
	rc=$?
	t_eq "$1: exit status $2" "$2" "$rc"
	ok=no
	for c in 0 $success; do [ "$rc" = "$c" ] && ok=yes; done
	start=yes
	[ "$requires" = yes ] && [ "$ok" = no ] && start=no
	t_eq "$1: the unit $([ $ok = yes ] && echo succeeds || echo fails), libvirtd starts: $3" "$3" "$start"
}

# met: this boot's entry, its pool whole
boot "$TOKS"
pool 2
gate met 0 yes
t_grep "met: OK at info priority" "^<6>OK: the pool is met and backs every planned VM \(1\)\$" "$T_TMP/met.out"

# short: the kernel reserved 1 of 2
pool 1
gate short 1 no
t_grep "short: SHORT at err priority" "^<3>SHORT: " "$T_TMP/short.out"

# stale: a VM added after the entry was written, rebooted before apply; the entry's pool is met
pool 2
printf '[VM]\nMemory=4G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/web.conf"
gate stale 3 yes
t_grep "stale: STALE at err priority" "^<3>.*STALE: the pool is not today's plan" "$T_TMP/stale.out"
t_grep "stale: the added VM named" "web" "$T_TMP/stale.out"
t_grep "stale: says the VM managers are not held back, at err priority" \
	"^<3>the pool meets this boot's own entry, so the VM managers are not held back" "$T_TMP/stale.out"
# plain status still says 1 for monitoring
"$HP" status --root "$R" >/dev/null 2>&1
t_eq "stale: plain status exits 1" 1 $?

# stale, and short of its own entry: held back
pool 1
gate stale-short 1 no

# stale without any hugeplan entry ever booted: VMs planned, nothing reserved at boot, and
# no apply yet: the generator decides from the command line and apply's state (issue 20), so
# it writes no drop-in (nothing in the boot loader to verify); status --boot, run anyway,
# says stale with 3
boot ""
pool 0
gate never-applied 3 yes no

# config-error: a broken vms.d file; the pool met for this boot's entry, then short
rm "$R/etc/hugeplan/vms.d/web.conf"
boot "$TOKS"
pool 2
printf '[VM]\nMemory=lots\n' >"$R/etc/hugeplan/vms.d/lab.conf"
gate config-error 0 yes
t_grep "config-error: said at err priority, with its file and line" \
	"^<3>the configuration cannot be planned \($R/etc/hugeplan/vms.d/lab.conf:2: Memory=lots: " "$T_TMP/config-error.out"
"$HP" status --root "$R" >/dev/null 2>&1
t_eq "config-error: plain status still exits 2" 2 $?
pool 1
gate config-error-short 1 no
rm "$R/etc/hugeplan/vms.d/lab.conf"
# an Enabled=no file others could change (as root, the loader refuses the configuration;
# issue 12, item 4): the gate is the pool's
if [ "$(id -u)" = 0 ]; then
	printf '[VM]\nMemory=4G\nEnabled=no\n' >"$R/etc/hugeplan/vms.d/old.conf"
	chmod 0666 "$R/etc/hugeplan/vms.d/old.conf"
	pool 2
	gate config-perm 0 yes
	t_grep "config-perm: said at err priority" \
		"^<3>the configuration cannot be planned \($R/etc/hugeplan/vms.d/old.conf: writable by group or others" "$T_TMP/config-perm.out"
	rm "$R/etc/hugeplan/vms.d/old.conf"
else
	t_skip "an Enabled=no file others could change" "the permission check runs as root"
fi

# Strict=no: no drop-in, libvirtd starts whatever the check says
printf '[Host]\nStrict=no\n' >"$R/etc/hugeplan/hugeplan.conf"
O=$T_TMP/gen-nostrict
mkdir -p "$O/n" "$O/e" "$O/l"
env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_LOG_TARGET HUGEPLAN_ROOT="$R" \
	"$HG" "$O/n" "$O/e" "$O/l" >/dev/null 2>&1
t_eq "Strict=no: no drop-in for libvirtd" no "$([ -e "$O/n/libvirtd.service.d" ] && echo yes || echo no)"
t_done
