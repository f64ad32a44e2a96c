// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "sys/boot-verdict.h"
#include "sys/host.h"
#include "sys/kmsg.h"
#include "sys/path.h"
#include "sys/root.h"

int hp_bootcheck_facts(const char *root, const struct hp_pools *pools, struct hp_host *h, char *err,
		       size_t errlen)
{
	char text[HP_ATTR_MAX];
	int r;

	/* not the command line and the error text, strings written as read: two pages fewer */
	memset(h, 0, offsetof(struct hp_host, cmdline));
	h->cmdline[0] = '\0';
	memset(&h->cma, 0, offsetof(struct hp_host, err) - offsetof(struct hp_host, cma));
	h->err[0] = '\0';
	for (size_t i = 0; i < pools->nr_pools && h->nr_sizes < HP_MAX_SIZES; i++)
		h->sizes[h->nr_sizes++] = pools->pools[i].size;
	h->online_mask = pools->online_mask;
	h->nodes_beyond = pools->nodes_beyond;
	h->numa_sysfs = pools->numa_sysfs;
	r = hp_read_cmdline(root, h->cmdline, sizeof(h->cmdline));
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", HP_P_CMDLINE, hp_cmdline_strerror(r));
		return r;
	}
	/* an unknown version makes the simulation assume a recent kernel; a broken one is said */
	r = hp_read_line(root, HP_P_OSRELEASE, text, sizeof(text), NULL);
	if (r == 0) {
		hp_copy(h->kver_str, sizeof(h->kver_str), text);
		h->kver = hp_kver_parse(text);
	} else if (r != -ENOENT) {
		snprintf(err, errlen, "%s: %s", HP_P_OSRELEASE, hp_strerror(r));
		return r;
	}
	h->cma = hp_bootcheck_cma(root, h->cmdline);
	return 0;
}

enum hp_kcma hp_bootcheck_cma(const char *root, const char *cmdline)
{
	enum hp_kcma cma;
	char *text;

	if (!strstr(cmdline, "hugetlb_cma") && !strstr(cmdline, "hugetlb-cma"))
		return HP_CMA_UNKNOWN;
	if (hp_read_text(root, &text, NULL, 1U << 20, HP_P_MEMINFO) < 0)
		return HP_CMA_UNKNOWN;
	cma = !strncmp(text, "CmaTotal:", 9) || strstr(text, "\nCmaTotal:") ? HP_CMA_YES
									    : HP_CMA_NO;
	free(text);
	return cma;
}

/*
 * The lines kept are read straight into the verdict's own (hp_verdict.kmsgs), which
 * hp_verdict_compute() then finds where they go: no copy, and no page of their own to write.
 */
struct klines {
	size_t n, registered, sizes;
	char (*lines)[HP_KMSG_LEN];
	const char *ptrs[HP_VERDICT_MAX_KMSGS];
};

/*
 * hugetlb_init() prints "registered" for every size last, after every allocation failure:
 * once each size present has its line, the rest of the log holds nothing for us.
 */
static int keep_hugetlb(const struct hp_kmsg_rec *rec, void *ctx)
{
	struct klines *k = ctx;

	if (!hp_kmsg_is_hugetlb(rec->text) || k->n >= HP_VERDICT_MAX_KMSGS)
		return 0;
	hp_copy_n(k->lines[k->n], HP_KMSG_LEN, rec->text, HP_KMSG_LEN - 1);
	k->ptrs[k->n] = k->lines[k->n];
	k->n++;
	if (strstr(rec->text, " page size, pre-allocated ") && ++k->registered >= k->sizes)
		return 1;
	return 0;
}

void hp_bootcheck_verdict(const char *root, const struct hp_verdict_in *in, struct hp_verdict *out,
			  char *kmsg_state, size_t len)
{
	struct hp_verdict_in with = *in;
	struct klines lines, *k = &lines;
	int r;

	/*
	 * On the common path, a pool fully met with nothing ignored, the log explains nothing,
	 * and reading it (hundreds of records, a system call each) would be most of the time
	 * the check takes at boot.
	 */
	with.kmsgs = NULL;
	with.nr_kmsgs = 0;
	with.kmsg_read = false;
	hp_verdict_compute(&with, out);
	if (out->status != HP_V_SHORT && in->req->nr_msgs == 0) {
		hp_copy(kmsg_state, len, HP_KMSG_UNNEEDED);
		return;
	}
	k->n = k->registered = 0;
	k->sizes = in->pools->nr_pools;
	k->lines = out->kmsgs;
	/* no kernel log (no /dev/kmsg, no permission) costs the reasons, not the verdict */
	/* keep_hugetlb() wants hp_kmsg_is_hugetlb()'s lines: "HugeTLB:" and "HugeTLB " */
	r = hp_kmsg_foreach_prefix(root, "HugeTLB", keep_hugetlb, k);
	if (r < 0)
		snprintf(kmsg_state, len, "%s: %s", HP_P_KMSG, strerror(-r));
	else
		hp_copy(kmsg_state, len, "read");
	with.kmsgs = k->ptrs;
	with.nr_kmsgs = k->n;
	with.kmsg_read = r >= 0;
	hp_verdict_compute(&with, out);
}
