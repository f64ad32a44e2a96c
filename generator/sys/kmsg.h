/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel log through /dev/kmsg under a root: reading every record without blocking, and
 * writing one line. Under a test root, dev/kmsg is a regular file holding captured records;
 * lines written to it are appended as "<level>text".
 */
#ifndef HP_SYS_KMSG_H
#define HP_SYS_KMSG_H

#include "core/kmsgrec.h"

typedef int (*hp_kmsg_fn)(const struct hp_kmsg_rec *rec, void *ctx);

/*
 * hp_kmsg_foreach - call fn for each well-formed record of root's /dev/kmsg, oldest first.
 * The device is opened O_RDONLY|O_NONBLOCK and read one record per read() until EAGAIN;
 * EPIPE (records overwritten since the last read) is skipped over, never fatal. Malformed
 * records are skipped. A nonzero return from fn stops the walk and is returned. Returns 0, or
 * -errno when the log cannot be opened or read (-ENOENT, -EACCES, ...).
 */
int hp_kmsg_foreach(const char *root, hp_kmsg_fn fn, void *ctx);

/*
 * hp_kmsg_foreach_prefix - hp_kmsg_foreach(), calling fn only for the records whose text
 * begins with prefix (printable ASCII, no backslash: hp_kmsg_rec_text_starts()); the others
 * are not parsed. NULL: every record.
 */
int hp_kmsg_foreach_prefix(const char *root, const char *prefix, hp_kmsg_fn fn, void *ctx);

/*
 * hp_kmsg_log - write text as one record at level (0 emerg .. 7 debug, facility user) to
 * root's /dev/kmsg. Never creates the file. Returns 0 or -errno.
 */
int hp_kmsg_log(const char *root, unsigned level, const char *text);

/*
 * hp_kmsg_hold - open root's /dev/kmsg once, for reading and writing (O_RDWR | O_APPEND |
 * O_NONBLOCK), for the calls above until hp_kmsg_release(): the verifier's walk and its line
 * then cost one open instead of two. The calls must be given the same root. When it cannot
 * be held (-errno: no log, not readable), each call opens the log as it did.
 */
int hp_kmsg_hold(const char *root);

/* hp_kmsg_release - close the log hp_kmsg_hold() held, if any. */
void hp_kmsg_release(void);

#endif
