/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing a small state file under a root, readers never seeing half of it: parents made
 * (0755), the data written to a temporary file beside it, then renamed over the old one.
 * Meant for /run (tmpfs): no fsync.
 */
#ifndef HP_RUNFILE_H
#define HP_RUNFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * hp_runfile_write - root + path (absolute) gets exactly data[0..len) with mode. Returns 0, or
 * -errno; on failure the old file, if any, is left as it was and no temporary file remains.
 */
int hp_runfile_write(const char *root, const char *path, const char *data, size_t len, mode_t mode);

#endif
