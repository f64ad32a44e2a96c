/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The preflight's facts (core/preflight.h): gather what the checks need to know about the host
 * under root and about the kernel kver that will boot (its /boot/config and, through libkmod,
 * its modules), then judge it with hp_check_evaluate(). plan, apply and check call
 * hp_check_run().
 */
#ifndef HP_PREFLIGHT_FACTS_H
#define HP_PREFLIGHT_FACTS_H

#include "core/preflight.h"

/*
 * hp_check_collect - fill *f for kernel kver (NULL or "": the running kernel, read from
 * <root>/proc/sys/kernel/osrelease). What cannot be read is recorded in *f for the verdict
 * (host_err, kconfig_err, modules_err), not returned. Returns 0, -EINVAL for a kver that is
 * not a plain release name (empty after defaulting is allowed: it is judged), -ENOMEM.
 * Release with hp_check_facts_release().
 */
int hp_check_collect(const char *root, const char *kver, struct hp_check_facts *f);

struct hp_next_facts;

void hp_check_facts_release(struct hp_check_facts *f);

/*
 * hp_check_run - hp_check_collect() and hp_check_evaluate(). why says how kver was chosen
 * when it was not named ("the default boot entry"; NULL otherwise), next what was found of
 * the installed kernels (NULL: not known). Same returns as collect.
 */
int hp_check_run(const char *root, const char *kver, const char *why,
		 const struct hp_next_facts *next, const struct hp_check_needs *n,
		 struct hp_findings *out);

#endif
