# Small libvirt domain files, as virsh define writes them, for tests that read /etc/libvirt/qemu
# without a libvirtd (the sources tier's replan, the harden tier's --root rows).
# shellcheck shell=sh

# t_domain DIR NAME GIB: DIR/NAME.xml, a domain of GIB GiB on 1G pages (the parts planned)
t_domain() {
	mkdir -p "$1"
	cat >"$1/$2.xml" <<EOF
<!--
WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE
OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:
  virsh edit $2
or other application using the libvirt API.
-->

<domain type='kvm'>
  <name>$2</name>
  <memory unit='KiB'>$(($3 * 1048576))</memory>
  <currentMemory unit='KiB'>$(($3 * 1048576))</currentMemory>
  <memoryBacking>
    <hugepages>
      <page size='1048576' unit='KiB'/>
    </hugepages>
  </memoryBacking>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
  </os>
</domain>
EOF
}
