/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers every part of hugeplan may use, in the spirit of kmod's shared/macro.h: an
 * ARRAY_SIZE that refuses pointers, string equality that reads as such, and cleanup
 * attributes that release a variable when it goes out of scope, so that error paths are early
 * returns instead of goto chains.
 *
 *	_cleanup_free_ char *text = NULL;        free(text) at every return
 *	_cleanup_close_ int fd = -1;             close(fd) when fd >= 0          (sys/ only)
 *	_cleanup_fclose_ FILE *f = NULL;         fclose(f) when f is not NULL    (sys/ only)
 *
 * A value handed on to the caller is taken out of the variable first (TAKE_PTR(text),
 * TAKE_FD(fd)). The core (generator/core) is pure and may use only _cleanup_free_: closep and
 * fclosep are inline and generate nothing where unused, and tests/lint/run-purity.sh fails if
 * a core object ends up referencing close() or fclose().
 */
#ifndef HP_MACRO_H
#define HP_MACRO_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* a compile error, not a wrong count, when x is a pointer rather than an array */
#define HP_MUST_BE_ARRAY(x)                                                                        \
	(sizeof(char[1 - 2 * __builtin_types_compatible_p(__typeof__(x), __typeof__(&(x)[0]))]) - 1)
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]) + HP_MUST_BE_ARRAY(x))

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline bool strneq(const char *a, const char *b, size_t n)
{
	return strncmp(a, b, n) == 0;
}

/* the rest of s after prefix, or NULL when s does not start with it */
static inline const char *startswith(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_       __attribute__((unused))
#define _cleanup_(fn)  __attribute__((cleanup(fn)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(const int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_	 _cleanup_(freep)
#define _cleanup_close_	 _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* the pointer in var, which is set to NULL so that its cleanup leaves it alone */
#define TAKE_PTR(var)                                                                              \
	({                                                                                         \
		__typeof__(var) _take_ = (var);                                                    \
		(var) = NULL;                                                                      \
		_take_;                                                                            \
	})

/* the descriptor in var, which is set to -1 so that its cleanup leaves it alone */
#define TAKE_FD(var)                                                                               \
	({                                                                                         \
		int _take_ = (var);                                                                \
		(var) = -1;                                                                        \
		_take_;                                                                            \
	})

#endif
