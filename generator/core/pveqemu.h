/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A Proxmox VE guest's QEMU, as qemu-server itself recognises it (PVE/QemuServer/Helpers.pm):
 * vm_running_locally() reads the pid file pidfile_name(VMID) = /var/run/qemu-server/VMID.pid
 * and takes the pid as that VM's only when /proc/PID/cmdline, read by parse_cmdline(), is a
 * QEMU's (argv[0] ends in "kvm", or its last component is qemu-system-*) whose -pidfile is that
 * very file. Anything else (the process is gone, or the pid was reused by a process that is not
 * that VM's QEMU) is a stale pid file. A zombie's cmdline is empty, so it is stale too.
 *
 * The guest is named as sources/proxmox.c names the VM: its name: (qemu-server passes it as
 * "-name NAME", "-name NAME,debug-threads=on" before QEMU 11), else the VMID (qemu-server then
 * passes "-name vmVMID"; a name hugeplan does not take, too). Pure: bytes in, answer out.
 */
#ifndef HP_PVEQEMU_H
#define HP_PVEQEMU_H

#include <stdbool.h>
#include <stddef.h>

/*
 * hp_pve_qemu - whether cmdline (len bytes, the arguments NUL-separated as /proc/PID/cmdline
 * holds them, any bytes) is VM vmid's QEMU by qemu-server's rule above, read as
 * parse_cmdline() reads it (its first line only, split on NUL; empty words and "0" skipped; an
 * option's value the next word not starting with '-'); the pid file's name is accepted as
 * qemu-server writes it (/var/run/qemu-server/VMID.pid) and through /run (the same file on
 * every PVE host). If so, the guest's name into name (namelen bytes; at least 2 + the VMID).
 */
bool hp_pve_qemu(const char *cmdline, size_t len, const char *vmid, char *name, size_t namelen);

#endif
