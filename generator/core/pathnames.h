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

#define HP_P_MEMINFO	    "/proc/meminfo"
#define HP_P_CMDLINE	    "/proc/cmdline"
#define HP_P_CPUINFO	    "/proc/cpuinfo"
#define HP_P_OSRELEASE	    "/proc/sys/kernel/osrelease"
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
/* a libvirt guest's QEMU, and its memory per node */
#define HP_P_LIBVIRT_PID    "/run/libvirt/qemu/%s.pid"
#define HP_P_NUMA_MAPS	    "/proc/%ld/numa_maps"
#define HP_P_KMSG	    "/dev/kmsg"
#define HP_P_DEVNULL	    "/dev/null" /* stdin of what apply runs; a symlink to it masks */
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
#define HP_P_STATE_FILE	    "/var/lib/hugeplan/applied"
#define HP_P_LOCK_FILE	    "/var/lib/hugeplan/lock"
/* node_exporter's textfile collector: Debian's directory, MetricsDirectory='s default */
#define HP_P_TEXTFILE_DIR "/var/lib/prometheus/node-exporter"
#define HP_METRICS_FILE	  "hugeplan.prom"

/* what kernel-install reads for the command line when /etc/kernel/cmdline is absent */
#define HP_P_USRLIB_KERNEL_CMDLINE "/usr/lib/kernel/cmdline"

/* who holds a lock (sys/lock.c): the running system's, whatever the root */
#define HP_P_PROC_LOCKS	      "/proc/locks"
#define HP_P_PROC_STAT	      "/proc/stat"
#define HP_P_PROC_PID_CMDLINE "/proc/%ld/cmdline"
#define HP_P_PROC_PID_STAT    "/proc/%ld/stat"

/* Boot loader tools: Debian/Ubuntu, Arch, Fedora/RHEL; the first found is used. */
#define HP_P_UPDATE_GRUB     "/usr/sbin/update-grub"
#define HP_P_GRUB_MKCONFIG   "/usr/sbin/grub-mkconfig"
#define HP_P_GRUB_MKCONFIG_B "/usr/bin/grub-mkconfig"
#define HP_P_GRUB2_MKCONFIG  "/usr/sbin/grub2-mkconfig"
#define HP_P_KERNEL_INSTALL  "/usr/bin/kernel-install"

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

/* Configuration search path, highest priority first. */
#define HP_P_CONF_ETC "/etc/hugeplan"
#define HP_P_CONF_RUN "/run/hugeplan"
#define HP_P_CONF_LIB "/usr/lib/hugeplan"

/* The generator and the units it writes. */
#define HP_P_HSTATE_DIR	     "/sys/kernel/mm/hugepages/hugepages-%llukB"
#define HP_P_HUGETLBFS_MOUNT "/dev/hugepages%s" /* + "1G": the names libvirt's docs use */
#define HP_P_FSTAB	     "/etc/fstab"
/* where hugeplan-verify.service is installed; make passes the packager's choice */
#ifndef HP_UNITDIR
#define HP_UNITDIR "/usr/lib/systemd/system"
#endif

#endif
