/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VMs of a host from where they are defined ([Host] Sources=), merged with vms.d.
 *
 * - Sources= files (vms.d), libvirt (ROOT/etc/libvirt/qemu/NAME.xml), proxmox (this node's
 *   VMID.conf: ROOT/etc/pve/local -> nodes/NAME, then ROOT/etc/pve/nodes/NAME/qemu-server;
 *   without that link ROOT/etc/pve/qemu-server; other nodes' VMs are not ours). Unset or auto:
 *   files plus each of the others whose directory exists under the root. Only the persistent
 *   definitions on disk are read: no daemon, no API.
 * - Every path is resolved beneath the root (sys/root.h): no link in an image leads out of
 *   it. Every file read is a regular file inside its directory (not followed through a
 *   symbolic link; a FIFO or a device is refused unopened), at most HP_SOURCE_FILE_MAX bytes,
 *   and, with the configuration's check_perms, one that only root can change, its directory
 *   and every link on the way to it too (as vms.d).
 * - A vms.d file named like an imported VM overrides the keys it sets, and only those:
 *   Enabled=, Passthrough=, Instances= as they are; PageSize= for every backend; Node= binds
 *   every backend to those nodes (as a vms.d VM's); Memory= replaces the backends by one of
 *   that size (on the VM's page size, or PageSize=). A VM not on huge pages takes Enabled=
 *   and Passthrough= only. Backing=: the override's, else a libvirt domain's
 *   <metadata><hugeplan:backing> (sources/libvirt.h), else DefaultBacking=; a VM not on huge
 *   pages is transparent. A vms.d file without Memory= that names no imported VM is an error
 *   ("Memory= is required"), and so is one name defined by two sources.
 * - Order: vms.d VMs (file order), then libvirt (file order), then Proxmox (VMID order).
 */
#ifndef HP_SOURCES_H
#define HP_SOURCES_H

#include "config/config.h"

/*
 * hp_sources_load - c loaded with opts.overrides; root as for hp_config_load(). Replaces
 * c->vms by the merged VMs (imported VMs own their backends, freed by hp_config_free()).
 * *used (if given) is the HP_SOURCES_* that were read. 0, or -errno with err "FILE:LINE: msg"
 * (c is then as loaded, the caller frees it).
 */
int hp_sources_load(const char *root, struct hp_config *c, unsigned *used, struct hp_diag *err);

/* hp_sources_text - "files libvirt" for a HP_SOURCES_* mask, into buf. */
void hp_sources_text(unsigned mask, char *buf, size_t len);

#endif
