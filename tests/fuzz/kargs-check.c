// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kargs-check TOKEN...: whether the words are exactly a rendering hugeplan may write, by the
 * strict grammar of fuzz.h (fz_kargs_check(), written without any of render.c's code) and
 * with the plan id that FNV-1a of the other tokens gives. For shell tests that meet kernel
 * arguments in files (tests/fuzz/run-apply.sh). Exit 0 when they are, 1 with the reason on
 * stderr when they are not.
 */
#include "fuzz.h"

int main(int argc, char **argv)
{
	const char *const *toks = (const char *const *)argv + 1;
	size_t n = (size_t)argc - 1;
	struct fz_args *a = malloc(sizeof(*a));
	const char *bad;
	char want[17];

	if (!a)
		return 2;
	bad = fz_kargs_check(toks, n, a);
	if (!bad && n) {
		snprintf(want, sizeof(want), "%016" PRIx64, fz_plan_id(toks, n - 1));
		if (strcmp(want, a->plan_id))
			bad = "the plan id is not FNV-1a of the other tokens";
	}
	free(a);
	if (bad) {
		fprintf(stderr, "kargs-check: %s\n", bad);
		return 1;
	}
	return 0;
}
