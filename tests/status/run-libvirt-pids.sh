#!/bin/sh
# libvirt's running guests, and pid files that name another process: hugeplan status on fixture
# trees with /run/libvirt/qemu (NAME.pid, NAME.xml) and /proc/PID beneath the root.
#
# The rules the expected values come from:
#   - libvirt's virPidFileReadPathIfAlive() (src/util/virpidfile.c), its test that a recorded pid
#     is still the process it started: the process is alive and /proc/PID/exe is the binary (the
#     same file, device and inode; or, when the binary was replaced since, the link's path less
#     the kernel's " (deleted)" resolves to the binary's path); the binary of a domain's QEMU is
#     its <emulator>, which the status file (<domstatus pid=...>) holds;
#   - virPidFileBuildPath() names the pid file by the domain's name escaped for XML (& < > " '
#     as entities), the status file NAME.xml by the name as it is;
#   - qemuBuildNameCommandLine(): each domain's QEMU is started with -name guest=NAME (commas
#     doubled), which tells one domain's QEMU from another's; the command lines are libvirt's
#     own expected ones (tests/lib.sh t_libvirt_guest);
#   - the kernel's numa_maps (fs/proc/task_mmu.c show_numa_map()).
# Each case that must not count is a pid file whose process maps 2M pages: counted, it would
# show as a running guest.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
t_shared || exit 1
HP=$B/hugeplan
F=$TOP/tests/fixtures

maps() { # ROOT PID PAGES: a QEMU's numa_maps with one 2M memory-backend-file on node 0
	{
		echo "55d0c1a00000 default file=/usr/bin/qemu-system-x86_64 mapped=1200 mapmax=2 N0=1200 kernelpagesize_kB=4"
		printf '%s\n' "7f2a00000000 bind:0 file=/dev/hugepages/libvirt/qemu/1-x/qemu_back_mem._objects_pc.ram.Xw1\\040(deleted) huge dirty=$3 N0=$3 kernelpagesize_kB=2048"
	} >"$1/proc/$2/numa_maps"
}
listed() { # NAME: the guest names status lists, one a line
	python3 -c 'import json, sys
print("\n".join(g["name"] for g in json.load(open(sys.argv[1]))["guests"]))' "$T_TMP/$1.json"
}
st() { # NAME
	"$HP" status --json --root "$R" >"$T_TMP/$1.json" 2>"$T_TMP/$1.err"
}

R=$T_TMP/root
cp -a "$F/one-node-32g" "$R"
t_pool "$R" 2048 512 0 0 0 0 512 0

# the domain as libvirt 9 leaves it while it runs: listed
t_libvirt_guest "$R" web 4100
maps "$R" 4100 64
# named with a comma: -name guest=db,,1 (qemuBuildNameCommandLine() doubles it)
t_libvirt_guest "$R" "db,1" 4101
maps "$R" 4101 32
# named with characters XML escapes: its pid file is o&apos;neil&amp;co.pid (virPidFileBuildPath())
t_libvirt_guest "$R" "o'neil&co" 4104
maps "$R" 4104 4
# the status file names /usr/bin/kvm, a link to the binary the process runs: the same file
ln -s qemu-system-x86_64 "$R/usr/bin/kvm"
t_libvirt_guest "$R" linked 4102 /usr/bin/kvm
maps "$R" 4102 16
# the binary was upgraded while the domain runs: /proc/PID/exe reads "PATH (deleted)"
t_libvirt_guest "$R" upgraded 4103
maps "$R" 4103 8
ln -sfn "/usr/bin/qemu-system-x86_64 (deleted)" "$R/proc/4103/exe"
st good
t_eq "libvirt's running domains listed: the plain one, a name with a comma, one XML escapes, an emulator link, an upgraded binary" \
	"$(printf "db,1\nlinked\no'neil&co\nupgraded\nweb")" "$(listed good)"
t_eq "... each with its pages" "[64, 32, 4, 16, 8]" \
	"$(python3 -c 'import json, sys
g = {x["name"]: x for x in json.load(open(sys.argv[1]))["guests"]}
print(json.dumps([g[n]["pages"][0]["pages"] for n in ("web", "db,1", "o\x27neil&co", "linked", "upgraded")]))' "$T_TMP/good.json")"
t_eq "... and nothing noted" null "$(python3 -c 'import json, sys
print(json.dumps(json.load(open(sys.argv[1]))["guests_note"]))' "$T_TMP/good.json")"

rm -rf "$R/run/libvirt/qemu" "$R"/proc/410?
# a status file with no pid file beside it (libvirtd's driver.pid has no status file either)
t_libvirt_guest "$R" nopid 4209
maps "$R" 4209 64
rm "$R/run/libvirt/qemu/nopid.pid"
printf 4209 >"$R/run/libvirt/qemu/driver.pid"
# a pid reused by a live process that is no QEMU: sshd, its binary another file
t_libvirt_guest "$R" reused 4200
printf '\177ELF' >"$R/usr/bin/sshd"
printf '/usr/sbin/sshd\0-D\0' >"$R/proc/4200/cmdline"
ln -sfn /usr/bin/sshd "$R/proc/4200/exe"
maps "$R" 4200 64
# ... by a process that runs the same binary but is no domain's QEMU (no -name guest=)
t_libvirt_guest "$R" probe 4201
printf '/usr/bin/qemu-system-x86_64\0-machine\0none\0' >"$R/proc/4201/cmdline"
maps "$R" 4201 64
# ... by another domain's QEMU: other's own files name 4202 too; mine.pid names it after a crash
t_libvirt_guest "$R" other 4202
maps "$R" 4202 10
t_libvirt_guest "$R" mine 4203
sed -i "s/pid='4203'/pid='4202'/" "$R/run/libvirt/qemu/mine.xml"
printf 4202 >"$R/run/libvirt/qemu/mine.pid"
rm -rf "$R/proc/4203"
# ... by nothing: the process is gone
t_libvirt_guest "$R" dead 4204
rm -rf "$R/proc/4204"
# the status file records another pid than the pid file (4205 runs web2's QEMU, 4206 does not
# exist): the status is libvirtd's record, the pid file disagrees with it
t_libvirt_guest "$R" web2 4205
maps "$R" 4205 64
sed -i "s/pid='4205'/pid='4206'/" "$R/run/libvirt/qemu/web2.xml"
# a status file without a pid (libvirtd has not recorded the QEMU yet)
t_libvirt_guest "$R" starting 4207
maps "$R" 4207 64
sed -i "s/ pid='4207'//" "$R/run/libvirt/qemu/starting.xml"
# the binary that the status names is gone (the emulator was removed): no longer the same
t_libvirt_guest "$R" removed 4208 /usr/bin/qemu-system-removed
maps "$R" 4208 64
st bad
t_eq "a pid reused (sshd, the binary without -name, another domain's QEMU), gone, disagreeing, starting, another binary, no pid file: only other is a guest" \
	"other" "$(listed bad)"
t_eq "... other has its own pages, none of the reused pids' counted" "[10]" \
	"$(python3 -c 'import json, sys
print(json.dumps([p["pages"] for g in json.load(open(sys.argv[1]))["guests"] for p in g["pages"]]))' "$T_TMP/bad.json")"
t_eq "... in use by guests on node 0: other's 10" "10" \
	"$(python3 -c 'import json, sys
print([n["by_guests"] for u in json.load(open(sys.argv[1]))["usage"] if u["page_size_kb"] == 2048 for n in u["nodes"]][0])' "$T_TMP/bad.json")"
t_done
