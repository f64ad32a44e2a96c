#!/bin/sh
# libvirt tier: the real libvirt's own answer against hugeplan's plan. Domains covering every
# rule of generator/sources/libvirt.h are defined with virsh define in a libvirtd of a private
# mount namespace (lib-libvirt.sh; it sees a 2-node copy of /sys/devices/system/node, so
# multi-node rules validate); hugeplan then plans from the files libvirt wrote, and per VM
# every memory backend and its pages per size and node must be what
# "virsh domxml-to-native qemu-argv" gives: each memory-backend-file's size, mem-path (the
# hugetlbfs mount, hence the page size), host-nodes and policy, turned into pages per node by
# the kernel's rules (bind to one node: there; interleave: round-robin from the lowest node;
# preferred: that node; no host-nodes: any node) and hugeplan's stated policy for a bind over
# several nodes (split evenly, each part rounded up). A restrictive domain binds through
# cgroups: its nodes are those of the numatune libvirt wrote.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/libvirt/lib-libvirt.sh
. "$(dirname "$0")/lib-libvirt.sh"
t_init
HP=$B/hugeplan

if ! lv_start "$T_TMP/lv" 2; then
	t_fail "libvirt tier: libvirtd in a private namespace" "$LV_ERR"
	t_done
	exit 0
fi
t_ok "libvirtd $(virsh_ns version | sed -n 's/.*libvirt \([0-9.]*\).*/\1/p' | head -1) in a private mount namespace, 2 host nodes"

mkdir -p "$T_TMP/dom"
dom() { # NAME BODY: a type='qemu' domain (TCG: no KVM, no disk needed)
	cat >"$T_TMP/dom/$1.xml" <<EOF
<domain type='qemu'>
  <name>$1</name>
$2
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>
EOF
}
cpu2() { # CELL0 CELL1 (KiB)
	echo "<vcpu>2</vcpu><cpu><numa><cell id='0' cpus='0' memory='$1' unit='KiB'/><cell id='1' cpus='1' memory='$2' unit='KiB'/></numa></cpu>"
}
dom plain1g "<memory unit='GiB'>2</memory><memoryBacking><hugepages><page size='1' unit='GiB'/></hugepages></memoryBacking><vcpu>1</vcpu>"
dom bare "<memory unit='MiB'>1000</memory><memoryBacking><hugepages/></memoryBacking><vcpu>1</vcpu>"
dom units "<memory unit='GB'>1</memory><memoryBacking><hugepages><page size='2048' unit='k'/></hugepages></memoryBacking><vcpu>1</vcpu>"
dom strict "<memory unit='GiB'>3</memory><memoryBacking><hugepages><page size='2' unit='M'/></hugepages></memoryBacking><numatune><memory mode='strict' nodeset='1'/></numatune><vcpu>1</vcpu>"
dom interleave "<memory unit='GiB'>5</memory><memoryBacking><hugepages><page size='1048576'/></hugepages></memoryBacking><numatune><memory mode='interleave' nodeset='0-1'/></numatune><vcpu>1</vcpu>"
dom preferred "<memory unit='MiB'>512</memory><memoryBacking><hugepages/></memoryBacking><numatune><memory mode='preferred' nodeset='1'/></numatune><vcpu>1</vcpu>"
dom restrictive "<memory unit='GiB'>1</memory><memoryBacking><hugepages><page size='2' unit='MiB'/></hugepages></memoryBacking><numatune><memory mode='restrictive' nodeset='0'/></numatune><vcpu>1</vcpu>"
dom bindboth "<memory unit='MiB'>3074</memory><memoryBacking><hugepages><page size='2' unit='MiB'/></hugepages></memoryBacking><numatune><memory mode='strict' nodeset='0-1'/></numatune><vcpu>1</vcpu>"
dom cells "<memory unit='GiB'>3</memory><memoryBacking><hugepages><page size='2048' nodeset='1'/><page size='1' unit='G' nodeset='0'/></hugepages></memoryBacking><numatune><memory mode='strict' nodeset='0-1'/><memnode cellid='1' mode='strict' nodeset='1'/><memnode cellid='0' mode='preferred' nodeset='0'/></numatune>$(cpu2 2097152 1048576)"
dom partcell "<memory unit='GiB'>2</memory><memoryBacking><hugepages><page size='1' unit='G' nodeset='1'/></hugepages></memoryBacking>$(cpu2 1048576 1048576)"
dom dimms "<maxMemory slots='4' unit='GiB'>16</maxMemory><memory unit='GiB'>4</memory><memoryBacking><hugepages><page size='2' unit='M'/></hugepages></memoryBacking><numatune><memory mode='strict' nodeset='0'/></numatune>$(cpu2 1048576 1048576)"
# dimms: one inheriting cell 1's page size and binding, one on 1G with its own nodemask
sed -i "s|</devices>|<memory model='dimm'><target><size unit='MiB'>1023</size><node>1</node></target></memory><memory model='dimm'><source><pagesize unit='GiB'>1</pagesize><nodemask>1</nodemask></source><target><size unit='GiB'>1</size><node>0</node></target></memory></devices>|" "$T_TMP/dom/dimms.xml"
dom small4k "<memory unit='MiB'>512</memory><memoryBacking><hugepages><page size='4' unit='KiB'/></hugepages></memoryBacking><vcpu>1</vcpu>"
dom nohuge "<memory unit='GiB'>4</memory><vcpu>1</vcpu>"

defined=0
for f in "$T_TMP"/dom/*.xml; do
	n=$(basename "$f" .xml)
	if lv_run virsh -q -c qemu:///system define "$f" >"$T_TMP/define-$n.log" 2>&1; then
		defined=$((defined + 1))
	else
		t_fail "virsh define $n" "$(cat "$T_TMP/define-$n.log")"
	fi
done
set -- "$T_TMP"/dom/*.xml
t_eq "virsh define: every domain" "$#" "$defined"

# Backing= from the domain's own metadata, set with the real virsh (hugeplan.conf(5), VMS FROM
# LIBVIRT): mdyn dynamic, mtra transparent, mover dynamic but a vms.d override says static,
# mbad a value hugeplan refuses. They are planned apart (root2): the comparison above is of
# static pages.
NS_URI=https://hugeplan.invalid/xmlns/backing/1
mkdir -p "$T_TMP/mdom"
for n in mdyn mtra mover mbad; do
	sed "s|<name>strict</name>|<name>$n</name>|" "$T_TMP/dom/strict.xml" >"$T_TMP/mdom/$n.xml"
	lv_run virsh -q -c qemu:///system define "$T_TMP/mdom/$n.xml" >"$T_TMP/define-$n.log" 2>&1 ||
		t_fail "virsh define $n" "$(cat "$T_TMP/define-$n.log")"
done
md_set() { # DOM VALUE
	virsh_ns metadata "$1" --uri "$NS_URI" --key hugeplan --set "<backing>$2</backing>" --config >"$T_TMP/md-$1.log" 2>&1 ||
		t_fail "virsh metadata $1 --set" "$(cat "$T_TMP/md-$1.log")"
}
md_set mdyn dynamic
md_set mtra transparent
md_set mover dynamic
md_set mbad fast
root2=$T_TMP/root2
t_host "$root2" two-node-16g-32g
mkdir -p "$root2/etc/libvirt/qemu" "$T_TMP/conf2/vms.d"
for n in mdyn mtra mover mbad; do
	lv_run cat "/etc/libvirt/qemu/$n.xml" >"$root2/etc/libvirt/qemu/$n.xml"
	virsh_ns dumpxml --inactive "$n" >"$T_TMP/mdom/$n.dump" 2>&1 || t_fail "virsh dumpxml $n" "$(cat "$T_TMP/mdom/$n.dump")"
done
# what virsh reads back in that namespace, its words
t_eq "virsh metadata mdyn --uri: reads back what was set" "<backing>dynamic</backing>" \
	"$(virsh_ns metadata mdyn --uri "$NS_URI" --config 2>&1 | tr -d ' \n')"

# the value and line of the element in hugeplan's namespace, from virsh dumpxml and the file
md_expect() { # DOM: "VALUE LINE" (LINE: of the element in the file libvirt wrote)
	python3 - "$T_TMP/mdom/$1.dump" "$root2/etc/libvirt/qemu/$1.xml" "$NS_URI" <<'PY'
import sys, xml.etree.ElementTree as ET
dump, file, ns = sys.argv[1:4]
el = ET.parse(dump).getroot().find("metadata/{%s}backing" % ns)
line = next(i for i, l in enumerate(open(file), 1) if ("xmlns:hugeplan=\"%s\"" % ns) in l)
print(el.text.strip(), line)
PY
}
mv "$root2/etc/libvirt/qemu/mbad.xml" "$T_TMP/mdom/mbad.file"
printf '[VM]\nBacking=static\n' >"$T_TMP/conf2/vms.d/mover.conf"
"$HP" plan --json --root "$root2" --config "$T_TMP/conf2" >"$T_TMP/plan2.json" 2>"$T_TMP/plan2.err"
t_eq "plan over domains with hugeplan metadata: exit 0" 0 $?
got() { # DOM: "backing backing_from line-of-backing_at"
	python3 -c 'import json,sys; v={v["name"]: v for v in json.load(open(sys.argv[1]))["vms"]}[sys.argv[2]]; print(v["backing"], v["backing_from"], v["backing_at"].rsplit(":", 1)[-1])' "$T_TMP/plan2.json" "$1"
}
e=$(md_expect mdyn)
t_eq "mdyn: Backing= from its metadata, as virsh dumpxml shows it, at the element's line" "${e% *} metadata ${e#* }" "$(got mdyn)"
e=$(md_expect mtra)
t_eq "mtra: the same for transparent" "${e% *} metadata ${e#* }" "$(got mtra)"
t_eq "mtra: transparent, no pages planned" "[]" \
	"$(python3 -c 'import json,sys; print([p for v in json.load(open(sys.argv[1]))["vms"] if v["name"] == "mtra" for p in v["pages"]])' "$T_TMP/plan2.json")"
e=$(md_expect mover)
t_eq "mover: metadata says ${e% *}, the vms.d override's Backing=static wins" \
	"static override 2" "$(got mover)"
"$HP" plan --root "$root2" --config "$T_TMP/conf2" >"$T_TMP/plan2.txt" 2>&1
t_grep "plan names the metadata as mdyn's source of Backing=" \
	"^  mdyn: libvirt $root2/etc/libvirt/qemu/mdyn.xml, Backing=dynamic from its <metadata> \(line $(md_expect mdyn | cut -d' ' -f2)\)\$" "$T_TMP/plan2.txt"

# a value hugeplan does not know: FILE:LINE and the value, exit 2, nothing written
mv "$T_TMP/mdom/mbad.file" "$root2/etc/libvirt/qemu/mbad.xml"
e=$(md_expect mbad)
set -- "${e% *}" "${e#* }"
t_image "$T_TMP/img" two-node-16g-32g 'GRUB_CMDLINE_LINUX=""'
mkdir -p "$T_TMP/img/etc/libvirt/qemu"
cp "$root2/etc/libvirt/qemu/mbad.xml" "$T_TMP/img/etc/libvirt/qemu/"
find "$T_TMP/img" -exec stat -c '%n %s %Y' {} + | sort >"$T_TMP/img.before"
"$HP" apply --root "$T_TMP/img" >"$T_TMP/apply-bad.out" 2>&1
t_eq "apply with hugeplan:backing=$1 in a domain: exit 2" 2 $?
t_grep "... FILE:LINE: hugeplan:backing=$1: expected static, dynamic or transparent" \
	"^$T_TMP/img/etc/libvirt/qemu/mbad.xml:$2: hugeplan:backing=$1: expected static, dynamic or transparent\$" "$T_TMP/apply-bad.out"
find "$T_TMP/img" -exec stat -c '%n %s %Y' {} + | sort >"$T_TMP/img.after"
t_diff "... and nothing written in the image" "$T_TMP/img.before" "$T_TMP/img.after"
"$HP" plan --root "$root2" --config "$T_TMP/conf2" >"$T_TMP/plan-bad.out" 2>&1
t_eq "plan with it: exit 2" 2 $?

# the files libvirt wrote, and its command line for each, out of the namespace
root=$T_TMP/root
t_host "$root" two-node-16g-32g
mkdir -p "$root/etc/libvirt/qemu" "$T_TMP/argv" "$T_TMP/conf"
for f in "$T_TMP"/dom/*.xml; do
	n=$(basename "$f" .xml)
	lv_run cat "/etc/libvirt/qemu/$n.xml" >"$root/etc/libvirt/qemu/$n.xml"
	virsh_ns domxml-to-native qemu-argv --domain "$n" >"$T_TMP/argv/$n" 2>"$T_TMP/argv/$n.err" ||
		t_fail "domxml-to-native $n" "$(cat "$T_TMP/argv/$n.err")"
done
lv_stop

"$HP" plan --json --root "$root" --config "$T_TMP/conf" >"$T_TMP/plan.json" 2>"$T_TMP/plan.err"
rc=$?
t_eq "hugeplan plan over the domains libvirt wrote: exit 0" 0 "$rc"
[ $rc -eq 0 ] || sed 's/^/#   /' "$T_TMP/plan.err"

python3 - "$T_TMP" "$LV_HP2M" "$LV_HP1G" >"$T_TMP/compare.out" 2>&1 <<'EOF'
import json, os, re, sys, xml.etree.ElementTree as ET
tmp, hp2m, hp1g = sys.argv[1:4]
plan = json.load(open(os.path.join(tmp, "plan.json")))
vms = {v["name"]: v for v in plan["vms"]}
G, M = 1 << 30, 1 << 20
domains = backends = 0
bad = []
for name in sorted(os.listdir(os.path.join(tmp, "argv"))):
    if name.endswith(".err"):
        continue
    argv = open(os.path.join(tmp, "argv", name)).read()
    want = {}   # (page_kb, node or None) -> pages
    ids = {}
    for m in re.finditer(r"-object '(\{[^']*\})'", argv):
        o = json.loads(m.group(1))
        if o.get("qom-type") != "memory-backend-file":
            continue
        path = o.get("mem-path", "")
        page = 2 * M if path.startswith(hp2m + "/") else G if path.startswith(hp1g + "/") else 0
        if not page:
            continue
        size, nodes, pol = o["size"], sorted(o.get("host-nodes", [])), o.get("policy")
        if not nodes:
            # restrictive: libvirt binds through cgroups, the nodes are the numatune's
            root = ET.parse(os.path.join(tmp, "root/etc/libvirt/qemu", name + ".xml")).getroot()
            nt = root.find("numatune/memory")
            if nt is not None and nt.get("mode") == "restrictive":
                nodes, pol = [int(x) for x in nt.get("nodeset").split(",")], "bind"
        n = -(-size // page)
        ids[o["id"]] = size
        def add(node, k):
            if k:
                want[(page // 1024, node)] = want.get((page // 1024, node), 0) + k
        if not nodes:
            add(None, n)
        elif pol == "interleave":
            for j, nd in enumerate(nodes):
                add(nd, n // len(nodes) + (1 if j < n % len(nodes) else 0))
        elif pol == "preferred":
            add(nodes[0], n)
        else:  # bind: split the bytes evenly, each part rounded up
            for j, nd in enumerate(nodes):
                share = size // len(nodes) + (1 if j < size % len(nodes) else 0)
                add(nd, -(-share // page))
        backends += 1
    v = vms.get(name)
    got = {}
    if v:
        for p in v["pages"]:
            got[(p["page_size_kb"], p["node"])] = p["pages"]
        ours = {b["id"]: b["bytes"] for b in v["backends"]}
    else:
        ours = {}
    domains += 1
    if got != want or ours != ids:
        bad.append("%s: libvirt %s %s; hugeplan %s %s" % (name, sorted(want.items(), key=str), ids, sorted(got.items(), key=str), ours))
print("domains %d backends %d" % (domains, backends))
for b in bad:
    print("MISMATCH " + b)
EOF
if grep -q MISMATCH "$T_TMP/compare.out" || ! grep -q '^domains' "$T_TMP/compare.out"; then
	t_fail "every domain: hugeplan's backends and pages per size and node are libvirt's" "$(cat "$T_TMP/compare.out")"
else
	t_ok "every domain: hugeplan's backends and pages per size and node are libvirt's ($(cat "$T_TMP/compare.out"))"
fi
# the ones libvirt puts on no huge pages are listed, not planned
t_eq "nohuge and small4k: read, not on huge pages" "nohuge small4k" \
	"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(sorted(v["name"] for v in d["vms"] if not v["huge_pages"])))' "$T_TMP/plan.json")"
t_done
