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

/* the file, read once for every mount asked about (one per page size) */
static struct {
	bool read;
	int r; /* its read's result: 0, or -errno (-ENOENT: no fstab) */
	char *text;
	size_t len;
} fstab;

int gen_fstab_has(const char *root, const char *where)
{
	struct mntent *m;
	FILE *f;
	int r = 0;

	/* read beneath the root, never blocking; then getmntent() over the text */
	if (!fstab.read) {
		fstab.r = hp_read_text(root, &fstab.text, &fstab.len, FSTAB_MAX, HP_P_FSTAB);
		fstab.read = true;
	}
	if (fstab.r < 0)
		return fstab.r == -ENOENT ? 0 : fstab.r;
	f = fstab.len ? fmemopen(fstab.text, fstab.len, "r") : NULL;
	if (!f)
		return fstab.len ? -errno : 0;
	while ((m = getmntent(f)))
		if (same_path(m->mnt_dir, where)) {
			r = 1;
			break;
		}
	fclose(f);
	return r;
}

void gen_fstab_free(void)
{
	free(fstab.text);
	fstab.text = NULL;
	fstab.read = false;
}
