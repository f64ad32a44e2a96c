/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record format of /dev/kmsg (Documentation/ABI/testing/dev-kmsg): one record is
 *
 *   "<prio>,<seq>,<usec>,<flags>[,more];<text>\n" then optional " KEY=VALUE\n" lines
 *
 * where prio is facility << 3 | level, and the text has every byte below 0x20 (but tab), every
 * byte 0x7f and above and every backslash written as "\xNN". A read() of the device returns one
 * record; a captured file holds many, one after another. Pure: parsing only, no I/O.
 */
#ifndef HP_KMSGREC_H
#define HP_KMSGREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* the kernel's own record limit (CONSOLE_EXT_LOG_MAX minus header) */
#define HP_KMSG_TEXT_MAX 1024

struct hp_kmsg_rec {
	unsigned level;	   /* prio & 7: 0 emerg .. 7 debug */
	unsigned facility; /* prio >> 3: 0 kernel, 1 user ... */
	uint64_t seq;
	uint64_t usec;		     /* since boot */
	char flag;		     /* '-' alone, 'c' continuation start, '+' continued */
	char text[HP_KMSG_TEXT_MAX]; /* unescaped, NUL-terminated, truncated if longer */
};

/*
 * hp_kmsg_rec_len - length of the first record in buf[0..len): up to and including the newline
 * that ends its text and any continuation lines (those starting with a blank). A record
 * without a final newline runs to len. Returns 0 only when len is 0.
 */
size_t hp_kmsg_rec_len(const char *buf, size_t len);

/*
 * hp_kmsg_rec_parse - parse one record, buf[0..len) as delimited by hp_kmsg_rec_len() (or as
 * one read() returned it). Returns 0 and fills *rec, or -EINVAL when the header is malformed
 * (then *rec is untouched). Any bytes are accepted; text is always NUL-terminated.
 */
int hp_kmsg_rec_parse(const char *buf, size_t len, struct hp_kmsg_rec *rec);

/*
 * hp_kmsg_rec_text_starts - whether the text of the record buf[0..len) (as for
 * hp_kmsg_rec_parse()) begins with prefix, looked at where it is, unparsed: a prefix of
 * printable ASCII other than a backslash, which the kernel never escapes, reads the same
 * before and after unescaping. false for a record without a header's ';'.
 */
bool hp_kmsg_rec_text_starts(const char *buf, size_t len, const char *prefix);

#endif
