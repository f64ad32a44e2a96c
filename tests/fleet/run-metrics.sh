#!/bin/sh
# hugeplan metrics through the real node_exporter (Debian's prometheus-node-exporter), checked
# by the real promtool (Debian's prometheus):
#   - a fixture host with 2M and 1G pools on two nodes (the two-node plan of tests/cli and
#     tests/status: node 1 got 6 of its 14 1G pages), published with --textfile into the
#     Debian default directory, which node_exporter reads, started by this test in a private
#     mount namespace (tmpfs over that directory) on 127.0.0.1 and stopped by PID;
#   - every value node_exporter serves is worked out here from the fixture's own files (sysfs
#     counts, the meminfo of each node, the kernel command line) and the kernel's and the
#     planner's rules; promtool check metrics finds nothing; the shipped alert rules, fed
#     those very series, fire what the rules say;
#   - a second host (a pool left over for nobody, a stale boot), --update into MetricsDirectory=,
#     the refresh after apply, a broken configuration (error, exit 0), and hugeplan(8)'s
#     worst case (8 nodes, 500 VMs, all short) counted in node_exporter's output.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan
V=$B/hugeplan-verify
P="python3 $TOP/tests/fleet/prom.py"
F=$TOP/tests/fixtures
RULES=$TOP/contrib/prometheus
K2=hugepages-2048kB
TEXTDIR=/var/lib/prometheus/node-exporter # node_exporter's default on Debian

for tool in prometheus-node-exporter promtool unshare nsenter; do
	command -v "$tool" >/dev/null || {
		t_fail "$tool is installed (tests/install-deps.sh installs it)"
		t_done
		exit
	}
done

# --- the shipped rules and their own cases ------------------------------------------------------
promtool check rules "$RULES/hugeplan-rules.yml" >"$T_TMP/out" 2>&1
t_eq "promtool check rules: the shipped rules" 0 $?
(cd "$RULES" && promtool test rules hugeplan-rules.test.yml) >"$T_TMP/out" 2>&1
rc=$?
t_eq "promtool test rules: every case of hugeplan-rules.test.yml passes" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T_TMP/out" | head -30
# and the cases can fail: the same cases against a threshold raised to 8 GiB
mkdir -p "$T_TMP/rules"
sed 's/> 2 \* 1024 \* 1024 \* 1024/> 8 * 1024 * 1024 * 1024/' "$RULES/hugeplan-rules.yml" \
	>"$T_TMP/rules/hugeplan-rules.yml"
cp "$RULES/hugeplan-rules.test.yml" "$T_TMP/rules/"
(cd "$T_TMP/rules" && promtool test rules hugeplan-rules.test.yml) >"$T_TMP/out" 2>&1
t_eq "promtool test rules: a changed threshold fails its case" "1 yes" \
	"$? $(grep -q 'alertname: HugeplanPoolUnplanned' "$T_TMP/out" && echo yes)"

# --- node_exporter, in a mount namespace of its own ------------------------------------------
NS="" NE=""
stop() {
	[ -n "$NE" ] && kill "$NE" 2>/dev/null && wait "$NE" 2>/dev/null
	[ -n "$NS" ] && kill "$NS" 2>/dev/null && wait "$NS" 2>/dev/null
	NE="" NS=""
}
trap 'stop; t_cleanup' EXIT
trap 'exit 1' INT TERM

# shellcheck disable=SC2012 # the names of one directory, compared as text
ls -A "$TEXTDIR" 2>/dev/null | sort >"$T_TMP/host-textdir.before"
unshare -m --propagation private sleep 900 &
NS=$!
i=0
while [ "$(readlink /proc/$NS/ns/mnt)" = "$(readlink /proc/self/ns/mnt)" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
in_ns() { nsenter -t "$NS" -m -- "$@"; }
in_ns mkdir -p "$TEXTDIR"
in_ns mount -t tmpfs -o size=16m,mode=0755 tmpfs "$TEXTDIR"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# nsenter runs the program itself (no --fork): $! is node_exporter's PID
nsenter -t "$NS" -m -- prometheus-node-exporter --web.listen-address="127.0.0.1:$PORT" \
	--collector.disable-defaults --collector.textfile --web.disable-exporter-metrics \
	>"$T_TMP/node-exporter.log" 2>&1 &
NE=$!
NE_PID=$NE

# scrape NAME: node_exporter's /metrics into NAME.prom
scrape() {
	python3 - "$PORT" "$T_TMP/$1.prom" <<'EOF'
import sys, time, urllib.request
for _ in range(100):
    try:
        body = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read()
        open(sys.argv[2], "wb").write(body)
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}

# v NAME [LABEL=VALUE...]: the value node_exporter served in the last scrape
v() {
	$P get "$T_TMP/scrape.prom" "$@"
}

# --- the fixture host ---------------------------------------------------------------------------
# pool ROOT KB RESV OVERCOMMIT, then per node: NODE NR FREE SURPLUS ...; the size's totals are
# the sums, as the kernel keeps them
pool() {
	r=$1 kb=$2 resv=$3 over=$4
	shift 4
	tn=0 tf=0 ts=0
	while [ $# -ge 4 ]; do
		d=$r/sys/devices/system/node/node$1/hugepages/hugepages-${kb}kB
		echo "$2" >"$d/nr_hugepages"
		echo "$3" >"$d/free_hugepages"
		echo "$4" >"$d/surplus_hugepages"
		tn=$((tn + $2)) tf=$((tf + $3)) ts=$((ts + $4))
		shift 4
	done
	d=$r/sys/kernel/mm/hugepages/hugepages-${kb}kB
	echo "$tn" >"$d/nr_hugepages"
	echo "$tf" >"$d/free_hugepages"
	echo "$ts" >"$d/surplus_hugepages"
	echo "$resv" >"$d/resv_hugepages"
	echo "$over" >"$d/nr_overcommit_hugepages"
}
# sysfs FILE: a count of the fixture
sysfs() { cat "$R/sys/devices/system/node/$1"; }

# The two-node plan (tests/cli/README.md, numa): db 8G on 1G pinned to node 1, batch 10G on 1G
# and web 3 x 2G on 2M; the reservation 2M 0:1287,1:1785 and 1G 0:4,1:14, which this boot
# asks. The kernel got 1G node1 = 6 of 14. Some pages are in use: 287 2M pages on node 0, one
# 1G page on node 0, and node 1 holds 5 surplus 2M pages of an overcommit of 10, 13 2M pages
# promised to mappings.
R=$T_TMP/host
cp -a "$F/two-node-16g-32g" "$R"
mkdir -p "$R/etc/hugeplan/vms.d" "$R/dev"
cp "$TOP"/tests/cli/configs/numa/hugeplan.conf "$R/etc/hugeplan/"
cp "$TOP"/tests/cli/configs/numa/vms.d/*.conf "$R/etc/hugeplan/vms.d/"
RESN="hugepagesz=2M hugepages=0:1287,1:1785 hugepagesz=1G hugepages=0:4,1:14"
IDN=$(fnv "$RESN")
echo "BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro quiet $RESN hugeplan.plan=$IDN" \
	>"$R/proc/cmdline"
pool "$R" 2048 13 10 0 1287 1000 0 1 1790 1790 5
pool "$R" 1048576 0 0 0 4 3 0 1 6 6 0
cat >"$R/dev/kmsg" <<'EOF'
4,120,52000,-;HugeTLB: allocating 14 of page size 1.00 GiB failed node1.  Only allocated 6 hugepages.
6,121,52100,-;HugeTLB: registered 1.00 GiB page size, pre-allocated 10 pages
EOF
"$V" --root "$R" >/dev/null 2>&1
t_eq "the verifier wrote this boot's report (exit 1: short)" "1 yes" \
	"$? $([ -f "$R/run/hugeplan/boot-report.json" ] && echo yes)"

before=$(date +%s)
in_ns "$HP" metrics --root "$R" --textfile "$TEXTDIR" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "metrics --textfile: exit 0 on a short pool (the verdict is data)" 0 $?
after=$(date +%s)
t_eq "metrics --textfile: nothing on standard output" "" "$(cat "$T_TMP/out")"
t_eq "metrics --textfile: nothing on standard error" "" "$(cat "$T_TMP/err")"
t_eq "metrics --textfile: one file, hugeplan.prom, no temporary file left" "hugeplan.prom" \
	"$(in_ns ls -A "$TEXTDIR")"
# shellcheck disable=SC2012 # the names of one directory, compared as text
t_eq "the host's own $TEXTDIR is untouched" "$(cat "$T_TMP/host-textdir.before")" \
	"$(ls -A "$TEXTDIR" 2>/dev/null | sort)"
if scrape scrape; then
	t_ok "node_exporter serves /metrics on 127.0.0.1:$PORT"
else
	t_fail "node_exporter serves /metrics on 127.0.0.1:$PORT" "$(tail -5 "$T_TMP/node-exporter.log")"
fi
t_eq "node_exporter runs as the PID this test stops" prometheus-node \
	"$(cut -c1-15 /proc/$NE_PID/comm 2>/dev/null)"
t_eq "node_exporter read the file without error" 0 "$(v node_textfile_scrape_error)"
t_eq "node_exporter reports the file's time" yes \
	"$([ "$(v node_textfile_mtime_seconds file="$TEXTDIR/hugeplan.prom")" != absent ] && echo yes)"

# promtool's own lint over everything node_exporter serves
promtool check metrics <"$T_TMP/scrape.prom" >"$T_TMP/lint" 2>&1
t_eq "promtool check metrics: exit 0" 0 "$?"
t_eq "promtool check metrics: no problem" "" "$(cat "$T_TMP/lint")"

# the pool, per size and node, from the fixture's sysfs files: the persistent pool is nr less
# surplus, in use is nr less free (the kernel counts surplus pages in nr)
for kb in 2048 1048576; do
	sz=$([ $kb = 2048 ] && echo 2M || echo 1G)
	for n in 0 1; do
		nr=$(sysfs "node$n/hugepages/hugepages-${kb}kB/nr_hugepages")
		fr=$(sysfs "node$n/hugepages/hugepages-${kb}kB/free_hugepages")
		su=$(sysfs "node$n/hugepages/hugepages-${kb}kB/surplus_hugepages")
		t_eq "$sz node $n: reserved = nr - surplus" "$((nr - su))" "$(v hugeplan_reserved_pages size="$sz" node="$n")"
		t_eq "$sz node $n: free" "$fr" "$(v hugeplan_free_pages size="$sz" node="$n")"
		t_eq "$sz node $n: surplus" "$su" "$(v hugeplan_surplus_pages size="$sz" node="$n")"
		t_eq "$sz node $n: in use = nr - free, unattributed (no guest runs on this host)" "$((nr - fr))" \
			"$(v hugeplan_in_use_pages size="$sz" node="$n" owner=unattributed)"
	done
	d=$R/sys/kernel/mm/hugepages/hugepages-${kb}kB
	t_eq "$sz: committed (resv_hugepages)" "$(cat "$d/resv_hugepages")" "$(v hugeplan_committed_pages size="$sz")"
	t_eq "$sz: overcommit" "$(cat "$d/nr_overcommit_hugepages")" "$(v hugeplan_overcommit_pages size="$sz")"
	t_eq "$sz: page size in bytes" "$((kb * 1024))" "$(v hugeplan_page_size_bytes size="$sz")"
done

# requested: the node form of this boot's command line, read as the kernel reads it
for pair in 2M:0:1287 2M:1:1785 1G:0:4 1G:1:14; do
	IFS=: read -r sz n want <<EOF
$pair
EOF
	t_eq "requested $sz node $n (hugepages=...$n:$want)" "$want" "$(v hugeplan_requested_pages size="$sz" node="$n")"
	# this boot's command line is today's plan
	t_eq "planned $sz node $n" "$want" "$(v hugeplan_planned_pages size="$sz" node="$n" backing=static)"
done
t_eq "the early-boot check: 1G short by 14 - 6 = 8 pages" 8 "$(v hugeplan_boot_short_pages size=1G)"
t_eq "the early-boot check: 2M met" 0 "$(v hugeplan_boot_short_pages size=2M)"
t_eq "the early-boot check: the short state" "0 1 0" \
	"$(v hugeplan_boot_check state=met) $(v hugeplan_boot_check state=short) $(v hugeplan_boot_check state=nothing-requested)"

# the budget per node (core/plan.h): MemTotal from each node's meminfo; pool and vmemmap
# (size / 64 per page: 32 KiB per 2M page, 16 MiB per 1G page) of the planned pages; the
# reserve, ReserveMemory=6G shared by MemTotal: 2G and 4G
for n in 0 1; do
	kb=$(sed -n 's/^Node [0-9]* MemTotal: *\([0-9]*\) kB$/\1/p' "$R/sys/devices/system/node/node$n/meminfo")
	p2=$([ $n = 0 ] && echo 1287 || echo 1785) p1=$([ $n = 0 ] && echo 4 || echo 14)
	mem=$((kb * 1024)) pl=$((p2 * 2097152 + p1 * 1073741824)) vm=$((p2 * 32768 + p1 * 16777216))
	res=$((6 * 1073741824 * kb / 50331648))
	t_eq "node $n: memory" "$mem" "$(v hugeplan_budget_memory_bytes node="$n")"
	t_eq "node $n: pool" "$pl" "$(v hugeplan_budget_pool_bytes node="$n")"
	t_eq "node $n: vmemmap" "$vm" "$(v hugeplan_budget_vmemmap_bytes node="$n")"
	t_eq "node $n: reserve" "$res" "$(v hugeplan_budget_reserve_bytes node="$n")"
	t_eq "node $n: left" $((mem - pl - vm)) "$(v hugeplan_budget_left_bytes node="$n")"
	t_eq "node $n: fits" 1 "$(v hugeplan_budget_fits node="$n")"
done

# the VMs (core/backing.h, as tests/status works it out): db, pinned to node 1, first: 8
# wanted, 6 there, short 2; batch's 10 pages: node 0's 4, short 6; web fits. Nothing is left.
t_eq "planned VMs" 3 "$(v hugeplan_planned_vms source=files)"
t_eq "short VMs" 2 "$(v hugeplan_short_vms)"
t_eq "short bytes: 8 1G pages" $((8 * 1073741824)) "$(v hugeplan_short_bytes)"
t_eq "batch misses 6 1G pages" 6 "$(v hugeplan_vm_short_pages vm=batch size=1G)"
t_eq "db misses 2" 2 "$(v hugeplan_vm_short_pages vm=db size=1G)"
t_eq "web, backed, has no per-VM series" 2 "$($P count "$T_TMP/scrape.prom" hugeplan_vm_short_pages)"
for sz in 2M 1G; do
	for n in 0 1; do
		t_eq "$sz node $n: nothing reserved for nobody" 0 "$(v hugeplan_unplanned_pages size="$sz" node="$n")"
	done
done
# held (core/usage.h): free less what no planned VM is given, none running here; the plan
# takes the whole pool, so every free page (sysfs free_hugepages) is held for its VMs
for kb in 2048 1048576; do
	sz=$([ $kb = 2048 ] && echo 2M || echo 1G)
	for n in 0 1; do
		t_eq "$sz node $n: every free page held for the planned VMs, none running" \
			"$(cat "$R/sys/devices/system/node/node$n/hugepages/hugepages-${kb}kB/free_hugepages")" \
			"$(v hugeplan_held_pages size="$sz" node="$n")"
	done
done

# the verdict and the plan
t_eq "verdict: short, not ok, not stale, no error" "0 1 0 0" \
	"$(v hugeplan_verdict state=ok) $(v hugeplan_verdict state=short) $(v hugeplan_verdict state=stale) $(v hugeplan_verdict state=error)"
t_eq "plan state: current" 1 "$(v hugeplan_plan_state state=current)"
t_eq "plan ids: today's and this boot's are the FNV-1a of the tokens; no apply state" 1 \
	"$(v hugeplan_plan_info plan_id="$IDN" boot_plan_id="$IDN")"
t_eq "build info" 1 "$(v hugeplan_build_info version="$(sed -n 's/^VERSION := //p' "$TOP/Makefile")")"
ts=$(v hugeplan_check_timestamp_seconds)
t_eq "the check's time is when it ran ($before..$after)" yes \
	"$(python3 -c "import sys; print('yes' if $before <= float('$ts') <= $after + 1 else 'no: ' + '$ts')")"
t_eq "the report's time is its file's mtime" \
	"$(python3 -c "import os; t = os.stat('$R/run/hugeplan/boot-report.json').st_mtime_ns // 1000000; print('%d.%03d' % (t // 1000, t % 1000))")" \
	"$(v hugeplan_boot_report_timestamp_seconds)"

# the shipped rules over exactly these series: the pool short for two VMs and short of the
# command line by 8 GiB; not stale, nothing unplanned, no error; and the checks can fail
rules_on() { # NAME SCRAPE EVAL_TIME ALERT EXPECTED-ALERTS-YAML
	{
		echo "rule_files: [$RULES/hugeplan-rules.yml]"
		echo "evaluation_interval: 1m"
		echo "tests:"
		echo "  - interval: 1m"
		echo "    input_series:"
		$P input-series "$2" hugeplan_ instance=h1,job=node
		echo "    alert_rule_test:"
		echo "      - eval_time: $3"
		echo "        alertname: $4"
		echo "        exp_alerts: $5"
	} >"$T_TMP/$1.test.yml"
	promtool test rules "$T_TMP/$1.test.yml" >"$T_TMP/$1.out" 2>&1
}
L='{severity: critical, instance: h1, job: node}'
rules_on short "$T_TMP/scrape.prom" 5m HugeplanPoolShortForVMs \
	"[{exp_labels: $L, exp_annotations: {summary: 'Huge page pool cannot back 2 planned VMs on h1', description: \"The huge pages this boot reserved cannot back 2 of the VMs hugeplan plans for: they will not start on huge pages. hugeplan_vm_short_pages names them; \`hugeplan status\` on the host says why (the kernel's reason for a short node).\"}}]"
t_eq "rules: HugeplanPoolShortForVMs fires on the fixture's series, 2 VMs" 0 $?
L='{severity: warning, instance: h1, job: node}'
rules_on boot "$T_TMP/scrape.prom" 5m HugeplanBootPoolShort \
	"[{exp_labels: $L, exp_annotations: {summary: 'The kernel reserved 8GiB less than this boot asked on h1', description: \"The early-boot check found the pool short of this boot's kernel command line by 8GiB (usually a node without room for its 1G pages). \`hugeplan status\` quotes the kernel's message.\"}}]"
t_eq "rules: HugeplanBootPoolShort fires, 8 GiB" 0 $?
for a in HugeplanBootStale HugeplanPoolUnplanned HugeplanCheckError HugeplanMetricsStale; do
	rules_on "no-$a" "$T_TMP/scrape.prom" 90m "$a" "[]"
	t_eq "rules: $a does not fire on the fixture's series" 0 $?
done
rules_on wrong "$T_TMP/scrape.prom" 5m HugeplanPoolShortForVMs "[]"
t_eq "rules: a wrong expectation fails (the check can fail)" 1 $?

# --- a pool left for nobody, a stale boot; --update into MetricsDirectory= -------------------
# One node, 32 GiB; this boot asks 8 1G pages and got them, today's plan is db's 2 (2G on 1G):
# planning differs from the boot (stale); db takes 2, 6 stay for nobody (6 GiB, above the
# rule's 2 GiB).
R=$T_TMP/left
cp -a "$F/one-node-32g" "$R"
mkdir -p "$R/etc/hugeplan/vms.d" "$R/etc/hugeplan/hugeplan.conf.d" "$R/srv/textfile"
printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/db.conf"
printf '[Host]\nMetricsDirectory=/srv/textfile\n' >"$R/etc/hugeplan/hugeplan.conf.d/50-metrics.conf"
echo "ro default_hugepagesz=1G hugepagesz=1G hugepages=8" >"$R/proc/cmdline"
pool "$R" 1048576 0 0 0 8 8 0
"$HP" metrics --root "$R" --update >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "--update: exit 0" 0 $?
t_eq "--update: writes MetricsDirectory= under --root" "hugeplan.prom" "$(ls -A "$R/srv/textfile")"
t_eq "--update: quiet" "" "$(cat "$T_TMP/out" "$T_TMP/err")"
in_ns cp "$R/srv/textfile/hugeplan.prom" "$TEXTDIR/hugeplan.prom"
scrape scrape
t_eq "left: 8 - 2 = 6 1G pages reserved for nobody" 6 "$(v hugeplan_unplanned_pages size=1G node=0)"
t_eq "left: db's 2 of the 8 free 1G pages held for it" 2 "$(v hugeplan_held_pages size=1G node=0)"
t_eq "left: requested on the one node" 8 "$(v hugeplan_requested_pages size=1G node=0)"
t_eq "left: stale, not short" "0 0 1 0" \
	"$(v hugeplan_verdict state=ok) $(v hugeplan_verdict state=short) $(v hugeplan_verdict state=stale) $(v hugeplan_verdict state=error)"
t_eq "left: plan state stale" 1 "$(v hugeplan_plan_state state=stale)"
t_eq "left: no early-boot report, no report time" absent "$(v hugeplan_boot_report_timestamp_seconds)"
L='{severity: warning, instance: h1, job: node}'
rules_on unplanned "$T_TMP/scrape.prom" 61m HugeplanPoolUnplanned \
	"[{exp_labels: $L, exp_annotations: {summary: '6GiB of huge pages reserved for no planned VM on h1', description: 'That memory is lost to the host and no planned VM will use it. Remove what is no longer needed (\`hugeplan apply\`, then reboot) or plan the VMs that use it.'}}]"
t_eq "rules: HugeplanPoolUnplanned fires after an hour, 6 GiB" 0 $?
rules_on stale "$T_TMP/scrape.prom" 61m HugeplanBootStale \
	"[{exp_labels: {severity: warning, instance: h1, job: node, state: stale}, exp_annotations: {summary: \"This boot's huge page pool is not today's plan on h1 (stale)\", description: \"VMs were added, removed or changed since this boot's entry was written: run \`hugeplan apply\` and reboot.\"}}]"
t_eq "rules: HugeplanBootStale fires after an hour (state stale)" 0 $?

rm -rf "$R/srv/textfile"
"$HP" metrics --root "$R" --update >"$T_TMP/out" 2>&1
t_eq "--update without the directory: exit 0" 0 $?
t_eq "--update without the directory: says so, writes nothing" \
	"$R/srv/textfile: no such directory (MetricsDirectory=): nothing written" "$(cat "$T_TMP/out")"
"$HP" metrics --root "$R" --textfile "$R/srv/textfile" >"$T_TMP/out" 2>&1
t_eq "--textfile to a missing directory: exit 2" 2 $?
t_grep "--textfile to a missing directory: names the path and the step" \
	"^hugeplan metrics: $R/srv/textfile/hugeplan.prom: open directory: No such file or directory; the file is as it was\$" "$T_TMP/out"
"$HP" metrics --root "$R" --update --textfile "$T_TMP" >"$T_TMP/out" 2>&1
t_eq "--update with --textfile: usage error, exit 2" 2 $?

# a kernel before 5.16 on two nodes: the plain count of the command line asks no node for
# anything (the kernel spreads it): one series without a node label, which node_exporter
# serves with node=""; the pool is still per node
R=$T_TMP/old
cp -a "$F/two-node-old-kernel" "$R"
mkdir -p "$R/etc/hugeplan/vms.d"
printf '[VM]\nMemory=2G\nPageSize=2M\n' >"$R/etc/hugeplan/vms.d/web.conf"
echo "ro hugepagesz=2M hugepages=1024" >"$R/proc/cmdline"
pool "$R" 2048 0 0 0 512 512 0 1 512 512 0
in_ns "$HP" metrics --root "$R" --textfile "$TEXTDIR" 2>"$T_TMP/err"
t_eq "balanced request: exit 0" 0 $?
scrape scrape
t_eq "balanced request: node_exporter read the file" 0 "$(v node_textfile_scrape_error)"
t_eq "balanced request: 1024 2M pages asked" 1024 "$(v hugeplan_requested_pages size=2M)"
t_eq "balanced request: one series per size, none with a node" \
	"hugeplan_requested_pages{size=1G} hugeplan_requested_pages{size=2M}" \
	"$($P series "$T_TMP/scrape.prom" hugeplan_requested_pages | tr '\n' ' ' | sed 's/ $//')"
t_eq "balanced request: reserved per node" "512 512" \
	"$(v hugeplan_reserved_pages size=2M node=0) $(v hugeplan_reserved_pages size=2M node=1)"

# apply refreshes the file: afterwards apply's plan id is the applied one, the plan state
# "reboot" (written, not booted)
t_image "$T_TMP/img" one-node-32g 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"'
R=$T_TMP/img
mkdir -p "$R/etc/hugeplan/vms.d" "$R$TEXTDIR"
printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/db.conf"
"$HP" apply --root "$R" >"$T_TMP/out" 2>&1
t_eq "apply: exit 0" 0 $?
t_grep "apply: says it updated the metrics" "^updated $R$TEXTDIR/hugeplan.prom\$" "$T_TMP/out"
ID=$(fnv "hugepagesz=1G hugepages=2")
$P get "$R$TEXTDIR/hugeplan.prom" hugeplan_plan_info plan_id="$ID" applied_plan_id="$ID" >"$T_TMP/v"
t_eq "apply: the metrics carry the applied plan id" 1 "$(cat "$T_TMP/v")"
t_eq "apply: plan state reboot" 1 "$($P get "$R$TEXTDIR/hugeplan.prom" hugeplan_plan_state state=reboot)"
"$HP" remove --root "$R" >"$T_TMP/out" 2>&1
t_eq "remove: exit 0" 0 $?
t_eq "remove: leaves the metrics to the timer" "" "$(grep '^updated ' "$T_TMP/out")"
"$HP" metrics --root "$R" --update >"$T_TMP/out" 2>&1
t_eq "the timer's refresh after remove: no applied plan any more" 1 \
	"$($P get "$R$TEXTDIR/hugeplan.prom" hugeplan_plan_info plan_id="$ID")"

# a configuration that cannot be planned: the error is published, exit 0
printf '[VM]\nMemory=lots\n' >"$R/etc/hugeplan/vms.d/bad.conf"
"$HP" metrics --root "$R" >"$T_TMP/bad.prom" 2>"$T_TMP/err"
t_eq "a broken VM file: exit 0, the metrics are written" 0 $?
t_grep "a broken VM file: the message names the file and line" "^$R/etc/hugeplan/vms.d/bad.conf:2: " "$T_TMP/err"
t_eq "a broken VM file: verdict error" 1 "$($P get "$T_TMP/bad.prom" hugeplan_verdict state=error)"
t_eq "a broken VM file: the pool is still published" \
	"$(cat "$R/sys/devices/system/node/node0/hugepages/$K2/nr_hugepages")" \
	"$($P get "$T_TMP/bad.prom" hugeplan_reserved_pages size=2M node=0)"
"$HP" metrics --root "$T_TMP/no-such-root" >"$T_TMP/none.prom" 2>"$T_TMP/err"
t_eq "a root that cannot be read: exit 0, error published" "0 1" \
	"$? $($P get "$T_TMP/none.prom" hugeplan_verdict state=error)"

# --- hugeplan(8)'s worst case, through node_exporter -----------------------------------------
# 8 nodes of 64 GiB, 2M and 1G; this boot asks one page of each size per node (node form) and
# got none; 250 VMs of 512M on 2M and 250 of 1G on 1G, none backed. Series: 19 fixed, 4 per
# size, 8 per size and node, 6 per node, 1 per short VM: 19 + 8 + 128 + 48 + 500 = 703.
R=$T_TMP/big
nodes=
for n in 0 1 2 3 4 5 6 7; do nodes="$nodes 67108864"; done
sh "$F/mkhost.sh" "$R" 6.1.0-27-amd64 yes "2048 1048576" "$nodes" \
	"ro hugepagesz=2M hugepages=0:1,1:1,2:1,3:1,4:1,5:1,6:1,7:1 hugepagesz=1G hugepages=0:1,1:1,2:1,3:1,4:1,5:1,6:1,7:1"
mkdir -p "$R/etc/hugeplan/vms.d" "$R/dev"
: >"$R/dev/kmsg"
i=0
while [ $i -lt 500 ]; do
	if [ $((i % 2)) = 0 ]; then
		printf '[VM]\nMemory=512M\nPageSize=2M\n' >"$R/etc/hugeplan/vms.d/vm$i.conf"
	else
		printf '[VM]\nMemory=1G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/vm$i.conf"
	fi
	i=$((i + 1))
done
"$V" --root "$R" >/dev/null 2>&1
in_ns "$HP" metrics --root "$R" --textfile "$TEXTDIR" 2>"$T_TMP/err"
t_eq "8 nodes, 500 VMs: exit 0" 0 $?
scrape scrape
t_eq "8 nodes, 500 VMs: 500 short VMs" 500 "$(v hugeplan_short_vms)"
t_eq "8 nodes, 500 VMs, all short: 703 hugeplan series, as hugeplan(8) says" 703 \
	"$($P count "$T_TMP/scrape.prom" hugeplan_)"
t_grep "hugeplan(8) states that count" '703' "$TOP/man/hugeplan.8.scd"
promtool check metrics <"$T_TMP/scrape.prom" >"$T_TMP/lint" 2>&1
t_eq "promtool check metrics on the large host: no problem" "0 " "$? $(cat "$T_TMP/lint")"

# --- the libvirt hook, run as libvirt runs it --------------------------------------------------
# libvirt: HOOK GUEST OPERATION SUB-OPERATION EXTRA, the domain XML on standard input. Its
# hugeplan is a stand-in that runs the built one on the fixture root.
R=$T_TMP/left
mkdir -p "$T_TMP/bin" "$R/srv/textfile"
# shellcheck disable=SC2016 # the stand-in's own $1 and $@, expanded when it runs
printf '#!/bin/sh\ncmd=$1\nshift\nexec %s "$cmd" --root %s "$@"\n' "$HP" "$R" >"$T_TMP/bin/hugeplan"
chmod +x "$T_TMP/bin/hugeplan"
sed "s|@BINDIR@|$T_TMP/bin|g" "$TOP/contrib/libvirt/hugeplan-metrics.in" >"$T_TMP/hook"
XML="<domain type='kvm'><name>db</name><memory unit='KiB'>2097152</memory></domain>"
for op in "prepare begin" "start begin" "stopped end"; do
	# shellcheck disable=SC2086 # $op is two words, libvirt's OPERATION and SUB-OPERATION
	echo "$XML" | sh "$T_TMP/hook" db $op - >"$T_TMP/out" 2>&1
	t_eq "hook, $op: exit 0, silent, nothing written" "0  " \
		"$? $(cat "$T_TMP/out") $(ls -A "$R/srv/textfile")"
done
for op in "started begin" "release end"; do
	rm -f "$R/srv/textfile/hugeplan.prom"
	# shellcheck disable=SC2086 # $op is two words, libvirt's OPERATION and SUB-OPERATION
	echo "$XML" | sh "$T_TMP/hook" db $op - >"$T_TMP/out" 2>&1
	t_eq "hook, $op: exit 0, silent, the metrics written" "0  hugeplan.prom" \
		"$? $(cat "$T_TMP/out") $(ls -A "$R/srv/textfile")"
done
rm -rf "$R/srv/textfile"
echo "$XML" | sh "$T_TMP/hook" db started begin - >"$T_TMP/out" 2>&1
t_eq "hook without MetricsDirectory=: the guest still starts (exit 0)" 0 $?
sh -n "$TOP/contrib/libvirt/hugeplan-metrics.in"
t_eq "hook: sh -n" 0 $?

stop
t_eq "node_exporter stopped" gone "$(kill -0 "$NE_PID" 2>/dev/null && echo running || echo gone)"
t_done
