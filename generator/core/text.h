/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A text built in memory, piece by piece: what the core renders (units, the state file, the
 * boot report's summary, JSON) without a FILE *, so that no stream function appears in a core
 * object (tests/lint/run-purity.sh; a FILE * could as well be stderr). Errors are sticky: once
 * an allocation fails, every later call does nothing and hp_text_finish() returns -ENOMEM.
 *
 *	struct hp_text t = HP_TEXT_INIT;
 *	hp_text_printf(&t, "Where=%s\n", where);
 *	r = hp_text_finish(&t, &out);           0 and *out (malloc'd, NUL-terminated), or -ENOMEM
 */
#ifndef HP_TEXT_H
#define HP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct hp_text {
	char *buf; /* NUL-terminated once anything was added */
	size_t len, cap;
	int err;
	bool fixed; /* hp_text_init_fixed(): buf is the caller's and never grows */
};

#define HP_TEXT_INIT                                                                               \
	{                                                                                          \
		.buf = NULL                                                                        \
	}

/*
 * hp_text_init_fixed - t is written into buf (cap bytes, cap > 0) and never grows: what would
 * not fit is an error (-ENOBUFS), so a text is never cut. hp_text_finish() then hands back buf
 * itself (nothing to free) and hp_text_free() leaves it alone. For the verifier at boot: its
 * report fits pages it has anyway, and no allocator is started for it.
 */
void hp_text_init_fixed(struct hp_text *t, char *buf, size_t cap);

/* hp_text_put - append n bytes of s. */
void hp_text_put(struct hp_text *t, const char *s, size_t n);

/* hp_text_puts - append the string s. */
void hp_text_puts(struct hp_text *t, const char *s);

/* hp_text_printf - append what printf would print. */
void hp_text_printf(struct hp_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * hp_text_finish - hand the text over: 0 and *out (malloc'd, "" when nothing was added; free()
 * it; a fixed text's own buffer), *len (if given) its length; or -ENOMEM (-ENOBUFS) and
 * nothing to free. t is empty afterwards.
 */
int hp_text_finish(struct hp_text *t, char **out, size_t *len);

/* hp_text_free - drop the text. */
void hp_text_free(struct hp_text *t);

#endif
