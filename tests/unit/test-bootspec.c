// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * core/bootspec.h: versions in the UAPI.10 order (the specification's own examples, and
 * kernel releases; tests/bootpath/run-bls.sh holds the same pairs against "systemd-analyze
 * compare-versions"), entries in bootctl's order and its default, loader.conf, os-release,
 * EFI variables, and kernel-install's search for $BOOT and the entry token (the rules of its
 * 252 shell script, written out by hand).
 */
#include <errno.h>
#include <string.h>

#include "hp-test.h"

#include "core/bootspec.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void test_vercmp(void **state)
{
	static const struct {
		const char *a, *b;
		int want;
	} t[] = {
		/* the specification's examples */
		{ "11", "11", 0 },
		{ "systemd-123", "systemd-123", 0 },
		{ "bar-123", "foo-123", -1 },
		{ "123a", "123", 1 },
		{ "123.a", "123", 1 },
		{ "123.a", "123.b", -1 },
		{ "123a", "123.a", 1 },
		{ "A", "a", -1 },
		{ "", "0", -1 },
		{ "0.", "0", 1 },
		{ "0.0", "0", 1 },
		{ "1_", "1", 0 },
		{ "_1", "1", 0 },
		{ "1_", "1.2", -1 },
		{ "1_2_3", "1.3.3", 1 },
		{ "1+", "1", 0 },
		{ "1+2+3", "1.3.3", 1 },
		/* tilde lower than everything, the end included; caret higher than the end */
		{ "1.0~rc1", "1.0", -1 },
		{ "~", "", -1 },
		{ "0", "~", 1 },
		{ "1.0", "1.0^", -1 },
		{ "1.0^", "1.0.1", -1 },
		{ "1-", "1", 1 },
		{ "1-1", "1.1", -1 },
		/* kernel releases: numbers as numbers, leading zeros skipped */
		{ "6.1.0-27-amd64", "6.1.0-28-amd64", -1 },
		{ "6.1.0-9-amd64", "6.1.0-10-amd64", -1 },
		{ "6.12.1", "6.1.99", 1 },
		{ "6.1.0-27-amd64", "6.1.0-27-cloud-amd64", -1 },
		{ "5.14.0-362.8.1.el9_3.x86_64", "5.14.0-70.13.1.el9_0.x86_64", 1 },
		{ "007", "7", 0 },
		{ "abc", "ab", 1 },
		{ "1a", "1", 1 },
		{ "1.0a", "1.0.1", 1 }, /* the one with the dot is older */
		{ "1.a", "1.1", -1 },	/* a number is newer than letters */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		print_message("%s <=> %s\n", t[i].a, t[i].b);
		assert_int_equal(sign(hp_vercmp(t[i].a, t[i].b)), t[i].want);
		assert_int_equal(sign(hp_vercmp(t[i].b, t[i].a)), -t[i].want);
	}
	assert_true(hp_vercmp(NULL, "1") < 0);
	assert_int_equal(hp_vercmp(NULL, NULL), 0);
}

#define MID "0123456789abcdef0123456789abcdef"
#define OTH "fedcba9876543210fedcba9876543210"

static struct hp_boot_item item(enum hp_boot_entry_type type, const char *id, const char *key,
				const char *mid, const char *ver)
{
	return (struct hp_boot_item){ .key = { .type = type,
					       .id = id,
					       .sort_key = key,
					       .machine_id = mid,
					       .version = ver },
				      .path = id,
				      .kver = ver };
}

static void test_sort_default(void **state)
{
	struct hp_boot_item v[] = {
		item(HP_BOOT_TYPE1, MID "-6.1.0-26-amd64.conf", "debian", MID, "6.1.0-26-amd64"),
		item(HP_BOOT_TYPE1, "zzz.conf", "", "", ""), /* no sort key: after those with one */
		item(HP_BOOT_TYPE1, MID "-6.1.0-28-amd64.conf", "debian", MID, "6.1.0-28-amd64"),
		item(HP_BOOT_UKI, "debian-6.1.0-27-amd64.efi", "debian", "", "12"),
		item(HP_BOOT_TYPE1, OTH "-6.1.0-30-amd64.conf", "debian", OTH, "6.1.0-30-amd64"),
		item(HP_BOOT_TYPE1, "aaa.conf", "", "", ""),
		item(HP_BOOT_TYPE1, "x-1.conf", "arch", "", "1"),
	};
	/*
	 * sort key "arch" before "debian"; within "debian": no machine id (the UKI) before the
	 * machine ids in strcmp order, then versions newest first; without a sort key: ids,
	 * newest version first ("zzz" > "aaa").
	 */
	static const char *const want[] = {
		"x-1.conf",
		"debian-6.1.0-27-amd64.efi",
		MID "-6.1.0-28-amd64.conf",
		MID "-6.1.0-26-amd64.conf",
		OTH "-6.1.0-30-amd64.conf",
		"zzz.conf",
		"aaa.conf",
	};

	(void)state;
	hp_boot_sort(v, ARRAY_SIZE(v));
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		assert_string_equal(v[i].key.id, want[i]);
	/* no pattern: the first; a pattern: the first it matches, ignoring case */
	assert_int_equal(hp_boot_default(v, ARRAY_SIZE(v), NULL, NULL, NULL), 0);
	assert_int_equal(hp_boot_default(v, ARRAY_SIZE(v), NULL, NULL, MID "-*"), 2);
	assert_int_equal(hp_boot_default(v, ARRAY_SIZE(v), NULL, NULL, "DEBIAN-*.EFI"), 1);
	assert_int_equal(hp_boot_default(v, ARRAY_SIZE(v), NULL, NULL, "nothing*"), 0);
	/* LoaderEntryOneShot before LoaderEntryDefault before loader.conf */
	assert_int_equal(hp_boot_default(v, ARRAY_SIZE(v), "aaa.conf", "zzz.conf", "x-*"), 6);
	assert_int_equal(hp_boot_default(v, ARRAY_SIZE(v), "", "zzz.conf", "x-*"), 5);
	assert_int_equal(hp_boot_default(v, ARRAY_SIZE(v), "gone.conf", NULL, "x-*"), 0);
	assert_int_equal(hp_boot_default(v, 0, NULL, NULL, NULL), -1);
	/* the UKI verdicts */
	assert_int_equal(hp_uki_verdict(v, ARRAY_SIZE(v), 1), HP_UKI_NEXT);
	assert_int_equal(hp_uki_verdict(v, ARRAY_SIZE(v), 2), HP_UKI_BESIDE);
	assert_int_equal(hp_uki_verdict(v + 2, 3, 0), HP_UKI_NONE);
	assert_int_equal(hp_uki_verdict(v, 0, -1), HP_UKI_NONE);
}

static void test_loader_conf(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(hp_loader_conf_default("timeout 3\n#default x\n", out, sizeof(out)), 0);
	assert_int_equal(hp_loader_conf_default("default  a*  \ntimeout 3\n\tdefault\t" MID
						"-*\r\n",
						out, sizeof(out)),
			 1);
	assert_string_equal(out, MID "-*");
	assert_int_equal(hp_loader_conf_default("defaultx y\ndefault\n", out, sizeof(out)), 0);
}

static void test_osrel(void **state)
{
	char key[64], ver[64], title[64];

	(void)state;
	hp_osrel_pick("ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian 12\"\n", key, ver, title,
		      sizeof(key));
	assert_string_equal(key, "debian");
	assert_string_equal(ver, "12");
	assert_string_equal(title, "Debian 12");
	hp_osrel_pick("ID=fedora\nIMAGE_ID=img\nVERSION=39\nIMAGE_VERSION=1.2\nNAME=F\n", key, ver,
		      title, sizeof(key));
	assert_string_equal(key, "img");
	assert_string_equal(ver, "1.2");
	assert_string_equal(title, "img");
	hp_osrel_pick("NAME=X\nBUILD_ID=7\n", key, ver, title, sizeof(key));
	assert_string_equal(key, "");
	assert_string_equal(ver, "7");
	assert_string_equal(title, "X");
}

static void test_efivar(void **state)
{
	/* attributes 0x07, then "ab-1.conf" in UTF-16LE with its NUL */
	static const unsigned char v[] = { 7,	0, 0,	0, 'a', 0, 'b', 0, '-', 0, '1', 0, '.', 0,
					   'c', 0, 'o', 0, 'n', 0, 'f', 0, 0,	0, 'x', 0 };
	static const unsigned char w[] = { 7, 0, 0, 0, 0xe9, 0, 'z', 0 };
	char out[32];

	(void)state;
	assert_int_equal(hp_efivar_string(v, sizeof(v), out, sizeof(out)), 0);
	assert_string_equal(out, "ab-1.conf");
	assert_int_equal(hp_efivar_string(w, sizeof(w), out, sizeof(out)), 0);
	assert_string_equal(out, "?z");
	assert_int_equal(hp_efivar_string(v, 3, out, sizeof(out)), -EINVAL);
}

/* prefix index: 0 /efi, 1 /boot, 2 /boot/efi; token index as hp_ki_candidates() lists them */
static void test_ki_locate(void **state)
{
	struct hp_ki_facts f;
	struct hp_ki_where w;
	const char *c[HP_BOOT_TOKENS_MAX];

	(void)state;
	memset(&f, 0, sizeof(f));
	strcpy(f.machine_id, MID);
	strcpy(f.os_id, "debian");
	assert_int_equal(hp_ki_candidates(&f, c), 3);
	assert_string_equal(c[0], MID);
	assert_string_equal(c[1], "debian");
	assert_string_equal(c[2], "Default");

	/* nothing anywhere: /boot and the machine id */
	hp_ki_locate(&f, &w);
	assert_string_equal(w.boot, "/boot");
	assert_string_equal(w.token, MID);
	assert_false(w.found);

	/* /boot/efi mounted, nothing else: kernel-install's last resort before /boot */
	f.mountpoint[2] = true;
	hp_ki_locate(&f, &w);
	assert_string_equal(w.boot, "/boot/efi");
	f.mountpoint[0] = true;
	hp_ki_locate(&f, &w);
	assert_string_equal(w.boot, "/efi");
	f.mountpoint[0] = f.mountpoint[2] = false;

	/* /boot/debian exists: the ID token, found at /boot */
	f.token_dir[1][1] = true;
	hp_ki_locate(&f, &w);
	assert_string_equal(w.boot, "/boot");
	assert_string_equal(w.token, "debian");
	assert_true(w.found);

	/* /efi/loader/entries ends the search at /efi before /boot is tried: machine id */
	f.entries_dir[0] = true;
	hp_ki_locate(&f, &w);
	assert_string_equal(w.boot, "/efi");
	assert_string_equal(w.token, MID);

	/* ... unless /efi/MID exists, which is looked at first */
	f.token_dir[0][0] = true;
	hp_ki_locate(&f, &w);
	assert_string_equal(w.boot, "/efi");
	assert_string_equal(w.token, MID);

	/* the loader/entries check comes after the first token only: /efi/debian is not seen */
	memset(f.token_dir, 0, sizeof(f.token_dir));
	f.token_dir[0][1] = true;
	hp_ki_locate(&f, &w);
	assert_string_equal(w.token, MID);

	/* an entry-token file: the only candidate, kept even when no folder has it */
	memset(f.token_dir, 0, sizeof(f.token_dir));
	memset(f.entries_dir, 0, sizeof(f.entries_dir));
	strcpy(f.entry_token, "custom");
	assert_int_equal(hp_ki_candidates(&f, c), 1);
	hp_ki_locate(&f, &w);
	assert_string_equal(w.boot, "/boot");
	assert_string_equal(w.token, "custom");

	/* BOOT_ROOT= of install.conf: the only prefix, and kept whatever is found */
	memset(&f, 0, sizeof(f));
	strcpy(f.machine_id, MID);
	strcpy(f.boot_root, "/srv/esp");
	f.mountpoint[0] = true;
	hp_ki_locate(&f, &w);
	assert_string_equal(w.boot, "/srv/esp");
	assert_string_equal(w.token, MID);
	assert_int_equal(hp_ki_prefixes(&f, c), 1);
	f.token_dir[0][1] = true; /* "Default" under it: candidates MID, "Default" */
	hp_ki_locate(&f, &w);
	assert_string_equal(w.boot, "/srv/esp");
	assert_string_equal(w.token, "Default");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vercmp),	    cmocka_unit_test(test_sort_default),
		cmocka_unit_test(test_loader_conf), cmocka_unit_test(test_osrel),
		cmocka_unit_test(test_efivar),	    cmocka_unit_test(test_ki_locate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
