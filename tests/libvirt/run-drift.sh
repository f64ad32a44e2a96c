#!/bin/sh
# Drift with the real libvirt: domains defined, grown and removed with virsh in the
# namespace's libvirtd (lib-libvirt.sh), whose /etc/libvirt/qemu is bind-mounted into an
# image's, so that hugeplan reads exactly the files libvirt writes. The image is applied, then
# "booted" with what apply wrote (its /proc/cmdline the state's tokens, its pool met); after
# each virsh step, status must name every change since that entry, per VM, and nothing else:
# the expectations are the virsh commands themselves (cache defined with 1 GiB on 1G pages,
# db1's maximum raised from 1 GiB to 2 GiB, web undefined). Meanwhile a watcher with the
# inotify mask systemd's PathChanged= uses (src/core/path.c: IN_DELETE_SELF, IN_MOVE_SELF,
# IN_ATTRIB, IN_CLOSE_WRITE, IN_CREATE, IN_DELETE, IN_MOVED_FROM, IN_MOVED_TO) on the
# directory hugeplan-replan.path watches must see every step: that is when the path unit
# starts hugeplan-replan.service, whose command (AutoApply=yes) then rewrites the snippet.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/libvirt/lib-libvirt.sh
. "$(dirname "$0")/lib-libvirt.sh"
t_init
HP=$B/hugeplan
U=$B/units

if ! lv_start "$T_TMP/lv"; then
	t_fail "libvirt drift: libvirtd in a private namespace" "$LV_ERR"
	t_done
	exit 0
fi
WATCH_PID=
stop_all() {
	[ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null
	lv_stop
	t_cleanup
}
trap stop_all EXIT

R=$T_TMP/img
t_image "$R" one-node-32g 'GRUB_CMDLINE_LINUX=""'
mkdir -p "$R/etc/libvirt/qemu" "$R/etc/hugeplan"
# the watched directory, as the path unit names it: libvirt's, seen in the image
watched=$(sed -n 's|^PathChanged=\(/etc/libvirt/.*\)|\1|p' "$U/hugeplan-replan.path")
t_eq "hugeplan-replan.path watches libvirt's domain directory" /etc/libvirt/qemu "$watched"
lv_run mount --bind "$watched" "$R$watched" || t_fail "bind $watched into the image"

# the watcher: one line per inotify event, name and mask, until killed
cat >"$T_TMP/watch.py" <<'EOF'
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
MASK = 0x400 | 0x800 | 0x4 | 0x8 | 0x100 | 0x200 | 0x40 | 0x80  # systemd's PATH_CHANGED
fd = libc.inotify_init1(0)
if fd < 0 or libc.inotify_add_watch(fd, sys.argv[1].encode(), MASK) < 0:
    sys.exit("inotify: " + os.strerror(ctypes.get_errno()))
out = open(sys.argv[2], "w", buffering=1)
out.write("ready\n")
while True:
    buf = os.read(fd, 65536)
    i = 0
    while i < len(buf):
        wd, mask, cookie, n = struct.unpack_from("iIII", buf, i)
        name = buf[i + 16:i + 16 + n].rstrip(b"\0").decode()
        out.write("%s %#x\n" % (name, mask))
        i += 16 + n
EOF
nsenter -t "$LV_HOLD" -m -- python3 "$T_TMP/watch.py" "$watched" "$T_TMP/events" &
WATCH_PID=$!
i=0
while ! grep -q ready "$T_TMP/events" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
t_grep "the watcher runs (inotify on $watched in the namespace)" '^ready$' "$T_TMP/events"

# step NAME VIRSH-ARGS...: the virsh command; the watcher must see its domain's file change
step() {
	sname=$1
	shift
	before=$(wc -l <"$T_TMP/events")
	virsh_ns "$@" >"$T_TMP/$sname.virsh" 2>&1 || t_fail "virsh $*" "$(cat "$T_TMP/$sname.virsh")"
	i=0
	while [ "$(wc -l <"$T_TMP/events")" -le "$before" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ "$(wc -l <"$T_TMP/events")" -gt "$before" ]; then
		t_ok "virsh $*: the path unit's inotify mask sees $watched change ($(tail -n +$((before + 1)) "$T_TMP/events" | tr '\n' ' '))"
	else
		t_fail "virsh $*: the path unit's inotify mask sees $watched change" "no event"
	fi
}
dom() { # NAME MIB PAGE_KIB: a type='qemu' domain on huge pages of that size
	cat >"$T_TMP/$1.xml" <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>$2</memory>
  <memoryBacking><hugepages><page size='$3' unit='KiB'/></hugepages></memoryBacking>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>
EOF
}
hp() { # NAME ARGS...: hugeplan inside the namespace (it sees libvirt's files in the image)
	hname=$1
	shift
	lv_run "$HP" "$@" >"$T_TMP/$hname.out" 2>&1
	RC=$?
}

dom db1 1024 1048576
dom web 512 2048
step define-db1 define "$T_TMP/db1.xml"
step define-web define "$T_TMP/web.xml"
hp apply apply --root "$R"
t_eq "apply over the domains libvirt wrote: exit 0" 0 "$RC"
# db1: 1 x 1G; web: 256 x 2M; no DefaultPageSize=: no default_hugepagesz=; one node: plain counts
RES="hugepagesz=2M hugepages=256 hugepagesz=1G hugepages=1"
t_grep "apply wrote the plan of the two domains" "^tokens=$RES hugeplan.plan=$(fnv "$RES")\$" "$R/var/lib/hugeplan/applied"
# the boot that runs that entry, its pool met
echo "BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro $(sed -n 's/^tokens=//p' "$R/var/lib/hugeplan/applied")" >"$R/proc/cmdline"
t_pool "$R" 2048 256 256 0 0 0 256 256
t_pool "$R" 1048576 1 1 0 0 0 1 1
hp booted status --root "$R"
t_eq "booted with apply's entry: status exit 0" 0 "$RC"
t_grep "booted with apply's entry: OK" "^Verdict: OK: the pool is met and backs every planned VM \(2\)\$" "$T_TMP/booted.out"
t_grep "status names each VM's source and file" "^db1 .* libvirt +$R/etc/libvirt/qemu/db1.xml\$" "$T_TMP/booted.out"

QD=$R/etc/libvirt/qemu
dom cache 1024 1048576
step define-cache define "$T_TMP/cache.xml"
hp s1 status --root "$R"
t_eq "cache defined: status exit 1" 1 "$RC"
t_grep "cache defined: named as added" \
	"^  1 VM changed since this boot's entry was written \(added: cache\): run \`hugeplan apply\` and reboot\$" "$T_TMP/s1.out"
t_grep "cache defined: its file and pages" "^    cache \(libvirt, $QD/cache.xml\): added: 1 x 1G\$" "$T_TMP/s1.out"

step setmaxmem-db1 setmaxmem db1 2G --config
hp s2 status --root "$R"
t_grep "db1's maximum raised to 2 GiB: named as grown, cache still added" \
	"^  2 VMs changed since this boot's entry was written \(added: cache; grew: db1\): run \`hugeplan apply\` and reboot\$" "$T_TMP/s2.out"
t_grep "db1 grew: from 1 x 1G to 2 x 1G" \
	"^    db1 \(libvirt, $QD/db1.xml\): grew from 1.00 GiB to 2.00 GiB: 1 x 1G -> 2 x 1G\$" "$T_TMP/s2.out"

step undefine-web undefine web
hp s3 status --root "$R"
t_grep "web undefined: all three named" \
	"^  3 VMs changed since this boot's entry was written \(added: cache; removed: web; grew: db1\): run \`hugeplan apply\` and reboot\$" "$T_TMP/s3.out"
t_grep "web undefined: its file as libvirt had it, its pages before" \
	"^    web \(libvirt, /etc/libvirt/qemu/web.xml\): removed: was 256 x 2M\$" "$T_TMP/s3.out"
hp s3j status --root "$R" --json
t_eq "status --json: the changes per VM" "cache:added db1:grew web:removed" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%s:%s" % (c["name"], ",".join(c["change"])) for c in d["plan"]["changes"]))' "$T_TMP/s3j.out")"

# the path unit's service, as it would run now: AutoApply=yes rewrites the snippet
printf '[Host]\nAutoApply=yes\n' >"$R/etc/hugeplan/hugeplan.conf"
exec_start=$(sed -n 's/^ExecStart=//p' "$U/hugeplan-replan.service")
# shellcheck disable=SC2086 # the unit's arguments, one word each
lv_run "$HP" ${exec_start#/*/hugeplan } --root "$R" >"$T_TMP/replan.out" 2>&1
t_eq "the path unit's service after the changes: exit 0" 0 $?
# cache 1 x 1G + db1 2 x 1G: 3 x 1G, no 2M left
RES2="hugepagesz=1G hugepages=3"
t_grep "the service names the three VMs" "^3 VMs changed since hugeplan apply recorded plan .*: added: cache; removed: web; grew: db1:\$" "$T_TMP/replan.out"
t_grep "AutoApply=yes: the snippet holds the new plan" "$RES2 hugeplan.plan=$(fnv "$RES2")" "$R/etc/default/grub.d/99-hugeplan.cfg"
t_eq "AutoApply=yes: the state holds libvirt's VMs as they are now" \
	"vm=cache libvirt 1048576:-:1 /etc/libvirt/qemu/cache.xml
vm=db1 libvirt 1048576:-:2 /etc/libvirt/qemu/db1.xml" "$(grep '^vm=' "$R/var/lib/hugeplan/applied")"
t_grep "the old boot's records are kept for status" "^booted_vm=web libvirt 2048:-:256 /etc/libvirt/qemu/web.xml\$" "$R/var/lib/hugeplan/applied"
t_done
