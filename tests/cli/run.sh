#!/bin/sh
# Black-box runs of build/hugeplan against fixture roots, compared with expected stdout,
# stderr and exit status (tests/cli/expected/NAME.{stdout,stderr,rc}).
# UPDATE=1 rewrites the expected files: then read every diff before committing it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# Run on a copy: as root, hugeplan refuses configuration another user could change, and a
# checkout may belong to one. cp -R makes new files owned by whoever runs the tests; the
# relative paths the expected messages show stay the same.
mkdir -p "$T_TMP/tree/tests/cli" || exit 1
cp -R "$TOP/tests/cli/configs" "$T_TMP/tree/tests/cli/" && cp -R "$TOP/examples" "$T_TMP/tree/" &&
	ln -s "$TOP/tests/fixtures" "$T_TMP/tree/tests/fixtures" && chmod -R go-w "$T_TMP/tree" || exit 1
cd "$T_TMP/tree" || exit 1
F=tests/fixtures
C=tests/cli/configs
E=$TOP/tests/cli/expected

grep -v '^#' "$TOP/tests/cli/cases.txt" | while IFS='|' read -r name args; do
	name=$(echo "$name" | tr -d ' ')
	[ -n "$name" ] || continue
	args=$(eval echo "$args")
	# shellcheck disable=SC2086 # cases.txt gives the arguments blank-separated
	"$B/hugeplan" $args >"$T_TMP/$name.stdout" 2>"$T_TMP/$name.stderr"
	echo $? >"$T_TMP/$name.rc"
	for k in stdout stderr rc; do
		if [ -n "${UPDATE:-}" ]; then
			cp "$T_TMP/$name.$k" "$E/$name.$k"
		fi
		t_diff "cli $name ($k)" "$E/$name.$k" "$T_TMP/$name.$k"
	done
done > "$T_TMP/results"
cat "$T_TMP/results"
T_N=$(grep -c '^ok\|^not ok' "$T_TMP/results")
T_FAIL=$(grep -c '^not ok' "$T_TMP/results")

# The plan id is FNV-1a 64 of the reservation tokens joined by blanks: recompute it
# independently from the expected command lines.
for name in ws-cmdline numa-cmdline small-cmdline old-balanced old-as-61; do
	line=$(cat "$E/$name.stdout")
	res=${line% hugeplan.plan=*}
	id=${line##*hugeplan.plan=}
	want=$(python3 -c '
import sys
h = 0xcbf29ce484222325
for b in sys.argv[1].encode():
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
print("%016x" % h)' "$res")
	t_eq "plan id of $name is FNV-1a of its reservation" "$want" "$id"
done

# JSON: the fields the issue names, read with a real JSON parser
"$B/hugeplan" plan --json --config $C/numa --root $F/two-node-16g-32g >"$T_TMP/numa.json"
if python3 - "$T_TMP/numa.json" <<'PY'; then t_ok "plan --json has feasible, kernel_args, pools, vms"; else t_fail "plan --json has feasible, kernel_args, pools, vms"; fi
import json, sys
d = json.load(open(sys.argv[1]))
assert d["feasible"] is True
assert d["kernel_args"].startswith("hugepagesz=2M hugepages=0:1287,1:1785 hugepagesz=1G hugepages=0:4,1:14 hugeplan.plan=")
pools = {p["page_size_kb"]: p for p in d["pools"]}
assert pools[2048]["pages"] == 3072 and pools[1048576]["pages"] == 18
assert {n["node"]: n["pages"] for n in pools[1048576]["nodes"]} == {0: 4, 1: 14}
assert {n["node"]: n["pages"] for n in pools[2048]["nodes"]} == {0: 1287, 1: 1785}
assert [v["name"] for v in d["vms"]] == ["batch", "db", "web"]
assert d["vms"][1]["nodes"] == [1]
PY
"$B/hugeplan" plan --json --config $C/toobig --root $F/no-pdpe1gb-8g >"$T_TMP/toobig.json" 2>/dev/null
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["feasible"] is False and d["kernel_args"] == "" and d["nodes"][0]["fits"] is False and len(d["problems"]) == 1' "$T_TMP/toobig.json"; then
	t_ok "plan --json of an infeasible plan: feasible false, no kernel_args"
else
	t_fail "plan --json of an infeasible plan: feasible false, no kernel_args"
fi

out=$("$B/hugeplan" --version)
t_eq "--version" "hugeplan 0.1.0" "$out"
"$B/hugeplan" plan --help >"$T_TMP/help" && t_grep "plan --help exits 0 and shows usage" '^Usage:' "$T_TMP/help"

# The bundled example is planned as the README says
"$B/hugeplan" plan --config examples/config --root examples/host >"$T_TMP/demo" 2>&1
t_eq "the bundled example fits" 0 $?
t_done
