/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the preflight (core/preflight.h): preflight.c judges the kernel, its config,
 * the CPU and sizes; preflight-kvm.c the KVM and VFIO modules and the IOMMU.
 */
#ifndef HP_PREFLIGHT_INTERNAL_H
#define HP_PREFLIGHT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/preflight.h"

struct ctx {
	const struct hp_check_facts *f;
	const struct hp_check_needs *n;
	struct hp_findings *out;
	bool full;
	char kconfig[160]; /* HP_P_KCONFIG of the target kernel, for messages */
	char modules[160]; /* HP_P_MODULES of the target kernel */
};

/* pf_add - a finding, its message formatted; NULL once out is full (c->full set) */
struct hp_finding *pf_add(struct ctx *c, const char *id, enum hp_check_level level, const char *fmt,
			  ...) __attribute__((format(printf, 4, 5)));

/* pf_fix - the finding's fix; nothing when f is NULL */
void pf_fix(struct hp_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* pf_cmdline_each - fn for every value of param on cmdline (the words after "--" are init's) */
void pf_cmdline_each(const char *cmdline, const char *param,
		     void (*fn)(const char *val, void *data), void *data);

/* pf_cmdline_lists - whether name is in a comma-separated list of param= ('-' and '_' alike) */
bool pf_cmdline_lists(const char *cmdline, const char *param, const char *name);

/* pf_cmdline_last - the value of the last param= into val; false when there is none */
bool pf_cmdline_last(const char *cmdline, const char *param, char *val, size_t vlen);

/* pf_opt_has - whether word is one of a comma-separated option value's words */
bool pf_opt_has(const char *opts, const char *word);

/* preflight-kvm.c: the KVM modules (and VFIO's with passthrough), the IOMMU */
void pf_check_modules(struct ctx *c);
void pf_check_iommu(struct ctx *c);

#endif
