#!/bin/sh
# sources tier: hugeplan plan on --root images holding libvirt domains and Proxmox VMs.
# Expected page counts are worked out from the inputs by the rules of generator/sources (the
# parsers' exactness against libvirt and qemu-server is test-sources and the libvirt tier).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_init
HP=$B/hugeplan
t_shared || exit 1

img() { # DIR: a two-node host with an empty configuration
	t_host "$1" two-node-16g-32g
	mkdir -p "$1/etc/hugeplan/vms.d" "$1/etc/libvirt/qemu"
}
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# libvirt: a domain on 1G bound to node 1, one off huge pages, one overridden
r=$T_TMP/lv
img "$r"
cat >"$r/etc/libvirt/qemu/db1.xml" <<'EOF'
<domain type='kvm'>
  <name>db1</name>
  <uuid>1b2d1a4e-0000-4000-8000-000000000001</uuid>
  <memory unit='KiB'>8388608</memory>
  <currentMemory unit='KiB'>2097152</currentMemory>
  <memoryBacking><hugepages><page size='1048576' unit='KiB'/></hugepages></memoryBacking>
  <numatune><memory mode='strict' nodeset='1'/></numatune>
</domain>
EOF
cat >"$r/etc/libvirt/qemu/web.xml" <<'EOF'
<domain type='kvm'><name>web</name><memory unit='GiB'>4</memory></domain>
EOF
cat >"$r/etc/libvirt/qemu/cache.xml" <<'EOF'
<domain type='kvm'><name>cache</name><memory unit='MiB'>1024</memory>
<memoryBacking><hugepages/></memoryBacking></domain>
EOF
printf '[VM]\nPageSize=1G\n' >"$r/etc/hugeplan/vms.d/cache.conf"
"$HP" plan --root "$r" >"$T_TMP/lv.out" 2>&1
t_eq "libvirt host without a vms.d VM: exit 0" 0 $?
t_grep "db1: 8 1G pages on node 1 (8388608 KiB, strict nodeset 1)" '^1G +1 +9 ' "$T_TMP/lv.out"
t_grep "the plan names each VM's source and file" "db1: libvirt $r/etc/libvirt/qemu/db1.xml" "$T_TMP/lv.out"
t_grep "the override is named with its keys" "cache: libvirt .*cache.xml, with PageSize= from .*vms.d/cache.conf" "$T_TMP/lv.out"
t_grep "web: read, listed once as not on huge pages" "^Not on huge pages \(no pages planned, ordinary memory in the budget\): web \(libvirt, 4.00 GiB\)$" "$T_TMP/lv.out"
"$HP" plan --json --root "$r" >"$T_TMP/lv.json" 2>&1
t_eq "plan --json: per-VM records" \
	"cache libvirt [(1048576, None, 1)]|db1 libvirt [(1048576, 1, 8)]|web libvirt []" \
	"$(jq_ "$T_TMP/lv.json" '"|".join("%s %s %s" % (v["name"], v["source"], [(p["page_size_kb"], p["node"], p["pages"]) for p in v["pages"]]) for v in d["vms"])')"
# Backing= of imported VMs (issue 16): DefaultBacking=, unless an override sets Backing=; a
# VM off huge pages is ordinary memory in the budget. Two nodes of 16G and 32G, reserve
# max(2G, 5% of 48G) = 2.4G by MemTotal: 0.8G and 1.6G. db1's 8 x 1G are bound to node 1;
# cache's one unbound 1G page goes whole where most is left: node 0 16G - 0.8G, node 1
# 32G - 1.6G - 8 x (1G + 16M): node 1. web's 4G is the only ordinary memory.
printf '[Host]\nDefaultBacking=dynamic\n' >"$r/etc/hugeplan/hugeplan.conf"
"$HP" plan --json --root "$r" >"$T_TMP/lvd.json" 2>"$T_TMP/lvd.err"
t_eq "DefaultBacking=dynamic: plan exits 0" 0 $?
t_eq "DefaultBacking=dynamic: imported VMs are dynamic, their pages where vm start raises them" \
	"cache:dynamic:1/1|db1:dynamic:1/8|web:transparent:" \
	"$(jq_ "$T_TMP/lvd.json" '"|".join("%s:%s:%s" % (v["name"], v["backing"], ",".join("%d/%d" % (p["node"], p["pages"]) for p in v["node_pages"] if p["pages"])) for v in sorted(d["vms"], key=lambda v: v["name"]))')"
t_eq "... the budget: 9 x 1G dynamic on node 1, web's 4G ordinary, nothing static" \
	"0:0,0,0,:1:0,9663676416,150994944,:ordinary=4294967296" \
	"$(jq_ "$T_TMP/lvd.json" '":".join("%d:%d,%d,%d," % (n["node"], n["pool"], n["dynamic"], n["dynamic_vmemmap"]) for n in d["nodes"]) + ":ordinary=%d" % sum(n["ordinary"] for n in d["nodes"])')"
printf '[VM]\nPageSize=1G\nBacking=static\n' >"$r/etc/hugeplan/vms.d/cache.conf"
"$HP" plan --json --root "$r" >"$T_TMP/lvs.json" 2>&1
t_eq "an override's Backing=static beats DefaultBacking=dynamic, and is named" \
	"cache:static:PageSize= Backing=|db1:dynamic:" \
	"$(jq_ "$T_TMP/lvs.json" '"|".join("%s:%s:%s" % (v["name"], v["backing"], v["override_keys"]) for v in sorted(d["vms"], key=lambda v: v["name"]) if v["huge_pages"])')"
# the one static page goes where most is left after the reserve: node 1 (30.4G against 15.2G)
t_grep "... and only cache is on the command line" '"kernel_args": "hugepagesz=1G hugepages=1:1 hugeplan' "$T_TMP/lvs.json"
printf '[VM]\nPageSize=1G\nInstances=2\n' >"$r/etc/hugeplan/vms.d/cache.conf"
"$HP" plan --root "$r" >"$T_TMP/lvi.out" 2>&1
t_eq "an imported dynamic VM with Instances=2: exit 2" 2 $?
t_grep "... saying why" "Backing=dynamic needs Instances=1" "$T_TMP/lvi.out"
printf '[VM]\nPageSize=1G\n' >"$r/etc/hugeplan/vms.d/cache.conf"
rm "$r/etc/hugeplan/hugeplan.conf"
printf '[VM]\nEnabled=no\n' >"$r/etc/hugeplan/vms.d/db1.conf"
"$HP" plan --json --root "$r" >"$T_TMP/lv2.json" 2>&1
t_eq "[VM] Enabled=no alone is a whole override" "cache" \
	"$(jq_ "$T_TMP/lv2.json" '" ".join(v["name"] for v in d["vms"] if v["planned"])')"
printf '[VM]\nPageSize=2M\n' >"$r/etc/hugeplan/vms.d/other.conf"
"$HP" plan --root "$r" >"$T_TMP/lv3.out" 2>&1
t_eq "an override-only file naming no VM: exit 2" 2 $?
t_eq "... Memory= is required" "$r/etc/hugeplan/vms.d/other.conf: Memory= is required" "$(cat "$T_TMP/lv3.out")"
rm "$r/etc/hugeplan/vms.d/other.conf"
printf '[VM]\nPageSize=2M\n' >"$r/etc/hugeplan/vms.d/web.conf"
"$HP" plan --root "$r" >"$T_TMP/lv4.out" 2>&1
t_eq "an override cannot put a VM libvirt runs off huge pages on them: exit 2" 2 $?
t_grep "... says so" "web is not on huge pages in libvirt" "$T_TMP/lv4.out"
rm "$r/etc/hugeplan/vms.d/web.conf"
printf '<domain><name>x</name>\n<memory unit="KiB">1</memory>\n<oops>\n</domain>\n' >"$r/etc/libvirt/qemu/x.xml"
"$HP" plan --root "$r" >"$T_TMP/lv5.out" 2>&1
t_eq "a malformed domain XML: exit 2" 2 $?
t_grep "... FILE:LINE: message" "^$r/etc/libvirt/qemu/x.xml:[45]: not a well-formed domain XML" "$T_TMP/lv5.out"
rm "$r/etc/libvirt/qemu/x.xml"
# what root may trust (StrictModes): a domain file or libvirt's directory that another user
# could change is refused, naming it and the fix; a domain file behind a link is not followed
if [ "$(id -u)" = 0 ]; then
	chmod 664 "$r/etc/libvirt/qemu/web.xml"
	"$HP" plan --root "$r" >"$T_TMP/perm1.out" 2>&1
	t_eq "a group-writable domain file: exit 2" 2 $?
	t_grep "... named, with the fix" "^$r/etc/libvirt/qemu/web.xml: writable by group or others \(mode 0664\): .*chmod go-w" "$T_TMP/perm1.out"
	chmod 644 "$r/etc/libvirt/qemu/web.xml"
	chown 1000 "$r/etc/libvirt/qemu/web.xml"
	"$HP" plan --root "$r" >"$T_TMP/perm2.out" 2>&1
	t_grep "a domain file owned by another user: refused" "web.xml: owned by uid 1000, not root" "$T_TMP/perm2.out"
	chown 0 "$r/etc/libvirt/qemu/web.xml"
	chmod 775 "$r/etc/libvirt/qemu"
	"$HP" plan --root "$r" >"$T_TMP/perm3.out" 2>&1
	t_grep "a group-writable libvirt directory: refused" "etc/libvirt/qemu: writable by group or others \(mode 0775\)" "$T_TMP/perm3.out"
	chmod 755 "$r/etc/libvirt/qemu"
	mv "$r/etc/libvirt/qemu/web.xml" "$T_TMP/web.xml"
	ln -s "$T_TMP/web.xml" "$r/etc/libvirt/qemu/web.xml"
	"$HP" plan --root "$r" >"$T_TMP/perm4.out" 2>&1
	t_grep "a domain file behind a symbolic link: not followed" "web.xml: cannot open: a symbolic link \(not followed\)" "$T_TMP/perm4.out"
	rm "$r/etc/libvirt/qemu/web.xml"
	mv "$T_TMP/web.xml" "$r/etc/libvirt/qemu/web.xml"
else
	t_skip "StrictModes of the sources" "not root"
fi
printf '[Host]\nSources=files\n' >"$r/etc/hugeplan/hugeplan.conf"
"$HP" plan --root "$r" >"$T_TMP/lv6.out" 2>&1
t_grep "Sources=files: an override file then overrides nothing" "cache.conf: Memory= is required" "$T_TMP/lv6.out"
rm "$r/etc/hugeplan/vms.d/cache.conf" "$r/etc/hugeplan/vms.d/db1.conf"
"$HP" plan --root "$r" >"$T_TMP/lv7.out" 2>&1
t_grep "Sources=files reads no domain" "No enabled VM" "$T_TMP/lv7.out"
rm "$r/etc/hugeplan/hugeplan.conf"

# Proxmox: this node's VMs through /etc/pve/local; templates and snapshots skipped
p=$T_TMP/pve
img "$p"
rm -r "$p/etc/libvirt"
mkdir -p "$p/etc/pve/nodes/pve1/qemu-server" "$p/etc/pve/nodes/pve2/qemu-server"
ln -s nodes/pve1 "$p/etc/pve/local"
cp "$SH/proxmox/cfg2cmd/memory-hugepages-1g.conf" "$p/etc/pve/nodes/pve1/qemu-server/101.conf"
printf 'keephugepages: 1\n' >>"$p/etc/pve/nodes/pve1/qemu-server/101.conf"
printf 'memory: 2048\nnuma: 1\nhugepages: 2\ntemplate: 1\n' >"$p/etc/pve/nodes/pve1/qemu-server/102.conf"
printf 'name: other\nmemory: 4096\nnuma: 1\nhugepages: 2\nkeephugepages: 1\n' >"$p/etc/pve/nodes/pve2/qemu-server/201.conf"
printf 'name: small\nmemory: 2048\nnuma: 1\nhugepages: 2\nkeephugepages: 1\n[snap1]\nmemory: 65536\n' >"$p/etc/pve/nodes/pve1/qemu-server/103.conf"
"$HP" plan --json --root "$p" >"$T_TMP/pve.json" 2>"$T_TMP/pve.err"
t_eq "Proxmox host: exit 0" 0 $?
# memory-hugepages-1g: 8192 MiB over 2 sockets: 4 x 1G on each node; small: 1024 x 2M on node 0
t_eq "Proxmox: this node's VMs, no template, no other node's, snapshots ignored" \
	"simple proxmox [(1048576, 0, 4), (1048576, 1, 4)]|small proxmox [(2048, 0, 1024)]" \
	"$(jq_ "$T_TMP/pve.json" '"|".join("%s %s %s" % (v["name"], v["source"], [(p["page_size_kb"], p["node"], p["pages"]) for p in v["pages"]]) for v in d["vms"])')"
sed -i '/keephugepages/d' "$p/etc/pve/nodes/pve1/qemu-server/103.conf"
"$HP" plan --root "$p" >"$T_TMP/pve2.out" 2>&1
t_eq "Proxmox VM without keephugepages: plan exits 1" 1 $?
t_grep "... names the VM and the fix" "small .*103.conf.*qm set 103 --keephugepages 1" "$T_TMP/pve2.out"
"$HP" plan --json --root "$p" >"$T_TMP/pve3.json" 2>/dev/null
t_eq "... plan --json still gives every record" "simple small" \
	"$(jq_ "$T_TMP/pve3.json" '" ".join(v["name"] for v in d["vms"] if v["pages"])')"
"$HP" cmdline --root "$p" >"$T_TMP/pve4.out" 2>&1
t_eq "... cmdline refuses too" 1 $?
"$HP" check --root "$p" >"$T_TMP/pve5.out" 2>&1
t_eq "... check: exit 1, an error" 1 $?
t_grep "... check names the VM, its file and why" \
	"^error +proxmox-keephugepages: Proxmox VM 103 \(small, $p/etc/pve/nodes/pve1/qemu-server/103.conf\) is on huge pages without keephugepages: 1: .*frees the boot's pool\$" "$T_TMP/pve5.out"
t_grep "... check gives the fix" "^ +fix: qm set 103 --keephugepages 1\$" "$T_TMP/pve5.out"
# pve_refused ROOT VMID: check --json has the finding with its fix; apply exits 1, writes nothing
pve_refused() {
	"$HP" check --json --root "$1" >"$T_TMP/refused.json" 2>&1
	t_eq "... check --json: the finding" "proxmox-keephugepages error qm set $2 --keephugepages 1" \
		"$(jq_ "$T_TMP/refused.json" '" ".join(" ".join([f["id"], f["level"], f["fix"]]) for f in d["findings"] if f["id"].startswith("proxmox"))')"
	mkdir -p "$1/etc/default"
	cp -a "$1" "$T_TMP/refused-before"
	"$HP" apply --root "$1" >"$T_TMP/refused-apply.out" 2>&1
	t_eq "... apply: exit 1" 1 $?
	t_eq "... apply wrote nothing" "" "$(diff -r "$T_TMP/refused-before" "$1" 2>&1)"
	rm -rf "$T_TMP/refused-before"
}
pve_refused "$p" 103

# Proxmox and Backing=dynamic (issue 16): qemu-server allocates a dynamic VM's pages itself at
# its start, so vm start does nothing for it; without keephugepages: 1 it then sets the pool
# to what it reads from the kernel command line, so beside a static pool it is refused, and
# with no static pool it is fine. The VM is qemu-server's own memory-hugepages-2m test case.
q=$T_TMP/pvedyn
img "$q"
rm -r "$q/etc/libvirt"
mkdir -p "$q/etc/pve/nodes/pve1/qemu-server"
ln -s nodes/pve1 "$q/etc/pve/local"
cp "$SH/proxmox/cfg2cmd/memory-hugepages-2m.conf" "$q/etc/pve/nodes/pve1/qemu-server/100.conf"
printf '[Host]\nDefaultBacking=dynamic\n' >"$q/etc/hugeplan/hugeplan.conf"
# its memory-backend-file objects in qemu-server's command line, in 2M pages
want=$(sed -n "s/.*memory-backend-file,id=[^,]*,size=\([0-9]*\)M,mem-path=[^,]*2048kB.*/\1/p" \
	"$SH/proxmox/cfg2cmd/memory-hugepages-2m.conf.cmd" | awk '{ n += $1 / 2 } END { print n }')
"$HP" plan --json --root "$q" >"$T_TMP/pd1.json" 2>"$T_TMP/pd1.err"
t_eq "dynamic Proxmox VM without keephugepages, no static pool: plan exits 0" 0 $?
t_eq "... it is dynamic, its pages those of qemu-server's command line ($want x 2M), no static pool" \
	"dynamic $want 0" \
	"$(jq_ "$T_TMP/pd1.json" '"%s %d %d" % (d["vms"][0]["backing"], sum(n["pages"] for n in d["vms"][0]["node_pages"]), sum(p["pages"] for p in d["pools"]))')"
"$HP" check --json --root "$q" >"$T_TMP/pd1c.json" 2>&1
t_eq "... check: no proxmox-keephugepages finding" "" \
	"$(jq_ "$T_TMP/pd1c.json" '" ".join(f["id"] for f in d["findings"] if f["id"].startswith("proxmox"))')"
find "$q" -exec stat -c '%n %s %Y' {} + | sort >"$T_TMP/pd.before"
"$HP" vm start simple --root "$q" >"$T_TMP/pd-start.out" 2>&1
t_eq "vm start of the dynamic Proxmox VM: exit 0" 0 $?
t_grep "... says qemu-server allocates its pages" \
	"^simple: Backing=dynamic on Proxmox VE: qemu-server allocates the huge pages of VM 100 itself when it starts it: nothing to do\$" "$T_TMP/pd-start.out"
find "$q" -exec stat -c '%n %s %Y' {} + | sort >"$T_TMP/pd.after"
t_diff "... and changes nothing (no count, no record)" "$T_TMP/pd.before" "$T_TMP/pd.after"
# a static pool beside it: refused, naming the VMID and the fix
printf '[VM]\nMemory=1G\nPageSize=2M\nBacking=static\n' >"$q/etc/hugeplan/vms.d/db.conf"
"$HP" plan --root "$q" >"$T_TMP/pd2.out" 2>&1
t_eq "beside a static pool (db): plan exits 1" 1 $?
t_grep "... names the VMID and the fix" \
	"^  simple \\($q/etc/pve/nodes/pve1/qemu-server/100.conf\\): Proxmox VM 100 is Backing=dynamic without keephugepages: 1 beside a static pool: .*\\(fix: qm set 100 --keephugepages 1\\)\$" "$T_TMP/pd2.out"
pve_refused "$q" 100
printf 'keephugepages: 1\n' >>"$q/etc/pve/nodes/pve1/qemu-server/100.conf"
"$HP" plan --root "$q" >"$T_TMP/pd4.out" 2>&1
t_eq "with keephugepages: 1 (qm set 100 --keephugepages 1): plan exits 0" 0 $?

# one name in two sources
mkdir -p "$p/etc/libvirt/qemu"
printf "<domain><name>small</name><memory>1048576</memory></domain>\n" >"$p/etc/libvirt/qemu/small.xml"
"$HP" plan --root "$p" >"$T_TMP/two.out" 2>&1
t_eq "one name from libvirt and Proxmox: exit 2" 2 $?
t_grep "... names both" "VM name \"small\" is defined by libvirt .* and by proxmox" "$T_TMP/two.out"
# the bundled example hosts (make demo): examples/host's facts with examples/libvirt's domains
# (written by the real libvirt) or examples/proxmox's node laid over them; the pages per VM as
# their READMEs say, from the rules: libvirt cells on their memnode's node, interleave
# round-robin from node 0, a bare <hugepages/> on the boot's default (2M); qemu-server's
# numa0 hostnodes=, and guest node i on host node i without numaN lines
for src in libvirt proxmox; do
	cp -a "$TOP/examples/host" "$T_TMP/ex-$src"
	cp -a "$TOP/examples/$src/etc" "$T_TMP/ex-$src/"
	"$HP" plan --json --root "$T_TMP/ex-$src" >"$T_TMP/ex-$src.json" 2>"$T_TMP/ex-$src.err"
	t_eq "examples/$src: plan exits 0" 0 $?
done
t_eq "examples/libvirt: the pages of each domain" \
	"analytics [(1048576, 0, 48), (1048576, 1, 48)]|cache [(2048, 0, 1024), (2048, 1, 1024)]|db1 [(1048576, 0, 64)]|web1 [(2048, None, 4096)]|web2 [(2048, None, 4096)]|win-desktop []" \
	"$(jq_ "$T_TMP/ex-libvirt.json" '"|".join("%s %s" % (v["name"], [(p["page_size_kb"], p["node"], p["pages"]) for p in v["pages"]]) for v in d["vms"])')"
t_eq "examples/proxmox: the pages of each VM of this node (no template, no other node's)" \
	"db1 [(1048576, 1, 64)]|analytics [(1048576, 0, 48), (1048576, 1, 48)]|web1 [(2048, 0, 4096)]|win-desktop []" \
	"$(jq_ "$T_TMP/ex-proxmox.json" '"|".join("%s %s" % (v["name"], [(p["page_size_kb"], p["node"], p["pages"]) for p in v["pages"]]) for v in d["vms"])')"
t_done
