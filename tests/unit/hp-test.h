/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmocka boilerplate shared by the unit tests. */
#ifndef HP_TEST_H
#define HP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/macro.h" /* ARRAY_SIZE */

#endif
