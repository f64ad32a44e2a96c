// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sys/path.h"
#include "systemd/fstab.h"

#define FSTAB_MAX (1U << 20)

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
	struct mntent *m;
	size_t len;
	char *text;
	FILE *f;
	int r = 0;

	/* read beneath the root, never blocking; then getmntent() over the text */
	r = hp_read_text(root, &text, &len, FSTAB_MAX, HP_P_FSTAB);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	f = len ? fmemopen(text, len, "r") : NULL;
	if (!f) {
		r = len ? -errno : 0;
		free(text);
		return r;
	}
	while ((m = getmntent(f)))
		if (same_path(m->mnt_dir, where)) {
			r = 1;
			break;
		}
	fclose(f);
	free(text);
	return r;
}
