/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot verdict, from the running system: what the kernel was asked for against what it
 * reserved, with the kernel's own messages as reasons (core/verdict.h judges; this reads the
 * pools, the facts and, when there is something to explain, the kernel log). Shared by
 * hugeplan-verify (the early-boot check, in the initramfs) and "hugeplan status" (when no
 * early-boot report is there). libc only.
 */
#ifndef HP_SYS_BOOT_VERDICT_H
#define HP_SYS_BOOT_VERDICT_H

#include <stddef.h>

#include "core/host.h"
#include "core/pools.h"
#include "core/verdict.h"

/*
 * hp_bootcheck_facts - the few host facts the simulation needs: sizes and nodes (from pools),
 * the kernel version and the command line, and CONFIG_CMA when the command line names
 * hugetlb_cma (hp_bootcheck_cma()). Not hp_host_read(): meminfo and cpuinfo are costly to
 * generate in a guest and the verdict needs them only then. -errno with err set.
 */
int hp_bootcheck_facts(const char *root, const struct hp_pools *pools, struct hp_host *h, char *err,
		       size_t errlen);

/*
 * hp_bootcheck_cma - whether the running kernel has CONFIG_CMA, which hugetlb_cma= needs:
 * /proc/meminfo has a CmaTotal line exactly then (fs/proc/meminfo.c). Read only when cmdline
 * names hugetlb_cma, else (and when meminfo is unreadable) HP_CMA_UNKNOWN.
 */
enum hp_kcma hp_bootcheck_cma(const char *root, const char *cmdline);

/*
 * hp_bootcheck_verdict - hp_verdict_compute() over in (its kmsgs ignored); the kernel log is
 * read, and the verdict computed again with its HugeTLB lines, only when there is something
 * to explain (a shortfall or an ignored parameter). kmsg_state tells what happened to the
 * log: "read", "not read: nothing to explain", or the error. Allocates nothing, so it cannot
 * fail.
 */
void hp_bootcheck_verdict(const char *root, const struct hp_verdict_in *in, struct hp_verdict *out,
			  char *kmsg_state, size_t len);

#endif
