/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which boot entry boots next and where kernel-install keeps them, decided as systemd decides
 * it, from facts the edges read (sys/bls.h). Pure: no I/O.
 *
 * Versions compare as the UAPI.10 Version Format Specification says (systemd's
 * strverscmp_improved(), "systemd-analyze compare-versions"): runs of digits as numbers,
 * letters alphabetically, '~' lower than anything, '-' and '.' lower than what is not one,
 * '^' higher, other characters skipped.
 *
 * The entries (type #1 .conf files of every entry token, and type #2 unified kernel images in
 * EFI/Linux/) sort as bootctl and systemd-boot sort them (bootspec.c boot_entry_compare()):
 * entries with a sort key first, by sort key, then machine id, then version newest first;
 * then by id (the file name), newest version first. The default is the first entry that
 * LoaderEntryOneShot, LoaderEntryDefault (EFI variables) or loader.conf's "default" matches,
 * as glob patterns ignoring case, in that order; else the first entry.
 *
 * kernel-install (252's shell script) finds $BOOT and the entry token like this: the token
 * is /etc/kernel/entry-token's first line; else the first of the machine id, IMAGE_ID= and
 * ID= of os-release and "Default" for which PREFIX/TOKEN is a directory, trying the
 * prefixes BOOT_ROOT= of install.conf, else /efi, /boot, /boot/efi in order; a prefix with
 * loader/entries/ also ends the search (token: the machine id). Without either, /efi or
 * /boot/efi when it is a mount point, else /boot. The machine id is install.conf's
 * MACHINE_ID=, else /etc/machine-info's KERNEL_INSTALL_MACHINE_ID=, else /etc/machine-id
 * (unless "uninitialized").
 */
#ifndef HP_BOOTSPEC_H
#define HP_BOOTSPEC_H

#include <stdbool.h>
#include <stddef.h>

#define HP_BOOT_ID_MAX	   256
#define HP_BOOT_TOKEN_MAX  128
#define HP_BOOT_PREFIXES   3 /* /efi /boot /boot/efi */
#define HP_BOOT_TOKENS_MAX 4 /* machine id, IMAGE_ID, ID, "Default" */

/* hp_vercmp - <0, 0, >0 as a sorts before, with or after b (UAPI.10). NULL sorts first. */
int hp_vercmp(const char *a, const char *b);

/* hp_vercmp_newest - for qsort() of an array of strings (char[N]): the newest version first */
int hp_vercmp_newest(const void *a, const void *b);

enum hp_boot_entry_type {
	HP_BOOT_TYPE1 = 0, /* $BOOT/loader/entries/ *.conf */
	HP_BOOT_UKI,	   /* EFI/Linux/ *.efi, a unified kernel image */
};

/* What the sort and the default choice look at (strings "" when absent). */
struct hp_boot_key {
	enum hp_boot_entry_type type;
	const char *id; /* the file name */
	const char *sort_key;
	const char *machine_id;
	const char *version;
};

/* hp_boot_key_cmp - boot_entry_compare(): <0 when a is listed (and preferred) before b. */
int hp_boot_key_cmp(const struct hp_boot_key *a, const struct hp_boot_key *b);

/* One entry of the boot menu, as bootctl lists it. */
struct hp_boot_item {
	struct hp_boot_key key;
	const char *path; /* as on the system */
	bool managed;	  /* a type #1 entry hugeplan edits (core/blsapply.h) */
	const char *kver; /* the kernel it boots, "" when unknown */
};

/* hp_boot_sort - items in bootctl's order (hp_boot_key_cmp()). */
void hp_boot_sort(struct hp_boot_item *items, size_t n);

/*
 * hp_boot_default - the index of the default among items[0..n), sorted with hp_boot_sort():
 * the first whose id is matched by oneshot, then efi_default, then pattern (each NULL or ""
 * when not set); else 0. -1 when n is 0.
 */
int hp_boot_default(const struct hp_boot_item *items, size_t n, const char *oneshot,
		    const char *efi_default, const char *pattern);

enum hp_uki_verdict {
	HP_UKI_NONE = 0, /* no unified kernel image in the menu */
	HP_UKI_BESIDE,	 /* some, but the next boot is a type #1 entry: warn naming each */
	HP_UKI_NEXT,	 /* the next boot is one: its embedded command line wins; refuse */
};

/* hp_uki_verdict - for sorted items and the default's index (-1 none). */
enum hp_uki_verdict hp_uki_verdict(const struct hp_boot_item *items, size_t n, int def);

/*
 * hp_loader_conf_default - the "default" value of loader.conf's text (lines "key value",
 * blanks trimmed, '#' comments); the last one counts. 1 and out, 0 when none.
 */
int hp_loader_conf_default(const char *text, char *out, size_t len);

/*
 * hp_osrel_pick - what bootctl shows for a UKI from its .osrel text (os-release format):
 * sort key IMAGE_ID= else ID=; version IMAGE_VERSION= else VERSION= else VERSION_ID= else
 * BUILD_ID=; title PRETTY_NAME= else IMAGE_ID= else NAME=. Each "" when absent.
 */
void hp_osrel_pick(const char *osrel, char *sort_key, char *version, char *title, size_t len);

/*
 * hp_efivar_string - the text of an EFI variable holding a UTF-16LE string (the file under
 * efivarfs: 4 bytes of attributes, then the string, NUL-terminated or not). ASCII only:
 * other characters become '?'. 0 and out, -EINVAL for a file shorter than its attributes.
 */
int hp_efivar_string(const unsigned char *data, size_t n, char *out, size_t len);

/* What the edges found for kernel-install's search (sys/bls.h fills it). */
struct hp_ki_facts {
	char boot_root[HP_BOOT_ID_MAX];	     /* BOOT_ROOT= of install.conf, "" none */
	char machine_id[HP_BOOT_TOKEN_MAX];  /* as kernel-install picks it, "" none */
	char entry_token[HP_BOOT_TOKEN_MAX]; /* /etc/kernel/entry-token's first line, "" none */
	char image_id[HP_BOOT_TOKEN_MAX];    /* os-release IMAGE_ID=, "" none */
	char os_id[HP_BOOT_TOKEN_MAX];	     /* os-release ID=, "" none */
	/* for each candidate prefix (hp_ki_prefixes(), or boot_root alone) */
	bool token_dir[HP_BOOT_PREFIXES][HP_BOOT_TOKENS_MAX]; /* PREFIX/TOKEN is a directory */
	bool entries_dir[HP_BOOT_PREFIXES];		      /* PREFIX/loader/entries is one */
	bool mountpoint[HP_BOOT_PREFIXES];		      /* PREFIX is a mount point */
};

/*
 * hp_ki_candidates - the entry token candidates in the order kernel-install tries them
 * (the token file's alone, else machine id, IMAGE_ID, ID, "Default", without empty ones).
 * Returns how many (at most HP_BOOT_TOKENS_MAX), pointers into f or static text.
 */
size_t hp_ki_candidates(const struct hp_ki_facts *f, const char **out);

/*
 * hp_ki_prefixes - the prefixes kernel-install searches: boot_root alone when set, else
 * /efi, /boot, /boot/efi. Returns how many.
 */
size_t hp_ki_prefixes(const struct hp_ki_facts *f, const char **out);

struct hp_ki_where {
	char boot[HP_BOOT_ID_MAX];     /* $BOOT, as on the system */
	char token[HP_BOOT_TOKEN_MAX]; /* the entry token */
	bool found;		       /* by the search, not the last resort (/boot) */
};

/* hp_ki_locate - $BOOT and the entry token, as kernel-install finds them (see above). */
void hp_ki_locate(const struct hp_ki_facts *f, struct hp_ki_where *out);

#endif
