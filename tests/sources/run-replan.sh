#!/bin/sh
# hugeplan-replan: what the path unit's (and the timer's) service runs, on --root images whose
# VMs are libvirt domains and Proxmox VMs. The command is the unit's own ExecStart= (with the
# built binary and --root), run after each change the units would see: a domain defined,
# grown, its hugeplan.conf's AutoApply= set. Expected pages from the rules of
# generator/sources (libvirt: <memory> on the <page> size; one node: plain counts, the
# no DefaultPageSize=: no default_hugepagesz=); plan ids recomputed with the independent FNV-1a of
# tests/lib.sh. Then the path unit is checked to watch every directory plan reads its VMs and
# configuration from (strace of a real plan), and the timer to reach /etc/pve.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lib/domain.sh
. "$TOP/tests/lib/domain.sh"
t_init
HP=$B/hugeplan
U=$B/units
t_shared || exit 1

# the service's command, as systemd would run it: ExecStart=, the built binary for the
# installed one, and --root
# (the build's BINDIR, whatever it was: make check passes its own)
exec_start=$(sed -n 's/^ExecStart=//p' "$U/hugeplan-replan.service")
t_eq "the service runs the installed hugeplan replan" "hugeplan replan" \
	"$(echo "$exec_start" | sed -n 's|^/[^ ]*/\(hugeplan .*\)$|\1|p')"
svc() { # NAME: the service's command under --root $R; NAME.out, RC
	# shellcheck disable=SC2086 # the unit's arguments, one word each
	"$HP" ${exec_start#/*/hugeplan } --root "$R" >"$T_TMP/$1.out" 2>&1
	RC=$?
}
domain() { # NAME GIB: a domain on 1G pages in $R's libvirt
	t_domain "$R/etc/libvirt/qemu" "$1" "$2"
}
SNIP=etc/default/grub.d/99-hugeplan.cfg
STATE=var/lib/hugeplan/applied

R=$T_TMP/lv
t_image "$R" one-node-32g 'GRUB_CMDLINE_LINUX=""'
mkdir -p "$R/etc/hugeplan/vms.d" "$R/etc/libvirt/qemu"
domain db1 2
# db1: 2 GiB on 1G pages, any node: 2 x 1G
RES2="hugepagesz=1G hugepages=2"
ID2=$(fnv "$RES2")

svc first
t_eq "nothing applied yet: exit 0" 0 "$RC"
t_grep "nothing applied yet: the VM named" "^1 VM planned, nothing applied yet: added: db1:\$" "$T_TMP/first.out"
t_grep "nothing applied yet: its source, file and pages" \
	"^  db1 \(libvirt, $R/etc/libvirt/qemu/db1.xml\): added: 2 x 1G\$" "$T_TMP/first.out"
t_grep "nothing applied yet: the command to run" \
	"^the new plan is $ID2: run \`hugeplan apply\` to write it \(or set \[Host\] AutoApply=yes\)\$" "$T_TMP/first.out"
t_eq "AutoApply= unset: nothing written" "no" "$([ -e "$R/$SNIP" ] || [ -e "$R/$STATE" ] && echo yes || echo no)"
svc again
t_eq "the same change again (the timer): exit 0" 0 "$RC"
t_eq "the same change again: one line, not the list" \
	"plan $ID2 (1 VM changed: added: db1) is still not applied: run \`hugeplan apply\`" "$(cat "$T_TMP/again.out")"

"$HP" apply --root "$R" >"$T_TMP/apply.out" 2>&1
t_eq "apply: exit 0" 0 $?
svc unchanged
t_eq "after apply: exit 0" 0 "$RC"
t_grep "after apply: unchanged" "^unchanged: plan $ID2 is what hugeplan apply recorded \(20[0-9-]*T[0-9:]*Z\)\$" "$T_TMP/unchanged.out"

# virsh setmaxmem db1 3G --config: 3 x 1G
domain db1 3
RES3="hugepagesz=1G hugepages=3"
ID3=$(fnv "$RES3")
snip_before=$(cat "$R/$SNIP")
svc grown
t_eq "db1 grew, AutoApply=no: exit 0" 0 "$RC"
t_grep "db1 grew: named, since the recorded plan" \
	"^1 VM changed since hugeplan apply recorded plan $ID2 \(.*\): grew: db1:\$" "$T_TMP/grown.out"
t_grep "db1 grew: its line" \
	"^  db1 \(libvirt, $R/etc/libvirt/qemu/db1.xml\): grew from 2.00 GiB to 3.00 GiB: 2 x 1G -> 3 x 1G\$" "$T_TMP/grown.out"
t_eq "db1 grew, AutoApply=no: the snippet is as it was" "$snip_before" "$(cat "$R/$SNIP")"

# AutoApply=yes: the service applies; the snippet is rewritten with the new plan
printf '[Host]\nAutoApply=yes\n' >"$R/etc/hugeplan/hugeplan.conf"
svc auto
t_eq "AutoApply=yes: exit 0" 0 "$RC"
t_grep "AutoApply=yes: says it applies" "^AutoApply=yes: running hugeplan apply\$" "$T_TMP/auto.out"
t_grep "AutoApply=yes: apply wrote the snippet" "^wrote $R/$SNIP: $RES3 hugeplan.plan=$ID3\$" "$T_TMP/auto.out"
t_grep "AutoApply=yes: the snippet holds the new plan" "hugeplan.plan=$ID3" "$R/$SNIP"
t_grep "AutoApply=yes: the state records it" "^plan=$ID3\$" "$R/$STATE"
t_grep "AutoApply=yes: and db1's new pages" "^vm=db1 libvirt 1048576:-:3 /etc/libvirt/qemu/db1.xml\$" "$R/$STATE"
svc auto-again
t_eq "AutoApply=yes, nothing changed since: exit 0" 0 "$RC"
t_grep "AutoApply=yes, nothing changed since: unchanged" "^unchanged: plan $ID3 " "$T_TMP/auto-again.out"

# a domain that does not fit (40 GiB of 1G pages on 32 GiB): nothing applied, exit 1
domain huge 40
snip_before=$(cat "$R/$SNIP")
svc nofit
t_eq "a plan that does not fit, AutoApply=yes: exit 1" 1 "$RC"
t_grep "a plan that does not fit: says so" "^today's plan does not fit this host: nothing applied" "$T_TMP/nofit.out"
t_eq "a plan that does not fit: the snippet is as it was" "$snip_before" "$(cat "$R/$SNIP")"
rm "$R/etc/libvirt/qemu/huge.xml"

# a domain removed (virsh undefine): with AutoApply=no the removal is named
printf '[Host]\nAutoApply=no\n' >"$R/etc/hugeplan/hugeplan.conf"
rm "$R/etc/libvirt/qemu/db1.xml"
svc removed
t_grep "db1 undefined: named as removed, with its file as on the system" \
	"^  db1 \(libvirt, /etc/libvirt/qemu/db1.xml\): removed: was 3 x 1G\$" "$T_TMP/removed.out"
t_grep "db1 undefined: the new plan reserves nothing" "^the new plan is to reserve nothing: run" "$T_TMP/removed.out"

# a state an older hugeplan wrote (no vm= records): the plan ids alone, no VM named
sed -i '/^vm=/d; /^booted/d' "$R/$STATE"
rm "$R/run/hugeplan/replan-reported" # reported above: this is a new boot
svc oldstate
t_grep "a state without records: the change said, no VM named" \
	"^the plan changed since hugeplan apply recorded plan $ID3 \(.*\); which VMs changed is not known: /var/lib/hugeplan/applied holds no per-VM record\$" \
	"$T_TMP/oldstate.out"
if grep -q '^  db1' "$T_TMP/oldstate.out"; then
	t_fail "a state without records: db1 not named" "$(cat "$T_TMP/oldstate.out")"
else
	t_ok "a state without records: db1 not named"
fi

# usage
"$HP" replan --root "$R" extra >/dev/null 2>&1
t_eq "replan: an extra argument: exit 2" 2 $?
"$HP" replan --kver 6.1 >/dev/null 2>&1
t_eq "replan: an option it does not take: exit 2" 2 $?

# --- the units: what the path unit watches is what plan reads --------------------------------
# A real plan under strace on an image with every source (configuration, a drop-in, vms.d,
# libvirt) lists the directories it reads (opened as directories, or holding a file it
# opened); each must be a PathChanged= of hugeplan-replan.path, /etc/pve apart (FUSE: the
# timer's). A control: the image's /etc/pve is read too, and is not watched. Paths beneath
# the root are opened with openat2(RESOLVE_IN_ROOT) as the image names them (sys/root.h);
# O_PATH opens only look (stat, the permission walk) and read nothing.
A=$T_TMP/all
t_host "$A" one-node-32g
mkdir -p "$A/etc/hugeplan/vms.d" "$A/etc/hugeplan/hugeplan.conf.d" "$A/etc/libvirt/qemu" \
	"$A/etc/pve/nodes/pve1/qemu-server"
ln -s nodes/pve1 "$A/etc/pve/local"
printf '[Host]\n' >"$A/etc/hugeplan/hugeplan.conf"
printf '[Host]\nStrict=no\n' >"$A/etc/hugeplan/hugeplan.conf.d/10-x.conf"
printf '[VM]\nMemory=1G\nPageSize=2M\n' >"$A/etc/hugeplan/vms.d/web.conf"
R=$A domain db2 1
printf 'name: pvevm\nmemory: 1024\nnuma: 1\nhugepages: 2\nkeephugepages: 1\n' \
	>"$A/etc/pve/nodes/pve1/qemu-server/100.conf"
strace -f -qq -e trace=open,openat,openat2 -o "$T_TMP/plan.strace" "$HP" plan --root "$A" \
	>"$T_TMP/plan-all.out" 2>&1
t_grep "every source planned (the strace run worked)" "pvevm" "$T_TMP/plan-all.out"
awk -v root="$A" '
	{
		if (!match($0, /"[^"]*"/))
			next
		p = substr($0, RSTART + 1, RLENGTH - 2)
		if ($0 ~ /= -1 / || $0 ~ /O_PATH/)
			next
		if ($0 ~ /RESOLVE_IN_ROOT/ && index(p, "/etc/") == 1)
			p = root p
		if (index(p, root "/etc/") != 1)
			next
		p = substr(p, length(root) + 1)
		if ($0 !~ /O_DIRECTORY/)
			sub(/\/[^\/]*$/, "", p)
		print p
	}' "$T_TMP/plan.strace" | LC_ALL=C sort -u >"$T_TMP/read-dirs"
sed -n 's/^PathChanged=//p' "$U/hugeplan-replan.path" | LC_ALL=C sort -u >"$T_TMP/watched"
t_grep "control: plan read /etc/pve's node directory" "^/etc/pve/nodes/pve1/qemu-server\$" "$T_TMP/read-dirs"
grep -v '^/etc/pve' "$T_TMP/read-dirs" >"$T_TMP/read-dirs-inotify"
t_diff "hugeplan-replan.path watches exactly the directories plan reads (but /etc/pve)" \
	"$T_TMP/read-dirs-inotify" "$T_TMP/watched"
t_eq "the path unit starts the service" "hugeplan-replan.service" "$(sed -n 's/^Unit=//p' "$U/hugeplan-replan.path")"
t_eq "the timer starts the service" "hugeplan-replan.service" "$(sed -n 's/^Unit=//p' "$U/hugeplan-replan.timer")"
t_eq "the timer runs where /etc/pve is" "/etc/pve" "$(sed -n 's/^ConditionPathExists=//p' "$U/hugeplan-replan.timer")"

# the timer's run on a Proxmox image: the same service, the VMs from /etc/pve
R=$T_TMP/pve
t_image "$R" two-node-16g-32g 'GRUB_CMDLINE_LINUX=""'
mkdir -p "$R/etc/hugeplan" "$R/etc/pve/nodes/pve1/qemu-server"
ln -s nodes/pve1 "$R/etc/pve/local"
printf '[Host]\nAutoApply=yes\n' >"$R/etc/hugeplan/hugeplan.conf"
# qemu-server's memory-hugepages-2m (8192 MiB on 2M pages, numa, 2 sockets): 4096 MiB on each
# guest node i, which its reservation puts on host node i: 2048 x 2M on nodes 0 and 1
cp "$SH/proxmox/cfg2cmd/memory-hugepages-2m.conf" "$R/etc/pve/nodes/pve1/qemu-server/100.conf"
printf 'keephugepages: 1\n' >>"$R/etc/pve/nodes/pve1/qemu-server/100.conf"
svc pve
t_eq "Proxmox image, AutoApply=yes: exit 0" 0 "$RC"
t_grep "Proxmox image: the VM named, from its file" "^  .* \(proxmox, $R/etc/pve/nodes/pve1/qemu-server/100.conf\): added: 2048 x 2M on node 0 \+ 2048 x 2M on node 1\$" "$T_TMP/pve.out"
t_grep "Proxmox image: the snippet written, per node" "hugepagesz=2M hugepages=0:2048,1:2048" "$R/$SNIP"
t_done
