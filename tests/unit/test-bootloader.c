// SPDX-License-Identifier: GPL-2.0-or-later
/* hp_bootloader_choose() and friends: the decision table of core/bootloader.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/bootloader.h"

enum { NONE, DEBIAN, FEDORA };

static void facts(struct hp_boot_facts *f, int grub, bool ki, bool cmdline, bool update)
{
	memset(f, 0, sizeof(*f));
	if (grub == DEBIAN) {
		strcpy(f->mkconfig, "/usr/sbin/grub-mkconfig");
		f->mkconfig_reads_grub_d = true;
	} else if (grub == FEDORA) {
		strcpy(f->mkconfig, "/usr/sbin/grub2-mkconfig");
	}
	if (update)
		strcpy(f->update_grub, "/usr/sbin/update-grub");
	if (ki)
		strcpy(f->kernel_install, "/usr/bin/kernel-install");
	f->kernel_cmdline = cmdline;
}

static void test_choose_table(void **state)
{
	struct {
		int grub;
		bool ki, cmdline;
		enum hp_bootloader want;
		int ret;
		enum hp_bootloader out;
		const char *why; /* a part of the message, when refused */
	} t[] = {
		{ DEBIAN, false, false, HP_BL_AUTO, 0, HP_BL_GRUB, NULL },
		/* GRUB that reads grub.d wins over kernel-install under auto */
		{ DEBIAN, true, true, HP_BL_AUTO, 0, HP_BL_GRUB, NULL },
		{ DEBIAN, true, true, HP_BL_KERNEL_INSTALL, 0, HP_BL_KERNEL_INSTALL, NULL },
		/* Fedora: grub2-mkconfig ignores grub.d; kernel-install is there */
		{ FEDORA, true, true, HP_BL_AUTO, 0, HP_BL_KERNEL_INSTALL, NULL },
		{ FEDORA, false, true, HP_BL_AUTO, 0, HP_BL_KERNEL_INSTALL, NULL },
		{ FEDORA, true, false, HP_BL_AUTO, 0, HP_BL_KERNEL_INSTALL, NULL },
		{ FEDORA, true, true, HP_BL_GRUB, -ENOTSUP, 0,
		  "/usr/sbin/grub2-mkconfig does not read /etc/default/grub.d" },
		{ FEDORA, false, false, HP_BL_AUTO, -ENOTSUP, 0, "--bootloader=kernel-install" },
		{ NONE, false, false, HP_BL_AUTO, -ENOENT, 0, "no supported boot loader found" },
		{ NONE, false, false, HP_BL_GRUB, -ENOENT, 0, "no grub-mkconfig found" },
		{ NONE, true, false, HP_BL_AUTO, 0, HP_BL_KERNEL_INSTALL, NULL },
		/* asked for explicitly, kernel-install needs nothing: the file is created */
		{ NONE, false, false, HP_BL_KERNEL_INSTALL, 0, HP_BL_KERNEL_INSTALL, NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hp_boot_facts f;
		enum hp_bootloader out = 99;
		char why[1024] = "";

		facts(&f, t[i].grub, t[i].ki, t[i].cmdline, false);
		print_message("# case %zu\n", i);
		assert_int_equal(hp_bootloader_choose(&f, t[i].want, &out, why, sizeof(why)),
				 t[i].ret);
		if (t[i].ret == 0)
			assert_int_equal(out, t[i].out);
		else
			assert_non_null(strstr(why, t[i].why));
	}
}

/* bls: asked for, or auto when $BOOT has this system's entries; Proxmox's systemd-boot */
static void test_choose_bls(void **state)
{
	struct hp_boot_facts f;
	enum hp_bootloader out = 99;
	char why[1024] = "";

	(void)state;
	facts(&f, DEBIAN, true, true, false);
	f.bls_entries = true;
	assert_int_equal(hp_bootloader_choose(&f, HP_BL_AUTO, &out, why, sizeof(why)), 0);
	assert_int_equal(out, HP_BL_BLS);
	assert_int_equal(hp_bootloader_choose(&f, HP_BL_GRUB, &out, why, sizeof(why)), 0);
	assert_int_equal(out, HP_BL_GRUB);
	facts(&f, FEDORA, false, false, false);
	f.bls_entries = true;
	assert_int_equal(hp_bootloader_choose(&f, HP_BL_AUTO, &out, why, sizeof(why)), 0);
	assert_int_equal(out, HP_BL_BLS);
	facts(&f, NONE, false, false, false);
	assert_int_equal(hp_bootloader_choose(&f, HP_BL_BLS, &out, why, sizeof(why)), 0);
	assert_int_equal(out, HP_BL_BLS);
	/* Proxmox VE on systemd-boot: its /etc/kernel/cmdline, not GRUB */
	facts(&f, DEBIAN, false, true, true);
	f.proxmox_uuids = true;
	assert_int_equal(hp_bootloader_choose(&f, HP_BL_AUTO, &out, why, sizeof(why)), 0);
	assert_int_equal(out, HP_BL_KERNEL_INSTALL);
	/* ... and on GRUB (no /etc/kernel/cmdline) GRUB */
	facts(&f, DEBIAN, false, false, true);
	f.proxmox_uuids = true;
	assert_int_equal(hp_bootloader_choose(&f, HP_BL_AUTO, &out, why, sizeof(why)), 0);
	assert_int_equal(out, HP_BL_GRUB);
	assert_string_equal(hp_bootloader_name(HP_BL_BLS), "bls");
	assert_int_equal(hp_bootloader_parse("bls", &out), 0);
	assert_int_equal(out, HP_BL_BLS);
}

static void test_update_argv(void **state)
{
	struct hp_boot_facts f;
	const char *argv[4];

	(void)state;
	facts(&f, DEBIAN, false, false, true);
	assert_int_equal(hp_grub_update_argv(&f, "/boot/grub/grub.cfg", argv), 0);
	assert_string_equal(argv[0], "/usr/sbin/update-grub");
	assert_null(argv[1]);
	facts(&f, DEBIAN, false, false, false);
	assert_int_equal(hp_grub_update_argv(&f, "/boot/grub/grub.cfg", argv), 0);
	assert_string_equal(argv[0], "/usr/sbin/grub-mkconfig");
	assert_string_equal(argv[1], "-o");
	assert_string_equal(argv[2], "/boot/grub/grub.cfg");
	assert_null(argv[3]);
	facts(&f, NONE, false, false, false);
	assert_int_equal(hp_grub_update_argv(&f, "/boot/grub/grub.cfg", argv), -ENOENT);
}

static void test_names(void **state)
{
	enum hp_bootloader b;

	(void)state;
	assert_int_equal(hp_bootloader_parse("grub", &b), 0);
	assert_int_equal(b, HP_BL_GRUB);
	assert_string_equal(hp_bootloader_name(b), "grub");
	assert_int_equal(hp_bootloader_parse("kernel-install", &b), 0);
	assert_string_equal(hp_bootloader_name(b), "kernel-install");
	assert_int_equal(hp_bootloader_parse("auto", &b), 0);
	assert_int_equal(b, HP_BL_AUTO);
	assert_int_equal(hp_bootloader_parse("grub2", &b), -EINVAL);
	assert_int_equal(hp_bootloader_parse("", &b), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose_table),
		cmocka_unit_test(test_choose_bls),
		cmocka_unit_test(test_update_argv),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
