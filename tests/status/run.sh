#!/bin/sh
# hugeplan status on fixture roots (copies of tests/fixtures with the pool counts, command
# line, configuration, early-boot report and apply state of each scenario written here).
# Every expected value is worked out from the rules, in the comments: the planner's
# (core/plan.h; the same plans as tests/cli and tests/cli/run-apply.sh), the covering rule of
# core/backing.h (pinned VMs first, then unpinned ones in configuration order, each instance
# whole on the node with the most pages left if one holds it, else spread), and core/stale.h.
# Plan ids are recomputed with an independent FNV-1a (core/render.h).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
t_shared || exit 1
HP=$B/hugeplan
V=$B/hugeplan-verify
F=$TOP/tests/fixtures

# jv FILE EXPR: EXPR over a JSON file, r bound to the document
jv() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))' "$1" "$2" 2>&1
}

# mkroot NAME FIXTURE: a private copy; R is its path
mkroot() {
	R=$T_TMP/$1
	rm -rf "$R"
	cp -a "$F/$2" "$R"
	mkdir -p "$R/etc/hugeplan/vms.d"
}

pool() { t_pool "$@"; }

vm() { # ROOT NAME KEY=VALUE...
	f=$1/etc/hugeplan/vms.d/$2.conf
	shift 2
	echo '[VM]' >"$f"
	for kv in "$@"; do echo "$kv" >>"$f"; done
}

# st NAME ARGS...: hugeplan status; NAME.out, NAME.err, RC
st() {
	n=$1
	shift
	"$HP" status "$@" >"$T_TMP/$n.out" 2>"$T_TMP/$n.err"
	RC=$?
}

BOOT="BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro quiet"
# The one-node plan of tests/cli/run-apply.sh: db 2G on 1G, web 512M on 2M on 32 GiB:
# 2 x 1G and 256 x 2M, no DefaultPageSize= (the kernel keeps 2M), one node: plain counts.
RES1="hugepagesz=2M hugepages=256 hugepagesz=1G hugepages=2"
ID1=$(fnv "$RES1")
base() { # ROOT: that configuration, this boot booted with its entry, the pool met
	vm "$1" db Memory=2G PageSize=1G
	vm "$1" web Memory=512M PageSize=2M
	echo "$BOOT $RES1 hugeplan.plan=$ID1" >"$1/proc/cmdline"
	pool "$1" 2048 256 256 0 0 0 256 256
	pool "$1" 1048576 2 1 0 0 0 2 1
}

# --- met: the whole output, written from the rules ------------------------------------------
mkroot met one-node-32g
base "$R"
st met --root "$R"
t_eq "met: exit 0" 0 "$RC"
t_eq "met: nothing on stderr" "" "$(cat "$T_TMP/met.err")"
# no report in /run: the check is made now; the fixture has no dev/kmsg, which a met pool with
# nothing ignored does not need (nothing to explain: the log is not read at all).
# Who uses the pool (core/usage.h): no guest runs; 1G has 1 of 2 in use (OTHER 1), db (not
# running) is given the 2 persistent pages, of which the 1 free one is HELD; web takes the 256
# free 2M pages: nothing unplanned.
cat >"$T_TMP/met.want" <<EOF
Early-boot check: no early-boot report (/run/hugeplan/boot-report.json): checked now
  met: every huge page pool holds what the kernel command line asked
    2.00 MiB: met: 256 of 256
    1.00 GiB: met: 2 of 2

Pool now (pages):
SIZE NODE TOTAL FREE RESV SURPLUS
2M   all    256  256    0       0
2M   0      256  256    -       0
1G   all      2    1    0       0
1G   0        2    1    -       0

Who uses the pool (pages; GUESTS: what running guests map, OTHER: in use by
no guest seen; HELD: free pages planned VMs that are not running are given):
SIZE NODE RESERVED IN_USE GUESTS OTHER FREE HELD UNPLANNED
2M   all       256      0      0     0  256  256         0
2M   0         256      0      0     0  256  256         0
1G   all         2      1      0     1    1    1         0
1G   0           2      1      0     1    1    1         0

Plan:
  this boot reserves today's plan (hugeplan.plan=$ID1)

VMs (configuration order; a running one: the pages it maps; the others: from the pool
less what running guests map):
VM  PAGESIZE PAGES NODES SHORT
db        1G     2 0:2   -
web       2M   256 0:256 -

Verdict: OK: the pool is met and backs every planned VM (2)
EOF
t_diff "met: the whole output" "$T_TMP/met.want" "$T_TMP/met.out"
st met-boot --root "$R" --boot
t_eq "met --boot: exit 0" 0 "$RC"
t_eq "met --boot: one info line for the journal" \
	"<6>OK: the pool is met and backs every planned VM (2)" "$(cat "$T_TMP/met-boot.out")"
st met-json --root "$R" --json
t_eq "met --json: exit 0" 0 "$RC"
t_eq "met --json: verdict, plan state, today's id, VMs backed" "ok current $ID1 [2, 256] [0, 0]" \
	"$(jv "$T_TMP/met-json.out" '" ".join([r["verdict"], r["plan"]["state"], r["plan"]["plan_id"], json.dumps([v["backed"] for v in r["vms"]]), json.dumps([v["short_pages"] for v in r["vms"]])])')"

# --- short per node, with the early-boot report the real verifier writes ---------------------
# The two-node plan of tests/cli (numa): db 8G on 1G pinned to node 1, batch 10G on 1G and web
# 3 x 2G on 2M unpinned; the reservation 1G 0:4,1:14 and 2M 0:1287,1:1785 (tests/cli/README.md).
# The kernel got 1G node1 = 6 of 14 (node0 4 of 4): 10 of 18, 8 pages short.
# Covering the VMs from the pool: db first (pinned): 8 wanted on node 1, 6 there: short 2 on
# node 1. Then batch, one 10-page instance: node0 4, node1 0, no node holds it whole: it takes
# node0's 4, short 6. web's three 1024-page instances: node1 1785 takes one (761 left), node0
# 1287 the next (263 left), the third is spread: 761 + 263. Two VMs short, 8 GiB.
RESN="hugepagesz=2M hugepages=0:1287,1:1785 hugepagesz=1G hugepages=0:4,1:14"
IDN=$(fnv "$RESN")
mkroot short two-node-16g-32g
cp "$TOP"/tests/cli/configs/numa/hugeplan.conf "$R/etc/hugeplan/"
cp "$TOP"/tests/cli/configs/numa/vms.d/*.conf "$R/etc/hugeplan/vms.d/"
echo "$BOOT $RESN hugeplan.plan=$IDN" >"$R/proc/cmdline"
pool "$R" 2048 3072 3072 0 0 0 1287 1287 1 1785 1785
pool "$R" 1048576 10 10 0 0 0 4 4 1 6 6
mkdir -p "$R/dev"
cat >"$R/dev/kmsg" <<'EOF'
5,0,0,-;Linux version 6.1.0-27-amd64 (debian-kernel@lists.debian.org)
4,120,52000,-;HugeTLB: allocating 14 of page size 1.00 GiB failed node1.  Only allocated 6 hugepages.
6,121,52100,-;HugeTLB: registered 1.00 GiB page size, pre-allocated 10 pages
6,122,52200,-;HugeTLB: registered 2.00 MiB page size, pre-allocated 3072 pages
EOF
"$V" --root "$R" >/dev/null 2>&1
t_eq "short: the verifier wrote its report (exit 1, short)" "1 yes" \
	"$? $([ -f "$R/run/hugeplan/boot-report.json" ] && echo yes)"
st short --root "$R"
t_eq "short: exit 1" 1 "$RC"
t_grep "short: the early-boot report is read" \
	'^Early-boot check: the report the initramfs left \(/run/hugeplan/boot-report.json\)$' "$T_TMP/short.out"
t_grep "short: the report's 1G shortfall" '^    1.00 GiB: short by 8 pages \(8.00 GiB\): 10 of 18$' "$T_TMP/short.out"
t_grep "short: node1 short in the report" '^      node1: short: 6 of 14$' "$T_TMP/short.out"
t_grep "short: the kernel's reason" '^      kernel: HugeTLB: allocating 14 of page size 1.00 GiB failed node1.  Only allocated 6 hugepages.$' "$T_TMP/short.out"
t_grep "short: the plan is this boot's" "^  this boot reserves today's plan \(hugeplan.plan=$IDN\)\$" "$T_TMP/short.out"
t_grep "short: batch's row" '^batch +1G +10 0:4 +6 \(6.00 GiB\)$' "$T_TMP/short.out"
t_grep "short: db's row" '^db +1G +8 1:6 +2 \(2.00 GiB\)$' "$T_TMP/short.out"
t_grep "short: web's row" '^web +2M +3072 0:1287 1:1785 +-$' "$T_TMP/short.out"
t_grep "short: db named, short on its node" '^  db: short by 2 1G pages \(2.00 GiB\): 2 on node 1$' "$T_TMP/short.out"
t_grep "short: batch named" '^  batch: short by 6 1G pages \(6.00 GiB\) of 10$' "$T_TMP/short.out"
t_grep "short: verdict" '^Verdict: SHORT: 2 planned VMs cannot be backed by the pool \(8.00 GiB missing\)$' "$T_TMP/short.out"
st short-boot --root "$R" --boot
t_eq "short --boot: exit 1" 1 "$RC"
cat >"$T_TMP/short-boot.want" <<'EOF'
<3>SHORT: 2 planned VMs cannot be backed by the pool (8.00 GiB missing)
<4>early-boot check (/run/hugeplan/boot-report.json):
<4>  SHORT: huge page pools are 8.00 GiB short of the kernel command line
<4>    2.00 MiB: met: 3072 of 3072
<4>      node0: met: 1287 of 1287
<4>      node1: met: 1785 of 1785
<4>    1.00 GiB: short by 8 pages (8.00 GiB): 10 of 18
<4>      node0: met: 4 of 4
<4>      node1: short: 6 of 14
<4>      kernel: HugeTLB: allocating 14 of page size 1.00 GiB failed node1.  Only allocated 6 hugepages.
<3>batch: short by 6 1G pages (6.00 GiB) of 10
<3>db: short by 2 1G pages (2.00 GiB): 2 on node 1
EOF
t_diff "short --boot: what the journal gets" "$T_TMP/short-boot.want" "$T_TMP/short-boot.out"
st short-json --root "$R" --json
t_eq "short --json: exit 1" 1 "$RC"
t_eq "short --json: source, VMs in configuration order with pages per node and shortfalls" \
	'report batch:{"0": 4, "1": 0}:6 db:{"0": 0, "1": 6}:2 web:{"0": 1287, "1": 1785}:0' \
	"$(jv "$T_TMP/short-json.out" '" ".join([r["boot_check"]["source"]] + ["%s:%s:%d" % (v["name"], json.dumps({str(n["node"]): n["pages"] for n in v["nodes"]}), v["short_pages"]) for v in r["vms"]])')"
t_eq "short --json: the pool now" '[[2048, 3072, [1287, 1785]], [1048576, 10, [4, 6]]]' \
	"$(jv "$T_TMP/short-json.out" '[[p["page_size_kb"], p["total"], [n["total"] for n in p["nodes"]]] for p in r["pools"]]')"
# one verdict schema, from one writer: status's boot_check holds the report's verdict as it is
t_eq "short --json: schema 1, and boot_check is the report's verdict, member for member" "1 same" \
	"$(python3 -c 'import json, sys
s, r = (json.load(open(p)) for p in sys.argv[1:3])
keys = ("status", "short_bytes", "default_size", "sizes", "ignored", "kernel_messages")
c = s["boot_check"]
same = all(c[k] == r[k] for k in keys) and c["kmsg"] == r["kmsg"] and r["schema"] == 1
print(s["schema"], "same" if same else "differs: %s" % [k for k in keys if c[k] != r[k]])' \
		"$T_TMP/short-json.out" "$R/run/hugeplan/boot-report.json" 2>&1)"
t_eq "short --json: sizes in bytes, as in the report" "[2097152, 1073741824]" \
	"$(jv "$T_TMP/short-json.out" '[z["size"] for z in r["boot_check"]["sizes"]]')"

# --- stale: two VMs added after the entry was written ----------------------------------------
# zz1 and zz2, 4G on 1G each, sort after db and web. Today: 2 + 4 + 4 = 10 x 1G (32 GiB - 10.5
# GiB - 168 MiB of vmemmap leaves 21.3 GiB, above the 2 GiB reserve: it fits). This boot's
# entry covers db (2) and web (256); zz1 and zz2 get nothing; planning without them gives
# $RES1 again, whose id this boot carries. The pool backs db and web only: zz1 and zz2 are
# short by 4 pages each. Apply's state says it wrote this boot's plan, with its per-VM records
# (core/vmrec.h: db 2 x 1G, web 256 x 2M, any node): zz1 and zz2 are not in them, so they are
# the added ones.
mkroot added one-node-32g
base "$R"
vm "$R" zz1 Memory=4G PageSize=1G
vm "$R" zz2 Memory=4G PageSize=1G
mkdir -p "$R/var/lib/hugeplan"
cat >"$R/var/lib/hugeplan/applied" <<EOF
# Generated by hugeplan apply: what it applied, for hugeplan remove and status.
format=1
bootloader=grub
file=/etc/default/grub.d/99-hugeplan.cfg
tokens=$RES1 hugeplan.plan=$ID1
plan=$ID1
summary=2 x 1G, 256 x 2M
applied=2026-11-20T10:00:00Z
update=done
update_note=update-grub
created_file=no
vm=db files 1048576:-:2 /etc/hugeplan/vms.d/db.conf
vm=web files 2048:-:256 /etc/hugeplan/vms.d/web.conf
EOF
st added --root "$R"
t_eq "added: exit 1" 1 "$RC"
t_grep "added: the two VMs named as added" \
	"^  2 VMs changed since this boot's entry was written \(added: zz1, zz2\): run \`hugeplan apply\` and reboot\$" "$T_TMP/added.out"
t_grep "added: zz1's line" \
	"^    zz1 \(files, $R/etc/hugeplan/vms.d/zz1.conf\): added: 4 x 1G\$" "$T_TMP/added.out"
t_grep "added: apply's state says when this boot's plan was written" \
	"^    \`hugeplan apply\` wrote this boot's plan \(2026-11-20T10:00:00Z\): the configuration changed since\$" "$T_TMP/added.out"
t_grep "added: the 1G difference" "^    1G: this boot asks 2 pages, today's plan 10\$" "$T_TMP/added.out"
t_grep "added: zz1 short" '^  zz1: short by 4 1G pages \(4.00 GiB\) of 4$' "$T_TMP/added.out"
t_grep "added: verdict short and stale" \
	"^Verdict: SHORT: 2 planned VMs cannot be backed by the pool \(8.00 GiB missing\); STALE: the pool is not today's plan: run \`hugeplan apply\` and reboot\$" "$T_TMP/added.out"
RES2="hugepagesz=2M hugepages=256 hugepagesz=1G hugepages=10"
ID2=$(fnv "$RES2")
st added-json --root "$R" --json
t_eq "added --json: state stale, today's id, this boot's id, the added VMs" \
	"stale $ID2 $ID1 [\"zz1\", \"zz2\"]" \
	"$(jv "$T_TMP/added-json.out" '" ".join([r["plan"]["state"], r["plan"]["plan_id"], r["plan"]["boot_plan_id"], json.dumps(r["plan"]["added"])])')"

# Without apply's records of this boot's plan (no state here: the entry was written by hand),
# no VM is named, whatever the pages suggest: aa (4G on 1G) is new, but the covering and the
# growth alone cannot tell it from db (issue 14). The shortfall is said: this boot asks 2 x 1G
# and 256 x 2M; today's plan 6 x 1G: 4 GiB.
mkroot added-first one-node-32g
base "$R"
vm "$R" aa Memory=4G PageSize=1G
st added-first --root "$R"
t_eq "no records: exit 1" 1 "$RC"
t_grep "no records: the shortfall said" \
	"^  this boot's reservation is 4.00 GiB short of today's plan \(VMs were added or grew since its entry was written\): run \`hugeplan apply\` and reboot\$" "$T_TMP/added-first.out"
t_grep "no records: which VMs changed is not known" \
	"^    which VMs changed is not known: /var/lib/hugeplan/applied holds no record of this boot's plan \($ID1\)\$" "$T_TMP/added-first.out"
if grep -Eq "^  [0-9]+ VMs? changed|^    (aa|db) \(" "$T_TMP/added-first.out"; then
	t_fail "no records: no VM named" "$(cat "$T_TMP/added-first.out")"
else
	t_ok "no records: no VM named"
fi

# A VM that grew (db 2G -> 3G): nothing was added, the entry is 1 GiB short of the plan
mkroot grown one-node-32g
base "$R"
vm "$R" db Memory=3G PageSize=1G
st grown --root "$R"
t_eq "grown: exit 1" 1 "$RC"
t_grep "grown: no VM named as added, the shortfall said" \
	"^  this boot's reservation is 1.00 GiB short of today's plan \(VMs were added or grew since its entry was written\): run \`hugeplan apply\` and reboot\$" "$T_TMP/grown.out"

# --- drift per VM, from the records apply keeps ----------------------------------------------
# The real apply writes this boot's entry and its per-VM records for analytics and db1, 1G on
# 1G each (2 x 1G, default 1G: one node, plain counts); the boot runs exactly those tokens.
# Then, as in issue 14: adding cache (1G on 1G, sorting between them) must name cache, not db1
# (the three VMs have the same size, so the pages alone cannot tell which one is new); db1
# growing to 2G must name db1, not analytics. Each case starts from the same applied image.
RESD="hugepagesz=1G hugepages=2"
IDD=$(fnv "$RESD")
drift_root() { # NAME: R, an image applied with analytics and db1, booted with its entry
	R=$T_TMP/$1
	rm -rf "$R"
	t_image "$R" one-node-32g 'GRUB_CMDLINE_LINUX=""'
	mkdir -p "$R/etc/hugeplan/vms.d"
	vm "$R" analytics Memory=1G PageSize=1G
	vm "$R" db1 Memory=1G PageSize=1G
	"$HP" apply --root "$R" >"$T_TMP/$1.apply" 2>&1 ||
		t_fail "drift $1: apply of the first plan" "$(cat "$T_TMP/$1.apply")"
	echo "$BOOT $RESD hugeplan.plan=$IDD" >"$R/proc/cmdline"
	pool "$R" 1048576 2 2 0 0 0 2 2
	pool "$R" 2048 0 0 0 0 0 0 0
}
drift_root drift-ok
st drift-ok --root "$R"
t_eq "drift: the applied image booted: exit 0" 0 "$RC"
t_grep "drift: the applied image booted: current" "^  this boot reserves today's plan \(hugeplan.plan=$IDD\)\$" "$T_TMP/drift-ok.out"

drift_root drift-add
vm "$R" cache Memory=1G PageSize=1G
st drift-add --root "$R"
t_eq "drift, cache added: exit 1" 1 "$RC"
t_grep "drift, cache added: cache named, with its source and file" \
	"^  1 VM changed since this boot's entry was written \(added: cache\): run \`hugeplan apply\` and reboot\$" "$T_TMP/drift-add.out"
t_grep "drift, cache added: its line" \
	"^    cache \(files, $R/etc/hugeplan/vms.d/cache.conf\): added: 1 x 1G\$" "$T_TMP/drift-add.out"
if grep -Eq "written \((db1|analytics)|^    (db1|analytics) \(" "$T_TMP/drift-add.out"; then
	t_fail "drift, cache added: neither db1 nor analytics named" "$(cat "$T_TMP/drift-add.out")"
else
	t_ok "drift, cache added: neither db1 nor analytics named"
fi

drift_root drift-grow
vm "$R" db1 Memory=2G PageSize=1G
st drift-grow --root "$R"
t_eq "drift, db1 grew: exit 1" 1 "$RC"
t_grep "drift, db1 grew: db1 named" \
	"^  1 VM changed since this boot's entry was written \(grew: db1\): run \`hugeplan apply\` and reboot\$" "$T_TMP/drift-grow.out"
t_grep "drift, db1 grew: from what to what" \
	"^    db1 \(files, $R/etc/hugeplan/vms.d/db1.conf\): grew from 1.00 GiB to 2.00 GiB: 1 x 1G -> 2 x 1G\$" "$T_TMP/drift-grow.out"
if grep -Eq "written \(analytics|^    analytics \(" "$T_TMP/drift-grow.out"; then
	t_fail "drift, db1 grew: analytics not named as added" "$(cat "$T_TMP/drift-grow.out")"
else
	t_ok "drift, db1 grew: analytics not named as added"
fi

# analytics removed and db1 on 2M pages instead (512 x 2M: the same bytes), from the records
drift_root drift-mix
rm "$R/etc/hugeplan/vms.d/analytics.conf"
vm "$R" db1 Memory=1G PageSize=2M
st drift-mix --root "$R"
t_eq "drift, removed and page size: exit 1" 1 "$RC"
t_grep "drift, removed and page size: both named" \
	"^  2 VMs changed since this boot's entry was written \(removed: analytics; page size: db1\): run \`hugeplan apply\` and reboot\$" "$T_TMP/drift-mix.out"
t_grep "drift, removed and page size: db1's line" \
	"^    db1 \(files, $R/etc/hugeplan/vms.d/db1.conf\): page size changed: 1 x 1G -> 512 x 2M\$" "$T_TMP/drift-mix.out"
t_grep "drift, removed and page size: analytics' line, with the file as on the system" \
	"^    analytics \(files, /etc/hugeplan/vms.d/analytics.conf\): removed: was 1 x 1G\$" "$T_TMP/drift-mix.out"
st drift-mix-json --root "$R" --json
t_eq "drift, removed and page size --json: per VM, what changed, pages before and after" \
	'[["db1", ["page size"], [[1048576, null, 1]], [[2048, null, 512]]], ["analytics", ["removed"], [[1048576, null, 1]], null]]' \
	"$(jv "$T_TMP/drift-mix-json.out" '[[c["name"], c["change"], c["before"] and [[p["page_size_kb"], p["node"], p["pages"]] for p in c["before"]], c["after"] and [[p["page_size_kb"], p["node"], p["pages"]] for p in c["after"]]] for c in r["plan"]["changes"]]')"
st drift-mix-boot --root "$R" --boot
t_grep "drift --boot: the journal gets the VM lines" \
	"^<6>  db1 \(files, $R/etc/hugeplan/vms.d/db1.conf\): page size changed: 1 x 1G -> 512 x 2M\$" "$T_TMP/drift-mix-boot.out"

# applied again before the reboot: apply keeps this boot's records (booted_plan=), so status
# still names what changed since this boot's entry
drift_root drift-reboot
vm "$R" cache Memory=1G PageSize=1G
"$HP" apply --root "$R" >"$T_TMP/drift-reboot.apply" 2>&1
t_grep "drift, applied again: the state keeps this boot's plan and records" \
	"^booted_plan=$IDD\$" "$R/var/lib/hugeplan/applied"
t_eq "drift, applied again: the records of both plans" \
	"vm=analytics files 1048576:-:1 /etc/hugeplan/vms.d/analytics.conf
vm=cache files 1048576:-:1 /etc/hugeplan/vms.d/cache.conf
vm=db1 files 1048576:-:1 /etc/hugeplan/vms.d/db1.conf
booted_vm=analytics files 1048576:-:1 /etc/hugeplan/vms.d/analytics.conf
booted_vm=db1 files 1048576:-:1 /etc/hugeplan/vms.d/db1.conf" \
	"$(grep -E '^(booted_)?vm=' "$R/var/lib/hugeplan/applied")"
st drift-reboot --root "$R"
t_eq "drift, applied again: exit 1" 1 "$RC"
t_grep "drift, applied again: reboot" "^  \`hugeplan apply\` wrote today's plan \(.*\) but this boot runs plan $IDD: reboot to use it\$" "$T_TMP/drift-reboot.out"
t_grep "drift, applied again: what changed since this boot's entry" \
	"^    1 VM changed since this boot's entry was written \(added: cache\):\$" "$T_TMP/drift-reboot.out"
t_grep "drift, applied again: cache's line" \
	"^      cache \(files, $R/etc/hugeplan/vms.d/cache.conf\): added: 1 x 1G\$" "$T_TMP/drift-reboot.out"
# an apply that changes nothing keeps them; once the plan with cache is booted, applying
# without cache (analytics and db1 again: plan $IDD) keeps the records of the booted one
"$HP" apply --root "$R" >/dev/null 2>&1
t_grep "drift, applied a third time: this boot's records still kept" "^booted_plan=$IDD\$" "$R/var/lib/hugeplan/applied"
ID3=$(sed -n 's/^plan=//p' "$R/var/lib/hugeplan/applied")
echo "$BOOT $(sed -n 's/^tokens=//p' "$R/var/lib/hugeplan/applied")" >"$R/proc/cmdline"
rm "$R/etc/hugeplan/vms.d/cache.conf"
"$HP" apply --root "$R" >/dev/null 2>&1
t_eq "drift: booted the plan with cache, applied without: plan, booted plan" "$IDD $ID3" \
	"$(sed -n 's/^plan=//p' "$R/var/lib/hugeplan/applied") $(sed -n 's/^booted_plan=//p' "$R/var/lib/hugeplan/applied")"
t_grep "drift: booted the plan with cache, applied without: the booted records are that plan's" \
	"^booted_vm=cache files 1048576:-:1 /etc/hugeplan/vms.d/cache.conf\$" "$R/var/lib/hugeplan/applied"

# --- applied, not rebooted -------------------------------------------------------------------
# The same two added VMs; apply has written today's plan ($RES2, id $ID2); this boot runs $ID1.
mkroot applied one-node-32g
base "$R"
vm "$R" zz1 Memory=4G PageSize=1G
vm "$R" zz2 Memory=4G PageSize=1G
mkdir -p "$R/var/lib/hugeplan"
state() { # UPDATE NOTE
	cat >"$R/var/lib/hugeplan/applied" <<EOF
# Generated by hugeplan apply: what it applied, for hugeplan remove and status.
format=1
bootloader=grub
file=/etc/default/grub.d/99-hugeplan.cfg
tokens=$RES2 hugeplan.plan=$ID2
plan=$ID2
summary=10 x 1G, 256 x 2M
applied=2026-11-26T06:00:00Z
update=$1
update_note=$2
created_file=no
EOF
}
state "done" update-grub
st applied --root "$R"
t_eq "applied: exit 1" 1 "$RC"
t_grep "applied: says reboot, with both ids" \
	"^  \`hugeplan apply\` wrote today's plan \($ID2, 2026-11-26T06:00:00Z\) but this boot runs plan $ID1: reboot to use it\$" "$T_TMP/applied.out"
t_grep "applied: verdict" "STALE: today's plan is applied but not booted: reboot\$" "$T_TMP/applied.out"
if grep -q 'not regenerated' "$T_TMP/applied.out"; then
	t_fail "applied: no boot menu warning when update=done"
else
	t_ok "applied: no boot menu warning when update=done"
fi
state pending "update-grub failed: exit status 1"
st applied-pending --root "$R" --boot
# the pool meets this boot's entry (ID1); the VMs short are today's, added since: stale, and
# the gate stays open (exit 3, a success of hugeplan-verify.service: issue 15, item 5)
t_eq "applied, menu not updated --boot: exit 3 (stale, the pool meets this boot's entry)" 3 "$RC"
t_grep "applied, menu not updated --boot: the verdict first, as an error" \
	"^<3>SHORT: 2 planned VMs cannot be backed by the pool \(8.00 GiB missing\); STALE: today's plan is applied but not booted: reboot\$" "$T_TMP/applied-pending.out"
t_grep "applied, menu not updated --boot: says the menu was not regenerated" \
	"^<4>  but the boot menu was not regenerated \(update-grub failed: exit status 1\): run \`hugeplan apply\` again before rebooting\$" "$T_TMP/applied-pending.out"
st applied-json --root "$R" --json
t_eq "applied --json: state reboot, apply's id is today's" "reboot $ID2 False" \
	"$(jv "$T_TMP/applied-json.out" '" ".join([r["plan"]["state"], r["plan"]["applied"]["plan_id"], str(r["plan"]["applied"]["boot_menu_updated"])])')"

# --- nothing planned, nothing reserved; reserved for nothing --------------------------------
mkroot nothing one-node-32g
st nothing --root "$R"
t_eq "nothing: exit 0" 0 "$RC"
t_grep "nothing: verdict" '^Verdict: OK: nothing planned, nothing reserved$' "$T_TMP/nothing.out"
echo "$BOOT hugepagesz=1G hugepages=2" >"$R/proc/cmdline"
pool "$R" 1048576 2 2 0 0 0 2 2
st leftover --root "$R"
t_eq "pages reserved, no VM planned: exit 1" 1 "$RC"
# shellcheck disable=SC2016 # the backquotes of the message
t_grep "pages reserved, no VM planned: says so" \
	'^  this boot reserves huge pages but no VM is planned: run `hugeplan remove` \(or apply\) and reboot to give the memory back$' "$T_TMP/leftover.out"

# --- a plan that no longer fits --------------------------------------------------------------
mkroot unfit one-node-32g
base "$R"
vm "$R" huge Memory=40G PageSize=1G
st unfit --root "$R"
t_eq "unfit: exit 1" 1 "$RC"
t_grep "unfit: says nothing can be applied" "^  today's plan does NOT fit this host: nothing can be applied; see \`hugeplan plan\`\$" "$T_TMP/unfit.out"

# --- errors and odd reports ------------------------------------------------------------------
mkroot badcfg one-node-32g
base "$R"
vm "$R" bad Memory=lots
st badcfg --root "$R"
t_eq "bad configuration: exit 2" 2 "$RC"
t_grep "bad configuration: FILE:LINE on stderr" "^$R/etc/hugeplan/vms.d/bad.conf:2: Memory=lots: " "$T_TMP/badcfg.err"
t_grep "bad configuration: the pool is still shown" '^1G   all      2    1    0       0$' "$T_TMP/badcfg.out"
st noroot --root "$T_TMP/does-not-exist"
t_eq "no system under --root: exit 2" 2 "$RC"
st usage --boot --json
t_eq "--boot with --json: exit 2" 2 "$RC"
st extra extra-arg
t_eq "an extra argument: exit 2" 2 "$RC"

# the real capture of tests/boot (its own report, no configuration): short, and stale
mkroot capture qemu-numa-1g2g
st capture --root "$R"
t_eq "capture: exit 1" 1 "$RC"
us=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["elapsed_us"])' \
	"$TOP/tests/fixtures/qemu-numa-1g2g/run/hugeplan/boot-report.json")
t_grep "capture: the guest's report, with the verifier's time" "^  by hugeplan-verify 0.1.0, $us us\$" "$T_TMP/capture.out"
t_grep "capture: 1G short by 1" '^    1.00 GiB: short by 1 page \(1.00 GiB\): 1 of 2$' "$T_TMP/capture.out"
t_grep "capture: the kernel naming the other node noted" "^      note: the kernel's message names node1" "$T_TMP/capture.out"
# a report whose command line is not this boot's is another boot's: checked now instead
echo "$(cat "$R/proc/cmdline") panic=10" >"$R/proc/cmdline"
st otherboot --root "$R"
t_grep "another boot's report: checked now" \
	'^Early-boot check: /run/hugeplan/boot-report.json is from another boot \(its command line is not this boot.s\): checked now instead$' "$T_TMP/otherboot.out"
t_grep "another boot's report: the check now finds the same shortfall" '^    1.00 GiB: short by 1 page \(1.00 GiB\): 1 of 2$' "$T_TMP/otherboot.out"
echo '{"schema": 1, "status": ' >"$R/run/hugeplan/boot-report.json"
st badreport --root "$R"
t_grep "an unreadable report: checked now" \
	'^Early-boot check: /run/hugeplan/boot-report.json is unreadable \(not JSON: .*\): checked now instead$' "$T_TMP/badreport.out"
echo '{"schema": 2}' >"$R/run/hugeplan/boot-report.json"
st schema2 --root "$R"
t_grep "a newer report schema: checked now" 'is unreadable \(schema 2, this hugeplan reads schema 1\)' "$T_TMP/schema2.out"

# --- under valgrind: no invalid access, no leak, on the main paths -----------------------------
if command -v valgrind >/dev/null 2>&1; then
	for c in met:--root:$T_TMP/met short:--json:--root:$T_TMP/short added:--root:$T_TMP/added \
		applied:--boot:--root:$T_TMP/applied badcfg:--root:$T_TMP/badcfg \
		drift-mix:--json:--root:$T_TMP/drift-mix drift-reboot:--root:$T_TMP/drift-reboot; do
		name=${c%%:*}
		args=$(echo "${c#*:}" | tr ':' ' ')
		# shellcheck disable=SC2086 # one argument per word of the case
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			"$HP" status $args >/dev/null 2>"$T_TMP/vg.$name"
		vrc=$?
		if [ $vrc -ne 99 ] && ! grep -q '^==' "$T_TMP/vg.$name"; then
			t_ok "valgrind: status $name (exit $vrc)"
		else
			t_fail "valgrind: status $name" "$(grep '^==' "$T_TMP/vg.$name" | head -n 20)"
		fi
	done
else
	t_skip "valgrind: status" "valgrind is not installed"
fi
# --- stale because of another owner of the command line: the advice names it ----------------
# A "--" in GRUB_CMDLINE_LINUX: apply wrote today's plan, the boot has its words after the
# "--", so the kernel reserved nothing (seen on a real boot: 0 pages); "reboot" would not help.
mkroot dash one-node-32g
base "$R"
echo "$BOOT console=ttyS0 -- single quiet $RES1 hugeplan.plan=$ID1" >"$R/proc/cmdline"
pool "$R" 2048 0 0 0 0 0 0 0
pool "$R" 1048576 0 0 0 0 0 0 0
mkdir -p "$R/var/lib/hugeplan" "$R/etc/default"
printf 'GRUB_CMDLINE_LINUX="console=ttyS0 -- single"\n' >"$R/etc/default/grub"
printf 'format=1\nbootloader=grub\nfile=/etc/default/grub.d/99-hugeplan.cfg\ntokens=%s\nplan=%s\nsummary=x\napplied=2026-12-01T00:00:00Z\nupdate=done\nupdate_note=x\ncreated_file=no\n' \
	"$RES1 hugeplan.plan=$ID1" "$ID1" >"$R/var/lib/hugeplan/applied"
st dash --root "$R"
t_eq "a -- before hugeplan's words: exit 1" 1 "$RC"
t_grep "... the verdict names the -- and where it is, not \"reboot\"" \
	"^Verdict: .*STALE: hugeplan's words come after a \"--\" on this boot's command line \\(GRUB_CMDLINE_LINUX, $R/etc/default/grub:1\\), so the kernel handed them to init" \
	"$T_TMP/dash.out"
if grep -q "applied but not booted: reboot" "$T_TMP/dash.out"; then
	t_fail "... and does not say \"reboot\"" "$(grep reboot "$T_TMP/dash.out")"
else
	t_ok "... and does not say \"reboot\""
fi

# tuned's 1G pair before hugeplan's: the kernel took 8 x 1G from tuned's profile
mkroot tuned one-node-32g
base "$R"
echo "$BOOT hugepagesz=1G hugepages=8 $RES1 hugeplan.plan=$ID1" >"$R/proc/cmdline"
pool "$R" 1048576 8 8 0 0 0 8 8
mkdir -p "$R/etc/tuned"
echo hugeprof >"$R/etc/tuned/active_profile"
printf 'TUNED_BOOT_CMDLINE="hugepagesz=1G hugepages=8"\n' >"$R/etc/tuned/bootcmdline"
st tuned --root "$R"
t_eq "tuned's words first: exit 1" 1 "$RC"
t_grep "... the verdict names tuned's profile and its words" \
	"^Verdict: .*STALE: tuned profile hugeprof's huge page words \\(hugepagesz=1G hugepages=8\\) come before hugeplan's" \
	"$T_TMP/tuned.out"

# --- issue 15, item 6: messages that were not true ------------------------------------------
# 1. VMs planned, no hugeplan entry ever booted: nothing was "added or grew since its entry"
mkroot never one-node-32g
vm "$R" db Memory=2G PageSize=1G
vm "$R" web Memory=512M PageSize=2M
st never --root "$R"
t_eq "never applied: exit 1 (stale)" 1 "$RC"
# shellcheck disable=SC2016 # the backquotes of the message
t_grep "never applied: says no hugeplan entry ran" \
	'^  this boot ran no hugeplan entry \(its command line reserves no huge pages and has no hugeplan.plan=\): run `hugeplan apply` and reboot$' "$T_TMP/never.out"
if grep -q "added or grew" "$T_TMP/never.out"; then
	t_fail "never applied: no VM called added or grown" "$(grep "added or grew" "$T_TMP/never.out")"
else
	t_ok "never applied: no VM called added or grown"
fi
# a reservation written by hand (no hugeplan.plan=): 1 of the 2 1G pages db needs, none of the
# 256 2M pages of web: 1 GiB + 512 MiB short
echo "$BOOT hugepagesz=1G hugepages=1" >"$R/proc/cmdline"
pool "$R" 1048576 1 1 0 0 0 1 1
st byhand --root "$R"
t_grep "by hand: says the reservation is not hugeplan's, and how short" \
	"^  this boot's reservation is not hugeplan's \(its command line has no hugeplan.plan=\) and is 1.50 GiB short of today's plan" "$T_TMP/byhand.out"

# 2. nothing planned or on the command line, but pages allocated after boot and in use
#    (sysfs: nr_hugepages 128 and free 64 for 2M, 1 and 0 for 1G; in use is nr - free)
mkroot runtime one-node-32g
pool "$R" 2048 128 64 0 0 0 128 64
pool "$R" 1048576 1 0 0 0 0 1 0
st runtime --root "$R"
t_eq "runtime pages, nothing planned: exit 0" 0 "$RC"
t_grep "runtime pages, nothing planned: the verdict names what the pools hold" \
	'^Verdict: OK: nothing planned and nothing reserved at boot; allocated since: 128 2M pages \(64 in use\), 1 1G page \(1 in use\)$' "$T_TMP/runtime.out"
if grep -q "nothing planned, nothing reserved" "$T_TMP/runtime.out"; then
	t_fail "runtime pages: not called nothing reserved"
else
	t_ok "runtime pages: not called nothing reserved"
fi

# 3. Node=0 on a one-node host is pinned to node 0, not "any"
mkroot pin0 one-node-32g
vm "$R" db Memory=2G PageSize=1G Node=0
vm "$R" web Memory=512M PageSize=2M
"$HP" plan --root "$R" >"$T_TMP/pin0.out" 2>&1
t_grep "Node=0, one node: plan shows node 0" '^db +2.00 GiB +1G +1 +2 +0 ' "$T_TMP/pin0.out"
t_grep "Node=0, one node: an unpinned VM stays any" '^web .* any ' "$T_TMP/pin0.out"
"$HP" plan --json --root "$R" >"$T_TMP/pin0.json" 2>&1
t_eq "Node=0, one node: JSON nodes [0], [] for the unpinned" "[0] []" \
	"$(jv "$T_TMP/pin0.json" '" ".join(json.dumps(v["nodes"]) for v in r["vms"])')"
# --- issue 15, item 4: who uses the pool -----------------------------------------------------
# The issue's host: a boot of today's plan (planned 256M on 2M: 128 pages; gb 1G on 1G: 1),
# and two guests libvirt runs that no plan knows: one maps 64 2M pages, the other the only 1G
# page. numa_maps lines in the kernel's format (fs/proc/task_mmu.c show_numa_map(): a hugetlbfs
# mapping says "huge", N<node>= counts pages of kernelpagesize_kB); the ordinary and anonymous
# mappings beside them must not count.
RESG="hugepagesz=2M hugepages=128 hugepagesz=1G hugepages=1"
IDG=$(fnv "$RESG")
guest() { # ROOT NAME PID NUMA_MAPS_LINES...: a running libvirt guest (tests/lib.sh)
	t_libvirt_guest "$1" "$2" "$3"
	gr=$1 gp=$3
	shift 3
	{
		echo "55d0c1a00000 default file=/usr/bin/qemu-system-x86_64 mapped=1200 mapmax=2 N0=1200 kernelpagesize_kB=4"
		echo "7f3c40000000 default anon=1024 dirty=1024 active=0 N0=1024 kernelpagesize_kB=4"
		for l in "$@"; do echo "$l"; done
	} >"$gr/proc/$gp/numa_maps"
}
mkroot guests one-node-32g
vm "$R" gb Memory=1G PageSize=1G
vm "$R" planned Memory=256M PageSize=2M
echo "$BOOT $RESG hugeplan.plan=$IDG" >"$R/proc/cmdline"
pool "$R" 2048 128 64 0 0 0 128 64
pool "$R" 1048576 1 0 0 0 0 1 0
guest "$R" intruder2m 4242 \
	"7f2a00000000 bind:0 file=/dev/hugepages/libvirt/qemu/3-intruder2m/qemu_back_mem._objects_pc.ram.Xw1 huge dirty=64 N0=64 kernelpagesize_kB=2048"
guest "$R" intruder1g 4343 \
	"7f0000000000 bind:0 file=/dev/hugepages1G/libvirt/qemu/4-intruder1g/qemu_back_mem._objects_pc.ram.Q7 huge dirty=1 N0=1 kernelpagesize_kB=1048576"
# a pid file left by a guest that crashed: its process is gone, it is no guest; libvirtd's own
# driver.pid (no status file beside it) is none either
mkdir -p "$R/run/libvirt/qemu" && echo 99999 >"$R/run/libvirt/qemu/crashed.pid" &&
	echo "<domstatus/>" >"$R/run/libvirt/qemu/crashed.xml" && echo 4242 >"$R/run/libvirt/qemu/driver.pid"
st guests --root "$R"
t_eq "unplanned guests: exit 1 (the planned VMs are short)" 1 "$RC"
# 2M: 128 reserved, 64 in use, all by intruder2m; planned gets 128 - 64 = 64 of its 128, all
# of the 64 free (HELD 64, nothing unplanned). 1G: the one page is intruder1g's; gb gets none.
t_grep "2M: reserved 128, in use 64 by guests, free 64 all held" \
	'^2M +0 +128 +64 +64 +0 +64 +64 +0$' "$T_TMP/guests.out"
t_grep "1G: reserved 1, in use by a guest, nothing free" '^1G +0 +1 +1 +1 +0 +0 +0 +0$' "$T_TMP/guests.out"
t_grep "the 2M guest listed, unplanned, its pages per node" '^intruder2m +4242 +libvirt +no +2M 0:64$' "$T_TMP/guests.out"
t_grep "the 1G guest listed" '^intruder1g +4343 +libvirt +no +1G 0:1$' "$T_TMP/guests.out"
if grep -qE "crashed|driver" "$T_TMP/guests.out"; then
	t_fail "a stale pid file, libvirtd's driver.pid: no guests" "$(grep -E "crashed|driver" "$T_TMP/guests.out")"
else
	t_ok "a stale pid file, libvirtd's driver.pid: no guests"
fi
t_grep "planned: short by the 64 pages the guest took" '^  planned: short by 64 2M pages \(128 MiB\) of 128$' "$T_TMP/guests.out"
t_grep "gb: short, the 1G page is taken" '^  gb: short by 1 1G page \(1.00 GiB\) of 1$' "$T_TMP/guests.out"
t_grep "the unplanned guests named" '^  intruder1g \(pid 4343\) is no planned VM and runs on 1 1G page of the pool$' "$T_TMP/guests.out"
t_grep "the verdict: both planned VMs short" '^Verdict: SHORT: 2 planned VMs cannot be backed by the pool' "$T_TMP/guests.out"
st guests-json --root "$R" --json
t_eq "JSON: per size and node reserved, free, in_use, held, unplanned" \
	'{"2048": [128, 64, 64, 64, 0], "1048576": [1, 0, 1, 0, 0]}' \
	"$(jv "$T_TMP/guests-json.out" 'json.dumps({str(u["page_size_kb"]): [u["nodes"][0][k] for k in ("reserved", "free", "in_use", "held", "unplanned")] for u in r["usage"]})')"
t_eq "JSON: each running guest, planned or not, its pages per size and node" \
	'[["intruder1g", 4343, false, [[1048576, 0, 1]]], ["intruder2m", 4242, false, [[2048, 0, 64]]]]' \
	"$(jv "$T_TMP/guests-json.out" 'json.dumps([[g["name"], g["pid"], g["planned"], [[p["page_size_kb"], p["node"], p["pages"]] for p in g["pages"]]] for g in r["guests"]])')"

# the planned VM starts in their place: it is running, backed by what it maps; gb, not running,
# is held the 1G page the other guest gave back
rm -rf "$R/run/libvirt/qemu" "$R/proc/4242" "$R/proc/4343"
pool "$R" 2048 128 0 0 0 0 128 0
pool "$R" 1048576 1 1 0 0 0 1 1
guest "$R" planned 5151 \
	"7f2a00000000 bind:0 file=/dev/hugepages/libvirt/qemu/5-planned/qemu_back_mem._objects_pc.ram.Zq huge dirty=128 N0=128 kernelpagesize_kB=2048"
st running --root "$R"
t_eq "planned VM running: exit 0" 0 "$RC"
t_grep "planned VM running: listed as planned" '^planned +5151 +libvirt +yes +2M 0:128$' "$T_TMP/running.out"
t_grep "planned VM running: its pages in the VMs table" '^planned +2M +128 0:128 +-$' "$T_TMP/running.out"
t_grep "the 1G page held for gb" '^1G +0 +1 +0 +0 +0 +1 +1 +0$' "$T_TMP/running.out"
t_grep "running: OK" '^Verdict: OK: the pool is met and backs every planned VM \(2\)$' "$T_TMP/running.out"
st running-json --root "$R" --json
t_eq "JSON: the planned guest says planned" "true" "$(jv "$T_TMP/running-json.out" 'json.dumps(r["guests"][0]["planned"])')"

# reserved for nobody: the same pool, gb's file gone: the free 1G page is unplanned
rm "$R/etc/hugeplan/vms.d/gb.conf"
st unplanned --root "$R" --json
t_eq "JSON: the 1G page planned for nobody is unplanned, not held" "[0, 1]" \
	"$(jv "$T_TMP/unplanned.out" 'json.dumps([[u["nodes"][0]["held"], u["nodes"][0]["unplanned"]] for u in r["usage"] if u["page_size_kb"] == 1048576][0])')"
t_done
