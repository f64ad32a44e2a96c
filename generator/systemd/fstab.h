/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether /etc/fstab (under a root) mounts something at a path. An fstab line wins over a
 * generated mount: systemd-fstab-generator writes the same unit name, and an administrator's
 * line is the more deliberate of the two.
 */
#ifndef HP_GEN_FSTAB_H
#define HP_GEN_FSTAB_H

/* gen_fstab_has - 1 yes, 0 no (or no fstab), -errno when it cannot be read. */
int gen_fstab_has(const char *root, const char *where);

/* gen_fstab_free - the text gen_fstab_has() read once, for all its calls (with one root). */
void gen_fstab_free(void);

#endif
