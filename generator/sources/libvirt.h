/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A libvirt domain, as virsh define writes it to /etc/libvirt/qemu/NAME.xml, turned into the
 * memory backends on huge pages that libvirt's QEMU driver will ask QEMU for (its
 * qemuBuildMemoryBackendProps(); the rules of formatdomain's "Memory Backing", "NUMA Node
 * Tuning" and "Memory devices"). Pure: text in, VM out; libxml2 without network, DTD
 * loading or entity expansion, and a document with a DOCTYPE (which libvirt never writes) is
 * refused before it is parsed.
 *
 * The rules, as libvirt applies them:
 * - memory is <memory> (never <currentMemory>), or the guest NUMA cells of
 *   <cpu><numa><cell memory=>, each its own backend ("ram-nodeN"), each size rounded up to
 *   1 MiB (qemuDomainAlignMemorySizes); without cells one backend "pc.ram";
 * - a cell's page size: the first <memoryBacking><hugepages><page> whose nodeset (guest cells)
 *   holds it, else the <page> without nodeset, else none (ordinary memory); a bare
 *   <hugepages/> is the boot's default huge page size (HP_PAGE_BOOT_DEFAULT); a page of the
 *   system's base size (4 KiB) is no huge page. Without guest NUMA, a page with nodeset '0'
 *   is the one without (and then two of them are "two master hugepages detected"); a nodeset
 *   naming a cell the domain lacks is "hugepages: node N not found";
 * - a cell's host nodes: <numatune><memnode cellid=N>, else <numatune><memory>; strict and
 *   restrictive bind to those nodes, interleave spreads over them, preferred names one node;
 *   placement='auto' or no nodeset: any node;
 * - <memory model='dimm'> devices are backends of their own ("memdimmI", I counting memory
 *   devices), rounded up to 2 MiB: page size from <source><pagesize>, else their target
 *   cell's; host nodes from <source><nodemask> (policy of the target cell's mode), else the
 *   target cell's; an nvdimm (a file) is not on huge pages; a virtio-mem device is noted, not
 *   planned;
 * - units: b/bytes, KB (1000), k/KiB (1024), MB, M/MiB, GB, G/GiB, TB, T/TiB, PB, P/PiB, EB,
 *   E/EiB, in any case; no unit is KiB; sizes are kept in KiB (rounded up) as libvirt does.
 *
 * hugeplan's own key, in the domain's <metadata>: the element <backing> in the namespace
 * HP_LIBVIRT_NS is the VM's Backing= (static, dynamic or transparent, blanks around it
 * ignored), what
 *   virsh metadata DOM --uri HP_LIBVIRT_NS --key hugeplan
 *     --set '<backing>dynamic</backing>' --config
 * writes (libvirt keeps one element per namespace, under the prefix given as --key:
 * <hugeplan:backing xmlns:hugeplan="...">dynamic</hugeplan:backing>; the prefix is not read,
 * the namespace is). Another value, a second <backing>, or another element of that namespace
 * is an error at its line; static or dynamic on a domain that is not on huge pages too. A vms.d
 * override's Backing= wins over it (sources/sources.h), and it over DefaultBacking=.
 */
#ifndef HP_SOURCES_LIBVIRT_H
#define HP_SOURCES_LIBVIRT_H

#include <stddef.h>

#include "core/vm.h"

#define HP_SOURCE_FILE_MAX (1U << 20) /* bytes: a domain XML is a few KiB */

/* the namespace of hugeplan's <metadata> element (fixed: domains are written with it) */
#define HP_LIBVIRT_NS "https://hugeplan.invalid/xmlns/backing/1"

/*
 * hp_libvirt_parse - one domain XML into *vm (vm_init'ed here). path names it in messages and
 * is kept in vm's locations: it must outlive vm. Returns 0; -EINVAL for XML that is malformed
 * or that libvirt itself would refuse, with err "FILE:LINE: message"; -EFBIG over
 * HP_SOURCE_FILE_MAX; -ENOMEM. vm->backends is malloc'd (the caller frees it).
 */
int hp_libvirt_parse(const char *path, const char *text, size_t len, struct hp_vm *vm,
		     struct hp_diag *err);

/*
 * hp_libvirt_scale - a libvirt value and unit attribute ("8388608", "KiB") into KiB, rounded up
 * as virDomainParseMemory does. unit NULL or "" is KiB. -EINVAL bad value or unit, -ERANGE.
 */
int hp_libvirt_scale(const char *value, const char *unit, uint64_t *kib);

/*
 * hp_libvirt_nodeset - a libvirt node set ("0-3", "0,2-3", "1-4,^3") into a mask of ids below
 * 64. -EINVAL malformed or empty, -ERANGE an id of 64 or more.
 */
int hp_libvirt_nodeset(const char *s, uint64_t *mask);

/*
 * hp_libvirt_status - what a running domain's status file (/run/libvirt/qemu/NAME.xml, which
 * libvirtd writes for each domain it runs and reloads when it restarts) says of its QEMU: the
 * pid libvirtd recorded (<domstatus pid=>, a positive decimal) and the binary it started, the
 * live definition's <domain><devices><emulator> (an absolute path, emulen bytes at most).
 * Parsed as hp_libvirt_parse() parses (no network, DTD or entity). 0; -EINVAL when the file
 * is not such a status (libvirtd would not load it, or the domain is still starting and has
 * no pid yet); -ENOMEM.
 */
int hp_libvirt_status(const char *text, size_t len, long *pid, char *emulator, size_t emulen);

#endif
