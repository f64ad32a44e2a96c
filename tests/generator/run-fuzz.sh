#!/bin/sh
# build/hugeplan-generator over random, malformed command lines and configurations (run.sh
# covers the chosen cases with exact expected trees; this covers what nobody chose). The
# generator runs at every boot: whatever it is given it must exit 0, within 10 s (a FIFO for a
# configuration file must not hang it), write only under its first output directory, and
# leave its root alone (only the root's dev/kmsg may grow: its log).
#
# GEN_CASES cases (default 100; GEN_SEED picks them and is printed) on the fixture hosts: a
# command line of random bytes, 64 KiB, or hugetlb and hugeplan words with bad values; a
# hugeplan.conf, drop-ins and vms.d files of random bytes, random keys and values, very long
# lines, a directory, a FIFO, a dangling or looping symlink; a garbage /etc/fstab; a missing
# or garbage osrelease; SYSTEMD_SCOPE (kmsg logging) and a bad SYSTEMD_LOG_LEVEL. Where strace
# can trace, every file the generator opens for writing, creates, links or removes is checked
# to be under the output directory (or the root's dev/kmsg).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
# shellcheck source=tests/lib/rand.sh
. "$TOP/tests/lib/rand.sh"
# shellcheck source=tests/lib/inject.sh
. "$TOP/tests/lib/inject.sh"
G=$B/hugeplan-generator
T=$T_TMP
: "${GEN_CASES:=100}"
: "${GEN_SEED:=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
echo "# GEN_CASES=$GEN_CASES GEN_SEED=$GEN_SEED"
rand_init "$GEN_SEED"
TRACE=
command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null && TRACE=1

# pick LIST_FILE: a random line of it
pick() {
	rnd "$(wc -l <"$1")"
	sed -n "$((R + 1))p" "$1"
}
cat >"$T/words" <<'X'
hugepagesz=2M
hugepagesz=1G
hugepagesz=1Q
hugepagesz=
hugepages=64
hugepages=-3
hugepages=99999999999999999999999
hugepages=0:64,1:32
hugepages=0:1,x
hugepages=1:18446744073709551615
hugepages
default_hugepagesz=1G
default_hugepagesz=2M
default_hugepagesz=banana
hugetlb_free_vmemmap=on
hugeplan=0
hugeplan=1
hugeplan=maybe
hugeplan
hugeplan.plan=0123456789abcdef
hugeplan.plan=$(touch${IFS}/tmp/x)
"quoted=a b"
"unbalanced
x="a;b|c&d`e`$(f)"
systemd.unit=rescue.target
root=/dev/sda1
-- 
é☃
X
cat >"$T/keys" <<'X'
Memory
PageSize
Instances
Node
NUMANode
Name
Enabled
Strict
ReserveMemory
ReservePercent
Balance
Unknown
memory
X
cat >"$T/values" <<'X'
2G
512M
1G
0
-1
99999999999999999999T
1Q
yes
no
perhaps
$(reboot)
`id`
a;b
"quoted
 
0x10
1e9
18446744073709551616
X

cmdline() {
	rnd 6
	case $R in
	0)
		rnd 3000
		bytes "$R"
		;;
	1) awk 'BEGIN { for (i = 0; i < 5000; i++) printf "hugepagesz=2M hugepages=%d ", i }' ;;
	*)
		printf 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro '
		rnd 20
		n=$R
		while [ "$n" -gt 0 ]; do
			printf '%s ' "$(pick "$T/words")"
			n=$((n - 1))
		done
		;;
	esac
}

# conffile PATH: something at PATH where a configuration file goes
conffile() {
	mkdir -p "$(dirname "$1")"
	rnd 12
	case $R in
	0)
		rnd 5000
		bytes "$R" >"$1"
		;;
	1) awk 'BEGIN { printf "[VM]\nMemory="; for (i = 0; i < 100000; i++) printf "9"; print "G" }' >"$1" ;;
	2) mkdir -p "$1" ;;
	3) mkfifo "$1" ;;
	4) ln -sf /nonexistent "$1" ;;
	5) ln -sf "$(basename "$1")" "$1" ;;
	6) : >"$1" ;;
	*)
		rnd 3
		case $R in 0) echo "[Host]" ;; 1) echo "[VM]" ;; *) echo "[$(pick "$T/keys")]" ;; esac >"$1"
		rnd 8
		n=$R
		while [ "$n" -gt 0 ]; do
			printf '%s=%s\n' "$(pick "$T/keys")" "$(pick "$T/values")" >>"$1"
			n=$((n - 1))
		done
		rnd 5
		[ "$R" = 0 ] && bytes 30 >>"$1"
		;;
	esac
}

# writes TRACE OUT ROOT: the trace's writes that are not under OUT nor ROOT/dev/kmsg
writes() {
	# strace -y: a directory descriptor shows as FD<PATH>; a name relative to one is joined to it
	awk -v out="$2" -v kmsg="$3/dev/kmsg" '
	function bad(p) { return index(p, out "/") != 1 && p != out && p != kmsg }
	function dirof(s,   m) {
		if (!match(s, /[0-9]+<[^>]*>, *$/)) return ""
		m = substr(s, RSTART, RLENGTH); sub(/^[0-9]+</, "", m); sub(/>, *$/, "", m); return m
	}
	function at(d, p) { return (p ~ /^\// || d == "") ? p : d "/" p }
	# symlink(TARGET, PATH): what is made is the last path; the others: every path named
	/^[0-9]+ +symlink(at)?\(/ {
		n = split($0, q, "\""); if (bad(at(dirof(q[3]), q[4]))) print; next
	}
	/^[0-9]+ +(mkdir|mkdirat|link|linkat|rename|renameat2?|unlink|unlinkat|rmdir|truncate|chmod|fchmodat|chown|fchownat|mknod|mknodat)\(/ {
		n = split($0, q, "\""); if (bad(at(dirof(q[1]), q[2])) || (n > 4 && bad(at(dirof(q[3]), q[4])))) print; next
	}
	/^[0-9]+ +(open|openat|creat)\(/ && /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(/ {
		split($0, q, "\""); if (bad(at(dirof(q[1]), q[2]))) print
	}' "$1"
}

bases="one-node-32g qemu-numa-1g2g no-pdpe1gb-8g"
CASE=1 FAILS=0
while [ "$CASE" -le "$GEN_CASES" ]; do
	w=$T/c
	rm -rf "$w" && mkdir -p "$w/out" "$w/early" "$w/late"
	rnd 3
	base=$(echo "$bases" | cut -d' ' -f$((R + 1)))
	cp -a "$TOP/tests/fixtures/$base" "$w/root"
	cmdline >"$w/root/proc/cmdline"
	etc=$w/root/etc/hugeplan
	rnd 4
	[ "$R" != 0 ] && conffile "$etc/hugeplan.conf"
	rnd 3
	[ "$R" = 0 ] && conffile "$etc/hugeplan.conf.d/10-x.conf"
	rnd 3
	k=$R
	while [ "$k" -gt 0 ]; do
		conffile "$etc/vms.d/vm$k.conf"
		k=$((k - 1))
	done
	rnd 6
	[ "$R" = 0 ] && conffile "$w/root/usr/lib/hugeplan/vms.d/lib.conf"
	rnd 5
	[ "$R" = 0 ] && mkdir -p "$w/root/etc" && { rnd 2000 && bytes "$R"; } >"$w/root/etc/fstab"
	rnd 10
	case $R in
	0) rm -f "$w/root/proc/sys/kernel/osrelease" ;;
	1) bytes 40 >"$w/root/proc/sys/kernel/osrelease" ;;
	esac
	set --
	rnd 2
	[ "$R" = 0 ] && set -- SYSTEMD_SCOPE=system && mkdir -p "$w/root/dev" && : >>"$w/root/dev/kmsg"
	rnd 6
	[ "$R" = 0 ] && set -- "$@" SYSTEMD_LOG_LEVEL="$(pick "$T/values")"
	(cd "$w/root" && find . ! -path ./dev/kmsg -printf '%p %y %s %T@\n' | LC_ALL=C sort) >"$w/before"
	if [ -n "$TRACE" ]; then
		set -- strace -f -qq -y -o "$w/trace" "$G"
	else
		set -- "$G"
	fi
	env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_LOG_TARGET -u SYSTEMD_IN_INITRD \
		HUGEPLAN_ROOT="$w/root" timeout 10 "$@" "$w/out" "$w/early" "$w/late" \
		>"$w/stdout" 2>"$w/stderr"
	rc=$?
	bad=
	[ $rc = 0 ] || bad="$bad; exit $rc$([ $rc = 124 ] && echo ' (timed out)')"
	[ ! -s "$w/stdout" ] || bad="$bad; wrote to stdout"
	[ -z "$(find "$w/early" "$w/late" -mindepth 1)" ] || bad="$bad; wrote to the early or late directory"
	(cd "$w/root" && find . ! -path ./dev/kmsg -printf '%p %y %s %T@\n' | LC_ALL=C sort) >"$w/after"
	cmp -s "$w/before" "$w/after" || bad="$bad; the root changed: $(diff "$w/before" "$w/after" | grep '^[<>]' | head -n 2 | tr '\n' ' ')"
	if [ -n "$TRACE" ]; then
		wr=$(writes "$w/trace" "$w/out" "$w/root")
		[ -z "$wr" ] || bad="$bad; writes outside its output directory: $(echo "$wr" | head -n 2)"
	fi
	# what it wrote are units, drop-ins and links, and nothing else
	odd=$(cd "$w/out" && find . -mindepth 1 ! -name '*.mount' ! -name '*.conf' ! -name '*.service' \
		! -name '*.d' ! -name '*.wants')
	[ -z "$odd" ] || bad="$bad; unexpected output: $odd"
	what="case $CASE ($base$([ -n "$*" ] && echo ", $(echo "$*" | grep -o 'SYSTEMD_[A-Z_]*' | tr '\n' ' ')"))"
	if [ -z "$bad" ]; then
		t_ok "$what: exit 0, $(find "$w/out" -mindepth 1 | wc -l) outputs, nothing else written"
	else
		t_fail "$what" "${bad#; }"
		FAILS=$((FAILS + 1))
		[ "$FAILS" -le 3 ] && cp -a "$w" "$T/failed.$CASE" &&
			echo "#   (T_KEEP=1 keeps $T/failed.$CASE)"
	fi
	CASE=$((CASE + 1))
done
[ -n "$TRACE" ] || t_skip "writes checked with strace" "strace cannot trace here"
t_done
