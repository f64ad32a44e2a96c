/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing into a generator output directory, and only there: relative names, parents made
 * (0755), files created exclusively (0644) as systemd's generators create them, so that a unit
 * another generator already wrote (systemd-fstab-generator, for a mount point in /etc/fstab)
 * is never overwritten.
 */
#ifndef HP_GEN_OUTPUT_H
#define HP_GEN_OUTPUT_H

/*
 * gen_write_file - dir/rel holds text. -EEXIST when it exists already (left as it is);
 * -EINVAL for a rel that is absolute or has a ".." component; else 0 or -errno, and a
 * partly written file is removed.
 */
int gen_write_file(const char *dir, const char *rel, const char *text);

/* gen_symlink - dir/rel is a symlink to target. -EEXIST when rel exists. */
int gen_symlink(const char *dir, const char *rel, const char *target);

/*
 * gen_output_close - the output directory is opened once, at the first write into it (the
 * names are made relative to it); this closes it.
 */
void gen_output_close(void);

#endif
