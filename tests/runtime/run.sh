#!/bin/sh
# The hand-over to libvirt, for real (issue 15, "Must show"): Debian's libvirtd, started by hand
# in a private mount namespace with its state on tmpfs (E2E-NOTES.md, "libvirt, for real"),
# finds every pool hugeplan promises and status knows who uses the pages.
#
#  1. the generator runs for a plan with VMs on 2M and 1G and no pages at boot; in the
#     namespace, /dev is a private copy and the mounts are made exactly as the units say:
#     systemd's own dev-hugepages.mount (the default size, 2M) and the generator's
#     dev-hugepages1G.mount (What=, Where=, Type=, Options= read from the files);
#  2. libvirtd starts with the configuration the docs recommend: the package's qemu.conf,
#     hugetlbfs_mount unset; virsh capabilities and virsh freepages list both sizes;
#  3. pages are allocated at runtime on this machine (64 2M pages; one 1G page where the
#     machine can give one) and put back at the end, whatever happens;
#  4. a 128 MiB TCG domain on 2M pages, planned, starts; status names it, its pages per node
#     (libvirt's answer: 128 MiB / 2 MiB = 64, and virsh freepages for the free remainder);
#     then, one QEMU at a time, an unplanned domain on the pool, which status names as such;
#     then a 1 GiB domain on the 1G page, when there is one; the pid hugeplan takes is one
#     libvirt's test would (core/libvirtqemu.h: the status file's pid and <emulator>, QEMU's
#     -name), and small2m's files naming intruder's QEMU (a crash, a pid reused) are no guest;
#     a domain named q&a, whose pid file libvirt names q&amp;a.pid, is found.
# Every daemon and QEMU is stopped by PID (also on failure: the EXIT trap).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan
HG=$B/hugeplan-generator
HS=/sys/kernel/mm/hugepages

for c in libvirtd virtlogd virsh qemu-system-x86_64 unshare nsenter python3; do
	if ! command -v "$c" >/dev/null 2>&1; then
		t_fail "$c is installed (tests/install-deps.sh)"
		t_done
		exit 1
	fi
done
if [ "$(id -u)" != 0 ]; then
	t_fail "the runtime tier runs as root (a mount namespace, huge pages, libvirtd)"
	t_done
	exit 1
fi

HOLD=''
PIDS=
ORIG2=$(cat $HS/hugepages-2048kB/nr_hugepages)
ORIG1=$(cat $HS/hugepages-1048576kB/nr_hugepages 2>/dev/null || echo none)
in_ns() { nsenter -t "$HOLD" -m -- "$@"; }
vsh() { in_ns virsh -q -c qemu:///system "$@"; }
stop_all() {
	if [ -n "$HOLD" ]; then
		for d in small2m intruder 'q&a' small1g; do vsh destroy "$d" >/dev/null 2>&1 || :; done
	fi
	for p in $PIDS; do kill "$p" 2>/dev/null || :; done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$p" 2>/dev/null || :
	done
	PIDS=
	[ -n "$HOLD" ] && { kill "$HOLD" 2>/dev/null || :; }
	HOLD=
	# the host's counts, as they were
	echo "$ORIG2" >$HS/hugepages-2048kB/nr_hugepages
	[ "$ORIG1" = none ] || echo "$ORIG1" >$HS/hugepages-1048576kB/nr_hugepages
}
trap 'stop_all; t_cleanup' EXIT

# --- 1. the generator's units for the plan ------------------------------------------------------
R=$T_TMP/root
t_image "$R" one-node-32g 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"'
mkdir -p "$R/etc/hugeplan/vms.d" "$T_TMP/gen/n" "$T_TMP/gen/e" "$T_TMP/gen/l"
chmod -R go-w "$R"
printf '[VM]\nMemory=128M\nPageSize=2M\n' >"$R/etc/hugeplan/vms.d/small2m.conf"
printf '[VM]\nMemory=1G\nPageSize=1G\n' >"$R/etc/hugeplan/vms.d/small1g.conf"
# the generator reads no VM: apply records the sizes the plan uses (this boot has no pool yet)
"$B/hugeplan" apply --root "$R" --no-update >"$T_TMP/apply.out" 2>&1
t_grep "apply records every size the plan uses" '^sizes=2048,1048576$' "$R/var/lib/hugeplan/applied"
env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL HUGEPLAN_ROOT="$R" "$HG" "$T_TMP/gen/n" \
	"$T_TMP/gen/e" "$T_TMP/gen/l" 2>"$T_TMP/gen.err"
t_eq "generator: the 1G mount for a plan with no pages at boot (2M is /dev/hugepages)" \
	"dev-hugepages1G.mount" "$(cd "$T_TMP/gen/n" && find . -maxdepth 1 -name '*.mount' -printf '%P\n')"
t_grep "the unit orders the mount before libvirtd" "^Before=libvirtd.service virtqemud.service\$" \
	"$T_TMP/gen/n/dev-hugepages1G.mount"

# --- 2. the namespace, the mounts as the units say, libvirtd as the docs leave it ----------------
mkdir -p "$T_TMP/seed"
cp -a /etc/libvirt/. "$T_TMP/seed/"
rm -rf "$T_TMP/seed/hooks" "$T_TMP/seed/qemu/autostart" "$T_TMP/seed/qemu/networks/autostart"
find "$T_TMP/seed/qemu" -maxdepth 1 -name '*.xml' -delete
t_eq "qemu.conf as the docs recommend: no hugetlbfs_mount" "" \
	"$(grep -E '^[[:space:]]*hugetlbfs_mount' "$T_TMP/seed/qemu.conf")"
unshare -m --propagation private sleep 3600 >/dev/null 2>&1 </dev/null &
HOLD=$!
sleep 0.2
# shellcheck disable=SC2016 # the inner shell's $1, $2 and $u
if ! in_ns sh -ec '
	for d in /etc/libvirt /var/lib/libvirt /run/libvirt /var/log/libvirt /var/cache/libvirt; do
		mkdir -p "$d" && mount -t tmpfs -o mode=0755 none "$d"
	done
	cp -a "$1/seed/." /etc/libvirt/
	# a private /dev: the host s devtmpfs gets no mount point
	mkdir -p "$1/dev" && mount -t tmpfs -o mode=0755 none "$1/dev" && cp -a /dev/. "$1/dev/"
	mount --bind "$1/dev" /dev
	mkdir -p /dev/pts /dev/shm
	mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
	mount -t tmpfs none /dev/shm
	shift
	for u in "$@"; do
		what=$(sed -n "s/^What=//p" "$u") where=$(sed -n "s/^Where=//p" "$u")
		type=$(sed -n "s/^Type=//p" "$u") opts=$(sed -n "s/^Options=//p" "$u")
		mkdir -p "$where"
		mount -t "$type" ${opts:+-o "$opts"} "$what" "$where"
	done
' sh "$T_TMP" /lib/systemd/system/dev-hugepages.mount "$T_TMP/gen/n/dev-hugepages1G.mount" \
	>"$T_TMP/ns.log" 2>&1; then
	t_fail "the namespace and the units' mounts" "$(cat "$T_TMP/ns.log")"
	t_done
	exit 1
fi
in_ns findmnt -n -t hugetlbfs -o TARGET,OPTIONS >"$T_TMP/mounts"
t_grep "mounted: /dev/hugepages (the default size, 2M)" "^/dev/hugepages .*pagesize=2M" "$T_TMP/mounts"
t_grep "mounted: /dev/hugepages1G" "^/dev/hugepages1G .*pagesize=1024M" "$T_TMP/mounts"

nsenter -t "$HOLD" -m -- virtlogd >"$T_TMP/virtlogd.log" 2>&1 &
PIDS=$!
nsenter -t "$HOLD" -m -- libvirtd >"$T_TMP/libvirtd.log" 2>&1 &
LVD=$!
PIDS="$PIDS $LVD"
i=0
while ! vsh version >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$LVD" 2>/dev/null; then
		t_fail "libvirtd starts with the package's qemu.conf" "$(tail -n 5 "$T_TMP/libvirtd.log")"
		t_done
		exit 1
	fi
	sleep 0.1
done
t_ok "libvirtd starts with the package's qemu.conf (no hugetlbfs_mount)"
vsh capabilities >"$T_TMP/caps.xml"
t_grep "virsh capabilities: 2M pages" "<pages unit='KiB' size='2048'/>" "$T_TMP/caps.xml"
t_grep "virsh capabilities: 1G pages" "<pages unit='KiB' size='1048576'/>" "$T_TMP/caps.xml"
vsh freepages --all >"$T_TMP/free.txt"
t_grep "virsh freepages: 2M" "^2048KiB: " "$T_TMP/free.txt"
t_grep "virsh freepages: 1G" "^1048576KiB: " "$T_TMP/free.txt"

# --- 3. pages at runtime ---------------------------------------------------------------------
echo $((ORIG2 + 64)) >$HS/hugepages-2048kB/nr_hugepages
GOT2=$(($(cat $HS/hugepages-2048kB/nr_hugepages) - ORIG2))
t_eq "64 2M pages allocated at runtime" 64 "$GOT2"
GOT1=0
if [ "$ORIG1" != none ]; then
	echo $((ORIG1 + 1)) >$HS/hugepages-1048576kB/nr_hugepages 2>/dev/null
	GOT1=$(($(cat $HS/hugepages-1048576kB/nr_hugepages) - ORIG1))
fi

# domain NAME MiB PAGE_KIB [transient]: a TCG guest, no disk, on huge pages of that size
# (defined, unless transient)
domain() {
	cat >"$T_TMP/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>$2</memory>
  <memoryBacking><hugepages><page size='$3' unit='KiB'/></hugepages></memoryBacking>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>$(command -v qemu-system-x86_64)</emulator></devices>
</domain>
XML
	[ "${4:-}" = transient ] || vsh define "$T_TMP/$1.xml" >/dev/null
}
# status inside the namespace (it sees libvirt's /run/libvirt), on this host's pools, with the
# plan's configuration
st() { # NAME
	in_ns "$HP" status --json --config "$R/etc/hugeplan" >"$T_TMP/$1.json" 2>"$T_TMP/$1.err"
}
jv() { python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(json.dumps(eval(sys.argv[2])))' "$1" "$2" 2>&1; }
libvirt_free() { # KIB: virsh freepages of that size, node 0 (libvirt's own answer)
	vsh freepages --cellno 0 --pagesize "$1" | sed -n "s/^$1KiB: *//p"
}

# --- 4. a planned domain on 2M, then an unplanned one, one QEMU at a time ----------------------
domain small2m 128 2048
if vsh start small2m >"$T_TMP/start.log" 2>&1; then
	t_ok "small2m (128 MiB on 2M, planned) starts on pages allocated at runtime"
else
	t_fail "small2m (128 MiB on 2M, planned) starts on pages allocated at runtime" "$(cat "$T_TMP/start.log")"
fi
pid=$(in_ns cat /run/libvirt/qemu/small2m.pid)
# what hugeplan's test of a recorded pid relies on (core/libvirtqemu.h), as this libvirt does it
in_ns cat /run/libvirt/qemu/small2m.xml >"$T_TMP/small2m-status.xml"
t_eq "libvirt's status file records the pid file's pid and the emulator /proc/PID/exe runs" \
	"$pid $(readlink /proc/"$pid"/exe)" \
	"$(python3 -c 'import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
print(r.get("pid"), r.find("domain/devices/emulator").text)' "$T_TMP/small2m-status.xml")"
t_eq "libvirt starts QEMU with -name guest=small2m,debug-threads=on and no -pidfile" \
	"guest=small2m,debug-threads=on none" \
	"$(tr '\0' '\n' </proc/"$pid"/cmdline | sed -n '/^-name$/{n;p;}') $(tr '\0' '\n' </proc/"$pid"/cmdline | grep -c '^-pidfile$' | sed 's/^0$/none/')"
st planned
t_eq "status names small2m, planned, with its QEMU's pid" "[\"small2m\", $pid, true]" \
	"$(jv "$T_TMP/planned.json" '[[g["name"], g["pid"], g["planned"]] for g in r["guests"]][0]')"
t_eq "status: small2m maps 64 2M pages on node 0 (128 MiB / 2 MiB)" "[[2048, 0, 64]]" \
	"$(jv "$T_TMP/planned.json" '[[p["page_size_kb"], p["node"], p["pages"]] for p in r["guests"][0]["pages"]]')"
t_eq "status: the free 2M remainder is libvirt's (virsh freepages)" "$(libvirt_free 2048)" \
	"$(jv "$T_TMP/planned.json" '[u["nodes"][0]["free"] for u in r["usage"] if u["page_size_kb"] == 2048][0]')"
t_eq "status: small2m backed by what it maps" "[64, 0]" \
	"$(jv "$T_TMP/planned.json" '[[v["backed"], v["short_pages"]] for v in r["vms"] if v["name"] == "small2m"][0]')"
in_ns "$HP" status --config "$R/etc/hugeplan" >"$T_TMP/planned.txt" 2>&1
t_grep "status (text): small2m running, planned" "^small2m +$pid +libvirt +yes +2M 0:64\$" "$T_TMP/planned.txt"
vsh destroy small2m >/dev/null 2>&1

# transient (virsh create): libvirt keeps no definition of it, so no source plans it
domain intruder 128 2048 transient
if vsh create "$T_TMP/intruder.xml" >"$T_TMP/start.log" 2>&1; then
	t_ok "intruder (unplanned, 128 MiB on 2M) starts"
else
	t_fail "intruder (unplanned, 128 MiB on 2M) starts" "$(cat "$T_TMP/start.log")"
fi
pid=$(in_ns cat /run/libvirt/qemu/intruder.pid)
st unplanned
t_eq "status names intruder as no planned VM, 64 2M pages on node 0" \
	"[\"intruder\", $pid, false, [[2048, 0, 64]]]" \
	"$(jv "$T_TMP/unplanned.json" '[[g["name"], g["pid"], g["planned"], [[p["page_size_kb"], p["node"], p["pages"]] for p in g["pages"]]] for g in r["guests"]][0]')"
t_grep "status says intruder is no planned VM" "intruder \(pid $pid\) is no planned VM and runs on 64 2M pages of the pool" \
	"$T_TMP/unplanned.json"
t_eq "status: small2m, not running, is short of the 64 pages intruder took" "64" \
	"$(jv "$T_TMP/unplanned.json" '[v["short_pages"] for v in r["vms"] if v["name"] == "small2m"][0]')"
# small2m's files left behind by a libvirtd that crashed, its pid now intruder's QEMU (the same
# binary): small2m is not running, intruder's pages are not small2m's
# shellcheck disable=SC2016 # the inner shell's $1
in_ns sh -c 'printf %s "$1" >/run/libvirt/qemu/small2m.pid &&
	sed "s|<name>intruder</name>|<name>small2m</name>|" /run/libvirt/qemu/intruder.xml >/run/libvirt/qemu/small2m.xml' sh "$pid"
st reused
t_eq "a pid file naming another domain's QEMU: only intruder runs" '[["intruder", '"$pid"']]' \
	"$(jv "$T_TMP/reused.json" '[[g["name"], g["pid"]] for g in r["guests"]]')"
in_ns rm -f /run/libvirt/qemu/small2m.pid /run/libvirt/qemu/small2m.xml
vsh destroy intruder >/dev/null 2>&1

# a domain whose name XML escapes: libvirt's pid file is q&amp;a.pid, its status file q&a.xml
domain qa 128 2048 transient
sed -i 's|<name>qa</name>|<name>q\&amp;a</name>|' "$T_TMP/qa.xml"
if vsh create "$T_TMP/qa.xml" >"$T_TMP/start.log" 2>&1; then
	t_ok "q&a (unplanned, 128 MiB on 2M) starts"
else
	t_fail "q&a (unplanned, 128 MiB on 2M) starts" "$(cat "$T_TMP/start.log")"
fi
t_eq "libvirt names the pid file by the name escaped for XML, the status file by the name" \
	"q&a.xml q&amp;a.pid" \
	"$(in_ns sh -c 'cd /run/libvirt/qemu && ls -d q*.xml q*.pid' | tr '\n' ' ' | sed 's/ $//')"
pid=$(in_ns cat '/run/libvirt/qemu/q&amp;a.pid')
st qa
t_eq "status names q&a with its QEMU's pid" '[["q&a", '"$pid"']]' \
	"$(jv "$T_TMP/qa.json" '[[g["name"], g["pid"]] for g in r["guests"]]')"
vsh destroy 'q&a' >/dev/null 2>&1

# --- 5. a 1G domain, where the machine gave a 1G page -------------------------------------------
if [ "$GOT1" -ge 1 ]; then
	domain small1g 1024 1048576
	if vsh start small1g >"$T_TMP/start.log" 2>&1; then
		t_ok "small1g (1 GiB on 1G, planned) starts on the page allocated at runtime"
	else
		t_fail "small1g (1 GiB on 1G, planned) starts on the page allocated at runtime" "$(cat "$T_TMP/start.log")"
	fi
	st gb
	t_eq "status: small1g maps the 1G page on node 0" "[[1048576, 0, 1]]" \
		"$(jv "$T_TMP/gb.json" '[[p["page_size_kb"], p["node"], p["pages"]] for g in r["guests"] if g["name"] == "small1g" for p in g["pages"]]')"
	t_eq "status: 1G free is libvirt's (virsh freepages)" "$(libvirt_free 1048576)" \
		"$(jv "$T_TMP/gb.json" '[u["nodes"][0]["free"] for u in r["usage"] if u["page_size_kb"] == 1048576][0]')"
	vsh destroy small1g >/dev/null 2>&1
else
	t_skip "a 1G domain" "this machine gave no 1G page at runtime"
fi
stop_all
t_eq "the host's 2M count is put back" "$ORIG2" "$(cat $HS/hugepages-2048kB/nr_hugepages)"
t_done
