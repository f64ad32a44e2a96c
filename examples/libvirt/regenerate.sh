#!/bin/sh
# The example libvirt host's domains (examples/libvirt/etc/libvirt/qemu/*.xml) are what the
# real libvirt writes: this script defines the domains below with virsh define in a private
# libvirtd (tests/libvirt/lib-libvirt.sh: a mount namespace, tmpfs over /etc/libvirt, a
# 2-node copy of /sys/devices/system/node; the host's libvirt is not touched) and copies the
# files libvirt wrote to DIR (default: examples/libvirt/etc/libvirt/qemu). UUIDs and MAC
# addresses are given, so that the output is the same at every run: the libvirt tier runs
# this into a scratch folder and compares it with the committed files. Needs root and
# libvirt-daemon-system (tests/install-deps.sh).
#
# The host is examples/host (two nodes of 128 GiB, 2M and 1G pages). The domains:
#   db1          64 GiB on 1G pages, bound to host node 0 (numatune strict)
#   analytics    96 GiB in two guest NUMA cells of 48 GiB on 1G pages, cell i on host node i
#   web1, web2   8 GiB each on the default huge page size (a bare <hugepages/>)
#   cache        4 GiB on 2M pages, interleaved over both nodes
#   win-desktop  16 GiB of ordinary memory, a GPU passed through: read, not planned
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$TOP/examples/libvirt/etc/libvirt/qemu}
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
# shellcheck source=tests/libvirt/lib-libvirt.sh
. "$TOP/tests/libvirt/lib-libvirt.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/hugeplan-examples.XXXXXX")
t_cleanup() { rm -rf "$W"; }
if ! lv_start "$W/lv" 2; then
	echo "regenerate.sh: $LV_ERR" >&2
	exit 1
fi

dom() { # NAME UUID MAC MEMORY_KIB BODY
	cat >"$W/$1.xml" <<XML
<domain type='kvm'>
  <name>$1</name>
  <uuid>$2</uuid>
  <memory unit='KiB'>$4</memory>
  <currentMemory unit='KiB'>$4</currentMemory>
$5
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <features><acpi/><apic/></features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/$1.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='$3'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <console type='pty'/>
  </devices>
</domain>
XML
}
dom db1 5d3c8f0e-1b2a-4c6d-9e8f-0a1b2c3d4e01 52:54:00:14:00:01 67108864 "
  <memoryBacking><hugepages><page size='1' unit='GiB'/></hugepages></memoryBacking>
  <vcpu placement='static'>8</vcpu>
  <numatune><memory mode='strict' nodeset='0'/></numatune>"
dom analytics 5d3c8f0e-1b2a-4c6d-9e8f-0a1b2c3d4e02 52:54:00:14:00:02 100663296 "
  <memoryBacking><hugepages><page size='1048576' unit='KiB'/></hugepages></memoryBacking>
  <vcpu placement='static'>16</vcpu>
  <numatune>
    <memory mode='strict' nodeset='0-1'/>
    <memnode cellid='0' mode='strict' nodeset='0'/>
    <memnode cellid='1' mode='strict' nodeset='1'/>
  </numatune>
  <cpu><numa>
    <cell id='0' cpus='0-7' memory='50331648' unit='KiB'/>
    <cell id='1' cpus='8-15' memory='50331648' unit='KiB'/>
  </numa></cpu>"
dom web1 5d3c8f0e-1b2a-4c6d-9e8f-0a1b2c3d4e03 52:54:00:14:00:03 8388608 "
  <memoryBacking><hugepages/></memoryBacking>
  <vcpu placement='static'>2</vcpu>"
dom web2 5d3c8f0e-1b2a-4c6d-9e8f-0a1b2c3d4e04 52:54:00:14:00:04 8388608 "
  <memoryBacking><hugepages/></memoryBacking>
  <vcpu placement='static'>2</vcpu>"
dom cache 5d3c8f0e-1b2a-4c6d-9e8f-0a1b2c3d4e05 52:54:00:14:00:05 4194304 "
  <memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking>
  <vcpu placement='static'>2</vcpu>
  <numatune><memory mode='interleave' nodeset='0-1'/></numatune>"
dom win-desktop 5d3c8f0e-1b2a-4c6d-9e8f-0a1b2c3d4e06 52:54:00:14:00:06 16777216 "
  <vcpu placement='static'>4</vcpu>"
# the GPU: a PCI device passed through (libvirt does not check that it exists at define)
sed -i "s|    <console type='pty'/>|    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x41' slot='0x00' function='0x0'/></source></hostdev>\n    <console type='pty'/>|" "$W/win-desktop.xml"

mkdir -p "$OUT"
for f in "$W"/*.xml; do
	n=$(basename "$f" .xml)
	virsh_ns define "$f" >"$W/define.log" 2>&1 || { echo "regenerate.sh: virsh define $n: $(cat "$W/define.log")" >&2; exit 1; }
	lv_run cat "/etc/libvirt/qemu/$n.xml" >"$OUT/$n.xml"
done
lv_stop
echo "regenerate.sh: $(ls "$OUT" | wc -l) domains written by $(virsh --version) to $OUT"
