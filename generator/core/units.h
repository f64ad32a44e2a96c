/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What hugeplan-generator writes, decided and rendered as text. Pure: no I/O.
 *
 * Rules:
 * - one hugetlbfs mount unit per page size this boot's command line asks pages of (as the
 *   kernel reads it: hp_kcmdline_simulate()) or a planned VM uses, whatever its backing (a
 *   pool allocated after boot needs its mount as much), except this boot's default size,
 *   which systemd mounts itself at /dev/hugepages (dev-hugepages.mount). Mount point
 *   /dev/hugepages<SIZE> ("1G", "2M": the names libvirt's documentation uses), options
 *   pagesize=<SIZE>. Ordering and conditions are those of systemd's dev-hugepages.mount, plus
 *   a condition on the size's sysfs directory (the size is registered) and Before= the VM
 *   managers that read the mounts only when they start (hp_mount_readers[]);
 * - hugeplan-verify.service is enabled when this boot's command line has any hugetlb
 *   parameter (even one the kernel ignored: that most needs a check) or a plan exists, and
 *   is then ordered after the mounts;
 * - with [Host] Strict=yes, the VM managers hp_vm_managers[] Require= it (and come after it),
 *   so that they do not start on a short or stale pool.
 * Every text starts with a line saying it was generated, and by what.
 */
#ifndef HP_UNITS_H
#define HP_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kcmdline.h"

#define HP_UNIT_NAME_MAX 256 /* systemd's UNIT_NAME_MAX, with the NUL */
#define HP_VERIFY_UNIT	 "hugeplan-verify.service"
#define HP_GENERATOR	 "hugeplan-generator"

struct hp_unit_mount {
	uint64_t size;
	char token[24];		     /* "1G" */
	char where[64];		     /* "/dev/hugepages1G" */
	char unit[HP_UNIT_NAME_MAX]; /* "dev-hugepages1G.mount" */
	char sysfs_dir[96];	     /* "/sys/kernel/mm/hugepages/hugepages-1048576kB" */
	bool planned;		     /* a planned VM uses the size */
	bool reserved;		     /* this boot's command line asks pages of it */
};

struct hp_units {
	struct hp_unit_mount mounts[HP_MAX_SIZES]; /* ascending size */
	size_t nr_mounts;
	bool verify; /* enable hugeplan-verify.service */
	bool strict; /* VM managers require it (only with verify) */
};

/* the units Strict=yes makes require hugeplan-verify.service, NULL-terminated */
extern const char *const hp_vm_managers[];

/* the VM managers that find hugetlbfs mounts only when they start (libvirt's QEMU driver
 * reads /proc/mounts once), which the mounts are ordered before; NULL-terminated */
extern const char *const hp_mount_readers[];

/*
 * hp_unit_name_from_path - systemd's unit_name_from_path() (systemd-escape --path
 * --suffix=SUFFIX): the path normalised (repeated and trailing slashes, "." components
 * dropped), its leading slash dropped, "/" written "-", every byte but [A-Za-z0-9:_.] and a
 * leading "." written \xNN; "/" itself is "-". suffix is ".mount" and the like. -EINVAL for a
 * relative path or one with a ".." component, -ENAMETOOLONG past HP_UNIT_NAME_MAX - 1.
 */
int hp_unit_name_from_path(const char *path, const char *suffix, char *buf, size_t len);

/*
 * hp_units_decide - what to generate for this boot's request and configuration: planned[] are
 * the page sizes the enabled VMs use (any order, repeats allowed). 0 or -errno.
 */
int hp_units_decide(const struct hp_kreq *boot, const uint64_t *planned, size_t nr_planned,
		    bool plan_exists, bool strict, struct hp_units *out);

/*
 * The files' texts, malloc'd into *out: 0 or -ENOMEM.
 * hp_unit_mount_text - the mount unit of m.
 * hp_unit_verify_dropin_text - hugeplan-verify.service.d/ drop-in ordering it after the
 *   generated mounts (none: no drop-in is needed, *out is NULL and 0 is returned).
 * hp_unit_strict_dropin_text - the drop-in for a VM manager under Strict=yes.
 */
int hp_unit_mount_text(const struct hp_unit_mount *m, char **out);
int hp_unit_verify_dropin_text(const struct hp_units *u, char **out);
int hp_unit_strict_dropin_text(char **out);

#endif
