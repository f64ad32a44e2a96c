// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/host.h"
#include "sys/path.h"
#include "sys/root.h"

#define TEXT_MAX (4U << 20)

/* "MemTotal:       32768000 kB", optionally after "Node 0 " */
static int meminfo_total(const char *text, uint64_t *bytes)
{
	const char *p = strstr(text, "MemTotal:");
	unsigned long long kb;

	if (!p || sscanf(p, "MemTotal: %llu kB", &kb) != 1)
		return -EINVAL;
	*bytes = kb * 1024ULL;
	return 0;
}

static int fail(struct hp_host *h, int r, const char *path, const char *what)
{
	snprintf(h->err, sizeof(h->err), "%.200s: %s", path, what ? what : hp_strerror(r));
	return r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int read_sizes(const char *root, struct hp_host *h)
{
	struct dirent *de;
	DIR *d;
	int r;

	r = hp_root_opendir(root, HP_P_HUGEPAGES, &d);
	if (r < 0) {
		/* a kernel without hugetlbfs has no directory: no sizes, which the planner reports
		 */
		if (r == -ENOENT)
			return 0;
		return fail(h, r, HP_P_HUGEPAGES, NULL);
	}
	while ((de = readdir(d))) {
		unsigned long long kb;
		char tail[4];

		if (sscanf(de->d_name, "hugepages-%llukB%3s", &kb, tail) != 1)
			continue;
		if (h->nr_sizes < HP_MAX_SIZES && kb)
			h->sizes[h->nr_sizes++] = kb * 1024ULL;
	}
	closedir(d);
	qsort(h->sizes, h->nr_sizes, sizeof(h->sizes[0]), cmp_u64);
	return 0;
}

static void read_cpuinfo(const char *root, struct hp_host *h)
{
	char *text, *line, *save = NULL;

	if (hp_read_text(root, &text, NULL, TEXT_MAX, HP_P_CPUINFO) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		if (!strncmp(line, "flags", 5) && isspace((unsigned char)line[5])) {
			/* the first processor's flags speak for all */
			if (h->x86)
				continue;
			h->x86 = true;
			h->pdpe1gb = strstr(colon, " pdpe1gb") != NULL;
		} else if (!strncmp(line, "vendor_id", 9) && !h->cpu_vendor[0]) {
			sscanf(colon + 1, " %31s", h->cpu_vendor);
		}
	}
	free(text);
}

/* the online node ids; without NUMA in sysfs, one node 0 */
static int read_online(const char *root, struct hp_host *h)
{
	char *text;
	int r;

	r = hp_read_text(root, &text, NULL, 4096, HP_P_NODE_ONLINE);
	if (r == -ENOENT) {
		/* no NUMA in this kernel: one node holding everything */
		h->numa_sysfs = false;
		h->online_mask = 1;
		h->nr_nodes = 1;
		h->nodes[0].id = 0;
		return 0;
	}
	if (r < 0)
		return fail(h, r, HP_P_NODE_ONLINE, NULL);
	h->numa_sysfs = true;
	r = hp_nodelist_parse(text, &h->online_mask);
	free(text);
	if (r < 0)
		return fail(h, r, HP_P_NODE_ONLINE,
			    r == -ERANGE ? "node id above 63 is not supported"
					 : "malformed node list");
	for (unsigned n = 0; n < HP_MAX_NODES; n++)
		if ((h->online_mask >> n) & 1)
			h->nodes[h->nr_nodes++].id = n;
	return 0;
}

static int read_nodes(const char *root, struct hp_host *h)
{
	char *text;
	int r;

	r = read_online(root, h);
	if (r < 0)
		return r;
	if (!h->numa_sysfs) {
		h->nodes[0].mem_total = h->mem_total;
		return 0;
	}
	for (size_t i = 0; i < h->nr_nodes; i++) {
		struct hp_node *node = &h->nodes[i];
		char path[64];

		snprintf(path, sizeof(path), HP_P_NODE_MEMINFO, node->id);
		r = hp_read_text(root, &text, NULL, TEXT_MAX, HP_P_NODE_MEMINFO, node->id);
		if (r < 0)
			return fail(h, r, path, NULL);
		r = meminfo_total(text, &node->mem_total);
		free(text);
		if (r < 0)
			return fail(h, r, path, "no MemTotal line");
	}
	return 0;
}

/* the kernel version and command line; either may be missing (then "" and 0) */
static void read_kernel(const char *root, struct hp_host *h)
{
	char *text;

	if (hp_read_text(root, &text, NULL, 4096, HP_P_OSRELEASE) == 0) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(h->kver_str, sizeof(h->kver_str), "%s", text);
		h->kver = hp_kver_parse(text);
		free(text);
	}
	if (hp_read_text(root, &text, NULL, sizeof(h->cmdline) - 1, HP_P_CMDLINE) == 0) {
		text[strcspn(text, "\n")] = '\0';
		snprintf(h->cmdline, sizeof(h->cmdline), "%s", text);
		free(text);
	}
}

int hp_host_read_kernel(const char *root, struct hp_host *h)
{
	int r;

	memset(h, 0, sizeof(*h));
	r = read_online(root, h);
	if (r < 0)
		return r;
	r = read_sizes(root, h);
	if (r < 0)
		return r;
	read_kernel(root, h);
	return 0;
}

int hp_host_read(const char *root, struct hp_host *h)
{
	char *text;
	int r;

	memset(h, 0, sizeof(*h));
	r = hp_read_text(root, &text, NULL, TEXT_MAX, HP_P_MEMINFO);
	if (r < 0)
		return fail(h, r, HP_P_MEMINFO, NULL);
	r = meminfo_total(text, &h->mem_total);
	free(text);
	if (r < 0)
		return fail(h, r, HP_P_MEMINFO, "no MemTotal line");

	r = read_nodes(root, h);
	if (r < 0)
		return r;
	r = read_sizes(root, h);
	if (r < 0)
		return r;
	read_cpuinfo(root, h);
	read_kernel(root, h);
	return 0;
}
