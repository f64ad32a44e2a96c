// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#include "sys/path.h"
#include "systemd/fstab.h"

/* equal once trailing slashes are dropped: "/dev/hugepages1G/" names the same place */
static bool same_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && !memcmp(a, b, la);
}

int gen_fstab_has(const char *root, const char *where)
{
	char path[4096];
	struct mntent *m;
	FILE *f;
	int r = 0;

	if (hp_path(path, sizeof(path), root, HP_P_FSTAB) < 0)
		return -ENAMETOOLONG;
	f = setmntent(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while ((m = getmntent(f)))
		if (same_path(m->mnt_dir, where)) {
			r = 1;
			break;
		}
	endmntent(f);
	return r;
}
