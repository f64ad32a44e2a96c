/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system side of Boot Loader Specification handling, under a root (sys/path.h): where
 * kernel-install puts entries ($BOOT and the entry token, core/bootspec.h), the type #1
 * entries and unified kernel images bootctl would list, which of them boots next, which
 * kernels are installed, and the records apply left (core/blsapply.h). libc only.
 */
#ifndef HP_SYS_BLS_H
#define HP_SYS_BLS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/blsapply.h"
#include "core/bootspec.h"

#define HP_KVER_MAX HP_BOOT_ID_MAX

/* One type #1 entry under $BOOT, or a unified kernel image. */
struct hp_bls_file {
	char name[HP_BOOT_ID_MAX];
	char path[4096]; /* as on the system */
	char *text;	 /* type #1: the entry's text */
	enum hp_boot_entry_type type;
	char sort_key[HP_BOOT_ID_MAX], machine_id[HP_BOOT_ID_MAX], version[HP_BOOT_ID_MAX];
	char kver[HP_KVER_MAX]; /* the kernel it boots: version=, else from the name */
	bool under_boot;	/* in $BOOT/loader/entries */
	bool ours;		/* under $BOOT, this entry token and machine id */
	bool installed;		/* its kernel: /lib/modules/KVER and the image */
	bool managed;		/* ours and installed: apply edits it */
	char *cmdline;		/* a UKI: its .cmdline as systemd-stub passes it, malloc'd */
};

struct hp_bls_scan {
	struct hp_ki_facts facts;
	struct hp_ki_where where;
	bool layout_other;	   /* install.conf says layout=other (or anything but bls) */
	struct hp_bls_file *files; /* type #1 entries and UKIs of every $BOOT candidate */
	size_t nr_files;
	struct hp_boot_item *items; /* the same, in bootctl's order */
	int def;		    /* the index in items of the default, -1 none */
	char oneshot[HP_BOOT_ID_MAX], efi_default[HP_BOOT_ID_MAX], pattern[HP_BOOT_ID_MAX];
	size_t nr_managed;
	/* what core/blsapply.h decides from */
	struct hp_bls_found *found; /* the type #1 entries under $BOOT (managed or not) */
	size_t nr_found;
	struct hp_bls_rec *recs;
	size_t nr_recs;
	char **strings; /* what recs point to */
	size_t nr_strings;
};

/*
 * hp_bls_scan - read it all under root. 0, or -errno when something that exists cannot be
 * read (*what names it, as on the system). Missing $BOOT, entries or records are no error.
 * hp_bls_scan_free() in every case.
 */
int hp_bls_scan(const char *root, struct hp_bls_scan *s, char *what, size_t wlen);
void hp_bls_scan_free(struct hp_bls_scan *s);

/* hp_bls_in - the scan as core/blsapply.h takes it (toks filled in by the caller) */
void hp_bls_in_from(const struct hp_bls_scan *s, struct hp_bls_in *in);

/*
 * hp_kernels_installed - the kernels installed under root: /lib/modules/VER is a folder and
 * /boot/vmlinuz-VER or /lib/modules/VER/vmlinuz is a file, newest first (core/bootspec.h's
 * version order). Fills up to max names and returns how many there are, or -errno.
 */
int hp_kernels_installed(const char *root, char (*out)[HP_KVER_MAX], size_t max);

/* hp_kernel_installed - whether kernel ver is installed (as above) */
bool hp_kernel_installed(const char *root, const char *ver);

#endif
