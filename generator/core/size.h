/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sizes: the strict parser for configuration values, the kernel's own memparse() (which the
 * command line simulation needs bug for bug), and the two ways sizes are printed: as kernel
 * argument tokens ("2M", "1G") and as the kernel prints them in its messages ("2.00 MiB").
 */
#ifndef HP_SIZE_H
#define HP_SIZE_H

#include <stddef.h>
#include <stdint.h>

#define HP_KIB 1024ULL
#define HP_MIB (1024ULL * HP_KIB)
#define HP_GIB (1024ULL * HP_MIB)
#define HP_TIB (1024ULL * HP_GIB)

/*
 * hp_size_parse - a configuration size: decimal digits, then an optional unit K, M, G or T
 * (either case, binary, as memparse reads them). No sign, no blanks, no hex, no other suffix.
 * Returns 0 and sets *bytes, -EINVAL for a malformed value (*unit_err set to 1 when only the
 * unit is wrong), or -ERANGE when the value does not fit in 64 bits.
 */
int hp_size_parse(const char *s, uint64_t *bytes, int *unit_err);

/*
 * hp_memparse - the kernel's memparse(): simple_strtoull(s, &end, 0) (so "0x" is hex and a
 * leading "0" octal), then one optional suffix K M G T P E in either case; the rest is left
 * unread. Overflow wraps like the kernel's unsigned long arithmetic. *end, if given, points
 * after what was read.
 */
uint64_t hp_memparse(const char *s, const char **end);

/*
 * hp_kb_bytes - a count of KiB as the kernel writes them (/proc/meminfo's "MemTotal: N kB",
 * the N of a hugepages-NkB folder) in bytes: decimal digits only. Returns 0 with *bytes and
 * *end past the digits, -EINVAL when s does not start with a digit, -ERANGE when N KiB do not
 * fit in 64 bits of bytes.
 */
int hp_kb_bytes(const char *s, const char **end, uint64_t *bytes);

/* hp_size_token - "2M", "1G", "64K", "16G": the largest unit dividing the size exactly. */
void hp_size_token(uint64_t bytes, char *buf, size_t len);

/*
 * hp_size_human - the kernel's string_get_size(size, 1, STRING_UNITS_2): three significant
 * digits, truncated, "2.00 MiB", "1.00 GiB", "16.0 GiB", "512 MiB", "64.0 KiB", "512 B".
 */
void hp_size_human(uint64_t bytes, char *buf, size_t len);

#endif
