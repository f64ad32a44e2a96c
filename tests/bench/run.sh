#!/bin/sh
# make bench: what hugeplan costs, measured side by side on this machine in one run.
# A benchmark, not a test: it reports and exits 0 unless it could not measure at all. Not part
# of make check. RUNS (default 31) sets the runs per measurement; BENCH_BOOT=0 skips the boot.
#
# Parts 1 and 3 time hugeplan-generator and hugeplan-verify twice on each fixture: as they run
# at boot, and in their rooted test mode. At boot neither has a root (no HUGEPLAN_ROOT, no
# --root); rooted, every path is resolved inside the root (openat2 RESOLVE_IN_ROOT), each file
# is looked at before it is opened and the generator walks StrictModes over every directory
# above the root: work no boot does. So the goals are on the runs as at boot: boot-ns.sh binds
# the fixture's files where the programs read them (/proc/cmdline, sysfs's hugepage and node
# directories, /dev/kmsg as a file, /etc/hugeplan, /etc/fstab, ...) in a private mount
# namespace with a tmpfs on /run, and bench-spawn runs both compared commands there. Before
# timing, each case runs once each way and the two must agree (the generator's tree and log,
# the verifier's exit status, output, report and kernel log line) or the line says "could not
# measure"; without a mount namespace (not root) it says "not measured". The rooted lines are
# printed with their ratio, without a goal.
# 1. hugeplan-generator with a 1,000-VM configuration against systemd-fstab-generator, both
#    started the same way (fork + exec, fresh output directories) in alternating order; goal
#    at most 0.25x (issue 20) in every case, as at boot: the usual boot (a pool on the command
#    line), no pool but apply's plan recorded (a boot without it), and what once was the
#    worst case (no pool, no plan applied, 999 disabled VMs before the one enabled: the
#    generator decides from the command line and apply's state and reads none of them).
# 2. The planner for 1,000 / 10,000 / 100,000 VMs over 8 nodes, in process; goal 100,000 in
#    under 100 ms, growing linearly.
# 3. The early-boot verifier: in the guest, through the boot harness of tests/boot (one boot
#    under QEMU), and on this host on the real NUMA capture and a met boot's against a
#    trivial exec (cat /dev/null); goal at most 1.0x, as at boot.
# 4. Sources (issue 14): hugeplan plan over N libvirt domains (the XML libvirt keeps, as it
#    wrote examples/libvirt) against hugeplan plan over the same N VMs as vms.d files, both as
#    processes, side by side, N = 100, 1,000 and BENCH_SOURCES_MAX (default 5,000); goal at
#    most 3x, growing linearly (the time per 1,000 VMs is printed for each N). And the
#    generator on a libvirt host with 1,000 domains defined, after apply (1 d, e): its
#    ratio to systemd-fstab-generator must stay what 1 a, b give (it never reads the XML).
# 5. Dynamic huge pages on a fragmented host, in a guest (frag.sh): pages obtained and time
#    taken by hugeplan vm start without (--wait 0) and with its compaction step.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
: "${B:=build}"
case $B in /*) ;; *) B=$TOP/$B ;; esac
: "${RUNS:=31}"
FSTAB_GEN=/lib/systemd/system-generators/systemd-fstab-generator
T=$(mktemp -d "${TMPDIR:-/tmp}/hugeplan-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT

echo "hugeplan bench: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each"
echo

# the summary at the end: one line per ratio, from bench-spawn's "paired ratio"; the goals are
# on the runs as at boot ($SUMMARY), the rooted test mode's lines are information ($SUMMARY_ROOTED)
SUMMARY=$T/summary
SUMMARY_ROOTED=$T/summary-rooted
: >"$SUMMARY"
: >"$SUMMARY_ROOTED"
summarize() { # TITLE GOAL FILE [SUMMARY-FILE]: the median of the paired runs, their range, within the goal?
	awk -v t="$1" -v g="$2" '/^ *paired ratio / {
		m = $0; sub(/.*median /, "", m); sub(/x,.*/, "", m)
		lo = $0; sub(/.*min /, "", lo); sub(/x,.*/, "", lo)
		hi = $0; sub(/.*max /, "", hi); sub(/x .*/, "", hi)
		if (g == "none")
			printf "  %-72s %5.2fx (%.2f-%.2f)  goal: none (test mode)\n", t, m, lo, hi
		else
			printf "  %-72s %5.2fx (%.2f-%.2f)  goal <= %.2fx: %s\n", t, m, lo, hi, g, (m + 0 <= g + 0 ? "met" : "NOT MET")
		found = 1 }
		END { if (!found) printf "  %-72s not measured\n", t }' "$3" >>"${4:-$SUMMARY}"
}
unmeasured() { # TITLE WHY [SUMMARY-FILE]
	printf '  %-72s %s\n' "$1" "$2" >>"${3:-$SUMMARY}"
}

# the runs as at boot (the header says why the goals are there): can this machine make them?
BOOT_NS=$TOP/tests/bench/boot-ns.sh
mkdir "$T/probe-root"
if ns_why=$(sh "$BOOT_NS" "$T/probe-root" -- true 2>&1); then
	boot_ns=1
else
	boot_ns=0
	ns_why=$(echo "$ns_why" | tail -n 1 | sed "s/^boot-ns.sh: //")
	echo "As at boot: not measured ($ns_why): the rooted test mode only"
	echo
fi

# --- 1. generator -----------------------------------------------------------------------------
root=$T/root
cp -a tests/fixtures/two-node-16g-32g "$root"
mkdir -p "$root/etc/hugeplan/vms.d"
printf '[Host]\nReserveMemory=6G\nStrict=yes\n' >"$root/etc/hugeplan/hugeplan.conf"
i=0
while [ $i -lt 1000 ]; do
	n=$(printf '%04d' $i)
	case $((i % 4)) in
	0) printf '[VM]\nMemory=%dG\nPageSize=1G\nNode=%d\n' $((i % 8 + 1)) $((i % 2)) ;;
	1) printf '[VM]\nMemory=%dG\nPageSize=1G\n' $((i % 8 + 1)) ;;
	*) printf '[VM]\n# a web tier\nMemory=%dM\nPageSize=2M\nInstances=%d\n' $(((i % 16 + 1) * 512)) $((i % 3 + 1)) ;;
	esac >"$root/etc/hugeplan/vms.d/vm$n.conf"
	i=$((i + 1))
done
# a typical fstab for systemd-fstab-generator, in the root: hugeplan-generator reads it too
# (an fstab line wins over its mount unit); rooted, SYSTEMD_FSTAB (systemd's test hook)
# points systemd-fstab-generator at it, at boot it is /etc/fstab
mkdir -p "$root/etc"
cat >"$root/etc/fstab" <<'EOF'
UUID=6d0c1b3e-2a4f-4c1e-9a57-0d3f1f0e9b21 /         ext4 errors=remount-ro 0 1
UUID=7A1B-2C3D                            /boot/efi vfat umask=0077        0 1
UUID=1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b /var      ext4 defaults,noatime  0 2
UUID=0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9 none      swap sw                0 0
EOF
POOL="BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro default_hugepagesz=1G hugepagesz=2M hugepages=0:1287,1:1785 hugepagesz=1G hugepages=0:4,1:14 hugeplan.plan=a99e9cbc0d109ac4"
NOPOOL="BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro quiet"

# gen_same: the generator as at boot (in boot-ns.sh's namespace) writes what it writes rooted
# on the same root, and logs the same at debug level (its decision: the number of units);
# prints the difference and returns 1 when not. Case c writes nothing and decides the same
# on this host's own files: there boot-ns.sh's own check (each place shows the fixture's
# file) is what proves the namespace right.
gen_same() {
	rm -rf "$T/same-r" "$T/same-b"
	mkdir "$T/same-r" "$T/same-b"
	env -u SYSTEMD_SCOPE SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console HUGEPLAN_ROOT="$root" \
		"$B/hugeplan-generator" "$T/same-r" "$T/same-r" "$T/same-r" >"$T/same-r.log" 2>&1
	rr=$?
	sh "$BOOT_NS" "$root" -- env -u SYSTEMD_SCOPE -u HUGEPLAN_ROOT SYSTEMD_LOG_LEVEL=debug \
		SYSTEMD_LOG_TARGET=console "$B/hugeplan-generator" "$T/same-b" "$T/same-b" "$T/same-b" \
		>"$T/same-b.log" 2>&1
	rb=$?
	if [ "$rr" != "$rb" ]; then
		echo "  as at boot: exit status $rb, rooted $rr"
		sed 's/^/    /' "$T/same-b.log"
		return 1
	fi
	if ! diff -r --no-dereference "$T/same-r" "$T/same-b" >"$T/same.diff" 2>&1 ||
		! diff "$T/same-r.log" "$T/same-b.log" >>"$T/same.diff" 2>&1; then
		echo "  as at boot, the generator's tree or log differs from the rooted run's:"
		sed 's/^/    /' "$T/same.diff"
		return 1
	fi
	echo "  as at boot and rooted: the same tree ($(find "$T/same-b" -type f | wc -l) files) and log, exit $rb"
}
gen_bench() { # TITLE SUMMARY-TITLE
	echo "$1"
	if [ "$boot_ns" = 1 ]; then
		if gen_same; then
			echo "  as at boot (no HUGEPLAN_ROOT, the fixture bound in place by boot-ns.sh):"
			sh "$BOOT_NS" "$root" -- env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL -u SYSTEMD_FSTAB \
				-u HUGEPLAN_ROOT "$B/bench/bench-spawn" "$RUNS" hugeplan-generator \
				systemd-fstab-generator -- "$B/hugeplan-generator" @OUT@ @OUT@ @OUT@ \
				-- "$FSTAB_GEN" @OUT@ @OUT@ @OUT@ >"$T/gen.out" || echo "  (could not measure)"
			cat "$T/gen.out"
			summarize "generator / systemd-fstab-generator, $2" 0.25 "$T/gen.out"
		else
			unmeasured "generator / systemd-fstab-generator, $2" "could not measure (not as rooted)"
		fi
	else
		unmeasured "generator / systemd-fstab-generator, $2" "not measured ($ns_why)"
	fi
	echo "  rooted (HUGEPLAN_ROOT, the test mode; no goal):"
	env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL HUGEPLAN_ROOT="$root" SYSTEMD_FSTAB="$root/etc/fstab" \
		"$B/bench/bench-spawn" "$RUNS" hugeplan-generator systemd-fstab-generator \
		-- "$B/hugeplan-generator" @OUT@ @OUT@ @OUT@ -- "$FSTAB_GEN" @OUT@ @OUT@ @OUT@ \
		>"$T/gen.out" || echo "  (could not measure)"
	cat "$T/gen.out"
	summarize "generator / systemd-fstab-generator, $2" none "$T/gen.out" "$SUMMARY_ROOTED"
}
# what apply records (its head): the plan of the POOL line
STATE="# Generated by hugeplan apply: what it applied, for hugeplan remove and status.
format=1
bootloader=grub
file=/etc/default/grub.d/99-hugeplan.cfg
tokens=default_hugepagesz=1G hugepagesz=2M hugepages=0:1287,1:1785 hugepagesz=1G hugepages=0:4,1:14 hugeplan.plan=a99e9cbc0d109ac4
plan=a99e9cbc0d109ac4
summary=bench
applied=2026-12-01T00:00:00Z
update=done
update_note=update-grub
created_file=no"
echo "1. Generator wall time, 1,000 VM files (goal: at most 0.25x systemd-fstab-generator)"
if [ -x "$FSTAB_GEN" ]; then
	echo "$POOL" >"$root/proc/cmdline"
	gen_bench " a) a pool on the command line (every boot after apply)" "a) a pool"
	echo "$NOPOOL" >"$root/proc/cmdline"
	mkdir -p "$root/var/lib/hugeplan"
	echo "$STATE" >"$root/var/lib/hugeplan/applied"
	gen_bench " b) no pool, apply's plan recorded (a boot without it): the state read, no VM" \
		"b) no pool, apply's plan recorded"
	rm -r "$root/var/lib/hugeplan"
	for f in "$root"/etc/hugeplan/vms.d/vm0*.conf; do echo 'Enabled=no' >>"$f"; done
	sed -i '/^Enabled=no$/d' "$root/etc/hugeplan/vms.d/vm0999.conf"
	gen_bench " c) no pool, nothing applied, 999 disabled VMs before the enabled one (none read)" \
		"c) no pool, 999 disabled VMs first"
	# a libvirt host after apply: no vms.d, 1,000 domains, apply's state with their records
	mv "$root/etc/hugeplan/vms.d" "$T/vms.d-gen"
	mkdir -p "$root/etc/libvirt/qemu" "$root/var/lib/hugeplan"
	python3 - "$TOP/examples/libvirt/etc/libvirt/qemu" "$root" 1000 <<'EOF'
import os, sys
src, root, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
tpl = sorted(f for f in os.listdir(src) if f.endswith(".xml"))
texts = [open(os.path.join(src, f)).read() for f in tpl]
state = ["# Generated by hugeplan apply: what it applied, for hugeplan remove and status.",
         "format=1", "bootloader=grub", "file=/etc/default/grub.d/99-hugeplan.cfg",
         "tokens=default_hugepagesz=1G hugepagesz=2M hugepages=0:1287,1:1785 hugepagesz=1G hugepages=0:4,1:14 hugeplan.plan=a99e9cbc0d109ac4",
         "plan=a99e9cbc0d109ac4", "summary=bench", "applied=2026-12-01T00:00:00Z",
         "update=done", "update_note=update-grub", "created_file=no"]
for i in range(n):
    t, name = texts[i % len(texts)], tpl[i % len(tpl)][:-4]
    new = "%s-%04d" % (name, i)
    x = t.replace("<name>%s</name>" % name, "<name>%s</name>" % new)
    x = x.replace("virsh edit %s" % name, "virsh edit %s" % new).replace("/%s.qcow2" % name, "/%s.qcow2" % new)
    x = x.replace("0a1b2c3d4e0", "%011x" % i, 1)
    open(os.path.join(root, "etc/libvirt/qemu", new + ".xml"), "w").write(x)
    state.append("vm=%s libvirt 1048576:0:64 /etc/libvirt/qemu/%s.xml" % (new, new))
open(os.path.join(root, "var/lib/hugeplan/applied"), "w").write("\n".join(state) + "\n")
EOF
	echo "$POOL" >"$root/proc/cmdline"
	gen_bench " d) a libvirt host after apply, a pool: 1,000 domains in /etc/libvirt/qemu, no vms.d" \
		"d) 1,000 libvirt domains, a pool"
	echo "$NOPOOL" >"$root/proc/cmdline"
	gen_bench " e) the same between apply and the reboot (no pool yet): apply's state read (its head)" \
		"e) 1,000 libvirt domains, no pool"
	rm -rf "${root:?}/etc/libvirt" "${root:?}/var/lib/hugeplan"
	mv "$T/vms.d-gen" "$root/etc/hugeplan/vms.d"
else
	echo "  $FSTAB_GEN is missing (package systemd): not measured"
fi
echo

# --- 2. planner -------------------------------------------------------------------------------
echo "2. Planner, in process (goal: 100,000 VMs in under 100 ms, growing linearly)"
"$B/bench/bench-plan" 11 || echo "  (could not measure)"
echo

# --- 3. verifier ------------------------------------------------------------------------------
echo "3. Early-boot verifier (issue 4's goal: under 2 ms in the guest)"
if [ -x "$B/hugeplan-verify" ]; then
	# its report goes to /run, a tmpfs: the copy goes to one too, or the disk is timed
	v=$(mktemp -d "${BENCH_OUTDIR:-/dev/shm}/hugeplan-bench.XXXXXX" 2>/dev/null || mktemp -d)
	# verify_same: hugeplan-verify as at boot (no --root, in boot-ns.sh's namespace) does what
	# it does rooted on the same capture: its exit status, its output, its report (but for
	# elapsed_us, its own run time: the report never names the root) and the line it appends
	# to the kernel log; prints the difference and returns 1 when not
	verify_same() {
		for m in r b; do
			rm -rf "$v/run/hugeplan" && cp "$T/kmsg" "$v/dev/kmsg" || return 1
			if [ $m = r ]; then
				"$B/hugeplan-verify" --root "$v" >"$T/vs-r.out" 2>&1
				echo $? >"$T/vs-r.rc"
				cp "$v/run/hugeplan/boot-report.json" "$T/vs-r.json" 2>/dev/null
			else
				# only where /dev/kmsg is the capture, never on the host's kernel log and /run
				# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
				sh "$BOOT_NS" "$v" -- sh -c 'test -f /dev/kmsg || exit 1
					"$1" >"$2.out" 2>&1; echo $? >"$2.rc"
					cp /run/hugeplan/boot-report.json "$2.json" 2>/dev/null; exit 0' \
					sh "$B/hugeplan-verify" "$T/vs-b" 2>"$T/vs-b.ns" || {
					echo "   as at boot: no namespace, or /dev/kmsg in it is not the capture"
					sed 's/^/     /' "$T/vs-b.ns"
					return 1
				}
			fi
			tail -n 1 "$v/dev/kmsg" >"$T/vs-$m.kmsg"
			grep -v '"elapsed_us":' "$T/vs-$m.json" >"$T/vs-$m.report" 2>/dev/null
		done
		rm -rf "$v/run/hugeplan" && cp "$T/kmsg" "$v/dev/kmsg"
		: >"$T/vs.diff"
		for f in rc out report kmsg; do
			diff "$T/vs-r.$f" "$T/vs-b.$f" >>"$T/vs.diff" 2>&1
		done
		if [ -s "$T/vs.diff" ] || [ ! -s "$T/vs-b.report" ]; then
			echo "   as at boot, hugeplan-verify's exit status, output, report or log line differs from the rooted run's:"
			sed 's/^/     /' "$T/vs.diff"
			return 1
		fi
		echo "   as at boot and rooted: exit $(cat "$T/vs-b.rc"), the same output, report and kernel log line"
	}
	# verify_bench CAPTURE TITLE SUMMARY-TITLE: each run as at boot, into an empty /run and
	# the kernel log as captured (a run appends its line to the capture and leaves its report
	# for the next one to find); cat with Debian's default locale, whatever the caller's (its
	# setlocale() work depends on it: with LANG unset cat is about a tenth cheaper). As at
	# boot the capture's /dev/kmsg is a regular file bound on /dev/kmsg (BENCH_RESET copies
	# the capture back only onto a regular file, never into the real kernel log)
	verify_bench() {
		rm -rf "${v:?}"/* && cp -a "tests/fixtures/$1/." "$v/" && cp "$v/dev/kmsg" "$T/kmsg"
		echo "$2"
		t="hugeplan-verify / cat /dev/null, $3"
		if [ "$boot_ns" = 1 ]; then
			if verify_same; then
				echo "   as at boot (no --root, the capture bound in place by boot-ns.sh):"
				sh "$BOOT_NS" "$v" -- env -u LC_ALL -u LANGUAGE LANG=C.UTF-8 \
					BENCH_RESET="rm -rf /run/hugeplan && test -f /dev/kmsg && cp '$T/kmsg' /dev/kmsg" \
					"$B/bench/bench-spawn" "$RUNS" hugeplan-verify "cat /dev/null" \
					-- "$B/hugeplan-verify" -- /bin/cat /dev/null >"$T/verify.out" ||
					echo "  (could not measure)"
				sed 's/^/ /' "$T/verify.out"
				summarize "$t" 1.0 "$T/verify.out"
			else
				unmeasured "$t" "could not measure (not as rooted)"
			fi
		else
			unmeasured "$t" "not measured ($ns_why)"
		fi
		echo "   rooted (--root, the test mode; no goal):"
		env -u LC_ALL -u LANGUAGE LANG=C.UTF-8 \
			BENCH_RESET="rm -rf '$v/run/hugeplan' && cp '$T/kmsg' '$v/dev/kmsg'" \
			"$B/bench/bench-spawn" "$RUNS" hugeplan-verify "cat /dev/null" \
			-- "$B/hugeplan-verify" --root "$v" -- /bin/cat /dev/null >"$T/verify.out" ||
			echo "  (could not measure)"
		sed 's/^/ /' "$T/verify.out"
		summarize "$t" none "$T/verify.out" "$SUMMARY_ROOTED"
	}
	verify_bench qemu-numa-1g2g \
		" a) this host, the real NUMA capture (tests/fixtures/qemu-numa-1g2g, 1 GiB short), against cat /dev/null" \
		"a) the short capture"
	verify_bench qemu-1node-3g \
		" b) the same for a boot that met its pools (tests/fixtures/qemu-1node-3g: the kernel log is not read)" \
		"b) a boot that met its pools"
	if [ "${BENCH_BOOT:-1}" = 0 ]; then
		echo " c) in the guest: skipped (BENCH_BOOT=0)"
	else
		echo " c) in the guest: one boot of tests/boot's harness (Debian cloud kernel, QEMU TCG, 3 GiB)"
		B=$B sh tests/bench/boot.sh 2>&1 | sed 's/^/    /'
	fi
	rm -rf "$v"
else
	echo "  pending: build/hugeplan-verify is not built (the early-boot branch)"
fi
echo

# --- 4. sources -------------------------------------------------------------------------------
# examples/host's facts, its nodes made large enough for 5,000 VMs (128 TiB each); the VMs
# are examples/libvirt's six domains over and over (names, UUIDs, disks renamed), and as vms.d
# files the same VMs: each domain's pages in Memory=, PageSize=, Node= (cells and interleave
# over both nodes are an even split there), win-desktop as Enabled=no; DefaultPageSize=2M in
# both, so that both plans are the same (checked, and said).
echo "4. Sources: plan over N libvirt domain XMLs vs the same N VMs as vms.d files (goal: at most 3x, linear)"
mk_src_roots() { # N
	for k in lv files; do
		rm -rf "$T/src-$k"
		cp -a examples/host "$T/src-$k"
		sed -i 's/^MemTotal: .*/MemTotal:       274877906944 kB/' "$T/src-$k/proc/meminfo"
		for m in "$T/src-$k"/sys/devices/system/node/node*/meminfo; do
			sed -i 's/MemTotal: .*/MemTotal:       137438953472 kB/' "$m"
		done
	done
	mkdir -p "$T/src-lv/etc/libvirt/qemu" "$T/src-files/etc/hugeplan/vms.d" "$T/src-lv/etc/hugeplan"
	# a bare <hugepages/> is the boot's default size, and the plan keeps it: the same for both
	for k in lv files; do printf '[Host]\nDefaultPageSize=2M\n' >"$T/src-$k/etc/hugeplan/hugeplan.conf"; done
	python3 - "$TOP/examples/libvirt/etc/libvirt/qemu" "$T" "$1" <<'EOF'
import os, sys
src, t, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
vmsd = {
    "analytics": "Memory=96G\nPageSize=1G\nNode=0,1\n",
    "cache": "Memory=4G\nPageSize=2M\nNode=0,1\n",
    "db1": "Memory=64G\nPageSize=1G\nNode=0\n",
    "web1": "Memory=8G\nPageSize=2M\n",
    "web2": "Memory=8G\nPageSize=2M\n",
    "win-desktop": "Memory=16G\nEnabled=no\n",
}
tpl = sorted(f[:-4] for f in os.listdir(src) if f.endswith(".xml"))
assert sorted(vmsd) == tpl, tpl
texts = {f: open(os.path.join(src, f + ".xml")).read() for f in tpl}
for i in range(n):
    name = tpl[i % len(tpl)]
    new = "%s-%04d" % (name, i)
    x = texts[name].replace("<name>%s</name>" % name, "<name>%s</name>" % new)
    x = x.replace("virsh edit %s" % name, "virsh edit %s" % new).replace("/%s.qcow2" % name, "/%s.qcow2" % new)
    x = x.replace("0a1b2c3d4e0", "%011x" % i, 1)
    open(os.path.join(t, "src-lv/etc/libvirt/qemu", new + ".xml"), "w").write(x)
    open(os.path.join(t, "src-files/etc/hugeplan/vms.d", new + ".conf"), "w").write("[VM]\n" + vmsd[name])
EOF
}
for n in 100 1000 "${BENCH_SOURCES_MAX:-5000}"; do
	mk_src_roots "$n"
	"$B/hugeplan" plan --json --root "$T/src-lv" >"$T/src-lv.json" 2>&1
	"$B/hugeplan" plan --json --root "$T/src-files" >"$T/src-files.json" 2>&1
	same=$(python3 -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
print("the same plan" if a["kernel_args"] == b["kernel_args"] and a["feasible"] else "DIFFERENT PLANS: %s / %s" % (a.get("kernel_args"), b.get("kernel_args")))' \
		"$T/src-lv.json" "$T/src-files.json" 2>&1)
	echo " N = $n ($same)"
	"$B/bench/bench-spawn" "$RUNS" "plan, $n libvirt domains" "plan, $n vms.d files" \
		-- "$B/hugeplan" plan --root "$T/src-lv" -- "$B/hugeplan" plan --root "$T/src-files" |
		tee "$T/src-$n.txt" || echo "  (could not measure)"
	# per 1,000 VMs, for the growth: the wall medians, then the CPU medians
	awk -v n="$n" '
	/^  plan, .* median / {
		ms = $0; sub(/.* median +/, "", ms); sub(/ ms.*/, "", ms); w[++nw] = ms * 1000 / n }
	/^  CPU time/ {
		split($0, f, "median "); for (i = 2; i <= 3; i++) { ms = f[i]; sub(/ ms.*/, "", ms); c[i - 1] = ms * 1000 / n } }
	END { printf "  per 1,000 VMs: libvirt %.1f ms, vms.d %.1f ms (wall); libvirt %.1f ms, vms.d %.1f ms (CPU)\n", w[1], w[2], c[1], c[2] }' \
		"$T/src-$n.txt"
done

echo

# --- 5. dynamic pages after fragmentation ----------------------------------------------------
echo "5. Dynamic 2M pages on a fragmented guest, without and with hugeplan's compaction step"
if [ "${BENCH_BOOT:-1}" = 0 ]; then
	echo "  skipped (BENCH_BOOT=0)"
else
	B=$B sh tests/bench/frag.sh 2>&1 | sed 's/^/  /'
fi

echo

echo "Summary: median of the paired runs (least-greatest), load $(cut -d' ' -f1-3 /proc/loadavg) now"
echo " as at boot (no root; the goals):"
cat "$SUMMARY"
echo " rooted (HUGEPLAN_ROOT, --root: the test mode, for information):"
cat "$SUMMARY_ROOTED"
