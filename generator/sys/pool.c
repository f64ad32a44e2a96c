// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/parse-util.h"
#include "sys/host.h"
#include "sys/path.h"
#include "sys/pool.h"
#include "sys/root.h"

/*
 * On the running system, the two sysfs directories every count is read beneath, held for the
 * reads: a path from "/" walks each sysfs component again, and sysfs revalidates its entries
 * at every lookup (kernfs_dop_revalidate(), never in RCU mode). The sizes' directory is open
 * for reading, and listed through the same fd; the nodes' is an O_PATH one.
 */
struct held {
	const char *prefix; /* with its trailing '/' */
	size_t len;
	int fd; /* -1: not held */
};

struct ctx {
	const char *root;
	char *errpath;
	size_t errlen;
	bool counts_only; /* hp_pools_read_verdict(): no resv, no overcommit */
	struct held held[2];
};

static void hold_dirs(struct ctx *c)
{
	static const char *const dirs[] = { HP_P_HUGEPAGES "/", HP_P_NODE_DIR "/" };

	for (size_t i = 0; i < 2; i++) {
		struct held *h = &c->held[i];
		char path[64];

		h->prefix = dirs[i];
		h->len = strlen(dirs[i]);
		h->fd = -1;
		if (!hp_root_is_host(c->root) || h->len >= sizeof(path))
			continue;
		memcpy(path, dirs[i], h->len - 1);
		path[h->len - 1] = '\0';
		/* the sizes' directory is listed through its fd too (list_sizes()) */
		h->fd = open(path, (i == 0 ? O_RDONLY : O_PATH) | O_DIRECTORY | O_CLOEXEC);
	}
}

static void release_dirs(struct ctx *c)
{
	for (size_t i = 0; i < 2; i++)
		if (c->held[i].fd >= 0)
			close(c->held[i].fd);
}

/* path on the running system, opened beneath a held directory when it is in one */
static int open_host(const struct ctx *c, const char *path)
{
	for (size_t i = 0; i < 2; i++) {
		const struct held *h = &c->held[i];

		if (h->fd >= 0 && !strncmp(path, h->prefix, h->len)) {
			int fd = openat(h->fd, path + h->len, O_RDONLY | O_CLOEXEC | O_NOCTTY);

			return fd < 0 ? -errno : fd;
		}
	}
	return hp_root_open(NULL, path, O_RDONLY, 0);
}

static int fail(struct ctx *c, int r, const char *path)
{
	if (c->errpath && c->errlen)
		snprintf(c->errpath, c->errlen, "%s", path);
	return r;
}

/*
 * The hugepages-<kB>kB directories, their sizes sorted before any pool is written: sorting the
 * pools themselves (2 KiB each) made qsort() allocate, and ask the kernel how much memory
 * there is first. The entries come from getdents64() into a buffer on the stack: a DIR's
 * 32 KiB buffer would be two more pages written.
 */
static int list_sizes(struct ctx *c, struct hp_pools *out)
{
	uint64_t sizes[HP_MAX_SIZES];
	char bad[256], path[320];
	size_t n;
	int r;

	r = c->held[0].fd >= 0
		    ? hp_hstate_sizes_fd(c->held[0].fd, sizes, HP_MAX_SIZES, &n, bad, sizeof(bad))
		    : hp_hstate_sizes(c->root, sizes, HP_MAX_SIZES, &n, bad, sizeof(bad));
	if (r < 0) {
		snprintf(path, sizeof(path), "%s%s%s", HP_P_HUGEPAGES, bad[0] ? "/" : "", bad);
		return fail(c, r, path);
	}
	for (size_t i = 0; i < n; i++) {
		struct hp_pool *p = &out->pools[out->nr_pools++];

		/* its nodes are written as they are read (see hp_pools_read()) */
		memset(p, 0, offsetof(struct hp_pool, nodes));
		p->size = sizes[i];
	}
	return 0;
}

/*
 * Under a root, the directory of a size's attributes opened beneath it once for all of them,
 * its entries judged at once (hp_root_dir_regular()); fd -1 on the running system, or when it
 * cannot be opened: each file is then opened by its path, and says why.
 */
struct attr_dir {
	int fd;
	unsigned judged;
	ino_t inos[5];
};

/*
 * One sysfs count with one open, one read, one close: leaner than hp_read_u64(), and in the
 * initramfs of an emulated guest every system call shows. rel gets the path under the root.
 * Under a root, with d (its fd not -1) rel's directory and names[i] its last component, the
 * file is opened there as its directory's entries judged it, or judged there alone.
 */
__attribute__((format(printf, 8, 9))) static int read_count(struct ctx *c, const struct attr_dir *d,
							    const char *const *names, size_t i,
							    uint64_t *v, char *rel, size_t rlen,
							    const char *fmt, ...)
{
	const char *end;
	char buf[32];
	uint64_t n;
	bool over;
	va_list ap;
	ssize_t k;
	int fd, r;

	va_start(ap, fmt);
	r = vsnprintf(rel, rlen, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= rlen)
		return -ENAMETOOLONG;
	/* under a root, what is there is judged first (a FIFO, a device); sysfs itself is safe */
	if (hp_root_is_host(c->root))
		fd = open_host(c, rel);
	else if (d->fd < 0)
		fd = hp_root_open_file(c->root, rel, NULL);
	else if (!((d->judged >> i) & 1) ||
		 (fd = hp_root_open_judged(d->fd, names[i], d->inos[i], NULL)) < 0)
		fd = hp_root_open_file_in(c->root, d->fd, rel, names[i], NULL);
	if (fd < 0)
		return fd;
	do {
		k = read(fd, buf, sizeof(buf) - 1);
	} while (k < 0 && errno == EINTR);
	r = k < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	buf[k] = '\0';
	/* digits, as the kernel writes a count (%lu): not strtoull() (see core/parse-util.h) */
	n = hp_dec_u64(buf, &end, &over);
	if (over || end == buf || (*end && *end != '\n'))
		return -EINVAL;
	*v = n;
	return 0;
}

/* d for fmt with "" as the attribute (the directory's path, a trailing slash) and names */
__attribute__((format(printf, 5, 6))) static void open_attr_dir(struct ctx *c, struct attr_dir *d,
								const char *const *names, size_t n,
								const char *fmt, ...)
{
	char dir[256];
	va_list ap;
	int r;

	d->fd = -1;
	d->judged = 0;
	if (hp_root_is_host(c->root))
		return;
	va_start(ap, fmt);
	r = vsnprintf(dir, sizeof(dir), fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof(dir))
		return;
	d->fd = hp_root_open(c->root, dir, O_RDONLY | O_DIRECTORY, 0);
	if (d->fd >= 0 && hp_root_dir_regular(d->fd, names, n, d->inos, &d->judged) < 0)
		d->judged = 0;
	if (d->fd < 0)
		d->fd = -1;
}

/* the size's totals from all[first] on (1: not nr_hugepages, which its nodes summed gave) */
static int read_pool_from(struct ctx *c, struct hp_pool *p, size_t first)
{
	static const char *const all[] = { "nr_hugepages", "free_hugepages", "surplus_hugepages",
					   "resv_hugepages", "nr_overcommit_hugepages" };
	uint64_t *vals[] = { &p->nr, &p->free, &p->surplus, &p->resv, &p->overcommit };
	unsigned long long kb = p->size / 1024;
	size_t n = c->counts_only ? 3 : 5;
	struct attr_dir d;
	char rel[256];
	int r = 0;

	p->resv = p->overcommit = 0;
	open_attr_dir(c, &d, all, n, HP_P_HSTATE_ATTR, kb, "");
	for (size_t i = first; i < n && r == 0; i++) {
		r = read_count(c, &d, all, i, vals[i], rel, sizeof(rel), HP_P_HSTATE_ATTR, kb,
			       all[i]);
		if (r < 0)
			r = fail(c, r, rel);
	}
	if (d.fd >= 0)
		close(d.fd);
	return r;
}

/*
 * What a node's free and surplus counts must be when the size's totals say it (the verdict's
 * read only): the kernel keeps each total the sum of its nodes' counts, and on every node free
 * and surplus pages are pages of its pool (mm/hugetlb.c: nr_huge_pages_node[], free_, surplus_
 * are changed with their totals, under hugetlb_lock). So with free equal to nr every node's
 * free equals its nr, and with no surplus no node has any: those files need no reading, which
 * at boot (nothing has taken a page yet) is every node's two of three.
 */
static unsigned node_attrs_needed(const struct ctx *c, const struct hp_pool *p)
{
	unsigned want = 1U << 0; /* nr_hugepages */

	if (!c->counts_only || p->free != p->nr)
		want |= 1U << 1;
	if (!c->counts_only || p->surplus != 0)
		want |= 1U << 2;
	return want;
}

/*
 * The counts of node n named in want (bit 0 nr_hugepages, 1 free_, 2 surplus_) into node;
 * free and surplus left out of want are what the size's totals fix (node_attrs_needed()):
 * free equal to nr, no surplus. 1 when the node has no directory for the size (memoryless,
 * or a fixture that left it out), else 0 or -errno (its path in errpath).
 */
static int read_node_attrs(struct ctx *c, const struct hp_pool *p, struct hp_pool_node *node,
			   unsigned n, unsigned want)
{
	static const char *const attrs[] = { "nr_hugepages", "free_hugepages",
					     "surplus_hugepages" };
	uint64_t *vals[] = { &node->nr, &node->free, &node->surplus };
	unsigned long long kb = p->size / 1024;
	struct attr_dir d;
	char rel[256];
	int r = 0;

	open_attr_dir(c, &d, attrs, 3, HP_P_NODE_HSTATE, n, kb, "");
	for (size_t i = 0; i < 3; i++) {
		if (!((want >> i) & 1))
			continue;
		r = read_count(c, &d, attrs, i, vals[i], rel, sizeof(rel), HP_P_NODE_HSTATE, n, kb,
			       attrs[i]);
		if (r == -ENOENT && i == 0) {
			r = 1;
			break;
		}
		if (r < 0) {
			r = fail(c, r, rel);
			break;
		}
	}
	if (d.fd >= 0)
		close(d.fd);
	if (r)
		return r;
	if (!((want >> 1) & 1))
		node->free = node->nr;
	if (!((want >> 2) & 1))
		node->surplus = 0;
	return 0;
}

/* a node without this size's directory is skipped */
static int read_node(struct ctx *c, struct hp_pool *p, unsigned n)
{
	struct hp_pool_node *node = &p->nodes[p->nr_nodes];
	int r = read_node_attrs(c, p, node, n, node_attrs_needed(c, p));

	if (r)
		return r < 0 ? r : 0;
	node->id = n;
	p->nr_nodes++;
	return 0;
}

/* one node, id, holds all of the size's pages: its counts are the size's */
static void mirror_totals(struct hp_pool *p, unsigned id)
{
	p->nodes[0] = (struct hp_pool_node){ id, p->nr, p->free, p->surplus };
	p->nr_nodes = 1;
}

/*
 * The verdict's read of a size on a NUMA host, with a system call or three fewer per size
 * (at boot each sysfs file is an open, a read and a close, and they are most of the check's
 * time). The kernel keeps a size's counts the sums of its nodes' counts, each changed with
 * its total under hugetlb_lock (mm/hugetlb.c: nr_huge_pages_node[], free_, surplus_), and
 * every online node has a directory for each size (hugetlb_register_all_nodes()):
 *  - one online node holds every page: its counts are the size's, and its files need no
 *    reading (as without NUMA in sysfs);
 *  - with more, the size's nr_hugepages is its nodes' sum: each node's is read, not the
 *    total; where a node has no directory (a fixture), the total is read after all.
 * Then free and surplus, and the nodes' own only when those say a node's may differ
 * (node_attrs_needed()).
 */
static int read_pool_by_nodes(struct ctx *c, const struct hp_pools *out, struct hp_pool *p)
{
	uint64_t mask = out->online_mask, sum = 0;
	bool missing = false;
	unsigned want;
	int r;

	if (mask && !(mask & (mask - 1))) {
		r = read_pool_from(c, p, 0);
		if (r < 0)
			return r;
		mirror_totals(p, (unsigned)__builtin_ctzll(mask));
		return 0;
	}
	for (unsigned n = 0; n < HP_MAX_NODES; n++) {
		struct hp_pool_node *node = &p->nodes[p->nr_nodes];

		if (!((mask >> n) & 1))
			continue;
		r = read_node_attrs(c, p, node, n, 1U << 0);
		if (r < 0)
			return r;
		if (r) {
			missing = true;
			continue;
		}
		node->id = n;
		sum = sum + node->nr < sum ? UINT64_MAX : sum + node->nr;
		p->nr_nodes++;
	}
	p->nr = sum;
	r = read_pool_from(c, p, missing ? 0 : 1);
	if (r < 0)
		return r;
	/* the nodes' free and surplus only where the totals leave them open */
	want = node_attrs_needed(c, p) & ~(1U << 0);
	for (size_t i = 0; want && i < p->nr_nodes; i++) {
		/* without nr_hugepages in want, a missing file is an error, never 1 */
		r = read_node_attrs(c, p, &p->nodes[i], p->nodes[i].id, want);
		if (r < 0)
			return r;
	}
	return 0;
}

static int pools_read(struct ctx *c, struct hp_pools *out)
{
	char text[HP_ATTR_MAX];
	int r;

	/*
	 * Not the pools themselves, cleared as they are listed, nor their nodes, written whole as
	 * they are read: clearing all (16 KiB) writes every page, a fault each, at every boot.
	 */
	memset(out, 0, offsetof(struct hp_pools, pools));
	r = list_sizes(c, out);
	if (r < 0)
		return r;

	r = hp_read_line(c->root, HP_P_NODE_ONLINE, text, sizeof(text), NULL);
	if (r == -ENOENT) {
		out->online_mask = 1;
	} else if (r < 0) {
		return fail(c, r, HP_P_NODE_ONLINE);
	} else {
		r = hp_nodelist_parse(text, &out->online_mask, &out->nodes_beyond, NULL);
		if (r < 0)
			return fail(c, r, HP_P_NODE_ONLINE);
		out->numa_sysfs = true;
	}

	for (size_t i = 0; i < out->nr_pools; i++) {
		struct hp_pool *p = &out->pools[i];

		if (c->counts_only && out->numa_sysfs && !out->nodes_beyond) {
			r = read_pool_by_nodes(c, out, p);
			if (r < 0)
				return r;
			continue;
		}
		r = read_pool_from(c, p, 0);
		if (r < 0)
			return r;
		if (!out->numa_sysfs) {
			mirror_totals(p, 0);
			continue;
		}
		for (unsigned n = 0; n < HP_MAX_NODES; n++) {
			if (!((out->online_mask >> n) & 1))
				continue;
			r = read_node(c, p, n);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int hp_pools_read(const char *root, struct hp_pools *out, char *errpath, size_t errlen)
{
	struct ctx c = { .root = root, .errpath = errpath, .errlen = errlen };
	int r;

	hold_dirs(&c);
	r = pools_read(&c, out);
	release_dirs(&c);
	return r;
}

int hp_pools_read_verdict(const char *root, struct hp_pools *out, char *errpath, size_t errlen)
{
	struct ctx c = { .root = root, .errpath = errpath, .errlen = errlen, .counts_only = true };
	int r;

	hold_dirs(&c);
	r = pools_read(&c, out);
	release_dirs(&c);
	return r;
}
