// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "preflight/facts.h"
#include "preflight/kmod.h"
#include "sys/host.h"
#include "sys/nextboot.h"
#include "sys/path.h"
#include "sys/root.h"

#define KCONFIG_MAX (16U << 20) /* a distribution config is about 250 KiB */
#define MODLOAD_MAX (1U << 20)

static bool plain_release(const char *kver)
{
	/* it names a file and a folder: no separators, no "." or ".." */
	return strlen(kver) < 128 && !strchr(kver, '/') && strcmp(kver, ".") && strcmp(kver, "..");
}

static long count_entries(const char *root, const char *dirpath)
{
	struct dirent *de;
	long n = 0;
	DIR *d;

	if (hp_root_opendir(root, dirpath, &d) < 0)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int collect_modules(const char *root, struct hp_check_facts *f)
{
	char path[256];
	struct hp_kmod *k;
	int r;

	r = hp_kmod_scan(root, f->kver, path, sizeof(path));
	if (r < 0) {
		f->modules_err = r;
		snprintf(f->modules_errmsg, sizeof(f->modules_errmsg), "%s: %s", path,
			 hp_strerror(r));
		return 0;
	}
	r = hp_kmod_open(root, f->kver, &k);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		f->modules_err = r;
		return 0;
	}
	for (int m = 0; m < HP_CM_NR; m++) {
		r = hp_kmod_query(k, hp_check_mod_name(m), &f->mods[m]);
		if (r < 0)
			break;
	}
	hp_kmod_close(k);
	return r == -ENOMEM ? r : 0;
}

/* The module names a modules-load.d text lists: one a line, '#' and ';' start comments. */
static void modload_text(struct hp_check_facts *f, const char *file, char *text)
{
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[64];

		l += strspn(l, " \t");
		if (*l == '#' || *l == ';' || sscanf(l, "%63s", name) != 1)
			continue;
		for (int m = 0; m < HP_CM_NR; m++)
			if (!f->modload[m][0] && hp_param_eq(name, hp_check_mod_name(m)))
				snprintf(f->modload[m], sizeof(f->modload[m]), "%s", file);
	}
}

/* "DIR\tNAME" entries by NAME: modules-load.d(5) reads the files in that order */
static int cmp_name(const void *a, const void *b)
{
	return strcmp(strchr(*(char *const *)a, '\t'), strchr(*(char *const *)b, '\t'));
}

static int modload_file(struct hp_check_facts *f, const char *root, const char *file)
{
	char *text;
	int r = hp_read_text(root, &text, NULL, MODLOAD_MAX, "%s", file);

	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		snprintf(f->modload_err, sizeof(f->modload_err), "%s: %s", file, hp_strerror(r));
		return r;
	}
	modload_text(f, file, text);
	free(text);
	return 0;
}

/*
 * modules-load.d under root as modules-load.d(5) reads it: NAME.conf of the folders, by name,
 * a name in a higher folder hiding the same name in lower ones. Which program reads them
 * decides whether they load a blacklisted module (hp_check_evaluate()).
 */
static void collect_modload(const char *root, struct hp_check_facts *f)
{
	static const char *const dirs[] = { HP_P_MODLOAD_ETC, HP_P_MODLOAD_RUN,
					    HP_P_MODLOAD_USRLOCAL, HP_P_MODLOAD_USR,
					    HP_P_MODLOAD_LIB };
	static const char *const tools[] = { HP_P_MODULES_LOAD_USR, HP_P_MODULES_LOAD_LIB };
	char *names[256], file[512];
	size_t n = 0;
	struct stat st;

	for (size_t i = 0; i < 2 && !f->modload_tool[0]; i++)
		if (hp_root_stat(root, tools[i], &st, true) == 0 && S_ISREG(st.st_mode))
			snprintf(f->modload_tool, sizeof(f->modload_tool), "%s", tools[i]);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct dirent *e;
		DIR *d;

		if (hp_root_opendir(root, dirs[i], &d) < 0)
			continue;
		while ((e = readdir(d)) && n < sizeof(names) / sizeof(names[0])) {
			size_t l = strlen(e->d_name);
			bool seen = false;

			if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".conf"))
				continue;
			for (size_t j = 0; j < n && !seen; j++)
				seen = !strcmp(strchr(names[j], '\t') + 1, e->d_name);
			if (seen)
				continue;
			if (asprintf(&names[n], "%s\t%s", dirs[i], e->d_name) < 0)
				break;
			n++;
		}
		closedir(d);
	}
	qsort(names, n, sizeof(names[0]), cmp_name);
	for (size_t i = 0; i < n; i++) {
		char *tab = strchr(names[i], '\t');

		*tab = '\0';
		snprintf(file, sizeof(file), "%s/%s", names[i], tab + 1);
		if (!f->modload_err[0])
			modload_file(f, root, file);
		free(names[i]);
	}
	/* without systemd, Debian's /etc/init.d/kmod reads /etc/modules as well */
	if (!f->modload_tool[0] && !f->modload_err[0])
		modload_file(f, root, HP_P_ETC_MODULES);
}

int hp_check_collect(const char *root, const char *kver, struct hp_check_facts *f)
{
	struct hp_host *h;
	char *text;
	int r;

	if (kver && *kver && !plain_release(kver))
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	h = malloc(sizeof(*h));
	if (!h)
		return -ENOMEM;
	r = hp_host_read(root, h);
	if (r == -ENOMEM) {
		free(h);
		return r;
	}
	if (r < 0) {
		f->host_err = r;
		snprintf(f->host_errmsg, sizeof(f->host_errmsg), "%.*s",
			 (int)sizeof(f->host_errmsg) - 1, h->err);
	}
	if (r == 0) {
		snprintf(f->running_kver, sizeof(f->running_kver), "%s", h->kver_str);
		f->x86 = h->x86;
		f->pdpe1gb = h->pdpe1gb;
		snprintf(f->cpu_vendor, sizeof(f->cpu_vendor), "%s", h->cpu_vendor);
		memcpy(f->sizes, h->sizes, sizeof(f->sizes));
		f->nr_sizes = h->nr_sizes;
		snprintf(f->cmdline, sizeof(f->cmdline), "%s", h->cmdline);
	}
	free(h);
	/* the release can still name the default target when the rest of the host is unreadable */
	if (r < 0 && hp_read_text(root, &text, NULL, 4096, HP_P_OSRELEASE) == 0) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(f->running_kver, sizeof(f->running_kver), "%s", text);
		free(text);
	}

	snprintf(f->kver, sizeof(f->kver), "%s", kver && *kver ? kver : f->running_kver);
	if (!plain_release(f->kver))
		f->kver[0] = '\0';
	f->kver_num = hp_kver_parse(f->kver);

	if (hp_read_text(root, &text, NULL, 4096, HP_P_THP_ENABLED) == 0) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(f->thp, sizeof(f->thp), "%s", text);
		free(text);
	}
	if (hp_read_text(root, &text, NULL, 4096, HP_P_THP_DEFRAG) == 0) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(f->thp_defrag, sizeof(f->thp_defrag), "%s", text);
		free(text);
	}
	{
		uint64_t v;

		f->khugepaged_defrag =
			hp_read_u64(root, &v, HP_P_THP_KHUGEPAGED) == 0 ? (int)!!v : -1;
	}
	f->iommu_groups = count_entries(root, HP_P_IOMMU_GROUPS);
	collect_modload(root, f);

	if (!f->kver[0])
		return 0;
	r = hp_read_text(root, &f->kconfig, NULL, KCONFIG_MAX, HP_P_KCONFIG, f->kver);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		f->kconfig = NULL;
		f->kconfig_err = r;
	}
	r = collect_modules(root, f);
	if (r < 0)
		hp_check_facts_release(f);
	return r;
}

void hp_check_facts_release(struct hp_check_facts *f)
{
	free(f->kconfig);
	f->kconfig = NULL;
}

int hp_check_run(const char *root, const char *kver, const char *why,
		 const struct hp_next_facts *next, const struct hp_check_needs *n,
		 struct hp_findings *out)
{
	struct hp_check_facts *f;
	int r;

	f = malloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	r = hp_check_collect(root, kver, f);
	if (r == 0) {
		snprintf(f->kver_why, sizeof(f->kver_why), "%s", why ? why : "");
		if (next)
			hp_installed_list(next, f->installed, sizeof(f->installed));
		r = hp_check_evaluate(f, n, out);
		hp_check_facts_release(f);
	}
	free(f);
	return r;
}
