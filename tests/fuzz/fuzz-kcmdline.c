// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel command line simulation over any command line. Input: 4 bytes choose the kernel
 * and machine (architecture's sizes, version, online nodes, node allocation, huge page
 * support, CONFIG_CMA); the rest, up to a NUL, is the command line.
 *
 * Properties:
 * - the tokenizer always moves forward, stays inside the line and NUL-terminates its copies;
 * - at most HP_MAX_KMSGS messages, each NUL-terminated inside HP_KMSG_LEN and starting
 *   "HugeTLB: " as the kernel's do;
 * - pools: at most HP_MAX_SIZES, no size twice, every size one the architecture has, pages
 *   on a node only for an online node; without huge page support, no pool and no default;
 *   with it, HPAGE_SIZE always has a pool and the default size is one of the pools;
 * - a pool's pages are the sum of its allocations, its node pages those of its per-node
 *   allocations; a size that is not gigantic is allocated once (one per node at most);
 * - hugetlb_cma= is unknown only to a kernel without CMA, and then reserves nothing;
 * - the counts dropped are bounded, each for a size (a placeholder never stays);
 * - words the hugetlb parser does not read change nothing: "quiet " in front, and
 *   " -- hugepages=7 hugepagesz=1G" behind a line without quotes (init's words).
 */
#include <stddef.h>
#include <string.h>

#include "core/kcmdline.h"
#include "core/size.h"
#include "fuzz.h"

static const struct {
	uint64_t sizes[4];
	size_t n;
	uint64_t hpage;
} archs[] = {
	{ { 2 * HP_MIB, HP_GIB }, 2, 2 * HP_MIB },			     /* x86-64, pdpe1gb */
	{ { 2 * HP_MIB }, 1, 2 * HP_MIB },				     /* x86-64 without */
	{ { 64 * HP_KIB, 2 * HP_MIB, 32 * HP_MIB, HP_GIB }, 4, 2 * HP_MIB }, /* arm64 4K */
	{ { 2 * HP_MIB, 512 * HP_MIB, 16 * HP_GIB }, 3, 512 * HP_MIB },	     /* arm64 64K */
	{ { 16 * HP_MIB, 16 * HP_GIB }, 2, 16 * HP_MIB },		     /* ppc64 hash */
	{ { HP_MIB, 2 * HP_GIB }, 2, HP_MIB },				     /* s390x */
};

static const unsigned kvers[] = { 0, HP_KVER(5, 10, 0), HP_KVER(5, 16, 0), HP_KVER(6, 1, 0) };

static void check_req(const struct hp_kreq *r, const struct hp_karch *a, const char *line)
{
	FZ_ASSERT(r->nr_msgs <= HP_MAX_KMSGS, "%zu messages for \"%s\"", r->nr_msgs, line);
	for (size_t i = 0; i < r->nr_msgs; i++) {
		FZ_ASSERT(memchr(r->msgs[i], '\0', HP_KMSG_LEN), "message %zu unterminated", i);
		FZ_ASSERT(!strncmp(r->msgs[i], "HugeTLB: ", 9), "message \"%s\"", r->msgs[i]);
	}
	FZ_ASSERT(memchr(r->plan_id, '\0', sizeof(r->plan_id)), "plan id unterminated");
	FZ_ASSERT(r->nr_pools <= HP_MAX_SIZES, "%zu pools", r->nr_pools);
	if (!a->hugepages_supported) {
		FZ_ASSERT(r->nr_pools == 0 && r->default_size == 0,
			  "pools without huge page support for \"%s\"", line);
		return;
	}
	FZ_ASSERT(hp_kreq_pool(r, a->hpage_size), "no HPAGE_SIZE pool for \"%s\"", line);
	FZ_ASSERT(hp_kreq_pool(r, r->default_size), "default size %" PRIu64 " has no pool",
		  r->default_size);
	for (size_t i = 0; i < r->nr_pools; i++) {
		const struct hp_kpool *p = &r->pools[i];

		FZ_ASSERT(hp_karch_valid_size(a, p->size), "pool of size %" PRIu64, p->size);
		for (size_t k = 0; k < i; k++)
			FZ_ASSERT(r->pools[k].size != p->size, "size %" PRIu64 " twice", p->size);
		for (unsigned n = 0; n < HP_MAX_NODES; n++)
			FZ_ASSERT(!p->node_pages[n] || (a->online_nodes >> n & 1),
				  "pages on offline node %u for \"%s\"", n, line);
		FZ_ASSERT(!p->cma_skipped || (p->gigantic && r->cma_bytes), "cma_skipped");
		FZ_ASSERT(p->allocs_lost == (p->nr_allocs == HP_MAX_ALLOCS && p->allocs_lost),
			  "allocations lost below the limit");
		if (!p->allocs_lost) {
			uint64_t sum = 0, node_sum = 0;
			bool per_node = false;

			for (size_t k = 0; k < p->nr_allocs; k++) {
				sum += p->allocs[k].pages;
				FZ_ASSERT(p->allocs[k].node < (int)HP_MAX_NODES &&
						  (p->allocs[k].node < 0 ||
						   a->online_nodes >> p->allocs[k].node & 1),
					  "allocation on node %d", p->allocs[k].node);
				if (p->allocs[k].node >= 0) {
					per_node = true;
					node_sum += p->allocs[k].pages;
				}
			}
			FZ_ASSERT(sum == p->pages,
				  "allocations sum to %" PRIu64 ", pages %" PRIu64 " for \"%s\"",
				  sum, p->pages, line);
			FZ_ASSERT(per_node == p->node_form, "node_form for \"%s\"", line);
			for (unsigned n = 0; n < HP_MAX_NODES; n++)
				node_sum -= p->node_pages[n];
			FZ_ASSERT(node_sum == 0, "node pages are not the per-node allocations");
		}
		/* other sizes are allocated once, from their final counts */
		FZ_ASSERT(p->gigantic || p->nr_allocs <= HP_MAX_NODES, "%zu allocations",
			  p->nr_allocs);
	}
	FZ_ASSERT(r->nr_lost <= HP_MAX_LOST, "%zu lost counts", r->nr_lost);
	for (size_t i = 0; i < r->nr_lost; i++) {
		FZ_ASSERT(r->lost[i].size != UINT64_MAX, "a lost count's default size unsettled");
		FZ_ASSERT(memchr(r->lost[i].val, '\0', sizeof(r->lost[i].val)), "lost value");
	}
	FZ_ASSERT(!(r->cma_unknown && r->cma_bytes), "hugetlb_cma= unknown and reserved");
	FZ_ASSERT(!r->cma_unknown || a->cma == HP_CMA_NO, "hugetlb_cma= unknown to a CMA kernel");
}

/*
 * Two results say the same: the cleared head byte for byte, and each array entry up to its
 * count (entries past a count are never cleared, and never read: core/kcmdline.h). A pool is
 * cleared whole when it is added, so its bytes are compared; a count dropped and a message
 * are compared as the strings they hold.
 */
static bool same_req(const struct hp_kreq *a, const struct hp_kreq *b)
{
	if (memcmp(a, b, offsetof(struct hp_kreq, pools)))
		return false;
	for (size_t i = 0; i < a->nr_pools; i++)
		if (memcmp(&a->pools[i], &b->pools[i], sizeof(a->pools[i])))
			return false;
	for (size_t i = 0; i < a->nr_lost; i++)
		if (a->lost[i].size != b->lost[i].size || strcmp(a->lost[i].val, b->lost[i].val))
			return false;
	for (size_t i = 0; i < a->nr_msgs; i++)
		if (strcmp(a->msgs[i], b->msgs[i]))
			return false;
	return true;
}

static void check_tokenizer(const char *line)
{
	const char *p = line, *end = line + strlen(line);
	char param[16], val[16];
	bool has_val;

	for (const char *q;
	     (q = hp_kcmdline_next(p, param, sizeof(param), val, sizeof(val), &has_val)); p = q) {
		FZ_ASSERT(q > p && q <= end, "the tokenizer did not move forward in \"%s\"", line);
		FZ_ASSERT(memchr(param, '\0', sizeof(param)) && memchr(val, '\0', sizeof(val)),
			  "unterminated word");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	uint8_t b0 = fz_u8(&in), b1 = fz_u8(&in), b2 = fz_u8(&in), b3 = fz_u8(&in);
	size_t ai = b0 % (sizeof(archs) / sizeof(archs[0]));
	struct hp_karch a = { 0 };
	struct hp_kreq *r1, *r2;
	char *line, *alt;
	size_t n = strnlen((const char *)in.p, in.n);

	memcpy(a.sizes, archs[ai].sizes, sizeof(archs[ai].sizes));
	a.nr_sizes = archs[ai].n;
	a.hpage_size = archs[ai].hpage;
	a.gigantic_min = 8 * HP_MIB;
	a.kver = kvers[b0 >> 4 & 3];
	a.node_alloc = !(b0 & 0x40);
	a.hugepages_supported = !(b0 & 0x80);
	a.online_nodes = (uint64_t)b1 | (uint64_t)b2 << 8 | (uint64_t)(b3 & 0xf) << 60;
	a.cma = (enum hp_kcma)(b3 >> 4 & 3) % 3;

	line = malloc(n + 1);
	alt = malloc(n + 64);
	r1 = malloc(sizeof(*r1));
	r2 = malloc(sizeof(*r2));
	if (!line || !alt || !r1 || !r2)
		goto out;
	memcpy(line, in.p, n);
	line[n] = '\0';

	check_tokenizer(line);
	hp_kcmdline_simulate(line, &a, r1);
	check_req(r1, &a, line);

	snprintf(alt, n + 64, "quiet %s", line);
	hp_kcmdline_simulate(alt, &a, r2);
	FZ_ASSERT(same_req(r1, r2), "\"quiet \" in front changed \"%s\"", line);
	if (!strchr(line, '"')) {
		snprintf(alt, n + 64, "%s -- hugepages=7 hugepagesz=1G", line);
		hp_kcmdline_simulate(alt, &a, r2);
		FZ_ASSERT(same_req(r1, r2), "init's words changed \"%s\"", line);
	}
	/* NULL reads as an empty line */
	hp_kcmdline_simulate(NULL, &a, r2);
	check_req(r2, &a, "(null)");
out:
	free(line);
	free(alt);
	free(r1);
	free(r2);
	return 0;
}
