#!/bin/sh
# hugeplan-verify against fixture roots: the real NUMA capture (tests/fixtures/qemu-numa-1g2g,
# see its README) and variations of it. Fixtures are copied; nothing writes into the tree.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init

V=$B/hugeplan-verify
FIX=$TOP/tests/fixtures/qemu-numa-1g2g

fresh() {
	rm -rf "$T_TMP/root"
	cp -a "$FIX" "$T_TMP/root"
}

# jq-like: EXPR over a JSON file with r bound to the document
jv() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))' "$1" "$2" 2>&1
}

# --- the capture: the verdict the guest reached ---------------------------------------------------
fresh
kmsg_lines=$(wc -l <"$T_TMP/root/dev/kmsg")
"$V" --root "$T_TMP/root" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "capture: exit 1 (short)" 1 "$?"
t_eq "capture: nothing on stderr" "" "$(cat "$T_TMP/err")"
R=$T_TMP/root/run/hugeplan/boot-report.json
python3 - "$FIX/run/hugeplan/boot-report.json" "$R" >"$T_TMP/cmp" 2>&1 <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("elapsed_us")
sys.exit(0 if a == b else "differ:\n%s\n%s" % (json.dumps(a), json.dumps(b)))
PY
t_eq "capture: the report equals the one the guest wrote (but elapsed_us)" "" "$(cat "$T_TMP/cmp")"
t_eq "capture: 1G node0 short, node1 met, the kernel naming node1" "short:0/1 met:1/1 hint=1" \
	"$(jv "$R" '" ".join("%s:%d/%d" % (n["status"], n["allocated"], n["requested"]) for n in r["sizes"][1]["nodes"]) + " hint=%d" % r["sizes"][1]["kernel_node_hint"]')"
t_eq "capture: one line appended to dev/kmsg" $((kmsg_lines + 1)) "$(wc -l <"$T_TMP/root/dev/kmsg")"
t_eq "capture: the line is user.warning (<12>)" \
	"<12>hugeplan: huge pages short: 2.00 MiB met 96/96; 1.00 GiB short 1/2; node0 short 0/1; see /run/hugeplan/boot-report.json" \
	"$(tail -n 1 "$T_TMP/root/dev/kmsg")"
t_grep "capture: summary line" '^  1.00 GiB: short by 1 page \(1.00 GiB\): 1 of 2$' "$T_TMP/out"
t_eq "capture: no temporary file left in run/hugeplan" "boot-report.json" "$(ls "$T_TMP/root/run/hugeplan")"

# --- variations of the capture ----------------------------------------------------------------------
# both 1G pages there: met, exit 0, info line
fresh
for f in sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages \
	sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages; do echo 2 >"$T_TMP/root/$f"; done
for f in nr free; do echo 1 >"$T_TMP/root/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/${f}_hugepages"; done
"$V" --root "$T_TMP/root" >"$T_TMP/out" 2>&1
t_eq "met: exit 0" 0 "$?"
t_eq "met: status" met "$(jv "$R" 'r["status"]')"
t_eq "met: info line (<14>)" "<14>hugeplan: huge pages met: 2.00 MiB met 96/96; 1.00 GiB met 2/2" \
	"$(tail -n 1 "$T_TMP/root/dev/kmsg")"

# no hugepage parameters on the command line: nothing requested, exit 0
fresh
echo "console=ttyS0 root=/dev/sda" >"$T_TMP/root/proc/cmdline"
"$V" --root "$T_TMP/root" >"$T_TMP/out" 2>&1
t_eq "nothing asked: exit 0" 0 "$?"
t_eq "nothing asked: status" nothing-requested "$(jv "$R" 'r["status"]')"

# no kernel log: the verdict stands without reasons, the report says why
fresh
rm "$T_TMP/root/dev/kmsg"
"$V" --root "$T_TMP/root" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "no kmsg: still exit 1" 1 "$?"
t_eq "no kmsg: the report says why" "/dev/kmsg: No such file or directory" "$(jv "$R" 'r["kmsg"]')"
t_eq "no kmsg: no reasons" "[]" "$(jv "$R" 'r["sizes"][1]["reasons"]')"
t_grep "no kmsg: the lost log line goes to stderr" 'not logged: hugeplan: huge pages short' "$T_TMP/err"

# the report cannot be written: exit 1 still wins (the verdict is known), error on stderr
fresh
rm -rf "$T_TMP/root/run"
echo x >"$T_TMP/root/run"
"$V" --root "$T_TMP/root" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "report unwritable, short: exit 1" 1 "$?"
t_grep "report unwritable: names the file" "/run/hugeplan/boot-report.json: Not a directory" "$T_TMP/err"
echo "console=ttyS0" >"$T_TMP/root/proc/cmdline"
"$V" --root "$T_TMP/root" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "report unwritable, nothing asked: exit 2" 2 "$?"

# a broken sysfs count is the verifier's own error: exit 2, the file named (a node's
# nr_hugepages: its free and surplus are not read when the size's totals fix them)
fresh
echo "many" >"$T_TMP/root/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages"
"$V" --root "$T_TMP/root" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "bad count: exit 2" 2 "$?"
t_eq "bad count: the message names the file" \
	"hugeplan-verify: $T_TMP/root/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages: Invalid argument" \
	"$(cat "$T_TMP/err")"

# --- usage -------------------------------------------------------------------------------------------
"$V" --root "$T_TMP/nonexistent" >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "missing root: exit 2" 2 "$?"
t_grep "missing root: one line naming the file" '^hugeplan-verify: .*nonexistent/proc/cmdline: No such file or directory$' "$T_TMP/err"
"$V" --bogus >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "unknown option: exit 2" 2 "$?"
t_grep "unknown option: says how to get help" "^Try 'hugeplan-verify --help' for more information.$" "$T_TMP/err"
"$V" extra >"$T_TMP/out" 2>"$T_TMP/err"
t_eq "extra argument: exit 2" 2 "$?"
"$V" --help >"$T_TMP/out" 2>&1
t_eq "--help: exit 0" 0 "$?"
t_grep "--help: usage on stdout" '^Usage: hugeplan-verify \[--root DIR\]$' "$T_TMP/out"
t_eq "--version" "hugeplan-verify 0.1.0" "$("$V" --version)"

t_done
