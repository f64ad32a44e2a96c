/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmocka boilerplate shared by the unit tests. */
#ifndef HP_TEST_H
#define HP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/macro.h" /* ARRAY_SIZE */

/* hp_test_tmpdir - a new directory NAME.XXXXXX under $TMPDIR (else /tmp), into dir: 0 or -1 */
static inline int hp_test_tmpdir(char *dir, size_t len, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(dir, len, "%s/%s.XXXXXX", tmp ? tmp : "/tmp", name);

	return n > 0 && (size_t)n < len && mkdtemp(dir) ? 0 : -1;
}

/* hp_test_rmtree - remove dir and all in it (rm -rf): 0 or -1 */
static inline int hp_test_rmtree(const char *dir)
{
	char cmd[4200];
	int n = snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);

	return n > 0 && (size_t)n < sizeof(cmd) && system(cmd) == 0 ? 0 : -1;
}

#endif
