/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where things live on a Linux system: every path hugeplan reads or writes, as on the running
 * system (absolute, without a root). The one file that spells /proc, /sys, /boot, /etc, /run
 * or /lib/modules, as util-linux keeps include/pathnames.h apart from lib/path.c: the core
 * (which does no I/O) names paths in messages and generated units with these, and sys/path.h
 * is what puts a root in front of them and opens them. Paths with a conversion (%s, %u, %llu)
 * are formats: hp_path(), hp_read_text() and friends take them as such.
 */
#ifndef HP_PATHNAMES_H
#define HP_PATHNAMES_H

/* the kernel's own filesystems on the running system (sys/root.c: opened without a look) */
#define HP_P_PROC_PREFIX    "/proc/"
#define HP_P_SYS_PREFIX	    "/sys/"
#define HP_P_MEMINFO	    "/proc/meminfo"
#define HP_P_CMDLINE	    "/proc/cmdline"
#define HP_P_CPUINFO	    "/proc/cpuinfo"
#define HP_P_OSRELEASE	    "/proc/sys/kernel/osrelease"
#define HP_P_NODE_DIR	    "/sys/devices/system/node"
#define HP_P_NODE_ONLINE    "/sys/devices/system/node/online"
#define HP_P_NODE_MEMINFO   "/sys/devices/system/node/node%u/meminfo"
#define HP_P_HUGEPAGES	    "/sys/kernel/mm/hugepages"
#define HP_P_HSTATE_ATTR    "/sys/kernel/mm/hugepages/hugepages-%llukB/%s"
#define HP_P_NODE_HSTATE    "/sys/devices/system/node/node%u/hugepages/hugepages-%llukB/%s"
#define HP_P_THP_ENABLED    "/sys/kernel/mm/transparent_hugepage/enabled"
#define HP_P_THP_DEFRAG	    "/sys/kernel/mm/transparent_hugepage/defrag"
#define HP_P_THP_KHUGEPAGED "/sys/kernel/mm/transparent_hugepage/khugepaged/defrag"
/* runtime pools: vm start and vm stop (compact: the per-node vm.compact_memory) */
#define HP_P_NODE_COMPACT   "/sys/devices/system/node/node%u/compact"
#define HP_P_COMPACT_MEMORY "/proc/sys/vm/compact_memory"
#define HP_P_BUDDYINFO	    "/proc/buddyinfo"
#define HP_P_VM_RECORDS	    "/run/hugeplan/vms"
#define HP_P_VM_RECORD	    "/run/hugeplan/vms/%s.record"
#define HP_P_VM_LOCK	    "/run/hugeplan/vm.lock"
#define HP_P_KMSG	    "/dev/kmsg"
#define HP_P_DEVNULL	    "/dev/null" /* stdin of what apply runs; a symlink to it masks */
#define HP_P_SH		    "/bin/sh"	/* sources the GRUB settings for a dry run */
#define HP_P_KCONFIG	    "/boot/config-%s"
#define HP_P_MODULES	    "/lib/modules/%s"
#define HP_P_MODULES_DEP    "/lib/modules/%s/modules.dep.bin"
#define HP_P_IOMMU_GROUPS   "/sys/kernel/iommu_groups"
#define HP_P_RUN_DIR	    "/run/hugeplan"
#define HP_P_BOOT_REPORT    "/run/hugeplan/boot-report.json"
#define HP_P_STATE_DIR	    "/var/lib/hugeplan"
#define HP_P_GRUB_DEFAULT   "/etc/default/grub"
#define HP_P_GRUB_D	    "/etc/default/grub.d"
#define HP_P_KERNEL_CMDLINE "/etc/kernel/cmdline"
#define HP_P_GRUB_SNIPPET   "/etc/default/grub.d/99-hugeplan.cfg"
#define HP_P_GRUB_CFG	    "/boot/grub/grub.cfg"
#define HP_P_GRUBENV	    "/boot/grub/grubenv"
#define HP_P_STATE_FILE	    "/var/lib/hugeplan/applied"
#define HP_P_LOCK_FILE	    "/var/lib/hugeplan/lock"
/* node_exporter's textfile collector: Debian's directory, MetricsDirectory='s default */
#define HP_P_TEXTFILE_DIR  "/var/lib/prometheus/node-exporter"
#define HP_METRICS_FILE	   "hugeplan.prom"
#define HP_P_ENTRY_RECORDS "/var/lib/hugeplan/entries" /* NAME/{path,before,after} */

/* kernel-install and the Boot Loader Specification (core/bootspec.h, sys/bls.h) */
#define HP_P_KI_CONF	     "/etc/kernel/install.conf"
#define HP_P_KI_CONF_LIB     "/usr/lib/kernel/install.conf"
#define HP_P_ENTRY_TOKEN     "/etc/kernel/entry-token"
#define HP_P_MACHINE_ID	     "/etc/machine-id"
#define HP_P_MACHINE_INFO    "/etc/machine-info"
#define HP_P_OS_RELEASE	     "/etc/os-release"
#define HP_P_OS_RELEASE_LIB  "/usr/lib/os-release"
#define HP_P_BOOT_EFI	     "/efi" /* $BOOT candidates, in kernel-install's order */
#define HP_P_BOOT	     "/boot"
#define HP_P_BOOT_BOOT_EFI   "/boot/efi"
#define HP_P_BLS_ENTRIES     "%s/loader/entries" /* under $BOOT */
#define HP_P_LOADER_CONF     "%s/loader/loader.conf"
#define HP_P_UKI_DIR	     "%s/EFI/Linux"
#define HP_P_EFIVARS	     "/sys/firmware/efi/efivars"
#define HP_P_EFIVAR_ONESHOT  HP_P_EFIVARS "/LoaderEntryOneShot-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define HP_P_EFIVAR_DEFAULT  HP_P_EFIVARS "/LoaderEntryDefault-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define HP_P_MODULES_DIR     "/lib/modules"
#define HP_P_VMLINUZ	     "/boot/vmlinuz-%s"
#define HP_P_MODULES_VMLINUZ "/lib/modules/%s/vmlinuz" /* Fedora, RHEL */
#define HP_P_PROXMOX_UUIDS   "/etc/kernel/proxmox-boot-uuids"

/* what kernel-install reads for the command line when /etc/kernel/cmdline is absent */
#define HP_P_USRLIB_KERNEL_CMDLINE "/usr/lib/kernel/cmdline"

/* who holds a lock (sys/lock.c): the running system's, whatever the root */
#define HP_P_PROC_LOCKS	      "/proc/locks"
#define HP_P_PROC_STAT	      "/proc/stat"
#define HP_P_PROC_PID_CMDLINE "/proc/%ld/cmdline"
#define HP_P_PROC_PID_STAT    "/proc/%ld/stat"

/* Other owners of the command line (core/owners.h) */
#define HP_P_TUNED_ETC	       "/etc/tuned"
#define HP_P_TUNED_ACTIVE      "/etc/tuned/active_profile"
#define HP_P_TUNED_BOOTCMDLINE "/etc/tuned/bootcmdline"
#define HP_P_TUNED_GRUB	       "/etc/grub.d/00_tuned"
#define HP_P_TUNED_PROFILE_ETC "/etc/tuned/%s/tuned.conf"
#define HP_P_TUNED_PROFILE_LIB "/usr/lib/tuned/%s/tuned.conf"
#define HP_P_KDUMP_DEBIAN      "/etc/default/kdump-tools"
#define HP_P_KDUMP_CONFIG      "/usr/sbin/kdump-config"
#define HP_P_KDUMP_REDHAT      "/etc/sysconfig/kdump"
#define HP_P_KDUMPCTL	       "/usr/bin/kdumpctl"
#define HP_P_KDUMPCTL_SBIN     "/usr/sbin/kdumpctl"

/* Boot loader tools: Debian/Ubuntu, Arch, Fedora/RHEL; the first found is used. */
#define HP_P_UPDATE_GRUB     "/usr/sbin/update-grub"
#define HP_P_GRUB_MKCONFIG   "/usr/sbin/grub-mkconfig"
#define HP_P_GRUB_MKCONFIG_B "/usr/bin/grub-mkconfig"
#define HP_P_GRUB2_MKCONFIG  "/usr/sbin/grub2-mkconfig"
#define HP_P_KERNEL_INSTALL  "/usr/bin/kernel-install"
#define HP_P_PROXMOX_BOOT    "/usr/sbin/proxmox-boot-tool"
#define HP_P_GRUBBY	     "/usr/sbin/grubby"

/*
 * modprobe configuration folders, highest priority first: libkmod's defaults (kmod 30 reads
 * /usr/local/lib, later releases /usr/lib; a merged-/usr system has both through /lib).
 */
#define HP_P_MODPROBE_ETC      "/etc/modprobe.d"
#define HP_P_MODPROBE_RUN      "/run/modprobe.d"
#define HP_P_MODPROBE_USRLOCAL "/usr/local/lib/modprobe.d"
#define HP_P_MODPROBE_USR      "/usr/lib/modprobe.d"
#define HP_P_MODPROBE_LIB      "/lib/modprobe.d"

/*
 * modules-load.d folders, highest priority first (modules-load.d(5)), and what reads them:
 * systemd-modules-load (which, as udev, applies the modprobe blacklist) or, without systemd,
 * Debian's /etc/init.d/kmod (an explicit modprobe per module, /etc/modules too).
 */
#define HP_P_MODLOAD_ETC      "/etc/modules-load.d"
#define HP_P_MODLOAD_RUN      "/run/modules-load.d"
#define HP_P_MODLOAD_USRLOCAL "/usr/local/lib/modules-load.d"
#define HP_P_MODLOAD_USR      "/usr/lib/modules-load.d"
#define HP_P_MODLOAD_LIB      "/lib/modules-load.d"
#define HP_P_ETC_MODULES      "/etc/modules"
#define HP_P_MODULES_LOAD_USR "/usr/lib/systemd/systemd-modules-load"
#define HP_P_MODULES_LOAD_LIB "/lib/systemd/systemd-modules-load"

/* Where VM managers keep their persistent VM definitions (generator/sources). */
#define HP_P_LIBVIRT_QEMU  "/etc/libvirt/qemu" /* NAME.xml, as virsh define writes them */
#define HP_P_PVE	   "/etc/pve"	       /* pmxcfs, a FUSE file system */
#define HP_P_PVE_LOCAL	   "/etc/pve/local"    /* -> nodes/<this node> */
#define HP_P_PVE_NODE_QEMU "/etc/pve/nodes/%s/qemu-server" /* VMID.conf of that node */
#define HP_P_PVE_QEMU	   "/etc/pve/qemu-server"	   /* -> local/qemu-server */

/* hugeplan replan: the plan id it last named, so that a timer does not repeat the list. */
#define HP_P_REPLAN_REPORTED "/run/hugeplan/replan-reported"

/* Configuration search path, highest priority first. */
#define HP_P_CONF_ETC "/etc/hugeplan"
#define HP_P_CONF_RUN "/run/hugeplan"
#define HP_P_CONF_LIB "/usr/lib/hugeplan"

/* Running guests: libvirt's status and pid files, and each process's binary and mappings. */
#define HP_P_LIBVIRT_QEMU_RUN "/run/libvirt/qemu"
#define HP_P_LIBVIRT_PID      "/run/libvirt/qemu/%s.pid"
#define HP_P_LIBVIRT_STATUS   "/run/libvirt/qemu/%s.xml" /* a running domain's status */
#define HP_P_NUMA_MAPS	      "/proc/%ld/numa_maps"
#define HP_P_PROC_PID_EXE     "/proc/%ld/exe" /* the binary a process runs (a link) */
/*
 * Proxmox VE's QEMU pid files: qemu-server's pidfile_name() (PVE/QemuServer/Helpers.pm) is
 * /var/run/qemu-server/VMID.pid, which its QEMU is given as -pidfile; /var/run is a link to
 * /run on every PVE host (Debian), and the files are read there.
 */
#define HP_P_PVE_RUN	 "/run/qemu-server"
#define HP_P_PVE_PID	 "/run/qemu-server/%s.pid"
#define HP_P_PVE_PIDFILE "/var/run/qemu-server/%s.pid" /* as qemu-server spells it */

/* The generator and the units it writes. */
#define HP_P_HSTATE_DIR	     "/sys/kernel/mm/hugepages/hugepages-%llukB"
#define HP_P_HUGETLBFS_MOUNT "/dev/hugepages%s" /* + "1G": the names libvirt's docs use */
#define HP_P_FSTAB	     "/etc/fstab"
/* where hugeplan-verify.service is installed; make passes the packager's choice */
#ifndef HP_UNITDIR
#define HP_UNITDIR "/usr/lib/systemd/system"
#endif

#endif
