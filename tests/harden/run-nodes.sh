#!/bin/sh
# Issue 12 item 5: one online node id of 64 or more disabled the CLI ("node id above 63 is
# not supported"), the generator ("nothing generated") and the verifier. Nodes the plan does
# not use must not matter: on the two-node fixture with a node 64 online as well, the plan is
# exactly the one tests/cli/expected/numa-cmdline.stdout holds for the fixture (worked out by
# hand from the planner's rules), the generator writes the same units and the verifier gives
# the same verdict as without node 64. Where the limit stays, a clear error: a kernel without
# the per-node form (the balanced form would spread pages onto node 64), Node=64, and a
# command line asking for pages on node 64.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"
F=$TOP/tests/fixtures
C=$TOP/tests/cli/configs

# with64 DIR BASE: the fixture BASE with node 64 online too (its own sysfs folder, no pages)
with64() {
	cp -R "$F/$2" "$1"
	n=$1/sys/devices/system/node
	printf '%s,64\n' "$(cat "$n/online")" >"$n/online"
	mkdir -p "$n/node64"
	printf 'Node 64 MemTotal:       16777216 kB\n' >"$n/node64/meminfo"
	for d in "$1"/sys/kernel/mm/hugepages/hugepages-*; do
		mkdir -p "$n/node64/hugepages/${d##*/}"
		for a in nr_hugepages free_hugepages surplus_hugepages; do
			echo 0 >"$n/node64/hugepages/${d##*/}/$a"
		done
	done
}

R=$T_TMP/r64
with64 "$R" two-node-16g-32g
cp -R "$C/numa" "$T_TMP/numa" && chmod -R go-w "$T_TMP/numa"
WANT=$(cat "$TOP/tests/cli/expected/numa-cmdline.stdout")

run plan "$HP" plan --config "$T_TMP/numa" --root "$R"
t_eq "plan with node 64 online: exit 0" 0 "$RC"
run cmdline "$HP" cmdline --config "$T_TMP/numa" --root "$R"
t_eq "cmdline with node 64 online: exit 0" 0 "$RC"
t_eq "cmdline with node 64 online: the plan of the same host without node 64" "$WANT" "$(cat "$T_TMP/cmdline.out")"
run plan "$HP" plan --config "$T_TMP/numa" --root "$R"
run plan2 "$HP" plan --config "$T_TMP/numa" --root "$F/two-node-16g-32g"
t_diff "plan with node 64 online: the same report as without" "$T_TMP/plan2.out" "$T_TMP/plan.out"

# one node below 64: the per-node form keeps the pool off node 64 (a plain count would be
# spread onto it), with the counts the one-node plan has
R1=$T_TMP/r1
with64 "$R1" one-node-32g
cp -R "$C/workstation" "$T_TMP/ws" && chmod -R go-w "$T_TMP/ws"
run ws "$HP" cmdline --config "$T_TMP/ws" --root "$R1"
t_eq "one node and node 64: exit 0" 0 "$RC"
ONE=$(cat "$TOP/tests/cli/expected/ws-cmdline.stdout")
res=$(echo "$ONE" | sed 's/ hugeplan.plan=.*//; s/hugepages=\([0-9]*\)/hugepages=0:\1/g')
t_eq "one node and node 64: the one-node counts, all on node 0" "$res hugeplan.plan=$(fnv "$res")" \
	"$(cat "$T_TMP/ws.out")"

# the limit that stays: a kernel before 5.16 cannot keep the pool off node 64
run old "$HP" cmdline --kver 5.10.0 --config "$T_TMP/numa" --root "$R"
t_eq "node 64 and a kernel before 5.16: exit 2" 2 "$RC"
t_grep "node 64 and a kernel before 5.16: says why" \
	"node 64 is online, and hugeplan plans on nodes 0-63 only: the target kernel 5.10 cannot reserve per node" "$T_TMP/old.err"
mkdir -p "$T_TMP/pin/vms.d" && printf '[VM]\nMemory=2G\nNode=64\n' >"$T_TMP/pin/vms.d/p.conf"
run pin "$HP" plan --config "$T_TMP/pin" --root "$R"
t_eq "Node=64: exit 2" 2 "$RC"
t_grep "Node=64: the documented limit, named" "p.conf:3: Node=64: node 64 is beyond the 64 nodes hugeplan supports" "$T_TMP/pin.err"

# the generator: the same units as on the host without node 64
for h in "$R" "$T_TMP/r2"; do
	[ "$h" = "$R" ] || cp -R "$F/two-node-16g-32g" "$h"
	echo "BOOT_IMAGE=/vmlinuz ro $WANT" >"$h/proc/cmdline"
	rm -rf "$h.out" && mkdir -p "$h.out/n" "$h.out/e" "$h.out/l"
	env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_LOG_TARGET HUGEPLAN_ROOT="$h" \
		"$HG" "$h.out/n" "$h.out/e" "$h.out/l" >"$h.gen.out" 2>"$h.gen.err"
	(cd "$h.out/n" && find . | LC_ALL=C sort) >"$h.units"
done
t_eq "generator with node 64 online: nothing on stderr" "" "$(cat "$R.gen.err")"
t_grep "generator with node 64 online: mount units generated (1G: 2M, the default, is systemd's /dev/hugepages)" "dev-hugepages1G.mount" "$R.units"
t_diff "generator with node 64 online: the same units as without" "$T_TMP/r2.units" "$R.units"

# the verifier: the pool as the plan asked it, per node (the numbers of the command line)
pool() { # ROOT SIZE_KB NODE0 NODE1
	echo $(($3 + $4)) >"$1/sys/kernel/mm/hugepages/hugepages-$2kB/nr_hugepages"
	echo "$3" >"$1/sys/devices/system/node/node0/hugepages/hugepages-$2kB/nr_hugepages"
	echo "$4" >"$1/sys/devices/system/node/node1/hugepages/hugepages-$2kB/nr_hugepages"
}
for h in "$R" "$T_TMP/r2"; do
	pool "$h" 2048 1287 1785
	pool "$h" 1048576 4 14
	mkdir -p "$h/dev" && : >"$h/dev/kmsg"
	"$HV" --root "$h" >"$h.v.out" 2>"$h.v.err"
	echo $? >"$h.v.rc"
done
t_eq "verify with node 64 online: exit 0, as without" "0 0" "$(cat "$R.v.rc") $(cat "$T_TMP/r2.v.rc")"
t_diff "verify with node 64 online: the same summary as without" "$T_TMP/r2.v.out" "$R.v.out"
t_eq "verify with node 64 online: nothing on stderr" "" "$(cat "$R.v.err")"
# a command line that asks for pages on node 64 cannot be judged here: said, not guessed
echo "hugepagesz=2M hugepages=0:16,64:16" >"$R/proc/cmdline"
run v64 "$HV" --root "$R"
t_eq "verify, pages asked on node 64: exit 2" 2 "$RC"
t_grep "verify, pages asked on node 64: says why" "asks for pages on node 64: hugeplan models nodes 0-63 only; not verified" "$T_TMP/v64.err"
t_done
