#!/bin/sh
# Who uses the pool on a Proxmox VE host: hugeplan status and hugeplan metrics on fixture trees
# with qemu-server's running guests (/run/qemu-server/VMID.pid, /proc/PID/cmdline and
# /proc/PID/numa_maps beneath the root).
#
# The rules the expected values come from:
#   - qemu-server (PVE/QemuServer/Helpers.pm): pidfile_name(VMID) is
#     /var/run/qemu-server/VMID.pid (/run/qemu-server: /var/run is a link to /run), and
#     vm_running_locally() takes its pid as that VM's only when /proc/PID/cmdline
#     (parse_cmdline()) is a QEMU's (argv[0] ending in kvm, or qemu-system-*) whose -pidfile is
#     that very file: a process that is gone or another one (a pid reused, by anything or by
#     another VM's QEMU) is no guest;
#   - the command lines are qemu-server's own, read in place from the shared cfg2cmd pairs
#     ($SH/proxmox/cfg2cmd/NAME.conf.cmd, VMID 8006, split on backslash-newline as its test
#     runner splits them); another VMID is the same line with 8006 replaced, and a VM without
#     name: gets "-name vmVMID", as qemu-server writes it (the pairs without name: show it);
#   - sources/proxmox.c names a VM by its name:, else by its VMID, and the planned VM of a
#     running guest is the Proxmox one of that VMID (core/usage.h);
#   - the kernel's numa_maps (fs/proc/task_mmu.c show_numa_map()): a hugetlbfs mapping says
#     "huge", N<node>= counts its pages of kernelpagesize_kB; QEMU's memory-backend-file on a
#     directory maps an unlinked file there (qemu_back_mem.<object>.XXXXXX, " (deleted)").
#   - the pool: in use = nr_hugepages - free_hugepages; what the guests map is theirs, the rest
#     unattributed (core/usage.h); hugeplan_in_use_pages{owner} adds up to in use.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
t_shared || exit 1
HP=$B/hugeplan
F=$TOP/tests/fixtures
C=$SH/proxmox/cfg2cmd
PROM="python3 $TOP/tests/fleet/prom.py"

jv() { # FILE EXPR: EXPR over a JSON file, r bound to the document
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))' "$1" "$2" 2>&1
}

# qemu ROOT PID CMDFILE VMID [NONAME]: /proc/PID/cmdline of qemu-server's command line CMDFILE
# for VMID (NUL-separated, as the kernel shows it); NONAME: the VM has no name:
qemu() {
	mkdir -p "$1/proc/$2"
	python3 -c 'import shlex, sys
args = shlex.split(open(sys.argv[1]).read().replace("\\\n", " "))
args = [a.replace("8006", sys.argv[2]) for a in args]
if sys.argv[3]:
    args[args.index("-name") + 1] = "vm" + sys.argv[2]
sys.stdout.buffer.write(b"".join(a.encode() + b"\0" for a in args))' "$3" "$4" "${5:-}" \
		>"$1/proc/$2/cmdline"
}

# pidfile ROOT VMID PID: qemu-server's pid file (QEMU's -pidfile writes "PID\n")
pidfile() {
	mkdir -p "$1/run/qemu-server"
	echo "$3" >"$1/run/qemu-server/$2.pid"
}

# maps ROOT PID NODE:PAGES...: numa_maps of a QEMU with one 2M memory-backend-file per entry
maps() {
	mr=$1 mp=$2
	shift 2
	{
		echo "55d0c1a00000 default file=/usr/bin/qemu-system-x86_64 mapped=1200 mapmax=2 N0=1200 kernelpagesize_kB=4"
		echo "7f3c40000000 default anon=1024 dirty=1024 active=0 N0=1024 kernelpagesize_kB=4"
		i=0
		for np in "$@"; do
			printf '%s\n' "7f${i}a00000000 default file=/run/hugepages/kvm/2048kB/qemu_back_mem._objects_ram-node$i.Xq3v9a\\040(deleted) huge dirty=${np#*:} N${np%%:*}=${np#*:} kernelpagesize_kB=2048"
			i=$((i + 1))
		done
	} >"$mr/proc/$mp/numa_maps"
}

pool() { t_pool "$@"; }

# st NAME ARGS...: hugeplan status; NAME.out, NAME.err, RC
st() {
	n=$1
	shift
	"$HP" status "$@" >"$T_TMP/$n.out" 2>"$T_TMP/$n.err"
	RC=$?
}

# The host: two nodes (16 and 32 GiB), Proxmox VE's VM 8006, qemu-server's
# memory-hugepages-2m test case (8192 MiB, numa, 2 sockets, hugepages: 2): two
# memory-backend-file objects of 4096M on 2M pages, guest node i on host node i
# (hugepages_topology()): 2048 pages on each node. keephugepages: 1, as hugeplan asks.
R=$T_TMP/pve
rm -rf "$R"
cp -a "$F/two-node-16g-32g" "$R"
mkdir -p "$R/etc/hugeplan/vms.d" "$R/etc/pve/qemu-server"
cp "$C/memory-hugepages-2m.conf" "$R/etc/pve/qemu-server/8006.conf"
printf 'keephugepages: 1\n' >>"$R/etc/pve/qemu-server/8006.conf"
want=$(sed -n "s/.*memory-backend-file,id=ram-node\([0-9]\),size=\([0-9]*\)M,mem-path=[^,]*2048kB.*/\1:\2/p" \
	"$C/memory-hugepages-2m.conf.cmd" | awk -F: '{ printf "%s%s:%d", (NR > 1 ? "," : ""), $1, $2 / 2 }')
t_eq "qemu-server's command line: 2048 2M pages on each of nodes 0 and 1" "0:2048,1:2048" "$want"
RESP="hugepagesz=2M hugepages=$want"
IDP=$(fnv "$RESP")
echo "BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro quiet $RESP hugeplan.plan=$IDP" >"$R/proc/cmdline"

# --- 1. the planned VM runs: simple, VMID 8006, pid 6006, maps its 4096 pages -------------------
pool "$R" 2048 4096 0 0 0 0 2048 0 1 2048 0
pool "$R" 1048576 0 0 0 0 0 0 0 1 0 0
qemu "$R" 6006 "$C/memory-hugepages-2m.conf.cmd" 8006
pidfile "$R" 8006 6006
maps "$R" 6006 0:2048 1:2048
# stale: 8008's process is gone (a crash leaves the file)
pidfile "$R" 8008 99998
# a pid reused by a process that is no QEMU
pidfile "$R" 8009 7009
mkdir -p "$R/proc/7009" && printf '/usr/sbin/sshd\0-D\0' >"$R/proc/7009/cmdline"
maps "$R" 7009 0:100
# a pid reused by another VM's QEMU: 6006's -pidfile is 8006.pid, not 8010.pid
pidfile "$R" 8010 6006
# a QEMU of qemu-server's without a name (-name vm8011) whose numa_maps cannot be read
qemu "$R" 7011 "$C/memory-hugepages-2m.conf.cmd" 8011 noname
pidfile "$R" 8011 7011
mkdir -p "$R/proc/7011/numa_maps"
# qemu-server's other files beside the pid files are no guests
: >"$R/run/qemu-server/8006.qmp" && : >"$R/run/qemu-server/8006.vnc"
st running --root "$R"
t_eq "planned Proxmox VM running: exit 0" 0 "$RC"
t_grep "... listed: name, pid, proxmox and its VMID, planned, its pages per node" \
	'^simple +6006 +proxmox 8006 +yes +2M 0:2048 1:2048$' "$T_TMP/running.out"
t_eq "... the only guest: stale and reused pid files skipped" "1" \
	"$(sed -n '/^Running guests/,/^$/p' "$T_TMP/running.out" | grep -c 'proxmox ')"
t_grep "... the unreadable numa_maps named, with why" \
	'^  not read: VMID 8011 \(pid 7011\): Is a directory$' "$T_TMP/running.out"
t_grep "... backed by what it maps" '^simple +2M +4096 0:2048 1:2048 +- +proxmox ' "$T_TMP/running.out"
t_grep "... 2M node 0: reserved 2048, all in use by the guest" '^2M +0 +2048 +2048 +2048 +0 +0 +0 +0$' "$T_TMP/running.out"
t_grep "... OK" '^Verdict: OK: the pool is met and backs every planned VM \(1\)$' "$T_TMP/running.out"
st running-json --root "$R" --json
t_eq "JSON guests: name, pid, source, vmid, planned, pages per size and node" \
	'[["simple", 6006, "proxmox", 8006, true, [[2048, 0, 2048], [2048, 1, 2048]]]]' \
	"$(jv "$T_TMP/running-json.out" 'json.dumps([[g["name"], g["pid"], g["source"], g["vmid"], g["planned"], [[p["page_size_kb"], p["node"], p["pages"]] for p in g["pages"]]] for g in r["guests"]])')"
t_eq "JSON usage: per node in_use = by_guests, nothing unattributed" \
	'[[2048, 2048, 0], [2048, 2048, 0]]' \
	"$(jv "$T_TMP/running-json.out" 'json.dumps([[n["in_use"], n["by_guests"], n["unattributed"]] for u in r["usage"] if u["page_size_kb"] == 2048 for n in u["nodes"]])')"
t_eq "JSON guests_note" "VMID 8011 (pid 7011): Is a directory" \
	"$(jv "$T_TMP/running-json.out" 'r["guests_note"]')"

# the same VM, Backing=dynamic (a vms.d override: qemu-server allocates its pages at each start,
# hugeplan vm start leaves it alone, so there is no start record): its QEMU runs on them
printf '[VM]\nBacking=dynamic\n' >"$R/etc/hugeplan/vms.d/simple.conf"
st dynamic --root "$R"
t_grep "dynamic Proxmox VM running: the dynamic section says running on its pages, its pid" \
	'^simple +dynamic +2M +4096 +0:2048 1:2048 +running on its pages \(pid 6006\)$' "$T_TMP/dynamic.out"
st dynamic-json --root "$R" --json
t_eq "... JSON backings: no record, running, on its pages, 4096 on its nodes" \
	'[["simple", "none", true, true, 4096]]' \
	"$(jv "$T_TMP/dynamic-json.out" 'json.dumps([[b["name"], b["record"], b["running"], b["on_its_pages"], b["pages_on_its_nodes"]] for b in r["backings"]])')"
mv "$R/proc/6006" "$R/proc/6006.off"
st dynamic-down --root "$R"
t_grep "... its QEMU gone (the pid file stale): stopped" \
	'^simple +dynamic +2M +4096 +0:2048 1:2048 +stopped: its pages are the host.s$' "$T_TMP/dynamic-down.out"
mv "$R/proc/6006.off" "$R/proc/6006"
rm "$R/etc/hugeplan/vms.d/simple.conf"

# renamed since it started (qm set --name while it runs): still the planned VM of its VMID
sed -i 's/^name: simple$/name: renamed/' "$R/etc/pve/qemu-server/8006.conf"
st renamed --root "$R" --json
t_eq "renamed in its configuration: still planned (same VMID), named as its QEMU was" \
	'[["simple", true]] ["renamed"]' \
	"$(jv "$T_TMP/renamed.out" 'json.dumps([[g["name"], g["planned"]] for g in r["guests"]])') $(jv "$T_TMP/renamed.out" 'json.dumps([v["name"] for v in r["vms"]])')"
sed -i 's/^name: renamed$/name: simple/' "$R/etc/pve/qemu-server/8006.conf"

# metrics: owner="simple" has the pages it maps, owner="unattributed" the rest (0)
"$HP" metrics --root "$R" >"$T_TMP/running.prom" 2>"$T_TMP/running-prom.err"
t_eq "metrics: exit 0" 0 $?
promtool check metrics <"$T_TMP/running.prom" >"$T_TMP/lint" 2>&1
t_eq "promtool check metrics: no problem" "0 " "$? $(cat "$T_TMP/lint")"
for n in 0 1; do
	t_eq "metrics 2M node $n: owner=simple, the 2048 pages it maps" 2048 \
		"$($PROM get "$T_TMP/running.prom" hugeplan_in_use_pages size=2M node=$n owner=simple)"
	t_eq "metrics 2M node $n: owner=unattributed 0" 0 \
		"$($PROM get "$T_TMP/running.prom" hugeplan_in_use_pages size=2M node=$n owner=unattributed)"
done
t_eq "metrics 1G: only owner=unattributed (no guest maps 1G)" \
	'hugeplan_in_use_pages{node=0,owner=unattributed,size=1G}
hugeplan_in_use_pages{node=1,owner=unattributed,size=1G}' \
	"$($PROM series "$T_TMP/running.prom" hugeplan_in_use_pages | grep 1G)"

# --- 2. the planned VM is down, an unplanned one runs --------------------------------------------
# 8006's pid file stays behind (its process gone: stale); VM 8007, no name: (-name vm8007, which
# hugeplan names 8007), no configuration here (no planned VM), maps 512 pages on node 0. Someone
# else (no guest) holds 100 more pages there: node 0 in use 612, free 1436; node 1 all free.
rm -rf "$R/proc/6006"
qemu "$R" 6007 "$C/memory-hugepages-2m.conf.cmd" 8007 noname
pidfile "$R" 8007 6007
maps "$R" 6007 0:512
pool "$R" 2048 4096 3484 0 0 0 2048 1436 1 2048 2048
st down --root "$R"
t_eq "unplanned Proxmox guest on the pool: exit 1 (the planned VM is short)" 1 "$RC"
t_grep "... listed by its VMID, not planned" '^8007 +6007 +proxmox 8007 +no +2M 0:512$' "$T_TMP/down.out"
t_grep "... named as no planned VM" \
	'^  8007 \(pid 6007\) is no planned VM and runs on 512 2M pages of the pool$' "$T_TMP/down.out"
if grep -q '^simple +6006' "$T_TMP/down.out"; then
	t_fail "... the stale 8006.pid: simple is not running" "$(grep '^simple +6006' "$T_TMP/down.out")"
else
	t_ok "... the stale 8006.pid: simple is not running"
fi
# simple, pinned 2048 per node (core/backing.h), gets node 0's 2048 - 512 = 1536 and node 1's
# 2048: short by 512; the 100 pages nobody seen holds are not taken from it
t_grep "... simple short by the 512 pages 8007 took" \
	'^  simple: short by 512 2M pages \(1.00 GiB\): 512 on node 0$' "$T_TMP/down.out"
t_grep "... node 0: in use 612, by guests 512, other 100" '^2M +0 +2048 +612 +512 +100 ' "$T_TMP/down.out"
"$HP" metrics --root "$R" >"$T_TMP/down.prom" 2>/dev/null
promtool check metrics <"$T_TMP/down.prom" >"$T_TMP/lint" 2>&1
t_eq "promtool check metrics (unplanned guest): no problem" "0 " "$? $(cat "$T_TMP/lint")"
t_eq "metrics 2M node 0: owner=8007 512, owner=unattributed 100" "512 100" \
	"$($PROM get "$T_TMP/down.prom" hugeplan_in_use_pages size=2M node=0 owner=8007) $($PROM get "$T_TMP/down.prom" hugeplan_in_use_pages size=2M node=0 owner=unattributed)"
# the sum over owners is the pool's in use, nr - free, per size and node (sysfs)
for kb in 2048 1048576; do
	sz=$([ $kb = 2048 ] && echo 2M || echo 1G)
	for n in 0 1; do
		d=$R/sys/devices/system/node/node$n/hugepages/hugepages-${kb}kB
		sum=$(grep "^hugeplan_in_use_pages{" "$T_TMP/down.prom" | grep "node=\"$n\"" | grep "size=\"$sz\"" |
			awk '{ s += $2 } END { print s + 0 }')
		t_eq "metrics $sz node $n: the owners add up to nr - free" \
			"$(($(cat "$d/nr_hugepages") - $(cat "$d/free_hugepages")))" "$sum"
	done
done
t_eq "metrics: no series for simple, which is not running" "absent" \
	"$($PROM get "$T_TMP/down.prom" hugeplan_in_use_pages size=2M node=0 owner=simple)"

# --- 3. a libvirt domain and a Proxmox VM of one name: one series for both -----------------------
t_libvirt_guest "$R" 8007 5005
maps "$R" 5005 0:50
pool "$R" 2048 4096 3434 0 0 0 2048 1386 1 2048 2048
"$HP" metrics --root "$R" >"$T_TMP/both.prom" 2>/dev/null
promtool check metrics <"$T_TMP/both.prom" >"$T_TMP/lint" 2>&1
t_eq "promtool check metrics (two guests of one name): no problem" "0 " "$? $(cat "$T_TMP/lint")"
t_eq "metrics: the two guests named 8007 in one series (562), the rest unattributed (100)" "562 100" \
	"$($PROM get "$T_TMP/both.prom" hugeplan_in_use_pages size=2M node=0 owner=8007) $($PROM get "$T_TMP/both.prom" hugeplan_in_use_pages size=2M node=0 owner=unattributed)"
st both --root "$R" --json
t_eq "JSON: both guests, each with its source" \
	'[["8007", "libvirt", null], ["8007", "proxmox", 8007]]' \
	"$(jv "$T_TMP/both.out" 'json.dumps(sorted([g["name"], g["source"], g["vmid"]] for g in r["guests"]))')"
t_done
