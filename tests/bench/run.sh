#!/bin/sh
# make bench: what hugeplan costs, measured side by side on this machine in one run.
# A benchmark, not a test: it reports and exits 0 unless it could not measure at all. Not part
# of make check. RUNS (default 31) sets the runs per measurement; BENCH_BOOT=0 skips the boot.
#
# 1. hugeplan-generator with a 1,000-VM configuration against systemd-fstab-generator, both
#    started the same way (fork + exec, fresh output directories) in alternating order; goal
#    at most 0.3x. Three configurations: the usual boot (a pool on the command line: the VMs
#    are not read), no pool (vms.d listed, the first VM read), and the worst case (no pool,
#    999 disabled VMs before the one enabled: every file read).
# 2. The planner for 1,000 / 10,000 / 100,000 VMs over 8 nodes, in process; goal 100,000 in
#    under 100 ms, growing linearly.
# 3. The early-boot verifier: in the guest, through the boot harness of tests/boot (one boot
#    under QEMU), and on this host on the real NUMA capture against a trivial exec.
# 4. Dynamic huge pages on a fragmented host, in a guest (frag.sh): pages obtained and time
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
# a typical fstab for systemd-fstab-generator (SYSTEMD_FSTAB is its test hook)
cat >"$T/fstab" <<'EOF'
UUID=6d0c1b3e-2a4f-4c1e-9a57-0d3f1f0e9b21 /         ext4 errors=remount-ro 0 1
UUID=7A1B-2C3D                            /boot/efi vfat umask=0077        0 1
UUID=1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b /var      ext4 defaults,noatime  0 2
UUID=0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9 none      swap sw                0 0
EOF
POOL="BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro default_hugepagesz=1G hugepagesz=2M hugepages=0:1287,1:1785 hugepagesz=1G hugepages=0:4,1:14 hugeplan.plan=a99e9cbc0d109ac4"
NOPOOL="BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro quiet"

gen_bench() { # TITLE
	echo "$1"
	env -u SYSTEMD_SCOPE -u SYSTEMD_LOG_LEVEL HUGEPLAN_ROOT="$root" SYSTEMD_FSTAB="$T/fstab" \
		"$B/bench/bench-spawn" "$RUNS" hugeplan-generator systemd-fstab-generator \
		-- "$B/hugeplan-generator" @OUT@ @OUT@ @OUT@ -- "$FSTAB_GEN" @OUT@ @OUT@ @OUT@ ||
		echo "  (could not measure)"
}
echo "1. Generator wall time, 1,000 VM files (goal: at most 0.3x systemd-fstab-generator)"
if [ -x "$FSTAB_GEN" ]; then
	echo "$POOL" >"$root/proc/cmdline"
	gen_bench " a) a pool on the command line (every boot after apply): the VMs are not read"
	echo "$NOPOOL" >"$root/proc/cmdline"
	gen_bench " b) no pool: vms.d listed, up to the first enabled VM read"
	for f in "$root"/etc/hugeplan/vms.d/vm0*.conf; do echo 'Enabled=no' >>"$f"; done
	sed -i '/^Enabled=no$/d' "$root/etc/hugeplan/vms.d/vm0999.conf"
	gen_bench " c) no pool, 999 disabled VMs before the enabled one: all 1,000 files read"
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
	cp -a tests/fixtures/qemu-numa-1g2g/. "$v/"
	echo " a) this host, the real NUMA capture (tests/fixtures/qemu-numa-1g2g), against cat /dev/null"
	"$B/bench/bench-spawn" "$RUNS" hugeplan-verify "cat /dev/null" \
		-- "$B/hugeplan-verify" --root "$v" -- /bin/cat /dev/null |
		sed 's/^/ /' || echo "  (could not measure)"
	if [ "${BENCH_BOOT:-1}" = 0 ]; then
		echo " b) in the guest: skipped (BENCH_BOOT=0)"
	else
		echo " b) in the guest: one boot of tests/boot's harness (Debian cloud kernel, QEMU TCG, 3 GiB)"
		B=$B sh tests/bench/boot.sh 2>&1 | sed 's/^/    /'
	fi
	rm -rf "$v"
else
	echo "  pending: build/hugeplan-verify is not built (the early-boot branch)"
fi

# --- 4. dynamic pages after fragmentation ----------------------------------------------------
echo
echo "4. Dynamic 2M pages on a fragmented guest, without and with hugeplan's compaction step"
if [ "${BENCH_BOOT:-1}" = 0 ]; then
	echo "  skipped (BENCH_BOOT=0)"
else
	B=$B sh tests/bench/frag.sh 2>&1 | sed 's/^/  /'
fi
