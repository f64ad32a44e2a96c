#!/bin/sh
# Issue 12 item 4: with Strict=yes the VM managers require hugeplan-verify.service, which
# runs "hugeplan status --boot": its exit status is the gate. It must close only on what
# Strict= promises, a short pool (or a stale one: issue 15 settles that), not on a broken
# vms.d file that has nothing to do with this boot's pool, nor on a permission problem of
# an Enabled=no file: those are said at err priority, and libvirtd starts on a pool that is
# met. (The landed status --boot exited 2 for them, so libvirtd stayed down.)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"

RES="hugepagesz=1G hugepages=2"
TOKS="$RES hugeplan.plan=$(fnv "$RES")"
R=$T_TMP/r
cp -R "$TOP/tests/fixtures/one-node-32g" "$R"
mkdir -p "$R/etc/hugeplan/vms.d" "$R/dev" && : >"$R/dev/kmsg"
printf '[Host]\nStrict=yes\n' >"$R/etc/hugeplan/hugeplan.conf"
printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/db.conf"
echo "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro $TOKS" >"$R/proc/cmdline"
pool() { # N: 1G pages reserved
	for f in sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages \
		sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages \
		sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages \
		sys/devices/system/node/node0/hugepages/hugepages-1048576kB/free_hugepages; do
		echo "$1" >"$R/$f"
	done
}
pool 2
run ok "$HP" status --boot --root "$R"
t_eq "the pool met, the configuration sound: exit 0" 0 "$RC"

# the generator does make the VM managers require the check
O=$T_TMP/gen && mkdir -p "$O/n" "$O/e" "$O/l"
env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_LOG_TARGET HUGEPLAN_ROOT="$R" \
	"$HG" "$O/n" "$O/e" "$O/l" >/dev/null 2>&1
t_grep "Strict=yes: libvirtd requires the check" "^Requires=hugeplan-verify.service$" \
	"$O/n/libvirtd.service.d/50-hugeplan-generator.conf"

# an unrelated vms.d file that is broken
printf '[VM]\nMemory=lots\n' >"$R/etc/hugeplan/vms.d/lab.conf"
run broken "$HP" status --boot --root "$R"
t_eq "a broken vms.d file, the pool met: exit 0 (libvirtd starts)" 0 "$RC"
t_grep "a broken vms.d file: said at err priority, with its file and line" \
	"^<3>the configuration cannot be planned \($R/etc/hugeplan/vms.d/lab.conf:2: Memory=lots: " "$T_TMP/broken.out"
run broken2 "$HP" status --root "$R"
t_eq "a broken vms.d file: plain status still exits 2" 2 "$RC"
rm "$R/etc/hugeplan/vms.d/lab.conf"

# an Enabled=no file others could change (as root, the loader refuses the configuration)
if [ "$(id -u)" = 0 ]; then
	printf '[VM]\nMemory=4G\nEnabled=no\n' >"$R/etc/hugeplan/vms.d/old.conf"
	chmod 0666 "$R/etc/hugeplan/vms.d/old.conf"
	run perm "$HP" status --boot --root "$R"
	t_eq "an Enabled=no file others could change, the pool met: exit 0" 0 "$RC"
	t_grep "an Enabled=no file others could change: said at err priority" \
		"^<3>the configuration cannot be planned \($R/etc/hugeplan/vms.d/old.conf: writable by group or others" "$T_TMP/perm.out"
	rm "$R/etc/hugeplan/vms.d/old.conf"
else
	t_skip "an Enabled=no file others could change" "the permission check runs as root"
fi

# what Strict= is for: a short pool keeps them down, broken configuration or not
pool 1
run short "$HP" status --boot --root "$R"
t_eq "a short pool: exit 1 (libvirtd held back)" 1 "$RC"
printf '[VM]\nMemory=lots\n' >"$R/etc/hugeplan/vms.d/lab.conf"
run short2 "$HP" status --boot --root "$R"
t_eq "a short pool and a broken vms.d file: exit 1" 1 "$RC"
t_done
