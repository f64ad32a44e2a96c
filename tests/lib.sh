# Shared helpers for the shell test tiers. Every tier prints TAP lines ("ok N - what",
# "not ok N - what"); tests/run-tests.sh counts them.
# shellcheck shell=sh

T_N=0
T_FAIL=0
: "${B:=build}"
TOP=$(cd "$(dirname "$0")/../.." && pwd) # tiers live in tests/<tier>/
case $B in /*) ;; *) B=$TOP/$B ;; esac

t_ok() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1"
}

t_fail() {
	T_N=$((T_N + 1))
	T_FAIL=$((T_FAIL + 1))
	echo "not ok $T_N - $1"
	shift
	for l in "$@"; do echo "#   $l"; done
}

t_skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

# t_diff NAME EXPECTED_FILE ACTUAL_FILE
t_diff() {
	if diff -u "$2" "$3" >"$T_TMP/diff.out" 2>&1; then
		t_ok "$1"
	else
		t_fail "$1"
		sed 's/^/#   /' "$T_TMP/diff.out" | head -n 60
	fi
}

# t_eq NAME EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1" "expected: $2" "actual:   $3"
	fi
}

# t_grep NAME PATTERN FILE: FILE must contain a line matching the extended regex
t_grep() {
	if grep -Eq -- "$2" "$3"; then
		t_ok "$1"
	else
		t_fail "$1" "no line matches /$2/ in $3:"
		sed 's/^/#     /' "$3" | head -n 30
	fi
}

# t_host DIR FIXTURE: tests/fixtures/FIXTURE copied to DIR, with a module tree for the
# fixtures' kernel (kvm, kvm_intel, made by depmod), so that apply's checks pass. T_KVER is
# the fixtures' osrelease.
T_KVER=6.1.0-27-amd64
t_host() {
	cp -R "$TOP/tests/fixtures/$2" "$1"
	"$TOP/tests/check/mkmodtree.sh" "$1" $T_KVER ko:kernel/arch/x86/kvm/kvm.ko \
		ko:kernel/arch/x86/kvm/kvm-intel.ko >"$T_TMP/mktree.log" 2>&1 ||
		t_fail "module tree for $1" "$(cat "$T_TMP/mktree.log")"
}

# t_image DIR FIXTURE GRUB_DEFAULT_LINE: t_host, plus the host's grub-mkconfig (so apply
# finds a GRUB that reads /etc/default/grub.d) and /etc/default/grub holding the line given:
# an image "hugeplan apply --root DIR" takes
t_image() {
	t_host "$1" "$2"
	mkdir -p "$1/usr/sbin" "$1/etc/default"
	cp /usr/sbin/grub-mkconfig "$1/usr/sbin/grub-mkconfig"
	printf '%s\n' "$3" >"$1/etc/default/grub"
}

# t_pool ROOT KB TOTAL FREE RESV SURPLUS, then per node: NODE NR FREE [NODE NR FREE...]: the
# fixture root's pool of that size as the kernel's sysfs files would show it
t_pool() {
	_d=$1/sys/kernel/mm/hugepages/hugepages-$2kB
	echo "$3" >"$_d/nr_hugepages"
	echo "$4" >"$_d/free_hugepages"
	echo "$5" >"$_d/resv_hugepages"
	echo "$6" >"$_d/surplus_hugepages"
	_r=$1 _kb=$2
	shift 6
	while [ $# -ge 3 ]; do
		_d=$_r/sys/devices/system/node/node$1/hugepages/hugepages-${_kb}kB
		echo "$2" >"$_d/nr_hugepages"
		echo "$3" >"$_d/free_hugepages"
		echo 0 >"$_d/surplus_hugepages"
		shift 3
	done
}

# t_shared: SH, the shared test data (../shared/libvirt, ../shared/proxmox), read in place:
# $HP_SHARED, else the checkout's ../shared, else /work/shared; a test without it fails
# (it does not skip), and the caller exits.
t_shared() {
	SH=${HP_SHARED:-$TOP/../shared}
	[ -d "$SH/proxmox" ] || SH=/work/shared
	[ -d "$SH/proxmox" ] && return 0
	t_fail "shared test data: neither \$HP_SHARED, $TOP/../shared nor /work/shared"
	t_done
	return 1
}

# t_libvirt_guest ROOT NAME PID [STATUS_EMULATOR [ARGV_NAME]]: a QEMU libvirtd runs for domain
# NAME, as libvirt 9 leaves it (after t_shared): /run/libvirt/qemu/NAME.pid ("PID", no newline,
# as virPidFileWritePath() writes it; NAME escaped for XML as virPidFileBuildPath() does, & < >
# " ' as entities: the runtime tier sees libvirtd do it), the status file NAME.xml (<domstatus pid=PID> around the
# live definition: libvirt's qemuxmlconftest domain hugepages-default-2M.xml, renamed, with
# <emulator> STATUS_EMULATOR, default /usr/bin/qemu-system-x86_64), /proc/PID/cmdline
# (libvirt's own expected command line for that domain, hugepages-default-2M.x86_64-latest.args,
# its environment dropped, -name guest=ARGV_NAME (default NAME) with commas doubled as
# qemuBuildNameCommandLine() writes them) and /proc/PID/exe, a link to the binary
# /usr/bin/qemu-system-x86_64 (a file beneath ROOT). No numa_maps: the caller writes it.
t_libvirt_guest() {
	_q=$SH/libvirt/qemuxmlconfdata/hugepages-default-2M
	mkdir -p "$1/run/libvirt/qemu" "$1/proc/$3" "$1/usr/bin"
	[ -e "$1/usr/bin/qemu-system-x86_64" ] || printf '\177ELF' >"$1/usr/bin/qemu-system-x86_64"
	python3 -c 'import os, re, shlex, sys
from xml.sax.saxutils import escape
q, name, pid, emu, argv_name, st, cl = sys.argv[1:]
pf = escape(name, {"\"": "&quot;", "\x27": "&apos;"})
open(os.path.join(os.path.dirname(st), pf + ".pid"), "w").write(pid)
dom = open(q + ".xml").read()
dom = re.sub(r"<name>[^<]*</name>", "<name>%s</name>" % escape(name), dom, count=1)
dom = re.sub(r"<emulator>[^<]*</emulator>", "<emulator>%s</emulator>" % escape(emu), dom, count=1)
dom = dom.replace("<domain type=\x27qemu\x27>", "<domain type=\x27qemu\x27 id=\x271\x27>", 1)
open(st, "w").write("<domstatus state=\x27running\x27 reason=\x27booted\x27 pid=\x27%s\x27>\n" % pid
    + "  <monitor path=\x27/var/lib/libvirt/qemu/domain-1-x/monitor.sock\x27 type=\x27unix\x27/>\n"
    + dom + "</domstatus>\n")
args = shlex.split(open(q + ".x86_64-latest.args").read().replace("\\\n", " "))
args = args[next(i for i, a in enumerate(args) if a.startswith("/")):]
i = args.index("-name") + 1
args[i] = re.sub(r"^guest=[^,]*", lambda m: "guest=" + argv_name.replace(",", ",,"), args[i])
open(cl, "wb").write(b"".join(a.encode() + b"\0" for a in args))' \
		"$_q" "$2" "$3" "${4:-/usr/bin/qemu-system-x86_64}" "${5:-$2}" \
		"$1/run/libvirt/qemu/$2.xml" "$1/proc/$3/cmdline"
	ln -sfn /usr/bin/qemu-system-x86_64 "$1/proc/$3/exe"
}

# fnv TEXT: FNV-1a 64 of TEXT as 16 hex digits, written apart from hugeplan's code: the plan
# id hugeplan puts in hugeplan.plan= for the tokens before it (core/render.h)
fnv() {
	python3 -c '
import sys
h = 0xcbf29ce484222325
for b in sys.argv[1].encode():
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
print("%016x" % h)' "$1"
}

t_init() {
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/hugeplan-test.XXXXXX")
	trap 't_cleanup' EXIT
}

t_cleanup() {
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"
}

t_done() {
	echo "1..$T_N"
	[ "$T_FAIL" -eq 0 ]
}
