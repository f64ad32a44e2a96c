#!/bin/sh
# Real boots: a Debian cloud kernel under QEMU TCG with a dracut initramfs holding the hugeplan
# module and a test module (tests/boot/99hugeplan-test) that prints what hugeplan left on the
# console and powers off. See ../shared E2E-NOTES.md for why TCG and how the kernel is fetched.
#
# Expected values come from the kernel's rules (KERNEL-NOTES.md) and the guest's memory map,
# fixed by these QEMU settings: RAM below 4 GiB ends at 0xbffdffff (the BIOS keeps the last
# 128 KiB of the 3rd GiB), QEMU loads the initrd at the top of that RAM, and "nokaslr" keeps
# the kernel image at 16 MiB (physical KASLR would put it in a random GiB and change which
# 1 GiB ranges are free). So in a 3 GiB guest exactly one aligned GiB is free for a gigantic
# page, 0x40000000-0x7fffffff; in a 1 GiB guest none is.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/boot/lib-boot.sh
. "$(dirname "$0")/lib-boot.sh"
t_init

G=1073741824
NUMA="-object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=2G
-numa node,nodeid=0,memdev=m0,cpus=0 -numa node,nodeid=1,memdev=m1,cpus=1"

if ! boot_setup default; then
	t_fail "boot setup: kernel fetched and dracut copied"
	t_done
	exit
fi
echo "# kernel $KVER"
if ! mkimg "$T_TMP/test.img" base rootfs-block hugeplan hugeplan-test; then
	t_fail "dracut builds the test initramfs" "$(tail -n 20 "$T_TMP/test.img.log")"
	t_done
	exit
fi
t_ok "dracut builds an initramfs with the hugeplan module ($KVER)"

# --- what the module costs: the same image built without and with it --------------------------
files() {
	# file entries only ("-rwxr-xr-x 1 root root SIZE DATE path"), not lsinitrd's headers
	lsinitrd "$1" 2>/dev/null | awk '/^[-dlcbps][-rwxsStT]+ / {print $9}' | sort
}
if mkimg "$T_TMP/base.img" base rootfs-block && mkimg "$T_TMP/hp.img" base rootfs-block hugeplan; then
	a=$(stat -c %s "$T_TMP/base.img")
	b=$(stat -c %s "$T_TMP/hp.img")
	echo "# initramfs (uncompressed) without hugeplan: $a bytes, with: $b bytes, added: $((b - a)) bytes"
	files "$T_TMP/base.img" >"$T_TMP/base.list"
	files "$T_TMP/hp.img" >"$T_TMP/hp.list"
	comm -13 "$T_TMP/base.list" "$T_TMP/hp.list" >"$T_TMP/added.list"
	sed 's/^/#   added: /' "$T_TMP/added.list"
	t_eq "the module adds the verifier and its pre-udev hook, nothing else" \
		"usr/bin/hugeplan-verify usr/lib/dracut/hooks/pre-udev/30-hugeplan-verify.sh" \
		"$(tr '\n' ' ' <"$T_TMP/added.list" | sed 's/ $//')"
	if [ $((b - a)) -lt 65536 ]; then
		t_ok "the module adds under 64 KiB ($((b - a)) bytes, uncompressed)"
	else
		t_fail "the module adds under 64 KiB" "added $((b - a)) bytes"
	fi
else
	t_fail "dracut builds the images for the size comparison"
fi

# guest_ok NAME: the guest reached the test module and printed a report
guest_ok() {
	if report "$1"; then
		kmsg "$1" >"$T_TMP/$1.kmsg"
		return 0
	fi
	t_fail "$1: the guest printed a report" "$(grep -v '^ [0-9a-f][0-9a-f]' "$T_TMP/$1.log" | tail -n 30)"
	return 1
}

# absent NAME PATTERN FILE: no line of FILE matches PATTERN
absent() {
	if grep -Eq -- "$2" "$3"; then
		t_fail "$1" "unexpected: $(grep -E -- "$2" "$3" | head -n 3)"
	else
		t_ok "$1"
	fi
}

# fixture NAME FIXTURE: NAME's capture (hpt.capture=1: tests/fixtures/mkdump.sh in the guest) is
# committed as tests/fixtures/FIXTURE, one per QEMU topology of this tier. Its pool files must
# match this boot's; HUGEPLAN_SAVE_FIXTURE="FIXTURE..." makes this capture the fixture (its
# README kept), to be read and committed by hand.
fixture() {
	_fix=$TOP/tests/fixtures/$2
	case " ${HUGEPLAN_SAVE_FIXTURE:-} " in
	*" $2 "*)
		[ -f "$_fix/README" ] && cp "$_fix/README" "$T_TMP/$1.README"
		rm -rf "$_fix"
		mkdir -p "$_fix"
		(cd "$T_TMP/$1.root" && cp -a . "$_fix/")
		[ -f "$T_TMP/$1.README" ] && cp "$T_TMP/$1.README" "$_fix/README"
		echo "# $1: capture saved to $_fix"
		;;
	esac
	(cd "$T_TMP/$1.root" && find sys -type f -name '*hugepages*' | sort) >"$T_TMP/$1.pool.list"
	_bad=
	while read -r _f; do
		cmp -s "$T_TMP/$1.root/$_f" "$_fix/$_f" || _bad="$_bad $_f"
	done <"$T_TMP/$1.pool.list"
	t_eq "$1: the capture's pool files are those of tests/fixtures/$2 ($(wc -l <"$T_TMP/$1.pool.list") files; else HUGEPLAN_SAVE_FIXTURE=$2)" \
		"" "$_bad"
}

# --- 1. 2M and 1G pools fully met ---------------------------------------------------------------
# 64 x 2 MiB = 128 MiB, and the one free GiB: a 3 GiB guest holds both.
boot met "$T_TMP/test.img" "nokaslr hpt.capture=1 hpt.time=1 hugepagesz=2M hugepages=64 hugepagesz=1G hugepages=1" -m 3G
if guest_ok met; then
	t_eq "met: overall status" met "$(q met 'r["status"]')"
	t_eq "met: 2M: status, allocated" "met 64" "$(q met 'size(2*M)["status"] + " " + str(size(2*M)["allocated"])')"
	t_eq "met: 1G: status, allocated" "met 1" "$(q met 'size(G)["status"] + " " + str(size(G)["allocated"])')"
	t_eq "met: nothing short" 0 "$(q met 'r["short_bytes"]')"
	t_grep "met: the verifier exits 0 in the guest" '^HPT-RC 0$' "$T_TMP/met.log"
	t_eq "met: the series modelled is the kernel's; the log, not needed, is not read" \
		"$(echo "$KVER" | cut -d. -f1-2) None" \
		"$(q met 'r["simulation"]["kernel_series"] + " " + str(r["simulation"]["messages_predicted"])')"
	t_grep "met: one info line in the kernel log" \
		'^6 hugeplan: huge pages met: 2.00 MiB met 64/64; 1.00 GiB met 1/1$' "$T_TMP/met.kmsg"
	absent "met: nothing printed on the console" '^hugeplan-verify:' "$T_TMP/met.log"
	echo "# met: verifier in the guest, in-process (clock_gettime, first run): $(q met 'r["elapsed_us"]') us"
	sed -n 's/^HPT-TIME runs=\([0-9]*\) verify_ns=\([0-9]*\) baseline_ns=\([0-9]*\)$/# met: exec to exit, \1 runs: verifier \2 ns, cat \/dev\/null \3 ns/p' "$T_TMP/met.log"
	fixture met qemu-1node-3g
fi

# --- 2. a 1G request the guest cannot hold -------------------------------------------------------
# A 1 GiB guest has no free aligned GiB (the kernel and firmware sit in it): 0 of 2.
boot big1g "$T_TMP/test.img" "nokaslr hpt.capture=1 hugepagesz=1G hugepages=2" -m 1G
if guest_ok big1g; then
	t_eq "big1g: overall status" short "$(q big1g 'r["status"]')"
	t_eq "big1g: 1G requested, allocated, short pages, short bytes" "2 0 2 $((2 * G))" \
		"$(q big1g '" ".join(str(size(G)[k]) for k in ("requested", "allocated", "short_pages", "short_bytes"))')"
	t_eq "big1g: the kernel's reason is quoted" \
		'["HugeTLB: allocating 2 of page size 1.00 GiB failed.  Only allocated 0 hugepages."]' \
		"$(q big1g 'size(G)["reasons"]')"
	t_eq "big1g: 2M not requested" "not-requested 0" \
		"$(q big1g 'size(2*M)["status"] + " " + str(size(2*M)["allocated"])')"
	t_grep "big1g: the verifier exits 1 in the guest" '^HPT-RC 1$' "$T_TMP/big1g.log"
	t_grep "big1g: one warning line in the kernel log" \
		'^4 hugeplan: huge pages short: 1.00 GiB short 0/2; see /run/hugeplan/boot-report.json$' "$T_TMP/big1g.kmsg"
	t_grep "big1g: the summary is on the console" \
		'^  1.00 GiB: short by 2 pages \(2.00 GiB\): 0 of 2$' "$T_TMP/big1g.log"
	t_grep "big1g: by default the boot goes on" '^HPT-BEGIN$' "$T_TMP/big1g.log"
	fixture big1g qemu-1node-1g
fi

# --- 3. two NUMA nodes of different sizes, per-node counts ---------------------------------------
# node0 = 1 GiB (0-0x3fffffff, holds the kernel: no free GiB), node1 = 2 GiB (the free GiB
# 0x40000000-0x7fffffff; its other GiB holds the initrd and the BIOS hole). 6.1's gigantic
# allocation for node0 falls back to node1 and takes that GiB; node1's own then fails, and the
# kernel's message names node1 while sysfs shows node0 short. 2M: 128 + 64 MiB fit easily.
# shellcheck disable=SC2086 # $NUMA is QEMU arguments, one word each
boot numa "$T_TMP/test.img" "nokaslr hpt.capture=1 hpt.time=1 hugepagesz=2M hugepages=0:64,1:32 hugepagesz=1G hugepages=0:1,1:1" -m 3G $NUMA
if guest_ok numa; then
	t_eq "numa: overall status" short "$(q numa 'r["status"]')"
	t_eq "numa: 2M met per node (node0 64 of 64, node1 32 of 32)" "met met:64/64 met:32/32" \
		"$(q numa 'size(2*M)["status"] + " " + " ".join("%s:%d/%d" % (n["status"], n["allocated"], n["requested"]) for n in size(2*M)["nodes"])')"
	t_eq "numa: 1G short by 1 of 2" "short 1 2 1" \
		"$(q numa '" ".join(str(size(G)[k]) for k in ("status", "allocated", "requested", "short_pages"))')"
	t_eq "numa: 1G node0 (the small node) short, node1 met" "short:0/1 met:1/1" \
		"$(q numa '" ".join("%s:%d/%d" % (n["status"], n["allocated"], n["requested"]) for n in size(G)["nodes"])')"
	t_eq "numa: the kernel's message names node1, kept as a hint only" \
		'1 ["HugeTLB: allocating 1 of page size 1.00 GiB failed node1.  Only allocated 0 hugepages."]' \
		"$(q numa 'str(size(G)["kernel_node_hint"]) + " " + json.dumps(size(G)["reasons"])')"
	for n in 0 1; do
		for kb in 2048 1048576; do
			f=$T_TMP/numa.root/sys/devices/system/node/node$n/hugepages/hugepages-${kb}kB/nr_hugepages
			t_eq "numa: report agrees with the guest's sysfs, node$n ${kb}kB" \
				"$(cat "$f" 2>&1)" "$(q numa "node(size($kb * 1024), $n)['allocated']")"
		done
	done
	t_eq "numa: the kernel's failure line is one the simulation predicted" true \
		"$(q numa 'r["simulation"]["messages_predicted"]')"
	t_grep "numa: the summary says the message's node is not the short one" \
		"note: the kernel's message names node1" "$T_TMP/numa.log"
	echo "# numa: verifier in the guest, in-process (clock_gettime, first run): $(q numa 'r["elapsed_us"]') us"
	sed -n 's/^HPT-TIME runs=\([0-9]*\) verify_ns=\([0-9]*\) baseline_ns=\([0-9]*\)$/# numa: exec to exit, \1 runs: verifier \2 ns, cat \/dev\/null \3 ns/p' "$T_TMP/numa.log"

	# the same verdict from the captured files, read on the host through --root
	cp -a "$T_TMP/numa.root" "$T_TMP/numa.host"
	"$B/hugeplan-verify" --root "$T_TMP/numa.host" >"$T_TMP/numa.host.out" 2>&1
	t_eq "numa: the verifier on the capture exits 1 on the host" 1 "$?"
	python3 - "$T_TMP/numa.root/run/hugeplan/boot-report.json" "$T_TMP/numa.host/run/hugeplan/boot-report.json" >"$T_TMP/numa.cmp" 2>&1 <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("elapsed_us")
sys.exit(0 if a == b else "guest and host reports differ:\n%s\n%s" % (json.dumps(a), json.dumps(b)))
PY
	# shellcheck disable=SC2181 # the status of the python3 here-document just above
	if [ $? -eq 0 ]; then t_ok "numa: the capture gives the guest's report on the host"; else t_fail "numa: the capture gives the guest's report on the host" "$(cat "$T_TMP/numa.cmp")"; fi

	# the committed fixture is this capture: the pool files must still match a real boot
	fixture numa qemu-numa-1g2g
fi

# --- 4. an invalid node id in the node form ------------------------------------------------------
# One node (0): "1:1" names an offline node, so the kernel zeroes the whole 1G request.
boot badnode "$T_TMP/test.img" "nokaslr hugepagesz=2M hugepages=64 hugepagesz=1G hugepages=0:1,1:1" -m 3G
if guest_ok badnode; then
	t_eq "badnode: overall status" short "$(q badnode 'r["status"]')"
	t_eq "badnode: 1G zeroed: 2 asked on the command line, 0 by the kernel, 0 allocated" "zeroed 2 0 0 2" \
		"$(q badnode '" ".join(str(size(G)[k]) for k in ("status", "requested", "kernel_requested", "allocated", "short_pages"))')"
	t_eq "badnode: the kernel's line is the reason" '["HugeTLB: Invalid hugepages parameter 1:1"]' \
		"$(q badnode 'size(G)["reasons"]')"
	t_eq "badnode: listed as ignored, quoted from the kernel, as the simulation expected" \
		'[{"message": "HugeTLB: Invalid hugepages parameter 1:1", "source": "kernel", "predicted": true}]' \
		"$(q badnode 'r["ignored"]')"
	t_eq "badnode: 2M met" "met 64" "$(q badnode 'size(2*M)["status"] + " " + str(size(2*M)["allocated"])')"
fi

# --- 5. no hugepage parameters --------------------------------------------------------------------
boot none "$T_TMP/test.img" "nokaslr" -m 1G
if guest_ok none; then
	t_eq "none: nothing requested" nothing-requested "$(q none 'r["status"]')"
	t_eq "none: both sizes listed, not requested, empty" "2097152:not-requested:0 1073741824:not-requested:0" \
		"$(q none '" ".join("%d:%s:%d" % (s["size"], s["status"], s["allocated"]) for s in r["sizes"])')"
	t_grep "none: the verifier exits 0 in the guest" '^HPT-RC 0$' "$T_TMP/none.log"
	t_grep "none: an info line in the kernel log" \
		'^6 hugeplan: no huge pages requested on the kernel command line$' "$T_TMP/none.kmsg"
fi

# --- 6. rd.hugeplan.strict=1 with a shortfall ------------------------------------------------------
boot strict "$T_TMP/test.img" "nokaslr rd.hugeplan.strict=1 hugepagesz=1G hugepages=2" -m 1G
t_grep "strict: the summary is printed" '^hugeplan-verify: SHORT' "$T_TMP/strict.log"
t_grep "strict: dracut's emergency hooks run" '^HPT-EMERGENCY-HOOK$' "$T_TMP/strict.log"
t_grep "strict: the emergency shell is reached" '^HPT-EMERGENCY-SHELL$' "$T_TMP/strict.log"
absent "strict: the boot does not go on" '^HPT-BEGIN$' "$T_TMP/strict.log"
t_eq "strict: summary first, then the emergency shell" \
	"hugeplan-verify: SHORT: huge page pools are 2.00 GiB short of the kernel command line|HPT-EMERGENCY-SHELL|" \
	"$(grep -E '^hugeplan-verify: SHORT|^HPT-EMERGENCY-SHELL$' "$T_TMP/strict.log" | tr '\n' '|')"

# --- 7. rd.hugeplan=0 -----------------------------------------------------------------------------
boot skip "$T_TMP/test.img" "nokaslr rd.hugeplan=0 hugepagesz=1G hugepages=2" -m 1G
t_grep "skip: the boot goes on to the test module" '^HPT-BEGIN$' "$T_TMP/skip.log"
t_grep "skip: no report" '^HPT-NO-REPORT$' "$T_TMP/skip.log"
t_grep "skip: no /run/hugeplan at all" '^HPT-NO-RUNDIR$' "$T_TMP/skip.log"
kmsg skip >"$T_TMP/skip.kmsg"
t_grep "skip: the kernel log says the check was skipped" 'hugeplan: huge page check skipped \(rd.hugeplan=0\)$' "$T_TMP/skip.kmsg"
absent "skip: the verifier logged nothing" '^[0-7] hugeplan: ' "$T_TMP/skip.kmsg"

# --- 8. every ignored parameter at once, against the simulation ----------------------------------
# The kernel's rules (KERNEL-NOTES): the leading hugepages=8 belongs to the default size, which
# default_hugepagesz=1G makes 1G (so 8 x 1G, of which the one free GiB: 1); the repeated
# hugepagesz=2M, its count, the unsupported 4M with its count, the second default_hugepagesz
# and the count after it are ignored, each with its line; 2M keeps its first count, 16.
boot ignored "$T_TMP/test.img" "nokaslr hugepages=8 hugepagesz=2M hugepages=16 hugepagesz=2M hugepages=4 hugepagesz=4M hugepages=3 default_hugepagesz=1G default_hugepagesz=2M hugepages=5" -m 3G
if guest_ok ignored; then
	t_eq "ignored: the default size is 1G" $G "$(q ignored 'r["default_size"]')"
	t_eq "ignored: 2M met with its first count" "met 16" "$(q ignored 'size(2*M)["status"] + " " + str(size(2*M)["allocated"])')"
	t_eq "ignored: 1G short, 1 of 8" "short 1 8" "$(q ignored '" ".join(str(size(G)[k]) for k in ("status", "allocated", "requested"))')"
	t_eq "ignored: 4M unsupported, 3 pages missing" "unsupported False 3" \
		"$(q ignored '" ".join(str(size(4*M)[k]) for k in ("status", "present", "short_pages"))')"
	t_eq "ignored: the six lines, all printed by the kernel, all expected by the simulation" \
		"kernel:True:HugeTLB: hugepagesz=2M specified twice, ignoring|kernel:True:HugeTLB: hugepages=4 does not follow a valid hugepagesz, ignoring|kernel:True:HugeTLB: unsupported hugepagesz=4M|kernel:True:HugeTLB: hugepages=3 does not follow a valid hugepagesz, ignoring|kernel:True:HugeTLB: default_hugepagesz previously specified, ignoring 2M|kernel:True:HugeTLB: hugepages=5 does not follow a valid hugepagesz, ignoring" \
		"$(q ignored '"|".join("%s:%s:%s" % (g["source"], g["predicted"], g["message"]) for g in r["ignored"])')"
fi

# --- systemd-based initramfs: the same module under dracut-pre-udev.service ------------------------
if mkimg "$T_TMP/sd.img" systemd systemd-initrd dracut-systemd base rootfs-block hugeplan hugeplan-test; then
	t_ok "dracut builds a systemd-based initramfs with the module"
	boot sdshort "$T_TMP/sd.img" "nokaslr hugepagesz=1G hugepages=2" -m 1G
	if guest_ok sdshort; then
		t_eq "systemd: short, 0 of 2" "short 0 2" "$(q sdshort '" ".join(str(size(G)[k]) for k in ("status", "allocated", "requested"))')"
		t_grep "systemd: the summary reaches the console" 'dracut-pre-udev\[[0-9]+\]: hugeplan-verify: SHORT' "$T_TMP/sdshort.log"
		t_grep "systemd: one warning line in the kernel log" '^4 hugeplan: huge pages short: 1.00 GiB short 0/2; see /run/hugeplan/boot-report.json$' "$T_TMP/sdshort.kmsg"
	fi
	BOOT_KEYS=1 boot sdstrict "$T_TMP/sd.img" "nokaslr rd.hugeplan.strict=1 hugepagesz=1G hugepages=2" -m 1G
	t_grep "systemd strict: dracut's emergency hooks run" '^HPT-EMERGENCY-HOOK$' "$T_TMP/sdstrict.log"
	t_grep "systemd strict: the emergency shell is reached (after sulogin's Enter)" '^HPT-EMERGENCY-SHELL$' "$T_TMP/sdstrict.log"
	absent "systemd strict: the boot does not go on" '^HPT-BEGIN$' "$T_TMP/sdstrict.log"
	boot sdskip "$T_TMP/sd.img" "nokaslr rd.hugeplan=0 hugepagesz=1G hugepages=2" -m 1G
	t_grep "systemd skip: no report, the boot goes on" '^HPT-NO-REPORT$' "$T_TMP/sdskip.log"
else
	t_fail "dracut builds a systemd-based initramfs with the module" "$(tail -n 20 "$T_TMP/sd.img.log")"
fi

t_done
