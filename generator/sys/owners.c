// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/cmdline-edit.h"
#include "core/kdump.h"
#include "core/macro.h"
#include "sys/bootloader.h"
#include "sys/owners.h"
#include "sys/path.h"
#include "sys/root.h"

#define CONF_MAX (1U << 20)

static bool executable(const char *root, const char *path)
{
	struct stat st;

	return hp_root_stat(root, path, &st, true) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0111);
}

/* the variable of a settings file: 1 and its line, 0 unset or no file */
static int shvar(const char *root, const char *file, const char *name, char *out, size_t len,
		 unsigned *line)
{
	_cleanup_free_ char *t = NULL;

	out[0] = '\0';
	*line = 0;
	if (hp_read_text(root, &t, NULL, CONF_MAX, "%s", file) < 0)
		return 0;
	return hp_shvar_line(t, name, out, len, line);
}

/* whether a tuned.conf "cmdline*=" value holds an owned word ("+" and "-" prefixes aside) */
static bool owned_value(const char *v, size_t n)
{
	const char *p = v, *end = v + n;

	if (p < end && (*p == '+' || *p == '-'))
		p++;
	while (p < end) {
		const char *w;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		w = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		if (p > w && hp_word_owned(w, (size_t)(p - w)))
			return true;
	}
	return false;
}

/* the [bootloader] cmdline line of a profile's tuned.conf that holds huge page words */
static void tuned_conf(const char *root, const char *profile, struct hp_owner_facts *f)
{
	static const char *const where[] = { HP_P_TUNED_PROFILE_ETC, HP_P_TUNED_PROFILE_LIB };

	for (size_t i = 0; i < ARRAY_SIZE(where); i++) {
		_cleanup_free_ char *t = NULL;
		char file[HP_OWNER_PATH_MAX - 1];
		bool section = false;
		unsigned n = 0;

		snprintf(file, sizeof(file), where[i], profile);
		if (hp_read_text(root, &t, NULL, CONF_MAX, "%s", file) < 0)
			continue;
		hp_path(f->tuned_conf, sizeof(f->tuned_conf), root, "%s", file);
		for (const char *p = t; *p;) {
			const char *eol = strchr(p, '\n'), *q = p, *eq;

			if (!eol)
				eol = p + strlen(p);
			n++;
			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
			if (*q == '[')
				section = !strncmp(q, "[bootloader]", 12);
			eq = memchr(q, '=', (size_t)(eol - q));
			if (section && eq && !strncmp(q, "cmdline", 7) &&
			    owned_value(eq + 1, (size_t)(eol - eq - 1))) {
				f->tuned_conf_line = n;
				return;
			}
			p = *eol ? eol + 1 : eol;
		}
		return; /* /etc's copy hides /usr/lib's */
	}
}

static void tuned(const char *root, struct hp_owner_facts *f)
{
	_cleanup_free_ char *active = NULL;
	unsigned line;

	if (hp_read_text(root, &active, NULL, 4096, "%s", HP_P_TUNED_ACTIVE) == 0) {
		/* several profiles merge, blank-separated: the first names it */
		size_t n = strspn(active, " \t");

		snprintf(f->tuned_profile, sizeof(f->tuned_profile), "%.*s",
			 (int)strcspn(active + n, " \t\r\n"), active + n);
	}
	shvar(root, HP_P_TUNED_BOOTCMDLINE, "TUNED_BOOT_CMDLINE", f->tuned_cmdline,
	      sizeof(f->tuned_cmdline), &line);
	hp_path(f->tuned_file, sizeof(f->tuned_file), root, "%s", HP_P_TUNED_BOOTCMDLINE);
	f->tuned_grub = executable(root, HP_P_TUNED_GRUB);
	if (f->tuned_profile[0] && !strchr(f->tuned_profile, '/') &&
	    hp_cmdline_count_owned(f->tuned_cmdline))
		tuned_conf(root, f->tuned_profile, f);
}

static void kdump(const char *root, struct hp_owner_facts *f)
{
	char use[16];
	unsigned line;

	if (hp_path_exists(root, "%s", HP_P_KDUMP_DEBIAN) && executable(root, HP_P_KDUMP_CONFIG)) {
		/* USE_KDUMP=0 (or unset) leaves kdump unloaded */
		shvar(root, HP_P_KDUMP_DEBIAN, "USE_KDUMP", use, sizeof(use), &line);
		if (!streq(use, "1"))
			return;
		f->kdump = HP_KDUMP_DEBIAN;
		hp_path(f->kdump_file, sizeof(f->kdump_file), root, "%s", HP_P_KDUMP_DEBIAN);
		shvar(root, HP_P_KDUMP_DEBIAN, "KDUMP_CMDLINE", f->kdump_cmdline,
		      sizeof(f->kdump_cmdline), &f->kdump_cmdline_line);
		shvar(root, HP_P_KDUMP_DEBIAN, "KDUMP_CMDLINE_APPEND", f->kdump_append,
		      sizeof(f->kdump_append), &f->kdump_append_line);
		return;
	}
	if (hp_path_exists(root, "%s", HP_P_KDUMP_REDHAT) &&
	    (executable(root, HP_P_KDUMPCTL) || executable(root, HP_P_KDUMPCTL_SBIN))) {
		f->kdump = HP_KDUMP_REDHAT;
		hp_path(f->kdump_file, sizeof(f->kdump_file), root, "%s", HP_P_KDUMP_REDHAT);
		shvar(root, HP_P_KDUMP_REDHAT, "KDUMP_COMMANDLINE", f->kdump_cmdline,
		      sizeof(f->kdump_cmdline), &f->kdump_cmdline_line);
		shvar(root, HP_P_KDUMP_REDHAT, "KDUMP_COMMANDLINE_APPEND", f->kdump_append,
		      sizeof(f->kdump_append), &f->kdump_append_line);
		shvar(root, HP_P_KDUMP_REDHAT, "KDUMP_COMMANDLINE_REMOVE", f->kdump_remove,
		      sizeof(f->kdump_remove), &line);
	}
}

int hp_owners_read(const char *root, struct hp_owner_facts *f, char *what, size_t wlen)
{
	char file[HP_OWNER_PATH_MAX];
	int r;

	memset(f, 0, sizeof(*f));
	what[0] = '\0';
	r = hp_grub_find_init(root, file, sizeof(file), &f->init_line);
	if (r < 0) {
		hp_path(what, wlen, root, "%s", HP_P_GRUB_D);
		return r;
	}
	if (f->init_line)
		hp_path(f->init_file, sizeof(f->init_file), root, "%s", file);
	tuned(root, f);
	kdump(root, f);
	return 0;
}
