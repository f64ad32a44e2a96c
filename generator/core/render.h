/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Renders a plan as kernel arguments in the one form the kernel parses safely
 * (KERNEL-NOTES.md): default_hugepagesz=S first (only with DefaultPageSize=), then exactly one
 * "hugepagesz=S hugepages=..."
 * pair per size, ascending, then hugetlb_free_vmemmap=on if asked, then hugeplan.plan=<id>,
 * an identifier of the reservation (FNV-1a 64 of the tokens before it, joined by blanks). Never a
 * bare leading hugepages=, never a size twice. The rendering is parsed back with the kernel
 * simulation and refused (-EPROTO) unless the kernel would reserve exactly the plan.
 */
#ifndef HP_RENDER_H
#define HP_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/kcmdline.h"
#include "core/plan.h"

#define HP_MAX_TOKENS 24
#define HP_TOKEN_MAX  1024

struct hp_kargs {
	char tok[HP_MAX_TOKENS][HP_TOKEN_MAX];
	size_t n;
	char plan_id[17]; /* "" for an empty plan */
};

/* hp_render - tokens for plan. An empty plan renders no token at all. 0 or -errno. */
int hp_render(const struct hp_plan *plan, struct hp_kargs *out);

/*
 * hp_render_check - whether a kernel described by arch (its version taken from the plan when
 * the plan names one), booted with these tokens, asks for
 * exactly the plan's pools per size and node and has its default size. 0 yes, -EPROTO no
 * (what differs in why[], when given).
 */
int hp_render_check(const struct hp_plan *plan, const struct hp_kargs *args,
		    const struct hp_karch *arch, char *why, size_t whylen);

/* hp_kargs_join - the tokens separated by single blanks. */
void hp_kargs_join(const struct hp_kargs *args, char *buf, size_t len);

/*
 * hp_token_valid - a token safe to place in shell code and on a kernel command line:
 * 1..HP_TOKEN_MAX-1 characters of [A-Za-z0-9._,:=-].
 */
bool hp_token_valid(const char *tok);

#endif
