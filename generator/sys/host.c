// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/size.h"
#include "sys/host.h"
#include "sys/path.h"
#include "sys/root.h"

#define TEXT_MAX (4U << 20)

/* "MemTotal:       32768000 kB", optionally after "Node 0 "; -ERANGE when bytes overflow */
static int meminfo_total(const char *text, uint64_t *bytes)
{
	const char *p = strstr(text, "MemTotal:");
	int r;

	if (!p)
		return -EINVAL;
	p += strlen("MemTotal:");
	p += strspn(p, " \t");
	r = hp_kb_bytes(p, &p, bytes);
	if (r < 0)
		return r;
	return strncmp(p, " kB", 3) ? -EINVAL : 0;
}

static int fail(struct hp_host *h, int r, const char *path, const char *what)
{
	snprintf(h->err, sizeof(h->err), "%.200s: %s", path, what ? what : hp_strerror(r));
	return r;
}

static const char *memtotal_error(int r)
{
	return r == -ERANGE ? "MemTotal in kB does not fit 64 bits of bytes"
			    : "no MemTotal line (\"MemTotal: N kB\")";
}

int hp_hstate_dir_size(const char *name, uint64_t *size)
{
	const char *p;
	int r;

	if (strncmp(name, "hugepages-", 10))
		return -EINVAL;
	r = hp_kb_bytes(name + 10, &p, size);
	if (r < 0)
		return r;
	return strcmp(p, "kB") ? -EINVAL : 0;
}

const char *hp_cmdline_strerror(int r)
{
	if (r == -E2BIG)
		return "longer than 4095 bytes, the most the kernel's COMMAND_LINE_SIZE of 4096 leaves and all hugeplan reads";
	if (r == -EINVAL)
		return "holds a NUL byte";
	return hp_strerror(r);
}

int hp_read_cmdline(const char *root, char *buf, size_t len)
{
	size_t n;
	int r;

	/* the line and its newline: len - 1 bytes of words at most */
	r = hp_read_line(root, HP_P_CMDLINE, buf, len, &n);
	if (r < 0)
		return r == -EFBIG ? -E2BIG : r;
	if (strlen(buf) != n) {
		buf[0] = '\0';
		return -EINVAL;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct sizes {
	uint64_t *v;
	size_t max, *n;
	char *bad;
	size_t badlen;
};

static int add_size(const struct dirent64 *de, void *ctx)
{
	struct sizes *z = ctx;
	uint64_t size;
	int r = hp_hstate_dir_size(de->d_name, &size);

	if (r == -ERANGE) {
		snprintf(z->bad, z->badlen, "%s", de->d_name);
		return r;
	}
	if (r == 0 && size && *z->n < z->max)
		z->v[(*z->n)++] = size;
	return 0;
}

int hp_hstate_sizes_fd(int fd, uint64_t *sizes, size_t max, size_t *n, char *bad, size_t badlen)
{
	struct sizes z = { sizes, max, n, bad, badlen };
	int r;

	*n = 0;
	if (badlen)
		bad[0] = '\0';
	r = hp_dir_each(fd, add_size, &z);
	/* a failed read ends the listing, as readdir() does; a size too large is an error */
	if (r == -ERANGE)
		return r;
	qsort(sizes, *n, sizeof(sizes[0]), cmp_u64);
	return 0;
}

int hp_hstate_sizes(const char *root, uint64_t *sizes, size_t max, size_t *n, char *bad,
		    size_t badlen)
{
	int fd = hp_root_open(root, HP_P_HUGEPAGES, O_RDONLY | O_DIRECTORY, 0), r;

	if (fd < 0) {
		*n = 0;
		if (badlen)
			bad[0] = '\0';
		return fd == -ENOENT ? 0 : fd;
	}
	r = hp_hstate_sizes_fd(fd, sizes, max, n, bad, badlen);
	close(fd);
	return r;
}

static int read_sizes(const char *root, struct hp_host *h)
{
	char bad[256], p[320];
	int r;

	r = hp_hstate_sizes(root, h->sizes, HP_MAX_SIZES, &h->nr_sizes, bad, sizeof(bad));
	if (r == -ERANGE) {
		snprintf(p, sizeof(p), "%s/%s", HP_P_HUGEPAGES, bad);
		return fail(h, r, p, "a page size that does not fit 64 bits of bytes");
	}
	/* a kernel without hugetlbfs has no directory: no sizes, which the planner reports */
	return r < 0 ? fail(h, r, HP_P_HUGEPAGES, NULL) : 0;
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
	char text[HP_ATTR_MAX];
	int r;

	r = hp_read_line(root, HP_P_NODE_ONLINE, text, sizeof(text), NULL);
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
	/* nodes from 64 up are counted, not read: the plan never uses them (core/plan.h) */
	r = hp_nodelist_parse(text, &h->online_mask, &h->nodes_beyond, &h->first_beyond);
	if (r < 0)
		return fail(h, r, HP_P_NODE_ONLINE,
			    r == -ERANGE ? "node id of 65536 or more" : "malformed node list");
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
			return fail(h, r, path, memtotal_error(r));
	}
	return 0;
}

/*
 * the kernel version and command line; either may be missing (then "" and 0), but one that
 * is there and cannot be read (whole) is an error: a cut command line would be misread
 */
static int read_kernel(const char *root, struct hp_host *h)
{
	char text[HP_ATTR_MAX];
	int r;

	r = hp_read_line(root, HP_P_OSRELEASE, text, sizeof(text), NULL);
	if (r == 0) {
		snprintf(h->kver_str, sizeof(h->kver_str), "%.*s", (int)sizeof(h->kver_str) - 1,
			 text);
		h->kver = hp_kver_parse(text);
	} else if (r != -ENOENT) {
		return fail(h, r, HP_P_OSRELEASE, NULL);
	}
	r = hp_read_cmdline(root, h->cmdline, sizeof(h->cmdline));
	if (r == -ENOENT)
		return 0;
	return r < 0 ? fail(h, r, HP_P_CMDLINE, hp_cmdline_strerror(r)) : 0;
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
	return read_kernel(root, h);
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
		return fail(h, r, HP_P_MEMINFO, memtotal_error(r));

	r = read_nodes(root, h);
	if (r < 0)
		return r;
	r = read_sizes(root, h);
	if (r < 0)
		return r;
	read_cpuinfo(root, h);
	return read_kernel(root, h);
}
