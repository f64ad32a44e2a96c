#!/bin/sh
# Issue 12 item 9: /proc/cmdline holds the command line and a newline; COMMAND_LINE_SIZE 4096
# (s390x) leaves 4095 bytes of words. Such a line must be read whole by the CLI, the
# generator and the verifier (the landed readers took at most 4095 bytes with the newline,
# and dropped the whole line as "empty" when it had 4095); a longer one is an error that is
# said, never an empty command line. The huge page words stand last, where a cut line would
# lose them.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/harden/common.sh
. "$TOP/tests/harden/common.sh"

# line LEN TAIL: a command line of exactly LEN bytes (newline not counted) ending in TAIL
line() {
	python3 -c '
import sys
n, tail = int(sys.argv[1]), sys.argv[2]
head = "BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro"
pad = n - len(head) - len(tail) - 2
words, left = [], pad
while left > 0:
    w = min(left, 60)
    word = "x.pad=" + "a" * (w - 6) if w > 6 else "p" * w
    words.append(word)
    left -= w + 1
line = " ".join([head] + words + [tail])
line = line[:len(head) + 1 + pad] if len(line) > n else line
while len(line) < n - len(tail) - 1:
    line = line.replace(" x.pad=", " x.pad=a", 1)
line = line[:n - len(tail) - 1] + " " + tail
assert len(line) == n, (len(line), n)
print(line)' "$1" "$2"
}

# host R LEN TAIL: one-node fixture whose /proc/cmdline is that line, 512 2M pages reserved
host() {
	rm -rf "$1" && cp -R "$TOP/tests/fixtures/one-node-32g" "$1"
	line "$2" "$3" >"$1/proc/cmdline"
	for f in sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages \
		sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages; do
		[ -f "$1/$f" ] && echo 512 >"$1/$f"
	done
	mkdir -p "$1/dev" "$1/etc/hugeplan/vms.d" && : >"$1/dev/kmsg"
	printf '[VM]\nMemory=2G\nPageSize=1G\n' >"$1/etc/hugeplan/vms.d/db.conf"
}

gen() { # ROOT
	rm -rf "$1.out" && mkdir -p "$1.out/n" "$1.out/e" "$1.out/l"
	env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_LOG_TARGET HUGEPLAN_ROOT="$1" \
		"$HG" "$1.out/n" "$1.out/e" "$1.out/l" >"$1.gen.out" 2>"$1.gen.err"
}

TAIL="hugetlb_cma=2G default_hugepagesz=1G hugepagesz=2M hugepages=512"
R=$T_TMP/max
host "$R" 4095 "$TAIL"
t_eq "the fixture: 4095 bytes and the newline" 4096 "$(wc -c <"$R/proc/cmdline")"
run v "$HV" --root "$R"
t_eq "verify, 4095 bytes: exit 0" 0 "$RC"
t_grep "verify, 4095 bytes: the words at its end read (512 2M pages asked, met)" "2.00 MiB: met: 512 of 512" "$T_TMP/v.out"
gen "$R"
t_eq "generator, 4095 bytes: nothing on stderr" "" "$(cat "$R.gen.err")"
t_eq "generator, 4095 bytes: the 2M pool's mount (1G is the default size)" yes "$([ -f "$R.out/n/dev-hugepages2M.mount" ] && echo yes)"
run p "$HP" plan --root "$R"
t_eq "plan, 4095 bytes: exit 0" 0 "$RC"
t_grep "plan, 4095 bytes: the hugetlb_cma= at its end seen" "^warning: hugetlb_cma= is on this boot's command line" "$T_TMP/p.err"

# one byte more: an error, said by each
L=$T_TMP/long
host "$L" 4096 "$TAIL"
WHY="/proc/cmdline: longer than 4095 bytes"
run vl "$HV" --root "$L"
t_eq "verify, 4096 bytes: exit 2" 2 "$RC"
t_grep "verify, 4096 bytes: says why" "^hugeplan-verify: $L$WHY" "$T_TMP/vl.err"
gen "$L"
t_grep "generator, 4096 bytes: logs why" "^hugeplan-generator: cannot read the kernel's facts: $L$WHY" "$L.gen.err"
run pl "$HP" plan --root "$L"
t_eq "plan, 4096 bytes: exit 2" 2 "$RC"
t_grep "plan, 4096 bytes: says why" "^hugeplan: cannot read the host's facts: $L$WHY" "$T_TMP/pl.err"
t_done
