#!/bin/sh
# hugeplan vm start/stop on fixture trees (--root): what is written to the per-node
# nr_hugepages files and to /run/hugeplan/vms, refusals that write nothing, the lock, the
# settling of an interrupted start, and plan's budget with mixed backings. A fixture's
# nr_hugepages is a plain file that keeps what is written (a kernel that always succeeds):
# shortfalls are tested on a real kernel (tests/boot/run-dynamic.sh). Expected numbers follow
# core/dynamic.h and core/plan.h; the fixture two-node-16g-32g has 16 and 32 GiB, 0 pages.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan
R=$T_TMP/root
C=$T_TMP/conf
t_host "$R" two-node-16g-32g
mkdir -p "$C/vms.d"
N0=$R/sys/devices/system/node/node0/hugepages/hugepages-2048kB
N1=$R/sys/devices/system/node/node1/hugepages/hugepages-2048kB
printf '[VM]\nMemory=4G\nPageSize=2M\nNode=1\nBacking=dynamic\n' >"$C/vms.d/desk.conf"
printf '[VM]\nMemory=2G\nPageSize=2M\nBacking=dynamic\n' >"$C/vms.d/game.conf"
printf '[VM]\nMemory=8G\nPageSize=1G\nNode=0\n' >"$C/vms.d/db.conf"
printf '[VM]\nMemory=6G\nBacking=transparent\n' >"$C/vms.d/svc.conf"
vm() { "$HP" vm "$@" --root "$R" --config "$C"; }

# --- usage ---------------------------------------------------------------------------------
"$HP" vm >/dev/null 2>"$T_TMP/err"
t_eq "vm without an action: exit 2" 2 $?
"$HP" vm run desk >/dev/null 2>"$T_TMP/err"
t_eq "vm run: exit 2" 2 $?
t_grep "vm run: says what it takes" "unknown action 'run' \(start or stop\)" "$T_TMP/err"
vm start nosuch >"$T_TMP/out" 2>&1
t_eq "vm start of a VM hugeplan does not plan: exit 0 (the hook runs for every guest)" 0 $?
t_grep "and says so" "^nosuch: not a VM hugeplan plans: nothing to do$" "$T_TMP/out"

# --- start and stop --------------------------------------------------------------------------
vm start desk >"$T_TMP/out" 2>&1
t_eq "vm start desk: exit 0" 0 $?
t_eq "desk: node 1 raised by its 2048 pages, node 0 untouched" "0 2048" "$(cat "$N0/nr_hugepages") $(cat "$N1/nr_hugepages")"
t_grep "says what it added" "^desk: node 1: 2048 2M pages, 2048 added \(0 -> 2048\)$" "$T_TMP/out"
t_grep "its record" "^part=2097152 1 need=2048 before=0 target=2048 added=2048$" "$R/run/hugeplan/vms/desk.record"
vm start desk >"$T_TMP/out" 2>&1
t_eq "a second start: exit 0" 0 $?
t_grep "changes nothing" "already started" "$T_TMP/out"
t_eq "node 1 still 2048" 2048 "$(cat "$N1/nr_hugepages")"
# game (unpinned) goes whole to node 1, the roomier (32 GiB less 1.6 reserve, 4 svc, desk 4 G)
vm start game >"$T_TMP/out" 2>&1
t_eq "vm start game: exit 0" 0 $?
t_eq "game's 1024 pages on node 1, on top of desk's (held)" "0 3072" "$(cat "$N0/nr_hugepages") $(cat "$N1/nr_hugepages")"
vm stop desk >"$T_TMP/out" 2>&1
t_eq "vm stop desk: exit 0" 0 $?
t_eq "stop gives back exactly desk's 2048" 1024 "$(cat "$N1/nr_hugepages")"
t_eq "desk's record is gone" no "$([ -e "$R/run/hugeplan/vms/desk.record" ] && echo yes || echo no)"
vm stop desk >"$T_TMP/out" 2>&1
t_eq "a second stop: exit 0, nothing to give back" "0 1024" "$? $(cat "$N1/nr_hugepages")"
vm stop game >/dev/null 2>&1
t_eq "game stopped: node 1 at 0" 0 "$(cat "$N1/nr_hugepages")"

# free pages held for nobody are used first: 1500 free on node 1 by hand, desk adds 548
echo 1500 >"$N1/nr_hugepages"
echo 1500 >"$N1/free_hugepages"
vm start desk >/dev/null 2>&1
t_eq "1500 spare pages: desk adds 548" 2048 "$(cat "$N1/nr_hugepages")"
vm stop desk >/dev/null 2>&1
t_eq "and gives back those 548" 1500 "$(cat "$N1/nr_hugepages")"
echo 0 >"$N1/nr_hugepages"
echo 0 >"$N1/free_hugepages"

# --- refusals write nothing ------------------------------------------------------------------
printf '[VM]\nMemory=30G\nPageSize=2M\nNode=1\nBacking=dynamic\n' >"$C/vms.d/big.conf"
vm start big >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "vm start big (30 GiB on the 32 GiB node beside 4 GiB of svc): exit 1" 1 $?
t_grep "one line, the node and the numbers" "^hugeplan vm start big: refused, nothing changed: node 1 cannot take 15360 more 2M pages \(30.0 GiB\): MemTotal 32.0 GiB - huge pages 30.0 GiB with them - vmemmap 480 MiB - ordinary VM memory 4.00 GiB leaves nothing, below the 1.60 GiB reserve$" "$T_TMP/err"
t_eq "nothing written: node 1 at 0, no record" "0 no" "$(cat "$N1/nr_hugepages") $([ -e "$R/run/hugeplan/vms/big.record" ] && echo yes || echo no)"
rm "$C/vms.d/big.conf"
printf '[Host]\nDynamicPeak=1\n' >"$C/hugeplan.conf"
vm start desk >/dev/null 2>&1
vm start game >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "DynamicPeak=1 and desk runs: game refused" 1 $?
t_grep "naming the running one" "DynamicPeak=1: 1 dynamic VM runs already \(desk\)" "$T_TMP/err"
vm stop desk >/dev/null 2>&1
rm "$C/hugeplan.conf"

# --- static and transparent ------------------------------------------------------------------
vm start db >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "vm start of a static VM whose pages are not there: exit 1" 1 $?
t_grep "names the short node" "^hugeplan vm start db: Backing=static: node 0 is short: 0 of the 8 1G pages db needs there are free$" "$T_TMP/err"
G0=$R/sys/devices/system/node/node0/hugepages/hugepages-1048576kB
echo 8 >"$G0/nr_hugepages"
echo 8 >"$G0/free_hugepages"
vm start db >"$T_TMP/out" 2>&1
t_eq "with its 8 pages free: exit 0, and nothing written" "0 8" "$? $(cat "$G0/nr_hugepages")"
vm start svc >"$T_TMP/out" 2>&1
t_eq "a transparent VM: exit 0" 0 $?

# --- the lock: a start waits for the holder ------------------------------------------------
mkdir -p "$R/run/hugeplan"
flock "$R/run/hugeplan/vm.lock" sleep 2 &
holder=$!
sleep 0.3
t0=$(date +%s%N)
vm start desk >/dev/null 2>&1
t1=$(date +%s%N)
wait $holder
t_eq "a start while another holds the lock waits for it (>= 1.5 s)" yes "$([ $(((t1 - t0) / 1000000)) -ge 1500 ] && echo yes || echo "no: $(((t1 - t0) / 1000000)) ms")"
vm stop desk >/dev/null 2>&1

# --- an interrupted start: settled by the next stop -------------------------------------------
echo 100 >"$N1/nr_hugepages"
printf '# hugeplan vm record 1: by hand\nvm=game\nstate=starting\npid=999999\nsince=1\npart=2097152 1 need=1024 before=0 target=1024 added=0\n' >"$R/run/hugeplan/vms/game.record"
vm stop desk >"$T_TMP/out" 2>"$T_TMP/err"
t_grep "the next stop settles it" "settled the interrupted start of game \(pid 999999\)" "$T_TMP/err"
t_eq "its count as before it, its record gone" "0 no" "$(cat "$N1/nr_hugepages") $([ -e "$R/run/hugeplan/vms/game.record" ] && echo yes || echo no)"

# --- plan: the budget ----------------------------------------------------------------------
"$HP" plan --json --root "$R" --config "$C" >"$T_TMP/plan.json"
t_eq "plan fits: exit 0" 0 $?
# node0: 8 x 1G + 8 x 16M; ordinary 6G x 16/48 = 2G. node1: desk 4G + game 2G = 3072 x 2M,
# vmemmap 3072 x 32K = 96M; ordinary 4G.
t_eq "per node: pool, vmemmap, dynamic, dynamic vmemmap, ordinary" \
	"0:8589934592,134217728,0,0,2147483648 1:0,0,6442450944,100663296,4294967296" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%d:%d,%d,%d,%d,%d" % (n["node"], n["pool"], n["vmemmap"], n["dynamic"], n["dynamic_vmemmap"], n["ordinary"]) for n in d["nodes"]))' "$T_TMP/plan.json")"
t_eq "only the static VM is on the kernel command line" \
	"hugepagesz=1G hugepages=0:8" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernel_args"].rsplit(" ", 1)[0])' "$T_TMP/plan.json")"
t_eq "backings and dynamic pages per node" "db:static: desk:dynamic:1/2048 game:dynamic:1/1024 svc:transparent:" \
	"$(python3 -c 'import json,sys; print(" ".join("%s:%s:%s" % (v["name"], v["backing"], ",".join("%d/%d" % (p["node"], p["pages"]) for p in v["node_pages"] if p["pages"])) for v in json.load(open(sys.argv[1]))["vms"]))' "$T_TMP/plan.json")"
"$HP" plan --root "$R" --config "$C" >"$T_TMP/plan.txt"
t_grep "plain text: the budget table" "^NODE MEMTOTAL +STATIC +VMEMMAP +DYNAMIC +ORDINARY +RESERVE +LEFT FITS$" "$T_TMP/plan.txt"
t_eq "no bar when not on a terminal" "" "$(grep '^node ' "$T_TMP/plan.txt")"
if command -v script >/dev/null; then
	script -qec "$HP plan --root $R --config $C" /dev/null | tr -d '\r' >"$T_TMP/plan.tty"
	t_grep "on a terminal: one bar per node" '^node 1   \[vD+O+R+\.+\]  32.0 GiB$' "$T_TMP/plan.tty"
fi
# --- nothing escapes --root: an absolute link in the image resolves inside it (sys/root.h) -----
O=$T_TMP/outside
mkdir -p "$O"
rm -rf "$R/run"
ln -s "$O" "$R/run"
vm start desk >"$T_TMP/out" 2>&1
t_eq "/run an absolute link out of the image: vm start refused (exit 2: beneath the root it is missing)" 2 $?
t_eq "nothing made outside the image (no lock, no record)" "" "$(ls -A "$O")"
t_grep "says which file" "vm start desk: cannot take /run/hugeplan/vm.lock: " "$T_TMP/out"
t_eq "and node 1 not raised" 0 "$(cat "$N1/nr_hugepages")"
rm "$R/run"
mkdir "$R/run"
t_done
