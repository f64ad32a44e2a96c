// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preflight/facts.h"
#include "preflight/kmod.h"
#include "sys/host.h"
#include "sys/path.h"
#include "sys/root.h"

#define KCONFIG_MAX (16U << 20) /* a distribution config is about 250 KiB */

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
	f->iommu_groups = count_entries(root, HP_P_IOMMU_GROUPS);

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

int hp_check_run(const char *root, const char *kver, const struct hp_check_needs *n,
		 struct hp_findings *out)
{
	struct hp_check_facts *f;
	int r;

	f = malloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	r = hp_check_collect(root, kver, f);
	if (r == 0) {
		r = hp_check_evaluate(f, n, out);
		hp_check_facts_release(f);
	}
	free(f);
	return r;
}
