#!/bin/sh
# Issue 12 item 12: kB figures multiplied into bytes were not checked: "MemTotal: 2^54 kB"
# wrapped to 0 bytes, a hugepages-NkB folder of such a size became a page size of 0. Each
# is now a clear error naming the file (hp_kb_bytes(), cmocka cases in test-size.c for the
# edges: 2^54 - 1 kB fits, 2^54 does not).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"
F=$TOP/tests/fixtures
BIG=18014398509481984 # 2^54 kB: 2^64 bytes

mkdir -p "$T_TMP/c/vms.d" && printf '[VM]\nMemory=2G\nPageSize=2M\n' >"$T_TMP/c/vms.d/a.conf"

R=$T_TMP/mem && cp -R "$F/one-node-32g" "$R"
sed -i "s/^MemTotal:.*/MemTotal:       $BIG kB/" "$R/proc/meminfo"
run mem "$HP" plan --config "$T_TMP/c" --root "$R"
t_eq "MemTotal of 2^54 kB: exit 2" 2 "$RC"
t_grep "MemTotal of 2^54 kB: says why, naming the file" "$R/proc/meminfo: MemTotal in kB does not fit 64 bits of bytes" "$T_TMP/mem.err"

R=$T_TMP/node && cp -R "$F/two-node-16g-32g" "$R"
sed -i "s/MemTotal:.*/MemTotal:       $BIG kB/" "$R/sys/devices/system/node/node1/meminfo"
run node "$HP" plan --config "$T_TMP/c" --root "$R"
t_eq "node MemTotal of 2^54 kB: exit 2" 2 "$RC"
t_grep "node MemTotal of 2^54 kB: says why, naming the file" "/sys/devices/system/node/node1/meminfo: MemTotal in kB does not fit 64 bits of bytes" "$T_TMP/node.err"

R=$T_TMP/size && cp -R "$F/one-node-32g" "$R"
cp -R "$R/sys/kernel/mm/hugepages/hugepages-2048kB" "$R/sys/kernel/mm/hugepages/hugepages-${BIG}kB"
run size "$HP" plan --config "$T_TMP/c" --root "$R"
t_eq "a page size of 2^54 kB: exit 2" 2 "$RC"
t_grep "a page size of 2^54 kB: says why, naming the folder" "/sys/kernel/mm/hugepages/hugepages-${BIG}kB: a page size that does not fit 64 bits of bytes" "$T_TMP/size.err"
mkdir -p "$R/dev" && : >"$R/dev/kmsg"
run vsize "$HV" --root "$R"
t_eq "verify, a page size of 2^54 kB: exit 2" 2 "$RC"
t_grep "verify, a page size of 2^54 kB: names the folder" "hugepages-${BIG}kB: Numerical result out of range" "$T_TMP/vsize.err"
t_done
