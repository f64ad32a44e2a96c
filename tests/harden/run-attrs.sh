#!/bin/sh
# Issue 20: under a root the verifier judges a pool's attribute files from their directory's
# entries (d_type) and opens them there; whatever those entries do not vouch for takes the
# long way of sys/root.h. The answers must be the long way's: a link inside the root read as
# the file it names (the same summary as the plain file), a FIFO, a directory or a missing
# file an error naming it, as hp_root_open_file() words it (root.h, hp_strerror()).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"

BASE=$TOP/tests/fixtures/qemu-numa-1g2g
A=sys/devices/system/node/node1/hugepages/hugepages-1048576kB
G=sys/kernel/mm/hugepages/hugepages-1048576kB
# the capture's 1G page taken and a surplus one (as after a guest started with overcommit):
# the size's totals then leave every node's free and surplus count open, and the verifier
# reads them (at boot, with free equal to nr and no surplus, it does not: see below)
taken() { # DIR
	echo 0 >"$1/$G/free_hugepages" && echo 1 >"$1/$G/surplus_hugepages"
	echo 0 >"$1/$A/free_hugepages" && echo 1 >"$1/$A/surplus_hugepages"
}
# a fresh copy of the capture, its 1G page taken, with the attribute NAME of $A replaced by KIND
case_root() { # DIR KIND NAME
	rm -rf "$1" && cp -a "$BASE" "$1" && taken "$1"
	f=$1/$A/$3
	case $2 in
	plain) ;;
	absolute)
		mkdir -p "$1/var/lib/copies"
		mv "$f" "$1/var/lib/copies/$3"
		ln -s "/var/lib/copies/$3" "$f"
		;;
	relative)
		mv "$f" "$1/$A/.$3"
		ln -s ".$3" "$f"
		;;
	fifo) rm "$f" && mkfifo "$f" ;;
	dir) rm "$f" && mkdir "$f" ;;
	missing) rm "$f" ;;
	esac
}

R=$T_TMP/r
case_root "$R" plain nr_hugepages
run plain strace -f -qq -e trace=openat,openat2,newfstatat -o "$T_TMP/plain.strace" "$HV" --root "$R"
t_eq "the capture as it is: exit 1 (short)" 1 "$RC"
# the short way is taken: each attribute opened in its directory, no stat of it by path
t_grep "the attributes are opened in their directory" '^[0-9]* *openat\([0-9]+, "free_hugepages",' "$T_TMP/plain.strace"
if grep -q 'newfstatat([0-9]*, "free_hugepages"\|openat2(.*free_hugepages' "$T_TMP/plain.strace"; then
	t_fail "no attribute judged on its own when its directory vouched for it" "$(grep free_hugepages "$T_TMP/plain.strace" | head -n 3)"
else
	t_ok "no attribute judged on its own when its directory vouched for it"
fi
for kind in absolute relative; do
	for name in nr_hugepages free_hugepages surplus_hugepages; do
		case_root "$R" $kind $name
		run $kind "$HV" --root "$R"
		t_eq "$name a $kind link inside the root: the same exit status" 1 "$RC"
		t_diff "$name a $kind link inside the root: the same summary" "$T_TMP/plain.out" "$T_TMP/$kind.out"
	done
done
for kind in fifo dir missing; do
	case $kind in
	fifo) why="not a regular file (a FIFO, a socket or a device)" ;;
	dir) why="Is a directory" ;;
	missing) why="No such file or directory" ;;
	esac
	case_root "$R" $kind free_hugepages
	run $kind "$HV" --root "$R"
	t_eq "free_hugepages a $kind: exit 2" 2 "$RC"
	t_eq "free_hugepages a $kind: says which file and why" \
		"hugeplan-verify: $R/$A/free_hugepages: $why" "$(cat "$T_TMP/$kind.err")"
done
# the first attribute missing: the node has no such size, skipped as before (not an error)
case_root "$R" missing nr_hugepages
run nonode "$HV" --root "$R"
t_eq "nr_hugepages missing: the node is skipped, no error" "" "$(cat "$T_TMP/nonode.err")"

# The capture as booted: every size's free equals its nr and none is surplus, so each node's
# free is its nr and its surplus 0 (the kernel keeps the totals the sums of the nodes' counts,
# a node's free and surplus pages among its own): those files are not read, and the report
# says what reading them says.
rm -rf "$R" && cp -a "$BASE" "$R"
run booted strace -f -qq -e trace=openat,openat2 -o "$T_TMP/booted.strace" "$HV" --root "$R"
t_eq "as booted: exit 1 (short)" 1 "$RC"
n=$(grep -c '"free_hugepages"\|"surplus_hugepages"' "$T_TMP/booted.strace")
t_eq "as booted: each size's free and surplus read, no node's (2 sizes x 2 files)" 4 "$n"
python3 - "$R/run/hugeplan/boot-report.json" "$R" >"$T_TMP/booted.check" <<'PY'
import json, os, sys
rep, root = json.load(open(sys.argv[1])), sys.argv[2]
for s in rep["sizes"]:
    for n in s["nodes"]:
        d = "%s/sys/devices/system/node/node%d/hugepages/hugepages-%dkB" % (root, n["node"], s["size"] // 1024)
        free = int(open(d + "/free_hugepages").read())
        if n["free"] != free:
            print("size %d node %d: report free %d, file %d" % (s["size"], n["node"], n["free"], free))
PY
t_eq "as booted: every node's free in the report is its free_hugepages file" "" "$(cat "$T_TMP/booted.check")"
# a node's file broken, which the totals make unneeded: not read, so no error
rm "$R/$A/free_hugepages" && mkfifo "$R/$A/free_hugepages"
run unread "$HV" --root "$R"
t_eq "as booted, a node's free_hugepages a FIFO: not read, exit 1 (short)" 1 "$RC"
t_eq "as booted, a node's free_hugepages a FIFO: no error" "" "$(cat "$T_TMP/unread.err")"
# one page taken on the 2M pool: its nodes' free files are read (its surplus still not)
rm -rf "$R" && cp -a "$BASE" "$R"
M=sys/kernel/mm/hugepages/hugepages-2048kB
echo 95 >"$R/$M/free_hugepages"
echo 63 >"$R/sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages"
run one strace -f -qq -e trace=openat,openat2 -o "$T_TMP/one.strace" "$HV" --root "$R"
n=$(grep -c '"free_hugepages"' "$T_TMP/one.strace")
t_eq "a 2M page taken: the 2M nodes' free read besides the totals (2 + 2 files)" 4 "$n"
t_grep "a 2M page taken: node0's free as its file says" '"free": 63' "$R/run/hugeplan/boot-report.json"
t_done
