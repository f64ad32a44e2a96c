// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numamaps.h"
#include "core/pathnames.h"
#include "sys/guests.h"
#include "sys/path.h"
#include "sys/root.h"

#define NUMA_MAPS_MAX (64U << 20) /* a QEMU has a few hundred mappings */

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct hp_guest *)a)->name, ((const struct hp_guest *)b)->name);
}

/* one guest's pages; -ENOENT: no such process (a stale pid file) */
static int read_guest(const char *root, const struct hp_pools *pools, struct hp_guest *g)
{
	char *text;
	uint64_t pid;
	int r;

	/* a running domain has its status file beside its pid file; driver.pid, libvirtd's own
	 * lock, has none */
	r = hp_path_exists(root, HP_P_LIBVIRT_STATUS, g->name);
	if (r <= 0)
		return r == 0 ? -ENOENT : r;
	r = hp_read_u64(root, &pid, HP_P_LIBVIRT_PID, g->name);
	if (r < 0)
		return r == -EINVAL ? -ENOENT : r;
	if (!pid || pid > INT32_MAX)
		return -ENOENT;
	g->pid = (long)pid;
	r = hp_read_text(root, &text, NULL, NUMA_MAPS_MAX, HP_P_NUMA_MAPS, g->pid);
	if (r < 0)
		return r == -ESRCH ? -ENOENT : r;
	for (size_t i = 0; i < pools->nr_pools && i < HP_MAX_SIZES; i++)
		hp_numa_maps_huge(text, pools->pools[i].size, g->pages[i]);
	free(text);
	return 0;
}

int hp_guests_read(const char *root, const struct hp_pools *pools, struct hp_guest **out, size_t *n,
		   char *note, size_t notelen)
{
	struct hp_guest *gs = NULL;
	size_t nr = 0, cap = 0, o = 0;
	struct dirent *de;
	DIR *d;
	int r;

	*out = NULL;
	*n = 0;
	if (notelen)
		note[0] = '\0';
	r = hp_root_opendir(root, HP_P_LIBVIRT_QEMU_RUN, &d);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct hp_guest *g;

		if (len <= 4 || strcmp(de->d_name + len - 4, ".pid") ||
		    len - 4 >= HP_GUEST_NAME_MAX)
			continue;
		if (nr == cap) {
			struct hp_guest *m = realloc(gs, (cap ? cap * 2 : 4) * sizeof(*gs));

			if (!m) {
				r = -ENOMEM;
				goto fail;
			}
			gs = m;
			cap = cap ? cap * 2 : 4;
		}
		g = &gs[nr];
		memset(g, 0, sizeof(*g));
		memcpy(g->name, de->d_name, len - 4);
		r = read_guest(root, pools, g);
		if (r == -ENOMEM)
			goto fail;
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			if (o < notelen)
				o += (size_t)snprintf(note + o, notelen - o, "%s%s (pid %ld): %s",
						      o ? "; " : "", g->name, g->pid,
						      hp_strerror(r));
			continue;
		}
		nr++;
	}
	closedir(d);
	if (nr)
		qsort(gs, nr, sizeof(*gs), by_name);
	else {
		free(gs);
		gs = NULL;
	}
	*out = gs;
	*n = nr;
	return 0;
fail:
	closedir(d);
	free(gs);
	return r;
}
